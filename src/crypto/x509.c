/* SPDX-License-Identifier: MIT */
/*
 * Lab CA, server certificate issuance, the lab CA's revocation list and
 * certificate/key checks (see x509.h). Files are read whole under a ceiling
 * and parsed from memory, so a key's bytes can be wiped after parsing
 * instead of lingering in a stdio buffer. Extensions are built from
 * OpenSSL's config-string syntax ("critical,CA:TRUE,pathlen:0"): short and
 * reviewable against RFC 5280, and every value put in one is a constant, an
 * FQDN that passed ow_fqdn_check or a URL that passed crl_url_check, so no
 * ',' can smuggle in another field.
 */
#include "crypto/x509.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "base/fqdn.h"
#include "base/limits.h"
#include "base/util.h"

/* A PEM file we read: a key, or a leaf with its chain. A 4096-bit RSA
 * certificate is under 2.5 KiB; a long chain or a CA bundle stays far
 * below this. TODO(lead): move to limits.h as OW_MAX_PEM_BYTES. */
#define MAX_PEM_FILE_BYTES (1024 * 1024)

/* Lab CA lifetime (10 years with leap days) and the longest server
 * certificate it issues: one cannot outlive the other usefully. */
#define CA_DAYS 3652

/* Certificates start one hour in the past so a client whose clock is a
 * little behind does not see a certificate from the future. */
#define BACKDATE_SECS 3600

/* Serial bytes: 128 bits, the top bit clear (positive) and the next set so
 * the DER length is always 16; 126 bits are random (CA/B asks >= 64). */
#define SERIAL_BYTES 16

/* The X.520 upper bound of a commonName. */
#define CN_MAX 64

/* A CRL distribution point URL: "http://", an FQDN (253), ":port" and a
 * short path fit with room to spare; anything longer is not ours. */
#define CRL_URL_MAX 512

/* The longest a CRL may be trusted before its nextUpdate. A lab CRL is
 * re-signed long before that (30 days, renewed with 7 left); a year
 * bounds a typing error. */
#define CRL_MAX_DAYS 365

/* A DER CRL we read. An empty lab CRL is about 300 bytes; even a CA with
 * tens of thousands of revoked certificates stays below this. */
#define MAX_CRL_FILE_BYTES (1024 * 1024)

/* Room for a list of names or a time quoted in a message. */
#define NAMES_TEXT_MAX 160
#define TIME_TEXT_MAX 40

_Static_assert(MAX_PEM_FILE_BYTES >= 64 * 1024, "room for a chain of RSA certificates");
_Static_assert(NAMES_TEXT_MAX < OW_ERR_MSG_MAX, "names list fits in a message");
_Static_assert(TIME_TEXT_MAX > sizeof("(unreadable time)"), "time fallback fits");
_Static_assert(CRL_URL_MAX > OW_MAX_FQDN + sizeof("http://:65535/pki/ca.crl"),
	       "a lab CRL URL for any FQDN fits");
_Static_assert(CRL_MAX_DAYS >= 30 && CRL_MAX_DAYS < CA_DAYS, "CRL lifetime bound");

/* Sets err to the formatted message followed by the reason of the latest
 * OpenSSL error, then empties the thread's OpenSSL error queue. */
static int ossl_fail(struct ow_err *err, int code, const char *fmt, ...) OW_PRINTF(3, 4);

static int ossl_fail(struct ow_err *err, int code, const char *fmt, ...)
{
	char what[OW_ERR_MSG_MAX];
	const char *reason = NULL;
	unsigned long e = ERR_peek_last_error();
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap); /* message for people: may be cut */
	va_end(ap);
	if (e != 0)
		reason = ERR_reason_error_string(e);
	ERR_clear_error();
	if (reason == NULL)
		return ow_err_set(err, code, "%s", what);
	return ow_err_set(err, code, "%s: %s", what, reason);
}

/* Reads path whole into *buf (caller frees; wipe first if it is a key). */
static int read_pem(const char *path, const char *what, char **buf, size_t *len,
		    struct ow_err *err)
{
	struct ow_err e = { 0, "" };
	int rc;

	rc = ow_read_file(path, MAX_PEM_FILE_BYTES, buf, len, &e);
	if (rc < 0)
		return ow_err_set(err, rc, "cannot read %s: %s", what, e.msg);
	return 0;
}

/* Parses every PEM certificate in path into a new stack (caller frees with
 * sk_X509_pop_free(..., X509_free)); at least one must be there. */
