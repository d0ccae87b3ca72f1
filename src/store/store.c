/* SPDX-License-Identifier: MIT */
/* Backend selection by URL and the thin calls through the ops table. */
#include "store/store.h"

#include <string.h>

int store_open(const char *url, const char *data_dir, struct store **out, struct ow_err *err)
{
	if (strncmp(url, "sqlite:", 7) == 0)
		return store_sqlite_ops.open(url + 7, data_dir, out, err);
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		return ow_err_set(err, OW_ECONFIG,
				  "PostgreSQL stores are not available in this build yet");
	return ow_err_set(err, OW_ECONFIG, "unknown store url '%s' (use sqlite:PATH)", url);
}

void store_close(struct store *st)
{
	if (st)
		st->ops->close(st);
}

int store_version(struct store *st, int *version, struct ow_err *err)
{
	return st->ops->version(st, version, err);
}

int store_meta_get(struct store *st, const char *key, char *value, size_t len,
		   struct ow_err *err)
{
	return st->ops->meta_get(st, key, value, len, err);
}

int store_meta_set(struct store *st, const char *key, const char *value, struct ow_err *err)
{
	return st->ops->meta_set(st, key, value, err);
}

int store_content_put(struct store *st, const char *sha1, const char *sha256, uint64_t size,
		      const char *ext, int *inserted, struct ow_err *err)
{
	return st->ops->content_put(st, sha1, sha256, size, ext, inserted, err);
}

int store_content_count(struct store *st, long long *count, struct ow_err *err)
{
	return st->ops->content_count(st, count, err);
}

int store_revision_put(struct store *st, const struct store_revision *rev, long long *revision_id,
		       int *inserted, struct ow_err *err)
{
	return st->ops->revision_put(st, rev, revision_id, inserted, err);
}

int store_revision_list(struct store *st, const char *update_id, store_revision_cb cb, void *arg,
			struct ow_err *err)
{
	return st->ops->revision_list(st, update_id, cb, arg, err);
}

int store_relation_list(struct store *st, long long revision_id, store_rel_cb cb, void *arg,
			struct ow_err *err)
{
	return st->ops->relation_list(st, revision_id, cb, arg, err);
}

int store_group_add(struct store *st, const char *group_id, const char *name, const char *parent_id,
		    struct ow_err *err)
{
	return st->ops->group_add(st, group_id, name, parent_id, err);
}

int store_group_list(struct store *st, store_group_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->group_list(st, cb, arg, err);
}

int store_approval_set(struct store *st, const struct store_approval_row *a, struct ow_err *err)
{
	return st->ops->approval_set(st, a, err);
}

int store_approval_list(struct store *st, const char *update_id, store_approval_cb cb, void *arg,
			struct ow_err *err)
{
	return st->ops->approval_list(st, update_id, cb, arg, err);
}

int store_decline_set(struct store *st, const char *update_id, const char *by, int declined,
		      struct ow_err *err)
{
	return st->ops->decline_set(st, update_id, by, declined, err);
}

int store_audit_add(struct store *st, const char *principal, const char *action, const char *target,
		    const char *detail, struct ow_err *err)
{
	return st->ops->audit_add(st, principal, action, target, detail, err);
}

int store_audit_list(struct store *st, store_audit_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->audit_list(st, cb, arg, err);
}

int store_group_delete(struct store *st, const char *group_id, struct ow_err *err)
{
	return st->ops->group_delete(st, group_id, err);
}

int store_principal_add(struct store *st, const struct store_principal_row *p, struct ow_err *err)
{
	return st->ops->principal_add(st, p, err);
}

int store_principal_find(struct store *st, const char *field, const char *value,
			 struct store_principal_row *out, struct ow_err *err)
{
	return st->ops->principal_find(st, field, value, out, err);
}

int store_principal_list(struct store *st, store_principal_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->principal_list(st, cb, arg, err);
}

int store_principal_touch(struct store *st, const char *name, struct ow_err *err)
{
	return st->ops->principal_touch(st, name, err);
}

int store_computer_list(struct store *st, store_computer_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->computer_list(st, cb, arg, err);
}

int store_member_list(struct store *st, store_member_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->member_list(st, cb, arg, err);
}

int store_member_set(struct store *st, const char *computer_id, const char *group_id, int member,
		     struct ow_err *err)
{
	return st->ops->member_set(st, computer_id, group_id, member, err);
}

int store_status_list(struct store *st, store_status_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->status_list(st, cb, arg, err);
}

int store_decline_get(struct store *st, const char *update_id, int *declined, struct ow_err *err)
{
	return st->ops->decline_get(st, update_id, declined, err);
}

int store_decline_list(struct store *st, store_decline_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->decline_list(st, cb, arg, err);
}

int store_computer_upsert(struct store *st, const char *computer_id, const char *name,
			  const char *os_description, const char *last_contact, struct ow_err *err)
{
	return st->ops->computer_upsert(st, computer_id, name, os_description, last_contact, err);
}

int store_supersede_list(struct store *st, store_supersede_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->supersede_list(st, cb, arg, err);
}

