/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend's statements for the client scan path (MS-WUSP): the
 * catalog generation counter, the index of latest revisions and of their
 * relations, revision documents and files, the derived-fragment cache, and
 * the events and update states clients report. The index is read with two
 * flat queries ordered by revision id rather than one query per revision,
 * so building it costs two passes over the catalog whatever its size; each
 * listing is one statement and so sees one snapshot, and a caller that
 * needs both to agree compares the generation before and after.
 */
#include <assert.h>
#include <limits.h>
#include <string.h>

#include "base/limits.h"
#include "base/time.h"
#include "base/util.h"
#include "store/sqlite_int.h"

/* The revision r is the latest kept revision of its update. */
#define LATEST(r) \
	"NOT EXISTS (SELECT 1 FROM update_revision x WHERE x.update_id = " r ".update_id" \
	" AND x.revision > " r ".revision)"

/* ReportEventBatch names no update with the zero GUID. */
#define ZERO_GUID "00000000-0000-0000-0000-000000000000"

_Static_assert(sizeof(((struct store_file_row *)0)->sha1) == 41, "40 hex digits");
_Static_assert(sizeof(((struct store_file_row *)0)->ext) > OW_MAX_CONTENT_EXT,
	       "content extensions fit the row");

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **s, struct ow_err *err)
{
	return sqlite3_prepare_v2(db, sql, -1, s, NULL) == SQLITE_OK ? 0 : sq_fail(db, err, "prepare");
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}

/* Binds a fixed-size field of a caller's struct: never reads past the
 * field, even when the caller forgot its terminating NUL. */
static void bind_field(sqlite3_stmt *s, int i, const char *v, size_t size)
{
	sqlite3_bind_text(s, i, v, (int)strnlen(v, size), SQLITE_STATIC);
}

static void rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		(void)sq_exec(db, "ROLLBACK", NULL);
}

/* Appends blob column col of the current row to out, whose ceiling stays
 * the caller's. A zero-length blob reads back as NULL: nothing to add. */
static int append_blob(sqlite3_stmt *s, int col, struct ow_buf *out, const char *what,
		       long long revision_id, struct ow_err *err)
{
	const void *p = sqlite3_column_blob(s, col);
	size_t n = (size_t)sqlite3_column_bytes(s, col);
	int rc;

	if (p == NULL || n == 0)
		return 0;
	rc = ow_buf_add(out, p, n);
	if (rc == OW_ELIMIT)
		return ow_err_set(err, OW_ELIMIT, "%s of revision %lld (%zu bytes) does not fit the buffer",
				  what, revision_id, n);
	if (rc < 0)
		return ow_err_set(err, rc, "%s of revision %lld: out of memory", what, revision_id);
	return 0;
}

/* ---- generation ------------------------------------------------------ */

int sq_generation_bump(sqlite3 *db, struct ow_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	/* Outside a transaction the bump could land without the change (or
	 * the change without the bump) and a reader would keep stale data. */
	assert(!sqlite3_get_autocommit(db));
	/* Computed by the statement, not read and written back from here, so
	 * it is one write whatever the backend's isolation. */
	if ((rc = prepare(db, "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT)"
			      " WHERE key = 'catalog_generation'", &s, err)) < 0)
		return rc;
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sq_fail(db, err, "bump catalog generation");
	if (sqlite3_changes(db) != 1)
		return ow_err_set(err, OW_ESTORE, "meta catalog_generation is missing: "
						  "the store lacks schema version 6");
	return 0;
}

int sq_generation(struct store *st, uint64_t *gen, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	long long v = 0;
	int rc;

	if ((rc = prepare(db, "SELECT value FROM meta WHERE key = 'catalog_generation'", &s, err)) < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);

		if (t == NULL || ow_parse_ll(t, 1, LLONG_MAX, &v) < 0)
			rc = ow_err_set(err, OW_ESTORE, "meta catalog_generation '%s' is not a "
							"positive number", t ? t : "");
		else
			rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ow_err_set(err, OW_ESTORE, "meta catalog_generation is missing: "
						"the store lacks schema version 6");
	} else {
		rc = sq_fail(db, err, "catalog generation");
	}
	sqlite3_finalize(s);
	if (rc == 0)
		*gen = (uint64_t)v;
	return rc;
}

