/*
 * hostile: a hostile HTTP client for the server's limits, used by
 * tests/it_slowloris.sh and tests/it_bodies.sh. Plain sockets, no HTTP
 * library: the point is to control every byte and its timing.
 *
 *   hostile --port P --slow N [--bind ADDR] [--every MS] [--duration S]
 *       Opens N connections that send a request line and then one header
 *       byte every MS milliseconds (default 2000), never ending the
 *       headers. Prints "slow: N dripping" once they are open, then at the
 *       end one line:
 *         slow: opened=N refused=R cut=C alive=A first_cut=X last_cut=Y
 *       refused: closed by the server within 1 s without a byte dripped
 *       (over a connection cap); cut: closed later (a deadline); alive:
 *       still open at --duration (default 30 s). X, Y: seconds from each
 *       connection's open to its close (-1: none).
 *
 *   hostile --port P --declare BYTES [--path P] [--auth TOKEN] [--timeout S]
 *       Sends a POST that declares Content-Length: BYTES and sends no body,
 *       then waits for the answer. Prints
 *         declare: status=S ms=M     (status 0: no answer within the time-out)
 *
 *   hostile --port P --chunked [--path P] [--auth TOKEN] [--timeout S] [--max-bytes B]
 *       Sends a chunked POST whose chunks never end, as fast as the server
 *       takes them, until it answers or closes, B bytes went (default 256
 *       MiB), or the time-out. Prints
 *         chunked: status=S sent=B ms=M end=answer|closed|limit|timeout
 *
 *   hostile --port P --idle-first S [--timeout T]
 *       Connects, sends nothing for S seconds (a connection opened ahead of
 *       need, as browsers do), then GET /api/v1/health. Prints
 *         idle-first: status=S      (0: closed before, or no answer)
 *
 * Everything is bounded: every wait has a deadline (--timeout, default
 * 10 s; --duration for --slow), and every count a limit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_SLOW 2000

/* The command line. */
struct opts {
	const char *host;       /* server address, IPv4 */
	int port;               /* server port */
	const char *bind;       /* source address, or NULL */
	int slow;               /* --slow N */
	int every_ms;           /* drip interval */
	double duration;        /* --slow run time, seconds */
	long long declare;      /* --declare BYTES, -1 unless given */
	int chunked;            /* --chunked */
	const char *path;       /* request path */
	const char *auth;       /* bearer token, or NULL */
	double timeout;         /* answer deadline, seconds */
	long long max_bytes;    /* --chunked limit */
	double idle_first;      /* --idle-first S, 0 unless given */
};

static struct opts o;

static double
mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A connected, non-blocking socket, or -1. */
static int
dial(void)
{
	struct sockaddr_in sa, src;
	struct timeval tv = { 3, 0 };   /* bounds connect(2) when the backlog is full */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (o.bind) {
		memset(&src, 0, sizeof src);
		src.sin_family = AF_INET;
		if (inet_pton(AF_INET, o.bind, &src.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&src, sizeof src) != 0) {
			close(fd);
			return -1;
		}
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)o.port);
	if (inet_pton(AF_INET, o.host, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* Write all of s before the deadline; 0, or -1 (closed, error or late). */
static int
send_all(int fd, const char *s, size_t n, double deadline)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w > 0) {
			s += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		{
			struct pollfd p = { fd, POLLOUT, 0 };
			int ms = (int)((deadline - mono()) * 1000);
			if (ms <= 0 || poll(&p, 1, ms) < 0)
				return -1;
		}
	}
	return 0;
}

/* The status of an answer that starts in fd, waiting until the deadline;
 * 0 when none came (closed, or late). */
static int
read_status(int fd, double deadline)
{
	char buf[512];
	size_t have = 0;
	int status = 0;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int ms = (int)((deadline - mono()) * 1000);
		ssize_t r;

		if (ms <= 0 || poll(&p, 1, ms) <= 0)
			return 0;
		r = recv(fd, buf + have, sizeof buf - 1 - have, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0)
			return 0;
		have += (size_t)r;
		buf[have] = '\0';
		if (sscanf(buf, "HTTP/1.%*d %d", &status) == 1)
			return status;
		if (have == sizeof buf - 1)
			return 0;
	}
}

