/* SPDX-License-Identifier: MIT */
/*
 * The store's scan-path calls over SQLite, each test on its own database in
 * a fresh mkdtemp directory: the index lists only latest revisions, in
 * revision id order, with declines and relations; documents, files and
 * content come back as recorded; the fragment cache replaces and refuses
 * what it should; report_batch records a resent event once, lets the last
 * state win and writes nothing when it fails; the catalog generation moves
 * with every change of what clients are offered and with nothing else; and
 * migration 6 applies to a fresh store and to one left at version 5.
 * Rows no listing shows are read with sqlite3 itself, read-only.
 */
#include <dirent.h>
#include <openssl/sha.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "check.h"
#include "store/schema.h"
#include "store/store.h"

#define ALL "a0a08746-4dbe-4a37-9adf-9e7652c0b421"
#define UNASSIGNED "b73ca6ed-5727-47f3-84de-015e03f6a88a"
#define ZERO "00000000-0000-0000-0000-000000000000"
#define SHA1_A "A9993E364706816ABA3E25717850C26C9CD0D89D"
#define SHA256_A "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
#define SHA1_B "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"
#define SHA256_B "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
#define SHA1_C "84983E441C3BD26EBAAE4AA1F95129E5E54670F1"
#define SHA256_C "248D6A61D20638B8E5C026930C3E6039A33CE45964FF2167F6ECEDD419DB06C1"
#define CID "6b1c4e0a-77a5-4f5e-9d5b-2f0c1a3e4d5f"
#define CID2 "0f9d8c7b-6a5e-4d3c-8b2a-1f0e9d8c7b6a"

static char dir[] = "/tmp/ow-test-store-scan-XXXXXX";

static struct store *open_db(const char *name)
{
	struct store *st = NULL;
	struct ow_err err = { 0 };
	char url[64];

	snprintf(url, sizeof(url), "sqlite:%s.db", name);
	if (store_open(url, dir, &st, &err) != 0) {
		fprintf(stderr, "  store_open: %s\n", err.msg);
		return NULL;
	}
	return st;
}

