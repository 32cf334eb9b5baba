/*
 * ticket: see ticket.h. Pure core: text through text.h, the QR through
 * qr.h, pixels in struct bitmap. No SDL, no i18n, no clock.
 *
 * Layout, top to bottom (sizes in points and millimetres, turned into dots
 * from the dpi so a 58 mm slip and an 80 mm slip read the same):
 *   site name (bold, centred)
 *   caption "Votre numéro" + translation, the number as large as fits,
 *   "DUPLICATA n" in an outlined box when reprinted
 *   service in French (bold), then in the applicant's language
 *   the appointment's time, when the ticket is an appointment's (bold)
 *   date and time; position and estimated wait as label ... value rows
 *   masked holder reference
 *   the QR code, centred, with its quiet zone
 *   the free notice in an outlined box, French then translation
 * An attestation and an enrolment in a draw have their own order
 * (lay_attestation, lay_draw_entry) with the same blocks.
 * Each French block comes first, then the same block in the applicant's
 * language; right-to-left blocks are right-aligned, and their label ...
 * value rows mirrored. There are no solid black areas (inverse headers,
 * bars): thermal heads slow down and fade on them; emphasis is bold text
 * and thin outlines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/qr.h"
#include "core/ticket.h"

#define MAX_H 8000 /* dots: about 1 m of paper at 203 dpi, far more than any slip */

/* Layout state while drawing one slip. */
struct lay {
	struct bitmap *b;      /* the slip being drawn (MAX_H high until cropped) */
	struct fonts *f;       /* fonts (text.h) */
	int dpi;               /* dots per inch of the printer */
	int x0, w;             /* printable column: left edge and width, in dots */
	int y;                 /* next free row */
	const char *lang;      /* applicant's language */
	int local_rtl;         /* 1 if the applicant's language reads right to left */
	char *err;             /* caller's error buffer */
	size_t errlen;         /* its size */
};

static int
pt(const struct lay *L, double points)
{
	return (int)(points * L->dpi / 72.0 + 0.5);
}

static int
mm(const struct lay *L, double millimetres)
{
	return (int)(millimetres * L->dpi / 25.4 + 0.5);
}

