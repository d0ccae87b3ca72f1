/* SPDX-License-Identifier: MIT */
/*
 * slow-clients PORT COUNT SECONDS: opens COUNT connections to 127.0.0.1:PORT;
 * half stay silent, half send a request head one byte every 200 ms (the
 * slowloris pattern). After SECONDS (bounded: at most 60) it prints how many
 * connections the server had closed and how many were still open, then
 * closes them all. Loopback only; for the slow-client test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"

#define MAX_CONNS 4000
#define MAX_SECONDS 60

int main(int argc, char **argv)
{
	static const char head[] = "GET /Inventory/slow HTTP/1.1\r\nHost: x\r\nX-Slow: ";
	static int fds[MAX_CONNS];
	static size_t sent[MAX_CONNS];
	long long port, count, seconds;
	struct sockaddr_in sa;
	uint64_t end;
	int closed = 0, open_now = 0;

	if (argc != 4 || ow_parse_ll(argv[1], 1, 65535, &port) < 0 ||
	    ow_parse_ll(argv[2], 1, MAX_CONNS, &count) < 0 ||
	    ow_parse_ll(argv[3], 1, MAX_SECONDS, &seconds) < 0) {
		fprintf(stderr, "usage: slow-clients PORT COUNT(1..%d) SECONDS(1..%d)\n", MAX_CONNS,
			MAX_SECONDS);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN); /* the server cuts slow connections: writes then fail */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (long long i = 0; i < count; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			fprintf(stderr, "slow-clients: connection %lld: %s\n", i, strerror(errno));
			return 1;
		}
		fcntl(fds[i], F_SETFL, O_NONBLOCK);
	}
	printf("opened %lld\n", count);
	fflush(stdout);
	end = ow_now_ms() + (uint64_t)seconds * 1000;
	while (ow_now_ms() < end) {
		for (long long i = 1; i < count; i += 2) {
			char b = sent[i] < sizeof(head) - 1 ? head[sent[i]] : 'a';

			if (fds[i] >= 0 && write(fds[i], &b, 1) == 1)
				sent[i]++;
		}
		usleep(200 * 1000);
	}
	for (long long i = 0; i < count; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN };
		char buf[512];

		if (poll(&p, 1, 0) == 1 && read(fds[i], buf, sizeof(buf)) >= 0 &&
		    (p.revents & (POLLIN | POLLHUP)))
			closed++;
		else
			open_now++;
		close(fds[i]);
	}
	printf("closed by the server %d, still open %d\n", closed, open_now);
	return 0;
}
