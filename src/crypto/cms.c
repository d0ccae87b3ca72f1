/* SPDX-License-Identifier: MIT */
/*
 * CMS signing and verification (see cms.h). Verification builds its own
 * X509_STORE from the trusted-publishers directory; the system's default
 * paths are never loaded.
 */
#include "crypto/cms.h"

#include <dirent.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"

static int ossl(struct ow_err *err, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[200];

	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return ow_err_set(err, OW_ECRYPTO, "%s: %s", what, e ? buf : "failed");
}

int cms_sign_detached(const void *data, size_t len, const char *cert_path, const char *key_path,
		      unsigned char **der, size_t *der_len, struct ow_err *err)
{
	STACK_OF(X509) *chain = NULL;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	BIO *in = NULL, *f = NULL;
	CMS_ContentInfo *cms = NULL;
	unsigned char *out = NULL;
	int n, rc = 0;

	if ((f = BIO_new_file(cert_path, "r")) == NULL) {
		rc = ow_err_set(err, OW_EIO, "cannot read %s", cert_path);
		goto out;
	}
	if ((cert = PEM_read_bio_X509(f, NULL, NULL, NULL)) == NULL) {
		rc = ossl(err, "signing certificate");
		goto out;
	}
	chain = sk_X509_new_null();
	for (X509 *x; chain && (x = PEM_read_bio_X509(f, NULL, NULL, NULL)) != NULL;)
		sk_X509_push(chain, x);
	ERR_clear_error();
	BIO_free(f);
	if ((f = BIO_new_file(key_path, "r")) == NULL) {
		rc = ow_err_set(err, OW_EIO, "cannot read %s", key_path);
		goto out;
	}
	if ((key = PEM_read_bio_PrivateKey(f, NULL, NULL, NULL)) == NULL) {
		rc = ossl(err, "signing key");
		goto out;
	}
	if (X509_check_private_key(cert, key) != 1) {
		rc = ow_err_set(err, OW_EINVAL, "%s does not match the certificate %s", key_path, cert_path);
		goto out;
	}
	/* A partial structure first, so the one signer is added with SHA-256
	 * named explicitly rather than a library default. */
	cms = CMS_sign(NULL, NULL, chain, NULL, CMS_DETACHED | CMS_BINARY | CMS_PARTIAL);
	if (cms == NULL || CMS_add1_signer(cms, cert, key, EVP_sha256(), CMS_BINARY) == NULL) {
		rc = ossl(err, "CMS signature");
		goto out;
	}
	if (len > (size_t)INT32_MAX) {
		rc = ow_err_set(err, OW_ELIMIT, "document too large to sign");
		goto out;
	}
	in = BIO_new_mem_buf(data, (int)len);
	if (CMS_final(cms, in, NULL, CMS_DETACHED | CMS_BINARY) != 1) {
		rc = ossl(err, "CMS signature");
		goto out;
	}
	n = i2d_CMS_ContentInfo(cms, &out);
	if (n <= 0) {
		rc = ossl(err, "CMS encoding");
		goto out;
	}
	*der = malloc((size_t)n);
	if (*der == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(*der, out, (size_t)n);
	*der_len = (size_t)n;
out:
	OPENSSL_free(out);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(f);
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	return rc;
}

/* Loads every *.pem in dir into a new store; *count gets the number. */
static int load_trust(const char *dir, X509_STORE **out, int *count, struct ow_err *err)
{
	X509_STORE *st = X509_STORE_new();
	DIR *d = NULL;
	struct dirent *e;
	int rc = 0;

	*count = 0;
	if (st == NULL)
		return ow_err_set(err, OW_ENOMEM, "out of memory");
	d = opendir(dir);
	if (d == NULL) {
		X509_STORE_free(st);
		return ow_err_set(err, OW_ENOENT, "trusted publishers directory %s: cannot open", dir);
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char path[OW_MAX_PATH];
		BIO *f;

		if (n < 5 || strcmp(e->d_name + n - 4, ".pem") != 0 || e->d_name[0] == '.')
			continue;
		if (ow_fmt(path, sizeof(path), "%s/%s", dir, e->d_name) < 0)
			continue;
		if ((f = BIO_new_file(path, "r")) == NULL)
			continue;
		for (X509 *x; (x = PEM_read_bio_X509(f, NULL, NULL, NULL)) != NULL; X509_free(x))
			if (X509_STORE_add_cert(st, x) == 1)
				(*count)++;
		ERR_clear_error();
		BIO_free(f);
	}
	closedir(d);
	*out = st;
	return rc;
}

int cms_verify_detached(const void *data, size_t len, const unsigned char *der, size_t der_len,
			const char *trust_dir, char *signer, size_t signer_len, struct ow_err *err)
{
	const unsigned char *p = der;
	X509_STORE *store = NULL;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *signers = NULL;
	BIO *in = NULL;
	int rc, count = 0;

	if ((rc = load_trust(trust_dir, &store, &count, err)) < 0)
		return rc;
	if (count == 0) {
		rc = ow_err_set(err, OW_EPERM, "no trusted publisher certificate in %s: a publication "
					       "can only be accepted from a trusted publisher", trust_dir);
		goto out;
	}
	/* Code-signing certificates carry no S/MIME usage: check chains for
	 * any purpose, then require codeSigning below when an EKU is present. */
	X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)der_len);
	if (cms == NULL || p != der + der_len) {
		rc = ow_err_set(err, OW_EINVAL, "the signature is not a DER CMS structure");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed || !CMS_is_detached(cms)) {
		rc = ow_err_set(err, OW_EINVAL, "the signature is not a detached CMS signature");
		goto out;
	}
	in = BIO_new_mem_buf(data, (int)len);
	if (CMS_verify(cms, NULL, store, in, NULL, CMS_DETACHED | CMS_BINARY) != 1) {
		rc = ossl(err, "signature does not verify against the trusted publishers");
		rc = OW_EPERM;
		if (err)
			err->code = OW_EPERM;
		goto out;
	}
	signers = CMS_get0_signers(cms);
	for (int i = 0; signers && i < sk_X509_num(signers); i++) {
		X509 *s = sk_X509_value(signers, i);
		uint32_t xku = X509_get_extended_key_usage(s);

		if ((X509_get_extension_flags(s) & EXFLAG_XKUSAGE) && !(xku & XKU_CODE_SIGN)) {
			rc = ow_err_set(err, OW_EPERM, "the signer's certificate is not for code signing");
			goto out;
		}
		if (i == 0 && signer && signer_len) {
			BIO *b = BIO_new(BIO_s_mem());
			char *txt = NULL;
			long n;

			if (b && X509_NAME_print_ex(b, X509_get_subject_name(s), 0, XN_FLAG_RFC2253) >= 0 &&
			    (n = BIO_get_mem_data(b, &txt)) > 0) {
				size_t m = (size_t)n < signer_len - 1 ? (size_t)n : signer_len - 1;

				memcpy(signer, txt, m);
				signer[m] = '\0';
			}
			BIO_free(b);
		}
	}
	rc = 0;
out:
	sk_X509_free(signers);
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	X509_STORE_free(store);
	return rc;
}
