/* SPDX-License-Identifier: MIT */
/*
 * Listeners, workers and connections. A connection alternates between
 * reading one request (the parser enforces head/body limits; a timer
 * enforces the head, body and idle deadlines) and writing one response
 * (parts pushed as the output drains, so a large file is never held in
 * memory). Pipelined bytes wait in the input buffer until the response
 * before them is written.
 *
 * Trade-off: handlers run synchronously on the worker's loop. That keeps
 * the code simple and is right for work measured in microseconds (catalog
 * lookups, file opens); anything slow belongs off the loop.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <netdb.h>
#include <openssl/err.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/priv.h"
#include "base/util.h"
#include "http/date.h"

enum conn_phase { PH_READ, PH_WRITE, PH_LINGER };

struct worker;

struct conn {
	struct worker *w;
	struct bufferevent *bev;
	struct event *timer;
	int tls;
	int port;
	enum conn_phase phase;
	int close_after;
	int linger;                     /* the request was not read to its end */
	int timer_kind;                 /* which deadline the timer holds */
	char peer[64];
	char subject[512];              /* verified client certificate, or "" */
	int subject_known;
	uint64_t started_ms;
	struct http_response res;
	int res_live;
	size_t part;                    /* next part to push */
	size_t nsend;                   /* parts to send (0 for HEAD) */
	uint64_t part_done;             /* bytes of that part already pushed */
	struct evbuffer_file_segment *seg;
	struct conn *prev, *next;
	struct http_parser parser;      /* last: it is large */
};

enum { TK_NONE, TK_HEAD, TK_BODY, TK_IDLE, TK_LINGER };

struct listen_slot {
	struct worker *w;
	struct evconnlistener *l;
	int fd;
	int tls;
	int port;
};

struct server {
	const struct http_server_config *cfg;
	struct event_base *main_base;
	int stopping;
	atomic_long nconns;
	long max_conns;
	struct worker *workers;
	int nworkers;
};

struct worker {
	struct server *srv;
	pthread_t th;
	struct event_base *base;
	struct listen_slot slots[HTTP_MAX_LISTEN * 2];
	int nslots;
	struct conn *conns;
	long nconns;
	int draining;
	struct event *drain_timer;
};

static void conn_read(struct conn *c);
static void conn_free(struct conn *c);
static void conn_push(struct conn *c);

const struct http_route *http_route_find(const struct http_route *routes, size_t n,
					 const char *path, const char **subpath)
{
	if (path[0] != '/')
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(routes[i].root);
		char next;

		if (ow_strncasecmp(path + 1, routes[i].root, len) != 0)
			continue;
		next = path[1 + len];
		if (next == '\0' || next == '/') {
			*subpath = path + 1 + len;
			return &routes[i];
		}
	}
	return NULL;
}

/* ---- timers ---------------------------------------------------------- */

static void arm(struct conn *c, int kind, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	c->timer_kind = kind;
	evtimer_add(c->timer, &tv);
}

static void disarm(struct conn *c)
{
	c->timer_kind = TK_NONE;
	evtimer_del(c->timer);
}

/* ---- access log ------------------------------------------------------ */

static void access_log(struct conn *c, const struct http_request *req, int status,
		       uint64_t bytes)
{
	ow_log_access(c->peer, c->port, req && req->method_name ? req->method_name : "-",
		      req && req->path ? req->path : "-", status, (unsigned long long)bytes,
		      (unsigned long long)(ow_now_ms() - c->started_ms));
}

/* ---- writing a response ---------------------------------------------- */

#define SECURITY_HEADERS                                                          \
	"X-Content-Type-Options: nosniff\r\n"                                      \
	"X-Frame-Options: DENY\r\n"                                                \
	"Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n" \
	"Referrer-Policy: no-referrer\r\n"

