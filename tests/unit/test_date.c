/* SPDX-License-Identifier: MIT */
/*
 * HTTP dates: IMF-fixdate output, the three input forms of RFC 9110
 * section 5.6.7, field range checks and round trips.
 */
#include <locale.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "http/date.h"

#define T_1994 ((time_t)784111777)	/* Sun, 06 Nov 1994 08:49:37 GMT */

static void test_format(void)
{
	char buf[HTTP_DATE_LEN];

	http_date_format(T_1994, buf);
	CHECK_STR(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	http_date_format(0, buf);
	CHECK_STR(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
	http_date_format(-1, buf);
	CHECK_STR(buf, "Wed, 31 Dec 1969 23:59:59 GMT");
	http_date_format(951782400, buf);
	CHECK_STR(buf, "Tue, 29 Feb 2000 00:00:00 GMT");
	http_date_format(2145916800, buf);
	CHECK_STR(buf, "Fri, 01 Jan 2038 00:00:00 GMT");
	/* Outside the four-digit years: clamped, still 29 characters. */
	http_date_format((time_t)1 << 60, buf);
	CHECK_STR(buf, "Fri, 31 Dec 9999 23:59:59 GMT");
	http_date_format(-((time_t)1 << 60), buf);
	CHECK_STR(buf, "Sat, 01 Jan 0000 00:00:00 GMT");
	CHECK(strlen(buf) == HTTP_DATE_LEN - 1);
}

/* Names must not follow the locale. */
static void test_format_locale(void)
{
	static const char *const locales[] = {
		"de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8", "",
	};
	char buf[HTTP_DATE_LEN];

	for (size_t i = 0; i < sizeof(locales) / sizeof(locales[0]); i++) {
		if (setlocale(LC_ALL, locales[i]) == NULL)
			continue;
		http_date_format(T_1994, buf);
		CHECK_STR(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	}
	setlocale(LC_ALL, "C");
}

static void test_parse_forms(void)
{
	time_t t = 0;

	CHECK(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t) == 0);
	CHECK(t == T_1994);
	t = 0;
	CHECK(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t) == 0);
	CHECK(t == T_1994);
	t = 0;
	CHECK(http_date_parse("Sun Nov  6 08:49:37 1994", &t) == 0);
	CHECK(t == T_1994);
	t = 0;
	/* asctime's day is 2DIGIT or SP DIGIT. */
	CHECK(http_date_parse("Sun Nov 06 08:49:37 1994", &t) == 0);
	CHECK(t == T_1994);
	CHECK(http_date_parse("Thu Jan  1 00:00:00 1970", &t) == 0);
	CHECK(t == 0);
	CHECK(http_date_parse("Tue, 29 Feb 2000 00:00:00 GMT", &t) == 0);
	CHECK(t == 951782400);
	CHECK(http_date_parse("Wed, 31 Dec 1969 23:59:59 GMT", &t) == 0);
	CHECK(t == -1);
	/* A leap second counts as the next minute's first. */
	CHECK(http_date_parse("Sat, 31 Dec 2016 23:59:60 GMT", &t) == 0);
	CHECK(t == 1483228800);
	/* The weekday is not checked against the date. */
	CHECK(http_date_parse("Mon, 06 Nov 1994 08:49:37 GMT", &t) == 0);
	CHECK(t == T_1994);
}

/* RFC 850's two-digit years: no more than 50 years ahead of now. */
static void test_rfc850_years(void)
{
	time_t t = 0;

	/* 38 is 2038 (less than 50 years ahead) until the year 2100. */
	CHECK(http_date_parse("Friday, 01-Jan-38 00:00:00 GMT", &t) == 0);
	CHECK(t == 2145916800);
	/* 99 is 1999 (2099 is too far ahead) until the year 2049. */
	CHECK(http_date_parse("Friday, 31-Dec-99 23:59:59 GMT", &t) == 0);
	CHECK(t == 946684799);
}

static void test_parse_bad(void)
{
	static const char *const bad[] = {
		"",
		"Sun",
		"Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 06 Nov 1994 08:49:37 gmt",
		"Sun, 06 Nov 1994 08:49:37",
		"Sun, 06 Nov 1994 08:49:37 GMTx",
		"Sun, 06 Nov 1994 08:49:37 GMT ",
		" Sun, 06 Nov 1994 08:49:37 GMT",
		"sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 nov 1994 08:49:37 GMT",
		"SUN, 06 NOV 1994 08:49:37 GMT",
		"Sun, 6 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 94 08:49:37 GMT",
		"Sun, 06 Nov 01994 08:49:37 GMT",
		"Sun,  06 Nov 1994 08:49:37 GMT",
		"Sun 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 8:49:37 GMT",
		"Sun, 06 Nov 1994 08:49 GMT",
		"Sun, 06-Nov-94 08:49:37 GMT",
		"Sunday, 06 Nov 1994 08:49:37 GMT",
		"Sunday, 06-Nov-1994 08:49:37 GMT",
		"Sunday, 06-Nov-94 08:49:37",
		"Sun Nov 6 08:49:37 1994",
		"Sun Nov  6 08:49:37 94",
		"Sun Nov  6 08:49:37 1994 GMT",
		"Sun Nov   6 08:49:37 1994",
		"Son, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Noe 1994 08:49:37 GMT",
		/* Fields out of range. */
		"Sun, 00 Nov 1994 08:49:37 GMT",
		"Sun, 31 Nov 1994 08:49:37 GMT",
		"Sun, 30 Feb 2000 08:49:37 GMT",
		"Sun, 29 Feb 1900 08:49:37 GMT",
		"Sun, 29 Feb 1999 08:49:37 GMT",
		"Sun, 06 Nov 1994 24:00:00 GMT",
		"Sun, 06 Nov 1994 08:60:37 GMT",
		"Sun, 06 Nov 1994 08:49:61 GMT",
		"Sun, 32 Jan 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:3x GMT",
		"Sun, 06 Nov 1994 -8:49:37 GMT",
		"1994-11-06T08:49:37Z",
		"784111777",
	};
	time_t t = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (http_date_parse(bad[i], &t) != OW_EINVAL) {
			fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
			CHECK(0);
		}
	}
	CHECK(t == 42);
	/* 29 Feb of a leap year divisible by 400 is fine. */
	CHECK(http_date_parse("Tue, 29 Feb 2000 08:49:37 GMT", &t) == 0);
}

static void test_round_trip(void)
{
	static const time_t times[] = {
		0, 1, 59, 86399, 86400, T_1994, 951782400, 1700000000,
		2147483647, 2147483648LL, 4102444800LL, 253402300799LL,
		-1, -86400, -2208988800LL, -62167219200LL,
	};
	char buf[HTTP_DATE_LEN];

	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		time_t t = 7;

		http_date_format(times[i], buf);
		CHECK(http_date_parse(buf, &t) == 0);
		if (t != times[i]) {
			fprintf(stderr, "  %lld -> \"%s\" -> %lld\n",
				(long long)times[i], buf, (long long)t);
			CHECK(0);
		}
	}
}

int main(void)
{
	RUN(test_format);
	RUN(test_format_locale);
	RUN(test_parse_forms);
	RUN(test_rfc850_years);
	RUN(test_parse_bad);
	RUN(test_round_trip);
	return check_done();
}
