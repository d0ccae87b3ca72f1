/* SPDX-License-Identifier: MIT */
/*
 * Update revision documents: the nine real documents of the WSUS sync
 * capture (a bundle, leaves with files, categories), the spec-derived
 * sample, then hand-made variants of a minimal document that break one
 * rule each and must be refused with a message naming the fault.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "catalog/updoc.h"
#include "check.h"

#define DOCS "../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-wsusss/docs/"
#define SPEC "../shared/fixtures/wsus-rs/crates/wsus-protocol/tests/fixtures/"

/* Parses a fixture file into *u; 0 on success. */
static int parse_file(const char *path, struct updoc *u)
{
	struct ow_err err = { 0, "" };
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (ow_read_file(path, 1 << 20, &data, &len, &err) != 0) {
		fprintf(stderr, "  %s: %s\n", path, err.msg);
		return -1;
	}
	rc = updoc_parse(data, len, u, &err);
	if (rc != 0)
		fprintf(stderr, "  %s: %s\n", path, err.msg);
	free(data);
	return rc;
}

static int is_lower_guid(const char *s)
{
	char tmp[37];

	if (updoc_guid_normalize(s, tmp) != 0)
		return 0;
	return strcmp(tmp, s) == 0;
}

/* ---- the real documents ---- */

static const struct {
	const char *file;
	const char *id;
	int revision;
	enum updoc_type type;
	const char *type_name;
	size_t nprereqs, nbundled, nsuperseded, nfiles;
	const char *title;
} docs[] = {
	{ "1f9bd9bb-7390-4aa3-bbdb-ded99fac2583-r200.xml",
	  "1f9bd9bb-7390-4aa3-bbdb-ded99fac2583", 200, UPDOC_SOFTWARE, "Software",
	  2, 24, 0, 0,
	  "HIDDEN: Defender Engine 1.1.26080.3 for EngineBroad (Installer 1.1.24010.2001-Q)" },
	{ "266f6222-c89d-43f2-9f8a-69340271e677-r200.xml",
	  "266f6222-c89d-43f2-9f8a-69340271e677", 200, UPDOC_SOFTWARE, "Software",
	  4, 0, 0, 1,
	  "Full Deltas 1.459.547.0 for Defender amd64fre [Ring0, Ring1, Ring2, Ring3, Ring4, Broad, Delayed]" },
	{ "56309036-4c77-4dd9-951a-99ee9c246a94-r101.xml",
	  "56309036-4c77-4dd9-951a-99ee9c246a94", 101, UPDOC_CATEGORY, "Category",
	  0, 0, 0, 0, "Microsoft" },
	{ "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d-r100.xml",
	  "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d", 100, UPDOC_CATEGORY, "Category",
	  1, 0, 0, 0, "Windows" },
	{ "7366a74a-ef29-44e1-b738-570b516aca1f-r200.xml",
	  "7366a74a-ef29-44e1-b738-570b516aca1f", 200, UPDOC_SOFTWARE, "Software",
	  4, 0, 0, 1,
	  "Full Deltas 1.459.539.0 for Defender amd64fre [Ring0, Ring1, Ring2, Ring3, Ring4, Broad, Delayed]" },
	/* BundledUpdates: four AtLeastOne groups of 7, 7, 7 and 103
	 * UpdateIdentity elements, 124 in all (counted in the file). */
	{ "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.xml",
	  "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe", 200, UPDOC_SOFTWARE, "Software",
	  4, 124, 10, 0, NULL },
	{ "ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200.xml",
	  "ccb78947-6453-4ecc-9de8-bc0305c98f2d", 200, UPDOC_SOFTWARE, "Software",
	  2, 4, 0, 0,
	  "HIDDEN: Defender MpSigStub 1.1.24010.2001 for EngineBroad (Installer 1.1.24010.2001-Q)" },
	{ "dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202.xml",
	  "dd78b8a1-0b20-45c1-add6-4da72e9364cf", 202, UPDOC_CATEGORY, "Category",
	  1, 0, 0, 0, "OOBE ZDP" },
	{ "ff36f0b5-dded-4780-8664-cd78af8b62c1-r200.xml",
	  "ff36f0b5-dded-4780-8664-cd78af8b62c1", 200, UPDOC_SOFTWARE, "Software",
	  4, 0, 0, 1, "AM Engine 1.1.26080.3 for Defender amd64fre Broad" },
};

