/* SPDX-License-Identifier: MIT */
/*
 * The live part of `openwsus audit`: find the server running for a data
 * directory and ask it, over plain TCP, what a client without TLS gets. A
 * small blocking client is enough: one request per connection, every step
 * bounded by OW_AUDIT_PROBE_TIMEOUT_MS, at most OW_AUDIT_PROBE_REPLY_BYTES
 * of the answer read. What a TLS-required root must answer on HTTP:
 *
 *   GET /ClientWebService/client.asmx HTTP/1.1
 *   Host: wsus.example.com:8530
 *
 *   HTTP/1.1 403 Forbidden
 *   ...
 *   SSL is required for /ClientWebService: use https:// on port 8531
 */
#include "cli/audit_live.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/util.h"

/* Reads a /proc file (whose size reads as 0) into buf; returns its length
 * or -1. */
static ssize_t read_proc(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The value of option name in a serve command line ("--name V" or
 * "--name=V"), the last one winning as with getopt; NULL when absent. */
static const char *cmd_option(const char *cmd, size_t len, const char *name)
{
	const char *found = NULL;
	size_t nl = strlen(name);

	for (const char *a = cmd; a < cmd + len; a += strlen(a) + 1) {
		if (strncmp(a, name, nl) != 0)
			continue;
		if (a[nl] == '=')
			found = a + nl + 1;
		else if (a[nl] == '\0' && a + nl + 1 < cmd + len)
			found = a + nl + 1;
	}
	return found;
}

void audit_live_find(const struct ow_config *cfg, struct audit_server *srv)
{
	char path[OW_MAX_PATH], proc[64], cmd[4096], status[4096], *text = NULL;
	const char *v, *uid;
	unsigned long ruid, euid;
	long long pid, port;
	ssize_t n;

	memset(srv, 0, sizeof(*srv));
	if (ow_fmt(path, sizeof(path), "%s/openwsus.pid", cfg->data_dir) < 0 ||
	    ow_read_file(path, 64, &text, NULL, NULL) < 0) {
		snprintf(srv->why_not, sizeof(srv->why_not), "the server is not running (no %s)",
			 "openwsus.pid");
		return;
	}
	text[strcspn(text, "\n")] = '\0';
	if (ow_parse_ll(text, 2, 4194304, &pid) < 0) {
		free(text);
		snprintf(srv->why_not, sizeof(srv->why_not),
			 "the server is not running (openwsus.pid is damaged)");
		return;
	}
	free(text);
	snprintf(proc, sizeof(proc), "/proc/%lld/cmdline", pid);
	n = read_proc(proc, cmd, sizeof(cmd));
	/* Only a live `openwsus ... serve` counts: pid files go stale. */
	if (n <= 0 || strstr(cmd, "openwsus") == NULL ||
	    memmem(cmd, (size_t)n, "\0serve\0", 7) == NULL) {
		snprintf(srv->why_not, sizeof(srv->why_not),
			 "the server is not running (pid %lld in openwsus.pid is not an openwsus serve)",
			 pid);
		return;
	}
	snprintf(proc, sizeof(proc), "/proc/%lld/status", pid);
	if (read_proc(proc, status, sizeof(status)) <= 0 || (uid = strstr(status, "\nUid:")) == NULL) {
		snprintf(srv->why_not, sizeof(srv->why_not),
			 "the server is not running (pid %lld ended)", pid);
		return;
	}
	/* "Uid:\treal\teffective\tsaved\tfs": the effective one decides. */
	if (sscanf(uid + 1, "Uid: %lu %lu", &ruid, &euid) != 2) {
		snprintf(srv->why_not, sizeof(srv->why_not),
			 "the server is not running (pid %lld: unreadable status)", pid);
		return;
	}
	srv->uid = (uid_t)euid;
	srv->running = 1;
	srv->pid = (long)pid;
	srv->https_port = cfg->https_port;
	if ((v = cmd_option(cmd, (size_t)n, "--https-port")) != NULL &&
	    ow_parse_ll(v, 2, 65535, &port) == 0)
		srv->https_port = (int)port;
	srv->http_port = config_port_pair(srv->https_port);
	v = cmd_option(cmd, (size_t)n, "--listen");
	if (ow_strlcpy(srv->listen, v ? v : cfg->listen, sizeof(srv->listen)) < 0)
		srv->listen[0] = '\0';
}

/* The first listen address, made reachable: loopback for 0.0.0.0 or ::. */
static void probe_address(const char *listen, char *out, size_t len)
{
	const char *p = listen + strspn(listen, ", ");
	size_t n = strcspn(p, ", ");

	if (n == 0 || n >= len)
		n = 0;
	memcpy(out, p, n);
	out[n] = '\0';
	if (n == 0 || strcmp(out, "0.0.0.0") == 0)
		snprintf(out, len, "127.0.0.1");
	else if (strcmp(out, "::") == 0 || strcmp(out, "[::]") == 0)
		snprintf(out, len, "::1");
}

/* Waits for fd to be ready for events; 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	do
		rc = poll(&pfd, 1, ms);
	while (rc < 0 && errno == EINTR);
	return rc;
}

/* The status line (printable characters only) as the probe's detail. */
static void first_line(const char *buf, size_t len, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < len && buf[i] != '\r' && buf[i] != '\n' && o + 1 < outlen; i++)
		out[o++] = (buf[i] >= 0x20 && buf[i] < 0x7f) ? buf[i] : '?';
	out[o] = '\0';
}

