/*
 * tts: spoken call announcements for the waiting-room board, as WAV files.
 * Platform module on top of the speech module (speech.h), which owns
 * libespeak-ng. It knows nothing of HTTP or the queue; the server calls it
 * when a ticket is called and serves the file it names under /audio/.
 *
 * One announcement is ONE mono 16-bit PCM WAV file: the catalogues' call
 * sentence "Ticket %s, guichet %d" in French ("Ticket A 0 4 2, guichet 3"),
 * a short pause, then the same sentence in the ticket's language, from that
 * language's catalogue and read by its voice in the language table
 * (core/i18n.c). The number's letter and digits are spelled one by one.
 * French only when the language is French or easy-to-read French (same
 * voice), has no voice (Pashto), has no translation of the sentence, or is
 * unknown. Files are cached under cache_dir by a hash of (texts, voices,
 * format), so a recall or a second board costs nothing.
 *
 * The catalogues must be loaded (i18n_load) before the first call; without
 * them every announcement is French only.
 *
 * Threads: any thread may call tts_announce; the speech module serialises
 * the synthesis, and a cached announcement is found without any lock, so a
 * long fresh synthesis in one thread never delays a cached answer in another.
 */
#ifndef KIOSK_TTS_H
#define KIOSK_TTS_H

#include <stddef.h>

/*
 * Make (or find in the cache) the announcement of ticket `number` (one
 * upper-case letter then 1..4 digits, e.g. "A042") at counter `counter`
 * (1..999), for a ticket in language `lang` (a tag such as "ar", "zh",
 * "fa-AF"; a tag not in the language table is tried by its primary subtag;
 * NULL, "" or a language without a voice of its own gives French only).
 * On success writes the file's name relative to cache_dir ("<hex>.wav", 37
 * bytes with the NUL) into relpath_out and returns 0; otherwise returns -1
 * with a reason in err. cache_dir is created if missing (one level).
 * A cached entry returns in well under a millisecond; a fresh one takes the
 * time of two syntheses (see the test's printed figure).
 */
int tts_announce(const char *cache_dir, const char *number, int counter, const char *lang,
                 char *relpath_out, size_t relpath_len, char *err, size_t errlen);

/*
 * The texts and espeak-ng voice names tts_announce would use, without
 * synthesising (for tests and logs). voice2/text2 are set to "" when the
 * announcement is French only. Returns 0, or -1 for a bad number/counter.
 */
int tts_texts(const char *number, int counter, const char *lang,
              char *voice1, size_t v1len, char *text1, size_t t1len,
              char *voice2, size_t v2len, char *text2, size_t t2len,
              char *err, size_t errlen);

/* Release espeak-ng's memory (at exit; harmless if never initialised):
 * speech_shutdown(). */
void tts_shutdown(void);

#endif
