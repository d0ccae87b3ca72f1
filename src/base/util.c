/* SPDX-License-Identifier: MIT */
/* Checked helpers for numbers, strings and files (see util.h). */
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/limits.h"

int ow_parse_ll(const char *s, long long min, long long max, long long *out)
{
	const char *p = s;
	unsigned long long v = 0, limit = LLONG_MAX;
	long long r;
	int neg = 0;

	if (s == NULL || *s == '\0')
		return OW_EINVAL;
	if (*p == '-' && min < 0) {
		neg = 1;
		limit = (unsigned long long)LLONG_MAX + 1; /* -LLONG_MIN */
		p++;
	}
	if (*p == '\0')
		return OW_EINVAL;
	for (; *p; p++) {
		unsigned d;

		if (*p < '0' || *p > '9')
			return OW_EINVAL;
		d = (unsigned)(*p - '0');
		if (v > (limit - d) / 10)
			return OW_EINVAL;
		v = v * 10 + d;
	}
	if (neg)
		r = v > (unsigned long long)LLONG_MAX ? LLONG_MIN : -(long long)v;
	else
		r = (long long)v;
	if (r < min || r > max)
		return OW_EINVAL;
	*out = r;
	return 0;
}

int ow_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return OW_ELIMIT;
	return 0;
}

int ow_strlcpy(char *dst, const char *src, size_t len)
{
	size_t n = strlen(src);

	if (len == 0)
		return OW_ELIMIT;
	if (n >= len) {
		memcpy(dst, src, len - 1);
		dst[len - 1] = '\0';
		return OW_ELIMIT;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

int ow_strncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[i];

		if (ca >= 'A' && ca <= 'Z')
			ca = (unsigned char)(ca + 32);
		if (cb >= 'A' && cb <= 'Z')
			cb = (unsigned char)(cb + 32);
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (ca == '\0')
			return 0;
	}
	return 0;
}

int ow_read_file(const char *path, size_t max, char **out, size_t *outlen,
		 struct ow_err *err)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd = -1, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = ow_err_set(err, errno == ENOENT ? OW_ENOENT : OW_EIO,
				"%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = ow_err_set(err, OW_EIO, "%s: not a regular file", path);
		goto fail;
	}
	if ((unsigned long long)st.st_size > max) {
		rc = ow_err_set(err, OW_ELIMIT, "%s: larger than %zu bytes", path, max);
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = ow_err_set(err, OW_EIO, "%s: read failed", path);
			goto fail;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	*out = buf;
	if (outlen)
		*outlen = got;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}

int ow_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return OW_EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ow_fsync_dir_of(const char *path)
{
	char dir[OW_MAX_PATH];
	char *slash;
	int fd, rc = 0;

	if (ow_strlcpy(dir, path, sizeof(dir)) < 0)
		return OW_ELIMIT;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return OW_EIO;
	if (fsync(fd) < 0)
		rc = OW_EIO;
	close(fd);
	return rc;
}

int ow_write_file_atomic(const char *path, const void *data, size_t len,
			 mode_t mode, struct ow_err *err)
{
	char tmp[OW_MAX_PATH];
	int fd = -1, rc;

	if (ow_fmt(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) < 0)
		return ow_err_set(err, OW_ELIMIT, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		rc = ow_err_set(err, OW_EIO, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (fchmod(fd, mode) < 0 || ow_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		rc = ow_err_set(err, OW_EIO, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = ow_err_set(err, OW_EIO, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		rc = ow_err_set(err, OW_EIO, "rename %s: %s", path, strerror(errno));
		goto fail;
	}
	if (ow_fsync_dir_of(path) < 0)
		return ow_err_set(err, OW_EIO, "%s: fsync of directory failed", path);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return rc;
}

uint64_t ow_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
