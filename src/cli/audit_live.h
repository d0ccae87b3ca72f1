/* SPDX-License-Identifier: MIT */
/*
 * What `openwsus audit` learns from a server running for the data
 * directory: whether one runs (its pid file names a live `openwsus serve`),
 * as which user, on which ports and addresses (the configuration with the
 * process's command-line overrides), and how it answers plain-HTTP requests
 * to the roots that require TLS. The verdicts are src/audit/'s.
 */
#ifndef OW_CLI_AUDIT_LIVE_H
#define OW_CLI_AUDIT_LIVE_H

#include "audit/audit.h"
#include "config/config.h"

/* Fills srv: running, pid, uid, listen and ports, or why_not when no
 * server runs for cfg->data_dir. Never signals the process. */
void audit_live_find(const struct ow_config *cfg, struct audit_server *srv);

/* When srv->running, sends one plain-HTTP GET to each TLS-required root and
 * to the admin API document on the HTTP port, and one to the HTTPS port, at
 * the first listen address (loopback for 0.0.0.0 or ::); each step is
 * bounded by OW_AUDIT_PROBE_TIMEOUT_MS. Fills the probe results. */
void audit_live_probe(const struct ow_config *cfg, struct audit_server *srv);

#endif
