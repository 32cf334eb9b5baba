/*
 * touch_script: the --script test hook of `kiosk touch` (touch.c). A file
 * of lines (see touch.c's usage) feeds taps, keys and a QR scanner's burst
 * into the window's event queue, waits for screens with deadlines, checks
 * texts, targets and speech, and takes screenshots, so that tests drive the
 * real app and never sleep hoping.
 *
 * UI thread only. Must not depend on: SDL (input goes through the window's
 * window_inject_*), the network, the printer.
 */
#ifndef KIOSK_TOUCH_SCRIPT_H
#define KIOSK_TOUCH_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

struct script;
struct ui;
struct window;

/* Read the script in path. NULL with a reason in err. */
struct script *script_load(const char *path, char *err, size_t errlen);

/* NULL is harmless. */
void script_free(struct script *sc);

/* Run lines until one must wait for the screen, the clock or the events it
 * injected. Call it when the frame on screen is up to date (the targets are
 * the ones shown). Sets *quit when the script ended ("quit", its last line,
 * or a failure). */
void script_step(struct script *sc, struct ui *u, struct window *win, int64_t now, int *quit);

/* When script_step must run again at the latest (a wait's deadline, the
 * end of a tap guard), or -1 when only an event can move it on. */
int64_t script_deadline(const struct script *sc, int64_t now);

/* 1 when a line failed (the reason is on stderr). */
int script_failed(const struct script *sc);

/* What the ui last asked to say, for expect-speech. */
void script_heard(struct script *sc, const char *speech);

#endif
