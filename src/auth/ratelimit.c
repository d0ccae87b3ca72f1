/* SPDX-License-Identifier: MIT */
/*
 * The failed-login table (see ratelimit.h): AUTH_LIMIT_SLOTS slots made
 * once, found through a chained hash index keyed with a random SipHash key
 * (so nobody can aim many keys at one chain), and kept on a recency list
 * whose tail is the slot reused when the table is full. All links are slot
 * numbers, not pointers, so the whole table is one allocation.
 */
#include "auth/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/password.h"

#define NBUCKETS (2 * AUTH_LIMIT_SLOTS) /* a power of two: mask, not modulo */
#define NIL (-1)

/* Largest count kept; beyond it the wait is AUTH_LIMIT_MAX_BLOCK anyway and
 * 2^(n - AUTH_LIMIT_FREE) must not overflow. */
#define COUNT_CAP (AUTH_LIMIT_FREE + 31)

_Static_assert((1LL << (COUNT_CAP - AUTH_LIMIT_FREE)) > AUTH_LIMIT_MAX_BLOCK,
	       "the cap on the count must not lower the longest wait");
_Static_assert(AUTH_LIMIT_SLOTS < (1 << 30), "slot numbers are int32_t");
_Static_assert(crypto_generichash_BYTES <= AUTH_LIMIT_KEY_MAX, "a key digest fits a slot");

struct slot {
	int32_t hnext;		/* next slot in the same bucket, or NIL */
	int32_t newer, older;	/* recency list, or free list through older */
	int64_t last_fail;	/* time of the latest counted failure */
	int64_t blocked_until;	/* attempts allowed from this time on */
	uint32_t count;		/* failures in the current window */
	uint32_t bucket;	/* hash of the key, masked */
	uint8_t digested;	/* key holds a digest of a longer key */
	uint8_t klen;
	unsigned char key[AUTH_LIMIT_KEY_MAX];
};

struct auth_limiter {
	pthread_mutex_t mu;
	unsigned char hkey[crypto_shorthash_KEYBYTES]; /* SipHash key, random */
	int32_t newest, oldest;	/* recency list ends */
	int32_t free_head;	/* unused slots, linked through older */
	size_t used;
	int32_t buckets[NBUCKETS];
	struct slot slots[AUTH_LIMIT_SLOTS];
};

/* A key as stored: its bytes, or a BLAKE2b digest when it is too long. */
struct lkey {
	unsigned char b[AUTH_LIMIT_KEY_MAX];
	uint8_t len;
	uint8_t digested;
	uint32_t bucket;
};

static void lkey_make(const struct auth_limiter *l, const char *key, struct lkey *k)
{
	size_t n = strnlen(key, (size_t)AUTH_LIMIT_KEY_MAX + 1);
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v = 0;

	if (n > AUTH_LIMIT_KEY_MAX) {
		crypto_generichash(k->b, crypto_generichash_BYTES, (const unsigned char *)key,
				   strlen(key), NULL, 0);
		k->len = crypto_generichash_BYTES;
		k->digested = 1;
	} else {
		memcpy(k->b, key, n);
		k->len = (uint8_t)n;
		k->digested = 0;
	}
	crypto_shorthash(h, k->b, k->len, l->hkey);
	for (size_t i = 0; i < sizeof(h); i++)
		v = v << 8 | h[i];
	k->bucket = (uint32_t)(v & (NBUCKETS - 1));
}

static int32_t find(const struct auth_limiter *l, const struct lkey *k)
{
	for (int32_t i = l->buckets[k->bucket]; i != NIL; i = l->slots[i].hnext) {
		const struct slot *s = &l->slots[i];

		if (s->klen == k->len && s->digested == k->digested &&
		    memcmp(s->key, k->b, k->len) == 0)
			return i;
	}
	return NIL;
}

static void list_unlink(struct auth_limiter *l, int32_t i)
{
	struct slot *s = &l->slots[i];

	if (s->newer != NIL)
		l->slots[s->newer].older = s->older;
	else
		l->newest = s->older;
	if (s->older != NIL)
		l->slots[s->older].newer = s->newer;
	else
		l->oldest = s->newer;
	s->newer = s->older = NIL;
}

static void list_push_newest(struct auth_limiter *l, int32_t i)
{
	struct slot *s = &l->slots[i];

	s->newer = NIL;
	s->older = l->newest;
	if (l->newest != NIL)
		l->slots[l->newest].newer = i;
	l->newest = i;
	if (l->oldest == NIL)
		l->oldest = i;
}

static void touch(struct auth_limiter *l, int32_t i)
{
	if (l->newest != i) {
		list_unlink(l, i);
		list_push_newest(l, i);
	}
}

