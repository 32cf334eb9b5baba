/*
 * ui: the kiosk's screens as data (see ui.h). Pure core: text.h for
 * measuring, i18n.h for strings, libsodium for the PIN hash; no SDL, no
 * clock, no I/O.
 *
 * How a frame is made: ui_draw() picks the metrics for the window (sizes in
 * millimetres at the configured dpi, clamped to what the screen can hold),
 * lays out the current screen in left-to-right coordinates, and every
 * emitted command goes through mirror() so that a right-to-left language
 * gets the mirror image. Text is measured through a small cache (shaping a
 * paragraph costs a fraction of a millisecond; a screen measures about a
 * hundred), so laying out a screen costs a few milliseconds at most.
 *
 * Small screens: a screen whose content does not fit (need() notes it) is
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
#include "ui/ui.h"

#define MAX_CMDS     1024
#define MAX_TARGETS  96
#define ARENA_BYTES  (64 * 1024)
#define MAX_ACTS     8
#define MCACHE_SIZE  2048   /* measured strings kept */
#define LH_CACHE     512    /* line heights cached for sizes below this */
#define CORNER_TAPS  5      /* hidden gesture: taps in the top-left corner... */
#define CORNER_MS    3000   /* ...within this many milliseconds */
#define PIN_TRIES    3      /* wrong PINs before a lock-out */
#define PIN_LOCK_MS  60000  /* lock-out length */
#define SCAN_PREFIX  5      /* "K1*A*": a burst this long is a machine's */

/* The attestation strings (assets/po). */
#define MSG_PREV_ASK  "Avez-vous une attestation de passage d'une visite précédente ?"
#define MSG_PREV_HOW  "Présentez le code QR de votre attestation devant le lecteur."
#define MSG_PREV_OK   "Votre attestation précédente a été prise en compte."
#define MSG_PREV_BAD  "Cette attestation n'a pas pu être lue. Vous pouvez continuer sans elle."
#define MSG_PREV_LOST "Votre attestation précédente n'a pas pu être lue." /* beside the new one */
#define MSG_WITHOUT   "Continuer sans attestation"
#define MSG_HOLDER_BAD "Ce numéro n'est pas valide. Vérifiez-le et tapez-le à nouveau."

/* ---- palettes ------------------------------------------------------------ */

/* Colour roles. Every text role is checked against every surface role it
 * is drawn on (test_ui.c), in both palettes. */
enum role {
	C_BG,          /* window background */
	C_SURFACE,     /* cards and secondary buttons */
	C_BORDER,      /* outline of cards and buttons */
	C_TEXT,        /* main text */
	C_TEXT_SOFT,   /* secondary text */
	C_HEADER,      /* header band */
	C_ON_HEADER,   /* text on the header */
	C_PRIMARY,     /* primary button fill */
	C_ON_PRIMARY,  /* text on a primary button */
	C_ACCENT,      /* links, pictogram ink, titles */
	C_TINT,        /* pictogram disc, badges, selected */
	C_ON_TINT,     /* text on C_TINT */
	C_DANGER,      /* warning pictograms and outlines */
	C_DANGER_BG,   /* warning box fill */
	C_ON_DANGER_BG,/* text in a warning box */
	C_OK,          /* "take your ticket" pictogram */
	C_FOCUS,       /* keyboard focus ring */
	C_SHADE,       /* veil behind the idle dialog */
	C_NROLES
};

#define RGB(x) { (uint8_t)((x) >> 16), (uint8_t)((x) >> 8), (uint8_t)(x), 255 }

/* Calm public-service colours: white and light grey, deep "bleu France". */
static const struct ui_colour pal_normal[C_NROLES] = {
	[C_BG] = RGB(0xF6F6F6),       [C_SURFACE] = RGB(0xFFFFFF),
	[C_BORDER] = RGB(0x6A6AF4),   [C_TEXT] = RGB(0x161616),
	[C_TEXT_SOFT] = RGB(0x3A3A3A),[C_HEADER] = RGB(0x000091),
	[C_ON_HEADER] = RGB(0xFFFFFF),[C_PRIMARY] = RGB(0x000091),
	[C_ON_PRIMARY] = RGB(0xFFFFFF),[C_ACCENT] = RGB(0x000091),
	[C_TINT] = RGB(0xE3E3FD),     [C_ON_TINT] = RGB(0x000091),
	[C_DANGER] = RGB(0xCE0500),   [C_DANGER_BG] = RGB(0xFFE9E9),
	[C_ON_DANGER_BG] = RGB(0x161616), [C_OK] = RGB(0x18753C),
	[C_FOCUS] = RGB(0x161616),
	[C_SHADE] = { 0x16, 0x16, 0x16, 150 },
};

/* High contrast: black, white and yellow. */
static const struct ui_colour pal_contrast[C_NROLES] = {
	[C_BG] = RGB(0x000000),       [C_SURFACE] = RGB(0x000000),
	[C_BORDER] = RGB(0xFFFFFF),   [C_TEXT] = RGB(0xFFFFFF),
	[C_TEXT_SOFT] = RGB(0xFFFFFF),[C_HEADER] = RGB(0x000000),
	[C_ON_HEADER] = RGB(0xFFFF00),[C_PRIMARY] = RGB(0xFFFF00),
	[C_ON_PRIMARY] = RGB(0x000000),[C_ACCENT] = RGB(0xFFFF00),
	[C_TINT] = RGB(0x000000),     [C_ON_TINT] = RGB(0xFFFF00),
	[C_DANGER] = RGB(0xFF8080),   [C_DANGER_BG] = RGB(0x000000),
	[C_ON_DANGER_BG] = RGB(0xFFFFFF), [C_OK] = RGB(0x66FF66),
	[C_FOCUS] = RGB(0x00FFFF),
	[C_SHADE] = { 0, 0, 0, 200 },
};

/* ---- known procedures ------------------------------------------------------ */

/* The demo procedures, by their French name (the msgid): pictogram and the
 * one-line explanation. A site's other services get a generic pictogram. */
enum picto {
	P_NONE, P_CARD_NEW, P_CARD_RENEW, P_CARD_PICKUP, P_BUILDING, P_SCREEN,
	P_DOCUMENT, P_QUESTION, P_TEXTSIZE, P_CONTRAST, P_SPEAKER, P_GLOBE,
	P_PRIORITY, P_TOUCH, P_FREE, P_PRINTER, P_UNPLUGGED, P_CLOCK, P_FULL,
	P_WARNING, P_HOURGLASS, P_TICKET_OUT, P_BACK, P_CROSS, P_CHECK, P_NEXT,
	P_LOCK, P_SCAN,
};

/* What the visitor was last told about a scanned attestation. */
enum prev_note {
	PREV_NONE,       /* nothing */
	PREV_READ,       /* "taken into account" */
	PREV_UNREADABLE, /* a scan that is not an attestation (or not all of one) */
	PREV_REFUSED,    /* the server refused it: the slip was issued without it */
};

enum kind { K_FIRST, K_RENEW, K_PICKUP, K_NATUR, K_DIGITAL, K_NKINDS };

static const struct known {
	const char *name;     /* French name (msgid) */
	const char *explain;  /* one-line explanation (msgid) */
	enum picto picto;     /* pictogram */
} known[K_NKINDS] = {
	[K_FIRST]   = { "Premier titre de séjour",
	    "Vous demandez un titre de séjour pour la première fois.", P_CARD_NEW },
	[K_RENEW]   = { "Renouvellement de titre de séjour",
	    "Vous avez déjà un titre de séjour et vous demandez le suivant.", P_CARD_RENEW },
	[K_PICKUP]  = { "Retrait de titre de séjour",
	    "Votre titre est prêt : vous avez reçu un SMS ou une lettre.", P_CARD_PICKUP },
	[K_NATUR]   = { "Naturalisation", "Vous demandez la nationalité française.", P_BUILDING },
	[K_DIGITAL] = { "Point d'accueil numérique", "Aide pour faire une démarche en ligne.",
	    P_SCREEN },
};

/* The guided choice ("Je ne sais pas"): yes/no questions leading to a kind. */
enum guide_step { G_HAVE, G_READY, G_NATUR, G_ONLINE, G_RESULT };

static const struct gstep {
	const char *question;  /* msgid */
	int yes, no;           /* next step, or -(kind + 1) for a result */
} guide[G_RESULT] = {
	[G_HAVE]   = { "Avez-vous déjà un titre de séjour ?", G_READY, G_ONLINE },
	[G_READY]  = { "Votre titre est-il prêt à être retiré ?", -(K_PICKUP + 1), G_NATUR },
	[G_NATUR]  = { "Voulez-vous demander la nationalité française ?", -(K_NATUR + 1),
	    -(K_RENEW + 1) },
	[G_ONLINE] = { "Avez-vous besoin d'aide pour une démarche en ligne ?", -(K_DIGITAL + 1),
	    -(K_FIRST + 1) },
};

/* ---- the ui ---------------------------------------------------------------- */

/* Sizes in pixels for the current window, dpi and text mode. */
struct metrics {
	double mm;        /* pixels per millimetre */
	int tgt;          /* smallest target side */
	int fb;           /* body text size */
	int fs;           /* small text size */
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
	const struct ui_colour *pal;/* palette in force */
	int rtl;                    /* 1 when this frame is mirrored */

	/* the visitor (reset() clears all of this) */
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
	char refuse_reason[192];    /* the server's sentence (REFUSED) */
	char previous[UI_SCAN_MAX + 1]; /* the earlier attestation scanned, "" none */
	enum prev_note prev_note;   /* what the visitor was told about a scan */
	enum ui_screen prev_note_on;/* the screen whose banner says it */
	struct ui_action pending;   /* the issue asked for with a previous attestation,
	                             * kept until its answer for one retry without it */
	int has_pending;            /* 1 when `pending` holds one */

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
	char *say;                             /* speech of the screen being laid out */
	size_t say_len, say_cap;               /* its length and allocation */
	int speak_pending;                     /* speak the screen after the next layout */

	/* actions for the platform */
	struct ui_action acts[MAX_ACTS];       /* queue */
	int nacts;                             /* pending */

	struct mentry mcache[MCACHE_SIZE];     /* measured strings */
	int lh[LH_CACHE];                      /* line height by size, 0 = not known */
};

/* ---- small helpers --------------------------------------------------------- */

static int
imax(int a, int b)
{
	return a > b ? a : b;
}

static int
imin(int a, int b)
{
	return a < b ? a : b;
}

static int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static const struct lang *
cur_lang(const struct ui *u)
{
	size_t n;
	const struct lang *l = i18n_langs(&n);
	return &l[u->lang_i >= 0 && (size_t)u->lang_i < n ? u->lang_i : 0];
}

/* Translation of msgid in the visitor's language; *lang gets the language
 * the returned text is really in (French when it fell back). */
static const char *
tr(const struct ui *u, const char *msgid, const char **lang)
{
	const struct lang *l = cur_lang(u);
	const char *s = i18n_lookup(l->code, msgid);

	if (s == NULL || l->easy || !strcmp(l->code, "fr")) {
		if (lang)
			*lang = "fr";
		return l->easy && s ? s : msgid;
	}
	if (lang)
		*lang = l->code;
	return s;
}

static void
set_dirty(struct ui *u)
{
	u->dirty = 1;
	u->laid_out = 0;
}

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

static void
go(struct ui *u, enum ui_screen s)
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
	u->gstep = G_HAVE;
	u->nghist = 0;
	u->gkind = -1;
	u->large = u->contrast = u->speech = 0;
	u->session = 0;
	u->kbd = 0;
	u->countdown_end = 0;
	u->speak_pending = 0;
	sodium_memzero(u->pin_buf, sizeof u->pin_buf);
	u->pin_len = 0;
	u->pin_wrong = 0;
	u->screen = (enum ui_screen)-1;
	go(u, rest_screen(u));
	u->cycle = 0;
	u->cycle_next = u->now + u->cfg.cycle_ms;
}

/* ---- measuring ------------------------------------------------------------ */

static uint64_t
mkey(const char *s, const char *lang, int size, int flags, int width)
{
	uint64_t h = 1469598103934665603ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (p = (const unsigned char *)(lang ? lang : ""); *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h ^= (uint64_t)(unsigned)size << 1 ^ (uint64_t)(unsigned)flags << 13 ^
	    (uint64_t)(unsigned)(width + 1) << 24;
	h *= 1099511628211ULL;
	return h ? h : 1;
}

/* Text sizes are rounded to a few steps: every distinct size opens each
 * face again in text.c, which costs far more than the pixel lost. */
static int
qsize(int px)
{
	if (px <= 24)
		return px;
	if (px <= 48)
		return px & ~1;
	if (px <= 96)
		return px & ~3;
	return px & ~7;
}

static int
text_flags(const char *lang, int flags)
{
	return flags | (text_is_rtl(NULL, lang) ? TEXT_RTL : 0);
}

/* Width of s on one line. */
static int
mwidth(struct ui *u, const char *s, const char *lang, int size, int flags)
{
	uint64_t k;
	struct mentry *e;
	int w = 0, h = 0;

	size = qsize(size);
	k = mkey(s, lang, size, flags, -1);
	e = &u->mcache[k % MCACHE_SIZE];
	if (e->key == k)
		return e->w;
	if (text_measure(u->fonts, size, text_flags(lang, flags), s, lang, &w, &h) < 0)
		w = size * (int)strlen(s); /* cannot happen with the fonts loaded; be safe */
	e->key = k;
	e->w = w;
	e->h = h;
	return w;
}

/* Height of s wrapped at width. */
static int
mheight(struct ui *u, const char *s, const char *lang, int size, int flags, int width)
{
	uint64_t k;
	struct mentry *e;
	int h;

	size = qsize(size);
	k = mkey(s, lang, size, flags, width);
	e = &u->mcache[k % MCACHE_SIZE];
	if (e->key == k)
		return e->h;
	h = text_wrap(u->fonts, NULL, 0, 0, width, size, text_flags(lang, flags),
	    TEXT_ALIGN_AUTO, s, lang);
	if (h < 0)
		h = size * 2;
	e->key = k;
	e->w = width;
	e->h = h;
	return h;
}

static int
lineh(struct ui *u, int size)
{
	int h;

	size = qsize(size);
	if (size > 0 && size < LH_CACHE && u->lh[size] > 0)
		return u->lh[size];
	h = ui_line_height(u->fonts, size);
	if (size > 0 && size < LH_CACHE)
		u->lh[size] = h;
	return h;
}

/* ---- emitting ----------------------------------------------------------- */

static struct rect
mkrect(int x, int y, int w, int h)
{
	struct rect r;
	r.x = x;
	r.y = y;
	r.w = w;
	r.h = h;
	return r;
}

static struct rect
mirror(const struct ui *u, struct rect r)
{
	if (u->rtl)
		r.x = u->w - r.x - r.w;
	return r;
}

static struct ui_cmd *
cmd(struct ui *u, enum ui_cmd_kind k)
{
	struct ui_cmd *c;

	if (u->ncmds == MAX_CMDS) {
		u->overflow = 1;
		return NULL;
	}
	c = &u->cmds[u->ncmds++];
	memset(c, 0, sizeof *c);
	c->kind = k;
	c->target = -1;
	return c;
}

static void
fill(struct ui *u, struct rect r, enum role role, int radius)
{
	struct ui_cmd *c = cmd(u, UI_CMD_RECT);

	if (c) {
		c->r = mirror(u, r);
		c->c = u->pal[role];
		c->radius = radius;
	}
}

static void
fillc(struct ui *u, struct rect r, struct ui_colour col, int radius)
{
	struct ui_cmd *c = cmd(u, UI_CMD_RECT);

	if (c) {
		c->r = mirror(u, r);
		c->c = col;
		c->radius = radius;
	}
}

static void
stroke(struct ui *u, struct rect r, enum role role, int radius, int line)
{
	struct ui_cmd *c = cmd(u, UI_CMD_RECT);

	if (c) {
		c->r = mirror(u, r);
		c->c = u->pal[role];
		c->radius = radius;
		c->line = imax(1, line);
	}
}

static void
tri(struct ui *u, enum role role, int x0, int y0, int x1, int y1, int x2, int y2)
{
	struct ui_cmd *c = cmd(u, UI_CMD_TRI);
	int i, minx, maxx, miny, maxy;

	if (c == NULL)
		return;
	c->c = u->pal[role];
	c->pt[0] = x0, c->pt[1] = y0, c->pt[2] = x1, c->pt[3] = y1, c->pt[4] = x2, c->pt[5] = y2;
	for (i = 0; i < 6; i += 2)
		if (u->rtl)
			c->pt[i] = u->w - c->pt[i];
	minx = imin(c->pt[0], imin(c->pt[2], c->pt[4]));
	maxx = imax(c->pt[0], imax(c->pt[2], c->pt[4]));
	miny = imin(c->pt[1], imin(c->pt[3], c->pt[5]));
	maxy = imax(c->pt[1], imax(c->pt[3], c->pt[5]));
	c->r = mkrect(minx, miny, maxx - minx + 1, maxy - miny + 1);
}

static void
seg(struct ui *u, enum role role, int width, int x0, int y0, int x1, int y1)
{
	struct ui_cmd *c = cmd(u, UI_CMD_LINE);
	int hw = width / 2 + 1;

	if (c == NULL)
		return;
	c->c = u->pal[role];
	c->line = imax(1, width);
	if (u->rtl) {
		x0 = u->w - x0;
		x1 = u->w - x1;
	}
	c->pt[0] = x0, c->pt[1] = y0, c->pt[2] = x1, c->pt[3] = y1;
	c->r = mkrect(imin(x0, x1) - hw, imin(y0, y1) - hw, abs(x1 - x0) + 2 * hw,
	    abs(y1 - y0) + 2 * hw);
}

/* Copy a string into this frame's arena. */
static const char *
keep(struct ui *u, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (u->arena_used + n > sizeof u->arena) {
		u->overflow = 1;
		return "";
	}
	p = u->arena + u->arena_used;
	memcpy(p, s, n);
	u->arena_used += n;
	return p;
}

static const char *fmt(struct ui *u, const char *f, ...) __attribute__((format(printf, 2, 3)));

static const char *
fmt(struct ui *u, const char *f, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, sizeof buf, f, ap);
	va_end(ap);
	return keep(u, buf);
}

