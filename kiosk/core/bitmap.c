/*
 * bitmap: see bitmap.h. Pure core, libc only.
 */
#include <stdlib.h>
#include <string.h>

#include "core/bitmap.h"

struct bitmap *
bitmap_new(int w, int h)
{
	struct bitmap *b;

	if (w <= 0 || h <= 0 || w > 16384 || h > 65536)
		return NULL;
	if ((b = calloc(1, sizeof *b)) == NULL)
		return NULL;
	if ((b->px = calloc((size_t)w * h, 1)) == NULL) {
		free(b);
		return NULL;
	}
	b->w = w;
	b->h = h;
	return b;
}

void
bitmap_free(struct bitmap *b)
{
	if (b == NULL)
		return;
	free(b->px);
	free(b);
}

void
bitmap_fill(struct bitmap *b, struct rect r, uint8_t ink)
{
	int x0 = r.x < 0 ? 0 : r.x, y0 = r.y < 0 ? 0 : r.y;
	int x1 = r.x + r.w > b->w ? b->w : r.x + r.w;
	int y1 = r.y + r.h > b->h ? b->h : r.y + r.h;
	int y;

	for (y = y0; y < y1 && x1 > x0; y++)
		memset(b->px + (size_t)y * b->w + x0, ink, (size_t)(x1 - x0));
}

void
bitmap_blit(struct bitmap *dst, const struct bitmap *src, int x, int y)
{
	int sx, sy;

	for (sy = 0; sy < src->h; sy++) {
		int dy = y + sy;
		if (dy < 0 || dy >= dst->h)
			continue;
		for (sx = 0; sx < src->w; sx++) {
			int dx = x + sx;
			uint8_t *d, s;
			if (dx < 0 || dx >= dst->w)
				continue;
			d = dst->px + (size_t)dy * dst->w + dx;
			s = src->px[(size_t)sy * src->w + sx];
			if (s > *d)
				*d = s;
		}
	}
}

int
bitmap_set_height(struct bitmap *b, int h)
{
	uint8_t *p;

	if (h <= 0 || h > 65536)
		return -1;
	if ((p = realloc(b->px, (size_t)b->w * h)) == NULL)
		return -1;
	if (h > b->h)
		memset(p + (size_t)b->w * b->h, 0, (size_t)b->w * (h - b->h));
	b->px = p;
	b->h = h;
	return 0;
}
