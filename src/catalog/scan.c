/* SPDX-License-Identifier: MIT */
/*
 * The scan index and SyncUpdates (see scan.h). Loading reads three lists
 * from the store (latest revisions, their relations, approvals) and turns
 * every update id into an index once, so that a request walks arrays of
 * integers only. A request allocates a few arrays of one byte per revision;
 * nothing is shared or written between requests.
 */
#include "catalog/scan.h"

#include <stdlib.h>
#include <string.h>

#include "base/time.h"

/* One prerequisite of a revision: target is an index, or -1 when the
 * catalog does not hold the update (the prerequisite can never be met). */
struct ix_prereq {
	int32_t target;
	int32_t grp;
};

struct ix_appr {
	int group;
	enum catalog_action action;
	int64_t deadline;
	int apply_to_children;
	int64_t at;
};

struct ix_rev {
	struct catalog_rev pub;
	uint32_t prereq_off, prereq_n;
	uint32_t bundle_off, bundle_n;
	uint32_t cat_off, cat_n;
	uint32_t appr_off, appr_n;
	int64_t change_at;          /* latest approval change of it or of an update bundling it */
};

struct ix_update {
	const char *update_id;      /* points into revs */
	int32_t rev;
};

struct catalog_index {
	uint64_t generation;
	struct ix_rev *revs;
	size_t nrevs, caprevs;
	struct ix_update *byid;     /* sorted by update id */
	struct ix_prereq *prereq;
	size_t nprereq;
	int32_t *bundle;
	size_t nbundle;
	int32_t *cats;
	size_t ncats, capcats;
	struct ix_appr *appr;
	size_t nappr;
	int32_t *approved;          /* revisions with approvals, ascending */
	size_t napproved;
	char (*group_id)[37];
	int *parent;
	size_t ngroups;
};

/* ---- small helpers ---- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if ((q = realloc(*p, n * size)) == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static int64_t when(const char *s)
{
	int64_t t = 0;

	if (s == NULL || *s == '\0' || ow_time_parse(s, &t) < 0)
		return 0;
	return t;
}

static enum catalog_kind kind_of(const char *type)
{
	if (strcmp(type, "Category") == 0)
		return CATALOG_CATEGORY;
	if (strcmp(type, "Detectoid") == 0)
		return CATALOG_DETECTOID;
	if (strcmp(type, "Driver") == 0)
		return CATALOG_DRIVER;
	return CATALOG_SOFTWARE;
}

static int byid_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ix_update *)a)->update_id, ((const struct ix_update *)b)->update_id);
}

static int32_t find_update(const struct catalog_index *ix, const char *update_id)
{
	struct ix_update key = { update_id, 0 }, *hit;

	hit = bsearch(&key, ix->byid, ix->nrevs, sizeof(key), byid_cmp);
	return hit ? hit->rev : -1;
}

/* ---- loading ---- */

struct load {
	struct catalog_index *ix;
	struct ow_err *err;
	/* relations as read, resolved once every revision is known */
	struct raw_rel {
		int32_t rev;
		char kind;          /* 'p' prerequisite, 'b' bundled */
		int32_t grp;
		char related[37];
	} *rels;
	size_t nrels, caprels;
	char (*parent_id)[37];      /* per group, "" for the root */
};

static int rev_cb(const struct store_index_row *row, void *arg)
{
	struct load *l = arg;
	struct catalog_index *ix = l->ix;
	struct ix_rev *r;

	if (row->revision_id <= 0 || row->revision_id > CATALOG_MAX_REVISION_ID)
		return ow_err_set(l->err, OW_ELIMIT,
				  "revision id %lld is beyond what MS-WUSP's 32-bit ids can carry here",
				  row->revision_id);
	if (grow((void **)&ix->revs, &ix->caprevs, ix->nrevs + 1, sizeof(*ix->revs)) < 0)
		return ow_err_set(l->err, OW_ENOMEM, "out of memory loading the scan index");
	r = &ix->revs[ix->nrevs++];
	memset(r, 0, sizeof(*r));
	r->pub.revision_id = (int32_t)row->revision_id;
	memcpy(r->pub.update_id, row->update_id, sizeof(r->pub.update_id));
	r->pub.update_id[36] = '\0';
	r->pub.revision = row->revision;
	r->pub.kind = kind_of(row->type);
	r->pub.declined = row->declined;
	r->pub.imported = when(row->imported_at);
	r->pub.is_leaf = 1;
	return 0;
}

