/*
 * printer: see printer.h. The facade: profiles, SPEC parsing, the print
 * sequence (status, bounded send, confirm) and the fd helpers the usblp and
 * tcp backends share. Device specifics live in printer_{file,usblp,tcp}.c.
 * Depends on libc, escpos.h, clock.h and log.h; no platform library.
 *
 * Why the sequence is what it is (shared/reference/ESCPOS.md):
 *  - status before the job, so a printer out of paper never gets a job it
 *    would print later, when nobody is waiting for it;
 *  - the job ends with GS r 1, which a printer answers only once it has
 *    processed everything before it: that reply is the confirmation;
 *  - when no reply comes, a DLE EOT query (real-time, answered even when the
 *    printer is stopped) tells why, for the reason shown to people;
 *  - after a job cut off mid-raster, the next job starts with NULs so the
 *    printer's half-read GS v 0 is filled before our ESC @.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "printer/printer.h"

/* Slowest data rate a printer consumes a job at, for deadlines: a 58 mm
 * clone at 90 mm/s eats about 34 KB/s; 8 KB/s leaves a 4x margin. */
#define PRINTER_MIN_BPS 8000
#define PRINTER_CUT_MS 1500   /* feed to the cutter and cut */

static const struct printer_profile profiles[] = {
	{ "58mm", 384, 203, 0, 4, "58 mm clones: POS-5890, ZJ-5870, NT-5890K" },
	{ "80mm", 576, 203, 1, 1, "80 mm at 203 dpi: TM-T20 family, TM-P80, most clones" },
	{ "tm-t88", 512, 180, 1, 1, "Epson TM-T88IV/V/VI" },
};

struct printer {
	char spec_str[640];               /* the SPEC as given, for logs */
	struct printer_spec spec;         /* parsed SPEC */
	struct printer_profile profile;   /* copy of the profile, bidi overridden */
	const struct printer_ops *ops;    /* backend for spec.scheme */
	void *dev;                        /* backend handle; NULL while closed */
	int dirty;                        /* last job was cut off mid-way: flush */
	struct buf job;                   /* job bytes, reused between prints */
};

/* ---- profiles ---------------------------------------------------------- */

const struct printer_profile *
printer_profile_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const char *
printer_profile_names(void)
{
	return "58mm, 80mm, tm-t88";
}

/* ---- time -------------------------------------------------------------- */

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* ---- SPEC parsing ------------------------------------------------------ */

static int
parse_int(const char *s, long long lo, long long hi, long long *v)
{
	char *end;
	long long n;

	if (*s == '\0')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || *end != '\0' || n < lo || n > hi)
		return -1;
	*v = n;
	return 0;
}

static const struct {
	const char *name;       /* value of status= */
	enum printer_fake fake; /* what it scripts */
} fakes[] = {
	{ "ready", PRINTER_FAKE_READY },
	{ "paper_out", PRINTER_FAKE_PAPER_OUT },
	{ "cover_open", PRINTER_FAKE_COVER_OPEN },
	{ "offline", PRINTER_FAKE_OFFLINE },
	{ "paper_out_after", PRINTER_FAKE_PAPER_OUT_AFTER },
	{ "near_end", PRINTER_FAKE_NEAR_END },
	{ "none", PRINTER_FAKE_NONE },
};

