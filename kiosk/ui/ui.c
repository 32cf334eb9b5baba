/*
 * ui: the kiosk's screens as data (see ui.h). Pure core: text.h for
 * measuring, i18n.h for strings, libsodium for the PIN hash; no SDL, no
 * clock, no I/O.
 *
 * How a frame is made: ui_draw() picks the metrics for the window (sizes in
 * millimetres at the configured dpi, clamped to what the screen can hold),
 * lays out the current screen in left-to-right coordinates, and every
 * emitted command goes through kit_mirror() so that a right-to-left language
 * gets the mirror image. Text is measured through a small cache (shaping a
 * paragraph costs a fraction of a millisecond; a screen measures about a
 * hundred), so laying out a screen costs a few milliseconds at most.
 *
 * Small screens: a screen whose content does not fit (kit_need() notes it) is
 * laid out again with smaller text and pictograms, twice at most; targets
 * never shrink below 15 mm. Under 100 mm of height (a 5" 800x480 panel at
 * 160 dpi) there is no header and the navigation buttons join the
 * accessibility bar. Long lists and the document keypad are paged.
 *
 * The visitor's session (language, choices, ticket, accessibility modes)
 * lives in a few fields that reset() clears in one place; the world (menu,
 * server and printer state) survives it.
 *
 * Strings: every applicant-facing string is a msgid of assets/po; the two
 * staff screens (admin PIN, admin) are French only, on purpose.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/holder.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sign.h"
#include "ui/screens.h"

#define CORNER_MS    3000   /* ...within this many milliseconds */
#define PIN_TRIES    3      /* wrong PINs before a lock-out */
#define PIN_LOCK_MS  60000  /* lock-out length */


static void
push_action(struct ui *u, const struct ui_action *a)
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
			if (u->acts[i].kind != UI_ACT_ISSUE && u->acts[i].kind != UI_ACT_QUIT)
				break;
		expect(i < u->nacts);
		free(u->acts[i].speech);
		memmove(&u->acts[i], &u->acts[i + 1], (size_t)(u->nacts - i - 1) * sizeof *a);
		u->nacts--;
	}
	u->acts[u->nacts++] = *a;
}

static void
act(struct ui *u, enum ui_act_kind k)
{
	struct ui_action a;

	memset(&a, 0, sizeof a);
	a.kind = k;
	push_action(u, &a);
}

static int
is_rest(enum ui_screen s)
{
	return s == UI_S_LOADING || s == UI_S_WELCOME || s == UI_S_SERVER_DOWN ||
	    s == UI_S_CLOSED || s == UI_S_PRINTER;
}

static int
printer_bad(enum escpos_state st)
{
	return st == ESCPOS_PAPER_OUT || st == ESCPOS_COVER_OPEN || st == ESCPOS_OFFLINE ||
	    st == ESCPOS_ERROR;
}

/* The screen to show when nobody is using the kiosk. */
static enum ui_screen
rest_screen(const struct ui *u)
{
	if (u->server_down)
		return UI_S_SERVER_DOWN;
	if (u->menu == NULL)
		return UI_S_LOADING;
	if (!u->menu->site.open)
		return UI_S_CLOSED;
	if (printer_bad(u->printer))
		return UI_S_PRINTER;
	return UI_S_WELCOME;
}

void
flow_go(struct ui *u, enum ui_screen s)
{
	if (u->screen != s) {
		u->screen = s;
		u->screen_at = u->now;
		u->page = 0;
		u->focus[0] = '\0';
		if (u->speech)
			u->speak_pending = 1;
	}
	set_dirty(u);
}

/* Forget the visitor: back to the rest screen with default settings. */
static void
reset(struct ui *u)
{
	if (u->speech)
		act(u, UI_ACT_HUSH);
	bitmap_free(u->slip);
	u->slip = NULL;
	sodium_memzero(&u->ticket, sizeof u->ticket);
	u->print = UI_PRINT_NONE;
	u->print_reason[0] = u->refuse_reason[0] = '\0';
	sodium_memzero(u->previous, sizeof u->previous);
	sodium_memzero(&u->pending, sizeof u->pending);
	u->has_pending = 0;
	u->prev_note = PREV_NONE;
	sodium_memzero(u->scan_buf, sizeof u->scan_buf);
	u->scan_on = 0;
	u->scan_len = 0;
	u->scan_n = 0;
	u->scan_nk = 0;
	u->scan_over = 0;
	u->lang_i = 0;
	u->service_i = -1;
	u->priority = 0;
	sodium_memzero(u->holder, sizeof u->holder);
	u->holder_len = 0;
	u->holder_err = 0;
	u->holder_mask[0] = '\0';
	guide_clear(u);
	u->large = u->contrast = u->speech = 0;
	u->session = 0;
	u->kbd = 0;
	u->countdown_end = 0;
	u->speak_pending = 0;
	sodium_memzero(u->pin_buf, sizeof u->pin_buf);
	u->pin_len = 0;
	u->pin_wrong = 0;
	u->screen = (enum ui_screen)-1;
	flow_go(u, rest_screen(u));
	u->cycle = 0;
	u->cycle_next = u->now + u->cfg.cycle_ms;
}

