/*
 * escpos: see escpos.h. Pure core: libc, bitmap.h and buf.h only, no I/O.
 *
 * Speed: a row is packed 8 pixels at a time from bit 7 of each grey byte
 * (ink >= 128 <=> bit 7 set), straight into the output buffer, which is
 * reserved once for the whole job. No per-pixel branches.
 */
#include <stdlib.h>
#include <string.h>

#include "core/escpos.h"
#include "core/log.h"

/* ---- encoder ----------------------------------------------------------- */

static const uint8_t cmd_init[] = { 0x1B, 0x40 };
static const uint8_t cmd_ignore_dle_dc4[] = { 0x1D, 0x28, 0x44, 0x05, 0x00, 0x14, 0x01, 0x00, 0x02, 0x00 };
static const uint8_t cmd_cut[] = { 0x1D, 0x56, 0x42, 0x00 };
static const uint8_t cmd_barrier[] = { 0x1D, 0x72, 0x01 };

size_t
escpos_job_size(int width_dots, int h, const struct escpos_job *job)
{
	size_t xbytes = ((size_t)width_dots + 7) / 8;
	size_t bands = ((size_t)h + ESCPOS_BAND_ROWS - 1) / ESCPOS_BAND_ROWS;
	size_t n = sizeof cmd_init + sizeof cmd_ignore_dle_dc4;

	n += bands * 8 + xbytes * (size_t)h;
	if (job->feed_lines > 0)
		n += 3;
	if (job->cut)
		n += sizeof cmd_cut;
	if (job->barrier)
		n += sizeof cmd_barrier;
	return n;
}

/* Pack one grey row of w pixels into dst at bit offset `left` (dst zeroed). */
static void
pack_row(uint8_t *dst, const uint8_t *src, int w, int left)
{
	int x = 0;

	/* Leading pixels until the output bit position is byte-aligned. */
	dst += left / 8;
	if (left % 8) {
		int bit = left % 8;
		uint8_t acc = 0;
		for (; x < w && bit < 8; x++, bit++)
			acc |= (uint8_t)((src[x] & 0x80) >> bit);
		*dst++ = acc;
	}
	/* Whole bytes: 8 pixels each, bit 7 = leftmost. */
	for (; x + 8 <= w; x += 8) {
		const uint8_t *s = src + x;
		*dst++ = (uint8_t)((s[0] & 0x80) | (s[1] & 0x80) >> 1 | (s[2] & 0x80) >> 2 |
		    (s[3] & 0x80) >> 3 | (s[4] & 0x80) >> 4 | (s[5] & 0x80) >> 5 |
		    (s[6] & 0x80) >> 6 | (s[7] & 0x80) >> 7);
	}
	/* Trailing pixels. */
	if (x < w) {
		uint8_t acc = 0;
		int bit = 0;
		for (; x < w; x++, bit++)
			acc |= (uint8_t)((src[x] & 0x80) >> bit);
		*dst = acc;
	}
}

int
escpos_encode(struct buf *out, const struct bitmap *bm,
    const struct escpos_job *job, char *err, size_t errlen)
{
	size_t xbytes, total;
	int left, y0;
	uint8_t *o, *start;

	expect(out != NULL && bm != NULL && job != NULL);
	if (job->width_dots < 8 || job->width_dots > ESCPOS_MAX_DOTS)
		return errf(err, errlen, "printer width of %d dots is out of range 8..%d",
		    job->width_dots, ESCPOS_MAX_DOTS);
	if (bm->w < 1 || bm->h < 1 || bm->px == NULL)
		return errf(err, errlen, "empty ticket image (%dx%d)", bm->w, bm->h);
	if (bm->w > job->width_dots)
		return errf(err, errlen, "ticket is %d dots wide but the printer takes only %d",
		    bm->w, job->width_dots);
	if (job->feed_lines < 0 || job->feed_lines > 255)
		return errf(err, errlen, "feed of %d lines is out of range 0..255", job->feed_lines);
	if (job->flush_bytes < 0 || job->flush_bytes > 1 << 20)
		return errf(err, errlen, "flush of %d bytes is out of range", job->flush_bytes);

	xbytes = ((size_t)job->width_dots + 7) / 8;
	total = (size_t)job->flush_bytes + escpos_job_size(job->width_dots, bm->h, job);
	if ((o = buf_extend(out, total)) == NULL)
		return errf(err, errlen, "out of memory for a %zu-byte print job", total);
	start = o;
	memset(o, 0, (size_t)job->flush_bytes);
	o += job->flush_bytes;
	memcpy(o, cmd_init, sizeof cmd_init);
	o += sizeof cmd_init;
	memcpy(o, cmd_ignore_dle_dc4, sizeof cmd_ignore_dle_dc4);
	o += sizeof cmd_ignore_dle_dc4;

	left = (job->width_dots - bm->w) / 2;
	for (y0 = 0; y0 < bm->h; y0 += ESCPOS_BAND_ROWS) {
		int rows = bm->h - y0 < ESCPOS_BAND_ROWS ? bm->h - y0 : ESCPOS_BAND_ROWS;
		int y;

		*o++ = 0x1D;
		*o++ = 0x76;
		*o++ = 0x30;
		*o++ = 0x00;                       /* m = 0: normal density */
		*o++ = (uint8_t)(xbytes & 0xFF);   /* x = bytes per row */
		*o++ = (uint8_t)(xbytes >> 8);
		*o++ = (uint8_t)(rows & 0xFF);     /* y = rows */
		*o++ = (uint8_t)(rows >> 8);
		memset(o, 0, xbytes * (size_t)rows);
		for (y = 0; y < rows; y++) {
			pack_row(o, bm->px + (size_t)(y0 + y) * (size_t)bm->w, bm->w, left);
			o += xbytes;
		}
	}
	if (job->feed_lines > 0) {
		*o++ = 0x1B;
		*o++ = 0x64;
		*o++ = (uint8_t)job->feed_lines;
	}
	if (job->cut) {
		memcpy(o, cmd_cut, sizeof cmd_cut);
		o += sizeof cmd_cut;
	}
	if (job->barrier) {
		memcpy(o, cmd_barrier, sizeof cmd_barrier);
		o += sizeof cmd_barrier;
	}
	expect((size_t)(o - start) == total);
	return 0;
}

