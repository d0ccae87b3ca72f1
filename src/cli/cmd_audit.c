/* SPDX-License-Identifier: MIT */
/*
 * `openwsus audit --data DIR [--json]`: the hardening guide's checklist for
 * a data directory, one line per check with PASS, WARN or FAIL, the reason
 * and the fix. Exit 0 when all pass, 1 on any WARN, 2 on any FAIL (a
 * configuration that cannot be read is a FAIL too). This file gathers the
 * facts the rules in src/audit/ need from the layers they may not use: the
 * certificate checks, the route table `serve` builds and a running server's
 * answers (cli/audit_live.c). It changes nothing.
 *
 *   WARN  Firewall           firewall.listen            the configuration listens on
 *         0.0.0.0 (every IPv4 address of this host) ... fix: hardening guide, Firewall: ...
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/priv.h"
#include "base/time.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "cli/audit_live.h"
#include "cli/cli.h"
#include "cli/serve.h"
#include "config/config.h"
#include "crypto/x509.h"
#include "http/tls.h"
#include "store/store.h"

#define USAGE "openwsus audit --data DIR [--json]"

/* The certificate facts, as src/crypto/x509.h judges them. */
static void gather_tls(const struct ow_config *cfg, struct audit_tls *t)
{
	struct ow_err err = { 0 };

	t->pair_rc = x509_check_pair(cfg->tls_cert, cfg->tls_key, cfg->fqdn, &err);
	snprintf(t->pair_msg, sizeof(t->pair_msg), "%s", err.msg);
	memset(&err, 0, sizeof(err));
	if (access(cfg->tls_ca, F_OK) < 0) {
		t->chain_rc = OW_ENOENT;
	} else {
		t->chain_rc = x509_chain_check(cfg->tls_cert, cfg->tls_ca, &err);
		snprintf(t->chain_msg, sizeof(t->chain_msg), "%s", err.msg);
	}
	t->days_rc = x509_leaf_days_left(cfg->tls_cert, &t->days_left, NULL);
	t->ciphers12 = http_tls_ciphers12;
	t->suites13 = http_tls_suites13;
}

/* The route table `serve` would build for this configuration. */
static void gather_routes(const struct ow_config *cfg, struct audit_env *env)
{
	struct serve_ctx ctx = { .cfg = *cfg, .content_fd = -1 };
	struct http_route routes[HTTP_MAX_ROUTES];
	size_t n;

	n = serve_routes(&ctx, routes);
	for (size_t i = 0; i < n && env->nroutes < AUDIT_MAX_ROUTES; i++) {
		struct audit_route *r = &env->routes[env->nroutes++];

		snprintf(r->root, sizeof(r->root), "%s", routes[i].root);
		r->tls_required = (routes[i].flags & HTTP_ROUTE_TLS_REQUIRED) != 0;
	}
}

/* Text for a terminal: control characters become '?'. */
static void clean(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 1 < len; in++)
		out[o++] = ((unsigned char)*in < 0x20 || *in == 0x7f) ? '?' : *in;
	out[o] = '\0';
}

static void print_text(const struct audit_item *items, size_t n)
{
	size_t count[3] = { 0 };

	for (size_t i = 0; i < n; i++) {
		char reason[AUDIT_TEXT_MAX], fixtext[AUDIT_TEXT_MAX];

		clean(items[i].reason, reason, sizeof(reason));
		clean(items[i].fix, fixtext, sizeof(fixtext));
		printf("%s  %-17s  %-25s  %s%s%s\n", audit_status_name(items[i].status),
		       items[i].practice, items[i].check, reason, fixtext[0] ? "; fix: " : "", fixtext);
		count[items[i].status]++;
	}
	printf("%zu checks: %zu pass, %zu warn, %zu fail\n", n, count[AUDIT_PASS], count[AUDIT_WARN],
	       count[AUDIT_FAIL]);
}

/* A JSON string of text; bytes that are not valid UTF-8 (a name cut by
 * "...", a hostile origin) become '?'. */
static json_t *jstr(const char *text)
{
	char buf[AUDIT_TEXT_MAX];
	json_t *j = json_string(text);

	if (j)
		return j;
	clean(text, buf, sizeof(buf));
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	return json_string(buf);
}

