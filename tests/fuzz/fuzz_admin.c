/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the admin JSON API (admin/api.c, admin/publish.c):
 * the query strings, path segments, JSON bodies and Authorization headers
 * it reads from the network. The first input byte picks a route from
 * `routes` (every resource that takes input, plus "raw" entries whose
 * method and path come from the input, for an administrator, a reporter,
 * an unmapped certificate and Basic credentials); the rest is, in this
 * order and as the route needs them, one line each of Authorization
 * value, path tail and query string, then the body:
 *
 *   \x09{"update_id":"ccb78947-...","group":"Servers","action":"install"}
 *   \x12offset=0\n<bytes of an upload piece>
 *
 * One route takes a "files" line and an upd:Update document and posts
 * them as a publication signed by a publisher the server trusts, so the
 * document parsing, the file checks and the import behind the signature
 * check are reached too.
 *
 * The request is built by hand as the server would hand it to
 * admin_handle, on TLS with a verified client certificate mapped to a
 * principal (no argon2 on the way in), against a real SQLite store in a
 * temporary directory made at start: two principals, a trusted publisher,
 * two update documents from the shared fixtures (skipped when absent), a
 * group, a computer and an upload in progress. Promises checked, abort()
 * when one breaks:
 *   - the status is one the API uses for input (200, 201, 204, 400, 401,
 *     403, 404, 409, 413, 429); never 500, the store being healthy;
 *   - 204 has no body; every other answer is one JSON object, with string
 *     "error" and "message" members when the status is 4xx, served as
 *     application/json and never cached;
 *   - 401 carries WWW-Authenticate and 429 Retry-After;
 *   - a reporter never gets past 403 with a method that writes, and an
 *     unmapped certificate is never let in.
 * The store keeps what earlier inputs wrote (a group made by one input is
 * approved for by the next), so a crash may need the inputs before it to
 * reproduce. It is thrown away and made again every RESET_EVERY inputs or
 * when it passes RESET_BYTES. catalog_thread_store keeps one store per
 * thread until the thread ends, so requests run on a worker thread that
 * ends at each reset.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/api.h"
#include "auth/ratelimit.h"
#include "base/limits.h"
#include "base/log.h"
#include "catalog/catalog.h"
#include "crypto/x509.h"
#include "http/request.h"
#include "http/response.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RESET_EVERY 2000
#define RESET_BYTES (8 * 1024 * 1024)

#define ADMIN_SUBJECT "CN=fuzz-admin,O=openwsus"
#define REPORTER_SUBJECT "CN=fuzz-reporter,O=openwsus"
#define STRANGER_SUBJECT "CN=nobody,O=elsewhere"
#define COMPUTER_ID "5f2b8c1e-0d4a-4e6b-9c3f-7a1d2e3f4a5b"
#define UPLOAD_ID "0f1e2d3c-4b5a-4697-8877-665544332211"
/* What UPLOAD_ID holds for F_SIGNED inputs (the seed's document states
 * its size and digests, so the publication can succeed). */
#define SIGNED_UPLOAD "MZ fuzz installer\n"
#define DOCS "../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-wsusss/docs/"

/* How a route reads the input after the selector byte. */
enum {
	F_METHOD = 1,       /* one byte: index into methods[] */
	F_AUTH = 2,         /* one line: Authorization value, no certificate */
	F_TAIL = 4,         /* one line: appended to the path */
	F_QUERY = 8,        /* one line (the rest without F_BODY): query */
	F_BODY = 16,        /* the rest: body */
	F_REPORTER = 32,    /* the reporter's certificate */
	F_STRANGER = 64,    /* a certificate mapped to no principal */
	F_SIGNED = 128,     /* one line: "files" (JSON, else a string); the rest:
			     * a document, sent signed by the trusted publisher */
};

struct method {
	const char *name;
	enum http_method m;
};

