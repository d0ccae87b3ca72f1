/* SPDX-License-Identifier: MIT */
/*
 * The store: the only place that speaks SQL. Callers see functions named for
 * what they do; a backend (sqlite.c now, pg.c later) sits behind an ops
 * table chosen from the store URL ("sqlite:PATH" relative to the data
 * directory, or "postgresql://..."). Opening a store applies any pending
 * migration from src/store/schema/, each in its own transaction.
 *
 * A struct store is used by one thread at a time.
 */
#ifndef OW_STORE_STORE_H
#define OW_STORE_STORE_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct store;

/* ---- catalog rows (plain data, no ownership) ---------------------------- */

struct store_rel {
	const char *kind;            /* "prerequisite", "bundled", "supersedes" */
	const char *related_id;      /* lower-case GUID */
	int related_revision;        /* -1: none named */
	int grp;                     /* 0: on its own; k: k-th AtLeastOne group */
	int is_category;
};

struct store_file {
	const char *sha1, *sha256, *name, *modified, *origin;
	uint64_t size;
};

/* One update revision to record, with its original document. */
struct store_revision {
	const char *update_id;
	int revision;
	const char *type, *category_type, *title, *kb, *msrc_severity, *creation_date;
	int removable, deployable;
	const void *doc;
	size_t doc_len;
	const char *doc_sha256;     /* lower-case hex of doc */
	const struct store_rel *rels;
	size_t nrels;
	const struct store_file *files;
	size_t nfiles;
};

struct store_revision_row {
	long long revision_id;
	char update_id[37];
	int revision;
	char type[32];
	char category_type[32];
	char title[512];
	char kb[32];
	int removable;
	int deployable;
	int is_latest;              /* no newer revision of the update is kept */
};

struct store_rel_row {
	char kind[16];
	char related_id[37];
	int related_revision;
	int grp;
	int is_category;
};

struct store_group_row {
	char group_id[37];
	char name[256];
	char parent_id[37];         /* "" for All Computers */
};

struct store_approval_row {
	char update_id[37];
	char group_id[37];
	char action[16];            /* "install", "uninstall", "notapproved" */
	char deadline[40];          /* RFC 3339 UTC or "" */
	int apply_to_children;
	char approved_by[128];
	char approved_at[40];
};

struct store_audit_row {
	long long entry_id;
	char at[40];
	char principal[128];
	char action[64];
	char target[256];
	char detail[512];
};

struct store_decline_row {
	char update_id[37];
	char declined_by[128];
	char declined_at[40];
};

struct store_principal_row {
	char name[128];
	char role[16];              /* "administrators" or "reporters" */
	char password_hash[256];    /* "" for mapped principals */
	char kerberos[256];         /* "" when none */
	char cert_subject[512];     /* "" when none */
	char created_at[40];
	char last_used[40];         /* "" when never */
};

struct store_computer_row {
	char computer_id[64];
	char name[256];
	char os_description[256];
	char last_contact[40];
};

struct store_member_row {
	char computer_id[64];
	char group_id[37];
};

struct store_status_row {
	char computer_id[64];
	char update_id[37];
	char state[16];
	char last_event[40];
};

/* One supersedence the catalog states: the latest revision of update_id
 * names superseded_id in its SupersededUpdates, with the facts the
 * decline-superseded policy (catalog/cleanup.h) weighs. */
struct store_supersede_row {
	char update_id[37];              /* the newer, superseding update */
	char superseded_id[37];
	int update_declined;
	int update_install_groups;       /* groups with an Install approval of update_id */
	int superseded_known;            /* superseded_id has a revision in the catalog */
	int superseded_declined;
	int superseded_approval_groups;  /* groups with an Install or Uninstall approval of it */
};

/* A content file as cleanup deletes it: content/XX/<sha1>.<ext>. */
struct store_content_key {
	char sha1[41];                   /* upper-case hex */
	char ext[16];                    /* lower case, at most OW_MAX_CONTENT_EXT */
	long long size;                  /* -1 when not known (unlink queue) */
};

