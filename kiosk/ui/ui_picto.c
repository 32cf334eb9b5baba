/*
 * ui_picto: the kit's pictograms (see kit.h), drawn with its primitives
 * (boxes, triangles, segments, a few glyphs) so that they scale to any
 * size, take the palette's colours and need no image file. Each is laid
 * out in percentages of its square box.
 *
 * Part of the pure ui core; must not depend on the screens (screens.h).
 */
#include "ui/kit.h"

/* Where and how one pictogram is drawn. */
struct pen {
	int x, y, s;           /* its square box: corner and side */
	int t;                 /* stroke width */
	int cx, cy;            /* the box's centre */
	enum role ink, paper;  /* its colours */
	enum picto p;          /* which one (a function may draw a family) */
};

/* Percentages of the box's side s, from its corner (x, y), to pixels. */
#define R(px, py, pw, ph) \
	mkrect(g->x + (px) * g->s / 100, g->y + (py) * g->s / 100, (pw) * g->s / 100, (ph) * g->s / 100)
#define PX(v) (g->x + (v) * g->s / 100)
#define PY(v) (g->y + (v) * g->s / 100)

/* The catalogue: one function per pictogram (or family), each a handful of
 * primitives, in the order of enum picto. */

/* P_CARD_NEW, P_CARD_RENEW, P_CARD_PICKUP */
static void
picto_card(struct ui *u, const struct pen *g)
{
	kit_stroke(u, R(8, 24, 70, 48), g->ink, g->s / 14, g->t);
	kit_fill(u, R(16, 34, 18, 22), g->ink, g->s / 40);           /* photo */
	kit_seg(u, g->ink, g->t, PX(42), PY(40), PX(68), PY(40));  /* text lines */
	kit_seg(u, g->ink, g->t, PX(42), PY(52), PX(62), PY(52));
	if (g->p == P_CARD_NEW) {                           /* plus badge */
		kit_fill(u, R(62, 58, 34, 34), g->ink, g->s * 17 / 100);
		kit_seg(u, g->paper, g->t, PX(72), PY(75), PX(86), PY(75));
		kit_seg(u, g->paper, g->t, PX(79), PY(68), PX(79), PY(82));
	} else if (g->p == P_CARD_RENEW) {                  /* circular arrow */
		kit_fill(u, R(62, 58, 34, 34), g->ink, g->s * 17 / 100);
		kit_stroke(u, R(69, 65, 20, 20), g->paper, g->s / 10, imax(2, g->t * 3 / 4));
		kit_fill(u, R(78, 62, 12, 10), g->ink, 0);
		kit_tri(u, g->paper, PX(76), PY(60), PX(86), PY(66), PX(76), PY(72));
	} else {                                         /* down arrow: to take */
		kit_fill(u, R(62, 58, 34, 34), g->ink, g->s * 17 / 100);
		kit_seg(u, g->paper, g->t, PX(79), PY(65), PX(79), PY(80));
		kit_tri(u, g->paper, PX(71), PY(76), PX(87), PY(76), PX(79), PY(86));
	}
}

/* P_BUILDING */
static void
picto_building(struct ui *u, const struct pen *g)
{
	kit_tri(u, g->ink, PX(10), PY(34), PX(90), PY(34), PX(50), PY(10));
	kit_fill(u, R(18, 40, 10, 36), g->ink, 0);
	kit_fill(u, R(37, 40, 10, 36), g->ink, 0);
	kit_fill(u, R(54, 40, 10, 36), g->ink, 0);
	kit_fill(u, R(72, 40, 10, 36), g->ink, 0);
	kit_fill(u, R(10, 80, 80, 9), g->ink, 0);
}

/* P_SCREEN */
static void
picto_screen(struct ui *u, const struct pen *g)
{
	kit_stroke(u, R(10, 16, 80, 54), g->ink, g->s / 20, g->t);
	kit_fill(u, R(44, 70, 12, 12), g->ink, 0);
	kit_fill(u, R(30, 82, 40, 7), g->ink, g->s / 40);
	kit_tri(u, g->ink, PX(44), PY(30), PX(44), PY(58), PX(64), PY(48)); /* pointer */
}

/* P_DOCUMENT */
static void
picto_document(struct ui *u, const struct pen *g)
{
	kit_stroke(u, R(22, 10, 56, 80), g->ink, g->s / 20, g->t);
	kit_seg(u, g->ink, g->t, PX(34), PY(32), PX(66), PY(32));
	kit_seg(u, g->ink, g->t, PX(34), PY(48), PX(66), PY(48));
	kit_seg(u, g->ink, g->t, PX(34), PY(64), PX(56), PY(64));
}

