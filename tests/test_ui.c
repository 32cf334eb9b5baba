/*
 * test_ui: the kiosk's screens (ui.c) and painter (ui_paint.c), with no
 * window: input goes in, draw commands come out, and the assertions are on
 * the commands, the targets, the actions and a painted canvas.
 *
 * Every screen is walked in French, Arabic, Tamil and Mandarin, at
 * 1080x1920, 1920x1080 and 800x480, at 96 and 160 dpi, in normal and large
 * text, normal and high contrast, and each frame is checked for:
 *   - targets at least 15 mm on each side, inside the window, not overlapping;
 *   - text contrast of at least 4.5:1 against what is under it;
 *   - text inside the window, inside its box (no clipping), not on top of
 *     other text, and with a glyph for every character (no empty boxes);
 * then the behaviour: one ticket per visit whatever the taps, the tap guard,
 * the idle countdown and reset, mirroring, keys, speech, the admin gesture
 * and PIN, the admin screen (its facts in French, test page, duplicate,
 * paper counter), large text never shrinking the bottom bar's labels, Yes
 * and No placed by the window and not the language, digits never answering
 * the priority question, the document keypad, every error screen and its recovery, and
 * an earlier attestation scanned with a keyboard-wedge QR scanner (a burst
 * told from a person's typing, kept for the visit, sent, refused by the
 * server without stopping anyone, forgotten at the end), the manager's
 * notices on the welcome screen, and an appointment's check-in (issue #12:
 * its code keypad without O and I, typed by characters whatever the
 * keyboard's layout, scanned, every answer of the server, each screen
 * walked like the others), and after the draw (issue #13: an enrolment
 * slip scanned and redeemed, each answer's screen; a convocation's slip
 * scanned on the welcome screen tried as its check-in first; the
 * convocation's own screen).
 * Runs from the top of the tree (it reads assets/po).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "testhelp.h"
#include "client/client.h"
#include "core/draw.h"
#include "core/i18n.h"
#include "core/sign.h"
#include "core/text.h"
#include "ui/ui.h"

static struct fonts *F;
static int frames_checked;
static char ATT[SLIP_PAYLOAD_MAX];  /* an attestation's payload, for walk() */
static char TORN[64];               /* the start of one: not readable */
static char ENROL[DRAW_TOKEN_MAX];  /* an enrolment slip's payload: draw 7 */

/* ---- fixtures ---------------------------------------------------------------- */

static const char *const svc_names[] = {
	"Premier titre de séjour", "Renouvellement de titre de séjour",
	"Retrait de titre de séjour", "Naturalisation", "Point d'accueil numérique",
};

/* The demo site's menu: A, B, D bound to their holder, like assets/demo. */
static struct client_menu *
mk_menu(int open, int full_c)
{
	struct client_menu *m = calloc(1, sizeof *m);
	int i;

	REQUIRE(m != NULL);
	snprintf(m->site.id, sizeof m->site.id, "prefecture-93");
	snprintf(m->site.name, sizeof m->site.name, "Préfecture de la Seine-Saint-Denis — Bobigny");
	m->site.open = open;
	snprintf(m->site.opens, sizeof m->site.opens, "08:30");
	snprintf(m->site.closes, sizeof m->site.closes, "16:00");
	snprintf(m->site.next_day, sizeof m->site.next_day, "2026-12-28");
	snprintf(m->site.next_opens, sizeof m->site.next_opens, "09:15");
	m->nservices = 5;
	m->services = calloc(5, sizeof *m->services);
	REQUIRE(m->services != NULL);
	for (i = 0; i < 5; i++) {
		struct client_service *s = &m->services[i];
		s->code[0] = (char)('A' + i);
		s->nnames = 2;
		s->names = calloc(2, sizeof *s->names);
		REQUIRE(s->names != NULL);
		snprintf(s->names[0].lang, sizeof s->names[0].lang, "fr");
		snprintf(s->names[0].text, sizeof s->names[0].text, "%s", svc_names[i]);
		snprintf(s->names[1].lang, sizeof s->names[1].lang, "en");
		snprintf(s->names[1].text, sizeof s->names[1].text, "Service %c", 'A' + i);
		s->waiting = 3;
		s->estimated_wait_s = 600;
		s->capacity = 60;
		s->left_today = (full_c && i == 2) ? 0 : 40 - i;
		s->open = open;
		s->bind_holder = i == 0 || i == 1 || i == 3;
	}
	return m;
}

static struct client_ticket
mk_ticket(const char *number, const char *kind, const char *lang)
{
	struct client_ticket t;

	memset(&t, 0, sizeof t);
	t.id = 42;
	snprintf(t.number, sizeof t.number, "%s", number);
	snprintf(t.kind, sizeof t.kind, "%s", kind);
	snprintf(t.lang, sizeof t.lang, "%s", lang);
	snprintf(t.service, sizeof t.service, "C");
	snprintf(t.service_fr, sizeof t.service_fr, "Retrait de titre de séjour");
	t.position = 7;
	t.estimated_wait_s = 840;
	snprintf(t.token, sizeof t.token, "K1*T*TEST");
	snprintf(t.serial, sizeof t.serial, "AT-2026-11-27-000001");
	return t;
}

/* A fake slip: a white 576 x 900 bitmap with a black band. */
static struct bitmap *
mk_slip(void)
{
	struct bitmap *b = bitmap_new(576, 900);
	struct rect r = { 40, 100, 496, 120 };

	REQUIRE(b != NULL);
	bitmap_fill(b, r, 255);
	return b;
}

struct fx {
	struct ui *u;      /* the ui under test */
	int64_t now;       /* its clock */
	int w, h, dpi;     /* window */
};

static const struct ui_frame *
draw(struct fx *x)
{
	return ui_draw(x->u, x->now);
}

static void
fx_open(struct fx *x, int w, int h, int dpi, int open, int full_c)
{
	struct ui_config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.dpi = dpi;
	cfg.version = "test";
	cfg.server_url = "https://queue.example:8443";
	cfg.printer_spec = "usb:/dev/usb/lp0";
	x->now = 100000;
	x->w = w;
	x->h = h;
	x->dpi = dpi;
	x->u = ui_new(&cfg, F, w, h, x->now);
	REQUIRE(x->u != NULL);
	ui_menu(x->u, mk_menu(open, full_c), x->now);
	draw(x);
}

static void
fx_close(struct fx *x)
{
	struct ui_action a;

	while (ui_next_action(x->u, &a))
		free(a.speech);
	ui_free(x->u);
	x->u = NULL;
}

/* Let time pass (ticks the ui). */
static void
later(struct fx *x, int ms)
{
	x->now += ms;
	ui_tick(x->u, x->now);
}

/* Tap the centre of a named target, after the tap guard like a person. */
static int
tap(struct fx *x, const char *name)
{
	const struct ui_target *t;

	draw(x);
	t = ui_find_target(x->u, name);
	if (t == NULL) {
		/* on another page? turn pages */
		int i;
		for (i = 0; i < 10 && t == NULL && ui_find_target(x->u, "next"); i++) {
			const struct ui_target *n = ui_find_target(x->u, "next");
			if (x->now < ui_tap_ready(x->u))
				x->now = ui_tap_ready(x->u);
			ui_tap(x->u, n->r.x + n->r.w / 2, n->r.y + n->r.h / 2, x->now);
			draw(x);
			t = ui_find_target(x->u, name);
		}
	}
	if (t == NULL) {
		fprintf(stderr, "  (no target '%s' on screen %s)\n", name, ui_screen_name(ui_screen(x->u)));
		return -1;
	}
	if (x->now < ui_tap_ready(x->u))
		x->now = ui_tap_ready(x->u);
	ui_tap(x->u, t->r.x + t->r.w / 2, t->r.y + t->r.h / 2, x->now);
	draw(x);
	return 0;
}

static void
key(struct fx *x, enum ui_key k)
{
	x->now += 50;
	ui_key(x->u, k, x->now);
	draw(x);
}

/* ---- a keyboard-wedge QR scanner ----------------------------------------------- */

/* A genuine payload (an attestation, attempt 1, or a ticket), signed with a
 * throw-away key: the kiosk only decodes it, the server verifies it. */
static void
mk_payload(char *out, size_t len, enum slip_kind kind)
{
	unsigned char pk[32], sk[64];
	struct slip s;

	memset(&s, 0, sizeof s);
	s.version = SLIP_VERSION;
	s.kind = kind;
	snprintf(s.site, sizeof s.site, "PREFECTURE-93");
	snprintf(s.date, sizeof s.date, "20261120");
	snprintf(s.service, sizeof s.service, "C");
	s.number = kind == SLIP_TICKET ? 42 : 0;
	snprintf(s.time, sizeof s.time, "1502");
	snprintf(s.device, sizeof s.device, "KIOSK-1");
	s.serial = 77;
	if (kind == SLIP_ATTESTATION) {
		s.attempt = 1;
		snprintf(s.first_date, sizeof s.first_date, "20261120");
		s.weeks = 1;
	}
	crypto_sign_keypair(pk, sk);
	REQUIRE(slip_encode(&s, sk, out, len) > 0);
	sodium_memzero(sk, sizeof sk);
}

/* What a scanner set to US QWERTY types on a French AZERTY PC (sign.c
 * repairs it): each character of ours as the AZERTY key at its place. */
static void
qwerty_on_azerty(const char *in, char *out, size_t len)
{
	static const char *const from = "AQZWM1234567890-*";
	static const char *const to[] = { "Q", "A", "W", "Z", "?", "&", "\xc3\xa9", "\"", "'", "(",
		"-", "\xc3\xa8", "_", "\xc3\xa7", "\xc3\xa0", ")", "8" };
	size_t o = 0;

	for (; *in && o + 3 < len; in++) {
		const char *f = strchr(from, *in);
		const char *t = f ? to[f - from] : NULL;
		if (t) {
			memcpy(out + o, t, strlen(t));
			o += strlen(t);
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}

/* What a character's key means to a person: letters and digits. star is
 * what '*' means (UI_KEY_LISTEN when the scanner types it on the keypad). */
static enum ui_key
key_of(char c, enum ui_key star)
{
	if (isalpha((unsigned char)c))
		return (enum ui_key)(UI_KEY_LETTER_A + (toupper((unsigned char)c) - 'A'));
	if (isdigit((unsigned char)c))
		return (enum ui_key)(UI_KEY_DIGIT0 + (c - '0'));
	return c == '*' ? star : UI_KEY_NONE;
}

/* Type text as key presses gap_ms apart (the platform ticks the ui between
 * them), then Enter when asked: a scanner is a few ms apart, a person a
 * hundred or more. */
static void
type_burst(struct fx *x, const char *text, int gap_ms, int enter, enum ui_key star)
{
	const char *p = text;

	while (*p) {
		char ch[8];
		size_t n = 1;
		while ((p[n] & 0xC0) == 0x80)
			n++;
		memcpy(ch, p, n);
		ch[n] = '\0';
		ui_keypress(x->u, key_of(*p, star), ch, x->now);
		p += n;
		x->now += gap_ms;
		ui_tick(x->u, x->now);
	}
	if (enter) {
		ui_keypress(x->u, UI_KEY_ENTER, NULL, x->now);
		x->now += gap_ms;
		ui_tick(x->u, x->now);
	}
	draw(x);
}

static void
scan(struct fx *x, const char *text)
{
	type_burst(x, text, 4, 1, UI_KEY_NONE);
}

static int
count_actions(struct fx *x, enum ui_act_kind kind, struct ui_action *last)
{
	struct ui_action a;
	int n = 0;

	while (ui_next_action(x->u, &a)) {
		if (a.kind == kind) {
			n++;
			if (last) {
				free(last->speech);
				*last = a;
				continue;
			}
		}
		free(a.speech);
	}
	return n;
}

/* ---- the manager's notices on the welcome screen -------------------------------- */

static const char NOTICE_FR[] = "Naturalisation : pas d'accueil cet après-midi";
static const char NOTICE_AR[] = "التجنس: لا استقبال بعد الظهر";

/* Notice i of m: French, English, Arabic, or (long) 200 characters in French only. */
static void
mk_notice(struct client_menu *m, int64_t id, int long_fr)
{
	struct client_notice *n;
	int i;

	m->notices = realloc(m->notices, (size_t)(m->nnotices + 1) * sizeof *m->notices);
	REQUIRE(m->notices != NULL);
	n = &m->notices[m->nnotices++];
	memset(n, 0, sizeof *n);
	n->id = id;
	if (long_fr) {
		n->ntexts = 1;
		snprintf(n->texts[0].lang, sizeof n->texts[0].lang, "fr");
		for (i = 0; i < 200; i++)      /* "Fermé. Fermé. ..." cut at 200 characters */
			strcat(n->texts[0].text, (const char *[]){ "F", "e", "r", "m", "é", ".", " " }[i % 7]);
		return;
	}
	n->ntexts = 3;
	snprintf(n->texts[0].lang, sizeof n->texts[0].lang, "fr");
	snprintf(n->texts[0].text, sizeof n->texts[0].text, "%s", NOTICE_FR);
	snprintf(n->texts[1].lang, sizeof n->texts[1].lang, "ar");
	snprintf(n->texts[1].text, sizeof n->texts[1].text, "%s", NOTICE_AR);
	snprintf(n->texts[2].lang, sizeof n->texts[2].lang, "en");
	snprintf(n->texts[2].text, sizeof n->texts[2].text, "Naturalisation: no reception this afternoon");
}

/* ---- frame invariants ---------------------------------------------------------- */

static int
inside(struct rect in, struct rect out, int slack)
{
	return in.x >= out.x - slack && in.y >= out.y - slack &&
	    in.x + in.w <= out.x + out.w + slack && in.y + in.h <= out.y + out.h + slack;
}

static int
overlap(struct rect a, struct rect b, int slack)
{
	return a.x + slack < b.x + b.w && b.x + slack < a.x + a.w &&
	    a.y + slack < b.y + b.h && b.y + slack < a.y + a.h;
}

/* Check everything a frame must hold; label names it in failures. */
static void
check_frame(struct fx *x, const char *label)
{
	const struct ui_frame *f = draw(x);
	struct rect win = { 0, 0, f->w, f->h };
	int tgt = (int)(UI_MIN_TARGET_MM * x->dpi / 25.4 + 0.999);
	int i, j, veil = -1, bad = 0;

	frames_checked++;
	for (i = 0; i < f->ncmds; i++)
		if (f->cmds[i].kind == UI_CMD_RECT && f->cmds[i].c.a < 255 && f->cmds[i].r.w == f->w &&
		    f->cmds[i].r.h == f->h)
			veil = i;
	/* targets */
	for (i = 0; i < f->ntargets; i++) {
		const struct ui_target *t = &f->targets[i];
		if (t->r.w < tgt || t->r.h < tgt) {
			bad++;
			fprintf(stderr, "  %s: target %s is %dx%d px, under %d px (15 mm at %d dpi)\n", label,
			    t->name, t->r.w, t->r.h, tgt, x->dpi);
		}
		if (!inside(t->r, win, 0)) {
			bad++;
			fprintf(stderr, "  %s: target %s outside the window\n", label, t->name);
		}
		for (j = i + 1; j < f->ntargets; j++)
			if (strcmp(t->name, "veil") && strcmp(f->targets[j].name, "veil") &&
			    overlap(t->r, f->targets[j].r, 0)) {
				bad++;
				fprintf(stderr, "  %s: targets %s and %s overlap\n", label, t->name,
				    f->targets[j].name);
			}
	}
	/* text */
	for (i = 0; i < f->ncmds; i++) {
		const struct ui_cmd *c = &f->cmds[i];
		struct ui_colour bg = f->bg;
		unsigned long miss = 0;
		int cx = c->r.x + c->r.w / 2, cy = c->r.y + c->r.h / 2, w = 0, h = 0;
		double cr;
		if (c->kind != UI_CMD_TEXT)
			continue;
		for (j = i - 1; j >= 0; j--) {
			const struct ui_cmd *b = &f->cmds[j];
			if (b->kind == UI_CMD_RECT && b->line == 0 && b->c.a == 255 && cx >= b->r.x &&
			    cx < b->r.x + b->r.w && cy >= b->r.y && cy < b->r.y + b->r.h) {
				bg = b->c;
				break;
			}
		}
		cr = ui_contrast(c->c, bg);
		if (cr < 4.5 && i > veil) {
			bad++;
			fprintf(stderr, "  %s: text \"%.40s\" contrast %.2f:1\n", label, c->text, cr);
		}
		if (!inside(c->r, win, 0)) {
			bad++;
			fprintf(stderr, "  %s: text \"%.40s\" outside the window (%d,%d %dx%d)\n", label,
			    c->text, c->r.x, c->r.y, c->r.w, c->r.h);
		}
		if (text_missing(F, c->text, &miss) != 0) {
			bad++;
			fprintf(stderr, "  %s: text \"%.40s\" has no glyph for U+%04lX\n", label, c->text, miss);
		}
		if (!c->wrap) {
			text_measure(F, c->size_px, c->flags, c->text, c->lang, &w, &h);
			if (w > c->r.w + 2) {
				bad++;
				fprintf(stderr, "  %s: text \"%.40s\" is %d px wide in a %d px box\n", label,
				    c->text, w, c->r.w);
			}
		} else {
			h = text_wrap(F, NULL, 0, 0, c->r.w, c->size_px, c->flags, c->align, c->text, c->lang);
			if (h > c->r.h + 2) {
				bad++;
				fprintf(stderr, "  %s: paragraph \"%.40s\" is %d px high in a %d px box\n", label,
				    c->text, h, c->r.h);
			}
		}
		for (j = i + 1; j < f->ncmds; j++) {
			const struct ui_cmd *d = &f->cmds[j];
			if (d->kind == UI_CMD_TEXT && (i > veil) == (j > veil) && overlap(c->r, d->r, 1)) {
				bad++;
				fprintf(stderr, "  %s: texts \"%.30s\" and \"%.30s\" overlap\n", label, c->text,
				    d->text);
			}
		}
	}
	CHECK(bad == 0);
}

/*
 * The manager's notices (GET /api/v1/services "notices") on the welcome
 * screen: in French, with the translation of the language the screen cycles
 * through (Arabic, right to left), French alone for a language the notice
 * lacks; a long one and two at once keep every frame clean (shown or left
 * out, never cut or overlapping) at every size; gone when the next menu has
 * none; a changed notice repaints.
 */
static void
test_notices(void)
{
	static const struct { int w, h; } sizes[] = { { 1080, 1920 }, { 1920, 1080 }, { 800, 480 } };
	struct fx x;
	struct client_menu *m;
	char label[64];
	size_t nl, s;
	int i, ar = 0, fr_only = 0;

	i18n_langs(&nl);
	for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		fx_open(&x, sizes[s].w, sizes[s].h, 96, 1, 0);
		CHECK(!ui_has_text(x.u, NOTICE_FR));
		m = mk_menu(1, 0);
		mk_notice(m, 7, 0);
		ui_menu(x.u, m, x.now);
		draw(&x);
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
		if (sizes[s].h > 480)
			CHECK(ui_has_text(x.u, NOTICE_FR));
		snprintf(label, sizeof label, "notice %dx%d", sizes[s].w, sizes[s].h);
		check_frame(&x, label);
		/* every language the welcome screen cycles through, once */
		for (i = 0; i < (int)nl + 1; i++) {
			later(&x, 2600);
			draw(&x);
			check_frame(&x, label);
			if (sizes[s].h > 480) {
				ar |= ui_has_text(x.u, NOTICE_AR);
				fr_only |= ui_has_text(x.u, NOTICE_FR) && !ui_has_text(x.u, NOTICE_AR) &&
				    !ui_has_text(x.u, "no reception");
				CHECK(ui_has_text(x.u, NOTICE_FR));
			}
		}
		/* two, one of 200 characters */
		m = mk_menu(1, 0);
		mk_notice(m, 7, 0);
		mk_notice(m, 8, 1);
		ui_menu(x.u, m, x.now);
		snprintf(label, sizeof label, "two notices %dx%d", sizes[s].w, sizes[s].h);
		check_frame(&x, label);
		if (sizes[s].w == 1080)
			CHECK(ui_has_text(x.u, "Fermé. Fermé."));
		/* the next menu has none: gone */
		ui_menu(x.u, mk_menu(1, 0), x.now);
		draw(&x);
		CHECK(!ui_has_text(x.u, NOTICE_FR));
		CHECK(!ui_has_text(x.u, "Fermé. Fermé."));
		check_frame(&x, "no notice");
		fx_close(&x);
	}
	CHECK(ar);
	CHECK(fr_only);
}

/* ---- an appointment's check-in (issue #12) ------------------------------------- */

/* An appointment's ticket (kind "appointment", 10:30) or another slip of a check-in. */
static struct client_ticket
mk_appt_ticket(const char *kind, const char *lang)
{
	struct client_ticket t = mk_ticket(strcmp(kind, "attestation") ? "A043" : "", kind, lang);

	snprintf(t.appt_id, sizeof t.appt_id, "ext-1");
	snprintf(t.appt_start, sizeof t.appt_start, "2026-12-04T10:30:00+01:00");
	t.appt_duration_min = 20;
	if (!strcmp(kind, "attestation"))
		snprintf(t.outcome, sizeof t.outcome, "late");
	if (!strcmp(kind, "walkin")) {
		t.late = 1;
		t.appt_id[0] = t.appt_start[0] = '\0';
	}
	return t;
}

/* From welcome to the code keypad in lang. */
static void
to_code(struct fx *x, const char *lang)
{
	char name[32];

	snprintf(name, sizeof name, "lang:%s", lang);
	CHECK(tap(x, "appt") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x->u)), "language");
	CHECK(tap(x, name) == 0);
	CHECK_STR(ui_screen_name(ui_screen(x->u)), "appt-code");
}

