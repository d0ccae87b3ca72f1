/* SPDX-License-Identifier: MIT */
/*
 * X.509 for the server's own TLS identity: a lab CA made by `openwsus init`,
 * server certificates it issues, and the checks `configuressl` and `audit`
 * run on a certificate/key pair an administrator brings. Keys made here are
 * ECDSA P-256 and signatures SHA-256: every Windows client since 7 accepts
 * them, and they keep handshakes cheap. Keys brought from outside may be of
 * any type OpenSSL reads.
 *
 * Every function returns 0 or a negative OW_E* code and, when err is not
 * NULL, a message naming the file and the reason:
 *   OW_EINVAL   the input is wrong (bad FQDN, name not covered, key does
 *               not match, expired, no certificate in the file, ...);
 *   OW_ENOENT   a file to read does not exist;
 *   OW_EIO      a file could not be read or written;
 *   OW_ELIMIT   a file is larger than the PEM ceiling, or out is too small;
 *   OW_ENOMEM   allocation failed;
 *   OW_ECRYPTO  OpenSSL failed on valid input (key generation, signing).
 * Nothing is returned to own: results go to files or caller buffers.
 *
 * Files: private keys are written as unencrypted PKCS#8 PEM with mode 0600,
 * certificates as PEM and CRLs as DER (what a CRL distribution point
 * serves) with mode 0644, each replaced atomically (ow_write_file_atomic);
 * an existing file at the path is replaced. The key is written before the
 * certificate, so a failure in between can leave a new key next to an old
 * certificate; x509_check_pair reports that. Key bytes
 * read or encoded in memory are wiped (OPENSSL_cleanse) before being freed.
 * A certificate file may hold several PEM certificates: the first is the
 * leaf, the rest its chain.
 */
#ifndef OW_CRYPTO_X509_H
#define OW_CRYPTO_X509_H

#include <stddef.h>

#include "base/err.h"

/* ---- issuing --------------------------------------------------------- */

/*
 * Makes a self-signed lab CA: a new P-256 key at key_path and its
 * certificate at cert_path. Subject and issuer are CN=common_name,
 * O=openwsus lab CA; serial is a random positive 128-bit number; valid from
 * one hour ago (clock skew) for 10 years; extensions: basicConstraints
 * critical CA:TRUE, pathlen:0 (it signs server certificates only);
 * keyUsage critical keyCertSign, cRLSign; subjectKeyIdentifier.
 * common_name must be 1..64 characters (the X.520 bound), else OW_EINVAL.
 */
int x509_make_ca(const char *cert_path, const char *key_path, const char *common_name,
		 struct ow_err *err) OW_WUR;

/*
 * Issues a server certificate for fqdn with a new P-256 key, signed by the
 * CA in ca_cert_path/ca_key_path (which must match and be a CA certificate).
 * fqdn must pass ow_fqdn_check (else OW_EINVAL); a trailing dot is dropped.
 * The certificate has subject CN=fqdn (when fqdn fits the 64-character CN
 * bound; else O=openwsus, the name being in the SAN, which is what clients
 * check), subjectAltName DNS:fqdn, basicConstraints critical CA:FALSE,
 * keyUsage critical digitalSignature, extendedKeyUsage serverAuth, subject
 * and authority key identifiers, a random positive 128-bit serial, and is
 * valid from one hour ago until `days` days from now; days must be
 * 1..3652 (the CA's own lifetime), else OW_EINVAL.
 * cert_path receives the leaf followed by the CA certificate, the chain a
 * TLS server sends. cert_path and key_path must differ.
 */
int x509_issue_server(const char *ca_cert_path, const char *ca_key_path, const char *fqdn,
		      unsigned days, const char *cert_path, const char *key_path,
		      struct ow_err *err) OW_WUR;

/*
 * x509_issue_server, and when crl_url_or_null is not NULL the certificate
 * also names where its CA's revocation list is: a non-critical
 * crlDistributionPoints extension with one distribution point,
 * fullName URI:crl_url_or_null (RFC 5280 4.2.1.13). The URL must start with
 * "http://", be at most 512 characters and hold only URI characters (RFC
 * 3986) other than ','; else OW_EINVAL. x509_issue_server is this with NULL.
 */
