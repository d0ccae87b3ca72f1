/* SPDX-License-Identifier: MIT */
/*
 * Admin API handlers (see api.h). One request: authenticate, check the
 * role, route by method and path, call the catalog, answer JSON. Catalog
 * error codes become HTTP statuses in one switch (status_of).
 */
#include "admin/api.h"
#include "admin/call.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/basic.h"
#include "auth/password.h"
#include "auth/principal.h"
#include "base/log.h"
#include "base/time.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "catalog/updoc.h"

#define API_PREFIX "/api/v1/"
#define DEFAULT_LIMIT 100
#define MAX_LIMIT 1000


/* ---- answers ------------------------------------------------------------ */

void admin_reply(struct call *c, int status, json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	c->res->status = status;
	if (text) {
		(void)http_res_header(c->res, "Content-Type", "application/json");
		(void)http_res_body(c->res, text, strlen(text));
		(void)http_res_body(c->res, "\n", 1);
	}
	free(text);
	json_decref(j);
}

/* Replaces each byte that does not begin a valid UTF-8 sequence with '?'.
 * A message may quote the peer's bytes (a path segment, a JSON parser's
 * context) or be cut inside a character by its buffer; jansson refuses
 * invalid UTF-8, and the error would go out without its body. */
static void utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		unsigned int cp, min;
		size_t n, i;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			n = 1, cp = *p & 0x1fu, min = 0x80;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			n = 2, cp = *p & 0x0fu, min = 0x800;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			n = 3, cp = *p & 0x07u, min = 0x10000;
		} else {
			*p++ = '?';
			continue;
		}
		for (i = 1; i <= n && (p[i] & 0xc0) == 0x80; i++)
			cp = cp << 6 | (p[i] & 0x3fu);
		if (i <= n || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			*p++ = '?';
		else
			p += n + 1;
	}
}

void admin_error(struct call *c, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_scrub(msg);
	c->res->reason = code;
	admin_reply(c, status, json_pack("{s:s, s:s}", "error", code, "message", msg));
}

/* The one place catalog errors become HTTP statuses. */
void admin_fail(struct call *c, const struct ow_err *e)
{
	switch (e->code) {
	case OW_EINVAL:
	case OW_ELIMIT:
		admin_error(c, 400, "invalid", "%s", e->msg);
		break;
	case OW_ENOENT:
		admin_error(c, 404, "not_found", "%s", e->msg);
		break;
	case OW_EEXIST:
	case OW_EPERM:
		admin_error(c, 409, "conflict", "%s", e->msg);
		break;
	default:
		ow_error("admin API: %s", e->msg);
		admin_error(c, 500, "internal", "the server could not complete the request");
		break;
	}
}

/* ---- request helpers ------------------------------------------------------ */

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Value of key in an application/x-www-form-urlencoded query, decoded;
 * 1 when present, 0 when absent, -1 when malformed or too long. */
static int query_get(const char *q, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);

	while (q && *q) {
		const char *end = strchr(q, '&');
		size_t n = end ? (size_t)(end - q) : strlen(q);

		if (n > klen && strncmp(q, key, klen) == 0 && q[klen] == '=') {
			size_t o = 0;

			for (size_t i = klen + 1; i < n; i++) {
				char ch = q[i];

				if (ch == '+') {
					ch = ' ';
				} else if (ch == '%') {
					int hi, lo;

					if (i + 2 >= n + 1 || (hi = hexval(q[i + 1])) < 0 ||
					    (lo = hexval(q[i + 2])) < 0)
						return -1;
					ch = (char)(hi * 16 + lo);
					i += 2;
				}
				if (ch == '\0' || o + 1 >= len)
					return -1;
				out[o++] = ch;
			}
			out[o] = '\0';
			return 1;
		}
		q = end ? end + 1 : NULL;
	}
	return 0;
}