static int load_certs(const char *path, STACK_OF(X509) **out, struct ow_err *err)
{
	STACK_OF(X509) *certs = NULL;
	BIO *bio = NULL;
	X509 *x = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	ERR_clear_error();
	rc = read_pem(path, "certificate file", &buf, &len, err);
	if (rc < 0)
		goto fail;
	if (len > INT_MAX) {
		rc = ow_err_set(err, OW_ELIMIT, "certificate file %s is too large", path);
		goto fail;
	}
	bio = BIO_new_mem_buf(buf, (int)len);
	certs = sk_X509_new_null();
	if (bio == NULL || certs == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "reading %s: out of memory", path);
		goto fail;
	}
	for (;;) {
		unsigned long e;

		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (x == NULL) {
			e = ERR_peek_last_error();
			if (ERR_GET_LIB(e) == ERR_LIB_PEM &&
			    ERR_GET_REASON(e) == PEM_R_NO_START_LINE &&
			    sk_X509_num(certs) > 0) {
				ERR_clear_error(); /* end of file */
				break;
			}
			if (sk_X509_num(certs) == 0 && ERR_GET_REASON(e) == PEM_R_NO_START_LINE)
				rc = ossl_fail(err, OW_EINVAL,
					       "certificate file %s holds no PEM certificate", path);
			else
				rc = ossl_fail(err, OW_EINVAL,
					       "certificate %d in %s does not parse",
					       sk_X509_num(certs) + 1, path);
			goto fail;
		}
		if (sk_X509_push(certs, x) <= 0) {
			rc = ow_err_set(err, OW_ENOMEM, "reading %s: out of memory", path);
			goto fail;
		}
		x = NULL;
	}
	*out = certs;
	certs = NULL;
	rc = 0;
fail:
	X509_free(x);
	sk_X509_pop_free(certs, X509_free);
	BIO_free(bio);
	free(buf);
	return rc;
}

/* Loads the first certificate of path (caller frees). */
static int load_leaf(const char *path, X509 **out, struct ow_err *err)
{
	STACK_OF(X509) *certs = NULL;
	int rc;

	rc = load_certs(path, &certs, err);
	if (rc < 0)
		return rc;
	*out = sk_X509_shift(certs);
	sk_X509_pop_free(certs, X509_free);
	return 0;
}

/* Passphrase callback: never prompts, only notes that one was wanted. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	*(int *)u = 1;
	return -1;
}

/* Loads the PEM private key in path (caller frees); the file's bytes are
 * wiped as soon as they are parsed. */
static int load_key(const char *path, EVP_PKEY **out, struct ow_err *err)
{
	EVP_PKEY *key = NULL;
	BIO *bio = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc, wanted_pass = 0;

	ERR_clear_error();
	rc = read_pem(path, "key file", &buf, &len, err);
	if (rc < 0)
		goto fail;
	if (len > INT_MAX) {
		rc = ow_err_set(err, OW_ELIMIT, "key file %s is too large", path);
		goto fail;
	}
	bio = BIO_new_mem_buf(buf, (int)len);
	if (bio == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "reading %s: out of memory", path);
		goto fail;
	}
	key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, &wanted_pass);
	if (key == NULL) {
		if (wanted_pass) {
			ERR_clear_error();
			rc = ow_err_set(err, OW_EINVAL,
					"key %s is protected by a passphrase; openwsus needs the "
					"key unencrypted, in a file of mode 0600", path);
		} else {
			/* OpenSSL 3's decoders say only "unsupported" here. */
			ERR_clear_error();
			rc = ow_err_set(err, OW_EINVAL,
					"key file %s holds no PEM private key OpenSSL can read",
					path);
		}
		goto fail;
	}
	*out = key;
	key = NULL;
	rc = 0;
fail:
	EVP_PKEY_free(key);
	BIO_free(bio);
	if (buf != NULL)
		OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}

static int new_key(EVP_PKEY **out, struct ow_err *err)
{
	*out = EVP_EC_gen("P-256");
	if (*out == NULL)
		return ossl_fail(err, OW_ECRYPTO, "cannot generate a P-256 key");
	return 0;
}

/* ow_write_file_atomic with a message that names the file we meant. */
static int write_file(const char *path, const char *data, size_t len, mode_t mode,
		      struct ow_err *err)
{
	struct ow_err e = { 0, "" };
	int rc;

	rc = ow_write_file_atomic(path, data, len, mode, &e);
	if (rc < 0)
		return ow_err_set(err, rc, "cannot write %s: %s", path, e.msg);
	return 0;
}

/* Writes what PEM encoders put in bio to path with mode; when secret, the
 * encoded bytes are wiped before the buffer is freed. Frees bio. */
