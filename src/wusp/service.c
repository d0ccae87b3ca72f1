/* SPDX-License-Identifier: MIT */
/*
 * MS-WUSP handlers (see service.h). The one place protocol errors become
 * faults is fault(); HTTP 500 carries every SOAP fault, as WSUS does.
 *
 *   POST /ClientWebService/client.asmx
 *   SOAPAction: "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetCookie"
 */
#include "wusp/service.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/time.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "wusp/request.h"
#include "wusp/response.h"
#include "xml/soap.h"

#define MAX_ANSWER (4 * 1024 * 1024)

int wusp_ctx_init(struct wusp_ctx *w, const char *store_url, const char *data_dir,
		  const char *cookie_key_path, const char *fqdn, int https_port, int client_targeting,
		  struct ow_err *err)
{
	struct store *st = NULL;
	int rc;

	memset(w, 0, sizeof(*w));
	w->store_url = store_url;
	w->data_dir = data_dir;
	w->fqdn = fqdn;
	w->https_port = https_port;
	w->client_targeting = client_targeting;
	if ((rc = cookie_keyring_load(cookie_key_path, 1, &w->ring, err)) < 0)
		return rc;
	if ((rc = store_open(store_url, data_dir, &st, err)) == 0) {
		rc = catalog_server_identity(st, &w->server_epoch, &w->config_since, err);
		store_close(st);
	}
	if (rc < 0)
		cookie_keyring_wipe(&w->ring);
	return rc;
}

void wusp_ctx_release(struct wusp_ctx *w)
{
	cookie_keyring_wipe(&w->ring);
}

static void answer(struct http_response *res, int status, struct ow_buf *b)
{
	res->status = status;
	(void)http_res_header(res, "Content-Type", SOAP_CONTENT_TYPE);
	(void)http_res_body(res, b->data, b->len);
	ow_buf_release(b);
}

/* The one place a protocol error becomes a SOAP fault. */
static void fault(struct wusp_ctx *w, struct http_request *req, struct http_response *res,
		  enum wusp_error e, const char *message)
{
	char actor[512];
	const char *action = http_header_get(req, "SOAPAction");
	struct ow_buf b;

	snprintf(actor, sizeof(actor), "https://%s:%d%s", w->fqdn, w->https_port, req->path);
	if (action && strlen(action) > 256)
		action = NULL;
	ow_buf_init(&b, 64 * 1024);
	if (wusp_fault(&b, e, message, actor, action) < 0) {
		ow_buf_release(&b);
		http_res_error(res, 500, "fault too large");
		return;
	}
	if (e == WUSP_E_INTERNAL)
		ow_warn("wusp: %s from %s: %s", req->path, req->peer, message);
	res->reason = wusp_error_code(e);
	answer(res, 500, &b);
}

/* Opens the client cookie of a request; answers the fault and returns -1
 * when it does not open. */
static int client_cookie(struct wusp_ctx *w, struct http_request *req, struct http_response *res,
			 const struct wusp_cookie *wc, struct cookie *out)
{
	int st;

	if (!wc->present || wc->encrypted_data == NULL) {
		fault(w, req, res, WUSP_E_INVALID_COOKIE, "a cookie from GetCookie is required");
		return -1;
	}
	st = cookie_open(&w->ring, wc->encrypted_data, strlen(wc->encrypted_data), COOKIE_CLIENT,
			 ow_time_now(), w->server_epoch, out);
	switch (st) {
	case COOKIE_OK:
		return 0;
	case COOKIE_EXPIRED:
		fault(w, req, res, WUSP_E_COOKIE_EXPIRED, "the cookie has expired");
		return -1;
	case COOKIE_SERVER_CHANGED:
		fault(w, req, res, WUSP_E_SERVER_CHANGED, "the cookie is from another server identity");
		return -1;
	default:
		fault(w, req, res, WUSP_E_INVALID_COOKIE, "the cookie is not valid");
		return -1;
	}
}

static int seal(struct wusp_ctx *w, enum cookie_kind kind, const char *client_id, const char *groups,
		int64_t lifetime, char *out, size_t outlen, int64_t *expires, struct ow_err *err)
{
	struct cookie c;

	memset(&c, 0, sizeof(c));
	c.kind = kind;
	if (ow_strlcpy(c.client_id, client_id, sizeof(c.client_id)) < 0 ||
	    ow_strlcpy(c.groups, groups ? groups : "", sizeof(c.groups)) < 0)
		return ow_err_set(err, OW_ELIMIT, "client id or groups too long");
	c.issued = ow_time_now();
	c.expires = c.issued + lifetime;
	c.server_epoch = w->server_epoch;
	*expires = c.expires;
	return cookie_seal(&w->ring, &c, out, outlen, err);
}

