/*
 * test_tts: spoken announcements with the real libespeak-ng. Checks the
 * texts per language, that the file is a well-formed mono 16-bit WAV of a
 * plausible length, that the cache returns the same name fast, that an
 * unknown language gives French only, and that two threads synthesising at
 * once both succeed (the espeak mutex). Prints the time of a fresh synthesis.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testhelp.h"
#include "speech/tts.h"

static char dir[256];

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint32_t
le32(const unsigned char *b)
{
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static unsigned
le16(const unsigned char *b)
{
	return b[0] | b[1] << 8;
}

/* Checks the header of dir/name; returns the duration in ms, or -1. */
static long
wav_ms(const char *name)
{
	char path[512];
	unsigned char h[44];
	struct stat st;
	FILE *f;
	uint32_t rate, bytes;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (stat(path, &st) != 0 || (f = fopen(path, "rb")) == NULL)
		return -1;
	if (fread(h, 1, sizeof h, f) != sizeof h) {
		fclose(f);
		return -1;
	}
	fclose(f);
	rate = le32(h + 24);
	bytes = le32(h + 40);
	if (memcmp(h, "RIFF", 4) != 0 || memcmp(h + 8, "WAVEfmt ", 8) != 0 ||
	    memcmp(h + 36, "data", 4) != 0 || le16(h + 20) != 1 || le16(h + 22) != 1 ||
	    le16(h + 34) != 16 || le32(h + 4) != 36 + bytes ||
	    (off_t)(44 + bytes) != st.st_size || rate < 8000 || rate > 48000)
		return -1;
	return (long)((uint64_t)bytes / 2 * 1000 / rate);
}

static void
test_texts(void)
{
	char v1[32], t1[256], v2[32], t2[256], err[128];

	CHECK(tts_texts("A042", 3, "ar", v1, sizeof v1, t1, sizeof t1, v2, sizeof v2,
	    t2, sizeof t2, err, sizeof err) == 0);
	CHECK_STR(v1, "fr");
	CHECK_STR(t1, "Ticket A 0 4 2, guichet 3.");
	CHECK_STR(v2, "ar");
	CHECK(strstr(t2, "A 0 4 2") != NULL);

	CHECK(tts_texts("B107", 12, "zh", v1, sizeof v1, t1, sizeof t1, v2, sizeof v2,
	    t2, sizeof t2, err, sizeof err) == 0);
	CHECK_STR(v2, "cmn-latn-pinyin");
	CHECK(strstr(t2, "B 1 0 7") != NULL && strstr(t2, "12") != NULL);

	/* Tags the kiosk sends: Dari is fa-AF, Chinese may come as zh-Hans. */
	CHECK(tts_texts("B107", 12, "fa-AF", v1, sizeof v1, t1, sizeof t1, v2, sizeof v2,
	    t2, sizeof t2, err, sizeof err) == 0);
	CHECK_STR(v2, "fa");
	CHECK(tts_texts("B107", 12, "zh-Hans", v1, sizeof v1, t1, sizeof t1, v2, sizeof v2,
	    t2, sizeof t2, err, sizeof err) == 0);
	CHECK_STR(v2, "cmn-latn-pinyin");

	/* French only: French itself (also easy-to-read), no voice (ps),
	 * fallback (ht), unknown, none. */
	const char *fonly[] = { "fr", "fr-easy", "ps", "ht", "xx", "xx-YY", "", NULL };
	for (size_t i = 0; i < sizeof fonly / sizeof fonly[0]; i++) {
		CHECK(tts_texts("C001", 1, fonly[i], v1, sizeof v1, t1, sizeof t1, v2, sizeof v2,
		    t2, sizeof t2, err, sizeof err) == 0);
		CHECK_STR(v2, "");
		CHECK_STR(t2, "");
	}

	/* Bad input never reaches espeak. */
	CHECK(tts_texts("a042", 3, "fr", v1, sizeof v1, t1, sizeof t1, v2, sizeof v2,
	    t2, sizeof t2, err, sizeof err) == -1);
	CHECK(tts_texts("A04<2", 3, "fr", v1, sizeof v1, t1, sizeof t1, v2, sizeof v2,
	    t2, sizeof t2, err, sizeof err) == -1);
	CHECK(tts_texts("A", 3, "fr", v1, sizeof v1, t1, sizeof t1, v2, sizeof v2,
	    t2, sizeof t2, err, sizeof err) == -1);
	CHECK(tts_texts("A042", 0, "fr", v1, sizeof v1, t1, sizeof t1, v2, sizeof v2,
	    t2, sizeof t2, err, sizeof err) == -1);
	CHECK(tts_texts("A042", 1000, "fr", v1, sizeof v1, t1, sizeof t1, v2, sizeof v2,
	    t2, sizeof t2, err, sizeof err) == -1);
}

struct job {
	const char *number;
	const char *lang;
	int rc;
	char name[64];
};

