/* SPDX-License-Identifier: MIT */
/* The pure parts of `openwsus audit`: address classes, PostgreSQL URLs, the
 * exit-code rule, and rules judged from facts alone (no server, no files):
 * the TLS-roots probes, the firewall line and the Remote SQL Server line. */
#include <string.h>

#include "audit/audit.h"
#include "check.h"

struct addr_case {
	const char *host;
	enum audit_addr want;
};

static const struct addr_case addrs[] = {
	{ "127.0.0.1", AUDIT_ADDR_LOOPBACK },
	{ "127.8.9.10", AUDIT_ADDR_LOOPBACK },
	{ "10.1.2.3", AUDIT_ADDR_PRIVATE },
	{ "172.16.0.1", AUDIT_ADDR_PRIVATE },
	{ "172.31.255.255", AUDIT_ADDR_PRIVATE },
	{ "172.32.0.1", AUDIT_ADDR_PUBLIC },
	{ "172.15.255.255", AUDIT_ADDR_PUBLIC },
	{ "192.168.10.1", AUDIT_ADDR_PRIVATE },
	{ "192.169.0.1", AUDIT_ADDR_PUBLIC },
	{ "100.64.0.1", AUDIT_ADDR_PRIVATE },
	{ "100.128.0.1", AUDIT_ADDR_PUBLIC },
	{ "169.254.1.1", AUDIT_ADDR_PRIVATE },
	{ "8.8.8.8", AUDIT_ADDR_PUBLIC },
	{ "0.0.0.0", AUDIT_ADDR_ANY },
	{ "::", AUDIT_ADDR_ANY },
	{ "[::]", AUDIT_ADDR_ANY },
	{ "::1", AUDIT_ADDR_LOOPBACK },
	{ "[::1]", AUDIT_ADDR_LOOPBACK },
	{ "fd12:3456::1", AUDIT_ADDR_PRIVATE },
	{ "fc00::1", AUDIT_ADDR_PRIVATE },
	{ "fe80::1", AUDIT_ADDR_PRIVATE },
	{ "2001:db8::1", AUDIT_ADDR_PUBLIC },
	{ "2a00:1450::1", AUDIT_ADDR_PUBLIC },
	{ "::ffff:10.0.0.1", AUDIT_ADDR_PRIVATE },
	{ "::ffff:127.0.0.1", AUDIT_ADDR_LOOPBACK },
	{ "::ffff:8.8.8.8", AUDIT_ADDR_PUBLIC },
	{ "::ffff:0.0.0.0", AUDIT_ADDR_PUBLIC },
	{ "localhost", AUDIT_ADDR_LOOPBACK },
	{ "LOCALHOST", AUDIT_ADDR_LOOPBACK },
	{ "localhost.", AUDIT_ADDR_LOOPBACK },
	{ "db.example.com", AUDIT_ADDR_NAME },
	{ "db", AUDIT_ADDR_NAME },
	{ "db.example.com.", AUDIT_ADDR_NAME },
	{ "localhost.example.com", AUDIT_ADDR_NAME },
	{ "", AUDIT_ADDR_INVALID },
	{ "999.1.1.1", AUDIT_ADDR_INVALID },
	{ "10.0.0", AUDIT_ADDR_INVALID },
	{ "a b", AUDIT_ADDR_INVALID },
	{ "db..example", AUDIT_ADDR_INVALID },
	{ "[::1", AUDIT_ADDR_INVALID },
	{ "[10.0.0.1]", AUDIT_ADDR_INVALID },
	{ "::1%lo", AUDIT_ADDR_INVALID },
};

static void test_addr_class(void)
{
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		enum audit_addr got = audit_addr_class(addrs[i].host);

		if (got != addrs[i].want) {
			fprintf(stderr, "  '%s': class %d, want %d\n", addrs[i].host, (int)got,
				(int)addrs[i].want);
			check_failed_now = 1;
		}
	}
	CHECK(audit_addr_class(NULL) == AUDIT_ADDR_INVALID);
}

