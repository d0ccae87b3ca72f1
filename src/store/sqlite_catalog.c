/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend's catalog statements: update revisions with their
 * relations and files, computer groups, approvals, declines and the audit
 * trail. A revision and everything that belongs to it is written in one
 * BEGIN IMMEDIATE transaction, so an interrupted import leaves no partial
 * revision behind. Every change of what clients are offered bumps the
 * catalog generation in the transaction of the change (store_generation).
 */
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "store/sqlite_int.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **stmt, struct ow_err *err)
{
	if (sqlite3_prepare_v2(db, sql, -1, stmt, NULL) != SQLITE_OK)
		return sq_fail(db, err, "prepare");
	return 0;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}

/* Runs a prepared statement that returns no rows; finalizes it. */
static int run(sqlite3 *db, sqlite3_stmt *s, const char *what, struct ow_err *err)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT)
		return ow_err_set(err, OW_EEXIST, "%s: %s", what, sqlite3_errmsg(db));
	return sq_fail(db, err, what);
}

static int existing_revision(sqlite3 *db, const struct store_revision *rev, long long *id,
			     int *same, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT revision_id, doc_sha256 FROM update_revision "
			      "WHERE update_id = ? AND revision = ?", &s, err)) < 0)
		return rc;
	bind_text(s, 1, rev->update_id);
	sqlite3_bind_int(s, 2, rev->revision);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(s, 1);

		*id = sqlite3_column_int64(s, 0);
		*same = h && strcmp(h, rev->doc_sha256) == 0;
		rc = 1;
	} else {
		rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "revision lookup");
	}
	sqlite3_finalize(s);
	return rc;
}

