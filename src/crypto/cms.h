/* SPDX-License-Identifier: MIT */
/*
 * Detached CMS (PKCS#7) signatures over update documents, SHA-256. The
 * publisher signs the exact bytes of its upd:Update document; the server
 * accepts the publication only when the signature verifies and the
 * signer's certificate chains to a certificate in its trusted-publishers
 * directory (never the system store).
 */
#ifndef OW_CRYPTO_CMS_H
#define OW_CRYPTO_CMS_H

#include <stddef.h>

#include "base/err.h"

/* Signs data with the certificate and key in PEM files; *der (caller frees
 * with free()) receives the DER-encoded detached signature. The signer's
 * certificate is included; extra certificates in cert_path (a chain) too. */
int cms_sign_detached(const void *data, size_t len, const char *cert_path, const char *key_path,
		      unsigned char **der, size_t *der_len, struct ow_err *err) OW_WUR;

/* Verifies a detached signature over data against the certificates in the
 * PEM files of trust_dir (each *.pem: a publisher certificate or a CA).
 * The signer's certificate must carry no extended key usage or code
 * signing. On success signer (len bytes) gets the signer's subject in
 * RFC 2253 form. An empty trust directory refuses everything. */
int cms_verify_detached(const void *data, size_t len, const unsigned char *der, size_t der_len,
			const char *trust_dir, char *signer, size_t signer_len,
			struct ow_err *err) OW_WUR;

#endif