/* A format string that came from a catalogue (same conversions as the
 * msgid, checked by i18n at load time). */
static const char *
fmt_tr(struct ui *u, const char *f, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, f);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vsnprintf(buf, sizeof buf, f, ap);
#pragma GCC diagnostic pop
	va_end(ap);
	return keep(u, buf);
}

/* Text start-aligned means left in a left-to-right frame. */
static enum text_align
mirror_align(const struct ui *u, enum text_align a)
{
	if (!u->rtl)
		return a;
	if (a == TEXT_ALIGN_LEFT)
		return TEXT_ALIGN_RIGHT;
	if (a == TEXT_ALIGN_RIGHT)
		return TEXT_ALIGN_LEFT;
	return a;
}

/* Append one line of speech. */
static void
say(struct ui *u, const char *lang, const char *s)
{
	size_t need;

	if (s == NULL || *s == '\0')
		return;
	need = u->say_len + strlen(lang) + strlen(s) + 3;
	if (need > u->say_cap) {
		size_t cap = need * 2 + 256;
		char *p = realloc(u->say, cap);
		if (p == NULL)
			return;
		u->say = p;
		u->say_cap = cap;
	}
	u->say_len += (size_t)snprintf(u->say + u->say_len, u->say_cap - u->say_len, "%s\t%s\n",
	    lang, s);
	/* one line per entry: a '\n' inside s would start a bogus line */
}

/*
 * Emit text in box r (left-to-right coordinates), vertically centred.
 * It tries one line at `size`, shrinks down to the minimum, then wraps,
 * then shrinks the wrapped text until it fits r.h. Returns the height the
 * text takes.
 */
static int
textbox(struct ui *u, struct rect r, const char *s, const char *lang, int size, int flags,
    enum text_align align, enum role role)
{
	struct ui_cmd *c;
	int sz = size, w, h = 0, wrap = 0, lh;

	if (s == NULL || *s == '\0' || r.w <= 0)
		return 0;
	for (;;) {
		w = mwidth(u, s, lang, sz, flags);
		lh = lineh(u, sz);
		if (w <= r.w && (lh <= r.h || sz <= u->m.fmin)) {
			h = lh;
			wrap = 0;
			break;
		}
		if (sz <= u->m.fmin || sz <= size * 3 / 4 + 1) {
			/* shrinking no longer helps: wrap, and shrink until it fits */
			int s2 = size;
			for (;;) {
				h = mheight(u, s, lang, s2, flags, r.w);
				if (h <= r.h || s2 <= u->m.fmin)
					break;
				s2 = imax(u->m.fmin, s2 * 9 / 10);
			}
			sz = s2;
			wrap = 1;
			if (h > r.h)
				u->overfull = 1;
			break;
		}
		sz = imax(u->m.fmin, sz * 92 / 100);
	}
	if ((c = cmd(u, UI_CMD_TEXT)) == NULL)
		return h;
	c->r = mirror(u, r);
	c->c = u->pal[role];
	c->text = s;
	c->lang = lang;
	c->size_px = qsize(sz);
	c->flags = text_flags(lang, flags);
	c->align = mirror_align(u, align);
	c->wrap = wrap;
	return h;
}

/* A paragraph at the top of box (x, y, w): one line if it fits, else
 * wrapped at the same size (a paragraph wraps rather than shrinks).
 * Returns the height. */
static int
para(struct ui *u, int x, int y, int w, const char *s, const char *lang, int size, int flags,
    enum text_align align, enum role role)
{
	struct ui_cmd *c;
	int h, wrap;

	if (s == NULL || *s == '\0' || w <= 0)
		return 0;
	size = qsize(size);
	wrap = mwidth(u, s, lang, size, flags) > w;
	h = wrap ? mheight(u, s, lang, size, flags, w) : lineh(u, size);
	if ((c = cmd(u, UI_CMD_TEXT)) == NULL)
		return h;
	c->r = mirror(u, mkrect(x, y, w, h));
	c->c = u->pal[role];
	c->text = s;
	c->lang = lang;
	c->size_px = size;
	c->flags = text_flags(lang, flags);
	c->align = mirror_align(u, align);
	c->wrap = wrap;
	return h;
}

/* Height para() would use. */
static int
para_h(struct ui *u, int w, const char *s, const char *lang, int size, int flags)
{
	if (s == NULL || *s == '\0' || w <= 0)
		return 0;
	size = qsize(size);
	if (mwidth(u, s, lang, size, flags) <= w)
		return lineh(u, size);
	return mheight(u, s, lang, size, flags, w);
}

static int
add_target(struct ui *u, struct rect r, int id, int arg, int key, const char *name,
    const char *sayt, const char *say_lang)
{
	struct ui_target *t;

	if (u->ntargets == MAX_TARGETS) {
		u->overflow = 1;
		return -1;
	}
	t = &u->targets[u->ntargets];
	t->r = mirror(u, r);
	t->id = id;
	t->arg = arg;
	t->key = key;
	snprintf(t->name, sizeof t->name, "%s", name);
	t->say = sayt;
	t->say_lang = say_lang ? say_lang : "fr";
	return u->ntargets++;
}

/* ---- pictograms ------------------------------------------------------------- */

static void picto_draw(struct ui *u, enum picto p, struct rect b, enum role ink, enum role paper);

/* Draw pictogram p in the square box b, ink in `ink`, on `paper`. Only the
 * arrows are mirrored in a right-to-left frame; a check mark, a printer or
 * a loudspeaker look the same in every script. */
static void
picto(struct ui *u, enum picto p, struct rect b, enum role ink, enum role paper)
{
	int rtl = u->rtl;

	if (rtl && p != P_BACK && p != P_NEXT) {
		b = mirror(u, b);
		u->rtl = 0;
	}
	picto_draw(u, p, b, ink, paper);
	u->rtl = rtl;
}

static void
picto_draw(struct ui *u, enum picto p, struct rect b, enum role ink, enum role paper)
{
	int s = imin(b.w, b.h), x = b.x + (b.w - s) / 2, y = b.y + (b.h - s) / 2;
	int t = imax(2, s / 11);      /* stroke width */
	int cx = x + s / 2, cy = y + s / 2;

#define R(px, py, pw, ph) mkrect(x + (px) * s / 100, y + (py) * s / 100, (pw) * s / 100, (ph) * s / 100)
#define PX(v) (x + (v) * s / 100)
#define PY(v) (y + (v) * s / 100)
	switch (p) {
	case P_NONE:
		break;
	case P_CARD_NEW: case P_CARD_RENEW: case P_CARD_PICKUP:
		stroke(u, R(8, 24, 70, 48), ink, s / 14, t);
		fill(u, R(16, 34, 18, 22), ink, s / 40);           /* photo */
		seg(u, ink, t, PX(42), PY(40), PX(68), PY(40));  /* text lines */
		seg(u, ink, t, PX(42), PY(52), PX(62), PY(52));
		if (p == P_CARD_NEW) {                           /* plus badge */
			fill(u, R(62, 58, 34, 34), ink, s * 17 / 100);
			seg(u, paper, t, PX(72), PY(75), PX(86), PY(75));
			seg(u, paper, t, PX(79), PY(68), PX(79), PY(82));
		} else if (p == P_CARD_RENEW) {                  /* circular arrow */
			fill(u, R(62, 58, 34, 34), ink, s * 17 / 100);
			stroke(u, R(69, 65, 20, 20), paper, s / 10, imax(2, t * 3 / 4));
			fill(u, R(78, 62, 12, 10), ink, 0);
			tri(u, paper, PX(76), PY(60), PX(86), PY(66), PX(76), PY(72));
		} else {                                         /* down arrow: to take */
			fill(u, R(62, 58, 34, 34), ink, s * 17 / 100);
			seg(u, paper, t, PX(79), PY(65), PX(79), PY(80));
			tri(u, paper, PX(71), PY(76), PX(87), PY(76), PX(79), PY(86));
		}
		break;
	case P_BUILDING:
		tri(u, ink, PX(10), PY(34), PX(90), PY(34), PX(50), PY(10));
		fill(u, R(18, 40, 10, 36), ink, 0);
		fill(u, R(37, 40, 10, 36), ink, 0);
		fill(u, R(54, 40, 10, 36), ink, 0);
		fill(u, R(72, 40, 10, 36), ink, 0);
		fill(u, R(10, 80, 80, 9), ink, 0);
		break;
	case P_SCREEN:
		stroke(u, R(10, 16, 80, 54), ink, s / 20, t);
		fill(u, R(44, 70, 12, 12), ink, 0);
		fill(u, R(30, 82, 40, 7), ink, s / 40);
		tri(u, ink, PX(44), PY(30), PX(44), PY(58), PX(64), PY(48)); /* pointer */
		break;
	case P_DOCUMENT:
		stroke(u, R(22, 10, 56, 80), ink, s / 20, t);
		seg(u, ink, t, PX(34), PY(32), PX(66), PY(32));
		seg(u, ink, t, PX(34), PY(48), PX(66), PY(48));
		seg(u, ink, t, PX(34), PY(64), PX(56), PY(64));
		break;
	case P_QUESTION:
		stroke(u, R(8, 8, 84, 84), ink, s * 42 / 100, t);
		textbox(u, R(8, 8, 84, 84), "?", "fr", s / 2, TEXT_BOLD, TEXT_ALIGN_CENTRE, ink);
		break;
	case P_TEXTSIZE:
		textbox(u, R(0, 30, 45, 50), "A", "fr", s * 30 / 100, TEXT_BOLD, TEXT_ALIGN_RIGHT, ink);
		textbox(u, R(45, 5, 55, 80), "A", "fr", s * 58 / 100, TEXT_BOLD, TEXT_ALIGN_LEFT, ink);
		break;
	case P_CONTRAST:
		fill(u, R(14, 14, 72, 72), ink, s * 36 / 100);
		fill(u, mkrect(cx, y + s * 17 / 100, s * 32 / 100, s * 66 / 100), paper, 0);
		stroke(u, R(14, 14, 72, 72), ink, s * 36 / 100, t);
		break;
	case P_SPEAKER:
		fill(u, R(14, 38, 18, 24), ink, s / 50);
		tri(u, ink, PX(26), PY(50), PX(52), PY(18), PX(52), PY(82));
		fill(u, R(26, 38, 26, 24), ink, 0);
		seg(u, ink, t, PX(62), PY(38), PX(66), PY(50));
		seg(u, ink, t, PX(66), PY(50), PX(62), PY(62));
		seg(u, ink, t, PX(72), PY(26), PX(80), PY(50));
		seg(u, ink, t, PX(80), PY(50), PX(72), PY(74));
		break;
	case P_GLOBE:
		stroke(u, R(10, 10, 80, 80), ink, s * 40 / 100, t);
		stroke(u, R(32, 10, 36, 80), ink, s * 18 / 100, t);
		seg(u, ink, t, PX(12), PY(50), PX(88), PY(50));
		seg(u, ink, t, PX(50), PY(12), PX(50), PY(88));
		break;
	case P_PRIORITY:
		stroke(u, R(6, 18, 88, 64), ink, s / 12, t);
		fill(u, R(18, 30, 22, 22), ink, s * 11 / 100);    /* head */
		fill(u, R(13, 54, 32, 18), ink, s / 12);          /* shoulders */
		seg(u, ink, t, PX(52), PY(38), PX(84), PY(38));
		seg(u, ink, t, PX(52), PY(52), PX(84), PY(52));
		seg(u, ink, t, PX(52), PY(66), PX(74), PY(66));
		break;
	case P_TOUCH:
		stroke(u, R(8, 8, 84, 84), ink, s * 42 / 100, t);
		stroke(u, R(24, 24, 52, 52), ink, s * 26 / 100, t);
		fill(u, R(38, 38, 24, 24), ink, s * 12 / 100);
		break;
	case P_FREE:
		stroke(u, R(8, 8, 84, 84), ink, s * 42 / 100, t);
		textbox(u, R(8, 8, 84, 84), "€", "fr", s * 46 / 100, TEXT_BOLD, TEXT_ALIGN_CENTRE, ink);
		seg(u, ink, t, PX(22), PY(22), PX(78), PY(78));
		break;
	case P_PRINTER:
		fill(u, R(10, 36, 80, 34), ink, s / 16);
		stroke(u, R(26, 12, 48, 24), ink, s / 40, t);
		fill(u, R(26, 62, 48, 30), paper, 0);
		stroke(u, R(26, 62, 48, 30), ink, s / 40, t);
		fill(u, R(72, 42, 8, 6), paper, s / 40);
		break;
	case P_UNPLUGGED: /* a cloud (the server) with a cross: not reachable */
		fill(u, R(6, 40, 76, 32), ink, s * 16 / 100);
		fill(u, R(16, 26, 34, 34), ink, s * 17 / 100);
		fill(u, R(36, 14, 44, 44), ink, s * 22 / 100);
		fill(u, R(58, 52, 40, 40), paper, s * 20 / 100);
		fill(u, R(62, 56, 32, 32), C_DANGER, s * 16 / 100);
		seg(u, paper, t, PX(71), PY(65), PX(85), PY(79));
		seg(u, paper, t, PX(85), PY(65), PX(71), PY(79));
		break;
	case P_CLOCK:
		stroke(u, R(8, 8, 84, 84), ink, s * 42 / 100, t);
		seg(u, ink, t, cx, cy, cx, PY(24));
		seg(u, ink, t, cx, cy, PX(68), PY(60));
		break;
	case P_FULL:
		stroke(u, R(8, 8, 84, 84), ink, s * 42 / 100, t);
		fill(u, R(24, 43, 52, 14), ink, s / 40);
		break;
	case P_WARNING:
		tri(u, ink, PX(50), PY(8), PX(94), PY(88), PX(6), PY(88));
		fill(u, R(46, 34, 8, 30), paper, s / 40);
		fill(u, R(46, 70, 8, 9), paper, s / 40);
		break;
	case P_HOURGLASS:
		tri(u, ink, PX(24), PY(10), PX(76), PY(10), PX(50), PY(50));
		tri(u, ink, PX(50), PY(50), PX(76), PY(90), PX(24), PY(90));
		fill(u, R(20, 6, 60, 6), ink, 0);
		fill(u, R(20, 88, 60, 6), ink, 0);
		break;
	case P_TICKET_OUT:
		fill(u, R(12, 10, 76, 20), ink, s / 16);
		fill(u, R(28, 30, 44, 36), paper, 0);
		stroke(u, R(28, 22, 44, 44), ink, s / 40, t);
		seg(u, ink, t, PX(38), PY(36), PX(62), PY(36));
		seg(u, ink, t, PX(38), PY(48), PX(56), PY(48));
		seg(u, ink, t + 1, cx, PY(70), cx, PY(86));
		tri(u, ink, PX(38), PY(82), PX(62), PY(82), PX(50), PY(96));
		break;
	case P_BACK:
		seg(u, ink, t + 2, PX(62), PY(20), PX(32), PY(50));
		seg(u, ink, t + 2, PX(32), PY(50), PX(62), PY(80));
		break;
	case P_NEXT:
		seg(u, ink, t + 2, PX(38), PY(20), PX(68), PY(50));
		seg(u, ink, t + 2, PX(68), PY(50), PX(38), PY(80));
		break;
	case P_CROSS:
		seg(u, ink, t + 2, PX(24), PY(24), PX(76), PY(76));
		seg(u, ink, t + 2, PX(76), PY(24), PX(24), PY(76));
		break;
	case P_CHECK:
		seg(u, ink, t + 2, PX(16), PY(52), PX(40), PY(76));
		seg(u, ink, t + 2, PX(40), PY(76), PX(86), PY(26));
		break;
	case P_LOCK:
		stroke(u, R(30, 10, 40, 50), ink, s / 5, t + 1);
		fill(u, R(20, 40, 60, 50), ink, s / 16);
		break;
	case P_SCAN: { /* a slip with a QR code held under the reader's light */
		static const int finder[3][2] = { { 29, 53 }, { 57, 53 }, { 29, 77 } };
		static const int dots[][2] = { { 47, 54 }, { 47, 64 }, { 53, 71 }, { 62, 72 },
			{ 68, 80 }, { 48, 85 }, { 58, 86 }, { 66, 89 } };
		size_t i;
		fill(u, R(16, 4, 68, 16), ink, s / 16);                  /* the reader */
		seg(u, ink, imax(1, t / 2), PX(30), PY(24), PX(20), PY(42));  /* its light */
		seg(u, ink, imax(1, t / 2), PX(70), PY(24), PX(80), PY(42));
		seg(u, ink, imax(1, t / 2), PX(50), PY(24), PX(50), PY(40));
		stroke(u, R(22, 46, 56, 50), ink, s / 40, imax(1, t * 2 / 3)); /* the slip */
		for (i = 0; i < 3; i++) {
			fill(u, R(finder[i][0], finder[i][1], 14, 14), ink, 0);
			fill(u, R(finder[i][0] + 3, finder[i][1] + 3, 8, 8), paper, 0);
			fill(u, R(finder[i][0] + 5, finder[i][1] + 5, 4, 4), ink, 0);
		}
		for (i = 0; i < sizeof dots / sizeof dots[0]; i++)
			fill(u, R(dots[i][0], dots[i][1], 5, 5), ink, 0);
		break;
	}
	}
#undef R
#undef PX
#undef PY
}

