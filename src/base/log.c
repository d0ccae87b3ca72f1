/* SPDX-License-Identifier: MIT */
/* Line-oriented stderr logging. Each line is formatted into a local buffer and
 * written with one write(2), so lines from worker threads never interleave. */
#include "base/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_int log_level = OW_LOG_INFO;
static atomic_int log_json = 0;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void ow_log_set_json(int json)
{
	atomic_store(&log_json, json ? 1 : 0);
}

/* Appends s to line at *n as JSON string contents (quotes not included);
 * control characters and invalid bytes become \u escapes. Stops before
 * len - reserve. */
static void json_str(char *line, size_t len, int *n, const char *s, size_t reserve)
{
	static const char hex[] = "0123456789abcdef";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		size_t k = 0;

		if (*p == '"' || *p == '\\') {
			esc[k++] = '\\';
			esc[k++] = (char)*p;
		} else if (*p < 0x20 || *p >= 0x7f) {
			/* Bytes past ASCII are escaped one by one: log lines stay
			 * valid JSON whatever a peer sent. */
			esc[k++] = '\\';
			esc[k++] = 'u';
			esc[k++] = '0';
			esc[k++] = '0';
			esc[k++] = hex[*p >> 4];
			esc[k++] = hex[*p & 15];
		} else {
			esc[k++] = (char)*p;
		}
		if ((size_t)*n + k + reserve >= len)
			return;
		memcpy(line + *n, esc, k);
		*n += (int)k;
	}
}

static void emit(char *line, int n)
{
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

void ow_log_set_level(enum ow_log_level level)
{
	atomic_store(&log_level, (int)level);
}

void ow_log_time(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char tmp[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", tmp, ts.tv_nsec / 1000000);
}

void ow_log(enum ow_log_level level, const char *fmt, ...)
{
	char line[2048], msg[1600];
	char when[40];
	va_list ap;
	int n, m;

	if ((int)level < atomic_load(&log_level))
		return;
	ow_log_time(when, sizeof(when));
	va_start(ap, fmt);
	m = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	if (atomic_load(&log_json)) {
		n = snprintf(line, sizeof(line), "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"", when,
			     level_names[level]);
		json_str(line, sizeof(line), &n, msg, 4);
		line[n++] = '"';
		line[n++] = '}';
	} else {
		n = snprintf(line, sizeof(line), "%s %s %s", when, level_names[level], msg);
		if (n > (int)sizeof(line) - 2)
			n = (int)sizeof(line) - 2; /* truncated: keep the newline */
	}
	emit(line, n);
}

void ow_log_access(const char *peer, int port, const char *method, const char *path, int status,
		   unsigned long long bytes, unsigned long long ms)
{
	static const char hex[] = "0123456789ABCDEF";
	char line[2048], when[40], esc[512];
	int n;

	if (OW_LOG_INFO < atomic_load(&log_level))
		return;
	ow_log_time(when, sizeof(when));
	if (atomic_load(&log_json)) {
		n = snprintf(line, sizeof(line), "{\"time\":\"%s\",\"level\":\"info\",\"event\":\"access\","
			     "\"peer\":\"%s\",\"port\":%d,\"method\":\"%s\",\"path\":\"", when, peer, port,
			     method);
		json_str(line, sizeof(line), &n, path, 80);
		n += snprintf(line + n, sizeof(line) - (size_t)n,
			      "\",\"status\":%d,\"bytes\":%llu,\"ms\":%llu}", status, bytes, ms);
		emit(line, n);
		return;
	}
	{
		size_t o = 0;

		/* Anything not printable, a quote or '%' is percent-escaped. */
		for (const unsigned char *p = (const unsigned char *)path; *p && o + 4 < sizeof(esc); p++) {
			if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '%') {
				esc[o++] = '%';
				esc[o++] = hex[*p >> 4];
				esc[o++] = hex[*p & 15];
			} else {
				esc[o++] = (char)*p;
			}
		}
		esc[o] = '\0';
	}
	n = snprintf(line, sizeof(line), "%s info access peer=%s port=%d method=%s path=\"%s\" status=%d "
		     "bytes=%llu ms=%llu", when, peer, port, method, esc, status, bytes, ms);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	emit(line, n);
}
