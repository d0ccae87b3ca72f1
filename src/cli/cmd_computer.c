/* SPDX-License-Identifier: MIT */
/*
 * `openwsus computer list|assign COMPUTER_ID --group G|unassign COMPUTER_ID
 *  --group G` with the administration options: computers and server-side
 * targeting through the admin API (GET /computers, POST and DELETE
 * /computers/ID/groups). The list shows group names, which costs one more
 * call (GET /groups) unless --json asks for the server's reply as it is.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "cli/apiclient.h"
#include "cli/cli.h"
#include "cli/table.h"

#define USAGE "openwsus computer list|assign COMPUTER_ID --group G|unassign COMPUTER_ID --group G " \
	      API_CLIENT_USAGE

/* Bytes of the GROUPS cell of one computer. */
#define GROUPS_CELL 512

static int list(struct api_client *c, const struct api_opts *o, struct ow_err *err)
{
	static const char *const head[] = { "COMPUTER_ID", "NAME", "OS", "LAST_CONTACT", "GROUPS" };
	struct cli_table *t = NULL;
	json_t *reply = NULL, *groups = NULL, *comp;
	long status;
	size_t i;
	int rc;

	if ((rc = api_call(c, "GET", "computers", NULL, &status, &reply, err)) < 0)
		return rc;
	if (o->json) {
		api_print_json(reply);
		goto out;
	}
	if ((rc = api_call(c, "GET", "groups", NULL, &status, &groups, err)) < 0)
		goto out;
	if ((t = cli_table_new(head, 5)) == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory");
		goto out;
	}
	json_array_foreach(json_object_get(reply, "items"), i, comp) {
		char names[GROUPS_CELL] = "";
		size_t k, used = 0;
		json_t *g;

		json_array_foreach(json_object_get(comp, "groups"), k, g) {
			const char *n = api_group_name(json_object_get(groups, "items"), json_string_value(g));
			int w = snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "",
					 n ? n : "?");

			if (w < 0 || (size_t)w >= sizeof(names) - used) {
				names[used] = '\0'; /* the cell shows what fits */
				break;
			}
			used += (size_t)w;
		}
		const char *row[5] = { api_str(comp, "computer_id"), api_str(comp, "name"), api_str(comp, "os"),
				       api_str(comp, "last_contact"), names };

		if ((rc = cli_table_add(t, row)) < 0) {
			rc = ow_err_set(err, rc, "out of memory");
			goto out;
		}
	}
	cli_table_print(t, stdout);
out:
	cli_table_free(t);
	json_decref(groups);
	json_decref(reply);
	return rc;
}

static int assign(struct api_client *c, const struct api_opts *o, const char *computer, const char *group,
		  int member, struct ow_err *err)
{
	char path[OW_MAX_PATH], gid[128];
	json_t *body = NULL, *reply = NULL;
	long status;
	int rc;

	if (member) {
		if (ow_fmt(path, sizeof(path), "computers/%s/groups", computer) < 0)
			return ow_err_set(err, OW_ELIMIT, "computer id too long");
		if ((body = json_pack("{s:s}", "group", group)) == NULL)
			return ow_err_set(err, OW_EINVAL, "the group name is not valid UTF-8");
	} else {
		rc = api_group_id(c, group, gid, sizeof(gid), err);
		if (rc == OW_ENOENT && api_segment_ok(group))
			rc = ow_strlcpy(gid, group, sizeof(gid));
		if (rc < 0)
			return rc;
		if (!api_segment_ok(gid) || ow_fmt(path, sizeof(path), "computers/%s/groups/%s", computer, gid) < 0)
			return ow_err_set(err, OW_EINVAL, "group '%s' cannot be named in a path", group);
	}
	rc = api_call(c, member ? "POST" : "DELETE", path, body, &status, &reply, err);
	if (rc == 0) {
		if (o->json) {
			if (reply == NULL)
				reply = json_pack("{s:s, s:s, s:b}", "computer_id", computer, "group", group,
						  "member", member);
			api_print_json(reply);
		} else {
			printf(member ? "assigned %s to %s\n" : "removed %s from %s\n", computer, group);
		}
	}
	json_decref(body);
	json_decref(reply);
	return rc;
}

int cmd_computer(int argc, char **argv)
{
	static const struct option opts[] = {
		API_CLIENT_OPTIONS,
		{ "group", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct api_opts o;
	struct api_client *c = NULL;
	struct ow_err err = { 0 };
	const char *sub, *group = NULL;
	int ch, rc, is_list;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		if (argc < 2)
			return cli_usage("computer", USAGE, "list, assign or unassign?");
		printf("usage: %s\n", USAGE);
		return CLI_OK;
	}
	sub = argv[1];
	is_list = strcmp(sub, "list") == 0;
	if (!is_list && strcmp(sub, "assign") != 0 && strcmp(sub, "unassign") != 0)
		return cli_usage("computer", USAGE, "unknown computer verb '%s'", sub);
	argc--;
	argv++;
	api_opts_init(&o);
	optind = 1;
	opterr = 0; /* the usage message below names the option */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'g': group = optarg; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default:
			if (api_opts_parse(&o, ch, optarg) < 0)
				return cli_usage("computer", USAGE, "unknown option or missing value: %s",
						 argv[optind - 1]);
			break;
		}
	}
	if (is_list && (optind != argc || group))
		return cli_usage("computer", USAGE, "computer list takes no COMPUTER_ID or --group");
	if (!is_list && (optind != argc - 1 || group == NULL))
		return cli_usage("computer", USAGE, "computer %s takes one COMPUTER_ID and --group G", sub);
	if (!is_list && !api_segment_ok(argv[optind]))
		return cli_usage("computer", USAGE, "'%s' is not a computer id", argv[optind]);
	if ((rc = api_opts_check(&o, "computer", USAGE)) != 0)
		return rc;
	if (api_client_new(&o, &c, &err) < 0)
		return cli_fail("computer", &err);
	if (is_list)
		rc = list(c, &o, &err);
	else
		rc = assign(c, &o, argv[optind], group, strcmp(sub, "assign") == 0, &err);
	api_client_free(c);
	return rc < 0 ? cli_fail("computer", &err) : CLI_OK;
}
