/*
 * tts: see tts.h. Builds the two sentences from the catalogues' call
 * sentence (TTS_CALL, translated in assets/po/), has them spoken by the
 * speech module (speech.c, which owns libespeak-ng), and writes one WAV file
 * per announcement under the cache directory. No espeak-ng header here.
 *
 * Writing is crash-safe: samples go to a temporary file in the same
 * directory, which is flushed, fsync'ed and renamed over the final name, so
 * a board can never fetch half an announcement. Cache look-ups only stat()
 * the final name and take no lock. Fresh announcements are made one at a
 * time (tts_make_lock): boards asking for the same new call at once wait for
 * the first one's file instead of each synthesising it again.
 */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/str.h"
#include "speech/speech.h"
#include "speech/tts.h"

/* Held while a fresh announcement is made (see the top of this file). */
static pthread_mutex_t tts_make_lock = PTHREAD_MUTEX_INITIALIZER;

/* Silence between the French sentence and the second language, in ms. */
#define TTS_PAUSE_MS 600
/* Bumped whenever the output changes for the same texts, to void caches. */
#define TTS_FORMAT "tts-v1"

/* The call, in the catalogues (assets/po): %s is the spelled number, %d the
 * counter. The loader guarantees every translation takes the same
 * arguments in the same order, so it is a safe format. */
#define TTS_CALL "Ticket %s, guichet %d"

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

/* One sentence: voice into vout, the call in format fmt into tout. */
static int
tts_sentence(const char *voice, const char *fmt, const char *spelled, int counter,
             char *vout, size_t vlen, char *tout, size_t tlen, char *err, size_t errlen)
{
	int n;

	if (str_copy(vout, vlen, voice) < 0)
		return errf(err, errlen, "buffers too small");
	n = snprintf(tout, tlen, fmt, spelled, counter);
	if (n < 0 || (size_t)n >= tlen)
		return errf(err, errlen, "buffers too small");
	return 0;
}

int
tts_texts(const char *number, int counter, const char *lang,
          char *voice1, size_t v1len, char *text1, size_t t1len,
          char *voice2, size_t v2len, char *text2, size_t t2len,
          char *err, size_t errlen)
{
	char spelled[16];
	const struct lang *fr = i18n_lang("fr"), *l;
	const char *t;

	expect(fr != NULL && fr->voice != NULL);
	if (tts_spell(number, spelled, sizeof spelled, err, errlen) < 0)
		return -1;
	if (counter < 1 || counter > 999)
		return errf(err, errlen, "bad counter %d", counter);
	if (tts_sentence(fr->voice, i18n_tr("fr", TTS_CALL), spelled, counter, voice1, v1len,
	    text1, t1len, err, errlen) < 0)
		return -1;
	if (v2len > 0)
		voice2[0] = '\0';
	if (t2len > 0)
		text2[0] = '\0';
	/* The second sentence needs a voice of its own (easy-to-read French
	 * would only repeat the French) and a translation of the call. */
	l = speech_lang(lang);
	if (l == NULL || l->voice == NULL || strcmp(l->voice, fr->voice) == 0 ||
	    (t = i18n_lookup(l->code, TTS_CALL)) == NULL)
		return 0;
	return tts_sentence(l->voice, t, spelled, counter, voice2, v2len, text2, t2len,
	    err, errlen);
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

	snprintf(fmt, sizeof fmt, "%s/%d/%d/%d", TTS_FORMAT, SPEECH_RATE, SPEECH_VOLUME,
	    TTS_PAUSE_MS);
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
tts_write_wav(const struct speech_pcm *p, const char *dir, const char *name,
              char *err, size_t errlen)
{
	unsigned char h[44];
	char tmp[4096], path[4096];
	const int16_t *s = speech_pcm_samples(p);
	size_t i, n = speech_pcm_count(p);
	uint32_t bytes = (uint32_t)(n * 2);
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
	tts_le32(h + 24, (uint32_t)p->rate);
	tts_le32(h + 28, (uint32_t)p->rate * 2); /* bytes per second */
	tts_le16(h + 32, 2);                  /* block align */
	tts_le16(h + 34, 16);                 /* bits per sample */
	memcpy(h + 36, "data", 4);
	tts_le32(h + 40, bytes);
	if ((f = fopen(tmp, "wb")) == NULL)
		return errf(err, errlen, "%s: %s", tmp, strerror(errno));
	if (fwrite(h, 1, sizeof h, f) != sizeof h)
		goto out;
	/* Samples are host-endian; WAV wants little-endian. */
	for (i = 0; i < n; i++) {
		unsigned char b[2];
		tts_le16(b, (unsigned)(uint16_t)s[i]);
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

/* Synthesise the announcement and write it as dir/name. Call with
 * tts_make_lock held. */
static int
tts_make(const char *dir, const char *name, const char *number, const char *v1,
         const char *t1, const char *v2, const char *t2, char *err, size_t errlen)
{
	struct speech_pcm pcm = { 0 };
	size_t n0;
	int rc = -1;

	if (speech_say(&pcm, v1, t1, NULL, NULL, err, errlen) < 0)
		goto out;
	if (v2[0] != '\0') {
		n0 = pcm.bytes.len;
		if (speech_pause(&pcm, TTS_PAUSE_MS, err, errlen) < 0)
			goto out;
		/* A voice that espeak lacks here gives French only, not an error. */
		if (speech_say(&pcm, v2, t2, NULL, NULL, err, errlen) < 0) {
			log_warnx("tts: %s; announcing %s in French only", err, number);
			buf_truncate(&pcm.bytes, n0);
		}
	}
	rc = tts_write_wav(&pcm, dir, name, err, errlen);
out:
	speech_pcm_free(&pcm);
	return rc;
}

int
tts_announce(const char *cache_dir, const char *number, int counter, const char *lang,
             char *relpath_out, size_t relpath_len, char *err, size_t errlen)
{
	char v1[32], v2[32], t1[256], t2[256], name[37];
	int rc = 0;

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
	if (sodium_init() < 0)
		return errf(err, errlen, "libsodium failed to initialise");

	pthread_mutex_lock(&tts_make_lock);
	/* Another thread may have made it while we waited for the lock. */
	if (!tts_cached(cache_dir, name))
		rc = tts_make(cache_dir, name, number, v1, t1, v2, t2, err, errlen);
	pthread_mutex_unlock(&tts_make_lock);
	if (rc < 0)
		return -1;
found:
	memcpy(relpath_out, name, sizeof name);
	return 0;
}

void
tts_shutdown(void)
{
	speech_shutdown();
}
