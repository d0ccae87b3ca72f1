/* SPDX-License-Identifier: MIT */
/*
 * The checks of `openwsus audit`, in the order of the hardening guide's
 * practices: SSL, server-to-server authentication, signed content,
 * permissions, the remote SQL server, the security groups and the firewall.
 * Each is a function of the audit_env that fills one item; the table at the
 * end is the checklist. Facts from other layers arrive in the env as plain
 * data (audit.h), so the rules here are the whole policy and can be tested
 * without a server, a certificate or a network.
 */
#include "audit/audit.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/time.h"
#include "base/util.h"

const char *const audit_tls_root[AUDIT_TLS_ROOTS] = {
	"SimpleAuthWebService", "DssAuthWebService", "ServerSyncWebService", "ApiRemoting30",
	"ClientWebService",
};
const char *const audit_tls_root_path[AUDIT_TLS_ROOTS] = {
	"/SimpleAuthWebService/SimpleAuth.asmx",
	"/DssAuthWebService/DssAuthWebService.asmx",
	"/ServerSyncWebService/ServerSyncWebService.asmx",
	"/ApiRemoting30/api/v1/updates",
	"/ClientWebService/client.asmx",
};

/* ---- text ---------------------------------------------------------------- */

/* Appends to buf (AUDIT_TEXT_MAX bytes); a text that does not fit is cut
 * and ends with "...". */
static void OW_PRINTF(2, 3) add(char *buf, const char *fmt, ...)
{
	size_t used = strlen(buf), room = AUDIT_TEXT_MAX - used;
	va_list ap;
	int n;

	if (room <= 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + used, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= room)
		memcpy(buf + AUDIT_TEXT_MAX - 4, "...", 4);
}

static void OW_PRINTF(3, 4) say(struct audit_item *it, enum audit_status s, const char *fmt, ...)
{
	va_list ap;
	int n;

	it->status = s;
	va_start(ap, fmt);
	n = vsnprintf(it->reason, sizeof(it->reason), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= sizeof(it->reason))
		memcpy(it->reason + sizeof(it->reason) - 4, "...", 4);
}

static void OW_PRINTF(2, 3) fix(struct audit_item *it, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(it->fix, sizeof(it->fix), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= sizeof(it->fix))
		memcpy(it->fix + sizeof(it->fix) - 4, "...", 4);
}

static enum audit_status worse(enum audit_status a, enum audit_status b)
{
	return a > b ? a : b;
}

