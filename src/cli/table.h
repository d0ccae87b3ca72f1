/* SPDX-License-Identifier: MIT */
/*
 * Aligned text tables for the administration verbs' human output:
 *
 *   NAME                  ID                                    PARENT
 *   All Computers         a0a08746-4dbe-4a37-9adf-9e7652c0b421  -
 *
 * Cells come from the server (update titles, principal names), so every
 * cell is sanitized: control characters (C0, DEL, C1) become '?', so a
 * hostile title cannot drive the terminal. Widths count UTF-8 code points.
 */
#ifndef OW_CLI_TABLE_H
#define OW_CLI_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

/* Code points shown of one cell; longer cells end in "...". Update titles
 * are under 200 characters; longer text is noise in a table (--json has it
 * whole). */
#define CLI_TABLE_MAX_CELL 160

/* Columns of one table. */
#define CLI_TABLE_MAX_COLS 12

struct cli_table;

/* A table with ncols (1..CLI_TABLE_MAX_COLS) columns named by headers
 * (borrowed; must outlive the table). NULL when out of memory. */
struct cli_table *cli_table_new(const char *const *headers, size_t ncols);

/* Appends a row of ncols cells, copied and sanitized; a NULL or empty
 * cell shows as "-". Returns 0 or OW_ENOMEM. */
int cli_table_add(struct cli_table *t, const char *const *cells) OW_WUR;

/* Rows added so far. */
size_t cli_table_rows(const struct cli_table *t);

/* Prints the header and rows, columns two spaces apart, the last column
 * unpadded. */
void cli_table_print(const struct cli_table *t, FILE *f);

void cli_table_free(struct cli_table *t);

/* Copies s into out (len bytes) with control characters replaced by '?',
 * cut at a character boundary when too long. */
void cli_sanitize(const char *s, char *out, size_t len);

#endif
