/* SPDX-License-Identifier: MIT */
/*
 * MS-WUSP response bodies: the SOAP 1.1 envelope WSUS answers with and the
 * results of the handshake operations. Pure writers into a bounded buffer;
 * values come from the caller (catalog, cookies), never from templates.
 *
 *   <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
 *     <s:Body xmlns:xsi="..." xmlns:xsd="...">
 *       <GetConfigResponse xmlns="http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService">
 *         <GetConfigResult><LastChange>...</LastChange>...</GetConfigResult>
 */
#ifndef OW_WUSP_RESPONSE_H
#define OW_WUSP_RESPONSE_H

#include <stdint.h>

#include "base/buf.h"

#define WUSP_NS_CLIENT "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"
#define WUSP_NS_SIMPLEAUTH "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService"
#define WUSP_NS_REPORTING "http://www.microsoft.com/SoftwareDistribution"

/* The protocol version openwsus serves (GetConfig's ProtocolVersion). */
#define WUSP_PROTOCOL_VERSION "3.2"
/* Revisions a client may ask for in one GetExtendedUpdateInfo. */
#define WUSP_MAX_EXTENDED_PER_REQUEST 50

/* Opens "<s:Envelope><s:Body ...><{op}Response xmlns=ns>" and closes it. */
int wusp_open(struct ow_buf *b, const char *op, const char *ns) OW_WUR;
int wusp_close(struct ow_buf *b, const char *op) OW_WUR;

/* Writes <name>text</name> with text escaped. */
int wusp_elem(struct ow_buf *b, const char *name, const char *text) OW_WUR;

/* Unix seconds as the xs:dateTime WSUS writes ("2026-10-04T13:17:07Z"). */
void wusp_time(int64_t t, char out[32]);

struct wusp_config {
	int64_t last_change;        /* when the server's configuration last changed */
	int registration_required;
	int client_reporting_level; /* 2 as WSUS: report all events */
	int inventory_required;
};

/* The whole GetConfig response. */
int wusp_get_config(struct ow_buf *b, const struct wusp_config *c) OW_WUR;

/* The whole GetAuthorizationCookie response (cookie_b64: sealed cookie). */
int wusp_get_auth_cookie(struct ow_buf *b, const char *cookie_b64) OW_WUR;

/* A client cookie element (Expiration + EncryptedData) named elem. */
int wusp_cookie(struct ow_buf *b, const char *elem, int64_t expires, const char *cookie_b64) OW_WUR;

/* The whole GetCookie response. */
int wusp_get_cookie(struct ow_buf *b, int64_t expires, const char *cookie_b64) OW_WUR;

/* The whole (empty) RegisterComputer response. */
int wusp_register_computer(struct ow_buf *b) OW_WUR;

/* The whole StartCategoryScan response: the category ids openwsus will
 * scan (those of the request it knows). */
int wusp_start_category_scan(struct ow_buf *b, const char *const *ids, size_t n) OW_WUR;

/* MS-WUSP ErrorCode values a real client follows its recovery path on. */
enum wusp_error {
	WUSP_E_INVALID_COOKIE,
	WUSP_E_COOKIE_EXPIRED,
	WUSP_E_SERVER_CHANGED,
	WUSP_E_CONFIG_CHANGED,
	WUSP_E_REGISTRATION_REQUIRED,
	WUSP_E_INVALID_PARAMETERS,
	WUSP_E_INTERNAL,
};

const char *wusp_error_code(enum wusp_error e);

/* A SOAP 1.1 fault with the ErrorCode; actor is the service URL, method
 * the SOAPAction. Client errors are soap:Client, InternalServerError is
 * soap:Server. */
int wusp_fault(struct ow_buf *b, enum wusp_error e, const char *message, const char *actor,
	       const char *method) OW_WUR;

#endif
