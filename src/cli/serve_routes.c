/* SPDX-License-Identifier: MIT */
/*
 * The route table of the hardening guide and the content handler.
 *
 * TLS required: SimpleAuthWebService, DSSAuthWebService, ServerSyncWebService,
 * APIRemoting30, ClientWebService. Not required: Content, Inventory,
 * ReportingWebService, SelfUpdate. Content is refused on HTTPS unless
 * content_over_https is set: update files travel on the HTTP port and are
 * trusted through the digests in the HTTPS metadata.
 *
 *   GET /Content/AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe HTTP/1.1
 *   Range: bytes=204472320-204745167
 *
 * /pki/ca.crl is the lab CA's revocation list, the distribution point lab
 * certificates name. It is served on both ports (a CRL is signed, so HTTP
 * is what RFC 5280 expects) and re-signed here when it is missing or near
 * its nextUpdate: one small file read per request, no cache to invalidate
 * when configuressl replaces it.
 *
 *   GET /pki/ca.crl HTTP/1.1
 *   HTTP/1.1 200 OK
 *   Content-Type: application/pkix-crl
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "cli/serve.h"
#include "content/name.h"
#include "crypto/x509.h"
#include "xml/soap.h"

/* The root and the one file under it (the URL path is "/pki/ca.crl"). */
#define PKI_ROOT "pki"
#define PKI_CRL_NAME "ca.crl"

/* The most of a CRL file read into memory for one answer. The lab CRL is
 * empty (about 300 bytes); anything near this is not the file we wrote.
 * TODO(lead): move to limits.h as OW_MAX_CRL_BYTES. */
#define PKI_MAX_CRL_BYTES (1024 * 1024)

/* How long a client or proxy may keep the CRL without asking again: short
 * beside its lifetime, so a re-signed list reaches clients within the hour. */
#define PKI_CRL_MAX_AGE 3600

_Static_assert(PKI_MAX_CRL_BYTES >= 64 * 1024 && PKI_MAX_CRL_BYTES <= OW_MAX_BODY_BYTES,
	       "a CRL body is held in memory");
_Static_assert(SERVE_LAB_CRL_RENEW_DAYS >= 1 && SERVE_LAB_CRL_RENEW_DAYS < SERVE_LAB_CRL_DAYS,
	       "the lab CRL is renewed before it expires, not at every request");
_Static_assert(PKI_CRL_MAX_AGE < SERVE_LAB_CRL_RENEW_DAYS * 86400,
	       "a cached CRL is asked for again before the renewed one is due");

const char *serve_content_type(const char *ext)
{
	if (strcmp(ext, "cab") == 0)
		return "application/vnd.ms-cab-compressed";
	if (strcmp(ext, "xml") == 0)
		return "text/xml";
	return "application/octet-stream";
}

static void content_handler(struct http_request *req, struct http_response *res, void *arg)
{
	struct serve_ctx *ctx = arg;
	struct content_name name;
	char rel[80], etag[48];
	struct stat st;
	const char *sub = req->subpath;
	int fd;

	if (req->method != HTTP_M_GET && req->method != HTTP_M_HEAD) {
		http_res_error(res, 405, "content is read with GET or HEAD");
		(void)http_res_header(res, "Allow", "GET, HEAD");
		return;
	}
	/* The grammar is the only way from a request path to a file name:
	 * "/XX/<40 hex>.<ext>" and nothing else ('%', '..', '\\' all fail it). */
	if (sub[0] != '/' || content_name_parse(sub + 1, strlen(sub + 1), &name) < 0 ||
	    content_name_relpath(&name, rel, sizeof(rel)) < 0) {
		http_res_error(res, 404, "not a content file name (/Content/XX/<SHA1>.<ext>)");
		return;
	}
	fd = openat(ctx->content_fd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT)
			ow_warn("content %s: %s", rel, strerror(errno));
		http_res_error(res, 404, "no such content file");
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		http_res_error(res, 404, "no such content file");
		return;
	}
	/* The SHA-1 names the bytes: a strong validator that every front end
	 * sharing the content directory agrees on. */
	snprintf(etag, sizeof(etag), "\"%s\"", name.sha1);
	http_res_file(req, res, fd, &st, serve_content_type(name.ext), etag);
}

