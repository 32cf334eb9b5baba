/*
 * text: see text.h. Platform module: the only file that includes SDL_ttf
 * and FriBidi. Nothing SDL crosses the interface.
 *
 * One line goes through lay_line(): UTF-8 -> code points -> FriBidi levels
 * -> runs of one script and one level -> HarfBuzz shaping (inside SDL_ttf)
 * of each run with its script and direction -> runs placed in visual order
 * (rule L2 of UAX #9, applied to whole runs: HarfBuzz already outputs an
 * RTL run in visual order). draw_line() renders each run with
 * TTF_RenderUTF8_Shaded, whose 8-bit palette index is the glyph coverage,
 * and keeps the darker pixel in our bitmap.
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
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>
#include <fribidi.h>

#include "core/log.h"
#include "core/text.h"

/* Scripts we tell HarfBuzz about; each maps to one face. */
enum script {
	S_LATN, S_CYRL, S_GREK, S_ARAB, S_BENG, S_TAML, S_DEVA, S_HANI,
	S_NSCRIPTS,
	S_NEUTRAL = -1, /* digit, space, punctuation: takes a neighbour's script */
	S_SKIP = -2,    /* control character: not drawn */
};

static const char *const script_tag[S_NSCRIPTS] = {
	"Latn", "Cyrl", "Grek", "Arab", "Beng", "Taml", "Deva", "Hani",
};

enum face { F_SANS, F_ARABIC, F_BENGALI, F_TAMIL, F_DEVA, F_CJK, F_NFACES };

static const enum face script_face[S_NSCRIPTS] = {
	F_SANS, F_SANS, F_SANS, F_ARABIC, F_BENGALI, F_TAMIL, F_DEVA, F_CJK,
};

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
#define KEEP_MAX   8   /* largest face_spec.keep */
#define SIZE_MIN   4
#define SIZE_MAX_PX 1000

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
	int ttf;                        /* 1 = counted in ttf_users */
	unsigned long tick;             /* LRU clock */
	char err[256];                  /* last error, for fonts_error() */
};

/* One run: characters [start, end) of one script, one bidi level. */
struct run {
	int start, end;   /* code-point indices into the line */
	int script;       /* enum script */
	int level;        /* bidi embedding level; odd = right to left */
	int w;            /* shaped advance width in pixels */
	int px;           /* pixel size of its face (face_px) */
	TTF_Font *font;   /* face it is shaped with (owned by its family) */
};

/* One laid-out line. */
struct line {
	const char *s;        /* the UTF-8 text (not owned) */
	int n;                /* code points */
	uint32_t *cp;         /* code points */
	int *boff;            /* byte offset of each code point, boff[n] = length */
	FriBidiLevel *lv;     /* bidi level of each code point */
	int *scr;             /* script of each code point */
	struct run *runs;     /* runs in logical order */
	int nruns;            /* number of runs */
	int *order;           /* run indices in visual order, left to right */
	int rtl;              /* paragraph direction: 1 = right to left */
	int w;                /* total width in pixels */
	int asc, desc;        /* layout box above and below the baseline */
	char *buf;            /* scratch for one run's NUL-terminated UTF-8 */
};

static int
lang_is_rtl(const char *lang)
{
	static const char *const rtl[] = { "ar", "fa", "prs", "ps", "ur", "he", "yi", "ckb", "sd", "ug" };
	size_t i, n;

	if (lang == NULL)
		return 0;
	n = strcspn(lang, "-_");
	for (i = 0; i < sizeof rtl / sizeof rtl[0]; i++)
		if (strlen(rtl[i]) == n && strncmp(lang, rtl[i], n) == 0)
			return 1;
	return 0;
}

