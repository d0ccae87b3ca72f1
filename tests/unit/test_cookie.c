/* SPDX-License-Identifier: MIT */
/* src/auth/cookie.c: sealed MS-WUSP cookies. Besides round trips, every
 * way a client could hand back a changed cookie must give COOKIE_INVALID:
 * each bit flipped, each truncation, appended bytes, the other kind, the
 * other key, lax base64. Records with bad fields are sealed by an
 * independent AES-GCM writer here (straight from the format in cookie.h),
 * so the parser's checks behind the tag are reached too. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "auth/cookie.h"
#include "check.h"

#define NOW ((int64_t)1790000000) /* 2026-09-21 */
#define EPOCH ((uint64_t)0x0123456789abcdefULL)
#define GUID "6e8d0c3a-3f1e-4b66-9d1e-0123456789ab"

static const unsigned char key1[32] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
	0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
};
static const unsigned char key2[32] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
};

static char dir[] = "/tmp/ow-test-cookie-XXXXXX";

/* A ring with key k under id. */
static struct cookie_keyring ring_of(uint32_t id, const unsigned char *k)
{
	struct cookie_keyring r = { 0 };

	if (cookie_keyring_add(&r, id, k, NULL) != 0)
		abort();
	return r;
}

static struct cookie sample(enum cookie_kind kind)
{
	struct cookie c;

	memset(&c, 0, sizeof(c));
	c.kind = kind;
	strcpy(c.client_id, GUID);
	c.issued = NOW - 10;
	c.expires = NOW + 3600;
	c.server_epoch = EPOCH;
	c.config_version = 3;
	c.sync_mark = 1800000000;
	return c;
}

static int same(const struct cookie *a, const struct cookie *b)
{
	return a->kind == b->kind && a->key_id == b->key_id &&
	       strcmp(a->client_id, b->client_id) == 0 && strcmp(a->groups, b->groups) == 0 &&
	       a->issued == b->issued && a->expires == b->expires &&
	       a->server_epoch == b->server_epoch && a->config_version == b->config_version &&
	       a->sync_mark == b->sync_mark;
}

static int all_zero(const struct cookie *c)
{
	static const struct cookie zero;

	return memcmp(c, &zero, sizeof(zero)) == 0;
}

/* Opens s as a client cookie at NOW for EPOCH with ring r. Whenever the
 * answer is COOKIE_INVALID, out must be all zero. */
static int open_as(const struct cookie_keyring *r, const char *s, size_t n, enum cookie_kind want)
{
	struct cookie out;
	int rc;

	memset(&out, 0x5a, sizeof(out));
	rc = cookie_open(r, s, n, want, NOW, EPOCH, &out);
	if (rc == COOKIE_INVALID && !all_zero(&out))
		return 99;
	return rc;
}

/* ---- an independent base64 and AES-GCM, from the documented format ---- */

static size_t raw_decode(const char *s, unsigned char *out)
{
	size_t n = strlen(s);
	int len = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);

	if (len < 0)
		abort();
	if (n >= 1 && s[n - 1] == '=')
		len--;
	if (n >= 2 && s[n - 2] == '=')
		len--;
	return (size_t)len;
}

static void raw_encode(const unsigned char *blob, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, blob, (int)n);
}

/* Seals rec (n bytes) with header bytes (version, kind, key id) under k
 * into base64 at out. */
static void raw_seal(const unsigned char *k, int version, int kind, uint32_t key_id,
		     const unsigned char *rec, size_t n, char *out)
{
	unsigned char blob[2048];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0;

	blob[0] = (unsigned char)version;
	blob[1] = (unsigned char)kind;
	for (int i = 0; i < 4; i++)
		blob[2 + i] = (unsigned char)(key_id >> (8 * i));
	if (ctx == NULL || RAND_bytes(blob + 6, 12) != 1 ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k, blob + 6) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &len, blob, 6) != 1 ||
	    EVP_EncryptUpdate(ctx, blob + 18, &len, rec, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(ctx, blob + 18 + n, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, blob + 18 + n) != 1)
		abort();
	EVP_CIPHER_CTX_free(ctx);
	raw_encode(blob, 18 + n + 16, out);
}

/* Decrypts our blob with k into rec; returns the record length or -1. */
static long raw_open(const unsigned char *k, const unsigned char *blob, size_t n,
		     unsigned char *rec)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0, ok;

	ok = ctx != NULL && n >= 34 &&
	     EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k, blob + 6) == 1 &&
	     EVP_DecryptUpdate(ctx, NULL, &len, blob, 6) == 1 &&
	     EVP_DecryptUpdate(ctx, rec, &len, blob + 18, (int)(n - 34)) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)(blob + n - 16)) == 1 &&
	     EVP_DecryptFinal_ex(ctx, rec + n - 34, &len) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? (long)(n - 34) : -1;
}

