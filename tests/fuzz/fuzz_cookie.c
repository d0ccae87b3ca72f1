/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the sealed MS-WUSP cookies (src/auth/cookie.c).
 * Each input is used twice:
 *
 *  1. as the base64 a client sends: cookie_open with a fixed test keyring
 *     (key id 1 seals, key id 2 only opens), at FUZZ_NOW for FUZZ_EPOCH.
 *     Whatever opens must hold valid fields, re-seal and open again to the
 *     same fields; what does not must leave the output all zero. The seeds
 *     in tests/fuzz/corpus/fuzz_cookie/ include cookies sealed with these
 *     keys at these values, so the fuzzer starts from authentic text;
 *
 *  2. when at least 32 bytes long, as the fields of a cookie: bytes 0..27
 *     issued, expires, epoch and config version (little-endian; the sync
 *     mark is the epoch bytes shifted right by one), 28 the
 *     kind (% 4, so invalid kinds too), 29 the client id length (% 70),
 *     30..31 the groups length (% 600), then the strings' bytes. cookie_seal
 *     must succeed exactly when an independent check finds the fields
 *     valid, and then cookie_open must give them back exactly, EXPIRED at
 *     expiry, SERVER_CHANGED for another epoch, INVALID for the other kind
 *     and for the text with one base64 digit changed.
 *
 * A broken promise calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW ((int64_t)1790000000) /* 2026-09-21 */
#define FUZZ_EPOCH ((uint64_t)7)

static const unsigned char fuzz_key1[COOKIE_KEY_BYTES] = {
	0x6f, 0x77, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x31, 0x00, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
};
static const unsigned char fuzz_key2[COOKIE_KEY_BYTES] = {
	0x6f, 0x77, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x32, 0xff, 0xfe, 0xfd,
	0xfc, 0xfb, 0xfa, 0xf9, 0xf8, 0xf7, 0xf6, 0xf5, 0xf4, 0xf3, 0xf2, 0xf1, 0xf0, 0xef, 0xee, 0xed,
};

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* keys[0] = id 1 (seals), keys[1] = id 2. */
static void fuzz_ring(struct cookie_keyring *r)
{
	memset(r, 0, sizeof(*r));
	if (cookie_keyring_add(r, 1, fuzz_key1, NULL) != 0 ||
	    cookie_keyring_add(r, 2, fuzz_key2, NULL) != 0)
		abort();
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
	const unsigned char *p = (const unsigned char *)c;

	for (size_t i = 0; i < sizeof(*c); i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* The field rules of cookie.h, written again without looking at cookie.c. */
static int id_valid(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == 0 || n == cap || n > OW_MAX_COOKIE_CLIENT_ID)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-{}",
			   s[i]) == NULL)
			return 0;
	return 1;
}

static int groups_valid(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == cap || n > OW_MAX_COOKIE_GROUPS)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return 0;
	}
	return 1;
}

static int fields_valid(const struct cookie *c)
{
	return (c->kind == COOKIE_AUTH || c->kind == COOKIE_CLIENT) &&
	       id_valid(c->client_id, sizeof(c->client_id)) &&
	       groups_valid(c->groups, sizeof(c->groups)) && c->issued >= 0 &&
	       c->expires > c->issued;
}

static uint64_t le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int64_t to_i64(uint64_t v)
{
	return v <= (uint64_t)INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1;
}

/* Part 1: the input as a cookie text. */
static void check_open(const struct cookie_keyring *ring, const uint8_t *data, size_t size)
{
	int opened = 0;

	for (int kind = COOKIE_AUTH; kind <= COOKIE_CLIENT; kind++) {
		struct cookie out, again;
		char b64[COOKIE_B64_MAX];
		int rc;

		memset(&out, 0xa5, sizeof(out));
		rc = cookie_open(ring, (const char *)data, size, (enum cookie_kind)kind, FUZZ_NOW,
				 FUZZ_EPOCH, &out);
		if (rc == COOKIE_INVALID) {
			if (!all_zero(&out))
				abort();
			continue;
		}
		if (rc != COOKIE_OK && rc != COOKIE_EXPIRED && rc != COOKIE_SERVER_CHANGED)
			abort();
		/* One kind at most; an authentic text is canonical base64. */
		if (opened++ || size % 4 != 0 || size >= COOKIE_B64_MAX)
			abort();
		if (out.kind != (enum cookie_kind)kind || (out.key_id != 1 && out.key_id != 2) ||
		    !fields_valid(&out) || out.issued - FUZZ_NOW > OW_MAX_COOKIE_SKEW_S)
			abort();
		if ((rc == COOKIE_SERVER_CHANGED) != (out.server_epoch != FUZZ_EPOCH))
			abort();
		if (rc != COOKIE_SERVER_CHANGED && (rc == COOKIE_EXPIRED) != (FUZZ_NOW >= out.expires))
			abort();
		/* Re-sealed (under key 1) it opens to the same fields. */
		if (cookie_seal(ring, &out, b64, sizeof(b64), NULL) != 0)
			abort();
		if (cookie_open(ring, b64, strlen(b64), (enum cookie_kind)kind, out.issued,
				out.server_epoch, &again) != COOKIE_OK)
			abort();
		out.key_id = 1;
		if (!same(&out, &again))
			abort();
	}
}