int sq_revision_put(struct store *st, const struct store_revision *rev, long long *revision_id,
		    int *inserted, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	long long id = 0;
	int rc, same = 0;

	*inserted = 0;
	if ((rc = sq_exec(db, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	rc = existing_revision(db, rev, &id, &same, err);
	if (rc < 0)
		goto rollback;
	if (rc == 1) {
		(void)sq_exec(db, "ROLLBACK", NULL);
		if (!same)
			return ow_err_set(err, OW_EEXIST,
					  "revision %d of %s is already imported with another document",
					  rev->revision, rev->update_id);
		*revision_id = id;
		return 0;
	}
	if ((rc = prepare(db, "INSERT INTO update_revision (update_id, revision, type, category_type,"
			      " title, kb, msrc_severity, creation_date, removable, deployable, doc,"
			      " doc_sha256, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?," NOW_SQL ")",
			  &s, err)) < 0)
		goto rollback;
	bind_text(s, 1, rev->update_id);
	sqlite3_bind_int(s, 2, rev->revision);
	bind_text(s, 3, rev->type);
	bind_text(s, 4, rev->category_type);
	bind_text(s, 5, rev->title);
	bind_text(s, 6, rev->kb);
	bind_text(s, 7, rev->msrc_severity);
	bind_text(s, 8, rev->creation_date);
	sqlite3_bind_int(s, 9, rev->removable);
	sqlite3_bind_int(s, 10, rev->deployable);
	sqlite3_bind_blob64(s, 11, rev->doc, rev->doc_len, SQLITE_STATIC);
	bind_text(s, 12, rev->doc_sha256);
	if ((rc = run(db, s, "insert revision", err)) < 0)
		goto rollback;
	id = sqlite3_last_insert_rowid(db);

	for (size_t i = 0; i < rev->nrels; i++) {
		const struct store_rel *r = &rev->rels[i];

		if ((rc = prepare(db, "INSERT INTO revision_relation VALUES (?,?,?,?,?,?)", &s, err)) < 0)
			goto rollback;
		sqlite3_bind_int64(s, 1, id);
		bind_text(s, 2, r->kind);
		bind_text(s, 3, r->related_id);
		if (r->related_revision >= 0)
			sqlite3_bind_int(s, 4, r->related_revision);
		else
			sqlite3_bind_null(s, 4);
		sqlite3_bind_int(s, 5, r->grp);
		sqlite3_bind_int(s, 6, r->is_category);
		if ((rc = run(db, s, "insert relation", err)) < 0)
			goto rollback;
	}
	for (size_t i = 0; i < rev->nfiles; i++) {
		const struct store_file *f = &rev->files[i];

		if ((rc = prepare(db, "INSERT INTO revision_file VALUES (?,?,?,?,?,?,?)", &s, err)) < 0)
			goto rollback;
		sqlite3_bind_int64(s, 1, id);
		bind_text(s, 2, f->sha1);
		bind_text(s, 3, f->sha256);
		sqlite3_bind_int64(s, 4, (sqlite3_int64)f->size);
		bind_text(s, 5, f->name);
		bind_text(s, 6, f->modified);
		bind_text(s, 7, f->origin);
		if ((rc = run(db, s, "insert file", err)) < 0)
			goto rollback;
	}
	if ((rc = sq_generation_bump(db, err)) < 0)
		goto rollback;
	if ((rc = sq_exec(db, "COMMIT", err)) < 0)
		goto rollback;
	*revision_id = id;
	*inserted = 1;
	return 0;
rollback:
	(void)sq_exec(db, "ROLLBACK", NULL);
	return rc;
}

int sq_revision_list(struct store *st, const char *update_id, store_revision_cb cb, void *arg,
		     struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	rc = prepare(db, "SELECT r.revision_id, r.update_id, r.revision, r.type, r.category_type,"
			 " r.title, r.kb, r.removable, r.deployable,"
			 " NOT EXISTS (SELECT 1 FROM update_revision n WHERE n.update_id = r.update_id"
			 "  AND n.revision > r.revision)"
			 " FROM update_revision r WHERE (?1 IS NULL OR r.update_id = ?1)"
			 " ORDER BY r.update_id, r.revision",
		     &s, err);
	if (rc < 0)
		return rc;
	if (update_id)
		bind_text(s, 1, update_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_revision_row row;

		memset(&row, 0, sizeof(row));
		row.revision_id = sqlite3_column_int64(s, 0);
		sq_text(s, 1, row.update_id, sizeof(row.update_id));
		row.revision = sqlite3_column_int(s, 2);
		sq_text(s, 3, row.type, sizeof(row.type));
		sq_text(s, 4, row.category_type, sizeof(row.category_type));
		sq_text(s, 5, row.title, sizeof(row.title));
		sq_text(s, 6, row.kb, sizeof(row.kb));
		row.removable = sqlite3_column_int(s, 7);
		row.deployable = sqlite3_column_int(s, 8);
		row.is_latest = sqlite3_column_int(s, 9);
		if ((rc = cb(&row, arg)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "revision list");
	sqlite3_finalize(s);
	return rc;
}

int sq_relation_list(struct store *st, long long revision_id, store_rel_cb cb, void *arg,
		     struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	rc = prepare(db, "SELECT kind, related_id, coalesce(related_revision, -1), grp, is_category"
			 " FROM revision_relation WHERE revision_id = ? ORDER BY rowid",
		     &s, err);
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(s, 1, revision_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_rel_row row;

		sq_text(s, 0, row.kind, sizeof(row.kind));
		sq_text(s, 1, row.related_id, sizeof(row.related_id));
		row.related_revision = sqlite3_column_int(s, 2);
		row.grp = sqlite3_column_int(s, 3);
		row.is_category = sqlite3_column_int(s, 4);
		if ((rc = cb(&row, arg)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "relation list");
	sqlite3_finalize(s);
	return rc;
}

int sq_group_add(struct store *st, const char *group_id, const char *name, const char *parent_id,
		 struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	char key[256];
	int rc;

	if (ow_strlcpy(key, name, sizeof(key)) < 0)
		return ow_err_set(err, OW_ELIMIT, "group name too long");
	for (char *p = key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	if ((rc = sq_exec(db, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	if ((rc = prepare(db, "INSERT INTO computer_group (group_id, name, name_key, parent_id, created_at)"
			      " SELECT ?, ?, ?, group_id, " NOW_SQL " FROM computer_group WHERE group_id = ?",
			  &s, err)) < 0)
		goto rollback;
	bind_text(s, 1, group_id);
	bind_text(s, 2, name);
	bind_text(s, 3, key);
	bind_text(s, 4, parent_id);
	if ((rc = run(db, s, "add group", err)) < 0) {
		if (rc == OW_EEXIST)
			rc = ow_err_set(err, OW_EEXIST, "a group named '%s' exists", name);
		goto rollback;
	}
	if (sqlite3_changes(db) == 0) {
		rc = ow_err_set(err, OW_ENOENT, "no parent group %s", parent_id);
		goto rollback;
	}
	if ((rc = sq_generation_bump(db, err)) < 0 || (rc = sq_exec(db, "COMMIT", err)) < 0)
		goto rollback;
	return 0;
rollback:
	(void)sq_exec(db, "ROLLBACK", NULL);
	return rc;
}

int sq_group_list(struct store *st, store_group_cb cb, void *arg, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT group_id, name, coalesce(parent_id, '') FROM computer_group"
			      " ORDER BY created_at, name_key", &s, err)) < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_group_row row;

		sq_text(s, 0, row.group_id, sizeof(row.group_id));
		sq_text(s, 1, row.name, sizeof(row.name));
		sq_text(s, 2, row.parent_id, sizeof(row.parent_id));
		if ((rc = cb(&row, arg)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "group list");
	sqlite3_finalize(s);
	return rc;
}

int sq_approval_set(struct store *st, const struct store_approval_row *a, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = sq_exec(db, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	if ((rc = prepare(db, "INSERT INTO approval (update_id, group_id, action, deadline,"
			      " apply_to_children, approved_by, approved_at) VALUES (?,?,?,?,?,?," NOW_SQL ")"
			      " ON CONFLICT (update_id, group_id) DO UPDATE SET action = excluded.action,"
			      " deadline = excluded.deadline, apply_to_children = excluded.apply_to_children,"
			      " approved_by = excluded.approved_by, approved_at = excluded.approved_at",
			  &s, err)) < 0)
		goto rollback;
	bind_text(s, 1, a->update_id);
	bind_text(s, 2, a->group_id);
	bind_text(s, 3, a->action);
	if (a->deadline[0])
		bind_text(s, 4, a->deadline);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_int(s, 5, a->apply_to_children);
	bind_text(s, 6, a->approved_by);
	if ((rc = run(db, s, "set approval", err)) < 0) {
		if (rc == OW_EEXIST)
			rc = ow_err_set(err, OW_ENOENT, "no group %s", a->group_id);
		goto rollback;
	}
	if ((rc = sq_generation_bump(db, err)) < 0 || (rc = sq_exec(db, "COMMIT", err)) < 0)
		goto rollback;
	return 0;
rollback:
	(void)sq_exec(db, "ROLLBACK", NULL);
	return rc;
}

int sq_approval_list(struct store *st, const char *update_id, store_approval_cb cb, void *arg,
		     struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT update_id, group_id, action, coalesce(deadline, ''),"
			      " apply_to_children, approved_by, approved_at FROM approval"
			      " WHERE (?1 IS NULL OR update_id = ?1) ORDER BY update_id, group_id",
			  &s, err)) < 0)
		return rc;
	if (update_id)
		bind_text(s, 1, update_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_approval_row row;

		sq_text(s, 0, row.update_id, sizeof(row.update_id));
		sq_text(s, 1, row.group_id, sizeof(row.group_id));
		sq_text(s, 2, row.action, sizeof(row.action));
		sq_text(s, 3, row.deadline, sizeof(row.deadline));
		row.apply_to_children = sqlite3_column_int(s, 4);
		sq_text(s, 5, row.approved_by, sizeof(row.approved_by));
		sq_text(s, 6, row.approved_at, sizeof(row.approved_at));
		if ((rc = cb(&row, arg)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "approval list");
	sqlite3_finalize(s);
	return rc;
}

int sq_decline_set(struct store *st, const char *update_id, const char *by, int declined,
		   struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = sq_exec(db, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	rc = prepare(db, declined ? "INSERT INTO decline VALUES (?, ?, " NOW_SQL ") ON CONFLICT DO NOTHING"
				  : "DELETE FROM decline WHERE update_id = ?",
		     &s, err);
	if (rc < 0)
		goto rollback;
	bind_text(s, 1, update_id);
	if (declined)
		bind_text(s, 2, by);
	if ((rc = run(db, s, "decline", err)) < 0)
		goto rollback;
	/* Declining a declined update (or the reverse) offers nothing new. */
	if (sqlite3_changes(db) > 0 && (rc = sq_generation_bump(db, err)) < 0)
		goto rollback;
	if ((rc = sq_exec(db, "COMMIT", err)) < 0)
		goto rollback;
	return 0;
rollback:
	(void)sq_exec(db, "ROLLBACK", NULL);
	return rc;
}

int sq_audit_add(struct store *st, const char *principal, const char *action, const char *target,
		 const char *detail, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "INSERT INTO audit_log (at, principal, action, target, detail)"
			      " VALUES (" NOW_SQL ", ?, ?, ?, ?)", &s, err)) < 0)
		return rc;
	bind_text(s, 1, principal);
	bind_text(s, 2, action);
	bind_text(s, 3, target);
	bind_text(s, 4, detail);
	return run(db, s, "audit", err);
}

int sq_audit_list(struct store *st, store_audit_cb cb, void *arg, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT entry_id, at, principal, action, target, detail FROM audit_log"
			      " ORDER BY entry_id", &s, err)) < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_audit_row row;

		row.entry_id = sqlite3_column_int64(s, 0);
		sq_text(s, 1, row.at, sizeof(row.at));
		sq_text(s, 2, row.principal, sizeof(row.principal));
		sq_text(s, 3, row.action, sizeof(row.action));
		sq_text(s, 4, row.target, sizeof(row.target));
		sq_text(s, 5, row.detail, sizeof(row.detail));
		if ((rc = cb(&row, arg)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "audit list");
	sqlite3_finalize(s);
	return rc;
}