/* path shown relative to the data directory when it is inside it. */
static const char *rel(const struct audit_env *env, const char *path)
{
	size_t n = strlen(env->cfg->data_dir);

	if (n && strncmp(path, env->cfg->data_dir, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

const char *audit_status_name(enum audit_status s)
{
	switch (s) {
	case AUDIT_PASS: return "PASS";
	case AUDIT_WARN: return "WARN";
	case AUDIT_FAIL: return "FAIL";
	}
	return "FAIL";
}

enum audit_status audit_worst(const struct audit_item *items, size_t n)
{
	enum audit_status w = AUDIT_PASS;

	for (size_t i = 0; i < n; i++)
		w = worse(w, items[i].status);
	return w;
}

int audit_exit_code(enum audit_status worst)
{
	switch (worst) {
	case AUDIT_PASS: return 0;
	case AUDIT_WARN: return 1;
	case AUDIT_FAIL: return 2;
	}
	return 2;
}

/* ---- addresses and database URLs ----------------------------------------- */

static enum audit_addr class4(const unsigned char a[4])
{
	if (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0)
		return AUDIT_ADDR_ANY;
	if (a[0] == 127)
		return AUDIT_ADDR_LOOPBACK;
	if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
	    (a[0] == 100 && (a[1] & 0xc0) == 64) || (a[0] == 169 && a[1] == 254))
		return AUDIT_ADDR_PRIVATE;
	return AUDIT_ADDR_PUBLIC;
}

static enum audit_addr class6(const unsigned char a[16])
{
	static const unsigned char zero[16], v4mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(a, zero, 16) == 0)
		return AUDIT_ADDR_ANY;
	if (memcmp(a, zero, 15) == 0 && a[15] == 1)
		return AUDIT_ADDR_LOOPBACK;
	if (memcmp(a, v4mapped, 12) == 0) {
		enum audit_addr c = class4(a + 12);

		return c == AUDIT_ADDR_ANY ? AUDIT_ADDR_PUBLIC : c;
	}
	if ((a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
		return AUDIT_ADDR_PRIVATE;
	return AUDIT_ADDR_PUBLIC;
}

/* A DNS host name, one label or more ("db", "db.example.com", one trailing
 * dot allowed); a last label of digits only is a mistyped address. */
static int is_hostname(const char *s)
{
	size_t label = 0;
	int digits = 1;

	if (*s == '\0' || strlen(s) > OW_MAX_FQDN + 1)
		return 0;
	for (; *s; s++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			if (s[1] == '\0')
				break;
			label = 0;
			digits = 1;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			   (*s >= '0' && *s <= '9') || *s == '-' || *s == '_') {
			if (++label > OW_MAX_LABEL)
				return 0;
			if (*s < '0' || *s > '9')
				digits = 0;
		} else {
			return 0;
		}
	}
	return !digits;
}

enum audit_addr audit_addr_class(const char *host)
{
	unsigned char a[16];
	char h[64];
	size_t n;

	if (host == NULL || *host == '\0')
		return AUDIT_ADDR_INVALID;
	n = strlen(host);
	if (host[0] == '[') {
		if (n < 3 || host[n - 1] != ']' || n - 2 >= sizeof(h))
			return AUDIT_ADDR_INVALID;
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
		return inet_pton(AF_INET6, h, a) == 1 ? class6(a) : AUDIT_ADDR_INVALID;
	}
	if (inet_pton(AF_INET, host, a) == 1)
		return class4(a);
	if (inet_pton(AF_INET6, host, a) == 1)
		return class6(a);
	if (ow_strncasecmp(host, "localhost", 10) == 0 || ow_strncasecmp(host, "localhost.", 11) == 0)
		return AUDIT_ADDR_LOOPBACK;
	return is_hostname(host) ? AUDIT_ADDR_NAME : AUDIT_ADDR_INVALID;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..len) into out (outlen); OW_EINVAL on a bad escape or
 * a NUL, OW_ELIMIT when it does not fit. */
static int pct_decode(const char *s, size_t len, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return OW_EINVAL;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return OW_EINVAL;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (o + 1 >= outlen)
			return OW_ELIMIT;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* Adds one "host[:port]" or "[v6][:port]" of the authority's host list. */
static int pg_add_host(struct audit_pg_url *u, const char *s, size_t len, struct ow_err *err)
{
	char *h;
	size_t hl = len;
	int rc;

	if (u->nhosts == AUDIT_PG_MAX_HOSTS)
		return ow_err_set(err, OW_ELIMIT, "more than %d hosts in the store url",
				  AUDIT_PG_MAX_HOSTS);
	h = u->host[u->nhosts];
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (close == NULL)
			return ow_err_set(err, OW_EINVAL, "store url: unclosed '[' in a host");
		hl = (size_t)(close - s) + 1;
		if (hl < len && s[hl] != ':')
			return ow_err_set(err, OW_EINVAL, "store url: text after ']' in a host");
	} else {
		const char *colon = memchr(s, ':', len);

		if (colon)
			hl = (size_t)(colon - s);
	}
	rc = pct_decode(s, hl, h, sizeof(u->host[0]));
	if (rc < 0)
		return ow_err_set(err, rc, "store url: bad or too long host");
	u->unix_socket[u->nhosts] = h[0] == '\0' || h[0] == '/';
	u->nhosts++;
	return 0;
}

int audit_pg_url_parse(const char *url, struct audit_pg_url *out, struct ow_err *err)
{
	const char *p, *auth_end, *at, *q;
	char key[32], val[256];
	int rc;

	memset(out, 0, sizeof(*out));
	if (strncmp(url, "postgresql://", 13) == 0)
		p = url + 13;
	else if (strncmp(url, "postgres://", 11) == 0)
		p = url + 11;
	else
		return ow_err_set(err, OW_EINVAL, "not a postgresql:// url");
	auth_end = p + strcspn(p, "/?#");
	/* user[:password]@ ends at the last '@' of the authority. */
	at = NULL;
	for (const char *c = p; c < auth_end; c++)
		if (*c == '@')
			at = c;
	if (at)
		p = at + 1;
	if (p == auth_end) {
		out->host[0][0] = '\0';
		out->unix_socket[0] = 1;
		out->nhosts = 1;
	}
	while (p < auth_end) {
		const char *comma = p;

		/* a ',' inside brackets is not a separator */
		while (comma < auth_end && *comma != ',') {
			if (*comma == '[') {
				const char *close = memchr(comma, ']', (size_t)(auth_end - comma));

				if (close == NULL)
					return ow_err_set(err, OW_EINVAL, "store url: unclosed '['");
				comma = close;
			}
			comma++;
		}
		if ((rc = pg_add_host(out, p, (size_t)(comma - p), err)) < 0)
			return rc;
		p = comma < auth_end ? comma + 1 : auth_end;
	}
	q = strchr(auth_end, '?');
	if (q == NULL)
		return 0;
	q++;
	while (*q && *q != '#') {
		size_t len = strcspn(q, "&#"), klen;
		const char *eq = memchr(q, '=', len);

		klen = eq ? (size_t)(eq - q) : len;
		if (pct_decode(q, klen, key, sizeof(key)) == 0 && eq) {
			rc = pct_decode(eq + 1, len - klen - 1, val, sizeof(val));
			if (rc < 0)
				return ow_err_set(err, rc, "store url: bad or too long value of %s", key);
			if (strcmp(key, "sslmode") == 0) {
				if (ow_strlcpy(out->sslmode, val, sizeof(out->sslmode)) < 0)
					return ow_err_set(err, OW_ELIMIT, "store url: sslmode too long");
			} else if (strcmp(key, "host") == 0) {
				/* host= replaces the authority's hosts (libpq: the parameter wins) */
				out->nhosts = 0;
				for (const char *h = val; *h;) {
					size_t hl = strcspn(h, ",");

					if ((rc = pg_add_host(out, h, hl, err)) < 0)
						return rc;
					h += hl;
					if (*h == ',')
						h++;
				}
			}
		}
		q += len;
		if (*q == '&')
			q++;
	}
	return 0;
}

/* ---- SSL ----------------------------------------------------------------- */

static void check_certificate(const struct audit_env *env, struct audit_item *it)
{
	const struct ow_config *cfg = env->cfg;

	if (env->tls.pair_rc < 0) {
		say(it, AUDIT_FAIL, "%s", env->tls.pair_msg);
		fix(it, "openwsus configuressl --data %s NAME [--cert F --key F]: NAME a FQDN the "
			"certificate covers (hardening guide, SSL: clients must use the server's FQDN)",
		    cfg->data_dir);
		return;
	}
	say(it, AUDIT_PASS, "%s is a FQDN; %s covers it, its key matches and it is valid now",
	    cfg->fqdn, rel(env, cfg->tls_cert));
}

static void check_chain(const struct audit_env *env, struct audit_item *it)
{
	const struct ow_config *cfg = env->cfg;

	if (env->tls.chain_rc == OW_ENOENT) {
		say(it, AUDIT_WARN, "not checked: no CA file at %s to verify the chain against",
		    rel(env, cfg->tls_ca));
		fix(it, "set [tls] ca to the root CA that issued %s", rel(env, cfg->tls_cert));
		return;
	}
	if (env->tls.chain_rc < 0) {
		say(it, AUDIT_FAIL, "%s", env->tls.chain_msg);
		fix(it, "put the leaf and every intermediate in %s, in order, and the root in %s",
		    rel(env, cfg->tls_cert), rel(env, cfg->tls_ca));
		return;
	}
	say(it, AUDIT_PASS, "%s (the leaf and the chain the server sends) verifies up to a root "
		"in %s", rel(env, cfg->tls_cert), rel(env, cfg->tls_ca));
}

static void check_expiry(const struct audit_env *env, struct audit_item *it)
{
	const char *cert = rel(env, env->cfg->tls_cert);

	if (env->tls.days_rc < 0) {
		say(it, AUDIT_FAIL, "cannot read the expiry of %s", cert);
		fix(it, "openwsus configuressl --data %s %s", env->cfg->data_dir, env->cfg->fqdn);
		return;
	}
	if (env->tls.days_left < 0) {
		say(it, AUDIT_FAIL, "%s has expired", cert);
	} else if (env->tls.days_left < AUDIT_CERT_WARN_DAYS) {
		say(it, AUDIT_WARN, "%s expires in %ld day(s) (less than %d)", cert,
		    env->tls.days_left, AUDIT_CERT_WARN_DAYS);
	} else {
		say(it, AUDIT_PASS, "%s expires in %ld days", cert, env->tls.days_left);
		return;
	}
	fix(it, "renew it: openwsus configuressl --data %s %s [--cert F --key F]",
	    env->cfg->data_dir, env->cfg->fqdn);
}

static void check_policy(const struct audit_env *env, struct audit_item *it)
{
	say(it, AUDIT_PASS,
	    "TLS 1.2 and 1.3 only, no compression, no renegotiation; TLS 1.2 ciphers %s; "
	    "TLS 1.3 suites %s", env->tls.ciphers12 ? env->tls.ciphers12 : "?",
	    env->tls.suites13 ? env->tls.suites13 : "?");
}

/* Is root TLS-required in the route table serve builds? -1: not routed. */
static int route_tls(const struct audit_env *env, const char *root)
{
	for (size_t i = 0; i < env->nroutes; i++)
		if (ow_strncasecmp(env->routes[i].root, root, sizeof(env->routes[i].root)) == 0)
			return env->routes[i].tls_required;
	return -1;
}

/* The route-table part of the TLS-roots check: appends what is wrong. */
static enum audit_status static_roots(const struct audit_env *env, char *bad)
{
	enum audit_status s = AUDIT_PASS;

	for (int i = 0; i < AUDIT_TLS_ROOTS; i++) {
		int t = route_tls(env, audit_tls_root[i]);

		if (t != 1) {
			add(bad, "%s/%s %s", s == AUDIT_PASS ? "" : ", ", audit_tls_root[i],
			    t < 0 ? "is not routed" : "does not require TLS");
			s = AUDIT_FAIL;
		}
	}
	return s;
}

static const char *not_running(const struct audit_env *env)
{
	return env->server.why_not[0] ? env->server.why_not : "the server is not running";
}

static void check_tls_roots(const struct audit_env *env, struct audit_item *it)
{
	const struct audit_server *sv = &env->server;
	char bad[AUDIT_TEXT_MAX] = "";
	enum audit_status s = static_roots(env, bad);

	if (s != AUDIT_PASS) {
		say(it, AUDIT_FAIL, "the route table of this build: %s", bad);
		fix(it, "this build is broken: the five roots must require TLS (src/cli/serve_routes.c)");
		return;
	}
	if (!sv->running) {
		say(it, AUDIT_WARN,
		    "not checked: %s; the route table of this build requires TLS on /SimpleAuthWebService, "
		    "/DssAuthWebService, /ServerSyncWebService, /ApiRemoting30 and /ClientWebService",
		    not_running(env));
		fix(it, "start 'openwsus serve --data %s' and run audit again", env->cfg->data_dir);
		return;
	}
	for (int i = 0; i < AUDIT_TLS_ROOTS; i++) {
		if (sv->roots[i].status < 0) {
			say(it, AUDIT_WARN, "not checked: cannot connect to the HTTP port %d on %s: %s",
			    sv->http_port, sv->probe_addr, sv->roots[i].detail);
			fix(it, "check that the server (pid %ld) listens on %s", sv->pid, sv->listen);
			return;
		}
	}
	for (int i = 0; i < AUDIT_TLS_ROOTS; i++) {
		const struct audit_probe *p = &sv->roots[i];

		if (p->status != 403 || !p->says_ssl) {
			add(bad, "%s%s answered %s", s == AUDIT_PASS ? "" : "; ", audit_tls_root_path[i],
			    p->detail[0] ? p->detail : "nothing");
			s = AUDIT_FAIL;
		}
	}
	if (s != AUDIT_PASS) {
		say(it, AUDIT_FAIL, "plain HTTP to the running server (pid %ld) on %s port %d: %s",
		    sv->pid, sv->probe_addr, sv->http_port, bad);
		fix(it, "restart the server with this build; a TLS-required root must answer 403 on HTTP");
		return;
	}
	say(it, AUDIT_PASS,
	    "the running server (pid %ld) refused plain HTTP on %s port %d with 403 \"SSL is "
	    "required\" for /SimpleAuthWebService, /DssAuthWebService, /ServerSyncWebService, "
	    "/ApiRemoting30 and /ClientWebService", sv->pid, sv->probe_addr, sv->http_port);
}

static void check_https_port(const struct audit_env *env, struct audit_item *it)
{
	const struct audit_server *sv = &env->server;

	if (!sv->running) {
		say(it, AUDIT_WARN, "not checked: %s; plain HTTP on the HTTPS port %d must get no HTTP "
			"answer", not_running(env), env->cfg->https_port);
		fix(it, "start 'openwsus serve --data %s' and run audit again", env->cfg->data_dir);
		return;
	}
	if (sv->https_plain.status > 0) {
		say(it, AUDIT_FAIL, "a plain HTTP request to the HTTPS port %d (%s) got an HTTP answer: %s",
		    sv->https_port, sv->probe_addr, sv->https_plain.detail);
		fix(it, "the HTTPS port must speak TLS only: check that nothing else listens on it");
		return;
	}
	if (sv->https_plain.status < 0) {
		say(it, AUDIT_WARN, "not checked: cannot connect to the HTTPS port %d on %s: %s",
		    sv->https_port, sv->probe_addr, sv->https_plain.detail);
		fix(it, "check that the server (pid %ld) listens on %s", sv->pid, sv->listen);
		return;
	}
	say(it, AUDIT_PASS, "a plain HTTP request to the HTTPS port %d (%s) got no HTTP answer (%s)",
	    sv->https_port, sv->probe_addr, sv->https_plain.detail);
}

static void check_admin_api(const struct audit_env *env, struct audit_item *it)
{
	const struct audit_server *sv = &env->server;
	int t = route_tls(env, "ApiRemoting30");

	if (t != 1) {
		say(it, AUDIT_FAIL, "the route table of this build %s /ApiRemoting30",
		    t < 0 ? "does not route" : "does not require TLS for");
		fix(it, "this build is broken: the admin API must require TLS (src/cli/serve_routes.c)");
		return;
	}
	if (!sv->running) {
		say(it, AUDIT_WARN, "not checked: %s; the route table requires TLS for /ApiRemoting30 "
			"and the administration verbs refuse http:// servers", not_running(env));
		fix(it, "start 'openwsus serve --data %s' and run audit again", env->cfg->data_dir);
		return;
	}
	if (sv->admin.status < 0) {
		say(it, AUDIT_WARN, "not checked: cannot connect to the HTTP port %d on %s: %s",
		    sv->http_port, sv->probe_addr, sv->admin.detail);
		fix(it, "check that the server (pid %ld) listens on %s", sv->pid, sv->listen);
		return;
	}
	if (sv->admin.status != 403 || !sv->admin.says_ssl) {
		say(it, AUDIT_FAIL, "GET %s over plain HTTP (%s port %d) answered %s",
		    AUDIT_ADMIN_PROBE_PATH, sv->probe_addr, sv->http_port,
		    sv->admin.detail[0] ? sv->admin.detail : "nothing");
		fix(it, "the admin console cannot be used safely over HTTP (hardening guide): restart "
			"the server with this build");
		return;
	}
	say(it, AUDIT_PASS, "GET %s over plain HTTP (%s port %d) got 403 \"SSL is required\"; the "
		"administration verbs refuse http:// servers", AUDIT_ADMIN_PROBE_PATH, sv->probe_addr,
	    sv->http_port);
}

/* ---- server-to-server ---------------------------------------------------- */

static void check_ss_anonymous(const struct audit_env *env, struct audit_item *it)
{
	(void)env;
	say(it, AUDIT_PASS,
	    "ServerSyncWebService answers no sync requests in this version (every call gets a SOAP "
	    "fault): no anonymous access, and no downstream server can sync; [serversync] "
	    "anonymous is not read yet");
}

static void check_ss_auth(const struct audit_env *env, struct audit_item *it)
{
	(void)env;
	say(it, AUDIT_WARN,
	    "not configurable yet: Negotiate and client-certificate authentication of downstream "
	    "servers ([serversync] auth) are not in this version; ServerSyncWebService serves no "
	    "sync, so no server is authenticated, anonymous or not");
	fix(it, "nothing to do today; when server-to-server sync lands, set [serversync] auth = "
		"negotiate, certificate and anonymous = false");
}

static void check_ss_allow(const struct audit_env *env, struct audit_item *it)
{
	(void)env;
	say(it, AUDIT_WARN,
	    "not configurable yet: [serversync] allow/deny are not read by this version; no "
	    "downstream server can sync today, but an absent or empty allow list will mean all "
	    "servers are allowed");
	fix(it, "when server-to-server sync lands, list the approved servers: [serversync] allow = "
		"DOMAIN\\server1, DOMAIN\\server2");
}

static void check_upstream(const struct audit_env *env, struct audit_item *it)
{
	(void)env;
	say(it, AUDIT_PASS,
	    "this version does not synchronize from an upstream server ('openwsus sync' is not "
	    "built; [upstream] is not read): no metadata is fetched without SSL or trusted "
	    "through the system store");
}

/* ---- signed content ------------------------------------------------------ */

#define NEED_STORE(env, it)                                                              \
	do {                                                                             \
		if ((env)->st == NULL) {                                                 \
			say(it, AUDIT_FAIL, "not checked: the store cannot be opened: %s",    \
			    (env)->store_error);                                         \
			fix(it, "fix [store] url in %s", (env)->cfg->path);              \
			return;                                                          \
		}                                                                        \
	} while (0)

struct origin_scan {
	const struct audit_env *env;
	long long total, remote;
	char list[AUDIT_TEXT_MAX];
};

static int origin_row(const struct store_origin_row *r, void *arg)
{
	struct origin_scan *o = arg;

	o->total++;
	if (o->env->origin_is_remote && o->env->origin_is_remote(r->origin)) {
		add(o->list, "%s%s r%d %s from '%s'", o->remote ? "; " : "", r->update_id, r->revision,
		    r->name, r->origin);
		o->remote++;
	}
	return 0;
}

static void check_origin(const struct audit_env *env, struct audit_item *it)
{
	struct origin_scan o = { .env = env };
	struct ow_err err = { 0 };

	NEED_STORE(env, it);
	if (store_origin_list(env->st, origin_row, &o, &err) < 0) {
		say(it, AUDIT_FAIL, "not checked: %s", err.msg);
		return;
	}
	if (o.remote) {
		say(it, AUDIT_FAIL, "%lld update file(s) with a remote origin (an installer run from "
			"a remote path is not protected by a signature): %s", o.remote, o.list);
		fix(it, "decline those updates and remove their revisions (openwsus decline, then "
			"cleanup); this version refuses such documents at import");
		return;
	}
	say(it, AUDIT_PASS, "no update file has a remote origin (%lld state a local origin); "
		"imports with one are refused", o.total);
}

struct pub_scan {
	long long total, unsigned_;
	char list[AUDIT_TEXT_MAX];
};

static int pub_row(const struct store_publication_row *r, void *arg)
{
	struct pub_scan *p = arg;

	p->total++;
	if (r->signature_len <= 0 || r->signer[0] == '\0') {
		add(p->list, "%s%s r%d (by %s at %s)", p->unsigned_ ? "; " : "", r->update_id,
		    r->revision, r->published_by, r->published_at);
		p->unsigned_++;
	}
	return 0;
}

/* Number of publications, or negative when the store cannot tell. */
static long long publication_count(const struct audit_env *env)
{
	struct pub_scan p = { 0 };

	if (env->st == NULL || store_publication_list(env->st, pub_row, &p, NULL) < 0)
		return -1;
	return p.total;
}

static void check_publications(const struct audit_env *env, struct audit_item *it)
{
	struct pub_scan p = { 0 };
	struct ow_err err = { 0 };

	NEED_STORE(env, it);
	if (store_publication_list(env->st, pub_row, &p, &err) < 0) {
		say(it, AUDIT_FAIL, "not checked: %s", err.msg);
		return;
	}
	if (p.unsigned_) {
		say(it, AUDIT_FAIL, "%lld local publication(s) without a publisher signature: %s",
		    p.unsigned_, p.list);
		fix(it, "decline those updates; publish again with 'openwsus publish --sign-cert "
			"--sign-key' (the server verifies the signature)");
		return;
	}
	if (p.total == 0)
		say(it, AUDIT_PASS, "no local publications");
	else
		say(it, AUDIT_PASS, "%lld local publication(s), each kept with the publisher signature "
			"it was accepted with", p.total);
}

/* Regular *.pem files in dir, or -1 when it cannot be read. */
static long count_pem(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		struct stat st;

		if (len > 4 && strcmp(e->d_name + len - 4, ".pem") == 0 &&
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
			n++;
	}
	closedir(d);
	return n;
}

static void check_publishers(const struct audit_env *env, struct audit_item *it)
{
	const char *dir = rel(env, env->cfg->publishers_dir);
	long certs = count_pem(env->cfg->publishers_dir);
	int why = errno;
	long long pubs = publication_count(env);

	if (pubs < 0) {
		say(it, AUDIT_FAIL, "not checked: the store cannot list publications%s%s",
		    env->st ? "" : ": ", env->st ? "" : env->store_error);
		return;
	}
	if (certs < 0) {
		say(it, pubs ? AUDIT_FAIL : AUDIT_WARN, "cannot read the trusted-publishers store %s: %s",
		    dir, strerror(why));
		fix(it, "mkdir -m 700 %s and put the publishers' certificates (PEM) in it",
		    env->cfg->publishers_dir);
		return;
	}
	if (pubs > 0 && certs == 0) {
		say(it, AUDIT_FAIL, "%lld local publication(s) but the trusted-publishers store (%s/) is "
			"empty", pubs, dir);
		fix(it, "put the certificate of each publisher you trust in %s",
		    env->cfg->publishers_dir);
		return;
	}
	if (certs == 0)
		say(it, AUDIT_PASS, "local publishing is not used; the trusted-publishers store (%s/) is "
			"empty, so every publication is refused", dir);
	else
		say(it, AUDIT_PASS, "%ld publisher certificate(s) in %s/; %lld local publication(s)",
		    certs, dir, pubs);
}

/* ---- permissions --------------------------------------------------------- */

/* The user that runs (or, started by this user, would run) the daemon:
 * started as root, serve becomes the configured service user. */
static uid_t service_uid(const struct audit_env *env)
{
	if (env->server.running)
		return env->server.uid;
	if (env->uid == 0 && env->service_known)
		return env->service_uid;
	return env->uid;
}

/* Checks path: it exists (unless missing_ok), is owned by uid and has none
 * of the mode bits in forbidden; each problem is appended to bad. */
static enum audit_status perm_path(const struct audit_env *env, const char *path, mode_t forbidden,
				   int missing_ok, char *bad)
{
	uid_t uid = service_uid(env);
	enum audit_status s = AUDIT_PASS;
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT && missing_ok)
			return AUDIT_PASS;
		add(bad, "%s%s: %s", bad[0] ? "; " : "", rel(env, path), strerror(errno));
		return AUDIT_FAIL;
	}
	if (S_ISLNK(st.st_mode) && stat(path, &st) < 0) {
		add(bad, "%s%s: dangling link", bad[0] ? "; " : "", rel(env, path));
		return AUDIT_FAIL;
	}
	if (st.st_mode & forbidden) {
		add(bad, "%s%s is mode %04o", bad[0] ? "; " : "", rel(env, path),
		    (unsigned)(st.st_mode & 07777));
		s = AUDIT_FAIL;
	}
	if (st.st_uid != uid) {
		add(bad, "%s%s is owned by uid %u, not the service user (uid %u)", bad[0] ? "; " : "",
		    rel(env, path), (unsigned)st.st_uid, (unsigned)uid);
		s = AUDIT_FAIL;
	}
	return s;
}

