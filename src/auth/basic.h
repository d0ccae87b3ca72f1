/* SPDX-License-Identifier: MIT */
/*
 * HTTP Basic credentials (RFC 7617), as a browser or the CLI sends them to
 * the admin API over TLS:
 *
 *   Authorization: Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==
 *
 * which decodes to "alice:correct horse". Only the parsing lives here;
 * checking the password is auth_password_verify's job.
 */
#ifndef OW_AUTH_BASIC_H
#define OW_AUTH_BASIC_H

#include <stddef.h>

#include "base/err.h"
#include "base/limits.h"

/* Decoded credentials longer than this are refused unread. */
#define AUTH_BASIC_DECODED_MAX OW_MAX_BASIC_DECODED

/*
 * Parses the value of an Authorization header (without the field name):
 * the scheme "Basic" in any case, one or more spaces, then strict base64
 * (RFC 4648 alphabet, '=' padding to a multiple of 4, unused bits zero,
 * nothing after it) of "user:password". The credentials split at the first
 * ':', so the password may contain ':'. The user must be non-empty and free
 * of control characters (bytes below 0x20 and 0x7f); neither part may hold
 * a NUL byte. user gets ulen bytes at most and pass plen, NUL included.
 *
 * Returns 0, or OW_EINVAL for anything else (including credentials longer
 * than AUTH_BASIC_DECODED_MAX or a part that does not fit its buffer); then
 * user and pass hold empty strings. The decoded copy is wiped before
 * return; the caller owns pass and must wipe it after use.
 */
int auth_basic_parse(const char *header_value, char *user, size_t ulen, char *pass,
		     size_t plen) OW_WUR;

#endif