/* ---- the index of latest revisions ----------------------------------- */

int sq_index_revisions(struct store *st, store_index_cb cb, void *arg, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT r.revision_id, r.update_id, r.revision, r.type,"
			      " EXISTS (SELECT 1 FROM decline d WHERE d.update_id = r.update_id),"
			      " r.imported_at FROM update_revision r WHERE " LATEST("r")
			      " ORDER BY r.revision_id", &s, err)) < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_index_row row;

		memset(&row, 0, sizeof(row));
		row.revision_id = sqlite3_column_int64(s, 0);
		sq_text(s, 1, row.update_id, sizeof(row.update_id));
		row.revision = sqlite3_column_int(s, 2);
		sq_text(s, 3, row.type, sizeof(row.type));
		row.declined = sqlite3_column_int(s, 4);
		sq_text(s, 5, row.imported_at, sizeof(row.imported_at));
		if ((rc = cb(&row, arg)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "revision index");
	sqlite3_finalize(s);
	return rc;
}

int sq_index_relations(struct store *st, store_index_rel_cb cb, void *arg, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	/* rel.rowid is the insertion order, which is the document order
	 * store_relation_list gives. */
	if ((rc = prepare(db, "SELECT r.revision_id, rel.kind, rel.related_id,"
			      " coalesce(rel.related_revision, -1), rel.grp, rel.is_category"
			      " FROM update_revision r JOIN revision_relation rel"
			      "  ON rel.revision_id = r.revision_id"
			      " WHERE " LATEST("r") " ORDER BY r.revision_id, rel.rowid", &s, err)) < 0)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_index_rel_row row;

		memset(&row, 0, sizeof(row));
		row.revision_id = sqlite3_column_int64(s, 0);
		sq_text(s, 1, row.rel.kind, sizeof(row.rel.kind));
		sq_text(s, 2, row.rel.related_id, sizeof(row.rel.related_id));
		row.rel.related_revision = sqlite3_column_int(s, 3);
		row.rel.grp = sqlite3_column_int(s, 4);
		row.rel.is_category = sqlite3_column_int(s, 5);
		if ((rc = cb(&row, arg)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "relation index");
	sqlite3_finalize(s);
	return rc;
}

/* ---- documents, fragments and files ---------------------------------- */

int sq_revision_doc(struct store *st, long long revision_id, struct ow_buf *out, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT doc FROM update_revision WHERE revision_id = ?", &s, err)) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, revision_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = append_blob(s, 0, out, "document", revision_id, err);
	else if (rc == SQLITE_DONE)
		rc = ow_err_set(err, OW_ENOENT, "no revision %lld", revision_id);
	else
		rc = sq_fail(db, err, "revision document");
	sqlite3_finalize(s);
	return rc;
}

/* The schema's CHECK lists the kinds too; refusing here gives the caller a
 * message naming the mistake instead of a constraint failure. */
static int fragment_key(const char *kind, const char *lang, struct ow_err *err)
{
	static const char *const kinds[] = { "core", "extended", "localized", "languages" };
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kind && strcmp(kind, kinds[i]) == 0)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return ow_err_set(err, OW_EINVAL, "no fragment kind '%s'", kind ? kind : "");
	if (strcmp(kind, "localized") == 0 ? lang[0] == '\0' : lang[0] != '\0')
		return ow_err_set(err, OW_EINVAL, "fragment '%s' %s a language", kind,
				  lang[0] ? "takes no" : "needs");
	return 0;
}

int sq_fragment_get(struct store *st, long long revision_id, const char *kind, const char *lang,
		    struct ow_buf *out, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if (lang == NULL)
		lang = "";
	if ((rc = fragment_key(kind, lang, err)) < 0)
		return rc;
	if ((rc = prepare(db, "SELECT body FROM revision_fragment"
			      " WHERE revision_id = ? AND kind = ? AND lang = ?", &s, err)) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, revision_id);
	bind_text(s, 2, kind);
	bind_text(s, 3, lang);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = append_blob(s, 0, out, "fragment", revision_id, err);
	else if (rc == SQLITE_DONE)
		rc = ow_err_set(err, OW_ENOENT, "no %s fragment '%s' cached for revision %lld", kind,
				lang, revision_id);
	else
		rc = sq_fail(db, err, "fragment get");
	sqlite3_finalize(s);
	return rc;
}

