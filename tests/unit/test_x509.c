/* SPDX-License-Identifier: MIT */
/*
 * crypto/x509: a lab CA and server certificates made in a temporary
 * directory, then every check configuressl and audit rely on, each seen to
 * pass and to fail. Certificates the module cannot make (expired, not yet
 * valid, CN only) are built here with OpenSSL directly. The lab CRL is
 * checked the way a client checks it: signature, contents, and a chain
 * verified with CRL checking on.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "check.h"
#include "crypto/x509.h"

#define HOST "wsus.example.test"
#define DAYS 90
#define CRL_URL "http://" HOST ":8530/pki/ca.crl"
#define CRL_DAYS 30

static char dir[] = "/tmp/ow-test-x509-XXXXXX";
static int have_openssl_cli;

/* dir/name into buf. */
static const char *at(char buf[PATH_MAX], const char *name)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", dir, name);

	if (n < 0 || n >= PATH_MAX)
		abort();
	return buf;
}

static int file_mode(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return (int)(st.st_mode & 07777);
}

static X509 *read_cert(const char *path, int index)
{
	FILE *f = fopen(path, "r");
	X509 *x = NULL;
	int i;

	if (f == NULL)
		return NULL;
	for (i = 0; i <= index; i++) {
		X509_free(x);
		x = PEM_read_X509(f, NULL, NULL, NULL);
		if (x == NULL)
			break;
	}
	fclose(f);
	ERR_clear_error();
	return x;
}

static int count_certs(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;
	int n = 0;

	if (f == NULL)
		return -1;
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		X509_free(x);
		n++;
	}
	fclose(f);
	ERR_clear_error();
	return n;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (f == NULL)
		return -1;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/*
 * Writes a self-signed P-256 certificate and its key (mode 0600) valid from
 * now+nb to now+na seconds, with SAN DNS:san when san is not NULL and
 * subject CN=cn. What x509_issue_server would never make: expired, from the
 * future, or CN only. Returns 0 or -1.
 */
static int make_custom(const char *cert_path, const char *key_path, long nb, long na,
		       const char *cn, const char *san)
{
	char value[300];
	X509V3_CTX ctx;
	X509_EXTENSION *ext = NULL;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	FILE *f = NULL;
	int rc = -1;

	key = EVP_EC_gen("P-256");
	x = X509_new();
	if (key == NULL || x == NULL)
		goto fail;
	if (!X509_set_version(x, X509_VERSION_3) || !X509_set_pubkey(x, key) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), 4242) ||
	    X509_gmtime_adj(X509_getm_notBefore(x), nb) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), na) == NULL ||
	    !X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(x)))
		goto fail;
	if (san != NULL) {
		snprintf(value, sizeof(value), "DNS:%s", san);
		X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
		ext = X509V3_EXT_nconf_nid(NULL, &ctx, NID_subject_alt_name, value);
		if (ext == NULL || !X509_add_ext(x, ext, -1))
			goto fail;
	}
	if (X509_sign(x, key, EVP_sha256()) <= 0)
		goto fail;
	f = fopen(cert_path, "w");
	if (f == NULL || !PEM_write_X509(f, x) || fclose(f) != 0) {
		f = NULL;
		goto fail;
	}
	f = fopen(key_path, "w");
	if (f == NULL || chmod(key_path, 0600) < 0 ||
	    !PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) || fclose(f) != 0) {
		f = NULL;
		goto fail;
	}
	f = NULL;
	rc = 0;
fail:
	if (f != NULL)
		fclose(f);
	X509_EXTENSION_free(ext);
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

static int has(const struct ow_err *err, const char *s)
{
	if (strstr(err->msg, s) != NULL)
		return 1;
	fprintf(stderr, "  message \"%s\" lacks \"%s\"\n", err->msg, s);
	return 0;
}

/* The fixture every test starts from: CA "ca", a second CA "ca2", server
 * certificates "s1" and "s2" for HOST. */
