/*
 * ui_welcome: the rest screens a visit starts from: loading (before the
 * first menu), welcome (touch to start, cycling through the languages, the
 * manager's notices of the day, and "J'ai un rendez-vous" for those who
 * booked one, issue #12) and the language screen.
 *
 * Part of the pure ui core: lays out with the kit (kit.h), reads the state,
 * writes only the frame (and keeps the page within the pages there are);
 * must not change the rest of the visitor's state.
 */
#include <string.h>

#include "ui/screens.h"

void
scr_loading(struct ui *u)
{
	struct metrics *m = &u->m;
	int s = (int)(20 * m->mm), y = m->body.y + m->body.h / 3;

	kit_picto(u, P_HOURGLASS, mkrect(u->w / 2 - s / 2, y - s, s, s), C_ACCENT, C_BG);
	kit_para(u, m->body.x, y + m->gap, m->body.w, i18n_tr("fr", "Veuillez patienter…"), "fr",
	    m->ft, TEXT_BOLD, TEXT_ALIGN_CENTRE, C_TEXT);
}

static const char touch_id[] = "Touchez l'écran pour commencer";
static const char appt_id[] = "J'ai un rendez-vous";
static const char free_id[] = "Les tickets sont gratuits. Ne payez jamais pour un ticket.";

/* Height of the free-ticket notice tw wide: the same whatever language
 * cycles through it, so the screen does not jump (and only the text is
 * repainted). */
static int
notice_h(struct ui *u, int tw, const char *f)
{
	size_t nl, i;
	const struct lang *langs = i18n_langs(&nl);
	int most = 0;

	for (i = 0; i < nl; i++) {
		const char *t = i18n_lookup(langs[i].code, free_id);
		if (t && t != f)
			most = imax(most, kit_para_h(u, tw, t, langs[i].code, u->m.fb, 0));
	}
	return kit_para_h(u, tw, f, "fr", u->m.fb, TEXT_BOLD) + most + 2 * u->m.gap;
}

/* The big start panel (a, a primary fill): "touch to start" in language cl. */
static void
start_panel(struct ui *u, struct rect a, const struct lang *cl)
{
	struct metrics *m = &u->m;
	const char *touch = i18n_tr(cl->code, touch_id);
	const char *tlang = i18n_lookup(cl->code, touch_id) ? cl->code : "fr";
	int s = imin(a.h - 2 * m->pad, (int)(24 * m->mm));
	struct rect tb = mkrect(a.x + 2 * m->pad + s, a.y + m->gap, a.w - 4 * m->pad - s,
	    a.h - 2 * m->gap);

	kit_fill(u, a, C_PRIMARY, m->radius * 2);
	kit_picto(u, P_TOUCH, mkrect(a.x + m->pad, a.y + (a.h - s) / 2, s, s), C_ON_PRIMARY,
	    C_PRIMARY);
	/* a right-to-left sentence aligns to its own start */
	kit_textbox(u, tb, touch, tlang, m->ft * 5 / 4, TEXT_BOLD,
	    text_is_rtl(NULL, tlang) ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT, C_ON_PRIMARY);
}

/* The free-ticket notice in a (pictogram ps wide, text tw wide), in French
 * and in language cl. */
static void
notice(struct ui *u, struct rect a, int ps, int tw, const struct lang *cl)
{
	struct metrics *m = &u->m;
	const char *f = i18n_tr("fr", free_id), *fl = i18n_tr(cl->code, free_id);
	const char *flang = i18n_lookup(cl->code, free_id) ? cl->code : "fr";
	int ty = a.y + m->gap, tx = a.x + ps + 2 * m->gap;

	kit_fill(u, a, C_TINT, m->radius);
	kit_picto(u, P_FREE, mkrect(a.x + m->gap, a.y + (a.h - ps) / 2, ps, ps), C_ON_TINT, C_TINT);
	ty += kit_para(u, tx, ty, tw, f, "fr", m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ON_TINT);
	if (fl != f)
		kit_para(u, tx, ty, tw, fl, flang, m->fb, 0,
		    text_is_rtl(NULL, flang) ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT, C_ON_TINT);
}

/* The manager's notices of today (GET /api/v1/services "notices"): each in
 * French, then in the language the screen cycles through when the notice
 * has it (else French alone). At most MNOTICES. */
#define MNOTICES 2

/* Height of notice n tw wide: French plus its tallest translation, so the
 * screen does not jump as the languages cycle. */
static int
mnotice_h(struct ui *u, int tw, const struct client_notice *n)
{
	const char *f = client_notice_text(n, "fr", NULL);
	int i, most = 0;

	for (i = 0; i < n->ntexts; i++)
		if (n->texts[i].text != f)
			most = imax(most, kit_para_h(u, tw, n->texts[i].text, n->texts[i].lang,
			    u->m.fb, 0));
	return kit_para_h(u, tw, f, "fr", u->m.fb, TEXT_BOLD) + most + 2 * u->m.gap;
}

