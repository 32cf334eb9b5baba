/*
 * ui_appt: an appointment's check-in at the kiosk (issue #12). The visitor
 * touches "J'ai un rendez-vous" on the welcome screen (or scans the QR
 * code of their confirmation), chooses their language as any visitor
 * does, then types the check-in code on a keypad, or scans it there. The
 * kiosk asks once (UI_ACT_CHECKIN); the answer is a ticket (the ticket
 * screen, with the appointment's time), the document keypad for a bound
 * appointment, or a refusal said in plain words (ui_errors.c).
 *
 * The code keypad leaves out O and I: core/appt.h reads O as 0 and I as 1
 * everywhere, so the keypad shows only what can differ. A physical
 * keyboard (or a scanner, which is one) types by its characters: on a
 * French AZERTY keyboard the key that shows 'A' types 'A' whatever place
 * a US layout gives it, and the unshifted top row ("&é\"'(") types no
 * digit. Key positions are never read here.
 *
 * Part of the pure ui core: lays out with the kit (kit.h) and keypad_draw
 * (ui_holder.c), checks the code with core/appt.h; no SDL, no clock, no
 * I/O; what the platform must do goes out as an action.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/holder.h"
#include "core/log.h"
#include "ui/screens.h"

/* Digits first, as on the document keypad; no O, no I. */
static const char appt_chars[] = "1234567890ABCDEFGHJKLMNPQRSTUVWXYZ";

void
appt_hhmm(const char *rfc3339, char out[6])
{
	out[0] = '\0';
	if (rfc3339 && strlen(rfc3339) >= 16 && rfc3339[10] == 'T' && rfc3339[13] == ':' &&
	    rfc3339[11] >= '0' && rfc3339[11] <= '2' && rfc3339[14] >= '0' && rfc3339[14] <= '5')
		snprintf(out, 6, "%.5s", rfc3339 + 11);
}

void
appt_forget(struct ui *u)
{
	u->appt = 0;
	sodium_memzero(u->appt_code, sizeof u->appt_code);
	u->appt_len = 0;
	u->appt_err = 0;
	u->appt_go = 0;
	u->conv_scan = 0;
	u->appt_refusal[0] = u->appt_when[0] = '\0';
}

/* The title, then why the code is asked or what is wrong with it; the y
 * below them. */
static int
intro(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *lang, *s;
	int y = m->body.y;

	s = kit_tr(u, "Tapez le code de votre rendez-vous", &lang);
	kit_say(u, lang, s);
	if (!(u->appt_err && u->squeeze >= 2)) /* squeezed: the error replaces the title */
		y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fb * 5 / 4, TEXT_BOLD,
		    TEXT_ALIGN_LEFT, C_ACCENT);
	if (u->appt_err) {
		s = kit_tr(u, "Ce code est trop court. Vérifiez-le sur votre confirmation.", &lang);
		y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fs, TEXT_BOLD,
		    TEXT_ALIGN_LEFT, C_DANGER);
	} else {
		s = kit_tr(u, "Il figure sur votre confirmation. Vous pouvez aussi présenter son "
		    "code QR devant le lecteur.", &lang);
		if (u->squeeze < 2) /* a very small screen keeps the keys */
			y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->fs, 0,
			    TEXT_ALIGN_LEFT, C_TEXT_SOFT);
	}
	kit_say(u, lang, s);
	return y + m->gap / 2;
}

void
scr_appt_code(struct ui *u)
{
	keypad_draw(u, intro(u), appt_chars, u->appt_code);
}

/* The code as it will be sent: what was typed, normalised by the one rule. */
static int
code_ok(const struct ui *u, char out[APPT_CODE_MAX + 1])
{
	char e[120];

	if (appt_code_normalise(u->appt_code, out, e, sizeof e) != 0) {
		log_info("ui: check-in code refused: %s", e);
		return 0;
	}
	return 1;
}

