/* SPDX-License-Identifier: MIT */
/*
 * The catalog: what updates exist, the computer groups, who is approved for
 * what, and who may decide. Every function validates its input, changes the
 * store in one transaction where it changes anything, and records each
 * administrative change in the audit trail with the acting principal.
 *
 * Protocol and admin handlers call these; they never speak SQL.
 */
#ifndef OW_CATALOG_CATALOG_H
#define OW_CATALOG_CATALOG_H

#include <stddef.h>

#include "base/err.h"
#include "store/store.h"

#define CATALOG_ALL_COMPUTERS "a0a08746-4dbe-4a37-9adf-9e7652c0b421"
#define CATALOG_UNASSIGNED "b73ca6ed-5727-47f3-84de-015e03f6a88a"

/* ---- updates ------------------------------------------------------------ */

struct catalog_import_result {
	char update_id[37];
	int revision;
	long long revision_id;
	int inserted;           /* 0: this revision was already imported */
	char type[32];
	char title[512];
};

/* Imports one upd:Update document (kept byte for byte). Refused with the
 * reason: malformed or hostile XML, a file without a SHA-1 digest, and a
 * file whose origin is a remote path or URL (the hardening guide: an
 * OriginURI that points at a remote, unsigned installer runs it remotely). */
int catalog_import_xml(struct store *st, const char *xml, size_t len, const char *principal,
		       struct catalog_import_result *out, struct ow_err *err) OW_WUR;

/* Does origin name something outside this server (UNC, URL, drive path)? */
int catalog_origin_is_remote(const char *origin);

/* ---- groups ------------------------------------------------------------- */

/* Finds a group by id or (case-insensitive) name. */
int catalog_group_find(struct store *st, const char *id_or_name, struct store_group_row *out,
		       struct ow_err *err) OW_WUR;
/* New group under parent (id or name; NULL: All Computers); its id in id_out. */
int catalog_group_add(struct store *st, const char *name, const char *parent, const char *principal,
		      char id_out[37], struct ow_err *err) OW_WUR;
int catalog_group_delete(struct store *st, const char *id_or_name, const char *principal,
			 struct ow_err *err) OW_WUR;

/* ---- approvals ---------------------------------------------------------- */

/* Approves update_id for a group: action "install", "uninstall" (only for
 * removable updates) or "notapproved"; deadline RFC 3339 or NULL/"". A
 * declined update, a category or an unknown update is refused. */
int catalog_approve(struct store *st, const char *update_id, const char *group, const char *action,
		    const char *deadline, int apply_to_children, const char *principal,
		    struct ow_err *err) OW_WUR;
int catalog_decline(struct store *st, const char *update_id, int declined, const char *principal,
		    struct ow_err *err) OW_WUR;

/* ---- principals --------------------------------------------------------- */

/* Adds a member of "administrators" or "reporters". password_hash is an
 * argon2id string for a local account, or NULL for a principal mapped from
 * a Kerberos name or certificate subject. */
int catalog_user_add(struct store *st, const char *name, const char *role, const char *password_hash,
		     const char *kerberos, const char *cert_subject, const char *principal,
		     struct ow_err *err) OW_WUR;

/* ---- reads (rows as the store gives them) -------------------------------- */

int catalog_revisions(struct store *st, const char *update_id, store_revision_cb cb, void *arg,
		      struct ow_err *err) OW_WUR;
int catalog_relations(struct store *st, long long revision_id, store_rel_cb cb, void *arg,
		      struct ow_err *err) OW_WUR;
int catalog_groups(struct store *st, store_group_cb cb, void *arg, struct ow_err *err) OW_WUR;
int catalog_approvals(struct store *st, const char *update_id, store_approval_cb cb, void *arg,
		      struct ow_err *err) OW_WUR;
int catalog_declines(struct store *st, store_decline_cb cb, void *arg, struct ow_err *err) OW_WUR;
int catalog_computers(struct store *st, store_computer_cb cb, void *arg, struct ow_err *err) OW_WUR;
int catalog_members(struct store *st, store_member_cb cb, void *arg, struct ow_err *err) OW_WUR;
int catalog_statuses(struct store *st, store_status_cb cb, void *arg, struct ow_err *err) OW_WUR;
int catalog_users(struct store *st, store_principal_cb cb, void *arg, struct ow_err *err) OW_WUR;
int catalog_audit(struct store *st, store_audit_cb cb, void *arg, struct ow_err *err) OW_WUR;
/* field: "name", "kerberos" or "cert_subject". */
int catalog_user_find(struct store *st, const char *field, const char *value,
		      struct store_principal_row *out, struct ow_err *err) OW_WUR;
