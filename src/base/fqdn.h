/* SPDX-License-Identifier: MIT */
/*
 * The one rule for "is this a name a TLS server certificate can be issued
 * for and clients can be told to use". WSUS clients and downstream servers
 * must reach a TLS server by its FQDN (hardening guide, SSL section), so
 * init, configuressl and the certificate code all ask here. The check is
 * purely syntactic: it does not resolve the name.
 */
#ifndef OW_BASE_FQDN_H
#define OW_BASE_FQDN_H

#include "base/err.h"

/*
 * Returns 0 when name is a fully qualified DNS host name:
 *   - at most OW_MAX_FQDN (253) characters; one trailing dot is allowed
 *     and not counted ("wsus.example.com." is the same name);
 *   - at least two labels, each 1..OW_MAX_LABEL (63) characters of
 *     [A-Za-z0-9-], not starting or ending with '-';
 *   - the last label (the top-level domain) is not all digits;
 *   - not an IPv4 or IPv6 literal (also refused bracketed, "[::1]");
 *   - not "localhost" nor a name under ".localhost" (any case);
 *   - no wildcard ('*'): a server certificate here names one host.
 * Otherwise returns OW_EINVAL and, when err is not NULL, a message that
 * quotes the name (non-printable bytes shown as '?') and says why.
 * name may be NULL (refused as empty). The name is not modified.
 */
int ow_fqdn_check(const char *name, struct ow_err *err) OW_WUR;

#endif
