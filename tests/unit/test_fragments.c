/* SPDX-License-Identifier: MIT */
/*
 * MS-WUSP fragments derived from update documents, held to what a real
 * WSUS (Windows Server 2025) sent a real Windows client for the same
 * revisions: the golden files of wusp-reference/ (Core, Extended,
 * LocalizedProperties "en" of the nine documents in docs/) and, for the
 * three categories whose Extended and two whose LocalizedProperties are not
 * in wusp-reference/, the GetExtendedUpdateInfo answer of the native scan.
 * Then the rules the capture cannot show (other rule namespaces, escaping,
 * Core attributes), whitespace and UTF-16 input, and the failures.
 *
 * How each golden case is compared (decided per case in `golden`):
 *  - CMP_BYTES: byte for byte. Every Core and Extended case, and every
 *    LocalizedProperties case but one.
 *  - CMP_LINKID: byte for byte after "LinkId=<value>" is replaced by
 *    "LinkId=REDACTED" on both sides. Only a2fef9b0's LocalizedProperties,
 *    whose SupportUrl was redacted when the capture was sanitized (README
 *    of wsus-m0-wsusss): the real WSUS sent the document's value.
 * No case needs a looser comparison. The tree canonicalizer below (names,
 * namespaces, attributes as a set, non-blank text, child order) is not a
 * pass criterion: when bytes differ it tells a cosmetic difference (same
 * trees) from a real one in the failure message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "check.h"
#include "wusp/fragments.h"
#include "xml/xml.h"

#define M5 "../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-wsusss/"
#define DOCS M5 "docs/"
#define REF M5 "wusp-reference/"
#define NATIVE_EXT "../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-native/" \
	"scan/000010/response.body"

#define FILE_MAX (1 << 20)
#define OUT_MAX (4 << 20)

enum cmp { CMP_BYTES, CMP_LINKID };

static const char *const revisions[] = {
	"1f9bd9bb-7390-4aa3-bbdb-ded99fac2583-r200",
	"266f6222-c89d-43f2-9f8a-69340271e677-r200",
	"56309036-4c77-4dd9-951a-99ee9c246a94-r101",
	"6964aab4-c5b5-43bd-a17d-ffb4346a8e1d-r100",
	"7366a74a-ef29-44e1-b738-570b516aca1f-r200",
	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200",
	"ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200",
	"dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202",
	"ff36f0b5-dded-4780-8664-cd78af8b62c1-r200",
};
#define NREV (sizeof(revisions) / sizeof(revisions[0]))

/* Outcome counts over every golden comparison, printed at the end. */
static int n_exact, n_linkid, n_failed;

static char *slurp(const char *path, size_t *len)
{
	struct ow_err err = { 0, "" };
	char *data = NULL;

	if (ow_read_file(path, FILE_MAX, &data, len, &err) != 0) {
		fprintf(stderr, "  %s: %s\n", path, err.msg);
		return NULL;
	}
	return data;
}

static int file_exists(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return 0;
	fclose(f);
	return 1;
}

/* Derives a fragment into a new string (caller frees); NULL on failure. */
static char *derive(const char *doc, size_t len, enum wusp_fragment t,
		    const char *lang)
{
	struct ow_err err = { 0, "" };
	struct ow_buf b;

	ow_buf_init(&b, OUT_MAX);
	if (wusp_fragment_derive(doc, len, t, lang, &b, &err) != 0) {
		fprintf(stderr, "  derive: %s\n", err.msg);
		ow_buf_release(&b);
		return NULL;
	}
	if (b.data == NULL)
		return strdup("");
	return ow_buf_detach(&b, NULL);
}

/* ---- the tree canonicalizer (diagnostics only) ---- */

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