static void le(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Builds a record with the given fields; the lengths written are idlen and
 * glen whatever the strings are. Returns its length. */
static size_t make_rec(unsigned char *rec, int64_t issued, int64_t expires, uint64_t epoch,
		       size_t idlen, const char *id, size_t glen, const char *groups)
{
	size_t p = 0;

	le(rec, (uint64_t)issued, 8);
	le(rec + 8, (uint64_t)expires, 8);
	le(rec + 16, epoch, 8);
	le(rec + 24, 3, 4);
	le(rec + 28, 1800000000, 8);
	rec[36] = (unsigned char)idlen;
	p = 37;
	memcpy(rec + p, id, strlen(id));
	p += strlen(id);
	le(rec + p, glen, 2);
	p += 2;
	memcpy(rec + p, groups, strlen(groups));
	return p + strlen(groups);
}

/* ---- round trips and the format ---- */

static void test_round_trip(void)
{
	struct cookie_keyring r = ring_of(7, key1);
	char b64[COOKIE_B64_MAX], b64b[COOKIE_B64_MAX];
	struct ow_err err = { 0 };

	for (int kind = COOKIE_AUTH; kind <= COOKIE_CLIENT; kind++) {
		struct cookie c = sample((enum cookie_kind)kind), out;

		c.key_id = 12345; /* ignored: the sealing key's id is used */
		REQUIRE(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
		CHECK(strlen(b64) == 148); /* GUID, no groups */
		memset(&out, 0x5a, sizeof(out));
		REQUIRE(cookie_open(&r, b64, strlen(b64), (enum cookie_kind)kind, NOW, EPOCH,
				    &out) == COOKIE_OK);
		c.key_id = 7;
		CHECK(same(&c, &out));

		/* A fresh nonce each time: same fields, different text. */
		REQUIRE(cookie_seal(&r, &c, b64b, sizeof(b64b), &err) == 0);
		CHECK(strcmp(b64, b64b) != 0);
		CHECK(strncmp(b64, b64b, 8) == 0); /* same header */
		CHECK(cookie_open(&r, b64b, strlen(b64b), (enum cookie_kind)kind, NOW, EPOCH,
				  &out) == COOKIE_OK);
	}
	/* len need not reach a NUL. */
	struct cookie c = sample(COOKIE_CLIENT);
	char padded[COOKIE_B64_MAX + 8];

	REQUIRE(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
	snprintf(padded, sizeof(padded), "%sXYZ", b64);
	CHECK(open_as(&r, padded, strlen(b64), COOKIE_CLIENT) == COOKIE_OK);
	cookie_keyring_wipe(&r);
}

static void test_format(void)
{
	struct cookie_keyring r = ring_of(0x11223344, key1);
	struct cookie c = sample(COOKIE_AUTH);
	char b64[COOKIE_B64_MAX], forged[2048];
	unsigned char blob[1024], rec[1024], mine[1024];
	struct ow_err err = { 0 };
	size_t n, mlen;
	long rl;

	strcpy(c.groups, "Servers\nRing 1");
	REQUIRE(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
	n = raw_decode(b64, blob);
	REQUIRE(n == 6 + 12 + 39 + 36 + 14 + 16);
	CHECK(blob[0] == 2 && blob[1] == COOKIE_AUTH);
	CHECK(blob[2] == 0x44 && blob[3] == 0x33 && blob[4] == 0x22 && blob[5] == 0x11);
	rl = raw_open(key1, blob, n, rec);
	REQUIRE(rl == 39 + 36 + 14);
	mlen = make_rec(mine, c.issued, c.expires, EPOCH, 36, GUID, 14, "Servers\nRing 1");
	CHECK(mlen == (size_t)rl && memcmp(mine, rec, mlen) == 0);

	/* And the other way: a record written from the documentation opens. */
	raw_seal(key1, 2, COOKIE_AUTH, 0x11223344, mine, mlen, forged);
	struct cookie out;
	CHECK(cookie_open(&r, forged, strlen(forged), COOKIE_AUTH, NOW, EPOCH, &out) == COOKIE_OK);
	c.key_id = 0x11223344;
	CHECK(same(&c, &out));
	cookie_keyring_wipe(&r);
}

/* ---- tampering ---- */

static void test_kind_swap(void)
{
	struct cookie_keyring r = ring_of(1, key1);
	struct cookie a = sample(COOKIE_AUTH), c = sample(COOKIE_CLIENT);
	char ab[COOKIE_B64_MAX], cb[COOKIE_B64_MAX], x[COOKIE_B64_MAX];
	unsigned char blob[1024];
	struct ow_err err = { 0 };
	size_t n;

	REQUIRE(cookie_seal(&r, &a, ab, sizeof(ab), &err) == 0);
	REQUIRE(cookie_seal(&r, &c, cb, sizeof(cb), &err) == 0);
	CHECK(open_as(&r, ab, strlen(ab), COOKIE_AUTH) == COOKIE_OK);
	CHECK(open_as(&r, ab, strlen(ab), COOKIE_CLIENT) == COOKIE_INVALID);
	CHECK(open_as(&r, cb, strlen(cb), COOKIE_AUTH) == COOKIE_INVALID);
	CHECK(open_as(&r, cb, strlen(cb), (enum cookie_kind)0) == COOKIE_INVALID);
	CHECK(open_as(&r, cb, strlen(cb), (enum cookie_kind)3) == COOKIE_INVALID);

	/* Relabelling the header's kind breaks the tag (the kind is AAD). */
	n = raw_decode(ab, blob);
	blob[1] = COOKIE_CLIENT;
	raw_encode(blob, n, x);
	CHECK(open_as(&r, x, strlen(x), COOKIE_CLIENT) == COOKIE_INVALID);
	CHECK(open_as(&r, x, strlen(x), COOKIE_AUTH) == COOKIE_INVALID);

	/* Sealing refuses kinds that do not exist. */
	c.kind = (enum cookie_kind)3;
	CHECK(cookie_seal(&r, &c, x, sizeof(x), &err) == OW_EINVAL && x[0] == '\0');
	c.kind = (enum cookie_kind)0;
	CHECK(cookie_seal(&r, &c, x, sizeof(x), &err) == OW_EINVAL);
}

static void test_flip_every_bit(void)
{
	struct cookie_keyring r = ring_of(1, key1);
	struct cookie c = sample(COOKIE_CLIENT);
	char b64[COOKIE_B64_MAX], x[COOKIE_B64_MAX];
	unsigned char blob[1024];
	struct ow_err err = { 0 };
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n, bad = 0;

	strcpy(c.groups, "a\nb");
	REQUIRE(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
	n = raw_decode(b64, blob);
	REQUIRE(n > 34);
	for (size_t i = 0; i < n; i++) {
		for (int bit = 0; bit < 8; bit++) {
			blob[i] ^= (unsigned char)(1u << bit);
			raw_encode(blob, n, x);
			if (open_as(&r, x, strlen(x), COOKIE_CLIENT) != COOKIE_INVALID)
				bad++;
			blob[i] ^= (unsigned char)(1u << bit);
		}
	}
	CHECK(bad == 0);
	/* Every character replaced by each other base64 digit: either other
	 * bits or a non-canonical encoding (unused bits set). */
	for (size_t i = 0; b64[i] != '\0' && b64[i] != '='; i++) {
		for (const char *a = alphabet; *a != '\0'; a++) {
			if (*a == b64[i])
				continue;
			memcpy(x, b64, sizeof(x));
			x[i] = *a;
			if (open_as(&r, x, strlen(x), COOKIE_CLIENT) != COOKIE_INVALID)
				bad++;
		}
	}
	CHECK(bad == 0);
	raw_encode(blob, n, x);
	CHECK(open_as(&r, x, strlen(x), COOKIE_CLIENT) == COOKIE_OK);
}

static void test_truncate_and_append(void)
{
	struct cookie_keyring r = ring_of(1, key1);
	struct cookie c = sample(COOKIE_CLIENT);
	char b64[COOKIE_B64_MAX], x[COOKIE_B64_MAX + 16];
	unsigned char blob[1024];
	struct ow_err err = { 0 };
	size_t n, len, bad = 0;

	REQUIRE(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
	len = strlen(b64);
	for (size_t i = 0; i < len; i++) {
		memcpy(x, b64, i);
		x[i] = '\0';
		if (open_as(&r, x, i, COOKIE_CLIENT) != COOKIE_INVALID)
			bad++;
	}
	CHECK(bad == 0);
	n = raw_decode(b64, blob);
	for (size_t i = 0; i < n; i++) {
		raw_encode(blob, i, x);
		if (open_as(&r, x, strlen(x), COOKIE_CLIENT) != COOKIE_INVALID)
			bad++;
	}
	CHECK(bad == 0);

	/* Bytes after the tag, in the blob or in the text. */
	for (size_t extra = 1; extra <= 6; extra++) {
		memset(blob + n, 0, extra);
		raw_encode(blob, n + extra, x);
		CHECK(open_as(&r, x, strlen(x), COOKIE_CLIENT) == COOKIE_INVALID);
	}
	const char *tails[] = { "A", "=", "AA==", "AAAA", "\n", " ", "\r\n", "\0" };
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		size_t tl = tails[i][0] == '\0' ? 1 : strlen(tails[i]);

		memcpy(x, b64, len);
		memcpy(x + len, tails[i], tl);
		x[len + tl] = '\0';
		CHECK(open_as(&r, x, len + tl, COOKIE_CLIENT) == COOKIE_INVALID);
	}
	/* A blob the longest cookie could not reach, with a good shape. */
	memset(x, 'A', sizeof(x));
	CHECK(open_as(&r, x, COOKIE_B64_MAX + 3, COOKIE_CLIENT) == COOKIE_INVALID);
	CHECK(open_as(&r, x, COOKIE_B64_MAX - 1, COOKIE_CLIENT) == COOKIE_INVALID);
	CHECK(open_as(&r, NULL, 140, COOKIE_CLIENT) == COOKIE_INVALID);
	CHECK(open_as(NULL, b64, len, COOKIE_CLIENT) == COOKIE_INVALID);
	CHECK(cookie_open(&r, b64, len, COOKIE_CLIENT, NOW, EPOCH, NULL) == COOKIE_INVALID);
}

static void test_keys(void)
{
	struct cookie_keyring r1 = ring_of(1, key1), other = ring_of(1, key2);
	struct cookie_keyring unknown = ring_of(9, key1), empty = { 0 };
	struct cookie c = sample(COOKIE_CLIENT);
	char b64[COOKIE_B64_MAX], x[COOKIE_B64_MAX];
	unsigned char blob[1024];
	struct ow_err err = { 0 };
	size_t n;

	REQUIRE(cookie_seal(&r1, &c, b64, sizeof(b64), &err) == 0);
	CHECK(open_as(&r1, b64, strlen(b64), COOKIE_CLIENT) == COOKIE_OK);
	CHECK(open_as(&other, b64, strlen(b64), COOKIE_CLIENT) == COOKIE_INVALID);
	CHECK(open_as(&unknown, b64, strlen(b64), COOKIE_CLIENT) == COOKIE_INVALID);
	CHECK(open_as(&empty, b64, strlen(b64), COOKIE_CLIENT) == COOKIE_INVALID);

	/* Relabelled with a key id the ring knows: the tag still fails. */
	n = raw_decode(b64, blob);
	blob[2] = 9;
	raw_encode(blob, n, x);
	CHECK(open_as(&unknown, x, strlen(x), COOKIE_CLIENT) == COOKIE_INVALID);

	CHECK(cookie_seal(&empty, &c, x, sizeof(x), &err) == OW_EINVAL);
	CHECK(cookie_seal(NULL, &c, x, sizeof(x), &err) == OW_EINVAL);
	CHECK(cookie_seal(&r1, NULL, x, sizeof(x), &err) == OW_EINVAL);
	/* The output buffer must hold the text and its NUL. */
	CHECK(cookie_seal(&r1, &c, x, 148, &err) == OW_ELIMIT && x[0] == '\0');
	CHECK(err.code == OW_ELIMIT);
	CHECK(cookie_seal(&r1, &c, x, 149, &err) == 0 && strlen(x) == 148);
}

static void test_rotation(void)
{
	struct cookie_keyring old = ring_of(1, key1), both = { 0 };
	struct cookie c = sample(COOKIE_AUTH), out;
	char byold[COOKIE_B64_MAX], bynew[COOKIE_B64_MAX];
	unsigned char k[32];
	struct ow_err err = { 0 };

	REQUIRE(cookie_seal(&old, &c, byold, sizeof(byold), &err) == 0);
	/* After rotation: the new key seals, the old one still opens. */
	REQUIRE(cookie_keyring_add(&both, 2, key2, &err) == 0);
	REQUIRE(cookie_keyring_add(&both, 1, key1, &err) == 0);
	CHECK(cookie_open(&both, byold, strlen(byold), COOKIE_AUTH, NOW, EPOCH, &out) == COOKIE_OK);
	CHECK(out.key_id == 1 && strcmp(out.client_id, GUID) == 0);
	REQUIRE(cookie_seal(&both, &c, bynew, sizeof(bynew), &err) == 0);
	CHECK(cookie_open(&both, bynew, strlen(bynew), COOKIE_AUTH, NOW, EPOCH, &out) == COOKIE_OK);
	CHECK(out.key_id == 2);
	CHECK(open_as(&old, bynew, strlen(bynew), COOKIE_AUTH) == COOKIE_INVALID);

	/* Limits of the ring: distinct ids, at most OW_MAX_COOKIE_KEYS. */
	CHECK(cookie_keyring_add(&both, 1, key2, &err) == OW_EEXIST && both.n == 2);
	for (uint32_t id = 3; both.n < OW_MAX_COOKIE_KEYS; id++) {
		memset(k, (int)id, sizeof(k));
		REQUIRE(cookie_keyring_add(&both, id, k, &err) == 0);
	}
	CHECK(cookie_keyring_add(&both, 100, key2, &err) == OW_ELIMIT);
	CHECK(both.n == OW_MAX_COOKIE_KEYS);
	CHECK(cookie_open(&both, byold, strlen(byold), COOKIE_AUTH, NOW, EPOCH, &out) == COOKIE_OK);
	both.n = OW_MAX_COOKIE_KEYS + 1; /* a broken ring is refused, not read past */
	CHECK(open_as(&both, byold, strlen(byold), COOKIE_AUTH) == COOKIE_INVALID);
	CHECK(cookie_seal(&both, &c, bynew, sizeof(bynew), &err) == OW_EINVAL);
	cookie_keyring_wipe(&both);
	CHECK(both.n == 0 && both.keys[0].id == 0 && both.keys[0].k[0] == 0 &&
	      both.keys[1].k[31] == 0);
}

static void test_base64_strict(void)
{
	struct cookie_keyring r = ring_of(1, key1);
	struct cookie c = sample(COOKIE_CLIENT);
	char b64[COOKIE_B64_MAX], x[COOKIE_B64_MAX + 8];
	struct ow_err err = { 0 };
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len, tries = 0;

	/* A cookie with '+' and '/' and one padding '=' (blob length 2 mod 3:
	 * 73 + 37 = 110 bytes, so a 37-character client id). */
	strcpy(c.client_id, GUID "0");
	do {
		REQUIRE(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
	} while ((strchr(b64, '+') == NULL || strchr(b64, '/') == NULL) && ++tries < 1000);
	len = strlen(b64);
	REQUIRE(len == 148 && b64[len - 1] == '=' && b64[len - 2] != '=');
	REQUIRE(open_as(&r, b64, len, COOKIE_CLIENT) == COOKIE_OK);

	/* URL-safe alphabet. */
	memcpy(x, b64, len + 1);
	for (size_t i = 0; i < len; i++)
		x[i] = x[i] == '+' ? '-' : x[i] == '/' ? '_' : x[i];
	CHECK(open_as(&r, x, len, COOKIE_CLIENT) == COOKIE_INVALID);
	/* Padding missing, doubled, or in the middle. */
	CHECK(open_as(&r, b64, len - 1, COOKIE_CLIENT) == COOKIE_INVALID);
	snprintf(x, sizeof(x), "%s=", b64);
	CHECK(open_as(&r, x, len + 1, COOKIE_CLIENT) == COOKIE_INVALID);
	snprintf(x, sizeof(x), "%.*s=%s", 40, b64, b64 + 41);
	CHECK(open_as(&r, x, len, COOKIE_CLIENT) == COOKIE_INVALID);
	/* The last digit with an unused bit set (same bytes, other text). */
	memcpy(x, b64, len + 1);
	x[len - 2] = alphabet[(strchr(alphabet, b64[len - 2]) - alphabet) ^ 1];
	CHECK(open_as(&r, x, len, COOKIE_CLIENT) == COOKIE_INVALID);
	x[len - 2] = alphabet[(strchr(alphabet, b64[len - 2]) - alphabet) ^ 2];
	CHECK(open_as(&r, x, len, COOKIE_CLIENT) == COOKIE_INVALID);
	/* Two '=' where one belongs; one where two belong. */
	memcpy(x, b64, len + 1);
	x[len - 2] = '=';
	CHECK(open_as(&r, x, len, COOKIE_CLIENT) == COOKIE_INVALID);

	/* Whitespace anywhere, NUL bytes, and other bytes. */
	const char ws[] = { ' ', '\n', '\r', '\t', '\0', '.', '*', (char)0xc3 };
	const size_t at[] = { 0, 1, 4, 70, len - 1, len };
	for (size_t w = 0; w < sizeof(ws); w++) {
		for (size_t a = 0; a < sizeof(at) / sizeof(at[0]); a++) {
			memcpy(x, b64, at[a]);
			x[at[a]] = ws[w];
			memcpy(x + at[a] + 1, b64 + at[a], len - at[a] + 1);
			CHECK(open_as(&r, x, len + 1, COOKIE_CLIENT) == COOKIE_INVALID);
			/* Keeping the length a multiple of 4. */
			memcpy(x, b64, len + 1);
			x[at[a] < len ? at[a] : len - 1] = ws[w];
			CHECK(open_as(&r, x, len, COOKIE_CLIENT) == COOKIE_INVALID);
		}
	}
	/* Line-wrapped, as some encoders write it. */
	snprintf(x, sizeof(x), "%.*s\r\n%s", 76, b64, b64 + 76);
	CHECK(open_as(&r, x, strlen(x), COOKIE_CLIENT) == COOKIE_INVALID);
	CHECK(open_as(&r, "", 0, COOKIE_CLIENT) == COOKIE_INVALID);
	CHECK(open_as(&r, "====", 4, COOKIE_CLIENT) == COOKIE_INVALID);
}

/* ---- time and epoch ---- */

static void test_times(void)
{
	struct cookie_keyring r = ring_of(1, key1);
	struct cookie c = sample(COOKIE_CLIENT), out;
	char b64[COOKIE_B64_MAX];
	struct ow_err err = { 0 };
	size_t len;

	c.issued = NOW;
	c.expires = NOW + 100;
	REQUIRE(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
	len = strlen(b64);
	CHECK(cookie_open(&r, b64, len, COOKIE_CLIENT, NOW + 99, EPOCH, &out) == COOKIE_OK);
	/* Expired exactly at expiry; the fields are still given. */
	memset(&out, 0, sizeof(out));
	CHECK(cookie_open(&r, b64, len, COOKIE_CLIENT, NOW + 100, EPOCH, &out) == COOKIE_EXPIRED);
	CHECK(out.expires == NOW + 100 && strcmp(out.client_id, GUID) == 0 && out.key_id == 1);
	CHECK(cookie_open(&r, b64, len, COOKIE_CLIENT, INT64_MAX, EPOCH, &out) == COOKIE_EXPIRED);

	/* Issued in the future: up to the skew is fine. */
	CHECK(cookie_open(&r, b64, len, COOKIE_CLIENT, NOW - OW_MAX_COOKIE_SKEW_S, EPOCH, &out) ==
	      COOKIE_OK);
	CHECK(cookie_open(&r, b64, len, COOKIE_CLIENT, NOW - OW_MAX_COOKIE_SKEW_S - 1, EPOCH,
			  &out) == COOKIE_INVALID && all_zero(&out));
	CHECK(cookie_open(&r, b64, len, COOKIE_CLIENT, INT64_MIN, EPOCH, &out) == COOKIE_INVALID);
	CHECK(cookie_open(&r, b64, len, COOKIE_CLIENT, -1, EPOCH, &out) == COOKIE_INVALID);

	/* Another server epoch, also when expired as well. */
	memset(&out, 0, sizeof(out));
	CHECK(cookie_open(&r, b64, len, COOKIE_CLIENT, NOW, EPOCH + 1, &out) ==
	      COOKIE_SERVER_CHANGED);
	CHECK(out.server_epoch == EPOCH && strcmp(out.client_id, GUID) == 0);
	CHECK(cookie_open(&r, b64, len, COOKIE_CLIENT, NOW + 100, 0, &out) ==
	      COOKIE_SERVER_CHANGED);

	/* Extremes of the fields survive. */
	c.issued = 0;
	c.expires = INT64_MAX;
	c.server_epoch = UINT64_MAX;
	c.config_version = UINT32_MAX;
	REQUIRE(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
	CHECK(cookie_open(&r, b64, strlen(b64), COOKIE_CLIENT, NOW, UINT64_MAX, &out) == COOKIE_OK);
	c.key_id = 1;
	CHECK(same(&c, &out));

	/* Sealing refuses times that make no sense. */
	c = sample(COOKIE_CLIENT);
	c.expires = c.issued;
	CHECK(cookie_seal(&r, &c, b64, sizeof(b64), &err) == OW_EINVAL);
	c.expires = c.issued - 1;
	CHECK(cookie_seal(&r, &c, b64, sizeof(b64), &err) == OW_EINVAL);
	c.issued = -5;
	c.expires = 10;
	CHECK(cookie_seal(&r, &c, b64, sizeof(b64), &err) == OW_EINVAL);
}

/* ---- fields ---- */

static void test_groups(void)
{
	struct cookie_keyring r = ring_of(1, key1);
	struct cookie c = sample(COOKIE_CLIENT), out;
	char b64[COOKIE_B64_MAX];
	struct ow_err err = { 0 };

	strcpy(c.groups, "Servers\nRing 1\n\nTest;Lab \xc3\xa9");
	REQUIRE(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
	REQUIRE(cookie_open(&r, b64, strlen(b64), COOKIE_CLIENT, NOW, EPOCH, &out) == COOKIE_OK);
	CHECK_STR(out.groups, "Servers\nRing 1\n\nTest;Lab \xc3\xa9");

	/* The largest cookie: both strings at their caps. */
	memset(c.client_id, 'x', OW_MAX_COOKIE_CLIENT_ID);
	c.client_id[OW_MAX_COOKIE_CLIENT_ID] = '\0';
	for (size_t i = 0; i < OW_MAX_COOKIE_GROUPS; i++)
		c.groups[i] = i % 10 == 9 ? '\n' : (char)('a' + i % 26);
	c.groups[OW_MAX_COOKIE_GROUPS] = '\0';
	REQUIRE(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
	CHECK(strlen(b64) == COOKIE_B64_MAX - 1 && strlen(b64) < 1024);
	REQUIRE(cookie_open(&r, b64, strlen(b64), COOKIE_CLIENT, NOW, EPOCH, &out) == COOKIE_OK);
	c.key_id = 1;
	CHECK(same(&c, &out));

	/* One byte more has no room for the NUL: refused. */
	memset(c.groups, 'g', sizeof(c.groups));
	CHECK(cookie_seal(&r, &c, b64, sizeof(b64), &err) == OW_EINVAL && b64[0] == '\0');

	const char *bad[] = { "a\rb", "a\tb", "\x01", "a\x7f", "x\x1b[31m", "a\r\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = sample(COOKIE_CLIENT);
		strcpy(c.groups, bad[i]);
		CHECK(cookie_seal(&r, &c, b64, sizeof(b64), &err) == OW_EINVAL);
	}
	c = sample(COOKIE_CLIENT);
	strcpy(c.groups, "\n");
	CHECK(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
}

static void test_client_id(void)
{
	struct cookie_keyring r = ring_of(1, key1);
	struct cookie c = sample(COOKIE_AUTH), out;
	char b64[COOKIE_B64_MAX], id63[64];
	struct ow_err err = { 0 };

	memset(id63, '7', 63);
	id63[63] = '\0';
	const char *good[] = { GUID, "{" GUID "}", "A", "z", "0", "-", "{}", id63,
			       "6E8D0C3A-3F1E-4B66-9D1E-0123456789AB" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK(cookie_client_id_valid(good[i]) == 1);
		c = sample(COOKIE_AUTH);
		strcpy(c.client_id, good[i]);
		if (cookie_seal(&r, &c, b64, sizeof(b64), &err) != 0 ||
		    cookie_open(&r, b64, strlen(b64), COOKIE_AUTH, NOW, EPOCH, &out) != COOKIE_OK ||
		    strcmp(out.client_id, good[i]) != 0) {
			fprintf(stderr, "  good client id refused: %s\n", good[i]);
			check_failed_now = 1;
		}
	}
	char id64[65];
	memset(id64, '7', 64);
	id64[64] = '\0';
	const char *bad[] = { "", id64, "a b", "a_b", "a.b", "a/b", "a\\b", "a\nb", "a:b",
			      "\xc3\xa9", "a'b", "<a>", "a\x7f" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(cookie_client_id_valid(bad[i]) == 0);
		c = sample(COOKIE_AUTH);
		snprintf(c.client_id, sizeof(c.client_id), "%s", bad[i]);
		if (strlen(bad[i]) >= sizeof(c.client_id))
			memcpy(c.client_id, bad[i], sizeof(c.client_id)); /* no NUL */
		if (cookie_seal(&r, &c, b64, sizeof(b64), &err) != OW_EINVAL) {
			fprintf(stderr, "  bad client id %zu accepted\n", i);
			check_failed_now = 1;
		}
	}
	CHECK(err.code == OW_EINVAL && strstr(err.msg, "client id") != NULL);
	CHECK(cookie_client_id_valid(NULL) == 0);
}

/* Records that break a rule, sealed with a good tag. */
static void test_malformed_record(void)
{
	struct cookie_keyring r = ring_of(5, key1);
	unsigned char rec[1024];
	char b64[2048], id64[65], g512[513];
	size_t n;

	memset(id64, 'a', 64);
	id64[64] = '\0';
	memset(g512, 'g', 512);
	g512[512] = '\0';

	/* The control: a good record opens. */
	n = make_rec(rec, NOW, NOW + 60, EPOCH, 4, "abcd", 3, "x\ny");
	raw_seal(key1, 2, COOKIE_CLIENT, 5, rec, n, b64);
	REQUIRE(open_as(&r, b64, strlen(b64), COOKIE_CLIENT) == COOKIE_OK);

	struct {
		const char *what;
		int64_t issued, expires;
		size_t idlen;
		const char *id;
		size_t glen;
		const char *groups;
		int extra; /* bytes appended after the record, or negative: cut */
	} cases[] = {
		{ "id length 0", NOW, NOW + 60, 0, "", 0, "", 0 },
		{ "id length 64", NOW, NOW + 60, 64, id64, 0, "", 0 },
		{ "id length past the end", NOW, NOW + 60, 200, "abcd", 0, "", 0 },
		{ "id length 255", NOW, NOW + 60, 255, "abcd", 0, "", 0 },
		{ "groups length 512", NOW, NOW + 60, 4, "abcd", 512, g512, 0 },
		{ "groups length past the end", NOW, NOW + 60, 4, "abcd", 5, "x", 0 },
		{ "groups length 65535", NOW, NOW + 60, 4, "abcd", 65535, "x", 0 },
		{ "groups shorter than the bytes", NOW, NOW + 60, 4, "abcd", 1, "xy", 0 },
		{ "a byte after the record", NOW, NOW + 60, 4, "abcd", 1, "x", 1 },
		{ "record cut in the groups length", NOW, NOW + 60, 4, "abcd", 0, "", -1 },
		{ "space in the id", NOW, NOW + 60, 4, "ab d", 0, "", 0 },
		{ "NUL in the id", NOW, NOW + 60, 4, "abXd", 0, "", 0 },
		{ "CR in the groups", NOW, NOW + 60, 4, "abcd", 3, "a\rb", 0 },
		{ "DEL in the groups", NOW, NOW + 60, 4, "abcd", 1, "\x7f", 0 },
		{ "expires at issue", NOW, NOW, 4, "abcd", 0, "", 0 },
		{ "expires before issue", NOW, NOW - 1, 4, "abcd", 0, "", 0 },
		{ "issued negative", -1, NOW + 60, 4, "abcd", 0, "", 0 },
		{ "issued 5 minutes and 1 s ahead", NOW + 301, NOW + 600, 4, "abcd", 0, "", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = make_rec(rec, cases[i].issued, cases[i].expires, EPOCH, cases[i].idlen,
			     cases[i].id, cases[i].glen, cases[i].groups);
		if (strcmp(cases[i].what, "NUL in the id") == 0) {
			n = make_rec(rec, NOW, NOW + 60, EPOCH, 4, "abXd", 0, "");
			rec[37 + 2] = '\0'; /* the X */
		}
		if (cases[i].extra > 0)
			rec[n++] = 'z';
		if (cases[i].extra < 0)
			n--;
		raw_seal(key1, 2, COOKIE_CLIENT, 5, rec, n, b64);
		if (open_as(&r, b64, strlen(b64), COOKIE_CLIENT) != COOKIE_INVALID) {
			fprintf(stderr, "  malformed record accepted: %s\n", cases[i].what);
			check_failed_now = 1;
		}
	}
	/* Too short to hold the fixed fields (39 bytes and fewer). */
	n = make_rec(rec, NOW, NOW + 60, EPOCH, 1, "a", 0, "");
	CHECK(n == 40);
	for (size_t cut = 1; cut <= 8; cut++) {
		raw_seal(key1, 2, COOKIE_CLIENT, 5, rec, n - cut, b64);
		CHECK(open_as(&r, b64, strlen(b64), COOKIE_CLIENT) == COOKIE_INVALID);
	}
	raw_seal(key1, 2, COOKIE_CLIENT, 5, rec, n, b64);
	CHECK(open_as(&r, b64, strlen(b64), COOKIE_CLIENT) == COOKIE_OK);
	/* Header values no cookie has, with a good tag over them. */
	raw_seal(key1, 1, COOKIE_CLIENT, 5, rec, n, b64);  /* version 1: no sync mark */
	CHECK(open_as(&r, b64, strlen(b64), COOKIE_CLIENT) == COOKIE_INVALID);
	raw_seal(key1, 0, COOKIE_CLIENT, 5, rec, n, b64);
	CHECK(open_as(&r, b64, strlen(b64), COOKIE_CLIENT) == COOKIE_INVALID);
	raw_seal(key1, 2, 3, 5, rec, n, b64);
	CHECK(open_as(&r, b64, strlen(b64), (enum cookie_kind)3) == COOKIE_INVALID);
	raw_seal(key1, 2, COOKIE_CLIENT, 6, rec, n, b64);
	CHECK(open_as(&r, b64, strlen(b64), COOKIE_CLIENT) == COOKIE_INVALID);
}

/* ---- the key file ---- */

static int write_key(const char *path, const unsigned char *k, size_t n, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return -1;
	if ((n > 0 && write(fd, k, n) != (ssize_t)n) || fchmod(fd, mode) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void test_keyring_file(void)
{
	struct cookie_keyring r = { 0 }, check = ring_of(3, key2);
	struct cookie c = sample(COOKIE_CLIENT);
	char path[256], b64[COOKIE_B64_MAX];
	unsigned char big[64];
	struct ow_err err = { 0 };

	snprintf(path, sizeof(path), "%s/cookie.key", dir);
	REQUIRE(write_key(path, key2, 32, 0600) == 0);
	REQUIRE(cookie_keyring_load(path, 3, &r, &err) == 0);
	CHECK(r.n == 1 && r.keys[0].id == 3 && memcmp(r.keys[0].k, key2, 32) == 0);
	REQUIRE(cookie_seal(&r, &c, b64, sizeof(b64), &err) == 0);
	CHECK(open_as(&check, b64, strlen(b64), COOKIE_CLIENT) == COOKIE_OK);
	/* The same file under the same id again. */
	CHECK(cookie_keyring_load(path, 3, &r, &err) == OW_EEXIST && r.n == 1);

	const mode_t open_modes[] = { 0640, 0604, 0620, 0602, 0610, 0601, 0644, 0660, 0666 };
	for (size_t i = 0; i < sizeof(open_modes) / sizeof(open_modes[0]); i++) {
		REQUIRE(write_key(path, key1, 32, open_modes[i]) == 0);
		if (cookie_keyring_load(path, 4, &r, &err) != OW_EPERM || r.n != 1) {
			fprintf(stderr, "  key file mode %03o accepted\n", (unsigned)open_modes[i]);
			check_failed_now = 1;
		}
	}
	CHECK(strstr(err.msg, "chmod 600") != NULL);
	REQUIRE(write_key(path, key1, 32, 0400) == 0);
	CHECK(cookie_keyring_load(path, 4, &r, &err) == 0 && r.n == 2);

	memset(big, 0x42, sizeof(big));
	const size_t sizes[] = { 0, 1, 31, 33, 64 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		REQUIRE(write_key(path, big, sizes[i], 0600) == 0);
		if (cookie_keyring_load(path, 5, &r, &err) != OW_ECRYPTO || r.n != 2) {
			fprintf(stderr, "  key file of %zu bytes accepted\n", sizes[i]);
			check_failed_now = 1;
		}
	}
	CHECK(strstr(err.msg, "exactly 32") != NULL);

	snprintf(path, sizeof(path), "%s/missing.key", dir);
	CHECK(cookie_keyring_load(path, 5, &r, &err) == OW_ENOENT);
	CHECK(cookie_keyring_load(dir, 5, &r, &err) == OW_EIO);
	CHECK(cookie_keyring_load(NULL, 5, &r, &err) == OW_EINVAL);
	CHECK(r.n == 2);
	cookie_keyring_wipe(&r);
	CHECK(r.n == 0 && r.keys[0].k[0] == 0 && r.keys[1].id == 0);
	cookie_keyring_wipe(NULL);
}

int main(void)
{
	char path[256];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_round_trip);
	RUN(test_format);
	RUN(test_kind_swap);
	RUN(test_flip_every_bit);
	RUN(test_truncate_and_append);
	RUN(test_keys);
	RUN(test_rotation);
	RUN(test_base64_strict);
	RUN(test_times);
	RUN(test_groups);
	RUN(test_client_id);
	RUN(test_malformed_record);
	RUN(test_keyring_file);
	snprintf(path, sizeof(path), "%s/cookie.key", dir);
	unlink(path);
	rmdir(dir);
	return check_done();
}
