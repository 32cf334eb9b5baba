/*
 * loadgen: a small HTTP/1.1 load generator for the queue server, used by
 * the integration tests (tests/it_concurrency.sh, tests/it_crash.sh,
 * tests/it_api.sh) and the benchmark (bench/http_issue.sh).
 *
 * Each client is a forked process with one keep-alive connection over a
 * plain blocking socket (no HTTP library: the point is to see exactly what
 * went over the wire). Issuers POST /api/v1/tickets with a device key;
 * callers POST /api/v1/counters/{n}/call-next with a staff token. Every
 * answer is appended to the --out file as one line, written with a single
 * write() on an O_APPEND descriptor so lines from different processes never
 * mix:
 *
 *   I <lat_us> <status> <id> <number> <service> <priority> <code>
 *   A <lat_us> <status> <id> - <service> <priority> -   an attestation (full)
 *   C <lat_us> <status> <counter> <id> <number> <service> <code>
 *   N <lat_us> 409 <counter> <id> <number>   not_current: the ticket called
 *                                            there, seen in the refusal
 *   E <lat_us> <I|C> <reason>        no answer (refused, reset, time-out)
 *
 * <id>/<number> are 0/- unless the answer carried a ticket; <code> is the
 * error's "code" field, or '-'. A line is written only after the whole
 * answer was read, so an "I ... 201 ..." line is an acknowledged ticket.
 *
 * The run is bounded: every socket has a receive/send time-out, each client
 * stops at --duration or after --count requests, a client gives up after
 * --max-errors failures in a row (the server is gone), and the parent kills
 * what is left at --timeout. With --drain, callers keep calling until the
 * issuers are done and their counter answers 204 (nobody waiting), so that
 * every issued ticket gets called.
 *
 * --slow N opens N connections that send half a request and then hang, and
 * reports when the server closes them (a "slow client" check).
 *
 * At the end the parent reads the --out file back and prints a summary per
 * operation: counts by status, rate, p50/p90/p99/max latency.
 */
#include <arpa/inet.h>
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 256
#define RESP_MAX    (64 * 1024)
#define IO_TIMEOUT_S 10

/* The run's settings, from the command line. */
struct opts {
	const char *host;        /* server address (an IPv4 literal) */
	int port;                /* server port (this client's) */
	int ports[8];            /* --port P[,P...]: several servers, client k on [k % n] */
	int nports;
	const char *bind;        /* source address, or NULL */
	int issuers;             /* issuing clients */
	int callers;             /* calling clients */
	char *device_keys[MAX_CLIENTS];  /* issuers' bearer keys: issuer k uses [k % n] */
	int ndevice_keys;
	char *staff_tokens[MAX_CLIENTS]; /* callers' bearer tokens, the same way */
	int nstaff_tokens;
	char services[27];       /* codes issuers pick from, round robin */
	int counters[100];       /* counters callers use, caller k -> counters[k % n] */
	int ncounters;
	int priority_pct;        /* share of priority tickets, percent */
	long count;              /* requests per client (0: no limit) */
	double duration;         /* seconds per client (0: no limit) */
	double timeout;          /* hard end of the whole run, seconds */
	int drain;               /* callers run until issuers are done and 204 */
	int max_errors;          /* consecutive connection failures before a client quits */
	const char *out;         /* record file */
	int quiet;               /* no summary */
	int slow;                /* slow-client mode: connections to open */
};

/* State shared by the forked clients (an anonymous shared mapping). */
struct shared {
	volatile int issuers_left;   /* issuers still running */
};

/* One client's connection. */
struct conn {
	int fd;                  /* -1 when closed */
	char buf[RESP_MAX + 1];  /* answer being read */
};

static struct opts o;
static struct shared *sh;
static int out_fd = -1;
static volatile sig_atomic_t deadline_hit;

static void
on_alarm(int sig)
{
	(void)sig;
	deadline_hit = 1;
}

