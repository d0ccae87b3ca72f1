/* SPDX-License-Identifier: MIT */
/* src/auth/: argon2id passwords, Basic credentials, principal names and
 * roles, and the failed-login limiter (sequences, eviction, threads). The
 * argon2 part makes only a handful of interactive-cost hashes. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/basic.h"
#include "auth/password.h"
#include "auth/principal.h"
#include "auth/ratelimit.h"
#include "check.h"

/* ---- passwords ---- */

static const char good_pw[] = "correct horse battery";

static void test_password_round_trip(void)
{
	char h1[AUTH_HASH_MAX], h2[AUTH_HASH_MAX];
	struct ow_err err = { 0 };

	REQUIRE(auth_password_hash(good_pw, h1, &err) == 0);
	CHECK(strncmp(h1, "$argon2id$v=19$m=65536,t=2,p=1$", 31) == 0);
	CHECK(auth_password_verify(h1, good_pw) == 1);
	CHECK(auth_password_verify(h1, "correct horse batterz") == 0);
	CHECK(auth_password_verify(h1, "correct horse battery ") == 0);
	CHECK(auth_password_verify(h1, "") == 0);
	CHECK(auth_password_verify(h1, NULL) == 0);
	CHECK(auth_password_needs_rehash(h1) == 0);

	/* A fresh salt each time: same password, different string. */
	REQUIRE(auth_password_hash(good_pw, h2, &err) == 0);
	CHECK(strcmp(h1, h2) != 0);
	CHECK(auth_password_verify(h2, good_pw) == 1);
}

static void test_password_length(void)
{
	char h[AUTH_HASH_MAX], pw[AUTH_PASSWORD_MAX + 2];
	struct ow_err err = { 0 };

	strcpy(h, "junk");
	CHECK(auth_password_hash("elevenchars", h, &err) == OW_EINVAL);
	CHECK(h[0] == '\0');
	CHECK(err.code == OW_EINVAL && strstr(err.msg, "too short") != NULL);
	CHECK(auth_password_hash("", h, &err) == OW_EINVAL);
	CHECK(auth_password_hash(NULL, h, &err) == OW_EINVAL);
	CHECK(auth_password_hash("elevenchars", h, NULL) == OW_EINVAL);

	memset(pw, 'x', AUTH_PASSWORD_MAX + 1);
	pw[AUTH_PASSWORD_MAX + 1] = '\0';
	CHECK(auth_password_hash(pw, h, &err) == OW_EINVAL);
	CHECK(strstr(err.msg, "too long") != NULL);

	/* Both bounds are inclusive. */
	pw[AUTH_PASSWORD_MAX] = '\0';
	REQUIRE(auth_password_hash(pw, h, &err) == 0);
	CHECK(auth_password_verify(h, pw) == 1);
	pw[AUTH_PASSWORD_MAX] = 'x'; /* one byte more never matches */
	CHECK(auth_password_verify(h, pw) == 0);
	REQUIRE(auth_password_hash("twelve chars", h, &err) == 0);
	CHECK(auth_password_verify(h, "twelve chars") == 1);
}

/* Writes hash with the part at "from" replaced by "to" into out. */
static void edit(const char *hash, const char *from, const char *to, char *out, size_t len)
{
	const char *p = strstr(hash, from);

	out[0] = '\0';
	if (p == NULL)
		return;
	snprintf(out, len, "%.*s%s%s", (int)(p - hash), hash, to, p + strlen(from));
}