/* A content_file row: a file the store says content/ holds. */
struct store_content_row {
	char sha1[41];                   /* upper-case hex */
	char sha256[65];                 /* upper-case hex */
	long long size;
	char ext[16];
};

/* Iteration callbacks return 0 to go on, anything else to stop (that value
 * is returned by the listing function). */
typedef int (*store_content_cb)(const struct store_content_row *row, void *arg);
typedef int (*store_revision_cb)(const struct store_revision_row *row, void *arg);
typedef int (*store_rel_cb)(const struct store_rel_row *row, void *arg);
typedef int (*store_group_cb)(const struct store_group_row *row, void *arg);
typedef int (*store_approval_cb)(const struct store_approval_row *row, void *arg);
typedef int (*store_audit_cb)(const struct store_audit_row *row, void *arg);
typedef int (*store_decline_cb)(const struct store_decline_row *row, void *arg);
typedef int (*store_principal_cb)(const struct store_principal_row *row, void *arg);
typedef int (*store_computer_cb)(const struct store_computer_row *row, void *arg);
typedef int (*store_member_cb)(const struct store_member_row *row, void *arg);
typedef int (*store_status_cb)(const struct store_status_row *row, void *arg);
typedef int (*store_supersede_cb)(const struct store_supersede_row *row, void *arg);
struct store_origin_row;
struct store_publication_row;
typedef int (*store_origin_cb)(const struct store_origin_row *row, void *arg);
typedef int (*store_publication_cb)(const struct store_publication_row *row, void *arg);
struct store_index_row;
struct store_index_rel_row;
struct store_file_row;
struct store_event;
struct store_status_set;
struct store_event_row;
typedef int (*store_index_cb)(const struct store_index_row *row, void *arg);
typedef int (*store_index_rel_cb)(const struct store_index_rel_row *row, void *arg);
typedef int (*store_file_cb)(const struct store_file_row *row, void *arg);
typedef int (*store_event_cb)(const struct store_event_row *row, void *arg);