static double
mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: loadgen --port N[,N...] [--host 127.0.0.1] [--bind ADDR] --out FILE\n"
	    "         [--issuers N --device-key KEY[,KEY...] [--services ABCDE] [--priority PCT]]\n"
	    "         [--callers N --staff-token TOKEN[,TOKEN...] [--counters 1-8|1,3,5]] [--drain]\n"
	    "         [--count N] [--duration S] [--timeout S] [--max-errors N] [--quiet]\n"
	    "       loadgen --port N --slow N [--bind ADDR] [--duration S]\n");
	exit(2);
}

/* Split a comma-separated list in place. */
static int
split(char *s, char **out, int max)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
		out[n++] = t;
	return n;
}

static int
parse_counters(const char *s)
{
	int a, b, n = 0;
	const char *p = s;

	while (*p) {
		char *end;
		a = (int)strtol(p, &end, 10);
		if (end == p)
			return -1;
		b = a;
		p = end;
		if (*p == '-') {
			b = (int)strtol(p + 1, &end, 10);
			if (end == p + 1)
				return -1;
			p = end;
		}
		for (; a <= b && n < 100; a++)
			o.counters[n++] = a;
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	o.ncounters = n;
	return n > 0 ? 0 : -1;
}

/* -- one connection -------------------------------------------------------- */

static int
conn_open(struct conn *c, char *why, size_t whylen)
{
	struct sockaddr_in sa;
	struct timeval tv = { IO_TIMEOUT_S, 0 };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		snprintf(why, whylen, "socket:%s", strerror(errno));
		return -1;
	}
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (o.bind) {
		memset(&sa, 0, sizeof sa);
		sa.sin_family = AF_INET;
		if (inet_pton(AF_INET, o.bind, &sa.sin_addr) != 1 ||
		    bind(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
			snprintf(why, whylen, "bind:%s", strerror(errno));
			goto fail;
		}
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)o.port);
	if (inet_pton(AF_INET, o.host, &sa.sin_addr) != 1) {
		snprintf(why, whylen, "bad-host");
		goto fail;
	}
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		snprintf(why, whylen, "connect:%s", errno == ECONNREFUSED ? "refused" : strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close(c->fd);
	c->fd = -1;
	return -1;
}

static void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A header's value in a raw header block, or NULL. */
static const char *
header(const char *head, const char *name, char *out, size_t len)
{
	size_t n = strlen(name);
	const char *p = strstr(head, "\r\n");

	while (p && p[2] != '\r') {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			size_t k;
			while (*v == ' ')
				v++;
			k = strcspn(v, "\r");
			if (k >= len)
				k = len - 1;
			memcpy(out, v, k);
			out[k] = '\0';
			return out;
		}
		p = strstr(p, "\r\n");
	}
	return NULL;
}

/*
 * One request on the client's connection (opened on demand). Returns the
 * HTTP status and points *body at the answer's body (in c->buf), or -1 with
 * a reason when no complete answer came back.
 */
static int
request(struct conn *c, const char *method, const char *path, const char *auth,
    const char *body, const char **rbody, char *why, size_t whylen)
{
	char req[1024], val[64];
	size_t blen = body ? strlen(body) : 0, got = 0, need;
	char *eoh = NULL;
	int n, status, keep;
	long clen = 0;

	if (c->fd < 0 && conn_open(c, why, whylen) != 0)
		return -1;
	n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: %s:%d\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", method, path, o.host, o.port, auth, blen);
	if (n < 0 || (size_t)n >= sizeof req) {
		snprintf(why, whylen, "request-too-long");
		return -1;
	}
	if (write_all(c->fd, req, (size_t)n) != 0 || (blen && write_all(c->fd, body, blen) != 0)) {
		snprintf(why, whylen, "send:%s", strerror(errno));
		conn_close(c);
		return -1;
	}
	for (;;) {
		ssize_t k;
		if (got >= RESP_MAX) {
			snprintf(why, whylen, "answer-too-large");
			conn_close(c);
			return -1;
		}
		k = recv(c->fd, c->buf + got, RESP_MAX - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			snprintf(why, whylen, "recv:%s", k == 0 ? "closed" :
			    errno == EAGAIN ? "timeout" : strerror(errno));
			conn_close(c);
			return -1;
		}
		got += (size_t)k;
		c->buf[got] = '\0';
		if (eoh == NULL && (eoh = strstr(c->buf, "\r\n\r\n")) != NULL) {
			if (sscanf(c->buf, "HTTP/1.%*d %d", &status) != 1) {
				snprintf(why, whylen, "bad-status-line");
				conn_close(c);
				return -1;
			}
			clen = header(c->buf, "Content-Length", val, sizeof val) ? atol(val) : 0;
			if (clen < 0 || clen > RESP_MAX / 2) {
				snprintf(why, whylen, "bad-content-length");
				conn_close(c);
				return -1;
			}
		}
		if (eoh) {
			need = (size_t)(eoh - c->buf) + 4 + (size_t)clen;
			if (got >= need)
				break;
		}
	}
	keep = !(header(c->buf, "Connection", val, sizeof val) && strcasecmp(val, "close") == 0);
	c->buf[(size_t)(eoh - c->buf) + 4 + (size_t)clen] = '\0';
	*rbody = eoh + 4;
	if (!keep)
		conn_close(c);
	return status;
}

