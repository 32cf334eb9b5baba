/*
 * ui_ticket: the end of a visit: the ticket (its number, very large, what
 * it is for, the printing) and the attestation de passage printed when the
 * service is full; both beside or above a preview of the very bitmap sent
 * to the printer. An appointment's ticket says the appointment's time; a
 * walk-in ticket given after it, or an attestation for it, that its time
 * has passed (issue #12). A draw's winner's ticket says it was drawn, the
 * others' attestation that they were not; a convocation for a later day
 * has its own screen: the day, the window and the check-in code, large;
 * an enrolment in a draw shows its entry id, the draw's time and when to
 * come back (issue #13).
 *
 * Part of the pure ui core: lays out with the kit (kit.h), reads the state,
 * writes only the frame; must not change the visitor's state.
 */
#include <string.h>

#include "core/draw.h"
#include "ui/screens.h"

/* Draw the slip bitmap (the very one sent to the printer) in box b. */
static void
slip_draw(struct ui *u, struct rect prev)
{
	struct metrics *m = &u->m;
	struct ui_cmd *c;
	int sh = imax(2, m->border);

	kit_fillc(u, mkrect(prev.x + sh, prev.y + sh, prev.w, prev.h), (struct ui_colour){ 0, 0, 0, 60 },
	    0); /* its shadow */
	if ((c = kit_cmd(u, UI_CMD_BITMAP)) != NULL) {
		c->r = kit_mirror(u, prev);
		c->bm = u->slip;
		c->c = (struct ui_colour){ 0, 0, 0, 255 };
	}
	if (u->contrast)
		kit_stroke(u, mkrect(prev.x - m->border, prev.y - m->border, prev.w + 2 * m->border,
		    prev.h + 2 * m->border), C_BORDER, 0, m->border);
}

/* Fit the slip in w x h, never enlarged past its own size. */
static void
slip_fit(const struct ui *u, int w, int h, int *pw, int *ph)
{
	*ph = imin(h, u->slip->h);
	*pw = u->slip->w * *ph / u->slip->h;
	if (*pw > w) {
		*pw = w;
		*ph = u->slip->h * *pw / u->slip->w;
	}
}

/* Where the slip goes: below the text on a portrait screen (or when a
 * column beside it would be under 60 mm), else beside it. */
static int
slip_below(const struct ui *u)
{
	return u->h > u->w || u->m.body.w * 3 / 5 < (int)(60 * u->m.mm);
}

/* Beside the text: the slip at the end edge, *info keeps the rest. Below:
 * the text gets the top part of the body (slip_under() draws the slip). */
static void
slip_preview(struct ui *u, struct rect *info, int bottom)
{
	struct metrics *m = &u->m;
	int pw, ph;

	if (u->slip == NULL) {
		info->h = bottom - info->y;
		return;
	}
	if (slip_below(u)) {
		info->h = (bottom - m->body.y) * 48 / 100;
		return;
	}
	slip_fit(u, m->body.w * 2 / 5, bottom - m->body.y, &pw, &ph);
	slip_draw(u, mkrect(m->body.x + m->body.w - pw, m->body.y, pw, ph));
	info->w = m->body.w - pw - m->pad;
}

/* Below the text (from y), centred in what is left above bottom. */
static void
slip_under(struct ui *u, int y, int bottom)
{
	struct metrics *m = &u->m;
	int pw, ph;

	if (u->slip == NULL || !slip_below(u))
		return;
	y += m->pad;
	slip_fit(u, m->body.w * 3 / 4, bottom - y, &pw, &ph);
	if (ph < (int)(30 * m->mm)) /* no room worth showing it */
		return;
	slip_draw(u, mkrect(m->body.x + (m->body.w - pw) / 2, y + (bottom - y - ph) / 2, pw, ph));
}

/* The slip is below the text (from y): the text must end above bottom, the
 * slip takes what is left; beside it: above the end of the column info. */
static void
slip_end(struct ui *u, struct rect info, int y, int bottom)
{
	kit_need(u, y, slip_below(u) ? bottom : info.y + info.h);
	slip_under(u, y, bottom);
}

