/*
 * jpegio: read a JPEG (a phone's photo of a slip) into a bitmap, with
 * libjpeg-turbo. Platform module: the only file that includes jpeglib.h.
 * Like pngio, ink is 255 and paper 0 in the bitmap.
 */
#ifndef KIOSK_JPEGIO_H
#define KIOSK_JPEGIO_H

#include <stddef.h>
#include "core/bitmap.h"

/* Any JPEG (grey, RGB, CMYK) is converted to grey; returns NULL and fills
 * err on failure (not a JPEG, truncated, too large). */
struct bitmap *jpeg_read(const char *path, char *err, size_t errlen);

/* 1 when the file starts like a JPEG (FF D8 FF), 0 otherwise or unreadable. */
int jpeg_sniff(const char *path);

#endif