static void test_pg_url(void)
{
	struct audit_pg_url u;
	struct ow_err err = { 0 };

	REQUIRE(audit_pg_url_parse("postgresql://wsus:secret@10.0.0.5:5432/wsus?sslmode=verify-full",
				   &u, &err) == 0);
	CHECK(u.nhosts == 1);
	CHECK_STR(u.host[0], "10.0.0.5");
	CHECK(u.unix_socket[0] == 0);
	CHECK_STR(u.sslmode, "verify-full");

	REQUIRE(audit_pg_url_parse("postgresql:///wsus", &u, &err) == 0);
	CHECK(u.nhosts == 1 && u.unix_socket[0] == 1);
	CHECK_STR(u.sslmode, "");

	REQUIRE(audit_pg_url_parse("postgresql://%2Fvar%2Frun%2Fpostgresql/wsus", &u, &err) == 0);
	CHECK(u.nhosts == 1 && u.unix_socket[0] == 1);
	CHECK_STR(u.host[0], "/var/run/postgresql");

	REQUIRE(audit_pg_url_parse("postgres://[::1]:5432/db", &u, &err) == 0);
	CHECK(u.nhosts == 1);
	CHECK_STR(u.host[0], "[::1]");
	CHECK(audit_addr_class(u.host[0]) == AUDIT_ADDR_LOOPBACK);

	REQUIRE(audit_pg_url_parse("postgresql://h1:5432,[fd00::2]:5433,h3/db?connect_timeout=3&"
				   "sslmode=require", &u, &err) == 0);
	CHECK(u.nhosts == 3);
	CHECK_STR(u.host[0], "h1");
	CHECK_STR(u.host[1], "[fd00::2]");
	CHECK_STR(u.host[2], "h3");
	CHECK_STR(u.sslmode, "require");

	/* host= replaces the authority's host, as in libpq. */
	REQUIRE(audit_pg_url_parse("postgresql://u@db.example.com/db?host=%2Ftmp&sslmode=disable",
				   &u, &err) == 0);
	CHECK(u.nhosts == 1 && u.unix_socket[0] == 1);
	CHECK_STR(u.host[0], "/tmp");
	CHECK_STR(u.sslmode, "disable");

	/* A password may hold '@': the host follows the last one. */
	REQUIRE(audit_pg_url_parse("postgresql://u:p@ss@192.168.1.9/db", &u, &err) == 0);
	CHECK_STR(u.host[0], "192.168.1.9");

	CHECK(audit_pg_url_parse("mysql://db/x", &u, &err) == OW_EINVAL);
	CHECK(audit_pg_url_parse("sqlite:store.db", &u, &err) == OW_EINVAL);
	CHECK(audit_pg_url_parse("postgresql://%zz/db", &u, &err) == OW_EINVAL);
	CHECK(audit_pg_url_parse("postgresql://%2/db", &u, &err) == OW_EINVAL);
	CHECK(audit_pg_url_parse("postgresql://[::1/db", &u, &err) == OW_EINVAL);
	CHECK(audit_pg_url_parse("postgresql://a,b,c,d,e,f,g,h,i/db", &u, &err) == OW_ELIMIT);
	CHECK(audit_pg_url_parse("postgresql://a,b,c,d,e,f,g,h/db", &u, &err) == 0 && u.nhosts == 8);
}