static long find_rev_id(const struct catalog_index *ix, int64_t id)
{
	size_t lo = 0, hi = ix->nrevs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->revs[mid].pub.revision_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->nrevs && ix->revs[lo].pub.revision_id == id ? (long)lo : -1;
}

static int rel_cb(const struct store_index_rel_row *row, void *arg)
{
	struct load *l = arg;
	struct raw_rel *x;
	long rev;
	char kind;

	if (strcmp(row->rel.kind, "prerequisite") == 0)
		kind = 'p';
	else if (strcmp(row->rel.kind, "bundled") == 0)
		kind = 'b';
	else
		return 0;
	if ((rev = find_rev_id(l->ix, row->revision_id)) < 0)
		return 0;
	if (grow((void **)&l->rels, &l->caprels, l->nrels + 1, sizeof(*l->rels)) < 0)
		return ow_err_set(l->err, OW_ENOMEM, "out of memory loading the scan index");
	x = &l->rels[l->nrels++];
	x->rev = (int32_t)rev;
	x->kind = kind;
	x->grp = row->rel.grp;
	memcpy(x->related, row->rel.related_id, sizeof(x->related));
	x->related[36] = '\0';
	return 0;
}

static int group_cb(const struct store_group_row *row, void *arg)
{
	struct load *l = arg;
	struct catalog_index *ix = l->ix;
	size_t n = ix->ngroups;
	void *p;

	if ((p = realloc(ix->group_id, (n + 1) * sizeof(*ix->group_id))) == NULL)
		return ow_err_set(l->err, OW_ENOMEM, "out of memory loading the scan index");
	ix->group_id = p;
	if ((p = realloc(ix->parent, (n + 1) * sizeof(*ix->parent))) == NULL)
		return ow_err_set(l->err, OW_ENOMEM, "out of memory loading the scan index");
	ix->parent = p;
	if ((p = realloc(l->parent_id, (n + 1) * sizeof(*l->parent_id))) == NULL)
		return ow_err_set(l->err, OW_ENOMEM, "out of memory loading the scan index");
	l->parent_id = p;
	memcpy(ix->group_id[n], row->group_id, 37);
	ix->group_id[n][36] = '\0';
	memcpy(l->parent_id[n], row->parent_id, 37);
	l->parent_id[n][36] = '\0';
	ix->parent[n] = -1;
	ix->ngroups++;
	return 0;
}

struct appr_load {
	struct load *l;
	struct appr_raw {
		int32_t rev;
		struct ix_appr a;
	} *v;
	size_t n, cap;
};

static int appr_cb(const struct store_approval_row *row, void *arg)
{
	struct appr_load *al = arg;
	struct catalog_index *ix = al->l->ix;
	int32_t rev = find_update(ix, row->update_id);
	int g = catalog_index_group(ix, row->group_id), action = catalog_action_parse(row->action);
	struct appr_raw *x;

	if (rev < 0 || g < 0 || action < 0)
		return 0;
	if (grow((void **)&al->v, &al->cap, al->n + 1, sizeof(*al->v)) < 0)
		return ow_err_set(al->l->err, OW_ENOMEM, "out of memory loading the scan index");
	x = &al->v[al->n++];
	x->rev = rev;
	x->a.group = g;
	x->a.action = (enum catalog_action)action;
	x->a.deadline = when(row->deadline);
	x->a.apply_to_children = row->apply_to_children;
	x->a.at = when(row->approved_at);
	return 0;
}

static int appr_raw_cmp(const void *a, const void *b)
{
	const struct appr_raw *x = a, *y = b;

	return x->rev < y->rev ? -1 : x->rev > y->rev ? 1 : x->a.group - y->a.group;
}

/* Ancestor categories of revision i, transitively through the category
 * prerequisites of categories; state: 0 new, 1 in progress, 2 done. */