/* SOAP services whose protocol is not served by this build answer every
 * call with a well-formed SOAP 1.1 fault, never with a pretend success. */
static void soap_unavailable(struct http_request *req, struct http_response *res, void *arg)
{
	const char *root = arg;
	struct soap_fault f = { 0 };
	struct ow_buf b;
	char msg[160];

	if (req->method != HTTP_M_POST) {
		http_res_error(res, 405, "SOAP services accept POST");
		(void)http_res_header(res, "Allow", "POST");
		return;
	}
	snprintf(msg, sizeof(msg), "%s is not provided by this openwsus version", root);
	f.client = 0;
	f.error_code = "InternalServerError";
	f.message = msg;
	f.method = http_header_get(req, "SOAPAction");
	if (f.method && strlen(f.method) > 256)
		f.method = NULL;
	ow_buf_init(&b, 64 * 1024);
	if (soap_fault_write(&b, &f) < 0) {
		ow_buf_release(&b);
		http_res_error(res, 500, "fault too large");
		return;
	}
	res->status = 500;
	(void)http_res_header(res, "Content-Type", SOAP_CONTENT_TYPE);
	(void)http_res_body(res, b.data, b.len);
	ow_buf_release(&b);
}

int serve_lab_crl_url(const char *fqdn, int http_port, char *out, size_t len)
{
	size_t n = strnlen(fqdn, OW_MAX_FQDN + 1);

	if (http_port < 1 || http_port > 65535 || n > OW_MAX_FQDN)
		return OW_EINVAL;
	if (n > 0 && fqdn[n - 1] == '.')
		n--;
	if (http_port == 80)
		return ow_fmt(out, len, "http://%.*s/" PKI_ROOT "/" PKI_CRL_NAME, (int)n, fqdn);
	return ow_fmt(out, len, "http://%.*s:%d/" PKI_ROOT "/" PKI_CRL_NAME, (int)n, fqdn,
		      http_port);
}

int serve_lab_crl_write(const struct ow_config *cfg, struct ow_err *err)
{
	char path[OW_MAX_PATH];

	if (config_path(cfg->data_dir, SERVE_LAB_CRL, path, sizeof(path)) < 0)
		return ow_err_set(err, OW_ELIMIT, "path of the lab CRL in %s too long",
				  cfg->data_dir);
	return x509_make_crl(cfg->tls_ca, cfg->tls_ca_key, SERVE_LAB_CRL_DAYS, path, err);
}

/* Signs a new lab CRL at path when there is none, it does not parse or it
 * has fewer than SERVE_LAB_CRL_RENEW_DAYS left. Under crl_lock: one worker
 * signs while the others wait and then find it fresh. A failure is logged;
 * the caller serves whatever file there is. */
static void lab_crl_refresh(struct serve_ctx *ctx, const char *path)
{
	struct ow_err err = { 0 };
	long days = 0;
	int rc;

	pthread_mutex_lock(&ctx->crl_lock);
	rc = x509_crl_days_left(path, &days, &err);
	if (rc == 0 && days >= SERVE_LAB_CRL_RENEW_DAYS)
		goto done;
	if (rc < 0 && rc != OW_ENOENT)
		ow_warn("lab CRL %s: %s; signing a new one", path, err.msg);
	if (serve_lab_crl_write(&ctx->cfg, &err) < 0)
		ow_error("cannot sign the lab CRL %s: %s", path, err.msg);
	else
		ow_info("signed the lab CRL %s (next update in %d days)", path,
			SERVE_LAB_CRL_DAYS);
done:
	pthread_mutex_unlock(&ctx->crl_lock);
}

