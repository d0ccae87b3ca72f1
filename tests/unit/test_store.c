/* SPDX-License-Identifier: MIT */
/*
 * The store over its SQLite backend, in a fresh mkdtemp data directory:
 * the database file is private (0600) and in WAL mode, migrations are
 * applied once and recorded, meta is a key/value table with OW_ENOENT for
 * absent keys, and content_put is idempotent for the same file but refuses
 * a known SHA-1 with other digests. Unknown store URLs are configuration
 * errors.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "store/schema.h"
#include "store/store.h"

#define SHA1_A "A9993E364706816ABA3E25717850C26C9CD0D89D"
#define SHA256_A "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
#define SHA1_B "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"
#define SHA256_B "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"

static char dir[] = "/tmp/ow-test-store-XXXXXX";
static char db_path[256];

static struct store *open_store(void)
{
	struct store *st = NULL;
	struct ow_err err = { 0 };

	if (store_open("sqlite:store.db", dir, &st, &err) != 0) {
		fprintf(stderr, "  store_open: %s\n", err.msg);
		return NULL;
	}
	return st;
}

/* One text value from the database, read with sqlite3 itself. */
static int query_text(const char *sql, char *out, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int ok = 0;

	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(stmt, 0);

		snprintf(out, len, "%s", t ? (const char *)t : "");
		ok = 1;
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return ok;
}

static void test_open_creates(void)
{
	struct store *st;
	struct stat sb;
	char v[64];
	int version = -1;
	struct ow_err err = { 0 };
	mode_t old;

	/* Even with a permissive umask the database stays private. */
	old = umask(0);
	st = open_store();
	REQUIRE(st != NULL);
	REQUIRE(stat(db_path, &sb) == 0);
	CHECK(S_ISREG(sb.st_mode));
	CHECK((sb.st_mode & 077) == 0);
	CHECK((sb.st_mode & 0600) == 0600);
	CHECK(store_version(st, &version, &err) == 0);
	CHECK(version == store_migrations_count);
	CHECK(version == store_migrations[store_migrations_count - 1].version);
	/* The WAL and shared-memory files beside it are as private. */
	REQUIRE(store_meta_set(st, "probe", "1", &err) == 0);
	for (int i = 0; i < 2; i++) {
		char p[300];

		snprintf(p, sizeof(p), "%s%s", db_path, i ? "-shm" : "-wal");
		REQUIRE(stat(p, &sb) == 0);
		CHECK((sb.st_mode & 077) == 0);
	}
	store_close(st);
	umask(old);

	REQUIRE(query_text("PRAGMA journal_mode", v, sizeof(v)));
	CHECK_STR(v, "wal");
	REQUIRE(query_text("SELECT count(*) FROM schema_migrations", v, sizeof(v)));
	CHECK(atoi(v) == store_migrations_count);
	REQUIRE(query_text("SELECT name FROM schema_migrations WHERE version = 1", v, sizeof(v)));
	CHECK_STR(v, store_migrations[0].name);
}

static void test_reopen(void)
{
	struct store *st;
	char before[64], after[64], v[64];
	int version = -1;
	struct ow_err err = { 0 };

	REQUIRE(query_text("SELECT group_concat(version || '@' || applied_at) FROM schema_migrations",
			   before, sizeof(before)));
	/* applied_at has one-second resolution: a re-applied migration would
	 * show up as a new row or a later time. */
	sleep(1);
	st = open_store();
	REQUIRE(st != NULL);
	CHECK(store_version(st, &version, &err) == 0);
	CHECK(version == store_migrations_count);
	REQUIRE(store_meta_set(st, "reopen", "kept", &err) == 0);
	store_close(st);
	REQUIRE(query_text("SELECT group_concat(version || '@' || applied_at) FROM schema_migrations",
			   after, sizeof(after)));
	CHECK_STR(after, before);
	REQUIRE(query_text("SELECT count(*) FROM schema_migrations", v, sizeof(v)));
	CHECK(atoi(v) == store_migrations_count);

	/* Data survives a reopen. */
	st = open_store();
	REQUIRE(st != NULL);
	CHECK(store_meta_get(st, "reopen", v, sizeof(v), &err) == 0);
	CHECK_STR(v, "kept");
	store_close(st);
}

