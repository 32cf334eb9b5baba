/*
 * kit: the widget kit the kiosk's screens are drawn with. Internal to ui/:
 * only the files of ui/ include it, and nothing here is in ui.h.
 *
 * A screen is laid out by calling the kit, which appends draw commands and
 * targets to the frame being built in struct ui (state.h). Coordinates are
 * left-to-right; every emitter passes them through kit_mirror(), so a
 * right-to-left language gets the mirror image without the screens knowing.
 * Sizes come from the metrics of the frame (u->m, kit_metrics()), colours
 * from a role of the palette in force (kit_colour()).
 *
 *   ui_kit.c      strings, text measuring (cached), the primitives (boxes,
 *                 triangles, segments, text boxes, paragraphs), targets, speech
 *   ui_style.c    the two palettes and the metrics of a frame
 *   ui_picto.c    the pictograms, drawn with the primitives
 *   ui_widgets.c  header, accessibility bar, buttons, badges, the navigation
 *                 row, paged grids, titles, yes/no answers
 *
 * The kit knows no screen and no rule of the visit: it must not include
 * screens.h. Pure core: no SDL, no clock, no I/O (text.h measures).
 */
#ifndef KIOSK_UI_KIT_H
#define KIOSK_UI_KIT_H

#include "core/i18n.h"
#include "ui/state.h"

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

/* Pictograms (ui_picto.c). */
enum picto {
	P_NONE, P_CARD_NEW, P_CARD_RENEW, P_CARD_PICKUP, P_BUILDING, P_SCREEN,
	P_DOCUMENT, P_QUESTION, P_TEXTSIZE, P_CONTRAST, P_SPEAKER, P_GLOBE,
	P_PRIORITY, P_TOUCH, P_FREE, P_PRINTER, P_UNPLUGGED, P_CLOCK, P_FULL,
	P_WARNING, P_HOURGLASS, P_TICKET_OUT, P_BACK, P_CROSS, P_CHECK, P_NEXT,
	P_LOCK, P_SCAN,
};

/* A button: surface or primary fill, pictogram at the start, label. */
enum bstyle { B_SECONDARY, B_PRIMARY, B_TOGGLED };

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

/* The navigation rows most screens use. */
extern const struct navbtn kit_nav_back[1];        /* Back */
extern const struct navbtn kit_nav_back_cancel[2]; /* Back, Cancel */
extern const struct navbtn kit_nav_back_done[2];   /* Back, Done */
extern const struct navbtn kit_nav_done[1];        /* Done */

/* n cells of a paged grid in an area: the plan of one page. */
struct grid {
	int cols, rows;   /* per page */
	int per_page;     /* cols * rows */
	int pages;        /* total pages */
	int ch, cw;       /* cell size */
};

/* ---- strings (ui_kit.c) ---------------------------------------------------- */

/* The visitor's language (an entry of i18n_langs()). */
const struct lang *kit_lang(const struct ui *u);
/* Translation of msgid in the visitor's language; *lang (may be NULL) gets
 * the language the returned text is really in (French when it fell back). */
const char *kit_tr(const struct ui *u, const char *msgid, const char **lang);
/* A copy of s in this frame's arena (valid until the next layout). */
const char *kit_keep(struct ui *u, const char *s);
/* printf into this frame's arena. */
const char *kit_fmt(struct ui *u, const char *f, ...) __attribute__((format(printf, 2, 3)));
/* The same with a format string from a catalogue (same conversions as its
 * msgid, checked by i18n at load time). */
const char *kit_fmt_tr(struct ui *u, const char *f, ...);
/* Append one line (in lang) to the speech of the screen being laid out. */
void kit_say(struct ui *u, const char *lang, const char *s);

/* ---- measuring (ui_kit.c) ---------------------------------------------------- */

int kit_mwidth(struct ui *u, const char *s, const char *lang, int size, int flags);
int kit_mheight(struct ui *u, const char *s, const char *lang, int size, int flags, int width);
int kit_lineh(struct ui *u, int size); /* ui_line_height(), cached */

/* ---- style (ui_style.c) -------------------------------------------------------- */

