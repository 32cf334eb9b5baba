/*
 * ui: the kiosk's screens as data (see ui.h): the ui's life cycle, the
 * queue of actions for the platform, drawing a frame, and what scripts and
 * tests ask. Pure core: text.h measures, i18n.h translates, libsodium
 * hashes the PIN; no SDL, no clock (every input carries `now`), no I/O.
 *
 * The other files of ui/ (internal headers state.h, kit.h, screens.h):
 *   ui_frame.c                     a frame: metrics, the screen, the bar,
 *                                  the idle dialog, the focus ring
 *   ui_kit.c ui_style.c ui_picto.c ui_widgets.c   the widget kit
 *   ui_welcome.c ui_procedure.c ui_guide.c ui_holder.c ui_confirm.c
 *   ui_ticket.c ui_errors.c ui_admin.c ui_appt.c   the screens
 *   ui_service.c                   the menu's services as the screens see them
 *   ui_flow.c                      the visit: which screen follows which
 *   ui_input.c ui_scan.c           taps and keys; the keyboard-wedge scanner
 *   ui_time.c                      the idle countdown and the other timers
 *   ui_world.c                     the platform's results: menu, server,
 *                                  printer, issued slips
 *   ui_paint.c                     the painter: a frame to pixels
 *
 * The visitor's session (language, choices, ticket, accessibility modes)
 * lives in a few fields that flow_reset() clears in one place; the world
 * (menu, server and printer state) survives it.
 *
 * Strings: every applicant-facing string is a msgid of assets/po; the two
 * staff screens (admin PIN, admin) are French only, on purpose.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "ui/screens.h"

/* ---- actions for the platform ----------------------------------------------- */

void
act_push(struct ui *u, const struct ui_action *a)
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
			if (u->acts[i].kind != UI_ACT_ISSUE && u->acts[i].kind != UI_ACT_QUIT &&
			    u->acts[i].kind != UI_ACT_CHECKIN && u->acts[i].kind != UI_ACT_REDEEM &&
			    u->acts[i].kind != UI_ACT_ENROL &&
			    u->acts[i].kind != UI_ACT_TEST_PRINT && u->acts[i].kind != UI_ACT_REPRINT)
				break;
		expect(i < u->nacts);
		free(u->acts[i].speech);
		memmove(&u->acts[i], &u->acts[i + 1], (size_t)(u->nacts - i - 1) * sizeof *a);
		u->nacts--;
	}
	u->acts[u->nacts++] = *a;
}

void
act_kind(struct ui *u, enum ui_act_kind k)
{
	struct ui_action a;

	memset(&a, 0, sizeof a);
	a.kind = k;
	act_push(u, &a);
}

/* Speak these lines ("LANG\tTEXT\n"...). */
void
act_speak(struct ui *u, const char *lines)
{
	struct ui_action a;

	memset(&a, 0, sizeof a);
	a.kind = UI_ACT_SPEAK;
	if ((a.speech = strdup(lines)) == NULL)
		return;
	act_push(u, &a);
}

/* ---- the interface --------------------------------------------------------------- */

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
	case UI_S_UNCERTAIN:   return "uncertain";
	case UI_S_PIN:         return "pin";
	case UI_S_ADMIN:       return "admin";
	case UI_S_APPT_CODE:   return "appt-code";
	case UI_S_APPT_REFUSED: return "appt-refused";
	case UI_S_CONVOCATION: return "convocation";
	case UI_S_DRAW_WAIT:   return "draw-wait";
	case UI_S_DRAW:        return "draw";
	case UI_S_ENROLLED:    return "enrolled";
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
	u->screen = UI_S_LOADING;
	flow_reset(u);
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
	buf_free(&u->say);
	sodium_memzero(u, sizeof *u);
	free(u);
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
	frame_layout(u);
	u->dirty = 0;
	if (u->speak_pending && u->speech) {
		u->speak_pending = 0;
		if (u->say.len)
			act_speak(u, u->say.p);
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
	if (u->screen == UI_S_ADMIN)
		return !strcmp(want + n, ":ready") && !u->admin_busy;
	if (want[n] != ':' || (u->screen != UI_S_TICKET && u->screen != UI_S_FULL &&
	    u->screen != UI_S_CONVOCATION && u->screen != UI_S_ENROLLED))
		return 0;
	want += n + 1;
	return (!strcmp(want, "printing") && u->print == UI_PRINT_PRINTING) ||
	    (!strcmp(want, "printed") && u->print == UI_PRINT_DONE) ||
	    (!strcmp(want, "failed") && u->print == UI_PRINT_FAILED);
}

const char *
ui_site_name(const struct ui *u)
{
	return u->menu && u->menu->site.name[0] ? u->menu->site.name : NULL;
}

int
ui_has_text(struct ui *u, const char *needle)
{
	int i;

	frame_ensure(u);
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

	frame_ensure(u);
	for (i = 0; i < u->ntargets; i++)
		if (!strcmp(u->targets[i].name, name))
			return &u->targets[i];
	return NULL;
}
