/* SPDX-License-Identifier: MIT */
/*
 * Small checked helpers: bounded number parsing, path joining that refuses
 * truncation, whole-file reads with a ceiling and atomic file replacement.
 */
#ifndef OW_BASE_UTIL_H
#define OW_BASE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

/* Parses a decimal integer in [min, max]; the whole string must be digits
 * (an optional leading '-' when min < 0). Returns 0 or OW_EINVAL. */
int ow_parse_ll(const char *s, long long min, long long max, long long *out) OW_WUR;

/* snprintf into buf; returns 0, or OW_ELIMIT when the result was truncated. */
int ow_fmt(char *buf, size_t len, const char *fmt, ...) OW_PRINTF(3, 4) OW_WUR;

/* Reads the whole file at path into a new NUL-terminated buffer the caller
 * frees. Files larger than max bytes give OW_ELIMIT. */
int ow_read_file(const char *path, size_t max, char **out, size_t *outlen,
		 struct ow_err *err) OW_WUR;

/* Replaces path with data atomically: writes "path.tmp.<pid>", fsyncs it,
 * renames it over path and fsyncs the directory. The file gets mode. */
int ow_write_file_atomic(const char *path, const void *data, size_t len,
			 mode_t mode, struct ow_err *err) OW_WUR;

/* fsync(2) of the directory holding path (after a rename into it). */
int ow_fsync_dir_of(const char *path) OW_WUR;

/* Writes all of len bytes to fd, retrying on EINTR and short writes. */
int ow_write_all(int fd, const void *data, size_t len) OW_WUR;

/* Case-insensitive ASCII comparison of the first n bytes. */
int ow_strncasecmp(const char *a, const char *b, size_t n);

/* Copies src into dst of size len; returns OW_ELIMIT if it did not fit. */
int ow_strlcpy(char *dst, const char *src, size_t len) OW_WUR;

/* Monotonic clock in milliseconds. */
uint64_t ow_now_ms(void);

#endif
