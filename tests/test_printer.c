/*
 * test_printer: the printer facade and its three backends. Every fault a
 * kiosk can meet ends in the right outcome, state and a readable reason,
 * within its deadline:
 *  - file: backend: every scripted fault, bad specs, profiles, a device path
 *    that does not exist, a ticket wider than the head, the NUL flush after
 *    a job cut off mid-raster;
 *  - tcp: backend against build/tools/printer_emu (forked from here): ready,
 *    paper out, cover open, offline, near end, paper out during the job, a
 *    silent printer (failed when the profile says it answers, unconfirmed
 *    when one-way), a printer that stops reading (write time-out), a refused
 *    connection, and a printer that drops the connection between jobs;
 *  - usb: backend on a path that does not exist, a FIFO with no reader, a
 *    pty nobody reads (poll deadline), and a pty answered by a forked fake
 *    printer (status and GS r 1 read back from a non-socket).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/bitmap.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/escpos.h"
#include "core/log.h"
#include "printer/printer.h"
#include "testhelp.h"

static char dir[64];   /* scratch directory for this run */

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static void
path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static struct bitmap *
ticket(int w, int h)
{
	struct bitmap *b = bitmap_new(w, h);
	int x, y;

	expect(b != NULL);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			b->px[(size_t)y * (size_t)w + (size_t)x] = ((x / 8 + y / 8) % 3 == 0) ? 255 : 0;
	return b;
}

/* A ticket whose raster holds only 00 and FF bytes: it cannot contain a
 * DLE EOT or GS r sequence, so a naive byte-scanning fake printer is safe. */
static struct bitmap *
plain_ticket(int w, int h)
{
	struct bitmap *b = bitmap_new(w, h);
	int y;

	expect(b != NULL);
	for (y = 0; y < h; y += 10)
		memset(b->px + (size_t)y * (size_t)w, 255, (size_t)w);
	return b;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	*len = 0;
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = buf ? (size_t)n : 0;
	return buf;
}

static long
file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The bytes printer_print should send for bm on a profile (job_free after). */
static struct buf *
expected_job(const struct bitmap *bm, const char *profile, int barrier)
{
	const struct printer_profile *pr = printer_profile_find(profile);
	struct buf *b = calloc(1, sizeof *b);
	struct escpos_job j;

	expect(pr && b);
	memset(&j, 0, sizeof j);
	j.width_dots = pr->dots;
	j.feed_lines = pr->feed_lines;
	j.cut = 1;
	j.barrier = barrier;
	expect(escpos_encode(b, bm, &j, NULL, 0) == 0);
	return b;
}

static void
job_free(struct buf *b)
{
	buf_free(b);
	free(b);
}

static int
has(const char *s, const char *sub)
{
	if (strstr(s, sub) != NULL)
		return 1;
	fprintf(stderr, "  reason \"%s\" lacks \"%s\"\n", s, sub);
	return 0;
}

/* Print bm on spec; returns the result. */
static struct print_result
print_on(const char *spec, const struct bitmap *bm)
{
	struct print_result r;
	char err[256];
	struct printer *p = printer_open(spec, err, sizeof err);

	memset(&r, 0, sizeof r);
	if (p == NULL) {
		fprintf(stderr, "FAIL printer_open(%s): %s\n", spec, err);
		r.outcome = PRINT_FAILED;
		th_fail++;
		return r;
	}
	printer_print(p, bm, &r);
	printer_close(p);
	return r;
}

/* ---- profiles and specs ------------------------------------------------ */

