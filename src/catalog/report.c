/* SPDX-License-Identifier: MIT */
/*
 * What a client's events say about its updates (MS-WUSP 2.2.2.3.1, the
 * EventID and MiscData tables), turned into computer x update states. The
 * events themselves are kept as sent, known or not: a report of an event
 * this version does not interpret is still evidence an administrator may
 * need.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

static const char *state_of_event(int id)
{
	switch (id) {
	case 162: case 164:
		return "downloaded";
	case 183: case 184: case 190: case 191: case 197:
		return "installed";
	case 161: case 182: case 187: case 192: case 195: case 198:
		return "failed";
	default:
		return "";
	}
}

/* The status a MiscData tag lists (status events), or NULL. */
static const char *state_of_tag(char tag)
{
	switch (tag) {
	case 'U': return "needed";
	case 'V': case 'W': return "installed";
	case 'g': return "failed";
	case 'h': return "downloaded";
	default: return NULL;
	}
}

/* A GUID with or without braces, any case, to 36 lower-case characters. */
static int guid_norm(const char *s, size_t n, char out[37])
{
	if (n == 38 && s[0] == '{' && s[37] == '}') {
		s++;
		n = 36;
	}
	if (n != 36)
		return -1;
	for (size_t i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return -1;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[36] = '\0';
	return 0;
}

static int copy(char *dst, size_t len, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= len)
		n = len - 1;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
	return 0;
}

struct sets {
	struct store_status_set *v;
	size_t n, cap;
};

static int add_set(struct sets *s, const char *guid, size_t len, const char *state)
{
	struct store_status_set *x;
	char id[37];

	if (guid_norm(guid, len, id) < 0)
		return 0; /* a malformed list entry is kept in the event, not applied */
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		void *p = realloc(s->v, cap * sizeof(*s->v));

		if (p == NULL)
			return -1;
		s->v = p;
		s->cap = cap;
	}
	x = &s->v[s->n++];
	memcpy(x->update_id, id, sizeof(x->update_id));
	copy(x->state, sizeof(x->state), state);
	return 0;
}

int catalog_report_events(struct store *st, const char *computer_id,
			  const struct catalog_event *ev, size_t n, size_t *recorded,
			  struct ow_err *err)
{
	struct store_event *rows;
	struct sets sets = { 0 };
	int rc;

	*recorded = 0;
	if ((rows = calloc(n ? n : 1, sizeof(*rows))) == NULL)
		return ow_err_set(err, OW_ENOMEM, "out of memory recording events");
	for (size_t i = 0; i < n; i++) {
		const struct catalog_event *e = &ev[i];
		struct store_event *r = &rows[i];
		int status = e->event_id == 153 || e->event_id == 156;
		size_t used = 0;

		if (guid_norm(e->event_instance_id, strlen(e->event_instance_id), r->event_instance_id) < 0 ||
		    guid_norm(e->update_id, strlen(e->update_id), r->update_id) < 0) {
			rc = ow_err_set(err, OW_EINVAL, "event %zu: malformed EventInstanceID or UpdateID", i);
			goto done;
		}
		r->event_id = e->event_id;
		r->revision = e->revision;
		r->hresult = e->hresult;
		copy(r->time_at_target, sizeof(r->time_at_target), e->time_at_target);
		copy(r->app_name, sizeof(r->app_name), e->app_name);
		/* Failures of an update that did not fail as a whole (hresult 0)
		 * are still failures: the event id says so. */
		copy(r->state, sizeof(r->state),
		     strcmp(r->update_id, "00000000-0000-0000-0000-000000000000") ? state_of_event(e->event_id) : "");
		for (size_t m = 0; m < e->nmisc; m++) {
			const char *s = e->misc[m];
			size_t len = strlen(s);
			const char *state;

			/* Kept as sent, '|'-joined, cut at the column's size. */
			if (used + len + 2 < sizeof(r->misc)) {
				if (used)
					r->misc[used++] = '|';
				memcpy(r->misc + used, s, len);
				used += len;
				r->misc[used] = '\0';
			}
			if (!status || len < 2 || s[1] != '=' || (state = state_of_tag(s[0])) == NULL)
				continue;
			for (const char *p = s + 2; *p;) {
				size_t k = strcspn(p, ";");

				if (k > 0 && add_set(&sets, p, k, state) < 0) {
					rc = ow_err_set(err, OW_ENOMEM, "out of memory recording events");
					goto done;
				}
				p += k;
				if (*p == ';')
					p++;
			}
		}
	}
	rc = store_report_batch(st, computer_id, rows, n, sets.v, sets.n, recorded, err);
done:
	free(rows);
	free(sets.v);
	return rc;
}
