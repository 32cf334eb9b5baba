/*
 * printer_emu: a TCP 9100 ESC/POS printer for tests, on 127.0.0.1 only.
 * It parses the stream like a printer (so GS v 0 image data is skipped,
 * never taken for commands), answers DLE EOT n and GS r 1, stores each job
 * (ESC @ up to its cut and GS r 1) as DIR/job-NNN.bin, and can be scripted
 * to fail. One client at a time, like most network printers. It always
 * exits by itself (--max-seconds, default 30), so no test can hang on it.
 *
 *   printer_emu [--port N] [--out DIR] [--max-seconds S] [--exit-after-jobs N]
 *               [--paper-out] [--cover-open] [--offline] [--near-end]
 *               [--paper-out-after-bytes N] [--silent] [--stall-after-bytes N]
 *               [--close-after-job]
 *
 * The first line on stdout is the port it listens on (useful with --port 0,
 * the default: the kernel picks a free one). Byte counts are totals since
 * start. --paper-out-after-bytes: after N bytes the paper runs out: GS r 1
 * is no longer answered and DLE EOT says paper end. --silent: answers
 * nothing, like a one-way printer. --stall-after-bytes: stops reading after
 * N bytes, so the sender's writes back up. --close-after-job: closes the
 * connection after each job, as printers that drop idle clients do.
 * Exit status: 0, or 3 when it met bytes it did not understand.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Script and state of the emulated printer. */
static struct {
	const char *out;         /* directory for job files, or NULL */
	int paper_out;           /* paper end: stopped */
	int cover_open;          /* cover open: stopped */
	int offline;             /* offline: stopped */
	int near_end;            /* paper near end: prints */
	int silent;              /* never answers */
	long long paper_after;   /* paper runs out after this many bytes; -1 never */
	long long stall_after;   /* stop reading after this many bytes; -1 never */
	int close_after_job;     /* drop the client after each job */
	long long rx;            /* bytes received since start */
	int jobs_done;           /* jobs stored with a cut */
	int jobs_saved;          /* job files written */
	int bad_bytes;           /* bytes not understood */
} emu = { .paper_after = -1, .stall_after = -1 };

/* One client connection's unparsed input. */
struct conn {
	int fd;            /* socket, -1 when none */
	uint8_t *buf;      /* received bytes */
	size_t len, cap;   /* bytes held / allocated */
	size_t pos;        /* parsed up to here */
	long long job;     /* offset of the current job's ESC @, -1 when none */
	int job_cut;       /* the current job has been cut */
	int close_now;     /* close after this parse (close_after_job) */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
stopped(void)
{
	return emu.paper_out || emu.cover_open || emu.offline;
}

static void
reply(struct conn *c, uint8_t b)
{
	if (emu.silent)
		return;
	if (send(c->fd, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1)
		fprintf(stderr, "printer_emu: could not send a reply: %s\n", strerror(errno));
}

static void
save_job(struct conn *c, size_t end)
{
	char path[4096];
	FILE *f;

	if (c->job < 0)
		return;
	emu.jobs_saved++;
	if (c->job_cut)
		emu.jobs_done++;
	fprintf(stderr, "printer_emu: job %d: %zu bytes%s\n", emu.jobs_saved,
	    end - (size_t)c->job, c->job_cut ? "" : " (no cut)");
	if (emu.out) {
		snprintf(path, sizeof path, "%s/job-%03d.bin", emu.out, emu.jobs_saved);
		f = fopen(path, "wb");
		if (f == NULL || fwrite(c->buf + c->job, 1, end - (size_t)c->job, f) != end - (size_t)c->job) {
			fprintf(stderr, "printer_emu: cannot write %s\n", path);
			exit(2);
		}
		fclose(f);
	}
	c->job = -1;
	c->job_cut = 0;
	if (emu.close_after_job)
		c->close_now = 1;
}

/* Parse as far as whole commands go. */
static void
parse(struct conn *c)
{
	while (c->pos < c->len) {
		const uint8_t *p = c->buf + c->pos;
		size_t left = c->len - c->pos, n = 0;

		if (p[0] == 0x10) {                       /* DLE EOT n */
			if (left < 3)
				return;
			n = 3;
			if (p[1] == 0x04) {
				uint8_t b = 0x12;
				switch (p[2]) {
				case 1: b |= stopped() ? 0x08 : 0; break;
				case 2: b |= (emu.cover_open ? 0x04 : 0) | (emu.paper_out ? 0x20 : 0); break;
				case 3: break;
				case 4: b |= (emu.near_end ? 0x0C : 0) | (emu.paper_out ? 0x60 : 0); break;
				default: b = 0; break;
				}
				if (b)
					reply(c, b);
			} else {
				emu.bad_bytes++;
			}
		} else if (p[0] == 0x00) {                /* NUL: nothing */
			n = 1;
		} else if (p[0] == 0x1B) {
			if (left < 2)
				return;
			if (p[1] == 0x40) {                   /* ESC @ */
				if (c->job >= 0)
					save_job(c, c->pos);
				c->job = (long long)c->pos;
				n = 2;
			} else if (p[1] == 0x64 || p[1] == 0x4A || p[1] == 0x61) {
				if (left < 3)
					return;
				n = 3;
			} else {
				n = 1;
				emu.bad_bytes++;
			}
		} else if (p[0] == 0x1D) {
			if (left < 2)
				return;
			if (p[1] == 0x28) {                   /* GS ( X pL pH ... */
				if (left < 5)
					return;
				n = 5 + (size_t)(p[3] | p[4] << 8);
				if (left < n)
					return;
			} else if (p[1] == 0x76) {            /* GS v 0 m xL xH yL yH d */
				if (left < 8)
					return;
				n = 8 + (size_t)(p[4] | p[5] << 8) * (size_t)(p[6] | p[7] << 8);
				if (left < n)
					return;
			} else if (p[1] == 0x56) {            /* GS V m [n] */
				if (left < 3)
					return;
				n = (p[2] == 0x41 || p[2] == 0x42) ? 4 : 3;
				if (left < n)
					return;
				c->job_cut = 1;
			} else if (p[1] == 0x72) {            /* GS r n */
				if (left < 3)
					return;
				n = 3;
				/* Answered once everything before it is processed: never
				 * while the printer is stopped. */
				if (!stopped())
					reply(c, emu.near_end ? 0x03 : 0x00);
				if (c->job >= 0 && c->job_cut) {
					c->pos += n;
					save_job(c, c->pos);
					continue;
				}
			} else {
				n = 1;
				emu.bad_bytes++;
			}
		} else {
			n = 1;
			emu.bad_bytes++;
			fprintf(stderr, "printer_emu: unknown byte 0x%02X at offset %zu\n", p[0], c->pos);
		}
		c->pos += n;
	}
}

static void
conn_close(struct conn *c)
{
	if (c->fd < 0)
		return;
	if (c->job >= 0)
		save_job(c, c->len);
	close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = c->pos = 0;
	c->close_now = 0;
}

static long long
num(const char *s, const char *opt)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0) {
		fprintf(stderr, "printer_emu: %s needs a number\n", opt);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	struct conn c = { .fd = -1, .job = -1 };
	long long port = 0, max_s = 30, exit_after = -1;
	int lfd, one = 1, i;
	int64_t end;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : "";
		if (strcmp(a, "--port") == 0) { port = num(v, a); i++; }
		else if (strcmp(a, "--out") == 0) { emu.out = v; i++; }
		else if (strcmp(a, "--max-seconds") == 0) { max_s = num(v, a); i++; }
		else if (strcmp(a, "--exit-after-jobs") == 0) { exit_after = num(v, a); i++; }
		else if (strcmp(a, "--paper-out-after-bytes") == 0) { emu.paper_after = num(v, a); i++; }
		else if (strcmp(a, "--stall-after-bytes") == 0) { emu.stall_after = num(v, a); i++; }
		else if (strcmp(a, "--paper-out") == 0) emu.paper_out = 1;
		else if (strcmp(a, "--cover-open") == 0) emu.cover_open = 1;
		else if (strcmp(a, "--offline") == 0) emu.offline = 1;
		else if (strcmp(a, "--near-end") == 0) emu.near_end = 1;
		else if (strcmp(a, "--silent") == 0) emu.silent = 1;
		else if (strcmp(a, "--close-after-job") == 0) emu.close_after_job = 1;
		else {
			fprintf(stderr, "printer_emu: unknown option %s\n", a);
			return 2;
		}
	}
	if (port > 65535 || max_s < 1 || max_s > 3600) {
		fprintf(stderr, "printer_emu: bad --port or --max-seconds (1..3600)\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		perror("printer_emu: socket");
		return 2;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (emu.stall_after >= 0) {
		/* A small receive window, so a stall backs the sender up fast. */
		int rb = 4096;
		setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &rb, sizeof rb);
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 4) < 0) {
		perror("printer_emu: bind/listen on 127.0.0.1");
		return 2;
	}
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	printf("%d\n", ntohs(sa.sin_port));
	fflush(stdout);

