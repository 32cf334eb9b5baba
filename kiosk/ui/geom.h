/*
 * geom: integer helpers and rectangles for the files of ui/ (the screens
 * and the painter). Header only, static inline; depends on nothing but
 * core/bitmap.h's struct rect. Nothing outside ui/ includes it.
 */
#ifndef KIOSK_UI_GEOM_H
#define KIOSK_UI_GEOM_H

#include "core/bitmap.h"

static inline int
imax(int a, int b)
{
	return a > b ? a : b;
}

static inline int
imin(int a, int b)
{
	return a < b ? a : b;
}

static inline int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static inline struct rect
mkrect(int x, int y, int w, int h)
{
	struct rect r;

	r.x = x;
	r.y = y;
	r.w = w;
	r.h = h;
	return r;
}

#endif