int sq_fragment_put(struct store *st, long long revision_id, const char *kind, const char *lang,
		    const void *body, size_t len, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if (lang == NULL)
		lang = "";
	if ((rc = fragment_key(kind, lang, err)) < 0)
		return rc;
	/* The cache is derived data: a put changes nothing clients are
	 * offered and leaves the generation alone. */
	if ((rc = prepare(db, "INSERT INTO revision_fragment (revision_id, kind, lang, body)"
			      " VALUES (?, ?, ?, ?) ON CONFLICT (revision_id, kind, lang)"
			      " DO UPDATE SET body = excluded.body", &s, err)) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, revision_id);
	bind_text(s, 2, kind);
	bind_text(s, 3, lang);
	/* A NULL pointer would bind SQL NULL, which body refuses. */
	if (len == 0)
		sqlite3_bind_zeroblob(s, 4, 0);
	else
		sqlite3_bind_blob64(s, 4, body, len, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_FOREIGNKEY)
		return ow_err_set(err, OW_ENOENT, "no revision %lld", revision_id);
	return sq_fail(db, err, "fragment put");
}

int sq_revision_files(struct store *st, long long revision_id, store_file_cb cb, void *arg,
		      struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	/* Both tables hold SHA-1s as upper-case hex (the document's digest
	 * and the content import both spell them so): a plain join uses
	 * content_file's key. f.rowid is the document order. */
	if ((rc = prepare(db, "SELECT f.sha1, f.sha256, f.name, f.size, coalesce(c.ext, '')"
			      " FROM revision_file f LEFT JOIN content_file c ON c.sha1 = f.sha1"
			      " WHERE f.revision_id = ? ORDER BY f.rowid", &s, err)) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, revision_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_file_row row;

		memset(&row, 0, sizeof(row));
		sq_text(s, 0, row.sha1, sizeof(row.sha1));
		sq_text(s, 1, row.sha256, sizeof(row.sha256));
		sq_text(s, 2, row.name, sizeof(row.name));
		row.size = sqlite3_column_int64(s, 3);
		sq_text(s, 4, row.ext, sizeof(row.ext));
		if ((rc = cb(&row, arg)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "revision files");
	sqlite3_finalize(s);
	return rc;
}

int sq_content_get(struct store *st, const char *sha1, char ext[16], long long *size,
		   struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT ext, size FROM content_file WHERE sha1 = ?", &s, err)) < 0)
		return rc;
	bind_text(s, 1, sha1);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		sq_text(s, 0, ext, 16);
		*size = sqlite3_column_int64(s, 1);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ow_err_set(err, OW_ENOENT, "no content %s", sha1 ? sha1 : "");
	} else {
		rc = sq_fail(db, err, "content get");
	}
	sqlite3_finalize(s);
	return rc;
}

/* ---- computers ------------------------------------------------------- */

int sq_computer_get(struct store *st, const char *computer_id, struct store_computer_row *out,
		    struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT computer_id, name, os_description, last_contact FROM computer"
			      " WHERE computer_id = ?", &s, err)) < 0)
		return rc;
	bind_text(s, 1, computer_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		sq_text(s, 0, out->computer_id, sizeof(out->computer_id));
		sq_text(s, 1, out->name, sizeof(out->name));
		sq_text(s, 2, out->os_description, sizeof(out->os_description));
		sq_text(s, 3, out->last_contact, sizeof(out->last_contact));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ow_err_set(err, OW_ENOENT, "no computer %s", computer_id ? computer_id : "");
	} else {
		rc = sq_fail(db, err, "computer get");
	}
	sqlite3_finalize(s);
	return rc;
}

