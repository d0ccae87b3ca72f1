/* SPDX-License-Identifier: MIT */
/*
 * Reading and editing openwsus.conf. Reading goes through inih; editing is
 * textual (one key replaced or added) so that an administrator's comments
 * and ordering survive `configuressl`.
 */
#include "config/config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/priv.h"
#include "base/util.h"

struct load_ctx {
	struct ow_config *cfg;
	struct ow_err *err;
	int rc;
	char rel_cert[OW_MAX_PATH], rel_key[OW_MAX_PATH], rel_ca[OW_MAX_PATH],
		rel_ca_key[OW_MAX_PATH], rel_cookie[OW_MAX_PATH], rel_content[OW_MAX_PATH],
		rel_publishers[OW_MAX_PATH], rel_client_ca[OW_MAX_PATH];
};

int config_bool(const char *s, int *out)
{
	static const char *yes[] = { "true", "yes", "on", "1" };
	static const char *no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (ow_strncasecmp(s, yes[i], strlen(yes[i]) + 1) == 0) {
			*out = 1;
			return 0;
		}
		if (ow_strncasecmp(s, no[i], strlen(no[i]) + 1) == 0) {
			*out = 0;
			return 0;
		}
	}
	return OW_EINVAL;
}

int config_port_pair(int https_port)
{
	return https_port == 443 ? 80 : https_port - 1;
}

int config_path(const char *dir, const char *rel, char *out, size_t len)
{
	if (rel[0] == '/')
		return ow_fmt(out, len, "%s", rel);
	return ow_fmt(out, len, "%s/%s", dir, rel);
}

static int is(const char *a, const char *b)
{
	return ow_strncasecmp(a, b, strlen(b) + 1) == 0;
}

static int bad(struct load_ctx *lc, const char *section, const char *key, const char *why)
{
	lc->rc = ow_err_set(lc->err, OW_ECONFIG, "%s: [%s] %s: %s", lc->cfg->path, section, key,
			    why);
	return 0;
}

static int copy(struct load_ctx *lc, const char *section, const char *key,
		char *dst, size_t len, const char *value)
{
	if (ow_strlcpy(dst, value, len) < 0)
		return bad(lc, section, key, "value too long");
	return 1;
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
	struct load_ctx *lc = user;
	struct ow_config *cfg = lc->cfg;
	long long v;

	if (lc->rc < 0)
		return 0;
	if (key == NULL)
		return 1; /* a section header */
	if (is(section, "server")) {
		if (is(key, "fqdn"))
			return copy(lc, section, key, cfg->fqdn, sizeof(cfg->fqdn), value);
		if (is(key, "https_port")) {
			if (ow_parse_ll(value, 1, 65535, &v) < 0 || v == 1)
				return bad(lc, section, key, "must be a port 2..65535");
			cfg->https_port = (int)v;
			return 1;
		}
		if (is(key, "listen"))
			return copy(lc, section, key, cfg->listen, sizeof(cfg->listen), value);
		if (is(key, "content_over_https")) {
			if (config_bool(value, &cfg->content_over_https) < 0)
				return bad(lc, section, key, "must be true or false");
			return 1;
		}
		if (is(key, "log_format")) {
			if (is(value, "text"))
				cfg->log_json = 0;
			else if (is(value, "json"))
				cfg->log_json = 1;
			else
				return bad(lc, section, key, "must be text or json");
			return 1;
		}
		if (is(key, "targeting")) {
			if (is(value, "server"))
				cfg->client_targeting = 0;
			else if (is(value, "client"))
				cfg->client_targeting = 1;
			else
				return bad(lc, section, key, "must be server or client");
			return 1;
		}
		if (is(key, "workers")) {
			if (ow_parse_ll(value, 0, 64, &v) < 0)
				return bad(lc, section, key, "must be 0..64 (0: one per CPU)");
			cfg->workers = (int)v;
			return 1;
		}
		if (is(key, "max_connections")) {
			if (ow_parse_ll(value, 1, 1000000, &v) < 0)
				return bad(lc, section, key, "must be 1..1000000");
			cfg->max_connections = (long)v;
			return 1;
		}
		if (is(key, "user"))
			return copy(lc, section, key, cfg->user, sizeof(cfg->user), value);
		if (is(key, "group"))
			return copy(lc, section, key, cfg->group, sizeof(cfg->group), value);
		if (is(key, "cookie_key"))
			return copy(lc, section, key, lc->rel_cookie, sizeof(lc->rel_cookie), value);
		return bad(lc, section, key, "unknown key");
	}
	if (is(section, "tls")) {
		if (is(key, "cert"))
			return copy(lc, section, key, lc->rel_cert, sizeof(lc->rel_cert), value);
		if (is(key, "key"))
			return copy(lc, section, key, lc->rel_key, sizeof(lc->rel_key), value);
		if (is(key, "ca"))
			return copy(lc, section, key, lc->rel_ca, sizeof(lc->rel_ca), value);
		if (is(key, "ca_key"))
			return copy(lc, section, key, lc->rel_ca_key, sizeof(lc->rel_ca_key), value);
		if (is(key, "client_ca"))
			return copy(lc, section, key, lc->rel_client_ca, sizeof(lc->rel_client_ca), value);
		return bad(lc, section, key, "unknown key");
	}
	if (is(section, "store")) {
		if (is(key, "url"))
			return copy(lc, section, key, cfg->store_url, sizeof(cfg->store_url), value);
		return bad(lc, section, key, "unknown key");
	}
	if (is(section, "content")) {
		if (is(key, "dir"))
			return copy(lc, section, key, lc->rel_content, sizeof(lc->rel_content), value);
		return bad(lc, section, key, "unknown key");
	}
	if (is(section, "publishing")) {
		if (is(key, "trusted_publishers"))
			return copy(lc, section, key, lc->rel_publishers, sizeof(lc->rel_publishers), value);
		return bad(lc, section, key, "unknown key");
	}
	/* Sections read by other modules ([serversync], [upstream], ...). */
	return 1;
}

