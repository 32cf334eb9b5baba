/*
 * bench/board_fanout: how fast a call reaches every waiting-room board
 * (issue 5, "Benchmark").
 *
 * Against a running `kiosk serve` on 127.0.0.1, one process, one thread,
 * one poll loop over plain sockets (no HTTP library, so the figures are the
 * server's and the wire's, not a client library's):
 *
 *   1. issues --tickets tickets with the device key (one keep-alive
 *      connection, round robin over the services of GET /api/v1/services,
 *      with a holder number for services that bind one);
 *   2. opens --boards public event streams (GET /api/v1/events) and
 *      --counters staff streams (the counters' consoles, Bearer staff
 *      token), and waits until each has had its first bytes ("retry:");
 *   3. stays idle --idle seconds with every stream open, for the server's
 *      idle CPU;
 *   4. --calls POST /api/v1/counters/{n}/call-next, round robin over the
 *      counters, one every --interval ms (each counter on its own
 *      keep-alive connection, as a console would be; a counter whose last
 *      call is still unanswered sends when the answer came), then one burst
 *      of one call per counter sent back to back;
 *   5. waits until every stream has had the `call` event of every answered
 *      call (or --settle seconds after the last answer).
 *
 * t0 is read just before the POST is written; a stream's arrival time is
 * read just after the recv() that completed the event. Printed: the
 * distribution over every (call, board) pair (median, p90, p99, max), per
 * call the last board (the call is on every screen only then), the first
 * one and the gap between them (the fan-out proper: the first board has it
 * as soon as the bus publishes), the same for the consoles' streams, and as a reference the call-next
 * round trip itself (it includes the durable commit). Then the server's
 * VmRSS/VmHWM/Threads (/proc/PID/status) and its CPU (utime+stime of
 * /proc/PID/stat) in % of one core, idle and over the call window.
 *
 * The run is bounded: sockets have send time-outs, every wait is a poll
 * with a deadline, and alarm(--timeout) ends the process whatever happens.
 *
 *   build/bench/board_fanout --port P --pid PID --device-key K --staff-token T
 *       [--boards 50] [--counters 20] [--calls 300] [--interval 20]
 *       [--burst 1] [--tickets 2*calls] [--idle 10] [--settle 5] [--timeout 180]
 *
 * Exit status: 0 when the run completed (whatever the figures), 1 when it
 * could not (server gone, a stream refused, nothing answered).
 */
#include <arpa/inet.h>
#include <cJSON.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_STREAMS  512
#define MAX_COUNTERS 99
#define HDR_MAX      8192
#define LINE_MAX_    8192
#define NUM_MAX      16

enum kind { K_BOARD, K_CONSOLE, K_CALLER, K_ISSUER };

struct bench;

/* Reader of one HTTP/1.1 response: headers, then a body that is either
 * Content-Length bytes or chunked. */
struct httpr {
	char hdr[HDR_MAX];      /* header bytes so far */
	size_t hlen;            /* bytes in hdr */
	int in_body;            /* headers done */
	int status;             /* status code, 0 until known */
	int chunked;            /* Transfer-Encoding: chunked */
	long clen;              /* Content-Length, -1 if none */
	long got;               /* body bytes delivered (Content-Length case) */
	int cstate;             /* chunk parser: 0 size line, 1 data, 2 CRLF, 3 done */
	long crem;              /* bytes left in the current chunk */
	char cline[32];         /* chunk size line so far */
	size_t clinelen;        /* bytes in cline */
	int done;               /* whole response read */
};

/* One connection: an event stream, a counter's console or the issuer. */
struct conn {
	struct bench *b;        /* the run it belongs to */
	int fd;                 /* socket, -1 when closed */
	enum kind kind;         /* what it is for */
	int counter;            /* K_CONSOLE/K_CALLER: counter number */
	struct httpr r;         /* response being read */
	/* event streams */
	char line[LINE_MAX_];   /* SSE line so far */
	size_t llen;            /* bytes in line */
	char evtype[32];        /* current event's name */
	char data[LINE_MAX_];   /* current event's data */
	size_t dlen;            /* bytes in data */
	int hello;              /* got the first bytes of the stream */
	long ncalls;            /* call events seen */
	long nother;            /* other events seen */
	long nkeepalive;        /* keep-alive comments seen */
	long nresync;           /* resync events seen */
	int closed;             /* the server closed it */
	/* callers and issuer */
	char body[16384];       /* response body */
	size_t blen;            /* bytes in body */
	char cur[16];           /* K_CALLER: the ticket it sees called, sent as "current" */
	int busy;               /* a request is in flight */
	int call;               /* index of the call in flight */
};