struct store_ops {
	const char *name;
	int (*open)(const char *url, const char *data_dir, struct store **out, struct ow_err *err);
	void (*close)(struct store *st);
	int (*version)(struct store *st, int *version, struct ow_err *err);
	int (*meta_get)(struct store *st, const char *key, char *value, size_t len,
			struct ow_err *err);
	int (*meta_set)(struct store *st, const char *key, const char *value, struct ow_err *err);
	int (*content_put)(struct store *st, const char *sha1, const char *sha256, uint64_t size,
			   const char *ext, int *inserted, struct ow_err *err);
	int (*content_count)(struct store *st, long long *count, struct ow_err *err);
	int (*revision_put)(struct store *st, const struct store_revision *rev, long long *revision_id,
			    int *inserted, struct ow_err *err);
	int (*revision_list)(struct store *st, const char *update_id, store_revision_cb cb, void *arg,
			     struct ow_err *err);
	int (*relation_list)(struct store *st, long long revision_id, store_rel_cb cb, void *arg,
			     struct ow_err *err);
	int (*group_add)(struct store *st, const char *group_id, const char *name, const char *parent_id,
			 struct ow_err *err);
	int (*group_list)(struct store *st, store_group_cb cb, void *arg, struct ow_err *err);
	int (*approval_set)(struct store *st, const struct store_approval_row *a, struct ow_err *err);
	int (*approval_list)(struct store *st, const char *update_id, store_approval_cb cb, void *arg,
			     struct ow_err *err);
	int (*decline_set)(struct store *st, const char *update_id, const char *by, int declined,
			   struct ow_err *err);
	int (*audit_add)(struct store *st, const char *principal, const char *action, const char *target,
			 const char *detail, struct ow_err *err);
	int (*audit_list)(struct store *st, store_audit_cb cb, void *arg, struct ow_err *err);
	int (*group_delete)(struct store *st, const char *group_id, struct ow_err *err);
	int (*decline_get)(struct store *st, const char *update_id, int *declined, struct ow_err *err);
	int (*decline_list)(struct store *st, store_decline_cb cb, void *arg, struct ow_err *err);
	int (*principal_add)(struct store *st, const struct store_principal_row *p, struct ow_err *err);
	int (*principal_find)(struct store *st, const char *field, const char *value,
			      struct store_principal_row *out, struct ow_err *err);
	int (*principal_list)(struct store *st, store_principal_cb cb, void *arg, struct ow_err *err);
	int (*principal_touch)(struct store *st, const char *name, struct ow_err *err);
	int (*computer_list)(struct store *st, store_computer_cb cb, void *arg, struct ow_err *err);
	int (*member_list)(struct store *st, store_member_cb cb, void *arg, struct ow_err *err);
	int (*member_set)(struct store *st, const char *computer_id, const char *group_id, int member,
			  struct ow_err *err);
	int (*status_list)(struct store *st, store_status_cb cb, void *arg, struct ow_err *err);
	int (*computer_upsert)(struct store *st, const char *computer_id, const char *name,
			       const char *os_description, const char *last_contact, struct ow_err *err);
	int (*supersede_list)(struct store *st, store_supersede_cb cb, void *arg, struct ow_err *err);
	int (*decline_audited)(struct store *st, const char *update_id, const char *principal,
			       const char *detail, int *changed, struct ow_err *err);
	int (*revision_old_count)(struct store *st, long long *count, struct ow_err *err);
	int (*revision_old_delete)(struct store *st, long limit, long long *deleted, struct ow_err *err);
	int (*computer_stale_count)(struct store *st, const char *before, long long *count,
				    struct ow_err *err);
	int (*computer_stale_delete)(struct store *st, const char *before, long limit,
				     long long *deleted, struct ow_err *err);
	int (*content_unneeded_count)(struct store *st, long long *count, long long *bytes,
				      struct ow_err *err);
	int (*content_unneeded_take)(struct store *st, long limit, struct store_content_key *keys,
				     size_t *n, struct ow_err *err);
	int (*content_unlink_list)(struct store *st, long limit, struct store_content_key *keys,
				   size_t *n, struct ow_err *err);
	int (*content_unlink_done)(struct store *st, const struct store_content_key *keys, size_t n,
				   struct ow_err *err);
	int (*content_known)(struct store *st, const char *sha1, int *known, struct ow_err *err);
	int (*content_each)(struct store *st, store_content_cb cb, void *arg, struct ow_err *err);
	int (*content_forget)(struct store *st, const char *sha1, int *removed, struct ow_err *err);
	int (*publication_add)(struct store *st, const char *update_id, int revision, const char *signer,
			       const void *sig, size_t sig_len, const char *by, struct ow_err *err);
	int (*origin_list)(struct store *st, store_origin_cb cb, void *arg, struct ow_err *err);
	int (*publication_list)(struct store *st, store_publication_cb cb, void *arg,
				struct ow_err *err);
	int (*audit_by_role)(struct store *st, const char *role, store_audit_cb cb, void *arg,
			     struct ow_err *err);
	int (*generation)(struct store *st, uint64_t *gen, struct ow_err *err);
	int (*index_revisions)(struct store *st, store_index_cb cb, void *arg, struct ow_err *err);
	int (*index_relations)(struct store *st, store_index_rel_cb cb, void *arg,
			       struct ow_err *err);
	int (*revision_doc)(struct store *st, long long revision_id, struct ow_buf *out,
			    struct ow_err *err);
	int (*fragment_get)(struct store *st, long long revision_id, const char *kind,
			    const char *lang, struct ow_buf *out, struct ow_err *err);
	int (*fragment_put)(struct store *st, long long revision_id, const char *kind,
			    const char *lang, const void *body, size_t len, struct ow_err *err);
	int (*revision_files)(struct store *st, long long revision_id, store_file_cb cb, void *arg,
			      struct ow_err *err);
	int (*content_get)(struct store *st, const char *sha1, char ext[16], long long *size,
			   struct ow_err *err);
	int (*computer_get)(struct store *st, const char *computer_id, struct store_computer_row *out,
			    struct ow_err *err);
	int (*computer_groups)(struct store *st, const char *computer_id, store_member_cb cb,
			       void *arg, struct ow_err *err);
	int (*report_batch)(struct store *st, const char *computer_id, const struct store_event *events,
			    size_t nevents, const struct store_status_set *sets, size_t nsets,
			    size_t *inserted, struct ow_err *err);
	int (*event_list)(struct store *st, const char *computer_id, store_event_cb cb, void *arg,
			  struct ow_err *err);
};

