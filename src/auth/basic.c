/* SPDX-License-Identifier: MIT */
/*
 * "Authorization: Basic" parsing (see basic.h). The base64 decoder is ours
 * and strict: a credential has exactly one encoding, so two spellings of
 * the same secret never reach the rest of the server, and the length is
 * checked before a byte is decoded. Everything decoded sits in one stack
 * buffer that is wiped on every path out.
 */
#include "auth/basic.h"

#include <string.h>

#include <sodium.h>

#include "base/util.h"

/* Encoded length that can hold AUTH_BASIC_DECODED_MAX bytes. */
#define ENCODED_MAX ((AUTH_BASIC_DECODED_MAX + 2) / 3 * 4)

/* Value of a base64 digit (RFC 4648 section 4), or -1. */
static int b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes n (a multiple of 4) base64 characters at in into out, which holds
 * n / 4 * 3 bytes. Returns the decoded length, or -1. */
static long b64_decode(const char *in, size_t n, unsigned char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 4) {
		const unsigned char *q = (const unsigned char *)in + i;
		int last = i + 4 == n;
		int pad = last ? (q[3] == '=') + (q[3] == '=' && q[2] == '=') : 0;
		int v[4] = { 0, 0, 0, 0 };

		for (int j = 0; j < 4 - pad; j++) {
			v[j] = b64_digit(q[j]);
			if (v[j] < 0)
				return -1;
		}
		/* The bits a shorter final group leaves unused must be zero. */
		if ((pad == 2 && (v[1] & 0x0f) != 0) || (pad == 1 && (v[2] & 0x03) != 0))
			return -1;
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (unsigned char)((v[1] & 0x0f) << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (unsigned char)((v[2] & 0x03) << 6 | v[3]);
	}
	return (long)o;
}

int auth_basic_parse(const char *header_value, char *user, size_t ulen, char *pass, size_t plen)
{
	unsigned char dec[ENCODED_MAX / 4 * 3];
	const char *p = header_value;
	const unsigned char *colon;
	size_t n, ul, pl;
	long dl = -1;
	int rc = OW_EINVAL;

	if (user == NULL || pass == NULL || ulen == 0 || plen == 0)
		return OW_EINVAL;
	if (p == NULL || ow_strncasecmp(p, "basic", 5) != 0 || p[5] != ' ')
		goto fail;
	p += 5;
	while (*p == ' ')
		p++;
	n = strnlen(p, ENCODED_MAX + 1);
	if (n == 0 || n > ENCODED_MAX || n % 4 != 0)
		goto fail;
	dl = b64_decode(p, n, dec);
	if (dl < 0 || (size_t)dl > AUTH_BASIC_DECODED_MAX)
		goto fail;
	colon = memchr(dec, ':', (size_t)dl);
	if (colon == NULL || colon == dec)
		goto fail;
	ul = (size_t)(colon - dec);
	pl = (size_t)dl - ul - 1;
	if (ul >= ulen || pl >= plen)
		goto fail;
	for (size_t i = 0; i < ul; i++)
		if (dec[i] < 0x20 || dec[i] == 0x7f)
			goto fail;
	if (memchr(colon + 1, '\0', pl) != NULL)
		goto fail;
	memcpy(user, dec, ul);
	user[ul] = '\0';
	memcpy(pass, colon + 1, pl);
	pass[pl] = '\0';
	rc = 0;
fail:
	sodium_memzero(dec, sizeof(dec));
	if (rc != 0) {
		sodium_memzero(user, ulen);
		sodium_memzero(pass, plen);
	}
	return rc;
}
