/*
 * ui_picto: the kit's pictograms (see kit.h), drawn with its primitives
 * (boxes, triangles, segments, a few glyphs) so that they scale to any
 * size, take the palette's colours and need no image file. Each is laid
 * out in percentages of its square box.
 *
 * Part of the pure ui core; must not depend on the screens (screens.h).
 */
#include "ui/kit.h"

/* Percentages of the box's side s, from its corner (x, y), to pixels. */
#define R(px, py, pw, ph) mkrect(x + (px) * s / 100, y + (py) * s / 100, (pw) * s / 100, (ph) * s / 100)
#define PX(v) (x + (v) * s / 100)
#define PY(v) (y + (v) * s / 100)

/*
 * The catalogue: one case per pictogram, each a handful of primitives.
 * It is long (one function of about 190 lines) on purpose: it reads as a
 * table of drawings; split into families, it scattered them and repeated
 * the same switch in each family.
 */
static void
picto_draw(struct ui *u, enum picto p, struct rect b, enum role ink, enum role paper)
{
	int s = imin(b.w, b.h), x = b.x + (b.w - s) / 2, y = b.y + (b.h - s) / 2;
	int t = imax(2, s / 11);      /* stroke width */
	int cx = x + s / 2, cy = y + s / 2;

	switch (p) {
	case P_NONE:
		break;
	case P_CARD_NEW: case P_CARD_RENEW: case P_CARD_PICKUP:
		kit_stroke(u, R(8, 24, 70, 48), ink, s / 14, t);
		kit_fill(u, R(16, 34, 18, 22), ink, s / 40);           /* photo */
		kit_seg(u, ink, t, PX(42), PY(40), PX(68), PY(40));  /* text lines */
		kit_seg(u, ink, t, PX(42), PY(52), PX(62), PY(52));
		if (p == P_CARD_NEW) {                           /* plus badge */
			kit_fill(u, R(62, 58, 34, 34), ink, s * 17 / 100);
			kit_seg(u, paper, t, PX(72), PY(75), PX(86), PY(75));
			kit_seg(u, paper, t, PX(79), PY(68), PX(79), PY(82));
		} else if (p == P_CARD_RENEW) {                  /* circular arrow */
			kit_fill(u, R(62, 58, 34, 34), ink, s * 17 / 100);
			kit_stroke(u, R(69, 65, 20, 20), paper, s / 10, imax(2, t * 3 / 4));
			kit_fill(u, R(78, 62, 12, 10), ink, 0);
			kit_tri(u, paper, PX(76), PY(60), PX(86), PY(66), PX(76), PY(72));
		} else {                                         /* down arrow: to take */
			kit_fill(u, R(62, 58, 34, 34), ink, s * 17 / 100);
			kit_seg(u, paper, t, PX(79), PY(65), PX(79), PY(80));
			kit_tri(u, paper, PX(71), PY(76), PX(87), PY(76), PX(79), PY(86));
		}
		break;
	case P_BUILDING:
		kit_tri(u, ink, PX(10), PY(34), PX(90), PY(34), PX(50), PY(10));
		kit_fill(u, R(18, 40, 10, 36), ink, 0);
		kit_fill(u, R(37, 40, 10, 36), ink, 0);
		kit_fill(u, R(54, 40, 10, 36), ink, 0);
		kit_fill(u, R(72, 40, 10, 36), ink, 0);
		kit_fill(u, R(10, 80, 80, 9), ink, 0);
		break;
	case P_SCREEN:
		kit_stroke(u, R(10, 16, 80, 54), ink, s / 20, t);
		kit_fill(u, R(44, 70, 12, 12), ink, 0);
		kit_fill(u, R(30, 82, 40, 7), ink, s / 40);
		kit_tri(u, ink, PX(44), PY(30), PX(44), PY(58), PX(64), PY(48)); /* pointer */
		break;
	case P_DOCUMENT:
		kit_stroke(u, R(22, 10, 56, 80), ink, s / 20, t);
		kit_seg(u, ink, t, PX(34), PY(32), PX(66), PY(32));
		kit_seg(u, ink, t, PX(34), PY(48), PX(66), PY(48));
		kit_seg(u, ink, t, PX(34), PY(64), PX(56), PY(64));
		break;
	case P_QUESTION:
		kit_stroke(u, R(8, 8, 84, 84), ink, s * 42 / 100, t);
		kit_textbox(u, R(8, 8, 84, 84), "?", "fr", s / 2, TEXT_BOLD, TEXT_ALIGN_CENTRE,
		    ink);
		break;
	case P_TEXTSIZE:
		kit_textbox(u, R(0, 30, 45, 50), "A", "fr", s * 30 / 100, TEXT_BOLD,
		    TEXT_ALIGN_RIGHT, ink);
		kit_textbox(u, R(45, 5, 55, 80), "A", "fr", s * 58 / 100, TEXT_BOLD,
		    TEXT_ALIGN_LEFT, ink);
		break;
	case P_CONTRAST:
		kit_fill(u, R(14, 14, 72, 72), ink, s * 36 / 100);
		kit_fill(u, mkrect(cx, y + s * 17 / 100, s * 32 / 100, s * 66 / 100), paper, 0);
		kit_stroke(u, R(14, 14, 72, 72), ink, s * 36 / 100, t);
		break;
	case P_SPEAKER:
		kit_fill(u, R(14, 38, 18, 24), ink, s / 50);
		kit_tri(u, ink, PX(26), PY(50), PX(52), PY(18), PX(52), PY(82));
		kit_fill(u, R(26, 38, 26, 24), ink, 0);
		kit_seg(u, ink, t, PX(62), PY(38), PX(66), PY(50));
		kit_seg(u, ink, t, PX(66), PY(50), PX(62), PY(62));
		kit_seg(u, ink, t, PX(72), PY(26), PX(80), PY(50));
		kit_seg(u, ink, t, PX(80), PY(50), PX(72), PY(74));
		break;
	case P_GLOBE:
		kit_stroke(u, R(10, 10, 80, 80), ink, s * 40 / 100, t);
		kit_stroke(u, R(32, 10, 36, 80), ink, s * 18 / 100, t);
		kit_seg(u, ink, t, PX(12), PY(50), PX(88), PY(50));
		kit_seg(u, ink, t, PX(50), PY(12), PX(50), PY(88));
		break;
	case P_PRIORITY:
		kit_stroke(u, R(6, 18, 88, 64), ink, s / 12, t);
		kit_fill(u, R(18, 30, 22, 22), ink, s * 11 / 100);    /* head */
		kit_fill(u, R(13, 54, 32, 18), ink, s / 12);          /* shoulders */
		kit_seg(u, ink, t, PX(52), PY(38), PX(84), PY(38));
		kit_seg(u, ink, t, PX(52), PY(52), PX(84), PY(52));
		kit_seg(u, ink, t, PX(52), PY(66), PX(74), PY(66));
		break;
	case P_TOUCH:
		kit_stroke(u, R(8, 8, 84, 84), ink, s * 42 / 100, t);
		kit_stroke(u, R(24, 24, 52, 52), ink, s * 26 / 100, t);
		kit_fill(u, R(38, 38, 24, 24), ink, s * 12 / 100);
		break;
	case P_FREE:
		kit_stroke(u, R(8, 8, 84, 84), ink, s * 42 / 100, t);
		kit_textbox(u, R(8, 8, 84, 84), "€", "fr", s * 46 / 100, TEXT_BOLD,
		    TEXT_ALIGN_CENTRE, ink);
		kit_seg(u, ink, t, PX(22), PY(22), PX(78), PY(78));
		break;
	case P_PRINTER:
		kit_fill(u, R(10, 36, 80, 34), ink, s / 16);
		kit_stroke(u, R(26, 12, 48, 24), ink, s / 40, t);
		kit_fill(u, R(26, 62, 48, 30), paper, 0);
		kit_stroke(u, R(26, 62, 48, 30), ink, s / 40, t);
		kit_fill(u, R(72, 42, 8, 6), paper, s / 40);
		break;
	case P_UNPLUGGED: /* a cloud (the server) with a cross: not reachable */
		kit_fill(u, R(6, 40, 76, 32), ink, s * 16 / 100);
		kit_fill(u, R(16, 26, 34, 34), ink, s * 17 / 100);
		kit_fill(u, R(36, 14, 44, 44), ink, s * 22 / 100);
		kit_fill(u, R(58, 52, 40, 40), paper, s * 20 / 100);
		kit_fill(u, R(62, 56, 32, 32), C_DANGER, s * 16 / 100);
		kit_seg(u, paper, t, PX(71), PY(65), PX(85), PY(79));
		kit_seg(u, paper, t, PX(85), PY(65), PX(71), PY(79));
		break;
	case P_CLOCK:
		kit_stroke(u, R(8, 8, 84, 84), ink, s * 42 / 100, t);
		kit_seg(u, ink, t, cx, cy, cx, PY(24));
		kit_seg(u, ink, t, cx, cy, PX(68), PY(60));
		break;
	case P_FULL:
		kit_stroke(u, R(8, 8, 84, 84), ink, s * 42 / 100, t);
		kit_fill(u, R(24, 43, 52, 14), ink, s / 40);
		break;
	case P_WARNING:
		kit_tri(u, ink, PX(50), PY(8), PX(94), PY(88), PX(6), PY(88));
		kit_fill(u, R(46, 34, 8, 30), paper, s / 40);
		kit_fill(u, R(46, 70, 8, 9), paper, s / 40);
		break;
	case P_HOURGLASS:
		kit_tri(u, ink, PX(24), PY(10), PX(76), PY(10), PX(50), PY(50));
		kit_tri(u, ink, PX(50), PY(50), PX(76), PY(90), PX(24), PY(90));
		kit_fill(u, R(20, 6, 60, 6), ink, 0);
		kit_fill(u, R(20, 88, 60, 6), ink, 0);
		break;
	case P_TICKET_OUT:
		kit_fill(u, R(12, 10, 76, 20), ink, s / 16);
		kit_fill(u, R(28, 30, 44, 36), paper, 0);
		kit_stroke(u, R(28, 22, 44, 44), ink, s / 40, t);
		kit_seg(u, ink, t, PX(38), PY(36), PX(62), PY(36));
		kit_seg(u, ink, t, PX(38), PY(48), PX(56), PY(48));
		kit_seg(u, ink, t + 1, cx, PY(70), cx, PY(86));
		kit_tri(u, ink, PX(38), PY(82), PX(62), PY(82), PX(50), PY(96));
		break;
	case P_BACK: case P_NEXT: case P_CROSS: case P_CHECK: { /* two thick strokes */
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
			if (two[i].p == p) {
				const int *v = two[i].v;
				kit_seg(u, ink, t + 2, PX(v[0]), PY(v[1]), PX(v[2]), PY(v[3]));
				kit_seg(u, ink, t + 2, PX(v[4]), PY(v[5]), PX(v[6]), PY(v[7]));
			}
		break;
	}
	case P_LOCK:
		kit_stroke(u, R(30, 10, 40, 50), ink, s / 5, t + 1);
		kit_fill(u, R(20, 40, 60, 50), ink, s / 16);
		break;
	case P_SCAN: { /* a slip with a QR code held under the reader's light */
		static const int finder[3][2] = { { 29, 53 }, { 57, 53 }, { 29, 77 } };
		static const int dots[][2] = { { 47, 54 }, { 47, 64 }, { 53, 71 }, { 62, 72 },
			{ 68, 80 }, { 48, 85 }, { 58, 86 }, { 66, 89 } };
		size_t i;
		kit_fill(u, R(16, 4, 68, 16), ink, s / 16);                  /* the reader */
		kit_seg(u, ink, imax(1, t / 2), PX(30), PY(24), PX(20), PY(42));  /* its light */
		kit_seg(u, ink, imax(1, t / 2), PX(70), PY(24), PX(80), PY(42));
		kit_seg(u, ink, imax(1, t / 2), PX(50), PY(24), PX(50), PY(40));
		kit_stroke(u, R(22, 46, 56, 50), ink, s / 40, imax(1, t * 2 / 3)); /* the slip */
		for (i = 0; i < 3; i++) {
			kit_fill(u, R(finder[i][0], finder[i][1], 14, 14), ink, 0);
			kit_fill(u, R(finder[i][0] + 3, finder[i][1] + 3, 8, 8), paper, 0);
			kit_fill(u, R(finder[i][0] + 5, finder[i][1] + 5, 4, 4), ink, 0);
		}
		for (i = 0; i < sizeof dots / sizeof dots[0]; i++)
			kit_fill(u, R(dots[i][0], dots[i][1], 5, 5), ink, 0);
		break;
	}
	}
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
