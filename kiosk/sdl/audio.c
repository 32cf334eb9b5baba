/*
 * audio: see audio.h. Mono signed 16-bit samples are queued with
 * SDL_QueueAudio (no callback thread of ours); SDL converts them to what the
 * device wants. On a box without a sound card, SDL_AUDIODRIVER=disk writes
 * the sound to a file, which is how the tests hear it.
 */
#include <SDL.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/log.h"
#include "sdl/audio.h"

struct audio {
	SDL_AudioDeviceID dev; /* opened at the first sentence, 0 before */
	int rate;              /* the rate it was opened for */
	int broken;            /* 1: it could not be opened: play nothing */
};

struct audio *
audio_new(char *err, size_t errlen)
{
	struct audio *a;

	if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
		errf(err, errlen, "%s", SDL_GetError());
		return NULL;
	}
	if ((a = calloc(1, sizeof *a)) == NULL) {
		SDL_QuitSubSystem(SDL_INIT_AUDIO);
		errf(err, errlen, "out of memory");
	}
	return a;
}

void
audio_free(struct audio *a)
{
	if (a == NULL)
		return;
	if (a->dev)
		SDL_CloseAudioDevice(a->dev);
	SDL_QuitSubSystem(SDL_INIT_AUDIO);
	free(a);
}

/* Open the device for mono 16-bit samples at rate Hz. 0 or -1. */
static int
audio_open(struct audio *a, int rate)
{
	SDL_AudioSpec want, have;

	if (a->dev && a->rate == rate)
		return 0;
	if (a->dev)
		SDL_CloseAudioDevice(a->dev);
	SDL_zero(want);
	want.freq = rate;
	want.format = AUDIO_S16SYS;
	want.channels = 1;
	want.samples = 4096;
	/* no changes allowed: SDL converts our samples to the device's format */
	if ((a->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0)) == 0) {
		log_warnx("audio: no audio output: %s", SDL_GetError());
		a->broken = 1;
		return -1;
	}
	a->rate = rate;
	SDL_PauseAudioDevice(a->dev, 0);
	return 0;
}

static int
audio_play(void *arg, const int16_t *s, size_t n, int rate)
{
	struct audio *a = arg;
	Uint32 queued;

	if (a->broken || rate <= 0 || n > UINT32_MAX / 2 || audio_open(a, rate) != 0)
		return -1;
	if (SDL_QueueAudio(a->dev, s, (Uint32)(n * sizeof *s)) != 0) {
		log_warnx("audio: %s", SDL_GetError());
		return -1;
	}
	/* heard when the queue has drained, plus the device's own buffer */
	queued = SDL_GetQueuedAudioSize(a->dev);
	return (int)((uint64_t)queued * 1000 / ((uint64_t)rate * sizeof *s)) + 100;
}

static void
audio_hush(void *arg)
{
	struct audio *a = arg;

	if (a->dev)
		SDL_ClearQueuedAudio(a->dev);
}

const struct speaker_out audio_out = { audio_play, audio_hush };
