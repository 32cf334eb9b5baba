/*
 * pngio: read and write a bitmap as an 8-bit grey PNG (libpng's simplified
 * API). Platform module: the only file that includes png.h from libpng.
 * On disk, paper is white (255) and ink is black (0), as people expect.
 */
#ifndef KIOSK_PNGIO_H
#define KIOSK_PNGIO_H

#include <stddef.h>
#include "core/bitmap.h"

int png_write(const struct bitmap *b, const char *path, char *err, size_t errlen);
/* Any PNG is converted to grey; returns NULL and fills err on failure. */
struct bitmap *png_read(const char *path, char *err, size_t errlen);

#endif