static int make_fixture(void)
{
	struct ow_err err = { 0, "" };
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], d[PATH_MAX];

	if (x509_make_ca(at(a, "ca.pem"), at(b, "ca.key"), "openwsus test CA", &err) < 0 ||
	    x509_make_ca(at(a, "ca2.pem"), at(b, "ca2.key"), "another CA", &err) < 0 ||
	    x509_issue_server(at(a, "ca.pem"), at(b, "ca.key"), HOST, DAYS, at(c, "s1.pem"),
			      at(d, "s1.key"), &err) < 0 ||
	    x509_issue_server(at(a, "ca.pem"), at(b, "ca.key"), HOST, DAYS, at(c, "s2.pem"),
			      at(d, "s2.key"), &err) < 0) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void test_ca(void)
{
	char a[PATH_MAX], b[PATH_MAX], cn[80];
	const ASN1_OBJECT *sigalg = NULL;
	BASIC_CONSTRAINTS *bc = NULL;
	EVP_PKEY *pub;
	X509 *ca;
	int crit = 0, days = 0, secs = 0;
	char group[32];

	CHECK(file_mode(at(b, "ca.key")) == 0600);
	CHECK(file_mode(at(a, "ca.pem")) == 0644);
	CHECK(count_certs(a) == 1);
	ca = read_cert(a, 0);
	REQUIRE(ca != NULL);
	CHECK(X509_check_ca(ca) == 1);
	CHECK(X509_check_issued(ca, ca) == X509_V_OK);
	CHECK(X509_NAME_get_text_by_NID(X509_get_subject_name(ca), NID_commonName, cn,
					sizeof(cn)) > 0);
	CHECK_STR(cn, "openwsus test CA");
	CHECK(X509_NAME_get_text_by_NID(X509_get_subject_name(ca), NID_organizationName, cn,
					sizeof(cn)) > 0);
	CHECK_STR(cn, "openwsus lab CA");
	bc = X509_get_ext_d2i(ca, NID_basic_constraints, &crit, NULL);
	CHECK(bc != NULL && bc->ca && crit == 1 && bc->pathlen != NULL &&
	      ASN1_INTEGER_get(bc->pathlen) == 0);
	BASIC_CONSTRAINTS_free(bc);
	CHECK(X509_get_key_usage(ca) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
	CHECK((X509_get_extension_flags(ca) & EXFLAG_CRITICAL) == 0); /* all understood */
	CHECK(X509_get0_subject_key_id(ca) != NULL);
	CHECK(ASN1_INTEGER_get(X509_get0_serialNumber(ca)) != 0);
	/* Started in the past, ends about ten years on. */
	CHECK(X509_cmp_current_time(X509_get0_notBefore(ca)) < 0);
	CHECK(ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(ca)) == 1);
	CHECK(days >= 3651 && days <= 3652);
	X509_ALGOR_get0(&sigalg, NULL, NULL, X509_get0_tbs_sigalg(ca));
	CHECK(OBJ_obj2nid(sigalg) == NID_ecdsa_with_SHA256);
	pub = X509_get0_pubkey(ca);
	CHECK(pub != NULL && EVP_PKEY_is_a(pub, "EC"));
	CHECK(pub != NULL && EVP_PKEY_get_group_name(pub, group, sizeof(group), NULL) == 1);
	CHECK_STR(group, "prime256v1");
	X509_free(ca);
}

static void test_issue_and_pair(void)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX];
	struct ow_err err = { 0, "" };
	const ASN1_OCTET_STRING *ski, *aki;
	BASIC_CONSTRAINTS *bc;
	X509 *leaf, *second, *ca;
	char cn[80];
	int crit = -1;

	CHECK(file_mode(at(a, "s1.key")) == 0600);
	CHECK(file_mode(at(a, "s2.key")) == 0600);
	CHECK(file_mode(at(a, "s1.pem")) == 0644);

	CHECK(x509_check_pair(at(a, "s1.pem"), at(b, "s1.key"), HOST, &err) == 0);
	CHECK(x509_check_pair(a, b, HOST ".", &err) == 0);
	CHECK(x509_check_pair(a, b, "WSUS.Example.Test", &err) == 0);

	/* The file is the chain: leaf, then the CA exactly. */
	CHECK(count_certs(a) == 2);
	leaf = read_cert(a, 0);
	second = read_cert(a, 1);
	ca = read_cert(at(c, "ca.pem"), 0);
	REQUIRE(leaf != NULL && second != NULL && ca != NULL);
	CHECK(X509_cmp(second, ca) == 0);
	CHECK(X509_check_issued(ca, leaf) == X509_V_OK);
	CHECK(X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, cn,
					sizeof(cn)) > 0);
	CHECK_STR(cn, HOST);
	CHECK(X509_check_ca(leaf) == 0);
	bc = X509_get_ext_d2i(leaf, NID_basic_constraints, &crit, NULL);
	CHECK(bc != NULL && !bc->ca && crit == 1);
	BASIC_CONSTRAINTS_free(bc);
	CHECK(X509_get_key_usage(leaf) == KU_DIGITAL_SIGNATURE);
	CHECK(X509_get_extended_key_usage(leaf) == XKU_SSL_SERVER);
	ski = X509_get0_subject_key_id(ca);
	aki = X509_get0_authority_key_id(leaf);
	CHECK(ski != NULL && aki != NULL && ASN1_OCTET_STRING_cmp(ski, aki) == 0);
	CHECK(X509_get0_subject_key_id(leaf) != NULL);
	CHECK(X509_check_host(leaf, HOST, 0, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL) == 1);
	X509_free(leaf);
	X509_free(second);
	X509_free(ca);
}

static void test_other_name(void)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct ow_err err = { 0, "" };

	CHECK(x509_check_pair(at(a, "s1.pem"), at(b, "s1.key"), "other.example.test", &err) ==
	      OW_EINVAL);
	CHECK(err.code == OW_EINVAL);
	CHECK(has(&err, "does not cover other.example.test"));
	CHECK(has(&err, "its names: " HOST));
	CHECK(has(&err, "s1.pem"));
	/* A parent or a child of the name is not covered either. */
	CHECK(x509_check_pair(a, b, "example.test", &err) == OW_EINVAL);
	CHECK(x509_check_pair(a, b, "x." HOST, &err) == OW_EINVAL);
	/* Not a FQDN: refused before coverage is looked at. */
	CHECK(x509_check_pair(a, b, "wsus", &err) == OW_EINVAL);
	CHECK(has(&err, "one label"));
	CHECK(x509_check_pair(a, b, "localhost", &err) == OW_EINVAL);
	CHECK(has(&err, "not a fully qualified domain name"));
}

