/* SPDX-License-Identifier: MIT */
/*
 * Derives the Core, Extended and LocalizedProperties fragments of MS-WUSP
 * from a stored upd:Update document (rules in fragments.h). The document is
 * parsed once into the bounded XML tree and the chosen parts are written
 * back out with WSUS's naming: prefixes dropped, "b."/"m."/"d." inside
 * ApplicabilityRules, xsi:type as "type", " />" for empty elements. Writing
 * from the tree instead of copying raw byte spans costs a re-escape of every
 * value but makes the output independent of the input's prefixes, quoting
 * and encoding (UTF-16 documents give the same UTF-8 fragments).
 *
 *   <upd:HandlerSpecificData xsi:type="cmd:CommandLineInstallation"
 *       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 *     <cmd:InstallCommand Program="AM_Engine.exe" xmlns:cmd="...">
 *   becomes
 *   <HandlerSpecificData type="cmd:CommandLineInstallation">
 *     <InstallCommand Program="AM_Engine.exe">
 */
#include "wusp/fragments.h"

#include <string.h>

#include "base/util.h"
#include "catalog/updoc.h"
#include "xml/xml.h"

#define NS_BASE_RULES "http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules"
#define NS_MSI_RULES "http://schemas.microsoft.com/msus/2002/12/MsiApplicabilityRules"
#define NS_DRIVER "http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsDriver"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"

/* A language tag in LocalizedProperties: BCP 47's practical maximum. */
#define LANG_MAX 35

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int all_space(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_xml_space(s[i]))
			return 0;
	return 1;
}

