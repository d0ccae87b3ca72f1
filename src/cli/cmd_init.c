/* SPDX-License-Identifier: MIT */
/*
 * `openwsus init --data DIR [--fqdn NAME]`: a new data directory, secure by
 * default: mode 0700, configuration 0600, SQLite store (WAL, migrated), a
 * random cookie key (0600), a lab CA, its first revocation list and a
 * server certificate for NAME that names where that list is served. A
 * failure part-way removes what this run created.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fqdn.h"
#include "base/log.h"
#include "base/priv.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/serve.h"
#include "config/config.h"
#include "crypto/x509.h"
#include "store/store.h"

#define USAGE "openwsus init --data DIR [--fqdn NAME]"
#define COOKIE_KEY_BYTES 32
#define LAB_CERT_DAYS 397 /* the CA/Browser Forum's maximum lifetime */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The host's own FQDN, when it has a valid one. */
static int host_fqdn(char *out, size_t len)
{
	struct addrinfo hints = { 0 }, *ai = NULL;
	char host[256];
	int rc = OW_ENOENT;

	if (gethostname(host, sizeof(host)) < 0)
		return OW_EIO;
	host[sizeof(host) - 1] = '\0';
	if (ow_fqdn_check(host, NULL) == 0)
		return ow_strlcpy(out, host, len);
	hints.ai_flags = AI_CANONNAME;
	if (getaddrinfo(host, NULL, &hints, &ai) == 0 && ai && ai->ai_canonname &&
	    ow_fqdn_check(ai->ai_canonname, NULL) == 0)
		rc = ow_strlcpy(out, ai->ai_canonname, len);
	if (ai)
		freeaddrinfo(ai);
	return rc;
}

static int make_dir(const char *path, mode_t mode, struct ow_err *err)
{
	if (mkdir(path, mode) < 0)
		return ow_err_set(err, OW_EIO, "mkdir %s: %s", path, strerror(errno));
	if (chmod(path, mode) < 0) /* umask must not weaken it */
		return ow_err_set(err, OW_EIO, "chmod %s: %s", path, strerror(errno));
	return 0;
}

/* Run as root, init gives the directory to the service user and creates
 * everything in it as that user; without that user it says how to fix it. */
static int give_to_service_user(const char *dir, struct ow_err *err)
{
	struct ow_err lookup = { 0 };
	uid_t uid;
	gid_t gid;
	int acting, rc;

	if (geteuid() != 0)
		return 0;
	if (ow_priv_lookup(OW_DEFAULT_SERVICE_USER, NULL, &uid, &gid, &lookup) < 0) {
		fprintf(stderr, "openwsus init: warning: %s; %s stays root's until then "
				"(chown -R %s: %s)\n", lookup.msg, dir, OW_DEFAULT_SERVICE_USER,
			dir);
		return 0;
	}
	if (chown(dir, uid, gid) < 0)
		return ow_err_set(err, OW_EIO, "chown %s: %s", dir, strerror(errno));
	if ((rc = ow_priv_act_as_owner(dir, &acting, err)) < 0)
		return rc;
	if (faccessat(AT_FDCWD, dir, R_OK | W_OK | X_OK, AT_EACCESS) < 0)
		return ow_err_set(err, OW_EPERM, "the service user %s cannot reach %s (%s): a "
				  "directory above it is closed to that user; put the data "
				  "directory where it can (e.g. /var/lib/openwsus)",
				  OW_DEFAULT_SERVICE_USER, dir, strerror(errno));
	return 0;
}

