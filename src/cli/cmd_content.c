/* SPDX-License-Identifier: MIT */
/*
 * `openwsus content import --data DIR FILE`: stores FILE by its SHA-1 under
 * content/XX/ (SHA-1 and SHA-256 computed while copying; temporary name,
 * fsync, rename) and records it in the store. Prints the URL path clients
 * use. Importing the same file again changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/config.h"
#include "content/import.h"
#include "store/store.h"

#define USAGE "openwsus content import --data DIR FILE..."

int cmd_content(int argc, char **argv)
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
	int c, rc = 0;

	if (argc < 2 || strcmp(argv[1], "import") != 0)
		return cli_usage("content", USAGE, "the only content verb is 'import'");
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default: return cli_usage("content import", USAGE, "bad option");
		}
	}
	if (dir == NULL || optind >= argc)
		return cli_usage("content import", USAGE, "--data DIR and FILE are required");
	if ((rc = cli_act_as_owner("content import", dir)) != CLI_OK)
		return rc;
	if (config_load(dir, &cfg, &err) < 0 || store_open(cfg.store_url, dir, &st, &err) < 0)
		return cli_fail("content import", &err);
	for (int i = optind; i < argc && rc == 0; i++) {
		struct content_info info;
		char sha1[41];
		int inserted = 0, fd;

		/* O_NONBLOCK: a FIFO must not block open(); the import refuses it. */
		cli_input_begin();
		fd = open(argv[i], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			rc = ow_err_set(&err, errno == ENOENT ? OW_ENOENT : OW_EIO, "%s: %s",
					argv[i], strerror(errno));
		cli_input_end();
		if (rc < 0)
			break;
		rc = content_import_fd(cfg.content_dir, fd, argv[i], NULL, &info, &err);
		close(fd);
		if (rc < 0)
			break;
		memcpy(sha1, info.name.sha1, sizeof(sha1));
		for (char *p = info.sha256_hex; *p; p++)
			if (*p >= 'a' && *p <= 'f')
				*p = (char)(*p - 32);
		if ((rc = store_content_put(st, sha1, info.sha256_hex, info.size, info.name.ext,
					    &inserted, &err)) < 0)
			break;
		printf("/Content/%s/%s.%s\n", info.name.dir, info.name.sha1, info.name.ext);
	}
	store_close(st);
	return rc < 0 ? cli_fail("content import", &err) : CLI_OK;
}