static void test_password_malformed(void)
{
	static char cheap[AUTH_HASH_MAX], argon2i[AUTH_HASH_MAX];
	char buf[512], longer[400];
	size_t n;

	/* Cheap hashes made directly, so the test stays quick. */
	REQUIRE(auth_sodium_init() == 0);
	REQUIRE(crypto_pwhash_str_alg(cheap, good_pw, strlen(good_pw), 1, 8192,
				      crypto_pwhash_ALG_ARGON2ID13) == 0);
	REQUIRE(crypto_pwhash_str_alg(argon2i, good_pw, strlen(good_pw), 3, 8192,
				      crypto_pwhash_ALG_ARGON2I13) == 0);
	CHECK(auth_password_verify(cheap, good_pw) == 1);
	CHECK(auth_password_needs_rehash(cheap) == 1); /* weaker than current */
	CHECK(auth_password_verify(argon2i, good_pw) == 0); /* only argon2id */
	CHECK(auth_password_needs_rehash(argon2i) == 1);

	const char *bad[] = {
		"",
		"$",
		"$argon2id$",
		"$argon2id$v=19$",
		"$argon2id$v=19$m=65536,t=2,p=1$",
		"$argon2id$v=19$m=65536,t=2,p=1$$",
		"$argon2id$v=19$m=,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
		"$argon2id$v=19$m=-1,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
		"$argon2id$v=19$m=99999999999,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
		"$argon2id$v=19$m=4294967296,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
		"$argon2id$v=19$m=65536,t=0,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
		"$argon2id$v=19$m=65536,t=2,p=0$c2FsdHNhbHRzYWx0$aGFzaA",
		"$argon2id$v=16$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
		"$2b$12$abcdefghijklmnopqrstuuKZ5Y5C1a0pCqH8F9k3mH2Vw8o5HqDg6",
		"plain text password",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (auth_password_verify(bad[i], good_pw) != 0 || auth_password_needs_rehash(bad[i]) != 1) {
			fprintf(stderr, "  malformed hash %zu accepted: %s\n", i, bad[i]);
			check_failed_now = 1;
		}
	}
	CHECK(auth_password_verify(NULL, good_pw) == 0);
	CHECK(auth_password_needs_rehash(NULL) == 1);

	/* Damaged versions of a real hash. */
	n = strlen(cheap);
	memcpy(buf, cheap, n + 1);
	buf[n - 1] = buf[n - 1] == 'A' ? 'B' : 'A'; /* digest changed */
	CHECK(auth_password_verify(buf, good_pw) == 0);
	memcpy(buf, cheap, n - 1);
	buf[n - 1] = '\0'; /* truncated */
	CHECK(auth_password_verify(buf, good_pw) == 0);
	snprintf(buf, sizeof(buf), "%s$", cheap); /* trailing field */
	CHECK(auth_password_verify(buf, good_pw) == 0);
	/* No NUL within AUTH_HASH_MAX bytes. */
	memset(longer, 'A', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memcpy(longer, cheap, n);
	CHECK(auth_password_verify(longer, good_pw) == 0);
	CHECK(auth_password_needs_rehash(longer) == 1);

	/* Costs beyond the bounds are refused before any work is done: 4 GiB
	 * or 1000 passes would otherwise be attempted. */
	edit(cheap, "m=8,", "m=4194304,", buf, sizeof(buf));
	CHECK(buf[0] != '\0' && auth_password_verify(buf, good_pw) == 0);
	edit(cheap, "t=1,", "t=1000,", buf, sizeof(buf));
	CHECK(buf[0] != '\0' && auth_password_verify(buf, good_pw) == 0);
	/* Changed parameters within the bounds: a different hash, no match. */
	edit(cheap, "t=1,", "t=2,", buf, sizeof(buf));
	CHECK(buf[0] != '\0' && auth_password_verify(buf, good_pw) == 0);
}

/* ---- Basic credentials ---- */

/* Test-side base64 encoder (RFC 4648, with padding). */
static void b64(const void *data, size_t n, char *out)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = digits[v >> 18 & 63];
		out[o++] = digits[v >> 12 & 63];
		out[o++] = i + 1 < n ? digits[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? digits[v & 63] : '=';
	}
	out[o] = '\0';
}

/* "Basic " + base64 of the n bytes at cred. */
static void basic_of(const void *cred, size_t n, char *out)
{
	memcpy(out, "Basic ", 6);
	b64(cred, n, out + 6);
}