static void test_key_mismatch(void)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct ow_err err = { 0, "" };

	CHECK(x509_check_pair(at(a, "s1.pem"), at(b, "s2.key"), HOST, &err) == OW_EINVAL);
	CHECK(has(&err, "key "));
	CHECK(has(&err, "s2.key does not match the certificate"));
	CHECK(x509_check_pair(at(a, "s2.pem"), at(b, "s1.key"), HOST, &err) == OW_EINVAL);
	CHECK(x509_check_pair(at(a, "s2.pem"), at(b, "s2.key"), HOST, &err) == 0);
	/* The CA key is a key too, and not the leaf's. */
	CHECK(x509_check_pair(at(a, "s1.pem"), at(b, "ca.key"), HOST, &err) == OW_EINVAL);
}

static int is_upper_hex(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++) {
		if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'F')))
			return 0;
	}
	return 1;
}

static void test_serial(void)
{
	char a[PATH_MAX], cmd[PATH_MAX + 64], line[128];
	char s1[64], s2[64], sca[64], tiny[8];
	struct ow_err err = { 0, "" };
	FILE *p;

	REQUIRE(x509_leaf_serial(at(a, "s1.pem"), s1, sizeof(s1), &err) == 0);
	REQUIRE(x509_leaf_serial(at(a, "s2.pem"), s2, sizeof(s2), &err) == 0);
	REQUIRE(x509_leaf_serial(at(a, "ca.pem"), sca, sizeof(sca), &err) == 0);
	CHECK(is_upper_hex(s1) && is_upper_hex(s2) && is_upper_hex(sca));
	/* 128 bits, positive: 32 digits, first digit 4..7. */
	CHECK(strlen(s1) == 32 && s1[0] >= '4' && s1[0] <= '7');
	CHECK(strcmp(s1, s2) != 0);
	CHECK(strcmp(s1, sca) != 0);
	CHECK(x509_leaf_serial(at(a, "s1.pem"), tiny, sizeof(tiny), &err) == OW_ELIMIT);

	/* Same text as `openssl x509 -serial -noout`. */
	if (!have_openssl_cli)
		return;
	snprintf(cmd, sizeof(cmd), "openssl x509 -serial -noout -in '%s'", at(a, "s1.pem"));
	p = popen(cmd, "r");
	REQUIRE(p != NULL);
	line[0] = '\0';
	if (fgets(line, sizeof(line), p) == NULL)
		line[0] = '\0';
	CHECK(pclose(p) == 0);
	line[strcspn(line, "\n")] = '\0';
	CHECK(strncmp(line, "serial=", 7) == 0);
	CHECK_STR(line + 7, s1);
}

static void test_chain(void)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX];
	struct ow_err err = { 0, "" };
	X509 *leaf;
	FILE *f;

	CHECK(x509_chain_check(at(a, "s1.pem"), at(b, "ca.pem"), &err) == 0);
	CHECK(x509_chain_check(at(a, "s2.pem"), at(b, "ca.pem"), &err) == 0);
	CHECK(x509_chain_check(at(a, "s1.pem"), at(b, "ca2.pem"), &err) == OW_EINVAL);
	CHECK(has(&err, "does not chain to a CA in"));
	CHECK(has(&err, "ca2.pem"));

	/* The leaf alone still chains when the CA is the anchor. */
	leaf = read_cert(at(a, "s1.pem"), 0);
	REQUIRE(leaf != NULL);
	f = fopen(at(c, "leaf-only.pem"), "w");
	REQUIRE(f != NULL);
	CHECK(PEM_write_X509(f, leaf) == 1);
	CHECK(fclose(f) == 0);
	X509_free(leaf);
	CHECK(x509_chain_check(c, at(b, "ca.pem"), &err) == 0);
	CHECK(x509_chain_check(c, at(b, "ca2.pem"), &err) == OW_EINVAL);
	CHECK(has(&err, "unable to get local issuer certificate"));

	/* A bundle of both CAs as anchors. */
	{
		char bundle[PATH_MAX], cmd[4 * PATH_MAX];

		snprintf(cmd, sizeof(cmd), "cat '%s' '%s' > '%s'", at(a, "ca2.pem"),
			 at(b, "ca.pem"), at(bundle, "bundle.pem"));
		CHECK(system(cmd) == 0);
		CHECK(x509_chain_check(at(a, "s1.pem"), bundle, &err) == 0);
	}

	/* A CA is not a server certificate (purpose sslserver). */
	CHECK(x509_chain_check(at(a, "ca.pem"), at(b, "ca.pem"), &err) == OW_EINVAL);
	CHECK(has(&err, "unsuitable certificate purpose"));
	/* A self-signed server certificate chains to nothing but itself. */
	REQUIRE(make_custom(at(a, "self.pem"), at(b, "self.key"), -60, 86400, HOST, HOST) == 0);
	CHECK(x509_chain_check(a, at(c, "ca.pem"), &err) == OW_EINVAL);
	CHECK(has(&err, "self-signed"));
}

