/* SPDX-License-Identifier: MIT */
/*
 * The bounded XML reader (see xml.h). expat does the tokenizing in one pass
 * over the caller's buffer; the callbacks below build the tree in an arena
 * of 64 KiB blocks and check every limit before storing anything. Names and
 * namespace URIs repeat on almost every element, so they go through a small
 * direct-mapped intern cache: a miss only costs a copy, so colliding names
 * chosen by an attacker cannot make the parse slower than linear.
 */
#include "xml/xml.h"

#include <expat.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"

/* 2.4.0 added the protection against entity amplification (billion laughs)
 * that stays on by default; DOCTYPEs are refused anyway, but the parser
 * must not be weaker than its defaults promise. */
#if XML_MAJOR_VERSION < 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION < 4)
#error "expat 2.4 or later is required"
#endif

/* Separates namespace URI and local name in expat's names. Neither can
 * contain it (XML 1.0 forbids U+0001 even as a character reference), and
 * the split is at the last occurrence anyway. */
#define NS_SEP '\x01'

#define ARENA_BLOCK (64 * 1024)
#define INTERN_SLOTS 256
/* expat takes an int length: feed larger inputs in pieces. */
#define FEED_CHUNK (1 << 30)

const struct xml_limits xml_default_limits = {
	.max_bytes = OW_MAX_XML_BYTES,
	.max_depth = OW_MAX_XML_DEPTH,
	.max_nodes = OW_MAX_XML_NODES,
	.max_attr_bytes = OW_MAX_XML_ATTR_BYTES,
	.max_text_bytes = OW_MAX_XML_TEXT_BYTES,
};

/* ---- arena ---- */

