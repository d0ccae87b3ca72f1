/* SPDX-License-Identifier: MIT */
/*
 * MS-WUSP requests decoded into plain C structs: the SOAP envelope a
 * Windows Update Agent POSTs to ClientWebService, SimpleAuthWebService or
 * ReportingWebService is parsed once with the bounded XML reader, checked
 * against the operation's schema (MS-WUSP 2.2.2) and handed to the handler
 * as fields; no handler ever walks XML. Nothing is deserialized beyond
 * strings, numbers, booleans and GUIDs (the lesson of CVE-2025-59287).
 * The trade-off: strings are not copied but borrowed from the parsed tree,
 * which the request owns, so a request holds its whole body in memory
 * until wusp_request_release().
 *
 *   <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
 *     <SyncUpdates xmlns="http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService">
 *       <cookie><Expiration>2026-10-04T16:03:35.9967236Z</Expiration>
 *         <EncryptedData>AAAA...</EncryptedData></cookie>
 *       <parameters><ExpressQuery>false</ExpressQuery>
 *         <InstalledNonLeafUpdateIDs><int>108226</int></InstalledNonLeafUpdateIDs>
 *         <SkipSoftwareSync>false</SkipSoftwareSync>...</parameters>
 *     </SyncUpdates></s:Body></s:Envelope>
 *
 * Rules common to every operation:
 *   - The envelope is SOAP 1.1 (what every observed client sends) or
 *     SOAP 1.2 (the WSDL carries soap12 bindings too, as every ASMX service
 *     does); wusp_request.soap12 says which, so the answer can match. A
 *     soap:Header is ignored (MS-WUSP says clients do not send one;
 *     Microsoft Update clients send WS-Security there).
 *   - The Body holds exactly one element: the operation, in its service
 *     namespace (WUSP_NS_CLIENT, WUSP_NS_SIMPLEAUTH, WUSP_NS_REPORTING).
 *   - Elements inside the operation are matched by their local name as the
 *     spec spells it (case-sensitive; the observed clients use the spec's
 *     casing, "Win32HResult" aside, see below) in the operation's namespace
 *     or in http://www.microsoft.com/SoftwareDistribution, the namespace
 *     the spec names for its common types (Cookie, ArrayOfInt, ...).
 *     Elements of other namespaces and unknown elements are ignored; order
 *     is not checked. An element the schema allows once (maxOccurs="1")
 *     given twice is an error: the request would be ambiguous.
 *   - xsi:nil="true" counts as absent. An array element that is absent or
 *     nil has present = 0; <X/> has present = 1 and n = 0. Nil members of
 *     an array (<string xsi:nil="true"/>, <Device xsi:nil="true"/>) are
 *     skipped.
 *   - Strings are kept as sent (no trimming; "" when the element is empty)
 *     and are NULL when absent. Numbers, booleans ("true", "false", "1",
 *     "0"), GUIDs, dateTimes and base64 are read with surrounding XML
 *     whitespace removed; GUIDs are stored lower-case. dateTimes are
 *     checked for xs:dateTime syntax and kept as strings.
 *   - What the spec calls required (minOccurs="1", or "This element MUST
 *     be present" in the prose) must be there; when the prose only says
 *     SHOULD the field is optional here.
 */
#ifndef OW_WUSP_REQUEST_H
#define OW_WUSP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"

#ifndef WUSP_NS_CLIENT
#define WUSP_NS_CLIENT "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"
#endif
#ifndef WUSP_NS_SIMPLEAUTH
#define WUSP_NS_SIMPLEAUTH "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService"
#endif
#ifndef WUSP_NS_REPORTING
#define WUSP_NS_REPORTING "http://www.microsoft.com/SoftwareDistribution"
#endif
#define WUSP_NS_SOAP11 "http://schemas.xmlsoap.org/soap/envelope/"
#define WUSP_NS_SOAP12 "http://www.w3.org/2003/05/soap-envelope"
#define WUSP_NS_XSI "http://www.w3.org/2001/XMLSchema-instance"