static int ancestry(struct catalog_index *ix, size_t i, unsigned char *state, int32_t **tmp,
		    size_t *tmpcap)
{
	struct ix_rev *r = &ix->revs[i];
	size_t start, n = 0;

	if (state[i] == 2)
		return 0;
	if (state[i] == 1)
		return 0; /* a cycle: its categories are found from the first visit */
	state[i] = 1;
	for (uint32_t k = 0; k < r->prereq_n; k++) {
		int32_t t = ix->prereq[r->prereq_off + k].target;

		if (t < 0 || ix->revs[t].pub.kind != CATALOG_CATEGORY)
			continue;
		if (ancestry(ix, (size_t)t, state, tmp, tmpcap) < 0)
			return -1;
	}
	/* Collect into tmp: the direct categories and theirs, without repeats. */
	for (uint32_t k = 0; k < r->prereq_n; k++) {
		int32_t t = ix->prereq[r->prereq_off + k].target;
		const struct ix_rev *c;

		if (t < 0 || ix->revs[t].pub.kind != CATALOG_CATEGORY)
			continue;
		c = &ix->revs[t];
		for (uint32_t j = 0; j <= c->cat_n; j++) {
			int32_t v = j < c->cat_n ? ix->cats[c->cat_off + j] : t;
			int seen = 0;

			for (size_t m = 0; m < n && !seen; m++)
				seen = (*tmp)[m] == v;
			if (seen || v == (int32_t)i)
				continue;
			if (grow((void **)tmp, tmpcap, n + 1, sizeof(**tmp)) < 0)
				return -1;
			(*tmp)[n++] = v;
		}
	}
	start = ix->ncats;
	if (grow((void **)&ix->cats, &ix->capcats, ix->ncats + n + 1, sizeof(*ix->cats)) < 0)
		return -1;
	if (n > 0)
		memcpy(ix->cats + start, *tmp, n * sizeof(**tmp));
	ix->ncats += n;
	r->cat_off = (uint32_t)start;
	r->cat_n = (uint32_t)n;
	state[i] = 2;
	return 0;
}

/* The update id lookup; approvals need it while they are read. */
static int build_byid(struct catalog_index *ix, struct ow_err *err)
{
	if ((ix->byid = calloc(ix->nrevs ? ix->nrevs : 1, sizeof(*ix->byid))) == NULL)
		return ow_err_set(err, OW_ENOMEM, "out of memory building the scan index");
	for (size_t i = 0; i < ix->nrevs; i++) {
		ix->byid[i].update_id = ix->revs[i].pub.update_id;
		ix->byid[i].rev = (int32_t)i;
	}
	if (ix->nrevs > 0)
		qsort(ix->byid, ix->nrevs, sizeof(*ix->byid), byid_cmp);
	return 0;
}

static int build(struct load *l, struct appr_load *al)
{
	struct catalog_index *ix = l->ix;
	size_t np = 0, nb = 0;
	unsigned char *state = NULL;
	int32_t *tmp = NULL;
	size_t tmpcap = 0;
	int rc = 0;

	/* Relations: rows arrive grouped by revision, in revision order. */
	for (size_t k = 0; k < l->nrels; k++)
		l->rels[k].kind == 'p' ? np++ : nb++;
	ix->prereq = calloc(np ? np : 1, sizeof(*ix->prereq));
	ix->bundle = calloc(nb ? nb : 1, sizeof(*ix->bundle));
	if (ix->prereq == NULL || ix->bundle == NULL)
		return ow_err_set(l->err, OW_ENOMEM, "out of memory building the scan index");
	for (size_t k = 0; k < l->nrels; k++) {
		struct raw_rel *x = &l->rels[k];
		struct ix_rev *r = &ix->revs[x->rev];
		int32_t t = find_update(ix, x->related);

		if (x->kind == 'p') {
			if (r->prereq_n == 0)
				r->prereq_off = (uint32_t)ix->nprereq;
			ix->prereq[ix->nprereq].target = t;
			ix->prereq[ix->nprereq].grp = x->grp;
			ix->nprereq++;
			r->prereq_n++;
			if (t >= 0)
				ix->revs[t].pub.is_leaf = 0;
		} else if (t >= 0) {
			if (r->bundle_n == 0)
				r->bundle_off = (uint32_t)ix->nbundle;
			ix->bundle[ix->nbundle++] = t;
			r->bundle_n++;
		}
	}

	/* Category ancestry. */
	if ((state = calloc(ix->nrevs ? ix->nrevs : 1, 1)) == NULL)
		return ow_err_set(l->err, OW_ENOMEM, "out of memory building the scan index");
	for (size_t i = 0; i < ix->nrevs && rc == 0; i++)
		if (ancestry(ix, i, state, &tmp, &tmpcap) < 0)
			rc = ow_err_set(l->err, OW_ENOMEM, "out of memory building the scan index");
	free(state);
	free(tmp);
	if (rc < 0)
		return rc;

	/* Approvals, grouped by revision. */
	if (al->n > 0)
		qsort(al->v, al->n, sizeof(*al->v), appr_raw_cmp);
	ix->appr = calloc(al->n ? al->n : 1, sizeof(*ix->appr));
	ix->approved = calloc(al->n ? al->n : 1, sizeof(*ix->approved));
	if (ix->appr == NULL || ix->approved == NULL)
		return ow_err_set(l->err, OW_ENOMEM, "out of memory building the scan index");
	for (size_t k = 0; k < al->n; k++) {
		struct ix_rev *r = &ix->revs[al->v[k].rev];

		if (r->appr_n == 0) {
			r->appr_off = (uint32_t)ix->nappr;
			ix->approved[ix->napproved++] = al->v[k].rev;
		}
		ix->appr[ix->nappr++] = al->v[k].a;
		r->appr_n++;
		if (al->v[k].a.at > r->change_at)
			r->change_at = al->v[k].a.at;
	}
	/* A bundled update's deployment follows its bundle's approvals. */
	for (size_t k = 0; k < ix->napproved; k++) {
		const struct ix_rev *r = &ix->revs[ix->approved[k]];

		for (uint32_t j = 0; j < r->bundle_n; j++) {
			struct ix_rev *c = &ix->revs[ix->bundle[r->bundle_off + j]];

			if (r->change_at > c->change_at)
				c->change_at = r->change_at;
		}
	}
	return 0;
}