struct block {
	struct block *next;
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

struct xml_doc {
	struct block *blocks;   /* head is the block being filled */
	struct xml_node *root;
};

/* n bytes aligned to align (a power of two, at most max_align_t's), from
 * the arena. Requests above a quarter block get a block of their own,
 * linked behind the head so the head keeps filling. */
static void *arena_alloc(struct xml_doc *d, size_t n, size_t align)
{
	struct block *b = d->blocks;
	struct block *nb;
	size_t off, size;

	if (b != NULL) {
		off = (b->used + align - 1) & ~(align - 1);
		if (off <= b->size && n <= b->size - off) {
			b->used = off + n;
			return b->data + off;
		}
	}
	if (n > SIZE_MAX - sizeof(*b) - ARENA_BLOCK)
		return NULL;
	size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
	nb = malloc(sizeof(*nb) + size);
	if (nb == NULL)
		return NULL;
	nb->size = size;
	nb->used = n;
	if (size != ARENA_BLOCK && b != NULL) {
		nb->next = b->next;
		b->next = nb;
	} else {
		nb->next = b;
		d->blocks = nb;
	}
	return nb->data;
}

static char *arena_strndup(struct xml_doc *d, const char *s, size_t n)
{
	char *p = arena_alloc(d, n + 1, 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* ---- parse state ---- */

struct frame {
	struct xml_node *node;
	struct xml_node *last_child;
	struct ow_buf text;     /* reused by every element at this depth */
};

struct ctx {
	XML_Parser p;
	const struct xml_limits *lim;
	struct xml_doc *doc;
	const char *data;
	size_t len;
	struct frame *stack;    /* stack[0] is the root's frame */
	size_t depth, cap;
	size_t nodes;
	int rc;                 /* first failure; once set, callbacks do nothing */
	struct ow_err *err;
	const char *intern[INTERN_SLOTS];
};

/* Records the first failure with the parser's position and stops expat;
 * callbacks that expat still delivers afterwards see c->rc and return. */
static void fail(struct ctx *c, int code, const char *fmt, ...) OW_PRINTF(3, 4);
static void fail(struct ctx *c, int code, const char *fmt, ...)
{
	char msg[OW_ERR_MSG_MAX];
	va_list ap;

	if (c->rc != 0)
		return;
	c->rc = code;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);  /* messages may be cut */
	va_end(ap);
	ow_err_set(c->err, code, "line %lu, column %lu: %s",
		   (unsigned long)XML_GetCurrentLineNumber(c->p),
		   (unsigned long)XML_GetCurrentColumnNumber(c->p) + 1, msg);
	XML_StopParser(c->p, XML_FALSE);
}

/* A copy of s[0..n) in the arena, shared with earlier equal strings when
 * the cache still holds one. */
static const char *intern(struct ctx *c, const char *s, size_t n)
{
	uint32_t h = 2166136261u;   /* FNV-1a */
	const char *hit;
	char *p;

	if (n == 0)
		return "";
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	hit = c->intern[h % INTERN_SLOTS];
	if (hit != NULL && strncmp(hit, s, n) == 0 && hit[n] == '\0')
		return hit;
	p = arena_strndup(c->doc, s, n);
	if (p != NULL)
		c->intern[h % INTERN_SLOTS] = p;
	return p;
}

/* Splits expat's "uri<SEP>local" (or "local") into interned parts. */
static int split_name(struct ctx *c, const char *qname, const char **ns,
		      const char **name)
{
	const char *sep = strrchr(qname, NS_SEP);

	if (sep == NULL) {
		*ns = "";
		*name = intern(c, qname, strlen(qname));
	} else {
		*ns = intern(c, qname, (size_t)(sep - qname));
		*name = intern(c, sep + 1, strlen(sep + 1));
	}
	return *ns != NULL && *name != NULL ? 0 : OW_ENOMEM;
}

/* Local part of an expat name, for messages. */
static const char *local_part(const char *qname)
{
	const char *sep = strrchr(qname, NS_SEP);

	return sep ? sep + 1 : qname;
}

static int push(struct ctx *c, struct xml_node *n)
{
	if (c->depth == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct frame *s;

		if (ncap > c->lim->max_depth)
			ncap = c->lim->max_depth;
		s = realloc(c->stack, ncap * sizeof(*s));
		if (s == NULL)
			return OW_ENOMEM;
		for (size_t i = c->cap; i < ncap; i++)
			ow_buf_init(&s[i].text, c->lim->max_text_bytes);
		c->stack = s;
		c->cap = ncap;
	}
	c->stack[c->depth].node = n;
	c->stack[c->depth].last_child = NULL;
	c->stack[c->depth].text.len = 0;
	c->depth++;
	return 0;
}

/* ---- expat callbacks ---- */

static void XMLCALL on_start(void *ud, const XML_Char *qname,
			     const XML_Char **atts)
{
	struct ctx *c = ud;
	struct xml_node *n;
	XML_Index idx;
	size_t na = 0;

	if (c->rc != 0)
		return;
	if (c->depth >= c->lim->max_depth) {
		fail(c, OW_ELIMIT, "elements nested deeper than %zu (limit)",
		     c->lim->max_depth);
		return;
	}
	if (c->nodes >= c->lim->max_nodes) {
		fail(c, OW_ELIMIT, "more than %zu elements (limit)",
		     c->lim->max_nodes);
		return;
	}
	for (na = 0; atts[2 * na] != NULL; na++) {
		if (strlen(atts[2 * na + 1]) > c->lim->max_attr_bytes) {
			fail(c, OW_ELIMIT, "value of attribute '%s' is longer "
			     "than %zu bytes (limit)", local_part(atts[2 * na]),
			     c->lim->max_attr_bytes);
			return;
		}
	}
	n = arena_alloc(c->doc, sizeof(*n), alignof(struct xml_node));
	if (n == NULL)
		goto nomem;
	memset(n, 0, sizeof(*n));
	if (split_name(c, qname, &n->ns, &n->name) < 0)
		goto nomem;
	if (na > 0) {
		n->attrs = arena_alloc(c->doc, na * sizeof(*n->attrs),
				       alignof(struct xml_attr));
		if (n->attrs == NULL)
			goto nomem;
		for (size_t i = 0; i < na; i++) {
			struct xml_attr *a = &n->attrs[i];

			if (split_name(c, atts[2 * i], &a->ns, &a->name) < 0)
				goto nomem;
			a->value = arena_strndup(c->doc, atts[2 * i + 1],
						 strlen(atts[2 * i + 1]));
			if (a->value == NULL)
				goto nomem;
		}
		n->nattrs = na;
	}
	n->text = "";
	idx = XML_GetCurrentByteIndex(c->p);
	if (idx >= 0 && (unsigned long long)idx < c->len)
		n->raw_start = c->data + idx;

	if (c->depth == 0) {
		c->doc->root = n;
	} else {
		struct frame *f = &c->stack[c->depth - 1];

		n->parent = f->node;
		if (f->last_child == NULL)
			f->node->first_child = n;
		else
			f->last_child->next_sibling = n;
		f->last_child = n;
	}
	if (push(c, n) < 0)
		goto nomem;
	c->nodes++;
	return;
nomem:
	fail(c, OW_ENOMEM, "out of memory");
}

static void XMLCALL on_end(void *ud, const XML_Char *qname)
{
	struct ctx *c = ud;
	struct frame *f;
	struct xml_node *n;
	XML_Index idx;

	(void)qname;
	if (c->rc != 0 || c->depth == 0)
		return;
	f = &c->stack[c->depth - 1];
	n = f->node;
	if (f->text.len > 0) {
		char *t = arena_strndup(c->doc, f->text.data, f->text.len);

		if (t == NULL) {
			fail(c, OW_ENOMEM, "out of memory");
			return;
		}
		n->text = t;
		n->text_len = f->text.len;
	}
	/* An end tag's event is the tag itself; an empty element's end event
	 * is zero bytes at the end of "<a/>". Either way the span ends at
	 * index + count. */
	idx = XML_GetCurrentByteIndex(c->p);
	if (n->raw_start != NULL && idx >= 0) {
		unsigned long long end = (unsigned long long)idx +
			(unsigned long long)XML_GetCurrentByteCount(c->p);
		size_t start = (size_t)(n->raw_start - c->data);

		if (end <= c->len && end > start)
			n->raw_len = (size_t)end - start;
		else
			n->raw_start = NULL;
	}
	c->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct ctx *c = ud;
	struct frame *f;
	int rc;

	if (c->rc != 0 || c->depth == 0 || len <= 0)
		return;
	f = &c->stack[c->depth - 1];
	rc = ow_buf_add(&f->text, s, (size_t)len);
	if (rc == OW_ELIMIT)
		fail(c, OW_ELIMIT, "text of element '%s' is longer than %zu "
		     "bytes (limit)", f->node->name, c->lim->max_text_bytes);
	else if (rc < 0)
		fail(c, OW_ENOMEM, "out of memory");
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	fail(ud, OW_EINVAL, "DOCTYPE is not allowed");
}

/* Unreachable while every DOCTYPE is refused; kept so that a future change
 * of on_doctype cannot silently let entities in. */
static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
			      const XML_Char *value, int value_len,
			      const XML_Char *base, const XML_Char *sysid,
			      const XML_Char *pubid, const XML_Char *notation)
{
	(void)name;
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	fail(ud, OW_EINVAL, "entity declarations are not allowed");
}

static int XMLCALL on_external(XML_Parser p, const XML_Char *context,
			       const XML_Char *base, const XML_Char *sysid,
			       const XML_Char *pubid)
{
	(void)p;
	(void)context;
	(void)base;
	(void)sysid;
	(void)pubid;
	return XML_STATUS_ERROR;    /* never load anything */
}

/* ---- entry points ---- */

/* A NUL byte, or for UTF-16 (recognized by its BOM) a U+0000 unit. */
static int has_nul(const char *data, size_t len)
{
	const unsigned char *u = (const unsigned char *)data;

	if (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) ||
			 (u[0] == 0xFF && u[1] == 0xFE))) {
		for (size_t i = 2; i + 1 < len; i += 2)
			if (u[i] == 0 && u[i + 1] == 0)
				return 1;
		return 0;
	}
	return memchr(data, '\0', len) != NULL;
}

