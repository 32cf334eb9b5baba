/*
 * window: the kiosk's window, in the SDL seam. Platform module: with
 * audio.c, the only code that calls SDL's video and event functions (and
 * libpng, for screenshots). The kiosk command sees no SDL type:
 *   - pixels: the window owns a canvas (struct ui_canvas) that the ui's
 *     painter draws into; window_show copies only the rectangle that
 *     changed to the screen;
 *   - input: touch, mouse and keys come out of window_wait as plain
 *     events in the ui's vocabulary (a tap at x,y; a ui key with the text
 *     it typed, so the ui can tell a USB QR scanner from a person);
 *   - threads: window_wake is the one call other threads may make. It
 *     posts an SDL user event carrying a plain number (SDL_PushEvent is
 *     thread-safe); no pointer ever travels in an event.
 *   - the --script test hook injects taps, keys and a scanner's burst into
 *     SDL's own queue, so they take the same path as real input.
 *
 * Lock-down (fullscreen): the window takes the whole screen, grabs the
 * keyboard and hides the cursor; closing it (Alt-F4 under a window manager)
 * does not quit. SIGTERM and SIGINT still arrive, as WINDOW_QUIT.
 *
 * Must not depend on: the ui's screens, the network, the printer, speech.
 */
#ifndef KIOSK_WINDOW_H
#define KIOSK_WINDOW_H

#include <stddef.h>

#include "core/bitmap.h"
#include "ui/ui.h"

struct window;

/* What window_open needs. */
struct window_config {
	const char *title; /* the window's title (xdotool finds it by name) */
	int w, h;          /* wanted size in pixels (fullscreen: ignored) */
	int fullscreen;    /* 1: take the whole screen and lock it down */
};

/* What window_wait returns. */
enum window_ev {
	WINDOW_NONE,    /* an event of no interest (it still ends a wait) */
	WINDOW_QUIT,    /* a signal (SIGTERM, SIGINT) or, when not locked, the close button */
	WINDOW_WAKE,    /* another thread called window_wake; `code` is its number */
	WINDOW_TAP,     /* a touch or a left click at x, y */
	WINDOW_KEY,     /* a key press: `key` (UI_KEY_NONE for text alone) and `text` */
	WINDOW_RESIZED, /* the canvas was resized to x by y: repaint everything */
	WINDOW_BROKEN,  /* the canvas could not be resized (out of memory) */
};

/* One event. */
struct window_event {
	enum window_ev kind; /* what happened */
	int code;            /* WAKE: the number posted */
	int x, y;            /* TAP: where, in pixels; RESIZED: the new size */
	enum ui_key key;     /* KEY: the key, UI_KEY_NONE when only text came */
	char text[32];       /* KEY: the UTF-8 text it typed, "" when none */
};

/* Start SDL's video, open the window and its canvas. NULL with a reason in
 * err ("no display: ...") when it cannot. */
struct window *window_open(const struct window_config *cfg, char *err, size_t errlen);

/* Close the window and SDL. NULL is harmless. Call after every user of SDL
 * (the audio output) has stopped. */
void window_close(struct window *w);

/* The canvas size in pixels. */
void window_size(const struct window *w, int *width, int *height);

/* 1 when the next frame must be shown whole even if nothing changed (new
 * or resized canvas, or the window was uncovered). */
int window_needs_frame(const struct window *w);

/* The canvas to paint the next frame into; *full receives 1 when all of it
 * must be repainted (new or resized). */
struct ui_canvas *window_canvas(struct window *w, int *full);

/* Show rectangle *r of the canvas (what the painter changed). When the
 * whole window must be shown, *r is widened to it first. */
void window_show(struct window *w, struct rect *r);

/* Write the canvas as an RGB PNG. 0 or -1. */
int window_screenshot(const struct window *w, const char *path);

/* Wait up to timeout_ms (0: do not wait) for an event. 1 and *ev filled,
 * or 0 when none came. UI thread only. */
int window_wait(struct window *w, int timeout_ms, struct window_event *ev);

/* Any thread: make the UI thread's window_wait return WINDOW_WAKE with
 * `code`. Takes a struct window * as void *, to serve as a callback. */
void window_wake(void *w, int code);

/* ---- the test hook: input injected into SDL's queue (UI thread) ---------- */

/* A left click at x, y (pressed and released). */
void window_inject_tap(struct window *w, int x, int y);

/* A key by SDL's name ("Return", "F1", "a"), "alt+" allowed in front.
 * 0, or -1 for a name SDL does not know. */
int window_inject_key(struct window *w, const char *name);

/* A keyboard-wedge QR scanner: each character as a key press and the text
 * it types, all at once, then Enter. */
void window_inject_scan(struct window *w, const char *text);

#endif
