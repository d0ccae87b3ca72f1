/* SPDX-License-Identifier: MIT */
/*
 * Error reporting shared by every layer. A fallible function returns 0 or a
 * negative OW_E* code and, when the caller passes a struct ow_err, fills in a
 * human-readable message at the place where the failure happened. Each
 * boundary (CLI exit code, HTTP status, SOAP fault) maps codes in one switch.
 */
#ifndef OW_BASE_ERR_H
#define OW_BASE_ERR_H

#include <stddef.h>

#define OW_WUR __attribute__((warn_unused_result))
#define OW_PRINTF(f, a) __attribute__((format(printf, f, a)))

#define OW_ERR_MSG_MAX 256

enum {
	OW_OK = 0,
	OW_EINVAL = -1,    /* bad input from a user or a peer */
	OW_ENOMEM = -2,    /* allocation failed */
	OW_EIO = -3,       /* file or socket I/O failed */
	OW_ENOENT = -4,    /* named thing does not exist */
	OW_EEXIST = -5,    /* already exists */
	OW_ELIMIT = -6,    /* a named OW_MAX_* limit was exceeded */
	OW_ECRYPTO = -7,   /* OpenSSL or key material failure */
	OW_ESTORE = -8,    /* database failure */
	OW_EPERM = -9,     /* permission or ownership check failed */
	OW_ECONFIG = -10,  /* configuration file invalid */
	OW_ERANGE = -11,   /* a Range request cannot be satisfied */
};

struct ow_err {
	int code;
	char msg[OW_ERR_MSG_MAX];
};

/* Sets err->code and formats err->msg (truncated if needed); returns code.
 * err may be NULL, then only the code is returned. */
int ow_err_set(struct ow_err *err, int code, const char *fmt, ...) OW_PRINTF(3, 4);

/* Short name of a code ("invalid input", ...), never NULL. */
const char *ow_err_str(int code);

#endif
