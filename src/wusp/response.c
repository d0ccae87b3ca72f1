/* SPDX-License-Identifier: MIT */
/* MS-WUSP response writers (see response.h). */
#include "wusp/response.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "xml/soap.h"

int wusp_open(struct ow_buf *b, const char *op, const char *ns)
{
	return ow_buf_printf(b, "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
				"<s:Body xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
				" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">"
				"<%sResponse xmlns=\"%s\">",
			     op, ns);
}

int wusp_close(struct ow_buf *b, const char *op)
{
	return ow_buf_printf(b, "</%sResponse></s:Body></s:Envelope>", op);
}

int wusp_elem(struct ow_buf *b, const char *name, const char *text)
{
	int rc = ow_buf_printf(b, "<%s>", name);

	if (rc == 0)
		rc = soap_escape(b, text);
	if (rc == 0)
		rc = ow_buf_printf(b, "</%s>", name);
	return rc;
}

void wusp_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

static int property(struct ow_buf *b, const char *name, const char *value)
{
	return ow_buf_printf(b, "<ConfigurationProperty><Name>%s</Name><Value>%s</Value>"
				"</ConfigurationProperty>",
			     name, value);
}

int wusp_get_config(struct ow_buf *b, const struct wusp_config *c)
{
	char when[32], n[16];
	int rc;

	wusp_time(c->last_change, when);
	rc = wusp_open(b, "GetConfig", WUSP_NS_CLIENT);
	if (rc == 0)
		rc = ow_buf_printf(b, "<GetConfigResult><LastChange>%s</LastChange>"
				      "<IsRegistrationRequired>%s</IsRegistrationRequired>"
				      "<AuthInfo><AuthPlugInInfo><PlugInID>SimpleTargeting</PlugInID>"
				      "<ServiceUrl>SimpleAuthWebService/SimpleAuth.asmx</ServiceUrl>"
				      "<Parameter/></AuthPlugInInfo></AuthInfo><Properties>",
				   when, c->registration_required ? "true" : "false");
	snprintf(n, sizeof(n), "%d", WUSP_MAX_EXTENDED_PER_REQUEST);
	if (rc == 0)
		rc = property(b, "MaxExtendedUpdatesPerRequest", n);
	if (rc == 0)
		rc = property(b, "ProtocolVersion", WUSP_PROTOCOL_VERSION);
	snprintf(n, sizeof(n), "%d", c->inventory_required ? 1 : 0);
	if (rc == 0)
		rc = property(b, "IsInventoryRequired", n);
	snprintf(n, sizeof(n), "%d", c->client_reporting_level);
	if (rc == 0)
		rc = property(b, "ClientReportingLevel", n);
	if (rc == 0)
		rc = ow_buf_adds(b, "</Properties></GetConfigResult>");
	if (rc == 0)
		rc = wusp_close(b, "GetConfig");
	return rc;
}

int wusp_get_auth_cookie(struct ow_buf *b, const char *cookie_b64)
{
	int rc = wusp_open(b, "GetAuthorizationCookie", WUSP_NS_SIMPLEAUTH);

	if (rc == 0)
		rc = ow_buf_adds(b, "<GetAuthorizationCookieResult><PlugInId>SimpleTargeting</PlugInId>");
	if (rc == 0)
		rc = wusp_elem(b, "CookieData", cookie_b64);
	if (rc == 0)
		rc = ow_buf_adds(b, "</GetAuthorizationCookieResult>");
	if (rc == 0)
		rc = wusp_close(b, "GetAuthorizationCookie");
	return rc;
}

int wusp_cookie(struct ow_buf *b, const char *elem, int64_t expires, const char *cookie_b64)
{
	char when[32];
	int rc;

	wusp_time(expires, when);
	rc = ow_buf_printf(b, "<%s><Expiration>%s</Expiration>", elem, when);
	if (rc == 0)
		rc = wusp_elem(b, "EncryptedData", cookie_b64);
	if (rc == 0)
		rc = ow_buf_printf(b, "</%s>", elem);
	return rc;
}

int wusp_get_cookie(struct ow_buf *b, int64_t expires, const char *cookie_b64)
{
	int rc = wusp_open(b, "GetCookie", WUSP_NS_CLIENT);

	if (rc == 0)
		rc = wusp_cookie(b, "GetCookieResult", expires, cookie_b64);
	if (rc == 0)
		rc = wusp_close(b, "GetCookie");
	return rc;
}