static void test_all_fixtures(void)
{
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct updoc u;
		char path[512];

		snprintf(path, sizeof(path), DOCS "%s", docs[i].file);
		if (parse_file(path, &u) != 0) {
			CHECK(0);
			continue;
		}
		CHECK_STR(u.id, docs[i].id);
		CHECK(u.revision == docs[i].revision);
		CHECK(u.type == docs[i].type);
		CHECK_STR(u.type_name, docs[i].type_name);
		CHECK(u.nprereqs == docs[i].nprereqs);
		CHECK(u.nbundled == docs[i].nbundled);
		CHECK(u.nsuperseded == docs[i].nsuperseded);
		CHECK(u.nfiles == docs[i].nfiles);
		if (docs[i].title)
			CHECK_STR(u.title, docs[i].title);
		CHECK_STR(u.publication_state, "Published");
		CHECK(strlen(u.creation_date) == 24);
		/* Related ids are lower-case GUIDs whatever the document wrote. */
		for (size_t k = 0; k < u.nprereqs; k++)
			CHECK(is_lower_guid(u.prereqs[k].id));
		for (size_t k = 0; k < u.nbundled; k++)
			CHECK(is_lower_guid(u.bundled[k].id));
		for (size_t k = 0; k < u.nsuperseded; k++)
			CHECK(is_lower_guid(u.superseded[k].id));
		CHECK(u.explicitly_deployable == (u.type == UPDOC_SOFTWARE));
		CHECK(u.removable == 0);
		updoc_release(&u);
		CHECK(u.prereqs == NULL && u.nprereqs == 0 && u.id[0] == '\0');
	}
}

static void test_bundle(void)
{
	struct updoc u;
	int groups[5] = { 0 };

	REQUIRE(parse_file(DOCS "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.xml", &u) == 0);
	CHECK_STR(u.kb, "2267602");
	CHECK(strncmp(u.title, "Security Intelligence Update for Microsoft Defender "
		      "Antivirus - KB2267602", 72) == 0);
	CHECK_STR(u.title, "Security Intelligence Update for Microsoft Defender "
		  "Antivirus - KB2267602 (Version 1.459.547.0) - Current Channel (Broad)");
	CHECK(u.explicitly_deployable == 1);
	CHECK_STR(u.handler, "");
	CHECK_STR(u.msrc_severity, "");
	CHECK_STR(u.category_type, "");

	/* Two required prerequisites, then two category groups of one. */
	REQUIRE(u.nprereqs == 4);
	CHECK_STR(u.prereqs[0].id, "be4048db-157c-4532-9582-7f05099590c9");
	CHECK(u.prereqs[0].group == 0 && u.prereqs[0].is_category == 0);
	CHECK(u.prereqs[0].revision == -1);
	CHECK_STR(u.prereqs[1].id, "0aac58ee-82a0-4452-a7fa-19f68398f1fa");
	CHECK(u.prereqs[1].group == 0 && u.prereqs[1].is_category == 0);
	CHECK_STR(u.prereqs[2].id, "e0789628-ce08-4437-be74-2495b842f43b");
	CHECK(u.prereqs[2].group == 1 && u.prereqs[2].is_category == 1);
	CHECK_STR(u.prereqs[3].id, "8c3fcc84-7410-4a95-8b89-a166a0190486");
	CHECK(u.prereqs[3].group == 2 && u.prereqs[3].is_category == 1);

	REQUIRE(u.nsuperseded == 10);
	CHECK_STR(u.superseded[0].id, "ce84983e-b20e-44d7-a412-1fd91fc7bda8");
	CHECK_STR(u.superseded[9].id, "bb663b81-45db-43cb-8bfa-33411e0d8a1f");
	for (size_t i = 0; i < u.nsuperseded; i++)
		CHECK(u.superseded[i].group == 0 && u.superseded[i].revision == -1);

	REQUIRE(u.nbundled == 124);
	for (size_t i = 0; i < u.nbundled; i++) {
		CHECK(u.bundled[i].group >= 1 && u.bundled[i].group <= 4);
		CHECK(u.bundled[i].is_category == 0);
		CHECK(u.bundled[i].revision == 200);
		if (u.bundled[i].group >= 1 && u.bundled[i].group <= 4)
			groups[u.bundled[i].group]++;
	}
	CHECK(groups[1] == 7 && groups[2] == 7 && groups[3] == 7 && groups[4] == 103);
	updoc_release(&u);
	updoc_release(&u);      /* twice is harmless */
}

