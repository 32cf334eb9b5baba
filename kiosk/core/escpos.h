/*
 * escpos: the ESC/POS encoder and status decoder. Pure core: it turns a
 * finished ticket bitmap into the exact bytes a thermal printer takes, and
 * status reply bytes into a state. It does no I/O, reads no clock and
 * depends on libc, bitmap.h and buf.h only; printer.c moves the bytes.
 *
 * A job is:
 *   [NUL * flush_bytes]                 only after a half-sent job, see below
 *   1B 40                               initialise
 *   1D 28 44 05 00 14 01 00 02 00       ignore DLE DC4 inside later data
 *   1D 76 30 00 xL xH yL yH d...        GS v 0, one per band of <= 256 rows
 *   1B 64 n                             feed n lines (when n > 0)
 *   1D 56 42 00                         feed to the cutter, partial cut
 *   1D 72 01                            GS r 1 job-finished barrier (optional)
 * The bitmap is thresholded (ink >= 128 is a black dot) and centred in the
 * printer's full dot width: many clones ignore ESC a for images, so the
 * padding is in the raster itself. Facts: shared/reference/ESCPOS.md.
 */
#ifndef KIOSK_ESCPOS_H
#define KIOSK_ESCPOS_H

#include <stddef.h>
#include <stdint.h>

#include "core/bitmap.h"
#include "core/buf.h"

#define ESCPOS_BAND_ROWS 256   /* most rows sent in one GS v 0 command */
#define ESCPOS_MAX_DOTS  4096  /* sanity bound on a printer's dot width */

/* How one job is framed around the raster. */
struct escpos_job {
	int width_dots;   /* the printer's full dot width; bitmap->w must not exceed it */
	int feed_lines;   /* ESC d n before the cut, 0..255 (0 = no feed command) */
	int cut;          /* 1: end with GS V B 0 (feed to cutter, partial cut) */
	int barrier;      /* 1: end with GS r 1, answered once the job is processed */
	int flush_bytes;  /* NUL bytes sent first, to flush a raster command a
	                   * failed job left half-sent (0 normally) */
};

/*
 * Append one whole job for bm to out (the bytes at out->p). Returns 0, or -1
 * with err filled (bitmap wider than width_dots, bad parameters, out of
 * memory); on -1, out keeps its previous length. A 576x900 ticket encodes in
 * well under 1 ms.
 */
int escpos_encode(struct buf *out, const struct bitmap *bm,
    const struct escpos_job *job, char *err, size_t errlen);

/* Total bytes escpos_encode appends for a bitmap of h rows (without flush_bytes). */
size_t escpos_job_size(int width_dots, int h, const struct escpos_job *job);

/* ---- status ---------------------------------------------------------- */

/* Printer states the kiosk and the server show. */
enum escpos_state {
	ESCPOS_READY,           /* online, paper present */
	ESCPOS_PAPER_NEAR_END,  /* prints, but the roll is nearly used up */
	ESCPOS_PAPER_OUT,       /* paper end: nothing prints */
	ESCPOS_COVER_OPEN,      /* the cover is open */
	ESCPOS_OFFLINE,         /* offline for another or unknown reason, or not connected */
	ESCPOS_ERROR,           /* cutter jam, head overheat, unrecoverable error */
	ESCPOS_UNKNOWN          /* no (valid) answer: one-way printer, or it said nothing */
};

/* DLE EOT n: which real-time status to ask for. */
enum escpos_query {
	ESCPOS_Q_PRINTER = 1,   /* online/offline */
	ESCPOS_Q_OFFLINE = 2,   /* cause of offline: cover, paper end stop, error */
	ESCPOS_Q_ERROR   = 3,   /* cause of error: cutter, (un)recoverable */
	ESCPOS_Q_PAPER   = 4    /* paper roll sensors */
};

/* Fill q[3] with the real-time status query 10 04 n (n = 1..4). */
void escpos_status_query(uint8_t q[3], enum escpos_query n);
/* 1 when b can be a DLE EOT reply: (b & 0x93) == 0x12. */
int escpos_status_valid(uint8_t b);
/* Decode the reply b to DLE EOT n; invalid bytes give ESCPOS_UNKNOWN. */
enum escpos_state escpos_status_decode(enum escpos_query n, uint8_t b);
/* 1 when b can be a GS r 1 reply: (b & 0x90) == 0 (bit 4 tells it apart
 * from a DLE EOT reply, where bit 4 is always set). */
int escpos_barrier_valid(uint8_t b);
/* Decode a GS r 1 reply (paper sensors): READY, PAPER_NEAR_END, PAPER_OUT,
 * or UNKNOWN when invalid. */
enum escpos_state escpos_barrier_decode(uint8_t b);
/* The more serious of two states (cover open > paper out > error > offline
 * > unknown > paper near end > ready), to merge several replies. */
enum escpos_state escpos_state_worse(enum escpos_state a, enum escpos_state b);
/* Short lower-case description: "ready", "out of paper", "cover open"... */
const char *escpos_state_str(enum escpos_state s);

#endif