/* -- records ----------------------------------------------------------------- */

static void
record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
record(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	/* One write on an O_APPEND descriptor: whole lines, never interleaved. */
	if (write(out_fd, line, (size_t)n) != n)
		_exit(3);
}

/* Copy a JSON string field without spaces (for the record), or "-". */
static void
field(cJSON *j, const char *key, char *out, size_t len)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	size_t i;

	snprintf(out, len, "%s", cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : "-");
	for (i = 0; out[i]; i++)
		if (out[i] == ' ' || out[i] == '\n' || out[i] == '\t')
			out[i] = '_';
}

static long long
id_of(cJSON *j)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "id");
	return cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
}

/* -- clients ------------------------------------------------------------------- */

static int
client_done(double t0, long sent)
{
	double t = mono() - t0;
	return (o.count && sent >= o.count) || (o.duration > 0 && t >= o.duration) ||
	    t >= o.timeout;
}

/* Connection failures in a row: back off a little, give up after max_errors. */
static int
backoff(int *fails)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	if (++*fails >= o.max_errors)
		return -1;
	nanosleep(&ts, NULL);
	return 0;
}

static void
run_issuer(int k)
{
	static struct conn c;
	unsigned seed = (unsigned)getpid() * 2654435761u;
	double t0 = mono();
	long sent = 0;
	int fails = 0, ns = (int)strlen(o.services);

	c.fd = -1;
	while (!client_done(t0, sent)) {
		char sv = o.services[(k + sent) % ns], body[96], why[96], num[16], code[32], kind[16];
		int prio = (int)(rand_r(&seed) % 100) < o.priority_pct, st;
		const char *rb;
		double a = mono();
		long long id = 0;
		cJSON *j;

		snprintf(body, sizeof body, "{\"service\":\"%c\",\"lang\":\"fr\",\"priority\":%s}",
		    sv, prio ? "true" : "false");
		sent++;
		st = request(&c, "POST", "/api/v1/tickets", o.device_keys[k % o.ndevice_keys], body, &rb,
		    why, sizeof why);
		if (st < 0) {
			record("E %ld I %s\n", (long)((mono() - a) * 1e6), why);
			if (backoff(&fails) != 0)
				break;
			continue;
		}
		fails = 0;
		j = cJSON_Parse(rb);
		if (st == 201)
			id = id_of(j);
		field(j, "number", num, sizeof num);
		field(j, "code", code, sizeof code);
		field(j, "kind", kind, sizeof kind);
		/* A full service answers 201 with an attestation, not a ticket. */
		record("%c %ld %d %lld %s %c %d %s\n", strcmp(kind, "attestation") ? 'I' : 'A',
		    (long)((mono() - a) * 1e6), st, id, st == 201 ? num : "-", sv, prio, code);
		cJSON_Delete(j);
	}
	conn_close(&c);
}

