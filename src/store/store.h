/* SPDX-License-Identifier: MIT */
/*
 * The store: the only place that speaks SQL. Callers see functions named for
 * what they do; a backend (sqlite.c now, pg.c later) sits behind an ops
 * table chosen from the store URL ("sqlite:PATH" relative to the data
 * directory, or "postgresql://..."). Opening a store applies any pending
 * migration from src/store/schema/, each in its own transaction.
 *
 * A struct store is used by one thread at a time.
 */
#ifndef OW_STORE_STORE_H
#define OW_STORE_STORE_H

#include <stdint.h>

#include "base/err.h"

struct store;

struct store_ops {
	const char *name;
	int (*open)(const char *url, const char *data_dir, struct store **out, struct ow_err *err);
	void (*close)(struct store *st);
	int (*version)(struct store *st, int *version, struct ow_err *err);
	int (*meta_get)(struct store *st, const char *key, char *value, size_t len,
			struct ow_err *err);
	int (*meta_set)(struct store *st, const char *key, const char *value, struct ow_err *err);
	int (*content_put)(struct store *st, const char *sha1, const char *sha256, uint64_t size,
			   const char *ext, int *inserted, struct ow_err *err);
	int (*content_count)(struct store *st, long long *count, struct ow_err *err);
};

/* Opens (creating and migrating when needed) the store named by url. */
int store_open(const char *url, const char *data_dir, struct store **out, struct ow_err *err) OW_WUR;
void store_close(struct store *st);

/* Schema version after migrations (the highest applied). */
int store_version(struct store *st, int *version, struct ow_err *err) OW_WUR;

/* Server-wide key/value facts (server id, creation time). meta_get gives
 * OW_ENOENT for an absent key. */
int store_meta_get(struct store *st, const char *key, char *value, size_t len,
		   struct ow_err *err) OW_WUR;
int store_meta_set(struct store *st, const char *key, const char *value, struct ow_err *err) OW_WUR;

/* Records a content file (upper-case hex digests). *inserted is 0 when it
 * was already known with the same digests; a known SHA-1 with another
 * SHA-256 or size is OW_EEXIST. */
int store_content_put(struct store *st, const char *sha1, const char *sha256, uint64_t size,
		      const char *ext, int *inserted, struct ow_err *err) OW_WUR;
int store_content_count(struct store *st, long long *count, struct ow_err *err) OW_WUR;

/* Backends. */
extern const struct store_ops store_sqlite_ops;

/* Every store struct starts with this. */
struct store {
	const struct store_ops *ops;
};

#endif
