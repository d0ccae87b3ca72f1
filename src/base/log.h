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

/* Text lines (default) or one JSON object per line:
 *   {"time":"2026-11-24T10:00:00.000Z","level":"info","msg":"ready https=8531 http=8530"}
 *   {"time":...,"level":"info","event":"access","peer":"127.0.0.1:5000","port":8530,
 *    "method":"GET","path":"/Content/...","status":206,"bytes":1048576,"ms":3} */
void ow_log_set_json(int json);

/* One access-log line: time, peer, port, method, path, status, bytes and
 * duration. path is escaped (text) or JSON-encoded (json). */
void ow_log_access(const char *peer, int port, const char *method, const char *path, int status,
		   unsigned long long bytes, unsigned long long ms);

void ow_log(enum ow_log_level level, const char *fmt, ...) OW_PRINTF(2, 3);

#define ow_info(...) ow_log(OW_LOG_INFO, __VA_ARGS__)
#define ow_warn(...) ow_log(OW_LOG_WARN, __VA_ARGS__)
#define ow_error(...) ow_log(OW_LOG_ERROR, __VA_ARGS__)
#define ow_debug(...) ow_log(OW_LOG_DEBUG, __VA_ARGS__)

/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" for now into buf (>= 32 bytes). */
void ow_log_time(char *buf, size_t len);

#endif