/* ---- status ------------------------------------------------------------ */

void
escpos_status_query(uint8_t q[3], enum escpos_query n)
{
	q[0] = 0x10;
	q[1] = 0x04;
	q[2] = (uint8_t)n;
}

int
escpos_status_valid(uint8_t b)
{
	return (b & 0x93) == 0x12;
}

enum escpos_state
escpos_status_decode(enum escpos_query n, uint8_t b)
{
	if (!escpos_status_valid(b))
		return ESCPOS_UNKNOWN;
	switch (n) {
	case ESCPOS_Q_PRINTER:
		return (b & 0x08) ? ESCPOS_OFFLINE : ESCPOS_READY;
	case ESCPOS_Q_OFFLINE:
		if (b & 0x04)
			return ESCPOS_COVER_OPEN;
		if (b & 0x20)
			return ESCPOS_PAPER_OUT;
		if (b & 0x40)
			return ESCPOS_ERROR;
		return ESCPOS_READY;
	case ESCPOS_Q_ERROR:
		return (b & 0x68) ? ESCPOS_ERROR : ESCPOS_READY;
	case ESCPOS_Q_PAPER:
		if (b & 0x60)
			return ESCPOS_PAPER_OUT;
		if (b & 0x0C)
			return ESCPOS_PAPER_NEAR_END;
		return ESCPOS_READY;
	}
	return ESCPOS_UNKNOWN;
}

int
escpos_barrier_valid(uint8_t b)
{
	return (b & 0x90) == 0x00;
}

enum escpos_state
escpos_barrier_decode(uint8_t b)
{
	if (!escpos_barrier_valid(b))
		return ESCPOS_UNKNOWN;
	if (b & 0x0C)
		return ESCPOS_PAPER_OUT;
	if (b & 0x03)
		return ESCPOS_PAPER_NEAR_END;
	return ESCPOS_READY;
}

static int
severity(enum escpos_state s)
{
	switch (s) {
	case ESCPOS_READY:          return 0;
	case ESCPOS_PAPER_NEAR_END: return 1;
	case ESCPOS_UNKNOWN:        return 2;
	case ESCPOS_OFFLINE:        return 3;
	case ESCPOS_ERROR:          return 4;
	case ESCPOS_PAPER_OUT:      return 5;
	case ESCPOS_COVER_OPEN:     return 6;
	}
	return 2;
}

enum escpos_state
escpos_state_worse(enum escpos_state a, enum escpos_state b)
{
	return severity(b) > severity(a) ? b : a;
}

const char *
escpos_state_str(enum escpos_state s)
{
	switch (s) {
	case ESCPOS_READY:          return "ready";
	case ESCPOS_PAPER_NEAR_END: return "paper running low";
	case ESCPOS_PAPER_OUT:      return "out of paper";
	case ESCPOS_COVER_OPEN:     return "cover open";
	case ESCPOS_OFFLINE:        return "offline";
	case ESCPOS_ERROR:          return "printer error";
	case ESCPOS_UNKNOWN:        return "status unknown";
	}
	return "status unknown";
}
