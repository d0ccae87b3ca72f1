/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the parsers that read request bytes before any file
 * is touched: Range, content names, HTTP dates. The first input byte picks
 * the parser (byte % 3: 0 Range, 1 date, 2 name; the seeds use 'r', 'd'
 * and 'n'); the rest is its input. Each result is checked against the
 * header's promises and abort() marks a broken one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "content/name.h"
#include "http/date.h"
#include "http/range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_range(const char *s, size_t len, uint64_t rep_size)
{
	struct http_range out[OW_MAX_RANGES];
	size_t n = 12345;
	int rc = http_range_parse(s, len, rep_size, out, OW_MAX_RANGES, &n);

	if (rc != HTTP_RANGE_OK) {
		if (rc != HTTP_RANGE_IGNORE && rc != HTTP_RANGE_UNSATISFIABLE)
			abort();
		if (n != 0)
			abort();
		return;
	}
	if (n < 1 || n > OW_MAX_RANGES)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (out[i].first > out[i].last || out[i].last >= rep_size)
			abort();
		for (size_t j = 0; j < i; j++)
			if (out[i].first <= out[j].last && out[j].first <= out[i].last)
				abort();
	}
}

static int is_upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static void check_name(const char *s, size_t len)
{
	struct content_name nm, again;
	char rel[CONTENT_RELPATH_MAX + 1];
	size_t rlen;

	if (content_name_parse(s, len, &nm) != 0)
		return;
	if (content_name_relpath(&nm, rel, sizeof(rel)) != 0)
		abort();
	rlen = strlen(rel);
	/* 2 hex + '/' + 40 hex + '.' + 1..OW_MAX_CONTENT_EXT of [a-z0-9] */
	if (rlen < 45 || rlen > CONTENT_RELPATH_MAX || rlen != len)
		abort();
	for (size_t i = 0; i < rlen; i++) {
		char c = rel[i];
		int ok;

		if (i == 2)
			ok = c == '/';
		else if (i == 43)
			ok = c == '.';
		else if (i < 43)
			ok = is_upper_hex(c);
		else
			ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!ok)
			abort();
	}
	if (rel[0] != rel[41] || rel[1] != rel[42])
		abort();
	/* Parsing only folds case: the input was this path. */
	if (ow_strncasecmp(rel, s, len) != 0 || memchr(s, '\0', len) != NULL)
		abort();
	if (content_name_parse(rel, rlen, &again) != 0 ||
	    memcmp(&again, &nm, sizeof(nm)) != 0)
		abort();
}

static void check_date(const uint8_t *p, size_t len)
{
	char *s = malloc(len + 1);
	char buf[HTTP_DATE_LEN];
	time_t t, t2;

	if (s == NULL)
		return;
	memcpy(s, p, len);
	s[len] = '\0';
	if (http_date_parse(s, &t) == 0) {
		http_date_format(t, buf);
		if (strlen(buf) != HTTP_DATE_LEN - 1)
			abort();
		if (http_date_parse(buf, &t2) != 0 || t2 != t)
			abort();
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;

	if (size < 1)
		return 0;
	s = (const char *)data + 1;
	size--;
	switch (data[0] % 3) {
	case 0:
		check_range(s, size, 0);
		check_range(s, size, 1);
		check_range(s, size, 918944);
		check_range(s, size, UINT64_MAX);
		break;
	case 1:
		check_date(data + 1, size);
		break;
	case 2:
		check_name(s, size);
		break;
	}
	return 0;
}
