/*
 * speech: see speech.h. libespeak-ng in synchronous retrieval mode: the
 * samples come back through a callback into the caller's buffer, nothing is
 * played here. What to do with them (a WAV file for the board, an audio
 * device for the kiosk) is the caller's business.
 */
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "core/log.h"
#include "speech/speech.h"

/* Everything below is guarded by speech_lock: espeak-ng is not thread-safe. */
static pthread_mutex_t speech_lock = PTHREAD_MUTEX_INITIALIZER;
static int speech_rate_hz;           /* the library's sample rate; 0 until initialised */
static struct speech_pcm *sink;      /* where the callback appends */
static speech_stop_fn sink_stop;     /* asked between chunks, or NULL */
static void *sink_stop_arg;          /* its argument */
static int sink_oom;                 /* growing the sink failed */
static int sink_stopped;             /* sink_stop asked to stop */

const struct lang *
speech_lang(const char *tag)
{
	const struct lang *l;
	char primary[16];
	size_t n;

	if (tag == NULL || tag[0] == '\0')
		return NULL;
	if ((l = i18n_lang(tag)) != NULL)
		return l;
	n = strcspn(tag, "-_");
	if (n == 0 || n >= sizeof primary || tag[n] == '\0')
		return NULL;
	memcpy(primary, tag, n);
	primary[n] = '\0';
	return i18n_lang(primary);
}

const char *
speech_voice(const char *tag)
{
	const struct lang *l = speech_lang(tag);

	return l ? l->voice : NULL;
}

const int16_t *
speech_pcm_samples(const struct speech_pcm *p)
{
	return (const int16_t *)(const void *)p->bytes.p;
}

size_t
speech_pcm_count(const struct speech_pcm *p)
{
	return p->bytes.len / sizeof(int16_t);
}

/* espeak-ng's synthesis callback; runs inside espeak_Synth, under speech_lock.
 * Returning 1 aborts the synthesis. */
static int
speech_callback(short *wav, int n, espeak_EVENT *ev)
{
	(void)ev;
	if (sink == NULL)
		return 0;
	if (sink_stop && sink_stop(sink_stop_arg)) {
		sink_stopped = 1;
		return 1;
	}
	if (wav == NULL || n <= 0)
		return 0;
	buf_add(&sink->bytes, wav, (size_t)n * sizeof *wav);
	if (sink->bytes.failed) {
		sink_oom = 1;
		return 1;
	}
	return 0;
}

/* Call with speech_lock held. */
static int
init_locked(char *err, size_t errlen)
{
	int rate;

	if (speech_rate_hz > 0)
		return 0;
	/* DONT_EXIT: without its data espeak would otherwise exit(). */
	rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
	if (rate <= 0)
		return errf(err, errlen, "espeak-ng failed to initialise (is espeak-ng-data installed?)");
	espeak_SetSynthCallback(speech_callback);
	speech_rate_hz = rate;
	return 0;
}

/*
 * Choose a voice by the name of its file ("ar", "cmn-latn-pinyin"), else by
 * a language it speaks, exactly ("fr-fr", "en-gb": the codes `espeak-ng
 * --voices` lists, which the language table uses). Unlike the command's -v,
 * a name that matches nothing is an error, never some default voice.
 * Call with speech_lock held.
 */
static int
set_voice_locked(const char *voice)
{
	const espeak_VOICE **v;
	const char *p;

	if (espeak_SetVoiceByName(voice) == EE_OK)
		return 0;
	for (v = espeak_ListVoices(NULL); v && *v; v++) {
		/* languages: a priority byte, a NUL-terminated name; again; a 0 byte */
		for (p = (*v)->languages; p && *p; p += 1 + strlen(p + 1) + 1)
			if (strcasecmp(p + 1, voice) == 0)
				return espeak_SetVoiceByName((*v)->identifier) == EE_OK ? 0 : -1;
	}
	return -1;
}

int
speech_say(struct speech_pcm *p, const char *voice, const char *text,
           speech_stop_fn stop, void *stop_arg, char *err, size_t errlen)
{
	espeak_ERROR e;
	size_t before = p->bytes.len;
	int rc = -1;

	if (voice == NULL || text == NULL)
		return errf(err, errlen, "no voice or no text");
	pthread_mutex_lock(&speech_lock);
	if (init_locked(err, errlen) < 0)
		goto out;
	if (set_voice_locked(voice) != 0) {
		errf(err, errlen, "espeak-ng has no voice \"%s\"", voice);
		goto out;
	}
	espeak_SetParameter(espeakRATE, SPEECH_RATE, 0);
	espeak_SetParameter(espeakVOLUME, SPEECH_VOLUME, 0);
	p->rate = speech_rate_hz;
	sink = p;
	sink_stop = stop;
	sink_stop_arg = stop_arg;
	sink_oom = sink_stopped = 0;
	e = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
	sink = NULL;
	sink_stop = NULL;
	sink_stop_arg = NULL;
	if (sink_stopped)
		errf(err, errlen, "interrupted");
	else if (sink_oom)
		errf(err, errlen, "out of memory");
	else if (e != EE_OK)
		errf(err, errlen, "espeak-ng synthesis failed (%d)", (int)e);
	else if (p->bytes.len == before)
		errf(err, errlen, "espeak-ng produced no sound for voice \"%s\"", voice);
	else
		rc = 0;
out:
	pthread_mutex_unlock(&speech_lock);
	return rc;
}

int
speech_pause(struct speech_pcm *p, int ms, char *err, size_t errlen)
{
	size_t n;
	void *silence;

	if (p->rate <= 0 || ms < 0)
		return errf(err, errlen, "a pause needs a sample rate: speak first");
	n = (size_t)p->rate * (size_t)ms / 1000 * sizeof(int16_t);
	if ((silence = buf_extend(&p->bytes, n)) == NULL)
		return errf(err, errlen, "out of memory");
	memset(silence, 0, n);
	return 0;
}

void
speech_pcm_free(struct speech_pcm *p)
{
	buf_free(&p->bytes);
	memset(p, 0, sizeof *p);
}

void
speech_shutdown(void)
{
	pthread_mutex_lock(&speech_lock);
	if (speech_rate_hz > 0) {
		espeak_Terminate();
		speech_rate_hz = 0;
	}
	pthread_mutex_unlock(&speech_lock);
}
