/* SPDX-License-Identifier: MIT */
/*
 * Incremental HTTP/1.1 request parsing on top of llhttp, with openwsus's
 * limits. The request line and header pieces are copied into one fixed
 * buffer (head[]) so pointers into it stay valid for the whole request; the
 * body goes into a heap buffer that can grow up to OW_MAX_BODY_BYTES.
 *
 * The head limit is exact: while the head is incomplete llhttp never sees
 * more bytes than the limit allows, and it pauses at the end of the head so
 * the declared Content-Length can be refused before any body is read.
 *
 *   POST /ClientWebService/client.asmx HTTP/1.1
 *   Content-Type: text/xml; charset=utf-8
 *   SOAPAction: "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig"
 *   Content-Length: 512
 */
#include "http/request.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

enum { ST_HEAD, ST_BODY, ST_DONE, ST_ERROR };

static int fail(struct http_parser *p, int status, const char *reason)
{
	p->state = ST_ERROR;
	p->error_status = status;
	p->error_reason = reason;
	return -1;
}

static struct http_parser *from_ll(llhttp_t *ll)
{
	return (struct http_parser *)((char *)ll - offsetof(struct http_parser, ll));
}

/* Appends a piece of the URL or of a header to head[]. */
static int head_append(struct http_parser *p, const char *at, size_t len)
{
	/* head[] has room for the head bytes plus one NUL per string; the head
	 * limit is enforced in http_parser_feed, this guards the buffer. */
	if (len > sizeof(p->head) - 1 - p->head_used)
		return fail(p, 431, "request header fields too large");
	memcpy(p->head + p->head_used, at, len);
	p->head_used += len;
	return 0;
}

static int head_terminate(struct http_parser *p)
{
	if (p->head_used >= sizeof(p->head))
		return fail(p, 431, "request header fields too large");
	p->head[p->head_used++] = '\0';
	return 0;
}

static int on_message_begin(llhttp_t *ll)
{
	struct http_parser *p = from_ll(ll);

	(void)p;
	return 0;
}

static int on_url(llhttp_t *ll, const char *at, size_t len)
{
	return head_append(from_ll(ll), at, len);
}

static int on_url_complete(llhttp_t *ll)
{
	struct http_parser *p = from_ll(ll);
	size_t start = 0;

	if (head_terminate(p) < 0)
		return -1;
	p->req.target = p->head + start;
	return 0;
}

/* The header count is checked when a name is complete, not on its first
 * piece: llhttp hands over a piece as soon as a read ends, so a check on
 * pieces would answer 431 or 400 for the same bytes (a name with a bad
 * character after the 64th header) depending on how the network split them. */
static int on_header_field(llhttp_t *ll, const char *at, size_t len)
{
	struct http_parser *p = from_ll(ll);

	if (p->req.nheaders < OW_MAX_HEADERS && !p->in_value &&
	    p->req.headers[p->req.nheaders].name == NULL)
		p->req.headers[p->req.nheaders].name = p->head + p->head_used;
	return head_append(p, at, len);
}

/* RFC 9110 token characters: what a field name may contain. The llhttp
 * build Debian ships accepts spaces and an empty name; openwsus does not. */
static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int on_header_field_complete(llhttp_t *ll)
{
	struct http_parser *p = from_ll(ll);
	const char *name;

	if (p->req.nheaders >= OW_MAX_HEADERS)
		return fail(p, 431, "too many header fields");
	if (head_terminate(p) < 0)
		return -1;
	name = p->req.headers[p->req.nheaders].name;
	if (name == NULL || *name == '\0')
		return fail(p, 400, "empty header field name");
	for (const char *c = name; *c; c++)
		if (!is_tchar((unsigned char)*c))
			return fail(p, 400, "invalid character in a header field name");
	p->in_value = 1;
	p->req.headers[p->req.nheaders].value = p->head + p->head_used;
	return 0;
}

static int on_header_value(llhttp_t *ll, const char *at, size_t len)
{
	return head_append(from_ll(ll), at, len);
}

static int on_header_value_complete(llhttp_t *ll)
{
	struct http_parser *p = from_ll(ll);
	struct http_header *h;
	char *v, *end;

	if (head_terminate(p) < 0)
		return -1;
	h = &p->req.headers[p->req.nheaders];
	/* llhttp leaves trailing whitespace in the value: trim it. */
	v = (char *)h->value;
	end = p->head + p->head_used - 1;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	p->req.nheaders++;
	p->in_value = 0;
	if (p->req.nheaders < OW_MAX_HEADERS)
		p->req.headers[p->req.nheaders].name = NULL;
	return 0;
}