static int same_node(const struct xml_node *a, const struct xml_node *b)
{
	const struct xml_node *ca, *cb;
	size_t i;

	if (strcmp(a->ns, b->ns) != 0 || strcmp(a->name, b->name) != 0 ||
	    a->nattrs != b->nattrs)
		return 0;
	for (i = 0; i < a->nattrs; i++) {
		const char *v = xml_attr_ns(b, a->attrs[i].ns, a->attrs[i].name);

		if (v == NULL || strcmp(v, a->attrs[i].value) != 0)
			return 0;
	}
	if (!(blank(a->text, a->text_len) && blank(b->text, b->text_len)) &&
	    strcmp(a->text, b->text) != 0)
		return 0;
	for (ca = a->first_child, cb = b->first_child; ca && cb;
	     ca = ca->next_sibling, cb = cb->next_sibling)
		if (!same_node(ca, cb))
			return 0;
	return ca == NULL && cb == NULL;
}

/* Whether two fragments (sibling sequences) have the same element trees:
 * each is wrapped in one root element and parsed. */
static int same_trees(const char *x, const char *y)
{
	struct xml_doc *dx = NULL, *dy = NULL;
	struct ow_buf bx, by;
	int same = 0;

	ow_buf_init(&bx, OUT_MAX);
	ow_buf_init(&by, OUT_MAX);
	if (ow_buf_printf(&bx, "<r>%s</r>", x) == 0 &&
	    ow_buf_printf(&by, "<r>%s</r>", y) == 0 &&
	    xml_parse(bx.data, bx.len, NULL, &dx, NULL) == 0 &&
	    xml_parse(by.data, by.len, NULL, &dy, NULL) == 0)
		same = same_node(xml_root(dx), xml_root(dy));
	xml_free(dx);
	xml_free(dy);
	ow_buf_release(&bx);
	ow_buf_release(&by);
	return same;
}

/* ---- comparing with a golden fragment ---- */

/* s with every "LinkId=<value>" (value up to < " & or the end) written as
 * "LinkId=REDACTED"; new string. */
static char *redact_linkid(const char *s)
{
	struct ow_buf b;
	const char *p;

	ow_buf_init(&b, OUT_MAX);
	while ((p = strstr(s, "LinkId=")) != NULL) {
		if (ow_buf_add(&b, s, (size_t)(p - s)) != 0 ||
		    ow_buf_adds(&b, "LinkId=REDACTED") != 0)
			break;
		s = p + strlen("LinkId=");
		s += strcspn(s, "<\"&");
	}
	if (ow_buf_adds(&b, s) != 0) {
		ow_buf_release(&b);
		return NULL;
	}
	return ow_buf_detach(&b, NULL);
}

/* Prints where two strings first differ. */
static void show_diff(const char *what, const char *got, const char *want)
{
	size_t i = 0;

	while (got[i] != '\0' && got[i] == want[i])
		i++;
	fprintf(stderr, "  %s: differs at byte %zu (%s)\n    got:  %.120s\n"
		"    want: %.120s\n", what, i,
		same_trees(got, want) ? "same element trees: cosmetic" :
		"element trees differ", got + (i > 40 ? i - 40 : 0),
		want + (i > 40 ? i - 40 : 0));
}

/* Compares got with golden want as mode says; counts the outcome. */
static int compare(const char *what, const char *got, const char *want,
		   enum cmp mode)
{
	char *g = NULL, *w = NULL;
	int ok = 0;

	if (strcmp(got, want) == 0) {
		n_exact++;
		return 1;
	}
	if (mode == CMP_LINKID) {
		g = redact_linkid(got);
		w = redact_linkid(want);
		ok = g != NULL && w != NULL && strcmp(g, w) == 0;
	}
	if (ok) {
		n_linkid++;
	} else {
		n_failed++;
		show_diff(what, got, want);
	}
	free(g);
	free(w);
	return ok;
}

static const struct {
	const char *suffix;
	enum wusp_fragment type;
} kinds[] = {
	{ "core", WUSP_FRAG_CORE },
	{ "extended", WUSP_FRAG_EXTENDED },
	{ "localized-en", WUSP_FRAG_LOCALIZED },
};

