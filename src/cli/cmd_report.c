/* SPDX-License-Identifier: MIT */
/*
 * `openwsus report status|updates [--type T] [--query Q]|audit` with the
 * administration options: read-only views through the admin API, open to
 * WSUS Reporters as well as Administrators.
 *
 *   status   computer x update states reported by clients (GET /reports/status)
 *   updates  latest revision of each update with its approvals and decline
 *            (GET /updates, every page of at most 1000)
 *   audit    every administrative change: who, what, when (GET /audit)
 *
 * Tables name groups and computers rather than show their ids, which costs
 * one extra call each; --json prints the server's reply as it is (the pages
 * of /updates joined into one "items" array).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "cli/apiclient.h"
#include "cli/cli.h"
#include "cli/table.h"

#define USAGE "openwsus report status|updates [--type T] [--query Q]|audit " API_CLIENT_USAGE

/* Updates asked for per call: the server's largest page. */
#define PAGE 1000

/* Bytes of --type and --query: what the server's query parser takes
 * (src/admin/api.c reads them into 32- and 128-byte buffers). */
#define MAX_TYPE 31
#define MAX_QUERY 127

/* Bytes of the APPROVALS cell of one update. */
#define APPROVALS_CELL 512

static int fail_nomem(struct ow_err *err)
{
	return ow_err_set(err, OW_ENOMEM, "out of memory");
}

/* ---- report updates ------------------------------------------------------ */

/* Fetches every page into one reply object (the first page's, with the
 * later pages' items appended). */
static int fetch_updates(struct api_client *c, const char *type, const char *query, json_t **out,
			 struct ow_err *err)
{
	char t[3 * MAX_TYPE + 1] = "", q[3 * MAX_QUERY + 1] = "", path[OW_MAX_PATH];
	json_t *all = NULL, *page = NULL;
	long long offset = 0, total;
	long status;
	int rc;

	if ((type && api_query_escape(type, t, sizeof(t)) < 0) ||
	    (query && api_query_escape(query, q, sizeof(q)) < 0))
		return ow_err_set(err, OW_ELIMIT, "--type or --query too long");
	for (;;) {
		size_t n;

		if (ow_fmt(path, sizeof(path), "updates?limit=%d&offset=%lld%s%s%s%s", PAGE, offset,
			   type ? "&type=" : "", t, query ? "&q=" : "", q) < 0) {
			rc = ow_err_set(err, OW_ELIMIT, "request too long");
			goto fail;
		}
		if ((rc = api_call(c, "GET", path, NULL, &status, &page, err)) < 0)
			goto fail;
		n = json_array_size(json_object_get(page, "items"));
		total = json_integer_value(json_object_get(page, "total"));
		if (all == NULL) {
			all = page;
		} else if (json_array_extend(json_object_get(all, "items"), json_object_get(page, "items")) < 0) {
			rc = fail_nomem(err);
			goto fail;
		} else {
			json_decref(page);
		}
		page = NULL;
		offset += (long long)n;
		if (n == 0 || offset >= total)
			break;
	}
	if (offset > PAGE) {
		json_object_set_new(all, "offset", json_integer(0));
		json_object_set_new(all, "limit", json_integer(offset));
	}
	*out = all;
	return 0;
fail:
	json_decref(page);
	json_decref(all);
	return rc;
}

/* "install Servers until 2026-12-01T08:00:00Z; notapproved Web" */
static void approvals_cell(const json_t *approvals, const json_t *groups, char *out, size_t len)
{
	const json_t *a;
	size_t i, used = 0;

	out[0] = '\0';
	json_array_foreach(approvals, i, a) {
		const char *g = api_group_name(groups, api_str(a, "group_id"));
		const char *dl = api_str(a, "deadline");
		int w = snprintf(out + used, len - used, "%s%s %s%s%s", used ? "; " : "",
				 api_str(a, "action") ? api_str(a, "action") : "?", g ? g : "?",
				 dl ? " until " : "", dl ? dl : "");

		if (w < 0 || (size_t)w >= len - used) {
			out[used] = '\0'; /* the cell shows what fits */
			return;
		}
		used += (size_t)w;
	}
}

