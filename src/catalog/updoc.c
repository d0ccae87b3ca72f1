/* SPDX-License-Identifier: MIT */
/*
 * Reads an upd:Update revision document (see updoc.h) from the bounded XML
 * tree. Each field is checked where it is read and the message names the
 * element, attribute and (cleaned, shortened) value at fault. Digests are
 * decoded by a strict base64 reader: only the canonical encoding of exactly
 * the expected number of bytes is accepted, since a digest that decodes
 * "approximately" is no digest.
 */
#include "catalog/updoc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "xml/xml.h"

#define QUOTE_MAX 48    /* bytes of a bad value shown in a message */

/* s cleaned for a log line: control and non-ASCII bytes become '?', and
 * more than QUOTE_MAX bytes are cut with "...". */
static const char *quote(const char *s, char buf[QUOTE_MAX + 4])
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < QUOTE_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		buf[i] = ch < 0x20 || ch >= 0x7f ? '?' : (char)ch;
	}
	if (s[i] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* An element's text without surrounding XML whitespace: *len bytes at the
 * returned pointer (not NUL-terminated at *len). */
static const char *trimmed(const struct xml_node *n, size_t *len)
{
	const char *s = n->text;
	size_t l = n->text_len;

	while (l > 0 && is_xml_space(s[0])) {
		s++;
		l--;
	}
	while (l > 0 && is_xml_space(s[l - 1]))
		l--;
	*len = l;
	return s;
}

/* Copies n bytes of s into dst[size] or fails naming what. */
static int copy_n(char *dst, size_t size, const char *s, size_t n,
		  const char *what, struct ow_err *err)
{
	if (n >= size)
		return ow_err_set(err, OW_EINVAL, "%s is longer than %zu bytes",
				  what, size - 1);
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int copy_str(char *dst, size_t size, const char *s, const char *what,
		    struct ow_err *err)
{
	return copy_n(dst, size, s, strlen(s), what, err);
}

/* Optional attribute into a field; "" when absent. */
static int copy_attr(char *dst, size_t size, const struct xml_node *n,
		     const char *name, const char *what, struct ow_err *err)
{
	const char *v = xml_attr(n, name);

	dst[0] = '\0';
	return v ? copy_str(dst, size, v, what, err) : 0;
}

/* xsd:boolean as written by WSUS: "true", "false", "1", "0". */
static int parse_bool(const char *s, int *out)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		*out = 1;
	else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		*out = 0;
	else
		return OW_EINVAL;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int updoc_guid_normalize(const char *in, char out[37])
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < 36; i++) {
		char c = in[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return OW_EINVAL;
		} else if (hexval(c) < 0) {
			return OW_EINVAL;   /* also stops at a short string's NUL */
		}
	}
	if (in[36] != '\0')
		return OW_EINVAL;
	for (i = 0; i < 36; i++)
		out[i] = in[i] >= 'A' && in[i] <= 'F' ? (char)(in[i] - 'A' + 'a') : in[i];
	out[36] = '\0';
	return 0;
}

/* ---- digests ---- */

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes canonical, padded base64 of exactly want bytes into out. No
 * whitespace, no missing padding, no set bits in the unused tail. */
static int b64_exact(const char *s, size_t n, unsigned char *out, size_t want)
{
	size_t o = 0;

	if (n == 0 || n % 4 != 0 || n / 4 * 3 < want || n / 4 * 3 - want > 2)
		return OW_EINVAL;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;
		unsigned long w;

		for (int j = 0; j < 4; j++) {
			if (s[i + j] == '=') {
				if (i + 4 != n || j < 2)
					return OW_EINVAL;
				pad++;
				v[j] = 0;
			} else {
				if (pad > 0 || (v[j] = b64val(s[i + j])) < 0)
					return OW_EINVAL;
			}
		}
		if ((pad == 1 && (v[2] & 0x3) != 0) ||
		    (pad == 2 && (v[1] & 0xf) != 0))
			return OW_EINVAL;
		w = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 |
		    (unsigned long)v[2] << 6 | (unsigned long)v[3];
		for (int k = 0; k < 3 - pad; k++) {
			if (o == want)
				return OW_EINVAL;
			out[o++] = (unsigned char)(w >> (16 - 8 * k));
		}
	}
	return o == want ? 0 : OW_EINVAL;
}