int wusp_register_computer(struct ow_buf *b)
{
	return ow_buf_printf(b, "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
				"<s:Body xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
				" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">"
				"<RegisterComputerResponse xmlns=\"%s\"/></s:Body></s:Envelope>",
			     WUSP_NS_CLIENT);
}

int wusp_start_category_scan(struct ow_buf *b, const char *const *ids, size_t n)
{
	int rc = wusp_open(b, "StartCategoryScan", WUSP_NS_CLIENT);

	if (rc == 0)
		rc = ow_buf_adds(b, "<preferredCategoryIds>");
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = wusp_elem(b, "guid", ids[i]);
	if (rc == 0)
		rc = ow_buf_adds(b, "</preferredCategoryIds>");
	if (rc == 0)
		rc = wusp_close(b, "StartCategoryScan");
	return rc;
}

/* Unix seconds as the date alone ("2026-10-04", UTC): WSUS writes a
 * Deployment's LastChangeTime so. */
static void date_only(int64_t t, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 16, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 16, "1970-01-01");
}

/* Writes n bytes of raw XML as the text of <name>, the way WSUS does:
 * &, < and > become entities and quotes stay literal (the captures have
 * "&lt;UpdateIdentity UpdateID="...""). The bytes go to soap_escape a run
 * at a time, so control characters and invalid UTF-8 become U+FFFD as
 * everywhere else; a run is never cut inside a UTF-8 sequence, and a NUL
 * byte (soap_escape's end of string) is written as U+FFFD here. */
