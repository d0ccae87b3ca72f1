/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the request parser (http/request.h over llhttp).
 * The input is the byte stream of one connection. It is parsed twice: fed
 * whole, and fed in pieces whose sizes come from a generator seeded by the
 * first and last bytes and the length (one byte at a time, small pieces or
 * large ones). Every request the parser completes is checked against the
 * header's promises (origin-form path, header count, strings NUL-terminated
 * inside head[], body within OW_MAX_BODY_BYTES), then http_parser_next and
 * the rest of the stream follow, as on a keep-alive connection. An error
 * must carry a 4xx/5xx status and end the stream. Both runs must see the
 * same requests and the same outcome: how the network splits the bytes
 * must not change what is parsed.
 * abort() marks a broken promise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "http/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REQS 64

struct run {
	uint64_t hash[MAX_REQS];    /* one per completed request */
	size_t nreq;
	int outcome;                /* last result: MORE or ERROR */
	int status;                 /* error_status on ERROR */
	size_t consumed;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s, strlen(s) + 1);
}

/* s points into head[] and its NUL is inside head[]. */
static void check_in_head(const struct http_parser *p, const char *s)
{
	const char *lo = p->head, *hi = p->head + sizeof(p->head);

	if (s == NULL || s < lo || s >= hi)
		abort();
	if (memchr(s, '\0', (size_t)(hi - s)) == NULL)
		abort();
}

static void check_no_break(const char *s)
{
	if (strpbrk(s, "\r\n") != NULL)
		abort();
}

/* The promises of a request the parser has returned (HEAD or DONE). */
static void check_request(const struct http_parser *p, int done)
{
	const struct http_request *r = &p->req;

	if (p->head_used > sizeof(p->head))
		abort();
	if (r->method_name == NULL)
		abort();
	check_in_head(p, r->target);
	check_in_head(p, r->path);
	if (r->path[0] != '/' || r->target[0] != '/')
		abort();
	check_no_break(r->target);
	if (r->query == NULL)
		abort();
	if (r->query[0] != '\0')
		check_in_head(p, r->query);
	/* The split is made in place: target and path are the same string
	 * and a query starts just after the path's terminator. */
	{
		size_t pl = strlen(r->path);

		if (r->target != r->path)
			abort();
		if (r->query[0] != '\0' && r->query != r->path + pl + 1)
			abort();
	}
	if (r->nheaders > OW_MAX_HEADERS)
		abort();
	for (size_t i = 0; i < r->nheaders; i++) {
		check_in_head(p, r->headers[i].name);
		check_in_head(p, r->headers[i].value);
		check_no_break(r->headers[i].name);
		check_no_break(r->headers[i].value);
		/* Values are trimmed. */
		{
			size_t vl = strlen(r->headers[i].value);

			if (vl && (r->headers[i].value[vl - 1] == ' ' ||
				   r->headers[i].value[vl - 1] == '\t'))
				abort();
		}
		if (http_header_get(r, r->headers[i].name) == NULL)
			abort();
	}
	if (r->http_minor != 0 && r->http_minor != 1)
		abort();
	if (r->body_len > OW_MAX_BODY_BYTES)
		abort();
	if (r->body_len > 0 && (r->body == NULL || r->body[r->body_len] != '\0'))
		abort();
	if (!done && (!r->expect_continue || r->body_len != 0))
		abort(); /* HEAD only to ask for 100 Continue, before any body */
}

static uint64_t request_hash(const struct http_request *r)
{
	uint64_t h = 0xcbf29ce484222325ull;
	int nums[5] = { (int)r->method, r->http_minor, r->keep_alive, r->expect_continue,
			(int)r->nheaders };

	h = fnv(h, nums, sizeof(nums));
	h = fnv_str(h, r->method_name);
	h = fnv_str(h, r->target);
	h = fnv_str(h, r->path);
	h = fnv_str(h, r->query);
	for (size_t i = 0; i < r->nheaders; i++) {
		h = fnv_str(h, r->headers[i].name);
		h = fnv_str(h, r->headers[i].value);
	}
	h = fnv(h, &r->body_len, sizeof(r->body_len));
	if (r->body_len)
		h = fnv(h, r->body, r->body_len);
	return h;
}

struct splitter {
	int mode;           /* 0 whole, 1 one byte, 2 small pieces, 3 large pieces */
	uint64_t state;
};

static size_t next_piece(struct splitter *s, size_t left)
{
	size_t n;

	s->state ^= s->state << 13;
	s->state ^= s->state >> 7;
	s->state ^= s->state << 17;
	switch (s->mode) {
	case 0: n = left; break;
	case 1: n = 1; break;
	case 2: n = 1 + (size_t)(s->state % 16); break;
	default: n = 1 + (size_t)(s->state % 4096); break;
	}
	return n < left ? n : left;
}

static void parse(const uint8_t *data, size_t size, struct splitter *sp, struct run *out)
{
	struct http_parser *p = malloc(sizeof(*p));
	size_t off = 0;
	int stalled = 0;

	if (p == NULL)
		abort();
	memset(out, 0, sizeof(*out));
	out->outcome = HTTP_PARSE_MORE;
	http_parser_init(p);
	if (!http_parser_idle(p))
		abort();
	while (off < size) {
		size_t want = next_piece(sp, size - off), used = (size_t)-1;
		int rc = http_parser_feed(p, (const char *)data + off, want, &used);

		if (used > want)
			abort();
		off += used;
		/* Every call either takes bytes or reports an event. */
		stalled = used == 0 ? stalled + 1 : 0;
		if (stalled > 2)
			abort();
		switch (rc) {
		case HTTP_PARSE_MORE:
			if (used != want)
				abort();
			break;
		case HTTP_PARSE_HEAD:
			check_request(p, 0);
			break;
		case HTTP_PARSE_DONE:
			check_request(p, 1);
			if (out->nreq < MAX_REQS)
				out->hash[out->nreq] = request_hash(&p->req);
			out->nreq++;
			http_parser_next(p);
			if (!http_parser_idle(p) || p->req.nheaders != 0 || p->req.body_len != 0)
				abort();
			break;
		case HTTP_PARSE_ERROR:
			if (p->error_status < 400 || p->error_status > 599 || p->error_reason == NULL)
				abort();
			/* Sticky: nothing more is taken. */
			if (http_parser_feed(p, "GET / HTTP/1.1\r\n\r\n", 18, &used) !=
				    HTTP_PARSE_ERROR ||
			    used != 0)
				abort();
			out->outcome = HTTP_PARSE_ERROR;
			out->status = p->error_status;
			goto done;
		default:
			abort();
		}
	}
done:
	out->consumed = off;
	http_parser_release(p);
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run whole, split;
	struct splitter sw = { 0, 1 }, ss;

	if (size == 0)
		return 0;
	ss.state = 0x9E3779B97F4A7C15ull ^ ((uint64_t)data[0] << 8) ^ data[size - 1] ^
		   ((uint64_t)size << 16);
	ss.mode = 1 + (int)((data[0] ^ data[size - 1] ^ size) % 3);
	parse(data, size, &sw, &whole);
	parse(data, size, &ss, &split);
	/* (After an error, consumed counts only the pieces before the failing
	 * one, so it is compared on success only.) */
	if (whole.nreq != split.nreq || whole.outcome != split.outcome ||
	    whole.status != split.status ||
	    (whole.outcome == HTTP_PARSE_MORE && (whole.consumed != size || split.consumed != size)))
		abort();
	for (size_t i = 0; i < whole.nreq && i < MAX_REQS; i++)
		if (whole.hash[i] != split.hash[i])
			abort();
	return 0;
}
