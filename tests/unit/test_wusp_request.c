/* SPDX-License-Identifier: MIT */
/*
 * MS-WUSP request decoding: every request of the native Windows 11 scan
 * capture and of the protocol-1.8 driver capture, each with the SOAPAction
 * it was sent with, checked field by field against values read from the
 * files; the spec-derived edge cases (SOAP 1.2, nil, empty, absent,
 * DOCTYPE); then hand-made requests that break one rule each and must be
 * refused with a message naming the fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "check.h"
#include "wusp/request.h"

#define NATIVE "../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-native/scan/"
#define M0 "../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0/"
#define SPEC "../shared/fixtures/wsus-rs/crates/wsus-protocol/tests/fixtures/"

#define CWS "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"
#define ACTION(op) "\"" CWS "/" op "\""
#define COOKIE "<cookie><Expiration>2026-10-04T16:03:35.9967236Z</Expiration>" \
	"<EncryptedData>AAAA</EncryptedData></cookie>"
#define SCAN_CLIENT_ID "e1da06a3-5601-43c9-bac3-52d5db701494"
#define ZDP "dd78b8a1-0b20-45c1-add6-4da72e9364cf"

static struct ow_err err;

/* The SOAPAction header of a request.headers file, or "" (malloc'd). */
static char *header_action(const char *path)
{
	char *data = NULL, *line, *save = NULL, *out = NULL;
	size_t len;

	if (ow_read_file(path, 1 << 16, &data, &len, &err) != 0)
		return NULL;
	for (line = strtok_r(data, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save))
		if (ow_strncasecmp(line, "SOAPAction:", 11) == 0)
			out = strdup(line + 11);
	free(data);
	return out ? out : strdup("");
}

/* Parses dir/request.body with the SOAPAction of dir/request.headers. */
static int parse_dir(const char *dir, struct wusp_request *r)
{
	char path[512], *data = NULL, *action;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "%srequest.headers", dir);
	action = header_action(path);
	snprintf(path, sizeof(path), "%srequest.body", dir);
	if (action == NULL || ow_read_file(path, 1 << 20, &data, &len, &err) != 0) {
		fprintf(stderr, "  %s: %s\n", path, err.msg);
		free(action);
		return -100;
	}
	rc = wusp_request_parse(data, len, action, r, &err);
	if (rc != 0)
		fprintf(stderr, "  %s: %s\n", path, err.msg);
	free(data);
	free(action);
	return rc;
}

static int parse_file(const char *path, const char *action, struct wusp_request *r)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (ow_read_file(path, 1 << 20, &data, &len, &err) != 0)
		return -100;
	rc = wusp_request_parse(data, len, action, r, &err);
	free(data);
	return rc;
}

/* A SOAP 1.1 request: <op xmlns=ns>inner</op> in an envelope (malloc'd). */
static char *soap(const char *op, const char *ns, const char *inner)
{
	struct ow_buf b;

	ow_buf_init(&b, 8 << 20);
	if (ow_buf_printf(&b, "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
			  "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><s:Body>"
			  "<%s xmlns=\"%s\">", op, ns) != 0 ||
	    ow_buf_adds(&b, inner) != 0 ||
	    ow_buf_printf(&b, "</%s></s:Body></s:Envelope>", op) != 0) {
		ow_buf_release(&b);
		return NULL;
	}
	return ow_buf_detach(&b, NULL);
}

/* Parses a request made by soap() for a ClientWebService op. */
static int parse_op(const char *op, const char *inner, const char *action,
		    struct wusp_request *r)
{
	char *s = soap(op, CWS, inner);
	int rc;

	if (s == NULL)
		return -100;
	rc = wusp_request_parse(s, strlen(s), action, r, &err);
	free(s);
	return rc;
}

static int parse_raw(const char *s, const char *action, struct wusp_request *r)
{
	return wusp_request_parse(s, strlen(s), action, r, &err);
}

/* The failed parse left nothing to release, and the message has want. */
static int refused(int rc, int code, const struct wusp_request *r, const char *want)
{
	if (rc != code) {
		fprintf(stderr, "  rc %d, want %d (%s)\n", rc, code, err.msg);
		return 0;
	}
	if (r->arena_ != NULL || r->doc_ != NULL)
		return 0;
	if (want != NULL && strstr(err.msg, want) == NULL) {
		fprintf(stderr, "  message \"%s\" lacks \"%s\"\n", err.msg, want);
		return 0;
	}
	return 1;
}

/* ---- the native Windows 11 scan ---- */

static void test_native_all_parse(void)
{
	static const enum wusp_op want[] = {
		WUSP_GET_CONFIG, WUSP_GET_AUTH_COOKIE, WUSP_GET_COOKIE,
		WUSP_REGISTER_COMPUTER, WUSP_START_CATEGORY_SCAN, WUSP_SYNC_UPDATES,
		WUSP_SYNC_UPDATES, WUSP_SYNC_UPDATES, WUSP_SYNC_UPDATES,
		WUSP_GET_EXTENDED_UPDATE_INFO,
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct wusp_request r;
		char dir[256];

		snprintf(dir, sizeof(dir), NATIVE "%06zu/", i + 1);
		if (parse_dir(dir, &r) != 0) {
			CHECK(0);
			continue;
		}
		CHECK(r.op == want[i]);
		CHECK_STR(r.op_name, wusp_op_name(want[i]));
		CHECK(r.soap12 == 0);
		wusp_request_release(&r);
		CHECK(r.op == WUSP_OP_UNKNOWN && r.doc_ == NULL && r.arena_ == NULL);
		wusp_request_release(&r);       /* twice is fine */
	}
}

static void test_native_handshake(void)
{
	struct wusp_request r;

	REQUIRE(parse_dir(NATIVE "000001/", &r) == 0);
	CHECK_STR(r.get_config.protocol_version, "2.90");
	wusp_request_release(&r);

	REQUIRE(parse_dir(NATIVE "000002/", &r) == 0);
	CHECK(r.op == WUSP_GET_AUTH_COOKIE);
	CHECK_STR(r.get_auth_cookie.client_id, SCAN_CLIENT_ID);
	CHECK(r.get_auth_cookie.target_group_name == NULL);    /* absent */
	CHECK_STR(r.get_auth_cookie.dns_name, "REDACTED3");
	wusp_request_release(&r);

	REQUIRE(parse_dir(NATIVE "000003/", &r) == 0);
	{
		const struct wusp_get_cookie *g = &r.get_cookie;

		CHECK(g->auth_cookies_present == 1 && g->nauth_cookies == 1);
		CHECK_STR(g->auth_cookies[0].plugin_id, "SimpleTargeting");
		CHECK(strlen(g->auth_cookies[0].cookie_data) == 664);
		/* The native client's first oldCookie has Expiration only. */
		CHECK(g->old_cookie.present == 1);
		CHECK_STR(g->old_cookie.expiration, "2026-10-04T15:03:36Z");
		CHECK(g->old_cookie.encrypted_data == NULL);
		CHECK_STR(g->last_change, "2026-10-04T13:17:07.59Z");
		CHECK_STR(g->current_time, "2026-10-04T15:03:36Z");
		CHECK_STR(g->protocol_version, "2.90");
	}
	wusp_request_release(&r);
}