/* Every golden file of wusp-reference/. */
static void test_reference(void)
{
	size_t i, k;
	int cases = 0;

	for (i = 0; i < NREV; i++) {
		char path[512], what[128];
		size_t dlen, glen;
		char *doc, *got, *gold;

		snprintf(path, sizeof(path), DOCS "%s.xml", revisions[i]);
		doc = slurp(path, &dlen);
		REQUIRE(doc != NULL);
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			/* a2fef9b0's localized SupportUrl is redacted in the
			 * golden file; every other case is plain bytes. */
			enum cmp mode = kinds[k].type == WUSP_FRAG_LOCALIZED &&
				strncmp(revisions[i], "a2fef9b0", 8) == 0 ?
				CMP_LINKID : CMP_BYTES;

			snprintf(path, sizeof(path), REF "%s.%s.xml",
				 revisions[i], kinds[k].suffix);
			if (!file_exists(path))
				continue;
			snprintf(what, sizeof(what), "%.8s %s", revisions[i],
				 kinds[k].suffix);
			gold = slurp(path, &glen);
			got = derive(doc, dlen, kinds[k].type, "en");
			CHECK(gold != NULL && got != NULL);
			if (gold != NULL && got != NULL)
				CHECK(compare(what, got, gold, mode));
			cases++;
			free(gold);
			free(got);
		}
		free(doc);
	}
	/* 9 Core, 4 Extended, 7 LocalizedProperties golden files. */
	CHECK(cases == 20);
}

/* The category fragments wusp-reference/ lacks, from the native client's
 * GetExtendedUpdateInfo answer. Its revision ids are the server's own;
 * SyncUpdates 000006 to 000008 of the same scan tie them to documents. */
static void test_native_extended_info(void)
{
	static const struct {
		const char *id;
		const char *rev;
	} ids[] = {
		{ "72571", "dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202" },
		{ "108226", "56309036-4c77-4dd9-951a-99ee9c246a94-r101" },
		{ "108231", "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d-r100" },
	};
	const struct xml_node *n, *u;
	struct xml_doc *d = NULL;
	size_t len, i;
	int ext = 0, loc = 0;
	char *body = slurp(NATIVE_EXT, &len);

	REQUIRE(body != NULL);
	REQUIRE(xml_parse(body, len, NULL, &d, NULL) == 0);
	/* Envelope/Body/GetExtendedUpdateInfoResponse/...Result/Updates */
	n = xml_root(d);
	for (i = 0; i < 3 && n != NULL; i++)
		n = xml_child(n, NULL, NULL);
	n = xml_child(n, NULL, "Updates");
	REQUIRE(n != NULL);
	for (u = xml_child(n, NULL, "Update"); u; u = xml_next(u, NULL, "Update")) {
		const struct xml_node *id = xml_child(u, NULL, "ID");
		const struct xml_node *x = xml_child(u, NULL, "Xml");
		int is_ext = x && strncmp(x->text, "<ExtendedProperties", 19) == 0;
		char path[512], what[128];
		char *doc = NULL, *got = NULL;
		size_t dlen;

		REQUIRE(id != NULL && x != NULL);
		for (i = 0; i < 3 && strcmp(ids[i].id, id->text) != 0; i++)
			;
		REQUIRE(i < 3);
		/* dd78b8a1's LocalizedProperties is in wusp-reference/. */
		if (!is_ext && i == 0)
			continue;
		snprintf(path, sizeof(path), DOCS "%s.xml", ids[i].rev);
		snprintf(what, sizeof(what), "native %.8s %s", ids[i].rev,
			 is_ext ? "extended" : "localized-en");
		doc = slurp(path, &dlen);
		CHECK(doc != NULL);
		if (doc != NULL)
			got = derive(doc, dlen, is_ext ? WUSP_FRAG_EXTENDED :
				     WUSP_FRAG_LOCALIZED, "en");
		CHECK(got != NULL);
		if (got != NULL)
			CHECK(compare(what, got, x->text, CMP_BYTES));
		ext += is_ext;
		loc += !is_ext;
		free(doc);
		free(got);
	}
	CHECK(ext == 3 && loc == 2);
	xml_free(d);
	free(body);
}

