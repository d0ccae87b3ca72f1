/* SPDX-License-Identifier: MIT */
/*
 * MS-WUSP response bodies: the SOAP 1.1 envelope WSUS answers with and the
 * results of the handshake operations. Pure writers into a bounded buffer;
 * values come from the caller (catalog, cookies), never from templates.
 *
 *   <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
 *     <s:Body xmlns:xsi="..." xmlns:xsd="...">
 *       <GetConfigResponse xmlns="http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService">
 *         <GetConfigResult><LastChange>...</LastChange>...</GetConfigResult>
 */
#ifndef OW_WUSP_RESPONSE_H
#define OW_WUSP_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define WUSP_NS_CLIENT "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"
#define WUSP_NS_SIMPLEAUTH "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService"
#define WUSP_NS_REPORTING "http://www.microsoft.com/SoftwareDistribution"

/* The protocol version openwsus serves (GetConfig's ProtocolVersion). */
#define WUSP_PROTOCOL_VERSION "3.2"
/* Revisions a client may ask for in one GetExtendedUpdateInfo. */
#define WUSP_MAX_EXTENDED_PER_REQUEST 50

/* ---- building blocks ----
 *
 * Every writer appends to b and returns 0, or OW_ELIMIT when b's ceiling
 * is crossed; b may then hold a partial answer, which the caller discards. */

/* Opens "<s:Envelope><s:Body ...><{op}Response xmlns=ns>" and closes it. */
int wusp_open(struct ow_buf *b, const char *op, const char *ns) OW_WUR;
int wusp_close(struct ow_buf *b, const char *op) OW_WUR;

/* Writes <name>text</name> with text escaped. */
int wusp_elem(struct ow_buf *b, const char *name, const char *text) OW_WUR;

/* Unix seconds as the xs:dateTime WSUS writes ("2026-10-04T13:17:07Z"). */
void wusp_time(int64_t t, char out[32]);

/* ---- the handshake ---- */

struct wusp_config {
	int64_t last_change;        /* when the server's configuration last changed */
	int registration_required;
	int client_reporting_level; /* 2 as WSUS: report all events */
	int inventory_required;
};

/* The whole GetConfig response. */
int wusp_get_config(struct ow_buf *b, const struct wusp_config *c) OW_WUR;

/* The whole GetAuthorizationCookie response (cookie_b64: sealed cookie). */
int wusp_get_auth_cookie(struct ow_buf *b, const char *cookie_b64) OW_WUR;

/* A client cookie element (Expiration + EncryptedData) named elem. */
int wusp_cookie(struct ow_buf *b, const char *elem, int64_t expires, const char *cookie_b64) OW_WUR;

/* The whole GetCookie response. */
int wusp_get_cookie(struct ow_buf *b, int64_t expires, const char *cookie_b64) OW_WUR;

/* The whole (empty) RegisterComputer response. */
int wusp_register_computer(struct ow_buf *b) OW_WUR;

/* The whole StartCategoryScan response: the category ids openwsus will
 * scan (those of the request it knows). */
int wusp_start_category_scan(struct ow_buf *b, const char *const *ids, size_t n) OW_WUR;

/* ---- the scan: SyncUpdates, GetExtendedUpdateInfo, GetFileLocations ----
 *
 *   <SyncUpdatesResult><NewUpdates><UpdateInfo><ID>108226</ID>
 *     <Deployment><ID>8059</ID><Action>Evaluate</Action>...</Deployment>
 *     <IsLeaf>false</IsLeaf><Xml>&lt;UpdateIdentity UpdateID="..." /&gt;...</Xml>
 *   </UpdateInfo></NewUpdates><Truncated>false</Truncated><NewCookie>...
 *
 * Xml fragments are raw XML text from the caller (xml_len bytes, no NUL
 * needed), written as element text: &, < and > become entities, quotes
 * stay literal as in WSUS's answers; control characters, NUL and invalid
 * UTF-8 become U+FFFD as soap_escape does. Other text goes through
 * soap_escape.
 * Optional lists are left out when empty, as WSUS does; lists the protocol
 * always carries are written as <Name></Name> when empty. */

enum wusp_action { WUSP_ACTION_EVALUATE, WUSP_ACTION_INSTALL, WUSP_ACTION_UNINSTALL, WUSP_ACTION_BUNDLE };

/* "Evaluate", "Install", "Uninstall", "Bundle"; "Evaluate" (installs
 * nothing) for a value outside the enum. Never NULL. */
const char *wusp_action_name(enum wusp_action a);

/* What the server decided for one revision and this client. */
struct wusp_deployment {
	int32_t id;
	enum wusp_action action;
	int64_t deadline;        /* Unix seconds; 0: no Deadline element */
	int64_t last_change;     /* Unix seconds; written as the date only, "2026-10-04" (UTC), as WSUS does */
};

/* One UpdateInfo: the revision, its deployment and its Core fragment. */
struct wusp_update_info {
	int32_t revision_id;
	struct wusp_deployment deployment;
	int is_leaf;
	const char *xml;         /* the Core fragment, raw XML text; written escaped;
				  * NULL: no Xml element (ChangedUpdates) */
	size_t xml_len;
};

