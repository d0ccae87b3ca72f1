/* SPDX-License-Identifier: MIT */
/*
 * File answers (http_res_file) and response headers (http_res_header). A
 * table of requests against one 1000-byte file with a fixed mtime covers
 * RFC 9110's preconditions in their order of evaluation, then Range with
 * and without If-Range; each row gives the status, the Content-Range and
 * the file parts. Multipart answers are reassembled byte by byte and their
 * length checked against body_len. Header building must refuse line
 * breaks (injection) and overflow with a 500.
 */
#include <event2/buffer.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/util.h"
#include "check.h"
#include "http/date.h"
#include "http/request.h"
#include "http/response.h"

#define SIZE 1000
#define MTIME ((time_t)1700000000)  /* Tue, 14 Nov 2023 22:13:20 GMT */
#define ETAG "\"2F88DF42DA48AA980FB748D13BAA2DE49CD154AB\""
#define CTYPE "application/octet-stream"

static char scratch[] = "/tmp/ow-test-response-XXXXXX";
static char file_path[256], empty_path[256];

static void make_file(const char *path, size_t size)
{
	struct timeval tv[2] = { { MTIME, 0 }, { MTIME, 0 } };
	FILE *f = fopen(path, "wb");

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	/* Byte i is 'A' + i % 26: every range is recognisable. */
	for (size_t i = 0; i < size; i++)
		fputc('A' + (int)(i % 26), f);
	if (fclose(f) != 0 || utimes(path, tv) != 0) {
		perror(path);
		exit(2);
	}
}

static void scratch_init(void)
{
	if (mkdtemp(scratch) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(file_path, sizeof(file_path), "%s/file.bin", scratch);
	snprintf(empty_path, sizeof(empty_path), "%s/empty.bin", scratch);
	make_file(file_path, SIZE);
	make_file(empty_path, 0);
}

static void scratch_free(void)
{
	unlink(file_path);
	unlink(empty_path);
	rmdir(scratch);
}

/* Value of header name in res->headers ("Name: value\r\n" lines), copied
 * into out; 0 when absent. */
static int res_header(const struct http_response *res, const char *name, char *out, size_t len)
{
	const char *p = res->headers, *end = res->headers + res->hlen;
	size_t nlen = strlen(name);

	while (p < end) {
		const char *eol = strstr(p, "\r\n");

		if (eol == NULL || eol > end)
			return 0;
		if ((size_t)(eol - p) > nlen + 1 && ow_strncasecmp(p, name, nlen) == 0 &&
		    p[nlen] == ':' && p[nlen + 1] == ' ') {
			size_t vlen = (size_t)(eol - p) - nlen - 2;

			if (vlen >= len)
				return 0;
			memcpy(out, p + nlen + 2, vlen);
			out[vlen] = '\0';
			return 1;
		}
		p = eol + 2;
	}
	return 0;
}

static void request(struct http_request *req, enum http_method m, const char *const *hdrs)
{
	memset(req, 0, sizeof(*req));
	req->method = m;
	req->method_name = m == HTTP_M_HEAD ? "HEAD" : m == HTTP_M_POST ? "POST" : "GET";
	req->path = req->target = "/Content/AB/file.bin";
	req->query = "";
	req->http_minor = 1;
	req->keep_alive = 1;
	for (size_t i = 0; hdrs && hdrs[2 * i]; i++) {
		req->headers[i].name = hdrs[2 * i];
		req->headers[i].value = hdrs[2 * i + 1];
		req->nheaders++;
	}
}

/* Runs http_res_file for the request on the file at path; the response
 * owns the descriptor from then on. */
static int serve(struct http_response *res, const struct http_request *req, const char *path,
		 const char *etag)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (http_res_init(res) != 0) {
		close(fd);
		return -1;
	}
	http_res_file(req, res, fd, &st, CTYPE, etag);
	return 0;
}

struct part_want {
	uint64_t off, len;
};

struct file_case {
	const char *name;
	enum http_method method;
	const char *hdrs[7];
	int status;
	const char *content_range;      /* NULL: none expected */
	size_t nparts;                  /* file parts (single part answers) */
	struct part_want part;
};

