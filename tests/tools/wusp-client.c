/* SPDX-License-Identifier: MIT */
/*
 * wusp-client: a small MS-WUSP client for integration tests, and the seed
 * of a load generator. It plays the calls a Windows Update Agent makes
 * (GetConfig, GetAuthorizationCookie, GetCookie, RegisterComputer, the
 * SyncUpdates passes, GetExtendedUpdateInfo, ReportEventBatch) against a
 * server over HTTPS, on one kept-alive libcurl handle, and prints one
 * machine-readable line per fact on stdout. Nothing survives a run: the
 * client cache of a scan lives in memory only. The trade-off is realism for
 * simplicity: every returned update counts as applicable, every non-leaf as
 * installed, and answers are checked strictly, so a server bug shows up as
 * exit 3 rather than being worked around.
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
 * Exit codes: 0 ok, 1 local failure (memory, randomness, stdout), 2 usage,
 * 3 SOAP fault or malformed answer, 4 transport error.
 */
#include <curl/curl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/time.h"
#include "base/util.h"
#include "xml/soap.h"
#include "xml/xml.h"

/* ---- limits ---- */

/* One answer body. A SyncUpdates page of a real WSUS is well under 1 MiB;
 * 64 MiB keeps a runaway server from exhausting a load generator. Larger:
 * the transfer is stopped and the run exits 3. */
#define MAX_ANSWER_BYTES (64 * 1024 * 1024)

/* One request body: what the server accepts (OW_MAX_BODY_BYTES). A larger
 * request (a cache of some 200000 revisions) ends the run with exit 3. */
#define MAX_REQUEST_BYTES OW_MAX_BODY_BYTES

/* SyncUpdates calls of one software pass. A server that keeps answering
 * Truncated or new updates beyond this is looping: exit 3. */
#define MAX_SYNC_CALLS 1000

/* Revision ids per GetExtendedUpdateInfo (what WSUS announces as
 * MaxExtendedUpdatesPerRequest; a smaller announced value wins). */
#define MAX_EXT_PER_CALL 50

/* Revisions the in-memory client cache holds (16 bytes each). */
#define MAX_REVISIONS 500000

/* --resolve options; events of one ReportEventBatch (what the server takes). */
#define MAX_RESOLVE 8
#define MAX_EVENTS OW_MAX_WUSP_EVENTS

/* Lengths of a --locale tag, a --url and of one value copied out of an
 * answer (ids, booleans, protocol versions, dates). */
#define MAX_LOCALE 35
#define MAX_URL (OW_MAX_FQDN + 16)
#define MAX_VALUE 64

/* A message copied out of a fault, cut to this many bytes. */
#define MAX_FAULT_MSG 512

/* Timeouts of one call: connecting, and the whole exchange. */
#define CONNECT_TIMEOUT_MS 10000
#define CALL_TIMEOUT_MS 60000

_Static_assert(MAX_ANSWER_BYTES <= 64 * 1024 * 1024, "expat takes an int length");
_Static_assert(MAX_EXT_PER_CALL >= 1 && MAX_SYNC_CALLS >= 1, "call bounds");
_Static_assert(MAX_REVISIONS <= INT32_MAX / 2, "revision count fits an int");

/* ---- protocol constants ---- */

#define NS_SOAP "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define NS_CLIENT "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"
#define NS_AUTH "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService"
#define NS_REPORTING "http://www.microsoft.com/SoftwareDistribution"
#define PROTOCOL_VERSION "2.90"
#define APP_NAME "openwsus-test"

/* The services; a SOAPAction is the namespace, '/', the operation. */
enum svc { SVC_CLIENT, SVC_AUTH, SVC_REPORTING };

static const struct service {
	const char *path;
	const char *ns;
} services[] = {
	[SVC_CLIENT] = { "/ClientWebService/client.asmx", NS_CLIENT },
	[SVC_AUTH] = { "/SimpleAuthWebService/SimpleAuth.asmx", NS_AUTH },
	[SVC_REPORTING] = { "/ReportingWebService/ReportingWebService.asmx", NS_REPORTING },
};

/* The server answered with a SOAP fault; wc.fault says which. */
#define E_FAULT (-100)

static const char usage_text[] =
	"usage: wusp-client --url https://NAME:PORT --ca FILE [--resolve NAME:PORT:ADDR]\n"
	"                   --client-id ID [--dns NAME] [--group NAME] [--locale LANG] COMMAND\n"
	"COMMAND:\n"
	"  scan              full scan, then extended info for updates whose deployment\n"
	"                    is Install or Uninstall\n"
	"  report EVENT...   one ReportEventBatch; EVENT is EVENTID:UPDATEID:REVISION:HRESULT\n"
	"                    (HRESULT decimal or 0x hex), e.g. 183:0c6e...:1:0\n";

/* One revision of the client cache. */
struct rev {
	int32_t id;
	uint32_t seq;           /* when it was last received: the later wins */
	unsigned char leaf;     /* IsLeaf */
	unsigned char install;  /* Deployment Action Install or Uninstall */
	unsigned char gone;     /* listed in OutOfScopeRevisionIDs */
};

/* One EVENT argument of report. */
struct event {
	int32_t event_id;
	char update_id[37];
	int32_t revision;
	int32_t hresult;
};

/* The whole state of one run (the process's only mutable state). */
struct wc {
	/* options, validated */
	char base[MAX_URL + 1];         /* "https://NAME:PORT" */
	const char *ca, *client_id, *group, *locale;
	char dns[OW_MAX_FQDN + 1];
	const char *resolve[MAX_RESOLVE];
	int nresolve;

	/* transport */
	CURL *curl;
	struct curl_slist *resolve_list;
	char errbuf[CURL_ERROR_SIZE];
	struct ow_buf req;              /* the request being built; its
					 * appends are sticky: req_rc keeps
					 * the first failure */
	int req_rc;
	struct ow_buf ans;              /* the answer being received */
	int ans_rc;                     /* why on_data stopped it, or 0 */
	struct xml_doc *doc;            /* the parsed answer, until the next call */

	/* protocol state */
	char *auth_cookie;              /* CookieData of SimpleAuth */
	char *cookie_exp, *cookie_data; /* the client cookie */
	int renewed;                    /* the cookie was renewed after a fault */
	int max_ext;                    /* revision ids per GetExtendedUpdateInfo */
	struct rev *revs;               /* sorted by id in [0, nsorted) */
	size_t nrevs, nsorted, caprevs;
	uint32_t seq;
	size_t calls;                   /* SyncUpdates calls so far (PAGE) */