static int
has(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* Is the local half of a pair worth printing (not French, not a repeat)? */
static int
local_differs(const struct lay *L, const struct ticket_text2 *t)
{
	return has(t->local) && (t->fr == NULL || strcmp(t->fr, t->local) != 0) &&
	    L->lang != NULL && strncmp(L->lang, "fr", 2) != 0;
}

static int
room(struct lay *L, int need)
{
	if (L->y + need > MAX_H - 1)
		return errf(L->err, L->errlen, "ticket taller than %d dots", MAX_H);
	return 0;
}

/* A paragraph across the column; advances y. */
static int
para(struct lay *L, const char *s, const char *lang, int size, int flags, enum text_align al)
{
	int h;

	if (!has(s))
		return 0;
	if (room(L, 0) != 0)
		return -1;
	h = text_wrap(L->f, L->b, L->x0, L->y, L->w, size, flags, al, s, lang);
	if (h < 0)
		return errf(L->err, L->errlen, "ticket text: %s", fonts_error(L->f));
	L->y += h;
	return room(L, 0);
}

/* A French paragraph, then its translation aligned to its own start. */
static int
pair(struct lay *L, const struct ticket_text2 *t, int size, int fr_flags, int loc_flags,
    enum text_align fr_al, enum text_align loc_al)
{
	if (para(L, t->fr, "fr", size, fr_flags, fr_al) != 0)
		return -1;
	if (local_differs(L, t)) {
		L->y += pt(L, 1.5);
		if (para(L, t->local, L->lang, size, loc_flags, loc_al) != 0)
			return -1;
	}
	return 0;
}

/* A horizontal dashed rule, 2 dots thick, with space around it. */
static void
rule(struct lay *L)
{
	int x, dash = mm(L, 1.0), gap = mm(L, 0.6);

	L->y += mm(L, 1.5);
	for (x = L->x0; x < L->x0 + L->w; x += dash + gap) {
		struct rect r = { x, L->y, dash, 2 };
		if (x + dash > L->x0 + L->w)
			r.w = L->x0 + L->w - x;
		bitmap_fill(L->b, r, 255);
	}
	L->y += 2 + mm(L, 1.5);
}

/* An outline (not a fill) on the column's edges, around a block drawn
 * from row y0 to L->y inset by pad. */
static void
frame(struct lay *L, int y0, int pad)
{
	int t = 2, x = L->x0, w = L->w, h = L->y - y0 + 2 * pad;
	struct rect top = { x, y0 - pad, w, t }, bot = { x, y0 - pad + h - t, w, t };
	struct rect lft = { x, y0 - pad, t, h }, rgt = { x + w - t, y0 - pad, t, h };

	bitmap_fill(L->b, top, 255);
	bitmap_fill(L->b, bot, 255);
	bitmap_fill(L->b, lft, 255);
	bitmap_fill(L->b, rgt, 255);
}

/* Replace "{n}" in tmpl by n (no printf format from a translation). */
static void
fill_n(char *out, size_t outlen, const char *tmpl, int n)
{
	const char *p = strstr(tmpl, "{n}");

	if (p == NULL)
		snprintf(out, outlen, "%d %s", n, tmpl);
	else
		snprintf(out, outlen, "%.*s%d%s", (int)(p - tmpl), tmpl, n, p + 3);
}

/*
 * label ........ value on one row: the label at the reading start, the
 * value at the other end. A long label wraps in the room the value leaves.
 */
static int
row(struct lay *L, const char *label, const char *value, const char *lang, int rtl, int size)
{
	int vw, vh, lw, h, gap = mm(L, 2);

	if (!has(label) || !has(value))
		return 0;
	/* the value's direction comes from its own letters: "•••4B7" stays
	 * left to right in an Arabic row, "35 دقيقة" reads right to left */
	if (text_measure(L->f, size, TEXT_BOLD, value, NULL, &vw, &vh) != 0)
		return errf(L->err, L->errlen, "ticket text: %s", fonts_error(L->f));
	lw = L->w - vw - gap;
	if (lw < L->w / 3)
		lw = L->w / 3;
	if (room(L, 0) != 0)
		return -1;
	h = text_wrap(L->f, L->b, rtl ? L->x0 + L->w - lw : L->x0, L->y, lw, size,
	    rtl ? TEXT_RTL : TEXT_LTR, rtl ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT, label, lang);
	if (h < 0)
		return errf(L->err, L->errlen, "ticket text: %s", fonts_error(L->f));
	if (text_draw(L->f, L->b, rtl ? L->x0 : L->x0 + L->w - vw, L->y, size,
	    TEXT_BOLD, value, NULL) < 0)
		return errf(L->err, L->errlen, "ticket text: %s", fonts_error(L->f));
	L->y += h > vh ? h : vh;
	return 0;
}

/* The same row in French, then in the applicant's language. */
static int
row_pair(struct lay *L, const struct ticket_text2 *label, const char *vfr, const char *vloc, int size)
{
	if (row(L, label->fr, vfr, "fr", 0, size) != 0)
		return -1;
	if (local_differs(L, label)) {
		if (row(L, label->local, vloc, L->lang, L->local_rtl, size) != 0)
			return -1;
		L->y += pt(L, 2); /* keep each French + translation pair together */
	}
	return 0;
}

/* The number, bold, centred, as large as the column allows (max 20 mm). */
static int
big_number(struct lay *L, const char *number)
{
	int size = mm(L, 20), w, h;

	while (size > pt(L, 20)) {
		if (text_measure(L->f, size, TEXT_BOLD, number, "fr", &w, &h) != 0)
			return errf(L->err, L->errlen, "ticket text: %s", fonts_error(L->f));
		if (w <= L->w * 92 / 100)
			break;
		size = size * 9 / 10;
	}
	/* glyph tops of capitals and digits sit well below the line box top:
	 * pull the number up a little so the gap above looks like the gap below */
	L->y -= size / 8;
	if (para(L, number, "fr", size, TEXT_BOLD | TEXT_LTR, TEXT_ALIGN_CENTRE) != 0)
		return -1;
	L->y -= size / 10;
	return 0;
}

static int
qr_block(struct lay *L, const char *payload)
{
	struct bitmap *q1;
	int mods, px, want = mm(L, 30), x0, mx, my;

	/* One encode at 1 dot a module gives the size, and the modules to
	 * draw: libqrencode's mask search is the costly part of a slip. */
	if ((q1 = qr_render(payload, 1, L->err, L->errlen)) == NULL)
		return -1;
	mods = q1->w;
	px = want / mods;
	if (px * mods > L->w)
		px = L->w / mods;
	if (px < 3)
		px = 3;
	if (px * mods > L->b->w) {
		bitmap_free(q1);
		return errf(L->err, L->errlen,
		    "ticket: QR payload too long for %d dots (%d modules at 3 dots)",
		    L->b->w, mods);
	}
	if (room(L, px * mods) != 0) {
		bitmap_free(q1);
		return -1;
	}
	/* centred on the paper, not the column: the quiet zone may use the margin */
	x0 = (L->b->w - px * mods) / 2;
	for (my = 0; my < mods; my++)
		for (mx = 0; mx < mods; mx++)
			if (q1->px[(size_t)my * mods + mx]) {
				struct rect r = { x0 + mx * px, L->y + my * px, px, px };
				bitmap_fill(L->b, r, 255);
			}
	L->y += px * mods;
	bitmap_free(q1);
	return 0;
}

/* "DUPLICATA n" (and its translation below it), outlined. */
static int
duplicate_box(struct lay *L, const struct ticket_view *v)
{
	char line[256];
	const char *fr = has(v->labels.duplicate.fr) ? v->labels.duplicate.fr : "DUPLICATA";
	int y0, pad = mm(L, 1.2), rc = 0;

	snprintf(line, sizeof line, "%s %d", fr, v->reprint);
	L->y += mm(L, 1) + pad;
	y0 = L->y;
	L->x0 += pad + 2;
	L->w -= 2 * (pad + 2);
	if (para(L, line, "fr", pt(L, 13), TEXT_BOLD, TEXT_ALIGN_CENTRE) != 0 ||
	    (local_differs(L, &v->labels.duplicate) &&
	    para(L, v->labels.duplicate.local, L->lang, pt(L, 9), TEXT_BOLD, TEXT_ALIGN_CENTRE) != 0))
		rc = -1;
	L->x0 -= pad + 2;
	L->w += 2 * (pad + 2);
	if (rc != 0)
		return -1;
	frame(L, y0, pad);
	L->y += pad + mm(L, 1);
	return 0;
}

/* The holder's row (after a gap of `gap`) when the slip is bound, then the
 * QR code with its margins. 0, or -1. */
static int
holder_qr(struct lay *L, const struct ticket_view *v, int body, int gap)
{
	if (has(v->holder_ref)) {
		struct ticket_text2 hl = v->labels.holder;
		if (!has(hl.fr))
			hl.fr = "Titulaire";
		L->y += gap;
		if (row_pair(L, &hl, v->holder_ref, v->holder_ref, body) != 0)
			return -1;
	}
	L->y += mm(L, 3);
	if (qr_block(L, v->qr_payload) != 0)
		return -1;
	L->y += mm(L, 2);
	return 0;
}

/* The end of a ticket's or an enrolment's slip: the free notice, outlined,
 * then the closing advice. 0, or -1. */
static int
slip_end(struct lay *L, const struct ticket_view *v, int body, enum text_align loc_al)
{
	if (has(v->free_notice.fr) || has(v->free_notice.local)) {
		int pad = mm(L, 1.5), y0, rc;
		L->y += pad;
		y0 = L->y;
		L->x0 += pad + 2;
		L->w -= 2 * (pad + 2);
		rc = pair(L, &v->free_notice, body, TEXT_BOLD, TEXT_BOLD, TEXT_ALIGN_LEFT, loc_al);
		L->x0 -= pad + 2;
		L->w += 2 * (pad + 2);
		if (rc != 0)
			return -1;
		frame(L, y0, pad);
		L->y += pad;
	}
	if (has(v->labels.keep.fr)) {
		L->y += mm(L, 2);
		if (pair(L, &v->labels.keep, pt(L, 8), 0, 0, TEXT_ALIGN_LEFT, loc_al) != 0)
			return -1;
	}
	return 0;
}

static int
lay_ticket(struct lay *L, const struct ticket_view *v)
{
	enum text_align loc_al = L->local_rtl ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT;
	int body = pt(L, 9), big = pt(L, 11);
	char pos[32], wfr[128], wloc[128];

	if (!has(v->number))
		return errf(L->err, L->errlen, "ticket: no number");

	/* caption: "Votre numéro · رقمك" on one line if it fits */
	if (has(v->labels.number.fr)) {
		char cap[512];
		if (local_differs(L, &v->labels.number))
			snprintf(cap, sizeof cap, "%s · %s", v->labels.number.fr, v->labels.number.local);
		else
			snprintf(cap, sizeof cap, "%s", v->labels.number.fr);
		if (para(L, cap, NULL, body, 0, TEXT_ALIGN_CENTRE) != 0)
			return -1;
	}
	if (big_number(L, v->number) != 0)
		return -1;
	if (v->reprint > 0 && duplicate_box(L, v) != 0)
		return -1;
	rule(L);

	if (pair(L, &v->service, big, TEXT_BOLD, TEXT_BOLD, TEXT_ALIGN_LEFT, loc_al) != 0)
		return -1;
	if (has(v->appointment.fr)) {
		L->y += pt(L, 3);
		if (pair(L, &v->appointment, big, TEXT_BOLD, TEXT_BOLD, TEXT_ALIGN_LEFT, loc_al) != 0)
			return -1;
	}
	rule(L);

	if (para(L, v->datetime, "fr", body, 0, TEXT_ALIGN_LEFT) != 0)
		return -1;
	L->y += pt(L, 3);
	snprintf(pos, sizeof pos, "%d", v->position);
	if (v->position >= 0 && row_pair(L, &v->labels.position, pos, pos, body) != 0)
		return -1;
	if (v->wait_min >= 0) {
		fill_n(wfr, sizeof wfr, has(v->labels.minutes.fr) ? v->labels.minutes.fr : "{n} min",
		    v->wait_min);
		fill_n(wloc, sizeof wloc, has(v->labels.minutes.local) ? v->labels.minutes.local : wfr,
		    v->wait_min);
		if (row_pair(L, &v->labels.wait, wfr, wloc, body) != 0)
			return -1;
	}
	if (holder_qr(L, v, body, 0) != 0)
		return -1;
	return slip_end(L, v, body, loc_al);
}

/* The head of an attestation's or an enrolment's slip: its title, centred,
 * the duplicate's box, a rule, the service. 0, or -1. */
static int
slip_head(struct lay *L, const struct ticket_text2 *title, const struct ticket_view *v, int big,
    enum text_align loc_al)
{
	if (pair(L, title, pt(L, 13), TEXT_BOLD, TEXT_BOLD, TEXT_ALIGN_CENTRE,
	    TEXT_ALIGN_CENTRE) != 0 || (v->reprint > 0 && duplicate_box(L, v) != 0))
		return -1;
	rule(L);
	return pair(L, &v->service, big, TEXT_BOLD, TEXT_BOLD, TEXT_ALIGN_LEFT, loc_al);
}

/* Attestation de passage: the fields of issue 6, laid out plainly. */
static int
lay_attestation(struct lay *L, const struct ticket_view *v)
{
	enum text_align loc_al = L->local_rtl ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT;
	const struct ticket_attestation *a = &v->att;
	int body = pt(L, 9), big = pt(L, 11);

	if (!has(a->title.fr))
		return errf(L->err, L->errlen, "attestation: no title");
	if (slip_head(L, &a->title, v, big, loc_al) != 0)
		return -1;
	L->y += pt(L, 3);
	if (para(L, v->datetime, "fr", body, 0, TEXT_ALIGN_LEFT) != 0)
		return -1;
	L->y += pt(L, 3);
	if (pair(L, &a->outcome, body, TEXT_BOLD, TEXT_BOLD, TEXT_ALIGN_LEFT, loc_al) != 0)
		return -1;
	/* the missed appointment, when that is why there is no ticket */
	if (has(v->appointment.fr) && pair(L, &v->appointment, body, TEXT_BOLD, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, loc_al) != 0)
		return -1;
	if (has(a->serial)) {
		struct ticket_text2 sl = a->serial_label;
		if (!has(sl.fr))
			sl.fr = "N° de série";
		L->y += pt(L, 3);
		if (row(L, sl.fr, a->serial, "fr", 0, body) != 0)
			return -1;
	}
	if (has(v->holder_ref)) {
		struct ticket_text2 hl = v->labels.holder;
		if (!has(hl.fr))
			hl.fr = "Titulaire";
		if (row(L, hl.fr, v->holder_ref, "fr", 0, body) != 0)
			return -1;
	}
	rule(L);
	if (pair(L, &a->statement, body, 0, 0, TEXT_ALIGN_LEFT, loc_al) != 0)
		return -1;
	if (has(a->attempts.fr)) {
		L->y += pt(L, 3);
		if (pair(L, &a->attempts, pt(L, 8), 0, 0, TEXT_ALIGN_LEFT, loc_al) != 0)
			return -1;
	}
	L->y += mm(L, 3);
	if (qr_block(L, v->qr_payload) != 0)
		return -1;
	return 0;
}

/* A line as large as fits the column (from `size` down), bold, centred,
 * left to right: the entry id. */
static int
fit_line(struct lay *L, const char *s, int size)
{
	int w, h;

	while (size > pt(L, 9)) {
		if (text_measure(L->f, size, TEXT_BOLD, s, "fr", &w, &h) != 0)
			return errf(L->err, L->errlen, "ticket text: %s", fonts_error(L->f));
		if (w <= L->w * 96 / 100)
			break;
		size = size * 9 / 10;
	}
	return para(L, s, "fr", size, TEXT_BOLD | TEXT_LTR, TEXT_ALIGN_CENTRE);
}

/* An enrolment in a draw: what it is, the service, the entry id large,
 * when the draw is and what to do after it, the QR to scan then, the
 * draw's commitment, the free notice. */
static int
lay_draw_entry(struct lay *L, const struct ticket_view *v)
{
	enum text_align loc_al = L->local_rtl ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT;
	const struct ticket_draw_entry *d = &v->draw;
	int body = pt(L, 9), big = pt(L, 11);

	if (!has(d->title.fr) || !has(d->entry))
		return errf(L->err, L->errlen, "enrolment slip: no title or no entry");
	if (slip_head(L, &d->title, v, big, loc_al) != 0)
		return -1;
	rule(L);
	if (has(d->entry_label.fr)) {
		char cap[512];
		if (local_differs(L, &d->entry_label))
			snprintf(cap, sizeof cap, "%s · %s", d->entry_label.fr, d->entry_label.local);
		else
			snprintf(cap, sizeof cap, "%s", d->entry_label.fr);
		if (para(L, cap, NULL, body, 0, TEXT_ALIGN_CENTRE) != 0)
			return -1;
	}
	L->y += pt(L, 2);
	if (fit_line(L, d->entry, pt(L, 18)) != 0)
		return -1;
	rule(L);
	if (para(L, v->datetime, "fr", body, 0, TEXT_ALIGN_LEFT) != 0)
		return -1;
	L->y += pt(L, 3);
	if (pair(L, &d->when, big, TEXT_BOLD, TEXT_BOLD, TEXT_ALIGN_LEFT, loc_al) != 0)
		return -1;
	L->y += pt(L, 3);
	if (pair(L, &d->back, body, TEXT_BOLD, TEXT_BOLD, TEXT_ALIGN_LEFT, loc_al) != 0)
		return -1;
	if (holder_qr(L, v, body, pt(L, 3)) != 0)
		return -1;
	if (has(d->commitment)) {
		if (pair(L, &d->commitment_label, pt(L, 8), TEXT_BOLD, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    loc_al) != 0 ||
		    para(L, d->commitment, "fr", pt(L, 8), TEXT_LTR, TEXT_ALIGN_LEFT) != 0 ||
		    pair(L, &d->commitment_note, pt(L, 7), 0, 0, TEXT_ALIGN_LEFT, loc_al) != 0)
			return -1;
		L->y += mm(L, 2);
	}
	return slip_end(L, v, body, loc_al);
}

struct bitmap *
ticket_render(const struct ticket_view *v, int width_dots, int dpi, struct fonts *f,
    char *err, size_t errlen)
{
	struct lay L;
	int margin;

	expect(v != NULL && f != NULL);
	if (width_dots < 200 || width_dots > 2048 || dpi < 100 || dpi > 600) {
		errf(err, errlen, "ticket: width %d dots at %d dpi is not a printer", width_dots, dpi);
		return NULL;
	}
	if (!has(v->qr_payload)) {
		errf(err, errlen, "ticket: no QR payload");
		return NULL;
	}
	memset(&L, 0, sizeof L);
	L.f = f;
	L.dpi = dpi;
	L.lang = has(v->lang) ? v->lang : "fr";
	L.local_rtl = text_is_rtl(NULL, L.lang);
	L.err = err;
	L.errlen = errlen;
	if ((L.b = bitmap_new(width_dots, MAX_H)) == NULL) {
		errf(err, errlen, "ticket: out of memory");
		return NULL;
	}
	margin = mm(&L, 1.5);
	L.x0 = margin;
	L.w = width_dots - 2 * margin;
	L.y = mm(&L, 2);

	if (para(&L, v->site_name, "fr", pt(&L, 9), TEXT_BOLD, TEXT_ALIGN_CENTRE) != 0)
		goto fail;
	rule(&L);
	if ((v->kind == TICKET_KIND_ATTESTATION ? lay_attestation(&L, v) :
	    v->kind == TICKET_KIND_DRAW_ENTRY ? lay_draw_entry(&L, v) : lay_ticket(&L, v)) != 0)
		goto fail;
	L.y += mm(&L, 4);
	if (bitmap_set_height(L.b, L.y) != 0) {
		errf(err, errlen, "ticket: out of memory");
		goto fail;
	}
	return L.b;
fail:
	bitmap_free(L.b);
	return NULL;
}

struct bitmap *
ticket_render_test(const struct ticket_test *t, int width_dots, int dpi, struct fonts *f,
    char *err, size_t errlen)
{
	struct lay L;
	int margin, y0;

	expect(t != NULL && f != NULL);
	if (width_dots < 200 || width_dots > 2048 || dpi < 100 || dpi > 600) {
		errf(err, errlen, "test page: width %d dots at %d dpi is not a printer", width_dots, dpi);
		return NULL;
	}
	memset(&L, 0, sizeof L);
	L.f = f;
	L.dpi = dpi;
	L.lang = "fr";
	L.err = err;
	L.errlen = errlen;
	if ((L.b = bitmap_new(width_dots, MAX_H)) == NULL) {
		errf(err, errlen, "test page: out of memory");
		return NULL;
	}
	margin = mm(&L, 1.5);
	L.x0 = margin;
	L.w = width_dots - 2 * margin;
	L.y = mm(&L, 2);
	if (para(&L, t->site_name, "fr", pt(&L, 9), TEXT_BOLD, TEXT_ALIGN_CENTRE) != 0)
		goto fail;
	rule(&L);
	y0 = L.y + mm(&L, 2);
	L.y = y0;
	if (para(&L, "TEST D'IMPRESSION", "fr", pt(&L, 16), TEXT_BOLD, TEXT_ALIGN_CENTRE) != 0 ||
	    para(&L, "Ce n'est pas un ticket.", "fr", pt(&L, 10), TEXT_BOLD, TEXT_ALIGN_CENTRE) != 0)
		goto fail;
	L.y += mm(&L, 2);
	{
		/* a solid band across the column: a dead dot of the head shows as
		 * a white line through it */
		struct rect band = { L.x0, L.y, L.w, mm(&L, 4) };
		bitmap_fill(L.b, band, 255);
		L.y += band.h + mm(&L, 2);
	}
	/* the lines inside the frame, clear of its edges */
	L.x0 += mm(&L, 1.5);
	L.w -= 2 * mm(&L, 1.5);
	if (para(&L, t->lines, "fr", pt(&L, 9), 0, TEXT_ALIGN_LEFT) != 0)
		goto fail;
	L.x0 = margin;
	L.w = width_dots - 2 * margin;
	L.y += mm(&L, 2);
	frame(&L, y0, mm(&L, 1));
	L.y += mm(&L, 5);
	if (bitmap_set_height(L.b, L.y) != 0) {
		errf(err, errlen, "test page: out of memory");
		goto fail;
	}
	return L.b;
fail:
	bitmap_free(L.b);
	return NULL;
}