static int
script_of(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029)
		return S_SKIP;
	if (c < 0x80)
		return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? S_LATN : S_NEUTRAL;
	if (c < 0xc0)
		return (c == 0xaa || c == 0xba) ? S_LATN : S_NEUTRAL;
	if (c == 0xd7 || c == 0xf7)
		return S_NEUTRAL;
	if (c < 0x0300)
		return S_LATN;
	if (c < 0x0370)
		return S_NEUTRAL; /* combining marks follow their base */
	if (c < 0x0400)
		return S_GREK;
	if (c < 0x0530)
		return S_CYRL;
	if ((c >= 0x0600 && c < 0x0700) || (c >= 0x0750 && c < 0x0780) ||
	    (c >= 0x0870 && c < 0x0900) || (c >= 0xfb50 && c < 0xfe00) ||
	    (c >= 0xfe70 && c < 0xff00))
		return S_ARAB;
	if (c >= 0x0900 && c < 0x0980)
		return (c == 0x0964 || c == 0x0965) ? S_NEUTRAL : S_DEVA; /* danda is shared */
	if (c >= 0x0980 && c < 0x0a00)
		return S_BENG;
	if (c >= 0x0b80 && c < 0x0c00)
		return S_TAML;
	if (c >= 0x1e00 && c < 0x1f00)
		return S_LATN;
	if (c >= 0x1f00 && c < 0x2000)
		return S_GREK;
	if (c >= 0x2000 && c < 0x2e80)
		return S_NEUTRAL; /* punctuation, symbols, arrows, ZWJ/ZWNJ */
	if ((c >= 0x2e80 && c < 0xa000) || (c >= 0xac00 && c < 0xd7b0) ||
	    (c >= 0xf900 && c < 0xfb00) || (c >= 0xfe30 && c < 0xfe50) ||
	    (c >= 0xff00 && c < 0xfff0) || (c >= 0x20000 && c < 0x40000))
		return S_HANI;
	if (c >= 0xa8e0 && c < 0xa900)
		return S_DEVA;
	return S_NEUTRAL;
}

/* Format controls that must stay in their neighbour's run whether or not
 * the font has a glyph: ZWJ keeps Arabic and Indic joining across it. */
static int
is_default_ignorable(uint32_t c)
{
	return c == 0x034f || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0x2060 && c <= 0x206f) || (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff;
}

/* A line must not break before these: combining or dependent vowel signs. */
static int
is_mark(uint32_t c)
{
	return (c >= 0x0300 && c < 0x0370) || (c >= 0x064b && c <= 0x065f) ||
	    c == 0x0670 || (c >= 0x06d6 && c <= 0x06ed) ||
	    (c >= 0x0900 && c <= 0x0903) || (c >= 0x093a && c <= 0x094f) ||
	    (c >= 0x0951 && c <= 0x0957) || c == 0x0962 || c == 0x0963 ||
	    (c >= 0x0981 && c <= 0x0983) || (c >= 0x09bc && c <= 0x09d7) ||
	    c == 0x09e2 || c == 0x09e3 || c == 0x0b82 || c == 0x0b83 ||
	    (c >= 0x0bbe && c <= 0x0bcd) || c == 0x0bd7 || is_default_ignorable(c);
}

/* Decode UTF-8; a bad byte becomes U+FFFD. Returns the code-point count. */
static int
utf8_decode(const char *s, int len, uint32_t *cp, int *boff)
{
	const unsigned char *u = (const unsigned char *)s;
	int i = 0, n = 0;

	while (i < len) {
		uint32_t c = u[i];
		int k = 0, j;
		boff[n] = i;
		if (c < 0x80)
			k = 0;
		else if ((c & 0xe0) == 0xc0)
			k = 1, c &= 0x1f;
		else if ((c & 0xf0) == 0xe0)
			k = 2, c &= 0x0f;
		else if ((c & 0xf8) == 0xf0)
			k = 3, c &= 0x07;
		else
			k = -1;
		if (k < 0 || (k > 0 && i + k >= len)) {
			cp[n++] = 0xfffd;
			i++;
			continue;
		}
		for (j = 1; j <= k; j++) {
			if ((u[i + j] & 0xc0) != 0x80)
				break;
			c = (c << 6) | (u[i + j] & 0x3f);
		}
		if (j <= k || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) {
			cp[n++] = 0xfffd;
			i++;
			continue;
		}
		cp[n++] = c;
		i += k + 1;
	}
	boff[n] = len;
	return n;
}

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
static TTF_Font *
font_get(struct fonts *f, int face, int bold, int size)
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

static int
provides(struct fonts *f, int script, uint32_t c)
{
	if (is_default_ignorable(c))
		return 1;
	/* coverage does not depend on the size the face is set to */
	return TTF_GlyphIsProvided32(f->fam[script_face[script]][0].font[0], c) != 0;
}

