/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the MS-WUSP request decoder, the first code that
 * reads what a client POSTs. Each input is decoded without a SOAPAction,
 * then with the action of the operation found (same result expected) and
 * with another operation's action (refused); an input whose first line
 * starts with '"' or 'h' is also decoded as "action line, then body".
 * Every decoded request is checked against request.h's promises (counts
 * and lengths within their OW_MAX_WUSP_* ceilings, GUIDs lower-case,
 * digests hex, booleans tri-state) and every failure must leave nothing
 * to release. abort() marks a broken promise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/updoc.h"
#include "wusp/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t max)
{
	if (s != NULL && strnlen(s, max + 1) > max)
		abort();
}

static void check_req(const char *s, size_t max)
{
	if (s == NULL)
		abort();
	check_str(s, max);
}

static void check_guid(const char *id, int may_be_empty)
{
	char again[37];

	if (memchr(id, '\0', 37) == NULL)
		abort();
	if (id[0] == '\0' && may_be_empty)
		return;
	if (updoc_guid_normalize(id, again) != 0 || strcmp(again, id) != 0)
		abort();
}

static void check_bool(int v, int tri)
{
	if (v != 0 && v != 1 && !(tri && v == -1))
		abort();
}

static void check_ids(const struct wusp_ids *a, size_t max)
{
	if (a->n > max || (a->n == 0) != (a->v == NULL) || (!a->present && a->n != 0))
		abort();
}

static void check_strs(const struct wusp_strs *a, size_t maxn, size_t maxlen)
{
	if (a->n > maxn || (a->n == 0) != (a->v == NULL) || (!a->present && a->n != 0))
		abort();
	for (size_t i = 0; i < a->n; i++)
		check_req(a->v[i], maxlen);
}

static void check_guids(const struct wusp_guids *a)
{
	if (a->n > OW_MAX_WUSP_LIST || (a->n == 0) != (a->v == NULL) || (!a->present && a->n != 0))
		abort();
	for (size_t i = 0; i < a->n; i++)
		check_guid(a->v[i], 0);
}

static void check_cookie(const struct wusp_cookie *c, int required)
{
	if ((required && !c->present) || (!c->present && (c->expiration || c->encrypted_data)))
		abort();
	if (c->present)
		check_req(c->expiration, OW_MAX_WUSP_SHORT);
	check_str(c->encrypted_data, OW_MAX_WUSP_COOKIE_B64);
	if (c->encrypted_data != NULL && strlen(c->encrypted_data) % 4 != 0)
		abort();
}

static void check_driver(const struct wusp_driver *d)
{
	check_str(d->id, OW_MAX_WUSP_SHORT);
	check_req(d->ver_date, OW_MAX_WUSP_SHORT);
	check_str(d->class_, OW_MAX_WUSP_SHORT);
	check_guid(d->matching_computer_hwid, 1);
	check_bool(d->skip_provider_filtering, 1);
	check_bool(d->is_generic, 1);
}

static void check_sync(const struct wusp_sync_updates *s)
{
	const struct wusp_sync_params *p = &s->params;

	check_cookie(&s->cookie, 1);
	check_bool(p->express_query, 0);
	check_bool(p->skip_software_sync, 0);
	check_bool(p->treat_app_category_ids_as_installed, 1);
	check_bool(p->need_two_group_out_of_scope, 1);
	check_bool(p->also_perform_regular_sync, 1);
	check_bool(p->sync_current_version_only, 1);
	check_ids(&p->installed_non_leaf, OW_MAX_WUSP_IDS);
	check_ids(&p->other_cached, OW_MAX_WUSP_IDS);
	check_ids(&p->cached_drivers, OW_MAX_WUSP_IDS);
	if (p->ndevices > OW_MAX_WUSP_DEVICES || (p->ndevices == 0) != (p->devices == NULL))
		abort();
	for (size_t i = 0; i < p->ndevices; i++) {
		const struct wusp_device *d = &p->devices[i];

		check_strs(&d->hardware_ids, OW_MAX_WUSP_LIST, OW_MAX_WUSP_SHORT);
		check_strs(&d->compatible_ids, OW_MAX_WUSP_LIST, OW_MAX_WUSP_SHORT);
		check_strs(&d->driver_recovery_ids, OW_MAX_WUSP_LIST, OW_MAX_WUSP_SHORT);
		if (d->has_installed_driver)
			check_driver(&d->installed);
		if (d->nextension_drivers > OW_MAX_WUSP_LIST ||
		    (d->nextension_drivers == 0) != (d->extension_drivers == NULL))
			abort();
		for (size_t k = 0; k < d->nextension_drivers; k++) {
			check_driver(&d->extension_drivers[k]);
			if (d->extension_drivers[k].id == NULL)
				abort();
		}
		if (d->device_flags < -1 || d->device_flags > 255)
			abort();
	}
	check_guids(&p->filter_category_ids);
	check_guids(&p->filter_app_category_ids);
	check_guids(&p->computer_hardware_ids);
	check_str(p->feature_score_matching_key, OW_MAX_WUSP_SHORT);
	check_strs(&p->extended_fragment_types, OW_MAX_WUSP_LIST, OW_MAX_WUSP_SHORT);
	check_strs(&p->extended_locales, OW_MAX_WUSP_LIST, OW_MAX_WUSP_SHORT);
	check_strs(&p->client_preferred_languages, OW_MAX_WUSP_LIST, OW_MAX_WUSP_SHORT);
	check_str(p->device_attributes, OW_MAX_WUSP_ATTRS);
	check_str(p->caller_attributes, OW_MAX_WUSP_TEXT);
	check_str(p->products, OW_MAX_WUSP_TEXT);
}