/* Opens (creating and migrating when needed) the store named by url. */
int store_open(const char *url, const char *data_dir, struct store **out, struct ow_err *err) OW_WUR;
void store_close(struct store *st);

/* Schema version after migrations (the highest applied). */
int store_version(struct store *st, int *version, struct ow_err *err) OW_WUR;

/* Server-wide key/value facts (server id, creation time). meta_get gives
 * OW_ENOENT for an absent key. */
int store_meta_get(struct store *st, const char *key, char *value, size_t len,
		   struct ow_err *err) OW_WUR;
int store_meta_set(struct store *st, const char *key, const char *value, struct ow_err *err) OW_WUR;

/* Records a content file (upper-case hex digests). *inserted is 0 when it
 * was already known with the same digests; a known SHA-1 with another
 * SHA-256 or size is OW_EEXIST. */
int store_content_put(struct store *st, const char *sha1, const char *sha256, uint64_t size,
		      const char *ext, int *inserted, struct ow_err *err) OW_WUR;
int store_content_count(struct store *st, long long *count, struct ow_err *err) OW_WUR;

/* Records one revision, its relations and files in one transaction. When
 * the same (update, revision) is already there with the same document,
 * *inserted is 0 and nothing changes; with another document it is
 * OW_EEXIST. Older revisions of the update are kept (cleanup removes them). */
int store_revision_put(struct store *st, const struct store_revision *rev, long long *revision_id,
		       int *inserted, struct ow_err *err) OW_WUR;

/* Revisions of update_id (NULL: all), by update id then revision. */
int store_revision_list(struct store *st, const char *update_id, store_revision_cb cb, void *arg,
			struct ow_err *err) OW_WUR;

/* Relations of one revision, in document order. */
int store_relation_list(struct store *st, long long revision_id, store_rel_cb cb, void *arg,
			struct ow_err *err) OW_WUR;

/* A computer group under parent_id. A name already used (in any case) is
 * OW_EEXIST; an unknown parent is OW_ENOENT. */
int store_group_add(struct store *st, const char *group_id, const char *name, const char *parent_id,
		    struct ow_err *err) OW_WUR;
int store_group_list(struct store *st, store_group_cb cb, void *arg, struct ow_err *err) OW_WUR;

/* Sets (replaces) the approval of an update for a group. */
int store_approval_set(struct store *st, const struct store_approval_row *a, struct ow_err *err) OW_WUR;
/* Approvals of update_id (NULL: all). */
int store_approval_list(struct store *st, const char *update_id, store_approval_cb cb, void *arg,
			struct ow_err *err) OW_WUR;
/* Declines (declined = 1) or un-declines an update for every group. */
int store_decline_set(struct store *st, const char *update_id, const char *by, int declined,
		      struct ow_err *err) OW_WUR;

int store_decline_get(struct store *st, const char *update_id, int *declined,
		      struct ow_err *err) OW_WUR;
int store_decline_list(struct store *st, store_decline_cb cb, void *arg, struct ow_err *err) OW_WUR;

/* Appends to the audit trail; lists it oldest first. */
int store_audit_add(struct store *st, const char *principal, const char *action, const char *target,
		    const char *detail, struct ow_err *err) OW_WUR;
int store_audit_list(struct store *st, store_audit_cb cb, void *arg, struct ow_err *err) OW_WUR;

/* Deletes a group that has no child group; the two built-in groups and
 * groups with children are OW_EPERM, an unknown one OW_ENOENT. */
int store_group_delete(struct store *st, const char *group_id, struct ow_err *err) OW_WUR;

/* Principals of the two security groups. "" fields are stored as NULL. A
 * name, Kerberos principal or subject already used is OW_EEXIST. */
int store_principal_add(struct store *st, const struct store_principal_row *p, struct ow_err *err) OW_WUR;
/* field is "name", "kerberos" or "cert_subject"; OW_ENOENT when none. */
int store_principal_find(struct store *st, const char *field, const char *value,
			 struct store_principal_row *out, struct ow_err *err) OW_WUR;