/* Type text as a keyboard does: each character with the key it is on, a
 * person's pace (a key's meaning from key_of; text what the layout types). */
static void
type_text(struct fx *x, const char *text)
{
	type_burst(x, text, 150, 0, UI_KEY_NONE);
}

/* The check-in asked for: exactly one CHECKIN action, into *a. */
static int
one_checkin(struct fx *x, struct ui_action *a)
{
	memset(a, 0, sizeof *a);
	return count_actions(x, UI_ACT_CHECKIN, a);
}

/*
 * Every screen of a check-in in `lang`, checked: the welcome screen's
 * button, the keypad (empty, typed, too short), the ticket with its time,
 * each refusal, the holder's keypad, a late walk-in, the late attestation.
 */
static void
walk_appt(int w, int h, int dpi, const char *lang)
{
	struct fx x;
	struct client_ticket t;
	char label[96];
	static const char *const refusals[][2] = {
		{ "too_early", "2026-12-04T10:15:00+01:00" }, { "unknown_code", "" },
		{ "not_today", "2026-12-18" }, { "cancelled", "" },
	};
	size_t i;

#define AT(what) (snprintf(label, sizeof label, "%dx%d@%d %s appointment %s", w, h, dpi, lang, \
	what), label)
	fx_open(&x, w, h, dpi, 1, 0);
	CHECK(ui_find_target(x.u, "appt") != NULL);
	to_code(&x, lang);
	check_frame(&x, AT("keypad"));
	type_text(&x, "k7");
	key(&x, UI_KEY_ENTER);
	count_actions(&x, UI_ACT_CHECKIN, NULL); /* the platform takes it */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-code");
	check_frame(&x, AT("keypad, too short"));
	type_text(&x, "p3qx");
	check_frame(&x, AT("keypad, typed"));
	key(&x, UI_KEY_ENTER);
	count_actions(&x, UI_ACT_CHECKIN, NULL); /* the platform takes it */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	t = mk_appt_ticket("appointment", lang);
	ui_issued(x.u, &t, mk_slip(), x.now);
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	CHECK(ui_state_is(x.u, "ticket:printed"));
	CHECK(ui_has_text(x.u, "10:30"));
	check_frame(&x, AT("ticket"));
	CHECK(tap(&x, "done") == 0);
	for (i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		to_code(&x, lang);
		type_text(&x, "K7P3QX");
		key(&x, UI_KEY_ENTER);
	count_actions(&x, UI_ACT_CHECKIN, NULL); /* the platform takes it */
		ui_checkin_failed(x.u, CLIENT_REFUSED, refusals[i][0], refusals[i][1], "refused",
		    x.now);
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-refused");
		check_frame(&x, AT(refusals[i][0]));
		CHECK(tap(&x, "done") == 0);
	}
	to_code(&x, lang);
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	count_actions(&x, UI_ACT_CHECKIN, NULL); /* the platform takes it */
	ui_checkin_failed(x.u, CLIENT_REFUSED, "holder_required", NULL, "needs the number", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	check_frame(&x, AT("holder"));
	type_text(&x, "X1234");
	key(&x, UI_KEY_ENTER);
	count_actions(&x, UI_ACT_CHECKIN, NULL); /* the platform takes it */
	ui_checkin_failed(x.u, CLIENT_REFUSED, "holder_mismatch", NULL, "not the holder", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	check_frame(&x, AT("holder mismatch"));
	type_text(&x, "X4321");
	key(&x, UI_KEY_ENTER);
	count_actions(&x, UI_ACT_CHECKIN, NULL); /* the platform takes it */
	t = mk_appt_ticket("walkin", lang);
	ui_issued(x.u, &t, mk_slip(), x.now);
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	check_frame(&x, AT("late walk-in"));
	CHECK(tap(&x, "done") == 0);
	to_code(&x, lang);
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	count_actions(&x, UI_ACT_CHECKIN, NULL); /* the platform takes it */
	t = mk_appt_ticket("attestation", lang);
	ui_issued(x.u, &t, mk_slip(), x.now);
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	CHECK(ui_state_is(x.u, "full:printed"));
	CHECK(ui_has_text(x.u, "10:30"));
	check_frame(&x, AT("late attestation"));
	CHECK(tap(&x, "done") == 0);
	to_code(&x, lang);
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	count_actions(&x, UI_ACT_CHECKIN, NULL); /* the platform takes it */
	ui_checkin_failed(x.u, CLIENT_FULL, "full", NULL, "no place", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "full");
	check_frame(&x, AT("late, full"));
	fx_close(&x);
#undef AT
}

/*
 * The check-in's behaviour: the keypad (no O, no I; typed by characters
 * on any layout), one CHECKIN per visit with the code, the language and a
 * holder only when asked; each answer's screen and words; Back; a scanned
 * code on the welcome screen, mid-visit and on the keypad; the printer
 * first; everything forgotten at the end.
 */
static void
test_appt(void)
{
	struct fx x;
	struct ui_action a;
	struct client_ticket t;
	int i;

	fx_open(&x, 1080, 1920, 96, 1, 0);
	CHECK(ui_has_text(x.u, "J'ai un rendez-vous"));
	to_code(&x, "fr");
	/* the keypad has every letter and digit but O and I */
	CHECK(ui_find_target(x.u, "key:0") != NULL);
	CHECK(ui_find_target(x.u, "key:1") != NULL);
	CHECK(ui_find_target(x.u, "key:K") != NULL);
	CHECK(ui_find_target(x.u, "key:O") == NULL);
	CHECK(ui_find_target(x.u, "key:I") == NULL);
	CHECK(ui_has_text(x.u, "Tapez le code de votre rendez-vous"));
	/* a French AZERTY keyboard: the key where a US layout has Q types 'a'
	 * (its character counts, not its place), the unshifted top row types
	 * '&' and "é" (no digit), Shift+'&' types '1' */
	ui_keypress(x.u, UI_KEY_LETTER_A + ('Q' - 'A'), "a", x.now += 200);
	ui_keypress(x.u, UI_KEY_DIGIT0 + 1, "&", x.now += 200);
	ui_keypress(x.u, UI_KEY_DIGIT0 + 2, "\xc3\xa9", x.now += 200);
	ui_keypress(x.u, UI_KEY_DIGIT0 + 1, "1", x.now += 200);
	draw(&x);
	CHECK(ui_has_text(x.u, "A1"));
	CHECK(!ui_has_text(x.u, "Q1"));
	CHECK(!ui_has_text(x.u, "A&"));
	/* O and I typed are the digits they are read as; separators are left out */
	type_text(&x, "o-i.b");
	CHECK(ui_has_text(x.u, "A101B"));
	/* Backspace erases, the on-screen keys type */
	key(&x, UI_KEY_BACK);
	CHECK(ui_has_text(x.u, "A101"));
	CHECK(!ui_has_text(x.u, "A101B"));
	CHECK(tap(&x, "key:Z") == 0);
	CHECK(ui_has_text(x.u, "A101Z"));
	for (i = 0; i < 5; i++)
		key(&x, UI_KEY_BACK);
	CHECK(tap(&x, "key-ok") == 0); /* empty: too short, said so */
	CHECK(ui_has_text(x.u, "Ce code est trop court. Vérifiez-le sur votre confirmation."));
	CHECK_INT(one_checkin(&x, &a), 0);
	/* the code, at most APPT_CODE_MAX characters */
	for (i = 0; i < APPT_CODE_MAX + 5; i++)
		ui_keypress(x.u, UI_KEY_NONE, "7", x.now += 150);
	ui_keypress(x.u, UI_KEY_ENTER, NULL, x.now += 150);
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_INT(strlen(a.code), APPT_CODE_MAX);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	fx_close(&x);

	/* 1. the check-in: one action, with the code, the language, no holder */
	fx_open(&x, 1080, 1920, 96, 1, 0);
	to_code(&x, "ar");
	type_text(&x, "k7p 3qx");
	CHECK(tap(&x, "key-ok") == 0);
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.code, "K7P3QX");
	CHECK_STR(a.lang, "ar");
	CHECK_STR(a.holder, "");
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, NULL), 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	/* a second tap or Enter asks nothing */
	key(&x, UI_KEY_ENTER);
	ui_tap(x.u, 540, 960, x.now += 1000);
	CHECK_INT(one_checkin(&x, &a), 0);
	/* the ticket: its number and the appointment's time */
	t = mk_appt_ticket("appointment", "ar");
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_state_is(x.u, "ticket:printing"));
	CHECK(ui_has_text(x.u, "A043"));
	CHECK(ui_has_text(x.u, i18n_tr("ar", "Rendez-vous à %s") ? "10:30" : "?"));
	{
		char want[128];
		snprintf(want, sizeof want, i18n_tr("ar", "Rendez-vous à %s"), "10:30");
		CHECK(strcmp(want, "Rendez-vous à 10:30") != 0);
		CHECK(ui_has_text(x.u, want));
	}
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	/* the second check-in: the same ticket, said so */
	CHECK(tap(&x, "done") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	to_code(&x, "fr");
	CHECK(!ui_has_text(x.u, "K7P3QX")); /* forgotten with the visit */
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	t = mk_appt_ticket("appointment", "fr");
	t.duplicate = 1;
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_has_text(x.u, "Vous avez déjà un ticket pour aujourd'hui. Le voici à nouveau."));
	CHECK(ui_has_text(x.u, "Rendez-vous à 10:30"));
	fx_close(&x);

	/* 2. each refusal in plain words */
	fx_open(&x, 1080, 1920, 96, 1, 0);
	to_code(&x, "fr");
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	count_actions(&x, UI_ACT_CHECKIN, NULL);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "too_early", "2026-12-04T10:15:00+01:00", "too early",
	    x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-refused");
	CHECK(ui_has_text(x.u, "Vous êtes en avance pour votre rendez-vous."));
	CHECK(ui_has_text(x.u, "Revenez à 10:15 pour enregistrer votre arrivée."));
	CHECK(ui_find_target(x.u, "back") == NULL);
	CHECK(tap(&x, "done") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	to_code(&x, "fr");
	type_text(&x, "K7P3QY");
	key(&x, UI_KEY_ENTER);
	CHECK_INT(one_checkin(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "unknown_code", NULL, "no such code", x.now);
	CHECK(ui_has_text(x.u, "Ce code de rendez-vous est inconnu."));
	CHECK(ui_has_text(x.u, "Vérifiez le code sur votre confirmation et tapez-le à nouveau."));
	/* Back: the keypad with the code, to correct it */
	CHECK(tap(&x, "back") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-code");
	CHECK(ui_has_text(x.u, "K7P3QY"));
	key(&x, UI_KEY_BACK);
	type_text(&x, "X");
	key(&x, UI_KEY_ENTER);
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.code, "K7P3QX");
	ui_checkin_failed(x.u, CLIENT_REFUSED, "not_today", "2026-12-18", "another day", x.now);
	CHECK(ui_has_text(x.u, "Votre rendez-vous n'est pas aujourd'hui."));
	CHECK(ui_has_text(x.u, "Votre rendez-vous est le vendredi 18 décembre 2026."));
	CHECK(tap(&x, "done") == 0);
	to_code(&x, "fr");
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "cancelled", NULL, "cancelled", x.now);
	CHECK(ui_has_text(x.u, "Ce rendez-vous a été annulé."));
	CHECK(ui_has_text(x.u, "Allez à l'accueil : un agent va vous aider."));
	CHECK(tap(&x, "done") == 0);
	/* the other failures, as for a ticket */
	to_code(&x, "fr");
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	ui_checkin_failed(x.u, CLIENT_CLOSED, "closed", NULL, "closed", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "closed");
	ui_menu(x.u, mk_menu(1, 0), x.now); /* open again: back to the code */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-code");
	CHECK(ui_has_text(x.u, "K7P3QX"));
	CHECK(tap(&x, "cancel") == 0);
	to_code(&x, "fr");
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	ui_checkin_failed(x.u, CLIENT_UNCERTAIN, "Kq3xZ9yTgH1aBcDeFgHiJk", NULL, "no answer", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "uncertain");
	CHECK(ui_has_text(x.u, "Kq3xZ9yTgH1aBcDeFgHiJk"));
	CHECK(tap(&x, "done") == 0);
	/* the server down: back to the keypad with the code once it answers */
	to_code(&x, "fr");
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	ui_checkin_failed(x.u, CLIENT_UNREACHABLE, "", NULL, "connection refused", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "server-down");
	ui_menu(x.u, mk_menu(1, 0), x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-code");
	CHECK(ui_has_text(x.u, "K7P3QX"));
	fx_close(&x);

	/* 3. a bound appointment: the document keypad, then the check-in
	 * again with the number; a mismatch says so */
	fx_open(&x, 1080, 1920, 96, 1, 0);
	to_code(&x, "en");
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.holder, "");
	ui_checkin_failed(x.u, CLIENT_REFUSED, "holder_required", NULL, "needs the number", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	CHECK(ui_has_text(x.u, "Your number is not kept. It is only used to check that this appointment is yours."));
	CHECK_INT(count_actions(&x, UI_ACT_REFRESH, NULL), 0);
	/* Back from the document keypad: the code keypad */
	key(&x, UI_KEY_BACK);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-code");
	key(&x, UI_KEY_ENTER);
	CHECK_INT(one_checkin(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "holder_required", NULL, "needs the number", x.now);
	type_text(&x, "X1234");
	key(&x, UI_KEY_ENTER);
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.code, "K7P3QX");
	CHECK_STR(a.holder, "X1234");
	CHECK_STR(a.lang, "en");
	ui_checkin_failed(x.u, CLIENT_REFUSED, "holder_mismatch", NULL, "not the holder", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	CHECK(ui_has_text(x.u, "This number does not match your appointment. Check it and type it again."));
	type_text(&x, "X4321");
	CHECK(!ui_has_text(x.u, "does not match")); /* typing clears it */
	key(&x, UI_KEY_ENTER);
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.holder, "X4321");
	ui_checkin_failed(x.u, CLIENT_REFUSED, "bad_holder", NULL, "not a number", x.now);
	CHECK(ui_has_text(x.u, "This number is not valid. Check it and type it again."));
	fx_close(&x);

	/* 4. too late: a walk-in ticket, or an attestation naming the appointment */
	fx_open(&x, 1080, 1920, 96, 1, 0);
	to_code(&x, "fr");
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	t = mk_appt_ticket("walkin", "fr");
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "ticket");
	CHECK(ui_has_text(x.u, "L'heure de votre rendez-vous est passée. Vous avez un ticket sans rendez-vous."));
	CHECK(!ui_has_text(x.u, "Rendez-vous à"));
	CHECK(tap(&x, "done") == 0);
	to_code(&x, "fr");
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	t = mk_appt_ticket("attestation", "fr");
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_state_is(x.u, "full:printing"));
	CHECK(ui_has_text(x.u, "L'heure de votre rendez-vous est passée."));
	CHECK(ui_has_text(x.u, "Rendez-vous à 10:30"));
	CHECK(!ui_has_text(x.u, "Ce service est complet pour aujourd'hui."));
	CHECK(tap(&x, "done") == 0);
	to_code(&x, "fr");
	type_text(&x, "K7P3QX");
	key(&x, UI_KEY_ENTER);
	ui_checkin_failed(x.u, CLIENT_FULL, "full", NULL, "no place", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "full");
	CHECK(ui_has_text(x.u, "L'heure de votre rendez-vous est passée."));
	CHECK(ui_has_text(x.u, "Ce service est complet pour aujourd'hui."));
	fx_close(&x);

	/* 5. a scanned confirmation: on the welcome screen the visit starts
	 * (the language first), then the check-in without a keypad */
	fx_open(&x, 1080, 1920, 96, 1, 0);
	scan(&x, "K7P-3QX");
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "language");
	CHECK(tap(&x, "lang:ta") == 0);
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.code, "K7P3QX");
	CHECK_STR(a.lang, "ta");
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	ui_checkin_failed(x.u, CLIENT_REFUSED, "unknown_code", NULL, "no such code", x.now);
	CHECK(tap(&x, "done") == 0);
	/* mid-visit (a walk-in's procedure screen): a code starting with a
	 * digit picks no procedure; the check-in, in the language chosen */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:es") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "procedure");
	scan(&x, "3QX7P2");
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.code, "3QX7P2");
	CHECK_STR(a.lang, "es");
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, NULL), 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	ui_checkin_failed(x.u, CLIENT_REFUSED, "cancelled", NULL, "cancelled", x.now);
	CHECK(tap(&x, "done") == 0);
	/* on the keypad: what it typed, and its Enter checks in */
	to_code(&x, "fr");
	type_text(&x, "ZZ");
	scan(&x, "K7P3QX");
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.code, "ZZK7P3QX");
	ui_checkin_failed(x.u, CLIENT_REFUSED, "unknown_code", NULL, "no such code", x.now);
	CHECK(tap(&x, "back") == 0);
	for (i = 0; i < 8; i++)
		key(&x, UI_KEY_BACK);
	scan(&x, "K7P3QX");
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.code, "K7P3QX");
	ui_checkin_failed(x.u, CLIENT_REFUSED, "cancelled", NULL, "cancelled", x.now);
	CHECK(tap(&x, "done") == 0);
	/* an attestation scanned on the welcome screen is still one: tried
	 * as a convocation's check-in by its token (no code), and kept when
	 * it is none */
	scan(&x, ATT);
	CHECK_STR(ui_previous(x.u), ATT);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.code, "");
	CHECK_STR(a.previous, ATT);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "not_convocation", NULL, "not a convocation", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "procedure");
	CHECK_STR(ui_previous(x.u), ATT);
	fx_close(&x);

	/* 6. Back and the language: the keypad keeps the code; the printer
	 * out of paper is said before anything is asked; idle forgets */
	fx_open(&x, 1080, 1920, 96, 1, 0);
	to_code(&x, "fr");
	type_text(&x, "K7P");
	key(&x, UI_KEY_BACK);
	CHECK(ui_has_text(x.u, "K7"));
	CHECK(tap(&x, "back") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "language");
	CHECK(tap(&x, "lang:uk") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-code");
	CHECK(ui_has_text(x.u, "K7"));
	type_text(&x, "P3QX");
	ui_printer(x.u, ESCPOS_PAPER_OUT, "paper out", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-code");
	key(&x, UI_KEY_ENTER);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "printer");
	CHECK_INT(one_checkin(&x, &a), 0);
	ui_printer(x.u, ESCPOS_READY, NULL, x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-code");
	later(&x, 60000);
	CHECK(ui_idle_showing(x.u));
	later(&x, 20000);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "procedure"); /* a walk-in's visit */
	fx_close(&x);
}