/* One integer from database name, read with sqlite3 itself; -1 on failure. */
static long long query_ll(const char *name, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	char path[300];
	long long v = -1;

	snprintf(path, sizeof(path), "%s/%s.db", dir, name);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* The GUID of test update n. */
static const char *uid(int n)
{
	static char ids[8][37];
	static int next;
	char *b = ids[next++ % 8];

	snprintf(b, 37, "%08x-0000-4000-8000-%012x", (unsigned)n, (unsigned)n);
	return b;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* Records revision rev of update n with a document that names both, so two
 * calls with the same arguments give the same document. */
static int put(struct store *st, int n, int rev, const char *type, const struct store_rel *rels,
	       size_t nrels, const struct store_file *files, size_t nfiles, long long *id,
	       int *inserted, const char *extra)
{
	static char doc[256], sum_hex[65];
	unsigned char sum[SHA256_DIGEST_LENGTH];
	struct store_revision r;
	struct ow_err err = { 0 };
	int dummy, rc;

	snprintf(doc, sizeof(doc), "<upd:Update id=\"%s\" rev=\"%d\">%s</upd:Update>", uid(n), rev,
		 extra ? extra : "");
	SHA256((const unsigned char *)doc, strlen(doc), sum);
	hex(sum, sizeof(sum), sum_hex);
	memset(&r, 0, sizeof(r));
	r.update_id = uid(n);
	r.revision = rev;
	r.type = type;
	r.title = "title";
	r.doc = doc;
	r.doc_len = strlen(doc);
	r.doc_sha256 = sum_hex;
	r.rels = rels;
	r.nrels = nrels;
	r.files = files;
	r.nfiles = nfiles;
	rc = store_revision_put(st, &r, id, inserted ? inserted : &dummy, &err);
	if (rc < 0 && rc != OW_EEXIST)
		fprintf(stderr, "  revision_put: %s\n", err.msg);
	return rc;
}

static uint64_t gen(struct store *st)
{
	struct ow_err err = { 0 };
	uint64_t g = 0;

	if (store_generation(st, &g, &err) < 0)
		fprintf(stderr, "  generation: %s\n", err.msg);
	return g;
}

/* ---- collectors ---- */

#define MAXROWS 16

struct idx {
	struct store_index_row r[MAXROWS];
	size_t n;
	int stop_at;                /* stop after this many rows, 0: never */
};

static int idx_cb(const struct store_index_row *row, void *arg)
{
	struct idx *c = arg;

	if (c->n < MAXROWS)
		c->r[c->n++] = *row;
	return c->stop_at && (int)c->n == c->stop_at ? 7 : 0;
}

struct rels {
	struct store_index_rel_row r[MAXROWS];
	size_t n;
};

static int rels_cb(const struct store_index_rel_row *row, void *arg)
{
	struct rels *c = arg;

	if (c->n < MAXROWS)
		c->r[c->n++] = *row;
	return 0;
}

struct plain_rels {
	struct store_rel_row r[MAXROWS];
	size_t n;
};

static int plain_rels_cb(const struct store_rel_row *row, void *arg)
{
	struct plain_rels *c = arg;

	if (c->n < MAXROWS)
		c->r[c->n++] = *row;
	return 0;
}

struct files {
	struct store_file_row r[MAXROWS];
	size_t n;
};

static int files_cb(const struct store_file_row *row, void *arg)
{
	struct files *c = arg;

	if (c->n < MAXROWS)
		c->r[c->n++] = *row;
	return 0;
}

struct members {
	struct store_member_row r[MAXROWS];
	size_t n;
};

static int members_cb(const struct store_member_row *row, void *arg)
{
	struct members *c = arg;

	if (c->n < MAXROWS)
		c->r[c->n++] = *row;
	return 0;
}

struct events {
	struct store_event_row r[MAXROWS];
	size_t n;
};

static int events_cb(const struct store_event_row *row, void *arg)
{
	struct events *c = arg;

	if (c->n < MAXROWS)
		c->r[c->n++] = *row;
	return 0;
}

struct statuses {
	struct store_status_row r[MAXROWS];
	size_t n;
};

static int statuses_cb(const struct store_status_row *row, void *arg)
{
	struct statuses *c = arg;

	if (c->n < MAXROWS)
		c->r[c->n++] = *row;
	return 0;
}

/* The state computer cid reported for update u, or "" when none. */
static const char *state_of(struct store *st, const char *cid, const char *u)
{
	static struct statuses c;
	struct ow_err err = { 0 };

	memset(&c, 0, sizeof(c));
	if (store_status_list(st, statuses_cb, &c, &err) < 0)
		return "(error)";
	for (size_t i = 0; i < c.n; i++)
		if (strcmp(c.r[i].computer_id, cid) == 0 && strcmp(c.r[i].update_id, u) == 0)
			return c.r[i].state;
	return "";
}

static size_t count_events(struct store *st, const char *cid)
{
	struct events c;
	struct ow_err err = { 0 };

	memset(&c, 0, sizeof(c));
	if (store_event_list(st, cid, events_cb, &c, &err) < 0)
		return (size_t)-1;
	return c.n;
}

/* ---- migrations ---- */

static void test_fresh_store(void)
{
	struct store *st = open_db("fresh");
	struct ow_err err = { 0 };
	char v[32];
	int version = -1;

	REQUIRE(st != NULL);
	CHECK(store_version(st, &version, &err) == 0);
	CHECK(version == 6);
	CHECK(store_migrations[store_migrations_count - 1].version == 6);
	CHECK_STR(store_migrations[store_migrations_count - 1].name, "0006-scan");
	CHECK(gen(st) == 1);
	CHECK(store_meta_get(st, "catalog_generation", v, sizeof(v), &err) == 0);
	CHECK_STR(v, "1");
	store_close(st);
	CHECK(query_ll("fresh", "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
				" ('revision_fragment', 'client_event')") == 2);
	CHECK(query_ll("fresh", "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
				" AND name = 'client_event_by_received'") == 1);
	/* Reopening applies nothing twice (a second INSERT into meta would fail). */
	st = open_db("fresh");
	REQUIRE(st != NULL);
	CHECK(gen(st) == 1);
	store_close(st);
	CHECK(query_ll("fresh", "SELECT count(*) FROM schema_migrations") == 6);
}

/* A store as a version-5 binary left it: migrations 1 to 5 applied the way
 * the backend applies them, and a revision imported. */
static int make_v5(const char *name)
{
	sqlite3 *db = NULL;
	char path[300];
	int ok = 1;

	snprintf(path, sizeof(path), "%s/%s.db", dir, name);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		ok = 0;
	if (ok && sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE schema_migrations ("
				   " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
				   " applied_at TEXT NOT NULL)", NULL, NULL, NULL) != SQLITE_OK)
		ok = 0;
	for (int i = 0; ok && i < store_migrations_count && store_migrations[i].version <= 5; i++) {
		const char *p = store_migrations[i].sql;
		char *sql = malloc(strlen(p) * 2 + 1), *o = sql, ins[200];

		if (sql == NULL) {
			ok = 0;
			break;
		}
		while (*p) {
			if (strncmp(p, "@AUTOID@", 8) == 0) {
				o += sprintf(o, "INTEGER PRIMARY KEY");
				p += 8;
			} else if (strncmp(p, "@BLOB@", 6) == 0) {
				o += sprintf(o, "BLOB");
				p += 6;
			} else {
				*o++ = *p++;
			}
		}
		*o = '\0';
		snprintf(ins, sizeof(ins), "INSERT INTO schema_migrations VALUES (%d, '%s',"
					   " '2026-01-01T00:00:00Z')", store_migrations[i].version,
			 store_migrations[i].name);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, ins, NULL, NULL, NULL) != SQLITE_OK) {
			fprintf(stderr, "  migration %s: %s\n", store_migrations[i].name, sqlite3_errmsg(db));
			ok = 0;
		}
		free(sql);
	}
	if (ok && sqlite3_exec(db, "INSERT INTO update_revision (update_id, revision, type, doc,"
				   " doc_sha256, imported_at) VALUES ('00000007-0000-4000-8000-000000000007',"
				   " 3, 'Software', X'3c782f3e', '" SHA256_A "', '2026-01-01T00:00:00Z')",
			       NULL, NULL, NULL) != SQLITE_OK)
		ok = 0;
	sqlite3_close(db);
	return ok;
}

static void test_from_version_5(void)
{
	struct store *st;
	struct ow_err err = { 0 };
	struct idx c;
	struct ow_buf b;
	int version = -1;

	REQUIRE(make_v5("v5"));
	REQUIRE(query_ll("v5", "SELECT max(version) FROM schema_migrations") == 5);
	REQUIRE(query_ll("v5", "SELECT count(*) FROM sqlite_master WHERE name = 'client_event'") == 0);
	st = open_db("v5");
	REQUIRE(st != NULL);
	CHECK(store_version(st, &version, &err) == 0);
	CHECK(version == 6);
	CHECK(gen(st) == 1);
	/* The revision from before is in the index and takes fragments. */
	memset(&c, 0, sizeof(c));
	CHECK(store_index_revisions(st, idx_cb, &c, &err) == 0);
	REQUIRE(c.n == 1);
	CHECK_STR(c.r[0].update_id, uid(7));
	CHECK(c.r[0].revision == 3);
	CHECK_STR(c.r[0].imported_at, "2026-01-01T00:00:00Z");
	CHECK(store_fragment_put(st, c.r[0].revision_id, "core", "", "<c/>", 4, &err) == 0);
	ow_buf_init(&b, 1024);
	CHECK(store_revision_doc(st, c.r[0].revision_id, &b, &err) == 0);
	CHECK(b.len == 4 && memcmp(b.data, "<x/>", 4) == 0);
	ow_buf_release(&b);
	store_close(st);
	CHECK(query_ll("v5", "SELECT count(*) FROM schema_migrations") == 6);
}

