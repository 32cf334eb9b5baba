/*
 * printer_tcp: raw TCP port 9100 ("JetDirect") backend. Connects with a
 * time-out, reads status replies on the same socket, and bounds every write
 * with poll(POLLOUT). The socket's send buffer is kept small so that a
 * printer that stops reading is noticed by the write deadline, not hidden in
 * megabytes of kernel buffer. A connection the printer closed while idle is
 * noticed before use, so the facade can reconnect instead of losing a job.
 * Note: getaddrinfo() on a host name may wait for DNS; use an IP address on
 * a kiosk. Platform module; all static but printer_tcp_ops.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "printer/printer.h"

#define TCP_SNDBUF 32768   /* bytes the kernel may hold for the printer */

struct tcpdev {
	struct printer_fd d; /* connected socket, non-blocking (first: see printer_fd) */
	char where[600];     /* "host:port", for messages */
};

/* Connect one address, waiting until deadline. 0, or -1 with errno. */
static int
connect_one(const struct addrinfo *ai, int64_t deadline, int *fdp)
{
	int fd, one = 1, buf = TCP_SNDBUF, e;
	socklen_t el = sizeof e;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		int r;

		if (errno != EINPROGRESS)
			goto fail;
		if ((r = printer_fd_wait(fd, POLLOUT, deadline)) <= 0) {
			if (r == 0)
				errno = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
			goto fail;
		if (e != 0) {
			errno = e;
			goto fail;
		}
	}
	*fdp = fd;
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int
tcp_open(const struct printer_spec *spec, int bidirectional, int64_t deadline,
    void **dev, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct tcpdev *t;
	char port[16];
	int rc, e = 0, fd = -1;

	t = calloc(1, sizeof *t);
	if (t == NULL)
		return errf(err, errlen, "out of memory");
	snprintf(t->where, sizeof t->where, "%s:%d", spec->path, spec->port);
	snprintf(port, sizeof port, "%d", spec->port);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(spec->path, port, &hints, &res);
	if (rc != 0) {
		errf(err, errlen, "cannot find printer host %s: %s", spec->path, gai_strerror(rc));
		free(t);
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (connect_one(ai, deadline, &fd) == 0)
			break;
		e = errno;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (e == ETIMEDOUT)
			errf(err, errlen, "printer at %s did not answer within %.1f s (is it on the network?)",
			    t->where, (double)spec->timeout_ms / 1000.0);
		else if (e == ECONNREFUSED)
			errf(err, errlen, "printer at %s refused the connection (is it on, and is the port right?)",
			    t->where);
		else if (e == EHOSTUNREACH || e == ENETUNREACH)
			errf(err, errlen, "no route to the printer at %s", t->where);
		else
			errf(err, errlen, "cannot connect to the printer at %s: %s", t->where, strerror(e));
		free(t);
		return -1;
	}
	t->d.fd = fd;
	t->d.sock = 1;
	t->d.bidirectional = bidirectional;
	t->d.reply_ms = spec->reply_ms;
	*dev = t;
	return 0;
}

/* 1 when the printer has closed or reset the connection. */
static int
peer_gone(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLRDHUP };

	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	return (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

static int
tcp_write(void *dev, const uint8_t *data, size_t len, int64_t deadline, int stall_ms,
    size_t *sent, char *err, size_t errlen)
{
	struct tcpdev *t = dev;
	char why[160];
	int e;

	*sent = 0;
	if (peer_gone(t->d.fd)) {
		errf(err, errlen, "the printer at %s closed the connection", t->where);
		errno = ECONNRESET;
		return -1;
	}
	if (printer_fd_write(t->d.fd, 1, data, len, deadline, stall_ms, sent, why, sizeof why) == 0)
		return 0;
	e = errno;
	if (e == EPIPE || e == ECONNRESET)
		errf(err, errlen, "the printer at %s closed the connection (%zu of %zu bytes sent)",
		    t->where, *sent, len);
	else
		errf(err, errlen, "%s", why);
	errno = e;
	return -1;
}

static int
tcp_status(void *dev, enum printer_query q, int64_t deadline, enum escpos_state *st,
    char *err, size_t errlen)
{
	struct tcpdev *t = dev;

	*st = ESCPOS_UNKNOWN;
	if (q == PRINTER_Q_NOW && peer_gone(t->d.fd))
		return errf(err, errlen, "the printer at %s closed the connection", t->where);
	return printer_fd_status(dev, q, deadline, st, err, errlen);
}

const struct printer_ops printer_tcp_ops = {
	.scheme = "tcp",
	.open = tcp_open,
	.write = tcp_write,
	.status = tcp_status,
	.close = printer_fd_close,
};
