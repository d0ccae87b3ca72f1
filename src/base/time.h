/* SPDX-License-Identifier: MIT */
/* RFC 3339 timestamps as openwsus stores and exchanges them: always UTC,
 * "2026-11-24T10:00:00Z". Parsing accepts an offset and a date alone. */
#ifndef OW_BASE_TIME_H
#define OW_BASE_TIME_H

#include <stdint.h>

#include "base/err.h"

#define OW_TIME_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" and NUL */

/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)" into
 * Unix seconds (fractions dropped). Years 1970..9999. OW_EINVAL otherwise. */
int ow_time_parse(const char *s, int64_t *out) OW_WUR;

/* Formats Unix seconds as "YYYY-MM-DDTHH:MM:SSZ". */
void ow_time_format(int64_t t, char out[OW_TIME_LEN]);

/* Now, in Unix seconds. */
int64_t ow_time_now(void);

#endif
