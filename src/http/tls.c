/* SPDX-License-Identifier: MIT */
/*
 * Server TLS context with the hardening policy, and its hot swap. A mutex
 * guards the current SSL_CTX pointer; each SSL takes its own reference to
 * the context it was made from, so a swap never disturbs a live connection.
 */
#include "http/tls.h"

#include <openssl/err.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct http_tls {
	pthread_mutex_t lock;
	SSL_CTX *ctx;
};

const char http_tls_ciphers12[] =
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
const char http_tls_suites13[] =
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

static int ssl_fail(struct ow_err *err, const char *what, const char *file)
{
	unsigned long e = ERR_get_error();
	char buf[160];

	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return ow_err_set(err, OW_ECRYPTO, "%s%s%s: %s", what, file ? " " : "",
			  file ? file : "", e ? buf : "failed");
}

/* Accept the handshake whatever the client certificate: whether it
 * verified is read afterwards (SSL_get_verify_result), so a bad client
 * certificate means "no principal", not a failed connection. */
static int keep_going(int ok, X509_STORE_CTX *x)
{
	(void)ok;
	(void)x;
	return 1;
}

void http_tls_peer_subject(SSL *ssl, char *out, size_t len)
{
	X509 *x = ssl ? SSL_get0_peer_certificate(ssl) : NULL;
	BIO *b;
	char *txt = NULL;
	long n;

	out[0] = '\0';
	if (x == NULL || SSL_get_verify_result(ssl) != X509_V_OK)
		return;
	b = BIO_new(BIO_s_mem());
	if (b && X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(b, &txt)) > 0 && (size_t)n < len) {
		memcpy(out, txt, (size_t)n);
		out[n] = '\0';
	}
	BIO_free(b);
}

static int build_ctx(const char *cert, const char *key, const char *client_ca, SSL_CTX **out,
		     struct ow_err *err)
{
	SSL_CTX *ctx;
	int rc;

	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL)
		return ssl_fail(err, "SSL_CTX_new", NULL);
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)) {
		rc = ssl_fail(err, "TLS versions", NULL);
		goto fail;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
				 SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (!SSL_CTX_set_cipher_list(ctx, http_tls_ciphers12) ||
	    !SSL_CTX_set_ciphersuites(ctx, http_tls_suites13) ||
	    !SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384")) {
		rc = ssl_fail(err, "TLS cipher policy", NULL);
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		rc = ssl_fail(err, "certificate chain", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		rc = ssl_fail(err, "private key", key);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		rc = ssl_fail(err, "key does not match certificate", cert);
		goto fail;
	}
	if (client_ca && *client_ca) {
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(client_ca);

		if (names == NULL || SSL_CTX_load_verify_locations(ctx, client_ca, NULL) != 1) {
			sk_X509_NAME_pop_free(names, X509_NAME_free);
			rc = ssl_fail(err, "client CA", client_ca);
			goto fail;
		}
		SSL_CTX_set_client_CA_list(ctx, names);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, keep_going);
		SSL_CTX_set_verify_depth(ctx, 4);
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	/* Sessions would carry a client's identity across reloads of the
	 * client CA: keep them to this context. */
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"openwsus", 8);
	*out = ctx;
	return 0;
fail:
	SSL_CTX_free(ctx);
	return rc;
}

int http_tls_new(const char *cert_chain, const char *key, const char *client_ca,
		 struct http_tls **out, struct ow_err *err)
{
	struct http_tls *tls;
	int rc;

	tls = calloc(1, sizeof(*tls));
	if (tls == NULL)
		return ow_err_set(err, OW_ENOMEM, "out of memory");
	rc = build_ctx(cert_chain, key, client_ca, &tls->ctx, err);
	if (rc < 0) {
		free(tls);
		return rc;
	}
	pthread_mutex_init(&tls->lock, NULL);
	*out = tls;
	return 0;
}

void http_tls_free(struct http_tls *tls)
{
	if (tls == NULL)
		return;
	SSL_CTX_free(tls->ctx);
	pthread_mutex_destroy(&tls->lock);
	free(tls);
}

int http_tls_reload(struct http_tls *tls, const char *cert_chain, const char *key,
		    const char *client_ca, struct ow_err *err)
{
	SSL_CTX *ctx = NULL, *old;
	int rc;

	rc = build_ctx(cert_chain, key, client_ca, &ctx, err);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&tls->lock);
	old = tls->ctx;
	tls->ctx = ctx;
	pthread_mutex_unlock(&tls->lock);
	SSL_CTX_free(old); /* live SSLs hold their own references */
	return 0;
}

SSL *http_tls_ssl_new(struct http_tls *tls)
{
	SSL *ssl;

	pthread_mutex_lock(&tls->lock);
	ssl = SSL_new(tls->ctx);
	pthread_mutex_unlock(&tls->lock);
	return ssl;
}