#define LM "Tue, 14 Nov 2023 22:13:20 GMT"
#define LM_OLDER "Tue, 14 Nov 2023 22:13:19 GMT"
#define LM_NEWER "Wed, 15 Nov 2023 00:00:00 GMT"

static const struct file_case file_cases[] = {
	{ "whole", HTTP_M_GET, { NULL }, 200, NULL, 1, { 0, SIZE } },
	/* Range. */
	{ "single", HTTP_M_GET, { "Range", "bytes=0-99", NULL }, 206, "bytes 0-99/1000", 1,
	  { 0, 100 } },
	{ "lower-case name", HTTP_M_GET, { "range", "bytes=10-19", NULL }, 206,
	  "bytes 10-19/1000", 1, { 10, 10 } },
	{ "suffix", HTTP_M_GET, { "Range", "bytes=-100", NULL }, 206, "bytes 900-999/1000", 1,
	  { 900, 100 } },
	{ "open end", HTTP_M_GET, { "Range", "bytes=990-", NULL }, 206, "bytes 990-999/1000", 1,
	  { 990, 10 } },
	{ "clamped", HTTP_M_GET, { "Range", "bytes=500-5000", NULL }, 206, "bytes 500-999/1000",
	  1, { 500, 500 } },
	{ "last byte", HTTP_M_GET, { "Range", "bytes=999-999", NULL }, 206,
	  "bytes 999-999/1000", 1, { 999, 1 } },
	{ "unsatisfiable", HTTP_M_GET, { "Range", "bytes=1000-2000", NULL }, 416, "bytes */1000",
	  0, { 0, 0 } },
	{ "overlap ignored", HTTP_M_GET, { "Range", "bytes=0-100,50-150", NULL }, 200, NULL, 1,
	  { 0, SIZE } },
	{ "not bytes", HTTP_M_GET, { "Range", "items=0-1", NULL }, 200, NULL, 1, { 0, SIZE } },
	{ "bad syntax", HTTP_M_GET, { "Range", "bytes=5-1", NULL }, 200, NULL, 1, { 0, SIZE } },
	{ "too many parts", HTTP_M_GET,
	  { "Range", "bytes=0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14,16-16,18-18,20-20,22-22,"
		     "24-24,26-26,28-28,30-30,32-32", NULL },
	  200, NULL, 1, { 0, SIZE } },
	{ "HEAD ignores Range", HTTP_M_HEAD, { "Range", "bytes=0-99", NULL }, 200, NULL, 1,
	  { 0, SIZE } },
	{ "POST ignores Range", HTTP_M_POST, { "Range", "bytes=0-99", NULL }, 200, NULL, 1,
	  { 0, SIZE } },
	/* If-Range. */
	{ "If-Range etag", HTTP_M_GET, { "Range", "bytes=0-99", "If-Range", ETAG, NULL }, 206,
	  "bytes 0-99/1000", 1, { 0, 100 } },
	{ "If-Range other etag", HTTP_M_GET,
	  { "Range", "bytes=0-99", "If-Range", "\"other\"", NULL }, 200, NULL, 1, { 0, SIZE } },
	{ "If-Range weak etag", HTTP_M_GET,
	  { "Range", "bytes=0-99", "If-Range", "W/" ETAG, NULL }, 200, NULL, 1, { 0, SIZE } },
	{ "If-Range date", HTTP_M_GET, { "Range", "bytes=0-99", "If-Range", LM, NULL }, 206,
	  "bytes 0-99/1000", 1, { 0, 100 } },
	{ "If-Range older date", HTTP_M_GET,
	  { "Range", "bytes=0-99", "If-Range", LM_OLDER, NULL }, 200, NULL, 1, { 0, SIZE } },
	{ "If-Range garbage", HTTP_M_GET, { "Range", "bytes=0-99", "If-Range", "xyz", NULL },
	  200, NULL, 1, { 0, SIZE } },
	{ "If-Range, no Range", HTTP_M_GET, { "If-Range", ETAG, NULL }, 200, NULL, 1,
	  { 0, SIZE } },
	/* If-None-Match (weak comparison). */
	{ "INM match", HTTP_M_GET, { "If-None-Match", ETAG, NULL }, 304, NULL, 0, { 0, 0 } },
	{ "INM star", HTTP_M_GET, { "If-None-Match", "*", NULL }, 304, NULL, 0, { 0, 0 } },
	{ "INM list", HTTP_M_GET, { "If-None-Match", "\"a\", " ETAG ",\"b\"", NULL }, 304, NULL,
	  0, { 0, 0 } },
	{ "INM weak", HTTP_M_GET, { "If-None-Match", "W/" ETAG, NULL }, 304, NULL, 0, { 0, 0 } },
	{ "INM other", HTTP_M_GET, { "If-None-Match", "\"other\"", NULL }, 200, NULL, 1,
	  { 0, SIZE } },
	{ "INM HEAD", HTTP_M_HEAD, { "If-None-Match", ETAG, NULL }, 304, NULL, 0, { 0, 0 } },
	{ "INM beats Range", HTTP_M_GET, { "If-None-Match", ETAG, "Range", "bytes=0-1", NULL },
	  304, NULL, 0, { 0, 0 } },
	/* If-Modified-Since. */
	{ "IMS equal", HTTP_M_GET, { "If-Modified-Since", LM, NULL }, 304, NULL, 0, { 0, 0 } },
	{ "IMS newer", HTTP_M_GET, { "If-Modified-Since", LM_NEWER, NULL }, 304, NULL, 0,
	  { 0, 0 } },
	{ "IMS older", HTTP_M_GET, { "If-Modified-Since", LM_OLDER, NULL }, 200, NULL, 1,
	  { 0, SIZE } },
	{ "IMS garbage", HTTP_M_GET, { "If-Modified-Since", "yesterday", NULL }, 200, NULL, 1,
	  { 0, SIZE } },
	{ "IMS ignored with INM", HTTP_M_GET,
	  { "If-None-Match", "\"other\"", "If-Modified-Since", LM, NULL }, 200, NULL, 1,
	  { 0, SIZE } },
	/* If-Match (strong comparison). */
	{ "IM match", HTTP_M_GET, { "If-Match", ETAG, NULL }, 200, NULL, 1, { 0, SIZE } },
	{ "IM star", HTTP_M_GET, { "If-Match", "*", NULL }, 200, NULL, 1, { 0, SIZE } },
	{ "IM mismatch", HTTP_M_GET, { "If-Match", "\"other\"", NULL }, 412, NULL, 0, { 0, 0 } },
	{ "IM weak", HTTP_M_GET, { "If-Match", "W/" ETAG, NULL }, 412, NULL, 0, { 0, 0 } },
	{ "IM malformed", HTTP_M_GET, { "If-Match", "2F88", NULL }, 412, NULL, 0, { 0, 0 } },
	{ "IM beats INM", HTTP_M_GET, { "If-Match", "\"other\"", "If-None-Match", ETAG, NULL },
	  412, NULL, 0, { 0, 0 } },
	/* If-Unmodified-Since. */
	{ "IUS older", HTTP_M_GET, { "If-Unmodified-Since", LM_OLDER, NULL }, 412, NULL, 0,
	  { 0, 0 } },
	{ "IUS equal", HTTP_M_GET, { "If-Unmodified-Since", LM, NULL }, 200, NULL, 1,
	  { 0, SIZE } },
	{ "IUS newer", HTTP_M_GET, { "If-Unmodified-Since", LM_NEWER, NULL }, 200, NULL, 1,
	  { 0, SIZE } },
	{ "IUS ignored with IM", HTTP_M_GET,
	  { "If-Match", ETAG, "If-Unmodified-Since", LM_OLDER, NULL }, 200, NULL, 1,
	  { 0, SIZE } },
	{ "IUS garbage", HTTP_M_GET, { "If-Unmodified-Since", "not a date", NULL }, 200, NULL, 1,
	  { 0, SIZE } },
};