/* ---- limits (to move to base/limits.h). Crossing one fails the parse
 * with OW_ELIMIT and a message naming the element; the handler answers
 * the InvalidParameters fault, as WSUS does for an oversized id list. ---- */

enum wusp_op {
	WUSP_GET_CONFIG,
	WUSP_GET_AUTH_COOKIE,           /* SimpleAuthWebService */
	WUSP_GET_COOKIE,
	WUSP_REGISTER_COMPUTER,
	WUSP_START_CATEGORY_SCAN,
	WUSP_SYNC_UPDATES,
	WUSP_GET_EXTENDED_UPDATE_INFO,
	WUSP_GET_FILE_LOCATIONS,
	WUSP_REFRESH_CACHE,
	WUSP_GET_TIMESTAMPS,
	WUSP_REPORT_EVENT_BATCH,        /* ReportingWebService */
	WUSP_OP_UNKNOWN,
};

/* The operation's element name ("SyncUpdates"); "" for WUSP_OP_UNKNOWN. */
const char *wusp_op_name(enum wusp_op op);

/* The SOAPAction a client sends for op, without quotes
 * ("http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates");
 * "" for WUSP_OP_UNKNOWN. */
const char *wusp_op_action(enum wusp_op op);

/* ---- common types. Every pointer is borrowed from the request. ---- */

/* int arrays (ArrayOfInt). */
struct wusp_ids {
	int32_t *v;             /* NULL when n is 0 */
	size_t n;
	int present;            /* the element was there and not nil */
};

/* string arrays (ArrayOfString, ArrayOfXmlUpdateFragmentType). */
struct wusp_strs {
	const char **v;         /* each non-NULL */
	size_t n;
	int present;
};

/* GUID arrays (ArrayOfGuid, ArrayOfCategoryIdentifier). */
struct wusp_guids {
	char (*v)[37];          /* lower-case GUIDs */
	size_t n;
	int present;
};

/* Cookie (MS-WUSP 2.2.3.5). The clear-text Expiration is not to be
 * trusted; the server reads the real one from EncryptedData. */
struct wusp_cookie {
	int present;            /* the element was there and not nil */
	const char *expiration; /* xs:dateTime, trimmed; required in a cookie */
	const char *encrypted_data;     /* base64 (charset checked), trimmed;
					 * NULL when absent (the native client's
					 * first GetCookie oldCookie has none) */
};

/* UpdateIdentity / UpdateRevisionIdentifier. */
struct wusp_update_identity {
	char update_id[37];
	int32_t revision;
};

/* ---- per operation ---- */

struct wusp_get_config {
	const char *protocol_version;   /* "1.8", "2.90"; NULL when absent */
};

struct wusp_get_auth_cookie {
	const char *client_id;          /* required, non-empty */
	const char *target_group_name;  /* NULL when absent; may be "" */
	const char *dns_name;           /* required, non-empty */
};

struct wusp_auth_cookie {
	const char *plugin_id;          /* PlugInId; NULL when absent */
	const char *cookie_data;        /* CookieData base64, trimmed; NULL when absent */
};

struct wusp_get_cookie {
	struct wusp_auth_cookie *auth_cookies;  /* AuthorizationCookie entries */
	size_t nauth_cookies;
	int auth_cookies_present;
	struct wusp_cookie old_cookie;          /* optional */
	const char *last_change;                /* required xs:dateTime */
	const char *current_time;               /* required xs:dateTime */
	const char *protocol_version;           /* NULL when absent, may be "" */
};

/* ComputerInfo (MS-WUSP 2.2.2.2.3): every element as sent (numbers checked
 * against their xsd type), NULL when absent. */
