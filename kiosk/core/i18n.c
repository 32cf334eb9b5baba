/*
 * i18n: language table, .po parser and catalogue lookups.
 *
 * Pure core: plain C and stdio, read once at start-up. No SDL, no espeak,
 * no fonts here; those modules read the facts they need from struct lang.
 *
 * The .po subset parsed is what msgfmt accepts for singular messages:
 * comments (#, #. #: #, #| #~), msgctxt, msgid, msgstr, strings continued on
 * following lines, and the escapes \n \t \" \\. Plural forms are refused (no
 * kiosk string needs them: counts are written "label: %d"). Strings must be
 * valid UTF-8, and a header naming another charset is refused.
 *
 * A catalogue is a sorted array searched by bsearch: about a hundred and
 * twenty strings per language, looked up a few dozen times per screen.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/str.h"

/*
 * The languages, in the order the language screen shows them.
 *
 * The `voice` column is THE voice table of the programme: the kiosk's
 * speaker and the board's announcements (speech/) both read it, nothing
 * else names a voice. Voices are what `espeak-ng --voices` lists on Debian
 * bookworm (espeak-ng 1.51; test_i18n checks them on every run). The
 * choices that are not simply "the language's own voice":
 *   - fr and fr-easy: "fr-fr" (France), not Belgian or Swiss French.
 *   - en: "en-gb", the English taught in French schools.
 *   - fa-AF (Dari): the Persian voice "fa"; understood, with an Iranian
 *     accent and Iranian pronunciation of a few Dari words.
 *   - ps (Pashto): none. espeak-ng has no Pashto voice, and the Persian one
 *     spells every Pashto-only letter (ټ ډ ړ ښ ...) by its name, which no
 *     listener could follow. So Pashto lines are not spoken by the kiosk
 *     (its speech log still lists them) and the board says the call in
 *     French only.
 *   - zh: "cmn-latn-pinyin". On 1.51 the plain "cmn" voice turns Han
 *     characters into pinyin and then reads the pinyin letters with
 *     English rules ("huan1" as h-u-a-n); cmn-latn-pinyin pronounces them
 *     as Mandarin.
 *   - ht: "ht", rough but understood.
 * A sentence that fell back to French (no translation) is spoken with the
 * French voice: the ui marks such lines "fr".
 */
static const struct lang langs[] = {
	{ "fr",      "fr",      "Français",         "French",                 "Latn", 0, "fr-fr", 0 },
	{ "fr-easy", "fr",      "Français facile",  "Easy-to-read French",    "Latn", 0, "fr-fr", 1 },
	{ "en",      "en",      "English",          "English",                "Latn", 0, "en-gb", 0 },
	{ "ar",      "ar",      "العربية",          "Arabic",                 "Arab", 1, "ar",    0 },
	{ "fa-AF",   "fa-AF",   "دری",              "Dari",                   "Arab", 1, "fa",    0 },
	{ "ps",      "ps",      "پښتو",             "Pashto",                 "Arab", 1, NULL,    0 },
	{ "es",      "es",      "Español",          "Spanish",                "Latn", 0, "es",    0 },
	{ "pt",      "pt",      "Português",        "Portuguese",             "Latn", 0, "pt",    0 },
	{ "ru",      "ru",      "Русский",          "Russian",                "Cyrl", 0, "ru",    0 },
	{ "uk",      "uk",      "Українська",       "Ukrainian",              "Cyrl", 0, "uk",    0 },
	{ "tr",      "tr",      "Türkçe",           "Turkish",                "Latn", 0, "tr",    0 },
	{ "bn",      "bn",      "বাংলা",            "Bengali",                "Beng", 0, "bn",    0 },
	{ "ta",      "ta",      "தமிழ்",            "Tamil",                  "Taml", 0, "ta",    0 },
	{ "zh",      "zh-Hans", "中文",             "Chinese (Mandarin)",     "Hans", 0, "cmn-latn-pinyin", 0 },
	{ "ht",      "ht",      "Kreyòl ayisyen",   "Haitian Creole",         "Latn", 0, "ht",    0 },
};
#define NLANGS (sizeof langs / sizeof langs[0])