static const struct method methods[] = {
	{ "GET", HTTP_M_GET }, { "HEAD", HTTP_M_HEAD }, { "POST", HTTP_M_POST },
	{ "OPTIONS", HTTP_M_OPTIONS }, { "PUT", HTTP_M_OTHER }, { "DELETE", HTTP_M_OTHER },
	{ "PATCH", HTTP_M_OTHER }, { "PROPFIND", HTTP_M_OTHER },
};

struct route {
	const char *method;     /* NULL: from the input (F_METHOD) */
	const char *path;       /* after /ApiRemoting30/api/v1/ */
	int flags;
};

static const struct route routes[] = {
	/* 0 */ { "GET", "updates", F_QUERY },
	/* 1 */ { "GET", "updates/", F_TAIL },
	/* 2 */ { "GET", "groups", F_QUERY },
	/* 3 */ { "POST", "groups", F_BODY },
	/* 4 */ { "DELETE", "groups/", F_TAIL },
	/* 5 */ { "GET", "computers", F_QUERY },
	/* 6 */ { "POST", "computers/", F_TAIL | F_BODY },         /* {id}/groups */
	/* 7 */ { "DELETE", "computers/", F_TAIL },                /* {id}/groups/{group} */
	/* 8 */ { "GET", "approvals", F_QUERY },
	/* 9 */ { "POST", "approvals", F_BODY },
	/* 10 */ { "GET", "declines", F_QUERY },
	/* 11 */ { "POST", "declines", F_BODY },
	/* 12 */ { "DELETE", "declines/", F_TAIL },
	/* 13 */ { "GET", "reports/status", F_QUERY },
	/* 14 */ { "GET", "users", F_QUERY },
	/* 15 */ { "POST", "users", F_BODY },
	/* 16 */ { "GET", "audit", F_QUERY },
	/* 17 */ { "POST", "uploads", F_BODY },
	/* 18 */ { "PUT", "uploads/" UPLOAD_ID, F_QUERY | F_BODY },
	/* 19 */ { "DELETE", "uploads/", F_TAIL },
	/* 20 */ { "POST", "publications", F_BODY },
	/* 21 */ { "HEAD", "updates", F_QUERY },
	/* 22 */ { NULL, "", F_METHOD | F_TAIL | F_QUERY | F_BODY },
	/* 23 */ { NULL, "", F_METHOD | F_REPORTER | F_TAIL | F_QUERY | F_BODY },
	/* 24 */ { NULL, "", F_METHOD | F_STRANGER | F_TAIL | F_QUERY | F_BODY },
	/* 25 */ { "GET", "", F_AUTH | F_TAIL | F_QUERY },
	/* 26 */ { "POST", "publications", F_SIGNED },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* The one piece of process state: the scratch data directory, the
 * context admin_handle gets, and the worker thread that calls it. */
static struct {
	char dir[PATH_MAX];
	char content[PATH_MAX + 16], uploads[PATH_MAX + 16], publishers[PATH_MAX + 16];
	char upload[PATH_MAX + 64], db[PATH_MAX + 16], wal[PATH_MAX + 16];
	char pub_cert[PATH_MAX + 48], pub_key[PATH_MAX + 32];
	X509 *pub_x509;         /* the trusted publisher, loaded once per store */
	EVP_PKEY *pub_pkey;
	char docs[PATH_MAX];
	struct admin_ctx ctx;
	unsigned long runs;     /* inputs since the last reset */

	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int live;               /* the worker thread runs */
	int pending;            /* req/res handed over, not answered yet */
	int quit;
	struct http_request *req;
	struct http_response *res;
	struct store *thread_store;     /* the worker's, closed when it ends */
} g = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_admin: %s: %s\n", what, msg);
	abort();
}

/* ---- the worker thread ---------------------------------------------------- */