/* inih reads each line into a buffer of INI_MAX_LINE bytes and cuts a longer
 * one, reading its rest as a line of its own ("cert = <192 bytes>key = x"
 * would set key); it also stops at a NUL. Both are refused here, naming the
 * line. The longest line read whole is INI_MAX_LINE - 2 bytes and its '\n'. */
#define CONFIG_MAX_LINE (INI_MAX_LINE - 2)

static int check_lines(const char *path, const char *text, size_t len, struct ow_err *err)
{
	size_t col = 0;
	int line = 1;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			line++;
			col = 0;
		} else if (text[i] == '\0') {
			return ow_err_set(err, OW_ECONFIG, "%s:%d: NUL byte", path, line);
		} else if (++col > CONFIG_MAX_LINE) {
			return ow_err_set(err, OW_ECONFIG, "%s:%d: line longer than %d bytes", path,
					  line, CONFIG_MAX_LINE);
		}
	}
	return 0;
}

/* Defaults, then the text (len bytes, NUL-terminated) over them. */
static int parse(const char *data_dir, const char *text, size_t len, struct ow_config *cfg,
		 struct ow_err *err);

int config_load(const char *data_dir, struct ow_config *cfg, struct ow_err *err)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (ow_strlcpy(cfg->data_dir, data_dir, sizeof(cfg->data_dir)) < 0 ||
	    config_path(data_dir, OW_CONFIG_FILE, cfg->path, sizeof(cfg->path)) < 0)
		return ow_err_set(err, OW_ELIMIT, "data directory path too long");
	if (stat(cfg->path, &st) < 0)
		return ow_err_set(err, errno == ENOENT ? OW_ENOENT : OW_EIO,
				  "%s: %s (run 'openwsus init --data %s' first)", cfg->path,
				  strerror(errno), data_dir);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return ow_err_set(err, OW_EPERM,
				  "%s is writable by group or others: refusing it (chmod 600)",
				  cfg->path);
	rc = ow_read_file(cfg->path, OW_MAX_CONFIG_BYTES, &text, &len, err);
	if (rc < 0)
		return rc;
	rc = parse(data_dir, text, len, cfg, err);
	free(text);
	return rc;
}

int config_parse(const char *data_dir, const char *text, size_t len, struct ow_config *cfg,
		 struct ow_err *err)
{
	char *copy;
	int rc;

	if (len > OW_MAX_CONFIG_BYTES)
		return ow_err_set(err, OW_ELIMIT, "configuration larger than %d bytes", OW_MAX_CONFIG_BYTES);
	copy = malloc(len + 1);
	if (copy == NULL)
		return ow_err_set(err, OW_ENOMEM, "out of memory");
	memcpy(copy, text, len);
	copy[len] = '\0';
	memset(cfg, 0, sizeof(*cfg));
	if (ow_strlcpy(cfg->data_dir, data_dir, sizeof(cfg->data_dir)) < 0 ||
	    config_path(data_dir, OW_CONFIG_FILE, cfg->path, sizeof(cfg->path)) < 0) {
		free(copy);
		return ow_err_set(err, OW_ELIMIT, "data directory path too long");
	}
	rc = parse(data_dir, copy, len, cfg, err);
	free(copy);
	return rc;
}

