/*
 * tts: spoken call announcements for the waiting-room board, made offline
 * with libespeak-ng. Platform module: the only file that includes espeak-ng's
 * headers. It knows nothing of HTTP or the queue; the server calls it when a
 * ticket is called and serves the file it names under /audio/.
 *
 * One announcement is ONE mono 16-bit PCM WAV file: "Ticket A 0 4 2,
 * guichet 3" in French, a short pause, then the same sentence in the ticket's
 * language when espeak-ng has a voice for it. The number's letter and digits
 * are spelled one by one. Files are cached under cache_dir by a hash of
 * (texts, voices, format), so a recall or a second board costs nothing.
 *
 * Threads: espeak-ng's library keeps global state and is not thread-safe.
 * Every call into it happens under one process-wide mutex inside tts.c; a
 * cached announcement is found without taking that mutex, so a long fresh
 * synthesis in one thread never delays a cached answer in another.
 */
#ifndef KIOSK_TTS_H
#define KIOSK_TTS_H

#include <stddef.h>

/*
 * Make (or find in the cache) the announcement of ticket `number` (one
 * upper-case letter then 1..4 digits, e.g. "A042") at counter `counter`
 * (1..999), for a ticket in language `lang` (a tag such as "ar", "zh",
 * "fa-AF"; a tag not in the table is tried by its primary subtag; NULL, ""
 * or a language without a voice gives French only).
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

/* Release espeak-ng's memory (at exit; harmless if never initialised). */
void tts_shutdown(void);

#endif