static void test_basic_good(void)
{
	char user[AUTH_NAME_MAX + 1], pass[AUTH_PASSWORD_MAX + 1];
	char hdr[2048], cred[AUTH_BASIC_DECODED_MAX + 1];

	b64("user:pass", 9, hdr);
	CHECK_STR(hdr, "dXNlcjpwYXNz"); /* the encoder agrees with RFC 4648 */

	const struct {
		const char *hdr, *user, *pass;
	} rows[] = {
		{ "Basic dXNlcjpwYXNz", "user", "pass" },
		{ "basic  dXNlcjpwYXNz", "user", "pass" },
		{ "BASIC dXNlcjpwYXNz", "user", "pass" },
		{ "bAsIc      dXNlcjpwYXNz", "user", "pass" },
		{ "Basic dXNlcjpwYXM=", "user", "pas" },
		{ "Basic dXNlcjpwYQ==", "user", "pa" },
		{ "Basic YWxpY2U6cGE6c3M6", "alice", "pa:ss:" }, /* first ':' splits */
		{ "Basic YWxpY2U6", "alice", "" },		   /* empty password parses */
		{ "Basic Q09SUFxhbGljZTpwIHc=", "CORP\\alice", "p w" },
		{ "Basic dTpw4oKs", "u", "p\xe2\x82\xac" }, /* UTF-8 in the password */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = auth_basic_parse(rows[i].hdr, user, sizeof(user), pass, sizeof(pass));

		if (rc != 0 || strcmp(user, rows[i].user) != 0 || strcmp(pass, rows[i].pass) != 0) {
			fprintf(stderr, "  row %zu \"%s\": rc %d user \"%s\" pass \"%s\"\n", i,
				rows[i].hdr, rc, user, pass);
			check_failed_now = 1;
		}
	}

	/* The longest credentials accepted: a full name and password. */
	memset(cred, 'p', sizeof(cred));
	memset(cred, 'u', AUTH_NAME_MAX);
	cred[AUTH_NAME_MAX] = ':';
	basic_of(cred, AUTH_BASIC_DECODED_MAX, hdr);
	REQUIRE(auth_basic_parse(hdr, user, sizeof(user), pass, sizeof(pass)) == 0);
	CHECK(strlen(user) == AUTH_NAME_MAX && strlen(pass) == AUTH_PASSWORD_MAX);
}

