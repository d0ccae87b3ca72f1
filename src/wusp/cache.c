/* SPDX-License-Identifier: MIT */
/* Scan snapshots and the fragment cache (see cache.h). */
#include "wusp/cache.h"

#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "catalog/catalog.h"

/* A derived fragment is never larger than its document. */
#define DOC_MAX OW_MAX_XML_BYTES

static const char *kind_name(enum wusp_fragment type)
{
	switch (type) {
	case WUSP_FRAG_CORE: return "core";
	case WUSP_FRAG_EXTENDED: return "extended";
	default: return "localized";
	}
}

int wusp_fragment(struct store *st, long long revision_id, enum wusp_fragment type,
		  const char *lang, struct ow_buf *out, struct ow_err *err)
{
	const char *kind = kind_name(type), *key = type == WUSP_FRAG_LOCALIZED ? lang : "";
	struct ow_buf doc, frag;
	size_t before = out->len;
	int rc;

	rc = catalog_fragment_get(st, revision_id, kind, key, out, err);
	if (rc != OW_ENOENT)
		return rc;
	out->len = before;
	ow_buf_init(&doc, DOC_MAX);
	ow_buf_init(&frag, DOC_MAX);
	if ((rc = catalog_revision_doc(st, revision_id, &doc, err)) == 0)
		rc = wusp_fragment_derive(doc.data, doc.len, type, lang, &frag, err);
	/* Kept once made; a document without this language stays uncached
	 * (the languages list answers that question first). */
	if (rc == 0)
		rc = catalog_fragment_put(st, revision_id, kind, key, frag.data ? frag.data : "",
					  frag.len, err);
	if (rc == 0)
		rc = ow_buf_add(out, frag.data ? frag.data : "", frag.len);
	ow_buf_release(&doc);
	ow_buf_release(&frag);
	return rc;
}

int wusp_fragment_langs(struct store *st, long long revision_id, char *out, size_t outlen,
			struct ow_err *err)
{
	struct ow_buf b, doc;
	int rc;

	ow_buf_init(&b, outlen);
	rc = catalog_fragment_get(st, revision_id, "languages", "", &b, err);
	if (rc == 0) {
		if (b.len >= outlen) {
			rc = ow_err_set(err, OW_ELIMIT, "language list too long");
		} else {
			memcpy(out, b.data ? b.data : "", b.len);
			out[b.len] = '\0';
		}
		ow_buf_release(&b);
		return rc;
	}
	ow_buf_release(&b);
	if (rc != OW_ENOENT)
		return rc;
	ow_buf_init(&doc, DOC_MAX);
	if ((rc = catalog_revision_doc(st, revision_id, &doc, err)) == 0 &&
	    (rc = wusp_fragment_languages(doc.data, doc.len, out, outlen, err)) == 0)
		rc = catalog_fragment_put(st, revision_id, "languages", "", out, strlen(out), err);
	ow_buf_release(&doc);
	return rc;
}

/* ---- snapshots ---- */

static void snapshot_free(struct wusp_snapshot *s)
{
	size_t n;

	if (s == NULL)
		return;
	n = s->ix ? catalog_index_size(s->ix) : 0;
	for (size_t i = 0; s->core && i < n; i++)
		free(s->core[i]);
	free(s->core);
	free(s->core_len);
	catalog_index_free(s->ix);
	free(s);
}

static int snapshot_load(struct store *st, uint64_t gen, struct wusp_snapshot **out,
			 struct ow_err *err)
{
	struct wusp_snapshot *s;
	struct ow_buf b;
	size_t n;
	int rc;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ow_err_set(err, OW_ENOMEM, "out of memory loading the scan snapshot");
	if ((rc = catalog_index_load(st, gen, &s->ix, err)) < 0) {
		free(s);
		return rc;
	}
	n = catalog_index_size(s->ix);
	s->core = calloc(n ? n : 1, sizeof(*s->core));
	s->core_len = calloc(n ? n : 1, sizeof(*s->core_len));
	if (s->core == NULL || s->core_len == NULL) {
		snapshot_free(s);
		return ow_err_set(err, OW_ENOMEM, "out of memory loading the scan snapshot");
	}
	for (size_t i = 0; i < n; i++) {
		const struct catalog_rev *r = catalog_index_rev(s->ix, i);

		if (!catalog_deployed(s->ix, i))
			continue;
		ow_buf_init(&b, DOC_MAX);
		rc = wusp_fragment(st, r->revision_id, WUSP_FRAG_CORE, NULL, &b, err);
		if (rc == 0 && (s->core[i] = malloc(b.len + 1)) == NULL)
			rc = ow_err_set(err, OW_ENOMEM, "out of memory loading the scan snapshot");
		if (rc == 0) {
			memcpy(s->core[i], b.data ? b.data : "", b.len);
			s->core[i][b.len] = '\0';
			s->core_len[i] = b.len;
		}
		ow_buf_release(&b);
		if (rc < 0) {
			snapshot_free(s);
			return rc;
		}
	}
	*out = s;
	return 0;
}

int wusp_cache_init(struct wusp_cache *c)
{
	memset(c, 0, sizeof(*c));
	return pthread_mutex_init(&c->mu, NULL) == 0 ? 0 : OW_ENOMEM;
}

void wusp_cache_release(struct wusp_cache *c)
{
	if (c->cur && --c->cur->refs == 0)
		snapshot_free(c->cur);
	c->cur = NULL;
	pthread_mutex_destroy(&c->mu);
}

int wusp_cache_get(struct wusp_cache *c, struct store *st, struct wusp_snapshot **out,
		   struct ow_err *err)
{
	struct wusp_snapshot *s = NULL, *old = NULL;
	uint64_t gen;
	int rc;

	*out = NULL;
	if ((rc = catalog_generation(st, &gen, err)) < 0)
		return rc;
	pthread_mutex_lock(&c->mu);
	if (c->cur == NULL || catalog_index_generation(c->cur->ix) != gen) {
		/* Built under the lock: concurrent requests wait for this one
		 * build instead of each making their own. */
		if ((rc = snapshot_load(st, gen, &s, err)) < 0) {
			pthread_mutex_unlock(&c->mu);
			return rc;
		}
		old = c->cur;
		s->refs = 1; /* the cache's own reference */
		c->cur = s;
		if (old && --old->refs == 0)
			snapshot_free(old);
	}
	c->cur->refs++;
	*out = c->cur;
	pthread_mutex_unlock(&c->mu);
	return 0;
}

void wusp_cache_put(struct wusp_cache *c, struct wusp_snapshot *s)
{
	int last;

	if (s == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	last = --s->refs == 0;
	pthread_mutex_unlock(&c->mu);
	if (last)
		snapshot_free(s);
}