static void write_head(struct conn *c, const struct http_request *req)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct http_response *res = &c->res;
	char date[32];
	int body_allowed = !(res->status == 204 || res->status == 304 ||
			     (res->status >= 100 && res->status < 200));

	if (res->nparts == 0 && evbuffer_get_length(res->body) > 0) {
		res->parts[0].mem = res->body;
		res->nparts = 1;
		res->body_len = evbuffer_get_length(res->body);
	}
	http_date_format(time(NULL), date);
	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: openwsus\r\n",
			    res->status, http_status_text(res->status), date);
	/* No answer of openwsus is a page to render, frame or sniff. No HSTS:
	 * update content is served over plain HTTP on this very host, by the
	 * guide's design, and HSTS would make browsers refuse that. */
	evbuffer_add(out, SECURITY_HEADERS, sizeof(SECURITY_HEADERS) - 1);
	if (body_allowed)
		evbuffer_add_printf(out, "Content-Length: %llu\r\n",
				    (unsigned long long)res->body_len);
	if (c->close_after)
		evbuffer_add(out, "Connection: close\r\n", 19);
	else if (req && req->http_minor == 0)
		evbuffer_add(out, "Connection: keep-alive\r\n", 24);
	evbuffer_add(out, res->headers, res->hlen);
	evbuffer_add(out, "\r\n", 2);
	c->nsend = (!body_allowed || res->head_only) ? 0 : res->nparts;
}

/* Moves more of the body into the output buffer. Plain sockets get every
 * file range as a sendfile segment at once (no copy); TLS gets the file in
 * OW_FILE_CHUNK pieces as the output drains. */
static int push_parts(struct conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct http_response *res = &c->res;

	while (c->part < c->nsend && evbuffer_get_length(out) < OW_FILE_CHUNK) {
		struct http_part *pt = &res->parts[c->part];

		if (pt->mem) {
			evbuffer_add_buffer(out, pt->mem);
			c->part++;
			continue;
		}
		if (!c->tls) {
			if (c->seg == NULL) {
				c->seg = evbuffer_file_segment_new(res->fd, 0, -1, 0);
				if (c->seg == NULL)
					return -1;
			}
			if (evbuffer_add_file_segment(out, c->seg, (ev_off_t)pt->off,
						      (ev_off_t)pt->len) < 0)
				return -1;
			c->part++;
			continue;
		}
		{
			uint64_t left = pt->len - c->part_done;
			size_t want = left < OW_FILE_CHUNK ? (size_t)left : OW_FILE_CHUNK;
			struct evbuffer_iovec v;
			ssize_t n;

			if (evbuffer_reserve_space(out, (ev_ssize_t)want, &v, 1) < 1)
				return -1;
			n = pread(res->fd, v.iov_base, want, (off_t)(pt->off + c->part_done));
			if (n <= 0)
				return -1; /* file shrank or I/O error: cut the response */
			v.iov_len = (size_t)n;
			evbuffer_commit_space(out, &v, 1);
			c->part_done += (uint64_t)n;
			if (c->part_done == pt->len) {
				c->part++;
				c->part_done = 0;
			}
		}
	}
	return 0;
}

/* Closing right after an early answer (413 before the body, 400 in the
 * middle of a request) would make the kernel reset the connection while
 * the peer is still sending, and the peer would never read the answer.
 * So: stop writing, read and discard what still comes for a short while
 * (OW_LINGER_MS, at most OW_LINGER_BYTES), then close. */
static void linger(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);

	c->phase = PH_LINGER;
	evbuffer_drain(in, evbuffer_get_length(in));
	bufferevent_disable(c->bev, EV_WRITE);
	bufferevent_setwatermark(c->bev, EV_READ, 0, 0);
	bufferevent_enable(c->bev, EV_READ);
	(void)shutdown(bufferevent_getfd(c->bev), SHUT_WR);
	c->part_done = 0; /* counts discarded bytes from here on */
	arm(c, TK_LINGER, OW_LINGER_MS);
}

static void finish_response(struct conn *c)
{
	struct worker *w = c->w;

	if (c->seg) {
		evbuffer_file_segment_free(c->seg);
		c->seg = NULL;
	}
	http_res_release(&c->res);
	c->res_live = 0;
	if (c->close_after || w->draining) {
		if (c->linger && !w->draining)
			linger(c);
		else
			conn_free(c);
		return;
	}
	http_parser_next(&c->parser);
	c->phase = PH_READ;
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	bufferevent_enable(c->bev, EV_READ);
	arm(c, TK_IDLE, OW_IDLE_TIMEOUT_MS);
	c->started_ms = ow_now_ms();
	conn_read(c); /* pipelined bytes already buffered */
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (c->phase != PH_WRITE)
		return;
	conn_push(c);
}

