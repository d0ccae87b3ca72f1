/* SPDX-License-Identifier: MIT */
/*
 * `openwsus approve --server URL --ca FILE --user NAME UPDATE_ID --group G
 *  [--action install|uninstall|notapproved] [--deadline ISO8601]
 *  [--no-children]`: an approval for a computer group, through the admin API
 * (POST /approvals). The server decides what may be approved (not a
 * declined update, not a category, uninstall only when removable) and says
 * why when it refuses; this verb only checks the shape of its arguments.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/apiclient.h"
#include "cli/cli.h"

#define USAGE "openwsus approve " API_CLIENT_USAGE " UPDATE_ID --group G " \
	      "[--action install|uninstall|notapproved] [--deadline ISO8601] [--no-children]"

int cmd_approve(int argc, char **argv)
{
	static const struct option opts[] = {
		API_CLIENT_OPTIONS,
		{ "group", required_argument, NULL, 'g' },
		{ "action", required_argument, NULL, 'a' },
		{ "deadline", required_argument, NULL, 'D' },
		{ "no-children", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct api_opts o;
	struct api_client *c = NULL;
	struct ow_err err = { 0 };
	const char *group = NULL, *action = "install", *deadline = NULL;
	json_t *body = NULL, *reply = NULL;
	int ch, children = 1, rc;
	long status;

	api_opts_init(&o);
	optind = 1;
	opterr = 0; /* the usage message below names the option */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'g': group = optarg; break;
		case 'a': action = optarg; break;
		case 'D': deadline = optarg; break;
		case 'n': children = 0; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default:
			if (api_opts_parse(&o, ch, optarg) < 0)
				return cli_usage("approve", USAGE, "unknown option or missing value: %s",
						 argv[optind - 1]);
			break;
		}
	}
	if (optind != argc - 1 || group == NULL)
		return cli_usage("approve", USAGE, "one UPDATE_ID and --group G are required");
	if (strcmp(action, "install") != 0 && strcmp(action, "uninstall") != 0 &&
	    strcmp(action, "notapproved") != 0)
		return cli_usage("approve", USAGE, "--action must be install, uninstall or notapproved");
	if ((rc = api_opts_check(&o, "approve", USAGE)) != 0)
		return rc;

	body = json_pack("{s:s, s:s, s:s, s:b}", "update_id", argv[optind], "group", group, "action",
			 action, "apply_to_children", children);
	if (body == NULL || (deadline && json_object_set_new(body, "deadline", json_string(deadline)) < 0)) {
		ow_err_set(&err, OW_EINVAL, "arguments are not valid UTF-8");
		goto fail;
	}
	if (api_client_new(&o, &c, &err) < 0 ||
	    api_call(c, "POST", "approvals", body, &status, &reply, &err) < 0)
		goto fail;
	if (o.json)
		api_print_json(reply);
	else
		printf("approved %s for %s: %s%s%s%s\n", argv[optind], group, action,
		       deadline ? ", deadline " : "", deadline ? deadline : "",
		       children ? "" : " (not for child groups)");
	json_decref(body);
	json_decref(reply);
	api_client_free(c);
	return CLI_OK;
fail:
	json_decref(body);
	json_decref(reply);
	api_client_free(c);
	return cli_fail("approve", &err);
}