static void *worker_main(void *arg)
{
	struct ow_err err = { 0 };

	(void)arg;
	/* Open the thread's store before the first input and keep a pointer
	 * to it: LeakSanitizer does not look into thread-specific data and
	 * would report the store as lost. */
	if (catalog_thread_store(g.ctx.store_url, g.ctx.data_dir, &g.thread_store, &err) < 0)
		die("catalog_thread_store", err.msg);
	pthread_mutex_lock(&g.mu);
	for (;;) {
		while (!g.pending && !g.quit)
			pthread_cond_wait(&g.cv, &g.mu);
		if (g.quit)
			break;
		pthread_mutex_unlock(&g.mu);
		admin_handle(g.req, g.res, &g.ctx);
		pthread_mutex_lock(&g.mu);
		g.pending = 0;
		pthread_cond_broadcast(&g.cv);
	}
	pthread_mutex_unlock(&g.mu);
	return NULL;    /* the thread's store closes now */
}

static void worker_call(struct http_request *req, struct http_response *res)
{
	pthread_mutex_lock(&g.mu);
	g.req = req;
	g.res = res;
	g.pending = 1;
	pthread_cond_broadcast(&g.cv);
	while (g.pending)
		pthread_cond_wait(&g.cv, &g.mu);
	pthread_mutex_unlock(&g.mu);
}

static void worker_stop(void)
{
	if (!g.live)
		return;
	pthread_mutex_lock(&g.mu);
	g.quit = 1;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	pthread_join(g.tid, NULL);
	g.thread_store = NULL;
	g.live = 0;
	g.quit = 0;
}

/* ---- the scratch store ------------------------------------------------------ */

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

static void import_doc(struct store *st, const char *name)
{
	char path[PATH_MAX + 128], *xml = NULL;
	struct catalog_import_result r;
	struct ow_err err = { 0 };
	struct stat sb;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s%s", g.docs, name) >= (int)sizeof(path) ||
	    (f = fopen(path, "rb")) == NULL)
		return;         /* no fixtures here: the catalog stays empty */
	if (fstat(fileno(f), &sb) == 0 && sb.st_size > 0 && sb.st_size < OW_MAX_BODY_BYTES &&
	    (xml = malloc((size_t)sb.st_size)) != NULL &&
	    fread(xml, 1, (size_t)sb.st_size, f) == (size_t)sb.st_size &&
	    catalog_import_xml(st, xml, (size_t)sb.st_size, "local:fuzz", &r, &err) < 0)
		die(name, err.msg);
	free(xml);
	fclose(f);
}

