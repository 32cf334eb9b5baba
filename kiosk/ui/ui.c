/*
 * ui: the kiosk's screens as data (see ui.h). Pure core: text.h for
 * measuring, i18n.h for strings, libsodium for the PIN hash; no SDL, no
 * clock, no I/O.
 *
 * How a frame is made: ui_draw() picks the metrics for the window (sizes in
 * millimetres at the configured dpi, clamped to what the screen can hold),
 * lays out the current screen in left-to-right coordinates, and every
 * emitted command goes through kit_mirror() so that a right-to-left language
 * gets the mirror image. Text is measured through a small cache (shaping a
 * paragraph costs a fraction of a millisecond; a screen measures about a
 * hundred), so laying out a screen costs a few milliseconds at most.
 *
 * Small screens: a screen whose content does not fit (kit_need() notes it) is
 * laid out again with smaller text and pictograms, twice at most; targets
 * never shrink below 15 mm. Under 100 mm of height (a 5" 800x480 panel at
 * 160 dpi) there is no header and the navigation buttons join the
 * accessibility bar. Long lists and the document keypad are paged.
 *
 * The visitor's session (language, choices, ticket, accessibility modes)
 * lives in a few fields that reset() clears in one place; the world (menu,
 * server and printer state) survives it.
 *
 * Strings: every applicant-facing string is a msgid of assets/po; the two
 * staff screens (admin PIN, admin) are French only, on purpose.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/holder.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sign.h"
#include "ui/screens.h"

#define CORNER_MS    3000   /* ...within this many milliseconds */
#define PIN_TRIES    3      /* wrong PINs before a lock-out */
#define PIN_LOCK_MS  60000  /* lock-out length */

/* The attestation strings (assets/po). */
#define MSG_PREV_ASK  "Avez-vous une attestation de passage d'une visite précédente ?"
#define MSG_PREV_HOW  "Présentez le code QR de votre attestation devant le lecteur."
#define MSG_PREV_OK   "Votre attestation précédente a été prise en compte."
#define MSG_PREV_BAD  "Cette attestation n'a pas pu être lue. Vous pouvez continuer sans elle."
#define MSG_PREV_LOST "Votre attestation précédente n'a pas pu être lue." /* beside the new one */
#define MSG_WITHOUT   "Continuer sans attestation"
#define MSG_HOLDER_BAD "Ce numéro n'est pas valide. Vérifiez-le et tapez-le à nouveau."

static void
push_action(struct ui *u, const struct ui_action *a)
{
	int i;

	if (a->kind == UI_ACT_REFRESH)
		for (i = 0; i < u->nacts; i++)
			if (u->acts[i].kind == UI_ACT_REFRESH)
				return; /* one is enough */
	if (u->nacts == MAX_ACTS) {
		/* The platform takes actions after every input, so this only
		 * happens to a caller that never does: drop the oldest refresh or
		 * speech, never a ticket or a quit. */
		for (i = 0; i < u->nacts; i++)
			if (u->acts[i].kind != UI_ACT_ISSUE && u->acts[i].kind != UI_ACT_QUIT)
				break;
		expect(i < u->nacts);
		free(u->acts[i].speech);
		memmove(&u->acts[i], &u->acts[i + 1], (size_t)(u->nacts - i - 1) * sizeof *a);
		u->nacts--;
	}
	u->acts[u->nacts++] = *a;
}

static void
act(struct ui *u, enum ui_act_kind k)
{
	struct ui_action a;

	memset(&a, 0, sizeof a);
	a.kind = k;
	push_action(u, &a);
}

static int
is_rest(enum ui_screen s)
{
	return s == UI_S_LOADING || s == UI_S_WELCOME || s == UI_S_SERVER_DOWN ||
	    s == UI_S_CLOSED || s == UI_S_PRINTER;
}

static int
printer_bad(enum escpos_state st)
{
	return st == ESCPOS_PAPER_OUT || st == ESCPOS_COVER_OPEN || st == ESCPOS_OFFLINE ||
	    st == ESCPOS_ERROR;
}

/* The screen to show when nobody is using the kiosk. */
static enum ui_screen
rest_screen(const struct ui *u)
{
	if (u->server_down)
		return UI_S_SERVER_DOWN;
	if (u->menu == NULL)
		return UI_S_LOADING;
	if (!u->menu->site.open)
		return UI_S_CLOSED;
	if (printer_bad(u->printer))
		return UI_S_PRINTER;
	return UI_S_WELCOME;
}

void
flow_go(struct ui *u, enum ui_screen s)
{
	if (u->screen != s) {
		u->screen = s;
		u->screen_at = u->now;
		u->page = 0;
		u->focus[0] = '\0';
		if (u->speech)
			u->speak_pending = 1;
	}
	set_dirty(u);
}

/* Forget the visitor: back to the rest screen with default settings. */
static void
reset(struct ui *u)
{
	if (u->speech)
		act(u, UI_ACT_HUSH);
	bitmap_free(u->slip);
	u->slip = NULL;
	sodium_memzero(&u->ticket, sizeof u->ticket);
	u->print = UI_PRINT_NONE;
	u->print_reason[0] = u->refuse_reason[0] = '\0';
	sodium_memzero(u->previous, sizeof u->previous);
	sodium_memzero(&u->pending, sizeof u->pending);
	u->has_pending = 0;
	u->prev_note = PREV_NONE;
	sodium_memzero(u->scan_buf, sizeof u->scan_buf);
	u->scan_on = 0;
	u->scan_len = 0;
	u->scan_n = 0;
	u->scan_nk = 0;
	u->scan_over = 0;
	u->lang_i = 0;
	u->service_i = -1;
	u->priority = 0;
	sodium_memzero(u->holder, sizeof u->holder);
	u->holder_len = 0;
	u->holder_err = 0;
	u->holder_mask[0] = '\0';
	guide_clear(u);
	u->large = u->contrast = u->speech = 0;
	u->session = 0;
	u->kbd = 0;
	u->countdown_end = 0;
	u->speak_pending = 0;
	sodium_memzero(u->pin_buf, sizeof u->pin_buf);
	u->pin_len = 0;
	u->pin_wrong = 0;
	u->screen = (enum ui_screen)-1;
	flow_go(u, rest_screen(u));
	u->cycle = 0;
	u->cycle_next = u->now + u->cfg.cycle_ms;
}

/* The keypad's characters, in alphabetical order: easier to find than on a
 * typewriter layout for someone who does not type. */
static const char keypad_chars[] = "1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ";

static void
scr_holder(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *lang, *s, *l1, *l2, *del, *ok;
	int y = m->body.y, n = (int)sizeof keypad_chars - 1, k, dw, ow, pw = 0, fw, fy;
	int compact = m->header_h == 0;
	struct rect a, f;
	struct grid g;
	static const struct navbtn nb[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_CANCEL, "Annuler", P_CROSS, B_SECONDARY, "cancel", 1 },
	};

	s = kit_tr(u, "Tapez le numéro de votre passeport ou de votre titre de séjour", &lang);
	kit_say(u, lang, s);
	if (!(u->holder_err && u->squeeze >= 2)) /* squeezed: the error replaces the title */
		y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fb * 5 / 4, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_ACCENT);
	if (u->holder_err) {
		/* the module's reason ("not a document number") went to the log:
		 * the visitor gets a sentence in their language */
		s = kit_tr(u, u->holder_err == 1 ? "Ce numéro est trop court." : MSG_HOLDER_BAD, &lang);
		y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fs, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_DANGER);
	} else {
		s = kit_tr(u, "Votre numéro n'est pas conservé. Il sert seulement à éviter les tickets en double.",
		    &lang);
		if (u->squeeze < 2) /* a very small screen keeps the keys */
			y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fs, 0, TEXT_ALIGN_LEFT, C_TEXT_SOFT);
	}
	kit_say(u, lang, s);
	y += m->gap / 2;
	fy = y;
	y += m->tgt + m->gap;

	/* the keys: as many columns as fit, never below the minimum size */
	a = mkrect(m->body.x, y, m->body.w, kit_bottom(u) - y);
	g.cols = imax(1, imin(10, (a.w + m->gap) / (m->tgt + m->gap)));
	g.cw = (a.w - (g.cols - 1) * m->gap) / g.cols;
	g.rows = imax(1, (a.h + m->gap) / (m->tgt + m->gap));
	g.ch = imax(m->tgt, imin(imax(m->tgt, imin(g.cw, (int)(20 * m->mm))),
	    (a.h - (g.rows - 1) * m->gap) / g.rows));
	g.per_page = g.cols * g.rows;
	g.pages = (n + g.per_page - 1) / g.per_page;
	kit_need(u, a.y + m->tgt, a.y + a.h);
	if (u->page >= g.pages)
		u->page = g.pages - 1;

	/* the field, then erase and validate (and, on a very small screen, the
	 * page buttons) on the same row */
	del = kit_tr(u, "Effacer", &l1);
	ok = kit_tr(u, "Valider", &l2);
	dw = imax(m->tgt, kit_mwidth(u, del, l1, m->fb, TEXT_BOLD) + (int)(7 * m->mm) + 3 * m->gap);
	ow = imax(m->tgt, kit_mwidth(u, ok, l2, m->fb, TEXT_BOLD) + (int)(7 * m->mm) + 3 * m->gap);
	if (compact && g.pages > 1)
		pw = 2 * (m->tgt + m->gap);
	fw = m->body.w - dw - ow - 2 * m->gap - pw;
	if (fw < 2 * m->tgt) { /* no room for labels: the buttons as pictograms */
		dw = ow = m->tgt;
		fw = m->body.w - dw - ow - 2 * m->gap - pw;
	}
	kit_need(u, m->tgt, fw);
	f = mkrect(m->body.x, fy, imax(fw, m->tgt), m->tgt);
	kit_fill(u, f, C_SURFACE, m->radius);
	kit_stroke(u, f, C_ACCENT, m->radius, m->border);
	/* a document number reads left to right in every script */
	kit_textbox(u, mkrect(f.x + m->gap, f.y, f.w - 2 * m->gap, f.h),
	    u->holder_len ? kit_keep(u, u->holder) : " ", "fr", m->ft, TEXT_BOLD | TEXT_LTR,
	    TEXT_ALIGN_LEFT, C_TEXT);
	kit_button(u, mkrect(f.x + f.w + m->gap, fy, dw, m->tgt), B_SECONDARY, P_BACK,
	    dw == m->tgt ? "" : del, l1, m->fb, UI_T_CHAR_DEL, 0, 0, "key-del");
	kit_button(u, mkrect(f.x + f.w + dw + 2 * m->gap, fy, ow, m->tgt), B_PRIMARY, P_CHECK,
	    ow == m->tgt ? "" : ok, l2, m->fb, UI_T_CHAR_OK, 0, 0, "key-ok");
	if (pw) {
		int px = f.x + f.w + dw + ow + 3 * m->gap;
		if (u->page > 0)
			kit_button(u, mkrect(px, fy, m->tgt, m->tgt), B_SECONDARY, P_BACK, "", "fr", m->fb,
			    UI_T_PREV, 0, 0, "prev");
		if (u->page < g.pages - 1)
			kit_button(u, mkrect(px + m->tgt + m->gap, fy, m->tgt, m->tgt), B_SECONDARY, P_NEXT, "",
			    "fr", m->fb, UI_T_NEXT, 0, 0, "next");
	}
	for (k = 0; k < g.per_page; k++) {
		int ci = u->page * g.per_page + k;
		char name[8], label[2];
		if (ci >= n)
			break;
		label[0] = keypad_chars[ci];
		label[1] = '\0';
		snprintf(name, sizeof name, "key:%c", keypad_chars[ci]);
		kit_button(u, kit_grid_cell(u, a, &g, k), B_SECONDARY, P_NONE, kit_keep(u, label), "fr", m->ft,
		    UI_T_CHAR, keypad_chars[ci], 0, name);
	}
	kit_nav(u, nb, 2);
	if (!pw)
		kit_pager(u, g.pages);
}

