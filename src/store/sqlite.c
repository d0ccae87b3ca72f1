/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend: one database file in the data directory, WAL
 * journaling (readers never block the writer), foreign keys on, a busy
 * timeout so that a second process waits instead of failing, and every
 * migration in its own BEGIN IMMEDIATE transaction so that a crash leaves
 * the schema at one version or the next, never between.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/limits.h"
#include "base/util.h"
#include "store/schema.h"
#include "store/sqlite_int.h"

static struct sqlite_store *S(struct store *st)
{
	return (struct sqlite_store *)st;
}

int sq_fail(sqlite3 *db, struct ow_err *err, const char *what)
{
	return ow_err_set(err, OW_ESTORE, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
}

void sq_text(sqlite3_stmt *stmt, int col, char *buf, size_t len)
{
	const char *v = (const char *)sqlite3_column_text(stmt, col);

	/* Values longer than the row field are cut: rows are for display and
	 * lookups by id, and every id column has a fixed length. */
	if (ow_strlcpy(buf, v ? v : "", len) < 0)
		return;
}

int sq_exec(sqlite3 *db, const char *sql, struct ow_err *err)
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
		return sq_fail(db, err, "schema version");
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return sq_fail(db, err, "schema version");
	}
	*v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

/* The schema files' dialect tokens, as SQLite spells them. */
static const char *const dialect[][2] = {
	{ "@AUTOID@", "INTEGER PRIMARY KEY" },
	{ "@BLOB@", "BLOB" },
};