/* Pixel size to open a face at for text of size px (Latin em). */
static int
face_px(int face, int size)
{
	double k = face_specs[face].scale > 0 ? face_specs[face].scale : 1.0;

	return (int)(size * k + 0.5);
}

/* Layout box of a face at a size (already scaled by face_px), in pixels.
 * font may be NULL for a face with its own box (asc > 0). */
static void
face_box(TTF_Font *font, int face, int size, int *asc, int *desc)
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

static void
line_free(struct line *L)
{
	free(L->cp);
	free(L->boff);
	free(L->lv);
	free(L->scr);
	free(L->runs);
	free(L->order);
	free(L->buf);
	memset(L, 0, sizeof *L);
}

/* Copy run r's UTF-8 into L->buf, NUL-terminated. */
static const char *
run_text(struct line *L, const struct run *r)
{
	int a = L->boff[r->start], b = L->boff[r->end];

	memcpy(L->buf, L->s + a, (size_t)(b - a));
	L->buf[b - a] = '\0';
	return L->buf;
}

/* Prepare a run's font for shaping: its script and direction. */
static void
run_setup(const struct run *r)
{
	TTF_SetFontScriptName(r->font, script_tag[r->script]);
	TTF_SetFontDirection(r->font, (r->level & 1) ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
}

/*
 * Lay out s[0..len) as one line. dir: 1 = RTL paragraph, 0 = LTR,
 * -1 = from the first strong letter. Returns 0 or -1 (f->err filled).
 */
static int
lay_line(struct fonts *f, int size, int flags, const char *s, int len, int dir, struct line *L)
{
	FriBidiCharType *types = NULL;
	FriBidiBracketType *btypes = NULL;
	FriBidiParType base;
	int bold = (flags & TEXT_BOLD) != 0;
	int i, n, r, maxlv, lv;
	int rc = -1;

	memset(L, 0, sizeof *L);
	L->s = s;
	if (size < SIZE_MIN || size > SIZE_MAX_PX)
		return errf(f->err, sizeof f->err, "text size %d px out of range", size);
	if (len < 0 || len > 1 << 20)
		return errf(f->err, sizeof f->err, "text too long");
	L->cp = malloc(sizeof *L->cp * (size_t)(len + 1));
	L->boff = malloc(sizeof *L->boff * (size_t)(len + 1));
	L->lv = malloc(sizeof *L->lv * (size_t)(len + 1));
	L->scr = malloc(sizeof *L->scr * (size_t)(len + 1));
	L->runs = malloc(sizeof *L->runs * (size_t)(len + 1));
	L->order = malloc(sizeof *L->order * (size_t)(len + 1));
	L->buf = malloc((size_t)len + 1);
	types = malloc(sizeof *types * (size_t)(len + 1));
	btypes = malloc(sizeof *btypes * (size_t)(len + 1));
	if (!L->cp || !L->boff || !L->lv || !L->scr || !L->runs || !L->order ||
	    !L->buf || !types || !btypes) {
		errf(f->err, sizeof f->err, "out of memory");
		goto out;
	}
	n = L->n = utf8_decode(s, len, L->cp, L->boff);

	/* 1. Bidi levels (UAX #9 via FriBidi), then rule L1: trailing spaces
	 * take the paragraph level. */
	base = dir == 1 ? FRIBIDI_PAR_RTL : dir == 0 ? FRIBIDI_PAR_LTR : FRIBIDI_PAR_ON;
	if (n > 0) {
		fribidi_get_bidi_types(L->cp, n, types);
		fribidi_get_bracket_types(L->cp, n, types, btypes);
		if (fribidi_get_par_embedding_levels_ex(types, btypes, n, &base, L->lv) == 0) {
			errf(f->err, sizeof f->err, "bidi analysis failed");
			goto out;
		}
	}
	L->rtl = FRIBIDI_IS_RTL(base) ? 1 : 0;
	for (i = n - 1; i >= 0 && FRIBIDI_IS_EXPLICIT_OR_BN_OR_WS(types[i]); i--)
		L->lv[i] = (FriBidiLevel)L->rtl;

	/* 2. Script of each code point; neutrals join the run before them
	 * (same level, glyph in that face), else the run after, else Latin. */
	for (i = 0; i < n; i++)
		L->scr[i] = script_of(L->cp[i]);
	for (i = 1; i < n; i++)
		if (L->scr[i] == S_NEUTRAL && L->scr[i - 1] >= 0 && L->lv[i] == L->lv[i - 1] &&
		    provides(f, L->scr[i - 1], L->cp[i]))
			L->scr[i] = L->scr[i - 1];
	for (i = n - 2; i >= 0; i--)
		if (L->scr[i] == S_NEUTRAL && L->scr[i + 1] >= 0 && L->lv[i] == L->lv[i + 1] &&
		    provides(f, L->scr[i + 1], L->cp[i]))
			L->scr[i] = L->scr[i + 1];
	for (i = 0; i < n; i++) {
		int s2;
		if (L->scr[i] != S_NEUTRAL)
			continue;
		L->scr[i] = S_LATN;
		/* a symbol Noto Sans lacks: the first face that has it */
		for (s2 = 0; s2 < S_NSCRIPTS && !provides(f, L->scr[i], L->cp[i]); s2++)
			if (provides(f, s2, L->cp[i]))
				L->scr[i] = s2;
	}

	/* 3. Runs of one script and one level; control characters dropped. */
	L->nruns = 0;
	for (i = 0; i < n; ) {
		int j = i + 1;
		if (L->scr[i] == S_SKIP) {
			i++;
			continue;
		}
		while (j < n && L->scr[j] == L->scr[i] && L->lv[j] == L->lv[i])
			j++;
		L->runs[L->nruns].start = i;
		L->runs[L->nruns].end = j;
		L->runs[L->nruns].script = L->scr[i];
		L->runs[L->nruns].level = L->lv[i];
		L->nruns++;
		i = j;
	}

	/* 4. Shape and measure each run; the line box is the tallest face's. */
	{
		TTF_Font *sans = font_get(f, F_SANS, bold, size);
		if (sans == NULL)
			goto out;
		face_box(sans, F_SANS, size, &L->asc, &L->desc);
	}
	L->w = 0;
	for (r = 0; r < L->nruns; r++) {
		struct run *R = &L->runs[r];
		int face = script_face[R->script], a, d, h;
		R->px = face_px(face, size);
		if ((R->font = font_get(f, face, bold, R->px)) == NULL)
			goto out;
		run_setup(R);
		if (TTF_SizeUTF8(R->font, run_text(L, R), &R->w, &h) != 0) {
			errf(f->err, sizeof f->err, "cannot shape text: %s", TTF_GetError());
			goto out;
		}
		L->w += R->w;
		face_box(R->font, face, face_px(face, size), &a, &d);
		if (a > L->asc)
			L->asc = a;
		if (d > L->desc)
			L->desc = d;
	}

	/* 5. Visual order (rule L2 on whole runs): from the highest level
	 * down to the lowest odd level, reverse every sequence of runs at
	 * that level or higher. */
	maxlv = 0;
	{
		int minodd = INT_MAX;
		for (r = 0; r < L->nruns; r++) {
			L->order[r] = r;
			if (L->runs[r].level > maxlv)
				maxlv = L->runs[r].level;
			if ((L->runs[r].level & 1) && L->runs[r].level < minodd)
				minodd = L->runs[r].level;
		}
		for (lv = maxlv; lv >= minodd && lv > 0; lv--) {
			for (r = 0; r < L->nruns; ) {
				int e = r, a, b;
				if (L->runs[L->order[r]].level < lv) {
					r++;
					continue;
				}
				while (e < L->nruns && L->runs[L->order[e]].level >= lv)
					e++;
				for (a = r, b = e - 1; a < b; a++, b--) {
					int t = L->order[a];
					L->order[a] = L->order[b];
					L->order[b] = t;
				}
				r = e;
			}
		}
	}
	rc = 0;
out:
	free(types);
	free(btypes);
	if (rc != 0)
		line_free(L);
	return rc;
}

/* Draw a laid-out line, its baseline at `base`, its left edge at x. */
static int
draw_line(struct fonts *f, struct bitmap *dst, int x, int base, struct line *L, int flags)
{
	static const SDL_Color ink = { 255, 255, 255, 255 }, paper = { 0, 0, 0, 255 };
	int k;

	for (k = 0; k < L->nruns; k++) {
		struct run *R = &L->runs[L->order[k]];
		SDL_Surface *sf;
		int top, sy, sx;

		/* Ask again: a face serves every size of its family, and only
		 * this call makes sure it is at this run's size. (A line asks
		 * each family for one size, so today this is a lookup.) */
		if ((R->font = font_get(f, script_face[R->script], (flags & TEXT_BOLD) != 0,
		    R->px)) == NULL)
			return -1;
		run_setup(R);
		sf = TTF_RenderUTF8_Shaded(R->font, run_text(L, R), ink, paper);
		if (sf == NULL) {
			/* a run of only spaces may have nothing to render */
			if (strspn(L->buf, " ") != strlen(L->buf))
				return errf(f->err, sizeof f->err, "cannot render text: %s", TTF_GetError());
			x += R->w;
			continue;
		}
		/* Shaded surfaces are 8-bit, palette index = coverage 0..255. */
		expect(sf->format->BytesPerPixel == 1);
		top = base - TTF_FontAscent(R->font);
		SDL_LockSurface(sf);
		for (sy = 0; sy < sf->h; sy++) {
			const uint8_t *srow = (const uint8_t *)sf->pixels + (size_t)sy * sf->pitch;
			uint8_t *drow;
			int dy = top + sy, x0 = x < 0 ? -x : 0, x1 = sf->w;
			if (dy < 0 || dy >= dst->h)
				continue;
			if (x + x1 > dst->w)
				x1 = dst->w - x;
			drow = dst->px + (size_t)dy * dst->w;
			for (sx = x0; sx < x1; sx++)
				if (srow[sx] > drow[x + sx])
					drow[x + sx] = srow[sx];
		}
		SDL_UnlockSurface(sf);
		SDL_FreeSurface(sf);
		x += R->w;
	}
	return 0;
}

static int
flags_dir(int flags, const char *lang)
{
	if (flags & TEXT_RTL)
		return 1;
	if (flags & TEXT_LTR)
		return 0;
	return lang_is_rtl(lang) ? 1 : -1;
}

int
text_draw(struct fonts *f, struct bitmap *dst, int x, int y, int size_px,
    int flags, const char *utf8, const char *lang)
{
	struct line L;
	int w;

	expect(f != NULL && utf8 != NULL);
	f->err[0] = '\0';
	if (lay_line(f, size_px, flags, utf8, (int)strlen(utf8), flags_dir(flags, lang), &L) != 0)
		return -1;
	w = L.w;
	if (dst != NULL && draw_line(f, dst, x, y + L.asc, &L, flags) != 0)
		w = -1;
	line_free(&L);
	return w;
}

int
text_measure(struct fonts *f, int size_px, int flags, const char *utf8,
    const char *lang, int *w, int *h)
{
	struct line L;

	expect(f != NULL && utf8 != NULL);
	f->err[0] = '\0';
	if (lay_line(f, size_px, flags, utf8, (int)strlen(utf8), flags_dir(flags, lang), &L) != 0)
		return -1;
	if (w != NULL)
		*w = L.w;
	if (h != NULL)
		*h = L.asc + L.desc;
	line_free(&L);
	return 0;
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
		    (font = font_get(f, face, (flags & TEXT_BOLD) != 0, face_px(face, size_px))) == NULL)
			return -1;
		face_box(font, face, face_px(face, size_px), &a, &d);
		if (a > asc)
			asc = a;
		if (d > desc)
			desc = d;
	}
	return asc + desc;
}

