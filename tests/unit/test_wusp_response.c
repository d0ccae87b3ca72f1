/* SPDX-License-Identifier: MIT */
/*
 * The MS-WUSP response writers against the responses a real Windows Server
 * 2025 WSUS gave a real Windows 11 client (../shared/fixtures/.../scan/):
 * the same elements in the same order and namespaces. Values differ on
 * purpose (times, cookie bytes); where the structure differs on purpose
 * the test says so. The scan answers (SyncUpdates, GetExtendedUpdateInfo)
 * are built with the captures' own values and compared byte for byte, but
 * for the cookie's Expiration: WSUS writes 7 fractional digits, openwsus
 * whole seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "base/util.h"
#include "check.h"
#include "wusp/response.h"
#include "xml/soap.h"
#include "xml/xml.h"

#define SCAN "../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-native/scan/"
#define M0 "../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0/"

/* The envelope wusp_open/wusp_close write around a small expected body. */
#define ENVELOPE(op, ns, body)                                                              \
	"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"               \
	"<s:Body xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""                  \
	" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">"                                 \
	"<" op "Response xmlns=\"" ns "\">" body "</" op "Response></s:Body></s:Envelope>"

/* The Deployment every capture has: Evaluate, no Deadline, 2026-10-04. */
#define DEPLOYMENT(id)                                                                      \
	"<Deployment><ID>" id "</ID><Action>Evaluate</Action><IsAssigned>true</IsAssigned>"   \
	"<LastChangeTime>2026-10-04</LastChangeTime><AutoSelect>0</AutoSelect>"              \
	"<AutoDownload>0</AutoDownload><SupersedenceBehavior>0</SupersedenceBehavior>"       \
	"</Deployment>"

#define T_2026_10_04 1791072000      /* 2026-10-04T00:00:00Z */
#define T_DEADLINE 1791208800        /* 2026-10-05T14:00:00Z */

/* Compares element names and namespaces, in order, recursively. skip names
 * a ConfigurationProperty the captured server has and openwsus does not. */
static int same_shape(const struct xml_node *a, const struct xml_node *b, const char *skip,
		      const char *path)
{
	const struct xml_node *x = a->first_child, *y = b->first_child;

	if (strcmp(a->name, b->name) != 0 || strcmp(a->ns, b->ns) != 0) {
		fprintf(stderr, "  %s: <%s> (%s) != <%s> (%s)\n", path, a->name, a->ns, b->name, b->ns);
		return 0;
	}
	for (;;) {
		if (skip && y && strcmp(y->name, "ConfigurationProperty") == 0) {
			const struct xml_node *nm = xml_child(y, NULL, "Name");

			if (nm && strcmp(nm->text, skip) == 0) {
				y = y->next_sibling;
				continue;
			}
		}
		if (x == NULL || y == NULL)
			break;
		if (!same_shape(x, y, skip, a->name))
			return 0;
		x = x->next_sibling;
		y = y->next_sibling;
	}
	if (x || y) {
		fprintf(stderr, "  %s: %s has more children\n", a->name, x ? "ours" : "WSUS's");
		return 0;
	}
	return 1;
}

static int compare(const struct ow_buf *ours, const char *fixture, const char *skip)
{
	struct xml_doc *a = NULL, *b = NULL;
	struct ow_err err = { 0 };
	char *text = NULL;
	size_t len = 0;
	int ok = 0;

	if (ow_read_file(fixture, 1 << 20, &text, &len, &err) < 0) {
		fprintf(stderr, "  %s: %s\n", fixture, err.msg);
		return 0;
	}
	if (xml_parse(ours->data, ours->len, NULL, &a, &err) < 0)
		fprintf(stderr, "  ours does not parse: %s\n", err.msg);
	else if (xml_parse(text, len, NULL, &b, &err) < 0)
		fprintf(stderr, "  fixture does not parse: %s\n", err.msg);
	else
		ok = same_shape(xml_root(a), xml_root(b), skip, "");
	xml_free(a);
	xml_free(b);
	free(text);
	return ok;
}

static void test_get_config(void)
{
	struct wusp_config c = { .last_change = 1790000000, .registration_required = 1,
				 .client_reporting_level = 2 };
	struct ow_buf b;

	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_get_config(&b, &c) == 0);
	/* On purpose: no PackageServerShare (a UNC share of the WSUS host;
	 * clients fetch content over HTTP from openwsus). */
	CHECK(compare(&b, SCAN "000001/response.body", "PackageServerShare"));
	CHECK(strstr(b.data, "<Name>ProtocolVersion</Name><Value>3.2</Value>") != NULL);
	CHECK(strstr(b.data, "<ServiceUrl>SimpleAuthWebService/SimpleAuth.asmx</ServiceUrl>") != NULL);
	CHECK(strstr(b.data, "<LastChange>2026-09-21T") != NULL);
	ow_buf_release(&b);
}