static int parse(const char *data_dir, const char *text, size_t len, struct ow_config *cfg,
		 struct ow_err *err)
{
	struct load_ctx lc = { .cfg = cfg, .err = err };
	int rc;

	cfg->https_port = OW_DEFAULT_HTTPS_PORT;
	strcpy(cfg->listen, OW_DEFAULT_LISTEN);
	strcpy(cfg->user, OW_DEFAULT_SERVICE_USER);
	strcpy(cfg->store_url, "sqlite:store.db");
	strcpy(lc.rel_cert, "tls/server.pem");
	strcpy(lc.rel_key, "tls/server.key");
	strcpy(lc.rel_ca, "tls/ca.pem");
	strcpy(lc.rel_ca_key, "tls/ca.key");
	strcpy(lc.rel_cookie, "keys/cookie.key");
	strcpy(lc.rel_content, "content");
	strcpy(lc.rel_publishers, "trusted-publishers");

	if ((rc = check_lines(cfg->path, text, len, err)) < 0)
		return rc;
	rc = ini_parse_string(text, on_entry, &lc);
	if (lc.rc < 0)
		return lc.rc;
	if (rc != 0)
		return ow_err_set(err, OW_ECONFIG, "%s:%d: syntax error", cfg->path, rc);
	cfg->http_port = config_port_pair(cfg->https_port);
	if (config_path(data_dir, lc.rel_cert, cfg->tls_cert, sizeof(cfg->tls_cert)) < 0 ||
	    config_path(data_dir, lc.rel_key, cfg->tls_key, sizeof(cfg->tls_key)) < 0 ||
	    config_path(data_dir, lc.rel_ca, cfg->tls_ca, sizeof(cfg->tls_ca)) < 0 ||
	    config_path(data_dir, lc.rel_ca_key, cfg->tls_ca_key, sizeof(cfg->tls_ca_key)) < 0 ||
	    config_path(data_dir, lc.rel_cookie, cfg->cookie_key, sizeof(cfg->cookie_key)) < 0 ||
	    config_path(data_dir, lc.rel_content, cfg->content_dir, sizeof(cfg->content_dir)) < 0 ||
	    config_path(data_dir, "uploads", cfg->uploads_dir, sizeof(cfg->uploads_dir)) < 0 ||
	    (lc.rel_client_ca[0] &&
	     config_path(data_dir, lc.rel_client_ca, cfg->tls_client_ca, sizeof(cfg->tls_client_ca)) < 0) ||
	    config_path(data_dir, lc.rel_publishers, cfg->publishers_dir, sizeof(cfg->publishers_dir)) < 0)
		return ow_err_set(err, OW_ELIMIT, "a configured path is too long");
	return 0;
}

int config_default_text(const char *fqdn, char *buf, size_t len)
{
	return ow_fmt(buf, len,
		      "; openwsus configuration. Paths are relative to this directory.\n"
		      "[server]\n"
		      "; clients and downstream servers must use this name (a FQDN the\n"
		      "; certificate covers); change it with 'openwsus configuressl'\n"
		      "fqdn = %s\n"
		      "; HTTPS metadata port P; update content is served on P-1 (80 when P is 443)\n"
		      "https_port = %d\n"
		      "; comma-separated addresses; 0.0.0.0 or :: for all (behind a firewall)\n"
		      "listen = %s\n"
		      "; update files travel on the HTTP port; their integrity comes from the\n"
		      "; digests in the HTTPS metadata\n"
		      "content_over_https = false\n"
		      "; computer groups: 'server' (administrators assign computers) or 'client'\n"
		      "; (the group names a client sends, WSUS's client-side targeting)\n"
		      "targeting = server\n"
		      "; 'serve' started as root binds its ports, then runs as this user for\n"
		      "; good (group: the user's primary group unless 'group' is set)\n"
		      "user = %s\n"
		      "workers = 0\n"
		      "max_connections = %d\n"
		      "cookie_key = keys/cookie.key\n"
		      "\n[tls]\n"
		      "cert = tls/server.pem\n"
		      "key = tls/server.key\n"
		      "ca = tls/ca.pem\n"
		      "ca_key = tls/ca.key\n"
		      "\n[store]\n"
		      "url = sqlite:store.db\n"
		      "\n[content]\n"
		      "dir = content\n"
		      "\n[publishing]\n"
		      "; certificates (PEM) of the publishers whose signed updates are accepted\n"
		      "trusted_publishers = trusted-publishers\n",
		      fqdn, OW_DEFAULT_HTTPS_PORT, OW_DEFAULT_LISTEN, OW_DEFAULT_SERVICE_USER,
		      OW_MAX_CONNECTIONS);
}