static int query_int(struct call *c, const char *key, long long def, long long min, long long max,
		     long long *out)
{
	char buf[32];
	int rc = query_get(c->req->query, key, buf, sizeof(buf));

	*out = def;
	if (rc == 0)
		return 0;
	if (rc < 0 || ow_parse_ll(buf, min, max, out) < 0) {
		admin_error(c, 400, "invalid", "query parameter %s must be %lld..%lld", key, min, max);
		return -1;
	}
	return 0;
}

/* Splits the path after /api/v1/ into segments; -1 when malformed. */
static int split_path(struct call *c, const char *p)
{
	c->nseg = 0;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || n >= sizeof(c->seg[0]) || c->nseg == MAX_SEGS)
			return -1;
		memcpy(c->seg[c->nseg], p, n);
		c->seg[c->nseg][n] = '\0';
		for (size_t i = 0; i < n; i++)
			if (c->seg[c->nseg][i] == '%')
				return -1; /* ids and names in paths are plain */
		c->nseg++;
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

static int is(const struct call *c, int n, const char *a, const char *b)
{
	return c->nseg == n && strcmp(c->seg[0], a) == 0 && (b == NULL || strcmp(c->seg[n - 1], b) == 0);
}

const char *admin_str(struct call *c, const char *key, int required)
{
	json_t *v = json_object_get(c->body, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			admin_error(c, 400, "invalid", "\"%s\" is required", key);
		return NULL;
	}
	if (!json_is_string(v)) {
		admin_error(c, 400, "invalid", "\"%s\" must be a string", key);
		return NULL;
	}
	return json_string_value(v);
}

/* Optional string member key: *out is the string, or NULL when it is
 * absent or null; -1 (answered 400) when it has another type. */
