/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend's statements for administration: principals of the
 * two security groups, computers and their groups, reported states, and
 * group deletion. Each listing reads rows with one prepared statement and
 * hands them to the caller's callback.
 */
#include <string.h>

#include "base/util.h"
#include "store/sqlite_int.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
#define ALL_COMPUTERS "a0a08746-4dbe-4a37-9adf-9e7652c0b421"
#define UNASSIGNED "b73ca6ed-5727-47f3-84de-015e03f6a88a"

/* A caller's callback of any row type, cast back by the row function that
 * knows the type (function pointers convert to each other losslessly). */
typedef void (*any_cb)(void);

/* Fills a row from the current result and hands it to the callback. */
typedef int (*row_fn)(sqlite3_stmt *s, any_cb cb, void *arg);

/* Steps stmt to the end (or until the callback stops it); finalizes it. */
static int each(sqlite3 *db, sqlite3_stmt *s, row_fn fn, any_cb cb, void *arg, const char *what,
		struct ow_err *err)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int stop = fn(s, cb, arg);

		if (stop != 0) {
			sqlite3_finalize(s);
			return stop;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, what);
	sqlite3_finalize(s);
	return rc;
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **s, struct ow_err *err)
{
	return sqlite3_prepare_v2(db, sql, -1, s, NULL) == SQLITE_OK ? 0 : sq_fail(db, err, "prepare");
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static int step_done(sqlite3 *db, sqlite3_stmt *s, const char *what, struct ow_err *err)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT)
		return ow_err_set(err, OW_EEXIST, "%s: %s", what, sqlite3_errmsg(db));
	return sq_fail(db, err, what);
}

int sq_group_delete(struct store *st, const char *group_id, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if (strcmp(group_id, ALL_COMPUTERS) == 0 || strcmp(group_id, UNASSIGNED) == 0)
		return ow_err_set(err, OW_EPERM, "the built-in groups cannot be deleted");
	/* The group's approvals go with it (cascade): what its computers are
	 * offered changes, so the delete and the generation bump are one
	 * transaction. */
	if ((rc = sq_exec(db, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	if ((rc = prepare(db, "DELETE FROM computer_group WHERE group_id = ?1 AND NOT EXISTS"
			      " (SELECT 1 FROM computer_group c WHERE c.parent_id = ?1)", &s, err)) < 0)
		goto rollback;
	sqlite3_bind_text(s, 1, group_id, -1, SQLITE_STATIC);
	if ((rc = step_done(db, s, "delete group", err)) < 0)
		goto rollback;
	if (sqlite3_changes(db) == 1) {
		if ((rc = sq_generation_bump(db, err)) < 0 || (rc = sq_exec(db, "COMMIT", err)) < 0)
			goto rollback;
		return 0;
	}
	(void)sq_exec(db, "ROLLBACK", NULL); /* nothing was deleted; say why */
	if ((rc = prepare(db, "SELECT 1 FROM computer_group WHERE group_id = ?", &s, err)) < 0)
		return rc;
	sqlite3_bind_text(s, 1, group_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return ow_err_set(err, OW_EPERM, "group %s has child groups: delete them first", group_id);
	return ow_err_set(err, OW_ENOENT, "no group %s", group_id);
rollback:
	(void)sq_exec(db, "ROLLBACK", NULL);
	return rc;
}

int sq_principal_add(struct store *st, const struct store_principal_row *p, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "INSERT INTO principal (name, role, password_hash, kerberos, cert_subject,"
			      " created_at) VALUES (?, ?, ?, ?, ?, " NOW_SQL ")", &s, err)) < 0)
		return rc;
	sqlite3_bind_text(s, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, p->role, -1, SQLITE_STATIC);
	bind_opt(s, 3, p->password_hash);
	bind_opt(s, 4, p->kerberos);
	bind_opt(s, 5, p->cert_subject);
	rc = step_done(db, s, "add principal", err);
	if (rc == OW_EEXIST)
		return ow_err_set(err, OW_EEXIST, "principal %s (or its Kerberos name or subject) exists",
				  p->name);
	return rc;
}

static void principal_row(sqlite3_stmt *s, struct store_principal_row *r)
{
	sq_text(s, 0, r->name, sizeof(r->name));
	sq_text(s, 1, r->role, sizeof(r->role));
	sq_text(s, 2, r->password_hash, sizeof(r->password_hash));
	sq_text(s, 3, r->kerberos, sizeof(r->kerberos));
	sq_text(s, 4, r->cert_subject, sizeof(r->cert_subject));
	sq_text(s, 5, r->created_at, sizeof(r->created_at));
	sq_text(s, 6, r->last_used, sizeof(r->last_used));
}

#define PRINCIPAL_COLS "name, role, coalesce(password_hash, ''), coalesce(kerberos, '')," \
		       " coalesce(cert_subject, ''), created_at, coalesce(last_used, '')"

int sq_principal_find(struct store *st, const char *field, const char *value,
		      struct store_principal_row *out, struct ow_err *err)
{
	static const char *sql[] = {
		"SELECT " PRINCIPAL_COLS " FROM principal WHERE name = ?",
		"SELECT " PRINCIPAL_COLS " FROM principal WHERE kerberos = ?",
		"SELECT " PRINCIPAL_COLS " FROM principal WHERE cert_subject = ?",
	};
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int which, rc;

	if (strcmp(field, "name") == 0)
		which = 0;
	else if (strcmp(field, "kerberos") == 0)
		which = 1;
	else if (strcmp(field, "cert_subject") == 0)
		which = 2;
	else
		return ow_err_set(err, OW_EINVAL, "no principal field %s", field);
	if ((rc = prepare(db, sql[which], &s, err)) < 0)
		return rc;
	sqlite3_bind_text(s, 1, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		principal_row(s, out);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? ow_err_set(err, OW_ENOENT, "no principal %s", value)
				       : sq_fail(db, err, "find principal");
	}
	sqlite3_finalize(s);
	return rc;
}

static int principal_fn(sqlite3_stmt *s, any_cb cb, void *arg)
{
	struct store_principal_row r;

	principal_row(s, &r);
	return ((store_principal_cb)cb)(&r, arg);
}

int sq_principal_list(struct store *st, store_principal_cb cb, void *arg, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(sq_db(st), "SELECT " PRINCIPAL_COLS " FROM principal ORDER BY name", &s, err)) < 0)
		return rc;
	return each(sq_db(st), s, principal_fn, (any_cb)cb, arg, "principal list", err);
}