/* ---- rules the capture does not show ---- */

#define UPD_OPEN "<upd:Update xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\">"
#define IDENT "<upd:UpdateIdentity UpdateID=\"AAAAAAAA-1111-4111-8111-111111111111\" RevisionNumber=\"7\" />"

static void expect(const char *doc, enum wusp_fragment t, const char *lang,
		   const char *want)
{
	char *got = derive(doc, strlen(doc), t, lang);

	CHECK_STR(got, want);
	free(got);
}

static void test_core_properties(void)
{
	/* Fixed order, true only, EulaID kept; the rest goes to Extended
	 * (document order) or nowhere (server-side, false Core booleans). */
	const char *doc = UPD_OPEN IDENT
		"<upd:Properties IsBeta=\"false\" PerUser=\"true\" EulaID=\"e-1\" "
		"AutoSelectOnWebSites=\"1\" UpdateType=\"Driver\" "
		"ExplicitlyDeployable=\"false\" IsPublic=\"false\" "
		"MsrcSeverity=\"Critical\" PublicationState=\"Published\" "
		"CreationDate=\"2020-01-01T00:00:00Z\" PublisherID=\"x\" />"
		"</upd:Update>";

	expect(doc, WUSP_FRAG_CORE, NULL,
	       "<UpdateIdentity UpdateID=\"AAAAAAAA-1111-4111-8111-111111111111\" "
	       "RevisionNumber=\"7\" /><Properties UpdateType=\"Driver\" "
	       "AutoSelectOnWebSites=\"true\" EulaID=\"e-1\" PerUser=\"true\" />");
	expect(doc, WUSP_FRAG_EXTENDED, NULL,
	       "<ExtendedProperties IsBeta=\"false\" MsrcSeverity=\"Critical\" />");
	/* No UpdateType means Software; no attributes at all still gives an
	 * ExtendedProperties element. */
	doc = UPD_OPEN IDENT "<upd:Properties></upd:Properties></upd:Update>";
	expect(doc, WUSP_FRAG_CORE, NULL,
	       "<UpdateIdentity UpdateID=\"AAAAAAAA-1111-4111-8111-111111111111\" "
	       "RevisionNumber=\"7\" /><Properties UpdateType=\"Software\" />");
	expect(doc, WUSP_FRAG_EXTENDED, NULL, "<ExtendedProperties />");
}

static void test_rule_namespaces(void)
{
	/* b./m./d. inside ApplicabilityRules only, whatever the document's
	 * prefixes; other namespaces bare; a default namespace works too. */
	const char *doc =
		"<Update xmlns=\"http://schemas.microsoft.com/msus/2002/12/Update\" "
		"xmlns:x=\"http://schemas.microsoft.com/msus/2002/12/LogicalApplicabilityRules\" "
		"xmlns:y=\"http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules\" "
		"xmlns:z=\"http://schemas.microsoft.com/msus/2002/12/MsiApplicabilityRules\" "
		"xmlns:w=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsDriver\" "
		"xmlns:c=\"urn:example:cbs\">"
		"<UpdateIdentity UpdateID=\"g\" RevisionNumber=\"1\"/>"
		"<Properties UpdateType=\"Driver\"/>"
		"<ApplicabilityRules><Metadata><w:WindowsDriverMetaData HardwareID=\"pci\\ven\"/>"
		"</Metadata><IsInstalled><x:Or><y:Processor Architecture=\"9\"/>"
		"<z:MsiFeatureInstalledForProduct><z:Feature>Admin</z:Feature>"
		"</z:MsiFeatureInstalledForProduct><c:CbsPackageInstalled P=\"1\"/>"
		"</x:Or></IsInstalled></ApplicabilityRules>"
		"<HandlerSpecificData xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
		"xsi:type=\"w:WindowsDriver\"><w:Data y:Other=\"dropped\" A=\"1\"/></HandlerSpecificData>"
		"</Update>";

	expect(doc, WUSP_FRAG_CORE, NULL,
	       "<UpdateIdentity UpdateID=\"g\" RevisionNumber=\"1\" />"
	       "<Properties UpdateType=\"Driver\" />"
	       "<ApplicabilityRules><Metadata><d.WindowsDriverMetaData HardwareID=\"pci\\ven\" />"
	       "</Metadata><IsInstalled><Or><b.Processor Architecture=\"9\" />"
	       "<m.MsiFeatureInstalledForProduct><m.Feature>Admin</m.Feature>"
	       "</m.MsiFeatureInstalledForProduct><CbsPackageInstalled P=\"1\" />"
	       "</Or></IsInstalled></ApplicabilityRules>");
	expect(doc, WUSP_FRAG_EXTENDED, NULL,
	       "<ExtendedProperties /><HandlerSpecificData type=\"w:WindowsDriver\">"
	       "<Data A=\"1\" /></HandlerSpecificData>");
}