/* base64 of nbytes bytes -> upper-case hex in hex[2 * nbytes + 1]. */
static int digest_hex(const char *s, size_t n, size_t nbytes, char *hex)
{
	static const char digits[] = "0123456789ABCDEF";
	unsigned char raw[64];

	if (nbytes > sizeof(raw) || b64_exact(s, n, raw, nbytes) < 0)
		return OW_EINVAL;
	for (size_t i = 0; i < nbytes; i++) {
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 0xf];
	}
	hex[2 * nbytes] = '\0';
	return 0;
}

/* ---- identities and relationships ---- */

/* UpdateID and RevisionNumber of an UpdateIdentity element; *rev is -1
 * when the attribute is absent. what names the list for messages. */
static int read_identity(const struct xml_node *n, const char *what,
			 char id[37], int *rev, struct ow_err *err)
{
	const char *uid = xml_attr(n, "UpdateID");
	const char *r = xml_attr(n, "RevisionNumber");
	char q[QUOTE_MAX + 4];
	long long v;

	if (uid == NULL)
		return ow_err_set(err, OW_EINVAL, "%sUpdateIdentity has no UpdateID",
				  what);
	if (updoc_guid_normalize(uid, id) < 0)
		return ow_err_set(err, OW_EINVAL,
				  "%sUpdateIdentity UpdateID '%s' is not a GUID",
				  what, quote(uid, q));
	*rev = -1;
	if (r != NULL) {
		if (ow_parse_ll(r, 0, INT_MAX, &v) < 0)
			return ow_err_set(err, OW_EINVAL,
					  "%sUpdateIdentity RevisionNumber '%s' is not "
					  "a number in 0..%d", what, quote(r, q), INT_MAX);
		*rev = (int)v;
	}
	return 0;
}

struct rel_list {
	struct updoc_rel *v;
	size_t n, cap;
};