/* Printing failed: a warning box from y in the column info, failed_id (may
 * be NULL) above the printer's sentence. Returns the y below it. */
static int
print_failed(struct ui *u, struct rect info, int y, const char *failed_id)
{
	struct metrics *m = &u->m;
	const char *lang, *s = failed_id ? kit_tr(u, failed_id, &lang) : NULL;
	const char *l2, *s2 = kit_tr(u, scr_printer_msgid(u->print_st), &l2);
	const char *detail = u->squeeze < 2 ? u->print_reason : ""; /* for staff */
	int ps = (int)(12 * m->mm), tw = info.w - ps - 3 * m->gap, h;
	int ty = y + m->gap, tx = info.x + ps + 2 * m->gap;

	h = (s ? kit_para_h(u, tw, s, lang, m->fb, TEXT_BOLD) : 0) +
	    kit_para_h(u, tw, s2, l2, s ? m->fs : m->fb, s ? 0 : TEXT_BOLD) +
	    (detail[0] ? kit_para_h(u, tw, detail, "fr", m->fs, 0) : 0) + 2 * m->gap;
	h = imax(h, ps + 2 * m->gap);
	kit_need(u, y + h, info.y + info.h);
	kit_fill(u, mkrect(info.x, y, info.w, h), C_DANGER_BG, m->radius);
	kit_stroke(u, mkrect(info.x, y, info.w, h), C_DANGER, m->radius, m->border);
	kit_picto(u, P_WARNING, mkrect(info.x + m->gap, y + m->gap, ps, ps), C_DANGER, C_DANGER_BG);
	if (s)
		ty += kit_para(u, tx, ty, tw, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_ON_DANGER_BG);
	ty += kit_para(u, tx, ty, tw, s2, l2, s ? m->fs : m->fb, s ? 0 : TEXT_BOLD, TEXT_ALIGN_LEFT,
	    C_ON_DANGER_BG);
	if (detail[0])
		kit_para(u, tx, ty, tw, detail, "fr", m->fs, 0, TEXT_ALIGN_LEFT, C_ON_DANGER_BG);
	if (s)
		kit_say(u, lang, s);
	kit_say(u, l2, s2);
	return y + h;
}

/* Printing, printed or failed, from y down in the column info: done_id
 * (may be NULL) once printed, then after_id (may be NULL). Returns the y
 * below it. */