/* P_QUESTION */
static void
picto_question(struct ui *u, const struct pen *g)
{
	kit_stroke(u, R(8, 8, 84, 84), g->ink, g->s * 42 / 100, g->t);
	kit_textbox(u, R(8, 8, 84, 84), "?", "fr", g->s / 2, TEXT_BOLD, TEXT_ALIGN_CENTRE, g->ink);
}

/* P_TEXTSIZE */
static void
picto_textsize(struct ui *u, const struct pen *g)
{
	kit_textbox(u, R(0, 30, 45, 50), "A", "fr", g->s * 30 / 100, TEXT_BOLD, TEXT_ALIGN_RIGHT, g->ink);
	kit_textbox(u, R(45, 5, 55, 80), "A", "fr", g->s * 58 / 100, TEXT_BOLD, TEXT_ALIGN_LEFT, g->ink);
}

/* P_CONTRAST */
static void
picto_contrast(struct ui *u, const struct pen *g)
{
	kit_fill(u, R(14, 14, 72, 72), g->ink, g->s * 36 / 100);
	kit_fill(u, mkrect(g->cx, g->y + g->s * 17 / 100, g->s * 32 / 100, g->s * 66 / 100), g->paper, 0);
	kit_stroke(u, R(14, 14, 72, 72), g->ink, g->s * 36 / 100, g->t);
}

/* P_SPEAKER */
static void
picto_speaker(struct ui *u, const struct pen *g)
{
	kit_fill(u, R(14, 38, 18, 24), g->ink, g->s / 50);
	kit_tri(u, g->ink, PX(26), PY(50), PX(52), PY(18), PX(52), PY(82));
	kit_fill(u, R(26, 38, 26, 24), g->ink, 0);
	kit_seg(u, g->ink, g->t, PX(62), PY(38), PX(66), PY(50));
	kit_seg(u, g->ink, g->t, PX(66), PY(50), PX(62), PY(62));
	kit_seg(u, g->ink, g->t, PX(72), PY(26), PX(80), PY(50));
	kit_seg(u, g->ink, g->t, PX(80), PY(50), PX(72), PY(74));
}

/* P_GLOBE */
static void
picto_globe(struct ui *u, const struct pen *g)
{
	kit_stroke(u, R(10, 10, 80, 80), g->ink, g->s * 40 / 100, g->t);
	kit_stroke(u, R(32, 10, 36, 80), g->ink, g->s * 18 / 100, g->t);
	kit_seg(u, g->ink, g->t, PX(12), PY(50), PX(88), PY(50));
	kit_seg(u, g->ink, g->t, PX(50), PY(12), PX(50), PY(88));
}

/* P_PRIORITY */
static void
picto_priority(struct ui *u, const struct pen *g)
{
	kit_stroke(u, R(6, 18, 88, 64), g->ink, g->s / 12, g->t);
	kit_fill(u, R(18, 30, 22, 22), g->ink, g->s * 11 / 100);    /* head */
	kit_fill(u, R(13, 54, 32, 18), g->ink, g->s / 12);          /* shoulders */
	kit_seg(u, g->ink, g->t, PX(52), PY(38), PX(84), PY(38));
	kit_seg(u, g->ink, g->t, PX(52), PY(52), PX(84), PY(52));
	kit_seg(u, g->ink, g->t, PX(52), PY(66), PX(74), PY(66));
}

/* P_TOUCH */
static void
picto_touch(struct ui *u, const struct pen *g)
{
	kit_stroke(u, R(8, 8, 84, 84), g->ink, g->s * 42 / 100, g->t);
	kit_stroke(u, R(24, 24, 52, 52), g->ink, g->s * 26 / 100, g->t);
	kit_fill(u, R(38, 38, 24, 24), g->ink, g->s * 12 / 100);
}

/* P_FREE */
static void
picto_free(struct ui *u, const struct pen *g)
{
	kit_stroke(u, R(8, 8, 84, 84), g->ink, g->s * 42 / 100, g->t);
	kit_textbox(u, R(8, 8, 84, 84), "€", "fr", g->s * 46 / 100, TEXT_BOLD, TEXT_ALIGN_CENTRE, g->ink);
	kit_seg(u, g->ink, g->t, PX(22), PY(22), PX(78), PY(78));
}