/* May a line break between code points i-1 and i of L (i > 0)? */
static int
can_break_before(const struct line *L, int i)
{
	static const char no_start[] = "。，、；：！？）」』】〉》．,.;:!?)]}%";
	uint32_t a = L->cp[i - 1], b = L->cp[i];
	int bh, ah;

	if (is_mark(b))
		return 0;
	if (a == ' ' || a == 0x3000 || a == 0x200b)
		return b != ' ';
	ah = script_of(a) == S_HANI;
	bh = script_of(b) == S_HANI;
	if (ah || bh) {
		/* no break before closing punctuation, nor after an opening one */
		char tmp[8];
		int k = 0;
		if (b < 0x80) {
			tmp[k++] = (char)b;
		} else if (b < 0x800) {
			tmp[k++] = (char)(0xc0 | (b >> 6));
			tmp[k++] = (char)(0x80 | (b & 0x3f));
		} else if (b < 0x10000) {
			tmp[k++] = (char)(0xe0 | (b >> 12));
			tmp[k++] = (char)(0x80 | ((b >> 6) & 0x3f));
			tmp[k++] = (char)(0x80 | (b & 0x3f));
		}
		tmp[k] = '\0';
		if (k > 0 && strstr(no_start, tmp) != NULL)
			return 0;
		if (a == 0xff08 || a == 0x300c || a == 0x300e || a == 0x3010 || a == '(')
			return 0;
		return 1;
	}
	return 0;
}