static void test_auth_cookie(void)
{
	struct ow_buf b;

	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_get_auth_cookie(&b, "c2VhbGVk") == 0);
	CHECK(compare(&b, SCAN "000002/response.body", NULL));
	ow_buf_release(&b);
}

static void test_get_cookie(void)
{
	struct ow_buf b;

	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_get_cookie(&b, 1790003600, "c2VhbGVk") == 0);
	CHECK(compare(&b, SCAN "000003/response.body", NULL));
	CHECK(strstr(b.data, "<EncryptedData>c2VhbGVk</EncryptedData>") != NULL);
	ow_buf_release(&b);
}

static void test_register_and_category_scan(void)
{
	static const char *const ids[] = { "dd78b8a1-0b20-45c1-add6-4da72e9364cf" };
	struct ow_buf b;

	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_register_computer(&b) == 0);
	CHECK(compare(&b, SCAN "000004/response.body", NULL));
	ow_buf_release(&b);
	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_start_category_scan(&b, ids, 1) == 0);
	CHECK(compare(&b, SCAN "000005/response.body", NULL));
	ow_buf_release(&b);
}

static void test_faults(void)
{
	static const struct {
		enum wusp_error e;
		const char *code, *faultcode;
	} rows[] = {
		{ WUSP_E_INVALID_COOKIE, "InvalidCookie", "soap:Client" },
		{ WUSP_E_COOKIE_EXPIRED, "CookieExpired", "soap:Client" },
		{ WUSP_E_SERVER_CHANGED, "ServerChanged", "soap:Client" },
		{ WUSP_E_CONFIG_CHANGED, "ConfigChanged", "soap:Client" },
		{ WUSP_E_REGISTRATION_REQUIRED, "RegistrationRequired", "soap:Client" },
		{ WUSP_E_INVALID_PARAMETERS, "InvalidParameters", "soap:Client" },
		{ WUSP_E_INTERNAL, "InternalServerError", "soap:Server" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ow_buf b;
		char want[96];

		ow_buf_init(&b, 1 << 16);
		REQUIRE(wusp_fault(&b, rows[i].e, "why <it> failed", "https://x.example/ClientWebService/client.asmx",
				   "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"") == 0);
		snprintf(want, sizeof(want), "<ErrorCode>%s</ErrorCode>", rows[i].code);
		CHECK(strstr(b.data, want) != NULL);
		snprintf(want, sizeof(want), "<faultcode>%s</faultcode>", rows[i].faultcode);
		CHECK(strstr(b.data, want) != NULL);
		CHECK(strstr(b.data, "why &lt;it&gt; failed") != NULL);
		ow_buf_release(&b);
	}
}

/* ---- the scan writers ---- */

/* The buffer's text, "" when nothing was written. */
static const char *text_of(const struct ow_buf *b)
{
	return b->data ? b->data : "";
}

/* Removes the fraction of the first <Expiration> in s, in place: WSUS
 * writes 7 fractional digits ("16:03:35.9967236Z"), openwsus none. */
static void drop_fraction(char *s)
{
	char *p = strstr(s, "<Expiration>"), *dot, *z;

	if (p == NULL || (z = strstr(p, "Z</Expiration>")) == NULL)
		return;
	dot = memchr(p, '.', (size_t)(z - p));
	if (dot)
		memmove(dot, z, strlen(z) + 1);
}

/* Whether ours equals the captured body byte for byte, the Expiration
 * fraction aside (see drop_fraction). Prints the first difference. */
static int same_bytes(const struct ow_buf *ours, const char *fixture)
{
	struct ow_err err = { 0 };
	const char *o = text_of(ours);
	char *text = NULL;
	size_t len = 0, i = 0;
	int ok;

	if (ow_read_file(fixture, 1 << 20, &text, &len, &err) < 0) {
		fprintf(stderr, "  %s: %s\n", fixture, err.msg);
		return 0;
	}
	drop_fraction(text);
	ok = strcmp(o, text) == 0;
	if (!ok) {
		while (o[i] && o[i] == text[i])
			i++;
		fprintf(stderr, "  %s differs at byte %zu:\n  ours:   %.60s\n  theirs: %.60s\n",
			fixture, i, o + i, text + i);
	}
	free(text);
	return ok;
}

/* A capture, parsed: values for the writers come from it. */
struct capture {
	char *text;
	struct xml_doc *doc;
};

static int capture_load(struct capture *c, const char *fixture)
{
	struct ow_err err = { 0 };
	size_t len = 0;

	c->text = NULL;
	c->doc = NULL;
	if (ow_read_file(fixture, 1 << 20, &c->text, &len, &err) < 0 ||
	    xml_parse(c->text, len, NULL, &c->doc, &err) < 0) {
		fprintf(stderr, "  %s: %s\n", fixture, err.msg);
		return 0;
	}
	return 1;
}

static void capture_release(struct capture *c)
{
	xml_free(c->doc);
	free(c->text);
}

/* First element named name under n, depth first; NULL when none. */
static const struct xml_node *find(const struct xml_node *n, const char *name)
{
	for (const struct xml_node *k = n->first_child; k; k = k->next_sibling) {
		const struct xml_node *f;

		if (strcmp(k->name, name) == 0)
			return k;
		if ((f = find(k, name)) != NULL)
			return f;
	}
	return NULL;
}

/* Text of the child element named name ("" when missing). */
static const char *child_text(const struct xml_node *n, const char *name)
{
	const struct xml_node *k = xml_child(n, NULL, name);

	return k ? k->text : "";
}

static int32_t child_int(const struct xml_node *n, const char *name)
{
	long long v = -1;

	if (ow_parse_ll(child_text(n, name), INT32_MIN, INT32_MAX, &v) != 0)
		fprintf(stderr, "  <%s> is not an int\n", name);
	return (int32_t)v;
}

static int64_t time_of(const char *s)
{
	int64_t t = 0;

	if (ow_time_parse(s, &t) != 0)
		fprintf(stderr, "  '%s' is not a time\n", s);
	return t;
}

static void test_action_names(void)
{
	CHECK_STR(wusp_action_name(WUSP_ACTION_EVALUATE), "Evaluate");
	CHECK_STR(wusp_action_name(WUSP_ACTION_INSTALL), "Install");
	CHECK_STR(wusp_action_name(WUSP_ACTION_UNINSTALL), "Uninstall");
	CHECK_STR(wusp_action_name(WUSP_ACTION_BUNDLE), "Bundle");
	CHECK_STR(wusp_action_name((enum wusp_action)42), "Evaluate");
}

static void test_sync_small(void)
{
	static const char core[] = "<UpdateIdentity UpdateID=\"u\" RevisionNumber=\"2\" />";
	struct wusp_update_info u[2] = {
		{ .revision_id = 18, .is_leaf = 1, .xml = core, .xml_len = sizeof(core) - 1,
		  .deployment = { .id = 36, .action = WUSP_ACTION_INSTALL, .deadline = T_DEADLINE,
				  .last_change = T_2026_10_04 + 86399 } },
		{ .revision_id = 19, .xml = core, .xml_len = sizeof(core) - 1,
		  .deployment = { .id = 37, .action = WUSP_ACTION_BUNDLE, .last_change = T_2026_10_04 } },
	};
	static const int32_t oos[] = { 5, -1 }, doos[] = { 7 };
	struct wusp_sync_result r = {
		.updates = u, .nupdates = 1, .out_of_scope = oos, .nout_of_scope = 2,
		.changed = u + 1, .nchanged = 1, .truncated = 1, .cookie_expires = 1791129815,
		.cookie_b64 = "c2VhbGVk", .deployed_out_of_scope = doos, .ndeployed_out_of_scope = 1,
		.deployed_out_of_scope_present = 1,
	};
	struct ow_buf b;

	/* Every list, in MS-WUSP's order; a Deployment with and without a
	 * Deadline (the last second of a day is still that day). */
	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_sync_updates(&b, &r) == 0);
	CHECK_STR(text_of(&b), ENVELOPE("SyncUpdates", WUSP_NS_CLIENT,
		"<SyncUpdatesResult><NewUpdates><UpdateInfo><ID>18</ID>"
		"<Deployment><ID>36</ID><Action>Install</Action><Deadline>2026-10-05T14:00:00Z</Deadline>"
		"<IsAssigned>true</IsAssigned><LastChangeTime>2026-10-04</LastChangeTime>"
		"<AutoSelect>0</AutoSelect><AutoDownload>0</AutoDownload>"
		"<SupersedenceBehavior>0</SupersedenceBehavior></Deployment><IsLeaf>true</IsLeaf>"
		"<Xml>&lt;UpdateIdentity UpdateID=\"u\" RevisionNumber=\"2\" /&gt;</Xml></UpdateInfo></NewUpdates>"
		"<OutOfScopeRevisionIDs><int>5</int><int>-1</int></OutOfScopeRevisionIDs>"
		"<ChangedUpdates><UpdateInfo><ID>19</ID>"
		"<Deployment><ID>37</ID><Action>Bundle</Action>"
		"<IsAssigned>true</IsAssigned><LastChangeTime>2026-10-04</LastChangeTime>"
		"<AutoSelect>0</AutoSelect><AutoDownload>0</AutoDownload>"
		"<SupersedenceBehavior>0</SupersedenceBehavior></Deployment><IsLeaf>false</IsLeaf>"
		"<Xml>&lt;UpdateIdentity UpdateID=\"u\" RevisionNumber=\"2\" /&gt;</Xml></UpdateInfo></ChangedUpdates>"
		"<Truncated>true</Truncated>"
		"<NewCookie><Expiration>2026-10-04T16:03:35Z</Expiration><EncryptedData>c2VhbGVk</EncryptedData></NewCookie>"
		"<DeployedOutOfScopeRevisionIds><int>7</int></DeployedOutOfScopeRevisionIds>"
		"<DriverSyncNotNeeded>false</DriverSyncNotNeeded></SyncUpdatesResult>"));
	ow_buf_release(&b);

	/* Empty lists are left out; DeployedOutOfScopeRevisionIds present
	 * but empty is written empty. */
	r.nupdates = r.nout_of_scope = r.nchanged = r.ndeployed_out_of_scope = 0;
	r.truncated = 0;
	r.driver_sync_not_needed = 1;
	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_sync_updates(&b, &r) == 0);
	CHECK_STR(text_of(&b), ENVELOPE("SyncUpdates", WUSP_NS_CLIENT,
		"<SyncUpdatesResult><Truncated>false</Truncated>"
		"<NewCookie><Expiration>2026-10-04T16:03:35Z</Expiration><EncryptedData>c2VhbGVk</EncryptedData></NewCookie>"
		"<DeployedOutOfScopeRevisionIds></DeployedOutOfScopeRevisionIds>"
		"<DriverSyncNotNeeded>true</DriverSyncNotNeeded></SyncUpdatesResult>"));
	ow_buf_release(&b);
	r.deployed_out_of_scope_present = 0;
	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_sync_updates(&b, &r) == 0);
	CHECK(strstr(text_of(&b), "<SyncUpdatesResult><Truncated>") != NULL);
	CHECK(strstr(text_of(&b), "</NewCookie><DriverSyncNotNeeded>") != NULL);
	CHECK(strstr(text_of(&b), "DeployedOutOfScope") == NULL);
	ow_buf_release(&b);
}

