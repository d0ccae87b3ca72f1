/* SPDX-License-Identifier: MIT */
/*
 * Aligned text tables (see table.h). Rows are kept until printing because a
 * column's width is known only after its widest cell; the cost is one copy
 * of the cells, bounded by the reply they came from.
 */
#include "cli/table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct cli_table {
	const char *const *headers;
	size_t ncols;
	char **cells;           /* nrows * ncols, row-major */
	size_t nrows, cap;      /* rows used, rows allocated */
};

/* Bytes of one sanitized cell: CLI_TABLE_MAX_CELL code points of up to 4
 * bytes, "..." and the NUL. */
#define CELL_BYTES (CLI_TABLE_MAX_CELL * 4 + 4)

void cli_sanitize(const char *s, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0;

	if (len == 0)
		return;
	while (*p) {
		size_t n = 1;

		if (*p >= 0xf0)
			n = 4;
		else if (*p >= 0xe0)
			n = 3;
		else if (*p >= 0xc0)
			n = 2;
		if (o + n >= len)
			break;
		if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && *p < 0xc0) ||
		    (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) {
			/* C0 controls, DEL, a stray continuation byte, C1 controls
			 * (U+009B is CSI, the start of terminal commands) */
			out[o++] = '?';
			p += (*p == 0xc2) ? 2 : 1;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '\0' || (i > 0 && (p[i] & 0xc0) != 0x80)) {
				n = 0; /* truncated or invalid sequence: stop here */
				break;
			}
		}
		if (n == 0)
			break;
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
}

/* Code points in s (valid UTF-8). */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Sanitizes s and cuts it to CLI_TABLE_MAX_CELL code points. */
static char *cell_copy(const char *s)
{
	char buf[CELL_BYTES];

	cli_sanitize(s && *s ? s : "-", buf, sizeof(buf));
	if (width(buf) > CLI_TABLE_MAX_CELL) {
		size_t cps = 0;

		for (size_t i = 0; buf[i]; i++) {
			if (((unsigned char)buf[i] & 0xc0) == 0x80)
				continue;
			if (cps++ == CLI_TABLE_MAX_CELL - 3) {
				memcpy(buf + i, "...", 4);
				break;
			}
		}
	}
	return strdup(buf);
}

struct cli_table *cli_table_new(const char *const *headers, size_t ncols)
{
	struct cli_table *t;

	if (ncols == 0 || ncols > CLI_TABLE_MAX_COLS)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->headers = headers;
	t->ncols = ncols;
	return t;
}

int cli_table_add(struct cli_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **grown;

		if (cap > SIZE_MAX / t->ncols / sizeof(char *))
			return OW_ENOMEM;
		grown = realloc(t->cells, cap * t->ncols * sizeof(char *));
		if (grown == NULL)
			return OW_ENOMEM;
		t->cells = grown;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char *c = cell_copy(cells[i]);

		if (c == NULL) {
			while (i-- > 0)
				free(t->cells[t->nrows * t->ncols + i]);
			return OW_ENOMEM;
		}
		t->cells[t->nrows * t->ncols + i] = c;
	}
	t->nrows++;
	return 0;
}

size_t cli_table_rows(const struct cli_table *t)
{
	return t->nrows;
}

static void print_row(const struct cli_table *t, const size_t *w, const char *const *row, FILE *f)
{
	for (size_t i = 0; i < t->ncols; i++) {
		if (i + 1 == t->ncols) {
			fprintf(f, "%s\n", row[i]);
		} else {
			size_t pad = w[i] - width(row[i]) + 2;

			fputs(row[i], f);
			while (pad-- > 0)
				fputc(' ', f);
		}
	}
}

void cli_table_print(const struct cli_table *t, FILE *f)
{
	size_t w[CLI_TABLE_MAX_COLS];

	for (size_t i = 0; i < t->ncols; i++) {
		w[i] = width(t->headers[i]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t cw = width(t->cells[r * t->ncols + i]);

			if (cw > w[i])
				w[i] = cw;
		}
	}
	print_row(t, w, t->headers, f);
	for (size_t r = 0; r < t->nrows; r++)
		print_row(t, w, (const char *const *)(t->cells + r * t->ncols), f);
}

void cli_table_free(struct cli_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