static void check_data_dir(const struct audit_env *env, struct audit_item *it)
{
	char bad[AUDIT_TEXT_MAX] = "";

	if (perm_path(env, env->cfg->data_dir, 077, 0, bad) != AUDIT_PASS) {
		say(it, AUDIT_FAIL, "%s", bad);
		fix(it, "chmod 700 %s and chown it to the user that runs openwsus", env->cfg->data_dir);
		return;
	}
	say(it, AUDIT_PASS, "%s is mode 0700, owned by uid %u", env->cfg->data_dir,
	    (unsigned)service_uid(env));
}

static void check_keys(const struct audit_env *env, struct audit_item *it)
{
	const struct ow_config *cfg = env->cfg;
	char bad[AUDIT_TEXT_MAX] = "", tls_dir[OW_MAX_PATH], path[OW_MAX_PATH];
	enum audit_status s = AUDIT_PASS;
	DIR *d;
	int n = 0;

	s = worse(s, perm_path(env, cfg->cookie_key, 077, 0, bad));
	s = worse(s, perm_path(env, cfg->tls_key, 077, 0, bad));
	s = worse(s, perm_path(env, cfg->tls_ca_key, 077, 1, bad));
	n = 2 + (access(cfg->tls_ca_key, F_OK) == 0);
	/* Every other key under DIR/tls (earlier configuressl pairs). */
	if (config_path(cfg->data_dir, "tls", tls_dir, sizeof(tls_dir)) == 0 &&
	    (d = opendir(tls_dir)) != NULL) {
		struct dirent *e;

		while ((e = readdir(d)) != NULL) {
			size_t len = strlen(e->d_name);

			if (len < 5 || strcmp(e->d_name + len - 4, ".key") != 0 ||
			    ow_fmt(path, sizeof(path), "%s/%s", tls_dir, e->d_name) < 0 ||
			    strcmp(path, cfg->tls_key) == 0 || strcmp(path, cfg->tls_ca_key) == 0)
				continue;
			s = worse(s, perm_path(env, path, 077, 0, bad));
			n++;
		}
		closedir(d);
	}
	if (s != AUDIT_PASS) {
		say(it, s, "%s", bad);
		fix(it, "chmod 600 each key and chown it to the user that runs openwsus");
		return;
	}
	say(it, AUDIT_PASS, "%d key file(s) (%s, %s, tls/*.key) are readable by their owner only "
		"(uid %u)", n, rel(env, cfg->cookie_key), rel(env, cfg->tls_key),
	    (unsigned)service_uid(env));
}

