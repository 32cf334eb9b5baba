/*
 * touch: `kiosk touch`, the touchscreen kiosk. The command: it reads the
 * options, opens what the kiosk needs and runs the UI thread's loop. The
 * parts live beside it:
 *   - the screens are the ui's (ui/ui.h, pure): input in, a frame out;
 *   - the window, its input and the pixels on screen are the SDL seam's
 *     (sdl/window.h), and so is the loudspeaker (sdl/audio.h);
 *   - speech is the speaker's (speech/speaker.h: libespeak-ng in this
 *     process, played through sdl/audio.h);
 *   - the network and the printer run on the worker thread
 *     (touch_worker.h), which hands results back through a slot and a
 *     wake-up carrying a plain number;
 *   - the --script test hook is touch_script.h's.
 * This file includes no SDL header.
 *
 * The loop waits for events until the next deadline (idle countdown,
 * welcome cycling, the clock's minute, a script wait): no frame is drawn
 * unless ui_dirty() says something changed, or the window needs one.
 *
 * Lock-down: with --fullscreen the window takes the whole screen and grabs
 * the keyboard; closing the window, Alt-F4 and Escape do nothing. Leaving
 * takes the admin PIN (--admin-pin or KIOSK_ADMIN_PIN), typed after five
 * taps in the top-left corner within three seconds. SIGTERM (systemd) and
 * SIGINT still stop it cleanly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "client/client.h"
#include "cmd/cmds.h"
#include "cmd/serve.h"
#include "cmd/touch_script.h"
#include "cmd/touch_worker.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/text.h"
#include "printer/printer.h"
#include "sdl/audio.h"
#include "sdl/window.h"
#include "speech/speaker.h"
#include "speech/speech.h"
#include "ui/ui.h"

#define POLL_OK_MS    30000  /* menu and printer polled this often when all is well (--poll) */
#define POLL_BAD_MS   5000   /* ...and at most this long apart while something is wrong */

/* The command line. */
struct options {
	const char *server;     /* --server URL */
	const char *key;        /* --device-key, or KIOSK_DEVICE_KEY */
	const char *printer;    /* --printer SPEC */
	const char *pin;        /* --admin-pin, or KIOSK_ADMIN_PIN; NULL: none */
	int pin_arg;            /* argv index of --admin-pin's value, or -1 */
	const char *cafile;     /* --cafile */
	const char *podir;      /* --po, or the default */
	const char *fontdir;    /* --fonts */
	const char *script;     /* --script */
	const char *speechlog;  /* --speech-log */
	int fullscreen;         /* --fullscreen */
	int w, h;               /* --size */
	int dpi;                /* --dpi */
	int idle, countdown;    /* --idle, --countdown (seconds; 0: the ui's default) */
	int poll;               /* --poll (seconds) */
	int audio;              /* 0 with --no-audio */
	int stats;              /* --stats */
	char pobuf[4096];       /* the default --po */
};

/* What the UI thread holds. */
struct touch {
	struct client *client;      /* the server (used by the worker only once started) */
	struct printer *printer;    /* the printer (idem) */
	struct fonts *fonts;        /* the UI thread's fonts */
	struct script *script;      /* --script, or NULL */
	struct window *win;         /* the window */
	struct ui_painter *painter; /* draws frames into the window's canvas */
	struct ui *u;               /* the screens */
	struct worker *worker;      /* network and printer thread */
	struct audio *audio;        /* the loudspeaker, or NULL */
	struct speaker *speaker;    /* speech, or NULL */
	int quit;                   /* 1: leave the loop */
	int rc;                     /* the exit code */
	int64_t next_minute;        /* when the clock on screen changes */
	int stats;                  /* --stats */
	int first;                  /* 1 until the first frame */
	int64_t t0_us;              /* start (clock_us), for --stats */
	int64_t input_us;           /* when the input being answered came, 0: none */
	int64_t layout_us, paint_us; /* what the last frame took (--stats) */
	struct rect last_dirty;     /* what the last frame showed (--stats) */
};

/* "HH:MM" now on the wall clock, in the process's zone (the site's once
 * its menu came: serve_use_zone), and the ms until the next minute. */