/* Apply one key=value parameter. */
static int
parse_param(struct printer *p, char *kv, int *bidi, char *err, size_t errlen)
{
	char *eq = strchr(kv, '=');
	const char *k = kv, *v;
	long long n;
	size_t i;

	if (eq == NULL)
		return errf(err, errlen, "printer parameter '%s' needs a value (name=value)", kv);
	*eq = '\0';
	v = eq + 1;
	if (strcmp(k, "profile") == 0) {
		const struct printer_profile *pr = printer_profile_find(v);
		if (pr == NULL)
			return errf(err, errlen, "unknown printer profile '%s' (known: %s)",
			    v, printer_profile_names());
		p->profile = *pr;
	} else if (strcmp(k, "timeout_ms") == 0) {
		if (parse_int(v, 1, 600000, &n) < 0)
			return errf(err, errlen, "timeout_ms must be 1..600000, not '%s'", v);
		p->spec.timeout_ms = (int)n;
	} else if (strcmp(k, "reply_ms") == 0) {
		if (parse_int(v, 1, 10000, &n) < 0)
			return errf(err, errlen, "reply_ms must be 1..10000, not '%s'", v);
		p->spec.reply_ms = (int)n;
	} else if (strcmp(k, "bidi") == 0) {
		if (parse_int(v, 0, 1, &n) < 0)
			return errf(err, errlen, "bidi must be 0 or 1, not '%s'", v);
		*bidi = (int)n;
	} else if (strcmp(k, "fail_after") == 0 && strcmp(p->spec.scheme, "file") == 0) {
		if (parse_int(v, 0, (long long)1 << 40, &n) < 0)
			return errf(err, errlen, "fail_after must be a byte count, not '%s'", v);
		p->spec.fail_after = n;
	} else if (strcmp(k, "status") == 0 && strcmp(p->spec.scheme, "file") == 0) {
		for (i = 0; i < sizeof fakes / sizeof fakes[0]; i++)
			if (strcmp(fakes[i].name, v) == 0)
				break;
		if (i == sizeof fakes / sizeof fakes[0])
			return errf(err, errlen, "unknown file printer status '%s' (ready, paper_out, "
			    "cover_open, offline, paper_out_after, near_end, none)", v);
		p->spec.fake = fakes[i].fake;
	} else {
		return errf(err, errlen, "unknown parameter '%s' for a %s: printer", k, p->spec.scheme);
	}
	return 0;
}

/* tcp: HOST[:PORT] or [V6]:PORT into spec.path and spec.port. */
static int
parse_hostport(struct printer *p, const char *s, char *err, size_t errlen)
{
	const char *host = s, *colon;
	size_t hlen;
	long long port = 9100;

	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL)
			return errf(err, errlen, "bad tcp printer address '%s': missing ']'", s);
		host = s + 1;
		hlen = (size_t)(close - host);
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] != '\0' && colon == NULL)
			return errf(err, errlen, "bad tcp printer address '%s'", s);
	} else {
		colon = strrchr(s, ':');
		hlen = colon ? (size_t)(colon - s) : strlen(s);
		if (colon && memchr(s, ':', hlen) != NULL)
			return errf(err, errlen, "write an IPv6 printer address in brackets: tcp:[%s]:9100", s);
	}
	if (colon && parse_int(colon + 1, 1, 65535, &port) < 0)
		return errf(err, errlen, "bad tcp printer port in '%s'", s);
	if (hlen == 0 || hlen >= sizeof p->spec.path)
		return errf(err, errlen, "bad tcp printer host in '%s'", s);
	memcpy(p->spec.path, host, hlen);
	p->spec.path[hlen] = '\0';
	p->spec.port = (int)port;
	return 0;
}

