/* SPDX-License-Identifier: MIT */
/*
 * xml-shape FILE [SKIP-PROPERTY...]: prints the element tree of an XML
 * document as indented "{namespace}name" lines, without text or attribute
 * values, so integration tests can compare the structure of openwsus's
 * answers with a real WSUS's. A ConfigurationProperty whose Name is one of
 * SKIP-PROPERTY is left out (properties openwsus omits on purpose).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "xml/xml.h"

static int skipped(const struct xml_node *n, int argc, char **argv)
{
	const struct xml_node *name;

	if (strcmp(n->name, "ConfigurationProperty") != 0 || (name = xml_child(n, NULL, "Name")) == NULL)
		return 0;
	for (int i = 2; i < argc; i++)
		if (strcmp(name->text, argv[i]) == 0)
			return 1;
	return 0;
}

static void walk(const struct xml_node *n, int depth, int argc, char **argv)
{
	if (skipped(n, argc, argv))
		return;
	printf("%*s{%s}%s\n", depth * 2, "", n->ns, n->name);
	for (const struct xml_node *c = n->first_child; c; c = c->next_sibling)
		walk(c, depth + 1, argc, argv);
}

int main(int argc, char **argv)
{
	struct ow_err err = { 0 };
	struct xml_doc *doc = NULL;
	char *text = NULL;
	size_t len = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: xml-shape FILE [SKIP-PROPERTY...]\n");
		return 2;
	}
	if (ow_read_file(argv[1], 16 << 20, &text, &len, &err) < 0 ||
	    xml_parse(text, len, NULL, &doc, &err) < 0) {
		fprintf(stderr, "xml-shape: %s: %s\n", argv[1], err.msg);
		free(text);
		return 1;
	}
	walk(xml_root(doc), 0, argc, argv);
	xml_free(doc);
	free(text);
	return 0;
}