static void test_native_register(void)
{
	struct wusp_request r;
	const struct wusp_computer_info *i = &r.register_computer.info;

	REQUIRE(parse_dir(NATIVE "000004/", &r) == 0);
	CHECK(r.register_computer.cookie.present == 1);
	CHECK_STR(r.register_computer.cookie.expiration, "2026-10-04T16:03:35.9967236Z");
	CHECK(strlen(r.register_computer.cookie.encrypted_data) == 300);
	CHECK_STR(i->dns_name, "REDACTED3");
	CHECK_STR(i->os_description, "Windows 10 Pro");
	CHECK(i->os_major_n == 10 && i->os_minor_n == 0 && i->os_build_n == 26200);
	CHECK(i->os_sp_major_n == 0 && i->os_sp_minor_n == 0);
	CHECK_STR(i->os_build, "26200");
	CHECK_STR(i->os_locale, "en-US");
	CHECK_STR(i->manufacturer, "QEMU");
	CHECK_STR(i->model, "Standard PC (Q35 + ICH9, 2009)");
	CHECK_STR(i->bios_version, "unknown");
	CHECK_STR(i->bios_name, "unknown");
	CHECK_STR(i->bios_release_date, "2022-02-02T00:00:00Z");
	CHECK_STR(i->processor_architecture, "AMD64");
	CHECK_STR(i->suite_mask, "256");
	CHECK_STR(i->old_product_type, "1");
	CHECK_STR(i->new_product_type, "48");
	CHECK_STR(i->system_metrics, "0");
	CHECK_STR(i->client_version_major, "1507");
	CHECK_STR(i->client_version_minor, "2601");
	CHECK_STR(i->client_version_build, "30012");
	CHECK_STR(i->client_version_qfe, "0");
	CHECK_STR(i->oem, "QEMU");
	CHECK_STR(i->device_type, "Standard PC (Q35 + ICH9, 2009)");
	CHECK_STR(i->firmware_version, "unknown");
	CHECK_STR(i->mobile_operator, "Not Present");
	wusp_request_release(&r);
}

static void test_native_category_scan(void)
{
	struct wusp_request r;

	REQUIRE(parse_dir(NATIVE "000005/", &r) == 0);
	CHECK(r.start_category_scan.cookie.present == 0);      /* sent without one */
	CHECK(r.start_category_scan.requested_present == 1);
	REQUIRE(r.start_category_scan.nrequested == 1);
	CHECK(r.start_category_scan.requested[0].index_of_and_group == 0);
	CHECK_STR(r.start_category_scan.requested[0].category_id, ZDP);
	wusp_request_release(&r);
}

static void test_native_sync_first(void)
{
	struct wusp_request r;
	const struct wusp_sync_params *p = &r.sync_updates.params;

	REQUIRE(parse_dir(NATIVE "000006/", &r) == 0);
	CHECK(r.sync_updates.cookie.present == 1);
	CHECK(p->express_query == 0 && p->skip_software_sync == 0);
	/* The first sync omits the cached-id arrays (not even empty). */
	CHECK(p->installed_non_leaf.present == 0 && p->installed_non_leaf.n == 0);
	CHECK(p->installed_non_leaf.v == NULL);
	CHECK(p->other_cached.present == 0 && p->other_cached.n == 0);
	CHECK(p->cached_drivers.present == 0);
	CHECK(p->system_spec_present == 0 && p->ndevices == 0);
	REQUIRE(p->filter_category_ids.n == 1);
	CHECK_STR(p->filter_category_ids.v[0], ZDP);
	CHECK(p->filter_app_category_ids.present == 0);
	CHECK(p->need_two_group_out_of_scope == 1);
	CHECK(p->also_perform_regular_sync == 0);
	CHECK(p->treat_app_category_ids_as_installed == -1);
	CHECK(p->computer_spec_present == 1 && p->computer_hardware_ids.present == 0);
	CHECK(p->feature_score_matching_key == NULL);
	CHECK(p->extended_info_present == 0);
	CHECK(p->products_present == 1 && p->sync_current_version_only == 0);
	CHECK(strncmp(p->device_attributes, "ActivationChannel=Retail;AIFabricCBSStableVer=", 46) == 0);
	CHECK(strlen(p->device_attributes) == 1575);
	CHECK_STR(p->caller_attributes,
		  "Interactive=0;SheddingAware=1;Id=OOBE ZDP;AADDeviceTokenState=WU:0x00248002;");
	CHECK_STR(p->products, "");
	wusp_request_release(&r);
}

static void test_native_sync_installed(void)
{
	struct wusp_request r;
	const struct wusp_sync_params *p = &r.sync_updates.params;

	REQUIRE(parse_dir(NATIVE "000007/", &r) == 0);
	REQUIRE(p->installed_non_leaf.present == 1 && p->installed_non_leaf.n == 1);
	CHECK(p->installed_non_leaf.v[0] == 108226);
	CHECK(p->other_cached.present == 0);
	wusp_request_release(&r);

	REQUIRE(parse_dir(NATIVE "000008/", &r) == 0);
	REQUIRE(p->installed_non_leaf.n == 2);
	CHECK(p->installed_non_leaf.v[0] == 108226 && p->installed_non_leaf.v[1] == 108231);
	CHECK(p->other_cached.present == 0);
	wusp_request_release(&r);
}

/* 000009, the driver pass (46 KB): counted in the file, 70 devices with
 * 186 hardware ids and 115 compatible ids; every device has an installed
 * driver; 5 have DeviceFlags; device 13 has one extension driver; 4
 * installed drivers carry SkipProviderFiltering; device 8 has no
 * MatchingID. */
static void test_native_sync_drivers(void)
{
	struct wusp_request r;
	const struct wusp_sync_params *p = &r.sync_updates.params;
	size_t hw = 0, compat = 0, inst = 0, flags = 0, ext = 0, spf = 0;

	REQUIRE(parse_dir(NATIVE "000009/", &r) == 0);
	CHECK(p->skip_software_sync == 1 && p->express_query == 0);
	REQUIRE(p->installed_non_leaf.n == 2);
	CHECK(p->installed_non_leaf.v[0] == 108226 && p->installed_non_leaf.v[1] == 108231);
	CHECK(p->other_cached.present == 0 && p->other_cached.n == 0);
	CHECK(p->cached_drivers.present == 0);
	REQUIRE(p->system_spec_present == 1 && p->ndevices == 70);
	for (size_t i = 0; i < p->ndevices; i++) {
		const struct wusp_device *d = &p->devices[i];

		hw += d->hardware_ids.n;
		compat += d->compatible_ids.n;
		inst += (size_t)d->has_installed_driver;
		flags += d->device_flags >= 0;
		ext += d->nextension_drivers;
		spf += d->installed.skip_provider_filtering >= 0;
	}
	CHECK(hw == 186 && compat == 115 && inst == 70 && flags == 5 && ext == 1 && spf == 4);

	{
		const struct wusp_device *d = &p->devices[0];

		REQUIRE(d->hardware_ids.n == 1);
		CHECK_STR(d->hardware_ids.v[0], "{6d170653-5280-44c2-ba44-2c04bc9d46da}");
		CHECK(d->compatible_ids.present == 0);
		CHECK_STR(d->installed.id, "{6d170653-5280-44c2-ba44-2c04bc9d46da}");
		CHECK_STR(d->installed.ver_date, "2006-06-21T00:00:00Z");
		CHECK(d->installed.ver_version == 2814751477604196LL);
		CHECK_STR(d->installed.class_, "Printer");
		CHECK_STR(d->installed.manufacturer, "Microsoft");
		CHECK_STR(d->installed.provider, "Microsoft");
		CHECK_STR(d->installed.model, "Universal Print Class Driver");
		CHECK_STR(d->installed.matching_computer_hwid, "");    /* nil */
		CHECK(d->installed.rank == -1);
		CHECK(d->device_flags == 1);
	}
	/* Entities decoded in hardware ids. */
	REQUIRE(p->devices[6].hardware_ids.n == 3);
	CHECK_STR(p->devices[6].hardware_ids.v[0], "ACPI\\VEN_PNP&DEV_0400");
	/* DriverVerDate 0001-01-01 and no MatchingID. */
	CHECK(p->devices[8].installed.id == NULL);
	CHECK_STR(p->devices[8].installed.ver_date, "0001-01-01T00:00:00Z");
	CHECK(p->devices[8].device_flags == -1);
	REQUIRE(p->devices[13].nextension_drivers == 1);
	CHECK_STR(p->devices[13].extension_drivers[0].id, "{96BEDF2C-18CB-4A15-B821-5E95ED0FEA61}");
	CHECK(p->devices[13].extension_drivers[0].ver_version == 2814751477600928LL);
	CHECK(p->devices[13].extension_drivers[0].rank == 16719872);
	CHECK_STR(p->devices[13].extension_drivers[0].class_,
		  "{E2F84CE7-8EFA-411C-AA69-97454CA4CB57}");

	CHECK(p->computer_spec_present == 1);
	REQUIRE(p->computer_hardware_ids.n == 6);
	CHECK_STR(p->computer_hardware_ids.v[0], "458ab48b-acb9-5863-b5a8-d2c32f0d3e6f");
	CHECK_STR(p->computer_hardware_ids.v[5], "3486fece-d7a3-58e0-a818-dd3796662b51");
	CHECK_STR(p->feature_score_matching_key, "AMD64.10.0");
	CHECK(p->filter_category_ids.n == 1);
	CHECK(p->also_perform_regular_sync == 0);
	wusp_request_release(&r);
}

