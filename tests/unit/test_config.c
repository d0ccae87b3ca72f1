/* SPDX-License-Identifier: MIT */
/*
 * openwsus.conf: loading the text init writes, derived ports and paths,
 * refusals (group-writable file, unknown keys, bad numbers and booleans,
 * syntax) and textual editing with config_set, which must change exactly
 * one line or add one, leave every other byte alone and give a file that
 * loads again. Each case works on a file in a fresh mkdtemp directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "check.h"
#include "config/config.h"

static char dir[] = "/tmp/ow-test-config-XXXXXX";
static char conf[256];

static void put(const char *text, mode_t mode)
{
	struct ow_err err = { 0 };

	if (ow_write_file_atomic(conf, text, strlen(text), mode, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		exit(2);
	}
}

static char *get(void)
{
	struct ow_err err = { 0 };
	char *text = NULL;

	if (ow_read_file(conf, OW_MAX_CONFIG_BYTES, &text, NULL, &err) < 0)
		fprintf(stderr, "  %s\n", err.msg);
	return text;
}

static const char *at(const char *rel)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, rel);
	return buf[i];
}

static int load_text(const char *text, struct ow_config *cfg, struct ow_err *err)
{
	put(text, 0600);
	memset(err, 0, sizeof(*err));
	return config_load(dir, cfg, err);
}

static void test_default_file(void)
{
	char text[4096];
	struct ow_config cfg;
	struct ow_err err = { 0 };
	struct stat st;

	REQUIRE(config_default_text("wsus.example.com", text, sizeof(text)) == 0);
	put(text, 0600);
	REQUIRE(stat(conf, &st) == 0);
	CHECK((st.st_mode & 0777) == 0600);
	REQUIRE(config_load(dir, &cfg, &err) == 0);
	CHECK_STR(cfg.data_dir, dir);
	CHECK_STR(cfg.path, conf);
	CHECK_STR(cfg.fqdn, "wsus.example.com");
	CHECK(cfg.https_port == OW_DEFAULT_HTTPS_PORT);
	CHECK(cfg.https_port == 8531);
	CHECK(cfg.http_port == 8530);
	CHECK_STR(cfg.listen, OW_DEFAULT_LISTEN);
	CHECK(cfg.content_over_https == 0);
	CHECK(cfg.client_targeting == 0);
	CHECK_STR(cfg.tls_client_ca, "");
	CHECK_STR(cfg.publishers_dir, at("trusted-publishers"));
	CHECK(cfg.workers == 0);
	CHECK(cfg.max_connections == OW_MAX_CONNECTIONS);
	CHECK_STR(cfg.tls_cert, at("tls/server.pem"));
	CHECK_STR(cfg.tls_key, at("tls/server.key"));
	CHECK_STR(cfg.tls_ca, at("tls/ca.pem"));
	CHECK_STR(cfg.tls_ca_key, at("tls/ca.key"));
	CHECK_STR(cfg.cookie_key, at("keys/cookie.key"));
	CHECK_STR(cfg.content_dir, at("content"));
	CHECK_STR(cfg.store_url, "sqlite:store.db");

	/* Too small a buffer: refused, not truncated silently. */
	CHECK(config_default_text("wsus.example.com", text, 100) == OW_ELIMIT);
}

/* A file with nothing in it gives the built-in defaults. */
static void test_empty_file_defaults(void)
{
	struct ow_config cfg;
	struct ow_err err;

	REQUIRE(load_text("", &cfg, &err) == 0);
	CHECK(cfg.https_port == 8531 && cfg.http_port == 8530);
	CHECK_STR(cfg.listen, "127.0.0.1");
	CHECK_STR(cfg.fqdn, "");
	CHECK_STR(cfg.store_url, "sqlite:store.db");
	CHECK_STR(cfg.tls_cert, at("tls/server.pem"));
}

