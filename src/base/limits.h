/* SPDX-License-Identifier: MIT */
/*
 * Every ceiling openwsus enforces, in one place. Each limit says what it
 * protects and what the peer sees when it is crossed. Changing one is a
 * policy decision: the README's "Limits" table quotes these values.
 */
#ifndef OW_BASE_LIMITS_H
#define OW_BASE_LIMITS_H

/* Request line plus all header lines. Windows Update and BITS send < 2 KiB;
 * IIS's default is 16 KiB. Crossing it: 431 and the connection closes. */
#define OW_MAX_HEADER_BYTES (16 * 1024)

/* Number of header fields in one request. Crossing it: 431. */
#define OW_MAX_HEADERS 64

/* Request body (SOAP envelopes, admin JSON). A SyncUpdates request carrying
 * thousands of installed revision ids stays under 1 MiB; ASP.NET's default
 * maxRequestLength is 4 MiB. Crossing it: 413 before the body is read. */
#define OW_MAX_BODY_BYTES (4 * 1024 * 1024)

/* One installer uploaded through the admin API for local publishing, sent
 * in pieces of at most OW_MAX_BODY_BYTES. Crossing it: 413. */
#define OW_MAX_UPLOAD_BYTES (16LL * 1024 * 1024 * 1024)

/* An upload for publishing that no publication took is removed by
 * `cleanup` after this long. */
#define OW_UPLOAD_MAX_AGE_S (24 * 3600)

/* Time allowed to receive the request line and headers, counted from the
 * first byte of the request (slowloris). Crossing it: 408 and close. */
#define OW_HEADER_TIMEOUT_MS 10000

/* Time allowed to receive a declared request body. Crossing it: 408. */
#define OW_BODY_TIMEOUT_MS 30000

/* An idle keep-alive connection is closed after this long. Delivery
 * Optimization reuses a connection within milliseconds between ranges. */
#define OW_IDLE_TIMEOUT_MS 30000

/* A peer that reads nothing of our response for this long is dropped. */
#define OW_WRITE_TIMEOUT_MS 60000

/* TLS handshake must complete within this time. */
#define OW_HANDSHAKE_TIMEOUT_MS 10000

/* Simultaneous connections for the whole process (both ports, all workers);
 * further connections are accepted and closed at once. Overridable by
 * [server] max_connections. */
#define OW_MAX_CONNECTIONS 20000

/* Parts in one Range header. More parts: the header is ignored and the
 * whole file is sent with 200, as nginx's max_ranges does; a set with two
 * overlapping parts is ignored the same way. Many small or overlapping
 * parts are the "Apache killer" amplification, never a real client. */
#define OW_MAX_RANGES 16

/* After an early error answer (413, 400, 408), what the peer still sends is
 * read and discarded for this long or this many bytes before the close, so
 * the peer reads the answer instead of a connection reset. */
#define OW_LINGER_MS 2000
#define OW_LINGER_BYTES (8 * 1024 * 1024)

/* On SIGTERM, in-flight requests get this long to finish. */
#define OW_DRAIN_TIMEOUT_MS 30000

/* File bytes read per step when a body must be encrypted (HTTPS), so a large
 * file never sits in memory whole. */
#define OW_FILE_CHUNK (256 * 1024)

/* openwsus.conf size; a longer file is refused. */
#define OW_MAX_CONFIG_BYTES (64 * 1024)

/* Extension of a content file name (".cab", ".psf", ".msu", ...). */
#define OW_MAX_CONTENT_EXT 8

/* Length of a DNS name (RFC 1035) and of one label. */
#define OW_MAX_FQDN 253
#define OW_MAX_LABEL 63

/* Paths built from a data directory. */
#define OW_MAX_PATH 4096

_Static_assert(OW_MAX_HEADER_BYTES >= 4096, "Windows clients need 4 KiB of headers");
_Static_assert(OW_MAX_BODY_BYTES <= 64 * 1024 * 1024, "bodies are held in memory");
_Static_assert(OW_MAX_RANGES >= 1 && OW_MAX_RANGES <= 256, "range parts bound");
_Static_assert(OW_FILE_CHUNK >= 16 * 1024, "TLS records are 16 KiB");

