/*
 * test_text: text.c's promises about memory and threads, on the real
 * Debian Noto fonts (the pixels are checked in test_ticket).
 *
 *   - A face moved to another size (TTF_SetFontSize, when a file already
 *     keeps its share of open faces) draws exactly what a face freshly
 *     opened at that size draws, in every script and both weights.
 *   - The faces a struct fonts holds open stop growing with the number of
 *     sizes drawn (a CJK face is 2.5 MB each).
 *   - An empty font file, or a directory in its place, is a clear error.
 *   - Two threads, each with its own struct fonts, draw many strings at
 *     many sizes at the same time (Latin, Arabic, CJK, Indic) and get the
 *     pixels a single thread gets; meanwhile other threads open and free
 *     struct fonts, so faces are created and destroyed while glyphs are
 *     drawn, and SDL_ttf is started by whichever thread comes first and
 *     stopped by the last one out.
 *
 * Without text.c's lock the race is inside FreeType (two threads editing
 * a driver's list of faces): a plain build rarely shows it, but under
 * make asan this test, run on the old unlocked text.c, failed about one
 * run in two (a SEGV in FT_List_Find or FT_Done_Face, or faces leaked from
 * a torn list). ThreadSanitizer cannot see it: FreeType and SDL_ttf are
 * not instrumented.
 *
 * Threads never use CHECK (its counters are plain ints): each records its
 * mismatches, and main checks them after the join.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testhelp.h"
#include "core/bitmap.h"
#include "core/text.h"

static const char *const strings[] = {
	"Préfecture de la Seine-Saint-Denis — Bobigny",
	"أول بطاقة إقامة",
	"رقمك A042 — الانتظار 35 دقيقة",
	"首次申请居留证",
	"排队位置 12，预计等待约 35 分钟。",
	"முதல் குடியிருப்பு அனுமதி",
	"প্রথম বসবাসের অনুমতি",
	"पहला निवास परमिट",
	"Перша посвідка на проживання",
};
#define NSTRINGS ((int)(sizeof strings / sizeof strings[0]))

static const int sizes[] = { 9, 12, 16, 21, 27, 34, 43, 55, 70 };
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

#define NJOBS (NSTRINGS * NSIZES * 2)

/* What one draw gave: its width and pixels (NULL on error). */
struct result {
	int w;                 /* text_draw's return */
	struct bitmap *bm;     /* the pixels, 4 px of margin */
};

/* Job k: which string, size and weight. The order of k mixes sizes, so a
 * struct fonts keeps moving faces from one size to another. */
static void
job(int k, const char **s, int *size, int *flags)
{
	*s = strings[k % NSTRINGS];
	*size = sizes[(k / NSTRINGS) % NSIZES];
	*flags = k / (NSTRINGS * NSIZES) ? TEXT_BOLD : 0;
}

/* Draw one string into a new bitmap of its measured size. */
static int
draw(struct fonts *f, const char *s, int size, int flags, struct result *r)
{
	int w, h;

	r->bm = NULL;
	r->w = -1;
	if (text_measure(f, size, flags, s, NULL, &w, &h) != 0)
		return -1;
	if ((r->bm = bitmap_new(w + 8, h + 8)) == NULL)
		return -1;
	r->w = text_draw(f, r->bm, 4, 4, size, flags, s, NULL);
	return r->w == w ? 0 : -1;
}

static int
same(const struct result *a, const struct result *b)
{
	return a->bm != NULL && b->bm != NULL && a->w == b->w &&
	    a->bm->w == b->bm->w && a->bm->h == b->bm->h &&
	    memcmp(a->bm->px, b->bm->px, (size_t)a->bm->w * a->bm->h) == 0;
}

static int
inked(const struct result *r)
{
	size_t i, n = (size_t)r->bm->w * r->bm->h;

	for (i = 0; i < n; i++)
		if (r->bm->px[i] > 128)
			return 1;
	return 0;
}

/* Reference renders, from one thread and one struct fonts. */
static struct result ref[NJOBS];

/*
 * A resized face draws what a fresh one does: for each size, a struct
 * fonts opened for that size alone (every face at most at its first size)
 * against one struct fonts that drew every other size in between.
 */