static int opt_str(struct call *c, const char *key, const char **out)
{
	json_t *v = json_object_get(c->body, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	*out = admin_str(c, key, 0);
	return *out ? 0 : -1;
}

int admin_body(struct call *c)
{
	json_error_t jerr;

	if (c->req->body_len == 0) {
		admin_error(c, 400, "invalid", "a JSON object is required");
		return -1;
	}
	c->body = json_loadb(c->req->body, c->req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (c->body == NULL || !json_is_object(c->body)) {
		admin_error(c, 400, "invalid", "body is not a JSON object: %s",
			    c->body ? "not an object" : jerr.text);
		return -1;
	}
	return 0;
}

/* ---- authentication --------------------------------------------------------- */

static void peer_host(const char *peer, char *out, size_t len)
{
	const char *colon = strrchr(peer ? peer : "", ':');
	size_t n = colon ? (size_t)(colon - peer) : strlen(peer ? peer : "");

	if (n >= len)
		n = len - 1;
	memcpy(out, peer ? peer : "", n);
	out[n] = '\0';
}

static void unauthorized(struct call *c, const char *why)
{
	(void)http_res_header(c->res, "WWW-Authenticate", "Basic realm=\"openwsus\", charset=\"UTF-8\"");
	admin_error(c, 401, "unauthorized", "%s", why);
}

static int authenticate(struct call *c)
{
	const char *h = http_header_get(c->req, "Authorization");
	char user[256], pass[1100], name[128], ukey[160], akey[80], host[64];
	struct ow_err err = { 0 };
	int64_t now = ow_time_now(), wait;
	int ok = 0;

	if (h == NULL && c->req->peer_subject && c->req->peer_subject[0]) {
		/* A client certificate that verified against [tls] client_ca:
		 * its subject must be mapped to a principal. */
		if (catalog_user_find(c->st, "cert_subject", c->req->peer_subject, &c->who, &err) < 0) {
			ow_warn("admin API: certificate %s is not mapped to a principal",
				c->req->peer_subject);
			unauthorized(c, "the client certificate is not mapped to a principal");
			return -1;
		}
		if (catalog_user_touch(c->st, c->who.name, &err) < 0)
			ow_warn("admin API: cannot record use of %s: %s", c->who.name, err.msg);
		c->is_admin = strcmp(c->who.role, "administrators") == 0;
		return 0;
	}
	if (h == NULL) {
		unauthorized(c, "credentials are required");
		return -1;
	}
	if (auth_basic_parse(h, user, sizeof(user), pass, sizeof(pass)) < 0) {
		unauthorized(c, "only Basic credentials are accepted here");
		return -1;
	}
	peer_host(c->req->peer, host, sizeof(host));
	snprintf(akey, sizeof(akey), "addr:%s", host);
	if (auth_name_normalize(user, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "%s", "?invalid");
	snprintf(ukey, sizeof(ukey), "user:%s", name);
	wait = auth_limiter_check(c->ctx->limiter, ukey, now);
	if (wait == 0)
		wait = auth_limiter_check(c->ctx->limiter, akey, now);
	if (wait > 0) {
		OPENSSL_cleanse(pass, sizeof(pass));
		(void)http_res_header(c->res, "Retry-After", "%lld", (long long)wait);
		ow_warn("admin API: too many failed logins for %s from %s: waiting %llds", name, host,
			(long long)wait);
		admin_error(c, 429, "too_many_attempts", "too many failed attempts: retry in %lld s",
			    (long long)wait);
		return -1;
	}
	if (catalog_user_find(c->st, "name", name, &c->who, &err) == 0 && c->who.password_hash[0])
		ok = auth_password_verify(c->who.password_hash, pass);
	OPENSSL_cleanse(pass, sizeof(pass));
	if (!ok) {
		auth_limiter_fail(c->ctx->limiter, ukey, now);
		auth_limiter_fail(c->ctx->limiter, akey, now);
		ow_warn("admin API: failed login for '%s' from %s", name, host);
		/* Kept in the audit trail too; the limiter bounds how many. */
		if (catalog_auth_event(c->st, name, "auth.fail", host, "Basic: unknown account or "
				       "wrong password", &err) < 0)
			ow_warn("admin API: cannot audit a failed login: %s", err.msg);
		unauthorized(c, "unknown account or wrong password");
		return -1;
	}
	auth_limiter_success(c->ctx->limiter, ukey);
	if (catalog_user_touch(c->st, c->who.name, &err) < 0)
		ow_warn("admin API: cannot record use of %s: %s", c->who.name, err.msg);
	c->is_admin = strcmp(c->who.role, "administrators") == 0;
	return 0;
}

/* ---- updates ----------------------------------------------------------------- */

struct upd_list {
	struct call *c;
	json_t *items;
	json_t *declined;       /* object: update id -> true */
	json_t *approvals;      /* object: update id -> array */
	const char *type;
	const char *q;
	int all_revisions;
	long long offset, limit, total;
};

static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (ow_strncasecmp(hay, needle, n) == 0)
			return 1;
	return n == 0;
}

static json_t *revision_json(const struct store_revision_row *r)
{
	return json_pack("{s:s, s:i, s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "update_id",
			 r->update_id, "revision", r->revision, "revision_id",
			 (json_int_t)r->revision_id, "type", r->type, "category_type", r->category_type,
			 "title", r->title, "kb", r->kb, "removable", r->removable, "deployable",
			 r->deployable, "latest", r->is_latest);
}

static int upd_cb(const struct store_revision_row *r, void *arg)
{
	struct upd_list *u = arg;
	json_t *j, *a;

	if (!u->all_revisions && !r->is_latest)
		return 0;
	if (u->type && ow_strncasecmp(u->type, r->type, strlen(u->type) + 1) != 0)
		return 0;
	if (u->q && !contains_ci(r->title, u->q) && !contains_ci(r->kb, u->q) &&
	    !contains_ci(r->update_id, u->q))
		return 0;
	u->total++;
	if (u->total <= u->offset || u->total > u->offset + u->limit)
		return 0;
	j = revision_json(r);
	if (j == NULL)
		return 1;
	json_object_set_new(j, "declined", json_boolean(json_object_get(u->declined, r->update_id) != NULL));
	a = json_object_get(u->approvals, r->update_id);
	json_object_set_new(j, "approvals", a ? json_incref(a) : json_array());
	json_array_append_new(u->items, j);
	return 0;
}

static int decl_cb(const struct store_decline_row *r, void *arg)
{
	json_object_set_new(arg, r->update_id, json_true());
	return 0;
}

static json_t *approval_json(const struct store_approval_row *a)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:b, s:s, s:s}", "update_id", a->update_id,
			 "group_id", a->group_id, "action", a->action, "deadline",
			 a->deadline[0] ? a->deadline : NULL, "apply_to_children", a->apply_to_children,
			 "approved_by", a->approved_by, "approved_at", a->approved_at);
}

