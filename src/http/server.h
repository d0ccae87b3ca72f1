/* SPDX-License-Identifier: MIT */
/*
 * The HTTP server: an HTTPS listener on port P and a plain HTTP listener on
 * port Q (P-1, or 80 when P is 443), served by one worker thread per core.
 * Each worker has its own libevent loop and its own SO_REUSEPORT sockets,
 * so the kernel spreads connections and workers share nothing but the TLS
 * context and the connection count.
 *
 * Routing is by virtual root ("/ClientWebService", case-insensitive) and
 * says whether TLS is required. The server knows nothing of what a root
 * serves: handlers are plain functions given the request and a response.
 *
 * Signals (handled on the main thread): SIGHUP calls reload; SIGTERM and
 * SIGINT stop accepting, let in-flight requests finish (OW_DRAIN_TIMEOUT_MS
 * at most) and make http_server_run return 0.
 */
#ifndef OW_HTTP_SERVER_H
#define OW_HTTP_SERVER_H

#include "base/err.h"
#include "http/request.h"
#include "http/response.h"
#include "http/tls.h"

typedef void (*http_handler_fn)(struct http_request *req, struct http_response *res, void *arg);

enum {
	HTTP_ROUTE_TLS_REQUIRED = 1u << 0, /* plain HTTP gets 403 "SSL required" */
	HTTP_ROUTE_PLAIN_ONLY = 1u << 1,   /* HTTPS gets 403 (update content) */
};

struct http_route {
	const char *root;       /* "ClientWebService": matches "/ClientWebService" + "/"|"?"|end */
	unsigned flags;
	http_handler_fn fn;
	void *arg;
};

#define HTTP_MAX_ROUTES 16
#define HTTP_MAX_LISTEN 8

struct http_server_config {
	const char *listen;         /* comma-separated addresses ("127.0.0.1,::1") */
	int https_port;
	int http_port;
	int workers;                /* 0: one per online CPU */
	long max_connections;       /* 0: OW_MAX_CONNECTIONS */
	const struct http_route *routes;
	size_t nroutes;
	struct http_tls *tls;
	/* Called on SIGHUP from the main thread; logs its own outcome. */
	void (*reload)(void *arg);
	void *reload_arg;
	/* Called once every port is bound, before any connection is taken:
	 * where the caller gives up root. A negative return stops the server. */
	int (*after_bind)(void *arg, struct ow_err *err);
	void *after_bind_arg;
	/* Text added to the 403 for plain-only roots on HTTPS. */
	const char *plain_only_hint;
};

/* Finds the route for path, or NULL; sets *subpath to the rest of the path. */
const struct http_route *http_route_find(const struct http_route *routes, size_t n,
					 const char *path, const char **subpath);

/* Binds, calls after_bind, logs "ready https=P http=Q" and tells a service
 * manager (sd_notify READY=1), serves until SIGTERM/SIGINT. */
int http_server_run(const struct http_server_config *cfg, struct ow_err *err) OW_WUR;

#endif