static void get_config(struct wusp_ctx *w, struct http_request *req, struct http_response *res)
{
	struct wusp_config c = { .last_change = w->config_since, .registration_required = 1,
				 .client_reporting_level = 2, .inventory_required = 0 };
	struct ow_buf b;

	ow_buf_init(&b, MAX_ANSWER);
	if (wusp_get_config(&b, &c) < 0) {
		ow_buf_release(&b);
		fault(w, req, res, WUSP_E_INTERNAL, "cannot write the answer");
		return;
	}
	answer(res, 200, &b);
}

static void get_auth_cookie(struct wusp_ctx *w, struct http_request *req, struct http_response *res,
			    const struct wusp_get_auth_cookie *r)
{
	char groups[OW_MAX_COOKIE_GROUPS + 1] = "", sealed[COOKIE_B64_MAX];
	struct ow_err err = { 0 };
	int64_t expires;
	struct ow_buf b;

	if (!cookie_client_id_valid(r->client_id)) {
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS, "clientId is not a client id");
		return;
	}
	/* TargetGroup policy values name one or more groups separated by ';'. */
	if (r->target_group_name) {
		if (ow_strlcpy(groups, r->target_group_name, sizeof(groups)) < 0) {
			fault(w, req, res, WUSP_E_INVALID_PARAMETERS, "targetGroupName is too long");
			return;
		}
		for (char *p = groups; *p; p++) {
			if (*p == ';')
				*p = '\n';
			else if ((unsigned char)*p < 0x20 || *p == 0x7f) {
				fault(w, req, res, WUSP_E_INVALID_PARAMETERS,
				      "targetGroupName has a control character");
				return;
			}
		}
	}
	if (seal(w, COOKIE_AUTH, r->client_id, groups, OW_WUSP_AUTH_COOKIE_S, sealed, sizeof(sealed),
		 &expires, &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		return;
	}
	ow_buf_init(&b, MAX_ANSWER);
	if (wusp_get_auth_cookie(&b, sealed) < 0) {
		ow_buf_release(&b);
		fault(w, req, res, WUSP_E_INTERNAL, "cannot write the answer");
		return;
	}
	answer(res, 200, &b);
}

