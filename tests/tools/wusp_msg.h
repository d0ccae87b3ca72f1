/* SPDX-License-Identifier: MIT */
/*
 * wusp_msg: the MS-WUSP client messages of a Windows Update Agent, without
 * a transport: request builders and strict answer readers for GetConfig,
 * GetAuthorizationCookie, GetCookie, RegisterComputer, SyncUpdates (the
 * software and driver passes), GetExtendedUpdateInfo and ReportEventBatch,
 * and the in-memory client cache a scan keeps. tests/tools/wusp-client
 * sends them one at a time on one curl handle; bench/storm drives many
 * clients at once through curl multi. Symbols carry the prefix wmsg_ (the
 * server's own module is wusp_; both link against libopenwsus.a).
 *
 * Life cycle of one client: wmsg_init, then for each call
 * wmsg_build_OP (the body is in m->req), a transport, wmsg_answer (checks
 * the HTTP status, content type and SOAP envelope, gives the response
 * element), wmsg_read_OP (applies it to the state); wmsg_reset to reuse
 * the buffers for another client; wmsg_release at the end.
 */
#ifndef OW_TESTS_WUSP_MSG_H
#define OW_TESTS_WUSP_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"
#include "xml/xml.h"

/* One answer body. A SyncUpdates page of a real WSUS is well under 1 MiB;
 * 64 MiB keeps a runaway server from exhausting a client. Larger: the
 * transfer is stopped and the answer is malformed (OW_EINVAL). */
#define WMSG_MAX_ANSWER_BYTES (64 * 1024 * 1024)

/* One request body: what the server accepts (OW_MAX_BODY_BYTES). */
#define WMSG_MAX_REQUEST_BYTES OW_MAX_BODY_BYTES

/* Revision ids per GetExtendedUpdateInfo (what WSUS announces as
 * MaxExtendedUpdatesPerRequest; a smaller announced value wins). */
#define WMSG_MAX_EXT_PER_CALL 50

/* Revisions the in-memory client cache holds (16 bytes each). */
#define WMSG_MAX_REVISIONS 500000

/* Events of one ReportEventBatch (what the server takes). */
#define WMSG_MAX_EVENTS OW_MAX_WUSP_EVENTS

/* One value copied out of an answer (ids, booleans, versions, dates);
 * a fault's message, cut to this many bytes. */
#define WMSG_MAX_VALUE 64
#define WMSG_MAX_FAULT_MSG 512

/* Install-deployed updates whose identity the state remembers (in the
 * order received), for reports of what was installed. */
#define WMSG_MAX_SEEN 8

#define WMSG_PROTOCOL_VERSION "2.90"

/* The server answered with a SOAP fault; m->fault says which. */
#define WMSG_E_FAULT (-100)

/* The services; a SOAPAction is the namespace, '/', the operation. */
enum wmsg_svc { WMSG_SVC_CLIENT, WMSG_SVC_AUTH, WMSG_SVC_REPORTING };

/* The path of svc under the server's base URL, and its namespace. */
const char *wmsg_svc_path(enum wmsg_svc svc);
const char *wmsg_svc_ns(enum wmsg_svc svc);

/* One revision of the client cache. */
struct wmsg_rev {
	int32_t id;
	uint32_t seq;           /* when it was last received: the later wins */
	unsigned char leaf;     /* IsLeaf */
	unsigned char install;  /* Deployment Action Install or Uninstall */
	unsigned char gone;     /* listed in OutOfScopeRevisionIDs */
	unsigned char installed; /* non-leaf: reported in InstalledNonLeafUpdateIDs (else
				  * in OtherCachedUpdateIDs, as any leaf) */
};

/* One event of a ReportEventBatch. */
struct wmsg_event {
	int32_t event_id;
	char update_id[37];
	int32_t revision;
	int32_t hresult;
};

/* The protocol state of one client. Fields marked "caller" are set by the
 * caller after wmsg_init (strings borrowed, valid while m is used); the
 * rest belongs to these functions. */
struct wmsg {
	const char *client_id;          /* caller: 1..OW_MAX_COOKIE_CLIENT_ID of [A-Za-z0-9{}-] */
	const char *group;              /* caller: targetGroupName, or NULL */
	const char *locale;             /* caller: the GetExtendedUpdateInfo locale */
	char dns[OW_MAX_FQDN + 1];      /* caller: the computer's DNS name */
	FILE *trace;                    /* caller: one line per fact (see wusp-client), or NULL */
	int light;                      /* caller: read a Core fragment's UpdateIdentity from its
					 * first start tag instead of parsing the fragment (the
					 * values are checked all the same) */
	/* caller: whether a new non-leaf revision (a category, a detectoid, an
	 * update others need) is installed on this client, from its Core
	 * fragment (NUL-terminated, len bytes): the client's evaluation of its
	 * applicability rules. NULL: every one is. */
	int (*installed)(void *arg, const char *core, size_t len);
	void *installed_arg;

	struct ow_buf req;              /* the request built last; appends are sticky:
					 * req_rc keeps the first failure */
	int req_rc;
	struct xml_doc *doc;            /* the parsed answer, until the next wmsg_answer */

