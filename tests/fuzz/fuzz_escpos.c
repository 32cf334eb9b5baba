/*
 * fuzz_escpos: the status bytes a receipt printer sends back. They come
 * from a device anybody can plug in, or from the network (tcp:HOST:9100),
 * and kiosk/printer/printer.c reads them one at a time to decide whether a
 * slip was printed; kiosk/core/escpos.c decodes each byte.
 *
 * The input is a script for a fake printer on the other end of a socket
 * pair, driven through printer_fd_status exactly as the tcp backend is:
 *   byte 0      bit 0: 0 asks the status now (DLE EOT 1, 2, 4),
 *               1 waits for the GS r 1 barrier that ends a job;
 *   then chunks, each a length byte (low 3 bits: 0-7 bytes) and the bytes.
 * Chunk 0 is on the wire before the call (a late reply, or the barrier's
 * answer); each next chunk answers one DLE EOT query; an empty chunk is
 * silence (the printer code waits REPLY_MS); after the last chunk the fake
 * printer closes the connection. The fake printer runs in a thread that
 * only answers what it is asked, so a run repeats, except when the machine
 * is so loaded that a reply takes longer than REPLY_MS.
 *
 * Every data byte also goes through the pure decoders.
 *
 * Properties: a decoded byte is UNKNOWN exactly when it is not a valid
 * reply; every query sent is 10 04 n with n in 1, 2 or 4; the call returns
 * within its bounds with a known state.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>

#include "core/clock.h"
#include "core/escpos.h"
#include "printer/printer.h"
#include "fuzz.h"

#define MAX_CHUNKS 8
#define REPLY_MS 5          /* wait for one reply: short, the peer is a local thread */

struct script {
	const uint8_t *chunk[MAX_CHUNKS];   /* each chunk's bytes */
	size_t len[MAX_CHUNKS];             /* and length */
	int n;                              /* chunks */
	int fd;                             /* the fake printer's end */
};

static void
send_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k <= 0)
			return;   /* the printer code hung up: fine */
		p += k;
		n -= (size_t)k;
	}
}

/* 1 with one whole query read, 0 when the printer code closed. */
static int
read_query(int fd)
{
	uint8_t q[3];
	size_t got = 0;

	while (got < sizeof q) {
		ssize_t k = read(fd, q + got, sizeof q - got);
		if (k <= 0)
			return 0;
		got += (size_t)k;
	}
	FUZZ_ASSERT(q[0] == 0x10 && q[1] == 0x04 && (q[2] == 1 || q[2] == 2 || q[2] == 4));
	return 1;
}

static void *
fake_printer(void *arg)
{
	struct script *s = arg;
	uint8_t junk[64];
	int i;

	for (i = 1; i < s->n; i++) {
		if (!read_query(s->fd))
			return NULL;
		send_all(s->fd, s->chunk[i], s->len[i]);
	}
	shutdown(s->fd, SHUT_WR);   /* the printer hangs up */
	while (read(s->fd, junk, sizeof junk) > 0)
		;                       /* until the printer code closes */
	return NULL;
}

static int
fcntl_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void
decoders(const uint8_t *data, size_t size)
{
	enum escpos_state a = ESCPOS_UNKNOWN, b, w;
	size_t i;
	int n;

	for (i = 0; i < size; i++) {
		for (n = ESCPOS_Q_PRINTER; n <= ESCPOS_Q_PAPER; n++) {
			a = escpos_status_decode((enum escpos_query)n, data[i]);
			FUZZ_ASSERT((a == ESCPOS_UNKNOWN) == !escpos_status_valid(data[i]));
		}
		b = escpos_barrier_decode(data[i]);
		FUZZ_ASSERT((b == ESCPOS_UNKNOWN) == !escpos_barrier_valid(data[i]));
		/* No byte is both kinds of reply: bit 4 tells them apart. */
		FUZZ_ASSERT(!(escpos_status_valid(data[i]) && escpos_barrier_valid(data[i])));
		w = escpos_state_worse(a, b);
		FUZZ_ASSERT((w == a || w == b) && escpos_state_worse(b, a) == w);
		FUZZ_ASSERT(escpos_state_worse(w, a) == w && escpos_state_worse(a, a) == a);
		FUZZ_ASSERT(escpos_state_str(a) != NULL && escpos_state_str(b) != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script s;
	struct printer_fd *dev;
	enum printer_query q;
	enum escpos_state st;
	pthread_t th;
	char err[200] = "";
	int sv[2], rc;
	size_t off = 1;
	int64_t t0, deadline;

	if (size < 1 || size > 256)
		return -1;
	decoders(data, size);
	q = (data[0] & 1) ? PRINTER_Q_BARRIER : PRINTER_Q_NOW;
	memset(&s, 0, sizeof s);
	while (off < size && s.n < MAX_CHUNKS) {
		size_t l = data[off++] & 7;
		if (l > size - off)
			l = size - off;
		s.chunk[s.n] = data + off;
		s.len[s.n++] = l;
		off += l;
	}

	FUZZ_ASSERT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	FUZZ_ASSERT(fcntl_nonblock(sv[0]) == 0);
	if (s.n > 0)
		send_all(sv[1], s.chunk[0], s.len[0]);
	s.fd = sv[1];
	FUZZ_ASSERT(pthread_create(&th, NULL, fake_printer, &s) == 0);

	FUZZ_ASSERT((dev = calloc(1, sizeof *dev)) != NULL);
	dev->fd = sv[0];
	dev->sock = 1;
	dev->bidirectional = 1;
	dev->reply_ms = REPLY_MS;
	t0 = clock_ms();
	/* The barrier is checked every 500 ms by a DLE EOT: a deadline below
	 * that keeps each run short (the checks are covered by the "now" mode). */
	deadline = t0 + (q == PRINTER_Q_BARRIER ? 15 : 2000);
	rc = printer_fd_status(dev, q, deadline, &st, err, sizeof err);
	printer_fd_close(dev);       /* closes sv[0]: the fake printer ends */
	FUZZ_ASSERT(pthread_join(th, NULL) == 0);
	close(sv[1]);

	FUZZ_ASSERT(st >= ESCPOS_READY && st <= ESCPOS_UNKNOWN);
	if (q == PRINTER_Q_NOW)
		FUZZ_ASSERT(rc == 0 || rc == -1);
	else
		FUZZ_ASSERT(rc >= -1 && rc <= 1);
	if (rc < 0)
		FUZZ_ASSERT(err[0] != '\0');
	FUZZ_ASSERT(clock_ms() <= deadline + 1000);   /* bounded, with slack for a loaded box */
	return 0;
}
