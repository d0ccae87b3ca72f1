/* SPDX-License-Identifier: MIT */
/* RFC 3339 parsing and formatting (see time.h). */
#include "base/time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int ow_time_parse(const char *s, int64_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	const char *p;
	time_t t;

	if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return OW_EINVAL;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return OW_EINVAL;
	p = s + 10;
	if (*p != '\0') {
		if ((*p != 'T' && *p != 't') || digits(p + 1, 2, &h) || p[3] != ':' ||
		    digits(p + 4, 2, &mi) || p[6] != ':' || digits(p + 7, 2, &sec))
			return OW_EINVAL;
		if (h > 23 || mi > 59 || sec > 59)
			return OW_EINVAL;
		p += 9;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return OW_EINVAL;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
			off = 0;
		} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
			int oh, om;

			if (digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) || oh > 23 || om > 59)
				return OW_EINVAL;
			off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
		} else {
			return OW_EINVAL;
		}
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = (int64_t)t - off;
	return 0;
}

void ow_time_format(int64_t t, char out[OW_TIME_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		memcpy(out, "9999-12-31T23:59:59Z", OW_TIME_LEN);
		return;
	}
	strftime(out, OW_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t ow_time_now(void)
{
	return (int64_t)time(NULL);
}