static void test_basic_bad(void)
{
	char user[AUTH_NAME_MAX + 1], pass[AUTH_PASSWORD_MAX + 1];
	char hdr[4096], cred[AUTH_BASIC_DECODED_MAX + 2];

	const char *rows[] = {
		"",
		"Basic",
		"Basic ",
		"Basic    ",
		"Basicx dXNlcjpwYXNz",
		"Basic\tdXNlcjpwYXNz",
		" Basic dXNlcjpwYXNz",
		"Bearer dXNlcjpwYXNz",
		"Digest dXNlcjpwYXNz",
		"Basic dXNlcjpwYXNz ",	  /* trailing space */
		"Basic dXNlcjpwYXNz\r\n", /* trailing CRLF */
		"Basic dXNlcjpwYXM",	  /* missing padding */
		"Basic dXNlcjpwYQ",	  /* missing padding */
		"Basic dXNlcjpwYQ=",	  /* half padding */
		"Basic dXNlcjpwYXNz=",	  /* padding that is not needed */
		"Basic dXNlcjpwYXNz====", /* a group of padding only */
		"Basic dXNl=jpwYXNz",	  /* '=' inside */
		"Basic dXNlcjpwYXN=",	  /* unused bits set ("user:pas" ends in M) */
		"Basic dXNlcjpwYR==",	  /* unused bits set ("user:pa" ends in Q) */
		"Basic dXNlcjpw*XNz",	  /* not base64 */
		"Basic dXNl cjpwYXNz",	  /* space inside */
		"Basic dXNlcjpwYXNz\x80",
		"Basic dXNlcl9wYXNz",	  /* "user_pass": no ':' */
		"Basic OnBhc3M=",	  /* ":pass": empty user */
		"Basic Og==",		  /* ":" alone */
		"Basic dXNlcjpwYXNz.",
		"Basic dXNlcjpwYXNz-_",	  /* base64url alphabet */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		strcpy(user, "old");
		strcpy(pass, "old");
		if (auth_basic_parse(rows[i], user, sizeof(user), pass, sizeof(pass)) != OW_EINVAL ||
		    user[0] != '\0' || pass[0] != '\0') {
			fprintf(stderr, "  bad row %zu accepted: \"%s\"\n", i, rows[i]);
			check_failed_now = 1;
		}
	}
	CHECK(auth_basic_parse(NULL, user, sizeof(user), pass, sizeof(pass)) == OW_EINVAL);

	/* Bytes the encoding can carry but the parser refuses. */
	basic_of("us\x01r:pass", 10, hdr);
	CHECK(auth_basic_parse(hdr, user, sizeof(user), pass, sizeof(pass)) == OW_EINVAL);
	basic_of("us\x7fr:pass", 10, hdr);
	CHECK(auth_basic_parse(hdr, user, sizeof(user), pass, sizeof(pass)) == OW_EINVAL);
	basic_of("us\0r:pass", 9, hdr);
	CHECK(auth_basic_parse(hdr, user, sizeof(user), pass, sizeof(pass)) == OW_EINVAL);
	basic_of("user:pa\0ss", 10, hdr);
	CHECK(auth_basic_parse(hdr, user, sizeof(user), pass, sizeof(pass)) == OW_EINVAL);
	CHECK(pass[0] == '\0');
	basic_of("user\n:pass", 10, hdr);
	CHECK(auth_basic_parse(hdr, user, sizeof(user), pass, sizeof(pass)) == OW_EINVAL);
	/* Control characters in a password are the user's business. */
	basic_of("user:pa\tss", 10, hdr);
	CHECK(auth_basic_parse(hdr, user, sizeof(user), pass, sizeof(pass)) == 0);

	/* One byte over the decoded cap, and far over it. */
	memset(cred, 'p', sizeof(cred));
	memcpy(cred, "user:", 5);
	basic_of(cred, AUTH_BASIC_DECODED_MAX + 1, hdr);
	CHECK(auth_basic_parse(hdr, user, sizeof(user), pass, sizeof(pass)) == OW_EINVAL);
	memset(hdr, 'A', sizeof(hdr) - 1);
	memcpy(hdr, "Basic ", 6);
	hdr[sizeof(hdr) - 1] = '\0';
	CHECK(auth_basic_parse(hdr, user, sizeof(user), pass, sizeof(pass)) == OW_EINVAL);

	/* Output buffers too small for a part. */
	CHECK(auth_basic_parse("Basic dXNlcjpwYXNz", user, 4, pass, sizeof(pass)) == OW_EINVAL);
	CHECK(auth_basic_parse("Basic dXNlcjpwYXNz", user, 5, pass, 4) == OW_EINVAL);
	CHECK(auth_basic_parse("Basic dXNlcjpwYXNz", user, 5, pass, 5) == 0);
	CHECK(auth_basic_parse("Basic dXNlcjpwYXNz", user, 0, pass, 5) == OW_EINVAL);
}

/* ---- principal names and roles ---- */