/* ---- XML reader (src/xml/xml.c): untrusted SOAP bodies and update
 * documents. Crossing any of these fails the parse with OW_ELIMIT; a SOAP
 * service answers with a client fault, a sync skips the document. ---- */

/* Bytes of one XML document, checked before the parser sees a byte. The
 * largest real update documents (35 languages of titles and descriptions)
 * are well under 1 MiB; SOAP bodies are further capped by
 * OW_MAX_BODY_BYTES. */
#define OW_MAX_XML_BYTES (8 * 1024 * 1024)

/* Element nesting. The sample update documents nest at most 9 deep
 * (applicability rules: And/Or/Not around base rules) and SOAP envelopes
 * under 10; 64 leaves room for deeper rule trees while keeping any
 * recursive consumer of the tree shallow. */
#define OW_MAX_XML_DEPTH 64

/* Elements in one document. The sample bundle with 35 languages and 124
 * bundled identities has 364; a SyncUpdates request carries one element per
 * installed or cached revision id, a few thousand. Caps the tree's memory
 * (about 100 bytes a node). */
#define OW_MAX_XML_NODES 200000

/* One attribute value. Real values are GUIDs, URLs, registry paths and
 * base64 digests: under 100 bytes in the sample documents. 64 KiB leaves
 * room for long rule data without letting one value dominate memory. */
#define OW_MAX_XML_ATTR_BYTES (64 * 1024)

/* Character data of one element (after entity and CDATA decoding). The
 * longest texts are descriptions (under 500 bytes in the samples), cookies
 * and EULA-like notes of a few KiB; 1 MiB is far above them. */
#define OW_MAX_XML_TEXT_BYTES (1024 * 1024)

_Static_assert(OW_MAX_XML_BYTES >= OW_MAX_BODY_BYTES, "a SOAP body must fit the XML reader");
_Static_assert(OW_MAX_XML_BYTES <= 64 * 1024 * 1024, "documents are held in memory; expat takes an int length");
_Static_assert(OW_MAX_XML_DEPTH >= 16 && OW_MAX_XML_DEPTH <= 256, "XML depth bound");
_Static_assert(OW_MAX_XML_NODES >= 10000 && OW_MAX_XML_NODES <= 10 * 1000 * 1000, "XML node bound");
_Static_assert(OW_MAX_XML_ATTR_BYTES >= 4096 && OW_MAX_XML_ATTR_BYTES <= OW_MAX_XML_BYTES, "XML attribute bound");
_Static_assert(OW_MAX_XML_TEXT_BYTES >= 64 * 1024 && OW_MAX_XML_TEXT_BYTES <= OW_MAX_XML_BYTES, "XML text bound");

/* ---- authentication (src/auth/): local passwords, HTTP Basic credentials,
 * principal names and the failed-login table. ---- */

/* Bytes of a local account password. argon2id takes any length, but a
 * login must not make the server hash megabytes; pass phrases of 1 KiB are
 * far beyond what people type. Longer: refused when set, never matches. */
#define OW_MAX_PASSWORD 1024

/* Characters of a principal name: "alice", "corp\alice" or "alice@corp".
 * A Windows logon name (sAMAccountName) has at most 20 characters; 64 leaves
 * room for the domain or realm part. Longer: refused. */
#define OW_MAX_PRINCIPAL_NAME 64

/* Decoded bytes of "Authorization: Basic" credentials: a name, ':' and a
 * password. Longer: the header is refused before anything is copied. */
#define OW_MAX_BASIC_DECODED (OW_MAX_PRINCIPAL_NAME + 1 + OW_MAX_PASSWORD)

/* Keys in the failed-login table ("user:NAME", "addr:IPv6"), and the length
 * of one key. The table is fixed at start (about 0.7 MiB); when full the
 * key touched least recently is forgotten. Longer keys are stored as a
 * digest, so they never collide with short ones. */
