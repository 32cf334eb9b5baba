/*
 * ui: the touchscreen kiosk's screens, as data (after rxi/microui).
 *
 * Pure core. State plus input gives a list of draw commands in our own
 * types (struct rect, struct ui_colour, struct bitmap); a separate painter
 * (ui_paint, also pure) turns that list into pixels, and touch.c is the only
 * file that shows the pixels with SDL and turns SDL input into calls below.
 * No SDL, no HTTP, no device I/O and no clock here: every input carries
 * `now` (milliseconds on a monotonic clock chosen by the caller).
 *
 * Text is measured and drawn through text.h (shaping, bidi, the right Noto
 * face); strings come from i18n.h (French msgids, French fallback). The menu
 * and the ticket arrive as client.h's plain structs, the slip preview as the
 * very bitmap that ticket_render() made for the printer.
 *
 * What comes out besides pixels: actions (issue a ticket, refresh the menu,
 * speak, quit) that the platform takes with ui_next_action() and performs
 * off the UI thread. The core never waits for anything.
 *
 * Rules it enforces (and test_ui.c checks):
 *   - one ISSUE action per visit: "Obtenir mon ticket" moves to an issuing
 *     state that has no targets, so a double tap or a tap while issuing does
 *     nothing; taps in the first UI_TAP_GUARD_MS after a screen change are
 *     ignored, so the second half of a double tap never lands on the next
 *     screen's button;
 *   - every target is at least 15 mm at the configured dpi; every text has a
 *     contrast of at least 4.5:1 against what is under it;
 *   - right-to-left languages mirror the whole layout;
 *   - after idle_s seconds without input a countdown shows (and can be
 *     extended); at its end everything of the visitor is forgotten;
 *   - a keyboard-wedge QR scanner's burst is told from a person's typing
 *     (ui_keypress): an earlier attestation de passage scanned at any point
 *     of a visit is kept for it, sent with the issue, and forgotten with
 *     the rest; its characters never act as keys;
 *   - an enrolment slip scanned at the start of a visit (issue #13) is
 *     redeemed at once (one REDEEM action): the winner's ticket, or a
 *     convocation for a later day, or an attestation de passage, each on
 *     its screen; before the close, a screen that says to come back after
 *     the draw. A convocation slip scanned on the welcome screen is first
 *     tried as that convocation's check-in (after the language); an
 *     attestation that is no convocation's is kept for the visit, as any;
 *   - an appointment is checked in (issue #12) from the welcome screen's
 *     "J'ai un rendez-vous", after the language, with its code typed on a
 *     keypad that has no O and no I (core/appt.h reads them as 0 and 1) or
 *     scanned; a physical keyboard types by its characters, never by key
 *     positions, so any layout (AZERTY) types what its keys show. One
 *     CHECKIN action per visit, as for a ticket;
 *   - a service whose places are drawn (issue #13, docs/DRAW.md: the menu
 *     names its open draw) is no ticket: the visit explains the draw, asks
 *     the priority question and the document number (a bound service) as
 *     for a ticket, then enrols once (ENROL) and prints the enrolment slip.
 *     A draw closed meanwhile turns the visit back into a ticket's.
 */
#ifndef KIOSK_UI_H
#define KIOSK_UI_H

#include <stddef.h>
#include <stdint.h>

#include "core/appt.h"
#include "core/bitmap.h"
#include "client/client.h"
#include "core/escpos.h"
#include "core/text.h"

#define UI_TAP_GUARD_MS 350  /* taps ignored this long after a screen change */
#define UI_MIN_TARGET_MM 15  /* smallest touch target, each side */
#define UI_SCAN_GAP_MS  50   /* a scanner types its characters closer than this */
#define UI_SCAN_MAX     384  /* longest scanned text kept, bytes (the server takes 400) */

/* A colour, 8 bits per channel, opaque unless a < 255. */
struct ui_colour {
	uint8_t r, g, b, a; /* red, green, blue, alpha (255 = opaque) */
};

/* ---- draw commands ------------------------------------------------------ */

enum ui_cmd_kind {
	UI_CMD_RECT,   /* rounded rectangle: filled, or an outline `line` px wide */
	UI_CMD_TEXT,   /* one line or a wrapped paragraph inside r */
	UI_CMD_BITMAP, /* the slip preview: grey bitmap scaled into r, paper white */
	UI_CMD_FOCUS,  /* keyboard focus ring around r */
	UI_CMD_TRI,    /* filled triangle (pictograms) */
	UI_CMD_LINE,   /* thick segment with round ends (pictograms) */
};

