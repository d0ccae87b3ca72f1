/* SPDX-License-Identifier: MIT */
/*
 * Decodes MS-WUSP SOAP requests (see request.h for the rules). The body is
 * parsed once into the bounded XML tree; one reader per operation then
 * pulls each field through a small set of typed helpers that check
 * presence, duplicates, type and length where the value is read, so every
 * message names the element at fault. Arrays are counted and checked
 * against their ceiling before anything is allocated. Allocations go to a
 * per-request list freed as a whole by wusp_request_release().
 *
 *   <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
 *     <GetConfig xmlns="http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService">
 *       <protocolVersion>2.90</protocolVersion></GetConfig></s:Body></s:Envelope>
 */
#include "wusp/request.h"

#include <limits.h>
#include <stdarg.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "catalog/updoc.h"
#include "xml/xml.h"

#define CWS_ACTION "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/"
#define QUOTE_MAX 40            /* bytes of a bad value shown in a message */
#define PATH_MSG_MAX 160        /* bytes of an element path in a message */

/* One allocation of the request; the list is freed at release. */
struct wusp_arena {
	struct wusp_arena *next;
	alignas(max_align_t) unsigned char data[];
};

/* Reading state of one request. */
struct rd {
	struct wusp_request *r;
	const char *ns;         /* the operation's namespace */
	const char *op;         /* its name, for messages */
	const char *item;       /* "ReportingEvent", "Device": messages say which */
	size_t index;
	struct ow_err *err;
};

static const struct xml_limits soap_limits = {
	.max_bytes = OW_MAX_BODY_BYTES,
	.max_depth = OW_MAX_WUSP_DEPTH,
	.max_nodes = OW_MAX_XML_NODES,
	.max_attr_bytes = 1024,         /* only xsi:nil and xsi:type occur */
	.max_text_bytes = OW_MAX_WUSP_ATTRS,
};

/* ---- messages ---- */

static int fail(struct rd *c, int code, const char *fmt, ...) OW_PRINTF(3, 4);
static int fail(struct rd *c, int code, const char *fmt, ...)
{
	char msg[OW_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);  /* messages may be cut */
	va_end(ap);
	if (c->item != NULL)
		return ow_err_set(c->err, code, "%s: %s %zu: %s", c->op, c->item,
				  c->index, msg);
	return ow_err_set(c->err, code, "%s: %s", c->op, msg);
}

/* s[0..n) cleaned for a message in buf of size bytes: control and
 * non-ASCII bytes become '?', what does not fit is cut with "...". */
static const char *quote_in(const char *s, size_t n, char *buf, size_t size)
{
	size_t i, max = size - 4;

	for (i = 0; i < n && i < max; i++) {
		unsigned char ch = (unsigned char)s[i];

		buf[i] = ch < 0x20 || ch >= 0x7f ? '?' : (char)ch;
	}
	if (i < n) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* A bad value, at most QUOTE_MAX bytes of it. */
static const char *quote_n(const char *s, size_t n, char buf[QUOTE_MAX + 4])
{
	return quote_in(s, n, buf, QUOTE_MAX + 4);
}

/* "parent/name" (or "name" when parent is "") for a message. */
static const char *path(char buf[PATH_MSG_MAX], const char *parent, const char *name)
{
	int n = snprintf(buf, PATH_MSG_MAX, "%s%s%s", parent, parent[0] ? "/" : "", name);

	if (n < 0)
		buf[0] = '\0';
	else if ((size_t)n >= PATH_MSG_MAX)
		memcpy(buf + PATH_MSG_MAX - 4, "...", 4);  /* shown cut */
	return buf;
}

/* ---- allocation ---- */

/* Zeroed room for n > 0 objects of size bytes, owned by the request; NULL
 * (and the error recorded) when allocation fails. */
static void *alloc(struct rd *c, size_t n, size_t size)
{
	struct wusp_arena *a;

	if (size != 0 && n > (SIZE_MAX - sizeof(*a)) / size) {
		fail(c, OW_ENOMEM, "allocation too large");
		return NULL;
	}
	a = calloc(1, sizeof(*a) + n * size);
	if (a == NULL) {
		fail(c, OW_ENOMEM, "out of memory");
		return NULL;
	}
	a->next = c->r->arena_;
	c->r->arena_ = a;
	return a->data;
}

/* An array of n members of *(dst) for dst; 0 or OW_ENOMEM. */
#define ALLOC_ARRAY(c, dst, n) \
	((n) == 0 ? ((dst) = NULL, 0) : \
	 ((dst) = alloc((c), (n), sizeof(*(dst)))) == NULL ? OW_ENOMEM : 0)

/* ---- finding elements ---- */

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* n's text without surrounding XML whitespace: *len bytes at the result. */
static const char *trimmed(const struct xml_node *n, size_t *len)
{
	const char *s = n->text;
	size_t l = n->text_len;

	while (l > 0 && is_space(s[0])) {
		s++;
		l--;
	}
	while (l > 0 && is_space(s[l - 1]))
		l--;
	*len = l;
	return s;
}

static int is_nil(const struct xml_node *n)
{
	const char *v = xml_attr_ns(n, WUSP_NS_XSI, "nil");
	size_t i = 0, l;

	if (v == NULL)
		return 0;
	while (is_space(v[i]))
		i++;
	l = strlen(v + i);
	while (l > 0 && is_space(v[i + l - 1]))
		l--;
	return (l == 4 && memcmp(v + i, "true", 4) == 0) ||
	       (l == 1 && v[i] == '1');
}

/* In the operation's namespace or the one of the spec's common types. */
static int ours(const struct rd *c, const struct xml_node *n)
{
	return strcmp(n->ns, c->ns) == 0 || strcmp(n->ns, WUSP_NS_REPORTING) == 0;
}

static int matches(const struct rd *c, const struct xml_node *n, const char *name)
{
	return strcmp(n->name, name) == 0 && ours(c, n);
}

/*
 * The child of p named name (maxOccurs 1): *out is NULL when absent or
 * nil (*nil, may be NULL, then says which). A second one is an error.
 * ppath names p in messages.
 */
static int find_nil(struct rd *c, const struct xml_node *p, const char *ppath,
		    const char *name, const struct xml_node **out, int *nil)
{
	const struct xml_node *hit = NULL;
	char pb[PATH_MSG_MAX];

	*out = NULL;
	for (const struct xml_node *n = p->first_child; n; n = n->next_sibling) {
		if (!matches(c, n, name))
			continue;
		if (hit != NULL)
			return fail(c, OW_EINVAL, "%s appears more than once",
				    path(pb, ppath, name));
		hit = n;
	}
	if (nil != NULL)
		*nil = hit != NULL && is_nil(hit);
	if (hit != NULL && !is_nil(hit))
		*out = hit;
	return 0;
}

static int find(struct rd *c, const struct xml_node *p, const char *ppath,
		const char *name, const struct xml_node **out)
{
	return find_nil(c, p, ppath, name, out, NULL);
}

/* As find, but absent or nil is an error. */
static int need(struct rd *c, const struct xml_node *p, const char *ppath,
		const char *name, const struct xml_node **out)
{
	char pb[PATH_MSG_MAX];
	int nil = 0, rc = find_nil(c, p, ppath, name, out, &nil);

	if (rc == 0 && *out == NULL)
		rc = fail(c, OW_EINVAL, "%s is %s", path(pb, ppath, name),
			  nil ? "nil" : "missing");
	return rc;
}

/* Array members: the children of arr named item, nil ones skipped. */
static const struct xml_node *next_item(const struct rd *c, const struct xml_node *n,
					const char *item)
{
	for (; n != NULL; n = n->next_sibling)
		if (matches(c, n, item) && !is_nil(n))
			return n;
	return NULL;
}

static const struct xml_node *first_item(const struct rd *c, const struct xml_node *arr,
					 const char *item)
{
	return next_item(c, arr->first_child, item);
}

/*
 * The array element name of p: *arr NULL when absent or nil; otherwise *n
 * is its number of item members, at most max.
 */
static int array(struct rd *c, const struct xml_node *p, const char *ppath,
		 const char *name, const char *item, size_t max,
		 const struct xml_node **arr, size_t *n)
{
	char pb[PATH_MSG_MAX];
	int rc;

	*n = 0;
	if ((rc = find(c, p, ppath, name, arr)) != 0 || *arr == NULL)
		return rc;
	for (const struct xml_node *m = first_item(c, *arr, item); m;
	     m = next_item(c, m->next_sibling, item))
		if (++*n > max)
			return fail(c, OW_ELIMIT, "%s has more than %zu %s elements (limit)",
				    path(pb, ppath, name), max, item);
	return 0;
}

/* ---- values of one element ---- */

/* The text as sent, at most max bytes. */
static int v_str(struct rd *c, const struct xml_node *n, const char *what,
		 size_t max, const char **out)
{
	if (n->text_len > max)
		return fail(c, OW_ELIMIT, "%s is longer than %zu bytes (limit)", what, max);
	*out = n->text;
	return 0;
}

/* The trimmed text, NUL-terminated (copied when trimming changed it). */
static int v_tok(struct rd *c, const struct xml_node *n, const char *what,
		 size_t max, const char **out)
{
	size_t len;
	const char *s = trimmed(n, &len);
	char *p;
	int rc;

	if (len > max)
		return fail(c, OW_ELIMIT, "%s is longer than %zu bytes (limit)", what, max);
	if (len == n->text_len) {
		*out = n->text;
		return 0;
	}
	if ((rc = ALLOC_ARRAY(c, p, len + 1)) != 0)
		return rc;
	memcpy(p, s, len);
	p[len] = '\0';
	*out = p;
	return 0;
}

/* A decimal integer of an xsd type in [min, max] ("+5" and leading zeros
 * as XML Schema allows). */
static int v_int(struct rd *c, const struct xml_node *n, const char *what,
		 long long min, long long max, const char *type, long long *out)
{
	char buf[32], qb[QUOTE_MAX + 4];
	size_t len;
	const char *s = trimmed(n, &len);

	if (len > 0 && s[0] == '+' && !(len > 1 && (s[1] == '-' || s[1] == '+'))) {
		s++;
		len--;
	}
	if (len == 0 || len >= sizeof(buf))
		goto bad;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (ow_parse_ll(buf, min, max, out) == 0)
		return 0;
bad:
	s = trimmed(n, &len);
	return fail(c, OW_EINVAL, "%s \"%s\" is not an %s", what,
		    quote_n(s, len, qb), type);
}

static int v_bool(struct rd *c, const struct xml_node *n, const char *what, int *out)
{
	char qb[QUOTE_MAX + 4];
	size_t len;
	const char *s = trimmed(n, &len);

	if ((len == 4 && memcmp(s, "true", 4) == 0) || (len == 1 && s[0] == '1'))
		*out = 1;
	else if ((len == 5 && memcmp(s, "false", 5) == 0) || (len == 1 && s[0] == '0'))
		*out = 0;
	else
		return fail(c, OW_EINVAL, "%s \"%s\" is not a boolean", what,
			    quote_n(s, len, qb));
	return 0;
}

static int v_guid(struct rd *c, const struct xml_node *n, const char *what, char out[37])
{
	char buf[37], qb[QUOTE_MAX + 4];
	size_t len;
	const char *s = trimmed(n, &len);

	if (len == 36) {
		memcpy(buf, s, 36);
		buf[36] = '\0';
		if (updoc_guid_normalize(buf, out) == 0)
			return 0;
	}
	out[0] = '\0';
	return fail(c, OW_EINVAL, "%s \"%s\" is not a GUID", what, quote_n(s, len, qb));
}

/* n ASCII digits at *p as a number; advances *p. 0 when not digits. */
static int digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		char ch = (*p)[i];

		if (ch < '0' || ch > '9')
			return 0;
		*v = *v * 10 + (ch - '0');
	}
	*p += n;
	return 1;
}

