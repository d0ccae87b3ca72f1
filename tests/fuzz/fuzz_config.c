/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for openwsus.conf parsing (inih plus openwsus's own
 * checks): any bytes either load or are refused with a message, and a
 * loaded configuration keeps its invariants: the port pairing rule, ports
 * in range, every path absolute or under the data directory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static void path_ok(const char *p)
{
	if (memchr(p, '\0', OW_MAX_PATH) == NULL)
		abort();
	if (p[0] != '\0' && p[0] != '/')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ow_config cfg;
	struct ow_err err = { 0 };

	if (config_parse("/var/lib/openwsus", (const char *)data, size, &cfg, &err) < 0) {
		if (err.msg[0] == '\0' || memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		return 0;
	}
	if (cfg.https_port < 2 || cfg.https_port > 65535 ||
	    cfg.http_port != (cfg.https_port == 443 ? 80 : cfg.https_port - 1))
		abort();
	if (cfg.workers < 0 || cfg.workers > 64 || cfg.max_connections < 0)
		abort();
	if (memchr(cfg.fqdn, '\0', sizeof(cfg.fqdn)) == NULL ||
	    memchr(cfg.listen, '\0', sizeof(cfg.listen)) == NULL)
		abort();
	path_ok(cfg.tls_cert);
	path_ok(cfg.tls_key);
	path_ok(cfg.tls_ca);
	path_ok(cfg.tls_ca_key);
	path_ok(cfg.tls_client_ca);
	path_ok(cfg.cookie_key);
	path_ok(cfg.content_dir);
	path_ok(cfg.uploads_dir);
	path_ok(cfg.publishers_dir);
	return 0;
}