static void
run_caller(int k)
{
	static struct conn c;
	double t0 = mono();
	long sent = 0;
	int fails = 0, counter = o.counters[k % o.ncounters];
	char path[96];

	char cur[16] = "", body[48];   /* the ticket this caller sees called at its counter */
	int stale = 0;

	c.fd = -1;
	snprintf(path, sizeof path, "/api/v1/counters/%d/call-next", counter);
	for (;;) {
		char why[96], num[16], code[32], sv[8];
		const char *rb;
		double a;
		long long id = 0;
		int st, issuing = __atomic_load_n(&sh->issuers_left, __ATOMIC_SEQ_CST) > 0;
		cJSON *j, *t;

		if (o.drain ? mono() - t0 >= o.timeout : client_done(t0, sent))
			break;
		a = mono();
		sent++;
		/* call-next finishes only the ticket named as current (docs/API.md). */
		snprintf(body, sizeof body, "{\"current\":\"%s\"}", cur);
		st = request(&c, "POST", path, o.staff_tokens[k % o.nstaff_tokens], body, &rb, why,
		    sizeof why);
		if (st < 0) {
			record("E %ld C %s\n", (long)((mono() - a) * 1e6), why);
			if (backoff(&fails) != 0)
				break;
			continue;
		}
		fails = 0;
		j = cJSON_Parse(rb);
		field(j, "code", code, sizeof code);
		if (st == 409 && !strcmp(code, "not_current") && stale++ < 8) {
			/* Another caller of this counter moved on, or an answer
			 * was lost: take what is called there now (seen here,
			 * recorded), and ask again (not an answer to count). */
			t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j,
			    "counter"), "ticket");
			field(j, "current", cur, sizeof cur);
			record("N %ld 409 %d %lld %s\n", (long)((mono() - a) * 1e6), counter,
			    cJSON_IsObject(t) ? id_of(t) : 0, cur);
			cJSON_Delete(j);
			sent--;
			continue;
		}
		stale = 0;
		t = cJSON_GetObjectItemCaseSensitive(j, "ticket");
		snprintf(num, sizeof num, "-");
		snprintf(sv, sizeof sv, "-");
		if (st == 200 && cJSON_IsObject(t)) {
			id = id_of(t);
			field(t, "number", num, sizeof num);
			field(t, "service", sv, sizeof sv);
			snprintf(cur, sizeof cur, "%s", num);
		} else if (st == 204) {
			cur[0] = '\0';
		}
		record("C %ld %d %d %lld %s %s %s\n", (long)((mono() - a) * 1e6), st, counter, id, num,
		    sv, code);
		cJSON_Delete(j);
		/* Drained: nobody was issuing when we asked, and nobody waits. */
		if (o.drain && st == 204 && !issuing)
			break;
		if (o.drain && st == 204) {
			struct timespec ts = { 0, 5 * 1000 * 1000 };
			nanosleep(&ts, NULL);   /* let the issuers get ahead */
		}
	}
	conn_close(&c);
}

/* -- summary ------------------------------------------------------------------- */

/* Latencies and status counts of one operation. */
struct stats {
	long *lat;               /* microseconds, answered requests */
	size_t n, cap;
	long status[600];        /* answers by HTTP status */
	long errors;             /* no answer */
};

