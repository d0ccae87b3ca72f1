/* SPDX-License-Identifier: MIT */
/*
 * The MS-WUSP client messages (see wusp_msg.h), moved out of wusp-client
 * so that the load generator bench/storm plays exactly the requests the
 * integration tests check. Requests are built with sticky appends into one
 * bounded buffer that is reused from call to call; answers are parsed
 * into the project's bounded XML tree and read strictly, so a server bug
 * shows up as a malformed answer rather than being worked around.
 *
 *   POST /ClientWebService/client.asmx
 *   SOAPAction: "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates"
 *   <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
 *     <SyncUpdates xmlns="http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService">
 *       <cookie><Expiration>...</Expiration><EncryptedData>...</EncryptedData></cookie>
 *       <parameters><ExpressQuery>false</ExpressQuery>
 *         <InstalledNonLeafUpdateIDs><int>108226</int></InstalledNonLeafUpdateIDs>
 *         <OtherCachedUpdateIDs/><SkipSoftwareSync>false</SkipSoftwareSync>
 *       </parameters></SyncUpdates></s:Body></s:Envelope>
 *
 * The trade-off is realism for simplicity: every returned update counts as
 * applicable, every non-leaf as installed.
 */
#include "wusp_msg.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "base/util.h"
#include "xml/soap.h"

_Static_assert(WMSG_MAX_ANSWER_BYTES <= 64 * 1024 * 1024, "expat takes an int length");
_Static_assert(WMSG_MAX_EXT_PER_CALL >= 1, "call bounds");
_Static_assert(WMSG_MAX_REVISIONS <= INT32_MAX / 2, "revision count fits an int");

/* ---- protocol constants ---- */

#define NS_SOAP "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define NS_CLIENT "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"
#define NS_AUTH "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService"
#define NS_REPORTING "http://www.microsoft.com/SoftwareDistribution"
#define APP_NAME "openwsus-test"

/* The bytes of a light Core read: the UpdateIdentity start tag is the
 * first thing of every Core fragment and much shorter than this. */
#define LIGHT_SCAN_BYTES 256

static const struct service {
	const char *path;
	const char *ns;
} services[] = {
	[WMSG_SVC_CLIENT] = { "/ClientWebService/client.asmx", NS_CLIENT },
	[WMSG_SVC_AUTH] = { "/SimpleAuthWebService/SimpleAuth.asmx", NS_AUTH },
	[WMSG_SVC_REPORTING] = { "/ReportingWebService/ReportingWebService.asmx", NS_REPORTING },
};

const char *wmsg_svc_path(enum wmsg_svc svc)
{
	return services[svc].path;
}

const char *wmsg_svc_ns(enum wmsg_svc svc)
{
	return services[svc].ns;
}

static void trace(const struct wmsg *m, const char *fmt, ...) OW_PRINTF(2, 3);

/* One fact line on m->trace, when there is one. */
static void trace(const struct wmsg *m, const char *fmt, ...)
{
	va_list ap;

	if (m->trace == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(m->trace, fmt, ap);
	va_end(ap);
}

/* ---- small helpers ---- */

static int bad(struct ow_err *err, const char *op, const char *fmt, ...) OW_PRINTF(3, 4);

/* A malformed answer of op: OW_EINVAL with "op: what". */
static int bad(struct ow_err *err, const char *op, const char *fmt, ...)
{
	char msg[OW_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ow_err_set(err, OW_EINVAL, "%s: %s", op, msg);
}

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Characters printed in an output line: visible ASCII, no space. */
int wmsg_token_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* c is an ASCII letter or digit, or one of extra. */
int wmsg_ch_in(char c, const char *extra)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr(extra, c) != NULL);
}

/* Every character of s is wmsg_ch_in(extra). */
int wmsg_in_set(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!wmsg_ch_in(*s, extra))
			return 0;
	return 1;
}

/* A GUID "8-4-4-4-12" of exactly n characters, written lower-case to out. */
int wmsg_guid_parse(const char *s, size_t n, char out[37])
{
	if (n != 36)
		return -1;
	for (size_t i = 0; i < 36; i++) {
		char c = s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return -1;
		} else if (c >= 'A' && c <= 'F') {
			c = (char)(c - 'A' + 'a');
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return -1;
		}
		out[i] = c;
	}
	out[36] = '\0';
	return 0;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Strict padded base64 of len characters into at most outlen bytes. */
static int b64_decode(const char *s, size_t len, unsigned char *out, size_t outlen, size_t *n)
{
	size_t o = 0;

	if (len == 0 || len % 4 != 0)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		uint32_t x = 0;
		int pad = 0;

		for (int k = 0; k < 4; k++) {
			int v = 0;

			if (s[i + k] == '=') {
				if (i + 4 != len || k < 2)
					return -1;
				pad++;
			} else if (pad || (v = b64_value((unsigned char)s[i + k])) < 0) {
				return -1;
			}
			x = x << 6 | (uint32_t)v;
		}
		if (o + (size_t)(3 - pad) > outlen)
			return -1;
		out[o++] = (unsigned char)(x >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(x >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)x;
	}
	*n = o;
	return 0;
}

/* ---- reading answers ---- */

static int is_nil(const struct xml_node *n)
{
	const char *v = xml_attr_ns(n, NS_XSI, "nil");

	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* Child and next sibling in the parent's namespace (answers are written
 * with one default namespace per operation). */
static const struct xml_node *kid(const struct xml_node *n, const char *name)
{
	return xml_child(n, n->ns, name);
}

static const struct xml_node *next_kid(const struct xml_node *n, const char *name)
{
	return xml_next(n, n->ns, name);
}