/* Other codes callers may reasonably send, and the language they mean. */
static const struct { const char *alias, *code; } aliases[] = {
	{ "fa", "fa-AF" }, { "prs", "fa-AF" }, { "fa-Arab-AF", "fa-AF" },
	{ "zh-Hans", "zh" }, { "zh-CN", "zh" }, { "cmn", "zh" }, { "cmn-Hans", "zh" },
	{ "fr-FR", "fr" }, { "fr-x-falc", "fr-easy" }, { "falc", "fr-easy" },
	{ "en-GB", "en" }, { "en-US", "en" }, { "pt-PT", "pt" }, { "pt-BR", "pt" },
	{ "es-ES", "es" }, { "hat", "ht" },
};

/* One message of a loaded catalogue. */
struct msg {
	char *ctxt; /* msgctxt, or NULL */
	char *id;   /* msgid: the French text */
	char *str;  /* usable translation, or NULL (empty or fuzzy) */
	int line;   /* where it was defined, for duplicate reports */
};

/* One language's loaded catalogue. */
struct catalog {
	struct msg *msgs; /* sorted by id, then ctxt (NULL first) */
	size_t n;         /* entries in msgs */
	size_t cap;       /* allocated entries */
};

/* Catalogues by index in langs[]; NULL where none was loaded. */
static struct catalog *catalogs[NLANGS];

const struct lang *
i18n_langs(size_t *n)
{
	if (n)
		*n = NLANGS;
	return langs;
}

static int
lang_index(const char *code)
{
	size_t i;

	if (code == NULL)
		return -1;
	for (i = 0; i < NLANGS; i++)
		if (strcasecmp(code, langs[i].code) == 0)
			return (int)i;
	for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcasecmp(code, aliases[i].alias) == 0)
			return lang_index(aliases[i].code);
	return -1;
}

const struct lang *
i18n_lang(const char *code)
{
	int i = lang_index(code);

	return i < 0 ? NULL : &langs[i];
}

/* ---- printf conversions ------------------------------------------------ */

/*
 * Write the argument signature of fmt into sig: one or two characters per
 * argument (length modifier class, then type class). Returns the length, or
 * -1 for a string no translation may hold (%n, positional, unfinished).
 */
