/* SPDX-License-Identifier: MIT */
/*
 * The hardening guide's checklist behind `openwsus audit`: one item per
 * check, each PASS, WARN or FAIL with the reason and, unless it passes, the
 * fix. The checks are a table of functions over an audit_env: the
 * configuration, the store, and facts the caller gathered from layers this
 * one may not use (the certificate checks of src/crypto/, the route table
 * `serve` builds, the answers of a running server to plain-HTTP requests).
 * Keeping those as plain data makes every rule testable without a server.
 *
 * The checks only read: files are stat()ed, the store is listed. Opening the
 * store (the caller's job) applies pending migrations, as every verb does.
 * A check that could not run says so ("not checked: ...") and is a WARN,
 * never a PASS; a line that passes only because a feature does not exist in
 * this version says that too.
 */
#ifndef OW_AUDIT_AUDIT_H
#define OW_AUDIT_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "config/config.h"
#include "store/store.h"

enum audit_status { AUDIT_PASS = 0, AUDIT_WARN = 1, AUDIT_FAIL = 2 };

/* Bytes of one item's reason and of its fix. Longer texts (long lists of
 * names) are cut and end with "..."; the store and files hold the rest. */
#define AUDIT_TEXT_MAX 640

/* The certificate expiry the guide's SSL practice tolerates before a WARN. */
#define AUDIT_CERT_WARN_DAYS 30
/* A principal not used (or, never used, created) this long ago is idle. */
#define AUDIT_IDLE_DAYS 90

struct audit_item {
	const char *practice;          /* the guide's practice: "SSL", "Firewall", ... */
	const char *check;             /* stable id for scripts: "ssl.certificate" */
	enum audit_status status;
	char reason[AUDIT_TEXT_MAX];
	char fix[AUDIT_TEXT_MAX];      /* "" when there is nothing to do */
};

/* ---- facts the caller gathers ------------------------------------------- */

/* The five virtual roots the guide says require SSL, in its order, and the
 * path a plain-HTTP probe asks for on each. */
#define AUDIT_TLS_ROOTS 5
extern const char *const audit_tls_root[AUDIT_TLS_ROOTS];
extern const char *const audit_tls_root_path[AUDIT_TLS_ROOTS];
/* What the admin-API probe asks for: the one API document that needs no
 * credentials, so a 200 would mean the API really is served over HTTP. */
#define AUDIT_ADMIN_PROBE_PATH "/ApiRemoting30/api/v1/openapi.json"

/* One route of the table `serve` builds (src/cli/serve_routes.c). */
struct audit_route {
	char root[64];
	int tls_required;
};
#define AUDIT_MAX_ROUTES 16

/* One plain-HTTP request sent to a running server. */
struct audit_probe {
	int status;                    /* HTTP status; 0: the answer was not HTTP (or none);
					* -1: could not connect */
	int says_ssl;                  /* the body says "SSL is required" */
	char detail[160];              /* the status line, or why there was none */
};

/* A server running for the data directory: its pid file names a live
 * `openwsus ... serve` process. Ports and addresses are the running ones
 * (configuration with the process's command-line overrides). */
struct audit_server {
	int running;
	long pid;
	uid_t uid;                     /* effective uid of the process */
	char listen[256];
	int https_port, http_port;
	char probe_addr[64];           /* where the probes went */
	struct audit_probe roots[AUDIT_TLS_ROOTS];   /* HTTP port, each TLS-required root */
	struct audit_probe admin;                    /* HTTP port, AUDIT_ADMIN_PROBE_PATH */
	struct audit_probe https_plain;              /* HTTPS port, a plain HTTP request */
	char why_not[160];             /* when not running: why ("no pid file", ...) */
};

/* The server certificate as src/crypto/x509.h judged it. */
struct audit_tls {
	int pair_rc;                   /* x509_check_pair: FQDN, coverage, key, validity */
	char pair_msg[OW_ERR_MSG_MAX];
	int chain_rc;                  /* x509_chain_check against the configured CA file */
	char chain_msg[OW_ERR_MSG_MAX];
	int days_rc;                   /* x509_leaf_days_left */
	long days_left;
	const char *ciphers12;         /* the policy src/http/tls.c applies */
	const char *suites13;
};

struct audit_env {
	const struct ow_config *cfg;
	struct store *st;              /* NULL: store_error says why */
	char store_error[OW_ERR_MSG_MAX];
	uid_t uid;                     /* the user running audit (real uid) */
	/* [server] user: the account serve started as root runs as. */
	int service_known;             /* 0: no such user */
	uid_t service_uid;
	int64_t now;                   /* Unix seconds */
	struct audit_tls tls;
	struct audit_route routes[AUDIT_MAX_ROUTES];
	size_t nroutes;
	struct audit_server server;
	/* Is origin outside this server (catalog_origin_is_remote)? */
	int (*origin_is_remote)(const char *origin);
};

/* ---- running the checklist ---------------------------------------------- */

/* Upper bound on the items audit_run produces. */
#define AUDIT_MAX_ITEMS 40

/* Runs every check in the guide's order into items (room for max); returns
 * the number written. Checks beyond max are not run (max >= AUDIT_MAX_ITEMS
 * runs them all). */
size_t audit_run(const struct audit_env *env, struct audit_item *items, size_t max);

/* The worst status among n items (PASS for none). */
enum audit_status audit_worst(const struct audit_item *items, size_t n);

/* The exit status the contract gives a result: 0 all pass, 1 any WARN,
 * 2 any FAIL. */
int audit_exit_code(enum audit_status worst);

/* "PASS", "WARN" or "FAIL". */
const char *audit_status_name(enum audit_status s);

/* ---- pure helpers (exposed for tests) ------------------------------------ */

enum audit_addr {
	AUDIT_ADDR_INVALID = 0,        /* empty, or neither an address nor a host name */
	AUDIT_ADDR_LOOPBACK,           /* 127.0.0.0/8, ::1, ::ffff:127.x, "localhost" */
	AUDIT_ADDR_PRIVATE,            /* 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT),
					* 169.254/16, fc00::/7, fe80::/10 */
	AUDIT_ADDR_PUBLIC,             /* any other address */
	AUDIT_ADDR_ANY,                /* 0.0.0.0 or :: (every address of the host) */
	AUDIT_ADDR_NAME,               /* a DNS name: its class is not known without resolving */
};

/* Classifies a numeric IPv4 or IPv6 address (brackets allowed: "[::1]") or
 * a host name. Never resolves a name. */
enum audit_addr audit_addr_class(const char *host);

/* What the Remote SQL Server check needs from a PostgreSQL connection URL:
 *   postgresql://[user[:password]@][host[:port]][,host[:port]...][/db][?k=v&...]
 * Hosts may be bracketed IPv6 and percent-encoded; a host that starts with
 * '/' (or a "host=" parameter that does), or no host at all, is a Unix
 * socket, as in libpq. sslmode is "" when not given (libpq's "prefer"). */
#define AUDIT_PG_MAX_HOSTS 8
struct audit_pg_url {
	size_t nhosts;
	char host[AUDIT_PG_MAX_HOSTS][256];  /* "" for the default Unix socket */
	int unix_socket[AUDIT_PG_MAX_HOSTS];
	char sslmode[32];
};

/* Parses url (postgresql:// or postgres://). OW_EINVAL with the reason for
 * anything else, OW_ELIMIT beyond AUDIT_PG_MAX_HOSTS hosts or long fields. */
int audit_pg_url_parse(const char *url, struct audit_pg_url *out, struct ow_err *err) OW_WUR;

#endif