/* The Xml of one update with fragment x of n bytes, or NULL on failure
 * (caller frees). */
static char *xml_written(const char *x, size_t n)
{
	struct wusp_update_data u = { .revision_id = 1, .xml = x, .xml_len = n };
	const char *open, *close;
	char *out = NULL;
	struct ow_buf b;

	ow_buf_init(&b, 1 << 20);
	if (wusp_get_extended_update_info(&b, &u, 1, NULL, 0, NULL, 0) == 0 &&
	    (open = strstr(b.data, "<Xml>")) != NULL && (close = strstr(open, "</Xml>")) != NULL)
		out = strndup(open + 5, (size_t)(close - open - 5));
	ow_buf_release(&b);
	return out;
}

static void test_fragment_escaping(void)
{
	static const char amp[] = "<a b=\"1\" c='2'>x & y > z</a>", nul[] = "a\0b";
	char long_text[3 * 600 + 1], *s;

	/* &, < and > become entities; quotes stay as WSUS writes them. */
	s = xml_written(amp, sizeof(amp) - 1);
	CHECK_STR(s, "&lt;a b=\"1\" c='2'&gt;x &amp; y &gt; z&lt;/a&gt;");
	free(s);
	/* xml_len counts: the fragment need not end in NUL, and a NUL, a
	 * control character or invalid UTF-8 inside it becomes U+FFFD. */
	s = xml_written("<b>xyz", 4);
	CHECK_STR(s, "&lt;b&gt;x");
	free(s);
	s = xml_written(nul, 3);
	CHECK_STR(s, "a\xEF\xBF\xBD" "b");
	free(s);
	s = xml_written("\x01\xff\"\xc3", 4);
	CHECK_STR(s, "\xEF\xBF\xBD\xEF\xBF\xBD\"\xEF\xBF\xBD");
	free(s);
	s = xml_written("", 0);
	CHECK_STR(s, "");
	free(s);
	/* Long text, with 3-byte characters across every run boundary,
	 * comes out whole. */
	for (size_t i = 0; i < 600; i++)
		memcpy(long_text + 3 * i, "\xe2\x82\xac", 3);
	long_text[sizeof(long_text) - 1] = '\0';
	s = xml_written(long_text + 1, sizeof(long_text) - 2);
	REQUIRE(s != NULL);
	CHECK(strncmp(s, "\xEF\xBF\xBD\xEF\xBF\xBD\xe2\x82\xac", 9) == 0);
	CHECK(strcmp(s + 6, long_text + 3) == 0);
	free(s);
}