/* Makes the upload UPLOAD_ID hold exactly the bytes of s. */
static void touch_upload(const char *s)
{
	int fd = open(g.upload, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die(g.upload, strerror(errno));
	close(fd);
}

/* Loads the publisher's certificate and key once: reading a PEM key costs
 * OpenSSL 3 more than the signature itself. */
static void load_publisher(void)
{
	FILE *f;

	if ((f = fopen(g.pub_cert, "r")) == NULL)
		die(g.pub_cert, strerror(errno));
	g.pub_x509 = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if ((f = fopen(g.pub_key, "r")) == NULL)
		die(g.pub_key, strerror(errno));
	g.pub_pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (g.pub_x509 == NULL || g.pub_pkey == NULL)
		die("publisher", "cannot load the certificate or key");
}

/* Makes a fresh data directory and store and starts the worker. */
static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	struct ow_err err = { 0 };
	struct store *st = NULL;
	char gid[37];

	if (snprintf(g.dir, sizeof(g.dir), "%s/ow-fuzz-admin.XXXXXX",
		     tmp && *tmp ? tmp : "/tmp") >= (int)sizeof(g.dir) || mkdtemp(g.dir) == NULL)
		die("mkdtemp", strerror(errno));
	snprintf(g.content, sizeof(g.content), "%s/content", g.dir);
	snprintf(g.uploads, sizeof(g.uploads), "%s/uploads", g.dir);
	snprintf(g.publishers, sizeof(g.publishers), "%s/publishers", g.dir);
	snprintf(g.upload, sizeof(g.upload), "%s/%s.part", g.uploads, UPLOAD_ID);
	snprintf(g.pub_cert, sizeof(g.pub_cert), "%s/fuzz-publisher.pem", g.publishers);
	snprintf(g.pub_key, sizeof(g.pub_key), "%s/publisher.key", g.dir);
	snprintf(g.db, sizeof(g.db), "%s/store.db", g.dir);
	snprintf(g.wal, sizeof(g.wal), "%s/store.db-wal", g.dir);
	if (mkdir(g.content, 0700) < 0 || mkdir(g.uploads, 0700) < 0 || mkdir(g.publishers, 0700) < 0)
		die("mkdir", strerror(errno));
	touch_upload("");
	/* A self-signed publisher, trusted: F_SIGNED inputs get past the
	 * signature to the document and the files. */
	if (x509_make_ca(g.pub_cert, g.pub_key, "Fuzz Publisher", &err) < 0)
		die("x509_make_ca", err.msg);
	load_publisher();

	if (store_open("sqlite:store.db", g.dir, &st, &err) < 0 ||
	    catalog_user_add(st, "fuzzadmin", "administrators", NULL, NULL, ADMIN_SUBJECT,
			     "local:fuzz", &err) < 0 ||
	    catalog_user_add(st, "fuzzreporter", "reporters", NULL, NULL, REPORTER_SUBJECT,
			     "local:fuzz", &err) < 0 ||
	    catalog_group_add(st, "Servers", NULL, "local:fuzz", gid, &err) < 0 ||
	    catalog_computer_register(st, COMPUTER_ID, "pc1.example.test", "Windows 11", NULL, 0,
				      &err) < 0)
		die("store", err.msg);
	import_doc(st, "ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200.xml");     /* software */
	import_doc(st, "dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202.xml");     /* category */
	store_close(st);

	g.ctx.store_url = "sqlite:store.db";
	g.ctx.data_dir = g.dir;
	g.ctx.content_dir = g.content;
	g.ctx.uploads_dir = g.uploads;
	g.ctx.publishers_dir = g.publishers;
	if (pthread_create(&g.tid, NULL, worker_main, NULL) != 0)
		die("pthread_create", "failed");
	g.live = 1;
	g.runs = 0;
}

static void teardown(void)
{
	worker_stop();
	if (g.dir[0])
		(void)nftw(g.dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	g.dir[0] = '\0';
	X509_free(g.pub_x509);
	EVP_PKEY_free(g.pub_pkey);
	g.pub_x509 = NULL;
	g.pub_pkey = NULL;
}

static void at_exit(void)
{
	teardown();
	auth_limiter_free(g.ctx.limiter);
	g.ctx.limiter = NULL;
}

static off_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char exe[PATH_MAX];
	ssize_t n;

	(void)argc;
	(void)argv;
	ow_log_set_level(OW_LOG_ERROR);
	/* The fixtures beside the repository: from the current directory
	 * (tests/run.sh runs from the top), else from the binary's place
	 * (build-fuzz/bin/ in the repository). */
	snprintf(g.docs, sizeof(g.docs), "%s", DOCS);
	if (access(g.docs, R_OK) != 0 && (n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(exe, '/');

			if (slash)
				*slash = '\0';
		}
		if (snprintf(g.docs, sizeof(g.docs), "%s/%s", exe, DOCS) >= (int)sizeof(g.docs))
			g.docs[0] = '\0';
	}
	g.ctx.limiter = auth_limiter_new();
	if (g.ctx.limiter == NULL)
		die("auth_limiter_new", "failed");
	setup();
	atexit(at_exit);
	return 0;
}

/* ---- one input ------------------------------------------------------------- */

/* Takes bytes up to '\n' (or the end) as a line that may stand in a
 * request head: no NUL, no control character. -1 when it cannot. */
static int take_line(const uint8_t **p, const uint8_t *end, char *out, size_t len, int in_path)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = (size_t)((nl ? nl : end) - *p);

	if (n >= len)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = (*p)[i];

		if (ch < 0x20 || ch == 0x7f || (in_path && (ch == ' ' || ch == '?' || ch == '#')))
			return -1;
	}
	memcpy(out, *p, n);
	out[n] = '\0';
	*p += n + (nl != NULL);
	return 0;
}