static int
print_status(struct ui *u, struct rect info, int y, const char *failed_id, const char *done_id,
    const char *after_id)
{
	struct metrics *m = &u->m;
	int ps = (int)(12 * m->mm), done = u->print == UI_PRINT_DONE, th;
	const char *lang, *s, *l3 = "fr", *s3;

	if (u->print == UI_PRINT_FAILED)
		return print_failed(u, info, y, failed_id);
	s3 = after_id ? kit_tr(u, after_id, &l3) : NULL;
	s = done ? (done_id ? kit_tr(u, done_id, &lang) : NULL) :
	    kit_tr(u, "Impression en cours…", &lang);
	th = imax(ps, kit_lineh(u, m->ft));
	if (s) {
		kit_picto(u, done ? P_TICKET_OUT : P_PRINTER, mkrect(info.x, y, ps, ps),
		    done ? C_OK : C_ACCENT, C_BG);
		kit_textbox(u, mkrect(info.x + ps + m->gap, y, info.w - ps - m->gap, th), s, lang,
		    m->ft, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
		y += th + m->gap;
		kit_say(u, lang, s);
	}
	if (done && s3) {
		/* on a short screen only what fits: the slip says it too */
		if (y + kit_para_h(u, info.w, s3, l3, m->fb, 0) <= info.y + info.h)
			y += kit_para(u, info.x, y, info.w, s3, l3, m->fb, 0, TEXT_ALIGN_LEFT,
			    C_TEXT);
		kit_say(u, l3, s3);
	}
	return y;
}

/* The ticket's number from y, very large: as wide as the column info
 * allows, up to 40 mm, leaving room for the lines below it. Returns the y
 * below it. */
static int
number(struct ui *u, struct rect info, int y)
{
	struct metrics *m = &u->m;
	const struct client_ticket *t = &u->ticket;
	int rest, numsz, nh;
	char sp[40];
	size_t i, o = 0;

	rest = kit_lineh(u, m->fb) * (2 + (t->priority != 0) + (t->appt_start[0] != 0) +
	    (t->draw != 0) +
	    (u->squeeze < 2 ?
	    (t->estimated_wait_s >= 0) + (t->position > 0) : 0) + 2) +
	    imax((int)(12 * m->mm), kit_lineh(u, m->ft)) + 4 * m->gap;
	numsz = clampi((info.y + info.h - y - rest) * 10 / 12, m->ft, (int)(40 * m->mm));
	while (numsz > m->ft && kit_mwidth(u, t->number, "fr", numsz, TEXT_BOLD) > info.w)
		numsz = numsz * 9 / 10;
	nh = kit_lineh(u, numsz) * 85 / 100;
	kit_textbox(u, mkrect(info.x, y, info.w, nh), t->number, "fr", numsz, TEXT_BOLD | TEXT_LTR,
	    TEXT_ALIGN_LEFT, C_ACCENT);
	/* letters one by one, so the voice spells "A 0 4 2" */
	for (i = 0; t->number[i] && o + 3 < sizeof sp; i++) {
		sp[o++] = t->number[i];
		sp[o++] = ' ';
	}
	sp[o] = '\0';
	kit_say(u, "fr", kit_keep(u, sp));
	return y + nh;
}

/* The service, priority, wait and position from y in the column info.
 * Returns the y below them. */
static int
details(struct ui *u, struct rect info, int y)
{
	struct metrics *m = &u->m;
	const struct client_ticket *t = &u->ticket;
	const char *lang, *s, *sl;
	const char *sname = t->service_local[0] && strcmp(kit_lang(u)->code, "fr") ?
	    t->service_local : t->service_fr;

	sl = sname == t->service_local ? kit_lang(u)->code : "fr";
	if (svc_chosen(u))
		sname = svc_name(u, svc_chosen(u), &sl);
	y += kit_para(u, info.x, y, info.w, sname, sl, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
	kit_say(u, sl, sname);
	if (t->draw && !strcmp(t->draw_outcome, "ticket")) {
		s = kit_tr(u, MSG_DRAWN, &lang);
		y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_ACCENT);
		kit_say(u, lang, s);
	}
	if (!strcmp(t->kind, "appointment")) {
		char hhmm[6];
		appt_hhmm(t->appt_start, hhmm);
		if (hhmm[0]) {
			s = kit_fmt_tr(u, kit_tr(u, MSG_APPT_AT, &lang), hhmm);
			y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
			    C_ACCENT);
			kit_say(u, lang, s);
		}
	}
	if (t->priority) {
		s = kit_tr(u, "Prioritaire", &lang);
		y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_ACCENT);
	}
	/* wait and position: the slip has them too, so a squeezed screen skips them */
	if (t->estimated_wait_s >= 0) {
		s = kit_fmt_tr(u, kit_tr(u, "Attente estimée : %d min", &lang),
		    (t->estimated_wait_s + 59) / 60);
		if (u->squeeze < 2)
			y += kit_para(u, info.x, y, info.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT,
			    C_TEXT);
		kit_say(u, lang, s);
	}
	if (t->position > 0) {
		s = kit_fmt_tr(u, kit_tr(u, "Position dans la file : %d", &lang), t->position);
		if (u->squeeze < 2)
			y += kit_para(u, info.x, y, info.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT,
			    C_TEXT);
		kit_say(u, lang, s);
	}
	return y;
}

