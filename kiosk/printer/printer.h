/*
 * printer: printer profiles and the device facade between a finished ticket
 * bitmap and a confirmed print. Platform module: it does device I/O through
 * one backend per file (printer_file.c, printer_usblp.c, printer_tcp.c),
 * each behind struct printer_ops. The bytes come from escpos.c (pure).
 *
 * A printer is named by a SPEC string:
 *   file:PATH[?profile=80mm&status=...&fail_after=N&bidi=0|1]
 *   usb:/dev/usb/lp0[?profile=58mm&timeout_ms=N&bidi=0|1]
 *   tcp:HOST:9100[?profile=80mm&timeout_ms=N&bidi=0|1]      (HOST may be [v6])
 * Common parameters: profile (58mm, 80mm, tm-t88; default 80mm, 58mm for
 * usb), timeout_ms (no-progress limit for connect/writes and base of the
 * confirmation wait, default 3000), reply_ms (wait for one status reply,
 * default 300), bidi (override whether the printer answers status).
 * file: only: status=ready|paper_out|cover_open|offline|paper_out_after|
 * near_end|none, and fail_after=N (the fake printer stops taking data after
 * N bytes of a job, as if out of paper), for the tests.
 *
 * The device is opened lazily, at the first print or status, and reopened
 * after a transport failure: printer_open fails only on a bad SPEC, so a
 * kiosk starts with its printer unplugged and reports it.
 *
 * Time bound. Every wait is a poll() with a deadline; nothing blocks
 * longer. With B = timeout_ms + job_bytes / (8 bytes per ms) + 1500 ms, the
 * time a slow printer may take to swallow, print and cut a job:
 *  - a printer that stops taking data fails after timeout_ms without
 *    progress; one that reports paper out, cover open, offline or error is
 *    refused at once, or seen within 0.5 s when it stops mid-job;
 *  - the worst case, a printer that takes the job slowly and then never
 *    confirms, is 2 * (timeout_ms + 3 * reply_ms) + 2 * B + 3 * reply_ms
 *    (a 65 KB 80 mm ticket with the defaults: B = 12.6 s, about 33 s);
 *  - printer_status takes at most timeout_ms + 3 * reply_ms.
 * So call them off the UI thread. A handle is for one thread at a time.
 */
#ifndef KIOSK_PRINTER_H
#define KIOSK_PRINTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/bitmap.h"
#include "core/escpos.h"

/* What a model can do. Widths come from here, never from a constant. */
struct printer_profile {
	const char *name;    /* "58mm", "80mm", "tm-t88" */
	int dots;            /* printable dots per line: render the ticket this wide */
	int dpi;             /* dots per inch, both directions */
	int bidirectional;   /* 1 when it answers DLE EOT / GS r 1 (confirmable) */
	int feed_lines;      /* lines fed before the cut (tear bar margin on clones) */
	const char *models;  /* examples, for docs and error messages */
};

/* Look a profile up by name; NULL when unknown. */
const struct printer_profile *printer_profile_find(const char *name);
/* Comma-separated list of profile names, for usage messages. */
const char *printer_profile_names(void);

struct printer; /* opaque */

/*
 * Parse spec and make a handle (no device I/O yet). NULL with err filled on a
 * bad spec (unknown scheme, profile or parameter, bad number).
 */
struct printer *printer_open(const char *spec, char *err, size_t errlen);
void printer_close(struct printer *p);                 /* NULL is harmless */
/* The profile in force (with any bidi= override): render at ->dots. */
const struct printer_profile *printer_profile(const struct printer *p);
/* The spec this handle was opened with, for logs. */
const char *printer_spec(const struct printer *p);

/*
 * Ask the printer now. One-way printers give ESCPOS_UNKNOWN; an absent
 * device gives ESCPOS_OFFLINE. reason (may be NULL) gets a sentence.
 */
enum escpos_state printer_status(struct printer *p, char *reason, size_t reasonlen);

enum print_outcome {
	PRINT_CONFIRMED,    /* the printer confirmed the whole job */
	PRINT_UNCONFIRMED,  /* sent in full, no answer (one-way or silent printer): cannot know */
	PRINT_FAILED        /* not printed, or maybe partly: reprint needed */
};

struct print_result {
	enum print_outcome outcome;  /* what the server records */
	enum escpos_state state;     /* printer state last seen (UNKNOWN if none) */
	char reason[192];            /* a sentence for the screen and the record */
	size_t bytes_total;          /* size of the job */
	size_t bytes_sent;           /* how much of it the device accepted */
	int elapsed_ms;              /* wall time spent in printer_print */
	int paper_mm;                /* paper the job took once sent in full (the image's
	                              * height and the feed before the cut), else 0 */
};

/*
 * Print one ticket: check status (refuse when out of paper, cover open,
 * offline or in error), send the job with bounded writes, then confirm
 * (GS r 1 barrier, then DLE EOT to explain a missing answer). Always fills
 * *out. Returns 0 when outcome is CONFIRMED or UNCONFIRMED, -1 when FAILED.
 * A ticket wider than the profile's dots fails with a reason, never crops.
 */
