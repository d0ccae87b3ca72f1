/* SPDX-License-Identifier: MIT */
/*
 * Least privilege. `serve` started as root binds its ports, then gives up
 * root for good (ow_priv_drop): real, effective and saved ids all become the
 * service user's, supplementary groups become that user's, and the drop is
 * checked by trying to get root back. Maintenance verbs run by root on a data
 * directory that belongs to the service user act as that owner
 * (ow_priv_act_as), so every file they create stays the daemon's; they switch
 * back (ow_priv_act_as_invoker) only to read the input files an
 * administrator names. readiness for a service manager: ow_sd_notify.
 */
#ifndef OW_BASE_PRIV_H
#define OW_BASE_PRIV_H

#include <sys/types.h>

#include "base/err.h"

#define OW_DEFAULT_SERVICE_USER "openwsus"

/* Looks up user (and group, NULL or "" for the user's primary group). */
int ow_priv_lookup(const char *user, const char *group, uid_t *uid, gid_t *gid,
		   struct ow_err *err) OW_WUR;

/* Becomes user:group for good. Fails when not root; the caller decides
 * whether that matters. */
int ow_priv_drop(const char *user, const char *group, struct ow_err *err) OW_WUR;

/* Root only: effective ids become the owner of dir when that owner is not
 * root; *acting is set to 1 then. A no-op otherwise. */
int ow_priv_act_as_owner(const char *dir, int *acting, struct ow_err *err) OW_WUR;

/* Back to root effective ids (after ow_priv_act_as_owner), and forth. */
int ow_priv_act_as_invoker(void) OW_WUR;
int ow_priv_act_as_again(void) OW_WUR;

/* Sends state ("READY=1", "STOPPING=1", ...) to $NOTIFY_SOCKET when set;
 * 0 when sent or not asked for. */
int ow_sd_notify(const char *state);

#endif