/* ---- walking every screen ---------------------------------------------------- */

/*
 * Go through every screen in `lang` and check each frame. mode: 0 normal,
 * 1 large text, 2 high contrast.
 */
static void
walk(int w, int h, int dpi, const char *lang, int mode)
{
	struct fx x;
	char label[96], name[32];
	struct client_ticket t;

#define AT(what) (snprintf(label, sizeof label, "%dx%d@%d %s%s %s", w, h, dpi, lang, \
	mode == 1 ? " large" : mode == 2 ? " contrast" : "", what), label)
	fx_open(&x, w, h, dpi, 1, 1);
	check_frame(&x, AT("welcome"));
	if (mode == 1)
		CHECK(tap(&x, "large") == 0);
	if (mode == 2)
		CHECK(tap(&x, "contrast") == 0);
	CHECK(tap(&x, "start") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "language");
	check_frame(&x, AT("language"));
	snprintf(name, sizeof name, "lang:%s", lang);
	CHECK(tap(&x, name) == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "procedure");
	check_frame(&x, AT("procedure"));
	CHECK(tap(&x, "dontknow") == 0);
	check_frame(&x, AT("guide 1"));
	CHECK(tap(&x, "yes") == 0);
	check_frame(&x, AT("guide 2"));
	CHECK(tap(&x, "yes") == 0); /* ready to collect: pick-up (C) */
	check_frame(&x, AT("guide result"));
	CHECK(ui_find_target(x.u, "found") != NULL);
	CHECK(tap(&x, "back") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK(tap(&x, "no") == 0); /* not naturalisation: renewal (B) */
	CHECK(tap(&x, "found") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
	check_frame(&x, AT("priority"));
	CHECK(tap(&x, "yes") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	scan(&x, TORN); /* the note above the keypad, the tightest screen */
	check_frame(&x, AT("holder, unreadable scan"));
	scan(&x, ATT);
	check_frame(&x, AT("holder, attestation scanned"));
	key(&x, UI_KEY_LETTER_A + ('X' - 'A'));
	key(&x, UI_KEY_DIGIT0 + 1);
	CHECK(tap(&x, "key-ok") == 0); /* too short */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	check_frame(&x, AT("holder, too short"));
	CHECK(tap(&x, "key:2") == 0);
	CHECK(tap(&x, "key:3") == 0);
	CHECK(tap(&x, "key:B") == 0);
	CHECK(tap(&x, "key:C") == 0);
	check_frame(&x, AT("holder"));
	CHECK(tap(&x, "key-ok") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	check_frame(&x, AT("confirm"));
	CHECK(tap(&x, "confirm") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	check_frame(&x, AT("issuing"));
	t = mk_ticket("B042", "ticket", lang);
	t.priority = 1;
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_state_is(x.u, "ticket:printing"));
	check_frame(&x, AT("ticket printing"));
	CHECK(ui_has_text(x.u, "B042"));
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	CHECK(ui_state_is(x.u, "ticket:printed"));
	check_frame(&x, AT("ticket printed"));
	later(&x, 20000);
	CHECK(ui_idle_showing(x.u));
	check_frame(&x, AT("idle"));
	later(&x, 20000);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	fx_close(&x);

	/* a failed print, and the attestation when full */
	fx_open(&x, w, h, dpi, 1, 1);
	if (mode == 1)
		CHECK(tap(&x, "large") == 0);
	if (mode == 2)
		CHECK(tap(&x, "contrast") == 0);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, name) == 0);
	CHECK(tap(&x, "service:E") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK(tap(&x, "confirm") == 0);
	t = mk_ticket("E007", "ticket", lang);
	ui_issued(x.u, &t, mk_slip(), x.now);
	ui_printed(x.u, 0, ESCPOS_PAPER_OUT, "printer out of paper", x.now);
	CHECK(ui_state_is(x.u, "ticket:failed"));
	CHECK(ui_has_text(x.u, "E007"));
	check_frame(&x, AT("ticket failed"));
	CHECK(tap(&x, "done") == 0);
	ui_printer(x.u, ESCPOS_READY, NULL, x.now);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, name) == 0);
	CHECK(tap(&x, "service:C") == 0); /* full: straight to the confirmation */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	check_frame(&x, AT("confirm full"));
	scan(&x, TORN);
	check_frame(&x, AT("confirm full, unreadable scan"));
	scan(&x, ATT);
	CHECK_STR(ui_previous(x.u), ATT);
	check_frame(&x, AT("confirm full, attestation scanned"));
	CHECK(tap(&x, "confirm") == 0);
	/* the server refuses that attestation: issued without it */
	ui_issue_failed(x.u, CLIENT_REFUSED, "bad_previous", "bad signature", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	t = mk_ticket("", "attestation", lang);
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_state_is(x.u, "full:printing"));
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	CHECK(ui_state_is(x.u, "full:printed"));
	check_frame(&x, AT("full, attestation"));
	CHECK(tap(&x, "done") == 0);
	/* the other error screens, reached with a language chosen */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, name) == 0);
	CHECK(tap(&x, "service:E") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK(tap(&x, "confirm") == 0);
	ui_issue_failed(x.u, CLIENT_FULL, "full", "capacity reached", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "full");
	check_frame(&x, AT("full"));
	CHECK(tap(&x, "back") == 0);
	CHECK(tap(&x, "service:E") == 0); /* now known full: no priority question */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	CHECK(tap(&x, "confirm") == 0);
	ui_issue_failed(x.u, CLIENT_REFUSED, "", "unknown service 'E'", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "refused");
	check_frame(&x, AT("refused"));
	CHECK(tap(&x, "done") == 0);
	/* no answer after the retries: a ticket may exist; never "no ticket" */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, name) == 0);
	CHECK(tap(&x, "service:E") == 0);
	CHECK(tap(&x, "confirm") == 0);
	ui_issue_failed(x.u, CLIENT_UNCERTAIN, "Kq3xZ9yTgH1aBcDeFgHiJk", "no answer", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "uncertain");
	check_frame(&x, AT("uncertain"));
	CHECK(ui_has_text(x.u, "Kq3xZ9yTgH1aBcDeFgHiJk"));
	CHECK(tap(&x, "done") == 0);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, name) == 0);
	CHECK(tap(&x, "service:E") == 0);
	CHECK(tap(&x, "confirm") == 0);
	/* the server reconnecting to its database: a wait, said so */
	ui_issue_failed(x.u, CLIENT_UNAVAILABLE, "reconnecting", "reconnecting to the database: "
	    "cannot connect", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "server-down");
	check_frame(&x, AT("reconnecting"));
	{
		/* its first word (or first characters), in the visitor's language */
		const char *tr = i18n_tr(lang, "Reconnexion en cours. Un instant, s'il vous plaît : "
		    "votre demande reprendra d'elle-même.");
		char word[32];
		size_t k = 0;
		while (tr[k] && tr[k] != ' ' && k < 9)
			k++;
		while (k > 0 && ((unsigned char)tr[k] & 0xC0) == 0x80)
			k--;
		snprintf(word, sizeof word, "%.*s", (int)k, tr);
		CHECK(ui_has_text(x.u, word));
	}
	ui_menu(x.u, mk_menu(1, 1), x.now); /* the server back: the visit goes on */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	CHECK(tap(&x, "confirm") == 0);
	ui_issue_failed(x.u, CLIENT_UNREACHABLE, "", "connection refused", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "server-down");
	check_frame(&x, AT("server down"));
	CHECK(!ui_has_text(x.u, "Reconnexion"));
	ui_printer(x.u, ESCPOS_COVER_OPEN, "cover open", x.now);
	ui_menu(x.u, mk_menu(1, 1), x.now); /* server back, printer not */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "printer");
	check_frame(&x, AT("printer"));
	ui_menu(x.u, mk_menu(0, 1), x.now);
	ui_printer(x.u, ESCPOS_READY, NULL, x.now);
	CHECK(tap(&x, "done") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "closed");
	CHECK(tap(&x, "language") == 0);
	CHECK(tap(&x, name) == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "closed");
	check_frame(&x, AT("closed"));
	CHECK(ui_has_text(x.u, "08:30"));
	CHECK(ui_has_text(x.u, "28/12/2026"));     /* the next opening, day and time */
	CHECK(ui_has_text(x.u, "09:15"));
	fx_close(&x);
