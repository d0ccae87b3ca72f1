/* SPDX-License-Identifier: MIT */
/*
 * Byte ranges (RFC 9110 section 14) of one representation of a known size,
 * as Delivery Optimization and BITS ask for update files:
 *
 *   Range: bytes=0-1048575
 *   Content-Range: bytes 0-1048575/204745168
 *
 * The parser decides only which bytes to send; the caller writes the status
 * and headers. Anything doubtful degrades to the whole file (200), never to
 * an error, because a 200 is always a correct answer to a Range request.
 */
#ifndef OW_HTTP_RANGE_H
#define OW_HTTP_RANGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* One satisfiable range: bytes first..last inclusive, first <= last < size. */
struct http_range {
	uint64_t first, last;
};

/* Results of http_range_parse (not OW_E* codes: none of them is an error). */
enum {
	HTTP_RANGE_OK = 0,            /* send 206 with the *n ranges in out */
	HTTP_RANGE_IGNORE = 1,        /* send 200 with the whole representation */
	HTTP_RANGE_UNSATISFIABLE = 2, /* send 416 and the unsatisfied-range form of
					 * Content-Range: "bytes *", "/", size */
};

/*
 * Parses the Range field value at value (len bytes, need not be
 * NUL-terminated) for a representation of size bytes; out has room for max
 * entries (OW_MAX_RANGES at call sites).
 *
 * Grammar: "bytes" (any case) "=" range-set, with no whitespace around "=";
 * a range-spec is "a-b", "a-" or "-suffix" of digits only; specs are
 * separated by commas with optional SP/HTAB around them, and empty list
 * elements ("0-1,,2-3") are skipped. Leading and trailing whitespace of the
 * whole value is ignored. Digit strings of any length are accepted: a first
 * position too large for 64 bits is beyond the end, a last position or
 * suffix too large is clamped.
 *
 * Returns HTTP_RANGE_IGNORE when the unit is not bytes, the syntax is
 * invalid (including a-b with a > b, and a set with no spec), there are
 * more than max specs (as nginx's max_ranges: the whole file, not 416), or
 * two satisfiable ranges overlap (a request for the same bytes many times
 * over is an amplification attack, never a real client).
 *
 * Otherwise each spec is resolved against size: a-b gives a..min(b, size-1),
 * a- gives a..size-1, -s gives the last s bytes (the whole file when
 * s >= size); a spec with a >= size, a suffix of 0, or any spec when size
 * is 0 is unsatisfiable and dropped. If none is left the result is
 * HTTP_RANGE_UNSATISFIABLE; else HTTP_RANGE_OK with the ranges in out in
 * request order and *n (1..max) their count. *n is 0 for other results.
 */
int http_range_parse(const char *value, size_t len, uint64_t size,
		     struct http_range *out, size_t max, size_t *n);

/*
 * Decides whether an If-Range precondition (RFC 9110 section 13.1.5) holds,
 * so that the Range header is honoured: returns 1 when value (NUL-terminated,
 * no surrounding whitespace) is a strong entity tag equal, byte for byte, to
 * etag (the ETag we send, quotes included; NULL when we send none), or an
 * HTTP date (any http_date_parse form) equal to last_modified. A weak tag
 * ("W/\"...\"") never matches, nor does a weak etag of ours. Returns 0 in
 * every other case: the caller then ignores Range and sends 200.
 */
int http_if_range_ok(const char *value, const char *etag, time_t last_modified);

#endif
