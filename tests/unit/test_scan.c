/* SPDX-License-Identifier: MIT */
/*
 * The scan index and SyncUpdates rules (catalog/scan.h) over a real SQLite
 * store filled the way the server fills it: generated upd:Update documents
 * imported with catalog_import_xml, approvals with catalog_approve,
 * declines with catalog_decline, groups with catalog_group_add.
 *
 * The catalog of every case:
 *   1 company category          (no prerequisites)
 *   2 product category          prerequisite: AtLeastOne IsCategory {1}
 *   3 detectoid                 (no prerequisites)
 *   4 software update           prerequisites: 3, and AtLeastOne IsCategory {2}
 *   5 software update           prerequisite: AtLeastOne {3, 99 (not in the catalog)}
 *   6 bundle                    bundles 7; AtLeastOne IsCategory {2}
 *   7 bundled update            (no prerequisites)
 *   8 declined software update  (no prerequisites)
 *   9 driver                    (no prerequisites)
 *  10 software update           prerequisite: 99 (never met)
 * Every update says it can be uninstalled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/time.h"
#include "catalog/catalog.h"
#include "catalog/scan.h"
#include "check.h"
#include "store/store.h"

static char root[] = "/tmp/ow-test-scan-XXXXXX";
static struct store *st;

static const char *uid(int n)
{
	static char ids[8][37];
	static int next;
	char *b = ids[next++ % 8];

	snprintf(b, 37, "%08x-0000-4000-8000-%012x", (unsigned)n, (unsigned)n);
	return b;
}

/* prereq: a string of update numbers; "3,[2]" means 3 on its own and an
 * AtLeastOne IsCategory group {2}; "(3 99)" an AtLeastOne group {3, 99}. */
static int import(int n, int rev, const char *type, const char *prereq, int bundles)
{
	char doc[4096], rel[1024] = "";
	struct catalog_import_result r;
	struct ow_err err = { 0 };
	size_t o = 0;

	for (const char *p = prereq; p && *p;) {
		int a, b, used;

		if (sscanf(p, "[%d]%n", &a, &used) == 1)
			o += (size_t)snprintf(rel + o, sizeof(rel) - o,
					      "<upd:AtLeastOne IsCategory=\"true\"><upd:UpdateIdentity UpdateID=\"%s\" /></upd:AtLeastOne>",
					      uid(a));
		else if (sscanf(p, "(%d %d)%n", &a, &b, &used) == 2)
			o += (size_t)snprintf(rel + o, sizeof(rel) - o,
					      "<upd:AtLeastOne><upd:UpdateIdentity UpdateID=\"%s\" /><upd:UpdateIdentity UpdateID=\"%s\" /></upd:AtLeastOne>",
					      uid(a), uid(b));
		else if (sscanf(p, "%d%n", &a, &used) == 1)
			o += (size_t)snprintf(rel + o, sizeof(rel) - o,
					      "<upd:UpdateIdentity UpdateID=\"%s\" />", uid(a));
		else
			return -1;
		p += used;
		if (*p == ',')
			p++;
	}
	int len = snprintf(doc, sizeof(doc),
			   "<upd:Update xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\">"
			   "<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"%d\" />"
			   "<upd:Properties UpdateType=\"%s\"><upd:UninstallationBehavior /></upd:Properties>"
			   "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en"
			   "</upd:Language><upd:Title>Update %d</upd:Title></upd:LocalizedProperties>"
			   "</upd:LocalizedPropertiesCollection>"
			   "<upd:Relationships>%s%s%s%s%s%s</upd:Relationships></upd:Update>",
			   uid(n), rev, type, n, *rel ? "<upd:Prerequisites>" : "", rel,
			   *rel ? "</upd:Prerequisites>" : "", bundles ? "<upd:BundledUpdates><upd:UpdateIdentity UpdateID=\"" : "",
			   bundles ? uid(bundles) : "", bundles ? "\" RevisionNumber=\"1\" /></upd:BundledUpdates>" : "");
	if (catalog_import_xml(st, doc, (size_t)len, "test", &r, &err) < 0) {
		fprintf(stderr, "  import %d: %s\n", n, err.msg);
		return -1;
	}
	return 0;
}

static struct catalog_index *load(void)
{
	struct catalog_index *ix = NULL;
	struct ow_err err = { 0 };
	uint64_t gen = 0;

	if (catalog_generation(st, &gen, &err) < 0 || catalog_index_load(st, gen, &ix, &err) < 0)
		fprintf(stderr, "  load: %s\n", err.msg);
	return ix;
}

static int32_t rid(const struct catalog_index *ix, int n)
{
	for (size_t i = 0; i < catalog_index_size(ix); i++)
		if (strcmp(catalog_index_rev(ix, i)->update_id, uid(n)) == 0)
			return catalog_index_rev(ix, i)->revision_id;
	return -1;
}