#undef AT
}

/* ---- behaviour ----------------------------------------------------------------- */

/* From welcome to the confirmation of service E (not bound) in French. */
static void
to_confirm(struct fx *x, const char *service)
{
	CHECK(tap(x, "start") == 0);
	CHECK(tap(x, "lang:fr") == 0);
	CHECK(tap(x, service) == 0);
	CHECK(tap(x, "no") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x->u)), "confirm");
}

static void
test_double_tap(void)
{
	struct fx x;
	const struct ui_target *t;
	struct ui_action a;
	struct rect r;
	struct client_ticket tk;
	int i;

	/* two taps at the same instant on "Obtenir mon ticket": one ticket */
	fx_open(&x, 1080, 1920, 96, 1, 0);
	to_confirm(&x, "service:E");
	count_actions(&x, UI_ACT_ISSUE, NULL);
	draw(&x);
	t = ui_find_target(x.u, "confirm");
	REQUIRE(t != NULL);
	r = t->r;
	x.now = ui_tap_ready(x.u) + 1;
	ui_tap(x.u, r.x + 5, r.y + 5, x.now);
	ui_tap(x.u, r.x + 5, r.y + 5, x.now);
	memset(&a, 0, sizeof a);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, &a), 1);
	CHECK_STR(a.service, "E");
	CHECK_STR(a.lang, "fr");
	CHECK_INT(a.priority, 0);
	CHECK_STR(a.holder, "");
	/* and more taps, keys and digits while issuing: still nothing */
	for (i = 0; i < 20; i++) {
		x.now += 97;
		ui_tap(x.u, r.x + 5 + i, r.y + 5, x.now);
		ui_key(x.u, UI_KEY_ENTER, x.now);
		ui_key(x.u, UI_KEY_DIGIT0 + 1, x.now);
		draw(&x);
	}
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, NULL), 0);
	CHECK_INT(x.u ? draw(&x)->ntargets : -1, 0);
	/* the ticket arrives; a late tap where the button was gives no ticket */
	tk = mk_ticket("E001", "ticket", "fr");
	ui_issued(x.u, &tk, mk_slip(), x.now);
	for (i = 0; i < 10; i++) {
		x.now += 100;
		ui_tap(x.u, r.x + 5, r.y + 5, x.now);
		draw(&x);
	}
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, NULL), 0);
	fx_close(&x);

	/* a double tap on a service: the second half lands on the next screen
	 * during the tap guard and does nothing there */
	fx_open(&x, 1080, 1920, 96, 1, 0);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	t = ui_find_target(x.u, "service:E");
	REQUIRE(t != NULL);
	r = t->r;
	x.now = ui_tap_ready(x.u);
	ui_tap(x.u, r.x + r.w / 2, r.y + r.h / 2, x.now);
	draw(&x);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
	for (i = 0; i < ((struct ui_frame *)draw(&x))->ntargets; i++) {
		/* tap every target of the new screen 100 ms later: none acts */
		const struct ui_target *tt = &draw(&x)->targets[i];
		ui_tap(x.u, tt->r.x + tt->r.w / 2, tt->r.y + tt->r.h / 2, x.now + 100);
	}
	draw(&x);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
	/* after the guard, a tap acts */
	x.now += UI_TAP_GUARD_MS + 1;
	CHECK(tap(&x, "no") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	fx_close(&x);
}

static void
test_idle(void)
{
	struct fx x;
	struct client_ticket tk;
	int64_t d;

	fx_open(&x, 1920, 1080, 96, 1, 0);
	/* nobody there: no idle timer on the welcome screen, only the cycling text */
	d = ui_next_deadline(x.u);
	CHECK(d > x.now && d <= x.now + 2500);
	later(&x, 600000);
	CHECK(!ui_idle_showing(x.u));
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	/* a visitor who chose Arabic, large text, and stopped */
	CHECK(tap(&x, "large") == 0);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:ar") == 0);
	CHECK(tap(&x, "service:E") == 0);
	CHECK_INT(ui_next_deadline(x.u), x.now + 60000);
	later(&x, 59999);
	CHECK(!ui_idle_showing(x.u));
	later(&x, 1);
	CHECK(ui_idle_showing(x.u));
	draw(&x);
	CHECK(ui_find_target(x.u, "more") != NULL);
	CHECK(ui_has_text(x.u, "20")); /* the seconds are shown */
	CHECK_INT(ui_next_deadline(x.u), x.now + 1000);
	later(&x, 1000);
	draw(&x);
	CHECK(ui_has_text(x.u, "19"));
	/* "more time" extends: back on the same screen, a new full idle time */
	CHECK(tap(&x, "more") == 0);
	CHECK(!ui_idle_showing(x.u));
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
	CHECK_STR(ui_lang(x.u), "ar");
	/* a tap anywhere also extends */
	later(&x, 60000);
	CHECK(ui_idle_showing(x.u));
	x.now += 10;
	ui_tap(x.u, 3, x.h - 3, x.now);
	CHECK(!ui_idle_showing(x.u));
	/* a key too */
	later(&x, 60000);
	CHECK(ui_idle_showing(x.u));
	key(&x, UI_KEY_DOWN);
	CHECK(!ui_idle_showing(x.u));
	/* then nothing: back to welcome, nothing of the visitor left */
	later(&x, 60000);
	CHECK(ui_idle_showing(x.u));
	later(&x, 19999);
	CHECK(ui_idle_showing(x.u));
	later(&x, 1);
	CHECK(!ui_idle_showing(x.u));
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	CHECK_STR(ui_lang(x.u), "fr");
	draw(&x);
	CHECK(ui_find_target(x.u, "start") != NULL);

	/* the ticket screen times out sooner, and forgets the number */
	to_confirm(&x, "service:E");
	CHECK(tap(&x, "confirm") == 0);
	/* no countdown while waiting for the server or the printer */
	later(&x, 300000);
	CHECK(!ui_idle_showing(x.u));
	tk = mk_ticket("E123", "ticket", "fr");
	ui_issued(x.u, &tk, mk_slip(), x.now);
	later(&x, 300000);
	CHECK(!ui_idle_showing(x.u));
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	draw(&x);
	CHECK(ui_has_text(x.u, "E123"));
	later(&x, 20000);
	CHECK(ui_idle_showing(x.u));
	later(&x, 20000);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	draw(&x);
	CHECK(!ui_has_text(x.u, "E123"));
	CHECK_INT(ui_print_state(x.u), UI_PRINT_NONE);
	fx_close(&x);
}

static void
test_mirror(void)
{
	static const char *const names[] = { "service:A", "service:B", "service:E", "dontknow",
		"large", "contrast", "listen", "language" };
	struct fx a, b;
	const struct ui_frame *f;
	size_t i;
	int k, rtl_texts = 0, arabic = 0;

	fx_open(&a, 1920, 1080, 96, 1, 0);
	fx_open(&b, 1920, 1080, 96, 1, 0);
	CHECK(tap(&a, "start") == 0);
	CHECK(tap(&a, "lang:en") == 0);
	CHECK(tap(&b, "start") == 0);
	CHECK(tap(&b, "lang:ar") == 0);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct ui_target *ta = ui_find_target(a.u, names[i]);
		const struct ui_target *tb = ui_find_target(b.u, names[i]);
		REQUIRE(ta != NULL && tb != NULL);
		CHECK_INT(tb->r.x, 1920 - ta->r.x - ta->r.w);
		CHECK_INT(tb->r.y, ta->r.y);
		CHECK_INT(tb->r.w, ta->r.w);
	}
	/* Arabic text is drawn right to left and right-aligned */
	f = draw(&b);
	for (k = 0; k < f->ncmds; k++) {
		const struct ui_cmd *c = &f->cmds[k];
		if (c->kind != UI_CMD_TEXT || strcmp(c->lang, "ar"))
			continue;
		arabic++;
		if ((c->flags & TEXT_RTL) && (c->align == TEXT_ALIGN_RIGHT || c->align == TEXT_ALIGN_CENTRE))
			rtl_texts++;
	}
	CHECK(arabic > 10);
	CHECK_INT(rtl_texts, arabic);
	/* the back button is at the right in Arabic, its arrow mirrored */
	CHECK(ui_find_target(b.u, "back")->r.x > 1920 / 2);
	CHECK(ui_find_target(a.u, "back")->r.x < 1920 / 2);
	fx_close(&a);
	fx_close(&b);
}

static void
test_keys(void)
{
	struct fx x;
	const struct ui_frame *f;
	struct ui_action a;
	int i, focus = 0;

	fx_open(&x, 1080, 1920, 96, 1, 0);
	key(&x, UI_KEY_ENTER); /* any key starts */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "language");
	x.now += 1000;
	key(&x, UI_KEY_DIGIT0 + 4); /* the fourth language: Arabic */
	CHECK_STR(ui_lang(x.u), "ar");
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "procedure");
	key(&x, UI_KEY_BACK);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "language");
	key(&x, UI_KEY_DIGIT0 + 1);
	CHECK_STR(ui_lang(x.u), "fr");
	/* arrows: the first one focuses, Enter activates the focus */
	key(&x, UI_KEY_DOWN);
	f = draw(&x);
	for (i = 0; i < f->ncmds; i++)
		if (f->cmds[i].kind == UI_CMD_FOCUS)
			focus++;
	CHECK_INT(focus, 1);
	key(&x, UI_KEY_DOWN); /* service:A -> service:B */
	key(&x, UI_KEY_ENTER);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
	key(&x, UI_KEY_DIGIT0 + 1); /* a digit does not answer the priority question */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
	key(&x, UI_KEY_DOWN);       /* the focus, on Yes first; Enter answers */
	key(&x, UI_KEY_ENTER);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	/* a keyboard types the document number */
	key(&x, UI_KEY_LETTER_A + 2);
	key(&x, UI_KEY_DIGIT0 + 7);
	key(&x, UI_KEY_DIGIT0 + 7);
	key(&x, UI_KEY_DIGIT0 + 9);
	key(&x, UI_KEY_DIGIT0 + 5);
	key(&x, UI_KEY_BACK); /* erases the 5 */
	key(&x, UI_KEY_DIGIT0 + 1);
	CHECK(ui_has_text(x.u, "C7791"));
	key(&x, UI_KEY_ENTER);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	CHECK(ui_has_text(x.u, "791")); /* the mask: the last three */
	CHECK(!ui_has_text(x.u, "C7791"));
	count_actions(&x, UI_ACT_ISSUE, NULL);
	key(&x, UI_KEY_DIGIT0 + 1);
	memset(&a, 0, sizeof a);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, &a), 1);
	CHECK_STR(a.service, "B");
	CHECK_INT(a.priority, 1);
	CHECK_STR(a.holder, "C7791");
	/* large text and contrast keys */
	key(&x, UI_KEY_LARGE);
	key(&x, UI_KEY_CONTRAST);
	f = draw(&x);
	CHECK(f->bg.r == 0 && f->bg.g == 0 && f->bg.b == 0);
	fx_close(&x);
}

static void
test_speech(void)
{
	struct fx x;
	struct ui_action a;
	int n;

	fx_open(&x, 1080, 1920, 96, 1, 0);
	CHECK(tap(&x, "start") == 0);
	key(&x, UI_KEY_LISTEN);
	memset(&a, 0, sizeof a);
	CHECK_INT(count_actions(&x, UI_ACT_SPEAK, &a), 1);
	/* every language read in its own language */
	CHECK(a.speech && strstr(a.speech, "fr\tChoisissez votre langue\n"));
	CHECK(a.speech && strstr(a.speech, "ar\t4. العربية\n"));
	CHECK(a.speech && strstr(a.speech, "ta\t"));
	free(a.speech);
	a.speech = NULL;
	/* each new screen is read in the chosen language */
	CHECK(tap(&x, "lang:ar") == 0);
	CHECK_INT(count_actions(&x, UI_ACT_SPEAK, &a), 1);
	CHECK(a.speech && strncmp(a.speech, "ar\t", 3) == 0);
	CHECK(a.speech && strstr(a.speech, i18n_tr("ar", "Choisissez votre démarche")));
	free(a.speech);
	a.speech = NULL;
	/* moving the focus reads the focused choice */
	key(&x, UI_KEY_DOWN);
	n = count_actions(&x, UI_ACT_SPEAK, &a);
	CHECK_INT(n, 1);
	CHECK(a.speech && strstr(a.speech, i18n_tr("ar", "Premier titre de séjour")));
	free(a.speech);
	a.speech = NULL;
	/* the bar's button stops it */
	CHECK(tap(&x, "listen") == 0);
	CHECK_INT(count_actions(&x, UI_ACT_HUSH, NULL), 1);
	CHECK(tap(&x, "service:E") == 0);
	CHECK_INT(count_actions(&x, UI_ACT_SPEAK, NULL), 0);
	fx_close(&x);
}

/* The smallest text size drawn inside target `name` in the last frame, 0 when
 * it has no text (pictogram only), -1 when there is no such target. */
static int
label_size(struct fx *x, const char *name)
{
	const struct ui_frame *f = draw(x);
	int i, ti = -1, sz = 0;

	for (i = 0; i < f->ntargets; i++)
		if (!strcmp(f->targets[i].name, name))
			ti = i;
	if (ti < 0)
		return -1;
	for (i = 0; i < f->ncmds; i++)
		if (f->cmds[i].kind == UI_CMD_TEXT && f->cmds[i].target == ti &&
		    (sz == 0 || f->cmds[i].size_px < sz))
			sz = f->cmds[i].size_px;
	return sz;
}

/* "Grands caractères" never makes the bottom bar's labels smaller than in
 * normal text, nor drops a label normal text shows, at any window size. */
