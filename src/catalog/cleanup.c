/* SPDX-License-Identifier: MIT */
/*
 * Declining superseded updates and the cleanup of unused revisions, stale
 * computers and unneeded content (the rules are in cleanup.h). The store
 * selects and deletes; this file decides what to ask for, drives the
 * batches, checks for a stop request between them, removes files through
 * the caller's content hooks after their rows are gone, and writes the
 * audit trail.
 */
#include "catalog/cleanup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/time.h"
#include "base/util.h"

_Static_assert(sizeof(((struct store_content_key *)0)->ext) > OW_MAX_CONTENT_EXT,
	       "a content extension fits a store key");

/* ---- declining superseded updates --------------------------------------- */

struct decisions {
	struct catalog_superseded *v;
	size_t n, cap;
	char last_y[37];            /* the superseder last counted for v[n - 1] */
	int rc;
	struct ow_err *err;
};

static int decide_cb(const struct store_supersede_row *row, void *arg)
{
	struct decisions *d = arg;
	struct catalog_superseded *last = d->n ? &d->v[d->n - 1] : NULL;

	/* The rule: Y approved for Install somewhere, neither Y nor X declined,
	 * X in the catalog (declines need an update), and never itself. */
	if (row->update_declined || row->update_install_groups < 1 || row->superseded_declined ||
	    !row->superseded_known || strcmp(row->update_id, row->superseded_id) == 0)
		return 0;
	/* Rows come ordered by X, then Y: X's rows are adjacent, and so are
	 * repeats of one (X, Y) pair. */
	if (last && strcmp(last->update_id, row->superseded_id) == 0) {
		if (strcmp(d->last_y, row->update_id) != 0) {
			last->superseders++;
			memcpy(d->last_y, row->update_id, sizeof(d->last_y));
		}
		return 0;
	}
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 64;
		struct catalog_superseded *nv;

		if (d->n >= OW_MAX_SUPERSEDED_DECLINES) {
			d->rc = ow_err_set(d->err, OW_ELIMIT, "more than %d superseded updates to "
					   "decline at once", OW_MAX_SUPERSEDED_DECLINES);
			return 1;
		}
		if (ncap > OW_MAX_SUPERSEDED_DECLINES)
			ncap = OW_MAX_SUPERSEDED_DECLINES;
		nv = realloc(d->v, ncap * sizeof(*nv));
		if (nv == NULL) {
			d->rc = ow_err_set(d->err, OW_ENOMEM, "out of memory");
			return 1;
		}
		d->v = nv;
		d->cap = ncap;
	}
	last = &d->v[d->n++];
	memset(last, 0, sizeof(*last));
	memcpy(last->update_id, row->superseded_id, sizeof(last->update_id));
	memcpy(last->superseded_by, row->update_id, sizeof(last->superseded_by));
	memcpy(d->last_y, row->update_id, sizeof(d->last_y));
	last->superseders = 1;
	last->approval_groups = row->superseded_approval_groups;
	return 0;
}

int catalog_decline_superseded(struct store *st, int dry_run, const char *principal,
			       catalog_superseded_cb cb, void *arg, long long *count,
			       struct ow_err *err)
{
	struct decisions d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.err = err;
	*count = 0;
	/* Decide everything on one snapshot first, then decline. */
	rc = store_supersede_list(st, decide_cb, &d, err);
	if (rc > 0)
		rc = d.rc;
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < d.n; i++) {
		struct catalog_superseded *s = &d.v[i];
		char detail[256];
		int changed = 0;

		if (!dry_run) {
			char more[32] = "", own[64] = "";

			if (s->superseders > 1)
				snprintf(more, sizeof(more), " and %d more", s->superseders - 1);
			if (s->approval_groups > 0)
				snprintf(own, sizeof(own), "; it had its own approval for %d group(s)",
					 s->approval_groups);
			if ((rc = ow_fmt(detail, sizeof(detail), "superseded by %s%s (approved for "
					 "install)%s", s->superseded_by, more, own)) < 0) {
				rc = ow_err_set(err, OW_ELIMIT, "decline detail too long");
				goto out;
			}
			if ((rc = store_decline_audited(st, s->update_id,
							principal ? principal : "local", detail,
							&changed, err)) < 0)
				goto out;
			if (!changed)
				continue; /* declined meanwhile by someone else */
			s->declined = 1;
		}
		(*count)++;
		if (cb && (rc = cb(s, arg)) != 0)
			goto out;
	}
	rc = 0;
out:
	free(d.v);
	return rc;
}

/* ---- cleanup ------------------------------------------------------------ */