struct ui_cmd {
	enum ui_cmd_kind kind;    /* what to draw */
	struct rect r;            /* box; TRI/LINE: bounding box of the points */
	struct ui_colour c;       /* fill, outline, text or ink colour */
	int radius;               /* RECT/FOCUS: corner radius in px */
	int line;                 /* RECT: 0 filled, else outline width; FOCUS/LINE: width */
	int pt[6];                /* TRI: x0 y0 x1 y1 x2 y2; LINE: x0 y0 x1 y1 */
	const char *text;         /* TEXT: UTF-8, valid until the next ui_draw() */
	const char *lang;         /* TEXT: language code for shaping and direction */
	int size_px;              /* TEXT: font size (em) in px */
	int flags;                /* TEXT: TEXT_BOLD, TEXT_RTL, TEXT_LTR */
	enum text_align align;    /* TEXT: horizontal alignment inside r */
	int wrap;                 /* TEXT: 1 = paragraph wrapped at r.w; 0 = one line */
	const struct bitmap *bm;  /* BITMAP: owned by the ui, valid until the next ui_draw() */
	int target;               /* index in the target list this belongs to, or -1 */
};

/* A place the user can touch or reach with the keyboard. */
struct ui_target {
	struct rect r;     /* hit box on screen */
	int id;            /* enum ui_tid below */
	int arg;           /* language index, service index, digit... */
	int key;           /* 1..9: the number key that activates it; 0 none */
	char name[24];     /* stable name for scripts and tests: "lang:ar", "service:A", "confirm" */
	const char *say;   /* what speech reads when it gets the focus (may be NULL) */
	const char *say_lang; /* language of `say` */
};

/* Target ids. */
enum ui_tid {
	UI_T_START = 1,    /* welcome: the whole screen */
	UI_T_LANG,         /* language screen: arg = index in i18n_langs() */
	UI_T_SERVICE,      /* procedure screen: arg = index in the menu */
	UI_T_DONTKNOW,     /* procedure screen: "Je ne sais pas" */
	UI_T_YES,          /* guide / priority: yes */
	UI_T_NO,           /* guide / priority: no */
	UI_T_CONFIRM,      /* confirmation: "Obtenir mon ticket" */
	UI_T_BACK,         /* previous screen */
	UI_T_CANCEL,       /* start again */
	UI_T_DONE,         /* finished: back to welcome */
	UI_T_CONTINUE,     /* guide result: take the procedure found */
	UI_T_MORE,         /* idle countdown: more time */
	UI_T_PREV,         /* previous page of a long list */
	UI_T_NEXT,         /* next page */
	UI_T_LARGE,        /* accessibility bar: large text */
	UI_T_CONTRAST,     /* accessibility bar: high contrast */
	UI_T_LISTEN,       /* accessibility bar: speech on / off */
	UI_T_LANGUAGE,     /* accessibility bar: language screen */
	UI_T_PIN_DIGIT,    /* admin PIN keypad: arg = digit */
	UI_T_PIN_DEL,      /* admin PIN keypad: erase */
	UI_T_PIN_OK,       /* admin PIN keypad: validate */
	UI_T_ADMIN_RESUME, /* admin screen: back to the public screens */
	UI_T_ADMIN_QUIT,   /* admin screen: quit the kiosk */
	UI_T_ADMIN_TEST,   /* admin screen: print a test page */
	UI_T_ADMIN_REPRINT,/* admin screen: reprint the last ticket (a duplicate) */
	UI_T_ADMIN_ROLL,   /* admin screen: a new paper roll: the paper counter restarts */
	UI_T_CHAR,         /* document and code keypads: arg = the character ('A'..'Z', '0'..'9') */
	UI_T_CHAR_DEL,     /* document and code keypads: erase the last character */
	UI_T_CHAR_OK,      /* document keypad: validate */
	UI_T_APPT,         /* welcome: "J'ai un rendez-vous" */
	UI_T_ENROL,        /* a draw's explanation: enrol in the draw */
};

/* One frame: draw commands in painting order, and the targets. */
struct ui_frame {
	const struct ui_cmd *cmds;       /* commands, back to front */
	int ncmds;                       /* entries in cmds */
	const struct ui_target *targets; /* targets, in reading order */
	int ntargets;                    /* entries in targets */
	struct ui_colour bg;             /* background of the whole window */
	int w, h;                        /* window size the frame was laid out for */
};