/* One call-next. */
struct call {
	int counter;            /* counter that called */
	int burst;              /* part of the burst */
	int64_t t0;             /* µs, just before the request was written */
	int64_t tresp;          /* µs, whole answer read (0: none) */
	int status;             /* HTTP status, 0 if no answer */
	char number[NUM_MAX];   /* ticket called ("" if none) */
};

/* One `call` event seen on one stream. */
struct arrival {
	int stream;             /* index into streams */
	int64_t t;              /* µs, after the recv() that completed it */
	char number[NUM_MAX];   /* its "number" */
};

/* The whole run. */
struct bench {
	int port;               /* server port on 127.0.0.1 */
	long pid;               /* server pid */
	const char *device_key; /* kiosk's bearer key */
	const char *staff_token;/* agent's bearer token */
	int nboards;            /* public streams */
	int ncounters;          /* consoles: staff streams + callers */
	int ncalls;             /* paced calls */
	int interval_ms;        /* between paced calls */
	int burst;              /* do the burst */
	int ntickets;           /* tickets to issue first */
	int idle_s;             /* idle measurement */
	int settle_s;           /* wait for late events */
	struct conn *streams;   /* nboards boards, then ncounters consoles */
	int nstreams;           /* nboards + ncounters */
	struct conn *callers;   /* one per counter */
	struct call *calls;     /* ncalls (+ ncounters for the burst) */
	int ncalls_total;       /* calls made */
	struct arrival *arr;    /* every call event seen */
	size_t narr, carr;      /* used, allocated */
	long expected;          /* arrivals expected from answered calls */
	long matched_live;      /* arrivals seen for answered calls */
};

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
die(const char *msg)
{
	fprintf(stderr, "board_fanout: %s\n", msg);
	exit(1);
}

/* -- /proc --------------------------------------------------------------- */