static int64_t
wall_hhmm(char *out, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(out, len, "%H:%M", &tm);
	return (int64_t)(60 - tm.tm_sec) * 1000 - ts.tv_nsec / 1000000;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: kiosk touch --server URL --device-key KEY --printer SPEC [options]\n"
	    "\n"
	    "The touchscreen kiosk: applicants choose their language and procedure and\n"
	    "get a printed ticket.\n"
	    "\n"
	    "  --server URL        the queue server, e.g. http://127.0.0.1:8080\n"
	    "  --device-key KEY    this kiosk's key (kiosk admin device add NAME);\n"
	    "                      default: the environment variable KIOSK_DEVICE_KEY\n"
	    "  --printer SPEC      file:OUT.bin[?status=paper_out...], usb:/dev/usb/lp0, tcp:HOST:9100\n"
	    "  --fullscreen        take the whole screen and lock it down (kiosk mode)\n"
	    "  --size WxH          window size (default 1080x1920; ignored with --fullscreen)\n"
	    "  --dpi N             the screen's dots per inch, for 15 mm targets (default 96)\n"
	    "  --admin-pin PIN     4 to 12 digits to leave the app (five taps in the top-left\n"
	    "                      corner, then the PIN); default: KIOSK_ADMIN_PIN. Without one\n"
	    "                      the app can only be stopped by a signal\n"
	    "  --idle S            seconds without a touch before the countdown (default 60)\n"
	    "  --countdown S       length of the countdown (default 20)\n"
	    "  --poll S            ask the server for its menu every S seconds (default 30;\n"
	    "                      every 5 s, or S if less, while it cannot be reached)\n"
	    "  --cafile FILE       CA certificate of an HTTPS server\n"
	    "  --po DIR            translations (default: assets/po)\n"
	    "  --fonts DIR         fonts (default: Debian's Noto directories)\n"
	    "  --no-audio          never play speech (the speech log still works)\n"
	    "  --speech-log FILE   append every sentence spoken (LANG, voice, text; the voice\n"
	    "                      is '-' for a language espeak-ng has no voice for, which is\n"
	    "                      not spoken), and '#said VOICE BYTES' when its sound was made\n"
	    "  --stats             print timings: first frame, input to frame\n"
	    "  --script FILE       test hook: run the input script in FILE, then quit\n"
	    "\n"
	    "Keys: arrows move, Enter chooses, 1-9 pick a numbered choice (never the\n"
	    "priority question: only a tap, or the focus and Enter, answer it), Backspace\n"
	    "goes back, F1 or keypad '+' reads the screen aloud, F2 large text, F3 contrast.\n"
	    "A USB QR scanner (keyboard wedge) can scan an earlier attestation de passage\n"
	    "at any step of a visit: it is sent along when the service is full. An\n"
	    "appointment's confirmation scanned (or its code typed after 'J'ai un\n"
	    "rendez-vous') checks the appointment in; keyboards type by their characters,\n"
	    "whatever the layout (AZERTY).\n"
	    "\n"
	    "Script lines (test hook): wait SCREEN[:STATE] [MS] | tap X Y | tap @TARGET |\n"
	    "doubletap @TARGET | key NAME (SDL key name, alt+F4...) | type TEXT (keys) |\n"
	    "scan TEXT (a QR scanner: keys and text in one burst, then Enter) |\n"
	    "wait-file PATH [MS] | wait-ready (the tap guard has passed) |\n"
	    "screenshot FILE.png | expect-text TEXT | expect-no-text TEXT |\n"
	    "expect-target NAME | expect-no-target NAME | expect-speech TEXT | log TEXT | quit\n"
	    "Screens: loading welcome language procedure guide priority holder confirm\n"
	    "issuing ticket[:printing|:printed|:failed] server-down printer closed\n"
	    "full[:...] refused uncertain pin admin[:ready] appt-code appt-refused, and\n"
	    "'idle' for the countdown.\n");
}

/* ---- the command line --------------------------------------------------------- */

/* An option that takes a number, with its value: 0, or -1 with a message. */
static int
number_option(struct options *o, const char *a, const char *v)
{
	int n, *dst;

	if (!strcmp(a, "--size")) {
		if (sscanf(v, "%dx%d", &o->w, &o->h) == 2 && o->w >= 320 && o->h >= 240 &&
		    o->w <= 8192 && o->h <= 8192)
			return 0;
		fprintf(stderr, "kiosk touch: --size wants WxH, e.g. 1080x1920\n");
		return -1;
	}
	if (!strcmp(a, "--dpi")) dst = &o->dpi;
	else if (!strcmp(a, "--idle")) dst = &o->idle;
	else if (!strcmp(a, "--countdown")) dst = &o->countdown;
	else dst = &o->poll;
	n = atoi(v);
	if (n <= 0 || n > 100000) {
		fprintf(stderr, "kiosk touch: %s wants a positive number\n", a);
		return -1;
	}
	*dst = n;
	return 0;
}