static void check_config(const struct audit_env *env, struct audit_item *it)
{
	char bad[AUDIT_TEXT_MAX] = "";
	struct stat st;

	if (perm_path(env, env->cfg->path, 022, 0, bad) != AUDIT_PASS) {
		say(it, AUDIT_FAIL, "%s", bad);
		fix(it, "chmod 600 %s and chown it to the user that runs openwsus", env->cfg->path);
		return;
	}
	if (stat(env->cfg->path, &st) == 0 && (st.st_mode & 044)) {
		say(it, AUDIT_WARN, "%s is readable by group or others (mode %04o)",
		    rel(env, env->cfg->path), (unsigned)(st.st_mode & 07777));
		fix(it, "chmod 600 %s", env->cfg->path);
		return;
	}
	say(it, AUDIT_PASS, "%s is mode 0600 or stricter, owned by uid %u", rel(env, env->cfg->path),
	    (unsigned)service_uid(env));
}

static void check_store_perm(const struct audit_env *env, struct audit_item *it)
{
	const char *url = env->cfg->store_url;
	char db[OW_MAX_PATH], side[OW_MAX_PATH + 8], bad[AUDIT_TEXT_MAX] = "";
	enum audit_status s;

	if (strncmp(url, "sqlite:", 7) != 0) {
		/* The URL is not shown: it may carry a password. */
		say(it, AUDIT_PASS, "the store is not a file in the data directory: see the Remote "
			"SQL Server line");
		return;
	}
	if (config_path(env->cfg->data_dir, url + 7, db, sizeof(db)) < 0) {
		say(it, AUDIT_FAIL, "store path too long");
		return;
	}
	s = perm_path(env, db, 077, 0, bad);
	if (ow_fmt(side, sizeof(side), "%s-wal", db) == 0)
		s = worse(s, perm_path(env, side, 077, 1, bad));
	if (ow_fmt(side, sizeof(side), "%s-shm", db) == 0)
		s = worse(s, perm_path(env, side, 077, 1, bad));
	if (s != AUDIT_PASS) {
		say(it, s, "%s (it holds password hashes and the audit trail)", bad);
		fix(it, "chmod 600 %s*; chown it to the user that runs openwsus", db);
		return;
	}
	say(it, AUDIT_PASS, "%s (and its -wal, -shm) are readable by their owner only",
	    rel(env, db));
}

