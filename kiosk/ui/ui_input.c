/*
 * ui_input: a person's taps and keys. A tap finds its target (after the
 * tap guard, the idle dialog and the hidden admin corner); a key is a
 * number (the choice with that badge, or a keypad's digit), a letter (the
 * document and code keypads), Enter, Back, an arrow (spatial focus, read aloud) or a
 * mode (speech, large text, contrast). What a target does is ui_flow.c's;
 * a keyboard-wedge scanner's bursts are told from typing in ui_scan.c,
 * which hands a person's presses back to ui_key().
 *
 * Part of the pure ui core: no SDL (touch.c turns SDL events into these
 * calls), no clock (every input carries `now`), no I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/screens.h"

/* Read the focused target aloud (speech on). */
static void
speak_focus(struct ui *u)
{
	int fi = frame_focus(u);
	char buf[600];

	if (!u->speech || fi < 0 || u->targets[fi].say == NULL)
		return;
	snprintf(buf, sizeof buf, "%s\t%s\n", u->targets[fi].say_lang, u->targets[fi].say);
	act_speak(u, buf);
}

void
ui_tap(struct ui *u, int x, int y, int64_t now)
{
	int i;

	scan_settle(u, now); /* keys held before the tap come first */
	frame_ensure(u);
	u->kbd = 0;
	if (u->countdown_end) {
		/* any tap while the countdown shows means "I am here" */
		flow_activity(u, now);
		u->countdown_end = 0;
		set_dirty(u);
		return;
	}
	if (admin_corner_tap(u, x, y, now)) {
		flow_activity(u, now);
		return;
	}
	if (now < ui_tap_ready(u))
		return; /* second half of a double tap, on a screen just shown */
	for (i = u->ntargets - 1; i >= 0; i--) {
		const struct rect *r = &u->targets[i].r;
		if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h) {
			struct ui_target t = u->targets[i];
			flow_activity(u, now);
			u->focus[0] = '\0';
			flow_activate(u, &t);
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

/* Activate a target that is not on the screen (a key's meaning). */
static void
press(struct ui *u, int id, int arg)
{
	struct ui_target t;

	memset(&t, 0, sizeof t);
	t.id = id;
	t.arg = arg;
	flow_activate(u, &t);
}

/* The focus to target i, shown and read aloud. */
static void
focus_on(struct ui *u, int i)
{
	snprintf(u->focus, sizeof u->focus, "%s", u->targets[i].name);
	set_dirty(u);
	frame_layout(u);
	speak_focus(u);
}

/* Keys that mean the same on every screen; 0 when k is not one of them. */
static int
mode_key(struct ui *u, enum ui_key k)
{
	switch (k) {
	case UI_KEY_LISTEN:
		/* the physical key always (re)starts speech: it never turns it off */
		u->speech = 1;
		u->speak_pending = 1;
		set_dirty(u);
		return 1;
	case UI_KEY_LARGE:
		press(u, UI_T_LARGE, 0);
		return 1;
	case UI_KEY_CONTRAST:
		press(u, UI_T_CONTRAST, 0);
		return 1;
	case UI_KEY_BACK:
		if ((u->screen == UI_S_HOLDER && u->holder_len > 0) ||
		    (u->screen == UI_S_APPT_CODE && u->appt_len > 0))
			press(u, UI_T_CHAR_DEL, 0);
		else if (u->screen == UI_S_PIN)
			press(u, UI_T_PIN_DEL, 0);
		else
			flow_back(u);
		return 1;
	default:
		return 0;
	}
}

/* A digit or a letter: typed on the keypads, else a digit picks the
 * choice with that number. */
static void
char_key(struct ui *u, enum ui_key k)
{
	int d = k - UI_KEY_DIGIT0, i;

	if (u->screen == UI_S_HOLDER || u->screen == UI_S_APPT_CODE) {
		press(u, UI_T_CHAR,
		    k <= UI_KEY_DIGIT9 ? '0' + d : 'A' + (int)(k - UI_KEY_LETTER_A));
		return;
	}
	if (k >= UI_KEY_LETTER_A)
		return; /* letters are for the document keypad only */
	if (u->screen == UI_S_PIN) {
		press(u, UI_T_PIN_DIGIT, d);
		return;
	}
	for (i = 0; d > 0 && i < u->ntargets; i++) {
		if (u->targets[i].key == d) {
			struct ui_target t = u->targets[i];
			u->focus[0] = '\0';
			flow_activate(u, &t);
			return;
		}
	}
}

/* Enter: validates a keypad, activates the focus, or shows the focus on
 * the first target. */
static void
enter_key(struct ui *u)
{
	int fi = frame_focus(u);

	if (fi < 0 && (u->screen == UI_S_HOLDER || u->screen == UI_S_APPT_CODE ||
	    u->screen == UI_S_PIN)) {
		press(u, u->screen == UI_S_PIN ? UI_T_PIN_OK : UI_T_CHAR_OK, 0);
	} else if (fi >= 0) {
		struct ui_target t = u->targets[fi];
		flow_activate(u, &t);
	} else if (u->ntargets > 0) {
		focus_on(u, 0);
	}
}

void
ui_key(struct ui *u, enum ui_key k, int64_t now)
{
	int fi, i;

	frame_ensure(u);
	flow_activity(u, now);
	u->kbd = 1;
	if (u->countdown_end) {
		u->countdown_end = 0;
		set_dirty(u);
		return;
	}
	if (mode_key(u, k))
		return;
	if (u->screen == UI_S_WELCOME) {
		press(u, UI_T_START, 0); /* any key starts, as a tap anywhere does */
		return;
	}
	if ((k >= UI_KEY_DIGIT0 && k <= UI_KEY_DIGIT9) || (k >= UI_KEY_LETTER_A &&
	    k <= UI_KEY_LETTER_Z)) {
		char_key(u, k);
		return;
	}
	if (k == UI_KEY_ENTER) {
		enter_key(u);
		return;
	}
	/* arrows (and keys that mean nothing): the focus moves */
	if (u->ntargets == 0)
		return;
	fi = frame_focus(u);
	if (fi < 0)
		i = 0;
	else if ((i = nearest(u, fi, k)) < 0)
		return;
	focus_on(u, i);
}