/* GET|HEAD /pki/ca.crl: the lab CA's CRL, from memory. Only while there
 * is a lab CA key: with an administrator's own certificate, revocation is
 * its CA's business and nothing is served here. */
static void pki_handler(struct http_request *req, struct http_response *res, void *arg)
{
	struct serve_ctx *ctx = arg;
	struct ow_err err = { 0 };
	char path[OW_MAX_PATH], *data = NULL;
	struct stat st;
	size_t len = 0;
	int rc;

	if (req->method != HTTP_M_GET && req->method != HTTP_M_HEAD) {
		http_res_error(res, 405, "the CRL is read with GET or HEAD");
		(void)http_res_header(res, "Allow", "GET, HEAD");
		return;
	}
	if (strcmp(req->subpath, "/" PKI_CRL_NAME) != 0) {
		http_res_error(res, 404, "the only file here is /" PKI_ROOT "/" PKI_CRL_NAME);
		return;
	}
	if (stat(ctx->cfg.tls_ca_key, &st) < 0 || !S_ISREG(st.st_mode)) {
		http_res_error(res, 404, "no lab CA: this server's certificate comes from another CA");
		return;
	}
	if (config_path(ctx->cfg.data_dir, SERVE_LAB_CRL, path, sizeof(path)) < 0) {
		http_res_error(res, 500, "path of the lab CRL too long");
		return;
	}
	lab_crl_refresh(ctx, path);
	rc = ow_read_file(path, PKI_MAX_CRL_BYTES, &data, &len, &err);
	if (rc < 0) {
		ow_error("lab CRL %s: %s", path, err.msg);
		http_res_error(res, 500, "the lab CRL cannot be read");
		return;
	}
	if (http_res_header(res, "Content-Type", "application/pkix-crl") < 0 ||
	    http_res_header(res, "Cache-Control", "max-age=%d", PKI_CRL_MAX_AGE) < 0 ||
	    http_res_body(res, data, len) < 0)
		http_res_error(res, 500, "out of memory for the CRL");
	free(data);
}

static void nothing_published(struct http_request *req, struct http_response *res, void *arg)
{
	(void)req;
	http_res_error(res, 404, arg);
}

size_t serve_routes(struct serve_ctx *ctx, struct http_route *r)
{
	size_t n = 0;
	unsigned content_flags = ctx->cfg.content_over_https ? 0 : HTTP_ROUTE_PLAIN_ONLY;

	r[n++] = (struct http_route){ "ClientWebService", HTTP_ROUTE_TLS_REQUIRED,
				      wusp_client_handle, &ctx->wusp };
	r[n++] = (struct http_route){ "SimpleAuthWebService", HTTP_ROUTE_TLS_REQUIRED,
				      wusp_simpleauth_handle, &ctx->wusp };
	r[n++] = (struct http_route){ "ServerSyncWebService", HTTP_ROUTE_TLS_REQUIRED,
				      soap_unavailable, "ServerSyncWebService" };
	r[n++] = (struct http_route){ "DssAuthWebService", HTTP_ROUTE_TLS_REQUIRED,
				      soap_unavailable, "DssAuthWebService" };
	r[n++] = (struct http_route){ "ApiRemoting30", HTTP_ROUTE_TLS_REQUIRED, admin_handle,
				      &ctx->admin };
	r[n++] = (struct http_route){ "ReportingWebService", 0, wusp_reporting_handle,
				      &ctx->wusp };
	r[n++] = (struct http_route){ "Content", content_flags, content_handler, ctx };
	r[n++] = (struct http_route){ "Inventory", 0, nothing_published,
				      "no inventory rules are published" };
	r[n++] = (struct http_route){ "SelfUpdate", 0, nothing_published,
				      "no client self-update files are published" };
	r[n++] = (struct http_route){ PKI_ROOT, 0, pki_handler, ctx };
	return n;
}