static int appr_map_cb(const struct store_approval_row *a, void *arg)
{
	json_t *map = arg, *arr = json_object_get(map, a->update_id);

	if (arr == NULL) {
		arr = json_array();
		json_object_set_new(map, a->update_id, arr);
	}
	json_array_append_new(arr, approval_json(a));
	return 0;
}

static void list_updates(struct call *c)
{
	struct upd_list u = { .c = c };
	struct ow_err err = { 0 };
	char type[32], q[128], all[8];
	int rc;

	if (query_int(c, "offset", 0, 0, 1000000000, &u.offset) < 0 ||
	    query_int(c, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, &u.limit) < 0)
		return;
	if (query_get(c->req->query, "type", type, sizeof(type)) < 0 ||
	    query_get(c->req->query, "q", q, sizeof(q)) < 0 ||
	    query_get(c->req->query, "all_revisions", all, sizeof(all)) < 0) {
		admin_error(c, 400, "invalid", "malformed query");
		return;
	}
	u.type = query_get(c->req->query, "type", type, sizeof(type)) == 1 ? type : NULL;
	u.q = query_get(c->req->query, "q", q, sizeof(q)) == 1 ? q : NULL;
	u.all_revisions = query_get(c->req->query, "all_revisions", all, sizeof(all)) == 1 &&
			  strcmp(all, "true") == 0;
	u.items = json_array();
	u.declined = json_object();
	u.approvals = json_object();
	rc = catalog_declines(c->st, decl_cb, u.declined, &err);
	if (rc == 0)
		rc = catalog_approvals(c->st, NULL, appr_map_cb, u.approvals, &err);
	if (rc == 0)
		rc = catalog_revisions(c->st, NULL, upd_cb, &u, &err);
	json_decref(u.declined);
	json_decref(u.approvals);
	if (rc != 0) {
		json_decref(u.items);
		if (rc < 0)
			admin_fail(c, &err);
		else
			admin_error(c, 500, "internal", "out of memory");
		return;
	}
	admin_reply(c, 200, json_pack("{s:I, s:I, s:I, s:o}", "total", (json_int_t)u.total, "offset",
				(json_int_t)u.offset, "limit", (json_int_t)u.limit, "items", u.items));
}

struct upd_detail {
	struct call *c;
	json_t *revisions;
};

static int rel_cb(const struct store_rel_row *r, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:i, s:i, s:b}", "kind", r->kind, "update_id",
					     r->related_id, "revision", r->related_revision, "group",
					     r->grp, "is_category", r->is_category));
	return 0;
}

static int detail_cb(const struct store_revision_row *r, void *arg)
{
	struct upd_detail *d = arg;
	struct ow_err err = { 0 };
	json_t *j = revision_json(r), *rels = json_array();

	if (catalog_relations(d->c->st, r->revision_id, rel_cb, rels, &err) < 0) {
		json_decref(j);
		json_decref(rels);
		return -1;
	}
	json_object_set_new(j, "relations", rels);
	json_array_append_new(d->revisions, j);
	return 0;
}