static void test_file_table(void)
{
	char lm[HTTP_DATE_LEN];

	http_date_format(MTIME, lm);
	REQUIRE(strcmp(lm, LM) == 0);
	for (size_t i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
		const struct file_case *c = &file_cases[i];
		struct http_request req;
		struct http_response res;
		char v[256];
		int ok = 1;

		request(&req, c->method, c->hdrs);
		REQUIRE(serve(&res, &req, file_path, ETAG) == 0);
#define EXPECT_(cond)                                                                      \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "  case \"%s\": %s\n", c->name, #cond);              \
			ok = 0;                                                              \
		}                                                                            \
	} while (0)
		EXPECT_(res.status == c->status);
		/* Validators on every answer, 304 and 412 included. */
		EXPECT_(res_header(&res, "ETag", v, sizeof(v)) && strcmp(v, ETAG) == 0);
		EXPECT_(res_header(&res, "Last-Modified", v, sizeof(v)) && strcmp(v, LM) == 0);
		EXPECT_(res_header(&res, "Accept-Ranges", v, sizeof(v)) && strcmp(v, "bytes") == 0);
		if (c->content_range)
			EXPECT_(res_header(&res, "Content-Range", v, sizeof(v)) &&
				strcmp(v, c->content_range) == 0);
		else
			EXPECT_(!res_header(&res, "Content-Range", v, sizeof(v)));
		if (c->status == 200 || c->status == 206)
			EXPECT_(res_header(&res, "Content-Type", v, sizeof(v)) &&
				strcmp(v, CTYPE) == 0);
		EXPECT_(res.nparts == c->nparts);
		if (c->nparts == 1 && res.nparts == 1) {
			EXPECT_(res.parts[0].mem == NULL);
			EXPECT_(res.parts[0].off == c->part.off);
			EXPECT_(res.parts[0].len == c->part.len);
		}
		EXPECT_(res.body_len == (c->nparts ? c->part.len : 0));
		EXPECT_(evbuffer_get_length(res.body) == 0);
		EXPECT_(res.fd >= 0);
		/* Headers are whole lines. */
		EXPECT_(res.hlen >= 2 && memcmp(res.headers + res.hlen - 2, "\r\n", 2) == 0);
		EXPECT_(strlen(res.headers) == res.hlen);
