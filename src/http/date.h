/* SPDX-License-Identifier: MIT */
/*
 * HTTP dates (RFC 9110 section 5.6.7), as in Last-Modified, Date and
 * If-Range. We always send IMF-fixdate and accept the two obsolete forms:
 *
 *   Sun, 06 Nov 1994 08:49:37 GMT    IMF-fixdate
 *   Sunday, 06-Nov-94 08:49:37 GMT   obsolete RFC 850 form
 *   Sun Nov  6 08:49:37 1994         ANSI C's asctime() form
 */
#ifndef OW_HTTP_DATE_H
#define OW_HTTP_DATE_H

#include <time.h>

#include "base/err.h"

/* Length of an IMF-fixdate plus its NUL. */
#define HTTP_DATE_LEN 30

/* Writes t as an IMF-fixdate and a NUL into out. Day and month names are
 * fixed English words whatever the locale. Times outside the years
 * 0000..9999 (which the four-digit year cannot show) are clamped to the
 * nearest end of that span. */
void http_date_format(time_t t, char out[HTTP_DATE_LEN]);

/* Parses the NUL-terminated s in any of the three forms above into *out
 * (UTC seconds). Names are case-sensitive as the grammar says; no leading
 * or trailing whitespace; fields are range-checked (no 31 Feb; a second of
 * 60 is accepted and counts as the next minute's 0). The weekday is not
 * checked against the date. A two-digit RFC 850 year that would be more
 * than 50 years in the future is read as the most recent past year with
 * those digits. Returns 0 or OW_EINVAL (*out untouched). */
int http_date_parse(const char *s, time_t *out) OW_WUR;

#endif