static void test_escaping(void)
{
	const char *doc = UPD_OPEN IDENT
		"<upd:Properties UpdateType=\"Software\" Handler=\"a&amp;b&lt;c&gt;d&quot;e'f&#9;g&#10;h&#13;i\">"
		"<upd:SupportUrl>http://x/?a=1&amp;b=&lt;2&gt; \"q\" 'a'&#13;</upd:SupportUrl>"
		"</upd:Properties><upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
		"<upd:Language> pt-BR </upd:Language><upd:Title><![CDATA[A & B]]> \xc3\xa9</upd:Title>"
		"</upd:LocalizedProperties></upd:LocalizedPropertiesCollection></upd:Update>";

	expect(doc, WUSP_FRAG_EXTENDED, NULL,
	       "<ExtendedProperties Handler=\"a&amp;b&lt;c&gt;d&quot;e'f&#x9;g&#xA;h&#xD;i\">"
	       "<SupportUrl>http://x/?a=1&amp;b=&lt;2&gt; \"q\" 'a'&#xD;</SupportUrl>"
	       "</ExtendedProperties>");
	/* Language matches case-insensitively and trimmed; it is copied as
	 * written. */
	expect(doc, WUSP_FRAG_LOCALIZED, "pt-br",
	       "<LocalizedProperties><Language> pt-BR </Language>"
	       "<Title>A &amp; B \xc3\xa9</Title></LocalizedProperties>");
}

/* Indentation between elements changes no fragment. */
static void test_whitespace(void)
{
	size_t i, k, j;

	for (i = 0; i < NREV; i++) {
		char path[512];
		size_t len;
		char *doc, *pretty;
		struct ow_buf b;

		snprintf(path, sizeof(path), DOCS "%s.xml", revisions[i]);
		doc = slurp(path, &len);
		REQUIRE(doc != NULL);
		ow_buf_init(&b, OUT_MAX);
		for (j = 0; j < len; j++) {
			CHECK(ow_buf_add(&b, doc + j, 1) == 0);
			if (doc[j] == '>' && j + 1 < len && doc[j + 1] == '<')
				CHECK(ow_buf_adds(&b, "\n\t ") == 0);
		}
		pretty = b.data;
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			char *x = derive(doc, len, kinds[k].type, "en");
			char *y = derive(pretty, b.len, kinds[k].type, "en");

			CHECK(x != NULL && y != NULL);
			if (x && y && strcmp(x, y) != 0)
				show_diff(revisions[i], y, x);
			CHECK(x && y && strcmp(x, y) == 0);
			free(x);
			free(y);
		}
		ow_buf_release(&b);
		free(doc);
	}
}

/* The WSUS blob is UTF-16LE; the same document in UTF-16 gives the same
 * UTF-8 fragments (this one is ASCII, so widening converts it). */
