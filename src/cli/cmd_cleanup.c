/* SPDX-License-Identifier: MIT */
/*
 * `openwsus decline-superseded` and `openwsus cleanup`: the Server Cleanup
 * Wizard of WSUS as two maintenance verbs on a data directory. The rules
 * are the catalog's (catalog/cleanup.h); this file parses options, wires
 * the content directory to the catalog, prints progress and totals (or one
 * JSON document with --json), and turns SIGINT/SIGTERM into "stop after
 * this batch" so an interrupted cleanup exits 0 and the next run goes on.
 *
 *   $ openwsus cleanup --data /srv/wsus --batch 500
 *   revisions: 500 deleted (500 so far)
 *   ...
 *   cleanup: 2000 revisions, 0 computers, 1500 content files (3.1 MB), ...
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/limits.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "catalog/cleanup.h"
#include "cli/cli.h"
#include "config/config.h"
#include "content/name.h"
#include "content/sweep.h"
#include "store/store.h"

#define DECLINE_USAGE "openwsus decline-superseded --data DIR [--dry-run] [--json]"
#define CLEANUP_USAGE                                                                      \
	"openwsus cleanup --data DIR [--revisions] [--computers-days N] [--content]"       \
	" [--batch N] [--dry-run] [--json]"

/* Set by SIGINT/SIGTERM; read between batches. The one piece of process
 * state a signal handler may touch. */
static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	return 0;
}

/* Prints j on stdout and frees it. */
static int print_json(json_t *j)
{
	char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	int rc = text ? 0 : -1;

	if (text)
		printf("%s\n", text);
	free(text);
	json_decref(j);
	return rc;
}

/* ---- decline-superseded ------------------------------------------------- */

struct title_ctx {
	char *title;
	size_t len;
};

static int title_cb(const struct store_revision_row *row, void *arg)
{
	struct title_ctx *t = arg;

	if (row->is_latest)
		snprintf(t->title, t->len, "%s", row->title);
	return 0;
}

/* The title of update_id's latest revision, "" when unknown. */
static void title_of(struct store *st, const char *update_id, char *title, size_t len)
{
	struct title_ctx t = { title, len };

	title[0] = '\0';
	if (catalog_revisions(st, update_id, title_cb, &t, NULL) < 0)
		title[0] = '\0';
}

struct decline_out {
	struct store *st;
	int json;
	int dry_run;
	json_t *list;
};

static int declined_cb(const struct catalog_superseded *s, void *arg)
{
	struct decline_out *o = arg;
	char tx[512], ty[512];

	title_of(o->st, s->update_id, tx, sizeof(tx));
	title_of(o->st, s->superseded_by, ty, sizeof(ty));
	if (o->json) {
		json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "update_id", s->update_id,
				      "title", tx, "superseded_by", s->superseded_by,
				      "superseded_by_title", ty, "superseders", s->superseders,
				      "own_approval_groups", s->approval_groups);

		if (e == NULL || json_array_append_new(o->list, e) < 0)
			return OW_ENOMEM;
		return 0;
	}
	printf("%s %s \"%s\": superseded by %s \"%s\"", o->dry_run ? "would decline" : "declined",
	       s->update_id, tx, s->superseded_by, ty);
	if (s->superseders > 1)
		printf(" and %d more", s->superseders - 1);
	printf(" (approved for install)");
	if (s->approval_groups > 0)
		printf("; it was approved for %d group(s) itself, %s", s->approval_groups,
		       o->dry_run ? "it would be declined anyway" : "declined anyway");
	printf("\n");
	return 0;
}