static void test_native_extended_info(void)
{
	struct wusp_request r;
	const struct wusp_get_extended_update_info *g = &r.get_extended_update_info;

	REQUIRE(parse_dir(NATIVE "000010/", &r) == 0);
	CHECK(g->cookie.present == 1);
	REQUIRE(g->revision_ids.n == 3);
	CHECK(g->revision_ids.v[0] == 72571 && g->revision_ids.v[1] == 108226 &&
	      g->revision_ids.v[2] == 108231);
	REQUIRE(g->info_types.n == 2);
	CHECK_STR(g->info_types.v[0], "Extended");
	CHECK_STR(g->info_types.v[1], "LocalizedProperties");
	CHECK(g->info_mask == (WUSP_INFO_EXTENDED | WUSP_INFO_LOCALIZED_PROPERTIES));
	REQUIRE(g->locales.n == 2);
	CHECK_STR(g->locales.v[0], "en-US");
	CHECK_STR(g->locales.v[1], "en");
	CHECK_STR(g->geo_id, "USA");
	CHECK_STR(g->caller_attributes,
		  "Interactive=0;SheddingAware=1;Id=OOBE ZDP;AADDeviceTokenState=WU:0x00248002;");
	CHECK(g->device_attributes != NULL &&
	      strstr(g->device_attributes, "UpdateServiceUrl=http://192.0.2.1:8530;") != NULL);
	wusp_request_release(&r);
}

/* ---- the protocol 1.8 driver capture ---- */

static void test_m0_captures(void)
{
	struct wusp_request r;

	REQUIRE(parse_dir(M0 "000001/", &r) == 0);
	CHECK(r.op == WUSP_GET_CONFIG);
	CHECK_STR(r.get_config.protocol_version, "1.8");
	wusp_request_release(&r);

	REQUIRE(parse_dir(M0 "000002/", &r) == 0);
	CHECK_STR(r.get_auth_cookie.client_id, "992ff43e-9bbb-4e77-a850-9d01d0e632b4");
	CHECK_STR(r.get_auth_cookie.dns_name, "host3.invalid");
	CHECK(r.get_auth_cookie.target_group_name == NULL);
	wusp_request_release(&r);

	REQUIRE(parse_dir(M0 "000003/", &r) == 0);
	CHECK(r.get_cookie.nauth_cookies == 1);
	CHECK(r.get_cookie.old_cookie.present == 0);
	CHECK_STR(r.get_cookie.current_time, "2026-10-04T14:49:05Z");
	CHECK_STR(r.get_cookie.protocol_version, "1.8");
	wusp_request_release(&r);

	REQUIRE(parse_dir(M0 "000004/", &r) == 0);
	CHECK(r.register_computer.info.os_build_n == 26100);
	CHECK_STR(r.register_computer.info.processor_architecture, "9");
	CHECK_STR(r.register_computer.info.bios_release_date, "1970-01-01T00:00:00Z");
	CHECK(r.register_computer.info.manufacturer == NULL);
	CHECK(r.register_computer.info.os_description == NULL);
	CHECK_STR(r.register_computer.info.suite_mask, "0");
	wusp_request_release(&r);

	/* Empty arrays, not absent ones. */
	REQUIRE(parse_dir(M0 "000005/", &r) == 0);
	{
		const struct wusp_sync_params *p = &r.sync_updates.params;

		CHECK(p->installed_non_leaf.present == 1 && p->installed_non_leaf.n == 0);
		CHECK(p->other_cached.present == 1 && p->other_cached.n == 0);
		CHECK(p->cached_drivers.present == 1 && p->cached_drivers.n == 0);
		CHECK(p->need_two_group_out_of_scope == -1);
		CHECK(p->products_present == 0 && p->computer_spec_present == 0);
		CHECK(p->filter_category_ids.present == 0);
	}
	wusp_request_release(&r);
}

/* ---- spec-derived edge cases ---- */

static void test_spec_soap12(void)
{
	struct wusp_request r;

	REQUIRE(parse_file(SPEC "wusp_getcookie_request_soap12.xml", NULL, &r) == 0);
	CHECK(r.op == WUSP_GET_COOKIE && r.soap12 == 1);
	REQUIRE(r.get_cookie.nauth_cookies == 1);
	CHECK_STR(r.get_cookie.auth_cookies[0].cookie_data, "AQIDBA==");
	CHECK(r.get_cookie.old_cookie.present == 0);            /* xsi:nil */
	CHECK_STR(r.get_cookie.last_change, "2024-05-01T10:20:30.123Z");
	CHECK_STR(r.get_cookie.protocol_version, "");           /* empty, present */
	wusp_request_release(&r);

	/* The SOAP 1.2 action (Content-Type's action parameter) is checked too. */
	REQUIRE(parse_file(SPEC "wusp_getcookie_request_soap12.xml", CWS "/GetCookie", &r) == 0);
	wusp_request_release(&r);
	CHECK(refused(parse_file(SPEC "wusp_getcookie_request_soap12.xml", CWS "/GetConfig", &r),
		      OW_EINVAL, &r, "SOAPAction"));
}