/* The text of n without surrounding XML whitespace, into buf. */
static int value(const struct xml_node *n, char *buf, size_t len)
{
	const char *s = n->text, *e = n->text + n->text_len;

	while (s < e && is_xml_space(*s))
		s++;
	while (e > s && is_xml_space(e[-1]))
		e--;
	if ((size_t)(e - s) >= len)
		return -1;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	return 0;
}

/* The s:int child name of n (required). */
static int get_int(const struct xml_node *n, const char *name, const char *op, int32_t *out,
		   struct ow_err *err)
{
	const struct xml_node *c = kid(n, name);
	char v[WMSG_MAX_VALUE];
	long long x;

	if (c == NULL)
		return bad(err, op, "%s/%s is missing", n->name, name);
	if (value(c, v, sizeof(v)) < 0 || ow_parse_ll(v, INT32_MIN, INT32_MAX, &x) < 0)
		return bad(err, op, "%s/%s is not an s:int", n->name, name);
	*out = (int32_t)x;
	return 0;
}

/* The s:boolean child name of n; *out is -1 when it is absent and not
 * required. */
static int get_bool(const struct xml_node *n, const char *name, int required, const char *op,
		    int *out, struct ow_err *err)
{
	const struct xml_node *c = kid(n, name);
	char v[WMSG_MAX_VALUE];

	*out = -1;
	if (c == NULL || is_nil(c))
		return required ? bad(err, op, "%s/%s is missing", n->name, name) : 0;
	if (value(c, v, sizeof(v)) < 0)
		v[0] = '\0';
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		return bad(err, op, "%s/%s is not an s:boolean", n->name, name);
	return 0;
}

/* A copy of the base64 text of child name of n (required), at most max
 * characters. */
static int get_b64(const struct xml_node *n, const char *name, size_t max, const char *op,
		   char **out, struct ow_err *err)
{
	const struct xml_node *c = kid(n, name);
	const char *s, *e;

	if (c == NULL)
		return bad(err, op, "%s/%s is missing", n->name, name);
	s = c->text;
	e = c->text + c->text_len;
	while (s < e && is_xml_space(*s))
		s++;
	while (e > s && is_xml_space(e[-1]))
		e--;
	if (s == e || (size_t)(e - s) > max)
		return bad(err, op, "%s/%s is empty or longer than %zu", n->name, name, max);
	for (const char *p = s; p < e; p++)
		if (b64_value((unsigned char)*p) < 0 && *p != '=')
			return bad(err, op, "%s/%s is not base64", n->name, name);
	free(*out);
	*out = strndup(s, (size_t)(e - s));
	return *out ? 0 : ow_err_set(err, OW_ENOMEM, "out of memory");
}

/* A copy of the xs:dateTime text of child name of n (required). */
static int get_time(const struct xml_node *n, const char *name, const char *op, char **out,
		    struct ow_err *err)
{
	const struct xml_node *c = kid(n, name);
	char v[WMSG_MAX_VALUE];

	if (c == NULL || value(c, v, sizeof(v)) < 0 || !wmsg_token_ok(v, WMSG_MAX_VALUE) || !wmsg_in_set(v, "-:.+"))
		return bad(err, op, "%s/%s is missing or not an xs:dateTime", n->name, name);
	free(*out);
	*out = strdup(v);
	return *out ? 0 : ow_err_set(err, OW_ENOMEM, "out of memory");
}

/* ---- writing requests (appends are sticky: see wmsg.req_rc) ---- */

/* Appends markup (never values from outside: those go through put_text). */
static void put(struct wmsg *m, const char *markup)
{
	if (m->req_rc == 0)
		m->req_rc = ow_buf_adds(&m->req, markup);
}

/* <name>text, escaped</name> */
static void put_text(struct wmsg *m, const char *name, const char *text)
{
	if (m->req_rc == 0)
		m->req_rc = ow_buf_printf(&m->req, "<%s>", name);
	if (m->req_rc == 0)
		m->req_rc = soap_escape(&m->req, text);
	if (m->req_rc == 0)
		m->req_rc = ow_buf_printf(&m->req, "</%s>", name);
}

/* <name>v</name> */
static void put_int(struct wmsg *m, const char *name, long long v)
{
	if (m->req_rc == 0)
		m->req_rc = ow_buf_printf(&m->req, "<%s>%lld</%s>", name, v, name);
}

/* <name/> or </name> or <name> */
static void put_tag(struct wmsg *m, const char *before, const char *name, const char *after)
{
	if (m->req_rc == 0)
		m->req_rc = ow_buf_printf(&m->req, "%s%s%s", before, name, after);
}

static void put_now(struct wmsg *m, const char *name)
{
	char now[OW_TIME_LEN];

	ow_time_format(ow_time_now(), now);
	put_text(m, name, now);
}

/* The client cookie as element name. */
static void put_cookie(struct wmsg *m, const char *name)
{
	put_tag(m, "<", name, ">");
	put_text(m, "Expiration", m->cookie_exp);
	put_text(m, "EncryptedData", m->cookie_data);
	put_tag(m, "</", name, ">");
}

/* The cached revision ids, as an ArrayOfInt: the installed non-leaf ones
 * (installed 1), or all others (installed 0). */
static void put_ids(struct wmsg *m, const char *name, int installed)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nrevs; i++)
		if ((!m->revs[i].leaf && m->revs[i].installed) == installed) {
			if (n++ == 0)
				put_tag(m, "<", name, ">");
			put_int(m, "int", m->revs[i].id);
		}
	put_tag(m, n ? "</" : "<", name, n ? ">" : "/>");
}