static int
conv_signature(const char *fmt, char *sig, size_t sigsz)
{
	size_t n = 0;
	const char *p = fmt;

#define PUSH(c) do { if (n + 1 >= sigsz) return -1; sig[n++] = (c); } while (0)
	while ((p = strchr(p, '%')) != NULL) {
		char len = '-';

		p++;
		if (*p == '%') {
			p++;
			continue;
		}
		while (*p && strchr("-+ #0'", *p))
			p++;
		if (*p == '*') {
			PUSH('d');
			p++;
		} else {
			while (isdigit((unsigned char)*p))
				p++;
			if (*p == '$')
				return -1;
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				PUSH('d');
				p++;
			} else {
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
		if (*p == 'h' || *p == 'l') {
			len = *p++;
			if (*p == len) {
				len = (char)(len == 'h' ? 'H' : 'q');
				p++;
			}
		} else if (*p && strchr("Lqjzt", *p)) {
			len = *p++;
		}
		switch (*p) {
		case 'd': case 'i':
			PUSH(len); PUSH('d'); break;
		case 'o': case 'u': case 'x': case 'X':
			PUSH(len); PUSH('u'); break;
		case 'e': case 'E': case 'f': case 'F':
		case 'g': case 'G': case 'a': case 'A':
			PUSH(len); PUSH('f'); break;
		case 'c':
			PUSH(len); PUSH('c'); break;
		case 's':
			PUSH(len); PUSH('s'); break;
		case 'p':
			PUSH(len); PUSH('p'); break;
		default: /* %n, unknown conversion, or end of string */
			return -1;
		}
		p++;
	}
	sig[n] = '\0';
	return (int)n;
#undef PUSH
}

int
i18n_same_conversions(const char *a, const char *b)
{
	char sa[96], sb[96];

	if (a == NULL || b == NULL)
		return 0;
	if (conv_signature(a, sa, sizeof sa) < 0 || conv_signature(b, sb, sizeof sb) < 0)
		return 0;
	return strcmp(sa, sb) == 0;
}

/* ---- .po parser -------------------------------------------------------- */

/* Where the parser is inside an entry. */
enum po_state {
	PO_NONE, /* between entries */
	PO_CTXT, /* after msgctxt, waiting for msgid */
	PO_ID,   /* after msgid, waiting for msgstr */
	PO_STR,  /* after msgstr: the entry is complete */
};

/* Parser state for one file. */
struct po {
	const char *path;    /* for error messages */
	int line;            /* current line number, from 1 */
	enum po_state state; /* see enum po_state */
	struct buf ctxt;    /* msgctxt text */
	int has_ctxt;        /* 1 when the entry has a msgctxt */
	struct buf id;      /* msgid text */
	struct buf str;     /* msgstr text */
	struct buf *active; /* the field a continuation line appends to */
	int fuzzy;           /* the entry carries "#, fuzzy" */
	int id_line;         /* line of the msgid keyword */
	i18n_entry_fn fn;    /* caller's callback */
	void *arg;           /* its argument */
};

/*
 * Append the quoted string starting at p (which points at '"') to b.
 * Only whitespace may follow the closing quote.
 */
static int
po_string(struct po *po, const char *p, struct buf *b, char *err, size_t errlen)
{
	if (*p != '"')
		return errf(err, errlen, "%s:%d: expected a quoted string", po->path, po->line);
	for (p++; *p != '"'; p++) {
		char c = *p;

		if (c == '\0')
			return errf(err, errlen, "%s:%d: unterminated string", po->path, po->line);
		if (c == '\\') {
			switch (*++p) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case '\0':
				return errf(err, errlen, "%s:%d: unterminated string", po->path, po->line);
			default:
				return errf(err, errlen, "%s:%d: unknown escape \\%c", po->path, po->line, *p);
			}
		}
		buf_add(b, &c, 1);
		if (b->failed)
			return errf(err, errlen, "%s:%d: out of memory", po->path, po->line);
	}
	for (p++; *p; p++)
		if (!isspace((unsigned char)*p))
			return errf(err, errlen, "%s:%d: text after closing quote", po->path, po->line);
	return 0;
}

/* Hand the complete entry to the callback and start a new one. */
static int
po_flush(struct po *po, char *err, size_t errlen)
{
	struct i18n_entry e;
	int rc;

	if (!str_utf8_valid(buf_str(&po->id), po->id.len) ||
	    !str_utf8_valid(buf_str(&po->str), po->str.len) ||
	    !str_utf8_valid(buf_str(&po->ctxt), po->ctxt.len))
		return errf(err, errlen, "%s:%d: invalid UTF-8", po->path, po->id_line);
	e.ctxt = po->has_ctxt ? buf_str(&po->ctxt) : NULL;
	e.msgid = buf_str(&po->id);
	e.msgstr = buf_str(&po->str);
	e.fuzzy = po->fuzzy;
	e.line = po->id_line;
	rc = po->fn(&e, po->arg, err, errlen);
	buf_clear(&po->ctxt);
	buf_clear(&po->id);
	buf_clear(&po->str);
	po->has_ctxt = 0;
	po->fuzzy = 0;
	po->active = NULL;
	po->state = PO_NONE;
	return rc < 0 ? -1 : 0;
}