static int report_updates(struct api_client *c, const struct api_opts *o, const char *type,
			  const char *query, struct ow_err *err)
{
	static const char *const head[] = { "UPDATE_ID", "REV", "TYPE", "KB", "DECLINED", "APPROVALS", "TITLE" };
	struct cli_table *t = NULL;
	json_t *all = NULL, *groups = NULL, *u;
	long status;
	size_t i;
	int rc;

	if ((rc = fetch_updates(c, type, query, &all, err)) < 0)
		return rc;
	if (o->json) {
		api_print_json(all);
		goto out;
	}
	if ((rc = api_call(c, "GET", "groups", NULL, &status, &groups, err)) < 0)
		goto out;
	if ((t = cli_table_new(head, 7)) == NULL) {
		rc = fail_nomem(err);
		goto out;
	}
	json_array_foreach(json_object_get(all, "items"), i, u) {
		char rev[24], kb[40], appr[APPROVALS_CELL];
		const char *k = api_str(u, "kb");

		snprintf(rev, sizeof(rev), "%lld", (long long)json_integer_value(json_object_get(u, "revision")));
		snprintf(kb, sizeof(kb), "%s%s", k && *k ? "KB" : "", k ? k : "");
		approvals_cell(json_object_get(u, "approvals"), json_object_get(groups, "items"), appr,
			       sizeof(appr));
		const char *row[7] = { api_str(u, "update_id"), rev, api_str(u, "type"), kb,
				       json_is_true(json_object_get(u, "declined")) ? "yes" : "no", appr,
				       api_str(u, "title") };

		if ((rc = cli_table_add(t, row)) < 0) {
			rc = fail_nomem(err);
			goto out;
		}
	}
	cli_table_print(t, stdout);
	printf("%zu update%s\n", cli_table_rows(t), cli_table_rows(t) == 1 ? "" : "s");
out:
	cli_table_free(t);
	json_decref(groups);
	json_decref(all);
	return rc;
}

/* ---- report status ----------------------------------------------------------- */

static int report_status(struct api_client *c, const struct api_opts *o, struct ow_err *err)
{
	static const char *const head[] = { "COMPUTER", "UPDATE_ID", "STATE", "LAST_EVENT" };
	static const char *const states[] = { "notapplicable", "needed", "downloaded", "installed", "failed" };
	long long count[5] = { 0 };
	struct cli_table *t = NULL;
	json_t *reply = NULL, *comps = NULL, *s;
	long status;
	size_t i;
	int rc;

	if ((rc = api_call(c, "GET", "reports/status", NULL, &status, &reply, err)) < 0)
		return rc;
	if (o->json) {
		api_print_json(reply);
		goto out;
	}
	if ((rc = api_call(c, "GET", "computers", NULL, &status, &comps, err)) < 0)
		goto out;
	if ((t = cli_table_new(head, 4)) == NULL) {
		rc = fail_nomem(err);
		goto out;
	}
	json_array_foreach(json_object_get(reply, "items"), i, s) {
		const char *cid = api_str(s, "computer_id"), *name = cid, *state = api_str(s, "state");
		size_t k;
		json_t *comp;

		json_array_foreach(json_object_get(comps, "items"), k, comp)
			if (cid && api_str(comp, "computer_id") && strcmp(cid, api_str(comp, "computer_id")) == 0 &&
			    api_str(comp, "name") && *api_str(comp, "name"))
				name = api_str(comp, "name");
		for (k = 0; k < 5; k++)
			if (state && strcmp(state, states[k]) == 0)
				count[k]++;
		const char *row[4] = { name, api_str(s, "update_id"), state, api_str(s, "last_event") };

		if ((rc = cli_table_add(t, row)) < 0) {
			rc = fail_nomem(err);
			goto out;
		}
	}
	cli_table_print(t, stdout);
	printf("%zu state%s reported", cli_table_rows(t), cli_table_rows(t) == 1 ? "" : "s");
	for (size_t k = 0, first = 1; k < 5; k++) {
		if (count[k] == 0)
			continue;
		printf("%s %s %lld", first ? ":" : ",", states[k], count[k]);
		first = 0;
	}
	printf("\n");
out:
	cli_table_free(t);
	json_decref(comps);
	json_decref(reply);
	return rc;
}