int cmd_decline_superseded(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct decline_out out = { 0 };
	struct ow_config cfg;
	struct ow_err err = { 0 };
	struct store *st = NULL;
	const char *dir = NULL;
	long long count = 0;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'n': out.dry_run = 1; break;
		case 'j': out.json = 1; break;
		case 'h': printf("usage: %s\n", DECLINE_USAGE); return CLI_OK;
		default: return cli_usage("decline-superseded", DECLINE_USAGE, "bad option");
		}
	}
	if (dir == NULL || optind != argc)
		return cli_usage("decline-superseded", DECLINE_USAGE, "--data DIR is required");
	if ((c = cli_act_as_owner("decline-superseded", dir)) != CLI_OK)
		return c;
	if (config_load(dir, &cfg, &err) < 0 || store_open(cfg.store_url, dir, &st, &err) < 0)
		return cli_fail("decline-superseded", &err);
	out.st = st;
	if (out.json && (out.list = json_array()) == NULL) {
		store_close(st);
		ow_err_set(&err, OW_ENOMEM, "out of memory");
		return cli_fail("decline-superseded", &err);
	}
	rc = catalog_decline_superseded(st, out.dry_run, "local:decline-superseded", declined_cb,
					&out, &count, &err);
	if (rc == OW_ENOMEM && err.msg[0] == '\0')
		ow_err_set(&err, OW_ENOMEM, "out of memory");
	if (rc == 0) {
		if (out.json) {
			rc = print_json(json_pack("{s:b, s:I, s:O}", "dry_run", out.dry_run, "count",
						  (json_int_t)count, "declined", out.list));
			if (rc < 0)
				ow_err_set(&err, OW_ENOMEM, "out of memory");
		} else {
			printf("%lld superseded update(s) %s\n", count,
			       out.dry_run ? "would be declined" : "declined");
		}
	}
	json_decref(out.list);
	store_close(st);
	return rc < 0 ? cli_fail("decline-superseded", &err) : CLI_OK;
}

/* ---- cleanup ------------------------------------------------------------ */

/* The content directory behind the catalog's hooks. */
struct fs_ctx {
	const char *dir;
};

/* The content name of sha1 and ext as the store holds them. */
static int name_of(const char *sha1, const char *ext, struct content_name *n)
{
	char rel[CONTENT_RELPATH_MAX + 1];

	if (strlen(sha1) != 40 ||
	    ow_fmt(rel, sizeof(rel), "%c%c/%s.%s", sha1[38], sha1[39], sha1, ext) < 0)
		return OW_EINVAL;
	return content_name_parse(rel, strlen(rel), n);
}

static int fs_remove(void *ctx, const char *sha1, const char *ext, enum catalog_file_state *state,
		     struct ow_err *err)
{
	struct fs_ctx *f = ctx;
	struct content_name n;
	enum content_remove_result res = CONTENT_ABSENT;
	int rc;

	*state = CATALOG_FILE_SKIPPED;
	if (name_of(sha1, ext, &n) < 0)
		return 0; /* a damaged row names no file we would touch */
	if ((rc = content_remove(f->dir, &n, &res, err)) < 0)
		return rc;
	*state = res == CONTENT_REMOVED ? CATALOG_FILE_REMOVED
		 : res == CONTENT_ABSENT ? CATALOG_FILE_ABSENT : CATALOG_FILE_SKIPPED;
	return 0;
}

struct scan_tramp {
	catalog_file_cb cb;
	void *arg;
};

static int scan_one(const struct content_name *n, int64_t mtime, void *arg)
{
	struct scan_tramp *t = arg;

	return t->cb(n->sha1, n->ext, mtime, t->arg);
}

static int fs_scan(void *ctx, catalog_file_cb cb, void *cbarg, struct ow_err *err)
{
	struct fs_ctx *f = ctx;
	struct scan_tramp t = { cb, cbarg };

	return content_scan(f->dir, scan_one, &t, err);
}

static void print_progress(void *arg, const char *phase, long long n, long long total)
{
	FILE *f = arg;

	fprintf(f, "%s: %lld removed (%lld so far)\n", phase, n, total);
	fflush(f);
}

static int print_cleanup(const struct catalog_cleanup_opts *o, const struct catalog_cleanup_result *r,
			 int json)
{
	if (json && r->interrupted)
		fprintf(stderr, "interrupted, run again to continue\n");
	if (json)
		return print_json(json_pack(
			"{s:b, s:b, s:I, s:I, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "dry_run",
			o->dry_run, "interrupted", r->interrupted, "revisions", (json_int_t)r->revisions,
			"computers", (json_int_t)r->computers, "computer_days", o->computer_days,
			"content_files", (json_int_t)r->content_files, "content_bytes",
			(json_int_t)r->content_bytes, "queued", (json_int_t)r->queued, "orphans",
			(json_int_t)r->orphans, "orphans_recent", (json_int_t)r->orphans_recent,
			"skipped", (json_int_t)r->skipped, "batches", (json_int_t)r->batches));
	printf("cleanup%s:", o->dry_run ? " (dry run, would remove)" : "");
	if (o->revisions)
		printf(" %lld unused revision(s)%s", r->revisions, o->computers || o->content ? "," : "");
	if (o->computers)
		printf(" %lld computer(s) not seen for %d days%s", r->computers, o->computer_days,
		       o->content ? "," : "");
	if (o->content)
		printf(" %lld content file(s) (%lld bytes), %lld queued file(s), %lld orphan file(s)",
		       r->content_files, r->content_bytes, r->queued, r->orphans);
	printf("%s\n", o->dry_run ? "" : " removed");
	if (r->orphans_recent)
		printf("kept %lld unrecorded file(s) younger than %d s: an import may be writing "
		       "them\n", r->orphans_recent, OW_CONTENT_ORPHAN_GRACE_S);
	if (r->skipped)
		printf("left alone %lld entr(y/ies) that are not regular files\n", r->skipped);
	if (r->interrupted)
		printf("interrupted, run again to continue\n");
	return 0;
}

