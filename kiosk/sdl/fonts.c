/*
 * fonts: the font files and faces of the text module (see text.h; text.c
 * lays out and draws lines with them). Platform module: SDL_ttf only.
 *
 * Vertical metrics: every face has a "layout box" (ascent, descent) in em.
 * For most faces it is the font's own; Noto Sans Arabic and Noto Sans CJK
 * declare very tall boxes (1.38 + 0.73 em for Arabic) that would space
 * Arabic lines half as far again as Latin ones, so we use boxes measured
 * from real text instead. Glyphs that overhang the box are still drawn
 * (only the bitmap clips), a line's baselines stay aligned across scripts.
 *
 * Faces and memory: an SDL_ttf face is a FreeType face plus a HarfBuzz
 * font, and costs what they parse and copy out of the file: about 0.2 MB
 * for a TrueType Noto, 2.5 MB for a face of the CJK collection. SDL_ttf
 * reads a file through a read callback even when the file is in memory,
 * so a face opened from memory costs the same as one opened by name (we
 * measured it): holding the file's bytes once saves nothing per size.
 * What saves is fewer faces. Each (file, weight) keeps up to `keep` faces
 * open, each at one size; a new size takes the least recently used one
 * and TTF_SetFontSize moves it (a few microseconds, and its glyph cache
 * is emptied). The sizes a slip or a screen uses over and over keep their
 * own face and cached glyphs; a CJK file keeps only two.
 *
 * Each file is opened once per process (struct fontfile) and every face
 * of it reads it with pread() through that one descriptor (struct
 * fileread): no descriptor and stdio buffer per face, no seek + read pair
 * per access, and two threads never share a file offset. Why not mmap
 * the files: a glyph load would be a memcpy, yet a slip rendered only
 * about 3 % faster (bench/ticket_render) and screens no faster we could
 * measure (bench/touch.sh); every page FreeType touches would count in
 * the process's RSS (12 MB more on the kiosk's benchmark, pages the page
 * cache holds anyway); and a font file rewritten in place under a
 * running kiosk (cp over a custom --fonts directory) would kill it with
 * SIGBUS, where a short read is at worst a text error.
 *
 * Threads (see text.h): SDL_ttf has one FreeType library per process.
 * FreeType lets threads share it if faces are created and destroyed under
 * one lock; loading and rendering glyphs on distinct faces needs none.
 * So ttf_lock guards TTF_Init/TTF_Quit (counted in ttf_users),
 * TTF_OpenFont*, TTF_CloseFont and the list of open files, and nothing
 * else: each struct fonts has its own faces, never shared, and resizes
 * them without the lock. SDL's error string (TTF_GetError) is per thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "core/log.h"
#include "core/text.h"
#include "sdl/text_int.h"

static const struct face_spec {
	const char *file[2];   /* regular, bold file name */
	const char *dir;       /* Debian directory, used when fontdir is NULL */
	long index;            /* face index inside a .ttc collection */
	const char *package;   /* Debian package that ships the file */
	double asc, desc;      /* layout box in em; 0 = the font's own metrics */
	double scale;          /* size relative to Latin so scripts look alike; 0 = 1 */
	int keep;              /* faces kept open per weight, each at one size */
} face_specs[F_NFACES] = {
	/* keep: a slip uses 3 sizes of Noto Sans Bold and 2 of Arabic Bold,
	 * plus the 16 px face opened at start-up; a screen uses more sizes of
	 * Noto Sans than of the others. A CJK face costs ten times a TrueType
	 * one, so that file keeps two and resizes. */
	[F_SANS]    = { { "NotoSans-Regular.ttf", "NotoSans-Bold.ttf" },
	    "/usr/share/fonts/truetype/noto", 0, "fonts-noto-core", 0, 0, 0, .keep = 8 },
	[F_ARABIC]  = { { "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf" },
	    "/usr/share/fonts/truetype/noto", 0, "fonts-noto-core", 1.12, 0.42, 1.1, .keep = 4 },
	[F_BENGALI] = { { "NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf" },
	    "/usr/share/fonts/truetype/noto", 0, "fonts-noto-core", 0, 0, 0, .keep = 4 },
	[F_TAMIL]   = { { "NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf" },
	    "/usr/share/fonts/truetype/noto", 0, "fonts-noto-core", 0, 0, 0.92, .keep = 4 },
	[F_DEVA]    = { { "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf" },
	    "/usr/share/fonts/truetype/noto", 0, "fonts-noto-core", 0, 0, 0, .keep = 4 },
	/* The collection holds JP, KR, SC, TC, HK: index 2 is "Noto Sans CJK SC"
	 * (checked with fc-query), the Simplified Chinese forms of Mandarin. */
	[F_CJK]     = { { "NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc" },
	    "/usr/share/fonts/opentype/noto", 2, "fonts-noto-cjk", 1.02, 0.26, 0, .keep = 2 },
};