static void test_spec_nil_empty_absent(void)
{
	struct wusp_request r;
	int rc;

	/* The required cookie is nil. */
	rc = parse_file(SPEC "wusp_nil_empty_absent.xml", ACTION("GetFileLocations"), &r);
	CHECK(refused(rc, OW_EINVAL, &r, "GetFileLocations: cookie is nil"));
	CHECK(r.op == WUSP_GET_FILE_LOCATIONS);
	CHECK_STR(r.op_name, "GetFileLocations");

	/* Empty fileDigests: present, no member. */
	REQUIRE(parse_op("GetFileLocations", COOKIE "<fileDigests/>", NULL, &r) == 0);
	CHECK(r.get_file_locations.digests_present == 1 && r.get_file_locations.ndigests == 0);
	wusp_request_release(&r);
	/* Absent and nil: not present. */
	REQUIRE(parse_op("GetFileLocations", COOKIE, NULL, &r) == 0);
	CHECK(r.get_file_locations.digests_present == 0);
	wusp_request_release(&r);
	REQUIRE(parse_op("GetFileLocations", COOKIE "<fileDigests xsi:nil=\"true\"/>", NULL, &r) == 0);
	CHECK(r.get_file_locations.digests_present == 0);
	wusp_request_release(&r);
}

static void test_spec_hostile_files(void)
{
	struct wusp_request r;

	CHECK(refused(parse_file(SPEC "dtd_external_entity.xml", NULL, &r), OW_EINVAL, &r,
		      "DOCTYPE"));
	CHECK(r.op == WUSP_OP_UNKNOWN && r.op_name[0] == '\0');
	CHECK(refused(parse_file(SPEC "malformed_unclosed.xml", NULL, &r), OW_EINVAL, &r,
		      "line "));
	/* A response is no request. */
	CHECK(refused(parse_file(SPEC "wusp_cookie_alt_namespace_children.xml", NULL, &r),
		      OW_EINVAL, &r, "unknown operation GetCookieResponse"));
	CHECK_STR(r.op_name, "GetCookieResponse");
}

/* The cookie's children in the namespace of the spec's common types, as
 * wusp_cookie_alt_namespace_children.xml writes them, are accepted;
 * children in an unrelated namespace are not the cookie's. */
static void test_alt_namespace_children(void)
{
	struct wusp_request r;

	REQUIRE(parse_op("GetExtendedUpdateInfo",
			 "<cookie xmlns:sd=\"http://www.microsoft.com/SoftwareDistribution\">"
			 "<sd:Expiration>2024-05-06T10:20:30Z</sd:Expiration>"
			 "<sd:EncryptedData>AAEC</sd:EncryptedData></cookie>"
			 "<infoTypes><XmlUpdateFragmentType>Core</XmlUpdateFragmentType></infoTypes>",
			 NULL, &r) == 0);
	CHECK_STR(r.get_extended_update_info.cookie.encrypted_data, "AAEC");
	CHECK(r.get_extended_update_info.info_mask == WUSP_INFO_CORE);
	CHECK(r.get_extended_update_info.revision_ids.present == 0);
	wusp_request_release(&r);

	CHECK(refused(parse_op("RefreshCache",
			       "<cookie xmlns:x=\"urn:other\"><x:Expiration>2024-05-06T10:20:30Z"
			       "</x:Expiration></cookie>", NULL, &r),
		      OW_EINVAL, &r, "cookie/Expiration is missing"));
}

/* ---- the envelope and the operation ---- */

static void test_envelope_refused(void)
{
	struct wusp_request r;

	CHECK(refused(parse_raw("hello", NULL, &r), OW_EINVAL, &r, NULL));
	CHECK(refused(parse_raw("", NULL, &r), OW_EINVAL, &r, NULL));
	CHECK(refused(parse_raw("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
				NULL, &r), OW_EINVAL, &r, "DOCTYPE"));
	CHECK(refused(parse_raw("<s:Envelope xmlns:s=\"http://example.com/envelope\"><s:Body>"
				"<GetConfig xmlns=\"" CWS "\"/></s:Body></s:Envelope>", NULL, &r),
		      OW_EINVAL, &r, "not a SOAP envelope"));
	CHECK(refused(parse_raw("<GetConfig xmlns=\"" CWS "\"/>", NULL, &r),
		      OW_EINVAL, &r, "not a SOAP envelope"));
	CHECK(refused(parse_raw("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
				"<s:Header/></s:Envelope>", NULL, &r),
		      OW_EINVAL, &r, "no Body"));
	CHECK(refused(parse_raw("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
				"<s:Body> </s:Body></s:Envelope>", NULL, &r),
		      OW_EINVAL, &r, "Body is empty"));
	CHECK(refused(parse_raw("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
				"<s:Body><GetConfig xmlns=\"" CWS "\"/><GetConfig xmlns=\"" CWS "\"/>"
				"</s:Body></s:Envelope>", NULL, &r),
		      OW_EINVAL, &r, "more than one element"));
	CHECK(refused(parse_raw("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
				"<s:Body><GetConfig xmlns=\"" CWS "\"/></s:Body><s:Body/></s:Envelope>",
				NULL, &r),
		      OW_EINVAL, &r, "more than one Body"));
	/* A SOAP 1.2 Body inside a SOAP 1.1 envelope is not its Body. */
	CHECK(refused(parse_raw("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
				"xmlns:t=\"http://www.w3.org/2003/05/soap-envelope\"><t:Body>"
				"<GetConfig xmlns=\"" CWS "\"/></t:Body></s:Envelope>", NULL, &r),
		      OW_EINVAL, &r, "no Body"));
}

static void test_header_ignored(void)
{
	struct wusp_request r;

	REQUIRE(parse_raw("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
			  "<s:Header><o:Security xmlns:o=\"urn:x\">t</o:Security></s:Header>"
			  "<s:Body><GetConfig xmlns=\"" CWS "\"/></s:Body></s:Envelope>",
			  ACTION("GetConfig"), &r) == 0);
	CHECK(r.op == WUSP_GET_CONFIG && r.get_config.protocol_version == NULL);
	wusp_request_release(&r);
}

static void test_unknown_operation(void)
{
	struct wusp_request r;
	char *s;

	CHECK(refused(parse_op("GetExtendedUpdateInfo2", COOKIE, NULL, &r), OW_EINVAL, &r,
		      "unknown operation GetExtendedUpdateInfo2"));
	CHECK(r.op == WUSP_OP_UNKNOWN);
	CHECK_STR(r.op_name, "GetExtendedUpdateInfo2");
	/* The right name in another service's namespace. */
	s = soap("GetConfig", "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService",
		 "");
	REQUIRE(s != NULL);
	CHECK(refused(parse_raw(s, NULL, &r), OW_EINVAL, &r, "unknown operation GetConfig"));
	free(s);
	/* Case matters in element names. */
	CHECK(refused(parse_op("getconfig", "", NULL, &r), OW_EINVAL, &r, "unknown operation"));
	/* A hostile name is cleaned for op_name. */
	CHECK(refused(parse_op("Get\xc3\xa9", "", NULL, &r), OW_EINVAL, &r, "unknown operation"));
	CHECK_STR(r.op_name, "Get??");
}