/* ---- metrics ------------------------------------------------------------- */

static void
metrics(struct ui *u)
{
	static const int squeeze_pct[] = { 100, 84, 70 };
	struct metrics *m = &u->m;
	int mn = imin(u->w, u->h), pct = squeeze_pct[u->squeeze];
	double scale = (u->large ? 1.4 : 1.0) * pct / 100.0;

	m->mm = (u->cfg.dpi > 0 ? u->cfg.dpi : 96) / 25.4;
	/* 15 mm, rounded up, plus a hair so no rounding ever undercuts it */
	m->tgt = (int)ceil(UI_MIN_TARGET_MM * m->mm) + 1;
	m->fmin = (int)(3.4 * m->mm);
	/* Body text: 2.8% of the short side, between 4.5 and 9 mm. A screen
	 * that cannot hold a page squeezes it (never below 3.4 mm). */
	m->fb = imax(m->fmin,
	    (int)(clampi((int)(mn * 0.028), (int)(4.5 * m->mm), (int)(9 * m->mm)) * scale));
	m->fs = imax(m->fmin, imax((int)(3.6 * m->mm * scale), m->fb * 82 / 100));
	m->ft = imax(m->fb, m->fb * (u->squeeze ? 4 : 3) / (u->squeeze ? 3 : 2));
	m->pad = imax((int)(2 * m->mm), imax((int)(3 * m->mm), mn / 45) * pct / 100);
	m->gap = imax((int)(1.5 * m->mm), imax((int)(2 * m->mm), m->pad * 2 / 3) * pct / 100);
	m->radius = imax(4, (int)(2.2 * m->mm));
	m->border = imax(2, (int)(0.55 * m->mm));
	m->pic = u->squeeze >= 2 ? 0 : pct;
	/* A screen under 100 mm high (5" 800x480) has no room for a header:
	 * the site name shows on the welcome screen only. */
	if (u->h / m->mm < 100)
		m->header_h = 0;
	else
		m->header_h = imax(lineh(u, m->fs) + m->gap, (int)(9 * m->mm));
	m->bar_h = m->tgt + 2 * (m->gap / 2);
	if (u->large)
		m->bar_h = imax(m->bar_h, lineh(u, m->fs) * 2 + m->gap);
	m->body = mkrect(m->pad, m->header_h + m->pad, u->w - 2 * m->pad,
	    u->h - m->header_h - m->bar_h - 2 * m->pad);
}

/* Content must end above `bottom`; note when it does not (layout() then
 * tries again with smaller text). */
static void
need(struct ui *u, int y, int bottom)
{
	if (y > bottom)
		u->overfull = 1;
}

/* Size of a decorative pictogram of `mm_` millimetres (0 when squeezed out). */
static int
deco(struct ui *u, double mm_)
{
	return (int)(mm_ * u->m.mm * u->m.pic / 100);
}

/* ---- common parts --------------------------------------------------------- */

static void
header(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *site = u->menu ? u->menu->site.name : "";
	int cw = u->clock[0] ? mwidth(u, u->clock, "fr", m->fs, TEXT_BOLD) + m->pad : 0;

	if (m->header_h == 0)
		return;
	fill(u, mkrect(0, 0, u->w, m->header_h), C_HEADER, 0);
	if (u->contrast)
		fill(u, mkrect(0, m->header_h - m->border, u->w, m->border), C_ON_HEADER, 0);
	/* The top-left corner is the hidden admin gesture's: keep it empty of targets. */
	textbox(u, mkrect(m->pad, 0, u->w - 2 * m->pad - cw, m->header_h), site, "fr", m->fs,
	    TEXT_BOLD, TEXT_ALIGN_LEFT, C_ON_HEADER);
	if (cw)
		textbox(u, mkrect(u->w - m->pad - cw, 0, cw, m->header_h), u->clock, "fr", m->fs,
		    TEXT_BOLD, TEXT_ALIGN_RIGHT, C_ON_HEADER);
}

/* A button: surface or primary fill, pictogram at the start, label. */
enum bstyle { B_SECONDARY, B_PRIMARY, B_TOGGLED };

static int
button(struct ui *u, struct rect r, enum bstyle st, enum picto p, const char *label,
    const char *lang, int size, int id, int arg, int key, const char *name)
{
	struct metrics *m = &u->m;
	enum role ink = st == B_SECONDARY ? C_ACCENT : C_ON_PRIMARY;
	enum role face = st == B_SECONDARY ? C_SURFACE : C_PRIMARY;
	int ti = add_target(u, r, id, arg, key, name, label, lang);
	int ps = p != P_NONE ? imin(r.h - m->gap, (int)(9 * m->mm)) : 0;
	int inner = m->gap, tw, x, w;
	int first = u->ncmds;

	fill(u, r, face, m->radius);
	if (st != B_PRIMARY)
		stroke(u, r, st == B_TOGGLED ? C_ON_PRIMARY : C_BORDER, m->radius, m->border);
	/* a narrow button whose label would not fit beside the pictogram in two
	 * lines: pictogram above, label below it */
	if (ps && label[0] && mheight(u, label, lang, m->fmin, TEXT_BOLD,
	    r.w - ps - 3 * inner) > 2 * lineh(u, m->fmin)) {
		int ph = imin(ps, r.h * 38 / 100);
		struct rect lb = mkrect(r.x + inner / 2, r.y + inner / 2 + ph, r.w - inner,
		    r.h - ph - inner);
		/* the label only if it fits there; the pictogram alone otherwise (speech
		 * still names the button) */
		if (mwidth(u, label, lang, m->fmin, TEXT_BOLD) > lb.w &&
		    mheight(u, label, lang, m->fmin, TEXT_BOLD, lb.w) > lb.h) {
			ph = imin(ps, r.h * 6 / 10);
			picto(u, p, mkrect(r.x + (r.w - ph) / 2, r.y + (r.h - ph) / 2, ph, ph), ink, face);
		} else {
			picto(u, p, mkrect(r.x + (r.w - ph) / 2, r.y + inner / 2, ph, ph), ink, face);
			textbox(u, lb, label, lang, imin(size, m->fs), TEXT_BOLD, TEXT_ALIGN_CENTRE, ink);
		}
		for (; first < u->ncmds; first++)
			u->cmds[first].target = ti;
		return ti;
	}
	/* centre pictogram + label together when they fit, else start-align */
	tw = mwidth(u, label, lang, size, TEXT_BOLD);
	w = ps + (ps ? inner : 0) + tw;
	x = w <= r.w - 2 * inner ? r.x + (r.w - w) / 2 : r.x + inner;
	if (ps) {
		picto(u, p, mkrect(x, r.y + (r.h - ps) / 2, ps, ps), ink, face);
		x += ps + inner;
	}
	textbox(u, mkrect(x, r.y + m->border, r.x + r.w - inner - x, r.h - 2 * m->border), label,
	    lang, size, TEXT_BOLD, TEXT_ALIGN_LEFT, ink);
	for (; first < u->ncmds; first++)
		u->cmds[first].target = ti;
	return ti;
}

/* A navigation button (Back, Cancel, Done...): in a row at the bottom of
 * the body, or in the bottom bar on a very small screen. */
struct navbtn {
	int id;             /* target id */
	const char *msgid;  /* label */
	enum picto p;       /* pictogram */
	enum bstyle st;     /* style */
	const char *name;   /* target name */
	int end;            /* 1: at the end edge */
};

/* The accessibility bar: always visible, at the bottom. On a very small
 * screen it also holds the navigation buttons (start edge, end edge). */
static void
a11y_bar(struct ui *u, int with_a11y)
{
	struct metrics *m = &u->m;
	int n = (with_a11y ? 4 : 0) + u->nnavq, i, k, gap = m->gap, y = u->h - m->bar_h, x = m->pad, nstart = 0;
	int bw = (u->w - 2 * m->pad - (n - 1) * gap) / n;
	const char *lang;
	static const struct { int id; enum picto p; const char *label; const char *name; } b[4] = {
		{ UI_T_LARGE, P_TEXTSIZE, "Grands caractères", "large" },
		{ UI_T_CONTRAST, P_CONTRAST, "Contraste élevé", "contrast" },
		{ UI_T_LISTEN, P_SPEAKER, "Écouter", "listen" },
		{ UI_T_LANGUAGE, P_GLOBE, "Langue", "language" },
	};

	fill(u, mkrect(0, y, u->w, m->bar_h), C_SURFACE, 0);
	fill(u, mkrect(0, y, u->w, imax(1, m->border / 2)), C_BORDER, 0);
	for (k = 0; k < u->nnavq; k++) /* navigation first: start-edge ones */
		if (!u->navq[k]->end) {
			const char *nl, *nlabel = tr(u, u->navq[k]->msgid, &nl);
			button(u, mkrect(x, y + (m->bar_h - m->tgt) / 2, bw, m->tgt), u->navq[k]->st,
			    u->navq[k]->p, nlabel, nl, m->fs, u->navq[k]->id, 0, 0, u->navq[k]->name);
			x += bw + gap;
			nstart++;
		}
	for (i = 0; i < (with_a11y ? 4 : 0); i++) {
		const char *label = b[i].label;
		int on = (b[i].id == UI_T_LARGE && u->large) ||
		    (b[i].id == UI_T_CONTRAST && u->contrast) || (b[i].id == UI_T_LISTEN && u->speech);
		if (b[i].id == UI_T_LISTEN && u->speech)
			label = "Arrêter";
		label = tr(u, label, &lang);
		button(u, mkrect(x, y + (m->bar_h - m->tgt) / 2, bw, m->tgt),
		    on ? B_TOGGLED : B_SECONDARY, b[i].p, label, lang, m->fs, b[i].id, 0, 0,
		    b[i].name);
		x += bw + gap;
	}
	for (k = 0; k < u->nnavq; k++)
		if (u->navq[k]->end) {
			const char *nl, *nlabel = tr(u, u->navq[k]->msgid, &nl);
			button(u, mkrect(x, y + (m->bar_h - m->tgt) / 2, bw, m->tgt), u->navq[k]->st,
			    u->navq[k]->p, nlabel, nl, m->fs, u->navq[k]->id, 0, 0, u->navq[k]->name);
			x += bw + gap;
		}
	(void)nstart;
}

/* Title of a screen at the top of the body; returns the y below it. */
static int
title(struct ui *u, const char *msgid, int y)
{
	const char *lang, *s = tr(u, msgid, &lang);
	int h = para(u, u->m.body.x, y, u->m.body.w, s, lang, u->m.ft, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_ACCENT);

	say(u, lang, s);
	return y + h + u->m.gap;
}

/* A small numbered disc: the number key that activates the choice. */
static void
badge(struct ui *u, struct rect card, int n)
{
	struct metrics *m = &u->m;
	int d = imin((int)(8 * m->mm), card.h - m->gap);
	struct rect b = mkrect(card.x + card.w - d - m->gap / 2, card.y + (card.h - d) / 2, d, d);
	char s[4];

	if (n < 1 || n > 9)
		return;
	snprintf(s, sizeof s, "%d", n);
	fill(u, b, C_TINT, d / 2);
	if (u->contrast)
		stroke(u, b, C_ON_TINT, d / 2, imax(1, m->border / 2));
	textbox(u, b, keep(u, s), "fr", imax(m->fmin, d * 55 / 100), TEXT_BOLD, TEXT_ALIGN_CENTRE,
	    C_ON_TINT);
}