static void conn_push(struct conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	if (push_parts(c) < 0) {
		ow_warn("peer=%s response aborted: could not read the file", c->peer);
		conn_free(c);
		return;
	}
	if (c->part < c->nsend) {
		/* More to come: be called again when half a chunk is left. */
		bufferevent_setwatermark(c->bev, EV_WRITE, OW_FILE_CHUNK / 2, 0);
		return;
	}
	if (evbuffer_get_length(out) > 0) {
		/* All queued: the next write callback means fully flushed. */
		bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
		return;
	}
	finish_response(c);
}

static void start_response(struct conn *c, const struct http_request *req)
{
	struct timeval wt = { OW_WRITE_TIMEOUT_MS / 1000, 0 };

	disarm(c);
	c->phase = PH_WRITE;
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_set_timeouts(c->bev, NULL, &wt);
	write_head(c, req);
	access_log(c, req, c->res.status, c->res.head_only ? 0 : c->res.body_len);
	c->part = 0;
	c->part_done = 0;
	bufferevent_enable(c->bev, EV_WRITE);
	conn_push(c);
}

/* Answers a protocol error found while reading, then closes. */
static void send_error(struct conn *c, int status, const char *reason)
{
	if (!c->res_live) {
		if (http_res_init(&c->res) < 0) {
			conn_free(c);
			return;
		}
		c->res_live = 1;
	}
	http_res_error(&c->res, status, reason);
	c->close_after = 1;
	c->linger = 1;
	start_response(c, c->parser.req.path ? &c->parser.req : NULL);
}

/* ---- dispatch -------------------------------------------------------- */

static void dispatch(struct conn *c)
{
	const struct http_server_config *cfg = c->w->srv->cfg;
	struct http_request *req = &c->parser.req;
	struct http_response *res = &c->res;
	const struct http_route *rt;
	const char *sub = "";

	if (http_res_init(res) < 0) {
		conn_free(c);
		return;
	}
	c->res_live = 1;
	req->tls = c->tls;
	req->port = c->port;
	req->peer = c->peer;
	if (c->tls && !c->subject_known) {
		http_tls_peer_subject(bufferevent_openssl_get_ssl(c->bev), c->subject, sizeof(c->subject));
		c->subject_known = 1;
	}
	req->peer_subject = c->subject;
	res->head_only = req->method == HTTP_M_HEAD;
	c->close_after = !req->keep_alive || c->w->draining;

	rt = http_route_find(cfg->routes, cfg->nroutes, req->path, &sub);
	req->subpath = sub;
	if (rt == NULL) {
		http_res_error(res, 404, "no such virtual root");
	} else if ((rt->flags & HTTP_ROUTE_TLS_REQUIRED) && !c->tls) {
		char msg[256];

		snprintf(msg, sizeof(msg),
			 "SSL is required for /%s: use https:// on port %d", rt->root,
			 cfg->https_port);
		http_res_error(res, 403, msg);
		ow_warn("refused plain HTTP request to TLS-required root /%s from %s",
			rt->root, c->peer);
	} else if ((rt->flags & HTTP_ROUTE_PLAIN_ONLY) && c->tls) {
		char msg[320];

		snprintf(msg, sizeof(msg),
			 "/%s is served on the HTTP port %d, not on HTTPS%s%s", rt->root,
			 cfg->http_port, cfg->plain_only_hint ? ": " : "",
			 cfg->plain_only_hint ? cfg->plain_only_hint : "");
		http_res_error(res, 403, msg);
	} else {
		rt->fn(req, res, rt->arg);
	}
	if (res->close)
		c->close_after = 1;
	start_response(c, req);
}

/* ---- reading --------------------------------------------------------- */

