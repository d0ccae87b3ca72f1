/* SPDX-License-Identifier: MIT */
/*
 * The two MS-WUSP cookies a Windows client carries between calls: the
 * authorization cookie (SimpleAuthWebService GetAuthorizationCookie gives
 * it as CookieData) and the client cookie (ClientWebService GetCookie gives
 * it as Cookie/EncryptedData). Both are opaque to the client:
 *
 *   <Cookie><Expiration>2026-10-04T16:03:35Z</Expiration>
 *     <EncryptedData>AQIBAAAA...</EncryptedData></Cookie>
 *
 * Here each is an AES-256-GCM sealed blob of a few plain fields under a
 * random server key. Opening one authenticates it first and then reads
 * fixed little-endian fields and two length-prefixed strings whose caps are
 * checked: nothing a client sends is ever deserialized into objects (WSUS
 * itself fell to exactly that, CVE-2025-59287).
 *
 * Blob format (then base64, RFC 4648 standard alphabet, '=' padded, no
 * whitespace):
 *
 *   offset  size  field
 *   0       1     version, COOKIE_VERSION (1)                    \
 *   1       1     kind, enum cookie_kind (1 auth, 2 client)       } AAD
 *   2       4     key id, unsigned little-endian                 /
 *   6       12    nonce, random (RAND_bytes) for every seal
 *   18      L     ciphertext of the record below (GCM: same length)
 *   18+L    16    GCM tag over AAD and ciphertext
 *
 * Record (plaintext, L = 39 + n + m bytes, 40..613):
 *
 *   0       8     issued, Unix seconds, int64 little-endian
 *   8       8     expires, Unix seconds, int64 little-endian
 *   16      8     server_epoch, uint64 little-endian
 *   24      4     config_version, uint32 little-endian
 *   28      8     sync_mark, Unix seconds, int64 little-endian (0: none)
 *   36      1     n, client id length, 1..OW_MAX_COOKIE_CLIENT_ID
 *   37      n     client id, [A-Za-z0-9{}-] (no NUL stored)
 *   37+n    2     m, groups length, uint16 little-endian, 0..OW_MAX_COOKIE_GROUPS
 *   39+n    m     groups, bytes >= 0x20 except 0x7f, or '\n' (no NUL stored)
 *
 * The record ends exactly at the tag. A blob is therefore 74..647 bytes and
 * its base64 100..COOKIE_B64_MAX - 1 (864) characters; a typical client id
 * (a GUID) without groups gives 148. Real WSUS sends about 300 (client
 * cookie) and 664 (authorization cookie) characters. Version 1 cookies
 * (without sync_mark) are no longer opened: a client holding one is told
 * InvalidCookie and fetches a new one, as the protocol expects.
 *
 * Nonces are random 96-bit values, so one key may seal at most 2^32 cookies
 * (NIST SP 800-38D) before it must be rotated: years at a million seals a
 * day. A failing RAND_bytes fails the seal; there is no fallback nonce.
 *
 * Thread safety: a loaded keyring is read-only; cookie_seal and cookie_open
 * may run on it from any number of threads at once.
 */
#ifndef OW_AUTH_COOKIE_H
#define OW_AUTH_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"

/* ---- limits (to move into src/base/limits.h) ---- */



_Static_assert(OW_MAX_COOKIE_CLIENT_ID >= 38 && OW_MAX_COOKIE_CLIENT_ID <= 255,
	       "a braced GUID must fit; the length is one byte");
_Static_assert(OW_MAX_COOKIE_GROUPS >= 255 && OW_MAX_COOKIE_GROUPS <= 65535,
	       "the groups length is two bytes");
_Static_assert(OW_MAX_COOKIE_SKEW_S >= 0 && OW_MAX_COOKIE_SKEW_S <= 3600, "clock skew bound");
_Static_assert(OW_MAX_COOKIE_KEYS >= 2 && OW_MAX_COOKIE_KEYS <= 16, "rotation needs two keys");

/* ---- format constants ---- */

#define COOKIE_VERSION 2
#define COOKIE_KEY_BYTES 32
#define COOKIE_HEADER_BYTES 6   /* version, kind, key id: the AAD */
#define COOKIE_NONCE_BYTES 12
#define COOKIE_TAG_BYTES 16
#define COOKIE_RECORD_MIN 40    /* 39 + a 1-character client id, no groups */
#define COOKIE_RECORD_MAX (39 + OW_MAX_COOKIE_CLIENT_ID + OW_MAX_COOKIE_GROUPS)
#define COOKIE_BLOB_MIN (COOKIE_HEADER_BYTES + COOKIE_NONCE_BYTES + COOKIE_RECORD_MIN + COOKIE_TAG_BYTES)
#define COOKIE_BLOB_MAX (COOKIE_HEADER_BYTES + COOKIE_NONCE_BYTES + COOKIE_RECORD_MAX + COOKIE_TAG_BYTES)
/* A buffer for any sealed cookie's base64, NUL included (865). */
#define COOKIE_B64_MAX ((COOKIE_BLOB_MAX + 2) / 3 * 4 + 1)

_Static_assert(COOKIE_B64_MAX <= 1024, "cookies stay under 1 KiB of base64");

/* ---- the cookie ---- */

enum cookie_kind { COOKIE_AUTH = 1, COOKIE_CLIENT = 2 };