static int has_header(const struct http_response *res, const char *line)
{
	size_t n = strlen(line);

	for (const char *h = res->headers; (h = strstr(h, line)) != NULL; h += n)
		if ((h == res->headers || h[-1] == '\n') && h[n] == '\r')
			return 1;
	return 0;
}

static int has_header_name(const struct http_response *res, const char *name)
{
	size_t n = strlen(name);

	for (const char *h = res->headers; (h = strstr(h, name)) != NULL; h += n)
		if ((h == res->headers || h[-1] == '\n') && h[n] == ':')
			return 1;
	return 0;
}

static void check(int flags, const struct method *m, const struct http_response *res)
{
	size_t blen = evbuffer_get_length(res->body);
	const char *body = blen ? (const char *)evbuffer_pullup(res->body, -1) : NULL;
	int writes = m->m != HTTP_M_GET && m->m != HTTP_M_HEAD;
	json_t *j = NULL;

	switch (res->status) {
	case 200: case 201: case 204: case 400: case 401: case 403: case 404: case 409:
	case 413: case 429:
		break;
	default:
		fprintf(stderr, "fuzz_admin: status %d: %.*s\n", res->status, (int)blen,
			body ? body : "");
		abort();
	}
	if (!has_header(res, "Cache-Control: no-store"))
		abort();
	if (res->status == 204) {
		if (blen != 0)
			abort();
	} else {
		json_error_t jerr;

		if (blen == 0 || !has_header(res, "Content-Type: application/json")) {
			fprintf(stderr, "fuzz_admin: status %d without a JSON body\n", res->status);
			abort();
		}
		j = json_loadb(body, blen, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(j)) {
			fprintf(stderr, "fuzz_admin: not a JSON object (%s): %.*s\n", jerr.text,
				(int)blen, body);
			abort();
		}
		if (res->status >= 400 && (!json_is_string(json_object_get(j, "error")) ||
					   !json_is_string(json_object_get(j, "message"))))
			abort();
	}
	if (res->status == 401 && !has_header_name(res, "WWW-Authenticate"))
		abort();
	if (res->status == 429 && !has_header_name(res, "Retry-After"))
		abort();
	/* Reporters read; a malformed path is 404 before anyone is asked. */
	if ((flags & F_REPORTER) && writes && res->status != 403 && res->status != 404)
		abort();
	/* Only the OpenAPI description is served to a stranger. */
	if ((flags & F_STRANGER) && res->status != 401 && res->status != 404 &&
	    !(res->status == 200 && json_object_get(j, "openapi") != NULL))
		abort();
	json_decref(j);
}

/* The body of a publication of doc signed by the trusted publisher, with
 * files as its "files" member; NULL when doc cannot be a JSON string. */
