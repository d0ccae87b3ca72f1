/* SPDX-License-Identifier: MIT */
/*
 * The bounded XML reader: the tree it builds (namespaces, attributes, text
 * pieces, byte spans, lookups), then every safety rule of xml.h, each at
 * its limit and one past it: DOCTYPE, entities, billion laughs, depth,
 * nodes, attribute and text size, input size, malformed input, NUL bytes,
 * and the UTF-16 documents that must still be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "check.h"
#include "xml/xml.h"

#define FIXTURES "../shared/fixtures/wsus-rs/crates/wsus-protocol/tests/fixtures/"

static struct xml_doc *parse_ok(const char *s)
{
	struct ow_err err = { 0, "" };
	struct xml_doc *d = NULL;

	if (xml_parse(s, strlen(s), NULL, &d, &err) != 0) {
		fprintf(stderr, "  unexpected failure: %s\n", err.msg);
		return NULL;
	}
	return d;
}

/* Parses len bytes that must fail with code and a message containing
 * want; returns 1 when they did. */
static int fails_n(const char *s, size_t len, const struct xml_limits *lim,
		   int code, const char *want)
{
	struct ow_err err = { 0, "" };
	struct xml_doc *d = (struct xml_doc *)1;
	int rc = xml_parse(s, len, lim, &d, &err);

	if (rc != code || d != NULL || strstr(err.msg, want) == NULL) {
		fprintf(stderr, "  rc %d (want %d), msg \"%s\" (want \"%s\")\n",
			rc, code, err.msg, want);
		xml_free(rc == 0 ? d : NULL);
		return 0;
	}
	return 1;
}

static int fails(const char *s, const struct xml_limits *lim, int code,
		 const char *want)
{
	return fails_n(s, strlen(s), lim, code, want);
}

/* "<a><a>...</a></a>" nested depth deep, in a buffer the caller frees. */
static char *nested(size_t depth)
{
	char *s = malloc(depth * 7 + 1), *p = s;

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < depth; i++, p += 3)
		memcpy(p, "<a>", 3);
	for (size_t i = 0; i < depth; i++, p += 4)
		memcpy(p, "</a>", 4);
	*p = '\0';
	return s;
}

/* "<r><b/>...</r>": count elements in all. */
static char *flat(size_t count)
{
	char *s = malloc(count * 4 + 8), *p = s;

	if (s == NULL)
		return NULL;
	memcpy(p, "<r>", 3);
	p += 3;
	for (size_t i = 1; i < count; i++, p += 4)
		memcpy(p, "<b/>", 4);
	memcpy(p, "</r>", 5);
	return s;
}

/* pre + n copies of c + post. */
static char *filled(const char *pre, char c, size_t n, const char *post)
{
	size_t lp = strlen(pre), lq = strlen(post);
	char *s = malloc(lp + n + lq + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, pre, lp);
	memset(s + lp, c, n);
	memcpy(s + lp + n, post, lq + 1);
	return s;
}

/* ---- the tree ---- */

static void test_namespaces(void)
{
	struct xml_doc *d = parse_ok(
		"<s:Envelope xmlns:s=\"urn:soap\" xmlns=\"urn:default\">"
		"<s:Body><Get><inner xmlns=\"urn:other\"/><plain xmlns=\"\"/>"
		"<s:x xmlns:s=\"urn:redefined\"/></Get></s:Body></s:Envelope>");
	const struct xml_node *r, *body, *get, *c;

	REQUIRE(d != NULL);
	r = xml_root(d);
	CHECK_STR(r->ns, "urn:soap");
	CHECK_STR(r->name, "Envelope");
	CHECK(r->parent == NULL);
	body = xml_child(r, "urn:soap", "Body");
	REQUIRE(body != NULL);
	get = xml_child(body, "urn:default", "Get");
	REQUIRE(get != NULL);
	CHECK(xml_child(body, "urn:soap", "Get") == NULL);
	CHECK(xml_child(body, "", "Get") == NULL);
	c = get->first_child;
	REQUIRE(c != NULL);
	CHECK_STR(c->ns, "urn:other");
	CHECK_STR(c->name, "inner");
	c = c->next_sibling;
	REQUIRE(c != NULL);
	CHECK_STR(c->ns, "");
	CHECK_STR(c->name, "plain");
	CHECK(xml_child(get, "", "plain") == c);
	c = c->next_sibling;
	REQUIRE(c != NULL);
	CHECK_STR(c->ns, "urn:redefined");
	CHECK_STR(c->name, "x");
	CHECK(c->next_sibling == NULL);
	xml_free(d);

	/* An unbound prefix is malformed. */
	CHECK(fails("<q:a/>", NULL, OW_EINVAL, "unbound prefix"));
}