/* 1 when line starts with keyword followed by a blank; *rest is past it. */
static int
keyword(const char *line, const char *kw, const char **rest)
{
	size_t n = strlen(kw);

	if (strncmp(line, kw, n) != 0 || (line[n] != ' ' && line[n] != '\t'))
		return 0;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	*rest = line;
	return 1;
}

static int
po_line(struct po *po, char *line, char *err, size_t errlen)
{
	const char *rest;
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n' ||
	    line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	while (*line == ' ' || *line == '\t')
		line++;

	if (*line == '\0' || *line == '#') {
		if (po->state == PO_STR && po_flush(po, err, errlen) < 0)
			return -1;
		if (po->state != PO_NONE)
			return errf(err, errlen, "%s:%d: entry ends before its msgstr",
			    po->path, po->line);
		/* "#, fuzzy, c-format": flags for the next entry. */
		if (line[0] == '#' && line[1] == ',' && strstr(line, "fuzzy"))
			po->fuzzy = 1;
		return 0;
	}
	if (*line == '"') {
		if (po->active == NULL)
			return errf(err, errlen, "%s:%d: string outside an entry",
			    po->path, po->line);
		return po_string(po, line, po->active, err, errlen);
	}
	if (keyword(line, "msgctxt", &rest)) {
		if (po->state == PO_STR && po_flush(po, err, errlen) < 0)
			return -1;
		if (po->state != PO_NONE)
			return errf(err, errlen, "%s:%d: msgctxt inside an entry",
			    po->path, po->line);
		po->state = PO_CTXT;
		po->has_ctxt = 1;
		po->active = &po->ctxt;
		return po_string(po, rest, &po->ctxt, err, errlen);
	}
	if (keyword(line, "msgid", &rest)) {
		if (po->state == PO_STR && po_flush(po, err, errlen) < 0)
			return -1;
		if (po->state == PO_ID)
			return errf(err, errlen, "%s:%d: msgid without msgstr before it",
			    po->path, po->line);
		po->state = PO_ID;
		po->id_line = po->line;
		po->active = &po->id;
		return po_string(po, rest, &po->id, err, errlen);
	}
	if (keyword(line, "msgstr", &rest)) {
		if (po->state != PO_ID)
			return errf(err, errlen, "%s:%d: msgstr without msgid",
			    po->path, po->line);
		po->state = PO_STR;
		po->active = &po->str;
		return po_string(po, rest, &po->str, err, errlen);
	}
	if (strncmp(line, "msgid_plural", 12) == 0 || strncmp(line, "msgstr[", 7) == 0)
		return errf(err, errlen, "%s:%d: plural forms are not supported",
		    po->path, po->line);
	return errf(err, errlen, "%s:%d: unexpected text", po->path, po->line);
}

int
i18n_po_parse(const char *path, i18n_entry_fn fn, void *arg, char *err, size_t errlen)
{
	struct po po;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = -1;

	memset(&po, 0, sizeof po);
	po.path = path;
	po.fn = fn;
	po.arg = arg;
	if ((f = fopen(path, "r")) == NULL)
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) != -1) {
		po.line++;
		if ((size_t)len != strlen(line)) {
			errf(err, errlen, "%s:%d: NUL byte in text", path, po.line);
			goto out;
		}
		/* Some editors start a UTF-8 file with a byte-order mark. */
		if (po.line == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
			memmove(line, line + 3, (size_t)len - 2);
		if (po_line(&po, line, err, errlen) < 0)
			goto out;
	}
	if (ferror(f)) {
		errf(err, errlen, "%s:%d: read error: %s", path, po.line, strerror(errno));
		goto out;
	}
	po.line++;
	if (po.state == PO_STR && po_flush(&po, err, errlen) < 0)
		goto out;
	if (po.state != PO_NONE) {
		errf(err, errlen, "%s:%d: file ends inside an entry", path, po.line);
		goto out;
	}
	rc = 0;
out:
	free(line);
	buf_free(&po.ctxt);
	buf_free(&po.id);
	buf_free(&po.str);
	fclose(f);
	return rc;
}

