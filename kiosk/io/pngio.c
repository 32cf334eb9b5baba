/*
 * pngio: see pngio.h. Uses libpng's simplified png_image API.
 */
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "io/pngio.h"

int
png_write(const struct bitmap *b, const char *path, char *err, size_t errlen)
{
	png_image img;
	unsigned char *row;
	size_t i, n = (size_t)b->w * b->h;
	int ok;

	if ((row = malloc(n)) == NULL)
		return errf(err, errlen, "out of memory");
	for (i = 0; i < n; i++)
		row[i] = 255 - b->px[i];
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)b->w;
	img.height = (png_uint_32)b->h;
	img.format = PNG_FORMAT_GRAY;
	ok = png_image_write_to_file(&img, path, 0, row, 0, NULL);
	free(row);
	if (!ok)
		return errf(err, errlen, "%s: %s", path, img.message);
	return 0;
}

struct bitmap *
png_read(const char *path, char *err, size_t errlen)
{
	png_image img;
	struct bitmap *b;
	size_t i, n;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path)) {
		errf(err, errlen, "%s: %s", path, img.message);
		return NULL;
	}
	img.format = PNG_FORMAT_GRAY;
	if ((b = bitmap_new((int)img.width, (int)img.height)) == NULL) {
		png_image_free(&img);
		errf(err, errlen, "%s: image too large", path);
		return NULL;
	}
	if (!png_image_finish_read(&img, NULL, b->px, 0, NULL)) {
		errf(err, errlen, "%s: %s", path, img.message);
		bitmap_free(b);
		return NULL;
	}
	n = (size_t)b->w * b->h;
	for (i = 0; i < n; i++)
		b->px[i] = 255 - b->px[i];
	return b;
}
