/*
 * test_ticket: the slip renderer (ticket.c) with its text (text.c) and QR
 * (qr.c) modules, on the real Debian Noto fonts.
 *
 * Every slip is written as a PNG to a temporary directory and its QR read
 * back with zbarimg, the way a phone or a counter scanner would. Text
 * checks compare pixels: shaping (joined Arabic is narrower than its
 * isolated letters), visual order (the Latin run of a right-to-left line is
 * drawn at its left), right alignment, and the big number. The admin
 * screen's test page: its frame and band at each width, and no QR code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testhelp.h"
#include "core/bitmap.h"
#include "io/pngio.h"
#include "core/qr.h"
#include "core/text.h"
#include "core/ticket.h"

static char tmpdir[] = "/tmp/test_ticket.XXXXXX";

#define PAYLOAD "K1*T*PREFECTURE-93*20250303*A*42*0941*KIOSK1*1042*0*" \
	"MZXW6YTBOI3DSNBRGEYTCMJRGEZTEMZTGQ2DKNJVGU3DONZXHA4DSOJZGAYDAMBQGEYTCMJSGIZTGNBUGU2TMNRXG44DQOJZGAYDAMB"

/* Sample translations (team-written, to be reviewed by native speakers). */
struct sample {
	const char *lang;     /* language code */
	const char *service;  /* "Premier titre de séjour" */
	const char *notice;   /* "Ce ticket est gratuit. Ne le payez jamais." */
	const char *position; /* "Position" */
	const char *wait;     /* "Attente estimée" */
	const char *minutes;  /* "{n} min" */
};
static const struct sample samples[] = {
	{ "fr", "Premier titre de séjour", "Ce ticket est gratuit. Ne le payez jamais.",
	  "Position", "Attente estimée", "{n} min" },
	{ "ar", "أول بطاقة إقامة", "هذه التذكرة مجانية. لا تدفع ثمنها أبدًا.",
	  "ترتيبك", "الانتظار المتوقع", "{n} دقيقة" },
	{ "fa", "نخستین کارت اقامت", "این برگهٔ نوبت رایگان است. هرگز برای آن پول نپردازید.",
	  "جایگاه در صف", "زمان انتظار تخمینی", "{n} دقیقه" },
	{ "ta", "முதல் குடியிருப்பு அனுமதி",
	  "இந்தச் சீட்டு இலவசம். இதற்கு ஒருபோதும் பணம் செலுத்த வேண்டாம்.",
	  "வரிசையில் இடம்", "மதிப்பிடப்பட்ட காத்திருப்பு", "{n} நிமிடம்" },
	{ "zh", "首次申请居留证", "此票免费。切勿为此付款。", "排队位置", "预计等待", "约 {n} 分钟" },
	{ "uk", "Перша посвідка на проживання", "Цей талон безкоштовний. Ніколи не платіть за нього.",
	  "Позиція в черзі", "Орієнтовне очікування", "{n} хв" },
};
#define NSAMPLES ((int)(sizeof samples / sizeof samples[0]))

static void
view_for(struct ticket_view *v, const struct sample *s)
{
	const struct sample *fr = &samples[0];

	memset(v, 0, sizeof *v);
	v->kind = TICKET_KIND_TICKET;
	v->lang = s->lang;
	v->site_name = "Préfecture de la Seine-Saint-Denis — Bobigny";
	v->number = "A042";
	v->service = (struct ticket_text2){ fr->service, s->service };
	v->datetime = "Lundi 3 mars 2025 — 09:41";
	v->position = 12;
	v->wait_min = 35;
	v->free_notice = (struct ticket_text2){ fr->notice, s->notice };
	v->holder_ref = "•••4B7";
	v->qr_payload = PAYLOAD;
	v->labels.number = (struct ticket_text2){ "Votre numéro", NULL };
	v->labels.position = (struct ticket_text2){ fr->position, s->position };
	v->labels.wait = (struct ticket_text2){ fr->wait, s->wait };
	v->labels.minutes = (struct ticket_text2){ fr->minutes, s->minutes };
}

