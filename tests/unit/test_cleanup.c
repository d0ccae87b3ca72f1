/* SPDX-License-Identifier: MIT */
/*
 * decline-superseded and cleanup against a real SQLite store and content
 * directory in a fresh mkdtemp directory. The catalog is built the way the
 * server builds it: generated upd:Update documents imported with
 * catalog_import_xml, content files put with content_import and recorded
 * with store_content_put, approvals with catalog_approve, computers with
 * store_computer_upsert. Results are read back through the store, the
 * content scan, and (read-only) sqlite3 for rows no listing shows.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/time.h"
#include "catalog/catalog.h"
#include "catalog/cleanup.h"
#include "check.h"
#include "content/import.h"
#include "content/name.h"
#include "content/sweep.h"
#include "store/store.h"

#define ALL CATALOG_ALL_COMPUTERS

static char root[] = "/tmp/ow-test-cleanup-XXXXXX";
static int ncase;

/* One test's world: a data directory with its store and content dir. */
struct world {
	char dir[512];
	char content[600];
	char db[600];
	struct store *st;
};

static int world_open(struct world *w)
{
	struct ow_err err = { 0 };

	memset(w, 0, sizeof(*w));
	snprintf(w->dir, sizeof(w->dir), "%s/case%d", root, ++ncase);
	snprintf(w->content, sizeof(w->content), "%s/content", w->dir);
	snprintf(w->db, sizeof(w->db), "%s/store.db", w->dir);
	if (mkdir(w->dir, 0700) < 0 || mkdir(w->content, 0755) < 0)
		return -1;
	if (store_open("sqlite:store.db", w->dir, &w->st, &err) < 0) {
		fprintf(stderr, "  store_open: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void world_close(struct world *w)
{
	store_close(w->st);
	w->st = NULL;
}

/* A GUID for test update n. */
static const char *uid(int n)
{
	static char ids[8][37];
	static int next;
	char *b = ids[next++ % 8];

	snprintf(b, 37, "%08x-0000-4000-8000-%012x", (unsigned)n, (unsigned)n);
	return b;
}

/* ---- generated update documents ---- */

/* hex (40 upper-case digits) to base64 of the 20 bytes. */
static void sha1_b64(const char *hex, char out[32])
{
	unsigned char bin[20];

	for (int i = 0; i < 20; i++) {
		unsigned v = 0;

		sscanf(hex + 2 * i, "%2x", &v);
		bin[i] = (unsigned char)v;
	}
	EVP_EncodeBlock((unsigned char *)out, bin, 20);
}

/* A minimal valid upd:Update: identity, Software properties, a title, and
 * optional lists (NULL-terminated) of superseded and bundled update ids and
 * of files by upper-case SHA-1 hex. Returns the length, or -1 if buf is
 * too small. */
static int gen_doc(char *buf, size_t len, int id, int rev, const int *supersedes,
		   const int *bundles, const char *const *sha1s)
{
	size_t o = 0;
	int n;

#define PUT(...)                                                                          \
	do {                                                                              \
		n = snprintf(buf + o, len - o, __VA_ARGS__);                              \
		if (n < 0 || (size_t)n >= len - o)                                        \
			return -1;                                                        \
		o += (size_t)n;                                                           \
	} while (0)
	PUT("<upd:Update xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\">"
	    "<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"%d\" />"
	    "<upd:Properties UpdateType=\"Software\" DefaultPropertiesLanguage=\"en\" />"
	    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en"
	    "</upd:Language><upd:Title>Test update %d revision %d</upd:Title>"
	    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>",
	    uid(id), rev, id, rev);
	if ((supersedes && supersedes[0]) || (bundles && bundles[0])) {
		PUT("<upd:Relationships>");
		if (supersedes && supersedes[0]) {
			PUT("<upd:SupersededUpdates>");
			for (const int *s = supersedes; *s; s++)
				PUT("<upd:UpdateIdentity UpdateID=\"%s\" />", uid(*s));
			PUT("</upd:SupersededUpdates>");
		}
		if (bundles && bundles[0]) {
			PUT("<upd:BundledUpdates>");
			for (const int *b = bundles; *b; b++)
				PUT("<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"1\" />", uid(*b));
			PUT("</upd:BundledUpdates>");
		}
		PUT("</upd:Relationships>");
	}
	if (sha1s && sha1s[0]) {
		PUT("<upd:Files>");
		for (const char *const *f = sha1s; *f; f++) {
			char b64[32];

			sha1_b64(*f, b64);
			PUT("<upd:File Digest=\"%s\" DigestAlgorithm=\"SHA1\" FileName=\"f%.8s.cab\" "
			    "Size=\"10\" />", b64, *f);
		}
		PUT("</upd:Files>");
	}
	PUT("</upd:Update>");
#undef PUT
	return (int)o;
}

static int import_doc(struct world *w, int id, int rev, const int *supersedes, const int *bundles,
		      const char *const *sha1s)
{
	struct catalog_import_result r;
	struct ow_err err = { 0 };
	char doc[8192];
	int n = gen_doc(doc, sizeof(doc), id, rev, supersedes, bundles, sha1s);

	if (n < 0)
		return -1;
	if (catalog_import_xml(w->st, doc, (size_t)n, "test", &r, &err) < 0) {
		fprintf(stderr, "  import %d r%d: %s\n", id, rev, err.msg);
		return -1;
	}
	return 0;
}

static int approve(struct world *w, int id)
{
	struct ow_err err = { 0 };

	if (catalog_approve(w->st, uid(id), ALL, "install", NULL, 1, "test", &err) < 0) {
		fprintf(stderr, "  approve %d: %s\n", id, err.msg);
		return -1;
	}
	return 0;
}

static int decline(struct world *w, int id)
{
	struct ow_err err = { 0 };

	return catalog_decline(w->st, uid(id), 1, "test", &err);
}

/* Stores a content file whose bytes are "content <n>"; its SHA-1 in sha1. */
static int put_content(struct world *w, int n, char sha1[41])
{
	struct content_info info;
	struct ow_err err = { 0 };
	char src[700], body[64], h256[65];
	FILE *f;
	int inserted = 0;

	snprintf(src, sizeof(src), "%s/src%d.cab", w->dir, n);
	snprintf(body, sizeof(body), "content %d", n);
	if ((f = fopen(src, "w")) == NULL)
		return -1;
	fputs(body, f);
	fclose(f);
	if (content_import(w->content, src, &info, &err) < 0) {
		fprintf(stderr, "  content_import: %s\n", err.msg);
		return -1;
	}
	unlink(src);
	for (int i = 0; i < 65; i++)
		h256[i] = (char)(info.sha256_hex[i] >= 'a' && info.sha256_hex[i] <= 'f'
					 ? info.sha256_hex[i] - 32 : info.sha256_hex[i]);
	memcpy(sha1, info.name.sha1, 41);
	if (store_content_put(w->st, sha1, h256, info.size, info.name.ext, &inserted, &err) < 0) {
		fprintf(stderr, "  content_put: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void content_path(struct world *w, const char *sha1, char *out, size_t len)
{
	snprintf(out, len, "%s/%c%c/%s.cab", w->content, sha1[38], sha1[39], sha1);
}

static int file_exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

/* A number from a read-only query of the store (rows no listing shows). */
static long long query_ll(struct world *w, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	long long v = -1;

	if (sqlite3_open_v2(w->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* A text value from a read-only query ("" when none). */
static void query_text(struct world *w, const char *sql, char *out, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;

	out[0] = '\0';
	if (sqlite3_open_v2(w->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);

		snprintf(out, len, "%s", t ? (const char *)t : "");
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* ---- the content hooks, as the CLI wires them ---- */

static int fs_remove(void *ctx, const char *sha1, const char *ext, enum catalog_file_state *state,
		     struct ow_err *err)
{
	struct world *w = ctx;
	struct content_name n;
	enum content_remove_result res = CONTENT_ABSENT;
	char rel[CONTENT_RELPATH_MAX + 1];
	int rc;

	*state = CATALOG_FILE_SKIPPED;
	snprintf(rel, sizeof(rel), "%c%c/%s.%s", sha1[38], sha1[39], sha1, ext);
	if (content_name_parse(rel, strlen(rel), &n) < 0)
		return 0;
	if ((rc = content_remove(w->content, &n, &res, err)) < 0)
		return rc;
	*state = res == CONTENT_REMOVED ? CATALOG_FILE_REMOVED
		 : res == CONTENT_ABSENT ? CATALOG_FILE_ABSENT : CATALOG_FILE_SKIPPED;
	return 0;
}

struct tramp {
	catalog_file_cb cb;
	void *arg;
};

static int scan_one(const struct content_name *n, int64_t mtime, void *arg)
{
	struct tramp *t = arg;

	return t->cb(n->sha1, n->ext, mtime, t->arg);
}

static int fs_scan(void *ctx, catalog_file_cb cb, void *cbarg, struct ow_err *err)
{
	struct world *w = ctx;
	struct tramp t = { cb, cbarg };

	return content_scan(w->content, scan_one, &t, err);
}

static int run_cleanup(struct world *w, int rev, int comp, int content, long batch, int days,
		       int dry, struct catalog_cleanup_result *r)
{
	struct catalog_content_fs fs = { fs_remove, fs_scan, w };
	struct catalog_cleanup_opts o;
	struct ow_err err = { 0 };
	int rc;

	memset(&o, 0, sizeof(o));
	o.revisions = rev;
	o.computers = comp;
	o.content = content;
	o.batch = batch;
	o.computer_days = days;
	o.dry_run = dry;
	o.principal = "local:cleanup";
	o.fs = &fs;
	rc = catalog_cleanup(w->st, &o, r, &err);
	if (rc < 0)
		fprintf(stderr, "  cleanup: %s\n", err.msg);
	return rc;
}

/* ---- decline-superseded ---- */

struct seen {
	char ids[16][37];
	int approval_groups[16];
	char by[16][37];
	int n;
};

static int seen_cb(const struct catalog_superseded *s, void *arg)
{
	struct seen *v = arg;

	if (v->n < 16) {
		memcpy(v->ids[v->n], s->update_id, 37);
		memcpy(v->by[v->n], s->superseded_by, 37);
		v->approval_groups[v->n] = s->approval_groups;
		v->n++;
	}
	return 0;
}

static int declined(struct world *w, int id)
{
	struct ow_err err = { 0 };
	int d = -1;

	if (store_decline_get(w->st, uid(id), &d, &err) < 0)
		return -1;
	return d;
}

static void test_decline_superseded(void)
{
	struct world w;
	struct seen seen;
	struct ow_err err = { 0 };
	long long count = -1;
	char sql[512], detail[256];

	REQUIRE(world_open(&w) == 0);
	/* 1 <- 2 (approved): 1 is declined. */
	REQUIRE(import_doc(&w, 1, 1, NULL, NULL, NULL) == 0);
	REQUIRE(import_doc(&w, 2, 1, (int[]){ 1, 0 }, NULL, NULL) == 0);
	REQUIRE(approve(&w, 2) == 0);
	/* 3 <- 4 (not approved): 3 stays. */
	REQUIRE(import_doc(&w, 3, 1, NULL, NULL, NULL) == 0);
	REQUIRE(import_doc(&w, 4, 1, (int[]){ 3, 0 }, NULL, NULL) == 0);
	/* 5 <- 6 (approved, then declined): 5 stays. */
	REQUIRE(import_doc(&w, 5, 1, NULL, NULL, NULL) == 0);
	REQUIRE(import_doc(&w, 6, 1, (int[]){ 5, 0 }, NULL, NULL) == 0);
	REQUIRE(approve(&w, 6) == 0);
	REQUIRE(decline(&w, 6) == 0);
	/* 7 (approved itself) <- 8 (approved): 7 is declined all the same. */
	REQUIRE(import_doc(&w, 7, 1, NULL, NULL, NULL) == 0);
	REQUIRE(approve(&w, 7) == 0);
	REQUIRE(import_doc(&w, 8, 1, (int[]){ 7, 0 }, NULL, NULL) == 0);
	REQUIRE(approve(&w, 8) == 0);
	/* 9 r1 supersedes 10, 9 r2 (the latest) no more: 10 stays. */
	REQUIRE(import_doc(&w, 10, 1, NULL, NULL, NULL) == 0);
	REQUIRE(import_doc(&w, 9, 1, (int[]){ 10, 0 }, NULL, NULL) == 0);
	REQUIRE(import_doc(&w, 9, 2, NULL, NULL, NULL) == 0);
	REQUIRE(approve(&w, 9) == 0);
	/* 11 r2 (the latest, approved) supersedes 12, r1 did not: 12 declined. */
	REQUIRE(import_doc(&w, 12, 1, NULL, NULL, NULL) == 0);
	REQUIRE(import_doc(&w, 11, 1, NULL, NULL, NULL) == 0);
	REQUIRE(import_doc(&w, 11, 2, (int[]){ 12, 0 }, NULL, NULL) == 0);
	REQUIRE(approve(&w, 11) == 0);
	/* 13 already declined <- 14 (approved): not reported again. */
	REQUIRE(import_doc(&w, 13, 1, NULL, NULL, NULL) == 0);
	REQUIRE(decline(&w, 13) == 0);
	REQUIRE(import_doc(&w, 14, 1, (int[]){ 13, 0 }, NULL, NULL) == 0);
	REQUIRE(approve(&w, 14) == 0);
	/* 15 (approved) supersedes 99, which is not in the catalog. */
	REQUIRE(import_doc(&w, 15, 1, (int[]){ 99, 0 }, NULL, NULL) == 0);
	REQUIRE(approve(&w, 15) == 0);

	/* A dry run reports the same set and declines nothing. */
	memset(&seen, 0, sizeof(seen));
	REQUIRE(catalog_decline_superseded(w.st, 1, "local:decline-superseded", seen_cb, &seen,
					   &count, &err) == 0);
	CHECK(count == 3);
	CHECK(declined(&w, 1) == 0);
	CHECK(declined(&w, 7) == 0);

	memset(&seen, 0, sizeof(seen));
	REQUIRE(catalog_decline_superseded(w.st, 0, "local:decline-superseded", seen_cb, &seen,
					   &count, &err) == 0);
	CHECK(count == 3);
	REQUIRE(seen.n == 3);
	/* In update id order: 1, 7, 12. */
	CHECK_STR(seen.ids[0], uid(1));
	CHECK_STR(seen.by[0], uid(2));
	CHECK(seen.approval_groups[0] == 0);
	CHECK_STR(seen.ids[1], uid(7));
	CHECK_STR(seen.by[1], uid(8));
	CHECK(seen.approval_groups[1] == 1);
	CHECK_STR(seen.ids[2], uid(12));
	CHECK_STR(seen.by[2], uid(11));

	CHECK(declined(&w, 1) == 1);
	CHECK(declined(&w, 3) == 0);
	CHECK(declined(&w, 5) == 0);
	CHECK(declined(&w, 7) == 1);
	CHECK(declined(&w, 10) == 0);
	CHECK(declined(&w, 12) == 1);
	CHECK(declined(&w, 2) == 0);
	CHECK(declined(&w, 8) == 0);
	CHECK(declined(&w, 11) == 0);
	CHECK(query_ll(&w, "SELECT count(*) FROM decline") == 5); /* 1, 6, 7, 12, 13 */

	/* Each decline is audited, with its reason, by the principal. */
	CHECK(query_ll(&w, "SELECT count(*) FROM audit_log WHERE action = 'update.decline'"
			   " AND principal = 'local:decline-superseded'") == 3);
	snprintf(sql, sizeof(sql), "SELECT detail FROM audit_log WHERE action = 'update.decline'"
				   " AND target = '%s'", uid(7));
	query_text(&w, sql, detail, sizeof(detail));
	CHECK(strstr(detail, uid(8)) != NULL);
	CHECK(strstr(detail, "own approval for 1 group") != NULL);
	snprintf(sql, sizeof(sql), "SELECT declined_by FROM decline WHERE update_id = '%s'", uid(1));
	query_text(&w, sql, detail, sizeof(detail));
	CHECK_STR(detail, "local:decline-superseded");

	/* Nothing left to do. */
	REQUIRE(catalog_decline_superseded(w.st, 0, "local:decline-superseded", NULL, NULL, &count,
					   &err) == 0);
	CHECK(count == 0);
	world_close(&w);
}

/* ---- revisions ---- */

struct rev_seen {
	int total, latest;
	long long ids[16];
};

static int rev_cb(const struct store_revision_row *row, void *arg)
{
	struct rev_seen *r = arg;

	if (r->total < 16)
		r->ids[r->total] = row->revision_id;
	r->total++;
	r->latest += row->is_latest;
	return 0;
}

static void test_revisions(void)
{
	struct world w;
	struct catalog_cleanup_result r;
	struct rev_seen seen = { 0 };
	struct ow_err err = { 0 };
	char a[41], b[41];

	REQUIRE(world_open(&w) == 0);
	REQUIRE(put_content(&w, 1, a) == 0);
	REQUIRE(put_content(&w, 2, b) == 0);
	REQUIRE(import_doc(&w, 1, 1, (int[]){ 5, 0 }, NULL, (const char *[]){ a, NULL }) == 0);
	REQUIRE(import_doc(&w, 1, 2, (int[]){ 5, 0 }, NULL, (const char *[]){ a, NULL }) == 0);
	REQUIRE(import_doc(&w, 1, 3, (int[]){ 6, 0 }, NULL, (const char *[]){ b, NULL }) == 0);
	REQUIRE(import_doc(&w, 2, 7, NULL, NULL, (const char *[]){ b, NULL }) == 0);
	CHECK(query_ll(&w, "SELECT count(*) FROM revision_relation") == 3);
	CHECK(query_ll(&w, "SELECT count(*) FROM revision_file") == 4);

	REQUIRE(run_cleanup(&w, 1, 0, 0, 500, 30, 1, &r) == 0);
	CHECK(r.revisions == 2);
	CHECK(query_ll(&w, "SELECT count(*) FROM update_revision") == 4);

	REQUIRE(run_cleanup(&w, 1, 0, 0, 500, 30, 0, &r) == 0);
	CHECK(r.revisions == 2);
	CHECK(r.interrupted == 0);
	REQUIRE(store_revision_list(w.st, NULL, rev_cb, &seen, &err) == 0);
	CHECK(seen.total == 2);
	CHECK(seen.latest == 2);
	CHECK(query_ll(&w, "SELECT count(*) FROM update_revision WHERE revision IN (3, 7)") == 2);
	/* Relations and files went with their revisions. */
	CHECK(query_ll(&w, "SELECT count(*) FROM revision_relation") == 1);
	CHECK(query_ll(&w, "SELECT count(*) FROM revision_file") == 2);
	CHECK(query_ll(&w, "SELECT count(*) FROM revision_relation WHERE revision_id NOT IN"
			   " (SELECT revision_id FROM update_revision)") == 0);
	/* Content is not touched by a revisions-only run. */
	CHECK(query_ll(&w, "SELECT count(*) FROM content_file") == 2);
	/* One summary entry per run (the dry run writes none). */
	CHECK(query_ll(&w, "SELECT count(*) FROM audit_log WHERE action = 'cleanup.run'") == 1);
	world_close(&w);
}

/* ---- computers ---- */

struct member_seen {
	int n;
	char ids[8][64];
};

static int member_cb(const struct store_member_row *row, void *arg)
{
	struct member_seen *m = arg;

	if (m->n < 8)
		memcpy(m->ids[m->n], row->computer_id, sizeof(m->ids[0]));
	m->n++;
	return 0;
}

static int computer_count_cb(const struct store_computer_row *row, void *arg)
{
	(void)row;
	(*(int *)arg)++;
	return 0;
}

static void test_computers(void)
{
	struct world w;
	struct catalog_cleanup_result r;
	struct member_seen m = { 0 };
	struct ow_err err = { 0 };
	char t[OW_TIME_LEN];
	int64_t now = ow_time_now();
	int n = 0;

	REQUIRE(world_open(&w) == 0);
	ow_time_format(now - 40 * 86400, t);
	REQUIRE(store_computer_upsert(w.st, "pc-old", "old.example.test", "Windows 10", t, &err) == 0);
	ow_time_format(now - 31 * 86400, t);
	REQUIRE(store_computer_upsert(w.st, "pc-31", "b.example.test", "Windows 11", t, &err) == 0);
	ow_time_format(now - 29 * 86400, t);
	REQUIRE(store_computer_upsert(w.st, "pc-29", "c.example.test", "Windows 11", t, &err) == 0);
	REQUIRE(store_computer_upsert(w.st, "pc-now", "d.example.test", "Windows 11", NULL, &err) == 0);
	/* An upsert of a known computer updates it: pc-31 reported again. */
	ow_time_format(now - 31 * 86400, t);
	REQUIRE(store_computer_upsert(w.st, "pc-back", "e.example.test", "", t, &err) == 0);
	REQUIRE(store_computer_upsert(w.st, "pc-back", "e.example.test", "Windows 11", NULL, &err) == 0);
	/* Last contact is stored as UTC in one spelling; garbage is refused. */
	CHECK(store_computer_upsert(w.st, "pc-bad", "x", "", "last tuesday", &err) == OW_EINVAL);
	{
		char v[64], local[OW_TIME_LEN + 8], utc[OW_TIME_LEN];

		/* A day ago, written as the time in UTC+2. */
		ow_time_format(now - 86400 + 7200, local);
		snprintf(local + 19, sizeof(local) - 19, "+02:00");
		ow_time_format(now - 86400, utc);
		REQUIRE(store_computer_upsert(w.st, "pc-tz", "f.example.test", "", local, &err) == 0);
		query_text(&w, "SELECT last_contact FROM computer WHERE computer_id = 'pc-tz'", v,
			   sizeof(v));
		CHECK_STR(v, utc);
	}
	REQUIRE(store_member_set(w.st, "pc-old", CATALOG_UNASSIGNED, 1, &err) == 0);
	REQUIRE(store_member_set(w.st, "pc-29", CATALOG_UNASSIGNED, 1, &err) == 0);

	REQUIRE(run_cleanup(&w, 0, 1, 0, 500, 30, 1, &r) == 0);
	CHECK(r.computers == 2);
	REQUIRE(run_cleanup(&w, 0, 1, 0, 1, 30, 0, &r) == 0);
	CHECK(r.computers == 2);
	CHECK(r.batches == 2);
	REQUIRE(store_computer_list(w.st, computer_count_cb, &n, &err) == 0);
	CHECK(n == 4); /* pc-29, pc-now, pc-back, pc-tz */
	CHECK(query_ll(&w, "SELECT count(*) FROM computer WHERE computer_id IN ('pc-old', 'pc-31')")
	      == 0);
	/* Its group membership went with it. */
	REQUIRE(store_member_list(w.st, member_cb, &m, &err) == 0);
	CHECK(m.n == 1);
	CHECK_STR(m.ids[0], "pc-29");
	/* A shorter age takes more. */
	REQUIRE(run_cleanup(&w, 0, 1, 0, 500, 10, 0, &r) == 0);
	CHECK(r.computers == 1);
	CHECK(query_ll(&w, "SELECT count(*) FROM computer_group_member") == 0);
	world_close(&w);
}

/* ---- content ---- */

struct catalog_sketch {
	char f[8][41];
};

/*
 * Update 1: r1 has file 0, r2 (latest) file 1; approved.   -> 1 needed, 0 not
 * Update 2: file 2, not approved.                          -> not needed
 * Update 3: file 3, approved then declined.                -> not needed
 * Update 4: a bundle (approved) of update 5; 5 has file 4. -> needed
 * File 5: recorded, named by no update.                    -> not needed
 * Update 6: file 6, NotApproved for All Computers.        -> not needed
 */
static int build_content_catalog(struct world *w, struct catalog_sketch *c)
{
	struct ow_err err = { 0 };

	for (int i = 0; i < 7; i++)
		if (put_content(w, i, c->f[i]) < 0)
			return -1;
	if (import_doc(w, 1, 1, NULL, NULL, (const char *[]){ c->f[0], NULL }) < 0 ||
	    import_doc(w, 1, 2, NULL, NULL, (const char *[]){ c->f[1], NULL }) < 0 ||
	    approve(w, 1) < 0 ||
	    import_doc(w, 2, 1, NULL, NULL, (const char *[]){ c->f[2], NULL }) < 0 ||
	    import_doc(w, 3, 1, NULL, NULL, (const char *[]){ c->f[3], NULL }) < 0 ||
	    approve(w, 3) < 0 || decline(w, 3) < 0 ||
	    import_doc(w, 5, 1, NULL, NULL, (const char *[]){ c->f[4], NULL }) < 0 ||
	    import_doc(w, 4, 1, NULL, (int[]){ 5, 0 }, NULL) < 0 || approve(w, 4) < 0 ||
	    import_doc(w, 6, 1, NULL, NULL, (const char *[]){ c->f[6], NULL }) < 0)
		return -1;
	(void)err;
	return catalog_approve(w->st, uid(6), ALL, "notapproved", NULL, 1, "test", &err);
}

static void make_file(const char *path, const char *text, int64_t mtime)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	if (mtime) {
		struct timeval tv[2] = { { (time_t)mtime, 0 }, { (time_t)mtime, 0 } };

		(void)utimes(path, tv);
	}
}

static void test_content(void)
{
	struct world w;
	struct catalog_sketch c;
	struct catalog_cleanup_result r;
	char p[900], old_orphan[900], new_orphan[900], odd[6][900], outside[900], link[900];
	const char *oldsha = "0123456789ABCDEF0123456789ABCDEF012345AB";
	const char *newsha = "1123456789ABCDEF0123456789ABCDEF012345AB";
	const char *linksha = "2123456789ABCDEF0123456789ABCDEF012345AB";
	int64_t long_ago = ow_time_now() - 2 * 86400;

	REQUIRE(world_open(&w) == 0);
	REQUIRE(build_content_catalog(&w, &c) == 0);

	/* Files without rows: an old orphan (an import that never recorded
	 * it) goes, a fresh one may be an import in progress and stays. */
	snprintf(p, sizeof(p), "%s/AB", w.content);
	(void)mkdir(p, 0755);
	snprintf(old_orphan, sizeof(old_orphan), "%s/AB/%s.exe", w.content, oldsha);
	make_file(old_orphan, "orphan", long_ago);
	snprintf(new_orphan, sizeof(new_orphan), "%s/AB/%s.exe", w.content, newsha);
	make_file(new_orphan, "fresh", 0);
	/* Never touched, however old: names outside the grammar or not in
	 * its canonical spelling, and symlinks. */
	snprintf(odd[0], sizeof(odd[0]), "%s/AB/readme.txt", w.content);
	snprintf(odd[1], sizeof(odd[1]), "%s/notes.txt", w.content);
	snprintf(odd[2], sizeof(odd[2]), "%s/AB/%s.EXE", w.content, oldsha);
	snprintf(odd[3], sizeof(odd[3]), "%s/AB/3123456789abcdef0123456789abcdef012345ab.exe",
		 w.content);
	snprintf(odd[4], sizeof(odd[4]), "%s/AB/%s.exe.tmp", w.content, oldsha);
	snprintf(odd[5], sizeof(odd[5]), "%s/CD/4123456789ABCDEF0123456789ABCDEF012345AB.exe",
		 w.content); /* wrong directory for its digest */
	snprintf(p, sizeof(p), "%s/CD", w.content);
	(void)mkdir(p, 0755);
	for (int i = 0; i < 6; i++)
		make_file(odd[i], "keep me", long_ago);
	snprintf(outside, sizeof(outside), "%s/outside.exe", w.dir);
	make_file(outside, "not content", long_ago);
	snprintf(link, sizeof(link), "%s/AB/%s.exe", w.content, linksha);
	REQUIRE(symlink(outside, link) == 0);
	/* A directory symlink in place of XX: nothing below it is looked at. */
	snprintf(p, sizeof(p), "%s/EF", w.content);
	REQUIRE(symlink(w.dir, p) == 0);

	REQUIRE(run_cleanup(&w, 0, 0, 1, 500, 30, 1, &r) == 0);
	CHECK(r.content_files == 5);
	CHECK(r.content_bytes > 0);
	CHECK(r.orphans == 1);
	CHECK(r.orphans_recent == 1);
	CHECK(query_ll(&w, "SELECT count(*) FROM content_file") == 7);

	REQUIRE(run_cleanup(&w, 0, 0, 1, 500, 30, 0, &r) == 0);
	CHECK(r.content_files == 5);
	CHECK(r.orphans == 1);
	CHECK(r.orphans_recent == 1);
	CHECK(r.queued == 0);
	CHECK(query_ll(&w, "SELECT count(*) FROM content_file") == 2);
	CHECK(query_ll(&w, "SELECT count(*) FROM content_unlink") == 0);
	for (int i = 0; i < 7; i++) {
		char sql[128];
		int needed = i == 1 || i == 4;

		content_path(&w, c.f[i], p, sizeof(p));
		CHECK(file_exists(p) == needed);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM content_file WHERE sha1 = '%s'", c.f[i]);
		CHECK(query_ll(&w, sql) == needed);
	}
	CHECK(!file_exists(old_orphan));
	CHECK(file_exists(new_orphan));
	for (int i = 0; i < 6; i++)
		CHECK(file_exists(odd[i]));
	CHECK(file_exists(link));
	CHECK(file_exists(outside));

	/* Declining update 1 makes its file unneeded too. */
	REQUIRE(decline(&w, 1) == 0);
	REQUIRE(run_cleanup(&w, 0, 0, 1, 500, 30, 0, &r) == 0);
	CHECK(r.content_files == 1);
	content_path(&w, c.f[1], p, sizeof(p));
	CHECK(!file_exists(p));
	content_path(&w, c.f[4], p, sizeof(p));
	CHECK(file_exists(p));
	world_close(&w);
}

/* A crash after the rows went and before their files did: the next run
 * removes the queued files, but never one whose SHA-1 was recorded again. */
static void test_content_crash(void)
{
	struct world w;
	struct catalog_sketch c;
	struct catalog_cleanup_result r;
	struct store_content_key keys[16];
	struct ow_err err = { 0 };
	char p[900], again[41];
	size_t n = 0;

	REQUIRE(world_open(&w) == 0);
	REQUIRE(build_content_catalog(&w, &c) == 0);
	REQUIRE(store_content_unneeded_take(w.st, 16, keys, &n, &err) == 0);
	CHECK(n == 5);
	CHECK(query_ll(&w, "SELECT count(*) FROM content_unlink") == 5);
	CHECK(query_ll(&w, "SELECT count(*) FROM content_file") == 2);
	/* Before the next run, file 2 is imported again (its row is back)
	 * and update 2 approved: the queued unlink must not take its file. */
	REQUIRE(put_content(&w, 2, again) == 0);
	CHECK_STR(again, c.f[2]);
	REQUIRE(approve(&w, 2) == 0);

	REQUIRE(run_cleanup(&w, 0, 0, 1, 2, 30, 0, &r) == 0);
	CHECK(r.queued == 5);
	CHECK(r.content_files == 0);
	CHECK(query_ll(&w, "SELECT count(*) FROM content_unlink") == 0);
	for (int i = 0; i < 7; i++) {
		content_path(&w, c.f[i], p, sizeof(p));
		CHECK(file_exists(p) == (i == 1 || i == 2 || i == 4));
	}
	CHECK(query_ll(&w, "SELECT count(*) FROM content_file") == 3);
	world_close(&w);
}

/* ---- batches ---- */

static int build_big(struct world *w, char f[][41])
{
	struct ow_err err = { 0 };
	char t[OW_TIME_LEN];

	for (int i = 0; i < 12; i++)
		if (put_content(w, i, f[i]) < 0)
			return -1;
	for (int u = 1; u <= 4; u++)
		for (int rev = 1; rev <= 3; rev++)
			if (import_doc(w, u, rev, NULL, NULL,
				       (const char *[]){ f[(u - 1) * 3 + rev - 1], NULL }) < 0)
				return -1;
	if (approve(w, 1) < 0 || approve(w, 3) < 0)
		return -1;
	for (int i = 0; i < 5; i++) {
		char id[16];

		snprintf(id, sizeof(id), "pc-%d", i);
		ow_time_format(ow_time_now() - (int64_t)(i * 20) * 86400, t);
		if (store_computer_upsert(w->st, id, id, "", t, &err) < 0)
			return -1;
	}
	return 0;
}

/* What is left: revisions, content rows, files, computers, as text. */
static void state_of(struct world *w, char f[][41], char *out, size_t len)
{
	char revs[256], rows[2048], comps[256], files[64] = "";

	query_text(w, "SELECT group_concat(x) FROM (SELECT update_id || ':' || revision AS x"
		      " FROM update_revision ORDER BY x)", revs, sizeof(revs));
	query_text(w, "SELECT group_concat(sha1) FROM (SELECT sha1 FROM content_file ORDER BY sha1)",
		   rows, sizeof(rows));
	query_text(w, "SELECT group_concat(computer_id) FROM (SELECT computer_id FROM computer"
		      " ORDER BY computer_id)", comps, sizeof(comps));
	for (int i = 0; i < 12; i++) {
		char p[900];

		content_path(w, f[i], p, sizeof(p));
		files[i] = file_exists(p) ? '1' : '0';
	}
	snprintf(out, len, "%s|%s|%s|%s", revs, rows, comps, files);
}

static void test_batches(void)
{
	struct world one, big;
	struct catalog_cleanup_result r1, rb;
	char f1[12][41], fb[12][41], s1[4096], sb[4096];

	REQUIRE(world_open(&one) == 0);
	REQUIRE(world_open(&big) == 0);
	REQUIRE(build_big(&one, f1) == 0);
	REQUIRE(build_big(&big, fb) == 0);
	REQUIRE(query_ll(&one, "SELECT count(*) FROM update_revision") == 12);
	REQUIRE(run_cleanup(&one, 1, 1, 1, 1, 30, 0, &r1) == 0);
	REQUIRE(run_cleanup(&big, 1, 1, 1, 500, 30, 0, &rb) == 0);
	state_of(&one, f1, s1, sizeof(s1));
	state_of(&big, fb, sb, sizeof(sb));
	CHECK_STR(s1, sb);
	/* 8 old revisions, 3 computers (40, 60, 80 days), and the content of
	 * all but the latest revisions of 1 and 3: 10 files. */
	CHECK(r1.revisions == 8 && rb.revisions == 8);
	CHECK(r1.computers == 3 && rb.computers == 3);
	CHECK(r1.content_files == 10 && rb.content_files == 10);
	CHECK(r1.batches == 21);
	CHECK(rb.batches == 3);
	CHECK(query_ll(&one, "SELECT count(*) FROM update_revision") == 4);
	/* Only the files of the latest revisions of 1 and 3 are left. */
	CHECK(strstr(s1, "|001000001000") != NULL);
	world_close(&one);
	world_close(&big);
}

/* ---- stopping ---- */

static volatile sig_atomic_t stop_flag;

static void stop_after_first(void *arg, const char *phase, long long n, long long total)
{
	(void)arg;
	(void)phase;
	(void)n;
	(void)total;
	stop_flag = 1;
}

static void test_stop(void)
{
	struct world w;
	struct catalog_content_fs fs = { fs_remove, fs_scan, NULL };
	struct catalog_cleanup_opts o;
	struct catalog_cleanup_result r;
	struct ow_err err = { 0 };
	char f[12][41];

	REQUIRE(world_open(&w) == 0);
	fs.ctx = &w;
	REQUIRE(build_big(&w, f) == 0);
	memset(&o, 0, sizeof(o));
	o.revisions = o.computers = o.content = 1;
	o.batch = 3;
	o.computer_days = 30;
	o.fs = &fs;
	o.principal = "local:cleanup";
	o.stop = &stop_flag;
	/* Asked to stop before it started: nothing done, still audited. */
	stop_flag = 1;
	REQUIRE(catalog_cleanup(w.st, &o, &r, &err) == 0);
	CHECK(r.interrupted == 1);
	CHECK(r.revisions == 0 && r.batches == 0);
	/* Asked to stop during the first batch: that batch completes. */
	stop_flag = 0;
	o.progress = stop_after_first;
	REQUIRE(catalog_cleanup(w.st, &o, &r, &err) == 0);
	CHECK(r.interrupted == 1);
	CHECK(r.revisions == 3);
	CHECK(r.batches == 1);
	CHECK(query_ll(&w, "SELECT count(*) FROM update_revision") == 9);
	/* Run again to finish. */
	stop_flag = 0;
	o.progress = NULL;
	REQUIRE(catalog_cleanup(w.st, &o, &r, &err) == 0);
	CHECK(r.interrupted == 0);
	CHECK(r.revisions == 5);
	CHECK(query_ll(&w, "SELECT count(*) FROM update_revision") == 4);
	CHECK(query_ll(&w, "SELECT count(*) FROM audit_log WHERE action = 'cleanup.run'") == 3);
	CHECK(query_ll(&w, "SELECT count(*) FROM audit_log WHERE action = 'cleanup.run'"
			   " AND detail LIKE '%interrupted%'") == 2);
	/* Bad options change nothing. */
	o.batch = 0;
	CHECK(catalog_cleanup(w.st, &o, &r, &err) == OW_EINVAL);
	o.batch = 1;
	o.revisions = o.computers = o.content = 0;
	CHECK(catalog_cleanup(w.st, &o, &r, &err) == OW_EINVAL);
	world_close(&w);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_decline_superseded);
	RUN(test_revisions);
	RUN(test_computers);
	RUN(test_content);
	RUN(test_content_crash);
	RUN(test_batches);
	RUN(test_stop);
	(void)nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return check_done();
}