static void
mnotice(struct ui *u, struct rect a, int ps, int tw, const struct client_notice *n,
    const struct lang *cl)
{
	struct metrics *m = &u->m;
	const char *tl, *f = client_notice_text(n, "fr", NULL);
	const char *t = client_notice_text(n, cl->code, &tl);
	int ty = a.y + m->gap, tx = a.x + ps + 2 * m->gap;

	kit_fill(u, a, C_DANGER_BG, m->radius);
	kit_stroke(u, a, C_DANGER, m->radius, m->border);
	kit_picto(u, P_WARNING, mkrect(a.x + m->gap, a.y + (a.h - ps) / 2, ps, ps), C_DANGER,
	    C_DANGER_BG);
	ty += kit_para(u, tx, ty, tw, f, "fr", m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ON_DANGER_BG);
	if (t != f)
		kit_para(u, tx, ty, tw, t, tl, m->fb, 0,
		    text_is_rtl(NULL, tl) ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT, C_ON_DANGER_BG);
	kit_say(u, "fr", f);
}

/* The notices from y in the column c, leaving `keep` pixels below them
 * for the start panel: those that fit (a small window may show fewer;
 * the site's own information stays at the desk). Returns the new y. */
static int
mnotices(struct ui *u, struct rect c, int y, int keep, const struct lang *cl)
{
	struct metrics *m = &u->m;
	int i, h, ps = (int)(10 * m->mm), tw = c.w - ps - 3 * m->gap;

	for (i = 0; u->menu && i < u->menu->nnotices && i < MNOTICES; i++) {
		const struct client_notice *n = &u->menu->notices[i];
		if (client_notice_text(n, "fr", NULL) == NULL)
			continue;
		h = imax(mnotice_h(u, tw, n), ps + 2 * m->gap);
		if (y + h + m->pad + keep > c.y + c.h)
			break;
		mnotice(u, mkrect(c.x, y, c.w, h), ps, tw, n, cl);
		y += h + m->pad;
	}
	return y;
}

/* Height of the appointment's button w wide: French, and the tallest of
 * its translations (the screen does not jump as the languages cycle). */
static int
appt_button_h(struct ui *u, int tw)
{
	size_t nl, i;
	const struct lang *langs = i18n_langs(&nl);
	int most = 0;

	for (i = 0; i < nl; i++) {
		const char *t = i18n_lookup(langs[i].code, appt_id);
		if (t && strcmp(t, appt_id))
			most = imax(most, kit_para_h(u, tw, t, langs[i].code, u->m.fb, 0));
	}
	return imax(u->m.tgt, kit_para_h(u, tw, appt_id, "fr", u->m.fb, TEXT_BOLD) + most +
	    2 * u->m.gap);
}

/* "J'ai un rendez-vous" in a, in French and in language cl: a secondary
 * button (the start panel stays the first thing seen), its own target. */
static void
appt_button(struct ui *u, struct rect a, int ps, int tw, const struct lang *cl)
{
	struct metrics *m = &u->m;
	const char *t = i18n_lookup(cl->code, appt_id);
	int first = u->ncmds, ti, tx = a.x + ps + 2 * m->gap, h, th;

	ti = kit_target(u, a, UI_T_APPT, 0, 0, "appt", appt_id, "fr");
	kit_fill(u, a, C_SURFACE, m->radius);
	kit_stroke(u, a, C_ACCENT, m->radius, m->border);
	kit_picto(u, P_CLOCK, mkrect(a.x + m->gap, a.y + (a.h - ps) / 2, ps, ps), C_ACCENT,
	    C_SURFACE);
	th = kit_para_h(u, tw, appt_id, "fr", m->fb, TEXT_BOLD);
	if (t && strcmp(t, appt_id))
		th += kit_para_h(u, tw, t, cl->code, m->fb, 0);
	h = a.y + (a.h - th) / 2;
	h += kit_para(u, tx, h, tw, appt_id, "fr", m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT);
	if (t && strcmp(t, appt_id))
		kit_para(u, tx, h, tw, t, cl->code, m->fb, 0,
		    text_is_rtl(NULL, cl->code) ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT, C_TEXT);
	kit_own(u, first, ti);
}

