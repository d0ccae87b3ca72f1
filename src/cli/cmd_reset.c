/* SPDX-License-Identifier: MIT */
/*
 * `openwsus reset --data DIR [--json]`, as `wsusutil reset`: checks that
 * every content file the store records is in the content directory with the
 * SHA-1 of its name and the SHA-256 the store holds.
 *
 *   missing   the row is dropped (a new catalog generation), so clients are
 *             no longer sent to a file that is not there; importing the file
 *             again ('content import') brings it back.
 *   damaged   the file is moved to content/.quarantine/ (never served: the
 *             URL grammar only reaches content/XX/) and its row dropped.
 *
 * Files no row records (an import stopped between its rename and its
 * store write; cleanup removes them later) are checked too: an intact one
 * is only counted, a damaged one is quarantined. Temporary files of
 * imports stopped mid-copy (content/.tmp/) older than
 * OW_CONTENT_ORPHAN_GRACE_S are removed. With no upstream to fetch from,
 * nothing is downloaded again.
 *
 * Exit 0 when every recorded file matched, 1 when reset had something to
 * repair (or could not read a file), 2 on usage errors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "config/config.h"
#include "content/import.h"
#include "content/name.h"
#include "content/sweep.h"
#include "store/store.h"

#define USAGE "openwsus reset --data DIR [--json]"

struct reset {
	const struct ow_config *cfg;
	struct store *st;
	int json;
	long long checked, ok, missing, damaged, unreadable;
	long long unrecorded, unrecorded_damaged, stale_tmp;
	char (*drop)[41];                  /* rows to drop once the listing is done */
	size_t ndrop, capdrop;
	struct ow_err err;                 /* first store error */
};

static void say(const struct reset *r, const char *fmt, const char *rel, const char *why)
{
	if (!r->json)
		printf(fmt, rel, why);
}

/* Moves a damaged file out of the served tree. */
static int quarantine(const struct reset *r, const struct content_name *n, struct ow_err *err)
{
	char from[OW_MAX_PATH], dir[OW_MAX_PATH], to[OW_MAX_PATH], rel[CONTENT_RELPATH_MAX + 1];

	if (content_name_relpath(n, rel, sizeof(rel)) < 0 ||
	    ow_fmt(from, sizeof(from), "%s/%s", r->cfg->content_dir, rel) < 0 ||
	    ow_fmt(dir, sizeof(dir), "%s/.quarantine", r->cfg->content_dir) < 0 ||
	    ow_fmt(to, sizeof(to), "%s/%s.%s.%lld", dir, n->sha1, n->ext, (long long)time(NULL)) < 0)
		return ow_err_set(err, OW_ELIMIT, "path too long");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return ow_err_set(err, OW_EIO, "mkdir %s: %s", dir, strerror(errno));
	if (rename(from, to) < 0)
		return ow_err_set(err, OW_EIO, "rename %s: %s", from, strerror(errno));
	if (ow_fsync_dir_of(from) < 0 || ow_fsync_dir_of(to) < 0)
		return ow_err_set(err, OW_EIO, "fsync after moving %s", from);
	return 0;
}

/* Rows are dropped after the listing, not while its statement runs. */
static int forget(struct reset *r, const char *sha1)
{
	if (r->ndrop == r->capdrop) {
		size_t cap = r->capdrop ? 2 * r->capdrop : 64;
		void *p = realloc(r->drop, cap * sizeof(*r->drop));

		if (p == NULL) {
			ow_err_set(&r->err, OW_ENOMEM, "out of memory");
			return -1;
		}
		r->drop = p;
		r->capdrop = cap;
	}
	snprintf(r->drop[r->ndrop++], sizeof(r->drop[0]), "%s", sha1);
	return 0;
}

static int drop_rows(struct reset *r)
{
	int removed;

	for (size_t i = 0; i < r->ndrop; i++)
		if (store_content_forget(r->st, r->drop[i], &removed, &r->err) < 0)
			return -1;
	return 0;
}

static int check_row(const struct store_content_row *row, void *arg)
{
	struct reset *r = arg;
	struct content_name n;
	struct ow_err err = { 0 };
	char rel[CONTENT_RELPATH_MAX + 1], text[64 + CONTENT_RELPATH_MAX];
	int rc;

	r->checked++;
	if (ow_fmt(text, sizeof(text), "%.2s/%s.%s", row->sha1 + 38, row->sha1, row->ext) < 0 ||
	    content_name_parse(text, strlen(text), &n) < 0 ||
	    content_name_relpath(&n, rel, sizeof(rel)) < 0) {
		/* A row no file name can carry: nothing can serve it. */
		r->damaged++;
		say(r, "bad row content/%s: %s\n", row->sha1, "not a valid content name; row dropped");
		return forget(r, row->sha1);
	}
	rc = content_verify(r->cfg->content_dir, &n, row->sha256, &err);
	if (rc == 0) {
		r->ok++;
		return 0;
	}
	if (rc == OW_ENOENT) {
		r->missing++;
		say(r, "missing content/%s: %s\n", rel,
		    "row dropped; import the file again to bring it back");
		return forget(r, row->sha1);
	}
	if (rc == OW_EINVAL) {
		r->damaged++;
		if (quarantine(r, &n, &err) < 0) {
			r->unreadable++;
			say(r, "damaged content/%s: %s\n", rel, err.msg);
			return 0;
		}
		say(r, "damaged content/%s: %s\n", rel,
		    "digest mismatch; moved to content/.quarantine/, row dropped");
		return forget(r, row->sha1);
	}
	r->unreadable++;
	say(r, "unreadable content/%s: %s\n", rel, err.msg);
	return 0;
}