	end = now_ms() + max_s * 1000;
	for (;;) {
		struct pollfd pfd;
		int64_t now = now_ms();
		int r, reading;

		if (exit_after >= 0 && emu.jobs_done >= exit_after && c.fd < 0)
			break;
		if (now >= end) {
			fprintf(stderr, "printer_emu: --max-seconds reached\n");
			break;
		}
		reading = emu.stall_after < 0 || emu.rx < emu.stall_after;
		if (c.fd < 0) {
			pfd.fd = lfd;
			pfd.events = POLLIN;
		} else {
			pfd.fd = c.fd;
			pfd.events = reading ? POLLIN : 0;
		}
		r = poll(&pfd, 1, (int)(end - now));
		if (r < 0 && errno != EINTR) {
			perror("printer_emu: poll");
			return 2;
		}
		if (r <= 0)
			continue;
		if (c.fd < 0) {
			c.fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (c.fd >= 0)
				setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			c.job = -1;
			continue;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			size_t want = 65536;
			ssize_t n;

			if (emu.stall_after >= 0 && (long long)want > emu.stall_after - emu.rx)
				want = (size_t)(emu.stall_after - emu.rx);
			if (c.len + want > c.cap) {
				c.cap = (c.len + want) * 2;
				c.buf = realloc(c.buf, c.cap);
				if (c.buf == NULL) {
					fprintf(stderr, "printer_emu: out of memory\n");
					return 2;
				}
			}
			n = recv(c.fd, c.buf + c.len, want, 0);
			if (n <= 0) {
				if (n < 0 && (errno == EINTR || errno == EAGAIN))
					continue;
				conn_close(&c);
				continue;
			}
			c.len += (size_t)n;
			emu.rx += n;
			if (emu.paper_after >= 0 && emu.rx >= emu.paper_after && !emu.paper_out) {
				emu.paper_out = 1;
				fprintf(stderr, "printer_emu: out of paper after %lld bytes\n", emu.rx);
			}
			parse(&c);
			if (c.close_now)
				conn_close(&c);
		}
	}
	conn_close(&c);
	close(lfd);
	if (emu.bad_bytes) {
		fprintf(stderr, "printer_emu: %d bytes not understood\n", emu.bad_bytes);
		return 3;
	}
	return 0;
}
