/*
 * ui_frame: building a frame. The metrics are picked for the window
 * (kit_metrics()); the background, the header, the scanned attestation's
 * banner, the current screen, the bottom bar, the idle dialog and the
 * keyboard focus ring are laid out, in that order, into u's command and
 * target lists. A screen whose content does not fit is laid out again with
 * smaller text and pictograms (never smaller targets).
 *
 * Part of the pure ui core: no SDL, no clock, no I/O; it reads the state
 * and writes only the frame (and the focus, when its target went away).
 */
#include <string.h>

#include "core/log.h"
#include "ui/screens.h"

int
frame_focus(const struct ui *u)
{
	int i;

	if (!u->focus[0])
		return -1;
	for (i = 0; i < u->ntargets; i++)
		if (!strcmp(u->targets[i].name, u->focus))
			return i;
	return -1;
}

/* The current screen's own layout. */
static void
screen(struct ui *u)
{
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
	case UI_S_UNCERTAIN:   scr_uncertain(u); break;
	case UI_S_PIN:         scr_pin(u); break;
	case UI_S_ADMIN:       scr_admin(u); break;
	case UI_S_APPT_CODE:   scr_appt_code(u); break;
	case UI_S_APPT_REFUSED: scr_appt_refused(u); break;
	case UI_S_CONVOCATION: scr_convocation(u); break;
	case UI_S_DRAW_WAIT:   scr_draw_wait(u); break;
	case UI_S_DRAW:        scr_draw(u); break;
	case UI_S_ENROLLED:    scr_enrolled(u); break;
	}
}

/* The focus ring, last so nothing covers it; the focus is forgotten when
 * its target is not on this frame. */
static void
focus_ring(struct ui *u)
{
	int fi = frame_focus(u), o = imax(3, u->m.border + 2);
	struct ui_cmd *c;

	if (fi < 0) {
		u->focus[0] = '\0';
		return;
	}
	if ((c = kit_cmd(u, UI_CMD_FOCUS)) == NULL)
		return;
	c->r = u->targets[fi].r;
	c->r.x -= o, c->r.y -= o, c->r.w += 2 * o, c->r.h += 2 * o;
	c->c = kit_colour(u, C_FOCUS);
	c->radius = u->m.radius + o;
	c->line = imax(3, u->m.border * 2);
	c->target = fi;
}

/* One layout at the current squeeze. */
static void
layout_once(struct ui *u)
{
	const struct lang *l = kit_lang(u);
	int staff = u->screen == UI_S_PIN || u->screen == UI_S_ADMIN;

	u->overfull = 0;
	u->nnavq = 0;
	u->nav_xs = 0;
	u->nav_xe = u->w;
	u->ncmds = 0;
	u->ntargets = 0;
	u->arena_used = 0;
	u->overflow = 0;
	buf_clear(&u->say);
	u->hc = u->contrast;
	u->rtl = l->rtl && !staff && u->screen != UI_S_WELCOME;
	kit_metrics(u);
	kit_fill(u, mkrect(0, 0, u->w, u->h), C_BG, 0);
	kit_header(u);
	scr_banner(u);
	screen(u);
	if (u->screen != UI_S_ISSUING && !staff)
		kit_bar(u, 1);
	else if (u->nnavq)
		kit_bar(u, 0); /* a very small screen: the staff screens' buttons */
	if (u->countdown_end)
		scr_idle(u);
	focus_ring(u);
	u->frame.cmds = u->cmds;
	u->frame.ncmds = u->ncmds;
	u->frame.targets = u->targets;
	u->frame.ntargets = u->ntargets;
	u->frame.bg = kit_colour(u, C_BG);
	u->frame.w = u->w;
	u->frame.h = u->h;
	u->laid_out = 1;
	if (u->overflow)
		log_warnx("ui: frame of screen %s overflowed its buffers",
		    ui_screen_name(u->screen));
}

void
frame_layout(struct ui *u)
{
	for (u->squeeze = 0; u->squeeze < 3; u->squeeze++) {
		layout_once(u);
		if (!u->overfull)
			break;
	}
	if (u->squeeze == 3) {
		u->squeeze = 2;
		log_debug("ui: screen %s does not fit %dx%d even squeezed",
		    ui_screen_name(u->screen), u->w, u->h);
	}
}

void
frame_ensure(struct ui *u)
{
	if (!u->laid_out)
		frame_layout(u);
}
