/* SPDX-License-Identifier: MIT */
/*
 * Content names, digests, import and verify. Names: the one grammar that
 * maps a request path to a file, attacked with traversal, encoding and
 * length tricks. Import and verify run in a fresh mkdtemp directory with
 * files whose digests are published test vectors (FIPS 180 "abc", the
 * empty string, a million 'a's).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "content/import.h"
#include "content/name.h"
#include "crypto/digest.h"

#define ABC_SHA1 "A9993E364706816ABA3E25717850C26C9CD0D89D"
#define ABC_SHA256 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY_SHA1 "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define MILLION_A_SHA1 "34AA973CD4C4DAA4F61EEB2BDBAD27316534016F"
#define MILLION_A_SHA256 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

#define GOOD "AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe"
#define GOOD_SHA1 "2F88DF42DA48AA980FB748D13BAA2DE49CD154AB"

/* ---- names ---- */

static int parse(const char *s, struct content_name *out)
{
	return content_name_parse(s, strlen(s), out);
}

static void test_name_good(void)
{
	struct content_name n;
	char rel[CONTENT_RELPATH_MAX + 1];

	REQUIRE(parse(GOOD, &n) == 0);
	CHECK_STR(n.dir, "AB");
	CHECK_STR(n.sha1, GOOD_SHA1);
	CHECK_STR(n.ext, "exe");
	REQUIRE(content_name_relpath(&n, rel, sizeof(rel)) == 0);
	CHECK_STR(rel, GOOD);

	/* Either case in, one case out. */
	REQUIRE(parse("ab/2f88df42da48aa980fb748d13baa2de49cd154ab.EXE", &n) == 0);
	CHECK_STR(n.dir, "AB");
	CHECK_STR(n.sha1, GOOD_SHA1);
	CHECK_STR(n.ext, "exe");
	REQUIRE(parse("aB/2f88DF42da48aa980fb748d13baa2de49cd154Ab.Cab", &n) == 0);
	CHECK_STR(n.sha1, GOOD_SHA1);
	CHECK_STR(n.ext, "cab");

	/* Extensions of 1 and OW_MAX_CONTENT_EXT characters, digits too. */
	REQUIRE(parse("AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.7", &n) == 0);
	CHECK_STR(n.ext, "7");
	REQUIRE(parse("AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.abcdEF12", &n) == 0);
	CHECK_STR(n.ext, "abcdef12");
	REQUIRE(content_name_relpath(&n, rel, sizeof(rel)) == 0);
	CHECK(strlen(rel) == CONTENT_RELPATH_MAX);
}

static void test_name_bad(void)
{
	static const char *const bad[] = {
		"",
		"AB",
		"AB/",
		/* Directory is not the last two digits. */
		"AC/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		"2F/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		"BA/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		/* 39 and 41 hex digits. */
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154A.exe",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD1540AB.exe",
		"AB/02F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		/* Not hex. */
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AG.exe",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD15 AB.exe",
		"GB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		/* Traversal and encodings. */
		"../2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		"AB/../../../../../../../../../../../etc/passwd.exe",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe/..",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB/.exe",
		"AB/..2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB..exe",
		"%41B/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		"AB%2F2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB%2eexe",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.%2e",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.e%78e",
		"AB\\2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.ex\\",
		"/AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		"AB//2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe/",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.ex/",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe?x=1",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe ",
		" AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe.exe",
		/* Extension: none, empty, too long, not alphanumeric. */
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.abcdefghi",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.tar-gz",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.ex_e",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.\xc3\xa9xe",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.ex\xff",
	};
	struct content_name n, untouched;

	memset(&n, 0x5a, sizeof(n));
	untouched = n;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &n) != OW_EINVAL) {
			fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
			CHECK(0);
		}
	}
	CHECK(memcmp(&n, &untouched, sizeof(n)) == 0);
}

/* The parser takes a length: a NUL inside it is a bad byte, not an end. */
static void test_name_nul(void)
{
	static const char nul_ext[] = "AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.e\0e";
	static const char nul_end[] = "AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe\0";
	static const char nul_hex[] = "AB/2F88DF42DA48AA980FB748D13BAA2DE49\0D154AB.exe";
	struct content_name n;

	CHECK(content_name_parse(nul_ext, sizeof(nul_ext) - 1, &n) == OW_EINVAL);
	CHECK(content_name_parse(nul_end, sizeof(nul_end) - 1, &n) == OW_EINVAL);
	CHECK(content_name_parse(nul_hex, sizeof(nul_hex) - 1, &n) == OW_EINVAL);
	/* Only len bytes are read: a shorter len is a shorter name. */
	REQUIRE(content_name_parse(GOOD "xyz", strlen(GOOD), &n) == 0);
	CHECK_STR(n.ext, "exe");
	CHECK(content_name_parse(GOOD, strlen(GOOD) - 4, &n) == OW_EINVAL);
}

