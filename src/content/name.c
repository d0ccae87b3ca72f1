/* SPDX-License-Identifier: MIT */
/*
 * The content file name grammar (see name.h), checked one character at a
 * time against fixed positions: 2 hex, '/', 40 hex, '.', 1..8 alnum. No
 * decoding, no normalisation of path segments: a request either has this
 * exact shape or is refused.
 */
#include "content/name.h"

#include <string.h>

#include "crypto/digest.h"

/* Positions in "XX/" + 40 hex + "." + ext. */
enum {
	NAME_SLASH = 2,
	NAME_SHA1 = 3,
	NAME_DOT = NAME_SHA1 + 40,
	NAME_EXT = NAME_DOT + 1,
};

/* Upper-case value of a hex digit, or 0 if c is not one. */
static char hex_upper(char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))
		return c;
	if (c >= 'a' && c <= 'f')
		return (char)(c - 'a' + 'A');
	return 0;
}

/* Lower-case value of an [A-Za-z0-9] character, or 0 if c is not one. */
static char alnum_lower(char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
		return c;
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return 0;
}

/* Copies the n-character extension at ext into out lower-cased; 0 or -1. */
static int take_ext(const char *ext, size_t n, char out[OW_MAX_CONTENT_EXT + 1])
{
	if (n < 1 || n > OW_MAX_CONTENT_EXT)
		return -1;
	for (size_t i = 0; i < n; i++) {
		out[i] = alnum_lower(ext[i]);
		if (out[i] == 0)
			return -1;
	}
	out[n] = '\0';
	return 0;
}

int content_name_parse(const char *rel, size_t len, struct content_name *out)
{
	struct content_name nm;

	if (len < NAME_EXT + 1 || len > CONTENT_RELPATH_MAX)
		return OW_EINVAL;
	for (size_t i = 0; i < 2; i++) {
		nm.dir[i] = hex_upper(rel[i]);
		if (nm.dir[i] == 0)
			return OW_EINVAL;
	}
	nm.dir[2] = '\0';
	if (rel[NAME_SLASH] != '/')
		return OW_EINVAL;
	for (size_t i = 0; i < 40; i++) {
		nm.sha1[i] = hex_upper(rel[NAME_SHA1 + i]);
		if (nm.sha1[i] == 0)
			return OW_EINVAL;
	}
	nm.sha1[40] = '\0';
	if (rel[NAME_DOT] != '.')
		return OW_EINVAL;
	if (take_ext(rel + NAME_EXT, len - NAME_EXT, nm.ext) < 0)
		return OW_EINVAL;
	if (nm.dir[0] != nm.sha1[38] || nm.dir[1] != nm.sha1[39])
		return OW_EINVAL;
	*out = nm;
	return 0;
}

int content_name_from_digest(const unsigned char sha1[20], const char *ext,
			     struct content_name *out)
{
	struct content_name nm;
	size_t n = strnlen(ext, OW_MAX_CONTENT_EXT + 1);

	if (take_ext(ext, n, nm.ext) < 0)
		return OW_EINVAL;
	digest_hex(sha1, 20, nm.sha1, 1);
	nm.dir[0] = nm.sha1[38];
	nm.dir[1] = nm.sha1[39];
	nm.dir[2] = '\0';
	*out = nm;
	return 0;
}

/* The invariant of struct content_name, checked before a name becomes a
 * path, so a hand-filled or damaged struct cannot name another file. */
static int name_valid(const struct content_name *n)
{
	size_t ext_len = strnlen(n->ext, sizeof(n->ext));

	if (n->dir[2] != '\0' || n->sha1[40] != '\0' || ext_len == sizeof(n->ext))
		return 0;
	for (size_t i = 0; i < 40; i++)
		if (hex_upper(n->sha1[i]) != n->sha1[i] || n->sha1[i] == 0)
			return 0;
	if (n->dir[0] != n->sha1[38] || n->dir[1] != n->sha1[39])
		return 0;
	if (ext_len < 1)
		return 0;
	for (size_t i = 0; i < ext_len; i++)
		if (alnum_lower(n->ext[i]) != n->ext[i] || n->ext[i] == 0)
			return 0;
	return 1;
}

int content_name_relpath(const struct content_name *n, char *buf, size_t len)
{
	size_t ext_len;

	if (!name_valid(n))
		return OW_EINVAL;
	ext_len = strlen(n->ext);
	if (len < NAME_EXT + ext_len + 1)
		return OW_ELIMIT;
	memcpy(buf, n->dir, 2);
	buf[NAME_SLASH] = '/';
	memcpy(buf + NAME_SHA1, n->sha1, 40);
	buf[NAME_DOT] = '.';
	memcpy(buf + NAME_EXT, n->ext, ext_len + 1);
	return 0;
}