static void test_name_normalize(void)
{
	char out[AUTH_NAME_MAX + 1], name[AUTH_NAME_MAX + 2];

	const struct {
		const char *in, *want; /* want NULL: refused */
	} rows[] = {
		{ "alice", "alice" },
		{ "Alice", "alice" },
		{ "ALICE.SMITH", "alice.smith" },
		{ "a", "a" },
		{ "x.y_z-1", "x.y_z-1" },
		{ "CORP\\Alice", "corp\\alice" },
		{ "alice@CORP.EXAMPLE.COM", "alice@corp.example.com" },
		{ "svc-wsus_01@EXAMPLE", "svc-wsus_01@example" },
		{ "", NULL },
		{ "al ice", NULL },
		{ "alice\n", NULL },
		{ "alice\t", NULL },
		{ "a:b", NULL },
		{ "a/b", NULL },
		{ "a$b", NULL },
		{ "a%00", NULL },
		{ "'alice'", NULL },
		{ "\xc3\xa9lodie", NULL }, /* only ASCII */
		{ "a\\b\\c", NULL },	    /* two separators */
		{ "a@b@c", NULL },
		{ "a@b\\c", NULL },
		{ "a\\b@c", NULL },
		{ "\\alice", NULL }, /* empty domain */
		{ "alice\\", NULL }, /* empty name */
		{ "@realm", NULL },
		{ "alice@", NULL },
		{ "\\", NULL },
		{ "@", NULL },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = auth_name_normalize(rows[i].in, out, sizeof(out));

		if (rows[i].want != NULL ? rc != 0 || strcmp(out, rows[i].want) != 0
					 : rc != OW_EINVAL || out[0] != '\0') {
			fprintf(stderr, "  name row %zu \"%s\": rc %d out \"%s\"\n", i, rows[i].in, rc,
				out);
			check_failed_now = 1;
		}
	}

	/* Length: 64 characters pass, 65 do not. */
	memset(name, 'N', AUTH_NAME_MAX);
	name[AUTH_NAME_MAX] = '\0';
	REQUIRE(auth_name_normalize(name, out, sizeof(out)) == 0);
	CHECK(strlen(out) == AUTH_NAME_MAX && out[0] == 'n');
	name[AUTH_NAME_MAX] = 'N';
	name[AUTH_NAME_MAX + 1] = '\0';
	CHECK(auth_name_normalize(name, out, sizeof(out)) == OW_EINVAL);

	/* Buffers: too small is refused; in place works. */
	CHECK(auth_name_normalize("alice", out, 5) == OW_EINVAL);
	CHECK(auth_name_normalize("alice", out, 6) == 0);
	CHECK(auth_name_normalize("alice", out, 0) == OW_EINVAL);
	CHECK(auth_name_normalize(NULL, out, sizeof(out)) == OW_EINVAL);
	strcpy(name, "CORP\\Bob");
	CHECK(auth_name_normalize(name, name, sizeof(name)) == 0);
	CHECK_STR(name, "corp\\bob");
}

static void test_roles(void)
{
	CHECK(auth_role_parse("administrators") == AUTH_ROLE_ADMIN);
	CHECK(auth_role_parse("reporters") == AUTH_ROLE_REPORTER);
	const char *bad[] = { "Administrators", "REPORTERS", "admin", "administrator", "reporter",
			      "administrators ", " reporters", "none", "", "WSUS Administrators" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(auth_role_parse(bad[i]) == OW_EINVAL);
	CHECK(auth_role_parse(NULL) == OW_EINVAL);

	CHECK_STR(auth_role_name(AUTH_ROLE_ADMIN), "administrators");
	CHECK_STR(auth_role_name(AUTH_ROLE_REPORTER), "reporters");
	CHECK_STR(auth_role_name(AUTH_ROLE_NONE), "none");
	CHECK_STR(auth_role_name((enum auth_role)42), "unknown");
	CHECK(auth_role_parse(auth_role_name(AUTH_ROLE_ADMIN)) == AUTH_ROLE_ADMIN);
	CHECK(auth_role_parse(auth_role_name(AUTH_ROLE_REPORTER)) == AUTH_ROLE_REPORTER);
}

/* ---- failed-login limiter ---- */

static void test_limiter_sequence(void)
{
	static const int64_t waits[] = { 2, 4, 8, 16, 32, 64, 128, 256, 512, 900 };
	struct auth_limiter *l = auth_limiter_new();
	int64_t t = 1000;

	REQUIRE(l != NULL);
	CHECK(auth_limiter_check(l, "user:alice", t) == 0);
	CHECK(auth_limiter_count(l) == 0); /* checking adds nothing */

	/* Five free failures, all at once. */
	for (int i = 0; i < AUTH_LIMIT_FREE; i++) {
		auth_limiter_fail(l, "user:alice", t);
		CHECK(auth_limiter_check(l, "user:alice", t) == 0);
	}
	/* Then 2^(n-5) s, counted from each failure, capped at 900 s. */
	for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		auth_limiter_fail(l, "user:alice", t);
		if (auth_limiter_check(l, "user:alice", t) != waits[i] ||
		    auth_limiter_check(l, "user:alice", t + 1) != waits[i] - 1 ||
		    auth_limiter_check(l, "user:alice", t + waits[i] - 1) != 1 ||
		    auth_limiter_check(l, "user:alice", t + waits[i]) != 0) {
			fprintf(stderr, "  failure %zu: want %lld, got %lld\n", i + 6,
				(long long)waits[i], (long long)auth_limiter_check(l, "user:alice", t));
			check_failed_now = 1;
		}
		t += waits[i];
	}
	/* Failing again before the window passes stays at the cap. The loop
	 * above waited 900 s after the 15th failure, which is a full window:
	 * that one is tested in test_limiter_window. */
	t -= 1;
	auth_limiter_fail(l, "user:alice", t);
	CHECK(auth_limiter_check(l, "user:alice", t) == AUTH_LIMIT_MAX_BLOCK);
	auth_limiter_fail(l, "user:alice", t + 1);
	CHECK(auth_limiter_check(l, "user:alice", t + 1) == AUTH_LIMIT_MAX_BLOCK);
	CHECK(auth_limiter_count(l) == 1);
	/* A clock that steps back never yields more than the cap. */
	CHECK(auth_limiter_check(l, "user:alice", 0) == AUTH_LIMIT_MAX_BLOCK);
	auth_limiter_free(l);
}

