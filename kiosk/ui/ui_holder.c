/*
 * ui_holder: the document keypad, for services bound to their holder: the
 * visitor types their passport or residence permit number (letters and
 * digits, in alphabetical order), erases, validates. The number is kept
 * only until the issue is asked for; then only its mask ("•••45C").
 * The screen, and its keys (holder_key()). The keypad itself (a field,
 * erase, validate, a paged grid of keys) is keypad_draw(), which the
 * appointment's code keypad (ui_appt.c) uses too, with its own keys.
 *
 * Part of the pure ui core: lays out with the kit (kit.h), checks the
 * number with core/holder.h; must not depend on SDL, the clock or any I/O.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/holder.h"
#include "core/log.h"
#include "ui/screens.h"

#define MSG_HOLDER_BAD "Ce numéro n'est pas valide. Vérifiez-le et tapez-le à nouveau."
#define MSG_HOLDER_NOT_APPT "Ce numéro ne correspond pas à votre rendez-vous. Vérifiez-le et tapez-le à nouveau."

/* The keypad's characters, in alphabetical order: easier to find than on a
 * typewriter layout for someone who does not type. */
static const char keypad_chars[] = "1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* The title, and what is wrong with the number or why it is asked; the y
 * below them. */
static int
intro(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *lang, *s;
	int y = m->body.y;

	s = kit_tr(u, "Tapez le numéro de votre passeport ou de votre titre de séjour", &lang);
	kit_say(u, lang, s);
	if (!(u->holder_err && u->squeeze >= 2)) /* squeezed: the error replaces the title */
		y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fb * 5 / 4, TEXT_BOLD,
		    TEXT_ALIGN_LEFT, C_ACCENT);
	if (u->holder_err) {
		/* the module's reason ("not a document number") went to the log:
		 * the visitor gets a sentence in their language */
		s = kit_tr(u, u->holder_err == 1 ? "Ce numéro est trop court." :
		    u->holder_err == 3 ? MSG_HOLDER_NOT_APPT : MSG_HOLDER_BAD, &lang);
		y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fs, TEXT_BOLD,
		    TEXT_ALIGN_LEFT, C_DANGER);
	} else {
		/* what the number is for: an appointment's holder, one entry in a
		 * draw a person, or one ticket a person */
		s = kit_tr(u, u->appt ? "Votre numéro n'est pas conservé. Il sert seulement à vérifier "
		    "que ce rendez-vous est le vôtre." : u->draw ? "Votre numéro n'est pas conservé. "
		    "Il sert seulement à éviter les inscriptions en double." : "Votre numéro n'est "
		    "pas conservé. Il sert seulement à éviter les tickets en double.", &lang);
		if (u->squeeze < 2) /* a very small screen keeps the keys */
			y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fs, 0,
			    TEXT_ALIGN_LEFT, C_TEXT_SOFT);
	}
	kit_say(u, lang, s);
	return y + m->gap / 2;
}

/* The n keys in area a: as many columns as fit, never below the minimum size. */
static struct grid
keys_plan(struct ui *u, struct rect a, int n)
{
	struct metrics *m = &u->m;
	struct grid g;

	g.cols = imax(1, imin(10, (a.w + m->gap) / (m->tgt + m->gap)));
	g.cw = (a.w - (g.cols - 1) * m->gap) / g.cols;
	g.rows = imax(1, (a.h + m->gap) / (m->tgt + m->gap));
	g.ch = imax(m->tgt, imin(imax(m->tgt, imin(g.cw, (int)(20 * m->mm))),
	    (a.h - (g.rows - 1) * m->gap) / g.rows));
	g.per_page = g.cols * g.rows;
	g.pages = (n + g.per_page - 1) / g.per_page;
	return g;
}

/* The field at y showing `typed`, then erase and validate (and, on a very
 * small screen, the page buttons) on the same row. Returns 1 when the page
 * buttons are there. */