int store_principal_list(struct store *st, store_principal_cb cb, void *arg, struct ow_err *err) OW_WUR;
/* Records that a principal was just used (for the audit of idle accounts). */
int store_principal_touch(struct store *st, const char *name, struct ow_err *err) OW_WUR;

/* Computers, their group memberships and reported update states. */
int store_computer_list(struct store *st, store_computer_cb cb, void *arg, struct ow_err *err) OW_WUR;
int store_member_list(struct store *st, store_member_cb cb, void *arg, struct ow_err *err) OW_WUR;
/* Adds (member = 1) or removes a computer from a group (server-side targeting). */
int store_member_set(struct store *st, const char *computer_id, const char *group_id, int member,
		     struct ow_err *err) OW_WUR;
int store_status_list(struct store *st, store_status_cb cb, void *arg, struct ow_err *err) OW_WUR;

/* ---- cleanup (sqlite_cleanup.c; the policy is catalog/cleanup.h) ------- */

/* Registers a computer, or updates the name, OS and last contact of a known
 * one. last_contact is RFC 3339 (NULL or "": now), stored as UTC
 * "2026-11-24T10:00:00Z", the spelling the stale-computer selection
 * compares as text; another value is OW_EINVAL. */
int store_computer_upsert(struct store *st, const char *computer_id, const char *name,
			  const char *os_description, const char *last_contact,
			  struct ow_err *err) OW_WUR;

/* Every supersedence stated by the latest revision of an update, ordered by
 * superseded id, then superseding id. A document naming the same update
 * twice gives two rows. */
int store_supersede_list(struct store *st, store_supersede_cb cb, void *arg,
			 struct ow_err *err) OW_WUR;

/* Declines update_id (declined_by principal) and appends the audit entry
 * "update.decline" with detail, in one transaction. *changed is 0 when the
 * update was declined already; then nothing is written. */
int store_decline_audited(struct store *st, const char *update_id, const char *principal,
			  const char *detail, int *changed, struct ow_err *err) OW_WUR;

/* Revisions for which a newer revision of the same update is kept. delete
 * removes at most limit of them, lowest local id first, with their
 * relations and files (ON DELETE CASCADE: refused with OW_ESTORE when the
 * connection does not enforce foreign keys), in one transaction. */
int store_revision_old_count(struct store *st, long long *count, struct ow_err *err) OW_WUR;
int store_revision_old_delete(struct store *st, long limit, long long *deleted,
			      struct ow_err *err) OW_WUR;

/* Computers whose last contact is before `before` (RFC 3339 UTC). delete
 * removes at most limit of them, oldest first, with their group
 * memberships and reported states (cascade), in one transaction. */
int store_computer_stale_count(struct store *st, const char *before, long long *count,
			       struct ow_err *err) OW_WUR;
int store_computer_stale_delete(struct store *st, const char *before, long limit,
				long long *deleted, struct ow_err *err) OW_WUR;

/* Content no approved update needs. Needed updates: those with an Install
 * approval for any group and no decline, and, transitively, the updates
 * their latest revisions bundle. A content_file row is needed when its
 * SHA-1 is a file of the latest revision of a needed update; the others are
 * unneeded. count gives their number and total size. take, in one
 * transaction, deletes at most limit unneeded rows (lowest SHA-1 first) and
 * puts each in the unlink queue; keys (room for limit entries) and *n say
 * which. The caller unlinks the files, then drops the queue entries. */
int store_content_unneeded_count(struct store *st, long long *count, long long *bytes,
				 struct ow_err *err) OW_WUR;
int store_content_unneeded_take(struct store *st, long limit, struct store_content_key *keys,
				size_t *n, struct ow_err *err) OW_WUR;
/* The unlink queue: at most limit entries, oldest first (size -1), and
 * dropping entries in one transaction. */
int store_content_unlink_list(struct store *st, long limit, struct store_content_key *keys,
			      size_t *n, struct ow_err *err) OW_WUR;
