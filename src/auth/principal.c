/* SPDX-License-Identifier: MIT */
/*
 * Principal name normal form and role names (see principal.h). The name
 * grammar is an allow-list of characters checked in one pass before any
 * byte is written, so a refused name leaves nothing behind.
 */
#include "auth/principal.h"

#include <string.h>

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

int auth_name_normalize(const char *in, char *out, size_t len)
{
	size_t n, seps = 0;

	if (out == NULL || len == 0)
		return OW_EINVAL;
	if (in == NULL)
		goto fail;
	n = strnlen(in, (size_t)AUTH_NAME_MAX + 1);
	if (n == 0 || n > AUTH_NAME_MAX || n >= len)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (name_char(in[i]))
			continue;
		if ((in[i] != '\\' && in[i] != '@') || i == 0 || i == n - 1 || ++seps > 1)
			goto fail;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = in[i] >= 'A' && in[i] <= 'Z' ? (char)(in[i] - 'A' + 'a') : in[i];
	out[n] = '\0';
	return 0;
fail:
	out[0] = '\0';
	return OW_EINVAL;
}

/* The names the config file and the admin API use, indexed by role. */
static const char *const role_names[] = {
	[AUTH_ROLE_NONE] = "none",
	[AUTH_ROLE_REPORTER] = "reporters",
	[AUTH_ROLE_ADMIN] = "administrators",
};

int auth_role_parse(const char *s)
{
	if (s == NULL)
		return OW_EINVAL;
	if (strcmp(s, role_names[AUTH_ROLE_ADMIN]) == 0)
		return AUTH_ROLE_ADMIN;
	if (strcmp(s, role_names[AUTH_ROLE_REPORTER]) == 0)
		return AUTH_ROLE_REPORTER;
	return OW_EINVAL;
}

const char *auth_role_name(enum auth_role role)
{
	if ((unsigned)role >= sizeof(role_names) / sizeof(role_names[0]))
		return "unknown";
	return role_names[role];
}