/* Returns a new string: sql with every dialect token replaced. */
static char *apply_dialect(const char *sql)
{
	size_t len = strlen(sql), cap = len * 2 + 64, o = 0;
	char *out = malloc(cap);

	if (out == NULL)
		return NULL;
	for (const char *p = sql; *p;) {
		size_t i;

		for (i = 0; i < sizeof(dialect) / sizeof(dialect[0]); i++) {
			size_t tl = strlen(dialect[i][0]);

			if (strncmp(p, dialect[i][0], tl) == 0) {
				size_t rl = strlen(dialect[i][1]);

				if (o + rl + 1 > cap) {
					free(out);
					return NULL; /* replacements never grow this much */
				}
				memcpy(out + o, dialect[i][1], rl);
				o += rl;
				p += tl;
				break;
			}
		}
		if (i == sizeof(dialect) / sizeof(dialect[0])) {
			if (o + 2 > cap) {
				free(out);
				return NULL;
			}
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return out;
}

static int migrate(sqlite3 *db, struct ow_err *err)
{
	int have, rc;

	rc = sq_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
		      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
		  err);
	if (rc < 0)
		return rc;
	for (int i = 0; i < store_migrations_count; i++) {
		const struct store_migration *m = &store_migrations[i];
		sqlite3_stmt *stmt = NULL;

		if ((rc = sq_exec(db, "BEGIN IMMEDIATE", err)) < 0)
			return rc;
		/* Re-read inside the write lock: another process may have migrated. */
		if ((rc = current_version(db, &have, err)) < 0)
			goto rollback;
		if (m->version <= have) {
			(void)sq_exec(db, "ROLLBACK", NULL);
			continue;
		}
		{
			char *sql = apply_dialect(m->sql);

			if (sql == NULL) {
				rc = ow_err_set(err, OW_ENOMEM, "migration %s: out of memory", m->name);
				goto rollback;
			}
			rc = sq_exec(db, sql, err);
			free(sql);
			if (rc < 0)
				goto rollback;
		}
		if (sqlite3_prepare_v2(db, "INSERT INTO schema_migrations VALUES (?, ?, "
					   "strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
				       -1, &stmt, NULL) != SQLITE_OK) {
			rc = sq_fail(db, err, "record migration");
			goto rollback;
		}
		sqlite3_bind_int(stmt, 1, m->version);
		sqlite3_bind_text(stmt, 2, m->name, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : sq_fail(db, err, "record migration");
		sqlite3_finalize(stmt);
		if (rc < 0)
			goto rollback;
		if ((rc = sq_exec(db, "COMMIT", err)) < 0)
			goto rollback;
	}
	return 0;
rollback:
	(void)sq_exec(db, "ROLLBACK", NULL);
	return rc;
}

/* SQLite counts every allocation under one global mutex unless told not to;
 * with a connection per worker thread that mutex is contended on every
 * statement. Must run before SQLite initializes: once, before any open. */
static pthread_once_t sq_configured = PTHREAD_ONCE_INIT;

static void sq_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
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

		(void)pthread_once(&sq_configured, sq_configure);
		rc = sqlite3_open_v2(path, &st->db,
				     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				     NULL);
		umask(old);
	}
	if (rc != SQLITE_OK) {
		rc = sq_fail(st->db, err, path);
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	if ((rc = sq_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
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
		return sq_fail(db, err, "meta get");
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(stmt, 0);

		rc = ow_strlcpy(value, v ? v : "", len) < 0
			     ? ow_err_set(err, OW_ELIMIT, "meta %s too long", key) : 0;
	} else if (rc == SQLITE_DONE) {
		rc = ow_err_set(err, OW_ENOENT, "meta %s not set", key);
	} else {
		rc = sq_fail(db, err, "meta get");
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
		return sq_fail(db, err, "meta set");
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : sq_fail(db, err, "meta set");
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
	/* A new file changes the FileLocations clients are given: the row and
	 * the generation bump are one transaction. */
	if ((rc = sq_exec(db, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	if (sqlite3_prepare_v2(db, "INSERT INTO content_file(sha1, sha256, size, ext, added_at) "
				   "VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
				   "ON CONFLICT(sha1) DO NOTHING",
			       -1, &stmt, NULL) != SQLITE_OK) {
		rc = sq_fail(db, err, "content put");
		goto rollback;
	}
	sqlite3_bind_text(stmt, 1, sha1, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)size);
	sqlite3_bind_text(stmt, 4, ext, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : sq_fail(db, err, "content put");
	sqlite3_finalize(stmt);
	if (rc < 0)
		goto rollback;
	if (sqlite3_changes(db) == 1) {
		if ((rc = sq_generation_bump(db, err)) < 0 || (rc = sq_exec(db, "COMMIT", err)) < 0)
			goto rollback;
		*inserted = 1;
		return 0;
	}
	(void)sq_exec(db, "ROLLBACK", NULL); /* nothing was written */
	/* Known already: it must be the same file. */
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM content_file WHERE sha1 = ? AND sha256 = ? AND size = ?",
			       -1, &stmt, NULL) != SQLITE_OK)
		return sq_fail(db, err, "content check");
	sqlite3_bind_text(stmt, 1, sha1, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)size);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return ow_err_set(err, OW_EEXIST, "content %s is recorded with other digests or size", sha1);
	return sq_fail(db, err, "content check");
rollback:
	(void)sq_exec(db, "ROLLBACK", NULL);
	return rc;
}

static int sq_content_count(struct store *base, long long *count, struct ow_err *err)
{
	sqlite3 *db = S(base)->db;
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM content_file", -1, &stmt, NULL) != SQLITE_OK)
		return sq_fail(db, err, "content count");
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : sq_fail(db, err, "content count");
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
	.revision_put = sq_revision_put,
	.revision_list = sq_revision_list,
	.relation_list = sq_relation_list,
	.group_add = sq_group_add,
	.group_list = sq_group_list,
	.approval_set = sq_approval_set,
	.approval_list = sq_approval_list,
	.decline_set = sq_decline_set,
	.audit_add = sq_audit_add,
	.audit_list = sq_audit_list,
	.group_delete = sq_group_delete,
	.decline_get = sq_decline_get,
	.decline_list = sq_decline_list,
	.principal_add = sq_principal_add,
	.principal_find = sq_principal_find,
	.principal_list = sq_principal_list,
	.principal_touch = sq_principal_touch,
	.computer_list = sq_computer_list,
	.member_list = sq_member_list,
	.member_set = sq_member_set,
	.status_list = sq_status_list,
	.computer_upsert = sq_computer_upsert,
	.supersede_list = sq_supersede_list,
	.decline_audited = sq_decline_audited,
	.revision_old_count = sq_revision_old_count,
	.revision_old_delete = sq_revision_old_delete,
	.computer_stale_count = sq_computer_stale_count,
	.computer_stale_delete = sq_computer_stale_delete,
	.content_unneeded_count = sq_content_unneeded_count,
	.content_unneeded_take = sq_content_unneeded_take,
	.content_unlink_list = sq_content_unlink_list,
	.content_unlink_done = sq_content_unlink_done,
	.content_known = sq_content_known,
	.content_each = sq_content_each,
	.content_forget = sq_content_forget,
	.publication_add = sq_publication_add,
	.origin_list = sq_origin_list,
	.publication_list = sq_publication_list,
	.audit_by_role = sq_audit_by_role,
	.generation = sq_generation,
	.index_revisions = sq_index_revisions,
	.index_relations = sq_index_relations,
	.revision_doc = sq_revision_doc,
	.fragment_get = sq_fragment_get,
	.fragment_put = sq_fragment_put,
	.revision_files = sq_revision_files,
	.content_get = sq_content_get,
	.computer_get = sq_computer_get,
	.computer_groups = sq_computer_groups,
	.report_batch = sq_report_batch,
	.event_list = sq_event_list,
};