/* Decode the QR codes of a PNG with zbarimg; returns the text or NULL. */
static char *
zbar(const char *path)
{
	static char out[4096];
	char cmd[512];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof cmd, "zbarimg -q --raw '%s' 2>/dev/null", path);
	if ((p = popen(cmd, "r")) == NULL)
		return NULL;
	n = fread(out, 1, sizeof out - 1, p);
	if (pclose(p) != 0)
		return NULL;
	out[n] = '\0';
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	return out;
}

static int
ink_in_rect(const struct bitmap *b, int x0, int y0, int x1, int y1)
{
	int x, y, n = 0;

	for (y = y0 < 0 ? 0 : y0; y < y1 && y < b->h; y++)
		for (x = x0 < 0 ? 0 : x0; x < x1 && x < b->w; x++)
			n += b->px[(size_t)y * b->w + x] >= 128;
	return n;
}

/* Leftmost / rightmost inked column of the whole bitmap (-1 if blank). */
static void
ink_columns(const struct bitmap *b, int *left, int *right)
{
	int x, y;

	*left = *right = -1;
	for (x = 0; x < b->w; x++)
		for (y = 0; y < b->h; y++)
			if (b->px[(size_t)y * b->w + x] >= 128) {
				if (*left < 0)
					*left = x;
				*right = x;
				break;
			}
}

/* Sum of the ink of column x. */
static long
column_ink(const struct bitmap *b, int x)
{
	long n = 0;
	int y;

	for (y = 0; y < b->h; y++)
		n += b->px[(size_t)y * b->w + x];
	return n;
}

/* Does q appear exactly (paper and ink) in b at (x, y)? */
static int
matches_at(const struct bitmap *b, const struct bitmap *q, int x, int y)
{
	int r;

	if (x < 0 || y < 0 || x + q->w > b->w || y + q->h > b->h)
		return 0;
	for (r = 0; r < q->h; r++)
		if (memcmp(b->px + (size_t)(y + r) * b->w + x, q->px + (size_t)r * q->w, (size_t)q->w) != 0)
			return 0;
	return 1;
}

static void
test_fonts_missing(void)
{
	static const char *const files[] = {
		"truetype/noto/NotoSans-Regular.ttf", "truetype/noto/NotoSans-Bold.ttf",
		"truetype/noto/NotoSansArabic-Regular.ttf", "truetype/noto/NotoSansArabic-Bold.ttf",
		"truetype/noto/NotoSansBengali-Regular.ttf", "truetype/noto/NotoSansBengali-Bold.ttf",
		"truetype/noto/NotoSansTamil-Regular.ttf", "truetype/noto/NotoSansTamil-Bold.ttf",
		"truetype/noto/NotoSansDevanagari-Regular.ttf", "truetype/noto/NotoSansDevanagari-Bold.ttf",
		"opentype/noto/NotoSansCJK-Regular.ttc", "opentype/noto/NotoSansCJK-Bold.ttc",
	};
	char err[512] = "", dir[600], src[600], dst[700];
	struct fonts *f = fonts_open("/nonexistent/fonts", err, sizeof err);
	size_t i;
	FILE *fp;

	CHECK(f == NULL);
	CHECK(strstr(err, "/nonexistent/fonts/NotoSans-Regular.ttf") != NULL);
	CHECK(strstr(err, "fonts-noto-core") != NULL);
	fonts_free(NULL);

	/* a font directory with every face but the bold CJK one: the error
	 * names that file and its package */
	snprintf(dir, sizeof dir, "%s/fonts", tmpdir);
	REQUIRE(mkdir(dir, 0700) == 0);
	for (i = 0; i + 1 < sizeof files / sizeof files[0]; i++) {
		snprintf(src, sizeof src, "/usr/share/fonts/%s", files[i]);
		snprintf(dst, sizeof dst, "%s/%s", dir, strrchr(files[i], '/') + 1);
		CHECK(symlink(src, dst) == 0);
	}
	err[0] = '\0';
	CHECK((f = fonts_open(dir, err, sizeof err)) == NULL);
	CHECK(strstr(err, "NotoSansCJK-Bold.ttc") != NULL);
	CHECK(strstr(err, "fonts-noto-cjk") != NULL);
	snprintf(src, sizeof src, "/usr/share/fonts/%s", files[i]);
	snprintf(dst, sizeof dst, "%s/%s", dir, strrchr(files[i], '/') + 1);
	CHECK(symlink(src, dst) == 0);
	f = fonts_open(dir, err, sizeof err);
	CHECK(f != NULL);
	fonts_free(f);

	/* a damaged file is a clear error too, not a blank ticket */
	snprintf(dst, sizeof dst, "%s/NotoSansTamil-Regular.ttf", dir);
	CHECK(unlink(dst) == 0);
	REQUIRE((fp = fopen(dst, "w")) != NULL);
	fputs("not a font", fp);
	fclose(fp);
	err[0] = '\0';
	CHECK((f = fonts_open(dir, err, sizeof err)) == NULL);
	CHECK(strstr(err, "NotoSansTamil-Regular.ttf") != NULL);
	CHECK(strstr(err, "fonts-noto-core") != NULL);
}