static void test_port_pair(void)
{
	static const struct {
		int https, http;
	} pairs[] = {
		{ 443, 80 }, { 8531, 8530 }, { 2, 1 }, { 444, 443 }, { 65535, 65534 },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		CHECK(config_port_pair(pairs[i].https) == pairs[i].http);

	/* Through the file. */
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char text[64];
		struct ow_config cfg;
		struct ow_err err;

		snprintf(text, sizeof(text), "[server]\nhttps_port = %d\n", pairs[i].https);
		REQUIRE(load_text(text, &cfg, &err) == 0);
		CHECK(cfg.https_port == pairs[i].https);
		CHECK(cfg.http_port == pairs[i].http);
	}
}

static void test_modes(void)
{
	static const struct {
		mode_t mode;
		int rc;
	} cases[] = {
		{ 0600, 0 }, { 0400, 0 }, { 0640, 0 }, { 0644, 0 },
		{ 0620, OW_EPERM }, { 0602, OW_EPERM }, { 0666, OW_EPERM }, { 0660, OW_EPERM },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ow_config cfg;
		struct ow_err err = { 0 };
		int rc;

		put("[server]\nfqdn = a.example.com\n", cases[i].mode);
		rc = config_load(dir, &cfg, &err);
		CHECK(rc == cases[i].rc);
		if (rc != cases[i].rc)
			fprintf(stderr, "  mode %o: rc %d\n", (unsigned)cases[i].mode, rc);
		if (cases[i].rc == OW_EPERM) {
			CHECK(err.code == OW_EPERM);
			CHECK(strstr(err.msg, conf) != NULL);
		}
	}
}

static void test_missing(void)
{
	struct ow_config cfg;
	struct ow_err err = { 0 };

	unlink(conf);
	CHECK(config_load(dir, &cfg, &err) == OW_ENOENT);
	CHECK(err.code == OW_ENOENT);
	CHECK(strstr(err.msg, "openwsus.conf") != NULL);
	CHECK(config_load("/nonexistent/ow-test", &cfg, &err) == OW_ENOENT);
}

struct load_case {
	const char *text;
	int rc;
	const char *msg;        /* a substring of the error message */
};

static const struct load_case load_cases[] = {
	/* Unknown keys in sections openwsus owns. */
	{ "[server]\nfqdn = a\nbogus_key = 1\n", OW_ECONFIG, "bogus_key" },
	{ "[server]\nhttps-port = 8531\n", OW_ECONFIG, "https-port" },
	{ "[tls]\ncertificate = x.pem\n", OW_ECONFIG, "certificate" },
	{ "[store]\npath = x.db\n", OW_ECONFIG, "path" },
	{ "[content]\ndirectory = c\n", OW_ECONFIG, "directory" },
	/* Other sections belong to other modules. */
	{ "[serversync]\nanything = 1\n[upstream]\nurl = https://x\n", 0, NULL },
	/* Ports: 2..65535. */
	{ "[server]\nhttps_port = 0\n", OW_ECONFIG, "https_port" },
	{ "[server]\nhttps_port = 1\n", OW_ECONFIG, "https_port" },
	{ "[server]\nhttps_port = 65536\n", OW_ECONFIG, "https_port" },
	{ "[server]\nhttps_port = -443\n", OW_ECONFIG, "https_port" },
	{ "[server]\nhttps_port = abc\n", OW_ECONFIG, "https_port" },
	{ "[server]\nhttps_port = 8531x\n", OW_ECONFIG, "https_port" },
	{ "[server]\nhttps_port = 0x1F\n", OW_ECONFIG, "https_port" },
	{ "[server]\nhttps_port =\n", OW_ECONFIG, "https_port" },
	{ "[server]\nhttps_port = 99999999999999999999999\n", OW_ECONFIG, "https_port" },
	{ "[server]\nhttps_port = 2\n", 0, NULL },
	{ "[server]\nhttps_port = 65535\n", 0, NULL },
	{ "[server]\nhttps_port = 443 ; inline comment\n", 0, NULL },
	/* Booleans. */
	{ "[server]\ncontent_over_https = maybe\n", OW_ECONFIG, "content_over_https" },
	{ "[server]\ncontent_over_https = truee\n", OW_ECONFIG, "content_over_https" },
	{ "[server]\ncontent_over_https =\n", OW_ECONFIG, "content_over_https" },
	{ "[server]\ncontent_over_https = TRUE\n", 0, NULL },
	{ "[server]\ntargeting = both\n", OW_ECONFIG, "targeting" },
	{ "[server]\nlog_format = xml\n", OW_ECONFIG, "log_format" },
	{ "[server]\nlog_format = JSON\n", 0, NULL },
	{ "[publishing]\npublishers = x\n", OW_ECONFIG, "publishers" },
	/* Other numbers. */
	{ "[server]\nworkers = 65\n", OW_ECONFIG, "workers" },
	{ "[server]\nworkers = -1\n", OW_ECONFIG, "workers" },
	{ "[server]\nmax_connections = 0\n", OW_ECONFIG, "max_connections" },
	{ "[server]\nmax_connections = 1000001\n", OW_ECONFIG, "max_connections" },
	/* Syntax. */
	{ "[server\nfqdn = a\n", OW_ECONFIG, "syntax" },
	{ "[server]\nfqdn a\n", OW_ECONFIG, "syntax" },
};

