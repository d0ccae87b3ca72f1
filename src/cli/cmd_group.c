/* SPDX-License-Identifier: MIT */
/*
 * `openwsus group list|add NAME [--parent P]|delete NAME` with the
 * administration options: computer groups through the admin API (GET and
 * POST /groups, DELETE /groups/ID). The server takes no percent-encoding in
 * its paths, so a group to delete is looked up by name first and deleted
 * by id; whether it may be deleted (built-in, has children) is the
 * server's decision.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "cli/apiclient.h"
#include "cli/cli.h"
#include "cli/table.h"

#define USAGE "openwsus group list|add NAME [--parent P]|delete NAME " API_CLIENT_USAGE

static int list(struct api_client *c, const struct api_opts *o, struct ow_err *err)
{
	static const char *const head[] = { "NAME", "ID", "PARENT" };
	struct cli_table *t = NULL;
	json_t *reply = NULL, *items, *g;
	long status;
	size_t i;
	int rc;

	if ((rc = api_call(c, "GET", "groups", NULL, &status, &reply, err)) < 0)
		return rc;
	if (o->json) {
		api_print_json(reply);
		goto out;
	}
	items = json_object_get(reply, "items");
	if ((t = cli_table_new(head, 3)) == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory");
		goto out;
	}
	json_array_foreach(items, i, g) {
		const char *row[3] = { api_str(g, "name"), api_str(g, "group_id"),
				       api_group_name(items, api_str(g, "parent_id")) };

		if ((rc = cli_table_add(t, row)) < 0) {
			rc = ow_err_set(err, rc, "out of memory");
			goto out;
		}
	}
	cli_table_print(t, stdout);
out:
	cli_table_free(t);
	json_decref(reply);
	return rc;
}

static int add(struct api_client *c, const struct api_opts *o, const char *name, const char *parent,
	       struct ow_err *err)
{
	json_t *body = json_pack("{s:s}", "name", name), *reply = NULL;
	long status;
	int rc;

	if (body == NULL || (parent && json_object_set_new(body, "parent", json_string(parent)) < 0)) {
		json_decref(body);
		return ow_err_set(err, OW_EINVAL, "names must be valid UTF-8");
	}
	rc = api_call(c, "POST", "groups", body, &status, &reply, err);
	if (rc == 0) {
		if (o->json)
			api_print_json(reply);
		else
			printf("created group %s (%s)\n", name, api_str(reply, "group_id") ?
								       api_str(reply, "group_id") : "?");
	}
	json_decref(body);
	json_decref(reply);
	return rc;
}

static int delete(struct api_client *c, const struct api_opts *o, const char *name, struct ow_err *err)
{
	char id[128], path[192];
	json_t *reply = NULL;
	long status;
	int rc;

	rc = api_group_id(c, name, id, sizeof(id), err);
	if (rc == OW_ENOENT && api_segment_ok(name))
		rc = ow_strlcpy(id, name, sizeof(id)); /* let the server say what it is */
	if (rc < 0)
		return rc;
	if (!api_segment_ok(id) || ow_fmt(path, sizeof(path), "groups/%s", id) < 0)
		return ow_err_set(err, OW_EINVAL, "the server gave group '%s' an id that cannot be "
						  "used in a path", name);
	if ((rc = api_call(c, "DELETE", path, NULL, &status, &reply, err)) < 0)
		return rc;
	if (o->json) {
		if (reply == NULL)
			reply = json_pack("{s:s, s:s, s:b}", "group", name, "group_id", id, "deleted", 1);
		api_print_json(reply);
	} else {
		printf("deleted group %s\n", name);
	}
	json_decref(reply);
	return 0;
}

int cmd_group(int argc, char **argv)
{
	static const struct option opts[] = {
		API_CLIENT_OPTIONS,
		{ "parent", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct api_opts o;
	struct api_client *c = NULL;
	struct ow_err err = { 0 };
	const char *sub, *parent = NULL;
	int ch, rc, want;

	if (argc < 2 || (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		if (argc < 2)
			return cli_usage("group", USAGE, "list, add or delete?");
		printf("usage: %s\n", USAGE);
		return CLI_OK;
	}
	sub = argv[1];
	if (strcmp(sub, "list") == 0)
		want = 0;
	else if (strcmp(sub, "add") == 0 || strcmp(sub, "delete") == 0)
		want = 1;
	else
		return cli_usage("group", USAGE, "unknown group verb '%s'", sub);
	argc--;
	argv++;
	api_opts_init(&o);
	optind = 1;
	opterr = 0; /* the usage message below names the option */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': parent = optarg; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default:
			if (api_opts_parse(&o, ch, optarg) < 0)
				return cli_usage("group", USAGE, "unknown option or missing value: %s",
						 argv[optind - 1]);
			break;
		}
	}
	if (argc - optind != want)
		return cli_usage("group", USAGE, want ? "group %s takes one NAME" : "group %s takes no NAME",
				 sub);
	if (parent && strcmp(sub, "add") != 0)
		return cli_usage("group", USAGE, "--parent goes with 'group add'");
	if ((rc = api_opts_check(&o, "group", USAGE)) != 0)
		return rc;
	if (api_client_new(&o, &c, &err) < 0)
		return cli_fail("group", &err);
	if (strcmp(sub, "list") == 0)
		rc = list(c, &o, &err);
	else if (strcmp(sub, "add") == 0)
		rc = add(c, &o, argv[optind], parent, &err);
	else
		rc = delete(c, &o, argv[optind], &err);
	api_client_free(c);
	return rc < 0 ? cli_fail("group", &err) : CLI_OK;
}