/* ---- the index ---- */

static void test_index(void)
{
	static const struct store_rel rels_old[] = {
		{ "prerequisite", "00000009-0000-4000-8000-000000000009", -1, 0, 0 },
	};
	static const struct store_rel rels_new[] = {
		{ "prerequisite", "00000002-0000-4000-8000-000000000002", -1, 0, 0 },
		{ "prerequisite", "00000003-0000-4000-8000-000000000003", 5, 1, 1 },
		{ "supersedes", "00000004-0000-4000-8000-000000000004", -1, 0, 0 },
		{ "bundled", "00000005-0000-4000-8000-000000000005", 2, 0, 0 },
	};
	static const struct store_rel rels_det[] = {
		{ "prerequisite", "00000002-0000-4000-8000-000000000002", 1, 2, 0 },
	};
	struct store *st = open_db("index");
	struct ow_err err = { 0 };
	long long id_new = 0, id_cat = 0, id_old = 0, id_det = 0;
	struct idx c;
	struct rels r;
	struct plain_rels p;

	REQUIRE(st != NULL);
	/* The newer revision first, so that revision id order and revision
	 * order differ. */
	REQUIRE(put(st, 1, 200, "Software", rels_new, 4, NULL, 0, &id_new, NULL, NULL) == 0);
	REQUIRE(put(st, 2, 1, "Category", NULL, 0, NULL, 0, &id_cat, NULL, NULL) == 0);
	REQUIRE(put(st, 1, 100, "Software", rels_old, 1, NULL, 0, &id_old, NULL, NULL) == 0);
	REQUIRE(put(st, 3, 5, "Detectoid", rels_det, 1, NULL, 0, &id_det, NULL, NULL) == 0);
	CHECK(id_new < id_cat && id_cat < id_old && id_old < id_det);
	REQUIRE(store_decline_set(st, uid(3), "admin", 1, &err) == 0);

	memset(&c, 0, sizeof(c));
	CHECK(store_index_revisions(st, idx_cb, &c, &err) == 0);
	REQUIRE(c.n == 3);
	CHECK(c.r[0].revision_id == id_new);
	CHECK_STR(c.r[0].update_id, uid(1));
	CHECK(c.r[0].revision == 200);
	CHECK_STR(c.r[0].type, "Software");
	CHECK(c.r[0].declined == 0);
	CHECK(strlen(c.r[0].imported_at) == 20 && c.r[0].imported_at[19] == 'Z');
	CHECK(c.r[1].revision_id == id_cat);
	CHECK_STR(c.r[1].type, "Category");
	CHECK(c.r[1].declined == 0);
	CHECK(c.r[2].revision_id == id_det);
	CHECK_STR(c.r[2].update_id, uid(3));
	CHECK_STR(c.r[2].type, "Detectoid");
	CHECK(c.r[2].declined == 1);
	for (size_t i = 0; i < c.n; i++)
		CHECK(c.r[i].revision_id != id_old);

	/* A callback's nonzero value stops the listing and is returned. */
	memset(&c, 0, sizeof(c));
	c.stop_at = 1;
	CHECK(store_index_revisions(st, idx_cb, &c, &err) == 7);
	CHECK(c.n == 1);

	memset(&r, 0, sizeof(r));
	CHECK(store_index_relations(st, rels_cb, &r, &err) == 0);
	REQUIRE(r.n == 5);
	for (size_t i = 0; i < 4; i++)
		CHECK(r.r[i].revision_id == id_new);
	CHECK(r.r[4].revision_id == id_det);
	CHECK_STR(r.r[0].rel.kind, "prerequisite");
	CHECK_STR(r.r[0].rel.related_id, uid(2));
	CHECK(r.r[0].rel.related_revision == -1);
	CHECK_STR(r.r[1].rel.related_id, uid(3));
	CHECK(r.r[1].rel.related_revision == 5);
	CHECK(r.r[1].rel.grp == 1);
	CHECK(r.r[1].rel.is_category == 1);
	CHECK_STR(r.r[2].rel.kind, "supersedes");
	CHECK_STR(r.r[3].rel.kind, "bundled");
	CHECK(r.r[3].rel.related_revision == 2);
	CHECK(r.r[4].rel.grp == 2);
	/* The older revision's relation is not there. */
	for (size_t i = 0; i < r.n; i++)
		CHECK(strcmp(r.r[i].rel.related_id, uid(9)) != 0);
	/* Same rows, same order as store_relation_list gives. */
	memset(&p, 0, sizeof(p));
	CHECK(store_relation_list(st, id_new, plain_rels_cb, &p, &err) == 0);
	REQUIRE(p.n == 4);
	for (size_t i = 0; i < 4; i++) {
		CHECK_STR(p.r[i].kind, r.r[i].rel.kind);
		CHECK_STR(p.r[i].related_id, r.r[i].rel.related_id);
		CHECK(p.r[i].related_revision == r.r[i].rel.related_revision);
		CHECK(p.r[i].grp == r.r[i].rel.grp);
		CHECK(p.r[i].is_category == r.r[i].rel.is_category);
	}
	store_close(st);
}

/* ---- documents, files, content ---- */