static int print_json(const char *dir, const struct audit_item *items, size_t n, int code)
{
	json_t *root = json_object(), *arr = json_array();
	size_t count[3] = { 0 };
	char *text = NULL;
	int rc = -1;

	if (root == NULL || arr == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		if (o == NULL || json_array_append_new(arr, o) < 0 ||
		    json_object_set_new(o, "practice", json_string(items[i].practice)) < 0 ||
		    json_object_set_new(o, "check", json_string(items[i].check)) < 0 ||
		    json_object_set_new(o, "status", json_string(audit_status_name(items[i].status))) < 0 ||
		    json_object_set_new(o, "reason", jstr(items[i].reason)) < 0 ||
		    json_object_set_new(o, "fix", jstr(items[i].fix)) < 0)
			goto out;
		count[items[i].status]++;
	}
	if (json_object_set_new(root, "data_dir", jstr(dir)) < 0 ||
	    json_object_set(root, "items", arr) < 0 ||
	    json_object_set_new(root, "pass", json_integer((json_int_t)count[AUDIT_PASS])) < 0 ||
	    json_object_set_new(root, "warn", json_integer((json_int_t)count[AUDIT_WARN])) < 0 ||
	    json_object_set_new(root, "fail", json_integer((json_int_t)count[AUDIT_FAIL])) < 0 ||
	    json_object_set_new(root, "exit", json_integer(code)) < 0)
		goto out;
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text == NULL)
		goto out;
	printf("%s\n", text);
	rc = 0;
out:
	free(text);
	json_decref(arr);
	json_decref(root);
	return rc;
}

static int output(const char *dir, const struct audit_item *items, size_t n, int json)
{
	int code = audit_exit_code(audit_worst(items, n));

	if (!json) {
		print_text(items, n);
	} else if (print_json(dir, items, n, code) < 0) {
		fprintf(stderr, "openwsus audit: out of memory\n");
		return 2;
	}
	return code;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct audit_env env = { 0 };
	struct audit_item items[AUDIT_MAX_ITEMS];
	struct ow_config cfg;
	struct ow_err err = { 0 };
	const char *dir = NULL;
	int c, json = 0, code;
	size_t n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default: return cli_usage("audit", USAGE, "bad option");
		}
	}
	if (dir == NULL || optind != argc)
		return cli_usage("audit", USAGE, "--data DIR is required");
	if ((c = cli_act_as_owner("audit", dir)) != CLI_OK)
		return c;
	memset(items, 0, sizeof(items));
	if (config_load(dir, &cfg, &err) < 0) {
		/* Nothing else can be judged without the configuration. */
		items[0].practice = err.code == OW_EPERM ? "Permissions" : "Configuration";
		items[0].check = err.code == OW_EPERM ? "perm.config" : "config.load";
		items[0].status = AUDIT_FAIL;
		snprintf(items[0].reason, sizeof(items[0].reason), "%s", err.msg);
		snprintf(items[0].fix, sizeof(items[0].fix), "%s",
			 err.code == OW_EPERM ? "chmod 600 the configuration file"
					      : "fix the configuration file, or run 'openwsus init'");
		return output(dir, items, 1, json);
	}

	env.cfg = &cfg;
	env.uid = getuid();
	{
		struct ow_err lookup = { 0 };
		gid_t gid;

		env.service_known = ow_priv_lookup(cfg.user, cfg.group, &env.service_uid, &gid,
						   &lookup) == 0;
	}
	env.now = ow_time_now();
	env.origin_is_remote = catalog_origin_is_remote;
	if (store_open(cfg.store_url, dir, &env.st, &err) < 0) {
		env.st = NULL;
		snprintf(env.store_error, sizeof(env.store_error), "%s", err.msg);
	}
	gather_tls(&cfg, &env.tls);
	gather_routes(&cfg, &env);
	audit_live_find(&cfg, &env.server);
	audit_live_probe(&cfg, &env.server);

	n = audit_run(&env, items, AUDIT_MAX_ITEMS);
	code = output(dir, items, n, json);
	store_close(env.st);
	return code;
}
