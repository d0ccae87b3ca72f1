/* SPDX-License-Identifier: MIT */
/*
 * The admin API client shared by the administration verbs (approve, decline,
 * group, computer, report, user list|create): libcurl over HTTPS only, the
 * server authenticated against the --ca file alone (never the system store),
 * no proxy whatever the environment says, Basic credentials whose password
 * comes from OPENWSUS_PASSWORD or one line of stdin, never an argument.
 *
 *   POST https://wsus.example.com:8531/ApiRemoting30/api/v1/declines
 *   {"update_id":"266f6222-c89d-43f2-9f8a-69340271e677"}
 *   -> 201 {"update_id":"266f6222-..."}
 *   -> 403 {"error":"forbidden","message":"WSUS Reporters have read-only access"}
 *
 * Life cycle: api_opts_init, api_opts_parse for each getopt code, then
 * api_opts_check (usage errors, before any password is read), api_client_new
 * (reads the password), api_call as often as needed, api_client_free.
 */
#ifndef OW_CLI_APICLIENT_H
#define OW_CLI_APICLIENT_H

#include <getopt.h>
#include <jansson.h>
#include <stddef.h>

#include "base/err.h"
#include "base/limits.h"

/* getopt_long codes of the options every administration verb takes. */
enum {
	API_OPT_SERVER = 0x1000,
	API_OPT_CA,
	API_OPT_USER,
	API_OPT_RESOLVE,
	API_OPT_JSON,
};

/* Put inside a verb's struct option array, before its { NULL } end. There
 * is deliberately no --password: passwords never appear in argv. */
#define API_CLIENT_OPTIONS                                              \
	{ "server", required_argument, NULL, API_OPT_SERVER },          \
	{ "ca", required_argument, NULL, API_OPT_CA },                  \
	{ "user", required_argument, NULL, API_OPT_USER },              \
	{ "resolve", required_argument, NULL, API_OPT_RESOLVE },        \
	{ "json", no_argument, NULL, API_OPT_JSON }

#define API_CLIENT_USAGE "--server https://FQDN:PORT --ca FILE --user NAME [--resolve NAME:PORT:ADDR] [--json]"

/* The common options, borrowed from argv (no copies). */
struct api_opts {
	const char *server;
	const char *ca;
	const char *user;
	const char *resolve[OW_API_MAX_RESOLVE];
	int nresolve;
	int too_many_resolve;   /* more than OW_API_MAX_RESOLVE given */
	int json;
};

void api_opts_init(struct api_opts *o);

/* Takes one getopt_long code with its argument. Returns 0 when the code is
 * one of API_OPT_*, -1 otherwise (the verb's own usage error). */
int api_opts_parse(struct api_opts *o, int code, const char *arg) OW_WUR;

/* Checks the options before anything is read or sent: --server must be an
 * https:// URL without credentials (http:// is refused with the hardening
 * guide's reason), --ca and --user are required, --resolve is NAME:PORT:ADDR.
 * Prints "openwsus VERB: why" and the usage line and returns 2 (CLI_USAGE),
 * or returns 0. */
int api_opts_check(const struct api_opts *o, const char *verb, const char *usage) OW_WUR;

struct api_client;

/* A client for the server in o (checked by api_opts_check; o must outlive
 * the client). Reads the password of o->user from OPENWSUS_PASSWORD (then
 * wiped from the environment) or else one line of stdin (no echo on a
 * terminal). The password is kept only inside the Authorization header,
 * which api_client_free wipes. On failure *out is NULL. */
int api_client_new(const struct api_opts *o, struct api_client **out, struct ow_err *err) OW_WUR;

/* Wipes the credentials and frees everything; NULL is allowed. */
void api_client_free(struct api_client *c);

/* One call: method "GET", "POST" or "DELETE"; path_and_query below
 * /ApiRemoting30/api/v1/ ("groups", "updates?type=Software"); body (may be
 * NULL, borrowed) is sent as JSON. *status gets the HTTP status (0 when no
 * answer came). On a 2xx answer returns 0 and *reply owns the parsed JSON
 * (NULL for 204); the caller decrefs it. Otherwise returns a negative OW_E*
 * with err->msg saying why: the server's {"error","message"} for a refusal,
 * or what failed on the way (TLS verification, timeout, oversize reply). */
int api_call(struct api_client *c, const char *method, const char *path_and_query, json_t *body_or_null,
	     long *status, json_t **reply, struct ow_err *err) OW_WUR;

/* The same with a raw body (method "POST" or "PUT"; e.g. a piece of an
 * upload); the reply is handled as for api_call. */
int api_call_bytes(struct api_client *c, const char *method, const char *path_and_query,
		   const void *body, size_t body_len, long *status, json_t **reply,
		   struct ow_err *err) OW_WUR;

/* Reads one line from stdin into buf (len bytes, NUL included) without
 * stdio buffering, so no copy stays behind; prompt goes to stderr and echo
 * is off when stdin is a terminal. Returns 0, OW_EINVAL at end of input
 * with nothing read, OW_ELIMIT when the line is too long (buf wiped). */
int api_read_secret(const char *prompt, char *buf, size_t len) OW_WUR;

/* 1 when s can stand as one path segment as it is: 1..127 of A-Z a-z 0-9
 * - . _ ~ (the server takes no percent-encoding in its paths). */
int api_segment_ok(const char *s);

/* Percent-encodes s for a query string value (everything but A-Z a-z 0-9
 * - . _ ~) into out. Returns 0, or OW_ELIMIT when out is too small. */
int api_query_escape(const char *s, char *out, size_t len) OW_WUR;

/* Finds a computer group by id or name (case-insensitive) and copies its id
 * into out. Returns 0, OW_ENOENT when there is none, or the call's error. */
int api_group_id(struct api_client *c, const char *id_or_name, char *out, size_t len,
		 struct ow_err *err) OW_WUR;

/* The string at obj[key], or NULL when absent or not a string. */
const char *api_str(const json_t *obj, const char *key);

/* The name of the group with id in a /groups "items" array; the id itself
 * when it is not there; NULL when id is NULL. */
const char *api_group_name(const json_t *items, const char *id);

/* Prints j on stdout: indented on a terminal, one line otherwise. */
void api_print_json(const json_t *j);

#endif