static void test_name_from_digest(void)
{
	static const unsigned char abc[20] = {
		0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
		0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d,
	};
	struct content_name n;
	char rel[CONTENT_RELPATH_MAX + 1];

	REQUIRE(content_name_from_digest(abc, "CAB", &n) == 0);
	CHECK_STR(n.dir, "9D");
	CHECK_STR(n.sha1, ABC_SHA1);
	CHECK_STR(n.ext, "cab");
	REQUIRE(content_name_relpath(&n, rel, sizeof(rel)) == 0);
	CHECK_STR(rel, "9D/" ABC_SHA1 ".cab");

	CHECK(content_name_from_digest(abc, "", &n) == OW_EINVAL);
	CHECK(content_name_from_digest(abc, "abcdefghi", &n) == OW_EINVAL);
	CHECK(content_name_from_digest(abc, "a.b", &n) == OW_EINVAL);
	CHECK(content_name_from_digest(abc, "../x", &n) == OW_EINVAL);
	CHECK(content_name_from_digest(abc, "abcdefgh", &n) == 0);
}

static void test_name_relpath_guard(void)
{
	struct content_name n;
	char rel[CONTENT_RELPATH_MAX + 1];

	REQUIRE(parse(GOOD, &n) == 0);
	CHECK(content_name_relpath(&n, rel, strlen(GOOD)) == OW_ELIMIT);
	CHECK(content_name_relpath(&n, rel, strlen(GOOD) + 1) == 0);

	/* A hand-made or damaged struct never becomes a path. */
	n.sha1[5] = '/';
	CHECK(content_name_relpath(&n, rel, sizeof(rel)) == OW_EINVAL);
	REQUIRE(parse(GOOD, &n) == 0);
	n.dir[0] = 'C';
	CHECK(content_name_relpath(&n, rel, sizeof(rel)) == OW_EINVAL);
	REQUIRE(parse(GOOD, &n) == 0);
	n.sha1[0] = 'f';
	CHECK(content_name_relpath(&n, rel, sizeof(rel)) == OW_EINVAL);
	REQUIRE(parse(GOOD, &n) == 0);
	strcpy(n.ext, "..");
	CHECK(content_name_relpath(&n, rel, sizeof(rel)) == OW_EINVAL);
	n.ext[0] = '\0';
	CHECK(content_name_relpath(&n, rel, sizeof(rel)) == OW_EINVAL);
	REQUIRE(parse(GOOD, &n) == 0);
	memset(n.ext, 'a', sizeof(n.ext));	/* no NUL */
	CHECK(content_name_relpath(&n, rel, sizeof(rel)) == OW_EINVAL);
}

/* ---- digests ---- */

static void test_digest_pair(void)
{
	struct digest_pair d;
	unsigned char s1[20], s256[32];
	char hex[65];

	REQUIRE(digest_pair_init(&d) == 0);
	CHECK(digest_pair_update(&d, "a", 1) == 0);
	CHECK(digest_pair_update(&d, "", 0) == 0);
	CHECK(digest_pair_update(&d, "bc", 2) == 0);
	CHECK(digest_pair_final(&d, s1, s256) == 0);
	digest_pair_release(&d);
	digest_pair_release(&d);
	digest_hex(s1, 20, hex, 1);
	CHECK_STR(hex, ABC_SHA1);
	digest_hex(s256, 32, hex, 0);
	CHECK_STR(hex, ABC_SHA256);

	REQUIRE(digest_pair_init(&d) == 0);
	CHECK(digest_pair_final(&d, s1, s256) == 0);
	digest_pair_release(&d);
	digest_hex(s1, 20, hex, 1);
	CHECK_STR(hex, EMPTY_SHA1);
	digest_hex(s256, 32, hex, 0);
	CHECK_STR(hex, EMPTY_SHA256);

	digest_hex((const unsigned char *)"\x00\xff\x0a", 3, hex, 0);
	CHECK_STR(hex, "00ff0a");
	digest_hex((const unsigned char *)"\x00\xff\x0a", 3, hex, 1);
	CHECK_STR(hex, "00FF0A");
	digest_hex((const unsigned char *)"", 0, hex, 1);
	CHECK_STR(hex, "");
}

/* ---- import and verify, in a scratch directory ---- */

