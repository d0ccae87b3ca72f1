/* SPDX-License-Identifier: MIT */
/*
 * gencat: writes a synthetic catalog of upd:Update revision documents for
 * the scan benchmarks, in the shape `openwsus update import` reads (the
 * fixtures in ../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-wsusss/docs/
 * are the model): one company, product families and products chained by
 * AtLeastOne IsCategory prerequisites, update classifications, detectoids,
 * one servicing stack per product that the product's other updates need,
 * software updates with detectoid prerequisites (some as AtLeastOne
 * groups), product and classification categories, supersedence, one file
 * each (digests only: the files need not exist for a scan), and bundles
 * whose children carry the files. The output is a pure function of the
 * seed and the count, so two runs give the same bytes.
 *
 *   gencat --out DIR [--count N] [--seed S]
 *
 * DIR/docs/NNNNN.xml in import order (categories, detectoids and stacks
 * first, bundle children before their bundle) and DIR/ids.tsv, one line
 * per software update: UPDATEID KIND PRODUCT, KIND one of stack, update,
 * bundle, child. Exit 0, 1 on an I/O error, 2 on a usage error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Catalog shape. Non-leaf revisions (what a client reports installed)
 * are the categories, detectoids and stacks: 1 + 2 + 8 + 6 + 32 + 8 = 57,
 * well under the 400 a SyncUpdates may carry. */
#define N_FAMILIES 2
#define N_PRODUCTS 8            /* products of family p % N_FAMILIES */
#define N_CLASSES 6
#define N_DETECT_PER_PRODUCT 4
#define N_FIXED (1 + N_FAMILIES + N_PRODUCTS + N_CLASSES + N_PRODUCTS * N_DETECT_PER_PRODUCT + \
		 N_PRODUCTS)
#define BUNDLE_EVERY 50         /* one update in 50 is a bundle ... */
#define BUNDLE_CHILDREN 3       /* ... of this many children */

/* Bounds on the command line: the count fits the server's revision ids
 * and one directory of files; a document is at most DOC_MAX bytes. */
#define MIN_COUNT (N_FIXED + 10)
#define MAX_COUNT 1000000
#define DOC_MAX 16384
#define PATH_MAX_LEN 4096

_Static_assert(N_FIXED < MIN_COUNT, "the fixed part leaves room for updates");

#define NS_DECL "xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\" " \
	"xmlns:bar=\"http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules\" " \
	"xmlns:lar=\"http://schemas.microsoft.com/msus/2002/12/LogicalApplicabilityRules\""
#define NS_CAT "http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category"
#define NS_CMD "http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define PUBLISHER "0c3cbb54-1a2b-4c5d-9e8f-0be7c4000001"

static const char *const class_names[N_CLASSES] = {
	"Security Updates", "Critical Updates", "Updates", "Definition Updates",
	"Feature Packs", "Update Rollups",
};
static const char *const severities[] = { "Critical", "Important", "Moderate", "Low" };
static const char *const archs[N_DETECT_PER_PRODUCT] = { "x64", "x86", "arm64", "server" };

/* ---- deterministic randomness (splitmix64) ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* A version 4 GUID, lower-case. */
static void new_guid(char out[37])
{
	uint64_t a = rnd(), b = rnd();

	snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
		 (unsigned)a & 0xfff, (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
		 (unsigned long long)(b & 0xffffffffffffULL));
}

static void b64(const unsigned char *in, size_t n, char *out)
{
	static const char d[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t x = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);

		out[o++] = d[x >> 18 & 63];
		out[o++] = d[x >> 12 & 63];
		out[o++] = i + 1 < n ? d[x >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? d[x & 63] : '=';
	}
	out[o] = '\0';
}

/* Random bytes as a base64 digest of n bytes (20: SHA-1, 32: SHA-256). */
static void digest(size_t n, char *out)
{
	unsigned char raw[32];

	for (size_t i = 0; i < n; i++)
		raw[i] = (unsigned char)rnd();
	b64(raw, n, out);
}

