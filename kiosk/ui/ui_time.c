/*
 * ui_time: time passing. The idle countdown (when it starts, its dialog
 * over the screen, forgetting the visitor at its end), the welcome
 * screen's languages cycling, the PIN keypad's lock-out counting down, a
 * scanner's burst settling after a pause, and the next deadline of all
 * these for the platform's wait. The tap guard after a screen change too.
 *
 * Part of the pure ui core: the clock is the caller's (`now`, monotonic
 * milliseconds); no SDL, no I/O.
 */
#include "core/log.h"
#include "ui/screens.h"

/* The idle countdown, over whatever screen is below. */
void
scr_idle(struct ui *u)
{
	struct metrics *m = &u->m;
	int secs = (int)((u->countdown_end - u->now + 999) / 1000);
	const char *l1, *l2, *l3;
	const char *t1 = kit_tr(u, "Êtes-vous toujours là ?", &l1);
	const char *t2 = kit_fmt_tr(u, kit_tr(u, "Retour à l'accueil dans %d secondes", &l2),
	    imax(secs, 0));
	const char *t3 = kit_tr(u, "Plus de temps", &l3);
	int w = imin(u->w - 2 * m->pad, (int)(150 * m->mm)), h, y, iw;
	struct rect d;

	/* the veil hides the screen below (nothing to read there any more) and
	 * takes every tap: the whole window is the "more time" target */
	u->ntargets = 0;
	kit_fillc(u, mkrect(0, 0, u->w, u->h), kit_colour(u, C_SHADE), 0);
	iw = w - 2 * m->pad;
	h = 2 * m->pad + kit_para_h(u, iw, t1, l1, m->ft, TEXT_BOLD) + m->gap +
	    kit_para_h(u, iw, t2, l2, m->fb, 0) + m->pad +
	    imax(m->tgt, kit_lineh(u, m->ft) + m->gap);
	h = imin(h, u->h - 2 * m->pad);
	d = mkrect((u->w - w) / 2, (u->h - h) / 2, w, h);
	kit_target(u, mkrect(0, 0, u->w, u->h), UI_T_MORE, 0, 0, "veil", NULL, NULL);
	kit_fill(u, d, C_SURFACE, m->radius * 2);
	kit_stroke(u, d, C_BORDER, m->radius * 2, m->border);
	y = d.y + m->pad;
	y += kit_para(u, d.x + m->pad, y, iw, t1, l1, m->ft, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT) +
	    m->gap;
	y += kit_para(u, d.x + m->pad, y, iw, t2, l2, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT) + m->pad;
	kit_button(u, mkrect(d.x + m->pad, y, iw, d.y + d.h - m->pad - y), B_PRIMARY, P_CLOCK, t3,
	    l3, m->ft, UI_T_MORE, 0, 1, "more");
	/* speech: only the dialog */
	buf_clear(&u->say);
	kit_say(u, l1, t1);
	kit_say(u, l2, t2);
	kit_say(u, l3, t3);
}

/* The idle time runs: a visit, not while a slip is asked for or printed. */
static int
idle_applies(const struct ui *u)
{
	return u->session && u->screen != UI_S_ISSUING &&
	    !((u->screen == UI_S_TICKET || u->screen == UI_S_FULL ||
	    u->screen == UI_S_CONVOCATION || u->screen == UI_S_ENROLLED) &&
	    u->print == UI_PRINT_PRINTING);
}

/* When the countdown starts (shorter on the slip's screen). */
static int64_t
idle_at(const struct ui *u)
{
	int s = u->screen == UI_S_TICKET || u->screen == UI_S_CONVOCATION ||
	    u->screen == UI_S_ENROLLED ||
	    (u->screen == UI_S_FULL && u->slip) ?
	    u->cfg.ticket_idle_s : u->cfg.idle_s;
	return u->last_input + (int64_t)s * 1000;
}

void
ui_tick(struct ui *u, int64_t now)
{
	u->now = now;
	if (u->scan_on && now - u->scan_last >= UI_SCAN_GAP_MS)
		scan_settle(u, now);
	if (u->screen == UI_S_WELCOME && now >= u->cycle_next) {
		size_t nl;
		i18n_langs(&nl);
		u->cycle = (u->cycle + 1) % (int)nl;
		u->cycle_next = now + u->cfg.cycle_ms;
		set_dirty(u);
	}
	if (u->screen == UI_S_PIN && u->pin_locked && now >= u->pin_locked) {
		u->pin_locked = 0;
		u->pin_wrong = 0;
		set_dirty(u);
	} else if (u->screen == UI_S_PIN && u->pin_locked > now) {
		set_dirty(u); /* the lock-out counts down */
	}
	if (!idle_applies(u)) {
		if (u->countdown_end) {
			u->countdown_end = 0;
			set_dirty(u);
		}
		return;
	}
	if (u->countdown_end) {
		if (now >= u->countdown_end) {
			log_info("ui: idle time-out: back to the welcome screen");
			flow_reset(u);
		} else {
			set_dirty(u); /* the seconds count down */
		}
	} else if (now >= idle_at(u)) {
		u->countdown_end = idle_at(u) + (int64_t)u->cfg.countdown_s * 1000;
		if (u->countdown_end <= now)
			u->countdown_end = now + 1000;
		if (u->speech)
			u->speak_pending = 1;
		set_dirty(u);
	}
}

/* The next change of a seconds display counting down to end: the next
 * whole second, then the end. */
static int64_t
next_second(int64_t now, int64_t end)
{
	int64_t left = end - now;

	return now + (left % 1000 ? left % 1000 : 1000);
}

int64_t
ui_next_deadline(const struct ui *u)
{
	int64_t d = -1;

#define SOONER(t) do { int64_t t_ = (t); if (d < 0 || t_ < d) d = t_; } while (0)
	if (u->scan_on)
		SOONER(u->scan_last + UI_SCAN_GAP_MS);
	if (u->screen == UI_S_WELCOME)
		SOONER(u->cycle_next);
	if (u->screen == UI_S_PIN && u->pin_locked > 0)
		SOONER(next_second(u->now, u->pin_locked));
	if (idle_applies(u))
		SOONER(u->countdown_end ? next_second(u->now, u->countdown_end) : idle_at(u));
#undef SOONER
	return d;
}

int64_t
ui_tap_ready(const struct ui *u)
{
	return u->screen_at + UI_TAP_GUARD_MS;
}