static void test_soap_action(void)
{
	struct wusp_request r;

	/* Quotes, blanks and case do not matter; the value does. */
	REQUIRE(parse_op("GetConfig", "", "  \"HTTP://www.Microsoft.com/SoftwareDistribution/"
			 "Server/ClientWebService/getconfig\" ", &r) == 0);
	wusp_request_release(&r);
	REQUIRE(parse_op("GetConfig", "", CWS "/GetConfig", &r) == 0);
	wusp_request_release(&r);
	CHECK(refused(parse_op("GetConfig", "", ACTION("SyncUpdates"), &r), OW_EINVAL, &r,
		      "GetConfig: SOAPAction \"http://www.microsoft.com/SoftwareDistribution/"));
	CHECK(r.op == WUSP_GET_CONFIG);
	CHECK_STR(r.op_name, "GetConfig");
	CHECK(refused(parse_op("GetConfig", "", "", &r), OW_EINVAL, &r, "SOAPAction"));
	CHECK(refused(parse_op("GetConfig", "", "\"\"", &r), OW_EINVAL, &r, "SOAPAction"));
	CHECK(refused(parse_op("GetConfig", "", ACTION("GetConfigX"), &r), OW_EINVAL, &r,
		      "SOAPAction"));

	CHECK_STR(wusp_op_action(WUSP_REPORT_EVENT_BATCH),
		  "http://www.microsoft.com/SoftwareDistribution/ReportEventBatch");
	CHECK_STR(wusp_op_action(WUSP_GET_AUTH_COOKIE),
		  "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService/"
		  "GetAuthorizationCookie");
	CHECK_STR(wusp_op_name(WUSP_REFRESH_CACHE), "RefreshCache");
	CHECK_STR(wusp_op_name(WUSP_OP_UNKNOWN), "");
	CHECK_STR(wusp_op_action((enum wusp_op)99), "");
}

/* ---- fields ---- */

#define PARAMS(x) "<parameters><ExpressQuery>false</ExpressQuery>" x \
	"<SkipSoftwareSync>false</SkipSoftwareSync></parameters>"

static void test_required_fields(void)
{
	struct wusp_request r;

	CHECK(refused(parse_op("SyncUpdates", PARAMS(""), ACTION("SyncUpdates"), &r),
		      OW_EINVAL, &r, "SyncUpdates: cookie is missing"));
	CHECK(r.op == WUSP_SYNC_UPDATES);
	CHECK(refused(parse_op("SyncUpdates", COOKIE, NULL, &r), OW_EINVAL, &r,
		      "SyncUpdates: parameters is missing"));
	CHECK(refused(parse_op("SyncUpdates", COOKIE "<parameters><SkipSoftwareSync>false"
			       "</SkipSoftwareSync></parameters>", NULL, &r),
		      OW_EINVAL, &r, "parameters/ExpressQuery is missing"));
	CHECK(refused(parse_op("SyncUpdates", COOKIE "<parameters><ExpressQuery>false"
			       "</ExpressQuery></parameters>", NULL, &r),
		      OW_EINVAL, &r, "parameters/SkipSoftwareSync is missing"));
	CHECK(refused(parse_op("SyncUpdates", "<cookie><EncryptedData>AAAA</EncryptedData></cookie>"
			       PARAMS(""), NULL, &r),
		      OW_EINVAL, &r, "cookie/Expiration is missing"));
	CHECK(refused(parse_op("SyncUpdates", COOKIE COOKIE PARAMS(""), NULL, &r),
		      OW_EINVAL, &r, "cookie appears more than once"));
	CHECK(refused(parse_op("RegisterComputer", COOKIE, NULL, &r), OW_EINVAL, &r,
		      "computerInfo is missing"));
	CHECK(refused(parse_op("RegisterComputer", COOKIE "<computerInfo><DnsName>a</DnsName>"
			       "</computerInfo>", NULL, &r),
		      OW_EINVAL, &r, "computerInfo/OSMajorVersion is missing"));
	CHECK(refused(parse_op("GetCookie", "<lastChange>2026-10-04T13:17:07.59Z</lastChange>",
			       NULL, &r), OW_EINVAL, &r, "currentTime is missing"));
	CHECK(refused(parse_op("ReportEventBatch", "", NULL, &r), OW_EINVAL, &r,
		      "unknown operation ReportEventBatch"));   /* wrong namespace */
	CHECK(refused(parse_op("GetExtendedUpdateInfo", COOKIE, NULL, &r), OW_EINVAL, &r,
		      "infoTypes is missing"));
	CHECK(refused(parse_op("GetExtendedUpdateInfo", COOKIE "<infoTypes><XmlUpdateFragmentType>"
			       "Eula</XmlUpdateFragmentType></infoTypes>", NULL, &r),
		      OW_EINVAL, &r, "locales is missing"));
	/* A fragment type this server does not know is kept, sets no bit. */
	REQUIRE(parse_op("GetExtendedUpdateInfo", COOKIE "<infoTypes><XmlUpdateFragmentType>"
			 "Future</XmlUpdateFragmentType><XmlUpdateFragmentType> Core "
			 "</XmlUpdateFragmentType></infoTypes>", NULL, &r) == 0);
	CHECK(r.get_extended_update_info.info_types.n == 2);
	CHECK(r.get_extended_update_info.info_mask == WUSP_INFO_CORE);
	wusp_request_release(&r);
}

static void test_auth_cookie_fields(void)
{
	struct wusp_request r;
	char *s, big[400];
	const char *sa = "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService";

	s = soap("GetAuthorizationCookie", sa, "<clientId>c1</clientId><targetGroupName/>"
		 "<dnsName>pc.example.com</dnsName>");
	REQUIRE(s != NULL);
	REQUIRE(parse_raw(s, "\"" "http://www.microsoft.com/SoftwareDistribution/Server/"
			  "SimpleAuthWebService/GetAuthorizationCookie\"", &r) == 0);
	CHECK_STR(r.get_auth_cookie.client_id, "c1");
	CHECK_STR(r.get_auth_cookie.target_group_name, "");     /* present, empty */
	CHECK_STR(r.get_auth_cookie.dns_name, "pc.example.com");
	wusp_request_release(&r);
	/* The ClientWebService action does not fit the SimpleAuth operation. */
	CHECK(refused(parse_raw(s, ACTION("GetAuthorizationCookie"), &r), OW_EINVAL, &r,
		      "SOAPAction"));
	free(s);

	s = soap("GetAuthorizationCookie", sa, "<clientId> </clientId><dnsName>x</dnsName>");
	REQUIRE(s != NULL);
	CHECK(refused(parse_raw(s, NULL, &r), OW_EINVAL, &r, "clientId is empty"));
	free(s);
	s = soap("GetAuthorizationCookie", sa, "<clientId>c</clientId>");
	REQUIRE(s != NULL);
	CHECK(refused(parse_raw(s, NULL, &r), OW_EINVAL, &r, "dnsName is missing"));
	free(s);

	memset(big, 'a', 300);
	memcpy(big + 300, "</dnsName>", 11);
	{
		char inner[512];

		snprintf(inner, sizeof(inner), "<clientId>c</clientId><dnsName>%s", big);
		s = soap("GetAuthorizationCookie", sa, inner);
	}
	REQUIRE(s != NULL);
	CHECK(refused(parse_raw(s, NULL, &r), OW_ELIMIT, &r, "dnsName is longer than 255"));
	free(s);
}