static void test_leaf_file(void)
{
	struct updoc u;

	REQUIRE(parse_file(DOCS "266f6222-c89d-43f2-9f8a-69340271e677-r200.xml", &u) == 0);
	REQUIRE(u.nfiles == 1);
	CHECK_STR(u.files[0].name, "AM_Delta.exe");
	CHECK(u.files[0].size == 11606440);
	/* base64 "h/W9BGlYUAaqXTp30cZi/SiV3c0=" */
	CHECK_STR(u.files[0].sha1_hex, "87F5BD0469585006AA5D3A77D1C662FD2895DDCD");
	/* base64 "Amt0qymy5KsROiwIXm4QIIV75Ju4r+Cl28Pg8gaLXUA=" */
	CHECK_STR(u.files[0].sha256_hex,
		  "026B74AB29B2E4AB113A2C085E6E1020857BE49BB8AFE0A5DBC3E0F2068B5D40");
	CHECK_STR(u.files[0].modified, "2026-10-04T09:39:26Z");
	CHECK_STR(u.files[0].origin, "");
	CHECK_STR(u.handler,
		  "http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation");
	CHECK_STR(u.creation_date, "2026-10-04T12:00:58.287Z");
	REQUIRE(u.nprereqs == 4);
	CHECK(u.prereqs[2].group == 0);
	CHECK(u.prereqs[3].group == 1 && u.prereqs[3].is_category == 0);
	CHECK(u.explicitly_deployable == 1);
	updoc_release(&u);
}

static void test_categories(void)
{
	struct updoc u;

	/* The document writes the id in upper case. */
	REQUIRE(parse_file(DOCS "56309036-4c77-4dd9-951a-99ee9c246a94-r101.xml", &u) == 0);
	CHECK_STR(u.id, "56309036-4c77-4dd9-951a-99ee9c246a94");
	CHECK(u.type == UPDOC_CATEGORY);
	CHECK_STR(u.category_type, "Company");
	CHECK_STR(u.title, "Microsoft");
	CHECK(u.explicitly_deployable == 0);
	CHECK_STR(u.handler, "http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category");
	updoc_release(&u);

	REQUIRE(parse_file(DOCS "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d-r100.xml", &u) == 0);
	CHECK_STR(u.id, "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d");
	CHECK_STR(u.category_type, "ProductFamily");
	updoc_release(&u);

	REQUIRE(parse_file(DOCS "dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202.xml", &u) == 0);
	CHECK(u.type == UPDOC_CATEGORY);
	CHECK_STR(u.category_type, "Product");
	CHECK(u.explicitly_deployable == 0);
	REQUIRE(u.nprereqs == 1);
	CHECK_STR(u.prereqs[0].id, "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d");
	CHECK(u.prereqs[0].group == 1 && u.prereqs[0].is_category == 1);
	CHECK(u.prereqs[0].revision == -1);
	updoc_release(&u);
}

/* Default namespace, whitespace, future elements, AtLeastOne in every
 * list, the digest in element text. */
