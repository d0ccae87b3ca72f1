/* SPDX-License-Identifier: MIT */
/*
 * The pieces `openwsus serve` assembles: the route table (which virtual
 * root goes to which service, and whether it needs TLS) and the handlers
 * that live at this level because they join layers (content files served
 * over HTTP) or stand in for services not built yet.
 */
#ifndef OW_CLI_SERVE_H
#define OW_CLI_SERVE_H

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
};

/* Fills routes (room for HTTP_MAX_ROUTES) for ctx; returns the count. */
size_t serve_routes(struct serve_ctx *ctx, struct http_route *routes);

/* Content type for a content file extension ("cab", "exe", ...). */
const char *serve_content_type(const char *ext);

#endif