static int fragment(struct ow_buf *b, const char *name, const char *p, size_t n)
{
	char run[512];
	size_t i = 0;
	int rc = ow_buf_printf(b, "<%s>", name);

	if (p == NULL)
		n = 0;
	while (rc == 0 && i < n) {
		size_t k = 0;

		if (p[i] == '"' || p[i] == '\'') {
			rc = ow_buf_add(b, p + i, 1);
			i++;
			continue;
		}
		if (p[i] == '\0') {
			rc = ow_buf_adds(b, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		while (i + k < n && k < sizeof(run) - 1 && p[i + k] != '"' && p[i + k] != '\'' &&
		       p[i + k] != '\0')
			k++;
		/* Full run: end it before the lead byte of a cut sequence
		 * (at most 3 continuation bytes follow a lead byte). */
		for (int back = 0; i + k < n && back < 3 && ((unsigned char)p[i + k] & 0xc0) == 0x80; back++)
			k--;
		memcpy(run, p + i, k);
		run[k] = '\0';
		rc = soap_escape(b, run);
		i += k;
	}
	if (rc == 0)
		rc = ow_buf_printf(b, "</%s>", name);
	return rc;
}

/* <name><int>v[0]</int>...</name> */
static int ints(struct ow_buf *b, const char *name, const int32_t *v, size_t n)
{
	int rc = ow_buf_printf(b, "<%s>", name);

	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = ow_buf_printf(b, "<int>%" PRId32 "</int>", v[i]);
	if (rc == 0)
		rc = ow_buf_printf(b, "</%s>", name);
	return rc;
}

static const char *boolean(int v)
{
	return v ? "true" : "false";
}

const char *wusp_action_name(enum wusp_action a)
{
	switch (a) {
	case WUSP_ACTION_EVALUATE: return "Evaluate";
	case WUSP_ACTION_INSTALL: return "Install";
	case WUSP_ACTION_UNINSTALL: return "Uninstall";
	case WUSP_ACTION_BUNDLE: return "Bundle";
	}
	return "Evaluate";
}

static int deployment(struct ow_buf *b, const struct wusp_deployment *d)
{
	char when[32], day[16];
	int rc;

	rc = ow_buf_printf(b, "<Deployment><ID>%" PRId32 "</ID><Action>%s</Action>", d->id,
			   wusp_action_name(d->action));
	if (rc == 0 && d->deadline != 0) {
		wusp_time(d->deadline, when);
		rc = ow_buf_printf(b, "<Deadline>%s</Deadline>", when);
	}
	date_only(d->last_change, day);
	if (rc == 0)
		rc = ow_buf_printf(b, "<IsAssigned>true</IsAssigned><LastChangeTime>%s</LastChangeTime>"
				      "<AutoSelect>0</AutoSelect><AutoDownload>0</AutoDownload>"
				      "<SupersedenceBehavior>0</SupersedenceBehavior></Deployment>",
				   day);
	return rc;
}

/* <name><UpdateInfo>...</UpdateInfo>...</name> */
static int update_infos(struct ow_buf *b, const char *name, const struct wusp_update_info *u,
			size_t n)
{
	int rc = ow_buf_printf(b, "<%s>", name);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = ow_buf_printf(b, "<UpdateInfo><ID>%" PRId32 "</ID>", u[i].revision_id);
		if (rc == 0)
			rc = deployment(b, &u[i].deployment);
		if (rc == 0)
			rc = ow_buf_printf(b, "<IsLeaf>%s</IsLeaf>", boolean(u[i].is_leaf));
		/* ChangedUpdates entries carry no Xml: the client has it. */
		if (rc == 0 && u[i].xml != NULL)
			rc = fragment(b, "Xml", u[i].xml, u[i].xml_len);
		if (rc == 0)
			rc = ow_buf_adds(b, "</UpdateInfo>");
	}
	if (rc == 0)
		rc = ow_buf_printf(b, "</%s>", name);
	return rc;
}

int wusp_sync_updates(struct ow_buf *b, const struct wusp_sync_result *r)
{
	int rc = wusp_open(b, "SyncUpdates", WUSP_NS_CLIENT);

	if (rc == 0)
		rc = ow_buf_adds(b, "<SyncUpdatesResult>");
	if (rc == 0 && r->nupdates > 0)
		rc = update_infos(b, "NewUpdates", r->updates, r->nupdates);
	if (rc == 0 && r->nout_of_scope > 0)
		rc = ints(b, "OutOfScopeRevisionIDs", r->out_of_scope, r->nout_of_scope);
	if (rc == 0 && r->nchanged > 0)
		rc = update_infos(b, "ChangedUpdates", r->changed, r->nchanged);
	if (rc == 0)
		rc = ow_buf_printf(b, "<Truncated>%s</Truncated>", boolean(r->truncated));
	if (rc == 0)
		rc = wusp_cookie(b, "NewCookie", r->cookie_expires, r->cookie_b64);
	if (rc == 0 && r->deployed_out_of_scope_present)
		rc = ints(b, "DeployedOutOfScopeRevisionIds", r->deployed_out_of_scope,
			  r->ndeployed_out_of_scope);
	if (rc == 0)
		rc = ow_buf_printf(b, "<DriverSyncNotNeeded>%s</DriverSyncNotNeeded></SyncUpdatesResult>",
				   boolean(r->driver_sync_not_needed));
	if (rc == 0)
		rc = wusp_close(b, "SyncUpdates");
	return rc;
}

/* <FileLocations><FileLocation><FileDigest>base64</FileDigest><Url>...
 * </Url></FileLocation>...</FileLocations> */
static int file_locations(struct ow_buf *b, const struct wusp_file_location *fl, size_t n)
{
	char digest[sodium_base64_ENCODED_LEN(sizeof(fl->sha1), sodium_base64_VARIANT_ORIGINAL)];
	int rc = ow_buf_adds(b, "<FileLocations>");

	for (size_t i = 0; rc == 0 && i < n; i++) {
		sodium_bin2base64(digest, sizeof(digest), fl[i].sha1, sizeof(fl[i].sha1),
				  sodium_base64_VARIANT_ORIGINAL);
		rc = ow_buf_printf(b, "<FileLocation><FileDigest>%s</FileDigest>", digest);
		if (rc == 0)
			rc = wusp_elem(b, "Url", fl[i].url);
		if (rc == 0)
			rc = ow_buf_adds(b, "</FileLocation>");
	}
	if (rc == 0)
		rc = ow_buf_adds(b, "</FileLocations>");
	return rc;
}

int wusp_get_extended_update_info(struct ow_buf *b, const struct wusp_update_data *u, size_t nu,
				  const struct wusp_file_location *fl, size_t nfl,
				  const int32_t *oos, size_t noos)
{
	int rc = wusp_open(b, "GetExtendedUpdateInfo", WUSP_NS_CLIENT);

	if (rc == 0)
		rc = ow_buf_adds(b, "<GetExtendedUpdateInfoResult>");
	if (rc == 0 && nu > 0) {
		rc = ow_buf_adds(b, "<Updates>");
		for (size_t i = 0; rc == 0 && i < nu; i++) {
			rc = ow_buf_printf(b, "<Update><ID>%" PRId32 "</ID>", u[i].revision_id);
			if (rc == 0)
				rc = fragment(b, "Xml", u[i].xml, u[i].xml_len);
			if (rc == 0)
				rc = ow_buf_adds(b, "</Update>");
		}
		if (rc == 0)
			rc = ow_buf_adds(b, "</Updates>");
	}
	if (rc == 0 && nfl > 0)
		rc = file_locations(b, fl, nfl);
	if (rc == 0 && noos > 0)
		rc = ints(b, "OutOfScopeRevisionIDs", oos, noos);
	if (rc == 0)
		rc = ow_buf_adds(b, "</GetExtendedUpdateInfoResult>");
	if (rc == 0)
		rc = wusp_close(b, "GetExtendedUpdateInfo");
	return rc;
}

int wusp_get_file_locations(struct ow_buf *b, const struct wusp_file_location *fl, size_t nfl,
			    int64_t cookie_expires, const char *cookie_b64)
{
	int rc = wusp_open(b, "GetFileLocations", WUSP_NS_CLIENT);

	if (rc == 0)
		rc = ow_buf_adds(b, "<GetFileLocationsResult>");
	if (rc == 0)
		rc = file_locations(b, fl, nfl);
	if (rc == 0)
		rc = wusp_cookie(b, "NewCookie", cookie_expires, cookie_b64);
	if (rc == 0)
		rc = ow_buf_adds(b, "</GetFileLocationsResult>");
	if (rc == 0)
		rc = wusp_close(b, "GetFileLocations");
	return rc;
}

int wusp_refresh_cache(struct ow_buf *b, const struct wusp_refresh_result *r, size_t n)
{
	int rc = wusp_open(b, "RefreshCache", WUSP_NS_CLIENT);

	if (rc == 0)
		rc = ow_buf_adds(b, "<RefreshCacheResult>");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = ow_buf_printf(b, "<RefreshCacheResult><RevisionID>%" PRId32 "</RevisionID><GlobalID>",
				   r[i].revision_id);
		if (rc == 0)
			rc = wusp_elem(b, "UpdateID", r[i].update_id);
		if (rc == 0)
			rc = ow_buf_printf(b, "<RevisionNumber>%" PRId32 "</RevisionNumber></GlobalID>"
					      "<IsLeaf>%s</IsLeaf>",
					   r[i].revision_number, boolean(r[i].is_leaf));
		if (rc == 0)
			rc = deployment(b, &r[i].deployment);
		if (rc == 0)
			rc = ow_buf_adds(b, "</RefreshCacheResult>");
	}
	if (rc == 0)
		rc = ow_buf_adds(b, "</RefreshCacheResult>");
	if (rc == 0)
		rc = wusp_close(b, "RefreshCache");
	return rc;
}