int sq_computer_groups(struct store *st, const char *computer_id, store_member_cb cb, void *arg,
		       struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT computer_id, group_id FROM computer_group_member"
			      " WHERE computer_id = ? ORDER BY group_id", &s, err)) < 0)
		return rc;
	bind_text(s, 1, computer_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_member_row row;

		sq_text(s, 0, row.computer_id, sizeof(row.computer_id));
		sq_text(s, 1, row.group_id, sizeof(row.group_id));
		if ((rc = cb(&row, arg)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "computer groups");
	sqlite3_finalize(s);
	return rc;
}

/* ---- reported events and states -------------------------------------- */

/* The states computer_update_status accepts (its CHECK says the same). */
static int valid_state(const char *state, size_t size)
{
	static const char *const states[] = {
		"notapplicable", "needed", "downloaded", "installed", "failed",
	};

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strncmp(state, states[i], size) == 0 && strlen(states[i]) < size)
			return 1;
	return 0;
}

/* A state of events[i] or sets[j] that names an update. */
static int names_update(const char *update_id, size_t size)
{
	return update_id[0] != '\0' && strncmp(update_id, ZERO_GUID, size) != 0;
}

int sq_report_batch(struct store *st, const char *computer_id, const struct store_event *events,
		    size_t nevents, const struct store_status_set *sets, size_t nsets,
		    size_t *inserted, struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *touch = NULL, *ev = NULL, *set = NULL;
	char now[OW_TIME_LEN];
	int rc;

	*inserted = 0;
	/* Every state is checked before anything is written, so a bad one
	 * leaves the batch unrecorded as a whole. */
	for (size_t i = 0; i < nevents; i++)
		if (events[i].state[0] && !valid_state(events[i].state, sizeof(events[i].state)))
			return ow_err_set(err, OW_EINVAL, "event %zu: no update state '%.*s'", i,
					  (int)sizeof(events[i].state), events[i].state);
	for (size_t j = 0; j < nsets; j++)
		if (!valid_state(sets[j].state, sizeof(sets[j].state)))
			return ow_err_set(err, OW_EINVAL, "state %zu: no update state '%.*s'", j,
					  (int)sizeof(sets[j].state), sets[j].state);
	/* One time for the whole batch: received_at, last_event and
	 * last_contact agree, in the spelling computer_upsert stores. */
	ow_time_format(ow_time_now(), now);

	if ((rc = sq_exec(db, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	/* The last contact first: it is also the check that the computer is
	 * registered, made under the write lock that the rest relies on. */
	if ((rc = prepare(db, "UPDATE computer SET last_contact = ?2 WHERE computer_id = ?1",
			  &touch, err)) < 0)
		goto fail;
	bind_text(touch, 1, computer_id);
	bind_text(touch, 2, now);
	if (sqlite3_step(touch) != SQLITE_DONE) {
		rc = sq_fail(db, err, "computer last contact");
		goto fail;
	}
	if (sqlite3_changes(db) != 1) {
		rc = ow_err_set(err, OW_ENOENT, "computer %s is not registered",
				computer_id ? computer_id : "");
		goto fail;
	}
	if ((rc = prepare(db, "INSERT INTO client_event (computer_id, event_instance_id, event_id,"
			      " update_id, revision, hresult, time_at_target, app_name, misc, received_at)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			      " ON CONFLICT (computer_id, event_instance_id) DO NOTHING", &ev, err)) < 0 ||
	    (rc = prepare(db, "INSERT INTO computer_update_status (computer_id, update_id, state,"
			      " last_event) VALUES (?, ?, ?, ?) ON CONFLICT (computer_id, update_id)"
			      " DO UPDATE SET state = excluded.state, last_event = excluded.last_event",
			  &set, err)) < 0)
		goto fail;
	for (size_t i = 0; i < nevents; i++) {
		const struct store_event *e = &events[i];

		bind_text(ev, 1, computer_id);
		bind_field(ev, 2, e->event_instance_id, sizeof(e->event_instance_id));
		sqlite3_bind_int(ev, 3, e->event_id);
		bind_field(ev, 4, e->update_id, sizeof(e->update_id));
		sqlite3_bind_int(ev, 5, e->revision);
		sqlite3_bind_int(ev, 6, e->hresult);
		bind_field(ev, 7, e->time_at_target, sizeof(e->time_at_target));
		bind_field(ev, 8, e->app_name, sizeof(e->app_name));
		bind_field(ev, 9, e->misc, sizeof(e->misc));
		bind_text(ev, 10, now);
		if (sqlite3_step(ev) != SQLITE_DONE) {
			rc = sqlite3_errcode(db) == SQLITE_CONSTRAINT
				     ? ow_err_set(err, OW_EINVAL, "event %zu ('%.*s'): %s", i,
						  (int)sizeof(e->event_instance_id),
						  e->event_instance_id, sqlite3_errmsg(db))
				     : sq_fail(db, err, "record event");
			goto fail;
		}
		/* 0 for an event recorded before: a resent batch. */
		*inserted += (size_t)sqlite3_changes(db);
		sqlite3_reset(ev);
	}
	/* Events first, then the explicit states, so the caller's sets win. */
	for (size_t k = 0; k < nevents + nsets; k++) {
		const char *uid = k < nevents ? events[k].update_id : sets[k - nevents].update_id;
		const char *state = k < nevents ? events[k].state : sets[k - nevents].state;
		size_t uid_size = k < nevents ? sizeof(events[k].update_id)
					      : sizeof(sets[k - nevents].update_id);
		size_t state_size = k < nevents ? sizeof(events[k].state)
						: sizeof(sets[k - nevents].state);

		if (k < nevents && (state[0] == '\0' || !names_update(uid, uid_size)))
			continue;
		bind_text(set, 1, computer_id);
		bind_field(set, 2, uid, uid_size);
		bind_field(set, 3, state, state_size);
		bind_text(set, 4, now);
		if (sqlite3_step(set) != SQLITE_DONE) {
			rc = sqlite3_errcode(db) == SQLITE_CONSTRAINT
				     ? ow_err_set(err, OW_EINVAL, "state of update '%.*s': %s",
						  (int)uid_size, uid, sqlite3_errmsg(db))
				     : sq_fail(db, err, "set update state");
			goto fail;
		}
		sqlite3_reset(set);
	}
	sqlite3_finalize(touch);
	sqlite3_finalize(ev);
	sqlite3_finalize(set);
	touch = ev = set = NULL;
	if ((rc = sq_exec(db, "COMMIT", err)) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(touch);
	sqlite3_finalize(ev);
	sqlite3_finalize(set);
	rollback(db);
	*inserted = 0;
	return rc;
}

int sq_event_list(struct store *st, const char *computer_id, store_event_cb cb, void *arg,
		  struct ow_err *err)
{
	sqlite3 *db = sq_db(st);
	sqlite3_stmt *s = NULL;
	int rc;

	/* received_at has one-second resolution; rowid keeps arrival order
	 * within a second. */
	if ((rc = prepare(db, "SELECT computer_id, event_instance_id, event_id, update_id, revision,"
			      " hresult, time_at_target, app_name, misc, received_at FROM client_event"
			      " WHERE (?1 IS NULL OR computer_id = ?1) ORDER BY received_at, rowid",
			  &s, err)) < 0)
		return rc;
	if (computer_id)
		bind_text(s, 1, computer_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_event_row row;

		memset(&row, 0, sizeof(row));
		sq_text(s, 0, row.computer_id, sizeof(row.computer_id));
		sq_text(s, 1, row.ev.event_instance_id, sizeof(row.ev.event_instance_id));
		row.ev.event_id = sqlite3_column_int(s, 2);
		sq_text(s, 3, row.ev.update_id, sizeof(row.ev.update_id));
		row.ev.revision = sqlite3_column_int(s, 4);
		row.ev.hresult = (int32_t)sqlite3_column_int(s, 5);
		sq_text(s, 6, row.ev.time_at_target, sizeof(row.ev.time_at_target));
		sq_text(s, 7, row.ev.app_name, sizeof(row.ev.app_name));
		sq_text(s, 8, row.ev.misc, sizeof(row.ev.misc));
		sq_text(s, 9, row.received_at, sizeof(row.received_at));
		if ((rc = cb(&row, arg)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : sq_fail(db, err, "event list");
	sqlite3_finalize(s);
	return rc;
}
