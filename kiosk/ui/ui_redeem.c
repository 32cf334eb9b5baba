/*
 * ui_redeem: after the draw at opening, and convocations for a later day
 * (issue #13), the visit's steps.
 *
 * An enrolment slip ("D1*...", core/draw.h) scanned at the start of a
 * visit (the welcome screen, or any screen before the slip is asked for)
 * is that entry's redeem: one REDEEM action with the draw's and the
 * entry's ids read from the slip (the kiosk has no key: the server checks
 * the entry, 80 random bits nobody guesses). No language is asked: the
 * server knows the one the slip was enrolled in, and the answer's screens
 * speak it. The answer is the winner's ticket (the ticket screen, "drawn"),
 * a convocation for a later day (its own screen, ui_ticket.c), or an
 * attestation de passage (the full screen, "not drawn"); before the close
 * a screen that says to come back after the draw (ui_errors.c).
 *
 * A convocation's slip carries an attestation's QR code (it is also a
 * proof of visit). Scanned on the welcome screen it is first tried as that
 * convocation's check-in, by its token, once the language is chosen
 * (ui_scan.c, ui_appt.c); an attestation that is no convocation's stays
 * kept for the visit, as any scanned attestation.
 *
 * Part of the pure ui core: no SDL, no clock, no I/O; what the platform
 * must do goes out as an action.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "ui/screens.h"

void
redeem_forget(struct ui *u)
{
	u->redeem = 0;
	u->redeem_draw = 0;
	sodium_memzero(u->redeem_entry, sizeof u->redeem_entry);
}

void
redeem_scanned(struct ui *u, long long draw, const char *entry)
{
	struct ui_action a;

	/* a walk-in's or an appointment's choices so far are dropped: the
	 * visit is this slip's */
	appt_forget(u);
	u->service_i = -1;
	u->priority = 0;
	sodium_memzero(u->holder, sizeof u->holder);
	u->holder_len = 0;
	u->holder_mask[0] = '\0';
	u->prev_note = PREV_NONE;
	u->redeem = 1;
	u->redeem_draw = draw;
	snprintf(u->redeem_entry, sizeof u->redeem_entry, "%s", entry);
	if (flow_printer_bad(u->printer)) {
		/* no slip the printer cannot print: say so first */
		flow_go(u, UI_S_PRINTER);
		return;
	}
	memset(&a, 0, sizeof a);
	a.kind = UI_ACT_REDEEM;
	a.draw = draw;
	snprintf(a.entry, sizeof a.entry, "%s", entry);
	snprintf(a.lang, sizeof a.lang, "%s", kit_lang(u)->code);
	act_push(u, &a);
	flow_go(u, UI_S_ISSUING);
}

void
redeem_again(struct ui *u)
{
	char entry[sizeof u->redeem_entry];

	memcpy(entry, u->redeem_entry, sizeof entry);
	redeem_scanned(u, u->redeem_draw, entry);
	sodium_memzero(entry, sizeof entry);
}

void
redeem_lang(struct ui *u, const char *code)
{
	const struct lang *l = code && *code ? i18n_lang(code) : NULL;
	const struct lang *all;
	size_t n, i;

	if (l == NULL)
		return;
	all = i18n_langs(&n);
	for (i = 0; i < n; i++)
		if (&all[i] == l || !strcmp(all[i].code, l->code))
			u->lang_i = (int)i;
}

int
conv_scan_refused(struct ui *u, const char *code)
{
	if (!strcmp(code, "bad_token")) {
		/* forged or unreadable: forgotten, the visit goes on without it */
		log_info("ui: the scanned slip is no valid attestation (%s)", u->refuse_reason);
		sodium_memzero(u->previous, sizeof u->previous);
		appt_forget(u);
		u->prev_note = PREV_UNREADABLE;
	} else if (!strcmp(code, "not_convocation") || !strcmp(code, "bad_request")) {
		/* an attestation de passage, no convocation's (or a server that
		 * does not check convocations in by their slip): kept for the
		 * visit, as any scanned attestation; the server checks it with
		 * the issue */
		log_info("ui: the scanned attestation is no convocation's: kept for the visit");
		appt_forget(u);
		u->prev_note = PREV_READ;
	} else {
		return 0;
	}
	u->prev_note_on = UI_S_PROCEDURE;
	flow_go(u, UI_S_PROCEDURE);
	return 1;
}
