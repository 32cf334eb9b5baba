/*
 * ui_scan: a keyboard-wedge QR scanner told from a person's typing.
 *
 * A QR scanner on USB is a keyboard: it types the payload, then Enter,
 * each character a few milliseconds after the last. A person's keys rarely
 * come two under 50 ms apart, and never five in a row. So a press that
 * types 'K' (every payload starts "K1*", and 'K' is at the same place on
 * every layout) is held, with the presses that follow it closely, until
 * the burst either proves a machine's (SCAN_PREFIX characters) or stops
 * short (a person's: replayed through ui_key()). Held presses never act as
 * keys: a payload's digits must not pick choice 1 on the screen below.
 *
 * An earlier attestation de passage scanned during a visit is kept for it
 * (u->previous, sent with the issue). An appointment's confirmation (issue
 * #12) carries a check-in code of any letters and digits, so on the
 * screens before a choice is typed (welcome to confirmation, not the
 * document keypad, where a person types fast) a burst may start with any
 * letter or digit; a code scanned there becomes that appointment's
 * check-in (ui_appt.c). On the code keypad itself nothing is held: every
 * character typed goes into the field, and Enter validates, whoever typed
 * it. An enrolment slip of a draw ("D1*", issue #13) scanned there
 * becomes its redeem (ui_redeem.c); a convocation's slip (an attestation)
 * scanned on the welcome screen is first tried as that convocation's
 * check-in. Anything else is dropped with a calm note. Part of the pure ui
 * core: sign.h decodes the slip, appt.h reads a code; no SDL, no clock
 * (every press carries `now`), no I/O.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/draw.h"
#include "core/log.h"
#include "core/sign.h"
#include "ui/screens.h"

int
scan_screen(enum ui_screen s)
{
	return s == UI_S_WELCOME || s == UI_S_LANGUAGE || s == UI_S_PROCEDURE || s == UI_S_GUIDE ||
	    s == UI_S_PRIORITY || s == UI_S_HOLDER || s == UI_S_CONFIRM;
}

/* Forget the burst (and what it typed). */
void
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

/* An enrolment slip's draw and entry ("D1*...", core/draw.h), as typed,
 * or through one of the layout mix-ups sign.h repairs (a US scanner on a
 * French PC types "D&8..."): 0, or -1 when it is none. */
static int
enrol_parse(const char *text, long long *draw, char entry[DRAW_ENTRY_LEN + 1])
{
	char up[UI_SCAN_MAX * 2 + 1], fixed[UI_SCAN_MAX * 2 + 1];
	size_t i;
	int k, rc;

	if (draw_token_parse(text, draw, entry) == 0)
		return 0;
	if (toupper((unsigned char)text[0]) != 'D')
		return -1;
	for (i = 0; text[i] && i + 1 < sizeof up; i++)
		up[i] = (char)(isascii((unsigned char)text[i]) ? toupper((unsigned char)text[i]) : text[i]);
	up[i] = '\0';
	for (k = 0; (rc = slip_unmix(k, up, fixed, sizeof fixed)) != 1; k++)
		if (rc == 0 && draw_token_parse(fixed, draw, entry) == 0)
			return 0;
	return -1;
}

/* Tell the visitor about a scan on this screen (a banner, or the panel of
 * the confirmation), and read it out when speech is on. */
static void
scan_note(struct ui *u, enum prev_note note)
{
	u->prev_note = note;
	u->prev_note_on = u->screen;
	flow_renew(u, 1); /* the screen below moved: the tap guard again */
}

/* A machine's burst ended (complete: ended by Enter). */
static void
scan_done(struct ui *u, int complete, int64_t now)
{
	struct slip sl;
	char err[200] = "", entry[DRAW_ENTRY_LEN + 1];
	long long draw = 0;
	int ok = 0, enrol;

	memset(&sl, 0, sizeof sl);
	enrol = complete && !u->scan_over && enrol_parse(u->scan_buf, &draw, entry) == 0;
	if (enrol) {
		log_info("ui: an enrolment slip was scanned (draw %lld)", draw);
	} else if (complete && !u->scan_over && scan_prefix_ok(u->scan_buf)) {
		if (slip_decode(u->scan_buf, &sl, err, sizeof err) == 0)
			ok = sl.kind == SLIP_ATTESTATION;
		if (!ok && !err[0])
			snprintf(err, sizeof err, "not an attestation");
		log_info("ui: a scanned attestation %s%s", ok ? "was read" : "could not be read: ",
		    ok ? "" : err);
	} else {
		log_info("ui: a scan that is not an attestation was ignored (%d characters%s)",
		    u->scan_n, complete ? "" : ", no Enter");
	}
	if (!scan_screen(u->screen)) {
		/* the slip is asked for already (issuing, the ticket), a fault
		 * screen, the staff's: not the moment */
		if (ok || enrol)
			log_info("ui: %s scanned on screen %s was ignored",
			    ok ? "an attestation" : "an enrolment slip", ui_screen_name(u->screen));
		scan_clear(u);
		return;
	}
	flow_activity(u, now);
	if (u->countdown_end) {
		u->countdown_end = 0; /* someone is there */
		set_dirty(u);
	}
	if (enrol) {
		scan_clear(u); /* the visit is that slip's redeem */
		redeem_scanned(u, draw, entry);
		return;
	}
	if (!ok && complete && !u->scan_over && u->screen != UI_S_HOLDER &&
	    appt_scanned(u, u->scan_buf)) {
		scan_clear(u); /* an appointment's code: its check-in, no note */
		return;
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
			/* maybe a convocation's slip: its check-in is tried first,
			 * once the language is chosen; if the attestation is no
			 * convocation's, it stays for the visit */
			appt_forget(u);
			u->appt = 1;
			u->appt_go = 1;
			u->conv_scan = 1;
			flow_start(u); /* a scan starts a visit, as a touch does */
			scan_clear(u); /* what it was is said once the server answered */
			return;
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
void
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

/* A press that may start a scanner's burst: 'K' (every slip's payload)
 * anywhere a scan is taken; any letter or digit (an appointment's code)
 * where nobody types letters: not on the document keypad. */
static int
burst_start(const struct ui *u, const char *text)
{
	unsigned char c = (unsigned char)text[0];

	if (c == 'K' || c == 'k')
		return 1;
	return scan_screen(u->screen) && u->screen != UI_S_HOLDER && text[1] == '\0' &&
	    ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
}

void
ui_keypress(struct ui *u, enum ui_key k, const char *text, int64_t now)
{
	size_t n = text ? strlen(text) : 0;

	if (u->scan_on && now - u->scan_last >= UI_SCAN_GAP_MS)
		scan_settle(u, now);
	if (u->screen == UI_S_APPT_CODE) {
		/* the code keypad: characters by what they are (any layout),
		 * keys that type nothing (Enter, Backspace, arrows) as keys */
		if (u->scan_on)
			scan_settle(u, now);
		if (n > 0)
			appt_typed(u, text, now);
		else if (k != UI_KEY_NONE)
			ui_key(u, k, now);
		return;
	}
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
	if (n > 0 && burst_start(u, text)) {
		scan_clear(u);
		u->scan_on = 1;
		scan_add(u, k, text, n, now);
		return;
	}
	if (k != UI_KEY_NONE)
		ui_key(u, k, now);
}