/* The ticket: its number, what it is for, the printing, and the slip. */
void
scr_ticket(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *lang, *s;
	struct rect info = m->body;
	int y, bottom = kit_bottom(u);

	slip_preview(u, &info, bottom);
	y = info.y;
	if (u->ticket.duplicate) {
		s = kit_tr(u, "Vous avez déjà un ticket pour aujourd'hui. Le voici à nouveau.",
		    &lang);
		y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_ACCENT) + m->gap / 2;
		kit_say(u, lang, s);
	} else if (u->ticket.late) {
		s = kit_tr(u, "L'heure de votre rendez-vous est passée. Vous avez un ticket sans "
		    "rendez-vous.", &lang);
		y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_ACCENT) + m->gap / 2;
		kit_say(u, lang, s);
	}
	s = kit_tr(u, "Votre numéro", &lang);
	y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
	    C_TEXT_SOFT);
	kit_say(u, lang, s);
	y = number(u, info, y);
	y = details(u, info, y) + m->gap;
	y = print_status(u, info, y,
	    "Votre ticket n'a pas pu être imprimé. Notez votre numéro et montrez-le à l'accueil.",
	    "Prenez votre ticket",
	    "Attendez dans la salle d'attente. Votre numéro sera affiché et annoncé.");
	slip_end(u, info, y, bottom);
	kit_nav(u, kit_nav_done, 1);
}

/* The earlier attestation, from y: chained to this one, or (calmly) not
 * readable. Returns the y below it. */
static int
prev_line(struct ui *u, struct rect info, int y)
{
	struct metrics *m = &u->m;
	int ok = u->prev_note != PREV_REFUSED, lh = kit_lineh(u, m->fb), th;
	const char *lang, *s = kit_tr(u, ok ? MSG_PREV_OK : MSG_PREV_LOST, &lang);

	th = kit_para_h(u, info.w - lh - m->gap, s, lang, m->fb, TEXT_BOLD);
	kit_picto(u, ok ? P_CHECK : P_SCAN, mkrect(info.x, y, lh, lh), ok ? C_OK : C_ACCENT, C_BG);
	y += kit_para(u, info.x + lh + m->gap, y, info.w - lh - m->gap, s, lang, m->fb, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_TEXT);
	kit_say(u, lang, s);
	return imax(y, y - th + lh) + m->gap;
}

/* A full service: the attestation de passage the server gave instead of a
 * ticket, or (none) a calm error screen. */
void
scr_full(struct ui *u)
{
	struct metrics *m = &u->m;
	static const char *const msg[] = { MSG_FULL, MSG_DESK };
	/* an appointment missed and no place left (late = walkin), or missed
	 * with an attestation (late = attestation) */
	static const char *const late_msg[] = { MSG_APPT_PAST, MSG_FULL, MSG_DESK };
	struct rect info = m->body;
	int y, bottom = kit_bottom(u), ps = (int)(16 * m->mm);
	int late = u->appt && (!u->slip || !strcmp(u->ticket.outcome, "late"));
	int drawn = u->slip && u->ticket.draw; /* an entry of a draw, not drawn */
	const char *lang, *s;
	char hhmm[6];

	if (u->slip == NULL) {
		if (late)
			scr_error(u, P_CLOCK, late_msg, 3, NULL, kit_nav_done, 1);
		else
			scr_error(u, P_FULL, msg, 2, NULL, kit_nav_back_done, 2);
		return;
	}
	slip_preview(u, &info, bottom);
	y = info.y;
	kit_picto(u, late ? P_CLOCK : P_FULL, mkrect(info.x, y, ps, ps), C_ACCENT, C_BG);
	s = kit_tr(u, late ? MSG_APPT_PAST : drawn ? MSG_NOT_DRAWN : msg[0], &lang);
	y += imax(ps, kit_para(u, info.x + ps + m->gap, y, info.w - ps - m->gap, s, lang, m->ft,
	    TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT)) + m->gap;
	kit_say(u, lang, s);
	appt_hhmm(u->ticket.appt_start, hhmm);
	if (late && hhmm[0]) { /* the missed appointment, as the attestation names it */
		s = kit_fmt_tr(u, kit_tr(u, MSG_APPT_AT, &lang), hhmm);
		y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_ACCENT);
		kit_say(u, lang, s);
	}
	s = kit_tr(u, MSG_ATT_PRINTED, &lang);
	y += kit_para(u, info.x, y, info.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT) + m->gap;
	kit_say(u, lang, s);
	if (u->prev_note == PREV_REFUSED || u->ticket.attempt > 1)
		y = prev_line(u, info, y);
	y = print_status(u, info, y, NULL, NULL,
	    "Gardez cette attestation. Elle peut vous servir à prouver vos démarches.");
	slip_end(u, info, y, bottom);
	kit_nav(u, kit_nav_done, 1);
}

