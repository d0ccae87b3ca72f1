/* SPDX-License-Identifier: MIT */
/*
 * One update revision document, the upd:Update XML that WSUS and Microsoft
 * Update keep for every revision, read into plain fields: identity, type,
 * the properties the catalog indexes, relationships and files. The XML
 * itself stays the stored truth; this is what the catalog needs to index
 * it. Everything comes from untrusted upstream servers or files, so every
 * field is validated and a value too long for its field is an error, not a
 * silent truncation (only the title, which is for display, is cut).
 *
 *   <upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">
 *     <upd:UpdateIdentity UpdateID="266f6222-..." RevisionNumber="200" />
 *     <upd:Properties UpdateType="Software" Handler="...CommandLineInstallation" .../>
 *     <upd:Relationships><upd:Prerequisites>
 *       <upd:UpdateIdentity UpdateID="be4048db-..." />
 *       <upd:AtLeastOne IsCategory="true"><upd:UpdateIdentity .../></upd:AtLeastOne>
 *     </upd:Prerequisites></upd:Relationships>
 *     <upd:Files><upd:File Digest="h/W9...=" DigestAlgorithm="SHA1"
 *         FileName="AM_Delta.exe" Size="11606440" Modified="...">
 *       <upd:AdditionalDigest Algorithm="SHA256">Amt0...=</upd:AdditionalDigest>
 *     </upd:File></upd:Files>
 *   </upd:Update>
 */
#ifndef OW_CATALOG_UPDOC_H
#define OW_CATALOG_UPDOC_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define UPDOC_NS "http://schemas.microsoft.com/msus/2002/12/Update"
#define UPDOC_CATEGORY_NS "http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category"

enum updoc_type {
	UPDOC_SOFTWARE,
	UPDOC_DRIVER,
	UPDOC_CATEGORY,
	UPDOC_DETECTOID,
	UPDOC_OTHER,            /* type_name says which */
};

/* A related revision (prerequisite, bundled or superseded update). */
struct updoc_rel {
	char id[37];            /* lower-case GUID */
	int revision;           /* -1 when the document gives none */
	int group;              /* 0: required on its own; k > 0: member of the
				 * k-th <AtLeastOne> of this list (any one member
				 * of a group suffices). Every AtLeastOne gets a
				 * number, so an empty one leaves a gap. */
	int is_category;        /* the group's AtLeastOne has IsCategory="true" */
};

/* One upd:File. */
struct updoc_file {
	char name[256];         /* FileName */
	char sha1_hex[41];      /* Digest as upper-case hex when DigestAlgorithm is
				 * SHA1 (or absent); "" for another algorithm:
				 * callers refuse files without a SHA-1 */
	char sha256_hex[65];    /* AdditionalDigest Algorithm="SHA256", upper-case
				 * hex, "" when absent */
	uint64_t size;
	char modified[40];      /* Modified as written, "" when absent */
	char origin[1024];      /* OriginUri (or OriginUrl) attribute, else "" */
};

struct updoc {
	char id[37];                 /* lower-case GUID */
	int revision;                /* 0..INT_MAX */
	enum updoc_type type;
	char type_name[32];          /* as in the document: "Software", "Category", ... */
	char category_type[32];      /* categories: CategoryType of cat:CategoryInformation
				      * ("Company", "Product", "ProductFamily",
				      * "UpdateClassification"), else "" */
	char title[512];             /* Title for DefaultPropertiesLanguage, else "en",
				      * else the first; cut at a UTF-8 character
				      * boundary; "" if none */
	char kb[32];                 /* KBArticleID or "" */
	char msrc_severity[32];      /* Properties MsrcSeverity or "" */
	char creation_date[40];      /* Properties CreationDate or "" */
	char publication_state[32];  /* Properties PublicationState or "" */
	char handler[256];           /* Properties Handler (a URI) or "" */
	int removable;               /* Properties has an UninstallationBehavior */
	int explicitly_deployable;   /* ExplicitlyDeployable; when absent 1 for
				      * Software and Driver, 0 otherwise */
	/* Owned arrays (updoc_release frees them), in document order; NULL
	 * when empty. Bounded by the XML node limit. */
	struct updoc_rel *prereqs;
	size_t nprereqs;
	struct updoc_rel *bundled;
	size_t nbundled;
	struct updoc_rel *superseded;
	size_t nsuperseded;
	struct updoc_file *files;
	size_t nfiles;
};

/*
 * Parses one upd:Update document of len bytes (xml_default_limits apply)
 * into *out, which is overwritten. The root must be upd:Update with exactly
 * one upd:UpdateIdentity child (valid GUID UpdateID, RevisionNumber in
 * 0..INT_MAX) and one upd:Properties; an absent UpdateType means Software.
 * Unknown elements and attributes are ignored.
 *
 * Returns 0, or OW_EINVAL (the message names the element, attribute and
 * value that were wrong), OW_ELIMIT (an XML limit), OW_ENOMEM. On failure
 * *out is left zeroed: nothing to release.
 */
int updoc_parse(const char *xml, size_t len, struct updoc *out,
		struct ow_err *err) OW_WUR;

/* Frees the arrays and zeroes d. Safe on a zeroed struct and twice. */
void updoc_release(struct updoc *d);

/* Validates an 8-4-4-4-12 hex GUID (either case, nothing around it) and
 * writes it lower-cased to out. Returns 0 or OW_EINVAL (out then ""). */
int updoc_guid_normalize(const char *in, char out[37]) OW_WUR;

#endif