/* ---- screens -------------------------------------------------------------- */

enum ui_screen {
	UI_S_LOADING,     /* before the first menu arrived */
	UI_S_WELCOME,     /* touch to start */
	UI_S_LANGUAGE,    /* choose a language */
	UI_S_PROCEDURE,   /* choose a procedure */
	UI_S_GUIDE,       /* "I don't know": yes/no questions, then a result */
	UI_S_PRIORITY,    /* priority card? */
	UI_S_HOLDER,      /* document number keypad, for services bound to their holder */
	UI_S_CONFIRM,     /* check the choice, get the ticket */
	UI_S_ISSUING,     /* waiting for the server: ignores every tap */
	UI_S_TICKET,      /* number, slip preview; printing, printed or failed */
	UI_S_SERVER_DOWN, /* the queue server cannot be reached */
	UI_S_PRINTER,     /* printer out of paper, cover open, offline... */
	UI_S_CLOSED,      /* outside opening hours */
	UI_S_FULL,        /* the chosen service has no ticket left today (and the
	                   * attestation de passage printed instead, when the server gave one) */
	UI_S_REFUSED,     /* the server refused to issue (other reason) */
	UI_S_UNCERTAIN,   /* no answer in time: a ticket MAY exist; ask at the desk with
	                   * the request's key */
	UI_S_PIN,         /* admin PIN keypad (after the hidden gesture) */
	UI_S_ADMIN,       /* admin screen: the server's and printer's state, the paper
	                   * counter; test print, reprint, resume or quit */
	UI_S_APPT_CODE,   /* the appointment's check-in code keypad (no O, no I) */
	UI_S_APPT_REFUSED,/* the check-in was refused: too early (come back at...),
	                   * unknown code, another day (which one), cancelled;
	                   * a walk-in: a ticket at another site (issue #11) */
	/* issue #13, after the draw and for a later day (ui_redeem.c): */
	UI_S_CONVOCATION, /* the service is full today: a convocation for a later day,
	                   * its day, window and check-in code, printed */
	UI_S_DRAW_WAIT,   /* an enrolment slip scanned before the draw's close */
	UI_S_DRAW,        /* the chosen service's places are drawn: how, when, and
	                   * "M'inscrire au tirage au sort" (issue #13) */
	UI_S_ENROLLED,    /* enrolled: the entry, the draw's time, the slip printing */
};

/* "welcome", "language", ... "holder", "ticket", "server-down", "printer",
 * "closed", "full", "refused", "uncertain", "pin", "admin", "appt-code",
 * "appt-refused", "convocation", "draw-wait", "draw", "enrolled". */
const char *ui_screen_name(enum ui_screen s);

/* Where the printing of the shown ticket is. */
enum ui_print {
	UI_PRINT_NONE,     /* no ticket */
	UI_PRINT_PRINTING, /* issued, printer working */
	UI_PRINT_DONE,     /* printed (confirmed or sent to a one-way printer) */
	UI_PRINT_FAILED,   /* not printed: the number stays on screen */
};

/* ---- keys ----------------------------------------------------------------- */

enum ui_key {
	UI_KEY_NONE = 0,   /* a key that means nothing to a person (it may type a character) */
	UI_KEY_UP, UI_KEY_DOWN, UI_KEY_LEFT, UI_KEY_RIGHT, /* move the focus */
	UI_KEY_ENTER,      /* activate the focus (or the first target) */
	UI_KEY_BACK,       /* previous screen (Backspace, keypad '-') */
	UI_KEY_LISTEN,     /* speech: read the screen (F1, keypad '+') */
	UI_KEY_LARGE,      /* large text on/off (F2) */
	UI_KEY_CONTRAST,   /* high contrast on/off (F3) */
	UI_KEY_DIGIT0,     /* '0' .. '9' are UI_KEY_DIGIT0 + n */
	UI_KEY_DIGIT9 = UI_KEY_DIGIT0 + 9,
	UI_KEY_LETTER_A,   /* 'A' .. 'Z' (document keypad) are UI_KEY_LETTER_A + n */
	UI_KEY_LETTER_Z = UI_KEY_LETTER_A + 25,
};

/* ---- actions for the platform ------------------------------------------ */

