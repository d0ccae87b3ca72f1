/* SPDX-License-Identifier: MIT */
/*
 * Catalog maintenance, as the WSUS Server Cleanup Wizard does it: declining
 * superseded updates, and removing what nothing uses any more -- old
 * revisions, computers that stopped reporting, content no approved update
 * needs. This file states the policy; the store implements each selection
 * as one query, re-run inside every batch's transaction.
 *
 * The rules:
 *
 *   superseded  X is superseded when the LATEST revision of another update
 *               Y names X in its SupersededUpdates, Y is not declined and Y
 *               has an Install approval for at least one group: clients can
 *               move to Y, so X is declined. An X already declined is left
 *               as it is; an X with an approval of its own is declined all
 *               the same (and the report says so). Every decision is taken
 *               on one snapshot of the catalog before anything is declined,
 *               so the result does not depend on order: with Z approved and
 *               superseding an approved Y that supersedes X, both Y and X
 *               are declined.
 *   unused      a revision is unused when a newer revision of the same
 *   revision    update is kept: clients only ever get the latest.
 *   stale       a computer whose last contact is older than N days; its
 *   computer    group memberships and reported states go with it.
 *   unneeded    a content file is needed when it is a file of the latest
 *   content     revision of a needed update: one approved for Install for
 *               some group and not declined, or one that the latest
 *               revision of a needed update bundles (a bundle's files are
 *               carried by the updates it bundles). Every other content
 *               row goes, and its file after it.
 *   orphan      a file under content/XX/ named by the grammar that no
 *   file        content row records. One whose row cleanup deleted is in
 *               the store's unlink queue and goes at once; any other goes
 *               once it is older than OW_CONTENT_ORPHAN_GRACE_S (younger, it
 *               may be an import that has not recorded it yet).
 *
 * Crash safety: every batch deletes at most `batch` rows in one short
 * transaction and no transaction is open between batches. For content the
 * row is deleted (and queued for unlink) first and the file unlinked after
 * the commit; a second short transaction then drops the batch's queue
 * entries. A crash leaves at worst queued files that the next run removes
 * first; a file is never removed while a row records it (the row is
 * checked again just before the unlink, for a concurrent import).
 *
 * Not covered: a content import of the very file being removed, between
 * that re-check and the unlink (microseconds). Imports and cleanup share no
 * lock yet.
 */
#ifndef OW_CATALOG_CLEANUP_H
#define OW_CATALOG_CLEANUP_H

#include <signal.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define CATALOG_CLEANUP_BATCH 500        /* default rows per transaction */
#define CATALOG_CLEANUP_DAYS 30          /* default age of a stale computer */

/* ---- declining superseded updates --------------------------------------- */

struct catalog_superseded {
	char update_id[37];         /* X, the superseded update */
	char superseded_by[37];     /* the first (lowest id) approved, undeclined Y */
	int superseders;            /* how many such Y */
	int approval_groups;        /* groups where X had an Install or Uninstall approval */
	int declined;               /* 1: declined by this call; 0: dry run */
};

typedef int (*catalog_superseded_cb)(const struct catalog_superseded *s, void *arg);

/* Declines every superseded update (the rule above), each in its own
 * transaction with its audit entry ("update.decline", the detail naming
 * the superseding update) under principal. With dry_run nothing changes.
 * cb (may be NULL) hears of each, in update id order; *count is how many.
 * More than OW_MAX_SUPERSEDED_DECLINES decisions: OW_ELIMIT before any
 * decline. */
int catalog_decline_superseded(struct store *st, int dry_run, const char *principal,
			       catalog_superseded_cb cb, void *arg, long long *count,
			       struct ow_err *err) OW_WUR;

/* ---- cleanup ------------------------------------------------------------ */

/* What a removal did to a file. */
enum catalog_file_state {
	CATALOG_FILE_REMOVED = 0,
	CATALOG_FILE_ABSENT,        /* nothing was there */
	CATALOG_FILE_SKIPPED,       /* not a regular file: left alone */
};

typedef int (*catalog_file_cb)(const char *sha1, const char *ext, int64_t mtime, void *arg);

/* The content directory as cleanup sees it. The catalog does not own files:
 * the caller wires these to content/sweep.h. sha1 is upper-case hex, ext
 * lower case. */
struct catalog_content_fs {
	/* Removes content/XX/<sha1>.<ext> if it is a regular file. */
	int (*remove)(void *ctx, const char *sha1, const char *ext, enum catalog_file_state *state,
		      struct ow_err *err);
	/* Calls cb for every regular, grammar-named file under content/XX/;
	 * cb may remove the file it is given; a non-zero cb value stops the
	 * scan and is returned. */
	int (*scan)(void *ctx, catalog_file_cb cb, void *cbarg, struct ow_err *err);
	void *ctx;
};

struct catalog_cleanup_opts {
	int revisions;                       /* remove unused revisions */
	int computers;                       /* remove stale computers */
	int content;                         /* remove unneeded content and orphan files */
	int computer_days;                   /* 1..36500 */
	long batch;                          /* rows per transaction, 1..OW_MAX_CLEANUP_BATCH */
	int dry_run;                         /* count only, change nothing */
	const char *principal;               /* of the summary audit entry */
	const struct catalog_content_fs *fs; /* required with content */
	int64_t now;                         /* Unix seconds; 0: the current time */
	const volatile sig_atomic_t *stop;   /* may be NULL; set: stop after this batch */
	/* May be NULL: called after every batch with the phase ("revisions",
	 * "computers", "content", "unlink-queue", "orphans"), the rows or files
	 * of the batch and the phase's total so far. */
	void (*progress)(void *arg, const char *phase, long long batch, long long total);
	void *progress_arg;
};

struct catalog_cleanup_result {
	long long revisions;        /* deleted (dry run: would be) */
	long long computers;
	long long content_files;    /* content rows deleted, their files with them */
	long long content_bytes;
	long long queued;           /* unlink-queue entries of an interrupted run finished */
	long long orphans;          /* files without a row removed (dry run: would be) */
	long long orphans_recent;   /* files without a row kept: younger than the grace */
	long long skipped;          /* not regular files where content was: left alone */
	long long batches;          /* transactions that deleted rows */
	int interrupted;            /* *stop was seen: run again to continue */
};

/* Runs the selected parts in order revisions, computers, content (the
 * unlink queue, unneeded rows, then orphan files), in batches, and appends
 * one summary audit entry ("cleanup.run") unless dry_run -- also when a
 * part failed or the run was interrupted. Returns 0 (also when
 * interrupted: r->interrupted), OW_EINVAL for bad options, or the first
 * store or file error; the batches before it stay done. */
int catalog_cleanup(struct store *st, const struct catalog_cleanup_opts *o,
		    struct catalog_cleanup_result *r, struct ow_err *err) OW_WUR;

#endif