/* Screens where a scanned attestation is taken (the visit's, before the
 * slip is asked for). */
int
scan_screen(enum ui_screen s)
{
	return s == UI_S_WELCOME || s == UI_S_LANGUAGE || s == UI_S_PROCEDURE || s == UI_S_GUIDE ||
	    s == UI_S_PRIORITY || s == UI_S_HOLDER || s == UI_S_CONFIRM;
}

/* The idle countdown, over whatever screen is below. */
static void
idle_dialog(struct ui *u)
{
	struct metrics *m = &u->m;
	int secs = (int)((u->countdown_end - u->now + 999) / 1000);
	const char *l1, *l2, *l3;
	const char *t1 = kit_tr(u, "Êtes-vous toujours là ?", &l1);
	const char *t2 = kit_fmt_tr(u, kit_tr(u, "Retour à l'accueil dans %d secondes", &l2), imax(secs, 0));
	const char *t3 = kit_tr(u, "Plus de temps", &l3);
	int w = imin(u->w - 2 * m->pad, (int)(150 * m->mm)), h, y, iw;
	struct rect d;
	int first;

	/* the veil hides the screen below (nothing to read there any more) and
	 * takes every tap: the whole window is the "more time" target */
	first = u->ncmds;
	u->ntargets = 0;
	kit_fillc(u, mkrect(0, 0, u->w, u->h), kit_colour(u, C_SHADE), 0);
	iw = w - 2 * m->pad;
	h = 2 * m->pad + kit_para_h(u, iw, t1, l1, m->ft, TEXT_BOLD) + m->gap +
	    kit_para_h(u, iw, t2, l2, m->fb, 0) + m->pad + imax(m->tgt, kit_lineh(u, m->ft) + m->gap);
	h = imin(h, u->h - 2 * m->pad);
	d = mkrect((u->w - w) / 2, (u->h - h) / 2, w, h);
	kit_target(u, mkrect(0, 0, u->w, u->h), UI_T_MORE, 0, 0, "veil", NULL, NULL);
	kit_fill(u, d, C_SURFACE, m->radius * 2);
	kit_stroke(u, d, C_BORDER, m->radius * 2, m->border);
	y = d.y + m->pad;
	y += kit_para(u, d.x + m->pad, y, iw, t1, l1, m->ft, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT) + m->gap;
	y += kit_para(u, d.x + m->pad, y, iw, t2, l2, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT) + m->pad;
	kit_button(u, mkrect(d.x + m->pad, y, iw, d.y + d.h - m->pad - y), B_PRIMARY, P_CLOCK, t3, l3,
	    m->ft, UI_T_MORE, 0, 1, "more");
	(void)first;
	/* speech: only the dialog */
	u->say_len = 0;
	kit_say(u, l1, t1);
	kit_say(u, l2, t2);
	kit_say(u, l3, t3);
}

/* ---- building a frame ------------------------------------------------------ */

static int
focus_index(const struct ui *u)
{
	int i;
	if (!u->focus[0])
		return -1;
	for (i = 0; i < u->ntargets; i++)
		if (!strcmp(u->targets[i].name, u->focus))
			return i;
	return -1;
}

static void layout_once(struct ui *u);

/* Lay the screen out; a screen that does not fit is laid out again with
 * smaller text and pictograms (never smaller targets). */
static void
layout(struct ui *u)
{
	for (u->squeeze = 0; u->squeeze < 3; u->squeeze++) {
		layout_once(u);
		if (!u->overfull)
			break;
	}
	if (u->squeeze == 3) {
		u->squeeze = 2;
		log_debug("ui: screen %s does not fit %dx%d even squeezed", ui_screen_name(u->screen),
		    u->w, u->h);
	}
}

