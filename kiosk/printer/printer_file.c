/*
 * printer_file: the file backend, a fake printer for development and tests.
 * It appends each job to a file (truncated at the first open of a handle)
 * and plays the printer's part from the SPEC: it can stop taking data after
 * N bytes (fail_after, "out of paper mid-job"), or answer paper out, cover
 * open, offline, paper out during the job, paper near end, or nothing at all.
 * Platform module (file I/O); everything static but printer_file_ops.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "printer/printer.h"

struct filedev {
	int fd;                           /* the output file */
	const struct printer_spec *spec;  /* the facade's spec: path and script */
	long long taken;                  /* bytes accepted since open */
	int tripped;                      /* fail_after reached: paper ran out */
	int barrier;                      /* last data ended with GS r 1, unanswered */
	uint8_t tail[3];                  /* last three bytes written */
};

static int
file_open(const struct printer_spec *spec, int bidirectional, int64_t deadline,
    void **dev, char *err, size_t errlen)
{
	struct filedev *f;
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY;

	(void)bidirectional;
	(void)deadline;
	/* A new handle starts a new file; a reopen after a failure appends, as
	 * paper already printed stays printed. */
	flags |= spec->opens == 0 ? O_TRUNC : O_APPEND;
	f = calloc(1, sizeof *f);
	if (f == NULL)
		return errf(err, errlen, "out of memory");
	f->fd = open(spec->path, flags, 0644);
	if (f->fd < 0) {
		int e = errno;
		free(f);
		if (e == ENOENT)
			return errf(err, errlen, "printer not connected: %s does not exist", spec->path);
		return errf(err, errlen, "cannot open printer file %s: %s", spec->path, strerror(e));
	}
	f->spec = spec;
	*dev = f;
	return 0;
}

/* 1 when the scripted printer takes no data at all. */
static int
stopped(const struct filedev *f)
{
	enum printer_fake k = f->spec->fake;

	return f->tripped || k == PRINTER_FAKE_PAPER_OUT || k == PRINTER_FAKE_COVER_OPEN ||
	    k == PRINTER_FAKE_OFFLINE;
}

static void
keep_tail(struct filedev *f, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = len > 3 ? len - 3 : 0; i < len; i++) {
		f->tail[0] = f->tail[1];
		f->tail[1] = f->tail[2];
		f->tail[2] = data[i];
	}
}

static int
file_write(void *dev, const uint8_t *data, size_t len, int64_t deadline, int stall_ms,
    size_t *sent, char *err, size_t errlen)
{
	struct filedev *f = dev;
	size_t want = len, done = 0;

	(void)deadline;
	*sent = 0;
	if (f->spec->fail_after >= 0 && f->taken + (long long)len > f->spec->fail_after)
		want = (size_t)(f->spec->fail_after - f->taken);
	if (stopped(f))
		want = 0;
	while (done < want) {
		ssize_t n = write(f->fd, data + done, want - done);
		if (n < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			*sent = done;
			errf(err, errlen, "write to %s: %s (%zu of %zu bytes sent)",
			    f->spec->path, strerror(e), done, len);
			errno = e;
			return -1;
		}
		done += (size_t)n;
	}
	f->taken += (long long)done;
	keep_tail(f, data, done);
	*sent = done;
	if (done < len) {
		/* What a real printer does when its paper runs out: it stops taking
		 * data, and the bounded write gives up. No need to wait here. */
		if (f->spec->fail_after >= 0 && f->taken >= f->spec->fail_after)
			f->tripped = 1;
		errf(err, errlen, "the printer took no data for %.1f s (%zu of %zu bytes sent)",
		    (double)stall_ms / 1000.0, done, len);
		errno = ETIMEDOUT;
		return -1;
	}
	if (f->tail[0] == 0x1D && f->tail[1] == 0x72 && f->tail[2] == 0x01)
		f->barrier = 1;
	return 0;
}

static int
file_status(void *dev, enum printer_query q, int64_t deadline, enum escpos_state *st,
    char *err, size_t errlen)
{
	struct filedev *f = dev;

	(void)deadline;
	(void)err;
	(void)errlen;
	*st = ESCPOS_UNKNOWN;
	if (q == PRINTER_Q_BARRIER) {
		/* GS r 1 is answered only once everything before it printed; a
		 * printer that stopped says why when asked (DLE EOT). */
		if (f->tripped || f->spec->fake == PRINTER_FAKE_PAPER_OUT_AFTER) {
			*st = ESCPOS_PAPER_OUT;
			return 0;
		}
		if (!f->barrier || f->spec->fake == PRINTER_FAKE_NONE)
			return 0;
		f->barrier = 0;
		if (f->spec->fake == PRINTER_FAKE_READY)
			*st = ESCPOS_READY;
		else if (f->spec->fake == PRINTER_FAKE_NEAR_END)
			*st = ESCPOS_PAPER_NEAR_END;
		else
			return 0;
		return 1;
	}
	switch (f->spec->fake) {
	case PRINTER_FAKE_NONE:
		*st = ESCPOS_UNKNOWN;
		break;
	case PRINTER_FAKE_PAPER_OUT:
		*st = ESCPOS_PAPER_OUT;
		break;
	case PRINTER_FAKE_COVER_OPEN:
		*st = ESCPOS_COVER_OPEN;
		break;
	case PRINTER_FAKE_OFFLINE:
		*st = ESCPOS_OFFLINE;
		break;
	case PRINTER_FAKE_PAPER_OUT_AFTER:
		*st = f->taken > 0 ? ESCPOS_PAPER_OUT : ESCPOS_READY;
		break;
	case PRINTER_FAKE_NEAR_END:
		*st = f->tripped ? ESCPOS_PAPER_OUT : ESCPOS_PAPER_NEAR_END;
		break;
	case PRINTER_FAKE_READY:
		*st = f->tripped ? ESCPOS_PAPER_OUT : ESCPOS_READY;
		break;
	}
	return 0;
}

static void
file_close(void *dev)
{
	struct filedev *f = dev;

	if (f == NULL)
		return;
	close(f->fd);
	free(f);
}

const struct printer_ops printer_file_ops = {
	.scheme = "file",
	.open = file_open,
	.write = file_write,
	.status = file_status,
	.close = file_close,
};