static void
test_large_bar(void)
{
	static const struct { int w, h, dpi; } sz[] = {
		{ 800, 480, 96 }, { 800, 480, 160 }, { 1024, 600, 96 }, { 1080, 1920, 96 },
		{ 1920, 1080, 96 }, { 1080, 1920, 160 },
	};
	static const char *const bar[] = { "large", "contrast", "listen", "language" };
	static const char *const langs[] = { "fr", "ar", "ta" };
	size_t i, j, l;

	for (i = 0; i < sizeof sz / sizeof sz[0]; i++)
		for (l = 0; l < sizeof langs / sizeof langs[0]; l++) {
			struct fx x;
			int normal[4], large[4];
			char lab[16];
			fx_open(&x, sz[i].w, sz[i].h, sz[i].dpi, 1, 0);
			snprintf(lab, sizeof lab, "lang:%s", langs[l]);
			CHECK(tap(&x, "start") == 0);
			CHECK(tap(&x, lab) == 0);
			for (j = 0; j < 4; j++)
				normal[j] = label_size(&x, bar[j]);
			CHECK(tap(&x, "large") == 0);
			for (j = 0; j < 4; j++) {
				large[j] = label_size(&x, bar[j]);
				CHECK(large[j] >= normal[j]);
				if (large[j] < normal[j])
					fprintf(stderr, "  %dx%d@%d %s: bar label %s is %d px in large text, "
					    "%d px in normal text\n", sz[i].w, sz[i].h, sz[i].dpi, langs[l],
					    bar[j], large[j], normal[j]);
			}
			fx_close(&x);
		}
}

/* Where Yes and No sit on the priority question: the same arrangement
 * (side by side, or stacked) in French and in Arabic, at every size; Yes at
 * the reading start: left in French, right in Arabic (mirrored). */
static void
test_yes_no_places(void)
{
	static const struct { int w, h, dpi, large; } sz[] = {
		{ 1080, 1920, 96, 0 }, { 1920, 1080, 96, 0 }, { 800, 480, 96, 0 },
		{ 1080, 1920, 160, 0 }, { 1080, 1920, 96, 1 }, { 800, 480, 96, 1 },
	};
	static const char *const langs[] = { "fr", "ar", "ta", "zh" };
	size_t i, l;

	for (i = 0; i < sizeof sz / sizeof sz[0]; i++) {
		int side0 = -1;
		for (l = 0; l < sizeof langs / sizeof langs[0]; l++) {
			struct fx x;
			const struct ui_target *y, *n;
			char lab[16];
			int side, rtl = !strcmp(langs[l], "ar");
			fx_open(&x, sz[i].w, sz[i].h, sz[i].dpi, 1, 0);
			snprintf(lab, sizeof lab, "lang:%s", langs[l]);
			CHECK(tap(&x, "start") == 0);
			CHECK(tap(&x, lab) == 0);
			if (sz[i].large)
				CHECK(tap(&x, "large") == 0);
			CHECK(tap(&x, "service:E") == 0);
			CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
			draw(&x);
			y = ui_find_target(x.u, "yes");
			n = ui_find_target(x.u, "no");
			REQUIRE(y != NULL && n != NULL);
			side = y->r.y == n->r.y;
			if (side0 < 0)
				side0 = side;
			CHECK_INT(side, side0);
			if (side != side0)
				fprintf(stderr, "  %dx%d@%d%s: Yes/No %s in %s, %s in fr\n", sz[i].w, sz[i].h,
				    sz[i].dpi, sz[i].large ? " large" : "", side ? "side by side" : "stacked",
				    langs[l], side0 ? "side by side" : "stacked");
			if (side)
				CHECK(rtl ? y->r.x > n->r.x : y->r.x < n->r.x);
			else
				CHECK(y->r.y < n->r.y);
			/* the same sizes: only the side changes with the direction */
			CHECK_INT(y->r.w, n->r.w);
			CHECK_INT(y->r.h, n->r.h);
			fx_close(&x);
		}
	}
}

/* Digits typed on a hardware keyboard do not answer the priority question
 * (a child at the keyboard, a stray keypad): only a tap, or the focus and
 * Enter, answer it. The numbered cards of lists still take their digits. */
static void
test_priority_digits(void)
{
	struct fx x;
	int d;

	fx_open(&x, 1080, 1920, 96, 1, 0);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(tap(&x, "service:E") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
	for (d = 0; d <= 9; d++) {
		x.now += 400;
		ui_keypress(x.u, (enum ui_key)(UI_KEY_DIGIT0 + d), (char[]){ (char)('0' + d), 0 }, x.now);
		x.now += 400;
		ui_tick(x.u, x.now);
		draw(&x);
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
		key(&x, (enum ui_key)(UI_KEY_DIGIT0 + d));
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
	}
	/* the focus and Enter still answer */
	key(&x, UI_KEY_DOWN);
	key(&x, UI_KEY_ENTER);
	CHECK(strcmp(ui_screen_name(ui_screen(x.u)), "priority") != 0);
	fx_close(&x);
}

static void
test_admin(void)
{
	struct fx x;
	int i;

	fx_open(&x, 1080, 1920, 96, 1, 0);
	/* no PIN set: the gesture does nothing */
	for (i = 0; i < 6; i++) {
		x.now += 200;
		ui_tap(x.u, 5, 5, x.now);
	}
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	CHECK_INT(ui_set_pin(x.u, "12a4"), -1);
	CHECK_INT(ui_set_pin(x.u, "123"), -1);
	CHECK_INT(ui_set_pin(x.u, "2468"), 0);
	x.now += 5000;
	/* four taps, or five spread over more than 3 s: nothing */
	for (i = 0; i < 4; i++) {
		x.now += 200;
		ui_tap(x.u, 5, 5, x.now);
	}
	x.now += 5000;
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	for (i = 0; i < 5; i++) {
		x.now += 900;
		ui_tap(x.u, 5, 5, x.now);
	}
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	/* five quick taps: the PIN pad, never a visit started by them */
	x.now += 5000;
	for (i = 0; i < 5; i++) {
		x.now += 300;
		ui_tap(x.u, 5, 5, x.now);
	}
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "pin");
	check_frame(&x, "pin");
	/* three wrong PINs lock the pad */
	for (i = 0; i < 3; i++) {
		CHECK(tap(&x, "pin:1") == 0);
		CHECK(tap(&x, "pin:1") == 0);
		CHECK(tap(&x, "pin:1") == 0);
		CHECK(tap(&x, "pin:1") == 0);
		CHECK(tap(&x, "pin-ok") == 0);
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "pin");
	}
	CHECK(tap(&x, "pin:2") == 0);
	CHECK(tap(&x, "pin:4") == 0);
	CHECK(tap(&x, "pin:6") == 0);
	CHECK(tap(&x, "pin:8") == 0);
	CHECK(tap(&x, "pin-ok") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "pin"); /* locked: even the right one */
	later(&x, 60000);
	key(&x, UI_KEY_BACK); /* the idle countdown came meanwhile: this dismisses it */
	key(&x, UI_KEY_DIGIT0 + 2);
	key(&x, UI_KEY_DIGIT0 + 4);
	key(&x, UI_KEY_DIGIT0 + 6);
	key(&x, UI_KEY_DIGIT0 + 8);
	key(&x, UI_KEY_ENTER);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "admin");
	check_frame(&x, "admin");
	CHECK(tap(&x, "quit") == 0);
	CHECK_INT(count_actions(&x, UI_ACT_QUIT, NULL), 1);
	CHECK(tap(&x, "resume") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	fx_close(&x);
}

/* Reach the admin screen (PIN 2468 set by the caller). */
static void
to_admin(struct fx *x)
{
	int i;

	x->now += 5000;
	for (i = 0; i < 5; i++) {
		x->now += 300;
		ui_tap(x->u, 5, 5, x->now);
	}
	CHECK(tap(x, "pin:2") == 0 && tap(x, "pin:4") == 0 && tap(x, "pin:6") == 0 &&
	    tap(x, "pin:8") == 0 && tap(x, "pin-ok") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x->u)), "admin");
}

/* The admin screen's facts (in French) and jobs: a test page, a duplicate
 * of the last ticket, the paper counter and a new roll; one job at a time;
 * every size it is laid out at. */
static void
test_admin_menu(void)
{
	static const struct { int w, h, dpi; } sz[] = {
		{ 1080, 1920, 96 }, { 1920, 1080, 96 }, { 800, 480, 96 },
		{ 1080, 1920, 160 }, { 1920, 1080, 160 }, { 1024, 600, 96 },
	};
	struct fx x;
	struct ui_action a;
	struct ui_admin_done d;
	struct client_ticket t = mk_ticket("C007", "ticket", "fr");
	size_t i;

	fx_open(&x, 1080, 1920, 96, 1, 0);
	CHECK_INT(ui_set_pin(x.u, "2468"), 0);
	to_admin(&x);
	/* before anything: the server's address and state, the printer not yet asked */
	CHECK(ui_has_text(x.u, "Serveur https://queue.example:8443 : joignable"));
	CHECK(ui_has_text(x.u, "prefecture-93"));
	CHECK(ui_has_text(x.u, "Imprimante : pas encore interrogée (usb:/dev/usb/lp0)"));
	CHECK(ui_has_text(x.u, "Papier : 0 impression"));
	CHECK(ui_has_text(x.u, "depuis le démarrage"));
	CHECK(ui_find_target(x.u, "test-print") != NULL);
	CHECK(ui_find_target(x.u, "reprint") == NULL); /* nothing issued yet */
	check_frame(&x, "admin, nothing printed");
	/* the printer's states, in French, as polled (no status is not "ready") */
	ui_printer(x.u, ESCPOS_UNKNOWN, "printer connected; it cannot report its status (one-way)", x.now);
	CHECK(ui_has_text(x.u, "sans retour d'état"));
	ui_printer(x.u, ESCPOS_PAPER_NEAR_END, "printer ready, paper running low", x.now);
	CHECK(ui_has_text(x.u, "rouleau presque fini"));
	ui_printer(x.u, ESCPOS_OFFLINE, "lost contact with the printer: No such device", x.now);
	CHECK(ui_has_text(x.u, "hors ligne ou débranchée"));
	CHECK(ui_has_text(x.u, "Détail technique : lost contact"));
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "admin"); /* staff stay on their screen */
	ui_printer(x.u, ESCPOS_READY, "printer ready", x.now);
	CHECK(ui_has_text(x.u, "Imprimante : prête (usb:/dev/usb/lp0)"));
	CHECK(!ui_has_text(x.u, "ready"));
	ui_server_down(x.u, "connection refused", x.now);
	CHECK(ui_has_text(x.u, "Serveur https://queue.example:8443 : injoignable (connection refused)"));
	ui_menu(x.u, mk_menu(1, 0), x.now);
	/* a test page: one action, even for a double tap; its buttons go meanwhile */
	count_actions(&x, UI_ACT_TEST_PRINT, NULL);
	CHECK(tap(&x, "test-print") == 0);
	ui_tap(x.u, 540, 960, x.now + 10);
	CHECK_INT(count_actions(&x, UI_ACT_TEST_PRINT, NULL), 1);
	CHECK(!ui_state_is(x.u, "admin:ready"));
	CHECK(ui_find_target(x.u, "test-print") == NULL);
	CHECK(ui_has_text(x.u, "Impression en cours"));
	memset(&d, 0, sizeof d);
	d.job = UI_ACT_TEST_PRINT;
	d.st = ESCPOS_PAPER_OUT;
	ui_admin_done(x.u, &d, x.now);
	CHECK(ui_state_is(x.u, "admin:ready"));
	CHECK(ui_has_text(x.u, "Page de test non imprimée : plus de papier."));
	CHECK(tap(&x, "test-print") == 0);
	d.printed = 1;
	ui_admin_done(x.u, &d, x.now);
	ui_paper(x.u, 1, 95, x.now);
	CHECK(ui_has_text(x.u, "Page de test imprimée."));
	CHECK(ui_has_text(x.u, "Papier : 1 impression, environ 10 cm"));
	/* a new roll: the counter starts again */
	CHECK(tap(&x, "new-roll") == 0);
	CHECK(ui_has_text(x.u, "Papier : 0 impression, environ 0 cm, depuis le dernier rouleau neuf"));
	ui_paper(x.u, 14, 1330, x.now);
	CHECK(ui_has_text(x.u, "Papier : 13 impressions, environ 1,2 m"));
	CHECK(tap(&x, "resume") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	/* a visit: its ticket is the one a duplicate is asked for */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(tap(&x, "service:E") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK(tap(&x, "confirm") == 0);
	t.id = 77;
	ui_issued(x.u, &t, mk_slip(), x.now);
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	CHECK(tap(&x, "done") == 0);
	to_admin(&x);
	CHECK(ui_has_text(x.u, "Réimprimer le dernier ticket (C007)"));
	count_actions(&x, UI_ACT_REPRINT, NULL);
	CHECK(tap(&x, "reprint") == 0);
	memset(&a, 0, sizeof a);
	CHECK_INT(count_actions(&x, UI_ACT_REPRINT, &a), 1);
	CHECK(a.ticket_id == 77);
	CHECK(ui_find_target(x.u, "reprint") == NULL);
	memset(&d, 0, sizeof d);
	d.job = UI_ACT_REPRINT;
	d.rc = CLIENT_LIMIT;
	snprintf(d.code, sizeof d.code, "reprint_limit");
	ui_admin_done(x.u, &d, x.now);
	CHECK(ui_has_text(x.u, "Réimpression refusée : le nombre maximal de duplicatas"));
	CHECK(tap(&x, "reprint") == 0);
	memset(&d, 0, sizeof d);
	d.job = UI_ACT_REPRINT;
	d.printed = 1;
	snprintf(d.number, sizeof d.number, "C007");
	d.reprints = 1;
	ui_admin_done(x.u, &d, x.now);
	CHECK(ui_has_text(x.u, "Ticket C007 réimprimé (DUPLICATA 1)."));
	check_frame(&x, "admin, after a reprint");
	fx_close(&x);

	/* laid out at every size, a long note and the reprint button included */
	for (i = 0; i < sizeof sz / sizeof sz[0]; i++) {
		char label[64];
		fx_open(&x, sz[i].w, sz[i].h, sz[i].dpi, 1, 0);
		CHECK_INT(ui_set_pin(x.u, "2468"), 0);
		CHECK(tap(&x, "start") == 0);
		CHECK(tap(&x, "lang:fr") == 0);
		CHECK(tap(&x, "service:E") == 0);
		CHECK(tap(&x, "no") == 0);
		CHECK(tap(&x, "confirm") == 0);
		ui_issued(x.u, &t, mk_slip(), x.now);
		ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
		CHECK(tap(&x, "done") == 0);
		to_admin(&x);
		ui_printer(x.u, ESCPOS_ERROR, "printer error (paper jam or cutter fault)", x.now);
		memset(&d, 0, sizeof d);
		d.job = UI_ACT_REPRINT;
		d.rc = CLIENT_REFUSED;
		snprintf(d.code, sizeof d.code, "conflict");
		ui_admin_done(x.u, &d, x.now);
		snprintf(label, sizeof label, "admin %dx%d@%d", sz[i].w, sz[i].h, sz[i].dpi);
		CHECK(ui_find_target(x.u, "reprint") != NULL);
		CHECK(ui_find_target(x.u, "quit") != NULL);
		check_frame(&x, label);
		fx_close(&x);
	}
}

static void
test_world(void)
{
	struct fx x;
	struct ui_action a;

	/* loading until the first menu, then welcome */
	{
		struct ui_config cfg;
		memset(&cfg, 0, sizeof cfg);
		x.u = ui_new(&cfg, F, 800, 480, 0);
		x.now = 0;
		x.dpi = 96;
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "loading");
		ui_server_down(x.u, "connection refused", 10);
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "server-down");
		draw(&x);
		CHECK(ui_has_text(x.u, "momentanément indisponible"));
		ui_menu(x.u, mk_menu(1, 0), 20);
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
		fx_close(&x);
	}
	/* printer fault at rest, then fixed */
	fx_open(&x, 800, 480, 96, 1, 0);
	ui_printer(x.u, ESCPOS_PAPER_OUT, "printer out of paper", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "printer");
	draw(&x);
	CHECK(ui_has_text(x.u, "plus de papier"));
	ui_printer(x.u, ESCPOS_UNKNOWN, NULL, x.now); /* a one-way printer: fine */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	/* the printer fails while a visitor is choosing: no ticket is asked for */
	to_confirm(&x, "service:E");
	ui_printer(x.u, ESCPOS_COVER_OPEN, "cover open", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm"); /* not yanked away */
	count_actions(&x, UI_ACT_ISSUE, NULL);
	CHECK(tap(&x, "confirm") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "printer");
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, NULL), 0);
	/* it is fixed: back to the confirmation, the choice kept */
	ui_printer(x.u, ESCPOS_READY, NULL, x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	/* the server goes away while issuing, then comes back */
	CHECK(tap(&x, "confirm") == 0);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, NULL), 1);
	ui_issue_failed(x.u, CLIENT_UNREACHABLE, "", "timeout", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "server-down");
	ui_menu(x.u, mk_menu(1, 0), x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	/* closed while choosing: 409 closed, the closed screen, a refresh asked */
	CHECK(tap(&x, "confirm") == 0);
	count_actions(&x, UI_ACT_ISSUE, NULL);
	ui_issue_failed(x.u, CLIENT_CLOSED, "closed", "outside opening hours", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "closed");
	CHECK_INT(count_actions(&x, UI_ACT_REFRESH, NULL), 1);
	CHECK(tap(&x, "done") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "closed");
	ui_menu(x.u, mk_menu(1, 0), x.now); /* it opens */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	/* a bound service refused for its document number: type it again */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(tap(&x, "service:A") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	key(&x, UI_KEY_LETTER_A);
	key(&x, UI_KEY_LETTER_A);
	key(&x, UI_KEY_LETTER_A);
	key(&x, UI_KEY_LETTER_A);
	key(&x, UI_KEY_ENTER); /* long enough, but not a document number */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	/* said in the visitor's language, not in the module's English */
	CHECK(ui_has_text(x.u, "Ce numéro n'est pas valide. Vérifiez-le et tapez-le à nouveau."));
	CHECK(!ui_has_text(x.u, "not a document number"));
	key(&x, UI_KEY_BACK);
	key(&x, UI_KEY_LETTER_A + 1);
	key(&x, UI_KEY_ENTER);
	CHECK(tap(&x, "confirm") == 0);
	memset(&a, 0, sizeof a);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, &a), 1);
	CHECK_STR(a.holder, "AAAB");
	ui_issue_failed(x.u, CLIENT_REFUSED, "bad_holder", "not a document number", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	draw(&x);
	CHECK(ui_has_text(x.u, "Ce numéro n'est pas valide"));
	CHECK(!ui_has_text(x.u, "not a document number"));
	/* a duplicate: the same ticket given again, said so */
	key(&x, UI_KEY_LETTER_A + 1);
	key(&x, UI_KEY_DIGIT0 + 1);
	key(&x, UI_KEY_DIGIT0 + 2);
	key(&x, UI_KEY_DIGIT0 + 3);
	key(&x, UI_KEY_ENTER);
	CHECK(tap(&x, "confirm") == 0);
	{
		struct client_ticket t = mk_ticket("A003", "ticket", "fr");
		t.duplicate = 1;
		ui_issued(x.u, &t, NULL, x.now);
		draw(&x);
		CHECK(ui_has_text(x.u, "Le voici à nouveau"));
		CHECK(ui_has_text(x.u, "A003"));
	}
	/* a result arriving after the visitor left is dropped */
	CHECK(tap(&x, "done") == 0);
	{
		struct client_ticket t = mk_ticket("A004", "ticket", "fr");
		ui_issued(x.u, &t, mk_slip(), x.now);
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	}
	fx_close(&x);
}