/* The update numbers of an answer's offers, "1 3 7". */
static const char *numbers(const struct catalog_index *ix, const struct catalog_offer *o, size_t n)
{
	static char out[256];
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;

		sscanf(catalog_index_rev(ix, o[i].rev)->update_id, "%8x", &v);
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%u", i ? " " : "", v);
	}
	return out;
}

static int scan(const struct catalog_index *ix, const int *member, size_t nmember,
		const int32_t *inst, size_t ninst, const int32_t *cached, size_t ncached,
		const char (*filter)[37], size_t nfilter, size_t page, int64_t since,
		struct catalog_sync_answer *a)
{
	struct catalog_viewer v = { member, nmember };
	struct catalog_sync_query q = { inst, ninst, cached, ncached, filter, nfilter, 0, 1, since,
					page };
	struct ow_err err = { 0 };

	return catalog_sync(ix, &v, &q, a, &err);
}

static void build(void)
{
	struct ow_err err = { 0 };

	REQUIRE(import(1, 100, "Category", NULL, 0) == 0);
	REQUIRE(import(2, 100, "Category", "[1]", 0) == 0);
	REQUIRE(import(3, 100, "Detectoid", NULL, 0) == 0);
	REQUIRE(import(4, 200, "Software", "3,[2]", 0) == 0);
	REQUIRE(import(5, 200, "Software", "(3 99)", 0) == 0);
	REQUIRE(import(6, 200, "Software", "[2]", 7) == 0);
	REQUIRE(import(7, 1, "Software", NULL, 0) == 0);
	REQUIRE(import(8, 1, "Software", NULL, 0) == 0);
	REQUIRE(import(9, 1, "Driver", NULL, 0) == 0);
	REQUIRE(import(10, 1, "Software", "99", 0) == 0);
	/* An older revision of 4, kept until cleanup: never offered. */
	REQUIRE(import(4, 199, "Software", "3,[2]", 0) == 0);
	REQUIRE(catalog_decline(st, uid(8), 1, "test", &err) == 0);
}

static void test_index(void)
{
	struct catalog_index *ix = load();

	REQUIRE(ix != NULL);
	CHECK(catalog_index_size(ix) == 10);
	long i4 = catalog_index_find_update(ix, uid(4), 200);
	CHECK(i4 >= 0 && catalog_index_find_update(ix, uid(4), 199) == -1);
	CHECK(catalog_index_find(ix, rid(ix, 4)) == i4);
	CHECK(catalog_index_find(ix, 999999) == -1);
	/* Leaves: nothing names 4, 5, 6, 7 (bundled, not a prerequisite), 8, 9, 10. */
	int leaf[11] = { 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1 };
	for (int n = 1; n <= 10; n++) {
		const struct catalog_rev *r = catalog_index_rev(ix, (size_t)catalog_index_find(ix, rid(ix, n)));

		if (r->is_leaf != leaf[n]) {
			fprintf(stderr, "  update %d: is_leaf %d\n", n, r->is_leaf);
			check_failed_now = 1;
		}
	}
	CHECK(catalog_index_rev(ix, (size_t)catalog_index_find(ix, rid(ix, 8)))->declined);
	CHECK(catalog_index_rev(ix, (size_t)catalog_index_find(ix, rid(ix, 9)))->kind == CATALOG_DRIVER);
	CHECK(!catalog_deployed(ix, (size_t)catalog_index_find(ix, rid(ix, 8))));
	CHECK(!catalog_deployed(ix, (size_t)catalog_index_find(ix, rid(ix, 9))));
	catalog_index_free(ix);
}

