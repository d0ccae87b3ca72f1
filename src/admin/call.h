/* SPDX-License-Identifier: MIT */
/*
 * Internal to the admin API: one request being answered, and the helpers
 * every handler file uses to read its JSON body and answer.
 */
#ifndef OW_ADMIN_CALL_H
#define OW_ADMIN_CALL_H

#include <jansson.h>

#include "admin/api.h"
#include "store/store.h"

#define MAX_SEGS 5

struct call {
	struct http_request *req;
	struct http_response *res;
	struct admin_ctx *ctx;
	struct store *st;
	struct store_principal_row who;
	int is_admin;
	char seg[MAX_SEGS][128];
	int nseg;
	json_t *body;
};

/* Answers status with j (taken; may be NULL for no body). */
void admin_reply(struct call *c, int status, json_t *j);
/* Answers {"error": code, "message": ...}. */
void admin_error(struct call *c, int status, const char *code, const char *fmt, ...) OW_PRINTF(4, 5);
/* Answers the HTTP status for a catalog error (the one mapping switch). */
void admin_fail(struct call *c, const struct ow_err *e);
/* Parses the body as a JSON object into c->body; answers 400 and returns
 * -1 when it is not one. */
int admin_body(struct call *c);
/* String member key of the body, or NULL (answered 400 when required or
 * of the wrong type). */
const char *admin_str(struct call *c, const char *key, int required);

/* Publishing (publish.c). */
void admin_upload_start(struct call *c);
void admin_upload_put(struct call *c, const char *id);
void admin_upload_delete(struct call *c, const char *id);
void admin_publish(struct call *c);

#endif