struct run {
	struct store *st;
	const struct catalog_cleanup_opts *o;
	struct catalog_cleanup_result *r;
	struct store_content_key *keys;     /* o->batch entries */
	int64_t now;
	struct ow_err *err;
};

static int stopped(struct run *u)
{
	if (u->o->stop && *u->o->stop) {
		u->r->interrupted = 1;
		return 1;
	}
	return 0;
}

static void progress(struct run *u, const char *phase, long long n, long long total)
{
	if (u->o->progress)
		u->o->progress(u->o->progress_arg, phase, n, total);
}

/* Old revisions (before == NULL) or stale computers, batch after batch. */
static int rows_phase(struct run *u, const char *phase, const char *before, long long *total)
{
	for (;;) {
		long long n = 0;
		int rc;

		if (stopped(u))
			return 0;
		rc = before ? store_computer_stale_delete(u->st, before, u->o->batch, &n, u->err)
			    : store_revision_old_delete(u->st, u->o->batch, &n, u->err);
		if (rc < 0)
			return rc;
		if (n == 0)
			return 0;
		*total += n;
		u->r->batches++;
		progress(u, phase, n, *total);
		if (n < u->o->batch)
			return 0;
	}
}

/* Removes the files of keys, whose rows are gone (unless an import has
 * recorded the same SHA-1 again meanwhile: then the file is its file), and
 * drops them from the unlink queue. */
static int unlink_keys(struct run *u, size_t n)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		enum catalog_file_state state = CATALOG_FILE_ABSENT;
		int known = 0;

		if ((rc = store_content_known(u->st, u->keys[i].sha1, &known, u->err)) < 0)
			return rc;
		if (known)
			continue;
		if ((rc = u->o->fs->remove(u->o->fs->ctx, u->keys[i].sha1, u->keys[i].ext, &state,
					   u->err)) < 0)
			return rc;
		if (state == CATALOG_FILE_SKIPPED)
			u->r->skipped++;
	}
	return store_content_unlink_done(u->st, u->keys, n, u->err);
}

/* Finishes the unlink queue an interrupted run left. */
static int queue_phase(struct run *u)
{
	for (;;) {
		size_t n = 0;
		int rc;

		if (stopped(u))
			return 0;
		if ((rc = store_content_unlink_list(u->st, u->o->batch, u->keys, &n, u->err)) < 0)
			return rc;
		if (n == 0)
			return 0;
		if ((rc = unlink_keys(u, n)) < 0)
			return rc;
		u->r->queued += (long long)n;
		progress(u, "unlink-queue", (long long)n, u->r->queued);
		if ((long)n < u->o->batch)
			return 0;
	}
}

static int content_phase(struct run *u)
{
	for (;;) {
		size_t n = 0;
		int rc;

		if (stopped(u))
			return 0;
		if ((rc = store_content_unneeded_take(u->st, u->o->batch, u->keys, &n, u->err)) < 0)
			return rc;
		if (n == 0)
			return 0;
		u->r->batches++;
		for (size_t i = 0; i < n; i++)
			u->r->content_bytes += u->keys[i].size > 0 ? u->keys[i].size : 0;
		/* The rows are committed; a crash from here on leaves queued
		 * entries that queue_phase of the next run finishes. */
		if ((rc = unlink_keys(u, n)) < 0)
			return rc;
		u->r->content_files += (long long)n;
		progress(u, "content", (long long)n, u->r->content_files);
		if ((long)n < u->o->batch)
			return 0;
	}
}

static int orphan_cb(const char *sha1, const char *ext, int64_t mtime, void *arg)
{
	struct run *u = arg;
	enum catalog_file_state state = CATALOG_FILE_ABSENT;
	int known = 0, rc;

	if (stopped(u))
		return 1;
	if ((rc = store_content_known(u->st, sha1, &known, u->err)) < 0)
		return rc;
	if (known)
		return 0;
	if (mtime > u->now - OW_CONTENT_ORPHAN_GRACE_S) {
		u->r->orphans_recent++;
		return 0;
	}
	if (u->o->dry_run) {
		u->r->orphans++;
		return 0;
	}
	if ((rc = u->o->fs->remove(u->o->fs->ctx, sha1, ext, &state, u->err)) < 0)
		return rc;
	if (state == CATALOG_FILE_REMOVED) {
		u->r->orphans++;
		if (u->r->orphans % u->o->batch == 0)
			progress(u, "orphans", u->o->batch, u->r->orphans);
	} else if (state == CATALOG_FILE_SKIPPED) {
		u->r->skipped++;
	}
	return 0;
}

