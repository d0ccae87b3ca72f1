/* SPDX-License-Identifier: MIT */
/*
 * The members of the two security groups of the hardening guide.
 *
 * `openwsus user add --data DIR NAME --role administrators|reporters
 *  [--kerberos PRINCIPAL] [--cert-subject SUBJECT]` is the maintenance form,
 * on the server's own data directory (how the first administrator is made).
 * A local account's password is read from standard input (one line; never
 * an argument), at least 12 characters, stored as an argon2id hash. With
 * --kerberos or --cert-subject the principal is mapped without a password.
 *
 * `openwsus user list|create NAME --role R [--kerberos P] [--cert-subject S]`
 * with --server/--ca/--user are clients of the admin API (GET and POST
 * /users). For create, the administrator's own password comes first
 * (OPENWSUS_PASSWORD, or else the first line of stdin), then the new
 * user's password as the next line of stdin.
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
#include "cli/apiclient.h"
#include "cli/cli.h"
#include "cli/table.h"
#include "config/config.h"
#include "store/store.h"

#define USAGE "openwsus user add --data DIR NAME --role administrators|reporters " \
	      "[--kerberos PRINCIPAL] [--cert-subject SUBJECT]   (password on stdin)"
#define API_USAGE "openwsus user list|create NAME --role administrators|reporters " \
		  "[--kerberos PRINCIPAL] [--cert-subject SUBJECT] " API_CLIENT_USAGE \
		  "   (your password: OPENWSUS_PASSWORD or stdin line 1; the new user's: next stdin line)"

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

static int user_add(int argc, char **argv)
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
	if ((rc = cli_act_as_owner("user add", dir)) != CLI_OK)
		return rc;
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

/* ---- admin API forms ------------------------------------------------------- */

/* Appends ", " (unless first), a and b to the SIGN-IN cell; a cell too
 * long for out keeps what fits. */
static void sign_in_add(char *out, size_t len, const char *a, const char *b)
{
	size_t n = strlen(out);

	(void)snprintf(out + n, len - n, "%s%s%s", n ? ", " : "", a, b);
}

static int user_list(struct api_client *c, const struct api_opts *o, struct ow_err *err)
{
	static const char *const head[] = { "NAME", "ROLE", "SIGN-IN", "CREATED", "LAST_USED" };
	struct cli_table *t = NULL;
	json_t *reply = NULL, *u;
	long status;
	size_t i;
	int rc;

	if ((rc = api_call(c, "GET", "users", NULL, &status, &reply, err)) < 0)
		return rc;
	if (o->json) {
		api_print_json(reply);
		goto out;
	}
	if ((t = cli_table_new(head, 5)) == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory");
		goto out;
	}
	json_array_foreach(json_object_get(reply, "items"), i, u) {
		const char *krb = api_str(u, "kerberos");
		char how[256] = "";
		const char *row[5] = { api_str(u, "name"), api_str(u, "role"), how, api_str(u, "created_at"),
				       api_str(u, "last_used") };

		if (json_is_true(json_object_get(u, "local_password")))
			sign_in_add(how, sizeof(how), "password", "");
		if (krb)
			sign_in_add(how, sizeof(how), "kerberos ", krb);
		if (api_str(u, "cert_subject"))
			sign_in_add(how, sizeof(how), "certificate", "");
		if ((rc = cli_table_add(t, row)) < 0) {
			rc = ow_err_set(err, rc, "out of memory");
			goto out;
		}
	}
	cli_table_print(t, stdout);
out:
	cli_table_free(t);
	json_decref(reply);
	return rc;
}

/* The new user's password: the next line of stdin, typed twice on a
 * terminal. */
static int new_password(const char *name, char *pass, size_t len, struct ow_err *err)
{
	char prompt[128], again[AUTH_PASSWORD_MAX + 2];
	int rc;

	(void)snprintf(prompt, sizeof(prompt), "password for the new user %s: ", name);
	rc = api_read_secret(prompt, pass, len);
	if (rc == OW_ELIMIT)
		return ow_err_set(err, rc, "password longer than %d bytes", AUTH_PASSWORD_MAX);
	if (rc < 0 || pass[0] == '\0')
		return ow_err_set(err, OW_EINVAL, "no password for %s on stdin (the line after "
						  "yours, or the first with OPENWSUS_PASSWORD set)", name);
	if (isatty(STDIN_FILENO)) {
		rc = api_read_secret("again: ", again, sizeof(again));
		if (rc < 0 || strcmp(again, pass) != 0)
			rc = ow_err_set(err, OW_EINVAL, "the two passwords differ");
		OPENSSL_cleanse(again, sizeof(again));
	}
	return rc;
}

