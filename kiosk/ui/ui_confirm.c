/*
 * ui_confirm: the end of the choices: the confirmation (the service, the
 * holder's mask, priority, and for a full service what will be printed
 * instead with the offer to scan an earlier attestation), the wait while
 * the server issues, and the banner that says, on the screen where it was
 * scanned, whether an earlier attestation was read.
 *
 * Part of the pure ui core: lays out with the kit (kit.h), reads the state,
 * writes only the frame; must not change the visitor's state.
 */
#include "ui/screens.h"

#define MSG_PREV_ASK  "Avez-vous une attestation de passage d'une visite précédente ?"
#define MSG_PREV_HOW  "Présentez le code QR de votre attestation devant le lecteur."
#define MSG_WITHOUT   "Continuer sans attestation"

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
void
scr_banner(struct ui *u)
{
	struct metrics *m = &u->m;
	int ok = u->prev_note == PREV_READ, ps, tw, th, h;
	const char *lang, *s;
	struct rect b;

	if (!banner_applies(u))
		return;
	s = kit_tr(u, ok ? MSG_PREV_OK : MSG_PREV_BAD, &lang);
	ps = imax((int)(8 * m->mm), kit_lineh(u, m->fs));
	tw = m->body.w - ps - 3 * m->gap;
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

/* The chosen service's card from y, shown but not a target (the choice
 * is changed with Back); returns the y below it. */
static int
chosen_card(struct ui *u, int y)
{
	struct metrics *m = &u->m;
	int h = svc_card_h(u, u->service_i, m->body.w, 0), i;

	svc_card(u, mkrect(m->body.x, y, m->body.w, h), u->service_i, 0, 0);
	u->ntargets--;
	for (i = 0; i < u->ncmds; i++)
		if (u->cmds[i].target == u->ntargets)
			u->cmds[i].target = -1;
	return y + h + m->gap;
}

/* The "priority" chip from y; returns the y below it. */
static int
priority_chip(struct ui *u, int y)
{
	struct metrics *m = &u->m;
	const char *lang, *s = kit_tr(u, "Prioritaire", &lang);
	int w = kit_mwidth(u, s, lang, m->fb, TEXT_BOLD) + 2 * m->pad + (int)(8 * m->mm);
	int ph = imax(kit_lineh(u, m->fb) + m->gap, kit_deco(u, 9));

	kit_fill(u, mkrect(m->body.x, y, w, ph), C_TINT, ph / 2);
	kit_picto(u, P_PRIORITY, mkrect(m->body.x + m->gap, y + m->gap / 2, ph - m->gap,
	    ph - m->gap), C_ON_TINT, C_TINT);
	kit_textbox(u, mkrect(m->body.x + ph, y, w - ph - m->gap, ph), s, lang, m->fb, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_ON_TINT);
	kit_say(u, lang, s);
	return y + ph + m->gap;
}

/* A full service: what will be printed instead, and the earlier
 * attestation's panel, from y; returns the y below them. */
static int
full_notice(struct ui *u, int y)
{
	struct metrics *m = &u->m;
	const char *lang, *s = kit_tr(u, MSG_FULL, &lang);

	y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
	    C_TEXT);
	kit_say(u, lang, s);
	s = kit_tr(u, MSG_ATT_PRINTED, &lang);
	if (u->squeeze < 2) /* a very small screen: the full screen says it again */
		y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT,
		    C_TEXT);
	y += m->gap;
	kit_say(u, lang, s);
	return prev_panel(u, y);
}

/* Check the choice, then get the ticket (or, for a full service, the
 * attestation de passage). */
void
scr_confirm(struct ui *u)
{
	struct metrics *m = &u->m;
	int y = kit_title(u, "Vérifiez votre choix", m->body.y), bottom = kit_bottom(u);
	int bh = imax(imax(m->tgt * 3 / 2, (int)(28 * m->mm)), kit_lineh(u, m->ft) + 2 * m->pad);
	const char *lang, *s;

	if (svc_chosen(u))
		y = chosen_card(u, y);
	if (u->holder_mask[0]) {
		const char *hl, *hs = kit_tr(u, "Titulaire", &hl);
		y += kit_para(u, m->body.x, y, m->body.w, kit_fmt(u, "%s : %s", hs, u->holder_mask),
		    hl, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT) + m->gap;
	}
	if (u->priority)
		y = priority_chip(u, y);
	if (u->draw_closed) {
		/* the draw this visit meant to enrol in closed meanwhile */
		s = kit_tr(u, "Les inscriptions au tirage au sort sont closes. Vous pouvez prendre "
		    "un ticket.", &lang);
		y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_ACCENT) + m->gap;
		kit_say(u, lang, s);
	}
	if (svc_chosen_full(u)) {
		y = full_notice(u, y);
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
	kit_nav(u, kit_nav_back_cancel, 2);
}

/* Waiting for the server: no target at all, so no tap can ask twice. */
void
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