#define PROBE_PX   16  /* size the first face of each file is opened at */

/* A font file opened once, shared by every struct fonts that uses it. */
struct fontfile {
	struct fontfile *next;  /* next in ttf_files */
	char *path;             /* as opened; read-only once listed */
	int fd;                 /* read-only descriptor; only pread() on it */
	Sint64 len;             /* its size in bytes when opened, > 0 */
	int refs;               /* struct fonts using it */
};

/* What one face's SDL_RWops reads: a file and its own position in it. */
struct fileread {
	const struct fontfile *ff;  /* the file (held by the struct fonts) */
	Sint64 pos;                 /* this face's offset */
};

/*
 * Process-wide state, only touched with ttf_lock held: SDL_ttf's FreeType
 * library is started by the first struct fonts and stopped by the last.
 */
static pthread_mutex_t ttf_lock = PTHREAD_MUTEX_INITIALIZER;
static int ttf_users;                /* struct fonts alive (TTF_Init done) */
static struct fontfile *ttf_files;   /* open font files */

/*
 * Open a font file, or take one more reference to it. The caller holds
 * ttf_lock. NULL on failure, with errno set; *missing is 1 when the file
 * could not even be opened (absent, unreadable).
 */
static struct fontfile *
file_get_locked(const char *path, int *missing)
{
	struct fontfile *ff;
	struct stat st;
	int fd, e;

	*missing = 0;
	for (ff = ttf_files; ff != NULL; ff = ff->next)
		if (strcmp(ff->path, path) == 0) {
			ff->refs++;
			return ff;
		}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		*missing = 1;
		return NULL;
	}
	e = fstat(fd, &st) != 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL :
	    st.st_size <= 0 ? ENODATA : 0;
	if (e != 0) {
		close(fd);
		errno = e;
		return NULL;
	}
	if ((ff = calloc(1, sizeof *ff)) == NULL || (ff->path = strdup(path)) == NULL) {
		free(ff);
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	ff->fd = fd;
	ff->len = (Sint64)st.st_size;
	ff->refs = 1;
	ff->next = ttf_files;
	ttf_files = ff;
	return ff;
}

/* Drop a reference (NULL is harmless); the last one closes the file.
 * The caller holds ttf_lock. */
static void
file_put_locked(struct fontfile *ff)
{
	struct fontfile **pp;

	if (ff == NULL || --ff->refs > 0)
		return;
	for (pp = &ttf_files; *pp != ff; pp = &(*pp)->next)
		expect(*pp != NULL);
	*pp = ff->next;
	close(ff->fd);
	free(ff->path);
	free(ff);
}

/* SDL_RWops over a struct fileread: read-only, positioned reads. */
static Sint64 SDLCALL
rw_size(SDL_RWops *rw)
{
	const struct fileread *fr = rw->hidden.unknown.data1;

	return fr->ff->len;
}

static Sint64 SDLCALL
rw_seek(SDL_RWops *rw, Sint64 off, int whence)
{
	struct fileread *fr = rw->hidden.unknown.data1;
	Sint64 base;

	switch (whence) {
	case RW_SEEK_SET: base = 0; break;
	case RW_SEEK_CUR: base = fr->pos; break;
	case RW_SEEK_END: base = fr->ff->len; break;
	default: return SDL_SetError("bad whence %d", whence);
	}
	if (off < -base || off > INT64_MAX - base)
		return SDL_SetError("font seek out of range");
	return fr->pos = base + off;
}

