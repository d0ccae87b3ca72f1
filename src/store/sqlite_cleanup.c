/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend's statements for cleanup: old revisions, stale
 * computers, unneeded content and its unlink queue, the supersedence facts
 * decline-superseded weighs, and computer registration. Every deleting
 * function recomputes its selection inside its own short BEGIN IMMEDIATE
 * transaction and deletes at most `limit` rows, so a run can stop (or be
 * killed) between any two batches and the next run simply goes on; the
 * price is that the selection query runs once per batch. Deleting old
 * revisions or unneeded content changes what clients are offered, so those
 * batches bump the catalog generation in their transaction.
 */
#include <stdio.h>
#include <string.h>

#include "base/time.h"
#include "store/sqlite_int.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

/* The revision r is the latest kept revision of its update. */
#define LATEST(r) \
	"NOT EXISTS (SELECT 1 FROM update_revision x WHERE x.update_id = " r ".update_id" \
	" AND x.revision > " r ".revision)"

/* Revisions with a newer revision of the same update. */
#define OLD_REVISIONS_SQL \
	"SELECT r.revision_id FROM update_revision r WHERE EXISTS (SELECT 1 FROM update_revision n" \
	" WHERE n.update_id = r.update_id AND n.revision > r.revision)"

/* Updates whose content clients may fetch: Install-approved for some group
 * and not declined, and what their latest revisions bundle (a bundle's
 * files are carried by its bundled updates). UNION ends cycles. */
#define NEEDED_CTE \
	"WITH RECURSIVE needed(update_id) AS (" \
	" SELECT a.update_id FROM approval a WHERE a.action = 'install'" \
	"  AND NOT EXISTS (SELECT 1 FROM decline d WHERE d.update_id = a.update_id)" \
	" UNION" \
	" SELECT rel.related_id FROM needed n" \
	"  JOIN update_revision r ON r.update_id = n.update_id" \
	"  JOIN revision_relation rel ON rel.revision_id = r.revision_id AND rel.kind = 'bundled'" \
	"  WHERE " LATEST("r") ") "

/* Content row c is not a file of the latest revision of a needed update. */
#define UNNEEDED_WHERE \
	" NOT EXISTS (SELECT 1 FROM revision_file f JOIN update_revision r" \
	"  ON r.revision_id = f.revision_id WHERE f.sha1 = c.sha1" \
	"  AND r.update_id IN (SELECT update_id FROM needed) AND " LATEST("r") ")"

_Static_assert(sizeof(((struct store_content_key *)0)->sha1) == 41, "40 hex digits");

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **s, struct ow_err *err)
{
	return sqlite3_prepare_v2(db, sql, -1, s, NULL) == SQLITE_OK ? 0 : sq_fail(db, err, "prepare");
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}

/* Steps a statement that returns no rows; the caller finalizes or resets. */
static int step_done(sqlite3 *db, sqlite3_stmt *s, const char *what, struct ow_err *err)
{
	return sqlite3_step(s) == SQLITE_DONE ? 0 : sq_fail(db, err, what);
}

static int begin(sqlite3 *db, struct ow_err *err)
{
	return sq_exec(db, "BEGIN IMMEDIATE", err);
}

static int commit(sqlite3 *db, struct ow_err *err)
{
	return sq_exec(db, "COMMIT", err);
}

static void rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		(void)sq_exec(db, "ROLLBACK", NULL);
}

/* Runs a query whose one row holds one or two integers. */
static int query_ll(sqlite3 *db, const char *sql, const char *bind1, long long *a, long long *b,
		    const char *what, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, sql, &s, err)) < 0)
		return rc;
	if (bind1)
		bind_text(s, 1, bind1);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*a = sqlite3_column_int64(s, 0);
		if (b)
			*b = sqlite3_column_int64(s, 1);
		rc = 0;
	} else {
		rc = sq_fail(db, err, what);
	}
	sqlite3_finalize(s);
	return rc;
}

/* Cascading deletes are only safe when the connection enforces them. */
static int require_foreign_keys(sqlite3 *db, struct ow_err *err)
{
	long long on = 0;
	int rc;

	if ((rc = query_ll(db, "PRAGMA foreign_keys", NULL, &on, NULL, "foreign keys", err)) < 0)
		return rc;
	if (on != 1)
		return ow_err_set(err, OW_ESTORE, "foreign keys are not enforced on this connection: "
						  "a delete would leave dependent rows behind");
	return 0;
}