/* Screens where a scanned attestation is taken (the visit's, before the
 * slip is asked for). */
static int
scan_screen(enum ui_screen s)
{
	return s == UI_S_WELCOME || s == UI_S_LANGUAGE || s == UI_S_PROCEDURE || s == UI_S_GUIDE ||
	    s == UI_S_PRIORITY || s == UI_S_HOLDER || s == UI_S_CONFIRM;
}

/* The note about a scan, on the screen where it happened (the confirmation
 * of a full service has its own panel for it). */
static int
banner_applies(const struct ui *u)
{
	return (u->prev_note == PREV_READ || u->prev_note == PREV_UNREADABLE) &&
	    u->prev_note_on == u->screen && scan_screen(u->screen) && u->screen != UI_S_WELCOME &&
	    !(u->screen == UI_S_CONFIRM && svc_chosen_full(u));
}

/* That note, at the top of the body, which it then shrinks: the screen is
 * laid out below it. A pictogram says it too: a check when the attestation
 * was taken, the slip under the reader when it could not be read. */
static void
prev_banner(struct ui *u)
{
	struct metrics *m = &u->m;
	int ok = u->prev_note == PREV_READ;
	const char *lang, *s = kit_tr(u, ok ? MSG_PREV_OK : MSG_PREV_BAD, &lang);
	int ps = imax((int)(8 * m->mm), kit_lineh(u, m->fs)), tw = m->body.w - ps - 3 * m->gap, th, h;
	struct rect b;

	th = kit_para_h(u, tw, s, lang, m->fs, TEXT_BOLD);
	h = imax(ps, th) + m->gap;
	b = mkrect(m->body.x, m->body.y, m->body.w, h);
	kit_fill(u, b, C_TINT, m->radius);
	if (u->contrast)
		kit_stroke(u, b, C_ON_TINT, m->radius, imax(1, m->border / 2));
	kit_picto(u, ok ? P_CHECK : P_SCAN, mkrect(b.x + m->gap, b.y + (h - ps) / 2, ps, ps),
	    ok ? C_OK : C_ON_TINT, C_TINT);
	kit_para(u, b.x + ps + 2 * m->gap, b.y + (h - th) / 2, tw, s, lang, m->fs, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_ON_TINT);
	kit_say(u, lang, s);
	m->body.y += h + m->gap;
	m->body.h -= h + m->gap;
}

/*
 * The confirmation of a full service: the offer to scan an earlier
 * attestation (a pictogram of a slip under the reader, the question, how),
 * or, once scanned, a check and "taken into account". From y; returns the
 * y below it.
 */
static int
prev_panel(struct ui *u, int y)
{
	struct metrics *m = &u->m;
	const char *t[3], *l[3];
	int fl[3], n = 0, i, ps, x, tw, th = 0, h, ty, sz = u->squeeze ? m->fs : m->fb;
	int read = u->previous[0] != '\0';
	struct rect b;

	if (read) {
		t[n] = kit_tr(u, MSG_PREV_OK, &l[n]);
		fl[n++] = TEXT_BOLD;
	} else {
		t[n] = kit_tr(u, MSG_PREV_ASK, &l[n]);
		fl[n++] = TEXT_BOLD;
		if (u->squeeze >= 2) { /* a very small screen: what to do is enough */
			kit_say(u, l[0], t[0]);
			n = 0;
		}
		t[n] = kit_tr(u, MSG_PREV_HOW, &l[n]);
		fl[n++] = 0;
		if (u->prev_note == PREV_UNREADABLE && u->prev_note_on == UI_S_CONFIRM) {
			if (u->squeeze >= 2) { /* no room for both: what happened */
				kit_say(u, l[n - 1], t[n - 1]);
				n--;
			}
			t[n] = kit_tr(u, MSG_PREV_BAD, &l[n]);
			fl[n++] = TEXT_BOLD;
		}
	}
	/* the pictogram carries the message: never squeezed out; large where
	 * there is room (a portrait screen), a seventh of the body at most */
	ps = u->squeeze >= 2 ? (int)(9 * m->mm) :
	    imax((int)(12 * m->mm), imin(kit_deco(u, u->h > u->w ? 36 : 24), m->body.h / 7));
	x = m->body.x + ps + 2 * m->gap;
	tw = m->body.x + m->body.w - m->gap - x;
	for (i = 0; i < n; i++)
		th += kit_para_h(u, tw, t[i], l[i], sz, fl[i]);
	h = imax(ps, th) + 2 * m->gap;
	b = mkrect(m->body.x, y, m->body.w, h);
	kit_fill(u, b, C_TINT, m->radius);
	kit_stroke(u, b, read ? C_OK : C_BORDER, m->radius, m->border);
	kit_picto(u, read ? P_CHECK : P_SCAN, mkrect(b.x + m->gap, y + (h - ps) / 2, ps, ps),
	    read ? C_OK : C_ON_TINT, C_TINT);
	ty = y + (h - th) / 2;
	for (i = 0; i < n; i++) {
		ty += kit_para(u, x, ty, tw, t[i], l[i], sz, fl[i], TEXT_ALIGN_LEFT, C_ON_TINT);
		kit_say(u, l[i], t[i]);
	}
	return y + h + m->gap;
}

static void
scr_confirm(struct ui *u)
{
	struct metrics *m = &u->m;
	int y = kit_title(u, "Vérifiez votre choix", m->body.y), h;
	const char *lang, *s;
	static const struct navbtn nb[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_CANCEL, "Annuler", P_CROSS, B_SECONDARY, "cancel", 1 },
	};
	int bottom = kit_bottom(u);
	int bh = imax(imax(m->tgt * 3 / 2, (int)(28 * m->mm)), kit_lineh(u, m->ft) + 2 * m->pad);

	if (u->service_i >= 0 && u->service_i < svc_count(u)) {
		h = svc_card_h(u, u->service_i, m->body.w, 0);
		/* shown, not a target: the choice is changed with Back */
		svc_card(u, mkrect(m->body.x, y, m->body.w, h), u->service_i, 0, 0);
		u->ntargets--;
		{
			int i;
			for (i = 0; i < u->ncmds; i++)
				if (u->cmds[i].target == u->ntargets)
					u->cmds[i].target = -1;
		}
		y += h + m->gap;
	}
	if (u->holder_mask[0]) {
		const char *hl, *hs = kit_tr(u, "Titulaire", &hl);
		y += kit_para(u, m->body.x, y, m->body.w, kit_fmt(u, "%s : %s", hs, u->holder_mask), hl, m->fb,
		    TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT) + m->gap;
	}
	if (u->priority) {
		int w, ph;
		s = kit_tr(u, "Prioritaire", &lang);
		w = kit_mwidth(u, s, lang, m->fb, TEXT_BOLD) + 2 * m->pad + (int)(8 * m->mm);
		ph = imax(kit_lineh(u, m->fb) + m->gap, kit_deco(u, 9));
		kit_fill(u, mkrect(m->body.x, y, w, ph), C_TINT, ph / 2);
		kit_picto(u, P_PRIORITY, mkrect(m->body.x + m->gap, y + m->gap / 2, ph - m->gap, ph - m->gap),
		    C_ON_TINT, C_TINT);
		kit_textbox(u, mkrect(m->body.x + ph, y, w - ph - m->gap, ph), s, lang, m->fb, TEXT_BOLD,
		    TEXT_ALIGN_LEFT, C_ON_TINT);
		kit_say(u, lang, s);
		y += ph + m->gap;
	}
	if (svc_chosen_full(u)) {
		/* no ticket left: say what will be printed instead */
		s = kit_tr(u, "Ce service est complet pour aujourd'hui.", &lang);
		y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
		kit_say(u, lang, s);
		s = kit_tr(u, "Une attestation de passage va être imprimée. Elle prouve que vous êtes venu(e) aujourd'hui.",
		    &lang);
		if (u->squeeze < 2) /* a very small screen: the full screen says it again */
			y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
		y += m->gap;
		kit_say(u, lang, s);
		y = prev_panel(u, y);
		/* nothing scanned: the way on says it goes without */
		s = kit_tr(u, u->previous[0] ? "Continuer" : MSG_WITHOUT, &lang);
	} else {
		s = kit_tr(u, "Obtenir mon ticket", &lang);
	}
	y += u->squeeze ? m->gap : 2 * m->pad;
	bh = imax(m->tgt, imin(bh, bottom - y));
	kit_need(u, y + bh, bottom);
	kit_button(u, mkrect(m->body.x, y, m->body.w, bh), B_PRIMARY, P_TICKET_OUT,
	    s, lang, m->ft, UI_T_CONFIRM, 0, 1, "confirm");
	kit_say(u, lang, kit_fmt(u, "1. %s", s));
	kit_nav(u, nb, 2);
}

static void
scr_issuing(struct ui *u)
{
	struct metrics *m = &u->m;
	int s = (int)(22 * m->mm), y = m->body.y + m->body.h / 3;
	const char *lang, *t = kit_tr(u, "Veuillez patienter…", &lang);

	kit_picto(u, P_HOURGLASS, mkrect(u->w / 2 - s / 2, y - s / 2, s, s), C_ACCENT, C_BG);
	kit_para(u, m->body.x, y + s / 2 + m->pad, m->body.w, t, lang, m->ft, TEXT_BOLD,
	    TEXT_ALIGN_CENTRE, C_TEXT);
	kit_say(u, lang, t);
}

/* The printer sentence for a state. */
static const char *
printer_msgid(enum escpos_state st)
{
	switch (st) {
	case ESCPOS_PAPER_OUT:  return "L'imprimante n'a plus de papier. Veuillez vous adresser à l'accueil.";
	case ESCPOS_COVER_OPEN: return "Le capot de l'imprimante est ouvert. Veuillez vous adresser à l'accueil.";
	case ESCPOS_OFFLINE:    return "Imprimante hors ligne. Veuillez vous adresser à l'accueil.";
	default:                return "Problème d'imprimante. Veuillez vous adresser à l'accueil.";
	}
}