/* xs:dateTime syntax: [-]YYYY-MM-DDThh:mm:ss[.f+][Z|(+|-)hh:mm]. Field
 * ranges are checked, calendar days are not (Feb 31 passes). */
static int datetime_ok(const char *p)
{
	size_t k = 0;
	int v;

	if (*p == '-')
		p++;
	while (p[k] >= '0' && p[k] <= '9')
		k++;
	if (k < 4 || k > 9 || (k > 4 && p[0] == '0'))
		return 0;
	p += k;
	if (*p++ != '-' || !digits(&p, 2, &v) || v < 1 || v > 12)
		return 0;
	if (*p++ != '-' || !digits(&p, 2, &v) || v < 1 || v > 31)
		return 0;
	if (*p++ != 'T' || !digits(&p, 2, &v) || v > 23)
		return 0;
	if (*p++ != ':' || !digits(&p, 2, &v) || v > 59)
		return 0;
	if (*p++ != ':' || !digits(&p, 2, &v) || v > 59)
		return 0;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		p++;
		if (!digits(&p, 2, &v) || v > 14 || *p++ != ':' ||
		    !digits(&p, 2, &v) || v > 59)
			return 0;
	}
	return *p == '\0';
}

static int v_datetime(struct rd *c, const struct xml_node *n, const char *what,
		      const char **out)
{
	char qb[QUOTE_MAX + 4];
	int rc = v_tok(c, n, what, OW_MAX_WUSP_SHORT, out);

	if (rc == 0 && !datetime_ok(*out))
		rc = fail(c, OW_EINVAL, "%s \"%s\" is not an xs:dateTime", what,
			  quote_n(*out, strlen(*out), qb));
	return rc;
}

static int b64val(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* base64 text with all XML whitespace removed (as xs:base64Binary allows
 * line breaks), NUL-terminated in the request; alphabet and padding are
 * checked, length at most max characters. */
static int v_b64(struct rd *c, const struct xml_node *n, const char *what,
		 size_t max, const char **out)
{
	size_t len = 0;
	char *p;
	int rc;

	for (size_t i = 0; i < n->text_len; i++)
		len += !is_space(n->text[i]);
	if (len > max)
		return fail(c, OW_ELIMIT, "%s is longer than %zu characters (limit)", what, max);
	if ((rc = ALLOC_ARRAY(c, p, len + 1)) != 0)
		return rc;
	len = 0;
	for (size_t i = 0; i < n->text_len; i++)
		if (!is_space(n->text[i]))
			p[len++] = n->text[i];
	p[len] = '\0';
	if (len % 4 != 0)
		goto bad;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '=') {
			/* one or two '=' at the very end only */
			if (i + 2 < len || (i + 2 == len && p[i + 1] != '='))
				goto bad;
		} else if (b64val(p[i]) < 0) {
			goto bad;
		}
	}
	*out = p;
	return 0;
bad:
	return fail(c, OW_EINVAL, "%s is not base64", what);
}

/* ---- fields: find the child name of p, then read its value ---- */

static int f_str(struct rd *c, const struct xml_node *p, const char *ppath,
		 const char *name, size_t max, int required, const char **out)
{
	const struct xml_node *n;
	char pb[PATH_MSG_MAX];
	int rc;

	*out = NULL;
	rc = required ? need(c, p, ppath, name, &n) : find(c, p, ppath, name, &n);
	if (rc != 0 || n == NULL)
		return rc;
	return v_str(c, n, path(pb, ppath, name), max, out);
}

static int blank(const char *s)
{
	while (is_space(*s))
		s++;
	return *s == '\0';
}

/* A required string that must not be empty or blank either. */
static int f_name(struct rd *c, const struct xml_node *p, const char *ppath,
		  const char *name, const char **out)
{
	char pb[PATH_MSG_MAX];
	int rc = f_str(c, p, ppath, name, OW_MAX_WUSP_SHORT, 1, out);

	if (rc == 0 && blank(*out))
		rc = fail(c, OW_EINVAL, "%s is empty", path(pb, ppath, name));
	return rc;
}

/* An integer field; *present (may be NULL) says whether it was there.
 * *out is left alone when absent. */
