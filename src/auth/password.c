/* SPDX-License-Identifier: MIT */
/*
 * argon2id password hashes through libsodium (see password.h). Before a
 * stored hash reaches libsodium its parameters are read here and bounded,
 * so a tampered row in the store cannot turn one login into a gigabyte
 * allocation or a minute of work; the cost is a small parser of the
 * "$argon2id$v=19$m=M,t=T,p=P$" prefix that only accepts what we write.
 */
#include "auth/password.h"

#include <pthread.h>
#include <string.h>

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_status = -1; /* written once, under sodium_once */

static void sodium_start(void)
{
	sodium_status = sodium_init() < 0 ? -1 : 0;
}

int auth_sodium_init(void)
{
	if (pthread_once(&sodium_once, sodium_start) != 0)
		return OW_ECRYPTO;
	return sodium_status == 0 ? 0 : OW_ECRYPTO;
}

/* Reads 1..10 decimal digits at *p into *v and advances *p. */
static int read_u32(const char **p, unsigned long *v)
{
	const char *s = *p;
	unsigned long long n = 0;
	int digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 10) {
		n = n * 10 + (unsigned long long)(*s - '0');
		s++;
		digits++;
	}
	if (digits == 0 || (*s >= '0' && *s <= '9') || n > 0xffffffffULL)
		return OW_EINVAL;
	*v = (unsigned long)n;
	*p = s;
	return 0;
}

/* Accepts only "$argon2id$v=19$m=M,t=T,p=P$..." with M and T within the
 * OW_MAX_ARGON2_* bounds; the rest is left to libsodium. */
static int params_ok(const char *hash)
{
	static const char prefix[] = "$argon2id$v=19$m=";
	const char *p = hash;
	unsigned long m, t, lanes;

	if (strncmp(p, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	p += sizeof(prefix) - 1;
	if (read_u32(&p, &m) < 0 || strncmp(p, ",t=", 3) != 0)
		return 0;
	p += 3;
	if (read_u32(&p, &t) < 0 || strncmp(p, ",p=", 3) != 0)
		return 0;
	p += 3;
	if (read_u32(&p, &lanes) < 0 || *p != '$')
		return 0;
	return m >= 1 && m <= OW_MAX_ARGON2_MEM_KIB && t >= 1 && t <= OW_MAX_ARGON2_PASSES &&
	       lanes >= 1;
}

/* Copies a stored hash into a full-size buffer, as libsodium's prototypes
 * ask for. Returns 0, or OW_EINVAL when hash is NULL or too long. */
static int copy_hash(const char *hash, char buf[AUTH_HASH_MAX])
{
	size_t n;

	if (hash == NULL)
		return OW_EINVAL;
	n = strnlen(hash, AUTH_HASH_MAX);
	if (n == AUTH_HASH_MAX)
		return OW_EINVAL;
	memset(buf, 0, AUTH_HASH_MAX);
	memcpy(buf, hash, n);
	return 0;
}

int auth_password_hash(const char *password, char out[AUTH_HASH_MAX], struct ow_err *err)
{
	size_t len;

	out[0] = '\0';
	if (password == NULL)
		return ow_err_set(err, OW_EINVAL, "no password given");
	len = strnlen(password, (size_t)AUTH_PASSWORD_MAX + 1);
	if (len < AUTH_PASSWORD_MIN)
		return ow_err_set(err, OW_EINVAL, "password too short: at least %d bytes needed",
				  AUTH_PASSWORD_MIN);
	if (len > AUTH_PASSWORD_MAX)
		return ow_err_set(err, OW_EINVAL, "password too long: at most %d bytes allowed",
				  AUTH_PASSWORD_MAX);
	if (auth_sodium_init() < 0)
		return ow_err_set(err, OW_ECRYPTO, "libsodium cannot be initialised");
	if (crypto_pwhash_str_alg(out, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13) != 0) {
		out[0] = '\0';
		return ow_err_set(err, OW_ENOMEM, "argon2id: cannot get %u MiB of memory",
				  (unsigned)(crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20));
	}
	return 0;
}

int auth_password_verify(const char *hash, const char *password)
{
	char buf[AUTH_HASH_MAX];
	size_t len;

	if (password == NULL || copy_hash(hash, buf) < 0 || !params_ok(buf))
		return 0;
	len = strnlen(password, (size_t)AUTH_PASSWORD_MAX + 1);
	if (len > AUTH_PASSWORD_MAX || auth_sodium_init() < 0)
		return 0;
	return crypto_pwhash_str_verify(buf, password, len) == 0;
}

int auth_password_needs_rehash(const char *hash)
{
	char buf[AUTH_HASH_MAX];

	if (copy_hash(hash, buf) < 0 || !params_ok(buf) || auth_sodium_init() < 0)
		return 1;
	return crypto_pwhash_str_needs_rehash(buf, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}