static void
test_qr(void)
{
	char err[256], path[600], *got;
	struct bitmap *q;
	int n, x, y, ok;

	CHECK_INT(qr_modules(NULL), -1);
	CHECK_INT(qr_modules(""), -1);
	CHECK(qr_render("", 3, err, sizeof err) == NULL);
	CHECK(qr_render("x", 0, err, sizeof err) == NULL);
	n = qr_modules(PAYLOAD);
	/* the K1*... payload is alphanumeric: version 6 or 7 at M/Q */
	CHECK(n == 41 + 2 * QR_QUIET || n == 45 + 2 * QR_QUIET);
	REQUIRE((q = qr_render(PAYLOAD, 3, err, sizeof err)) != NULL);
	CHECK_INT(q->w, n * 3);
	CHECK_INT(q->h, n * 3);
	/* quiet zone: 4 modules of paper on every side */
	CHECK_INT(ink_in_rect(q, 0, 0, q->w, QR_QUIET * 3), 0);
	CHECK_INT(ink_in_rect(q, 0, q->h - QR_QUIET * 3, q->w, q->h), 0);
	CHECK_INT(ink_in_rect(q, 0, 0, QR_QUIET * 3, q->h), 0);
	CHECK_INT(ink_in_rect(q, q->w - QR_QUIET * 3, 0, q->w, q->h), 0);
	/* the finder pattern's corner module is dark, pixels are 0 or 255 */
	CHECK_INT(q->px[(size_t)(QR_QUIET * 3) * q->w + QR_QUIET * 3], 255);
	for (ok = 1, y = 0; y < q->h; y++)
		for (x = 0; x < q->w; x++)
			ok &= q->px[(size_t)y * q->w + x] == 0 || q->px[(size_t)y * q->w + x] == 255;
	CHECK(ok);
	snprintf(path, sizeof path, "%s/qr.png", tmpdir);
	CHECK(png_write(q, path, err, sizeof err) == 0);
	got = zbar(path);
	CHECK_STR(got, PAYLOAD);
	bitmap_free(q);

	/* lower case and 8-bit bytes come back exactly */
	REQUIRE((q = qr_render("Mixed case, UTF-8: é — ✓", 4, err, sizeof err)) != NULL);
	CHECK(png_write(q, path, err, sizeof err) == 0);
	got = zbar(path);
	CHECK_STR(got, "Mixed case, UTF-8: é — ✓");
	bitmap_free(q);
}

