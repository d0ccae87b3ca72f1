/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer with a ceiling fixed at init: appends that would
 * cross it fail with OW_ELIMIT and leave the buffer unchanged, so a buffer
 * fed from the network can never grow past its limit.
 */
#ifndef OW_BASE_BUF_H
#define OW_BASE_BUF_H

#include <stddef.h>

#include "base/err.h"

struct ow_buf {
	char *data;     /* NUL-terminated while len < cap */
	size_t len;
	size_t cap;
	size_t max;     /* ceiling on len */
};

void ow_buf_init(struct ow_buf *b, size_t max);
void ow_buf_release(struct ow_buf *b);
/* Gives up the storage to the caller (who frees it); b is empty after. */
char *ow_buf_detach(struct ow_buf *b, size_t *len);

int ow_buf_add(struct ow_buf *b, const void *p, size_t n) OW_WUR;
int ow_buf_adds(struct ow_buf *b, const char *s) OW_WUR;
int ow_buf_printf(struct ow_buf *b, const char *fmt, ...) OW_PRINTF(2, 3) OW_WUR;

/* Random RFC 4122 version-4 UUID in lower case ("6e8d0c3a-3f1e-4b66-..."). */
int ow_uuid4(char out[37]) OW_WUR;

#endif