static void test_rounds(void)
{
	struct catalog_index *ix = load();
	struct catalog_sync_answer a;
	int32_t inst[4], cached[16];

	REQUIRE(ix != NULL);
	/* Round 1, empty cache: what needs nothing; non-leaf first. Not the
	 * declined 8, the driver 9, nor 10 (its prerequisite is not ours). */
	REQUIRE(scan(ix, NULL, 0, NULL, 0, NULL, 0, NULL, 0, 100, 0, &a) == 0);
	CHECK_STR(numbers(ix, a.updates, a.nupdates), "1 3 7");
	CHECK(!a.truncated && a.nout_of_scope == 0 && a.nchanged == 0);
	for (size_t i = 0; i < a.nupdates; i++)
		CHECK(a.updates[i].action == CATALOG_EVALUATE &&
		      a.updates[i].deployment_id == catalog_index_rev(ix, a.updates[i].rev)->revision_id);
	catalog_sync_release(&a);

	/* Round 2: 1 and 3 installed, 7 cached: the product (2) and 5, whose
	 * AtLeastOne group is met by 3 alone. */
	inst[0] = rid(ix, 1);
	inst[1] = rid(ix, 3);
	cached[0] = rid(ix, 7);
	REQUIRE(scan(ix, NULL, 0, inst, 2, cached, 1, NULL, 0, 100, 0, &a) == 0);
	CHECK_STR(numbers(ix, a.updates, a.nupdates), "2 5");
	catalog_sync_release(&a);

	/* Round 3: 2 installed too: 4 (3 and category 2) and 6. */
	inst[2] = rid(ix, 2);
	cached[1] = rid(ix, 5);
	REQUIRE(scan(ix, NULL, 0, inst, 3, cached, 2, NULL, 0, 100, 0, &a) == 0);
	CHECK_STR(numbers(ix, a.updates, a.nupdates), "4 6");
	catalog_sync_release(&a);

	/* Round 4: everything cached: nothing new, nothing out of scope. */
	cached[2] = rid(ix, 4);
	cached[3] = rid(ix, 6);
	REQUIRE(scan(ix, NULL, 0, inst, 3, cached, 4, NULL, 0, 100, 0, &a) == 0);
	CHECK(a.nupdates == 0 && a.nout_of_scope == 0 && !a.truncated);
	catalog_sync_release(&a);

	/* Paging: one at a time, Truncated until the last. */
	REQUIRE(scan(ix, NULL, 0, NULL, 0, NULL, 0, NULL, 0, 2, 0, &a) == 0);
	CHECK_STR(numbers(ix, a.updates, a.nupdates), "1 3");
	CHECK(a.truncated);
	catalog_sync_release(&a);
	REQUIRE(scan(ix, NULL, 0, NULL, 0, NULL, 0, NULL, 0, 3, 0, &a) == 0);
	CHECK(a.nupdates == 3 && !a.truncated);
	catalog_sync_release(&a);
	catalog_index_free(ix);
}

static void test_out_of_scope(void)
{
	struct catalog_index *ix = load();
	struct catalog_sync_answer a;
	struct ow_err err = { 0 };
	int32_t inst[1], cached[4];

	REQUIRE(ix != NULL);
	/* A revision of an update since declined, an unknown id, and 2 cached
	 * while the category it needs (1) is no longer installed. */
	inst[0] = rid(ix, 3);
	cached[0] = rid(ix, 8);
	cached[1] = 777777;
	cached[2] = rid(ix, 2);
	cached[3] = rid(ix, 7);
	REQUIRE(scan(ix, NULL, 0, inst, 1, cached, 4, NULL, 0, 100, 0, &a) == 0);
	CHECK(a.nout_of_scope == 3);
	CHECK(a.nout_of_scope == 3 && a.out_of_scope[0] == rid(ix, 8) && a.out_of_scope[1] == 777777 &&
	      a.out_of_scope[2] == rid(ix, 2));
	catalog_sync_release(&a);

	(void)err;
	catalog_index_free(ix);
}

static void test_filter(void)
{
	struct catalog_index *ix = load();
	struct catalog_sync_answer a;
	char filter[1][37];
	int32_t inst[3], cached[1];

	REQUIRE(ix != NULL);
	/* Filtered by the product (2): the product, its company, and what is
	 * under it (4, 6) with their dependencies (3, bundled 7); not 5. */
	memcpy(filter[0], uid(2), 37);
	REQUIRE(scan(ix, NULL, 0, NULL, 0, NULL, 0, (const char (*)[37])filter, 1, 100, 0, &a) == 0);
	CHECK_STR(numbers(ix, a.updates, a.nupdates), "1 3 7");
	catalog_sync_release(&a);
	inst[0] = rid(ix, 1);
	inst[1] = rid(ix, 3);
	inst[2] = rid(ix, 2);
	/* 5 cached from an unfiltered scan: still deployed, only out of this
	 * scan's scope. */
	cached[0] = rid(ix, 5);
	REQUIRE(scan(ix, NULL, 0, inst, 3, cached, 1, (const char (*)[37])filter, 1, 100, 0, &a) == 0);
	CHECK_STR(numbers(ix, a.updates, a.nupdates), "4 6 7");
	CHECK(a.nout_of_scope == 0 && a.ndeployed_out_of_scope == 1 &&
	      a.deployed_out_of_scope[0] == rid(ix, 5));
	catalog_sync_release(&a);
	catalog_index_free(ix);
}