static void test_exit_code(void)
{
	struct audit_item items[3] = { { .status = AUDIT_PASS }, { .status = AUDIT_PASS },
				       { .status = AUDIT_PASS } };

	CHECK(audit_exit_code(AUDIT_PASS) == 0);
	CHECK(audit_exit_code(AUDIT_WARN) == 1);
	CHECK(audit_exit_code(AUDIT_FAIL) == 2);
	CHECK(audit_worst(items, 0) == AUDIT_PASS);
	CHECK(audit_worst(items, 3) == AUDIT_PASS);
	items[1].status = AUDIT_WARN;
	CHECK(audit_exit_code(audit_worst(items, 3)) == 1);
	items[2].status = AUDIT_FAIL;
	CHECK(audit_exit_code(audit_worst(items, 3)) == 2);
	items[1].status = AUDIT_PASS;
	CHECK(audit_exit_code(audit_worst(items, 3)) == 2);
	CHECK_STR(audit_status_name(AUDIT_WARN), "WARN");
}

/* ---- rules from facts ---------------------------------------------------- */

static struct ow_config cfg;
static struct audit_env env;
static struct audit_item items[AUDIT_MAX_ITEMS];
static size_t nitems;

static void setup(const char *listen, const char *store_url)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(&env, 0, sizeof(env));
	strcpy(cfg.data_dir, "/nonexistent/openwsus-test");
	strcpy(cfg.path, "/nonexistent/openwsus-test/openwsus.conf");
	strcpy(cfg.fqdn, "wsus.example.test");
	cfg.https_port = 8531;
	cfg.http_port = 8530;
	snprintf(cfg.listen, sizeof(cfg.listen), "%s", listen);
	snprintf(cfg.store_url, sizeof(cfg.store_url), "%s", store_url);
	env.cfg = &cfg;
	env.uid = 1000;
	env.now = 1800000000;
	strcpy(env.store_error, "no store in this test");
	for (int i = 0; i < AUDIT_TLS_ROOTS; i++) {
		snprintf(env.routes[i].root, sizeof(env.routes[i].root), "%s", audit_tls_root[i]);
		env.routes[i].tls_required = 1;
	}
	snprintf(env.routes[5].root, sizeof(env.routes[5].root), "Content");
	env.nroutes = 6;
}

static const struct audit_item *run(const char *check)
{
	nitems = audit_run(&env, items, AUDIT_MAX_ITEMS);
	for (size_t i = 0; i < nitems; i++)
		if (strcmp(items[i].check, check) == 0)
			return &items[i];
	return NULL;
}

static void running(void)
{
	env.server.running = 1;
	env.server.pid = 4242;
	env.server.uid = 1000;
	env.server.https_port = 8531;
	env.server.http_port = 8530;
	strcpy(env.server.listen, cfg.listen);
	strcpy(env.server.probe_addr, "127.0.0.1");
	for (int i = 0; i < AUDIT_TLS_ROOTS; i++) {
		env.server.roots[i].status = 403;
		env.server.roots[i].says_ssl = 1;
	}
	env.server.admin.status = 403;
	env.server.admin.says_ssl = 1;
	env.server.https_plain.status = 0;
}

