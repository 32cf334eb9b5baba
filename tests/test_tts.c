/*
 * test_tts: the speech stack with the real libespeak-ng and the shipped
 * catalogues (assets/po). Board announcements: the texts per language come
 * from the catalogues' call sentence, French then the ticket's language;
 * the file is a well-formed mono 16-bit WAV of a plausible length; the
 * cache returns the same name fast; an unknown or voiceless language gives
 * French only; two threads synthesising at once both succeed (the espeak
 * mutex). The speech module: a synthesis can be stopped. The kiosk's
 * speaker: lines reach an output as samples, in order, with the speech log
 * tests/it_touch.sh reads, and a new request interrupts the current one.
 * Prints the time of a fresh synthesis.
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
#include "core/clock.h"
#include "core/i18n.h"
#include "speech/speaker.h"
#include "speech/speech.h"
#include "speech/tts.h"

static char dir[256];

static double
now_ms(void)
{
	return (double)clock_us() / 1e3;
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

/* tts_texts for one language: 0 or -1; the four strings in v1 t1 v2 t2. */
static char v1[32], t1[256], v2[32], t2[256];
static int
texts(const char *number, int counter, const char *lang)
{
	char err[128];

	return tts_texts(number, counter, lang, v1, sizeof v1, t1, sizeof t1, v2, sizeof v2,
	    t2, sizeof t2, err, sizeof err);
}

static void
test_texts(void)
{
	/* French first, then the ticket's language, both from the catalogues;
	 * the tags the kiosk sends (Dari is fa-AF, Chinese may come as
	 * zh-Hans), and a regional tag read by its language */
	static const struct {
		const char *number; int counter; const char *lang, *voice, *text;
	} two[] = {
		{ "A042", 3, "ar", "ar", "التذكرة A 0 4 2، الشباك 3" },
		{ "B107", 12, "zh", "cmn-latn-pinyin", "请 B 1 0 7 号到 12 号窗口" },
		{ "B107", 12, "zh-Hans", "cmn-latn-pinyin", "请 B 1 0 7 号到 12 号窗口" },
		{ "B107", 12, "en", "en-gb", "Ticket B 1 0 7, counter 12" },
		{ "C001", 1, "ht", "ht", "Tikè C 0 0 1, gichè 1" },
		{ "D120", 7, "fa-AF", "fa", "تکت D 1 2 0، لطفاً به میز 7 بیایید" },
		{ "A042", 3, "ar-MA", "ar", "التذكرة A 0 4 2، الشباك 3" },
	};
	for (size_t i = 0; i < sizeof two / sizeof two[0]; i++) {
		CHECK(texts(two[i].number, two[i].counter, two[i].lang) == 0);
		CHECK_STR(v1, "fr-fr");
		CHECK(strncmp(t1, "Ticket ", 7) == 0 && strstr(t1, ", guichet ") != NULL);
		CHECK_STR(v2, two[i].voice);
		CHECK_STR(t2, two[i].text);
	}
	CHECK(texts("A042", 3, "ar") == 0);
	CHECK_STR(t1, "Ticket A 0 4 2, guichet 3");

	/* French only: French itself, easy-to-read French (the same voice),
	 * no voice (ps), unknown, none. */
	const char *fonly[] = { "fr", "fr-easy", "ps", "xx", "xx-YY", "", NULL };
	for (size_t i = 0; i < sizeof fonly / sizeof fonly[0]; i++) {
		CHECK(texts("C001", 1, fonly[i]) == 0);
		CHECK_STR(t1, "Ticket C 0 0 1, guichet 1");
		CHECK_STR(v2, "");
		CHECK_STR(t2, "");
	}

	/* Bad input never reaches espeak. */
	CHECK(texts("a042", 3, "fr") == -1);
	CHECK(texts("A04<2", 3, "fr") == -1);
	CHECK(texts("A", 3, "fr") == -1);
	CHECK(texts("A042", 0, "fr") == -1);
	CHECK(texts("A042", 1000, "fr") == -1);
}

/* The sentences are the catalogues': without them, French only. */
static void
test_no_catalogues(void)
{
	char err[256];

	i18n_free();
	CHECK(texts("A042", 3, "ar") == 0);
	CHECK_STR(t1, "Ticket A 0 4 2, guichet 3");
	CHECK_STR(v2, "");
	REQUIRE(i18n_load("assets/po", err, sizeof err) == 0);
}

/* The one voice table: speech_voice reads the language table. */
static void
test_voices(void)
{
	size_t i, n;
	const struct lang *l = i18n_langs(&n);

	for (i = 0; i < n; i++) {
		const char *v = speech_voice(l[i].code);
		CHECK((v == NULL) == (l[i].voice == NULL));
		CHECK(v == NULL || strcmp(v, l[i].voice) == 0);
	}
	CHECK(speech_voice("ps") == NULL);
	CHECK_STR(speech_voice("prs"), "fa");
	CHECK_STR(speech_voice("fr-CA"), "fr-fr");
	CHECK(speech_voice("xx") == NULL);
	CHECK(speech_voice("") == NULL);
	CHECK(speech_voice(NULL) == NULL);
}

static int
stop_now(void *arg)
{
	int *asked = arg;

	(*asked)++;
	return 1;
}