static int appr_arr_cb(const struct store_approval_row *a, void *arg)
{
	json_array_append_new(arg, approval_json(a));
	return 0;
}

static int status_count_cb(const struct store_status_row *s, void *arg)
{
	json_t *counts = json_object_get(arg, "counts");
	const char *id = json_string_value(json_object_get(arg, "id"));

	if (strcmp(s->update_id, id) == 0) {
		json_int_t n = json_integer_value(json_object_get(counts, s->state));

		json_object_set_new(counts, s->state, json_integer(n + 1));
	}
	return 0;
}

static void get_update(struct call *c, const char *raw)
{
	struct upd_detail d = { .c = c, .revisions = NULL };
	struct ow_err err = { 0 };
	json_t *approvals, *declined, *sc;
	char id[37];

	if (updoc_guid_normalize(raw, id) < 0) {
		admin_error(c, 400, "invalid", "'%s' is not an update id", raw);
		return;
	}
	d.revisions = json_array();
	approvals = json_array();
	declined = json_object();

	if (catalog_revisions(c->st, id, detail_cb, &d, &err) != 0 ||
	    catalog_approvals(c->st, id, appr_arr_cb, approvals, &err) < 0 ||
	    catalog_declines(c->st, decl_cb, declined, &err) < 0) {
		json_decref(d.revisions);
		json_decref(approvals);
		json_decref(declined);
		admin_fail(c, &err);
		return;
	}
	if (json_array_size(d.revisions) == 0) {
		json_decref(d.revisions);
		json_decref(approvals);
		json_decref(declined);
		admin_error(c, 404, "not_found", "no update %s in the catalog", id);
		return;
	}
	sc = json_pack("{s:s, s:{}}", "id", id, "counts");
	if (catalog_statuses(c->st, status_count_cb, sc, &err) < 0) {
		json_decref(d.revisions);
		json_decref(approvals);
		json_decref(declined);
		json_decref(sc);
		admin_fail(c, &err);
		return;
	}
	admin_reply(c, 200, json_pack("{s:s, s:b, s:o, s:o, s:O}", "update_id", id, "declined",
				json_object_get(declined, id) != NULL, "revisions", d.revisions,
				"approvals", approvals, "status_counts", json_object_get(sc, "counts")));
	json_decref(declined);
	json_decref(sc);
}

/* ---- groups, computers ------------------------------------------------------- */

static int group_cb(const struct store_group_row *g, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s?}", "group_id", g->group_id, "name",
					     g->name, "parent_id", g->parent_id[0] ? g->parent_id : NULL));
	return 0;
}

static void list_groups(struct call *c)
{
	struct ow_err err = { 0 };
	json_t *items = json_array();

	if (catalog_groups(c->st, group_cb, items, &err) < 0) {
		json_decref(items);
		admin_fail(c, &err);
		return;
	}
	admin_reply(c, 200, json_pack("{s:o}", "items", items));
}

static void add_group(struct call *c)
{
	struct ow_err err = { 0 };
	const char *name, *parent;
	char id[37];

	if (admin_body(c) < 0 || (name = admin_str(c, "name", 1)) == NULL)
		return;
	parent = admin_str(c, "parent", 0);
	if (json_object_get(c->body, "parent") && !json_is_null(json_object_get(c->body, "parent")) &&
	    parent == NULL)
		return;
	if (catalog_group_add(c->st, name, parent, c->who.name, id, &err) < 0) {
		admin_fail(c, &err);
		return;
	}
	admin_reply(c, 201, json_pack("{s:s, s:s}", "group_id", id, "name", name));
}

struct comp_list {
	json_t *items;
	json_t *groups;     /* computer id -> array of group ids */
};

static int member_cb(const struct store_member_row *m, void *arg)
{
	json_t *map = arg, *arr = json_object_get(map, m->computer_id);

	if (arr == NULL) {
		arr = json_array();
		json_object_set_new(map, m->computer_id, arr);
	}
	json_array_append_new(arr, json_string(m->group_id));
	return 0;
}