static void test_utf16(void)
{
	const char *rev = "ff36f0b5-dded-4780-8664-cd78af8b62c1-r200";
	char path[512];
	size_t len, i, k;
	char *doc, *wide;

	snprintf(path, sizeof(path), DOCS "%s.xml", rev);
	doc = slurp(path, &len);
	REQUIRE(doc != NULL);
	wide = malloc(2 * len + 2);
	REQUIRE(wide != NULL);
	wide[0] = (char)0xff;
	wide[1] = (char)0xfe;
	for (i = 0; i < len; i++) {
		CHECK((unsigned char)doc[i] < 0x80);
		wide[2 + 2 * i] = doc[i];
		wide[3 + 2 * i] = 0;
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		char *x = derive(doc, len, kinds[k].type, "en");
		char *y = derive(wide, 2 * len + 2, kinds[k].type, "en");

		CHECK(x != NULL && y != NULL && strcmp(x, y) == 0);
		free(x);
		free(y);
	}
	free(wide);
	free(doc);
}

/* ---- languages and failures ---- */

static void test_languages(void)
{
	char list[256];
	size_t len;
	char *doc = slurp(DOCS "56309036-4c77-4dd9-951a-99ee9c246a94-r101.xml", &len);

	REQUIRE(doc != NULL);
	CHECK(wusp_fragment_languages(doc, len, list, sizeof(list), NULL) == 0);
	CHECK_STR(list, "ar,cs,da,de,el,en,es,fi,fr,he,hu,it,ja,ko,nl,no,pl,"
		  "pt,pt-br,ru,sv,tr,zh-cn,zh-tw");
	/* Exactly fits (80 bytes and the NUL); one byte short fails and
	 * leaves "". */
	CHECK(wusp_fragment_languages(doc, len, list, 81, NULL) == 0);
	CHECK(wusp_fragment_languages(doc, len, list, 80, NULL) == OW_ELIMIT);
	CHECK_STR(list, "");
	free(doc);

	/* Repeats once, none gives "", a bad tag is refused. */
	CHECK(wusp_fragment_languages(UPD_OPEN IDENT "<upd:Properties/>"
		"<upd:LocalizedPropertiesCollection>"
		"<upd:LocalizedProperties><upd:Language>en</upd:Language></upd:LocalizedProperties>"
		"<upd:LocalizedProperties><upd:Language> de </upd:Language></upd:LocalizedProperties>"
		"<upd:LocalizedProperties><upd:Language>en</upd:Language></upd:LocalizedProperties>"
		"</upd:LocalizedPropertiesCollection></upd:Update>", strlen(UPD_OPEN IDENT
		"<upd:Properties/><upd:LocalizedPropertiesCollection>"
		"<upd:LocalizedProperties><upd:Language>en</upd:Language></upd:LocalizedProperties>"
		"<upd:LocalizedProperties><upd:Language> de </upd:Language></upd:LocalizedProperties>"
		"<upd:LocalizedProperties><upd:Language>en</upd:Language></upd:LocalizedProperties>"
		"</upd:LocalizedPropertiesCollection></upd:Update>"), list, sizeof(list),
		NULL) == 0);
	CHECK_STR(list, "en,de");
	{
		const char *none = UPD_OPEN IDENT "<upd:Properties/></upd:Update>";
		const char *bad = UPD_OPEN IDENT "<upd:Properties/><upd:LocalizedPropertiesCollection>"
			"<upd:LocalizedProperties><upd:Language>en,fr</upd:Language>"
			"</upd:LocalizedProperties></upd:LocalizedPropertiesCollection></upd:Update>";

		CHECK(wusp_fragment_languages(none, strlen(none), list, sizeof(list), NULL) == 0);
		CHECK_STR(list, "");
		CHECK(wusp_fragment_languages(bad, strlen(bad), list, sizeof(list), NULL) == OW_EINVAL);
	}
}