struct walk {
	const struct audit_env *env;
	long long entries, bad_count;
	enum audit_status s;
	char bad[AUDIT_TEXT_MAX];
};

/* Walks dir (fd, owned by the caller) at most OW_AUDIT_WALK_DEPTH deep,
 * never following a link; each entry writable by group or others, or not
 * owned by the service user, is a problem. */
static void walk_dir(struct walk *w, int fd, const char *shown, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;

	if (d == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char path[OW_MAX_PATH];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISLNK(st.st_mode))
			continue;
		w->entries++;
		if (ow_fmt(path, sizeof(path), "%s/%s", shown, e->d_name) < 0)
			continue;
		if ((st.st_mode & 022) || st.st_uid != service_uid(w->env)) {
			if (w->bad_count++ < 4)
				add(w->bad, "%s%s (mode %04o, uid %u)", w->bad[0] ? "; " : "", path,
				    (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
			w->s = AUDIT_FAIL;
		}
		if (S_ISDIR(st.st_mode) && depth < OW_AUDIT_WALK_DEPTH) {
			int sub = openat(dirfd(d), e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0)
				walk_dir(w, sub, path, depth + 1);
		}
	}
	closedir(d);
}

/* Checks dir itself and everything under it. */
static void walk_tree(struct walk *w, const char *dir)
{
	int fd;

	if (perm_path(w->env, dir, 022, 0, w->bad) != AUDIT_PASS) {
		w->s = AUDIT_FAIL;
		w->bad_count++;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		walk_dir(w, fd, rel(w->env, dir), 1);
}

static void check_content(const struct audit_env *env, struct audit_item *it)
{
	struct walk w = { .env = env };

	walk_tree(&w, env->cfg->content_dir);
	if (w.s != AUDIT_PASS) {
		say(it, AUDIT_FAIL, "%lld entr%s in %s/ writable by group or others or not owned by "
			"the service user (uid %u): %s", w.bad_count, w.bad_count == 1 ? "y" : "ies",
		    rel(env, env->cfg->content_dir), (unsigned)service_uid(env), w.bad);
		fix(it, "chmod -R go-w %s; chown -R it to the user that runs openwsus",
		    env->cfg->content_dir);
		return;
	}
	say(it, AUDIT_PASS, "%s/ and its %lld entries are writable by their owner only (uid %u)",
	    rel(env, env->cfg->content_dir), w.entries, (unsigned)service_uid(env));
}

static void check_publishing_perm(const struct audit_env *env, struct audit_item *it)
{
	struct walk w = { .env = env };

	walk_tree(&w, env->cfg->publishers_dir);
	walk_tree(&w, env->cfg->uploads_dir);
	if (w.s != AUDIT_PASS) {
		say(it, AUDIT_FAIL, "%s (whoever can write the trusted-publishers store decides which "
			"updates are accepted)", w.bad);
		fix(it, "chmod -R go-w %s %s; chown -R them to the user that runs openwsus",
		    env->cfg->publishers_dir, env->cfg->uploads_dir);
		return;
	}
	say(it, AUDIT_PASS, "%s/ and %s/ are writable by their owner only (uid %u)",
	    rel(env, env->cfg->publishers_dir), rel(env, env->cfg->uploads_dir),
	    (unsigned)service_uid(env));
}

static void check_daemon_user(const struct audit_env *env, struct audit_item *it)
{
	if (env->server.running && env->server.uid == 0) {
		say(it, AUDIT_WARN, "the running server (pid %ld) runs as root", env->server.pid);
	} else if (!env->server.running && env->uid == 0 && !env->service_known) {
		say(it, AUDIT_WARN, "the service user '%s' does not exist: serve started as root "
			"refuses to start until it does", env->cfg->user);
		fix(it, "useradd --system --no-create-home --shell /usr/sbin/nologin %s; "
			"chown -R %s: %s", env->cfg->user, env->cfg->user, env->cfg->data_dir);
		return;
	} else if (!env->server.running && env->uid == 0) {
		say(it, AUDIT_PASS, "serve started as root binds its ports, then runs as '%s' "
			"(uid %u) for good", env->cfg->user, (unsigned)env->service_uid);
		return;
	} else {
		say(it, AUDIT_PASS, "the %s runs as uid %u, not root",
		    env->server.running ? "running server" : "user running audit (and serve)",
		    (unsigned)service_uid(env));
		return;
	}
	fix(it, "run as an unprivileged user that owns %s (with CAP_NET_BIND_SERVICE for ports "
		"below 1024)", env->cfg->data_dir);
}

/* ---- remote SQL server --------------------------------------------------- */

/* The listen addresses in force: the running server's, else the config's. */
static const char *listen_list(const struct audit_env *env)
{
	return env->server.running ? env->server.listen : env->cfg->listen;
}

/* Calls fn for each comma- or space-separated address of the listen list. */
static void each_listen(const char *list, void (*fn)(const char *addr, void *arg), void *arg)
{
	const char *p = list;

	while (*p) {
		char a[64];
		size_t len;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, ", ");
		if (len < sizeof(a)) {
			memcpy(a, p, len);
			a[len] = '\0';
			fn(a, arg);
		}
		p += len;
	}
}

static void facing_one(const char *addr, void *arg)
{
	enum audit_addr c = audit_addr_class(addr);

	if (c == AUDIT_ADDR_ANY || c == AUDIT_ADDR_PUBLIC)
		*(int *)arg = 1;
}

/* Listening on all addresses or a public one: may be reached from the
 * internet. */
static int internet_facing(const struct audit_env *env)
{
	int facing = 0;

	each_listen(listen_list(env), facing_one, &facing);
	return facing;
}

/* The class of a database host; names are resolved (every address must be
 * private or loopback). AUDIT_ADDR_INVALID when a name does not resolve. */
static enum audit_addr db_host_class(const char *host)
{
	enum audit_addr c = audit_addr_class(host), worst = AUDIT_ADDR_LOOPBACK;
	struct addrinfo hints = { 0 }, *ai = NULL;

	if (c != AUDIT_ADDR_NAME)
		return c;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &ai) != 0 || ai == NULL)
		return AUDIT_ADDR_INVALID;
	for (struct addrinfo *a = ai; a; a = a->ai_next) {
		enum audit_addr k = AUDIT_ADDR_PUBLIC;

		if (a->ai_family == AF_INET)
			k = class4((const unsigned char *)&((struct sockaddr_in *)a->ai_addr)->sin_addr);
		else if (a->ai_family == AF_INET6)
			k = class6(((struct sockaddr_in6 *)a->ai_addr)->sin6_addr.s6_addr);
		if (k == AUDIT_ADDR_PUBLIC || k == AUDIT_ADDR_ANY)
			worst = AUDIT_ADDR_PUBLIC;
		else if (k == AUDIT_ADDR_PRIVATE && worst == AUDIT_ADDR_LOOPBACK)
			worst = AUDIT_ADDR_PRIVATE;
	}
	freeaddrinfo(ai);
	return worst;
}