struct printer *
printer_open(const char *spec, char *err, size_t errlen)
{
	struct printer *p;
	char tmp[640], *rest, *query, *kv, *save = NULL;
	int bidi = -1;

	if (spec == NULL || str_copy(tmp, sizeof tmp, spec) < 0) {
		errf(err, errlen, "printer spec missing or too long");
		return NULL;
	}
	p = calloc(1, sizeof *p);
	if (p == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	str_copy(p->spec_str, sizeof p->spec_str, spec);
	p->spec.timeout_ms = 3000;
	p->spec.reply_ms = 300;
	p->spec.fail_after = -1;
	p->spec.fake = PRINTER_FAKE_READY;

	rest = strchr(tmp, ':');
	if (rest == NULL)
		goto bad_scheme;
	*rest++ = '\0';
	if (strcmp(tmp, "file") == 0) {
		p->ops = &printer_file_ops;
		p->profile = *printer_profile_find("80mm");
	} else if (strcmp(tmp, "usb") == 0) {
		p->ops = &printer_usblp_ops;
		p->profile = *printer_profile_find("58mm");
	} else if (strcmp(tmp, "tcp") == 0) {
		p->ops = &printer_tcp_ops;
		p->profile = *printer_profile_find("80mm");
	} else {
		goto bad_scheme;
	}
	str_copy(p->spec.scheme, sizeof p->spec.scheme, tmp);

	query = strchr(rest, '?');
	if (query)
		*query++ = '\0';
	if (p->ops == &printer_tcp_ops) {
		if (parse_hostport(p, rest, err, errlen) < 0)
			goto fail;
	} else {
		if (*rest == '\0' || str_copy(p->spec.path, sizeof p->spec.path, rest) < 0) {
			errf(err, errlen, "printer spec '%s' needs a path", spec);
			goto fail;
		}
	}
	for (kv = query ? strtok_r(query, "&", &save) : NULL; kv; kv = strtok_r(NULL, "&", &save))
		if (parse_param(p, kv, &bidi, err, errlen) < 0)
			goto fail;
	if (bidi >= 0)
		p->profile.bidirectional = bidi;
	return p;

bad_scheme:
	errf(err, errlen, "printer spec '%s' must start with file:, usb: or tcp:", spec);
fail:
	printer_close(p);
	return NULL;
}

void
printer_close(struct printer *p)
{
	if (p == NULL)
		return;
	if (p->dev)
		p->ops->close(p->dev);
	buf_free(&p->job);
	free(p);
}

const struct printer_profile *
printer_profile(const struct printer *p)
{
	return &p->profile;
}

const char *
printer_spec(const struct printer *p)
{
	return p->spec_str;
}

const char *
printer_outcome_str(enum print_outcome o)
{
	switch (o) {
	case PRINT_CONFIRMED:   return "printed";
	case PRINT_UNCONFIRMED: return "printed, unconfirmed";
	case PRINT_FAILED:      return "not printed";
	}
	return "not printed";
}

/* ---- device lifetime --------------------------------------------------- */

static int
dev_ensure(struct printer *p, char *err, size_t errlen)
{
	if (p->dev)
		return 0;
	if (p->ops->open(&p->spec, p->profile.bidirectional,
	    clock_ms() + p->spec.timeout_ms, &p->dev, err, errlen) < 0) {
		p->dev = NULL;
		return -1;
	}
	p->spec.opens++;
	return 0;
}

static void
dev_drop(struct printer *p)
{
	if (p->dev)
		p->ops->close(p->dev);
	p->dev = NULL;
}

/* Status now, bounded by three replies; -1 drops the device. */
static int
ask_now(struct printer *p, enum escpos_state *st, char *err, size_t errlen)
{
	int64_t deadline = clock_ms() + 3 * (int64_t)p->spec.reply_ms + 100;

	*st = ESCPOS_UNKNOWN;
	if (p->ops->status(p->dev, PRINTER_Q_NOW, deadline, st, err, errlen) < 0) {
		dev_drop(p);
		return -1;
	}
	return 0;
}

/* 1 for states in which nothing can print. */
static int
blocking_state(enum escpos_state s)
{
	return s == ESCPOS_PAPER_OUT || s == ESCPOS_COVER_OPEN ||
	    s == ESCPOS_OFFLINE || s == ESCPOS_ERROR;
}

static const char *
state_sentence(enum escpos_state s)
{
	switch (s) {
	case ESCPOS_READY:          return "printer ready";
	case ESCPOS_PAPER_NEAR_END: return "printer ready, paper running low";
	case ESCPOS_PAPER_OUT:      return "printer out of paper";
	case ESCPOS_COVER_OPEN:     return "printer cover open";
	case ESCPOS_OFFLINE:        return "printer offline";
	case ESCPOS_ERROR:          return "printer error (paper jam or cutter fault)";
	case ESCPOS_UNKNOWN:        return "printer status unknown (no answer)";
	}
	return "printer status unknown";
}

static const char *
during_sentence(enum escpos_state s)
{
	switch (s) {
	case ESCPOS_PAPER_OUT:  return "printer ran out of paper while printing";
	case ESCPOS_COVER_OPEN: return "printer cover was opened while printing";
	case ESCPOS_OFFLINE:    return "printer went offline while printing";
	case ESCPOS_ERROR:      return "printer error while printing (paper jam or cutter fault)";
	default:                return "printer stopped while printing";
	}
}

enum escpos_state
printer_status(struct printer *p, char *reason, size_t reasonlen)
{
	char err[160];
	enum escpos_state st;

	expect(p != NULL);
	if (dev_ensure(p, err, sizeof err) < 0) {
		errf(reason, reasonlen, "%s", err);
		return ESCPOS_OFFLINE;
	}
	if (!p->profile.bidirectional) {
		errf(reason, reasonlen, "printer connected; it cannot report its status (one-way)");
		return ESCPOS_UNKNOWN;
	}
	if (ask_now(p, &st, err, sizeof err) < 0) {
		errf(reason, reasonlen, "lost contact with the printer: %s", err);
		return ESCPOS_OFFLINE;
	}
	errf(reason, reasonlen, "%s", state_sentence(st));
	return st;
}

/* ---- printing ---------------------------------------------------------- */

static int
finish(struct print_result *out, int64_t t0, enum print_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
finish(struct print_result *out, int64_t t0, enum print_outcome o, const char *fmt, ...)
{
	va_list ap;

	out->outcome = o;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof out->reason, fmt, ap);
	va_end(ap);
	out->elapsed_ms = (int)(clock_ms() - t0);
	return o == PRINT_FAILED ? -1 : 0;
}

/* Encode the ticket into p->job for this printer's profile. 0 or -1. */
static int
encode_job(struct printer *p, const struct bitmap *ticket, char *err, size_t errlen)
{
	struct escpos_job job;

	memset(&job, 0, sizeof job);
	job.width_dots = p->profile.dots;
	job.feed_lines = p->profile.feed_lines;
	job.cut = 1;
	job.barrier = p->profile.bidirectional;
	job.flush_bytes = p->dirty ? (p->profile.dots + 7) / 8 * ESCPOS_BAND_ROWS : 0;
	buf_clear(&p->job);
	return escpos_encode(&p->job, ticket, &job, err, errlen);
}

/* Status before the job, on a printer that answers: 1 to go on, or the
 * failed result (-1) when it cannot print. reused: see printer_print. */
static int
check_before(struct printer *p, int reused, struct print_result *out, int64_t t0)
{
	enum escpos_state st;
	char err[160];
	int r = ask_now(p, &st, err, sizeof err);

	if (r < 0 && reused && dev_ensure(p, err, sizeof err) == 0)
		r = ask_now(p, &st, err, sizeof err);
	if (r < 0) {
		out->state = ESCPOS_OFFLINE;
		return finish(out, t0, PRINT_FAILED, "lost contact with the printer: %s", err);
	}
	out->state = st;
	if (blocking_state(st))
		return finish(out, t0, PRINT_FAILED, "%s", state_sentence(st));
	return 1;
}

/* Send the job with a bounded write. A one-way printer kept open since
 * the last print whose write fails at once is reopened and sent the job
 * once more. 0, -1 (*sent: how far it got), or -2 when the reopen failed. */
static int
send_job(struct printer *p, int64_t budget, int reused, size_t *sent, char *err, size_t errlen)
{
	int rc = p->ops->write(p->dev, (const uint8_t *)p->job.p, p->job.len,
	    clock_ms() + budget, p->spec.timeout_ms, sent, err, errlen);

	if (rc < 0 && *sent == 0 && reused && !p->profile.bidirectional && errno != ETIMEDOUT) {
		dev_drop(p);
		if (dev_ensure(p, err, errlen) < 0)
			return -2;
		rc = p->ops->write(p->dev, (const uint8_t *)p->job.p, p->job.len,
		    clock_ms() + budget, p->spec.timeout_ms, sent, err, errlen);
	}
	return rc;
}

/* The job was not sent in full: say why, and drop the device. */
static int
send_failed(struct printer *p, struct print_result *out, int64_t t0, size_t sent,
    const char *err)
{
	enum escpos_state st;

	out->bytes_sent = sent;
	p->dirty = sent > 0;
	if (p->profile.bidirectional && ask_now(p, &st, NULL, 0) == 0 && blocking_state(st)) {
		out->state = st;
		dev_drop(p);
		return finish(out, t0, PRINT_FAILED, "%s (%zu of %zu bytes sent)",
		    during_sentence(st), sent, out->bytes_total);
	}
	dev_drop(p);
	return finish(out, t0, PRINT_FAILED, "could not send the ticket to the printer: %s", err);
}

/*
 * Wait for the printer to confirm the job it took (GS r 1), until budget
 * has passed; when it does not, ask why. Only a state that stops printing
 * (paper out, cover open, error) makes a fully sent job "failed": a printer
 * that took every byte and then said nothing has most likely printed it, and
 * calling that "failed" makes staff reprint, so that two slips exist. It is
 * "unconfirmed": the slip in the tray tells.
 */
static int
confirm(struct printer *p, struct print_result *out, int64_t t0, int64_t budget)
{
	enum escpos_state st;
	char err[160];
	int rc = p->ops->status(p->dev, PRINTER_Q_BARRIER, clock_ms() + budget, &st,
	    err, sizeof err);

	if (rc < 0) {
		dev_drop(p);
		out->state = ESCPOS_UNKNOWN;
		return finish(out, t0, PRINT_UNCONFIRMED,
		    "sent in full, then lost contact before the printer confirmed it: %s", err);
	}
	if (rc == 0 && blocking_state(st)) {
		out->state = st;
		return finish(out, t0, PRINT_FAILED, "%s", during_sentence(st));
	}
	if (rc == 1) {
		out->state = st;
		if (st == ESCPOS_PAPER_OUT)
			return finish(out, t0, PRINT_CONFIRMED, "printed; the printer is now out of paper");
		if (st == ESCPOS_PAPER_NEAR_END)
			return finish(out, t0, PRINT_CONFIRMED, "printed; paper running low");
		return finish(out, t0, PRINT_CONFIRMED, "printed");
	}
	/* No confirmation: find out why, for the reason. */
	if (ask_now(p, &st, err, sizeof err) < 0) {
		out->state = ESCPOS_UNKNOWN;
		return finish(out, t0, PRINT_UNCONFIRMED,
		    "sent in full; the printer did not confirm it, then stopped answering: %s", err);
	}
	out->state = st;
	if (blocking_state(st))
		return finish(out, t0, PRINT_FAILED, "%s", during_sentence(st));
	return finish(out, t0, PRINT_UNCONFIRMED,
	    "sent in full; the printer did not confirm it within %.1f s", (double)budget / 1000.0);
}

int
printer_print(struct printer *p, const struct bitmap *ticket, struct print_result *out)
{
	char err[160];
	int64_t t0 = clock_ms(), budget;
	size_t sent = 0;
	int reused, rc;

	expect(p != NULL && ticket != NULL && out != NULL);
	memset(out, 0, sizeof *out);
	out->state = ESCPOS_UNKNOWN;
	if (encode_job(p, ticket, err, sizeof err) < 0)
		return finish(out, t0, PRINT_FAILED, "cannot print: %s", err);
	out->bytes_total = p->job.len;
	/* Time the printer may take to swallow and print this job. */
	budget = p->spec.timeout_ms + (int64_t)p->job.len * 1000 / PRINTER_MIN_BPS + PRINTER_CUT_MS;

	/* A device kept open since the last print may have gone stale (a
	 * network printer closes idle connections, a printer was replugged):
	 * when its first operation fails outright, reopen once and retry. */
	reused = p->dev != NULL;
	if (dev_ensure(p, err, sizeof err) < 0) {
		out->state = ESCPOS_OFFLINE;
		return finish(out, t0, PRINT_FAILED, "%s", err);
	}
	if (p->profile.bidirectional && (rc = check_before(p, reused, out, t0)) < 0)
		return rc;

	rc = send_job(p, budget, reused, &sent, err, sizeof err);
	if (rc == -2) {
		out->state = ESCPOS_OFFLINE;
		return finish(out, t0, PRINT_FAILED, "%s", err);
	}
	if (rc < 0)
		return send_failed(p, out, t0, sent, err);
	out->bytes_sent = sent;
	/* ESC d feeds lines of the default spacing, 1/6 inch */
	out->paper_mm = (int)(((int64_t)ticket->h * 254 / p->profile.dpi +
	    (int64_t)p->profile.feed_lines * 254 / 6 + 5) / 10);
	p->dirty = 0;

	if (!p->profile.bidirectional)
		return finish(out, t0, PRINT_UNCONFIRMED,
		    "sent to a one-way printer, which cannot confirm printing");
	return confirm(p, out, t0, budget);
}

/* ---- fd helpers for the usblp and tcp backends ------------------------- */

int
printer_fd_wait(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		int64_t now = clock_ms();
		int r;

		if (now >= deadline)
			return 0;
		r = poll(&pfd, 1, (int)(deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r != 0)
			return r < 0 ? -1 : 1;
	}
}

int
printer_fd_write(int fd, int sock, const uint8_t *data, size_t len,
    int64_t deadline, int stall_ms, size_t *sent, char *err, size_t errlen)
{
	int64_t start = clock_ms(), progress = start;

	*sent = 0;
	while (*sent < len) {
		int64_t until = min64(deadline, progress + stall_ms);
		ssize_t n;
		int r = printer_fd_wait(fd, POLLOUT, until);

		if (r < 0)
			return errf(err, errlen, "poll: %s", strerror(errno));
		if (r == 0) {
			if (until == deadline)
				errf(err, errlen, "timed out after %.1f s (%zu of %zu bytes sent)",
				    (double)(clock_ms() - start) / 1000.0, *sent, len);
			else
				errf(err, errlen, "the printer took no data for %.1f s (%zu of %zu bytes sent)",
				    (double)stall_ms / 1000.0, *sent, len);
			errno = ETIMEDOUT;
			return -1;
		}
		if (sock)
			n = send(fd, data + *sent, len - *sent, MSG_NOSIGNAL);
		else
			n = write(fd, data + *sent, len - *sent);
		if (n > 0) {
			*sent += (size_t)n;
			progress = clock_ms();
		} else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;
			errf(err, errlen, "%s (%zu of %zu bytes sent)", strerror(e), *sent, len);
			errno = e;
			return -1;
		}
	}
	return 0;
}

