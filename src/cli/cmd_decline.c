/* SPDX-License-Identifier: MIT */
/*
 * `openwsus decline --server URL --ca FILE --user NAME [--undo] UPDATE_ID`:
 * declines an update for every group (POST /declines), or with --undo
 * removes the decline (DELETE /declines/UPDATE_ID). With --json the
 * server's reply is printed; a removal answers 204 without a body, so
 * {"update_id": ..., "declined": false} is printed in its place.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "cli/apiclient.h"
#include "cli/cli.h"

#define USAGE "openwsus decline " API_CLIENT_USAGE " [--undo] UPDATE_ID"

int cmd_decline(int argc, char **argv)
{
	static const struct option opts[] = {
		API_CLIENT_OPTIONS,
		{ "undo", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct api_opts o;
	struct api_client *c = NULL;
	struct ow_err err = { 0 };
	json_t *body = NULL, *reply = NULL;
	const char *id;
	char path[192];
	int ch, undo = 0, rc;
	long status;

	api_opts_init(&o);
	optind = 1;
	opterr = 0; /* the usage message below names the option */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u': undo = 1; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default:
			if (api_opts_parse(&o, ch, optarg) < 0)
				return cli_usage("decline", USAGE, "unknown option or missing value: %s",
						 argv[optind - 1]);
			break;
		}
	}
	if (optind != argc - 1)
		return cli_usage("decline", USAGE, "one UPDATE_ID is required");
	id = argv[optind];
	if (undo && (!api_segment_ok(id) || ow_fmt(path, sizeof(path), "declines/%s", id) < 0))
		return cli_usage("decline", USAGE, "'%s' is not an update id", id);
	if ((rc = api_opts_check(&o, "decline", USAGE)) != 0)
		return rc;

	if (!undo && (body = json_pack("{s:s}", "update_id", id)) == NULL) {
		ow_err_set(&err, OW_EINVAL, "the update id is not valid UTF-8");
		goto fail;
	}
	if (api_client_new(&o, &c, &err) < 0 ||
	    api_call(c, undo ? "DELETE" : "POST", undo ? path : "declines", body, &status, &reply,
		     &err) < 0)
		goto fail;
	if (o.json) {
		if (reply == NULL)
			reply = json_pack("{s:s, s:b}", "update_id", id, "declined", !undo);
		api_print_json(reply);
	} else {
		printf(undo ? "decline of %s removed\n" : "declined %s\n", id);
	}
	json_decref(body);
	json_decref(reply);
	api_client_free(c);
	return CLI_OK;
fail:
	json_decref(body);
	json_decref(reply);
	api_client_free(c);
	return cli_fail("decline", &err);
}
