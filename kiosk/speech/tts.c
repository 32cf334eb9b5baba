/*
 * tts: see tts.h. Builds the sentences from a small per-language table,
 * synthesises them with libespeak-ng in synchronous retrieval mode (the
 * samples come back through a callback, nothing is played), and writes one
 * WAV file per announcement under the cache directory.
 *
 * Writing is crash-safe: samples go to a temporary file in the same
 * directory, which is flushed, fsync'ed and renamed over the final name, so
 * a board can never fetch half an announcement. Cache look-ups only stat()
 * the final name and do not take the espeak mutex.
 */
#include <errno.h>
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "speech/tts.h"

/* Speaking rate in words per minute (espeak's default is 175): a little
 * slower, since a waiting room is noisy and many listeners are not native. */
#define TTS_RATE 150
/* espeak-ng's volume (0-200, default 100); 100 clips some voices' peaks. */
#define TTS_VOLUME 85
/* Silence between the French sentence and the second language, in ms. */
#define TTS_PAUSE_MS 600
/* Bumped whenever the output changes for the same texts, to void caches. */
#define TTS_FORMAT "tts-v1"

/* One language's announcement. {n} is replaced by the spelled number,
 * {c} by the counter number. */
struct tts_lang {
	const char *code;   /* ticket language code, as the kiosk records it */
	const char *voice;  /* espeak-ng voice name; NULL: no second sentence */
	const char *tmpl;   /* sentence template (UTF-8), NULL with voice NULL */
};

/*
 * fr is the first sentence of every announcement. ht (Haitian Creole) gets
 * the French sentence only: Haitian listeners understand French numbers and
 * "guichet", and espeak-ng's ht voice is a rough one. ps (Pashto) has no
 * espeak-ng voice at all. zh uses the Mandarin voice that reads pinyin as
 * pinyin: the plain "cmn" voice reads the Hanzi's pinyin with English rules.
 */
static const struct tts_lang tts_langs[] = {
	{ "fr", "fr", "Ticket {n}, guichet {c}." },
	{ "en", "en", "Ticket {n}, counter {c}." },
	{ "ar", "ar", "التذكرة {n}، الشباك {c}." },
	{ "fa", "fa", "نوبت {n}، باجه {c}." },
	{ "prs", "fa", "نوبت {n}، باجه {c}." },   /* Dari (the kiosk says fa-AF) */
	{ "es", "es", "Número {n}, ventanilla {c}." },
	{ "pt", "pt", "Senha {n}, balcão {c}." },
	{ "ru", "ru", "Талон {n}, окно {c}." },
	{ "uk", "uk", "Талон {n}, віконце {c}." },
	{ "tr", "tr", "Numara {n}, gişe {c}." },
	{ "bn", "bn", "টিকিট {n}, কাউন্টার {c}।" },
	{ "ta", "ta", "டிக்கெட் {n}, கவுண்டர் {c}." },
	{ "zh", "cmn-latn-pinyin", "{n} 号，请到 {c} 号窗口。" },
	{ "cmn", "cmn-latn-pinyin", "{n} 号，请到 {c} 号窗口。" },
	{ "ht", NULL, NULL },
	{ "ps", NULL, NULL },
};

/* Samples of one announcement, grown by the synthesis callback. */
struct tts_pcm {
	int16_t *s;     /* samples, mono */
	size_t n;       /* samples used */
	size_t cap;     /* samples allocated */
	int oom;        /* set when growing failed: the result is unusable */
};

/* Everything below is guarded by tts_lock: espeak-ng is not thread-safe. */
static pthread_mutex_t tts_lock = PTHREAD_MUTEX_INITIALIZER;
static int tts_rate_hz;            /* sample rate; 0 until initialised */
static struct tts_pcm *tts_sink;   /* where the callback appends */

/* The table entry for a language tag: exact match first, then its primary
 * subtag, case-blind ("fa-AF" -> fa, "zh-Hans" -> zh, "fr-easy" -> fr). */