static int
field_row(struct ui *u, int y, int pages, const char *typed)
{
	struct metrics *m = &u->m;
	const char *l1, *l2, *del = kit_tr(u, "Effacer", &l1), *ok = kit_tr(u, "Valider", &l2);
	int dw, ow, pw = 0, fw;
	struct rect f;

	dw = imax(m->tgt, kit_mwidth(u, del, l1, m->fb, TEXT_BOLD) + (int)(7 * m->mm) + 3 * m->gap);
	ow = imax(m->tgt, kit_mwidth(u, ok, l2, m->fb, TEXT_BOLD) + (int)(7 * m->mm) + 3 * m->gap);
	if (m->header_h == 0 && pages > 1)
		pw = 2 * (m->tgt + m->gap);
	fw = m->body.w - dw - ow - 2 * m->gap - pw;
	if (fw < 2 * m->tgt) { /* no room for labels: the buttons as pictograms */
		dw = ow = m->tgt;
		fw = m->body.w - dw - ow - 2 * m->gap - pw;
	}
	kit_need(u, m->tgt, fw);
	f = mkrect(m->body.x, y, imax(fw, m->tgt), m->tgt);
	kit_fill(u, f, C_SURFACE, m->radius);
	kit_stroke(u, f, C_ACCENT, m->radius, m->border);
	/* a document number (a code) reads left to right in every script */
	kit_textbox(u, mkrect(f.x + m->gap, f.y, f.w - 2 * m->gap, f.h),
	    typed[0] ? kit_keep(u, typed) : " ", "fr", m->ft, TEXT_BOLD | TEXT_LTR,
	    TEXT_ALIGN_LEFT, C_TEXT);
	kit_button(u, mkrect(f.x + f.w + m->gap, y, dw, m->tgt), B_SECONDARY, P_BACK,
	    dw == m->tgt ? "" : del, l1, m->fb, UI_T_CHAR_DEL, 0, 0, "key-del");
	kit_button(u, mkrect(f.x + f.w + dw + 2 * m->gap, y, ow, m->tgt), B_PRIMARY, P_CHECK,
	    ow == m->tgt ? "" : ok, l2, m->fb, UI_T_CHAR_OK, 0, 0, "key-ok");
	if (pw) {
		int px = f.x + f.w + dw + ow + 3 * m->gap;
		if (u->page > 0)
			kit_page_button(u, px, y, 0);
		if (u->page < pages - 1)
			kit_page_button(u, px + m->tgt + m->gap, y, 1);
	}
	return pw != 0;
}

void
keypad_draw(struct ui *u, int fy, const char *chars, const char *typed)
{
	struct metrics *m = &u->m;
	int n = (int)strlen(chars), k, paged_here;
	struct rect a = mkrect(m->body.x, fy + m->tgt + m->gap, m->body.w, 0);
	struct grid g;

	a.h = kit_bottom(u) - a.y;
	g = keys_plan(u, a, n);
	kit_need(u, a.y + m->tgt, a.y + a.h);
	if (u->page >= g.pages)
		u->page = g.pages - 1;
	paged_here = field_row(u, fy, g.pages, typed);
	for (k = 0; k < g.per_page; k++) {
		int ci = u->page * g.per_page + k;
		char name[8], label[2];
		if (ci >= n)
			break;
		label[0] = chars[ci];
		label[1] = '\0';
		snprintf(name, sizeof name, "key:%c", chars[ci]);
		kit_button(u, kit_grid_cell(u, a, &g, k), B_SECONDARY, P_NONE, kit_keep(u, label),
		    "fr", m->ft, UI_T_CHAR, chars[ci], 0, name);
	}
	kit_nav(u, kit_nav_back_cancel, 2);
	if (!paged_here)
		kit_pager(u, g.pages);
}

void
scr_holder(struct ui *u)
{
	keypad_draw(u, intro(u), keypad_chars, u->holder);
}

/* A key of the keypad: a character (arg), erase, or validate (the error
 * shown stays until the number is changed). */
void
holder_key(struct ui *u, int id, int arg)
{
	char norm[HOLDER_MAX + 1], e[160];

	if (id == UI_T_CHAR || id == UI_T_CHAR_DEL) {
		u->holder_err = 0;
		if (id == UI_T_CHAR_DEL && u->holder_len > 0) {
			u->holder[--u->holder_len] = '\0';
		} else if (id == UI_T_CHAR && u->holder_len < HOLDER_MAX) {
			u->holder[u->holder_len++] = (char)arg;
			u->holder[u->holder_len] = '\0';
		}
	} else if (u->holder_len < HOLDER_MIN) {
		u->holder_err = 1;
	} else if (holder_normalise(u->holder, norm, sizeof norm, e, sizeof e) != 0) {
		/* long enough but not a document number ("AAAA"): say so in the
		 * visitor's language; the reason is for the log */
		log_info("ui: document number refused: %s", e);
		u->holder_err = 2;
	} else {
		if (holder_mask(norm, u->holder_mask, sizeof u->holder_mask) != 0)
			u->holder_mask[0] = '\0';
		sodium_memzero(norm, sizeof norm);
		if (u->appt)
			appt_checkin(u); /* an appointment has nothing more to choose */
		else if (u->draw)
			draw_enrol(u);   /* nor an enrolment in a draw */
		else
			flow_go(u, UI_S_CONFIRM);
		return;
	}
	set_dirty(u);
}