static void test_tls_roots(void)
{
	const struct audit_item *it;

	setup("127.0.0.1", "sqlite:store.db");
	REQUIRE((it = run("ssl.tls-roots")) != NULL);
	CHECK(it->status == AUDIT_WARN);
	CHECK(strstr(it->reason, "not checked: the server is not running") == it->reason);
	CHECK(nitems <= AUDIT_MAX_ITEMS);

	env.routes[2].tls_required = 0; /* a build that forgot ServerSyncWebService */
	REQUIRE((it = run("ssl.tls-roots")) != NULL);
	CHECK(it->status == AUDIT_FAIL);
	CHECK(strstr(it->reason, "/ServerSyncWebService does not require TLS") != NULL);
	env.routes[2].tls_required = 1;

	running();
	REQUIRE((it = run("ssl.tls-roots")) != NULL);
	CHECK(it->status == AUDIT_PASS);
	CHECK(strstr(it->reason, "pid 4242") != NULL);
	CHECK(run("ssl.https-port")->status == AUDIT_PASS);
	CHECK(run("ssl.admin-api")->status == AUDIT_PASS);

	env.server.roots[4].status = 200;
	strcpy(env.server.roots[4].detail, "HTTP/1.1 200 OK");
	REQUIRE((it = run("ssl.tls-roots")) != NULL);
	CHECK(it->status == AUDIT_FAIL);
	CHECK(strstr(it->reason, "/ClientWebService/client.asmx answered HTTP/1.1 200 OK") != NULL);

	env.server.roots[4].status = 403;
	env.server.roots[4].says_ssl = 0; /* a 403 for another reason is not the guide's answer */
	CHECK(run("ssl.tls-roots")->status == AUDIT_FAIL);

	env.server.roots[4].says_ssl = 1;
	env.server.roots[0].status = -1; /* nothing to connect to: not checked, not a FAIL */
	strcpy(env.server.roots[0].detail, "connect: Connection refused");
	REQUIRE((it = run("ssl.tls-roots")) != NULL);
	CHECK(it->status == AUDIT_WARN);
	CHECK(strstr(it->reason, "not checked: cannot connect to the HTTP port 8530") != NULL);
	env.server.https_plain.status = -1;
	CHECK(run("ssl.https-port")->status == AUDIT_WARN);

	env.server.https_plain.status = 400;
	CHECK(run("ssl.https-port")->status == AUDIT_FAIL);
	env.server.admin.status = 200;
	CHECK(run("ssl.admin-api")->status == AUDIT_FAIL);
}

static void test_firewall(void)
{
	const struct audit_item *it;

	setup("127.0.0.1, 10.0.0.8", "sqlite:store.db");
	REQUIRE((it = run("firewall.listen")) != NULL);
	CHECK(it->status == AUDIT_PASS);
	CHECK(strstr(it->reason, "127.0.0.1 (loopback), 10.0.0.8 (private)") != NULL);

	setup("0.0.0.0", "sqlite:store.db");
	REQUIRE((it = run("firewall.listen")) != NULL);
	CHECK(it->status == AUDIT_WARN);
	CHECK(strstr(it->reason, "0.0.0.0 (every IPv4 address of this host)") != NULL);
	CHECK(strstr(it->fix, "hardening guide, Firewall") != NULL);

	setup("::", "sqlite:store.db");
	CHECK(run("firewall.listen")->status == AUDIT_WARN);
	setup("203.0.113.7", "sqlite:store.db");
	CHECK(run("firewall.listen")->status == AUDIT_WARN);

	/* The running server's addresses win over the configuration's. */
	setup("127.0.0.1", "sqlite:store.db");
	running();
	strcpy(env.server.listen, "0.0.0.0");
	CHECK(run("firewall.listen")->status == AUDIT_WARN);
}

static void test_database(void)
{
	const struct audit_item *it;

	setup("127.0.0.1", "sqlite:store.db");
	REQUIRE((it = run("database.remote")) != NULL);
	CHECK(it->status == AUDIT_PASS);
	CHECK(strstr(it->reason, "embedded store on this host") != NULL);

	/* Internet-facing: the database must be private and use TLS or a socket. */
	setup("0.0.0.0", "postgresql://wsus@10.0.0.5/wsus?sslmode=verify-full");
	CHECK(run("database.remote")->status == AUDIT_PASS);
	setup("0.0.0.0", "postgresql://wsus@10.0.0.5/wsus?sslmode=require");
	REQUIRE((it = run("database.remote")) != NULL);
	CHECK(it->status == AUDIT_FAIL);
	CHECK(strstr(it->reason, "internet-facing") != NULL);
	CHECK(strstr(it->reason, "without sslmode=verify-full") != NULL);
	setup("203.0.113.7", "postgresql://wsus@198.51.100.4/wsus?sslmode=verify-full");
	REQUIRE((it = run("database.remote")) != NULL);
	CHECK(it->status == AUDIT_FAIL);
	CHECK(strstr(it->reason, "198.51.100.4 is a public address") != NULL);
	setup("0.0.0.0", "postgresql:///wsus");
	CHECK(run("database.remote")->status == AUDIT_PASS);
	setup("::", "postgresql://%2Fvar%2Frun%2Fpostgresql/wsus");
	CHECK(run("database.remote")->status == AUDIT_PASS);
	/* Loopback TCP without TLS crosses no network: a WARN. */
	setup("0.0.0.0", "postgresql://127.0.0.1/wsus");
	CHECK(run("database.remote")->status == AUDIT_WARN);

	/* Not internet-facing: the same weaknesses are WARNs. */
	setup("10.0.0.8", "postgresql://10.0.0.5/wsus");
	CHECK(run("database.remote")->status == AUDIT_WARN);
	setup("10.0.0.8", "postgresql://198.51.100.4/wsus?sslmode=verify-full");
	CHECK(run("database.remote")->status == AUDIT_WARN);

	setup("127.0.0.1", "postgresql://%zz/wsus");
	CHECK(run("database.remote")->status == AUDIT_FAIL);
}

