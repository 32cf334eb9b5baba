/*
 * printjob: print a generated test pattern (or a PNG) through a printer SPEC
 * with printer_print, and say what happened. For the round-trip test and
 * for trying a real printer by hand.
 *
 *   printjob SPEC --pattern WxH [--expect OUT.png]   print a test pattern
 *   printjob SPEC --png IN.png                       print a picture
 *   printjob SPEC --status                           ask the printer
 *
 * --expect writes what the paper should show: the pattern thresholded and
 * centred in the profile's width (as escpos2png --raster-only decodes it).
 * Output: outcome, state, reason, bytes, elapsed_ms, one per line.
 * Exit 0 printed (confirmed or not), 1 not printed, 2 usage or set-up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bitmap.h"
#include "core/escpos.h"
#include "io/pngio.h"
#include "printer/printer.h"

/* A pattern that shows centring, thresholding and band edges. */
static uint8_t
pattern(int x, int y, int w, int h)
{
	if (x < 2 || y < 2 || x >= w - 2 || y >= h - 2)
		return 255;                               /* frame */
	if (x == y || x == w - 1 - y)
		return 255;                               /* diagonals */
	if (y % 256 == 255)
		return 255;                               /* last row of each band */
	if (y > h / 2 && y < h / 2 + 40)
		return (uint8_t)(x * 255 / w);            /* grey ramp: threshold at 128 */
	if (((x / 16) + (y / 16)) % 2 == 0 && y < 64)
		return 200;                               /* checker */
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: printjob SPEC (--pattern WxH [--expect OUT.png] | --png IN.png | --status)\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *spec, *expect_png = NULL, *in_png = NULL;
	struct bitmap *bm = NULL;
	struct printer *p;
	struct print_result res;
	char err[256];
	int w = 0, h = 0, status_only = 0, i, rc;

	if (argc < 3)
		return usage();
	spec = argv[1];
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--pattern") == 0 && i + 1 < argc) {
			if (sscanf(argv[++i], "%dx%d", &w, &h) != 2 || w < 1 || h < 1 || w > 4096 || h > 100000)
				return usage();
		} else if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc) {
			expect_png = argv[++i];
		} else if (strcmp(argv[i], "--png") == 0 && i + 1 < argc) {
			in_png = argv[++i];
		} else if (strcmp(argv[i], "--status") == 0) {
			status_only = 1;
		} else {
			return usage();
		}
	}
	if (!status_only && !in_png && !w)
		return usage();

	p = printer_open(spec, err, sizeof err);
	if (p == NULL) {
		fprintf(stderr, "printjob: %s\n", err);
		return 2;
	}
	if (status_only) {
		enum escpos_state st = printer_status(p, err, sizeof err);
		printf("state: %s\nreason: %s\n", escpos_state_str(st), err);
		printer_close(p);
		return 0;
	}
	if (in_png) {
		bm = png_read(in_png, err, sizeof err);
		if (bm == NULL) {
			fprintf(stderr, "printjob: %s\n", err);
			printer_close(p);
			return 2;
		}
	} else {
		int x, y;
		bm = bitmap_new(w, h);
		if (bm == NULL) {
			printer_close(p);
			return 2;
		}
		for (y = 0; y < h; y++)
			for (x = 0; x < w; x++)
				bm->px[(size_t)y * (size_t)w + (size_t)x] = pattern(x, y, w, h);
	}
	if (expect_png) {
		int W = printer_profile(p)->dots, left = (W - bm->w) / 2, x, y;
		struct bitmap *e = bitmap_new(W, bm->h);
		if (e == NULL || bm->w > W) {
			fprintf(stderr, "printjob: pattern wider than the profile's %d dots\n", W);
			bitmap_free(e);
			bitmap_free(bm);
			printer_close(p);
			return 2;
		}
		for (y = 0; y < bm->h; y++)
			for (x = 0; x < bm->w; x++)
				e->px[(size_t)y * (size_t)W + (size_t)(left + x)] =
				    bm->px[(size_t)y * (size_t)bm->w + (size_t)x] >= 128 ? 255 : 0;
		if (png_write(e, expect_png, err, sizeof err) < 0) {
			fprintf(stderr, "printjob: %s\n", err);
			bitmap_free(e);
			bitmap_free(bm);
			printer_close(p);
			return 2;
		}
		bitmap_free(e);
	}
	rc = printer_print(p, bm, &res);
	printf("outcome: %s\nstate: %s\nreason: %s\nbytes: %zu/%zu\nelapsed_ms: %d\n",
	    printer_outcome_str(res.outcome), escpos_state_str(res.state), res.reason,
	    res.bytes_sent, res.bytes_total, res.elapsed_ms);
	bitmap_free(bm);
	printer_close(p);
	return rc == 0 ? 0 : 1;
}