static int write_bio(BIO *bio, const char *path, mode_t mode, int secret, const char *what,
		     struct ow_err *err)
{
	char *data = NULL;
	long len = BIO_get_mem_data(bio, &data);
	int rc;

	if (len <= 0 || data == NULL)
		rc = ow_err_set(err, OW_ECRYPTO, "cannot encode the %s for %s", what, path);
	else
		rc = write_file(path, data, (size_t)len, mode, err);
	if (secret && data != NULL && len > 0)
		OPENSSL_cleanse(data, (size_t)len);
	BIO_free(bio);
	return rc;
}

/* Writes key as unencrypted PKCS#8 PEM, mode 0600. */
static int write_key(const char *path, EVP_PKEY *key, struct ow_err *err)
{
	BIO *bio = BIO_new(BIO_s_mem());

	if (bio == NULL)
		return ow_err_set(err, OW_ENOMEM, "writing %s: out of memory", path);
	if (!PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)) {
		BIO_free(bio);
		return ossl_fail(err, OW_ECRYPTO, "cannot encode the key for %s", path);
	}
	return write_bio(bio, path, 0600, 1, "key", err);
}

/* Writes leaf, then chain when not NULL, as PEM with mode 0644. */
static int write_certs(const char *path, X509 *leaf, X509 *chain, struct ow_err *err)
{
	BIO *bio = BIO_new(BIO_s_mem());

	if (bio == NULL)
		return ow_err_set(err, OW_ENOMEM, "writing %s: out of memory", path);
	if (!PEM_write_bio_X509(bio, leaf) || (chain != NULL && !PEM_write_bio_X509(bio, chain))) {
		BIO_free(bio);
		return ossl_fail(err, OW_ECRYPTO, "cannot encode the certificate for %s", path);
	}
	return write_bio(bio, path, 0644, 0, "certificate", err);
}

/* Writes crl as DER with mode 0644. */
static int write_crl(const char *path, X509_CRL *crl, struct ow_err *err)
{
	unsigned char *der = NULL;
	int len, rc;

	len = i2d_X509_CRL(crl, &der);
	if (len <= 0 || der == NULL)
		return ossl_fail(err, OW_ECRYPTO, "cannot encode the CRL for %s", path);
	rc = write_file(path, (const char *)der, (size_t)len, 0644, err);
	OPENSSL_free(der);
	return rc;
}

/* Gives x a random positive serial of SERIAL_BYTES bytes. */
static int set_serial(X509 *x, struct ow_err *err)
{
	unsigned char bytes[SERIAL_BYTES];
	BIGNUM *bn = NULL;
	int rc;

	if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
		rc = ossl_fail(err, OW_ECRYPTO, "no random bytes for a serial number");
		goto fail;
	}
	bytes[0] = (unsigned char)((bytes[0] & 0x7f) | 0x40);
	bn = BN_bin2bn(bytes, sizeof(bytes), NULL);
	if (bn == NULL || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL) {
		rc = ossl_fail(err, OW_ECRYPTO, "cannot set the serial number");
		goto fail;
	}
	rc = 0;
fail:
	BN_free(bn);
	return rc;
}

/* Valid from BACKDATE_SECS ago until days from now. */
static int set_validity(X509 *x, long days, struct ow_err *err)
{
	if (X509_gmtime_adj(X509_getm_notBefore(x), -BACKDATE_SECS) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, NULL) == NULL)
		return ossl_fail(err, OW_ECRYPTO, "cannot set the validity period");
	return 0;
}

/* Adds one extension written in OpenSSL's config syntax. */
static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value, struct ow_err *err)
{
	X509_EXTENSION *ext;
	int ok;

	ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
	if (ext == NULL)
		return ossl_fail(err, OW_ECRYPTO, "cannot make extension %s = %s",
				 OBJ_nid2sn(nid), value);
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (!ok)
		return ossl_fail(err, OW_ECRYPTO, "cannot add extension %s", OBJ_nid2sn(nid));
	return 0;
}

/* A new X509 v3 certificate with key's public half, a serial and a
 * validity period; the names and extensions are the caller's. */
static int new_cert(X509 **out, EVP_PKEY *key, long days, struct ow_err *err)
{
	X509 *x = NULL;
	int rc;

	x = X509_new();
	if (x == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory for a certificate");
		goto fail;
	}
	if (!X509_set_version(x, X509_VERSION_3) || !X509_set_pubkey(x, key)) {
		rc = ossl_fail(err, OW_ECRYPTO, "cannot start a certificate");
		goto fail;
	}
	rc = set_serial(x, err);
	if (rc < 0)
		goto fail;
	rc = set_validity(x, days, err);
	if (rc < 0)
		goto fail;
	*out = x;
	x = NULL;
fail:
	X509_free(x);
	return rc;
}