enum ui_act_kind {
	UI_ACT_ISSUE = 1, /* issue a ticket: service, lang, priority */
	UI_ACT_REFRESH,   /* fetch the menu (and printer state) now */
	UI_ACT_SPEAK,     /* say `speech` (replacing whatever is being said) */
	UI_ACT_HUSH,      /* stop speaking */
	UI_ACT_QUIT,      /* the admin asked to quit the kiosk */
	UI_ACT_TEST_PRINT,/* the admin asked for a test page (answer: ui_admin_done) */
	UI_ACT_REPRINT,   /* the admin asked for a duplicate of ticket_id (answer: ui_admin_done) */
	UI_ACT_CHECKIN,   /* check an appointment in: code, lang, holder (answer: ui_issued,
	                   * or ui_checkin_failed); or, code "", a convocation by its
	                   * slip's token in `previous` */
	UI_ACT_REDEEM,    /* redeem an enrolment slip after the draw: draw, entry (answer:
	                   * ui_issued, or ui_checkin_failed) */
	UI_ACT_ENROL,     /* enrol in a draw: draw, service, lang, priority, holder (answer:
	                   * ui_issued with kind "draw_entry", or ui_issue_failed) */
};

struct ui_action {
	enum ui_act_kind kind;  /* what to do */
	char service[9];        /* ISSUE: service code */
	char lang[16];          /* ISSUE, CHECKIN: applicant's language code */
	int priority;           /* ISSUE: 0/1, a flag only */
	char holder[24];        /* ISSUE, CHECKIN: normalised document number, "" when the
	                         * service (appointment) is not bound; wipe it after use */
	char code[APPT_CODE_MAX + 1]; /* CHECKIN: the check-in code (appt_code_normalise) */
	char previous[UI_SCAN_MAX + 1]; /* ISSUE: the earlier attestation de passage
	                         * scanned during the visit (its QR text as typed by
	                         * the scanner), "" none: client_request.previous;
	                         * CHECKIN with no code: the convocation slip's QR text */
	int64_t draw;           /* REDEEM: the draw's id (read from the enrolment slip);
	                         * ENROL: the chosen service's draw */
	char entry[24];         /* REDEEM: the entry's id, 20 of [0-9A-F] */
	char *speech;           /* SPEAK: lines "LANG\tTEXT\n", in order; caller frees */
	int64_t ticket_id;      /* REPRINT: the server's id of the ticket */
};

/* ---- set-up ----------------------------------------------------------- */

struct ui_config {
	int dpi;              /* screen dots per inch (96 when 0) */
	int idle_s;           /* seconds without input before the countdown (60 when 0) */
	int ticket_idle_s;    /* the same on the ticket screen (20 when 0) */
	int countdown_s;      /* length of the visible countdown (20 when 0) */
	int cycle_ms;         /* welcome: time each language's "touch to start" stays (2500 when 0) */
	const char *version;  /* shown on the admin screen; may be NULL */
	const char *server_url;   /* the server's address, for the admin screen; may be NULL */
	const char *printer_spec; /* the printer's SPEC (printer.h), for the admin screen; may be NULL */
};

struct ui; /* opaque */

/* A new ui for a w x h window. fonts stay the caller's and must outlive the
 * ui; they are used from the UI thread only. Starts on UI_S_LOADING. */
struct ui *ui_new(const struct ui_config *cfg, struct fonts *fonts, int w, int h, int64_t now);
void ui_free(struct ui *u); /* NULL is harmless */

/* Set the admin PIN (4 to 12 digits); only a salted hash is kept. With no
 * PIN the hidden gesture does nothing. -1 on a malformed PIN. */
int ui_set_pin(struct ui *u, const char *pin);

/* The window changed size (or dpi). */
void ui_resize(struct ui *u, int w, int h, int dpi, int64_t now);

/* Local wall-clock time for the header, "14:05"; redraws when it changed. */
void ui_clock(struct ui *u, const char *hhmm);

/* ---- input -------------------------------------------------------------- */