struct wusp_computer_info {
	const char *dns_name;                   /* required, non-empty */
	const char *os_major, *os_minor, *os_build;     /* required s:int */
	const char *os_sp_major, *os_sp_minor;  /* required s:short */
	const char *os_locale;
	const char *manufacturer;               /* ComputerManufacturer */
	const char *model;                      /* ComputerModel */
	const char *bios_version, *bios_name;
	const char *bios_release_date;          /* required xs:dateTime */
	const char *processor_architecture;     /* free text: "AMD64", "9" */
	const char *suite_mask;                 /* s:short */
	const char *old_product_type;           /* s:unsignedByte */
	const char *new_product_type;           /* s:int */
	const char *system_metrics;             /* s:int */
	const char *client_version_major, *client_version_minor;        /* s:short */
	const char *client_version_build, *client_version_qfe;          /* s:short */
	const char *os_description;             /* "Windows 10 Pro" */
	const char *oem, *device_type, *firmware_version, *mobile_operator;
	/* The required numbers, parsed. */
	int32_t os_major_n, os_minor_n, os_build_n;
	int32_t os_sp_major_n, os_sp_minor_n;
};

struct wusp_register_computer {
	struct wusp_cookie cookie;              /* required */
	struct wusp_computer_info info;         /* computerInfo, required */
};

/* CategoryRelationship: one category in AND group index_of_and_group. */
struct wusp_category_rel {
	int32_t index_of_and_group;
	char category_id[37];
};

struct wusp_start_category_scan {
	struct wusp_cookie cookie;              /* optional: the spec has none
						 * and the native client sends none */
	struct wusp_category_rel *requested;    /* requestedCategories */
	size_t nrequested;
	int requested_present;
};

/* InstalledDriver and ExtensionDriver of one device. */
struct wusp_driver {
	const char *id;                 /* MatchingID (installed) or ExtensionId
					 * (extension); NULL when absent */
	const char *ver_date;           /* DriverVerDate, required xs:dateTime */
	int64_t ver_version;            /* DriverVerVersion, required s:long */
	const char *class_;             /* Class */
	const char *manufacturer, *provider, *model;    /* installed only */
	char matching_computer_hwid[37];        /* "" when absent or nil */
	int32_t rank;                   /* DriverRank, required */
	int skip_provider_filtering;    /* -1 absent, 0, 1 (observed, not in spec) */
	int is_generic;                 /* -1 absent, 0, 1 (observed, not in spec) */
};

/* Device of SystemSpec (MS-WUSP 2.2.2.2.4). */
struct wusp_device {
	struct wusp_strs hardware_ids;
	struct wusp_strs compatible_ids;
	int has_installed_driver;
	struct wusp_driver installed;
	struct wusp_driver *extension_drivers;  /* "extensionDrivers" as sent by
						 * Windows, or the spec's
						 * "extensionDriver" */
	size_t nextension_drivers;
	struct wusp_strs driver_recovery_ids;   /* DriverRecoveryIDs */
	int device_flags;                       /* s:unsignedByte, -1 absent */
};

/* SyncUpdateParameters (MS-WUSP 2.2.2.2.4) and the elements real clients
 * add after it. Optional booleans are -1 when absent. */
struct wusp_sync_params {
	int express_query;                      /* required */
	struct wusp_ids installed_non_leaf;     /* InstalledNonLeafUpdateIDs */
	struct wusp_ids other_cached;           /* OtherCachedUpdateIDs */
	struct wusp_device *devices;            /* SystemSpec */
	size_t ndevices;
	int system_spec_present;
	struct wusp_ids cached_drivers;         /* CachedDriverIDs */
	int skip_software_sync;                 /* required */
	struct wusp_guids filter_category_ids;  /* FilterCategoryIds/CategoryIdentifier/Id */
	struct wusp_guids filter_app_category_ids;      /* FilterAppCategoryIds */
	int treat_app_category_ids_as_installed;
	int need_two_group_out_of_scope;        /* NeedTwoGroupOutOfScopeUpdates */
	int also_perform_regular_sync;
	int computer_spec_present;              /* ComputerSpec (often <ComputerSpec/>) */
	struct wusp_guids computer_hardware_ids;        /* ComputerSpec/HardwareIDs */
	const char *feature_score_matching_key; /* "AMD64.10.0" */
	int extended_info_present;              /* ExtendedUpdateInfoParameters */
	struct wusp_strs extended_fragment_types;       /* .../XmlUpdateFragmentTypes */
	struct wusp_strs extended_locales;      /* .../Locales */
	struct wusp_strs client_preferred_languages;
	int products_present;                   /* ProductsParameters */
	int sync_current_version_only;
	const char *device_attributes;          /* "ActivationChannel=Retail;..." */
	const char *caller_attributes;          /* "Interactive=0;...;Id=OOBE ZDP;" */
	const char *products;
};