int printer_print(struct printer *p, const struct bitmap *ticket,
    struct print_result *out /* OUT */);

/* "printed", "printed, unconfirmed", "not printed". */
const char *printer_outcome_str(enum print_outcome o);

/* ---- for the backends only (printer_*.c) ------------------------------ */

/* file: backend scripted status. */
enum printer_fake {
	PRINTER_FAKE_READY,           /* answers ready, confirms */
	PRINTER_FAKE_PAPER_OUT,       /* out of paper before the job */
	PRINTER_FAKE_COVER_OPEN,      /* cover open before the job */
	PRINTER_FAKE_OFFLINE,         /* offline before the job */
	PRINTER_FAKE_PAPER_OUT_AFTER, /* ready before; runs out during the job:
	                               * never confirms, then says paper out */
	PRINTER_FAKE_NEAR_END,        /* prints and confirms, paper near end */
	PRINTER_FAKE_NONE             /* never answers anything */
};

/* A parsed SPEC. */
struct printer_spec {
	char scheme[8];          /* "file", "usb" or "tcp" */
	char path[512];          /* file or device path; tcp: the host */
	int port;                /* tcp port */
	int timeout_ms;          /* connect / write no-progress limit */
	int reply_ms;            /* wait for one status reply */
	long long fail_after;    /* file: bytes taken per open before failing; -1 never */
	enum printer_fake fake;  /* file: scripted status */
	int opens;               /* successful device opens so far (file: truncate
	                          * only on the first) */
};

/* What status asks for. */
enum printer_query {
	PRINTER_Q_NOW,      /* DLE EOT 1 (then 2 and 4 when it answers) */
	PRINTER_Q_BARRIER   /* wait for the reply to the GS r 1 that ended the job */
};

/*
 * One device backend. Every call returns by its deadline (monotonic
 * milliseconds, clock_ms of core/clock.h). -1 means the transport failed (err says
 * why, the facade reopens next time); a printer that does not answer is
 * status 0 with *st = ESCPOS_UNKNOWN. status(PRINTER_Q_BARRIER) returns 1
 * when the job was confirmed (*st: paper state then), 0 when it was not (*st:
 * the stopped state that explains it, e.g. PAPER_OUT, or UNKNOWN).
 */
struct printer_ops {
	const char *scheme;  /* spec prefix this backend serves */
	int (*open)(const struct printer_spec *spec, int bidirectional,
	    int64_t deadline, void **dev /* OUT */, char *err, size_t errlen);
	int (*write)(void *dev, const uint8_t *data, size_t len, int64_t deadline,
	    int stall_ms, size_t *sent /* OUT */, char *err, size_t errlen);
	int (*status)(void *dev, enum printer_query q, int64_t deadline,
	    enum escpos_state *st /* OUT */, char *err, size_t errlen);
	void (*close)(void *dev);
};

extern const struct printer_ops printer_file_ops;
extern const struct printer_ops printer_usblp_ops;
extern const struct printer_ops printer_tcp_ops;

/* ---- shared by the fd-based backends (usblp, tcp), in printer.c ------- */

/* What an fd-based backend's device starts with, so that printer_fd_status
 * and printer_fd_close serve as its ops. */
struct printer_fd {
	int fd;              /* the descriptor, non-blocking */
	int sock;            /* 1: a socket (send(MSG_NOSIGNAL); a close is a failure) */
	int bidirectional;   /* read status back */
	int reply_ms;        /* wait for one status reply */
};

/* Wait until fd is ready for events (POLLIN, POLLOUT) or deadline passes:
 * 1 ready, 0 deadline passed, -1 poll failed (errno). */
int printer_fd_wait(int fd, short events, int64_t deadline);
/* Write all of data, waiting with poll(POLLOUT); fail when deadline passes
 * or no byte is taken for stall_ms. sock: use send(MSG_NOSIGNAL). On -1,
 * errno is kept and *sent tells how far it got. */
int printer_fd_write(int fd, int sock, const uint8_t *data, size_t len,
    int64_t deadline, int stall_ms, size_t *sent /* OUT */, char *err, size_t errlen);
/* printer_ops.status for a device that starts with struct printer_fd: a
 * one-way printer is UNKNOWN; PRINTER_Q_NOW asks DLE EOT 1 (then 2 and 4)
 * and merges, reply_ms per reply; PRINTER_Q_BARRIER waits for the reply to
 * the GS r 1 that ended the job, asking DLE EOT every 500 ms meanwhile. */
int printer_fd_status(void *dev, enum printer_query q, int64_t deadline,
    enum escpos_state *st /* OUT */, char *err, size_t errlen);
/* printer_ops.close for such a device: closes fd, frees dev. */
void printer_fd_close(void *dev);

#endif
