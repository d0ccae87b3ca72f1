/* SPDX-License-Identifier: MIT */
/*
 * wusp-client: a small MS-WUSP client for integration tests. It plays the
 * calls a Windows Update Agent makes (GetConfig, GetAuthorizationCookie,
 * GetCookie, RegisterComputer, the SyncUpdates passes,
 * GetExtendedUpdateInfo, ReportEventBatch) against a server over HTTPS, on
 * one kept-alive libcurl handle, and prints one machine-readable line per
 * fact on stdout. Nothing survives a run: the client cache of a scan lives
 * in memory only. The messages and their strict readers are in wusp_msg.c
 * (shared with the load generator bench/storm); this file is the
 * transport, the order of the calls and the command line. Answers are
 * checked strictly, so a server bug shows up as exit 3 rather than being
 * worked around.
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
#include "base/util.h"
#include "wusp_msg.h"
#include "xml/soap.h"

/* ---- limits ---- */

/* SyncUpdates calls of one software pass. A server that keeps answering
 * Truncated or new updates beyond this is looping: exit 3. */
#define MAX_SYNC_CALLS 1000

/* --resolve options; events of one ReportEventBatch (what the server takes). */
#define MAX_RESOLVE 8
#define MAX_EVENTS WMSG_MAX_EVENTS

/* Lengths of a --locale tag and a --url. */
#define MAX_LOCALE 35
#define MAX_URL (OW_MAX_FQDN + 16)

/* Timeouts of one call: connecting, and the whole exchange. */
#define CONNECT_TIMEOUT_MS 10000
#define CALL_TIMEOUT_MS 60000

_Static_assert(MAX_SYNC_CALLS >= 1, "call bounds");

static const char usage_text[] =
	"usage: wusp-client --url https://NAME:PORT --ca FILE [--resolve NAME:PORT:ADDR]\n"
	"                   --client-id ID [--dns NAME] [--group NAME] [--locale LANG] COMMAND\n"
	"COMMAND:\n"
	"  scan              full scan, then extended info for updates whose deployment\n"
	"                    is Install or Uninstall\n"
	"  report EVENT...   one ReportEventBatch; EVENT is EVENTID:UPDATEID:REVISION:HRESULT\n"
	"                    (HRESULT decimal or 0x hex), e.g. 183:0c6e...:1:0\n";

/* The whole state of one run (the process's only mutable state). */
struct wc {
	/* options, validated */
	char base[MAX_URL + 1];         /* "https://NAME:PORT" */
	const char *ca;
	const char *resolve[MAX_RESOLVE];
	int nresolve;

	/* transport */
	CURL *curl;
	struct curl_slist *resolve_list;
	char errbuf[CURL_ERROR_SIZE];
	struct ow_buf ans;              /* the answer being received */
	int ans_rc;                     /* why on_data stopped it, or 0 */

	/* protocol state: client id, group, locale and DNS name, cookies,
	 * the cache; its trace is stdout */
	struct wmsg m;
	int renewed;                    /* the cookie was renewed after a fault */
};

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
	SETOPT(w->curl, CURLOPT_USERAGENT, "openwsus-wusp-client Client-Protocol/" WMSG_PROTOCOL_VERSION);
	SETOPT(w->curl, CURLOPT_WRITEFUNCTION, on_data);
	SETOPT(w->curl, CURLOPT_WRITEDATA, w);
	if (w->resolve_list)
		SETOPT(w->curl, CURLOPT_RESOLVE, w->resolve_list);
	return 0;
curl_fail:
	return ow_err_set(err, OW_ENOMEM, "libcurl refused an option");
}


/*
 * Sends the request built in w->m.req as operation op of service svc and
 * parses the answer. Returns 0 with *result the {ns}opResponse element
 * (borrowed: valid until the next call), WMSG_E_FAULT with w->m.fault
 * filled, OW_EIO on a transport failure (curl's message), OW_EINVAL or
 * OW_ELIMIT for a malformed or oversized answer or request, OW_ENOMEM.
 */
static int call(struct wc *w, enum wmsg_svc svc, const char *op, const struct xml_node **result,
		struct ow_err *err)
{
	char url[MAX_URL + 64], action[160];
	const char *const fields[] = { "Content-Type: " SOAP_CONTENT_TYPE, action, "Expect:" };
	struct curl_slist *headers = NULL;
	const char *ctype = NULL;
	long status = 0;
	CURLcode cc;
	int rc = 0;

