/*
 * dropproxy: a TCP proxy on 127.0.0.1 that loses answers, for the lost
 * answer tests (tests/it_idem.sh). Each request reaches the server in
 * full; for the first N connections that get an answer, the answer is
 * read from the server and thrown away, and the client's connection is
 * closed: the server did the work, the client never hears of it. Later
 * connections are passed through untouched.
 *
 *   dropproxy --to PORT [--drop N] [--max-seconds S]
 *
 * Prints the port it listens on (a free one), then one line per
 * connection: "drop" or "pass". One connection at a time (a client that
 * retries opens a new one after the drop), poll with deadlines, no sleeps.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int
listen_any(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static int
connect_to(int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)port);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/*
 * Relay one connection until either side closes or the deadline. drop: the
 * server's first bytes end it (not passed on). Returns 1 when an answer
 * was dropped.
 */
static int
relay(int cl, int up, int drop, time_t deadline)
{
	struct pollfd p[2] = { { cl, POLLIN, 0 }, { up, POLLIN, 0 } };
	char buf[16384];
	ssize_t n;

	while (time(NULL) < deadline) {
		if (poll(p, 2, 1000) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((n = read(cl, buf, sizeof buf)) <= 0 || write_all(up, buf, (size_t)n) != 0)
				return 0;
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((n = read(up, buf, sizeof buf)) <= 0)
				return 0;
			if (drop)
				return 1;   /* the server answered: lose it */
			if (write_all(cl, buf, (size_t)n) != 0)
				return 0;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int i, to = 0, drop = 0, port, lfd, maxs = 60;
	time_t end;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--to"))
			to = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--drop"))
			drop = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--max-seconds"))
			maxs = atoi(argv[i + 1]);
		else
			break;
	}
	if (i != argc || to <= 0 || to > 65535 || drop < 0 || maxs <= 0) {
		fprintf(stderr, "usage: dropproxy --to PORT [--drop N] [--max-seconds S]\n");
		return 1;
	}
	if ((lfd = listen_any(&port)) < 0) {
		perror("dropproxy: listen");
		return 1;
	}
	printf("%d\n", port);
	fflush(stdout);
	end = time(NULL) + maxs;
	while (time(NULL) < end) {
		struct pollfd p = { lfd, POLLIN, 0 };
		int cl, up, dropped;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		if ((cl = accept(lfd, NULL, NULL)) < 0)
			continue;
		if ((up = connect_to(to)) < 0) {
			perror("dropproxy: server");
			close(cl);
			continue;
		}
		dropped = relay(cl, up, drop > 0, end);
		if (dropped)
			drop--;
		printf("%s\n", dropped ? "drop" : "pass");
		fflush(stdout);
		close(up);
		close(cl);
	}
	close(lfd);
	return 0;
}