/* The speech module alone: samples, a pause, a stopped synthesis, errors. */
static void
test_speech(void)
{
	struct speech_pcm p = { 0 };
	char err[256];
	int asked = 0;
	size_t n;

	CHECK(speech_pause(&p, 100, err, sizeof err) == -1); /* no rate yet */
	CHECK(speech_say(&p, "fr-fr", "Bonjour", NULL, NULL, err, sizeof err) == 0);
	CHECK(p.rate >= 8000 && p.rate <= 48000);
	CHECK(speech_pcm_count(&p) > (size_t)p.rate / 4);
	n = speech_pcm_count(&p);
	CHECK(speech_pause(&p, 500, err, sizeof err) == 0);
	CHECK_INT(speech_pcm_count(&p), n + (size_t)p.rate / 2);
	CHECK(speech_pcm_samples(&p)[n] == 0 && speech_pcm_samples(&p)[n + (size_t)p.rate / 2 - 1] == 0);
	CHECK(speech_say(&p, "fr-fr", "Une phrase assez longue pour durer.", stop_now, &asked,
	    err, sizeof err) == -1);
	CHECK_STR(err, "interrupted");
	CHECK(asked == 1);
	CHECK(speech_say(&p, "no-such-voice", "x", NULL, NULL, err, sizeof err) == -1);
	CHECK(strstr(err, "no-such-voice") != NULL);
	speech_pcm_free(&p);
	CHECK(speech_pcm_samples(&p) == NULL && speech_pcm_count(&p) == 0);
	speech_pcm_free(&p);
}

/* A captured output for the speaker: what was played, and when. */
static struct {
	pthread_mutex_t mu;    /* guards the rest */
	pthread_cond_t cv;     /* a play or a hush happened */
	int plays;             /* sentences played */
	size_t samples[8];     /* their lengths */
	int rate;              /* the last rate */
	int hushes;            /* hush calls */
	int ms;                /* what play says the sentence lasts */
} cap = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, { 0 }, 0, 0, 0 };

static int
cap_play(void *arg, const int16_t *s, size_t n, int rate)
{
	(void)arg;
	(void)s;
	pthread_mutex_lock(&cap.mu);
	if (cap.plays < 8)
		cap.samples[cap.plays] = n;
	cap.plays++;
	cap.rate = rate;
	pthread_cond_broadcast(&cap.cv);
	pthread_mutex_unlock(&cap.mu);
	return cap.ms;
}

static void
cap_hush(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cap.mu);
	cap.hushes++;
	pthread_cond_broadcast(&cap.cv);
	pthread_mutex_unlock(&cap.mu);
}

static const struct speaker_out cap_out = { cap_play, cap_hush };

/* Wait (10 s at most) until `plays` sentences were played and `hushes`
 * hushes happened. 0, or -1 on time-out. */
static int
cap_wait(int plays, int hushes)
{
	struct timespec dl;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 10;
	pthread_mutex_lock(&cap.mu);
	while ((cap.plays < plays || cap.hushes < hushes) && rc == 0)
		rc = pthread_cond_timedwait(&cap.cv, &cap.mu, &dl);
	pthread_mutex_unlock(&cap.mu);
	return rc == 0 ? 0 : -1;
}

static char *
read_file(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* The kiosk's speaker with a captured output, then with none. */
static void
test_speaker(const char *tmpdir)
{
	char log[512], err[256];
	struct speaker *sp;
	const char *got;

	snprintf(log, sizeof log, "%s/speech.log", tmpdir);
	cap.ms = 0; /* a capture is heard at once */
	REQUIRE((sp = speaker_new(log, &cap_out, NULL, err, sizeof err)) != NULL);
	speaker_say(sp, strdup("fr\tChoisissez votre langue\nps\tپښتو\nar\t4. العربية\n"));
	CHECK(cap_wait(2, 0) == 0);
	/* a long sentence that is never heard (it says it lasts a minute),
	 * interrupted by the next request: hushed, and the next one is said */
	cap.ms = 60000;
	speaker_say(sp, strdup("fr\tUne phrase qui dure une minute\n"));
	CHECK(cap_wait(3, 0) == 0);
	cap.ms = 0;
	speaker_say(sp, strdup("en\tChoose your language\n"));
	CHECK(cap_wait(4, 1) == 0);
	speaker_free(sp);
	CHECK_INT(cap.plays, 4); /* the Pashto line has no voice: not played */
	CHECK(cap.rate >= 8000 && cap.samples[0] > 1000 && cap.samples[1] > 1000);
	got = read_file(log);
	CHECK(strstr(got, "fr\tfr-fr\tChoisissez votre langue\n#said\tfr-fr\t") == got);
	CHECK(strstr(got, "\nps\t-\tپښتو\nar\tar\t4. العربية\n#said\tar\t") != NULL);
	CHECK(strstr(got, "\nen\ten-gb\tChoose your language\n#said\ten-gb\t") != NULL);

	/* no output: the lines are logged at once, nothing is synthesised */
	unlink(log);
	REQUIRE((sp = speaker_new(log, NULL, NULL, err, sizeof err)) != NULL);
	speaker_say(sp, strdup("ta\tமொழி\nxx\tx\n"));
	got = read_file(log);
	CHECK_STR(got, "ta\tta\tமொழி\nxx\t-\tx\n");
	speaker_say(sp, NULL);
	speaker_free(sp);
	speaker_free(NULL);
	unlink(log);
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

	REQUIRE(i18n_load("assets/po", err, sizeof err) == 0);
	test_texts();
	test_no_catalogues();
	test_voices();
	test_speech();

	snprintf(dir, sizeof dir, "/tmp/test_tts.XXXXXX");
	REQUIRE(mkdtemp(dir) != NULL);
	test_speaker(dir);
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
			int second = strcmp(langs[i], "ps") != 0;
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

		/* fr+ar A042, A043, fr A042, 12 langs for D120 (ps is the French
		 * file), E001, E002 -> 3 + 12 + 2; no temp file left. */
		CHECK_INT(count_files(), 17);

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
	i18n_free();
	return TEST_REPORT();
}