static void test_days_left(void)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct ow_err err = { 0, "" };
	long days = 0;

	CHECK(x509_leaf_days_left(at(a, "s1.pem"), &days, &err) == 0);
	CHECK(days == DAYS - 1 || days == DAYS);
	CHECK(x509_leaf_days_left(at(a, "ca.pem"), &days, &err) == 0);
	CHECK(days >= 3651 && days <= 3652);
	/* Expired a minute ago: -1, not 0. */
	REQUIRE(make_custom(at(a, "old.pem"), at(b, "old.key"), -86400, -60, HOST, HOST) == 0);
	CHECK(x509_leaf_days_left(a, &days, &err) == 0);
	CHECK(days == -1);
	REQUIRE(make_custom(a, b, -20 * 86400, -10 * 86400 - 60, HOST, HOST) == 0);
	CHECK(x509_leaf_days_left(a, &days, &err) == 0);
	CHECK(days == -11);
}

static void test_expired(void)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct ow_err err = { 0, "" };

	REQUIRE(make_custom(at(a, "exp.pem"), at(b, "exp.key"), -30 * 86400, -86400, HOST,
			    HOST) == 0);
	CHECK(x509_check_pair(a, b, HOST, &err) == OW_EINVAL);
	CHECK(has(&err, "certificate "));
	CHECK(has(&err, "exp.pem expired on 20"));
	CHECK(has(&err, " UTC"));

	REQUIRE(make_custom(at(a, "future.pem"), at(b, "future.key"), 86400, 30 * 86400, HOST,
			    HOST) == 0);
	CHECK(x509_check_pair(a, b, HOST, &err) == OW_EINVAL);
	CHECK(has(&err, "future.pem not valid before 20"));

	/* The same helper with a present validity passes: the refusals above
	 * are about time, not about how the certificate was made. */
	REQUIRE(make_custom(at(a, "now.pem"), at(b, "now.key"), -60, 86400, HOST, HOST) == 0);
	CHECK(x509_check_pair(a, b, HOST, &err) == 0);
}

static void test_cn_only(void)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct ow_err err = { 0, "" };

	REQUIRE(make_custom(at(a, "cn.pem"), at(b, "cn.key"), -60, 86400, HOST, NULL) == 0);
	CHECK(x509_check_pair(a, b, HOST, &err) == OW_EINVAL);
	CHECK(has(&err, "no DNS subjectAltName"));
	CHECK(has(&err, "CN " HOST " is not used by clients"));

	/* A wildcard SAN covers one level, as OpenSSL allows by default. */
	REQUIRE(make_custom(at(a, "wild.pem"), at(b, "wild.key"), -60, 86400, "wild",
			    "*.example.test") == 0);
	CHECK(x509_check_pair(a, b, HOST, &err) == 0);
	CHECK(x509_check_pair(a, b, "a.b.example.test", &err) == OW_EINVAL);
	CHECK(has(&err, "its names: *.example.test"));
}

static void test_bad_files(void)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX];
	struct ow_err err = { 0, "" };
	EVP_PKEY *key;
	FILE *f;
	long days;

	CHECK(x509_check_pair(at(a, "missing.pem"), at(b, "s1.key"), HOST, &err) == OW_ENOENT);
	CHECK(has(&err, "missing.pem"));
	CHECK(x509_check_pair(at(a, "s1.pem"), at(b, "missing.key"), HOST, &err) == OW_ENOENT);
	CHECK(has(&err, "missing.key"));

	REQUIRE(write_text(at(a, "junk.pem"), "not a certificate\n") == 0);
	CHECK(x509_check_pair(a, at(b, "s1.key"), HOST, &err) == OW_EINVAL);
	CHECK(has(&err, "junk.pem holds no PEM certificate"));
	CHECK(x509_leaf_days_left(a, &days, &err) == OW_EINVAL);
	CHECK(x509_chain_check(at(c, "s1.pem"), a, &err) == OW_EINVAL);

	REQUIRE(write_text(at(a, "bad.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n"
					    "-----END CERTIFICATE-----\n") == 0);
	CHECK(x509_check_pair(a, at(b, "s1.key"), HOST, &err) == OW_EINVAL);
	CHECK(has(&err, "certificate 1 in "));

	/* A key file holding a certificate is not a key. */
	CHECK(x509_check_pair(at(a, "s1.pem"), at(b, "s1.pem"), HOST, &err) == OW_EINVAL);
	CHECK(has(&err, "s1.pem holds no PEM private key"));

	/* An encrypted key is refused without prompting for a passphrase. */
	key = EVP_EC_gen("P-256");
	REQUIRE(key != NULL);
	f = fopen(at(b, "enc.key"), "w");
	REQUIRE(f != NULL);
	CHECK(PEM_write_PrivateKey(f, key, EVP_aes_256_cbc(), (unsigned char *)"secret", 6, NULL,
				   NULL) == 1);
	CHECK(fclose(f) == 0);
	EVP_PKEY_free(key);
	CHECK(x509_check_pair(at(a, "s1.pem"), b, HOST, &err) == OW_EINVAL);
	CHECK(has(&err, "passphrase"));
}