struct wusp_sync_updates {
	struct wusp_cookie cookie;              /* required */
	struct wusp_sync_params params;         /* parameters, required */
};

/* XmlUpdateFragmentType values, as bits. */
enum {
	WUSP_INFO_PUBLISHED = 1 << 0,
	WUSP_INFO_CORE = 1 << 1,
	WUSP_INFO_EXTENDED = 1 << 2,
	WUSP_INFO_VERIFICATION_RULE = 1 << 3,
	WUSP_INFO_LOCALIZED_PROPERTIES = 1 << 4,
	WUSP_INFO_EULA = 1 << 5,
	WUSP_INFO_FILE_URL = 1 << 6,            /* GetExtendedUpdateInfo2 values */
	WUSP_INFO_FILE_DECRYPTION = 1 << 7,
};

struct wusp_get_extended_update_info {
	struct wusp_cookie cookie;              /* required */
	struct wusp_ids revision_ids;           /* revisionIDs; the handler checks
						 * the count against what GetConfig
						 * announced */
	struct wusp_strs info_types;            /* infoTypes, required, as sent */
	unsigned info_mask;                     /* WUSP_INFO_* of the known values;
						 * unknown values set no bit */
	struct wusp_strs locales;               /* required when info_mask has
						 * LOCALIZED_PROPERTIES or EULA */
	const char *device_attributes;          /* deviceAttributes (observed) */
	const char *geo_id;                     /* GeoId: "USA" */
	const char *caller_attributes;          /* callerAttributes */
};

/* One fileDigests entry: the decoded bytes as upper-case hex (the content
 * file naming of DESIGN.md). */
struct wusp_digest {
	char hex[2 * OW_MAX_WUSP_DIGEST_BYTES + 1];
	size_t nbytes;                          /* 20 for SHA-1 */
};

struct wusp_get_file_locations {
	struct wusp_cookie cookie;              /* required */
	struct wusp_digest *digests;            /* fileDigests/base64Binary */
	size_t ndigests;
	int digests_present;
};

struct wusp_refresh_cache {
	struct wusp_cookie cookie;              /* required */
	struct wusp_update_identity *global_ids;        /* globalIDs/UpdateIdentity */
	size_t nglobal_ids;
	int global_ids_present;
};

/* GetTimestamps is not in MS-WUSP; only a cookie is read, if any. */
struct wusp_get_timestamps {
	struct wusp_cookie cookie;
};

/* One ReportingEvent (MS-WUSP 2.2.2.3.1). Whatever the EventID, the event
 * is kept; strings the server does not interpret are kept as sent. */
struct wusp_event {
	/* BasicData (required) */
	const char *target_sid;         /* TargetID/Sid: the client id; NULL when absent */
	int32_t sequence_number;        /* unused by the protocol */
	const char *time_at_target;     /* xs:dateTime */
	char event_instance_id[37];
	int32_t namespace_id;           /* 1 */
	int32_t event_id;               /* s:short: 147, 148, 156, 161, 181, 182, ... */
	int32_t source_id;              /* s:short: 101 */
	int has_update_id;
	struct wusp_update_identity update_id;  /* the zero GUID when not about an update */
	int32_t win32_hresult;          /* "Win32HResult" as Windows sends it;
					 * the spec's "Win32Hresult" is accepted */
	const char *app_name;           /* NULL when absent */
	/* ExtendedData (optional; the fields below are meaningful only when
	 * has_extended is 1, and then the required ones are set) */
	int has_extended;
	struct wusp_strs replacement_strings;
	struct wusp_strs misc_data;     /* "tag=value" strings, as sent */
	const char *computer_brand, *computer_model, *bios_revision;
	const char *processor_architecture;     /* "Amd64Compatible", required */
	int32_t os_major, os_minor, os_build, os_revision;       /* OSVersion, required */
	int32_t os_sp_major, os_sp_minor;
	int32_t os_locale_id;           /* OSLocaleID, required: 1033 */
	const char *device_id;          /* NULL when absent */
};

