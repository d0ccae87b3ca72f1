/* SPDX-License-Identifier: MIT */
/*
 * `openwsus publish --server URL --ca FILE --user NAME --file INSTALLER
 *  --title T [--description D] [--args "ARGS"] [--return-code CODE:RESULT[:reboot]]...
 *  [--installed-if-exists PATH] [--kb N] --sign-cert CERT --sign-key KEY`
 *
 * Local publishing as an administration verb: computes the installer's
 * SHA-1 and SHA-256, writes an upd:Update document (CommandLineInstallation
 * handler, the return codes, a FileExists rule when asked), signs its exact
 * bytes with a detached CMS signature (SHA-256) by the publisher, uploads
 * the installer in pieces and submits the publication. The server accepts
 * it only from a publisher it trusts. Prints the new update id.
 */
#include <fcntl.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/time.h"
#include "base/util.h"
#include "cli/apiclient.h"
#include "cli/cli.h"
#include "crypto/cms.h"
#include "crypto/digest.h"
#include "xml/soap.h"

#define USAGE "openwsus publish " API_CLIENT_USAGE " --file INSTALLER --title T [--description D]\n" \
	      "        [--args \"ARGS\"] [--return-code CODE:succeeded|failed|cancelled[:reboot]]...\n" \
	      "        [--installed-if-exists PATH] [--kb N] --sign-cert CERT --sign-key KEY"
#define MAX_RETURN_CODES 16
/* Below OW_MAX_BODY_BYTES with room for nothing else: a piece is the body. */
#define PIECE_BYTES (3 * 1024 * 1024)
#define MAX_DOC_BYTES (1024 * 1024)

enum { OPT_FILE = 1, OPT_TITLE, OPT_DESC, OPT_ARGS, OPT_RC, OPT_IFEXISTS, OPT_KB, OPT_CERT, OPT_KEY };

struct publish {
	const char *file, *title, *desc, *args, *if_exists, *kb, *cert, *key;
	const char *rc[MAX_RETURN_CODES];
	int nrc;
};