static void test_issue_refusals(void)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], d[PATH_MAX];
	struct ow_err err = { 0, "" };
	char too_long[80];

	at(a, "ca.pem");
	at(b, "ca.key");
	at(c, "r.pem");
	at(d, "r.key");
	CHECK(x509_issue_server(a, b, "localhost", DAYS, c, d, &err) == OW_EINVAL);
	CHECK(has(&err, "'localhost' is not a fully qualified domain name"));
	CHECK(x509_issue_server(a, b, "10.0.0.1", DAYS, c, d, &err) == OW_EINVAL);
	CHECK(has(&err, "IP address"));
	CHECK(x509_issue_server(a, b, "*.example.test", DAYS, c, d, &err) == OW_EINVAL);
	CHECK(x509_issue_server(a, b, HOST, 0, c, d, &err) == OW_EINVAL);
	CHECK(has(&err, "1 to 3652 days"));
	CHECK(x509_issue_server(a, b, HOST, 100000, c, d, &err) == OW_EINVAL);
	CHECK(x509_issue_server(a, b, HOST, DAYS, c, c, &err) == OW_EINVAL);
	/* The CA key must be the CA certificate's. */
	CHECK(x509_issue_server(a, at(b, "ca2.key"), HOST, DAYS, c, d, &err) == OW_EINVAL);
	CHECK(has(&err, "ca2.key does not match CA certificate"));
	/* A server certificate cannot act as a CA. */
	CHECK(x509_issue_server(at(a, "s1.pem"), at(b, "s1.key"), HOST, DAYS, c, d, &err) ==
	      OW_EINVAL);
	CHECK(has(&err, "is not a CA certificate"));
	/* Nothing was written by the refusals. */
	CHECK(access(c, F_OK) < 0 && access(d, F_OK) < 0);

	memset(too_long, 'x', 65);
	too_long[65] = '\0';
	CHECK(x509_make_ca(at(a, "r-ca.pem"), at(b, "r-ca.key"), too_long, &err) == OW_EINVAL);
	CHECK(has(&err, "1 to 64 characters"));
	CHECK(x509_make_ca(a, b, "", &err) == OW_EINVAL);
	CHECK(access(a, F_OK) < 0);
	/* An unwritable destination is an I/O error naming the file. */
	CHECK(x509_make_ca("/nonexistent-dir/ca.pem", "/nonexistent-dir/ca.key", "x", &err) ==
	      OW_EIO);
	CHECK(has(&err, "cannot write /nonexistent-dir/ca.key: "));
}

/* A name longer than a CN may hold still gets a working certificate. */
static void test_long_name(void)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], d[PATH_MAX];
	struct ow_err err = { 0, "" };
	char name[128];

	memset(name, 'a', 60);
	memcpy(name + 60, ".", 1);
	memset(name + 61, 'b', 40);
	strcpy(name + 101, ".example.test");
	REQUIRE(x509_issue_server(at(a, "ca.pem"), at(b, "ca.key"), name, 30, at(c, "long.pem"),
				  at(d, "long.key"), &err) == 0);
	CHECK(x509_check_pair(c, d, name, &err) == 0);
	CHECK(x509_chain_check(c, a, &err) == 0);
}

/* What we issue passes OpenSSL's strict RFC 5280 checks as a TLS server. */
static void test_openssl_strict(void)
{
	char a[PATH_MAX], b[PATH_MAX], cmd[3 * PATH_MAX];

	if (!have_openssl_cli)
		return;
	snprintf(cmd, sizeof(cmd),
		 "openssl verify -x509_strict -purpose sslserver -verify_hostname %s "
		 "-CAfile '%s' '%s' >/dev/null",
		 HOST, at(a, "ca.pem"), at(b, "s1.pem"));
	CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof(cmd),
		 "openssl verify -x509_strict -verify_hostname other.example.test "
		 "-CAfile '%s' '%s' >/dev/null 2>&1",
		 a, b);
	CHECK(system(cmd) != 0);
}

/* The CRL distribution point: there with the URL when one is given, absent
 * otherwise; URLs that could not be one, or could break out of the
 * extension's syntax, are refused before anything is written. */