/* Height of the navigation row in the body (none on a very small screen:
 * the buttons go to the bottom bar). */
static int
nav_h(struct ui *u)
{
	return u->m.header_h == 0 ? 0 : u->m.tgt;
}

static void
nav(struct ui *u, const struct navbtn *b, int n)
{
	struct metrics *m = &u->m;
	int y = m->body.y + m->body.h - nav_h(u), i, xs = m->body.x, xe = m->body.x + m->body.w;

	if (m->header_h == 0) {
		for (i = 0; i < n && u->nnavq < (int)(sizeof u->navq / sizeof u->navq[0]); i++)
			u->navq[u->nnavq++] = &b[i];
		return;
	}

	for (i = 0; i < n; i++) {
		const char *lang, *label = tr(u, b[i].msgid, &lang);
		int ps = (int)(7 * m->mm);
		int w = imax(imax(m->tgt * 3 / 2, (int)(36 * m->mm) * m->pic / 100),
		    mwidth(u, label, lang, m->fb, TEXT_BOLD) + ps + 4 * m->gap);
		w = imin(w, (m->body.w - m->gap) / 2);
		if (b[i].end) {
			xe -= w;
			button(u, mkrect(xe, y, w, m->tgt), b[i].st, b[i].p, label, lang, m->fb, b[i].id,
			    0, 0, b[i].name);
			xe -= m->gap;
		} else {
			button(u, mkrect(xs, y, w, m->tgt), b[i].st, b[i].p, label, lang, m->fb, b[i].id,
			    0, 0, b[i].name);
			xs += w + m->gap;
		}
	}
	u->nav_xs = xs;
	u->nav_xe = xe;
}

/* Service helpers. */

static int
nservices(const struct ui *u)
{
	return u->menu ? u->menu->nservices : 0;
}

static const char *
service_fr(const struct client_service *s)
{
	return client_service_name(s, "fr");
}

static int
service_kind(const struct client_service *s)
{
	int k;
	for (k = 0; k < K_NKINDS; k++)
		if (!strcmp(service_fr(s), known[k].name))
			return k;
	return -1;
}

/* The service's name for the visitor: the catalogue's translation of the
 * French name, else the site file's name in that language, else French. */
static const char *
service_name(const struct ui *u, const struct client_service *s, const char **lang)
{
	const struct lang *l = cur_lang(u);
	const char *fr = service_fr(s), *t = NULL;
	int i;

	if (!l->easy && strcmp(l->code, "fr") != 0) {
		t = i18n_lookup(l->code, fr);
		for (i = 0; t == NULL && i < s->nnames; i++)
			if (!strcmp(s->names[i].lang, l->code))
				t = s->names[i].text;
	} else if (l->easy) {
		t = i18n_lookup(l->code, fr);
	}
	if (t) {
		*lang = l->easy ? "fr" : l->code;
		return t;
	}
	*lang = "fr";
	return fr;
}

static int
service_full(const struct client_service *s)
{
	return s->left_today == 0;
}

/* ---- paged grids of choices --------------------------------------------- */

/* Place n cells of height ch in area a with cols columns; page p of it.
 * Returns cells on the page; cell i's box is in out[i]. */
struct grid {
	int cols, rows;   /* per page */
	int per_page;     /* cols * rows */
	int pages;        /* total pages */
	int ch, cw;       /* cell size */
};

static struct grid
grid_plan(struct ui *u, struct rect a, int n, int min_cw, int ch, int pref_ch)
{
	struct grid g;
	int gap = u->m.gap, need;

	g.cols = clampi((a.w + gap) / (min_cw + gap), 1, 4);
	if (g.cols > n)
		g.cols = imax(1, n);
	g.rows = imax(1, (a.h + gap) / (ch + gap));
	/* balance: no more columns than needed for the rows */
	while (g.cols > 1 && (n + g.cols - 2) / (g.cols - 1) <= g.rows)
		g.cols--;
	g.per_page = g.cols * g.rows;
	g.pages = (n + g.per_page - 1) / g.per_page;
	g.cw = (a.w - (g.cols - 1) * gap) / g.cols;
	g.ch = ch;
	/* when everything fits on one page, take roomier cells, up to pref_ch */
	need = (n + g.cols - 1) / g.cols;
	if (g.pages == 1 && pref_ch > ch && need > 0)
		g.ch = imax(ch, imin(pref_ch, (a.h - (need - 1) * gap) / need));
	return g;
}

static struct rect
grid_cell(struct ui *u, struct rect a, const struct grid *g, int k)
{
	int gap = u->m.gap, c = k % g->cols, r = k / g->cols;
	return mkrect(a.x + c * (g->cw + gap), a.y + r * (g->ch + gap), g->cw, g->ch);
}

/* Page buttons, in the nav row's middle: between the buttons nav() placed
 * (call it after nav()). The "2 / 3" label goes when there is no room. */
static void
pager(struct ui *u, int pages)
{
	struct metrics *m = &u->m;
	int y = m->body.y + m->body.h - m->tgt, w = m->tgt;
	int xs = u->nav_xs, xe = u->nav_xe, lw;
	const char *s;

	if (pages <= 1)
		return;
	if (m->header_h == 0) { /* its own row (the screen kept it free) */
		xs = m->body.x;
		xe = m->body.x + m->body.w;
	}
	s = fmt(u, "%d / %d", u->page + 1, pages);
	lw = mwidth(u, s, "fr", m->fb, TEXT_BOLD) + 2 * m->gap;
	if (xe - xs < 2 * w + lw + 2 * m->gap)
		lw = 0;
	need(u, xs + 2 * w + m->gap, xe);
	xs = xs + (xe - xs - (2 * w + lw + 2 * m->gap)) / 2;
	if (u->page > 0)
		button(u, mkrect(xs, y, w, m->tgt), B_SECONDARY, P_BACK, "", "fr", m->fb, UI_T_PREV, 0, 0,
		    "prev");
	if (lw)
		textbox(u, mkrect(xs + w + m->gap, y, lw, m->tgt), s, "fr", m->fb, TEXT_BOLD,
		    TEXT_ALIGN_CENTRE, C_TEXT);
	if (u->page < pages - 1)
		button(u, mkrect(xs + w + lw + 2 * m->gap, y, w, m->tgt), B_SECONDARY, P_NEXT, "", "fr",
		    m->fb, UI_T_NEXT, 0, 0, "next");
}

/* ---- screens --------------------------------------------------------------- */

static void
scr_loading(struct ui *u)
{
	struct metrics *m = &u->m;
	int s = (int)(20 * m->mm), y = m->body.y + m->body.h / 3;

	picto(u, P_HOURGLASS, mkrect(u->w / 2 - s / 2, y - s, s, s), C_ACCENT, C_BG);
	para(u, m->body.x, y + m->gap, m->body.w, i18n_tr("fr", "Veuillez patienter…"), "fr",
	    m->ft, TEXT_BOLD, TEXT_ALIGN_CENTRE, C_TEXT);
}

