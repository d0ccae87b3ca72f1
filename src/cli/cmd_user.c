/* SPDX-License-Identifier: MIT */
/*
 * `openwsus user add --data DIR NAME --role administrators|reporters
 *  [--kerberos PRINCIPAL] [--cert-subject SUBJECT]`: a member of one of the
 * two security groups of the hardening guide. A local account's password is
 * read from standard input (one line; never an argument), at least 12
 * characters, stored as an argon2id hash. With --kerberos or --cert-subject
 * the principal is mapped without a password.
 */
#include <getopt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth/password.h"
#include "auth/principal.h"
#include "catalog/catalog.h"
#include "cli/cli.h"
#include "config/config.h"
#include "store/store.h"

#define USAGE "openwsus user add --data DIR NAME --role administrators|reporters " \
	      "[--kerberos PRINCIPAL] [--cert-subject SUBJECT]   (password on stdin)"

/* Reads one line from stdin into buf, without echo on a terminal. */
static int read_password(char *buf, size_t len)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO);
	size_t n;

	if (tty) {
		fprintf(stderr, "password: ");
		if (tcgetattr(STDIN_FILENO, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		}
	}
	if (fgets(buf, (int)len, stdin) == NULL)
		buf[0] = '\0';
	if (tty) {
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == len - 1)
		return -1; /* longer than the buffer */
	buf[n] = '\0';
	return 0;
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "role", required_argument, NULL, 'r' },
		{ "kerberos", required_argument, NULL, 'k' },
		{ "cert-subject", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ow_config cfg;
	struct ow_err err = { 0 };
	struct store *st = NULL;
	const char *dir = NULL, *role = NULL, *krb = NULL, *subj = NULL;
	char name[128], pass[AUTH_PASSWORD_MAX + 2], hash[AUTH_HASH_MAX];
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return cli_usage("user", USAGE, "on this machine the user verb is 'add' (the others "
						"go through the admin API)");
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'r': role = optarg; break;
		case 'k': krb = optarg; break;
		case 's': subj = optarg; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default: return cli_usage("user add", USAGE, "bad option");
		}
	}
	if (dir == NULL || role == NULL || optind != argc - 1)
		return cli_usage("user add", USAGE, "--data DIR, NAME and --role are required");
	if (auth_role_parse(role) < 0)
		return cli_usage("user add", USAGE, "--role must be administrators or reporters");
	if (auth_name_normalize(argv[optind], name, sizeof(name)) < 0) {
		ow_err_set(&err, OW_EINVAL, "'%s' is not a principal name (1 to 64 of A-Z a-z 0-9 . _ -, "
					    "at most one '\\' or '@')", argv[optind]);
		return cli_fail("user add", &err);
	}
	if (config_load(dir, &cfg, &err) < 0)
		return cli_fail("user add", &err);
	if (krb == NULL && subj == NULL) {
		if (read_password(pass, sizeof(pass)) < 0) {
			OPENSSL_cleanse(pass, sizeof(pass));
			ow_err_set(&err, OW_EINVAL, "password longer than %d bytes", AUTH_PASSWORD_MAX);
			return cli_fail("user add", &err);
		}
		rc = auth_password_hash(pass, hash, &err);
		OPENSSL_cleanse(pass, sizeof(pass));
		if (rc < 0)
			return cli_fail("user add", &err);
	}
	if (store_open(cfg.store_url, dir, &st, &err) < 0)
		return cli_fail("user add", &err);
	rc = catalog_user_add(st, name, role, (krb || subj) ? NULL : hash, krb, subj, "local:user-add",
			      &err);
	store_close(st);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc < 0)
		return cli_fail("user add", &err);
	printf("added %s to %s\n", name, role);
	return CLI_OK;
}
