/* SPDX-License-Identifier: MIT */
/*
 * The base helpers and the SOAP writer built on them: bounded buffers
 * (ceiling, refusal leaves the buffer as it was, growth, detach), random
 * UUIDs, XML escaping and the fault envelope (checked for well-formedness
 * by a small tag-balancing reader, no XML library), bounded number
 * parsing, formatting with truncation, atomic file replacement and
 * bounded file reads.
 */
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "check.h"
#include "xml/soap.h"

static char dir[] = "/tmp/ow-test-buf-XXXXXX";

static const char *at(const char *rel)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, rel);
	return buf[i];
}

/* ---- ow_buf ---- */

static void test_buf_ceiling(void)
{
	struct ow_buf b;

	ow_buf_init(&b, 10);
	CHECK(b.data == NULL && b.len == 0 && b.max == 10);
	CHECK(ow_buf_adds(&b, "0123456") == 0);
	CHECK(ow_buf_add(&b, "789", 3) == 0);
	CHECK(b.len == 10);
	CHECK_STR(b.data, "0123456789");
	/* Full: every kind of append is refused and changes nothing. */
	CHECK(ow_buf_add(&b, "x", 1) == OW_ELIMIT);
	CHECK(ow_buf_adds(&b, "x") == OW_ELIMIT);
	CHECK(ow_buf_printf(&b, "%d", 7) == OW_ELIMIT);
	CHECK(b.len == 10);
	CHECK_STR(b.data, "0123456789");
	/* Nothing more is still fine. */
	CHECK(ow_buf_add(&b, "", 0) == 0);
	CHECK(ow_buf_printf(&b, "%s", "") == 0);
	CHECK(b.len == 10);
	ow_buf_release(&b);
	CHECK(b.data == NULL && b.len == 0 && b.max == 10);

	/* A refused append that would have fitted in part adds no part. */
	ow_buf_init(&b, 8);
	CHECK(ow_buf_adds(&b, "abcde") == 0);
	CHECK(ow_buf_adds(&b, "fghi") == OW_ELIMIT);
	CHECK(ow_buf_printf(&b, "%s-%d", "fg", 12) == OW_ELIMIT);
	CHECK(b.len == 5);
	CHECK_STR(b.data, "abcde");
	CHECK(ow_buf_printf(&b, "%s%d", "f", 12) == 0);
	CHECK_STR(b.data, "abcdef12");
	CHECK(b.len == 8);
	CHECK(b.cap <= b.max + 1);
	ow_buf_release(&b);

	/* Ceiling 0. */
	ow_buf_init(&b, 0);
	CHECK(ow_buf_add(&b, "a", 1) == OW_ELIMIT);
	CHECK(b.len == 0);
	ow_buf_release(&b);
}

/* SIZE_MAX means "no ceiling": no wrap-around in the size arithmetic. */
static void test_buf_unbounded(void)
{
	struct ow_buf b;

	ow_buf_init(&b, SIZE_MAX);
	CHECK(ow_buf_adds(&b, "abc") == 0);
	CHECK(b.cap >= 4);
	CHECK_STR(b.data, "abc");
	for (int i = 0; i < 1000; i++)
		CHECK(ow_buf_adds(&b, "0123456789") == 0);
	CHECK(b.len == 10003);
	CHECK(b.cap > b.len);
	CHECK(b.data[b.len] == '\0');
	/* An absurd length is refused, not wrapped. */
	CHECK(ow_buf_add(&b, "x", SIZE_MAX - 5) == OW_ELIMIT);
	CHECK(b.len == 10003);
	ow_buf_release(&b);
}

static void test_buf_printf_growth(void)
{
	struct ow_buf b;
	char want[16];
	int ok = 1;

	ow_buf_init(&b, 1 << 20);
	for (int i = 0; i < 5000; i++)
		CHECK(ow_buf_printf(&b, "%05d,", i) == 0);
	CHECK(b.len == 5000 * 6);
	CHECK(strlen(b.data) == b.len);
	CHECK(b.cap > b.len);
	for (int i = 0; i < 5000 && ok; i++) {
		snprintf(want, sizeof(want), "%05d,", i);
		if (memcmp(b.data + 6 * i, want, 6) != 0)
			ok = 0;
	}
	CHECK(ok);
	/* One long printf at once. */
	CHECK(ow_buf_printf(&b, "%*s|", 100000, "x") == 0);
	CHECK(b.len == 30000 + 100001);
	CHECK(b.data[b.len - 1] == '|' && b.data[b.len - 2] == 'x');
	CHECK(b.data[b.len] == '\0');
	ow_buf_release(&b);
}