/* Where an option that takes a string goes, or NULL. */
static const char **
string_option(struct options *o, const char *a)
{
	if (!strcmp(a, "--server")) return &o->server;
	if (!strcmp(a, "--device-key")) return &o->key;
	if (!strcmp(a, "--printer")) return &o->printer;
	if (!strcmp(a, "--admin-pin")) return &o->pin;
	if (!strcmp(a, "--cafile")) return &o->cafile;
	if (!strcmp(a, "--po")) return &o->podir;
	if (!strcmp(a, "--fonts")) return &o->fontdir;
	if (!strcmp(a, "--script")) return &o->script;
	if (!strcmp(a, "--speech-log")) return &o->speechlog;
	return NULL;
}

/* 0: go on; 1: stop with exit code 0 (--help); -1: stop with 1. */
static int
parse_options(struct options *o, int argc, char **argv)
{
	const char **dst;
	int i;

	memset(o, 0, sizeof *o);
	o->w = 1080, o->h = 1920, o->dpi = 96, o->poll = POLL_OK_MS / 1000, o->audio = 1;
	o->pin_arg = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "--fullscreen")) {
			o->fullscreen = 1;
		} else if (!strcmp(a, "--stats")) {
			o->stats = 1;
		} else if (!strcmp(a, "--no-audio")) {
			o->audio = 0;
		} else if (i + 1 < argc && (dst = string_option(o, a)) != NULL) {
			if (!strcmp(a, "--admin-pin"))
				o->pin_arg = i + 1;
			*dst = argv[++i];
		} else if (i + 1 < argc && (!strcmp(a, "--size") || !strcmp(a, "--dpi") ||
		    !strcmp(a, "--idle") || !strcmp(a, "--countdown") || !strcmp(a, "--poll"))) {
			if (number_option(o, a, argv[++i]) != 0)
				return -1;
		} else {
			fprintf(stderr, "kiosk touch: unknown option or missing value: '%s'\n\n", a);
			usage(stderr);
			return -1;
		}
	}
	if (o->key == NULL)
		o->key = getenv("KIOSK_DEVICE_KEY");
	if (o->pin == NULL)
		o->pin = getenv("KIOSK_ADMIN_PIN");
	if (o->server == NULL || o->key == NULL || *o->key == '\0' || o->printer == NULL) {
		fprintf(stderr, "kiosk touch: give --server, --device-key and --printer\n\n");
		usage(stderr);
		return -1;
	}
	if (o->podir == NULL) {
		serve_default_dir(argv[0], "po", o->pobuf, sizeof o->pobuf);
		o->podir = o->pobuf;
	}
	return 0;
}

/* ---- setting up ------------------------------------------------------------- */