/* In one transaction: runs a DELETE whose last parameter is the limit;
 * with bump, a batch that deleted something bumps the catalog generation. */
static int delete_batch(sqlite3 *db, const char *sql, const char *bind1, long limit, int bump,
			long long *deleted, const char *what, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*deleted = 0;
	if (limit < 1)
		return ow_err_set(err, OW_EINVAL, "%s: batch size %ld", what, limit);
	if ((rc = require_foreign_keys(db, err)) < 0)
		return rc;
	if ((rc = begin(db, err)) < 0)
		return rc;
	if ((rc = prepare(db, sql, &s, err)) < 0)
		goto fail;
	if (bind1)
		bind_text(s, 1, bind1);
	sqlite3_bind_int64(s, bind1 ? 2 : 1, limit);
	if ((rc = step_done(db, s, what, err)) < 0)
		goto fail;
	*deleted = sqlite3_changes(db);
	sqlite3_finalize(s);
	s = NULL;
	if (bump && *deleted > 0 && (rc = sq_generation_bump(db, err)) < 0)
		goto fail;
	if ((rc = commit(db, err)) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(s);
	rollback(db);
	*deleted = 0;
	return rc;
}

int sq_computer_upsert(struct store *st, const char *computer_id, const char *name,
		       const char *os_description, const char *last_contact, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	char when[OW_TIME_LEN] = "";
	int rc;

	if (computer_id == NULL || computer_id[0] == '\0')
		return ow_err_set(err, OW_EINVAL, "a computer needs an id");
	/* Stored in the one spelling that compares as text in time order. */
	if (last_contact && *last_contact) {
		int64_t t;

		if (ow_time_parse(last_contact, &t) < 0)
			return ow_err_set(err, OW_EINVAL, "last contact '%s' is not an RFC 3339 time",
					  last_contact);
		ow_time_format(t, when);
	}
	if ((rc = prepare(db, "INSERT INTO computer (computer_id, name, os_description, registered_at,"
			      " last_contact) VALUES (?1, ?2, ?3, " NOW_SQL ", coalesce(?4, " NOW_SQL "))"
			      " ON CONFLICT (computer_id) DO UPDATE SET name = excluded.name,"
			      " os_description = excluded.os_description,"
			      " last_contact = excluded.last_contact", &s, err)) < 0)
		return rc;
	bind_text(s, 1, computer_id);
	bind_text(s, 2, name);
	bind_text(s, 3, os_description);
	if (when[0])
		bind_text(s, 4, when);
	else
		sqlite3_bind_null(s, 4);
	rc = step_done(db, s, "computer upsert", err);
	sqlite3_finalize(s);
	return rc;
}

int sq_supersede_list(struct store *st, store_supersede_cb cb, void *arg, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	rc = prepare(db, "SELECT r.update_id, rel.related_id,"
			 " EXISTS (SELECT 1 FROM decline d WHERE d.update_id = r.update_id),"
			 " (SELECT count(*) FROM approval a WHERE a.update_id = r.update_id"
			 "  AND a.action = 'install'),"
			 " EXISTS (SELECT 1 FROM update_revision k WHERE k.update_id = rel.related_id),"
			 " EXISTS (SELECT 1 FROM decline d WHERE d.update_id = rel.related_id),"
			 " (SELECT count(*) FROM approval a WHERE a.update_id = rel.related_id"
			 "  AND a.action IN ('install', 'uninstall'))"
			 " FROM update_revision r JOIN revision_relation rel"
			 "  ON rel.revision_id = r.revision_id AND rel.kind = 'supersedes'"
			 " WHERE " LATEST("r") " ORDER BY rel.related_id, r.update_id",
		     &s, err);
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_supersede_row row;

		memset(&row, 0, sizeof(row));
		sq_text(s, 0, row.update_id, sizeof(row.update_id));
		sq_text(s, 1, row.superseded_id, sizeof(row.superseded_id));
		row.update_declined = sqlite3_column_int(s, 2);
		row.update_install_groups = sqlite3_column_int(s, 3);
		row.superseded_known = sqlite3_column_int(s, 4);
		row.superseded_declined = sqlite3_column_int(s, 5);
		row.superseded_approval_groups = sqlite3_column_int(s, 6);
		if ((rc = cb(&row, arg)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "supersedence list");
	sqlite3_finalize(s);
	return rc;
}

int sq_decline_audited(struct store *st, const char *update_id, const char *principal,
		       const char *detail, int *changed, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	*changed = 0;
	if ((rc = begin(db, err)) < 0)
		return rc;
	if ((rc = prepare(db, "INSERT INTO decline VALUES (?, ?, " NOW_SQL ") ON CONFLICT DO NOTHING",
			  &s, err)) < 0)
		goto fail;
	bind_text(s, 1, update_id);
	bind_text(s, 2, principal);
	if ((rc = step_done(db, s, "decline", err)) < 0)
		goto fail;
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_changes(db) == 1) {
		if ((rc = prepare(db, "INSERT INTO audit_log (at, principal, action, target, detail)"
				      " VALUES (" NOW_SQL ", ?, 'update.decline', ?, ?)", &s, err)) < 0)
			goto fail;
		bind_text(s, 1, principal);
		bind_text(s, 2, update_id);
		bind_text(s, 3, detail);
		if ((rc = step_done(db, s, "audit", err)) < 0)
			goto fail;
		sqlite3_finalize(s);
		s = NULL;
		if ((rc = sq_generation_bump(db, err)) < 0)
			goto fail;
		*changed = 1;
	}
	if ((rc = commit(db, err)) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(s);
	rollback(db);
	*changed = 0;
	return rc;
}

int sq_revision_old_count(struct store *st, long long *count, struct ow_err *err)
{
	return query_ll(sq_db(st), "SELECT count(*) FROM (" OLD_REVISIONS_SQL ")", NULL, count, NULL,
			"old revision count", err);
}

int sq_revision_old_delete(struct store *st, long limit, long long *deleted, struct ow_err *err)
{
	return delete_batch(sq_db(st), "DELETE FROM update_revision WHERE revision_id IN ("
				       OLD_REVISIONS_SQL " ORDER BY r.revision_id LIMIT ?1)",
			    NULL, limit, 1, deleted, "delete old revisions", err);
}

int sq_computer_stale_count(struct store *st, const char *before, long long *count,
			    struct ow_err *err)
{
	return query_ll(sq_db(st), "SELECT count(*) FROM computer WHERE last_contact < ?1", before,
			count, NULL, "stale computer count", err);
}

int sq_computer_stale_delete(struct store *st, const char *before, long limit, long long *deleted,
			     struct ow_err *err)
{
	return delete_batch(sq_db(st), "DELETE FROM computer WHERE computer_id IN (SELECT computer_id"
				       " FROM computer WHERE last_contact < ?1"
				       " ORDER BY last_contact, computer_id LIMIT ?2)",
			    before, limit, 0, deleted, "delete stale computers", err);
}

int sq_content_unneeded_count(struct store *st, long long *count, long long *bytes,
			      struct ow_err *err)
{
	return query_ll(sq_db(st), NEEDED_CTE "SELECT count(*), coalesce(sum(c.size), 0)"
					      " FROM content_file c WHERE" UNNEEDED_WHERE,
			NULL, count, bytes, "unneeded content count", err);
}

/* Reads at most limit rows of (sha1, ext[, size]) into keys. */
static int read_keys(sqlite3 *db, sqlite3_stmt *s, long limit, struct store_content_key *keys,
		     size_t *n, int with_size, const char *what, struct ow_err *err)
{
	int rc = SQLITE_DONE;

	*n = 0;
	while ((long)*n < limit && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_content_key *k = &keys[*n];

		memset(k, 0, sizeof(*k));
		sq_text(s, 0, k->sha1, sizeof(k->sha1));
		sq_text(s, 1, k->ext, sizeof(k->ext));
		k->size = with_size ? sqlite3_column_int64(s, 2) : -1;
		(*n)++;
	}
	if ((long)*n < limit && rc != SQLITE_DONE)
		return sq_fail(db, err, what);
	return 0;
}

int sq_content_unneeded_take(struct store *st, long limit, struct store_content_key *keys,
			     size_t *n, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL, *del = NULL, *queue = NULL;
	int rc;

	*n = 0;
	if (limit < 1)
		return ow_err_set(err, OW_EINVAL, "content cleanup: batch size %ld", limit);
	if ((rc = begin(db, err)) < 0)
		return rc;
	if ((rc = prepare(db, NEEDED_CTE "SELECT c.sha1, c.ext, c.size FROM content_file c WHERE"
				  UNNEEDED_WHERE " ORDER BY c.sha1 LIMIT ?1", &s, err)) < 0)
		goto fail;
	sqlite3_bind_int64(s, 1, limit);
	if ((rc = read_keys(db, s, limit, keys, n, 1, "unneeded content", err)) < 0)
		goto fail;
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = prepare(db, "DELETE FROM content_file WHERE sha1 = ?", &del, err)) < 0 ||
	    (rc = prepare(db, "INSERT INTO content_unlink (sha1, ext, queued_at) VALUES (?, ?, " NOW_SQL ")"
			      " ON CONFLICT (sha1) DO UPDATE SET ext = excluded.ext,"
			      " queued_at = excluded.queued_at", &queue, err)) < 0)
		goto fail;
	for (size_t i = 0; i < *n; i++) {
		bind_text(del, 1, keys[i].sha1);
		bind_text(queue, 1, keys[i].sha1);
		bind_text(queue, 2, keys[i].ext);
		if ((rc = step_done(db, del, "delete content row", err)) < 0 ||
		    (rc = step_done(db, queue, "queue content unlink", err)) < 0)
			goto fail;
		sqlite3_reset(del);
		sqlite3_reset(queue);
	}
	sqlite3_finalize(del);
	sqlite3_finalize(queue);
	del = queue = NULL;
	/* A file gone from content_file leaves the FileLocations clients get. */
	if (*n > 0 && (rc = sq_generation_bump(db, err)) < 0)
		goto fail;
	if ((rc = commit(db, err)) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(s);
	sqlite3_finalize(del);
	sqlite3_finalize(queue);
	rollback(db);
	*n = 0;
	return rc;
}

int sq_content_unlink_list(struct store *st, long limit, struct store_content_key *keys, size_t *n,
			   struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	*n = 0;
	if (limit < 1)
		return ow_err_set(err, OW_EINVAL, "unlink queue: batch size %ld", limit);
	if ((rc = prepare(db, "SELECT sha1, ext FROM content_unlink ORDER BY queued_at, sha1 LIMIT ?1",
			  &s, err)) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, limit);
	rc = read_keys(db, s, limit, keys, n, 0, "unlink queue", err);
	sqlite3_finalize(s);
	return rc;
}

int sq_content_unlink_done(struct store *st, const struct store_content_key *keys, size_t n,
			   struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if (n == 0)
		return 0;
	if ((rc = begin(db, err)) < 0)
		return rc;
	if ((rc = prepare(db, "DELETE FROM content_unlink WHERE sha1 = ?", &s, err)) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		bind_text(s, 1, keys[i].sha1);
		if ((rc = step_done(db, s, "unlink queue", err)) < 0)
			goto fail;
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = commit(db, err)) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(s);
	rollback(db);
	return rc;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

int sq_content_each(struct store *st, store_content_cb cb, void *arg, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	struct store_content_row row;
	int rc, stop = 0;

	if ((rc = prepare(db, "SELECT sha1, sha256, size, ext FROM content_file ORDER BY sha1",
			  &s, err)) < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		snprintf(row.sha1, sizeof(row.sha1), "%s", col_text(s, 0));
		snprintf(row.sha256, sizeof(row.sha256), "%s", col_text(s, 1));
		row.size = sqlite3_column_int64(s, 2);
		snprintf(row.ext, sizeof(row.ext), "%s", col_text(s, 3));
		if ((stop = cb(&row, arg)) != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE) {
		rc = sq_fail(db, err, "content list");
		sqlite3_finalize(s);
		return rc;
	}
	sqlite3_finalize(s);
	return stop;
}

int sq_content_forget(struct store *st, const char *sha1, int *removed, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	*removed = 0;
	if ((rc = begin(db, err)) < 0)
		return rc;
	if ((rc = prepare(db, "DELETE FROM content_file WHERE sha1 = ?", &s, err)) < 0)
		goto fail;
	bind_text(s, 1, sha1);
	if ((rc = step_done(db, s, "content forget", err)) < 0)
		goto fail;
	*removed = sqlite3_changes(db) > 0;
	sqlite3_finalize(s);
	s = NULL;
	/* Clients must stop being sent to the file: a new catalog generation. */
	if (*removed && (rc = sq_generation_bump(db, err)) < 0)
		goto fail;
	if ((rc = commit(db, err)) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(s);
	rollback(db);
	*removed = 0;
	return rc;
}

int sq_content_known(struct store *st, const char *sha1, int *known, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT 1 FROM content_file WHERE sha1 = ?", &s, err)) < 0)
		return rc;
	bind_text(s, 1, sha1);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_fail(db, err, "content lookup");
	*known = rc == SQLITE_ROW;
	return 0;
}