static void test_doc_files_content(void)
{
	static const struct store_file files[] = {
		{ SHA1_B, SHA256_B, "second-listed-first.cab", "", "", 10 },
		{ SHA1_A, SHA256_A, "not-here.exe", "", "", 20 },
		{ SHA1_C, "", "no-sha256.psf", "", "", 30 },
	};
	struct store *st = open_db("files");
	struct ow_err err = { 0 };
	struct files f;
	struct ow_buf b;
	char ext[16];
	long long id = 0, size = -1;
	int inserted = -1;

	REQUIRE(st != NULL);
	REQUIRE(put(st, 1, 1, "Software", NULL, 0, files, 3, &id, NULL, "body") == 0);
	REQUIRE(store_content_put(st, SHA1_B, SHA256_B, 10, "cab", &inserted, &err) == 0);
	REQUIRE(store_content_put(st, SHA1_C, SHA256_C, 30, "psf", &inserted, &err) == 0);

	/* The document is appended to what the buffer holds. */
	ow_buf_init(&b, 4096);
	REQUIRE(ow_buf_adds(&b, "prefix:") == 0);
	CHECK(store_revision_doc(st, id, &b, &err) == 0);
	CHECK_STR(b.data, "prefix:<upd:Update id=\"00000001-0000-4000-8000-000000000001\" rev=\"1\">"
			  "body</upd:Update>");
	CHECK(store_revision_doc(st, id + 100, &b, &err) == OW_ENOENT);
	CHECK(err.code == OW_ENOENT);
	ow_buf_release(&b);
	/* The caller's ceiling holds, and the buffer is left as it was. */
	ow_buf_init(&b, 16);
	REQUIRE(ow_buf_adds(&b, "keep") == 0);
	CHECK(store_revision_doc(st, id, &b, &err) == OW_ELIMIT);
	CHECK(b.len == 4);
	CHECK_STR(b.data, "keep");
	ow_buf_release(&b);

	memset(&f, 0, sizeof(f));
	CHECK(store_revision_files(st, id, files_cb, &f, &err) == 0);
	REQUIRE(f.n == 3);
	CHECK_STR(f.r[0].sha1, SHA1_B);
	CHECK_STR(f.r[0].sha256, SHA256_B);
	CHECK_STR(f.r[0].name, "second-listed-first.cab");
	CHECK(f.r[0].size == 10);
	CHECK_STR(f.r[0].ext, "cab");
	CHECK_STR(f.r[1].sha1, SHA1_A);
	CHECK_STR(f.r[1].name, "not-here.exe");
	CHECK(f.r[1].size == 20);
	CHECK_STR(f.r[1].ext, "");
	CHECK_STR(f.r[2].sha256, "");
	CHECK_STR(f.r[2].ext, "psf");
	/* An unknown revision has no files. */
	memset(&f, 0, sizeof(f));
	CHECK(store_revision_files(st, id + 100, files_cb, &f, &err) == 0);
	CHECK(f.n == 0);

	strcpy(ext, "?");
	CHECK(store_content_get(st, SHA1_B, ext, &size, &err) == 0);
	CHECK_STR(ext, "cab");
	CHECK(size == 10);
	CHECK(store_content_get(st, SHA1_A, ext, &size, &err) == OW_ENOENT);
	CHECK(err.code == OW_ENOENT);
	CHECK(strstr(err.msg, SHA1_A) != NULL);
	store_close(st);
}

/* ---- fragment cache ---- */

static int frag_is(struct store *st, long long id, const char *kind, const char *lang,
		   const char *want)
{
	struct ow_err err = { 0 };
	struct ow_buf b;
	int ok;

	ow_buf_init(&b, 1024);
	ok = store_fragment_get(st, id, kind, lang, &b, &err) == 0 && b.len == strlen(want) &&
	     memcmp(b.data ? b.data : "", want, b.len) == 0;
	ow_buf_release(&b);
	return ok;
}

static void test_fragments(void)
{
	struct store *st = open_db("fragments");
	struct ow_err err = { 0 };
	struct ow_buf b;
	long long id = 0, id2 = 0, deleted = -1;

	REQUIRE(st != NULL);
	REQUIRE(put(st, 1, 1, "Software", NULL, 0, NULL, 0, &id, NULL, NULL) == 0);
	ow_buf_init(&b, 1024);
	CHECK(store_fragment_get(st, id, "core", "", &b, &err) == OW_ENOENT);
	CHECK(err.code == OW_ENOENT);
	CHECK(b.len == 0);
	ow_buf_release(&b);

	CHECK(store_fragment_put(st, id, "core", "", "<Core>1</Core>", 14, &err) == 0);
	CHECK(frag_is(st, id, "core", "", "<Core>1</Core>"));
	CHECK(frag_is(st, id, "core", NULL, "<Core>1</Core>"));
	/* put replaces. */
	CHECK(store_fragment_put(st, id, "core", "", "<Core>2</Core>", 14, &err) == 0);
	CHECK(frag_is(st, id, "core", "", "<Core>2</Core>"));
	CHECK(query_ll("fragments", "SELECT count(*) FROM revision_fragment") == 1);
	/* Kinds and languages are separate entries. */
	CHECK(store_fragment_put(st, id, "extended", "", "<E/>", 4, &err) == 0);
	CHECK(store_fragment_put(st, id, "localized", "en", "<L>en</L>", 9, &err) == 0);
	CHECK(store_fragment_put(st, id, "localized", "de", "<L>de</L>", 9, &err) == 0);
	CHECK(store_fragment_put(st, id, "languages", "", "", 0, &err) == 0);
	CHECK(frag_is(st, id, "extended", "", "<E/>"));
	CHECK(frag_is(st, id, "localized", "en", "<L>en</L>"));
	CHECK(frag_is(st, id, "localized", "de", "<L>de</L>"));
	CHECK(frag_is(st, id, "languages", "", ""));
	CHECK(frag_is(st, id, "core", "", "<Core>2</Core>"));
	ow_buf_init(&b, 1024);
	CHECK(store_fragment_get(st, id, "localized", "fr", &b, &err) == OW_ENOENT);
	/* get appends. */
	REQUIRE(ow_buf_adds(&b, "<a>") == 0);
	CHECK(store_fragment_get(st, id, "extended", "", &b, &err) == 0);
	CHECK_STR(b.data, "<a><E/>");
	ow_buf_release(&b);

	/* Mistakes are refused with a reason, not stored. */
	CHECK(store_fragment_put(st, id, "bogus", "", "x", 1, &err) == OW_EINVAL);
	CHECK(strstr(err.msg, "bogus") != NULL);
	CHECK(store_fragment_put(st, id, "localized", "", "x", 1, &err) == OW_EINVAL);
	CHECK(store_fragment_put(st, id, "core", "en", "x", 1, &err) == OW_EINVAL);
	ow_buf_init(&b, 1024);
	CHECK(store_fragment_get(st, id, "bogus", "", &b, &err) == OW_EINVAL);
	ow_buf_release(&b);
	CHECK(store_fragment_put(st, id + 100, "core", "", "x", 1, &err) == OW_ENOENT);
	CHECK(query_ll("fragments", "SELECT count(*) FROM revision_fragment") == 5);

	/* Fragments go with their revision when cleanup deletes it. */
	REQUIRE(put(st, 1, 2, "Software", NULL, 0, NULL, 0, &id2, NULL, NULL) == 0);
	CHECK(store_fragment_put(st, id2, "core", "", "<Core>new</Core>", 16, &err) == 0);
	CHECK(store_revision_old_delete(st, 10, &deleted, &err) == 0);
	CHECK(deleted == 1);
	ow_buf_init(&b, 1024);
	CHECK(store_fragment_get(st, id, "core", "", &b, &err) == OW_ENOENT);
	ow_buf_release(&b);
	CHECK(frag_is(st, id2, "core", "", "<Core>new</Core>"));
	CHECK(query_ll("fragments", "SELECT count(*) FROM revision_fragment") == 1);
	store_close(st);
}