/* Tickets left per service, from y in the column a (when they all fit). */
static void
counts(struct ui *u, struct rect a, int y)
{
	struct metrics *m = &u->m;
	int lh = imax(kit_lineh(u, m->fb) + m->gap, (int)(9 * m->mm));
	int i, rows = 0, avail = a.y + a.h - y - kit_lineh(u, m->fb) - m->gap, fits = 1;

	for (i = 0; i < u->menu->nservices; i++)
		fits &= kit_mwidth(u, svc_fr(&u->menu->services[i]), "fr", m->fb, 0) <=
		    a.w - 4 * m->gap - kit_mwidth(u, "000", "fr", m->fb, TEXT_BOLD);
	if (avail < lh || !fits)
		return;
	y += kit_para(u, a.x, y, a.w, i18n_tr("fr", "Tickets restants aujourd'hui"), "fr", m->fb,
	    TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT) + m->gap / 2;
	for (i = 0; i < u->menu->nservices && (rows + 1) * lh <= avail; i++, rows++) {
		const struct client_service *sv = &u->menu->services[i];
		const char *val = sv->left_today == 0 ? i18n_tr("fr", "Complet") :
		    !sv->open ? i18n_tr("fr", "Fermé") :
		    sv->left_today < 0 ? "–" : kit_fmt(u, "%d", sv->left_today);
		int vw = kit_mwidth(u, val, "fr", m->fb, TEXT_BOLD) + m->gap;
		struct rect row = mkrect(a.x, y, a.w, lh - m->gap / 2);
		kit_fill(u, row, C_SURFACE, m->radius / 2);
		kit_textbox(u, mkrect(row.x + m->gap, row.y, row.w - vw - 3 * m->gap, row.h),
		    svc_fr(sv), "fr", m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
		kit_textbox(u, mkrect(row.x + row.w - vw - m->gap, row.y, vw, row.h), val, "fr",
		    m->fb, TEXT_BOLD, TEXT_ALIGN_RIGHT, sv->left_today == 0 ? C_TEXT : C_ACCENT);
		y += lh;
	}
}

/*
 * Welcome: always in French (the visitor has not chosen yet), with "touch
 * to start" and the free-ticket notice cycling through the languages.
 * "J'ai un rendez-vous", its own target, sits right under the start panel
 * (at the top of the right column in landscape); the rest of the body is
 * the start target, in two parts around it. The tickets left per service
 * below (or beside, in landscape).
 */
void
scr_welcome(struct ui *u)
{
	struct metrics *m = &u->m;
	struct rect b = m->body, left = b, right = b;
	size_t nl;
	const struct lang *langs = i18n_langs(&nl), *cl = &langs[u->cycle % nl];
	const char *f = i18n_tr("fr", free_id), *site = u->menu ? u->menu->site.name : "";
	int landscape = u->w > u->h * 5 / 4;
	int y, ti, ti2, ps = (int)(12 * m->mm), h, nh, tw, first = u->ncmds, ah, aw, aps, ay;
	int bottom = u->h - m->bar_h; /* the start areas end at the bar */

	if (landscape) {
		left.w = b.w * 58 / 100;
		right.x = b.x + left.w + 2 * m->pad;
		right.w = b.w - left.w - 2 * m->pad;
	}
	aps = imin(ps, imax(m->tgt - m->gap, (int)(9 * m->mm)));
	aw = landscape ? right.w : b.w;
	ah = appt_button_h(u, aw - aps - 3 * m->gap);
	y = left.y;
	y += kit_para(u, left.x, y, left.w, i18n_tr("fr", "Bienvenue"), "fr", m->ft * 5 / 4,
	    TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT);
	y += kit_para(u, left.x, y, left.w, site, "fr", m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT_SOFT);
	y += m->pad;
	kit_say(u, "fr", i18n_tr("fr", "Bienvenue"));
	kit_say(u, "fr", site);
	kit_say(u, "fr", i18n_tr("fr", touch_id));
	kit_say(u, "fr", f);
	kit_say(u, "fr", appt_id);

	/* the free-ticket notice, in French and in the language shown above it */
	tw = left.w - ps - 3 * m->gap;
	nh = imax(notice_h(u, tw, f), ps + 2 * m->gap);
	/* the manager's notices first, where they cannot be missed */
	y = mnotices(u, landscape ? left : mkrect(b.x, b.y, b.w, b.h * 62 / 100), y,
	    imax(m->tgt * 2, kit_lineh(u, m->ft) * 2 + 2 * m->gap), cl);
	/* the big start panel takes what is left, within reason */
	h = (landscape ? left.y + left.h : b.y + b.h * 62 / 100) - y - nh - m->pad -
	    (landscape ? 0 : ah + m->pad);
	h = imin(h, b.h * 55 / 100);
	h = imax(h, imax(m->tgt * 2, kit_lineh(u, m->ft) * 2 + 2 * m->gap));
	kit_need(u, y + h + (landscape ? 0 : ah + m->pad), b.y + b.h);
	start_panel(u, mkrect(left.x, y, left.w, h), cl);
	y += h + m->pad;
	if (landscape) {
		/* the left column starts; the appointment's button tops the right one */
		ti = kit_target(u, mkrect(0, m->header_h, right.x - m->pad, bottom - m->header_h),
		    UI_T_START, 0, 0, "start", i18n_tr("fr", touch_id), "fr");
		kit_own(u, first, ti);
		ay = right.y;
		appt_button(u, mkrect(right.x, ay, aw, ah), aps, aw - aps - 3 * m->gap, cl);
		ti2 = kit_target(u, mkrect(right.x - m->pad, ay + ah + m->pad / 2,
		    u->w - right.x + m->pad, bottom - ay - ah - m->pad / 2), UI_T_START, 0, 0,
		    "start-2", NULL, NULL);
		first = u->ncmds;
		right.y = ay + ah + m->pad;
		right.h = b.y + b.h - right.y;
	} else {
		/* above the button starts, and below it */
		ay = y;
		ti = kit_target(u, mkrect(0, m->header_h, u->w, ay - m->pad / 2 - m->header_h),
		    UI_T_START, 0, 0, "start", i18n_tr("fr", touch_id), "fr");
		kit_own(u, first, ti);
		appt_button(u, mkrect(b.x, ay, aw, ah), aps, aw - aps - 3 * m->gap, cl);
		y = ay + ah + m->pad;
		ti2 = kit_target(u, mkrect(0, y - m->pad / 2, u->w, bottom - y + m->pad / 2),
		    UI_T_START, 0, 0, "start-2", NULL, NULL);
		first = u->ncmds;
	}
	if (y + nh <= b.y + b.h) {
		notice(u, mkrect(left.x, y, left.w, nh), ps, tw, cl);
		y += nh + m->pad;
	}
	kit_own(u, first, landscape ? ti : ti2);
	first = u->ncmds;
	if (landscape)
		y = right.y;
	else
		right = mkrect(b.x, y, b.w, b.y + b.h - y);
	if (u->menu && u->menu->nservices > 0)
		counts(u, right, y);
	kit_own(u, first, ti2);
}

/* The languages, each in its own script, in a paged grid. */
void
scr_language(struct ui *u)
{
	struct metrics *m = &u->m;
	size_t nl, i;
	const struct lang *langs = i18n_langs(&nl);
	int y = kit_title(u, "Choisissez votre langue", m->body.y);
	struct rect a = mkrect(m->body.x, y, m->body.w, kit_bottom(u) - y);
	int minw = 0, ch = imax(m->tgt, kit_lineh(u, m->fb) + 2 * m->gap), k;
	struct grid g;

	for (i = 0; i < nl; i++)
		minw = imax(minw, kit_mwidth(u, langs[i].name, langs[i].code, m->fb, TEXT_BOLD));
	minw += 2 * m->gap + (int)(9 * m->mm);
	minw = imax(minw, (int)(45 * m->mm));
	g = kit_grid_plan(u, a, (int)nl, minw, ch, imax(ch, (int)(22 * m->mm)));
	if (m->header_h == 0 && g.pages > 1) { /* keep a row for the page buttons */
		a.h -= m->tgt + m->gap;
		g = kit_grid_plan(u, a, (int)nl, minw, ch, ch);
	}
	if (u->page >= g.pages)
		u->page = g.pages - 1;
	for (k = 0; k < g.per_page; k++) {
		int li = u->page * g.per_page + k;
		struct rect c;
		const struct lang *l;
		int sel, ti, first;
		if (li >= (int)nl)
			break;
		l = &langs[li];
		c = kit_grid_cell(u, a, &g, k);
		sel = li == u->lang_i && u->session;
		first = u->ncmds;
		ti = kit_target(u, c, UI_T_LANG, li, k < 9 ? k + 1 : 0,
		    kit_fmt(u, "lang:%s", l->code), l->name, l->code);
		kit_fill(u, c, sel ? C_PRIMARY : C_SURFACE, m->radius);
		if (!sel)
			kit_stroke(u, c, C_BORDER, m->radius, m->border);
		/* the name in its own script, aligned to its own start */
		kit_textbox(u, mkrect(c.x + m->gap, c.y, c.w - 2 * m->gap - (int)(8 * m->mm), c.h),
		    l->name, l->code, m->fb, TEXT_BOLD,
		    l->rtl != u->rtl ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT,
		    sel ? C_ON_PRIMARY : C_TEXT);
		if (!sel)
			kit_badge(u, c, k < 9 ? k + 1 : 0);
		kit_own(u, first, ti);
		kit_say(u, l->code, kit_fmt(u, "%d. %s", k + 1, l->name));
	}
	kit_nav(u, kit_nav_back, 1);
	kit_pager(u, g.pages);
}
