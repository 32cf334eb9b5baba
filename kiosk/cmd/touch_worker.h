/*
 * touch_worker: the kiosk's worker thread, which talks to the server and
 * drives the printer so that the screen never waits for either. Part of
 * `kiosk touch` (touch.c).
 *
 * The facade is small and is the only place the threads meet:
 *   - the UI thread asks with worker_issue and worker_refresh (each puts
 *     a request in a slot under the worker's mutex and signals it);
 *   - the worker leaves each result in a slot under the same mutex and
 *     calls cfg.wake(cfg.wake_arg, code) (the window's window_wake, i.e.
 *     SDL_PushEvent of a plain number; no pointer travels);
 *   - the UI thread then calls worker_deliver, which empties the slots and
 *     gives the results to the ui. A slip that was issued is laid out there,
 *     on the UI thread with its fonts (the screen shows the very bitmap
 *     that is printed), and handed back to the worker to print.
 *
 * Admin jobs (a test page, a duplicate of the last ticket) take the same
 * path: a request slot, the network and the printer on the worker, the
 * answer in a slot.
 *
 * Must not depend on: SDL (the wake callback is all it knows of the
 * window), speech.
 */
#ifndef KIOSK_TOUCH_WORKER_H
#define KIOSK_TOUCH_WORKER_H

#include <stddef.h>
#include <stdint.h>

struct client;
struct fonts;
struct printer;
struct ui;
struct ui_action;
struct worker;

/* What the worker is given; the pointers stay the caller's. */
struct worker_config {
	struct client *client;   /* the server; used by the worker thread only */
	struct printer *printer; /* the printer; used by the worker thread only */
	int poll_ok_ms;          /* poll the menu and printer this often when all is well */
	int poll_bad_ms;         /* ...and this often while the server or printer is in trouble */
	void (*wake)(void *arg, int code); /* any thread: tell the UI thread a result waits */
	void *wake_arg;          /* its argument */
};

/* Start the thread; it polls at once. NULL with a reason in err. */
struct worker *worker_start(const struct worker_config *cfg, char *err, size_t errlen);

/* Stop and join the thread, free what is left in the slots. NULL is
 * harmless. */
void worker_stop(struct worker *w);

/* UI thread: issue the ticket `act` asks for (UI_ACT_ISSUE), enrol in a
 * draw (UI_ACT_ENROL: the enrolment slip, printed but reported to no
 * route: the server has no print record of it), check the appointment in
 * (UI_ACT_CHECKIN), or redeem an enrolment slip (UI_ACT_REDEEM): the same
 * slot, the same slip; a refusal of the last two comes back as
 * ui_checkin_failed. Queued even while the last slip still prints; never
 * two at once. */
void worker_issue(struct worker *w, const struct ui_action *act);

/* UI thread: poll the menu and the printer now. */
void worker_refresh(struct worker *w);

/* UI thread, for the admin screen. A test page (laid out here with fonts
 * f: the site's name, `when`, the printer's SPEC and profile), or a
 * duplicate of ticket `id` (POST /tickets/{id}/reprint, then laid out and
 * printed like any slip, and reported). The answer comes back through
 * worker_deliver as ui_admin_done; every slip printed counts in ui_paper. */
void worker_test_print(struct worker *w, struct fonts *f, const char *site_name,
    const char *when);
void worker_reprint(struct worker *w, int64_t id);

/* UI thread, after a wake: give every result waiting to the ui; a slip
 * issued is laid out with fonts f and handed to the worker to print. */
void worker_deliver(struct worker *w, struct ui *u, struct fonts *f, int64_t now);

#endif
