/* SPDX-License-Identifier: MIT */
/*
 * The admin API client (see apiclient.h). One curl easy handle per process,
 * reused so a verb that makes several calls pays for one TLS handshake. The
 * Basic credentials are built here rather than by libcurl (CURLOPT_USERPWD)
 * so the copies this process owns can be wiped; libcurl's own transient
 * request buffer is the one copy outside our reach.
 */
#include "cli/apiclient.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/table.h"

#define API_ROOT "/ApiRemoting30/api/v1"
#define PASSWORD_ENV "OPENWSUS_PASSWORD"

/* Sent with every call besides the credentials ("Expect:" stops curl from
 * waiting for 100-continue before a body). */
static const char *const fixed_headers[] = {
	"Accept: application/json", "Content-Type: application/json", "Expect:", NULL,
};

struct api_client {
	CURL *curl;
	struct curl_slist *headers;     /* the first holds the credentials */
	struct curl_slist *resolve;
	char base[OW_MAX_PATH];         /* https://host:port/ApiRemoting30/api/v1 */
	char errbuf[CURL_ERROR_SIZE];
};

/* A reply being received, with its ceiling. */
struct reply_buf {
	char *data;
	size_t len, cap;
	int too_big;
};

/* ---- options ---------------------------------------------------------- */

void api_opts_init(struct api_opts *o)
{
	memset(o, 0, sizeof(*o));
}

int api_opts_parse(struct api_opts *o, int code, const char *arg)
{
	switch (code) {
	case API_OPT_SERVER: o->server = arg; return 0;
	case API_OPT_CA: o->ca = arg; return 0;
	case API_OPT_USER: o->user = arg; return 0;
	case API_OPT_JSON: o->json = 1; return 0;
	case API_OPT_RESOLVE:
		if (o->nresolve == OW_API_MAX_RESOLVE)
			o->too_many_resolve = 1; /* said by api_opts_check */
		else
			o->resolve[o->nresolve++] = arg;
		return 0;
	default:
		return -1;
	}
}

/* Splits "https://AUTHORITY[/ApiRemoting30/api/v1][/]" and returns the
 * length of "https://AUTHORITY", or 0 with why set. */
static size_t server_prefix(const char *url, const char **why)
{
	const char *auth, *end, *path;
	size_t n;

	if (ow_strncasecmp(url, "http://", 7) == 0) {
		*why = "refusing an http:// server: the WSUS hardening guide requires SSL on "
		       "ApiRemoting30 because the console cannot be used safely over HTTP (the "
		       "password and every change would cross the network in clear text); "
		       "use https://FQDN:8531";
		return 0;
	}
	if (ow_strncasecmp(url, "https://", 8) != 0) {
		*why = "--server must be an https:// URL (https://FQDN:8531)";
		return 0;
	}
	auth = url + 8;
	n = strcspn(auth, "/?#");
	end = auth + n;
	if (n == 0) {
		*why = "--server has no host name";
		return 0;
	}
	for (const char *p = auth; p < end; p++) {
		if (*p == '@') {
			*why = "--server must not carry credentials: the password comes from "
			       PASSWORD_ENV " or stdin, never an argument";
			return 0;
		}
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '\\') {
			*why = "--server has an invalid host name";
			return 0;
		}
	}
	path = end;
	if (*path == '?' || *path == '#') {
		*why = "--server takes no query or fragment";
		return 0;
	}
	if (*path == '/' && path[1] != '\0' &&
	    !(ow_strncasecmp(path, API_ROOT, strlen(API_ROOT)) == 0 &&
	      (path[strlen(API_ROOT)] == '\0' ||
	       (path[strlen(API_ROOT)] == '/' && path[strlen(API_ROOT) + 1] == '\0')))) {
		*why = "--server is https://FQDN:PORT (the path can only be " API_ROOT ")";
		return 0;
	}
	if ((size_t)(end - url) + strlen(API_ROOT) + 1 > OW_MAX_PATH) {
		*why = "--server is too long";
		return 0;
	}
	return (size_t)(end - url);
}