/* utime + stime of the server, in clock ticks; -1 if it is gone. */
static long long
proc_cpu_ticks(long pid)
{
	char path[64], buf[2048], *p;
	unsigned long long ut, st;
	FILE *f;
	size_t n;
	int i;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The name is in parentheses and may hold spaces: start after the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	p++;
	/* Fields 3..13 (state .. cmajflt), then 14 utime and 15 stime. */
	for (i = 3; i <= 13; i++) {
		p = strchr(p + 1, ' ');
		if (p == NULL)
			return -1;
	}
	if (sscanf(p, " %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/* One "Name:   value kB" line of /proc/PID/status, as a number; -1 if none. */
static long
proc_status(long pid, const char *name)
{
	char path[64], line[256];
	size_t nl = strlen(name);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, name, nl) && line[nl] == ':') {
			v = strtol(line + nl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static void
print_mem(long pid, const char *when)
{
	printf("server memory %s: VmRSS %ld kB, VmHWM %ld kB, Threads %ld\n", when,
	    proc_status(pid, "VmRSS"), proc_status(pid, "VmHWM"), proc_status(pid, "Threads"));
}

/* -- sockets -------------------------------------------------------------- */

static int
connect_local(int port)
{
	struct sockaddr_in sa;
	struct timeval tv = { 5, 0 };
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* Writes are a few hundred bytes; the time-out only guards a dead server. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* -- HTTP response reader ------------------------------------------------- */

static void
httpr_reset(struct httpr *r)
{
	memset(r, 0, sizeof *r);
	r->clen = -1;
}

/* A header's value in the header block, case-insensitive name; NULL if none. */
static const char *
header_value(const char *hdr, const char *name)
{
	size_t nl = strlen(name);
	const char *p = strstr(hdr, "\r\n");

	while (p && p[2] != '\r' && p[2] != '\0') {
		p += 2;
		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			p += nl + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			return p;
		}
		p = strstr(p, "\r\n");
	}
	return NULL;
}

/*
 * Feed bytes of a response. Body bytes go to sink(c, data, len, t). Returns
 * 0, or -1 on a malformed response. Bytes after the end of a response are
 * dropped (requests are never pipelined here).
 */
static int
httpr_feed(struct conn *c, const char *buf, size_t len, int64_t t,
    void (*sink)(struct conn *, const char *, size_t, int64_t))
{
	struct httpr *r = &c->r;

	while (len > 0 && !r->done) {
		if (!r->in_body) {
			char *end;
			size_t take = len < HDR_MAX - 1 - r->hlen ? len : HDR_MAX - 1 - r->hlen, used;
			const char *v;

			if (take == 0)
				return -1;
			memcpy(r->hdr + r->hlen, buf, take);
			r->hlen += take;
			r->hdr[r->hlen] = '\0';
			if ((end = strstr(r->hdr, "\r\n\r\n")) == NULL) {
				buf += take;
				len -= take;
				continue;
			}
			end[2] = '\0';      /* keep the last CRLF for header_value */
			used = (size_t)(end + 4 - r->hdr) - (r->hlen - take);
			buf += used;
			len -= used;
			if (sscanf(r->hdr, "HTTP/1.%*d %d", &r->status) != 1)
				return -1;
			if ((v = header_value(r->hdr, "Transfer-Encoding")) && !strncasecmp(v, "chunked", 7))
				r->chunked = 1;
			else if ((v = header_value(r->hdr, "Content-Length")))
				r->clen = strtol(v, NULL, 10);
			else if (r->status == 204 || r->status == 304)
				r->clen = 0;
			r->in_body = 1;
			if (!r->chunked && r->clen == 0)
				r->done = 1;
			continue;
		}
		if (!r->chunked) {
			size_t take = len;
			if (r->clen >= 0 && (long)take > r->clen - r->got)
				take = (size_t)(r->clen - r->got);
			sink(c, buf, take, t);
			r->got += (long)take;
			buf += take;
			len -= take;
			if (r->clen >= 0 && r->got >= r->clen)
				r->done = 1;
			continue;
		}
		switch (r->cstate) {
		case 0:         /* size line */
			if (*buf == '\n') {
				r->cline[r->clinelen] = '\0';
				r->crem = strtol(r->cline, NULL, 16);
				r->clinelen = 0;
				r->cstate = r->crem > 0 ? 1 : 3;
				if (r->cstate == 3)
					r->done = 1;
			} else if (r->clinelen < sizeof r->cline - 1) {
				r->cline[r->clinelen++] = *buf;
			}
			buf++;
			len--;
			break;
		case 1: {       /* data */
			size_t take = (long)len < r->crem ? len : (size_t)r->crem;
			sink(c, buf, take, t);
			r->crem -= (long)take;
			buf += take;
			len -= take;
			if (r->crem == 0)
				r->cstate = 2;
			break;
		}
		case 2:         /* CRLF after the data */
			if (*buf == '\n')
				r->cstate = 0;
			buf++;
			len--;
			break;
		default:
			len = 0;
		}
	}
	return 0;
}

/* -- event streams -------------------------------------------------------- */

static void
record_arrival(struct bench *b, struct conn *c, const char *number, int64_t t)
{
	struct arrival *a;

	if (b->narr == b->carr) {
		size_t n = b->carr ? b->carr * 2 : 4096;
		struct arrival *p = realloc(b->arr, n * sizeof *p);
		if (p == NULL)
			die("out of memory");
		b->arr = p;
		b->carr = n;
	}
	a = &b->arr[b->narr++];
	a->stream = (int)(c - b->streams);
	a->t = t;
	snprintf(a->number, sizeof a->number, "%s", number);
	b->matched_live++;
}

static void
sse_dispatch(struct conn *c, int64_t t)
{
	if (!strcmp(c->evtype, "call")) {
		cJSON *j = cJSON_ParseWithLength(c->data, c->dlen);
		const cJSON *num = cJSON_GetObjectItemCaseSensitive(j, "number");
		if (cJSON_IsString(num))
			record_arrival(c->b, c, num->valuestring, t);
		cJSON_Delete(j);
		c->ncalls++;
	} else if (!strcmp(c->evtype, "resync")) {
		c->nresync++;
	} else if (c->evtype[0] || c->dlen) {
		c->nother++;
	}
	c->evtype[0] = '\0';
	c->dlen = 0;
}

static void
sse_line(struct conn *c, int64_t t)
{
	char *l = c->line;
	size_t n = c->llen;

	if (n > 0 && l[n - 1] == '\r')
		n--;
	l[n] = '\0';
	c->hello = 1;
	if (n == 0) {
		sse_dispatch(c, t);
		return;
	}
	if (l[0] == ':') {
		if (strstr(l, "keep-alive"))
			c->nkeepalive++;
		return;
	}
	if (!strncmp(l, "event:", 6)) {
		l += 6;
		while (*l == ' ')
			l++;
		snprintf(c->evtype, sizeof c->evtype, "%s", l);
	} else if (!strncmp(l, "data:", 5)) {
		size_t dl;
		l += 5;
		if (*l == ' ')
			l++;
		dl = strlen(l);
		if (c->dlen > 0 && c->dlen < sizeof c->data - 1)
			c->data[c->dlen++] = '\n';
		if (dl > sizeof c->data - 1 - c->dlen)
			dl = sizeof c->data - 1 - c->dlen;
		memcpy(c->data + c->dlen, l, dl);
		c->dlen += dl;
		c->data[c->dlen] = '\0';
	}
	/* id: and retry: need nothing here. */
}

static void
sse_sink(struct conn *c, const char *buf, size_t len, int64_t t)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			sse_line(c, t);
			c->llen = 0;
		} else if (c->llen < sizeof c->line - 1) {
			c->line[c->llen++] = buf[i];
		}
	}
}

static void
body_sink(struct conn *c, const char *buf, size_t len, int64_t t)
{
	(void)t;
	if (len > sizeof c->body - 1 - c->blen)
		len = sizeof c->body - 1 - c->blen;
	memcpy(c->body + c->blen, buf, len);
	c->blen += len;
	c->body[c->blen] = '\0';
}

static int
open_stream(struct bench *b, struct conn *c)
{
	char req[1024];
	int n;

	if ((c->fd = connect_local(b->port)) < 0)
		return -1;
	httpr_reset(&c->r);
	if (c->kind == K_CONSOLE)
		n = snprintf(req, sizeof req, "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		    "Accept: text/event-stream\r\nAuthorization: Bearer %s\r\n\r\n", b->staff_token);
	else
		n = snprintf(req, sizeof req, "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		    "Accept: text/event-stream\r\n\r\n");
	if (n < 0 || (size_t)n >= sizeof req)
		return -1;
	return send_all(c->fd, req, (size_t)n);
}

/* -- calls ---------------------------------------------------------------- */

static void
finish_call(struct bench *b, struct conn *c, int64_t t)
{
	struct call *k = &b->calls[c->call];
	cJSON *j, *tk, *num;

	k->tresp = t;
	k->status = c->r.status;
	if (k->status == 204)
		c->cur[0] = '\0';
	if (k->status == 409 && (j = cJSON_Parse(c->body)) != NULL) {
		/* not_current: another caller moved this counter on; follow it. */
		num = cJSON_GetObjectItemCaseSensitive(j, "current");
		if (cJSON_IsString(num))
			snprintf(c->cur, sizeof c->cur, "%s", num->valuestring);
		cJSON_Delete(j);
	}
	if (k->status == 200 && (j = cJSON_Parse(c->body)) != NULL) {
		tk = cJSON_GetObjectItemCaseSensitive(j, "ticket");
		num = cJSON_GetObjectItemCaseSensitive(tk, "number");
		if (cJSON_IsString(num)) {
			snprintf(k->number, sizeof k->number, "%s", num->valuestring);
			snprintf(c->cur, sizeof c->cur, "%s", num->valuestring);
			b->expected += b->nstreams;
		}
		cJSON_Delete(j);
	}
	c->busy = 0;
}

static int
send_call(struct bench *b, struct conn *c, int burst)
{
	char req[1024];
	struct call *k;
	int n;

	char body[48];
	int blen = snprintf(body, sizeof body, "{\"current\":\"%s\"}", c->cur);

	n = snprintf(req, sizeof req, "POST /api/v1/counters/%d/call-next HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %d\r\n\r\n%s", c->counter, b->staff_token, blen, body);
	if (n < 0 || (size_t)n >= sizeof req)
		return -1;
	k = &b->calls[b->ncalls_total];
	memset(k, 0, sizeof *k);
	k->counter = c->counter;
	k->burst = burst;
	c->call = b->ncalls_total++;
	httpr_reset(&c->r);
	c->blen = 0;
	c->busy = 1;
	k->t0 = now_us();
	if (send_all(c->fd, req, (size_t)n) != 0) {
		c->busy = 0;
		return -1;
	}
	return 0;
}

/*
 * One round of the poll loop: wait until something is readable or until
 * `until` (µs), and read what is there. Returns -1 if a connection broke.
 */
static int
pump(struct bench *b, int64_t until)
{
	struct pollfd pfd[MAX_STREAMS + MAX_COUNTERS];
	struct conn *who[MAX_STREAMS + MAX_COUNTERS];
	int i, n = 0, rc, broke = 0;
	int64_t wait = until - now_us();
	char buf[65536];

	for (i = 0; i < b->nstreams; i++)
		if (b->streams[i].fd >= 0) {
			pfd[n].fd = b->streams[i].fd;
			pfd[n].events = POLLIN;
			who[n++] = &b->streams[i];
		}
	for (i = 0; i < b->ncounters; i++)
		if (b->callers[i].fd >= 0 && b->callers[i].busy) {
			pfd[n].fd = b->callers[i].fd;
			pfd[n].events = POLLIN;
			who[n++] = &b->callers[i];
		}
	if (wait < 0)
		wait = 0;
	rc = poll(pfd, (nfds_t)n, (int)((wait + 999) / 1000));
	if (rc <= 0)
		return rc < 0 && errno != EINTR ? -1 : 0;
	for (i = 0; i < n; i++) {
		struct conn *c = who[i];
		ssize_t got;
		int64_t t;

		if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		got = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
		t = now_us();
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (got <= 0) {
			close(c->fd);
			c->fd = -1;
			c->closed = 1;
			broke = 1;
			continue;
		}
		if (c->kind == K_CALLER) {
			if (httpr_feed(c, buf, (size_t)got, t, body_sink) != 0)
				broke = 1;
			else if (c->r.done)
				finish_call(b, c, t);
		} else if (httpr_feed(c, buf, (size_t)got, t, sse_sink) != 0 ||
		    (c->r.in_body && c->r.status != 200)) {
			fprintf(stderr, "board_fanout: stream %d: HTTP %d\n",
			    (int)(c - b->streams), c->r.status);
			close(c->fd);
			c->fd = -1;
			c->closed = 1;
			broke = 1;
		}
	}
	return broke ? -1 : 0;
}

static int
callers_busy(const struct bench *b)
{
	int i, n = 0;

	for (i = 0; i < b->ncounters; i++)
		n += b->callers[i].busy;
	return n;
}

/* -- issuing -------------------------------------------------------------- */

/* One blocking request on c (keep-alive), the answer in c->body. */
static int
request(struct bench *b, struct conn *c, const char *method, const char *path,
    const char *auth, const char *body)
{
	char req[2048];
	int64_t deadline = now_us() + 10 * 1000000;
	int n;

	if (c->fd < 0 && (c->fd = connect_local(b->port)) < 0)
		return -1;
	n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%s"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	    method, path, auth ? "Authorization: Bearer " : "", auth ? auth : "", auth ? "\r\n" : "",
	    body ? strlen(body) : 0, body ? body : "");
	if (n < 0 || (size_t)n >= sizeof req)
		return -1;
	httpr_reset(&c->r);
	c->blen = 0;
	if (send_all(c->fd, req, (size_t)n) != 0)
		return -1;
	while (!c->r.done) {
		struct pollfd p = { c->fd, POLLIN, 0 };
		char buf[16384];
		int64_t left = deadline - now_us();
		ssize_t got;

		if (left <= 0 || poll(&p, 1, (int)(left / 1000) + 1) <= 0)
			return -1;
		if ((got = recv(c->fd, buf, sizeof buf, 0)) <= 0)
			return -1;
		if (httpr_feed(c, buf, (size_t)got, now_us(), body_sink) != 0)
			return -1;
	}
	return c->r.status;
}

/* Issue b->ntickets tickets round robin over the site's services. */
static int
issue_tickets(struct bench *b)
{
	struct conn *c = calloc(1, sizeof *c);
	char codes[32], bind[32], body[256];
	int nserv = 0, i, ok = 0, other = 0, st;
	int64_t t0 = now_us();
	cJSON *j, *arr, *s;

	if (c == NULL)
		die("out of memory");
	c->b = b;
	c->fd = -1;
	c->kind = K_ISSUER;
	if (request(b, c, "GET", "/api/v1/services", NULL, NULL) != 200)
		die("GET /api/v1/services failed");
	if ((j = cJSON_Parse(c->body)) == NULL)
		die("GET /api/v1/services: bad JSON");
	arr = cJSON_GetObjectItemCaseSensitive(j, "services");
	cJSON_ArrayForEach(s, arr) {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(s, "code");
		if (!cJSON_IsString(code) || nserv >= (int)sizeof codes - 1)
			continue;
		codes[nserv] = code->valuestring[0];
		bind[nserv++] = (char)cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "bind_holder"));
	}
	cJSON_Delete(j);
	if (nserv == 0)
		die("the site has no services");
	for (i = 0; i < b->ntickets; i++) {
		int k = i % nserv;
		if (bind[k])
			snprintf(body, sizeof body, "{\"service\":\"%c\",\"lang\":\"fr\",\"priority\":false,"
			    "\"holder\":\"BF%c%07d\"}", codes[k], codes[k], i);
		else
			snprintf(body, sizeof body, "{\"service\":\"%c\",\"lang\":\"fr\",\"priority\":false}",
			    codes[k]);
		st = request(b, c, "POST", "/api/v1/tickets", b->device_key, body);
		if (st < 0)
			die("issuing: no answer from the server");
		if (st == 201 && !strstr(c->body, "\"attestation\""))
			ok++;
		else
			other++;
	}
	printf("issued %d tickets over %d services in %.1f s (%d other answers)\n",
	    ok, nserv, (now_us() - t0) / 1e6, other);
	close(c->fd);
	free(c);
	return ok;
}