#undef EXPECT_
		if (!ok) {
			fprintf(stderr, "  status %d nparts %zu body_len %llu headers:\n%s", res.status,
				res.nparts, (unsigned long long)res.body_len, res.headers);
			check_failed_now = 1;
		}
		http_res_release(&res);
		CHECK(res.fd == -1);
	}
}

/* The ETag derived from mtime and size when the caller has none. */
static void test_default_etag(void)
{
	struct http_request req;
	struct http_response res;
	char v[128], want[64];
	const char *hdrs[3] = { "If-None-Match", NULL, NULL };

	request(&req, HTTP_M_GET, NULL);
	REQUIRE(serve(&res, &req, file_path, NULL) == 0);
	snprintf(want, sizeof(want), "\"%llx-%x\"", (unsigned long long)MTIME, SIZE);
	CHECK(res_header(&res, "ETag", v, sizeof(v)));
	CHECK_STR(v, want);
	CHECK(res.status == 200);
	http_res_release(&res);

	/* It validates like any other. */
	hdrs[1] = want;
	request(&req, HTTP_M_GET, hdrs);
	REQUIRE(serve(&res, &req, file_path, NULL) == 0);
	CHECK(res.status == 304);
	http_res_release(&res);
}

/* Reads the whole answer: memory parts as they are, file parts from fd. */
static char *assemble(const struct http_response *res, size_t *len)
{
	char *out = malloc(res->body_len + 1);
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < res->nparts; i++) {
		const struct http_part *pt = &res->parts[i];

		if (pt->mem) {
			size_t n = evbuffer_get_length(pt->mem);
			unsigned char *m = evbuffer_pullup(pt->mem, -1);

			if (o + n > res->body_len || (n && m == NULL))
				goto fail;
			memcpy(out + o, m, n);
			o += n;
		} else {
			if (o + pt->len > res->body_len ||
			    pread(res->fd, out + o, (size_t)pt->len, (off_t)pt->off) !=
				    (ssize_t)pt->len)
				goto fail;
			o += (size_t)pt->len;
		}
	}
	out[o] = '\0';
	*len = o;
	return out;
fail:
	free(out);
	return NULL;
}

