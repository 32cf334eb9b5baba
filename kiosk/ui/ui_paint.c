/*
 * ui_paint: the kiosk's software painter (see ui.h). Pure core: it turns
 * a frame of draw commands into 32-bit pixels in a plain buffer, with
 * anti-aliased rounded rectangles, triangles and thick lines, text from
 * text.h coloured with its grey coverage, and the slip bitmap scaled by
 * area averaging. touch.c uploads the buffer to the screen; tests and
 * screenshots use the same pixels, so what is tested is what is shown.
 *
 * Why software and not SDL_Renderer: the same pixels on every machine
 * (screenshots and tests are exact), anti-aliased shapes without OpenGL,
 * and a fanless kiosk with no GPU driver still draws a full 1920x1080 frame
 * in a few milliseconds. Only what changed is repainted: the painter keeps
 * a hash of every command of the last frame, and repaints the union of the
 * boxes of commands that appeared or disappeared.
 *
 * Caches: shaped text is kept as coverage bitmaps (least recently used
 * first out, within a byte budget); the slip is kept scaled to its box.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "ui/geom.h"
#include "ui/ui.h"

/* One cached text rendering. */
struct tentry {
	uint64_t key;        /* hash of everything that decides the pixels; 0 = free */
	struct bitmap *bm;   /* coverage, with padding around the text */
	int pad;             /* padding on every side, px */
	int tw, th;          /* text extent inside the padding */
	unsigned long used;  /* LRU clock */
};

#define TCACHE 512

/* A command of a painted frame: its hash and the pixels it touched. */
struct seen {
	uint64_t h;     /* cmd_hash() */
	struct rect r;  /* cmd_extent() */
};

struct ui_painter {
	struct fonts *fonts;       /* the UI thread's fonts */
	size_t budget;             /* bytes of text bitmaps allowed */
	size_t bytes;              /* bytes held */
	struct tentry text[TCACHE];/* text cache, open addressing */
	unsigned long tick;        /* LRU clock */
	struct seen *last;         /* the last frame's commands, sorted by hash */
	int nlast;                 /* entries */
	int last_w, last_h;        /* size of the last frame */
	int have_last;             /* a frame was painted */
	int lh[512];               /* line height by size, 0 = not known */
	/* the slip, scaled */
	uint64_t slip_key;         /* hash of the source and the box */
	struct bitmap *slip;       /* scaled grey bitmap */
};

/* ---- hashing ---------------------------------------------------------------- */

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ULL;
	return h;
}

static uint64_t
fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static uint64_t
bitmap_hash(const struct bitmap *b)
{
	uint64_t h = 1469598103934665603ULL;
	size_t n = (size_t)b->w * b->h, i;
	const uint8_t *p = b->px;

	h = fnv(h, &b->w, sizeof b->w);
	h = fnv(h, &b->h, sizeof b->h);
	/* every byte counts: two tickets differ in a few QR modules */
	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		h = (h ^ v) * 1099511628211ULL;
	}
	return fnv(h, p + i, n - i);
}

static uint64_t
cmd_hash(const struct ui_cmd *c)
{
	uint64_t h = 1469598103934665603ULL;

	h = fnv(h, &c->kind, sizeof c->kind);
	h = fnv(h, &c->r, sizeof c->r);
	h = fnv(h, &c->c, sizeof c->c);
	h = fnv(h, &c->radius, sizeof c->radius);
	h = fnv(h, &c->line, sizeof c->line);
	h = fnv(h, c->pt, sizeof c->pt);
	if (c->kind == UI_CMD_TEXT) {
		h = fnv_str(h, c->text);
		h = fnv_str(h, c->lang);
		h = fnv(h, &c->size_px, sizeof c->size_px);
		h = fnv(h, &c->flags, sizeof c->flags);
		h = fnv(h, &c->align, sizeof c->align);
		h = fnv(h, &c->wrap, sizeof c->wrap);
	}
	if (c->kind == UI_CMD_BITMAP && c->bm) {
		uint64_t b = bitmap_hash(c->bm);
		h = fnv(h, &b, sizeof b);
	}
	return h ? h : 1;
}

/* ---- rectangles ---------------------------------------------------------------- */