static void
layout_once(struct ui *u)
{
	const struct lang *l = kit_lang(u);
	int staff = u->screen == UI_S_PIN || u->screen == UI_S_ADMIN;
	int fi;

	u->overfull = 0;
	u->nnavq = 0;
	u->nav_xs = 0;
	u->nav_xe = u->w;
	u->ncmds = 0;
	u->ntargets = 0;
	u->arena_used = 0;
	u->overflow = 0;
	u->say_len = 0;
	u->hc = u->contrast;
	u->rtl = l->rtl && !staff && u->screen != UI_S_WELCOME;
	kit_metrics(u);
	kit_fill(u, mkrect(0, 0, u->w, u->h), C_BG, 0);
	kit_header(u);
	scr_banner(u);
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
	case UI_S_PIN:         scr_pin(u); break;
	case UI_S_ADMIN:       scr_admin(u); break;
	}
	if (u->screen != UI_S_ISSUING && !staff)
		kit_bar(u, 1);
	else if (u->nnavq)
		kit_bar(u, 0); /* a very small screen: the staff screens' buttons */
	if (u->countdown_end)
		idle_dialog(u);
	/* the focus ring, last so nothing covers it */
	fi = focus_index(u);
	if (fi >= 0) {
		struct ui_cmd *c = kit_cmd(u, UI_CMD_FOCUS);
		int o = imax(3, u->m.border + 2);
		if (c) {
			c->r = u->targets[fi].r;
			c->r.x -= o, c->r.y -= o, c->r.w += 2 * o, c->r.h += 2 * o;
			c->c = kit_colour(u, C_FOCUS);
			c->radius = u->m.radius + o;
			c->line = imax(3, u->m.border * 2);
			c->target = fi;
		}
	} else {
		u->focus[0] = '\0';
	}
	u->frame.cmds = u->cmds;
	u->frame.ncmds = u->ncmds;
	u->frame.targets = u->targets;
	u->frame.ntargets = u->ntargets;
	u->frame.bg = kit_colour(u, C_BG);
	u->frame.w = u->w;
	u->frame.h = u->h;
	u->laid_out = 1;
	if (u->overflow)
		log_warnx("ui: frame of screen %s overflowed its buffers", ui_screen_name(u->screen));
}

static void
ensure_layout(struct ui *u)
{
	if (!u->laid_out)
		layout(u);
}

/* ---- speech --------------------------------------------------------------- */

static void
speak_text(struct ui *u, const char *lines)
{
	struct ui_action a;

	memset(&a, 0, sizeof a);
	a.kind = UI_ACT_SPEAK;
	if ((a.speech = strdup(lines)) == NULL)
		return;
	push_action(u, &a);
}

static void
speak_focus(struct ui *u)
{
	int fi = focus_index(u);
	char buf[600];

	if (!u->speech || fi < 0 || u->targets[fi].say == NULL)
		return;
	snprintf(buf, sizeof buf, "%s\t%s\n", u->targets[fi].say_lang, u->targets[fi].say);
	speak_text(u, buf);
}

/* ---- input ------------------------------------------------------------------ */

static void scan_settle(struct ui *u, int64_t now);

static void
activity(struct ui *u, int64_t now)
{
	u->now = now;
	u->last_input = now;
	if (!u->session) {
		u->session = 1;
		set_dirty(u);
	}
}

static void
choose_service(struct ui *u, int si)
{
	if (si < 0 || si >= svc_count(u))
		return;
	u->service_i = si;
	if (svc_full(&u->menu->services[si])) {
		/* no ticket left: the server prints an attestation de passage
		 * instead, so the visit still ends with a slip; no priority question */
		u->priority = 0;
		flow_go(u, svc_bound(u) ? UI_S_HOLDER : UI_S_CONFIRM);
	} else {
		flow_go(u, UI_S_PRIORITY);
	}
}

static void
back(struct ui *u)
{
	switch (u->screen) {
	case UI_S_LANGUAGE:
		flow_go(u, u->lang_back == UI_S_LANGUAGE ? rest_screen(u) : u->lang_back);
		if (is_rest(u->screen))
			u->lang_back = UI_S_WELCOME;
		break;
	case UI_S_PROCEDURE: u->lang_back = UI_S_PROCEDURE; flow_go(u, UI_S_LANGUAGE); break;
	case UI_S_GUIDE:
		if (!guide_back(u))
			flow_go(u, UI_S_PROCEDURE);
		break;
	case UI_S_PRIORITY:  flow_go(u, UI_S_PROCEDURE); break;
	case UI_S_HOLDER:    flow_go(u, svc_chosen_full(u) ? UI_S_PROCEDURE : UI_S_PRIORITY); break;
	case UI_S_CONFIRM:
		flow_go(u, svc_bound(u) ? UI_S_HOLDER : svc_chosen_full(u) ? UI_S_PROCEDURE : UI_S_PRIORITY);
		break;
	case UI_S_FULL:      flow_go(u, UI_S_PROCEDURE); break;
	default: break;
	}
}

static int
pin_ok(struct ui *u)
{
	uint8_t h[32];
	int ok;

	crypto_generichash(h, sizeof h, (const uint8_t *)u->pin_buf, (size_t)u->pin_len,
	    u->pin_salt, sizeof u->pin_salt);
	ok = u->has_pin && sodium_memcmp(h, u->pin_hash, sizeof h) == 0;
	sodium_memzero(h, sizeof h);
	return ok;
}