void ui_tap(struct ui *u, int x, int y, int64_t now);
/* A person pressed k (the keypad, the test scripts): acted on at once. */
void ui_key(struct ui *u, enum ui_key k, int64_t now);
/*
 * A key press as the platform sees it, from any keyboard, including a
 * keyboard-wedge QR scanner (a USB scanner that types its payload, then
 * Enter): k is what the key means to a person (UI_KEY_NONE: nothing), text
 * the characters it typed (UTF-8; NULL or "" for none: Enter, arrows).
 * Presses that type nothing and mean nothing (Shift) may be left out.
 *
 * A press that types 'K' (or 'k') is held (any letter or digit on the
 * screens from welcome to confirmation but the document keypad: an
 * appointment's code may start with any), and so is every press that
 * follows it less than UI_SCAN_GAP_MS after the one before. A burst of at
 * least five characters is a machine's, never a person's:
 *   - ending with Enter, starting "K1*A*" (in any case, or as the layout
 *     mix-ups sign.h repairs show it) and read by slip_decode() as an
 *     attestation: it is kept for the visit (ui_previous), a note says so,
 *     and on the welcome screen the visit starts, the language first, then
 *     a CHECKIN by that slip's token (a convocation's slip, issue #13);
 *   - ending with Enter and an enrolment slip of a draw ("D1*...", read by
 *     draw_token_parse(), as typed or through those mix-ups): that entry
 *     is redeemed at once (one REDEEM action);
 *   - ending with Enter and an appointment's check-in code (core/appt.h):
 *     that appointment is checked in (on the welcome screen, once the
 *     language is chosen);
 *   - anything else (a ticket, a torn-off code): dropped, and a calm note
 *     says it could not be read.
 * On the appointment's code keypad nothing is held: the characters typed
 * (never the keys' places) go into the field, Enter validates.
 * Fewer characters before a pause, a tap or Enter were a person's: the
 * held presses are replayed as ui_key() in order (a 'K' on the document
 * keypad comes UI_SCAN_GAP_MS late; ui_next_deadline() covers it).
 */
void ui_keypress(struct ui *u, enum ui_key k, const char *text, int64_t now);
/* Time passed: countdowns, cycling texts, the end of the idle time. */
void ui_tick(struct ui *u, int64_t now);

/* ---- results of the platform's work --------------------------------------- */

/* The menu was fetched: takes ownership of m (freed with client_menu_free). */
void ui_menu(struct ui *u, struct client_menu *m, int64_t now);
/* The server could not be reached (reason for staff, e.g. "connection refused"). */
void ui_server_down(struct ui *u, const char *reason, int64_t now);
/* The printer's state, polled while nobody is printing. UNKNOWN counts as
 * fine (a one-way printer cannot tell). reason may be NULL. */
void ui_printer(struct ui *u, enum escpos_state st, const char *reason, int64_t now);
/* A slip was issued: a ticket, or (t->kind "attestation") the attestation de
 * passage the server gives when the service is full. slip (may be NULL when
 * it could not be laid out) is the bitmap that goes to the printer; the ui
 * takes ownership. */
void ui_issued(struct ui *u, const struct client_ticket *t, struct bitmap *slip, int64_t now);
/* Issuing failed: rc says why (CLIENT_CLOSED, CLIENT_FULL, UNREACHABLE...);
 * code is the server's machine-readable code ("bad_holder"...) or "";
 * for CLIENT_UNCERTAIN (no answer: a ticket may exist) it is the request's
 * key, shown to the visitor for the desk.
 * "bad_previous" (the scanned attestation is not valid here) does not stop
 * the visitor: the ui forgets that attestation, asks for the same slip
 * again without it (a new ISSUE action; the screen stays "issuing") and
 * says calmly, with the slip, that it could not be read. */
void ui_issue_failed(struct ui *u, enum client_rc rc, const char *code, const char *reason,
    int64_t now);
/* A check-in (UI_ACT_CHECKIN) or a redeem (UI_ACT_REDEEM) was refused or
 * failed: as ui_issue_failed,
 * and the appointment's own refusals (code "too_early" with `when` the
 * server's come_back_at, "unknown_code", "not_today" with `when` the
 * appointment's day YYYY-MM-DD, "cancelled": a screen that says it in
 * plain words; "holder_required", "bad_holder", "holder_mismatch": the
 * document keypad). A convocation's token (UI_ACT_CHECKIN by token):
 * "not_convocation" keeps the attestation for the visit (the procedures
 * next), "bad_token" forgets it and says so calmly. A redeem: "conflict"
 * is a draw not drawn yet (when: the time to come back after, "HH:MM",
 * or ""). when may be NULL. A ticket or an attestation comes
 * through ui_issued (t->kind "appointment" or "walkin", t->late; an
 * attestation whose outcome is "late"). */
void ui_checkin_failed(struct ui *u, enum client_rc rc, const char *code, const char *when,
    const char *reason, int64_t now);
/* The printer finished: ok = printed (confirmed or one-way), st and reason
 * explain a failure. */
void ui_printed(struct ui *u, int ok, enum escpos_state st, const char *reason, int64_t now);

