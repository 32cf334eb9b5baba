/*
 * ui_draw: a draw at opening (issue #13, docs/DRAW.md) at the kiosk. When
 * the menu names an open draw for the chosen service, its places are not
 * given in order of arrival: the visitor is told so in plain words (the
 * places are drawn at the window's end among everyone enrolled; coming
 * early gives no advantage; come back after the draw and scan the slip),
 * answers the priority question and, for a service bound to its holder,
 * types the document number, as for a ticket; then the kiosk enrols once
 * (UI_ACT_ENROL) and prints the enrolment slip, whose entry the enrolled
 * screen shows (ui_ticket.c). A draw that closed meanwhile (the server's
 * 409) turns the visit back into a ticket's, said so on the confirmation.
 *
 * Part of the pure ui core: lays out with the kit (kit.h); no SDL, no
 * clock, no I/O; what the platform must do goes out as an action.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/holder.h"
#include "core/log.h"
#include "ui/screens.h"

int64_t
draw_of_chosen(const struct ui *u)
{
	const struct client_service *s = svc_chosen(u);

	return s ? s->draw_id : 0;
}

/* The explanation: the title, the service, how the places are given, that
 * coming early gives nothing, and what to do after; the button that enrols. */
void
scr_draw(struct ui *u)
{
	struct metrics *m = &u->m;
	const struct client_service *sv = svc_chosen(u);
	const char *closes = sv ? sv->draw_closes : "", *lang, *s;
	int y = kit_title(u, MSG_DRAW_TITLE, m->body.y), ps = kit_deco(u, 16), bottom = kit_bottom(u);
	int tx = m->body.x + (ps ? ps + m->pad : 0), tw = m->body.w - (ps ? ps + m->pad : 0), ty;
	int bh = imax(m->tgt, imin((int)(22 * m->mm), kit_lineh(u, m->ft) + 2 * m->pad));

	if (ps)
		kit_picto(u, P_CLOCK, mkrect(m->body.x, y, ps, ps), C_ACCENT, C_BG);
	ty = y;
	if (sv) {
		s = svc_name(u, sv, &lang);
		ty += kit_para(u, tx, ty, tw, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT) +
		    m->gap / 2;
		kit_say(u, lang, s);
	}
	if (closes[0])
		s = kit_fmt_tr(u, kit_tr(u, MSG_DRAW_HOW_AT, &lang), closes);
	else
		s = kit_tr(u, MSG_DRAW_HOW, &lang);
	ty += kit_para(u, tx, ty, tw, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT) + m->gap / 2;
	kit_say(u, lang, s);
	s = kit_tr(u, MSG_DRAW_FAIR, &lang);
	ty += kit_para(u, tx, ty, tw, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT) +
	    m->gap / 2;
	kit_say(u, lang, s);
	s = kit_tr(u, MSG_DRAW_SLIP, &lang);
	if (u->squeeze < 2) /* the enrolled screen and the slip say it again */
		ty += kit_para(u, tx, ty, tw, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	kit_say(u, lang, s);
	if (closes[0])
		s = kit_fmt_tr(u, kit_tr(u, MSG_DRAW_BACK_AT, &lang), closes);
	else
		s = kit_tr(u, MSG_DRAW_BACK, &lang);
	ty += kit_para(u, tx, ty, tw, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	kit_say(u, lang, s);
	y = imax(y + ps, ty) + (u->squeeze ? m->gap : m->pad);
	bh = imax(m->tgt, imin(bh, bottom - y));
	kit_need(u, y + bh, bottom);
	s = kit_tr(u, "M'inscrire au tirage au sort", &lang);
	kit_button(u, mkrect(m->body.x, y, m->body.w, bh), B_PRIMARY, P_CHECK, s, lang, m->ft,
	    UI_T_ENROL, 0, 1, "enrol");
	kit_say(u, lang, kit_fmt(u, "1. %s", s));
	kit_nav(u, kit_nav_back_cancel, 2);
}

void
draw_enrol(struct ui *u)
{
	struct ui_action a;
	int64_t draw = draw_of_chosen(u);

	if (!u->draw || !svc_chosen(u))
		return;
	if (draw == 0) {
		/* the menu says the draw has closed since it was chosen */
		draw_gone(u);
		return;
	}
	if (!flow_request(u, UI_ACT_ENROL, &a))
		return;
	a.draw = draw;
	act_push(u, &a);
	sodium_memzero(&a, sizeof a);
	/* the number went to the platform: keep only its mask */
	sodium_memzero(u->holder, sizeof u->holder);
	u->holder_len = 0;
	flow_go(u, UI_S_ISSUING);
}

void
draw_gone(struct ui *u)
{
	struct client_service *s = svc_chosen(u);

	log_info("ui: the draw of service %s is closed: a ticket instead", s ? s->code : "?");
	if (s) {
		s->draw_id = 0;
		s->draw_closes[0] = '\0';
	}
	u->draw = 0;
	u->draw_closed = 1;
	act_kind(u, UI_ACT_REFRESH);
	flow_go(u, svc_bound(u) && u->holder_len < HOLDER_MIN ? UI_S_HOLDER : UI_S_CONFIRM);
}
