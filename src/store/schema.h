/* SPDX-License-Identifier: MIT */
/* The schema migrations compiled in from src/store/schema/NNNN-name.sql by
 * tools/embed-sql.sh, in version order. */
#ifndef OW_STORE_SCHEMA_H
#define OW_STORE_SCHEMA_H

struct store_migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct store_migration store_migrations[];
extern const int store_migrations_count;

#endif