static void test_multipart(void)
{
	static const char *const hdrs[] = { "Range", "bytes=0-9,500-509,-5", NULL };
	struct http_request req;
	struct http_response res;
	char ctype[128], want[1024], fbuf[SIZE];
	const char *boundary;
	size_t len = 0, w = 0;
	uint64_t mem_total = 0, file_total = 0;
	char *body;
	static const struct part_want ranges[] = { { 0, 10 }, { 500, 10 }, { 995, 5 } };
	FILE *f;

	f = fopen(file_path, "rb");
	REQUIRE(f != NULL);
	REQUIRE(fread(fbuf, 1, SIZE, f) == SIZE);
	fclose(f);

	request(&req, HTTP_M_GET, hdrs);
	REQUIRE(serve(&res, &req, file_path, ETAG) == 0);
	CHECK(res.status == 206);
	CHECK(!res_header(&res, "Content-Range", ctype, sizeof(ctype)));
	REQUIRE(res_header(&res, "Content-Type", ctype, sizeof(ctype)));
	REQUIRE(strncmp(ctype, "multipart/byteranges; boundary=", 31) == 0);
	boundary = ctype + 31;
	CHECK(strlen(boundary) == 16);
	CHECK(strspn(boundary, "0123456789abcdefABCDEF") == 16);
	/* mem, file, mem, file, mem, file, closing mem */
	REQUIRE(res.nparts == 7);
	for (size_t i = 0; i < res.nparts; i++) {
		CHECK((res.parts[i].mem != NULL) == (i % 2 == 0));
		if (res.parts[i].mem)
			mem_total += evbuffer_get_length(res.parts[i].mem);
		else
			file_total += res.parts[i].len;
	}
	for (size_t i = 0; i < 3; i++) {
		CHECK(res.parts[2 * i + 1].off == ranges[i].off);
		CHECK(res.parts[2 * i + 1].len == ranges[i].len);
	}
	CHECK(file_total == 25);
	CHECK(res.body_len == mem_total + file_total);

	/* The exact bytes, built independently. */
	for (size_t i = 0; i < 3; i++) {
		w += (size_t)snprintf(want + w, sizeof(want) - w,
				      "%s--%s\r\nContent-Type: " CTYPE
				      "\r\nContent-Range: bytes %llu-%llu/%d\r\n\r\n",
				      i ? "\r\n" : "", boundary,
				      (unsigned long long)ranges[i].off,
				      (unsigned long long)(ranges[i].off + ranges[i].len - 1), SIZE);
		memcpy(want + w, fbuf + ranges[i].off, (size_t)ranges[i].len);
		w += (size_t)ranges[i].len;
	}
	w += (size_t)snprintf(want + w, sizeof(want) - w, "\r\n--%s--\r\n", boundary);
	body = assemble(&res, &len);
	REQUIRE(body != NULL);
	CHECK(len == res.body_len);
	CHECK(len == w);
	CHECK(memcmp(body, want, w < len ? w : len) == 0);
	if (len != w || memcmp(body, want, w < len ? w : len) != 0)
		fprintf(stderr, "  got:\n%s\n  want:\n%s\n", body, want);
	free(body);
	http_res_release(&res);

	/* A second answer gets another boundary. */
	{
		char ctype2[128];

		request(&req, HTTP_M_GET, hdrs);
		REQUIRE(serve(&res, &req, file_path, ETAG) == 0);
		REQUIRE(res_header(&res, "Content-Type", ctype2, sizeof(ctype2)));
		CHECK(strcmp(ctype, ctype2) != 0);
		http_res_release(&res);
	}
}

