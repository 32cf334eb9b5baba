/*
 * state: the ui's state (struct ui), shared by the files of ui/ and by
 * nothing else (ui.h keeps it opaque). Pure core: no SDL, no clock, no I/O.
 *
 * The fields fall in groups: the frame being built (written by the kit,
 * kit.h, while a screen is laid out), the visitor's session (cleared in one
 * place, flow_reset()), the world (menu, server and printer: survives the
 * visitor), the staff's PIN, and the scanner's burst. The files that lay
 * screens out read the session and the world and write only the frame
 * (and a list's page, kept within its pages); input, results and time
 * change the session and the world.
 */
#ifndef KIOSK_UI_STATE_H
#define KIOSK_UI_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/holder.h"
#include "ui/geom.h"
#include "ui/ui.h"

#define MAX_CMDS     1024
#define MAX_TARGETS  96
#define ARENA_BYTES  (64 * 1024)
#define MAX_ACTS     8
#define MCACHE_SIZE  2048   /* measured strings kept */
#define LH_CACHE     512    /* line heights cached for sizes below this */
#define CORNER_TAPS  5      /* hidden gesture: taps in the top-left corner... */
#define SCAN_PREFIX  5      /* "K1*A*": a burst this long is a machine's */

/* What the visitor was last told about a scanned attestation. */
enum prev_note {
	PREV_NONE,       /* nothing */
	PREV_READ,       /* "taken into account" */
	PREV_UNREADABLE, /* a scan that is not an attestation (or not all of one) */
	PREV_REFUSED,    /* the server refused it: the slip was issued without it */
};

struct navbtn; /* kit.h: a navigation button */

/* Sizes in pixels for the current window, dpi and text mode. */
struct metrics {
	double mm;        /* pixels per millimetre */
	int tgt;          /* smallest target side */
	int fb;           /* body text size */
	int fs;           /* small text size */
	int fbar;         /* the bottom bar's labels (large text: not below normal's) */
	int ft;           /* title size */
	int fmin;         /* smallest size text may shrink to */
	int pad;          /* outer margin */
	int gap;          /* space between items */
	int radius;       /* corner radius of buttons and cards */
	int border;       /* outline width */
	int header_h;     /* header band height (0: no header, a very small screen) */
	int pic;          /* percentage for decorative pictograms (0: left out) */
	int bar_h;        /* accessibility bar height */
	struct rect body; /* the area between header and bar, inside the margins */
};

/* A measured string, cached. */
struct mentry {
	uint64_t key;  /* hash of text, lang, size, flags, width; 0 = free */
	int w, h;      /* width (one line) or height (wrapped at width) */
};

struct ui {
	struct ui_config cfg;       /* configuration, defaults applied */
	struct fonts *fonts;        /* caller's fonts, for measuring */
	int w, h;                   /* window size */
	struct metrics m;           /* sizes for this frame */
	int hc;                     /* 1: this frame uses the high-contrast palette */
	int rtl;                    /* 1 when this frame is mirrored */

	/* the visitor (flow_reset() clears all of this) */
	enum ui_screen screen;      /* current screen */
	enum ui_screen lang_back;   /* where the language screen returns */
	int lang_i;                 /* index in i18n_langs() of the visitor's language */
	int service_i;              /* chosen service (index in menu), -1 */
	int priority;               /* priority flag chosen */
	char holder[HOLDER_MAX + 1];/* document number being typed (bound services) */
	int holder_len;             /* characters typed */
	int holder_err;             /* 1: too short; 2: the server refused it */
	char holder_mask[HOLDER_MASK_MAX]; /* "•••45C" once validated, else "" */
	int gstep;                  /* guide: current step */
	int ghist[8];               /* guide: previous steps, for Back */
	int nghist;                 /* entries in ghist */
	int gkind;                  /* guide result: kind found */
	int page;                   /* page of the current list */
	int large, contrast;        /* accessibility modes */
	int speech;                 /* 1: read every screen and the focus aloud */
	int session;                /* 1 once the visitor did anything */
	int kbd;                    /* 1 when the last input was a key */
	char focus[24];             /* name of the focused target, "" none */
	struct client_ticket ticket;/* the issued ticket (TICKET) */
	struct bitmap *slip;        /* its printed bitmap, or NULL */
	enum ui_print print;        /* printing progress of the ticket */
	enum escpos_state print_st; /* printer state after a failed print */
	char print_reason[192];     /* the printer's sentence after a failure */
	char refuse_reason[192];    /* the server's sentence (REFUSED, UNCERTAIN) */
	char request_key[32];       /* the unanswered request's key (UNCERTAIN) */
	char previous[UI_SCAN_MAX + 1]; /* the earlier attestation scanned, "" none */
	enum prev_note prev_note;   /* what the visitor was told about a scan */
	enum ui_screen prev_note_on;/* the screen whose banner says it */
	struct ui_action pending;   /* the issue asked for with a previous attestation,
	                             * kept until its answer for one retry without it */
	int has_pending;            /* 1 when `pending` holds one */
	int appt;                   /* 1: this visit checks an appointment in */
	char appt_code[APPT_CODE_MAX + 1]; /* its code as typed or scanned (A-Z, 0-9) */
	int appt_len;               /* characters in appt_code */
	int appt_err;               /* 1: the code typed is too short */
	int appt_go;                /* 1: scanned: check in once the language is chosen */
	char appt_refusal[24];      /* the server's code on the refusal screen, "too_early"... */
	char appt_when[40];         /* come_back_at or the appointment's day, as the server said */
	int conv_scan;              /* 1: this check-in is a convocation's, by its slip's token
	                             * (the scanned attestation in `previous`), not a code */
	int redeem;                 /* 1: this visit redeems an enrolment slip (issue #13) */
	long long redeem_draw;      /* its draw's id */
	char redeem_entry[24];      /* its entry's id */
	int draw;                   /* 1: this visit enrols in the chosen service's draw */
	int draw_closed;            /* 1: that draw closed while enrolling: a ticket instead */

