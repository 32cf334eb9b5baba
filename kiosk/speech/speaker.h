/*
 * speaker: the kiosk's voice. The ui asks to say lines "LANG\tTEXT\n" (a
 * screen read aloud); a speaker thread synthesises each line through the
 * speech module (libespeak-ng, in this process: no program is spawned) with
 * the voice the language table gives LANG, and hands the samples to an
 * audio output. A new request interrupts the current one at once: the
 * synthesis stops between chunks and what was queued is dropped.
 *
 * The output is an ops table (struct speaker_out) so that this module needs
 * no audio library: the SDL seam provides the real one (sdl/audio.h), a
 * test provides a capture. Without an output the speaker only logs.
 *
 * Speech log (--speech-log, read by tests/it_touch.sh), one line per
 * sentence, in the order said:
 *   LANG \t VOICE \t TEXT     a sentence taken in hand; VOICE is "-" when
 *                             the language has no voice (not spoken)
 *   #said \t VOICE \t BYTES   its sound was made: BYTES of 16-bit samples
 * Without an output only the first kind is written, by speaker_say itself,
 * so a test sees it before the app ends.
 *
 * Threads: speaker_say and speaker_free are called by one thread (the
 * kiosk's UI thread); they only take the speaker's mutex and never wait for
 * sound. The output's functions are called on the speaker thread only.
 * Must not depend on: SDL, the ui, the network.
 */
#ifndef KIOSK_SPEAKER_H
#define KIOSK_SPEAKER_H

#include <stddef.h>
#include <stdint.h>

/* Where the speaker's samples go. */
struct speaker_out {
	/* Queue n mono 16-bit samples at rate Hz. Returns the milliseconds
	 * until they will have been heard (the speaker waits that long before
	 * the next sentence, unless interrupted), or -1 when nothing can be
	 * played (the speaker then only logs, with a warning). */
	int (*play)(void *arg, const int16_t *s, size_t n, int rate);
	/* Drop what is queued and not yet heard. */
	void (*hush)(void *arg);
};

struct speaker;

/*
 * A speaker writing its log to logpath (appended; NULL: no log) and playing
 * through out (with out_arg; NULL: log only, no thread). Returns NULL with a
 * reason in err when the thread cannot start.
 */
struct speaker *speaker_new(const char *logpath, const struct speaker_out *out, void *out_arg,
                            char *err, size_t errlen);

/* Say `lines` ("LANG\tTEXT\n"..., taken: freed by the speaker), after
 * stopping whatever is being said. NULL just stops it. */
void speaker_say(struct speaker *sp, char *lines);

/* Stop, join the thread, close the log. NULL is harmless. The output is
 * not used after this returns. */
void speaker_free(struct speaker *sp);

#endif