static int orphan_phase(struct run *u)
{
	int rc;

	if (stopped(u))
		return 0;
	rc = u->o->fs->scan(u->o->fs->ctx, orphan_cb, u, u->err);
	if (rc < 0)
		return rc;
	if (!u->o->dry_run && u->r->orphans % u->o->batch != 0)
		progress(u, "orphans", u->r->orphans % u->o->batch, u->r->orphans);
	return 0;
}

static int dry_counts(struct run *u, const char *before)
{
	int rc;

	if (u->o->revisions &&
	    (rc = store_revision_old_count(u->st, &u->r->revisions, u->err)) < 0)
		return rc;
	if (u->o->computers &&
	    (rc = store_computer_stale_count(u->st, before, &u->r->computers, u->err)) < 0)
		return rc;
	if (u->o->content) {
		if ((rc = store_content_unneeded_count(u->st, &u->r->content_files,
						       &u->r->content_bytes, u->err)) < 0)
			return rc;
		return orphan_phase(u);
	}
	return 0;
}

static int check_opts(const struct catalog_cleanup_opts *o, struct ow_err *err)
{
	if (!o->revisions && !o->computers && !o->content)
		return ow_err_set(err, OW_EINVAL, "nothing selected to clean up");
	if (o->batch < 1 || o->batch > OW_MAX_CLEANUP_BATCH)
		return ow_err_set(err, OW_EINVAL, "the batch size must be 1 to %d",
				  OW_MAX_CLEANUP_BATCH);
	if (o->computers && (o->computer_days < 1 || o->computer_days > 36500))
		return ow_err_set(err, OW_EINVAL, "the computer age must be 1 to 36500 days");
	if (o->content && (o->fs == NULL || o->fs->remove == NULL || o->fs->scan == NULL))
		return ow_err_set(err, OW_EINVAL, "content cleanup needs the content directory");
	return 0;
}

/* Appends the run's audit entry. After a failed run the entry still goes
 * in (saying so) and the first error stays the one reported. */
static int summary(struct run *u, int rc)
{
	struct ow_err scratch = { 0 };
	const struct catalog_cleanup_opts *o = u->o;
	const struct catalog_cleanup_result *r = u->r;
	char parts[64], detail[512];

	snprintf(parts, sizeof(parts), "%s%s%s%s%s", o->revisions ? "revisions" : "",
		 o->revisions && (o->computers || o->content) ? "," : "",
		 o->computers ? "computers" : "", o->computers && o->content ? "," : "",
		 o->content ? "content" : "");
	snprintf(detail, sizeof(detail),
		 "revisions=%lld computers=%lld content=%lld bytes=%lld queued=%lld orphans=%lld "
		 "kept_recent=%lld skipped=%lld batches=%lld%s%s%s",
		 r->revisions, r->computers, r->content_files, r->content_bytes, r->queued,
		 r->orphans, r->orphans_recent, r->skipped, r->batches,
		 r->interrupted ? " interrupted" : "", rc < 0 ? " failed: " : "",
		 rc < 0 && u->err ? u->err->msg : "");
	return store_audit_add(u->st, o->principal ? o->principal : "local", "cleanup.run", parts,
			       detail, rc < 0 ? &scratch : u->err);
}

int catalog_cleanup(struct store *st, const struct catalog_cleanup_opts *o,
		    struct catalog_cleanup_result *r, struct ow_err *err)
{
	struct run u;
	char before[OW_TIME_LEN] = "";
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = check_opts(o, err)) < 0)
		return rc;
	memset(&u, 0, sizeof(u));
	u.st = st;
	u.o = o;
	u.r = r;
	u.err = err;
	u.now = o->now ? o->now : ow_time_now();
	if (o->computers)
		ow_time_format(u.now - (int64_t)o->computer_days * 86400, before);
	if (o->dry_run)
		return dry_counts(&u, before);
	if (o->content) {
		u.keys = calloc((size_t)o->batch, sizeof(*u.keys));
		if (u.keys == NULL)
			return ow_err_set(err, OW_ENOMEM, "out of memory");
	}
	rc = 0;
	if (o->revisions)
		rc = rows_phase(&u, "revisions", NULL, &r->revisions);
	if (rc == 0 && o->computers)
		rc = rows_phase(&u, "computers", before, &r->computers);
	if (rc == 0 && o->content && (rc = queue_phase(&u)) == 0 && (rc = content_phase(&u)) == 0)
		rc = orphan_phase(&u);
	if (rc > 0)
		rc = 0; /* the orphan scan stopped for a stop request */
	{
		int src = summary(&u, rc);

		if (rc == 0)
			rc = src;
	}
	free(u.keys);
	return rc;
}
