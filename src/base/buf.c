/* SPDX-License-Identifier: MIT */
/* Bounded growable buffers (see buf.h) and random UUIDs. */
#include "base/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

void ow_buf_init(struct ow_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void ow_buf_release(struct ow_buf *b)
{
	free(b->data);
	ow_buf_init(b, b->max);
}

char *ow_buf_detach(struct ow_buf *b, size_t *len)
{
	char *d = b->data;

	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

static int grow(struct ow_buf *b, size_t n)
{
	size_t need, cap;
	char *d;

	/* The second test keeps need and the doublings below from wrapping
	 * when max is huge (SIZE_MAX: "no ceiling"). */
	if (n > b->max - b->len || n >= SIZE_MAX / 2 - b->len)
		return OW_ELIMIT;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap - 1 > b->max) /* cap > max + 1, which would wrap for SIZE_MAX */
		cap = b->max + 1;
	d = realloc(b->data, cap);
	if (d == NULL)
		return OW_ENOMEM;
	b->data = d;
	b->cap = cap;
	return 0;
}

int ow_buf_add(struct ow_buf *b, const void *p, size_t n)
{
	int rc = grow(b, n);

	if (rc < 0)
		return rc;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int ow_buf_adds(struct ow_buf *b, const char *s)
{
	return ow_buf_add(b, s, strlen(s));
}

int ow_buf_printf(struct ow_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return OW_EINVAL;
	if ((rc = grow(b, (size_t)n)) < 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int ow_uuid4(char out[37])
{
	unsigned char r[16];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return OW_EIO;
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
		 r[13], r[14], r[15]);
	return 0;
}