	/* time */
	int64_t now;                /* last time seen */
	int64_t last_input;         /* last tap or key */
	int64_t countdown_end;      /* end of the idle countdown; 0 = not shown */
	int64_t screen_at;          /* when the screen last changed (tap guard) */
	int cycle;                  /* welcome: language shown in "touch to start" */
	int64_t cycle_next;         /* when it changes */

	/* a burst of key presses that may be a scanner's (ui_keypress) */
	int scan_on;                /* 1: presses are being held */
	char scan_buf[UI_SCAN_MAX + 1]; /* the text they typed */
	size_t scan_len;            /* bytes in scan_buf */
	int scan_n;                 /* characters in the burst */
	int scan_over;              /* 1: the text did not fit scan_buf */
	enum ui_key scan_keys[SCAN_PREFIX]; /* the first presses' meaning, for a replay */
	int scan_nk;                /* presses kept in scan_keys */
	int64_t scan_last;          /* time of the burst's last press */

	/* the world (survives reset) */
	struct client_menu *menu;   /* the last menu, or NULL */
	int server_down;            /* 1 after the last request failed to connect */
	char server_reason[160];    /* why, for staff */
	enum escpos_state printer;  /* printer state from the last poll */
	char printer_reason[192];   /* its sentence */
	char clock[8];              /* "14:05" */

	/* admin */
	int has_pin;                /* 1 once ui_set_pin succeeded */
	uint8_t pin_salt[16];       /* random salt */
	uint8_t pin_hash[32];       /* keyed BLAKE2b of the PIN */
	char pin_buf[16];           /* digits typed */
	int pin_len;                /* how many */
	int pin_fails;              /* wrong PINs in a row */
	int64_t pin_locked;         /* locked until then */
	int pin_wrong;              /* show "wrong code" */
	int64_t corner[CORNER_TAPS];/* times of the last corner taps */
	int ncorner;                /* taps recorded */
	enum escpos_state printer_seen; /* the printer's state as polled (UNKNOWN kept) */
	int printer_polled;         /* 1 once a state arrived */
	int64_t last_id;            /* the last ticket issued here (for a reprint), 0 none */
	char last_number[16];       /* its number */
	int admin_busy;             /* 1: a test print or reprint is under way */
	char admin_note[200];       /* what became of the last one (French), "" none */
	int admin_note_bad;         /* 1: it failed */
	long paper_slips, paper_mm; /* paper counter since the kiosk started (ui_paper) */
	long roll_slips, roll_mm;   /* its values when the last new roll was put in */
	int roll_set;               /* 1 once "new roll" was pressed */

	/* the frame being built */
	struct ui_cmd cmds[MAX_CMDS];          /* draw commands */
	int ncmds;                             /* used */
	struct ui_target targets[MAX_TARGETS]; /* targets */
	int ntargets;                          /* used */
	char arena[ARENA_BYTES];               /* formatted strings of this frame */
	size_t arena_used;                     /* bytes used */
	int overflow;                          /* a frame lost commands or text */
	struct ui_frame frame;                 /* what ui_draw returns */
	int squeeze;                           /* 0..2: smaller text and pictograms to fit */
	int nav_xs, nav_xe;                    /* free middle of the nav row (for pager) */
	const struct navbtn *navq[4];          /* small screen: nav buttons for the bar */
	int nnavq;                             /* entries in navq */
	int overfull;                          /* this layout ran out of room */
	int laid_out;                          /* frame matches the state */
	int dirty;                             /* changed since the last ui_draw */
	struct buf say;                        /* speech of the screen being laid out */
	int speak_pending;                     /* speak the screen after the next layout */

	/* actions for the platform */
	struct ui_action acts[MAX_ACTS];       /* queue */
	int nacts;                             /* pending */

	struct mentry mcache[MCACHE_SIZE];     /* measured strings */
	int lh[LH_CACHE];                      /* line height by size, 0 = not known */
};

/* Something changed: the frame must be laid out and painted again. */
static inline void
set_dirty(struct ui *u)
{
	u->dirty = 1;
	u->laid_out = 0;
}

#endif
