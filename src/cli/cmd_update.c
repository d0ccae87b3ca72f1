/* SPDX-License-Identifier: MIT */
/*
 * `openwsus update import --data DIR FILE.xml...`: imports full upd:Update
 * revision documents into the catalog, each in its own transaction. A file
 * that is refused (malformed or hostile XML, a remote file origin, ...)
 * changes nothing; the others are still imported, and the exit status is 1.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "cli/cli.h"
#include "config/config.h"
#include "store/store.h"

#define USAGE "openwsus update import --data DIR FILE.xml..."

int cmd_update(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ow_config cfg;
	struct ow_err err = { 0 };
	struct store *st = NULL;
	const char *dir = NULL;
	int c, failed = 0;

	if (argc < 2 || strcmp(argv[1], "import") != 0)
		return cli_usage("update", USAGE, "the only update verb here is 'import'");
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default: return cli_usage("update import", USAGE, "bad option");
		}
	}
	if (dir == NULL || optind >= argc)
		return cli_usage("update import", USAGE, "--data DIR and FILE.xml are required");
	if ((c = cli_act_as_owner("update import", dir)) != CLI_OK)
		return c;
	if (config_load(dir, &cfg, &err) < 0 || store_open(cfg.store_url, dir, &st, &err) < 0)
		return cli_fail("update import", &err);
	for (int i = optind; i < argc; i++) {
		struct catalog_import_result r;
		char *xml = NULL;
		size_t len = 0;

		int rd;

		memset(&err, 0, sizeof(err));
		cli_input_begin();
		rd = ow_read_file(argv[i], OW_MAX_XML_BYTES, &xml, &len, &err);
		cli_input_end();
		if (rd < 0 || catalog_import_xml(st, xml, len, "local:update-import", &r, &err) < 0) {
			fprintf(stderr, "openwsus update import: %s: %s\n", argv[i], err.msg);
			failed++;
		} else {
			printf("%s %s r%d %s %s\n", r.inserted ? "imported" : "unchanged", r.update_id,
			       r.revision, r.type, r.title);
		}
		free(xml);
	}
	store_close(st);
	return failed ? CLI_FAIL : CLI_OK;
}
