/* SPDX-License-Identifier: MIT */
/*
 * Local account passwords, hashed with argon2id (libsodium) into the
 * self-describing string "$argon2id$v=19$m=65536,t=2,p=1$salt$hash" that
 * the store keeps. The cost is libsodium's "interactive" level (64 MiB,
 * 2 passes, tens of milliseconds): a login stays quick while each guess
 * against a stolen store costs the attacker the same.
 *
 * Passwords are plain NUL-terminated byte strings. These functions never
 * copy or keep them; the caller owns every password buffer and wipes it
 * (sodium_memzero, OPENSSL_cleanse) as soon as it has been used.
 */
#ifndef OW_AUTH_PASSWORD_H
#define OW_AUTH_PASSWORD_H

#include <sodium.h>

#include "base/err.h"
#include "base/limits.h"

/* Size of a hash string buffer, NUL included. */
#define AUTH_HASH_MAX crypto_pwhash_STRBYTES

/* Length bounds of a password in bytes (not characters), checked when a
 * password is set. The minimum follows current guidance for passwords
 * without a composition rule; the maximum is a denial-of-service ceiling. */
#define AUTH_PASSWORD_MIN 12
#define AUTH_PASSWORD_MAX OW_MAX_PASSWORD

/* Initialises libsodium once per process (pthread_once), from any thread.
 * Every auth file that needs libsodium's random numbers calls this first.
 * Returns 0, or OW_ECRYPTO when libsodium cannot start (no entropy). */
int auth_sodium_init(void) OW_WUR;

/* Hashes password with a fresh random salt into out. Returns 0; OW_EINVAL
 * when password is shorter than AUTH_PASSWORD_MIN or longer than
 * AUTH_PASSWORD_MAX bytes (err says which); OW_ECRYPTO when libsodium
 * cannot start; OW_ENOMEM when the 64 MiB work area cannot be had. On
 * failure out holds an empty string. */
int auth_password_hash(const char *password, char out[AUTH_HASH_MAX],
		       struct ow_err *err) OW_WUR;

/* Returns 1 when password matches hash, 0 otherwise: a wrong password, a
 * NULL or malformed hash, a hash of another algorithm than argon2id, one
 * whose parameters exceed OW_MAX_ARGON2_MEM_KIB or OW_MAX_ARGON2_PASSES,
 * or a password longer than AUTH_PASSWORD_MAX. Never crashes on any input.
 * Takes as long as one hash with the parameters inside hash. */
int auth_password_verify(const char *hash, const char *password);

/* Returns 1 when hash should be replaced after the next good login: it is
 * not argon2id with the current parameters, or it is malformed. Returns 0
 * when it is current. */
int auth_password_needs_rehash(const char *hash);

#endif