static void
test_resize(void)
{
	struct fonts *shared, *fresh;
	char err[512];
	int k, i, bad = 0, ink = 0;

	REQUIRE((shared = fonts_open(NULL, err, sizeof err)) != NULL);
	/* the shared one sees every size, in job order, twice: by the second
	 * pass its faces have all been moved around */
	for (i = 0; i < 2; i++)
		for (k = 0; k < NJOBS; k++) {
			const char *s;
			int size, flags;
			job(k, &s, &size, &flags);
			if (i == 0) {
				bad += draw(shared, s, size, flags, &ref[k]) != 0;
			} else {
				struct result r;
				bad += draw(shared, s, size, flags, &r) != 0 || !same(&r, &ref[k]);
				bitmap_free(r.bm);
			}
		}
	CHECK_INT(bad, 0);

	for (i = 0; i < NSIZES; i++) {
		REQUIRE((fresh = fonts_open(NULL, err, sizeof err)) != NULL);
		for (k = 0; k < NJOBS; k++) {
			const char *s;
			int size, flags;
			struct result r;
			job(k, &s, &size, &flags);
			if (size != sizes[i])
				continue;
			if (draw(fresh, s, size, flags, &r) != 0 || !same(&r, &ref[k])) {
				bad++;
				fprintf(stderr, "resized face differs: \"%s\" at %d px%s\n",
				    s, size, flags ? " bold" : "");
			}
			ink += r.bm != NULL && inked(&r);
			bitmap_free(r.bm);
		}
		fonts_free(fresh);
	}
	CHECK_INT(bad, 0);
	CHECK_INT(ink, NJOBS); /* every string drew something: no blank compares */
	fonts_free(shared);
}

/* Open faces stop growing: CJK text at 20 sizes, then 40. */
static void
test_faces_bounded(void)
{
	struct fonts *f;
	char err[512];
	int size, n0, n20, n40;

	CHECK_INT(fonts_faces_open(NULL), 0);
	REQUIRE((f = fonts_open(NULL, err, sizeof err)) != NULL);
	n0 = fonts_faces_open(f);
	CHECK_INT(n0, 12); /* each of 12 files opened once, to check it */
	for (size = 10; size < 30; size++)
		CHECK(text_draw(f, NULL, 0, 0, size, 0, "首次申请居留证", "zh") > 0);
	n20 = fonts_faces_open(f);
	for (size = 30; size < 50; size++)
		CHECK(text_draw(f, NULL, 0, 0, size, 0, "首次申请居留证", "zh") > 0);
	n40 = fonts_faces_open(f);
	CHECK(n20 > n0);
	CHECK_INT(n40, n20);
	/* the line height of every script needs no CJK face at that size */
	n0 = fonts_faces_open(f);
	CHECK(text_line_height(f, 77, 0) > 77);
	CHECK(fonts_faces_open(f) <= n0 + 4); /* Latin, Bengali, Tamil, Devanagari at most */
	CHECK_INT(text_line_height(f, 2, 0), -1);
	CHECK(strstr(fonts_error(f), "out of range") != NULL);
	fonts_free(f);
}

/* A font file that is empty, or not a file, is a clear error; the next
 * fonts_open works (the failed one gave back what it took). */
static void
test_bad_files(void)
{
	char dir[] = "/tmp/test_text.XXXXXX", path[128], err[512] = "";
	struct fonts *f;
	FILE *fp;

	REQUIRE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/NotoSans-Regular.ttf", dir);
	REQUIRE((fp = fopen(path, "w")) != NULL);
	fclose(fp);
	CHECK(fonts_open(dir, err, sizeof err) == NULL);
	CHECK(strstr(err, "cannot load font") != NULL);
	CHECK(strstr(err, "NotoSans-Regular.ttf") != NULL);
	CHECK(strstr(err, "fonts-noto-core") != NULL);
	CHECK(unlink(path) == 0);
	REQUIRE(mkdir(path, 0700) == 0);
	err[0] = '\0';
	CHECK(fonts_open(dir, err, sizeof err) == NULL);
	CHECK(strstr(err, "cannot load font") != NULL);
	CHECK(rmdir(path) == 0);
	CHECK(rmdir(dir) == 0);
	REQUIRE((f = fonts_open(NULL, err, sizeof err)) != NULL);
	CHECK(text_draw(f, NULL, 0, 0, 20, 0, "A042", NULL) > 0);
	fonts_free(f);
}

