/* SPDX-License-Identifier: MIT */
/*
 * A read-only XML tree for untrusted input (SOAP bodies from the network,
 * update documents from upstream servers and files), built with expat.
 * Safety comes first: any DOCTYPE ends the parse, so no entity is ever
 * declared, expanded or loaded; every size is bounded by struct xml_limits
 * and checked as the bytes arrive. The trade-off is that documents with a
 * DTD, even a harmless one, are refused: no WSUS message carries one.
 *
 *   <upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">
 *     <upd:UpdateIdentity UpdateID="..." RevisionNumber="200" />
 *
 * gives a root node {ns "http://schemas.microsoft.com/msus/2002/12/Update",
 * name "Update"} whose first child is "UpdateIdentity" with two attributes.
 */
#ifndef OW_XML_XML_H
#define OW_XML_XML_H

#include <stddef.h>

#include "base/err.h"

/* One attribute. Strings are UTF-8, NUL-terminated and owned by the doc. */
struct xml_attr {
	const char *ns;         /* namespace URI; "" for an unprefixed attribute */
	const char *name;       /* local name */
	const char *value;      /* normalized value (entities and char refs decoded) */
};

/* One element. Every pointer stays valid until xml_free(): the tree lives
 * in the document's arena and never moves. */
struct xml_node {
	const char *ns;         /* namespace URI ("" when none) */
	const char *name;       /* local name */
	struct xml_attr *attrs; /* in document order; NULL when nattrs is 0 */
	size_t nattrs;
	const char *text;       /* character data directly inside this element,
				 * all pieces concatenated (entity references and
				 * CDATA decoded, children's text excluded); ""
				 * when none. May contain whitespace only. */
	size_t text_len;        /* strlen(text): XML 1.0 text has no NUL */
	struct xml_node *parent;        /* NULL for the root */
	struct xml_node *first_child;   /* child elements in document order */
	struct xml_node *next_sibling;
	/* Byte span of the element, start tag to end tag inclusive, in the
	 * caller's input buffer (in the input's own encoding). Borrowed: valid
	 * only while the buffer passed to xml_parse() is. */
	const char *raw_start;
	size_t raw_len;
};

/* Ceilings of one parse; crossing one fails it with OW_ELIMIT. */
struct xml_limits {
	size_t max_bytes;       /* input length, checked before parsing */
	size_t max_depth;       /* element nesting; the root is depth 1 */
	size_t max_nodes;       /* elements in the document */
	size_t max_attr_bytes;  /* one attribute value, after decoding */
	size_t max_text_bytes;  /* one element's text, after decoding */
};

/* OW_MAX_XML_* from base/limits.h. */
extern const struct xml_limits xml_default_limits;

/* Owns the whole tree (a few large arena blocks). */
struct xml_doc;

/* ---- life cycle ---- */

/*
 * Parses len bytes of data into a new tree stored in *out (NULL on
 * failure); lim NULL means xml_default_limits. The encoding comes from the
 * BOM or the XML declaration (UTF-8, UTF-16 with a BOM, ISO-8859-1,
 * US-ASCII); the tree is always UTF-8. Namespaces are processed.
 *
 * Returns 0, or:
 *   OW_EINVAL  malformed XML ("line L, column C: <expat's reason>"), a
 *              DOCTYPE ("DOCTYPE is not allowed"), an entity declaration,
 *              or a NUL byte (a U+0000 unit in UTF-16) in the input;
 *   OW_ELIMIT  a limit of lim was crossed (the message names it);
 *   OW_ENOMEM  allocation failed.
 * err (may be NULL) gets the message.
 */
int xml_parse(const char *data, size_t len, const struct xml_limits *lim,
	      struct xml_doc **out, struct ow_err *err) OW_WUR;

/* Frees the document and every node, attribute and string of it. NULL ok. */
void xml_free(struct xml_doc *d);

/* ---- reading (all borrowed: valid until xml_free) ---- */

/* The document element; never NULL for a parsed document. */
const struct xml_node *xml_root(const struct xml_doc *d);

/* First child element of n with that namespace URI and local name; ns NULL
 * matches any namespace, name NULL any name. NULL when none (or n NULL). */
const struct xml_node *xml_child(const struct xml_node *n, const char *ns,
				 const char *name);

/* The next sibling after n that matches, as xml_child. NULL when none. */
const struct xml_node *xml_next(const struct xml_node *n, const char *ns,
				const char *name);

/* Value of the first attribute of n with that local name and no namespace,
 * or NULL. */
const char *xml_attr(const struct xml_node *n, const char *name);

/* Same for a namespace-qualified attribute (ns "" = no namespace). */
const char *xml_attr_ns(const struct xml_node *n, const char *ns,
			const char *name);

#endif