static void
test_shaping(struct fonts *f)
{
	int wj, h, sum = 0, w, i, wl, wa, wlam, walef;
	const char *letters[] = { "س", "ل", "ا", "م" };

	/* Joined Arabic uses initial/medial/final forms, narrower than the
	 * isolated letters: without HarfBuzz shaping the two would be equal. */
	CHECK(text_measure(f, 40, 0, "سلام", "ar", &wj, &h) == 0);
	for (i = 0; i < 4; i++) {
		CHECK(text_measure(f, 40, 0, letters[i], "ar", &w, &h) == 0);
		sum += w;
	}
	fprintf(stderr, "shaping: سلام %d px joined, %d px as isolated letters\n", wj, sum);
	CHECK(wj > 0);
	CHECK(wj * 100 < sum * 85);
	/* lam + alef is one ligature glyph */
	CHECK(text_measure(f, 40, 0, "لا", "ar", &w, &h) == 0);
	CHECK(text_measure(f, 40, 0, "ل", "ar", &wlam, &h) == 0);
	CHECK(text_measure(f, 40, 0, "ا", "ar", &walef, &h) == 0);
	CHECK(w < wlam + walef);
	/* Bengali conjunct ক্ষ: one glyph, narrower than its three parts */
	CHECK(text_measure(f, 40, 0, "ক্ষ", "bn", &wj, &h) == 0);
	sum = 0;
	CHECK(text_measure(f, 40, 0, "ক", "bn", &w, &h) == 0);
	sum += w;
	CHECK(text_measure(f, 40, 0, "ষ", "bn", &w, &h) == 0);
	sum += w;
	CHECK(wj < sum);

	/* Visual order: in a right-to-left line "رقم A042" the Latin run is
	 * drawn at the left edge, exactly as "A042" alone; forced left to
	 * right, it is at the right edge. Columns are compared by their ink
	 * sums, as the Arabic face deepens the line box and moves the baseline. */
	{
		struct bitmap *mix, *lat;
		int x, same;
		CHECK(text_measure(f, 40, 0, "رقم A042", NULL, &wa, &h) == 0);
		CHECK(text_measure(f, 40, 0, "A042", "fr", &wl, &h) == 0);
		REQUIRE((mix = bitmap_new(wa + 20, 120)) != NULL);
		REQUIRE((lat = bitmap_new(wa + 20, 120)) != NULL);
		CHECK(text_draw(f, mix, 0, 0, 40, 0, "رقم A042", NULL) == wa);
		CHECK(text_draw(f, lat, 0, 0, 40, 0, "A042", "fr") == wl);
		for (same = 1, x = 0; x < wl - 2; x++)
			same &= column_ink(mix, x) == column_ink(lat, x);
		CHECK(same);
		CHECK(ink_in_rect(lat, 0, 0, wl, 120) > 50);

		memset(mix->px, 0, (size_t)mix->w * mix->h);
		memset(lat->px, 0, (size_t)lat->w * lat->h);
		CHECK(text_measure(f, 40, TEXT_LTR, "رقم A042", NULL, &wa, &h) == 0);
		CHECK(text_draw(f, mix, 0, 0, 40, TEXT_LTR, "رقم A042", NULL) == wa);
		CHECK(text_draw(f, lat, wa - wl, 0, 40, TEXT_LTR, "A042", NULL) == wl);
		for (same = 1, x = wa - wl + 2; x < wa; x++)
			same &= column_ink(mix, x) == column_ink(lat, x);
		CHECK(same);
		CHECK(column_ink(mix, 2) > 0 && column_ink(lat, 2) == 0); /* Arabic at the left */
		bitmap_free(mix);
		bitmap_free(lat);
	}
	/* Inside an Arabic run the first letter is at the right: ر does not
	 * join to the left, so the right end of "رقم" is exactly "ر" alone. */
	{
		struct bitmap *word, *ra;
		int ww, wr, x, same;
		CHECK(text_measure(f, 40, 0, "رقم", "ar", &ww, &h) == 0);
		CHECK(text_measure(f, 40, 0, "ر", "ar", &wr, &h) == 0);
		REQUIRE((word = bitmap_new(ww + 10, 120)) != NULL);
		REQUIRE((ra = bitmap_new(ww + 10, 120)) != NULL);
		CHECK(text_draw(f, word, 0, 0, 40, 0, "رقم", "ar") == ww);
		CHECK(text_draw(f, ra, ww - wr, 0, 40, 0, "ر", "ar") == wr);
		for (same = 1, x = ww - wr / 2; x < ww; x++) /* its tail meets ق */
			same &= column_ink(word, x) == column_ink(ra, x);
		CHECK(same);
		CHECK(column_ink(ra, ww - wr / 2) > 0);
		bitmap_free(word);
		bitmap_free(ra);
	}
	CHECK(text_is_rtl("رقم A042", NULL) == 1);
	CHECK(text_is_rtl("A042 رقم", NULL) == 0);
	CHECK(text_is_rtl("12", "fa") == 1);
	CHECK(text_is_rtl(NULL, "fr") == 0);
}