int catalog_user_touch(struct store *st, const char *name, struct ow_err *err) OW_WUR;
/* An authentication event for the audit trail ("auth.fail"): who it claimed
 * to be, from where, and how. */
int catalog_auth_event(struct store *st, const char *principal, const char *action,
		       const char *peer, const char *how, struct ow_err *err) OW_WUR;
/* Server-side targeting: puts a computer in (member = 1) or out of a group. */
int catalog_member_set(struct store *st, const char *computer_id, const char *group, int member,
		       const char *principal, struct ow_err *err) OW_WUR;

/* The store of the calling thread for url (opened on first use, closed
 * when the thread ends): each server worker has its own connection. */
int catalog_thread_store(const char *url, const char *data_dir, struct store **out,
			 struct ow_err *err) OW_WUR;

/* ---- publishing ----------------------------------------------------------- */

/* Records a file just placed in the content store (upper-case hex). */
int catalog_content_add(struct store *st, const char *sha1, const char *sha256, uint64_t size,
			const char *ext, struct ow_err *err) OW_WUR;
/* Records the signature of a published revision (after catalog_import_xml)
 * and audits the publication. */
int catalog_publication_add(struct store *st, const char *update_id, int revision, const char *signer,
			    const void *sig, size_t sig_len, const char *principal,
			    struct ow_err *err) OW_WUR;

/* ---- clients --------------------------------------------------------------- */

/* Records a client's registration (name, OS, last contact) and its groups:
 * with client_targeting, the '\n'-separated group names it sent; in every
 * case a computer in no group goes to Unassigned Computers. */
int catalog_computer_register(struct store *st, const char *computer_id, const char *name,
			      const char *os_description, const char *groups, int client_targeting,
			      struct ow_err *err) OW_WUR;

/* The server's identity for client cookies (epoch) and the time its
 * configuration was made (GetConfig's LastChange). */
int catalog_server_identity(struct store *st, uint64_t *epoch, int64_t *since,
			    struct ow_err *err) OW_WUR;

/* A registered computer (OW_ENOENT when not) and its groups. */
int catalog_computer_get(struct store *st, const char *computer_id, struct store_computer_row *out,
			 struct ow_err *err) OW_WUR;
int catalog_computer_groups(struct store *st, const char *computer_id, store_member_cb cb,
			    void *arg, struct ow_err *err) OW_WUR;

/* ---- the scan path's reads and caches (see store.h for each) ------------- */

int catalog_revision_doc(struct store *st, long long revision_id, struct ow_buf *out,
			 struct ow_err *err) OW_WUR;
int catalog_fragment_get(struct store *st, long long revision_id, const char *kind,
			 const char *lang, struct ow_buf *out, struct ow_err *err) OW_WUR;
int catalog_fragment_put(struct store *st, long long revision_id, const char *kind,
			 const char *lang, const void *body, size_t len, struct ow_err *err) OW_WUR;
int catalog_revision_files(struct store *st, long long revision_id, store_file_cb cb, void *arg,
			   struct ow_err *err) OW_WUR;
int catalog_content_get(struct store *st, const char *sha1, char ext[16], long long *size,
			struct ow_err *err) OW_WUR;

/* ---- client reports (report.c) ------------------------------------------- */

/* One event of a ReportEventBatch, fields borrowed from the request. */
struct catalog_event {
	const char *event_instance_id;  /* GUID */
	int event_id;
	const char *update_id;          /* GUID; the zero GUID when not about an update */
	int revision;
	int32_t hresult;
	const char *time_at_target;
	const char *app_name;           /* may be NULL */
	const char *const *misc;        /* MiscData "tag=value" strings */
	size_t nmisc;
};

/*
 * Records a computer's events and what they say about its updates, in one
 * transaction. Every event is kept, whatever its id; a repeated event
 * instance is recorded once (*recorded counts the new ones). States:
 * download succeeded (162, 164) downloaded; install succeeded (183, 184,
 * 190, 191, 197) installed; download or install failed (161, 182, 187,
 * 192, 195, 198) failed; and a status event (153, 156) sets every update
 * its MiscData lists: U needed, V and W installed, g failed, h downloaded.
 * OW_ENOENT when the computer is not registered, OW_EINVAL for an event
 * whose GUIDs are malformed (nothing is written then).
 */
int catalog_report_events(struct store *st, const char *computer_id,
			  const struct catalog_event *ev, size_t n, size_t *recorded,
			  struct ow_err *err) OW_WUR;

#endif
