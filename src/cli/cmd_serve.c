/* SPDX-License-Identifier: MIT */
/*
 * `openwsus serve --data DIR [--https-port P] [--listen ADDR]`: checks the
 * configuration as the hardening guide asks before listening (a FQDN, a
 * certificate that covers it and is valid now, a key that matches), then
 * runs the HTTP server, giving up root once its ports are bound. SIGHUP re-reads the configuration and swaps the
 * TLS certificate without dropping connections (`configuressl` sends it).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fqdn.h"
#include "base/log.h"
#include "base/priv.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/serve.h"
#include "crypto/x509.h"
#include "store/store.h"

#define USAGE "openwsus serve --data DIR [--https-port P] [--listen ADDR[,ADDR...]] " \
	      "[--log-format text|json] [--user NAME]"
#define EXPIRY_WARN_DAYS 30

/* The checks both start-up and reload make on the TLS settings. */
static int check_tls(const struct ow_config *cfg, struct ow_err *err)
{
	char serial[80];
	struct stat st;
	long days = 0;
	int rc;

	if ((rc = ow_fqdn_check(cfg->fqdn, err)) < 0)
		return rc;
	if (stat(cfg->tls_key, &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)))
		return ow_err_set(err, OW_EPERM, "%s is writable by group or others: refusing it",
				  cfg->tls_key);
	if (stat(cfg->tls_key, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
		ow_warn("%s is readable by group or others: chmod 600 it", cfg->tls_key);
	if ((rc = x509_check_pair(cfg->tls_cert, cfg->tls_key, cfg->fqdn, err)) < 0)
		return rc;
	if (x509_leaf_days_left(cfg->tls_cert, &days, NULL) == 0 && days < EXPIRY_WARN_DAYS)
		ow_warn("certificate %s expires in %ld day(s): renew it with 'openwsus configuressl'",
			cfg->tls_cert, days);
	if (x509_leaf_serial(cfg->tls_cert, serial, sizeof(serial), NULL) == 0)
		ow_info("tls name=%s cert=%s serial=%s", cfg->fqdn, cfg->tls_cert, serial);
	return 0;
}

static void reload(void *arg)
{
	struct serve_ctx *ctx = arg;
	struct ow_config cfg;
	struct ow_err err = { 0 };

	if (config_load(ctx->cfg.data_dir, &cfg, &err) < 0 || check_tls(&cfg, &err) < 0 ||
	    http_tls_reload(ctx->tls, cfg.tls_cert, cfg.tls_key, cfg.tls_client_ca, &err) < 0) {
		ow_error("reload refused, keeping the current settings: %s", err.msg);
		return;
	}
	if (cfg.https_port != ctx->cfg.https_port || strcmp(cfg.listen, ctx->cfg.listen) != 0)
		ow_warn("port or listen address changed in %s: restart the server to apply it",
			cfg.path);
	/* Only the TLS settings are live; ports and routes keep their values. */
	memcpy(ctx->cfg.fqdn, cfg.fqdn, sizeof(cfg.fqdn));
	memcpy(ctx->cfg.tls_cert, cfg.tls_cert, sizeof(cfg.tls_cert));
	memcpy(ctx->cfg.tls_key, cfg.tls_key, sizeof(cfg.tls_key));
	ow_info("reloaded TLS settings for %s", cfg.fqdn);
}

/*
 * Started as root, serve runs as the service user once its ports are bound.
 * The data directory must already be that user's (init makes it so): what
 * the server writes must stay readable to it after the drop.
 */
static int check_service_user(const struct ow_config *cfg, struct ow_err *err)
{
	struct stat st;
	uid_t uid;
	gid_t gid;
	int rc;

	if (geteuid() != 0)
		return 0;
	if ((rc = ow_priv_lookup(cfg->user, cfg->group, &uid, &gid, err)) < 0)
		return rc;
	if (uid == 0)
		return ow_err_set(err, OW_EPERM, "[server] user = %s is root: name an "
				  "unprivileged user (the guide's least privilege)", cfg->user);
	if (stat(cfg->data_dir, &st) < 0)
		return ow_err_set(err, OW_EIO, "%s: %s", cfg->data_dir, strerror(errno));
	if (st.st_uid != uid)
		return ow_err_set(err, OW_EPERM, "%s belongs to uid %ld, not to the service user "
				  "%s: chown -R %s: %s", cfg->data_dir, (long)st.st_uid,
				  cfg->user, cfg->user, cfg->data_dir);
	return 0;
}

/* Every directory above the data must let the service user through (checked
 * with the effective ids: the owner's before the drop, the only ones after). */
static int reachable(const struct ow_config *cfg, struct ow_err *err)
{
	if (faccessat(AT_FDCWD, cfg->data_dir, R_OK | W_OK | X_OK, AT_EACCESS) < 0 ||
	    faccessat(AT_FDCWD, cfg->content_dir, R_OK | W_OK | X_OK, AT_EACCESS) < 0)
		return ow_err_set(err, OW_EPERM, "as %s, %s or %s is out of reach (%s): a directory "
				  "above it is closed to that user; keep the data where it can "
				  "reach it (e.g. /var/lib/openwsus)", cfg->user, cfg->data_dir,
				  cfg->content_dir, strerror(errno));
	return 0;
}

static int drop_root(void *arg, struct ow_err *err)
{
	struct serve_ctx *ctx = arg;
	int rc;

	if (geteuid() != 0 && getuid() != 0) {
		ow_info("running as uid %ld: no privileges to drop", (long)getuid());
		return 0;
	}
	if (ow_priv_act_as_invoker() < 0)
		return ow_err_set(err, OW_EPERM, "cannot regain root to drop it: %s",
				  strerror(errno));
	if ((rc = ow_priv_drop(ctx->cfg.user, ctx->cfg.group, err)) < 0)
		return rc;
	if ((rc = reachable(&ctx->cfg, err)) < 0)
		return rc;
	ow_info("running as %s (uid %ld gid %ld); root given up", ctx->cfg.user,
		(long)getuid(), (long)getgid());
	return 0;
}

static int write_pidfile(const char *dir, char *path, size_t len, struct ow_err *err)
{
	char text[32];

	if (ow_fmt(path, len, "%s/openwsus.pid", dir) < 0)
		return ow_err_set(err, OW_ELIMIT, "path too long");
	snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	return ow_write_file_atomic(path, text, strlen(text), 0600, err);
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "https-port", required_argument, NULL, 'p' },
		{ "listen", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct serve_ctx ctx = { .content_fd = -1, .crl_lock = PTHREAD_MUTEX_INITIALIZER };
	struct http_route routes[HTTP_MAX_ROUTES];
	struct http_server_config hc = { 0 };
	struct ow_err err = { 0 };
	struct store *st = NULL;
	const char *dir = NULL, *listen = NULL, *user = NULL;
	char pidfile[OW_MAX_PATH] = "";
	int wusp_ready = 0, acting = 0;
	long long port = 0;
	int log_format = -1;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'p':
			if (ow_parse_ll(optarg, 2, 65535, &port) < 0)
				return cli_usage("serve", USAGE, "--https-port must be 2..65535");
			break;
		case 'l': listen = optarg; break;
		case 'u': user = optarg; break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				log_format = 1;
			else if (strcmp(optarg, "text") == 0)
				log_format = 0;
			else
				return cli_usage("serve", USAGE, "--log-format is text or json");
			break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default: return cli_usage("serve", USAGE, "bad option");
		}
	}
	if (dir == NULL || optind != argc)
		return cli_usage("serve", USAGE, "--data DIR is required");
	if ((rc = config_load(dir, &ctx.cfg, &err)) < 0)
		return cli_fail("serve", &err);
	ow_log_set_json(log_format >= 0 ? log_format : ctx.cfg.log_json);
	if (port) {
		ctx.cfg.https_port = (int)port;
		ctx.cfg.http_port = config_port_pair((int)port);
	}
	if (listen && ow_strlcpy(ctx.cfg.listen, listen, sizeof(ctx.cfg.listen)) < 0)
		return cli_usage("serve", USAGE, "--listen too long");
	if (user && ow_strlcpy(ctx.cfg.user, user, sizeof(ctx.cfg.user)) < 0)
		return cli_usage("serve", USAGE, "--user too long");
	if (ctx.cfg.http_port < 1) {
		ow_err_set(&err, OW_EINVAL, "https port %d leaves no HTTP port below it",
			   ctx.cfg.https_port);
		return cli_fail("serve", &err);
	}
	if ((rc = check_service_user(&ctx.cfg, &err)) < 0 ||
	    (rc = check_tls(&ctx.cfg, &err)) < 0)
		goto fail;
	/* The TLS key is read with the invoker's rights, now; what serve
	 * creates in the data directory is the service user's. */
	if ((rc = http_tls_new(ctx.cfg.tls_cert, ctx.cfg.tls_key, ctx.cfg.tls_client_ca, &ctx.tls,
			       &err)) < 0)
		goto fail;
	if ((rc = ow_priv_act_as_owner(dir, &acting, &err)) < 0 ||
	    (acting && (rc = reachable(&ctx.cfg, &err)) < 0))
		goto fail;
	if ((rc = store_open(ctx.cfg.store_url, dir, &st, &err)) < 0)
		goto fail;
	store_close(st);
	ctx.content_fd = open(ctx.cfg.content_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ctx.content_fd < 0) {
		rc = ow_err_set(&err, OW_EIO, "content directory %s: %s", ctx.cfg.content_dir,
				strerror(errno));
		goto fail;
	}
	if ((rc = write_pidfile(dir, pidfile, sizeof(pidfile), &err)) < 0)
		goto fail;
	if ((rc = wusp_ctx_init(&ctx.wusp, ctx.cfg.store_url, dir, ctx.cfg.cookie_key, ctx.cfg.fqdn,
				ctx.cfg.https_port, ctx.cfg.client_targeting, &err)) < 0)
		goto fail;
	ctx.wusp.content_port = ctx.cfg.http_port;
	wusp_ready = 1;
	ctx.admin.store_url = ctx.cfg.store_url;
	ctx.admin.data_dir = dir;
	ctx.admin.content_dir = ctx.cfg.content_dir;
	ctx.admin.uploads_dir = ctx.cfg.uploads_dir;
	ctx.admin.publishers_dir = ctx.cfg.publishers_dir;
	ctx.admin.limiter = auth_limiter_new();
	if (ctx.admin.limiter == NULL) {
		rc = ow_err_set(&err, OW_ENOMEM, "out of memory");
		goto fail;
	}

	hc.listen = ctx.cfg.listen;
	hc.https_port = ctx.cfg.https_port;
	hc.http_port = ctx.cfg.http_port;
	hc.workers = ctx.cfg.workers;
	hc.max_connections = ctx.cfg.max_connections;
	hc.routes = routes;
	hc.nroutes = serve_routes(&ctx, routes);
	hc.tls = ctx.tls;
	hc.reload = reload;
	hc.reload_arg = &ctx;
	hc.after_bind = drop_root;
	hc.after_bind_arg = &ctx;
	hc.plain_only_hint = "update files travel on the HTTP port and are verified by the "
			     "digests in the HTTPS metadata (set content_over_https = true to allow)";
	/* Ports below 1024 need root's rights for the bind; drop_root follows. */
	if (acting && ow_priv_act_as_invoker() < 0) {
		rc = ow_err_set(&err, OW_EPERM, "cannot regain root to bind: %s", strerror(errno));
		goto fail;
	}
	rc = http_server_run(&hc, &err);
fail:
	if (pidfile[0])
		unlink(pidfile);
	if (ctx.content_fd >= 0)
		close(ctx.content_fd);
	http_tls_free(ctx.tls);
	auth_limiter_free(ctx.admin.limiter);
	if (wusp_ready)
		wusp_ctx_release(&ctx.wusp);
	return rc < 0 ? cli_fail("serve", &err) : CLI_OK;
}