/* Starts a request: the envelope and the operation element. */
static void begin(struct wmsg *m, enum wmsg_svc svc, const char *op)
{
	/* The buffer is kept from one request to the next: no allocation
	 * once it has grown to a client's largest request. */
	m->req.len = 0;
	if (m->req.data)
		m->req.data[0] = '\0';
	m->req_rc = 0;
	put(m, "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"" NS_SOAP "\"><s:Body>");
	put_tag(m, "<", op, " xmlns=\"");
	put(m, wmsg_svc_ns(svc));
	put(m, "\">");
}

static void end(struct wmsg *m, const char *op)
{
	put_tag(m, "</", op, "></s:Body></s:Envelope>");
}

/* Copies a fault's text for one output line: control characters become
 * spaces, the length is cut. */
static void fault_copy(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	for (; src[i] && i + 1 < len; i++)
		dst[i] = (unsigned char)src[i] < ' ' || src[i] == 0x7f ? ' ' : src[i];
	dst[i] = '\0';
}

/* Reads a soap:Fault into m->fault. */
static int read_fault(struct wmsg *m, const char *op, const struct xml_node *f, struct ow_err *err)
{
	const struct xml_node *detail = xml_child(f, NULL, "detail"), *code = NULL, *msg = NULL;
	const struct xml_node *fs = xml_child(f, NULL, "faultstring");

	if (detail) {
		code = xml_child(detail, NULL, "ErrorCode");
		msg = xml_child(detail, NULL, "Message");
	}
	fault_copy(m->fault.op, sizeof(m->fault.op), op);
	if (code == NULL || value(code, m->fault.code, sizeof(m->fault.code)) < 0 ||
	    !wmsg_token_ok(m->fault.code, WMSG_MAX_VALUE))
		memcpy(m->fault.code, "-", 2);
	if (msg == NULL || msg->text_len == 0)
		msg = fs;
	fault_copy(m->fault.msg, sizeof(m->fault.msg), msg ? msg->text : "");
	return ow_err_set(err, WMSG_E_FAULT, "%s: fault %s", op, m->fault.code);
}

/* ---- answers ---- */

int wmsg_answer(struct wmsg *m, enum wmsg_svc svc, const char *op, long status, const char *ctype,
		const char *body, size_t len, const struct xml_node **result, struct ow_err *err)
{
	static const struct xml_limits lim = {
		.max_bytes = WMSG_MAX_ANSWER_BYTES,
		.max_depth = OW_MAX_XML_DEPTH,
		.max_nodes = OW_MAX_XML_NODES,
		.max_attr_bytes = OW_MAX_XML_ATTR_BYTES,
		.max_text_bytes = OW_MAX_XML_TEXT_BYTES,
	};
	const struct xml_node *root, *b, *first;
	char response[64];

	*result = NULL;
	xml_free(m->doc);
	m->doc = NULL;
	if (ow_fmt(response, sizeof(response), "%sResponse", op) < 0)
		return ow_err_set(err, OW_ELIMIT, "%s: operation name too long", op);
	if (status != 200 && status != 500)
		return bad(err, op, "HTTP status %ld", status);
	if (ctype == NULL || ow_strncasecmp(ctype, "text/xml", 8) != 0)
		return bad(err, op, "HTTP %ld with Content-Type %s, not text/xml", status,
			   ctype ? ctype : "(none)");
	if (xml_parse(body ? body : "", len, &lim, &m->doc, err) < 0)
		return bad(err, op, "HTTP %ld, not XML: %s", status, err->msg);
	root = xml_root(m->doc);
	if (strcmp(root->ns, NS_SOAP) != 0 || strcmp(root->name, "Envelope") != 0 ||
	    (b = xml_child(root, NS_SOAP, "Body")) == NULL || (first = b->first_child) == NULL)
		return bad(err, op, "HTTP %ld, not a SOAP 1.1 envelope with a Body", status);
	if (strcmp(first->ns, NS_SOAP) == 0 && strcmp(first->name, "Fault") == 0)
		return status == 500 ? read_fault(m, op, first, err)
				     : bad(err, op, "a SOAP fault with HTTP status %ld", status);
	if (status != 200)
		return bad(err, op, "HTTP %ld without a SOAP fault", status);
	if (strcmp(first->ns, services[svc].ns) != 0 || strcmp(first->name, response) != 0 ||
	    first->next_sibling != NULL)
		return bad(err, op, "the Body holds {%s}%s, not {%s}%s alone", first->ns, first->name,
			   services[svc].ns, response);
	*result = first;
	return 0;
}

/* ---- life cycle ---- */

void wmsg_init(struct wmsg *m)
{
	memset(m, 0, sizeof(*m));
	ow_buf_init(&m->req, WMSG_MAX_REQUEST_BYTES);
	m->locale = "en";
	m->max_ext = WMSG_MAX_EXT_PER_CALL;
}

void wmsg_reset(struct wmsg *m)
{
	xml_free(m->doc);
	m->doc = NULL;
	free(m->auth_cookie);
	free(m->cookie_exp);
	free(m->cookie_data);
	m->auth_cookie = m->cookie_exp = m->cookie_data = NULL;
	m->req_rc = 0;
	m->max_ext = WMSG_MAX_EXT_PER_CALL;
	m->nrevs = m->nsorted = 0;
	m->seq = 0;
	m->calls = 0;
	m->nseen = 0;
	memset(&m->fault, 0, sizeof(m->fault));
}

void wmsg_release(struct wmsg *m)
{
	wmsg_reset(m);
	ow_buf_release(&m->req);
	free(m->revs);
	m->revs = NULL;
	m->caprevs = 0;
}

