/*
 * text: shaped, bidirectional text drawn into our own bitmap.
 *
 * Platform module: the only file in the project that includes SDL_ttf and
 * FriBidi. Callers (ticket layout, kiosk screens) see only struct fonts,
 * struct bitmap and plain C strings; no SDL type leaks out.
 *
 * What it does with a UTF-8 string:
 *   1. FriBidi computes the embedding levels (mixed Arabic and "A042").
 *   2. The string is cut into runs of one font and one level; the font is
 *      chosen from the code points (Arabic block -> Noto Sans Arabic,
 *      Bengali, Tamil, Devanagari, Han/Kana/Hangul -> Noto Sans CJK SC,
 *      everything else -> Noto Sans). Spaces, digits and punctuation join
 *      the run around them when that font has the glyph.
 *   3. Each run is shaped by HarfBuzz through SDL_ttf, with its ISO 15924
 *      script ("Arab", "Beng", "Taml", "Hani", "Latn", "Cyrl") and its
 *      direction, and the runs are placed in visual order.
 *   4. The glyph coverage is copied into the 8-bit grey bitmap as ink
 *      (0 = paper, 255 = ink), keeping the darker pixel.
 *
 * Fonts come from Debian's fonts-noto-core and fonts-noto-cjk. A missing
 * font is an error from fonts_open naming the file and the package, so a
 * kiosk never prints a blank or boxed ticket.
 *
 * Memory: each font file is opened once per process and shared by every
 * struct fonts. A struct fonts keeps a few faces open per file (a FreeType
 * face costs about 0.2 MB, 2.5 MB for the CJK collection), each set to
 * one size; text at yet another size moves the least recently used face
 * of that file to it (TTF_SetFontSize) instead of opening one more. So
 * memory stops growing with the number of sizes drawn (fonts_faces_open).
 *
 * Threads:
 *   - fonts_open and fonts_free may be called from any thread, while
 *     other threads use their own struct fonts (fonts_free(f), of course,
 *     only once no other thread uses f).
 *   - Every other function taking a struct fonts (text_draw, text_wrap,
 *     text_measure, text_line_height, text_missing, fonts_error...) needs
 *     it used by one thread at a time: its faces, their glyph caches and
 *     its error string are not locked. Two threads may draw at the same
 *     time, each with its own struct fonts (the kiosk's UI thread and a
 *     worker). A struct fonts may move to another thread if the hand-over
 *     is synchronised (a mutex, a join).
 *   - What the struct fonts share is guarded inside text.c by one
 *     process-wide lock: SDL_ttf's single FreeType library (TTF_Init and
 *     TTF_Quit, counted: the first fonts_open starts it, the last
 *     fonts_free stops it), creating and destroying faces, and the open
 *     font files (read with pread: no shared offset). FreeType documents
 *     loading and rendering glyphs on distinct faces as needing no lock.
 *   - text_is_rtl is pure: any thread, any time.
 *   - Nothing else in the process may call SDL_ttf: the lock lives here.
 */
#ifndef KIOSK_TEXT_H
#define KIOSK_TEXT_H

#include <stddef.h>
#include "core/bitmap.h"

struct fonts; /* opaque: a few open Noto faces per file, each at one size */

/* flags for the drawing functions */
#define TEXT_BOLD 0x1 /* bold face of each script */
#define TEXT_RTL  0x2 /* force a right-to-left paragraph (else: first strong letter) */
#define TEXT_LTR  0x4 /* force a left-to-right paragraph */

/* horizontal alignment for text_wrap */
enum text_align {
	TEXT_ALIGN_AUTO = 0, /* right for a right-to-left paragraph, else left */
	TEXT_ALIGN_LEFT,
	TEXT_ALIGN_CENTRE,
	TEXT_ALIGN_RIGHT,
};

/*
 * Load every face the kiosk needs. fontdir NULL means Debian's places
 * (/usr/share/fonts/truetype/noto and /usr/share/fonts/opentype/noto);
 * otherwise every file is looked for in fontdir. The first struct fonts
 * of the process starts SDL_ttf (TTF_Init), the last one freed stops it.
 * Returns NULL and fills err ("missing font FILE: install the Debian
 * package fonts-noto-core") on failure.
 */
struct fonts *fonts_open(const char *fontdir, char *err, size_t errlen);
void fonts_free(struct fonts *f); /* NULL is harmless */

/* FreeType faces f holds open now, for tests and diagnostics: 12 after
 * fonts_open, never more than 52 (4 of them CJK) however many sizes are
 * drawn. */
int fonts_faces_open(const struct fonts *f);

/* The last drawing/measuring error, for messages ("" when none). */
const char *fonts_error(const struct fonts *f);

/*
 * Draw one line (no wrapping; a '\n' is drawn as nothing special) with
 * its top-left corner at (x, y). The line box is text_line_height() high;
 * glyphs are clipped to dst. size_px is the font size in pixels (em).
 * lang ("fr", "ar", "zh", ... or NULL) is a hint: it sets the paragraph
 * direction for right-to-left languages when flags do not, and it picks
 * the CJK face. Returns the width drawn in pixels, or -1 on error.
 * dst may be NULL: then nothing is drawn and the width is returned.
 */
int text_draw(struct fonts *f, struct bitmap *dst, int x, int y, int size_px,
    int flags, const char *utf8, const char *lang);

/* Size of the line text_draw would draw: the advance width and the height
 * of its line box (the tallest face in it). 0 or -1 (error). w, h: OUT. */
int text_measure(struct fonts *f, int size_px, int flags, const char *utf8,
    const char *lang, int *w, int *h);

/* Height of a line box that fits text in any script at this size (the
 * tallest ascent plus the deepest descent of all faces); a line of Latin
 * text alone is shorter (text_measure). -1 on error. */
int text_line_height(struct fonts *f, int size_px, int flags);

/*
 * Lay a paragraph into a box max_w pixels wide with its top at (x, y):
 * breaks at spaces (and between Han characters), breaks a word that alone
 * is too wide, honours '\n'. Each line is drawn with the paragraph's
 * direction. dst may be NULL to only measure. Returns the height used in
 * pixels (a multiple of the line height), or -1 on error.
 */
int text_wrap(struct fonts *f, struct bitmap *dst, int x, int y, int max_w,
    int size_px, int flags, enum text_align align, const char *utf8,
    const char *lang);

/*
 * Code points of utf8 that no loaded face can draw (they would show as
 * empty boxes). 0 means the whole string renders; *first (OUT, may be
 * NULL) gets the first missing code point. Control characters and format
 * controls (ZWJ, ZWNJ, variation selectors) are not counted. Use it to check every
 * translated string once, at start-up or in a test.
 */
int text_missing(struct fonts *f, const char *utf8, unsigned long *first);

/* 1 if a paragraph in this text/language reads right to left, else 0:
 * lang "ar", "fa", "prs", "ps", "ur", "he" decide; otherwise the first
 * strong letter of utf8 does. Either argument may be NULL. The kiosk UI
 * uses it to mirror a screen. */
int text_is_rtl(const char *utf8, const char *lang);

#endif