int xml_parse(const char *data, size_t len, const struct xml_limits *lim,
	      struct xml_doc **out, struct ow_err *err)
{
	struct ctx c;
	size_t off = 0;
	int rc = 0;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.lim = lim ? lim : &xml_default_limits;
	c.data = data;
	c.len = len;
	c.err = err;
	if (len > c.lim->max_bytes)
		return ow_err_set(err, OW_ELIMIT,
				  "XML document of %zu bytes is larger than the limit of %zu",
				  len, c.lim->max_bytes);
	if (has_nul(data, len))
		return ow_err_set(err, OW_EINVAL, len >= 2 &&
				  ((data[0] == '<' && data[1] == '\0') ||
				   (data[0] == '\0' && data[1] == '<')) ?
				  "NUL character in XML input (UTF-16 needs a byte-order mark)" :
				  "NUL character in XML input");
	c.doc = calloc(1, sizeof(*c.doc));
	if (c.doc == NULL)
		return ow_err_set(err, OW_ENOMEM, "out of memory");
	c.p = XML_ParserCreateNS(NULL, NS_SEP);
	if (c.p == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory");
		goto fail;
	}
	XML_SetUserData(c.p, &c);
	XML_SetElementHandler(c.p, on_start, on_end);
	XML_SetCharacterDataHandler(c.p, on_text);
	XML_SetStartDoctypeDeclHandler(c.p, on_doctype);
	XML_SetEntityDeclHandler(c.p, on_entity);
	XML_SetExternalEntityRefHandler(c.p, on_external);
	if (!XML_SetParamEntityParsing(c.p, XML_PARAM_ENTITY_PARSING_NEVER)) {
		rc = ow_err_set(err, OW_EINVAL, "cannot configure the XML parser");
		goto fail;
	}
	/* expat's billion-laughs protection (2.4+) stays at its defaults. */