static void test_limiter_window(void)
{
	struct auth_limiter *l = auth_limiter_new();

	REQUIRE(l != NULL);
	/* Failures 899 s apart stay in one window: the sixth blocks. */
	for (int i = 0; i < 6; i++)
		auth_limiter_fail(l, "k1", (int64_t)i * 899);
	CHECK(auth_limiter_check(l, "k1", 5 * 899) == 2);

	/* A 900 s gap starts again at one. */
	for (int i = 0; i < 5; i++)
		auth_limiter_fail(l, "k2", 0);
	auth_limiter_fail(l, "k2", AUTH_LIMIT_WINDOW);
	CHECK(auth_limiter_check(l, "k2", AUTH_LIMIT_WINDOW) == 0);
	for (int i = 0; i < 4; i++)
		auth_limiter_fail(l, "k2", AUTH_LIMIT_WINDOW);
	CHECK(auth_limiter_check(l, "k2", AUTH_LIMIT_WINDOW) == 0); /* five so far */
	auth_limiter_fail(l, "k2", AUTH_LIMIT_WINDOW);
	CHECK(auth_limiter_check(l, "k2", AUTH_LIMIT_WINDOW) == 2);

	/* Waiting out a capped block long enough also resets the count. */
	for (int i = 0; i < 20; i++)
		auth_limiter_fail(l, "k3", 100);
	CHECK(auth_limiter_check(l, "k3", 100) == AUTH_LIMIT_MAX_BLOCK);
	auth_limiter_fail(l, "k3", 100 + AUTH_LIMIT_WINDOW);
	CHECK(auth_limiter_check(l, "k3", 100 + AUTH_LIMIT_WINDOW) == 0);
	auth_limiter_free(l);
}

