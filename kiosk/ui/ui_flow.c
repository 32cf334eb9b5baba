/*
 * ui_flow: the visit as a state machine: which screen follows which. It
 * owns the screen changes (flow_go), forgetting the visitor (flow_reset,
 * the one place that clears the session; the world survives it), the rest
 * screen the world calls for, Back, and what each target does when it is
 * activated (the PIN keypad's and the document keypad's keys are handled in
 * ui_admin.c and ui_holder.c).
 *
 * Part of the pure ui core: no SDL, no clock (every input carries `now`),
 * no I/O; what the platform must do goes out as actions (act_push()). It
 * draws nothing.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/holder.h"
#include "ui/screens.h"

/* A screen nobody is using the kiosk on. */
int
flow_is_rest(enum ui_screen s)
{
	return s == UI_S_LOADING || s == UI_S_WELCOME || s == UI_S_SERVER_DOWN ||
	    s == UI_S_CLOSED || s == UI_S_PRINTER;
}

/* A printer state no slip can be printed in. */
int
flow_printer_bad(enum escpos_state st)
{
	return st == ESCPOS_PAPER_OUT || st == ESCPOS_COVER_OPEN || st == ESCPOS_OFFLINE ||
	    st == ESCPOS_ERROR;
}

/* The screen to show when nobody is using the kiosk. */
enum ui_screen
flow_rest(const struct ui *u)
{
	if (u->server_down)
		return UI_S_SERVER_DOWN;
	if (u->menu == NULL)
		return UI_S_LOADING;
	if (!u->menu->site.open)
		return UI_S_CLOSED;
	if (flow_printer_bad(u->printer))
		return UI_S_PRINTER;
	return UI_S_WELCOME;
}

/* Show screen s: its first page, no focus, read aloud when speech is on;
 * the tap guard starts again. */
void
flow_go(struct ui *u, enum ui_screen s)
{
	if (u->screen == s) {
		set_dirty(u);
		return;
	}
	u->screen = s;
	u->page = 0;
	flow_renew(u, 1);
}

/* The screen shows something new without changing (a guide's next
 * question, a scan's note): the tap guard starts again, the focus goes,
 * and (speak) it is read aloud again when speech is on. */
void
flow_renew(struct ui *u, int speak)
{
	u->screen_at = u->now;
	u->focus[0] = '\0';
	if (speak && u->speech)
		u->speak_pending = 1;
	set_dirty(u);
}

/* Forget the visitor: back to the rest screen with default settings. */
void
flow_reset(struct ui *u)
{
	if (u->speech)
		act_kind(u, UI_ACT_HUSH);
	bitmap_free(u->slip);
	u->slip = NULL;
	sodium_memzero(&u->ticket, sizeof u->ticket);
	u->print = UI_PRINT_NONE;
	u->print_reason[0] = u->refuse_reason[0] = '\0';
	sodium_memzero(u->previous, sizeof u->previous);
	sodium_memzero(&u->pending, sizeof u->pending);
	u->has_pending = 0;
	u->prev_note = PREV_NONE;
	scan_clear(u);
	u->lang_i = 0;
	u->service_i = -1;
	u->priority = 0;
	sodium_memzero(u->holder, sizeof u->holder);
	u->holder_len = 0;
	u->holder_err = 0;
	u->holder_mask[0] = '\0';
	appt_forget(u);
	redeem_forget(u);
	u->draw = u->draw_closed = 0;
	guide_clear(u);
	u->large = u->contrast = u->speech = 0;
	u->session = 0;
	u->kbd = 0;
	u->countdown_end = 0;
	u->speak_pending = 0;
	admin_clear(u);
	u->screen = (enum ui_screen)-1;
	flow_go(u, flow_rest(u));
	u->cycle = 0;
	u->cycle_next = u->now + u->cfg.cycle_ms;
}

/* A visit starts (a touch or a key on the welcome screen, a scanned
 * attestation): the language screen. */
void
flow_start(struct ui *u)
{
	u->lang_back = UI_S_WELCOME;
	flow_go(u, UI_S_LANGUAGE);
	act_kind(u, UI_ACT_REFRESH); /* fresh counts for the procedure screen */
}

/* Someone is there: the idle time starts again, and a session begins. */
void
flow_activity(struct ui *u, int64_t now)
{
	u->now = now;
	u->last_input = now;
	if (!u->session) {
		u->session = 1;
		set_dirty(u);
	}
}

