/* SPDX-License-Identifier: MIT */
/*
 * The server's TLS context and its policy: TLS 1.2 and 1.3 only, ECDHE key
 * exchange with AEAD ciphers only, no compression, no renegotiation, and
 * the complete certificate chain from the configured file. The context can
 * be replaced while the server runs (SIGHUP after `configuressl`): new
 * connections use the new one, established ones keep theirs.
 */
#ifndef OW_HTTP_TLS_H
#define OW_HTTP_TLS_H

#include <openssl/ssl.h>

#include "base/err.h"

struct http_tls;

/* Loads cert_chain (PEM: leaf then intermediates) and key. With client_ca
 * (a PEM file, or NULL/""), clients are asked for a certificate issued by
 * it; one is never required, and one that does not verify is ignored
 * (http_tls_peer_subject gives nothing for it). */
int http_tls_new(const char *cert_chain, const char *key, const char *client_ca,
		 struct http_tls **out, struct ow_err *err) OW_WUR;
void http_tls_free(struct http_tls *tls);

/* Builds a context from the files and swaps it in; on failure the current
 * one stays and err says why. */
int http_tls_reload(struct http_tls *tls, const char *cert_chain, const char *key,
		    const char *client_ca, struct ow_err *err) OW_WUR;

/* The RFC 2253 subject of ssl's client certificate when it verified
 * against the client CA, else "" (len >= 1). */
void http_tls_peer_subject(SSL *ssl, char *out, size_t len);

/* A new SSL for one accepted connection (caller owns it), or NULL. */
SSL *http_tls_ssl_new(struct http_tls *tls);

/* TLS 1.2 cipher list and TLS 1.3 suites the policy allows (for audit). */
extern const char http_tls_ciphers12[];
extern const char http_tls_suites13[];

#endif
