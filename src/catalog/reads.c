/* SPDX-License-Identifier: MIT */
/*
 * Catalog reads for the admin API and reports, and the per-thread store
 * handle the server's workers use. Reads pass the store's rows through
 * unchanged: the catalog adds no policy to listing.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "catalog/catalog.h"

int catalog_revisions(struct store *st, const char *update_id, store_revision_cb cb, void *arg,
		      struct ow_err *err)
{
	return store_revision_list(st, update_id, cb, arg, err);
}

int catalog_relations(struct store *st, long long revision_id, store_rel_cb cb, void *arg,
		      struct ow_err *err)
{
	return store_relation_list(st, revision_id, cb, arg, err);
}

int catalog_groups(struct store *st, store_group_cb cb, void *arg, struct ow_err *err)
{
	return store_group_list(st, cb, arg, err);
}

int catalog_approvals(struct store *st, const char *update_id, store_approval_cb cb, void *arg,
		      struct ow_err *err)
{
	return store_approval_list(st, update_id, cb, arg, err);
}

int catalog_declines(struct store *st, store_decline_cb cb, void *arg, struct ow_err *err)
{
	return store_decline_list(st, cb, arg, err);
}

int catalog_computers(struct store *st, store_computer_cb cb, void *arg, struct ow_err *err)
{
	return store_computer_list(st, cb, arg, err);
}

int catalog_members(struct store *st, store_member_cb cb, void *arg, struct ow_err *err)
{
	return store_member_list(st, cb, arg, err);
}

int catalog_statuses(struct store *st, store_status_cb cb, void *arg, struct ow_err *err)
{
	return store_status_list(st, cb, arg, err);
}

int catalog_users(struct store *st, store_principal_cb cb, void *arg, struct ow_err *err)
{
	return store_principal_list(st, cb, arg, err);
}

int catalog_audit(struct store *st, store_audit_cb cb, void *arg, struct ow_err *err)
{
	return store_audit_list(st, cb, arg, err);
}

int catalog_user_find(struct store *st, const char *field, const char *value,
		      struct store_principal_row *out, struct ow_err *err)
{
	return store_principal_find(st, field, value, out, err);
}

int catalog_user_touch(struct store *st, const char *name, struct ow_err *err)
{
	return store_principal_touch(st, name, err);
}

int catalog_member_set(struct store *st, const char *computer_id, const char *group, int member,
		       const char *principal, struct ow_err *err)
{
	struct store_group_row g;
	char detail[300];
	int rc;

	if ((rc = catalog_group_find(st, group, &g, err)) < 0)
		return rc;
	if ((rc = store_member_set(st, computer_id, g.group_id, member, err)) < 0)
		return rc;
	snprintf(detail, sizeof(detail), "%s %s", member ? "into" : "out of", g.name);
	return store_audit_add(st, principal, member ? "computer.assign" : "computer.unassign",
			       computer_id, detail, err);
}

static pthread_key_t store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void close_thread_store(void *p)
{
	store_close(p);
}

static void make_key(void)
{
	(void)pthread_key_create(&store_key, close_thread_store);
}

int catalog_thread_store(const char *url, const char *data_dir, struct store **out,
			 struct ow_err *err)
{
	struct store *st;
	int rc;

	pthread_once(&store_once, make_key);
	st = pthread_getspecific(store_key);
	if (st == NULL) {
		if ((rc = store_open(url, data_dir, &st, err)) < 0)
			return rc;
		pthread_setspecific(store_key, st);
	}
	*out = st;
	return 0;
}

int catalog_content_add(struct store *st, const char *sha1, const char *sha256, uint64_t size,
			const char *ext, struct ow_err *err)
{
	int inserted;

	return store_content_put(st, sha1, sha256, size, ext, &inserted, err);
}

int catalog_publication_add(struct store *st, const char *update_id, int revision, const char *signer,
			    const void *sig, size_t sig_len, const char *principal, struct ow_err *err)
{
	char detail[600];
	int rc;

	if ((rc = store_publication_add(st, update_id, revision, signer, sig, sig_len, principal, err)) < 0)
		return rc;
	snprintf(detail, sizeof(detail), "revision %d signed by %s", revision, signer);
	return store_audit_add(st, principal, "update.publish", update_id, detail, err);
}

int catalog_computer_get(struct store *st, const char *computer_id, struct store_computer_row *out,
			 struct ow_err *err)
{
	return store_computer_get(st, computer_id, out, err);
}

int catalog_computer_groups(struct store *st, const char *computer_id, store_member_cb cb,
			    void *arg, struct ow_err *err)
{
	return store_computer_groups(st, computer_id, cb, arg, err);
}

int catalog_revision_doc(struct store *st, long long revision_id, struct ow_buf *out,
			 struct ow_err *err)
{
	return store_revision_doc(st, revision_id, out, err);
}

int catalog_fragment_get(struct store *st, long long revision_id, const char *kind,
			 const char *lang, struct ow_buf *out, struct ow_err *err)
{
	return store_fragment_get(st, revision_id, kind, lang, out, err);
}

int catalog_fragment_put(struct store *st, long long revision_id, const char *kind,
			 const char *lang, const void *body, size_t len, struct ow_err *err)
{
	return store_fragment_put(st, revision_id, kind, lang, body, len, err);
}

int catalog_revision_files(struct store *st, long long revision_id, store_file_cb cb, void *arg,
			   struct ow_err *err)
{
	return store_revision_files(st, revision_id, cb, arg, err);
}

int catalog_content_get(struct store *st, const char *sha1, char ext[16], long long *size,
			struct ow_err *err)
{
	return store_content_get(st, sha1, ext, size, err);
}

int catalog_auth_event(struct store *st, const char *principal, const char *action,
		       const char *peer, const char *how, struct ow_err *err)
{
	return store_audit_add(st, principal, action, peer, how, err);
}