static void test_meta(void)
{
	struct store *st = open_store();
	struct ow_err err = { 0 };
	char v[64], small[4];

	REQUIRE(st != NULL);
	strcpy(v, "untouched");
	CHECK(store_meta_get(st, "server_id", v, sizeof(v), &err) == OW_ENOENT);
	CHECK(err.code == OW_ENOENT);
	CHECK(store_meta_set(st, "server_id", "6e8d0c3a-3f1e-4b66-8d2a-1c2b3a4d5e6f", &err) == 0);
	CHECK(store_meta_get(st, "server_id", v, sizeof(v), &err) == 0);
	CHECK_STR(v, "6e8d0c3a-3f1e-4b66-8d2a-1c2b3a4d5e6f");
	/* Overwrite. */
	CHECK(store_meta_set(st, "server_id", "second", &err) == 0);
	CHECK(store_meta_get(st, "server_id", v, sizeof(v), &err) == 0);
	CHECK_STR(v, "second");
	/* Empty values and quotes are values like any other (bound, not spliced). */
	CHECK(store_meta_set(st, "empty", "", &err) == 0);
	CHECK(store_meta_get(st, "empty", v, sizeof(v), &err) == 0);
	CHECK_STR(v, "");
	CHECK(store_meta_set(st, "it's", "a 'quoted'; DROP TABLE meta; --", &err) == 0);
	CHECK(store_meta_get(st, "it's", v, sizeof(v), &err) == 0);
	CHECK_STR(v, "a 'quoted'; DROP TABLE meta; --");
	/* Keys are exact. */
	CHECK(store_meta_get(st, "SERVER_ID", v, sizeof(v), &err) == OW_ENOENT);
	/* Too small a buffer: OW_ELIMIT. */
	CHECK(store_meta_get(st, "server_id", small, sizeof(small), &err) == OW_ELIMIT);
	store_close(st);
}

static void test_content(void)
{
	struct store *st = open_store();
	struct ow_err err = { 0 };
	long long count = -1;
	int inserted = -1;

	REQUIRE(st != NULL);
	CHECK(store_content_count(st, &count, &err) == 0);
	CHECK(count == 0);

	CHECK(store_content_put(st, SHA1_A, SHA256_A, 3, "cab", &inserted, &err) == 0);
	CHECK(inserted == 1);
	CHECK(store_content_count(st, &count, &err) == 0);
	CHECK(count == 1);

	/* The same file again: known, nothing inserted. */
	inserted = -1;
	CHECK(store_content_put(st, SHA1_A, SHA256_A, 3, "cab", &inserted, &err) == 0);
	CHECK(inserted == 0);
	CHECK(store_content_count(st, &count, &err) == 0);
	CHECK(count == 1);

	/* Same SHA-1, other SHA-256 or size: refused. */
	inserted = -1;
	memset(&err, 0, sizeof(err));
	CHECK(store_content_put(st, SHA1_A, SHA256_B, 3, "cab", &inserted, &err) == OW_EEXIST);
	CHECK(inserted == 0);
	CHECK(err.code == OW_EEXIST);
	CHECK(strstr(err.msg, SHA1_A) != NULL);
	CHECK(store_content_put(st, SHA1_A, SHA256_A, 4, "cab", &inserted, &err) == OW_EEXIST);

	/* Another file. */
	CHECK(store_content_put(st, SHA1_B, SHA256_B, 0, "exe", &inserted, &err) == 0);
	CHECK(inserted == 1);
	CHECK(store_content_count(st, &count, &err) == 0);
	CHECK(count == 2);

	/* The schema's checks: digests of the wrong length are a store error. */
	CHECK(store_content_put(st, "ABCD", SHA256_B, 0, "exe", &inserted, &err) == OW_ESTORE);
	CHECK(inserted == 0);
	CHECK(store_content_count(st, &count, &err) == 0);
	CHECK(count == 2);
	store_close(st);
}

static void test_urls(void)
{
	static const char *const bad[] = {
		"postgresql://user@localhost/openwsus",
		"postgres://localhost/openwsus",
		"mysql://localhost/x",
		"sqlite",
		"store.db",
		"",
		"sqlite:",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct store *st = NULL;
		struct ow_err err = { 0 };

		CHECK(store_open(bad[i], dir, &st, &err) == OW_ECONFIG);
		CHECK(err.code == OW_ECONFIG);
		CHECK(st == NULL);
	}
	/* An absolute sqlite path is used as it is. */
	{
		struct store *st = NULL;
		struct ow_err err = { 0 };
		char url[320], path[300];

		snprintf(path, sizeof(path), "%s/abs.db", dir);
		snprintf(url, sizeof(url), "sqlite:%s", path);
		CHECK(store_open(url, "/nonexistent", &st, &err) == 0);
		store_close(st);
		CHECK(access(path, F_OK) == 0);
	}
	/* A directory that does not exist: a store error, no crash. */
	{
		struct store *st = NULL;
		struct ow_err err = { 0 };

		CHECK(store_open("sqlite:store.db", "/nonexistent/ow-test", &st, &err) == OW_ESTORE);
		CHECK(st == NULL);
	}
}

static void cleanup(void)
{
	static const char *const names[] = {
		"store.db", "store.db-wal", "store.db-shm", "abs.db", "abs.db-wal", "abs.db-shm",
	};
	char p[300];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(db_path, sizeof(db_path), "%s/store.db", dir);
	RUN(test_open_creates);
	RUN(test_reopen);
	RUN(test_meta);
	RUN(test_content);
	RUN(test_urls);
	cleanup();
	return check_done();
}