/* Width of s[a..b) laid out as a line with direction dir; -1 on error. */
static int
span_width(struct fonts *f, int size, int flags, const char *s, int a, int b, int dir)
{
	struct line L;
	int w;

	if (lay_line(f, size, flags, s + a, b - a, dir, &L) != 0)
		return -1;
	w = L.w;
	line_free(&L);
	return w;
}

/* Draw (dst != NULL) one line s[a..b) aligned in the box. */
static int
put_line(struct fonts *f, struct bitmap *dst, int x, int y, int max_w, int size,
    int flags, const char *s, int a, int b, int dir, enum text_align align, int asc)
{
	struct line L;
	int lx, rc;

	/* trim spaces at both ends: they would push the alignment */
	while (a < b && s[a] == ' ')
		a++;
	while (b > a && s[b - 1] == ' ')
		b--;
	if (dst == NULL || a == b)
		return 0;
	if (lay_line(f, size, flags, s + a, b - a, dir, &L) != 0)
		return -1;
	if (align == TEXT_ALIGN_AUTO)
		align = dir == 1 ? TEXT_ALIGN_RIGHT : TEXT_ALIGN_LEFT;
	lx = x;
	if (align == TEXT_ALIGN_RIGHT)
		lx = x + max_w - L.w;
	else if (align == TEXT_ALIGN_CENTRE)
		lx = x + (max_w - L.w) / 2;
	rc = draw_line(f, dst, lx, y + asc, &L, flags);
	line_free(&L);
	return rc;
}