static void
request_head(char *buf, size_t len, const char *framing)
{
	char auth[300] = "";

	if (o.auth)
		snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", o.auth);
	snprintf(buf, len, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
	    "%s%s\r\n\r\n", o.path, o.host, auth, framing);
}

static int
run_declare(void)
{
	char head[1024], framing[64];
	double t0 = mono(), deadline = t0 + o.timeout;
	int fd = dial(), status;

	if (fd < 0) {
		printf("declare: cannot connect\n");
		return 1;
	}
	snprintf(framing, sizeof framing, "Content-Length: %lld", o.declare);
	request_head(head, sizeof head, framing);
	if (send_all(fd, head, strlen(head), deadline) != 0) {
		printf("declare: send failed\n");
		close(fd);
		return 1;
	}
	status = read_status(fd, deadline);
	printf("declare: status=%d ms=%.0f\n", status, (mono() - t0) * 1000);
	close(fd);
	return 0;
}

static int
run_chunked(void)
{
	static char chunk[6 + 4096 + 2];     /* "1000\r\n", 4096 bytes, "\r\n" */
	char head[1024];
	double t0 = mono(), deadline = t0 + o.timeout;
	long long sent = 0;
	const char *end = "timeout";
	int fd = dial(), status = 0;
	size_t n;

	if (fd < 0) {
		printf("chunked: cannot connect\n");
		return 1;
	}
	n = (size_t)snprintf(chunk, sizeof chunk, "1000\r\n");
	memset(chunk + n, ' ', 4096);
	memcpy(chunk + n + 4096, "\r\n", 2);
	n += 4096 + 2;
	request_head(head, sizeof head, "Transfer-Encoding: chunked");
	if (send_all(fd, head, strlen(head), deadline) != 0) {
		printf("chunked: send failed\n");
		close(fd);
		return 1;
	}
	while (mono() < deadline) {
		struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
		int ms = (int)((deadline - mono()) * 1000);
		ssize_t w;

		if (sent >= o.max_bytes) {
			end = "limit";
			break;
		}
		if (ms <= 0 || poll(&p, 1, ms) <= 0)
			continue;
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			status = read_status(fd, deadline);
			end = status ? "answer" : "closed";
			break;
		}
		w = send(fd, chunk, n, MSG_NOSIGNAL);
		if (w > 0) {
			sent += w;
			/* A partial chunk: finish it so the framing stays right. */
			if ((size_t)w < n && send_all(fd, chunk + w, n - (size_t)w, deadline) == 0)
				sent += (long long)(n - (size_t)w);
		} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
			status = read_status(fd, mono() + 1);
			end = status ? "answer" : "closed";
			break;
		}
	}
	printf("chunked: status=%d sent=%lld ms=%.0f end=%s\n", status, sent, (mono() - t0) * 1000,
	    end);
	close(fd);
	return 0;
}

static int
run_slow(void)
{
	static const char line[] = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
	struct pollfd *p = calloc((size_t)o.slow, sizeof *p);
	double *opened = calloc((size_t)o.slow, sizeof *opened);
	int *dripped = calloc((size_t)o.slow, sizeof *dripped);
	double t0 = mono(), next, first = -1, last = -1;
	int i, n_open = 0, refused = 0, cut = 0, alive = 0;

	if (p == NULL || opened == NULL || dripped == NULL)
		return 3;
	for (i = 0; i < o.slow; i++) {
		p[i].fd = dial();
		p[i].events = POLLIN;
		opened[i] = mono();
		if (p[i].fd < 0)
			continue;
		n_open++;
		if (send(p[i].fd, line, sizeof line - 1, MSG_NOSIGNAL) < 0) {
			/* closed at once: counted below when poll sees it */
		}
	}
	printf("slow: %d dripping\n", n_open);
	fflush(stdout);
	next = mono() + o.every_ms / 1000.0;
	while (mono() - t0 < o.duration) {
		int ms = (int)((next - mono()) * 1000), k;
		double end_ms = (o.duration - (mono() - t0)) * 1000;

		if (ms > end_ms)
			ms = (int)end_ms;
		k = poll(p, (nfds_t)o.slow, ms > 0 ? ms : 0);
		for (i = 0; k > 0 && i < o.slow; i++) {
			char b[512];
			ssize_t r;
			double age;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			r = recv(p[i].fd, b, sizeof b, MSG_DONTWAIT);
			if (r > 0 || (r < 0 && (errno == EAGAIN || errno == EINTR)))
				continue;   /* an answer (408, 503): wait for the close */
			close(p[i].fd);
			p[i].fd = -1;
			age = mono() - opened[i];
			if (age < 1.0 && !dripped[i]) {
				refused++;
			} else {
				cut++;
				if (first < 0 || age < first)
					first = age;
				if (age > last)
					last = age;
			}
		}
		if (mono() >= next) {
			for (i = 0; i < o.slow; i++)
				if (p[i].fd >= 0 && send(p[i].fd, "a", 1, MSG_NOSIGNAL) == 1)
					dripped[i]++;
			next += o.every_ms / 1000.0;
		}
	}
	for (i = 0; i < o.slow; i++)
		if (p[i].fd >= 0) {
			alive++;
			close(p[i].fd);
		}
	printf("slow: opened=%d refused=%d cut=%d alive=%d first_cut=%.1f last_cut=%.1f\n", n_open,
	    refused, cut, alive, first, last);
	free(p);
	free(opened);
	free(dripped);
	return 0;
}