/* The convocation's check-in code from y, large (as wide as the column
 * allows, up to 18 mm; the title's size on a squeezed screen, without its
 * label): what the visitor types on the day. Returns the y below it. */
static int
conv_code(struct ui *u, struct rect info, int y)
{
	struct metrics *m = &u->m;
	const char *code = u->ticket.conv_code, *lang, *s;
	int sz = u->squeeze ? m->ft : imax(m->ft, (int)(18 * m->mm)), h;
	char sp[80];
	size_t i, o = 0;

	s = kit_tr(u, "Votre code de convocation", &lang);
	if (u->squeeze < 2)
		y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_TEXT_SOFT);
	kit_say(u, lang, s);
	while (sz > m->fb && kit_mwidth(u, code, "fr", sz, TEXT_BOLD) > info.w)
		sz = sz * 9 / 10;
	h = kit_lineh(u, sz);
	kit_textbox(u, mkrect(info.x, y, info.w, h), code, "fr", sz, TEXT_BOLD | TEXT_LTR,
	    TEXT_ALIGN_LEFT, C_ACCENT);
	/* one by one, so the voice spells it */
	for (i = 0; code[i] && o + 3 < sizeof sp; i++) {
		sp[o++] = code[i];
		sp[o++] = ' ';
	}
	sp[o] = '\0';
	kit_say(u, "fr", kit_keep(u, sp));
	return y + h + m->gap;
}

/* A convocation for a later day (issue #13): today full (or the draw not
 * won), the day written out (French) or dd/mm/yyyy, the window, the
 * check-in code large, what to do with the slip, the printing and the
 * slip. */
void
scr_convocation(struct ui *u)
{
	struct metrics *m = &u->m;
	const struct client_ticket *t = &u->ticket;
	struct rect info = m->body;
	int y, bottom = kit_bottom(u), ps = u->squeeze ? 0 : (int)(16 * m->mm);
	int tsz = u->squeeze >= 2 ? m->fb : m->ft, px = ps ? ps + m->gap : 0;
	const char *lang, *s;
	char day[64];

	slip_preview(u, &info, bottom);
	y = info.y;
	if (t->duplicate) { /* the same one again: a reprint */
		s = kit_tr(u, "Vous avez déjà une convocation. La voici à nouveau.", &lang);
		y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_ACCENT) + m->gap / 2;
		kit_say(u, lang, s);
	}
	if (ps)
		kit_picto(u, P_CLOCK, mkrect(info.x, y, ps, ps), C_ACCENT, C_BG);
	s = kit_tr(u, t->draw ? MSG_NOT_DRAWN : MSG_FULL, &lang);
	y += imax(ps, kit_para(u, info.x + px, y, info.w - px, s, lang, tsz, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_TEXT)) + m->gap;
	kit_say(u, lang, s);
	i18n_day(kit_lang(u)->code, t->conv_date, day, sizeof day);
	s = kit_fmt_tr(u, kit_tr(u, "Vous êtes convoqué(e) le %s entre %s et %s.", &lang), day,
	    t->conv_from, t->conv_to);
	y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT) +
	    m->gap;
	kit_say(u, lang, s);
	if (t->conv_code[0])
		y = conv_code(u, info, y);
	/* it is an attestation too: chained to the earlier one scanned, or
	 * (calmly) not (a squeezed screen leaves it to the slip) */
	if ((u->prev_note == PREV_REFUSED || t->attempt > 1) && u->squeeze < 2)
		y = prev_line(u, info, y);
	y = print_status(u, info, y, "Votre convocation n'a pas pu être imprimée. Notez le jour, "
	    "l'heure et le code, et montrez-les à l'accueil.", "Prenez votre convocation",
	    "Gardez cette convocation : présentez-la à la borne ce jour-là.");
	slip_end(u, info, y, bottom);
	kit_nav(u, kit_nav_done, 1);
}

