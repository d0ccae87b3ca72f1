/* SPDX-License-Identifier: MIT */
/*
 * Catalog operations over the store (see catalog.h): import of update
 * documents, groups, approvals and declines, principals; each change is
 * audited.
 */
#include "catalog/catalog.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/time.h"
#include "base/util.h"
#include "catalog/approval.h"
#include "catalog/updoc.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
	static const char h[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = h[b[i] >> 4];
		out[2 * i + 1] = h[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int catalog_origin_is_remote(const char *o)
{
	if (o == NULL || *o == '\0')
		return 0;
	/* \\server\share, //server/share, scheme://..., C:\ or file: paths:
	 * all point outside this server's content store. */
	if ((o[0] == '\\' || o[0] == '/') && (o[1] == '\\' || o[1] == '/'))
		return 1;
	if (strstr(o, "://") != NULL || strncmp(o, "file:", 5) == 0)
		return 1;
	if (((o[0] >= 'A' && o[0] <= 'Z') || (o[0] >= 'a' && o[0] <= 'z')) && o[1] == ':')
		return 1;
	return 0;
}

static int audit(struct store *st, const char *principal, const char *action, const char *target,
		 const char *detail, struct ow_err *err)
{
	return store_audit_add(st, principal ? principal : "local", action, target, detail, err);
}

static int add_rels(struct store_rel *out, size_t *n, const struct updoc_rel *in, size_t count,
		    const char *kind)
{
	for (size_t i = 0; i < count; i++) {
		struct store_rel *r = &out[(*n)++];

		r->kind = kind;
		r->related_id = in[i].id;
		r->related_revision = in[i].revision;
		r->grp = in[i].group;
		r->is_category = in[i].is_category;
	}
	return 0;
}

int catalog_import_xml(struct store *st, const char *xml, size_t len, const char *principal,
		       struct catalog_import_result *out, struct ow_err *err)
{
	struct updoc d;
	struct store_revision rev;
	struct store_rel *rels = NULL;
	struct store_file *files = NULL;
	unsigned char sum[SHA256_DIGEST_LENGTH];
	char doc_hex[65], detail[128];
	size_t nrels = 0;
	int rc;

	memset(&d, 0, sizeof(d));
	memset(out, 0, sizeof(*out));
	if ((rc = updoc_parse(xml, len, &d, err)) < 0)
		return rc;
	for (size_t i = 0; i < d.nfiles; i++) {
		if (d.files[i].sha1_hex[0] == '\0') {
			rc = ow_err_set(err, OW_EINVAL, "file %s of %s has no SHA-1 digest",
					d.files[i].name, d.id);
			goto out;
		}
		if (catalog_origin_is_remote(d.files[i].origin)) {
			rc = ow_err_set(err, OW_EINVAL,
					"file %s of %s comes from the remote origin '%s': an installer "
					"run from a remote path is not protected by a signature "
					"(hardening guide, Signed Windows Installer); refused",
					d.files[i].name, d.id, d.files[i].origin);
			goto out;
		}
	}
	rels = calloc(d.nprereqs + d.nbundled + d.nsuperseded + 1, sizeof(*rels));
	files = calloc(d.nfiles + 1, sizeof(*files));
	if (rels == NULL || files == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory");
		goto out;
	}
	add_rels(rels, &nrels, d.prereqs, d.nprereqs, "prerequisite");
	add_rels(rels, &nrels, d.bundled, d.nbundled, "bundled");
	add_rels(rels, &nrels, d.superseded, d.nsuperseded, "supersedes");
	for (size_t i = 0; i < d.nfiles; i++) {
		files[i].sha1 = d.files[i].sha1_hex;
		files[i].sha256 = d.files[i].sha256_hex;
		files[i].name = d.files[i].name;
		files[i].modified = d.files[i].modified;
		files[i].origin = d.files[i].origin;
		files[i].size = d.files[i].size;
	}
	SHA256((const unsigned char *)xml, len, sum);
	hex(sum, sizeof(sum), doc_hex);

	memset(&rev, 0, sizeof(rev));
	rev.update_id = d.id;
	rev.revision = d.revision;
	rev.type = d.type_name;
	rev.category_type = d.category_type;
	rev.title = d.title;
	rev.kb = d.kb;
	rev.msrc_severity = d.msrc_severity;
	rev.creation_date = d.creation_date;
	rev.removable = d.removable;
	rev.deployable = d.explicitly_deployable;
	rev.doc = xml;
	rev.doc_len = len;
	rev.doc_sha256 = doc_hex;
	rev.rels = rels;
	rev.nrels = nrels;
	rev.files = files;
	rev.nfiles = d.nfiles;
	if ((rc = store_revision_put(st, &rev, &out->revision_id, &out->inserted, err)) < 0)
		goto out;
	memcpy(out->update_id, d.id, sizeof(out->update_id));
	out->revision = d.revision;
	_Static_assert(sizeof(out->type) == sizeof(d.type_name), "same field sizes");
	_Static_assert(sizeof(out->title) == sizeof(d.title), "same field sizes");
	memcpy(out->type, d.type_name, sizeof(out->type));
	memcpy(out->title, d.title, sizeof(out->title));
	if (out->inserted) {
		snprintf(detail, sizeof(detail), "revision %d (local id %lld)", d.revision,
			 out->revision_id);
		rc = audit(st, principal, "update.import", d.id, detail, err);
	}
out:
	free(rels);
	free(files);
	updoc_release(&d);
	return rc;
}

/* ---- groups ------------------------------------------------------------- */

struct find_ctx {
	const char *key;
	struct store_group_row *out;
	int found;
};

static int find_cb(const struct store_group_row *row, void *arg)
{
	struct find_ctx *f = arg;

	if (strcmp(row->group_id, f->key) == 0 ||
	    ow_strncasecmp(row->name, f->key, strlen(f->key) + 1) == 0) {
		*f->out = *row;
		f->found = 1;
		return 1;
	}
	return 0;
}

int catalog_group_find(struct store *st, const char *id_or_name, struct store_group_row *out,
		       struct ow_err *err)
{
	struct find_ctx f = { id_or_name, out, 0 };
	char id[37];
	int rc;

	if (updoc_guid_normalize(id_or_name, id) == 0)
		f.key = id;
	rc = store_group_list(st, find_cb, &f, err);
	if (rc < 0)
		return rc;
	if (!f.found)
		return ow_err_set(err, OW_ENOENT, "no computer group '%s'", id_or_name);
	return 0;
}

static int valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 255 || name[0] == ' ' || name[n - 1] == ' ')
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int catalog_group_add(struct store *st, const char *name, const char *parent, const char *principal,
		      char id_out[37], struct ow_err *err)
{
	struct store_group_row p;
	char id[37], detail[320];
	int rc;

	if (!valid_name(name))
		return ow_err_set(err, OW_EINVAL, "a group name is 1 to 255 printable characters "
						  "without leading or trailing spaces");
	if ((rc = catalog_group_find(st, parent && *parent ? parent : CATALOG_ALL_COMPUTERS, &p, err)) < 0)
		return rc;
	if (strcmp(p.group_id, CATALOG_UNASSIGNED) == 0)
		return ow_err_set(err, OW_EINVAL, "Unassigned Computers cannot have child groups");
	if ((rc = ow_uuid4(id)) < 0)
		return ow_err_set(err, rc, "no randomness for a group id");
	if ((rc = store_group_add(st, id, name, p.group_id, err)) < 0)
		return rc;
	snprintf(detail, sizeof(detail), "name=%s parent=%s", name, p.name);
	if ((rc = audit(st, principal, "group.add", id, detail, err)) < 0)
		return rc;
	memcpy(id_out, id, 37);
	return 0;
}

int catalog_group_delete(struct store *st, const char *id_or_name, const char *principal,
			 struct ow_err *err)
{
	struct store_group_row g;
	int rc;

	if ((rc = catalog_group_find(st, id_or_name, &g, err)) < 0)
		return rc;
	if ((rc = store_group_delete(st, g.group_id, err)) < 0)
		return rc;
	return audit(st, principal, "group.delete", g.group_id, g.name, err);
}

/* ---- approvals ---------------------------------------------------------- */

struct latest_ctx {
	struct store_revision_row row;
	int found;
};

static int latest_cb(const struct store_revision_row *row, void *arg)
{
	struct latest_ctx *l = arg;

	if (row->is_latest) {
		l->row = *row;
		l->found = 1;
	}
	return 0;
}

int catalog_approve(struct store *st, const char *update_id, const char *group, const char *action,
		    const char *deadline, int apply_to_children, const char *principal,
		    struct ow_err *err)
{
	struct store_approval_row a;
	struct store_group_row g;
	struct latest_ctx l = { .found = 0 };
	char id[37], detail[400];
	int64_t when = 0;
	int act, rc;

	if (updoc_guid_normalize(update_id, id) < 0)
		return ow_err_set(err, OW_EINVAL, "'%s' is not an update id", update_id);
	act = catalog_action_parse(action ? action : "");
	if (act < 0)
		return ow_err_set(err, OW_EINVAL, "action must be install, uninstall or notapproved");
	if (deadline && *deadline && ow_time_parse(deadline, &when) < 0)
		return ow_err_set(err, OW_EINVAL, "deadline '%s' is not an RFC 3339 time", deadline);
	if ((rc = store_revision_list(st, id, latest_cb, &l, err)) < 0)
		return rc;
	if (!l.found)
		return ow_err_set(err, OW_ENOENT, "no update %s in the catalog", id);
	if (strcmp(l.row.type, "Category") == 0 || strcmp(l.row.type, "Detectoid") == 0)
		return ow_err_set(err, OW_EINVAL, "%s is a %s, not an update that can be approved", id,
				  l.row.type);
	if (act == CATALOG_UNINSTALL && !l.row.removable)
		return ow_err_set(err, OW_EINVAL, "%s cannot be uninstalled: approve Uninstall only "
						  "for removable updates", id);
	{
		int declined = 0;

		if ((rc = store_decline_get(st, id, &declined, err)) < 0)
			return rc;
		if (declined)
			return ow_err_set(err, OW_EINVAL, "%s is declined: remove the decline first", id);
	}
	if ((rc = catalog_group_find(st, group, &g, err)) < 0)
		return rc;

	memset(&a, 0, sizeof(a));
	memcpy(a.update_id, id, sizeof(a.update_id));
	memcpy(a.group_id, g.group_id, sizeof(a.group_id));
	snprintf(a.action, sizeof(a.action), "%s", catalog_action_name((enum catalog_action)act));
	if (when)
		ow_time_format(when, a.deadline);
	a.apply_to_children = apply_to_children ? 1 : 0;
	if (ow_strlcpy(a.approved_by, principal ? principal : "local", sizeof(a.approved_by)) < 0)
		return ow_err_set(err, OW_ELIMIT, "principal name too long");
	if ((rc = store_approval_set(st, &a, err)) < 0)
		return rc;
	snprintf(detail, sizeof(detail), "group=%s action=%s deadline=%s children=%d", g.name,
		 a.action, a.deadline[0] ? a.deadline : "none", a.apply_to_children);
	return audit(st, principal, "approval.set", id, detail, err);
}

int catalog_decline(struct store *st, const char *update_id, int declined, const char *principal,
		    struct ow_err *err)
{
	struct latest_ctx l = { .found = 0 };
	char id[37];
	int rc;

	if (updoc_guid_normalize(update_id, id) < 0)
		return ow_err_set(err, OW_EINVAL, "'%s' is not an update id", update_id);
	if ((rc = store_revision_list(st, id, latest_cb, &l, err)) < 0)
		return rc;
	if (!l.found)
		return ow_err_set(err, OW_ENOENT, "no update %s in the catalog", id);
	if ((rc = store_decline_set(st, id, principal ? principal : "local", declined, err)) < 0)
		return rc;
	return audit(st, principal, declined ? "update.decline" : "update.undecline", id, "", err);
}

/* ---- principals --------------------------------------------------------- */

int catalog_user_add(struct store *st, const char *name, const char *role, const char *password_hash,
		     const char *kerberos, const char *cert_subject, const char *principal,
		     struct ow_err *err)
{
	struct store_principal_row p;
	int rc;

	memset(&p, 0, sizeof(p));
	if (strcmp(role, "administrators") != 0 && strcmp(role, "reporters") != 0)
		return ow_err_set(err, OW_EINVAL, "role must be administrators or reporters");
	if (!password_hash && !(kerberos && *kerberos) && !(cert_subject && *cert_subject))
		return ow_err_set(err, OW_EINVAL, "a principal needs a password, a Kerberos name "
						  "or a certificate subject");
	if (ow_strlcpy(p.name, name, sizeof(p.name)) < 0 ||
	    ow_strlcpy(p.role, role, sizeof(p.role)) < 0 ||
	    ow_strlcpy(p.password_hash, password_hash ? password_hash : "", sizeof(p.password_hash)) < 0 ||
	    ow_strlcpy(p.kerberos, kerberos ? kerberos : "", sizeof(p.kerberos)) < 0 ||
	    ow_strlcpy(p.cert_subject, cert_subject ? cert_subject : "", sizeof(p.cert_subject)) < 0)
		return ow_err_set(err, OW_ELIMIT, "principal field too long");
	if ((rc = store_principal_add(st, &p, err)) < 0)
		return rc;
	return audit(st, principal, "user.add", p.name, p.role, err);
}
