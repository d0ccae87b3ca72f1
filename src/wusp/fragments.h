/* SPDX-License-Identifier: MIT */
/*
 * The MS-WUSP metadata fragments of one update revision, derived from its
 * stored upd:Update document: Core (sent in SyncUpdates' UpdateInfo/Xml),
 * Extended and LocalizedProperties (sent in GetExtendedUpdateInfo's
 * Updates/Update/Xml). A fragment is a sequence of sibling elements with no
 * namespace declarations and no XML declaration, so it is not a document:
 *
 *   <UpdateIdentity UpdateID="dd78b8a1-..." RevisionNumber="202" />
 *   <Properties UpdateType="Category" /><Relationships>...</Relationships>
 *   <ApplicabilityRules><IsInstalled><b.WindowsVersion Comparison="..."
 *     MajorVersion="6" /></IsInstalled></ApplicabilityRules>
 *
 * (one line on the wire). The rules below reproduce, byte for byte, what a
 * real WSUS (Windows Server 2025) sent a real Windows client for the nine
 * revisions of the sync capture; tests/unit/test_fragments.c holds them to
 * that. The trade-off: where the capture shows nothing (drivers, EULAs,
 * PerUser="true") the rule is the closest one the evidence allows, marked
 * "unverified" below.
 *
 * Rules common to all fragments
 *  - Element prefixes are dropped, except inside ApplicabilityRules, where
 *    elements of the BaseApplicabilityRules, MsiApplicabilityRules and
 *    UpdateHandlers/WindowsDriver namespaces are written "b.Name", "m.Name"
 *    and "d.Name" ("d." unverified); LogicalApplicabilityRules (And, Or,
 *    Not, True, False) and every other namespace lose their prefix.
 *  - Namespace declarations are dropped; xsi:type is written "type" with
 *    its value unchanged ("cmd:CommandLineInstallation"). Other attributes
 *    in a namespace are dropped (none occur in update documents; writing
 *    them bare could collide with an unprefixed one).
 *  - Attributes keep document order and values (GUIDs keep their case),
 *    except on the Properties elements (below).
 *  - Text that is whitespace only (indentation) is dropped: no element of
 *    an update document carries meaning in it. Other text is kept verbatim;
 *    in a mixed element (none in the schema) it is written before the
 *    children, since the tree keeps no positions.
 *  - An element left without children and text is written
 *    "<Name a="v" />" (space before the slash), else
 *    "<Name a="v">text or children</Name>".
 *  - Escaping as .NET's XmlWriter does: text escapes & < >; attribute
 *    values also escape " and write TAB, LF, CR as &#x9; &#xA; &#xD;.
 *
 * Core: UpdateIdentity, Properties, Relationships, ApplicabilityRules, in
 * that order, each when the document has it. Properties carries only, in
 * this fixed order: UpdateType (as written; "Software" when absent),
 * ExplicitlyDeployable="true" and AutoSelectOnWebSites="true" when the
 * document says true (or 1), EulaID when present, PerUser="true" when true
 * (unverified); no children. Relationships and ApplicabilityRules are
 * copied whole.
 *
 * Extended: <ExtendedProperties> with every other attribute of Properties
 * in document order, except the server-side ones (PublicationState,
 * CreationDate, PublisherID, IsPublic) and the Core ones above (also when
 * false: a false ExplicitlyDeployable is sent nowhere), and all children of
 * Properties (InstallationBehavior, SupportUrl, KBArticleID, ...); then
 * Files and HandlerSpecificData copied whole, when present.
 *
 * LocalizedProperties: the first LocalizedPropertiesCollection/
 * LocalizedProperties whose Language matches lang (ASCII case-insensitive,
 * surrounding whitespace ignored), copied whole.
 *
 * Cost: one parse (xml_default_limits) and one walk, linear in the
 * document; callers derive once per revision at import time and cache.
 */
#ifndef OW_WUSP_FRAGMENTS_H
#define OW_WUSP_FRAGMENTS_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

enum wusp_fragment {
	WUSP_FRAG_CORE,
	WUSP_FRAG_EXTENDED,
	WUSP_FRAG_LOCALIZED,
};

/*
 * Derives one fragment from the len bytes of an upd:Update document and
 * appends it to out (UTF-8, no XML declaration; out's own ceiling
 * applies). lang is used by WUSP_FRAG_LOCALIZED only ("en", "pt-br") and
 * must then be non-empty. The document must have the root upd:Update with
 * exactly one upd:UpdateIdentity and one upd:Properties child.
 *
 * Returns 0, or:
 *   OW_ENOENT  WUSP_FRAG_LOCALIZED and no LocalizedProperties for lang;
 *   OW_EINVAL  malformed XML, a DOCTYPE, a root or required element
 *              missing or repeated, lang NULL or "" or type unknown;
 *   OW_ELIMIT  an XML limit, or out's ceiling;
 *   OW_ENOMEM  allocation failed.
 * On failure out is left as it was (its length restored); err (may be
 * NULL) gets the message.
 */
int wusp_fragment_derive(const char *doc, size_t len, enum wusp_fragment type,
			 const char *lang, struct ow_buf *out,
			 struct ow_err *err) OW_WUR;

/*
 * Writes the Language values of the document's LocalizedPropertiesCollection
 * to out as a NUL-terminated comma-separated list in document order
 * ("ar,cs,da"), whitespace trimmed, repeats left out; "" when there are none.
 *
 * Returns 0, or OW_EINVAL (document as above, or a Language that is empty,
 * longer than 35 bytes or has a byte other than A-Z a-z 0-9 - _), OW_ELIMIT
 * (an XML limit, or the list does not fit outlen bytes with its NUL; out
 * is then ""), OW_ENOMEM.
 */
int wusp_fragment_languages(const char *doc, size_t len, char *out,
			    size_t outlen, struct ow_err *err) OW_WUR;

#endif