static void test_spec_sample(void)
{
	struct updoc u;

	REQUIRE(parse_file(SPEC "metadata_update_core.xml", &u) == 0);
	CHECK_STR(u.id, "11111111-1111-4111-8111-111111111111");
	CHECK(u.revision == 204);
	CHECK(u.type == UPDOC_SOFTWARE);
	REQUIRE(u.nprereqs == 3);
	CHECK(u.prereqs[0].group == 0);
	CHECK(u.prereqs[1].group == 1 && u.prereqs[1].is_category == 1);
	CHECK(u.prereqs[2].group == 1 && u.prereqs[2].is_category == 1);
	REQUIRE(u.nbundled == 3);
	CHECK(u.bundled[0].group == 0 && u.bundled[0].revision == 1);
	CHECK(u.bundled[1].group == 1 && u.bundled[1].revision == 2);
	CHECK(u.bundled[2].group == 1 && u.bundled[2].revision == 3);
	REQUIRE(u.nsuperseded == 1);
	CHECK_STR(u.superseded[0].id, "88888888-8888-4888-8888-888888888888");
	REQUIRE(u.nfiles == 1);
	CHECK_STR(u.files[0].name, "update.cab");
	CHECK(u.files[0].size == 1234);
	CHECK_STR(u.files[0].sha1_hex, "000102030405060708090A0B0C0D0E0F10111213");
	CHECK_STR(u.files[0].sha256_hex,
		  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
	CHECK_STR(u.title, "");
	updoc_release(&u);
}

/* ---- hand-made documents ---- */

#define NS "xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\""
#define HEAD "<upd:Update " NS ">"
#define IDENT "<upd:UpdateIdentity UpdateID=\"AAAAAAAA-bbbb-4ccc-8ddd-EEEEEEEEEEEE\" RevisionNumber=\"7\"/>"
#define PROPS "<upd:Properties UpdateType=\"Software\"/>"
#define TAIL "</upd:Update>"

static int parse_str(const char *s, struct updoc *u, struct ow_err *err)
{
	return updoc_parse(s, strlen(s), u, err);
}

/* Must fail with OW_EINVAL (or code) and a message containing want;
 * *u must be left zeroed. */
static int refused(const char *s, int code, const char *want)
{
	struct ow_err err = { 0, "" };
	struct updoc u, zero;
	int rc;

	memset(&u, 0x5a, sizeof(u));
	memset(&zero, 0, sizeof(zero));
	rc = parse_str(s, &u, &err);
	if (rc != code || strstr(err.msg, want) == NULL ||
	    memcmp(&u, &zero, sizeof(u)) != 0) {
		fprintf(stderr, "  rc %d (want %d), \"%s\" (want \"%s\")\n", rc, code,
			err.msg, want);
		if (rc == 0)
			updoc_release(&u);
		return 0;
	}
	return 1;
}

static void test_minimal(void)
{
	struct ow_err err = { 0, "" };
	struct updoc u;

	REQUIRE(parse_str(HEAD IDENT PROPS TAIL, &u, &err) == 0);
	CHECK_STR(u.id, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
	CHECK(u.revision == 7);
	CHECK(u.nprereqs == 0 && u.prereqs == NULL && u.nfiles == 0);
	CHECK_STR(u.title, "");
	CHECK_STR(u.kb, "");
	updoc_release(&u);

	/* UpdateType absent: the schema's default, Software. */
	REQUIRE(parse_str(HEAD IDENT "<upd:Properties/>" TAIL, &u, &err) == 0);
	CHECK(u.type == UPDOC_SOFTWARE);
	CHECK_STR(u.type_name, "Software");
	CHECK(u.explicitly_deployable == 1);
	updoc_release(&u);
}

static void test_properties(void)
{
	struct ow_err err = { 0, "" };
	struct updoc u;

	REQUIRE(parse_str(HEAD IDENT
			  "<upd:Properties UpdateType=\"Driver\" MsrcSeverity=\"Critical\" "
			  "ExplicitlyDeployable=\"false\" PublicationState=\"Expired\">"
			  "<upd:UninstallationBehavior/><upd:KBArticleID>\n 5034441 \n"
			  "</upd:KBArticleID></upd:Properties>" TAIL, &u, &err) == 0);
	CHECK(u.type == UPDOC_DRIVER);
	CHECK_STR(u.msrc_severity, "Critical");
	CHECK(u.explicitly_deployable == 0);
	CHECK(u.removable == 1);
	CHECK_STR(u.kb, "5034441");
	CHECK_STR(u.publication_state, "Expired");
	updoc_release(&u);

	REQUIRE(parse_str(HEAD IDENT "<upd:Properties UpdateType=\"Detectoid\"/>" TAIL,
			  &u, &err) == 0);
	CHECK(u.type == UPDOC_DETECTOID);
	CHECK(u.explicitly_deployable == 0);
	updoc_release(&u);

	REQUIRE(parse_str(HEAD IDENT "<upd:Properties UpdateType=\"Category\" "
			  "ExplicitlyDeployable=\"1\"/>" TAIL, &u, &err) == 0);
	CHECK(u.type == UPDOC_CATEGORY);
	CHECK(u.explicitly_deployable == 1);
	CHECK_STR(u.category_type, "");
	updoc_release(&u);

	REQUIRE(parse_str(HEAD IDENT "<upd:Properties UpdateType=\"FutureThing\"/>" TAIL,
			  &u, &err) == 0);
	CHECK(u.type == UPDOC_OTHER);
	CHECK_STR(u.type_name, "FutureThing");
	CHECK(u.explicitly_deployable == 0);
	updoc_release(&u);

	CHECK(refused(HEAD IDENT "<upd:Properties ExplicitlyDeployable=\"yes\"/>" TAIL,
		      OW_EINVAL, "ExplicitlyDeployable 'yes' is not a boolean"));
	CHECK(refused(HEAD IDENT "<upd:Properties UpdateType=\"ThisTypeNameIsFarTooLongForTheField\"/>" TAIL,
		      OW_EINVAL, "Properties UpdateType is longer than 31 bytes"));
	CHECK(refused(HEAD IDENT "<upd:Properties><upd:KBArticleID>"
		      "123456789012345678901234567890123</upd:KBArticleID></upd:Properties>" TAIL,
		      OW_EINVAL, "KBArticleID is longer than 31 bytes"));
	CHECK(refused(HEAD IDENT TAIL, OW_EINVAL, "no upd:Properties"));
}

static void test_long_fields(void)
{
	char handler[300], doc[1024];
	struct ow_err err = { 0, "" };
	struct updoc u;

	/* 255 bytes fit the Handler field, 256 do not. */
	memset(handler, 'h', 255);
	handler[255] = '\0';
	snprintf(doc, sizeof(doc), HEAD IDENT "<upd:Properties Handler=\"%s\"/>" TAIL,
		 handler);
	REQUIRE(parse_str(doc, &u, &err) == 0);
	CHECK(strlen(u.handler) == 255);
	updoc_release(&u);
	snprintf(doc, sizeof(doc), HEAD IDENT "<upd:Properties Handler=\"%sh\"/>" TAIL,
		 handler);
	CHECK(refused(doc, OW_EINVAL, "Properties Handler is longer than 255 bytes"));
}

static void test_title(void)
{
	char doc[2048], title[600];
	struct ow_err err = { 0, "" };
	struct updoc u;

#define LP(lang, t) "<upd:LocalizedProperties><upd:Language>" lang \
	"</upd:Language><upd:Title>" t "</upd:Title></upd:LocalizedProperties>"

	REQUIRE(parse_str(HEAD IDENT "<upd:Properties DefaultPropertiesLanguage=\"de\"/>"
			  "<upd:LocalizedPropertiesCollection>" LP("fr", "F") LP("en", "E")
			  LP("de", "D") "</upd:LocalizedPropertiesCollection>" TAIL,
			  &u, &err) == 0);
	CHECK_STR(u.title, "D");
	updoc_release(&u);
	REQUIRE(parse_str(HEAD IDENT "<upd:Properties DefaultPropertiesLanguage=\"ja\"/>"
			  "<upd:LocalizedPropertiesCollection>" LP("fr", "F") LP("en", "E")
			  "</upd:LocalizedPropertiesCollection>" TAIL, &u, &err) == 0);
	CHECK_STR(u.title, "E");
	updoc_release(&u);
	REQUIRE(parse_str(HEAD IDENT PROPS "<upd:LocalizedPropertiesCollection>"
			  LP("fr", " F &amp; G ") LP("de", "D")
			  "</upd:LocalizedPropertiesCollection>" TAIL, &u, &err) == 0);
	CHECK_STR(u.title, "F & G");
	updoc_release(&u);

	/* 511 bytes fit; 510 ASCII + a 2-byte character is cut before it. */
	memset(title, 't', 511);
	title[511] = '\0';
	snprintf(doc, sizeof(doc), HEAD IDENT PROPS "<upd:LocalizedPropertiesCollection>"
		 LP("en", "%s") "</upd:LocalizedPropertiesCollection>" TAIL, title);
	REQUIRE(parse_str(doc, &u, &err) == 0);
	CHECK(strlen(u.title) == 511);
	updoc_release(&u);
	/* Plain ASCII past the field is cut to 511 bytes. */
	memset(title, 'u', 599);
	title[599] = '\0';
	snprintf(doc, sizeof(doc), HEAD IDENT PROPS "<upd:LocalizedPropertiesCollection>"
		 LP("en", "%s") "</upd:LocalizedPropertiesCollection>" TAIL, title);
	REQUIRE(parse_str(doc, &u, &err) == 0);
	CHECK(strlen(u.title) == 511 && u.title[510] == 'u');
	updoc_release(&u);
	memset(title, 't', 510);
	memcpy(title + 510, "\xC3\xA9", 3);
	snprintf(doc, sizeof(doc), HEAD IDENT PROPS "<upd:LocalizedPropertiesCollection>"
		 LP("en", "%s") "</upd:LocalizedPropertiesCollection>" TAIL, title);
	REQUIRE(parse_str(doc, &u, &err) == 0);
	CHECK(strlen(u.title) == 510);
	CHECK(u.title[509] == 't');
	updoc_release(&u);
	/* A 3-byte character across the cut. */
	memcpy(title + 509, "\xE2\x82\xAC", 4);
	snprintf(doc, sizeof(doc), HEAD IDENT PROPS "<upd:LocalizedPropertiesCollection>"
		 LP("en", "%s") "</upd:LocalizedPropertiesCollection>" TAIL, title);
	REQUIRE(parse_str(doc, &u, &err) == 0);
	CHECK(strlen(u.title) == 509);
	updoc_release(&u);
#undef LP
}

#define FILE_ELEM "<upd:File FileName=\"a.cab\" Size=\"10\" "
#define FILE_OPEN "<upd:Files>" FILE_ELEM
#define SHA1_OK "h/W9BGlYUAaqXTp30cZi/SiV3c0="
#define SHA256_OK "Amt0qymy5KsROiwIXm4QIIV75Ju4r+Cl28Pg8gaLXUA="

static void test_files(void)
{
	struct ow_err err = { 0, "" };
	struct updoc u;

	/* Another main digest algorithm: no SHA-1 for the caller. */
	REQUIRE(parse_str(HEAD IDENT PROPS FILE_OPEN "Digest=\"" SHA256_OK "\" "
			  "DigestAlgorithm=\"SHA256\" OriginUri=\"http://example.invalid/a.cab\"/>"
			  FILE_ELEM "Digest=\"" SHA1_OK "\"/></upd:Files>" TAIL,
			  &u, &err) == 0);
	REQUIRE(u.nfiles == 2);
	CHECK_STR(u.files[0].sha1_hex, "");
	CHECK_STR(u.files[0].sha256_hex, "");
	CHECK_STR(u.files[0].origin, "http://example.invalid/a.cab");
	/* DigestAlgorithm absent: SHA-1. */
	CHECK_STR(u.files[1].sha1_hex, "87F5BD0469585006AA5D3A77D1C662FD2895DDCD");
	CHECK(u.files[1].size == 10);
	CHECK_STR(u.files[1].modified, "");
	updoc_release(&u);

	CHECK(refused(HEAD IDENT PROPS FILE_OPEN "Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0\" "
		      "DigestAlgorithm=\"SHA1\"/></upd:Files>" TAIL, OW_EINVAL,
		      "File 'a.cab' Digest 'h/W9BGlYUAaqXTp30cZi/SiV3c0' is not base64"));
	CHECK(refused(HEAD IDENT PROPS FILE_OPEN "Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0*\" "
		      "DigestAlgorithm=\"SHA1\"/></upd:Files>" TAIL, OW_EINVAL, "is not base64"));
	/* Non-canonical: the unused low bits of the last symbol are set. */
	CHECK(refused(HEAD IDENT PROPS FILE_OPEN "Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c1=\" "
		      "DigestAlgorithm=\"SHA1\"/></upd:Files>" TAIL, OW_EINVAL, "is not base64"));
	CHECK(refused(HEAD IDENT PROPS FILE_OPEN "Digest=\" " SHA1_OK "\" "
		      "DigestAlgorithm=\"SHA1\"/></upd:Files>" TAIL, OW_EINVAL, "is not base64"));
	/* Wrong length: a SHA-256 where a SHA-1 belongs, and the reverse. */
	CHECK(refused(HEAD IDENT PROPS FILE_OPEN "Digest=\"" SHA256_OK "\" "
		      "DigestAlgorithm=\"SHA1\"/></upd:Files>" TAIL, OW_EINVAL,
		      "not base64 of a 20-byte SHA-1"));
	CHECK(refused(HEAD IDENT PROPS FILE_OPEN "Digest=\"AAECAwQFBgcICQoLDA0ODxAREg==\" "
		      "DigestAlgorithm=\"SHA1\"/></upd:Files>" TAIL, OW_EINVAL,
		      "not base64 of a 20-byte SHA-1"));
	CHECK(refused(HEAD IDENT PROPS FILE_OPEN "Digest=\"AAECAwQFBgcICQoLDA0ODxAREhMU\" "
		      "DigestAlgorithm=\"SHA1\"/></upd:Files>" TAIL, OW_EINVAL,
		      "not base64 of a 20-byte SHA-1"));
	CHECK(refused(HEAD IDENT PROPS FILE_OPEN "Digest=\"" SHA1_OK "\">"
		      "<upd:AdditionalDigest Algorithm=\"SHA256\">" SHA1_OK
		      "</upd:AdditionalDigest></upd:File></upd:Files>" TAIL, OW_EINVAL,
		      "AdditionalDigest '" SHA1_OK "' is not base64 of a 32-byte SHA-256"));
	CHECK(refused(HEAD IDENT PROPS FILE_OPEN "Digest=\"" SHA1_OK "\">"
		      "<upd:AdditionalDigest Algorithm=\"SHA256\">" SHA256_OK "</upd:AdditionalDigest>"
		      "<upd:AdditionalDigest Algorithm=\"SHA256\">" SHA256_OK "</upd:AdditionalDigest>"
		      "</upd:File></upd:Files>" TAIL, OW_EINVAL, "more than one SHA256"));
	CHECK(refused(HEAD IDENT PROPS "<upd:Files><upd:File Size=\"1\"/></upd:Files>" TAIL,
		      OW_EINVAL, "File has no FileName"));
	CHECK(refused(HEAD IDENT PROPS "<upd:Files><upd:File FileName=\"x\"/></upd:Files>" TAIL,
		      OW_EINVAL, "File 'x' has no Size"));
	CHECK(refused(HEAD IDENT PROPS "<upd:Files><upd:File FileName=\"x\" Size=\"-1\"/>"
		      "</upd:Files>" TAIL, OW_EINVAL, "Size '-1' is not a number"));
	CHECK(refused(HEAD IDENT PROPS "<upd:Files><upd:File FileName=\"x\" "
		      "Size=\"99999999999999999999\"/></upd:Files>" TAIL, OW_EINVAL,
		      "is not a number"));
}

static void test_refused(void)
{
	/* Root. */
	CHECK(refused("<Update/>", OW_EINVAL,
		      "root element 'Update' (namespace '') is not upd:Update"));
	CHECK(refused("<upd:Update xmlns:upd=\"urn:wrong\"/>", OW_EINVAL,
		      "root element 'Update' (namespace 'urn:wrong') is not upd:Update"));
	CHECK(refused("<upd:Updates " NS "/>", OW_EINVAL, "'Updates' (namespace "
		      "'http://schemas.microsoft.com/msus/2002/12/Update') is not"));
	CHECK(refused("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"/>",
		      OW_EINVAL, "is not upd:Update"));
	/* Identity. */
	CHECK(refused(HEAD PROPS TAIL, OW_EINVAL, "no upd:UpdateIdentity"));
	CHECK(refused(HEAD IDENT IDENT PROPS TAIL, OW_EINVAL, "more than one upd:UpdateIdentity"));
	CHECK(refused(HEAD "<upd:UpdateIdentity RevisionNumber=\"1\"/>" PROPS TAIL,
		      OW_EINVAL, "UpdateIdentity has no UpdateID"));
	CHECK(refused(HEAD "<upd:UpdateIdentity UpdateID=\"xyz\" RevisionNumber=\"1\"/>" PROPS TAIL,
		      OW_EINVAL, "UpdateIdentity UpdateID 'xyz' is not a GUID"));
	CHECK(refused(HEAD "<upd:UpdateIdentity UpdateID=\"{aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee}\" "
		      "RevisionNumber=\"1\"/>" PROPS TAIL, OW_EINVAL, "is not a GUID"));
	CHECK(refused(HEAD "<upd:UpdateIdentity UpdateID=\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeeg\" "
		      "RevisionNumber=\"1\"/>" PROPS TAIL, OW_EINVAL, "is not a GUID"));
	CHECK(refused(HEAD "<upd:UpdateIdentity UpdateID=\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\"/>"
		      PROPS TAIL, OW_EINVAL, "UpdateIdentity has no RevisionNumber"));
	CHECK(refused(HEAD "<upd:UpdateIdentity UpdateID=\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\" "
		      "RevisionNumber=\"-1\"/>" PROPS TAIL, OW_EINVAL,
		      "RevisionNumber '-1' is not a number in 0..2147483647"));
	CHECK(refused(HEAD "<upd:UpdateIdentity UpdateID=\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\" "
		      "RevisionNumber=\"2147483648\"/>" PROPS TAIL, OW_EINVAL, "RevisionNumber"));
	CHECK(refused(HEAD "<upd:UpdateIdentity UpdateID=\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\" "
		      "RevisionNumber=\"1x\"/>" PROPS TAIL, OW_EINVAL, "RevisionNumber '1x'"));
	/* Related identities. */
	CHECK(refused(HEAD IDENT PROPS "<upd:Relationships><upd:Prerequisites>"
		      "<upd:AtLeastOne><upd:UpdateIdentity UpdateID=\"nope\"/></upd:AtLeastOne>"
		      "</upd:Prerequisites></upd:Relationships>" TAIL, OW_EINVAL,
		      "Prerequisites UpdateIdentity UpdateID 'nope' is not a GUID"));
	CHECK(refused(HEAD IDENT PROPS "<upd:Relationships><upd:BundledUpdates>"
		      "<upd:UpdateIdentity UpdateID=\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\" "
		      "RevisionNumber=\"x\"/></upd:BundledUpdates></upd:Relationships>" TAIL,
		      OW_EINVAL, "BundledUpdates UpdateIdentity RevisionNumber 'x'"));
	CHECK(refused(HEAD IDENT PROPS "<upd:Relationships><upd:Prerequisites>"
		      "<upd:AtLeastOne IsCategory=\"maybe\"/></upd:Prerequisites>"
		      "</upd:Relationships>" TAIL, OW_EINVAL, "IsCategory 'maybe'"));
	/* Values in messages are cleaned and cut. */
	CHECK(refused(HEAD "<upd:UpdateIdentity UpdateID=\"a&#10;b\" RevisionNumber=\"1\"/>"
		      PROPS TAIL, OW_EINVAL, "'a?b' is not a GUID"));
	/* The XML rules hold. */
	CHECK(refused("<!DOCTYPE upd:Update [<!ENTITY x \"y\">]>" HEAD IDENT PROPS TAIL,
		      OW_EINVAL, "DOCTYPE is not allowed"));
	CHECK(refused(HEAD IDENT PROPS, OW_EINVAL, "no element found"));
	CHECK(refused("", OW_EINVAL, "no element found"));
}

static void test_guid(void)
{
	char out[37];

	CHECK(updoc_guid_normalize("56309036-4C77-4DD9-951A-99EE9C246A94", out) == 0);
	CHECK_STR(out, "56309036-4c77-4dd9-951a-99ee9c246a94");
	CHECK(updoc_guid_normalize("00000000-0000-0000-0000-000000000000", out) == 0);
	CHECK(updoc_guid_normalize("56309036-4C77-4DD9-951A-99EE9C246A9", out) == OW_EINVAL);
	CHECK_STR(out, "");
	CHECK(updoc_guid_normalize("56309036-4C77-4DD9-951A-99EE9C246A944", out) == OW_EINVAL);
	CHECK(updoc_guid_normalize("563090364C77-4DD9-951A-99EE9C246A94-", out) == OW_EINVAL);
	CHECK(updoc_guid_normalize("56309036-4C77-4DD9-951A 99EE9C246A94", out) == OW_EINVAL);
	CHECK(updoc_guid_normalize("5630903g-4C77-4DD9-951A-99EE9C246A94", out) == OW_EINVAL);
	CHECK(updoc_guid_normalize("", out) == OW_EINVAL);
}

int main(void)
{
	RUN(test_all_fixtures);
	RUN(test_bundle);
	RUN(test_leaf_file);
	RUN(test_categories);
	RUN(test_spec_sample);
	RUN(test_minimal);
	RUN(test_properties);
	RUN(test_long_fields);
	RUN(test_title);
	RUN(test_files);
	RUN(test_refused);
	RUN(test_guid);
	return check_done();
}