/* What became of an admin job (UI_ACT_TEST_PRINT or UI_ACT_REPRINT). */
struct ui_admin_done {
	enum ui_act_kind job;   /* UI_ACT_TEST_PRINT or UI_ACT_REPRINT */
	int printed;            /* 1: the page left the printer (confirmed or one-way) */
	enum escpos_state st;   /* the printer's state after a failed print */
	enum client_rc rc;      /* REPRINT: the server's answer (not CLIENT_OK: nothing printed) */
	char code[32];          /* REPRINT: the server's code on a refusal ("reprint_limit"), or "" */
	char number[16];        /* REPRINT: the ticket's number, "A042" */
	int reprints;           /* REPRINT: the duplicate's count (DUPLICATA n) */
};
/* An admin job ended: the admin screen says how, in French. */
void ui_admin_done(struct ui *u, const struct ui_admin_done *d, int64_t now);
/* The printer's paper counter since the kiosk started: slips (tickets,
 * duplicates, attestations, test pages) that left it, and their length in
 * millimetres. The admin screen shows it from the last new roll. */
void ui_paper(struct ui *u, long slips, long mm, int64_t now);

/* ---- output ------------------------------------------------------------- */

/* 1 when something changed since the last ui_draw(). */
int ui_dirty(const struct ui *u);
/* Lay the current screen out. The frame stays valid until the next call. */
const struct ui_frame *ui_draw(struct ui *u, int64_t now);
/* The next time ui_tick() has something to do, or -1 when nothing is due. */
int64_t ui_next_deadline(const struct ui *u);
/* Take the next pending action: 1 and *out filled, 0 when none. */
int ui_next_action(struct ui *u, struct ui_action *out /* OUT */);

/* ---- for scripts and tests ---------------------------------------------- */

enum ui_screen ui_screen(const struct ui *u);
enum ui_print ui_print_state(const struct ui *u);
int ui_idle_showing(const struct ui *u);      /* 1 while the countdown is shown */
const char *ui_lang(const struct ui *u);      /* the visitor's language code */
/* The site's name from the last menu, or NULL (the test page prints it). */
const char *ui_site_name(const struct ui *u);
/* The earlier attestation scanned during this visit, "" when none. */
const char *ui_previous(const struct ui *u);
/* "welcome", "ticket:printed", "idle"...: matches `want` as a script waits
 * for it: "ticket" matches any ticket state, "ticket:printing",
 * "ticket:printed", "ticket:failed" one of them (the same for "full" with an
 * attestation, and "convocation", "enrolled"), "idle" the countdown, "admin:ready" the admin
 * screen with
 * no test print or reprint under way. */
int ui_state_is(const struct ui *u, const char *want);
/* 1 when some text of the last frame contains `needle`. */
int ui_has_text(struct ui *u, const char *needle);
/* The target named `name` in the last frame, or NULL. */
const struct ui_target *ui_find_target(struct ui *u, const char *name);
/* Earliest time a tap is taken (after the guard following a screen change). */
int64_t ui_tap_ready(const struct ui *u);

/* ---- painting (ui_paint.c) ----------------------------------------------- */

/* A 32-bit pixel buffer: 0xAARRGGBB words (SDL's ARGB8888), rows of `pitch` words. */
struct ui_canvas {
	uint32_t *px;  /* pixels */
	int w, h;      /* size in pixels */
	int pitch;     /* words per row */
};

struct ui_painter; /* opaque: caches shaped text and scaled slips */

/* fonts: the UI thread's, as for ui_new. cache_bytes limits the text cache
 * (8 MiB when 0). */
struct ui_painter *ui_painter_new(struct fonts *fonts, size_t cache_bytes);
void ui_painter_free(struct ui_painter *p); /* NULL is harmless */

/*
 * Paint frame f into c. Only what differs from the frame painted last is
 * repainted (compared command by command, as rxi/lite's rencache does),
 * unless full is set (first frame, resize, lost texture). *dirty (OUT, may
 * be NULL) gets the rectangle repainted; w = 0 when nothing changed.
 * Returns 0, or -1 when some text could not be drawn (fonts_error says why).
 */
int ui_paint(struct ui_painter *p, const struct ui_frame *f, struct ui_canvas *c, int full,
    struct rect *dirty);

/* Height of a line box that holds text of any script at size_px, regular
 * or bold, as the screens lay lines out (ui_kit.c and ui_paint.c agree on it). */
int ui_line_height(struct fonts *f, int size_px);

/* WCAG contrast ratio of two opaque colours (1 to 21). */
double ui_contrast(struct ui_colour a, struct ui_colour b);

#endif