/* Draw the slip bitmap (the very one sent to the printer) in box b. */
static void
slip_draw(struct ui *u, struct rect prev)
{
	struct metrics *m = &u->m;
	struct ui_cmd *c;
	int sh = imax(2, m->border);

	kit_fillc(u, mkrect(prev.x + sh, prev.y + sh, prev.w, prev.h), (struct ui_colour){ 0, 0, 0, 60 }, 0);
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

/* Printing, printed or failed, from y down in the column info. Returns
 * the y below it. */
static int
print_status(struct ui *u, struct rect info, int y, const char *failed_id, const char *done_id,
    const char *after_id)
{
	struct metrics *m = &u->m;
	const char *lang, *s;
	int ps = (int)(12 * m->mm);

	if (u->print == UI_PRINT_FAILED) {
		const char *l2, *s2 = kit_tr(u, printer_msgid(u->print_st), &l2);
		const char *detail = u->squeeze < 2 ? u->print_reason : ""; /* for staff */
		int tw = info.w - ps - 3 * m->gap, h;
		s = failed_id ? kit_tr(u, failed_id, &lang) : NULL;
		h = (s ? kit_para_h(u, tw, s, lang, m->fb, TEXT_BOLD) : 0) +
		    kit_para_h(u, tw, s2, l2, s ? m->fs : m->fb, s ? 0 : TEXT_BOLD) +
		    (detail[0] ? kit_para_h(u, tw, detail, "fr", m->fs, 0) : 0) + 2 * m->gap;
		h = imax(h, ps + 2 * m->gap);
		kit_need(u, y + h, info.y + info.h);
		kit_fill(u, mkrect(info.x, y, info.w, h), C_DANGER_BG, m->radius);
		kit_stroke(u, mkrect(info.x, y, info.w, h), C_DANGER, m->radius, m->border);
		kit_picto(u, P_WARNING, mkrect(info.x + m->gap, y + m->gap, ps, ps), C_DANGER, C_DANGER_BG);
		{
			int ty = y + m->gap, tx = info.x + ps + 2 * m->gap;
			if (s)
				ty += kit_para(u, tx, ty, tw, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
				    C_ON_DANGER_BG);
			ty += kit_para(u, tx, ty, tw, s2, l2, s ? m->fs : m->fb, s ? 0 : TEXT_BOLD,
			    TEXT_ALIGN_LEFT, C_ON_DANGER_BG);
			if (detail[0])
				kit_para(u, tx, ty, tw, detail, "fr", m->fs, 0, TEXT_ALIGN_LEFT, C_ON_DANGER_BG);
		}
		if (s)
			kit_say(u, lang, s);
		kit_say(u, l2, s2);
		return y + h;
	} else {
		int done = u->print == UI_PRINT_DONE, th;
		const char *l3 = "fr", *s3 = after_id ? kit_tr(u, after_id, &l3) : NULL;
		s = done ? (done_id ? kit_tr(u, done_id, &lang) : NULL) : kit_tr(u, "Impression en cours…", &lang);
		th = imax(ps, kit_lineh(u, m->ft));
		if (s) {
			kit_picto(u, done ? P_TICKET_OUT : P_PRINTER, mkrect(info.x, y, ps, ps),
			    done ? C_OK : C_ACCENT, C_BG);
			kit_textbox(u, mkrect(info.x + ps + m->gap, y, info.w - ps - m->gap, th), s, lang, m->ft,
			    TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
			y += th + m->gap;
			kit_say(u, lang, s);
		}
		if (done && s3) {
			/* on a short screen only what fits: the slip says it too */
			if (y + kit_para_h(u, info.w, s3, l3, m->fb, 0) <= info.y + info.h)
				y += kit_para(u, info.x, y, info.w, s3, l3, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
			kit_say(u, l3, s3);
		}
		return y;
	}
}

static void
scr_ticket(struct ui *u)
{
	struct metrics *m = &u->m;
	const struct client_ticket *t = &u->ticket;
	const char *lang, *s;
	struct rect info = m->body;
	int y, bottom = kit_bottom(u), numsz;
	static const struct navbtn nb[] = {
		{ UI_T_DONE, "Terminé", P_CHECK, B_PRIMARY, "done", 1 },
	};

	slip_preview(u, &info, bottom);
	y = info.y;
	if (t->duplicate) {
		s = kit_tr(u, "Vous avez déjà un ticket pour aujourd'hui. Le voici à nouveau.", &lang);
		y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT) +
		    m->gap / 2;
		kit_say(u, lang, s);
	}
	s = kit_tr(u, "Votre numéro", &lang);
	y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT_SOFT);
	kit_say(u, lang, s);
	/* the number, very large: as wide as the column allows, up to 40 mm,
	 * leaving room for the lines below it */
	{
		int rest = kit_lineh(u, m->fb) * (2 + (t->priority != 0) + (u->squeeze < 2 ?
		    (t->estimated_wait_s >= 0) + (t->position > 0) : 0) + 2) +
		    imax((int)(12 * m->mm), kit_lineh(u, m->ft)) + 4 * m->gap;
		numsz = clampi((info.y + info.h - y - rest) * 10 / 12, m->ft, (int)(40 * m->mm));
	}
	while (numsz > m->ft && kit_mwidth(u, t->number, "fr", numsz, TEXT_BOLD) > info.w)
		numsz = numsz * 9 / 10;
	{
		int nh = kit_lineh(u, numsz) * 85 / 100;
		kit_textbox(u, mkrect(info.x, y, info.w, nh), t->number, "fr", numsz, TEXT_BOLD | TEXT_LTR,
		    TEXT_ALIGN_LEFT, C_ACCENT);
		y += nh;
		/* letters one by one, so the voice spells "A 0 4 2" */
		{
			char sp[40];
			size_t i, o = 0;
			for (i = 0; t->number[i] && o + 3 < sizeof sp; i++) {
				sp[o++] = t->number[i];
				sp[o++] = ' ';
			}
			sp[o] = '\0';
			kit_say(u, "fr", kit_keep(u, sp));
		}
	}
	{
		const char *sl;
		const char *sname = t->service_local[0] && strcmp(kit_lang(u)->code, "fr") ?
		    t->service_local : t->service_fr;
		sl = sname == t->service_local ? kit_lang(u)->code : "fr";
		if (u->service_i >= 0 && u->service_i < svc_count(u))
			sname = svc_name(u, &u->menu->services[u->service_i], &sl);
		y += kit_para(u, info.x, y, info.w, sname, sl, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
		kit_say(u, sl, sname);
	}
	if (t->priority) {
		s = kit_tr(u, "Prioritaire", &lang);
		y += kit_para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT);
	}
	/* wait and position: the slip has them too, so a squeezed screen skips them */
	if (t->estimated_wait_s >= 0) {
		s = kit_fmt_tr(u, kit_tr(u, "Attente estimée : %d min", &lang), (t->estimated_wait_s + 59) / 60);
		if (u->squeeze < 2)
			y += kit_para(u, info.x, y, info.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
		kit_say(u, lang, s);
	}
	if (t->position > 0) {
		s = kit_fmt_tr(u, kit_tr(u, "Position dans la file : %d", &lang), t->position);
		if (u->squeeze < 2)
			y += kit_para(u, info.x, y, info.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
		kit_say(u, lang, s);
	}
	y += m->gap;
	y = print_status(u, info, y,
	    "Votre ticket n'a pas pu être imprimé. Notez votre numéro et montrez-le à l'accueil.",
	    "Prenez votre ticket",
	    "Attendez dans la salle d'attente. Votre numéro sera affiché et annoncé.");
	kit_need(u, y, slip_below(u) ? bottom : info.y + info.h);
	slip_under(u, y, bottom);
	kit_nav(u, nb, 1);
}

/* One line of an error screen. */
struct eline {
	const char *s;     /* text (already translated), NULL = skip */
	const char *lang;  /* its language */
	int big;           /* 2 title, 1 body, 0 small detail */
};

/*
 * A calm error screen: a large pictogram and a few lines (what happened,
 * what to do, that the kiosk retries), centred in the body, the pictogram
 * beside the text in landscape and above it in portrait.
 */
static void
error_lines(struct ui *u, enum picto p, const struct eline *l, int n, const struct navbtn *nb,
    int nnb)
{
	struct metrics *m = &u->m;
	int ps = imax((int)(26 * m->mm), imin(u->w, u->h) / 6) * m->pic / 100, i, total = 0, y;
	int bottom = m->body.y + m->body.h - (nnb ? kit_nav_h(u) + m->gap : 0);
	int landscape = u->w > u->h * 5 / 4;
	int x = m->body.x + m->pad, w = m->body.w - 2 * m->pad;
	enum role ink = p == P_WARNING ? C_DANGER : C_ACCENT;

	if (landscape && ps) {
		x += ps + 2 * m->pad;
		w -= ps + 2 * m->pad;
	}
	for (i = 0; i < n; i++)
		if (l[i].s && l[i].s[0])
			total += kit_para_h(u, w, l[i].s, l[i].lang, l[i].big == 2 ? m->ft : l[i].big ? m->fb :
			    m->fs, l[i].big == 2 ? TEXT_BOLD : 0) + m->gap;
	if (!landscape && ps)
		total += ps + m->pad;
	kit_need(u, m->body.y + total, bottom);
	y = imax(m->body.y, m->body.y + (bottom - m->body.y - imax(total, ps)) * 2 / 5);
	if (ps && landscape) {
		kit_picto(u, p, mkrect(m->body.x + m->pad, y, ps, ps), ink, C_BG);
	} else if (ps) {
		kit_picto(u, p, mkrect(x, y, ps, ps), ink, C_BG);
		y += ps + m->pad;
	}
	for (i = 0; i < n && y < bottom; i++) {
		if (l[i].s == NULL || l[i].s[0] == '\0')
			continue;
		y += kit_para(u, x, y, w, l[i].s, l[i].lang, l[i].big == 2 ? m->ft : l[i].big ? m->fb : m->fs,
		    l[i].big == 2 ? TEXT_BOLD : 0, TEXT_ALIGN_LEFT,
		    l[i].big ? C_TEXT : C_TEXT_SOFT) + m->gap;
		if (l[i].big)
			kit_say(u, l[i].lang, l[i].s);
	}
	if (nnb)
		kit_nav(u, nb, nnb);
}

/* The same from msgids: the first is the title, the others body lines;
 * detail (French, for staff) is added small. */
static void
error_screen(struct ui *u, enum picto p, const char *const *msgids, int n, const char *detail,
    const struct navbtn *nb, int nnb)
{
	struct eline l[8];
	int i, k = 0;

	for (i = 0; i < n && k < 7; i++, k++) {
		l[k].s = kit_tr(u, msgids[i], &l[k].lang);
		l[k].big = i == 0 ? 2 : 1;
	}
	l[k].s = detail;
	l[k].lang = "fr";
	l[k].big = 0;
	k++;
	error_lines(u, p, l, k, nb, nnb);
}

static const struct navbtn nb_done[] = {
	{ UI_T_DONE, "Terminé", P_CHECK, B_PRIMARY, "done", 1 },
};

static void
scr_server_down(struct ui *u)
{
	static const char *const msg[] = {
		"Le service est momentanément indisponible. Veuillez vous adresser à l'accueil.",
		"Nouvel essai automatique dans quelques instants.",
	};
	error_screen(u, P_UNPLUGGED, msg, 2, NULL, u->session ? nb_done : NULL, u->session);
}

static void
scr_printer(struct ui *u)
{
	const char *msg[2];
	msg[0] = printer_msgid(u->printer);
	msg[1] = "Nouvel essai automatique dans quelques instants.";
	error_screen(u, P_PRINTER, msg, 2, u->printer_reason, u->session ? nb_done : NULL,
	    u->session);
}

static void
scr_closed(struct ui *u)
{
	const struct client_site *st = u->menu ? &u->menu->site : NULL;
	struct eline l[3];

	l[0].s = kit_tr(u, "L'accueil est fermé.", &l[0].lang);
	l[0].big = 2;
	l[1].s = kit_tr(u, "Horaires d'ouverture", &l[1].lang);
	l[1].big = 1;
	if (st && st->opens[0] && st->closes[0])
		l[2].s = kit_fmt_tr(u, kit_tr(u, "Ouvert de %s à %s", &l[2].lang), st->opens, st->closes);
	else
		l[2].s = kit_tr(u, "Fermé", &l[2].lang);
	l[2].big = 1;
	error_lines(u, P_CLOCK, l, 3, u->session ? nb_done : NULL, u->session);
}

static void
scr_full(struct ui *u)
{
	struct metrics *m = &u->m;
	static const char *const msg[] = {
		"Ce service est complet pour aujourd'hui.",
		"Allez à l'accueil : un agent va vous aider.",
	};
	static const struct navbtn nb[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_DONE, "Terminé", P_CHECK, B_PRIMARY, "done", 1 },
	};
	struct rect info = m->body;
	int y, bottom = kit_bottom(u), ps = (int)(16 * m->mm);
	const char *lang, *s;

	if (u->slip == NULL) {
		error_screen(u, P_FULL, msg, 2, NULL, nb, 2);
		return;
	}
	/* the server printed an attestation de passage instead of a ticket */
	slip_preview(u, &info, bottom);
	y = info.y;
	kit_picto(u, P_FULL, mkrect(info.x, y, ps, ps), C_ACCENT, C_BG);
	s = kit_tr(u, msg[0], &lang);
	y += imax(ps, kit_para(u, info.x + ps + m->gap, y, info.w - ps - m->gap, s, lang, m->ft,
	    TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT)) + m->gap;
	kit_say(u, lang, s);
	s = kit_tr(u, "Une attestation de passage va être imprimée. Elle prouve que vous êtes venu(e) aujourd'hui.",
	    &lang);
	y += kit_para(u, info.x, y, info.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT) + m->gap;
	kit_say(u, lang, s);
	if (u->prev_note == PREV_REFUSED || u->ticket.attempt > 1) {
		/* the earlier attestation: chained, or (calmly) not readable */
		int ok = u->prev_note != PREV_REFUSED, lh = kit_lineh(u, m->fb), th;
		s = kit_tr(u, ok ? MSG_PREV_OK : MSG_PREV_LOST, &lang);
		th = kit_para_h(u, info.w - lh - m->gap, s, lang, m->fb, TEXT_BOLD);
		kit_picto(u, ok ? P_CHECK : P_SCAN, mkrect(info.x, y, lh, lh), ok ? C_OK : C_ACCENT, C_BG);
		y += kit_para(u, info.x + lh + m->gap, y, info.w - lh - m->gap, s, lang, m->fb, TEXT_BOLD,
		    TEXT_ALIGN_LEFT, C_TEXT);
		y = imax(y, y - th + lh) + m->gap;
		kit_say(u, lang, s);
	}
	y = print_status(u, info, y, NULL, NULL,
	    "Gardez cette attestation. Elle peut vous servir à prouver vos démarches.");
	kit_need(u, y, slip_below(u) ? bottom : info.y + info.h);
	slip_under(u, y, bottom);
	kit_nav(u, nb + 1, 1);
}

static void
scr_refused(struct ui *u)
{
	static const char *const msg[] = {
		"Le ticket n'a pas pu être délivré. Veuillez vous adresser à l'accueil.",
	};
	error_screen(u, P_WARNING, msg, 1, u->refuse_reason, nb_done, 1);
}

/* Staff screens: French only, whatever the visitor chose. */
static void
scr_pin(struct ui *u)
{
	struct metrics *m = &u->m;
	int y = m->body.y, i, kw, kh, cols = 3, rows = 4, x0;
	char dots[40];
	const char *msg;

	y += kit_para(u, m->body.x, y, m->body.w, "Code administrateur", "fr", m->ft, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_ACCENT) + m->gap / 2;
	for (i = 0; i < u->pin_len && i < 12; i++)
		memcpy(dots + 3 * i, "\xe2\x97\x8f", 3); /* U+25CF BLACK CIRCLE */
	dots[3 * i] = '\0';
	if (u->pin_locked > u->now)
		msg = kit_fmt(u, "Trop d'essais. Réessayez dans %d s.",
		    (int)((u->pin_locked - u->now + 999) / 1000));
	else if (u->pin_wrong)
		msg = "Code incorrect.";
	else
		msg = kit_keep(u, i ? dots : " ");
	y += kit_para(u, m->body.x, y, m->body.w, msg, "fr", m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
	    u->pin_wrong ? C_DANGER : C_TEXT) + m->gap;
	kh = imax(m->tgt, (kit_bottom(u) - y - (rows - 1) * m->gap) / rows);
	kh = imin(kh, (int)(25 * m->mm));
	kw = imin(kh * 2, (m->body.w - (cols - 1) * m->gap) / cols);
	x0 = m->body.x + (m->body.w - cols * kw - (cols - 1) * m->gap) / 2;
	for (i = 0; i < 12; i++) {
		struct rect r = mkrect(x0 + (i % cols) * (kw + m->gap), y + (i / cols) * (kh + m->gap), kw,
		    kh);
		static const char *const dnames[] = { "pin:0", "pin:1", "pin:2", "pin:3", "pin:4",
			"pin:5", "pin:6", "pin:7", "pin:8", "pin:9" };
		static const char *const dl[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
		if (i == 9)
			kit_button(u, r, B_SECONDARY, P_NONE, "Effacer", "fr", m->fb, UI_T_PIN_DEL, 0, 0,
			    "pin-del");
		else if (i == 11)
			kit_button(u, r, B_PRIMARY, P_NONE, "Valider", "fr", m->fb, UI_T_PIN_OK, 0, 0, "pin-ok");
		else {
			int d = i == 10 ? 0 : i + 1;
			kit_button(u, r, B_SECONDARY, P_NONE, dl[d], "fr", m->ft, UI_T_PIN_DIGIT, d, 0, dnames[d]);
		}
	}
	{
		static const struct navbtn nb[] = {
			{ UI_T_CANCEL, "Annuler", P_CROSS, B_SECONDARY, "cancel", 0 },
		};
		kit_nav(u, nb, 1);
	}
}

static void
scr_admin(struct ui *u)
{
	struct metrics *m = &u->m;
	int y = m->body.y, bw = imin(m->body.w, (int)(120 * m->mm));
	const char *s;

	y += kit_para(u, m->body.x, y, m->body.w, "Administration de la borne", "fr", m->ft, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_ACCENT) + m->gap;
	s = u->server_down ? kit_fmt(u, "Serveur : injoignable (%s)", u->server_reason) :
	    u->menu ? kit_fmt(u, "Serveur : joignable — %s, %s", u->menu->site.id,
	    u->menu->site.open ? "ouvert" : "fermé") : "Serveur : pas encore de réponse";
	y += kit_para(u, m->body.x, y, m->body.w, s, "fr", m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	s = kit_fmt(u, "Imprimante : %s%s%s", escpos_state_str(u->printer),
	    u->printer_reason[0] ? " — " : "", u->printer_reason);
	y += kit_para(u, m->body.x, y, m->body.w, s, "fr", m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	if (u->cfg.version)
		y += kit_para(u, m->body.x, y, m->body.w, kit_fmt(u, "Version : %s", u->cfg.version), "fr",
		    m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	y += m->pad;
	kit_button(u, mkrect(m->body.x, y, bw, m->tgt), B_PRIMARY, P_BACK, "Reprendre", "fr", m->fb,
	    UI_T_ADMIN_RESUME, 0, 1, "resume");
	y += m->tgt + m->gap;
	kit_button(u, mkrect(m->body.x, y, bw, m->tgt), B_SECONDARY, P_CROSS, "Quitter l'application",
	    "fr", m->fb, UI_T_ADMIN_QUIT, 0, 2, "quit");
}

/* The idle countdown, over whatever screen is below. */
static void
idle_dialog(struct ui *u)
{
	struct metrics *m = &u->m;
	int secs = (int)((u->countdown_end - u->now + 999) / 1000);
	const char *l1, *l2, *l3;
	const char *t1 = kit_tr(u, "Êtes-vous toujours là ?", &l1);
	const char *t2 = kit_fmt_tr(u, kit_tr(u, "Retour à l'accueil dans %d secondes", &l2), imax(secs, 0));
	const char *t3 = kit_tr(u, "Plus de temps", &l3);
	int w = imin(u->w - 2 * m->pad, (int)(150 * m->mm)), h, y, iw;
	struct rect d;
	int first;

	/* the veil hides the screen below (nothing to read there any more) and
	 * takes every tap: the whole window is the "more time" target */
	first = u->ncmds;
	u->ntargets = 0;
	kit_fillc(u, mkrect(0, 0, u->w, u->h), kit_colour(u, C_SHADE), 0);
	iw = w - 2 * m->pad;
	h = 2 * m->pad + kit_para_h(u, iw, t1, l1, m->ft, TEXT_BOLD) + m->gap +
	    kit_para_h(u, iw, t2, l2, m->fb, 0) + m->pad + imax(m->tgt, kit_lineh(u, m->ft) + m->gap);
	h = imin(h, u->h - 2 * m->pad);
	d = mkrect((u->w - w) / 2, (u->h - h) / 2, w, h);
	kit_target(u, mkrect(0, 0, u->w, u->h), UI_T_MORE, 0, 0, "veil", NULL, NULL);
	kit_fill(u, d, C_SURFACE, m->radius * 2);
	kit_stroke(u, d, C_BORDER, m->radius * 2, m->border);
	y = d.y + m->pad;
	y += kit_para(u, d.x + m->pad, y, iw, t1, l1, m->ft, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT) + m->gap;
	y += kit_para(u, d.x + m->pad, y, iw, t2, l2, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT) + m->pad;
	kit_button(u, mkrect(d.x + m->pad, y, iw, d.y + d.h - m->pad - y), B_PRIMARY, P_CLOCK, t3, l3,
	    m->ft, UI_T_MORE, 0, 1, "more");
	(void)first;
	/* speech: only the dialog */
	u->say_len = 0;
	kit_say(u, l1, t1);
	kit_say(u, l2, t2);
	kit_say(u, l3, t3);
}

/* ---- building a frame ------------------------------------------------------ */

static int
focus_index(const struct ui *u)
{
	int i;
	if (!u->focus[0])
		return -1;
	for (i = 0; i < u->ntargets; i++)
		if (!strcmp(u->targets[i].name, u->focus))
			return i;
	return -1;
}

static void layout_once(struct ui *u);

/* Lay the screen out; a screen that does not fit is laid out again with
 * smaller text and pictograms (never smaller targets). */
static void
layout(struct ui *u)
{
	for (u->squeeze = 0; u->squeeze < 3; u->squeeze++) {
		layout_once(u);
		if (!u->overfull)
			break;
	}
	if (u->squeeze == 3) {
		u->squeeze = 2;
		log_debug("ui: screen %s does not fit %dx%d even squeezed", ui_screen_name(u->screen),
		    u->w, u->h);
	}
}

static void
layout_once(struct ui *u)
{
	const struct lang *l = kit_lang(u);
	int staff = u->screen == UI_S_PIN || u->screen == UI_S_ADMIN;
	int fi;

	u->overfull = 0;
	u->nnavq = 0;
	u->nav_xs = 0;
	u->nav_xe = u->w;
	u->ncmds = 0;
	u->ntargets = 0;
	u->arena_used = 0;
	u->overflow = 0;
	u->say_len = 0;
	u->hc = u->contrast;
	u->rtl = l->rtl && !staff && u->screen != UI_S_WELCOME;
	kit_metrics(u);
	kit_fill(u, mkrect(0, 0, u->w, u->h), C_BG, 0);
	kit_header(u);
	if (banner_applies(u))
		prev_banner(u);
	switch (u->screen) {
	case UI_S_LOADING:     scr_loading(u); break;
	case UI_S_WELCOME:     scr_welcome(u); break;
	case UI_S_LANGUAGE:    scr_language(u); break;
	case UI_S_PROCEDURE:   scr_procedure(u); break;
	case UI_S_GUIDE:       scr_guide(u); break;
	case UI_S_PRIORITY:    scr_priority(u); break;
	case UI_S_HOLDER:      scr_holder(u); break;
	case UI_S_CONFIRM:     scr_confirm(u); break;
	case UI_S_ISSUING:     scr_issuing(u); break;
	case UI_S_TICKET:      scr_ticket(u); break;
	case UI_S_SERVER_DOWN: scr_server_down(u); break;
	case UI_S_PRINTER:     scr_printer(u); break;
	case UI_S_CLOSED:      scr_closed(u); break;
	case UI_S_FULL:        scr_full(u); break;
	case UI_S_REFUSED:     scr_refused(u); break;
	case UI_S_PIN:         scr_pin(u); break;
	case UI_S_ADMIN:       scr_admin(u); break;
	}
	if (u->screen != UI_S_ISSUING && !staff)
		kit_bar(u, 1);
	else if (u->nnavq)
		kit_bar(u, 0); /* a very small screen: the staff screens' buttons */
	if (u->countdown_end)
		idle_dialog(u);
	/* the focus ring, last so nothing covers it */
	fi = focus_index(u);
	if (fi >= 0) {
		struct ui_cmd *c = kit_cmd(u, UI_CMD_FOCUS);
		int o = imax(3, u->m.border + 2);
		if (c) {
			c->r = u->targets[fi].r;
			c->r.x -= o, c->r.y -= o, c->r.w += 2 * o, c->r.h += 2 * o;
			c->c = kit_colour(u, C_FOCUS);
			c->radius = u->m.radius + o;
			c->line = imax(3, u->m.border * 2);
			c->target = fi;
		}
	} else {
		u->focus[0] = '\0';
	}
	u->frame.cmds = u->cmds;
	u->frame.ncmds = u->ncmds;
	u->frame.targets = u->targets;
	u->frame.ntargets = u->ntargets;
	u->frame.bg = kit_colour(u, C_BG);
	u->frame.w = u->w;
	u->frame.h = u->h;
	u->laid_out = 1;
	if (u->overflow)
		log_warnx("ui: frame of screen %s overflowed its buffers", ui_screen_name(u->screen));
}

static void
ensure_layout(struct ui *u)
{
	if (!u->laid_out)
		layout(u);
}

/* ---- speech --------------------------------------------------------------- */

static void
speak_text(struct ui *u, const char *lines)
{
	struct ui_action a;

	memset(&a, 0, sizeof a);
	a.kind = UI_ACT_SPEAK;
	if ((a.speech = strdup(lines)) == NULL)
		return;
	push_action(u, &a);
}

static void
speak_focus(struct ui *u)
{
	int fi = focus_index(u);
	char buf[600];

	if (!u->speech || fi < 0 || u->targets[fi].say == NULL)
		return;
	snprintf(buf, sizeof buf, "%s\t%s\n", u->targets[fi].say_lang, u->targets[fi].say);
	speak_text(u, buf);
}

/* ---- input ------------------------------------------------------------------ */

static void scan_settle(struct ui *u, int64_t now);

static void
activity(struct ui *u, int64_t now)
{
	u->now = now;
	u->last_input = now;
	if (!u->session) {
		u->session = 1;
		set_dirty(u);
	}
}

static void
choose_service(struct ui *u, int si)
{
	if (si < 0 || si >= svc_count(u))
		return;
	u->service_i = si;
	if (svc_full(&u->menu->services[si])) {
		/* no ticket left: the server prints an attestation de passage
		 * instead, so the visit still ends with a slip; no priority question */
		u->priority = 0;
		flow_go(u, svc_bound(u) ? UI_S_HOLDER : UI_S_CONFIRM);
	} else {
		flow_go(u, UI_S_PRIORITY);
	}
}

static void
back(struct ui *u)
{
	switch (u->screen) {
	case UI_S_LANGUAGE:
		flow_go(u, u->lang_back == UI_S_LANGUAGE ? rest_screen(u) : u->lang_back);
		if (is_rest(u->screen))
			u->lang_back = UI_S_WELCOME;
		break;
	case UI_S_PROCEDURE: u->lang_back = UI_S_PROCEDURE; flow_go(u, UI_S_LANGUAGE); break;
	case UI_S_GUIDE:
		if (!guide_back(u))
			flow_go(u, UI_S_PROCEDURE);
		break;
	case UI_S_PRIORITY:  flow_go(u, UI_S_PROCEDURE); break;
	case UI_S_HOLDER:    flow_go(u, svc_chosen_full(u) ? UI_S_PROCEDURE : UI_S_PRIORITY); break;
	case UI_S_CONFIRM:
		flow_go(u, svc_bound(u) ? UI_S_HOLDER : svc_chosen_full(u) ? UI_S_PROCEDURE : UI_S_PRIORITY);
		break;
	case UI_S_FULL:      flow_go(u, UI_S_PROCEDURE); break;
	default: break;
	}
}

static int
pin_ok(struct ui *u)
{
	uint8_t h[32];
	int ok;

	crypto_generichash(h, sizeof h, (const uint8_t *)u->pin_buf, (size_t)u->pin_len,
	    u->pin_salt, sizeof u->pin_salt);
	ok = u->has_pin && sodium_memcmp(h, u->pin_hash, sizeof h) == 0;
	sodium_memzero(h, sizeof h);
	return ok;
}

static void
activate(struct ui *u, const struct ui_target *t)
{
	size_t nl;

	i18n_langs(&nl);
	switch ((enum ui_tid)t->id) {
	case UI_T_START:
		u->lang_back = UI_S_WELCOME;
		flow_go(u, UI_S_LANGUAGE);
		act(u, UI_ACT_REFRESH); /* fresh counts for the procedure screen */
		break;
	case UI_T_LANG:
		if (t->arg >= 0 && (size_t)t->arg < nl)
			u->lang_i = t->arg;
		if (u->lang_back == UI_S_WELCOME || u->lang_back == UI_S_LANGUAGE)
			flow_go(u, UI_S_PROCEDURE);
		else
			flow_go(u, u->lang_back);
		u->lang_back = UI_S_WELCOME;
		break;
	case UI_T_SERVICE:
		choose_service(u, t->arg);
		break;
	case UI_T_DONTKNOW:
		guide_start(u);
		break;
	case UI_T_YES:
	case UI_T_NO:
		if (u->screen == UI_S_GUIDE) {
			guide_answer(u, t->id == UI_T_YES);
		} else if (u->screen == UI_S_PRIORITY) {
			u->priority = t->id == UI_T_YES;
			flow_go(u, svc_bound(u) ? UI_S_HOLDER : UI_S_CONFIRM);
		}
		break;
	case UI_T_CONTINUE:
		choose_service(u, svc_of_kind(u, u->gkind));
		break;
	case UI_T_CONFIRM:
		if (u->screen != UI_S_CONFIRM || u->service_i < 0 || u->service_i >= svc_count(u))
			break;
		if (printer_bad(u->printer)) {
			/* no ticket the printer cannot print: say so first */
			flow_go(u, UI_S_PRINTER);
			break;
		}
		{
			struct ui_action a;
			const struct lang *l = kit_lang(u);
			memset(&a, 0, sizeof a);
			a.kind = UI_ACT_ISSUE;
			snprintf(a.service, sizeof a.service, "%s", u->menu->services[u->service_i].code);
			snprintf(a.lang, sizeof a.lang, "%s", l->code);
			a.priority = u->priority;
			if (svc_bound(u)) {
				if (u->holder_len < HOLDER_MIN) {
					flow_go(u, UI_S_HOLDER);
					break;
				}
				snprintf(a.holder, sizeof a.holder, "%s", u->holder);
			}
			snprintf(a.previous, sizeof a.previous, "%s", u->previous);
			push_action(u, &a);
			/* with an earlier attestation, the request is kept until its
			 * answer: if the server refuses that attestation, the same slip
			 * is asked for again without it (holder included) */
			sodium_memzero(&u->pending, sizeof u->pending);
			u->has_pending = a.previous[0] != '\0';
			if (u->has_pending)
				u->pending = a;
			sodium_memzero(&a, sizeof a);
			/* the number went to the platform: keep only its mask */
			sodium_memzero(u->holder, sizeof u->holder);
			u->holder_len = 0;
		}
		flow_go(u, UI_S_ISSUING);
		break;
	case UI_T_BACK:
		back(u);
		break;
	case UI_T_CANCEL:
		if (u->screen == UI_S_PIN) {
			sodium_memzero(u->pin_buf, sizeof u->pin_buf);
			u->pin_len = 0;
			u->pin_wrong = 0;
			flow_go(u, rest_screen(u));
			u->session = 0;
		} else {
			reset(u);
		}
		break;
	case UI_T_DONE:
		reset(u);
		break;
	case UI_T_MORE:
		break; /* the tap itself extended the time */
	case UI_T_PREV:
		if (u->page > 0)
			u->page--;
		u->screen_at = u->now;
		set_dirty(u);
		break;
	case UI_T_NEXT:
		u->page++;
		u->screen_at = u->now;
		set_dirty(u);
		break;
	case UI_T_LARGE:
		u->large = !u->large;
		set_dirty(u);
		break;
	case UI_T_CONTRAST:
		u->contrast = !u->contrast;
		set_dirty(u);
		break;
	case UI_T_LISTEN:
		if (u->speech) {
			u->speech = 0;
			act(u, UI_ACT_HUSH);
		} else {
			u->speech = 1;
			u->speak_pending = 1;
		}
		set_dirty(u);
		break;
	case UI_T_LANGUAGE:
		if (u->screen != UI_S_LANGUAGE) {
			u->lang_back = u->screen == UI_S_WELCOME ? UI_S_WELCOME : u->screen;
			flow_go(u, UI_S_LANGUAGE);
		}
		break;
	case UI_T_PIN_DIGIT:
		if (u->pin_locked > u->now)
			break;
		u->pin_wrong = 0;
		if (u->pin_len < (int)sizeof u->pin_buf - 1)
			u->pin_buf[u->pin_len++] = (char)('0' + t->arg);
		set_dirty(u);
		break;
	case UI_T_PIN_DEL:
		if (u->pin_len > 0)
			u->pin_buf[--u->pin_len] = '\0';
		u->pin_wrong = 0;
		set_dirty(u);
		break;
	case UI_T_PIN_OK:
		if (u->pin_locked > u->now)
			break;
		if (pin_ok(u)) {
			u->pin_fails = 0;
			flow_go(u, UI_S_ADMIN);
		} else {
			u->pin_wrong = 1;
			if (++u->pin_fails >= PIN_TRIES) {
				u->pin_fails = 0;
				u->pin_locked = u->now + PIN_LOCK_MS;
				log_warnx("ui: %d wrong admin PINs: keypad locked for %d s", PIN_TRIES,
				    PIN_LOCK_MS / 1000);
			}
		}
		sodium_memzero(u->pin_buf, sizeof u->pin_buf);
		u->pin_len = 0;
		set_dirty(u);
		break;
	case UI_T_CHAR:
		u->holder_err = 0;
		if (u->holder_len < HOLDER_MAX) {
			u->holder[u->holder_len++] = (char)t->arg;
			u->holder[u->holder_len] = '\0';
		}
		set_dirty(u);
		break;
	case UI_T_CHAR_DEL:
		u->holder_err = 0;
		if (u->holder_len > 0)
			u->holder[--u->holder_len] = '\0';
		set_dirty(u);
		break;
	case UI_T_CHAR_OK: {
		char norm[HOLDER_MAX + 1], e[160];
		if (u->holder_len < HOLDER_MIN) {
			u->holder_err = 1;
			set_dirty(u);
			break;
		}
		if (holder_normalise(u->holder, norm, sizeof norm, e, sizeof e) != 0) {
			/* long enough but not a document number ("AAAA"): say so in the
			 * visitor's language; the reason is for the log */
			log_info("ui: document number refused: %s", e);
			u->holder_err = 2;
			set_dirty(u);
			break;
		}
		if (holder_mask(norm, u->holder_mask, sizeof u->holder_mask) != 0)
			u->holder_mask[0] = '\0';
		sodium_memzero(norm, sizeof norm);
		flow_go(u, UI_S_CONFIRM);
		break;
	}
	case UI_T_ADMIN_RESUME:
		reset(u);
		break;
	case UI_T_ADMIN_QUIT:
		act(u, UI_ACT_QUIT);
		break;
	}
}

/* The hidden gesture: CORNER_TAPS taps in the top-left corner within
 * CORNER_MS. Returns 1 when the tap was in the corner (and is swallowed). */
static int
corner_tap(struct ui *u, int x, int y, int64_t now)
{
	int i, n = 0;

	if (x >= u->m.tgt || y >= u->m.tgt || x < 0 || y < 0)
		return 0;
	if (u->ncorner == CORNER_TAPS) {
		memmove(u->corner, u->corner + 1, (CORNER_TAPS - 1) * sizeof u->corner[0]);
		u->ncorner--;
	}
	u->corner[u->ncorner++] = now;
	for (i = 0; i < u->ncorner; i++)
		if (now - u->corner[i] <= CORNER_MS)
			n++;
	if (n >= CORNER_TAPS && u->has_pin && u->screen != UI_S_PIN && u->screen != UI_S_ADMIN &&
	    u->screen != UI_S_ISSUING && u->print != UI_PRINT_PRINTING) {
		u->ncorner = 0;
		u->pin_len = 0;
		u->pin_wrong = 0;
		u->countdown_end = 0;
		flow_go(u, UI_S_PIN);
	}
	return 1;
}

void
ui_tap(struct ui *u, int x, int y, int64_t now)
{
	int i;

	scan_settle(u, now); /* keys held before the tap come first */
	ensure_layout(u);
	u->kbd = 0;
	if (u->countdown_end) {
		/* any tap while the countdown shows means "I am here" */
		activity(u, now);
		u->countdown_end = 0;
		set_dirty(u);
		return;
	}
	if (corner_tap(u, x, y, now)) {
		activity(u, now);
		return;
	}
	if (now < ui_tap_ready(u))
		return; /* second half of a double tap, on a screen just shown */
	for (i = u->ntargets - 1; i >= 0; i--) {
		const struct rect *r = &u->targets[i].r;
		if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h) {
			struct ui_target t = u->targets[i];
			activity(u, now);
			u->focus[0] = '\0';
			activate(u, &t);
			set_dirty(u);
			return;
		}
	}
}

/* Spatial navigation: the nearest target in a direction. */
static int
nearest(const struct ui *u, int from, enum ui_key k)
{
	const struct rect *a = &u->targets[from].r;
	int ax = a->x + a->w / 2, ay = a->y + a->h / 2, i, best = -1;
	long bestd = 0;

	for (i = 0; i < u->ntargets; i++) {
		const struct rect *b = &u->targets[i].r;
		int bx = b->x + b->w / 2, by = b->y + b->h / 2;
		long along, across, d;
		if (i == from)
			continue;
		switch (k) {
		case UI_KEY_UP:    along = ay - by; across = bx - ax; break;
		case UI_KEY_DOWN:  along = by - ay; across = bx - ax; break;
		case UI_KEY_LEFT:  along = ax - bx; across = by - ay; break;
		default:           along = bx - ax; across = by - ay; break;
		}
		if (along <= 0)
			continue;
		d = along + 2 * labs(across);
		if (best < 0 || d < bestd) {
			best = i;
			bestd = d;
		}
	}
	return best;
}

void
ui_key(struct ui *u, enum ui_key k, int64_t now)
{
	int fi, i;

	ensure_layout(u);
	activity(u, now);
	u->kbd = 1;
	if (u->countdown_end) {
		u->countdown_end = 0;
		set_dirty(u);
		return;
	}
	switch (k) {
	case UI_KEY_LISTEN:
		/* the physical key always (re)starts speech: it never turns it off */
		u->speech = 1;
		u->speak_pending = 1;
		set_dirty(u);
		return;
	case UI_KEY_LARGE:
		u->large = !u->large;
		set_dirty(u);
		return;
	case UI_KEY_CONTRAST:
		u->contrast = !u->contrast;
		set_dirty(u);
		return;
	case UI_KEY_BACK:
		if (u->screen == UI_S_HOLDER && u->holder_len > 0) {
			struct ui_target t;
			memset(&t, 0, sizeof t);
			t.id = UI_T_CHAR_DEL;
			activate(u, &t);
		} else if (u->screen == UI_S_PIN) {
			struct ui_target t;
			memset(&t, 0, sizeof t);
			t.id = UI_T_PIN_DEL;
			activate(u, &t);
		} else {
			back(u);
		}
		return;
	default:
		break;
	}
	if (u->screen == UI_S_WELCOME) {
		/* any key starts, as a tap anywhere does */
		struct ui_target t;
		memset(&t, 0, sizeof t);
		t.id = UI_T_START;
		activate(u, &t);
		return;
	}
	if (u->screen == UI_S_HOLDER && ((k >= UI_KEY_DIGIT0 && k <= UI_KEY_DIGIT9) ||
	    (k >= UI_KEY_LETTER_A && k <= UI_KEY_LETTER_Z))) {
		struct ui_target t;
		memset(&t, 0, sizeof t);
		t.id = UI_T_CHAR;
		t.arg = k <= UI_KEY_DIGIT9 ? '0' + (k - UI_KEY_DIGIT0) : 'A' + (k - UI_KEY_LETTER_A);
		activate(u, &t);
		return;
	}
	if (k >= UI_KEY_LETTER_A && k <= UI_KEY_LETTER_Z)
		return;
	if (k >= UI_KEY_DIGIT0 && k <= UI_KEY_DIGIT9) {
		int d = k - UI_KEY_DIGIT0;
		if (u->screen == UI_S_PIN) {
			struct ui_target t;
			memset(&t, 0, sizeof t);
			t.id = UI_T_PIN_DIGIT;
			t.arg = d;
			activate(u, &t);
			return;
		}
		for (i = 0; d > 0 && i < u->ntargets; i++) {
			if (u->targets[i].key == d) {
				struct ui_target t = u->targets[i];
				u->focus[0] = '\0';
				activate(u, &t);
				return;
			}
		}
		return;
	}
	fi = focus_index(u);
	if (k == UI_KEY_ENTER) {
		if (fi < 0 && (u->screen == UI_S_HOLDER || u->screen == UI_S_PIN)) {
			struct ui_target t;
			memset(&t, 0, sizeof t);
			t.id = u->screen == UI_S_PIN ? UI_T_PIN_OK : UI_T_CHAR_OK;
			activate(u, &t);
		} else if (fi >= 0) {
			struct ui_target t = u->targets[fi];
			activate(u, &t);
		} else if (u->ntargets > 0) {
			snprintf(u->focus, sizeof u->focus, "%s", u->targets[0].name);
			set_dirty(u);
			layout(u);
			speak_focus(u);
		}
		return;
	}
	/* arrows */
	if (u->ntargets == 0)
		return;
	if (fi < 0)
		i = 0;
	else if ((i = nearest(u, fi, k)) < 0)
		return;
	snprintf(u->focus, sizeof u->focus, "%s", u->targets[i].name);
	set_dirty(u);
	layout(u);
	speak_focus(u);
}

/* ---- the keyboard-wedge scanner ------------------------------------------------ */

/*
 * A QR scanner on USB is a keyboard: it types the payload, then Enter,
 * each character a few milliseconds after the last. A person's keys rarely
 * come two under 50 ms apart, and never five in a row. So a
 * press that types 'K' (every payload starts "K1*", and 'K' is at the same
 * place on every layout) is held, with the presses that follow it closely,
 * until the burst either proves a machine's (SCAN_PREFIX characters) or
 * stops short (a person's: replayed). Held presses never act as keys: a
 * payload's digits must not pick choice 1 on the screen below.
 */

static void
scan_clear(struct ui *u)
{
	sodium_memzero(u->scan_buf, sizeof u->scan_buf);
	u->scan_on = 0;
	u->scan_len = 0;
	u->scan_n = 0;
	u->scan_nk = 0;
	u->scan_over = 0;
}

/* The payload's first five characters as a scanner types them: "K1*A*"
 * in either case, or as the two layout mix-ups that sign.c repairs show
 * it (a US scanner on a French PC types "K&8Q8", a French scanner on a US
 * PC "K!\Q\"; scanners that type digits and '*' on the keypad keep those,
 * "K1*Q*"). */
static int
scan_prefix_ok(const char *s)
{
	char c[SCAN_PREFIX];
	int i;

	for (i = 0; i < SCAN_PREFIX; i++) {
		if (s[i] == '\0')
			return 0;
		c[i] = (char)toupper((unsigned char)s[i]);
	}
	return c[0] == 'K' && strchr("1&!", c[1]) && strchr("*8\\", c[2]) &&
	    (c[3] == 'A' || c[3] == 'Q') && c[4] == c[2];
}

/* Tell the visitor about a scan on this screen (a banner, or the panel of
 * the confirmation), and read it out when speech is on. */
static void
scan_note(struct ui *u, enum prev_note note)
{
	u->prev_note = note;
	u->prev_note_on = u->screen;
	u->screen_at = u->now; /* the screen below moved: the tap guard again */
	u->focus[0] = '\0';
	if (u->speech)
		u->speak_pending = 1;
	set_dirty(u);
}

/* A machine's burst ended (complete: ended by Enter). */
static void
scan_done(struct ui *u, int complete, int64_t now)
{
	struct slip sl;
	char err[200] = "";
	int ok = 0;

	memset(&sl, 0, sizeof sl);
	if (complete && !u->scan_over && scan_prefix_ok(u->scan_buf)) {
		if (slip_decode(u->scan_buf, &sl, err, sizeof err) == 0)
			ok = sl.kind == SLIP_ATTESTATION;
		if (!ok && !err[0])
			snprintf(err, sizeof err, "not an attestation");
		log_info("ui: a scanned attestation %s%s", ok ? "was read" : "could not be read: ",
		    ok ? "" : err);
	} else {
		log_info("ui: a scan that is not an attestation was ignored (%d characters%s)", u->scan_n,
		    complete ? "" : ", no Enter");
	}
	if (!scan_screen(u->screen)) {
		/* the slip is asked for already (issuing, the ticket), a fault
		 * screen, the staff's: not the moment */
		if (ok)
			log_info("ui: an attestation scanned on screen %s was ignored",
			    ui_screen_name(u->screen));
		scan_clear(u);
		return;
	}
	activity(u, now);
	if (u->countdown_end) {
		u->countdown_end = 0; /* someone is there */
		set_dirty(u);
	}
	if (ok) {
		/* the text as typed: the server verifies it, and repairs the
		 * layout mix-ups as the decoder just did */
		const char *a = u->scan_buf, *b = u->scan_buf + u->scan_len;
		while (*a == ' ')
			a++;
		while (b > a && b[-1] == ' ')
			b--;
		sodium_memzero(u->previous, sizeof u->previous);
		memcpy(u->previous, a, (size_t)(b - a));
		if (u->screen == UI_S_WELCOME) {
			/* a scan starts a visit, as a touch does */
			u->lang_back = UI_S_WELCOME;
			flow_go(u, UI_S_LANGUAGE);
			act(u, UI_ACT_REFRESH);
		}
	} else if (u->screen == UI_S_WELCOME) {
		scan_clear(u); /* nobody started: nothing to say it to */
		return;
	}
	scan_note(u, ok ? PREV_READ : PREV_UNREADABLE);
	scan_clear(u);
}

/* The burst stopped short of being a machine's: the presses were a
 * person's. Replay them, in order, as keys. */
static void
scan_replay(struct ui *u, int64_t now)
{
	enum ui_key keys[SCAN_PREFIX];
	int i, n = u->scan_nk;

	memcpy(keys, u->scan_keys, sizeof keys);
	scan_clear(u);
	for (i = 0; i < n; i++)
		if (keys[i] != UI_KEY_NONE)
			ui_key(u, keys[i], now);
}

/* Whatever is held, settle it now (a pause, a tap). */
static void
scan_settle(struct ui *u, int64_t now)
{
	if (!u->scan_on)
		return;
	if (u->scan_n < SCAN_PREFIX)
		scan_replay(u, now);
	else
		scan_done(u, 0, now);
}

/* Characters (code points) in UTF-8 text. */
static int
utf8_chars(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Add a press to the burst. */
static void
scan_add(struct ui *u, enum ui_key k, const char *text, size_t n, int64_t now)
{
	if (u->scan_len + n > UI_SCAN_MAX) {
		u->scan_over = 1;
	} else {
		memcpy(u->scan_buf + u->scan_len, text, n);
		u->scan_len += n;
		u->scan_buf[u->scan_len] = '\0';
	}
	if (u->scan_nk < SCAN_PREFIX)
		u->scan_keys[u->scan_nk++] = k;
	u->scan_n += utf8_chars(text);
	u->scan_last = now;
	u->now = now;
}

void
ui_keypress(struct ui *u, enum ui_key k, const char *text, int64_t now)
{
	size_t n = text ? strlen(text) : 0;

	if (u->scan_on && now - u->scan_last >= UI_SCAN_GAP_MS)
		scan_settle(u, now);
	if (u->scan_on) {
		if (n > 0) {
			scan_add(u, k, text, n, now);
			return;
		}
		if (k == UI_KEY_ENTER && u->scan_n >= SCAN_PREFIX) {
			scan_done(u, 1, now);
			return;
		}
		/* Enter after a few characters, an arrow...: a person's */
		scan_replay(u, now);
	}
	if (n > 0 && (text[0] == 'K' || text[0] == 'k')) {
		scan_clear(u);
		u->scan_on = 1;
		scan_add(u, k, text, n, now);
		return;
	}
	if (k != UI_KEY_NONE)
		ui_key(u, k, now);
}

/* ---- time ------------------------------------------------------------------- */

static int
idle_applies(const struct ui *u)
{
	return u->session && u->screen != UI_S_ISSUING &&
	    !((u->screen == UI_S_TICKET || u->screen == UI_S_FULL) && u->print == UI_PRINT_PRINTING);
}

static int64_t
idle_at(const struct ui *u)
{
	int s = u->screen == UI_S_TICKET || (u->screen == UI_S_FULL && u->slip) ?
	    u->cfg.ticket_idle_s : u->cfg.idle_s;
	return u->last_input + (int64_t)s * 1000;
}

void
ui_tick(struct ui *u, int64_t now)
{
	u->now = now;
	if (u->scan_on && now - u->scan_last >= UI_SCAN_GAP_MS)
		scan_settle(u, now);
	if (u->screen == UI_S_WELCOME && now >= u->cycle_next) {
		size_t nl;
		i18n_langs(&nl);
		u->cycle = (u->cycle + 1) % (int)nl;
		u->cycle_next = now + u->cfg.cycle_ms;
		set_dirty(u);
	}
	if (u->screen == UI_S_PIN && u->pin_locked && now >= u->pin_locked) {
		u->pin_locked = 0;
		u->pin_wrong = 0;
		set_dirty(u);
	} else if (u->screen == UI_S_PIN && u->pin_locked > now) {
		set_dirty(u); /* the lock-out counts down */
	}
	if (!idle_applies(u)) {
		if (u->countdown_end) {
			u->countdown_end = 0;
			set_dirty(u);
		}
		return;
	}
	if (u->countdown_end) {
		if (now >= u->countdown_end) {
			log_info("ui: idle time-out: back to the welcome screen");
			reset(u);
		} else {
			set_dirty(u); /* the seconds count down */
		}
	} else if (now >= idle_at(u)) {
		u->countdown_end = idle_at(u) + (int64_t)u->cfg.countdown_s * 1000;
		if (u->countdown_end <= now)
			u->countdown_end = now + 1000;
		if (u->speech)
			u->speak_pending = 1;
		set_dirty(u);
	}
}

int64_t
ui_next_deadline(const struct ui *u)
{
	int64_t d = -1;

#define SOONER(t) do { int64_t t_ = (t); if (d < 0 || t_ < d) d = t_; } while (0)
	if (u->scan_on)
		SOONER(u->scan_last + UI_SCAN_GAP_MS);
	if (u->screen == UI_S_WELCOME)
		SOONER(u->cycle_next);
	if (u->screen == UI_S_PIN && u->pin_locked > 0) {
		int64_t left = u->pin_locked - u->now;
		SOONER(u->now + (left % 1000 ? left % 1000 : 1000));
	}
	if (idle_applies(u)) {
		if (u->countdown_end) {
			int64_t left = u->countdown_end - u->now;
			/* the next whole second of the display, then the end */
			SOONER(u->now + (left % 1000 ? left % 1000 : 1000));
		} else {
			SOONER(idle_at(u));
		}
	}
#undef SOONER
	return d;
}

int64_t
ui_tap_ready(const struct ui *u)
{
	return u->screen_at + UI_TAP_GUARD_MS;
}

/* ---- results ----------------------------------------------------------------- */

/* After the world changed: a rest screen follows it; a visitor stuck on an
 * error screen that went away goes back to the confirmation. */
static void
world_changed(struct ui *u)
{
	enum ui_screen r = rest_screen(u);

	if (is_rest(u->screen) && (!u->session || u->screen == UI_S_LOADING ||
	    u->screen == UI_S_WELCOME)) {
		if (u->screen != r) {
			flow_go(u, r);
			if (r == UI_S_WELCOME)
				u->cycle_next = u->now + u->cfg.cycle_ms;
		}
	} else if (u->session && (u->screen == UI_S_SERVER_DOWN || u->screen == UI_S_PRINTER ||
	    u->screen == UI_S_CLOSED)) {
		if (r != UI_S_WELCOME)
			flow_go(u, r); /* another fault now: say that one */
		else if (u->service_i >= 0 && u->service_i < svc_count(u))
			flow_go(u, svc_bound(u) && u->holder_len < HOLDER_MIN ? UI_S_HOLDER : UI_S_CONFIRM);
		else
			flow_go(u, UI_S_PROCEDURE);
	}
	set_dirty(u);
}

static int
menus_differ(const struct client_menu *a, const struct client_menu *b)
{
	int i, j;

	if (a == NULL || b == NULL)
		return a != b;
	if (strcmp(a->site.name, b->site.name) || a->site.open != b->site.open ||
	    strcmp(a->site.opens, b->site.opens) || strcmp(a->site.closes, b->site.closes) ||
	    a->nservices != b->nservices)
		return 1;
	for (i = 0; i < a->nservices; i++) {
		const struct client_service *x = &a->services[i], *y = &b->services[i];
		if (strcmp(x->code, y->code) || x->left_today != y->left_today || x->open != y->open ||
		    x->nnames != y->nnames || x->estimated_wait_s != y->estimated_wait_s)
			return 1;
		for (j = 0; j < x->nnames; j++)
			if (strcmp(x->names[j].lang, y->names[j].lang) ||
			    strcmp(x->names[j].text, y->names[j].text))
				return 1;
	}
	return 0;
}

void
ui_menu(struct ui *u, struct client_menu *m, int64_t now)
{
	int changed;

	u->now = now;
	changed = menus_differ(u->menu, m) || u->server_down;
	if (u->menu && m && u->service_i >= 0 && u->service_i < u->menu->nservices) {
		/* keep the chosen service by code if the list moved */
		const char *code = u->menu->services[u->service_i].code;
		int i;
		u->service_i = -1;
		for (i = 0; i < m->nservices; i++)
			if (!strcmp(m->services[i].code, code))
				u->service_i = i;
		if (u->service_i < 0 && u->screen != UI_S_TICKET && !is_rest(u->screen))
			reset(u);
	}
	client_menu_free(u->menu);
	u->menu = m;
	u->server_down = 0;
	u->server_reason[0] = '\0';
	if (changed)
		world_changed(u);
}

void
ui_server_down(struct ui *u, const char *reason, int64_t now)
{
	u->now = now;
	snprintf(u->server_reason, sizeof u->server_reason, "%s", reason ? reason : "");
	if (!u->server_down) {
		u->server_down = 1;
		world_changed(u);
	}
}

void
ui_printer(struct ui *u, enum escpos_state st, const char *reason, int64_t now)
{
	u->now = now;
	if (st == ESCPOS_UNKNOWN)
		st = ESCPOS_READY;
	if (st == u->printer && !strcmp(u->printer_reason, reason ? reason : ""))
		return;
	snprintf(u->printer_reason, sizeof u->printer_reason, "%s", reason ? reason : "");
	if (printer_bad(st) != printer_bad(u->printer)) {
		u->printer = st;
		world_changed(u);
	} else {
		u->printer = st;
		if (u->screen == UI_S_PRINTER || u->screen == UI_S_ADMIN)
			set_dirty(u);
	}
}

void
ui_issued(struct ui *u, const struct client_ticket *t, struct bitmap *slip, int64_t now)
{
	int att = !strcmp(t->kind, "attestation");

	u->now = now;
	if (u->screen != UI_S_ISSUING) {
		/* the visitor was sent away (admin, reset) meanwhile: the slip
		 * stays on the server, unprinted, and staff see it */
		log_warnx("ui: slip %s arrived after its screen was left", att ? t->serial : t->number);
		bitmap_free(slip);
		return;
	}
	sodium_memzero(&u->pending, sizeof u->pending);
	u->has_pending = 0;
	u->ticket = *t;
	bitmap_free(u->slip);
	u->slip = slip;
	u->print = UI_PRINT_PRINTING;
	u->last_input = now; /* the ticket screen's idle time starts now */
	if (att && u->menu && u->service_i >= 0 && u->service_i < u->menu->nservices)
		u->menu->services[u->service_i].left_today = 0;
	flow_go(u, att ? UI_S_FULL : UI_S_TICKET);
}

void
ui_issue_failed(struct ui *u, enum client_rc rc, const char *code, const char *reason,
    int64_t now)
{
	u->now = now;
	if (u->screen != UI_S_ISSUING)
		return;
	u->last_input = now;
	code = code ? code : "";
	if (rc == CLIENT_REFUSED && !strcmp(code, "bad_previous") && u->has_pending) {
		/* the scanned attestation is not valid here (forged, another site,
		 * unreadable after all): it must not stop the visitor. The same
		 * slip again, without it; the slip's screen says so calmly. */
		log_info("ui: the earlier attestation was refused (%s): issuing without it",
		    reason ? reason : "");
		sodium_memzero(u->previous, sizeof u->previous);
		sodium_memzero(u->pending.previous, sizeof u->pending.previous);
		u->prev_note = PREV_REFUSED;
		u->prev_note_on = UI_S_FULL;
		u->has_pending = 0;
		push_action(u, &u->pending);
		sodium_memzero(&u->pending, sizeof u->pending);
		return;
	}
	sodium_memzero(&u->pending, sizeof u->pending);
	u->has_pending = 0;
	switch (rc) {
	case CLIENT_CLOSED:
		if (u->menu)
			u->menu->site.open = 0;
		flow_go(u, UI_S_CLOSED);
		act(u, UI_ACT_REFRESH);
		break;
	case CLIENT_FULL:
		if (u->menu && u->service_i >= 0 && u->service_i < u->menu->nservices)
			u->menu->services[u->service_i].left_today = 0;
		flow_go(u, UI_S_FULL);
		act(u, UI_ACT_REFRESH);
		break;
	case CLIENT_UNREACHABLE:
		u->server_down = 1;
		snprintf(u->server_reason, sizeof u->server_reason, "%s", reason ? reason : "");
		flow_go(u, UI_S_SERVER_DOWN);
		break;
	default:
		snprintf(u->refuse_reason, sizeof u->refuse_reason, "%s", reason ? reason : "");
		if (!strcmp(code, "holder_required") || !strcmp(code, "bad_holder")) {
			/* type it again, told in the visitor's language (the server's
			 * reason goes to the log). holder_required: the menu was
			 * stale, the service now wants a number; none was typed */
			log_info("ui: document number refused by the server: %s", u->refuse_reason);
			u->holder_err = !strcmp(code, "bad_holder") ? 2 : 0;
			u->holder_mask[0] = '\0';
			if (u->menu && u->service_i >= 0 && u->service_i < u->menu->nservices)
				u->menu->services[u->service_i].bind_holder = 1;
			if (!u->holder_err)
				act(u, UI_ACT_REFRESH);
			flow_go(u, UI_S_HOLDER);
		} else {
			flow_go(u, UI_S_REFUSED);
		}
		break;
	}
}

void
ui_printed(struct ui *u, int ok, enum escpos_state st, const char *reason, int64_t now)
{
	u->now = now;
	if ((u->screen != UI_S_TICKET && u->screen != UI_S_FULL) || u->print != UI_PRINT_PRINTING)
		return;
	u->last_input = now;
	if (ok) {
		u->print = UI_PRINT_DONE;
	} else {
		u->print = UI_PRINT_FAILED;
		u->print_st = st;
		snprintf(u->print_reason, sizeof u->print_reason, "%s", reason ? reason : "");
		if (printer_bad(st))
			u->printer = st;
	}
	if (u->speech)
		u->speak_pending = 1;
	set_dirty(u);
}

const char *
ui_screen_name(enum ui_screen s)
{
	switch (s) {
	case UI_S_LOADING:     return "loading";
	case UI_S_WELCOME:     return "welcome";
	case UI_S_LANGUAGE:    return "language";
	case UI_S_PROCEDURE:   return "procedure";
	case UI_S_GUIDE:       return "guide";
	case UI_S_PRIORITY:    return "priority";
	case UI_S_HOLDER:      return "holder";
	case UI_S_CONFIRM:     return "confirm";
	case UI_S_ISSUING:     return "issuing";
	case UI_S_TICKET:      return "ticket";
	case UI_S_SERVER_DOWN: return "server-down";
	case UI_S_PRINTER:     return "printer";
	case UI_S_CLOSED:      return "closed";
	case UI_S_FULL:        return "full";
	case UI_S_REFUSED:     return "refused";
	case UI_S_PIN:         return "pin";
	case UI_S_ADMIN:       return "admin";
	}
	return "?";
}

struct ui *
ui_new(const struct ui_config *cfg, struct fonts *fonts, int w, int h, int64_t now)
{
	struct ui *u;

	expect(fonts != NULL);
	if (sodium_init() < 0)
		return NULL;
	if ((u = calloc(1, sizeof *u)) == NULL)
		return NULL;
	if (cfg)
		u->cfg = *cfg;
	if (u->cfg.dpi <= 0)
		u->cfg.dpi = 96;
	if (u->cfg.idle_s <= 0)
		u->cfg.idle_s = 60;
	if (u->cfg.ticket_idle_s <= 0)
		u->cfg.ticket_idle_s = 20;
	if (u->cfg.ticket_idle_s > u->cfg.idle_s)
		u->cfg.ticket_idle_s = u->cfg.idle_s; /* never longer than elsewhere */
	if (u->cfg.countdown_s <= 0)
		u->cfg.countdown_s = 20;
	if (u->cfg.cycle_ms <= 0)
		u->cfg.cycle_ms = 2500;
	u->fonts = fonts;
	u->w = imax(w, 320);
	u->h = imax(h, 240);
	u->now = now;
	u->printer = ESCPOS_READY;
	u->hc = 0;
	u->screen = UI_S_LOADING;
	reset(u);
	return u;
}

void
ui_free(struct ui *u)
{
	int i;

	if (u == NULL)
		return;
	for (i = 0; i < u->nacts; i++)
		free(u->acts[i].speech);
	bitmap_free(u->slip);
	client_menu_free(u->menu);
	free(u->say);
	sodium_memzero(u, sizeof *u);
	free(u);
}

int
ui_set_pin(struct ui *u, const char *pin)
{
	size_t n = pin ? strlen(pin) : 0, i;

	if (n < 4 || n > 12)
		return -1;
	for (i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return -1;
	randombytes_buf(u->pin_salt, sizeof u->pin_salt);
	crypto_generichash(u->pin_hash, sizeof u->pin_hash, (const uint8_t *)pin, n, u->pin_salt,
	    sizeof u->pin_salt);
	u->has_pin = 1;
	return 0;
}

void
ui_resize(struct ui *u, int w, int h, int dpi, int64_t now)
{
	u->now = now;
	u->w = imax(w, 320);
	u->h = imax(h, 240);
	if (dpi > 0)
		u->cfg.dpi = dpi;
	set_dirty(u);
}

void
ui_clock(struct ui *u, const char *hhmm)
{
	if (strcmp(u->clock, hhmm ? hhmm : "") != 0) {
		snprintf(u->clock, sizeof u->clock, "%s", hhmm ? hhmm : "");
		set_dirty(u);
	}
}

int
ui_dirty(const struct ui *u)
{
	return u->dirty || !u->laid_out;
}

const struct ui_frame *
ui_draw(struct ui *u, int64_t now)
{
	u->now = now;
	layout(u);
	u->dirty = 0;
	if (u->speak_pending && u->speech) {
		u->speak_pending = 0;
		if (u->say_len)
			speak_text(u, u->say);
	}
	return &u->frame;
}

int
ui_next_action(struct ui *u, struct ui_action *out)
{
	if (u->nacts == 0)
		return 0;
	*out = u->acts[0];
	memmove(&u->acts[0], &u->acts[1], (size_t)(u->nacts - 1) * sizeof u->acts[0]);
	u->nacts--;
	return 1;
}

enum ui_screen
ui_screen(const struct ui *u)
{
	return u->screen;
}

enum ui_print
ui_print_state(const struct ui *u)
{
	return u->print;
}

int
ui_idle_showing(const struct ui *u)
{
	return u->countdown_end != 0;
}

const char *
ui_lang(const struct ui *u)
{
	return kit_lang(u)->code;
}

const char *
ui_previous(const struct ui *u)
{
	return u->previous;
}

int
ui_state_is(const struct ui *u, const char *want)
{
	const char *name = ui_screen_name(u->screen);
	size_t n = strlen(name);

	if (!strcmp(want, "idle"))
		return u->countdown_end != 0;
	if (strncmp(want, name, n) != 0)
		return 0;
	if (want[n] == '\0')
		return 1;
	if (want[n] != ':' || (u->screen != UI_S_TICKET && u->screen != UI_S_FULL))
		return 0;
	want += n + 1;
	return (!strcmp(want, "printing") && u->print == UI_PRINT_PRINTING) ||
	    (!strcmp(want, "printed") && u->print == UI_PRINT_DONE) ||
	    (!strcmp(want, "failed") && u->print == UI_PRINT_FAILED);
}

int
ui_has_text(struct ui *u, const char *needle)
{
	int i;

	ensure_layout(u);
	for (i = 0; i < u->ncmds; i++)
		if (u->cmds[i].kind == UI_CMD_TEXT && u->cmds[i].text &&
		    strstr(u->cmds[i].text, needle))
			return 1;
	return 0;
}

const struct ui_target *
ui_find_target(struct ui *u, const char *name)
{
	int i;

	ensure_layout(u);
	for (i = 0; i < u->ntargets; i++)
		if (!strcmp(u->targets[i].name, name))
			return &u->targets[i];
	return NULL;
}