/* ---- computers ---- */

static void test_computers(void)
{
	struct store *st = open_db("computers");
	struct ow_err err = { 0 };
	struct store_computer_row row;
	struct members m;
	const char *gid = "c0000000-0000-4000-8000-00000000000c";

	REQUIRE(st != NULL);
	CHECK(store_computer_get(st, CID, &row, &err) == OW_ENOENT);
	CHECK(err.code == OW_ENOENT);
	REQUIRE(store_computer_upsert(st, CID, "pc1.example.org", "Windows 11", "2026-03-01T12:00:00Z",
				      &err) == 0);
	REQUIRE(store_computer_upsert(st, CID2, "pc2.example.org", "Windows 10", NULL, &err) == 0);
	CHECK(store_computer_get(st, CID, &row, &err) == 0);
	CHECK_STR(row.computer_id, CID);
	CHECK_STR(row.name, "pc1.example.org");
	CHECK_STR(row.os_description, "Windows 11");
	CHECK_STR(row.last_contact, "2026-03-01T12:00:00Z");

	REQUIRE(store_group_add(st, gid, "Servers", ALL, &err) == 0);
	REQUIRE(store_member_set(st, CID, UNASSIGNED, 1, &err) == 0);
	REQUIRE(store_member_set(st, CID, gid, 1, &err) == 0);
	REQUIRE(store_member_set(st, CID2, ALL, 1, &err) == 0);
	memset(&m, 0, sizeof(m));
	CHECK(store_computer_groups(st, CID, members_cb, &m, &err) == 0);
	REQUIRE(m.n == 2);
	CHECK_STR(m.r[0].group_id, UNASSIGNED); /* by group id: "b7..." < "c0..." */
	CHECK_STR(m.r[1].group_id, gid);
	CHECK_STR(m.r[0].computer_id, CID);
	REQUIRE(store_member_set(st, CID, UNASSIGNED, 0, &err) == 0);
	memset(&m, 0, sizeof(m));
	CHECK(store_computer_groups(st, CID, members_cb, &m, &err) == 0);
	REQUIRE(m.n == 1);
	CHECK_STR(m.r[0].group_id, gid);
	memset(&m, 0, sizeof(m));
	CHECK(store_computer_groups(st, "no-such-computer", members_cb, &m, &err) == 0);
	CHECK(m.n == 0);
	store_close(st);
}

/* ---- reported events ---- */

static struct store_event event(const char *instance, int event_id, const char *update,
				const char *state)
{
	struct store_event e;

	memset(&e, 0, sizeof(e));
	snprintf(e.event_instance_id, sizeof(e.event_instance_id), "%s", instance);
	e.event_id = event_id;
	snprintf(e.update_id, sizeof(e.update_id), "%s", update);
	e.revision = 200;
	e.hresult = (int32_t)0x80240022;
	snprintf(e.time_at_target, sizeof(e.time_at_target), "2026-03-01T11:59:58.123Z");
	snprintf(e.app_name, sizeof(e.app_name), "AutomaticUpdates");
	snprintf(e.misc, sizeof(e.misc), "a=1|b=2");
	snprintf(e.state, sizeof(e.state), "%s", state);
	return e;
}

#define EV(n) "e000000" #n "-0000-4000-8000-00000000000" #n

