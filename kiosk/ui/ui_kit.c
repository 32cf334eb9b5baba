/*
 * ui_kit: the kit's primitives (see kit.h): strings for the visitor, text
 * measured through a small cache, draw commands (boxes, triangles,
 * segments, text boxes, paragraphs) mirrored for right-to-left languages,
 * targets, and the lines speech reads for a screen.
 *
 * Text is measured through a cache (shaping a paragraph costs a fraction
 * of a millisecond; a screen measures about a hundred), so laying out a
 * screen costs a few milliseconds at most.
 *
 * Part of the pure ui core; must not depend on the screens (screens.h),
 * SDL, the clock or any I/O. Fonts are reached through text.h only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/kit.h"

const struct lang *
kit_lang(const struct ui *u)
{
	size_t n;
	const struct lang *l = i18n_langs(&n);
	return &l[u->lang_i >= 0 && (size_t)u->lang_i < n ? u->lang_i : 0];
}

/* Translation of msgid in the visitor's language; *lang gets the language
 * the returned text is really in (French when it fell back). */
const char *
kit_tr(const struct ui *u, const char *msgid, const char **lang)
{
	const struct lang *l = kit_lang(u);
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

/* The measure of s, cached: one line (width -1; w and h of the line), or
 * wrapped at width (h). */
static const struct mentry *
measure(struct ui *u, const char *s, const char *lang, int size, int flags, int width)
{
	uint64_t k;
	struct mentry *e;
	int w = 0, h = 0;

	size = qsize(size);
	k = mkey(s, lang, size, flags, width);
	e = &u->mcache[k % MCACHE_SIZE];
	if (e->key == k)
		return e;
	if (width < 0) {
		if (text_measure(u->fonts, size, text_flags(lang, flags), s, lang, &w, &h) < 0)
			w = size * (int)strlen(s); /* cannot happen with the fonts loaded; be safe */
	} else {
		w = width;
		h = text_wrap(u->fonts, NULL, 0, 0, width, size, text_flags(lang, flags),
		    TEXT_ALIGN_AUTO, s, lang);
		if (h < 0)
			h = size * 2;
	}
	e->key = k;
	e->w = w;
	e->h = h;
	return e;
}

/* Width of s on one line. */
int
kit_mwidth(struct ui *u, const char *s, const char *lang, int size, int flags)
{
	return measure(u, s, lang, size, flags, -1)->w;
}

/* Height of s wrapped at width. */
int
kit_mheight(struct ui *u, const char *s, const char *lang, int size, int flags, int width)
{
	return measure(u, s, lang, size, flags, width)->h;
}

int
kit_lineh(struct ui *u, int size)
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

struct rect
kit_mirror(const struct ui *u, struct rect r)
{
	if (u->rtl)
		r.x = u->w - r.x - r.w;
	return r;
}

struct ui_cmd *
kit_cmd(struct ui *u, enum ui_cmd_kind k)
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

/* A rectangle command: filled (line 0) or an outline line px wide. */
static void
rect_cmd(struct ui *u, struct rect r, struct ui_colour col, int radius, int line)
{
	struct ui_cmd *c = kit_cmd(u, UI_CMD_RECT);

	if (c) {
		c->r = kit_mirror(u, r);
		c->c = col;
		c->radius = radius;
		c->line = line;
	}
}

void
kit_fill(struct ui *u, struct rect r, enum role role, int radius)
{
	rect_cmd(u, r, kit_colour(u, role), radius, 0);
}

void
kit_fillc(struct ui *u, struct rect r, struct ui_colour col, int radius)
{
	rect_cmd(u, r, col, radius, 0);
}

void
kit_stroke(struct ui *u, struct rect r, enum role role, int radius, int line)
{
	rect_cmd(u, r, kit_colour(u, role), radius, imax(1, line));
}

void
kit_tri(struct ui *u, enum role role, int x0, int y0, int x1, int y1, int x2, int y2)
{
	struct ui_cmd *c = kit_cmd(u, UI_CMD_TRI);
	int i, minx, maxx, miny, maxy;

	if (c == NULL)
		return;
	c->c = kit_colour(u, role);
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

void
kit_seg(struct ui *u, enum role role, int width, int x0, int y0, int x1, int y1)
{
	struct ui_cmd *c = kit_cmd(u, UI_CMD_LINE);
	int hw = width / 2 + 1;

	if (c == NULL)
		return;
	c->c = kit_colour(u, role);
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
const char *
kit_keep(struct ui *u, const char *s)
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

const char *
kit_fmt(struct ui *u, const char *f, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, sizeof buf, f, ap);
	va_end(ap);
	return kit_keep(u, buf);
}

/* A format string that came from a catalogue (same conversions as the
 * msgid, checked by i18n at load time). */
const char *
kit_fmt_tr(struct ui *u, const char *f, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, f);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vsnprintf(buf, sizeof buf, f, ap);
#pragma GCC diagnostic pop
	va_end(ap);
	return kit_keep(u, buf);
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

/* A text command (size not yet rounded). */
static void
text_cmd(struct ui *u, struct rect r, const char *s, const char *lang, int size, int flags,
    enum text_align align, enum role role, int wrap)
{
	struct ui_cmd *c = kit_cmd(u, UI_CMD_TEXT);

	if (c == NULL)
		return;
	c->r = kit_mirror(u, r);
	c->c = kit_colour(u, role);
	c->text = s;
	c->lang = lang;
	c->size_px = qsize(size);
	c->flags = text_flags(lang, flags);
	c->align = mirror_align(u, align);
	c->wrap = wrap;
}

/* Append one line of speech. */
void
kit_say(struct ui *u, const char *lang, const char *s)
{
	if (s == NULL || *s == '\0')
		return;
	buf_printf(&u->say, "%s\t%s\n", lang, s);
	/* one line per entry: a '\n' inside s would start a bogus line */
}

/*
 * Emit text in box r (left-to-right coordinates), vertically centred.
 * It tries one line at `size`, shrinks down to the minimum, then wraps,
 * then shrinks the wrapped text until it fits r.h. Returns the height the
 * text takes.
 */
int
kit_textbox(struct ui *u, struct rect r, const char *s, const char *lang, int size, int flags,
    enum text_align align, enum role role)
{
	int sz = size, w, h = 0, wrap = 0, lh;

	if (s == NULL || *s == '\0' || r.w <= 0)
		return 0;
	for (;;) {
		w = kit_mwidth(u, s, lang, sz, flags);
		lh = kit_lineh(u, sz);
		if (w <= r.w && (lh <= r.h || sz <= u->m.fmin)) {
			h = lh;
			wrap = 0;
			break;
		}
		if (sz <= u->m.fmin || sz <= size * 3 / 4 + 1) {
			/* shrinking no longer helps: wrap, and shrink until it fits */
			int s2 = size;
			for (;;) {
				h = kit_mheight(u, s, lang, s2, flags, r.w);
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
	text_cmd(u, r, s, lang, sz, flags, align, role, wrap);
	return h;
}

/* A paragraph at the top of box (x, y, w): one line if it fits, else
 * wrapped at the same size (a paragraph wraps rather than shrinks).
 * Returns the height. */
int
kit_para(struct ui *u, int x, int y, int w, const char *s, const char *lang, int size, int flags,
    enum text_align align, enum role role)
{
	int h, wrap;

	if (s == NULL || *s == '\0' || w <= 0)
		return 0;
	size = qsize(size);
	wrap = kit_mwidth(u, s, lang, size, flags) > w;
	h = wrap ? kit_mheight(u, s, lang, size, flags, w) : kit_lineh(u, size);
	text_cmd(u, mkrect(x, y, w, h), s, lang, size, flags, align, role, wrap);
	return h;
}

/* Height kit_para() would use. */
int
kit_para_h(struct ui *u, int w, const char *s, const char *lang, int size, int flags)
{
	if (s == NULL || *s == '\0' || w <= 0)
		return 0;
	size = qsize(size);
	if (kit_mwidth(u, s, lang, size, flags) <= w)
		return kit_lineh(u, size);
	return kit_mheight(u, s, lang, size, flags, w);
}

int
kit_target(struct ui *u, struct rect r, int id, int arg, int key, const char *name,
    const char *sayt, const char *say_lang)
{
	struct ui_target *t;

	if (u->ntargets == MAX_TARGETS) {
		u->overflow = 1;
		return -1;
	}
	t = &u->targets[u->ntargets];
	t->r = kit_mirror(u, r);
	t->id = id;
	t->arg = arg;
	t->key = key;
	snprintf(t->name, sizeof t->name, "%s", name);
	t->say = sayt;
	t->say_lang = say_lang ? say_lang : "fr";
	return u->ntargets++;
}

/* The commands from index first on belong to target ti. */
void
kit_own(struct ui *u, int first, int ti)
{
	for (; first < u->ncmds; first++)
		u->cmds[first].target = ti;
}

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