static int f_int(struct rd *c, const struct xml_node *p, const char *ppath,
		 const char *name, long long min, long long max, const char *type,
		 int required, long long *out, int *present)
{
	const struct xml_node *n;
	char pb[PATH_MSG_MAX];
	int rc;

	if (present != NULL)
		*present = 0;
	rc = required ? need(c, p, ppath, name, &n) : find(c, p, ppath, name, &n);
	if (rc != 0 || n == NULL)
		return rc;
	if (present != NULL)
		*present = 1;
	return v_int(c, n, path(pb, ppath, name), min, max, type, out);
}

static int f_i32(struct rd *c, const struct xml_node *p, const char *ppath,
		 const char *name, int required, int32_t *out)
{
	long long v = 0;
	int rc = f_int(c, p, ppath, name, INT32_MIN, INT32_MAX, "s:int", required, &v, NULL);

	if (rc == 0)
		*out = (int32_t)v;
	return rc;
}

static int f_short(struct rd *c, const struct xml_node *p, const char *ppath,
		   const char *name, int required, int32_t *out)
{
	long long v = 0;
	int rc = f_int(c, p, ppath, name, -32768, 32767, "s:short", required, &v, NULL);

	if (rc == 0)
		*out = (int32_t)v;
	return rc;
}

/* A number kept as its trimmed text (NULL when absent), checked to be a
 * valid value of its type; *v (may be NULL) gets the value. */
static int f_numstr(struct rd *c, const struct xml_node *p, const char *ppath,
		    const char *name, long long min, long long max, const char *type,
		    int required, const char **out, long long *v)
{
	const struct xml_node *n;
	char pb[PATH_MSG_MAX];
	long long tmp;
	int rc;

	*out = NULL;
	rc = required ? need(c, p, ppath, name, &n) : find(c, p, ppath, name, &n);
	if (rc != 0 || n == NULL)
		return rc;
	path(pb, ppath, name);
	if ((rc = v_int(c, n, pb, min, max, type, &tmp)) != 0)
		return rc;
	if (v != NULL)
		*v = tmp;
	return v_tok(c, n, pb, OW_MAX_WUSP_SHORT, out);
}

/* A boolean: -1 when absent (an error when required). */
static int f_bool(struct rd *c, const struct xml_node *p, const char *ppath,
		  const char *name, int required, int *out)
{
	const struct xml_node *n;
	char pb[PATH_MSG_MAX];
	int rc;

	*out = -1;
	rc = required ? need(c, p, ppath, name, &n) : find(c, p, ppath, name, &n);
	if (rc != 0 || n == NULL)
		return rc;
	return v_bool(c, n, path(pb, ppath, name), out);
}

static int f_datetime(struct rd *c, const struct xml_node *p, const char *ppath,
		      const char *name, int required, const char **out)
{
	const struct xml_node *n;
	char pb[PATH_MSG_MAX];
	int rc;

	*out = NULL;
	rc = required ? need(c, p, ppath, name, &n) : find(c, p, ppath, name, &n);
	if (rc != 0 || n == NULL)
		return rc;
	return v_datetime(c, n, path(pb, ppath, name), out);
}

/* A GUID: "" when absent. */
static int f_guid(struct rd *c, const struct xml_node *p, const char *ppath,
		  const char *name, int required, char out[37])
{
	const struct xml_node *n;
	char pb[PATH_MSG_MAX];
	int rc;

	out[0] = '\0';
	rc = required ? need(c, p, ppath, name, &n) : find(c, p, ppath, name, &n);
	if (rc != 0 || n == NULL)
		return rc;
	return v_guid(c, n, path(pb, ppath, name), out);
}

static int f_b64(struct rd *c, const struct xml_node *p, const char *ppath,
		 const char *name, size_t max, const char **out)
{
	const struct xml_node *n;
	char pb[PATH_MSG_MAX];
	int rc;

	*out = NULL;
	if ((rc = find(c, p, ppath, name, &n)) != 0 || n == NULL)
		return rc;
	return v_b64(c, n, path(pb, ppath, name), max, out);
}

/* ---- arrays ---- */

/* ArrayOfInt (members <int>), at most max. */
static int f_ids(struct rd *c, const struct xml_node *p, const char *ppath,
		 const char *name, size_t max, struct wusp_ids *out)
{
	const struct xml_node *arr, *m;
	char pb[PATH_MSG_MAX], ib[PATH_MSG_MAX];
	size_t n, i = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = array(c, p, ppath, name, "int", max, &arr, &n)) != 0 || arr == NULL)
		return rc;
	out->present = 1;
	if ((rc = ALLOC_ARRAY(c, out->v, n)) != 0)
		return rc;
	path(ib, path(pb, ppath, name), "int");
	for (m = first_item(c, arr, "int"); m; m = next_item(c, m->next_sibling, "int")) {
		long long v;

		if ((rc = v_int(c, m, ib, INT32_MIN, INT32_MAX, "s:int", &v)) != 0)
			return rc;
		out->v[i++] = (int32_t)v;
	}
	out->n = i;
	return 0;
}

/* ArrayOfString-like arrays: members named item, each at most maxlen
 * bytes, at most maxn of them. */
static int f_strs(struct rd *c, const struct xml_node *p, const char *ppath,
		  const char *name, const char *item, size_t maxn, size_t maxlen,
		  struct wusp_strs *out)
{
	const struct xml_node *arr, *m;
	char pb[PATH_MSG_MAX], ib[PATH_MSG_MAX];
	size_t n, i = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = array(c, p, ppath, name, item, maxn, &arr, &n)) != 0 || arr == NULL)
		return rc;
	out->present = 1;
	if ((rc = ALLOC_ARRAY(c, out->v, n)) != 0)
		return rc;
	path(ib, path(pb, ppath, name), item);
	for (m = first_item(c, arr, item); m; m = next_item(c, m->next_sibling, item))
		if ((rc = v_str(c, m, ib, maxlen, &out->v[i++])) != 0)
			return rc;
	out->n = i;
	return 0;
}

/* GUID arrays: members named item holding the GUID themselves (sub NULL,
 * ArrayOfGuid) or in their child sub (CategoryIdentifier/Id). */
static int f_guids(struct rd *c, const struct xml_node *p, const char *ppath,
		   const char *name, const char *item, const char *sub,
		   struct wusp_guids *out)
{
	const struct xml_node *arr, *m;
	char pb[PATH_MSG_MAX], ib[PATH_MSG_MAX];
	size_t n, i = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = array(c, p, ppath, name, item, OW_MAX_WUSP_LIST, &arr, &n)) != 0 ||
	    arr == NULL)
		return rc;
	out->present = 1;
	if ((rc = ALLOC_ARRAY(c, out->v, n)) != 0)
		return rc;
	path(ib, path(pb, ppath, name), item);
	for (m = first_item(c, arr, item); m; m = next_item(c, m->next_sibling, item)) {
		if (sub != NULL)
			rc = f_guid(c, m, ib, sub, 1, out->v[i++]);
		else
			rc = v_guid(c, m, ib, out->v[i++]);
		if (rc != 0)
			return rc;
	}
	out->n = i;
	return 0;
}

/* ---- common types ---- */

/* Cookie (Expiration required, EncryptedData optional). */
static int f_cookie(struct rd *c, const struct xml_node *p, const char *name,
		    int required, struct wusp_cookie *out)
{
	const struct xml_node *n;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = required ? need(c, p, "", name, &n) : find(c, p, "", name, &n);
	if (rc != 0 || n == NULL)
		return rc;
	out->present = 1;
	if ((rc = f_datetime(c, n, name, "Expiration", 1, &out->expiration)) != 0)
		return rc;
	return f_b64(c, n, name, "EncryptedData", OW_MAX_WUSP_COOKIE_B64, &out->encrypted_data);
}

/* UpdateIdentity and UpdateRevisionIdentifier: UpdateID and RevisionNumber. */
static int v_identity(struct rd *c, const struct xml_node *n, const char *what,
		      struct wusp_update_identity *out)
{
	int rc = f_guid(c, n, what, "UpdateID", 1, out->update_id);