static void
test_profiles(void)
{
	const struct printer_profile *a = printer_profile_find("58mm");
	const struct printer_profile *b = printer_profile_find("80mm");
	const struct printer_profile *c = printer_profile_find("tm-t88");
	struct printer *p;
	char err[256];

	REQUIRE(a && b && c);
	CHECK(a->dots == 384 && a->dpi == 203 && a->bidirectional == 0);
	CHECK(b->dots == 576 && b->dpi == 203 && b->bidirectional == 1);
	CHECK(c->dots == 512 && c->dpi == 180 && c->bidirectional == 1);
	CHECK(printer_profile_find("99mm") == NULL);

	p = printer_open("file:/tmp/x.bin?profile=58mm&bidi=1", err, sizeof err);
	REQUIRE(p != NULL);
	CHECK_INT(printer_profile(p)->dots, 384);
	CHECK_INT(printer_profile(p)->bidirectional, 1);
	CHECK_INT(printer_profile_find("58mm")->bidirectional, 0);  /* the table is untouched */
	CHECK_STR(printer_spec(p), "file:/tmp/x.bin?profile=58mm&bidi=1");
	printer_close(p);
	printer_close(NULL);

	p = printer_open("usb:/dev/usb/lp0", err, sizeof err);
	REQUIRE(p != NULL);
	CHECK_STR(printer_profile(p)->name, "58mm");  /* cheap USB clones by default */
	printer_close(p);
	p = printer_open("tcp:192.0.2.1", err, sizeof err);  /* no I/O at open */
	REQUIRE(p != NULL);
	CHECK_STR(printer_profile(p)->name, "80mm");
	printer_close(p);
	p = printer_open("tcp:[::1]:9100?profile=tm-t88&timeout_ms=100&reply_ms=50", err, sizeof err);
	REQUIRE(p != NULL);
	CHECK_INT(printer_profile(p)->dots, 512);
	printer_close(p);
}

static void
test_bad_specs(void)
{
	static const struct { const char *spec, *words; } bad[] = {
		{ "lp0", "must start with" },
		{ "serial:/dev/ttyS0", "must start with" },
		{ "file:", "needs a path" },
		{ "file:x.bin?profile=99mm", "unknown printer profile '99mm'" },
		{ "file:x.bin?bogus=1", "unknown parameter 'bogus'" },
		{ "file:x.bin?bidi", "needs a value" },
		{ "file:x.bin?bidi=2", "bidi must be 0 or 1" },
		{ "file:x.bin?timeout_ms=0", "timeout_ms" },
		{ "file:x.bin?status=jammed", "unknown file printer status" },
		{ "file:x.bin?fail_after=-3", "fail_after" },
		{ "usb:/dev/usb/lp0?status=paper_out", "unknown parameter 'status'" },
		{ "tcp:printer:abc", "port" },
		{ "tcp:printer:70000", "port" },
		{ "tcp:::1:9100", "brackets" },
		{ "tcp:[::1:9100", "missing ']'" },
		{ "tcp::9100", "host" },
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char err[256] = "";
		struct printer *p = printer_open(bad[i].spec, err, sizeof err);
		CHECK(p == NULL);
		if (p == NULL && !strstr(err, bad[i].words)) {
			th_fail++;
			fprintf(stderr, "FAIL spec %s: error \"%s\" lacks \"%s\"\n", bad[i].spec, err, bad[i].words);
		}
		printer_close(p);
	}
	CHECK(printer_open(NULL, NULL, 0) == NULL);
	CHECK_STR(printer_outcome_str(PRINT_CONFIRMED), "printed");
	CHECK_STR(printer_outcome_str(PRINT_UNCONFIRMED), "printed, unconfirmed");
	CHECK_STR(printer_outcome_str(PRINT_FAILED), "not printed");
}

/* ---- file: backend ----------------------------------------------------- */

