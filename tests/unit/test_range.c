/* SPDX-License-Identifier: MIT */
/*
 * Range and If-Range parsing. The table holds the requests real clients
 * send (Delivery Optimization's 1 MiB pieces of a 195 MiB file), then every
 * rule of range.h: suffix, open end, clamping, order, overlap, limits,
 * whitespace and garbage.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "check.h"
#include "http/date.h"
#include "http/range.h"

#define BIG 204745168u	/* a real cumulative update, in bytes */

struct range_case {
	const char *value;
	uint64_t size;
	int rc;
	size_t n;
	struct http_range want[3];
};

static const struct range_case cases[] = {
	/* Delivery Optimization, as captured. */
	{ "bytes=0-918943", 918944, HTTP_RANGE_OK, 1, { { 0, 918943 } } },
	{ "bytes=0-1048575", BIG, HTTP_RANGE_OK, 1, { { 0, 1048575 } } },
	{ "bytes=102760448-103809023", BIG, HTTP_RANGE_OK, 1,
	  { { 102760448, 103809023 } } },
	{ "bytes=204472320-204745167", BIG, HTTP_RANGE_OK, 1,
	  { { 204472320, 204745167 } } },

	/* Suffix. */
	{ "bytes=-500", 10000, HTTP_RANGE_OK, 1, { { 9500, 9999 } } },
	{ "bytes=-10000", 10000, HTTP_RANGE_OK, 1, { { 0, 9999 } } },
	{ "bytes=-20000", 10000, HTTP_RANGE_OK, 1, { { 0, 9999 } } },
	{ "bytes=-1", 1, HTTP_RANGE_OK, 1, { { 0, 0 } } },
	{ "bytes=-0", 10000, HTTP_RANGE_UNSATISFIABLE, 0, { { 0, 0 } } },

	/* Open end. */
	{ "bytes=9500-", 10000, HTTP_RANGE_OK, 1, { { 9500, 9999 } } },
	{ "bytes=0-", 1, HTTP_RANGE_OK, 1, { { 0, 0 } } },
	{ "bytes=9999-", 10000, HTTP_RANGE_OK, 1, { { 9999, 9999 } } },

	/* Last position past the end is clamped. */
	{ "bytes=50-1000", 100, HTTP_RANGE_OK, 1, { { 50, 99 } } },
	{ "bytes=0-99999999999999999999", 100, HTTP_RANGE_OK, 1, { { 0, 99 } } },
	{ "bytes=0-99999999999999999999999999999999999999", BIG, HTTP_RANGE_OK,
	  1, { { 0, BIG - 1 } } },

	/* Several ranges, kept in request order; adjacent is not overlap. */
	{ "bytes=0-0,-1", 10000, HTTP_RANGE_OK, 2, { { 0, 0 }, { 9999, 9999 } } },
	{ "bytes=9000-9099,0-99", 10000, HTTP_RANGE_OK, 2,
	  { { 9000, 9099 }, { 0, 99 } } },
	{ "bytes=500-600,601-999,1000-", 1001, HTTP_RANGE_OK, 3,
	  { { 500, 600 }, { 601, 999 }, { 1000, 1000 } } },

	/* Overlap: the whole file. */
	{ "bytes=0-100,50-150", 10000, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=5-5,5-5", 10000, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=0-,0-", 10000, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=-100,9950-9960", 10000, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=0-10,20-30,5-25", 10000, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	/* Overlap only after clamping counts too. */
	{ "bytes=90-1000,95-96", 100, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },

	/* Unsatisfiable specs are dropped; none left: 416. */
	{ "bytes=5-", 5, HTTP_RANGE_UNSATISFIABLE, 0, { { 0, 0 } } },
	{ "bytes=10-20", 5, HTTP_RANGE_UNSATISFIABLE, 0, { { 0, 0 } } },
	{ "bytes=5-,10-,-0", 5, HTTP_RANGE_UNSATISFIABLE, 0, { { 0, 0 } } },
	{ "bytes=5-,0-0", 5, HTTP_RANGE_OK, 1, { { 0, 0 } } },
	{ "bytes=918944-", 918944, HTTP_RANGE_UNSATISFIABLE, 0, { { 0, 0 } } },

	/* Size 0: nothing is satisfiable. */
	{ "bytes=0-0", 0, HTTP_RANGE_UNSATISFIABLE, 0, { { 0, 0 } } },
	{ "bytes=0-", 0, HTTP_RANGE_UNSATISFIABLE, 0, { { 0, 0 } } },
	{ "bytes=-5", 0, HTTP_RANGE_UNSATISFIABLE, 0, { { 0, 0 } } },

	/* Huge numbers. */
	{ "bytes=18446744073709551614-", UINT64_MAX, HTTP_RANGE_OK, 1,
	  { { UINT64_MAX - 1, UINT64_MAX - 1 } } },
	{ "bytes=18446744073709551615-", UINT64_MAX, HTTP_RANGE_UNSATISFIABLE, 0,
	  { { 0, 0 } } },
	{ "bytes=-18446744073709551615", UINT64_MAX, HTTP_RANGE_OK, 1,
	  { { 0, UINT64_MAX - 1 } } },
	{ "bytes=99999999999999999999-", UINT64_MAX, HTTP_RANGE_UNSATISFIABLE, 0,
	  { { 0, 0 } } },
	{ "bytes=18446744073709551616-18446744073709551617", UINT64_MAX,
	  HTTP_RANGE_UNSATISFIABLE, 0, { { 0, 0 } } },
	{ "bytes=-99999999999999999999999", 10, HTTP_RANGE_OK, 1, { { 0, 9 } } },
	{ "bytes=0000000000000000000000001-0000000000000000000000000002", 10,
	  HTTP_RANGE_OK, 1, { { 1, 2 } } },
	/* a > b even though both are past 64 bits: invalid, not clamped. */
	{ "bytes=99999999999999999999-5", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=99999999999999999999-99999999999999999998", 10,
	  HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },

	/* The unit is case-insensitive; nothing else is. */
	{ "BYTES=0-1", 10, HTTP_RANGE_OK, 1, { { 0, 1 } } },
	{ "Bytes=0-1", 10, HTTP_RANGE_OK, 1, { { 0, 1 } } },
	{ "items=0-1", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytesx=0-1", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "byte=0-1", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },

	/* Whitespace: around commas and the whole value, not around '='. */
	{ "bytes=0-1 , 3-4", 10, HTTP_RANGE_OK, 2, { { 0, 1 }, { 3, 4 } } },
	{ "bytes=0-1,\t3-4", 10, HTTP_RANGE_OK, 2, { { 0, 1 }, { 3, 4 } } },
	{ " bytes=0-1 ", 10, HTTP_RANGE_OK, 1, { { 0, 1 } } },
	{ "bytes =0-1", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes= 0-1", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=0 -1", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=0- 1", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=- 1", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=0-1 2-3", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=0-1\r\n", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },

	/* Empty list elements (the #rule). */
	{ "bytes=0-1,,3-4", 10, HTTP_RANGE_OK, 2, { { 0, 1 }, { 3, 4 } } },
	{ "bytes=,0-1,", 10, HTTP_RANGE_OK, 1, { { 0, 1 } } },
	{ "bytes=0-1, ,3-4", 10, HTTP_RANGE_OK, 2, { { 0, 1 }, { 3, 4 } } },
	/* "[ element ] *( OWS "," ...)": an empty first element, then OWS. */
	{ "bytes= ,0-1", 10, HTTP_RANGE_OK, 1, { { 0, 1 } } },

	/* Garbage. */
	{ "", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=,", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=, ,", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes 0-1", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=abc", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=5-4", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=1-2-3", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=5", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=-", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=--1", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=+1-2", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=0x10-20", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=0-1;", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=0-1a", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=1.5-2", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	/* One bad spec spoils the set, even with good ones around it. */
	{ "bytes=0-1,x,3-4", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=0-1,4-3", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
	{ "bytes=50-60,4-3", 10, HTTP_RANGE_IGNORE, 0, { { 0, 0 } } },
};

static void test_table(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct range_case *c = &cases[i];
		struct http_range out[OW_MAX_RANGES];
		size_t n = 99;
		int rc;

		rc = http_range_parse(c->value, strlen(c->value), c->size, out,
				      OW_MAX_RANGES, &n);
		if (rc != c->rc || n != c->n) {
			fprintf(stderr, "  case %zu \"%s\" size %llu: rc %d n %zu,"
				" want rc %d n %zu\n", i, c->value,
				(unsigned long long)c->size, rc, n, c->rc, c->n);
			CHECK(0);
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			if (out[k].first != c->want[k].first ||
			    out[k].last != c->want[k].last) {
				fprintf(stderr, "  case %zu \"%s\": range %zu is "
					"%llu-%llu, want %llu-%llu\n", i, c->value, k,
					(unsigned long long)out[k].first,
					(unsigned long long)out[k].last,
					(unsigned long long)c->want[k].first,
					(unsigned long long)c->want[k].last);
				CHECK(0);
			}
		}
	}
}

/* Builds "bytes=0-0,2-2,4-4,..." with count disjoint specs. */
static void many_specs(char *buf, size_t len, size_t count)
{
	size_t off = (size_t)snprintf(buf, len, "bytes=");

	for (size_t i = 0; i < count && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%zu-%zu",
					i ? "," : "", 2 * i, 2 * i);
}

static void test_max_ranges(void)
{
	struct http_range out[OW_MAX_RANGES];
	char buf[4096];
	size_t n = 0;

	many_specs(buf, sizeof(buf), OW_MAX_RANGES);
	CHECK(http_range_parse(buf, strlen(buf), 1000, out, OW_MAX_RANGES, &n) ==
	      HTTP_RANGE_OK);
	CHECK(n == OW_MAX_RANGES);
	CHECK(out[OW_MAX_RANGES - 1].first == 2 * (OW_MAX_RANGES - 1));

	/* One more: the whole file, as nginx's max_ranges, not 416. */
	many_specs(buf, sizeof(buf), OW_MAX_RANGES + 1);
	CHECK(http_range_parse(buf, strlen(buf), 1000, out, OW_MAX_RANGES, &n) ==
	      HTTP_RANGE_IGNORE);
	CHECK(n == 0);

	/* Unsatisfiable specs count towards the limit too. */
	many_specs(buf, sizeof(buf), OW_MAX_RANGES + 1);
	CHECK(http_range_parse(buf, strlen(buf), 1, out, OW_MAX_RANGES, &n) ==
	      HTTP_RANGE_IGNORE);

	/* Empty elements do not. */
	CHECK(http_range_parse("bytes=0-0,,,,,,,,,,,,,,,,,,,,,,,,,,,,2-2", 40, 10,
			       out, 2, &n) == HTTP_RANGE_OK);
	CHECK(n == 2);

	/* max 1 and max 0. */
	CHECK(http_range_parse("bytes=0-0,2-2", 13, 10, out, 1, &n) ==
	      HTTP_RANGE_IGNORE);
	CHECK(http_range_parse("bytes=0-0", 9, 10, NULL, 0, &n) == HTTP_RANGE_IGNORE);
}

/* The value is len bytes, not a C string. */
static void test_length(void)
{
	struct http_range out[OW_MAX_RANGES];
	static const char nul[] = "bytes=0-1\0,3-4";
	size_t n = 0;

	CHECK(http_range_parse("bytes=0-10xyz", 9, 100, out, OW_MAX_RANGES, &n) ==
	      HTTP_RANGE_OK);
	CHECK(n == 1 && out[0].first == 0 && out[0].last == 1);
	CHECK(http_range_parse(nul, sizeof(nul) - 1, 100, out, OW_MAX_RANGES, &n) ==
	      HTTP_RANGE_IGNORE);
	CHECK(http_range_parse("bytes=", 0, 100, out, OW_MAX_RANGES, &n) ==
	      HTTP_RANGE_IGNORE);
	CHECK(http_range_parse("bytes=0-", 7, 100, out, OW_MAX_RANGES, &n) ==
	      HTTP_RANGE_IGNORE);
}

/* An HTTP date's meaning is the same whichever form carries it. */
static void test_if_range(void)
{
	const time_t lm = 784111777;	/* Sun, 06 Nov 1994 08:49:37 GMT */
	const char *etag = "\"2f88df42-1a2b\"";

	CHECK(http_if_range_ok("\"2f88df42-1a2b\"", etag, lm) == 1);
	CHECK(http_if_range_ok("\"2f88df42-1a2c\"", etag, lm) == 0);
	CHECK(http_if_range_ok("\"2f88df42-1a2b\"", NULL, lm) == 0);
	CHECK(http_if_range_ok("W/\"2f88df42-1a2b\"", etag, lm) == 0);
	CHECK(http_if_range_ok("W/\"2f88df42-1a2b\"", "W/\"2f88df42-1a2b\"", lm) == 0);
	CHECK(http_if_range_ok("\"2f88df42-1a2b\"", "W/\"2f88df42-1a2b\"", lm) == 0);
	CHECK(http_if_range_ok("\"2f88df42-1a2b\" ", etag, lm) == 0);
	CHECK(http_if_range_ok("\"2f88df42", "\"2f88df42", lm) == 0);
	CHECK(http_if_range_ok("\"a\"b\"", "\"a\"b\"", lm) == 0);
	CHECK(http_if_range_ok("\"\"", "\"\"", lm) == 1);

	CHECK(http_if_range_ok("Sun, 06 Nov 1994 08:49:37 GMT", etag, lm) == 1);
	CHECK(http_if_range_ok("Sunday, 06-Nov-94 08:49:37 GMT", etag, lm) == 1);
	CHECK(http_if_range_ok("Sun Nov  6 08:49:37 1994", etag, lm) == 1);
	CHECK(http_if_range_ok("Sun, 06 Nov 1994 08:49:38 GMT", etag, lm) == 0);
	CHECK(http_if_range_ok("Sun, 06 Nov 1994 08:49:37 GMT", etag, lm + 1) == 0);
	CHECK(http_if_range_ok("06 Nov 1994", etag, lm) == 0);
	CHECK(http_if_range_ok("", etag, lm) == 0);
	CHECK(http_if_range_ok("W/", etag, lm) == 0);
	CHECK(http_if_range_ok(NULL, etag, lm) == 0);
}

int main(void)
{
	RUN(test_table);
	RUN(test_max_ranges);
	RUN(test_length);
	RUN(test_if_range);
	return check_done();
}