static void test_attributes(void)
{
	struct xml_doc *d = parse_ok(
		"<a xmlns:x=\"urn:x\" xmlns=\"urn:d\" k=\"plain\" x:k=\"qualified\" "
		"xml:lang=\"en\" e=\"&lt;&amp;&#x41;&quot;\" sp=\"a&#10;b\tc\"/>");
	const struct xml_node *n;
	int seen_q = 0;

	REQUIRE(d != NULL);
	n = xml_root(d);
	/* xmlns declarations are not attributes. */
	CHECK(n->nattrs == 5);
	CHECK_STR(xml_attr(n, "k"), "plain");
	CHECK_STR(xml_attr_ns(n, "urn:x", "k"), "qualified");
	CHECK_STR(xml_attr_ns(n, "", "k"), "plain");
	/* The default namespace does not apply to attributes. */
	CHECK(xml_attr_ns(n, "urn:d", "k") == NULL);
	CHECK(xml_attr(n, "lang") == NULL);
	CHECK_STR(xml_attr_ns(n, "http://www.w3.org/XML/1998/namespace", "lang"), "en");
	CHECK_STR(xml_attr(n, "e"), "<&A\"");
	/* Attribute-value normalization: a literal tab becomes a space, a
	 * character reference stays. */
	CHECK_STR(xml_attr(n, "sp"), "a\nb c");
	CHECK(xml_attr(n, "missing") == NULL);
	CHECK(xml_attr(NULL, "k") == NULL);
	for (size_t i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].ns, "urn:x") == 0 &&
		    strcmp(n->attrs[i].name, "k") == 0)
			seen_q = 1;
	CHECK(seen_q);
	CHECK_STR(n->attrs[0].name, "k");      /* document order */
	CHECK_STR(n->attrs[0].ns, "");
	xml_free(d);

	CHECK(fails("<a k=\"1\" k=\"2\"/>", NULL, OW_EINVAL, "duplicate attribute"));
	CHECK(fails("<a xmlns:x=\"urn:x\" xmlns:y=\"urn:x\" x:k=\"1\" y:k=\"2\"/>",
		    NULL, OW_EINVAL, "duplicate attribute"));
}

static void test_text(void)
{
	struct xml_doc *d = parse_ok(
		"<a>x &amp; y<![CDATA[<z> & ]]>&#65;&#x20AC;<b>inner</b>tail<c/></a>");
	const struct xml_node *a, *b, *c;

	REQUIRE(d != NULL);
	a = xml_root(d);
	CHECK_STR(a->text, "x & y<z> & A\xE2\x82\xAC" "tail");
	CHECK(a->text_len == strlen(a->text));
	b = xml_child(a, NULL, "b");
	REQUIRE(b != NULL);
	CHECK_STR(b->text, "inner");
	c = xml_child(a, NULL, "c");
	REQUIRE(c != NULL);
	CHECK_STR(c->text, "");
	CHECK(c->text_len == 0);
	xml_free(d);

	/* Whitespace is kept as it was; CR LF is normalized to LF. */
	d = parse_ok("<a>\r\n  <b> v </b>\r\n</a>");
	REQUIRE(d != NULL);
	CHECK_STR(xml_root(d)->text, "\n  \n");
	CHECK_STR(xml_root(d)->first_child->text, " v ");
	xml_free(d);

	CHECK(fails("<a>&undefined;</a>", NULL, OW_EINVAL, "undefined entity"));
	CHECK(fails("<a>&#0;</a>", NULL, OW_EINVAL, "reference to invalid character"));
}