static void
test_file_ready(void)
{
	struct bitmap *bm = ticket(500, 600);
	struct buf *want = expected_job(bm, "80mm", 1);
	char path[128], spec[256], reason[192];
	struct printer *p;
	struct print_result r;
	uint8_t *got;
	size_t len;

	path_in(path, sizeof path, "ready.bin");
	snprintf(spec, sizeof spec, "file:%s", path);
	p = printer_open(spec, reason, sizeof reason);
	REQUIRE(p != NULL);
	CHECK(printer_status(p, reason, sizeof reason) == ESCPOS_READY);
	CHECK_STR(reason, "printer ready");
	CHECK(printer_print(p, bm, &r) == 0);
	CHECK(r.outcome == PRINT_CONFIRMED);
	CHECK(r.state == ESCPOS_READY);
	CHECK_STR(r.reason, "printed");
	CHECK_INT(r.bytes_total, want->len);
	CHECK_INT(r.bytes_sent, want->len);
	CHECK(r.elapsed_ms >= 0 && r.elapsed_ms < 1000);
	/* The paper it took, for the kiosk's paper counter: 600 dots at 203
	 * dpi are 75.1 mm, and each line fed before the cut 1/6 inch. */
	CHECK_INT(r.paper_mm, (int)((751 + printer_profile_find("80mm")->feed_lines * 254 / 6 + 5) /
	    10));
	CHECK(r.paper_mm >= 75);
	/* A second ticket on the same handle is appended. */
	CHECK(printer_print(p, bm, &r) == 0 && r.outcome == PRINT_CONFIRMED);
	printer_close(p);
	got = slurp(path, &len);
	CHECK_INT(len, 2 * want->len);
	CHECK(got && len == 2 * want->len && memcmp(got, want->p, want->len) == 0 &&
	    memcmp(got + want->len, want->p, want->len) == 0);
	free(got);

	/* A new handle starts the file afresh. */
	p = printer_open(spec, reason, sizeof reason);
	REQUIRE(p != NULL);
	CHECK(printer_print(p, bm, &r) == 0);
	printer_close(p);
	CHECK_INT(file_size(path), (long)want->len);

	bitmap_free(bm);
	job_free(want);
}

static void
test_file_faults(void)
{
	struct bitmap *bm = ticket(576, 400);
	struct buf *want = expected_job(bm, "80mm", 1);
	char path[128], spec[256];
	struct print_result r;

	path_in(path, sizeof path, "fault.bin");

	/* Paper out before the job: refused, nothing sent. */
	snprintf(spec, sizeof spec, "file:%s?status=paper_out", path);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED);
	CHECK(r.state == ESCPOS_PAPER_OUT);
	CHECK_STR(r.reason, "printer out of paper");
	CHECK_INT(r.bytes_sent, 0);
	CHECK_INT(file_size(path), 0);

	snprintf(spec, sizeof spec, "file:%s?status=cover_open", path);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_COVER_OPEN);
	CHECK_STR(r.reason, "printer cover open");
	CHECK_INT(file_size(path), 0);

	snprintf(spec, sizeof spec, "file:%s?status=offline", path);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_OFFLINE);
	CHECK_STR(r.reason, "printer offline");

	/* Paper out during the job: the printer stops taking data. */
	snprintf(spec, sizeof spec, "file:%s?fail_after=5000", path);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_PAPER_OUT);
	CHECK(has(r.reason, "printer ran out of paper while printing"));
	CHECK(has(r.reason, "5000 of"));
	CHECK_INT(r.bytes_sent, 5000);
	CHECK_INT(file_size(path), 5000);

	/* Same, but the printer never answers: the write failure is the reason. */
	snprintf(spec, sizeof spec, "file:%s?fail_after=100&status=none", path);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_UNKNOWN);
	CHECK(has(r.reason, "could not send the ticket to the printer"));
	CHECK(has(r.reason, "100 of"));

	/* Paper out after the job was sent: never confirmed. */
	snprintf(spec, sizeof spec, "file:%s?status=paper_out_after", path);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_PAPER_OUT);
	CHECK_STR(r.reason, "printer ran out of paper while printing");
	CHECK_INT(r.bytes_sent, want->len);
	CHECK_INT(file_size(path), (long)want->len);

	/* Near end: printed, with a warning. */
	snprintf(spec, sizeof spec, "file:%s?status=near_end", path);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_CONFIRMED && r.state == ESCPOS_PAPER_NEAR_END);
	CHECK_STR(r.reason, "printed; paper running low");

	/* A bidirectional profile whose printer took every byte and says
	 * nothing: unconfirmed, not failed (a reprint would make two slips). */
	snprintf(spec, sizeof spec, "file:%s?status=none", path);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_UNCONFIRMED && r.state == ESCPOS_UNKNOWN);
	CHECK(has(r.reason, "sent in full; the printer did not confirm it"));
	CHECK_INT(r.bytes_sent, want->len);

	/* The device path does not exist. */
	snprintf(spec, sizeof spec, "file:%s/no/such/dir/out.bin", dir);
	{
		char reason[192], err[192];
		struct printer *p = printer_open(spec, err, sizeof err);
		REQUIRE(p != NULL);
		CHECK(printer_status(p, reason, sizeof reason) == ESCPOS_OFFLINE);
		CHECK(has(reason, "printer not connected"));
		printer_close(p);
	}
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_OFFLINE);
	CHECK(has(r.reason, "printer not connected:"));
	CHECK(has(r.reason, "does not exist"));

	bitmap_free(bm);
	job_free(want);
}