/* The document number refused, in another language. */
static void
test_holder_refused(void)
{
	struct fx x;

	fx_open(&x, 1080, 1920, 96, 1, 0);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:en") == 0);
	CHECK(tap(&x, "service:A") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	key(&x, UI_KEY_DIGIT0);
	key(&x, UI_KEY_DIGIT0);
	key(&x, UI_KEY_DIGIT0);
	key(&x, UI_KEY_DIGIT0);
	key(&x, UI_KEY_DIGIT0);
	key(&x, UI_KEY_ENTER); /* "00000": nobody's document */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	CHECK(ui_has_text(x.u, "This number is not valid. Check it and type it again."));
	CHECK(!ui_has_text(x.u, "not a document number"));
	/* the server's holder_required (a stale menu): the keypad, no error */
	key(&x, UI_KEY_BACK);
	key(&x, UI_KEY_DIGIT0 + 7);
	key(&x, UI_KEY_ENTER);
	CHECK(tap(&x, "confirm") == 0);
	count_actions(&x, UI_ACT_ISSUE, NULL);
	ui_issue_failed(x.u, CLIENT_REFUSED, "holder_required", "this service needs...", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	CHECK(!ui_has_text(x.u, "not valid"));
	CHECK_INT(count_actions(&x, UI_ACT_REFRESH, NULL), 1);
	fx_close(&x);
}

/* A holder with a ticket for this service at another site today (issue #11,
 * bind_holder = all_sites): said plainly in the visitor's language, with
 * that ticket's number; no generic error. */
static void
test_holder_elsewhere(void)
{
	struct fx x;

	fx_open(&x, 1080, 1920, 96, 1, 0);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:en") == 0);
	CHECK(tap(&x, "service:A") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	key(&x, UI_KEY_LETTER_A + 23);
	key(&x, UI_KEY_DIGIT0 + 1);
	key(&x, UI_KEY_DIGIT0 + 2);
	key(&x, UI_KEY_DIGIT0 + 3);
	key(&x, UI_KEY_DIGIT0 + 4);
	key(&x, UI_KEY_ENTER);
	CHECK(tap(&x, "confirm") == 0);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, NULL), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "holder_elsewhere", "A001", "this person already "
	    "has ticket A001 today at site bobigny", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-refused");
	draw(&x);
	CHECK(ui_has_text(x.u, "You already have a ticket today for this service, at another site."));
	CHECK(ui_has_text(x.u, "Your ticket there: A001"));
	CHECK(!ui_has_text(x.u, "Le ticket n'a pas pu être délivré"));
	CHECK(ui_find_target(x.u, "back") == NULL);
	CHECK(tap(&x, "done") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	fx_close(&x);
}

/* An enrolment as the server answers it (client_enrol). */
static struct client_ticket
mk_entry(int duplicate, const char *closes)
{
	struct client_ticket t;

	memset(&t, 0, sizeof t);
	snprintf(t.kind, sizeof t.kind, "draw_entry");
	snprintf(t.lang, sizeof t.lang, "ar");
	snprintf(t.service, sizeof t.service, "A");
	t.draw_id = 3;
	snprintf(t.draw_entry, sizeof t.draw_entry, "0A1B2C3D4E5F60718293");
	snprintf(t.draw_closes, sizeof t.draw_closes, "%s", closes);
	snprintf(t.token, sizeof t.token, "D1*PREFECTURE-93*3*0A1B2C3D4E5F60718293*00");
	t.duplicate = duplicate;
	t.position = t.estimated_wait_s = -1;
	return t;
}

/*
 * A draw at opening (issue #13): the menu names A's open draw (bound to
 * its holder) and D's (a manager's, no set end); the visit explains it,
 * asks priority and the document number, enrols once, shows the entry and
 * the time; the same holder again is said so; a draw closed meanwhile
 * turns the visit into a ticket's, said so; Back walks the steps back.
 */
static void
test_draw_visit(void)
{
	struct fx x;
	struct ui_action a;
	struct client_ticket t;
	struct client_menu *m;

	memset(&a, 0, sizeof a);
	fx_open(&x, 1080, 1920, 96, 1, 0);
	m = mk_menu(1, 0);
	m->services[0].draw_id = 3;
	snprintf(m->services[0].draw_closes, sizeof m->services[0].draw_closes, "08:45");
	m->services[4].draw_id = 4;          /* E: not bound, a manager's draw */
	ui_menu(x.u, m, x.now);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(ui_has_text(x.u, "Tirage au sort"));   /* the cards' badge */
	CHECK(tap(&x, "service:A") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "draw");
	CHECK(ui_has_text(x.u, "tirage au sort à 08:45"));
	CHECK(ui_has_text(x.u, "Arriver tôt ne donne aucun avantage"));
	CHECK(ui_has_text(x.u, "Revenez après 08:45 et scannez ce bon à la borne."));
	/* Back walks back: the explanation, then the procedures */
	CHECK(tap(&x, "enrol") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
	CHECK(tap(&x, "back") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "draw");
	CHECK(tap(&x, "enrol") == 0);
	CHECK(tap(&x, "yes") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	CHECK(ui_has_text(x.u, "éviter les inscriptions en double"));
	CHECK(tap(&x, "back") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "priority");
	CHECK(tap(&x, "yes") == 0);
	key(&x, UI_KEY_LETTER_A);
	key(&x, UI_KEY_LETTER_A + 1);
	key(&x, UI_KEY_DIGIT0 + 1);
	key(&x, UI_KEY_DIGIT0 + 2);
	key(&x, UI_KEY_DIGIT0 + 3);
	key(&x, UI_KEY_DIGIT0 + 4);
	count_actions(&x, UI_ACT_REFRESH, NULL);
	key(&x, UI_KEY_ENTER);
	/* one ENROL, no ISSUE: the draw, the service, priority and number */
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	CHECK_INT(count_actions(&x, UI_ACT_ENROL, &a), 1);
	CHECK(a.draw == 3);
	CHECK_STR(a.service, "A");
	CHECK_STR(a.lang, "fr");
	CHECK_INT(a.priority, 1);
	CHECK_STR(a.holder, "AB1234");
	free(a.speech);
	CHECK(tap(&x, "enrol") != 0);   /* nothing to tap while enrolling */
	t = mk_entry(0, "08:45");
	ui_issued(x.u, &t, mk_slip(), x.now);
	draw(&x);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "enrolled");
	CHECK(ui_state_is(x.u, "enrolled:printing"));
	CHECK(ui_has_text(x.u, "Vous êtes inscrit(e)"));
	CHECK(ui_has_text(x.u, "0A1B 2C3D 4E5F 6071 8293"));
	CHECK(ui_has_text(x.u, "Tirage au sort à 08:45"));
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	draw(&x);
	CHECK(ui_state_is(x.u, "enrolled:printed"));
	CHECK(ui_has_text(x.u, "Prenez votre bon"));
	CHECK(tap(&x, "done") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");

	/* the same holder again, in Arabic: said so, the same entry */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:ar") == 0);
	CHECK(tap(&x, "service:A") == 0);
	CHECK(ui_has_text(x.u, "08:45"));
	CHECK(tap(&x, "enrol") == 0);
	CHECK(tap(&x, "no") == 0);
	key(&x, UI_KEY_LETTER_A);
	key(&x, UI_KEY_LETTER_A + 1);
	key(&x, UI_KEY_DIGIT0 + 1);
	key(&x, UI_KEY_DIGIT0 + 2);
	key(&x, UI_KEY_DIGIT0 + 3);
	key(&x, UI_KEY_DIGIT0 + 4);
	key(&x, UI_KEY_ENTER);
	CHECK_INT(count_actions(&x, UI_ACT_ENROL, NULL), 1);
	t = mk_entry(1, "08:45");
	ui_issued(x.u, &t, mk_slip(), x.now);
	draw(&x);
	CHECK(ui_has_text(x.u, "أنت مسجَّل بالفعل"));
	CHECK(ui_has_text(x.u, "0A1B 2C3D 4E5F 6071 8293"));
	CHECK(tap(&x, "done") == 0);

	/* E: not bound: enrolled after the priority question; no set end */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(tap(&x, "service:E") == 0);
	CHECK(ui_has_text(x.u, "à la clôture des inscriptions"));
	CHECK(tap(&x, "enrol") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK_INT(count_actions(&x, UI_ACT_ENROL, &a), 1);
	CHECK(a.draw == 4);
	CHECK_STR(a.holder, "");
	free(a.speech);
	/* closed meanwhile: the ticket's confirmation, said so, the menu asked for */
	ui_issue_failed(x.u, CLIENT_REFUSED, "conflict", "draw 4 is closed", x.now);
	draw(&x);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	CHECK(ui_has_text(x.u, "Les inscriptions au tirage au sort sont closes."));
	CHECK_INT(count_actions(&x, UI_ACT_REFRESH, NULL), 1);
	CHECK(tap(&x, "confirm") == 0);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, &a), 1);
	CHECK_STR(a.service, "E");
	free(a.speech);
	ui_issued(x.u, &(struct client_ticket){ .id = 9, .number = "E001", .kind = "ticket",
	    .token = "K1*T*X", .position = 1, .estimated_wait_s = 60 }, mk_slip(), x.now);
	draw(&x);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "ticket");
	CHECK(tap(&x, "done") == 0);

	/* the menu says the draw closed before the enrolment was sent: the same */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(tap(&x, "service:A") == 0);
	CHECK(tap(&x, "enrol") == 0);
	m = mk_menu(1, 0);                   /* A's draw gone */
	ui_menu(x.u, m, x.now);
	CHECK(tap(&x, "no") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	key(&x, UI_KEY_LETTER_A);
	key(&x, UI_KEY_LETTER_A + 1);
	key(&x, UI_KEY_DIGIT0 + 1);
	key(&x, UI_KEY_DIGIT0 + 2);
	key(&x, UI_KEY_DIGIT0 + 3);
	key(&x, UI_KEY_DIGIT0 + 4);
	key(&x, UI_KEY_ENTER);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	CHECK_INT(count_actions(&x, UI_ACT_ENROL, NULL), 0);
	fx_close(&x);
}

/*
 * An earlier attestation de passage, scanned: a keyboard-wedge scanner's
 * burst is told from a person's typing, kept for the visit, sent with the
 * issue, refused by the server without stopping the visitor, and
 * forgotten with the rest.
 */
static void
test_scan(void)
{
	struct fx x;
	struct ui_action a;
	struct client_ticket t;
	struct client_menu *m;
	char att[SLIP_PAYLOAD_MAX], tkt[SLIP_PAYLOAD_MAX], mixed[2 * SLIP_PAYLOAD_MAX], torn[64];
	const struct ui_target *ok;

	mk_payload(att, sizeof att, SLIP_ATTESTATION);
	mk_payload(tkt, sizeof tkt, SLIP_TICKET);
	CHECK(strncmp(att, "K1*A*", 5) == 0);
	qwerty_on_azerty(att, mixed, sizeof mixed);
	CHECK(strncmp(mixed, "K&8Q8", 5) == 0);
	snprintf(torn, sizeof torn, "%.60s", att);

	/* 1. scanned on the procedure screen: kept and said; its digits chose
	 * nothing, its keypad '*' started no speech, its Enter nothing */
	fx_open(&x, 1080, 1920, 96, 1, 1); /* service C is full */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	count_actions(&x, UI_ACT_SPEAK, NULL);
	type_burst(&x, att, 3, 1, UI_KEY_LISTEN);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "procedure");
	CHECK_STR(ui_previous(x.u), att);
	CHECK(ui_has_text(x.u, "Votre attestation précédente a été prise en compte."));
	CHECK_INT(count_actions(&x, UI_ACT_SPEAK, NULL), 0);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, NULL), 0);
	check_frame(&x, "procedure, attestation scanned");
	/* the tap guard again: the screen below moved */
	CHECK(x.now < ui_tap_ready(x.u));
	/* the full service: the confirmation says it was taken; the request carries it */
	CHECK(tap(&x, "service:C") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	CHECK(ui_has_text(x.u, "Votre attestation précédente a été prise en compte."));
	CHECK(!ui_has_text(x.u, "Continuer sans attestation"));
	CHECK(!ui_has_text(x.u, "Présentez le code QR"));
	CHECK(tap(&x, "confirm") == 0);
	memset(&a, 0, sizeof a);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, &a), 1);
	CHECK_STR(a.service, "C");
	CHECK_STR(a.previous, att);
	/* the server chained it: attempt 2, and the slip's screen says so */
	t = mk_ticket("", "attestation", "fr");
	t.attempt = 2;
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_state_is(x.u, "full:printing"));
	CHECK(ui_has_text(x.u, "prise en compte"));
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	check_frame(&x, "full, chained");
	/* the end of the visit forgets it */
	CHECK(tap(&x, "done") == 0);
	CHECK_STR(ui_previous(x.u), "");
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(tap(&x, "service:C") == 0);
	CHECK(ui_has_text(x.u, "Avez-vous une attestation de passage d'une visite précédente ?"));
	CHECK(ui_has_text(x.u, "Continuer sans attestation"));
	CHECK(tap(&x, "confirm") == 0);
	memset(&a, 0, sizeof a);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, &a), 1);
	CHECK_STR(a.previous, "");
	fx_close(&x);

	/* 2. on the confirmation of a full service, where it is offered: the
	 * scanner's Enter does not press "continue"; the idle reset forgets it */
	fx_open(&x, 1080, 1920, 96, 1, 1);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(tap(&x, "service:C") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	CHECK(ui_has_text(x.u, "Présentez le code QR de votre attestation devant le lecteur."));
	ok = ui_find_target(x.u, "confirm");
	CHECK(ok != NULL && ok->key == 1); /* "continue without" is choice 1 */
	count_actions(&x, UI_ACT_ISSUE, NULL);
	scan(&x, att);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, NULL), 0);
	CHECK_STR(ui_previous(x.u), att);
	CHECK(ui_has_text(x.u, "Votre attestation précédente a été prise en compte."));
	CHECK(ui_has_text(x.u, "Continuer"));
	CHECK(!ui_has_text(x.u, "Continuer sans attestation"));
	later(&x, 60000);
	CHECK(ui_idle_showing(x.u));
	later(&x, 20000);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	CHECK_STR(ui_previous(x.u), "");
	/* 3. on the welcome screen: a scan starts the visit, as a touch does
	 * (it may be a convocation's: said once the server answered, the
	 * check-in by its token first; test_conv_scan) */
	scan(&x, att);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "language");
	CHECK_STR(ui_previous(x.u), att);
	CHECK(!ui_has_text(x.u, "prise en compte"));
	CHECK(tap(&x, "back") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	fx_close(&x);

	/* 4. slow typing is a person's: keys, acted on, never kept */
	fx_open(&x, 1080, 1920, 96, 1, 0);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(tap(&x, "service:A") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	type_burst(&x, "K1*A*PRE", 120, 0, UI_KEY_NONE);
	CHECK(ui_has_text(x.u, "K1APRE"));
	CHECK_STR(ui_previous(x.u), "");
	/* the same text at a scanner's speed, no Enter: not a person's either */
	type_burst(&x, "K1*A*PRE", 5, 0, UI_KEY_NONE);
	later(&x, 100);
	CHECK(ui_has_text(x.u, "K1APRE"));
	CHECK(!ui_has_text(x.u, "K1APREK"));
	CHECK_STR(ui_previous(x.u), "");
	/* a lone 'K' is held a moment, then typed; two fast keys and Enter too */
	key(&x, UI_KEY_BACK);
	key(&x, UI_KEY_BACK);
	key(&x, UI_KEY_BACK);
	key(&x, UI_KEY_BACK);
	key(&x, UI_KEY_BACK);
	key(&x, UI_KEY_BACK);
	CHECK(!ui_has_text(x.u, "K1"));
	key(&x, UI_KEY_LETTER_A + ('X' - 'A'));
	ui_keypress(x.u, UI_KEY_LETTER_A + ('K' - 'A'), "K", x.now);
	draw(&x);
	CHECK(ui_has_text(x.u, "X"));
	CHECK(!ui_has_text(x.u, "XK"));
	CHECK(ui_next_deadline(x.u) == x.now + UI_SCAN_GAP_MS);
	later(&x, UI_SCAN_GAP_MS);
	CHECK(ui_has_text(x.u, "XK"));
	ui_keypress(x.u, UI_KEY_LETTER_A + ('K' - 'A'), "k", x.now);
	ui_keypress(x.u, UI_KEY_DIGIT0 + 7, "7", x.now + 20);
	ui_keypress(x.u, UI_KEY_DIGIT0 + 7, "7", x.now + 40);
	ui_keypress(x.u, UI_KEY_ENTER, NULL, x.now + 45);
	x.now += 45;
	draw(&x);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm"); /* "XKK77" validated */
	CHECK(ui_has_text(x.u, "K77")); /* its mask */
	CHECK_STR(ui_previous(x.u), "");
	fx_close(&x);

	/* 5. a ticket scanned, a torn code: not kept, and a calm word */
	fx_open(&x, 1080, 1920, 96, 1, 1);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	scan(&x, tkt);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "procedure");
	CHECK_STR(ui_previous(x.u), "");
	CHECK(ui_has_text(x.u, "Cette attestation n'a pas pu être lue."));
	check_frame(&x, "procedure, unreadable scan");
	CHECK(tap(&x, "service:C") == 0);
	CHECK(!ui_has_text(x.u, "n'a pas pu être lue")); /* said where it happened */
	scan(&x, torn);
	CHECK_STR(ui_previous(x.u), "");
	CHECK(ui_has_text(x.u, "Cette attestation n'a pas pu être lue."));
	CHECK(ui_has_text(x.u, "Continuer sans attestation"));
	/* 6. a scanner set for the wrong keyboard layout: read all the same */
	scan(&x, mixed);
	CHECK_STR(ui_previous(x.u), mixed);
	CHECK(ui_has_text(x.u, "prise en compte"));
	fx_close(&x);

	/* 7. the server refuses it (bad_previous): the same slip again without
	 * it, holder included, and the visitor is told calmly */
	fx_open(&x, 1080, 1920, 96, 1, 1);
	m = mk_menu(1, 1);
	m->services[2].bind_holder = 1; /* C: full, and bound to its holder */
	ui_menu(x.u, m, x.now);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	scan(&x, att);
	CHECK(tap(&x, "service:C") == 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	key(&x, UI_KEY_LETTER_A + ('X' - 'A'));
	key(&x, UI_KEY_DIGIT0 + 4);
	key(&x, UI_KEY_DIGIT0 + 5);
	key(&x, UI_KEY_DIGIT0 + 6);
	key(&x, UI_KEY_ENTER);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "confirm");
	CHECK(tap(&x, "confirm") == 0);
	memset(&a, 0, sizeof a);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, &a), 1);
	CHECK_STR(a.previous, att);
	CHECK_STR(a.holder, "X456");
	ui_issue_failed(x.u, CLIENT_REFUSED, "bad_previous", "bad signature", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	memset(&a, 0, sizeof a);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, &a), 1);
	CHECK_STR(a.previous, "");
	CHECK_STR(a.holder, "X456");
	CHECK_STR(a.service, "C");
	CHECK_STR(ui_previous(x.u), "");
	/* a second refusal is not retried: the server says what is wrong */
	t = mk_ticket("", "attestation", "fr");
	t.attempt = 1;
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_state_is(x.u, "full:printing"));
	CHECK(ui_has_text(x.u, "Votre attestation précédente n'a pas pu être lue."));
	CHECK(!ui_has_text(x.u, "prise en compte"));
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	check_frame(&x, "full, earlier attestation refused");
	CHECK(tap(&x, "done") == 0);
	/* no retry without a scanned attestation: a plain refusal */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(tap(&x, "service:E") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK(tap(&x, "confirm") == 0);
	count_actions(&x, UI_ACT_ISSUE, NULL);
	ui_issue_failed(x.u, CLIENT_REFUSED, "bad_previous", "bad signature", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "refused");
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, NULL), 0);
	/* 8. while the slip is asked for, and on the slip's screen: ignored */
	CHECK(tap(&x, "done") == 0);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(tap(&x, "service:E") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK(tap(&x, "confirm") == 0);
	scan(&x, att);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	CHECK_STR(ui_previous(x.u), "");
	t = mk_ticket("E001", "ticket", "fr");
	ui_issued(x.u, &t, mk_slip(), x.now);
	scan(&x, att);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "ticket");
	CHECK_STR(ui_previous(x.u), "");
	fx_close(&x);
}

