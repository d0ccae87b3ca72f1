/* SPDX-License-Identifier: MIT */
/* Detached CMS signatures: sign, verify against a trusted-publishers
 * directory, and every way verification must refuse. Keys and
 * certificates are made at run time with the openssl tool. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "crypto/cms.h"

static char dir[64];

static int sh(const char *fmt, ...) OW_PRINTF(1, 2);

static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

/* A CA, a code-signing publisher it signs, a TLS server certificate it
 * signs, and a second unrelated CA. */
static int make_pki(void)
{
	return sh("cd %s && mkdir trust other empty && "
		  "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 5 "
		  " -subj '/CN=Test Publisher CA' -keyout ca.key -out trust/ca.pem "
		  " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign >/dev/null 2>&1 && "
		  "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 5 "
		  " -subj '/CN=Other CA' -keyout other.key -out other/ca.pem >/dev/null 2>&1 && "
		  "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/O=Example/CN=Example Publisher' "
		  " -keyout pub.key -out pub.csr >/dev/null 2>&1 && "
		  "printf 'extendedKeyUsage=codeSigning\\n' > cs.ext && "
		  "openssl x509 -req -in pub.csr -CA trust/ca.pem -CAkey ca.key -days 4 -extfile cs.ext -out pub.pem >/dev/null 2>&1 && "
		  "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=tls.example.test' "
		  " -keyout tls.key -out tls.csr >/dev/null 2>&1 && "
		  "printf 'extendedKeyUsage=serverAuth\\n' > sa.ext && "
		  "openssl x509 -req -in tls.csr -CA trust/ca.pem -CAkey ca.key -days 4 -extfile sa.ext -out tls.pem >/dev/null 2>&1",
		  dir);
}

static const char doc[] = "<upd:Update>the exact bytes of a document</upd:Update>";

static void test_sign_and_verify(void)
{
	char cert[128], key[128], trust[128], signer[256] = "";
	unsigned char *der = NULL;
	size_t der_len = 0;
	struct ow_err err = { 0 };

	path(cert, sizeof(cert), "pub.pem");
	path(key, sizeof(key), "pub.key");
	path(trust, sizeof(trust), "trust");
	REQUIRE(cms_sign_detached(doc, sizeof(doc) - 1, cert, key, &der, &der_len, &err) == 0);
	CHECK(der_len > 100);
	CHECK(cms_verify_detached(doc, sizeof(doc) - 1, der, der_len, trust, signer, sizeof(signer),
				  &err) == 0);
	CHECK(strstr(signer, "CN=Example Publisher") != NULL);

	/* One changed byte in the document. */
	{
		char bad[sizeof(doc)];

		memcpy(bad, doc, sizeof(doc));
		bad[5] ^= 1;
		CHECK(cms_verify_detached(bad, sizeof(bad) - 1, der, der_len, trust, NULL, 0, &err) ==
		      OW_EPERM);
	}
	/* A trust store without the publisher's CA, and an empty one. */
	path(trust, sizeof(trust), "other");
	CHECK(cms_verify_detached(doc, sizeof(doc) - 1, der, der_len, trust, NULL, 0, &err) == OW_EPERM);
	path(trust, sizeof(trust), "empty");
	CHECK(cms_verify_detached(doc, sizeof(doc) - 1, der, der_len, trust, NULL, 0, &err) == OW_EPERM);
	CHECK(strstr(err.msg, "no trusted publisher") != NULL);
	/* Garbage and a truncated signature. */
	path(trust, sizeof(trust), "trust");
	CHECK(cms_verify_detached(doc, sizeof(doc) - 1, (const unsigned char *)"junk", 4, trust, NULL,
				  0, &err) == OW_EINVAL);
	CHECK(cms_verify_detached(doc, sizeof(doc) - 1, der, der_len - 10, trust, NULL, 0, &err) < 0);
	free(der);
}

static void test_refuses_non_code_signing(void)
{
	char cert[128], key[128], trust[128];
	unsigned char *der = NULL;
	size_t der_len = 0;
	struct ow_err err = { 0 };

	path(cert, sizeof(cert), "tls.pem");
	path(key, sizeof(key), "tls.key");
	path(trust, sizeof(trust), "trust");
	REQUIRE(cms_sign_detached(doc, sizeof(doc) - 1, cert, key, &der, &der_len, &err) == 0);
	CHECK(cms_verify_detached(doc, sizeof(doc) - 1, der, der_len, trust, NULL, 0, &err) == OW_EPERM);
	CHECK(strstr(err.msg, "code signing") != NULL);
	free(der);
}

static void test_sign_refuses_mismatched_key(void)
{
	char cert[128], key[128];
	unsigned char *der = NULL;
	size_t der_len = 0;
	struct ow_err err = { 0 };

	path(cert, sizeof(cert), "pub.pem");
	path(key, sizeof(key), "tls.key");
	CHECK(cms_sign_detached(doc, sizeof(doc) - 1, cert, key, &der, &der_len, &err) == OW_EINVAL);
	CHECK(der == NULL);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/openwsus-cms.XXXXXX");
	if (mkdtemp(dir) == NULL || make_pki() != 0) {
		printf("FAIL setup (openssl tool)\n");
		return 1;
	}
	RUN(test_sign_and_verify);
	RUN(test_refuses_non_code_signing);
	RUN(test_sign_refuses_mismatched_key);
	sh("rm -rf %s", dir);
	return check_done();
}