void
appt_key(struct ui *u, int id, int arg)
{
	char norm[APPT_CODE_MAX + 1];

	if (id == UI_T_CHAR || id == UI_T_CHAR_DEL) {
		u->appt_err = 0;
		if (arg == 'O')
			arg = '0'; /* what the code rule reads: the field shows it so */
		else if (arg == 'I')
			arg = '1';
		if (id == UI_T_CHAR_DEL && u->appt_len > 0) {
			u->appt_code[--u->appt_len] = '\0';
		} else if (id == UI_T_CHAR && u->appt_len < APPT_CODE_MAX &&
		    ((arg >= 'A' && arg <= 'Z') || (arg >= '0' && arg <= '9'))) {
			u->appt_code[u->appt_len++] = (char)arg;
			u->appt_code[u->appt_len] = '\0';
		}
	} else if (!code_ok(u, norm)) {
		u->appt_err = 1;
	} else {
		appt_checkin(u);
		return;
	}
	set_dirty(u);
}

void
appt_typed(struct ui *u, const char *text, int64_t now)
{
	const char *p;

	flow_activity(u, now);
	u->kbd = 1;
	if (u->countdown_end) {
		u->countdown_end = 0; /* someone is there; what they typed counts too */
		set_dirty(u);
	}
	for (p = text; *p; p++) {
		char c = *p;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		/* letters and digits by what they are; separators, accented
		 * letters and an AZERTY top row's symbols are not in any code */
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			appt_key(u, UI_T_CHAR, c);
	}
}

void
appt_after_lang(struct ui *u)
{
	if (u->appt_go && (u->appt_len >= APPT_CODE_MIN || (u->conv_scan && u->previous[0])))
		appt_checkin(u);
	else
		flow_go(u, UI_S_APPT_CODE);
}

void
appt_checkin(struct ui *u)
{
	struct ui_action a;
	char norm[APPT_CODE_MAX + 1];

	norm[0] = '\0';
	if (!u->appt || (!(u->conv_scan && u->previous[0]) && !code_ok(u, norm))) {
		u->appt_go = 0;
		flow_go(u, UI_S_APPT_CODE);
		return;
	}
	if (flow_printer_bad(u->printer)) {
		/* no ticket the printer cannot print: say so first */
		flow_go(u, UI_S_PRINTER);
		return;
	}
	memset(&a, 0, sizeof a);
	a.kind = UI_ACT_CHECKIN;
	snprintf(a.code, sizeof a.code, "%s", norm);
	if (u->conv_scan) /* a convocation's slip: its token, not a code */
		snprintf(a.previous, sizeof a.previous, "%s", u->previous);
	snprintf(a.lang, sizeof a.lang, "%s", kit_lang(u)->code);
	if (u->holder_len >= HOLDER_MIN) /* asked for by the server: a bound appointment */
		snprintf(a.holder, sizeof a.holder, "%s", u->holder);
	act_push(u, &a);
	sodium_memzero(&a, sizeof a);
	/* the number went to the platform: keep only its mask */
	sodium_memzero(u->holder, sizeof u->holder);
	u->holder_len = 0;
	u->appt_go = 0;
	u->appt_refusal[0] = u->appt_when[0] = '\0';
	flow_go(u, UI_S_ISSUING);
}

int
appt_scanned(struct ui *u, const char *text)
{
	char norm[APPT_CODE_MAX + 1], e[120];
	enum ui_screen s = u->screen;

	if (appt_code_normalise(text, norm, e, sizeof e) != 0)
		return 0;
	log_info("ui: an appointment's code was scanned on screen %s", ui_screen_name(s));
	appt_forget(u);
	u->appt = 1;
	u->appt_go = 1;
	snprintf(u->appt_code, sizeof u->appt_code, "%s", norm);
	u->appt_len = (int)strlen(norm);
	/* a walk-in's choices so far are dropped: the visit is this check-in */
	u->service_i = -1;
	u->priority = 0;
	sodium_memzero(u->holder, sizeof u->holder);
	u->holder_len = 0;
	u->holder_mask[0] = '\0';
	if (s == UI_S_WELCOME) {
		flow_start(u);           /* the language first, as for a touch */
	} else if (s == UI_S_LANGUAGE) {
		u->lang_back = UI_S_WELCOME; /* the language chosen, the check-in follows */
		flow_renew(u, 1);
	} else {
		appt_checkin(u);         /* the language is chosen already */
	}
	return 1;
}