	if (rc == 0)
		rc = f_i32(c, n, what, "RevisionNumber", 1, &out->revision);
	return rc;
}

/* ---- the operations ---- */

static int read_get_config(struct rd *c, const struct xml_node *op, struct wusp_request *r)
{
	return f_str(c, op, "", "protocolVersion", OW_MAX_WUSP_SHORT, 0,
		     &r->get_config.protocol_version);
}

static int read_get_auth_cookie(struct rd *c, const struct xml_node *op,
				struct wusp_request *r)
{
	struct wusp_get_auth_cookie *g = &r->get_auth_cookie;
	int rc;

	if ((rc = f_name(c, op, "", "clientId", &g->client_id)) != 0 ||
	    (rc = f_str(c, op, "", "targetGroupName", OW_MAX_WUSP_SHORT, 0,
			&g->target_group_name)) != 0)
		return rc;
	return f_name(c, op, "", "dnsName", &g->dns_name);
}

static int read_get_cookie(struct rd *c, const struct xml_node *op, struct wusp_request *r)
{
	struct wusp_get_cookie *g = &r->get_cookie;
	const struct xml_node *arr, *m;
	size_t n, i = 0;
	int rc;

	if ((rc = array(c, op, "", "authCookies", "AuthorizationCookie", OW_MAX_WUSP_LIST,
			&arr, &n)) != 0)
		return rc;
	if (arr != NULL) {
		g->auth_cookies_present = 1;
		if ((rc = ALLOC_ARRAY(c, g->auth_cookies, n)) != 0)
			return rc;
		for (m = first_item(c, arr, "AuthorizationCookie"); m;
		     m = next_item(c, m->next_sibling, "AuthorizationCookie")) {
			struct wusp_auth_cookie *a = &g->auth_cookies[i++];
			const char *w = "authCookies/AuthorizationCookie";

			if ((rc = f_str(c, m, w, "PlugInId", OW_MAX_WUSP_SHORT, 0,
					&a->plugin_id)) != 0 ||
			    (rc = f_b64(c, m, w, "CookieData", OW_MAX_WUSP_COOKIE_B64,
					&a->cookie_data)) != 0)
				return rc;
		}
		g->nauth_cookies = i;
	}
	if ((rc = f_cookie(c, op, "oldCookie", 0, &g->old_cookie)) != 0 ||
	    (rc = f_datetime(c, op, "", "lastChange", 1, &g->last_change)) != 0 ||
	    (rc = f_datetime(c, op, "", "currentTime", 1, &g->current_time)) != 0)
		return rc;
	return f_str(c, op, "", "protocolVersion", OW_MAX_WUSP_SHORT, 0, &g->protocol_version);
}

static int read_computer_info(struct rd *c, const struct xml_node *n,
			      struct wusp_computer_info *i)
{
	static const char *const w = "computerInfo";
	const long long S16 = 32767, I32 = INT32_MAX;
	long long v[5] = { 0 };
	int rc;

	if ((rc = f_name(c, n, w, "DnsName", &i->dns_name)) != 0 ||
	    (rc = f_numstr(c, n, w, "OSMajorVersion", INT32_MIN, I32, "s:int", 1,
			   &i->os_major, &v[0])) != 0 ||
	    (rc = f_numstr(c, n, w, "OSMinorVersion", INT32_MIN, I32, "s:int", 1,
			   &i->os_minor, &v[1])) != 0 ||
	    (rc = f_numstr(c, n, w, "OSBuildNumber", INT32_MIN, I32, "s:int", 1,
			   &i->os_build, &v[2])) != 0 ||
	    (rc = f_numstr(c, n, w, "OSServicePackMajorNumber", -S16 - 1, S16, "s:short", 1,
			   &i->os_sp_major, &v[3])) != 0 ||
	    (rc = f_numstr(c, n, w, "OSServicePackMinorNumber", -S16 - 1, S16, "s:short", 1,
			   &i->os_sp_minor, &v[4])) != 0 ||
	    (rc = f_str(c, n, w, "OSLocale", OW_MAX_WUSP_SHORT, 0, &i->os_locale)) != 0 ||
	    (rc = f_str(c, n, w, "ComputerManufacturer", OW_MAX_WUSP_SHORT, 0,
			&i->manufacturer)) != 0 ||
	    (rc = f_str(c, n, w, "ComputerModel", OW_MAX_WUSP_SHORT, 0, &i->model)) != 0 ||
	    (rc = f_str(c, n, w, "BiosVersion", OW_MAX_WUSP_SHORT, 0, &i->bios_version)) != 0 ||
	    (rc = f_str(c, n, w, "BiosName", OW_MAX_WUSP_SHORT, 0, &i->bios_name)) != 0 ||
	    (rc = f_datetime(c, n, w, "BiosReleaseDate", 1, &i->bios_release_date)) != 0 ||
	    (rc = f_str(c, n, w, "ProcessorArchitecture", OW_MAX_WUSP_SHORT, 0,
			&i->processor_architecture)) != 0 ||
	    (rc = f_numstr(c, n, w, "SuiteMask", -S16 - 1, S16, "s:short", 0,
			   &i->suite_mask, NULL)) != 0 ||
	    (rc = f_numstr(c, n, w, "OldProductType", 0, 255, "s:unsignedByte", 0,
			   &i->old_product_type, NULL)) != 0 ||
	    (rc = f_numstr(c, n, w, "NewProductType", INT32_MIN, I32, "s:int", 0,
			   &i->new_product_type, NULL)) != 0 ||
	    (rc = f_numstr(c, n, w, "SystemMetrics", INT32_MIN, I32, "s:int", 0,
			   &i->system_metrics, NULL)) != 0 ||
	    (rc = f_numstr(c, n, w, "ClientVersionMajorNumber", -S16 - 1, S16, "s:short", 0,
			   &i->client_version_major, NULL)) != 0 ||
	    (rc = f_numstr(c, n, w, "ClientVersionMinorNumber", -S16 - 1, S16, "s:short", 0,
			   &i->client_version_minor, NULL)) != 0 ||
	    (rc = f_numstr(c, n, w, "ClientVersionBuildNumber", -S16 - 1, S16, "s:short", 0,
			   &i->client_version_build, NULL)) != 0 ||
	    (rc = f_numstr(c, n, w, "ClientVersionQfeNumber", -S16 - 1, S16, "s:short", 0,
			   &i->client_version_qfe, NULL)) != 0 ||
	    (rc = f_str(c, n, w, "OSDescription", OW_MAX_WUSP_TEXT, 0, &i->os_description)) != 0 ||
	    (rc = f_str(c, n, w, "OEM", OW_MAX_WUSP_SHORT, 0, &i->oem)) != 0 ||
	    (rc = f_str(c, n, w, "DeviceType", OW_MAX_WUSP_SHORT, 0, &i->device_type)) != 0 ||
	    (rc = f_str(c, n, w, "FirmwareVersion", OW_MAX_WUSP_SHORT, 0,
			&i->firmware_version)) != 0 ||
	    (rc = f_str(c, n, w, "MobileOperator", OW_MAX_WUSP_SHORT, 0,
			&i->mobile_operator)) != 0)
		return rc;
	i->os_major_n = (int32_t)v[0];
	i->os_minor_n = (int32_t)v[1];
	i->os_build_n = (int32_t)v[2];
	i->os_sp_major_n = (int32_t)v[3];
	i->os_sp_minor_n = (int32_t)v[4];
	return 0;
}

static int read_register_computer(struct rd *c, const struct xml_node *op,
				  struct wusp_request *r)
{
	const struct xml_node *n;
	int rc;

	if ((rc = f_cookie(c, op, "cookie", 1, &r->register_computer.cookie)) != 0 ||
	    (rc = need(c, op, "", "computerInfo", &n)) != 0)
		return rc;
	return read_computer_info(c, n, &r->register_computer.info);
}