static void
test_file_oneway(void)
{
	struct bitmap *bm = ticket(384, 300), *wide = ticket(576, 10);
	struct buf *want = expected_job(bm, "58mm", 0);
	char path[128], spec[256], reason[192];
	struct print_result r;
	struct printer *p;
	uint8_t *got;
	size_t len;

	path_in(path, sizeof path, "oneway.bin");
	snprintf(spec, sizeof spec, "file:%s?profile=58mm", path);
	p = printer_open(spec, reason, sizeof reason);
	REQUIRE(p != NULL);
	CHECK(printer_status(p, reason, sizeof reason) == ESCPOS_UNKNOWN);
	CHECK(has(reason, "one-way"));
	CHECK(printer_print(p, bm, &r) == 0);
	CHECK(r.outcome == PRINT_UNCONFIRMED && r.state == ESCPOS_UNKNOWN);
	CHECK(has(r.reason, "one-way printer"));
	/* Too wide for the head: refused, never cropped. */
	CHECK(printer_print(p, wide, &r) == -1);
	CHECK(r.outcome == PRINT_FAILED);
	CHECK(has(r.reason, "576 dots wide") && has(r.reason, "only 384"));
	CHECK_INT(r.bytes_sent, 0);
	printer_close(p);
	got = slurp(path, &len);
	CHECK(got && len == want->len && memcmp(got, want->p, len) == 0);  /* no GS r 1 */
	CHECK(len > 4 && memcmp(got + len - 4, "\x1D\x56\x42\x00", 4) == 0);
	free(got);

	/* A one-way printer out of paper takes no data: failed, not unconfirmed. */
	snprintf(spec, sizeof spec, "file:%s?profile=58mm&status=paper_out", path);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_UNKNOWN);
	CHECK(has(r.reason, "could not send the ticket to the printer"));
	CHECK_INT(r.bytes_sent, 0);

	/* One-way, cut off mid-job. */
	snprintf(spec, sizeof spec, "file:%s?profile=58mm&fail_after=1000", path);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED);
	CHECK_INT(r.bytes_sent, 1000);

	bitmap_free(bm);
	bitmap_free(wide);
	job_free(want);
}

/* After a job cut off mid-raster, the next one starts with NULs. */
static void
test_file_flush(void)
{
	struct bitmap *bm = ticket(576, 100);
	struct buf *want = expected_job(bm, "80mm", 1);
	char path[128], spec[256], err[192];
	struct print_result r;
	struct printer *p;
	uint8_t *got;
	size_t len, i;
	int zeros = 1;

	path_in(path, sizeof path, "flush.bin");
	snprintf(spec, sizeof spec, "file:%s?fail_after=3000", path);
	p = printer_open(spec, err, sizeof err);
	REQUIRE(p != NULL);
	CHECK(printer_print(p, bm, &r) == -1);
	CHECK_INT(r.bytes_sent, 3000);
	/* Reopened (appending), the fake printer takes 3000 more bytes: all
	 * of them flush NULs (72 bytes x 256 rows are due). */
	CHECK(printer_print(p, bm, &r) == -1);
	CHECK_INT(r.bytes_total, 72 * 256 + want->len);
	printer_close(p);
	got = slurp(path, &len);
	CHECK_INT(len, 6000);
	for (i = 3000; got && i < len; i++)
		zeros &= got[i] == 0;
	CHECK(got && zeros);
	CHECK(got && got[0] == 0x1B && got[1] == 0x40);
	free(got);
	bitmap_free(bm);
	job_free(want);
}