static int computer_cb(const struct store_computer_row *r, void *arg)
{
	struct comp_list *l = arg;
	json_t *g = json_object_get(l->groups, r->computer_id);

	json_array_append_new(l->items, json_pack("{s:s, s:s, s:s, s:s, s:o}", "computer_id",
						  r->computer_id, "name", r->name, "os", r->os_description,
						  "last_contact", r->last_contact, "groups",
						  g ? json_incref(g) : json_array()));
	return 0;
}

static void list_computers(struct call *c)
{
	struct comp_list l = { json_array(), json_object() };
	struct ow_err err = { 0 };

	if (catalog_members(c->st, member_cb, l.groups, &err) < 0 ||
	    catalog_computers(c->st, computer_cb, &l, &err) < 0) {
		json_decref(l.items);
		json_decref(l.groups);
		admin_fail(c, &err);
		return;
	}
	json_decref(l.groups);
	admin_reply(c, 200, json_pack("{s:o}", "items", l.items));
}

static void assign_computer(struct call *c, const char *computer, const char *group, int member)
{
	struct ow_err err = { 0 };

	if (member) {
		if (admin_body(c) < 0 || (group = admin_str(c, "group", 1)) == NULL)
			return;
	}
	if (catalog_member_set(c->st, computer, group, member, c->who.name, &err) < 0) {
		admin_fail(c, &err);
		return;
	}
	admin_reply(c, 204, NULL);
}

/* ---- approvals, declines ------------------------------------------------------ */

static void list_approvals(struct call *c)
{
	struct ow_err err = { 0 };
	json_t *items = json_array();
	char id[64];
	int has = query_get(c->req->query, "update_id", id, sizeof(id));

	if (has < 0 || catalog_approvals(c->st, has == 1 ? id : NULL, appr_arr_cb, items, &err) < 0) {
		json_decref(items);
		if (has < 0)
			admin_error(c, 400, "invalid", "malformed update_id");
		else
			admin_fail(c, &err);
		return;
	}
	admin_reply(c, 200, json_pack("{s:o}", "items", items));
}

static void approve(struct call *c)
{
	struct ow_err err = { 0 };
	const char *id, *group, *action, *deadline;
	json_t *children;

	if (admin_body(c) < 0 || (id = admin_str(c, "update_id", 1)) == NULL ||
	    (group = admin_str(c, "group", 1)) == NULL || (action = admin_str(c, "action", 1)) == NULL)
		return;
	if (opt_str(c, "deadline", &deadline) < 0)
		return;
	children = json_object_get(c->body, "apply_to_children");
	if (children && !json_is_boolean(children)) {
		admin_error(c, 400, "invalid", "\"apply_to_children\" must be true or false");
		return;
	}
	if (catalog_approve(c->st, id, group, action, deadline, children ? json_is_true(children) : 1,
			    c->who.name, &err) < 0) {
		admin_fail(c, &err);
		return;
	}
	admin_reply(c, 201, json_pack("{s:s, s:s, s:s, s:s?}", "update_id", id, "group", group, "action",
				action, "deadline", deadline));
}

static void list_declines(struct call *c)
{
	struct ow_err err = { 0 };
	json_t *map = json_object(), *items = json_array();
	const char *k;
	json_t *v;

	if (catalog_declines(c->st, decl_cb, map, &err) < 0) {
		json_decref(map);
		json_decref(items);
		admin_fail(c, &err);
		return;
	}
	json_object_foreach(map, k, v)
		json_array_append_new(items, json_string(k));
	json_decref(map);
	admin_reply(c, 200, json_pack("{s:o}", "items", items));
}