/* The colour of a role in the palette in force (u->hc). */
struct ui_colour kit_colour(const struct ui *u, enum role r);
/* The frame's metrics (u->m) for the window, dpi, text mode and squeeze. */
void kit_metrics(struct ui *u);
/* Content must end above bottom; note when it does not (the layout is then
 * tried again with smaller text). */
void kit_need(struct ui *u, int y, int bottom);
/* Size of a decorative pictogram of mm millimetres (0 when squeezed out). */
int kit_deco(struct ui *u, double mm);

/* ---- emitting (ui_kit.c) ---------------------------------------------------------- */

struct rect kit_mirror(const struct ui *u, struct rect r);
/* A new command, cleared, not yet mirrored; NULL when the frame is full. */
struct ui_cmd *kit_cmd(struct ui *u, enum ui_cmd_kind k);
void kit_fill(struct ui *u, struct rect r, enum role role, int radius);
void kit_fillc(struct ui *u, struct rect r, struct ui_colour col, int radius);
void kit_stroke(struct ui *u, struct rect r, enum role role, int radius, int line);
void kit_tri(struct ui *u, enum role role, int x0, int y0, int x1, int y1, int x2, int y2);
void kit_seg(struct ui *u, enum role role, int width, int x0, int y0, int x1, int y1);
/* Text in box r, vertically centred, shrunk then wrapped to fit; returns
 * the height it takes. */
int kit_textbox(struct ui *u, struct rect r, const char *s, const char *lang, int size,
    int flags, enum text_align align, enum role role);
/* A paragraph at the top of (x, y, w), wrapped at its size; returns the
 * height. kit_para_h() is that height without drawing. */
int kit_para(struct ui *u, int x, int y, int w, const char *s, const char *lang, int size,
    int flags, enum text_align align, enum role role);
int kit_para_h(struct ui *u, int w, const char *s, const char *lang, int size, int flags);
/* A target (r in left-to-right coordinates); its index, or -1 when full. */
int kit_target(struct ui *u, struct rect r, int id, int arg, int key, const char *name,
    const char *sayt, const char *say_lang);
/* The commands from index first on belong to target ti. */
void kit_own(struct ui *u, int first, int ti);
/* Pictogram p in the square box b (ui_picto.c). */
void kit_picto(struct ui *u, enum picto p, struct rect b, enum role ink, enum role paper);

/* ---- widgets (ui_widgets.c) ------------------------------------------------------ */

void kit_header(struct ui *u);
/* The bottom bar: the accessibility buttons (with_a11y), and the navigation
 * buttons kit_nav() queued on a very small screen. */
void kit_bar(struct ui *u, int with_a11y);
/* A button and its target; returns the target's index. */
int kit_button(struct ui *u, struct rect r, enum bstyle st, enum picto p, const char *label,
    const char *lang, int size, int id, int arg, int key, const char *name);
/* The screen's title at y, said aloud; returns the y below it. */
int kit_title(struct ui *u, const char *msgid, int y);
/* The number key n (1..9) of a card, at its end edge. */
void kit_badge(struct ui *u, struct rect card, int n);
/* Height the navigation row takes from the body (0 on a very small screen). */
int kit_nav_h(struct ui *u);
/* Where the content above the navigation row must end. */
int kit_bottom(struct ui *u);
/* The navigation row at the bottom of the body (the bar on a very small screen). */
void kit_nav(struct ui *u, const struct navbtn *b, int n);
struct grid kit_grid_plan(struct ui *u, struct rect a, int n, int min_cw, int ch, int pref_ch);
struct rect kit_grid_cell(struct ui *u, struct rect a, const struct grid *g, int k);
/* Page buttons in the middle of the navigation row (after kit_nav()). */
void kit_pager(struct ui *u, int pages);
/* One page button at (x, y), a target's size: the previous page, or the next. */
void kit_page_button(struct ui *u, int x, int y, int next);
/* Two big answer buttons from y, said aloud; keys: 1 gives them the number
 * keys 1 and 2, 0 none (a question a stray digit must not answer). */
void kit_yes_no(struct ui *u, int y, const char *yes_id, const char *no_id, int keys);

#endif
