/* SPDX-License-Identifier: MIT */
/* ow_fqdn_check: a table of names, each with the verdict and a piece of the
 * message that must explain it. */
#include <string.h>

#include "base/fqdn.h"
#include "base/limits.h"
#include "check.h"

struct fqdn_case {
	const char *name;
	int rc;
	const char *why; /* substring of err.msg when rc != 0 */
};

static const struct fqdn_case cases[] = {
	{ "wsus.example.com", 0, NULL },
	{ "wsus.example.com.", 0, NULL },
	{ "w-1.corp.example", 0, NULL },
	{ "WSUS.Example.COM", 0, NULL },
	{ "xn--bcher-kva.example", 0, NULL },
	{ "a.b", 0, NULL },
	{ "1.example.com", 0, NULL },
	{ "wsus.example.c0m", 0, NULL },
	{ "localhost", OW_EINVAL, "'localhost' is not a fully qualified domain name: clients" },
	{ "LOCALHOST.", OW_EINVAL, "is not a fully qualified domain name" },
	{ "wsus.localhost", OW_EINVAL, "hardening guide, SSL section" },
	{ "127.0.0.1", OW_EINVAL, "'127.0.0.1' is an IP address, not a FQDN" },
	{ "10.0.0.1", OW_EINVAL, "'10.0.0.1' is an IP address, not a FQDN" },
	{ "10.0.0.1.", OW_EINVAL, "is an IP address" },
	{ "::1", OW_EINVAL, "'::1' is an IP address, not a FQDN" },
	{ "[::1]", OW_EINVAL, "is an IP address" },
	{ "fe80::1", OW_EINVAL, "is an IP address" },
	{ "wsus.example.com:8531", OW_EINVAL, "without a port" },
	{ "wsus", OW_EINVAL, "'wsus' has one label; a FQDN has at least two (wsus.example.com)" },
	{ "wsus.", OW_EINVAL, "(wsus.example.com)" },
	{ "a..b", OW_EINVAL, "empty label" },
	{ ".a.com", OW_EINVAL, "empty label" },
	{ "a.com..", OW_EINVAL, "empty label" },
	{ ".", OW_EINVAL, "DNS root" },
	{ "", OW_EINVAL, "empty" },
	{ "-a.com", OW_EINVAL, "label '-a' starts or ends with '-'" },
	{ "a-.com", OW_EINVAL, "label 'a-' starts or ends with '-'" },
	{ "a.com-", OW_EINVAL, "starts or ends with '-'" },
	{ "x.123", OW_EINVAL, "all-digit label '123'" },
	{ "10.1", OW_EINVAL, "all-digit" },
	{ "a_b.example.com", OW_EINVAL,
	  "label 'a_b' has a character other than letters, digits and '-'" },
	{ "wsus example.com", OW_EINVAL, "other than letters" },
	{ "wsus.ex\tample.com", OW_EINVAL, "label 'ex?ample'" },
	{ "*.example.com", OW_EINVAL, "wildcard" },
	{ "w*.example.com", OW_EINVAL, "wildcard" },
	{ "https://wsus.example.com", OW_EINVAL, "':'" },
	{ "bücher.example", OW_EINVAL, "other than letters" },
};

/* A name of total length n: labels of 63 'a' separated by dots, with the
 * last label shortened to fit; ends in a letter label. */
static void long_name(char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (i % 64 == 63) ? '.' : 'a';
	if (buf[n - 1] == '.')
		buf[n - 2] = '.', buf[n - 1] = 'a';
	buf[n] = '\0';
}

static void test_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ow_err err = { 0, "" };
		int rc = ow_fqdn_check(cases[i].name, &err);

		if (rc != cases[i].rc) {
			fprintf(stderr, "  '%s': rc %d, want %d (%s)\n", cases[i].name, rc,
				cases[i].rc, err.msg);
			check_failed_now = 1;
			continue;
		}
		if (rc == 0)
			continue;
		CHECK(err.code == rc);
		if (strstr(err.msg, cases[i].why) == NULL) {
			fprintf(stderr, "  '%s': message \"%s\" lacks \"%s\"\n", cases[i].name,
				err.msg, cases[i].why);
			check_failed_now = 1;
		}
	}
}

static void test_label_length(void)
{
	char name[OW_MAX_LABEL + 16];
	struct ow_err err = { 0, "" };

	memset(name, 'a', OW_MAX_LABEL);
	strcpy(name + OW_MAX_LABEL, ".com");
	CHECK(ow_fqdn_check(name, &err) == 0);

	memset(name, 'a', OW_MAX_LABEL + 1);
	strcpy(name + OW_MAX_LABEL + 1, ".com");
	CHECK(ow_fqdn_check(name, &err) == OW_EINVAL);
	CHECK(strstr(err.msg, "64 characters long; a DNS label has at most 63") != NULL);
}

static void test_name_length(void)
{
	char name[OW_MAX_FQDN + 8];
	struct ow_err err = { 0, "" };

	long_name(name, OW_MAX_FQDN);
	CHECK(strlen(name) == 253);
	CHECK(ow_fqdn_check(name, &err) == 0);

	/* 253 plus the one allowed trailing dot. */
	strcat(name, ".");
	CHECK(ow_fqdn_check(name, &err) == 0);

	long_name(name, OW_MAX_FQDN + 1);
	CHECK(strlen(name) == 254);
	CHECK(ow_fqdn_check(name, &err) == OW_EINVAL);
	CHECK(strstr(err.msg, "longer than 253 characters") != NULL);
	/* The quoted name is cut so the reason fits in the message. */
	CHECK(strstr(err.msg, "...") != NULL);
}

static void test_null_and_no_err(void)
{
	struct ow_err err = { 0, "" };

	CHECK(ow_fqdn_check(NULL, &err) == OW_EINVAL);
	CHECK(ow_fqdn_check("localhost", NULL) == OW_EINVAL);
	CHECK(ow_fqdn_check("wsus.example.com", NULL) == 0);
}

int main(void)
{
	RUN(test_table);
	RUN(test_label_length);
	RUN(test_name_length);
	RUN(test_null_and_no_err);
	return check_done();
}