static void
activate(struct ui *u, const struct ui_target *t)
{
	size_t nl;

	i18n_langs(&nl);
	switch ((enum ui_tid)t->id) {
	case UI_T_START:
		u->lang_back = UI_S_WELCOME;
		flow_go(u, UI_S_LANGUAGE);
		act(u, UI_ACT_REFRESH); /* fresh counts for the procedure screen */
		break;
	case UI_T_LANG:
		if (t->arg >= 0 && (size_t)t->arg < nl)
			u->lang_i = t->arg;
		if (u->lang_back == UI_S_WELCOME || u->lang_back == UI_S_LANGUAGE)
			flow_go(u, UI_S_PROCEDURE);
		else
			flow_go(u, u->lang_back);
		u->lang_back = UI_S_WELCOME;
		break;
	case UI_T_SERVICE:
		choose_service(u, t->arg);
		break;
	case UI_T_DONTKNOW:
		guide_start(u);
		break;
	case UI_T_YES:
	case UI_T_NO:
		if (u->screen == UI_S_GUIDE) {
			guide_answer(u, t->id == UI_T_YES);
		} else if (u->screen == UI_S_PRIORITY) {
			u->priority = t->id == UI_T_YES;
			flow_go(u, svc_bound(u) ? UI_S_HOLDER : UI_S_CONFIRM);
		}
		break;
	case UI_T_CONTINUE:
		choose_service(u, svc_of_kind(u, u->gkind));
		break;
	case UI_T_CONFIRM:
		if (u->screen != UI_S_CONFIRM || u->service_i < 0 || u->service_i >= svc_count(u))
			break;
		if (printer_bad(u->printer)) {
			/* no ticket the printer cannot print: say so first */
			flow_go(u, UI_S_PRINTER);
			break;
		}
		{
			struct ui_action a;
			const struct lang *l = kit_lang(u);
			memset(&a, 0, sizeof a);
			a.kind = UI_ACT_ISSUE;
			snprintf(a.service, sizeof a.service, "%s", u->menu->services[u->service_i].code);
			snprintf(a.lang, sizeof a.lang, "%s", l->code);
			a.priority = u->priority;
			if (svc_bound(u)) {
				if (u->holder_len < HOLDER_MIN) {
					flow_go(u, UI_S_HOLDER);
					break;
				}
				snprintf(a.holder, sizeof a.holder, "%s", u->holder);
			}
			snprintf(a.previous, sizeof a.previous, "%s", u->previous);
			push_action(u, &a);
			/* with an earlier attestation, the request is kept until its
			 * answer: if the server refuses that attestation, the same slip
			 * is asked for again without it (holder included) */
			sodium_memzero(&u->pending, sizeof u->pending);
			u->has_pending = a.previous[0] != '\0';
			if (u->has_pending)
				u->pending = a;
			sodium_memzero(&a, sizeof a);
			/* the number went to the platform: keep only its mask */
			sodium_memzero(u->holder, sizeof u->holder);
			u->holder_len = 0;
		}
		flow_go(u, UI_S_ISSUING);
		break;
	case UI_T_BACK:
		back(u);
		break;
	case UI_T_CANCEL:
		if (u->screen == UI_S_PIN) {
			sodium_memzero(u->pin_buf, sizeof u->pin_buf);
			u->pin_len = 0;
			u->pin_wrong = 0;
			flow_go(u, rest_screen(u));
			u->session = 0;
		} else {
			reset(u);
		}
		break;
	case UI_T_DONE:
		reset(u);
		break;
	case UI_T_MORE:
		break; /* the tap itself extended the time */
	case UI_T_PREV:
		if (u->page > 0)
			u->page--;
		u->screen_at = u->now;
		set_dirty(u);
		break;
	case UI_T_NEXT:
		u->page++;
		u->screen_at = u->now;
		set_dirty(u);
		break;
	case UI_T_LARGE:
		u->large = !u->large;
		set_dirty(u);
		break;
	case UI_T_CONTRAST:
		u->contrast = !u->contrast;
		set_dirty(u);
		break;
	case UI_T_LISTEN:
		if (u->speech) {
			u->speech = 0;
			act(u, UI_ACT_HUSH);
		} else {
			u->speech = 1;
			u->speak_pending = 1;
		}
		set_dirty(u);
		break;
	case UI_T_LANGUAGE:
		if (u->screen != UI_S_LANGUAGE) {
			u->lang_back = u->screen == UI_S_WELCOME ? UI_S_WELCOME : u->screen;
			flow_go(u, UI_S_LANGUAGE);
		}
		break;
	case UI_T_PIN_DIGIT:
		if (u->pin_locked > u->now)
			break;
		u->pin_wrong = 0;
		if (u->pin_len < (int)sizeof u->pin_buf - 1)
			u->pin_buf[u->pin_len++] = (char)('0' + t->arg);
		set_dirty(u);
		break;
	case UI_T_PIN_DEL:
		if (u->pin_len > 0)
			u->pin_buf[--u->pin_len] = '\0';
		u->pin_wrong = 0;
		set_dirty(u);
		break;
	case UI_T_PIN_OK:
		if (u->pin_locked > u->now)
			break;
		if (pin_ok(u)) {
			u->pin_fails = 0;
			flow_go(u, UI_S_ADMIN);
		} else {
			u->pin_wrong = 1;
			if (++u->pin_fails >= PIN_TRIES) {
				u->pin_fails = 0;
				u->pin_locked = u->now + PIN_LOCK_MS;
				log_warnx("ui: %d wrong admin PINs: keypad locked for %d s", PIN_TRIES,
				    PIN_LOCK_MS / 1000);
			}
		}
		sodium_memzero(u->pin_buf, sizeof u->pin_buf);
		u->pin_len = 0;
		set_dirty(u);
		break;
	case UI_T_CHAR:
		u->holder_err = 0;
		if (u->holder_len < HOLDER_MAX) {
			u->holder[u->holder_len++] = (char)t->arg;
			u->holder[u->holder_len] = '\0';
		}
		set_dirty(u);
		break;
	case UI_T_CHAR_DEL:
		u->holder_err = 0;
		if (u->holder_len > 0)
			u->holder[--u->holder_len] = '\0';
		set_dirty(u);
		break;
	case UI_T_CHAR_OK: {
		char norm[HOLDER_MAX + 1], e[160];
		if (u->holder_len < HOLDER_MIN) {
			u->holder_err = 1;
			set_dirty(u);
			break;
		}
		if (holder_normalise(u->holder, norm, sizeof norm, e, sizeof e) != 0) {
			/* long enough but not a document number ("AAAA"): say so in the
			 * visitor's language; the reason is for the log */
			log_info("ui: document number refused: %s", e);
			u->holder_err = 2;
			set_dirty(u);
			break;
		}
		if (holder_mask(norm, u->holder_mask, sizeof u->holder_mask) != 0)
			u->holder_mask[0] = '\0';
		sodium_memzero(norm, sizeof norm);
		flow_go(u, UI_S_CONFIRM);
		break;
	}
	case UI_T_ADMIN_RESUME:
		reset(u);
		break;
	case UI_T_ADMIN_QUIT:
		act(u, UI_ACT_QUIT);
		break;
	}
}