static const struct tts_lang *
tts_find(const char *lang)
{
	size_t i, n;

	if (lang == NULL || lang[0] == '\0')
		return NULL;
	for (i = 0; i < sizeof tts_langs / sizeof tts_langs[0]; i++)
		if (strcasecmp(tts_langs[i].code, lang) == 0)
			return &tts_langs[i];
	n = strcspn(lang, "-_");
	for (i = 0; i < sizeof tts_langs / sizeof tts_langs[0]; i++)
		if (strlen(tts_langs[i].code) == n && strncasecmp(tts_langs[i].code, lang, n) == 0)
			return &tts_langs[i];
	return NULL;
}

/* "A042" -> "A 0 4 2". Only [A-Z][0-9]{1,4} is accepted, so nothing a
 * client sends can reach espeak as markup or a long text. */
static int
tts_spell(const char *number, char *out, size_t outlen, char *err, size_t errlen)
{
	size_t i, len, o = 0;

	len = number ? strlen(number) : 0;
	if (len < 2 || len > 5 || number[0] < 'A' || number[0] > 'Z')
		return errf(err, errlen, "bad ticket number \"%s\"", number ? number : "(null)");
	for (i = 1; i < len; i++)
		if (number[i] < '0' || number[i] > '9')
			return errf(err, errlen, "bad ticket number \"%s\"", number);
	expect(outlen >= 2 * len);
	for (i = 0; i < len; i++) {
		if (i > 0)
			out[o++] = ' ';
		out[o++] = number[i];
	}
	out[o] = '\0';
	return 0;
}