static void test_buf_detach(void)
{
	struct ow_buf b;
	size_t len = 0;
	char *d;

	ow_buf_init(&b, 100);
	CHECK(ow_buf_adds(&b, "owned") == 0);
	d = ow_buf_detach(&b, &len);
	REQUIRE(d != NULL);
	CHECK(len == 5);
	CHECK_STR(d, "owned");
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	/* The buffer is usable again, with its ceiling. */
	CHECK(b.max == 100);
	CHECK(ow_buf_adds(&b, "again") == 0);
	CHECK_STR(b.data, "again");
	CHECK(b.data != d);
	free(d);
	ow_buf_release(&b);

	/* Detaching an empty buffer gives NULL and 0. */
	ow_buf_init(&b, 100);
	len = 99;
	CHECK(ow_buf_detach(&b, &len) == NULL);
	CHECK(len == 0);
	CHECK(ow_buf_detach(&b, NULL) == NULL);
}

static int is_uuid4(const char *s)
{
	if (strlen(s) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return 0;
		}
	}
	return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

static int cmp_uuid(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_uuid4(void)
{
	enum { N = 2000 };
	static char ids[N][37];
	int dup = 0, bad = 0;
	unsigned seen19 = 0;

	for (int i = 0; i < N; i++) {
		REQUIRE(ow_uuid4(ids[i]) == 0);
		if (!is_uuid4(ids[i])) {
			bad++;
			fprintf(stderr, "  not a v4 UUID: %s\n", ids[i]);
		}
		if (ids[i][19] >= '8' && ids[i][19] <= '9')
			seen19 |= 1u << (ids[i][19] - '8');
		else if (ids[i][19] >= 'a' && ids[i][19] <= 'b')
			seen19 |= 1u << (ids[i][19] - 'a' + 2);
	}
	CHECK(bad == 0);
	/* The variant nibble takes all four values over many draws. */
	CHECK(seen19 == 0xf);
	qsort(ids, N, sizeof(ids[0]), cmp_uuid);
	for (int i = 1; i < N; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			dup++;
	CHECK(dup == 0);
	CHECK(!is_uuid4("6e8d0c3a-3f1e-3b66-8d2a-1c2b3a4d5e6f"));  /* self-test */
	CHECK(is_uuid4("6e8d0c3a-3f1e-4b66-8d2a-1c2b3a4d5e6f"));
}

/* ---- SOAP ---- */

static void test_soap_escape(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "plain text 123", "plain text 123" },
		{ "a&b", "a&amp;b" },
		{ "<tag>", "&lt;tag&gt;" },
		{ "\"q\" 'a'", "&quot;q&quot; &apos;a&apos;" },
		{ "&amp;", "&amp;amp;" },
		{ "]]>", "]]&gt;" },
		/* Tab, LF, CR are allowed in XML 1.0; other C0 controls are not. */
		{ "a\tb\nc\rd", "a\tb\nc\rd" },
		{ "\x01", "\xEF\xBF\xBD" },
		{ "a\x1f" "b\x0b" "c", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c" },
		{ "\x7f", "\x7f" },
		/* UTF-8 passes through. */
		{ "caf\xC3\xA9 \xE2\x82\xAC", "caf\xC3\xA9 \xE2\x82\xAC" },
		{ "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80" },
		/* Invalid UTF-8 becomes U+FFFD, byte by byte. */
		{ "a\xFF" "b", "a\xEF\xBF\xBD" "b" },
		{ "\xC3", "\xEF\xBF\xBD" },
		{ "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD" },           /* overlong '/' */
		{ "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" }, /* surrogate */
		{ "\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ow_buf b;

		ow_buf_init(&b, 1024);
		CHECK(ow_buf_adds(&b, "[") == 0);
		CHECK(soap_escape(&b, cases[i].in) == 0);
		CHECK(ow_buf_adds(&b, "]") == 0);
		REQUIRE(b.data != NULL);
		CHECK(b.len == strlen(cases[i].out) + 2);
		CHECK(strncmp(b.data + 1, cases[i].out, strlen(cases[i].out)) == 0);
		ow_buf_release(&b);
	}

	/* Under a ceiling: refused, never past it. */
	{
		struct ow_buf b;

		ow_buf_init(&b, 8);
		CHECK(soap_escape(&b, "<<<") == OW_ELIMIT);
		CHECK(b.len <= 8);
		ow_buf_release(&b);
	}
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == ':' || c == '-' || c == '_' || c == '.';
}

/* A small well-formedness check for the XML we write: one root element,
 * every start tag closed in order, attributes quoted, '&' only as one of
 * the five predefined entities, no '<' or '>' in text, and no control
 * characters but tab, CR and LF. Returns 1 when it holds. */
static int xml_well_formed(const char *s)
{
	char stack[32][64];
	int depth = 0, roots = 0;
	const char *p = s;

	if (strncmp(p, "<?xml ", 6) == 0) {
		p = strstr(p, "?>");
		if (p == NULL)
			return 0;
		p += 2;
	}
	while (*p) {
		if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
		if (*p == '&') {
			static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
			size_t k;

			for (k = 0; k < 5; k++)
				if (strncmp(p, ents[k], strlen(ents[k])) == 0)
					break;
			if (k == 5)
				return 0;
			p += strlen(ents[k]);
			continue;
		}
		if (*p == '>')
			return 0;
		if (*p != '<') {
			if (depth == 0 && *p != ' ' && *p != '\n')
				return 0; /* text outside the root */
			p++;
			continue;
		}
		/* A tag. */
		p++;
		if (*p == '/') {
			size_t n = 0;

			p++;
			while (is_name_char(p[n]))
				n++;
			if (depth == 0 || n == 0 || p[n] != '>' || strlen(stack[depth - 1]) != n ||
			    strncmp(stack[depth - 1], p, n) != 0)
				return 0;
			depth--;
			p += n + 1;
		} else {
			size_t n = 0;

			while (is_name_char(p[n]))
				n++;
			if (n == 0 || n >= sizeof(stack[0]) || depth == 32)
				return 0;
			if (depth == 0 && roots++ > 0)
				return 0;
			memcpy(stack[depth], p, n);
			stack[depth][n] = '\0';
			p += n;
			/* Attributes: name="value". */
			for (;;) {
				while (*p == ' ')
					p++;
				if (*p == '>' || (p[0] == '/' && p[1] == '>'))
					break;
				while (is_name_char(*p))
					p++;
				if (p[0] != '=' || p[1] != '"')
					return 0;
				p = strchr(p + 2, '"');
				if (p == NULL)
					return 0;
				p++;
			}
			if (*p == '>') {
				depth++;
				p++;
			} else {
				p += 2; /* empty element */
			}
		}
	}
	return depth == 0 && roots == 1;
}

/* The text between <tag> and </tag>, or NULL. */
static char *element(const char *xml, const char *tag)
{
	char open[64], close[64];
	const char *a, *b;
	char *out;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	a = strstr(xml, open);
	if (a == NULL)
		return NULL;
	a += strlen(open);
	b = strstr(a, close);
	if (b == NULL)
		return NULL;
	out = malloc((size_t)(b - a) + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, a, (size_t)(b - a));
	out[b - a] = '\0';
	return out;
}

static void test_xml_checker(void)
{
	/* The checker itself must be able to say no. */
	CHECK(xml_well_formed("<a><b>x</b></a>"));
	CHECK(xml_well_formed("<?xml version=\"1.0\"?><a x=\"1\"><b/>&amp;</a>"));
	CHECK(!xml_well_formed("<a><b>x</a></b>"));
	CHECK(!xml_well_formed("<a>x & y</a>"));
	CHECK(!xml_well_formed("<a>x < y</a>"));
	CHECK(!xml_well_formed("<a>\x01</a>"));
	CHECK(!xml_well_formed("<a></a><b></b>"));
	CHECK(!xml_well_formed("<a>"));
}

static void test_soap_fault(void)
{
	static const struct soap_fault f = {
		.client = 1,
		.error_code = "InvalidCookie",
		.message = "cookie <expired> & \"gone\"",
		.actor = "http://wsus.example.com:8531/ClientWebService/client.asmx",
		.method = "\"http://www.microsoft.com/SoftwareDistribution/Server/"
			  "ClientWebService/SyncUpdates\"",
	};
	struct ow_buf b;
	char *v, *id1 = NULL;

	ow_buf_init(&b, 64 * 1024);
	REQUIRE(soap_fault_write(&b, &f) == 0);
	REQUIRE(b.data != NULL);
	CHECK(strncmp(b.data, "<?xml version=\"1.0\" encoding=\"utf-8\"?>", 38) == 0);
	CHECK(xml_well_formed(b.data));
	CHECK(strstr(b.data, "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">") !=
	      NULL);
	{
		static const char tail[] = "</detail></soap:Fault></soap:Body></soap:Envelope>";

		CHECK(b.len > sizeof(tail) && strcmp(b.data + b.len - (sizeof(tail) - 1), tail) == 0);
	}
	v = element(b.data, "faultcode");
	CHECK_STR(v, "soap:Client");
	free(v);
	v = element(b.data, "faultstring");
	CHECK_STR(v, "cookie &lt;expired&gt; &amp; &quot;gone&quot;");
	free(v);
	v = element(b.data, "faultactor");
	CHECK_STR(v, "http://wsus.example.com:8531/ClientWebService/client.asmx");
	free(v);
	v = element(b.data, "ErrorCode");
	CHECK_STR(v, "InvalidCookie");
	free(v);
	v = element(b.data, "Message");
	CHECK_STR(v, "cookie &lt;expired&gt; &amp; &quot;gone&quot;");
	free(v);
	v = element(b.data, "Method");
	CHECK_STR(v, "&quot;http://www.microsoft.com/SoftwareDistribution/Server/"
		     "ClientWebService/SyncUpdates&quot;");
	free(v);
	id1 = element(b.data, "ID");
	REQUIRE(id1 != NULL);
	CHECK(is_uuid4(id1));
	/* detail comes after faultstring, ErrorCode first in it. */
	CHECK(strstr(b.data, "</faultstring>") < strstr(b.data, "<detail><ErrorCode>"));
	ow_buf_release(&b);

	/* Server fault, no actor, no method, no message; a new ID. */
	{
		static const struct soap_fault g = { .client = 0, .error_code = "InternalServerError" };

		ow_buf_init(&b, 64 * 1024);
		REQUIRE(soap_fault_write(&b, &g) == 0);
		CHECK(xml_well_formed(b.data));
		v = element(b.data, "faultcode");
		CHECK_STR(v, "soap:Server");
		free(v);
		v = element(b.data, "faultstring");
		CHECK_STR(v, "Fault occurred");
		free(v);
		v = element(b.data, "Message");
		CHECK_STR(v, "");
		free(v);
		CHECK(strstr(b.data, "<faultactor>") == NULL);
		CHECK(strstr(b.data, "<Method>") == NULL);
		v = element(b.data, "ID");
		REQUIRE(v != NULL);
		CHECK(is_uuid4(v));
		CHECK(strcmp(v, id1) != 0);
		free(v);
		ow_buf_release(&b);
	}

	/* Hostile text from a peer (a SOAPAction) stays text. */
	{
		struct soap_fault h = f;

		h.method = "\"x\"</Method><ErrorCode>Forged</ErrorCode><!--\x01";
		ow_buf_init(&b, 64 * 1024);
		REQUIRE(soap_fault_write(&b, &h) == 0);
		CHECK(xml_well_formed(b.data));
		v = element(b.data, "ErrorCode");
		CHECK_STR(v, "InvalidCookie");
		free(v);
		CHECK(strstr(b.data, "Forged</ErrorCode>") == NULL);
		ow_buf_release(&b);
	}

	/* Too small a buffer: refused. */
	ow_buf_init(&b, 200);
	CHECK(soap_fault_write(&b, &f) == OW_ELIMIT);
	CHECK(b.len <= 200);
	ow_buf_release(&b);
	free(id1);
}

/* ---- util ---- */

static void test_parse_ll(void)
{
	static const struct {
		const char *s;
		long long min, max;
		int rc;
		long long v;
	} cases[] = {
		{ "0", 0, 10, 0, 0 },
		{ "10", 0, 10, 0, 10 },
		{ "00010", 0, 10, 0, 10 },
		{ "11", 0, 10, OW_EINVAL, 0 },
		{ "-1", 0, 10, OW_EINVAL, 0 },
		{ "-0", 0, 10, OW_EINVAL, 0 },  /* no sign when min >= 0 */
		{ "-1", -5, 5, 0, -1 },
		{ "-5", -5, 5, 0, -5 },
		{ "-6", -5, 5, OW_EINVAL, 0 },
		{ "-0", -5, 5, 0, 0 },
		{ "-", -5, 5, OW_EINVAL, 0 },
		{ "--1", -5, 5, OW_EINVAL, 0 },
		{ "", 0, 10, OW_EINVAL, 0 },
		{ " 1", 0, 10, OW_EINVAL, 0 },
		{ "1 ", 0, 10, OW_EINVAL, 0 },
		{ "+1", 0, 10, OW_EINVAL, 0 },
		{ "0x10", 0, 100, OW_EINVAL, 0 },
		{ "1e3", 0, 10000, OW_EINVAL, 0 },
		{ "1.5", 0, 10, OW_EINVAL, 0 },
		{ "9223372036854775807", LLONG_MIN, LLONG_MAX, 0, LLONG_MAX },
		{ "9223372036854775808", LLONG_MIN, LLONG_MAX, OW_EINVAL, 0 },
		{ "99999999999999999999", LLONG_MIN, LLONG_MAX, OW_EINVAL, 0 },
		{ "18446744073709551617", LLONG_MIN, LLONG_MAX, OW_EINVAL, 0 },
		{ "-9223372036854775807", LLONG_MIN, LLONG_MAX, 0, -LLONG_MAX },
		{ "-9223372036854775808", LLONG_MIN, LLONG_MAX, 0, LLONG_MIN },
		{ "-9223372036854775809", LLONG_MIN, LLONG_MAX, OW_EINVAL, 0 },
		{ "65535", 1, 65535, 0, 65535 },
		{ "65536", 1, 65535, OW_EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long long v = 12345;
		int rc = ow_parse_ll(cases[i].s, cases[i].min, cases[i].max, &v);

		CHECK(rc == cases[i].rc);
		if (rc == 0)
			CHECK(v == cases[i].v);
		else
			CHECK(v == 12345); /* untouched on failure */
		if (rc != cases[i].rc)
			fprintf(stderr, "  case \"%s\": rc %d\n", cases[i].s, rc);
	}
	{
		long long v = 1;

		CHECK(ow_parse_ll(NULL, 0, 1, &v) == OW_EINVAL);
	}
}

static void test_fmt(void)
{
	char buf[8];

	CHECK(ow_fmt(buf, sizeof(buf), "%s", "1234567") == 0);
	CHECK_STR(buf, "1234567");
	CHECK(ow_fmt(buf, sizeof(buf), "%s", "12345678") == OW_ELIMIT);
	CHECK_STR(buf, "1234567"); /* truncated, still terminated */
	CHECK(ow_fmt(buf, sizeof(buf), "%d-%d", 100, 2000) == OW_ELIMIT);
	CHECK(ow_fmt(buf, sizeof(buf), "%d-%d", 10, 200) == 0);
	CHECK_STR(buf, "10-200");
	CHECK(ow_fmt(buf, sizeof(buf), "%s", "") == 0);
	CHECK_STR(buf, "");
	CHECK(ow_fmt(buf, 0, "%s", "") == OW_ELIMIT);

	CHECK(ow_strlcpy(buf, "1234567", sizeof(buf)) == 0);
	CHECK_STR(buf, "1234567");
	CHECK(ow_strlcpy(buf, "123456789", sizeof(buf)) == OW_ELIMIT);
	CHECK_STR(buf, "1234567");
	CHECK(ow_strlcpy(buf, "x", 0) == OW_ELIMIT);

	CHECK(ow_strncasecmp("Content-Length", "content-length", 15) == 0);
	CHECK(ow_strncasecmp("abc", "abd", 3) < 0);
	CHECK(ow_strncasecmp("abc", "abd", 2) == 0);
	CHECK(ow_strncasecmp("ab", "abc", 3) != 0);
	CHECK(ow_strncasecmp("\xC4", "\xE4", 1) != 0); /* ASCII only */
}

static int count_tmp_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp.") != NULL)
			n++;
	closedir(d);
	return n;
}

static void test_write_atomic(void)
{
	const char *path = at("file.conf");
	struct ow_err err = { 0 };
	struct stat st1, st2;
	char *text = NULL;
	size_t len = 0;
	mode_t old;

	/* The mode asked for, whatever the umask. */
	old = umask(0);
	CHECK(ow_write_file_atomic(path, "first", 5, 0640, &err) == 0);
	umask(old);
	REQUIRE(stat(path, &st1) == 0);
	CHECK((st1.st_mode & 07777) == 0640);
	old = umask(0777);
	CHECK(ow_write_file_atomic(path, "second\n", 7, 0600, &err) == 0);
	umask(old);
	REQUIRE(stat(path, &st2) == 0);
	CHECK((st2.st_mode & 07777) == 0600);
	/* Replaced by rename (a new inode), not rewritten in place. */
	CHECK(st1.st_ino != st2.st_ino);
	REQUIRE(ow_read_file(path, 100, &text, &len, &err) == 0);
	CHECK(len == 7);
	CHECK_STR(text, "second\n");
	free(text);
	CHECK(count_tmp_files() == 0);

	/* Empty data. */
	CHECK(ow_write_file_atomic(path, "", 0, 0600, &err) == 0);
	REQUIRE(stat(path, &st2) == 0);
	CHECK(st2.st_size == 0);

	/* A directory that does not exist: an error and no file. */
	memset(&err, 0, sizeof(err));
	CHECK(ow_write_file_atomic(at("missing/x"), "x", 1, 0600, &err) == OW_EIO);
	CHECK(err.code == OW_EIO);
	CHECK(access(at("missing/x"), F_OK) != 0);
	CHECK(count_tmp_files() == 0);
	unlink(path);
}

static void test_read_file(void)
{
	const char *path = at("hundred");
	struct ow_err err = { 0 };
	char data[100], *text = NULL;
	size_t len = 0;

	memset(data, 'h', sizeof(data));
	REQUIRE(ow_write_file_atomic(path, data, sizeof(data), 0600, &err) == 0);

	/* At the limit: read, NUL-terminated. */
	CHECK(ow_read_file(path, 100, &text, &len, &err) == 0);
	REQUIRE(text != NULL);
	CHECK(len == 100);
	CHECK(text[100] == '\0');
	CHECK(memcmp(text, data, 100) == 0);
	free(text);

	/* One byte over: refused, nothing returned. */
	text = NULL;
	len = 7;
	memset(&err, 0, sizeof(err));
	CHECK(ow_read_file(path, 99, &text, &len, &err) == OW_ELIMIT);
	CHECK(err.code == OW_ELIMIT);
	CHECK(text == NULL);
	CHECK(len == 7);

	/* outlen may be NULL. */
	CHECK(ow_read_file(path, 100, &text, NULL, &err) == 0);
	free(text);

	/* Absent, a directory, empty. */
	CHECK(ow_read_file(at("absent"), 100, &text, &len, &err) == OW_ENOENT);
	CHECK(ow_read_file(dir, 100, &text, &len, &err) == OW_EIO);
	REQUIRE(ow_write_file_atomic(path, "", 0, 0600, &err) == 0);
	text = NULL;
	CHECK(ow_read_file(path, 0, &text, &len, &err) == 0);
	CHECK(text != NULL && text[0] == '\0');
	CHECK(len == 0);
	free(text);
	unlink(path);
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	RUN(test_buf_ceiling);
	RUN(test_buf_unbounded);
	RUN(test_buf_printf_growth);
	RUN(test_buf_detach);
	RUN(test_uuid4);
	RUN(test_soap_escape);
	RUN(test_xml_checker);
	RUN(test_soap_fault);
	RUN(test_parse_ll);
	RUN(test_fmt);
	RUN(test_write_atomic);
	RUN(test_read_file);
	rmdir(dir);
	return check_done();
}