/* Formats t as "YYYY-MM-DD HH:MM:SS UTC". */
static void fmt_time(const ASN1_TIME *t, char buf[TIME_TEXT_MAX])
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, TIME_TEXT_MAX, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		memcpy(buf, "(unreadable time)", sizeof("(unreadable time)"));
}

/* Appends n bytes of s (printable ASCII only) to buf of size NAMES_TEXT_MAX,
 * preceded by sep unless buf is empty; stops with "..." when full. */
static void append_name(char buf[NAMES_TEXT_MAX], const char *sep, const unsigned char *s,
			size_t n)
{
	size_t used = strlen(buf), i;

	if (used >= NAMES_TEXT_MAX - 4)
		return;
	if (used > 0) {
		for (; *sep != '\0' && used < NAMES_TEXT_MAX - 4; sep++)
			buf[used++] = *sep;
	}
	for (i = 0; i < n && used < NAMES_TEXT_MAX - 4; i++)
		buf[used++] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
	if (i < n)
		memcpy(buf + used, "...", 3), used += 3;
	buf[used] = '\0';
}

/* Describes the host names of x for a "does not cover" message: the DNS
 * subjectAltNames, or what the certificate has instead. */
static void describe_names(X509 *x, char buf[NAMES_TEXT_MAX])
{
	GENERAL_NAMES *gens;
	X509_NAME *subject;
	int i, idx;

	buf[0] = '\0';
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		if (g->type == GEN_DNS)
			append_name(buf, ", ", ASN1_STRING_get0_data(g->d.dNSName),
				    (size_t)ASN1_STRING_length(g->d.dNSName));
	}
	GENERAL_NAMES_free(gens);
	if (buf[0] != '\0')
		return;
	append_name(buf, "", (const unsigned char *)"no DNS subjectAltName", 21);
	subject = X509_get_subject_name(x);
	idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
	if (idx >= 0) {
		const ASN1_STRING *cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));

		append_name(buf, "; ", (const unsigned char *)"its subject CN ", 15);
		append_name(buf, "", ASN1_STRING_get0_data(cn), (size_t)ASN1_STRING_length(cn));
		append_name(buf, "", (const unsigned char *)" is not used by clients", 23);
	}
}

/* Copies fqdn without its trailing dot into buf (OW_MAX_FQDN + 1 bytes);
 * fqdn has passed ow_fqdn_check, so it fits. */
static void strip_dot(const char *fqdn, char buf[OW_MAX_FQDN + 1])
{
	size_t n = strnlen(fqdn, OW_MAX_FQDN + 1);

	if (n > 0 && fqdn[n - 1] == '.')
		n--;
	memcpy(buf, fqdn, n);
	buf[n] = '\0';
}

int x509_make_ca(const char *cert_path, const char *key_path, const char *common_name,
		 struct ow_err *err)
{
	X509V3_CTX ctx;
	X509_NAME *name = NULL;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	size_t cnlen;
	int rc;

