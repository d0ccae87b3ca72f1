/* SPDX-License-Identifier: MIT */
/*
 * The admin API: JSON over HTTPS under /ApiRemoting30/api/v1/. Every call
 * but the OpenAPI description needs a principal of WSUS Administrators or
 * WSUS Reporters; Reporters read everything and change nothing.
 *
 *   GET  /ApiRemoting30/api/v1/updates?type=Software&q=KB2267602&limit=50
 *   POST /ApiRemoting30/api/v1/approvals
 *        {"update_id":"a2fef9b0-...","group":"Servers","action":"install",
 *         "deadline":"2026-12-01T00:00:00Z"}
 *
 * Authentication: Authorization: Basic with a local account (argon2id).
 * Failed attempts are throttled per account and per address (429 with
 * Retry-After once the free attempts are used up).
 */
#ifndef OW_ADMIN_API_H
#define OW_ADMIN_API_H

#include "auth/ratelimit.h"
#include "http/server.h"

struct admin_ctx {
	const char *store_url;
	const char *data_dir;
	const char *content_dir;
	const char *uploads_dir;        /* uploads in progress (0700) */
	const char *publishers_dir;     /* trusted publishers' certificates */
	struct auth_limiter *limiter;
};

/* The route handler for the ApiRemoting30 root (arg: struct admin_ctx). */
void admin_handle(struct http_request *req, struct http_response *res, void *arg);

/* The OpenAPI 3 description served at .../openapi.json. */
extern const char admin_openapi_json[];

#endif
