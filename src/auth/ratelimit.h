/* SPDX-License-Identifier: MIT */
/*
 * Failed-login throttling. A limiter counts failed logins per key, where a
 * key is any string the caller builds ("user:alice", "addr:192.0.2.7"); a
 * login is refused while any of its keys is blocked, and the wait is sent
 * as Retry-After. Memory is fixed when the limiter is made: at most
 * AUTH_LIMIT_SLOTS keys, and when the table is full the key touched least
 * recently is forgotten.
 *
 * Policy, per key:
 *   - failures 1..AUTH_LIMIT_FREE cost nothing;
 *   - failure n > AUTH_LIMIT_FREE blocks the key for 2^(n - AUTH_LIMIT_FREE)
 *     seconds from that failure (2, 4, 8, ... s), at most AUTH_LIMIT_MAX_BLOCK;
 *   - when AUTH_LIMIT_WINDOW seconds pass without a failure, the count
 *     starts again from zero (a failure exactly AUTH_LIMIT_WINDOW seconds
 *     after the previous one counts as 1).
 * So one key gets at most about 15 guesses per half hour, and a person who
 * mistypes a few times is never slowed down.
 *
 * Trade-off: with the table full, an attacker using thousands of fresh keys
 * can push a quiet key out and so clear its count. A key under attack is
 * touched on every attempt and stays; check the address key and the user
 * key both, so one of them always throttles.
 *
 * Time is seconds on a clock the caller chooses (monotonic in the server,
 * made up in the tests). All functions are thread-safe: one mutex guards the
 * table, held for a hash lookup and never across I/O.
 */
#ifndef OW_AUTH_RATELIMIT_H
#define OW_AUTH_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"

#define AUTH_LIMIT_SLOTS OW_MAX_LIMIT_SLOTS /* keys remembered */
#define AUTH_LIMIT_KEY_MAX OW_MAX_LIMIT_KEY /* longer keys are digested */
#define AUTH_LIMIT_FREE 5		    /* failures before any wait */
#define AUTH_LIMIT_WINDOW 900		    /* s without failure that reset the count */
#define AUTH_LIMIT_MAX_BLOCK 900	    /* longest wait, s */

struct auth_limiter;

/* Makes a limiter with all AUTH_LIMIT_SLOTS slots allocated (about
 * 0.7 MiB). Returns NULL when memory or libsodium's random key is missing. */
struct auth_limiter *auth_limiter_new(void);

/* Frees l; NULL is allowed. No other thread may be using l. */
void auth_limiter_free(struct auth_limiter *l);

/* Returns 0 when an attempt under key is allowed at time now, else the
 * seconds to wait (1..AUTH_LIMIT_MAX_BLOCK, for Retry-After). An unknown
 * key is allowed and is not added. */
int64_t auth_limiter_check(struct auth_limiter *l, const char *key, int64_t now);

/* Records one failed attempt under key at time now (see the policy above);
 * the key is added if unknown, evicting the least recently touched key
 * when the table is full. */
void auth_limiter_fail(struct auth_limiter *l, const char *key, int64_t now);

/* Forgets key and its failures (after a good login). */
void auth_limiter_success(struct auth_limiter *l, const char *key);

/* Number of keys held now, at most AUTH_LIMIT_SLOTS (for tests and
 * monitoring). */
size_t auth_limiter_count(struct auth_limiter *l);

#endif