static struct rect
rect_and(struct rect a, struct rect b)
{
	struct rect r;
	int x1 = imin(a.x + a.w, b.x + b.w), y1 = imin(a.y + a.h, b.y + b.h);

	r.x = imax(a.x, b.x);
	r.y = imax(a.y, b.y);
	r.w = imax(0, x1 - r.x);
	r.h = imax(0, y1 - r.y);
	return r;
}

static struct rect
rect_or(struct rect a, struct rect b)
{
	struct rect r;

	if (a.w <= 0 || a.h <= 0)
		return b;
	if (b.w <= 0 || b.h <= 0)
		return a;
	r.x = imin(a.x, b.x);
	r.y = imin(a.y, b.y);
	r.w = imax(a.x + a.w, b.x + b.w) - r.x;
	r.h = imax(a.y + a.h, b.y + b.h) - r.y;
	return r;
}

/* The pixels a command may touch (text overhangs its box a little). */
static struct rect
cmd_extent(const struct ui_cmd *c)
{
	struct rect r = c->r;
	int m = 2;

	if (c->kind == UI_CMD_TEXT)
		m = c->size_px / 2 + 2;
	else if (c->kind == UI_CMD_FOCUS || c->kind == UI_CMD_LINE)
		m = c->line + 2;
	r.x -= m;
	r.y -= m;
	r.w += 2 * m;
	r.h += 2 * m;
	return r;
}

/* ---- pixels -------------------------------------------------------------------- */