static enum http_method map_method(uint8_t m, const char **name)
{
	*name = llhttp_method_name((llhttp_method_t)m);
	switch (m) {
	case HTTP_GET: return HTTP_M_GET;
	case HTTP_HEAD: return HTTP_M_HEAD;
	case HTTP_POST: return HTTP_M_POST;
	case HTTP_OPTIONS: return HTTP_M_OPTIONS;
	}
	return HTTP_M_OTHER;
}

/* Splits target into path and query; with a query the path is a second copy
 * in head[]. Only origin-form targets ("/...") are served; "*" and
 * absolute-form are not. */
static int split_target(struct http_parser *p)
{
	char *t = (char *)p->req.target, *q;

	if (t == NULL || t[0] != '/')
		return fail(p, 400, "request target must start with '/'");
	/* Split in place: the '?' becomes the path's terminator, so no copy
	 * is made and the head limit holds exactly for any target. */
	q = strchr(t, '?');
	p->req.path = t;
	p->req.query = "";
	if (q != NULL) {
		*q = '\0';
		p->req.query = q + 1;
	}
	return 0;
}

static int on_headers_complete(llhttp_t *ll)
{
	struct http_parser *p = from_ll(ll);
	const char *expect;

	p->req.method = map_method(ll->method, &p->req.method_name);
	p->req.http_minor = ll->http_minor;
	p->req.keep_alive = llhttp_should_keep_alive(ll);
	if (ll->http_major != 1)
		return fail(p, 505, "HTTP version not supported");
	if (ll->upgrade || ll->method == HTTP_CONNECT)
		return fail(p, 501, "upgrade and CONNECT are not supported");
	if (split_target(p) < 0)
		return -1;
	if ((ll->flags & F_CONTENT_LENGTH) && ll->content_length > OW_MAX_BODY_BYTES)
		return fail(p, 413, "request body larger than the limit");
	expect = http_header_get(&p->req, "Expect");
	if (expect != NULL) {
		if (ow_strncasecmp(expect, "100-continue", 13) != 0)
			return fail(p, 417, "unsupported Expect value");
		p->req.expect_continue = (ll->flags & (F_CONTENT_LENGTH | F_CHUNKED)) != 0 &&
					 !((ll->flags & F_CONTENT_LENGTH) && ll->content_length == 0);
	}
	return HPE_PAUSED;
}

static int on_body(llhttp_t *ll, const char *at, size_t len)
{
	struct http_parser *p = from_ll(ll);
	size_t need;

	if (len > OW_MAX_BODY_BYTES - p->req.body_len)
		return fail(p, 413, "request body larger than the limit");
	need = p->req.body_len + len + 1;
	if (need > p->body_cap) {
		size_t cap = p->body_cap ? p->body_cap : 4096;
		char *nb;

		while (cap < need)
			cap *= 2;
		if (cap > OW_MAX_BODY_BYTES + 1)
			cap = OW_MAX_BODY_BYTES + 1;
		nb = realloc(p->req.body, cap);
		if (nb == NULL)
			return fail(p, 503, "out of memory");
		p->req.body = nb;
		p->body_cap = cap;
	}
	memcpy(p->req.body + p->req.body_len, at, len);
	p->req.body_len += len;
	p->req.body[p->req.body_len] = '\0';
	return 0;
}

/* A chunk announces its size first: refuse one that would cross the body
 * limit before any of its bytes are read. */
static int on_chunk_header(llhttp_t *ll)
{
	struct http_parser *p = from_ll(ll);

	if (ll->content_length > OW_MAX_BODY_BYTES - p->req.body_len)
		return fail(p, 413, "request body larger than the limit");
	return 0;
}

static int on_message_complete(llhttp_t *ll)
{
	struct http_parser *p = from_ll(ll);

	p->state = ST_DONE;
	return HPE_PAUSED;
}

static const llhttp_settings_t settings = {
	.on_message_begin = on_message_begin,
	.on_url = on_url,
	.on_url_complete = on_url_complete,
	.on_header_field = on_header_field,
	.on_header_field_complete = on_header_field_complete,
	.on_header_value = on_header_value,
	.on_header_value_complete = on_header_value_complete,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_chunk_header = on_chunk_header,
	.on_message_complete = on_message_complete,
};