/* ---- tcp: backend against printer_emu ---------------------------------- */

struct emu {
	pid_t pid;   /* the emulator process, 0 when none */
	int port;    /* the port it listens on */
};

static char emu_path[256];

static int64_t
ms_now(void)
{
	return clock_ms();
}

/* Start printer_emu with args (NULL-terminated); read its port. */
static int
emu_start(struct emu *e, const char *a0, ...)
{
	const char *argv[24];
	char line[32];
	size_t n = 0, got = 0;
	int fds[2];
	int64_t deadline;
	va_list ap;

	argv[n++] = emu_path;
	argv[n++] = "--max-seconds";
	argv[n++] = "60";
	va_start(ap, a0);
	for (const char *a = a0; a && n < 22; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	e->pid = 0;
	e->port = 0;
	if (pipe(fds) < 0)
		return -1;
	e->pid = fork();
	if (e->pid < 0)
		return -1;
	if (e->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(emu_path, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	deadline = ms_now() + 5000;
	while (got < sizeof line - 1 && !memchr(line, '\n', got)) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		int64_t left = deadline - ms_now();
		ssize_t r;
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		r = read(fds[0], line + got, sizeof line - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fds[0]);
	line[got] = '\0';
	e->port = atoi(line);
	return e->port > 0 ? 0 : -1;
}

/* Wait up to ms for the emulator to exit by itself; else kill it. Returns
 * its exit status, or -1 when it had to be killed. */
static int
emu_wait(struct emu *e, int ms)
{
	int64_t deadline = ms_now() + ms;
	int st;

	if (e->pid <= 0)
		return -1;
	for (;;) {
		pid_t r = waitpid(e->pid, &st, WNOHANG);
		if (r == e->pid) {
			e->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		if (ms_now() >= deadline)
			break;
		poll(NULL, 0, 10);
	}
	kill(e->pid, SIGKILL);
	waitpid(e->pid, &st, 0);
	e->pid = 0;
	return -1;
}

static void
emu_stop(struct emu *e)
{
	if (e->pid > 0) {
		kill(e->pid, SIGTERM);
		emu_wait(e, 2000);
	}
}

static void
test_tcp_ready(void)
{
	struct bitmap *bm = ticket(576, 300);
	struct buf *want = expected_job(bm, "80mm", 1);
	char out[128], spec[256], reason[192], job[160];
	struct print_result r;
	struct printer *p;
	struct emu e;
	uint8_t *got;
	size_t len;

	path_in(out, sizeof out, "emu-ready");
	mkdir(out, 0755);
	REQUIRE(emu_start(&e, "--out", out, "--exit-after-jobs", "1", NULL) == 0);
	snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d?timeout_ms=2000", e.port);
	p = printer_open(spec, reason, sizeof reason);
	REQUIRE(p != NULL);
	CHECK(printer_status(p, reason, sizeof reason) == ESCPOS_READY);
	CHECK_STR(reason, "printer ready");
	CHECK(printer_print(p, bm, &r) == 0);
	CHECK(r.outcome == PRINT_CONFIRMED && r.state == ESCPOS_READY);
	CHECK_STR(r.reason, "printed");
	CHECK_INT(r.bytes_sent, want->len);
	CHECK(printer_status(p, reason, sizeof reason) == ESCPOS_READY);
	printer_close(p);
	/* It exits by itself once the job is in and the client gone. */
	CHECK_INT(emu_wait(&e, 5000), 0);
	snprintf(job, sizeof job, "%s/job-001.bin", out);
	got = slurp(job, &len);
	CHECK(got && len == want->len && memcmp(got, want->p, len) == 0);
	free(got);
	bitmap_free(bm);
	job_free(want);
}

/* One scripted emulator, one print: check outcome, state and reason. */
static struct print_result
tcp_case(const char *flag, const char *flagval, const char *params, const struct bitmap *bm)
{
	char spec[256];
	struct print_result r;
	struct emu e;

	memset(&r, 0, sizeof r);
	if (emu_start(&e, flag, flagval, NULL) < 0) {
		th_fail++;
		fprintf(stderr, "FAIL cannot start %s %s\n", emu_path, flag);
		emu_stop(&e);
		r.outcome = PRINT_FAILED;
		return r;
	}
	snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d?%s", e.port, params);
	r = print_on(spec, bm);
	emu_stop(&e);
	return r;
}

static void
test_tcp_faults(void)
{
	struct bitmap *bm = ticket(576, 300), *small = ticket(576, 100), *big = ticket(576, 3000);
	struct bitmap *narrow = ticket(384, 100);
	struct print_result r;
	int64_t t0;

	r = tcp_case("--paper-out", NULL, "timeout_ms=2000", bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_PAPER_OUT);
	CHECK_STR(r.reason, "printer out of paper");
	CHECK_INT(r.bytes_sent, 0);

	r = tcp_case("--cover-open", NULL, "timeout_ms=2000", bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_COVER_OPEN);
	CHECK_STR(r.reason, "printer cover open");

	r = tcp_case("--offline", NULL, "timeout_ms=2000", bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_OFFLINE);
	CHECK_STR(r.reason, "printer offline");

	r = tcp_case("--near-end", NULL, "timeout_ms=2000", bm);
	CHECK(r.outcome == PRINT_CONFIRMED && r.state == ESCPOS_PAPER_NEAR_END);
	CHECK_STR(r.reason, "printed; paper running low");

	/* Paper runs out mid-job: GS r 1 never comes; the DLE EOT asked while
	 * waiting says why, long before the confirmation deadline. */
	r = tcp_case("--paper-out-after-bytes", "3000", "timeout_ms=2000", bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_PAPER_OUT);
	CHECK_STR(r.reason, "printer ran out of paper while printing");
	CHECK(r.elapsed_ms < 3000);

	/* A silent printer on a profile that should answer: it took every
	 * byte, so unconfirmed (not failed: staff would reprint a printed slip). */
	t0 = ms_now();
	r = tcp_case("--silent", NULL, "timeout_ms=500&reply_ms=100", small);
	CHECK(r.outcome == PRINT_UNCONFIRMED && r.state == ESCPOS_UNKNOWN);
	CHECK(has(r.reason, "the printer did not confirm it within"));
	CHECK_INT(r.bytes_sent, r.bytes_total);
	/* Budget: 500 + 7 KB at 8 KB/s + 1500 = 2.9 s, plus the status asks. */
	CHECK(r.elapsed_ms >= 2500 && r.elapsed_ms < 4500);
	CHECK(ms_now() - t0 < 6000);

	/* The same printer declared one-way: unconfirmed, at once. */
	r = tcp_case("--silent", NULL, "profile=58mm&timeout_ms=500", narrow);
	CHECK(r.outcome == PRINT_UNCONFIRMED && r.state == ESCPOS_UNKNOWN);
	CHECK(r.elapsed_ms < 1000);

	/* A printer that stops reading: the write deadline fires. */
	r = tcp_case("--stall-after-bytes", "4096", "timeout_ms=500&reply_ms=100", big);
	CHECK(r.outcome == PRINT_FAILED);
	CHECK(has(r.reason, "could not send the ticket to the printer: the printer took no data for 0.5 s"));
	CHECK(r.bytes_sent > 0 && r.bytes_sent < r.bytes_total);
	CHECK(r.elapsed_ms >= 400 && r.elapsed_ms < 2500);

	bitmap_free(bm);
	bitmap_free(small);
	bitmap_free(big);
	bitmap_free(narrow);
}

static void
test_tcp_refused(void)
{
	struct bitmap *bm = ticket(576, 50);
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	char spec[128];
	struct print_result r;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	/* A port nobody listens on: bind one, note it, close it. */
	REQUIRE(fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	REQUIRE(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	port = ntohs(sa.sin_port);
	close(fd);
	snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d?timeout_ms=1000", port);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_OFFLINE);
	CHECK(has(r.reason, "refused the connection"));
	CHECK(r.elapsed_ms < 1500);
	bitmap_free(bm);
}

/* A printer that drops the connection after each job: the kept handle
 * notices and reconnects, and no ticket is lost. */
static void
test_tcp_reconnect(void)
{
	struct bitmap *bm = ticket(576, 200);
	struct buf *want = expected_job(bm, "80mm", 1);
	char out[128], spec[256], err[192], job[160];
	struct print_result r;
	struct printer *p;
	struct emu e;
	uint8_t *got;
	size_t len;
	int i;

	path_in(out, sizeof out, "emu-reconnect");
	mkdir(out, 0755);
	REQUIRE(emu_start(&e, "--out", out, "--close-after-job", "--exit-after-jobs", "3", NULL) == 0);
	snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d?timeout_ms=2000", e.port);
	p = printer_open(spec, err, sizeof err);
	REQUIRE(p != NULL);
	for (i = 0; i < 3; i++) {
		CHECK(printer_print(p, bm, &r) == 0);
		CHECK(r.outcome == PRINT_CONFIRMED);
		if (r.outcome != PRINT_CONFIRMED)
			fprintf(stderr, "  print %d: %s\n", i, r.reason);
		/* Let the emulator's close arrive before the next print. */
		poll(NULL, 0, 50);
	}
	printer_close(p);
	CHECK_INT(emu_wait(&e, 5000), 0);
	for (i = 1; i <= 3; i++) {
		snprintf(job, sizeof job, "%s/job-%03d.bin", out, i);
		got = slurp(job, &len);
		CHECK(got && len == want->len && memcmp(got, want->p, len) == 0);
		free(got);
	}
	bitmap_free(bm);
	job_free(want);
}

/* ---- usb: backend ------------------------------------------------------ */

static void
test_usb_missing(void)
{
	struct bitmap *bm = ticket(384, 50);
	struct print_result r;
	char fifo[128], spec[192], reason[192], err[192];
	struct printer *p;

	r = print_on("usb:/nonexistent/usb/lp7", bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_OFFLINE);
	CHECK_STR(r.reason, "printer not connected: /nonexistent/usb/lp7 does not exist "
	    "(check the USB cable and power)");
	p = printer_open("usb:/nonexistent/usb/lp7", err, sizeof err);
	REQUIRE(p != NULL);
	CHECK(printer_status(p, reason, sizeof reason) == ESCPOS_OFFLINE);
	CHECK(has(reason, "printer not connected"));
	printer_close(p);

	/* A FIFO nobody reads: a device node with nothing behind it. */
	path_in(fifo, sizeof fifo, "fifo");
	REQUIRE(mkfifo(fifo, 0600) == 0);
	snprintf(spec, sizeof spec, "usb:%s", fifo);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_OFFLINE);
	CHECK(has(r.reason, "has no device behind it"));
	bitmap_free(bm);
}

/* Open a pty pair; the slave is put in raw mode (no echo, no CR/LF games)
 * and kept open by us. Returns the master fd and the slave's path. */
static int
open_pty(char *slave, size_t len, int *slave_fd)
{
	struct termios t;
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, slave, len) != 0)
		return -1;
	*slave_fd = open(slave, O_RDWR | O_NOCTTY);
	if (*slave_fd < 0 || tcgetattr(*slave_fd, &t) < 0)
		return -1;
	cfmakeraw(&t);
	if (tcsetattr(*slave_fd, TCSANOW, &t) < 0)
		return -1;
	return m;
}

/* A one-way printer that takes no data (out of paper on usblp): the write
 * is bounded by poll and the stall limit. */
static void
test_usb_stall(void)
{
	struct bitmap *bm = ticket(384, 5000);
	char slave[128], spec[192];
	struct print_result r;
	int sfd = -1, m = open_pty(slave, sizeof slave, &sfd);

	REQUIRE(m >= 0);
	snprintf(spec, sizeof spec, "usb:%s?timeout_ms=300", slave);
	r = print_on(spec, bm);
	CHECK(r.outcome == PRINT_FAILED);
	CHECK(has(r.reason, "the printer took no data for 0.3 s"));
	CHECK(has(r.reason, "it may be out of paper or offline"));
	CHECK(r.bytes_sent > 0 && r.bytes_sent < r.bytes_total);
	CHECK(r.elapsed_ms >= 250 && r.elapsed_ms < 2000);
	close(sfd);
	close(m);
	bitmap_free(bm);
}

/* A fake bidirectional printer on the master side of a pty: it scans the
 * bytes for DLE EOT n and GS r 1 and answers (ready, or out of paper). */
static void
fake_printer(int m, int paper_out)
{
	uint8_t last[3] = { 0, 0, 0 }, b;
	int64_t end = ms_now() + 15000;

	while (ms_now() < end) {
		struct pollfd pfd = { .fd = m, .events = POLLIN };
		uint8_t in[4096];
		ssize_t n, i;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(m, in, sizeof in);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			last[0] = last[1];
			last[1] = last[2];
			last[2] = in[i];
			if (last[0] == 0x10 && last[1] == 0x04 && last[2] >= 1 && last[2] <= 4) {
				static const uint8_t ok[5] = { 0, 0x12, 0x12, 0x12, 0x12 };
				static const uint8_t out[5] = { 0, 0x1A, 0x32, 0x12, 0x72 };
				b = paper_out ? out[last[2]] : ok[last[2]];
				if (write(m, &b, 1) != 1)
					_exit(1);
			} else if (last[0] == 0x1D && last[1] == 0x72 && last[2] == 0x01 && !paper_out) {
				b = 0x00;
				if (write(m, &b, 1) != 1)
					_exit(1);
			}
		}
	}
	_exit(0);
}

static void
test_usb_bidi(void)
{
	struct bitmap *bm = plain_ticket(576, 60);
	char slave[128], spec[192], reason[192], err[192];
	struct print_result r;
	struct printer *p;
	int mode, st;

	for (mode = 0; mode < 2; mode++) {
		int sfd = -1, m = open_pty(slave, sizeof slave, &sfd);
		pid_t pid;

		REQUIRE(m >= 0);
		pid = fork();
		REQUIRE(pid >= 0);
		if (pid == 0)
			fake_printer(m, mode);
		snprintf(spec, sizeof spec, "usb:%s?profile=80mm&timeout_ms=2000", slave);
		p = printer_open(spec, err, sizeof err);
		REQUIRE(p != NULL);
		if (mode == 0) {
			CHECK(printer_status(p, reason, sizeof reason) == ESCPOS_READY);
			CHECK(printer_print(p, bm, &r) == 0);
			CHECK(r.outcome == PRINT_CONFIRMED && r.state == ESCPOS_READY);
			CHECK_STR(r.reason, "printed");
			CHECK(r.elapsed_ms < 1500);
		} else {
			CHECK(printer_status(p, reason, sizeof reason) == ESCPOS_PAPER_OUT);
			CHECK_STR(reason, "printer out of paper");
			CHECK(printer_print(p, bm, &r) == -1);
			CHECK(r.outcome == PRINT_FAILED && r.state == ESCPOS_PAPER_OUT);
			CHECK_STR(r.reason, "printer out of paper");
			CHECK_INT(r.bytes_sent, 0);
		}
		printer_close(p);
		kill(pid, SIGTERM);
		waitpid(pid, &st, 0);
		close(sfd);
		close(m);
	}
	bitmap_free(bm);
}

int
main(void)
{
	const char *build = getenv("BUILD");

	alarm(240);  /* a hang is a failure, never a stuck CI */
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof dir, "/tmp/test_printer.XXXXXX");
	REQUIRE(mkdtemp(dir) != NULL);
	snprintf(emu_path, sizeof emu_path, "%s/tools/printer_emu", build && *build ? build : "build");
	if (access(emu_path, X_OK) != 0)
		fprintf(stderr, "missing %s: run make tests-build\n", emu_path);
	REQUIRE(access(emu_path, X_OK) == 0);

	test_profiles();
	test_bad_specs();
	test_file_ready();
	test_file_faults();
	test_file_oneway();
	test_file_flush();
	test_tcp_ready();
	test_tcp_faults();
	test_tcp_refused();
	test_tcp_reconnect();
	test_usb_missing();
	test_usb_stall();
	test_usb_bidi();

	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return TEST_REPORT();
}