/* P_PRINTER */
static void
picto_printer(struct ui *u, const struct pen *g)
{
	kit_fill(u, R(10, 36, 80, 34), g->ink, g->s / 16);
	kit_stroke(u, R(26, 12, 48, 24), g->ink, g->s / 40, g->t);
	kit_fill(u, R(26, 62, 48, 30), g->paper, 0);
	kit_stroke(u, R(26, 62, 48, 30), g->ink, g->s / 40, g->t);
	kit_fill(u, R(72, 42, 8, 6), g->paper, g->s / 40);
}

/* P_UNPLUGGED: a cloud (the server) with a cross: not reachable */
static void
picto_unplugged(struct ui *u, const struct pen *g)
{
	kit_fill(u, R(6, 40, 76, 32), g->ink, g->s * 16 / 100);
	kit_fill(u, R(16, 26, 34, 34), g->ink, g->s * 17 / 100);
	kit_fill(u, R(36, 14, 44, 44), g->ink, g->s * 22 / 100);
	kit_fill(u, R(58, 52, 40, 40), g->paper, g->s * 20 / 100);
	kit_fill(u, R(62, 56, 32, 32), C_DANGER, g->s * 16 / 100);
	kit_seg(u, g->paper, g->t, PX(71), PY(65), PX(85), PY(79));
	kit_seg(u, g->paper, g->t, PX(85), PY(65), PX(71), PY(79));
}

/* P_CLOCK */
static void
picto_clock(struct ui *u, const struct pen *g)
{
	kit_stroke(u, R(8, 8, 84, 84), g->ink, g->s * 42 / 100, g->t);
	kit_seg(u, g->ink, g->t, g->cx, g->cy, g->cx, PY(24));
	kit_seg(u, g->ink, g->t, g->cx, g->cy, PX(68), PY(60));
}

/* P_FULL */
static void
picto_full(struct ui *u, const struct pen *g)
{
	kit_stroke(u, R(8, 8, 84, 84), g->ink, g->s * 42 / 100, g->t);
	kit_fill(u, R(24, 43, 52, 14), g->ink, g->s / 40);
}

/* P_WARNING */
static void
picto_warning(struct ui *u, const struct pen *g)
{
	kit_tri(u, g->ink, PX(50), PY(8), PX(94), PY(88), PX(6), PY(88));
	kit_fill(u, R(46, 34, 8, 30), g->paper, g->s / 40);
	kit_fill(u, R(46, 70, 8, 9), g->paper, g->s / 40);
}

/* P_HOURGLASS */
static void
picto_hourglass(struct ui *u, const struct pen *g)
{
	kit_tri(u, g->ink, PX(24), PY(10), PX(76), PY(10), PX(50), PY(50));
	kit_tri(u, g->ink, PX(50), PY(50), PX(76), PY(90), PX(24), PY(90));
	kit_fill(u, R(20, 6, 60, 6), g->ink, 0);
	kit_fill(u, R(20, 88, 60, 6), g->ink, 0);
}

/* P_TICKET_OUT */
static void
picto_ticket_out(struct ui *u, const struct pen *g)
{
	kit_fill(u, R(12, 10, 76, 20), g->ink, g->s / 16);
	kit_fill(u, R(28, 30, 44, 36), g->paper, 0);
	kit_stroke(u, R(28, 22, 44, 44), g->ink, g->s / 40, g->t);
	kit_seg(u, g->ink, g->t, PX(38), PY(36), PX(62), PY(36));
	kit_seg(u, g->ink, g->t, PX(38), PY(48), PX(56), PY(48));
	kit_seg(u, g->ink, g->t + 1, g->cx, PY(70), g->cx, PY(86));
	kit_tri(u, g->ink, PX(38), PY(82), PX(62), PY(82), PX(50), PY(96));
}

/* P_BACK, P_NEXT, P_CROSS, P_CHECK: two thick strokes */
static void
picto_strokes(struct ui *u, const struct pen *g)
{
	static const struct {
		enum picto p;  /* pictogram */
		int v[8];      /* x0 y0 x1 y1 of each stroke, in percent */
	} two[] = {
		{ P_BACK,  { 62, 20, 32, 50, 32, 50, 62, 80 } },
		{ P_NEXT,  { 38, 20, 68, 50, 68, 50, 38, 80 } },
		{ P_CROSS, { 24, 24, 76, 76, 76, 24, 24, 76 } },
		{ P_CHECK, { 16, 52, 40, 76, 40, 76, 86, 26 } },
	};
	size_t i;

	for (i = 0; i < sizeof two / sizeof two[0]; i++)
		if (two[i].p == g->p) {
			const int *v = two[i].v;
			kit_seg(u, g->ink, g->t + 2, PX(v[0]), PY(v[1]), PX(v[2]), PY(v[3]));
			kit_seg(u, g->ink, g->t + 2, PX(v[4]), PY(v[5]), PX(v[6]), PY(v[7]));
		}
}

