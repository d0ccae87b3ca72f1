/* SPDX-License-Identifier: MIT */
/*
 * Removing files from the content directory, for cleanup. Only names of the
 * content grammar (content/name.h) in the exact spelling content_import
 * gives them are touched -- content_dir/XX/<40 upper-case hex>.<lower-case
 * ext> -- and nothing else under content_dir is ever removed: not .tmp/,
 * not a lower-case twin, not a README someone left there.
 *
 * Nothing below content_dir is followed: XX directories are opened with
 * O_NOFOLLOW, files are examined with fstatat(AT_SYMLINK_NOFOLLOW) and
 * removed with unlinkat, so a symlink planted under content/ can never make
 * cleanup remove or even stat a file elsewhere. content_dir itself may be a
 * symlink the administrator made (content on another disk).
 *
 * Unlinks are not followed by a directory fsync: after a power loss a
 * removed file may come back, and cleanup treats it as an orphan again.
 */
#ifndef OW_CONTENT_SWEEP_H
#define OW_CONTENT_SWEEP_H

#include <stdint.h>

#include "base/err.h"
#include "content/name.h"

enum content_remove_result {
	CONTENT_REMOVED = 0,    /* it was a regular file and is gone */
	CONTENT_ABSENT,         /* nothing by that name (or no XX directory) */
	CONTENT_NOT_REGULAR,    /* a symlink, directory or device: left alone */
};

/* Removes content_dir/<name> if it is a regular file; *result says what
 * happened. Returns 0, OW_EINVAL for a name that is not valid (see
 * content_name_relpath), or OW_EIO when the directory cannot be opened or
 * the unlink fails (err says why). */
int content_remove(const char *content_dir, const struct content_name *name,
		   enum content_remove_result *result, struct ow_err *err) OW_WUR;

/* Called for each content file found; mtime is in Unix seconds. The
 * callback may remove the file it is given. Returns 0 to go on; any other
 * value stops the scan and is returned by content_scan. */
typedef int (*content_scan_cb)(const struct content_name *name, int64_t mtime, void *arg);

/*
 * Calls cb for every regular file content_dir/XX/<name> whose relative path
 * is a valid content name in canonical spelling. Entries of content_dir
 * that are not two upper-case hex digits, XX entries that are symlinks or
 * not directories, and files that are symlinks, not regular or not named by
 * the grammar are skipped without being opened. A missing content_dir is
 * empty. Entries removed while the scan runs may or may not be reported
 * again (readdir); a caller must tolerate CONTENT_ABSENT. Returns 0, the
 * callback's stop value, or OW_EIO.
 */
int content_scan(const char *content_dir, content_scan_cb cb, void *arg,
		 struct ow_err *err) OW_WUR;

#endif