/* ---- catalogues -------------------------------------------------------- */

static void
catalog_free(struct catalog *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->msgs[i].ctxt);
		free(c->msgs[i].id);
		free(c->msgs[i].str);
	}
	free(c->msgs);
	free(c);
}

/* Order: msgid, then no context before any context, then context. */
static int
key_cmp(const char *ctxt_a, const char *id_a, const char *ctxt_b, const char *id_b)
{
	int d = strcmp(id_a, id_b);

	if (d != 0)
		return d;
	if (ctxt_a == NULL || ctxt_b == NULL)
		return (ctxt_a != NULL) - (ctxt_b != NULL);
	return strcmp(ctxt_a, ctxt_b);
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct msg *x = a, *y = b;

	return key_cmp(x->ctxt, x->id, y->ctxt, y->id);
}

/* Check the header's charset, if it names one. */
static int
check_header(const struct i18n_entry *e, const char *path, char *err, size_t errlen)
{
	const char *cs = strstr(e->msgstr, "charset=");
	size_t n;

	if (cs == NULL)
		return 0;
	cs += strlen("charset=");
	n = strcspn(cs, " ;\n");
	if ((n == 5 && strncasecmp(cs, "UTF-8", 5) == 0) ||
	    (n == 4 && strncasecmp(cs, "UTF8", 4) == 0) ||
	    (n == 7 && strncmp(cs, "CHARSET", 7) == 0)) /* the .pot placeholder */
		return 0;
	return errf(err, errlen, "%s:%d: charset %.*s: only UTF-8 is supported",
	    path, e->line, (int)n, cs);
}

/* Callback argument while loading one catalogue. */
struct load {
	const char *path;   /* the file, for messages */
	struct catalog *c;  /* the catalogue being filled */
};

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int
load_entry(const struct i18n_entry *e, void *arg, char *err, size_t errlen)
{
	struct load *l = arg;
	struct catalog *c = l->c;
	struct msg *m;

	if (e->msgid[0] == '\0' && e->ctxt == NULL)
		return check_header(e, l->path, err, errlen);
	if (e->msgstr[0] != '\0' && !e->fuzzy && !i18n_same_conversions(e->msgid, e->msgstr))
		return errf(err, errlen, "%s:%d: msgstr does not have the same %%s/%%d "
		    "conversions as its msgid", l->path, e->line);
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 128;
		struct msg *msgs = realloc(c->msgs, cap * sizeof *msgs);

		if (msgs == NULL)
			return errf(err, errlen, "%s:%d: out of memory", l->path, e->line);
		c->msgs = msgs;
		c->cap = cap;
	}
	m = &c->msgs[c->n];
	memset(m, 0, sizeof *m);
	m->line = e->line;
	m->ctxt = dup_or_null(e->ctxt);
	m->id = strdup(e->msgid);
	if (e->msgstr[0] != '\0' && !e->fuzzy)
		m->str = strdup(e->msgstr);
	c->n++; /* counted now, so catalog_free releases whatever was allocated */
	if ((e->ctxt && m->ctxt == NULL) || m->id == NULL ||
	    (e->msgstr[0] != '\0' && !e->fuzzy && m->str == NULL))
		return errf(err, errlen, "%s:%d: out of memory", l->path, e->line);
	return 0;
}

