/* SPDX-License-Identifier: MIT */
/*
 * Content import and verification (see import.h). The name of a file is
 * known only after its last byte has been hashed, so the copy goes to a
 * private temporary directory on the same file system and is renamed into
 * place; rename is atomic, and the fsyncs of file and directory make the
 * result survive a crash. Hashing and copying share one read of the source.
 */
#include "content/import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/util.h"
#include "crypto/digest.h"

/* Creates dir with mode (whatever the umask) unless a directory is already
 * there. Returns 1 if it was created, 0 if it existed, -1 with errno set
 * otherwise. */
static int ensure_dir(const char *dir, mode_t mode)
{
	struct stat st;

	if (mkdir(dir, mode) == 0)
		return chmod(dir, mode) == 0 ? 1 : -1;
	if (errno != EEXIST)
		return -1;
	if (lstat(dir, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* The extension content_import gives a file copied from path. */
static void ext_of(const char *path, char ext[OW_MAX_CONTENT_EXT + 1])
{
	const char *base = strrchr(path, '/');
	const char *dot;
	size_t n;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	n = dot ? strlen(dot + 1) : 0;
	if (n >= 1 && n <= OW_MAX_CONTENT_EXT) {
		size_t i;

		for (i = 0; i < n; i++) {
			char c = dot[1 + i];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
				break;
			ext[i] = c;
		}
		if (i == n) {
			ext[n] = '\0';
			return;
		}
	}
	memcpy(ext, "bin", 4);
}

/* Copies src_fd to dst_fd, hashing on the way. */
static int copy_hashing(int src_fd, int dst_fd, struct digest_pair *d,
			uint64_t *size, const char *src_path, const char *tmp,
			struct ow_err *err)
{
	unsigned char *buf = malloc(OW_FILE_CHUNK);
	uint64_t total = 0;
	int rc = 0;

	if (buf == NULL)
		return ow_err_set(err, OW_ENOMEM, "%s: out of memory", src_path);
	for (;;) {
		ssize_t n = read(src_fd, buf, OW_FILE_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ow_err_set(err, OW_EIO, "%s: read: %s", src_path,
					strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (digest_pair_update(d, buf, (size_t)n) < 0) {
			rc = ow_err_set(err, OW_ECRYPTO, "%s: digest failed",
					src_path);
			break;
		}
		if (ow_write_all(dst_fd, buf, (size_t)n) < 0) {
			rc = ow_err_set(err, OW_EIO, "%s: write: %s", tmp,
					strerror(errno));
			break;
		}
		total += (uint64_t)n;
	}
	free(buf);
	*size = total;
	return rc;
}

int content_import(const char *content_dir, const char *src_path,
		   struct content_info *out, struct ow_err *err)
{
	return content_import_ext(content_dir, src_path, NULL, out, err);
}

int content_import_ext(const char *content_dir, const char *src_path, const char *ext_or_null,
		       struct content_info *out, struct ow_err *err)
{
	int src_fd, rc;

	/* O_NONBLOCK: a FIFO must not block open(); fstat refuses it next. */
	src_fd = open(src_path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (src_fd < 0)
		return ow_err_set(err, errno == ENOENT ? OW_ENOENT : OW_EIO, "%s: %s", src_path,
				  strerror(errno));
	rc = content_import_fd(content_dir, src_fd, src_path, ext_or_null, out, err);
	close(src_fd);
	return rc;
}

int content_import_fd(const char *content_dir, int src_fd, const char *src_path,
		      const char *ext_or_null, struct content_info *out, struct ow_err *err)
{
	char tmp[OW_MAX_PATH] = "", path[OW_MAX_PATH], rel[CONTENT_RELPATH_MAX + 1];
	char ext[OW_MAX_CONTENT_EXT + 1];
	unsigned char sha1[DIGEST_SHA1_LEN], sha256[DIGEST_SHA256_LEN];
	struct digest_pair d = { NULL, NULL };
	struct content_info info;
	struct stat st;
	int tmp_fd = -1, made, rc;

	memset(&info, 0, sizeof(info));
	ext_of(ext_or_null ? ext_or_null : src_path, ext);
	if (fstat(src_fd, &st) < 0 || !S_ISREG(st.st_mode))
		return ow_err_set(err, OW_EIO, "%s: not a regular file", src_path);

	if (ow_fmt(tmp, sizeof(tmp), "%s/.tmp", content_dir) < 0) {
		rc = ow_err_set(err, OW_ELIMIT, "%s: path too long", content_dir);
		tmp[0] = '\0';
		goto fail;
	}
	if (ensure_dir(tmp, 0700) < 0) {
		rc = ow_err_set(err, OW_EIO, "%s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		goto fail;
	}
	if (ow_fmt(tmp, sizeof(tmp), "%s/.tmp/import.XXXXXX", content_dir) < 0) {
		rc = ow_err_set(err, OW_ELIMIT, "%s: path too long", content_dir);
		tmp[0] = '\0';
		goto fail;
	}
	tmp_fd = mkostemp(tmp, O_CLOEXEC);
	if (tmp_fd < 0) {
		rc = ow_err_set(err, OW_EIO, "%s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		goto fail;
	}
	/* From here on tmp names a file of ours that fail: removes. */

	if (digest_pair_init(&d) < 0) {
		rc = ow_err_set(err, OW_ECRYPTO, "cannot start digests");
		goto fail;
	}
	rc = copy_hashing(src_fd, tmp_fd, &d, &info.size, src_path, tmp, err);
	if (rc < 0)
		goto fail;
	if (digest_pair_final(&d, sha1, sha256) < 0) {
		rc = ow_err_set(err, OW_ECRYPTO, "%s: digest failed", src_path);
		goto fail;
	}
	if (fchmod(tmp_fd, 0644) < 0 || fsync(tmp_fd) < 0) {
		rc = ow_err_set(err, OW_EIO, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(tmp_fd) < 0) {
		tmp_fd = -1;
		rc = ow_err_set(err, OW_EIO, "%s: close: %s", tmp, strerror(errno));
		goto fail;
	}
	tmp_fd = -1;

	if (content_name_from_digest(sha1, ext, &info.name) < 0 ||
	    content_name_relpath(&info.name, rel, sizeof(rel)) < 0) {
		rc = ow_err_set(err, OW_EINVAL, "%s: cannot name content", src_path);
		goto fail;
	}
	digest_hex(sha256, sizeof(sha256), info.sha256_hex, 0);

	if (ow_fmt(path, sizeof(path), "%s/%s", content_dir, info.name.dir) < 0) {
		rc = ow_err_set(err, OW_ELIMIT, "%s: path too long", content_dir);
		goto fail;
	}
	made = ensure_dir(path, 0755);
	if (made < 0) {
		rc = ow_err_set(err, OW_EIO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	/* A new XX/ must itself survive a crash: sync its parent. */
	if (made == 1 && ow_fsync_dir_of(path) < 0) {
		rc = ow_err_set(err, OW_EIO, "%s: fsync failed", content_dir);
		goto fail;
	}
	if (ow_fmt(path, sizeof(path), "%s/%s", content_dir, rel) < 0) {
		rc = ow_err_set(err, OW_ELIMIT, "%s: path too long", content_dir);
		goto fail;
	}

	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != info.size) {
			rc = ow_err_set(err, OW_EEXIST,
					"%s exists but is not a %llu-byte file; "
					"remove it and import again", path,
					(unsigned long long)info.size);
			goto fail;
		}
		/* Same name, same size: the same file (its name is its
		 * SHA-1). content_verify checks the bytes when asked. */
		info.existed = 1;
		if (unlink(tmp) < 0) {
			rc = ow_err_set(err, OW_EIO, "%s: %s", tmp, strerror(errno));
			goto fail;
		}
		tmp[0] = '\0';
	} else if (errno != ENOENT) {
		rc = ow_err_set(err, OW_EIO, "%s: %s", path, strerror(errno));
		goto fail;
	} else {
		if (rename(tmp, path) < 0) {
			rc = ow_err_set(err, OW_EIO, "rename to %s: %s", path,
					strerror(errno));
			goto fail;
		}
		tmp[0] = '\0';
		if (ow_fsync_dir_of(path) < 0) {
			/* Keep the promise that a failed import leaves
			 * nothing behind, even a file whose entry may not
			 * have reached the disk. */
			rc = ow_err_set(err, OW_EIO, "%s: fsync of directory failed",
					path);
			(void)unlink(path);
			goto fail;
		}
	}
	*out = info;
	rc = 0;
fail:
	digest_pair_release(&d);
	if (tmp_fd >= 0)
		close(tmp_fd);
	if (tmp[0] != '\0')
		unlink(tmp);
	return rc;
}

static int hex_equal_nocase(const char *a, const char *b, size_t n)
{
	return ow_strncasecmp(a, b, n) == 0;
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F')))
			return 0;
	}
	return s[n] == '\0';
}

int content_verify(const char *content_dir, const struct content_name *name,
		   const char *sha256_hex_or_null, struct ow_err *err)
{
	char path[OW_MAX_PATH], rel[CONTENT_RELPATH_MAX + 1];
	char sha1_hex[2 * DIGEST_SHA1_LEN + 1], sha256_hex[2 * DIGEST_SHA256_LEN + 1];
	unsigned char sha1[DIGEST_SHA1_LEN], sha256[DIGEST_SHA256_LEN];
	int rc;

	if (sha256_hex_or_null != NULL &&
	    (strnlen(sha256_hex_or_null, 65) != 64 || !is_hex(sha256_hex_or_null, 64)))
		return ow_err_set(err, OW_EINVAL, "not a SHA-256 in hex: %.70s",
				  sha256_hex_or_null);
	if (content_name_relpath(name, rel, sizeof(rel)) < 0)
		return ow_err_set(err, OW_EINVAL, "not a valid content name");
	if (ow_fmt(path, sizeof(path), "%s/%s", content_dir, rel) < 0)
		return ow_err_set(err, OW_ELIMIT, "%s: path too long", content_dir);
	rc = digest_file(path, sha1, sha256, NULL, err);
	if (rc < 0)
		return rc;
	digest_hex(sha1, sizeof(sha1), sha1_hex, 1);
	if (strcmp(sha1_hex, name->sha1) != 0)
		return ow_err_set(err, OW_EINVAL, "%s: SHA-1 is %s, not as named",
				  path, sha1_hex);
	if (sha256_hex_or_null != NULL) {
		digest_hex(sha256, sizeof(sha256), sha256_hex, 0);
		if (!hex_equal_nocase(sha256_hex, sha256_hex_or_null, 64))
			return ow_err_set(err, OW_EINVAL,
					  "%s: SHA-256 is %s, expected %s", path,
					  sha256_hex, sha256_hex_or_null);
	}
	return 0;
}