static void test_lookup(void)
{
	struct xml_doc *d = parse_ok(
		"<r xmlns:p=\"urn:p\"><x i=\"1\"/><p:x i=\"2\"/><y/><x i=\"3\"/>"
		"<p:x i=\"4\"/></r>");
	const struct xml_node *r, *n;

	REQUIRE(d != NULL);
	r = xml_root(d);
	n = xml_child(r, "", "x");
	CHECK_STR(xml_attr(n, "i"), "1");
	n = xml_next(n, "", "x");
	CHECK_STR(xml_attr(n, "i"), "3");
	CHECK(xml_next(n, "", "x") == NULL);

	n = xml_child(r, "urn:p", "x");
	CHECK_STR(xml_attr(n, "i"), "2");
	n = xml_next(n, "urn:p", "x");
	CHECK_STR(xml_attr(n, "i"), "4");
	CHECK(xml_next(n, "urn:p", "x") == NULL);

	/* ns NULL: any namespace. */
	n = xml_child(r, NULL, "x");
	CHECK_STR(xml_attr(n, "i"), "1");
	n = xml_next(n, NULL, "x");
	CHECK_STR(xml_attr(n, "i"), "2");
	n = xml_next(n, NULL, "x");
	CHECK_STR(xml_attr(n, "i"), "3");
	/* name NULL: any element. */
	n = xml_child(r, NULL, NULL);
	CHECK(n == r->first_child);
	CHECK(xml_next(n, NULL, NULL) == n->next_sibling);

	CHECK(xml_child(r, "", "nothing") == NULL);
	CHECK(xml_child(NULL, NULL, "x") == NULL);
	CHECK(xml_next(NULL, NULL, "x") == NULL);
	CHECK(xml_child(xml_child(r, NULL, "y"), NULL, NULL) == NULL);
	CHECK(xml_root(NULL) == NULL);
	for (n = r->first_child; n != NULL; n = n->next_sibling)
		CHECK(n->parent == r);
	xml_free(d);
	xml_free(NULL);
}

static void test_raw_span(void)
{
	const char *s = "<?xml version=\"1.0\"?>\n<r><a x=\"1\">t<i/></a> <b/></r>";
	struct xml_doc *d = parse_ok(s);
	const struct xml_node *r, *a, *b, *i;

	REQUIRE(d != NULL);
	r = xml_root(d);
	a = xml_child(r, NULL, "a");
	b = xml_child(r, NULL, "b");
	REQUIRE(a != NULL && b != NULL);
	i = xml_child(a, NULL, "i");
	REQUIRE(i != NULL);
	CHECK_STR(a->text, "t");
	CHECK_STR(r->text, " ");
	CHECK(r->raw_start == strstr(s, "<r>"));
	CHECK(r->raw_len == strlen("<r><a x=\"1\">t<i/></a> <b/></r>"));
	CHECK(a->raw_len == strlen("<a x=\"1\">t<i/></a>") &&
	      a->raw_start && memcmp(a->raw_start, "<a x=\"1\">t<i/></a>", a->raw_len) == 0);
	CHECK(b->raw_len == 4 && b->raw_start && memcmp(b->raw_start, "<b/>", 4) == 0);
	CHECK(i->raw_len == 4 && i->raw_start && memcmp(i->raw_start, "<i/>", 4) == 0);
	xml_free(d);
}

/* Thousands of nodes span many arena blocks; every pointer must still be
 * good (ASan watches). */
static void test_many_nodes_stable(void)
{
	size_t count = 20000, seen = 0;
	char *s = flat(count);
	struct xml_doc *d;
	const struct xml_node *r;

	REQUIRE(s != NULL);
	d = parse_ok(s);
	free(s);
	REQUIRE(d != NULL);
	r = xml_root(d);
	CHECK_STR(r->name, "r");
	for (const struct xml_node *n = r->first_child; n; n = n->next_sibling) {
		if (strcmp(n->name, "b") != 0 || n->parent != r)
			break;
		seen++;
	}
	CHECK(seen == count - 1);
	xml_free(d);
}

/* ---- safety ---- */

