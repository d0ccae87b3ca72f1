/* SPDX-License-Identifier: MIT */
/*
 * storm: a scan-storm load generator. It plays the whole call sequence of
 * a Windows 11 Update Agent (GetConfig, SimpleAuth GetAuthorizationCookie,
 * GetCookie, RegisterComputer, SyncUpdates rounds until nothing is new or
 * truncated, the driver pass, GetExtendedUpdateInfo for the updates to
 * install, ReportEventBatch) for N distinct client ids, C clients at a
 * time, over HTTPS/1.1 with libcurl multi in one thread. The messages are
 * tests/tools/wusp_msg.c, the ones the integration tests check, so a
 * malformed answer is an error here too.
 *
 * Each client is a new machine: its first request opens a new connection
 * (full TLS handshake, no session resumption) that it keeps alive for its
 * calls and closes after its report. The trade-off is realism for load:
 * every offered update counts as applicable, and a non-leaf revision is
 * installed unless its Core fragment names a bench product
 * (SOFTWARE\OpenWSUS\Bench\ProductN, see gencat.c) the client does not
 * have, so each client scans about its products' share of the catalog.
 *
 *   storm --url https://NAME:PORT --ca FILE --resolve NAME:PORT:127.0.0.1
 *         --clients N --concurrency C --max-seconds S [--start-for T] [--first N0]
 *         [--group G]... [--products K] [--needed M] [--mode scan|register]
 *         [--pid PID] [--strict] [--dump DIR]
 *
 * Prints key=value lines (see report()). Exit 0 when every client
 * finished without error, 1 when some failed, 3 when --max-seconds ran
 * out first (the figures then cover what finished), 2 on a usage error.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/buf.h"
#include "base/util.h"
#include "wusp_msg.h"
#include "xml/soap.h"

/* ---- limits ---- */

#define MAX_CLIENTS 10000000L      /* client ids of one run */
#define MAX_CONCURRENCY 4096       /* clients in flight (each one connection) */
#define MAX_SECONDS 86400
#define MAX_GROUPS 16              /* --group options */
#define MAX_SYNC_CALLS 1000        /* SyncUpdates of one software pass */
#define MAX_ERROR_KINDS 64         /* distinct error lines kept; then "other" */
#define MAX_URL (OW_MAX_FQDN + 16)
#define CONNECT_TIMEOUT_MS 30000
#define CALL_TIMEOUT_MS 120000
#define N_PRODUCTS 8               /* gencat.c's products */
#define MAX_REPORTED_INSTALLS 2    /* 183 events of one report */
#define SYNC_PAGE OW_WUSP_SYNC_PAGE /* new updates of a full SyncUpdates page */

/* Latency histogram: 1 us steps to 1 ms, 10 us to 100 ms, 1 ms to 10 s,
 * then one bucket; a percentile is off by at most one step. */
#define H_US1 1000
#define H_US10 ((100000 - 1000) / 10)
#define H_MS1 ((10000000 - 100000) / 1000)
#define H_BUCKETS (H_US1 + H_US10 + H_MS1 + 1)

_Static_assert(MAX_SYNC_CALLS >= 1 && MAX_CONCURRENCY >= 1, "bounds");
_Static_assert(MAX_REPORTED_INSTALLS < WMSG_MAX_SEEN, "installs come from wmsg.seen");

/* The operations, in a client's order. OP_DRIVER is SyncUpdates with
 * SkipSoftwareSync: timed apart from the software pass. */
enum op { OP_CONFIG, OP_AUTH, OP_COOKIE, OP_REGISTER, OP_SYNC, OP_DRIVER, OP_EXT, OP_REPORT,
	  OP_DONE, N_OPS = OP_DONE };

static const struct opinfo {
	const char *name;       /* as printed */
	const char *soap;       /* the SOAP operation */
	enum wmsg_svc svc;
} ops[N_OPS] = {
	[OP_CONFIG] = { "GetConfig", "GetConfig", WMSG_SVC_CLIENT },
	[OP_AUTH] = { "GetAuthorizationCookie", "GetAuthorizationCookie", WMSG_SVC_AUTH },
	[OP_COOKIE] = { "GetCookie", "GetCookie", WMSG_SVC_CLIENT },
	[OP_REGISTER] = { "RegisterComputer", "RegisterComputer", WMSG_SVC_CLIENT },
	[OP_SYNC] = { "SyncUpdates", "SyncUpdates", WMSG_SVC_CLIENT },
	[OP_DRIVER] = { "SyncUpdates-driver", "SyncUpdates", WMSG_SVC_CLIENT },
	[OP_EXT] = { "GetExtendedUpdateInfo", "GetExtendedUpdateInfo", WMSG_SVC_CLIENT },
	[OP_REPORT] = { "ReportEventBatch", "ReportEventBatch", WMSG_SVC_REPORTING },
};