/* ---- the document being written (bounded, sticky overflow) ---- */

static struct {
	char data[DOC_MAX];
	size_t len;
	int overflow;
} doc;

static void add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void add(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (doc.overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(doc.data + doc.len, sizeof(doc.data) - doc.len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(doc.data) - doc.len)
		doc.overflow = 1;
	else
		doc.len += (size_t)n;
}

/* ---- the catalog ---- */

struct gen {
	const char *out;
	unsigned count, seed, written;
	FILE *ids;
	char company[37], family[N_FAMILIES][37], product[N_PRODUCTS][37], klass[N_CLASSES][37];
	char detect[N_PRODUCTS][N_DETECT_PER_PRODUCT][37], stack[N_PRODUCTS][37];
	char last[N_PRODUCTS][37];      /* latest update of each product, for supersedence */
	unsigned kb;
};

static int flush_doc(struct gen *g)
{
	char path[PATH_MAX_LEN];
	FILE *f;
	int ok;

	if (doc.overflow) {
		fprintf(stderr, "gencat: document %u does not fit %d bytes\n", g->written, DOC_MAX);
		return -1;
	}
	if (snprintf(path, sizeof(path), "%s/docs/%05u.xml", g->out, g->written) >= (int)sizeof(path)) {
		fprintf(stderr, "gencat: --out is too long\n");
		return -1;
	}
	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "gencat: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fwrite(doc.data, 1, doc.len, f) == doc.len;
	if (fclose(f) != 0 || !ok) {
		fprintf(stderr, "gencat: %s: write failed\n", path);
		return -1;
	}
	g->written++;
	doc.len = 0;
	return 0;
}

static void begin_doc(const char *id, const char *type, const char *extra_props)
{
	/* Drawn one by one: the order of arguments' evaluation is unspecified. */
	unsigned y = 20 + rnd_below(6), mo = 1 + rnd_below(12), d = 1 + rnd_below(28);
	unsigned mi = rnd_below(60), s = rnd_below(60);

	doc.len = 0;
	doc.overflow = 0;
	add("<upd:Update " NS_DECL "><upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"200\" />"
	    "<upd:Properties UpdateType=\"%s\" DefaultPropertiesLanguage=\"en\" PublicationState=\"Published\" "
	    "CreationDate=\"20%02u-%02u-%02uT08:%02u:%02u.000Z\" PublisherID=\"" PUBLISHER "\"%s",
	    id, type, y, mo, d, mi, s, extra_props);
}

static void titles(const char *title, const char *desc)
{
	add("<upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en</upd:Language>"
	    "<upd:Title>%s</upd:Title><upd:Description>%s</upd:Description></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection>", title, desc);
}

/* A category: Company, ProductFamily, Product or UpdateClassification,
 * with the parent category as its AtLeastOne IsCategory prerequisite. */
static int category(struct gen *g, const char *id, const char *ctype, const char *title,
		    const char *parent)
{
	begin_doc(id, "Category", " Handler=\"" NS_CAT "\" IsPublic=\"true\"></upd:Properties>");
	titles(title, title);
	if (parent)
		add("<upd:Relationships><upd:Prerequisites><upd:AtLeastOne IsCategory=\"true\">"
		    "<upd:UpdateIdentity UpdateID=\"%s\" /></upd:AtLeastOne></upd:Prerequisites>"
		    "</upd:Relationships>", parent);
	add("<upd:ApplicabilityRules><upd:IsInstalled><lar:True /></upd:IsInstalled></upd:ApplicabilityRules>"
	    "<upd:HandlerSpecificData xsi:type=\"cat:Category\" xmlns:xsi=\"" NS_XSI "\" xmlns:cat=\"" NS_CAT
	    "\"><cat:CategoryInformation CategoryType=\"%s\" ProhibitsSubcategories=\"false\" "
	    "ProhibitsUpdates=\"%s\" DisplayOrder=\"%u\" /></upd:HandlerSpecificData></upd:Update>",
	    ctype, strcmp(ctype, "Product") == 0 || strcmp(ctype, "UpdateClassification") == 0 ? "false" : "true",
	    rnd_below(100));
	return flush_doc(g);
}

static int detectoid(struct gen *g, unsigned p, unsigned a)
{
	char title[128];

	snprintf(title, sizeof(title), "Bench Product %u %s detectoid", p, archs[a]);
	begin_doc(g->detect[p][a], "Detectoid", "></upd:Properties>");
	titles(title, title);
	add("<upd:ApplicabilityRules><upd:IsInstalled><lar:And><bar:WindowsVersion Comparison=\"GreaterThanOrEqualTo\" "
	    "MajorVersion=\"10\" MinorVersion=\"0\" BuildNumber=\"%u\" /><bar:RegValueExists Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\OpenWSUS\\Bench\\Product%u\" Value=\"%s\" Type=\"REG_SZ\" /></lar:And></upd:IsInstalled>"
	    "</upd:ApplicabilityRules></upd:Update>", 10240 + p * 1000, p, archs[a]);
	return flush_doc(g);
}

/* Prerequisites of a software update of product p: one or two detectoids,
 * sometimes an AtLeastOne of two, the stack unless it is the stack, the
 * product and the classification as IsCategory groups. */
static void prerequisites(struct gen *g, unsigned p, unsigned klass, int is_stack)
{
	unsigned d = rnd_below(N_DETECT_PER_PRODUCT), r = rnd_below(10);

	add("<upd:Prerequisites><upd:UpdateIdentity UpdateID=\"%s\" />", g->detect[p][d]);
	if (!is_stack)
		add("<upd:UpdateIdentity UpdateID=\"%s\" />", g->stack[p]);
	if (r < 2)
		add("<upd:AtLeastOne><upd:UpdateIdentity UpdateID=\"%s\" /><upd:UpdateIdentity UpdateID=\"%s\" />"
		    "</upd:AtLeastOne>", g->detect[p][(d + 1) % N_DETECT_PER_PRODUCT],
		    g->detect[p][(d + 2) % N_DETECT_PER_PRODUCT]);
	add("<upd:AtLeastOne IsCategory=\"true\"><upd:UpdateIdentity UpdateID=\"%s\" /></upd:AtLeastOne>"
	    "<upd:AtLeastOne IsCategory=\"true\"><upd:UpdateIdentity UpdateID=\"%s\" /></upd:AtLeastOne>"
	    "</upd:Prerequisites>", g->product[p], g->klass[klass]);
}

static void rules_and_file(const char *name, unsigned kb, int with_file)
{
	char sha1[32], sha256[48];
	unsigned size = 100000 + rnd_below(200000000), mo = 1 + rnd_below(12), d = 1 + rnd_below(28);

	add("<upd:ApplicabilityRules><upd:IsInstalled><bar:RegDword Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\OpenWSUS\\Bench\\KB%u\" Value=\"Installed\" Comparison=\"EqualTo\" Data=\"1\" />"
	    "</upd:IsInstalled><upd:IsInstallable><lar:And><bar:Processor Architecture=\"9\" />"
	    "<lar:Not><bar:RegValueExists Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"SOFTWARE\\OpenWSUS\\Bench\\Blocked\" "
	    "Value=\"KB%u\" Type=\"REG_DWORD\" /></lar:Not></lar:And></upd:IsInstallable></upd:ApplicabilityRules>",
	    kb, kb);
	if (with_file) {
		digest(20, sha1);
		digest(32, sha256);
		add("<upd:Files><upd:File Digest=\"%s\" DigestAlgorithm=\"SHA1\" FileName=\"%s\" Size=\"%u\" "
		    "Modified=\"2025-%02u-%02uT00:00:00Z\"><upd:AdditionalDigest Algorithm=\"SHA256\">%s"
		    "</upd:AdditionalDigest></upd:File></upd:Files>", sha1, name, size, mo, d, sha256);
		add("<upd:HandlerSpecificData xsi:type=\"cmd:CommandLineInstallation\" xmlns:xsi=\"" NS_XSI
		    "\" xmlns:cmd=\"" NS_CMD "\"><cmd:InstallCommand Program=\"%s\" Arguments=\"/quiet /norestart\">"
		    "<cmd:ReturnCode Code=\"0\" Result=\"Succeeded\" /><cmd:ReturnCode Code=\"3010\" "
		    "Result=\"Succeeded\" Reboot=\"true\" /></cmd:InstallCommand></upd:HandlerSpecificData>", name);
	}
}

/* One software update of product p. kind: "stack", "update", "child"
 * (not explicitly deployable) or "bundle" (children's ids given). */
static int software(struct gen *g, const char *id, unsigned p, const char *kind,
		    char (*children)[37], unsigned nchildren)
{
	int is_bundle = strcmp(kind, "bundle") == 0, is_child = strcmp(kind, "child") == 0;
	int is_stack = strcmp(kind, "stack") == 0;
	unsigned klass = is_stack ? 1 : rnd_below(N_CLASSES), kb = 5000000 + g->kb++;
	char props[512], title[256], file[64];
	const char *sev = severities[rnd_below(4)];
	unsigned dl = 1000000 + rnd_below(90000000);
	int removable = rnd_below(4) == 0;

	snprintf(props, sizeof(props),
		 " Handler=\"%s\"%s MaxDownloadSize=\"%u\" MinDownloadSize=\"0\"%s%s%s><upd:InstallationBehavior "
		 "RebootBehavior=\"CanRequestReboot\" Impact=\"Normal\" />%s<upd:KBArticleID>%u</upd:KBArticleID>"
		 "</upd:Properties>",
		 is_bundle ? "" : NS_CMD, is_child ? " ExplicitlyDeployable=\"false\"" : "",
		 dl, klass == 0 ? " MsrcSeverity=\"" : "", klass == 0 ? sev : "", klass == 0 ? "\"" : "",
		 removable ? "<upd:UninstallationBehavior />" : "", kb);
	begin_doc(id, "Software", props);
	snprintf(title, sizeof(title), "%s for Bench Product %u (KB%u)",
		 is_stack ? "Servicing Stack Update" : class_names[klass], p, kb);
	titles(title, "A synthetic update of the openwsus benchmark catalog. It installs nothing; its file "
		      "is named by digest only and need not exist for a scan.");
	add("<upd:Relationships>");
	prerequisites(g, p, klass, is_stack);
	if (is_bundle) {
		add("<upd:BundledUpdates>");
		for (unsigned i = 0; i < nchildren; i++)
			add("<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"200\" />", children[i]);
		add("</upd:BundledUpdates>");
	}
	if (!is_child && !is_stack && g->last[p][0] && rnd_below(5) == 0)
		add("<upd:SupersededUpdates><upd:UpdateIdentity UpdateID=\"%s\" /></upd:SupersededUpdates>",
		    g->last[p]);
	add("</upd:Relationships>");
	snprintf(file, sizeof(file), "windows10.0-kb%u-x64.%s", kb, rnd_below(2) ? "cab" : "msu");
	rules_and_file(file, kb, !is_bundle);
	add("</upd:Update>");
	if (!is_child && !is_stack)
		memcpy(g->last[p], id, 37);
	if (fprintf(g->ids, "%s\t%s\t%u\n", id, kind, p) < 0)
		return -1;
	return flush_doc(g);
}

static int generate(struct gen *g)
{
	char title[128], id[37], children[BUNDLE_CHILDREN][37];
	unsigned remaining, n = 0;

	new_guid(g->company);
	if (category(g, g->company, "Company", "OpenWSUS Bench Corporation", NULL) < 0)
		return -1;
	for (unsigned f = 0; f < N_FAMILIES; f++) {
		new_guid(g->family[f]);
		snprintf(title, sizeof(title), "Bench Family %u", f);
		if (category(g, g->family[f], "ProductFamily", title, g->company) < 0)
			return -1;
	}
	for (unsigned p = 0; p < N_PRODUCTS; p++) {
		new_guid(g->product[p]);
		snprintf(title, sizeof(title), "Bench Product %u", p);
		if (category(g, g->product[p], "Product", title, g->family[p % N_FAMILIES]) < 0)
			return -1;
	}
	for (unsigned c = 0; c < N_CLASSES; c++) {
		new_guid(g->klass[c]);
		if (category(g, g->klass[c], "UpdateClassification", class_names[c], NULL) < 0)
			return -1;
	}
	for (unsigned p = 0; p < N_PRODUCTS; p++)
		for (unsigned a = 0; a < N_DETECT_PER_PRODUCT; a++) {
			new_guid(g->detect[p][a]);
			if (detectoid(g, p, a) < 0)
				return -1;
		}
	for (unsigned p = 0; p < N_PRODUCTS; p++) {
		new_guid(g->stack[p]);
		if (software(g, g->stack[p], p, "stack", NULL, 0) < 0)
			return -1;
	}
	/* The rest: updates, and every BUNDLE_EVERY-th a bundle with its
	 * children written first (the bundle counts 1 + BUNDLE_CHILDREN). */
	remaining = g->count - g->written;
	while (remaining > 0) {
		unsigned p = rnd_below(N_PRODUCTS);

		if (++n % BUNDLE_EVERY == 0 && remaining > BUNDLE_CHILDREN) {
			for (unsigned i = 0; i < BUNDLE_CHILDREN; i++) {
				new_guid(children[i]);
				if (software(g, children[i], p, "child", NULL, 0) < 0)
					return -1;
			}
			new_guid(id);
			if (software(g, id, p, "bundle", children, BUNDLE_CHILDREN) < 0)
				return -1;
			remaining -= 1 + BUNDLE_CHILDREN;
			continue;
		}
		new_guid(id);
		if (software(g, id, p, "update", NULL, 0) < 0)
			return -1;
		remaining--;
	}
	return 0;
}

static int usage(const char *msg)
{
	fprintf(stderr, "gencat: %s\nusage: gencat --out DIR [--count N (%d..%d, default 10000)] "
		"[--seed S (default 1)]\n", msg, MIN_COUNT, MAX_COUNT);
	return 2;
}

static int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int main(int argc, char **argv)
{
	struct gen g = { .count = 10000, .seed = 1 };
	char path[PATH_MAX_LEN];
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--out") == 0 && v) {
			g.out = v;
		} else if (strcmp(argv[i], "--count") == 0) {
			if (parse_uint(v, MIN_COUNT, MAX_COUNT, &g.count) < 0)
				return usage("--count must be a number in range");
		} else if (strcmp(argv[i], "--seed") == 0) {
			if (parse_uint(v, 0, 0xffffffffu, &g.seed) < 0)
				return usage("--seed must be a number");
		} else {
			return usage("unknown or incomplete argument");
		}
		i++;
	}
	if (g.out == NULL)
		return usage("--out is required");
	rng_state = 0x6f70656e77737573ULL ^ g.seed;
	if (snprintf(path, sizeof(path), "%s/docs", g.out) >= (int)sizeof(path))
		return usage("--out is too long");
	if ((mkdir(g.out, 0755) < 0 && errno != EEXIST) || (mkdir(path, 0755) < 0 && errno != EEXIST)) {
		fprintf(stderr, "gencat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (snprintf(path, sizeof(path), "%s/ids.tsv", g.out) >= (int)sizeof(path))
		return usage("--out is too long");
	if ((g.ids = fopen(path, "w")) == NULL) {
		fprintf(stderr, "gencat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	rc = generate(&g);
	if (fclose(g.ids) != 0 && rc == 0) {
		fprintf(stderr, "gencat: %s: write failed\n", path);
		rc = -1;
	}
	if (rc < 0)
		return 1;
	printf("gencat: %u documents (%u categories and detectoids, %u stacks) in %s/docs, seed %u\n",
	       g.written, N_FIXED - N_PRODUCTS, N_PRODUCTS, g.out, g.seed);
	return 0;
}