static void check_event(const struct wusp_event *e)
{
	check_str(e->target_sid, OW_MAX_WUSP_SHORT);
	check_req(e->time_at_target, OW_MAX_WUSP_SHORT);
	check_guid(e->event_instance_id, 0);
	if (e->event_id < -32768 || e->event_id > 32767 ||
	    e->source_id < -32768 || e->source_id > 32767)
		abort();
	if (e->has_update_id)
		check_guid(e->update_id.update_id, 0);
	check_str(e->app_name, OW_MAX_WUSP_TEXT);
	check_bool(e->has_extended, 0);
	check_strs(&e->replacement_strings, OW_MAX_WUSP_LIST, OW_MAX_WUSP_TEXT);
	check_strs(&e->misc_data, OW_MAX_WUSP_LIST, OW_MAX_WUSP_TEXT);
	if (e->has_extended)
		check_req(e->processor_architecture, OW_MAX_WUSP_SHORT);
	check_str(e->device_id, OW_MAX_WUSP_SHORT);
}

static void check_request(const struct wusp_request *r)
{
	if ((unsigned)r->op >= WUSP_OP_UNKNOWN || strcmp(r->op_name, wusp_op_name(r->op)) != 0)
		abort();
	if (r->soap12 != 0 && r->soap12 != 1)
		abort();
	switch (r->op) {
	case WUSP_GET_CONFIG:
		check_str(r->get_config.protocol_version, OW_MAX_WUSP_SHORT);
		break;
	case WUSP_GET_AUTH_COOKIE:
		check_req(r->get_auth_cookie.client_id, OW_MAX_WUSP_SHORT);
		check_req(r->get_auth_cookie.dns_name, OW_MAX_WUSP_SHORT);
		if (r->get_auth_cookie.client_id[0] == '\0' || r->get_auth_cookie.dns_name[0] == '\0')
			abort();
		check_str(r->get_auth_cookie.target_group_name, OW_MAX_WUSP_SHORT);
		break;
	case WUSP_GET_COOKIE: {
		const struct wusp_get_cookie *g = &r->get_cookie;

		if (g->nauth_cookies > OW_MAX_WUSP_LIST ||
		    (g->nauth_cookies == 0) != (g->auth_cookies == NULL))
			abort();
		for (size_t i = 0; i < g->nauth_cookies; i++) {
			check_str(g->auth_cookies[i].plugin_id, OW_MAX_WUSP_SHORT);
			check_str(g->auth_cookies[i].cookie_data, OW_MAX_WUSP_COOKIE_B64);
		}
		check_cookie(&g->old_cookie, 0);
		check_req(g->last_change, OW_MAX_WUSP_SHORT);
		check_req(g->current_time, OW_MAX_WUSP_SHORT);
		break;
	}
	case WUSP_REGISTER_COMPUTER: {
		const struct wusp_computer_info *i = &r->register_computer.info;

		check_cookie(&r->register_computer.cookie, 1);
		check_req(i->dns_name, OW_MAX_WUSP_SHORT);
		check_req(i->os_major, OW_MAX_WUSP_SHORT);
		check_req(i->os_build, OW_MAX_WUSP_SHORT);
		check_req(i->bios_release_date, OW_MAX_WUSP_SHORT);
		check_str(i->os_description, OW_MAX_WUSP_TEXT);
		if (i->os_sp_major_n < -32768 || i->os_sp_major_n > 32767)
			abort();
		break;
	}
	case WUSP_START_CATEGORY_SCAN: {
		const struct wusp_start_category_scan *s = &r->start_category_scan;

		check_cookie(&s->cookie, 0);
		if (s->nrequested > OW_MAX_WUSP_LIST || (s->nrequested == 0) != (s->requested == NULL))
			abort();
		for (size_t i = 0; i < s->nrequested; i++)
			check_guid(s->requested[i].category_id, 0);
		break;
	}
	case WUSP_SYNC_UPDATES:
		check_sync(&r->sync_updates);
		break;
	case WUSP_GET_EXTENDED_UPDATE_INFO: {
		const struct wusp_get_extended_update_info *g = &r->get_extended_update_info;

		check_cookie(&g->cookie, 1);
		check_ids(&g->revision_ids, OW_MAX_WUSP_IDS);
		if (!g->info_types.present || g->info_mask > 0xff)
			abort();
		check_strs(&g->info_types, OW_MAX_WUSP_LIST, OW_MAX_WUSP_SHORT);
		check_strs(&g->locales, OW_MAX_WUSP_LIST, OW_MAX_WUSP_SHORT);
		if ((g->info_mask & (WUSP_INFO_LOCALIZED_PROPERTIES | WUSP_INFO_EULA)) &&
		    !g->locales.present)
			abort();
		check_str(g->device_attributes, OW_MAX_WUSP_ATTRS);
		check_str(g->geo_id, OW_MAX_WUSP_SHORT);
		check_str(g->caller_attributes, OW_MAX_WUSP_TEXT);
		break;
	}
	case WUSP_GET_FILE_LOCATIONS: {
		const struct wusp_get_file_locations *g = &r->get_file_locations;

		check_cookie(&g->cookie, 1);
		if (g->ndigests > OW_MAX_WUSP_DIGESTS || (g->ndigests == 0) != (g->digests == NULL))
			abort();
		for (size_t i = 0; i < g->ndigests; i++) {
			const struct wusp_digest *d = &g->digests[i];

			if (d->nbytes == 0 || d->nbytes > OW_MAX_WUSP_DIGEST_BYTES ||
			    strlen(d->hex) != 2 * d->nbytes ||
			    strspn(d->hex, "0123456789ABCDEF") != 2 * d->nbytes)
				abort();
		}
		break;
	}
	case WUSP_REFRESH_CACHE: {
		const struct wusp_refresh_cache *g = &r->refresh_cache;

		check_cookie(&g->cookie, 1);
		if (g->nglobal_ids > OW_MAX_WUSP_IDS ||
		    (g->nglobal_ids == 0) != (g->global_ids == NULL))
			abort();
		for (size_t i = 0; i < g->nglobal_ids; i++)
			check_guid(g->global_ids[i].update_id, 0);
		break;
	}
	case WUSP_GET_TIMESTAMPS:
		check_cookie(&r->get_timestamps.cookie, 0);
		break;
	case WUSP_REPORT_EVENT_BATCH: {
		const struct wusp_report_event_batch *g = &r->report_event_batch;

		check_cookie(&g->cookie, 1);
		check_req(g->client_time, OW_MAX_WUSP_SHORT);
		if (g->nevents > OW_MAX_WUSP_EVENTS || (g->nevents == 0) != (g->events == NULL))
			abort();
		for (size_t i = 0; i < g->nevents; i++)
			check_event(&g->events[i]);
		break;
	}
	case WUSP_OP_UNKNOWN:
		abort();
	}
}

