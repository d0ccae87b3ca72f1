/* SPDX-License-Identifier: MIT */
/*
 * openwsus.conf: an INI file in the data directory (inih). Relative paths in
 * it are relative to the data directory. A file writable by group or others
 * is refused, as is an unknown key in a section openwsus owns (a typo must
 * not silently weaken the configuration).
 *
 *   [server]
 *   fqdn = wsus.example.com
 *   https_port = 8531          ; content/HTTP port is 8530 (80 when 443)
 *   listen = 127.0.0.1
 *   content_over_https = false
 *   user = openwsus            ; serve started as root drops to this user
 *   group =                    ; default: the user's primary group
 *   [tls]
 *   cert = tls/server.pem      ; leaf + chain
 *   key = tls/server.key
 *   [store]
 *   url = sqlite:store.db
 */
#ifndef OW_CONFIG_CONFIG_H
#define OW_CONFIG_CONFIG_H

#include "base/err.h"
#include "base/limits.h"

#define OW_CONFIG_FILE "openwsus.conf"
#define OW_DEFAULT_HTTPS_PORT 8531
#define OW_DEFAULT_LISTEN "127.0.0.1"

struct ow_config {
	char data_dir[OW_MAX_PATH];
	char path[OW_MAX_PATH];             /* the openwsus.conf read */
	char fqdn[OW_MAX_FQDN + 1];
	int https_port;
	int http_port;                      /* derived: the guide's pairing rule */
	char listen[256];
	int content_over_https;
	int client_targeting;               /* groups come from the client (SimpleTargeting) */
	char user[64];                      /* service user (OW_DEFAULT_SERVICE_USER) */
	char group[64];                     /* "" : the user's primary group */
	int log_json;                       /* log_format = json */
	int workers;                        /* 0: one per CPU */
	long max_connections;               /* 0: OW_MAX_CONNECTIONS */
	char tls_cert[OW_MAX_PATH];         /* absolute after loading */
	char tls_key[OW_MAX_PATH];
	char tls_ca[OW_MAX_PATH];
	char tls_ca_key[OW_MAX_PATH];
	char tls_client_ca[OW_MAX_PATH];    /* "" unless client certificates are accepted */
	char cookie_key[OW_MAX_PATH];
	char content_dir[OW_MAX_PATH];
	char uploads_dir[OW_MAX_PATH];      /* admin API uploads in progress */
	char publishers_dir[OW_MAX_PATH];   /* trusted publishers' certificates */
	char store_url[OW_MAX_PATH];
};

/* Loads DIR/openwsus.conf over the defaults. */
int config_load(const char *data_dir, struct ow_config *cfg, struct ow_err *err) OW_WUR;

/* The same from text in memory (len bytes, need not be NUL-terminated),
 * with paths relative to data_dir: for tests and fuzzing. */
int config_parse(const char *data_dir, const char *text, size_t len, struct ow_config *cfg,
		 struct ow_err *err) OW_WUR;

/* Sets section.key = value in the file at path, keeping every other line
 * (comments, order, unknown sections) as it was; atomic replace, mode 0600. */
int config_set(const char *path, const char *section, const char *key, const char *value,
	       struct ow_err *err) OW_WUR;

/* The text of a new configuration for init. */
int config_default_text(const char *fqdn, char *buf, size_t len) OW_WUR;

/* "dir/rel" unless rel is absolute; OW_ELIMIT on truncation. */
int config_path(const char *dir, const char *rel, char *out, size_t len) OW_WUR;

/* The guide's pairing rule: HTTP content on 80 when HTTPS is on 443, else
 * on the port just below the HTTPS port. */
int config_port_pair(int https_port);

/* Parses "true/false/yes/no/1/0/on/off". */
int config_bool(const char *s, int *out) OW_WUR;

#endif
