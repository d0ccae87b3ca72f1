/* SPDX-License-Identifier: MIT */
#include "base/priv.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define PW_BUF 16384

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OW_LSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define OW_LSAN 1
#endif

/* A change of ids makes the process non-dumpable, which keeps other
 * processes of the service user from reading its memory. LeakSanitizer
 * needs to inspect its own threads, which a non-dumpable process forbids:
 * only the sanitizer build turns dumpable back on. */
static void after_id_change(void)
{
#ifdef OW_LSAN
	(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
}

#ifdef OW_LSAN
/* The leak check at exit traces the process's threads, which the kernel
 * allows only when real and effective ids agree: give root back first. */
static void restore_for_lsan(void)
{
	if (ow_priv_act_as_invoker() < 0)
		_exit(70);
}
#endif

/* Set while a maintenance verb acts as the data directory's owner. */
static uid_t owner_uid;
static gid_t owner_gid;
static int acting;

int ow_priv_lookup(const char *user, const char *group, uid_t *uid, gid_t *gid,
		   struct ow_err *err)
{
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	char buf[PW_BUF];
	int rc;

	rc = getpwnam_r(user, &pw, buf, sizeof(buf), &pwp);
	if (rc != 0 || pwp == NULL)
		return ow_err_set(err, OW_ENOENT,
				  "service user '%s' does not exist: create it with "
				  "'useradd --system --no-create-home --shell /usr/sbin/nologin %s' "
				  "(make deps does) or name another one with [server] user",
				  user, user);
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	if (group && group[0]) {
		rc = getgrnam_r(group, &gr, buf, sizeof(buf), &grp);
		if (rc != 0 || grp == NULL)
			return ow_err_set(err, OW_ENOENT, "service group '%s' does not exist",
					  group);
		*gid = gr.gr_gid;
	}
	return 0;
}

int ow_priv_drop(const char *user, const char *group, struct ow_err *err)
{
	uid_t uid, ru, eu, su;
	gid_t gid, rg, eg, sg;
	int rc;

	if (geteuid() != 0)
		return ow_err_set(err, OW_EPERM, "not running as root: nothing to drop");
	if ((rc = ow_priv_lookup(user, group, &uid, &gid, err)) < 0)
		return rc;
	if (uid == 0 || gid == 0)
		return ow_err_set(err, OW_EPERM,
				  "service user '%s' is root or in group root: name an "
				  "unprivileged user with [server] user", user);
	/* Groups first: once the uid is gone, so is the right to change them. */
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return ow_err_set(err, OW_EPERM, "cannot become %s: %s", user, strerror(errno));
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 || ru != uid ||
	    eu != uid || su != uid || rg != gid || eg != gid || sg != gid)
		return ow_err_set(err, OW_EPERM, "privilege drop to %s did not take", user);
	/* No way back: getting root again must fail. */
	if (setuid(0) == 0 || seteuid(0) == 0)
		abort();
	acting = 0;
	after_id_change();
	return 0;
}

int ow_priv_act_as_owner(const char *dir, int *acting_out, struct ow_err *err)
{
	struct stat st;

	*acting_out = 0;
	if (geteuid() != 0 || acting)
		return 0;
	if (stat(dir, &st) < 0)
		return 0; /* the verb reports the missing directory itself */
	if (st.st_uid == 0)
		return 0;
	owner_uid = st.st_uid;
	owner_gid = st.st_gid;
	acting = 1;
#ifdef OW_LSAN
	{
		static int registered;

		if (!registered++)
			(void)atexit(restore_for_lsan);
	}
#endif
	if (ow_priv_act_as_again() < 0) {
		acting = 0;
		return ow_err_set(err, OW_EPERM, "cannot act as the owner (uid %ld) of %s: %s",
				  (long)st.st_uid, dir, strerror(errno));
	}
	*acting_out = 1;
	return 0;
}

int ow_priv_act_as_invoker(void)
{
	if (!acting)
		return 0;
	if (seteuid(0) < 0 || setegid(0) < 0)
		return -1;
	after_id_change();
	return 0;
}

int ow_priv_act_as_again(void)
{
	if (!acting)
		return 0;
	if (setegid(owner_gid) < 0 || seteuid(owner_uid) < 0)
		return -1;
	after_id_change();
	return 0;
}

int ow_sd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	size_t n;
	socklen_t salen;
	int fd, rc = 0;

	if (path == NULL || path[0] == '\0')
		return 0;
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sa.sun_path))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
		rc = -1;
	close(fd);
	return rc;
}
