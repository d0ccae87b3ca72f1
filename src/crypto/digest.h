/* SPDX-License-Identifier: MIT */
/*
 * SHA-1 and SHA-256 of one byte stream, computed in a single pass. Content
 * files are named by their SHA-1 (the WSUS URL grammar) and checked against
 * the SHA-256 that update metadata carries, so every reader of a content file
 * needs both; reading a multi-gigabyte file twice is what this avoids.
 */
#ifndef OW_CRYPTO_DIGEST_H
#define OW_CRYPTO_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "base/err.h"

#define DIGEST_SHA1_LEN 20
#define DIGEST_SHA256_LEN 32

/*
 * Two running hashes. Treat the members as private. Life cycle:
 *
 *   struct digest_pair d;
 *   if (digest_pair_init(&d) < 0) ...          // nothing to release
 *   digest_pair_update(&d, buf, n) ...         // any number of times
 *   digest_pair_final(&d, sha1, sha256) ...    // at most once
 *   digest_pair_release(&d);                   // always, after a good init
 */
struct digest_pair {
	EVP_MD_CTX *sha1;
	EVP_MD_CTX *sha256;
};

/* Starts both hashes. Returns 0, or OW_ECRYPTO with d left released (a
 * further digest_pair_release is harmless). */
int digest_pair_init(struct digest_pair *d) OW_WUR;

/* Feeds n bytes at p to both hashes. Returns 0 or OW_ECRYPTO. */
int digest_pair_update(struct digest_pair *d, const void *p, size_t n) OW_WUR;

/* Writes both digests. After it only digest_pair_release may be called.
 * Returns 0 or OW_ECRYPTO. */
int digest_pair_final(struct digest_pair *d, unsigned char sha1[DIGEST_SHA1_LEN],
		      unsigned char sha256[DIGEST_SHA256_LEN]) OW_WUR;

/* Frees both contexts; safe to call twice and after a failed init. */
void digest_pair_release(struct digest_pair *d);

/* Writes the n bytes at bin as 2n hex digits plus a NUL into out (2n+1
 * bytes), upper case when upper is non-zero, else lower case. */
void digest_hex(const unsigned char *bin, size_t n, char *out, int upper);

/* Reads the regular file at path to its end and returns both digests and
 * its size in bytes (size may be NULL). Returns 0, OW_ENOENT when path does
 * not exist, OW_EIO when it cannot be read or is not a regular file, or
 * OW_ECRYPTO; err gets a message naming path. */
int digest_file(const char *path, unsigned char sha1[DIGEST_SHA1_LEN],
		unsigned char sha256[DIGEST_SHA256_LEN], uint64_t *size,
		struct ow_err *err) OW_WUR;

#endif