/* What needs no display: translations, printer, server, fonts, script. */
static int
open_local(struct touch *t, const struct options *o)
{
	char err[512];

	if (i18n_load(o->podir, err, sizeof err) != 0) {
		fprintf(stderr, "kiosk touch: translations: %s\n", err);
		return -1;
	}
	if ((t->printer = printer_open(o->printer, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk touch: printer: %s\n", err);
		return -1;
	}
	if ((t->client = client_new(o->server, o->key, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk touch: %s\n", err);
		return -1;
	}
	if (o->cafile)
		client_set_cafile(t->client, o->cafile);
	if ((t->fonts = fonts_open(o->fontdir, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk touch: fonts: %s\n", err);
		return -1;
	}
	if (o->script && (t->script = script_load(o->script, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk touch: %s\n", err);
		return -1;
	}
	return 0;
}

/* The window, the screens and the admin PIN. */
static int
open_screen(struct touch *t, const struct options *o, char **argv)
{
	struct window_config wc = { "Accueil — borne", o->w, o->h, o->fullscreen };
	struct ui_config cfg;
	char err[512];
	int w, h;

	if ((t->win = window_open(&wc, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk touch: %s\n", err);
		return -1;
	}
	window_size(t->win, &w, &h);
	memset(&cfg, 0, sizeof cfg);
	cfg.dpi = o->dpi;
	cfg.idle_s = o->idle;
	cfg.countdown_s = o->countdown;
	cfg.version = "1.0.0";
	cfg.server_url = o->server;     /* shown to staff on the admin screen */
	cfg.printer_spec = o->printer;
	if ((t->painter = ui_painter_new(t->fonts, 0)) == NULL ||
	    (t->u = ui_new(&cfg, t->fonts, w, h, clock_ms())) == NULL) {
		fprintf(stderr, "kiosk touch: out of memory\n");
		return -1;
	}
	if (o->pin == NULL) {
		if (o->fullscreen)
			log_warnx("touch: no admin PIN: the kiosk can only be stopped by a signal");
		return 0;
	}
	if (ui_set_pin(t->u, o->pin) != 0) {
		fprintf(stderr, "kiosk touch: the admin PIN must be 4 to 12 digits\n");
		return -1;
	}
	/* keep only the hash: wipe the clear PIN where we can */
	if (o->pin_arg > 0)
		memset(argv[o->pin_arg], 'x', strlen(argv[o->pin_arg]));
	unsetenv("KIOSK_ADMIN_PIN");
	return 0;
}

/* The threads: the worker (server and printer), the speaker. */
static int
start_threads(struct touch *t, const struct options *o)
{
	struct worker_config wc;
	char err[256];

	memset(&wc, 0, sizeof wc);
	wc.client = t->client;
	wc.printer = t->printer;
	wc.poll_ok_ms = o->poll * 1000;
	wc.poll_bad_ms = o->poll < POLL_BAD_MS / 1000 ? o->poll * 1000 : POLL_BAD_MS;
	wc.wake = window_wake;
	wc.wake_arg = t->win;
	if ((t->worker = worker_start(&wc, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk touch: %s\n", err);
		return -1;
	}
	if (o->audio && (t->audio = audio_new(err, sizeof err)) == NULL)
		log_warnx("touch: no audio (%s): speech is off", err);
	t->speaker = speaker_new(o->speechlog, t->audio ? &audio_out : NULL, t->audio,
	    err, sizeof err);
	if (t->speaker == NULL)
		log_warnx("touch: %s: speech is off", err);
	return 0;
}

/* ---- the loop ------------------------------------------------------------------- */

/* Paint the ui's frame and show what changed. */
static void
draw(struct touch *t, int64_t now)
{
	int64_t t0 = clock_us(), t1, t2;
	const struct ui_frame *f = ui_draw(t->u, now);
	struct ui_canvas *cv;
	struct rect d;
	int full;

	cv = window_canvas(t->win, &full);
	t1 = clock_us();
	if (ui_paint(t->painter, f, cv, full, &d) < 0)
		log_warnx("touch: some text could not be drawn");
	t2 = clock_us();
	t->layout_us = t1 - t0;
	t->paint_us = t2 - t1;
	window_show(t->win, &d);
	t->last_dirty = d;
}

/* Draw when something changed; --stats says how long it took. */
static void
draw_if_needed(struct touch *t, int64_t now)
{
	if (!ui_dirty(t->u) && !window_needs_frame(t->win))
		return;
	draw(t, now);
	if (t->first) {
		t->first = 0;
		if (t->stats)
			fprintf(stderr, "stats: first-frame-ms %.1f (layout %.1f, paint %.1f)\n",
			    (double)(clock_us() - t->t0_us) / 1e3, (double)t->layout_us / 1e3,
			    (double)t->paint_us / 1e3);
	}
	if (t->input_us > 0) {
		if (t->stats)
			fprintf(stderr, "stats: input-to-frame-ms %.2f %s (layout %.1f, paint %.1f, "
			    "%dx%d px)\n", (double)(clock_us() - t->input_us) / 1e3,
			    ui_screen_name(ui_screen(t->u)), (double)t->layout_us / 1e3,
			    (double)t->paint_us / 1e3, t->last_dirty.w, t->last_dirty.h);
		t->input_us = 0;
	}
}

/* Do what the ui asked for. */
static void
run_actions(struct touch *t)
{
	struct ui_action act;

	while (ui_next_action(t->u, &act)) {
		switch (act.kind) {
		case UI_ACT_ISSUE:
		case UI_ACT_CHECKIN:
		case UI_ACT_REDEEM:
		case UI_ACT_ENROL:
			worker_issue(t->worker, &act);
			break;
		case UI_ACT_REFRESH:
			worker_refresh(t->worker);
			break;
		case UI_ACT_SPEAK:
			if (t->script && act.speech)
				script_heard(t->script, act.speech);
			if (t->speaker) {
				speaker_say(t->speaker, act.speech);
				act.speech = NULL;
			}
			break;
		case UI_ACT_HUSH:
			if (t->speaker)
				speaker_say(t->speaker, NULL);
			break;
		case UI_ACT_QUIT:
			log_info("touch: the admin quit the kiosk");
			t->quit = 1;
			break;
		case UI_ACT_TEST_PRINT: {
			char when[32];
			time_t now = time(NULL);
			struct tm tm;
			localtime_r(&now, &tm);
			strftime(when, sizeof when, "%d/%m/%Y %H:%M", &tm);
			log_info("touch: the admin asked for a test page");
			worker_test_print(t->worker, t->fonts, ui_site_name(t->u), when);
			break;
		}
		case UI_ACT_REPRINT:
			log_info("touch: the admin asked for a duplicate of ticket %lld",
			    (long long)act.ticket_id);
			worker_reprint(t->worker, act.ticket_id);
			break;
		}
		free(act.speech);
		sodium_memzero(&act, sizeof act);
	}
}

/* One event from the window. */
static void
handle_event(struct touch *t, const struct window_event *ev)
{
	int64_t now = clock_ms();

	switch (ev->kind) {
	case WINDOW_QUIT:
		log_info("touch: stopped by a signal");
		t->quit = 1;
		break;
	case WINDOW_WAKE:
		worker_deliver(t->worker, t->u, t->fonts, now);
		break;
	case WINDOW_TAP:
		t->input_us = clock_us();
		ui_tap(t->u, ev->x, ev->y, now);
		break;
	case WINDOW_KEY:
		t->input_us = clock_us();
		ui_keypress(t->u, ev->key, ev->text, now);
		break;
	case WINDOW_RESIZED:
		ui_resize(t->u, ev->x, ev->y, 0, now);
		break;
	case WINDOW_BROKEN:
		fprintf(stderr, "kiosk touch: out of memory\n");
		t->quit = 1;
		t->rc = 1;
		break;
	case WINDOW_NONE:
		break;
	}
}

/* Milliseconds to wait for an event: until the next deadline, never spin. */
static int
wait_ms(struct touch *t, int64_t now)
{
	int64_t deadline = t->next_minute, dl;

	if ((dl = ui_next_deadline(t->u)) >= 0 && dl < deadline)
		deadline = dl;
	if (t->script && (dl = script_deadline(t->script, now)) >= 0 && dl < deadline)
		deadline = dl;
	if (ui_dirty(t->u) || deadline <= now)
		return 0;
	return (int)(deadline - now);
}

static void
run(struct touch *t)
{
	struct window_event ev;
	char hhmm[8];
	int got;

	while (!t->quit) {
		int64_t now = clock_ms();
		/* Every turn, not only at the minute: it costs a localtime_r, and
		 * the site's zone, learnt from the server's answer, shows at once.
		 * ui_clock redraws only when the text changed. */
		t->next_minute = now + wall_hhmm(hhmm, sizeof hhmm);
		ui_clock(t->u, hhmm);
		ui_tick(t->u, now);
		draw_if_needed(t, now);
		run_actions(t);
		if (t->script && !ui_dirty(t->u) && !t->quit) {
			script_step(t->script, t->u, t->win, now, &t->quit);
			if (script_failed(t->script))
				break;
		}
		if (t->quit)
			break;
		for (got = window_wait(t->win, wait_ms(t, now), &ev); got;
		    got = window_wait(t->win, 0, &ev))
			handle_event(t, &ev);
	}
}

/* A failed script leaves the screen it failed on in SCRIPT.fail.png. */
static void
script_failed_shot(struct touch *t, const char *path)
{
	char shot[4200];

	snprintf(shot, sizeof shot, "%s.fail.png", path);
	if (ui_dirty(t->u))
		draw(t, clock_ms());
	window_screenshot(t->win, shot);
	fprintf(stderr, "kiosk touch: script failed; the screen is in %s\n", shot);
}

int
cmd_touch(int argc, char **argv)
{
	struct options o;
	struct touch t;
	int rc, w, h;

	memset(&t, 0, sizeof t);
	t.t0_us = clock_us();
	t.first = 1;
	if ((rc = parse_options(&o, argc, argv)) != 0)
		return rc < 0 ? 1 : 0;
	t.stats = o.stats;
	t.rc = 1;
	serve_zone_prepare();   /* before the threads: the site's zone comes with its menu */
	if (open_local(&t, &o) != 0 || open_screen(&t, &o, argv) != 0 || start_threads(&t, &o) != 0)
		goto out;
	window_size(t.win, &w, &h);
	log_info("touch: %dx%d at %d dpi, server %s, printer %s%s", w, h, o.dpi, o.server,
	    o.printer, o.fullscreen ? ", locked fullscreen" : "");
	t.rc = 0;
	run(&t);
	if (t.script && script_failed(t.script)) {
		script_failed_shot(&t, o.script);
		t.rc = 3;
	}
out:
	speaker_free(t.speaker);
	speech_shutdown();
	audio_free(t.audio);
	worker_stop(t.worker);
	ui_free(t.u);
	ui_painter_free(t.painter);
	window_close(t.win);
	script_free(t.script);
	fonts_free(t.fonts);
	client_free(t.client);
	printer_close(t.printer);
	i18n_free();
	return t.rc;
}
