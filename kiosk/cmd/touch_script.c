/*
 * touch_script: see touch_script.h. One handler per verb; each says whether
 * the script goes on at once, yields to the event loop (it injected input
 * that must be handled first), or waits on the current line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/touch_script.h"
#include "sdl/window.h"
#include "ui/ui.h"

#define SCRIPT_WAIT_MS 15000 /* default deadline of a script's "wait" */
#define SCRIPT_PAGES   20    /* pages turned at most looking for a target */

struct script {
	char **lines;       /* the file's lines */
	int n;              /* how many */
	int pc;             /* next line */
	int64_t deadline;   /* of the current wait, 0 = none yet */
	int64_t resume;     /* do not run before this (tap guard) */
	int failed;         /* 1: a check failed */
	int done;           /* 1: ran to the end or "quit" */
	int pages;          /* pages turned looking for a target */
	char last_speech[4096]; /* what the ui last asked to say */
};

/* What a verb's handler says. */
enum step {
	STEP_NEXT,  /* the line is done: run the next one now */
	STEP_YIELD, /* the line is done: let the loop handle the input it made */
	STEP_WAIT,  /* the line is not done (or failed): come back later */
};

/* Everything a handler sees. */
struct ctx {
	struct script *sc;   /* the script */
	struct ui *u;        /* the screens */
	struct window *win;  /* where input is injected */
	int64_t now;         /* monotonic milliseconds */
	const char *verb;    /* the line's first word */
	const char *arg;     /* the rest of the line, blanks skipped */
	int *quit;           /* set to end the app */
};

struct script *
script_load(const char *path, char *err, size_t errlen)
{
	struct script *sc = calloc(1, sizeof *sc);
	FILE *f = fopen(path, "r");
	char buf[1024];

	if (sc == NULL || f == NULL) {
		snprintf(err, errlen, "cannot read %s", path);
		if (f)
			fclose(f);
		free(sc);
		return NULL;
	}
	while (fgets(buf, sizeof buf, f)) {
		char **l;
		buf[strcspn(buf, "\r\n")] = '\0';
		if ((l = realloc(sc->lines, (size_t)(sc->n + 1) * sizeof *l)) == NULL)
			break;
		sc->lines = l;
		if ((sc->lines[sc->n] = strdup(buf)) == NULL)
			break;
		sc->n++;
	}
	fclose(f);
	return sc;
}

void
script_free(struct script *sc)
{
	int i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->n; i++)
		free(sc->lines[i]);
	free(sc->lines);
	free(sc);
}

int64_t
script_deadline(const struct script *sc, int64_t now)
{
	int64_t dl = sc->deadline ? sc->deadline : -1;

	if (sc->resume > now && (dl < 0 || sc->resume < dl))
		dl = sc->resume;
	return dl;
}

int
script_failed(const struct script *sc)
{
	return sc->failed;
}

void
script_heard(struct script *sc, const char *speech)
{
	snprintf(sc->last_speech, sizeof sc->last_speech, "%s", speech ? speech : "");
}

