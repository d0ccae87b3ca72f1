/* SPDX-License-Identifier: MIT */
/*
 * Principal names and roles. A principal is a local account, a Kerberos
 * principal or a name mapped from a client certificate; all of them are
 * stored and compared in one normal form, so "CORP\Alice" and "corp\alice"
 * are the same person and a name never needs quoting in a log line, a
 * config file or a SQL parameter. Roles are the two WSUS groups.
 */
#ifndef OW_AUTH_PRINCIPAL_H
#define OW_AUTH_PRINCIPAL_H

#include <stddef.h>

#include "base/err.h"
#include "base/limits.h"

/* Longest normal name in characters; a buffer of AUTH_NAME_MAX + 1 bytes
 * always suffices for auth_name_normalize. */
#define AUTH_NAME_MAX OW_MAX_PRINCIPAL_NAME

/*
 * Writes the normal form of in to out (len bytes, NUL included): ASCII
 * letters lower-cased, nothing else changed. in must be 1..AUTH_NAME_MAX
 * characters of [A-Za-z0-9._-] with at most one separator in all, either
 * '\' (DOMAIN\name) or '@' (user@REALM), which may not be first or last.
 * in and out may be the same buffer.
 *
 * Returns 0, or OW_EINVAL for any other input or when out is too small;
 * then out holds an empty string (when len > 0).
 */
int auth_name_normalize(const char *in, char *out, size_t len) OW_WUR;

/* The roles of WSUS: Reporters may read everything, Administrators may do
 * everything. Ordered: a larger value may do all that a smaller one may. */
enum auth_role {
	AUTH_ROLE_NONE,
	AUTH_ROLE_REPORTER,
	AUTH_ROLE_ADMIN,
};

/* Parses a role as written in the config file and the admin API:
 * exactly "administrators" or "reporters" (lower case). Returns the enum
 * auth_role value, or OW_EINVAL for anything else. */
int auth_role_parse(const char *s);

/* "administrators", "reporters" or "none"; "unknown" for a value outside
 * the enum. Never NULL, static storage. */
const char *auth_role_name(enum auth_role role);

#endif
