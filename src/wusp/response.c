/* SPDX-License-Identifier: MIT */
/* MS-WUSP response writers (see response.h). */
#include "wusp/response.h"

#include <stdio.h>
#include <time.h>

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