	ERR_clear_error();
	cnlen = common_name != NULL ? strnlen(common_name, CN_MAX + 1) : 0;
	if (cnlen == 0 || cnlen > CN_MAX) {
		rc = ow_err_set(err, OW_EINVAL, "the CA common name must have 1 to %d characters",
				CN_MAX);
		goto fail;
	}
	if (strcmp(cert_path, key_path) == 0) {
		rc = ow_err_set(err, OW_EINVAL, "CA certificate and key must be different files (%s)",
				cert_path);
		goto fail;
	}
	rc = new_key(&key, err);
	if (rc < 0)
		goto fail;
	rc = new_cert(&x, key, CA_DAYS, err);
	if (rc < 0)
		goto fail;
	name = X509_NAME_new();
	if (name == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory for a name");
		goto fail;
	}
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)common_name, -1, -1, 0)) {
		rc = ossl_fail(err, OW_EINVAL, "'%s' cannot be a CA common name", common_name);
		goto fail;
	}
	if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
					(const unsigned char *)"openwsus lab CA", -1, -1, 0) ||
	    !X509_set_subject_name(x, name) || !X509_set_issuer_name(x, name)) {
		rc = ossl_fail(err, OW_ECRYPTO, "cannot set the CA name");
		goto fail;
	}
	memset(&ctx, 0, sizeof(ctx));
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((rc = add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0", err)) < 0 ||
	    (rc = add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign", err)) < 0 ||
	    (rc = add_ext(x, &ctx, NID_subject_key_identifier, "hash", err)) < 0)
		goto fail;
	if (X509_sign(x, key, EVP_sha256()) <= 0) {
		rc = ossl_fail(err, OW_ECRYPTO, "cannot sign the CA certificate");
		goto fail;
	}
	rc = write_key(key_path, key, err);
	if (rc < 0)
		goto fail;
	rc = write_certs(cert_path, x, NULL, err);
fail:
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

/* Loads the CA certificate and key an issuer signs with (caller frees
 * both): a CA certificate, unexpired, and the key its public key is for. */
static int load_ca(const char *ca_cert_path, const char *ca_key_path, X509 **ca_out,
		   EVP_PKEY **key_out, struct ow_err *err)
{
	char when[TIME_TEXT_MAX];
	EVP_PKEY *ca_key = NULL;
	X509 *ca = NULL;
	int rc;

	rc = load_leaf(ca_cert_path, &ca, err);
	if (rc < 0)
		goto fail;
	rc = load_key(ca_key_path, &ca_key, err);
	if (rc < 0)
		goto fail;
	if (X509_check_ca(ca) == 0) {
		rc = ow_err_set(err, OW_EINVAL, "%s is not a CA certificate", ca_cert_path);
		goto fail;
	}
	if (X509_check_private_key(ca, ca_key) != 1) {
		ERR_clear_error();
		rc = ow_err_set(err, OW_EINVAL, "CA key %s does not match CA certificate %s",
				ca_key_path, ca_cert_path);
		goto fail;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(ca)) <= 0) {
		fmt_time(X509_get0_notAfter(ca), when);
		rc = ow_err_set(err, OW_EINVAL, "CA certificate %s expired on %s", ca_cert_path,
				when);
		goto fail;
	}
	*ca_out = ca;
	*key_out = ca_key;
	ca = NULL;
	ca_key = NULL;
	rc = 0;
fail:
	X509_free(ca);
	EVP_PKEY_free(ca_key);
	return rc;
}

/* A CRL URL we put in a certificate: "http://", URI characters (RFC 3986
 * unreserved, reserved and '%') but ',', which would start another field
 * of the config string, and at most CRL_URL_MAX characters. */
static int crl_url_check(const char *url, struct ow_err *err)
{
	static const char allowed[] = "-._~:/?#[]@!$&'()*+;=%";
	size_t n = strnlen(url, CRL_URL_MAX + 1), i;

	if (n > CRL_URL_MAX)
		return ow_err_set(err, OW_EINVAL, "a CRL URL has at most %d characters",
				  CRL_URL_MAX);
	if (strncmp(url, "http://", 7) != 0 || n == 7)
		return ow_err_set(err, OW_EINVAL, "CRL URL '%.80s' is not an http:// URL", url);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr(allowed, c) != NULL))
			return ow_err_set(err, OW_EINVAL,
					  "CRL URL '%.80s' has a character a URL may not hold "
					  "(or ',') at offset %zu", url, i);
	}
	return 0;
}

int x509_issue_server(const char *ca_cert_path, const char *ca_key_path, const char *fqdn,
		      unsigned days, const char *cert_path, const char *key_path,
		      struct ow_err *err)
{
	return x509_issue_server_crl(ca_cert_path, ca_key_path, fqdn, days, cert_path, key_path,
				     NULL, err);
}

