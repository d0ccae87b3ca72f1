/* SPDX-License-Identifier: MIT */
/* Error codes and the message buffer that travels with them (see err.h). */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>

int ow_err_set(struct ow_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	/* Truncation is acceptable here: messages are for people. */
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

const char *ow_err_str(int code)
{
	switch (code) {
	case OW_OK: return "ok";
	case OW_EINVAL: return "invalid input";
	case OW_ENOMEM: return "out of memory";
	case OW_EIO: return "I/O error";
	case OW_ENOENT: return "not found";
	case OW_EEXIST: return "already exists";
	case OW_ELIMIT: return "limit exceeded";
	case OW_ECRYPTO: return "cryptographic error";
	case OW_ESTORE: return "store error";
	case OW_EPERM: return "permission denied";
	case OW_ECONFIG: return "configuration error";
	case OW_ERANGE: return "range not satisfiable";
	}
	return "unknown error";
}
