/* SPDX-License-Identifier: MIT */
/*
 * What the scan path keeps between requests: the catalog's scan index
 * (catalog/scan.h) with every offered revision's Core fragment, as one
 * reference-counted snapshot per catalog generation, and the derived
 * fragments of each revision, made once and kept in the store.
 *
 * A request takes the current snapshot (one generation read from the
 * store: an approval made through any front end is seen by the next
 * request), uses it without locks and gives it back. When the generation
 * moved, the first request rebuilds the snapshot under the cache's mutex
 * while the others wait for it; the old one is freed when its last user
 * gives it back. The trade-off: one short store read per scan request, and
 * the cost of a rebuild (linear in the catalog) after each change.
 */
#ifndef OW_WUSP_CACHE_H
#define OW_WUSP_CACHE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "catalog/scan.h"
#include "wusp/fragments.h"

struct wusp_snapshot {
	struct catalog_index *ix;
	char **core;                /* per revision of ix: its Core fragment */
	size_t *core_len;
	unsigned refs;              /* guarded by the cache's mutex */
};

struct wusp_cache {
	pthread_mutex_t mu;
	struct wusp_snapshot *cur;
};

int wusp_cache_init(struct wusp_cache *c) OW_WUR;
void wusp_cache_release(struct wusp_cache *c);

/* The snapshot of the catalog's current generation, referenced: give it
 * back with wusp_cache_put. */
int wusp_cache_get(struct wusp_cache *c, struct store *st, struct wusp_snapshot **out,
		   struct ow_err *err) OW_WUR;
void wusp_cache_put(struct wusp_cache *c, struct wusp_snapshot *s);

/* Appends a fragment of a revision to out, deriving it from the stored
 * document and keeping it on first use. lang only for LocalizedProperties.
 * OW_ENOENT: no such revision, or no LocalizedProperties for lang. */
int wusp_fragment(struct store *st, long long revision_id, enum wusp_fragment type,
		  const char *lang, struct ow_buf *out, struct ow_err *err) OW_WUR;

/* The document's languages ("en,de"), kept like the fragments. */
int wusp_fragment_langs(struct store *st, long long revision_id, char *out, size_t outlen,
			struct ow_err *err) OW_WUR;

#endif
