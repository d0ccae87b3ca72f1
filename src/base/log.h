/* SPDX-License-Identifier: MIT */
/*
 * Logging to stderr, one line per event, safe from any thread. Lines start
 * with an RFC 3339 UTC time and a level. The access log is a separate line
 * format (http_access_log) written through the same sink.
 */
#ifndef OW_BASE_LOG_H
#define OW_BASE_LOG_H

#include "base/err.h"

enum ow_log_level { OW_LOG_DEBUG, OW_LOG_INFO, OW_LOG_WARN, OW_LOG_ERROR };

/* Messages below this level are dropped (default OW_LOG_INFO). */
void ow_log_set_level(enum ow_log_level level);

void ow_log(enum ow_log_level level, const char *fmt, ...) OW_PRINTF(2, 3);

#define ow_info(...) ow_log(OW_LOG_INFO, __VA_ARGS__)
#define ow_warn(...) ow_log(OW_LOG_WARN, __VA_ARGS__)
#define ow_error(...) ow_log(OW_LOG_ERROR, __VA_ARGS__)
#define ow_debug(...) ow_log(OW_LOG_DEBUG, __VA_ARGS__)

/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" for now into buf (>= 32 bytes). */
void ow_log_time(char *buf, size_t len);

#endif
