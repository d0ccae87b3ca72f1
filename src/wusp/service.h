/* SPDX-License-Identifier: MIT */
/*
 * The MS-WUSP services: ClientWebService and SimpleAuthWebService. Each
 * request is decoded (wusp/request.h), its cookie opened (auth/cookie.h),
 * the catalog consulted, and the answer written (wusp/response.h); every
 * failure is a SOAP fault whose ErrorCode drives the client's recovery:
 * InvalidCookie and CookieExpired send it back to GetCookie,
 * ServerChanged to a full re-synchronization, InvalidParameters means the
 * request itself was refused.
 *
 * This version answers the handshake (GetConfig, GetAuthorizationCookie,
 * GetCookie, RegisterComputer, StartCategoryScan). The scan operations
 * check the cookie and then answer InternalServerError, saying they are
 * not provided yet.
 */
#ifndef OW_WUSP_SERVICE_H
#define OW_WUSP_SERVICE_H

#include <stdint.h>

#include "auth/cookie.h"
#include "base/limits.h"
#include "http/server.h"

struct wusp_ctx {
	const char *store_url;
	const char *data_dir;
	const char *fqdn;
	int https_port;
	int client_targeting;
	uint64_t server_epoch;      /* from the store's server id */
	int64_t config_since;       /* GetConfig's LastChange */
	struct cookie_keyring ring;
};

/* Loads the cookie key and the server's identity. */
int wusp_ctx_init(struct wusp_ctx *w, const char *store_url, const char *data_dir,
		  const char *cookie_key_path, const char *fqdn, int https_port, int client_targeting,
		  struct ow_err *err) OW_WUR;
void wusp_ctx_release(struct wusp_ctx *w);

/* Route handlers (arg: struct wusp_ctx). */
void wusp_client_handle(struct http_request *req, struct http_response *res, void *arg);
void wusp_simpleauth_handle(struct http_request *req, struct http_response *res, void *arg);

#endif