static void conn_read(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);

	while (c->phase == PH_READ) {
		struct evbuffer_iovec v;
		size_t used = 0;
		int was_idle, rc;

		if (evbuffer_peek(in, -1, NULL, &v, 1) < 1 || v.iov_len == 0)
			return;
		was_idle = http_parser_idle(&c->parser);
		rc = http_parser_feed(&c->parser, v.iov_base, v.iov_len, &used);
		evbuffer_drain(in, used);
		if (was_idle && used > 0) {
			c->started_ms = ow_now_ms();
			arm(c, TK_HEAD, OW_HEADER_TIMEOUT_MS);
		}
		switch (rc) {
		case HTTP_PARSE_MORE:
			break;
		case HTTP_PARSE_HEAD:
			arm(c, TK_BODY, OW_BODY_TIMEOUT_MS);
			bufferevent_write(c->bev, "HTTP/1.1 100 Continue\r\n\r\n", 25);
			break;
		case HTTP_PARSE_DONE:
			dispatch(c);
			return;
		default:
			send_error(c, c->parser.error_status, c->parser.error_reason);
			return;
		}
		if (rc == HTTP_PARSE_MORE && c->timer_kind == TK_HEAD &&
		    c->parser.req.method_name != NULL)
			arm(c, TK_BODY, OW_BODY_TIMEOUT_MS); /* head done, body due */
	}
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->phase == PH_LINGER) {
		struct evbuffer *in = bufferevent_get_input(bev);

		c->part_done += evbuffer_get_length(in);
		evbuffer_drain(in, evbuffer_get_length(in));
		if (c->part_done > OW_LINGER_BYTES)
			conn_free(c);
		return;
	}
	conn_read(c);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (c->phase == PH_LINGER) {
		conn_free(c);
		return;
	}
	if (c->phase != PH_READ) /* writing has its own timeout */
		return;
	if (c->timer_kind == TK_IDLE || http_parser_idle(&c->parser)) {
		conn_free(c); /* idle keep-alive, or connected and silent */
		return;
	}
	ow_warn("peer=%s port=%d request not received in time: closing", c->peer, c->port);
	send_error(c, 408, c->timer_kind == TK_BODY ? "request body not received in time"
						     : "request head not received in time");
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if (what == BEV_EVENT_CONNECTED)
		return; /* TLS handshake done */
	if (what & BEV_EVENT_ERROR) {
		unsigned long e = bufferevent_get_openssl_error(bev);

		if (e) {
			char buf[160];

			ERR_error_string_n(e, buf, sizeof(buf));
			ow_debug("peer=%s TLS error: %s", c->peer, buf);
		}
	}
	if (what & BEV_EVENT_TIMEOUT)
		ow_warn("peer=%s port=%d not reading the response: closing", c->peer, c->port);
	conn_free(c);
}

/* ---- connections ----------------------------------------------------- */

static void conn_free(struct conn *c)
{
	struct worker *w = c->w;

	if (c->seg)
		evbuffer_file_segment_free(c->seg);
	if (c->res_live)
		http_res_release(&c->res);
	if (c->timer)
		event_free(c->timer);
	if (c->bev)
		bufferevent_free(c->bev);
	http_parser_release(&c->parser);
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
	w->nconns--;
	atomic_fetch_sub(&w->srv->nconns, 1);
	if (w->draining && w->nconns == 0)
		event_base_loopexit(w->base, NULL);
}

static void format_peer(const struct sockaddr *sa, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?", port[8] = "?";

	getnameinfo(sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						   : sizeof(struct sockaddr_in),
		    host, sizeof(host), port, sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(out, len, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int salen, void *arg)
{
	struct listen_slot *slot = arg;
	struct worker *w = slot->w;
	struct server *srv = w->srv;
	struct conn *c = NULL;
	int one = 1;

	(void)l;
	(void)salen;
	if (atomic_fetch_add(&srv->nconns, 1) >= srv->max_conns) {
		atomic_fetch_sub(&srv->nconns, 1);
		ow_warn("connection limit (%ld) reached: refusing a connection", srv->max_conns);
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		goto fail;
	c->w = w;
	c->tls = slot->tls;
	c->port = slot->port;
	c->started_ms = ow_now_ms();
	format_peer(sa, c->peer, sizeof(c->peer));
	http_parser_init(&c->parser);
	c->next = w->conns;
	if (w->conns)
		w->conns->prev = c;
	w->conns = c;
	w->nconns++;
	c->timer = evtimer_new(w->base, on_timer, c);
	if (c->tls) {
		SSL *ssl = http_tls_ssl_new(srv->cfg->tls);

		if (ssl == NULL)
			goto fail_conn;
		c->bev = bufferevent_openssl_socket_new(w->base, fd, ssl,
							BUFFEREVENT_SSL_ACCEPTING,
							BEV_OPT_CLOSE_ON_FREE);
		if (c->bev == NULL)
			SSL_free(ssl);
		else
			bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	} else {
		c->bev = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
	}
	if (c->bev == NULL || c->timer == NULL)
		goto fail_conn;
	fd = -1; /* the bufferevent owns it now */
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, 256 * 1024);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	/* Covers the TLS handshake and the first request's head. */
	arm(c, TK_HEAD, OW_HANDSHAKE_TIMEOUT_MS);
	return;
fail_conn:
	if (fd >= 0 && c->bev == NULL)
		close(fd);
	conn_free(c);
	return;
fail:
	atomic_fetch_sub(&srv->nconns, 1);
	close(fd);
}

/* ---- listeners and workers -------------------------------------------- */

static int make_socket(const char *addr, int port, int reuseport, int *out,
		       struct ow_err *err)
{
	struct addrinfo hints = { 0 }, *ai = NULL;
	char ps[8];
	int fd = -1, one = 1, rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	snprintf(ps, sizeof(ps), "%d", port);
	if (getaddrinfo(addr, ps, &hints, &ai) != 0)
		return ow_err_set(err, OW_EINVAL, "listen address '%s' is not a numeric address", addr);
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = ow_err_set(err, OW_EIO, "socket: %s", strerror(errno));
		goto fail;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuseport)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		rc = ow_err_set(err, OW_EIO, "cannot listen on %s port %d: %s", addr, port,
				strerror(errno));
		goto fail;
	}
	if (listen(fd, 1024) < 0) {
		rc = ow_err_set(err, OW_EIO, "listen %s port %d: %s", addr, port, strerror(errno));
		goto fail;
	}
	freeaddrinfo(ai);
	*out = fd;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return rc;
}