int catalog_index_load(struct store *st, uint64_t gen, struct catalog_index **out,
		       struct ow_err *err)
{
	struct catalog_index *ix;
	struct load l = { 0 };
	struct appr_load al = { 0 };
	int rc;

	*out = NULL;
	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return ow_err_set(err, OW_ENOMEM, "out of memory loading the scan index");
	ix->generation = gen;
	l.ix = ix;
	l.err = err;
	al.l = &l;
	if ((rc = store_index_revisions(st, rev_cb, &l, err)) < 0 ||
	    (rc = store_index_relations(st, rel_cb, &l, err)) < 0 ||
	    (rc = store_group_list(st, group_cb, &l, err)) < 0)
		goto done;
	for (size_t g = 0; g < ix->ngroups; g++)
		ix->parent[g] = l.parent_id[g][0] ? catalog_index_group(ix, l.parent_id[g]) : -1;
	if ((rc = build_byid(ix, err)) < 0 ||
	    (rc = store_approval_list(st, NULL, appr_cb, &al, err)) < 0 ||
	    (rc = build(&l, &al)) < 0)
		goto done;
done:
	free(l.rels);
	free(l.parent_id);
	free(al.v);
	if (rc < 0) {
		catalog_index_free(ix);
		return rc;
	}
	*out = ix;
	return 0;
}

void catalog_index_free(struct catalog_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->revs);
	free(ix->byid);
	free(ix->prereq);
	free(ix->bundle);
	free(ix->cats);
	free(ix->appr);
	free(ix->approved);
	free(ix->group_id);
	free(ix->parent);
	free(ix);
}

uint64_t catalog_index_generation(const struct catalog_index *ix)
{
	return ix->generation;
}

size_t catalog_index_size(const struct catalog_index *ix)
{
	return ix->nrevs;
}

const struct catalog_rev *catalog_index_rev(const struct catalog_index *ix, size_t i)
{
	return i < ix->nrevs ? &ix->revs[i].pub : NULL;
}

long catalog_index_find(const struct catalog_index *ix, int64_t revision_id)
{
	return find_rev_id(ix, revision_id);
}

long catalog_index_find_update(const struct catalog_index *ix, const char *update_id,
			       int revision)
{
	int32_t i = find_update(ix, update_id);

	return i >= 0 && ix->revs[i].pub.revision == revision ? (long)i : -1;
}

int catalog_index_group(const struct catalog_index *ix, const char *group_id)
{
	for (size_t g = 0; g < ix->ngroups; g++)
		if (strcmp(ix->group_id[g], group_id) == 0)
			return (int)g;
	return -1;
}

int catalog_generation(struct store *st, uint64_t *gen, struct ow_err *err)
{
	return store_generation(st, gen, err);
}

