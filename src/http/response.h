/* SPDX-License-Identifier: MIT */
/*
 * A response under construction. Handlers set a status, add headers and
 * either append a body in memory or hand over a file with http_res_file,
 * which applies the conditional and Range rules (RFC 9110 §13, §14) that
 * BITS and Delivery Optimization rely on. The connection then writes the
 * head and streams the parts: memory buffers, and file ranges sent with
 * sendfile(2) on plain HTTP or read in OW_FILE_CHUNK steps under TLS.
 *
 * The response owns every buffer and the file descriptor given to it; they
 * are released by http_res_release after the last byte has been written.
 */
#ifndef OW_HTTP_RESPONSE_H
#define OW_HTTP_RESPONSE_H

#include <stdint.h>
#include <sys/stat.h>

#include "base/err.h"
#include "base/limits.h"
#include "http/request.h"

struct evbuffer;

/* Extra response headers a handler may add (names and values). */
#define HTTP_RES_HEADER_BYTES 2048

struct http_part {
	struct evbuffer *mem;   /* memory part, or NULL for a file range */
	uint64_t off, len;      /* file range */
};

struct http_response {
	int status;
	int close;                          /* send Connection: close */
	int head_only;                      /* HEAD: headers, no body */
	char headers[HTTP_RES_HEADER_BYTES];
	size_t hlen;
	struct evbuffer *body;              /* memory body (http_res_body) */
	int fd;                             /* file for file parts, or -1 */
	struct http_part parts[2 * OW_MAX_RANGES + 2];
	size_t nparts;
	uint64_t body_len;                  /* bytes of all parts */
	const char *reason;                 /* error detail for the access log */
};

int http_res_init(struct http_response *res);
void http_res_release(struct http_response *res);

void http_res_status(struct http_response *res, int status);

/* Adds "Name: value". Returns OW_ELIMIT when the header space is full (the
 * response then becomes a 500: a handler bug, not peer input). */
int http_res_header(struct http_response *res, const char *name, const char *fmt, ...)
	OW_PRINTF(3, 4);

/* Appends to the memory body. */
int http_res_body(struct http_response *res, const void *data, size_t len);
int http_res_printf(struct http_response *res, const char *fmt, ...) OW_PRINTF(2, 3);

/* A short text/plain error page: status, and msg as the body. */
void http_res_error(struct http_response *res, int status, const char *msg);

/* Serves the open file fd (ownership passes to res) described by st, as the
 * answer to req: 200, 206 (single or multipart/byteranges), 304, 412 or 416
 * with exact Content-Length, ETag, Last-Modified and Accept-Ranges. etag is
 * a quoted strong entity tag or NULL for one derived from size and mtime. */
void http_res_file(const struct http_request *req, struct http_response *res, int fd,
		   const struct stat *st, const char *content_type, const char *etag);

/* Reason phrase of a status code ("Partial Content"). */
const char *http_status_text(int status);

#endif