static inline void
blend(uint32_t *px, struct ui_colour c, int cov)
{
	uint32_t d = *px;
	int a = c.a * cov / 255, ia;
	int r, g, b;

	if (a <= 0)
		return;
	if (a >= 255) {
		*px = 0xff000000u | (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
		return;
	}
	ia = 255 - a;
	r = (c.r * a + (int)((d >> 16) & 0xff) * ia + 127) / 255;
	g = (c.g * a + (int)((d >> 8) & 0xff) * ia + 127) / 255;
	b = (c.b * a + (int)(d & 0xff) * ia + 127) / 255;
	*px = 0xff000000u | (uint32_t)r << 16 | (uint32_t)g << 8 | (uint32_t)b;
}

static void
span(struct ui_canvas *cv, int y, int x0, int x1, struct ui_colour c)
{
	uint32_t *row = cv->px + (size_t)y * cv->pitch;
	int x;

	if (c.a == 255) {
		uint32_t v = 0xff000000u | (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
		for (x = x0; x < x1; x++)
			row[x] = v;
	} else {
		for (x = x0; x < x1; x++)
			blend(&row[x], c, 255);
	}
}

/* Coverage (0..1) of pixel (x, y) by a rounded box r with radius rad. */
static float
rrect_cov(struct rect r, float rad, int x, int y)
{
	float px = x + 0.5f, py = y + 0.5f, cx, cy, dx, dy, d;

	if (rad <= 0.5f)
		return (px >= r.x && px < r.x + r.w && py >= r.y && py < r.y + r.h) ? 1.0f : 0.0f;
	cx = px < r.x + rad ? r.x + rad : px > r.x + r.w - rad ? r.x + r.w - rad : px;
	cy = py < r.y + rad ? r.y + rad : py > r.y + r.h - rad ? r.y + r.h - rad : py;
	dx = px - cx;
	dy = py - cy;
	if (dx == 0 && dy == 0) {
		/* inside the straight part: distance to the nearest edge */
		d = fminf(fminf(px - r.x, r.x + r.w - px), fminf(py - r.y, r.y + r.h - py));
		return d >= 0.5f ? 1.0f : d + 0.5f;
	}
	d = sqrtf(dx * dx + dy * dy) - rad;
	return d <= -0.5f ? 1.0f : d >= 0.5f ? 0.0f : 0.5f - d;
}

static void
paint_rect(struct ui_canvas *cv, const struct ui_cmd *c, struct rect clip)
{
	struct rect r = c->r, a = rect_and(r, clip), in = r;
	int rad = imin(c->radius, imin(r.w, r.h) / 2), y, x, line = c->line;
	int band = line ? imax(rad, line) : rad;
	float irad = (float)imax(0, rad - line);

	if (a.w <= 0 || a.h <= 0)
		return;
	in.x += line, in.y += line, in.w -= 2 * line, in.h -= 2 * line;
	for (y = a.y; y < a.y + a.h; y++) {
		uint32_t *row = cv->px + (size_t)y * cv->pitch;
		int in_band = y < r.y + band || y >= r.y + r.h - band;
		int edge_row = y < r.y + line || y >= r.y + r.h - line; /* outline: a full row */
		int x0, x1;
		if (!in_band || rad == 0) {
			if (!line || edge_row) {
				span(cv, y, a.x, a.x + a.w, c->c);
				continue;
			}
			/* outline: the left and right strips */
			x0 = imax(a.x, r.x), x1 = imin(a.x + a.w, r.x + line);
			if (x1 > x0)
				span(cv, y, x0, x1, c->c);
			x0 = imax(a.x, r.x + r.w - line), x1 = imin(a.x + a.w, r.x + r.w);
			if (x1 > x0)
				span(cv, y, x0, x1, c->c);
			continue;
		}
		/* a row through the corners: per pixel only inside the corner squares */
		for (x = a.x; x < a.x + a.w; x++) {
			float v;
			if (x >= r.x + rad && x < r.x + r.w - rad) {
				/* between the corners: straight edges */
				if (!line || edge_row)
					blend(&row[x], c->c, 255);
				else if (x + 1 < r.x + r.w - rad) /* skip the hollow middle */
					x = imin(a.x + a.w, r.x + r.w - rad) - 1;
				continue;
			}
			v = rrect_cov(r, (float)rad, x, y);
			if (line && v > 0.0f && in.w > 0 && in.h > 0)
				v -= rrect_cov(in, irad, x, y);
			if (v > 0.0f)
				blend(&row[x], c->c, (int)(v * 255.0f + 0.5f));
		}
	}
}

static void
paint_tri(struct ui_canvas *cv, const struct ui_cmd *c, struct rect clip)
{
	struct rect a = rect_and(c->r, clip);
	float x0 = (float)c->pt[0], y0 = (float)c->pt[1], x1 = (float)c->pt[2];
	float y1 = (float)c->pt[3], x2 = (float)c->pt[4], y2 = (float)c->pt[5];
	float area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
	float ex[3], ey[3], ec[3];
	int i, x, y;

	if (a.w <= 0 || a.h <= 0 || fabsf(area) < 0.5f)
		return;
	if (area < 0) { /* make the winding counter-clockwise in screen terms */
		float t = x1; x1 = x2; x2 = t;
		t = y1; y1 = y2; y2 = t;
	}
	/* edge i: signed distance a*x + b*y + c, positive inside */
	{
		float px[3] = { x0, x1, x2 }, py[3] = { y0, y1, y2 };
		for (i = 0; i < 3; i++) {
			int j = (i + 1) % 3;
			float dx = px[j] - px[i], dy = py[j] - py[i], len = sqrtf(dx * dx + dy * dy);
			ex[i] = -dy / len;
			ey[i] = dx / len;
			ec[i] = -(ex[i] * px[i] + ey[i] * py[i]);
		}
	}
	for (y = a.y; y < a.y + a.h; y++) {
		for (x = a.x; x < a.x + a.w; x++) {
			float px = x + 0.5f, py = y + 0.5f, d = 1e9f;
			for (i = 0; i < 3; i++)
				d = fminf(d, ex[i] * px + ey[i] * py + ec[i]);
			if (d > -0.5f)
				blend(&cv->px[(size_t)y * cv->pitch + x], c->c,
				    d >= 0.5f ? 255 : (int)((d + 0.5f) * 255.0f));
		}
	}
}

static void
paint_line(struct ui_canvas *cv, const struct ui_cmd *c, struct rect clip)
{
	struct rect a = rect_and(c->r, clip);
	float x0 = (float)c->pt[0], y0 = (float)c->pt[1], x1 = (float)c->pt[2], y1 = (float)c->pt[3];
	float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy, hw = c->line / 2.0f;
	int x, y;

	if (a.w <= 0 || a.h <= 0)
		return;
	for (y = a.y; y < a.y + a.h; y++) {
		for (x = a.x; x < a.x + a.w; x++) {
			float px = x + 0.5f - x0, py = y + 0.5f - y0, t, qx, qy, d;
			t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
			t = t < 0 ? 0 : t > 1 ? 1 : t;
			qx = px - t * dx;
			qy = py - t * dy;
			d = sqrtf(qx * qx + qy * qy) - hw;
			if (d < 0.5f)
				blend(&cv->px[(size_t)y * cv->pitch + x], c->c,
				    d <= -0.5f ? 255 : (int)((0.5f - d) * 255.0f));
		}
	}
}

/* ---- text ------------------------------------------------------------------ */

static void
tentry_drop(struct ui_painter *p, struct tentry *e)
{
	if (e->bm) {
		p->bytes -= (size_t)e->bm->w * e->bm->h;
		bitmap_free(e->bm);
	}
	memset(e, 0, sizeof *e);
}

/* Make room for `need` more bytes (dropping the least recently used). */
static void
tcache_trim(struct ui_painter *p, size_t need)
{
	while (p->bytes + need > p->budget) {
		struct tentry *old = NULL;
		int i;
		for (i = 0; i < TCACHE; i++)
			if (p->text[i].key && (old == NULL || p->text[i].used < old->used))
				old = &p->text[i];
		if (old == NULL)
			break;
		tentry_drop(p, old);
	}
}

static struct tentry *
text_get(struct ui_painter *p, const struct ui_cmd *c)
{
	uint64_t k = 1469598103934665603ULL;
	struct tentry *e;
	int i, slot = -1, pad, w = 0, h = 0, lh;

	k = fnv_str(k, c->text);
	k = fnv_str(k, c->lang);
	k = fnv(k, &c->size_px, sizeof c->size_px);
	k = fnv(k, &c->flags, sizeof c->flags);
	k = fnv(k, &c->wrap, sizeof c->wrap);
	if (c->wrap) {
		k = fnv(k, &c->align, sizeof c->align);
		k = fnv(k, &c->r.w, sizeof c->r.w);
	}
	k = k ? k : 1;
	for (i = 0; i < 8; i++) { /* short probe sequence */
		e = &p->text[(k + (uint64_t)i) % TCACHE];
		if (e->key == k) {
			e->used = ++p->tick;
			return e;
		}
		if (slot < 0 && e->key == 0)
			slot = (int)((k + (uint64_t)i) % TCACHE);
	}
	if (slot < 0) {
		/* all probed slots taken: evict the oldest of them */
		unsigned long best = ~0UL;
		for (i = 0; i < 8; i++) {
			e = &p->text[(k + (uint64_t)i) % TCACHE];
			if (e->used < best) {
				best = e->used;
				slot = (int)((k + (uint64_t)i) % TCACHE);
			}
		}
		tentry_drop(p, &p->text[slot]);
	}
	e = &p->text[slot];
	pad = c->size_px / 2 + 2;
	/* the line box of regular and bold alike, as ui.c lays lines out */
	if (c->size_px > 0 && c->size_px < 512 && p->lh[c->size_px] > 0) {
		lh = p->lh[c->size_px];
	} else {
		lh = ui_line_height(p->fonts, c->size_px);
		if (c->size_px > 0 && c->size_px < 512)
			p->lh[c->size_px] = lh;
	}
	if (c->wrap) {
		w = c->r.w;
		h = text_wrap(p->fonts, NULL, 0, 0, w, c->size_px, c->flags, c->align, c->text, c->lang);
	} else if (text_measure(p->fonts, c->size_px, c->flags, c->text, c->lang, &w, &h) == 0) {
		h = lh > h ? lh : h;
	} else {
		h = -1;
	}
	if (h < 0 || w < 0)
		return NULL;
	tcache_trim(p, (size_t)(w + 2 * pad) * (h + 2 * pad));
	if ((e->bm = bitmap_new(imax(1, w + 2 * pad), imax(1, h + 2 * pad))) == NULL)
		return NULL;
	if (c->wrap)
		text_wrap(p->fonts, e->bm, pad, pad, w, c->size_px, c->flags, c->align, c->text, c->lang);
	else
		text_draw(p->fonts, e->bm, pad, pad, c->size_px, c->flags, c->text, c->lang);
	e->key = k;
	e->pad = pad;
	e->tw = w;
	e->th = h;
	e->used = ++p->tick;
	p->bytes += (size_t)e->bm->w * e->bm->h;
	return e;
}

static int
paint_text(struct ui_painter *p, struct ui_canvas *cv, const struct ui_cmd *c, struct rect clip)
{
	struct tentry *e;
	int x, y, ox, oy, bx, by;
	struct rect lim, a;
	enum text_align al = c->align;

	if (c->text == NULL || c->text[0] == '\0')
		return 0;
	if ((e = text_get(p, c)) == NULL)
		return -1;
	if (al == TEXT_ALIGN_AUTO)
		al = (c->flags & TEXT_RTL) ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT;
	ox = c->r.x;
	if (!c->wrap) {
		if (al == TEXT_ALIGN_RIGHT)
			ox = c->r.x + c->r.w - e->tw;
		else if (al == TEXT_ALIGN_CENTRE)
			ox = c->r.x + (c->r.w - e->tw) / 2;
	}
	oy = c->r.y + (c->r.h - e->th) / 2;
	if (c->wrap && oy < c->r.y)
		oy = c->r.y;
	/* the glyphs may overhang their box a little, never into a neighbour */
	lim = c->r;
	lim.x -= c->size_px / 4;
	lim.w += c->size_px / 2;
	lim.y -= c->size_px / 2;
	lim.h += c->size_px;
	a = rect_and(rect_and(lim, clip), (struct rect){ ox - e->pad, oy - e->pad, e->bm->w, e->bm->h });
	for (y = a.y; y < a.y + a.h; y++) {
		by = y - (oy - e->pad);
		for (x = a.x; x < a.x + a.w; x++) {
			uint8_t v;
			bx = x - (ox - e->pad);
			v = e->bm->px[(size_t)by * e->bm->w + bx];
			if (v)
				blend(&cv->px[(size_t)y * cv->pitch + x], c->c, v);
		}
	}
	return 0;
}

/* ---- the slip ----------------------------------------------------------------- */

/* Scale src into w x h by area averaging (the slip is only ever shrunk on
 * screen; a larger box repeats pixels). */
static struct bitmap *
scale(const struct bitmap *src, int w, int h)
{
	struct bitmap *d = bitmap_new(w, h);
	int x, y;

	if (d == NULL)
		return NULL;
	for (y = 0; y < h; y++) {
		int sy0 = (int)((long)y * src->h / h), sy1 = (int)((long)(y + 1) * src->h / h);
		if (sy1 <= sy0)
			sy1 = sy0 + 1;
		for (x = 0; x < w; x++) {
			int sx0 = (int)((long)x * src->w / w), sx1 = (int)((long)(x + 1) * src->w / w);
			long sum = 0;
			int i, j;
			if (sx1 <= sx0)
				sx1 = sx0 + 1;
			for (j = sy0; j < sy1 && j < src->h; j++)
				for (i = sx0; i < sx1 && i < src->w; i++)
					sum += src->px[(size_t)j * src->w + i];
			d->px[(size_t)y * w + x] = (uint8_t)(sum / ((long)(sx1 - sx0) * (sy1 - sy0)));
		}
	}
	return d;
}

static void
paint_bitmap(struct ui_painter *p, struct ui_canvas *cv, const struct ui_cmd *c, struct rect clip)
{
	struct rect a = rect_and(c->r, clip);
	uint64_t k;
	int x, y;
	if (c->bm == NULL || a.w <= 0 || a.h <= 0 || c->r.w <= 0 || c->r.h <= 0)
		return;
	k = bitmap_hash(c->bm);
	k = fnv(k, &c->r.w, sizeof c->r.w);
	k = fnv(k, &c->r.h, sizeof c->r.h);
	if (p->slip == NULL || p->slip_key != k) {
		bitmap_free(p->slip);
		p->slip = scale(c->bm, c->r.w, c->r.h);
		p->slip_key = k;
		if (p->slip == NULL)
			return;
	}
	for (y = a.y; y < a.y + a.h; y++)
		for (x = a.x; x < a.x + a.w; x++) {
			uint32_t *px = &cv->px[(size_t)y * cv->pitch + x];
			*px = 0xff000000u | 0xffffffu;
			blend(px, c->c, p->slip->px[(size_t)(y - c->r.y) * c->r.w + (x - c->r.x)]);
		}
}

/* ---- frames -------------------------------------------------------------------- */

static int
cmp_seen(const void *a, const void *b)
{
	uint64_t x = ((const struct seen *)a)->h, y = ((const struct seen *)b)->h;
	return x < y ? -1 : x > y;
}

static int
has_hash(const struct seen *v, int n, uint64_t h)
{
	int lo = 0, hi = n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (v[mid].h == h)
			return 1;
		if (v[mid].h < h)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

struct ui_painter *
ui_painter_new(struct fonts *fonts, size_t cache_bytes)
{
	struct ui_painter *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	p->fonts = fonts;
	p->budget = cache_bytes ? cache_bytes : 8u << 20;
	return p;
}

void
ui_painter_free(struct ui_painter *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < TCACHE; i++)
		tentry_drop(p, &p->text[i]);
	bitmap_free(p->slip);
	free(p->last);
	free(p);
}

int
ui_paint(struct ui_painter *p, const struct ui_frame *f, struct ui_canvas *cv, int full,
    struct rect *dirty)
{
	struct seen *cur = NULL;
	struct rect clip = { 0, 0, 0, 0 }, all = { 0, 0, cv->w, cv->h };
	int i, rc = 0, n = f->ncmds;

	if (n > 0 && (cur = malloc((size_t)n * sizeof *cur)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		cur[i].h = cmd_hash(&f->cmds[i]);
		cur[i].r = cmd_extent(&f->cmds[i]);
	}
	if (full || !p->have_last || p->last_w != f->w || p->last_h != f->h) {
		clip = all;
	} else {
		/* commands that appeared... */
		for (i = 0; i < n; i++)
			if (!has_hash(p->last, p->nlast, cur[i].h))
				clip = rect_or(clip, cur[i].r);
	}
	if (n > 1)
		qsort(cur, (size_t)n, sizeof *cur, cmp_seen);
	if (!(full || !p->have_last || p->last_w != f->w || p->last_h != f->h)) {
		/* ...and commands that went away */
		for (i = 0; i < p->nlast; i++)
			if (!has_hash(cur, n, p->last[i].h))
				clip = rect_or(clip, p->last[i].r);
	}
	clip = rect_and(clip, all);
	if (clip.w > 0 && clip.h > 0) {
		int y;
		for (y = clip.y; y < clip.y + clip.h; y++)
			span(cv, y, clip.x, clip.x + clip.w, f->bg);
		for (i = 0; i < n; i++) {
			const struct ui_cmd *c = &f->cmds[i];
			struct rect e = rect_and(cmd_extent(c), clip);
			if (e.w <= 0 || e.h <= 0)
				continue;
			switch (c->kind) {
			case UI_CMD_RECT:
			case UI_CMD_FOCUS: {
				struct ui_cmd r = *c;
				if (c->kind == UI_CMD_FOCUS && r.line == 0)
					r.line = 3;
				paint_rect(cv, &r, clip);
				break;
			}
			case UI_CMD_TEXT:
				if (paint_text(p, cv, c, clip) < 0)
					rc = -1;
				break;
			case UI_CMD_BITMAP:
				paint_bitmap(p, cv, c, clip);
				break;
			case UI_CMD_TRI:
				paint_tri(cv, c, clip);
				break;
			case UI_CMD_LINE:
				paint_line(cv, c, clip);
				break;
			}
		}
	}
	free(p->last);
	p->last = cur;
	p->nlast = n;
	p->have_last = 1;
	p->last_w = f->w;
	p->last_h = f->h;
	if (dirty)
		*dirty = clip;
	return rc;
}

/* ---- contrast --------------------------------------------------------------- */

static double
lin(uint8_t v)
{
	double c = v / 255.0;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double
ui_contrast(struct ui_colour a, struct ui_colour b)
{
	double la = 0.2126 * lin(a.r) + 0.7152 * lin(a.g) + 0.0722 * lin(a.b);
	double lb = 0.2126 * lin(b.r) + 0.7152 * lin(b.g) + 0.0722 * lin(b.b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}