int x509_issue_server_crl(const char *ca_cert_path, const char *ca_key_path, const char *fqdn,
			  unsigned days, const char *cert_path, const char *key_path,
			  const char *crl_url_or_null, struct ow_err *err)
{
	char host[OW_MAX_FQDN + 1], san[OW_MAX_FQDN + 8], cdp[CRL_URL_MAX + 8];
	X509V3_CTX ctx;
	X509_NAME *name = NULL;
	EVP_PKEY *ca_key = NULL, *key = NULL;
	X509 *ca = NULL, *x = NULL;
	int rc, ok;

	ERR_clear_error();
	rc = ow_fqdn_check(fqdn, err);
	if (rc < 0)
		goto fail;
	strip_dot(fqdn, host);
	if (days < 1 || days > CA_DAYS) {
		rc = ow_err_set(err, OW_EINVAL,
				"a server certificate lasts 1 to %d days, not %u", CA_DAYS,
				days);
		goto fail;
	}
	if (strcmp(cert_path, key_path) == 0) {
		rc = ow_err_set(err, OW_EINVAL, "certificate and key must be different files (%s)",
				cert_path);
		goto fail;
	}
	if (crl_url_or_null != NULL) {
		rc = crl_url_check(crl_url_or_null, err);
		if (rc < 0)
			goto fail;
		/* Checked above: it fits, and holds no ',' to start a field. */
		rc = ow_fmt(cdp, sizeof(cdp), "URI:%s", crl_url_or_null);
		if (rc < 0) {
			rc = ow_err_set(err, OW_ELIMIT, "CRL URL too long");
			goto fail;
		}
	}
	rc = load_ca(ca_cert_path, ca_key_path, &ca, &ca_key, err);
	if (rc < 0)
		goto fail;

	rc = new_key(&key, err);
	if (rc < 0)
		goto fail;
	rc = new_cert(&x, key, (long)days, err);
	if (rc < 0)
		goto fail;
	name = X509_NAME_new();
	if (name == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory for a name");
		goto fail;
	}
	/* A name longer than a CN may hold is carried by the SAN alone. */
	if (strlen(host) <= CN_MAX)
		ok = X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
						(const unsigned char *)host, -1, -1, 0);
	else
		ok = X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
						(const unsigned char *)"openwsus", -1, -1, 0);
	if (!ok) {
		rc = ossl_fail(err, OW_ECRYPTO, "cannot set the subject name %s", host);
		goto fail;
	}
	if (!X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(ca))) {
		rc = ossl_fail(err, OW_ECRYPTO, "cannot set the certificate names");
		goto fail;
	}
	rc = ow_fmt(san, sizeof(san), "DNS:%s", host);
	if (rc < 0) {
		rc = ow_err_set(err, OW_ELIMIT, "subjectAltName for %s too long", host);
		goto fail;
	}
	memset(&ctx, 0, sizeof(ctx));
	X509V3_set_ctx(&ctx, ca, x, NULL, NULL, 0);
	if ((rc = add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE", err)) < 0 ||
	    (rc = add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature", err)) < 0 ||
	    (rc = add_ext(x, &ctx, NID_ext_key_usage, "serverAuth", err)) < 0 ||
	    (rc = add_ext(x, &ctx, NID_subject_alt_name, san, err)) < 0 ||
	    (rc = add_ext(x, &ctx, NID_subject_key_identifier, "hash", err)) < 0 ||
	    (rc = add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always", err)) < 0)
		goto fail;
	if (crl_url_or_null != NULL &&
	    (rc = add_ext(x, &ctx, NID_crl_distribution_points, cdp, err)) < 0)
		goto fail;
	if (X509_sign(x, ca_key, EVP_sha256()) <= 0) {
		rc = ossl_fail(err, OW_ECRYPTO, "cannot sign the certificate for %s", host);
		goto fail;
	}
	rc = write_key(key_path, key, err);
	if (rc < 0)
		goto fail;
	rc = write_certs(cert_path, x, ca, err);
fail:
	X509_NAME_free(name);
	X509_free(x);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	return rc;
}

int x509_make_crl(const char *ca_cert_path, const char *ca_key_path, unsigned days,
		  const char *crl_path, struct ow_err *err)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext = NULL;
	ASN1_INTEGER *number = NULL;
	ASN1_TIME *last = NULL, *next = NULL;
	X509_CRL *crl = NULL;
	EVP_PKEY *ca_key = NULL;
	X509 *ca = NULL;
	time_t now;
	int rc;

	ERR_clear_error();
	if (days < 1 || days > CRL_MAX_DAYS) {
		rc = ow_err_set(err, OW_EINVAL, "a CRL lasts 1 to %d days, not %u", CRL_MAX_DAYS,
				days);
		goto fail;
	}
	rc = load_ca(ca_cert_path, ca_key_path, &ca, &ca_key, err);
	if (rc < 0)
		goto fail;
	/* X509_get_key_usage gives all bits when there is no keyUsage. */
	if ((X509_get_key_usage(ca) & KU_CRL_SIGN) == 0) {
		rc = ow_err_set(err, OW_EINVAL, "CA certificate %s may not sign CRLs (no cRLSign)",
				ca_cert_path);
		goto fail;
	}
	now = time(NULL);
	crl = X509_CRL_new();
	number = ASN1_INTEGER_new();
	if (crl == NULL || number == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory for a CRL");
		goto fail;
	}
	/* Backdated as certificates are, for clients whose clock is behind. */
	last = X509_time_adj_ex(NULL, 0, -BACKDATE_SECS, &now);
	next = X509_time_adj_ex(NULL, (int)days, 0, &now);
	/* The Unix time as cRLNumber: it grows with every list made later, with
	 * no counter to keep in a file. */
	if (last == NULL || next == NULL || !ASN1_INTEGER_set_int64(number, (int64_t)now) ||
	    !X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) ||
	    !X509_CRL_set1_lastUpdate(crl, last) || !X509_CRL_set1_nextUpdate(crl, next) ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0) != 1) {
		rc = ossl_fail(err, OW_ECRYPTO, "cannot start a CRL for %s", ca_cert_path);
		goto fail;
	}
	memset(&ctx, 0, sizeof(ctx));
	X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
	ext = X509V3_EXT_nconf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
	if (ext == NULL || !X509_CRL_add_ext(crl, ext, -1)) {
		rc = ossl_fail(err, OW_ECRYPTO, "cannot add the CRL's authorityKeyIdentifier");
		goto fail;
	}
	if (X509_CRL_sign(crl, ca_key, EVP_sha256()) <= 0) {
		rc = ossl_fail(err, OW_ECRYPTO, "cannot sign the CRL of %s", ca_cert_path);
		goto fail;
	}
	rc = write_crl(crl_path, crl, err);
fail:
	X509_EXTENSION_free(ext);
	ASN1_INTEGER_free(number);
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	X509_CRL_free(crl);
	X509_free(ca);
	EVP_PKEY_free(ca_key);
	return rc;
}

