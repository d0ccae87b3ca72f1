/* SPDX-License-Identifier: MIT */
/*
 * Content removal and the directory scan behind cleanup (see sweep.h).
 * Every path is resolved one component at a time from a directory file
 * descriptor, never as a string, so no component below content_dir can be
 * a symlink that redirects the operation.
 */
#include "content/sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens the XX directory of content_dir without following a symlink.
 * Returns the descriptor, or -1 with errno set. */
static int open_subdir(const char *content_dir, const char *dir)
{
	int root, fd, saved;

	root = open(content_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -1;
	fd = openat(root, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	saved = errno;
	close(root);
	errno = saved;
	return fd;
}

int content_remove(const char *content_dir, const struct content_name *name,
		   enum content_remove_result *result, struct ow_err *err)
{
	char rel[CONTENT_RELPATH_MAX + 1];
	struct stat sb;
	int dfd = -1, rc;

	*result = CONTENT_ABSENT;
	if (content_name_relpath(name, rel, sizeof(rel)) < 0)
		return ow_err_set(err, OW_EINVAL, "not a content file name");
	dfd = open_subdir(content_dir, name->dir);
	if (dfd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP || errno == ENOTDIR) {
			*result = CONTENT_NOT_REGULAR;
			return 0;
		}
		return ow_err_set(err, OW_EIO, "%s/%s: %s", content_dir, name->dir, strerror(errno));
	}
	/* rel is "XX/" + the file name; the name alone is resolved in dfd. */
	if (fstatat(dfd, rel + 3, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		rc = errno == ENOENT ? 0
				     : ow_err_set(err, OW_EIO, "%s/%s: %s", content_dir, rel, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		*result = CONTENT_NOT_REGULAR;
		rc = 0;
		goto out;
	}
	if (unlinkat(dfd, rel + 3, 0) < 0) {
		rc = errno == ENOENT ? 0
				     : ow_err_set(err, OW_EIO, "unlink %s/%s: %s", content_dir, rel,
						  strerror(errno));
		goto out;
	}
	*result = CONTENT_REMOVED;
	rc = 0;
out:
	close(dfd);
	return rc;
}

static int is_upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* Scans one XX directory (dfd, which this closes). */
static int scan_dir(const char *content_dir, const char *xx, int dfd, content_scan_cb cb,
		    void *arg, struct ow_err *err)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	int rc = 0;

	if (d == NULL) {
		close(dfd);
		return ow_err_set(err, OW_EIO, "%s/%s: %s", content_dir, xx, strerror(errno));
	}
	for (;;) {
		char rel[CONTENT_RELPATH_MAX + 2], canon[CONTENT_RELPATH_MAX + 1];
		struct content_name n;
		struct stat sb;
		size_t len;

		errno = 0;
		if ((e = readdir(d)) == NULL) {
			if (errno != 0)
				rc = ow_err_set(err, OW_EIO, "%s/%s: %s", content_dir, xx, strerror(errno));
			break;
		}
		len = strlen(e->d_name);
		if (len + 3 > CONTENT_RELPATH_MAX)
			continue;
		memcpy(rel, xx, 2);
		rel[2] = '/';
		memcpy(rel + 3, e->d_name, len + 1);
		/* Only the canonical spelling: parse accepts either case, so the
		 * name must also read back unchanged. */
		if (content_name_parse(rel, len + 3, &n) < 0 ||
		    content_name_relpath(&n, canon, sizeof(canon)) < 0 || strcmp(canon, rel) != 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			rc = ow_err_set(err, OW_EIO, "%s/%s: %s", content_dir, rel, strerror(errno));
			break;
		}
		if (!S_ISREG(sb.st_mode))
			continue;
		if ((rc = cb(&n, (int64_t)sb.st_mtime, arg)) != 0)
			break;
	}
	closedir(d);
	return rc;
}

int content_scan(const char *content_dir, content_scan_cb cb, void *arg, struct ow_err *err)
{
	DIR *top = NULL;
	struct dirent *e;
	int root = -1, rc = 0;

	root = open(content_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		if (errno == ENOENT)
			return 0;
		return ow_err_set(err, OW_EIO, "%s: %s", content_dir, strerror(errno));
	}
	top = fdopendir(root);
	if (top == NULL) {
		rc = ow_err_set(err, OW_EIO, "%s: %s", content_dir, strerror(errno));
		close(root);
		return rc;
	}
	for (;;) {
		char xx[3];
		int dfd;

		errno = 0;
		if ((e = readdir(top)) == NULL) {
			if (errno != 0)
				rc = ow_err_set(err, OW_EIO, "%s: %s", content_dir, strerror(errno));
			break;
		}
		if (strlen(e->d_name) != 2 || !is_upper_hex(e->d_name[0]) || !is_upper_hex(e->d_name[1]))
			continue;
		memcpy(xx, e->d_name, 3);
		dfd = openat(dirfd(top), xx, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0) {
			if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)
				continue; /* gone, a symlink, or not a directory */
			rc = ow_err_set(err, OW_EIO, "%s/%s: %s", content_dir, xx, strerror(errno));
			break;
		}
		if ((rc = scan_dir(content_dir, xx, dfd, cb, arg, err)) != 0)
			break;
	}
	closedir(top);
	return rc;
}
