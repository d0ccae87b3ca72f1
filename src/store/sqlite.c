/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend: one database file in the data directory, WAL
 * journaling (readers never block the writer), foreign keys on, a busy
 * timeout so that a second process waits instead of failing, and every
 * migration in its own BEGIN IMMEDIATE transaction so that a crash leaves
 * the schema at one version or the next, never between.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/limits.h"
#include "base/util.h"
#include "store/schema.h"
#include "store/store.h"

struct sqlite_store {
	struct store base;
	sqlite3 *db;
};

static struct sqlite_store *S(struct store *st)
{
	return (struct sqlite_store *)st;
}

static int db_fail(sqlite3 *db, struct ow_err *err, const char *what)
{
	return ow_err_set(err, OW_ESTORE, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
}

static int exec(sqlite3 *db, const char *sql, struct ow_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = ow_err_set(err, OW_ESTORE, "%s", msg ? msg : "sqlite error");

		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

static int current_version(sqlite3 *db, int *v, struct ow_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM schema_migrations",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, err, "schema version");
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return db_fail(db, err, "schema version");
	}
	*v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

static int migrate(sqlite3 *db, struct ow_err *err)
{
	int have, rc;

	rc = exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
		      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
		  err);
	if (rc < 0)
		return rc;
	for (int i = 0; i < store_migrations_count; i++) {
		const struct store_migration *m = &store_migrations[i];
		sqlite3_stmt *stmt = NULL;

		if ((rc = exec(db, "BEGIN IMMEDIATE", err)) < 0)
			return rc;
		/* Re-read inside the write lock: another process may have migrated. */
		if ((rc = current_version(db, &have, err)) < 0)
			goto rollback;
		if (m->version <= have) {
			(void)exec(db, "ROLLBACK", NULL);
			continue;
		}
		if ((rc = exec(db, m->sql, err)) < 0)
			goto rollback;
		if (sqlite3_prepare_v2(db, "INSERT INTO schema_migrations VALUES (?, ?, "
					   "strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
				       -1, &stmt, NULL) != SQLITE_OK) {
			rc = db_fail(db, err, "record migration");
			goto rollback;
		}
		sqlite3_bind_int(stmt, 1, m->version);
		sqlite3_bind_text(stmt, 2, m->name, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : db_fail(db, err, "record migration");
		sqlite3_finalize(stmt);
		if (rc < 0)
			goto rollback;
		if ((rc = exec(db, "COMMIT", err)) < 0)
			goto rollback;
	}
	return 0;
rollback:
	(void)exec(db, "ROLLBACK", NULL);
	return rc;
}

static int sq_open(const char *rel, const char *data_dir, struct store **out, struct ow_err *err)
{
	struct sqlite_store *st = NULL;
	char path[OW_MAX_PATH];
	int rc;

	if (rel[0] == '\0')
		return ow_err_set(err, OW_ECONFIG, "empty sqlite store path");
	if ((rel[0] == '/' ? ow_fmt(path, sizeof(path), "%s", rel)
			   : ow_fmt(path, sizeof(path), "%s/%s", data_dir, rel)) < 0)
		return ow_err_set(err, OW_ELIMIT, "store path too long");
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return ow_err_set(err, OW_ENOMEM, "out of memory");
	st->base.ops = &store_sqlite_ops;
	{
		mode_t old = umask(077); /* the database is readable by its owner only */

		rc = sqlite3_open_v2(path, &st->db,
				     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				     NULL);
		umask(old);
	}
	if (rc != SQLITE_OK) {
		rc = db_fail(st->db, err, path);
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	if ((rc = exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
			       " PRAGMA synchronous=NORMAL;", err)) < 0)
		goto fail;
	if ((rc = migrate(st->db, err)) < 0)
		goto fail;
	*out = &st->base;
	return 0;
fail:
	sqlite3_close(st->db);
	free(st);
	return rc;
}

static void sq_close(struct store *base)
{
	struct sqlite_store *st = S(base);

	sqlite3_close(st->db);
	free(st);
}

static int sq_version(struct store *base, int *v, struct ow_err *err)
{
	return current_version(S(base)->db, v, err);
}

static int sq_meta_get(struct store *base, const char *key, char *value, size_t len,
		       struct ow_err *err)
{
	sqlite3 *db = S(base)->db;
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, err, "meta get");
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(stmt, 0);

		rc = ow_strlcpy(value, v ? v : "", len) < 0
			     ? ow_err_set(err, OW_ELIMIT, "meta %s too long", key) : 0;
	} else if (rc == SQLITE_DONE) {
		rc = ow_err_set(err, OW_ENOENT, "meta %s not set", key);
	} else {
		rc = db_fail(db, err, "meta get");
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int sq_meta_set(struct store *base, const char *key, const char *value, struct ow_err *err)
{
	sqlite3 *db = S(base)->db;
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO meta(key, value) VALUES (?, ?) "
				   "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, err, "meta set");
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : db_fail(db, err, "meta set");
	sqlite3_finalize(stmt);
	return rc;
}

static int sq_content_put(struct store *base, const char *sha1, const char *sha256, uint64_t size,
			  const char *ext, int *inserted, struct ow_err *err)
{
	sqlite3 *db = S(base)->db;
	sqlite3_stmt *stmt = NULL;
	int rc;

	*inserted = 0;
	if (sqlite3_prepare_v2(db, "INSERT INTO content_file(sha1, sha256, size, ext, added_at) "
				   "VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
				   "ON CONFLICT(sha1) DO NOTHING",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, err, "content put");
	sqlite3_bind_text(stmt, 1, sha1, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)size);
	sqlite3_bind_text(stmt, 4, ext, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : db_fail(db, err, "content put");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	if (sqlite3_changes(db) == 1) {
		*inserted = 1;
		return 0;
	}
	/* Known already: it must be the same file. */
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM content_file WHERE sha1 = ? AND sha256 = ? AND size = ?",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, err, "content check");
	sqlite3_bind_text(stmt, 1, sha1, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)size);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return ow_err_set(err, OW_EEXIST, "content %s is recorded with other digests or size", sha1);
	return db_fail(db, err, "content check");
}

static int sq_content_count(struct store *base, long long *count, struct ow_err *err)
{
	sqlite3 *db = S(base)->db;
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM content_file", -1, &stmt, NULL) != SQLITE_OK)
		return db_fail(db, err, "content count");
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : db_fail(db, err, "content count");
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.version = sq_version,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.content_put = sq_content_put,
	.content_count = sq_content_count,
};
