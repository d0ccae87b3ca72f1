/* SPDX-License-Identifier: MIT */
/*
 * The MS-WUSP authorization and client cookies as AES-256-GCM sealed
 * records (format in cookie.h). Opening checks, in this order, everything
 * that costs nothing (length, version, kind, key id), then the tag, and
 * only then reads the record, field by field with every length checked
 * against its cap and the bytes left. The trade-off: one allocation of an
 * OpenSSL cipher context per seal or open, in exchange for no shared
 * mutable state between threads.
 */
#include "auth/cookie.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

_Static_assert(COOKIE_RECORD_MIN == 39 + 1, "record layout");

/* ---- little-endian fields ---- */

static void put_u16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint16_t get_u16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Two's complement without relying on implementation-defined conversion. */
static int64_t u64_to_i64(uint64_t v)
{
	if (v <= (uint64_t)INT64_MAX)
		return (int64_t)v;
	return -(int64_t)(~v) - 1;
}

/* ---- field rules (shared by seal and open) ---- */

static int client_id_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '{' || c == '}';
}

static int client_id_ok(const unsigned char *s, size_t n)
{
	if (n < 1 || n > OW_MAX_COOKIE_CLIENT_ID)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!client_id_char(s[i]))
			return 0;
	return 1;
}

static int groups_ok(const unsigned char *s, size_t n)
{
	if (n > OW_MAX_COOKIE_GROUPS)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((s[i] < 0x20 && s[i] != '\n') || s[i] == 0x7f)
			return 0;
	return 1;
}

int cookie_client_id_valid(const char *s)
{
	if (s == NULL)
		return 0;
	return client_id_ok((const unsigned char *)s, strnlen(s, OW_MAX_COOKIE_CLIENT_ID + 1));
}

static int kind_ok(int kind)
{
	return kind == COOKIE_AUTH || kind == COOKIE_CLIENT;
}

/* ---- keyring ---- */

static const struct cookie_key *ring_find(const struct cookie_keyring *ring, uint32_t id)
{
	for (size_t i = 0; i < ring->n && i < OW_MAX_COOKIE_KEYS; i++)
		if (ring->keys[i].id == id)
			return &ring->keys[i];
	return NULL;
}

int cookie_keyring_add(struct cookie_keyring *ring, uint32_t key_id,
		       const unsigned char k[COOKIE_KEY_BYTES], struct ow_err *err)
{
	if (ring == NULL || k == NULL || ring->n > OW_MAX_COOKIE_KEYS)
		return ow_err_set(err, OW_EINVAL, "cookie keyring: bad arguments");
	if (ring->n == OW_MAX_COOKIE_KEYS)
		return ow_err_set(err, OW_ELIMIT, "cookie keyring: already %d keys",
				  OW_MAX_COOKIE_KEYS);
	if (ring_find(ring, key_id) != NULL)
		return ow_err_set(err, OW_EEXIST, "cookie keyring: key id %u loaded twice",
				  (unsigned)key_id);
	ring->keys[ring->n].id = key_id;
	memcpy(ring->keys[ring->n].k, k, COOKIE_KEY_BYTES);
	ring->n++;
	return 0;
}

int cookie_keyring_load(const char *path, uint32_t key_id, struct cookie_keyring *ring,
			struct ow_err *err)
{
	/* One byte more than a key, so a longer file shows in one read. */
	unsigned char buf[COOKIE_KEY_BYTES + 1];
	struct stat st;
	size_t got = 0;
	int fd = -1, rc;