/* Takes slot i out of its bucket and the recency list, onto the free list. */
static void release(struct auth_limiter *l, int32_t i)
{
	struct slot *s = &l->slots[i];
	int32_t *link = &l->buckets[s->bucket];

	while (*link != i)
		link = &l->slots[*link].hnext;
	*link = s->hnext;
	list_unlink(l, i);
	memset(s, 0, sizeof(*s));
	s->hnext = s->newer = NIL;
	s->older = l->free_head;
	l->free_head = i;
	l->used--;
}

/* Returns a slot for k, new and empty, reusing the oldest when full. */
static int32_t insert(struct auth_limiter *l, const struct lkey *k)
{
	struct slot *s;
	int32_t i;

	if (l->free_head == NIL)
		release(l, l->oldest);
	i = l->free_head;
	s = &l->slots[i];
	l->free_head = s->older;
	memcpy(s->key, k->b, k->len);
	s->klen = k->len;
	s->digested = k->digested;
	s->bucket = k->bucket;
	s->count = 0;
	s->last_fail = s->blocked_until = 0;
	s->hnext = l->buckets[k->bucket];
	l->buckets[k->bucket] = i;
	list_push_newest(l, i);
	l->used++;
	return i;
}

struct auth_limiter *auth_limiter_new(void)
{
	struct auth_limiter *l = NULL;

	if (auth_sodium_init() < 0)
		goto fail;
	l = calloc(1, sizeof(*l));
	if (l == NULL || pthread_mutex_init(&l->mu, NULL) != 0)
		goto fail;
	crypto_shorthash_keygen(l->hkey);
	l->newest = l->oldest = NIL;
	for (size_t b = 0; b < NBUCKETS; b++)
		l->buckets[b] = NIL;
	for (int32_t i = 0; i < AUTH_LIMIT_SLOTS; i++) {
		l->slots[i].hnext = l->slots[i].newer = NIL;
		l->slots[i].older = i + 1 < AUTH_LIMIT_SLOTS ? i + 1 : NIL;
	}
	l->free_head = 0;
	return l;
fail:
	free(l);
	return NULL;
}

void auth_limiter_free(struct auth_limiter *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->mu);
	sodium_memzero(l, sizeof(*l));
	free(l);
}

int64_t auth_limiter_check(struct auth_limiter *l, const char *key, int64_t now)
{
	struct lkey k;
	int64_t wait = 0;
	int32_t i;

	if (l == NULL || key == NULL)
		return 0;
	lkey_make(l, key, &k);
	pthread_mutex_lock(&l->mu);
	i = find(l, &k);
	if (i != NIL) {
		touch(l, i);
		if (l->slots[i].blocked_until > now)
			wait = l->slots[i].blocked_until - now;
	}
	pthread_mutex_unlock(&l->mu);
	/* A clock that went backwards must not block anyone for longer. */
	return wait > AUTH_LIMIT_MAX_BLOCK ? AUTH_LIMIT_MAX_BLOCK : wait;
}

void auth_limiter_fail(struct auth_limiter *l, const char *key, int64_t now)
{
	struct lkey k;
	struct slot *s;
	int32_t i;

	if (l == NULL || key == NULL)
		return;
	lkey_make(l, key, &k);
	pthread_mutex_lock(&l->mu);
	i = find(l, &k);
	if (i == NIL)
		i = insert(l, &k);
	else
		touch(l, i);
	s = &l->slots[i];
	if (s->count > 0 && now - s->last_fail >= AUTH_LIMIT_WINDOW)
		s->count = 0;
	if (s->count < COUNT_CAP)
		s->count++;
	s->last_fail = now;
	if (s->count > AUTH_LIMIT_FREE) {
		int64_t block = (int64_t)1 << (s->count - AUTH_LIMIT_FREE);

		if (block > AUTH_LIMIT_MAX_BLOCK)
			block = AUTH_LIMIT_MAX_BLOCK;
		s->blocked_until = now + block;
	}
	pthread_mutex_unlock(&l->mu);
}

void auth_limiter_success(struct auth_limiter *l, const char *key)
{
	struct lkey k;
	int32_t i;

	if (l == NULL || key == NULL)
		return;
	lkey_make(l, key, &k);
	pthread_mutex_lock(&l->mu);
	i = find(l, &k);
	if (i != NIL)
		release(l, i);
	pthread_mutex_unlock(&l->mu);
}

size_t auth_limiter_count(struct auth_limiter *l)
{
	size_t n;

	if (l == NULL)
		return 0;
	pthread_mutex_lock(&l->mu);
	n = l->used;
	pthread_mutex_unlock(&l->mu);
	return n;
}