int sq_principal_touch(struct store *st, const char *name, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(sq_db(st), "UPDATE principal SET last_used = " NOW_SQL " WHERE name = ?", &s,
			  err)) < 0)
		return rc;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return step_done(sq_db(st), s, "touch principal", err);
}

static int computer_fn(sqlite3_stmt *s, any_cb cb, void *arg)
{
	struct store_computer_row r;

	sq_text(s, 0, r.computer_id, sizeof(r.computer_id));
	sq_text(s, 1, r.name, sizeof(r.name));
	sq_text(s, 2, r.os_description, sizeof(r.os_description));
	sq_text(s, 3, r.last_contact, sizeof(r.last_contact));
	return ((store_computer_cb)cb)(&r, arg);
}

int sq_computer_list(struct store *st, store_computer_cb cb, void *arg, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(sq_db(st), "SELECT computer_id, name, os_description, last_contact"
				     " FROM computer ORDER BY name", &s, err)) < 0)
		return rc;
	return each(sq_db(st), s, computer_fn, (any_cb)cb, arg, "computer list", err);
}

static int member_fn(sqlite3_stmt *s, any_cb cb, void *arg)
{
	struct store_member_row r;

	sq_text(s, 0, r.computer_id, sizeof(r.computer_id));
	sq_text(s, 1, r.group_id, sizeof(r.group_id));
	return ((store_member_cb)cb)(&r, arg);
}

int sq_member_list(struct store *st, store_member_cb cb, void *arg, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(sq_db(st), "SELECT computer_id, group_id FROM computer_group_member"
				     " ORDER BY computer_id, group_id", &s, err)) < 0)
		return rc;
	return each(sq_db(st), s, member_fn, (any_cb)cb, arg, "member list", err);
}

int sq_member_set(struct store *st, const char *computer_id, const char *group_id, int member,
		  struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	rc = prepare(db, member ? "INSERT INTO computer_group_member VALUES (?, ?) ON CONFLICT DO NOTHING"
				: "DELETE FROM computer_group_member WHERE computer_id = ? AND group_id = ?",
		     &s, err);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(s, 1, computer_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, group_id, -1, SQLITE_STATIC);
	rc = step_done(db, s, "group membership", err);
	return rc == OW_EEXIST ? ow_err_set(err, OW_ENOENT, "no computer %s or group %s", computer_id,
					    group_id) : rc;
}

static int status_fn(sqlite3_stmt *s, any_cb cb, void *arg)
{
	struct store_status_row r;

	sq_text(s, 0, r.computer_id, sizeof(r.computer_id));
	sq_text(s, 1, r.update_id, sizeof(r.update_id));
	sq_text(s, 2, r.state, sizeof(r.state));
	sq_text(s, 3, r.last_event, sizeof(r.last_event));
	return ((store_status_cb)cb)(&r, arg);
}

int sq_status_list(struct store *st, store_status_cb cb, void *arg, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(sq_db(st), "SELECT computer_id, update_id, state, last_event"
				     " FROM computer_update_status ORDER BY computer_id, update_id",
			  &s, err)) < 0)
		return rc;
	return each(sq_db(st), s, status_fn, (any_cb)cb, arg, "status list", err);
}

int sq_decline_get(struct store *st, const char *update_id, int *declined, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(sq_db(st), "SELECT 1 FROM decline WHERE update_id = ?", &s, err)) < 0)
		return rc;
	sqlite3_bind_text(s, 1, update_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_fail(sq_db(st), err, "decline get");
	*declined = rc == SQLITE_ROW;
	return 0;
}

static int decline_fn(sqlite3_stmt *s, any_cb cb, void *arg)
{
	struct store_decline_row r;

	sq_text(s, 0, r.update_id, sizeof(r.update_id));
	sq_text(s, 1, r.declined_by, sizeof(r.declined_by));
	sq_text(s, 2, r.declined_at, sizeof(r.declined_at));
	return ((store_decline_cb)cb)(&r, arg);
}

int sq_decline_list(struct store *st, store_decline_cb cb, void *arg, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(sq_db(st), "SELECT update_id, declined_by, declined_at FROM decline"
				     " ORDER BY update_id", &s, err)) < 0)
		return rc;
	return each(sq_db(st), s, decline_fn, (any_cb)cb, arg, "decline list", err);
}

int sq_publication_add(struct store *st, const char *update_id, int revision, const char *signer,
		       const void *sig, size_t sig_len, const char *by, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(sq_db(st), "INSERT INTO publication VALUES (?, ?, ?, ?, ?, " NOW_SQL ")"
				     " ON CONFLICT (update_id, revision) DO NOTHING", &s, err)) < 0)
		return rc;
	sqlite3_bind_text(s, 1, update_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, revision);
	sqlite3_bind_text(s, 3, signer, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(s, 4, sig, sig_len, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, by, -1, SQLITE_STATIC);
	return step_done(sq_db(st), s, "record publication", err);
}
