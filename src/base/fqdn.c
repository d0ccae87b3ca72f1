/* SPDX-License-Identifier: MIT */
/*
 * FQDN syntax check for TLS server names (see fqdn.h). The checks run from
 * the most specific mistake to the most general, so "localhost" is told it
 * is localhost rather than that it has one label, and "10.0.0.1" is told it
 * is an IP address rather than that its last label is numeric.
 */
#include "base/fqdn.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"

/* Characters of a user-supplied name quoted in a message; longer names are
 * cut with "..." so the reason still fits in OW_ERR_MSG_MAX. */
#define QUOTE_CHARS 64

_Static_assert(QUOTE_CHARS + 4 < OW_ERR_MSG_MAX / 2, "quoted name leaves room for the reason");

/* Copies up to QUOTE_CHARS bytes of s[0..n) into dst (size QUOTE_CHARS + 4),
 * printable ASCII only: a name from a config file or command line must not
 * put control characters into a log line. */
static void quote(char dst[QUOTE_CHARS + 4], const char *s, size_t n)
{
	size_t i, shown = n > QUOTE_CHARS ? QUOTE_CHARS : n;

	for (i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (shown < n) {
		memcpy(dst + i, "...", 3);
		i += 3;
	}
	dst[i] = '\0';
}

static int is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-';
}

static int is_ip_literal(const char *s, size_t n)
{
	unsigned char addr[sizeof(struct in6_addr)];
	char inner[OW_MAX_FQDN + 1];

	if (inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1)
		return 1;
	/* "[::1]" as written in URLs. */
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		memcpy(inner, s + 1, n - 2);
		inner[n - 2] = '\0';
		return inet_pton(AF_INET6, inner, addr) == 1;
	}
	return 0;
}

/* Checks one label s[0..n); q is the quoted whole name. */
static int check_label(const char *s, size_t n, const char *q, struct ow_err *err)
{
	char ql[QUOTE_CHARS + 4];
	size_t i;

	if (n == 0)
		return ow_err_set(err, OW_EINVAL,
				  "'%s' has an empty label (two dots in a row, or a leading dot)", q);
	quote(ql, s, n);
	if (n > OW_MAX_LABEL)
		return ow_err_set(err, OW_EINVAL,
				  "label '%s' is %zu characters long; a DNS label has at most %d",
				  ql, n, OW_MAX_LABEL);
	for (i = 0; i < n; i++) {
		if (!is_ldh((unsigned char)s[i]))
			return ow_err_set(err, OW_EINVAL,
					  "label '%s' has a character other than letters, digits and '-'",
					  ql);
	}
	if (s[0] == '-' || s[n - 1] == '-')
		return ow_err_set(err, OW_EINVAL,
				  "label '%s' starts or ends with '-'", ql);
	return 0;
}

int ow_fqdn_check(const char *name, struct ow_err *err)
{
	char buf[OW_MAX_FQDN + 1], q[QUOTE_CHARS + 4];
	const char *label, *dot, *p;
	size_t len, labels = 0;
	int rc;

	if (name == NULL || name[0] == '\0')
		return ow_err_set(err, OW_EINVAL, "the host name is empty; give the server's FQDN");
	/* Bounded: a name one byte over the limit plus a dot is enough to tell. */
	len = strnlen(name, OW_MAX_FQDN + 2);
	quote(q, name, len);
	if (len <= OW_MAX_FQDN + 1 && name[len - 1] == '.')
		len--;
	if (len > OW_MAX_FQDN)
		return ow_err_set(err, OW_EINVAL,
				  "'%s' is longer than %d characters, the limit for a DNS name",
				  q, OW_MAX_FQDN);
	if (len == 0)
		return ow_err_set(err, OW_EINVAL, "'%s' is the DNS root, not a host name", q);
	memcpy(buf, name, len);
	buf[len] = '\0';

	if (is_ip_literal(buf, len))
		return ow_err_set(err, OW_EINVAL, "'%s' is an IP address, not a FQDN", q);
	if (strchr(buf, ':') != NULL)
		return ow_err_set(err, OW_EINVAL,
				  "'%s' contains ':'; give the host name alone, without a port or scheme",
				  q);
	if (strchr(buf, '*') != NULL)
		return ow_err_set(err, OW_EINVAL,
				  "'%s' is a wildcard; the server certificate must name one host", q);
	if (ow_strncasecmp(buf, "localhost", sizeof("localhost")) == 0 ||
	    (len > sizeof(".localhost") - 1 &&
	     ow_strncasecmp(buf + len - (sizeof(".localhost") - 1), ".localhost",
			    sizeof(".localhost")) == 0))
		return ow_err_set(err, OW_EINVAL,
				  "'%s' is not a fully qualified domain name: clients and downstream "
				  "servers must use the server's FQDN (hardening guide, SSL section)",
				  q);

	label = buf;
	for (;;) {
		dot = strchr(label, '.');
		p = dot != NULL ? dot : buf + len;
		rc = check_label(label, (size_t)(p - label), q, err);
		if (rc < 0)
			return rc;
		labels++;
		if (dot == NULL)
			break;
		label = dot + 1;
	}
	if (labels < 2) {
		quote(q, buf, len); /* without the trailing dot, for the example */
		return ow_err_set(err, OW_EINVAL,
				  "'%s' has one label; a FQDN has at least two (%s.example.com)", q, q);
	}
	for (p = label; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return 0;
	}
	return ow_err_set(err, OW_EINVAL,
			  "'%s' ends in the all-digit label '%s'; a top-level domain is never "
			  "numeric", q, label);
}