static int read_start_category_scan(struct rd *c, const struct xml_node *op,
				    struct wusp_request *r)
{
	static const char *const w = "requestedCategories/CategoryRelationship";
	struct wusp_start_category_scan *s = &r->start_category_scan;
	const struct xml_node *arr, *m;
	size_t n, i = 0;
	int rc;

	if ((rc = f_cookie(c, op, "cookie", 0, &s->cookie)) != 0 ||
	    (rc = array(c, op, "", "requestedCategories", "CategoryRelationship",
			OW_MAX_WUSP_LIST, &arr, &n)) != 0 || arr == NULL)
		return rc;
	s->requested_present = 1;
	if ((rc = ALLOC_ARRAY(c, s->requested, n)) != 0)
		return rc;
	for (m = first_item(c, arr, "CategoryRelationship"); m;
	     m = next_item(c, m->next_sibling, "CategoryRelationship")) {
		struct wusp_category_rel *cr = &s->requested[i++];

		if ((rc = f_i32(c, m, w, "IndexOfAndGroup", 1, &cr->index_of_and_group)) != 0 ||
		    (rc = f_guid(c, m, w, "CategoryId", 1, cr->category_id)) != 0)
			return rc;
	}
	s->nrequested = i;
	return 0;
}

/* InstalledDriver (installed 1) or ExtensionDriver (installed 0). */
static int read_driver(struct rd *c, const struct xml_node *n, const char *w,
		       int installed, struct wusp_driver *d)
{
	long long v = 0;
	int rc;

	rc = installed ? f_str(c, n, w, "MatchingID", OW_MAX_WUSP_SHORT, 0, &d->id) :
			 f_str(c, n, w, "ExtensionId", OW_MAX_WUSP_SHORT, 1, &d->id);
	if (rc != 0 ||
	    (rc = f_datetime(c, n, w, "DriverVerDate", 1, &d->ver_date)) != 0 ||
	    (rc = f_int(c, n, w, "DriverVerVersion", LLONG_MIN, LLONG_MAX, "s:long", 1,
			&v, NULL)) != 0 ||
	    (rc = f_str(c, n, w, "Class", OW_MAX_WUSP_SHORT, 0, &d->class_)) != 0 ||
	    (rc = f_guid(c, n, w, "MatchingComputerHWID", 0, d->matching_computer_hwid)) != 0 ||
	    (rc = f_i32(c, n, w, "DriverRank", 1, &d->rank)) != 0 ||
	    (rc = f_bool(c, n, w, "SkipProviderFiltering", 0, &d->skip_provider_filtering)) != 0 ||
	    (rc = f_bool(c, n, w, "IsGeneric", 0, &d->is_generic)) != 0)
		return rc;
	d->ver_version = v;
	if (!installed)
		return 0;
	if ((rc = f_str(c, n, w, "Manufacturer", OW_MAX_WUSP_SHORT, 0, &d->manufacturer)) != 0 ||
	    (rc = f_str(c, n, w, "Provider", OW_MAX_WUSP_SHORT, 0, &d->provider)) != 0)
		return rc;
	return f_str(c, n, w, "Model", OW_MAX_WUSP_SHORT, 0, &d->model);
}

static int read_device(struct rd *c, const struct xml_node *n, struct wusp_device *d)
{
	static const char *const w = "Device";
	const struct xml_node *drv, *arr, *m;
	const char *list = "extensionDrivers";
	long long flags = -1;
	size_t cnt, i = 0;
	int rc;

	if ((rc = f_strs(c, n, w, "HardwareIDs", "string", OW_MAX_WUSP_LIST,
			 OW_MAX_WUSP_SHORT, &d->hardware_ids)) != 0 ||
	    (rc = f_strs(c, n, w, "CompatibleIDs", "string", OW_MAX_WUSP_LIST,
			 OW_MAX_WUSP_SHORT, &d->compatible_ids)) != 0 ||
	    (rc = find(c, n, w, "installedDriver", &drv)) != 0)
		return rc;
	if (drv != NULL) {
		d->has_installed_driver = 1;
		if ((rc = read_driver(c, drv, "Device/installedDriver", 1, &d->installed)) != 0)
			return rc;
	}
	/* Windows sends extensionDrivers/ExtensionDriver; the spec's schema
	 * names the list extensionDriver. Either, not both. */
	if ((rc = array(c, n, w, list, "ExtensionDriver", OW_MAX_WUSP_LIST, &arr, &cnt)) != 0)
		return rc;
	if (arr == NULL) {
		list = "extensionDriver";
		if ((rc = array(c, n, w, list, "ExtensionDriver", OW_MAX_WUSP_LIST,
				&arr, &cnt)) != 0)
			return rc;
	} else if ((rc = find(c, n, w, "extensionDriver", &m)) != 0) {
		return rc;
	} else if (m != NULL) {
		return fail(c, OW_EINVAL, "Device has both extensionDrivers and extensionDriver");
	}
	if (arr != NULL) {
		char pb[PATH_MSG_MAX];

		if ((rc = ALLOC_ARRAY(c, d->extension_drivers, cnt)) != 0)
			return rc;
		path(pb, "Device", list);
		for (m = first_item(c, arr, "ExtensionDriver"); m;
		     m = next_item(c, m->next_sibling, "ExtensionDriver"))
			if ((rc = read_driver(c, m, pb, 0, &d->extension_drivers[i++])) != 0)
				return rc;
		d->nextension_drivers = i;
	}
	if ((rc = f_strs(c, n, w, "DriverRecoveryIDs", "DriverRecoveryID", OW_MAX_WUSP_LIST,
			 OW_MAX_WUSP_SHORT, &d->driver_recovery_ids)) != 0 ||
	    (rc = f_int(c, n, w, "DeviceFlags", 0, 255, "s:unsignedByte", 0, &flags, NULL)) != 0)
		return rc;
	d->device_flags = (int)flags;
	return 0;
}