static void test_doctype_refused(void)
{
	char *fixture = NULL;
	size_t flen = 0;

	CHECK(fails("<?xml version=\"1.0\"?>\n<!DOCTYPE a [\n"
		    "<!ENTITY e \"expanded\">\n]>\n<a>&e;</a>", NULL, OW_EINVAL,
		    "DOCTYPE is not allowed"));
	CHECK(fails("<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>", NULL,
		    OW_EINVAL, "DOCTYPE is not allowed"));
	CHECK(fails("<!DOCTYPE a PUBLIC \"-//x//y\" \"http://example.invalid/x.dtd\"><a/>",
		    NULL, OW_EINVAL, "DOCTYPE is not allowed"));
	CHECK(fails("<!DOCTYPE a><a/>", NULL, OW_EINVAL, "DOCTYPE is not allowed"));
	/* Parameter entities and external general entities. */
	CHECK(fails("<!DOCTYPE a [<!ENTITY % p SYSTEM \"http://example.invalid/\"> %p;]><a/>",
		    NULL, OW_EINVAL, "DOCTYPE is not allowed"));
	CHECK(fails("<!DOCTYPE a [<!ENTITY x SYSTEM \"/etc/passwd\">]><a>&x;</a>",
		    NULL, OW_EINVAL, "line 1, column"));

	/* The spec-derived XXE sample: refused on its DOCTYPE line. */
	REQUIRE(ow_read_file(FIXTURES "dtd_external_entity.xml", 65536, &fixture,
			     &flen, NULL) == 0);
	CHECK(fails_n(fixture, flen, NULL, OW_EINVAL, "line 2, column"));
	CHECK(fails_n(fixture, flen, NULL, OW_EINVAL, "DOCTYPE is not allowed"));
	free(fixture);
}

static void test_billion_laughs(void)
{
	const char *bomb =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n<lolz>&lol9;</lolz>";
	/* Without a DOCTYPE there is no entity to expand at all. */
	const char *nodecl = "<lolz>&lol9;</lolz>";

	CHECK(fails(bomb, NULL, OW_EINVAL, "DOCTYPE is not allowed"));
	CHECK(fails(nodecl, NULL, OW_EINVAL, "undefined entity"));
}

static void test_depth(void)
{
	char *ok = nested(OW_MAX_XML_DEPTH), *deep = nested(OW_MAX_XML_DEPTH + 1);
	struct xml_limits lim = xml_default_limits;
	struct xml_doc *d;
	size_t depth = 0;

	REQUIRE(ok != NULL && deep != NULL);
	CHECK(OW_MAX_XML_DEPTH == 64);
	d = parse_ok(ok);
	CHECK(d != NULL);
	for (const struct xml_node *n = xml_root(d); n; n = n->first_child)
		depth++;
	CHECK(depth == 64);
	xml_free(d);
	CHECK(fails(deep, NULL, OW_ELIMIT, "nested deeper than 64"));
	/* The message gives the position of the 65th start tag. */
	CHECK(fails(deep, NULL, OW_ELIMIT, "line 1, column 193:"));

	lim.max_depth = 2;
	CHECK(fails("<a><b><c/></b></a>", &lim, OW_ELIMIT, "nested deeper than 2"));
	free(ok);
	free(deep);
}

static void test_node_limit(void)
{
	struct xml_limits lim = xml_default_limits;
	char *at = flat(OW_MAX_XML_NODES), *over = flat(OW_MAX_XML_NODES + 1);
	struct xml_doc *d = NULL;

	REQUIRE(at != NULL && over != NULL);
	CHECK(xml_parse(at, strlen(at), NULL, &d, NULL) == 0);
	xml_free(d);
	CHECK(fails(over, NULL, OW_ELIMIT, "more than 200000 elements"));
	free(at);
	free(over);

	lim.max_nodes = 3;
	d = NULL;
	CHECK(xml_parse("<a><b/><c/></a>", 15, &lim, &d, NULL) == 0);
	xml_free(d);
	CHECK(fails("<a><b/><c/><d/></a>", &lim, OW_ELIMIT, "more than 3 elements"));
}