static int rel_add(struct rel_list *l, const struct xml_node *ident,
		   int group, int is_category, const char *what,
		   struct ow_err *err)
{
	struct updoc_rel r;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = read_identity(ident, what, r.id, &r.revision, err)) < 0)
		return rc;
	r.group = group;
	r.is_category = is_category;
	if (l->n == l->cap) {
		/* Each entry is an element: the XML node limit bounds n. */
		size_t ncap = l->cap ? l->cap * 2 : 8;
		struct updoc_rel *nv = realloc(l->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return ow_err_set(err, OW_ENOMEM, "out of memory");
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = r;
	return 0;
}

/* Every <Relationships><name> list: plain UpdateIdentity children are
 * group 0, the k-th AtLeastOne's members group k. */
static int read_rels(const struct xml_node *root, const char *name,
		     const char *what, struct updoc_rel **out, size_t *nout,
		     struct ow_err *err)
{
	const struct xml_node *rels = xml_child(root, UPDOC_NS, "Relationships");
	struct rel_list l = { NULL, 0, 0 };
	char q[QUOTE_MAX + 4];
	int group = 0, rc = 0;

	for (const struct xml_node *list = xml_child(rels, UPDOC_NS, name);
	     list != NULL && rc == 0; list = xml_next(list, UPDOC_NS, name)) {
		for (const struct xml_node *c = list->first_child;
		     c != NULL && rc == 0; c = c->next_sibling) {
			const char *iscat;
			int cat = 0;

			if (strcmp(c->ns, UPDOC_NS) != 0)
				continue;
			if (strcmp(c->name, "UpdateIdentity") == 0) {
				rc = rel_add(&l, c, 0, 0, what, err);
				continue;
			}
			if (strcmp(c->name, "AtLeastOne") != 0)
				continue;
			group++;
			iscat = xml_attr(c, "IsCategory");
			if (iscat != NULL && parse_bool(iscat, &cat) < 0) {
				rc = ow_err_set(err, OW_EINVAL,
						"%sAtLeastOne IsCategory '%s' is not "
						"a boolean", what, quote(iscat, q));
				break;
			}
			for (const struct xml_node *m = xml_child(c, UPDOC_NS,
								  "UpdateIdentity");
			     m != NULL && rc == 0;
			     m = xml_next(m, UPDOC_NS, "UpdateIdentity"))
				rc = rel_add(&l, m, group, cat, what, err);
		}
	}
	if (rc < 0) {
		free(l.v);
		return rc;
	}
	*out = l.v;
	*nout = l.n;
	return 0;
}

/* ---- files ---- */

static const char *origin_attr(const struct xml_node *f)
{
	for (size_t i = 0; i < f->nattrs; i++) {
		const struct xml_attr *a = &f->attrs[i];

		if (a->ns[0] == '\0' && (ow_strncasecmp(a->name, "OriginUri", 10) == 0 ||
					 ow_strncasecmp(a->name, "OriginUrl", 10) == 0))
			return a->value;
	}
	return NULL;
}

static int read_file(const struct xml_node *f, struct updoc_file *out,
		     struct ow_err *err)
{
	const char *name = xml_attr(f, "FileName");
	const char *size = xml_attr(f, "Size");
	const char *digest = xml_attr(f, "Digest");
	const char *alg = xml_attr(f, "DigestAlgorithm");
	const char *origin = origin_attr(f);
	char q[QUOTE_MAX + 4], q2[QUOTE_MAX + 4];
	long long v;
	int rc;

	memset(out, 0, sizeof(*out));
	if (name == NULL || name[0] == '\0')
		return ow_err_set(err, OW_EINVAL, "File has no FileName");
	if ((rc = copy_str(out->name, sizeof(out->name), name, "File FileName",
			   err)) < 0)
		return rc;
	if (size == NULL)
		return ow_err_set(err, OW_EINVAL, "File '%s' has no Size",
				  quote(name, q));
	if (ow_parse_ll(size, 0, LLONG_MAX, &v) < 0)
		return ow_err_set(err, OW_EINVAL, "File '%s' Size '%s' is not a "
				  "number", quote(name, q), quote(size, q2));
	out->size = (uint64_t)v;
	if ((rc = copy_attr(out->modified, sizeof(out->modified), f, "Modified",
			    "File Modified", err)) < 0)
		return rc;
	if (origin != NULL &&
	    (rc = copy_str(out->origin, sizeof(out->origin), origin,
			   "File origin URI", err)) < 0)
		return rc;
	/* The main Digest is SHA-1 unless DigestAlgorithm says otherwise;
	 * another algorithm leaves sha1_hex empty for the caller to refuse. */
	if (digest != NULL && (alg == NULL || ow_strncasecmp(alg, "SHA1", 5) == 0) &&
	    digest_hex(digest, strlen(digest), 20, out->sha1_hex) < 0)
		return ow_err_set(err, OW_EINVAL, "File '%s' Digest '%s' is not "
				  "base64 of a 20-byte SHA-1", quote(name, q),
				  quote(digest, q2));
	for (const struct xml_node *a = xml_child(f, UPDOC_NS, "AdditionalDigest");
	     a != NULL; a = xml_next(a, UPDOC_NS, "AdditionalDigest")) {
		const char *aa = xml_attr(a, "Algorithm");
		size_t n;
		const char *t = trimmed(a, &n);

		if (aa == NULL || ow_strncasecmp(aa, "SHA256", 7) != 0)
			continue;
		if (out->sha256_hex[0] != '\0')
			return ow_err_set(err, OW_EINVAL, "File '%s' has more than "
					  "one SHA256 AdditionalDigest", quote(name, q));
		if (digest_hex(t, n, 32, out->sha256_hex) < 0)
			return ow_err_set(err, OW_EINVAL, "File '%s' AdditionalDigest "
					  "'%s' is not base64 of a 32-byte SHA-256",
					  quote(name, q), quote(a->text, q2));
	}
	return 0;
}

static int read_files(const struct xml_node *root, struct updoc *d,
		      struct ow_err *err)
{
	size_t cap = 0;
	int rc;

	for (const struct xml_node *fs = xml_child(root, UPDOC_NS, "Files");
	     fs != NULL; fs = xml_next(fs, UPDOC_NS, "Files")) {
		for (const struct xml_node *f = xml_child(fs, UPDOC_NS, "File");
		     f != NULL; f = xml_next(f, UPDOC_NS, "File")) {
			if (d->nfiles == cap) {
				size_t ncap = cap ? cap * 2 : 4;
				struct updoc_file *nv = realloc(d->files,
								ncap * sizeof(*nv));

				if (nv == NULL)
					return ow_err_set(err, OW_ENOMEM,
							  "out of memory");
				d->files = nv;
				cap = ncap;
			}
			if ((rc = read_file(f, &d->files[d->nfiles], err)) < 0)
				return rc;
			d->nfiles++;
		}
	}
	return 0;
}

/* ---- properties ---- */

/* Does the trimmed text of n equal lang (ASCII case-insensitive)? */
static int lang_is(const struct xml_node *n, const char *lang)
{
	size_t len;
	const char *t;

	if (n == NULL || lang == NULL)
		return 0;
	t = trimmed(n, &len);
	return len == strlen(lang) && ow_strncasecmp(t, lang, len) == 0;
}

/* The Title of the LocalizedProperties in lang, or NULL. */
static const struct xml_node *title_in(const struct xml_node *coll,
				       const char *lang)
{
	for (const struct xml_node *lp = xml_child(coll, UPDOC_NS, "LocalizedProperties");
	     lp != NULL; lp = xml_next(lp, UPDOC_NS, "LocalizedProperties")) {
		const struct xml_node *t = xml_child(lp, UPDOC_NS, "Title");

		if (t != NULL && (lang == NULL ||
				  lang_is(xml_child(lp, UPDOC_NS, "Language"), lang)))
			return t;
	}
	return NULL;
}

/* Title for display: cut to the field at a UTF-8 character boundary. */
static void read_title(const struct xml_node *root, const char *deflang,
		       char *out, size_t size)
{
	const struct xml_node *coll = xml_child(root, UPDOC_NS,
						"LocalizedPropertiesCollection");
	const struct xml_node *t = NULL;
	const char *s;
	size_t n;

	out[0] = '\0';
	if (coll == NULL)
		return;
	if (deflang != NULL)
		t = title_in(coll, deflang);
	if (t == NULL)
		t = title_in(coll, "en");
	if (t == NULL)
		t = title_in(coll, NULL);
	if (t == NULL)
		return;
	s = trimmed(t, &n);
	if (n >= size) {
		n = size - 1;
		/* s[n] is the first byte left out: if it continues a
		 * character, that character started earlier; drop it all. */
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

static const struct {
	const char *name;
	enum updoc_type type;
} types[] = {
	{ "Software", UPDOC_SOFTWARE },
	{ "Driver", UPDOC_DRIVER },
	{ "Category", UPDOC_CATEGORY },
	{ "Detectoid", UPDOC_DETECTOID },
};

static int read_properties(const struct xml_node *root, struct updoc *d,
			   struct ow_err *err)
{
	const struct xml_node *p = xml_child(root, UPDOC_NS, "Properties");
	const struct xml_node *kb;
	const char *type, *ed;
	char q[QUOTE_MAX + 4];
	int rc;

	if (p == NULL)
		return ow_err_set(err, OW_EINVAL, "upd:Update has no upd:Properties");
	type = xml_attr(p, "UpdateType");
	if (type == NULL)
		type = "Software";  /* the schema's default */
	if ((rc = copy_str(d->type_name, sizeof(d->type_name), type,
			   "Properties UpdateType", err)) < 0)
		return rc;
	d->type = UPDOC_OTHER;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i].name) == 0)
			d->type = types[i].type;

	if ((rc = copy_attr(d->msrc_severity, sizeof(d->msrc_severity), p,
			    "MsrcSeverity", "Properties MsrcSeverity", err)) < 0 ||
	    (rc = copy_attr(d->creation_date, sizeof(d->creation_date), p,
			    "CreationDate", "Properties CreationDate", err)) < 0 ||
	    (rc = copy_attr(d->publication_state, sizeof(d->publication_state),
			    p, "PublicationState", "Properties PublicationState",
			    err)) < 0 ||
	    (rc = copy_attr(d->handler, sizeof(d->handler), p, "Handler",
			    "Properties Handler", err)) < 0)
		return rc;

	d->explicitly_deployable = d->type == UPDOC_SOFTWARE ||
				   d->type == UPDOC_DRIVER;
	ed = xml_attr(p, "ExplicitlyDeployable");
	if (ed != NULL && parse_bool(ed, &d->explicitly_deployable) < 0)
		return ow_err_set(err, OW_EINVAL, "Properties ExplicitlyDeployable "
				  "'%s' is not a boolean", quote(ed, q));
	d->removable = xml_child(p, UPDOC_NS, "UninstallationBehavior") != NULL;

	kb = xml_child(p, UPDOC_NS, "KBArticleID");
	if (kb != NULL) {
		size_t n;
		const char *t = trimmed(kb, &n);

		if ((rc = copy_n(d->kb, sizeof(d->kb), t, n,
				 "Properties KBArticleID", err)) < 0)
			return rc;
	}
	read_title(root, xml_attr(p, "DefaultPropertiesLanguage"), d->title,
		   sizeof(d->title));

	if (d->type == UPDOC_CATEGORY) {
		const struct xml_node *h = xml_child(root, UPDOC_NS,
						     "HandlerSpecificData");
		const struct xml_node *ci = xml_child(h, UPDOC_CATEGORY_NS,
						      "CategoryInformation");

		if ((rc = copy_attr(d->category_type, sizeof(d->category_type),
				    ci, "CategoryType",
				    "CategoryInformation CategoryType", err)) < 0)
			return rc;
	}
	return 0;
}