static int read_sync_params(struct rd *c, const struct xml_node *p, struct wusp_sync_params *s)
{
	static const char *const w = "parameters";
	const struct xml_node *arr, *m, *cs, *ext, *prod;
	size_t n, i = 0;
	int rc;

	if ((rc = f_bool(c, p, w, "ExpressQuery", 1, &s->express_query)) != 0 ||
	    (rc = f_ids(c, p, w, "InstalledNonLeafUpdateIDs", OW_MAX_WUSP_IDS,
			&s->installed_non_leaf)) != 0 ||
	    (rc = f_ids(c, p, w, "OtherCachedUpdateIDs", OW_MAX_WUSP_IDS, &s->other_cached)) != 0 ||
	    (rc = array(c, p, w, "SystemSpec", "Device", OW_MAX_WUSP_DEVICES, &arr, &n)) != 0)
		return rc;
	if (arr != NULL) {
		s->system_spec_present = 1;
		if ((rc = ALLOC_ARRAY(c, s->devices, n)) != 0)
			return rc;
		c->item = "Device";
		for (m = first_item(c, arr, "Device"); m; m = next_item(c, m->next_sibling, "Device")) {
			c->index = i;
			if ((rc = read_device(c, m, &s->devices[i++])) != 0)
				return rc;
		}
		c->item = NULL;
		s->ndevices = i;
	}
	if ((rc = f_ids(c, p, w, "CachedDriverIDs", OW_MAX_WUSP_IDS, &s->cached_drivers)) != 0 ||
	    (rc = f_bool(c, p, w, "SkipSoftwareSync", 1, &s->skip_software_sync)) != 0 ||
	    (rc = f_guids(c, p, w, "FilterCategoryIds", "CategoryIdentifier", "Id",
			  &s->filter_category_ids)) != 0 ||
	    (rc = f_guids(c, p, w, "FilterAppCategoryIds", "CategoryIdentifier", "Id",
			  &s->filter_app_category_ids)) != 0 ||
	    (rc = f_bool(c, p, w, "TreatAppCategoryIdsAsInstalled", 0,
			 &s->treat_app_category_ids_as_installed)) != 0 ||
	    (rc = f_bool(c, p, w, "NeedTwoGroupOutOfScopeUpdates", 0,
			 &s->need_two_group_out_of_scope)) != 0 ||
	    (rc = f_bool(c, p, w, "AlsoPerformRegularSync", 0,
			 &s->also_perform_regular_sync)) != 0 ||
	    (rc = find(c, p, w, "ComputerSpec", &cs)) != 0)
		return rc;
	if (cs != NULL) {
		s->computer_spec_present = 1;
		if ((rc = f_guids(c, cs, "parameters/ComputerSpec", "HardwareIDs", "guid", NULL,
				  &s->computer_hardware_ids)) != 0)
			return rc;
	}
	if ((rc = f_str(c, p, w, "FeatureScoreMatchingKey", OW_MAX_WUSP_SHORT, 0,
			&s->feature_score_matching_key)) != 0 ||
	    (rc = find(c, p, w, "ExtendedUpdateInfoParameters", &ext)) != 0)
		return rc;
	if (ext != NULL) {
		static const char *const we = "parameters/ExtendedUpdateInfoParameters";

		s->extended_info_present = 1;
		if ((rc = f_strs(c, ext, we, "XmlUpdateFragmentTypes", "XmlUpdateFragmentType",
				 OW_MAX_WUSP_LIST, OW_MAX_WUSP_SHORT,
				 &s->extended_fragment_types)) != 0 ||
		    (rc = f_strs(c, ext, we, "Locales", "string", OW_MAX_WUSP_LIST,
				 OW_MAX_WUSP_SHORT, &s->extended_locales)) != 0)
			return rc;
	}
	if ((rc = f_strs(c, p, w, "ClientPreferredLanguages", "string", OW_MAX_WUSP_LIST,
			 OW_MAX_WUSP_SHORT, &s->client_preferred_languages)) != 0 ||
	    (rc = find(c, p, w, "ProductsParameters", &prod)) != 0)
		return rc;
	s->sync_current_version_only = -1;
	if (prod != NULL) {
		static const char *const wp = "parameters/ProductsParameters";

		s->products_present = 1;
		if ((rc = f_bool(c, prod, wp, "SyncCurrentVersionOnly", 0,
				 &s->sync_current_version_only)) != 0 ||
		    (rc = f_str(c, prod, wp, "DeviceAttributes", OW_MAX_WUSP_ATTRS, 0,
				&s->device_attributes)) != 0 ||
		    (rc = f_str(c, prod, wp, "CallerAttributes", OW_MAX_WUSP_TEXT, 0,
				&s->caller_attributes)) != 0 ||
		    (rc = f_str(c, prod, wp, "Products", OW_MAX_WUSP_TEXT, 0, &s->products)) != 0)
			return rc;
	}
	return 0;
}

static int read_sync_updates(struct rd *c, const struct xml_node *op, struct wusp_request *r)
{
	const struct xml_node *p;
	int rc;

	if ((rc = f_cookie(c, op, "cookie", 1, &r->sync_updates.cookie)) != 0 ||
	    (rc = need(c, op, "", "parameters", &p)) != 0)
		return rc;
	return read_sync_params(c, p, &r->sync_updates.params);
}

static const struct {
	const char *name;
	unsigned bit;
} info_types[] = {
	{ "Published", WUSP_INFO_PUBLISHED },
	{ "Core", WUSP_INFO_CORE },
	{ "Extended", WUSP_INFO_EXTENDED },
	{ "VerificationRule", WUSP_INFO_VERIFICATION_RULE },
	{ "LocalizedProperties", WUSP_INFO_LOCALIZED_PROPERTIES },
	{ "Eula", WUSP_INFO_EULA },
	{ "FileUrl", WUSP_INFO_FILE_URL },
	{ "FileDecryption", WUSP_INFO_FILE_DECRYPTION },
};

static unsigned info_bit(const char *s)
{
	size_t len = strlen(s), i = 0, l;

	while (i < len && is_space(s[i]))
		i++;
	l = len - i;
	while (l > 0 && is_space(s[i + l - 1]))
		l--;
	for (size_t k = 0; k < sizeof(info_types) / sizeof(info_types[0]); k++)
		if (strlen(info_types[k].name) == l && memcmp(info_types[k].name, s + i, l) == 0)
			return info_types[k].bit;
	return 0;
}

static int read_get_extended_update_info(struct rd *c, const struct xml_node *op,
					 struct wusp_request *r)
{
	struct wusp_get_extended_update_info *g = &r->get_extended_update_info;
	int rc;

	if ((rc = f_cookie(c, op, "cookie", 1, &g->cookie)) != 0 ||
	    (rc = f_ids(c, op, "", "revisionIDs", OW_MAX_WUSP_IDS, &g->revision_ids)) != 0 ||
	    (rc = f_strs(c, op, "", "infoTypes", "XmlUpdateFragmentType", OW_MAX_WUSP_LIST,
			 OW_MAX_WUSP_SHORT, &g->info_types)) != 0)
		return rc;
	if (!g->info_types.present)
		return fail(c, OW_EINVAL, "infoTypes is missing");
	for (size_t i = 0; i < g->info_types.n; i++)
		g->info_mask |= info_bit(g->info_types.v[i]);
	if ((rc = f_strs(c, op, "", "locales", "string", OW_MAX_WUSP_LIST, OW_MAX_WUSP_SHORT,
			 &g->locales)) != 0)
		return rc;
	if (!g->locales.present &&
	    (g->info_mask & (WUSP_INFO_LOCALIZED_PROPERTIES | WUSP_INFO_EULA)) != 0)
		return fail(c, OW_EINVAL, "locales is missing (required with "
			    "LocalizedProperties or Eula)");
	if ((rc = f_str(c, op, "", "deviceAttributes", OW_MAX_WUSP_ATTRS, 0,
			&g->device_attributes)) != 0 ||
	    (rc = f_str(c, op, "", "GeoId", OW_MAX_WUSP_SHORT, 0, &g->geo_id)) != 0)
		return rc;
	return f_str(c, op, "", "callerAttributes", OW_MAX_WUSP_TEXT, 0, &g->caller_attributes);
}

/* One fileDigests member: canonical base64 of 1..OW_MAX_WUSP_DIGEST_BYTES
 * bytes, whitespace aside, kept as upper-case hex. */
static int read_digest(struct rd *c, const struct xml_node *n, struct wusp_digest *d)
{
	static const char hexd[] = "0123456789ABCDEF";
	static const char *const w = "fileDigests/base64Binary";
	unsigned char raw[OW_MAX_WUSP_DIGEST_BYTES];
	const char *s;
	size_t len, o = 0;
	int rc;

	if ((rc = v_b64(c, n, w, (OW_MAX_WUSP_DIGEST_BYTES + 2) / 3 * 4, &s)) != 0)
		return rc;
	len = strlen(s);
	if (len == 0)
		return fail(c, OW_EINVAL, "%s is empty", w);
	for (size_t i = 0; i < len; i += 4) {
		unsigned long v = 0;
		int pad = 0;

		for (int j = 0; j < 4; j++) {
			int x = s[i + j] == '=' ? (pad++, 0) : b64val(s[i + j]);

			v = v << 6 | (unsigned long)x;
		}
		for (int k = 0; k < 3 - pad; k++) {
			if (o == sizeof(raw))
				return fail(c, OW_ELIMIT, "%s is longer than %d bytes", w,
					    OW_MAX_WUSP_DIGEST_BYTES);
			raw[o++] = (unsigned char)(v >> (16 - 8 * k));
		}
	}
	for (size_t i = 0; i < o; i++) {
		d->hex[2 * i] = hexd[raw[i] >> 4];
		d->hex[2 * i + 1] = hexd[raw[i] & 0xf];
	}
	d->hex[2 * o] = '\0';
	d->nbytes = o;
	return 0;
}

static int read_get_file_locations(struct rd *c, const struct xml_node *op,
				   struct wusp_request *r)
{
	struct wusp_get_file_locations *g = &r->get_file_locations;
	const struct xml_node *arr, *m;
	size_t n, i = 0;
	int rc;