static void probe(const char *addr, int port, const char *host, const char *path,
		  struct audit_probe *p)
{
	struct addrinfo hints = { 0 }, *ai = NULL;
	char ps[8], req[512], *reply = NULL;
	size_t got = 0, sent = 0, reqlen;
	int fd = -1, soerr = 0, rc = 0;
	socklen_t sl = sizeof(soerr);
	uint64_t deadline;

	memset(p, 0, sizeof(*p));
	p->status = -1;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	snprintf(ps, sizeof(ps), "%d", port);
	if (ow_fmt(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: openwsus-audit"
		   "\r\nConnection: close\r\n\r\n", path, host, port) < 0) {
		snprintf(p->detail, sizeof(p->detail), "request too long");
		return;
	}
	reqlen = strlen(req);
	if (getaddrinfo(addr, ps, &hints, &ai) != 0) {
		snprintf(p->detail, sizeof(p->detail), "'%s' is not a numeric address", addr);
		return;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(p->detail, sizeof(p->detail), "socket: %s", strerror(errno));
		goto out;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		snprintf(p->detail, sizeof(p->detail), "connect: %s", strerror(errno));
		goto out;
	}
	if (wait_fd(fd, POLLOUT, OW_AUDIT_PROBE_TIMEOUT_MS) <= 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr != 0) {
		snprintf(p->detail, sizeof(p->detail), "connect: %s",
			 soerr ? strerror(soerr) : "timed out");
		goto out;
	}
	deadline = ow_now_ms() + OW_AUDIT_PROBE_TIMEOUT_MS;
	while (sent < reqlen) {
		ssize_t n = send(fd, req + sent, reqlen - sent, MSG_NOSIGNAL);

		if (n > 0) {
			sent += (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			break; /* the peer may answer and close before reading it all */
		} else if (ow_now_ms() >= deadline ||
			   wait_fd(fd, POLLOUT, (int)(deadline - ow_now_ms())) <= 0) {
			break;
		}
	}
	reply = malloc(OW_AUDIT_PROBE_REPLY_BYTES + 1);
	if (reply == NULL) {
		snprintf(p->detail, sizeof(p->detail), "out of memory");
		goto out;
	}
	p->status = 0;
	deadline = ow_now_ms() + OW_AUDIT_PROBE_TIMEOUT_MS;
	while (got < OW_AUDIT_PROBE_REPLY_BYTES) {
		ssize_t n = recv(fd, reply + got, OW_AUDIT_PROBE_REPLY_BYTES - got, 0);
		uint64_t now = ow_now_ms();

		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			break;
		if (now >= deadline || (rc = wait_fd(fd, POLLIN, (int)(deadline - now))) == 0) {
			if (got == 0)
				snprintf(p->detail, sizeof(p->detail), "no answer within %d ms",
					 OW_AUDIT_PROBE_TIMEOUT_MS);
			break;
		}
		if (rc < 0)
			break;
	}
	reply[got] = '\0';
	if (got >= 12 && memcmp(reply, "HTTP/1.", 7) == 0 && reply[8] == ' ') {
		long long code;
		char digits[4] = { reply[9], reply[10], reply[11], '\0' };

		if (ow_parse_ll(digits, 100, 599, &code) == 0)
			p->status = (int)code;
		p->says_ssl = memmem(reply, got, "SSL is required", 15) != NULL;
		first_line(reply, got, p->detail, sizeof(p->detail));
	} else if (got > 0 && (unsigned char)reply[0] == 0x15) {
		snprintf(p->detail, sizeof(p->detail), "a TLS alert, then the connection closed");
	} else if (got > 0) {
		snprintf(p->detail, sizeof(p->detail), "%zu bytes that are not HTTP", got);
	} else if (p->detail[0] == '\0') {
		snprintf(p->detail, sizeof(p->detail), "the connection closed without an answer");
	}
out:
	free(reply);
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
}

void audit_live_probe(const struct ow_config *cfg, struct audit_server *srv)
{
	if (!srv->running)
		return;
	probe_address(srv->listen, srv->probe_addr, sizeof(srv->probe_addr));
	for (int i = 0; i < AUDIT_TLS_ROOTS; i++)
		probe(srv->probe_addr, srv->http_port, cfg->fqdn, audit_tls_root_path[i],
		      &srv->roots[i]);
	probe(srv->probe_addr, srv->http_port, cfg->fqdn, AUDIT_ADMIN_PROBE_PATH, &srv->admin);
	probe(srv->probe_addr, srv->https_port, cfg->fqdn, "/ClientWebService/client.asmx",
	      &srv->https_plain);
}