static char *signed_body(const char *files, const uint8_t *doc, size_t len, size_t *blen)
{
	unsigned char *der = NULL;
	char *b64 = NULL, *text = NULL;
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL;
	json_t *o = NULL, *f;
	int der_len;

	if (memchr(doc, '\0', len) != NULL || len > OW_MAX_BODY_BYTES ||
	    (in = BIO_new_mem_buf(doc, (int)len)) == NULL ||
	    (cms = CMS_sign(g.pub_x509, g.pub_pkey, NULL, in, CMS_DETACHED | CMS_BINARY)) == NULL ||
	    (der_len = i2d_CMS_ContentInfo(cms, &der)) <= 0 ||
	    (b64 = malloc(4 * (((size_t)der_len + 2) / 3) + 1)) == NULL)
		goto out;
	EVP_EncodeBlock((unsigned char *)b64, der, der_len);
	f = json_loads(files, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
	if (f == NULL)
		f = json_string(files);     /* NULL (then left out) when not UTF-8 */
	o = json_pack("{s:s%, s:s, s:o*}", "document", (const char *)doc, len, "signature", b64,
		      "files", f);
	if (o != NULL && (text = json_dumps(o, JSON_COMPACT)) != NULL)
		*blen = strlen(text);
out:
	json_decref(o);
	free(b64);
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[OW_MAX_HEADER_BYTES], tail[OW_MAX_HEADER_BYTES], query[OW_MAX_HEADER_BYTES];
	static char auth[OW_MAX_HEADER_BYTES], files[OW_MAX_HEADER_BYTES];
	const uint8_t *p = data, *end = data + size;
	const struct route *r;
	struct method m;
	struct http_request req;
	struct http_response res;
	char *body = NULL;
	size_t blen;
	int flags;

	if (size == 0)
		return 0;
	r = &routes[*p++ % NROUTES];
	flags = r->flags;
	if (flags & F_METHOD) {
		if (p == end)
			return 0;
		m = methods[*p++ % (sizeof(methods) / sizeof(methods[0]))];
	} else {
		m.name = r->method;
		m.m = strcmp(r->method, "GET") == 0    ? HTTP_M_GET
		      : strcmp(r->method, "HEAD") == 0 ? HTTP_M_HEAD
		      : strcmp(r->method, "POST") == 0 ? HTTP_M_POST
						       : HTTP_M_OTHER;
	}
	auth[0] = tail[0] = query[0] = '\0';
	if (((flags & F_AUTH) && take_line(&p, end, auth, sizeof(auth), 0) < 0) ||
	    ((flags & F_TAIL) && take_line(&p, end, tail, sizeof(tail), 1) < 0))
		return 0;
	if ((flags & F_QUERY) && (flags & F_BODY)) {
		if (take_line(&p, end, query, sizeof(query), 0) < 0)
			return 0;
	} else if (flags & F_QUERY) {
		if (take_line(&p, end, query, sizeof(query), 0) < 0 || p != end)
			return 0;
	}
	if (strpbrk(query, " #") != NULL ||     /* as in a request line */
	    snprintf(path, sizeof(path), "/ApiRemoting30/api/v1/%s%s", r->path, tail) >=
		    (int)sizeof(path))
		return 0;
	blen = (flags & F_BODY) ? (size_t)(end - p) : 0;
	if (blen > OW_MAX_BODY_BYTES)
		return 0;
	if (flags & F_SIGNED) {
		if (take_line(&p, end, files, sizeof(files), 0) < 0 ||
		    (body = signed_body(files, p, (size_t)(end - p), &blen)) == NULL)
			return 0;
		if (blen > OW_MAX_BODY_BYTES) {
			free(body);
			return 0;
		}
	} else if (blen > 0) {     /* as the parser keeps it: NUL-terminated, NULL when empty */
		body = malloc(blen + 1);
		if (body == NULL)
			return 0;
		memcpy(body, p, blen);
		body[blen] = '\0';
	}

	memset(&req, 0, sizeof(req));
	req.method = m.m;
	req.method_name = m.name;
	req.target = path;
	req.path = path;
	req.query = query;
	req.body = body;
	req.body_len = blen;
	req.http_minor = 1;
	req.keep_alive = 1;
	req.tls = 1;
	req.port = 8531;
	req.peer = "127.0.0.1:1";
	req.peer_subject = (flags & F_AUTH)       ? ""
			   : (flags & F_REPORTER) ? REPORTER_SUBJECT
			   : (flags & F_STRANGER) ? STRANGER_SUBJECT
						  : ADMIN_SUBJECT;
	if (flags & F_AUTH) {
		req.headers[0].name = "Authorization";
		req.headers[0].value = auth;
		req.nheaders = auth[0] ? 1 : 0;
	}
	req.subpath = path + strlen("/ApiRemoting30");

	if (http_res_init(&res) < 0)
		abort();
	res.head_only = m.m == HTTP_M_HEAD;
	touch_upload((flags & F_SIGNED) ? SIGNED_UPLOAD : "");
	worker_call(&req, &res);
	check(flags, &m, &res);
	http_res_release(&res);
	free(body);

	if (++g.runs >= RESET_EVERY ||
	    file_size(g.db) + file_size(g.wal) + file_size(g.upload) > RESET_BYTES) {
		teardown();
		setup();
	}
	return 0;
}