/* An id list of n members, each "v". */
static char *id_list(const char *name, size_t n, const char *v)
{
	struct ow_buf b;

	ow_buf_init(&b, 8 << 20);
	if (ow_buf_printf(&b, "%s<parameters><ExpressQuery>false</ExpressQuery><%s>", COOKIE,
			  name) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (ow_buf_printf(&b, "<int>%s</int>", v) != 0)
			goto fail;
	if (ow_buf_printf(&b, "</%s><SkipSoftwareSync>false</SkipSoftwareSync></parameters>",
			  name) != 0)
		goto fail;
	return ow_buf_detach(&b, NULL);
fail:
	ow_buf_release(&b);
	return NULL;
}

static void test_id_arrays(void)
{
	struct wusp_request r;
	char *inner;

	inner = id_list("OtherCachedUpdateIDs", OW_MAX_WUSP_IDS, "2147483647");
	REQUIRE(inner != NULL);
	REQUIRE(parse_op("SyncUpdates", inner, NULL, &r) == 0);
	CHECK(r.sync_updates.params.other_cached.n == OW_MAX_WUSP_IDS);
	CHECK(r.sync_updates.params.other_cached.v[OW_MAX_WUSP_IDS - 1] == 2147483647);
	wusp_request_release(&r);
	free(inner);

	inner = id_list("InstalledNonLeafUpdateIDs", OW_MAX_WUSP_IDS + 1, "1");
	REQUIRE(inner != NULL);
	CHECK(refused(parse_op("SyncUpdates", inner, NULL, &r), OW_ELIMIT, &r,
		      "parameters/InstalledNonLeafUpdateIDs has more than 20000 int"));
	free(inner);

	CHECK(refused(parse_op("SyncUpdates", COOKIE PARAMS("<InstalledNonLeafUpdateIDs><int>1"
			       "</int><int>12x</int></InstalledNonLeafUpdateIDs>"), NULL, &r),
		      OW_EINVAL, &r,
		      "parameters/InstalledNonLeafUpdateIDs/int \"12x\" is not an s:int"));
	CHECK(refused(parse_op("SyncUpdates", COOKIE PARAMS("<OtherCachedUpdateIDs><int>"
			       "2147483648</int></OtherCachedUpdateIDs>"), NULL, &r),
		      OW_EINVAL, &r, "\"2147483648\" is not an s:int"));
	CHECK(refused(parse_op("SyncUpdates", COOKIE PARAMS("<OtherCachedUpdateIDs><int>"
			       "-2147483649</int></OtherCachedUpdateIDs>"), NULL, &r),
		      OW_EINVAL, &r, "is not an s:int"));
	CHECK(refused(parse_op("SyncUpdates", COOKIE PARAMS("<OtherCachedUpdateIDs><int>"
			       "99999999999999999999999999999999999999</int></OtherCachedUpdateIDs>"),
			       NULL, &r),
		      OW_EINVAL, &r, "is not an s:int"));
	CHECK(refused(parse_op("SyncUpdates", COOKIE PARAMS("<OtherCachedUpdateIDs><int></int>"
			       "</OtherCachedUpdateIDs>"), NULL, &r),
		      OW_EINVAL, &r, "is not an s:int"));
	CHECK(refused(parse_op("SyncUpdates", COOKIE PARAMS("<OtherCachedUpdateIDs><int>0x10"
			       "</int></OtherCachedUpdateIDs>"), NULL, &r),
		      OW_EINVAL, &r, "is not an s:int"));

	/* XML Schema forms: whitespace, a plus sign, leading zeros, negatives;
	 * unknown members and nil ones are skipped. */
	REQUIRE(parse_op("SyncUpdates", COOKIE PARAMS("<CachedDriverIDs>\n <int> +7 </int>"
			 "<int>007</int><int>-5</int><long>9</long><int xsi:nil=\"true\"/>"
			 "</CachedDriverIDs>"), NULL, &r) == 0);
	REQUIRE(r.sync_updates.params.cached_drivers.n == 3);
	CHECK(r.sync_updates.params.cached_drivers.v[0] == 7);
	CHECK(r.sync_updates.params.cached_drivers.v[1] == 7);
	CHECK(r.sync_updates.params.cached_drivers.v[2] == -5);
	wusp_request_release(&r);
	CHECK(refused(parse_op("SyncUpdates", COOKIE PARAMS("<CachedDriverIDs><int>+-7</int>"
			       "</CachedDriverIDs>"), NULL, &r), OW_EINVAL, &r, "is not an s:int"));
	CHECK(refused(parse_op("SyncUpdates", COOKIE PARAMS("<CachedDriverIDs/><CachedDriverIDs/>"),
			       NULL, &r), OW_EINVAL, &r, "CachedDriverIDs appears more than once"));
}

static void test_values(void)
{
	struct wusp_request r;

	/* Booleans: true/false/1/0 with whitespace; nothing else. */
	REQUIRE(parse_op("SyncUpdates", COOKIE "<parameters><ExpressQuery> 0 </ExpressQuery>"
			 "<SkipSoftwareSync>1</SkipSoftwareSync><AlsoPerformRegularSync>true"
			 "</AlsoPerformRegularSync><NeedTwoGroupOutOfScopeUpdates xsi:nil=\"true\"/>"
			 "</parameters>", NULL, &r) == 0);
	CHECK(r.sync_updates.params.express_query == 0);
	CHECK(r.sync_updates.params.skip_software_sync == 1);
	CHECK(r.sync_updates.params.also_perform_regular_sync == 1);
	CHECK(r.sync_updates.params.need_two_group_out_of_scope == -1);
	wusp_request_release(&r);
	CHECK(refused(parse_op("SyncUpdates", COOKIE "<parameters><ExpressQuery>yes</ExpressQuery>"
			       "<SkipSoftwareSync>1</SkipSoftwareSync></parameters>", NULL, &r),
		      OW_EINVAL, &r, "parameters/ExpressQuery \"yes\" is not a boolean"));
	CHECK(refused(parse_op("SyncUpdates", COOKIE "<parameters><ExpressQuery>True</ExpressQuery>"
			       "<SkipSoftwareSync>1</SkipSoftwareSync></parameters>", NULL, &r),
		      OW_EINVAL, &r, "is not a boolean"));

	/* GUIDs are normalized to lower case; anything else is refused. */
	REQUIRE(parse_op("SyncUpdates", COOKIE PARAMS("<FilterAppCategoryIds><CategoryIdentifier>"
			 "<Id> DD78B8A1-0B20-45C1-ADD6-4DA72E9364CF </Id></CategoryIdentifier>"
			 "<CategoryIdentifier xsi:nil=\"true\"/></FilterAppCategoryIds>"
			 "<TreatAppCategoryIdsAsInstalled>true</TreatAppCategoryIdsAsInstalled>"),
			 NULL, &r) == 0);
	REQUIRE(r.sync_updates.params.filter_app_category_ids.n == 1);
	CHECK_STR(r.sync_updates.params.filter_app_category_ids.v[0], ZDP);
	CHECK(r.sync_updates.params.treat_app_category_ids_as_installed == 1);
	wusp_request_release(&r);
	CHECK(refused(parse_op("SyncUpdates", COOKIE PARAMS("<FilterCategoryIds><CategoryIdentifier>"
			       "<Id>{dd78b8a1-0b20-45c1-add6-4da72e9364cf}</Id></CategoryIdentifier>"
			       "</FilterCategoryIds>"), NULL, &r),
		      OW_EINVAL, &r, "FilterCategoryIds/CategoryIdentifier/Id"));
	CHECK(refused(parse_op("SyncUpdates", COOKIE PARAMS("<FilterCategoryIds><CategoryIdentifier/>"
			       "</FilterCategoryIds>"), NULL, &r),
		      OW_EINVAL, &r, "CategoryIdentifier/Id is missing"));

	/* dateTimes. */
	CHECK(refused(parse_op("GetCookie", "<lastChange>yesterday</lastChange>"
			       "<currentTime>2026-10-04T15:03:36Z</currentTime>", NULL, &r),
		      OW_EINVAL, &r, "lastChange \"yesterday\" is not an xs:dateTime"));
	CHECK(refused(parse_op("GetCookie", "<lastChange>2026-13-04T13:17:07Z</lastChange>"
			       "<currentTime>2026-10-04T15:03:36Z</currentTime>", NULL, &r),
		      OW_EINVAL, &r, "is not an xs:dateTime"));
	CHECK(refused(parse_op("GetCookie", "<lastChange>2026-10-04T13:17:07.Z</lastChange>"
			       "<currentTime>2026-10-04T15:03:36Z</currentTime>", NULL, &r),
		      OW_EINVAL, &r, "is not an xs:dateTime"));
	REQUIRE(parse_op("GetCookie", "<lastChange>2026-10-04T13:17:07</lastChange>"
			 "<currentTime> 2026-10-04T15:03:36.5+02:00 </currentTime>", NULL, &r) == 0);
	CHECK_STR(r.get_cookie.current_time, "2026-10-04T15:03:36.5+02:00");
	CHECK(r.get_cookie.auth_cookies_present == 0 && r.get_cookie.protocol_version == NULL);
	wusp_request_release(&r);

	/* base64: line breaks inside are removed; a wrong alphabet is refused. */
	REQUIRE(parse_op("GetFileLocations", "<cookie><Expiration>2026-10-04T16:03:35Z</Expiration>"
			 "<EncryptedData>\n  AAEC\n  AwQF\n</EncryptedData></cookie>", NULL, &r) == 0);
	CHECK_STR(r.get_file_locations.cookie.encrypted_data, "AAECAwQF");
	wusp_request_release(&r);
	CHECK(refused(parse_op("GetFileLocations", "<cookie><Expiration>2026-10-04T16:03:35Z"
			       "</Expiration><EncryptedData>AA-_</EncryptedData></cookie>", NULL, &r),
		      OW_EINVAL, &r, "cookie/EncryptedData is not base64"));
	CHECK(refused(parse_op("GetFileLocations", "<cookie><Expiration>2026-10-04T16:03:35Z"
			       "</Expiration><EncryptedData>A=AA</EncryptedData></cookie>", NULL, &r),
		      OW_EINVAL, &r, "is not base64"));
	CHECK(refused(parse_op("GetFileLocations", "<cookie><Expiration>2026-10-04T16:03:35Z"
			       "</Expiration><EncryptedData>AAA</EncryptedData></cookie>", NULL, &r),
		      OW_EINVAL, &r, "is not base64"));
}

static void test_file_digests(void)
{
	struct wusp_request r;

	REQUIRE(parse_op("GetFileLocations", COOKIE "<fileDigests>"
			 "<base64Binary>AAECAwQFBgcICQoLDA0ODxAREhM=</base64Binary>"
			 "<base64Binary xsi:nil=\"true\"/>"
			 "<base64Binary>\n/w==\n</base64Binary></fileDigests>",
			 ACTION("GetFileLocations"), &r) == 0);
	REQUIRE(r.get_file_locations.ndigests == 2);
	CHECK_STR(r.get_file_locations.digests[0].hex, "000102030405060708090A0B0C0D0E0F10111213");
	CHECK(r.get_file_locations.digests[0].nbytes == 20);
	CHECK_STR(r.get_file_locations.digests[1].hex, "FF");
	wusp_request_release(&r);
	CHECK(refused(parse_op("GetFileLocations", COOKIE "<fileDigests><base64Binary/>"
			       "</fileDigests>", NULL, &r), OW_EINVAL, &r, "is empty"));
	CHECK(refused(parse_op("GetFileLocations", COOKIE "<fileDigests><base64Binary>"
			       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
			       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</base64Binary></fileDigests>", NULL, &r),
		      OW_ELIMIT, &r, "fileDigests/base64Binary"));
}

static void test_refresh_cache_and_timestamps(void)
{
	struct wusp_request r;

	REQUIRE(parse_op("RefreshCache", COOKIE "<globalIDs><UpdateIdentity><UpdateID>"
			 "A2FEF9B0-7951-4C2C-A42B-9E351DD1C1FE</UpdateID><RevisionNumber>200"
			 "</RevisionNumber></UpdateIdentity><UpdateIdentity><UpdateID>" ZDP
			 "</UpdateID><RevisionNumber>202</RevisionNumber></UpdateIdentity>"
			 "</globalIDs>", ACTION("RefreshCache"), &r) == 0);
	REQUIRE(r.refresh_cache.nglobal_ids == 2);
	CHECK_STR(r.refresh_cache.global_ids[0].update_id, "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe");
	CHECK(r.refresh_cache.global_ids[0].revision == 200);
	CHECK(r.refresh_cache.global_ids[1].revision == 202);
	wusp_request_release(&r);
	CHECK(refused(parse_op("RefreshCache", COOKIE "<globalIDs><UpdateIdentity><UpdateID>" ZDP
			       "</UpdateID></UpdateIdentity></globalIDs>", NULL, &r),
		      OW_EINVAL, &r, "globalIDs/UpdateIdentity/RevisionNumber is missing"));

	REQUIRE(parse_op("GetTimestamps", "", ACTION("GetTimestamps"), &r) == 0);
	CHECK(r.op == WUSP_GET_TIMESTAMPS && r.get_timestamps.cookie.present == 0);
	wusp_request_release(&r);
}

/* A batch in the shape the native client sends (values invented): an
 * unknown event id, the spec's Win32Hresult casing, a nil event. */
#define EVENT(id, hr_elem, hr, extra) \
	"<ReportingEvent><BasicData><TargetID><Sid>" SCAN_CLIENT_ID "</Sid></TargetID>" \
	"<SequenceNumber>0</SequenceNumber><TimeAtTarget>2026-10-04T15:20:47.68Z</TimeAtTarget>" \
	"<EventInstanceID>BE732391-B71D-4FD2-90BF-8D780506ABA6</EventInstanceID>" \
	"<NamespaceID>1</NamespaceID><EventID>" id "</EventID><SourceID>101</SourceID>" \
	"<UpdateID><UpdateID>00000000-0000-0000-0000-000000000000</UpdateID>" \
	"<RevisionNumber>0</RevisionNumber></UpdateID>" \
	"<" hr_elem ">" hr "</" hr_elem "></BasicData>" extra "<PrivateData/></ReportingEvent>"
#define EXTENDED \
	"<ExtendedData><ReplacementStrings><string>0x80246007</string><string>Title &amp; more" \
	"</string></ReplacementStrings><MiscData><string>C=1</string><string>" \
	"AppName=&lt;&lt;PROCESS&gt;&gt;: powershell.exe</string><string>Zz=unknown tag</string>" \
	"</MiscData><ComputerBrand>QEMU</ComputerBrand><ComputerModel>Standard PC</ComputerModel>" \
	"<BiosRevision>unknown</BiosRevision><ProcessorArchitecture>Amd64Compatible" \
	"</ProcessorArchitecture><OSVersion><Major>10</Major><Minor>0</Minor><Build>26200</Build>" \
	"<Revision>65792</Revision><ServicePackMajor>0</ServicePackMajor><ServicePackMinor>0" \
	"</ServicePackMinor></OSVersion><OSLocaleID>1033</OSLocaleID></ExtendedData>"

static int parse_batch(const char *events, struct wusp_request *r)
{
	char *s = soap("ReportEventBatch", "http://www.microsoft.com/SoftwareDistribution", events);
	int rc;

	if (s == NULL)
		return -100;
	rc = parse_raw(s, "\"http://www.microsoft.com/SoftwareDistribution/ReportEventBatch\"", r);
	free(s);
	return rc;
}

static void test_report_event_batch(void)
{
	struct wusp_request r;
	const struct wusp_event *e;

	REQUIRE(parse_batch(COOKIE "<clientTime>2026-10-04T15:20:47.68Z</clientTime><eventBatch>"
			    EVENT("182", "Win32HResult", "-2145099769", EXTENDED)
			    "<ReportingEvent xsi:nil=\"true\"/>"
			    EVENT("9999", "Win32Hresult", "0", "")
			    "</eventBatch>", &r) == 0);
	CHECK(r.op == WUSP_REPORT_EVENT_BATCH);
	CHECK_STR(r.report_event_batch.client_time, "2026-10-04T15:20:47.68Z");
	REQUIRE(r.report_event_batch.nevents == 2);
	e = &r.report_event_batch.events[0];
	CHECK_STR(e->target_sid, SCAN_CLIENT_ID);
	CHECK(e->sequence_number == 0 && e->namespace_id == 1 && e->source_id == 101);
	CHECK(e->event_id == 182 && e->win32_hresult == -2145099769);
	CHECK_STR(e->event_instance_id, "be732391-b71d-4fd2-90bf-8d780506aba6");
	CHECK(e->has_update_id == 1 && e->update_id.revision == 0);
	CHECK_STR(e->update_id.update_id, "00000000-0000-0000-0000-000000000000");
	CHECK(e->app_name == NULL);
	CHECK(e->has_extended == 1);
	REQUIRE(e->replacement_strings.n == 2);
	CHECK_STR(e->replacement_strings.v[1], "Title & more");
	REQUIRE(e->misc_data.n == 3);
	CHECK_STR(e->misc_data.v[1], "AppName=<<PROCESS>>: powershell.exe");
	CHECK_STR(e->misc_data.v[2], "Zz=unknown tag");
	CHECK_STR(e->processor_architecture, "Amd64Compatible");
	CHECK(e->os_major == 10 && e->os_build == 26200 && e->os_revision == 65792);
	CHECK(e->os_locale_id == 1033);
	CHECK_STR(e->computer_brand, "QEMU");
	CHECK(e->device_id == NULL);
	/* Unknown event ids are kept, whatever they are. */
	e = &r.report_event_batch.events[1];
	CHECK(e->event_id == 9999 && e->win32_hresult == 0 && e->has_extended == 0);
	wusp_request_release(&r);

	CHECK(refused(parse_batch(COOKIE "<clientTime>2026-10-04T15:20:47Z</clientTime><eventBatch>"
				  EVENT("147", "Win32HResult", "0", "")
				  EVENT("40000", "Win32HResult", "0", "") "</eventBatch>", &r),
		      OW_EINVAL, &r, "ReportEventBatch: ReportingEvent 1: BasicData/EventID "
		      "\"40000\" is not an s:short"));
	CHECK(refused(parse_batch(COOKIE "<clientTime>2026-10-04T15:20:47Z</clientTime><eventBatch>"
				  EVENT("147", "Other", "0", "") "</eventBatch>", &r),
		      OW_EINVAL, &r, "ReportingEvent 0: BasicData/Win32HResult is missing"));
	CHECK(refused(parse_batch(COOKIE "<clientTime>2026-10-04T15:20:47Z</clientTime><eventBatch>"
				  EVENT("147", "Win32HResult", "0", "<ExtendedData/>")
				  "</eventBatch>", &r),
		      OW_EINVAL, &r, "ExtendedData/ProcessorArchitecture is missing"));
	CHECK(refused(parse_batch(COOKIE "<eventBatch/>", &r), OW_EINVAL, &r,
		      "clientTime is missing"));
	CHECK(refused(parse_batch("<clientTime>2026-10-04T15:20:47Z</clientTime>", &r), OW_EINVAL,
		      &r, "ReportEventBatch: cookie is missing"));
	REQUIRE(parse_batch(COOKIE "<clientTime>2026-10-04T15:20:47Z</clientTime><eventBatch/>",
			    &r) == 0);
	CHECK(r.report_event_batch.events_present == 1 && r.report_event_batch.nevents == 0);
	wusp_request_release(&r);
}

static void test_limits(void)
{
	struct wusp_request r;
	struct ow_buf b;
	char *s;

	/* Nesting deeper than OW_MAX_WUSP_DEPTH inside an ignored element. */
	ow_buf_init(&b, 1 << 20);
	for (int i = 0; i < OW_MAX_WUSP_DEPTH; i++)
		REQUIRE(ow_buf_adds(&b, "<x>") == 0);
	for (int i = 0; i < OW_MAX_WUSP_DEPTH; i++)
		REQUIRE(ow_buf_adds(&b, "</x>") == 0);
	s = soap("GetConfig", CWS, b.data);
	ow_buf_release(&b);
	REQUIRE(s != NULL);
	CHECK(refused(parse_raw(s, NULL, &r), OW_ELIMIT, &r, "nested deeper"));
	free(s);

	/* A body larger than OW_MAX_BODY_BYTES. */
	s = malloc(4 * 1024 * 1024 + 2);
	REQUIRE(s != NULL);
	memset(s, ' ', 4 * 1024 * 1024 + 1);
	CHECK(refused(wusp_request_parse(s, 4 * 1024 * 1024 + 1, NULL, &r, &err), OW_ELIMIT, &r,
		      "larger than the limit"));
	free(s);

	/* Text of one element beyond OW_MAX_WUSP_ATTRS. */
	ow_buf_init(&b, 1 << 20);
	REQUIRE(ow_buf_adds(&b, "<protocolVersion>") == 0);
	for (int i = 0; i <= OW_MAX_WUSP_ATTRS; i++)
		REQUIRE(ow_buf_adds(&b, "1") == 0);
	REQUIRE(ow_buf_adds(&b, "</protocolVersion>") == 0);
	CHECK(refused(parse_op("GetConfig", b.data, NULL, &r), OW_ELIMIT, &r, NULL));
	ow_buf_release(&b);

	/* A list over OW_MAX_WUSP_LIST. */
	ow_buf_init(&b, 1 << 20);
	REQUIRE(ow_buf_adds(&b, COOKIE "<infoTypes><XmlUpdateFragmentType>Core"
			    "</XmlUpdateFragmentType></infoTypes><locales>") == 0);
	for (int i = 0; i <= OW_MAX_WUSP_LIST; i++)
		REQUIRE(ow_buf_adds(&b, "<string>en</string>") == 0);
	REQUIRE(ow_buf_adds(&b, "</locales>") == 0);
	CHECK(refused(parse_op("GetExtendedUpdateInfo", b.data, NULL, &r), OW_ELIMIT, &r,
		      "locales has more than 256 string elements"));
	ow_buf_release(&b);
}

int main(void)
{
	RUN(test_native_all_parse);
	RUN(test_native_handshake);
	RUN(test_native_register);
	RUN(test_native_category_scan);
	RUN(test_native_sync_first);
	RUN(test_native_sync_installed);
	RUN(test_native_sync_drivers);
	RUN(test_native_extended_info);
	RUN(test_m0_captures);
	RUN(test_spec_soap12);
	RUN(test_spec_nil_empty_absent);
	RUN(test_spec_hostile_files);
	RUN(test_alt_namespace_children);
	RUN(test_envelope_refused);
	RUN(test_header_ignored);
	RUN(test_unknown_operation);
	RUN(test_soap_action);
	RUN(test_required_fields);
	RUN(test_auth_cookie_fields);
	RUN(test_id_arrays);
	RUN(test_values);
	RUN(test_file_digests);
	RUN(test_refresh_cache_and_timestamps);
	RUN(test_report_event_batch);
	RUN(test_limits);
	return check_done();
}