int store_content_unlink_done(struct store *st, const struct store_content_key *keys, size_t n,
			      struct ow_err *err) OW_WUR;
/* Every content_file row, by SHA-1. */
int store_content_each(struct store *st, store_content_cb cb, void *arg, struct ow_err *err) OW_WUR;
/* Drops the row of a file that is gone or damaged (reset), in a new catalog
 * generation; *removed = 0 when there was none. */
int store_content_forget(struct store *st, const char *sha1, int *removed,
			 struct ow_err *err) OW_WUR;
/* *known = 1 when a content_file row records sha1 (any extension). */
int store_content_known(struct store *st, const char *sha1, int *known, struct ow_err *err) OW_WUR;

/* Records the publisher's signature of a locally published revision. */
int store_publication_add(struct store *st, const char *update_id, int revision, const char *signer,
			  const void *sig, size_t sig_len, const char *by, struct ow_err *err) OW_WUR;

/* Backends. */
extern const struct store_ops store_sqlite_ops;

/* Every store struct starts with this. */
struct store {
	const struct store_ops *ops;
};

/* ---- audit (sqlite_audit.c; the rules are audit/audit.h) -------------- */

/* A file of an update revision that names where it came from (OriginUri). */
struct store_origin_row {
	char update_id[37];
	int revision;
	char name[256];
	char origin[1024];          /* as the document states it; longer is cut */
};

/* A local publication and the size of the signature kept with it. */
struct store_publication_row {
	char update_id[37];
	int revision;
	char signer[512];
	long long signature_len;    /* bytes; 0 when the row carries none */
	char published_by[128];
	char published_at[40];
};

/* Every revision file with a non-empty origin, by update id, revision and
 * file name; no judgement is made here (catalog_origin_is_remote does). */
int store_origin_list(struct store *st, store_origin_cb cb, void *arg, struct ow_err *err) OW_WUR;
/* Every publication row, by update id and revision. */
int store_publication_list(struct store *st, store_publication_cb cb, void *arg,
			   struct ow_err *err) OW_WUR;
/* Audit-trail entries made by a principal that is now a member of role
 * ("reporters": changes WSUS Reporters must never have made), oldest first. */
int store_audit_by_role(struct store *st, const char *role, store_audit_cb cb, void *arg,
			struct ow_err *err) OW_WUR;

/* ---- MS-WUSP scan path (sqlite_scan.c) ---------------------------------- */

/*
 * A counter bumped by every change of what clients are offered, in the same
 * transaction as the change: revision_put when it inserts, approval_set,
 * decline_set and decline_audited when they change a decline, group_add,
 * group_delete, revision_old_delete when it deletes, content_put when it
 * inserts and content_unneeded_take when it deletes (FileLocations follow
 * content_file). Reads, the fragment cache, computers, memberships and
 * reported events leave it alone. Starts at 1. Anything derived from the
 * catalog is current while the counter is unchanged; each listing below is
 * one statement with one snapshot, so a caller combining two listings reads
 * the counter before and after and starts again when it moved.
 */
int store_generation(struct store *st, uint64_t *gen, struct ow_err *err) OW_WUR;

struct store_index_row {
	long long revision_id;
	char update_id[37];          /* lower-case GUID */
	int revision;
	char type[32];               /* update_revision.type as stored: "Software", "Category",
				      * "Detectoid", "Driver" */
	int declined;                /* a decline row exists for the update */
	char imported_at[40];        /* update_revision.imported_at */
};
/* Every latest revision (no newer revision of the same update is kept),
 * ordered by revision_id. */
int store_index_revisions(struct store *st, store_index_cb cb, void *arg,
			  struct ow_err *err) OW_WUR;

struct store_index_rel_row {
	long long revision_id;       /* the latest revision stating the relation */
	struct store_rel_row rel;    /* as store_relation_list gives it */
};
/* The relations of every latest revision, ordered by revision_id, then
 * document order (the order store_relation_list uses). */
int store_index_relations(struct store *st, store_index_rel_cb cb, void *arg,
			  struct ow_err *err) OW_WUR;

/* The original upd:Update document of a revision, appended to out (out's
 * ceiling applies: OW_ELIMIT, out unchanged). OW_ENOENT when no such
 * revision. */