static void test_single_range_bytes(void)
{
	static const char *const hdrs[] = { "Range", "bytes=26-51", NULL };
	struct http_request req;
	struct http_response res;
	size_t len = 0;
	char *body;

	request(&req, HTTP_M_GET, hdrs);
	REQUIRE(serve(&res, &req, file_path, ETAG) == 0);
	CHECK(res.status == 206);
	body = assemble(&res, &len);
	REQUIRE(body != NULL);
	CHECK(len == 26);
	CHECK_STR(body, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	free(body);
	http_res_release(&res);
}

static void test_empty_file(void)
{
	static const char *const range[] = { "Range", "bytes=0-0", NULL };
	static const char *const suffix[] = { "Range", "bytes=-1", NULL };
	struct http_request req;
	struct http_response res;
	char v[64];

	request(&req, HTTP_M_GET, NULL);
	REQUIRE(serve(&res, &req, empty_path, NULL) == 0);
	CHECK(res.status == 200);
	CHECK(res.nparts == 0);
	CHECK(res.body_len == 0);
	http_res_release(&res);

	request(&req, HTTP_M_GET, range);
	REQUIRE(serve(&res, &req, empty_path, NULL) == 0);
	CHECK(res.status == 416);
	CHECK(res_header(&res, "Content-Range", v, sizeof(v)));
	CHECK_STR(v, "bytes */0");
	CHECK(res.nparts == 0);
	http_res_release(&res);

	request(&req, HTTP_M_GET, suffix);
	REQUIRE(serve(&res, &req, empty_path, NULL) == 0);
	CHECK(res.status == 416);
	http_res_release(&res);
}

/* ---- http_res_header ---- */

static void test_header_basic(void)
{
	struct http_response res;

	REQUIRE(http_res_init(&res) == 0);
	CHECK(res.status == 200);
	CHECK(res.fd == -1);
	CHECK(http_res_header(&res, "Content-Type", "%s", "text/xml; charset=utf-8") == 0);
	CHECK(http_res_header(&res, "X-Count", "%d", 42) == 0);
	CHECK_STR(res.headers, "Content-Type: text/xml; charset=utf-8\r\nX-Count: 42\r\n");
	CHECK(res.hlen == strlen(res.headers));
	CHECK(res.status == 200);
	http_res_release(&res);
}

static void test_header_injection(void)
{
	static const char *const bad[] = {
		"a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "\r\n", "trailing\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct http_response res;

		REQUIRE(http_res_init(&res) == 0);
		REQUIRE(http_res_header(&res, "X-Ok", "1") == 0);
		CHECK(http_res_header(&res, "X-Bad", "%s", bad[i]) == OW_ELIMIT);
		CHECK(res.status == 500);
		/* Nothing of the refused header is left. */
		CHECK_STR(res.headers, "X-Ok: 1\r\n");
		CHECK(res.hlen == 9);
		http_res_release(&res);
	}
}

static void test_header_overflow(void)
{
	struct http_response res;
	char value[100];
	size_t before = 0;
	int rc = 0, added = 0;

	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	REQUIRE(http_res_init(&res) == 0);
	/* "X-Fill: " + 99 + CRLF = 109 bytes a line. */
	while (rc == 0 && added < 1000) {
		before = res.hlen;
		rc = http_res_header(&res, "X-Fill", "%s", value);
		if (rc == 0)
			added++;
	}
	CHECK(rc == OW_ELIMIT);
	CHECK(res.status == 500);
	CHECK((size_t)added == (HTTP_RES_HEADER_BYTES - 1) / 109);
	CHECK(res.hlen == before);
	CHECK(res.hlen == (size_t)added * 109);
	CHECK(strlen(res.headers) == res.hlen);
	CHECK(res.hlen < HTTP_RES_HEADER_BYTES);
	http_res_release(&res);

	/* A value exactly filling the space (with CRLF and NUL) fits; one more
	 * byte does not. */
	for (int extra = 0; extra <= 1; extra++) {
		size_t vlen = HTTP_RES_HEADER_BYTES - strlen("X: ") - 3 + (size_t)extra;
		char *big = malloc(vlen + 1);

		REQUIRE(big != NULL);
		memset(big, 'b', vlen);
		big[vlen] = '\0';
		REQUIRE(http_res_init(&res) == 0);
		rc = http_res_header(&res, "X", "%s", big);
		CHECK(rc == (extra ? OW_ELIMIT : 0));
		CHECK(res.status == (extra ? 500 : 200));
		CHECK(res.hlen == (extra ? 0 : HTTP_RES_HEADER_BYTES - 1));
		CHECK(strlen(res.headers) == res.hlen);
		http_res_release(&res);
		free(big);
	}
}

static void test_status_text(void)
{
	CHECK_STR(http_status_text(206), "Partial Content");
	CHECK_STR(http_status_text(416), "Range Not Satisfiable");
	CHECK_STR(http_status_text(431), "Request Header Fields Too Large");
	CHECK_STR(http_status_text(599), "Unknown");
}

int main(void)
{
	scratch_init();
	RUN(test_file_table);
	RUN(test_default_etag);
	RUN(test_multipart);
	RUN(test_single_range_bytes);
	RUN(test_empty_file);
	RUN(test_header_basic);
	RUN(test_header_injection);
	RUN(test_header_overflow);
	RUN(test_status_text);
	scratch_free();
	return check_done();
}