/* ---- report audit -------------------------------------------------------------- */

static int report_audit(struct api_client *c, const struct api_opts *o, struct ow_err *err)
{
	static const char *const head[] = { "AT", "PRINCIPAL", "ACTION", "TARGET", "DETAIL" };
	struct cli_table *t = NULL;
	json_t *reply = NULL, *a;
	long status;
	size_t i;
	int rc;

	if ((rc = api_call(c, "GET", "audit", NULL, &status, &reply, err)) < 0)
		return rc;
	if (o->json) {
		api_print_json(reply);
		goto out;
	}
	if ((t = cli_table_new(head, 5)) == NULL) {
		rc = fail_nomem(err);
		goto out;
	}
	json_array_foreach(json_object_get(reply, "items"), i, a) {
		const char *row[5] = { api_str(a, "at"), api_str(a, "principal"), api_str(a, "action"),
				       api_str(a, "target"), api_str(a, "detail") };

		if ((rc = cli_table_add(t, row)) < 0) {
			rc = fail_nomem(err);
			goto out;
		}
	}
	cli_table_print(t, stdout);
out:
	cli_table_free(t);
	json_decref(reply);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		API_CLIENT_OPTIONS,
		{ "type", required_argument, NULL, 't' },
		{ "query", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct api_opts o;
	struct api_client *c = NULL;
	struct ow_err err = { 0 };
	const char *sub, *type = NULL, *query = NULL;
	int ch, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		if (argc < 2)
			return cli_usage("report", USAGE, "status, updates or audit?");
		printf("usage: %s\n", USAGE);
		return CLI_OK;
	}
	sub = argv[1];
	if (strcmp(sub, "status") != 0 && strcmp(sub, "updates") != 0 && strcmp(sub, "audit") != 0)
		return cli_usage("report", USAGE, "unknown report '%s'", sub);
	argc--;
	argv++;
	api_opts_init(&o);
	optind = 1;
	opterr = 0; /* the usage message below names the option */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't': type = optarg; break;
		case 'q': query = optarg; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default:
			if (api_opts_parse(&o, ch, optarg) < 0)
				return cli_usage("report", USAGE, "unknown option or missing value: %s",
						 argv[optind - 1]);
			break;
		}
	}
	if (optind != argc)
		return cli_usage("report", USAGE, "unexpected argument '%s'", argv[optind]);
	if ((type || query) && strcmp(sub, "updates") != 0)
		return cli_usage("report", USAGE, "--type and --query go with 'report updates'");
	if ((type && strlen(type) > MAX_TYPE) || (query && strlen(query) > MAX_QUERY))
		return cli_usage("report", USAGE, "--type is at most %d bytes, --query at most %d",
				 MAX_TYPE, MAX_QUERY);
	if ((rc = api_opts_check(&o, "report", USAGE)) != 0)
		return rc;
	if (api_client_new(&o, &c, &err) < 0)
		return cli_fail("report", &err);
	if (strcmp(sub, "status") == 0)
		rc = report_status(c, &o, &err);
	else if (strcmp(sub, "updates") == 0)
		rc = report_updates(c, &o, type, query, &err);
	else
		rc = report_audit(c, &o, &err);
	api_client_free(c);
	return rc < 0 ? cli_fail("report", &err) : CLI_OK;
}