/* The entry id from y, large, in groups of four ("0A1B 2C3D 4E5F 6071
 * 8293"), as wide as the column info allows. Returns the y below it. */
static int
entry_id(struct ui *u, struct rect info, int y)
{
	struct metrics *m = &u->m;
	char buf[40], sp[64];
	const char *g;
	size_t i, o = 0;
	int sz = imax(m->ft, (int)(11 * m->mm)), h;

	draw_grouped(u->ticket.draw_entry, 4, buf, sizeof buf);
	g = kit_keep(u, buf);  /* the frame's text lives until the next layout */
	while (sz > m->fb && kit_mwidth(u, g, "fr", sz, TEXT_BOLD) > info.w)
		sz = sz * 9 / 10;
	h = kit_lineh(u, sz);
	kit_textbox(u, mkrect(info.x, y, info.w, h), g, "fr", sz, TEXT_BOLD | TEXT_LTR,
	    TEXT_ALIGN_LEFT, C_ACCENT);
	/* characters one by one, so the voice spells them */
	for (i = 0; u->ticket.draw_entry[i] && o + 3 < sizeof sp; i++) {
		sp[o++] = u->ticket.draw_entry[i];
		sp[o++] = ' ';
	}
	sp[o] = '\0';
	kit_say(u, "fr", kit_keep(u, sp));
	return y + h;
}

/* Enrolled in a draw (issue #13): the entry, the service, when the draw
 * is and when to come back, the slip printing. */
void
scr_enrolled(struct ui *u)
{
	struct metrics *m = &u->m;
	const struct client_ticket *t = &u->ticket;
	const char *lang, *s;
	struct rect info = m->body;
	int y, bottom = kit_bottom(u), ps;

	slip_preview(u, &info, bottom);
	y = info.y;
	if (t->duplicate) {
		s = kit_tr(u, "Vous êtes déjà inscrit(e). Voici à nouveau votre bon.", &lang);
		y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_ACCENT) + m->gap / 2;
		kit_say(u, lang, s);
	} else {
		s = kit_tr(u, "Vous êtes inscrit(e)", &lang);
		ps = kit_lineh(u, m->ft);
		kit_picto(u, P_CHECK, mkrect(info.x, y, ps, ps), C_OK, C_BG);
		y += kit_para(u, info.x + ps + m->gap, y, info.w - ps - m->gap, s, lang, m->ft,
		    TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT) + m->gap / 2;
		kit_say(u, lang, s);
	}
	s = kit_tr(u, MSG_ENTRY, &lang);
	y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
	    C_TEXT_SOFT);
	kit_say(u, lang, s);
	y = entry_id(u, info, y) + m->gap / 2;
	if (svc_chosen(u)) {
		s = svc_name(u, svc_chosen(u), &lang);
		y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_TEXT);
		kit_say(u, lang, s);
	}
	if (t->draw_closes[0])
		s = kit_fmt_tr(u, kit_tr(u, MSG_DRAW_AT, &lang), t->draw_closes);
	else
		s = kit_tr(u, MSG_DRAW_AT_END, &lang);
	y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT);
	kit_say(u, lang, s);
	if (t->draw_closes[0])
		s = kit_fmt_tr(u, kit_tr(u, MSG_DRAW_BACK_AT, &lang), t->draw_closes);
	else
		s = kit_tr(u, MSG_DRAW_BACK, &lang);
	y += kit_para(u, info.x, y, info.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT) + m->gap;
	kit_say(u, lang, s);
	y = print_status(u, info, y,
	    "Votre bon n'a pas pu être imprimé. Notez votre numéro d'inscription et montrez-le "
	    "à l'accueil.", "Prenez votre bon", NULL);
	slip_end(u, info, y, bottom);
	kit_nav(u, kit_nav_done, 1);
}