	*result = NULL;
	if ((rc = wmsg_request_ok(&w->m, op, err)) < 0)
		return rc;
	if (ow_fmt(url, sizeof(url), "%s%s", w->base, wmsg_svc_path(svc)) < 0 ||
	    ow_fmt(action, sizeof(action), "SOAPAction: \"%s/%s\"", wmsg_svc_ns(svc), op) < 0)
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
	ow_buf_init(&w->ans, WMSG_MAX_ANSWER_BYTES);
	w->ans_rc = 0;
	w->errbuf[0] = '\0';
	if (curl_easy_setopt(w->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	    curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, w->m.req.data) != CURLE_OK ||
	    curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)w->m.req.len) != CURLE_OK) {
		rc = ow_err_set(err, OW_ENOMEM, "libcurl refused an option");
		goto out;
	}
	cc = curl_easy_perform(w->curl);
	/* The list must outlive the transfer only. */
	(void)curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	if (cc != CURLE_OK) {
		if (w->ans_rc == OW_ELIMIT)
			rc = ow_err_set(err, OW_EINVAL, "%s: the answer is larger than %d bytes", op,
					WMSG_MAX_ANSWER_BYTES);
		else if (w->ans_rc < 0)
			rc = ow_err_set(err, w->ans_rc, "%s: out of memory for the answer", op);
		else
			rc = ow_err_set(err, OW_EIO, "%s: %s", op,
					w->errbuf[0] ? w->errbuf : curl_easy_strerror(cc));
		goto out;
	}
	(void)curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
	(void)curl_easy_getinfo(w->curl, CURLINFO_CONTENT_TYPE, &ctype);
	rc = wmsg_answer(&w->m, svc, op, status, ctype, w->ans.data, w->ans.len, result, err);
out:
	curl_slist_free_all(headers);
	return rc;
}

/* ---- handshake ---- */

/* GetAuthorizationCookie, then GetCookie: a new client cookie. */
static int get_cookies(struct wc *w, struct ow_err *err)
{
	const struct xml_node *res;
	int rc;

	wmsg_build_auth_cookie(&w->m);
	if ((rc = call(w, WMSG_SVC_AUTH, "GetAuthorizationCookie", &res, err)) < 0 ||
	    (rc = wmsg_read_auth_cookie(&w->m, res, err)) < 0)
		return rc;
	wmsg_build_cookie(&w->m);
	if ((rc = call(w, WMSG_SVC_CLIENT, "GetCookie", &res, err)) < 0 ||
	    (rc = wmsg_read_cookie(&w->m, res, err)) < 0)
		return rc;
	return 0;
}

/* Steps 1-4 of every command. */
static int handshake(struct wc *w, struct ow_err *err)
{
	const struct xml_node *res;
	int rc;

	wmsg_build_config(&w->m);
	if ((rc = call(w, WMSG_SVC_CLIENT, "GetConfig", &res, err)) < 0 ||
	    (rc = wmsg_read_config(&w->m, res, err)) < 0 || (rc = get_cookies(w, err)) < 0)
		return rc;
	wmsg_build_register(&w->m);
	if ((rc = call(w, WMSG_SVC_CLIENT, "RegisterComputer", &res, err)) < 0 ||
	    (rc = wmsg_read_register(&w->m, res, err)) < 0)
		return rc;
	return 0;
}

/* ---- scan ---- */

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
	const struct xml_node *res;
	int rc;

	wmsg_build_sync(&w->m, driver);
	rc = call(w, WMSG_SVC_CLIENT, op, &res, err);
	if (rc == WMSG_E_FAULT && !w->renewed &&
	    (strcmp(w->m.fault.code, "CookieExpired") == 0 ||
	     strcmp(w->m.fault.code, "InvalidCookie") == 0)) {
		fprintf(stderr, "wusp-client: SyncUpdates: %s, getting a new cookie\n", w->m.fault.code);
		w->renewed = 1;
		if ((rc = get_cookies(w, err)) < 0)
			return rc;
		wmsg_build_sync(&w->m, driver);
		rc = call(w, WMSG_SVC_CLIENT, op, &res, err);
	}
	if (rc < 0)
		return rc;
	return wmsg_read_sync(&w->m, res, more, driver_not_needed, NULL, err);
}

static int cmd_scan(struct wc *w, struct ow_err *err)
{
	int32_t batch[WMSG_MAX_EXT_PER_CALL];
	const struct xml_node *res;
	int more = 1, not_needed = 0, rc;
	size_t n, cursor = 0;

	if ((rc = handshake(w, err)) < 0)
		return rc;
	while (more) {
		if (w->m.calls == MAX_SYNC_CALLS)
			return ow_err_set(err, OW_EINVAL, "SyncUpdates: still new updates or Truncated "
				"after %d calls", MAX_SYNC_CALLS);
		if ((rc = sync_call(w, 0, &more, &not_needed, err)) < 0)
			return rc;
	}
	if ((rc = sync_call(w, 1, &more, &not_needed, err)) < 0)
		return rc;
	printf("driver_sync_not_needed %s\n", not_needed ? "true" : "false");

	/* Batches are taken in id order; the cache does not change meanwhile. */
	while ((n = wmsg_next_extended(&w->m, &cursor, batch)) > 0) {
		wmsg_build_extended(&w->m, batch, n);
		if ((rc = call(w, WMSG_SVC_CLIENT, "GetExtendedUpdateInfo", &res, err)) < 0 ||
		    (rc = wmsg_read_extended(&w->m, res, batch, n, err)) < 0)
			return rc;
	}
	return 0;
}

/* ---- report ---- */