/* s without surrounding XML whitespace: *len bytes at the result. */
static const char *trim(const char *s, size_t n, size_t *len)
{
	while (n > 0 && is_xml_space(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && is_xml_space(s[n - 1]))
		n--;
	*len = n;
	return s;
}

static int is_true(const char *v)
{
	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* Appends n bytes of s escaped as .NET's XmlWriter does: & < > always, and
 * in attribute values also " and TAB/LF as character references. CR is a
 * reference everywhere, so a decoded &#13; survives the next parse. Runs
 * without a special byte are copied in one append. */
static int put_escaped(struct ow_buf *b, const char *s, size_t n, int attr)
{
	size_t i, run = 0;
	int rc;

	for (i = 0; i < n; i++) {
		const char *rep = NULL;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '\r': rep = "&#xD;"; break;
		case '"': rep = attr ? "&quot;" : NULL; break;
		case '\t': rep = attr ? "&#x9;" : NULL; break;
		case '\n': rep = attr ? "&#xA;" : NULL; break;
		default: break;
		}
		if (rep == NULL)
			continue;
		if ((rc = ow_buf_add(b, s + run, i - run)) < 0 ||
		    (rc = ow_buf_adds(b, rep)) < 0)
			return rc;
		run = i + 1;
	}
	return ow_buf_add(b, s + run, n - run);
}

/* Appends ` name="value"`. */
static int put_attr(struct ow_buf *b, const char *name, const char *value)
{
	int rc;

	if ((rc = ow_buf_adds(b, " ")) < 0 || (rc = ow_buf_adds(b, name)) < 0 ||
	    (rc = ow_buf_adds(b, "=\"")) < 0 ||
	    (rc = put_escaped(b, value, strlen(value), 1)) < 0)
		return rc;
	return ow_buf_adds(b, "\"");
}

/* The name prefix of an applicability rule element by its namespace. */
static const char *rule_prefix(const char *ns)
{
	if (strcmp(ns, NS_BASE_RULES) == 0)
		return "b.";
	if (strcmp(ns, NS_MSI_RULES) == 0)
		return "m.";
	if (strcmp(ns, NS_DRIVER) == 0)
		return "d.";
	return "";
}

/* Writes the attributes of n under the common rules: unprefixed ones as
 * they are, xsi:type as "type", other namespaced ones dropped. */
static int put_attrs(struct ow_buf *b, const struct xml_node *n,
		     struct ow_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < n->nattrs; i++) {
		const struct xml_attr *a = &n->attrs[i];

		if (a->ns[0] == '\0') {
			rc = put_attr(b, a->name, a->value);
		} else if (strcmp(a->ns, NS_XSI) == 0 &&
			   strcmp(a->name, "type") == 0) {
			/* Bare "type" next to xsi:type would repeat an
			 * attribute in the output. */
			if (xml_attr(n, "type") != NULL)
				return ow_err_set(err, OW_EINVAL, "element '%s' has both "
						  "type and xsi:type", n->name);
			rc = put_attr(b, "type", a->value);
		} else {
			continue;
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int put_node(struct ow_buf *b, const struct xml_node *n, int in_rules,
		    struct ow_err *err);

/* Writes the content of an element whose start tag is open up to its
 * attributes, and its end tag: " />" when there is nothing to write. */
static int put_content(struct ow_buf *b, const struct xml_node *n,
		       const char *prefix, const char *name, int with_children,
		       int in_rules, struct ow_err *err)
{
	int has_text = n->text_len > 0 && !all_space(n->text, n->text_len);
	const struct xml_node *c;
	int rc;

	if (!has_text && (!with_children || n->first_child == NULL))
		return ow_buf_adds(b, " />");
	if ((rc = ow_buf_adds(b, ">")) < 0)
		return rc;
	if (has_text && (rc = put_escaped(b, n->text, n->text_len, 0)) < 0)
		return rc;
	if (with_children)
		for (c = n->first_child; c != NULL; c = c->next_sibling)
			if ((rc = put_node(b, c, in_rules, err)) < 0)
				return rc;
	if ((rc = ow_buf_adds(b, "</")) < 0 || (rc = ow_buf_adds(b, prefix)) < 0 ||
	    (rc = ow_buf_adds(b, name)) < 0)
		return rc;
	return ow_buf_adds(b, ">");
}

/* Copies element n and its subtree under the common rules. in_rules: n is
 * inside ApplicabilityRules. Recursion is bounded by OW_MAX_XML_DEPTH. */
static int put_node(struct ow_buf *b, const struct xml_node *n, int in_rules,
		    struct ow_err *err)
{
	const char *prefix = in_rules ? rule_prefix(n->ns) : "";
	int rc;

	if ((rc = ow_buf_adds(b, "<")) < 0 || (rc = ow_buf_adds(b, prefix)) < 0 ||
	    (rc = ow_buf_adds(b, n->name)) < 0 || (rc = put_attrs(b, n, err)) < 0)
		return rc;
	if (!in_rules && strcmp(n->ns, UPDOC_NS) == 0 &&
	    strcmp(n->name, "ApplicabilityRules") == 0)
		in_rules = 1;
	return put_content(b, n, prefix, n->name, 1, in_rules, err);
}

/* ---- Properties: split between Core and Extended ---- */

/* Attributes Core carries, in the order WSUS writes them; boolean ones are
 * written only when true. UpdateType is handled on its own. */
static const struct {
	const char *name;
	int boolean;
} core_attrs[] = {
	{ "ExplicitlyDeployable", 1 },
	{ "AutoSelectOnWebSites", 1 },
	{ "EulaID", 0 },
	{ "PerUser", 1 },
};

/* Attributes that only the server uses: in no fragment. */
static const char *const server_attrs[] = {
	"PublicationState", "CreationDate", "PublisherID", "IsPublic",
};

static int is_core_attr(const char *name)
{
	size_t i;

	if (strcmp(name, "UpdateType") == 0)
		return 1;
	for (i = 0; i < sizeof(core_attrs) / sizeof(core_attrs[0]); i++)
		if (strcmp(name, core_attrs[i].name) == 0)
			return 1;
	return 0;
}

static int is_server_attr(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(server_attrs) / sizeof(server_attrs[0]); i++)
		if (strcmp(name, server_attrs[i]) == 0)
			return 1;
	return 0;
}

/* <Properties UpdateType="..." .../> of Core. */
static int put_core_properties(struct ow_buf *b, const struct xml_node *p)
{
	const char *type = xml_attr(p, "UpdateType");
	size_t i;
	int rc;

	if ((rc = ow_buf_adds(b, "<Properties")) < 0 ||
	    (rc = put_attr(b, "UpdateType", type ? type : "Software")) < 0)
		return rc;
	for (i = 0; i < sizeof(core_attrs) / sizeof(core_attrs[0]); i++) {
		const char *v = xml_attr(p, core_attrs[i].name);

		if (v == NULL || (core_attrs[i].boolean && !is_true(v)))
			continue;
		if ((rc = put_attr(b, core_attrs[i].name,
				   core_attrs[i].boolean ? "true" : v)) < 0)
			return rc;
	}
	return ow_buf_adds(b, " />");
}

/* <ExtendedProperties ...>children</ExtendedProperties> of Extended. */
static int put_extended_properties(struct ow_buf *b, const struct xml_node *p,
				   struct ow_err *err)
{
	size_t i;
	int rc;

	if ((rc = ow_buf_adds(b, "<ExtendedProperties")) < 0)
		return rc;
	for (i = 0; i < p->nattrs; i++) {
		const struct xml_attr *a = &p->attrs[i];

		if (a->ns[0] != '\0' || is_core_attr(a->name) ||
		    is_server_attr(a->name))
			continue;
		if ((rc = put_attr(b, a->name, a->value)) < 0)
			return rc;
	}
	return put_content(b, p, "", "ExtendedProperties", 1, 0, err);
}

/* ---- the document ---- */

/* The only child of root named name in the Update namespace; NULL with
 * OW_EINVAL in *rc when there is none or more than one. */
static const struct xml_node *only_child(const struct xml_node *root,
					 const char *name, int *rc,
					 struct ow_err *err)
{
	const struct xml_node *n = xml_child(root, UPDOC_NS, name);

	if (n == NULL || xml_next(n, UPDOC_NS, name) != NULL) {
		*rc = ow_err_set(err, OW_EINVAL, "update document needs exactly "
				 "one upd:%s", name);
		return NULL;
	}
	return n;
}

/* Parses doc and checks the shape every fragment relies on. */
static int open_doc(const char *doc, size_t len, struct xml_doc **d,
		    const struct xml_node **ident, const struct xml_node **props,
		    struct ow_err *err)
{
	const struct xml_node *root;
	int rc = xml_parse(doc, len, NULL, d, err);

	if (rc < 0)
		return rc;
	root = xml_root(*d);
	if (strcmp(root->ns, UPDOC_NS) != 0 || strcmp(root->name, "Update") != 0)
		return ow_err_set(err, OW_EINVAL, "root element '%s' is not "
				  "upd:Update", root->name);
	rc = 0;
	if ((*ident = only_child(root, "UpdateIdentity", &rc, err)) == NULL ||
	    (*props = only_child(root, "Properties", &rc, err)) == NULL)
		return rc;
	return 0;
}

/* Copies the first root child named name, if any. */
static int put_child(struct ow_buf *b, const struct xml_node *root,
		     const char *name, struct ow_err *err)
{
	const struct xml_node *n = xml_child(root, UPDOC_NS, name);

	return n ? put_node(b, n, 0, err) : 0;
}

static int put_core(struct ow_buf *b, const struct xml_node *root,
		    const struct xml_node *ident, const struct xml_node *props,
		    struct ow_err *err)
{
	int rc;

	if ((rc = put_node(b, ident, 0, err)) < 0 ||
	    (rc = put_core_properties(b, props)) < 0 ||
	    (rc = put_child(b, root, "Relationships", err)) < 0)
		return rc;
	return put_child(b, root, "ApplicabilityRules", err);
}

static int put_extended(struct ow_buf *b, const struct xml_node *root,
			const struct xml_node *props, struct ow_err *err)
{
	int rc;

	if ((rc = put_extended_properties(b, props, err)) < 0 ||
	    (rc = put_child(b, root, "Files", err)) < 0)
		return rc;
	return put_child(b, root, "HandlerSpecificData", err);
}

/* The Language text of a LocalizedProperties element, trimmed; NULL when
 * it has none. */
static const char *language_of(const struct xml_node *lp, size_t *len)
{
	const struct xml_node *l = xml_child(lp, UPDOC_NS, "Language");

	if (l == NULL)
		return NULL;
	return trim(l->text, l->text_len, len);
}

static int put_localized(struct ow_buf *b, const struct xml_node *root,
			 const char *lang, struct ow_err *err)
{
	const struct xml_node *coll, *lp;
	size_t want = strlen(lang), len;
	const char *v;

	coll = xml_child(root, UPDOC_NS, "LocalizedPropertiesCollection");
	for (lp = xml_child(coll, UPDOC_NS, "LocalizedProperties"); lp != NULL;
	     lp = xml_next(lp, UPDOC_NS, "LocalizedProperties")) {
		v = language_of(lp, &len);
		if (v != NULL && len == want && ow_strncasecmp(v, lang, len) == 0)
			return put_node(b, lp, 0, err);
	}
	return ow_err_set(err, OW_ENOENT, "no LocalizedProperties for language "
			  "'%.40s'", lang);
}

int wusp_fragment_derive(const char *doc, size_t len, enum wusp_fragment type,
			 const char *lang, struct ow_buf *out,
			 struct ow_err *err)
{
	const struct xml_node *ident = NULL, *props = NULL, *root;
	struct xml_doc *d = NULL;
	size_t start = out->len;
	int rc;

	if (type == WUSP_FRAG_LOCALIZED && (lang == NULL || lang[0] == '\0')) {
		rc = ow_err_set(err, OW_EINVAL, "no language given");
		goto fail;
	}
	if ((rc = open_doc(doc, len, &d, &ident, &props, err)) < 0)
		goto fail;
	root = xml_root(d);
	switch (type) {
	case WUSP_FRAG_CORE:
		rc = put_core(out, root, ident, props, err);
		break;
	case WUSP_FRAG_EXTENDED:
		rc = put_extended(out, root, props, err);
		break;
	case WUSP_FRAG_LOCALIZED:
		rc = put_localized(out, root, lang, err);
		break;
	default:
		rc = ow_err_set(err, OW_EINVAL, "unknown fragment type %d",
				(int)type);
		break;
	}
	if (rc == OW_ELIMIT || rc == OW_ENOMEM)
		ow_err_set(err, rc, rc == OW_ELIMIT ? "fragment is larger than "
			   "the output buffer allows" : "out of memory");
fail:
	if (rc < 0 && out->len > start) {
		out->len = start;
		out->data[start] = '\0';
	}
	xml_free(d);
	return rc;
}

static int lang_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > LANG_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* Whether the comma-separated list has the item s of n bytes. The list is
 * bounded by the caller's outlen, so this stays linear in the document. */
static int list_has(const char *list, const char *s, size_t n)
{
	const char *p = list;

	while (*p != '\0') {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == n && memcmp(p, s, n) == 0)
			return 1;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return 0;
}

int wusp_fragment_languages(const char *doc, size_t len, char *out,
			    size_t outlen, struct ow_err *err)
{
	const struct xml_node *ident = NULL, *props = NULL, *coll, *lp;
	struct xml_doc *d = NULL;
	size_t used = 0, n;
	const char *v;
	int rc;

	if (outlen == 0) {
		rc = ow_err_set(err, OW_ELIMIT, "no room for the language list");
		goto fail;
	}
	out[0] = '\0';
	if ((rc = open_doc(doc, len, &d, &ident, &props, err)) < 0)
		goto fail;
	coll = xml_child(xml_root(d), UPDOC_NS, "LocalizedPropertiesCollection");
	for (lp = xml_child(coll, UPDOC_NS, "LocalizedProperties"); lp != NULL;
	     lp = xml_next(lp, UPDOC_NS, "LocalizedProperties")) {
		v = language_of(lp, &n);
		if (v == NULL || !lang_ok(v, n)) {
			rc = ow_err_set(err, OW_EINVAL, "LocalizedProperties "
					"with a missing or invalid Language");
			goto fail;
		}
		if (list_has(out, v, n))
			continue;
		if (n + (used > 0) >= outlen - used) {
			rc = ow_err_set(err, OW_ELIMIT, "language list longer "
					"than %zu bytes", outlen - 1);
			goto fail;
		}
		if (used > 0)
			out[used++] = ',';
		memcpy(out + used, v, n);
		used += n;
		out[used] = '\0';
	}
	rc = 0;
fail:
	if (rc < 0 && outlen > 0)
		out[0] = '\0';
	xml_free(d);
	return rc;
}
