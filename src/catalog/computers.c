/* SPDX-License-Identifier: MIT */
/*
 * Computers as clients register them, and the server's identity clients
 * hold on to. With client-side targeting the group names a client sends
 * decide its groups (unknown names are ignored, groups it no longer names
 * are left; a computer naming no known group is in Unassigned Computers,
 * as WSUS does); with server-side
 * targeting an administrator assigns them and a new computer starts in
 * Unassigned Computers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/time.h"
#include "base/util.h"
#include "catalog/catalog.h"

struct member_ctx {
	char (*ids)[37];
	size_t n, cap;
};

static int member_cb(const struct store_member_row *m, void *arg)
{
	struct member_ctx *c = arg;

	if (c->n < c->cap)
		memcpy(c->ids[c->n++], m->group_id, 37);
	return 0;
}

int catalog_computer_register(struct store *st, const char *computer_id, const char *name,
			      const char *os_description, const char *groups, int client_targeting,
			      struct ow_err *err)
{
	char named[OW_MAX_COOKIE_GROUPS / 2 + 1][37], now[OW_TIME_LEN];
	char have[64][37];
	struct member_ctx mc = { have, 0, 64 };
	size_t nnamed = 0;
	int rc;

	ow_time_format(ow_time_now(), now);
	if ((rc = store_computer_upsert(st, computer_id, name, os_description, now, err)) < 0)
		return rc;
	if (client_targeting && groups && *groups) {
		const char *p = groups;

		while (*p) {
			char gname[256];
			size_t n = strcspn(p, "\n");
			struct store_group_row g;
			struct ow_err ignored = { 0 };

			if (n > 0 && n < sizeof(gname) && nnamed < sizeof(named) / sizeof(named[0])) {
				memcpy(gname, p, n);
				gname[n] = '\0';
				if (catalog_group_find(st, gname, &g, &ignored) == 0 &&
				    strcmp(g.group_id, CATALOG_ALL_COMPUTERS) != 0)
					memcpy(named[nnamed++], g.group_id, 37);
			}
			p += n;
			if (*p == '\n')
				p++;
		}
	}
	if ((rc = store_computer_groups(st, computer_id, member_cb, &mc, err)) < 0)
		return rc;
	if (nnamed > 0) {
		/* The groups the client names now, and none it stopped naming. */
		for (size_t i = 0; i < nnamed; i++)
			if ((rc = store_member_set(st, computer_id, named[i], 1, err)) < 0)
				return rc;
		for (size_t k = 0; k < mc.n; k++) {
			int keep = 0;

			for (size_t i = 0; i < nnamed && !keep; i++)
				keep = strcmp(have[k], named[i]) == 0;
			if (!keep && (rc = store_member_set(st, computer_id, have[k], 0, err)) < 0)
				return rc;
		}
		return 0;
	}
	if (client_targeting && groups && *groups) {
		/* It names groups, none known: Unassigned Computers only. */
		for (size_t k = 0; k < mc.n; k++)
			if (strcmp(have[k], CATALOG_UNASSIGNED) != 0 &&
			    (rc = store_member_set(st, computer_id, have[k], 0, err)) < 0)
				return rc;
		return store_member_set(st, computer_id, CATALOG_UNASSIGNED, 1, err);
	}
	if (mc.n == 0)
		return store_member_set(st, computer_id, CATALOG_UNASSIGNED, 1, err);
	return 0;
}

int catalog_server_identity(struct store *st, uint64_t *epoch, int64_t *since, struct ow_err *err)
{
	char id[64], created[64];
	uint64_t e = 0;
	int rc;

	if ((rc = store_meta_get(st, "server_id", id, sizeof(id), err)) < 0)
		return rc;
	/* The epoch is the server id's first 16 hex digits: a client cookie
	 * from another server (or a re-initialized one) is ServerChanged. */
	for (int i = 0, k = 0; id[i] && k < 16; i++) {
		char c = id[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0)
			continue;
		e = e << 4 | (uint64_t)v;
		k++;
	}
	*epoch = e;
	*since = 0;
	if (store_meta_get(st, "created_at", created, sizeof(created), NULL) == 0) {
		created[19] = '\0'; /* drop milliseconds: "YYYY-MM-DDTHH:MM:SS" */
		if (ow_time_parse(strcat(created, "Z"), since) < 0)
			*since = 0;
	}
	return 0;
}