/*
 * The plain fields a cookie carries. For cookie_seal every field but key_id
 * must be valid (key_id is ignored: the sealing key's id is used):
 *   kind       COOKIE_AUTH or COOKIE_CLIENT
 *   client_id  the client's id as it sent it, NUL-terminated, 1..63
 *              characters of [A-Za-z0-9{}-]
 *   groups     target group names, '\n'-separated, NUL-terminated, as the
 *              client sent them; "" when none; 0..511 bytes, none below
 *              0x20 or 0x7f except '\n' (bytes from 0x80 pass unchecked:
 *              UTF-8 from the XML reader)
 *   issued     Unix seconds, >= 0
 *   expires    Unix seconds, > issued
 * server_epoch changes when the server's catalog identity changes (the
 * ServerChanged fault); config_version is carried for ConfigChanged.
 * sync_mark (client cookies) is when the client's cache last matched the
 * catalog: deployments changed since then go into ChangedUpdates.
 */
struct cookie {
	enum cookie_kind kind;
	uint32_t key_id;                              /* which key sealed it */
	char client_id[OW_MAX_COOKIE_CLIENT_ID + 1];
	char groups[OW_MAX_COOKIE_GROUPS + 1];
	int64_t issued;
	int64_t expires;
	uint64_t server_epoch;
	uint32_t config_version;
	int64_t sync_mark;
};

/* ---- keys: life cycle load (once per key), use, wipe ---- */

struct cookie_key {
	uint32_t id;
	unsigned char k[COOKIE_KEY_BYTES];
};

/* keys[0] seals; every key in keys[0..n) opens (rotation overlap). Key ids
 * are distinct. Start from a zeroed ring: struct cookie_keyring r = { 0 }. */
struct cookie_keyring {
	struct cookie_key keys[OW_MAX_COOKIE_KEYS];
	size_t n;
};

/*
 * Adds the key in the file at path under key_id to ring: the first key
 * added seals, later ones (older keys, during a rotation) only open. The
 * file (DIR/keys/cookie.key, made by `init`) must be a regular file of
 * exactly 32 random bytes that neither group nor others may read or write
 * (mode 0600 or stricter). It is checked on the open descriptor, so a file
 * swapped in between is not read. Every buffer that held the key is wiped.
 *
 * Returns 0; OW_EPERM when the file's mode allows group or other access;
 * OW_ECRYPTO when it is not exactly 32 bytes; OW_ENOENT when it is
 * missing; OW_EIO when it is not a regular file or cannot be read;
 * OW_ELIMIT when the ring already holds OW_MAX_COOKIE_KEYS keys; OW_EEXIST
 * when key_id is already in the ring. The ring is unchanged on failure.
 */
int cookie_keyring_load(const char *path, uint32_t key_id, struct cookie_keyring *ring,
			struct ow_err *err) OW_WUR;

/* Adds the 32-byte key k under key_id, as cookie_keyring_load does once it
 * has read the file (for tests and the fuzz target). The caller wipes k.
 * Same errors as cookie_keyring_load for a full ring or a repeated id. */
int cookie_keyring_add(struct cookie_keyring *ring, uint32_t key_id,
		       const unsigned char k[COOKIE_KEY_BYTES], struct ow_err *err) OW_WUR;

/* Wipes every key; the ring is empty (n = 0) after. */
void cookie_keyring_wipe(struct cookie_keyring *ring);

/* ---- sealing and opening ---- */

/*
 * Seals c under ring->keys[0] with a fresh random nonce and writes the
 * base64 text, NUL-terminated, into b64 (b64len bytes; COOKIE_B64_MAX
 * always suffices). Returns 0; OW_EINVAL when a field of c is invalid (see
 * struct cookie) or the ring is empty; OW_ELIMIT when b64 is too small;
 * OW_ECRYPTO when OpenSSL or the random generator fails. On failure b64
 * holds "" (when b64len > 0).
 */
int cookie_seal(const struct cookie_keyring *ring, const struct cookie *c, char *b64,
		size_t b64len, struct ow_err *err) OW_WUR;

enum cookie_status {
	COOKIE_OK = 0,
	COOKIE_INVALID = -1,         /* the InvalidCookie fault */
	COOKIE_EXPIRED = -2,         /* the CookieExpired fault */
	COOKIE_SERVER_CHANGED = -3,  /* the ServerChanged fault */
};

/*
 * Opens the len bytes of base64 at b64 (no NUL needed) as a cookie of kind
 * want, at time now (Unix seconds), for a server whose epoch is
 * server_epoch. Returns one enum cookie_status:
 *
 *   COOKIE_INVALID  b64 is NULL, not strict base64 (whitespace, the
 *                   URL-safe alphabet, missing or extra padding, nonzero
 *                   unused bits), the blob is shorter or longer than the
 *                   format allows, unknown version, kind other than want,
 *                   key id not in ring, tag mismatch (any changed bit),
 *                   malformed record (a length over its cap or running
 *                   past the tag, bytes left before the tag, a character
 *                   outside its set, expires <= issued, issued < 0), or
 *                   issued more than OW_MAX_COOKIE_SKEW_S after now.
 *   COOKIE_SERVER_CHANGED  authentic, but sealed for another server_epoch.
 *                   Checked before expiry: a client whose server changed
 *                   must start over, whatever its cookie's age.
 *   COOKIE_EXPIRED  authentic, same epoch, and now >= expires.
 *   COOKIE_OK       authentic and current.
 *
 * out gets the cookie's fields (kind and key_id from the header) for
 * COOKIE_OK, COOKIE_SERVER_CHANGED and COOKIE_EXPIRED, so a caller may
 * still read an authentic but stale cookie (GetCookie renews an expired
 * one); for COOKIE_INVALID out is all zero. Never fails on any input.
 */
int cookie_open(const struct cookie_keyring *ring, const char *b64, size_t len,
		enum cookie_kind want, int64_t now, uint64_t server_epoch, struct cookie *out);

/* Validity of a client id as struct cookie describes it: 1 or 0. */
int cookie_client_id_valid(const char *s);

#endif
