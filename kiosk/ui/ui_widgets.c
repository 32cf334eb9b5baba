/*
 * ui_widgets: the kit's widgets (see kit.h), built from its primitives:
 * the header band, the accessibility bar, buttons with a pictogram, number
 * badges, the navigation row, paged grids of choices and their page
 * buttons, titles and the big yes/no answers.
 *
 * Part of the pure ui core; must not depend on the screens (screens.h):
 * a widget gets its labels (msgids or text) and target ids from its caller.
 */
#include <stdio.h>

#include "ui/kit.h"

const struct navbtn kit_nav_back[1] = {
	{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
};
const struct navbtn kit_nav_back_cancel[2] = {
	{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
	{ UI_T_CANCEL, "Annuler", P_CROSS, B_SECONDARY, "cancel", 1 },
};
const struct navbtn kit_nav_back_done[2] = {
	{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
	{ UI_T_DONE, "Terminé", P_CHECK, B_PRIMARY, "done", 1 },
};
const struct navbtn kit_nav_done[1] = {
	{ UI_T_DONE, "Terminé", P_CHECK, B_PRIMARY, "done", 1 },
};

void
kit_header(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *site = u->menu ? u->menu->site.name : "";
	int cw = u->clock[0] ? kit_mwidth(u, u->clock, "fr", m->fs, TEXT_BOLD) + m->pad : 0;

	if (m->header_h == 0)
		return;
	kit_fill(u, mkrect(0, 0, u->w, m->header_h), C_HEADER, 0);
	if (u->contrast)
		kit_fill(u, mkrect(0, m->header_h - m->border, u->w, m->border), C_ON_HEADER, 0);
	/* The top-left corner is the hidden admin gesture's: keep it empty of targets. */
	kit_textbox(u, mkrect(m->pad, 0, u->w - 2 * m->pad - cw, m->header_h), site, "fr", m->fs,
	    TEXT_BOLD, TEXT_ALIGN_LEFT, C_ON_HEADER);
	if (cw)
		kit_textbox(u, mkrect(u->w - m->pad - cw, 0, cw, m->header_h), u->clock, "fr",
		    m->fs, TEXT_BOLD, TEXT_ALIGN_RIGHT, C_ON_HEADER);
}

/* A button: surface or primary fill, pictogram at the start, label. */
int
kit_button(struct ui *u, struct rect r, enum bstyle st, enum picto p, const char *label,
    const char *lang, int size, int id, int arg, int key, const char *name)
{
	struct metrics *m = &u->m;
	enum role ink = st == B_SECONDARY ? C_ACCENT : C_ON_PRIMARY;
	enum role face = st == B_SECONDARY ? C_SURFACE : C_PRIMARY;
	int ti = kit_target(u, r, id, arg, key, name, label, lang);
	int ps = p != P_NONE ? imin(r.h - m->gap, (int)(9 * m->mm)) : 0;
	int inner = m->gap, tw, x, w;
	int first = u->ncmds;

	kit_fill(u, r, face, m->radius);
	if (st != B_PRIMARY)
		kit_stroke(u, r, st == B_TOGGLED ? C_ON_PRIMARY : C_BORDER, m->radius, m->border);
	/* a narrow button whose label would not fit beside the pictogram in two
	 * lines: pictogram above, label below it */
	if (ps && label[0] && kit_mheight(u, label, lang, m->fmin, TEXT_BOLD,
	    r.w - ps - 3 * inner) > 2 * kit_lineh(u, m->fmin)) {
		int ph = imin(ps, r.h * 38 / 100);
		struct rect lb = mkrect(r.x + inner / 2, r.y + inner / 2 + ph, r.w - inner,
		    r.h - ph - inner);
		/* the label only if it fits there; the pictogram alone otherwise (speech
		 * still names the button) */
		if (kit_mwidth(u, label, lang, m->fmin, TEXT_BOLD) > lb.w &&
		    kit_mheight(u, label, lang, m->fmin, TEXT_BOLD, lb.w) > lb.h) {
			ph = imin(ps, r.h * 6 / 10);
			kit_picto(u, p, mkrect(r.x + (r.w - ph) / 2, r.y + (r.h - ph) / 2, ph, ph),
			    ink, face);
		} else {
			kit_picto(u, p, mkrect(r.x + (r.w - ph) / 2, r.y + inner / 2, ph, ph), ink,
			    face);
			/* small text under the pictogram; the bar's own size stays */
			kit_textbox(u, lb, label, lang, size == m->fbar ? size : imin(size, m->fs), TEXT_BOLD,
			    TEXT_ALIGN_CENTRE, ink);
		}
		kit_own(u, first, ti);
		return ti;
	}
	/* centre pictogram + label together when they fit, else start-align */
	tw = kit_mwidth(u, label, lang, size, TEXT_BOLD);
	w = ps + (ps ? inner : 0) + tw;
	x = w <= r.w - 2 * inner ? r.x + (r.w - w) / 2 : r.x + inner;
	if (ps) {
		kit_picto(u, p, mkrect(x, r.y + (r.h - ps) / 2, ps, ps), ink, face);
		x += ps + inner;
	}
	kit_textbox(u, mkrect(x, r.y + m->border, r.x + r.w - inner - x, r.h - 2 * m->border),
	    label, lang, size, TEXT_BOLD, TEXT_ALIGN_LEFT, ink);
	kit_own(u, first, ti);
	return ti;
}

/* The navigation buttons queued for the bar at one edge (end 0: start), from
 * *x on, bw wide and h high. */
static void
bar_nav(struct ui *u, int end, int *x, int y, int bw, int h)
{
	struct metrics *m = &u->m;
	int k;

	for (k = 0; k < u->nnavq; k++)
		if (u->navq[k]->end == end) {
			const struct navbtn *b = u->navq[k];
			const char *nl, *nlabel = kit_tr(u, b->msgid, &nl);
			kit_button(u, mkrect(*x, y, bw, h), b->st, b->p, nlabel, nl, m->fbar,
			    b->id, 0, 0, b->name);
			*x += bw + m->gap;
		}
}

/* The accessibility bar: always visible, at the bottom. On a very small
 * screen it also holds the navigation buttons (start edge, end edge). */
void
kit_bar(struct ui *u, int with_a11y)
{
	struct metrics *m = &u->m;
	int n = (with_a11y ? 4 : 0) + u->nnavq, i, gap = m->gap, y = u->h - m->bar_h, x = m->pad;
	/* The buttons take the bar's height: in large text the bar is two
	 * lines high, and a label that wraps must get them, not shrink below
	 * its normal size in a button only a target high. */
	int bh = imax(m->tgt, m->bar_h - 2 * (m->gap / 2));
	int bw = (u->w - 2 * m->pad - (n - 1) * gap) / n, by = y + (m->bar_h - bh) / 2;
	const char *lang;
	static const struct {
		int id;              /* target id */
		enum picto p;        /* pictogram */
		const char *label;   /* msgid */
		const char *name;    /* target name */
	} b[4] = {
		{ UI_T_LARGE, P_TEXTSIZE, "Grands caractères", "large" },
		{ UI_T_CONTRAST, P_CONTRAST, "Contraste élevé", "contrast" },
		{ UI_T_LISTEN, P_SPEAKER, "Écouter", "listen" },
		{ UI_T_LANGUAGE, P_GLOBE, "Langue", "language" },
	};

	kit_fill(u, mkrect(0, y, u->w, m->bar_h), C_SURFACE, 0);
	kit_fill(u, mkrect(0, y, u->w, imax(1, m->border / 2)), C_BORDER, 0);
	bar_nav(u, 0, &x, by, bw, bh); /* navigation first: start-edge ones */
	for (i = 0; i < (with_a11y ? 4 : 0); i++) {
		const char *label = b[i].label;
		int on = (b[i].id == UI_T_LARGE && u->large) ||
		    (b[i].id == UI_T_CONTRAST && u->contrast) || (b[i].id == UI_T_LISTEN && u->speech);
		if (b[i].id == UI_T_LISTEN && u->speech)
			label = "Arrêter";
		label = kit_tr(u, label, &lang);
		kit_button(u, mkrect(x, by, bw, bh), on ? B_TOGGLED : B_SECONDARY, b[i].p,
		    label, lang, m->fbar, b[i].id, 0, 0, b[i].name);
		x += bw + gap;
	}
	bar_nav(u, 1, &x, by, bw, bh);
}

/* Title of a screen at the top of the body; returns the y below it. */
int
kit_title(struct ui *u, const char *msgid, int y)
{
	const char *lang, *s = kit_tr(u, msgid, &lang);
	int h = kit_para(u, u->m.body.x, y, u->m.body.w, s, lang, u->m.ft, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_ACCENT);

	kit_say(u, lang, s);
	return y + h + u->m.gap;
}

/* A small numbered disc: the number key that activates the choice. */
void
kit_badge(struct ui *u, struct rect card, int n)
{
	struct metrics *m = &u->m;
	int d = imin((int)(8 * m->mm), card.h - m->gap);
	struct rect b = mkrect(card.x + card.w - d - m->gap / 2, card.y + (card.h - d) / 2, d, d);
	char s[4];

	if (n < 1 || n > 9)
		return;
	snprintf(s, sizeof s, "%d", n);
	kit_fill(u, b, C_TINT, d / 2);
	if (u->contrast)
		kit_stroke(u, b, C_ON_TINT, d / 2, imax(1, m->border / 2));
	kit_textbox(u, b, kit_keep(u, s), "fr", imax(m->fmin, d * 55 / 100), TEXT_BOLD,
	    TEXT_ALIGN_CENTRE, C_ON_TINT);
}

/* Height of the navigation row in the body (none on a very small screen:
 * the buttons go to the bottom bar). */
int
kit_nav_h(struct ui *u)
{
	return u->m.header_h == 0 ? 0 : u->m.tgt;
}

int
kit_bottom(struct ui *u)
{
	return u->m.body.y + u->m.body.h - kit_nav_h(u) - u->m.gap;
}

void
kit_nav(struct ui *u, const struct navbtn *b, int n)
{
	struct metrics *m = &u->m;
	int y = m->body.y + m->body.h - kit_nav_h(u), i, xs = m->body.x, xe = m->body.x + m->body.w;

	if (m->header_h == 0) {
		for (i = 0; i < n && u->nnavq < (int)(sizeof u->navq / sizeof u->navq[0]); i++)
			u->navq[u->nnavq++] = &b[i];
		return;
	}

	for (i = 0; i < n; i++) {
		const char *lang, *label = kit_tr(u, b[i].msgid, &lang);
		int ps = (int)(7 * m->mm);
		int w = imax(imax(m->tgt * 3 / 2, (int)(36 * m->mm) * m->pic / 100),
		    kit_mwidth(u, label, lang, m->fb, TEXT_BOLD) + ps + 4 * m->gap);
		w = imin(w, (m->body.w - m->gap) / 2);
		if (b[i].end) {
			xe -= w;
			kit_button(u, mkrect(xe, y, w, m->tgt), b[i].st, b[i].p, label, lang, m->fb,
			    b[i].id, 0, 0, b[i].name);
			xe -= m->gap;
		} else {
			kit_button(u, mkrect(xs, y, w, m->tgt), b[i].st, b[i].p, label, lang, m->fb,
			    b[i].id, 0, 0, b[i].name);
			xs += w + m->gap;
		}
	}
	u->nav_xs = xs;
	u->nav_xe = xe;
}

/* Place n cells of height ch (at least) in area a, at least min_cw wide:
 * columns, rows and pages. */
struct grid
kit_grid_plan(struct ui *u, struct rect a, int n, int min_cw, int ch, int pref_ch)
{
	struct grid g;
	int gap = u->m.gap, need;

	g.cols = clampi((a.w + gap) / (min_cw + gap), 1, 4);
	if (g.cols > n)
		g.cols = imax(1, n);
	g.rows = imax(1, (a.h + gap) / (ch + gap));
	/* balance: no more columns than needed for the rows */
	while (g.cols > 1 && (n + g.cols - 2) / (g.cols - 1) <= g.rows)
		g.cols--;
	g.per_page = g.cols * g.rows;
	g.pages = (n + g.per_page - 1) / g.per_page;
	g.cw = (a.w - (g.cols - 1) * gap) / g.cols;
	g.ch = ch;
	/* when everything fits on one page, take roomier cells, up to pref_ch */
	need = (n + g.cols - 1) / g.cols;
	if (g.pages == 1 && pref_ch > ch && need > 0)
		g.ch = imax(ch, imin(pref_ch, (a.h - (need - 1) * gap) / need));
	return g;
}

struct rect
kit_grid_cell(struct ui *u, struct rect a, const struct grid *g, int k)
{
	int gap = u->m.gap, c = k % g->cols, r = k / g->cols;
	return mkrect(a.x + c * (g->cw + gap), a.y + r * (g->ch + gap), g->cw, g->ch);
}

void
kit_page_button(struct ui *u, int x, int y, int next)
{
	kit_button(u, mkrect(x, y, u->m.tgt, u->m.tgt), B_SECONDARY, next ? P_NEXT : P_BACK, "",
	    "fr", u->m.fb, next ? UI_T_NEXT : UI_T_PREV, 0, 0, next ? "next" : "prev");
}

/* Page buttons, in the nav row's middle: between the buttons kit_nav() placed
 * (call it after kit_nav()). The "2 / 3" label goes when there is no room. */
void
kit_pager(struct ui *u, int pages)
{
	struct metrics *m = &u->m;
	int y = m->body.y + m->body.h - m->tgt, w = m->tgt;
	int xs = u->nav_xs, xe = u->nav_xe, lw;
	const char *s;

	if (pages <= 1)
		return;
	if (m->header_h == 0) { /* its own row (the screen kept it free) */
		xs = m->body.x;
		xe = m->body.x + m->body.w;
	}
	s = kit_fmt(u, "%d / %d", u->page + 1, pages);
	lw = kit_mwidth(u, s, "fr", m->fb, TEXT_BOLD) + 2 * m->gap;
	if (xe - xs < 2 * w + lw + 2 * m->gap)
		lw = 0;
	kit_need(u, xs + 2 * w + m->gap, xe);
	xs = xs + (xe - xs - (2 * w + lw + 2 * m->gap)) / 2;
	if (u->page > 0)
		kit_page_button(u, xs, y, 0);
	if (lw)
		kit_textbox(u, mkrect(xs + w + m->gap, y, lw, m->tgt), s, "fr", m->fb, TEXT_BOLD,
		    TEXT_ALIGN_CENTRE, C_TEXT);
	if (u->page < pages - 1)
		kit_page_button(u, xs + w + lw + 2 * m->gap, y, 1);
}

/*
 * Two big answer buttons, the same size. Where they sit depends on the
 * window only, never on the language: stacked (Yes above No) on a portrait
 * body, side by side on a landscape one or where two rows do not fit, the
 * labels wrapping in their buttons. Measuring the labels instead put them
 * side by side in one language and stacked in another on the same screen.
 * Side by side, Yes is at the reading start: left in French, right in
 * Arabic. That is the right-to-left convention (the whole layout mirrors,
 * as Material's and Apple's bidirectional guidelines say): a reader of
 * Arabic meets the first answer first, at the right, as a reader of French
 * does at the left; the kit mirrors every rectangle, so only the side
 * changes, never the order or the sizes.
 * keys: 1 gives them the number keys 1 and 2 (said aloud), 0 none.
 */
void
kit_yes_no(struct ui *u, int y, const char *yes_id, const char *no_id, int keys)
{
	struct metrics *m = &u->m;
	const char *ly, *ln, *ys = kit_tr(u, yes_id, &ly), *ns = kit_tr(u, no_id, &ln);
	int avail = kit_bottom(u) - y;
	int h = imax(m->tgt, kit_lineh(u, m->ft) + 2 * m->gap), w = (m->body.w - m->pad) / 2;
	int side = m->body.w > m->body.h || avail < 2 * m->tgt + m->gap;

	kit_need(u, y + m->tgt, y + avail);
	if (side) {
		h = imax(m->tgt, imin(imax(h, (int)(30 * m->mm)), avail));
		y += imax(0, (avail - h) / 3);
		kit_button(u, mkrect(m->body.x, y, w, h), B_PRIMARY, P_CHECK, ys, ly, m->ft,
		    UI_T_YES, 0, keys ? 1 : 0, "yes");
		kit_button(u, mkrect(m->body.x + w + m->pad, y, w, h), B_SECONDARY, P_CROSS, ns, ln,
		    m->ft, UI_T_NO, 0, keys ? 2 : 0, "no");
	} else {
		h = imax(m->tgt, imin(h, (avail - m->gap) / 2));
		kit_button(u, mkrect(m->body.x, y, m->body.w, h), B_PRIMARY, P_CHECK, ys, ly, m->ft,
		    UI_T_YES, 0, keys ? 1 : 0, "yes");
		kit_button(u, mkrect(m->body.x, y + h + m->gap, m->body.w, h), B_SECONDARY, P_CROSS,
		    ns, ln, m->ft, UI_T_NO, 0, keys ? 2 : 0, "no");
	}
	kit_say(u, ly, keys ? kit_fmt(u, "1. %s", ys) : ys);
	kit_say(u, ln, keys ? kit_fmt(u, "2. %s", ns) : ns);
}