/* Service si was chosen: a draw's explanation (its places are drawn), the
 * priority question, or (a full service) on to the document number or the
 * confirmation. */
static void
choose_service(struct ui *u, int si)
{
	if (si < 0 || si >= svc_count(u))
		return;
	u->service_i = si;
	u->draw = u->draw_closed = 0;
	if (draw_of_chosen(u)) {
		u->draw = 1;
		flow_go(u, UI_S_DRAW);
	} else if (svc_full(&u->menu->services[si])) {
		/* no ticket left: the server prints an attestation de passage
		 * instead, so the visit still ends with a slip; no priority question */
		u->priority = 0;
		flow_go(u, svc_bound(u) ? UI_S_HOLDER : UI_S_CONFIRM);
	} else {
		flow_go(u, UI_S_PRIORITY);
	}
}

/* Back to the previous screen of the visit. */
void
flow_back(struct ui *u)
{
	switch (u->screen) {
	case UI_S_LANGUAGE:
		flow_go(u, u->lang_back == UI_S_LANGUAGE ? flow_rest(u) : u->lang_back);
		if (flow_is_rest(u->screen))
			u->lang_back = UI_S_WELCOME;
		break;
	case UI_S_PROCEDURE: u->lang_back = UI_S_PROCEDURE; flow_go(u, UI_S_LANGUAGE); break;
	case UI_S_GUIDE:
		if (!guide_back(u))
			flow_go(u, UI_S_PROCEDURE);
		break;
	case UI_S_PRIORITY:  flow_go(u, u->draw ? UI_S_DRAW : UI_S_PROCEDURE); break;
	case UI_S_DRAW:      u->draw = 0; flow_go(u, UI_S_PROCEDURE); break;
	case UI_S_HOLDER:
		flow_go(u, u->appt ? UI_S_APPT_CODE : u->draw ? UI_S_PRIORITY :
		    svc_chosen_full(u) ? UI_S_PROCEDURE : UI_S_PRIORITY);
		break;
	case UI_S_APPT_CODE:     u->lang_back = UI_S_APPT_CODE; flow_go(u, UI_S_LANGUAGE); break;
	case UI_S_APPT_REFUSED:  flow_go(u, UI_S_APPT_CODE); break; /* to correct the code */
	case UI_S_CONFIRM:
		flow_go(u, svc_bound(u) ? UI_S_HOLDER : svc_chosen_full(u) ? UI_S_PROCEDURE : UI_S_PRIORITY);
		break;
	case UI_S_FULL:      flow_go(u, UI_S_PROCEDURE); break;
	default: break;
	}
}

/* A language was chosen (arg: index in i18n_langs()). */
static void
choose_lang(struct ui *u, int arg)
{
	size_t nl;

	i18n_langs(&nl);
	if (arg >= 0 && (size_t)arg < nl)
		u->lang_i = arg;
	if ((u->lang_back == UI_S_WELCOME || u->lang_back == UI_S_LANGUAGE) && u->appt)
		appt_after_lang(u);
	else if (u->lang_back == UI_S_WELCOME || u->lang_back == UI_S_LANGUAGE)
		flow_go(u, UI_S_PROCEDURE);
	else
		flow_go(u, u->lang_back);
	u->lang_back = UI_S_WELCOME;
}

int
flow_request(struct ui *u, enum ui_act_kind kind, struct ui_action *a)
{
	if (!svc_chosen(u))
		return 0;
	if (flow_printer_bad(u->printer)) {
		/* no slip the printer cannot print: say so first */
		flow_go(u, UI_S_PRINTER);
		return 0;
	}
	if (svc_bound(u) && u->holder_len < HOLDER_MIN) {
		flow_go(u, UI_S_HOLDER);
		return 0;
	}
	memset(a, 0, sizeof *a);
	a->kind = kind;
	snprintf(a->service, sizeof a->service, "%s", svc_chosen(u)->code);
	snprintf(a->lang, sizeof a->lang, "%s", kit_lang(u)->code);
	a->priority = u->priority;
	if (svc_bound(u))
		snprintf(a->holder, sizeof a->holder, "%s", u->holder);
	return 1;
}

/* "Obtenir mon ticket": one ISSUE action, then the issuing screen, which
 * has no target (so a second tap asks nothing). */
