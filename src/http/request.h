/* SPDX-License-Identifier: MIT */
/*
 * One parsed HTTP/1.1 request and the incremental parser that fills it from
 * bytes as they arrive (llhttp underneath). The parser enforces the head and
 * body limits of base/limits.h where the bytes arrive, so a handler never
 * sees a request larger than those limits.
 *
 * Life cycle: http_parser_init once per connection; http_parser_feed until it
 * returns HTTP_PARSE_DONE (a whole request is in ->req) or HTTP_PARSE_ERROR
 * (->error_status says which 4xx to answer, then close); after the response,
 * http_parser_next for the following keep-alive request; http_parser_release.
 */
#ifndef OW_HTTP_REQUEST_H
#define OW_HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "llhttp.h"

enum http_method {
	HTTP_M_OTHER = 0,
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_POST,
	HTTP_M_OPTIONS,
};

struct http_header {
	const char *name;   /* NUL-terminated, as received */
	const char *value;  /* NUL-terminated, surrounding spaces trimmed */
};

struct http_request {
	enum http_method method;
	const char *method_name;    /* "GET", ... (static storage) */
	const char *target;         /* request-target up to '?' (the '?' is cut) */
	const char *path;           /* the same as target: the path part */
	const char *query;          /* after '?', or "" */
	struct http_header headers[OW_MAX_HEADERS];
	size_t nheaders;
	char *body;                 /* NUL-terminated; owned by the parser */
	size_t body_len;
	int http_minor;             /* 0 or 1 (major is always 1) */
	int keep_alive;             /* the peer allows reuse of the connection */
	int expect_continue;        /* "Expect: 100-continue" with a body due */

	/* Filled by the connection, not the parser. */
	int tls;                    /* arrived on the HTTPS listener */
	int port;                   /* local port it arrived on */
	const char *peer;           /* "addr:port" of the client */
	const char *peer_subject;   /* verified client certificate subject, or "" */
	const char *subpath;        /* path after the matched virtual root */
};

enum {
	HTTP_PARSE_MORE = 0,    /* all input consumed; need more bytes */
	HTTP_PARSE_HEAD = 1,    /* headers complete, body still due (check expect_continue) */
	HTTP_PARSE_DONE = 2,    /* a whole request is ready */
	HTTP_PARSE_ERROR = 3,   /* error_status/error_reason say why */
};

struct http_parser {
	llhttp_t ll;
	int state;                  /* internal: head, body, done, error */
	size_t head_bytes;          /* bytes of the current request's head */
	size_t head_used;           /* bytes used in head[] */
	int error_status;           /* 400, 408, 413, 431, 501 ... */
	const char *error_reason;   /* static text for logs and the error body */
	int in_value;               /* last header piece was a value */
	size_t body_cap;
	struct http_request req;
	char head[OW_MAX_HEADER_BYTES + OW_MAX_HEADERS * 2 + 8];
};

void http_parser_init(struct http_parser *p);
void http_parser_release(struct http_parser *p);

/* Feeds len bytes. *used is how many were consumed; bytes after a complete
 * request stay with the caller for the next request (pipelining). Returns
 * one of HTTP_PARSE_*. After HTTP_PARSE_HEAD the caller feeds again (the
 * remaining bytes, possibly none). */
int http_parser_feed(struct http_parser *p, const char *data, size_t len, size_t *used);

/* True when no byte of a next request has been seen yet. */
int http_parser_idle(const struct http_parser *p);

/* Resets for the next request on the same connection. */
void http_parser_next(struct http_parser *p);

/* Value of the first header called name (case-insensitive) or NULL. */
const char *http_header_get(const struct http_request *req, const char *name);

#endif
