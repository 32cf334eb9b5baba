/*
 * speech: the one way the programme turns text into sound. Platform module:
 * speech.c is the only file that includes espeak-ng's headers, and it owns
 * the library and the mutex that guards it. Two users sit on top:
 *   - tts.c, the waiting-room board's call announcements (WAV files);
 *   - speaker.c, the kiosk's voice (samples handed to an audio output).
 *
 * Which espeak-ng voice reads which language is NOT decided here: it is the
 * `voice` field of the language table in core/i18n.c, the only voice table.
 * This module only finds a language from the tags callers send (speech_lang)
 * and synthesises with the voice named there.
 *
 * Threads: libespeak-ng keeps global state and is not thread-safe, so every
 * call into it happens under one process-wide mutex inside speech.c. The
 * first synthesis initialises the library; speech_shutdown() releases it.
 *
 * Must not depend on: SDL, HTTP, the queue. This header holds no espeak-ng
 * type, so the SDL seam and the board's code can include it without the
 * library's flags.
 */
#ifndef KIOSK_SPEECH_H
#define KIOSK_SPEECH_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct lang;

/* Speaking rate in words per minute (espeak-ng's default is 175): a little
 * slower, since a waiting room is noisy and many listeners are not native. */
#define SPEECH_RATE 150
/* espeak-ng's volume (0-200, default 100); 100 clips some voices' peaks. */
#define SPEECH_VOLUME 85

/* Samples of speech: mono, signed 16-bit, host order. The caller owns it
 * (zero it before first use, speech_pcm_free after). */
struct speech_pcm {
	struct buf bytes; /* the samples' bytes: bytes.len / 2 samples */
	int rate;         /* samples per second; set by the first synthesis */
};

/* The samples, and how many there are. */
const int16_t *speech_pcm_samples(const struct speech_pcm *p);
size_t speech_pcm_count(const struct speech_pcm *p);

/* Asked between chunks of samples during a synthesis: return nonzero to
 * stop it (the kiosk's visitor moved on). Called on the synthesising thread,
 * with the espeak mutex held: it must not call this module. */
typedef int (*speech_stop_fn)(void *arg);

/*
 * The language a tag names, for speech: the language table's entry (codes
 * and aliases, case-blind), else that of its primary subtag ("ar-MA" -> ar).
 * NULL for an unknown tag, NULL or "".
 */
const struct lang *speech_lang(const char *tag);

/* The espeak-ng voice that reads language `tag`, from the language table;
 * NULL when the language is unknown or has no voice. */
const char *speech_voice(const char *tag);

/*
 * Append `text` (UTF-8, plain text: no SSML) spoken by `voice` to p, at
 * SPEECH_RATE and SPEECH_VOLUME. stop may be NULL. Returns 0, or -1 with a
 * reason in err: no such voice, out of memory, no sound made, or
 * "interrupted" when stop asked for it (p then holds a partial sentence).
 */
int speech_say(struct speech_pcm *p, const char *voice, const char *text,
               speech_stop_fn stop, void *stop_arg, char *err, size_t errlen);

/* Append ms milliseconds of silence (after a speech_say: the rate is
 * known). Returns 0, or -1 with a reason in err. */
int speech_pause(struct speech_pcm *p, int ms, char *err, size_t errlen);

/* Free p's samples and zero it; harmless on a zeroed pcm. */
void speech_pcm_free(struct speech_pcm *p);

/* Release espeak-ng's memory (at exit; harmless if never initialised, and
 * when called twice). A later speech_say initialises it again. */
void speech_shutdown(void);

#endif
