/* SPDX-License-Identifier: MIT */
/*
 * Response building and file answers. The file logic follows RFC 9110's
 * order of evaluation: If-Match, If-Unmodified-Since, If-None-Match,
 * If-Modified-Since, then Range guarded by If-Range.
 *
 *   HTTP/1.1 206 Partial Content
 *   Accept-Ranges: bytes
 *   ETag: "2F88DF42DA48AA980FB748D13BAA2DE49CD154AB"
 *   Content-Range: bytes 204472320-204745167/204745168
 *   Content-Length: 272848
 */
#include "http/response.h"

#include <event2/buffer.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "crypto/digest.h"
#include "http/date.h"
#include "http/range.h"

const char *http_status_text(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 417: return "Expectation Failed";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	}
	return "Unknown";
}

int http_res_init(struct http_response *res)
{
	memset(res, 0, sizeof(*res));
	res->status = 200;
	res->fd = -1;
	res->body = evbuffer_new();
	return res->body ? 0 : OW_ENOMEM;
}

void http_res_release(struct http_response *res)
{
	for (size_t i = 0; i < res->nparts; i++)
		if (res->parts[i].mem && res->parts[i].mem != res->body)
			evbuffer_free(res->parts[i].mem);
	if (res->body)
		evbuffer_free(res->body);
	if (res->fd >= 0)
		close(res->fd);
	res->body = NULL;
	res->fd = -1;
	res->nparts = 0;
}

void http_res_status(struct http_response *res, int status)
{
	res->status = status;
}

int http_res_header(struct http_response *res, const char *name, const char *fmt, ...)
{
	size_t room = sizeof(res->headers) - res->hlen;
	va_list ap;
	int n, m;

	n = snprintf(res->headers + res->hlen, room, "%s: ", name);
	if (n < 0 || (size_t)n >= room)
		goto full;
	va_start(ap, fmt);
	m = vsnprintf(res->headers + res->hlen + n, room - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)(n + m + 2) >= room)
		goto full;
	/* A value must never carry a line break (header injection). */
	for (int i = 0; i < m; i++) {
		char c = res->headers[res->hlen + (size_t)n + (size_t)i];

		if (c == '\r' || c == '\n')
			goto full;
	}
	memcpy(res->headers + res->hlen + n + m, "\r\n", 3);
	res->hlen += (size_t)(n + m + 2);
	return 0;
full:
	res->headers[res->hlen] = '\0';
	res->status = 500;
	return OW_ELIMIT;
}

int http_res_body(struct http_response *res, const void *data, size_t len)
{
	return evbuffer_add(res->body, data, len) == 0 ? 0 : OW_ENOMEM;
}

int http_res_printf(struct http_response *res, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = evbuffer_add_vprintf(res->body, fmt, ap);
	va_end(ap);
	return n < 0 ? OW_ENOMEM : 0;
}

void http_res_error(struct http_response *res, int status, const char *msg)
{
	/* Drop any part already added (a multipart answer that failed half
	 * way): an error page is the whole body. */
	for (size_t i = 0; i < res->nparts; i++)
		if (res->parts[i].mem && res->parts[i].mem != res->body)
			evbuffer_free(res->parts[i].mem);
	res->nparts = 0;
	res->body_len = 0;
	evbuffer_drain(res->body, evbuffer_get_length(res->body));
	res->hlen = 0;
	res->headers[0] = '\0';
	res->status = status;
	res->reason = msg;
	(void)http_res_header(res, "Content-Type", "text/plain; charset=utf-8");
	(void)http_res_printf(res, "%d %s: %s\n", status, http_status_text(status), msg);
}

/* Does the comma-separated entity-tag list match etag? "*" matches any.
 * Weak comparison ignores a W/ prefix; strong comparison never matches a
 * weak tag. */
static int etag_list_match(const char *list, const char *etag, int weak)
{
	const char *p = list;
	size_t elen = strlen(etag);

	while (*p) {
		const char *start, *end;
		int is_weak = 0;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/') {
			is_weak = 1;
			p += 2;
		}
		start = p;
		if (*p != '"')
			return 0; /* malformed list: no match */
		p++;
		while (*p && *p != '"')
			p++;
		if (*p != '"')
			return 0;
		p++;
		end = p;
		if ((weak || !is_weak) && (size_t)(end - start) == elen &&
		    memcmp(start, etag, elen) == 0)
			return 1;
	}
	return 0;
}

static void add_file_part(struct http_response *res, uint64_t off, uint64_t len)
{
	struct http_part *pt = &res->parts[res->nparts++];

	pt->mem = NULL;
	pt->off = off;
	pt->len = len;
	res->body_len += len;
}

