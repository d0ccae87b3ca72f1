/* SPDX-License-Identifier: MIT */
/* WSUS's approval conflict rules (see approval.h). */
#include "catalog/approval.h"

#include <string.h>

/* The approval in force for group g: its own, else the nearest ancestor's
 * that applies to children. *from is the deciding group or -1. */
static int effective(const int *parent, const struct catalog_group_approval *appr, size_t n,
		     int g, struct catalog_group_approval *out, int *from)
{
	int cur = g;

	*from = -1;
	memset(out, 0, sizeof(*out));
	for (size_t steps = 0; cur >= 0 && steps <= n; steps++) {
		if ((size_t)cur >= n)
			return -1;
		if (appr[cur].action != CATALOG_NONE && (cur == g || appr[cur].apply_to_children)) {
			*out = appr[cur];
			*from = cur;
			return 0;
		}
		cur = parent[cur];
	}
	return 0;
}

static int rank(enum catalog_action a)
{
	switch (a) {
	case CATALOG_INSTALL: return 3;
	case CATALOG_UNINSTALL: return 2;
	case CATALOG_NOTAPPROVED: return 1;
	default: return 0;
	}
}

int catalog_resolve(const int *parent, const struct catalog_group_approval *appr, size_t ngroups,
		    const int *member, size_t nmember, int declined, struct catalog_decision *out)
{
	out->action = CATALOG_NONE;
	out->deadline = 0;
	out->group = -1;
	if (declined) {
		out->action = CATALOG_DECLINED;
		return 0;
	}
	for (size_t i = 0; i < nmember; i++) {
		struct catalog_group_approval e;
		int from;

		if (member[i] < 0 || effective(parent, appr, ngroups, member[i], &e, &from) < 0)
			return -1;
		if (from < 0)
			continue;
		if (rank(e.action) > rank(out->action)) {
			out->action = e.action;
			out->deadline = e.deadline;
			out->group = from;
		} else if (e.action == out->action && e.deadline != 0 &&
			   (out->deadline == 0 || e.deadline < out->deadline)) {
			out->deadline = e.deadline;
			out->group = from;
		}
	}
	return 0;
}

const char *catalog_action_name(enum catalog_action a)
{
	switch (a) {
	case CATALOG_NONE: return "none";
	case CATALOG_NOTAPPROVED: return "notapproved";
	case CATALOG_UNINSTALL: return "uninstall";
	case CATALOG_INSTALL: return "install";
	case CATALOG_DECLINED: return "declined";
	}
	return "none";
}

int catalog_action_parse(const char *s)
{
	if (strcmp(s, "install") == 0)
		return CATALOG_INSTALL;
	if (strcmp(s, "uninstall") == 0)
		return CATALOG_UNINSTALL;
	if (strcmp(s, "notapproved") == 0)
		return CATALOG_NOTAPPROVED;
	return -1;
}