/* -- figures -------------------------------------------------------------- */

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array, q in [0, 1]. */
static double
pct(const int64_t *v, size_t n, double q)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(q * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1] / 1000.0;
}

static void
print_dist(const char *label, int64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_i64);
	if (n == 0) {
		printf("  %-44s n=0\n", label);
		return;
	}
	printf("  %-44s n=%-6zu median %7.2f  p90 %7.2f  p99 %7.2f  max %7.2f ms\n", label, n,
	    pct(v, n, 0.5), pct(v, n, 0.9), pct(v, n, 0.99), v[n - 1] / 1000.0);
}

/*
 * For the calls with burst == which (-1: all), over streams [s0, s1): every
 * (call, stream) latency, the per-call last and first stream and their gap.
 * Returns the pairs' p99 in ms (for the goal), counts missing events, and
 * sets *fan_p99 (if not NULL) to the gap's p99.
 */
static double
report_streams(struct bench *b, const char *what, int s0, int s1, int which, long *missing,
    double *fan_p99)
{
	size_t cap = (size_t)b->ncalls_total * (size_t)(s1 - s0) + 1, np = 0, nl = 0;
	int64_t *pairs = malloc(cap * sizeof *pairs);
	int64_t *last = malloc(((size_t)b->ncalls_total + 1) * sizeof *last);
	int64_t *first = malloc(((size_t)b->ncalls_total + 1) * sizeof *first);
	int64_t *spread = malloc(((size_t)b->ncalls_total + 1) * sizeof *spread);
	int64_t *best = malloc((size_t)b->nstreams * sizeof *best);
	char label[96];
	double p99;
	size_t a;
	int i, s;

	if (!pairs || !last || !first || !spread || !best)
		die("out of memory");
	*missing = 0;
	for (i = 0; i < b->ncalls_total; i++) {
		const struct call *k = &b->calls[i];
		int64_t lo = INT64_MAX, hi = -1;

		if (!k->number[0] || (which >= 0 && k->burst != which))
			continue;
		for (s = 0; s < b->nstreams; s++)
			best[s] = -1;
		for (a = 0; a < b->narr; a++)
			if (b->arr[a].stream >= s0 && b->arr[a].stream < s1 &&
			    best[b->arr[a].stream] < 0 && !strcmp(b->arr[a].number, k->number))
				best[b->arr[a].stream] = b->arr[a].t - k->t0;
		for (s = s0; s < s1; s++) {
			if (best[s] < 0) {
				(*missing)++;
				continue;
			}
			pairs[np++] = best[s];
			if (best[s] < lo)
				lo = best[s];
			if (best[s] > hi)
				hi = best[s];
		}
		if (hi >= 0) {
			last[nl] = hi;
			spread[nl] = hi - lo;
			first[nl++] = lo;
		}
	}
	snprintf(label, sizeof label, "every (call, %s)", what);
	print_dist(label, pairs, np);
	p99 = np ? pct(pairs, np, 0.99) : -1;
	snprintf(label, sizeof label, "per call, last %s (on every screen)", what);
	print_dist(label, last, nl);
	snprintf(label, sizeof label, "per call, first %s", what);
	print_dist(label, first, nl);
	snprintf(label, sizeof label, "per call, last - first %s (the fan-out)", what);
	print_dist(label, spread, nl);
	if (fan_p99)
		*fan_p99 = nl ? pct(spread, nl, 0.99) : -1;
	free(pairs);
	free(spread);
	free(last);
	free(first);
	free(best);
	return p99;
}