static int
run_idle_first(void)
{
	static const char get[] = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
	struct pollfd p;
	int fd = dial(), status = 0;
	double until = mono() + o.idle_first;

	if (fd < 0) {
		printf("idle-first: cannot connect\n");
		return 1;
	}
	/* Silent until S; a close by the server before then ends the wait. */
	p.fd = fd;
	p.events = POLLIN;
	while (mono() < until) {
		int ms = (int)((until - mono()) * 1000);
		if (poll(&p, 1, ms > 0 ? ms : 0) > 0)
			break;
	}
	if (mono() >= until && send_all(fd, get, sizeof get - 1, mono() + o.timeout) == 0)
		status = read_status(fd, mono() + o.timeout);
	printf("idle-first: status=%d\n", status);
	close(fd);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: hostile --port P --slow N [--bind ADDR] [--every MS] [--duration S]\n"
	    "       hostile --port P --declare BYTES [--path P] [--auth T] [--timeout S]\n"
	    "       hostile --port P --chunked [--path P] [--auth T] [--timeout S] [--max-bytes B]\n"
	    "       hostile --port P --idle-first S [--timeout T]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int i;

	o.host = "127.0.0.1";
	o.every_ms = 2000;
	o.duration = 30;
	o.declare = -1;
	o.path = "/api/v1/tickets";
	o.timeout = 10;
	o.max_bytes = 256LL << 20;
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--chunked")) {
			o.chunked = 1;
			continue;
		}
		if (v == NULL)
			usage();
		i++;
		if (!strcmp(a, "--port")) o.port = atoi(v);
		else if (!strcmp(a, "--host")) o.host = v;
		else if (!strcmp(a, "--bind")) o.bind = v;
		else if (!strcmp(a, "--slow")) o.slow = atoi(v);
		else if (!strcmp(a, "--every")) o.every_ms = atoi(v);
		else if (!strcmp(a, "--duration")) o.duration = atof(v);
		else if (!strcmp(a, "--declare")) o.declare = atoll(v);
		else if (!strcmp(a, "--path")) o.path = v;
		else if (!strcmp(a, "--auth")) o.auth = v;
		else if (!strcmp(a, "--timeout")) o.timeout = atof(v);
		else if (!strcmp(a, "--max-bytes")) o.max_bytes = atoll(v);
		else if (!strcmp(a, "--idle-first")) o.idle_first = atof(v);
		else usage();
	}
	if (o.port <= 0 || o.port > 65535 || o.slow < 0 || o.slow > MAX_SLOW || o.every_ms < 10 ||
	    o.duration <= 0 || o.duration > 300 || o.timeout <= 0 || o.timeout > 300)
		usage();
	if (o.slow > 0)
		return run_slow();
	if (o.declare >= 0)
		return run_declare();
	if (o.idle_first > 0 && o.idle_first <= 300)
		return run_idle_first();
	if (o.chunked)
		return run_chunked();
	usage();
	return 2;
}
