/* SPDX-License-Identifier: MIT */
/*
 * Putting files into the content directory and checking them there. A file
 * appears under its name (content/name.h) only once it is complete, synced
 * and named by the digest of the very bytes written, so a crash or a failed
 * import never leaves a partial or misnamed file where clients can fetch it.
 */
#ifndef OW_CONTENT_IMPORT_H
#define OW_CONTENT_IMPORT_H

#include <stdint.h>

#include "base/err.h"
#include "content/name.h"

/* What content_import stored. sha256_hex is lower case. */
struct content_info {
	struct content_name name;
	char sha256_hex[65];
	uint64_t size;
	int existed;	/* 1: an identical file was already there */
};

/*
 * Copies the regular file src_path (a symlink to one is fine; directories,
 * devices and FIFOs are refused with OW_EIO) into content_dir, which must
 * exist, reading it once while computing SHA-1 and SHA-256:
 *
 *   1. into content_dir/.tmp/import.XXXXXX (.tmp made 0700 if absent),
 *      then fsync;
 *   2. content_dir/XX/ made 0755 if absent;
 *   3. renamed to content_dir/XX/<SHA1>.<ext> with mode 0644, then the
 *      directory is fsynced.
 *
 * ext is the text after the last '.' of src_path's base name, lower-cased,
 * when it is 1..OW_MAX_CONTENT_EXT characters of [A-Za-z0-9]; otherwise
 * "bin". When the target already exists with the same size, the copy is
 * discarded and out->existed is 1 (importing twice is a no-op); a target
 * of another size is damaged and gives OW_EEXIST (remove it, import again).
 * On any failure the temporary file is removed and nothing new is under
 * XX/. Returns 0 or an OW_E* code with err filled.
 */
int content_import(const char *content_dir, const char *src_path,
		   struct content_info *out, struct ow_err *err) OW_WUR;

/*
 * Re-reads content_dir/<name> and checks that its SHA-1 is the one in its
 * name and, when sha256_hex_or_null is not NULL, that its SHA-256 equals
 * those 64 hex digits (either case). Returns 0; OW_ENOENT if the file is
 * absent; OW_EINVAL on a mismatch or a malformed sha256_hex_or_null; OW_EIO
 * or OW_ECRYPTO when it cannot be read. err says which.
 */
/* The same, with the extension taken from ext_or_null (a file name such as
 * "setup.exe" or NULL for src_path's own) instead of the source's name:
 * for files that arrive under a temporary name. */
int content_import_ext(const char *content_dir, const char *src_path, const char *ext_or_null,
		       struct content_info *out, struct ow_err *err) OW_WUR;

/* The same from an open descriptor (read from its current offset, not
 * closed); src_path names it in messages and gives the extension when
 * ext_or_null is NULL. */
int content_import_fd(const char *content_dir, int src_fd, const char *src_path,
		      const char *ext_or_null, struct content_info *out,
		      struct ow_err *err) OW_WUR;

int content_verify(const char *content_dir, const struct content_name *name,
		   const char *sha256_hex_or_null, struct ow_err *err) OW_WUR;

#endif
