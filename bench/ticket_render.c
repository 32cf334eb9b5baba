/*
 * bench/ticket_render: the time to lay out and encode one 80 mm slip.
 *
 * Renders an Arabic + French ticket at 576 dots / 203 dpi (the heaviest
 * common case: two scripts, bidi, a wrapped notice) and encodes it to
 * ESC/POS, RUNS times, after one warm-up that opens the font sizes (as the
 * kiosk does once at start-up). Prints the median and p99 of render,
 * encode and both, the bytes sent, and as a reference floor the time to
 * merely threshold-copy the same bitmap once. Goal (issue 3): < 10 ms
 * median for render + encode.
 *
 *   build/bench/ticket_render [RUNS] [LANG]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bitmap.h"
#include "core/buf.h"
#include "core/escpos.h"
#include "core/text.h"
#include "core/ticket.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median and 99th percentile (nearest rank) of n samples; sorts them. */
static void
stats(double *v, int n, double *med, double *p99)
{
	int k = (99 * n + 99) / 100 - 1;

	qsort(v, (size_t)n, sizeof *v, cmp_double);
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*p99 = v[k < 0 ? 0 : k >= n ? n - 1 : k];
}

int
main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 200;
	const char *lang = argc > 2 ? argv[2] : "ar";
	int ar = strcmp(lang, "ar") == 0;
	struct ticket_view v;
	struct escpos_job job = { .width_dots = 576, .feed_lines = 3, .cut = 1, .barrier = 1 };
	struct buf enc = BUF_INIT, *out = &enc;
	struct fonts *f;
	struct bitmap *b;
	double *tr, *te, *tt, med, p99, t0, t1, t2;
	char err[512];
	size_t bytes = 0;
	int i, h = 0, rc = 1;

	if (runs < 1)
		runs = 200;
	memset(&v, 0, sizeof v);
	v.lang = lang;
	v.site_name = "Préfecture de la Seine-Saint-Denis — Bobigny";
	v.number = "A042";
	v.service = (struct ticket_text2){ "Premier titre de séjour", ar ? "أول بطاقة إقامة" : NULL };
	v.datetime = "Lundi 3 mars 2025 — 09:41";
	v.position = 12;
	v.wait_min = 35;
	v.free_notice = (struct ticket_text2){ "Ce ticket est gratuit. Ne le payez jamais.",
	    ar ? "هذه التذكرة مجانية. لا تدفع ثمنها أبدًا." : NULL };
	v.holder_ref = "•••4B7";
	v.qr_payload = "K1*T*PREFECTURE-93*20250303*A*42*0941*KIOSK1*1042*0*"
	    "MZXW6YTBOI3DSNBRGEYTCMJRGEZTEMZTGQ2DKNJVGU3DONZXHA4DSOJZGAYDAMBQGEYTCMJSGIZTGNBUGU2TMNRXG44DQOJZGAYDAMB";
	v.labels.number = (struct ticket_text2){ "Votre numéro", ar ? "رقمك" : NULL };
	v.labels.position = (struct ticket_text2){ "Position", ar ? "ترتيبك" : NULL };
	v.labels.wait = (struct ticket_text2){ "Attente estimée", ar ? "الانتظار المتوقع" : NULL };
	v.labels.minutes = (struct ticket_text2){ "{n} min", ar ? "{n} دقيقة" : NULL };
	v.labels.holder = (struct ticket_text2){ "Titulaire", ar ? "صاحب التذكرة" : NULL };

	tr = calloc((size_t)runs, sizeof *tr);
	te = calloc((size_t)runs, sizeof *te);
	tt = calloc((size_t)runs, sizeof *tt);
	if ((f = fonts_open(NULL, err, sizeof err)) == NULL || !tr || !te || !tt) {
		fprintf(stderr, "ticket_render: %s\n", f ? "out of memory" : err);
		goto done;
	}
	/* warm-up: opens the faces at the ticket's sizes, as start-up would */
	if ((b = ticket_render(&v, 576, 203, f, err, sizeof err)) == NULL) {
		fprintf(stderr, "ticket_render: %s\n", err);
		goto done;
	}
	bitmap_free(b);

	for (i = 0; i < runs; i++) {
		t0 = now_ms();
		if ((b = ticket_render(&v, 576, 203, f, err, sizeof err)) == NULL) {
			fprintf(stderr, "ticket_render: %s\n", err);
			goto done;
		}
		t1 = now_ms();
		buf_clear(out);
		if (escpos_encode(out, b, &job, err, sizeof err) != 0) {
			fprintf(stderr, "escpos_encode: %s\n", err);
			bitmap_free(b);
			goto done;
		}
		t2 = now_ms();
		tr[i] = t1 - t0;
		te[i] = t2 - t1;
		tt[i] = t2 - t0;
		bytes = out->len;
		h = b->h;
		bitmap_free(b);
	}

	/* reference floor: threshold-copy one bitmap of the same size */
	{
		double *tc = calloc((size_t)runs, sizeof *tc);
		struct bitmap *src = bitmap_new(576, h), *dst = bitmap_new(576, h);
		size_t k, n = (size_t)576 * h;
		unsigned sink = 0;
		if (tc == NULL || src == NULL || dst == NULL) {
			free(tc);
			bitmap_free(src);
			bitmap_free(dst);
			goto done;
		}
		for (k = 0; k < n; k++)
			src->px[k] = (uint8_t)(k * 7);
		for (i = 0; i < runs; i++) {
			t0 = now_ms();
			for (k = 0; k < n; k++)
				dst->px[k] = src->px[k] >= 128 ? 255 : 0;
			tc[i] = now_ms() - t0;
			sink += dst->px[(size_t)i % n];
		}
		stats(tc, runs, &med, &p99);
		printf("ticket_render: threshold-copy of a 576x%d bitmap (reference): median %.3f ms, p99 %.3f ms (%u)\n",
		    h, med, p99, sink & 1);
		free(tc);
		bitmap_free(src);
		bitmap_free(dst);
	}
	printf("ticket_render: lang %s, 576 dots, %d runs, slip 576x%d, %zu bytes of ESC/POS\n",
	    lang, runs, h, bytes);
	stats(tr, runs, &med, &p99);
	printf("ticket_render: render           median %.3f ms, p99 %.3f ms\n", med, p99);
	stats(te, runs, &med, &p99);
	printf("ticket_render: encode           median %.3f ms, p99 %.3f ms\n", med, p99);
	stats(tt, runs, &med, &p99);
	printf("ticket_render: render + encode  median %.3f ms, p99 %.3f ms (goal < 10 ms median)\n",
	    med, p99);
	rc = med < 10.0 ? 0 : 1;
done:
	free(tr);
	free(te);
	free(tt);
	buf_free(out);
	fonts_free(f);
	return rc;
}