static enum step script_fail(struct script *sc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Say why the current line failed, and end the script. */
static enum step
script_fail(struct script *sc, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kiosk touch: script line %d (%s): ", sc->pc + 1,
	    sc->pc < sc->n ? sc->lines[sc->pc] : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	sc->failed = 1;
	sc->done = 1;
	return STEP_WAIT;
}

/* Wait until a deadline of ms from the first look at this line. */
static enum step
wait_until(struct script *sc, int64_t now, int ms, const char *what)
{
	if (sc->deadline == 0)
		sc->deadline = now + ms;
	if (now >= sc->deadline)
		return script_fail(sc, "%s after %d ms", what, ms);
	return STEP_WAIT;
}

/* wait SCREEN[:STATE] [MS] */
static enum step
do_wait(struct ctx *c)
{
	char want[64], what[128];
	int ms = SCRIPT_WAIT_MS;

	if (sscanf(c->arg, "%63s %d", want, &ms) < 1)
		return script_fail(c->sc, "wait what?");
	if (ui_state_is(c->u, want)) {
		c->sc->deadline = 0;
		return STEP_NEXT;
	}
	snprintf(what, sizeof what, "still on screen '%s%s'", ui_screen_name(ui_screen(c->u)),
	    ui_idle_showing(c->u) ? " + idle" : "");
	return wait_until(c->sc, c->now, ms, what);
}

/* Where a tap argument points: "X Y" or "@target". 0 or -1. */
static int
tap_point(struct ui *u, const char *arg, int *x, int *y)
{
	if (arg[0] == '@') {
		const struct ui_target *t = ui_find_target(u, arg + 1);
		if (t == NULL)
			return -1;
		*x = t->r.x + t->r.w / 2;
		*y = t->r.y + t->r.h / 2;
		return 0;
	}
	return sscanf(arg, "%d %d", x, y) == 2 ? 0 : -1;
}

/* tap X Y | tap @TARGET | doubletap @TARGET */
static enum step
do_tap(struct ctx *c)
{
	struct script *sc = c->sc;
	int x, y;

	if (tap_point(c->u, c->arg, &x, &y) != 0) {
		/* not on this page of a long list: turn pages as a person would */
		const struct ui_target *nx = ui_find_target(c->u, "next");
		if (c->arg[0] == '@' && nx && sc->pages++ < SCRIPT_PAGES && ui_tap_ready(c->u) <= c->now) {
			window_inject_tap(c->win, nx->r.x + nx->r.w / 2, nx->r.y + nx->r.h / 2);
			return STEP_WAIT;
		}
		if (c->arg[0] == '@' && nx && sc->pages <= SCRIPT_PAGES) {
			sc->resume = ui_tap_ready(c->u);
			return STEP_WAIT;
		}
		return script_fail(sc, "no such target on screen '%s'", ui_screen_name(ui_screen(c->u)));
	}
	sc->pages = 0;
	/* a person cannot tap a screen faster than it appears: wait for the
	 * tap guard like a person would (a known deadline) */
	if (ui_tap_ready(c->u) > c->now) {
		sc->resume = ui_tap_ready(c->u);
		return STEP_WAIT;
	}
	window_inject_tap(c->win, x, y);
	if (c->verb[0] == 'd')
		window_inject_tap(c->win, x, y);
	return STEP_YIELD;
}

/* key NAME | type TEXT | scan TEXT */
static enum step
do_keys(struct ctx *c)
{
	const char *p;

	if (!strcmp(c->verb, "key")) {
		if (window_inject_key(c->win, c->arg) != 0)
			return script_fail(c->sc, "unknown key name");
	} else if (!strcmp(c->verb, "type")) {
		for (p = c->arg; *p; p++) {
			char k[2] = { *p, 0 };
			window_inject_key(c->win, k);
		}
	} else {
		window_inject_scan(c->win, c->arg);
	}
	return STEP_YIELD;
}

/* expect-text, expect-no-text, expect-target, expect-no-target, expect-speech */
static enum step
do_expect(struct ctx *c)
{
	int want = c->verb[7] != 'n', has;

	if (!strcmp(c->verb, "expect-speech")) {
		if (strstr(c->sc->last_speech, c->arg) == NULL)
			return script_fail(c->sc, "not said; last speech was: %.200s", c->sc->last_speech);
	} else if (strstr(c->verb, "text")) {
		if ((has = ui_has_text(c->u, c->arg)) != want)
			return script_fail(c->sc, "text %s on screen '%s'", has ? "found" : "not found",
			    ui_screen_name(ui_screen(c->u)));
	} else if ((has = ui_find_target(c->u, c->arg) != NULL) != want) {
		return script_fail(c->sc, "target %s", has ? "present" : "absent");
	}
	return STEP_NEXT;
}

/* wait-ready: until a tap would be taken (the guard after a screen change) */
static enum step
do_wait_ready(struct ctx *c)
{
	if (c->now < ui_tap_ready(c->u)) {
		c->sc->resume = ui_tap_ready(c->u);
		return STEP_WAIT;
	}
	return STEP_NEXT;
}

/* wait-file PATH [MS]: the test's shell acted (stopped a server...), a file says so */
static enum step
do_wait_file(struct ctx *c)
{
	char path[512];
	int ms = SCRIPT_WAIT_MS;

	if (sscanf(c->arg, "%511s %d", path, &ms) < 1)
		return script_fail(c->sc, "wait-file what?");
	if (access(path, F_OK) == 0) {
		c->sc->deadline = 0;
		return STEP_NEXT;
	}
	c->sc->resume = c->now + 20; /* look again soon: test hook only */
	return wait_until(c->sc, c->now, ms, "no file");
}

/* screenshot FILE.png | log TEXT | quit */
static enum step
do_misc(struct ctx *c)
{
	if (!strcmp(c->verb, "screenshot")) {
		if (window_screenshot(c->win, c->arg) != 0)
			return script_fail(c->sc, "cannot write the screenshot");
	} else if (!strcmp(c->verb, "log")) {
		fprintf(stderr, "script: %s\n", c->arg);
	} else {
		c->sc->done = 1;
		*c->quit = 1;
		return STEP_WAIT;
	}
	return STEP_NEXT;
}

static const struct {
	const char *verb;             /* the line's first word */
	enum step (*run)(struct ctx *); /* its handler */
} verbs[] = {
	{ "wait", do_wait }, { "tap", do_tap }, { "doubletap", do_tap },
	{ "key", do_keys }, { "type", do_keys }, { "scan", do_keys },
	{ "expect-text", do_expect }, { "expect-no-text", do_expect },
	{ "expect-target", do_expect }, { "expect-no-target", do_expect },
	{ "expect-speech", do_expect }, { "wait-ready", do_wait_ready },
	{ "wait-file", do_wait_file }, { "screenshot", do_misc }, { "log", do_misc },
	{ "quit", do_misc },
};

void
script_step(struct script *sc, struct ui *u, struct window *win, int64_t now, int *quit)
{
	while (!sc->done && sc->pc < sc->n && sc->resume <= now) {
		char *l = sc->lines[sc->pc], verb[32] = "";
		struct ctx c = { sc, u, win, now, verb, NULL, quit };
		enum step st = STEP_WAIT;
		size_t i;

		sscanf(l, "%31s", verb);
		for (c.arg = l + strlen(verb); *c.arg == ' ' || *c.arg == '\t'; c.arg++)
			;
		if (verb[0] == '\0' || verb[0] == '#') {
			sc->pc++;
			continue;
		}
		for (i = 0; i < sizeof verbs / sizeof verbs[0] && strcmp(verbs[i].verb, verb); i++)
			;
		if (i == sizeof verbs / sizeof verbs[0])
			script_fail(sc, "unknown command '%s'", verb);
		else
			st = verbs[i].run(&c);
		if (st == STEP_WAIT)
			return;
		sc->pc++;
		if (st == STEP_YIELD)
			return;
	}
	if (sc->pc >= sc->n && !sc->done) {
		sc->done = 1;
		*quit = 1;
	}
}