static void test_load_table(void)
{
	for (size_t i = 0; i < sizeof(load_cases) / sizeof(load_cases[0]); i++) {
		const struct load_case *c = &load_cases[i];
		struct ow_config cfg;
		struct ow_err err;
		int rc = load_text(c->text, &cfg, &err);

		CHECK(rc == c->rc);
		if (c->msg)
			CHECK(strstr(err.msg, c->msg) != NULL);
		if (rc != c->rc || (c->msg && strstr(err.msg, c->msg) == NULL))
			fprintf(stderr, "  case %zu: rc %d msg \"%s\"\n", i, rc, err.msg);
	}
}

static void test_values(void)
{
	struct ow_config cfg;
	struct ow_err err;

	REQUIRE(load_text("[SERVER]\n"
			  "FQDN = wsus.corp.example\n"
			  "https_port = 443 ; the guide's pair\n"
			  "listen = 0.0.0.0,::\n"
			  "content_over_https = yes\n"
			  "targeting = Client\n"
			  "workers = 4\n"
			  "max_connections = 500\n"
			  "cookie_key = /etc/openwsus/cookie.key\n"
			  "[tls]\n"
			  "cert = /etc/ssl/wsus.pem\n"
			  "key = private/wsus.key\n"
			  "[store]\n"
			  "url = sqlite:/var/lib/openwsus/store.db\n"
			  "[content]\n"
			  "dir = /srv/wsus\n"
			  "[tls]\n"
			  "client_ca = tls/admins-ca.pem\n"
			  "[publishing]\n"
			  "trusted_publishers = /etc/openwsus/publishers\n",
			  &cfg, &err) == 0);
	CHECK(cfg.client_targeting == 1);
	CHECK_STR(cfg.tls_client_ca, at("tls/admins-ca.pem"));
	CHECK_STR(cfg.publishers_dir, "/etc/openwsus/publishers");
	CHECK_STR(cfg.uploads_dir, at("uploads"));
	CHECK_STR(cfg.fqdn, "wsus.corp.example");
	CHECK(cfg.https_port == 443 && cfg.http_port == 80);
	CHECK_STR(cfg.listen, "0.0.0.0,::");
	CHECK(cfg.content_over_https == 1);
	CHECK(cfg.workers == 4);
	CHECK(cfg.max_connections == 500);
	/* Absolute paths stay, relative ones join the data directory. */
	CHECK_STR(cfg.cookie_key, "/etc/openwsus/cookie.key");
	CHECK_STR(cfg.tls_cert, "/etc/ssl/wsus.pem");
	CHECK_STR(cfg.tls_key, at("private/wsus.key"));
	CHECK_STR(cfg.tls_ca, at("tls/ca.pem"));
	CHECK_STR(cfg.store_url, "sqlite:/var/lib/openwsus/store.db");
	CHECK_STR(cfg.content_dir, "/srv/wsus");
}