static void
scr_welcome(struct ui *u)
{
	struct metrics *m = &u->m;
	struct rect b = m->body;
	size_t nl;
	const struct lang *langs = i18n_langs(&nl);
	const struct lang *cl = &langs[u->cycle % nl];
	static const char touch_id[] = "Touchez l'écran pour commencer";
	static const char free_id[] = "Les tickets sont gratuits. Ne payez jamais pour un ticket.";
	const char *touch = i18n_tr(cl->code, touch_id);
	const char *tlang = i18n_lookup(cl->code, touch_id) ? cl->code : "fr";
	const char *f = i18n_tr("fr", free_id), *fl = i18n_tr(cl->code, free_id);
	const char *flang = i18n_lookup(cl->code, free_id) ? cl->code : "fr";
	int landscape = u->w > u->h * 5 / 4;
	struct rect left = b, right = b;
	int y, i, ti, ps, h, nh, tw, first = u->ncmds;
	const char *site = u->menu ? u->menu->site.name : "";

	/* the whole body starts; the bar keeps its own buttons */
	ti = add_target(u, mkrect(0, m->header_h, u->w, u->h - m->header_h - m->bar_h),
	    UI_T_START, 0, 0, "start", i18n_tr("fr", touch_id), "fr");
	if (landscape) {
		left.w = b.w * 58 / 100;
		right.x = b.x + left.w + 2 * m->pad;
		right.w = b.w - left.w - 2 * m->pad;
	}
	y = left.y;
	y += para(u, left.x, y, left.w, i18n_tr("fr", "Bienvenue"), "fr", m->ft * 5 / 4, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_ACCENT);
	y += para(u, left.x, y, left.w, site, "fr", m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT_SOFT);
	y += m->pad;
	say(u, "fr", i18n_tr("fr", "Bienvenue"));
	say(u, "fr", site);
	say(u, "fr", i18n_tr("fr", touch_id));
	say(u, "fr", f);

	/* the free-ticket notice, in French and in the language shown above it */
	ps = (int)(12 * m->mm);
	tw = left.w - ps - 3 * m->gap;
	/* the same height whatever language cycles through it, so the screen
	 * does not jump (and only the text is repainted) */
	{
		int most = 0;
		for (i = 0; i < (int)nl; i++) {
			const char *t = i18n_lookup(langs[i].code, free_id);
			if (t && t != f)
				most = imax(most, para_h(u, tw, t, langs[i].code, m->fb, 0));
		}
		nh = para_h(u, tw, f, "fr", m->fb, TEXT_BOLD) + most + 2 * m->gap;
	}
	nh = imax(nh, ps + 2 * m->gap);

	/* the big start panel takes what is left, within reason */
	h = (landscape ? left.y + left.h : b.y + b.h * 62 / 100) - y - nh - m->pad;
	h = imin(h, b.h * 55 / 100);
	h = imax(h, imax(m->tgt * 2, lineh(u, m->ft) * 2 + 2 * m->gap));
	need(u, y + h, b.y + b.h);
	fill(u, mkrect(left.x, y, left.w, h), C_PRIMARY, m->radius * 2);
	{
		int s = imin(h - 2 * m->pad, (int)(24 * m->mm));
		struct rect tr_ = mkrect(left.x + 2 * m->pad + s, y + m->gap, left.w - 4 * m->pad - s,
		    h - 2 * m->gap);
		picto(u, P_TOUCH, mkrect(left.x + m->pad, y + (h - s) / 2, s, s), C_ON_PRIMARY, C_PRIMARY);
		/* a right-to-left sentence aligns to its own start */
		textbox(u, tr_, touch, tlang, m->ft * 5 / 4, TEXT_BOLD,
		    text_is_rtl(NULL, tlang) ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT, C_ON_PRIMARY);
	}
	y += h + m->pad;
	if (y + nh <= b.y + b.h) {
		int ty = y + m->gap, tx = left.x + ps + 2 * m->gap;
		fill(u, mkrect(left.x, y, left.w, nh), C_TINT, m->radius);
		picto(u, P_FREE, mkrect(left.x + m->gap, y + (nh - ps) / 2, ps, ps), C_ON_TINT, C_TINT);
		ty += para(u, tx, ty, tw, f, "fr", m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ON_TINT);
		if (fl != f)
			para(u, tx, ty, tw, fl, flang, m->fb, 0,
			    text_is_rtl(NULL, flang) ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT, C_ON_TINT);
		y += nh + m->pad;
	}

	/* tickets left per service */
	if (landscape)
		y = right.y;
	else
		right = mkrect(b.x, y, b.w, b.y + b.h - y);
	if (u->menu && u->menu->nservices > 0) {
		int lh = imax(lineh(u, m->fb) + m->gap, (int)(9 * m->mm));
		int rows = 0, avail = right.y + right.h - y - lineh(u, m->fb) - m->gap, fits = 1;
		for (i = 0; i < u->menu->nservices; i++)
			fits &= mwidth(u, service_fr(&u->menu->services[i]), "fr", m->fb, 0) <=
			    right.w - 4 * m->gap - mwidth(u, "000", "fr", m->fb, TEXT_BOLD);
		if (avail >= lh && fits) {
			y += para(u, right.x, y, right.w, i18n_tr("fr", "Tickets restants aujourd'hui"), "fr",
			    m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT) + m->gap / 2;
			for (i = 0; i < u->menu->nservices && (rows + 1) * lh <= avail; i++, rows++) {
				const struct client_service *sv = &u->menu->services[i];
				const char *val = sv->left_today == 0 ? i18n_tr("fr", "Complet") :
				    !sv->open ? i18n_tr("fr", "Fermé") :
				    sv->left_today < 0 ? "–" : fmt(u, "%d", sv->left_today);
				int vw = mwidth(u, val, "fr", m->fb, TEXT_BOLD) + m->gap;
				struct rect row = mkrect(right.x, y, right.w, lh - m->gap / 2);
				fill(u, row, C_SURFACE, m->radius / 2);
				textbox(u, mkrect(row.x + m->gap, row.y, row.w - vw - 3 * m->gap, row.h),
				    service_fr(sv), "fr", m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
				textbox(u, mkrect(row.x + row.w - vw - m->gap, row.y, vw, row.h), val, "fr",
				    m->fb, TEXT_BOLD, TEXT_ALIGN_RIGHT, sv->left_today == 0 ? C_TEXT : C_ACCENT);
				y += lh;
			}
		}
	}
	for (; first < u->ncmds; first++)
		u->cmds[first].target = ti;
}

static void
scr_language(struct ui *u)
{
	struct metrics *m = &u->m;
	size_t nl, i;
	const struct lang *langs = i18n_langs(&nl);
	int y = title(u, "Choisissez votre langue", m->body.y);
	struct rect a = mkrect(m->body.x, y, m->body.w, m->body.y + m->body.h - nav_h(u) - m->gap - y);
	int minw = 0, ch = imax(m->tgt, lineh(u, m->fb) + 2 * m->gap), k;
	struct grid g;
	static const struct navbtn nb[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
	};

	for (i = 0; i < nl; i++)
		minw = imax(minw, mwidth(u, langs[i].name, langs[i].code, m->fb, TEXT_BOLD));
	minw += 2 * m->gap + (int)(9 * m->mm);
	minw = imax(minw, (int)(45 * m->mm));
	g = grid_plan(u, a, (int)nl, minw, ch, imax(ch, (int)(22 * m->mm)));
	if (m->header_h == 0 && g.pages > 1) { /* keep a row for the page buttons */
		a.h -= m->tgt + m->gap;
		g = grid_plan(u, a, (int)nl, minw, ch, ch);
	}
	if (u->page >= g.pages)
		u->page = g.pages - 1;
	for (k = 0; k < g.per_page; k++) {
		int li = u->page * g.per_page + k;
		struct rect c;
		const struct lang *l;
		int sel, ti, first;
		if (li >= (int)nl)
			break;
		l = &langs[li];
		c = grid_cell(u, a, &g, k);
		sel = li == u->lang_i && u->session;
		first = u->ncmds;
		ti = add_target(u, c, UI_T_LANG, li, k < 9 ? k + 1 : 0,
		    fmt(u, "lang:%s", l->code), l->name, l->code);
		fill(u, c, sel ? C_PRIMARY : C_SURFACE, m->radius);
		if (!sel)
			stroke(u, c, C_BORDER, m->radius, m->border);
		/* the name in its own script, aligned to its own start */
		textbox(u, mkrect(c.x + m->gap, c.y, c.w - 2 * m->gap - (int)(8 * m->mm), c.h), l->name,
		    l->code, m->fb, TEXT_BOLD, l->rtl != u->rtl ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT,
		    sel ? C_ON_PRIMARY : C_TEXT);
		if (!sel)
			badge(u, c, k < 9 ? k + 1 : 0);
		for (; first < u->ncmds; first++)
			u->cmds[first].target = ti;
		say(u, l->code, fmt(u, "%d. %s", k + 1, l->name));
	}
	nav(u, nb, 1);
	pager(u, g.pages);
}

/* One service card: pictogram, name, explanation, status. */
static void
service_card(struct ui *u, struct rect c, int si, int key, int with_badge, int *ti_out)
{
	struct metrics *m = &u->m;
	const struct client_service *sv = &u->menu->services[si];
	int k = service_kind(sv), first = u->ncmds, ti;
	const char *lang, *elang = "fr", *name = service_name(u, sv, &lang);
	/* squeezed on the confirmation: the name is enough */
	const char *ex = k >= 0 && !(u->squeeze >= 2 && u->screen == UI_S_CONFIRM) ?
	    tr(u, known[k].explain, &elang) : NULL;
	const char *status = NULL, *slang = "fr";
	int ps = imin(c.h - 2 * m->gap, (int)(17 * m->mm)), x, w, y, hn, he, bw;

	if (service_full(sv))
		status = tr(u, "Complet", &slang);
	ti = add_target(u, c, UI_T_SERVICE, si, key, fmt(u, "service:%s", sv->code), name, lang);
	fill(u, c, C_SURFACE, m->radius);
	stroke(u, c, C_BORDER, m->radius, m->border);
	fill(u, mkrect(c.x + m->gap, c.y + (c.h - ps) / 2, ps, ps), C_TINT, ps / 2);
	picto(u, k >= 0 ? known[k].picto : P_DOCUMENT,
	    mkrect(c.x + m->gap + ps / 8, c.y + (c.h - ps) / 2 + ps / 8, ps * 3 / 4, ps * 3 / 4),
	    C_ON_TINT, C_TINT);
	bw = with_badge ? (int)(8 * m->mm) : 0;
	x = c.x + 2 * m->gap + ps;
	w = c.x + c.w - m->gap - bw - x;
	if (status) {
		int sw = mwidth(u, status, slang, m->fs, TEXT_BOLD) + 2 * m->gap;
		struct rect sb = mkrect(c.x + c.w - bw - m->gap - sw, c.y + m->gap, sw,
		    lineh(u, m->fs) + m->gap / 2);
		fill(u, sb, C_DANGER_BG, m->radius / 2);
		stroke(u, sb, C_DANGER, m->radius / 2, imax(1, m->border / 2));
		textbox(u, sb, status, slang, m->fs, TEXT_BOLD, TEXT_ALIGN_CENTRE, C_ON_DANGER_BG);
		w -= sw + m->gap;
	}
	hn = para_h(u, w, name, lang, m->fb, TEXT_BOLD);
	he = ex ? para_h(u, w, ex, elang, m->fs, 0) : 0;
	need(u, hn + he, c.h);
	y = c.y + (c.h - hn - he) / 2;
	para(u, x, y, w, name, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
	if (ex)
		para(u, x, y + hn, w, ex, elang, m->fs, 0, TEXT_ALIGN_LEFT, C_TEXT_SOFT);
	if (with_badge)
		badge(u, c, key);
	for (; first < u->ncmds; first++)
		u->cmds[first].target = ti;
	if (ti_out)
		*ti_out = ti;
	say(u, lang, key ? fmt(u, "%d. %s", key, name) : name);
	if (ex)
		say(u, elang, ex);
	if (status)
		say(u, slang, status);
}

/* Height a service card needs at width w. */
static int
service_card_h(struct ui *u, int si, int w, int as_target)
{
	struct metrics *m = &u->m;
	const struct client_service *sv = &u->menu->services[si];
	int k = service_kind(sv), ps = (int)(17 * m->mm), tw, h;
	const char *lang, *elang = "fr", *name = service_name(u, sv, &lang);
	const char *ex = k >= 0 && !(u->squeeze >= 2 && u->screen == UI_S_CONFIRM) ?
	    tr(u, known[k].explain, &elang) : NULL;

	tw = w - 3 * m->gap - ps - (int)(8 * m->mm);
	if (service_full(sv)) {
		const char *sl, *st = tr(u, "Complet", &sl);
		tw -= mwidth(u, st, sl, m->fs, TEXT_BOLD) + 3 * m->gap;
	}
	h = para_h(u, tw, name, lang, m->fb, TEXT_BOLD) +
	    (ex ? para_h(u, tw, ex, elang, m->fs, 0) : 0) + 2 * m->gap;
	if (as_target)
		return imax(h, imax(m->tgt, ps + m->gap));
	return u->squeeze >= 2 ? h : imax(h, imin(ps, m->tgt) + m->gap);
}

static void
scr_procedure(struct ui *u)
{
	struct metrics *m = &u->m;
	int y = title(u, "Choisissez votre démarche", m->body.y);
	struct rect a = mkrect(m->body.x, y, m->body.w, m->body.y + m->body.h - nav_h(u) - m->gap - y);
	int n = nservices(u) + 1, i, ch = 0, k, minw = (int)(95 * m->mm);
	struct grid g;
	static const struct navbtn nb[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_CANCEL, "Annuler", P_CROSS, B_SECONDARY, "cancel", 1 },
	};

	/* columns first (by a minimum width), then the height the texts need */
	g = grid_plan(u, a, n, minw, m->tgt, 0);
	for (i = 0; i < n - 1; i++)
		ch = imax(ch, service_card_h(u, i, g.cw, 1));
	{
		const char *l1, *l2;
		const char *t1 = tr(u, "Je ne sais pas", &l1);
		const char *t2 = tr(u, "Répondez à quelques questions simples.", &l2);
		int tw = g.cw - 3 * m->gap - (int)(22 * m->mm);
		ch = imax(ch, para_h(u, tw, t1, l1, m->fb, TEXT_BOLD) + para_h(u, tw, t2, l2, m->fs, 0) +
		    2 * m->gap);
	}
	need(u, a.y + ch, a.y + a.h);
	ch = imax(m->tgt, imin(ch, a.h));
	g = grid_plan(u, a, n, minw, ch, imax(ch, (int)(32 * m->mm)));
	if (m->header_h == 0 && g.pages > 1) { /* keep a row for the page buttons */
		a.h -= m->tgt + m->gap;
		need(u, a.y + ch, a.y + a.h);
		g = grid_plan(u, a, n, minw, ch, ch);
	}
	if (u->page >= g.pages)
		u->page = g.pages - 1;
	for (k = 0; k < g.per_page; k++) {
		int si = u->page * g.per_page + k;
		struct rect c;
		if (si >= n)
			break;
		c = grid_cell(u, a, &g, k);
		if (si < n - 1) {
			service_card(u, c, si, k < 9 ? k + 1 : 0, 1, NULL);
		} else {
			/* "I don't know" */
			const char *l1, *l2;
			const char *t1 = tr(u, "Je ne sais pas", &l1);
			const char *t2 = tr(u, "Répondez à quelques questions simples.", &l2);
			int ps = imin(c.h - 2 * m->gap, (int)(14 * m->mm)), first = u->ncmds, x, h1, h2, ti;
			int bw = (int)(8 * m->mm);
			ti = add_target(u, c, UI_T_DONTKNOW, 0, k < 9 ? k + 1 : 0, "dontknow", t1, l1);
			fill(u, c, C_TINT, m->radius);
			stroke(u, c, C_BORDER, m->radius, m->border);
			picto(u, P_QUESTION, mkrect(c.x + m->gap, c.y + (c.h - ps) / 2, ps, ps), C_ON_TINT,
			    C_TINT);
			x = c.x + 2 * m->gap + ps;
			h1 = para_h(u, c.x + c.w - m->gap - bw - x, t1, l1, m->fb, TEXT_BOLD);
			h2 = para_h(u, c.x + c.w - m->gap - bw - x, t2, l2, m->fs, 0);
			para(u, x, c.y + (c.h - h1 - h2) / 2, c.x + c.w - m->gap - bw - x, t1, l1, m->fb,
			    TEXT_BOLD, TEXT_ALIGN_LEFT, C_ON_TINT);
			para(u, x, c.y + (c.h - h1 - h2) / 2 + h1, c.x + c.w - m->gap - bw - x, t2, l2, m->fs,
			    0, TEXT_ALIGN_LEFT, C_ON_TINT);
			badge(u, c, k < 9 ? k + 1 : 0);
			for (; first < u->ncmds; first++)
				u->cmds[first].target = ti;
			say(u, l1, fmt(u, "%d. %s", k + 1, t1));
			say(u, l2, t2);
		}
	}
	nav(u, nb, 2);
	pager(u, g.pages);
}

/* Two big answer buttons, side by side when they fit. */
static void
yes_no(struct ui *u, int y, const char *yes_id, const char *no_id)
{
	struct metrics *m = &u->m;
	const char *ly, *ln, *ys = tr(u, yes_id, &ly), *ns = tr(u, no_id, &ln);
	int avail = m->body.y + m->body.h - nav_h(u) - m->gap - y;
	int h = imax(m->tgt, lineh(u, m->ft) + 2 * m->gap), w = (m->body.w - m->pad) / 2;
	int ps = (int)(9 * m->mm);
	int side = (mwidth(u, ys, ly, m->ft, TEXT_BOLD) + ps + 4 * m->gap <= w &&
	    mwidth(u, ns, ln, m->ft, TEXT_BOLD) + ps + 4 * m->gap <= w) ||
	    avail < 2 * m->tgt + m->gap; /* no room to stack: side by side, labels wrapped */

	need(u, y + m->tgt, y + avail);
	if (side) {
		h = imax(m->tgt, imin(imax(h, (int)(30 * m->mm)), avail));
		y += imax(0, (avail - h) / 3);
		button(u, mkrect(m->body.x, y, w, h), B_PRIMARY, P_CHECK, ys, ly, m->ft, UI_T_YES, 0, 1,
		    "yes");
		button(u, mkrect(m->body.x + w + m->pad, y, w, h), B_SECONDARY, P_CROSS, ns, ln, m->ft,
		    UI_T_NO, 0, 2, "no");
	} else {
		h = imax(m->tgt, imin(h, (avail - m->gap) / 2));
		button(u, mkrect(m->body.x, y, m->body.w, h), B_PRIMARY, P_CHECK, ys, ly, m->ft, UI_T_YES,
		    0, 1, "yes");
		button(u, mkrect(m->body.x, y + h + m->gap, m->body.w, h), B_SECONDARY, P_CROSS, ns, ln,
		    m->ft, UI_T_NO, 0, 2, "no");
	}
	say(u, ly, fmt(u, "1. %s", ys));
	say(u, ln, fmt(u, "2. %s", ns));
}

/* Find the site's service of a kind, or -1. */
static int
service_of_kind(const struct ui *u, int k)
{
	int i;
	for (i = 0; i < nservices(u); i++)
		if (service_kind(&u->menu->services[i]) == k)
			return i;
	return -1;
}

static void
scr_guide(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *lang, *s;
	int y;
	static const struct navbtn nb[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_CANCEL, "Annuler", P_CROSS, B_SECONDARY, "cancel", 1 },
	};
	static const struct navbtn nb_res[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_CONTINUE, "Continuer", P_NEXT, B_PRIMARY, "continue", 1 },
	};
	static const struct navbtn nb_desk[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_DONE, "Terminé", P_CHECK, B_PRIMARY, "done", 1 },
	};

	if (u->gstep != G_RESULT) {
		int ps = deco(u, 18);
		y = m->body.y;
		if (ps) {
			picto(u, P_QUESTION, mkrect(m->body.x, y, ps, ps), C_ACCENT, C_BG);
			y += ps + m->gap;
		}
		s = tr(u, guide[u->gstep].question, &lang);
		y += para(u, m->body.x, y, m->body.w, s, lang, m->ft * 5 / 4, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_TEXT);
		say(u, lang, s);
		yes_no(u, y + m->pad, "Oui", "Non");
		nav(u, nb, 2);
		return;
	}
	{
		int si = service_of_kind(u, u->gkind);
		y = m->body.y;
		if (si < 0) {
			int ps = deco(u, 18);
			if (ps) {
				picto(u, P_WARNING, mkrect(m->body.x, y, ps, ps), C_ACCENT, C_BG);
				y += ps + m->gap;
			}
			s = tr(u, "Allez à l'accueil : un agent va vous aider.", &lang);
			para(u, m->body.x, y, m->body.w, s, lang, m->ft, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
			say(u, lang, s);
			nav(u, nb_desk, 2);
			return;
		}
		y = title(u, "Voici la démarche qui vous correspond :", y);
		{
			int h = imin(service_card_h(u, si, m->body.w, 1),
			    m->body.y + m->body.h - nav_h(u) - m->gap - y);
			service_card(u, mkrect(m->body.x, y, m->body.w, h), si, 1, 1, NULL);
			/* the card itself takes the procedure too */
			u->targets[u->ntargets - 1].id = UI_T_CONTINUE;
			snprintf(u->targets[u->ntargets - 1].name, sizeof u->targets[0].name, "found");
		}
		nav(u, nb_res, 2);
	}
}