static void test_crl_dist_point(void)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], d[PATH_MAX], long_url[600];
	struct ow_err err = { 0, "" };
	CRL_DIST_POINTS *dps = NULL;
	const GENERAL_NAME *gn;
	DIST_POINT *dp;
	X509 *leaf;
	int crit = -2;

	at(a, "ca.pem");
	at(b, "ca.key");
	REQUIRE(x509_issue_server_crl(a, b, HOST, DAYS, at(c, "cdp.pem"), at(d, "cdp.key"), CRL_URL,
				      &err) == 0);
	CHECK(x509_check_pair(c, d, HOST, &err) == 0);
	CHECK(x509_chain_check(c, a, &err) == 0);
	leaf = read_cert(c, 0);
	REQUIRE(leaf != NULL);
	dps = X509_get_ext_d2i(leaf, NID_crl_distribution_points, &crit, NULL);
	CHECK(dps != NULL && crit == 0);
	if (dps != NULL && sk_DIST_POINT_num(dps) == 1) {
		dp = sk_DIST_POINT_value(dps, 0);
		CHECK(dp->distpoint != NULL && dp->distpoint->type == 0 && dp->reasons == NULL &&
		      dp->CRLissuer == NULL);
		if (dp->distpoint != NULL && dp->distpoint->type == 0 &&
		    sk_GENERAL_NAME_num(dp->distpoint->name.fullname) == 1) {
			gn = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, 0);
			CHECK(gn->type == GEN_URI);
			if (gn->type == GEN_URI)
				CHECK_STR((const char *)ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier),
					  CRL_URL);
		} else {
			CHECK(!"one full name");
		}
	} else {
		CHECK(!"one distribution point");
	}
	CRL_DIST_POINTS_free(dps);
	/* Everything else is as x509_issue_server makes it. */
	CHECK(X509_get_key_usage(leaf) == KU_DIGITAL_SIGNATURE);
	CHECK(X509_get_extended_key_usage(leaf) == XKU_SSL_SERVER);
	CHECK((X509_get_extension_flags(leaf) & EXFLAG_CRITICAL) == 0);
	X509_free(leaf);

	/* Without a URL there is no such extension. */
	leaf = read_cert(at(c, "s1.pem"), 0);
	REQUIRE(leaf != NULL);
	crit = -2;
	dps = X509_get_ext_d2i(leaf, NID_crl_distribution_points, &crit, NULL);
	CHECK(dps == NULL && crit == -1);
	CRL_DIST_POINTS_free(dps);
	X509_free(leaf);
	REQUIRE(x509_issue_server_crl(a, b, HOST, DAYS, at(c, "nocdp.pem"), at(d, "nocdp.key"), NULL,
				      &err) == 0);
	leaf = read_cert(c, 0);
	REQUIRE(leaf != NULL);
	crit = -2;
	dps = X509_get_ext_d2i(leaf, NID_crl_distribution_points, &crit, NULL);
	CHECK(dps == NULL && crit == -1);
	CRL_DIST_POINTS_free(dps);
	X509_free(leaf);

	/* Refused URLs: not http, a ',' that would add a field, a space, too
	 * long, nothing after the scheme. */
	at(c, "badurl.pem");
	at(d, "badurl.key");
	CHECK(x509_issue_server_crl(a, b, HOST, DAYS, c, d, "ftp://" HOST "/ca.crl", &err) ==
	      OW_EINVAL);
	CHECK(has(&err, "not an http:// URL"));
	CHECK(x509_issue_server_crl(a, b, HOST, DAYS, c, d, CRL_URL ",URI:http://evil.test/", &err) ==
	      OW_EINVAL);
	CHECK(has(&err, "(or ',')"));
	CHECK(x509_issue_server_crl(a, b, HOST, DAYS, c, d, "http://" HOST "/a b", &err) ==
	      OW_EINVAL);
	CHECK(x509_issue_server_crl(a, b, HOST, DAYS, c, d, "http://", &err) == OW_EINVAL);
	memcpy(long_url, "http://", 7);
	memset(long_url + 7, 'a', sizeof(long_url) - 8);
	long_url[sizeof(long_url) - 1] = '\0';
	CHECK(x509_issue_server_crl(a, b, HOST, DAYS, c, d, long_url, &err) == OW_EINVAL);
	CHECK(has(&err, "at most 512 characters"));
	CHECK(access(c, F_OK) < 0 && access(d, F_OK) < 0);
}

static X509_CRL *read_crl_der(const char *path)
{
	FILE *f = fopen(path, "rb");
	X509_CRL *crl;

	if (f == NULL)
		return NULL;
	crl = d2i_X509_CRL_fp(f, NULL);
	fclose(f);
	ERR_clear_error();
	return crl;
}

/* The CRL itself: DER, 0644, v2, issued and signed by the CA, empty, with
 * its lifetime, a cRLNumber near the current time and the CA's key id. */