int x509_check_pair(const char *cert_path, const char *key_path, const char *fqdn,
		    struct ow_err *err)
{
	char host[OW_MAX_FQDN + 1], names[NAMES_TEXT_MAX], when[TIME_TEXT_MAX];
	EVP_PKEY *key = NULL;
	X509 *leaf = NULL;
	int rc;

	rc = load_leaf(cert_path, &leaf, err);
	if (rc < 0)
		goto fail;
	rc = load_key(key_path, &key, err);
	if (rc < 0)
		goto fail;
	rc = ow_fqdn_check(fqdn, err);
	if (rc < 0)
		goto fail;
	strip_dot(fqdn, host);
	if (X509_check_host(leaf, host, 0, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL) != 1) {
		ERR_clear_error();
		describe_names(leaf, names);
		rc = ow_err_set(err, OW_EINVAL, "certificate %s does not cover %s (its names: %s)",
				cert_path, host, names);
		goto fail;
	}
	if (X509_check_private_key(leaf, key) != 1) {
		ERR_clear_error();
		rc = ow_err_set(err, OW_EINVAL, "key %s does not match the certificate %s",
				key_path, cert_path);
		goto fail;
	}
	switch (X509_cmp_current_time(X509_get0_notBefore(leaf))) {
	case -1:
		break;
	case 1:
		fmt_time(X509_get0_notBefore(leaf), when);
		rc = ow_err_set(err, OW_EINVAL, "certificate %s not valid before %s", cert_path,
				when);
		goto fail;
	default:
		rc = ow_err_set(err, OW_EINVAL, "certificate %s has an unreadable notBefore time",
				cert_path);
		goto fail;
	}
	switch (X509_cmp_current_time(X509_get0_notAfter(leaf))) {
	case 1:
		break;
	case -1:
		fmt_time(X509_get0_notAfter(leaf), when);
		rc = ow_err_set(err, OW_EINVAL, "certificate %s expired on %s", cert_path, when);
		goto fail;
	default:
		rc = ow_err_set(err, OW_EINVAL, "certificate %s has an unreadable notAfter time",
				cert_path);
		goto fail;
	}
	rc = 0;
fail:
	X509_free(leaf);
	EVP_PKEY_free(key);
	return rc;
}

int x509_leaf_serial(const char *cert_path, char *out, size_t outlen, struct ow_err *err)
{
	static const char hex[] = "0123456789ABCDEF";
	const ASN1_INTEGER *serial;
	const unsigned char *p;
	X509 *leaf = NULL;
	size_t i, n, need, o = 0;
	int rc;

	rc = load_leaf(cert_path, &leaf, err);
	if (rc < 0)
		goto fail;
	serial = X509_get0_serialNumber(leaf);
	p = ASN1_STRING_get0_data(serial);
	n = (size_t)ASN1_STRING_length(serial);
	/* As i2a_ASN1_INTEGER, which `openssl x509 -serial` uses: a sign, then
	 * two digits per byte, "00" for an empty integer. */
	need = (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER) + (n == 0 ? 2 : 2 * n) + 1;
	if (out == NULL || outlen < need) {
		rc = ow_err_set(err, OW_ELIMIT, "serial of %s needs %zu bytes, have %zu", cert_path,
				need, outlen);
		goto fail;
	}
	if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER)
		out[o++] = '-';
	if (n == 0) {
		out[o++] = '0';
		out[o++] = '0';
	}
	for (i = 0; i < n; i++) {
		out[o++] = hex[p[i] >> 4];
		out[o++] = hex[p[i] & 0x0f];
	}
	out[o] = '\0';
	rc = 0;
