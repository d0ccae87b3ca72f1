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
 * ClientWebService answers the handshake (GetConfig, GetCookie,
 * RegisterComputer, StartCategoryScan) and the scan (SyncUpdates,
 * GetExtendedUpdateInfo, GetFileLocations, RefreshCache) from the scan
 * snapshot (wusp/cache.h); SimpleAuthWebService GetAuthorizationCookie;
 * ReportingWebService ReportEventBatch. GetTimestamps, which MS-WUSP does
 * not describe, is refused with InvalidParameters naming it.
 */
#ifndef OW_WUSP_SERVICE_H
#define OW_WUSP_SERVICE_H

#include <stdint.h>

#include "auth/cookie.h"
#include "base/limits.h"
#include "http/server.h"
#include "wusp/cache.h"

struct wusp_ctx {
	const char *store_url;
	const char *data_dir;
	const char *fqdn;
	int https_port;
	int content_port;           /* HTTP port of FileLocation URLs; set by the caller */
	int client_targeting;
	uint64_t server_epoch;      /* from the store's server id */
	int64_t config_since;       /* GetConfig's LastChange */
	struct cookie_keyring ring;
	struct wusp_cache cache;
};

/* Loads the cookie key and the server's identity. */
int wusp_ctx_init(struct wusp_ctx *w, const char *store_url, const char *data_dir,
		  const char *cookie_key_path, const char *fqdn, int https_port, int client_targeting,
		  struct ow_err *err) OW_WUR;
void wusp_ctx_release(struct wusp_ctx *w);

/* Route handlers (arg: struct wusp_ctx). */
void wusp_client_handle(struct http_request *req, struct http_response *res, void *arg);
void wusp_simpleauth_handle(struct http_request *req, struct http_response *res, void *arg);
void wusp_reporting_handle(struct http_request *req, struct http_response *res, void *arg);

#endif