/* Is line "[name]" (spaces allowed)? Copies the name into sec. */
static int line_section(const char *line, size_t len, char *sec, size_t seclen)
{
	size_t i = 0, j;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len || line[i] != '[')
		return 0;
	j = ++i;
	while (j < len && line[j] != ']')
		j++;
	if (j == len || j - i >= seclen)
		return 0;
	memcpy(sec, line + i, j - i);
	sec[j - i] = '\0';
	return 1;
}

static int line_key_is(const char *line, size_t len, const char *key)
{
	size_t i = 0, k = strlen(key);

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (len - i < k || ow_strncasecmp(line + i, key, k) != 0)
		return 0;
	i += k;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && (line[i] == '=' || line[i] == ':');
}

int config_set(const char *path, const char *section, const char *key, const char *value,
	       struct ow_err *err)
{
	char *text = NULL, *out = NULL, sec[64] = "";
	size_t len = 0, o = 0, cap, insert_at = (size_t)-1;
	int in_sec = 0, done = 0, rc;
	char newline[OW_MAX_PATH + 128];

	if (strchr(value, '\n') || strchr(value, '\r') || strchr(value, ';'))
		return ow_err_set(err, OW_EINVAL, "value for %s may not contain newlines or ';'", key);
	if (ow_fmt(newline, sizeof(newline), "%s = %s\n", key, value) < 0 ||
	    strlen(newline) - 1 > CONFIG_MAX_LINE)
		return ow_err_set(err, OW_ELIMIT, "value for %s too long", key);
	rc = ow_read_file(path, OW_MAX_CONFIG_BYTES, &text, &len, err);
	if (rc < 0)
		return rc;
	cap = len + strlen(newline) + strlen(section) + 8;
	out = malloc(cap);
	if (out == NULL) {
		free(text);
		return ow_err_set(err, OW_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < len;) {
		size_t e = i;

		while (e < len && text[e] != '\n')
			e++;
		if (e < len)
			e++; /* include '\n' */
		if (line_section(text + i, e - i, sec, sizeof(sec))) {
			if (in_sec && !done && insert_at != (size_t)-1) {
				/* key absent from its section: add it at the end of it */
				memmove(out + insert_at + strlen(newline), out + insert_at, o - insert_at);
				memcpy(out + insert_at, newline, strlen(newline));
				o += strlen(newline);
				done = 1;
			}
			in_sec = is(sec, section);
		} else if (in_sec && !done && line_key_is(text + i, e - i, key)) {
			memcpy(out + o, newline, strlen(newline));
			o += strlen(newline);
			done = 1;
			i = e;
			continue;
		}
		memcpy(out + o, text + i, e - i);
		o += e - i;
		if (in_sec) {
			/* remember where the section's last non-blank line ends */
			int blank = 1;

			for (size_t k = i; k < e; k++)
				if (text[k] != ' ' && text[k] != '\t' && text[k] != '\n' && text[k] != '\r')
					blank = 0;
			if (!blank) {
				insert_at = o;
				if (out[o - 1] != '\n')
					out[o++] = '\n', insert_at = o;
			}
		}
		i = e;
	}
	if (!done && in_sec && insert_at != (size_t)-1) {
		memmove(out + insert_at + strlen(newline), out + insert_at, o - insert_at);
		memcpy(out + insert_at, newline, strlen(newline));
		o += strlen(newline);
		done = 1;
	}
	if (!done) {
		int n = snprintf(out + o, cap - o, "%s[%s]\n%s", (o && out[o - 1] != '\n') ? "\n" : "\n",
				 section, newline);

		o += (size_t)n;
	}
	rc = ow_write_file_atomic(path, out, o, 0600, err);
	free(text);
	free(out);
	return rc;
}