fail:
	X509_free(leaf);
	return rc;
}

/* Whole days from now until t, rounded down (not toward zero); -1 when t
 * cannot be read. */
static int days_until(const ASN1_TIME *t, long *days)
{
	long long secs;
	int pday = 0, psec = 0;

	if (t == NULL || ASN1_TIME_diff(&pday, &psec, NULL, t) != 1)
		return -1;
	/* pday and psec share a sign. */
	secs = (long long)pday * 86400 + psec;
	*days = (long)(secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400));
	return 0;
}

int x509_leaf_days_left(const char *cert_path, long *days, struct ow_err *err)
{
	X509 *leaf = NULL;
	int rc;

	rc = load_leaf(cert_path, &leaf, err);
	if (rc < 0)
		goto fail;
	if (days_until(X509_get0_notAfter(leaf), days) < 0) {
		rc = ossl_fail(err, OW_EINVAL, "certificate %s has an unreadable notAfter time",
			       cert_path);
		goto fail;
	}
	rc = 0;
fail:
	X509_free(leaf);
	return rc;
}

int x509_crl_days_left(const char *crl_path, long *days, struct ow_err *err)
{
	struct ow_err e = { 0, "" };
	const unsigned char *p;
	X509_CRL *crl = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	ERR_clear_error();
	rc = ow_read_file(crl_path, MAX_CRL_FILE_BYTES, &buf, &len, &e);
	if (rc < 0) {
		rc = ow_err_set(err, rc, "cannot read CRL file: %s", e.msg);
		goto fail;
	}
	p = (const unsigned char *)buf;
	if (len > LONG_MAX || (crl = d2i_X509_CRL(NULL, &p, (long)len)) == NULL) {
		rc = ossl_fail(err, OW_EINVAL, "%s holds no DER CRL", crl_path);
		goto fail;
	}
	if (p != (const unsigned char *)buf + len) {
		rc = ow_err_set(err, OW_EINVAL, "%s has bytes after its CRL", crl_path);
		goto fail;
	}
	if (X509_CRL_get0_nextUpdate(crl) == NULL) {
		rc = ow_err_set(err, OW_EINVAL, "CRL %s has no nextUpdate time", crl_path);
		goto fail;
	}
	if (days_until(X509_CRL_get0_nextUpdate(crl), days) < 0) {
		rc = ossl_fail(err, OW_EINVAL, "CRL %s has an unreadable nextUpdate time", crl_path);
		goto fail;
	}
	rc = 0;
fail:
	X509_CRL_free(crl);
	free(buf);
	return rc;
}

int x509_chain_check(const char *cert_path, const char *ca_path, struct ow_err *err)
{
	STACK_OF(X509) *certs = NULL, *anchors = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_STORE *store = NULL;
	X509 *leaf = NULL;
	int rc, i;

	rc = load_certs(cert_path, &certs, err);
	if (rc < 0)
		goto fail;
	rc = load_certs(ca_path, &anchors, err);
	if (rc < 0)
		goto fail;
	/* certs keeps the untrusted rest; leaf is ours to free. */
	leaf = sk_X509_shift(certs);
	store = X509_STORE_new();
	ctx = X509_STORE_CTX_new();
	if (store == NULL || ctx == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory verifying %s", cert_path);
		goto fail;
	}
	for (i = 0; i < sk_X509_num(anchors); i++) {
		if (!X509_STORE_add_cert(store, sk_X509_value(anchors, i))) {
			rc = ossl_fail(err, OW_ECRYPTO, "cannot use certificate %d of %s as a CA",
				       i + 1, ca_path);
			goto fail;
		}
	}
	if (!X509_STORE_CTX_init(ctx, store, leaf, certs) ||
	    !X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER)) {
		rc = ossl_fail(err, OW_ECRYPTO, "cannot set up verification of %s", cert_path);
		goto fail;
	}
	if (X509_verify_cert(ctx) != 1) {
		int code = X509_STORE_CTX_get_error(ctx);

		ERR_clear_error();
		rc = ow_err_set(err, OW_EINVAL,
				"certificate %s does not chain to a CA in %s: %s (at depth %d)",
				cert_path, ca_path, X509_verify_cert_error_string(code),
				X509_STORE_CTX_get_error_depth(ctx));
		goto fail;
	}
	rc = 0;
fail:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(leaf);
	sk_X509_pop_free(certs, X509_free);
	sk_X509_pop_free(anchors, X509_free);
	return rc;
}