static void test_limiter_success_and_keys(void)
{
	struct auth_limiter *l = auth_limiter_new();
	char long1[300], long2[300], edge[AUTH_LIMIT_KEY_MAX + 2];

	REQUIRE(l != NULL);
	for (int i = 0; i < 7; i++)
		auth_limiter_fail(l, "user:alice", 50);
	CHECK(auth_limiter_check(l, "user:alice", 50) == 4);

	/* Independent keys. */
	CHECK(auth_limiter_check(l, "user:bob", 50) == 0);
	CHECK(auth_limiter_check(l, "addr:192.0.2.7", 50) == 0);
	CHECK(auth_limiter_check(l, "user:alic", 50) == 0);
	CHECK(auth_limiter_check(l, "user:alice ", 50) == 0);
	CHECK(auth_limiter_check(l, "", 50) == 0);
	for (int i = 0; i < 6; i++)
		auth_limiter_fail(l, "addr:192.0.2.7", 50);
	CHECK(auth_limiter_check(l, "addr:192.0.2.7", 50) == 2);
	CHECK(auth_limiter_check(l, "user:alice", 50) == 4);
	CHECK(auth_limiter_count(l) == 2);

	/* Success forgets the key: the next failures are free again. */
	auth_limiter_success(l, "user:alice");
	CHECK(auth_limiter_check(l, "user:alice", 50) == 0);
	CHECK(auth_limiter_count(l) == 1);
	for (int i = 0; i < AUTH_LIMIT_FREE; i++)
		auth_limiter_fail(l, "user:alice", 51);
	CHECK(auth_limiter_check(l, "user:alice", 51) == 0);
	auth_limiter_fail(l, "user:alice", 51);
	CHECK(auth_limiter_check(l, "user:alice", 51) == 2);
	CHECK(auth_limiter_check(l, "addr:192.0.2.7", 50) == 2); /* untouched */
	auth_limiter_success(l, "user:nobody");			 /* unknown: no-op */
	CHECK(auth_limiter_count(l) == 2);

	/* Keys longer than AUTH_LIMIT_KEY_MAX stay distinct from each other
	 * and from every short key. */
	memset(long1, 'k', sizeof(long1) - 1);
	long1[sizeof(long1) - 1] = '\0';
	memcpy(long2, long1, sizeof(long1));
	long2[sizeof(long2) - 2] = 'j';
	for (int i = 0; i < 6; i++)
		auth_limiter_fail(l, long1, 60);
	CHECK(auth_limiter_check(l, long1, 60) == 2);
	CHECK(auth_limiter_check(l, long2, 60) == 0);
	memset(edge, 'k', sizeof(edge) - 1);
	edge[sizeof(edge) - 1] = '\0'; /* AUTH_LIMIT_KEY_MAX + 1 */
	CHECK(auth_limiter_check(l, edge, 60) == 0);
	edge[AUTH_LIMIT_KEY_MAX] = '\0'; /* exactly the maximum */
	for (int i = 0; i < 6; i++)
		auth_limiter_fail(l, edge, 60);
	CHECK(auth_limiter_check(l, edge, 60) == 2);
	edge[AUTH_LIMIT_KEY_MAX - 1] = '\0';
	CHECK(auth_limiter_check(l, edge, 60) == 0);
	auth_limiter_success(l, long1);
	CHECK(auth_limiter_check(l, long1, 60) == 0);

	/* NULL arguments are harmless. */
	CHECK(auth_limiter_check(NULL, "k", 0) == 0);
	CHECK(auth_limiter_check(l, NULL, 0) == 0);
	auth_limiter_fail(NULL, "k", 0);
	auth_limiter_fail(l, NULL, 0);
	auth_limiter_success(l, NULL);
	auth_limiter_free(NULL);
	auth_limiter_free(l);
}

