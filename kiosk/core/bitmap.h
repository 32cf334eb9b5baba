/*
 * bitmap: our own image type, a plain grey-level pixel buffer.
 * The ticket is laid out once into a bitmap; the screen shows it and the
 * printer encodes it. No SDL type ever appears here. Pure core: libc only.
 */
#ifndef KIOSK_BITMAP_H
#define KIOSK_BITMAP_H

#include <stdint.h>

struct bitmap {
	int w;        /* width in pixels (printer dots for a ticket) */
	int h;        /* height in pixels */
	uint8_t *px;  /* w*h bytes, row-major: 0 = paper/background, 255 = full ink */
};

struct rect {
	int x, y, w, h; /* top-left corner and size, in pixels */
};

struct bitmap *bitmap_new(int w, int h);        /* all paper; NULL on overflow/OOM */
void bitmap_free(struct bitmap *b);             /* NULL is harmless */
void bitmap_fill(struct bitmap *b, struct rect r, uint8_t ink);   /* clipped */
/* Draw src onto dst at (x, y), keeping the darker pixel. Clipped. */
void bitmap_blit(struct bitmap *dst, const struct bitmap *src, int x, int y);
/* Grow or cut the height, keeping the top rows; new rows are paper. */
int bitmap_set_height(struct bitmap *b, int h);

#endif