	struct {
		char op[32];
		char code[MAX_VALUE + 1];
		char msg[MAX_FAULT_MSG + 1];
	} fault;
};

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
static int token_ok(const char *s, size_t max)
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
static int ch_in(char c, const char *extra)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr(extra, c) != NULL);
}

/* Every character of s is ch_in(extra). */
static int in_set(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!ch_in(*s, extra))
			return 0;
	return 1;
}

/* A GUID "8-4-4-4-12" of exactly n characters, written lower-case to out. */
static int guid_parse(const char *s, size_t n, char out[37])
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
	char v[MAX_VALUE];
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
	char v[MAX_VALUE];

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
	char v[MAX_VALUE];

	if (c == NULL || value(c, v, sizeof(v)) < 0 || !token_ok(v, MAX_VALUE) || !in_set(v, "-:.+"))
		return bad(err, op, "%s/%s is missing or not an xs:dateTime", n->name, name);
	free(*out);
	*out = strdup(v);
	return *out ? 0 : ow_err_set(err, OW_ENOMEM, "out of memory");
}

/* ---- writing requests (appends are sticky: see wc.req_rc) ---- */

/* Appends markup (never values from outside: those go through put_text). */
static void put(struct wc *w, const char *markup)
{
	if (w->req_rc == 0)
		w->req_rc = ow_buf_adds(&w->req, markup);
}

/* <name>text, escaped</name> */
static void put_text(struct wc *w, const char *name, const char *text)
{
	if (w->req_rc == 0)
		w->req_rc = ow_buf_printf(&w->req, "<%s>", name);
	if (w->req_rc == 0)
		w->req_rc = soap_escape(&w->req, text);
	if (w->req_rc == 0)
		w->req_rc = ow_buf_printf(&w->req, "</%s>", name);
}

/* <name>v</name> */
static void put_int(struct wc *w, const char *name, long long v)
{
	if (w->req_rc == 0)
		w->req_rc = ow_buf_printf(&w->req, "<%s>%lld</%s>", name, v, name);
}

/* <name/> or </name> or <name> */
static void put_tag(struct wc *w, const char *before, const char *name, const char *after)
{
	if (w->req_rc == 0)
		w->req_rc = ow_buf_printf(&w->req, "%s%s%s", before, name, after);
}

static void put_now(struct wc *w, const char *name)
{
	char now[OW_TIME_LEN];

	ow_time_format(ow_time_now(), now);
	put_text(w, name, now);
}

/* The client cookie as element name. */
static void put_cookie(struct wc *w, const char *name)
{
	put_tag(w, "<", name, ">");
	put_text(w, "Expiration", w->cookie_exp);
	put_text(w, "EncryptedData", w->cookie_data);
	put_tag(w, "</", name, ">");
}

/* The cached revision ids whose leaf flag is leaf, as an ArrayOfInt. */
static void put_ids(struct wc *w, const char *name, int leaf)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nrevs; i++)
		if (w->revs[i].leaf == leaf) {
			if (n++ == 0)
				put_tag(w, "<", name, ">");
			put_int(w, "int", w->revs[i].id);
		}
	put_tag(w, n ? "</" : "<", name, n ? ">" : "/>");
}

/* Starts a request: the envelope and the operation element. */
static void begin(struct wc *w, enum svc svc, const char *op)
{
	ow_buf_release(&w->req);
	ow_buf_init(&w->req, MAX_REQUEST_BYTES);
	w->req_rc = 0;
	put(w, "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"" NS_SOAP "\"><s:Body>");
	put_tag(w, "<", op, " xmlns=\"");
	put(w, services[svc].ns);
	put(w, "\">");
}

static void end(struct wc *w, const char *op)
{
	put_tag(w, "</", op, "></s:Body></s:Envelope>");
}

/* ---- transport ---- */

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct wc *w = arg;
	size_t n = size * nmemb;

	if ((w->ans_rc = ow_buf_add(&w->ans, ptr, n)) < 0)
		return 0; /* stops the transfer: CURLE_WRITE_ERROR */
	return n;
}

#define SETOPT(c, opt, val)                                          \
	do {                                                         \
		if (curl_easy_setopt((c), (opt), (val)) != CURLE_OK) \
			goto curl_fail;                              \
	} while (0)

