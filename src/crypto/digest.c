/* SPDX-License-Identifier: MIT */
/*
 * One-pass SHA-1 + SHA-256 over OpenSSL 3's EVP interface (see digest.h).
 * Files are read in OW_FILE_CHUNK steps from a heap buffer, so memory use
 * does not depend on the file's size.
 */
#include "crypto/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/limits.h"

int digest_pair_init(struct digest_pair *d)
{
	d->sha1 = EVP_MD_CTX_new();
	d->sha256 = EVP_MD_CTX_new();
	if (d->sha1 == NULL || d->sha256 == NULL)
		goto fail;
	if (EVP_DigestInit_ex(d->sha1, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestInit_ex(d->sha256, EVP_sha256(), NULL) != 1)
		goto fail;
	return 0;
fail:
	digest_pair_release(d);
	return OW_ECRYPTO;
}

int digest_pair_update(struct digest_pair *d, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (EVP_DigestUpdate(d->sha1, p, n) != 1 ||
	    EVP_DigestUpdate(d->sha256, p, n) != 1)
		return OW_ECRYPTO;
	return 0;
}

int digest_pair_final(struct digest_pair *d, unsigned char sha1[DIGEST_SHA1_LEN],
		      unsigned char sha256[DIGEST_SHA256_LEN])
{
	unsigned int n1 = 0, n256 = 0;

	if (EVP_DigestFinal_ex(d->sha1, sha1, &n1) != 1 ||
	    EVP_DigestFinal_ex(d->sha256, sha256, &n256) != 1)
		return OW_ECRYPTO;
	if (n1 != DIGEST_SHA1_LEN || n256 != DIGEST_SHA256_LEN)
		return OW_ECRYPTO;
	return 0;
}

void digest_pair_release(struct digest_pair *d)
{
	EVP_MD_CTX_free(d->sha1);
	EVP_MD_CTX_free(d->sha256);
	d->sha1 = NULL;
	d->sha256 = NULL;
}

void digest_hex(const unsigned char *bin, size_t n, char *out, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bin[i] >> 4];
		out[2 * i + 1] = digits[bin[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

int digest_file(const char *path, unsigned char sha1[DIGEST_SHA1_LEN],
		unsigned char sha256[DIGEST_SHA256_LEN], uint64_t *size,
		struct ow_err *err)
{
	struct digest_pair d = { NULL, NULL };
	struct stat st;
	unsigned char *buf = NULL;
	uint64_t total = 0;
	int fd = -1, rc;

	/* O_NONBLOCK keeps open() from waiting on a FIFO's writer; the
	 * S_ISREG check below then refuses it. It has no effect on files. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		rc = ow_err_set(err, errno == ENOENT ? OW_ENOENT : OW_EIO,
				"%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = ow_err_set(err, OW_EIO, "%s: not a regular file", path);
		goto fail;
	}
	buf = malloc(OW_FILE_CHUNK);
	if (buf == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	if (digest_pair_init(&d) < 0) {
		rc = ow_err_set(err, OW_ECRYPTO, "%s: cannot start digests", path);
		goto fail;
	}
	for (;;) {
		ssize_t n = read(fd, buf, OW_FILE_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ow_err_set(err, OW_EIO, "%s: read: %s", path,
					strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		if (digest_pair_update(&d, buf, (size_t)n) < 0) {
			rc = ow_err_set(err, OW_ECRYPTO, "%s: digest failed", path);
			goto fail;
		}
		total += (uint64_t)n;
	}
	if (digest_pair_final(&d, sha1, sha256) < 0) {
		rc = ow_err_set(err, OW_ECRYPTO, "%s: digest failed", path);
		goto fail;
	}
	if (size != NULL)
		*size = total;
	rc = 0;
fail:
	digest_pair_release(&d);
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}
