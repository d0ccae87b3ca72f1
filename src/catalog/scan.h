/* SPDX-License-Identifier: MIT */
/*
 * The scan index: an immutable in-memory snapshot of what the catalog
 * offers clients, and the MS-WUSP SyncUpdates rules computed over it
 * (MS-WUSP 3.1.5.7). A scan is answered from memory: the prerequisite
 * graph, leafness, category ancestry, bundles and approvals are resolved
 * once per catalog generation (store_generation), not once per request.
 *
 *   revisions    the latest revision of every update, by local revision id
 *   prerequisite r needs, for each group k of its prerequisites, one of the
 *                group's updates installed (grp 0: each on its own)
 *   leaf         no revision names r's update as a prerequisite
 *   ancestry     the categories r belongs to, transitively (a product's
 *                product family, its company)
 *
 * What a client is offered (NeededRevisions): every revision not declined
 * and not a driver (drivers are not matched: the driver pass is answered
 * with DriverSyncNotNeeded), restricted by a category filter when the
 * client sends one (the filter's categories, the updates under them and
 * everything those depend on), and of that whatever has its prerequisites
 * among the client's installed non-leaf revisions. Of those, the ones the
 * client does not cache are new; non-leaf ones first, so a client learns
 * categories and detectoids before the updates that need them.
 *
 * Deployments: an update approved (Install or Uninstall) for one of the
 * computer's groups, by catalog_resolve's rules, carries that approval;
 * an update bundled by an Install-approved one is "Bundle"; anything else
 * is "Evaluate" (scan and report, do not install). Deployment ids are
 * derived, stable and distinct: the revision id for Evaluate, plus
 * 1 << 28, 2 << 28 or 3 << 28 for Install, Uninstall and Bundle; local
 * revision ids must therefore stay below 1 << 28 (catalog_index_load
 * refuses a catalog beyond that).
 *
 * Thread safety: a loaded index is read-only; any number of threads may
 * compute over it at once.
 */
#ifndef OW_CATALOG_SCAN_H
#define OW_CATALOG_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "catalog/approval.h"
#include "store/store.h"

#define CATALOG_MAX_REVISION_ID ((1LL << 28) - 1)

enum catalog_kind {
	CATALOG_SOFTWARE,
	CATALOG_CATEGORY,
	CATALOG_DETECTOID,
	CATALOG_DRIVER,
};

/* A revision as the index knows it (read-only view). */
struct catalog_rev {
	int32_t revision_id;
	char update_id[37];
	int revision;
	enum catalog_kind kind;
	int is_leaf;
	int declined;
	int64_t imported;           /* Unix seconds */
};

struct catalog_index;

/* Builds the index from the store; *out is freed with catalog_index_free.
 * gen is the generation the caller read before loading (the index
 * describes at least that generation). */
int catalog_index_load(struct store *st, uint64_t gen, struct catalog_index **out,
		       struct ow_err *err) OW_WUR;
void catalog_index_free(struct catalog_index *ix);

uint64_t catalog_index_generation(const struct catalog_index *ix);
size_t catalog_index_size(const struct catalog_index *ix);
const struct catalog_rev *catalog_index_rev(const struct catalog_index *ix, size_t i);
/* The index of a revision id or an (update id, revision) pair; -1 when the
 * index does not hold it (unknown, or not the latest revision). */
long catalog_index_find(const struct catalog_index *ix, int64_t revision_id);
long catalog_index_find_update(const struct catalog_index *ix, const char *update_id,
			       int revision);
/* The index of a computer group by id; -1 when unknown. */
int catalog_index_group(const struct catalog_index *ix, const char *group_id);

/* The catalog's generation counter (store_generation). */
int catalog_generation(struct store *st, uint64_t *gen, struct ow_err *err) OW_WUR;

enum catalog_deploy { CATALOG_EVALUATE, CATALOG_DEPLOY_INSTALL, CATALOG_DEPLOY_UNINSTALL,
		      CATALOG_DEPLOY_BUNDLE };

struct catalog_offer {
	size_t rev;                 /* index into the index */
	enum catalog_deploy action;
	int32_t deployment_id;
	int64_t deadline;           /* Unix seconds, 0: none */
	int64_t last_change;        /* Unix seconds */
};

/* The computer a request is for: the indexes of its groups. */
struct catalog_viewer {
	const int *member;
	size_t nmember;
};

/* The deployment of revision rev for a computer (rev < catalog_index_size). */
void catalog_deployment(const struct catalog_index *ix, const struct catalog_viewer *v, size_t rev,
			struct catalog_offer *out);

/* A revision is deployed to clients (in scope at all): latest, not
 * declined, not a driver. */
int catalog_deployed(const struct catalog_index *ix, size_t rev);

struct catalog_sync_query {
	const int32_t *installed;   /* InstalledNonLeafUpdateIDs */
	size_t ninstalled;
	const int32_t *cached;      /* OtherCachedUpdateIDs (or CachedDriverIDs on the driver pass) */
	size_t ncached;
	const char (*filter)[37];   /* FilterCategoryIds, lower-case */
	size_t nfilter;
	int driver_pass;            /* SkipSoftwareSync */
	int two_group_out_of_scope; /* NeedTwoGroupOutOfScopeUpdates */
	int64_t since;              /* deployments changed at or after this are "changed" */
	size_t page;                /* at most this many new updates */
};

struct catalog_sync_answer {
	struct catalog_offer *updates;          /* NewUpdates, in answer order */
	size_t nupdates;
	struct catalog_offer *changed;          /* ChangedUpdates */
	size_t nchanged;
	int32_t *out_of_scope;
	size_t nout_of_scope;
	int32_t *deployed_out_of_scope;         /* set only with a filter and two_group_out_of_scope */
	size_t ndeployed_out_of_scope;
	int truncated;
};

/* Computes one SyncUpdates answer. Returns 0 or OW_ENOMEM; release the
 * answer with catalog_sync_release (also after a failure). */
int catalog_sync(const struct catalog_index *ix, const struct catalog_viewer *v,
		 const struct catalog_sync_query *q, struct catalog_sync_answer *out,
		 struct ow_err *err) OW_WUR;
void catalog_sync_release(struct catalog_sync_answer *a);

#endif