static void test_sync_capture(void)
{
	/* scan/000006's values; the cookie is the capture's placeholder. */
	static const char core[] = "<UpdateIdentity UpdateID=\"56309036-4C77-4DD9-951A-99EE9C246A94\""
				   " RevisionNumber=\"101\" /><Properties UpdateType=\"Category\" />"
				   "<ApplicabilityRules><IsInstalled><True /></IsInstalled></ApplicabilityRules>";
	struct wusp_update_info u = {
		.revision_id = 108226, .xml = core, .xml_len = sizeof(core) - 1,
		.deployment = { .id = 8059, .action = WUSP_ACTION_EVALUATE, .last_change = T_2026_10_04 },
	};
	struct wusp_sync_result r = {
		.updates = &u, .nupdates = 1, .cookie_expires = time_of("2026-10-04T16:03:35Z"),
		.driver_sync_not_needed = 1,
	};
	struct capture c;
	struct ow_buf b;

	REQUIRE(capture_load(&c, SCAN "000006/response.body"));
	r.cookie_b64 = child_text(find(xml_root(c.doc), "NewCookie"), "EncryptedData");
	CHECK(strlen(r.cookie_b64) > 100);
	/* Byte for byte, but for the Expiration: WSUS writes 7 fractional
	 * digits, openwsus whole seconds (drop_fraction). */
	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_sync_updates(&b, &r) == 0);
	CHECK(same_bytes(&b, SCAN "000006/response.body"));
	CHECK(compare(&b, SCAN "000006/response.body", NULL));
	ow_buf_release(&b);
	/* scan/000009: nothing new, no NewUpdates element at all. */
	r.nupdates = 0;
	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_sync_updates(&b, &r) == 0);
	CHECK(same_bytes(&b, SCAN "000009/response.body"));
	CHECK(compare(&b, SCAN "000009/response.body", NULL));
	ow_buf_release(&b);
	capture_release(&c);
}