/* One unbreakable piece of a paragraph: a word and the spaces after it. */
struct seg {
	int start;   /* first byte */
	int tend;    /* end of the word, before trailing spaces */
	int end;     /* end including trailing spaces (next break opportunity) */
	int w;       /* shaped width of [start, tend) */
};

/*
 * Greedy line breaking, in O(words) shaping calls: each word is measured
 * once, a line is filled by adding word widths (and space widths), and
 * the line found is measured whole once to confirm (kerning or a joining
 * across a break could make it a few pixels wider); if it does not fit,
 * it gives back words until it does.
 */
int
text_wrap(struct fonts *f, struct bitmap *dst, int x, int y, int max_w,
    int size_px, int flags, enum text_align align, const char *utf8,
    const char *lang)
{
	struct line P;
	struct seg *sg = NULL;
	int dir, lh, asc, total = 0, len, space_w;
	int pstart, ci = 0;

	expect(f != NULL && utf8 != NULL);
	f->err[0] = '\0';
	if (max_w <= 0)
		return errf(f->err, sizeof f->err, "text box width %d", max_w);
	len = (int)strlen(utf8);
	/* The whole text fixes the direction and the line box, so every line
	 * of a paragraph has the same height and its baseline in step. */
	if (lay_line(f, size_px, flags, utf8, len, flags_dir(flags, lang), &P) != 0)
		return -1;
	dir = P.rtl;
	asc = P.asc;
	lh = P.asc + P.desc;
	if ((space_w = span_width(f, size_px, flags, " ", 0, 1, dir)) < 0)
		goto fail;
	if ((sg = malloc(sizeof *sg * (size_t)(P.n + 1))) == NULL) {
		errf(f->err, sizeof f->err, "out of memory");
		goto fail;
	}

	for (pstart = 0; pstart <= len; ) {
		/* one paragraph: up to '\n' */
		int pend = pstart, nseg = 0, k, i;
		while (pend < len && utf8[pend] != '\n')
			pend++;
		if (pstart == pend)
			total += lh; /* empty paragraph: a blank line */

		/* its words, each measured once */
		while (ci < P.n && P.boff[ci] < pstart)
			ci++;
		for (i = ci + 1; i <= P.n && P.boff[i] <= pend && pstart < pend; i++) {
			struct seg *g = &sg[nseg];
			if (P.boff[i] < pend && !can_break_before(&P, i))
				continue;
			g->start = nseg > 0 ? sg[nseg - 1].end : pstart;
			g->end = g->tend = P.boff[i];
			while (g->tend > g->start && utf8[g->tend - 1] == ' ')
				g->tend--;
			g->w = g->tend > g->start ?
			    span_width(f, size_px, flags, utf8, g->start, g->tend, dir) : 0;
			if (g->w < 0)
				goto fail;
			nseg++;
		}

		for (k = 0; k < nseg; ) {
			int acc = 0, last = -1, j, w;
			for (j = k; j < nseg; j++) {
				int est = acc + sg[j].w;
				if (est > max_w)
					break;
				last = j;
				acc = est + (sg[j].end - sg[j].tend) * space_w;
			}
			while (last > k) {
				if ((w = span_width(f, size_px, flags, utf8, sg[k].start, sg[last].tend, dir)) < 0)
					goto fail;
				if (w <= max_w)
					break;
				last--;
			}
			if (last < 0) {
				/* one word is wider than the box: cut it between
				 * characters (never before a mark), keep the rest */
				int best = -1, cj;
				for (cj = ci; P.boff[cj] < sg[k].start; cj++)
					;
				for (i = cj + 1; i <= P.n && P.boff[i] <= sg[k].tend; i++) {
					if (P.boff[i] < sg[k].tend && is_mark(P.cp[i]))
						continue;
					if (best >= 0 &&
					    span_width(f, size_px, flags, utf8, sg[k].start, P.boff[i], dir) > max_w)
						break;
					best = P.boff[i];
				}
				if (best < 0 || best >= sg[k].tend) {
					last = k; /* cannot cut: let it overflow */
				} else {
					if (put_line(f, dst, x, y + total, max_w, size_px, flags, utf8,
					    sg[k].start, best, dir, align, asc) != 0)
						goto fail;
					total += lh;
					sg[k].start = best;
					if ((sg[k].w = span_width(f, size_px, flags, utf8, best,
					    sg[k].tend, dir)) < 0)
						goto fail;
					continue;
				}
			}
			if (put_line(f, dst, x, y + total, max_w, size_px, flags, utf8, sg[k].start,
			    sg[last].end, dir, align, asc) != 0)
				goto fail;
			total += lh;
			k = last + 1;
		}
		pstart = pend + 1;
	}
	free(sg);
	line_free(&P);
	return total;
fail:
	free(sg);
	line_free(&P);
	return -1;
}