static void
scr_priority(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *lang, *s;
	int y = title(u, "Avez-vous une priorité ?", m->body.y), ps = deco(u, 16), ty;
	static const struct navbtn nb[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_CANCEL, "Annuler", P_CROSS, B_SECONDARY, "cancel", 1 },
	};

	int tx = m->body.x + (ps ? ps + m->pad : 0), tw = m->body.w - (ps ? ps + m->pad : 0);

	if (ps)
		picto(u, P_PRIORITY, mkrect(m->body.x, y, ps, ps), C_ACCENT, C_BG);
	s = tr(u, "Carte d'invalidité ou de priorité, grossesse, ou enfant de moins de 3 ans.", &lang);
	ty = y;
	ty += para(u, tx, ty, tw, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	say(u, lang, s);
	s = tr(u, "Le guichet vous demandera votre carte.", &lang);
	ty += para(u, tx, ty, tw, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
	say(u, lang, s);
	y = imax(y + ps, ty) + m->pad;
	yes_no(u, y, "Oui, j'ai une priorité", "Non");
	nav(u, nb, 2);
}

/* Is the chosen service bound to its holder (needs a document number)? */
static int
service_bound(const struct ui *u)
{
	return u->service_i >= 0 && u->service_i < nservices(u) &&
	    u->menu->services[u->service_i].bind_holder;
}

static int
chosen_full(const struct ui *u)
{
	return u->service_i >= 0 && u->service_i < nservices(u) &&
	    service_full(&u->menu->services[u->service_i]);
}

/* The keypad's characters, in alphabetical order: easier to find than on a
 * typewriter layout for someone who does not type. */
static const char keypad_chars[] = "1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ";

static void
scr_holder(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *lang, *s, *l1, *l2, *del, *ok;
	int y = m->body.y, n = (int)sizeof keypad_chars - 1, k, dw, ow, pw = 0, fw, fy;
	int compact = m->header_h == 0;
	struct rect a, f;
	struct grid g;
	static const struct navbtn nb[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_CANCEL, "Annuler", P_CROSS, B_SECONDARY, "cancel", 1 },
	};

	s = tr(u, "Tapez le numéro de votre passeport ou de votre titre de séjour", &lang);
	say(u, lang, s);
	if (!(u->holder_err && u->squeeze >= 2)) /* squeezed: the error replaces the title */
		y += para(u, m->body.x, y, m->body.w, s, lang, m->fb * 5 / 4, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_ACCENT);
	if (u->holder_err) {
		/* the module's reason ("not a document number") went to the log:
		 * the visitor gets a sentence in their language */
		s = tr(u, u->holder_err == 1 ? "Ce numéro est trop court." : MSG_HOLDER_BAD, &lang);
		y += para(u, m->body.x, y, m->body.w, s, lang, m->fs, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_DANGER);
	} else {
		s = tr(u, "Votre numéro n'est pas conservé. Il sert seulement à éviter les tickets en double.",
		    &lang);
		if (u->squeeze < 2) /* a very small screen keeps the keys */
			y += para(u, m->body.x, y, m->body.w, s, lang, m->fs, 0, TEXT_ALIGN_LEFT, C_TEXT_SOFT);
	}
	say(u, lang, s);
	y += m->gap / 2;
	fy = y;
	y += m->tgt + m->gap;

	/* the keys: as many columns as fit, never below the minimum size */
	a = mkrect(m->body.x, y, m->body.w, m->body.y + m->body.h - nav_h(u) - m->gap - y);
	g.cols = imax(1, imin(10, (a.w + m->gap) / (m->tgt + m->gap)));
	g.cw = (a.w - (g.cols - 1) * m->gap) / g.cols;
	g.rows = imax(1, (a.h + m->gap) / (m->tgt + m->gap));
	g.ch = imax(m->tgt, imin(imax(m->tgt, imin(g.cw, (int)(20 * m->mm))),
	    (a.h - (g.rows - 1) * m->gap) / g.rows));
	g.per_page = g.cols * g.rows;
	g.pages = (n + g.per_page - 1) / g.per_page;
	need(u, a.y + m->tgt, a.y + a.h);
	if (u->page >= g.pages)
		u->page = g.pages - 1;

	/* the field, then erase and validate (and, on a very small screen, the
	 * page buttons) on the same row */
	del = tr(u, "Effacer", &l1);
	ok = tr(u, "Valider", &l2);
	dw = imax(m->tgt, mwidth(u, del, l1, m->fb, TEXT_BOLD) + (int)(7 * m->mm) + 3 * m->gap);
	ow = imax(m->tgt, mwidth(u, ok, l2, m->fb, TEXT_BOLD) + (int)(7 * m->mm) + 3 * m->gap);
	if (compact && g.pages > 1)
		pw = 2 * (m->tgt + m->gap);
	fw = m->body.w - dw - ow - 2 * m->gap - pw;
	if (fw < 2 * m->tgt) { /* no room for labels: the buttons as pictograms */
		dw = ow = m->tgt;
		fw = m->body.w - dw - ow - 2 * m->gap - pw;
	}
	need(u, m->tgt, fw);
	f = mkrect(m->body.x, fy, imax(fw, m->tgt), m->tgt);
	fill(u, f, C_SURFACE, m->radius);
	stroke(u, f, C_ACCENT, m->radius, m->border);
	/* a document number reads left to right in every script */
	textbox(u, mkrect(f.x + m->gap, f.y, f.w - 2 * m->gap, f.h),
	    u->holder_len ? keep(u, u->holder) : " ", "fr", m->ft, TEXT_BOLD | TEXT_LTR,
	    TEXT_ALIGN_LEFT, C_TEXT);
	button(u, mkrect(f.x + f.w + m->gap, fy, dw, m->tgt), B_SECONDARY, P_BACK,
	    dw == m->tgt ? "" : del, l1, m->fb, UI_T_CHAR_DEL, 0, 0, "key-del");
	button(u, mkrect(f.x + f.w + dw + 2 * m->gap, fy, ow, m->tgt), B_PRIMARY, P_CHECK,
	    ow == m->tgt ? "" : ok, l2, m->fb, UI_T_CHAR_OK, 0, 0, "key-ok");
	if (pw) {
		int px = f.x + f.w + dw + ow + 3 * m->gap;
		if (u->page > 0)
			button(u, mkrect(px, fy, m->tgt, m->tgt), B_SECONDARY, P_BACK, "", "fr", m->fb,
			    UI_T_PREV, 0, 0, "prev");
		if (u->page < g.pages - 1)
			button(u, mkrect(px + m->tgt + m->gap, fy, m->tgt, m->tgt), B_SECONDARY, P_NEXT, "",
			    "fr", m->fb, UI_T_NEXT, 0, 0, "next");
	}
	for (k = 0; k < g.per_page; k++) {
		int ci = u->page * g.per_page + k;
		char name[8], label[2];
		if (ci >= n)
			break;
		label[0] = keypad_chars[ci];
		label[1] = '\0';
		snprintf(name, sizeof name, "key:%c", keypad_chars[ci]);
		button(u, grid_cell(u, a, &g, k), B_SECONDARY, P_NONE, keep(u, label), "fr", m->ft,
		    UI_T_CHAR, keypad_chars[ci], 0, name);
	}
	nav(u, nb, 2);
	if (!pw)
		pager(u, g.pages);
}

/* Screens where a scanned attestation is taken (the visit's, before the
 * slip is asked for). */
static int
scan_screen(enum ui_screen s)
{
	return s == UI_S_WELCOME || s == UI_S_LANGUAGE || s == UI_S_PROCEDURE || s == UI_S_GUIDE ||
	    s == UI_S_PRIORITY || s == UI_S_HOLDER || s == UI_S_CONFIRM;
}

/* The note about a scan, on the screen where it happened (the confirmation
 * of a full service has its own panel for it). */
static int
banner_applies(const struct ui *u)
{
	return (u->prev_note == PREV_READ || u->prev_note == PREV_UNREADABLE) &&
	    u->prev_note_on == u->screen && scan_screen(u->screen) && u->screen != UI_S_WELCOME &&
	    !(u->screen == UI_S_CONFIRM && chosen_full(u));
}

/* That note, at the top of the body, which it then shrinks: the screen is
 * laid out below it. A pictogram says it too: a check when the attestation
 * was taken, the slip under the reader when it could not be read. */
static void
prev_banner(struct ui *u)
{
	struct metrics *m = &u->m;
	int ok = u->prev_note == PREV_READ;
	const char *lang, *s = tr(u, ok ? MSG_PREV_OK : MSG_PREV_BAD, &lang);
	int ps = imax((int)(8 * m->mm), lineh(u, m->fs)), tw = m->body.w - ps - 3 * m->gap, th, h;
	struct rect b;

	th = para_h(u, tw, s, lang, m->fs, TEXT_BOLD);
	h = imax(ps, th) + m->gap;
	b = mkrect(m->body.x, m->body.y, m->body.w, h);
	fill(u, b, C_TINT, m->radius);
	if (u->contrast)
		stroke(u, b, C_ON_TINT, m->radius, imax(1, m->border / 2));
	picto(u, ok ? P_CHECK : P_SCAN, mkrect(b.x + m->gap, b.y + (h - ps) / 2, ps, ps),
	    ok ? C_OK : C_ON_TINT, C_TINT);
	para(u, b.x + ps + 2 * m->gap, b.y + (h - th) / 2, tw, s, lang, m->fs, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_ON_TINT);
	say(u, lang, s);
	m->body.y += h + m->gap;
	m->body.h -= h + m->gap;
}

/*
 * The confirmation of a full service: the offer to scan an earlier
 * attestation (a pictogram of a slip under the reader, the question, how),
 * or, once scanned, a check and "taken into account". From y; returns the
 * y below it.
 */
static int
prev_panel(struct ui *u, int y)
{
	struct metrics *m = &u->m;
	const char *t[3], *l[3];
	int fl[3], n = 0, i, ps, x, tw, th = 0, h, ty, sz = u->squeeze ? m->fs : m->fb;
	int read = u->previous[0] != '\0';
	struct rect b;

	if (read) {
		t[n] = tr(u, MSG_PREV_OK, &l[n]);
		fl[n++] = TEXT_BOLD;
	} else {
		t[n] = tr(u, MSG_PREV_ASK, &l[n]);
		fl[n++] = TEXT_BOLD;
		if (u->squeeze >= 2) { /* a very small screen: what to do is enough */
			say(u, l[0], t[0]);
			n = 0;
		}
		t[n] = tr(u, MSG_PREV_HOW, &l[n]);
		fl[n++] = 0;
		if (u->prev_note == PREV_UNREADABLE && u->prev_note_on == UI_S_CONFIRM) {
			if (u->squeeze >= 2) { /* no room for both: what happened */
				say(u, l[n - 1], t[n - 1]);
				n--;
			}
			t[n] = tr(u, MSG_PREV_BAD, &l[n]);
			fl[n++] = TEXT_BOLD;
		}
	}
	/* the pictogram carries the message: never squeezed out; large where
	 * there is room (a portrait screen), a seventh of the body at most */
	ps = u->squeeze >= 2 ? (int)(9 * m->mm) :
	    imax((int)(12 * m->mm), imin(deco(u, u->h > u->w ? 36 : 24), m->body.h / 7));
	x = m->body.x + ps + 2 * m->gap;
	tw = m->body.x + m->body.w - m->gap - x;
	for (i = 0; i < n; i++)
		th += para_h(u, tw, t[i], l[i], sz, fl[i]);
	h = imax(ps, th) + 2 * m->gap;
	b = mkrect(m->body.x, y, m->body.w, h);
	fill(u, b, C_TINT, m->radius);
	stroke(u, b, read ? C_OK : C_BORDER, m->radius, m->border);
	picto(u, read ? P_CHECK : P_SCAN, mkrect(b.x + m->gap, y + (h - ps) / 2, ps, ps),
	    read ? C_OK : C_ON_TINT, C_TINT);
	ty = y + (h - th) / 2;
	for (i = 0; i < n; i++) {
		ty += para(u, x, ty, tw, t[i], l[i], sz, fl[i], TEXT_ALIGN_LEFT, C_ON_TINT);
		say(u, l[i], t[i]);
	}
	return y + h + m->gap;
}