/* Rebuilds a captured SyncUpdates answer from the values in it (ids,
 * IsLeaf, Core text, Truncated, cookie, DriverSyncNotNeeded) and compares
 * bytes as test_sync_capture does. Every capture's deployments are
 * Evaluate, without Deadline, changed on 2026-10-04: checked, not read. */
static int sync_rebuilt(const char *fixture)
{
	struct wusp_update_info u[64];
	struct wusp_sync_result r = { .updates = u };
	const struct xml_node *res, *n, *cookie;
	struct capture c;
	struct ow_buf b;
	int ok = 0;

	if (!capture_load(&c, fixture))
		return 0;
	res = find(xml_root(c.doc), "SyncUpdatesResult");
	n = res ? xml_child(res, NULL, "NewUpdates") : NULL;
	for (n = n ? xml_child(n, NULL, "UpdateInfo") : NULL; n; n = xml_next(n, NULL, "UpdateInfo")) {
		const struct xml_node *d = xml_child(n, NULL, "Deployment");
		const char *x = child_text(n, "Xml");

		if (r.nupdates == sizeof(u) / sizeof(u[0]) || d == NULL ||
		    strcmp(child_text(d, "Action"), "Evaluate") != 0 || xml_child(d, NULL, "Deadline") ||
		    strcmp(child_text(d, "LastChangeTime"), "2026-10-04") != 0)
			goto fail;
		u[r.nupdates++] = (struct wusp_update_info){
			.revision_id = child_int(n, "ID"),
			.deployment = { .id = child_int(d, "ID"), .action = WUSP_ACTION_EVALUATE,
					.last_change = T_2026_10_04 },
			.is_leaf = strcmp(child_text(n, "IsLeaf"), "true") == 0,
			.xml = x,
			.xml_len = strlen(x),
		};
	}
	if (res == NULL || (cookie = xml_child(res, NULL, "NewCookie")) == NULL)
		goto fail;
	r.truncated = strcmp(child_text(res, "Truncated"), "true") == 0;
	r.cookie_expires = time_of(child_text(cookie, "Expiration"));
	r.cookie_b64 = child_text(cookie, "EncryptedData");
	r.driver_sync_not_needed = strcmp(child_text(res, "DriverSyncNotNeeded"), "true") == 0;
	ow_buf_init(&b, 1 << 20);
	ok = wusp_sync_updates(&b, &r) == 0 && r.nupdates > 0 && same_bytes(&b, fixture);
	ow_buf_release(&b);
fail:
	if (!ok)
		fprintf(stderr, "  %s: not rebuilt\n", fixture);
	capture_release(&c);
	return ok;
}

