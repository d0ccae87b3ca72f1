/* SPDX-License-Identifier: MIT */
/*
 * The unit-test harness: a test is a function; CHECK records a failure and
 * goes on, REQUIRE stops the test. Each test prints "PASS name" or
 * "FAIL name" and the binary ends with "N passed, N failed"; tests/run.sh
 * adds up the PASS/FAIL lines of every binary and script.
 *
 *   static void test_parse(void) { CHECK(parse("1") == 1); }
 *   int main(void) { RUN(test_parse); return check_done(); }
 */
#ifndef OW_TESTS_CHECK_H
#define OW_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed_now;
static int check_passed_total, check_failed_total;

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n",     \
				__FILE__, __LINE__, #cond);                \
			check_failed_now = 1;                              \
		}                                                          \
	} while (0)

#define REQUIRE(cond)                                                      \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "  %s:%d: REQUIRE(%s) failed\n",   \
				__FILE__, __LINE__, #cond);                \
			check_failed_now = 1;                              \
			return;                                            \
		}                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                    \
	do {                                                               \
		const char *check_a_ = (a), *check_b_ = (b);               \
		if (check_a_ == NULL || check_b_ == NULL ||                \
		    strcmp(check_a_, check_b_) != 0) {                     \
			fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n",     \
				__FILE__, __LINE__,                        \
				check_a_ ? check_a_ : "(null)",            \
				check_b_ ? check_b_ : "(null)");           \
			check_failed_now = 1;                              \
		}                                                          \
	} while (0)

#define RUN(fn)                                                            \
	do {                                                               \
		check_failed_now = 0;                                      \
		fn();                                                      \
		if (check_failed_now) {                                    \
			check_failed_total++;                              \
			printf("FAIL %s\n", #fn);                          \
		} else {                                                   \
			check_passed_total++;                              \
			printf("PASS %s\n", #fn);                          \
		}                                                          \
		fflush(stdout);                                            \
	} while (0)

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_passed_total, check_failed_total);
	return check_failed_total ? 1 : 0;
}

#endif