/* Copy tmpl into out, replacing {n} and {c}. */
static int
tts_fill(const char *tmpl, const char *spelled, int counter, char *out, size_t outlen,
         char *err, size_t errlen)
{
	char cnum[16];
	const char *p, *rep;
	size_t o = 0, rl;

	snprintf(cnum, sizeof cnum, "%d", counter);
	for (p = tmpl; *p; ) {
		rep = NULL;
		if (strncmp(p, "{n}", 3) == 0)
			rep = spelled;
		else if (strncmp(p, "{c}", 3) == 0)
			rep = cnum;
		if (rep) {
			rl = strlen(rep);
			if (o + rl >= outlen)
				goto toolong;
			memcpy(out + o, rep, rl);
			o += rl;
			p += 3;
		} else {
			if (o + 1 >= outlen)
				goto toolong;
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return 0;
toolong:
	return errf(err, errlen, "announcement text too long");
}

static int
tts_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

int
tts_texts(const char *number, int counter, const char *lang,
          char *voice1, size_t v1len, char *text1, size_t t1len,
          char *voice2, size_t v2len, char *text2, size_t t2len,
          char *err, size_t errlen)
{
	char spelled[16];
	const struct tts_lang *fr = &tts_langs[0], *l;

	if (tts_spell(number, spelled, sizeof spelled, err, errlen) < 0)
		return -1;
	if (counter < 1 || counter > 999)
		return errf(err, errlen, "bad counter %d", counter);
	if (tts_copy(voice1, v1len, fr->voice) < 0 ||
	    tts_fill(fr->tmpl, spelled, counter, text1, t1len, err, errlen) < 0)
		return errf(err, errlen, "buffers too small");
	voice2[0] = text2[0] = '\0';
	l = tts_find(lang);
	if (l == NULL || l->voice == NULL || l == fr)
		return 0;
	if (tts_copy(voice2, v2len, l->voice) < 0 ||
	    tts_fill(l->tmpl, spelled, counter, text2, t2len, err, errlen) < 0)
		return errf(err, errlen, "buffers too small");
	return 0;
}

/* Name of the cache file: hash of everything that shapes the audio. */
static void
tts_name(const char *v1, const char *t1, const char *v2, const char *t2, char out[37])
{
	crypto_generichash_state st;
	unsigned char h[16];
	char fmt[64];
	size_t i;
	static const char hex[] = "0123456789abcdef";

	snprintf(fmt, sizeof fmt, "%s/%d/%d/%d", TTS_FORMAT, TTS_RATE, TTS_VOLUME, TTS_PAUSE_MS);
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	/* Each part with its NUL, so ("ab","c") and ("a","bc") differ. */
	crypto_generichash_update(&st, (const unsigned char *)fmt, strlen(fmt) + 1);
	crypto_generichash_update(&st, (const unsigned char *)v1, strlen(v1) + 1);
	crypto_generichash_update(&st, (const unsigned char *)t1, strlen(t1) + 1);
	crypto_generichash_update(&st, (const unsigned char *)v2, strlen(v2) + 1);
	crypto_generichash_update(&st, (const unsigned char *)t2, strlen(t2) + 1);
	crypto_generichash_final(&st, h, sizeof h);
	for (i = 0; i < sizeof h; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	memcpy(out + 32, ".wav", 5);
}

static int
tts_grow(struct tts_pcm *p, size_t more)
{
	size_t cap;
	int16_t *s;

	if (p->n + more <= p->cap)
		return 0;
	cap = p->cap ? p->cap : 65536;
	while (cap < p->n + more)
		cap *= 2;
	if ((s = realloc(p->s, cap * sizeof *s)) == NULL) {
		p->oom = 1;
		return -1;
	}
	p->s = s;
	p->cap = cap;
	return 0;
}

/* espeak-ng's synthesis callback; runs inside espeak_Synth, under tts_lock. */
static int
tts_callback(short *wav, int n, espeak_EVENT *ev)
{
	(void)ev;
	if (wav == NULL || n <= 0 || tts_sink == NULL)
		return 0;
	if (tts_grow(tts_sink, (size_t)n) < 0)
		return 1;       /* abort synthesis */
	memcpy(tts_sink->s + tts_sink->n, wav, (size_t)n * sizeof *wav);
	tts_sink->n += (size_t)n;
	return 0;
}

/* Call with tts_lock held. */
static int
tts_init_locked(char *err, size_t errlen)
{
	int rate;

	if (tts_rate_hz > 0)
		return 0;
	if (sodium_init() < 0)
		return errf(err, errlen, "libsodium failed to initialise");
	/* DONT_EXIT: without its data espeak would otherwise exit(). */
	rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
	if (rate <= 0)
		return errf(err, errlen, "espeak-ng failed to initialise (is espeak-ng-data installed?)");
	espeak_SetSynthCallback(tts_callback);
	tts_rate_hz = rate;
	return 0;
}

/* Append one sentence spoken by voice. Call with tts_lock held. */
static int
tts_say_locked(struct tts_pcm *p, const char *voice, const char *text, char *err, size_t errlen)
{
	espeak_ERROR e;
	size_t before = p->n;

	if (espeak_SetVoiceByName(voice) != EE_OK)
		return errf(err, errlen, "espeak-ng has no voice \"%s\"", voice);
	espeak_SetParameter(espeakRATE, TTS_RATE, 0);
	espeak_SetParameter(espeakVOLUME, TTS_VOLUME, 0);
	tts_sink = p;
	e = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
	tts_sink = NULL;
	if (e != EE_OK)
		return errf(err, errlen, "espeak-ng synthesis failed (%d)", (int)e);
	if (p->oom)
		return errf(err, errlen, "out of memory");
	if (p->n == before)
		return errf(err, errlen, "espeak-ng produced no sound for voice \"%s\"", voice);
	return 0;
}

static void
tts_le16(unsigned char *b, unsigned v)
{
	b[0] = v & 255;
	b[1] = (v >> 8) & 255;
}

static void
tts_le32(unsigned char *b, uint32_t v)
{
	b[0] = v & 255;
	b[1] = (v >> 8) & 255;
	b[2] = (v >> 16) & 255;
	b[3] = (v >> 24) & 255;
}

/* Write p as a WAV file at path via a temporary file and rename(2). */
static int
tts_write_wav(const struct tts_pcm *p, int rate, const char *dir, const char *name,
              char *err, size_t errlen)
{
	unsigned char h[44];
	char tmp[4096], path[4096];
	uint32_t bytes = (uint32_t)(p->n * 2);
	size_t i;
	FILE *f;
	int rc = -1;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/.tmp-%ld-%s", dir, (long)getpid(), name) >= sizeof tmp)
		return errf(err, errlen, "cache path too long");
	memcpy(h, "RIFF", 4);
	tts_le32(h + 4, 36 + bytes);
	memcpy(h + 8, "WAVEfmt ", 8);
	tts_le32(h + 16, 16);                 /* fmt chunk size */
	tts_le16(h + 20, 1);                  /* PCM */
	tts_le16(h + 22, 1);                  /* mono */
	tts_le32(h + 24, (uint32_t)rate);
	tts_le32(h + 28, (uint32_t)rate * 2); /* bytes per second */
	tts_le16(h + 32, 2);                  /* block align */
	tts_le16(h + 34, 16);                 /* bits per sample */
	memcpy(h + 36, "data", 4);
	tts_le32(h + 40, bytes);
	if ((f = fopen(tmp, "wb")) == NULL)
		return errf(err, errlen, "%s: %s", tmp, strerror(errno));
	if (fwrite(h, 1, sizeof h, f) != sizeof h)
		goto out;
	/* Samples are host-endian; WAV wants little-endian. */
	for (i = 0; i < p->n; i++) {
		unsigned char b[2];
		tts_le16(b, (unsigned)(uint16_t)p->s[i]);
		if (fwrite(b, 1, 2, f) != 2)
			goto out;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		errf(err, errlen, "%s: %s", tmp, strerror(errno));
	if (fclose(f) != 0 && rc == 0)
		rc = errf(err, errlen, "%s: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, path) != 0)
		rc = errf(err, errlen, "%s: %s", path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	return rc;
}

static int
tts_cached(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 44;
}

int
tts_announce(const char *cache_dir, const char *number, int counter, const char *lang,
             char *relpath_out, size_t relpath_len, char *err, size_t errlen)
{
	char v1[32], v2[32], t1[256], t2[256], name[37];
	struct tts_pcm pcm = { 0 };
	size_t pause, n0;
	int rc = -1;

	if (cache_dir == NULL || cache_dir[0] == '\0')
		return errf(err, errlen, "no audio cache directory");
	if (relpath_len < sizeof name)
		return errf(err, errlen, "relpath buffer too small");
	if (tts_texts(number, counter, lang, v1, sizeof v1, t1, sizeof t1,
	    v2, sizeof v2, t2, sizeof t2, err, errlen) < 0)
		return -1;
	tts_name(v1, t1, v2, t2, name);
	if (tts_cached(cache_dir, name))
		goto found;
	if (mkdir(cache_dir, 0755) != 0 && errno != EEXIST)
		return errf(err, errlen, "%s: %s", cache_dir, strerror(errno));

	pthread_mutex_lock(&tts_lock);
	/* Another thread may have made it while we waited for the lock. */
	if (tts_cached(cache_dir, name)) {
		rc = 0;
		goto unlock;
	}
	if (tts_init_locked(err, errlen) < 0)
		goto unlock;
	if (tts_say_locked(&pcm, v1, t1, err, errlen) < 0)
		goto unlock;
	if (v2[0] != '\0') {
		n0 = pcm.n;
		pause = (size_t)tts_rate_hz * TTS_PAUSE_MS / 1000;
		if (tts_grow(&pcm, pause) < 0) {
			errf(err, errlen, "out of memory");
			goto unlock;
		}
		memset(pcm.s + pcm.n, 0, pause * sizeof *pcm.s);
		pcm.n += pause;
		/* A voice that espeak lacks here gives French only, not an error. */
		if (tts_say_locked(&pcm, v2, t2, err, errlen) < 0) {
			if (pcm.oom)
				goto unlock;
			log_warnx("tts: %s; announcing %s in French only", err, number);
			pcm.n = n0;
		}
	}
	rc = tts_write_wav(&pcm, tts_rate_hz, cache_dir, name, err, errlen);
unlock:
	pthread_mutex_unlock(&tts_lock);
	free(pcm.s);
	if (rc < 0)
		return -1;
found:
	memcpy(relpath_out, name, sizeof name);
	return 0;
}

void
tts_shutdown(void)
{
	pthread_mutex_lock(&tts_lock);
	if (tts_rate_hz > 0) {
		espeak_Terminate();
		tts_rate_hz = 0;
	}
	pthread_mutex_unlock(&tts_lock);
}