static void test_sync_captures_rebuilt(void)
{
	CHECK(sync_rebuilt(SCAN "000006/response.body"));
	CHECK(sync_rebuilt(SCAN "000007/response.body"));
	CHECK(sync_rebuilt(SCAN "000008/response.body"));
	/* 30 updates, Truncated true, DriverSyncNotNeeded false. */
	CHECK(sync_rebuilt(M0 "000005/response.body"));
}

static void test_extended_capture(void)
{
	struct wusp_update_data u[8];
	const struct xml_node *n;
	struct capture c;
	struct ow_buf b;
	size_t nu = 0;

	/* scan/000010: the six Update entries, ids and Xml texts read from
	 * the capture; no FileLocations, no OutOfScopeRevisionIDs. */
	REQUIRE(capture_load(&c, SCAN "000010/response.body"));
	n = find(xml_root(c.doc), "Updates");
	for (n = n ? xml_child(n, NULL, "Update") : NULL; n && nu < 8; n = xml_next(n, NULL, "Update")) {
		u[nu].revision_id = child_int(n, "ID");
		u[nu].xml = child_text(n, "Xml");
		u[nu].xml_len = strlen(u[nu].xml);
		nu++;
	}
	CHECK(nu == 6);
	ow_buf_init(&b, 1 << 16);
	CHECK(wusp_get_extended_update_info(&b, u, nu, NULL, 0, NULL, 0) == 0);
	CHECK(same_bytes(&b, SCAN "000010/response.body"));
	CHECK(compare(&b, SCAN "000010/response.body", NULL));
	ow_buf_release(&b);
	capture_release(&c);
}

/* SHA-1 of the empty string, and its base64. */
static const struct wusp_file_location empty_file = {
	.sha1 = { 0xda, 0x39, 0xa3, 0xee, 0x5e, 0x6b, 0x4b, 0x0d, 0x32, 0x55,
		  0xbf, 0xef, 0x95, 0x60, 0x18, 0x90, 0xaf, 0xd8, 0x07, 0x09 },
	.url = "http://wsus.example:8530/Content/09/DA39A3EE5E6B4B0D3255BFEF95601890AFD80709.cab?a=1&b=2",
};
#define EMPTY_FILE_LOCATION                                                                  \
	"<FileLocation><FileDigest>2jmj7l5rSw0yVb/vlWAYkK/YBwk=</FileDigest>"                \
	"<Url>http://wsus.example:8530/Content/09/DA39A3EE5E6B4B0D3255BFEF95601890AFD80709.cab" \
	"?a=1&amp;b=2</Url></FileLocation>"

