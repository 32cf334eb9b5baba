/*
 * text: see text.h. Platform module: with fonts.c (the font files and
 * faces), the only file that includes SDL_ttf, and the only one that
 * includes FriBidi. Nothing SDL crosses the interface.
 *
 * One line goes through lay_line(): UTF-8 -> code points -> FriBidi levels
 * -> runs of one script and one level -> HarfBuzz shaping (inside SDL_ttf)
 * of each run with its script and direction -> runs placed in visual order
 * (rule L2 of UAX #9, applied to whole runs: HarfBuzz already outputs an
 * RTL run in visual order). draw_line() renders each run with
 * TTF_RenderUTF8_Shaded, whose 8-bit palette index is the glyph coverage,
 * and keeps the darker pixel in our bitmap.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>
#include <fribidi.h>

#include "core/log.h"
#include "core/text.h"
#include "sdl/text_int.h"

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

static const enum face script_face[S_NSCRIPTS] = {
	F_SANS, F_SANS, F_SANS, F_ARABIC, F_BENGALI, F_TAMIL, F_DEVA, F_CJK,
};

/* One run: characters [start, end) of one script, one bidi level. */
struct run {
	int start, end;   /* code-point indices into the line */
	int script;       /* enum script */
	int level;        /* bidi embedding level; odd = right to left */
	int w;            /* shaped advance width in pixels */
	int px;           /* pixel size of its face (fonts_face_px) */
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

static int
provides(struct fonts *f, int script, uint32_t c)
{
	if (is_default_ignorable(c))
		return 1;
	/* coverage does not depend on the size the face is set to */
	return TTF_GlyphIsProvided32(f->fam[script_face[script]][0].font[0], c) != 0;
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

/* Room for a line of up to len code points; 0 or -1 (f->err filled). */
static int
line_alloc(struct fonts *f, struct line *L, int len)
{
	size_t n = (size_t)len + 1;

	L->cp = malloc(sizeof *L->cp * n);
	L->boff = malloc(sizeof *L->boff * n);
	L->lv = malloc(sizeof *L->lv * n);
	L->scr = malloc(sizeof *L->scr * n);
	L->runs = malloc(sizeof *L->runs * n);
	L->order = malloc(sizeof *L->order * n);
	L->buf = malloc(n);
	if (!L->cp || !L->boff || !L->lv || !L->scr || !L->runs || !L->order || !L->buf)
		return errf(f->err, sizeof f->err, "out of memory");
	return 0;
}

/* Step 1: bidi levels (UAX #9 via FriBidi), then rule L1: trailing
 * spaces take the paragraph level. dir as for lay_line. */
static int
line_bidi(struct fonts *f, struct line *L, int dir)
{
	FriBidiCharType *types = malloc(sizeof *types * (size_t)(L->n + 1));
	FriBidiBracketType *btypes = malloc(sizeof *btypes * (size_t)(L->n + 1));
	FriBidiParType base = dir == 1 ? FRIBIDI_PAR_RTL : dir == 0 ? FRIBIDI_PAR_LTR : FRIBIDI_PAR_ON;
	int i, n = L->n, rc = -1;

	if (types == NULL || btypes == NULL) {
		errf(f->err, sizeof f->err, "out of memory");
		goto out;
	}
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
	rc = 0;
out:
	free(types);
	free(btypes);
	return rc;
}

/* Step 2: the script of each code point; neutrals join the run before them
 * (same level, glyph in that face), else the run after, else Latin. */
static void
line_scripts(struct fonts *f, struct line *L)
{
	int i, n = L->n;

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
}

/* Step 3: runs of one script and one level; control characters dropped. */
static void
line_runs(struct line *L)
{
	int i, n = L->n;

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
}

/* Step 4: shape and measure each run; the line box is the tallest face's. */
static int
line_shape(struct fonts *f, struct line *L, int size, int bold)
{
	TTF_Font *sans = fonts_face(f, F_SANS, bold, size);
	int r;

	if (sans == NULL)
		return -1;
	fonts_face_box(sans, F_SANS, size, &L->asc, &L->desc);
	L->w = 0;
	for (r = 0; r < L->nruns; r++) {
		struct run *R = &L->runs[r];
		int face = script_face[R->script], a, d, h;
		R->px = fonts_face_px(face, size);
		if ((R->font = fonts_face(f, face, bold, R->px)) == NULL)
			return -1;
		run_setup(R);
		if (TTF_SizeUTF8(R->font, run_text(L, R), &R->w, &h) != 0)
			return errf(f->err, sizeof f->err, "cannot shape text: %s", TTF_GetError());
		L->w += R->w;
		fonts_face_box(R->font, face, fonts_face_px(face, size), &a, &d);
		if (a > L->asc)
			L->asc = a;
		if (d > L->desc)
			L->desc = d;
	}
	return 0;
}

/* Step 5: visual order (rule L2 on whole runs): from the highest level
 * down to the lowest odd level, reverse every sequence of runs at that
 * level or higher. */
static void
line_order(struct line *L)
{
	int maxlv = 0, minodd = INT_MAX, lv, r;

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

/*
 * Lay out s[0..len) as one line. dir: 1 = RTL paragraph, 0 = LTR,
 * -1 = from the first strong letter. Returns 0 or -1 (f->err filled).
 */
static int
lay_line(struct fonts *f, int size, int flags, const char *s, int len, int dir, struct line *L)
{
	memset(L, 0, sizeof *L);
	L->s = s;
	if (size < SIZE_MIN || size > SIZE_MAX_PX)
		return errf(f->err, sizeof f->err, "text size %d px out of range", size);
	if (len < 0 || len > 1 << 20)
		return errf(f->err, sizeof f->err, "text too long");
	if (line_alloc(f, L, len) != 0)
		goto fail;
	L->n = utf8_decode(s, len, L->cp, L->boff);
	if (line_bidi(f, L, dir) != 0)
		goto fail;
	line_scripts(f, L);
	line_runs(L);
	if (line_shape(f, L, size, (flags & TEXT_BOLD) != 0) != 0)
		goto fail;
	line_order(L);
	return 0;
fail:
	line_free(L);
	return -1;
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
		if ((R->font = fonts_face(f, script_face[R->script], (flags & TEXT_BOLD) != 0,
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

/* A paragraph being wrapped, and where its lines go. */
struct wrap {
	struct fonts *f;         /* the faces */
	struct bitmap *dst;      /* where lines are drawn; NULL: measure only */
	int x, y, max_w;         /* the box: left, top, width */
	int size, flags;         /* text size and TEXT_* flags */
	enum text_align align;   /* alignment of each line */
	const char *s;           /* the whole text */
	struct line P;           /* the whole text laid out as one line */
	int dir, asc, lh;        /* its direction, ascent and line height */
	int space_w;             /* width of a space */
	struct seg *sg;          /* the words of the paragraph being wrapped */
	int ci;                  /* first code point of that paragraph in P */
	int total;               /* height used so far */
};

/* Width of s[a..b) in the paragraph's direction; -1 on error. */
static int
wrap_width(struct wrap *w, int a, int b)
{
	return span_width(w->f, w->size, w->flags, w->s, a, b, w->dir);
}

/* Put s[a..b) as the next line. 0 or -1. */
static int
wrap_put(struct wrap *w, int a, int b)
{
	if (put_line(w->f, w->dst, w->x, w->y + w->total, w->max_w, w->size, w->flags, w->s,
	    a, b, w->dir, w->align, w->asc) != 0)
		return -1;
	w->total += w->lh;
	return 0;
}

/* The words of the paragraph s[pstart..pend) into w->sg, each measured
 * once. Their count, or -1. */
static int
wrap_words(struct wrap *w, int pstart, int pend)
{
	const struct line *P = &w->P;
	int i, nseg = 0;

	while (w->ci < P->n && P->boff[w->ci] < pstart)
		w->ci++;
	for (i = w->ci + 1; i <= P->n && P->boff[i] <= pend && pstart < pend; i++) {
		struct seg *g = &w->sg[nseg];
		if (P->boff[i] < pend && !can_break_before(P, i))
			continue;
		g->start = nseg > 0 ? w->sg[nseg - 1].end : pstart;
		g->end = g->tend = P->boff[i];
		while (g->tend > g->start && w->s[g->tend - 1] == ' ')
			g->tend--;
		g->w = g->tend > g->start ? wrap_width(w, g->start, g->tend) : 0;
		if (g->w < 0)
			return -1;
		nseg++;
	}
	return nseg;
}

/* The last word of the line that starts at word k: by the sum of the
 * widths, then confirmed by measuring the line whole. -1 when word k alone
 * is too wide; -2 on error. */
static int
wrap_fill(struct wrap *w, int k, int nseg)
{
	int acc = 0, last = -1, j, width;

	for (j = k; j < nseg; j++) {
		int est = acc + w->sg[j].w;
		if (est > w->max_w)
			break;
		last = j;
		acc = est + (w->sg[j].end - w->sg[j].tend) * w->space_w;
	}
	while (last > k) {
		if ((width = wrap_width(w, w->sg[k].start, w->sg[last].tend)) < 0)
			return -2;
		if (width <= w->max_w)
			break;
		last--;
	}
	return last;
}

/* Word g is wider than the box: where to cut it, between characters and
 * never before a mark, so that the first part fits; -1 when it cannot be
 * cut, -2 on error. */
static int
wrap_cut(struct wrap *w, const struct seg *g)
{
	const struct line *P = &w->P;
	int best = -1, cj, i;

	for (cj = w->ci; P->boff[cj] < g->start; cj++)
		;
	for (i = cj + 1; i <= P->n && P->boff[i] <= g->tend; i++) {
		if (P->boff[i] < g->tend && is_mark(P->cp[i]))
			continue;
		if (best >= 0 && wrap_width(w, g->start, P->boff[i]) > w->max_w)
			break;
		best = P->boff[i];
	}
	return best < 0 || best >= g->tend ? -1 : best;
}

/* Wrap the paragraph s[pstart..pend) (no '\n' inside). 0 or -1. */
static int
wrap_paragraph(struct wrap *w, int pstart, int pend)
{
	int nseg, k, last, cut;

	if (pstart == pend)
		w->total += w->lh; /* empty paragraph: a blank line */
	if ((nseg = wrap_words(w, pstart, pend)) < 0)
		return -1;
	for (k = 0; k < nseg; ) {
		if ((last = wrap_fill(w, k, nseg)) == -2)
			return -1;
		if (last < 0) {
			/* one word is wider than the box: cut it, keep the rest */
			struct seg *g = &w->sg[k];
			if ((cut = wrap_cut(w, g)) == -2)
				return -1;
			if (cut >= 0) {
				if (wrap_put(w, g->start, cut) != 0)
					return -1;
				g->start = cut;
				if ((g->w = wrap_width(w, cut, g->tend)) < 0)
					return -1;
				continue;
			}
			last = k; /* cannot cut: let it overflow */
		}
		if (wrap_put(w, w->sg[k].start, w->sg[last].end) != 0)
			return -1;
		k = last + 1;
	}
	return 0;
}

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
	struct wrap w;
	int len, pstart, pend, rc = -1;

	expect(f != NULL && utf8 != NULL);
	f->err[0] = '\0';
	if (max_w <= 0)
		return errf(f->err, sizeof f->err, "text box width %d", max_w);
	memset(&w, 0, sizeof w);
	w.f = f;
	w.dst = dst;
	w.x = x;
	w.y = y;
	w.max_w = max_w;
	w.size = size_px;
	w.flags = flags;
	w.align = align;
	w.s = utf8;
	len = (int)strlen(utf8);
	/* The whole text fixes the direction and the line box, so every line
	 * of a paragraph has the same height and its baseline in step. */
	if (lay_line(f, size_px, flags, utf8, len, flags_dir(flags, lang), &w.P) != 0)
		return -1;
	w.dir = w.P.rtl;
	w.asc = w.P.asc;
	w.lh = w.P.asc + w.P.desc;
	if ((w.space_w = span_width(f, size_px, flags, " ", 0, 1, w.dir)) < 0)
		goto out;
	if ((w.sg = malloc(sizeof *w.sg * (size_t)(w.P.n + 1))) == NULL) {
		errf(f->err, sizeof f->err, "out of memory");
		goto out;
	}
	for (pstart = 0; pstart <= len; pstart = pend + 1) {
		/* one paragraph: up to '\n' */
		for (pend = pstart; pend < len && utf8[pend] != '\n'; pend++)
			;
		if (wrap_paragraph(&w, pstart, pend) != 0)
			goto out;
	}
	rc = w.total;
out:
	free(w.sg);
	line_free(&w.P);
	return rc;
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