#define OW_MAX_LIMIT_SLOTS 4096
#define OW_MAX_LIMIT_KEY 128

/* argon2id parameters accepted in a stored hash: memory in KiB and passes.
 * A hash edited in the store or imported from elsewhere must not make one
 * login allocate gigabytes or spin for minutes. These are libsodium's
 * "sensitive" values (1 GiB, 4 passes); larger: the hash never matches. */
#define OW_MAX_ARGON2_MEM_KIB (1024 * 1024)
#define OW_MAX_ARGON2_PASSES 4

_Static_assert(OW_MAX_PASSWORD >= 64 && OW_MAX_PASSWORD <= 64 * 1024, "password bound");
_Static_assert(OW_MAX_BASIC_DECODED / 3 * 4 + 16 < OW_MAX_HEADER_BYTES, "Basic credentials must fit a header");
_Static_assert(OW_MAX_LIMIT_SLOTS >= 256 && (OW_MAX_LIMIT_SLOTS & (OW_MAX_LIMIT_SLOTS - 1)) == 0,
	       "limiter slots: a power of two");
_Static_assert(OW_MAX_LIMIT_KEY >= 64 && OW_MAX_LIMIT_KEY <= 255, "limiter key length fits a byte");

/* ---- cleanup (src/catalog/cleanup.c): `openwsus cleanup` and
 * `openwsus decline-superseded`. ---- */

/* Rows one cleanup transaction may delete (--batch). The transaction holds
 * the store's write lock: readers go on (WAL), but writers (imports,
 * approvals, client reports) wait, and they give up after the 10 s busy
 * timeout. 10000 revisions with their relations and files delete in well
 * under a second. Larger --batch: usage error. */
#define OW_MAX_CLEANUP_BATCH 10000

/* Updates decline-superseded may decide to decline in one run; the
 * decisions are made on one snapshot of the catalog and held in memory
 * (about 80 bytes each). The whole Microsoft Update catalog has fewer
 * updates than this. Crossing it: OW_ELIMIT, nothing declined. */
#define OW_MAX_SUPERSEDED_DECLINES 1000000

/* A content file that no row records and that is younger than this may be
 * an import in progress (content_import renames the file into place, then
 * the store records it), so cleanup leaves it to a later run. Files whose
 * rows cleanup itself deleted are queued in the store and go at once. */
#define OW_CONTENT_ORPHAN_GRACE_S 3600

_Static_assert(OW_MAX_CLEANUP_BATCH >= 1 && OW_MAX_CLEANUP_BATCH <= 100000, "cleanup batch bound");
_Static_assert(OW_MAX_SUPERSEDED_DECLINES >= 10000 && OW_MAX_SUPERSEDED_DECLINES <= 10000000,
	       "decline-superseded bound");
_Static_assert(OW_CONTENT_ORPHAN_GRACE_S >= 60, "an import must have time to record its file");

/* ---- audit (src/audit/, src/cli/audit_live.c): `openwsus audit`. ---- */

/* One plain-HTTP probe of a running server: connecting, sending the request
 * and reading the answer each get this long. The server answers a refused
 * root at once; seven probes bound a hung server to under a minute. */
#define OW_AUDIT_PROBE_TIMEOUT_MS 3000

/* Bytes of a probe's answer read: the status line and the 403 body that
 * says "SSL is required" fit in well under 1 KiB; the rest is not read. */
#define OW_AUDIT_PROBE_REPLY_BYTES 4096

/* Directory levels the permission walk descends under content/ and the
 * publishing directories (content/XX/<SHA1>.<ext> is two). Deeper entries
 * are not looked at. */
#define OW_AUDIT_WALK_DEPTH 4

_Static_assert(OW_AUDIT_PROBE_TIMEOUT_MS >= 500 && OW_AUDIT_PROBE_TIMEOUT_MS <= 30000,
	       "audit probe timeout");
_Static_assert(OW_AUDIT_PROBE_REPLY_BYTES >= 512, "a 403 answer must fit");
_Static_assert(OW_AUDIT_WALK_DEPTH >= 2, "content/XX/<file> must be reached");