static void test_extended_small(void)
{
	static const char lp[] = "<LocalizedProperties><Title>A & B</Title></LocalizedProperties>";
	static const struct wusp_update_data u[] = {
		{ .revision_id = 72571, .xml = lp, .xml_len = sizeof(lp) - 1 },
	};
	static const int32_t oos[] = { 3, 4 };
	struct ow_buf b;

	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_get_extended_update_info(&b, u, 1, &empty_file, 1, oos, 2) == 0);
	CHECK_STR(text_of(&b), ENVELOPE("GetExtendedUpdateInfo", WUSP_NS_CLIENT,
		"<GetExtendedUpdateInfoResult><Updates><Update><ID>72571</ID>"
		"<Xml>&lt;LocalizedProperties&gt;&lt;Title&gt;A &amp; B&lt;/Title&gt;&lt;/LocalizedProperties&gt;</Xml>"
		"</Update></Updates><FileLocations>" EMPTY_FILE_LOCATION "</FileLocations>"
		"<OutOfScopeRevisionIDs><int>3</int><int>4</int></OutOfScopeRevisionIDs>"
		"</GetExtendedUpdateInfoResult>"));
	ow_buf_release(&b);
	/* Only what is there: out of scope only, then nothing at all. */
	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_get_extended_update_info(&b, u, 0, &empty_file, 0, oos, 1) == 0);
	CHECK_STR(text_of(&b), ENVELOPE("GetExtendedUpdateInfo", WUSP_NS_CLIENT,
		"<GetExtendedUpdateInfoResult><OutOfScopeRevisionIDs><int>3</int></OutOfScopeRevisionIDs>"
		"</GetExtendedUpdateInfoResult>"));
	ow_buf_release(&b);
	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_get_extended_update_info(&b, NULL, 0, NULL, 0, NULL, 0) == 0);
	CHECK_STR(text_of(&b), ENVELOPE("GetExtendedUpdateInfo", WUSP_NS_CLIENT,
		"<GetExtendedUpdateInfoResult></GetExtendedUpdateInfoResult>"));
	ow_buf_release(&b);
}

static void test_file_locations(void)
{
	struct wusp_file_location two[2] = { empty_file, empty_file };
	struct ow_buf b;

	two[1].url = "/c/x";
	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_get_file_locations(&b, two, 2, 1791129815, "c2VhbGVk") == 0);
	CHECK_STR(text_of(&b), ENVELOPE("GetFileLocations", WUSP_NS_CLIENT,
		"<GetFileLocationsResult><FileLocations>" EMPTY_FILE_LOCATION
		"<FileLocation><FileDigest>2jmj7l5rSw0yVb/vlWAYkK/YBwk=</FileDigest><Url>/c/x</Url></FileLocation>"
		"</FileLocations><NewCookie><Expiration>2026-10-04T16:03:35Z</Expiration>"
		"<EncryptedData>c2VhbGVk</EncryptedData></NewCookie></GetFileLocationsResult>"));
	ow_buf_release(&b);
	/* FileLocations is always there, empty when nothing is known. */
	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_get_file_locations(&b, NULL, 0, 1791129815, "c2VhbGVk") == 0);
	CHECK_STR(text_of(&b), ENVELOPE("GetFileLocations", WUSP_NS_CLIENT,
		"<GetFileLocationsResult><FileLocations></FileLocations>"
		"<NewCookie><Expiration>2026-10-04T16:03:35Z</Expiration>"
		"<EncryptedData>c2VhbGVk</EncryptedData></NewCookie></GetFileLocationsResult>"));
	ow_buf_release(&b);
}

static void test_refresh_cache(void)
{
	struct wusp_refresh_result r[2] = {
		{ .revision_id = 72571, .update_id = "dd78b8a1-0b20-45c1-add6-4da72e9364cf",
		  .revision_number = 202, .is_leaf = 1,
		  .deployment = { .id = 4650, .action = WUSP_ACTION_EVALUATE, .last_change = T_2026_10_04 } },
		{ .revision_id = 9, .update_id = "56309036-4c77-4dd9-951a-99ee9c246a94",
		  .revision_number = 101,
		  .deployment = { .id = 10, .action = WUSP_ACTION_UNINSTALL, .deadline = T_DEADLINE,
				  .last_change = T_2026_10_04 } },
	};
	struct ow_buf b;

	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_refresh_cache(&b, r, 2) == 0);
	CHECK_STR(text_of(&b), ENVELOPE("RefreshCache", WUSP_NS_CLIENT,
		"<RefreshCacheResult><RefreshCacheResult><RevisionID>72571</RevisionID>"
		"<GlobalID><UpdateID>dd78b8a1-0b20-45c1-add6-4da72e9364cf</UpdateID>"
		"<RevisionNumber>202</RevisionNumber></GlobalID><IsLeaf>true</IsLeaf>"
		DEPLOYMENT("4650") "</RefreshCacheResult>"
		"<RefreshCacheResult><RevisionID>9</RevisionID>"
		"<GlobalID><UpdateID>56309036-4c77-4dd9-951a-99ee9c246a94</UpdateID>"
		"<RevisionNumber>101</RevisionNumber></GlobalID><IsLeaf>false</IsLeaf>"
		"<Deployment><ID>10</ID><Action>Uninstall</Action><Deadline>2026-10-05T14:00:00Z</Deadline>"
		"<IsAssigned>true</IsAssigned><LastChangeTime>2026-10-04</LastChangeTime>"
		"<AutoSelect>0</AutoSelect><AutoDownload>0</AutoDownload>"
		"<SupersedenceBehavior>0</SupersedenceBehavior></Deployment>"
		"</RefreshCacheResult></RefreshCacheResult>"));
	ow_buf_release(&b);
	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_refresh_cache(&b, NULL, 0) == 0);
	CHECK_STR(text_of(&b), ENVELOPE("RefreshCache", WUSP_NS_CLIENT,
		"<RefreshCacheResult></RefreshCacheResult>"));
	ow_buf_release(&b);
}