struct hist {
	uint64_t n, sum_us, max_us;
	uint32_t b[H_BUCKETS];
};

/* One client in flight: its curl handle, protocol state and progress. */
struct slot {
	CURL *easy;
	struct wmsg m;
	struct ow_buf ans;
	int ans_rc;
	char errbuf[CURL_ERROR_SIZE];
	char client_id[40];
	long index;                     /* client number; -1: the slot is idle */
	unsigned products;              /* bit p: the client has bench product p */
	enum op op;
	size_t ext_cursor, ext_asked, nbatch;
	int32_t batch[WMSG_MAX_EXT_PER_CALL];
	uint64_t t_req, t_scan;         /* ns: this request's and this client's start */
	size_t nnew;                    /* updates the client received */
};

/* The run: options, shared transport pieces and the figures (the one
 * mutable state of the process). */
struct storm {
	char base[MAX_URL + 1];
	const char *ca, *resolve, *groups[MAX_GROUPS];
	const char *dump;               /* --dump DIR, or NULL */
	int dumped[N_OPS];
	int ngroups, nproducts, strict, register_only;
	long clients, first, concurrency, max_seconds, start_for, needed, pid;

	CURLM *multi;
	struct curl_slist *resolve_list, *headers[N_OPS];
	struct slot *slots;
	long next;                      /* next client number to start */
	int timed_out;

	struct hist h[N_OPS], scan;
	uint64_t done, failed, requests, bytes_in, bytes_out, updates;
	struct {
		char what[160];
		uint64_t n;
	} errors[MAX_ERROR_KINDS + 1];
	int nerrors;
};

/* ---- small helpers ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void hist_add(struct hist *h, uint64_t us)
{
	size_t i;

	if (us < 1000)
		i = (size_t)us;
	else if (us < 100000)
		i = H_US1 + (size_t)(us - 1000) / 10;
	else if (us < 10000000)
		i = H_US1 + H_US10 + (size_t)(us - 100000) / 1000;
	else
		i = H_BUCKETS - 1;
	h->b[i]++;
	h->n++;
	h->sum_us += us;
	if (us > h->max_us)
		h->max_us = us;
}

/* The upper edge of the bucket holding the q-quantile (at most the
 * maximum), in ms. */
static double hist_q(const struct hist *h, double q)
{
	uint64_t want = (uint64_t)(q * (double)h->n + 0.999999), seen = 0, edge = h->max_us;

	if (h->n == 0)
		return 0;
	if (want < 1)
		want = 1;
	for (size_t i = 0; i < H_BUCKETS; i++) {
		seen += h->b[i];
		if (seen < want)
			continue;
		if (i < H_US1)
			edge = i + 1;
		else if (i < H_US1 + H_US10)
			edge = 1000 + (i - H_US1 + 1) * 10;
		else if (i < H_BUCKETS - 1)
			edge = 100000 + (i - H_US1 - H_US10 + 1) * 1000;
		break;
	}
	return (double)(edge < h->max_us ? edge : h->max_us) / 1000.0;
}

/* Counts one error of kind what (a short line). */
static void error_add(struct storm *s, const char *what)
{
	int i;

	for (i = 0; i < s->nerrors; i++)
		if (strcmp(s->errors[i].what, what) == 0)
			break;
	if (i == s->nerrors) {
		if (s->nerrors == MAX_ERROR_KINDS) {
			i = MAX_ERROR_KINDS;
			snprintf(s->errors[i].what, sizeof(s->errors[i].what), "other");
		} else {
			/* A cut message is still one kind. */
			snprintf(s->errors[i].what, sizeof(s->errors[i].what), "%s", what);
			s->nerrors++;
		}
	}
	s->errors[i].n++;
}

