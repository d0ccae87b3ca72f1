/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the XML reader and the update-document parser, the
 * code that reads SOAP bodies and upstream metadata. Each input is parsed
 * with the default limits and with tiny ones; every tree that comes back
 * is walked and checked against xml.h's promises (depth, counts, parent
 * links, string lengths, byte spans), and the same bytes go to
 * updoc_parse, whose result is checked against updoc.h. abort() marks a
 * broken promise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/updoc.h"
#include "xml/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct xml_limits tiny = {
	.max_bytes = 4096,
	.max_depth = 4,
	.max_nodes = 16,
	.max_attr_bytes = 8,
	.max_text_bytes = 16,
};

static void check_str(const char *s, size_t max)
{
	if (s == NULL || strnlen(s, max + 1) > max)
		abort();
}

/* Walks the tree without recursion; returns the number of elements. */
static size_t walk(const struct xml_doc *d, const struct xml_limits *lim,
		   const char *data, size_t size)
{
	const struct xml_node *root = xml_root(d), *n = root;
	/* The tree is UTF-8: ISO-8859-1 input can double in size, UTF-16
	 * grow by half. */
	size_t depth = 1, count = 0, maxlen = 2 * size;

	if (root == NULL || root->parent != NULL || root->next_sibling != NULL)
		abort();
	while (n != NULL) {
		count++;
		if (depth > lim->max_depth || count > lim->max_nodes)
			abort();
		check_str(n->ns, maxlen);
		check_str(n->name, maxlen);
		if (n->name[0] == '\0')
			abort();
		if (n->text == NULL || strlen(n->text) != n->text_len ||
		    n->text_len > lim->max_text_bytes)
			abort();
		if ((n->nattrs == 0) != (n->attrs == NULL))
			abort();
		for (size_t i = 0; i < n->nattrs; i++) {
			check_str(n->attrs[i].ns, maxlen);
			check_str(n->attrs[i].name, maxlen);
			check_str(n->attrs[i].value, lim->max_attr_bytes);
			if (xml_attr_ns(n, n->attrs[i].ns, n->attrs[i].name) == NULL)
				abort();
		}
		if (n->raw_start != NULL &&
		    (n->raw_start < data || n->raw_len == 0 ||
		     n->raw_len > size - (size_t)(n->raw_start - data)))
			abort();
		for (const struct xml_node *c = n->first_child; c; c = c->next_sibling)
			if (c->parent != n)
				abort();
		if (xml_child(n, NULL, NULL) != n->first_child ||
		    xml_next(n, NULL, NULL) != n->next_sibling)
			abort();

		if (n->first_child != NULL) {
			n = n->first_child;
			depth++;
			continue;
		}
		while (n != NULL && n->next_sibling == NULL) {
			n = n->parent;
			depth--;
		}
		if (n != NULL)
			n = n->next_sibling;
	}
	if (depth != 0)
		abort();
	return count;
}

static int is_upper_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

static void check_guid(const char *id)
{
	char again[37];

	if (memchr(id, '\0', 37) == NULL || updoc_guid_normalize(id, again) != 0 ||
	    strcmp(again, id) != 0)
		abort();
}

/* Field is NUL-terminated within its array. */
#define TERMINATED(f) (memchr((f), '\0', sizeof(f)) != NULL)

static int valid_utf8(const unsigned char *s)
{
	while (*s) {
		size_t n = *s < 0x80 ? 1 : (*s & 0xE0) == 0xC0 ? 2 :
			   (*s & 0xF0) == 0xE0 ? 3 : (*s & 0xF8) == 0xF0 ? 4 : 0;

		if (n == 0)
			return 0;
		for (size_t i = 1; i < n; i++)
			if ((s[i] & 0xC0) != 0x80)
				return 0;
		s += n;
	}
	return 1;
}

static void check_rels(const struct updoc_rel *r, size_t n)
{
	if ((n == 0) != (r == NULL))
		abort();
	for (size_t i = 0; i < n; i++) {
		check_guid(r[i].id);
		if (r[i].revision < -1 || r[i].group < 0 ||
		    (r[i].is_category != 0 && r[i].is_category != 1) ||
		    (r[i].group == 0 && r[i].is_category))
			abort();
	}
}

static void check_updoc(const uint8_t *data, size_t size)
{
	static const struct updoc zero;
	struct ow_err err = { 0, "" };
	struct updoc u;

	if (updoc_parse((const char *)data, size, &u, &err) != 0) {
		if (memcmp(&u, &zero, sizeof(u)) != 0 || err.code >= 0 ||
		    memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		return;
	}
	check_guid(u.id);
	if (u.revision < 0 || u.type < UPDOC_SOFTWARE || u.type > UPDOC_OTHER)
		abort();
	if (!TERMINATED(u.type_name) || !TERMINATED(u.category_type) ||
	    !TERMINATED(u.title) || !TERMINATED(u.kb) ||
	    !TERMINATED(u.msrc_severity) || !TERMINATED(u.creation_date) ||
	    !TERMINATED(u.publication_state) || !TERMINATED(u.handler))
		abort();
	if (!valid_utf8((const unsigned char *)u.title))
		abort();
	if ((u.removable != 0 && u.removable != 1) ||
	    (u.explicitly_deployable != 0 && u.explicitly_deployable != 1))
		abort();
	if (u.type != UPDOC_CATEGORY && u.category_type[0] != '\0')
		abort();
	check_rels(u.prereqs, u.nprereqs);
	check_rels(u.bundled, u.nbundled);
	check_rels(u.superseded, u.nsuperseded);
	if ((u.nfiles == 0) != (u.files == NULL))
		abort();
	for (size_t i = 0; i < u.nfiles; i++) {
		const struct updoc_file *f = &u.files[i];

		if (!TERMINATED(f->name) || !TERMINATED(f->modified) ||
		    !TERMINATED(f->origin) || f->name[0] == '\0')
			abort();
		if (f->sha1_hex[0] != '\0' && !is_upper_hex(f->sha1_hex, 40))
			abort();
		if (f->sha256_hex[0] != '\0' && !is_upper_hex(f->sha256_hex, 64))
			abort();
		if (f->size > (uint64_t)INT64_MAX)
			abort();
	}
	updoc_release(&u);
	if (memcmp(&u, &zero, sizeof(u)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct xml_doc *d = NULL, *t = NULL;
	struct ow_err err = { 0, "" };
	size_t nd = 0, nt = 0;
	int rd, rt;

	rd = xml_parse(s, size, NULL, &d, &err);
	if ((rd == 0) != (d != NULL) || rd > 0)
		abort();
	if (rd == 0)
		nd = walk(d, &xml_default_limits, s, size);

	rt = xml_parse(s, size, &tiny, &t, &err);
	if ((rt == 0) != (t != NULL) || rt > 0)
		abort();
	if (rt == 0) {
		nt = walk(t, &tiny, s, size);
		/* Tighter limits never accept what looser ones refuse, and the
		 * tree does not depend on them. */
		if (rd != 0 || nt != nd)
			abort();
	}
	xml_free(d);
	xml_free(t);

	check_updoc(data, size);
	return 0;
}