static void
test_wrap_and_coverage(struct fonts *f)
{
	struct bitmap *b;
	unsigned long first = 0;
	int h, lh, left, right, i;

	/* a short Arabic paragraph is right-aligned in its box */
	REQUIRE((b = bitmap_new(500, 200)) != NULL);
	h = text_wrap(f, b, 10, 10, 480, 30, 0, TEXT_ALIGN_AUTO, "لا تدفع أبدًا", "ar");
	CHECK(h > 0);
	ink_columns(b, &left, &right);
	CHECK(right > 480);   /* ends at the right edge of the box (490) */
	CHECK(left > 250);    /* nothing in the left half */
	/* the same in French sits at the left */
	memset(b->px, 0, (size_t)b->w * b->h);
	CHECK(text_wrap(f, b, 10, 10, 480, 30, 0, TEXT_ALIGN_AUTO, "Ne payez jamais", "fr") > 0);
	ink_columns(b, &left, &right);
	CHECK(left >= 10 && left < 20);
	CHECK(right < 250);
	bitmap_free(b);

	/* wrapping: a long paragraph takes several lines, each within the box */
	lh = text_wrap(f, NULL, 0, 0, 1000, 24, 0, TEXT_ALIGN_LEFT, "Ne payez jamais", "fr");
	CHECK(lh > 0);
	REQUIRE((b = bitmap_new(220, 400)) != NULL);
	h = text_wrap(f, b, 10, 0, 200, 24, 0, TEXT_ALIGN_LEFT,
	    "Ce ticket est gratuit. Ne le payez jamais.", "fr");
	CHECK(h >= 2 * lh);
	CHECK(h % lh == 0);
	CHECK_INT(ink_in_rect(b, 0, 0, 10, 400), 0);
	CHECK_INT(ink_in_rect(b, 211, 0, 220, 400), 0);
	/* Chinese wraps between characters, not only at spaces */
	CHECK(text_wrap(f, NULL, 0, 0, 120, 24, 0, TEXT_ALIGN_LEFT, "此票免费。切勿为此付款。", "zh") >= 2 * lh);
	bitmap_free(b);
	CHECK_INT(text_wrap(f, NULL, 0, 0, 300, 24, 0, TEXT_ALIGN_LEFT, "", "fr"), lh); /* a blank line */

	/* every sample string has a glyph for every code point */
	for (i = 0; i < NSAMPLES; i++) {
		CHECK_INT(text_missing(f, samples[i].service, &first), 0);
		CHECK_INT(text_missing(f, samples[i].notice, &first), 0);
		CHECK_INT(text_missing(f, samples[i].wait, &first), 0);
	}
	CHECK_INT(text_missing(f, "Préfecture — Київ • ٣ ۴ ₹ € ক্ষ", &first), 0);
	CHECK_INT(text_missing(f, "ok \xF0\x9F\x98\x80 \xF0\x9F\x98\x81", &first), 2); /* no emoji face */
	CHECK_INT(first, 0x1F600);

	/* more sizes than the font cache holds: faces are evicted and
	 * reopened, widths stay the same */
	{
		int w1, w2, sz, ok = 1;
		CHECK(text_measure(f, 30, 0, "Aب中", NULL, &w1, &h) == 0);
		for (sz = 10; sz < 90; sz++)
			ok &= text_measure(f, sz, sz & 1 ? TEXT_BOLD : 0, "Aب中", NULL, &w2, &h) == 0;
		CHECK(ok);
		CHECK(text_measure(f, 30, 0, "Aب中", NULL, &w2, &h) == 0);
		CHECK_INT(w2, w1);
	}

	/* bad sizes are errors, not crashes */
	CHECK(text_draw(f, NULL, 0, 0, 0, 0, "x", NULL) == -1);
	CHECK(strlen(fonts_error(f)) > 0);
	CHECK(text_line_height(f, 24, 0) >= lh);
}