static void test_no_store(void)
{
	const struct audit_item *it;

	setup("127.0.0.1", "sqlite:store.db");
	REQUIRE((it = run("signed.origin")) != NULL);
	CHECK(it->status == AUDIT_FAIL);
	CHECK(strstr(it->reason, "not checked: the store cannot be opened: no store in this test") != NULL);
	CHECK(run("groups.idle")->status == AUDIT_FAIL);
	/* Missing files are FAILs, never PASSes. */
	CHECK(run("perm.data-dir")->status == AUDIT_FAIL);
	CHECK(run("perm.keys")->status == AUDIT_FAIL);
}

static void test_daemon_user(void)
{
	setup("127.0.0.1", "sqlite:store.db");
	CHECK(run("perm.daemon-user")->status == AUDIT_PASS);
	env.uid = 0;
	CHECK(run("perm.daemon-user")->status == AUDIT_WARN);
	running(); /* a running server's own uid decides */
	CHECK(run("perm.daemon-user")->status == AUDIT_PASS);
	env.server.uid = 0;
	CHECK(run("perm.daemon-user")->status == AUDIT_WARN);
}

static void test_certificate(void)
{
	const struct audit_item *it;

	setup("127.0.0.1", "sqlite:store.db");
	env.tls.days_left = 100;
	CHECK(run("ssl.expiry")->status == AUDIT_PASS);
	env.tls.days_left = AUDIT_CERT_WARN_DAYS - 1;
	REQUIRE((it = run("ssl.expiry")) != NULL);
	CHECK(it->status == AUDIT_WARN);
	CHECK(strstr(it->fix, "openwsus configuressl") != NULL);
	env.tls.days_left = -1;
	CHECK(run("ssl.expiry")->status == AUDIT_FAIL);
	env.tls.days_rc = OW_EIO;
	CHECK(run("ssl.expiry")->status == AUDIT_FAIL);

	CHECK(run("ssl.certificate")->status == AUDIT_PASS);
	env.tls.pair_rc = OW_EINVAL;
	strcpy(env.tls.pair_msg, "the certificate does not cover wsus.example.test");
	REQUIRE((it = run("ssl.certificate")) != NULL);
	CHECK(it->status == AUDIT_FAIL);
	CHECK_STR(it->reason, "the certificate does not cover wsus.example.test");

	CHECK(run("ssl.chain")->status == AUDIT_PASS);
	env.tls.chain_rc = OW_ENOENT;
	CHECK(run("ssl.chain")->status == AUDIT_WARN);
	env.tls.chain_rc = OW_EINVAL;
	CHECK(run("ssl.chain")->status == AUDIT_FAIL);
}

int main(void)
{
	RUN(test_addr_class);
	RUN(test_pg_url);
	RUN(test_exit_code);
	RUN(test_tls_roots);
	RUN(test_firewall);
	RUN(test_database);
	RUN(test_no_store);
	RUN(test_daemon_user);
	RUN(test_certificate);
	return check_done();
}
