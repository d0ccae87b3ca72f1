/* SPDX-License-Identifier: MIT */
/*
 * MS-WUSP handlers (see service.h). The one place protocol errors become
 * faults is fault(); HTTP 500 carries every SOAP fault, as WSUS does.
 *
 *   POST /ClientWebService/client.asmx
 *   SOAPAction: "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetCookie"
 */
#include "wusp/service.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/time.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "catalog/scan.h"
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
	if (wusp_cache_init(&w->cache) != 0)
		return ow_err_set(err, OW_ENOMEM, "cannot set up the scan cache");
	if ((rc = cookie_keyring_load(cookie_key_path, 1, &w->ring, err)) < 0) {
		wusp_cache_release(&w->cache);
		return rc;
	}
	if ((rc = store_open(store_url, data_dir, &st, err)) == 0) {
		rc = catalog_server_identity(st, &w->server_epoch, &w->config_since, err);
		store_close(st);
	}
	if (rc < 0) {
		cookie_keyring_wipe(&w->ring);
		wusp_cache_release(&w->cache);
	}
	return rc;
}

void wusp_ctx_release(struct wusp_ctx *w)
{
	cookie_keyring_wipe(&w->ring);
	wusp_cache_release(&w->cache);
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

/* Sends the answer written into b, or, when the writer failed (rc < 0:
 * the answer crossed the buffer's ceiling), InternalServerError: never a
 * cut answer. */
static void reply(struct wusp_ctx *w, struct http_request *req, struct http_response *res,
		  struct ow_buf *b, int rc)
{
	if (rc < 0) {
		ow_buf_release(b);
		fault(w, req, res, WUSP_E_INTERNAL, "the answer does not fit the answer limit");
		return;
	}
	answer(res, 200, b);
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
		int64_t lifetime, int64_t sync_mark, char *out, size_t outlen, int64_t *expires,
		struct ow_err *err)
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
	c.sync_mark = sync_mark;
	*expires = c.expires;
	return cookie_seal(&w->ring, &c, out, outlen, err);
}