int wmsg_request_ok(const struct wmsg *m, const char *op, struct ow_err *err)
{
	if (m->req_rc == OW_ELIMIT)
		return ow_err_set(err, OW_ELIMIT, "%s: the request does not fit %d bytes", op,
				  WMSG_MAX_REQUEST_BYTES);
	if (m->req_rc != 0)
		return ow_err_set(err, m->req_rc, "%s: cannot build the request: %s", op,
				  ow_err_str(m->req_rc));
	return 0;
}

/* ---- handshake ---- */

void wmsg_build_config(struct wmsg *m)
{
	begin(m, WMSG_SVC_CLIENT, "GetConfig");
	put_text(m, "protocolVersion", WMSG_PROTOCOL_VERSION);
	end(m, "GetConfig");
}

int wmsg_read_config(struct wmsg *m, const struct xml_node *res, struct ow_err *err)
{
	static const char op[] = "GetConfig";
	const struct xml_node *result, *props, *p;
	char version[WMSG_MAX_VALUE] = "";

	if ((result = kid(res, "GetConfigResult")) == NULL || (props = kid(result, "Properties")) == NULL)
		return bad(err, op, "no GetConfigResult/Properties");
	for (p = kid(props, "ConfigurationProperty"); p; p = next_kid(p, "ConfigurationProperty")) {
		const struct xml_node *name = kid(p, "Name"), *val = kid(p, "Value");
		char v[WMSG_MAX_VALUE];
		long long x;

		if (name == NULL || val == NULL)
			return bad(err, op, "a ConfigurationProperty without Name or Value");
		if (strcmp(name->text, "ProtocolVersion") == 0) {
			if (value(val, version, sizeof(version)) < 0 || version[0] == '\0' ||
			    !wmsg_in_set(version, "."))
				return bad(err, op, "ProtocolVersion is not a version");
		} else if (strcmp(name->text, "MaxExtendedUpdatesPerRequest") == 0) {
			if (value(val, v, sizeof(v)) < 0 || ow_parse_ll(v, 1, INT32_MAX, &x) < 0)
				return bad(err, op, "MaxExtendedUpdatesPerRequest is not a positive s:int");
			if (x < m->max_ext)
				m->max_ext = (int)x;
		}
	}
	if (version[0] == '\0')
		return bad(err, op, "no ProtocolVersion property");
	trace(m, "config protocol %s\n", version);
	return 0;
}

void wmsg_build_auth_cookie(struct wmsg *m)
{
	begin(m, WMSG_SVC_AUTH, "GetAuthorizationCookie");
	put_text(m, "clientId", m->client_id);
	if (m->group)
		put_text(m, "targetGroupName", m->group);
	put_text(m, "dnsName", m->dns);
	end(m, "GetAuthorizationCookie");
}

int wmsg_read_auth_cookie(struct wmsg *m, const struct xml_node *res, struct ow_err *err)
{
	const struct xml_node *result;

	if ((result = kid(res, "GetAuthorizationCookieResult")) == NULL)
		return bad(err, "GetAuthorizationCookie", "no GetAuthorizationCookieResult");
	return get_b64(result, "CookieData", OW_MAX_WUSP_COOKIE_B64, "GetAuthorizationCookie",
		       &m->auth_cookie, err);
}

void wmsg_build_cookie(struct wmsg *m)
{
	begin(m, WMSG_SVC_CLIENT, "GetCookie");
	put(m, "<authCookies><AuthorizationCookie>");
	put_text(m, "PlugInId", "SimpleTargeting");
	put_text(m, "CookieData", m->auth_cookie ? m->auth_cookie : "");
	put(m, "</AuthorizationCookie></authCookies>");
	put_now(m, "lastChange");
	put_now(m, "currentTime");
	put_text(m, "protocolVersion", WMSG_PROTOCOL_VERSION);
	end(m, "GetCookie");
}

int wmsg_read_cookie(struct wmsg *m, const struct xml_node *res, struct ow_err *err)
{
	const struct xml_node *result;
	int rc;

	if ((result = kid(res, "GetCookieResult")) == NULL)
		return bad(err, "GetCookie", "no GetCookieResult");
	if ((rc = get_b64(result, "EncryptedData", OW_MAX_WUSP_COOKIE_B64, "GetCookie",
			  &m->cookie_data, err)) < 0 ||
	    (rc = get_time(result, "Expiration", "GetCookie", &m->cookie_exp, err)) < 0)
		return rc;
	trace(m, "cookie ok\n");
	return 0;
}

void wmsg_build_register(struct wmsg *m)
{
	begin(m, WMSG_SVC_CLIENT, "RegisterComputer");
	put_cookie(m, "cookie");
	put(m, "<computerInfo>");
	put_text(m, "DnsName", m->dns);
	put(m, "<OSMajorVersion>10</OSMajorVersion><OSMinorVersion>0</OSMinorVersion>"
	       "<OSBuildNumber>26200</OSBuildNumber><OSServicePackMajorNumber>0</OSServicePackMajorNumber>"
	       "<OSServicePackMinorNumber>0</OSServicePackMinorNumber>");
	put_text(m, "OSLocale", "en-US");
	put_text(m, "ComputerManufacturer", APP_NAME);
	put_text(m, "ComputerModel", APP_NAME);
	put_text(m, "BiosVersion", "1.0");
	put_text(m, "BiosName", APP_NAME);
	put(m, "<BiosReleaseDate>2024-01-01T00:00:00Z</BiosReleaseDate>"
	       "<ProcessorArchitecture>AMD64</ProcessorArchitecture><SuiteMask>256</SuiteMask>"
	       "<OldProductType>1</OldProductType><NewProductType>48</NewProductType>"
	       "<SystemMetrics>0</SystemMetrics>");
	put(m, "<ClientVersionMajorNumber>1507</ClientVersionMajorNumber>"
	       "<ClientVersionMinorNumber>2601</ClientVersionMinorNumber>"
	       "<ClientVersionBuildNumber>30012</ClientVersionBuildNumber>"
	       "<ClientVersionQfeNumber>0</ClientVersionQfeNumber>");
	put_text(m, "OSDescription", "Linux test client");
	put(m, "</computerInfo>");
	end(m, "RegisterComputer");
}

