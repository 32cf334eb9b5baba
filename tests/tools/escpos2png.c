/*
 * escpos2png: a STRICT decoder of the ESC/POS byte stream this project
 * emits, back into a picture of the paper. It knows exactly the commands
 * escpos.c and printer.c send, and fails (exit 1, with the offset) on
 * anything else: an unknown byte or command, a GS v 0 whose data runs past
 * the end, a band of more than 256 rows, a band wider than --width dots, a
 * job that does not start with ESC @ and the DLE DC4 ignore command, or a
 * job without a cut. A length off by one byte shows up as an unknown
 * command, as it would print garbage on paper.
 *
 *   escpos2png [--width DOTS] [--raster-only] IN.bin OUT.png
 *
 * The PNG stacks every band (ink black, paper white). Unless --raster-only,
 * feeds are drawn as paper (ESC d n: 30 rows a line; ESC J n: n rows) and
 * each cut as one dashed row. Width: --width, or the widest band.
 * Prints one summary line: jobs, cuts, bands, rows, and the PNG size.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bitmap.h"
#include "io/pngio.h"

#define LINE_ROWS 30  /* rows drawn for one ESC d line */

/* One horizontal strip of the output. */
struct strip {
	int kind;            /* 0 raster, 1 paper (feed), 2 cut mark */
	int xbytes;          /* raster: bytes per row */
	int rows;            /* rows in the strip */
	const uint8_t *data; /* raster: xbytes * rows bytes, inside the input */
};

static struct strip *strips;
static size_t nstrips, capstrips;

