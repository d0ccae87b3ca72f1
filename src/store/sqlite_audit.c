/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend's reads for `openwsus audit`: the file origins every
 * revision states, the publications with the size of their signature, and
 * the audit-trail entries of the members of one role. All are plain
 * listings; deciding what is acceptable is the audit's job
 * (src/audit/), so a store written by an older version, before a rule
 * existed, is reported rather than hidden.
 */
#include <string.h>

#include "store/sqlite_int.h"

int sq_origin_list(struct store *st, store_origin_cb cb, void *arg, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(db,
			       "SELECT r.update_id, r.revision, f.name, f.origin"
			       " FROM revision_file f JOIN update_revision r ON r.revision_id = f.revision_id"
			       " WHERE f.origin <> '' ORDER BY r.update_id, r.revision, f.name",
			       -1, &s, NULL) != SQLITE_OK)
		return sq_fail(db, err, "list file origins");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_origin_row r;
		int stop;

		memset(&r, 0, sizeof(r));
		sq_text(s, 0, r.update_id, sizeof(r.update_id));
		r.revision = sqlite3_column_int(s, 1);
		sq_text(s, 2, r.name, sizeof(r.name));
		sq_text(s, 3, r.origin, sizeof(r.origin));
		if ((stop = cb(&r, arg)) != 0) {
			sqlite3_finalize(s);
			return stop;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "list file origins");
	sqlite3_finalize(s);
	return rc;
}

int sq_publication_list(struct store *st, store_publication_cb cb, void *arg, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(db,
			       "SELECT update_id, revision, signer, coalesce(length(signature), 0),"
			       " published_by, published_at FROM publication ORDER BY update_id, revision",
			       -1, &s, NULL) != SQLITE_OK)
		return sq_fail(db, err, "list publications");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_publication_row r;
		int stop;

		memset(&r, 0, sizeof(r));
		sq_text(s, 0, r.update_id, sizeof(r.update_id));
		r.revision = sqlite3_column_int(s, 1);
		sq_text(s, 2, r.signer, sizeof(r.signer));
		r.signature_len = sqlite3_column_int64(s, 3);
		sq_text(s, 4, r.published_by, sizeof(r.published_by));
		sq_text(s, 5, r.published_at, sizeof(r.published_at));
		if ((stop = cb(&r, arg)) != 0) {
			sqlite3_finalize(s);
			return stop;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "list publications");
	sqlite3_finalize(s);
	return rc;
}

int sq_audit_by_role(struct store *st, const char *role, store_audit_cb cb, void *arg,
		     struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(db,
			       "SELECT a.entry_id, a.at, a.principal, a.action, a.target, a.detail"
			       " FROM audit_log a JOIN principal p ON p.name = a.principal"
			       " WHERE p.role = ? ORDER BY a.entry_id",
			       -1, &s, NULL) != SQLITE_OK)
		return sq_fail(db, err, "list audit entries by role");
	sqlite3_bind_text(s, 1, role, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_audit_row r;
		int stop;

		memset(&r, 0, sizeof(r));
		r.entry_id = sqlite3_column_int64(s, 0);
		sq_text(s, 1, r.at, sizeof(r.at));
		sq_text(s, 2, r.principal, sizeof(r.principal));
		sq_text(s, 3, r.action, sizeof(r.action));
		sq_text(s, 4, r.target, sizeof(r.target));
		sq_text(s, 5, r.detail, sizeof(r.detail));
		if ((stop = cb(&r, arg)) != 0) {
			sqlite3_finalize(s);
			return stop;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "list audit entries by role");
	sqlite3_finalize(s);
	return rc;
}