/* The painter: a frame painted in pieces equals the frame painted whole. */
static void
test_paint(void)
{
	struct fx x;
	struct ui_painter *p1 = ui_painter_new(F, 0), *p2 = ui_painter_new(F, 0);
	struct ui_canvas c1, c2;
	struct rect d;
	const struct ui_frame *f;
	size_t n = 1080 * 1920, i, diff = 0, inked = 0;
	static const struct ui_colour white = { 255, 255, 255, 255 }, black = { 0, 0, 0, 255 };

	CHECK(ui_contrast(white, black) > 20.9 && ui_contrast(white, black) < 21.1);
	CHECK(ui_contrast(white, white) < 1.01);
	REQUIRE(p1 && p2);
	c1.w = c2.w = 1080, c1.h = c2.h = 1920, c1.pitch = c2.pitch = 1080;
	c1.px = calloc(n, 4);
	c2.px = calloc(n, 4);
	REQUIRE(c1.px && c2.px);
	fx_open(&x, 1080, 1920, 96, 1, 0);
	f = draw(&x);
	CHECK_INT(ui_paint(p1, f, &c1, 1, &d), 0);
	CHECK_INT(d.w, 1080);
	/* the same frame again: nothing to repaint */
	f = draw(&x);
	CHECK_INT(ui_paint(p1, f, &c1, 0, &d), 0);
	CHECK_INT(d.w, 0);
	/* the welcome text cycles: only its part is repainted */
	later(&x, 2500);
	f = draw(&x);
	CHECK_INT(ui_paint(p1, f, &c1, 0, &d), 0);
	CHECK(d.w > 0 && (long)d.w * d.h < (long)n / 2);
	if (!(d.w > 0 && (long)d.w * d.h < (long)n / 2))
		fprintf(stderr, "  repainted %d,%d %dx%d\n", d.x, d.y, d.w, d.h);
	CHECK_INT(ui_paint(p2, f, &c2, 1, NULL), 0);
	for (i = 0; i < n; i++)
		diff += c1.px[i] != c2.px[i];
	CHECK_INT(diff, 0);
	/* a new screen, in pieces and whole */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:zh") == 0);
	f = draw(&x);
	CHECK_INT(ui_paint(p1, f, &c1, 0, NULL), 0);
	CHECK_INT(ui_paint(p2, f, &c2, 1, NULL), 0);
	for (i = 0, diff = 0; i < n; i++)
		diff += c1.px[i] != c2.px[i];
	CHECK_INT(diff, 0);
	/* the background is the light grey, and text left ink on it */
	CHECK_INT(c1.px[1080 * 1900 / 2 + 3] & 0xffffff, 0xf6f6f6);
	for (i = 0; i < n; i++)
		inked += (c1.px[i] & 0xffffff) == 0x161616;
	CHECK(inked > 1000);
	fx_close(&x);
	free(c1.px);
	free(c2.px);
	ui_painter_free(p1);
	ui_painter_free(p2);
	ui_painter_free(NULL);
	ui_free(NULL);
}

/* ---- after the draw, and convocations (issue #13) ------------------------------------ */

/* A redeemed entry's answer: a winner's ticket, a convocation or an
 * attestation (outcome "draw"), in lang. */
static struct client_ticket
mk_draw_answer(const char *outcome, const char *lang)
{
	struct client_ticket t = mk_ticket(strcmp(outcome, "ticket") ? "" : "A001",
	    strcmp(outcome, "ticket") ? "attestation" : "ticket", lang);

	t.draw = 7;
	t.draw_rank = strcmp(outcome, "ticket") ? 31 : 1;
	snprintf(t.draw_outcome, sizeof t.draw_outcome, "%s", outcome);
	if (!strcmp(outcome, "attestation"))
		snprintf(t.outcome, sizeof t.outcome, "draw");
	if (!strcmp(outcome, "convocation")) {
		snprintf(t.outcome, sizeof t.outcome, "convocation");
		t.conv_id = 12;
		snprintf(t.conv_date, sizeof t.conv_date, "2026-12-07");
		snprintf(t.conv_from, sizeof t.conv_from, "09:00");
		snprintf(t.conv_to, sizeof t.conv_to, "10:00");
		snprintf(t.conv_code, sizeof t.conv_code, "K7P3QXRA");
	}
	return t;
}

/* The one REDEEM action asked for, into *a. */
static int
one_redeem(struct fx *x, struct ui_action *a)
{
	memset(a, 0, sizeof *a);
	return count_actions(x, UI_ACT_REDEEM, a);
}

/*
 * Every screen after the draw in `lang`, checked: the winner's ticket,
 * the convocation and the attestation of an entry not drawn, the draw not
 * drawn yet (with and without the time), the convocation of a full
 * service (POST /tickets), printing and printed; then (mode 1) large text
 * and high contrast.
 */
static void
walk_draw(int w, int h, int dpi, const char *lang, int mode)
{
	static const char *const outcomes[] = { "ticket", "convocation", "attestation" };
	struct fx x;
	struct client_ticket t;
	char label[96];
	size_t i;

#define AT(what) (snprintf(label, sizeof label, "%dx%d@%d %s%s draw %s", w, h, dpi, lang, \
	mode ? " large+contrast" : "", what), label)
	fx_open(&x, w, h, dpi, 1, 0);
	for (i = 0; i < 3; i++) {
		if (mode) {
			CHECK(tap(&x, "large") == 0);
			CHECK(tap(&x, "contrast") == 0);
		}
		scan(&x, ENROL);
		count_actions(&x, UI_ACT_REDEEM, NULL);
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
		t = mk_draw_answer(outcomes[i], lang);
		t.duplicate = i == 1; /* a convocation again */
		ui_issued(x.u, &t, mk_slip(), x.now);
		check_frame(&x, AT(outcomes[i]));
		ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
		check_frame(&x, AT(outcomes[i]));
		CHECK(tap(&x, "done") == 0);
	}
	/* not drawn yet: with the time to come back, and without */
	for (i = 0; i < 2; i++) {
		if (mode) {
			CHECK(tap(&x, "large") == 0);
			CHECK(tap(&x, "contrast") == 0);
		}
		scan(&x, ENROL);
		count_actions(&x, UI_ACT_REDEEM, NULL);
		ui_checkin_failed(x.u, CLIENT_REFUSED, "conflict", i ? "" : "08:45", "not drawn yet",
		    x.now);
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "draw-wait");
		check_frame(&x, AT(i ? "not drawn yet" : "not drawn yet, come back at"));
		CHECK(tap(&x, "done") == 0);
	}
	/* a full service's convocation, chosen in lang; the printer failed */
	CHECK(tap(&x, "start") == 0);
	snprintf(label, sizeof label, "lang:%s", lang);
	CHECK(tap(&x, label) == 0);
	if (mode) {
		CHECK(tap(&x, "large") == 0);
		CHECK(tap(&x, "contrast") == 0);
	}
	CHECK(tap(&x, "service:C") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK(tap(&x, "confirm") == 0);
	count_actions(&x, UI_ACT_ISSUE, NULL);
	t = mk_draw_answer("convocation", lang);
	t.draw = 0;
	t.draw_outcome[0] = '\0';
	t.attempt = 2; /* chained to an earlier attestation */
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_state_is(x.u, "convocation:printing"));
	check_frame(&x, AT("convocation of a full service"));
	ui_printed(x.u, 0, ESCPOS_PAPER_OUT, "paper out", x.now);
	CHECK(ui_state_is(x.u, "convocation:failed"));
	check_frame(&x, AT("convocation, not printed"));
	fx_close(&x);