/* A drawing thread: its own struct fonts, every job `rounds` times. */
struct drawer {
	pthread_t th;      /* the thread */
	int reverse;       /* 1 = jobs in reverse order (other resize pattern) */
	int rounds;        /* passes over the jobs */
	int bad;           /* OUT: draws that failed or differ from ref */
	int done;          /* OUT: draws made */
	char err[512];     /* OUT: fonts_open's error, if any */
};

static void *
drawer_main(void *arg)
{
	struct drawer *d = arg;
	struct fonts *f = fonts_open(NULL, d->err, sizeof d->err);
	int i, n;

	if (f == NULL) {
		d->bad = 1;
		return NULL;
	}
	for (i = 0; i < d->rounds; i++)
		for (n = 0; n < NJOBS; n++) {
			int k = d->reverse ? NJOBS - 1 - n : n, size, flags;
			const char *s;
			struct result r;
			job(k, &s, &size, &flags);
			if (draw(f, s, size, flags, &r) != 0 || !same(&r, &ref[k]))
				d->bad++;
			bitmap_free(r.bm);
			d->done++;
		}
	fonts_free(f);
	return NULL;
}

/* A churning thread: opens, uses a little, and frees struct fonts. */
#define NCHURN 4
struct churner {
	pthread_t th;      /* the thread */
	int rounds;        /* fonts_open/fonts_free cycles */
	int bad;           /* OUT: failed opens or draws */
};

static void *
churner_main(void *arg)
{
	struct churner *c = arg;
	char err[512];
	int i;

	for (i = 0; i < c->rounds; i++) {
		struct fonts *f = fonts_open(NULL, err, sizeof err);
		struct result r;
		if (f == NULL) {
			c->bad++;
			continue;
		}
		/* a new size opens one more face of Noto Sans and of CJK */
		if (draw(f, strings[4], 23 + i % 5, i & 1 ? TEXT_BOLD : 0, &r) != 0 || !inked(&r))
			c->bad++;
		bitmap_free(r.bm);
		fonts_free(f);
	}
	return NULL;
}

static void
test_threads(void)
{
	struct drawer d[2];
	struct churner c[NCHURN];
	int i, rounds = getenv("TEST_TEXT_ROUNDS") ? atoi(getenv("TEST_TEXT_ROUNDS")) : 3;

	/* ref[] came from test_resize; no struct fonts is alive now, so the
	 * threads also start and stop SDL_ttf between them */
	memset(d, 0, sizeof d);
	memset(c, 0, sizeof c);
	for (i = 0; i < 2; i++) {
		d[i].reverse = i;
		d[i].rounds = rounds;
	}
	for (i = 0; i < NCHURN; i++)
		c[i].rounds = 12 * rounds;
	for (i = 0; i < 2; i++)
		REQUIRE(pthread_create(&d[i].th, NULL, drawer_main, &d[i]) == 0);
	for (i = 0; i < NCHURN; i++)
		REQUIRE(pthread_create(&c[i].th, NULL, churner_main, &c[i]) == 0);
	for (i = 0; i < 2; i++) {
		pthread_join(d[i].th, NULL);
		if (d[i].err[0] != '\0')
			fprintf(stderr, "thread %d: %s\n", i, d[i].err);
		CHECK_INT(d[i].bad, 0);
		CHECK_INT(d[i].done, rounds * NJOBS);
	}
	for (i = 0; i < NCHURN; i++) {
		pthread_join(c[i].th, NULL);
		CHECK_INT(c[i].bad, 0);
	}
	printf("threads: 2 x %d draws equal to one thread's, %d opens and frees beside them\n",
	    rounds * NJOBS, NCHURN * 12 * rounds);
}

int
main(void)
{
	int k;

	test_resize();
	test_faces_bounded();
	test_bad_files();
	test_threads();
	for (k = 0; k < NJOBS; k++)
		bitmap_free(ref[k].bm);
	return TEST_REPORT();
}