/* Splits the comma-separated listen list into addrs[]; returns the count. */
static int split_listen(const char *list, char addrs[][64], int max, struct ow_err *err)
{
	int n = 0;
	const char *p = list;

	while (*p) {
		size_t len;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, ", ");
		if (n == max || len >= 64)
			return ow_err_set(err, OW_ELIMIT, "too many or too long listen addresses");
		memcpy(addrs[n], p, len);
		addrs[n][len] = '\0';
		n++;
		p += len;
	}
	if (n == 0)
		return ow_err_set(err, OW_EINVAL, "no listen address");
	return n;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	event_base_dispatch(w->base);
	return NULL;
}

static void on_drain_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	ow_warn("drain deadline reached with %ld connection(s) open", w->nconns);
	event_base_loopbreak(w->base);
}

/* Runs on the worker's loop: stop accepting, close idle connections. */
static void worker_drain(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct timeval tv = { OW_DRAIN_TIMEOUT_MS / 1000, 0 };
	struct conn *c, *next;

	(void)fd;
	(void)what;
	w->draining = 1;
	for (int i = 0; i < w->nslots; i++) {
		if (w->slots[i].l)
			evconnlistener_free(w->slots[i].l);
		w->slots[i].l = NULL;
	}
	for (c = w->conns; c; c = next) {
		next = c->next;
		if (c->phase == PH_READ && http_parser_idle(&c->parser))
			conn_free(c);
	}
	if (w->nconns == 0) {
		event_base_loopexit(w->base, NULL);
		return;
	}
	w->drain_timer = evtimer_new(w->base, on_drain_deadline, w);
	if (w->drain_timer)
		evtimer_add(w->drain_timer, &tv);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	(void)what;
	if (sig == SIGHUP) {
		ow_info("SIGHUP: reloading configuration");
		(void)ow_sd_notify("RELOADING=1");
		if (srv->cfg->reload)
			srv->cfg->reload(srv->cfg->reload_arg);
		(void)ow_sd_notify("READY=1");
		return;
	}
	ow_info("signal %d: finishing in-flight requests", (int)sig);
	(void)ow_sd_notify("STOPPING=1");
	for (int i = 0; i < srv->nworkers; i++)
		event_base_once(srv->workers[i].base, -1, EV_TIMEOUT, worker_drain,
				&srv->workers[i], NULL);
	srv->stopping = 1;
	event_base_loopexit(srv->main_base, NULL);
}

static int probe_free(const char *addr, int port, struct ow_err *err)
{
	int fd = -1, rc;

	/* Without SO_REUSEPORT, so that a port another process of ours already
	 * holds with SO_REUSEPORT is reported instead of silently shared. */
	rc = make_socket(addr, port, 0, &fd, err);
	if (fd >= 0)
		close(fd);
	return rc;
}