int wusp_report_event_batch(struct ow_buf *b)
{
	int rc = wusp_open(b, "ReportEventBatch", WUSP_NS_REPORTING);

	if (rc == 0)
		rc = ow_buf_adds(b, "<ReportEventBatchResult>true</ReportEventBatchResult>");
	if (rc == 0)
		rc = wusp_close(b, "ReportEventBatch");
	return rc;
}

const char *wusp_error_code(enum wusp_error e)
{
	switch (e) {
	case WUSP_E_INVALID_COOKIE: return "InvalidCookie";
	case WUSP_E_COOKIE_EXPIRED: return "CookieExpired";
	case WUSP_E_SERVER_CHANGED: return "ServerChanged";
	case WUSP_E_CONFIG_CHANGED: return "ConfigChanged";
	case WUSP_E_REGISTRATION_REQUIRED: return "RegistrationRequired";
	case WUSP_E_INVALID_PARAMETERS: return "InvalidParameters";
	case WUSP_E_INTERNAL: return "InternalServerError";
	}
	return "InternalServerError";
}

int wusp_fault(struct ow_buf *b, enum wusp_error e, const char *message, const char *actor,
	       const char *method)
{
	struct soap_fault f = {
		.client = e != WUSP_E_INTERNAL,
		.error_code = wusp_error_code(e),
		.message = message,
		.actor = actor,
		.method = method,
	};

	return soap_fault_write(b, &f);
}