static size_t SDLCALL
rw_read(SDL_RWops *rw, void *ptr, size_t size, size_t maxnum)
{
	struct fileread *fr = rw->hidden.unknown.data1;
	size_t want, got = 0;

	if (size == 0 || maxnum == 0 || maxnum > SIZE_MAX / size)
		return 0;
	want = size * maxnum;
	while (got < want) {
		ssize_t n = pread(fr->ff->fd, (char *)ptr + got, want - got, (off_t)(fr->pos + (Sint64)got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* end of file, or an error: a short read FreeType reports */
		got += (size_t)n;
	}
	fr->pos += (Sint64)got;
	return got / size;
}

static size_t SDLCALL
rw_write(SDL_RWops *rw, const void *ptr, size_t size, size_t num)
{
	(void)rw, (void)ptr, (void)size, (void)num;
	SDL_SetError("font files are read-only");
	return 0;
}

static int SDLCALL
rw_close(SDL_RWops *rw)
{
	free(rw->hidden.unknown.data1);
	SDL_FreeRW(rw);
	return 0;
}

/* A new SDL_RWops reading ff from offset 0; NULL (SDL error set) if out of
 * memory. */
static SDL_RWops *
rw_open(const struct fontfile *ff)
{
	struct fileread *fr = calloc(1, sizeof *fr);
	SDL_RWops *rw = fr != NULL ? SDL_AllocRW() : NULL;

	if (rw == NULL) {
		free(fr);
		SDL_OutOfMemory();
		return NULL;
	}
	fr->ff = ff;
	rw->type = SDL_RWOPS_UNKNOWN;
	rw->size = rw_size;
	rw->seek = rw_seek;
	rw->read = rw_read;
	rw->write = rw_write;
	rw->close = rw_close;
	rw->hidden.unknown.data1 = fr;
	return rw;
}

/* Open one more face of a family's file, at a pixel size. */
static TTF_Font *
face_open(struct fonts *f, int face, int bold, int size)
{
	const struct fontfile *ff = f->fam[face][bold].file;
	SDL_RWops *rw;
	TTF_Font *font;

	/* SDL_ttf 2.20 reads glyphs through rw for the face's whole life (its
	 * header says it reads everything at once; its source does not), so
	 * freesrc = 1: TTF_CloseFont closes rw, or the open does if it fails.
	 * ff stays open as long as f holds its reference. */
	pthread_mutex_lock(&ttf_lock);
	rw = rw_open(ff);
	font = rw != NULL ? TTF_OpenFontIndexRW(rw, 1, size, face_specs[face].index) : NULL;
	pthread_mutex_unlock(&ttf_lock);
	if (font == NULL) {
		errf(f->err, sizeof f->err, "cannot open %s at %d px: %s",
		    ff->path, size, TTF_GetError());
		return NULL;
	}
	/* Light hinting: FreeType's auto-hinter, vertical only. It keeps small
	 * text crisp on a 203 dpi head and on screen, and it skips the
	 * TrueType bytecode interpreter, which was a quarter of the render
	 * time of a slip. TTF_SetFontSize keeps it. */
	TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
	return font;
}

/*
 * The face of a file and weight at a pixel size: one already at that size;
 * else a new face while the family has fewer than `keep`; else its least
 * recently used face, moved to the size. The pointer stays valid until
 * fonts_free, but the next call for the same family at another size may
 * move that face to the other size.
 */
TTF_Font *
fonts_face(struct fonts *f, enum face face, int bold, int size)
{
	struct family *fm = &f->fam[face][bold];
	int i, v = 0;

	f->tick++;
	for (i = 0; i < fm->n; i++) {
		if (fm->size[i] == size) {
			fm->used[i] = f->tick;
			return fm->font[i];
		}
		if (fm->used[i] < fm->used[v])
			v = i;
	}
	if (fm->n < face_specs[face].keep) {
		if ((fm->font[fm->n] = face_open(f, face, bold, size)) == NULL)
			return NULL;
		v = fm->n++;
	} else if (TTF_SetFontSize(fm->font[v], size) != 0) {
		fm->size[v] = -1;
		errf(f->err, sizeof f->err, "cannot set %s to %d px: %s",
		    fm->file->path, size, TTF_GetError());
		return NULL;
	}
	fm->size[v] = size;
	fm->used[v] = f->tick;
	return fm->font[v];
}

int
fonts_face_px(enum face face, int size)
{
	double k = face_specs[face].scale > 0 ? face_specs[face].scale : 1.0;

	return (int)(size * k + 0.5);
}

/* font may be NULL for a face with its own box (asc > 0). */
void
fonts_face_box(TTF_Font *font, enum face face, int size, int *asc, int *desc)
{
	const struct face_spec *sp = &face_specs[face];

	if (sp->asc > 0) {
		*asc = (int)(sp->asc * size + 0.5);
		*desc = (int)(sp->desc * size + 0.5);
	} else {
		*asc = TTF_FontAscent(font);
		*desc = -TTF_FontDescent(font);
	}
}

int
text_line_height(struct fonts *f, int size_px, int flags)
{
	int face, asc = 0, desc = 0;

	expect(f != NULL);
	if (size_px < SIZE_MIN || size_px > SIZE_MAX_PX)
		return errf(f->err, sizeof f->err, "text size %d px out of range", size_px);
	for (face = 0; face < F_NFACES; face++) {
		TTF_Font *font = NULL;
		int a, d;
		/* a face with its own box needs no face at this size (a CJK
		 * face would cost 2.5 MB to answer a constant) */
		if (face_specs[face].asc <= 0 &&
		    (font = fonts_face(f, face, (flags & TEXT_BOLD) != 0,
		    fonts_face_px(face, size_px))) == NULL)
			return -1;
		fonts_face_box(font, face, fonts_face_px(face, size_px), &a, &d);
		if (a > asc)
			asc = a;
		if (d > desc)
			desc = d;
	}
	return asc + desc;
}

const char *
fonts_error(const struct fonts *f)
{
	return f != NULL ? f->err : "";
}

int
fonts_faces_open(const struct fonts *f)
{
	int face, bold, n = 0;

	if (f == NULL)
		return 0;
	for (face = 0; face < F_NFACES; face++)
		for (bold = 0; bold < 2; bold++)
			n += f->fam[face][bold].n;
	return n;
}

struct fonts *
fonts_open(const char *fontdir, char *err, size_t errlen)
{
	struct fonts *f;
	int face, bold;

	if ((f = calloc(1, sizeof *f)) == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_lock(&ttf_lock);
	if (ttf_users == 0 && TTF_Init() != 0) {
		pthread_mutex_unlock(&ttf_lock);
		errf(err, errlen, "cannot start SDL_ttf: %s", TTF_GetError());
		free(f);
		return NULL;
	}
	ttf_users++;
	f->ttf = 1;
	for (face = 0; face < F_NFACES; face++) {
		const struct face_spec *sp = &face_specs[face];
		const char *dir = fontdir != NULL ? fontdir : sp->dir;
		for (bold = 0; bold < 2; bold++) {
			char p[4096];
			int n = snprintf(p, sizeof p, "%s/%s", dir, sp->file[bold]), missing;
			if (n < 0 || (size_t)n >= sizeof p) {
				errf(err, errlen, "font directory name too long: %s", dir);
				goto fail_locked;
			}
			if ((f->fam[face][bold].file = file_get_locked(p, &missing)) == NULL) {
				if (missing)
					errf(err, errlen, "missing font %s (%s): install the Debian package %s%s",
					    p, strerror(errno), sp->package,
					    fontdir != NULL ? " or fix the font directory" : "");
				else
					errf(err, errlen, "cannot load font %s: %s (reinstall %s)",
					    p, strerror(errno), sp->package);
				goto fail_locked;
			}
		}
	}
	pthread_mutex_unlock(&ttf_lock);
	for (face = 0; face < F_NFACES; face++) {
		const char *pkg = face_specs[face].package;
		/* Open a face of each file now: a corrupt file fails at
		 * start-up. The regular one answers "does this face have that
		 * glyph?" (font[0], never closed before fonts_free). */
		expect(face_specs[face].keep >= 1 && face_specs[face].keep <= KEEP_MAX);
		for (bold = 0; bold < 2; bold++)
			if (fonts_face(f, face, bold, PROBE_PX) == NULL) {
				errf(err, errlen, "%s (reinstall %s)", f->err, pkg);
				goto fail;
			}
	}
	return f;
fail_locked:
	pthread_mutex_unlock(&ttf_lock);
fail:
	fonts_free(f);
	return NULL;
}

void
fonts_free(struct fonts *f)
{
	int face, bold, i;

	if (f == NULL)
		return;
	pthread_mutex_lock(&ttf_lock);
	for (face = 0; face < F_NFACES; face++)
		for (bold = 0; bold < 2; bold++) {
			struct family *fm = &f->fam[face][bold];
			for (i = 0; i < fm->n; i++)
				TTF_CloseFont(fm->font[i]);
			file_put_locked(fm->file);
		}
	if (f->ttf && --ttf_users == 0)
		TTF_Quit();
	pthread_mutex_unlock(&ttf_lock);
	free(f);
}
