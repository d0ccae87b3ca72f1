/* SPDX-License-Identifier: MIT */
/*
 * The MS-WUSP response writers against the responses a real Windows Server
 * 2025 WSUS gave a real Windows 11 client (../shared/fixtures/.../scan/):
 * the same elements in the same order and namespaces. Values differ on
 * purpose (times, cookie bytes); where the structure differs on purpose
 * the test says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "check.h"
#include "wusp/response.h"
#include "xml/soap.h"
#include "xml/xml.h"

#define SCAN "../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-native/scan/"

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

int main(void)
{
	RUN(test_get_config);
	RUN(test_auth_cookie);
	RUN(test_get_cookie);
	RUN(test_register_and_category_scan);
	RUN(test_faults);
	return check_done();
}