static void test_too_long(void)
{
	struct ow_config cfg;
	struct ow_err err;
	char *text = malloc(OW_MAX_CONFIG_BYTES + 64);
	size_t o;

	REQUIRE(text != NULL);
	/* A value longer than its field. */
	o = (size_t)sprintf(text, "[server]\nfqdn = ");
	memset(text + o, 'a', OW_MAX_FQDN + 1);
	strcpy(text + o + OW_MAX_FQDN + 1, "\n");
	CHECK(load_text(text, &cfg, &err) == OW_ECONFIG);
	CHECK(strstr(err.msg, ":2") != NULL || strstr(err.msg, "fqdn") != NULL);
	/* A file over OW_MAX_CONFIG_BYTES. */
	memset(text, ';', OW_MAX_CONFIG_BYTES + 1);
	text[OW_MAX_CONFIG_BYTES + 1] = '\0';
	CHECK(load_text(text, &cfg, &err) == OW_ELIMIT);
	free(text);
}

/* inih reads lines into a fixed buffer (INI_MAX_LINE) and cuts longer ones:
 * the rest of such a line must not be read as a line of its own. */
static void test_long_line(void)
{
	char text[1024], pad[400];
	struct ow_config cfg;
	struct ow_err err;

	/* The longest line that fits: a 198-byte comment, then a key. */
	memset(pad, 'c', 197);
	pad[197] = '\0';
	snprintf(text, sizeof(text), "[server]\n;%s\nfqdn = short.example.com\n", pad);
	CHECK(load_text(text, &cfg, &err) == 0);
	CHECK_STR(cfg.fqdn, "short.example.com");

	/* A cert path whose tail, cut at 199 bytes, reads "key = /tmp/evil". */
	memset(pad, 'a', 192);
	pad[192] = '\0';
	snprintf(text, sizeof(text), "[tls]\ncert = %skey = /tmp/evil\n", pad);
	CHECK(load_text(text, &cfg, &err) == OW_ECONFIG);
	CHECK(strcmp(cfg.tls_key, "/tmp/evil") != 0);
	CHECK(strstr(err.msg, ":2") != NULL);

	/* A NUL would end inih's reading early. */
	{
		static const char nul[] = "[server]\nfqdn = a\0\n[tls]\nbogus = 1\n";

		memset(&err, 0, sizeof(err));
		REQUIRE(ow_write_file_atomic(conf, nul, sizeof(nul) - 1, 0600, &err) == 0);
		CHECK(config_load(dir, &cfg, &err) == OW_ECONFIG);
		CHECK(strstr(err.msg, ":2") != NULL);
	}

	/* A long comment is refused too, naming its line. */
	memset(pad, 'c', 300);
	pad[300] = '\0';
	snprintf(text, sizeof(text), "[server]\nfqdn = a\n; %s\n", pad);
	CHECK(load_text(text, &cfg, &err) == OW_ECONFIG);
	CHECK(strstr(err.msg, ":3") != NULL);
}

static void test_bool_and_path(void)
{
	static const struct {
		const char *s;
		int rc, v;
	} bools[] = {
		{ "true", 0, 1 }, { "True", 0, 1 }, { "yes", 0, 1 }, { "on", 0, 1 }, { "1", 0, 1 },
		{ "false", 0, 0 }, { "NO", 0, 0 }, { "off", 0, 0 }, { "0", 0, 0 },
		{ "", OW_EINVAL, 0 }, { "t", OW_EINVAL, 0 }, { "yess", OW_EINVAL, 0 },
		{ "2", OW_EINVAL, 0 }, { " true", OW_EINVAL, 0 },
	};
	char out[16];

	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		int v = -1;

		CHECK(config_bool(bools[i].s, &v) == bools[i].rc);
		if (bools[i].rc == 0)
			CHECK(v == bools[i].v);
	}
	CHECK(config_path("/d", "rel", out, sizeof(out)) == 0);
	CHECK_STR(out, "/d/rel");
	CHECK(config_path("/d", "/abs", out, sizeof(out)) == 0);
	CHECK_STR(out, "/abs");
	CHECK(config_path("/d", "0123456789abc", out, sizeof(out)) == OW_ELIMIT);
	CHECK(config_path("/d", "0123456789ab", out, sizeof(out)) == 0);
}

/* ---- config_set ---- */

struct set_case {
	const char *before;
	const char *section, *key, *value;
	const char *after;
};

#define SRV "; top comment\n[server]\nfqdn = a.example.com\n; port comment\nhttps_port = 8531\n"