static int cmd_report(struct wc *w, const struct wmsg_event *ev, size_t nev, struct ow_err *err)
{
	const struct xml_node *res;
	int rc;

	if ((rc = handshake(w, err)) < 0)
		return rc;
	wmsg_build_report(&w->m, ev, nev);
	if ((rc = call(w, WMSG_SVC_REPORTING, "ReportEventBatch", &res, err)) < 0 ||
	    (rc = wmsg_read_report(&w->m, res, nev, err)) < 0)
		return rc;
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
			if (!wmsg_ch_in(*s, ":."))
				return 0;
		colon = close + 1;
	} else {
		colon = strchr(host, ':');
		if (colon == NULL || colon == host)
			return 0;
		for (const char *s = host; s < colon; s++)
			if (!wmsg_ch_in(*s, ".-_"))
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
		if (!wmsg_ch_in(*s, ".-_"))
			return 0;
	return wmsg_token_ok(c2 + 1, 64) && wmsg_in_set(c2 + 1, ".:[]");
}

/* EVENTID:UPDATEID:REVISION:HRESULT */
static int event_parse(const char *arg, struct wmsg_event *e)
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
	if (wmsg_guid_parse(f[1], strlen(f[1]), e->update_id) < 0 ||
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
		      struct wmsg_event **ev, size_t *nev)
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
		case O_CLIENT_ID: w->m.client_id = optarg; break;
		case O_DNS: dns = optarg; break;
		case O_GROUP: w->m.group = optarg; break;
		case O_LOCALE: w->m.locale = optarg; break;
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
	if (w->m.client_id == NULL)
		return usage("--client-id is required");
	n = strlen(w->m.client_id);
	if (n == 0 || n > OW_MAX_COOKIE_CLIENT_ID || !wmsg_in_set(w->m.client_id, "{}-"))
		return usage("--client-id must be 1..%d characters of A-Z a-z 0-9 { } -, not '%s'",
			     OW_MAX_COOKIE_CLIENT_ID, w->m.client_id);
	if (dns) {
		n = strlen(dns);
		if (n == 0 || n > OW_MAX_FQDN || !wmsg_in_set(dns, ".-_"))
			return usage("--dns must be 1..%d characters of A-Z a-z 0-9 . - _, not '%s'",
				     OW_MAX_FQDN, dns);
		memcpy(w->m.dns, dns, n + 1);
	} else {
		/* The client id without braces, under a test domain. */
		size_t k = 0;

		for (const char *s = w->m.client_id; *s; s++)
			if (*s != '{' && *s != '}')
				w->m.dns[k++] = *s;
		memcpy(w->m.dns + k, ".wusp-client.test", sizeof(".wusp-client.test"));
	}
	if (w->m.group) {
		n = strlen(w->m.group);
		if (n == 0 || n > OW_MAX_COOKIE_GROUPS)
			return usage("--group must be 1..%d characters", OW_MAX_COOKIE_GROUPS);
		for (const char *s = w->m.group; *s; s++)
			if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f)
				return usage("--group must be printable ASCII");
	}
	if (w->m.locale == NULL)
		w->m.locale = "en";
	n = strlen(w->m.locale);
	if (n == 0 || n > MAX_LOCALE || !wmsg_in_set(w->m.locale, "-"))
		return usage("--locale must be 1..%d characters of A-Z a-z 0-9 -, not '%s'", MAX_LOCALE,
			     w->m.locale);
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
	case WMSG_E_FAULT:
	case OW_EINVAL:
	case OW_ELIMIT: return 3;
	case OW_EIO: return 4;
	default: return 1;
	}
}

int main(int argc, char **argv)
{
	struct wc w = { .curl = NULL };
	struct ow_err err = { 0 };
	struct wmsg_event *ev = NULL;
	const char *command = NULL;
	size_t nev = 0;
	int rc, code;

	setvbuf(stdout, NULL, _IOLBF, 0);
	wmsg_init(&w.m);
	w.m.trace = stdout;
	ow_buf_init(&w.ans, WMSG_MAX_ANSWER_BYTES);
	if ((code = parse_args(&w, argc, argv, &command, &ev, &nev)) != 0) {
		free(ev);
		return code;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "wusp-client: cannot initialize libcurl\n");
		free(ev);
		return 1;
	}
	rc = transport_init(&w, &err);
	if (rc == 0)
		rc = strcmp(command, "scan") == 0 ? cmd_scan(&w, &err) : cmd_report(&w, ev, nev, &err);
	code = exit_code(rc);
	if (rc == WMSG_E_FAULT)
		fprintf(stderr, "fault %s %s %s\n", w.m.fault.op, w.m.fault.code, w.m.fault.msg);
	else if (rc < 0)
		fprintf(stderr, "wusp-client: %s\n", err.msg);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "wusp-client: cannot write to stdout\n");
		code = code ? code : 1;
	}

	if (w.curl)
		curl_easy_cleanup(w.curl);
	curl_slist_free_all(w.resolve_list);
	curl_global_cleanup();
	ow_buf_release(&w.ans);
	wmsg_release(&w.m);
	free(ev);
	return code;
}
