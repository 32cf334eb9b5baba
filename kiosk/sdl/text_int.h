/*
 * text_int: what the two halves of the text module share, and nothing
 * else includes. fonts.c owns the font files and the faces (opening,
 * sizes, metrics, the process-wide lock); text.c lays out and draws lines
 * with them (scripts, bidi, shaping, wrapping). The interface is
 * core/text.h; this header is private to sdl/fonts.c and sdl/text.c.
 */
#ifndef KIOSK_SDL_TEXT_INT_H
#define KIOSK_SDL_TEXT_INT_H

#include <SDL_ttf.h>

/* The font files: one face family per writing system. */
enum face { F_SANS, F_ARABIC, F_BENGALI, F_TAMIL, F_DEVA, F_CJK, F_NFACES };

#define KEEP_MAX    8     /* most faces a family keeps open (face_spec.keep) */
#define SIZE_MIN    4     /* smallest text size in pixels */
#define SIZE_MAX_PX 1000  /* largest */

struct fontfile; /* fonts.c: a font file opened once per process */

/* One file at one weight: up to face_spec.keep open faces, each at a size. */
struct family {
	struct fontfile *file;          /* the open file (one reference) */
	TTF_Font *font[KEEP_MAX];       /* open faces; font[0] answers glyph coverage */
	int size[KEEP_MAX];             /* pixel size each face is set to; -1 = none */
	unsigned long used[KEEP_MAX];   /* last use tick, for LRU */
	int n;                          /* faces open, 0..keep; they close in fonts_free only */
};

struct fonts {
	struct family fam[F_NFACES][2]; /* [face][bold] */
	int ttf;                        /* 1 = counted in the users of SDL_ttf */
	unsigned long tick;             /* LRU clock */
	char err[256];                  /* last error, for fonts_error() */
};

/*
 * The face of a file and weight at a pixel size (see fonts.c); NULL with
 * f->err filled. The next call for the same family at another size may
 * move the face returned to that size.
 */
TTF_Font *fonts_face(struct fonts *f, enum face face, int bold, int size);
/* Pixel size to open a face at for text of size px (Latin em). */
int fonts_face_px(enum face face, int size);
/* Layout box of a face at a size (already scaled by fonts_face_px), in
 * pixels. font may be NULL for a face with its own box. */
void fonts_face_box(TTF_Font *font, enum face face, int size, int *asc, int *desc);

#endif