static void test_deployments(void)
{
	struct { char group_id[37]; } g;
	struct ow_err err = { 0 };
	struct catalog_sync_answer a;
	struct catalog_offer o;
	int32_t inst[3], cached[8];
	int64_t t0 = ow_time_now();

	REQUIRE(catalog_group_add(st, "Ring 1", NULL, "test", g.group_id, &err) == 0);
	REQUIRE(catalog_approve(st, uid(4), g.group_id, "install", "2031-01-02T03:04:05Z", 1, "test",
				&err) == 0);
	REQUIRE(catalog_approve(st, uid(6), CATALOG_ALL_COMPUTERS, "install", NULL, 1, "test", &err) == 0);
	REQUIRE(catalog_approve(st, uid(5), g.group_id, "uninstall", NULL, 1, "test", &err) == 0);
	struct catalog_index *ix = load();
	REQUIRE(ix != NULL);
	int ring = catalog_index_group(ix, g.group_id), unassigned = catalog_index_group(ix, CATALOG_UNASSIGNED);
	REQUIRE(ring >= 0 && unassigned >= 0);

	inst[0] = rid(ix, 1);
	inst[1] = rid(ix, 3);
	inst[2] = rid(ix, 2);
	REQUIRE(scan(ix, &ring, 1, inst, 3, NULL, 0, NULL, 0, 100, 0, &a) == 0);
	CHECK_STR(numbers(ix, a.updates, a.nupdates), "4 5 6 7");
	REQUIRE(a.nupdates == 4);
	CHECK(a.updates[0].action == CATALOG_DEPLOY_INSTALL);
	CHECK(a.updates[0].deadline > 0 && a.updates[0].deployment_id == rid(ix, 4) + (1 << 28));
	CHECK(a.updates[0].last_change >= t0 - 5);
	CHECK(a.updates[1].action == CATALOG_DEPLOY_UNINSTALL);
	CHECK(a.updates[2].action == CATALOG_DEPLOY_INSTALL && a.updates[2].deadline == 0);
	CHECK(a.updates[3].action == CATALOG_DEPLOY_BUNDLE &&
	      a.updates[3].deployment_id == rid(ix, 7) + (3 << 28));
	catalog_sync_release(&a);

	/* Another computer (Unassigned): 6 from All Computers, 4 and 5 evaluated. */
	REQUIRE(scan(ix, &unassigned, 1, inst, 3, NULL, 0, NULL, 0, 100, 0, &a) == 0);
	REQUIRE(a.nupdates == 4);
	CHECK(a.updates[0].action == CATALOG_EVALUATE && a.updates[1].action == CATALOG_EVALUATE);
	CHECK(a.updates[2].action == CATALOG_DEPLOY_INSTALL && a.updates[3].action == CATALOG_DEPLOY_BUNDLE);
	catalog_sync_release(&a);

	/* Changed: what the client caches and an approval changed since its
	 * mark; nothing when the mark is later than every approval. */
	cached[0] = rid(ix, 4);
	cached[1] = rid(ix, 5);
	cached[2] = rid(ix, 6);
	cached[3] = rid(ix, 7);
	REQUIRE(scan(ix, &ring, 1, inst, 3, cached, 4, NULL, 0, 100, t0 - 60, &a) == 0);
	CHECK(a.nupdates == 0);
	CHECK_STR(numbers(ix, a.changed, a.nchanged), "4 5 6 7");
	catalog_sync_release(&a);
	REQUIRE(scan(ix, &ring, 1, inst, 3, cached, 4, NULL, 0, 100, t0 + 3600, &a) == 0);
	CHECK(a.nchanged == 0);
	catalog_sync_release(&a);

	/* One revision's deployment (RefreshCache). */
	struct catalog_viewer v = { &ring, 1 };
	catalog_deployment(ix, &v, (size_t)catalog_index_find(ix, rid(ix, 7)), &o);
	CHECK(o.action == CATALOG_DEPLOY_BUNDLE);
	catalog_deployment(ix, &v, (size_t)catalog_index_find(ix, rid(ix, 3)), &o);
	CHECK(o.action == CATALOG_EVALUATE && o.deployment_id == rid(ix, 3));
	catalog_index_free(ix);

	/* The generation moves with every approval. */
	uint64_t g1 = 0, g2 = 0;
	REQUIRE(catalog_generation(st, &g1, &err) == 0);
	REQUIRE(catalog_approve(st, uid(4), g.group_id, "notapproved", NULL, 1, "test", &err) == 0);
	REQUIRE(catalog_generation(st, &g2, &err) == 0);
	CHECK(g2 > g1);
}

int main(void)
{
	struct ow_err err = { 0 };

	if (mkdtemp(root) == NULL || store_open("sqlite:store.db", root, &st, &err) < 0) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return 1;
	}
	RUN(build);
	RUN(test_index);
	RUN(test_rounds);
	RUN(test_out_of_scope);
	RUN(test_filter);
	RUN(test_deployments);
	store_close(st);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
	return check_done();
}
