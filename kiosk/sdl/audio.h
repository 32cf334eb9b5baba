/*
 * audio: the kiosk's loudspeaker through SDL2's audio queue. Platform
 * module, in the SDL seam: the only file that calls SDL's audio functions.
 * It plays what the speaker (speech/speaker.h) synthesised, and knows
 * nothing of speech: it is that module's output (audio_out).
 *
 * Threads: audio_new and audio_free on the UI thread; audio_out's functions
 * on the speaker thread only (between the two).
 */
#ifndef KIOSK_AUDIO_H
#define KIOSK_AUDIO_H

#include <stddef.h>

#include "speech/speaker.h"

struct audio;

/* Start SDL's audio subsystem (the video one may already run). The device
 * itself is opened at the first sentence, at its sample rate. Returns NULL
 * with a reason in err when there is no audio (the kiosk then only logs
 * its speech). */
struct audio *audio_new(char *err, size_t errlen);

/* Close the device and the subsystem. NULL is harmless. */
void audio_free(struct audio *a);

/* The speaker's output; its argument is a struct audio. */
extern const struct speaker_out audio_out;

#endif