int store_decline_audited(struct store *st, const char *update_id, const char *principal,
			  const char *detail, int *changed, struct ow_err *err)
{
	return st->ops->decline_audited(st, update_id, principal, detail, changed, err);
}

int store_revision_old_count(struct store *st, long long *count, struct ow_err *err)
{
	return st->ops->revision_old_count(st, count, err);
}

int store_revision_old_delete(struct store *st, long limit, long long *deleted, struct ow_err *err)
{
	return st->ops->revision_old_delete(st, limit, deleted, err);
}

int store_computer_stale_count(struct store *st, const char *before, long long *count,
			       struct ow_err *err)
{
	return st->ops->computer_stale_count(st, before, count, err);
}

int store_computer_stale_delete(struct store *st, const char *before, long limit,
				long long *deleted, struct ow_err *err)
{
	return st->ops->computer_stale_delete(st, before, limit, deleted, err);
}

int store_content_unneeded_count(struct store *st, long long *count, long long *bytes,
				 struct ow_err *err)
{
	return st->ops->content_unneeded_count(st, count, bytes, err);
}

int store_content_unneeded_take(struct store *st, long limit, struct store_content_key *keys,
				size_t *n, struct ow_err *err)
{
	return st->ops->content_unneeded_take(st, limit, keys, n, err);
}

int store_content_unlink_list(struct store *st, long limit, struct store_content_key *keys,
			      size_t *n, struct ow_err *err)
{
	return st->ops->content_unlink_list(st, limit, keys, n, err);
}

int store_content_unlink_done(struct store *st, const struct store_content_key *keys, size_t n,
			      struct ow_err *err)
{
	return st->ops->content_unlink_done(st, keys, n, err);
}

int store_content_each(struct store *st, store_content_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->content_each(st, cb, arg, err);
}

int store_content_forget(struct store *st, const char *sha1, int *removed, struct ow_err *err)
{
	return st->ops->content_forget(st, sha1, removed, err);
}

int store_content_known(struct store *st, const char *sha1, int *known, struct ow_err *err)
{
	return st->ops->content_known(st, sha1, known, err);
}

int store_publication_add(struct store *st, const char *update_id, int revision, const char *signer,
			  const void *sig, size_t sig_len, const char *by, struct ow_err *err)
{
	return st->ops->publication_add(st, update_id, revision, signer, sig, sig_len, by, err);
}

int store_origin_list(struct store *st, store_origin_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->origin_list(st, cb, arg, err);
}

int store_publication_list(struct store *st, store_publication_cb cb, void *arg,
			   struct ow_err *err)
{
	return st->ops->publication_list(st, cb, arg, err);
}

int store_audit_by_role(struct store *st, const char *role, store_audit_cb cb, void *arg,
			struct ow_err *err)
{
	return st->ops->audit_by_role(st, role, cb, arg, err);
}

int store_generation(struct store *st, uint64_t *gen, struct ow_err *err)
{
	return st->ops->generation(st, gen, err);
}

int store_index_revisions(struct store *st, store_index_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->index_revisions(st, cb, arg, err);
}

int store_index_relations(struct store *st, store_index_rel_cb cb, void *arg, struct ow_err *err)
{
	return st->ops->index_relations(st, cb, arg, err);
}

int store_revision_doc(struct store *st, long long revision_id, struct ow_buf *out,
		       struct ow_err *err)
{
	return st->ops->revision_doc(st, revision_id, out, err);
}

int store_fragment_get(struct store *st, long long revision_id, const char *kind, const char *lang,
		       struct ow_buf *out, struct ow_err *err)
{
	return st->ops->fragment_get(st, revision_id, kind, lang, out, err);
}

int store_fragment_put(struct store *st, long long revision_id, const char *kind, const char *lang,
		       const void *body, size_t len, struct ow_err *err)
{
	return st->ops->fragment_put(st, revision_id, kind, lang, body, len, err);
}

int store_revision_files(struct store *st, long long revision_id, store_file_cb cb, void *arg,
			 struct ow_err *err)
{
	return st->ops->revision_files(st, revision_id, cb, arg, err);
}

int store_content_get(struct store *st, const char *sha1, char ext[16], long long *size,
		      struct ow_err *err)
{
	return st->ops->content_get(st, sha1, ext, size, err);
}

int store_computer_get(struct store *st, const char *computer_id, struct store_computer_row *out,
		       struct ow_err *err)
{
	return st->ops->computer_get(st, computer_id, out, err);
}

int store_computer_groups(struct store *st, const char *computer_id, store_member_cb cb, void *arg,
			  struct ow_err *err)
{
	return st->ops->computer_groups(st, computer_id, cb, arg, err);
}

int store_report_batch(struct store *st, const char *computer_id, const struct store_event *events,
		       size_t nevents, const struct store_status_set *sets, size_t nsets,
		       size_t *inserted, struct ow_err *err)
{
	return st->ops->report_batch(st, computer_id, events, nevents, sets, nsets, inserted, err);
}

int store_event_list(struct store *st, const char *computer_id, store_event_cb cb, void *arg,
		     struct ow_err *err)
{
	return st->ops->event_list(st, computer_id, cb, arg, err);
}