/* Part 2: the input as the fields of a cookie. */
static void check_round_trip(const struct cookie_keyring *ring, const uint8_t *data, size_t size)
{
	struct cookie c, out;
	char b64[COOKIE_B64_MAX], x[COOKIE_B64_MAX];
	size_t idlen, glen, avail, len, pos, digits;
	const char *d;
	int rc, valid;

	memset(&c, 0, sizeof(c));
	c.issued = to_i64(le(data, 8));
	c.expires = to_i64(le(data + 8, 8));
	c.server_epoch = le(data + 16, 8);
	c.config_version = (uint32_t)le(data + 24, 4);
	c.sync_mark = (int64_t)(le(data + 16, 8) >> 1); /* any non-negative value */
	c.kind = (enum cookie_kind)(data[28] % 4);
	c.key_id = 0xdeadbeef; /* ignored by seal */
	idlen = data[29] % 70;
	glen = (size_t)le(data + 30, 2) % 600;
	data += 32;
	avail = size - 32;
	if (idlen > avail)
		idlen = avail;
	if (idlen > sizeof(c.client_id))
		idlen = sizeof(c.client_id); /* a full array: no NUL, must be refused */
	memcpy(c.client_id, data, idlen);
	data += idlen;
	avail -= idlen;
	if (glen > avail)
		glen = avail;
	if (glen > sizeof(c.groups))
		glen = sizeof(c.groups);
	memcpy(c.groups, data, glen);

	valid = fields_valid(&c);
	memset(b64, 'q', sizeof(b64));
	rc = cookie_seal(ring, &c, b64, sizeof(b64), NULL);
	if (!valid) {
		if (rc != OW_EINVAL || b64[0] != '\0')
			abort();
		return;
	}
	if (rc != 0)
		abort();
	len = strlen(b64);
	if (len % 4 != 0 || len >= COOKIE_B64_MAX ||
	    len != (34 + 39 + strlen(c.client_id) + strlen(c.groups) + 2) / 3 * 4)
		abort();
	if (cookie_open(ring, b64, len, c.kind, c.issued, c.server_epoch, &out) != COOKIE_OK)
		abort();
	c.key_id = 1;
	if (!same(&c, &out))
		abort();
	if (cookie_open(ring, b64, len, c.kind, c.expires, c.server_epoch, &out) != COOKIE_EXPIRED ||
	    !same(&c, &out))
		abort();
	if (cookie_open(ring, b64, len, c.kind, c.issued, c.server_epoch ^ 1, &out) !=
	    COOKIE_SERVER_CHANGED)
		abort();
	if (cookie_open(ring, b64, len, c.kind == COOKIE_AUTH ? COOKIE_CLIENT : COOKIE_AUTH,
			c.issued, c.server_epoch, &out) != COOKIE_INVALID || !all_zero(&out))
		abort();
	if (c.issued > INT64_MIN + OW_MAX_COOKIE_SKEW_S + 1 &&
	    cookie_open(ring, b64, len, c.kind, c.issued - OW_MAX_COOKIE_SKEW_S - 1,
			c.server_epoch, &out) != COOKIE_INVALID)
		abort();

	/* One digit changed, at a place the input picks. */
	digits = len;
	while (digits > 0 && b64[digits - 1] == '=')
		digits--;
	pos = (size_t)(c.config_version % digits);
	memcpy(x, b64, len + 1);
	d = strchr(b64_alphabet, x[pos]);
	if (d == NULL)
		abort();
	x[pos] = b64_alphabet[((size_t)(d - b64_alphabet) + 1 + c.config_version / 7 % 63) % 64];
	if (cookie_open(ring, x, len, c.kind, c.issued, c.server_epoch, &out) != COOKIE_INVALID)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cookie_keyring ring;
	static int ready;

	if (!ready) {
		fuzz_ring(&ring);
		ready = 1;
	}
	check_open(&ring, data, size);
	if (size >= 32)
		check_round_trip(&ring, data, size);
	return 0;
}