int store_revision_doc(struct store *st, long long revision_id, struct ow_buf *out,
		       struct ow_err *err) OW_WUR;

/* Derived-fragment cache. kind: "core", "extended", "localized",
 * "languages"; lang "" (or NULL) except for "localized", which needs one;
 * another kind or a misplaced lang is OW_EINVAL. get appends the body to
 * out (ceiling as above); OW_ENOENT when not cached. put replaces;
 * OW_ENOENT when no such revision. A revision's document never changes, so
 * an entry is valid until the revision is deleted, which deletes it. */
int store_fragment_get(struct store *st, long long revision_id, const char *kind, const char *lang,
		       struct ow_buf *out, struct ow_err *err) OW_WUR;
int store_fragment_put(struct store *st, long long revision_id, const char *kind, const char *lang,
		       const void *body, size_t len, struct ow_err *err) OW_WUR;

struct store_file_row {
	char sha1[41];               /* upper-case hex, as revision_file stores it */
	char sha256[65];             /* upper-case hex, "" when the document gives none */
	char name[256];
	long long size;
	char ext[16];                /* content_file.ext for that SHA-1; "" when the content is
				      * not in content_file */
};
/* Files of one revision in document (insertion) order; none for an unknown
 * revision. */
int store_revision_files(struct store *st, long long revision_id, store_file_cb cb, void *arg,
			 struct ow_err *err) OW_WUR;

/* One content file by SHA-1 (upper-case hex): its extension and size.
 * OW_ENOENT when unknown. */
int store_content_get(struct store *st, const char *sha1, char ext[16], long long *size,
		      struct ow_err *err) OW_WUR;

/* One computer; OW_ENOENT when not registered. */
int store_computer_get(struct store *st, const char *computer_id, struct store_computer_row *out,
		       struct ow_err *err) OW_WUR;
/* The groups a computer is a member of (computer_group_member rows), by
 * group id; none for an unknown computer. */
int store_computer_groups(struct store *st, const char *computer_id, store_member_cb cb, void *arg,
			  struct ow_err *err) OW_WUR;

/* A client event as ReportEventBatch carries it. */
struct store_event {
	char event_instance_id[37];  /* lower-case GUID */
	int event_id;
	char update_id[37];          /* the zero GUID when not about an update */
	int revision;
	int32_t hresult;
	char time_at_target[40];     /* as the client sent it */
	char app_name[128];
	char misc[1024];             /* MiscData joined with '|' as the caller made it */
	char state[16];              /* "" or a computer_update_status state to set for
				      * update_id */
};
struct store_status_set {
	char update_id[37];
	char state[16];              /* "notapplicable", "needed", "downloaded", "installed",
				      * "failed" */
};
/*
 * In one transaction: records each event not yet recorded for computer_id
 * (an event_instance_id already recorded for that computer, or repeated in
 * the batch, is skipped; *inserted counts the new rows), then sets
 * computer_update_status for each events[i] with a non-empty state and an
 * update_id neither "" nor the zero GUID (resent events included), and for
 * each sets[j], in that order (last write wins), last_event = now; also
 * sets computer.last_contact to now. now is one RFC 3339 UTC time
 * ("2026-11-24T10:00:00Z") for the whole batch, also the events'
 * received_at. A computer_id not registered is OW_ENOENT and nothing is
 * written. An invalid state, or an event or update id the schema refuses,
 * is OW_EINVAL and nothing is written.
 */
int store_report_batch(struct store *st, const char *computer_id, const struct store_event *events,
		       size_t nevents, const struct store_status_set *sets, size_t nsets,
		       size_t *inserted, struct ow_err *err) OW_WUR;

/* Events of one computer (NULL: all), oldest first (by received_at, then
 * arrival), for the admin report and tests. ev.state is always "": states
 * live in computer_update_status, not with the event. */
struct store_event_row {
	char computer_id[64];
	struct store_event ev;
	char received_at[40];
};
int store_event_list(struct store *st, const char *computer_id, store_event_cb cb, void *arg,
		     struct ow_err *err) OW_WUR;

#endif