/* The longest run of consecutive inked rows within rows [y0, y1). */
static int
ink_band(const struct bitmap *b, int y0, int y1, int *start)
{
	int y, run = 0, best = 0;

	for (y = y0; y < y1 && y < b->h; y++) {
		if (ink_in_rect(b, 0, y, b->w, y + 1) > 0) {
			if (++run > best) {
				best = run;
				*start = y - run + 1;
			}
		} else {
			run = 0;
		}
	}
	return best;
}

static void
test_tickets(struct fonts *f)
{
	static const int widths[] = { 384, 576 };
	char err[512], path[600], *got;
	struct ticket_view v;
	int i, k;

	for (i = 0; i < NSAMPLES; i++) {
		for (k = 0; k < 2; k++) {
			struct bitmap *b, *q;
			int w = widths[k], band, start = 0, mods, px, y, found = -1, left, right;
			view_for(&v, &samples[i]);
			b = ticket_render(&v, w, 203, f, err, sizeof err);
			if (b == NULL)
				fprintf(stderr, "%s %d: %s\n", samples[i].lang, w, err);
			REQUIRE(b != NULL);
			CHECK_INT(b->w, w);
			CHECK(b->h > 500 && b->h < 2500);
			snprintf(path, sizeof path, "%s/ticket-%s-%d.png", tmpdir, samples[i].lang, w);
			CHECK(png_write(b, path, err, sizeof err) == 0);
			got = zbar(path);
			if (got == NULL || strcmp(got, PAYLOAD) != 0)
				fprintf(stderr, "%s: QR read back as \"%s\"\n", path, got ? got : "(nothing)");
			CHECK_STR(got, PAYLOAD);

			/* the number: the tallest text band in the top third,
			 * at least 8 mm of glyph height, across most of the width */
			band = ink_band(b, 0, b->h / 3, &start);
			CHECK(band >= 64);
			CHECK(ink_in_rect(b, 0, start, w / 4, start + band) > 0);
			CHECK(ink_in_rect(b, 3 * w / 4, start, w, start + band) > 0);

			/* the QR: exactly the qr_render bitmap (quiet zone
			 * included) centred on the paper, modules >= 3 dots */
			mods = qr_modules(PAYLOAD);
			for (px = 12; px >= 3; px--) {
				if ((q = qr_render(PAYLOAD, px, err, sizeof err)) == NULL)
					continue;
				for (y = 0; y + q->h <= b->h && found < 0; y++)
					if (matches_at(b, q, (w - q->w) / 2, y))
						found = y;
				bitmap_free(q);
				if (found >= 0)
					break;
			}
			CHECK(found >= 0);
			CHECK(px >= 3 && px * mods <= w);
			/* nothing is printed in the outer 1 mm margins */
			ink_columns(b, &left, &right);
			CHECK(left >= 8);
			CHECK(right <= w - 9);
			bitmap_free(b);
		}
	}
}