	do {
		size_t n = len - off > FEED_CHUNK ? FEED_CHUNK : len - off;
		int last = off + n == len;

		if (XML_Parse(c.p, data + off, (int)n, last) != XML_STATUS_OK) {
			if (c.rc != 0) {
				rc = c.rc;
			} else {
				enum XML_Error e = XML_GetErrorCode(c.p);

				rc = ow_err_set(err, e == XML_ERROR_NO_MEMORY ?
						OW_ENOMEM : OW_EINVAL,
						"line %lu, column %lu: %s",
						(unsigned long)XML_GetCurrentLineNumber(c.p),
						(unsigned long)XML_GetCurrentColumnNumber(c.p) + 1,
						XML_ErrorString(e));
			}
			goto fail;
		}
		off += n;
	} while (off < len);
	if (c.rc != 0) {
		rc = c.rc;
		goto fail;
	}
	if (c.doc->root == NULL || c.depth != 0) {
		rc = ow_err_set(err, OW_EINVAL, "XML document has no element");
		goto fail;
	}
	*out = c.doc;
	c.doc = NULL;
fail:
	if (c.p != NULL)
		XML_ParserFree(c.p);
	for (size_t i = 0; i < c.cap; i++)
		ow_buf_release(&c.stack[i].text);
	free(c.stack);
	xml_free(c.doc);
	return rc;
}

void xml_free(struct xml_doc *d)
{
	struct block *b, *next;

	if (d == NULL)
		return;
	for (b = d->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(d);
}

const struct xml_node *xml_root(const struct xml_doc *d)
{
	return d ? d->root : NULL;
}

static int matches(const struct xml_node *n, const char *ns, const char *name)
{
	return (ns == NULL || strcmp(n->ns, ns) == 0) &&
	       (name == NULL || strcmp(n->name, name) == 0);
}

const struct xml_node *xml_child(const struct xml_node *n, const char *ns,
				 const char *name)
{
	if (n == NULL)
		return NULL;
	for (const struct xml_node *c = n->first_child; c; c = c->next_sibling)
		if (matches(c, ns, name))
			return c;
	return NULL;
}

const struct xml_node *xml_next(const struct xml_node *n, const char *ns,
				const char *name)
{
	if (n == NULL)
		return NULL;
	for (const struct xml_node *c = n->next_sibling; c; c = c->next_sibling)
		if (matches(c, ns, name))
			return c;
	return NULL;
}

const char *xml_attr_ns(const struct xml_node *n, const char *ns,
			const char *name)
{
	if (n == NULL)
		return NULL;
	for (size_t i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].ns, ns) == 0 &&
		    strcmp(n->attrs[i].name, name) == 0)
			return n->attrs[i].value;
	return NULL;
}

const char *xml_attr(const struct xml_node *n, const char *name)
{
	return xml_attr_ns(n, "", name);
}