/* NAME:PORT:ADDR as curl's --resolve takes it (ADDR may be [IPv6]). */
static int resolve_ok(const char *r)
{
	const char *c1 = strchr(r, ':'), *c2;
	char port[8];
	long long p;

	if (c1 == NULL || c1 == r || (c2 = strchr(c1 + 1, ':')) == NULL || c2[1] == '\0')
		return 0;
	if ((size_t)(c2 - c1 - 1) >= sizeof(port) || c2 == c1 + 1)
		return 0;
	memcpy(port, c1 + 1, (size_t)(c2 - c1 - 1));
	port[c2 - c1 - 1] = '\0';
	if (ow_parse_ll(port, 1, 65535, &p) < 0)
		return 0;
	for (const char *s = r; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

int api_opts_check(const struct api_opts *o, const char *verb, const char *usage)
{
	const char *why = NULL;

	if (o->server == NULL || o->ca == NULL || o->user == NULL)
		return cli_usage(verb, usage, "--server, --ca and --user are required (the server is "
					      "verified against --ca only, never the system store)");
	if (server_prefix(o->server, &why) == 0)
		return cli_usage(verb, usage, "%s", why);
	if (o->user[0] == '\0' || strlen(o->user) > OW_MAX_PRINCIPAL_NAME || strchr(o->user, ':'))
		return cli_usage(verb, usage, "--user must be 1..%d characters without ':'",
				 OW_MAX_PRINCIPAL_NAME);
	for (const char *s = o->user; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return cli_usage(verb, usage, "--user contains a control character");
	if (o->too_many_resolve)
		return cli_usage(verb, usage, "at most %d --resolve options", OW_API_MAX_RESOLVE);
	for (int i = 0; i < o->nresolve; i++)
		if (!resolve_ok(o->resolve[i]))
			return cli_usage(verb, usage, "--resolve must be NAME:PORT:ADDR, not '%s'",
					 o->resolve[i]);
	return 0;
}

/* ---- password ------------------------------------------------------------ */

int api_read_secret(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO), restore = 0, got = 0, too_long = 0;
	size_t n = 0;
	char ch = 0;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		fflush(stderr);
		if (tcgetattr(STDIN_FILENO, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
		}
	}
	/* One byte at a time: stdio would keep the line (and the next one,
	 * the new user's password) in its buffer, out of reach of a wipe. */
	for (;;) {
		ssize_t r = read(STDIN_FILENO, &ch, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got = 1;
		if (ch == '\n')
			break;
		if (n + 1 < len)
			buf[n++] = ch;
		else
			too_long = 1;
	}
	ch = 0;
	if (restore)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	if (tty)
		fprintf(stderr, "\n");
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (too_long) {
		OPENSSL_cleanse(buf, len);
		return OW_ELIMIT;
	}
	return got ? 0 : OW_EINVAL;
}

/* The password of user, from the environment (then wiped there) or stdin. */
static int get_password(const char *user, char *pass, size_t len, struct ow_err *err)
{
	char *env = getenv(PASSWORD_ENV), prompt[128];
	int rc;

	if (env && *env) {
		size_t n = strlen(env);

		rc = ow_strlcpy(pass, env, len);
		/* getenv points into the environment block: clear it so the
		 * password leaves /proc/PID/environ and any child process. */
		OPENSSL_cleanse(env, n);
		(void)unsetenv(PASSWORD_ENV);
		if (rc < 0) {
			OPENSSL_cleanse(pass, len);
			return ow_err_set(err, OW_ELIMIT, PASSWORD_ENV " is longer than %d bytes",
					  OW_MAX_PASSWORD);
		}
		return 0;
	}
	(void)snprintf(prompt, sizeof(prompt), "password for %s: ", user);
	rc = api_read_secret(prompt, pass, len);
	if (rc == OW_ELIMIT)
		return ow_err_set(err, rc, "password longer than %d bytes", OW_MAX_PASSWORD);
	if (rc < 0 || pass[0] == '\0')
		return ow_err_set(err, OW_EINVAL, "no password for %s: set " PASSWORD_ENV
				  " or write it as the first line of stdin", user);
	return 0;
}

/* "Authorization: Basic base64(user:pass)" appended to *list; every buffer
 * holding the password is wiped before returning. */
static int auth_header(const char *user, const char *pass, struct curl_slist **list,
		       struct ow_err *err)
{
	enum { RAW = OW_MAX_PRINCIPAL_NAME + 1 + OW_MAX_PASSWORD + 1 };
	static const char prefix[] = "Authorization: Basic ";
	unsigned char raw[RAW];
	char hdr[sizeof(prefix) + (RAW + 2) / 3 * 4 + 1];
	struct curl_slist *l;
	int n, rc = 0;

	n = snprintf((char *)raw, sizeof(raw), "%s:%s", user, pass);
	if (n < 0 || (size_t)n >= sizeof(raw)) {
		rc = ow_err_set(err, OW_ELIMIT, "user name or password too long");
		goto out;
	}
	memcpy(hdr, prefix, sizeof(prefix) - 1);
	EVP_EncodeBlock((unsigned char *)hdr + sizeof(prefix) - 1, raw, n);
	l = curl_slist_append(*list, hdr);
	if (l == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "out of memory");
		goto out;
	}
	*list = l;
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(hdr, sizeof(hdr));
	return rc;
}

/* ---- client -------------------------------------------------------------- */

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct reply_buf *b = arg;
	size_t n = size * nmemb;

	if (n > OW_MAX_API_REPLY_BYTES - b->len) {
		b->too_big = 1;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		char *grown;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > OW_MAX_API_REPLY_BYTES + 1)
			cap = OW_MAX_API_REPLY_BYTES + 1;
		grown = realloc(b->data, cap);
		if (grown == NULL)
			return 0;
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

#define SETOPT(c, opt, val)                                      \
	do {                                                     \
		if (curl_easy_setopt((c), (opt), (val)) != CURLE_OK) \
			goto curl_fail;                          \
	} while (0)

int api_client_new(const struct api_opts *o, struct api_client **out, struct ow_err *err)
{
	struct api_client *c = NULL;
	const char *why = NULL;
	char pass[OW_MAX_PASSWORD + 2];
	size_t prefix = server_prefix(o->server, &why);
	FILE *ca;
	int rc;

	*out = NULL;
	if (prefix == 0)
		return ow_err_set(err, OW_EINVAL, "%s", why);
	ca = fopen(o->ca, "r");
	if (ca == NULL)
		return ow_err_set(err, OW_ENOENT, "cannot read --ca %s: %s", o->ca, strerror(errno));
	fclose(ca);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return ow_err_set(err, OW_ENOMEM, "cannot initialize libcurl");
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		curl_global_cleanup();
		return ow_err_set(err, OW_ENOMEM, "out of memory");
	}
	memcpy(c->base, o->server, prefix);
	memcpy(c->base + prefix, API_ROOT, sizeof(API_ROOT));

	rc = get_password(o->user, pass, sizeof(pass), err);
	if (rc == 0)
		rc = auth_header(o->user, pass, &c->headers, err);
	OPENSSL_cleanse(pass, sizeof(pass));
	if (rc < 0)
		goto fail;
	for (const char *const *h = fixed_headers; *h; h++) {
		struct curl_slist *l = curl_slist_append(c->headers, *h);

		if (l == NULL) {
			rc = ow_err_set(err, OW_ENOMEM, "out of memory");
			goto fail;
		}
		c->headers = l;
	}
	for (int i = 0; i < o->nresolve; i++) {
		struct curl_slist *l = curl_slist_append(c->resolve, o->resolve[i]);

		if (l == NULL) {
			rc = ow_err_set(err, OW_ENOMEM, "out of memory");
			goto fail;
		}
		c->resolve = l;
	}

	c->curl = curl_easy_init();
	if (c->curl == NULL) {
		rc = ow_err_set(err, OW_ENOMEM, "cannot create a curl handle");
		goto fail;
	}
	SETOPT(c->curl, CURLOPT_ERRORBUFFER, c->errbuf);
	SETOPT(c->curl, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SETOPT(c->curl, CURLOPT_PROTOCOLS_STR, "https");
#else
	SETOPT(c->curl, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	SETOPT(c->curl, CURLOPT_FOLLOWLOCATION, 0L); /* credentials go nowhere else */
	/* The --ca file and nothing else: no CA directory, no system store. */
	SETOPT(c->curl, CURLOPT_CAINFO, o->ca);
	SETOPT(c->curl, CURLOPT_CAPATH, (char *)NULL);
	SETOPT(c->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(c->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(c->curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* "" disables proxies even when http(s)_proxy/ALL_PROXY are set. */
	SETOPT(c->curl, CURLOPT_PROXY, "");
	SETOPT(c->curl, CURLOPT_NOPROXY, "*");
	SETOPT(c->curl, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	SETOPT(c->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SETOPT(c->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)OW_API_CONNECT_TIMEOUT_MS);
	SETOPT(c->curl, CURLOPT_TIMEOUT_MS, (long)OW_API_TIMEOUT_MS);
	SETOPT(c->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)OW_MAX_API_REPLY_BYTES);
	SETOPT(c->curl, CURLOPT_USERAGENT, "openwsus/" OW_VERSION);
	SETOPT(c->curl, CURLOPT_HTTPHEADER, c->headers);
	if (c->resolve)
		SETOPT(c->curl, CURLOPT_RESOLVE, c->resolve);
	SETOPT(c->curl, CURLOPT_WRITEFUNCTION, on_data);
	*out = c;
	return 0;

curl_fail:
	rc = ow_err_set(err, OW_EINVAL, "libcurl refused a required setting (is it an OpenSSL build "
					"of 7.62 or later?)");
fail:
	api_client_free(c);
	return rc;
}

void api_client_free(struct api_client *c)
{
	if (c == NULL)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	for (struct curl_slist *l = c->headers; l; l = l->next)
		OPENSSL_cleanse(l->data, strlen(l->data));
	curl_slist_free_all(c->headers);
	curl_slist_free_all(c->resolve);
	free(c);
	curl_global_cleanup();
}

/* The one place an HTTP status becomes an OW_E* code (and so, through
 * cli_fail, an exit status). */
static int code_of(long status)
{
	switch (status) {
	case 400:
	case 422:
		return OW_EINVAL;
	case 401:
	case 403:
		return OW_EPERM;
	case 404:
		return OW_ENOENT;
	case 409:
		return OW_EEXIST;
	case 413:
	case 429:
		return OW_ELIMIT;
	default:
		return OW_EIO;
	}
}

static int refused(long status, const json_t *j, struct ow_err *err)
{
	const char *code = json_string_value(json_object_get(j, "error"));
	const char *msg = json_string_value(json_object_get(j, "message"));
	char m[OW_ERR_MSG_MAX], k[64];

	if (msg == NULL) {
		if (status == 501)
			msg = "this server does not offer the admin API";
		else
			msg = "the server's answer is not an admin API error";
	}
	cli_sanitize(msg, m, sizeof(m));
	cli_sanitize(code ? code : "", k, sizeof(k));
	return ow_err_set(err, code_of(status), "refused by the server: %s (HTTP %ld%s%s)", m, status,
			  k[0] ? ", " : "", k);
}

int api_call_bytes(struct api_client *c, const char *method, const char *path_and_query,
		   const void *body, size_t body_len, long *status, json_t **reply, struct ow_err *err)
{
	struct reply_buf b = { NULL, 0, 0, 0 };
	char url[OW_MAX_PATH];
	json_t *j = NULL;
	json_error_t jerr;
	CURLcode cc;
	int rc = 0;

	*status = 0;
	*reply = NULL;
	if (ow_fmt(url, sizeof(url), "%s/%s", c->base, path_and_query) < 0)
		return ow_err_set(err, OW_ELIMIT, "request URL too long");
	c->errbuf[0] = '\0';
	SETOPT(c->curl, CURLOPT_URL, url);
	SETOPT(c->curl, CURLOPT_WRITEDATA, &b);
	if (strcmp(method, "GET") == 0) {
		SETOPT(c->curl, CURLOPT_HTTPGET, 1L);
		SETOPT(c->curl, CURLOPT_CUSTOMREQUEST, (char *)NULL);
	} else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
		SETOPT(c->curl, CURLOPT_CUSTOMREQUEST, strcmp(method, "PUT") == 0 ? "PUT" : (char *)NULL);
		SETOPT(c->curl, CURLOPT_POSTFIELDS, body ? (const char *)body : "");
		SETOPT(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
	} else {
		SETOPT(c->curl, CURLOPT_HTTPGET, 1L);
		SETOPT(c->curl, CURLOPT_CUSTOMREQUEST, method);
	}
	cc = curl_easy_perform(c->curl);
	if (cc != CURLE_OK) {
		char why[CURL_ERROR_SIZE];

		if (b.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
			rc = ow_err_set(err, OW_ELIMIT, "the server's reply is larger than %d bytes",
					OW_MAX_API_REPLY_BYTES);
			goto out;
		}
		cli_sanitize(c->errbuf[0] ? c->errbuf : curl_easy_strerror(cc), why, sizeof(why));
		rc = ow_err_set(err, OW_EIO, "cannot call %s: %s", c->base, why);
		goto out;
	}
	(void)curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
	if (b.len > 0)
		j = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &jerr);
	if (*status < 200 || *status > 299) {
		rc = refused(*status, j, err);
		goto out;
	}
	if (b.len > 0 && j == NULL) {
		rc = ow_err_set(err, OW_EIO, "the server's reply (HTTP %ld) is not JSON", *status);
		goto out;
	}
	*reply = j;
	j = NULL;
	goto out;

curl_fail:
	rc = ow_err_set(err, OW_EINVAL, "libcurl refused a request setting");
out:
	json_decref(j);
	free(b.data);
	return rc;
}

int api_call(struct api_client *c, const char *method, const char *path_and_query, json_t *body_or_null,
	     long *status, json_t **reply, struct ow_err *err)
{
	char *text = NULL;
	int rc;

	if (body_or_null) {
		text = json_dumps(body_or_null, JSON_COMPACT);
		if (text == NULL)
			return ow_err_set(err, OW_ENOMEM, "out of memory");
	}
	rc = api_call_bytes(c, method, path_and_query, text, text ? strlen(text) : 0, status, reply, err);
	if (text)
		OPENSSL_cleanse(text, strlen(text)); /* may carry a new user's password */
	free(text);
	return rc;
}

/* ---- helpers shared by the verbs --------------------------------------------- */

static int unreserved(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

int api_segment_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 127)
		return 0;
	for (; *s; s++)
		if (!unreserved(*s))
			return 0;
	return strcmp(s - n, ".") != 0 && strcmp(s - n, "..") != 0;
}

int api_query_escape(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (unreserved((char)ch)) {
			if (o + 1 >= len)
				return OW_ELIMIT;
			out[o++] = (char)ch;
		} else {
			if (o + 3 >= len)
				return OW_ELIMIT;
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	if (o >= len)
		return OW_ELIMIT;
	out[o] = '\0';
	return 0;
}

int api_group_id(struct api_client *c, const char *id_or_name, char *out, size_t len,
		 struct ow_err *err)
{
	json_t *reply = NULL, *g;
	const char *found = NULL;
	size_t i, n = strlen(id_or_name) + 1;
	long status;
	int rc;

	if ((rc = api_call(c, "GET", "groups", NULL, &status, &reply, err)) < 0)
		return rc;
	json_array_foreach(json_object_get(reply, "items"), i, g) {
		const char *id = json_string_value(json_object_get(g, "group_id"));
		const char *name = json_string_value(json_object_get(g, "name"));

		if (id && (ow_strncasecmp(id, id_or_name, n) == 0 ||
			   (name && ow_strncasecmp(name, id_or_name, n) == 0))) {
			found = id;
			break;
		}
	}
	if (found == NULL)
		rc = ow_err_set(err, OW_ENOENT, "no computer group '%s'", id_or_name);
	else if (ow_strlcpy(out, found, len) < 0)
		rc = ow_err_set(err, OW_ELIMIT, "group id too long");
	json_decref(reply);
	return rc;
}

const char *api_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

const char *api_group_name(const json_t *items, const char *id)
{
	const json_t *g;
	size_t i;

	if (id == NULL)
		return NULL;
	json_array_foreach(items, i, g) {
		const char *gid = api_str(g, "group_id");

		if (gid && strcmp(gid, id) == 0 && api_str(g, "name"))
			return api_str(g, "name");
	}
	return id;
}

void api_print_json(const json_t *j)
{
	size_t flags = isatty(STDOUT_FILENO) ? JSON_INDENT(2) : JSON_COMPACT;

	if (j == NULL || json_dumpf(j, stdout, flags) < 0) {
		fputs("{}", stdout);
	}
	fputc('\n', stdout);
}