/* ---- MS-WUSP requests (wusp/request.c) ---- */

/* Revision ids in one id array (InstalledNonLeafUpdateIDs,
 * OtherCachedUpdateIDs, CachedDriverIDs, revisionIDs) and identities in
 * RefreshCache.globalIDs. The native client sent 94 installed and 1337
 * other cached ids after a full scan of a small catalog; a client of a
 * full Microsoft Update catalog caches a few thousand. (WSUS itself
 * refuses more than 400 InstalledNonLeafUpdateIDs with InvalidParameters;
 * that is a policy for the handler, not a parsing limit.) 20000 ids cost
 * 80 KB and fit the XML node limit three times over. */
#define OW_MAX_WUSP_IDS 20000

/* Devices in SyncUpdates.SystemSpec. The native driver pass listed 70 and
 * 75 devices on a small virtual machine; a workstation has a few hundred. */
#define OW_MAX_WUSP_DEVICES 4096

/* Events in one ReportEventBatch. The native client sent 2, 4 and 9. */
#define OW_MAX_WUSP_EVENTS 2048

/* Digests in one GetFileLocations. */
#define OW_MAX_WUSP_DIGESTS 4096

/* Members of every other list: authCookies, locales, fragment types,
 * category filters, hardware ids of one device or computer, extension
 * drivers, ReplacementStrings and MiscData of one event (the native client
 * sent 27 MiscData strings). */
#define OW_MAX_WUSP_LIST 256

/* Bytes of a short string: names, versions, locales, dates, ids, models,
 * one hardware id. Windows limits DNS names to 255 and hardware ids to
 * 200 characters. */
#define OW_MAX_WUSP_SHORT 255

/* Bytes of a free-text string: OSDescription, one replacement string (an
 * update title, under 300 bytes in practice), one MiscData entry,
 * CallerAttributes, Products. */
#define OW_MAX_WUSP_TEXT 4096

/* Bytes of DeviceAttributes (about 2 KB from the native client) and of
 * the text of any one element (a limit handed to the XML reader). */
#define OW_MAX_WUSP_ATTRS (64 * 1024)

/* Characters of base64 in CookieData and EncryptedData. Observed: 1368
 * and 364; openwsus's own cookies are under 1 KB. */
#define OW_MAX_WUSP_COOKIE_B64 16384

/* Element nesting in a request. The deepest real path is 9 (Envelope,
 * Body, SyncUpdates, parameters, SystemSpec, Device, extensionDrivers,
 * ExtensionDriver, MatchingComputerHWID). */
#define OW_MAX_WUSP_DEPTH 24

/* Decoded bytes of one file digest (SHA-1 is 20, SHA-256 32). */
#define OW_MAX_WUSP_DIGEST_BYTES 64

_Static_assert(OW_MAX_WUSP_IDS >= 1000 && OW_MAX_WUSP_IDS * 3 < 200000,
	       "id arrays must fit the XML node limit");
_Static_assert(OW_MAX_WUSP_LIST >= 16, "list bound");
_Static_assert(OW_MAX_WUSP_SHORT >= 64 && OW_MAX_WUSP_SHORT < OW_MAX_WUSP_TEXT, "string bounds");
_Static_assert(OW_MAX_WUSP_TEXT <= OW_MAX_WUSP_ATTRS, "string bounds");
_Static_assert(OW_MAX_WUSP_COOKIE_B64 <= OW_MAX_WUSP_ATTRS, "cookie fits an element's text");
_Static_assert(OW_MAX_WUSP_DEPTH >= 12 && OW_MAX_WUSP_DEPTH <= 64, "request depth bound");

/* ---- operations ---- */

/* ---- MS-WUSP cookies (auth/cookie.c, wusp/service.c) ---- */

/* Characters of a client id in a cookie. Windows Update sends its
 * SusClientId, a braceless GUID of 36 characters; 63 leaves room for a
 * braced one and for other agents. Longer: the seal is refused, and a
 * cookie claiming more is invalid (InvalidCookie). */