/* VmRSS and VmHWM of pid in KiB (0 when unknown). */
static void proc_rss(long pid, long *rss, long *hwm)
{
	char path[64], line[256];
	FILE *f;

	*rss = *hwm = 0;
	if (pid <= 0 || ow_fmt(path, sizeof(path), "/proc/%ld/status", pid) < 0 ||
	    (f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = strtol(line + 6, NULL, 10);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm = strtol(line + 6, NULL, 10);
	}
	fclose(f);
}

/* utime + stime of pid in seconds (-1 when unknown). */
static double proc_cpu(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	size_t n;
	FILE *f;

	if (pid <= 0 || ow_fmt(path, sizeof(path), "/proc/%ld/stat", pid) < 0 ||
	    (f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command, which is in parentheses: state is 3, utime 14. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / 100.0; /* USER_HZ is 100 on Linux */
}

/* ---- the applicability of non-leaf revisions ---- */

/* A non-leaf revision is installed unless its Core fragment tests the
 * bench registry key of a product the client does not have. */
static int has_product(void *arg, const char *core, size_t len)
{
	static const char key[] = "SOFTWARE\\OpenWSUS\\Bench\\Product";
	const struct slot *sl = arg;
	const char *p = memmem(core, len, key, sizeof(key) - 1);
	unsigned v = 0;

	if (p == NULL)
		return 1;
	p += sizeof(key) - 1;
	if (p >= core + len || *p < '0' || *p > '9')
		return 1;
	for (; p < core + len && *p >= '0' && *p <= '9' && v < 1000; p++)
		v = v * 10 + (unsigned)(*p - '0');
	return v < N_PRODUCTS && (sl->products >> v & 1);
}

/* ---- transport ---- */

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct slot *sl = arg;
	size_t n = size * nmemb;

	if ((sl->ans_rc = ow_buf_add(&sl->ans, ptr, n)) < 0)
		return 0; /* stops the transfer: CURLE_WRITE_ERROR */
	return n;
}

#define SETOPT(c, opt, val)                                          \
	do {                                                         \
		if (curl_easy_setopt((c), (opt), (val)) != CURLE_OK) \
			goto fail;                                   \
	} while (0)

/* The options every request of a slot keeps. */
static int slot_init(struct storm *s, struct slot *sl)
{
	wmsg_init(&sl->m);
	ow_buf_init(&sl->ans, WMSG_MAX_ANSWER_BYTES);
	sl->index = -1;
	if ((sl->easy = curl_easy_init()) == NULL)
		return -1;
	SETOPT(sl->easy, CURLOPT_PRIVATE, sl);
	SETOPT(sl->easy, CURLOPT_ERRORBUFFER, sl->errbuf);
	SETOPT(sl->easy, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SETOPT(sl->easy, CURLOPT_PROTOCOLS_STR, "https");
#else
	SETOPT(sl->easy, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	SETOPT(sl->easy, CURLOPT_CAINFO, s->ca);
	SETOPT(sl->easy, CURLOPT_CAPATH, (char *)NULL);
	SETOPT(sl->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(sl->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(sl->easy, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* Distinct machines share no TLS session. */
	SETOPT(sl->easy, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	SETOPT(sl->easy, CURLOPT_PROXY, "");
	SETOPT(sl->easy, CURLOPT_NOPROXY, "*");
	SETOPT(sl->easy, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	SETOPT(sl->easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SETOPT(sl->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
	SETOPT(sl->easy, CURLOPT_TIMEOUT_MS, (long)CALL_TIMEOUT_MS);
	SETOPT(sl->easy, CURLOPT_USERAGENT, "Windows-Update-Agent/10.0.10011.16384 Client-Protocol/"
					    WMSG_PROTOCOL_VERSION);
	SETOPT(sl->easy, CURLOPT_WRITEFUNCTION, on_data);
	SETOPT(sl->easy, CURLOPT_WRITEDATA, sl);
	SETOPT(sl->easy, CURLOPT_RESOLVE, s->resolve_list);
	sl->m.light = !s->strict;
	sl->m.installed = s->nproducts > 0 ? has_product : NULL;
	sl->m.installed_arg = sl;
	return 0;
fail:
	return -1;
}

/* Sends what is built in sl->m.req as sl->op. first: a new machine, a
 * new connection; last: the connection is closed after it. */
static int send_op(struct storm *s, struct slot *sl, int first, int last, struct ow_err *err)
{
	char url[MAX_URL + 64];
	int rc;

	if ((rc = wmsg_request_ok(&sl->m, ops[sl->op].soap, err)) < 0)
		return rc;
	if (ow_fmt(url, sizeof(url), "%s%s", s->base, wmsg_svc_path(ops[sl->op].svc)) < 0)
		return ow_err_set(err, OW_ELIMIT, "URL too long");
	sl->ans.len = 0;
	sl->ans_rc = 0;
	sl->errbuf[0] = '\0';
	if (curl_easy_setopt(sl->easy, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(sl->easy, CURLOPT_HTTPHEADER, s->headers[sl->op]) != CURLE_OK ||
	    curl_easy_setopt(sl->easy, CURLOPT_POSTFIELDS, sl->m.req.data) != CURLE_OK ||
	    curl_easy_setopt(sl->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)sl->m.req.len) != CURLE_OK ||
	    curl_easy_setopt(sl->easy, CURLOPT_FRESH_CONNECT, first ? 1L : 0L) != CURLE_OK ||
	    curl_easy_setopt(sl->easy, CURLOPT_FORBID_REUSE, last ? 1L : 0L) != CURLE_OK)
		return ow_err_set(err, OW_ENOMEM, "libcurl refused an option");
	sl->t_req = now_ns();
	if (curl_multi_add_handle(s->multi, sl->easy) != CURLM_OK)
		return ow_err_set(err, OW_ENOMEM, "curl_multi_add_handle failed");
	s->requests++;
	s->bytes_out += sl->m.req.len;
	return 0;
}

/* ---- one client's sequence ---- */

/* The ReportEventBatch after a scan: the scan's success (147, no update)
 * and the install of up to MAX_REPORTED_INSTALLS of its Install updates. */
static void build_report(struct slot *sl)
{
	struct wmsg_event ev[1 + MAX_REPORTED_INSTALLS];
	size_t n = 0;

	memset(ev, 0, sizeof(ev));
	ev[n].event_id = 147;
	memcpy(ev[n++].update_id, "00000000-0000-0000-0000-000000000000", 37);
	for (size_t i = 0; i < sl->m.nseen && i < MAX_REPORTED_INSTALLS; i++, n++) {
		ev[n].event_id = 183;
		memcpy(ev[n].update_id, sl->m.seen[i].update_id, 37);
		ev[n].revision = sl->m.seen[i].revision;
	}
	wmsg_build_report(&sl->m, ev, n);
}

/* The next GetExtendedUpdateInfo batch, within --needed; 0: none left. */
static size_t next_ext(struct storm *s, struct slot *sl)
{
	size_t n = wmsg_next_extended(&sl->m, &sl->ext_cursor, sl->batch);

	if (s->needed >= 0 && sl->ext_asked + n > (size_t)s->needed)
		n = (size_t)s->needed - sl->ext_asked;
	sl->ext_asked += n;
	sl->nbatch = n;
	return n;
}

/* Builds the request of sl->op. */
static void build(struct slot *sl)
{
	switch (sl->op) {
	case OP_CONFIG: wmsg_build_config(&sl->m); break;
	case OP_AUTH: wmsg_build_auth_cookie(&sl->m); break;
	case OP_COOKIE: wmsg_build_cookie(&sl->m); break;
	case OP_REGISTER: wmsg_build_register(&sl->m); break;
	case OP_SYNC: wmsg_build_sync(&sl->m, 0); break;
	case OP_DRIVER: wmsg_build_sync(&sl->m, 1); break;
	case OP_EXT: wmsg_build_extended(&sl->m, sl->batch, sl->nbatch); break;
	case OP_REPORT: build_report(sl); break;
	case OP_DONE: break;
	}
}

/* Starts client number index in an idle slot. */
static int client_start(struct storm *s, struct slot *sl, long index, struct ow_err *err)
{
	long n = index;

	wmsg_reset(&sl->m);
	sl->index = index;
	snprintf(sl->client_id, sizeof(sl->client_id), "5ca1ab1e-%04lx-4%03lx-8%03lx-%012lx",
		     (n >> 40) & 0xffff, (n >> 28) & 0xfff, (n >> 16) & 0xfff, n & 0xffffffffffffL);
	sl->m.client_id = sl->client_id;
	snprintf(sl->m.dns, sizeof(sl->m.dns), "pc%07ld.storm.openwsus.test", index);
	sl->m.group = s->ngroups ? s->groups[index % s->ngroups] : NULL;
	if (sl->m.group && sl->m.group[0] == '\0')
		sl->m.group = NULL;
	sl->products = 0;
	for (int k = 0; k < s->nproducts; k++)
		sl->products |= 1u << ((unsigned)(index + k) % N_PRODUCTS);
	sl->ext_cursor = sl->ext_asked = 0;
	sl->nnew = 0;
	sl->t_scan = now_ns();
	sl->op = s->register_only ? OP_AUTH : OP_CONFIG;
	build(sl);
	return send_op(s, sl, !s->register_only, 0, err);
}

/* Writes len bytes to DIR/name; 0 or -1 (the message is printed). */
static int dump_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4096];
	FILE *f;
	int ok;

	if (ow_fmt(path, sizeof(path), "%s/%s", dir, name) < 0 || (f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "storm: cannot write %s/%s\n", dir, name);
		return -1;
	}
	ok = fwrite(data, 1, len, f) == len;
	if (fclose(f) != 0 || !ok) {
		fprintf(stderr, "storm: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

/* --dump: the first full SyncUpdates page and the first
 * GetExtendedUpdateInfo, request and answer, as OP.req and OP.ans. */
static void dump_op(struct storm *s, const struct slot *sl, int full)
{
	char name[64];

	if (s->dump == NULL || s->dumped[sl->op] || !full)
		return;
	s->dumped[sl->op] = 1;
	if (ow_fmt(name, sizeof(name), "%s.req", ops[sl->op].name) == 0)
		(void)dump_file(s->dump, name, sl->m.req.data, sl->m.req.len);
	if (ow_fmt(name, sizeof(name), "%s.ans", ops[sl->op].name) == 0)
		(void)dump_file(s->dump, name, sl->ans.data, sl->ans.len);
}

/* The answer of sl->op arrived whole (cc CURLE_OK) or not: reads it and
 * sends the next request, or ends the client. Returns 1 when the client
 * is over (done or failed), 0 when a request is in flight again. */
static int client_step(struct storm *s, struct slot *sl, CURLcode cc)
{
	const struct xml_node *res = NULL;
	struct ow_err err = { 0 };
	const char *ctype = NULL;
	char what[160];
	long status = 0;
	int rc, more = 0, not_needed = 0, last;
	size_t nnew = 0;

	hist_add(&s->h[sl->op], (now_ns() - sl->t_req) / 1000);
	s->bytes_in += sl->ans.len;
	if (cc != CURLE_OK) {
		snprintf(what, sizeof(what), "%s transport: %s", ops[sl->op].name,
			     sl->ans_rc ? "answer too large" : curl_easy_strerror(cc));
		goto failed;
	}
	(void)curl_easy_getinfo(sl->easy, CURLINFO_RESPONSE_CODE, &status);
	(void)curl_easy_getinfo(sl->easy, CURLINFO_CONTENT_TYPE, &ctype);
	rc = wmsg_answer(&sl->m, ops[sl->op].svc, ops[sl->op].soap, status, ctype, sl->ans.data,
			 sl->ans.len, &res, &err);
	if (rc == 0) {
		switch (sl->op) {
		case OP_CONFIG: rc = wmsg_read_config(&sl->m, res, &err); break;
		case OP_AUTH: rc = wmsg_read_auth_cookie(&sl->m, res, &err); break;
		case OP_COOKIE: rc = wmsg_read_cookie(&sl->m, res, &err); break;
		case OP_REGISTER: rc = wmsg_read_register(&sl->m, res, &err); break;
		case OP_SYNC:
		case OP_DRIVER:
			rc = wmsg_read_sync(&sl->m, res, &more, &not_needed, &nnew, &err);
			sl->nnew += nnew;
			if (rc == 0 && sl->op == OP_SYNC)
				dump_op(s, sl, nnew == SYNC_PAGE);
			break;
		case OP_EXT:
			rc = wmsg_read_extended(&sl->m, res, sl->batch, sl->nbatch, &err);
			if (rc == 0)
				dump_op(s, sl, sl->nbatch == (size_t)sl->m.max_ext);
			break;
		case OP_REPORT: rc = wmsg_read_report(&sl->m, res, 0, &err); break;
		case OP_DONE: break;
		}
	}
	if (rc == WMSG_E_FAULT) {
		snprintf(what, sizeof(what), "%s fault %s", ops[sl->op].name, sl->m.fault.code);
		goto failed;
	}
	if (rc < 0) {
		if (status != 200 && status != 500)
			snprintf(what, sizeof(what), "%s HTTP %ld", ops[sl->op].name, status);
		else
			snprintf(what, sizeof(what), "%s malformed: %.100s", ops[sl->op].name, err.msg);
		goto failed;
	}

	/* The next call. */
	switch (sl->op) {
	case OP_CONFIG: sl->op = OP_AUTH; break;
	case OP_AUTH: sl->op = OP_COOKIE; break;
	case OP_COOKIE: sl->op = OP_REGISTER; break;
	case OP_REGISTER: sl->op = s->register_only ? OP_DONE : OP_SYNC; break;
	case OP_SYNC:
		if (!more) {
			sl->op = OP_DRIVER;
		} else if (sl->m.calls >= MAX_SYNC_CALLS) {
			snprintf(what, sizeof(what), "SyncUpdates: still more after %d calls",
				     MAX_SYNC_CALLS);
			goto failed;
		}
		break;
	case OP_DRIVER:
	case OP_EXT: sl->op = next_ext(s, sl) > 0 ? OP_EXT : OP_REPORT; break;
	case OP_REPORT: sl->op = OP_DONE; break;
	case OP_DONE: break;
	}
	if (sl->op == OP_DONE) {
		s->done++;
		s->updates += sl->nnew;
		hist_add(&s->scan, (now_ns() - sl->t_scan) / 1000);
		return 1;
	}
	build(sl);
	/* A scanning machine closes its connection after its report; the
	 * register mode keeps connections for the next ids (it fills the
	 * computer table, it does not measure). */
	last = !s->register_only && sl->op == OP_REPORT;
	if ((rc = send_op(s, sl, 0, last, &err)) < 0) {
		snprintf(what, sizeof(what), "%s local: %.100s", ops[sl->op].name, err.msg);
		goto failed;
	}
	return 0;
failed:
	error_add(s, what);
	s->failed++;
	return 1;
}

/* ---- the run ---- */

static int headers_init(struct storm *s)
{
	for (int i = 0; i < N_OPS; i++) {
		char action[200];
		const char *const fields[] = { "Content-Type: " SOAP_CONTENT_TYPE, action, "Expect:" };

		if (ow_fmt(action, sizeof(action), "SOAPAction: \"%s/%s\"", wmsg_svc_ns(ops[i].svc),
			   ops[i].soap) < 0)
			return -1;
		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			struct curl_slist *l = curl_slist_append(s->headers[i], fields[k]);

			if (l == NULL)
				return -1;
			s->headers[i] = l;
		}
	}
	return 0;
}

/* Runs until every client is over or the time is up. */
static int run(struct storm *s, double *seconds)
{
	uint64_t t0 = now_ns(), deadline = t0 + (uint64_t)s->max_seconds * 1000000000u;
	uint64_t last_start = t0 + (uint64_t)s->start_for * 1000000000u;
	long active = 0;
	struct ow_err err = { 0 };

	s->next = s->first;
	for (;;) {
		CURLMsg *msg;
		int running, left, progressed;

		/* Fill idle slots while clients remain and --start-for lasts. */
		for (long i = 0; i < s->concurrency && s->next < s->first + s->clients && !s->timed_out &&
				 (s->start_for == 0 || now_ns() < last_start); i++) {
			struct slot *sl = &s->slots[i];

			if (sl->index >= 0)
				continue;
			if (client_start(s, sl, s->next++, &err) < 0) {
				fprintf(stderr, "storm: %s\n", err.msg);
				return -1;
			}
			active++;
		}
		if (active == 0)
			break;
		if (curl_multi_perform(s->multi, &running) != CURLM_OK) {
			fprintf(stderr, "storm: curl multi failed\n");
			return -1;
		}
		/* Finished transfers are queued by perform: read them before
		 * waiting, so a client's next request leaves at once. */
		progressed = 0;
		while ((msg = curl_multi_info_read(s->multi, &left)) != NULL) {
			struct slot *sl;
			char *priv = NULL;
			CURLcode cc;

			if (msg->msg != CURLMSG_DONE)
				continue;
			cc = msg->data.result;
			(void)curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
			sl = (struct slot *)(void *)priv;
			curl_multi_remove_handle(s->multi, sl->easy);
			if (client_step(s, sl, cc)) {
				sl->index = -1;
				active--;
			}
			progressed = 1;
		}
		if (!progressed && curl_multi_poll(s->multi, NULL, 0, 100, NULL) != CURLM_OK) {
			fprintf(stderr, "storm: curl multi failed\n");
			return -1;
		}
		if (now_ns() > deadline && !s->timed_out) {
			/* Out of time: abandon what is in flight. */
			s->timed_out = 1;
			for (long i = 0; i < s->concurrency; i++)
				if (s->slots[i].index >= 0) {
					curl_multi_remove_handle(s->multi, s->slots[i].easy);
					s->slots[i].index = -1;
				}
			active = 0;
		}
	}
	*seconds = (double)(now_ns() - t0) / 1e9;
	return 0;
}

static void report(const struct storm *s, double seconds, double cpu_self, double cpu_server)
{
	long rss = 0, hwm = 0;
	double sec = seconds > 0 ? seconds : 1e-9;

	printf("mode=%s clients=%ld first=%ld concurrency=%ld products=%d needed=%ld\n",
	       s->register_only ? "register" : "scan", s->clients, s->first, s->concurrency, s->nproducts,
	       s->needed);
	printf("seconds=%.2f timed_out=%d started=%ld done=%llu failed=%llu\n", seconds, s->timed_out,
	       s->next - s->first, (unsigned long long)s->done, (unsigned long long)s->failed);
	printf("scans_per_s=%.1f requests=%llu requests_per_s=%.1f\n", (double)s->done / sec,
	       (unsigned long long)s->requests, (double)s->requests / sec);
	printf("updates_per_scan=%.1f mib_in=%.1f mib_out=%.1f\n",
	       s->done ? (double)s->updates / (double)s->done : 0.0, (double)s->bytes_in / 1048576.0,
	       (double)s->bytes_out / 1048576.0);
	for (int i = 0; i < N_OPS; i++)
		if (s->h[i].n)
			printf("op=%s n=%llu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f\n", ops[i].name,
			       (unsigned long long)s->h[i].n, hist_q(&s->h[i], 0.5), hist_q(&s->h[i], 0.99),
			       (double)s->h[i].max_us / 1000.0,
			       (double)s->h[i].sum_us / 1000.0 / (double)s->h[i].n);
	if (s->scan.n)
		printf("op=scan n=%llu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f\n",
		       (unsigned long long)s->scan.n, hist_q(&s->scan, 0.5), hist_q(&s->scan, 0.99),
		       (double)s->scan.max_us / 1000.0, (double)s->scan.sum_us / 1000.0 / (double)s->scan.n);
	for (int i = 0; i <= MAX_ERROR_KINDS; i++)
		if (s->errors[i].n)
			printf("error n=%llu what=%s\n", (unsigned long long)s->errors[i].n, s->errors[i].what);
	printf("cpu_storm_s=%.2f cpu_server_s=%.2f\n", cpu_self, cpu_server);
	if (s->pid > 0) {
		proc_rss(s->pid, &rss, &hwm);
		printf("server_pid=%ld vmrss_kib=%ld vmhwm_kib=%ld\n", s->pid, rss, hwm);
	}
}

/* ---- arguments ---- */

static const char usage_text[] =
	"usage: storm --url https://NAME:PORT --ca FILE --resolve NAME:PORT:ADDR\n"
	"             --clients N --concurrency C --max-seconds S [--start-for T] [--first N0]\n"
	"             [--group NAME]... [--products K] [--needed M] [--mode scan|register]\n"
	"             [--pid PID] [--strict] [--dump DIR]\n"
	"  --start-for   start clients during the first T seconds only; those in flight\n"
	"                then finish (within --max-seconds, which drops what is left)\n"
	"  --group       client i names group i mod (number of --group); '' for none\n"
	"  --products    bench products each client has (0: all; default 1)\n"
	"  --needed      Install updates a client asks extended info for (default all)\n"
	"  --mode        register: only GetAuthorizationCookie, GetCookie, RegisterComputer\n"
	"  --pid         the server's pid: its RSS and CPU time are reported\n"
	"  --strict      parse every Core fragment (as wusp-client) instead of its first tag\n"
	"  --dump        write the first full SyncUpdates page and GetExtendedUpdateInfo\n"
	"                (request and answer) to DIR/OP.req and DIR/OP.ans\n";

static int usage(const char *what)
{
	fprintf(stderr, "storm: %s\n%s", what, usage_text);
	return 2;
}

static int num(const char *s, long min, long max, long *out)
{
	long long v;

	if (ow_parse_ll(s, min, max, &v) < 0)
		return -1;
	*out = (long)v;
	return 0;
}

static int parse_args(struct storm *s, int argc, char **argv)
{
	enum { O_URL = 1, O_CA, O_RESOLVE, O_CLIENTS, O_FIRST, O_CONC, O_SECONDS, O_START_FOR, O_GROUP,
	       O_PRODUCTS, O_NEEDED, O_MODE, O_PID, O_STRICT, O_DUMP };
	static const struct option opts[] = {
		{ "url", required_argument, NULL, O_URL },
		{ "ca", required_argument, NULL, O_CA },
		{ "resolve", required_argument, NULL, O_RESOLVE },
		{ "clients", required_argument, NULL, O_CLIENTS },
		{ "first", required_argument, NULL, O_FIRST },
		{ "concurrency", required_argument, NULL, O_CONC },
		{ "max-seconds", required_argument, NULL, O_SECONDS },
		{ "start-for", required_argument, NULL, O_START_FOR },
		{ "group", required_argument, NULL, O_GROUP },
		{ "products", required_argument, NULL, O_PRODUCTS },
		{ "needed", required_argument, NULL, O_NEEDED },
		{ "mode", required_argument, NULL, O_MODE },
		{ "pid", required_argument, NULL, O_PID },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "dump", required_argument, NULL, O_DUMP },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = NULL;
	long v;
	int c;

	s->nproducts = 1;
	s->needed = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case O_URL: url = optarg; break;
		case O_CA: s->ca = optarg; break;
		case O_RESOLVE: s->resolve = optarg; break;
		case O_CLIENTS:
			if (num(optarg, 1, MAX_CLIENTS, &s->clients) < 0)
				return usage("--clients must be 1..10000000");
			break;
		case O_FIRST:
			if (num(optarg, 0, MAX_CLIENTS * 100, &s->first) < 0)
				return usage("--first must be 0..1000000000");
			break;
		case O_CONC:
			if (num(optarg, 1, MAX_CONCURRENCY, &s->concurrency) < 0)
				return usage("--concurrency must be 1..4096");
			break;
		case O_SECONDS:
			if (num(optarg, 1, MAX_SECONDS, &s->max_seconds) < 0)
				return usage("--max-seconds must be 1..86400");
			break;
		case O_START_FOR:
			if (num(optarg, 1, MAX_SECONDS, &s->start_for) < 0)
				return usage("--start-for must be 1..86400");
			break;
		case O_GROUP:
			if (s->ngroups == MAX_GROUPS || strlen(optarg) > OW_MAX_COOKIE_GROUPS)
				return usage("at most 16 --group options of at most 511 characters");
			s->groups[s->ngroups++] = optarg;
			break;
		case O_PRODUCTS:
			if (num(optarg, 0, N_PRODUCTS, &v) < 0)
				return usage("--products must be 0..8");
			s->nproducts = (int)v;
			break;
		case O_NEEDED:
			if (num(optarg, 0, WMSG_MAX_REVISIONS, &s->needed) < 0)
				return usage("--needed must be 0..500000");
			break;
		case O_MODE:
			if (strcmp(optarg, "scan") != 0 && strcmp(optarg, "register") != 0)
				return usage("--mode must be scan or register");
			s->register_only = strcmp(optarg, "register") == 0;
			break;
		case O_PID:
			if (num(optarg, 1, 1L << 30, &s->pid) < 0)
				return usage("--pid must be a process id");
			break;
		case O_STRICT: s->strict = 1; break;
		case O_DUMP: s->dump = optarg; break;
		case ':': return usage("an option needs a value");
		default: return usage("unknown option");
		}
	}
	if (optind != argc)
		return usage("no arguments besides options");
	if (url == NULL || ow_strncasecmp(url, "https://", 8) != 0 ||
	    ow_strlcpy(s->base, url, sizeof(s->base)) < 0)
		return usage("--url https://NAME:PORT is required");
	if (s->base[strlen(s->base) - 1] == '/')
		s->base[strlen(s->base) - 1] = '\0';
	if (s->ca == NULL || s->resolve == NULL || s->clients == 0 || s->concurrency == 0 ||
	    s->max_seconds == 0)
		return usage("--ca, --resolve, --clients, --concurrency and --max-seconds are required");
	if (s->concurrency > s->clients)
		s->concurrency = s->clients;
	return 0;
}

int main(int argc, char **argv)
{
	static struct storm s; /* large (histograms): not on the stack */
	struct rusage ru;
	double seconds = 0, cpu0, cpu_self;
	int code, rc = -1;

	if ((code = parse_args(&s, argc, argv)) != 0)
		return code;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	cpu0 = proc_cpu(s.pid);
	if ((s.multi = curl_multi_init()) == NULL ||
	    (s.resolve_list = curl_slist_append(NULL, s.resolve)) == NULL || headers_init(&s) < 0 ||
	    (s.slots = calloc((size_t)s.concurrency, sizeof(*s.slots))) == NULL) {
		fprintf(stderr, "storm: out of memory\n");
		goto out;
	}
	/* One connection per client in flight, and no more. */
	(void)curl_multi_setopt(s.multi, CURLMOPT_MAXCONNECTS, s.concurrency);
	for (long i = 0; i < s.concurrency; i++)
		if (slot_init(&s, &s.slots[i]) < 0) {
			fprintf(stderr, "storm: cannot set up a curl handle\n");
			goto out;
		}
	rc = run(&s, &seconds);
	getrusage(RUSAGE_SELF, &ru);
	cpu_self = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	if (rc == 0)
		report(&s, seconds, cpu_self, cpu0 >= 0 ? proc_cpu(s.pid) - cpu0 : -1);
out:
	if (s.slots)
		for (long i = 0; i < s.concurrency; i++) {
			if (s.slots[i].easy) {
				curl_multi_remove_handle(s.multi, s.slots[i].easy);
				curl_easy_cleanup(s.slots[i].easy);
			}
			wmsg_release(&s.slots[i].m);
			ow_buf_release(&s.slots[i].ans);
		}
	free(s.slots);
	if (s.multi)
		curl_multi_cleanup(s.multi);
	for (int i = 0; i < N_OPS; i++)
		curl_slist_free_all(s.headers[i]);
	curl_slist_free_all(s.resolve_list);
	curl_global_cleanup();
	if (fflush(stdout) != 0)
		return 1;
	if (rc < 0)
		return 1;
	return s.timed_out ? 3 : s.failed ? 1 : 0;
}
