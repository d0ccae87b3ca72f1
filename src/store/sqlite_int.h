/* SPDX-License-Identifier: MIT */
/* Internal to the SQLite backend: the store struct and helpers shared by
 * sqlite.c (connection, migrations, meta, content) and the sqlite_*.c
 * files of statements. */
#ifndef OW_STORE_SQLITE_INT_H
#define OW_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store/store.h"

struct sqlite_store {
	struct store base;
	sqlite3 *db;
};

static inline sqlite3 *sq_db(struct store *st)
{
	return ((struct sqlite_store *)st)->db;
}

int sq_fail(sqlite3 *db, struct ow_err *err, const char *what);
int sq_exec(sqlite3 *db, const char *sql, struct ow_err *err);
/* Copies column col as text into buf (len); "" for NULL. */
void sq_text(sqlite3_stmt *stmt, int col, char *buf, size_t len);
/* Adds one to meta 'catalog_generation'. Only inside the write transaction
 * of the change that calls for it (see store_generation). */
int sq_generation_bump(sqlite3 *db, struct ow_err *err);

int sq_revision_put(struct store *st, const struct store_revision *rev, long long *revision_id,
		    int *inserted, struct ow_err *err);
int sq_revision_list(struct store *st, const char *update_id, store_revision_cb cb, void *arg,
		     struct ow_err *err);
int sq_relation_list(struct store *st, long long revision_id, store_rel_cb cb, void *arg,
		     struct ow_err *err);
int sq_group_add(struct store *st, const char *group_id, const char *name, const char *parent_id,
		 struct ow_err *err);
int sq_group_list(struct store *st, store_group_cb cb, void *arg, struct ow_err *err);
int sq_approval_set(struct store *st, const struct store_approval_row *a, struct ow_err *err);
int sq_approval_list(struct store *st, const char *update_id, store_approval_cb cb, void *arg,
		     struct ow_err *err);
int sq_decline_set(struct store *st, const char *update_id, const char *by, int declined,
		   struct ow_err *err);
int sq_audit_add(struct store *st, const char *principal, const char *action, const char *target,
		 const char *detail, struct ow_err *err);
int sq_audit_list(struct store *st, store_audit_cb cb, void *arg, struct ow_err *err);

int sq_decline_get(struct store *st, const char *update_id, int *declined, struct ow_err *err);
int sq_decline_list(struct store *st, store_decline_cb cb, void *arg, struct ow_err *err);
int sq_group_delete(struct store *st, const char *group_id, struct ow_err *err);
int sq_principal_add(struct store *st, const struct store_principal_row *p, struct ow_err *err);
int sq_principal_find(struct store *st, const char *field, const char *value,
		      struct store_principal_row *out, struct ow_err *err);
int sq_principal_list(struct store *st, store_principal_cb cb, void *arg, struct ow_err *err);
int sq_principal_touch(struct store *st, const char *name, struct ow_err *err);
int sq_computer_list(struct store *st, store_computer_cb cb, void *arg, struct ow_err *err);
int sq_member_list(struct store *st, store_member_cb cb, void *arg, struct ow_err *err);
int sq_member_set(struct store *st, const char *computer_id, const char *group_id, int member,
		  struct ow_err *err);
int sq_status_list(struct store *st, store_status_cb cb, void *arg, struct ow_err *err);

int sq_computer_upsert(struct store *st, const char *computer_id, const char *name,
		       const char *os_description, const char *last_contact, struct ow_err *err);
int sq_supersede_list(struct store *st, store_supersede_cb cb, void *arg, struct ow_err *err);
int sq_decline_audited(struct store *st, const char *update_id, const char *principal,
		       const char *detail, int *changed, struct ow_err *err);
int sq_revision_old_count(struct store *st, long long *count, struct ow_err *err);
int sq_revision_old_delete(struct store *st, long limit, long long *deleted, struct ow_err *err);
int sq_computer_stale_count(struct store *st, const char *before, long long *count,
			    struct ow_err *err);
int sq_computer_stale_delete(struct store *st, const char *before, long limit, long long *deleted,
			     struct ow_err *err);
int sq_content_unneeded_count(struct store *st, long long *count, long long *bytes,
			      struct ow_err *err);
int sq_content_unneeded_take(struct store *st, long limit, struct store_content_key *keys,
			     size_t *n, struct ow_err *err);
int sq_content_unlink_list(struct store *st, long limit, struct store_content_key *keys, size_t *n,
			   struct ow_err *err);
int sq_content_unlink_done(struct store *st, const struct store_content_key *keys, size_t n,
			   struct ow_err *err);
int sq_content_each(struct store *st, store_content_cb cb, void *arg, struct ow_err *err);
int sq_content_forget(struct store *st, const char *sha1, int *removed, struct ow_err *err);
int sq_content_known(struct store *st, const char *sha1, int *known, struct ow_err *err);

int sq_publication_add(struct store *st, const char *update_id, int revision, const char *signer,
		       const void *sig, size_t sig_len, const char *by, struct ow_err *err);

int sq_origin_list(struct store *st, store_origin_cb cb, void *arg, struct ow_err *err);
int sq_publication_list(struct store *st, store_publication_cb cb, void *arg, struct ow_err *err);
int sq_audit_by_role(struct store *st, const char *role, store_audit_cb cb, void *arg,
		     struct ow_err *err);

int sq_generation(struct store *st, uint64_t *gen, struct ow_err *err);
int sq_index_revisions(struct store *st, store_index_cb cb, void *arg, struct ow_err *err);
int sq_index_relations(struct store *st, store_index_rel_cb cb, void *arg, struct ow_err *err);
int sq_revision_doc(struct store *st, long long revision_id, struct ow_buf *out, struct ow_err *err);
int sq_fragment_get(struct store *st, long long revision_id, const char *kind, const char *lang,
		    struct ow_buf *out, struct ow_err *err);
int sq_fragment_put(struct store *st, long long revision_id, const char *kind, const char *lang,
		    const void *body, size_t len, struct ow_err *err);
int sq_revision_files(struct store *st, long long revision_id, store_file_cb cb, void *arg,
		      struct ow_err *err);
int sq_content_get(struct store *st, const char *sha1, char ext[16], long long *size,
		   struct ow_err *err);
int sq_computer_get(struct store *st, const char *computer_id, struct store_computer_row *out,
		    struct ow_err *err);
int sq_computer_groups(struct store *st, const char *computer_id, store_member_cb cb, void *arg,
		       struct ow_err *err);
int sq_report_batch(struct store *st, const char *computer_id, const struct store_event *events,
		    size_t nevents, const struct store_status_set *sets, size_t nsets,
		    size_t *inserted, struct ow_err *err);
int sq_event_list(struct store *st, const char *computer_id, store_event_cb cb, void *arg,
		  struct ow_err *err);

#endif