/* Load one file into a new catalogue. */
static struct catalog *
catalog_load(const char *path, char *err, size_t errlen)
{
	struct load l;
	size_t i;

	l.path = path;
	if ((l.c = calloc(1, sizeof *l.c)) == NULL) {
		errf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (i18n_po_parse(path, load_entry, &l, err, errlen) < 0)
		goto fail;
	if (l.c->n > 1)
		qsort(l.c->msgs, l.c->n, sizeof l.c->msgs[0], msg_cmp);
	for (i = 1; i < l.c->n; i++) {
		const struct msg *a = &l.c->msgs[i - 1], *b = &l.c->msgs[i];

		if (msg_cmp(a, b) == 0) {
			errf(err, errlen, "%s:%d: duplicate msgid (first at line %d)",
			    path, a->line > b->line ? a->line : b->line,
			    a->line > b->line ? b->line : a->line);
			goto fail;
		}
	}
	return l.c;
fail:
	catalog_free(l.c);
	return NULL;
}

int
i18n_load(const char *podir, char *err, size_t errlen)
{
	struct catalog *fresh[NLANGS] = { 0 };
	char path[4096];
	size_t i;

	if (podir == NULL)
		return errf(err, errlen, "no catalogue directory given");
	for (i = 0; i < NLANGS; i++) {
		FILE *f;
		int n = snprintf(path, sizeof path, "%s/%s.po", podir, langs[i].code);

		if (n < 0 || (size_t)n >= sizeof path) {
			errf(err, errlen, "%s: path too long", podir);
			goto fail;
		}
		/* A language without a file is allowed: it falls back to French. */
		if ((f = fopen(path, "r")) == NULL) {
			if (errno == ENOENT)
				continue;
			errf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		fclose(f);
		if ((fresh[i] = catalog_load(path, err, errlen)) == NULL)
			goto fail;
	}
	i18n_free();
	memcpy(catalogs, fresh, sizeof catalogs);
	return 0;
fail:
	for (i = 0; i < NLANGS; i++)
		catalog_free(fresh[i]);
	return -1;
}

void
i18n_free(void)
{
	size_t i;

	for (i = 0; i < NLANGS; i++) {
		catalog_free(catalogs[i]);
		catalogs[i] = NULL;
	}
}

static const char *
find(const char *lang, const char *ctxt, const char *msgid)
{
	int li = lang_index(lang);
	const struct catalog *c;
	size_t lo, hi;

	if (li < 0 || msgid == NULL || (c = catalogs[li]) == NULL)
		return NULL;
	lo = 0;
	hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct msg *m = &c->msgs[mid];
		int d = key_cmp(ctxt, msgid, m->ctxt, m->id);

		if (d == 0)
			return m->str;
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *
i18n_lookup(const char *lang, const char *msgid)
{
	return find(lang, NULL, msgid);
}

const char *
i18n_trc(const char *lang, const char *ctxt, const char *msgid)
{
	const char *s = find(lang, ctxt, msgid);

	return s ? s : msgid;
}

const char *
i18n_tr(const char *lang, const char *msgid)
{
	return i18n_trc(lang, NULL, msgid);
}

int
i18n_day(const char *lang, const char *day, char *out, size_t outlen)
{
	static const char *const wdays[] = { "dimanche", "lundi", "mardi", "mercredi", "jeudi",
	    "vendredi", "samedi" };
	static const char *const months[] = { "janvier", "février", "mars", "avril", "mai",
	    "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre" };
	int y, m, d, k, yy;

	if (day == NULL || strlen(day) != 10 || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    day[4] != '-' || day[7] != '-' || y < 1583 || m < 1 || m > 12 || d < 1 || d > 31) {
		snprintf(out, outlen, "%s", day ? day : "");
		return -1;
	}
	if (lang && strcmp(lang, "fr") != 0 && strcmp(lang, "fr-easy") != 0) {
		snprintf(out, outlen, "%02d/%02d/%04d", d, m, y);
		return 0;
	}
	/* Zeller's congruence (Gregorian): 0 = Saturday. */
	k = m < 3 ? m + 12 : m;
	yy = m < 3 ? y - 1 : y;
	k = (d + 13 * (k + 1) / 5 + yy % 100 + yy % 100 / 4 + yy / 100 / 4 + 5 * (yy / 100)) % 7;
	snprintf(out, outlen, "%s %d%s %s %d", wdays[(k + 6) % 7], d, d == 1 ? "er" : "",
	    months[m - 1], y);
	return 0;
}