int catalog_deployed(const struct catalog_index *ix, size_t rev)
{
	const struct catalog_rev *r = &ix->revs[rev].pub;

	return !r->declined && r->kind != CATALOG_DRIVER;
}

/* ---- deployments ---- */

/* Per-request flags, one byte per revision. */
enum { IN_INSTALLED = 1, IN_CACHED = 2, IN_SCOPE = 4, IN_NEEDED = 8, IN_BUNDLED = 16,
       IN_FILTER = 32, IN_ANSWERED = 64 };


/* The decision of the computer's groups on revision rev; scratch holds
 * ngroups zeroed entries and is left zeroed. */
static void decide(const struct catalog_index *ix, const struct catalog_viewer *v, size_t rev,
		   struct catalog_group_approval *scratch, struct catalog_decision *d,
		   int64_t *at)
{
	const struct ix_rev *r = &ix->revs[rev];

	d->action = CATALOG_NONE;
	d->deadline = 0;
	d->group = -1;
	*at = 0;
	if (r->appr_n == 0 || v->nmember == 0)
		return;
	for (uint32_t k = 0; k < r->appr_n; k++) {
		const struct ix_appr *a = &ix->appr[r->appr_off + k];

		scratch[a->group].action = a->action;
		scratch[a->group].deadline = a->deadline;
		scratch[a->group].apply_to_children = a->apply_to_children;
	}
	if (catalog_resolve(ix->parent, scratch, ix->ngroups, v->member, v->nmember,
			    r->pub.declined, d) < 0)
		d->action = CATALOG_NONE;
	for (uint32_t k = 0; k < r->appr_n; k++) {
		const struct ix_appr *a = &ix->appr[r->appr_off + k];

		if ((int)a->group == d->group)
			*at = a->at;
		memset(&scratch[a->group], 0, sizeof(scratch[a->group]));
	}
}

static void offer_of(const struct catalog_index *ix, size_t rev, const struct catalog_decision *d,
		     int64_t at, int32_t bundled_by_at, struct catalog_offer *o)
{
	const struct ix_rev *r = &ix->revs[rev];
	int64_t evaluated = r->pub.imported > r->change_at ? r->pub.imported : r->change_at;

	memset(o, 0, sizeof(*o));
	o->rev = rev;
	if (d->action == CATALOG_INSTALL || d->action == CATALOG_UNINSTALL) {
		o->action = d->action == CATALOG_INSTALL ? CATALOG_DEPLOY_INSTALL : CATALOG_DEPLOY_UNINSTALL;
		o->deployment_id = r->pub.revision_id + (d->action == CATALOG_INSTALL ? 1 : 2) * (1 << 28);
		o->deadline = d->deadline;
		o->last_change = at ? at : evaluated;
	} else if (bundled_by_at >= 0) {
		o->action = CATALOG_DEPLOY_BUNDLE;
		o->deployment_id = r->pub.revision_id + 3 * (1 << 28);
		o->last_change = r->change_at ? r->change_at : evaluated;
	} else {
		o->action = CATALOG_EVALUATE;
		o->deployment_id = r->pub.revision_id;
		o->last_change = evaluated;
	}
}

/* Flags IN_BUNDLED on the revisions an Install-decided revision bundles. */
static void mark_bundled(const struct catalog_index *ix, const struct catalog_viewer *v,
			 struct catalog_group_approval *scratch, unsigned char *flags)
{
	for (size_t k = 0; k < ix->napproved; k++) {
		size_t i = (size_t)ix->approved[k];
		const struct ix_rev *r = &ix->revs[i];
		struct catalog_decision d;
		int64_t at;

		decide(ix, v, i, scratch, &d, &at);
		if (d.action != CATALOG_INSTALL)
			continue;
		for (uint32_t j = 0; j < r->bundle_n; j++)
			flags[ix->bundle[r->bundle_off + j]] |= IN_BUNDLED;
	}
}

void catalog_deployment(const struct catalog_index *ix, const struct catalog_viewer *v, size_t rev,
			struct catalog_offer *out)
{
	struct catalog_group_approval *scratch = calloc(ix->ngroups ? ix->ngroups : 1, sizeof(*scratch));
	struct catalog_decision d = { CATALOG_NONE, 0, -1 };
	int64_t at = 0;
	int bundled = 0;