static void decline(struct call *c, const char *id, int declined)
{
	struct ow_err err = { 0 };

	if (declined && (admin_body(c) < 0 || (id = admin_str(c, "update_id", 1)) == NULL))
		return;
	if (catalog_decline(c->st, id, declined, c->who.name, &err) < 0) {
		admin_fail(c, &err);
		return;
	}
	if (declined)
		admin_reply(c, 201, json_pack("{s:s}", "update_id", id));
	else
		admin_reply(c, 204, NULL);
}

/* ---- reports, users, audit ------------------------------------------------------- */

static int status_cb(const struct store_status_row *s, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s}", "computer_id", s->computer_id,
					     "update_id", s->update_id, "state", s->state,
					     "last_event", s->last_event));
	return 0;
}

static void list_status(struct call *c)
{
	struct ow_err err = { 0 };
	json_t *items = json_array();

	if (catalog_statuses(c->st, status_cb, items, &err) < 0) {
		json_decref(items);
		admin_fail(c, &err);
		return;
	}
	admin_reply(c, 200, json_pack("{s:o}", "items", items));
}

static int user_cb(const struct store_principal_row *p, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:b, s:s?, s:s?, s:s, s:s?}", "name", p->name,
					     "role", p->role, "local_password", p->password_hash[0] != 0,
					     "kerberos", p->kerberos[0] ? p->kerberos : NULL,
					     "cert_subject", p->cert_subject[0] ? p->cert_subject : NULL,
					     "created_at", p->created_at, "last_used",
					     p->last_used[0] ? p->last_used : NULL));
	return 0;
}

static void list_users(struct call *c)
{
	struct ow_err err = { 0 };
	json_t *items = json_array();

	if (catalog_users(c->st, user_cb, items, &err) < 0) {
		json_decref(items);
		admin_fail(c, &err);
		return;
	}
	admin_reply(c, 200, json_pack("{s:o}", "items", items));
}

static void add_user(struct call *c)
{
	struct ow_err err = { 0 };
	const char *name, *role, *password, *kerberos, *subject;
	char norm[128], hash[AUTH_HASH_MAX];

	if (admin_body(c) < 0 || (name = admin_str(c, "name", 1)) == NULL ||
	    (role = admin_str(c, "role", 1)) == NULL)
		return;
	if (opt_str(c, "password", &password) < 0 || opt_str(c, "kerberos", &kerberos) < 0 ||
	    opt_str(c, "cert_subject", &subject) < 0)
		return;
	if (auth_name_normalize(name, norm, sizeof(norm)) < 0) {
		admin_error(c, 400, "invalid", "a principal name is 1..64 of A-Z a-z 0-9 . _ - "
					       "with at most one '\\\\' or '@'");
		return;
	}
	if (password && auth_password_hash(password, hash, &err) < 0) {
		admin_fail(c, &err);
		return;
	}
	if (catalog_user_add(c->st, norm, role, password ? hash : NULL, kerberos, subject, c->who.name,
			     &err) < 0) {
		admin_fail(c, &err);
		return;
	}
	admin_reply(c, 201, json_pack("{s:s, s:s}", "name", norm, "role", role));
}

static int audit_cb(const struct store_audit_row *a, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
					     (json_int_t)a->entry_id, "at", a->at, "principal",
					     a->principal, "action", a->action, "target", a->target,
					     "detail", a->detail));
	return 0;
}

static void list_audit(struct call *c)
{
	struct ow_err err = { 0 };
	json_t *items = json_array();

	if (catalog_audit(c->st, audit_cb, items, &err) < 0) {
		json_decref(items);
		admin_fail(c, &err);
		return;
	}
	admin_reply(c, 200, json_pack("{s:o}", "items", items));
}

/* ---- routing ------------------------------------------------------------------ */