static void test_report_event_batch(void)
{
	struct ow_buf b;

	ow_buf_init(&b, 1 << 16);
	REQUIRE(wusp_report_event_batch(&b) == 0);
	CHECK_STR(text_of(&b), ENVELOPE("ReportEventBatch", "http://www.microsoft.com/SoftwareDistribution",
		"<ReportEventBatchResult>true</ReportEventBatchResult>"));
	ow_buf_release(&b);
}

/* Each writer, under every ceiling short of its answer, gives OW_ELIMIT;
 * with the exact ceiling it succeeds. */
enum writer { W_SYNC, W_EXTENDED, W_FILES, W_REFRESH, W_REPORT, NWRITERS };

static int write_one(struct ow_buf *b, enum writer w)
{
	static const char core[] = "<a b=\"&\">c</a>";
	static const int32_t ids[] = { 1, 2 };
	static const struct wusp_update_info u = {
		.revision_id = 1, .xml = core, .xml_len = sizeof(core) - 1,
		.deployment = { .id = 2, .deadline = T_DEADLINE, .last_change = T_2026_10_04 },
	};
	static const struct wusp_update_data d = { .revision_id = 1, .xml = core, .xml_len = sizeof(core) - 1 };
	static const struct wusp_refresh_result rr = {
		.revision_id = 1, .update_id = "dd78b8a1-0b20-45c1-add6-4da72e9364cf",
		.deployment = { .id = 2, .deadline = T_DEADLINE },
	};
	struct wusp_sync_result s = {
		.updates = &u, .nupdates = 1, .out_of_scope = ids, .nout_of_scope = 2, .changed = &u,
		.nchanged = 1, .cookie_b64 = "c2VhbGVk", .deployed_out_of_scope = ids,
		.ndeployed_out_of_scope = 2, .deployed_out_of_scope_present = 1,
	};

	switch (w) {
	case W_SYNC: return wusp_sync_updates(b, &s);
	case W_EXTENDED: return wusp_get_extended_update_info(b, &d, 1, &empty_file, 1, ids, 2);
	case W_FILES: return wusp_get_file_locations(b, &empty_file, 1, 0, "c2VhbGVk");
	case W_REFRESH: return wusp_refresh_cache(b, &rr, 1);
	case W_REPORT: return wusp_report_event_batch(b);
	case NWRITERS: break;
	}
	return OW_EINVAL;
}

static void test_ceiling(void)
{
	for (int w = 0; w < NWRITERS; w++) {
		struct ow_buf b;
		size_t full;
		int limited = 0;

		ow_buf_init(&b, 1 << 16);
		REQUIRE(write_one(&b, (enum writer)w) == 0);
		full = b.len;
		ow_buf_release(&b);
		for (size_t max = 0; max < full; max++) {
			ow_buf_init(&b, max);
			limited += write_one(&b, (enum writer)w) == OW_ELIMIT;
			CHECK(b.len <= max);
			ow_buf_release(&b);
		}
		CHECK((size_t)limited == full);
		ow_buf_init(&b, full);
		CHECK(write_one(&b, (enum writer)w) == 0);
		ow_buf_release(&b);
	}
}

int main(void)
{
	RUN(test_get_config);
	RUN(test_auth_cookie);
	RUN(test_get_cookie);
	RUN(test_register_and_category_scan);
	RUN(test_faults);
	RUN(test_action_names);
	RUN(test_sync_small);
	RUN(test_fragment_escaping);
	RUN(test_sync_capture);
	RUN(test_sync_captures_rebuilt);
	RUN(test_extended_capture);
	RUN(test_extended_small);
	RUN(test_file_locations);
	RUN(test_refresh_cache);
	RUN(test_report_event_batch);
	RUN(test_ceiling);
	return check_done();
}