static int user_create(struct api_client *c, const struct api_opts *o, const char *name, const char *role,
		       const char *krb, const char *subj, struct ow_err *err)
{
	char pass[AUTH_PASSWORD_MAX + 2];
	json_t *body = NULL, *reply = NULL;
	long status;
	int rc = 0;

	body = json_pack("{s:s, s:s}", "name", name, "role", role);
	if (body == NULL || (krb && json_object_set_new(body, "kerberos", json_string(krb)) < 0) ||
	    (subj && json_object_set_new(body, "cert_subject", json_string(subj)) < 0)) {
		rc = ow_err_set(err, OW_EINVAL, "arguments must be valid UTF-8");
		goto out;
	}
	if (krb == NULL && subj == NULL) {
		rc = new_password(name, pass, sizeof(pass), err);
		if (rc == 0 && json_object_set_new(body, "password", json_string(pass)) < 0)
			rc = ow_err_set(err, OW_EINVAL, "the password must be valid UTF-8");
		OPENSSL_cleanse(pass, sizeof(pass));
		if (rc < 0)
			goto out;
	}
	rc = api_call(c, "POST", "users", body, &status, &reply, err);
	if (rc == 0) {
		if (o->json)
			api_print_json(reply);
		else
			printf("created %s in %s\n", api_str(reply, "name") ? api_str(reply, "name") : name, role);
	}
out:
	/* jansson keeps its own copy of the password in the body: wipe it. */
	if (json_string_value(json_object_get(body, "password")))
		OPENSSL_cleanse((char *)json_string_value(json_object_get(body, "password")),
				json_string_length(json_object_get(body, "password")));
	json_decref(body);
	json_decref(reply);
	return rc;
}

static int user_api(int argc, char **argv)
{
	static const struct option opts[] = {
		API_CLIENT_OPTIONS,
		{ "role", required_argument, NULL, 'r' },
		{ "kerberos", required_argument, NULL, 'k' },
		{ "cert-subject", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct api_opts o;
	struct api_client *c = NULL;
	struct ow_err err = { 0 };
	const char *sub = argv[1], *role = NULL, *krb = NULL, *subj = NULL;
	char name[AUTH_NAME_MAX + 1];
	int ch, rc, create = strcmp(sub, "create") == 0;

	argc--;
	argv++;
	api_opts_init(&o);
	optind = 1;
	opterr = 0; /* the usage message below names the option */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': role = optarg; break;
		case 'k': krb = optarg; break;
		case 's': subj = optarg; break;
		case 'h': printf("usage: %s\n", API_USAGE); return CLI_OK;
		default:
			if (api_opts_parse(&o, ch, optarg) < 0)
				return cli_usage("user", API_USAGE, "unknown option or missing value: %s",
						 argv[optind - 1]);
			break;
		}
	}
	if (!create && (optind != argc || role || krb || subj))
		return cli_usage("user", API_USAGE, "user list takes no NAME, --role, --kerberos or --cert-subject");
	if (create) {
		if (optind != argc - 1 || role == NULL)
			return cli_usage("user", API_USAGE, "user create takes one NAME and --role");
		if (auth_role_parse(role) < 0)
			return cli_usage("user", API_USAGE, "--role must be administrators or reporters");
		if (auth_name_normalize(argv[optind], name, sizeof(name)) < 0)
			return cli_usage("user", API_USAGE, "'%s' is not a principal name (1 to 64 of A-Z a-z "
							    "0-9 . _ -, at most one '\\' or '@')", argv[optind]);
	}
	if ((rc = api_opts_check(&o, "user", API_USAGE)) != 0)
		return rc;
	if (api_client_new(&o, &c, &err) < 0)
		return cli_fail("user", &err);
	if (create)
		rc = user_create(c, &o, name, role, krb, subj, &err);
	else
		rc = user_list(c, &o, &err);
	api_client_free(c);
	return rc < 0 ? cli_fail("user", &err) : CLI_OK;
}

int cmd_user(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return user_add(argc, argv);
	if (argc >= 2 && (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "create") == 0))
		return user_api(argc, argv);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: %s\n       %s\n", USAGE, API_USAGE);
		return CLI_OK;
	}
	return cli_usage("user", USAGE "\n       " API_USAGE,
			 "'add' works on this machine's data directory; 'list' and 'create' go through "
			 "the admin API");
}