	if (scratch != NULL) {
		decide(ix, v, rev, scratch, &d, &at);
		/* Bundled by an Install-approved update? */
		for (size_t k = 0; k < ix->napproved && !bundled; k++) {
			size_t i = (size_t)ix->approved[k];
			const struct ix_rev *r = &ix->revs[i];
			struct catalog_decision pd;
			int64_t pat;

			for (uint32_t j = 0; j < r->bundle_n && !bundled; j++) {
				if ((size_t)ix->bundle[r->bundle_off + j] != rev)
					continue;
				decide(ix, v, i, scratch, &pd, &pat);
				bundled = pd.action == CATALOG_INSTALL;
			}
		}
		free(scratch);
	}
	offer_of(ix, rev, &d, at, bundled ? 0 : -1, out);
}

/* ---- SyncUpdates ---- */

static int satisfied(const struct catalog_index *ix, const unsigned char *flags, size_t rev)
{
	const struct ix_rev *r = &ix->revs[rev];
	uint32_t k = 0;

	while (k < r->prereq_n) {
		const struct ix_prereq *p = &ix->prereq[r->prereq_off + k];

		if (p->grp == 0) {
			if (p->target < 0 || !(flags[p->target] & IN_INSTALLED))
				return 0;
			k++;
			continue;
		}
		/* One AtLeastOne group: consecutive rows with the same grp. */
		int32_t grp = p->grp;
		int met = 0;

		while (k < r->prereq_n && ix->prereq[r->prereq_off + k].grp == grp) {
			int32_t t = ix->prereq[r->prereq_off + k].target;

			met |= t >= 0 && (flags[t] & IN_INSTALLED);
			k++;
		}
		if (!met)
			return 0;
	}
	return 1;
}

/* With a category filter: the filter's categories, the revisions under
 * them, and, transitively, everything those need or bundle. */
static int filter_scope(const struct catalog_index *ix, const struct catalog_sync_query *q,
			unsigned char *flags)
{
	int32_t *stack;
	size_t n = 0;

	for (size_t f = 0; f < q->nfilter; f++) {
		int32_t c = find_update(ix, q->filter[f]);

		if (c >= 0)
			flags[c] |= IN_FILTER;
	}
	if ((stack = malloc((ix->nrevs ? ix->nrevs : 1) * sizeof(*stack))) == NULL)
		return -1;
	for (size_t i = 0; i < ix->nrevs; i++) {
		const struct ix_rev *r = &ix->revs[i];
		int in = (flags[i] & IN_FILTER) != 0;

		for (uint32_t k = 0; k < r->cat_n && !in; k++)
			in = (flags[ix->cats[r->cat_off + k]] & IN_FILTER) != 0;
		if (in && !(flags[i] & IN_SCOPE)) {
			flags[i] |= IN_SCOPE;
			stack[n++] = (int32_t)i;
		}
	}
	while (n > 0) {
		const struct ix_rev *r = &ix->revs[stack[--n]];

		for (uint32_t k = 0; k < r->prereq_n + r->bundle_n; k++) {
			int32_t t = k < r->prereq_n ? ix->prereq[r->prereq_off + k].target
						    : ix->bundle[r->bundle_off + k - r->prereq_n];

			if (t >= 0 && !(flags[t] & IN_SCOPE)) {
				flags[t] |= IN_SCOPE;
				stack[n++] = t;
			}
		}
	}
	free(stack);
	return 0;
}

static int push_id(int32_t **v, size_t *n, size_t *cap, int32_t id)
{
	if (grow((void **)v, cap, *n + 1, sizeof(**v)) < 0)
		return -1;
	(*v)[(*n)++] = id;
	return 0;
}

static int push_offer(const struct catalog_index *ix, const struct catalog_viewer *v,
		      struct catalog_group_approval *scratch, const unsigned char *flags, size_t i,
		      struct catalog_offer **arr, size_t *n, size_t *cap)
{
	struct catalog_decision d;
	int64_t at;

	if (grow((void **)arr, cap, *n + 1, sizeof(**arr)) < 0)
		return -1;
	decide(ix, v, i, scratch, &d, &at);
	offer_of(ix, i, &d, at, (flags[i] & IN_BUNDLED) ? 0 : -1, &(*arr)[(*n)++]);
	return 0;
}

/* A cached id the answer leaves out: out of scope, or, with a category
 * filter and a client that asks for the distinction, still deployed. */
