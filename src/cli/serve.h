/* SPDX-License-Identifier: MIT */
/*
 * The pieces `openwsus serve` assembles: the route table (which virtual
 * root goes to which service, and whether it needs TLS) and the handlers
 * that live at this level because they join layers (content files served
 * over HTTP) or stand in for services not built yet.
 */
#ifndef OW_CLI_SERVE_H
#define OW_CLI_SERVE_H

#include <pthread.h>
#include <stddef.h>

#include "admin/api.h"
#include "config/config.h"
#include "http/server.h"
#include "wusp/service.h"

struct serve_ctx {
	struct ow_config cfg;
	struct admin_ctx admin;
	struct wusp_ctx wusp;
	int content_fd;         /* O_DIRECTORY descriptor of the content directory */
	struct http_tls *tls;
	/* Held by the /pki handler while it checks and re-signs the lab CRL, so
	 * worker threads sign it once, not once each. Whoever makes the context
	 * for serving sets it to PTHREAD_MUTEX_INITIALIZER (audit builds the
	 * route table only and never calls a handler). */
	pthread_mutex_t crl_lock;
};

/* ---- the lab CA's revocation list ------------------------------------ */

/* The lab CRL, relative to the data directory: DER, mode 0644, served at
 * /pki/ca.crl on both ports. */
#define SERVE_LAB_CRL "tls/ca.crl"

/* Each lab CRL is signed for 30 days; the server signs a new one when a
 * request finds fewer than 7 left, so a client that cached the list for
 * its whole life never holds an expired one while the server runs. */
#define SERVE_LAB_CRL_DAYS 30
#define SERVE_LAB_CRL_RENEW_DAYS 7

/* Writes into out (len bytes) the URL lab certificates name as their CRL
 * distribution point: "http://FQDN:HTTP_PORT/pki/ca.crl", without ":80"
 * when http_port is 80. fqdn has passed ow_fqdn_check; a trailing dot is
 * dropped. Returns 0, OW_EINVAL for a port outside 1..65535, or OW_ELIMIT
 * when out is too small. */
int serve_lab_crl_url(const char *fqdn, int http_port, char *out, size_t len) OW_WUR;

/* Signs a new lab CRL (SERVE_LAB_CRL_DAYS) with cfg's lab CA and writes it
 * to DIR/SERVE_LAB_CRL atomically. x509_make_crl's errors. */
int serve_lab_crl_write(const struct ow_config *cfg, struct ow_err *err) OW_WUR;

/* Fills routes (room for HTTP_MAX_ROUTES) for ctx; returns the count. */
size_t serve_routes(struct serve_ctx *ctx, struct http_route *routes);

/* Content type for a content file extension ("cab", "exe", ...). */
const char *serve_content_type(const char *ext);

#endif