/* P_LOCK */
static void
picto_lock(struct ui *u, const struct pen *g)
{
	kit_stroke(u, R(30, 10, 40, 50), g->ink, g->s / 5, g->t + 1);
	kit_fill(u, R(20, 40, 60, 50), g->ink, g->s / 16);
}

/* P_SCAN: a slip with a QR code held under the reader's light */
static void
picto_scan(struct ui *u, const struct pen *g)
{
	static const int finder[3][2] = { { 29, 53 }, { 57, 53 }, { 29, 77 } };
	static const int dots[][2] = { { 47, 54 }, { 47, 64 }, { 53, 71 }, { 62, 72 },
		{ 68, 80 }, { 48, 85 }, { 58, 86 }, { 66, 89 } };
	size_t i;

	kit_fill(u, R(16, 4, 68, 16), g->ink, g->s / 16);                  /* the reader */
	kit_seg(u, g->ink, imax(1, g->t / 2), PX(30), PY(24), PX(20), PY(42));  /* its light */
	kit_seg(u, g->ink, imax(1, g->t / 2), PX(70), PY(24), PX(80), PY(42));
	kit_seg(u, g->ink, imax(1, g->t / 2), PX(50), PY(24), PX(50), PY(40));
	kit_stroke(u, R(22, 46, 56, 50), g->ink, g->s / 40, imax(1, g->t * 2 / 3)); /* the slip */
	for (i = 0; i < 3; i++) {
		kit_fill(u, R(finder[i][0], finder[i][1], 14, 14), g->ink, 0);
		kit_fill(u, R(finder[i][0] + 3, finder[i][1] + 3, 8, 8), g->paper, 0);
		kit_fill(u, R(finder[i][0] + 5, finder[i][1] + 5, 4, 4), g->ink, 0);
	}
	for (i = 0; i < sizeof dots / sizeof dots[0]; i++)
		kit_fill(u, R(dots[i][0], dots[i][1], 5, 5), g->ink, 0);
}

static void (*const pictos[])(struct ui *, const struct pen *) = {
	[P_CARD_NEW] = picto_card,
	[P_CARD_RENEW] = picto_card,
	[P_CARD_PICKUP] = picto_card,
	[P_BUILDING] = picto_building,
	[P_SCREEN] = picto_screen,
	[P_DOCUMENT] = picto_document,
	[P_QUESTION] = picto_question,
	[P_TEXTSIZE] = picto_textsize,
	[P_CONTRAST] = picto_contrast,
	[P_SPEAKER] = picto_speaker,
	[P_GLOBE] = picto_globe,
	[P_PRIORITY] = picto_priority,
	[P_TOUCH] = picto_touch,
	[P_FREE] = picto_free,
	[P_PRINTER] = picto_printer,
	[P_UNPLUGGED] = picto_unplugged,
	[P_CLOCK] = picto_clock,
	[P_FULL] = picto_full,
	[P_WARNING] = picto_warning,
	[P_HOURGLASS] = picto_hourglass,
	[P_TICKET_OUT] = picto_ticket_out,
	[P_BACK] = picto_strokes,
	[P_NEXT] = picto_strokes,
	[P_CROSS] = picto_strokes,
	[P_CHECK] = picto_strokes,
	[P_LOCK] = picto_lock,
	[P_SCAN] = picto_scan,
};

static void
picto_draw(struct ui *u, enum picto p, struct rect b, enum role ink, enum role paper)
{
	struct pen g;

	g.s = imin(b.w, b.h);
	g.x = b.x + (b.w - g.s) / 2;
	g.y = b.y + (b.h - g.s) / 2;
	g.t = imax(2, g.s / 11);
	g.cx = g.x + g.s / 2;
	g.cy = g.y + g.s / 2;
	g.ink = ink;
	g.paper = paper;
	g.p = p;
	if ((size_t)p < sizeof pictos / sizeof pictos[0] && pictos[p] != NULL)
		pictos[p](u, &g);
}

/* Draw pictogram p in the square box b, ink in `ink`, on `paper`. Only the
 * arrows are mirrored in a right-to-left frame; a check mark, a printer or
 * a loudspeaker look the same in every script. */
void
kit_picto(struct ui *u, enum picto p, struct rect b, enum role ink, enum role paper)
{
	int rtl = u->rtl;

	if (rtl && p != P_BACK && p != P_NEXT) {
		b = kit_mirror(u, b);
		u->rtl = 0;
	}
	picto_draw(u, p, b, ink, paper);
	u->rtl = rtl;
}
