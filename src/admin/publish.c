/* SPDX-License-Identifier: MIT */
/*
 * Local publishing through the admin API. An installer arrives as an
 * upload (POST /uploads, then PUT /uploads/{id}?offset=N in pieces no
 * larger than the request body limit); the publication (POST
 * /publications) names the uploads and carries the upd:Update document and
 * a detached CMS signature over its exact bytes.
 *
 *   {"document": "<upd:Update ...>", "signature": "MIIG...",
 *    "files": {"setup.exe": "6e8d0c3a-..."}}
 *
 * It is accepted only when the signature verifies against a certificate in
 * the trusted-publishers directory, no file comes from a remote origin, and
 * every uploaded file has the digests and size the document states. Then
 * the files enter the content store and the document the catalog.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/call.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "catalog/updoc.h"
#include "content/import.h"
#include "crypto/cms.h"
#include "crypto/digest.h"

/* Signatures are a few KiB; this bounds a hostile one. */
#define MAX_SIGNATURE_BYTES (64 * 1024)

static int upload_path(struct call *c, const char *id, char *out, size_t len)
{
	char norm[37];

	if (updoc_guid_normalize(id, norm) < 0)
		return -1;
	return ow_fmt(out, len, "%s/%s.part", c->ctx->uploads_dir, norm) < 0 ? -1 : 0;
}

void admin_upload_start(struct call *c)
{
	char id[37], path[OW_MAX_PATH];
	int fd;

	if (ow_uuid4(id) < 0 || upload_path(c, id, path, sizeof(path)) < 0) {
		admin_error(c, 500, "internal", "cannot name an upload");
		return;
	}
	if (mkdir(c->ctx->uploads_dir, 0700) < 0 && errno != EEXIST) {
		admin_error(c, 500, "internal", "uploads directory: %s", strerror(errno));
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		admin_error(c, 500, "internal", "cannot create an upload: %s", strerror(errno));
		return;
	}
	close(fd);
	admin_reply(c, 201, json_pack("{s:s, s:i}", "upload_id", id, "max_piece", OW_MAX_BODY_BYTES));
}

void admin_upload_put(struct call *c, const char *id)
{
	char path[OW_MAX_PATH], buf[32];
	long long offset;
	struct stat st;
	int fd = -1;

	if (upload_path(c, id, path, sizeof(path)) < 0) {
		admin_error(c, 400, "invalid", "'%s' is not an upload id", id);
		return;
	}
	buf[0] = '\0';
	{
		/* offset=N in the query */
		const char *q = strstr(c->req->query, "offset=");
		size_t n;

		if (q == NULL || (q != c->req->query && q[-1] != '&')) {
			admin_error(c, 400, "invalid", "offset=N is required");
			return;
		}
		q += 7;
		n = strcspn(q, "&");
		if (n == 0 || n >= sizeof(buf)) {
			admin_error(c, 400, "invalid", "bad offset");
			return;
		}
		memcpy(buf, q, n);
		buf[n] = '\0';
	}
	if (ow_parse_ll(buf, 0, OW_MAX_UPLOAD_BYTES, &offset) < 0) {
		admin_error(c, 400, "invalid", "offset must be 0..%lld", (long long)OW_MAX_UPLOAD_BYTES);
		return;
	}
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		admin_error(c, 404, "not_found", "no upload %s", id);
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		admin_error(c, 500, "internal", "upload %s is not a file", id);
		return;
	}
	/* Pieces come in order: a retry of the last piece is answered with
	 * the size to continue from. */
	if ((long long)st.st_size != offset) {
		close(fd);
		admin_reply(c, 409, json_pack("{s:s, s:s, s:I}", "error", "conflict", "message",
					      "offset does not match the uploaded size", "size",
					      (json_int_t)st.st_size));
		return;
	}
	if ((unsigned long long)offset + c->req->body_len > (unsigned long long)OW_MAX_UPLOAD_BYTES) {
		close(fd);
		admin_error(c, 413, "too_large", "an upload is at most %lld bytes",
			    (long long)OW_MAX_UPLOAD_BYTES);
		return;
	}
	if (pwrite(fd, c->req->body, c->req->body_len, (off_t)offset) != (ssize_t)c->req->body_len ||
	    fsync(fd) < 0) {
		close(fd);
		admin_error(c, 500, "internal", "cannot write the upload: %s", strerror(errno));
		return;
	}
	close(fd);
	admin_reply(c, 200, json_pack("{s:s, s:I}", "upload_id", id,
				      "size", (json_int_t)(offset + (long long)c->req->body_len)));
}

void admin_upload_delete(struct call *c, const char *id)
{
	char path[OW_MAX_PATH];

	if (upload_path(c, id, path, sizeof(path)) < 0) {
		admin_error(c, 400, "invalid", "'%s' is not an upload id", id);
		return;
	}
	if (unlink(path) < 0) {
		admin_error(c, 404, "not_found", "no upload %s", id);
		return;
	}
	admin_reply(c, 204, NULL);
}

/* Strict base64 (standard alphabet, padded) into a new buffer. */
static int b64_decode(const char *in, unsigned char **out, size_t *outlen)
{
	size_t n = strlen(in), pad = 0;
	unsigned char *buf;
	int len;

	if (n == 0 || n % 4 != 0 || n / 4 * 3 > MAX_SIGNATURE_BYTES)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char ch = in[i];

		if (ch == '=') {
			if (i < n - 2)
				return -1;
			pad++;
		} else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			     (ch >= '0' && ch <= '9') || ch == '+' || ch == '/') || pad) {
			return -1;
		}
	}
	buf = malloc(n / 4 * 3 + 1);
	if (buf == NULL)
		return -1;
	len = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)n);
	if (len < 0 || (size_t)len < pad) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = (size_t)len - pad;
	return 0;
}