static void test_crl(void)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], d[PATH_MAX];
	struct ow_err err = { 0, "" };
	const ASN1_OBJECT *sigalg = NULL;
	const X509_ALGOR *alg = NULL;
	STACK_OF(X509_REVOKED) *revoked;
	AUTHORITY_KEYID *akid;
	ASN1_INTEGER *number;
	X509 *ca, *ca2;
	X509_CRL *crl;
	int64_t n = 0;
	int days = -1, secs = -1, crit = -2;
	time_t now = time(NULL);

	REQUIRE(x509_make_crl(at(a, "ca.pem"), at(b, "ca.key"), CRL_DAYS, at(c, "ca.crl"), &err) ==
		0);
	CHECK(file_mode(c) == 0644);
	crl = read_crl_der(c);
	ca = read_cert(a, 0);
	ca2 = read_cert(at(d, "ca2.pem"), 0);
	REQUIRE(crl != NULL && ca != NULL && ca2 != NULL);
	CHECK(X509_CRL_get_version(crl) == X509_CRL_VERSION_2);
	CHECK(X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) == 0);
	CHECK(X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1);
	CHECK(X509_CRL_verify(crl, X509_get0_pubkey(ca2)) != 1);
	ERR_clear_error();
	X509_CRL_get0_signature(crl, NULL, &alg);
	X509_ALGOR_get0(&sigalg, NULL, NULL, alg);
	CHECK(OBJ_obj2nid(sigalg) == NID_ecdsa_with_SHA256);
	revoked = X509_CRL_get_REVOKED(crl);
	CHECK(revoked == NULL || sk_X509_REVOKED_num(revoked) == 0);
	/* lastUpdate an hour ago (clock skew), nextUpdate CRL_DAYS from now. */
	CHECK(ASN1_TIME_diff(&days, &secs, NULL, X509_CRL_get0_lastUpdate(crl)) == 1);
	CHECK(days == 0 && secs <= -3600 && secs > -3660);
	CHECK(ASN1_TIME_diff(&days, &secs, X509_CRL_get0_lastUpdate(crl),
			     X509_CRL_get0_nextUpdate(crl)) == 1);
	CHECK(days == CRL_DAYS && secs == 3600);
	number = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, NULL);
	CHECK(number != NULL && crit == 0);
	CHECK(number != NULL && ASN1_INTEGER_get_int64(&n, number) == 1 && n >= (int64_t)now &&
	      n < (int64_t)now + 60);
	ASN1_INTEGER_free(number);
	akid = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, &crit, NULL);
	CHECK(akid != NULL && crit == 0 && akid->keyid != NULL &&
	      ASN1_OCTET_STRING_cmp(akid->keyid, X509_get0_subject_key_id(ca)) == 0);
	AUTHORITY_KEYID_free(akid);
	X509_CRL_free(crl);
	X509_free(ca);
	X509_free(ca2);

	/* Replaced in place by the next one. */
	CHECK(x509_make_crl(a, b, 1, c, &err) == 0);
	crl = read_crl_der(c);
	REQUIRE(crl != NULL);
	CHECK(ASN1_TIME_diff(&days, &secs, X509_CRL_get0_lastUpdate(crl),
			     X509_CRL_get0_nextUpdate(crl)) == 1 && days == 1 && secs == 3600);
	X509_CRL_free(crl);

	/* Refusals write nothing. */
	at(c, "refused.crl");
	CHECK(x509_make_crl(a, at(b, "ca2.key"), CRL_DAYS, c, &err) == OW_EINVAL);
	CHECK(has(&err, "ca2.key does not match CA certificate"));
	CHECK(x509_make_crl(a, at(b, "ca.key"), 0, c, &err) == OW_EINVAL);
	CHECK(has(&err, "1 to 365 days"));
	CHECK(x509_make_crl(a, b, 366, c, &err) == OW_EINVAL);
	CHECK(x509_make_crl(at(a, "s1.pem"), at(b, "s1.key"), CRL_DAYS, c, &err) == OW_EINVAL);
	CHECK(has(&err, "is not a CA certificate"));
	CHECK(x509_make_crl(at(a, "missing.pem"), at(b, "ca.key"), CRL_DAYS, c, &err) ==
	      OW_ENOENT);
	CHECK(access(c, F_OK) < 0);
	CHECK(x509_make_crl(at(a, "ca.pem"), b, CRL_DAYS, "/nonexistent-dir/ca.crl", &err) ==
	      OW_EIO);
	CHECK(has(&err, "cannot write /nonexistent-dir/ca.crl"));
}

/* Verifies cert_path's leaf against the CA in ca_path with crl (may be
 * NULL) and CRL checking on, as `openssl verify -crl_check -CAfile ca.pem
 * -CRLfile crl.pem` does; returns X509_V_OK or the verify error. */
static int verify_with_crl(const char *cert_path, const char *ca_path, X509_CRL *crl)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_STORE *store = X509_STORE_new();
	X509 *leaf = read_cert(cert_path, 0), *ca = read_cert(ca_path, 0);
	int code = -1;

	if (ctx == NULL || store == NULL || leaf == NULL || ca == NULL ||
	    !X509_STORE_add_cert(store, ca) || (crl != NULL && !X509_STORE_add_crl(store, crl)) ||
	    !X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK) ||
	    !X509_STORE_CTX_init(ctx, store, leaf, NULL) ||
	    !X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER))
		goto done;
	code = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
done:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(leaf);
	X509_free(ca);
	return code;
}

static void test_crl_check(void)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], d[PATH_MAX];
	struct ow_err err = { 0, "" };
	EVP_PKEY *other_key = NULL;
	X509_CRL *crl, *other;
	FILE *f;

	REQUIRE(x509_make_crl(at(a, "ca.pem"), at(b, "ca.key"), CRL_DAYS, at(c, "check.crl"),
			      &err) == 0);
	REQUIRE(x509_issue_server_crl(a, b, HOST, DAYS, at(d, "check.pem"), at(c, "check.key"),
				      CRL_URL, &err) == 0);
	crl = read_crl_der(at(c, "check.crl"));
	REQUIRE(crl != NULL);
	/* The lab CA's own CRL: both kinds of certificate verify. */
	CHECK(verify_with_crl(d, a, crl) == X509_V_OK);
	CHECK(verify_with_crl(at(c, "s1.pem"), a, crl) == X509_V_OK);
	/* CRL checking on and no CRL: the check cannot be made. */
	CHECK(verify_with_crl(d, a, NULL) == X509_V_ERR_UNABLE_TO_GET_CRL);

	/* The same list signed with another CA's key fails its signature. */
	other = X509_CRL_dup(crl);
	f = fopen(at(c, "ca2.key"), "r");
	if (f != NULL) {
		other_key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	REQUIRE(other != NULL && other_key != NULL);
	CHECK(X509_CRL_sign(other, other_key, EVP_sha256()) > 0);
	CHECK(verify_with_crl(d, a, other) == X509_V_ERR_CRL_SIGNATURE_FAILURE);
	X509_CRL_free(other);
	EVP_PKEY_free(other_key);
	/* Another CA's own CRL does not cover this CA's certificates. */
	REQUIRE(x509_make_crl(at(a, "ca2.pem"), at(b, "ca2.key"), CRL_DAYS, at(c, "ca2.crl"),
			      &err) == 0);
	other = read_crl_der(c);
	REQUIRE(other != NULL);
	CHECK(verify_with_crl(d, at(a, "ca.pem"), other) == X509_V_ERR_UNABLE_TO_GET_CRL);
	X509_CRL_free(other);
	X509_CRL_free(crl);
}

