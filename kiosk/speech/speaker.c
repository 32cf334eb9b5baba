/*
 * speaker: see speaker.h. One thread, one slot: speaker_say puts the lines
 * in `pending` and bumps `gen`; the thread takes them, and every step that
 * may take time (a synthesis, the wait for a sentence to be heard) looks
 * at `gen` and gives up when it moved. Only numbers and the taken lines
 * cross between the threads, under the speaker's mutex.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "speech/speaker.h"
#include "speech/speech.h"

struct speaker {
	pthread_t th;                  /* the speaker thread (when out != NULL) */
	pthread_mutex_t mu;            /* guards everything below but out/out_arg */
	pthread_cond_t cv;             /* new lines, an interruption or stop (clock_cond_init) */
	int stop;                      /* 1: leave the thread */
	char *pending;                 /* lines waiting to be said, or NULL */
	unsigned gen;                  /* bumped by every say: interrupts what is going on */
	FILE *log;                     /* the speech log, or NULL */
	const struct speaker_out *out; /* the audio output, or NULL: log only */
	void *out_arg;                 /* its argument */
};

/* What a synthesis asks between chunks: has the visitor moved on? */
struct said {
	struct speaker *sp; /* the speaker */
	unsigned gen;       /* the request being said */
};

/* Cut the next line "LANG\tTEXT" off *cur; 0 at the end. Lines without a
 * tab are passed over. */
static int
next_line(char **cur, char **lang, char **text)
{
	while (*cur && **cur) {
		char *line = *cur, *nl = strchr(line, '\n'), *tab;
		if (nl) {
			*nl = '\0';
			*cur = nl + 1;
		} else {
			*cur = line + strlen(line);
		}
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		*lang = line;
		*text = tab + 1;
		return 1;
	}
	return 0;
}

/* Write one log line. Call with sp->mu held. */
static void
log_locked(struct speaker *sp, const char *a, const char *b, const char *c)
{
	if (sp->log == NULL)
		return;
	fprintf(sp->log, "%s\t%s\t%s\n", a, b, c);
	fflush(sp->log);
}

static int
moved_on(void *arg)
{
	struct said *s = arg;
	int moved;

	pthread_mutex_lock(&s->sp->mu);
	moved = s->gen != s->sp->gen || s->sp->stop;
	pthread_mutex_unlock(&s->sp->mu);
	return moved;
}

/* Wait ms for a sentence to be heard. 0, or -1 when interrupted (what was
 * queued is then dropped). */
static int
wait_heard(struct speaker *sp, unsigned gen, int ms)
{
	struct timespec dl = clock_deadline(ms);
	int moved;

	pthread_mutex_lock(&sp->mu);
	while (gen == sp->gen && !sp->stop &&
	    pthread_cond_timedwait(&sp->cv, &sp->mu, &dl) != ETIMEDOUT)
		;
	moved = gen != sp->gen || sp->stop;
	pthread_mutex_unlock(&sp->mu);
	if (moved)
		sp->out->hush(sp->out_arg);
	return moved ? -1 : 0;
}

/* Say one sentence. 0, or -1 to drop the rest of the request. */
static int
say_one(struct speaker *sp, struct speech_pcm *pcm, unsigned gen, const char *lang,
    const char *text)
{
	const char *voice = speech_voice(lang);
	struct said s = { sp, gen };
	char err[256], bytes[32];
	int ms;

	pthread_mutex_lock(&sp->mu);
	if (gen != sp->gen || sp->stop) {
		pthread_mutex_unlock(&sp->mu);
		return -1;
	}
	log_locked(sp, lang, voice ? voice : "-", text);
	pthread_mutex_unlock(&sp->mu);
	if (voice == NULL)
		return 0; /* no voice for this language (i18n.c says why) */
	buf_clear(&pcm->bytes);
	if (speech_say(pcm, voice, text, moved_on, &s, err, sizeof err) < 0) {
		if (moved_on(&s))
			return -1;
		log_warnx("speaker: cannot say a %s sentence: %s", voice, err);
		return 0;
	}
	snprintf(bytes, sizeof bytes, "%zu", pcm->bytes.len);
	pthread_mutex_lock(&sp->mu);
	log_locked(sp, "#said", voice, bytes);
	pthread_mutex_unlock(&sp->mu);
	if ((ms = sp->out->play(sp->out_arg, speech_pcm_samples(pcm), speech_pcm_count(pcm),
	    pcm->rate)) < 0) {
		log_warnx("speaker: the sound cannot be played");
		return 0;
	}
	return wait_heard(sp, gen, ms);
}

static void *
speaker_main(void *arg)
{
	struct speaker *sp = arg;
	struct speech_pcm pcm = { 0 };

	pthread_mutex_lock(&sp->mu);
	for (;;) {
		char *text, *cur, *lang, *line;
		unsigned gen;
		while (!sp->stop && sp->pending == NULL)
			pthread_cond_wait(&sp->cv, &sp->mu);
		if (sp->stop)
			break;
		text = cur = sp->pending;
		sp->pending = NULL;
		gen = sp->gen;
		pthread_mutex_unlock(&sp->mu);
		while (next_line(&cur, &lang, &line) && say_one(sp, &pcm, gen, lang, line) == 0)
			;
		free(text);
		pthread_mutex_lock(&sp->mu);
	}
	pthread_mutex_unlock(&sp->mu);
	speech_pcm_free(&pcm);
	return NULL;
}

struct speaker *
speaker_new(const char *logpath, const struct speaker_out *out, void *out_arg,
    char *err, size_t errlen)
{
	struct speaker *sp = calloc(1, sizeof *sp);

	if (sp == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	if (logpath && (sp->log = fopen(logpath, "a")) == NULL)
		log_warn("speaker: %s", logpath);
	sp->out = out;
	sp->out_arg = out_arg;
	pthread_mutex_init(&sp->mu, NULL);
	clock_cond_init(&sp->cv);
	if (out && pthread_create(&sp->th, NULL, speaker_main, sp) != 0) {
		errf(err, errlen, "cannot start the speaker thread");
		sp->out = NULL;
		speaker_free(sp);
		return NULL;
	}
	return sp;
}

void
speaker_say(struct speaker *sp, char *lines)
{
	if (sp->out == NULL) {
		/* nothing to play: log what would be said, here and now */
		char *cur = lines, *lang, *text;
		const char *voice;
		pthread_mutex_lock(&sp->mu);
		while (next_line(&cur, &lang, &text))
			log_locked(sp, lang, (voice = speech_voice(lang)) ? voice : "-", text);
		pthread_mutex_unlock(&sp->mu);
		free(lines);
		return;
	}
	pthread_mutex_lock(&sp->mu);
	free(sp->pending);
	sp->pending = lines;
	sp->gen++;
	pthread_cond_broadcast(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
}

void
speaker_free(struct speaker *sp)
{
	if (sp == NULL)
		return;
	if (sp->out) {
		pthread_mutex_lock(&sp->mu);
		sp->stop = 1;
		sp->gen++;
		pthread_cond_broadcast(&sp->cv);
		pthread_mutex_unlock(&sp->mu);
		pthread_join(sp->th, NULL);
	}
	free(sp->pending);
	if (sp->log)
		fclose(sp->log);
	pthread_cond_destroy(&sp->cv);
	pthread_mutex_destroy(&sp->mu);
	free(sp);
}