/* Checks an uploaded file against the document's entry and moves it into
 * the content store. */
static int take_file(struct call *c, const struct updoc_file *f, const char *upload_id,
		     struct ow_err *err)
{
	unsigned char sha1[DIGEST_SHA1_LEN], sha256[DIGEST_SHA256_LEN];
	char path[OW_MAX_PATH], h1[41], h256[65];
	struct content_info info;
	uint64_t size = 0;
	int rc;

	if (upload_path(c, upload_id, path, sizeof(path)) < 0)
		return ow_err_set(err, OW_EINVAL, "'%s' is not an upload id", upload_id);
	if ((rc = digest_file(path, sha1, sha256, &size, err)) < 0)
		return rc == OW_ENOENT ? ow_err_set(err, OW_ENOENT, "no upload %s", upload_id) : rc;
	digest_hex(sha1, sizeof(sha1), h1, 1);
	digest_hex(sha256, sizeof(sha256), h256, 1);
	if (size != f->size || strcmp(h1, f->sha1_hex) != 0 ||
	    (f->sha256_hex[0] && strcmp(h256, f->sha256_hex) != 0))
		return ow_err_set(err, OW_EINVAL, "upload %s does not have the size and digests the "
						  "document gives for %s", upload_id, f->name);
	if ((rc = content_import_ext(c->ctx->content_dir, path, f->name, &info, err)) < 0)
		return rc;
	return catalog_content_add(c->st, info.name.sha1, h256, info.size, info.name.ext, err);
}

void admin_publish(struct call *c)
{
	const char *doc, *sig_b64;
	json_t *files;
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	char signer[512] = "";
	struct updoc d;
	struct catalog_import_result r;
	struct ow_err err = { 0 };
	int rc;

	memset(&d, 0, sizeof(d));
	if (admin_body(c) < 0 || (doc = admin_str(c, "document", 1)) == NULL ||
	    (sig_b64 = admin_str(c, "signature", 1)) == NULL)
		return;
	files = json_object_get(c->body, "files");
	if (files && !json_is_object(files)) {
		admin_error(c, 400, "invalid", "\"files\" must map file names to upload ids");
		return;
	}
	if (b64_decode(sig_b64, &sig, &sig_len) < 0) {
		admin_error(c, 400, "invalid", "\"signature\" must be a base64 DER CMS signature");
		return;
	}
	rc = cms_verify_detached(doc, strlen(doc), sig, sig_len, c->ctx->publishers_dir, signer,
				 sizeof(signer), &err);
	if (rc < 0) {
		ow_warn("admin API: publication by %s refused: %s", c->who.name, err.msg);
		admin_error(c, 403, "untrusted", "%s", err.msg);
		goto out;
	}
	if ((rc = updoc_parse(doc, strlen(doc), &d, &err)) < 0) {
		admin_fail(c, &err);
		goto out;
	}
	for (size_t i = 0; i < d.nfiles; i++) {
		if (catalog_origin_is_remote(d.files[i].origin)) {
			admin_error(c, 400, "invalid", "file %s comes from the remote origin '%s': an "
				    "installer run from a remote path is not protected by a signature "
				    "(hardening guide, Signed Windows Installer); refused",
				    d.files[i].name, d.files[i].origin);
			goto out;
		}
		if (d.files[i].sha1_hex[0] == '\0' || d.files[i].sha256_hex[0] == '\0') {
			admin_error(c, 400, "invalid", "file %s needs SHA-1 and SHA-256 digests",
				    d.files[i].name);
			goto out;
		}
	}
	for (size_t i = 0; i < d.nfiles; i++) {
		json_t *id = files ? json_object_get(files, d.files[i].name) : NULL;

		if (!json_is_string(id)) {
			admin_error(c, 400, "invalid", "no upload named for file %s", d.files[i].name);
			goto out;
		}
		if (take_file(c, &d.files[i], json_string_value(id), &err) < 0) {
			admin_fail(c, &err);
			goto out;
		}
	}
	if (catalog_import_xml(c->st, doc, strlen(doc), c->who.name, &r, &err) < 0 ||
	    catalog_publication_add(c->st, r.update_id, r.revision, signer, sig, sig_len, c->who.name,
				    &err) < 0) {
		admin_fail(c, &err);
		goto out;
	}
	/* The files are in the content store now: drop the uploads. */
	for (size_t i = 0; i < d.nfiles; i++) {
		char path[OW_MAX_PATH];

		if (upload_path(c, json_string_value(json_object_get(files, d.files[i].name)), path,
				sizeof(path)) == 0)
			unlink(path);
	}
	ow_info("admin API: %s published %s r%d signed by %s", c->who.name, r.update_id, r.revision,
		signer);
	admin_reply(c, 201, json_pack("{s:s, s:i, s:I, s:s, s:s}", "update_id", r.update_id, "revision",
				      r.revision, "revision_id", (json_int_t)r.revision_id, "signer",
				      signer, "title", r.title));
out:
	updoc_release(&d);
	free(sig);
}