static int out_of_scope(const struct catalog_index *ix, const struct catalog_sync_query *q,
			unsigned char *flags, int32_t id, struct catalog_sync_answer *a,
			size_t *capo, size_t *capd)
{
	long i = find_rev_id(ix, id);

	if (i >= 0) {
		if (flags[i] & (IN_NEEDED | IN_ANSWERED))
			return 0;
		flags[i] |= IN_ANSWERED;
		if (!q->driver_pass && q->nfilter > 0 && q->two_group_out_of_scope &&
		    catalog_deployed(ix, (size_t)i) && satisfied(ix, flags, (size_t)i))
			return push_id(&a->deployed_out_of_scope, &a->ndeployed_out_of_scope, capd, id);
	}
	return push_id(&a->out_of_scope, &a->nout_of_scope, capo, id);
}

int catalog_sync(const struct catalog_index *ix, const struct catalog_viewer *v,
		 const struct catalog_sync_query *q, struct catalog_sync_answer *out,
		 struct ow_err *err)
{
	unsigned char *flags = NULL;
	struct catalog_group_approval *scratch = NULL;
	size_t capu = 0, capc = 0, capo = 0, capd = 0;

	memset(out, 0, sizeof(*out));
	flags = calloc(ix->nrevs ? ix->nrevs : 1, 1);
	scratch = calloc(ix->ngroups ? ix->ngroups : 1, sizeof(*scratch));
	if (flags == NULL || scratch == NULL)
		goto nomem;

	/* What the client has; ids not ours go out of scope below. */
	for (size_t k = 0; k < q->ninstalled; k++) {
		long i = find_rev_id(ix, q->installed[k]);

		if (i >= 0)
			flags[i] |= IN_INSTALLED | IN_CACHED;
	}
	for (size_t k = 0; k < q->ncached; k++) {
		long i = find_rev_id(ix, q->cached[k]);

		if (i >= 0)
			flags[i] |= IN_CACHED;
	}
	/* The driver pass needs nothing: drivers are not matched. */
	if (!q->driver_pass) {
		if (q->nfilter > 0 && filter_scope(ix, q, flags) < 0)
			goto nomem;
		for (size_t i = 0; i < ix->nrevs; i++) {
			if (!catalog_deployed(ix, i) || (q->nfilter > 0 && !(flags[i] & IN_SCOPE)))
				continue;
			if (satisfied(ix, flags, i))
				flags[i] |= IN_NEEDED;
		}
		mark_bundled(ix, v, scratch, flags);
		/* New: needed and not cached; non-leaf first, each by revision id. */
		for (int leaf = 0; leaf <= 1 && !out->truncated; leaf++) {
			for (size_t i = 0; i < ix->nrevs; i++) {
				if ((flags[i] & (IN_NEEDED | IN_CACHED)) != IN_NEEDED ||
				    ix->revs[i].pub.is_leaf != leaf)
					continue;
				if (out->nupdates == q->page) {
					out->truncated = 1;
					break;
				}
				if (push_offer(ix, v, scratch, flags, i, &out->updates, &out->nupdates,
					       &capu) < 0)
					goto nomem;
			}
		}
		/* Changed: cached and needed, deployment changed since the mark. */
		for (size_t i = 0; i < ix->nrevs; i++) {
			const struct ix_rev *r = &ix->revs[i];

			if ((flags[i] & (IN_NEEDED | IN_CACHED)) != (IN_NEEDED | IN_CACHED) ||
			    r->change_at == 0 || r->change_at < q->since)
				continue;
			if (push_offer(ix, v, scratch, flags, i, &out->changed, &out->nchanged, &capc) < 0)
				goto nomem;
		}
		for (size_t k = 0; k < q->ninstalled; k++)
			if (out_of_scope(ix, q, flags, q->installed[k], out, &capo, &capd) < 0)
				goto nomem;
	}
	for (size_t k = 0; k < q->ncached; k++)
		if (out_of_scope(ix, q, flags, q->cached[k], out, &capo, &capd) < 0)
			goto nomem;
	free(flags);
	free(scratch);
	return 0;
nomem:
	free(flags);
	free(scratch);
	catalog_sync_release(out);
	return ow_err_set(err, OW_ENOMEM, "out of memory computing a scan");
}

void catalog_sync_release(struct catalog_sync_answer *a)
{
	if (a == NULL)
		return;
	free(a->updates);
	free(a->changed);
	free(a->out_of_scope);
	free(a->deployed_out_of_scope);
	memset(a, 0, sizeof(*a));
}