static void get_cookie(struct wusp_ctx *w, struct http_request *req, struct http_response *res,
		       const struct wusp_get_cookie *r)
{
	char sealed[COOKIE_B64_MAX];
	struct ow_err err = { 0 };
	struct cookie auth;
	int64_t expires;
	struct ow_buf b;
	int st = COOKIE_INVALID;

	for (size_t i = 0; i < r->nauth_cookies && st != COOKIE_OK; i++) {
		const struct wusp_auth_cookie *a = &r->auth_cookies[i];

		if (a->plugin_id == NULL || strcmp(a->plugin_id, "SimpleTargeting") != 0 ||
		    a->cookie_data == NULL)
			continue;
		st = cookie_open(&w->ring, a->cookie_data, strlen(a->cookie_data), COOKIE_AUTH,
				 ow_time_now(), w->server_epoch, &auth);
	}
	if (st == COOKIE_SERVER_CHANGED) {
		fault(w, req, res, WUSP_E_SERVER_CHANGED, "the authorization cookie is from another server");
		return;
	}
	if (st != COOKIE_OK) {
		/* Expired or not ours: the client asks SimpleAuth again. */
		fault(w, req, res, WUSP_E_INVALID_COOKIE, "no valid SimpleTargeting authorization cookie");
		return;
	}
	if (seal(w, COOKIE_CLIENT, auth.client_id, auth.groups, OW_WUSP_CLIENT_COOKIE_S, sealed,
		 sizeof(sealed), &expires, &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		return;
	}
	ow_buf_init(&b, MAX_ANSWER);
	if (wusp_get_cookie(&b, expires, sealed) < 0) {
		ow_buf_release(&b);
		fault(w, req, res, WUSP_E_INTERNAL, "cannot write the answer");
		return;
	}
	answer(res, 200, &b);
}

static void register_computer(struct wusp_ctx *w, struct http_request *req, struct http_response *res,
			      const struct wusp_register_computer *r)
{
	struct ow_err err = { 0 };
	struct store *st = NULL;
	struct cookie c;
	struct ow_buf b;

	if (client_cookie(w, req, res, &r->cookie, &c) < 0)
		return;
	if (catalog_thread_store(w->store_url, w->data_dir, &st, &err) < 0 ||
	    catalog_computer_register(st, c.client_id, r->info.dns_name,
				      r->info.os_description ? r->info.os_description : "", c.groups,
				      w->client_targeting, &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		return;
	}
	ow_buf_init(&b, MAX_ANSWER);
	if (wusp_register_computer(&b) < 0) {
		ow_buf_release(&b);
		fault(w, req, res, WUSP_E_INTERNAL, "cannot write the answer");
		return;
	}
	answer(res, 200, &b);
}

struct known_ctx {
	int category;
};

static int known_cb(const struct store_revision_row *r, void *arg)
{
	struct known_ctx *k = arg;

	if (r->is_latest && strcmp(r->type, "Category") == 0)
		k->category = 1;
	return 0;
}

static void start_category_scan(struct wusp_ctx *w, struct http_request *req,
				struct http_response *res, const struct wusp_start_category_scan *r)
{
	const char *ids[64];
	struct ow_err err = { 0 };
	struct store *st = NULL;
	struct ow_buf b;
	size_t n = 0;

	if (catalog_thread_store(w->store_url, w->data_dir, &st, &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		return;
	}
	/* The categories asked for that the catalog has: the ones a later
	 * SyncUpdates with a category filter will answer for. */
	for (size_t i = 0; i < r->nrequested && n < sizeof(ids) / sizeof(ids[0]); i++) {
		struct known_ctx k = { 0 };

		if (catalog_revisions(st, r->requested[i].category_id, known_cb, &k, &err) < 0) {
			fault(w, req, res, WUSP_E_INTERNAL, err.msg);
			return;
		}
		if (k.category)
			ids[n++] = r->requested[i].category_id;
	}
	ow_buf_init(&b, MAX_ANSWER);
	if (wusp_start_category_scan(&b, ids, n) < 0) {
		ow_buf_release(&b);
		fault(w, req, res, WUSP_E_INTERNAL, "cannot write the answer");
		return;
	}
	answer(res, 200, &b);
}

/* The cookie of operations this version does not answer yet. */
static const struct wusp_cookie *scan_cookie(const struct wusp_request *r)
{
	switch (r->op) {
	case WUSP_SYNC_UPDATES: return &r->sync_updates.cookie;
	case WUSP_GET_EXTENDED_UPDATE_INFO: return &r->get_extended_update_info.cookie;
	case WUSP_GET_FILE_LOCATIONS: return &r->get_file_locations.cookie;
	case WUSP_REFRESH_CACHE: return &r->refresh_cache.cookie;
	case WUSP_GET_TIMESTAMPS: return &r->get_timestamps.cookie;
	default: return NULL;
	}
}

/* Decodes the request; answers the fault and returns -1 on failure. */
static int decode(struct wusp_ctx *w, struct http_request *req, struct http_response *res,
		  struct wusp_request *r)
{
	struct ow_err err = { 0 };

	if (req->method != HTTP_M_POST) {
		http_res_error(res, 405, "SOAP services accept POST");
		(void)http_res_header(res, "Allow", "POST");
		return -1;
	}
	if (wusp_request_parse(req->body ? req->body : "", req->body_len,
			       http_header_get(req, "SOAPAction"), r, &err) < 0) {
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS, err.msg);
		return -1;
	}
	return 0;
}

void wusp_client_handle(struct http_request *req, struct http_response *res, void *arg)
{
	struct wusp_ctx *w = arg;
	struct wusp_request r;
	struct cookie c;
	char msg[160];

	if (decode(w, req, res, &r) < 0)
		return;
	switch (r.op) {
	case WUSP_GET_CONFIG:
		get_config(w, req, res);
		break;
	case WUSP_GET_COOKIE:
		get_cookie(w, req, res, &r.get_cookie);
		break;
	case WUSP_REGISTER_COMPUTER:
		register_computer(w, req, res, &r.register_computer);
		break;
	case WUSP_START_CATEGORY_SCAN:
		start_category_scan(w, req, res, &r.start_category_scan);
		break;
	case WUSP_SYNC_UPDATES:
	case WUSP_GET_EXTENDED_UPDATE_INFO:
	case WUSP_GET_FILE_LOCATIONS:
	case WUSP_REFRESH_CACHE:
	case WUSP_GET_TIMESTAMPS:
		if (client_cookie(w, req, res, scan_cookie(&r), &c) < 0)
			break;
		snprintf(msg, sizeof(msg), "%s is not provided by this openwsus version yet",
			 wusp_op_name(r.op));
		fault(w, req, res, WUSP_E_INTERNAL, msg);
		break;
	default:
		snprintf(msg, sizeof(msg), "%s is not a ClientWebService operation", r.op_name);
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS, msg);
		break;
	}
	wusp_request_release(&r);
}

void wusp_simpleauth_handle(struct http_request *req, struct http_response *res, void *arg)
{
	struct wusp_ctx *w = arg;
	struct wusp_request r;
	char msg[160];

	if (decode(w, req, res, &r) < 0)
		return;
	if (r.op == WUSP_GET_AUTH_COOKIE) {
		get_auth_cookie(w, req, res, &r.get_auth_cookie);
	} else {
		snprintf(msg, sizeof(msg), "%s is not a SimpleAuthWebService operation", r.op_name);
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS, msg);
	}
	wusp_request_release(&r);
}