static void
test_ticket_layout(struct fonts *f)
{
	struct ticket_view v;
	struct bitmap *fr, *ar, *dup, *b;
	char err[512];
	int y, first = -1, lh, left = -1, x;

	/* Arabic block right-aligned: an ar ticket and a fr ticket are
	 * identical down to the French service name; the first differing
	 * rows are the Arabic service line, inked on the right only. */
	view_for(&v, &samples[1]);
	v.service.local = "بطاقة";
	REQUIRE((ar = ticket_render(&v, 576, 203, f, err, sizeof err)) != NULL);
	v.lang = "fr";
	REQUIRE((fr = ticket_render(&v, 576, 203, f, err, sizeof err)) != NULL);
	for (y = 0; y < fr->h && y < ar->h && first < 0; y++)
		if (memcmp(fr->px + (size_t)y * 576, ar->px + (size_t)y * 576, 576) != 0)
			first = y;
	CHECK(first > 0);
	CHECK(text_measure(f, 31, TEXT_BOLD, "بطاقة", "ar", NULL, &lh) == 0);
	for (y = first; y < first + lh && y < ar->h; y++)
		for (x = 0; x < 576; x++)
			if (ar->px[(size_t)y * 576 + x] >= 128 && (left < 0 || x < left))
				left = x;
	CHECK(left > 576 / 2);
	CHECK(ink_in_rect(ar, 540, first, 576, first + lh) > 0);
	CHECK(ar->h > fr->h);

	/* an appointment's ticket (#12): its time under the service, in
	 * French then Arabic, right-aligned; the slip grows by those lines */
	{
		struct bitmap *ap;
		int first2 = -1, l2 = -1;
		view_for(&v, &samples[1]);
		v.service.local = "بطاقة";
		REQUIRE((b = ticket_render(&v, 576, 203, f, err, sizeof err)) != NULL);
		v.appointment = (struct ticket_text2){ "Rendez-vous à 10:30", "موعدك الساعة 10:30" };
		REQUIRE((ap = ticket_render(&v, 576, 203, f, err, sizeof err)) != NULL);
		CHECK(ap->h > b->h + 2 * lh);
		for (y = 0; y < b->h && first2 < 0; y++)
			if (memcmp(b->px + (size_t)y * 576, ap->px + (size_t)y * 576, 576) != 0)
				first2 = y;
		CHECK(first2 > first); /* below the service's lines */
		/* the French line starts at the left */
		for (y = first2; y < first2 + lh && y < ap->h; y++)
			for (x = 0; x < 576; x++)
				if (ap->px[(size_t)y * 576 + x] >= 128 && (l2 < 0 || x < l2))
					l2 = x;
		CHECK(l2 >= 0 && l2 < 576 / 4);
		bitmap_free(ap);
		bitmap_free(b);
	}

	/* a reprint says so: the slip grows by the outlined DUPLICATA box */
	v.reprint = 2;
	REQUIRE((dup = ticket_render(&v, 576, 203, f, err, sizeof err)) != NULL);
	CHECK(dup->h > fr->h + 40);
	bitmap_free(dup);
	bitmap_free(fr);
	bitmap_free(ar);

	/* no large solid black area: no 40x40 block of full ink anywhere
	 * (number strokes and QR finder eyes stay narrower) */
	view_for(&v, &samples[0]);
	REQUIRE((b = ticket_render(&v, 384, 203, f, err, sizeof err)) != NULL);
	{
		int bx, by, solid = 0;
		for (by = 0; by + 40 <= b->h; by += 8)
			for (bx = 0; bx + 40 <= b->w; bx += 8)
				solid += ink_in_rect(b, bx, by, bx + 40, by + 40) == 1600;
		CHECK_INT(solid, 0);
	}
	bitmap_free(b);

	/* attestation: laid out, with its QR */
	view_for(&v, &samples[5]);
	v.kind = TICKET_KIND_ATTESTATION;
	v.att.title = (struct ticket_text2){ "ATTESTATION DE PASSAGE", "ДОВІДКА ПРО ВІЗИТ" };
	v.att.outcome = (struct ticket_text2){ "Capacité du jour atteinte", "Денну квоту вичерпано" };
	v.att.serial = "AT-20250303-0012";
	v.att.statement = (struct ticket_text2){ "La personne s'est présentée à l'accueil.", NULL };
	REQUIRE((b = ticket_render(&v, 512, 180, f, err, sizeof err)) != NULL);
	CHECK(b->w == 512 && b->h > 300);
	{
		/* a missed appointment is named on it */
		struct bitmap *late;
		v.appointment = (struct ticket_text2){ "Rendez-vous à 10:30", "Запис на 10:30" };
		REQUIRE((late = ticket_render(&v, 512, 180, f, err, sizeof err)) != NULL);
		CHECK(late->h > b->h + 20);
		bitmap_free(late);
		v.appointment = (struct ticket_text2){ NULL, NULL };
	}
	bitmap_free(b);
	v.att.title.fr = NULL;
	CHECK(ticket_render(&v, 512, 180, f, err, sizeof err) == NULL);

	/* errors: no payload, no number, a payload too big for the paper */
	view_for(&v, &samples[0]);
	v.qr_payload = NULL;
	CHECK(ticket_render(&v, 384, 203, f, err, sizeof err) == NULL);
	CHECK(strstr(err, "QR") != NULL);
	view_for(&v, &samples[0]);
	v.number = "";
	CHECK(ticket_render(&v, 384, 203, f, err, sizeof err) == NULL);
	CHECK(strstr(err, "number") != NULL);
	{
		static char big[2400];
		memset(big, 'x', sizeof big - 1);
		view_for(&v, &samples[0]);
		v.qr_payload = big;
		CHECK(ticket_render(&v, 384, 203, f, err, sizeof err) == NULL);
		CHECK(strstr(err, "QR") != NULL);
		/* a long payload that fits at 3 dots a module still scans */
		big[500] = '\0';
		REQUIRE((b = ticket_render(&v, 384, 203, f, err, sizeof err)) != NULL);
		snprintf(err, sizeof err, "%s/long.png", tmpdir);
		CHECK(png_write(b, err, err + 300, 200) == 0);
		CHECK_STR(zbar(err), big);
		bitmap_free(b);
	}
	CHECK(ticket_render(&v, 50, 203, f, err, sizeof err) == NULL);
}

