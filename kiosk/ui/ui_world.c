/*
 * ui_world: the results of the platform's work, and the world they change:
 * the menu (and the chosen service kept by its code when the list moved),
 * the server reachable or not, the printer's state, a slip issued or
 * refused, a slip printed. A rest screen follows the world; a visitor on a
 * fault screen that went away goes back to where they were.
 *
 * Part of the pure ui core: it gets plain structs (client.h) and states
 * (escpos.h) from the platform, never does the work itself; no SDL, no
 * clock, no I/O.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "ui/screens.h"

/* After the world changed: a rest screen follows it; a visitor stuck on an
 * error screen that went away goes back to the confirmation. */
static void
world_changed(struct ui *u)
{
	enum ui_screen r = flow_rest(u);

	if (flow_is_rest(u->screen) && (!u->session || u->screen == UI_S_LOADING ||
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
		else if (u->redeem)
			redeem_again(u); /* the slip scanned: asked for now */
		else if (u->appt && u->conv_scan)
			appt_checkin(u); /* the convocation scanned: checked in now */
		else if (u->appt)
			flow_go(u, UI_S_APPT_CODE); /* the code typed is still there */
		else if (u->draw && svc_chosen(u))
			flow_go(u, UI_S_DRAW);      /* the draw's explanation, its button */
		else if (svc_chosen(u))
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
	if (a->nnotices != b->nnotices)
		return 1;
	for (i = 0; i < a->nnotices; i++) {
		const struct client_notice *x = &a->notices[i], *y = &b->notices[i];
		if (x->id != y->id || x->ntexts != y->ntexts)
			return 1;
		for (j = 0; j < x->ntexts; j++)
			if (strcmp(x->texts[j].lang, y->texts[j].lang) ||
			    strcmp(x->texts[j].text, y->texts[j].text))
				return 1;
	}
	for (i = 0; i < a->nservices; i++) {
		const struct client_service *x = &a->services[i], *y = &b->services[i];
		if (strcmp(x->code, y->code) || x->left_today != y->left_today || x->open != y->open ||
		    x->draw_id != y->draw_id || strcmp(x->draw_closes, y->draw_closes) ||
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
	if (m && svc_chosen(u)) {
		/* keep the chosen service by code if the list moved */
		const char *code = u->menu->services[u->service_i].code;
		int i;
		u->service_i = -1;
		for (i = 0; i < m->nservices; i++)
			if (!strcmp(m->services[i].code, code))
				u->service_i = i;
		if (u->service_i < 0 && u->screen != UI_S_TICKET && !flow_is_rest(u->screen))
			flow_reset(u);
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
	if (st != u->printer_seen && u->screen == UI_S_ADMIN)
		set_dirty(u);
	u->printer_seen = st;   /* staff see "no status" as it is */
	u->printer_polled = 1;
	if (st == ESCPOS_UNKNOWN)
		st = ESCPOS_READY;
	if (st == u->printer && !strcmp(u->printer_reason, reason ? reason : ""))
		return;
	snprintf(u->printer_reason, sizeof u->printer_reason, "%s", reason ? reason : "");
	if (flow_printer_bad(st) != flow_printer_bad(u->printer)) {
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
	int att = !strcmp(t->kind, "attestation"), entry = !strcmp(t->kind, "draw_entry");

	u->now = now;
	if (u->screen != UI_S_ISSUING) {
		/* the visitor was sent away (admin, reset) meanwhile: the slip
		 * stays on the server, unprinted, and staff see it */
		log_warnx("ui: slip %s arrived after its screen was left",
		    att ? t->serial : entry ? t->draw_entry : t->number);
		bitmap_free(slip);
		return;
	}
	sodium_memzero(&u->pending, sizeof u->pending);
	u->has_pending = 0;
	if (!att && !entry) { /* what the admin screen can reprint (not attestations, entries) */
		u->last_id = t->id;
		snprintf(u->last_number, sizeof u->last_number, "%s", t->number);
	}
	u->ticket = *t;
	bitmap_free(u->slip);
	u->slip = slip;
	u->print = UI_PRINT_PRINTING;
	u->last_input = now; /* the ticket screen's idle time starts now */
	if (att && svc_chosen(u))
		svc_chosen(u)->left_today = 0;
	if (u->redeem)
		redeem_lang(u, t->lang); /* the language the slip was enrolled in */
	flow_go(u, att ? (t->conv_id ? UI_S_CONVOCATION : UI_S_FULL) :
	    entry ? UI_S_ENROLLED : UI_S_TICKET);
}

/* The server refused the scanned attestation (forged, another site,
 * unreadable after all): it must not stop the visitor. The same slip again,
 * without it; the slip's screen says so calmly. */
static void
retry_without_previous(struct ui *u, const char *reason)
{
	log_info("ui: the earlier attestation was refused (%s): issuing without it",
	    reason ? reason : "");
	sodium_memzero(u->previous, sizeof u->previous);
	sodium_memzero(u->pending.previous, sizeof u->pending.previous);
	u->prev_note = PREV_REFUSED;
	u->prev_note_on = UI_S_FULL;
	u->has_pending = 0;
	act_push(u, &u->pending);
	sodium_memzero(&u->pending, sizeof u->pending);
}

/* The server refused for another reason: a document number to type again,
 * or the refused screen. */
static void
refused(struct ui *u, const char *code, const char *reason)
{
	snprintf(u->refuse_reason, sizeof u->refuse_reason, "%s", reason ? reason : "");
	if (u->redeem && !strcmp(code, "conflict")) {
		/* the draw is still open: come back after it (at its set end,
		 * when the answer or the menu names one) */
		int i;
		for (i = 0; !u->appt_when[0] && u->menu && i < u->menu->nservices; i++)
			if (u->menu->services[i].draw_id == u->redeem_draw &&
			    u->menu->services[i].draw_closes[0])
				snprintf(u->appt_when, sizeof u->appt_when, "%s",
				    u->menu->services[i].draw_closes);
		log_info("ui: an enrolment slip scanned before the draw (%s)", u->refuse_reason);
		flow_go(u, UI_S_DRAW_WAIT);
		return;
	}
	if (!strcmp(code, "holder_elsewhere")) {
		/* a ticket for this service at another site today (issue #11):
		 * said plainly, with that ticket's number (appt_when) */
		log_info("ui: refused: a ticket at another site (%s)", u->refuse_reason);
		snprintf(u->appt_refusal, sizeof u->appt_refusal, "%s", code);
		flow_go(u, UI_S_APPT_REFUSED);
		return;
	}
	if (u->appt && u->conv_scan && conv_scan_refused(u, code))
		return;
	if (u->appt && (!strcmp(code, "too_early") || !strcmp(code, "unknown_code") ||
	    !strcmp(code, "not_today") || !strcmp(code, "cancelled"))) {
		/* the appointment's own refusals, each in plain words */
		log_info("ui: check-in refused: %s (%s)", code, u->refuse_reason);
		snprintf(u->appt_refusal, sizeof u->appt_refusal, "%s", code);
		flow_go(u, UI_S_APPT_REFUSED);
		return;
	}
	if (u->appt && !strcmp(code, "holder_mismatch")) {
		/* not this appointment's holder: the number again, said so */
		log_info("ui: check-in refused: the document number is not the appointment's");
		u->holder_err = 3;
		u->holder_mask[0] = '\0';
		flow_go(u, UI_S_HOLDER);
		return;
	}
	if (u->draw && !strcmp(code, "conflict")) {
		/* the draw closed meanwhile: a ticket's visit after all */
		log_info("ui: the draw closed before the enrolment (%s)", u->refuse_reason);
		draw_gone(u);
		return;
	}
	if (strcmp(code, "holder_required") != 0 && strcmp(code, "bad_holder") != 0) {
		flow_go(u, UI_S_REFUSED);
		return;
	}
	/* type it again, told in the visitor's language (the server's reason
	 * goes to the log). holder_required: the menu was stale, the service
	 * now wants a number; none was typed */
	log_info("ui: document number refused by the server: %s", u->refuse_reason);
	u->holder_err = !strcmp(code, "bad_holder") ? 2 : 0;
	u->holder_mask[0] = '\0';
	if (svc_chosen(u))
		svc_chosen(u)->bind_holder = 1;
	if (!u->holder_err && !u->appt) /* an appointment's binding is not in the menu */
		act_kind(u, UI_ACT_REFRESH);
	flow_go(u, UI_S_HOLDER);
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
		retry_without_previous(u, reason);
		return;
	}
	sodium_memzero(&u->pending, sizeof u->pending);
	u->has_pending = 0;
	switch (rc) {
	case CLIENT_CLOSED:
		if (u->menu)
			u->menu->site.open = 0;
		flow_go(u, UI_S_CLOSED);
		act_kind(u, UI_ACT_REFRESH);
		break;
	case CLIENT_FULL:
		if (svc_chosen(u))
			svc_chosen(u)->left_today = 0;
		flow_go(u, UI_S_FULL);
		act_kind(u, UI_ACT_REFRESH);
		break;
	case CLIENT_UNCERTAIN:
		/* Never "no ticket": one may exist. The key lets the desk find it. */
		snprintf(u->request_key, sizeof u->request_key, "%s", code);
		snprintf(u->refuse_reason, sizeof u->refuse_reason, "%s", reason ? reason : "");
		flow_go(u, UI_S_UNCERTAIN);
		break;
	case CLIENT_UNREACHABLE:
		u->server_down = 1;
		snprintf(u->server_reason, sizeof u->server_reason, "%s", reason ? reason : "");
		flow_go(u, UI_S_SERVER_DOWN);
		break;
	case CLIENT_UNAVAILABLE:
		/* The server lost its database and is reconnecting (a standby
		 * taking over): nothing was kept; the visit goes on once the
		 * menu comes back, as after a server down. */
		if (code && !strcmp(code, "reconnecting")) {
			u->server_down = 1;
			snprintf(u->server_reason, sizeof u->server_reason, "%s", reason ? reason : "");
			flow_go(u, UI_S_SERVER_DOWN);
			break;
		}
		refused(u, code, reason);
		break;
	default:
		refused(u, code, reason);
		break;
	}
}

void
ui_checkin_failed(struct ui *u, enum client_rc rc, const char *code, const char *when,
    const char *reason, int64_t now)
{
	if (u->screen == UI_S_ISSUING)
		snprintf(u->appt_when, sizeof u->appt_when, "%s", when ? when : "");
	ui_issue_failed(u, rc, code, reason, now);
}

void
ui_printed(struct ui *u, int ok, enum escpos_state st, const char *reason, int64_t now)
{
	u->now = now;
	if ((u->screen != UI_S_TICKET && u->screen != UI_S_FULL && u->screen != UI_S_CONVOCATION &&
	    u->screen != UI_S_ENROLLED) ||
	    u->print != UI_PRINT_PRINTING)
		return;
	u->last_input = now;
	if (ok) {
		u->print = UI_PRINT_DONE;
	} else {
		u->print = UI_PRINT_FAILED;
		u->print_st = st;
		snprintf(u->print_reason, sizeof u->print_reason, "%s", reason ? reason : "");
		if (flow_printer_bad(st))
			u->printer = st;
	}
	if (u->speech)
		u->speak_pending = 1;
	set_dirty(u);
}