static double
report_http(struct bench *b, int which)
{
	int64_t *v = malloc(((size_t)b->ncalls_total + 1) * sizeof *v);
	size_t n = 0;
	int i, s200 = 0, s204 = 0, sother = 0, none = 0;
	double p99;

	if (v == NULL)
		die("out of memory");
	for (i = 0; i < b->ncalls_total; i++) {
		const struct call *k = &b->calls[i];
		if (which >= 0 && k->burst != which)
			continue;
		if (k->status == 0) {
			none++;
			continue;
		}
		if (k->status == 200)
			s200++;
		else if (k->status == 204)
			s204++;
		else
			sother++;
		v[n++] = k->tresp - k->t0;
	}
	print_dist("call-next HTTP round trip (reference)", v, n);
	printf("  answers: %d x 200, %d x 204 (nobody waiting), %d other, %d none\n",
	    s200, s204, sother, none);
	p99 = n ? pct(v, n, 0.99) : -1;
	free(v);
	return p99;
}

/* -- main ----------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr, "usage: board_fanout --port P --pid PID --device-key K --staff-token T\n"
	    "    [--boards 50] [--counters 20] [--calls 300] [--interval MS] [--burst 0|1]\n"
	    "    [--tickets N] [--idle S] [--settle S] [--timeout S]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct bench bench, *b = &bench;
	int i, timeout_s = 180, pump_err = 0;
	long long c0, c1;
	int64_t t0, t1, deadline, next;
	long tck = sysconf(_SC_CLK_TCK), miss_b, miss_c;
	double p99, paced99, burst99 = -1, fan99 = -1, http99 = -1;

	memset(b, 0, sizeof *b);
	b->nboards = 50;
	b->ncounters = 20;
	b->ncalls = 300;
	b->interval_ms = 20;
	b->burst = 1;
	b->ntickets = -1;
	b->idle_s = 10;
	b->settle_s = 5;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (v == NULL)
			usage();
		i++;
		if (!strcmp(o, "--port")) b->port = atoi(v);
		else if (!strcmp(o, "--pid")) b->pid = atol(v);
		else if (!strcmp(o, "--device-key")) b->device_key = v;
		else if (!strcmp(o, "--staff-token")) b->staff_token = v;
		else if (!strcmp(o, "--boards")) b->nboards = atoi(v);
		else if (!strcmp(o, "--counters")) b->ncounters = atoi(v);
		else if (!strcmp(o, "--calls")) b->ncalls = atoi(v);
		else if (!strcmp(o, "--interval")) b->interval_ms = atoi(v);
		else if (!strcmp(o, "--burst")) b->burst = atoi(v);
		else if (!strcmp(o, "--tickets")) b->ntickets = atoi(v);
		else if (!strcmp(o, "--idle")) b->idle_s = atoi(v);
		else if (!strcmp(o, "--settle")) b->settle_s = atoi(v);
		else if (!strcmp(o, "--timeout")) timeout_s = atoi(v);
		else usage();
	}
	if (b->port <= 0 || b->pid <= 0 || !b->device_key || !b->staff_token ||
	    b->nboards < 1 || b->ncounters < 1 || b->ncounters > MAX_COUNTERS ||
	    b->nboards + b->ncounters > MAX_STREAMS || b->ncalls < 0 || b->interval_ms < 0 ||
	    b->idle_s < 0 || b->settle_s < 0 || timeout_s < 1)
		usage();
	if (b->ntickets < 0)
		b->ntickets = 2 * (b->ncalls + (b->burst ? b->ncounters : 0));
	/* Whatever happens below, the process ends: SIGALRM's default action. */
	alarm((unsigned)timeout_s);
	signal(SIGPIPE, SIG_IGN);
	b->nstreams = b->nboards + b->ncounters;
	b->streams = calloc((size_t)b->nstreams, sizeof *b->streams);
	b->callers = calloc((size_t)b->ncounters, sizeof *b->callers);
	b->calls = calloc((size_t)(b->ncalls + b->ncounters + 1), sizeof *b->calls);
	if (!b->streams || !b->callers || !b->calls)
		die("out of memory");
	if (proc_cpu_ticks(b->pid) < 0)
		die("no such server process (--pid)");

	printf("setup: %d boards + %d counter consoles = %d event streams, %d paced calls "
	    "(one every %d ms)%s\n", b->nboards, b->ncounters, b->nstreams, b->ncalls,
	    b->interval_ms, b->burst ? ", then a burst of one call per counter" : "");
	print_mem(b->pid, "at start");
	issue_tickets(b);

	/* Streams and the consoles' POST connections. */
	for (i = 0; i < b->nstreams; i++) {
		struct conn *c = &b->streams[i];
		c->b = b;
		c->kind = i < b->nboards ? K_BOARD : K_CONSOLE;
		c->counter = i < b->nboards ? 0 : i - b->nboards + 1;
		if (open_stream(b, c) != 0)
			die("cannot open an event stream");
	}
	for (i = 0; i < b->ncounters; i++) {
		struct conn *c = &b->callers[i];
		c->b = b;
		c->kind = K_CALLER;
		c->counter = i + 1;
		if ((c->fd = connect_local(b->port)) < 0)
			die("cannot connect a counter");
	}
	deadline = now_us() + 10 * 1000000;
	for (;;) {
		int ready = 0;
		for (i = 0; i < b->nstreams; i++)
			ready += b->streams[i].hello;
		if (ready == b->nstreams)
			break;
		if (now_us() > deadline)
			die("the event streams did not all start within 10 s");
		if (pump(b, now_us() + 100000) != 0)
			die("an event stream was refused or closed");
	}
	print_mem(b->pid, "with every stream open");

	/* Idle, every stream open. */
	c0 = proc_cpu_ticks(b->pid);
	t0 = now_us();
	while (now_us() < t0 + (int64_t)b->idle_s * 1000000)
		if (pump(b, t0 + (int64_t)b->idle_s * 1000000) != 0)
			die("a stream closed while idle");
	c1 = proc_cpu_ticks(b->pid);
	t1 = now_us();
	if (b->idle_s > 0)
		printf("server CPU idle, %d streams open, %.1f s: %.2f%% of one core\n", b->nstreams,
		    (t1 - t0) / 1e6, 100.0 * (double)(c1 - c0) / (double)tck / ((t1 - t0) / 1e6));

	/* Paced calls, then the burst. */
	b->matched_live = 0;
	b->narr = 0;
	c0 = proc_cpu_ticks(b->pid);
	t0 = now_us();
	next = t0;
	for (i = 0; i < b->ncalls && !pump_err; ) {
		struct conn *c = &b->callers[i % b->ncounters];
		if (now_us() >= next && !c->busy) {
			if (send_call(b, c, 0) != 0)
				die("a counter's connection broke");
			i++;
			next += (int64_t)b->interval_ms * 1000;
			continue;
		}
		if (c->busy && now_us() - b->calls[c->call].t0 > 10 * 1000000)
			die("a call-next got no answer within 10 s");
		pump_err = pump(b, c->busy ? now_us() + 100000 : next) != 0;
	}
	deadline = now_us() + 10 * 1000000;
	while (!pump_err && (callers_busy(b) || b->matched_live < b->expected) && now_us() < deadline)
		pump_err = pump(b, deadline) != 0;
	if (b->burst && !pump_err) {
		for (i = 0; i < b->ncounters; i++)
			if (send_call(b, &b->callers[i], 1) != 0)
				die("a counter's connection broke");
		deadline = now_us() + 10 * 1000000;
		while (!pump_err && callers_busy(b) && now_us() < deadline)
			pump_err = pump(b, deadline) != 0;
	}
	deadline = now_us() + (int64_t)b->settle_s * 1000000;
	while (!pump_err && b->matched_live < b->expected && now_us() < deadline)
		pump_err = pump(b, deadline) != 0;
	c1 = proc_cpu_ticks(b->pid);
	t1 = now_us();
	if (pump_err)
		fprintf(stderr, "board_fanout: a connection broke during the calls\n");

	printf("calls: %d made in %.2f s\n", b->ncalls_total, (t1 - t0) / 1e6);
	printf("latency from just before POST call-next to the `call` event read:\n");
	printf(" paced calls:\n");
	p99 = paced99 = report_streams(b, "board", 0, b->nboards, 0, &miss_b, &fan99);
	report_streams(b, "console", b->nboards, b->nstreams, 0, &miss_c, NULL);
	http99 = report_http(b, 0);
	if (b->burst) {
		long mb, mc;
		printf(" burst (%d calls sent back to back):\n", b->ncounters);
		burst99 = report_streams(b, "board", 0, b->nboards, 1, &mb, NULL);
		report_streams(b, "console", b->nboards, b->nstreams, 1, &mc, NULL);
		report_http(b, 1);
		printf(" all calls:\n");
		p99 = report_streams(b, "board", 0, b->nboards, -1, &miss_b, &fan99);
		report_streams(b, "console", b->nboards, b->nstreams, -1, &miss_c, NULL);
		http99 = report_http(b, -1);
	}
	{
		long ka = 0, rs = 0, closed = 0, other = 0;
		for (i = 0; i < b->nstreams; i++) {
			ka += b->streams[i].nkeepalive;
			rs += b->streams[i].nresync;
			closed += b->streams[i].closed;
			other += b->streams[i].nother;
		}
		printf("events missing: %ld (call, board) and %ld (call, console) pairs; "
		    "resync events %ld; streams closed %ld; other events %ld; keep-alives %ld\n",
		    miss_b, miss_c, rs, closed, other, ka);
	}
	printf("server CPU over the call window (%.2f s): %.1f%% of one core\n", (t1 - t0) / 1e6,
	    100.0 * (double)(c1 - c0) / (double)tck / ((t1 - t0) / 1e6));
	print_mem(b->pid, "after the calls");
	if (p99 >= 0) {
		printf("goal (issue 5): p99 over (call, board) < 100 ms: %.2f ms, %s "
		    "(paced calls alone %.2f ms, burst alone %.2f ms)\n", p99,
		    p99 < 100 ? "met" : "MISSED", paced99, burst99);
		printf("  of which: fan-out alone (last - first board) p99 %.2f ms; "
		    "call-next round trip (commit, counts, reply) p99 %.2f ms\n", fan99, http99);
	}

	for (i = 0; i < b->nstreams; i++)
		if (b->streams[i].fd >= 0)
			close(b->streams[i].fd);
	for (i = 0; i < b->ncounters; i++)
		if (b->callers[i].fd >= 0)
			close(b->callers[i].fd);
	free(b->streams);
	free(b->callers);
	free(b->calls);
	free(b->arr);
	return pump_err || p99 < 0 ? 1 : 0;
}