static int b64(const unsigned char *in, size_t n, char *out, size_t len)
{
	if (len < 4 * ((n + 2) / 3) + 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return 0;
}

static int add_attr(struct ow_buf *b, const char *name, const char *value)
{
	int rc = ow_buf_printf(b, " %s=\"", name);

	if (rc == 0)
		rc = soap_escape(b, value);
	if (rc == 0)
		rc = ow_buf_adds(b, "\"");
	return rc;
}

static int add_elem(struct ow_buf *b, const char *tag, const char *text)
{
	int rc = ow_buf_printf(b, "<%s>", tag);

	if (rc == 0)
		rc = soap_escape(b, text);
	if (rc == 0)
		rc = ow_buf_printf(b, "</%s>", tag);
	return rc;
}

/* "0:succeeded:reboot" -> code, result, reboot. */
static int parse_rc(const char *s, long long *code, const char **result, int *reboot)
{
	char buf[64], *a, *b;

	if (ow_strlcpy(buf, s, sizeof(buf)) < 0 || (a = strchr(buf, ':')) == NULL)
		return -1;
	*a++ = '\0';
	b = strchr(a, ':');
	if (b)
		*b++ = '\0';
	if (ow_parse_ll(buf, -2147483648LL, 4294967295LL, code) < 0)
		return -1;
	if (strcmp(a, "succeeded") == 0)
		*result = "Succeeded";
	else if (strcmp(a, "failed") == 0)
		*result = "Failed";
	else if (strcmp(a, "cancelled") == 0)
		*result = "Cancelled";
	else
		return -1;
	*reboot = b && strcmp(b, "reboot") == 0;
	return b && !*reboot ? -1 : 0;
}

static int build_doc(const struct publish *p, const char *id, const unsigned char sha1[20],
		     const unsigned char sha256[32], uint64_t size, struct ow_buf *b, struct ow_err *err)
{
	char now[OW_TIME_LEN], d1[64], d256[64], sizes[32];
	const char *name = strrchr(p->file, '/') ? strrchr(p->file, '/') + 1 : p->file;
	int rc = 0;

	ow_time_format(ow_time_now(), now);
	if (b64(sha1, 20, d1, sizeof(d1)) < 0 || b64(sha256, 32, d256, sizeof(d256)) < 0)
		return ow_err_set(err, OW_EINVAL, "digest encoding");
	snprintf(sizes, sizeof(sizes), "%llu", (unsigned long long)size);
	rc = ow_buf_printf(b, "<upd:Update xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\""
			      " xmlns:bar=\"http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules\""
			      " xmlns:lar=\"http://schemas.microsoft.com/msus/2002/12/LogicalApplicabilityRules\""
			      " xmlns:cmd=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation\">"
			      "<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"100\" />"
			      "<upd:Properties UpdateType=\"Software\" DefaultPropertiesLanguage=\"en\""
			      " Handler=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation\""
			      " ExplicitlyDeployable=\"true\" MaxDownloadSize=\"%s\" MinDownloadSize=\"0\""
			      " PublicationState=\"Published\" CreationDate=\"%s\">",
			   id, sizes, now);
	if (rc == 0 && p->kb)
		rc = add_elem(b, "upd:KBArticleID", p->kb);
	if (rc == 0)
		rc = ow_buf_adds(b, "<upd:InstallationBehavior RebootBehavior=\"CanRequestReboot\" />"
				    "</upd:Properties><upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
				    "<upd:Language>en</upd:Language>");
	if (rc == 0)
		rc = add_elem(b, "upd:Title", p->title);
	if (rc == 0 && p->desc)
		rc = add_elem(b, "upd:Description", p->desc);
	if (rc == 0)
		rc = ow_buf_adds(b, "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>"
				    "<upd:ApplicabilityRules>");
	if (rc == 0 && p->if_exists) {
		rc = ow_buf_adds(b, "<upd:IsInstalled><bar:FileExists");
		if (rc == 0)
			rc = add_attr(b, "Path", p->if_exists);
		if (rc == 0)
			rc = ow_buf_adds(b, " /></upd:IsInstalled>");
	}
	if (rc == 0)
		rc = ow_buf_adds(b, "<upd:IsInstallable><lar:True /></upd:IsInstallable></upd:ApplicabilityRules>"
				    "<upd:Files><upd:File DigestAlgorithm=\"SHA1\"");
	if (rc == 0)
		rc = add_attr(b, "Digest", d1);
	if (rc == 0)
		rc = add_attr(b, "FileName", name);
	if (rc == 0)
		rc = ow_buf_printf(b, " Size=\"%s\" Modified=\"%s\"><upd:AdditionalDigest Algorithm=\"SHA256\">%s"
				      "</upd:AdditionalDigest></upd:File></upd:Files>"
				      "<upd:HandlerSpecificData xsi:type=\"cmd:CommandLineInstallation\""
				      " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><cmd:InstallCommand",
				   sizes, now, d256);
	if (rc == 0)
		rc = add_attr(b, "Program", name);
	if (rc == 0 && p->args)
		rc = add_attr(b, "Arguments", p->args);
	if (rc == 0)
		rc = ow_buf_adds(b, ">");
	for (int i = 0; rc == 0 && i < (p->nrc ? p->nrc : 2); i++) {
		const char *spec = p->nrc ? p->rc[i] : (i == 0 ? "0:succeeded" : "3010:succeeded:reboot");
		const char *result;
		long long code;
		int reboot;

		if (parse_rc(spec, &code, &result, &reboot) < 0)
			return ow_err_set(err, OW_EINVAL, "--return-code %s: want CODE:succeeded|failed|"
							  "cancelled[:reboot]", spec);
		rc = ow_buf_printf(b, "<cmd:ReturnCode Code=\"%lld\" Result=\"%s\"%s />", code, result,
				   reboot ? " Reboot=\"true\"" : "");
	}
	if (rc == 0)
		rc = ow_buf_adds(b, "</cmd:InstallCommand></upd:HandlerSpecificData></upd:Update>");
	return rc < 0 ? ow_err_set(err, rc, "cannot write the update document") : 0;
}

/* Uploads the file in pieces; upload_id receives the server's id. */
static int upload(struct api_client *api, const char *file, char *upload_id, size_t idlen,
		  struct ow_err *err)
{
	unsigned char *piece = NULL;
	json_t *reply = NULL;
	long status;
	uint64_t off = 0;
	int fd = -1, rc;

	if ((rc = api_call(api, "POST", "uploads", NULL, &status, &reply, err)) < 0)
		return rc;
	if (api_str(reply, "upload_id") == NULL ||
	    ow_strlcpy(upload_id, api_str(reply, "upload_id"), idlen) < 0) {
		json_decref(reply);
		return ow_err_set(err, OW_EIO, "the server gave no upload id");
	}
	json_decref(reply);
	piece = malloc(PIECE_BYTES);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (piece == NULL || fd < 0) {
		rc = ow_err_set(err, OW_EIO, "cannot read %s", file);
		goto out;
	}
	for (;;) {
		char path[128];
		ssize_t n = read(fd, piece, PIECE_BYTES);

		if (n < 0) {
			rc = ow_err_set(err, OW_EIO, "reading %s failed", file);
			goto out;
		}
		if (n == 0)
			break;
		snprintf(path, sizeof(path), "uploads/%s?offset=%llu", upload_id, (unsigned long long)off);
		if ((rc = api_call_bytes(api, "PUT", path, piece, (size_t)n, &status, &reply, err)) < 0)
			goto out;
		json_decref(reply);
		reply = NULL;
		off += (uint64_t)n;
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "\ruploaded %llu bytes", (unsigned long long)off);
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\n");
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(piece);
	return rc;
}

int cmd_publish(int argc, char **argv)
{
	static const struct option opts[] = {
		API_CLIENT_OPTIONS,
		{ "file", required_argument, NULL, OPT_FILE },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "description", required_argument, NULL, OPT_DESC },
		{ "args", required_argument, NULL, OPT_ARGS },
		{ "return-code", required_argument, NULL, OPT_RC },
		{ "installed-if-exists", required_argument, NULL, OPT_IFEXISTS },
		{ "kb", required_argument, NULL, OPT_KB },
		{ "sign-cert", required_argument, NULL, OPT_CERT },
		{ "sign-key", required_argument, NULL, OPT_KEY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct api_opts o;
	struct api_client *api = NULL;
	struct publish p = { 0 };
	struct ow_err err = { 0 };
	struct ow_buf doc;
	unsigned char sha1[20], sha256[32], *sig = NULL;
	char id[37], upload_id[64], *sig_b64 = NULL;
	size_t sig_len = 0;
	uint64_t size = 0;
	json_t *body = NULL, *reply = NULL;
	long status;
	int c, rc;

	api_opts_init(&o);
	ow_buf_init(&doc, MAX_DOC_BYTES);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FILE: p.file = optarg; break;
		case OPT_TITLE: p.title = optarg; break;
		case OPT_DESC: p.desc = optarg; break;
		case OPT_ARGS: p.args = optarg; break;
		case OPT_RC:
			if (p.nrc == MAX_RETURN_CODES)
				return cli_usage("publish", USAGE, "at most %d --return-code", MAX_RETURN_CODES);
			p.rc[p.nrc++] = optarg;
			break;
		case OPT_IFEXISTS: p.if_exists = optarg; break;
		case OPT_KB: p.kb = optarg; break;
		case OPT_CERT: p.cert = optarg; break;
		case OPT_KEY: p.key = optarg; break;
		case 'h': printf("usage: %s\n", USAGE); return CLI_OK;
		default:
			if (api_opts_parse(&o, c, optarg) < 0)
				return cli_usage("publish", USAGE, "bad option");
		}
	}
	if (optind != argc || !p.file || !p.title || !p.cert || !p.key)
		return cli_usage("publish", USAGE, "--file, --title, --sign-cert and --sign-key are required");
	if ((rc = api_opts_check(&o, "publish", USAGE)) != 0)
		return rc;
	if (digest_file(p.file, sha1, sha256, &size, &err) < 0 || ow_uuid4(id) < 0 ||
	    build_doc(&p, id, sha1, sha256, size, &doc, &err) < 0 ||
	    cms_sign_detached(doc.data, doc.len, p.cert, p.key, &sig, &sig_len, &err) < 0)
		goto fail;
	sig_b64 = malloc(4 * ((sig_len + 2) / 3) + 1);
	if (sig_b64 == NULL || b64(sig, sig_len, sig_b64, 4 * ((sig_len + 2) / 3) + 1) < 0) {
		ow_err_set(&err, OW_ENOMEM, "out of memory");
		goto fail;
	}
	if (api_client_new(&o, &api, &err) < 0 ||
	    upload(api, p.file, upload_id, sizeof(upload_id), &err) < 0)
		goto fail;
	body = json_pack("{s:s, s:s, s:{s:s}}", "document", doc.data, "signature", sig_b64, "files",
			 strrchr(p.file, '/') ? strrchr(p.file, '/') + 1 : p.file, upload_id);
	if (body == NULL || api_call(api, "POST", "publications", body, &status, &reply, &err) < 0) {
		char path[128];
		struct ow_err ignored = { 0 };

		/* Refused: the server keeps nothing of it, so drop the upload. */
		snprintf(path, sizeof(path), "uploads/%s", upload_id);
		if (api_call(api, "DELETE", path, NULL, &status, &reply, &ignored) == 0)
			json_decref(reply);
		reply = NULL;
		goto fail;
	}
	if (o.json)
		api_print_json(reply);
	else
		printf("%s\n", api_str(reply, "update_id") ? api_str(reply, "update_id") : id);
	json_decref(reply);
	json_decref(body);
	api_client_free(api);
	ow_buf_release(&doc);
	free(sig);
	free(sig_b64);
	return CLI_OK;
fail:
	json_decref(body);
	api_client_free(api);
	ow_buf_release(&doc);
	free(sig);
	free(sig_b64);
	return cli_fail("publish", &err);
}
