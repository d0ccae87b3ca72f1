/* SPDX-License-Identifier: MIT */
/*
 * `openwsus configuressl --data DIR NAME [--cert F --key F] [--port P]`, as
 * `wsusutil configuressl NAME`: NAME must be a FQDN that the certificate
 * covers, the key must match it and it must be valid now. The certificate
 * and key are copied into DIR/tls/ under new names (key 0600) and the
 * configuration then points at them in one atomic write, so a crash leaves
 * either the old pair or the new one in force. Without --cert a new
 * certificate is issued from the lab CA, naming the lab CRL on the HTTP
 * port in force, and that CRL is signed anew. A running server is told to
 * re-initialize (SIGHUP).
 */
#include <errno.h>
#include <getopt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fqdn.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/serve.h"
#include "config/config.h"
#include "crypto/x509.h"

#define USAGE "openwsus configuressl --data DIR NAME [--cert FILE --key FILE] [--port P]"
#define LAB_CERT_DAYS 397
#define MAX_PEM (1024 * 1024)

static int copy_file(const char *from, const char *to, mode_t mode, int secret,
		     struct ow_err *err)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	cli_input_begin();
	rc = ow_read_file(from, MAX_PEM, &data, &len, err);
	cli_input_end();
	if (rc < 0)
		return rc;
	rc = ow_write_file_atomic(to, data, len, mode, err);
	if (secret)
		OPENSSL_cleanse(data, len);
	free(data);
	return rc;
}

/* Removes a previous certificate or key if it was one of ours in tls/. */
static void remove_old(const char *dir, const char *old, const char *now)
{
	char tls[OW_MAX_PATH];

	if (strcmp(old, now) == 0 || ow_fmt(tls, sizeof(tls), "%s/tls/server-", dir) < 0)
		return;
	if (strncmp(old, tls, strlen(tls)) == 0)
		unlink(old);
}

int cmd_configuressl(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "port", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ow_config cfg;
	struct ow_err err = { 0 };
	const char *dir = NULL, *cert = NULL, *key = NULL, *name;
	char stamp[32], ncert[OW_MAX_PATH], nkey[OW_MAX_PATH], serial[80], portbuf[16];
	char crl_url[OW_MAX_FQDN + 64];
	struct stat st;
	long long port = 0;
	int c, rc, pid;
	time_t now = time(NULL);
	struct tm tm;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'p':
			if (ow_parse_ll(optarg, 2, 65535, &port) < 0)
				return cli_usage("configuressl", USAGE, "--port must be 2..65535");
			break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default: return cli_usage("configuressl", USAGE, "bad option");
		}
	}
	if (dir == NULL || optind != argc - 1)
		return cli_usage("configuressl", USAGE, "--data DIR and NAME are required");
	if ((cert == NULL) != (key == NULL))
		return cli_usage("configuressl", USAGE, "--cert and --key go together");
	name = argv[optind];
	if (ow_fqdn_check(name, &err) < 0)
		return cli_fail("configuressl", &err);
	if ((rc = cli_act_as_owner("configuressl", dir)) != CLI_OK)
		return rc;
	if (config_load(dir, &cfg, &err) < 0)
		return cli_fail("configuressl", &err);

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	if (ow_fmt(ncert, sizeof(ncert), "%s/tls/server-%s-%ld.pem", dir, stamp, (long)getpid()) < 0 ||
	    ow_fmt(nkey, sizeof(nkey), "%s/tls/server-%s-%ld.key", dir, stamp, (long)getpid()) < 0) {
		ow_err_set(&err, OW_ELIMIT, "path too long");
		return cli_fail("configuressl", &err);
	}
	if (cert) {
		if (stat(key, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
			fprintf(stderr, "openwsus configuressl: warning: %s is readable by others; "
					"the copy in %s/tls is 0600\n", key, dir);
		cli_input_begin();
		rc = x509_check_pair(cert, key, name, &err);
		cli_input_end();
		if (rc < 0)
			return cli_fail("configuressl", &err);
		if ((rc = copy_file(cert, ncert, 0644, 0, &err)) < 0 ||
		    (rc = copy_file(key, nkey, 0600, 1, &err)) < 0)
			goto fail;
	} else {
		if (stat(cfg.tls_ca_key, &st) < 0) {
			ow_err_set(&err, OW_ENOENT, "no lab CA key at %s: give --cert and --key",
				   cfg.tls_ca_key);
			return cli_fail("configuressl", &err);
		}
		/* The CRL URL uses the HTTP port the server will have: the one
		 * --port makes, else the configured one. */
		if ((rc = serve_lab_crl_url(name, port ? config_port_pair((int)port) : cfg.http_port,
					    crl_url, sizeof(crl_url))) < 0) {
			ow_err_set(&err, rc, "no CRL URL for %s", name);
			goto fail;
		}
		if ((rc = x509_issue_server_crl(cfg.tls_ca, cfg.tls_ca_key, name, LAB_CERT_DAYS,
						ncert, nkey, crl_url, &err)) < 0 ||
		    (rc = serve_lab_crl_write(&cfg, &err)) < 0)
			goto fail;
	}
	/* Verify what is now on disk, then switch the configuration to it. */
	if ((rc = x509_check_pair(ncert, nkey, name, &err)) < 0)
		goto fail;
	if ((rc = config_set(cfg.path, "tls", "cert", ncert, &err)) < 0 ||
	    (rc = config_set(cfg.path, "tls", "key", nkey, &err)) < 0 ||
	    (rc = config_set(cfg.path, "server", "fqdn", name, &err)) < 0)
		goto fail;
	if (port) {
		snprintf(portbuf, sizeof(portbuf), "%lld", port);
		if ((rc = config_set(cfg.path, "server", "https_port", portbuf, &err)) < 0)
			goto fail;
	}
	remove_old(dir, cfg.tls_cert, ncert);
	remove_old(dir, cfg.tls_key, nkey);
	if (x509_leaf_serial(ncert, serial, sizeof(serial), NULL) < 0)
		strcpy(serial, "?");
	printf("configured %s: certificate %s (serial %s)\n", name, ncert, serial);
	if (port)
		printf("ports: https=%lld http=%d (restart the server to listen on them)\n", port,
		       config_port_pair((int)port));
	pid = cli_signal_server(dir, &err);
	if (pid > 0)
		printf("re-initialized the running server (pid %d)\n", pid);
	else if (pid < 0)
		fprintf(stderr, "openwsus configuressl: %s\n", err.msg);
	return CLI_OK;
fail:
	/* The configuration still points at the previous pair: the new files are
	 * unused; remove them. A crash between the two config writes (cert then
	 * key) leaves a mismatch that serve refuses with a clear message. */
	unlink(ncert);
	unlink(nkey);
	return cli_fail("configuressl", &err);
}