static const struct set_case set_cases[] = {
	/* Replace: one line changes, comments stay. */
	{ SRV "\n[tls]\ncert = c.pem\n", "server", "fqdn", "b.example.com",
	  "; top comment\n[server]\nfqdn = b.example.com\n; port comment\nhttps_port = 8531\n"
	  "\n[tls]\ncert = c.pem\n" },
	{ SRV "\n[tls]\ncert = c.pem\n", "server", "https_port", "443",
	  "; top comment\n[server]\nfqdn = a.example.com\n; port comment\nhttps_port = 443\n"
	  "\n[tls]\ncert = c.pem\n" },
	/* Spacing and case as the administrator wrote it are replaced. */
	{ "[server]\n  FQDN:old\n", "server", "fqdn", "new", "[server]\nfqdn = new\n" },
	/* Add: at the end of the section, before the next one. */
	{ SRV "\n[tls]\ncert = c.pem\n", "server", "listen", "0.0.0.0",
	  SRV "listen = 0.0.0.0\n\n[tls]\ncert = c.pem\n" },
	{ SRV "\n[tls]\ncert = c.pem\n", "tls", "key", "k.key",
	  SRV "\n[tls]\ncert = c.pem\nkey = k.key\n" },
	/* A key that only starts like another is another key. */
	{ "[tls]\nca_key = ca.key\n", "tls", "ca", "ca.pem", "[tls]\nca_key = ca.key\nca = ca.pem\n" },
	/* The same key in another section is not touched. */
	{ "[tls]\nkey = t.key\n[server]\nfqdn = a\n", "server", "key", "x",
	  "[tls]\nkey = t.key\n[server]\nfqdn = a\nkey = x\n" },
	{ "[tls]\nkey = t.key\n[server]\ncookie_key = c.key\n", "tls", "key", "u.key",
	  "[tls]\nkey = u.key\n[server]\ncookie_key = c.key\n" },
	/* A commented-out key is a comment. */
	{ "[server]\n; listen = 1.2.3.4\n", "server", "listen", "::",
	  "[server]\n; listen = 1.2.3.4\nlisten = ::\n" },
	/* An empty section; a last line without newline. */
	{ "[server]\n[tls]\n", "server", "fqdn", "a", "[server]\nfqdn = a\n[tls]\n" },
	{ "[server]\nfqdn = a", "server", "listen", "x", "[server]\nfqdn = a\nlisten = x\n" },
	/* A new section at the end. */
	{ SRV, "store", "url", "sqlite:/var/lib/ow.db", SRV "\n[store]\nurl = sqlite:/var/lib/ow.db\n" },
	{ "", "store", "url", "sqlite:s.db", "\n[store]\nurl = sqlite:s.db\n" },
	{ "[server]\nfqdn = a", "store", "url", "sqlite:s.db",
	  "[server]\nfqdn = a\n[store]\nurl = sqlite:s.db\n" },
	/* Section names match without case, as when loading. */
	{ "[Server]\nFqdn = a\n", "server", "fqdn", "b", "[Server]\nfqdn = b\n" },
};

static void test_set_table(void)
{
	for (size_t i = 0; i < sizeof(set_cases) / sizeof(set_cases[0]); i++) {
		const struct set_case *c = &set_cases[i];
		struct ow_err err = { 0 };
		struct stat st;
		char *text;

		put(c->before, 0644);
		CHECK(config_set(conf, c->section, c->key, c->value, &err) == 0);
		text = get();
		REQUIRE(text != NULL);
		CHECK_STR(text, c->after);
		if (strcmp(text, c->after) != 0)
			fprintf(stderr, "  case %zu\n", i);
		free(text);
		REQUIRE(stat(conf, &st) == 0);
		CHECK((st.st_mode & 0777) == 0600);
	}
}

/* Replaces the first from in s (room permitting) by to. */
static int replace_once(char *s, const char *from, const char *to)
{
	char *p = strstr(s, from);
	size_t fl = strlen(from), tl = strlen(to);

	if (p == NULL)
		return 0;
	memmove(p + tl, p + fl, strlen(p + fl) + 1);
	memcpy(p, to, tl);
	return 1;
}

