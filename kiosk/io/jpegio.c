/*
 * jpegio: see jpegio.h. libjpeg reports fatal errors through a callback
 * that must not return; we longjmp back to jpeg_read with the message.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "core/log.h"
#include "io/jpegio.h"

/* A phone photo is 12 to 50 Mpx; refuse more than 100 Mpx (100 MB of grey)
 * rather than let a crafted header ask for gigabytes. */
#define JPEG_MAX_PIXELS 100000000.0

/* libjpeg's error manager, extended with where to jump and the message. */
struct jerr {
	struct jpeg_error_mgr mgr;     /* libjpeg's own; first, so the cast works */
	jmp_buf jump;                  /* back to jpeg_read on a fatal error */
	char msg[JMSG_LENGTH_MAX];     /* libjpeg's message for it */
};

static void
on_error(j_common_ptr cinfo)
{
	struct jerr *e = (struct jerr *)cinfo->err;

	(*cinfo->err->format_message)(cinfo, e->msg);
	longjmp(e->jump, 1);
}

/* Warnings (a corrupt but readable stream) are not fatal: stay quiet. */
static void
on_message(j_common_ptr cinfo)
{
	(void)cinfo;
}

int
jpeg_sniff(const char *path)
{
	unsigned char m[3];
	FILE *f;
	int yes;

	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	yes = fread(m, 1, 3, f) == 3 && m[0] == 0xFF && m[1] == 0xD8 && m[2] == 0xFF;
	fclose(f);
	return yes;
}

struct bitmap *
jpeg_read(const char *path, char *err, size_t errlen)
{
	struct jpeg_decompress_struct ci;
	struct jerr je;
	/* volatile: changed between setjmp and a possible longjmp. */
	struct bitmap *volatile b = NULL;
	FILE *volatile f = NULL;
	JSAMPROW row;
	size_t i, n;

	if ((f = fopen(path, "rb")) == NULL) {
		errf(err, errlen, "%s: cannot open", path);
		return NULL;
	}
	memset(&ci, 0, sizeof ci);
	ci.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = on_error;
	je.mgr.output_message = on_message;
	if (setjmp(je.jump)) {
		errf(err, errlen, "%s: not a readable JPEG: %s", path, je.msg);
		jpeg_destroy_decompress(&ci);
		bitmap_free(b);
		fclose(f);
		return NULL;
	}
	jpeg_create_decompress(&ci);
	jpeg_stdio_src(&ci, f);
	jpeg_read_header(&ci, TRUE);
	ci.out_color_space = JCS_GRAYSCALE;  /* libjpeg converts YCbCr/RGB for us */
	jpeg_start_decompress(&ci);
	if (ci.output_components != 1 ||
	    (double)ci.output_width * ci.output_height > JPEG_MAX_PIXELS ||
	    (b = bitmap_new((int)ci.output_width, (int)ci.output_height)) == NULL) {
		errf(err, errlen, "%s: image too large or not convertible to grey", path);
		jpeg_destroy_decompress(&ci);
		fclose(f);
		return NULL;
	}
	while (ci.output_scanline < ci.output_height) {
		row = b->px + (size_t)ci.output_scanline * (size_t)b->w;
		jpeg_read_scanlines(&ci, &row, 1);
	}
	jpeg_finish_decompress(&ci);
	jpeg_destroy_decompress(&ci);
	fclose(f);
	n = (size_t)b->w * b->h;
	for (i = 0; i < n; i++)
		b->px[i] = (unsigned char)(255 - b->px[i]);
	return b;
}