int http_server_run(const struct http_server_config *cfg, struct ow_err *err)
{
	char addrs[HTTP_MAX_LISTEN][64];
	struct server srv = { 0 };
	struct event_base *main_base = NULL;
	struct event *sigs[3] = { NULL, NULL, NULL };
	sigset_t block, old;
	int naddrs, nworkers, started = 0, rc = 0;

	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);
	naddrs = split_listen(cfg->listen, addrs, HTTP_MAX_LISTEN, err);
	if (naddrs < 0)
		return naddrs;
	nworkers = cfg->workers > 0 ? cfg->workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nworkers < 1)
		nworkers = 1;
	if (nworkers > 64)
		nworkers = 64;
	srv.cfg = cfg;
	srv.max_conns = cfg->max_connections > 0 ? cfg->max_connections : OW_MAX_CONNECTIONS;
	srv.nworkers = nworkers;
	srv.workers = calloc((size_t)nworkers, sizeof(*srv.workers));
	if (srv.workers == NULL)
		return ow_err_set(err, OW_ENOMEM, "out of memory");

	for (int a = 0; a < naddrs; a++) {
		if ((rc = probe_free(addrs[a], cfg->https_port, err)) < 0 ||
		    (rc = probe_free(addrs[a], cfg->http_port, err)) < 0)
			goto out;
	}
	for (int i = 0; i < nworkers; i++) {
		struct worker *w = &srv.workers[i];

		w->srv = &srv;
		w->base = event_base_new();
		if (w->base == NULL) {
			rc = ow_err_set(err, OW_ENOMEM, "event_base_new failed");
			goto out;
		}
		for (int a = 0; a < naddrs; a++) {
			for (int t = 0; t < 2; t++) {
				struct listen_slot *s = &w->slots[w->nslots];
				int port = t ? cfg->https_port : cfg->http_port;

				s->w = w;
				s->tls = t;
				s->port = port;
				if ((rc = make_socket(addrs[a], port, 1, &s->fd, err)) < 0)
					goto out;
				s->l = evconnlistener_new(w->base, on_accept, s,
							  LEV_OPT_CLOSE_ON_FREE, -1, s->fd);
				if (s->l == NULL) {
					close(s->fd);
					rc = ow_err_set(err, OW_EIO, "evconnlistener_new failed");
					goto out;
				}
				w->nslots++;
			}
		}
	}

	if (cfg->after_bind && (rc = cfg->after_bind(cfg->after_bind_arg, err)) < 0)
		goto out;

	/* Workers must not take the process signals: block them before the
	 * threads start (they inherit the mask), unblock on this thread. */
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	main_base = event_base_new();
	srv.main_base = main_base;
	for (int i = 0; i < nworkers; i++) {
		if (pthread_create(&srv.workers[i].th, NULL, worker_main, &srv.workers[i]) != 0) {
			rc = ow_err_set(err, OW_EIO, "cannot start worker thread");
			break;
		}
		started++;
	}
	if (main_base == NULL || rc < 0) {
		if (rc == 0)
			rc = ow_err_set(err, OW_ENOMEM, "event_base_new failed");
		for (int i = 0; i < started; i++)
			event_base_once(srv.workers[i].base, -1, EV_TIMEOUT, worker_drain,
					&srv.workers[i], NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		goto join;
	}
	sigs[0] = evsignal_new(main_base, SIGHUP, on_signal, &srv);
	sigs[1] = evsignal_new(main_base, SIGTERM, on_signal, &srv);
	sigs[2] = evsignal_new(main_base, SIGINT, on_signal, &srv);
	for (int i = 0; i < 3; i++)
		evsignal_add(sigs[i], NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	ow_info("ready https=%d http=%d listen=%s workers=%d", cfg->https_port, cfg->http_port,
		cfg->listen, nworkers);
	if (ow_sd_notify("READY=1") < 0)
		ow_warn("cannot tell the service manager that the server is ready (NOTIFY_SOCKET)");
	/* The main loop ends once a SIGTERM/SIGINT has been passed on. */
	while (!srv.stopping && event_base_dispatch(main_base) == 0)
		;
join:
	for (int i = 0; i < started; i++)
		pthread_join(srv.workers[i].th, NULL);
	ow_info("stopped");
out:
	for (int i = 0; i < 3; i++)
		if (sigs[i])
			event_free(sigs[i]);
	if (main_base)
		event_base_free(main_base);
	for (int i = 0; i < nworkers; i++) {
		struct worker *w = &srv.workers[i];

		while (w->conns)
			conn_free(w->conns);
		for (int s = 0; s < w->nslots; s++) {
			if (w->slots[s].l)
				evconnlistener_free(w->slots[s].l);
		}
		if (w->drain_timer)
			event_free(w->drain_timer);
		if (w->base)
			event_base_free(w->base);
	}
	free(srv.workers);
	return rc;
}