/* The hidden gesture: CORNER_TAPS taps in the top-left corner within
 * CORNER_MS. Returns 1 when the tap was in the corner (and is swallowed). */
static int
corner_tap(struct ui *u, int x, int y, int64_t now)
{
	int i, n = 0;

	if (x >= u->m.tgt || y >= u->m.tgt || x < 0 || y < 0)
		return 0;
	if (u->ncorner == CORNER_TAPS) {
		memmove(u->corner, u->corner + 1, (CORNER_TAPS - 1) * sizeof u->corner[0]);
		u->ncorner--;
	}
	u->corner[u->ncorner++] = now;
	for (i = 0; i < u->ncorner; i++)
		if (now - u->corner[i] <= CORNER_MS)
			n++;
	if (n >= CORNER_TAPS && u->has_pin && u->screen != UI_S_PIN && u->screen != UI_S_ADMIN &&
	    u->screen != UI_S_ISSUING && u->print != UI_PRINT_PRINTING) {
		u->ncorner = 0;
		u->pin_len = 0;
		u->pin_wrong = 0;
		u->countdown_end = 0;
		flow_go(u, UI_S_PIN);
	}
	return 1;
}

void
ui_tap(struct ui *u, int x, int y, int64_t now)
{
	int i;

	scan_settle(u, now); /* keys held before the tap come first */
	ensure_layout(u);
	u->kbd = 0;
	if (u->countdown_end) {
		/* any tap while the countdown shows means "I am here" */
		activity(u, now);
		u->countdown_end = 0;
		set_dirty(u);
		return;
	}
	if (corner_tap(u, x, y, now)) {
		activity(u, now);
		return;
	}
	if (now < ui_tap_ready(u))
		return; /* second half of a double tap, on a screen just shown */
	for (i = u->ntargets - 1; i >= 0; i--) {
		const struct rect *r = &u->targets[i].r;
		if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h) {
			struct ui_target t = u->targets[i];
			activity(u, now);
			u->focus[0] = '\0';
			activate(u, &t);
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

void
ui_key(struct ui *u, enum ui_key k, int64_t now)
{
	int fi, i;

	ensure_layout(u);
	activity(u, now);
	u->kbd = 1;
	if (u->countdown_end) {
		u->countdown_end = 0;
		set_dirty(u);
		return;
	}
	switch (k) {
	case UI_KEY_LISTEN:
		/* the physical key always (re)starts speech: it never turns it off */
		u->speech = 1;
		u->speak_pending = 1;
		set_dirty(u);
		return;
	case UI_KEY_LARGE:
		u->large = !u->large;
		set_dirty(u);
		return;
	case UI_KEY_CONTRAST:
		u->contrast = !u->contrast;
		set_dirty(u);
		return;
	case UI_KEY_BACK:
		if (u->screen == UI_S_HOLDER && u->holder_len > 0) {
			struct ui_target t;
			memset(&t, 0, sizeof t);
			t.id = UI_T_CHAR_DEL;
			activate(u, &t);
		} else if (u->screen == UI_S_PIN) {
			struct ui_target t;
			memset(&t, 0, sizeof t);
			t.id = UI_T_PIN_DEL;
			activate(u, &t);
		} else {
			back(u);
		}
		return;
	default:
		break;
	}
	if (u->screen == UI_S_WELCOME) {
		/* any key starts, as a tap anywhere does */
		struct ui_target t;
		memset(&t, 0, sizeof t);
		t.id = UI_T_START;
		activate(u, &t);
		return;
	}
	if (u->screen == UI_S_HOLDER && ((k >= UI_KEY_DIGIT0 && k <= UI_KEY_DIGIT9) ||
	    (k >= UI_KEY_LETTER_A && k <= UI_KEY_LETTER_Z))) {
		struct ui_target t;
		memset(&t, 0, sizeof t);
		t.id = UI_T_CHAR;
		t.arg = k <= UI_KEY_DIGIT9 ? '0' + (k - UI_KEY_DIGIT0) : 'A' + (k - UI_KEY_LETTER_A);
		activate(u, &t);
		return;
	}
	if (k >= UI_KEY_LETTER_A && k <= UI_KEY_LETTER_Z)
		return;
	if (k >= UI_KEY_DIGIT0 && k <= UI_KEY_DIGIT9) {
		int d = k - UI_KEY_DIGIT0;
		if (u->screen == UI_S_PIN) {
			struct ui_target t;
			memset(&t, 0, sizeof t);
			t.id = UI_T_PIN_DIGIT;
			t.arg = d;
			activate(u, &t);
			return;
		}
		for (i = 0; d > 0 && i < u->ntargets; i++) {
			if (u->targets[i].key == d) {
				struct ui_target t = u->targets[i];
				u->focus[0] = '\0';
				activate(u, &t);
				return;
			}
		}
		return;
	}
	fi = focus_index(u);
	if (k == UI_KEY_ENTER) {
		if (fi < 0 && (u->screen == UI_S_HOLDER || u->screen == UI_S_PIN)) {
			struct ui_target t;
			memset(&t, 0, sizeof t);
			t.id = u->screen == UI_S_PIN ? UI_T_PIN_OK : UI_T_CHAR_OK;
			activate(u, &t);
		} else if (fi >= 0) {
			struct ui_target t = u->targets[fi];
			activate(u, &t);
		} else if (u->ntargets > 0) {
			snprintf(u->focus, sizeof u->focus, "%s", u->targets[0].name);
			set_dirty(u);
			layout(u);
			speak_focus(u);
		}
		return;
	}
	/* arrows */
	if (u->ntargets == 0)
		return;
	if (fi < 0)
		i = 0;
	else if ((i = nearest(u, fi, k)) < 0)
		return;
	snprintf(u->focus, sizeof u->focus, "%s", u->targets[i].name);
	set_dirty(u);
	layout(u);
	speak_focus(u);
}

/* ---- the keyboard-wedge scanner ------------------------------------------------ */

/*
 * A QR scanner on USB is a keyboard: it types the payload, then Enter,
 * each character a few milliseconds after the last. A person's keys rarely
 * come two under 50 ms apart, and never five in a row. So a
 * press that types 'K' (every payload starts "K1*", and 'K' is at the same
 * place on every layout) is held, with the presses that follow it closely,
 * until the burst either proves a machine's (SCAN_PREFIX characters) or
 * stops short (a person's: replayed). Held presses never act as keys: a
 * payload's digits must not pick choice 1 on the screen below.
 */

static void
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

/* Tell the visitor about a scan on this screen (a banner, or the panel of
 * the confirmation), and read it out when speech is on. */
static void
scan_note(struct ui *u, enum prev_note note)
{
	u->prev_note = note;
	u->prev_note_on = u->screen;
	u->screen_at = u->now; /* the screen below moved: the tap guard again */
	u->focus[0] = '\0';
	if (u->speech)
		u->speak_pending = 1;
	set_dirty(u);
}

/* A machine's burst ended (complete: ended by Enter). */
static void
scan_done(struct ui *u, int complete, int64_t now)
{
	struct slip sl;
	char err[200] = "";
	int ok = 0;

	memset(&sl, 0, sizeof sl);
	if (complete && !u->scan_over && scan_prefix_ok(u->scan_buf)) {
		if (slip_decode(u->scan_buf, &sl, err, sizeof err) == 0)
			ok = sl.kind == SLIP_ATTESTATION;
		if (!ok && !err[0])
			snprintf(err, sizeof err, "not an attestation");
		log_info("ui: a scanned attestation %s%s", ok ? "was read" : "could not be read: ",
		    ok ? "" : err);
	} else {
		log_info("ui: a scan that is not an attestation was ignored (%d characters%s)", u->scan_n,
		    complete ? "" : ", no Enter");
	}
	if (!scan_screen(u->screen)) {
		/* the slip is asked for already (issuing, the ticket), a fault
		 * screen, the staff's: not the moment */
		if (ok)
			log_info("ui: an attestation scanned on screen %s was ignored",
			    ui_screen_name(u->screen));
		scan_clear(u);
		return;
	}
	activity(u, now);
	if (u->countdown_end) {
		u->countdown_end = 0; /* someone is there */
		set_dirty(u);
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
			/* a scan starts a visit, as a touch does */
			u->lang_back = UI_S_WELCOME;
			flow_go(u, UI_S_LANGUAGE);
			act(u, UI_ACT_REFRESH);
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
static void
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

void
ui_keypress(struct ui *u, enum ui_key k, const char *text, int64_t now)
{
	size_t n = text ? strlen(text) : 0;

	if (u->scan_on && now - u->scan_last >= UI_SCAN_GAP_MS)
		scan_settle(u, now);
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
	if (n > 0 && (text[0] == 'K' || text[0] == 'k')) {
		scan_clear(u);
		u->scan_on = 1;
		scan_add(u, k, text, n, now);
		return;
	}
	if (k != UI_KEY_NONE)
		ui_key(u, k, now);
}

/* ---- time ------------------------------------------------------------------- */

static int
idle_applies(const struct ui *u)
{
	return u->session && u->screen != UI_S_ISSUING &&
	    !((u->screen == UI_S_TICKET || u->screen == UI_S_FULL) && u->print == UI_PRINT_PRINTING);
}

static int64_t
idle_at(const struct ui *u)
{
	int s = u->screen == UI_S_TICKET || (u->screen == UI_S_FULL && u->slip) ?
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
			reset(u);
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

int64_t
ui_next_deadline(const struct ui *u)
{
	int64_t d = -1;

#define SOONER(t) do { int64_t t_ = (t); if (d < 0 || t_ < d) d = t_; } while (0)
	if (u->scan_on)
		SOONER(u->scan_last + UI_SCAN_GAP_MS);
	if (u->screen == UI_S_WELCOME)
		SOONER(u->cycle_next);
	if (u->screen == UI_S_PIN && u->pin_locked > 0) {
		int64_t left = u->pin_locked - u->now;
		SOONER(u->now + (left % 1000 ? left % 1000 : 1000));
	}
	if (idle_applies(u)) {
		if (u->countdown_end) {
			int64_t left = u->countdown_end - u->now;
			/* the next whole second of the display, then the end */
			SOONER(u->now + (left % 1000 ? left % 1000 : 1000));
		} else {
			SOONER(idle_at(u));
		}
	}
#undef SOONER
	return d;
}

int64_t
ui_tap_ready(const struct ui *u)
{
	return u->screen_at + UI_TAP_GUARD_MS;
}

/* ---- results ----------------------------------------------------------------- */

/* After the world changed: a rest screen follows it; a visitor stuck on an
 * error screen that went away goes back to the confirmation. */
static void
world_changed(struct ui *u)
{
	enum ui_screen r = rest_screen(u);

	if (is_rest(u->screen) && (!u->session || u->screen == UI_S_LOADING ||
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
		else if (u->service_i >= 0 && u->service_i < svc_count(u))
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
	for (i = 0; i < a->nservices; i++) {
		const struct client_service *x = &a->services[i], *y = &b->services[i];
		if (strcmp(x->code, y->code) || x->left_today != y->left_today || x->open != y->open ||
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
	if (u->menu && m && u->service_i >= 0 && u->service_i < u->menu->nservices) {
		/* keep the chosen service by code if the list moved */
		const char *code = u->menu->services[u->service_i].code;
		int i;
		u->service_i = -1;
		for (i = 0; i < m->nservices; i++)
			if (!strcmp(m->services[i].code, code))
				u->service_i = i;
		if (u->service_i < 0 && u->screen != UI_S_TICKET && !is_rest(u->screen))
			reset(u);
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
	if (st == ESCPOS_UNKNOWN)
		st = ESCPOS_READY;
	if (st == u->printer && !strcmp(u->printer_reason, reason ? reason : ""))
		return;
	snprintf(u->printer_reason, sizeof u->printer_reason, "%s", reason ? reason : "");
	if (printer_bad(st) != printer_bad(u->printer)) {
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
	int att = !strcmp(t->kind, "attestation");

	u->now = now;
	if (u->screen != UI_S_ISSUING) {
		/* the visitor was sent away (admin, reset) meanwhile: the slip
		 * stays on the server, unprinted, and staff see it */
		log_warnx("ui: slip %s arrived after its screen was left", att ? t->serial : t->number);
		bitmap_free(slip);
		return;
	}
	sodium_memzero(&u->pending, sizeof u->pending);
	u->has_pending = 0;
	u->ticket = *t;
	bitmap_free(u->slip);
	u->slip = slip;
	u->print = UI_PRINT_PRINTING;
	u->last_input = now; /* the ticket screen's idle time starts now */
	if (att && u->menu && u->service_i >= 0 && u->service_i < u->menu->nservices)
		u->menu->services[u->service_i].left_today = 0;
	flow_go(u, att ? UI_S_FULL : UI_S_TICKET);
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
		/* the scanned attestation is not valid here (forged, another site,
		 * unreadable after all): it must not stop the visitor. The same
		 * slip again, without it; the slip's screen says so calmly. */
		log_info("ui: the earlier attestation was refused (%s): issuing without it",
		    reason ? reason : "");
		sodium_memzero(u->previous, sizeof u->previous);
		sodium_memzero(u->pending.previous, sizeof u->pending.previous);
		u->prev_note = PREV_REFUSED;
		u->prev_note_on = UI_S_FULL;
		u->has_pending = 0;
		push_action(u, &u->pending);
		sodium_memzero(&u->pending, sizeof u->pending);
		return;
	}
	sodium_memzero(&u->pending, sizeof u->pending);
	u->has_pending = 0;
	switch (rc) {
	case CLIENT_CLOSED:
		if (u->menu)
			u->menu->site.open = 0;
		flow_go(u, UI_S_CLOSED);
		act(u, UI_ACT_REFRESH);
		break;
	case CLIENT_FULL:
		if (u->menu && u->service_i >= 0 && u->service_i < u->menu->nservices)
			u->menu->services[u->service_i].left_today = 0;
		flow_go(u, UI_S_FULL);
		act(u, UI_ACT_REFRESH);
		break;
	case CLIENT_UNREACHABLE:
		u->server_down = 1;
		snprintf(u->server_reason, sizeof u->server_reason, "%s", reason ? reason : "");
		flow_go(u, UI_S_SERVER_DOWN);
		break;
	default:
		snprintf(u->refuse_reason, sizeof u->refuse_reason, "%s", reason ? reason : "");
		if (!strcmp(code, "holder_required") || !strcmp(code, "bad_holder")) {
			/* type it again, told in the visitor's language (the server's
			 * reason goes to the log). holder_required: the menu was
			 * stale, the service now wants a number; none was typed */
			log_info("ui: document number refused by the server: %s", u->refuse_reason);
			u->holder_err = !strcmp(code, "bad_holder") ? 2 : 0;
			u->holder_mask[0] = '\0';
			if (u->menu && u->service_i >= 0 && u->service_i < u->menu->nservices)
				u->menu->services[u->service_i].bind_holder = 1;
			if (!u->holder_err)
				act(u, UI_ACT_REFRESH);
			flow_go(u, UI_S_HOLDER);
		} else {
			flow_go(u, UI_S_REFUSED);
		}
		break;
	}
}

void
ui_printed(struct ui *u, int ok, enum escpos_state st, const char *reason, int64_t now)
{
	u->now = now;
	if ((u->screen != UI_S_TICKET && u->screen != UI_S_FULL) || u->print != UI_PRINT_PRINTING)
		return;
	u->last_input = now;
	if (ok) {
		u->print = UI_PRINT_DONE;
	} else {
		u->print = UI_PRINT_FAILED;
		u->print_st = st;
		snprintf(u->print_reason, sizeof u->print_reason, "%s", reason ? reason : "");
		if (printer_bad(st))
			u->printer = st;
	}
	if (u->speech)
		u->speak_pending = 1;
	set_dirty(u);
}

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
	case UI_S_PIN:         return "pin";
	case UI_S_ADMIN:       return "admin";
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
	u->hc = 0;
	u->screen = UI_S_LOADING;
	reset(u);
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
	free(u->say);
	sodium_memzero(u, sizeof *u);
	free(u);
}

int
ui_set_pin(struct ui *u, const char *pin)
{
	size_t n = pin ? strlen(pin) : 0, i;

	if (n < 4 || n > 12)
		return -1;
	for (i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return -1;
	randombytes_buf(u->pin_salt, sizeof u->pin_salt);
	crypto_generichash(u->pin_hash, sizeof u->pin_hash, (const uint8_t *)pin, n, u->pin_salt,
	    sizeof u->pin_salt);
	u->has_pin = 1;
	return 0;
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
	layout(u);
	u->dirty = 0;
	if (u->speak_pending && u->speech) {
		u->speak_pending = 0;
		if (u->say_len)
			speak_text(u, u->say);
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
	if (want[n] != ':' || (u->screen != UI_S_TICKET && u->screen != UI_S_FULL))
		return 0;
	want += n + 1;
	return (!strcmp(want, "printing") && u->print == UI_PRINT_PRINTING) ||
	    (!strcmp(want, "printed") && u->print == UI_PRINT_DONE) ||
	    (!strcmp(want, "failed") && u->print == UI_PRINT_FAILED);
}

int
ui_has_text(struct ui *u, const char *needle)
{
	int i;

	ensure_layout(u);
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

	ensure_layout(u);
	for (i = 0; i < u->ntargets; i++)
		if (!strcmp(u->targets[i].name, name))
			return &u->targets[i];
	return NULL;
}