static void
confirm(struct ui *u)
{
	struct ui_action a;

	if (u->screen != UI_S_CONFIRM || !flow_request(u, UI_ACT_ISSUE, &a))
		return;
	snprintf(a.previous, sizeof a.previous, "%s", u->previous);
	act_push(u, &a);
	/* with an earlier attestation, the request is kept until its answer:
	 * if the server refuses that attestation, the same slip is asked for
	 * again without it (holder included) */
	sodium_memzero(&u->pending, sizeof u->pending);
	u->has_pending = a.previous[0] != '\0';
	if (u->has_pending)
		u->pending = a;
	sodium_memzero(&a, sizeof a);
	/* the number went to the platform: keep only its mask */
	sodium_memzero(u->holder, sizeof u->holder);
	u->holder_len = 0;
	flow_go(u, UI_S_ISSUING);
}

/* The accessibility bar's buttons. */
static void
bar_button(struct ui *u, int id)
{
	switch (id) {
	case UI_T_LARGE:
		u->large = !u->large;
		break;
	case UI_T_CONTRAST:
		u->contrast = !u->contrast;
		break;
	case UI_T_LISTEN:
		if (u->speech) {
			u->speech = 0;
			act_kind(u, UI_ACT_HUSH);
		} else {
			u->speech = 1;
			u->speak_pending = 1;
		}
		break;
	case UI_T_LANGUAGE:
		if (u->screen != UI_S_LANGUAGE) {
			u->lang_back = u->screen == UI_S_WELCOME ? UI_S_WELCOME : u->screen;
			flow_go(u, UI_S_LANGUAGE);
		}
		return;
	}
	set_dirty(u);
}

/* A target was activated: a tap, its number key, or Enter on the focus. */
void
flow_activate(struct ui *u, const struct ui_target *t)
{
	switch ((enum ui_tid)t->id) {
	case UI_T_START:    appt_forget(u); flow_start(u); break;
	case UI_T_APPT:     appt_forget(u); u->appt = 1; flow_start(u); break;
	case UI_T_LANG:     choose_lang(u, t->arg); break;
	case UI_T_SERVICE:  choose_service(u, t->arg); break;
	case UI_T_DONTKNOW: guide_start(u); break;
	case UI_T_YES:
	case UI_T_NO:
		if (u->screen == UI_S_GUIDE) {
			guide_answer(u, t->id == UI_T_YES);
		} else if (u->screen == UI_S_PRIORITY) {
			u->priority = t->id == UI_T_YES;
			if (u->draw && !svc_bound(u))
				draw_enrol(u); /* nothing more to choose */
			else
				flow_go(u, svc_bound(u) ? UI_S_HOLDER : UI_S_CONFIRM);
		}
		break;
	case UI_T_CONTINUE: choose_service(u, svc_of_kind(u, u->gkind)); break;
	case UI_T_CONFIRM:  confirm(u); break;
	case UI_T_ENROL:
		if (u->screen == UI_S_DRAW)
			flow_go(u, UI_S_PRIORITY);
		break;
	case UI_T_BACK:     flow_back(u); break;
	case UI_T_CANCEL:
		if (u->screen == UI_S_PIN) {
			admin_clear(u);
			flow_go(u, flow_rest(u));
			u->session = 0;
		} else {
			flow_reset(u);
		}
		break;
	case UI_T_DONE:
		flow_reset(u);
		break;
	case UI_T_ADMIN_RESUME:
		u->admin_note[0] = '\0';
		flow_reset(u);
		break;
	case UI_T_ADMIN_TEST:
	case UI_T_ADMIN_REPRINT:
	case UI_T_ADMIN_ROLL:
		admin_button(u, t->id);
		break;
	case UI_T_MORE:
		break; /* the tap itself extended the time */
	case UI_T_PREV:
	case UI_T_NEXT:
		if (t->id == UI_T_NEXT)
			u->page++;
		else if (u->page > 0)
			u->page--;
		u->screen_at = u->now;
		set_dirty(u);
		break;
	case UI_T_LARGE:
	case UI_T_CONTRAST:
	case UI_T_LISTEN:
	case UI_T_LANGUAGE:
		bar_button(u, t->id);
		break;
	case UI_T_PIN_DIGIT:
	case UI_T_PIN_DEL:
	case UI_T_PIN_OK:
		admin_key(u, t->id, t->arg);
		break;
	case UI_T_CHAR:
	case UI_T_CHAR_DEL:
	case UI_T_CHAR_OK:
		if (u->screen == UI_S_APPT_CODE)
			appt_key(u, t->id, t->arg);
		else
			holder_key(u, t->id, t->arg);
		break;
	case UI_T_ADMIN_QUIT:
		act_kind(u, UI_ACT_QUIT);
		break;
	}
}