/* Derives with a failure expected: code, and out left as it was. */
static void fails(const char *doc, enum wusp_fragment t, const char *lang,
		  int code, size_t max)
{
	struct ow_err err = { 0, "" };
	struct ow_buf b;
	int rc;

	ow_buf_init(&b, max);
	CHECK(ow_buf_adds(&b, "kept") == 0);
	rc = wusp_fragment_derive(doc, strlen(doc), t, lang, &b, &err);
	if (rc != code)
		fprintf(stderr, "  got %d (%s), want %d\n", rc, err.msg, code);
	CHECK(rc == code);
	CHECK(err.code == code && err.msg[0] != '\0');
	CHECK(b.len == 4 && strcmp(b.data, "kept") == 0);
	ow_buf_release(&b);
}

static void test_failures(void)
{
	const char *ok = UPD_OPEN IDENT "<upd:Properties/>"
		"<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
		"<upd:Language>en</upd:Language><upd:Title>T</upd:Title>"
		"</upd:LocalizedProperties></upd:LocalizedPropertiesCollection></upd:Update>";

	/* No LocalizedProperties for the language. */
	fails(ok, WUSP_FRAG_LOCALIZED, "fr", OW_ENOENT, OUT_MAX);
	fails(ok, WUSP_FRAG_LOCALIZED, "e", OW_ENOENT, OUT_MAX);
	fails(UPD_OPEN IDENT "<upd:Properties/></upd:Update>", WUSP_FRAG_LOCALIZED,
	      "en", OW_ENOENT, OUT_MAX);
	fails(ok, WUSP_FRAG_LOCALIZED, NULL, OW_EINVAL, OUT_MAX);
	fails(ok, WUSP_FRAG_LOCALIZED, "", OW_EINVAL, OUT_MAX);
	/* Malformed, wrong root, required elements missing or repeated. */
	fails(UPD_OPEN IDENT "<upd:Properties>", WUSP_FRAG_CORE, NULL, OW_EINVAL, OUT_MAX);
	fails("<Update>" IDENT "</Update>", WUSP_FRAG_CORE, NULL, OW_EINVAL, OUT_MAX);
	fails(UPD_OPEN "<upd:Properties/></upd:Update>", WUSP_FRAG_CORE, NULL,
	      OW_EINVAL, OUT_MAX);
	fails(UPD_OPEN IDENT IDENT "<upd:Properties/></upd:Update>",
	      WUSP_FRAG_EXTENDED, NULL, OW_EINVAL, OUT_MAX);
	fails(UPD_OPEN IDENT "</upd:Update>", WUSP_FRAG_LOCALIZED, "en", OW_EINVAL,
	      OUT_MAX);
	fails("<!DOCTYPE u [<!ENTITY e \"x\">]>" UPD_OPEN IDENT
	      "<upd:Properties/></upd:Update>", WUSP_FRAG_CORE, NULL, OW_EINVAL, OUT_MAX);
	fails(UPD_OPEN IDENT "<upd:Properties/><upd:HandlerSpecificData "
	      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	      "xsi:type=\"a\" type=\"b\"/></upd:Update>", WUSP_FRAG_EXTENDED, NULL,
	      OW_EINVAL, OUT_MAX);
	fails(ok, (enum wusp_fragment)42, NULL, OW_EINVAL, OUT_MAX);
	/* The output's ceiling: the buffer is restored. */
	fails(ok, WUSP_FRAG_CORE, NULL, OW_ELIMIT, 40);
}

static void summary(void)
{
	printf("fragments: %d byte-exact, %d byte-exact modulo the LinkId "
	       "redaction, %d different, of %d golden comparisons\n", n_exact,
	       n_linkid, n_failed, n_exact + n_linkid + n_failed);
	CHECK(n_failed == 0 && n_exact + n_linkid == 25);
}

int main(void)
{
	RUN(test_reference);
	RUN(test_native_extended_info);
	RUN(test_core_properties);
	RUN(test_rule_namespaces);
	RUN(test_escaping);
	RUN(test_whitespace);
	RUN(test_utf16);
	RUN(test_languages);
	RUN(test_failures);
	RUN(summary);
	return check_done();
}