	if ((rc = f_cookie(c, op, "cookie", 1, &g->cookie)) != 0 ||
	    (rc = array(c, op, "", "fileDigests", "base64Binary", OW_MAX_WUSP_DIGESTS,
			&arr, &n)) != 0 || arr == NULL)
		return rc;
	g->digests_present = 1;
	if ((rc = ALLOC_ARRAY(c, g->digests, n)) != 0)
		return rc;
	for (m = first_item(c, arr, "base64Binary"); m;
	     m = next_item(c, m->next_sibling, "base64Binary"))
		if ((rc = read_digest(c, m, &g->digests[i++])) != 0)
			return rc;
	g->ndigests = i;
	return 0;
}

static int read_refresh_cache(struct rd *c, const struct xml_node *op, struct wusp_request *r)
{
	struct wusp_refresh_cache *g = &r->refresh_cache;
	const struct xml_node *arr, *m;
	size_t n, i = 0;
	int rc;

	if ((rc = f_cookie(c, op, "cookie", 1, &g->cookie)) != 0 ||
	    (rc = array(c, op, "", "globalIDs", "UpdateIdentity", OW_MAX_WUSP_IDS,
			&arr, &n)) != 0 || arr == NULL)
		return rc;
	g->global_ids_present = 1;
	if ((rc = ALLOC_ARRAY(c, g->global_ids, n)) != 0)
		return rc;
	for (m = first_item(c, arr, "UpdateIdentity"); m;
	     m = next_item(c, m->next_sibling, "UpdateIdentity"))
		if ((rc = v_identity(c, m, "globalIDs/UpdateIdentity",
				     &g->global_ids[i++])) != 0)
			return rc;
	g->nglobal_ids = i;
	return 0;
}

static int read_get_timestamps(struct rd *c, const struct xml_node *op, struct wusp_request *r)
{
	return f_cookie(c, op, "cookie", 0, &r->get_timestamps.cookie);
}

static int read_event(struct rd *c, const struct xml_node *ev, struct wusp_event *e)
{
	const struct xml_node *b, *n, *x, *osv;
	int rc;

	if ((rc = need(c, ev, "", "BasicData", &b)) != 0 ||
	    (rc = find(c, b, "BasicData", "TargetID", &n)) != 0)
		return rc;
	if (n != NULL &&
	    (rc = f_str(c, n, "BasicData/TargetID", "Sid", OW_MAX_WUSP_SHORT, 0,
			&e->target_sid)) != 0)
		return rc;
	if ((rc = f_i32(c, b, "BasicData", "SequenceNumber", 1, &e->sequence_number)) != 0 ||
	    (rc = f_datetime(c, b, "BasicData", "TimeAtTarget", 1, &e->time_at_target)) != 0 ||
	    (rc = f_guid(c, b, "BasicData", "EventInstanceID", 1, e->event_instance_id)) != 0 ||
	    (rc = f_i32(c, b, "BasicData", "NamespaceID", 1, &e->namespace_id)) != 0 ||
	    (rc = f_short(c, b, "BasicData", "EventID", 1, &e->event_id)) != 0 ||
	    (rc = f_short(c, b, "BasicData", "SourceID", 1, &e->source_id)) != 0 ||
	    (rc = find(c, b, "BasicData", "UpdateID", &n)) != 0)
		return rc;
	if (n != NULL) {
		e->has_update_id = 1;
		if ((rc = v_identity(c, n, "BasicData/UpdateID", &e->update_id)) != 0)
			return rc;
	}
	/* Windows writes Win32HResult; MS-WUSP's schema says Win32Hresult. */
	if ((rc = find(c, b, "BasicData", "Win32HResult", &n)) != 0)
		return rc;
	if (n != NULL) {
		if ((rc = find(c, b, "BasicData", "Win32Hresult", &x)) != 0)
			return rc;
		if (x != NULL)
			return fail(c, OW_EINVAL, "BasicData has both Win32HResult and Win32Hresult");
		rc = f_i32(c, b, "BasicData", "Win32HResult", 1, &e->win32_hresult);
	} else {
		rc = f_i32(c, b, "BasicData", "Win32Hresult", 0, &e->win32_hresult);
		if (rc == 0 && (rc = find(c, b, "BasicData", "Win32Hresult", &x)) == 0 && x == NULL)
			rc = fail(c, OW_EINVAL, "BasicData/Win32HResult is missing");
	}
	if (rc != 0 ||
	    (rc = f_str(c, b, "BasicData", "AppName", OW_MAX_WUSP_TEXT, 0, &e->app_name)) != 0 ||
	    (rc = find(c, ev, "", "ExtendedData", &x)) != 0 || x == NULL)
		return rc;

	e->has_extended = 1;
	if ((rc = f_strs(c, x, "ExtendedData", "ReplacementStrings", "string",
			 OW_MAX_WUSP_LIST, OW_MAX_WUSP_TEXT, &e->replacement_strings)) != 0 ||
	    (rc = f_strs(c, x, "ExtendedData", "MiscData", "string", OW_MAX_WUSP_LIST,
			 OW_MAX_WUSP_TEXT, &e->misc_data)) != 0 ||
	    (rc = f_str(c, x, "ExtendedData", "ComputerBrand", OW_MAX_WUSP_SHORT, 0,
			&e->computer_brand)) != 0 ||
	    (rc = f_str(c, x, "ExtendedData", "ComputerModel", OW_MAX_WUSP_SHORT, 0,
			&e->computer_model)) != 0 ||
	    (rc = f_str(c, x, "ExtendedData", "BiosRevision", OW_MAX_WUSP_SHORT, 0,
			&e->bios_revision)) != 0 ||
	    (rc = f_str(c, x, "ExtendedData", "ProcessorArchitecture", OW_MAX_WUSP_SHORT, 1,
			&e->processor_architecture)) != 0 ||
	    (rc = need(c, x, "ExtendedData", "OSVersion", &osv)) != 0 ||
	    (rc = f_i32(c, osv, "ExtendedData/OSVersion", "Major", 1, &e->os_major)) != 0 ||
	    (rc = f_i32(c, osv, "ExtendedData/OSVersion", "Minor", 1, &e->os_minor)) != 0 ||
	    (rc = f_i32(c, osv, "ExtendedData/OSVersion", "Build", 1, &e->os_build)) != 0 ||
	    (rc = f_i32(c, osv, "ExtendedData/OSVersion", "Revision", 1, &e->os_revision)) != 0 ||
	    (rc = f_i32(c, osv, "ExtendedData/OSVersion", "ServicePackMajor", 1,
			&e->os_sp_major)) != 0 ||
	    (rc = f_i32(c, osv, "ExtendedData/OSVersion", "ServicePackMinor", 1,
			&e->os_sp_minor)) != 0 ||
	    (rc = f_i32(c, x, "ExtendedData", "OSLocaleID", 1, &e->os_locale_id)) != 0)
		return rc;
	return f_str(c, x, "ExtendedData", "DeviceID", OW_MAX_WUSP_SHORT, 0, &e->device_id);
}

static int read_report_event_batch(struct rd *c, const struct xml_node *op,
				   struct wusp_request *r)
{
	struct wusp_report_event_batch *g = &r->report_event_batch;
	const struct xml_node *arr, *m;
	size_t n, i = 0;
	int rc;

	if ((rc = f_cookie(c, op, "cookie", 1, &g->cookie)) != 0 ||
	    (rc = f_datetime(c, op, "", "clientTime", 1, &g->client_time)) != 0 ||
	    (rc = array(c, op, "", "eventBatch", "ReportingEvent", OW_MAX_WUSP_EVENTS,
			&arr, &n)) != 0 || arr == NULL)
		return rc;
	g->events_present = 1;
	if ((rc = ALLOC_ARRAY(c, g->events, n)) != 0)
		return rc;
	c->item = "ReportingEvent";
	for (m = first_item(c, arr, "ReportingEvent"); m;
	     m = next_item(c, m->next_sibling, "ReportingEvent")) {
		c->index = i;
		if ((rc = read_event(c, m, &g->events[i++])) != 0)
			return rc;
	}
	c->item = NULL;
	g->nevents = i;
	return 0;
}

