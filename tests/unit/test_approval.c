/* SPDX-License-Identifier: MIT */
/* WSUS's approval conflict rules as a table: each row is a group tree, the
 * approvals on it, the computer's groups and the decision expected. */
#include "catalog/approval.h"
#include "check.h"

/* Group tree used by every row:
 *   0 All Computers
 *   1   Unassigned Computers
 *   2   Servers
 *   3     Web (child of Servers)
 *   4   Workstations
 */
static const int tree[5] = { -1, 0, 0, 2, 0 };

#define I CATALOG_INSTALL
#define U CATALOG_UNINSTALL
#define NA CATALOG_NOTAPPROVED
#define NO CATALOG_NONE
#define D CATALOG_DECLINED

struct row {
	const char *rule;
	struct catalog_group_approval appr[5];
	int member[3];
	int nmember;
	int declined;
	enum catalog_action want;
	int64_t want_deadline;
	int want_group;
};

static const struct row rows[] = {
	{ "no approval anywhere: none", { { 0 } }, { 3 }, 1, 0, NO, 0, -1 },
	{ "All Computers install reaches a nested group",
	  { [0] = { I, 0, 1 } }, { 3 }, 1, 0, I, 0, 0 },
	{ "approval not applied to children is not inherited",
	  { [2] = { I, 0, 0 } }, { 3 }, 1, 0, NO, 0, -1 },
	{ "...but holds for the group itself",
	  { [2] = { I, 0, 0 } }, { 2 }, 1, 0, I, 0, 2 },
	{ "...and inheritance skips it to a farther ancestor that applies",
	  { [0] = { U, 0, 1 }, [2] = { I, 0, 0 } }, { 3 }, 1, 0, U, 0, 0 },
	{ "most specific group wins: child NotApproved over parent Install",
	  { [2] = { I, 100, 1 }, [3] = { NA, 0, 1 } }, { 3 }, 1, 0, NA, 0, 3 },
	{ "most specific wins: child's later deadline over parent's earlier one",
	  { [2] = { I, 100, 1 }, [3] = { I, 500, 1 } }, { 3 }, 1, 0, I, 500, 3 },
	{ "install wins over uninstall across groups",
	  { [2] = { U, 0, 1 }, [4] = { I, 0, 1 } }, { 2, 4 }, 2, 0, I, 0, 4 },
	{ "install wins over uninstall whatever the order",
	  { [2] = { I, 0, 1 }, [4] = { U, 0, 1 } }, { 4, 2 }, 2, 0, I, 0, 2 },
	{ "uninstall wins over NotApproved",
	  { [2] = { NA, 0, 1 }, [4] = { U, 0, 1 } }, { 2, 4 }, 2, 0, U, 0, 4 },
	{ "a deadline wins over none",
	  { [2] = { I, 0, 1 }, [4] = { I, 700, 1 } }, { 2, 4 }, 2, 0, I, 700, 4 },
	{ "a deadline wins over none, other order",
	  { [2] = { I, 700, 1 }, [4] = { I, 0, 1 } }, { 2, 4 }, 2, 0, I, 700, 2 },
	{ "the earlier deadline wins",
	  { [2] = { I, 900, 1 }, [4] = { I, 300, 1 } }, { 2, 4 }, 2, 0, I, 300, 4 },
	{ "install without deadline beats uninstall with one",
	  { [2] = { U, 100, 1 }, [4] = { I, 0, 1 } }, { 2, 4 }, 2, 0, I, 0, 4 },
	{ "uninstall deadlines: earliest of the uninstalls",
	  { [2] = { U, 800, 1 }, [4] = { U, 200, 1 } }, { 2, 4 }, 2, 0, U, 200, 4 },
	{ "deadline of a losing action is ignored",
	  { [1] = { U, 50, 1 }, [2] = { I, 900, 1 } }, { 1, 2 }, 2, 0, I, 900, 2 },
	{ "decline beats everything",
	  { [0] = { I, 100, 1 } }, { 3 }, 1, 1, D, 0, -1 },
	{ "member of parent and child: parent's install and child's NotApproved give install",
	  { [2] = { I, 100, 1 }, [3] = { NA, 0, 1 } }, { 2, 3 }, 2, 0, I, 100, 2 },
	{ "no groups at all: none", { [0] = { I, 0, 1 } }, { 0 }, 0, 0, NO, 0, -1 },
};

static void test_rules_table(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct catalog_decision d;
		int rc = catalog_resolve(tree, r->appr, 5, r->member, (size_t)r->nmember, r->declined, &d);

		if (rc != 0 || d.action != r->want || d.deadline != r->want_deadline ||
		    d.group != r->want_group) {
			fprintf(stderr, "  rule '%s': got %s/%lld/%d want %s/%lld/%d\n", r->rule,
				catalog_action_name(d.action), (long long)d.deadline, d.group,
				catalog_action_name(r->want), (long long)r->want_deadline, r->want_group);
			check_failed_now = 1;
		}
	}
}

static void test_bad_index_and_cycle(void)
{
	int cyc[2] = { 1, 0 };
	struct catalog_group_approval a[2] = { { 0 } };
	struct catalog_decision d;
	int member = 0, bad = 7;

	CHECK(catalog_resolve(cyc, a, 2, &member, 1, 0, &d) == 0);
	CHECK(d.action == CATALOG_NONE);
	CHECK(catalog_resolve(tree, a, 2, &bad, 1, 0, &d) == -1);
}

static void test_action_names(void)
{
	CHECK(catalog_action_parse("install") == CATALOG_INSTALL);
	CHECK(catalog_action_parse("uninstall") == CATALOG_UNINSTALL);
	CHECK(catalog_action_parse("notapproved") == CATALOG_NOTAPPROVED);
	CHECK(catalog_action_parse("declined") == -1);
	CHECK(catalog_action_parse("Install") == -1);
	CHECK_STR(catalog_action_name(CATALOG_DECLINED), "declined");
}

int main(void)
{
	RUN(test_rules_table);
	RUN(test_bad_index_and_cycle);
	RUN(test_action_names);
	return check_done();
}
