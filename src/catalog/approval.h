/* SPDX-License-Identifier: MIT */
/*
 * Which approval applies to one computer for one update, given the groups
 * it belongs to. WSUS's rules:
 *   - the most specific group wins: a group's own approval beats one it
 *     inherits from an ancestor (only approvals set to apply to children
 *     are inherited; the nearest such ancestor counts);
 *   - across the computer's groups, Install wins over Uninstall, and either
 *     wins over NotApproved or no approval;
 *   - among the winning approvals a deadline wins over none, and the
 *     earliest deadline wins;
 *   - a declined update is declined for every computer.
 * Pure computation over arrays; the catalog loads them from the store.
 */
#ifndef OW_CATALOG_APPROVAL_H
#define OW_CATALOG_APPROVAL_H

#include <stddef.h>
#include <stdint.h>

enum catalog_action {
	CATALOG_NONE = 0,        /* no approval anywhere */
	CATALOG_NOTAPPROVED,
	CATALOG_UNINSTALL,
	CATALOG_INSTALL,
	CATALOG_DECLINED,
};

struct catalog_group_approval {
	enum catalog_action action;  /* CATALOG_NONE: the group has no approval of its own */
	int64_t deadline;            /* Unix seconds, 0 for none */
	int apply_to_children;
};

struct catalog_decision {
	enum catalog_action action;
	int64_t deadline;            /* 0 for none */
	int group;                   /* index of the group whose approval decided, -1 if none */
};

/* parent[i] is the index of group i's parent (-1 for the root); appr[i] its
 * own approval; member[] the groups the computer belongs to. Returns 0, or
 * -1 if an index is out of range (the tree is walked at most ngroups steps,
 * so a cycle cannot loop). */
int catalog_resolve(const int *parent, const struct catalog_group_approval *appr, size_t ngroups,
		    const int *member, size_t nmember, int declined, struct catalog_decision *out);

/* "install", "uninstall", "notapproved", "declined" or "none". */
const char *catalog_action_name(enum catalog_action a);
/* Parses the first three of those; -1 for anything else. */
int catalog_action_parse(const char *s);

#endif