/* The one curl handle of the run, verifying the server against --ca only. */
static int transport_init(struct wc *w, struct ow_err *err)
{
	for (int i = 0; i < w->nresolve; i++) {
		struct curl_slist *l = curl_slist_append(w->resolve_list, w->resolve[i]);

		if (l == NULL)
			return ow_err_set(err, OW_ENOMEM, "out of memory");
		w->resolve_list = l;
	}
	w->curl = curl_easy_init();
	if (w->curl == NULL)
		return ow_err_set(err, OW_ENOMEM, "cannot create a curl handle");
	SETOPT(w->curl, CURLOPT_ERRORBUFFER, w->errbuf);
	SETOPT(w->curl, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SETOPT(w->curl, CURLOPT_PROTOCOLS_STR, "https");
#else
	SETOPT(w->curl, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	SETOPT(w->curl, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(w->curl, CURLOPT_CAINFO, w->ca);
	SETOPT(w->curl, CURLOPT_CAPATH, (char *)NULL);
	SETOPT(w->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(w->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(w->curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* "" disables proxies even when http(s)_proxy/ALL_PROXY are set. */
	SETOPT(w->curl, CURLOPT_PROXY, "");
	SETOPT(w->curl, CURLOPT_NOPROXY, "*");
	SETOPT(w->curl, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	SETOPT(w->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SETOPT(w->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
	SETOPT(w->curl, CURLOPT_TIMEOUT_MS, (long)CALL_TIMEOUT_MS);
	SETOPT(w->curl, CURLOPT_USERAGENT, "openwsus-wusp-client Client-Protocol/" PROTOCOL_VERSION);
	SETOPT(w->curl, CURLOPT_WRITEFUNCTION, on_data);
	SETOPT(w->curl, CURLOPT_WRITEDATA, w);
	if (w->resolve_list)
		SETOPT(w->curl, CURLOPT_RESOLVE, w->resolve_list);
	return 0;
curl_fail:
	return ow_err_set(err, OW_ENOMEM, "libcurl refused an option");
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

/* Reads a soap:Fault into w->fault. */
static int read_fault(struct wc *w, const char *op, const struct xml_node *f, struct ow_err *err)
{
	const struct xml_node *detail = xml_child(f, NULL, "detail"), *code = NULL, *msg = NULL;
	const struct xml_node *fs = xml_child(f, NULL, "faultstring");

	if (detail) {
		code = xml_child(detail, NULL, "ErrorCode");
		msg = xml_child(detail, NULL, "Message");
	}
	fault_copy(w->fault.op, sizeof(w->fault.op), op);
	if (code == NULL || value(code, w->fault.code, sizeof(w->fault.code)) < 0 ||
	    !token_ok(w->fault.code, MAX_VALUE))
		memcpy(w->fault.code, "-", 2);
	if (msg == NULL || msg->text_len == 0)
		msg = fs;
	fault_copy(w->fault.msg, sizeof(w->fault.msg), msg ? msg->text : "");
	return ow_err_set(err, E_FAULT, "%s: fault %s", op, w->fault.code);
}

/*
 * Sends the request built in w->req as operation op of service svc and
 * parses the answer. Returns 0 with *result the {ns}opResponse element
 * (borrowed: valid until the next call), E_FAULT with w->fault filled,
 * OW_EIO on a transport failure (curl's message), OW_EINVAL or OW_ELIMIT
 * for a malformed or oversized answer or request, OW_ENOMEM.
 */
static int call(struct wc *w, enum svc svc, const char *op, const struct xml_node **result,
		struct ow_err *err)
{
	static const struct xml_limits lim = {
		.max_bytes = MAX_ANSWER_BYTES,
		.max_depth = OW_MAX_XML_DEPTH,
		.max_nodes = OW_MAX_XML_NODES,
		.max_attr_bytes = OW_MAX_XML_ATTR_BYTES,
		.max_text_bytes = OW_MAX_XML_TEXT_BYTES,
	};
	char url[MAX_URL + 64], action[160], response[64];
	const char *const fields[] = { "Content-Type: " SOAP_CONTENT_TYPE, action, "Expect:" };
	const struct xml_node *root, *body, *first;
	struct curl_slist *headers = NULL;
	const char *ctype = NULL;
	long status = 0;
	CURLcode cc;
	int rc = 0;

	*result = NULL;
	xml_free(w->doc);
	w->doc = NULL;
	if (w->req_rc == OW_ELIMIT)
		return ow_err_set(err, OW_ELIMIT, "%s: the request does not fit %d bytes", op,
				  MAX_REQUEST_BYTES);
	if (w->req_rc != 0)
		return ow_err_set(err, w->req_rc, "%s: cannot build the request: %s", op,
				  ow_err_str(w->req_rc));
	if (ow_fmt(url, sizeof(url), "%s%s", w->base, services[svc].path) < 0 ||
	    ow_fmt(action, sizeof(action), "SOAPAction: \"%s/%s\"", services[svc].ns, op) < 0 ||
	    ow_fmt(response, sizeof(response), "%sResponse", op) < 0)
		return ow_err_set(err, OW_ELIMIT, "%s: URL or action too long", op);
	/* "Expect:" keeps curl from waiting for 100-continue before a body. */
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct curl_slist *l = curl_slist_append(headers, fields[i]);

		if (l == NULL) {
			rc = ow_err_set(err, OW_ENOMEM, "out of memory");
			goto out;
		}
		headers = l;
	}
	ow_buf_release(&w->ans);
	ow_buf_init(&w->ans, MAX_ANSWER_BYTES);
	w->ans_rc = 0;
	w->errbuf[0] = '\0';
	if (curl_easy_setopt(w->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	    curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, w->req.data) != CURLE_OK ||
	    curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)w->req.len) != CURLE_OK) {
		rc = ow_err_set(err, OW_ENOMEM, "libcurl refused an option");
		goto out;
	}
	cc = curl_easy_perform(w->curl);
	/* The list must outlive the transfer only. */
	(void)curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	if (cc != CURLE_OK) {
		if (w->ans_rc == OW_ELIMIT)
			rc = bad(err, op, "the answer is larger than %d bytes", MAX_ANSWER_BYTES);
		else if (w->ans_rc < 0)
			rc = ow_err_set(err, w->ans_rc, "%s: out of memory for the answer", op);
		else
			rc = ow_err_set(err, OW_EIO, "%s: %s", op,
					w->errbuf[0] ? w->errbuf : curl_easy_strerror(cc));
		goto out;
	}
	(void)curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
	(void)curl_easy_getinfo(w->curl, CURLINFO_CONTENT_TYPE, &ctype);
	if (status != 200 && status != 500) {
		rc = bad(err, op, "HTTP status %ld", status);
		goto out;
	}
	if (ctype == NULL || ow_strncasecmp(ctype, "text/xml", 8) != 0) {
		rc = bad(err, op, "HTTP %ld with Content-Type %s, not text/xml", status,
			 ctype ? ctype : "(none)");
		goto out;
	}
	if ((rc = xml_parse(w->ans.data ? w->ans.data : "", w->ans.len, &lim, &w->doc, err)) < 0) {
		rc = bad(err, op, "HTTP %ld, not XML: %s", status, err->msg);
		goto out;
	}
	root = xml_root(w->doc);
	if (strcmp(root->ns, NS_SOAP) != 0 || strcmp(root->name, "Envelope") != 0 ||
	    (body = xml_child(root, NS_SOAP, "Body")) == NULL || (first = body->first_child) == NULL) {
		rc = bad(err, op, "HTTP %ld, not a SOAP 1.1 envelope with a Body", status);
		goto out;
	}
	if (strcmp(first->ns, NS_SOAP) == 0 && strcmp(first->name, "Fault") == 0) {
		rc = status == 500 ? read_fault(w, op, first, err)
				   : bad(err, op, "a SOAP fault with HTTP status %ld", status);
		goto out;
	}
	if (status != 200) {
		rc = bad(err, op, "HTTP %ld without a SOAP fault", status);
		goto out;
	}
	if (strcmp(first->ns, services[svc].ns) != 0 || strcmp(first->name, response) != 0 ||
	    first->next_sibling != NULL) {
		rc = bad(err, op, "the Body holds {%s}%s, not {%s}%s alone", first->ns, first->name,
			 services[svc].ns, response);
		goto out;
	}
	*result = first;
out:
	curl_slist_free_all(headers);
	return rc;
}

/* ---- handshake ---- */

static int get_config(struct wc *w, struct ow_err *err)
{
	static const char op[] = "GetConfig";
	const struct xml_node *res, *result, *props, *p;
	char version[MAX_VALUE] = "";
	int rc;

	begin(w, SVC_CLIENT, op);
	put_text(w, "protocolVersion", PROTOCOL_VERSION);
	end(w, op);
	if ((rc = call(w, SVC_CLIENT, op, &res, err)) < 0)
		return rc;
	if ((result = kid(res, "GetConfigResult")) == NULL || (props = kid(result, "Properties")) == NULL)
		return bad(err, op, "no GetConfigResult/Properties");
	for (p = kid(props, "ConfigurationProperty"); p; p = next_kid(p, "ConfigurationProperty")) {
		const struct xml_node *name = kid(p, "Name"), *val = kid(p, "Value");
		char v[MAX_VALUE];
		long long x;

		if (name == NULL || val == NULL)
			return bad(err, op, "a ConfigurationProperty without Name or Value");
		if (strcmp(name->text, "ProtocolVersion") == 0) {
			if (value(val, version, sizeof(version)) < 0 || version[0] == '\0' ||
			    !in_set(version, "."))
				return bad(err, op, "ProtocolVersion is not a version");
		} else if (strcmp(name->text, "MaxExtendedUpdatesPerRequest") == 0) {
			if (value(val, v, sizeof(v)) < 0 || ow_parse_ll(v, 1, INT32_MAX, &x) < 0)
				return bad(err, op, "MaxExtendedUpdatesPerRequest is not a positive s:int");
			if (x < w->max_ext)
				w->max_ext = (int)x;
		}
	}
	if (version[0] == '\0')
		return bad(err, op, "no ProtocolVersion property");
	printf("config protocol %s\n", version);
	return 0;
}

/* GetAuthorizationCookie, then GetCookie: a new client cookie. */
static int get_cookies(struct wc *w, struct ow_err *err)
{
	const struct xml_node *res, *result;
	int rc;

	begin(w, SVC_AUTH, "GetAuthorizationCookie");
	put_text(w, "clientId", w->client_id);
	if (w->group)
		put_text(w, "targetGroupName", w->group);
	put_text(w, "dnsName", w->dns);
	end(w, "GetAuthorizationCookie");
	if ((rc = call(w, SVC_AUTH, "GetAuthorizationCookie", &res, err)) < 0)
		return rc;
	if ((result = kid(res, "GetAuthorizationCookieResult")) == NULL)
		return bad(err, "GetAuthorizationCookie", "no GetAuthorizationCookieResult");
	if ((rc = get_b64(result, "CookieData", OW_MAX_WUSP_COOKIE_B64, "GetAuthorizationCookie",
			  &w->auth_cookie, err)) < 0)
		return rc;

	begin(w, SVC_CLIENT, "GetCookie");
	put(w, "<authCookies><AuthorizationCookie>");
	put_text(w, "PlugInId", "SimpleTargeting");
	put_text(w, "CookieData", w->auth_cookie);
	put(w, "</AuthorizationCookie></authCookies>");
	put_now(w, "lastChange");
	put_now(w, "currentTime");
	put_text(w, "protocolVersion", PROTOCOL_VERSION);
	end(w, "GetCookie");
	if ((rc = call(w, SVC_CLIENT, "GetCookie", &res, err)) < 0)
		return rc;
	if ((result = kid(res, "GetCookieResult")) == NULL)
		return bad(err, "GetCookie", "no GetCookieResult");
	if ((rc = get_b64(result, "EncryptedData", OW_MAX_WUSP_COOKIE_B64, "GetCookie",
			  &w->cookie_data, err)) < 0 ||
	    (rc = get_time(result, "Expiration", "GetCookie", &w->cookie_exp, err)) < 0)
		return rc;
	printf("cookie ok\n");
	return 0;
}

static int register_computer(struct wc *w, struct ow_err *err)
{
	static const char op[] = "RegisterComputer";
	const struct xml_node *res;
	int rc;

	begin(w, SVC_CLIENT, op);
	put_cookie(w, "cookie");
	put(w, "<computerInfo>");
	put_text(w, "DnsName", w->dns);
	put(w, "<OSMajorVersion>10</OSMajorVersion><OSMinorVersion>0</OSMinorVersion>"
	       "<OSBuildNumber>26200</OSBuildNumber><OSServicePackMajorNumber>0</OSServicePackMajorNumber>"
	       "<OSServicePackMinorNumber>0</OSServicePackMinorNumber>");
	put_text(w, "OSLocale", "en-US");
	put_text(w, "ComputerManufacturer", APP_NAME);
	put_text(w, "ComputerModel", APP_NAME);
	put_text(w, "BiosVersion", "1.0");
	put_text(w, "BiosName", APP_NAME);
	put(w, "<BiosReleaseDate>2024-01-01T00:00:00Z</BiosReleaseDate>"
	       "<ProcessorArchitecture>AMD64</ProcessorArchitecture><SuiteMask>256</SuiteMask>"
	       "<OldProductType>1</OldProductType><NewProductType>48</NewProductType>"
	       "<SystemMetrics>0</SystemMetrics>");
	put(w, "<ClientVersionMajorNumber>1507</ClientVersionMajorNumber>"
	       "<ClientVersionMinorNumber>2601</ClientVersionMinorNumber>"
	       "<ClientVersionBuildNumber>30012</ClientVersionBuildNumber>"
	       "<ClientVersionQfeNumber>0</ClientVersionQfeNumber>");
	put_text(w, "OSDescription", "Linux test client");
	put(w, "</computerInfo>");
	end(w, op);
	if ((rc = call(w, SVC_CLIENT, op, &res, err)) < 0)
		return rc;
	printf("registered\n");
	return 0;
}

/* Steps 1-4 of every command. */
static int handshake(struct wc *w, struct ow_err *err)
{
	int rc;

	if ((rc = get_config(w, err)) < 0 || (rc = get_cookies(w, err)) < 0 ||
	    (rc = register_computer(w, err)) < 0)
		return rc;
	return 0;
}

/* ---- the client cache ---- */

static int rev_cmp(const void *a, const void *b)
{
	const struct rev *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct rev *rev_find(struct wc *w, int32_t id)
{
	size_t lo = 0, hi = w->nsorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->revs[mid].id == id)
			return &w->revs[mid];
		if (w->revs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Records a received revision: updated in place when cached, else
 * appended after the sorted part until rev_settle(). */
static int rev_put(struct wc *w, int32_t id, int leaf, int install, struct ow_err *err)
{
	struct rev *r = rev_find(w, id);

	if (r == NULL) {
		if (w->nrevs == MAX_REVISIONS)
			return ow_err_set(err, OW_ELIMIT, "more than %d revisions", MAX_REVISIONS);
		if (w->nrevs == w->caprevs) {
			size_t cap = w->caprevs ? w->caprevs * 2 : 1024;
			struct rev *grown;

			if (cap > MAX_REVISIONS)
				cap = MAX_REVISIONS;
			if ((grown = realloc(w->revs, cap * sizeof(*grown))) == NULL)
				return ow_err_set(err, OW_ENOMEM, "out of memory");
			w->revs = grown;
			w->caprevs = cap;
		}
		r = &w->revs[w->nrevs++];
		r->id = id;
		r->gone = 0;
	}
	r->seq = ++w->seq;
	r->leaf = (unsigned char)leaf;
	r->install = (unsigned char)install;
	return 0;
}

/* Sorts the cache again, keeps the latest copy of each id and drops the
 * revisions marked gone. O(n log n) once per answer. */
static void rev_settle(struct wc *w)
{
	size_t o = 0;

	if (w->nrevs > 1) /* revs is NULL before the first revision */
		qsort(w->revs, w->nrevs, sizeof(*w->revs), rev_cmp);
	for (size_t i = 0; i < w->nrevs; i++) {
		if (i + 1 < w->nrevs && w->revs[i + 1].id == w->revs[i].id)
			continue; /* a later copy follows */
		if (!w->revs[i].gone)
			w->revs[o++] = w->revs[i];
	}
	w->nrevs = w->nsorted = o;
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
	if (u == NULL || guid_parse(u, strlen(u), update_id) < 0 || r == NULL ||
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

/* One UpdateInfo of NewUpdates (changed 0) or ChangedUpdates (changed 1):
 * printed, then recorded in the cache. */
static int update_info(struct wc *w, const struct xml_node *u, int changed, struct ow_err *err)
{
	static const char op[] = "SyncUpdates";
	const struct xml_node *dep = kid(u, "Deployment"), *xml = kid(u, "Xml"), *n;
	char action[MAX_VALUE] = "-", deadline[MAX_VALUE] = "", update_id[37] = "";
	int32_t id, revision = 0;
	int leaf, rc;

	if ((rc = get_int(u, "ID", op, &id, err)) < 0 ||
	    (rc = get_bool(u, "IsLeaf", 1, op, &leaf, err)) < 0)
		return rc;
	if (dep && !is_nil(dep)) {
		if ((n = kid(dep, "Action")) == NULL || value(n, action, sizeof(action)) < 0 ||
		    action[0] == '\0' || !in_set(action, ""))
			return bad(err, op, "UpdateInfo %d: Deployment/Action is missing or not a word",
				   (int)id);
		if ((n = kid(dep, "Deadline")) != NULL && !is_nil(n) &&
		    (value(n, deadline, sizeof(deadline)) < 0 || !token_ok(deadline, MAX_VALUE)))
			return bad(err, op, "UpdateInfo %d: Deployment/Deadline is not a date", (int)id);
	}
	if (changed) {
		printf("changed %d %s %s\n", (int)id, action, leaf ? "leaf" : "nonleaf");
		if (rev_find(w, id) == NULL)
			return 0; /* a change to a revision this cache never had */
	} else {
		if (xml == NULL || is_nil(xml))
			return bad(err, op, "UpdateInfo %d has no Xml", (int)id);
		if ((rc = core_identity(xml->text, xml->text_len, op, update_id, &revision, err)) < 0)
			return rc;
		printf("update %d %s %s %s %d%s%s\n", (int)id, action, leaf ? "leaf" : "nonleaf",
		       update_id, (int)revision, deadline[0] ? " " : "", deadline);
	}
	return rev_put(w, id, leaf,
		       strcmp(action, "Install") == 0 || strcmp(action, "Uninstall") == 0, err);
}

/* The parameters of one SyncUpdates: the software pass, or the driver pass
 * with one device (a printer, as a Windows client reports it). */
static void sync_request(struct wc *w, int driver)
{
	begin(w, SVC_CLIENT, "SyncUpdates");
	put_cookie(w, "cookie");
	put(w, "<parameters><ExpressQuery>false</ExpressQuery>");
	put_ids(w, "InstalledNonLeafUpdateIDs", 0);
	if (!driver) {
		put_ids(w, "OtherCachedUpdateIDs", 1);
	} else {
		put(w, "<SystemSpec><Device><HardwareIDs><string>{6d170653-5280-44c2-ba44-2c04bc9d46da}"
		       "</string></HardwareIDs><installedDriver>"
		       "<MatchingID>{6d170653-5280-44c2-ba44-2c04bc9d46da}</MatchingID>");
		put(w, "<DriverVerDate>2006-06-21T00:00:00Z</DriverVerDate>"
		       "<DriverVerVersion>2814751477604196</DriverVerVersion><Class>Printer</Class>"
		       "<Manufacturer>Microsoft</Manufacturer><Provider>Microsoft</Provider>");
		put(w, "<Model>Universal Print Class Driver</Model><MatchingComputerHWID "
		       "xmlns:a=\"" NS_XSI "\" a:nil=\"true\"/><DriverRank>-1</DriverRank>"
		       "</installedDriver><DeviceFlags>1</DeviceFlags></Device></SystemSpec>");
		put(w, "<CachedDriverIDs/>");
	}
	put(w, driver ? "<SkipSoftwareSync>true</SkipSoftwareSync></parameters>"
		      : "<SkipSoftwareSync>false</SkipSoftwareSync></parameters>");
	end(w, "SyncUpdates");
}

/*
 * One SyncUpdates call, printed and applied to the cache. *more says
 * whether the software pass goes on (new updates or Truncated);
 * *driver_not_needed is DriverSyncNotNeeded (absent: false). On
 * CookieExpired or InvalidCookie the cookie is renewed once per run and
 * the call made again.
 */
static int sync_call(struct wc *w, int driver, int *more, int *driver_not_needed,
		     struct ow_err *err)
{
	static const char op[] = "SyncUpdates";
	const struct xml_node *res, *result, *newu, *oos, *chg, *cookie, *n;
	size_t nnew = 0, nout = 0;
	int truncated, rc;
	char v[MAX_VALUE];

	sync_request(w, driver);
	rc = call(w, SVC_CLIENT, op, &res, err);
	if (rc == E_FAULT && !w->renewed &&
	    (strcmp(w->fault.code, "CookieExpired") == 0 || strcmp(w->fault.code, "InvalidCookie") == 0)) {
		fprintf(stderr, "wusp-client: SyncUpdates: %s, getting a new cookie\n", w->fault.code);
		w->renewed = 1;
		if ((rc = get_cookies(w, err)) < 0)
			return rc;
		sync_request(w, driver);
		rc = call(w, SVC_CLIENT, op, &res, err);
	}
	if (rc < 0)
		return rc;
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
	printf("sync %zu %zu %zu %s\n", ++w->calls, nnew, nout, truncated ? "true" : "false");

	for (n = newu ? kid(newu, "UpdateInfo") : NULL; n; n = next_kid(n, "UpdateInfo"))
		if (!is_nil(n) && (rc = update_info(w, n, 0, err)) < 0)
			return rc;
	for (n = chg ? kid(chg, "UpdateInfo") : NULL; n; n = next_kid(n, "UpdateInfo"))
		if (!is_nil(n) && (rc = update_info(w, n, 1, err)) < 0)
			return rc;
	rev_settle(w);
	for (n = oos ? kid(oos, "int") : NULL; n; n = next_kid(n, "int")) {
		long long x;
		struct rev *r;

		if (value(n, v, sizeof(v)) < 0 || ow_parse_ll(v, INT32_MIN, INT32_MAX, &x) < 0)
			return bad(err, op, "OutOfScopeRevisionIDs/int is not an s:int");
		if ((r = rev_find(w, (int32_t)x)) != NULL)
			r->gone = 1;
	}
	rev_settle(w);

	if ((cookie = kid(result, "NewCookie")) != NULL && !is_nil(cookie)) {
		if ((rc = get_b64(cookie, "EncryptedData", OW_MAX_WUSP_COOKIE_B64, op, &w->cookie_data,
				  err)) < 0 ||
		    (rc = get_time(cookie, "Expiration", op, &w->cookie_exp, err)) < 0)
			return rc;
	}
	*more = nnew > 0 || truncated;
	return 0;
}

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

/* GetExtendedUpdateInfo for ids[0..n): prints one line per Update and
 * per FileLocation. */
static int extended_call(struct wc *w, const int32_t *ids, size_t n, struct ow_err *err)
{
	static const char op[] = "GetExtendedUpdateInfo";
	const struct xml_node *res, *result, *list, *u, *x;
	int rc;

	begin(w, SVC_CLIENT, op);
	put_cookie(w, "cookie");
	put(w, "<revisionIDs>");
	for (size_t i = 0; i < n; i++)
		put_int(w, "int", ids[i]);
	put(w, "</revisionIDs><infoTypes><XmlUpdateFragmentType>Extended</XmlUpdateFragmentType>"
	       "<XmlUpdateFragmentType>LocalizedProperties</XmlUpdateFragmentType></infoTypes>"
	       "<locales>");
	put_text(w, "string", w->locale);
	put(w, "</locales>");
	end(w, op);
	if ((rc = call(w, SVC_CLIENT, op, &res, err)) < 0)
		return rc;
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
		printf("ext %d %s %zu\n", (int)id, kind, x->text_len);
	}
	list = kid(result, "FileLocations");
	for (u = list ? kid(list, "FileLocation") : NULL; u; u = next_kid(u, "FileLocation")) {
		unsigned char digest[20];
		char d64[64], url[OW_MAX_PATH];
		size_t nd;

		if (is_nil(u))
			continue;
		if ((x = kid(u, "FileDigest")) == NULL || value(x, d64, sizeof(d64)) < 0 ||
		    b64_decode(d64, strlen(d64), digest, sizeof(digest), &nd) < 0 || nd != 20)
			return bad(err, op, "a FileLocation's FileDigest is not a base64 SHA-1");
		if ((x = kid(u, "Url")) == NULL || value(x, url, sizeof(url)) < 0 ||
		    !token_ok(url, sizeof(url) - 1))
			return bad(err, op, "a FileLocation's Url is missing or has blanks");
		printf("file ");
		for (size_t i = 0; i < nd; i++)
			printf("%02X", digest[i]);
		printf(" %s\n", url);
	}
	return 0;
}

static int cmd_scan(struct wc *w, struct ow_err *err)
{
	int32_t batch[MAX_EXT_PER_CALL];
	int more = 1, not_needed = 0, rc;
	size_t n = 0;

	if ((rc = handshake(w, err)) < 0)
		return rc;
	while (more) {
		if (w->calls == MAX_SYNC_CALLS)
			return bad(err, "SyncUpdates", "still new updates or Truncated after %d calls",
				   MAX_SYNC_CALLS);
		if ((rc = sync_call(w, 0, &more, &not_needed, err)) < 0)
			return rc;
	}
	if ((rc = sync_call(w, 1, &more, &not_needed, err)) < 0)
		return rc;
	printf("driver_sync_not_needed %s\n", not_needed ? "true" : "false");

	/* Batches are taken in id order; the cache does not change meanwhile. */
	for (size_t i = 0; i < w->nrevs; i++) {
		if (!w->revs[i].leaf || !w->revs[i].install)
			continue;
		batch[n++] = w->revs[i].id;
		if (n == (size_t)w->max_ext) {
			if ((rc = extended_call(w, batch, n, err)) < 0)
				return rc;
			n = 0;
		}
	}
	if (n > 0 && (rc = extended_call(w, batch, n, err)) < 0)
		return rc;
	return 0;
}

/* ---- report ---- */

static void put_event(struct wc *w, const struct event *e)
{
	char instance[37];

	if (ow_uuid4(instance) < 0) {
		w->req_rc = OW_ECRYPTO;
		return;
	}
	put(w, "<ReportingEvent><BasicData><TargetID>");
	put_text(w, "Sid", w->client_id);
	put(w, "</TargetID><SequenceNumber>0</SequenceNumber>");
	put_now(w, "TimeAtTarget");
	put_text(w, "EventInstanceID", instance);
	put(w, "<NamespaceID>1</NamespaceID>");
	put_int(w, "EventID", e->event_id);
	put(w, "<SourceID>101</SourceID><UpdateID>");
	put_text(w, "UpdateID", e->update_id);
	put_int(w, "RevisionNumber", e->revision);
	put(w, "</UpdateID>");
	put_int(w, "Win32HResult", e->hresult);
	put_text(w, "AppName", APP_NAME);
	put(w, "</BasicData><ExtendedData><ReplacementStrings/>"
	       "<MiscData><string>A=0</string><string>Q=1</string></MiscData>"
	       "<ProcessorArchitecture>Amd64Compatible</ProcessorArchitecture>");
	put(w, "<OSVersion><Major>10</Major><Minor>0</Minor><Build>26200</Build><Revision>0</Revision>"
	       "<ServicePackMajor>0</ServicePackMajor><ServicePackMinor>0</ServicePackMinor>"
	       "</OSVersion><OSLocaleID>1033</OSLocaleID><DeviceID></DeviceID></ExtendedData>");
	put(w, "<PrivateData><ComputerDnsName></ComputerDnsName><UserAccountName></UserAccountName>"
	       "</PrivateData></ReportingEvent>");
}

static int cmd_report(struct wc *w, const struct event *ev, size_t nev, struct ow_err *err)
{
	static const char op[] = "ReportEventBatch";
	const struct xml_node *res;
	int ok, rc;

	if ((rc = handshake(w, err)) < 0)
		return rc;
	begin(w, SVC_REPORTING, op);
	put_cookie(w, "cookie");
	put_now(w, "clientTime");
	put(w, "<eventBatch>");
	for (size_t i = 0; i < nev; i++)
		put_event(w, &ev[i]);
	put(w, "</eventBatch>");
	end(w, op);
	if ((rc = call(w, SVC_REPORTING, op, &res, err)) < 0 ||
	    (rc = get_bool(res, "ReportEventBatchResult", 1, op, &ok, err)) < 0)
		return rc;
	if (!ok)
		return bad(err, op, "ReportEventBatchResult is false");
	printf("reported %zu\n", nev);
	return 0;
}

/* ---- arguments ---- */

/* "https://HOST:PORT" with an optional final '/'; HOST a name or [IPv6].
 * The form without the slash goes to out. */
static int url_ok(const char *url, char *out, size_t outlen)
{
	const char *host, *colon, *end;
	char port[8];
	long long p;
	size_t n;

	if (ow_strncasecmp(url, "https://", 8) != 0)
		return 0;
	host = url + 8;
	if (*host == '[') {
		const char *close = strchr(host, ']');

		if (close == NULL || close == host + 1 || close[1] != ':')
			return 0;
		for (const char *s = host + 1; s < close; s++)
			if (!ch_in(*s, ":."))
				return 0;
		colon = close + 1;
	} else {
		colon = strchr(host, ':');
		if (colon == NULL || colon == host)
			return 0;
		for (const char *s = host; s < colon; s++)
			if (!ch_in(*s, ".-_"))
				return 0;
	}
	end = colon + 1 + strcspn(colon + 1, "/");
	if (*end == '/' && end[1] != '\0')
		return 0;
	n = (size_t)(end - colon - 1);
	if (n == 0 || n >= sizeof(port))
		return 0;
	memcpy(port, colon + 1, n);
	port[n] = '\0';
	if (ow_parse_ll(port, 1, 65535, &p) < 0)
		return 0;
	n = (size_t)(end - url);
	if (n >= outlen)
		return 0;
	memcpy(out, url, n);
	out[n] = '\0';
	return 1;
}

/* NAME:PORT:ADDR as curl's --resolve takes it. */
static int resolve_ok(const char *r)
{
	const char *c1 = strchr(r, ':'), *c2;
	char port[8];
	long long p;

	if (c1 == NULL || c1 == r || (c2 = strchr(c1 + 1, ':')) == NULL || c2[1] == '\0' ||
	    c2 == c1 + 1 || (size_t)(c2 - c1 - 1) >= sizeof(port))
		return 0;
	memcpy(port, c1 + 1, (size_t)(c2 - c1 - 1));
	port[c2 - c1 - 1] = '\0';
	if (ow_parse_ll(port, 1, 65535, &p) < 0)
		return 0;
	for (const char *s = r; s < c1; s++)
		if (!ch_in(*s, ".-_"))
			return 0;
	return token_ok(c2 + 1, 64) && in_set(c2 + 1, ".:[]");
}

/* EVENTID:UPDATEID:REVISION:HRESULT */
static int event_parse(const char *arg, struct event *e)
{
	char buf[128], *f[4], *p;
	long long x;
	int n = 0;

	if (ow_strlcpy(buf, arg, sizeof(buf)) < 0)
		return -1;
	for (p = buf, f[n++] = p; *p; p++)
		if (*p == ':') {
			if (n == 4)
				return -1;
			*p = '\0';
			f[n++] = p + 1;
		}
	if (n != 4 || ow_parse_ll(f[0], 0, 32767, &x) < 0)
		return -1;
	e->event_id = (int32_t)x;
	if (guid_parse(f[1], strlen(f[1]), e->update_id) < 0 ||
	    ow_parse_ll(f[2], 0, INT32_MAX, &x) < 0)
		return -1;
	e->revision = (int32_t)x;
	if (f[3][0] == '0' && (f[3][1] == 'x' || f[3][1] == 'X')) {
		uint32_t v = 0;
		size_t len = strlen(f[3] + 2);

		if (len == 0 || len > 8)
			return -1;
		for (const char *s = f[3] + 2; *s; s++) {
			int d = *s >= '0' && *s <= '9' ? *s - '0'
				: *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
				: *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;

			if (d < 0)
				return -1;
			v = v << 4 | (uint32_t)d;
		}
		/* An HRESULT is the s:int with the same 32 bits. */
		e->hresult = v > INT32_MAX ? (int32_t)((int64_t)v - 4294967296LL) : (int32_t)v;
	} else {
		if (ow_parse_ll(f[3], INT32_MIN, INT32_MAX, &x) < 0)
			return -1;
		e->hresult = (int32_t)x;
	}
	return 0;
}

static int usage(const char *fmt, ...) OW_PRINTF(1, 2);

static int usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wusp-client: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage_text);
	return 2;
}

/* Parses and checks argv into w; the EVENTs of report into *ev. Returns 0,
 * or 2 after printing the usage with what is wrong. */
static int parse_args(struct wc *w, int argc, char **argv, const char **command,
		      struct event **ev, size_t *nev)
{
	enum { O_URL = 1, O_CA, O_RESOLVE, O_CLIENT_ID, O_DNS, O_GROUP, O_LOCALE, O_HELP };
	static const struct option opts[] = {
		{ "url", required_argument, NULL, O_URL },
		{ "ca", required_argument, NULL, O_CA },
		{ "resolve", required_argument, NULL, O_RESOLVE },
		{ "client-id", required_argument, NULL, O_CLIENT_ID },
		{ "dns", required_argument, NULL, O_DNS },
		{ "group", required_argument, NULL, O_GROUP },
		{ "locale", required_argument, NULL, O_LOCALE },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = NULL, *dns = NULL;
	FILE *f;
	size_t n;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case O_URL: url = optarg; break;
		case O_CA: w->ca = optarg; break;
		case O_RESOLVE:
			if (w->nresolve == MAX_RESOLVE)
				return usage("at most %d --resolve options", MAX_RESOLVE);
			if (!resolve_ok(optarg))
				return usage("--resolve must be NAME:PORT:ADDR, not '%s'", optarg);
			w->resolve[w->nresolve++] = optarg;
			break;
		case O_CLIENT_ID: w->client_id = optarg; break;
		case O_DNS: dns = optarg; break;
		case O_GROUP: w->group = optarg; break;
		case O_LOCALE: w->locale = optarg; break;
		case O_HELP: fputs(usage_text, stdout); exit(0);
		case ':': return usage("%s needs a value", argv[optind - 1]);
		default: return usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (url == NULL)
		return usage("--url is required");
	if (!url_ok(url, w->base, sizeof(w->base)))
		return usage("--url must be https://NAME:PORT, not '%s'", url);
	if (w->ca == NULL)
		return usage("--ca is required (the server is verified against it only)");
	if ((f = fopen(w->ca, "r")) == NULL)
		return usage("--ca '%s' cannot be read", w->ca);
	fclose(f);
	if (w->client_id == NULL)
		return usage("--client-id is required");
	n = strlen(w->client_id);
	if (n == 0 || n > OW_MAX_COOKIE_CLIENT_ID || !in_set(w->client_id, "{}-"))
		return usage("--client-id must be 1..%d characters of A-Z a-z 0-9 { } -, not '%s'",
			     OW_MAX_COOKIE_CLIENT_ID, w->client_id);
	if (dns) {
		n = strlen(dns);
		if (n == 0 || n > OW_MAX_FQDN || !in_set(dns, ".-_"))
			return usage("--dns must be 1..%d characters of A-Z a-z 0-9 . - _, not '%s'",
				     OW_MAX_FQDN, dns);
		memcpy(w->dns, dns, n + 1);
	} else {
		/* The client id without braces, under a test domain. */
		size_t k = 0;

		for (const char *s = w->client_id; *s; s++)
			if (*s != '{' && *s != '}')
				w->dns[k++] = *s;
		memcpy(w->dns + k, ".wusp-client.test", sizeof(".wusp-client.test"));
	}
	if (w->group) {
		n = strlen(w->group);
		if (n == 0 || n > OW_MAX_COOKIE_GROUPS)
			return usage("--group must be 1..%d characters", OW_MAX_COOKIE_GROUPS);
		for (const char *s = w->group; *s; s++)
			if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f)
				return usage("--group must be printable ASCII");
	}
	if (w->locale == NULL)
		w->locale = "en";
	n = strlen(w->locale);
	if (n == 0 || n > MAX_LOCALE || !in_set(w->locale, "-"))
		return usage("--locale must be 1..%d characters of A-Z a-z 0-9 -, not '%s'", MAX_LOCALE,
			     w->locale);
	if (optind >= argc)
		return usage("no COMMAND");
	*command = argv[optind++];
	if (strcmp(*command, "scan") == 0) {
		if (optind < argc)
			return usage("scan takes no arguments ('%s')", argv[optind]);
		return 0;
	}
	if (strcmp(*command, "report") != 0)
		return usage("unknown COMMAND '%s'", *command);
	*nev = (size_t)(argc - optind);
	if (*nev == 0 || *nev > MAX_EVENTS)
		return usage("report takes 1..%d EVENTs", MAX_EVENTS);
	if ((*ev = calloc(*nev, sizeof(**ev))) == NULL) {
		fprintf(stderr, "wusp-client: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < *nev; i++)
		if (event_parse(argv[optind + (int)i], &(*ev)[i]) < 0)
			return usage("EVENT must be EVENTID:UPDATEID:REVISION:HRESULT (EVENTID 0..32767, "
				     "UPDATEID a GUID, REVISION 0..2147483647, HRESULT an s:int or "
				     "0x and 1..8 hex digits), not '%s'", argv[optind + (int)i]);
	return 0;
}

/* The one map from an outcome to the exit code. */
static int exit_code(int rc)
{
	switch (rc) {
	case 0: return 0;
	case E_FAULT:
	case OW_EINVAL:
	case OW_ELIMIT: return 3;
	case OW_EIO: return 4;
	default: return 1;
	}
}

int main(int argc, char **argv)
{
	struct wc w = { .max_ext = MAX_EXT_PER_CALL };
	struct ow_err err = { 0 };
	struct event *ev = NULL;
	const char *command = NULL;
	size_t nev = 0;
	int rc, code;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((code = parse_args(&w, argc, argv, &command, &ev, &nev)) != 0) {
		free(ev);
		return code;
	}
	ow_buf_init(&w.req, MAX_REQUEST_BYTES);
	ow_buf_init(&w.ans, MAX_ANSWER_BYTES);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "wusp-client: cannot initialize libcurl\n");
		free(ev);
		return 1;
	}
	rc = transport_init(&w, &err);
	if (rc == 0)
		rc = strcmp(command, "scan") == 0 ? cmd_scan(&w, &err) : cmd_report(&w, ev, nev, &err);
	code = exit_code(rc);
	if (rc == E_FAULT)
		fprintf(stderr, "fault %s %s %s\n", w.fault.op, w.fault.code, w.fault.msg);
	else if (rc < 0)
		fprintf(stderr, "wusp-client: %s\n", err.msg);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "wusp-client: cannot write to stdout\n");
		code = code ? code : 1;
	}

	xml_free(w.doc);
	if (w.curl)
		curl_easy_cleanup(w.curl);
	curl_slist_free_all(w.resolve_list);
	curl_global_cleanup();
	ow_buf_release(&w.req);
	ow_buf_release(&w.ans);
	free(w.auth_cookie);
	free(w.cookie_exp);
	free(w.cookie_data);
	free(w.revs);
	free(ev);
	return code;
}