/* One decode; returns rc and, on success, the operation. */
static int decode(const char *s, size_t n, const char *action, enum wusp_op *op)
{
	static const struct wusp_request zero;
	struct wusp_request r;
	struct ow_err err = { 0, "" };
	int rc = wusp_request_parse(s, n, action, &r, &err);

	if (rc > 0)
		abort();
	if (rc == 0) {
		check_request(&r);
	} else {
		if (err.code != rc || memchr(err.msg, '\0', sizeof(err.msg)) == NULL ||
		    r.doc_ != NULL || r.arena_ != NULL ||
		    memchr(r.op_name, '\0', sizeof(r.op_name)) == NULL)
			abort();
		if (r.op != WUSP_OP_UNKNOWN && strcmp(r.op_name, wusp_op_name(r.op)) != 0)
			abort();
	}
	*op = r.op;
	wusp_request_release(&r);
	if (memcmp(&r.get_config, &zero.get_config, sizeof(r.get_config)) != 0 ||
	    r.op != WUSP_OP_UNKNOWN || r.doc_ != NULL || r.arena_ != NULL)
		abort();
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	enum wusp_op op, op2;
	const uint8_t *nl;

	if (decode(s, size, NULL, &op) == 0) {
		enum wusp_op other = (enum wusp_op)((op + 1) % WUSP_OP_UNKNOWN);

		/* The operation's own action changes nothing; another one is
		 * refused, still naming the operation found. */
		if (decode(s, size, wusp_op_action(op), &op2) != 0 || op2 != op)
			abort();
		if (decode(s, size, wusp_op_action(other), &op2) != OW_EINVAL || op2 != op)
			abort();
	}

	/* "action line\nbody" */
	if (size > 0 && (data[0] == '"' || data[0] == 'h') &&
	    (nl = memchr(data, '\n', size < 512 ? size : 512)) != NULL) {
		char action[512];
		size_t alen = (size_t)(nl - data);

		memcpy(action, data, alen);
		action[alen] = '\0';
		if (strlen(action) == alen)     /* no NUL inside */
			(void)decode((const char *)nl + 1, size - alen - 1, action, &op2);
	}
	return 0;
}