int
text_missing(struct fonts *f, const char *utf8, unsigned long *first)
{
	uint32_t *cp;
	int *boff, n, i, s, missing = 0, len;

	expect(f != NULL && utf8 != NULL);
	len = (int)strlen(utf8);
	cp = malloc(sizeof *cp * (size_t)(len + 1));
	boff = malloc(sizeof *boff * (size_t)(len + 1));
	if (cp == NULL || boff == NULL) {
		free(cp);
		free(boff);
		return errf(f->err, sizeof f->err, "out of memory");
	}
	n = utf8_decode(utf8, len, cp, boff);
	for (i = 0; i < n; i++) {
		if (script_of(cp[i]) == S_SKIP || is_default_ignorable(cp[i]))
			continue;
		for (s = 0; s < S_NSCRIPTS; s++)
			if (provides(f, s, cp[i]))
				break;
		if (s == S_NSCRIPTS && missing++ == 0 && first != NULL)
			*first = cp[i];
	}
	free(cp);
	free(boff);
	return missing;
}

int
text_is_rtl(const char *utf8, const char *lang)
{
	const unsigned char *u;

	if (lang_is_rtl(lang))
		return 1;
	if (utf8 == NULL)
		return 0;
	for (u = (const unsigned char *)utf8; *u; ) {
		uint32_t cp[2];
		int boff[3], k = 1;
		FriBidiCharType t;
		while (k < 4 && (u[k] & 0xc0) == 0x80)
			k++;
		if (utf8_decode((const char *)u, k, cp, boff) < 1)
			break;
		t = fribidi_get_bidi_type(cp[0]);
		if (FRIBIDI_IS_STRONG(t) && FRIBIDI_IS_LETTER(t))
			return FRIBIDI_IS_RTL(t) ? 1 : 0;
		u += k;
	}
	return 0;
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
			if (font_get(f, face, bold, PROBE_PX) == NULL) {
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
