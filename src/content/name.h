/* SPDX-License-Identifier: MIT */
/*
 * The content URL grammar. Update files are served and stored as
 *
 *   GET /Content/AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe
 *   <content dir>/AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe
 *
 * where the 40 hex digits are the file's SHA-1 and the directory is its last
 * two. content_name_parse is the only code that turns a request path into a
 * file name: it accepts exactly that shape and nothing else, so no request
 * can name a file outside the content directory.
 */
#ifndef OW_CONTENT_NAME_H
#define OW_CONTENT_NAME_H

#include <stddef.h>

#include "base/err.h"
#include "base/limits.h"

/* "XX/" + 40 hex + "." + ext, without the NUL. */
#define CONTENT_RELPATH_MAX (2 + 1 + 40 + 1 + OW_MAX_CONTENT_EXT)

/* A valid name, as only the functions below produce it: dir and sha1 are
 * upper-case hex, dir equals the last two digits of sha1, ext is 1 to
 * OW_MAX_CONTENT_EXT characters of [a-z0-9]. All NUL-terminated. */
struct content_name {
	char dir[3];
	char sha1[41];
	char ext[OW_MAX_CONTENT_EXT + 1];
};

/* Parses rel, the len bytes of a request path after "/Content/" (query
 * string already removed, no percent-decoding done), such as
 * "ab/2f88...ab.EXE". Hex digits may be of either case and are stored upper
 * case; the extension is stored lower case. Anything else -- a wrong
 * directory, another length, "%", "..", "\\", NUL, a second "/", trailing
 * bytes -- gives OW_EINVAL and leaves *out untouched. */
int content_name_parse(const char *rel, size_t len, struct content_name *out) OW_WUR;

/* Builds the name of a file whose SHA-1 is sha1 and extension ext
 * (NUL-terminated, 1..OW_MAX_CONTENT_EXT of [A-Za-z0-9], stored lower case).
 * Returns 0 or OW_EINVAL. */
int content_name_from_digest(const unsigned char sha1[20], const char *ext,
			     struct content_name *out) OW_WUR;

/* Writes "XX/<SHA1>.<ext>" and a NUL into buf (len >= CONTENT_RELPATH_MAX + 1
 * always suffices). Returns 0, OW_EINVAL if n is not a valid name, or
 * OW_ELIMIT if buf is too small. */
int content_name_relpath(const struct content_name *n, char *buf, size_t len) OW_WUR;

#endif