int wmsg_read_register(struct wmsg *m, const struct xml_node *res, struct ow_err *err)
{
	(void)res;
	(void)err;
	trace(m, "registered\n");
	return 0;
}

/* ---- the client cache ---- */

static int rev_cmp(const void *a, const void *b)
{
	const struct wmsg_rev *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct wmsg_rev *rev_find(struct wmsg *m, int32_t id)
{
	size_t lo = 0, hi = m->nsorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->revs[mid].id == id)
			return &m->revs[mid];
		if (m->revs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Records a received revision: updated in place when cached, else
 * appended after the sorted part until rev_settle(). installed -1 keeps
 * what the cache knows (1 for a revision it never had). */
static int rev_put(struct wmsg *m, int32_t id, int leaf, int install, int installed,
		   struct ow_err *err)
{
	struct wmsg_rev *r = rev_find(m, id);

	if (r == NULL) {
		if (m->nrevs == WMSG_MAX_REVISIONS)
			return ow_err_set(err, OW_ELIMIT, "more than %d revisions", WMSG_MAX_REVISIONS);
		if (m->nrevs == m->caprevs) {
			size_t cap = m->caprevs ? m->caprevs * 2 : 1024;
			struct wmsg_rev *grown;

			if (cap > WMSG_MAX_REVISIONS)
				cap = WMSG_MAX_REVISIONS;
			if ((grown = realloc(m->revs, cap * sizeof(*grown))) == NULL)
				return ow_err_set(err, OW_ENOMEM, "out of memory");
			m->revs = grown;
			m->caprevs = cap;
		}
		r = &m->revs[m->nrevs++];
		r->id = id;
		r->gone = 0;
		r->installed = 1;
	}
	if (installed >= 0)
		r->installed = (unsigned char)installed;
	r->seq = ++m->seq;
	r->leaf = (unsigned char)leaf;
	r->install = (unsigned char)install;
	return 0;
}

/* Sorts the cache again, keeps the latest copy of each id and drops the
 * revisions marked gone. O(n log n) once per answer. */
static void rev_settle(struct wmsg *m)
{
	size_t o = 0;

	if (m->nrevs > 1) /* revs is NULL before the first revision */
		qsort(m->revs, m->nrevs, sizeof(*m->revs), rev_cmp);
	for (size_t i = 0; i < m->nrevs; i++) {
		if (i + 1 < m->nrevs && m->revs[i + 1].id == m->revs[i].id)
			continue; /* a later copy follows */
		if (!m->revs[i].gone)
			m->revs[o++] = m->revs[i];
	}
	m->nrevs = m->nsorted = o;
}

/* ---- scan ---- */

/* UpdateID and RevisionNumber of the UpdateIdentity of a Core fragment. */
static int core_identity(const char *xml, size_t len, const char *op, char update_id[37],
			 int32_t *revision, struct ow_err *err)
{
	const struct xml_node *id;
	struct xml_doc *doc = NULL;
	struct ow_buf b;
	const char *u, *r;
	long long x;
	int rc;

	/* A fragment is a sequence of elements: one wrapper makes it a document. */
	ow_buf_init(&b, OW_MAX_XML_BYTES);
	if ((rc = ow_buf_adds(&b, "<f>")) < 0 || (rc = ow_buf_add(&b, xml, len)) < 0 ||
	    (rc = ow_buf_adds(&b, "</f>")) < 0) {
		rc = bad(err, op, "a Core fragment larger than %d bytes", OW_MAX_XML_BYTES);
		goto out;
	}
	if (xml_parse(b.data, b.len, NULL, &doc, err) < 0) {
		rc = bad(err, op, "a Core fragment is not XML: %s", err->msg);
		goto out;
	}
	id = xml_root(doc)->first_child;
	if (id == NULL || strcmp(id->name, "UpdateIdentity") != 0 || id->ns[0] != '\0') {
		rc = bad(err, op, "a Core fragment does not begin with UpdateIdentity");
		goto out;
	}
	u = xml_attr(id, "UpdateID");
	r = xml_attr(id, "RevisionNumber");
	if (u == NULL || wmsg_guid_parse(u, strlen(u), update_id) < 0 || r == NULL ||
	    ow_parse_ll(r, 0, INT32_MAX, &x) < 0) {
		rc = bad(err, op, "a Core fragment's UpdateIdentity has no valid UpdateID or RevisionNumber");
		goto out;
	}
	*revision = (int32_t)x;
	rc = 0;
out:
	xml_free(doc);
	ow_buf_release(&b);
	return rc;
}

/* The value of attribute name in the start tag s[0..n), or NULL; *len
 * is its length. Only for the light read of a start tag the server wrote:
 * no entity in it is decoded, and the caller checks the value's grammar. */
static const char *tag_attr(const char *s, size_t n, const char *name, size_t *len)
{
	size_t nl = strlen(name);

	for (size_t i = 1; i + nl + 2 < n; i++) {
		const char *v, *e;

		if (!is_xml_space(s[i - 1]) || memcmp(s + i, name, nl) != 0 || s[i + nl] != '=' ||
		    (s[i + nl + 1] != '"' && s[i + nl + 1] != '\''))
			continue;
		v = s + i + nl + 2;
		if ((e = memchr(v, s[i + nl + 1], n - (size_t)(v - s))) == NULL)
			return NULL;
		*len = (size_t)(e - v);
		return v;
	}
	return NULL;
}

/* The light read of a Core fragment's UpdateIdentity: its first start tag
 * only, the same checks on the values as core_identity. */
static int core_identity_light(const char *xml, size_t len, const char *op, char update_id[37],
			       int32_t *revision, struct ow_err *err)
{
	static const char open[] = "<UpdateIdentity";
	const char *u, *r, *gt;
	size_t n = len < LIGHT_SCAN_BYTES ? len : LIGHT_SCAN_BYTES, ul = 0, rl = 0;
	char num[16];
	long long x;

	while (n > 0 && is_xml_space(*xml)) {
		xml++;
		n--;
	}
	if (n < sizeof(open) || memcmp(xml, open, sizeof(open) - 1) != 0 ||
	    !is_xml_space(xml[sizeof(open) - 1]) || (gt = memchr(xml, '>', n)) == NULL)
		return bad(err, op, "a Core fragment does not begin with UpdateIdentity");
	n = (size_t)(gt - xml);
	u = tag_attr(xml, n, "UpdateID", &ul);
	r = tag_attr(xml, n, "RevisionNumber", &rl);
	if (u == NULL || wmsg_guid_parse(u, ul, update_id) < 0 || r == NULL || rl == 0 ||
	    rl >= sizeof(num))
		return bad(err, op, "a Core fragment's UpdateIdentity has no valid UpdateID or RevisionNumber");
	memcpy(num, r, rl);
	num[rl] = '\0';
	if (ow_parse_ll(num, 0, INT32_MAX, &x) < 0)
		return bad(err, op, "a Core fragment's UpdateIdentity has no valid UpdateID or RevisionNumber");
	*revision = (int32_t)x;
	return 0;
}

/* One UpdateInfo of NewUpdates (changed 0) or ChangedUpdates (changed 1):
 * printed, then recorded in the cache. */
static int update_info(struct wmsg *m, const struct xml_node *u, int changed, struct ow_err *err)
{
	static const char op[] = "SyncUpdates";
	const struct xml_node *dep = kid(u, "Deployment"), *xml = kid(u, "Xml"), *n;
	char action[WMSG_MAX_VALUE] = "-", deadline[WMSG_MAX_VALUE] = "", update_id[37] = "";
	int32_t id, revision = 0;
	int leaf, install, installed = -1, rc;

	if ((rc = get_int(u, "ID", op, &id, err)) < 0 ||
	    (rc = get_bool(u, "IsLeaf", 1, op, &leaf, err)) < 0)
		return rc;
	if (dep && !is_nil(dep)) {
		if ((n = kid(dep, "Action")) == NULL || value(n, action, sizeof(action)) < 0 ||
		    action[0] == '\0' || !wmsg_in_set(action, ""))
			return bad(err, op, "UpdateInfo %d: Deployment/Action is missing or not a word",
				   (int)id);
		if ((n = kid(dep, "Deadline")) != NULL && !is_nil(n) &&
		    (value(n, deadline, sizeof(deadline)) < 0 || !wmsg_token_ok(deadline, WMSG_MAX_VALUE)))
			return bad(err, op, "UpdateInfo %d: Deployment/Deadline is not a date", (int)id);
	}
	if (changed) {
		trace(m, "changed %d %s %s\n", (int)id, action, leaf ? "leaf" : "nonleaf");
		if (rev_find(m, id) == NULL)
			return 0; /* a change to a revision this cache never had */
	} else {
		if (xml == NULL || is_nil(xml))
			return bad(err, op, "UpdateInfo %d has no Xml", (int)id);
		rc = m->light ? core_identity_light(xml->text, xml->text_len, op, update_id, &revision, err)
			      : core_identity(xml->text, xml->text_len, op, update_id, &revision, err);
		if (rc < 0)
			return rc;
		trace(m, "update %d %s %s %s %d%s%s\n", (int)id, action, leaf ? "leaf" : "nonleaf",
		       update_id, (int)revision, deadline[0] ? " " : "", deadline);
		installed = leaf || m->installed == NULL ||
			    m->installed(m->installed_arg, xml->text, xml->text_len);
	}
	install = strcmp(action, "Install") == 0 || strcmp(action, "Uninstall") == 0;
	if (!changed && leaf && install && m->nseen < WMSG_MAX_SEEN) {
		memcpy(m->seen[m->nseen].update_id, update_id, sizeof(update_id));
		m->seen[m->nseen++].revision = revision;
	}
	return rev_put(m, id, leaf, install, installed, err);
}

/* The parameters of one SyncUpdates: the software pass, or the driver pass
 * with one device (a printer, as a Windows client reports it). */
void wmsg_build_sync(struct wmsg *m, int driver)
{
	begin(m, WMSG_SVC_CLIENT, "SyncUpdates");
	put_cookie(m, "cookie");
	put(m, "<parameters><ExpressQuery>false</ExpressQuery>");
	put_ids(m, "InstalledNonLeafUpdateIDs", 1);
	if (!driver) {
		put_ids(m, "OtherCachedUpdateIDs", 0);
	} else {
		put(m, "<SystemSpec><Device><HardwareIDs><string>{6d170653-5280-44c2-ba44-2c04bc9d46da}"
		       "</string></HardwareIDs><installedDriver>"
		       "<MatchingID>{6d170653-5280-44c2-ba44-2c04bc9d46da}</MatchingID>");
		put(m, "<DriverVerDate>2006-06-21T00:00:00Z</DriverVerDate>"
		       "<DriverVerVersion>2814751477604196</DriverVerVersion><Class>Printer</Class>"
		       "<Manufacturer>Microsoft</Manufacturer><Provider>Microsoft</Provider>");
		put(m, "<Model>Universal Print Class Driver</Model><MatchingComputerHWID "
		       "xmlns:a=\"" NS_XSI "\" a:nil=\"true\"/><DriverRank>-1</DriverRank>"
		       "</installedDriver><DeviceFlags>1</DeviceFlags></Device></SystemSpec>");
		put(m, "<CachedDriverIDs/>");
	}
	put(m, driver ? "<SkipSoftwareSync>true</SkipSoftwareSync></parameters>"
		      : "<SkipSoftwareSync>false</SkipSoftwareSync></parameters>");
	end(m, "SyncUpdates");
}

int wmsg_read_sync(struct wmsg *m, const struct xml_node *res, int *more, int *driver_not_needed,
		   size_t *nnew_out, struct ow_err *err)
{
	static const char op[] = "SyncUpdates";
	const struct xml_node *result, *newu, *oos, *chg, *cookie, *n;
	size_t nnew = 0, nout = 0;
	int truncated, rc;
	char v[WMSG_MAX_VALUE];

	if ((result = kid(res, "SyncUpdatesResult")) == NULL)
		return bad(err, op, "no SyncUpdatesResult");
	newu = kid(result, "NewUpdates");
	oos = kid(result, "OutOfScopeRevisionIDs");
	chg = kid(result, "ChangedUpdates");
	for (n = newu ? kid(newu, "UpdateInfo") : NULL; n; n = next_kid(n, "UpdateInfo"))
		nnew += !is_nil(n);
	for (n = oos ? kid(oos, "int") : NULL; n; n = next_kid(n, "int"))
		nout++;
	if ((rc = get_bool(result, "Truncated", 1, op, &truncated, err)) < 0 ||
	    (rc = get_bool(result, "DriverSyncNotNeeded", 0, op, driver_not_needed, err)) < 0)
		return rc;
	if (*driver_not_needed < 0)
		*driver_not_needed = 0;
	trace(m, "sync %zu %zu %zu %s\n", ++m->calls, nnew, nout, truncated ? "true" : "false");

	for (n = newu ? kid(newu, "UpdateInfo") : NULL; n; n = next_kid(n, "UpdateInfo"))
		if (!is_nil(n) && (rc = update_info(m, n, 0, err)) < 0)
			return rc;
	for (n = chg ? kid(chg, "UpdateInfo") : NULL; n; n = next_kid(n, "UpdateInfo"))
		if (!is_nil(n) && (rc = update_info(m, n, 1, err)) < 0)
			return rc;
	rev_settle(m);
	for (n = oos ? kid(oos, "int") : NULL; n; n = next_kid(n, "int")) {
		long long x;
		struct wmsg_rev *r;

		if (value(n, v, sizeof(v)) < 0 || ow_parse_ll(v, INT32_MIN, INT32_MAX, &x) < 0)
			return bad(err, op, "OutOfScopeRevisionIDs/int is not an s:int");
		if ((r = rev_find(m, (int32_t)x)) != NULL)
			r->gone = 1;
	}
	rev_settle(m);

	if ((cookie = kid(result, "NewCookie")) != NULL && !is_nil(cookie)) {
		if ((rc = get_b64(cookie, "EncryptedData", OW_MAX_WUSP_COOKIE_B64, op, &m->cookie_data,
				  err)) < 0 ||
		    (rc = get_time(cookie, "Expiration", op, &m->cookie_exp, err)) < 0)
			return rc;
	}
	*more = nnew > 0 || truncated;
	if (nnew_out)
		*nnew_out = nnew;
	return 0;
}

/* ---- extended information ---- */

/* The kind of an extended fragment, by the name of its first element;
 * NULL when it is neither kind asked for. */
static const char *fragment_kind(const char *xml)
{
	static const char ext[] = "<ExtendedProperties", loc[] = "<LocalizedProperties";
	const char *s = xml;
	size_t n;

	while (is_xml_space(*s))
		s++;
	if (strncmp(s, ext, sizeof(ext) - 1) == 0)
		n = sizeof(ext) - 1;
	else if (strncmp(s, loc, sizeof(loc) - 1) == 0)
		n = sizeof(loc) - 1;
	else
		return NULL;
	if (!is_xml_space(s[n]) && s[n] != '/' && s[n] != '>')
		return NULL;
	return n == sizeof(ext) - 1 ? "extended" : "localized";
}


static int has_id(const int32_t *ids, size_t n, int32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

void wmsg_build_extended(struct wmsg *m, const int32_t *ids, size_t n)
{
	begin(m, WMSG_SVC_CLIENT, "GetExtendedUpdateInfo");
	put_cookie(m, "cookie");
	put(m, "<revisionIDs>");
	for (size_t i = 0; i < n; i++)
		put_int(m, "int", ids[i]);
	put(m, "</revisionIDs><infoTypes><XmlUpdateFragmentType>Extended</XmlUpdateFragmentType>"
	       "<XmlUpdateFragmentType>LocalizedProperties</XmlUpdateFragmentType></infoTypes>"
	       "<locales>");
	put_text(m, "string", m->locale);
	put(m, "</locales>");
	end(m, "GetExtendedUpdateInfo");
}

/* One line per Update and per FileLocation. */
int wmsg_read_extended(struct wmsg *m, const struct xml_node *res, const int32_t *ids, size_t n,
		       struct ow_err *err)
{
	static const char op[] = "GetExtendedUpdateInfo";
	const struct xml_node *result, *list, *u, *x;
	int rc;

	if ((result = kid(res, "GetExtendedUpdateInfoResult")) == NULL)
		return bad(err, op, "no GetExtendedUpdateInfoResult");
	list = kid(result, "Updates");
	for (u = list ? kid(list, "Update") : NULL; u; u = next_kid(u, "Update")) {
		const char *kind;
		int32_t id;

		if (is_nil(u))
			continue;
		if ((rc = get_int(u, "ID", op, &id, err)) < 0)
			return rc;
		if (!has_id(ids, n, id))
			return bad(err, op, "Update %d was not asked for", (int)id);
		if ((x = kid(u, "Xml")) == NULL || is_nil(x))
			return bad(err, op, "Update %d has no Xml", (int)id);
		if ((kind = fragment_kind(x->text)) == NULL)
			return bad(err, op, "Update %d: a fragment that is neither ExtendedProperties "
					    "nor LocalizedProperties", (int)id);
		trace(m, "ext %d %s %zu\n", (int)id, kind, x->text_len);
	}
	list = kid(result, "FileLocations");
	for (u = list ? kid(list, "FileLocation") : NULL; u; u = next_kid(u, "FileLocation")) {
		unsigned char digest[20];
		char d64[64], url[OW_MAX_PATH], hex[41];
		size_t nd;

		if (is_nil(u))
			continue;
		if ((x = kid(u, "FileDigest")) == NULL || value(x, d64, sizeof(d64)) < 0 ||
		    b64_decode(d64, strlen(d64), digest, sizeof(digest), &nd) < 0 || nd != 20)
			return bad(err, op, "a FileLocation's FileDigest is not a base64 SHA-1");
		if ((x = kid(u, "Url")) == NULL || value(x, url, sizeof(url)) < 0 ||
		    !wmsg_token_ok(url, sizeof(url) - 1))
			return bad(err, op, "a FileLocation's Url is missing or has blanks");
		for (size_t i = 0; i < nd; i++)
			snprintf(hex + 2 * i, 3, "%02X", digest[i]);
		trace(m, "file %s %s\n", hex, url);
	}
	return 0;
}

size_t wmsg_next_extended(const struct wmsg *m, size_t *cursor, int32_t batch[WMSG_MAX_EXT_PER_CALL])
{
	size_t n = 0, max = m->max_ext < WMSG_MAX_EXT_PER_CALL ? (size_t)m->max_ext : WMSG_MAX_EXT_PER_CALL;

	for (; *cursor < m->nrevs && n < max; (*cursor)++)
		if (m->revs[*cursor].leaf && m->revs[*cursor].install)
			batch[n++] = m->revs[*cursor].id;
	return n;
}

/* ---- report ---- */

static void put_event(struct wmsg *m, const struct wmsg_event *e)
{
	char instance[37];

	if (ow_uuid4(instance) < 0) {
		m->req_rc = OW_ECRYPTO;
		return;
	}
	put(m, "<ReportingEvent><BasicData><TargetID>");
	put_text(m, "Sid", m->client_id);
	put(m, "</TargetID><SequenceNumber>0</SequenceNumber>");
	put_now(m, "TimeAtTarget");
	put_text(m, "EventInstanceID", instance);
	put(m, "<NamespaceID>1</NamespaceID>");
	put_int(m, "EventID", e->event_id);
	put(m, "<SourceID>101</SourceID><UpdateID>");
	put_text(m, "UpdateID", e->update_id);
	put_int(m, "RevisionNumber", e->revision);
	put(m, "</UpdateID>");
	put_int(m, "Win32HResult", e->hresult);
	put_text(m, "AppName", APP_NAME);
	put(m, "</BasicData><ExtendedData><ReplacementStrings/>"
	       "<MiscData><string>A=0</string><string>Q=1</string></MiscData>"
	       "<ProcessorArchitecture>Amd64Compatible</ProcessorArchitecture>");
	put(m, "<OSVersion><Major>10</Major><Minor>0</Minor><Build>26200</Build><Revision>0</Revision>"
	       "<ServicePackMajor>0</ServicePackMajor><ServicePackMinor>0</ServicePackMinor>"
	       "</OSVersion><OSLocaleID>1033</OSLocaleID><DeviceID></DeviceID></ExtendedData>");
	put(m, "<PrivateData><ComputerDnsName></ComputerDnsName><UserAccountName></UserAccountName>"
	       "</PrivateData></ReportingEvent>");
}

void wmsg_build_report(struct wmsg *m, const struct wmsg_event *ev, size_t nev)
{
	begin(m, WMSG_SVC_REPORTING, "ReportEventBatch");
	put_cookie(m, "cookie");
	put_now(m, "clientTime");
	put(m, "<eventBatch>");
	for (size_t i = 0; i < nev; i++)
		put_event(m, &ev[i]);
	put(m, "</eventBatch>");
	end(m, "ReportEventBatch");
}

int wmsg_read_report(struct wmsg *m, const struct xml_node *res, size_t nev, struct ow_err *err)
{
	static const char op[] = "ReportEventBatch";
	int ok, rc;

	if ((rc = get_bool(res, "ReportEventBatchResult", 1, op, &ok, err)) < 0)
		return rc;
	if (!ok)
		return bad(err, op, "ReportEventBatchResult is false");
	trace(m, "reported %zu\n", nev);
	return 0;
}