static int check_unrecorded(const struct content_name *n, int64_t mtime, void *arg)
{
	struct reset *r = arg;
	struct ow_err err = { 0 };
	char rel[CONTENT_RELPATH_MAX + 1];
	int known = 0, rc;

	(void)mtime;
	if (store_content_known(r->st, n->sha1, &known, &r->err) < 0)
		return -1;
	if (known)
		return 0;
	r->unrecorded++;
	rc = content_verify(r->cfg->content_dir, n, NULL, &err);
	if (rc != OW_EINVAL)
		return 0; /* intact (or gone meanwhile): cleanup's business */
	r->unrecorded_damaged++;
	if (content_name_relpath(n, rel, sizeof(rel)) < 0)
		return 0;
	if (quarantine(r, n, &err) < 0)
		say(r, "damaged content/%s: %s\n", rel, err.msg);
	else
		say(r, "damaged content/%s: %s\n", rel,
		    "not recorded and its SHA-1 does not match its name; moved to content/.quarantine/");
	return 0;
}

/* Temporary files of imports that stopped mid-copy. */
static void remove_stale_tmp(struct reset *r)
{
	char dir[OW_MAX_PATH];
	struct dirent *e;
	struct stat st;
	time_t now = time(NULL);
	DIR *d;
	int fd;

	if (ow_fmt(dir, sizeof(dir), "%s/.tmp", r->cfg->content_dir) < 0)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "import.", 7) != 0)
			continue;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (now - st.st_mtime < OW_CONTENT_ORPHAN_GRACE_S)
			continue; /* may be an import in progress */
		if (unlinkat(fd, e->d_name, 0) == 0)
			r->stale_tmp++;
	}
	closedir(d);
}

static void report(const struct reset *r)
{
	int clean = r->missing == 0 && r->damaged == 0 && r->unreadable == 0;

	if (r->json) {
		json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:b}", "checked",
				      (json_int_t)r->checked, "ok", (json_int_t)r->ok, "missing",
				      (json_int_t)r->missing, "damaged", (json_int_t)r->damaged,
				      "unreadable", (json_int_t)r->unreadable, "unrecorded",
				      (json_int_t)r->unrecorded, "unrecorded_damaged",
				      (json_int_t)r->unrecorded_damaged, "stale_tmp_removed",
				      (json_int_t)r->stale_tmp, "clean", clean);
		char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(o);
		return;
	}
	printf("reset: %lld recorded file(s) checked: %lld match, %lld missing, %lld damaged, "
	       "%lld unreadable; %lld unrecorded file(s) (%lld damaged); %lld stale temporary "
	       "file(s) removed\n",
	       r->checked, r->ok, r->missing, r->damaged, r->unreadable, r->unrecorded,
	       r->unrecorded_damaged, r->stale_tmp);
}

int cmd_reset(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ow_config cfg;
	struct reset r;
	struct ow_err err = { 0 };
	const char *dir = NULL;
	int c, rc;

	memset(&r, 0, sizeof(r));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'j': r.json = 1; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default: return cli_usage("reset", USAGE, "bad option");
		}
	}
	if (dir == NULL || optind != argc)
		return cli_usage("reset", USAGE, "--data DIR is required");
	if ((c = cli_act_as_owner("reset", dir)) != CLI_OK)
		return c;
	if (config_load(dir, &cfg, &err) < 0 || store_open(cfg.store_url, dir, &r.st, &err) < 0)
		return cli_fail("reset", &err);
	r.cfg = &cfg;
	rc = store_content_each(r.st, check_row, &r, &err);
	if (rc == 0)
		rc = drop_rows(&r);
	if (rc == 0)
		rc = content_scan(cfg.content_dir, check_unrecorded, &r, &err);
	store_close(r.st);
	free(r.drop);
	if (rc != 0) {
		if (r.err.code)
			err = r.err;
		return cli_fail("reset", &err);
	}
	remove_stale_tmp(&r);
	report(&r);
	return r.missing || r.damaged || r.unreadable ? CLI_FAIL : CLI_OK;
}