	if (path == NULL || ring == NULL) {
		rc = ow_err_set(err, OW_EINVAL, "cookie key: no path");
		goto fail;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = ow_err_set(err, errno == ENOENT ? OW_ENOENT : OW_EIO, "cookie key %s: %s",
				path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = ow_err_set(err, OW_EIO, "cookie key %s: not a regular file", path);
		goto fail;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		rc = ow_err_set(err, OW_EPERM,
				"cookie key %s: mode %03o lets others read it; chmod 600",
				path, (unsigned)(st.st_mode & 0777));
		goto fail;
	}
	while (got < sizeof(buf)) {
		ssize_t r = read(fd, buf + got, sizeof(buf) - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = ow_err_set(err, OW_EIO, "cookie key %s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got != COOKIE_KEY_BYTES) {
		rc = ow_err_set(err, OW_ECRYPTO, "cookie key %s: %s %d bytes, not exactly %d",
				path, got > COOKIE_KEY_BYTES ? "more than" : "only",
				got > COOKIE_KEY_BYTES ? COOKIE_KEY_BYTES : (int)got, COOKIE_KEY_BYTES);
		goto fail;
	}
	rc = cookie_keyring_add(ring, key_id, buf, err);
fail:
	OPENSSL_cleanse(buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	return rc;
}

void cookie_keyring_wipe(struct cookie_keyring *ring)
{
	if (ring != NULL)
		OPENSSL_cleanse(ring, sizeof(*ring));
}

/* ---- AES-256-GCM ---- */

/* Encrypts (enc = 1) or decrypts and verifies (enc = 0) n bytes of in into
 * out; the tag is written (enc) or checked (!enc) at tag. Returns 0, or -1
 * on any failure, including a tag mismatch. */
static int gcm(int enc, const unsigned char key[COOKIE_KEY_BYTES], const unsigned char *nonce,
	       const unsigned char *aad, size_t aadlen, const unsigned char *in, size_t n,
	       unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0, rc = -1;

	if (ctx == NULL)
		goto fail;
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, COOKIE_NONCE_BYTES, NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1)
		goto fail;
	if (EVP_CipherUpdate(ctx, NULL, &len, aad, (int)aadlen) != 1 ||
	    EVP_CipherUpdate(ctx, out, &len, in, (int)n) != 1 || (size_t)len != n)
		goto fail;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, COOKIE_TAG_BYTES, tag) != 1)
		goto fail;
	if (EVP_CipherFinal_ex(ctx, out + n, &len) != 1 || len != 0)
		goto fail;
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, COOKIE_TAG_BYTES, tag) != 1)
		goto fail;
	rc = 0;
fail:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* ---- seal ---- */

int cookie_seal(const struct cookie_keyring *ring, const struct cookie *c, char *b64,
		size_t b64len, struct ow_err *err)
{
	unsigned char rec[COOKIE_RECORD_MAX];
	unsigned char blob[COOKIE_BLOB_MAX];
	const struct cookie_key *key;
	size_t idlen, glen, reclen, bloblen, p;
	int rc;

	if (b64 != NULL && b64len > 0)
		b64[0] = '\0';
	if (ring == NULL || c == NULL || b64 == NULL || ring->n == 0 ||
	    ring->n > OW_MAX_COOKIE_KEYS) {
		rc = ow_err_set(err, OW_EINVAL, "cookie: no key or no cookie to seal");
		goto fail;
	}
	key = &ring->keys[0];
	idlen = strnlen(c->client_id, sizeof(c->client_id));
	glen = strnlen(c->groups, sizeof(c->groups));
	if (!kind_ok((int)c->kind)) {
		rc = ow_err_set(err, OW_EINVAL, "cookie: unknown kind %d", (int)c->kind);
		goto fail;
	}
	if (!client_id_ok((const unsigned char *)c->client_id, idlen)) {
		rc = ow_err_set(err, OW_EINVAL, "cookie: client id must be 1..%d of [A-Za-z0-9{}-]",
				OW_MAX_COOKIE_CLIENT_ID);
		goto fail;
	}
	if (glen == sizeof(c->groups) || !groups_ok((const unsigned char *)c->groups, glen)) {
		rc = ow_err_set(err, OW_EINVAL,
				"cookie: target groups must be at most %d bytes without control characters",
				OW_MAX_COOKIE_GROUPS);
		goto fail;
	}
	if (c->issued < 0 || c->expires <= c->issued) {
		rc = ow_err_set(err, OW_EINVAL, "cookie: expiry must follow the issue time");
		goto fail;
	}

	if (c->sync_mark < 0) {
		rc = ow_err_set(err, OW_EINVAL, "cookie: the sync mark cannot be negative");
		goto fail;
	}
	reclen = 39 + idlen + glen;
	bloblen = COOKIE_HEADER_BYTES + COOKIE_NONCE_BYTES + reclen + COOKIE_TAG_BYTES;
	if (b64len < sodium_base64_ENCODED_LEN(bloblen, sodium_base64_VARIANT_ORIGINAL)) {
		rc = ow_err_set(err, OW_ELIMIT, "cookie: output buffer of %zu bytes too small",
				b64len);
		goto fail;
	}
	put_u64(rec, (uint64_t)c->issued);
	put_u64(rec + 8, (uint64_t)c->expires);
	put_u64(rec + 16, c->server_epoch);
	put_u32(rec + 24, c->config_version);
	put_u64(rec + 28, (uint64_t)c->sync_mark);
	rec[36] = (unsigned char)idlen;
	memcpy(rec + 37, c->client_id, idlen);
	put_u16(rec + 37 + idlen, (uint16_t)glen);
	memcpy(rec + 39 + idlen, c->groups, glen);

	blob[0] = COOKIE_VERSION;
	blob[1] = (unsigned char)c->kind;
	put_u32(blob + 2, key->id);
	p = COOKIE_HEADER_BYTES;
	if (RAND_bytes(blob + p, COOKIE_NONCE_BYTES) != 1) {
		rc = ow_err_set(err, OW_ECRYPTO, "cookie: no random nonce");
		goto fail;
	}
	p += COOKIE_NONCE_BYTES;
	if (gcm(1, key->k, blob + COOKIE_HEADER_BYTES, blob, COOKIE_HEADER_BYTES, rec, reclen,
		blob + p, blob + p + reclen) != 0) {
		rc = ow_err_set(err, OW_ECRYPTO, "cookie: AES-GCM failed");
		goto fail;
	}
	sodium_bin2base64(b64, b64len, blob, bloblen, sodium_base64_VARIANT_ORIGINAL);
	rc = 0;
fail:
	OPENSSL_cleanse(rec, sizeof(rec));
	return rc;
}