static int init_dir(const char *dir, const char *fqdn, int *created, struct ow_err *err)
{
	struct ow_config cfg;
	struct store *st = NULL;
	unsigned char key[COOKIE_KEY_BYTES];
	char text[4096], path[OW_MAX_PATH], cn[OW_MAX_FQDN + 32], id[37], now[40];
	char crl_url[OW_MAX_FQDN + 64];
	int rc;

	if ((rc = make_dir(dir, 0700, err)) < 0)
		return rc;
	*created = 1;
	if ((rc = give_to_service_user(dir, err)) < 0)
		return rc;
	if ((rc = config_default_text(fqdn, text, sizeof(text))) < 0)
		return ow_err_set(err, rc, "configuration text too long");
	if ((rc = config_path(dir, OW_CONFIG_FILE, path, sizeof(path))) < 0)
		return ow_err_set(err, rc, "path too long");
	if ((rc = ow_write_file_atomic(path, text, strlen(text), 0600, err)) < 0)
		return rc;
	if ((rc = config_load(dir, &cfg, err)) < 0)
		return rc;
	if ((rc = config_path(dir, "tls", path, sizeof(path))) < 0 ||
	    (rc = make_dir(path, 0700, err)) < 0 ||
	    (rc = config_path(dir, "keys", path, sizeof(path))) < 0 ||
	    (rc = make_dir(path, 0700, err)) < 0 ||
	    (rc = make_dir(cfg.content_dir, 0755, err)) < 0 ||
	    (rc = make_dir(cfg.uploads_dir, 0700, err)) < 0 ||
	    (rc = make_dir(cfg.publishers_dir, 0700, err)) < 0)
		return rc < 0 && err->code == 0 ? ow_err_set(err, rc, "path too long") : rc;

	if (RAND_priv_bytes(key, sizeof(key)) != 1)
		return ow_err_set(err, OW_ECRYPTO, "no randomness for the cookie key");
	rc = ow_write_file_atomic(cfg.cookie_key, key, sizeof(key), 0600, err);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc < 0)
		return rc;

	snprintf(cn, sizeof(cn), "openwsus lab CA %.*s", 48, fqdn);
	if ((rc = x509_make_ca(cfg.tls_ca, cfg.tls_ca_key, cn, err)) < 0)
		return rc;
	/* The certificate names the CRL the server will serve on its HTTP
	 * port; the first list is signed now so it is there from the start. */
	if ((rc = serve_lab_crl_url(fqdn, config_port_pair(OW_DEFAULT_HTTPS_PORT), crl_url,
				    sizeof(crl_url))) < 0)
		return ow_err_set(err, rc, "no CRL URL for %s", fqdn);
	if ((rc = x509_issue_server_crl(cfg.tls_ca, cfg.tls_ca_key, fqdn, LAB_CERT_DAYS,
					cfg.tls_cert, cfg.tls_key, crl_url, err)) < 0 ||
	    (rc = serve_lab_crl_write(&cfg, err)) < 0)
		return rc;

	if ((rc = store_open(cfg.store_url, dir, &st, err)) < 0)
		return rc;
	ow_log_time(now, sizeof(now));
	if ((rc = ow_uuid4(id)) < 0)
		rc = ow_err_set(err, rc, "no randomness for the server id");
	else if ((rc = store_meta_set(st, "server_id", id, err)) == 0)
		rc = store_meta_set(st, "created_at", now, err);
	store_close(st);
	return rc;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "fqdn", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ow_err err = { 0 };
	const char *dir = NULL, *fqdn = NULL;
	char fq[OW_MAX_FQDN + 1];
	struct stat st;
	int c, rc, created = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'f': fqdn = optarg; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default: return cli_usage("init", USAGE, "bad option");
		}
	}
	if (dir == NULL || optind != argc)
		return cli_usage("init", USAGE, "--data DIR is required");
	if (fqdn == NULL) {
		if (host_fqdn(fq, sizeof(fq)) < 0) {
			ow_err_set(&err, OW_EINVAL,
				   "this host has no fully qualified name: pass --fqdn NAME "
				   "(clients and downstream servers must use the server's FQDN)");
			return cli_fail("init", &err);
		}
		fqdn = fq;
	}
	if (ow_fqdn_check(fqdn, &err) < 0)
		return cli_fail("init", &err);
	if (stat(dir, &st) == 0) {
		ow_err_set(&err, OW_EEXIST, "%s already exists: refusing to overwrite it", dir);
		return cli_fail("init", &err);
	}
	rc = init_dir(dir, fqdn, &created, &err);
	if (rc < 0) {
		if (created && ow_priv_act_as_invoker() == 0)
			nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		return cli_fail("init", &err);
	}
	printf("initialized %s\n"
	       "  server name  %s\n"
	       "  lab CA       %s/tls/ca.pem (install it in each client's trust store)\n"
	       "  ports        https=%d http=%d\n"
	       "  next         openwsus serve --data %s\n",
	       dir, fqdn, dir, OW_DEFAULT_HTTPS_PORT, config_port_pair(OW_DEFAULT_HTTPS_PORT), dir);
	return CLI_OK;
}