static void test_crl_days_left(void)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX];
	struct ow_err err = { 0, "" };
	unsigned char *der = NULL;
	X509_CRL *crl;
	ASN1_TIME *t;
	long days = 99;
	int len;
	FILE *f;

	REQUIRE(x509_make_crl(at(a, "ca.pem"), at(b, "ca.key"), CRL_DAYS, at(c, "days.crl"),
			      &err) == 0);
	CHECK(x509_crl_days_left(c, &days, &err) == 0);
	CHECK(days == CRL_DAYS - 1 || days == CRL_DAYS);
	REQUIRE(x509_make_crl(a, b, 1, c, &err) == 0);
	CHECK(x509_crl_days_left(c, &days, &err) == 0);
	CHECK(days == 0 || days == 1);

	/* Past its nextUpdate by two days and a minute: -3 (rounded down).
	 * The signature no longer matches; days_left does not look at it. */
	crl = read_crl_der(c);
	REQUIRE(crl != NULL);
	t = X509_gmtime_adj(NULL, -2 * 86400 - 60);
	REQUIRE(t != NULL);
	CHECK(X509_CRL_set1_nextUpdate(crl, t) == 1);
	ASN1_TIME_free(t);
	/* i2d_re_X509_CRL_tbs drops the cached encoding of the signed part, so
	 * the new time is what gets written. */
	len = i2d_re_X509_CRL_tbs(crl, NULL) > 0 ? i2d_X509_CRL(crl, &der) : -1;
	X509_CRL_free(crl);
	REQUIRE(len > 0);
	f = fopen(at(c, "past.crl"), "wb");
	REQUIRE(f != NULL);
	CHECK(fwrite(der, 1, (size_t)len, f) == (size_t)len);
	CHECK(fclose(f) == 0);
	CHECK(x509_crl_days_left(c, &days, &err) == 0);
	CHECK(days == -3);

	/* The same bytes with one more after them are not one CRL. */
	f = fopen(at(c, "trailing.crl"), "wb");
	REQUIRE(f != NULL);
	CHECK(fwrite(der, 1, (size_t)len, f) == (size_t)len && fputc(0, f) == 0);
	CHECK(fclose(f) == 0);
	OPENSSL_free(der);
	CHECK(x509_crl_days_left(c, &days, &err) == OW_EINVAL);
	CHECK(has(&err, "bytes after its CRL"));

	CHECK(x509_crl_days_left(at(c, "missing.crl"), &days, &err) == OW_ENOENT);
	CHECK(has(&err, "missing.crl"));
	REQUIRE(write_text(at(c, "junk.crl"), "not a CRL\n") == 0);
	CHECK(x509_crl_days_left(c, &days, &err) == OW_EINVAL);
	CHECK(has(&err, "junk.crl holds no DER CRL"));
	/* A certificate is not a CRL either. */
	CHECK(x509_crl_days_left(at(c, "ca.pem"), &days, &err) == OW_EINVAL);
}

static void remove_dir(void)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlink(at(path, e->d_name)) < 0)
			fprintf(stderr, "unlink %s: %s\n", path, strerror(errno));
	}
	closedir(d);
	if (rmdir(dir) < 0)
		fprintf(stderr, "rmdir %s: %s\n", dir, strerror(errno));
}

int main(void)
{
	int rc;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	have_openssl_cli = system("openssl version >/dev/null 2>&1") == 0;
	if (make_fixture() < 0) {
		printf("FAIL make_fixture\n");
		remove_dir();
		return 1;
	}
	RUN(test_ca);
	RUN(test_issue_and_pair);
	RUN(test_other_name);
	RUN(test_key_mismatch);
	RUN(test_serial);
	RUN(test_chain);
	RUN(test_days_left);
	RUN(test_expired);
	RUN(test_cn_only);
	RUN(test_bad_files);
	RUN(test_issue_refusals);
	RUN(test_long_name);
	RUN(test_openssl_strict);
	RUN(test_crl_dist_point);
	RUN(test_crl);
	RUN(test_crl_check);
	RUN(test_crl_days_left);
	rc = check_done();
	remove_dir();
	return rc;
}