/* ---- open ---- */

/* Reads the record at rec (n bytes, authentic) into out. Returns 0, or -1
 * when it breaks a rule of the format. */
static int parse_record(const unsigned char *rec, size_t n, struct cookie *out)
{
	size_t idlen, glen, p;

	if (n < COOKIE_RECORD_MIN)
		return -1;
	idlen = rec[36];
	if (idlen < 1 || idlen > OW_MAX_COOKIE_CLIENT_ID || 37 + idlen + 2 > n)
		return -1;
	p = 37 + idlen;
	glen = get_u16(rec + p);
	p += 2;
	if (glen > OW_MAX_COOKIE_GROUPS || glen != n - p)
		return -1;
	if (!client_id_ok(rec + 37, idlen) || !groups_ok(rec + p, glen))
		return -1;
	out->issued = u64_to_i64(get_u64(rec));
	out->expires = u64_to_i64(get_u64(rec + 8));
	out->server_epoch = get_u64(rec + 16);
	out->config_version = get_u32(rec + 24);
	out->sync_mark = u64_to_i64(get_u64(rec + 28));
	if (out->issued < 0 || out->expires <= out->issued || out->sync_mark < 0)
		return -1;
	memcpy(out->client_id, rec + 37, idlen);
	out->client_id[idlen] = '\0';
	memcpy(out->groups, rec + p, glen);
	out->groups[glen] = '\0';
	return 0;
}

int cookie_open(const struct cookie_keyring *ring, const char *b64, size_t len,
		enum cookie_kind want, int64_t now, uint64_t server_epoch, struct cookie *out)
{
	unsigned char blob[COOKIE_BLOB_MAX];
	unsigned char rec[COOKIE_RECORD_MAX + COOKIE_TAG_BYTES];
	const struct cookie_key *key;
	size_t bloblen = 0, reclen;
	int rc = COOKIE_INVALID;

	if (out == NULL)
		return COOKIE_INVALID;
	memset(out, 0, sizeof(*out));
	if (ring == NULL || b64 == NULL || ring->n > OW_MAX_COOKIE_KEYS)
		goto fail;
	/* Length first: the decoder never sees more than a cookie can be. */
	if (len < (COOKIE_BLOB_MIN + 2) / 3 * 4 || len > COOKIE_B64_MAX - 1 || len % 4 != 0)
		goto fail;
	/* Strict: no ignored characters, padding required, unused bits zero,
	 * the whole input consumed (no end pointer). */
	if (sodium_base642bin(blob, sizeof(blob), b64, len, NULL, &bloblen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		goto fail;
	if (bloblen < COOKIE_BLOB_MIN || bloblen > COOKIE_BLOB_MAX)
		goto fail;
	if (blob[0] != COOKIE_VERSION || !kind_ok(blob[1]) || blob[1] != (int)want)
		goto fail;
	key = ring_find(ring, get_u32(blob + 2));
	if (key == NULL)
		goto fail;
	reclen = bloblen - COOKIE_HEADER_BYTES - COOKIE_NONCE_BYTES - COOKIE_TAG_BYTES;
	if (gcm(0, key->k, blob + COOKIE_HEADER_BYTES, blob, COOKIE_HEADER_BYTES,
		blob + COOKIE_HEADER_BYTES + COOKIE_NONCE_BYTES, reclen, rec,
		blob + bloblen - COOKIE_TAG_BYTES) != 0)
		goto fail;
	if (parse_record(rec, reclen, out) != 0)
		goto fail;
	/* issued - now > skew, without overflow for any now. */
	if (out->issued > now && (uint64_t)out->issued - (uint64_t)now > OW_MAX_COOKIE_SKEW_S)
		goto fail;
	out->kind = want;
	out->key_id = key->id;
	if (out->server_epoch != server_epoch)
		rc = COOKIE_SERVER_CHANGED;
	else if (now >= out->expires)
		rc = COOKIE_EXPIRED;
	else
		rc = COOKIE_OK;
fail:
	OPENSSL_cleanse(rec, sizeof(rec));
	if (rc == COOKIE_INVALID)
		memset(out, 0, sizeof(*out));
	return rc;
}