int x509_issue_server_crl(const char *ca_cert_path, const char *ca_key_path, const char *fqdn,
			  unsigned days, const char *cert_path, const char *key_path,
			  const char *crl_url_or_null, struct ow_err *err) OW_WUR;

/*
 * Writes to crl_path a new, empty certificate revocation list of the CA in
 * ca_cert_path/ca_key_path (which must match, be a CA certificate and be
 * unexpired, as for x509_issue_server, and whose keyUsage, when it has one,
 * must include cRLSign; else OW_EINVAL): version 2, issuer the CA's subject,
 * lastUpdate now, nextUpdate `days` days from now (1..365, else OW_EINVAL),
 * no revoked certificates, extensions cRLNumber (the current Unix time, so
 * each list made later has a larger number, as RFC 5280 5.2.3 asks) and
 * authorityKeyIdentifier (the CA's key id), signed with SHA-256. The file
 * is DER, mode 0644.
 */
int x509_make_crl(const char *ca_cert_path, const char *ca_key_path, unsigned days,
		  const char *crl_path, struct ow_err *err) OW_WUR;

/* ---- checking -------------------------------------------------------- */

/*
 * What `configuressl --cert F --key F` validates, in this order, each with
 * its own message:
 *   1. the first PEM certificate in cert_path parses (chain certs may follow);
 *   2. key_path holds a PEM private key OpenSSL reads; a passphrase-protected
 *      key is refused (never prompted for);
 *   3. fqdn passes ow_fqdn_check;
 *   4. the leaf covers fqdn per X509_check_host with OpenSSL's default
 *      wildcard rules, looking at subjectAltName DNS names only (a subject
 *      CN is not a host name to modern clients); the message lists the
 *      names the certificate does have;
 *   5. the key matches the leaf (X509_check_private_key);
 *   6. the leaf is valid now: notBefore <= now < notAfter; the message
 *      gives the date in UTC.
 * The chain is not verified here: see x509_chain_check.
 */
int x509_check_pair(const char *cert_path, const char *key_path, const char *fqdn,
		    struct ow_err *err) OW_WUR;

/*
 * Writes the serial of the first certificate in cert_path into out as
 * upper-case hex, two digits per byte, '-' first when negative: the text
 * `openssl x509 -serial -noout` prints after "serial=". OW_ELIMIT when out
 * (of outlen bytes, NUL included) is too small; 42 bytes hold any serial
 * RFC 5280 allows (20 bytes).
 */
int x509_leaf_serial(const char *cert_path, char *out, size_t outlen,
		     struct ow_err *err) OW_WUR;

/*
 * Sets *days to the whole days from now until the notAfter of the first
 * certificate in cert_path, rounded down: a 90-day certificate gives 90 in
 * the second it is issued and 89 after, one that expired a minute ago -1.
 */
int x509_leaf_days_left(const char *cert_path, long *days, struct ow_err *err) OW_WUR;

/*
 * Sets *days to the whole days from now until the nextUpdate of the DER
 * CRL in crl_path, rounded down as x509_leaf_days_left does (negative once
 * it is past). OW_EINVAL when the file is not one DER CRL (trailing bytes
 * included) or has no nextUpdate. The signature is not checked.
 */
int x509_crl_days_left(const char *crl_path, long *days, struct ow_err *err) OW_WUR;

/*
 * Verifies with X509_verify_cert, purpose sslserver, at the current time,
 * that the first certificate in cert_path chains to a trust anchor among the
 * certificates in ca_path, using the other certificates of cert_path as
 * untrusted intermediates. The anchor must be self-signed (a root), as in a
 * Windows root store. OW_EINVAL with OpenSSL's verify error and the
 * depth where it happened when it does not. Host names are not checked.
 */
int x509_chain_check(const char *cert_path, const char *ca_path, struct ow_err *err) OW_WUR;

#endif