static void check_database(const struct audit_env *env, struct audit_item *it)
{
	const char *url = env->cfg->store_url;
	struct audit_pg_url u;
	struct ow_err err = { 0 };
	enum audit_status s = AUDIT_PASS;
	int facing = internet_facing(env), tls = 0;
	char bad[AUDIT_TEXT_MAX] = "";

	if (strncmp(url, "sqlite:", 7) == 0) {
		say(it, AUDIT_PASS, "embedded store on this host (SQLite, %s): no database server is "
			"reachable from the network", url + 7);
		return;
	}
	if (audit_pg_url_parse(url, &u, &err) < 0) {
		say(it, AUDIT_FAIL, "[store] url: %s", err.msg);
		fix(it, "use sqlite:store.db or a postgresql:// url");
		return;
	}
	tls = strcmp(u.sslmode, "verify-full") == 0;
	for (size_t i = 0; i < u.nhosts; i++) {
		const char *h = u.host[i][0] ? u.host[i] : "(default socket)";
		enum audit_addr c;

		if (u.unix_socket[i])
			continue;
		c = db_host_class(u.host[i]);
		if (c == AUDIT_ADDR_INVALID) {
			add(bad, "%shost %s does not resolve", bad[0] ? "; " : "", h);
			s = worse(s, AUDIT_WARN);
		} else if (c == AUDIT_ADDR_PUBLIC || c == AUDIT_ADDR_ANY) {
			add(bad, "%shost %s is a public address", bad[0] ? "; " : "", h);
			s = worse(s, facing ? AUDIT_FAIL : AUDIT_WARN);
		}
		if (!tls) {
			add(bad, "%s%s is reached over TCP without sslmode=verify-full", bad[0] ? "; " : "",
			    h);
			/* Loopback TCP crosses no network: a WARN, not a FAIL. */
			s = worse(s, facing && c != AUDIT_ADDR_LOOPBACK ? AUDIT_FAIL : AUDIT_WARN);
		}
	}
	if (s != AUDIT_PASS) {
		say(it, s, "PostgreSQL store; the server %s: %s",
		    facing ? "listens on a non-private address (internet-facing)"
			   : "listens on private addresses only", bad);
		fix(it, "keep the database on a private or loopback address that the internet cannot "
			"reach, and connect with sslmode=verify-full or through a Unix socket "
			"(hardening guide, Remote SQL Server)");
		return;
	}
	say(it, AUDIT_PASS, "PostgreSQL store on %s, %s", u.nhosts == 1 && u.unix_socket[0]
							     ? "a Unix socket"
							     : "private or loopback hosts",
	    tls ? "sslmode=verify-full" : "Unix sockets only");
}