/* ---- entry points ---- */

int updoc_parse(const char *xml, size_t len, struct updoc *out,
		struct ow_err *err)
{
	struct xml_doc *doc = NULL;
	const struct xml_node *root, *ident, *c;
	struct updoc d;
	char q[QUOTE_MAX + 4], q2[QUOTE_MAX + 4];
	size_t nident = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	if ((rc = xml_parse(xml, len, NULL, &doc, err)) < 0)
		goto fail;
	root = xml_root(doc);
	if (strcmp(root->ns, UPDOC_NS) != 0 || strcmp(root->name, "Update") != 0) {
		rc = ow_err_set(err, OW_EINVAL, "root element '%s' (namespace '%s') "
				"is not upd:Update", quote(root->name, q),
				quote(root->ns, q2));
		goto fail;
	}
	ident = xml_child(root, UPDOC_NS, "UpdateIdentity");
	for (c = ident; c != NULL; c = xml_next(c, UPDOC_NS, "UpdateIdentity"))
		nident++;
	if (nident != 1) {
		rc = ow_err_set(err, OW_EINVAL, nident == 0 ?
				"upd:Update has no upd:UpdateIdentity" :
				"upd:Update has more than one upd:UpdateIdentity");
		goto fail;
	}
	if ((rc = read_identity(ident, "", d.id, &d.revision, err)) < 0)
		goto fail;
	if (d.revision < 0) {
		rc = ow_err_set(err, OW_EINVAL, "UpdateIdentity has no RevisionNumber");
		goto fail;
	}
	if ((rc = read_properties(root, &d, err)) < 0 ||
	    (rc = read_rels(root, "Prerequisites", "Prerequisites ", &d.prereqs,
			    &d.nprereqs, err)) < 0 ||
	    (rc = read_rels(root, "BundledUpdates", "BundledUpdates ", &d.bundled,
			    &d.nbundled, err)) < 0 ||
	    (rc = read_rels(root, "SupersededUpdates", "SupersededUpdates ",
			    &d.superseded, &d.nsuperseded, err)) < 0 ||
	    (rc = read_files(root, &d, err)) < 0)
		goto fail;
	*out = d;
	xml_free(doc);
	return 0;
fail:
	updoc_release(&d);
	xml_free(doc);
	return rc;
}

void updoc_release(struct updoc *d)
{
	free(d->prereqs);
	free(d->bundled);
	free(d->superseded);
	free(d->files);
	memset(d, 0, sizeof(*d));
}