/* The default file edited the way configuressl does still loads, with the
 * new values, and every other line unchanged. */
static void test_set_default_reloads(void)
{
	char text[4096], want[4096];
	struct ow_config cfg;
	struct ow_err err = { 0 };
	char *got;

	REQUIRE(config_default_text("old.example.com", text, sizeof(text)) == 0);
	put(text, 0600);
	REQUIRE(config_set(conf, "server", "fqdn", "new.example.com", &err) == 0);
	REQUIRE(config_set(conf, "server", "https_port", "443", &err) == 0);
	REQUIRE(config_set(conf, "tls", "cert", "/etc/ssl/new.pem", &err) == 0);
	REQUIRE(config_set(conf, "serversync", "upstream", "https://up.example.com:8531", &err) == 0);

	/* The expected text: three lines replaced in place, one section added. */
	strcpy(want, text);
	REQUIRE(replace_once(want, "fqdn = old.example.com\n", "fqdn = new.example.com\n"));
	REQUIRE(replace_once(want, "https_port = 8531\n", "https_port = 443\n"));
	REQUIRE(replace_once(want, "cert = tls/server.pem\n", "cert = /etc/ssl/new.pem\n"));
	strcat(want, "\n[serversync]\nupstream = https://up.example.com:8531\n");
	got = get();
	REQUIRE(got != NULL);
	CHECK_STR(got, want);
	free(got);

	REQUIRE(config_load(dir, &cfg, &err) == 0);
	CHECK_STR(cfg.fqdn, "new.example.com");
	CHECK(cfg.https_port == 443 && cfg.http_port == 80);
	CHECK_STR(cfg.tls_cert, "/etc/ssl/new.pem");
	CHECK_STR(cfg.tls_key, at("tls/server.key"));
	CHECK_STR(cfg.listen, "127.0.0.1");
}

static void test_set_refused(void)
{
	static const char *const bad[] = {
		"a\nb", "a\rb", "a;b", "x\n[tls]\nkey = /tmp/evil", "; comment",
	};
	static const char before[] = "[server]\nfqdn = a\n";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ow_err err = { 0 };
		char *text;

		put(before, 0600);
		CHECK(config_set(conf, "server", "fqdn", bad[i], &err) == OW_EINVAL);
		CHECK(err.code == OW_EINVAL);
		text = get();
		REQUIRE(text != NULL);
		CHECK_STR(text, before);
		free(text);
	}
	/* A line inih could not read back whole is not written. */
	{
		char value[300];
		struct ow_err err = { 0 };
		struct ow_config cfg;
		char *text;

		memset(value, 'p', sizeof(value));
		value[0] = '/';
		value[198 - strlen("cert = ") + 1] = '\0';
		put(before, 0600);
		CHECK(config_set(conf, "tls", "cert", value, &err) == OW_ELIMIT);
		text = get();
		REQUIRE(text != NULL);
		CHECK_STR(text, before);
		free(text);
		/* One byte shorter: the longest line; it loads back whole. */
		value[198 - strlen("cert = ")] = '\0';
		CHECK(config_set(conf, "tls", "cert", value, &err) == 0);
		CHECK(config_load(dir, &cfg, &err) == 0);
		CHECK_STR(cfg.tls_cert, value);
	}
	/* A missing file is not created. */
	{
		struct ow_err err = { 0 };

		unlink(conf);
		CHECK(config_set(conf, "server", "fqdn", "a", &err) == OW_ENOENT);
		CHECK(access(conf, F_OK) != 0);
	}
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(conf, sizeof(conf), "%s/%s", dir, OW_CONFIG_FILE);
	RUN(test_default_file);
	RUN(test_empty_file_defaults);
	RUN(test_port_pair);
	RUN(test_modes);
	RUN(test_missing);
	RUN(test_load_table);
	RUN(test_values);
	RUN(test_too_long);
	RUN(test_long_line);
	RUN(test_bool_and_path);
	RUN(test_set_table);
	RUN(test_set_default_reloads);
	RUN(test_set_refused);
	unlink(conf);
	rmdir(dir);
	return check_done();
}