static void
stats_add(struct stats *s, long lat, int status)
{
	if (status < 0 || status >= 600) {
		s->errors++;
		return;
	}
	s->status[status]++;
	if (s->n == s->cap) {
		long *l = realloc(s->lat, (s->cap = s->cap ? s->cap * 2 : 4096) * sizeof *l);
		if (l == NULL)
			exit(3);
		s->lat = l;
	}
	s->lat[s->n++] = lat;
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

static void
stats_print(const char *name, struct stats *s, int ok_status, double wall)
{
	size_t i;
	long other = 0;

	if (s->n == 0 && s->errors == 0)
		return;
	qsort(s->lat, s->n, sizeof *s->lat, cmp_long);
	for (i = 0; i < 600; i++)
		if (i != (size_t)ok_status && i != 204)
			other += s->status[i];
	printf("%s: answered=%zu ok=%ld empty=%ld other=%ld conn_errors=%ld wall=%.2fs "
	    "ok_rate=%.1f/s answered_rate=%.1f/s p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms\n",
	    name, s->n, s->status[ok_status], s->status[204], other, s->errors, wall,
	    wall > 0 ? (double)s->status[ok_status] / wall : 0.0,
	    wall > 0 ? (double)s->n / wall : 0.0,
	    s->n ? (double)s->lat[(s->n - 1) / 2] / 1e3 : 0.0,
	    s->n ? (double)s->lat[(s->n - 1) * 90 / 100] / 1e3 : 0.0,
	    s->n ? (double)s->lat[(s->n - 1) * 99 / 100] / 1e3 : 0.0,
	    s->n ? (double)s->lat[s->n - 1] / 1e3 : 0.0);
	for (i = 0; i < 600; i++)
		if (s->status[i] && i != (size_t)ok_status && i != 204)
			printf("%s: status %zu: %ld\n", name, i, s->status[i]);
	free(s->lat);
}

static void
summary(double wall)
{
	struct stats si, sc;
	char line[512];
	long attest = 0;
	FILE *f = fopen(o.out, "r");

	memset(&si, 0, sizeof si);
	memset(&sc, 0, sizeof sc);
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f)) {
		long lat;
		int st;
		char op;
		if (sscanf(line, "I %ld %d", &lat, &st) == 2) {
			stats_add(&si, lat, st);
		} else if (sscanf(line, "A %ld %d", &lat, &st) == 2) {
			attest++;   /* counted apart: not a ticket */
		}
		else if (sscanf(line, "C %ld %d", &lat, &st) == 2)
			stats_add(&sc, lat, st);
		else if (sscanf(line, "E %ld %c", &lat, &op) == 2)
			stats_add(op == 'I' ? &si : &sc, lat, -1);
	}
	fclose(f);
	stats_print("issue", &si, 201, wall);
	if (attest)
		printf("issue: %ld attestations instead of tickets (service full)\n", attest);
	stats_print("call-next", &sc, 200, wall);
}

/* -- slow clients ------------------------------------------------------------ */