static void
die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("escpos2png: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
add_strip(int kind, int xbytes, int rows, const uint8_t *data)
{
	if (nstrips == capstrips) {
		capstrips = capstrips ? capstrips * 2 : 64;
		strips = realloc(strips, capstrips * sizeof *strips);
		if (strips == NULL)
			die("out of memory");
	}
	strips[nstrips].kind = kind;
	strips[nstrips].xbytes = xbytes;
	strips[nstrips].rows = rows;
	strips[nstrips].data = data;
	nstrips++;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (buf == NULL)
				die("out of memory");
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	*len = n;
	return buf;
}

static const uint8_t dc4_ignore[] = { 0x1D, 0x28, 0x44, 0x05, 0x00, 0x14, 0x01, 0x00, 0x02, 0x00 };

int
main(int argc, char **argv)
{
	const char *in = NULL, *outp = NULL;
	int width = 0, raster_only = 0, i;
	int jobs = 0, cuts = 0, bands = 0, rows = 0, barriers = 0, queries = 0, nuls = 0;
	int in_job = 0, need_dc4 = 0, job_cut = 0, maxx = 0, W, H;
	size_t len, pos = 0, s;
	uint8_t *d;
	struct bitmap *bm;
	char err[256];

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--width") == 0 && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);
			if (*end || v < 8 || v > 4096)
				die("--width must be 8..4096 dots");
			width = (int)v;
		} else if (strcmp(argv[i], "--raster-only") == 0) {
			raster_only = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			die("unknown option %s\nusage: escpos2png [--width DOTS] [--raster-only] IN.bin OUT.png", argv[i]);
		} else if (in == NULL) {
			in = argv[i];
		} else if (outp == NULL) {
			outp = argv[i];
		} else {
			die("too many arguments");
		}
	}
	if (in == NULL || outp == NULL)
		die("usage: escpos2png [--width DOTS] [--raster-only] IN.bin OUT.png");

	d = slurp(in, &len);
	while (pos < len) {
		size_t left = len - pos;
		const uint8_t *c = d + pos;

		/* Real-time status query: allowed anywhere between commands. */
		if (c[0] == 0x10) {
			if (left < 3 || c[1] != 0x04 || c[2] < 1 || c[2] > 4)
				die("offset %zu: unknown DLE command (only DLE EOT 1..4 is sent)", pos);
			queries++;
			pos += 3;
			continue;
		}
		/* NUL: flush padding sent after a job was cut off mid-raster. */
		if (c[0] == 0x00) {
			nuls++;
			pos++;
			continue;
		}
		if (c[0] == 0x1B && left >= 2 && c[1] == 0x40) {
			if (in_job && !job_cut)
				die("offset %zu: job %d ends without a cut", pos, jobs);
			jobs++;
			in_job = 1;
			need_dc4 = 1;
			job_cut = 0;
			pos += 2;
			continue;
		}
		if (!in_job)
			die("offset %zu: byte 0x%02X before any ESC @ (initialise)", pos, c[0]);
		if (c[0] == 0x1D && left >= 3 && c[1] == 0x28 && c[2] == 0x44) {
			if (left < sizeof dc4_ignore || memcmp(c, dc4_ignore, sizeof dc4_ignore) != 0)
				die("offset %zu: GS ( D with parameters other than 05 00 14 01 00 02 00", pos);
			if (!need_dc4)
				die("offset %zu: DLE DC4 ignore command not right after ESC @", pos);
			need_dc4 = 0;
			pos += sizeof dc4_ignore;
			continue;
		}
		if (need_dc4)
			die("offset %zu: job %d does not start with the DLE DC4 ignore command "
			    "(1D 28 44 05 00 14 01 00 02 00) after ESC @", pos, jobs);
		if (job_cut && !(c[0] == 0x1D && left >= 2 && c[1] == 0x72))
			die("offset %zu: byte 0x%02X after the cut of job %d (only GS r 1 may follow)",
			    pos, c[0], jobs);
		if (c[0] == 0x1D && left >= 3 && c[1] == 0x76 && c[2] == 0x30) {
			int xb, yr;
			size_t need;
			if (left < 8)
				die("offset %zu: GS v 0 header cut short", pos);
			if (c[3] != 0)
				die("offset %zu: GS v 0 mode %d (only 0, normal, is sent)", pos, c[3]);
			xb = c[4] | c[5] << 8;
			yr = c[6] | c[7] << 8;
			if (xb < 1 || yr < 1)
				die("offset %zu: GS v 0 of %d bytes x %d rows", pos, xb, yr);
			if (yr > 256)
				die("offset %zu: GS v 0 band of %d rows (at most 256 are sent)", pos, yr);
			if (width && xb > (width + 7) / 8)
				die("offset %zu: band is %d dots wide, wider than the printer's %d dots",
				    pos, xb * 8, width);
			need = (size_t)xb * (size_t)yr;
			if (left - 8 < need)
				die("offset %zu: GS v 0 needs %zu data bytes (%d x %d), only %zu left",
				    pos, need, xb, yr, left - 8);
			add_strip(0, xb, yr, c + 8);
			if (xb * 8 > maxx)
				maxx = xb * 8;
			bands++;
			rows += yr;
			pos += 8 + need;
			continue;
		}
		if (c[0] == 0x1B && left >= 3 && c[1] == 0x64) {
			add_strip(1, 0, c[2] * LINE_ROWS, NULL);
			pos += 3;
			continue;
		}
		if (c[0] == 0x1B && left >= 3 && c[1] == 0x4A) {
			add_strip(1, 0, c[2], NULL);
			pos += 3;
			continue;
		}
		if (c[0] == 0x1D && left >= 3 && c[1] == 0x56) {
			if (c[2] == 0x41 || c[2] == 0x42) {
				if (left < 4)
					die("offset %zu: GS V %c without its n byte", pos, c[2]);
				pos += 4;
			} else if (c[2] == 0x00 || c[2] == 0x01 || c[2] == 0x30 || c[2] == 0x31) {
				pos += 3;
			} else {
				die("offset %zu: GS V with unknown mode 0x%02X", pos, c[2]);
			}
			add_strip(2, 0, 1, NULL);
			cuts++;
			job_cut = 1;
			continue;
		}
		if (c[0] == 0x1D && left >= 2 && c[1] == 0x72) {
			if (left < 3 || c[2] != 0x01)
				die("offset %zu: GS r other than GS r 1", pos);
			if (!job_cut)
				die("offset %zu: GS r 1 before the cut of job %d", pos, jobs);
			barriers++;
			pos += 3;
			continue;
		}
		die("offset %zu: unknown byte 0x%02X in job %d (a wrong image length, or a "
		    "command this project does not send)", pos, c[0], jobs);
	}
	if (in_job && need_dc4)
		die("end of data: job %d has only ESC @", jobs);
	if (in_job && !job_cut)
		die("end of data: job %d ends without a cut", jobs);

	W = width ? width : (maxx ? maxx : 8);
	H = 0;
	for (s = 0; s < nstrips; s++)
		if (!raster_only || strips[s].kind == 0)
			H += strips[s].rows;
	bm = bitmap_new(W, H ? H : 1);
	if (bm == NULL)
		die("out of memory for a %dx%d picture", W, H);
	{
		int y = 0;
		for (s = 0; s < nstrips; s++) {
			const struct strip *t = &strips[s];
			int r, x;
			if (raster_only && t->kind != 0)
				continue;
			for (r = 0; r < t->rows; r++, y++) {
				uint8_t *row = bm->px + (size_t)y * (size_t)W;
				if (t->kind == 2) {
					for (x = 0; x < W; x++)
						row[x] = (x / 4) % 2 ? 0 : 255;
				} else if (t->kind == 0) {
					const uint8_t *src = t->data + (size_t)r * (size_t)t->xbytes;
					for (x = 0; x < t->xbytes * 8 && x < W; x++)
						row[x] = (src[x / 8] & (0x80 >> (x % 8))) ? 255 : 0;
				}
			}
		}
	}
	if (png_write(bm, outp, err, sizeof err) < 0)
		die("%s", err);
	printf("jobs: %d, cuts: %d, bands: %d, rows: %d, barriers: %d, status queries: %d, "
	    "flush bytes: %d, png: %dx%d\n", jobs, cuts, bands, rows, barriers, queries, nuls,
	    W, H ? H : 1);
	bitmap_free(bm);
	free(strips);
	free(d);
	return 0;
}
