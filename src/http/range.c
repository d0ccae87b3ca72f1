/* SPDX-License-Identifier: MIT */
/*
 * Range and If-Range parsing (see range.h). Every byte is looked at once,
 * numbers saturate instead of overflowing, and the result is either a
 * bounded list of disjoint ranges in request order or a decision to ignore
 * the header; overlap is checked pairwise, which costs at most max^2/2
 * comparisons of a small max.
 */
#include "http/range.h"

#include <string.h>

#include "base/util.h"
#include "http/date.h"

/* A decimal number as written: its value saturated at UINT64_MAX, and its
 * significant digits (leading zeros skipped) for exact comparison. */
struct num {
	uint64_t v;
	const char *sig;
	size_t siglen;
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* 1*DIGIT at *p; returns 0 and advances *p, or -1 if there is no digit. */
static int take_num(const char **p, const char *end, struct num *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s == end || !is_digit(*s))
		return -1;
	while (s < end && *s == '0')
		s++;
	out->sig = s;
	for (; s < end && is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			v = UINT64_MAX;
		else
			v = v * 10 + d;
	}
	out->siglen = (size_t)(s - out->sig);
	out->v = v;
	*p = s;
	return 0;
}

/* a > b on the written numbers, exact even past 64 bits. */
static int num_greater(const struct num *a, const struct num *b)
{
	if (a->siglen != b->siglen)
		return a->siglen > b->siglen;
	return memcmp(a->sig, b->sig, a->siglen) > 0;
}

/*
 * range-spec at *p: "a-b", "a-" or "-s". Returns -1 on a syntax error, else
 * 1 with *r filled when the spec is satisfiable for size, 0 when not.
 */
static int take_spec(const char **p, const char *end, uint64_t size,
		     struct http_range *r)
{
	struct num first, last;

	if (**p == '-') {
		(*p)++;
		if (take_num(p, end, &last) < 0)
			return -1;
		if (size == 0 || last.v == 0)
			return 0;
		r->first = last.v >= size ? 0 : size - last.v;
		r->last = size - 1;
		return 1;
	}
	if (take_num(p, end, &first) < 0 || *p == end || **p != '-')
		return -1;
	(*p)++;
	if (*p < end && is_digit(**p)) {
		if (take_num(p, end, &last) < 0 || num_greater(&first, &last))
			return -1;
	} else {
		last.v = UINT64_MAX;
	}
	if (first.v >= size)
		return 0;
	r->first = first.v;
	r->last = last.v < size - 1 ? last.v : size - 1;
	return 1;
}

int http_range_parse(const char *value, size_t len, uint64_t size,
		     struct http_range *out, size_t max, size_t *n)
{
	const char *p = value, *end = value + len;
	size_t specs = 0, got = 0;

	*n = 0;
	while (p < end && is_ows(*p))
		p++;
	while (end > p && is_ows(end[-1]))
		end--;
	if (end - p < 6 || ow_strncasecmp(p, "bytes", 5) != 0 || p[5] != '=')
		return HTTP_RANGE_IGNORE;
	p += 6;

	/* range-set = [ spec ] *( OWS "," OWS [ spec ] ), one spec at least */
	for (;;) {
		if (p < end && (is_digit(*p) || *p == '-')) {
			struct http_range r;
			int rc;

			if (++specs > max)
				return HTTP_RANGE_IGNORE;
			rc = take_spec(&p, end, size, &r);
			if (rc < 0)
				return HTTP_RANGE_IGNORE;
			if (rc > 0)
				out[got++] = r;
		}
		while (p < end && is_ows(*p))
			p++;
		if (p == end)
			break;
		if (*p != ',')
			return HTTP_RANGE_IGNORE;
		p++;
		while (p < end && is_ows(*p))
			p++;
	}
	if (specs == 0)
		return HTTP_RANGE_IGNORE;
	if (got == 0)
		return HTTP_RANGE_UNSATISFIABLE;
	for (size_t i = 0; i < got; i++)
		for (size_t j = i + 1; j < got; j++)
			if (out[i].first <= out[j].last && out[j].first <= out[i].last)
				return HTTP_RANGE_IGNORE;
	*n = got;
	return HTTP_RANGE_OK;
}

/* entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; strong means no "W/".
 * etagc = %x21 / %x23-7E / obs-text */
static int strong_etag(const char *s)
{
	size_t len = strlen(s);

	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		return 0;
	for (size_t i = 1; i + 1 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c < 0x21 || c == 0x7f)
			return 0;
	}
	return 1;
}

int http_if_range_ok(const char *value, const char *etag, time_t last_modified)
{
	time_t t;

	if (value == NULL)
		return 0;
	if (value[0] == '"')
		return etag != NULL && strong_etag(value) &&
		       strcmp(value, etag) == 0;
	if (value[0] == 'W' && value[1] == '/')
		return 0;
	if (http_date_parse(value, &t) < 0)
		return 0;
	return t == last_modified;
}