	char *auth_cookie;              /* CookieData of SimpleAuth */
	char *cookie_exp, *cookie_data; /* the client cookie */
	int max_ext;                    /* revision ids per GetExtendedUpdateInfo */
	struct wmsg_rev *revs;          /* sorted by id in [0, nsorted) */
	size_t nrevs, nsorted, caprevs;
	uint32_t seq;
	size_t calls;                   /* SyncUpdates answers read so far */
	struct {
		char update_id[37];
		int32_t revision;
	} seen[WMSG_MAX_SEEN];          /* the first Install-deployed leaf updates */
	size_t nseen;

	struct {
		char op[32];
		char code[WMSG_MAX_VALUE + 1];
		char msg[WMSG_MAX_FAULT_MSG + 1];
	} fault;                        /* the last fault (WMSG_E_FAULT) */
};

/* ---- life cycle ---- */

/* Zeroes m and sets the buffers' ceilings; locale "en", max_ext the
 * protocol's 50. Allocates nothing. */
void wmsg_init(struct wmsg *m);
/* Forgets the protocol state (cookies, cache, counters, fault) but keeps
 * the caller's fields and the allocated buffers, for the next client. */
void wmsg_reset(struct wmsg *m);
void wmsg_release(struct wmsg *m);

/* ---- requests: each leaves the body of operation op in m->req ---- */

void wmsg_build_config(struct wmsg *m);
void wmsg_build_auth_cookie(struct wmsg *m);
void wmsg_build_cookie(struct wmsg *m);
void wmsg_build_register(struct wmsg *m);
/* The software pass (driver 0: the cache's installed non-leaf ids as
 * installed, the others as other cached), or the driver pass with one
 * printer. */
void wmsg_build_sync(struct wmsg *m, int driver);
void wmsg_build_extended(struct wmsg *m, const int32_t *ids, size_t n);
void wmsg_build_report(struct wmsg *m, const struct wmsg_event *ev, size_t nev);

/* Whether the request of op was built: 0, or OW_ELIMIT (larger than
 * WMSG_MAX_REQUEST_BYTES) or another code, with the message. */
int wmsg_request_ok(const struct wmsg *m, const char *op, struct ow_err *err) OW_WUR;

/* ---- answers ---- */

/*
 * Parses the answer of operation op of service svc: status and ctype as
 * received (ctype may be NULL), len bytes of body. Returns 0 with *result
 * the {ns}opResponse element (borrowed from m->doc: valid until the next
 * call), WMSG_E_FAULT with m->fault filled (HTTP 500 with a SOAP fault),
 * OW_EINVAL for anything else (another status, content type, not XML, not
 * the expected envelope), OW_ELIMIT/OW_ENOMEM.
 */
int wmsg_answer(struct wmsg *m, enum wmsg_svc svc, const char *op, long status, const char *ctype,
		const char *body, size_t len, const struct xml_node **result, struct ow_err *err) OW_WUR;

/* Readers of each response element: 0 or OW_EINVAL (malformed, the
 * message says where), OW_ELIMIT, OW_ENOMEM. */
int wmsg_read_config(struct wmsg *m, const struct xml_node *res, struct ow_err *err) OW_WUR;
int wmsg_read_auth_cookie(struct wmsg *m, const struct xml_node *res, struct ow_err *err) OW_WUR;
int wmsg_read_cookie(struct wmsg *m, const struct xml_node *res, struct ow_err *err) OW_WUR;
int wmsg_read_register(struct wmsg *m, const struct xml_node *res, struct ow_err *err) OW_WUR;
/* *more: the software pass goes on (new updates or Truncated);
 * *driver_not_needed: DriverSyncNotNeeded (absent: 0). *nnew: the new
 * updates of this answer (may be NULL). */
int wmsg_read_sync(struct wmsg *m, const struct xml_node *res, int *more, int *driver_not_needed,
		   size_t *nnew, struct ow_err *err) OW_WUR;
int wmsg_read_extended(struct wmsg *m, const struct xml_node *res, const int32_t *ids, size_t n,
		       struct ow_err *err) OW_WUR;
int wmsg_read_report(struct wmsg *m, const struct xml_node *res, size_t nev, struct ow_err *err) OW_WUR;

/* The next batch (at most m->max_ext ids) of cached leaf revisions whose
 * deployment is Install or Uninstall, from *cursor (start at 0) on, in id
 * order; returns how many went into batch (0: none left). */
size_t wmsg_next_extended(const struct wmsg *m, size_t *cursor, int32_t batch[WMSG_MAX_EXT_PER_CALL]);

/* ---- checks the tools share ---- */

/* Visible ASCII without space, 1..max characters. */
int wmsg_token_ok(const char *s, size_t max);
/* c is an ASCII letter or digit, or one of extra (never NUL). */
int wmsg_ch_in(char c, const char *extra);
/* Every character of s is wmsg_ch_in(extra). */
int wmsg_in_set(const char *s, const char *extra);
/* A GUID "8-4-4-4-12" of exactly n characters, written lower-case to out;
 * 0 or -1. */
int wmsg_guid_parse(const char *s, size_t n, char out[37]);

#endif
