/*
 * ui_procedure: the two choices of a visit: the procedure (the site's
 * services as cards, and "I don't know", which leads to the guide) and the
 * priority question.
 *
 * Part of the pure ui core: lays out with the kit (kit.h), reads the state,
 * writes only the frame (and keeps the page within the pages there are);
 * must not change the rest of the visitor's state.
 */
#include "ui/screens.h"
static const char dontknow_id[] = "Je ne sais pas";
static const char dontknow_more_id[] = "Répondez à quelques questions simples.";

/* Height the "I don't know" card needs at width w. */
static int
dontknow_h(struct ui *u, int w)
{
	struct metrics *m = &u->m;
	const char *l1, *t1 = kit_tr(u, dontknow_id, &l1);
	const char *l2, *t2 = kit_tr(u, dontknow_more_id, &l2);
	int tw = w - 3 * m->gap - (int)(22 * m->mm);

	return kit_para_h(u, tw, t1, l1, m->fb, TEXT_BOLD) + kit_para_h(u, tw, t2, l2, m->fs, 0) +
	    2 * m->gap;
}

/* The "I don't know" card in c (the guided choice), the n-th on its page
 * (its number key when n is 1 to 9). */
static void
dontknow(struct ui *u, struct rect c, int n)
{
	struct metrics *m = &u->m;
	int key = n <= 9 ? n : 0;
	const char *l1, *t1 = kit_tr(u, dontknow_id, &l1);
	const char *l2, *t2 = kit_tr(u, dontknow_more_id, &l2);
	int ps = imin(c.h - 2 * m->gap, (int)(14 * m->mm)), first = u->ncmds, x, w, h1, h2, ti;

	ti = kit_target(u, c, UI_T_DONTKNOW, 0, key, "dontknow", t1, l1);
	kit_fill(u, c, C_TINT, m->radius);
	kit_stroke(u, c, C_BORDER, m->radius, m->border);
	kit_picto(u, P_QUESTION, mkrect(c.x + m->gap, c.y + (c.h - ps) / 2, ps, ps), C_ON_TINT,
	    C_TINT);
	x = c.x + 2 * m->gap + ps;
	w = c.x + c.w - m->gap - (int)(8 * m->mm) - x; /* the badge at the end */
	h1 = kit_para_h(u, w, t1, l1, m->fb, TEXT_BOLD);
	h2 = kit_para_h(u, w, t2, l2, m->fs, 0);
	kit_para(u, x, c.y + (c.h - h1 - h2) / 2, w, t1, l1, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
	    C_ON_TINT);
	kit_para(u, x, c.y + (c.h - h1 - h2) / 2 + h1, w, t2, l2, m->fs, 0, TEXT_ALIGN_LEFT,
	    C_ON_TINT);
	kit_badge(u, c, key);
	kit_own(u, first, ti);
	kit_say(u, l1, kit_fmt(u, "%d. %s", n, t1));
	kit_say(u, l2, t2);
}

/* The services, then "I don't know", in a paged grid of cards. */
void
scr_procedure(struct ui *u)
{
	struct metrics *m = &u->m;
	int y = kit_title(u, "Choisissez votre démarche", m->body.y);
	struct rect a = mkrect(m->body.x, y, m->body.w, kit_bottom(u) - y);
	int n = svc_count(u) + 1, i, ch = 0, k, minw = (int)(95 * m->mm);
	struct grid g;

	/* columns first (by a minimum width), then the height the texts need */
	g = kit_grid_plan(u, a, n, minw, m->tgt, 0);
	for (i = 0; i < n - 1; i++)
		ch = imax(ch, svc_card_h(u, i, g.cw, 1));
	ch = imax(ch, dontknow_h(u, g.cw));
	kit_need(u, a.y + ch, a.y + a.h);
	ch = imax(m->tgt, imin(ch, a.h));
	g = kit_grid_plan(u, a, n, minw, ch, imax(ch, (int)(32 * m->mm)));
	if (m->header_h == 0 && g.pages > 1) { /* keep a row for the page buttons */
		a.h -= m->tgt + m->gap;
		kit_need(u, a.y + ch, a.y + a.h);
		g = kit_grid_plan(u, a, n, minw, ch, ch);
	}
	if (u->page >= g.pages)
		u->page = g.pages - 1;
	for (k = 0; k < g.per_page; k++) {
		int si = u->page * g.per_page + k;
		if (si >= n)
			break;
		if (si < n - 1)
			svc_card(u, kit_grid_cell(u, a, &g, k), si, k < 9 ? k + 1 : 0, 1);
		else
			dontknow(u, kit_grid_cell(u, a, &g, k), k + 1);
	}
	kit_nav(u, kit_nav_back_cancel, 2);
	kit_pager(u, g.pages);
}

/* Priority card? Yes or no. */
void
scr_priority(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *lang, *s;
	int y = kit_title(u, "Avez-vous une priorité ?", m->body.y), ps = kit_deco(u, 16), ty;
	int tx = m->body.x + (ps ? ps + m->pad : 0), tw = m->body.w - (ps ? ps + m->pad : 0);

	if (ps)
		kit_picto(u, P_PRIORITY, mkrect(m->body.x, y, ps, ps), C_ACCENT, C_BG);
	s = kit_tr(u, "Carte d'invalidité ou de priorité, grossesse, ou enfant de moins de 3 ans.",
	    &lang);
	ty = y;
	ty += kit_para(u, tx, ty, tw, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	kit_say(u, lang, s);
	s = kit_tr(u, "Le guichet vous demandera votre carte.", &lang);
	ty += kit_para(u, tx, ty, tw, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
	kit_say(u, lang, s);
	y = imax(y + ps, ty) + m->pad;
	/* No number keys: claiming a priority is a choice a person makes on
	 * the screen (a tap, or the focus and Enter), never a digit typed on a
	 * keyboard left on the kiosk, or one a child presses. */
	kit_yes_no(u, y, "Oui, j'ai une priorité", "Non", 0);
	kit_nav(u, kit_nav_back_cancel, 2);
}