static void test_report_batch(void)
{
	struct store *st = open_db("events");
	struct ow_err err = { 0 };
	struct store_computer_row row;
	struct store_event ev[4];
	struct store_status_set sets[2];
	struct events list;
	size_t inserted = 99;
	const char *u1 = "00000001-0000-4000-8000-000000000001";
	const char *u2 = "00000002-0000-4000-8000-000000000002";
	const char *u3 = "00000003-0000-4000-8000-000000000003";

	REQUIRE(st != NULL);
	REQUIRE(store_computer_upsert(st, CID, "pc1", "", "2020-01-01T00:00:00Z", &err) == 0);
	REQUIRE(store_computer_upsert(st, CID2, "pc2", "", "2020-01-01T00:00:00Z", &err) == 0);

	ev[0] = event(EV(1), 183, u1, "installed");
	ev[1] = event(EV(2), 147, ZERO, "");
	ev[2] = event(EV(3), 161, u2, "needed");
	ev[3] = event(EV(4), 1, ZERO, "failed"); /* a state with no update: ignored */
	memset(sets, 0, sizeof(sets));
	snprintf(sets[0].update_id, sizeof(sets[0].update_id), "%s", u2);
	snprintf(sets[0].state, sizeof(sets[0].state), "downloaded");
	CHECK(store_report_batch(st, CID, ev, 4, sets, 1, &inserted, &err) == 0);
	CHECK(inserted == 4);
	CHECK_STR(state_of(st, CID, u1), "installed");
	CHECK_STR(state_of(st, CID, u2), "downloaded"); /* the set came after the event */
	CHECK_STR(state_of(st, CID, ZERO), "");
	CHECK(query_ll("events", "SELECT count(*) FROM computer_update_status") == 2);
	/* last_contact and last_event are the batch's time, in the store's spelling. */
	CHECK(store_computer_get(st, CID, &row, &err) == 0);
	CHECK(strcmp(row.last_contact, "2020-01-01T00:00:00Z") > 0);
	CHECK(strlen(row.last_contact) == 20 && row.last_contact[19] == 'Z');
	CHECK(query_ll("events", "SELECT count(*) FROM computer_update_status s JOIN computer c"
				 " ON c.computer_id = s.computer_id WHERE s.last_event = c.last_contact") == 2);

	memset(&list, 0, sizeof(list));
	CHECK(store_event_list(st, CID, events_cb, &list, &err) == 0);
	REQUIRE(list.n == 4);
	CHECK_STR(list.r[0].computer_id, CID);
	CHECK_STR(list.r[0].ev.event_instance_id, EV(1));
	CHECK(list.r[0].ev.event_id == 183);
	CHECK_STR(list.r[0].ev.update_id, u1);
	CHECK(list.r[0].ev.revision == 200);
	CHECK(list.r[0].ev.hresult == (int32_t)0x80240022);
	CHECK_STR(list.r[0].ev.time_at_target, "2026-03-01T11:59:58.123Z");
	CHECK_STR(list.r[0].ev.app_name, "AutomaticUpdates");
	CHECK_STR(list.r[0].ev.misc, "a=1|b=2");
	CHECK_STR(list.r[0].ev.state, "");
	CHECK_STR(list.r[0].received_at, row.last_contact);
	CHECK_STR(list.r[1].ev.event_instance_id, EV(2));
	CHECK_STR(list.r[2].ev.event_instance_id, EV(3));
	CHECK_STR(list.r[3].ev.event_instance_id, EV(4));

	/* A resent batch: known events are skipped, a new one repeated in the
	 * batch is recorded once; the state of a resent event still applies. */
	ev[0] = event(EV(1), 183, u1, "failed");
	ev[1] = event(EV(5), 2, u3, "");
	ev[2] = event(EV(5), 2, u3, "");
	CHECK(store_report_batch(st, CID, ev, 3, NULL, 0, &inserted, &err) == 0);
	CHECK(inserted == 1);
	CHECK(count_events(st, CID) == 5);
	CHECK_STR(state_of(st, CID, u1), "failed");
	/* The same instance id from another computer is another event. */
	CHECK(store_report_batch(st, CID2, ev, 1, NULL, 0, &inserted, &err) == 0);
	CHECK(inserted == 1);
	CHECK(count_events(st, CID2) == 1);
	CHECK(count_events(st, NULL) == 6);
	CHECK_STR(state_of(st, CID2, u1), "failed");
	/* Within the sets, the last one wins. */
	snprintf(sets[0].state, sizeof(sets[0].state), "needed");
	sets[1] = sets[0];
	snprintf(sets[1].state, sizeof(sets[1].state), "installed");
	CHECK(store_report_batch(st, CID, NULL, 0, sets, 2, &inserted, &err) == 0);
	CHECK(inserted == 0);
	CHECK_STR(state_of(st, CID, u2), "installed");

	/* An unknown computer: OW_ENOENT, nothing written, not registered. */
	ev[0] = event(EV(6), 1, u3, "installed");
	CHECK(store_report_batch(st, "unknown", ev, 1, sets, 1, &inserted, &err) == OW_ENOENT);
	CHECK(err.code == OW_ENOENT);
	CHECK(inserted == 0);
	CHECK(count_events(st, NULL) == 6);
	CHECK(query_ll("events", "SELECT count(*) FROM client_event WHERE computer_id = 'unknown'") == 0);
	CHECK(query_ll("events", "SELECT count(*) FROM computer WHERE computer_id = 'unknown'") == 0);
	CHECK(query_ll("events", "SELECT count(*) FROM computer_update_status"
				 " WHERE computer_id = 'unknown'") == 0);

	/* An invalid state anywhere: OW_EINVAL and the whole batch undone. */
	REQUIRE(store_computer_upsert(st, CID, "pc1", "", "2021-01-01T00:00:00Z", &err) == 0);
	ev[0] = event(EV(6), 1, u3, "installed");
	snprintf(sets[1].state, sizeof(sets[1].state), "uninstalled");
	inserted = 99;
	CHECK(store_report_batch(st, CID, ev, 1, sets, 2, &inserted, &err) == OW_EINVAL);
	CHECK(err.code == OW_EINVAL);
	CHECK(strstr(err.msg, "uninstalled") != NULL);
	CHECK(inserted == 0);
	CHECK(count_events(st, CID) == 5);
	CHECK_STR(state_of(st, CID, u3), "");
	CHECK_STR(state_of(st, CID, u2), "installed");
	CHECK(store_computer_get(st, CID, &row, &err) == 0);
	CHECK_STR(row.last_contact, "2021-01-01T00:00:00Z");
	ev[1] = event(EV(7), 1, u3, "Installed"); /* states are exact */
	CHECK(store_report_batch(st, CID, ev, 2, NULL, 0, &inserted, &err) == OW_EINVAL);
	CHECK(count_events(st, CID) == 5);
	/* A bad event instance id after a good event: the good one is undone too. */
	ev[1] = event("not-a-guid", 1, u3, "");
	CHECK(store_report_batch(st, CID, ev, 2, NULL, 0, &inserted, &err) == OW_EINVAL);
	CHECK(inserted == 0);
	CHECK(count_events(st, CID) == 5);
	CHECK_STR(state_of(st, CID, u3), "");
	CHECK(store_computer_get(st, CID, &row, &err) == 0);
	CHECK_STR(row.last_contact, "2021-01-01T00:00:00Z");

	/* Reports are not catalog changes. */
	CHECK(gen(st) == 1);
	/* Events go with their computer. */
	{
		long long deleted = -1;

		CHECK(store_computer_stale_delete(st, "2022-01-01T00:00:00Z", 10, &deleted, &err) == 0);
		CHECK(deleted == 1);
		CHECK(count_events(st, CID) == 0);
		CHECK(count_events(st, NULL) == 1);
	}
	store_close(st);
}