#define OW_MAX_COOKIE_CLIENT_ID 63

/* Bytes of the '\n'-separated target group names a client asks for with
 * client-side targeting (registry TargetGroup, "a;b" split by the caller).
 * Real clients name one or two groups; 511 bytes bound the cookie to under
 * 1 KiB of base64. Longer: the seal is refused (the caller answers with a
 * fault); a cookie claiming more is invalid. */
#define OW_MAX_COOKIE_GROUPS 511

/* Seconds a cookie's issue time may lie ahead of the clock that opens it
 * (several servers behind one name, clock steps). Further ahead: invalid. */
#define OW_MAX_COOKIE_SKEW_S 300

/* Keys in one keyring: the sealing key and up to three older ones still
 * accepted while their cookies expire after a rotation. */
#define OW_MAX_COOKIE_KEYS 4

/* Lifetime of an authorization cookie (SimpleAuth) and of a client
 * cookie (GetCookie; a real WSUS gives 60 minutes and renews it). */
#define OW_WUSP_AUTH_COOKIE_S (8 * 3600)
#define OW_WUSP_CLIENT_COOKIE_S 3600

/* ---- the MS-WUSP scan (wusp/service.c, catalog/scan.c) ---- */

/* New updates in one SyncUpdates answer; more sets Truncated and the
 * client asks again. WSUS was seen sending 30; openwsus sends pages of
 * 100 (about 150 KiB of Core fragments) to need fewer round trips. */
#define OW_WUSP_SYNC_PAGE 100
/* InstalledNonLeafUpdateIDs one SyncUpdates may carry. WSUS accepted 398
 * and refused 401 with InvalidParameters (captured); openwsus draws the
 * line at 400 and answers the same fault beyond it. */
#define OW_WUSP_MAX_INSTALLED_NONLEAF 400
/* A deployment changed this long before a client's sync mark is still
 * sent as changed: approvals carry one-second times and may commit while
 * an answer is being made. Repeating one costs a few hundred bytes. */
#define OW_WUSP_CHANGE_SLACK_S 300
/* Groups of one computer that count for its approvals. */
#define OW_MAX_WUSP_GROUPS 64
/* Bytes of one scan answer (SyncUpdates, GetExtendedUpdateInfo):
 * crossing it is InternalServerError, never a cut answer. */
#define OW_MAX_WUSP_ANSWER (16 * 1024 * 1024)
/* FileLocations of one GetExtendedUpdateInfo, and the bytes of one URL. */
#define OW_WUSP_MAX_FILE_LOCATIONS 1024
#define OW_MAX_URL_BYTES 384
/* LocalizedProperties languages answered per revision. */
#define OW_WUSP_MAX_LANGS 4

_Static_assert(OW_WUSP_SYNC_PAGE >= 1 && OW_WUSP_SYNC_PAGE <= 1000, "page bound");
_Static_assert(OW_MAX_URL_BYTES >= 253 + 64, "a FQDN and the content path must fit");

/* ---- admin API client (cli/apiclient.c) ---- */

/* Bytes of one admin API reply. A page of /updates (1000 latest revisions
 * with approvals) is about 1 MiB; /audit and /reports/status are not paged,
 * so 16 MiB leaves room for years of audit entries. Crossing it: the call
 * fails with OW_ELIMIT before more is buffered. */
#define OW_MAX_API_REPLY_BYTES (16 * 1024 * 1024)

/* Time to establish TCP and TLS, and for a whole call. */
#define OW_API_CONNECT_TIMEOUT_MS 10000
#define OW_API_TIMEOUT_MS 120000

/* --resolve entries accepted on one command line. */
#define OW_API_MAX_RESOLVE 8

_Static_assert(OW_MAX_API_REPLY_BYTES >= 2 * 1024 * 1024, "a full /updates page must fit");
_Static_assert(OW_API_CONNECT_TIMEOUT_MS <= OW_API_TIMEOUT_MS, "connect within the call time");

#endif
