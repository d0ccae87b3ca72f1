/* SPDX-License-Identifier: MIT */
/*
 * HTTP date formatting and parsing (see date.h). Written by hand rather than
 * with strftime/strptime because %a and %b follow the process locale and
 * strptime accepts far more than the grammar allows.
 */
#include "http/date.h"

#include <errno.h>
#include <string.h>

static const char *const wkday[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

static const char *const weekday[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday",
};

static const char *const month[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

_Static_assert(sizeof(time_t) >= 8, "HTTP dates reach past 2038");

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define DATE_MIN ((long long)-62167219200LL)
#define DATE_MAX ((long long)253402300799LL)

static void put_digits(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void http_date_format(time_t t, char out[HTTP_DATE_LEN])
{
	struct tm tm;
	long long v = (long long)t;

	if (v < DATE_MIN)
		v = DATE_MIN;
	if (v > DATE_MAX)
		v = DATE_MAX;
	t = (time_t)v;
	if (gmtime_r(&t, &tm) == NULL) {
		/* Cannot happen in the clamped span; keep out well formed. */
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 70;
		tm.tm_mday = 1;
		tm.tm_wday = 4;
	}
	/* "Sun, 06 Nov 1994 08:49:37 GMT" */
	memcpy(out, wkday[tm.tm_wday], 3);
	memcpy(out + 3, ", ", 2);
	put_digits(out + 5, tm.tm_mday, 2);
	out[7] = ' ';
	memcpy(out + 8, month[tm.tm_mon], 3);
	out[11] = ' ';
	put_digits(out + 12, tm.tm_year + 1900, 4);
	out[16] = ' ';
	put_digits(out + 17, tm.tm_hour, 2);
	out[19] = ':';
	put_digits(out + 20, tm.tm_min, 2);
	out[22] = ':';
	put_digits(out + 23, tm.tm_sec, 2);
	memcpy(out + 25, " GMT", 4);
	out[29] = '\0';
}

/* The parsers below advance *p over what they accept and return 0, or -1
 * with *p unspecified. */

static int take_lit(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/* Exactly width digits. */
static int take_num(const char **p, int width, int *out)
{
	int v = 0;

	for (int i = 0; i < width; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += width;
	*out = v;
	return 0;
}

/* One of n names; returns its index or -1. The first name that matches
 * wins, so a table must not hold a name that prefixes a later one. */
static int take_name(const char **p, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (take_lit(p, names[i]) == 0)
			return i;
	return -1;
}

/* time-of-day = hour ":" minute ":" second */
static int take_time(const char **p, struct tm *tm)
{
	if (take_num(p, 2, &tm->tm_hour) < 0 || take_lit(p, ":") < 0 ||
	    take_num(p, 2, &tm->tm_min) < 0 || take_lit(p, ":") < 0 ||
	    take_num(p, 2, &tm->tm_sec) < 0)
		return -1;
	return 0;
}

static int is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* year is the full year, mon 0..11. */
static int fields_valid(int year, const struct tm *tm)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	int last;

	if (year < 0 || year > 9999 || tm->tm_mon < 0 || tm->tm_mon > 11)
		return 0;
	last = mdays[tm->tm_mon] + (tm->tm_mon == 1 && is_leap(year));
	return tm->tm_mday >= 1 && tm->tm_mday <= last &&
	       tm->tm_hour <= 23 && tm->tm_min <= 59 && tm->tm_sec <= 60;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" after the day name and ", ". */
static int parse_imf(const char *p, struct tm *tm, int *year)
{
	if (take_num(&p, 2, &tm->tm_mday) < 0 || take_lit(&p, " ") < 0 ||
	    (tm->tm_mon = take_name(&p, month, 12)) < 0 ||
	    take_lit(&p, " ") < 0 || take_num(&p, 4, year) < 0 ||
	    take_lit(&p, " ") < 0 || take_time(&p, tm) < 0 ||
	    take_lit(&p, " GMT") < 0 || *p != '\0')
		return -1;
	return 0;
}

/* RFC 9110: a two-digit year more than 50 years ahead of now means the
 * most recent past year that ends in those digits. */
static int rfc850_year(int yy)
{
	time_t now = time(NULL);
	struct tm tm;
	int cur, year;

	if (gmtime_r(&now, &tm) == NULL)
		tm.tm_year = 70;
	cur = tm.tm_year + 1900;
	year = cur - cur % 100 + yy;
	if (year > cur + 50)
		year -= 100;
	return year;
}

/* "Sunday, 06-Nov-94 08:49:37 GMT" after the day name and ", ". */
static int parse_rfc850(const char *p, struct tm *tm, int *year)
{
	int yy;

	if (take_num(&p, 2, &tm->tm_mday) < 0 || take_lit(&p, "-") < 0 ||
	    (tm->tm_mon = take_name(&p, month, 12)) < 0 ||
	    take_lit(&p, "-") < 0 || take_num(&p, 2, &yy) < 0 ||
	    take_lit(&p, " ") < 0 || take_time(&p, tm) < 0 ||
	    take_lit(&p, " GMT") < 0 || *p != '\0')
		return -1;
	*year = rfc850_year(yy);
	return 0;
}

/* "Sun Nov  6 08:49:37 1994" after the day name and " ". */
static int parse_asctime(const char *p, struct tm *tm, int *year)
{
	if ((tm->tm_mon = take_name(&p, month, 12)) < 0 || take_lit(&p, " ") < 0)
		return -1;
	/* day = 2DIGIT / ( SP DIGIT ) */
	if (*p == ' ') {
		p++;
		if (take_num(&p, 1, &tm->tm_mday) < 0)
			return -1;
	} else if (take_num(&p, 2, &tm->tm_mday) < 0) {
		return -1;
	}
	if (take_lit(&p, " ") < 0 || take_time(&p, tm) < 0 ||
	    take_lit(&p, " ") < 0 || take_num(&p, 4, year) < 0 || *p != '\0')
		return -1;
	return 0;
}

int http_date_parse(const char *s, time_t *out)
{
	const char *p = s;
	struct tm tm;
	time_t t;
	int year = -1, rc = -1;

	memset(&tm, 0, sizeof(tm));
	/* The long weekday names start with the short ones, so try the long
	 * form first; the character after the name tells the forms apart. */
	if (take_name(&p, weekday, 7) >= 0) {
		if (take_lit(&p, ", ") == 0)
			rc = parse_rfc850(p, &tm, &year);
	} else if (take_name(&p, wkday, 7) >= 0) {
		if (take_lit(&p, ", ") == 0)
			rc = parse_imf(p, &tm, &year);
		else if (take_lit(&p, " ") == 0)
			rc = parse_asctime(p, &tm, &year);
	}
	if (rc < 0 || !fields_valid(year, &tm))
		return OW_EINVAL;
	tm.tm_year = year - 1900;
	tm.tm_isdst = 0;
	errno = 0;
	t = timegm(&tm);
	if (t == (time_t)-1 && errno != 0)
		return OW_EINVAL;
	*out = t;
	return 0;
}
