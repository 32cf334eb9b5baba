/*
 * i18n: the languages of the kiosk, the slip and the board, and the gettext
 * catalogues that translate what applicants read and hear.
 *
 * Pure core: it reads .po files once, at start-up (i18n_load), and never
 * touches SDL, fonts, speech or the network. The text module picks a font
 * from lang.script, the layout mirrors when lang.rtl is set, the speech
 * module uses lang.voice.
 *
 * Message ids ARE the French strings (assets/po/messages.pot is the list).
 * French is the source language: i18n_tr("fr", id) returns id itself. A
 * translation that is missing, empty or marked fuzzy falls back to French, so
 * the screen is never blank. A catalogue whose printf conversions (%s, %d)
 * differ from its msgid's is refused at load time, so a bad translation can
 * never crash a printf.
 *
 * Thread safety: call i18n_load once before other threads start; after that
 * every lookup is read-only. Strings returned stay valid until i18n_free().
 */
#ifndef KIOSK_I18N_H
#define KIOSK_I18N_H

#include <stddef.h>

/* One language the applicant can choose. The table is static data. */
struct lang {
	const char *code;    /* catalogue name and API code: "fr", "fr-easy", "fa-AF"... */
	const char *tag;     /* BCP 47 tag for HTML lang= and shaping: "zh-Hans", "fr" */
	const char *name;    /* the language's name in its own script ("العربية") */
	const char *english; /* its English name ("Arabic"), for staff and logs */
	const char *script;  /* ISO 15924 code of its script: "Latn", "Arab", "Hans"... */
	int rtl;             /* 1 when written right to left: mirror the layout */
	const char *voice;   /* espeak-ng voice name, or NULL when espeak-ng has none */
	int easy;            /* 1 for easy-to-read French (FALC) */
};

/* All languages, in the order the language screen shows them (French first).
 * *n receives the count when n is not NULL. */
const struct lang *i18n_langs(size_t *n);

/* A language by code, or NULL if unknown. Case-insensitive; a few aliases
 * are accepted: "fa"/"prs" -> fa-AF, "zh-Hans"/"zh-CN"/"cmn" -> zh. */
const struct lang *i18n_lang(const char *code);

/* Load every "<code>.po" of the language table found in podir (fr.po and
 * languages without a file are allowed: they fall back to French). Any
 * earlier catalogues are replaced. On a malformed file, returns -1 with
 * "FILE:LINE: reason" in err, and keeps nothing from this call. */
int i18n_load(const char *podir, char *err, size_t errlen);

/* The translation of msgid in lang, or msgid itself (French) when lang is
 * unknown or NULL, French, or has no usable translation. Never NULL for a
 * non-NULL msgid. */
const char *i18n_tr(const char *lang, const char *msgid);

/* The same, for a message with a gettext context (msgctxt). */
const char *i18n_trc(const char *lang, const char *ctxt, const char *msgid);

/* The translation, or NULL when there is none (no fallback). The speech
 * module uses it to choose the French voice for a French fallback. */
const char *i18n_lookup(const char *lang, const char *msgid);

/* A day "2026-12-07" as the applicant reads it: written out in French
 * ("lundi 7 décembre 2026") for French and easy French, "07/12/2026" in
 * every other language (read the same in all of them: the catalogue has
 * no month names). 0, or -1 with day copied as it is when it is not a
 * day. */
int i18n_day(const char *lang, const char *day, char *out, size_t outlen);

/* Forget every loaded catalogue. Harmless when nothing is loaded. */
void i18n_free(void);

/* 1 when a and b hold the same printf conversions in the same order (so
 * they take the same arguments), else 0. "%%" is not a conversion; %n and
 * positional "%1$s" are never accepted. */
int i18n_same_conversions(const char *a, const char *b);

/* One entry of a .po file, as given to an i18n_po_parse callback. */
struct i18n_entry {
	const char *ctxt;    /* msgctxt, or NULL when absent */
	const char *msgid;   /* the French source string ("" for the header) */
	const char *msgstr;  /* the translation, "" when untranslated */
	int fuzzy;           /* 1 when flagged "#, fuzzy" */
	int line;            /* line of the msgid keyword, for error messages */
};

/* Called once per entry; return 0 to go on, -1 to stop (with err filled). */
typedef int (*i18n_entry_fn)(const struct i18n_entry *e, void *arg,
    char *err, size_t errlen);

/* Parse one .po/.pot file and call fn for each entry, in file order.
 * Returns 0, or -1 with "FILE:LINE: reason" in err. */
int i18n_po_parse(const char *path, i18n_entry_fn fn, void *arg,
    char *err, size_t errlen);

#endif