static int
run_slow(void)
{
	static const char half[] = "POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"serv";
	struct pollfd *p = calloc((size_t)o.slow, sizeof *p);
	struct conn c;
	double t0 = mono(), first = -1, last = -1, limit = o.duration > 0 ? o.duration : 60;
	int i, open_n = 0, closed = 0;
	char why[96];

	if (p == NULL)
		return 3;
	for (i = 0; i < o.slow; i++) {
		p[i].fd = -1;
		if (conn_open(&c, why, sizeof why) != 0) {
			printf("slow: connection %d failed: %s\n", i, why);
			continue;
		}
		if (write_all(c.fd, half, sizeof half - 1) != 0) {
			printf("slow: connection %d: send failed\n", i);
			close(c.fd);
			continue;
		}
		p[i].fd = c.fd;
		p[i].events = POLLIN;
		open_n++;
	}
	printf("slow: %d connections hanging\n", open_n);
	fflush(stdout);
	while (closed < open_n && mono() - t0 < limit) {
		int k = poll(p, (nfds_t)o.slow, 200);
		if (k < 0 && errno != EINTR)
			break;
		for (i = 0; k > 0 && i < o.slow; i++) {
			char b[4096];
			ssize_t r;
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			r = recv(p[i].fd, b, sizeof b, MSG_DONTWAIT);
			if (r > 0)
				continue;   /* an answer (e.g. 408): wait for the close */
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			close(p[i].fd);
			p[i].fd = -1;
			closed++;
			last = mono() - t0;
			if (first < 0)
				first = last;
		}
	}
	printf("slow: %d of %d closed by the server; first after %.1f s, last after %.1f s\n",
	    closed, open_n, first, last);
	for (i = 0; i < o.slow; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	free(p);
	return 0;
}

/* -- main ---------------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	pid_t pids[MAX_CLIENTS];
	int i, n = 0, k;
	double t0, wall;

	memset(&o, 0, sizeof o);
	o.host = "127.0.0.1";
	snprintf(o.services, sizeof o.services, "A");
	o.counters[0] = 1;
	o.ncounters = 1;
	o.timeout = 120;
	o.max_errors = 50;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--drain")) { o.drain = 1; continue; }
		if (!strcmp(a, "--quiet")) { o.quiet = 1; continue; }
		if (v == NULL)
			usage();
		i++;
		if (!strcmp(a, "--host")) o.host = v;
		else if (!strcmp(a, "--port")) {
			static char list[128];
			char *pp[8];
			int j;
			snprintf(list, sizeof list, "%s", v);
			o.nports = split(list, pp, 8);
			for (j = 0; j < o.nports; j++)
				o.ports[j] = atoi(pp[j]);
			o.port = o.nports ? o.ports[0] : 0;
		}
		else if (!strcmp(a, "--bind")) o.bind = v;
		else if (!strcmp(a, "--issuers")) o.issuers = atoi(v);
		else if (!strcmp(a, "--callers")) o.callers = atoi(v);
		else if (!strcmp(a, "--device-key"))
			o.ndevice_keys = split(argv[i], o.device_keys, MAX_CLIENTS);
		else if (!strcmp(a, "--staff-token"))
			o.nstaff_tokens = split(argv[i], o.staff_tokens, MAX_CLIENTS);
		else if (!strcmp(a, "--services")) {
			if (!*v || strlen(v) >= sizeof o.services)
				usage();
			snprintf(o.services, sizeof o.services, "%s", v);
		} else if (!strcmp(a, "--counters")) {
			if (parse_counters(v) != 0)
				usage();
		} else if (!strcmp(a, "--priority")) o.priority_pct = atoi(v);
		else if (!strcmp(a, "--count")) o.count = atol(v);
		else if (!strcmp(a, "--duration")) o.duration = atof(v);
		else if (!strcmp(a, "--timeout")) o.timeout = atof(v);
		else if (!strcmp(a, "--max-errors")) o.max_errors = atoi(v);
		else if (!strcmp(a, "--out")) o.out = v;
		else if (!strcmp(a, "--slow")) o.slow = atoi(v);
		else usage();
	}
	if (o.port <= 0 || o.port > 65535 || o.max_errors < 1 || o.timeout <= 0)
		usage();
	if (o.slow > 0)
		return run_slow();
	if (o.out == NULL || o.issuers < 0 || o.callers < 0 || o.issuers + o.callers == 0 ||
	    o.issuers + o.callers > MAX_CLIENTS || (o.issuers && !o.ndevice_keys) ||
	    (o.callers && !o.nstaff_tokens))
		usage();
	if ((out_fd = open(o.out, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		perror(o.out);
		return 3;
	}
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 3;
	}
	sh->issuers_left = o.issuers;
	{
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm;   /* no SA_RESTART: waitpid returns EINTR */
		sigaction(SIGALRM, &sa, NULL);
	}
	t0 = mono();
	for (k = 0; k < o.issuers + o.callers; k++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			break;
		}
		if (pid == 0) {
			/* Several servers: issuers and callers spread over them alike. */
			if (o.nports > 1)
				o.port = o.ports[(k < o.issuers ? k : k - o.issuers) % o.nports];
			if (k < o.issuers) {
				run_issuer(k);
				__atomic_sub_fetch(&sh->issuers_left, 1, __ATOMIC_SEQ_CST);
			} else {
				run_caller(k - o.issuers);
			}
			_exit(0);
		}
		pids[n++] = pid;
	}
	/* Wait for the clients; past the deadline (plus the I/O time-out) kill them. */
	alarm((unsigned)(o.timeout + IO_TIMEOUT_S + 2));
	for (k = 0; k < n;) {
		int status;
		if (waitpid(-1, &status, 0) > 0) {
			k++;
			continue;
		}
		if (errno != EINTR)
			break;
		if (deadline_hit) {
			for (i = 0; i < n; i++)
				kill(pids[i], SIGKILL);
			fprintf(stderr, "loadgen: clients still running past the deadline: killed\n");
			while (wait(NULL) > 0)
				;
			break;
		}
	}
	alarm(0);
	wall = mono() - t0;
	close(out_fd);
	if (!o.quiet)
		summary(wall);
	return 0;
}