/* The admin screen's test page: at each printer width, a frame on the
 * column's edges, a solid band across it, no QR code (never a ticket). */
static void
test_test_page(struct fonts *f)
{
	static const int widths[] = { 384, 512, 576 };
	struct ticket_test tt = { "Préfecture de la Seine-Saint-Denis — Bobigny",
		"Imprimé le 05/12/2026 09:14\nImprimante : usb:/dev/usb/lp0\nProfil : 80mm" };
	char err[256], path[300], cmd[400];
	size_t i;

	for (i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		struct bitmap *b = ticket_render_test(&tt, widths[i], 203, f, err, sizeof err);
		int x, y, band = 0, ink_left = 0;
		REQUIRE(b != NULL);
		CHECK_INT(b->w, widths[i]);
		CHECK(b->h > 200 && b->h < 2000);
		for (y = 0; y < b->h; y++) {
			int full = 1;
			for (x = 12; x < b->w - 12; x++)
				if (b->px[(size_t)y * b->w + x] < 128)
					full = 0;
			band += full;
			ink_left += b->px[(size_t)y * b->w + 12] >= 128;
		}
		CHECK(band >= 20);          /* 4 mm of solid band at 203 dpi: 32 rows */
		CHECK(ink_left > b->h / 4); /* the frame's left edge */
		snprintf(path, sizeof path, "%s/test-page-%d.png", tmpdir, widths[i]);
		CHECK_INT(png_write(b, path, err, sizeof err), 0);
		snprintf(cmd, sizeof cmd, "zbarimg -q '%s' >/dev/null 2>&1", path);
		CHECK(system(cmd) != 0);    /* no QR code on it */
		bitmap_free(b);
	}
	CHECK(ticket_render_test(&tt, 50, 203, f, err, sizeof err) == NULL);
}

int
main(void)
{
	struct fonts *f;
	char err[512], cmd[600];

	REQUIRE(mkdtemp(tmpdir) != NULL);
	test_fonts_missing();
	test_qr();
	f = fonts_open(NULL, err, sizeof err);
	if (f == NULL)
		fprintf(stderr, "fonts_open: %s\n", err);
	REQUIRE(f != NULL);
	test_shaping(f);
	test_wrap_and_coverage(f);
	test_tickets(f);
	test_ticket_layout(f);
	test_test_page(f);
	fonts_free(f);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return TEST_REPORT();
}