/* ---- security groups ----------------------------------------------------- */

struct group_scan {
	int64_t cutoff;             /* idle: last used (or created) before this */
	long long admins, idle;
	char names[AUDIT_TEXT_MAX];
	char idle_list[AUDIT_TEXT_MAX];
};

static int admin_row(const struct store_principal_row *r, void *arg)
{
	struct group_scan *g = arg;

	if (strcmp(r->role, "administrators") == 0) {
		add(g->names, "%s%s", g->admins ? ", " : "", r->name);
		g->admins++;
	}
	return 0;
}

static void check_admins(const struct audit_env *env, struct audit_item *it)
{
	struct group_scan g = { 0 };
	struct ow_err err = { 0 };

	NEED_STORE(env, it);
	if (store_principal_list(env->st, admin_row, &g, &err) < 0) {
		say(it, AUDIT_FAIL, "not checked: %s", err.msg);
		return;
	}
	if (g.admins == 0)
		say(it, AUDIT_PASS, "no WSUS Administrators: nobody can change the catalog through the "
			"admin API (maintenance verbs on this host still can)");
	else
		say(it, AUDIT_PASS, "%lld WSUS Administrator(s): %s (only people who need to administer "
			"belong here)", g.admins, g.names);
}

static int idle_row(const struct store_principal_row *r, void *arg)
{
	struct group_scan *g = arg;
	const char *when = r->last_used[0] ? r->last_used : r->created_at;
	int64_t t = 0;

	if (ow_time_parse(when, &t) < 0 || t < g->cutoff) {
		add(g->idle_list, "%s%s (%s, %s %s)", g->idle ? ", " : "", r->name, r->role,
		    r->last_used[0] ? "last used" : "never used, created", when);
		g->idle++;
	}
	return 0;
}