static void
scr_confirm(struct ui *u)
{
	struct metrics *m = &u->m;
	int y = title(u, "Vérifiez votre choix", m->body.y), h;
	const char *lang, *s;
	static const struct navbtn nb[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_CANCEL, "Annuler", P_CROSS, B_SECONDARY, "cancel", 1 },
	};
	int bottom = m->body.y + m->body.h - nav_h(u) - m->gap;
	int bh = imax(imax(m->tgt * 3 / 2, (int)(28 * m->mm)), lineh(u, m->ft) + 2 * m->pad);

	if (u->service_i >= 0 && u->service_i < nservices(u)) {
		h = service_card_h(u, u->service_i, m->body.w, 0);
		/* shown, not a target: the choice is changed with Back */
		service_card(u, mkrect(m->body.x, y, m->body.w, h), u->service_i, 0, 0, NULL);
		u->ntargets--;
		{
			int i;
			for (i = 0; i < u->ncmds; i++)
				if (u->cmds[i].target == u->ntargets)
					u->cmds[i].target = -1;
		}
		y += h + m->gap;
	}
	if (u->holder_mask[0]) {
		const char *hl, *hs = tr(u, "Titulaire", &hl);
		y += para(u, m->body.x, y, m->body.w, fmt(u, "%s : %s", hs, u->holder_mask), hl, m->fb,
		    TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT) + m->gap;
	}
	if (u->priority) {
		int w, ph;
		s = tr(u, "Prioritaire", &lang);
		w = mwidth(u, s, lang, m->fb, TEXT_BOLD) + 2 * m->pad + (int)(8 * m->mm);
		ph = imax(lineh(u, m->fb) + m->gap, deco(u, 9));
		fill(u, mkrect(m->body.x, y, w, ph), C_TINT, ph / 2);
		picto(u, P_PRIORITY, mkrect(m->body.x + m->gap, y + m->gap / 2, ph - m->gap, ph - m->gap),
		    C_ON_TINT, C_TINT);
		textbox(u, mkrect(m->body.x + ph, y, w - ph - m->gap, ph), s, lang, m->fb, TEXT_BOLD,
		    TEXT_ALIGN_LEFT, C_ON_TINT);
		say(u, lang, s);
		y += ph + m->gap;
	}
	if (chosen_full(u)) {
		/* no ticket left: say what will be printed instead */
		s = tr(u, "Ce service est complet pour aujourd'hui.", &lang);
		y += para(u, m->body.x, y, m->body.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
		say(u, lang, s);
		s = tr(u, "Une attestation de passage va être imprimée. Elle prouve que vous êtes venu(e) aujourd'hui.",
		    &lang);
		if (u->squeeze < 2) /* a very small screen: the full screen says it again */
			y += para(u, m->body.x, y, m->body.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
		y += m->gap;
		say(u, lang, s);
		y = prev_panel(u, y);
		/* nothing scanned: the way on says it goes without */
		s = tr(u, u->previous[0] ? "Continuer" : MSG_WITHOUT, &lang);
	} else {
		s = tr(u, "Obtenir mon ticket", &lang);
	}
	y += u->squeeze ? m->gap : 2 * m->pad;
	bh = imax(m->tgt, imin(bh, bottom - y));
	need(u, y + bh, bottom);
	button(u, mkrect(m->body.x, y, m->body.w, bh), B_PRIMARY, P_TICKET_OUT,
	    s, lang, m->ft, UI_T_CONFIRM, 0, 1, "confirm");
	say(u, lang, fmt(u, "1. %s", s));
	nav(u, nb, 2);
}

static void
scr_issuing(struct ui *u)
{
	struct metrics *m = &u->m;
	int s = (int)(22 * m->mm), y = m->body.y + m->body.h / 3;
	const char *lang, *t = tr(u, "Veuillez patienter…", &lang);

	picto(u, P_HOURGLASS, mkrect(u->w / 2 - s / 2, y - s / 2, s, s), C_ACCENT, C_BG);
	para(u, m->body.x, y + s / 2 + m->pad, m->body.w, t, lang, m->ft, TEXT_BOLD,
	    TEXT_ALIGN_CENTRE, C_TEXT);
	say(u, lang, t);
}

/* The printer sentence for a state. */
static const char *
printer_msgid(enum escpos_state st)
{
	switch (st) {
	case ESCPOS_PAPER_OUT:  return "L'imprimante n'a plus de papier. Veuillez vous adresser à l'accueil.";
	case ESCPOS_COVER_OPEN: return "Le capot de l'imprimante est ouvert. Veuillez vous adresser à l'accueil.";
	case ESCPOS_OFFLINE:    return "Imprimante hors ligne. Veuillez vous adresser à l'accueil.";
	default:                return "Problème d'imprimante. Veuillez vous adresser à l'accueil.";
	}
}

/* Draw the slip bitmap (the very one sent to the printer) in box b. */
static void
slip_draw(struct ui *u, struct rect prev)
{
	struct metrics *m = &u->m;
	struct ui_cmd *c;
	int sh = imax(2, m->border);

	fillc(u, mkrect(prev.x + sh, prev.y + sh, prev.w, prev.h), (struct ui_colour){ 0, 0, 0, 60 }, 0);
	if ((c = cmd(u, UI_CMD_BITMAP)) != NULL) {
		c->r = mirror(u, prev);
		c->bm = u->slip;
		c->c = (struct ui_colour){ 0, 0, 0, 255 };
	}
	if (u->contrast)
		stroke(u, mkrect(prev.x - m->border, prev.y - m->border, prev.w + 2 * m->border,
		    prev.h + 2 * m->border), C_BORDER, 0, m->border);
}

/* Fit the slip in w x h, never enlarged past its own size. */
static void
slip_fit(const struct ui *u, int w, int h, int *pw, int *ph)
{
	*ph = imin(h, u->slip->h);
	*pw = u->slip->w * *ph / u->slip->h;
	if (*pw > w) {
		*pw = w;
		*ph = u->slip->h * *pw / u->slip->w;
	}
}

/* Where the slip goes: below the text on a portrait screen (or when a
 * column beside it would be under 60 mm), else beside it. */
static int
slip_below(const struct ui *u)
{
	return u->h > u->w || u->m.body.w * 3 / 5 < (int)(60 * u->m.mm);
}

/* Beside the text: the slip at the end edge, *info keeps the rest. Below:
 * the text gets the top part of the body (slip_under() draws the slip). */
static void
slip_preview(struct ui *u, struct rect *info, int bottom)
{
	struct metrics *m = &u->m;
	int pw, ph;

	if (u->slip == NULL) {
		info->h = bottom - info->y;
		return;
	}
	if (slip_below(u)) {
		info->h = (bottom - m->body.y) * 48 / 100;
		return;
	}
	slip_fit(u, m->body.w * 2 / 5, bottom - m->body.y, &pw, &ph);
	slip_draw(u, mkrect(m->body.x + m->body.w - pw, m->body.y, pw, ph));
	info->w = m->body.w - pw - m->pad;
}

/* Below the text (from y), centred in what is left above bottom. */
static void
slip_under(struct ui *u, int y, int bottom)
{
	struct metrics *m = &u->m;
	int pw, ph;

	if (u->slip == NULL || !slip_below(u))
		return;
	y += m->pad;
	slip_fit(u, m->body.w * 3 / 4, bottom - y, &pw, &ph);
	if (ph < (int)(30 * m->mm)) /* no room worth showing it */
		return;
	slip_draw(u, mkrect(m->body.x + (m->body.w - pw) / 2, y + (bottom - y - ph) / 2, pw, ph));
}

/* Printing, printed or failed, from y down in the column info. Returns
 * the y below it. */
static int
print_status(struct ui *u, struct rect info, int y, const char *failed_id, const char *done_id,
    const char *after_id)
{
	struct metrics *m = &u->m;
	const char *lang, *s;
	int ps = (int)(12 * m->mm);

	if (u->print == UI_PRINT_FAILED) {
		const char *l2, *s2 = tr(u, printer_msgid(u->print_st), &l2);
		const char *detail = u->squeeze < 2 ? u->print_reason : ""; /* for staff */
		int tw = info.w - ps - 3 * m->gap, h;
		s = failed_id ? tr(u, failed_id, &lang) : NULL;
		h = (s ? para_h(u, tw, s, lang, m->fb, TEXT_BOLD) : 0) +
		    para_h(u, tw, s2, l2, s ? m->fs : m->fb, s ? 0 : TEXT_BOLD) +
		    (detail[0] ? para_h(u, tw, detail, "fr", m->fs, 0) : 0) + 2 * m->gap;
		h = imax(h, ps + 2 * m->gap);
		need(u, y + h, info.y + info.h);
		fill(u, mkrect(info.x, y, info.w, h), C_DANGER_BG, m->radius);
		stroke(u, mkrect(info.x, y, info.w, h), C_DANGER, m->radius, m->border);
		picto(u, P_WARNING, mkrect(info.x + m->gap, y + m->gap, ps, ps), C_DANGER, C_DANGER_BG);
		{
			int ty = y + m->gap, tx = info.x + ps + 2 * m->gap;
			if (s)
				ty += para(u, tx, ty, tw, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
				    C_ON_DANGER_BG);
			ty += para(u, tx, ty, tw, s2, l2, s ? m->fs : m->fb, s ? 0 : TEXT_BOLD,
			    TEXT_ALIGN_LEFT, C_ON_DANGER_BG);
			if (detail[0])
				para(u, tx, ty, tw, detail, "fr", m->fs, 0, TEXT_ALIGN_LEFT, C_ON_DANGER_BG);
		}
		if (s)
			say(u, lang, s);
		say(u, l2, s2);
		return y + h;
	} else {
		int done = u->print == UI_PRINT_DONE, th;
		const char *l3 = "fr", *s3 = after_id ? tr(u, after_id, &l3) : NULL;
		s = done ? (done_id ? tr(u, done_id, &lang) : NULL) : tr(u, "Impression en cours…", &lang);
		th = imax(ps, lineh(u, m->ft));
		if (s) {
			picto(u, done ? P_TICKET_OUT : P_PRINTER, mkrect(info.x, y, ps, ps),
			    done ? C_OK : C_ACCENT, C_BG);
			textbox(u, mkrect(info.x + ps + m->gap, y, info.w - ps - m->gap, th), s, lang, m->ft,
			    TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
			y += th + m->gap;
			say(u, lang, s);
		}
		if (done && s3) {
			/* on a short screen only what fits: the slip says it too */
			if (y + para_h(u, info.w, s3, l3, m->fb, 0) <= info.y + info.h)
				y += para(u, info.x, y, info.w, s3, l3, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
			say(u, l3, s3);
		}
		return y;
	}
}

static void
scr_ticket(struct ui *u)
{
	struct metrics *m = &u->m;
	const struct client_ticket *t = &u->ticket;
	const char *lang, *s;
	struct rect info = m->body;
	int y, bottom = m->body.y + m->body.h - nav_h(u) - m->gap, numsz;
	static const struct navbtn nb[] = {
		{ UI_T_DONE, "Terminé", P_CHECK, B_PRIMARY, "done", 1 },
	};

	slip_preview(u, &info, bottom);
	y = info.y;
	if (t->duplicate) {
		s = tr(u, "Vous avez déjà un ticket pour aujourd'hui. Le voici à nouveau.", &lang);
		y += para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT) +
		    m->gap / 2;
		say(u, lang, s);
	}
	s = tr(u, "Votre numéro", &lang);
	y += para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT_SOFT);
	say(u, lang, s);
	/* the number, very large: as wide as the column allows, up to 40 mm,
	 * leaving room for the lines below it */
	{
		int rest = lineh(u, m->fb) * (2 + (t->priority != 0) + (u->squeeze < 2 ?
		    (t->estimated_wait_s >= 0) + (t->position > 0) : 0) + 2) +
		    imax((int)(12 * m->mm), lineh(u, m->ft)) + 4 * m->gap;
		numsz = clampi((info.y + info.h - y - rest) * 10 / 12, m->ft, (int)(40 * m->mm));
	}
	while (numsz > m->ft && mwidth(u, t->number, "fr", numsz, TEXT_BOLD) > info.w)
		numsz = numsz * 9 / 10;
	{
		int nh = lineh(u, numsz) * 85 / 100;
		textbox(u, mkrect(info.x, y, info.w, nh), t->number, "fr", numsz, TEXT_BOLD | TEXT_LTR,
		    TEXT_ALIGN_LEFT, C_ACCENT);
		y += nh;
		/* letters one by one, so the voice spells "A 0 4 2" */
		{
			char sp[40];
			size_t i, o = 0;
			for (i = 0; t->number[i] && o + 3 < sizeof sp; i++) {
				sp[o++] = t->number[i];
				sp[o++] = ' ';
			}
			sp[o] = '\0';
			say(u, "fr", keep(u, sp));
		}
	}
	{
		const char *sl;
		const char *sname = t->service_local[0] && strcmp(cur_lang(u)->code, "fr") ?
		    t->service_local : t->service_fr;
		sl = sname == t->service_local ? cur_lang(u)->code : "fr";
		if (u->service_i >= 0 && u->service_i < nservices(u))
			sname = service_name(u, &u->menu->services[u->service_i], &sl);
		y += para(u, info.x, y, info.w, sname, sl, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
		say(u, sl, sname);
	}
	if (t->priority) {
		s = tr(u, "Prioritaire", &lang);
		y += para(u, info.x, y, info.w, s, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT);
	}
	/* wait and position: the slip has them too, so a squeezed screen skips them */
	if (t->estimated_wait_s >= 0) {
		s = fmt_tr(u, tr(u, "Attente estimée : %d min", &lang), (t->estimated_wait_s + 59) / 60);
		if (u->squeeze < 2)
			y += para(u, info.x, y, info.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
		say(u, lang, s);
	}
	if (t->position > 0) {
		s = fmt_tr(u, tr(u, "Position dans la file : %d", &lang), t->position);
		if (u->squeeze < 2)
			y += para(u, info.x, y, info.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
		say(u, lang, s);
	}
	y += m->gap;
	y = print_status(u, info, y,
	    "Votre ticket n'a pas pu être imprimé. Notez votre numéro et montrez-le à l'accueil.",
	    "Prenez votre ticket",
	    "Attendez dans la salle d'attente. Votre numéro sera affiché et annoncé.");
	need(u, y, slip_below(u) ? bottom : info.y + info.h);
	slip_under(u, y, bottom);
	nav(u, nb, 1);
}

/* One line of an error screen. */
struct eline {
	const char *s;     /* text (already translated), NULL = skip */
	const char *lang;  /* its language */
	int big;           /* 2 title, 1 body, 0 small detail */
};

/*
 * A calm error screen: a large pictogram and a few lines (what happened,
 * what to do, that the kiosk retries), centred in the body, the pictogram
 * beside the text in landscape and above it in portrait.
 */
static void
error_lines(struct ui *u, enum picto p, const struct eline *l, int n, const struct navbtn *nb,
    int nnb)
{
	struct metrics *m = &u->m;
	int ps = imax((int)(26 * m->mm), imin(u->w, u->h) / 6) * m->pic / 100, i, total = 0, y;
	int bottom = m->body.y + m->body.h - (nnb ? nav_h(u) + m->gap : 0);
	int landscape = u->w > u->h * 5 / 4;
	int x = m->body.x + m->pad, w = m->body.w - 2 * m->pad;
	enum role ink = p == P_WARNING ? C_DANGER : C_ACCENT;

	if (landscape && ps) {
		x += ps + 2 * m->pad;
		w -= ps + 2 * m->pad;
	}
	for (i = 0; i < n; i++)
		if (l[i].s && l[i].s[0])
			total += para_h(u, w, l[i].s, l[i].lang, l[i].big == 2 ? m->ft : l[i].big ? m->fb :
			    m->fs, l[i].big == 2 ? TEXT_BOLD : 0) + m->gap;
	if (!landscape && ps)
		total += ps + m->pad;
	need(u, m->body.y + total, bottom);
	y = imax(m->body.y, m->body.y + (bottom - m->body.y - imax(total, ps)) * 2 / 5);
	if (ps && landscape) {
		picto(u, p, mkrect(m->body.x + m->pad, y, ps, ps), ink, C_BG);
	} else if (ps) {
		picto(u, p, mkrect(x, y, ps, ps), ink, C_BG);
		y += ps + m->pad;
	}
	for (i = 0; i < n && y < bottom; i++) {
		if (l[i].s == NULL || l[i].s[0] == '\0')
			continue;
		y += para(u, x, y, w, l[i].s, l[i].lang, l[i].big == 2 ? m->ft : l[i].big ? m->fb : m->fs,
		    l[i].big == 2 ? TEXT_BOLD : 0, TEXT_ALIGN_LEFT,
		    l[i].big ? C_TEXT : C_TEXT_SOFT) + m->gap;
		if (l[i].big)
			say(u, l[i].lang, l[i].s);
	}
	if (nnb)
		nav(u, nb, nnb);
}

/* The same from msgids: the first is the title, the others body lines;
 * detail (French, for staff) is added small. */
static void
error_screen(struct ui *u, enum picto p, const char *const *msgids, int n, const char *detail,
    const struct navbtn *nb, int nnb)
{
	struct eline l[8];
	int i, k = 0;

	for (i = 0; i < n && k < 7; i++, k++) {
		l[k].s = tr(u, msgids[i], &l[k].lang);
		l[k].big = i == 0 ? 2 : 1;
	}
	l[k].s = detail;
	l[k].lang = "fr";
	l[k].big = 0;
	k++;
	error_lines(u, p, l, k, nb, nnb);
}

static const struct navbtn nb_done[] = {
	{ UI_T_DONE, "Terminé", P_CHECK, B_PRIMARY, "done", 1 },
};

static void
scr_server_down(struct ui *u)
{
	static const char *const msg[] = {
		"Le service est momentanément indisponible. Veuillez vous adresser à l'accueil.",
		"Nouvel essai automatique dans quelques instants.",
	};
	error_screen(u, P_UNPLUGGED, msg, 2, NULL, u->session ? nb_done : NULL, u->session);
}

static void
scr_printer(struct ui *u)
{
	const char *msg[2];
	msg[0] = printer_msgid(u->printer);
	msg[1] = "Nouvel essai automatique dans quelques instants.";
	error_screen(u, P_PRINTER, msg, 2, u->printer_reason, u->session ? nb_done : NULL,
	    u->session);
}

static void
scr_closed(struct ui *u)
{
	const struct client_site *st = u->menu ? &u->menu->site : NULL;
	struct eline l[3];

	l[0].s = tr(u, "L'accueil est fermé.", &l[0].lang);
	l[0].big = 2;
	l[1].s = tr(u, "Horaires d'ouverture", &l[1].lang);
	l[1].big = 1;
	if (st && st->opens[0] && st->closes[0])
		l[2].s = fmt_tr(u, tr(u, "Ouvert de %s à %s", &l[2].lang), st->opens, st->closes);
	else
		l[2].s = tr(u, "Fermé", &l[2].lang);
	l[2].big = 1;
	error_lines(u, P_CLOCK, l, 3, u->session ? nb_done : NULL, u->session);
}

static void
scr_full(struct ui *u)
{
	struct metrics *m = &u->m;
	static const char *const msg[] = {
		"Ce service est complet pour aujourd'hui.",
		"Allez à l'accueil : un agent va vous aider.",
	};
	static const struct navbtn nb[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_DONE, "Terminé", P_CHECK, B_PRIMARY, "done", 1 },
	};
	struct rect info = m->body;
	int y, bottom = m->body.y + m->body.h - nav_h(u) - m->gap, ps = (int)(16 * m->mm);
	const char *lang, *s;

	if (u->slip == NULL) {
		error_screen(u, P_FULL, msg, 2, NULL, nb, 2);
		return;
	}
	/* the server printed an attestation de passage instead of a ticket */
	slip_preview(u, &info, bottom);
	y = info.y;
	picto(u, P_FULL, mkrect(info.x, y, ps, ps), C_ACCENT, C_BG);
	s = tr(u, msg[0], &lang);
	y += imax(ps, para(u, info.x + ps + m->gap, y, info.w - ps - m->gap, s, lang, m->ft,
	    TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT)) + m->gap;
	say(u, lang, s);
	s = tr(u, "Une attestation de passage va être imprimée. Elle prouve que vous êtes venu(e) aujourd'hui.",
	    &lang);
	y += para(u, info.x, y, info.w, s, lang, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT) + m->gap;
	say(u, lang, s);
	if (u->prev_note == PREV_REFUSED || u->ticket.attempt > 1) {
		/* the earlier attestation: chained, or (calmly) not readable */
		int ok = u->prev_note != PREV_REFUSED, lh = lineh(u, m->fb), th;
		s = tr(u, ok ? MSG_PREV_OK : MSG_PREV_LOST, &lang);
		th = para_h(u, info.w - lh - m->gap, s, lang, m->fb, TEXT_BOLD);
		picto(u, ok ? P_CHECK : P_SCAN, mkrect(info.x, y, lh, lh), ok ? C_OK : C_ACCENT, C_BG);
		y += para(u, info.x + lh + m->gap, y, info.w - lh - m->gap, s, lang, m->fb, TEXT_BOLD,
		    TEXT_ALIGN_LEFT, C_TEXT);
		y = imax(y, y - th + lh) + m->gap;
		say(u, lang, s);
	}
	y = print_status(u, info, y, NULL, NULL,
	    "Gardez cette attestation. Elle peut vous servir à prouver vos démarches.");
	need(u, y, slip_below(u) ? bottom : info.y + info.h);
	slip_under(u, y, bottom);
	nav(u, nb + 1, 1);
}

static void
scr_refused(struct ui *u)
{
	static const char *const msg[] = {
		"Le ticket n'a pas pu être délivré. Veuillez vous adresser à l'accueil.",
	};
	error_screen(u, P_WARNING, msg, 1, u->refuse_reason, nb_done, 1);
}

/* Staff screens: French only, whatever the visitor chose. */
static void
scr_pin(struct ui *u)
{
	struct metrics *m = &u->m;
	int y = m->body.y, i, kw, kh, cols = 3, rows = 4, x0;
	char dots[40];
	const char *msg;

	y += para(u, m->body.x, y, m->body.w, "Code administrateur", "fr", m->ft, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_ACCENT) + m->gap / 2;
	for (i = 0; i < u->pin_len && i < 12; i++)
		memcpy(dots + 3 * i, "\xe2\x97\x8f", 3); /* U+25CF BLACK CIRCLE */
	dots[3 * i] = '\0';
	if (u->pin_locked > u->now)
		msg = fmt(u, "Trop d'essais. Réessayez dans %d s.",
		    (int)((u->pin_locked - u->now + 999) / 1000));
	else if (u->pin_wrong)
		msg = "Code incorrect.";
	else
		msg = keep(u, i ? dots : " ");
	y += para(u, m->body.x, y, m->body.w, msg, "fr", m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
	    u->pin_wrong ? C_DANGER : C_TEXT) + m->gap;
	kh = imax(m->tgt, (m->body.y + m->body.h - nav_h(u) - m->gap - y - (rows - 1) * m->gap) / rows);
	kh = imin(kh, (int)(25 * m->mm));
	kw = imin(kh * 2, (m->body.w - (cols - 1) * m->gap) / cols);
	x0 = m->body.x + (m->body.w - cols * kw - (cols - 1) * m->gap) / 2;
	for (i = 0; i < 12; i++) {
		struct rect r = mkrect(x0 + (i % cols) * (kw + m->gap), y + (i / cols) * (kh + m->gap), kw,
		    kh);
		static const char *const dnames[] = { "pin:0", "pin:1", "pin:2", "pin:3", "pin:4",
			"pin:5", "pin:6", "pin:7", "pin:8", "pin:9" };
		static const char *const dl[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
		if (i == 9)
			button(u, r, B_SECONDARY, P_NONE, "Effacer", "fr", m->fb, UI_T_PIN_DEL, 0, 0,
			    "pin-del");
		else if (i == 11)
			button(u, r, B_PRIMARY, P_NONE, "Valider", "fr", m->fb, UI_T_PIN_OK, 0, 0, "pin-ok");
		else {
			int d = i == 10 ? 0 : i + 1;
			button(u, r, B_SECONDARY, P_NONE, dl[d], "fr", m->ft, UI_T_PIN_DIGIT, d, 0, dnames[d]);
		}
	}
	{
		static const struct navbtn nb[] = {
			{ UI_T_CANCEL, "Annuler", P_CROSS, B_SECONDARY, "cancel", 0 },
		};
		nav(u, nb, 1);
	}
}

static void
scr_admin(struct ui *u)
{
	struct metrics *m = &u->m;
	int y = m->body.y, bw = imin(m->body.w, (int)(120 * m->mm));
	const char *s;

	y += para(u, m->body.x, y, m->body.w, "Administration de la borne", "fr", m->ft, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_ACCENT) + m->gap;
	s = u->server_down ? fmt(u, "Serveur : injoignable (%s)", u->server_reason) :
	    u->menu ? fmt(u, "Serveur : joignable — %s, %s", u->menu->site.id,
	    u->menu->site.open ? "ouvert" : "fermé") : "Serveur : pas encore de réponse";
	y += para(u, m->body.x, y, m->body.w, s, "fr", m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	s = fmt(u, "Imprimante : %s%s%s", escpos_state_str(u->printer),
	    u->printer_reason[0] ? " — " : "", u->printer_reason);
	y += para(u, m->body.x, y, m->body.w, s, "fr", m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	if (u->cfg.version)
		y += para(u, m->body.x, y, m->body.w, fmt(u, "Version : %s", u->cfg.version), "fr",
		    m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	y += m->pad;
	button(u, mkrect(m->body.x, y, bw, m->tgt), B_PRIMARY, P_BACK, "Reprendre", "fr", m->fb,
	    UI_T_ADMIN_RESUME, 0, 1, "resume");
	y += m->tgt + m->gap;
	button(u, mkrect(m->body.x, y, bw, m->tgt), B_SECONDARY, P_CROSS, "Quitter l'application",
	    "fr", m->fb, UI_T_ADMIN_QUIT, 0, 2, "quit");
}

/* The idle countdown, over whatever screen is below. */
static void
idle_dialog(struct ui *u)
{
	struct metrics *m = &u->m;
	int secs = (int)((u->countdown_end - u->now + 999) / 1000);
	const char *l1, *l2, *l3;
	const char *t1 = tr(u, "Êtes-vous toujours là ?", &l1);
	const char *t2 = fmt_tr(u, tr(u, "Retour à l'accueil dans %d secondes", &l2), imax(secs, 0));
	const char *t3 = tr(u, "Plus de temps", &l3);
	int w = imin(u->w - 2 * m->pad, (int)(150 * m->mm)), h, y, iw;
	struct rect d;
	int first;

	/* the veil hides the screen below (nothing to read there any more) and
	 * takes every tap: the whole window is the "more time" target */
	first = u->ncmds;
	u->ntargets = 0;
	fillc(u, mkrect(0, 0, u->w, u->h), u->pal[C_SHADE], 0);
	iw = w - 2 * m->pad;
	h = 2 * m->pad + para_h(u, iw, t1, l1, m->ft, TEXT_BOLD) + m->gap +
	    para_h(u, iw, t2, l2, m->fb, 0) + m->pad + imax(m->tgt, lineh(u, m->ft) + m->gap);
	h = imin(h, u->h - 2 * m->pad);
	d = mkrect((u->w - w) / 2, (u->h - h) / 2, w, h);
	add_target(u, mkrect(0, 0, u->w, u->h), UI_T_MORE, 0, 0, "veil", NULL, NULL);
	fill(u, d, C_SURFACE, m->radius * 2);
	stroke(u, d, C_BORDER, m->radius * 2, m->border);
	y = d.y + m->pad;
	y += para(u, d.x + m->pad, y, iw, t1, l1, m->ft, TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT) + m->gap;
	y += para(u, d.x + m->pad, y, iw, t2, l2, m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT) + m->pad;
	button(u, mkrect(d.x + m->pad, y, iw, d.y + d.h - m->pad - y), B_PRIMARY, P_CLOCK, t3, l3,
	    m->ft, UI_T_MORE, 0, 1, "more");
	(void)first;
	/* speech: only the dialog */
	u->say_len = 0;
	say(u, l1, t1);
	say(u, l2, t2);
	say(u, l3, t3);
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
	const struct lang *l = cur_lang(u);
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
	u->pal = u->contrast ? pal_contrast : pal_normal;
	u->rtl = l->rtl && !staff && u->screen != UI_S_WELCOME;
	metrics(u);
	fill(u, mkrect(0, 0, u->w, u->h), C_BG, 0);
	header(u);
	if (banner_applies(u))
		prev_banner(u);
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
		a11y_bar(u, 1);
	else if (u->nnavq)
		a11y_bar(u, 0); /* a very small screen: the staff screens' buttons */
	if (u->countdown_end)
		idle_dialog(u);
	/* the focus ring, last so nothing covers it */
	fi = focus_index(u);
	if (fi >= 0) {
		struct ui_cmd *c = cmd(u, UI_CMD_FOCUS);
		int o = imax(3, u->m.border + 2);
		if (c) {
			c->r = u->targets[fi].r;
			c->r.x -= o, c->r.y -= o, c->r.w += 2 * o, c->r.h += 2 * o;
			c->c = u->pal[C_FOCUS];
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
	u->frame.bg = u->pal[C_BG];
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
start_guide(struct ui *u)
{
	u->gstep = G_HAVE;
	u->nghist = 0;
	u->gkind = -1;
	go(u, UI_S_GUIDE);
}

static void
guide_answer(struct ui *u, int yes)
{
	int next = yes ? guide[u->gstep].yes : guide[u->gstep].no;

	if (u->nghist < (int)(sizeof u->ghist / sizeof u->ghist[0]))
		u->ghist[u->nghist++] = u->gstep;
	if (next < 0) {
		u->gkind = -next - 1;
		u->gstep = G_RESULT;
	} else {
		u->gstep = next;
	}
	u->screen_at = u->now;
	u->focus[0] = '\0';
	if (u->speech)
		u->speak_pending = 1;
	set_dirty(u);
}

static void
choose_service(struct ui *u, int si)
{
	if (si < 0 || si >= nservices(u))
		return;
	u->service_i = si;
	if (service_full(&u->menu->services[si])) {
		/* no ticket left: the server prints an attestation de passage
		 * instead, so the visit still ends with a slip; no priority question */
		u->priority = 0;
		go(u, service_bound(u) ? UI_S_HOLDER : UI_S_CONFIRM);
	} else {
		go(u, UI_S_PRIORITY);
	}
}

static void
back(struct ui *u)
{
	switch (u->screen) {
	case UI_S_LANGUAGE:
		go(u, u->lang_back == UI_S_LANGUAGE ? rest_screen(u) : u->lang_back);
		if (is_rest(u->screen))
			u->lang_back = UI_S_WELCOME;
		break;
	case UI_S_PROCEDURE: u->lang_back = UI_S_PROCEDURE; go(u, UI_S_LANGUAGE); break;
	case UI_S_GUIDE:
		if (u->nghist > 0) {
			u->gstep = u->ghist[--u->nghist];
			u->screen_at = u->now;
			u->focus[0] = '\0';
			set_dirty(u);
		} else {
			go(u, UI_S_PROCEDURE);
		}
		break;
	case UI_S_PRIORITY:  go(u, UI_S_PROCEDURE); break;
	case UI_S_HOLDER:    go(u, chosen_full(u) ? UI_S_PROCEDURE : UI_S_PRIORITY); break;
	case UI_S_CONFIRM:
		go(u, service_bound(u) ? UI_S_HOLDER : chosen_full(u) ? UI_S_PROCEDURE : UI_S_PRIORITY);
		break;
	case UI_S_FULL:      go(u, UI_S_PROCEDURE); break;
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
		go(u, UI_S_LANGUAGE);
		act(u, UI_ACT_REFRESH); /* fresh counts for the procedure screen */
		break;
	case UI_T_LANG:
		if (t->arg >= 0 && (size_t)t->arg < nl)
			u->lang_i = t->arg;
		if (u->lang_back == UI_S_WELCOME || u->lang_back == UI_S_LANGUAGE)
			go(u, UI_S_PROCEDURE);
		else
			go(u, u->lang_back);
		u->lang_back = UI_S_WELCOME;
		break;
	case UI_T_SERVICE:
		choose_service(u, t->arg);
		break;
	case UI_T_DONTKNOW:
		start_guide(u);
		break;
	case UI_T_YES:
	case UI_T_NO:
		if (u->screen == UI_S_GUIDE) {
			guide_answer(u, t->id == UI_T_YES);
		} else if (u->screen == UI_S_PRIORITY) {
			u->priority = t->id == UI_T_YES;
			go(u, service_bound(u) ? UI_S_HOLDER : UI_S_CONFIRM);
		}
		break;
	case UI_T_CONTINUE:
		choose_service(u, service_of_kind(u, u->gkind));
		break;
	case UI_T_CONFIRM:
		if (u->screen != UI_S_CONFIRM || u->service_i < 0 || u->service_i >= nservices(u))
			break;
		if (printer_bad(u->printer)) {
			/* no ticket the printer cannot print: say so first */
			go(u, UI_S_PRINTER);
			break;
		}
		{
			struct ui_action a;
			const struct lang *l = cur_lang(u);
			memset(&a, 0, sizeof a);
			a.kind = UI_ACT_ISSUE;
			snprintf(a.service, sizeof a.service, "%s", u->menu->services[u->service_i].code);
			snprintf(a.lang, sizeof a.lang, "%s", l->code);
			a.priority = u->priority;
			if (service_bound(u)) {
				if (u->holder_len < HOLDER_MIN) {
					go(u, UI_S_HOLDER);
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
		go(u, UI_S_ISSUING);
		break;
	case UI_T_BACK:
		back(u);
		break;
	case UI_T_CANCEL:
		if (u->screen == UI_S_PIN) {
			sodium_memzero(u->pin_buf, sizeof u->pin_buf);
			u->pin_len = 0;
			u->pin_wrong = 0;
			go(u, rest_screen(u));
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
			go(u, UI_S_LANGUAGE);
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
			go(u, UI_S_ADMIN);
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
		go(u, UI_S_CONFIRM);
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
		go(u, UI_S_PIN);
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
			go(u, UI_S_LANGUAGE);
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
			go(u, r);
			if (r == UI_S_WELCOME)
				u->cycle_next = u->now + u->cfg.cycle_ms;
		}
	} else if (u->session && (u->screen == UI_S_SERVER_DOWN || u->screen == UI_S_PRINTER ||
	    u->screen == UI_S_CLOSED)) {
		if (r != UI_S_WELCOME)
			go(u, r); /* another fault now: say that one */
		else if (u->service_i >= 0 && u->service_i < nservices(u))
			go(u, service_bound(u) && u->holder_len < HOLDER_MIN ? UI_S_HOLDER : UI_S_CONFIRM);
		else
			go(u, UI_S_PROCEDURE);
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
	go(u, att ? UI_S_FULL : UI_S_TICKET);
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
		go(u, UI_S_CLOSED);
		act(u, UI_ACT_REFRESH);
		break;
	case CLIENT_FULL:
		if (u->menu && u->service_i >= 0 && u->service_i < u->menu->nservices)
			u->menu->services[u->service_i].left_today = 0;
		go(u, UI_S_FULL);
		act(u, UI_ACT_REFRESH);
		break;
	case CLIENT_UNREACHABLE:
		u->server_down = 1;
		snprintf(u->server_reason, sizeof u->server_reason, "%s", reason ? reason : "");
		go(u, UI_S_SERVER_DOWN);
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
			go(u, UI_S_HOLDER);
		} else {
			go(u, UI_S_REFUSED);
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

/* ---- the rest of the interface ---------------------------------------------- */

/*
 * The line box of every face at this size, regular or bold: the tallest
 * line of any script. Measured once at a reference size and scaled: asking
 * text.c at each size would open every face (CJK ones weigh megabytes) at
 * every size the screens use.
 */
#define LH_REF 64
int
ui_line_height(struct fonts *f, int size_px)
{
	int ref = imax(text_line_height(f, LH_REF, 0), text_line_height(f, LH_REF, TEXT_BOLD));

	if (ref <= 0)
		return size_px * 3 / 2;
	return (ref * size_px + LH_REF - 1) / LH_REF + 1;
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
	u->pal = pal_normal;
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
	return cur_lang(u)->code;
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