static int add_mem_part(struct http_response *res, struct evbuffer *b)
{
	struct http_part *pt = &res->parts[res->nparts++];

	pt->mem = b;
	pt->off = pt->len = 0;
	res->body_len += evbuffer_get_length(b);
	return 0;
}

static void serve_multipart(struct http_response *res, const struct http_range *r, size_t n,
			    uint64_t size, const char *ctype)
{
	unsigned char rnd[8];
	char boundary[17];

	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		http_res_error(res, 500, "no randomness for a multipart boundary");
		return;
	}
	digest_hex(rnd, sizeof(rnd), boundary, 0);
	(void)http_res_header(res, "Content-Type", "multipart/byteranges; boundary=%s", boundary);
	for (size_t i = 0; i < n; i++) {
		struct evbuffer *b = evbuffer_new();

		if (b == NULL)
			goto nomem;
		evbuffer_add_printf(b, "%s--%s\r\nContent-Type: %s\r\n"
				    "Content-Range: bytes %llu-%llu/%llu\r\n\r\n",
				    i ? "\r\n" : "", boundary, ctype,
				    (unsigned long long)r[i].first, (unsigned long long)r[i].last,
				    (unsigned long long)size);
		add_mem_part(res, b);
		add_file_part(res, r[i].first, r[i].last - r[i].first + 1);
	}
	{
		struct evbuffer *b = evbuffer_new();

		if (b == NULL)
			goto nomem;
		evbuffer_add_printf(b, "\r\n--%s--\r\n", boundary);
		add_mem_part(res, b);
	}
	res->status = 206;
	return;
nomem:
	http_res_error(res, 503, "out of memory");
}

void http_res_file(const struct http_request *req, struct http_response *res, int fd,
		   const struct stat *st, const char *content_type, const char *etag)
{
	struct http_range ranges[OW_MAX_RANGES];
	char etag_buf[64], lm[32];
	const char *h, *range;
	uint64_t size = (uint64_t)st->st_size;
	time_t when;
	size_t n = 0;
	int rc;

	res->fd = fd;
	if (etag == NULL) {
		snprintf(etag_buf, sizeof(etag_buf), "\"%llx-%llx\"",
			 (unsigned long long)st->st_mtime, (unsigned long long)size);
		etag = etag_buf;
	}
	http_date_format(st->st_mtime, lm);
	(void)http_res_header(res, "Accept-Ranges", "bytes");
	(void)http_res_header(res, "ETag", "%s", etag);
	(void)http_res_header(res, "Last-Modified", "%s", lm);

	if ((h = http_header_get(req, "If-Match")) != NULL) {
		if (!etag_list_match(h, etag, 0)) {
			res->status = 412;
			return;
		}
	} else if ((h = http_header_get(req, "If-Unmodified-Since")) != NULL &&
		   http_date_parse(h, &when) == 0 && st->st_mtime > when) {
		res->status = 412;
		return;
	}
	if ((h = http_header_get(req, "If-None-Match")) != NULL) {
		if (etag_list_match(h, etag, 1)) {
			res->status = 304;
			return;
		}
	} else if ((h = http_header_get(req, "If-Modified-Since")) != NULL &&
		   http_date_parse(h, &when) == 0 && st->st_mtime <= when) {
		res->status = 304;
		return;
	}

	range = req->method == HTTP_M_GET ? http_header_get(req, "Range") : NULL;
	if (range != NULL && (h = http_header_get(req, "If-Range")) != NULL &&
	    !http_if_range_ok(h, etag, st->st_mtime))
		range = NULL;
	rc = range ? http_range_parse(range, strlen(range), size, ranges, OW_MAX_RANGES, &n)
		   : HTTP_RANGE_IGNORE;
	if (rc == HTTP_RANGE_UNSATISFIABLE) {
		res->status = 416;
		res->reason = "range not satisfiable";
		(void)http_res_header(res, "Content-Range", "bytes */%llu", (unsigned long long)size);
		return;
	}
	if (rc == HTTP_RANGE_OK && n > 1) {
		serve_multipart(res, ranges, n, size, content_type);
		return;
	}
	(void)http_res_header(res, "Content-Type", "%s", content_type);
	if (rc == HTTP_RANGE_OK) {
		res->status = 206;
		(void)http_res_header(res, "Content-Range", "bytes %llu-%llu/%llu",
				      (unsigned long long)ranges[0].first,
				      (unsigned long long)ranges[0].last,
				      (unsigned long long)size);
		add_file_part(res, ranges[0].first, ranges[0].last - ranges[0].first + 1);
		return;
	}
	res->status = 200;
	if (size > 0)
		add_file_part(res, 0, size);
}