static void route(struct call *c)
{
	int get = c->req->method == HTTP_M_GET || c->req->method == HTTP_M_HEAD;
	int post = c->req->method == HTTP_M_POST;
	int del = c->req->method == HTTP_M_OTHER && strcmp(c->req->method_name, "DELETE") == 0;

	if (is(c, 1, "updates", NULL) && get)
		list_updates(c);
	else if (is(c, 2, "updates", NULL) && get)
		get_update(c, c->seg[1]);
	else if (is(c, 1, "groups", NULL) && get)
		list_groups(c);
	else if (is(c, 1, "groups", NULL) && post)
		add_group(c);
	else if (is(c, 2, "groups", NULL) && del) {
		struct ow_err err = { 0 };

		if (catalog_group_delete(c->st, c->seg[1], c->who.name, &err) < 0)
			admin_fail(c, &err);
		else
			admin_reply(c, 204, NULL);
	} else if (is(c, 1, "computers", NULL) && get)
		list_computers(c);
	else if (is(c, 3, "computers", "groups") && post)
		assign_computer(c, c->seg[1], NULL, 1);
	else if (c->nseg == 4 && strcmp(c->seg[0], "computers") == 0 && strcmp(c->seg[2], "groups") == 0 && del)
		assign_computer(c, c->seg[1], c->seg[3], 0);
	else if (is(c, 1, "approvals", NULL) && get)
		list_approvals(c);
	else if (is(c, 1, "approvals", NULL) && post)
		approve(c);
	else if (is(c, 1, "declines", NULL) && get)
		list_declines(c);
	else if (is(c, 1, "declines", NULL) && post)
		decline(c, NULL, 1);
	else if (is(c, 2, "declines", NULL) && del)
		decline(c, c->seg[1], 0);
	else if (is(c, 2, "reports", "status") && get)
		list_status(c);
	else if (is(c, 1, "users", NULL) && get)
		list_users(c);
	else if (is(c, 1, "users", NULL) && post)
		add_user(c);
	else if (is(c, 1, "audit", NULL) && get)
		list_audit(c);
	else if (is(c, 1, "uploads", NULL) && post)
		admin_upload_start(c);
	else if (is(c, 2, "uploads", NULL) && c->req->method == HTTP_M_OTHER &&
		 strcmp(c->req->method_name, "PUT") == 0)
		admin_upload_put(c, c->seg[1]);
	else if (is(c, 2, "uploads", NULL) && del)
		admin_upload_delete(c, c->seg[1]);
	else if (is(c, 1, "publications", NULL) && post)
		admin_publish(c);
	else
		admin_error(c, 404, "not_found", "no such API resource or method");
}

void admin_handle(struct http_request *req, struct http_response *res, void *arg)
{
	struct call c;
	struct ow_err err = { 0 };
	const char *p = req->subpath;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.res = res;
	c.ctx = arg;
	(void)http_res_header(res, "Cache-Control", "no-store");
	if (strncmp(p, API_PREFIX, strlen(API_PREFIX)) != 0 || split_path(&c, p + strlen(API_PREFIX)) < 0 ||
	    c.nseg == 0) {
		admin_error(&c, 404, "not_found", "the admin API lives under /ApiRemoting30/api/v1/");
		return;
	}
	if (c.nseg == 1 && strcmp(c.seg[0], "openapi.json") == 0 && req->method == HTTP_M_GET) {
		res->status = 200;
		(void)http_res_header(res, "Content-Type", "application/json");
		(void)http_res_body(res, admin_openapi_json, strlen(admin_openapi_json));
		return;
	}
	if (catalog_thread_store(c.ctx->store_url, c.ctx->data_dir, &c.st, &err) < 0) {
		admin_fail(&c, &err);
		return;
	}
	if (authenticate(&c) < 0)
		return;
	if (req->method != HTTP_M_GET && req->method != HTTP_M_HEAD && !c.is_admin) {
		ow_warn("admin API: reporter %s may not %s %s", c.who.name, req->method_name, req->path);
		admin_error(&c, 403, "forbidden", "WSUS Reporters have read-only access");
		return;
	}
	route(&c);
	json_decref(c.body);
}