/*
 * Read one byte until deadline: 1 with *b, 0 on no answer, -1 when a socket
 * peer closed or read failed. One byte at a time, so that a reply of one
 * kind (GS r 1) is never swallowed while waiting for the other (DLE EOT):
 * replies are a few bytes, the syscalls cost nothing here.
 */
static int
read_byte(int fd, int sock, int64_t deadline, uint8_t *b, char *err, size_t errlen)
{
	for (;;) {
		int64_t now;
		ssize_t n;
		int r = printer_fd_wait(fd, POLLIN, deadline);

		if (r < 0)
			return errf(err, errlen, "poll: %s", strerror(errno));
		if (r == 0)
			return 0;
		n = read(fd, b, 1);
		if (n == 1)
			return 1;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			continue;
		if (sock)
			return n < 0 ? errf(err, errlen, "read: %s", strerror(errno)) :
			    errf(err, errlen, "the printer closed the connection");
		/* A device that cannot be read (usblp on a one-way interface,
		 * end of file): no answer. Wait out the time asked for, so that
		 * callers polling in a loop never spin; a dead device shows up
		 * on the next write. */
		now = clock_ms();
		if (now < deadline)
			poll(NULL, 0, (int)(deadline - now));
		return 0;
	}
}

/* Throw away replies nobody waits for any more (a late answer). */
static int
drain(int fd, int sock, char *err, size_t errlen)
{
	uint8_t in[256];
	int i;

	for (i = 0; i < 64; i++) {
		ssize_t n = read(fd, in, sizeof in);
		if (n > 0)
			continue;
		if (n == 0 && sock)
			return errf(err, errlen, "the printer closed the connection");
		if (n < 0 && sock && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return errf(err, errlen, "read: %s", strerror(errno));
		break;  /* nothing (more) to read, or a device that cannot be read */
	}
	return 0;
}

/*
 * Ask DLE EOT n once: 1 with the state, 0 on no answer, -1 on failure.
 * A GS r 1 reply met on the way is kept in *barrier (-1 when none).
 */
static int
ask(int fd, int sock, enum escpos_query n, int64_t deadline, int reply_ms,
    enum escpos_state *st, int *barrier, char *err, size_t errlen)
{
	uint8_t q[3], b;
	size_t sent;
	int64_t until = min64(deadline, clock_ms() + reply_ms);
	int r;

	escpos_status_query(q, n);
	if (printer_fd_write(fd, sock, q, sizeof q, until, reply_ms, &sent, err, errlen) < 0) {
		/* A printer whose buffer is full takes no query either: no answer.
		 * A broken connection is a failure. */
		return errno == ETIMEDOUT ? 0 : -1;
	}
	while ((r = read_byte(fd, sock, until, &b, err, errlen)) == 1) {
		if (escpos_status_valid(b)) {
			*st = escpos_status_decode(n, b);
			return 1;
		}
		if (barrier && escpos_barrier_valid(b))
			*barrier = b;
	}
	return r;
}

/* DLE EOT 1, then 2 when offline, then 4; merged. 0 or -1. */
static int
status_now(int fd, int sock, int64_t deadline, int reply_ms, enum escpos_state *st,
    int *barrier, char *err, size_t errlen)
{
	enum escpos_state s1 = ESCPOS_UNKNOWN, s = ESCPOS_UNKNOWN;
	int r;

	*st = ESCPOS_UNKNOWN;
	r = ask(fd, sock, ESCPOS_Q_PRINTER, deadline, reply_ms, &s1, barrier, err, errlen);
	if (r <= 0)
		return r;  /* no answer: unknown, not offline */
	if (s1 == ESCPOS_OFFLINE) {
		/* Why offline? Cover, paper end stop, error, or none of them. */
		r = ask(fd, sock, ESCPOS_Q_OFFLINE, deadline, reply_ms, &s, barrier, err, errlen);
		if (r < 0)
			return -1;
		s1 = escpos_state_worse(s1, r ? s : ESCPOS_UNKNOWN);
	}
	r = ask(fd, sock, ESCPOS_Q_PAPER, deadline, reply_ms, &s, barrier, err, errlen);
	if (r < 0)
		return -1;
	*st = escpos_state_worse(s1, r ? s : ESCPOS_UNKNOWN);
	return 0;
}

/* Status now: late replies drained, then status_now. 0 or -1. */
static int
query_now(int fd, int sock, int64_t deadline, int reply_ms,
    enum escpos_state *st, char *err, size_t errlen)
{
	*st = ESCPOS_UNKNOWN;
	if (drain(fd, sock, err, errlen) < 0)
		return -1;
	return status_now(fd, sock, deadline, reply_ms, st, NULL, err, errlen);
}

/* A printer that prints answers GS r 1 within this; otherwise ask why. */
#define BARRIER_CHECK_MS 500

/* Wait for the reply to the GS r 1 that ended the job, until deadline,
 * asking DLE EOT every BARRIER_CHECK_MS meanwhile: 1 when it came (*st
 * from its paper bits), 0 when not (*st: the stopped state seen, or
 * UNKNOWN), -1 on failure. */
static int
query_barrier(int fd, int sock, int64_t deadline, int reply_ms,
    enum escpos_state *st, char *err, size_t errlen)
{
	int barrier = -1;

	*st = ESCPOS_UNKNOWN;
	for (;;) {
		int64_t until = min64(deadline, clock_ms() + BARRIER_CHECK_MS);
		enum escpos_state s;
		uint8_t b;
		int r;

		while ((r = read_byte(fd, sock, until, &b, err, errlen)) == 1)
			if (escpos_barrier_valid(b)) {
				*st = escpos_barrier_decode(b);
				return 1;
			}
		if (r < 0)
			return -1;
		if (clock_ms() >= deadline)
			return 0;
		/* Still printing, or stopped? A stopped printer will not answer
		 * until someone acts: say so now rather than at the deadline. */
		if (status_now(fd, sock, deadline, reply_ms, &s, &barrier, err, errlen) < 0)
			return -1;
		if (barrier >= 0) {
			*st = escpos_barrier_decode((uint8_t)barrier);
			return 1;
		}
		if (s == ESCPOS_PAPER_OUT || s == ESCPOS_COVER_OPEN || s == ESCPOS_OFFLINE ||
		    s == ESCPOS_ERROR) {
			*st = s;
			return 0;
		}
	}
}

int
printer_fd_status(void *dev, enum printer_query q, int64_t deadline,
    enum escpos_state *st, char *err, size_t errlen)
{
	struct printer_fd *d = dev;

	*st = ESCPOS_UNKNOWN;
	if (!d->bidirectional)
		return 0;
	if (q == PRINTER_Q_BARRIER)
		return query_barrier(d->fd, d->sock, deadline, d->reply_ms, st, err, errlen);
	return query_now(d->fd, d->sock, deadline, d->reply_ms, st, err, errlen);
}

void
printer_fd_close(void *dev)
{
	struct printer_fd *d = dev;

	if (d == NULL)
		return;
	close(d->fd);
	free(dev);
}
