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
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "cli/serve.h"
#include "content/name.h"
#include "xml/soap.h"

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
	return n;
}
