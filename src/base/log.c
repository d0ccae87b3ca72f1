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
	static const char *names[] = { "debug", "info", "warn", "error" };
	char line[2048];
	char when[40];
	va_list ap;
	int n, m;

	if ((int)level < atomic_load(&log_level))
		return;
	ow_log_time(when, sizeof(when));
	n = snprintf(line, sizeof(line), "%s %s ", when, names[level]);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2; /* truncated: keep the newline */
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}