/* ---- the generation counter ---- */

/* Callbacks that only count rows, for listings run to see that reading
 * changes nothing. */
static int rows_seen;

static int ignore_idx(const struct store_index_row *r, void *a)
{
	(void)r, (void)a;
	rows_seen++;
	return 0;
}

static int ignore_rel(const struct store_index_rel_row *r, void *a)
{
	(void)r, (void)a;
	rows_seen++;
	return 0;
}

static int ignore_file(const struct store_file_row *r, void *a)
{
	(void)r, (void)a;
	rows_seen++;
	return 0;
}

static int ignore_member(const struct store_member_row *r, void *a)
{
	(void)r, (void)a;
	rows_seen++;
	return 0;
}

static int ignore_event(const struct store_event_row *r, void *a)
{
	(void)r, (void)a;
	rows_seen++;
	return 0;
}

static void test_generation(void)
{
	static const struct store_file files[] = { { SHA1_A, SHA256_A, "a.cab", "", "", 3 } };
	static const struct store_rel bad_rel[] = { { "bogus", "00000002-0000-4000-8000-000000000002",
						      -1, 0, 0 } };
	struct store *st = open_db("generation");
	struct ow_err err = { 0 };
	struct store_approval_row a;
	struct store_content_key keys[4];
	struct store_computer_row row;
	struct store_event ev;
	struct ow_buf b;
	const char *gid = "c0000000-0000-4000-8000-00000000000c";
	long long id = 0, id2 = 0, deleted = -1, size;
	uint64_t g;
	size_t n = 0, ins;
	int inserted = -1, changed = -1;
	char ext[16];

	REQUIRE(st != NULL);
	g = gen(st);
	REQUIRE(g == 1);

	/* revision_put: an insert bumps; the same revision again does not;
	 * another document for it is refused and does not. */
	CHECK(put(st, 1, 1, "Software", NULL, 0, files, 1, &id, &inserted, NULL) == 0);
	CHECK(inserted == 1);
	CHECK(gen(st) == ++g);
	CHECK(put(st, 1, 1, "Software", NULL, 0, files, 1, &id2, &inserted, NULL) == 0);
	CHECK(inserted == 0);
	CHECK(id2 == id);
	CHECK(gen(st) == g);
	CHECK(put(st, 1, 1, "Software", NULL, 0, files, 1, &id2, &inserted, "other") == OW_EEXIST);
	CHECK(gen(st) == g);
	/* A revision the schema refuses is rolled back with its bump. */
	CHECK(put(st, 2, 1, "Software", bad_rel, 1, NULL, 0, &id2, &inserted, NULL) == OW_EEXIST);
	CHECK(gen(st) == g);
	CHECK(query_ll("generation", "SELECT count(*) FROM update_revision") == 1);

	/* Reads leave it alone. */
	rows_seen = 0;
	ow_buf_init(&b, 4096);
	CHECK(store_index_revisions(st, ignore_idx, NULL, &err) == 0);
	CHECK(store_index_relations(st, ignore_rel, NULL, &err) == 0);
	CHECK(store_revision_doc(st, id, &b, &err) == 0);
	CHECK(store_revision_files(st, id, ignore_file, NULL, &err) == 0);
	CHECK(store_content_get(st, SHA1_A, ext, &size, &err) == OW_ENOENT);
	CHECK(store_fragment_get(st, id, "core", "", &b, &err) == OW_ENOENT);
	ow_buf_release(&b);
	CHECK(gen(st) == g);
	/* So do the fragment cache, computers, memberships and reports. */
	CHECK(store_fragment_put(st, id, "core", "", "<c/>", 4, &err) == 0);
	CHECK(store_computer_upsert(st, CID, "pc1", "", "2020-01-01T00:00:00Z", &err) == 0);
	CHECK(store_computer_get(st, CID, &row, &err) == 0);
	CHECK(store_member_set(st, CID, ALL, 1, &err) == 0);
	CHECK(store_computer_groups(st, CID, ignore_member, NULL, &err) == 0);
	ev = event(EV(1), 1, uid(1), "installed");
	CHECK(store_report_batch(st, CID, &ev, 1, NULL, 0, &ins, &err) == 0);
	CHECK(store_event_list(st, NULL, ignore_event, NULL, &err) == 0);
	/* index row, file row, membership, event */
	CHECK(rows_seen == 4);
	CHECK(store_meta_set(st, "probe", "1", &err) == 0);
	CHECK(store_audit_add(st, "admin", "probe", "", "", &err) == 0);
	CHECK(store_computer_upsert(st, CID2, "pc2", "", "2020-01-01T00:00:00Z", &err) == 0);
	CHECK(store_computer_stale_delete(st, "2021-01-01T00:00:00Z", 10, &deleted, &err) == 0);
	CHECK(deleted == 1);
	CHECK(gen(st) == g);

	/* content_put: an insert bumps (FileLocations change), a repeat or a
	 * conflict does not. */
	CHECK(store_content_put(st, SHA1_A, SHA256_A, 3, "cab", &inserted, &err) == 0);
	CHECK(inserted == 1);
	CHECK(gen(st) == ++g);
	CHECK(store_content_put(st, SHA1_A, SHA256_A, 3, "cab", &inserted, &err) == 0);
	CHECK(inserted == 0);
	CHECK(gen(st) == g);
	CHECK(store_content_put(st, SHA1_A, SHA256_B, 3, "cab", &inserted, &err) == OW_EEXIST);
	CHECK(gen(st) == g);
	CHECK(store_content_put(st, "SHORT", SHA256_B, 3, "cab", &inserted, &err) == OW_ESTORE);
	CHECK(gen(st) == g);

	/* approval_set bumps each time it succeeds, not when it fails. */
	memset(&a, 0, sizeof(a));
	snprintf(a.update_id, sizeof(a.update_id), "%s", uid(1));
	snprintf(a.group_id, sizeof(a.group_id), "%s", ALL);
	snprintf(a.action, sizeof(a.action), "install");
	a.apply_to_children = 1;
	snprintf(a.approved_by, sizeof(a.approved_by), "admin");
	CHECK(store_approval_set(st, &a, &err) == 0);
	CHECK(gen(st) == ++g);
	snprintf(a.action, sizeof(a.action), "notapproved");
	CHECK(store_approval_set(st, &a, &err) == 0);
	CHECK(gen(st) == ++g);
	snprintf(a.group_id, sizeof(a.group_id), "%s", gid);
	CHECK(store_approval_set(st, &a, &err) == OW_ENOENT);
	CHECK(gen(st) == g);

	/* decline_set bumps when it changes the decline. */
	CHECK(store_decline_set(st, uid(1), "admin", 1, &err) == 0);
	CHECK(gen(st) == ++g);
	CHECK(store_decline_set(st, uid(1), "admin", 1, &err) == 0);
	CHECK(gen(st) == g);
	CHECK(store_decline_set(st, uid(1), "admin", 0, &err) == 0);
	CHECK(gen(st) == ++g);
	CHECK(store_decline_set(st, uid(1), "admin", 0, &err) == 0);
	CHECK(gen(st) == g);

	/* decline_audited: when it changes something. */
	CHECK(store_decline_audited(st, uid(1), "admin", "superseded", &changed, &err) == 0);
	CHECK(changed == 1);
	CHECK(gen(st) == ++g);
	CHECK(store_decline_audited(st, uid(1), "admin", "superseded", &changed, &err) == 0);
	CHECK(changed == 0);
	CHECK(gen(st) == g);

	/* group_add and group_delete, not their refusals. */
	CHECK(store_group_add(st, gid, "Servers", ALL, &err) == 0);
	CHECK(gen(st) == ++g);
	CHECK(store_group_add(st, "d0000000-0000-4000-8000-00000000000d", "SERVERS", ALL, &err) ==
	      OW_EEXIST);
	CHECK(store_group_add(st, "d0000000-0000-4000-8000-00000000000d", "Desks",
			      "e0000000-0000-4000-8000-00000000000e", &err) == OW_ENOENT);
	CHECK(gen(st) == g);
	CHECK(store_group_delete(st, UNASSIGNED, &err) == OW_EPERM);
	CHECK(store_group_delete(st, "d0000000-0000-4000-8000-00000000000d", &err) == OW_ENOENT);
	CHECK(gen(st) == g);
	CHECK(store_group_delete(st, gid, &err) == 0);
	CHECK(gen(st) == ++g);

	/* revision_old_delete when it deletes. */
	CHECK(store_revision_old_delete(st, 10, &deleted, &err) == 0);
	CHECK(deleted == 0);
	CHECK(gen(st) == g);
	CHECK(put(st, 1, 2, "Software", NULL, 0, NULL, 0, &id2, &inserted, NULL) == 0);
	CHECK(gen(st) == ++g);
	CHECK(store_revision_old_delete(st, 10, &deleted, &err) == 0);
	CHECK(deleted == 1);
	CHECK(gen(st) == ++g);

	/* Unneeded content leaving content_file bumps too (the file was in
	 * FileLocations); an empty batch does not. */
	CHECK(store_content_unneeded_take(st, 4, keys, &n, &err) == 0);
	CHECK(n == 1);
	CHECK(gen(st) == ++g);
	CHECK(store_content_unneeded_take(st, 4, keys, &n, &err) == 0);
	CHECK(n == 0);
	CHECK(gen(st) == g);

	/* The counter is stored, not kept in memory. */
	store_close(st);
	CHECK(query_ll("generation", "SELECT CAST(value AS INTEGER) FROM meta"
				     " WHERE key = 'catalog_generation'") == (long long)g);
	st = open_db("generation");
	REQUIRE(st != NULL);
	CHECK(gen(st) == g);
	CHECK(g == 13);
	store_close(st);
}

static void cleanup(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];

	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	RUN(test_fresh_store);
	RUN(test_from_version_5);
	RUN(test_index);
	RUN(test_doc_files_content);
	RUN(test_fragments);
	RUN(test_computers);
	RUN(test_report_batch);
	RUN(test_generation);
	cleanup();
	return check_done();
}