struct wusp_report_event_batch {
	struct wusp_cookie cookie;      /* required */
	const char *client_time;        /* required xs:dateTime */
	struct wusp_event *events;      /* eventBatch/ReportingEvent, nil ones skipped */
	size_t nevents;
	int events_present;
};

/* Forward: the parsed tree and the allocations, owned by the request. */
struct wusp_arena;
struct xml_doc;

struct wusp_request {
	enum wusp_op op;
	char op_name[64];       /* the Body element's local name, non-printable
				 * bytes as '?', cut to 63 bytes; "" when the
				 * Body was not reached */
	int soap12;             /* the envelope was SOAP 1.2 */
	union {                 /* the member named after op */
		struct wusp_get_config get_config;
		struct wusp_get_auth_cookie get_auth_cookie;
		struct wusp_get_cookie get_cookie;
		struct wusp_register_computer register_computer;
		struct wusp_start_category_scan start_category_scan;
		struct wusp_sync_updates sync_updates;
		struct wusp_get_extended_update_info get_extended_update_info;
		struct wusp_get_file_locations get_file_locations;
		struct wusp_refresh_cache refresh_cache;
		struct wusp_get_timestamps get_timestamps;
		struct wusp_report_event_batch report_event_batch;
	};
	/* private */
	struct xml_doc *doc_;
	struct wusp_arena *arena_;
};

/* ---- life cycle ---- */

/*
 * Parses the len bytes of a SOAP request body into *out, which is
 * overwritten. soap_action is the SOAPAction header's value as received
 * (quotes and surrounding blanks allowed) or, for SOAP 1.2, the action
 * parameter of Content-Type; NULL when there was none. When given, it must
 * name the Body's operation (compared ignoring quotes and ASCII case).
 * The XML is read with OW_MAX_BODY_BYTES, OW_MAX_WUSP_DEPTH and
 * OW_MAX_WUSP_ATTRS as limits; body need not stay valid after the call.
 *
 * Returns 0, or:
 *   OW_EINVAL  not XML, a DOCTYPE (the XML reader's message); not a SOAP
 *              envelope, no Body, an empty Body or one with several
 *              elements; an operation this server does not know (the
 *              message names it); a SOAPAction that names another
 *              operation; a required element missing or nil, or any
 *              element whose value does not fit its type (the message
 *              names the element, e.g. "SyncUpdates: parameters/
 *              InstalledNonLeafUpdateIDs/int \"12x\" is not an s:int");
 *   OW_ELIMIT  an XML limit or an OW_MAX_WUSP_* count or length crossed
 *              (the message names it);
 *   OW_ENOMEM  allocation failed.
 * OW_EINVAL and OW_ELIMIT are the client's fault: the service answers
 * with a SOAP client fault (InvalidParameters once op is known).
 * On failure nothing needs releasing, but out->op and out->op_name still
 * say which operation the Body held, if it was reached, so the fault can
 * name the method. err (may be NULL) gets the message.
 */
int wusp_request_parse(const char *body, size_t len, const char *soap_action,
		       struct wusp_request *out, struct ow_err *err) OW_WUR;

/* Frees the tree and every array; every pointer taken from r dies. r is
 * zeroed (op WUSP_OP_UNKNOWN). Safe on a zeroed or released request. */
void wusp_request_release(struct wusp_request *r);

#endif