static void test_limiter_eviction(void)
{
	struct auth_limiter *l = auth_limiter_new();
	char key[64];
	int bad = 0;

	REQUIRE(l != NULL);
	/* "hot" is checked often during the flood and must stay; "cold" is
	 * touched only at the start and must be the first to go. */
	for (int i = 0; i < 6; i++) {
		auth_limiter_fail(l, "user:cold", 10);
		auth_limiter_fail(l, "user:hot", 10);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "addr:198.51.100.%d/%d", i % 256, i);
		auth_limiter_fail(l, key, 10);
		if (i % 1000 == 0)
			bad += auth_limiter_check(l, "user:hot", 10) != 2;
		if (auth_limiter_count(l) > AUTH_LIMIT_SLOTS)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(auth_limiter_count(l) == AUTH_LIMIT_SLOTS);
	CHECK(auth_limiter_check(l, "user:hot", 10) == 2);
	CHECK(auth_limiter_check(l, "user:cold", 10) == 0);
	/* The oldest flood keys are gone, the newest remembered. */
	CHECK(auth_limiter_check(l, "addr:198.51.100.0/0", 10) == 0);

	/* The full table still counts: 5 more failures on the newest key. */
	for (int i = 0; i < 5; i++)
		auth_limiter_fail(l, "addr:198.51.100.135/4999", 10);
	CHECK(auth_limiter_check(l, "addr:198.51.100.135/4999", 10) == 2);
	/* And a forgotten key starts from one. */
	for (int i = 0; i < 5; i++)
		auth_limiter_fail(l, "user:cold", 11);
	CHECK(auth_limiter_check(l, "user:cold", 11) == 0);
	auth_limiter_fail(l, "user:cold", 11);
	CHECK(auth_limiter_check(l, "user:cold", 11) == 2);
	CHECK(auth_limiter_count(l) == AUTH_LIMIT_SLOTS);

	/* Success frees a slot, which the next new key takes. */
	auth_limiter_success(l, "user:cold");
	CHECK(auth_limiter_count(l) == AUTH_LIMIT_SLOTS - 1);
	auth_limiter_fail(l, "user:new", 12);
	CHECK(auth_limiter_count(l) == AUTH_LIMIT_SLOTS);
	CHECK(auth_limiter_check(l, "user:hot", 10) == 2);
	auth_limiter_free(l);
}

#define THREAD_ROUNDS 20000

struct worker {
	struct auth_limiter *l;
	int id;
	int bad;
};

/* Mixes every call on a shared key, a private key and a stream of keys
 * large enough to keep the table evicting. */
static void *hammer(void *arg)
{
	struct worker *w = arg;
	char own[32], churn[48];

	snprintf(own, sizeof(own), "user:thread%d", w->id);
	for (int i = 0; i < THREAD_ROUNDS; i++) {
		int64_t now = 1000 + i / 100;

		auth_limiter_fail(w->l, "user:shared", now);
		auth_limiter_fail(w->l, own, now);
		snprintf(churn, sizeof(churn), "addr:%d-%d", w->id, i);
		auth_limiter_fail(w->l, churn, now);
		if (auth_limiter_check(w->l, churn, now) != 0)
			w->bad++;
		if (i % 7 == 0)
			auth_limiter_success(w->l, churn);
		if (auth_limiter_check(w->l, "user:shared", now) < 0 ||
		    auth_limiter_count(w->l) > AUTH_LIMIT_SLOTS)
			w->bad++;
	}
	return NULL;
}

static void test_limiter_threads(void)
{
	struct auth_limiter *l = auth_limiter_new();
	struct worker w[2] = { { l, 0, 0 }, { l, 1, 0 } };
	pthread_t t[2];

	REQUIRE(l != NULL);
	REQUIRE(pthread_create(&t[0], NULL, hammer, &w[0]) == 0);
	REQUIRE(pthread_create(&t[1], NULL, hammer, &w[1]) == 0);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	CHECK(w[0].bad == 0 && w[1].bad == 0);
	/* Full, but for the churn keys each thread forgot last. */
	CHECK(auth_limiter_count(l) >= AUTH_LIMIT_SLOTS - 2);
	/* Both threads' failures on the shared key add up to the cap. */
	CHECK(auth_limiter_check(l, "user:shared", 1000 + THREAD_ROUNDS / 100 - 1) ==
	      AUTH_LIMIT_MAX_BLOCK);
	auth_limiter_free(l);
}

int main(void)
{
	RUN(test_password_round_trip);
	RUN(test_password_length);
	RUN(test_password_malformed);
	RUN(test_basic_good);
	RUN(test_basic_bad);
	RUN(test_name_normalize);
	RUN(test_roles);
	RUN(test_limiter_sequence);
	RUN(test_limiter_window);
	RUN(test_limiter_success_and_keys);
	RUN(test_limiter_eviction);
	RUN(test_limiter_threads);
	return check_done();
}