#undef AT
}

/*
 * An enrolment slip scanned: one REDEEM with the draw and the entry read
 * from it, from the welcome screen (no language asked) or mid-visit (the
 * visit becomes the redeem); each answer's screen and words; the
 * answer's language taken; before the close, the screen that says to come
 * back; a torn slip is not one; the printer first.
 */
static void
test_redeem(void)
{
	struct fx x;
	struct ui_action a;
	struct client_ticket t;
	char day[64];

	fx_open(&x, 1080, 1920, 96, 1, 0);
	/* from the welcome screen: at once, no language */
	scan(&x, ENROL);
	CHECK_INT(one_redeem(&x, &a), 1);
	CHECK_INT((int)a.draw, 7);
	CHECK_STR(a.entry, "7F3A9C0B12D4E5F60718");
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	CHECK_STR(ui_previous(x.u), "");
	/* the winner: the ticket, drawn, in the language it was enrolled in */
	t = mk_draw_answer("ticket", "en");
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_state_is(x.u, "ticket:printing"));
	CHECK_STR(ui_lang(x.u), "en");
	CHECK(ui_has_text(x.u, "A001"));
	CHECK(ui_has_text(x.u, i18n_tr("en", "Tiré(e) au sort")));
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	CHECK(tap(&x, "done") == 0);
	CHECK_STR(ui_lang(x.u), "fr");
	/* again: the same ticket, a reprint */
	scan(&x, ENROL);
	CHECK_INT(one_redeem(&x, &a), 1);
	t = mk_draw_answer("ticket", "fr");
	t.duplicate = 1;
	t.reprints = 1;
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_has_text(x.u, "Le voici à nouveau."));
	CHECK(ui_has_text(x.u, "Tiré(e) au sort"));
	CHECK(tap(&x, "done") == 0);
	/* not drawn, a convocation: its own screen */
	scan(&x, ENROL);
	CHECK_INT(one_redeem(&x, &a), 1);
	t = mk_draw_answer("convocation", "fr");
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_state_is(x.u, "convocation:printing"));
	CHECK(ui_has_text(x.u, "Vous n'avez pas été tiré(e) au sort."));
	CHECK(ui_has_text(x.u, "Vous êtes convoqué(e) le lundi 7 décembre 2026 entre 09:00 et "
	    "10:00."));
	CHECK(ui_has_text(x.u, "K7P3QXRA"));
	ui_printed(x.u, 1, ESCPOS_READY, NULL, x.now);
	CHECK(ui_state_is(x.u, "convocation:printed"));
	CHECK(ui_has_text(x.u, "Gardez cette convocation : présentez-la à la borne ce jour-là."));
	CHECK(!ui_has_text(x.u, "La voici à nouveau."));
	CHECK(tap(&x, "done") == 0);
	/* the same convocation again: said so */
	scan(&x, ENROL);
	CHECK_INT(one_redeem(&x, &a), 1);
	t = mk_draw_answer("convocation", "fr");
	t.duplicate = 1;
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_has_text(x.u, "Vous avez déjà une convocation. La voici à nouveau."));
	CHECK(ui_has_text(x.u, "K7P3QXRA"));
	CHECK(tap(&x, "done") == 0);
	/* not drawn, an attestation */
	scan(&x, ENROL);
	CHECK_INT(one_redeem(&x, &a), 1);
	t = mk_draw_answer("attestation", "ar");
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_state_is(x.u, "full:printing"));
	CHECK_STR(ui_lang(x.u), "ar");
	CHECK(ui_has_text(x.u, i18n_tr("ar", "Vous n'avez pas été tiré(e) au sort.")));
	CHECK(!ui_has_text(x.u, i18n_tr("ar", "Ce service est complet pour aujourd'hui.")));
	CHECK(tap(&x, "done") == 0);
	/* before the close */
	scan(&x, ENROL);
	CHECK_INT(one_redeem(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "conflict", "", "draw 7 is not drawn yet", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "draw-wait");
	CHECK(ui_has_text(x.u, "Le tirage n'a pas encore eu lieu."));
	CHECK(!ui_has_text(x.u, "Revenez après"));
	CHECK(tap(&x, "done") == 0);
	scan(&x, ENROL);
	CHECK_INT(one_redeem(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "conflict", "08:45", "not drawn yet", x.now);
	CHECK(ui_has_text(x.u, "Revenez après 08:45."));
	CHECK(tap(&x, "done") == 0);
	/* the answer names no time, the menu does (the draw's set end) */
	{
		struct client_menu *m = mk_menu(1, 0);
		m->services[0].draw_id = 7;
		snprintf(m->services[0].draw_closes, sizeof m->services[0].draw_closes, "13:45");
		ui_menu(x.u, m, x.now);
	}
	scan(&x, ENROL);
	CHECK_INT(one_redeem(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "conflict", "", "draw 7 is not drawn yet", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "draw-wait");
	CHECK(ui_has_text(x.u, "Revenez après 13:45."));
	CHECK(tap(&x, "done") == 0);
	/* no such entry: refused, to the desk */
	scan(&x, ENROL);
	CHECK_INT(one_redeem(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "not_found", NULL, "no such entry", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "refused");
	CHECK(tap(&x, "done") == 0);
	/* mid-visit: the choices so far give way to the redeem */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK(tap(&x, "service:C") == 0);
	count_actions(&x, UI_ACT_REFRESH, NULL);
	scan(&x, ENROL);
	CHECK_INT(one_redeem(&x, &a), 1);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, NULL), 0);
	ui_issue_failed(x.u, CLIENT_UNREACHABLE, "", "connection refused", x.now);
	CHECK(tap(&x, "done") == 0);
	ui_menu(x.u, mk_menu(1, 0), x.now);
	draw(&x);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	/* a scanner set to US QWERTY on a French AZERTY PC: repaired */
	{
		char mixed[DRAW_TOKEN_MAX * 2];
		qwerty_on_azerty(ENROL, mixed, sizeof mixed);
		CHECK(strcmp(mixed, ENROL) != 0);
		scan(&x, mixed);
		CHECK_INT(one_redeem(&x, &a), 1);
		CHECK_INT((int)a.draw, 7);
		CHECK_STR(a.entry, "7F3A9C0B12D4E5F60718");
		ui_issue_failed(x.u, CLIENT_UNREACHABLE, "", "connection refused", x.now);
		CHECK(tap(&x, "done") == 0);
		ui_menu(x.u, mk_menu(1, 0), x.now);
		draw(&x);
	}
	/* a torn slip is no enrolment slip: nothing asked */
	{
		char torn[64];
		snprintf(torn, sizeof torn, "%.60s", ENROL);
		scan(&x, torn);
		CHECK_INT(one_redeem(&x, &a), 0);
		CHECK_STR(ui_screen_name(ui_screen(x.u)), "welcome");
	}
	/* the printer cannot print: said first, nothing asked */
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	count_actions(&x, UI_ACT_REFRESH, NULL);
	ui_printer(x.u, ESCPOS_COVER_OPEN, "cover open", x.now);
	scan(&x, ENROL);
	CHECK_INT(one_redeem(&x, &a), 0);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "printer");
	/* the cover closed: the slip scanned is redeemed now, once */
	ui_printer(x.u, ESCPOS_READY, NULL, x.now);
	CHECK_INT(one_redeem(&x, &a), 1);
	CHECK_STR(a.entry, "7F3A9C0B12D4E5F60718");
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	fx_close(&x);
	/* a convocation's day as the visitor reads it */
	CHECK_INT(i18n_day("fr", "2026-12-07", day, sizeof day), 0);
	CHECK_STR(day, "lundi 7 décembre 2026");
}

/*
 * A convocation's slip (an attestation's QR code) scanned on the welcome
 * screen: the language, then one CHECKIN by its token (no code); on its
 * day the appointment's ticket; another day, the refusal says which day
 * (written out in French, dd/mm/yyyy in Arabic); an attestation that is no
 * convocation's stays kept for the visit (the procedures next, said);
 * a forged one is forgotten (said calmly); mid-visit a scanned attestation
 * is kept as before, no check-in.
 */
static void
test_conv_scan(void)
{
	struct fx x;
	struct ui_action a;
	struct client_ticket t;

	fx_open(&x, 1080, 1920, 96, 1, 0);
	scan(&x, ATT);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "language");
	CHECK_STR(ui_previous(x.u), ATT);
	CHECK_INT(one_checkin(&x, &a), 0);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.code, "");
	CHECK_STR(a.previous, ATT);
	CHECK_STR(a.lang, "fr");
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	t = mk_appt_ticket("appointment", "fr");
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(ui_state_is(x.u, "ticket:printing"));
	CHECK(ui_has_text(x.u, "10:30"));
	CHECK(tap(&x, "done") == 0);
	CHECK_STR(ui_previous(x.u), "");
	/* another day's: which day, written out */
	scan(&x, ATT);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK_INT(one_checkin(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "not_today", "2026-12-07", "another day", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "appt-refused");
	CHECK(ui_has_text(x.u, "Votre rendez-vous est le lundi 7 décembre 2026."));
	CHECK(tap(&x, "done") == 0);
	scan(&x, ATT);
	CHECK(tap(&x, "lang:ar") == 0);
	CHECK_INT(one_checkin(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "not_today", "2026-12-07", "another day", x.now);
	CHECK(ui_has_text(x.u, "07/12/2026"));
	CHECK(tap(&x, "done") == 0);
	/* a bound convocation: the number, then the token again with it */
	scan(&x, ATT);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK_INT(one_checkin(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "holder_required", NULL, "needs the number", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "holder");
	type_text(&x, "X1234");
	key(&x, UI_KEY_ENTER);
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.previous, ATT);
	CHECK_STR(a.code, "");
	CHECK_STR(a.holder, "X1234");
	ui_checkin_failed(x.u, CLIENT_REFUSED, "cancelled", NULL, "cancelled", x.now);
	CHECK(ui_has_text(x.u, "Ce rendez-vous a été annulé."));
	CHECK(tap(&x, "done") == 0);
	/* no convocation's: kept for the visit, the procedures next */
	scan(&x, ATT);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK_INT(one_checkin(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "not_convocation", NULL, "not a convocation's",
	    x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "procedure");
	CHECK_STR(ui_previous(x.u), ATT);
	CHECK(ui_has_text(x.u, "Votre attestation précédente a été prise en compte."));
	CHECK(tap(&x, "service:C") == 0);
	CHECK(tap(&x, "no") == 0);
	CHECK(tap(&x, "confirm") == 0);
	memset(&a, 0, sizeof a);
	CHECK_INT(count_actions(&x, UI_ACT_ISSUE, &a), 1);
	CHECK_STR(a.previous, ATT);
	t = mk_ticket("C012", "ticket", "fr");
	ui_issued(x.u, &t, mk_slip(), x.now);
	CHECK(tap(&x, "done") == 0);
	/* forged: forgotten, said calmly, the visit goes on */
	scan(&x, ATT);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK_INT(one_checkin(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_REFUSED, "bad_token", NULL, "forged", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "procedure");
	CHECK_STR(ui_previous(x.u), "");
	CHECK(ui_has_text(x.u, "Cette attestation n'a pas pu être lue."));
	CHECK(tap(&x, "cancel") == 0 || tap(&x, "back") == 0);
	/* the server down at the check-in: asked again once it is back */
	ui_menu(x.u, mk_menu(1, 0), x.now);
	draw(&x);
	scan(&x, ATT);
	CHECK(tap(&x, "lang:fr") == 0);
	CHECK_INT(one_checkin(&x, &a), 1);
	ui_checkin_failed(x.u, CLIENT_UNREACHABLE, "", NULL, "connection refused", x.now);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "server-down");
	ui_menu(x.u, mk_menu(1, 0), x.now);
	CHECK_INT(one_checkin(&x, &a), 1);
	CHECK_STR(a.previous, ATT);
	CHECK_STR(a.code, "");
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "issuing");
	fx_close(&x);
	/* mid-visit: kept, as before; no check-in */
	fx_open(&x, 1080, 1920, 96, 1, 0);
	CHECK(tap(&x, "start") == 0);
	CHECK(tap(&x, "lang:fr") == 0);
	scan(&x, ATT);
	CHECK_STR(ui_screen_name(ui_screen(x.u)), "procedure");
	CHECK_STR(ui_previous(x.u), ATT);
	CHECK_INT(one_checkin(&x, &a), 0);
	fx_close(&x);
}

int
main(void)
{
	char err[256];
	static const char *const langs[] = { "fr", "ar", "ta", "zh" };
	static const struct { int w, h; } sizes[] = { { 1080, 1920 }, { 1920, 1080 }, { 800, 480 } };
	size_t nl, i, s;
	const struct lang *all;

	F = fonts_open(NULL, err, sizeof err);
	REQUIRE(F != NULL);
	REQUIRE(i18n_load("assets/po", err, sizeof err) == 0);
	mk_payload(ATT, sizeof ATT, SLIP_ATTESTATION);
	snprintf(TORN, sizeof TORN, "%.60s", ATT);
	{
		unsigned char pk[32], sk[64];
		crypto_sign_keypair(pk, sk);
		REQUIRE(draw_token("prefecture-93", 7, "7F3A9C0B12D4E5F60718", sk, ENROL,
		    sizeof ENROL) == 0);
		sodium_memzero(sk, sizeof sk);
	}

	test_double_tap();
	test_idle();
	test_mirror();
	test_keys();
	test_speech();
	test_admin();
	test_admin_menu();
	test_large_bar();
	test_yes_no_places();
	test_priority_digits();
	test_world();
	test_holder_refused();
	test_holder_elsewhere();
	test_draw_visit();
	test_scan();
	test_paint();
	test_notices();
	test_appt();
	test_redeem();
	test_conv_scan();

	/* every screen: four languages, three sizes, two dpi; large text and
	 * contrast at 96 dpi */
	for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
		for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
			walk(sizes[s].w, sizes[s].h, 96, langs[i], 0);
			walk(sizes[s].w, sizes[s].h, 160, langs[i], 0);
			walk(sizes[s].w, sizes[s].h, 96, langs[i], 1);
			walk_appt(sizes[s].w, sizes[s].h, 96, langs[i]);
			walk_appt(sizes[s].w, sizes[s].h, 160, langs[i]);
			walk_draw(sizes[s].w, sizes[s].h, 96, langs[i], 0);
			walk_draw(sizes[s].w, sizes[s].h, 160, langs[i], 0);
			walk_draw(sizes[s].w, sizes[s].h, 96, langs[i], 1);
		}
	walk(1080, 1920, 96, "fr", 2);
	walk(800, 480, 96, "ar", 2);
	/* and every other language once */
	all = i18n_langs(&nl);
	for (i = 0; i < nl; i++)
		if (strcmp(all[i].code, "fr") && strcmp(all[i].code, "ar") && strcmp(all[i].code, "ta") &&
		    strcmp(all[i].code, "zh"))
			walk(1080, 1920, 96, all[i].code, 0);
	printf("%d frames checked\n", frames_checked);
	i18n_free();
	fonts_free(F);
	return TEST_REPORT();
}