static void *
run_job(void *arg)
{
	struct job *j = arg;
	char err[256];

	j->rc = tts_announce(dir, j->number, 5, j->lang, j->name, sizeof j->name, err, sizeof err);
	if (j->rc < 0)
		fprintf(stderr, "tts_announce(%s): %s\n", j->number, err);
	return NULL;
}

static void
cleanup(void)
{
	DIR *d;
	struct dirent *e;
	char path[512];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int
count_files(void)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
		else if (strncmp(e->d_name, ".tmp", 4) == 0)
			n += 1000;      /* a temp file left behind is a failure */
	closedir(d);
	return n;
}

int
main(void)
{
	char name1[64], name2[64], name3[64], name4[64], err[256];
	double t0, fresh, cached;
	long ms_fr, ms_ar;
	char sub[256];

	test_texts();

	snprintf(dir, sizeof dir, "/tmp/test_tts.XXXXXX");
	REQUIRE(mkdtemp(dir) != NULL);
	/* cache_dir is created when missing (one level). */
	snprintf(sub, sizeof sub, "%.200s/audio", dir);

	t0 = now_ms();
	CHECK(tts_announce(sub, "A042", 3, "ar", name1, sizeof name1, err, sizeof err) == 0);
	fresh = now_ms() - t0;
	/* First call includes espeak's initialisation; time a second fresh one. */
	t0 = now_ms();
	CHECK(tts_announce(sub, "A043", 3, "ar", name4, sizeof name4, err, sizeof err) == 0);
	double fresh2 = now_ms() - t0;
	t0 = now_ms();
	CHECK(tts_announce(sub, "A042", 3, "ar", name2, sizeof name2, err, sizeof err) == 0);
	cached = now_ms() - t0;
	printf("tts: first synthesis (with init) %.1f ms, fresh fr+ar %.1f ms, cached %.3f ms\n",
	    fresh, fresh2, cached);
	CHECK_STR(name1, name2);
	CHECK(strcmp(name1, name4) != 0);
	CHECK(strlen(name1) == 36 && strcmp(name1 + 32, ".wav") == 0);
	CHECK(cached < 5.0);

	/* Look at the file from the cache directory. */
	{
		char keep[256];
		snprintf(keep, sizeof keep, "%s", dir);
		snprintf(dir, sizeof dir, "%s", sub);
		ms_ar = wav_ms(name1);
		CHECK(ms_ar > 2500 && ms_ar < 15000);

		/* Unknown language: French only = the same file as "fr", and shorter. */
		CHECK(tts_announce(dir, "A042", 3, "xx", name3, sizeof name3, err, sizeof err) == 0);
		CHECK(tts_announce(dir, "A042", 3, "fr", name2, sizeof name2, err, sizeof err) == 0);
		CHECK_STR(name2, name3);
		ms_fr = wav_ms(name3);
		printf("tts: A042 fr only %ld ms, fr+ar %ld ms\n", ms_fr, ms_ar);
		CHECK(ms_fr > 1000 && ms_fr < ms_ar - 1000);

		/* Every language of the table synthesises. */
		const char *langs[] = { "en", "fa", "es", "pt", "ru", "uk", "tr", "bn", "ta", "zh", "ht", "ps" };
		for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
			CHECK(tts_announce(dir, "D120", 7, langs[i], name3, sizeof name3, err, sizeof err) == 0);
			long ms = wav_ms(name3);
			int second = strcmp(langs[i], "ht") != 0 && strcmp(langs[i], "ps") != 0;
			if (!(ms > (second ? 2500 : 1000))) {
				fprintf(stderr, "lang %s: %ld ms\n", langs[i], ms);
				CHECK(0);
			}
		}

		/* Two threads at once: both succeed, distinct files. */
		struct job a = { "E001", "ru", -1, "" }, b = { "E002", "tr", -1, "" };
		pthread_t ta, tb;
		REQUIRE(pthread_create(&ta, NULL, run_job, &a) == 0);
		REQUIRE(pthread_create(&tb, NULL, run_job, &b) == 0);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		CHECK(a.rc == 0 && b.rc == 0);
		CHECK(strcmp(a.name, b.name) != 0);
		CHECK(wav_ms(a.name) > 2500 && wav_ms(b.name) > 2500);

		/* fr+ar A042, A043, fr A042, 12 langs for D120 (ht and ps share
		 * the French file), E001, E002 -> 3 + 11 + 2; no temp file left. */
		CHECK_INT(count_files(), 16);

		/* Errors. */
		CHECK(tts_announce(dir, "A42x", 3, "fr", name3, sizeof name3, err, sizeof err) == -1);
		CHECK(tts_announce(dir, "A042", 3, "fr", name3, 10, err, sizeof err) == -1);
		CHECK(tts_announce("/proc/no/such/dir", "A042", 3, "fr", name3, sizeof name3,
		    err, sizeof err) == -1);

		cleanup();
		snprintf(dir, sizeof dir, "%s", keep);
		rmdir(dir);
	}
	tts_shutdown();
	tts_shutdown();
	return TEST_REPORT();
}