static void check_idle(const struct audit_env *env, struct audit_item *it)
{
	struct group_scan g = { .cutoff = env->now - (int64_t)AUDIT_IDLE_DAYS * 86400 };
	struct ow_err err = { 0 };

	NEED_STORE(env, it);
	if (store_principal_list(env->st, idle_row, &g, &err) < 0) {
		say(it, AUDIT_FAIL, "not checked: %s", err.msg);
		return;
	}
	if (g.idle) {
		say(it, AUDIT_WARN, "%lld principal(s) not used for %d days: %s", g.idle,
		    AUDIT_IDLE_DAYS, g.idle_list);
		fix(it, "remove the principals nobody uses (this version has no 'user delete' yet)");
		return;
	}
	say(it, AUDIT_PASS, "every principal was used (or created) in the last %d days",
	    AUDIT_IDLE_DAYS);
}

struct change_scan {
	long long changes;
	char list[AUDIT_TEXT_MAX];
};

static int reporter_change(const struct store_audit_row *r, void *arg)
{
	struct change_scan *c = arg;

	if (strncmp(r->action, "auth.", 5) == 0)
		return 0; /* a failed login in their name is not a change they made */
	add(c->list, "%s%s %s %s at %s", c->changes ? "; " : "", r->principal, r->action, r->target,
	    r->at);
	c->changes++;
	return 0;
}

static void check_reporters(const struct audit_env *env, struct audit_item *it)
{
	struct change_scan c = { 0 };
	struct ow_err err = { 0 };

	NEED_STORE(env, it);
	if (store_audit_by_role(env->st, "reporters", reporter_change, &c, &err) < 0) {
		say(it, AUDIT_FAIL, "not checked: %s", err.msg);
		return;
	}
	if (c.changes) {
		say(it, AUDIT_FAIL, "the audit trail has %lld change(s) made by WSUS Reporters, who must "
			"have read-only access: %s", c.changes, c.list);
		fix(it, "find how these changes were made; a Reporter who must change things belongs "
			"in WSUS Administrators");
		return;
	}
	say(it, AUDIT_PASS, "WSUS Reporters have read-only access: the admin API answers 403 to any "
		"change they ask for, and the audit trail has no change made by one");
}

/* ---- firewall ------------------------------------------------------------ */

struct listen_scan {
	enum audit_status s;
	char text[AUDIT_TEXT_MAX];
};

static void listen_one(const char *addr, void *arg)
{
	struct listen_scan *l = arg;
	const char *what;

	switch (audit_addr_class(addr)) {
	case AUDIT_ADDR_ANY:
		what = strchr(addr, ':') ? "every IPv6 address of this host"
					 : "every IPv4 address of this host";
		l->s = worse(l->s, AUDIT_WARN);
		break;
	case AUDIT_ADDR_PUBLIC:
		what = "a public address";
		l->s = worse(l->s, AUDIT_WARN);
		break;
	case AUDIT_ADDR_LOOPBACK: what = "loopback"; break;
	case AUDIT_ADDR_PRIVATE: what = "private"; break;
	default: what = "not an address"; l->s = worse(l->s, AUDIT_WARN); break;
	}
	add(l->text, "%s%s (%s)", l->text[0] ? ", " : "", addr, what);
}

static void check_listen(const struct audit_env *env, struct audit_item *it)
{
	struct listen_scan l = { .s = AUDIT_PASS };
	int https = env->server.running ? env->server.https_port : env->cfg->https_port;
	int http = env->server.running ? env->server.http_port : env->cfg->http_port;

	each_listen(listen_list(env), listen_one, &l);
	say(it, l.s, "%s listens on %s, ports %d (HTTPS) and %d (HTTP)",
	    env->server.running ? "the running server" : "the configuration", l.text, https, http);
	if (l.s != AUDIT_PASS)
		fix(it, "hardening guide, Firewall: keep the server behind a firewall that lets only "
			"clients and downstream servers reach ports %d and %d, or listen on specific "
			"addresses ([server] listen)", https, http);
}

/* ---- the checklist ------------------------------------------------------- */

static const struct {
	const char *practice, *check;
	void (*fn)(const struct audit_env *env, struct audit_item *it);
} checks[] = {
	{ "SSL", "ssl.certificate", check_certificate },
	{ "SSL", "ssl.chain", check_chain },
	{ "SSL", "ssl.expiry", check_expiry },
	{ "SSL", "ssl.policy", check_policy },
	{ "SSL", "ssl.tls-roots", check_tls_roots },
	{ "SSL", "ssl.https-port", check_https_port },
	{ "SSL", "ssl.admin-api", check_admin_api },
	{ "Server-to-server", "serversync.anonymous", check_ss_anonymous },
	{ "Server-to-server", "serversync.auth", check_ss_auth },
	{ "Server-to-server", "serversync.allow-list", check_ss_allow },
	{ "Server-to-server", "upstream.sync", check_upstream },
	{ "Signed content", "signed.origin", check_origin },
	{ "Signed content", "signed.publications", check_publications },
	{ "Signed content", "signed.trusted-publishers", check_publishers },
	{ "Permissions", "perm.data-dir", check_data_dir },
	{ "Permissions", "perm.keys", check_keys },
	{ "Permissions", "perm.config", check_config },
	{ "Permissions", "perm.store", check_store_perm },
	{ "Permissions", "perm.content", check_content },
	{ "Permissions", "perm.publishing", check_publishing_perm },
	{ "Permissions", "perm.daemon-user", check_daemon_user },
	{ "Remote SQL Server", "database.remote", check_database },
	{ "Security groups", "groups.administrators", check_admins },
	{ "Security groups", "groups.idle", check_idle },
	{ "Security groups", "groups.reporters-write", check_reporters },
	{ "Firewall", "firewall.listen", check_listen },
};

_Static_assert(sizeof(checks) / sizeof(checks[0]) <= AUDIT_MAX_ITEMS, "AUDIT_MAX_ITEMS too small");

size_t audit_run(const struct audit_env *env, struct audit_item *items, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]) && n < max; i++) {
		struct audit_item *it = &items[n++];

		memset(it, 0, sizeof(*it));
		it->practice = checks[i].practice;
		it->check = checks[i].check;
		checks[i].fn(env, it);
	}
	return n;
}