static void test_attr_limit(void)
{
	char *at = filled("<a v=\"", 'x', OW_MAX_XML_ATTR_BYTES, "\"/>");
	char *over = filled("<a v=\"", 'x', OW_MAX_XML_ATTR_BYTES + 1, "\"/>");
	struct xml_limits lim = xml_default_limits;
	struct xml_doc *d;

	REQUIRE(at != NULL && over != NULL);
	d = parse_ok(at);
	REQUIRE(d != NULL);
	CHECK(strlen(xml_attr(xml_root(d), "v")) == OW_MAX_XML_ATTR_BYTES);
	xml_free(d);
	CHECK(fails(over, NULL, OW_ELIMIT, "value of attribute 'v' is longer than 65536"));
	free(at);
	free(over);

	/* Measured after decoding: 4 bytes of "&lt;" are one byte. */
	lim.max_attr_bytes = 3;
	d = NULL;
	CHECK(xml_parse("<a v=\"&lt;&lt;&lt;\"/>", 21, &lim, &d, NULL) == 0);
	xml_free(d);
	CHECK(fails("<a v=\"&lt;&lt;&lt;&lt;\"/>", &lim, OW_ELIMIT, "attribute 'v'"));
}

static void test_text_limit(void)
{
	char *at = filled("<r><a>", 'x', OW_MAX_XML_TEXT_BYTES, "</a></r>");
	char *over = filled("<r><a>", 'x', OW_MAX_XML_TEXT_BYTES + 1, "</a></r>");
	struct xml_limits lim = xml_default_limits;
	struct xml_doc *d;

	REQUIRE(at != NULL && over != NULL);
	d = parse_ok(at);
	REQUIRE(d != NULL);
	CHECK(xml_root(d)->first_child->text_len == OW_MAX_XML_TEXT_BYTES);
	xml_free(d);
	CHECK(fails(over, NULL, OW_ELIMIT, "text of element 'a' is longer than 1048576"));
	free(at);
	free(over);

	/* The limit is per element and counts every piece, CDATA and
	 * entities included, but not the children's text. */
	lim.max_text_bytes = 4;
	d = NULL;
	CHECK(xml_parse("<a>ab<b>1234</b>c&amp;</a>", 26, &lim, &d, NULL) == 0);
	xml_free(d);
	CHECK(fails("<a>ab<b/>c<![CDATA[de]]></a>", &lim, OW_ELIMIT, "element 'a'"));
}

static void test_byte_limit(void)
{
	struct xml_limits lim = xml_default_limits;
	size_t big = OW_MAX_XML_BYTES + 1;
	char *s = malloc(big);
	struct xml_doc *d = NULL;

	REQUIRE(s != NULL);
	/* Refused before parsing: the content does not matter. */
	memset(s, 'x', big);
	CHECK(fails_n(s, big, NULL, OW_ELIMIT, "larger than the limit of 8388608"));
	free(s);

	lim.max_bytes = 8;
	CHECK(xml_parse("<a>1</a>", 8, &lim, &d, NULL) == 0);
	xml_free(d);
	CHECK(fails("<a>12</a>", &lim, OW_ELIMIT, "XML document of 9 bytes"));
}

static void test_malformed(void)
{
	char *fixture = NULL;
	size_t flen = 0;

	CHECK(fails("<a><b></a>", NULL, OW_EINVAL, "line 1, column 9: mismatched tag"));
	CHECK(fails("<a>\n <b>\n</a>", NULL, OW_EINVAL, "line 3, column 3: mismatched tag"));
	CHECK(fails("<a>\n<b>text", NULL, OW_EINVAL, "line 2"));
	CHECK(fails("<a>", NULL, OW_EINVAL, "no element found"));
	CHECK(fails("", NULL, OW_EINVAL, "no element found"));
	CHECK(fails("   ", NULL, OW_EINVAL, "no element found"));
	CHECK(fails("<a/><b/>", NULL, OW_EINVAL, "junk after document element"));
	CHECK(fails("<a b=c/>", NULL, OW_EINVAL, "not well-formed"));
	CHECK(fails("<a>\xff</a>", NULL, OW_EINVAL, "not well-formed"));
	CHECK(fails("<?xml version=\"1.0\" encoding=\"x-made-up\"?><a/>", NULL,
		    OW_EINVAL, "encoding"));

	REQUIRE(ow_read_file(FIXTURES "malformed_unclosed.xml", 65536, &fixture,
			     &flen, NULL) == 0);
	/* <protocolVersion> on line 5 is closed by </soap:Body> on line 6. */
	CHECK(fails_n(fixture, flen, NULL, OW_EINVAL, "line 6, column 5: mismatched tag"));
	free(fixture);
}