static void reset_request(struct http_parser *p)
{
	char *body = p->req.body;

	memset(&p->req, 0, sizeof(p->req));
	p->req.body = body;
	if (body)
		body[0] = '\0';
	p->req.query = "";
	p->head_used = 0;
	p->head_bytes = 0;
	p->in_value = 0;
	p->state = ST_HEAD;
}

void http_parser_init(struct http_parser *p)
{
	memset(p, 0, sizeof(*p));
	llhttp_init(&p->ll, HTTP_REQUEST, &settings);
	reset_request(p);
}

void http_parser_release(struct http_parser *p)
{
	free(p->req.body);
	p->req.body = NULL;
	p->body_cap = 0;
}

void http_parser_next(struct http_parser *p)
{
	/* Bodies of a previous request are not kept across requests beyond
	 * one page, so a single large POST does not pin memory. */
	if (p->body_cap > 64 * 1024) {
		free(p->req.body);
		p->req.body = NULL;
		p->body_cap = 0;
	}
	reset_request(p);
	if (llhttp_get_errno(&p->ll) == HPE_PAUSED)
		llhttp_resume(&p->ll);
}

int http_parser_idle(const struct http_parser *p)
{
	return p->state == ST_HEAD && p->head_bytes == 0;
}

static int map_error(struct http_parser *p, llhttp_errno_t e)
{
	if (p->state == ST_ERROR)
		return HTTP_PARSE_ERROR; /* a callback already said why */
	switch (e) {
	case HPE_INVALID_METHOD:
		fail(p, 501, "unknown method");
		break;
	case HPE_INVALID_VERSION:
		fail(p, 505, "HTTP version not supported");
		break;
	case HPE_UNEXPECTED_CONTENT_LENGTH:
	case HPE_INVALID_TRANSFER_ENCODING:
	case HPE_INVALID_CONTENT_LENGTH:
		fail(p, 400, "conflicting or invalid message length");
		break;
	default:
		fail(p, 400, "malformed request");
		break;
	}
	return HTTP_PARSE_ERROR;
}

int http_parser_feed(struct http_parser *p, const char *data, size_t len, size_t *used)
{
	size_t total = 0;
	int resumed = 0;

	*used = 0;
	if (p->state == ST_ERROR)
		return HTTP_PARSE_ERROR;
	if (p->state == ST_DONE)
		return HTTP_PARSE_DONE;
	/* After the pause at the end of the head, llhttp must run once more
	 * even with no bytes left: a request without a body completes then. */
	while (len > 0 || resumed) {
		size_t chunk = len, n;
		llhttp_errno_t e;

		if (p->state == ST_HEAD) {
			size_t room = OW_MAX_HEADER_BYTES - p->head_bytes;

			if (room == 0) {
				fail(p, 431, "request header fields too large");
				*used = total;
				return HTTP_PARSE_ERROR;
			}
			if (chunk > room)
				chunk = room;
		}
		resumed = 0;
		e = llhttp_execute(&p->ll, data, chunk);
		n = chunk;
		if (e == HPE_PAUSED)
			n = (size_t)(llhttp_get_error_pos(&p->ll) - data);
		else if (e != HPE_OK) {
			*used = total;
			return map_error(p, e);
		}
		if (p->state == ST_HEAD)
			p->head_bytes += n;
		total += n;
		data += n;
		len -= n;
		*used = total;
		if (p->state == ST_ERROR)
			return HTTP_PARSE_ERROR;
		if (e == HPE_PAUSED) {
			if (p->state == ST_DONE)
				return HTTP_PARSE_DONE;
			/* Paused at the end of the head. */
			p->state = ST_BODY;
			llhttp_resume(&p->ll);
			if (p->req.expect_continue)
				return HTTP_PARSE_HEAD;
			resumed = 1;
			continue;
		}
		if (p->state == ST_HEAD && p->head_bytes >= OW_MAX_HEADER_BYTES) {
			fail(p, 431, "request header fields too large");
			return HTTP_PARSE_ERROR;
		}
	}
	return HTTP_PARSE_MORE;
}

const char *http_header_get(const struct http_request *req, const char *name)
{
	size_t n = strlen(name) + 1;

	for (size_t i = 0; i < req->nheaders; i++)
		if (req->headers[i].name && ow_strncasecmp(req->headers[i].name, name, n) == 0)
			return req->headers[i].value;
	return NULL;
}