/* Uploads for publishing that no publication took within a day (a client
 * that died half way): DIR/uploads/<uuid>.part older than
 * OW_UPLOAD_MAX_AGE_S. Returns how many were removed. */
static long sweep_uploads(const char *dir, int dry_run)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);
	long n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		struct stat st;

		if (len != 41 || strcmp(e->d_name + 36, ".part") != 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
		    now - st.st_mtime < OW_UPLOAD_MAX_AGE_S)
			continue;
		if (dry_run || unlinkat(dirfd(d), e->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int cmd_cleanup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "revisions", no_argument, NULL, 'r' },
		{ "computers-days", required_argument, NULL, 'c' },
		{ "content", no_argument, NULL, 'C' },
		{ "batch", required_argument, NULL, 'b' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct catalog_cleanup_opts o;
	struct catalog_cleanup_result r;
	struct ow_config cfg;
	struct ow_err err = { 0 };
	struct store *st = NULL;
	struct fs_ctx fs_ctx;
	struct catalog_content_fs fs;
	const char *dir = NULL;
	long long v;
	int c, json = 0, rc;

	memset(&o, 0, sizeof(o));
	o.batch = CATALOG_CLEANUP_BATCH;
	o.computer_days = CATALOG_CLEANUP_DAYS;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'r': o.revisions = 1; break;
		case 'C': o.content = 1; break;
		case 'n': o.dry_run = 1; break;
		case 'j': json = 1; break;
		case 'c':
			if (ow_parse_ll(optarg, 1, 36500, &v) < 0)
				return cli_usage("cleanup", CLEANUP_USAGE,
						 "--computers-days takes 1 to 36500");
			o.computers = 1;
			o.computer_days = (int)v;
			break;
		case 'b':
			if (ow_parse_ll(optarg, 1, OW_MAX_CLEANUP_BATCH, &v) < 0)
				return cli_usage("cleanup", CLEANUP_USAGE, "--batch takes 1 to %d",
						 OW_MAX_CLEANUP_BATCH);
			o.batch = (long)v;
			break;
		case 'h': printf("usage: %s\n", CLEANUP_USAGE); return CLI_OK;
		default: return cli_usage("cleanup", CLEANUP_USAGE, "bad option");
		}
	}
	if (dir == NULL || optind != argc)
		return cli_usage("cleanup", CLEANUP_USAGE, "--data DIR is required");
	if ((c = cli_act_as_owner("cleanup", dir)) != CLI_OK)
		return c;
	if (!o.revisions && !o.computers && !o.content)
		o.revisions = o.computers = o.content = 1;
	if (catch_stop_signals() < 0) {
		ow_err_set(&err, OW_EIO, "cannot catch SIGINT/SIGTERM");
		return cli_fail("cleanup", &err);
	}
	if (config_load(dir, &cfg, &err) < 0 || store_open(cfg.store_url, dir, &st, &err) < 0)
		return cli_fail("cleanup", &err);
	fs_ctx.dir = cfg.content_dir;
	fs.remove = fs_remove;
	fs.scan = fs_scan;
	fs.ctx = &fs_ctx;
	o.fs = &fs;
	o.principal = "local:cleanup";
	o.stop = &stop_requested;
	o.progress = print_progress;
	o.progress_arg = json ? stderr : stdout;
	rc = catalog_cleanup(st, &o, &r, &err);
	store_close(st);
	if (rc < 0)
		return cli_fail("cleanup", &err);
	if (o.content) {
		long up = sweep_uploads(cfg.uploads_dir, o.dry_run);

		if (up > 0)
			fprintf(json ? stderr : stdout, "%s %ld abandoned upload(s) older than %d hours\n",
				o.dry_run ? "would remove" : "removed", up, OW_UPLOAD_MAX_AGE_S / 3600);
	}
	if (print_cleanup(&o, &r, json) < 0) {
		ow_err_set(&err, OW_ENOMEM, "out of memory");
		return cli_fail("cleanup", &err);
	}
	return CLI_OK;
}