static char scratch[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void scratch_new(void)
{
	const char *tmp = getenv("TMPDIR");
	char buf[96];

	snprintf(scratch, sizeof(scratch), "%s/ow-content.XXXXXX",
		 tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (mkdtemp(scratch) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(buf, sizeof(buf), "%s/content", scratch);
	if (mkdir(buf, 0755) < 0) {
		perror("mkdir");
		exit(2);
	}
}

static void scratch_free(void)
{
	(void)nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* scratch/rel in one of 8 rotating buffers: valid for the next 7 calls,
 * so long-lived paths (the content directory) are copied out. */
static const char *at(const char *rel)
{
	static char buf[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", scratch, rel);
	return buf[i];
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Entries in dir other than . and .., or -1 if it cannot be read. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return (mode_t)-1;
	return st.st_mode & 07777;
}

static void body_import(void)
{
	struct content_info info;
	struct ow_err err = { 0, "" };
	char cdir[256];
	const char *stored;

	snprintf(cdir, sizeof(cdir), "%s", at("content"));
	REQUIRE(write_file(at("KB123.CAB"), "abc", 3) == 0);
	REQUIRE(content_import(cdir, at("KB123.CAB"), &info, &err) == 0);
	CHECK_STR(info.name.sha1, ABC_SHA1);
	CHECK_STR(info.name.dir, "9D");
	CHECK_STR(info.name.ext, "cab");
	CHECK_STR(info.sha256_hex, ABC_SHA256);
	CHECK(info.size == 3);
	CHECK(info.existed == 0);

	stored = at("content/9D/" ABC_SHA1 ".cab");
	CHECK(mode_of(stored) == 0644);
	CHECK(mode_of(at("content/9D")) == 0755);
	CHECK(mode_of(at("content/.tmp")) == 0700);
	CHECK(count_entries(at("content/.tmp")) == 0);
	CHECK(count_entries(at("content/9D")) == 1);
	CHECK(count_entries(cdir) == 2);	/* .tmp and 9D */

	/* Twice is a no-op. */
	memset(&info, 0, sizeof(info));
	REQUIRE(content_import(cdir, at("KB123.CAB"), &info, &err) == 0);
	CHECK(info.existed == 1);
	CHECK_STR(info.name.sha1, ABC_SHA1);
	CHECK_STR(info.sha256_hex, ABC_SHA256);
	CHECK(info.size == 3);
	CHECK(count_entries(at("content/.tmp")) == 0);
	CHECK(count_entries(at("content/9D")) == 1);

	/* Same bytes under another extension are another name. */
	REQUIRE(write_file(at("abc.msu"), "abc", 3) == 0);
	REQUIRE(content_import(cdir, at("abc.msu"), &info, &err) == 0);
	CHECK(info.existed == 0);
	CHECK(count_entries(at("content/9D")) == 2);

	/* The empty file. */
	REQUIRE(write_file(at("empty.psf"), "", 0) == 0);
	REQUIRE(content_import(cdir, at("empty.psf"), &info, &err) == 0);
	CHECK_STR(info.name.sha1, EMPTY_SHA1);
	CHECK_STR(info.sha256_hex, EMPTY_SHA256);
	CHECK(info.size == 0);
	CHECK(mode_of(at("content/09/" EMPTY_SHA1 ".psf")) == 0644);
}

/* A file larger than one read chunk. */
static void body_import_large(void)
{
	struct content_info info;
	struct ow_err err = { 0, "" };
	char *big = malloc(1000000);
	int rc;

	REQUIRE(big != NULL);
	memset(big, 'a', 1000000);
	rc = write_file(at("million.exe"), big, 1000000);
	free(big);
	REQUIRE(rc == 0);
	REQUIRE(content_import(at("content"), at("million.exe"), &info, &err) == 0);
	CHECK_STR(info.name.sha1, MILLION_A_SHA1);
	CHECK_STR(info.sha256_hex, MILLION_A_SHA256);
	CHECK(info.size == 1000000);
	/* Re-hashes the stored copy: the bytes arrived intact. */
	CHECK(content_verify(at("content"), &info.name, MILLION_A_SHA256, &err) == 0);
}

static void body_import_ext(void)
{
	static const struct {
		const char *file, *ext;
	} cases[] = {
		{ "README", "bin" },
		{ "windows10.0-kb5031356-x64.msu", "msu" },
		{ "archive.tar.GZ", "gz" },
		{ "trailing.", "bin" },
		{ "odd.x-y", "bin" },
		{ "odd.ext_", "bin" },
		{ "long.abcdefghi", "bin" },
		{ "eight.abcdefgh", "abcdefgh" },
		{ "dot.d/noext", "bin" },
	};
	struct content_info info;
	struct ow_err err = { 0, "" };

	REQUIRE(mkdir(at("dot.d"), 0755) == 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		REQUIRE(write_file(at(cases[i].file), "abc", 3) == 0);
		REQUIRE(content_import(at("content"), at(cases[i].file), &info,
				       &err) == 0);
		if (strcmp(info.name.ext, cases[i].ext) != 0) {
			fprintf(stderr, "  %s: ext %s, want %s\n", cases[i].file,
				info.name.ext, cases[i].ext);
			CHECK(0);
		}
	}
}

static void body_import_refuses(void)
{
	struct content_info info;
	struct ow_err err = { 0, "" };
	char cdir[256];

	snprintf(cdir, sizeof(cdir), "%s", at("content"));
	REQUIRE(mkdir(at("adir.cab"), 0755) == 0);
	CHECK(content_import(cdir, at("adir.cab"), &info, &err) == OW_EIO);
	CHECK(strstr(err.msg, "not a regular file") != NULL);
	CHECK(content_import(cdir, "/dev/null", &info, &err) == OW_EIO);
	REQUIRE(mkfifo(at("fifo"), 0600) == 0);
	/* Must return at once, not wait for a writer. */
	CHECK(content_import(cdir, at("fifo"), &info, &err) == OW_EIO);
	CHECK(content_import(cdir, at("missing.cab"), &info, &err) == OW_ENOENT);
	CHECK(count_entries(cdir) <= 1);	/* at most an empty .tmp */
	CHECK(count_entries(at("content/.tmp")) <= 0);

	/* The content directory must exist. */
	REQUIRE(write_file(at("abc.cab"), "abc", 3) == 0);
	CHECK(content_import(at("nowhere"), at("abc.cab"), &info, &err) < 0);

	/* A damaged file already under the name: refused, nothing changed. */
	REQUIRE(mkdir(at("content/9D"), 0755) == 0 || errno == EEXIST);
	REQUIRE(write_file(at("content/9D/" ABC_SHA1 ".cab"), "abcd", 4) == 0);
	CHECK(content_import(cdir, at("abc.cab"), &info, &err) == OW_EEXIST);
	CHECK(count_entries(at("content/.tmp")) == 0);
	CHECK(count_entries(at("content/9D")) == 1);
}

static void body_verify(void)
{
	struct content_info info;
	struct content_name other;
	struct ow_err err = { 0, "" };
	char cdir[256];
	const char *stored;
	int fd;

	snprintf(cdir, sizeof(cdir), "%s", at("content"));
	REQUIRE(write_file(at("abc.cab"), "abc", 3) == 0);
	REQUIRE(content_import(cdir, at("abc.cab"), &info, &err) == 0);
	CHECK(content_verify(cdir, &info.name, NULL, &err) == 0);
	CHECK(content_verify(cdir, &info.name, ABC_SHA256, &err) == 0);
	CHECK(content_verify(cdir, &info.name,
			     "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
			     &err) == 0);
	CHECK(content_verify(cdir, &info.name, EMPTY_SHA256, &err) == OW_EINVAL);
	CHECK(strstr(err.msg, "SHA-256") != NULL);
	CHECK(content_verify(cdir, &info.name, "ba7816bf", &err) == OW_EINVAL);
	CHECK(content_verify(cdir, &info.name, ABC_SHA256 "00", &err) == OW_EINVAL);
	CHECK(content_verify(cdir, &info.name,
			     "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			     &err) == OW_EINVAL);

	/* Absent. */
	REQUIRE(parse(GOOD, &other) == 0);
	CHECK(content_verify(cdir, &other, NULL, &err) == OW_ENOENT);

	/* Corrupted in place, same size. */
	stored = at("content/9D/" ABC_SHA1 ".cab");
	fd = open(stored, O_WRONLY);
	REQUIRE(fd >= 0);
	CHECK(pwrite(fd, "x", 1, 1) == 1);
	close(fd);
	CHECK(content_verify(cdir, &info.name, NULL, &err) == OW_EINVAL);
	CHECK(strstr(err.msg, "SHA-1") != NULL);
	CHECK(content_verify(cdir, &info.name, ABC_SHA256, &err) == OW_EINVAL);
}

/* Each import test gets a fresh scratch directory, removed even when a
 * REQUIRE ends the body early. */
#define SCRATCH_TEST(name, body)                                           \
	static void name(void)                                             \
	{                                                                  \
		scratch_new();                                             \
		body();                                                    \
		scratch_free();                                            \
	}

SCRATCH_TEST(test_import, body_import)
SCRATCH_TEST(test_import_large, body_import_large)
SCRATCH_TEST(test_import_ext, body_import_ext)
SCRATCH_TEST(test_import_refuses, body_import_refuses)
SCRATCH_TEST(test_verify, body_verify)

int main(void)
{
	RUN(test_name_good);
	RUN(test_name_bad);
	RUN(test_name_nul);
	RUN(test_name_from_digest);
	RUN(test_name_relpath_guard);
	RUN(test_digest_pair);
	RUN(test_import);
	RUN(test_import_large);
	RUN(test_import_ext);
	RUN(test_import_refuses);
	RUN(test_verify);
	return check_done();
}