/* Everything a SyncUpdates answer carries; all pointers borrowed. */
struct wusp_sync_result {
	const struct wusp_update_info *updates;  /* NewUpdates: element written only when nupdates > 0 (WSUS omits it, see scan/000009) */
	size_t nupdates;
	const int32_t *out_of_scope;             /* OutOfScopeRevisionIDs/int: written only when n > 0 */
	size_t nout_of_scope;
	const struct wusp_update_info *changed;  /* ChangedUpdates/UpdateInfo: written only when n > 0 */
	size_t nchanged;
	int truncated;
	int64_t cookie_expires;                  /* NewCookie/Expiration (format as wusp_cookie does) */
	const char *cookie_b64;                  /* NewCookie/EncryptedData */
	const int32_t *deployed_out_of_scope;    /* DeployedOutOfScopeRevisionIds/int: written only when present */
	size_t ndeployed_out_of_scope;
	int deployed_out_of_scope_present;
	int driver_sync_not_needed;              /* DriverSyncNotNeeded true/false, always written */
};

/*
 * The whole SyncUpdates response. Element order (MS-WUSP 2.2.2.2.4
 * SyncInfo): NewUpdates, OutOfScopeRevisionIDs, ChangedUpdates, Truncated,
 * NewCookie, DeployedOutOfScopeRevisionIds, DriverSyncNotNeeded.
 * UpdateInfo: ID, Deployment, IsLeaf, Xml. Deployment: ID, Action,
 * Deadline (only when set; xs:dateTime as wusp_time writes it), IsAssigned
 * (true), LastChangeTime (date only), AutoSelect 0, AutoDownload 0,
 * SupersedenceBehavior 0, as in WSUS's answers (no FlagBitmask).
 * DeployedOutOfScopeRevisionIds present but empty is written empty.
 */
int wusp_sync_updates(struct ow_buf *b, const struct wusp_sync_result *r) OW_WUR;

/* One Update of GetExtendedUpdateInfo: a revision and one of its fragments. */
struct wusp_update_data {
	int32_t revision_id;
	const char *xml;         /* an Extended or LocalizedProperties fragment, raw */
	size_t xml_len;
};

/* Where a client downloads one file. */
struct wusp_file_location {
	unsigned char sha1[20];  /* FileDigest, written base64 */
	const char *url;         /* Url */
};

/*
 * The whole GetExtendedUpdateInfo response. Result element order (MS-WUSP
 * ExtendedUpdateInfo): Updates (Update: ID, Xml), FileLocations
 * (FileLocation: FileDigest, Url), OutOfScopeRevisionIDs (int); each
 * written only when its list is not empty (WSUS's scan/000010 has Updates
 * only).
 */
int wusp_get_extended_update_info(struct ow_buf *b, const struct wusp_update_data *u, size_t nu,
				  const struct wusp_file_location *fl, size_t nfl,
				  const int32_t *oos, size_t noos) OW_WUR;

/* The whole GetFileLocations response: FileLocations (always written,
 * <FileLocations></FileLocations> when nfl is 0), then NewCookie. */
int wusp_get_file_locations(struct ow_buf *b, const struct wusp_file_location *fl, size_t nfl,
			    int64_t cookie_expires, const char *cookie_b64) OW_WUR;

/* ---- RefreshCache, ReportEventBatch ---- */

/* One RefreshCacheResult: a revision's ids and current deployment. */
struct wusp_refresh_result {
	int32_t revision_id;
	char update_id[37];
	int32_t revision_number;
	int is_leaf;
	struct wusp_deployment deployment;
};

/* The whole RefreshCache response: the RefreshCacheResult array (written
 * empty when n is 0) holding one RefreshCacheResult per entry: RevisionID,
 * GlobalID (UpdateID, RevisionNumber), IsLeaf, Deployment (as SyncUpdates). */
int wusp_refresh_cache(struct ow_buf *b, const struct wusp_refresh_result *r, size_t n) OW_WUR;

/* The whole ReportEventBatch response, in the reporting namespace:
 * <ReportEventBatchResponse xmlns=WUSP_NS_REPORTING><ReportEventBatchResult>
 * true</ReportEventBatchResult></ReportEventBatchResponse>. */
int wusp_report_event_batch(struct ow_buf *b) OW_WUR;

/* ---- faults ---- */

/* MS-WUSP ErrorCode values a real client follows its recovery path on. */
enum wusp_error {
	WUSP_E_INVALID_COOKIE,
	WUSP_E_COOKIE_EXPIRED,
	WUSP_E_SERVER_CHANGED,
	WUSP_E_CONFIG_CHANGED,
	WUSP_E_REGISTRATION_REQUIRED,
	WUSP_E_INVALID_PARAMETERS,
	WUSP_E_INTERNAL,
};

const char *wusp_error_code(enum wusp_error e);

/* A SOAP 1.1 fault with the ErrorCode; actor is the service URL, method
 * the SOAPAction. Client errors are soap:Client, InternalServerError is
 * soap:Server. */
int wusp_fault(struct ow_buf *b, enum wusp_error e, const char *message, const char *actor,
	       const char *method) OW_WUR;

#endif