/* ---- dispatch ---- */

static const struct op_def {
	const char *name;
	const char *ns;
	const char *action;
	int (*read)(struct rd *c, const struct xml_node *op, struct wusp_request *r);
} ops[] = {
	[WUSP_GET_CONFIG] = { "GetConfig", WUSP_NS_CLIENT, CWS_ACTION "GetConfig",
			      read_get_config },
	[WUSP_GET_AUTH_COOKIE] = { "GetAuthorizationCookie", WUSP_NS_SIMPLEAUTH,
		"http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService/"
		"GetAuthorizationCookie", read_get_auth_cookie },
	[WUSP_GET_COOKIE] = { "GetCookie", WUSP_NS_CLIENT, CWS_ACTION "GetCookie",
			      read_get_cookie },
	[WUSP_REGISTER_COMPUTER] = { "RegisterComputer", WUSP_NS_CLIENT,
				     CWS_ACTION "RegisterComputer", read_register_computer },
	[WUSP_START_CATEGORY_SCAN] = { "StartCategoryScan", WUSP_NS_CLIENT,
				       CWS_ACTION "StartCategoryScan", read_start_category_scan },
	[WUSP_SYNC_UPDATES] = { "SyncUpdates", WUSP_NS_CLIENT, CWS_ACTION "SyncUpdates",
				read_sync_updates },
	[WUSP_GET_EXTENDED_UPDATE_INFO] = { "GetExtendedUpdateInfo", WUSP_NS_CLIENT,
					    CWS_ACTION "GetExtendedUpdateInfo",
					    read_get_extended_update_info },
	[WUSP_GET_FILE_LOCATIONS] = { "GetFileLocations", WUSP_NS_CLIENT,
				      CWS_ACTION "GetFileLocations", read_get_file_locations },
	[WUSP_REFRESH_CACHE] = { "RefreshCache", WUSP_NS_CLIENT, CWS_ACTION "RefreshCache",
				 read_refresh_cache },
	[WUSP_GET_TIMESTAMPS] = { "GetTimestamps", WUSP_NS_CLIENT, CWS_ACTION "GetTimestamps",
				  read_get_timestamps },
	[WUSP_REPORT_EVENT_BATCH] = { "ReportEventBatch", WUSP_NS_REPORTING,
		"http://www.microsoft.com/SoftwareDistribution/ReportEventBatch",
		read_report_event_batch },
};

_Static_assert(sizeof(ops) / sizeof(ops[0]) == WUSP_OP_UNKNOWN, "one entry per operation");

const char *wusp_op_name(enum wusp_op op)
{
	return (unsigned)op < WUSP_OP_UNKNOWN ? ops[op].name : "";
}

const char *wusp_op_action(enum wusp_op op)
{
	return (unsigned)op < WUSP_OP_UNKNOWN ? ops[op].action : "";
}

/* The SOAPAction value without surrounding blanks and one pair of quotes. */
static const char *action_value(const char *s, size_t *len)
{
	size_t l;

	while (*s == ' ' || *s == '\t')
		s++;
	l = strlen(s);
	while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t'))
		l--;
	if (l >= 2 && s[0] == '"' && s[l - 1] == '"') {
		s++;
		l -= 2;
	}
	*len = l;
	return s;
}

/* Copies a local name for op_name: printable ASCII, '?' otherwise. */
static void set_op_name(struct wusp_request *r, const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i < sizeof(r->op_name) - 1; i++) {
		unsigned char ch = (unsigned char)name[i];

		r->op_name[i] = ch < 0x20 || ch >= 0x7f ? '?' : (char)ch;
	}
	r->op_name[i] = '\0';
}

/* The single element child of the SOAP Body, with the envelope checked. */
static int envelope(struct rd *c, const struct xml_doc *doc, const struct xml_node **out)
{
	const struct xml_node *root = xml_root(doc), *body = NULL, *op = NULL;
	char qb[QUOTE_MAX + 4], nb[QUOTE_MAX + 4];
	const char *ns;

	*out = NULL;
	if (strcmp(root->name, "Envelope") == 0 && strcmp(root->ns, WUSP_NS_SOAP11) == 0) {
		c->r->soap12 = 0;
	} else if (strcmp(root->name, "Envelope") == 0 &&
		   strcmp(root->ns, WUSP_NS_SOAP12) == 0) {
		c->r->soap12 = 1;
	} else {
		return fail(c, OW_EINVAL, "not a SOAP envelope: the root element is %s "
			    "in namespace \"%s\"", quote_n(root->name, strlen(root->name), qb),
			    quote_n(root->ns, strlen(root->ns), nb));
	}
	ns = root->ns;
	for (const struct xml_node *n = xml_child(root, ns, "Body"); n;
	     n = xml_next(n, ns, "Body")) {
		if (body != NULL)
			return fail(c, OW_EINVAL, "the SOAP envelope has more than one Body");
		body = n;
	}
	if (body == NULL)
		return fail(c, OW_EINVAL, "the SOAP envelope has no Body");
	for (const struct xml_node *n = body->first_child; n; n = n->next_sibling) {
		if (op != NULL)
			return fail(c, OW_EINVAL, "the SOAP Body holds more than one element");
		op = n;
	}
	if (op == NULL)
		return fail(c, OW_EINVAL, "the SOAP Body is empty");
	*out = op;
	return 0;
}

int wusp_request_parse(const char *body, size_t len, const char *soap_action,
		       struct wusp_request *out, struct ow_err *err)
{
	struct rd c = { .r = out, .ns = "", .op = "request", .err = err };
	const struct xml_node *opn = NULL;
	struct xml_doc *doc = NULL;
	enum wusp_op op = WUSP_OP_UNKNOWN;
	char qb[QUOTE_MAX + 4], nb[QUOTE_MAX + 4], ab[128];
	char saved_name[sizeof(out->op_name)];
	int rc, soap12;

	memset(out, 0, sizeof(*out));
	out->op = WUSP_OP_UNKNOWN;
	if ((rc = xml_parse(body, len, &soap_limits, &doc, err)) != 0)
		return rc;
	out->doc_ = doc;
	if ((rc = envelope(&c, doc, &opn)) != 0)
		goto fail;
	set_op_name(out, opn->name);
	for (size_t i = 0; i < WUSP_OP_UNKNOWN; i++)
		if (strcmp(opn->name, ops[i].name) == 0 && strcmp(opn->ns, ops[i].ns) == 0)
			op = (enum wusp_op)i;
	if (op == WUSP_OP_UNKNOWN) {
		rc = fail(&c, OW_EINVAL, "unknown operation %s in namespace \"%s\"",
			  quote_n(opn->name, strlen(opn->name), nb),
			  quote_n(opn->ns, strlen(opn->ns), qb));
		goto fail;
	}
	out->op = op;
	c.op = ops[op].name;
	c.ns = ops[op].ns;
	if (soap_action != NULL) {
		size_t alen;
		const char *a = action_value(soap_action, &alen);

		if (alen != strlen(ops[op].action) ||
		    ow_strncasecmp(a, ops[op].action, alen) != 0) {
			rc = fail(&c, OW_EINVAL, "SOAPAction \"%s\" does not name the "
				  "operation in the Body", quote_in(a, alen, ab, sizeof(ab)));
			goto fail;
		}
	}
	if ((rc = ops[op].read(&c, opn, out)) != 0)
		goto fail;
	return 0;
fail:
	soap12 = out->soap12;
	memcpy(saved_name, out->op_name, sizeof(saved_name));
	wusp_request_release(out);
	out->op = op;
	out->soap12 = soap12;
	memcpy(out->op_name, saved_name, sizeof(saved_name));
	return rc;
}

void wusp_request_release(struct wusp_request *r)
{
	struct wusp_arena *a, *next;

	if (r == NULL)
		return;
	for (a = r->arena_; a != NULL; a = next) {
		next = a->next;
		free(a);
	}
	xml_free(r->doc_);
	memset(r, 0, sizeof(*r));
	r->op = WUSP_OP_UNKNOWN;
}