static void get_config(struct wusp_ctx *w, struct http_request *req, struct http_response *res)
{
	struct wusp_config c = { .last_change = w->config_since, .registration_required = 1,
				 .client_reporting_level = 2, .inventory_required = 0 };
	struct ow_buf b;

	ow_buf_init(&b, MAX_ANSWER);
	reply(w, req, res, &b, wusp_get_config(&b, &c));
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
	if (seal(w, COOKIE_AUTH, r->client_id, groups, OW_WUSP_AUTH_COOKIE_S, 0, sealed,
		 sizeof(sealed), &expires, &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		return;
	}
	ow_buf_init(&b, MAX_ANSWER);
	reply(w, req, res, &b, wusp_get_auth_cookie(&b, sealed));
}

static void get_cookie(struct wusp_ctx *w, struct http_request *req, struct http_response *res,
		       const struct wusp_get_cookie *r)
{
	char sealed[COOKIE_B64_MAX];
	struct ow_err err = { 0 };
	struct cookie auth;
	int64_t expires, mark = 0;
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
	/* A client renewing its cookie keeps its sync mark, so deployments
	 * changed while it was away still reach it as ChangedUpdates. */
	if (r->old_cookie.present && r->old_cookie.encrypted_data != NULL) {
		struct cookie old;
		int ost = cookie_open(&w->ring, r->old_cookie.encrypted_data,
				      strlen(r->old_cookie.encrypted_data), COOKIE_CLIENT, ow_time_now(),
				      w->server_epoch, &old);

		if ((ost == COOKIE_OK || ost == COOKIE_EXPIRED) &&
		    strcmp(old.client_id, auth.client_id) == 0)
			mark = old.sync_mark;
	}
	if (seal(w, COOKIE_CLIENT, auth.client_id, auth.groups, OW_WUSP_CLIENT_COOKIE_S, mark, sealed,
		 sizeof(sealed), &expires, &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		return;
	}
	ow_buf_init(&b, MAX_ANSWER);
	reply(w, req, res, &b, wusp_get_cookie(&b, expires, sealed));
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
	reply(w, req, res, &b, wusp_register_computer(&b));
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
	reply(w, req, res, &b, wusp_start_category_scan(&b, ids, n));
}

/* ---- the scan ---- */

/* A renewed client cookie: the same client, groups and expiry (WSUS keeps
 * the Expiration across a scan), a new sync mark. */
static int reseal(struct wusp_ctx *w, const struct cookie *c, int64_t mark, char *out,
		  size_t outlen, struct ow_err *err)
{
	struct cookie n = *c;

	n.sync_mark = mark;
	return cookie_seal(&w->ring, &n, out, outlen, err);
}

struct groups_ctx {
	const struct catalog_index *ix;
	int *member;
	size_t n, cap;
};

static int member_cb(const struct store_member_row *row, void *arg)
{
	struct groups_ctx *g = arg;
	int i = catalog_index_group(g->ix, row->group_id);

	if (i >= 0 && g->n < g->cap)
		g->member[g->n++] = i;
	return 0;
}

/* The opened cookie's computer, which must be registered, and its groups
 * as indexes of the snapshot. Answers the fault and returns -1 on failure. */
static int viewer(struct wusp_ctx *w, struct http_request *req, struct http_response *res,
		  struct store *st, const struct wusp_snapshot *snap, const struct cookie *c,
		  struct groups_ctx *g)
{
	struct store_computer_row row;
	struct ow_err err = { 0 };
	int rc;

	g->ix = snap->ix;
	rc = catalog_computer_get(st, c->client_id, &row, &err);
	if (rc == OW_ENOENT) {
		fault(w, req, res, WUSP_E_REGISTRATION_REQUIRED, "the computer is not registered");
		return -1;
	}
	if (rc == 0)
		rc = catalog_computer_groups(st, c->client_id, member_cb, g, &err);
	if (rc < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		return -1;
	}
	return 0;
}

static void offers(const struct wusp_snapshot *snap, const struct catalog_offer *o, size_t n,
		   int with_xml, struct wusp_update_info *out)
{
	static const enum wusp_action act[] = {
		[CATALOG_EVALUATE] = WUSP_ACTION_EVALUATE,
		[CATALOG_DEPLOY_INSTALL] = WUSP_ACTION_INSTALL,
		[CATALOG_DEPLOY_UNINSTALL] = WUSP_ACTION_UNINSTALL,
		[CATALOG_DEPLOY_BUNDLE] = WUSP_ACTION_BUNDLE,
	};

	for (size_t i = 0; i < n; i++) {
		const struct catalog_rev *r = catalog_index_rev(snap->ix, o[i].rev);

		out[i].revision_id = r->revision_id;
		out[i].deployment.id = o[i].deployment_id;
		out[i].deployment.action = act[o[i].action];
		out[i].deployment.deadline = o[i].deadline;
		out[i].deployment.last_change = o[i].last_change;
		out[i].is_leaf = r->is_leaf;
		out[i].xml = with_xml ? snap->core[o[i].rev] : NULL;
		out[i].xml_len = with_xml ? snap->core_len[o[i].rev] : 0;
	}
}

static void sync_updates(struct wusp_ctx *w, struct http_request *req, struct http_response *res,
			 const struct wusp_sync_updates *r)
{
	const struct wusp_sync_params *p = &r->params;
	int member[OW_MAX_WUSP_GROUPS];
	struct groups_ctx g = { NULL, member, 0, OW_MAX_WUSP_GROUPS };
	struct catalog_sync_answer a = { 0 };
	struct wusp_update_info *news = NULL, *changed = NULL;
	struct wusp_snapshot *snap = NULL;
	char sealed[COOKIE_B64_MAX];
	struct ow_err err = { 0 };
	struct store *st = NULL;
	struct cookie c;
	struct ow_buf b;
	int64_t started = ow_time_now(), mark;

	if (client_cookie(w, req, res, &r->cookie, &c) < 0)
		return;
	if (p->system_spec_present && !p->skip_software_sync) {
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS,
		      "SystemSpec belongs to the driver pass (SkipSoftwareSync true)");
		return;
	}
	if (p->installed_non_leaf.n > OW_WUSP_MAX_INSTALLED_NONLEAF) {
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS,
		      "InstalledNonLeafUpdateIDs has more ids than this server accepts");
		return;
	}
	if (catalog_thread_store(w->store_url, w->data_dir, &st, &err) < 0 ||
	    wusp_cache_get(&w->cache, st, &snap, &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		return;
	}
	if (viewer(w, req, res, st, snap, &c, &g) < 0)
		goto done;
	struct catalog_viewer v = { g.member, g.n };
	struct catalog_sync_query q = {
		.installed = p->installed_non_leaf.v,
		.ninstalled = p->installed_non_leaf.n,
		.cached = p->skip_software_sync ? p->cached_drivers.v : p->other_cached.v,
		.ncached = p->skip_software_sync ? p->cached_drivers.n : p->other_cached.n,
		.filter = (const char (*)[37])p->filter_category_ids.v,
		.nfilter = p->filter_category_ids.n,
		.driver_pass = p->skip_software_sync,
		.two_group_out_of_scope = p->need_two_group_out_of_scope == 1,
		.since = c.sync_mark > OW_WUSP_CHANGE_SLACK_S ? c.sync_mark - OW_WUSP_CHANGE_SLACK_S : 0,
		.page = OW_WUSP_SYNC_PAGE,
	};
	if (catalog_sync(snap->ix, &v, &q, &a, &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		goto done;
	}
	/* The client's cache matches the catalog once a software pass ends
	 * with nothing new: only then does the mark move. */
	mark = !p->skip_software_sync && a.nupdates == 0 && !a.truncated ? started : c.sync_mark;
	news = calloc(a.nupdates ? a.nupdates : 1, sizeof(*news));
	changed = calloc(a.nchanged ? a.nchanged : 1, sizeof(*changed));
	if (news == NULL || changed == NULL) {
		fault(w, req, res, WUSP_E_INTERNAL, "out of memory");
		goto done;
	}
	offers(snap, a.updates, a.nupdates, 1, news);
	offers(snap, a.changed, a.nchanged, 0, changed);
	if (reseal(w, &c, mark, sealed, sizeof(sealed), &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		goto done;
	}
	struct wusp_sync_result out = {
		.updates = news, .nupdates = a.nupdates,
		.out_of_scope = a.out_of_scope, .nout_of_scope = a.nout_of_scope,
		.changed = changed, .nchanged = a.nchanged,
		.truncated = a.truncated,
		.cookie_expires = c.expires, .cookie_b64 = sealed,
		.deployed_out_of_scope = a.deployed_out_of_scope,
		.ndeployed_out_of_scope = a.ndeployed_out_of_scope,
		/* Written only when there is one: WSUS leaves the element out. */
		.deployed_out_of_scope_present = a.ndeployed_out_of_scope > 0,
		/* Drivers are not matched, so there is never a driver pass to make. */
		.driver_sync_not_needed = 1,
	};
	ow_buf_init(&b, OW_MAX_WUSP_ANSWER);
	reply(w, req, res, &b, wusp_sync_updates(&b, &out));
done:
	free(news);
	free(changed);
	catalog_sync_release(&a);
	wusp_cache_put(&w->cache, snap);
}

/* The languages to answer for: each requested locale the document has
 * (a "pt-BR" request also takes "pt"), in request order without repeats;
 * none of them: "en" if the document has it (MS-WUSP: the server SHOULD
 * always return en), else its first language. */
static size_t pick_langs(const char *have, const struct wusp_strs *want, char out[][36], size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i <= want->n && n < max; i++) {
		char cand[2][36];
		size_t nc = 0;

		if (i < want->n) {
			const char *l = want->v[i];
			size_t len = strcspn(l, "-");

			if (strlen(l) < sizeof(cand[0]))
				memcpy(cand[nc++], l, strlen(l) + 1);
			if (l[len] == '-' && len > 0 && len < sizeof(cand[0])) {
				memcpy(cand[nc], l, len);
				cand[nc++][len] = '\0';
			}
		} else if (n == 0) {
			memcpy(cand[nc++], "en", 3);
		}
		for (size_t k = 0; k < nc && n < max; k++) {
			const char *h = have;
			size_t cl = strlen(cand[k]);

			while (*h) {
				size_t hl = strcspn(h, ",");

				if (hl == cl && ow_strncasecmp(h, cand[k], cl) == 0) {
					int dup = 0;

					for (size_t j = 0; j < n && !dup; j++)
						dup = strlen(out[j]) == hl && ow_strncasecmp(out[j], h, hl) == 0;
					if (!dup) {
						memcpy(out[n], h, hl);
						out[n++][hl] = '\0';
					}
					break;
				}
				h += hl + (h[hl] == ',');
			}
		}
	}
	if (n == 0 && *have && max > 0) {
		size_t hl = strcspn(have, ",");

		if (hl < 36) {
			memcpy(out[n], have, hl);
			out[n++][hl] = '\0';
		}
	}
	return n;
}

struct files_ctx {
	struct wusp_ctx *w;
	struct wusp_file_location *fl;
	char (*url)[OW_MAX_URL_BYTES];
	size_t n, cap;
};

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One FileLocation, unless the file's content is not here or already listed. */
static int add_location(struct files_ctx *f, const char *sha1, const char *ext)
{
	unsigned char raw[20];

	if (ext[0] == '\0' || strlen(sha1) != 40 || f->n == f->cap)
		return 0;
	for (int i = 0; i < 20; i++) {
		int hi = hexval(sha1[2 * i]), lo = hexval(sha1[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return 0;
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
	for (size_t i = 0; i < f->n; i++)
		if (memcmp(f->fl[i].sha1, raw, 20) == 0)
			return 0;
	memcpy(f->fl[f->n].sha1, raw, 20);
	/* The grammar real clients use: http://NAME:(P-1)/Content/XX/SHA1.ext,
	 * XX the SHA-1's last two hex digits (content/name.h). */
	snprintf(f->url[f->n], sizeof(f->url[f->n]), "http://%s:%d/Content/%c%c/%s.%s", f->w->fqdn,
		 f->w->content_port, toupper((unsigned char)sha1[38]), toupper((unsigned char)sha1[39]),
		 sha1, ext);
	for (char *u = strstr(f->url[f->n], "/Content/") + 12; *u && *u != '.'; u++)
		*u = (char)toupper((unsigned char)*u);
	f->fl[f->n].url = f->url[f->n];
	f->n++;
	return 0;
}

static int file_cb(const struct store_file_row *row, void *arg)
{
	return add_location(arg, row->sha1, row->ext);
}

static void get_extended_update_info(struct wusp_ctx *w, struct http_request *req,
				     struct http_response *res,
				     const struct wusp_get_extended_update_info *r)
{
	static const struct { unsigned bit; enum wusp_fragment type; } kinds[] = {
		{ WUSP_INFO_CORE, WUSP_FRAG_CORE },
		{ WUSP_INFO_EXTENDED, WUSP_FRAG_EXTENDED },
		{ WUSP_INFO_LOCALIZED_PROPERTIES, WUSP_FRAG_LOCALIZED },
	};
	size_t n = r->revision_ids.n, nu = 0, noos = 0;
	struct wusp_update_data *u = NULL;
	size_t *off = NULL;
	int32_t *oos = NULL, *ids = NULL;
	struct files_ctx f = { w, NULL, NULL, 0, OW_WUSP_MAX_FILE_LOCATIONS };
	struct wusp_snapshot *snap = NULL;
	struct ow_err err = { 0 };
	struct store *st = NULL;
	struct ow_buf frags, b;
	struct cookie c;
	size_t maxu, nd = 0;

	if (client_cookie(w, req, res, &r->cookie, &c) < 0)
		return;
	if (n > WUSP_MAX_EXTENDED_PER_REQUEST) {
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS,
		      "revisionIDs has more ids than MaxExtendedUpdatesPerRequest");
		return;
	}
	ow_buf_init(&frags, OW_MAX_WUSP_ANSWER);
	maxu = n * (2 + OW_WUSP_MAX_LANGS);
	u = calloc(maxu ? maxu : 1, sizeof(*u));
	off = calloc(maxu ? maxu : 1, sizeof(*off));
	oos = calloc(n ? n : 1, sizeof(*oos));
	ids = calloc(n ? n : 1, sizeof(*ids));
	f.fl = calloc(f.cap, sizeof(*f.fl));
	f.url = calloc(f.cap, sizeof(*f.url));
	if (u == NULL || off == NULL || oos == NULL || ids == NULL || f.fl == NULL || f.url == NULL) {
		fault(w, req, res, WUSP_E_INTERNAL, "out of memory");
		goto done;
	}
	if (catalog_thread_store(w->store_url, w->data_dir, &st, &err) < 0 ||
	    wusp_cache_get(&w->cache, st, &snap, &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		goto done;
	}
	/* Revisions not deployed go out of scope; the others are answered. */
	for (size_t i = 0; i < n; i++) {
		long k = catalog_index_find(snap->ix, r->revision_ids.v[i]);

		if (k < 0 || !catalog_deployed(snap->ix, (size_t)k))
			oos[noos++] = r->revision_ids.v[i];
		else
			ids[nd++] = r->revision_ids.v[i];
	}
	/* Fragments by type, then by revision in request order, as WSUS
	 * answers. */
	for (size_t t = 0; t < sizeof(kinds) / sizeof(kinds[0]); t++) {
		if (!(r->info_mask & kinds[t].bit))
			continue;
		for (size_t i = 0; i < nd; i++) {
			char have[512], langs[OW_WUSP_MAX_LANGS][36];
			size_t nl = 1;
			int rc = 0;

			if (kinds[t].type == WUSP_FRAG_LOCALIZED) {
				rc = wusp_fragment_langs(st, ids[i], have, sizeof(have), &err);
				nl = rc == 0 ? pick_langs(have, &r->locales, langs, OW_WUSP_MAX_LANGS) : 0;
			}
			for (size_t j = 0; rc == 0 && j < nl && nu < maxu; j++) {
				size_t before = frags.len;

				rc = wusp_fragment(st, ids[i], kinds[t].type,
						   kinds[t].type == WUSP_FRAG_LOCALIZED ? langs[j] : NULL,
						   &frags, &err);
				if (rc == OW_ENOENT) {
					rc = 0;
					continue;
				}
				u[nu].revision_id = ids[i];
				off[nu] = before;
				u[nu].xml_len = frags.len - before;
				nu++;
			}
			if (rc < 0) {
				fault(w, req, res, WUSP_E_INTERNAL, err.msg);
				goto done;
			}
		}
	}
	for (size_t i = 0; i < nu; i++)
		u[i].xml = frags.data + off[i];
	/* Where the files of the deployed revisions can be fetched. */
	for (size_t i = 0; i < nd; i++) {
		if (catalog_revision_files(st, ids[i], file_cb, &f, &err) < 0) {
			fault(w, req, res, WUSP_E_INTERNAL, err.msg);
			goto done;
		}
	}
	ow_buf_init(&b, OW_MAX_WUSP_ANSWER);
	reply(w, req, res, &b, wusp_get_extended_update_info(&b, u, nu, f.fl, f.n, oos, noos));
done:
	ow_buf_release(&frags);
	free(u);
	free(off);
	free(oos);
	free(ids);
	free(f.fl);
	free(f.url);
	wusp_cache_put(&w->cache, snap);
}

static void get_file_locations(struct wusp_ctx *w, struct http_request *req,
			       struct http_response *res, const struct wusp_get_file_locations *r)
{
	struct files_ctx f = { w, NULL, NULL, 0, 0 };
	char sealed[COOKIE_B64_MAX];
	struct ow_err err = { 0 };
	struct store *st = NULL;
	struct cookie c;
	struct ow_buf b;

	if (client_cookie(w, req, res, &r->cookie, &c) < 0)
		return;
	if (!r->digests_present) {
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS, "fileDigests is required");
		return;
	}
	for (size_t i = 0; i < r->ndigests; i++) {
		if (r->digests[i].nbytes != 20) {
			fault(w, req, res, WUSP_E_INVALID_PARAMETERS, "each fileDigest must be 20 bytes");
			return;
		}
	}
	f.cap = r->ndigests;
	f.fl = calloc(f.cap ? f.cap : 1, sizeof(*f.fl));
	f.url = calloc(f.cap ? f.cap : 1, sizeof(*f.url));
	if (f.fl == NULL || f.url == NULL) {
		fault(w, req, res, WUSP_E_INTERNAL, "out of memory");
		goto done;
	}
	if (catalog_thread_store(w->store_url, w->data_dir, &st, &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		goto done;
	}
	for (size_t i = 0; i < r->ndigests; i++) {
		char ext[16];
		long long size;
		int rc = catalog_content_get(st, r->digests[i].hex, ext, &size, &err);

		if (rc == 0)
			add_location(&f, r->digests[i].hex, ext);
		else if (rc != OW_ENOENT) {
			fault(w, req, res, WUSP_E_INTERNAL, err.msg);
			goto done;
		}
	}
	if (reseal(w, &c, c.sync_mark, sealed, sizeof(sealed), &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		goto done;
	}
	ow_buf_init(&b, OW_MAX_WUSP_ANSWER);
	reply(w, req, res, &b, wusp_get_file_locations(&b, f.fl, f.n, c.expires, sealed));
done:
	free(f.fl);
	free(f.url);
}

static void refresh_cache(struct wusp_ctx *w, struct http_request *req, struct http_response *res,
			  const struct wusp_refresh_cache *r)
{
	int member[OW_MAX_WUSP_GROUPS];
	struct groups_ctx g = { NULL, member, 0, OW_MAX_WUSP_GROUPS };
	struct wusp_refresh_result *out = NULL;
	struct wusp_snapshot *snap = NULL;
	struct ow_err err = { 0 };
	struct store *st = NULL;
	struct cookie c;
	struct ow_buf b;
	size_t n = 0;

	if (client_cookie(w, req, res, &r->cookie, &c) < 0)
		return;
	if (!r->global_ids_present) {
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS, "globalIDs is required");
		return;
	}
	if ((out = calloc(r->nglobal_ids ? r->nglobal_ids : 1, sizeof(*out))) == NULL) {
		fault(w, req, res, WUSP_E_INTERNAL, "out of memory");
		return;
	}
	if (catalog_thread_store(w->store_url, w->data_dir, &st, &err) < 0 ||
	    wusp_cache_get(&w->cache, st, &snap, &err) < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		goto done;
	}
	if (viewer(w, req, res, st, snap, &c, &g) < 0)
		goto done;
	struct catalog_viewer v = { g.member, g.n };
	for (size_t i = 0; i < r->nglobal_ids; i++) {
		const struct wusp_update_identity *id = &r->global_ids[i];
		long k = catalog_index_find_update(snap->ix, id->update_id, id->revision);
		struct catalog_offer o;
		struct wusp_update_info ui;

		if (k < 0 || !catalog_deployed(snap->ix, (size_t)k))
			continue;
		catalog_deployment(snap->ix, &v, (size_t)k, &o);
		offers(snap, &o, 1, 0, &ui);
		out[n].revision_id = ui.revision_id;
		memcpy(out[n].update_id, id->update_id, sizeof(out[n].update_id));
		out[n].revision_number = id->revision;
		out[n].is_leaf = ui.is_leaf;
		out[n].deployment = ui.deployment;
		n++;
	}
	ow_buf_init(&b, OW_MAX_WUSP_ANSWER);
	reply(w, req, res, &b, wusp_refresh_cache(&b, out, n));
done:
	free(out);
	wusp_cache_put(&w->cache, snap);
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
		sync_updates(w, req, res, &r.sync_updates);
		break;
	case WUSP_GET_EXTENDED_UPDATE_INFO:
		get_extended_update_info(w, req, res, &r.get_extended_update_info);
		break;
	case WUSP_GET_FILE_LOCATIONS:
		get_file_locations(w, req, res, &r.get_file_locations);
		break;
	case WUSP_REFRESH_CACHE:
		refresh_cache(w, req, res, &r.refresh_cache);
		break;
	case WUSP_GET_TIMESTAMPS:
		/* Not in MS-WUSP: no published shape to answer with. A client
		 * that finds it refused goes on with SyncUpdates. */
		if (client_cookie(w, req, res, &r.get_timestamps.cookie, &c) < 0)
			break;
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS,
		      "GetTimestamps is not part of MS-WUSP and is not provided");
		break;
	default:
		snprintf(msg, sizeof(msg), "%s is not a ClientWebService operation", r.op_name);
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS, msg);
		break;
	}
	wusp_request_release(&r);
}

static void report_event_batch(struct wusp_ctx *w, struct http_request *req,
			       struct http_response *res, const struct wusp_report_event_batch *r)
{
	struct catalog_event *ev = NULL;
	struct ow_err err = { 0 };
	struct store *st = NULL;
	size_t recorded = 0;
	struct cookie c;
	struct ow_buf b;
	int rc;

	if (client_cookie(w, req, res, &r->cookie, &c) < 0)
		return;
	if ((ev = calloc(r->nevents ? r->nevents : 1, sizeof(*ev))) == NULL) {
		fault(w, req, res, WUSP_E_INTERNAL, "out of memory");
		return;
	}
	for (size_t i = 0; i < r->nevents; i++) {
		const struct wusp_event *e = &r->events[i];

		ev[i].event_instance_id = e->event_instance_id;
		ev[i].event_id = e->event_id;
		ev[i].update_id = e->has_update_id ? e->update_id.update_id
						   : "00000000-0000-0000-0000-000000000000";
		ev[i].revision = e->has_update_id ? e->update_id.revision : 0;
		ev[i].hresult = e->win32_hresult;
		ev[i].time_at_target = e->time_at_target ? e->time_at_target : "";
		ev[i].app_name = e->app_name;
		ev[i].misc = e->has_extended ? e->misc_data.v : NULL;
		ev[i].nmisc = e->has_extended ? e->misc_data.n : 0;
	}
	if ((rc = catalog_thread_store(w->store_url, w->data_dir, &st, &err)) == 0)
		rc = catalog_report_events(st, c.client_id, ev, r->nevents, &recorded, &err);
	free(ev);
	if (rc == OW_ENOENT) {
		fault(w, req, res, WUSP_E_REGISTRATION_REQUIRED, "the computer is not registered");
		return;
	}
	if (rc == OW_EINVAL) {
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS, err.msg);
		return;
	}
	if (rc < 0) {
		fault(w, req, res, WUSP_E_INTERNAL, err.msg);
		return;
	}
	ow_buf_init(&b, MAX_ANSWER);
	reply(w, req, res, &b, wusp_report_event_batch(&b));
}

void wusp_reporting_handle(struct http_request *req, struct http_response *res, void *arg)
{
	struct wusp_ctx *w = arg;
	struct wusp_request r;
	char msg[160];

	if (decode(w, req, res, &r) < 0)
		return;
	if (r.op == WUSP_REPORT_EVENT_BATCH) {
		report_event_batch(w, req, res, &r.report_event_batch);
	} else {
		snprintf(msg, sizeof(msg), "%s is not a ReportingWebService operation", r.op_name);
		fault(w, req, res, WUSP_E_INVALID_PARAMETERS, msg);
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