static void test_nul(void)
{
	static const char s[] = "<a>x\0y</a>";
	static const char u16[] = "\xFF\xFE<\0a\0>\0\0\0<\0/\0a\0>\0";
	/* UTF-16 where NUL bytes of two characters touch is fine:
	 * "<a>a\u0100</a>" has "a\0" then "\0\x01". */
	static const char u16ok[] = "\xFF\xFE<\0a\0>\0a\0\0\x01<\0/\0a\0>\0";

	CHECK(fails_n(s, sizeof(s) - 1, NULL, OW_EINVAL, "NUL character"));
	CHECK(fails_n("\0<a/>", 5, NULL, OW_EINVAL, "NUL character"));
	CHECK(fails_n(u16, sizeof(u16) - 1, NULL, OW_EINVAL, "NUL character"));
	{
		struct xml_doc *d = NULL;

		CHECK(xml_parse(u16ok, sizeof(u16ok) - 1, NULL, &d, NULL) == 0);
		CHECK(d != NULL && strcmp(xml_root(d)->text, "a\xC4\x80") == 0);
		xml_free(d);
	}
}

/* ASCII plus U+00E9 ('\x01' in the template) as UTF-16 with a BOM. */
static size_t utf16(const char *ascii, int big_endian, char *out)
{
	size_t o = 0;

	out[o++] = big_endian ? '\xFE' : '\xFF';
	out[o++] = big_endian ? '\xFF' : '\xFE';
	for (const char *p = ascii; *p; p++) {
		char c = *p == '\x01' ? '\xE9' : *p;

		out[o++] = big_endian ? '\0' : c;
		out[o++] = big_endian ? c : '\0';
	}
	return o;
}

static void test_utf16(void)
{
	const char *tmpl = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
			   "<a xmlns=\"urn:u\" k=\"caf\x01\">caf\x01<b/></a>";
	char buf[512];

	for (int be = 0; be <= 1; be++) {
		size_t n = utf16(tmpl, be, buf);
		struct ow_err err = { 0, "" };
		struct xml_doc *d = NULL;
		const struct xml_node *r;

		if (xml_parse(buf, n, NULL, &d, &err) != 0) {
			fprintf(stderr, "  UTF-16%s: %s\n", be ? "BE" : "LE", err.msg);
			CHECK(0);
			continue;
		}
		r = xml_root(d);
		CHECK_STR(r->ns, "urn:u");
		CHECK_STR(r->name, "a");
		CHECK_STR(xml_attr(r, "k"), "caf\xC3\xA9");    /* UTF-8 in the tree */
		CHECK_STR(r->text, "caf\xC3\xA9");
		CHECK(xml_child(r, "urn:u", "b") != NULL);
		/* The span is in the input's bytes. */
		CHECK(r->raw_start == buf + 2 + 2 * strcspn(tmpl, ">") + 2);
		xml_free(d);
	}
	/* UTF-16 without a BOM is refused, with a hint. */
	{
		size_t n = utf16("<a/>", 0, buf);

		CHECK(fails_n(buf + 2, n - 2, NULL, OW_EINVAL, "byte-order mark"));
	}
	/* A UTF-8 BOM is skipped. */
	{
		struct xml_doc *d = parse_ok("\xEF\xBB\xBF<a>x</a>");

		CHECK(d != NULL && strcmp(xml_root(d)->text, "x") == 0);
		xml_free(d);
	}
	/* ISO-8859-1 is converted too. */
	{
		struct xml_doc *d = parse_ok("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
					     "<a>caf\xE9</a>");

		REQUIRE(d != NULL);
		CHECK_STR(xml_root(d)->text, "caf\xC3\xA9");
		xml_free(d);
	}
}

int main(void)
{
	RUN(test_namespaces);
	RUN(test_attributes);
	RUN(test_text);
	RUN(test_lookup);
	RUN(test_raw_span);
	RUN(test_many_nodes_stable);
	RUN(test_doctype_refused);
	RUN(test_billion_laughs);
	RUN(test_depth);
	RUN(test_node_limit);
	RUN(test_attr_limit);
	RUN(test_text_limit);
	RUN(test_byte_limit);
	RUN(test_malformed);
	RUN(test_nul);
	RUN(test_utf16);
	return check_done();
}
