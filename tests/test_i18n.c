/*
 * test_i18n: the language table, the shipped catalogues under assets/po,
 * and the .po parser's error paths.
 *
 * Run from the repository root (tests/run.sh does); an optional argument
 * names another catalogue directory. The catalogue checks print every
 * missing or bad message by language and msgid, so a translator sees
 * exactly what to fix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/i18n.h"
#include "testhelp.h"

static const char *podir = "assets/po";

/* ---- helpers ----------------------------------------------------------- */

/* A list of strings. */
struct strs {
	char **v;    /* the strings, owned */
	size_t n;    /* count */
	size_t cap;  /* allocated */
};

static void
strs_add(struct strs *s, const char *x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		REQUIRE(s->v != NULL);
	}
	s->v[s->n] = strdup(x);
	REQUIRE(s->v[s->n] != NULL);
	s->n++;
}

static int
strs_has(const struct strs *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return 1;
	return 0;
}

static void
strs_free(struct strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static int
collect_msgid(const struct i18n_entry *e, void *arg, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	if (e->msgid[0] != '\0')
		strs_add(arg, e->msgid);
	return 0;
}

/* One .po file's entries checked against the template. */
struct check {
	const char *code;         /* language code */
	const struct strs *pot;   /* the template's msgids */
	int bad;                  /* problems found */
};

static int
check_entry(const struct i18n_entry *e, void *arg, char *err, size_t errlen)
{
	struct check *c = arg;

	(void)err;
	(void)errlen;
	if (e->msgid[0] == '\0')
		return 0;
	if (!strs_has(c->pot, e->msgid)) {
		fprintf(stderr, "  %s.po:%d: msgid not in messages.pot: \"%s\"\n",
		    c->code, e->line, e->msgid);
		c->bad++;
	}
	if (e->msgstr[0] != '\0' && !i18n_same_conversions(e->msgid, e->msgstr)) {
		fprintf(stderr, "  %s.po:%d: conversions differ: \"%s\" -> \"%s\"\n",
		    c->code, e->line, e->msgid, e->msgstr);
		c->bad++;
	}
	if (e->fuzzy && strcmp(c->code, "fr") != 0) {
		fprintf(stderr, "  %s.po:%d: fuzzy (shown in French): \"%s\"\n",
		    c->code, e->line, e->msgid);
		c->bad++;
	}
	return 0;
}

/* 1 when s holds at least one code point in [lo, hi]. */
static int
has_codepoint_in(const char *s, unsigned lo, unsigned hi)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned cp;
		int k;

		if (*p < 0x80) { cp = *p; k = 0; }
		else if ((*p & 0xE0) == 0xC0) { cp = *p & 0x1F; k = 1; }
		else if ((*p & 0xF0) == 0xE0) { cp = *p & 0x0F; k = 2; }
		else { cp = *p & 0x07; k = 3; }
		p++;
		while (k-- > 0 && *p) {
			cp = (cp << 6) | (*p & 0x3F);
			p++;
		}
		if (cp >= lo && cp <= hi)
			return 1;
	}
	return 0;
}

/* The Unicode block a translation in this script must use at least once. */
static int
in_own_script(const char *script, const char *s)
{
	if (strcmp(script, "Arab") == 0)
		return has_codepoint_in(s, 0x0600, 0x06FF);
	if (strcmp(script, "Cyrl") == 0)
		return has_codepoint_in(s, 0x0400, 0x04FF);
	if (strcmp(script, "Beng") == 0)
		return has_codepoint_in(s, 0x0980, 0x09FF);
	if (strcmp(script, "Taml") == 0)
		return has_codepoint_in(s, 0x0B80, 0x0BFF);
	if (strcmp(script, "Hans") == 0)
		return has_codepoint_in(s, 0x4E00, 0x9FFF);
	return 1; /* Latin: nothing to check */
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	REQUIRE(buf != NULL);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	REQUIRE(f != NULL);
	fputs(text, f);
	fclose(f);
}

static void
remove_file(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

/* ---- the language table ------------------------------------------------ */

static void
test_table(void)
{
	static const char *order[] = { "fr", "fr-easy", "en", "ar", "fa-AF", "ps", "es",
	    "pt", "ru", "uk", "tr", "bn", "ta", "zh", "ht" };
	size_t n, i;
	const struct lang *l = i18n_langs(&n);

	REQUIRE(l != NULL);
	CHECK_INT(n, sizeof order / sizeof order[0]);
	for (i = 0; i < n && i < sizeof order / sizeof order[0]; i++) {
		CHECK_STR(l[i].code, order[i]);
		CHECK(l[i].tag && l[i].tag[0]);
		CHECK(l[i].name && l[i].name[0]);
		CHECK(l[i].english && l[i].english[0]);
		CHECK(l[i].script && strlen(l[i].script) == 4);
		/* The name shows in its own script, never as a flag. */
		CHECK(in_own_script(l[i].script, l[i].name));
		CHECK_INT(l[i].rtl, strcmp(l[i].script, "Arab") == 0);
		CHECK_INT(l[i].easy, strcmp(l[i].code, "fr-easy") == 0);
		CHECK(i18n_lang(l[i].code) == &l[i]);
	}
	CHECK_INT(i18n_lang("ar")->rtl, 1);
	CHECK_INT(i18n_lang("fa-AF")->rtl, 1);
	CHECK_INT(i18n_lang("ps")->rtl, 1);
	CHECK_INT(i18n_lang("fr")->rtl, 0);
	CHECK_INT(i18n_lang("zh")->rtl, 0);
	CHECK_STR(i18n_lang("fa-AF")->name, "دری");
	CHECK_STR(i18n_lang("ps")->name, "پښتو");
	CHECK_STR(i18n_lang("zh")->name, "中文");
	CHECK_STR(i18n_lang("zh")->script, "Hans");
	CHECK_STR(i18n_lang("bn")->script, "Beng");
	CHECK_STR(i18n_lang("ta")->script, "Taml");
	CHECK_STR(i18n_lang("uk")->script, "Cyrl");
	CHECK(i18n_lang("ps")->voice == NULL);
	CHECK_STR(i18n_lang("fa-AF")->voice, "fa");
	CHECK_STR(i18n_lang("zh")->voice, "cmn-latn-pinyin");

	/* Codes: case-insensitive, a few aliases, unknown is NULL. */
	CHECK(i18n_lang("FA-af") == i18n_lang("fa-AF"));
	CHECK(i18n_lang("prs") == i18n_lang("fa-AF"));
	CHECK(i18n_lang("fa") == i18n_lang("fa-AF"));
	CHECK(i18n_lang("zh-Hans") == i18n_lang("zh"));
	CHECK(i18n_lang("EN") == i18n_lang("en"));
	CHECK(i18n_lang("xx") == NULL);
	CHECK(i18n_lang("") == NULL);
	CHECK(i18n_lang(NULL) == NULL);
}

/*
 * Every voice in the table exists in this machine's espeak-ng, and a
 * language marked voiceless really has none. Skipped when espeak-ng is
 * not installed.
 */
static void
test_voices(void)
{
	FILE *p = popen("espeak-ng --voices 2>/dev/null", "r");
	char line[512];
	struct strs have = { 0 };
	size_t n, i;
	const struct lang *l = i18n_langs(&n);

	if (p == NULL)
		return;
	while (fgets(line, sizeof line, p)) {
		char pty[16], code[64];

		if (sscanf(line, "%15s %63s", pty, code) == 2 && strcmp(pty, "Pty") != 0)
			strs_add(&have, code);
	}
	pclose(p);
	if (have.n == 0) {
		printf("espeak-ng not found: voice check skipped\n");
		return;
	}
	for (i = 0; i < n; i++) {
		if (l[i].voice && !strs_has(&have, l[i].voice)) {
			fprintf(stderr, "  %s: espeak-ng has no voice \"%s\"\n", l[i].code, l[i].voice);
			CHECK(0);
		}
	}
	/* If espeak-ng gains Pashto, the table should say so. */
	CHECK(!strs_has(&have, "ps"));
	strs_free(&have);
}

/* ---- the shipped catalogues -------------------------------------------- */

static void
test_catalogues(void)
{
	char err[512], path[512];
	struct strs pot = { 0 };
	size_t n, i, j;
	const struct lang *l = i18n_langs(&n);
	int missing_total = 0;

	snprintf(path, sizeof path, "%s/messages.pot", podir);
	err[0] = '\0';
	CHECK_INT(i18n_po_parse(path, collect_msgid, &pot, err, sizeof err), 0);
	if (err[0])
		fprintf(stderr, "  %s\n", err);
	REQUIRE(pot.n >= 100);
	/* The brief's strings the other modules call by their French text. */
	CHECK(strs_has(&pot, "Touchez l'écran pour commencer"));
	CHECK(strs_has(&pot, "Ce ticket est gratuit. Ne le payez jamais."));
	CHECK(strs_has(&pot, "Ticket %s, guichet %d"));
	CHECK(strs_has(&pot, "Attestation de passage"));
	CHECK(strs_has(&pot, "Premier titre de séjour"));

	err[0] = '\0';
	CHECK_INT(i18n_load(podir, err, sizeof err), 0);
	if (err[0])
		fprintf(stderr, "  %s\n", err);

	for (i = 0; i < n; i++) {
		struct check c = { l[i].code, &pot, 0 };
		char *text;
		int missing = 0;

		/* Every language has a catalogue file, parsed on its own too. */
		snprintf(path, sizeof path, "%s/%s.po", podir, l[i].code);
		text = slurp(path);
		CHECK(text != NULL);
		if (text == NULL) {
			fprintf(stderr, "  %s: no catalogue\n", path);
			continue;
		}
		/* The translator note: every catalogue needs native review. */
		CHECK(strstr(text, "native speaker") != NULL);
		free(text);
		err[0] = '\0';
		CHECK_INT(i18n_po_parse(path, check_entry, &c, err, sizeof err), 0);
		if (err[0])
			fprintf(stderr, "  %s\n", err);
		CHECK_INT(c.bad, 0);

		for (j = 0; j < pot.n; j++) {
			const char *id = pot.v[j];
			const char *s = i18n_lookup(l[i].code, id);

			if (strcmp(l[i].code, "fr") == 0) {
				/* French is the source: shown as is. */
				CHECK_STR(i18n_tr("fr", id), id);
				continue;
			}
			if (s == NULL) {
				fprintf(stderr, "  %s: missing translation: \"%s\"\n", l[i].code, id);
				missing++;
				continue;
			}
			if (!i18n_same_conversions(id, s)) {
				fprintf(stderr, "  %s: conversions differ: \"%s\"\n", l[i].code, id);
				missing++;
			}
			if (!in_own_script(l[i].script, s)) {
				fprintf(stderr, "  %s: not in its own script: \"%s\" -> \"%s\"\n",
				    l[i].code, id, s);
				missing++;
			}
		}
		CHECK_INT(missing, 0);
		missing_total += missing;
	}
	printf("%zu messages x %zu languages checked, %d problems\n", pot.n, n, missing_total);

	/* A few real lookups, and the French fallback. */
	CHECK_STR(i18n_tr("en", "Oui"), "Yes");
	CHECK_STR(i18n_tr("EN", "Oui"), "Yes");
	CHECK_STR(i18n_tr("ht", "Oui"), "Wi");
	CHECK_STR(i18n_tr("fa", "Oui"), "بلی");
	CHECK_STR(i18n_tr("fr", "Oui"), "Oui");
	CHECK_STR(i18n_tr("en", "Ticket %s, guichet %d"), "Ticket %s, counter %d");
	{
		const char *unknown = "Une phrase qui n'existe pas";

		CHECK(i18n_tr("en", unknown) == unknown);
		CHECK(i18n_lookup("en", unknown) == NULL);
		CHECK_STR(i18n_tr("xx", "Oui"), "Oui");
		CHECK_STR(i18n_tr(NULL, "Oui"), "Oui");
		CHECK(i18n_lookup("fr", "Oui") == NULL);
		CHECK(i18n_tr("en", NULL) == NULL);
	}
	/* A translated printf format is safe with the msgid's arguments. */
	{
		char buf[256];

		snprintf(buf, sizeof buf, i18n_tr("ar", "Ticket %s, guichet %d"), "A042", 3);
		CHECK(strstr(buf, "A042") != NULL && strstr(buf, "3") != NULL);
		snprintf(buf, sizeof buf, i18n_tr("zh", "Ticket %s, guichet %d"), "A042", 3);
		CHECK_STR(buf, "请 A042 号到 3 号窗口");
	}
	strs_free(&pot);
}

/* ---- conversions -------------------------------------------------------- */

static void
test_conversions(void)
{
	CHECK(i18n_same_conversions("%d min", "%d мин."));
	CHECK(i18n_same_conversions("Ouvert de %s à %s", "Open from %s to %s"));
	CHECK(i18n_same_conversions("100 %% sûr", "100%% sure"));
	CHECK(i18n_same_conversions("no conversion", "aucune"));
	CHECK(i18n_same_conversions("%5.2f", "%f"));
	CHECK(i18n_same_conversions("%i", "%d"));
	CHECK(!i18n_same_conversions("%s", "%d"));
	CHECK(!i18n_same_conversions("%d %s", "%s %d"));
	CHECK(!i18n_same_conversions("%d", ""));
	CHECK(!i18n_same_conversions("", "%s"));
	CHECK(!i18n_same_conversions("%d", "%ld"));
	CHECK(!i18n_same_conversions("%d", "%n"));
	CHECK(!i18n_same_conversions("%s %s", "%2$s %1$s"));
	CHECK(!i18n_same_conversions("50 %", "50 %"));
	CHECK(!i18n_same_conversions("%d", "%*d"));
	CHECK(!i18n_same_conversions(NULL, "x"));
}

/* ---- the parser on hand-written files ----------------------------------- */

static void
test_parser(const char *dir)
{
	char err[512];

	/* Contexts, continuation lines, escapes, fuzzy and empty entries. */
	write_file(dir, "en.po",
	    "\xEF\xBB\xBF# a translator comment, after a byte-order mark\n"
	    "msgid \"\"\n"
	    "msgstr \"\"\n"
	    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
	    "\n"
	    "#. extracted comment\n"
	    "#: kiosk/touch.c:12\n"
	    "msgid \"Oui\"\n"
	    "msgstr \"Yes\"\n"
	    "\n"
	    "msgctxt \"board\"\n"
	    "msgid \"Oui\"\n"
	    "msgstr \"Yes (board)\"\n"
	    "\n"
	    "msgid \"\"\n"
	    "\"Deux \"\n"
	    "\"lignes\"\n"
	    "msgstr \"\"\n"
	    "\"Two \"\n"
	    "   \"lines\"   \n"
	    "\n"
	    "msgid \"Esc\"\n"
	    "msgstr \"a\\nb\\t\\\"c\\\" \\\\\"\n"
	    "\n"
	    "#, fuzzy, c-format\n"
	    "msgid \"Flou %d\"\n"
	    "msgstr \"Fuzzy %d\"\n"
	    "\n"
	    "msgid \"Vide\"\n"
	    "msgstr \"\"\n"
	    "\r\n"
	    "#~ msgid \"Obsolète\"\n"
	    "#~ msgstr \"Obsolete\"\n"
	    "msgid \"Fin\"\n"
	    "msgstr \"End\"");  /* no newline at end of file */
	err[0] = '\0';
	CHECK_INT(i18n_load(dir, err, sizeof err), 0);
	if (err[0])
		fprintf(stderr, "  %s\n", err);
	CHECK_STR(i18n_tr("en", "Oui"), "Yes");
	CHECK_STR(i18n_trc("en", "board", "Oui"), "Yes (board)");
	CHECK_STR(i18n_trc("en", "other", "Oui"), "Oui");
	CHECK_STR(i18n_tr("en", "Deux lignes"), "Two lines");
	CHECK_STR(i18n_tr("en", "Esc"), "a\nb\t\"c\" \\");
	CHECK_STR(i18n_tr("en", "Flou %d"), "Flou %d");
	CHECK(i18n_lookup("en", "Flou %d") == NULL);
	CHECK_STR(i18n_tr("en", "Vide"), "Vide");
	CHECK_STR(i18n_tr("en", "Obsolète"), "Obsolète");
	CHECK_STR(i18n_tr("en", "Fin"), "End");
	/* Only this directory's catalogues now: Arabic falls back to French. */
	CHECK_STR(i18n_tr("ar", "Oui"), "Oui");
}

/* One malformed file: load must fail with "FILE:LINE:" in the message. */
static void
expect_error(const char *dir, const char *text, int line, const char *why)
{
	char err[512], want[600];

	write_file(dir, "en.po", text);
	err[0] = '\0';
	CHECK_INT(i18n_load(dir, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s/en.po:%d:", dir, line);
	if (strstr(err, want) == NULL || strstr(err, why) == NULL) {
		fprintf(stderr, "  error \"%s\", wanted \"%s ... %s\"\n", err, want, why);
		CHECK(0);
	} else {
		CHECK(1);
	}
	/* A failed load keeps the catalogues loaded before it. */
	CHECK_STR(i18n_tr("en", "Oui"), "Yes");
}

static void
test_malformed(const char *dir)
{
	char err[512];

	write_file(dir, "en.po", "msgid \"Oui\"\nmsgstr \"Yes\"\n");
	REQUIRE(i18n_load(dir, err, sizeof err) == 0);

	expect_error(dir, "msgid \"Oui\"\nmsgstr \"Yes\n", 2, "unterminated");
	expect_error(dir, "\nmsgstr \"Yes\"\n", 2, "msgstr without msgid");
	expect_error(dir, "msgid \"Oui\"\n\nmsgstr \"Yes\"\n", 2, "before its msgstr");
	expect_error(dir, "msgid \"Oui\"\nmsgid \"Non\"\nmsgstr \"No\"\n", 2, "msgid without msgstr");
	expect_error(dir, "msgid \"Oui\"\nmsgstr \"Y\\qes\"\n", 2, "unknown escape");
	expect_error(dir, "msgid \"Oui\"\nmsgstr \"Yes\" x\n", 2, "after closing quote");
	expect_error(dir, "msgid \"Oui\"\nmsgstr Yes\n", 2, "expected a quoted string");
	expect_error(dir, "\"stray\"\n", 1, "outside an entry");
	expect_error(dir, "msgid \"Oui\"\nmsgstr \"Yes\"\nbogus\n", 3, "unexpected text");
	expect_error(dir, "msgid \"Oui\"\n", 2, "file ends inside an entry");
	expect_error(dir, "# c\n\n#, c-format\nmsgid \"%d min\"\nmsgstr \"%s min\"\n", 4,
	    "conversions");
	expect_error(dir, "msgid \"Oui\"\nmsgstr \"Yes\"\n\nmsgid \"Non\"\nmsgstr \"No\"\n\n"
	    "msgid \"Oui\"\nmsgstr \"Yeah\"\n", 7, "duplicate msgid");
	expect_error(dir, "msgid \"Oui\"\nmsgstr \"Y\xC3\"\n", 1, "invalid UTF-8");
	expect_error(dir, "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=ISO-8859-1\\n\"\n",
	    1, "only UTF-8");
	expect_error(dir, "msgid \"Oui\"\nmsgid_plural \"Ouis\"\nmsgstr[0] \"Yes\"\n", 2, "plural");
	expect_error(dir, "msgctxt \"a\"\nmsgctxt \"b\"\nmsgid \"Oui\"\nmsgstr \"Yes\"\n", 2,
	    "msgctxt inside an entry");

	/* A missing directory entry is fine; an unreadable path is an error. */
	remove_file(dir, "en.po");
	CHECK_INT(i18n_load(dir, err, sizeof err), 0);
	CHECK_STR(i18n_tr("en", "Oui"), "Oui");
	CHECK_INT(i18n_po_parse("/nonexistent/x.po", collect_msgid, NULL, err, sizeof err), -1);
	CHECK(strstr(err, "/nonexistent/x.po") != NULL);
	CHECK_INT(i18n_load(NULL, err, sizeof err), -1);
}

/* A day as the applicant reads it: written out in French, dd/mm/yyyy
 * elsewhere; not a day: as it is. */
static void
test_day(void)
{
	char b[64];

	CHECK_INT(i18n_day("fr", "2026-12-07", b, sizeof b), 0);
	CHECK_STR(b, "lundi 7 décembre 2026");
	CHECK_INT(i18n_day("fr-easy", "2027-01-01", b, sizeof b), 0);
	CHECK_STR(b, "vendredi 1er janvier 2027");
	CHECK_INT(i18n_day(NULL, "2028-02-29", b, sizeof b), 0);
	CHECK_STR(b, "mardi 29 février 2028");
	CHECK_INT(i18n_day("ar", "2026-12-07", b, sizeof b), 0);
	CHECK_STR(b, "07/12/2026");
	CHECK_INT(i18n_day("fr", "07/12/2026", b, sizeof b), -1);
	CHECK_STR(b, "07/12/2026");
	CHECK_INT(i18n_day("fr", "2026-13-01", b, sizeof b), -1);
	CHECK_INT(i18n_day("fr", NULL, b, sizeof b), -1);
	CHECK_STR(b, "");
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/test_i18n.XXXXXX";

	if (argc > 1)
		podir = argv[1];
	test_table();
	test_voices();
	test_conversions();
	test_catalogues();
	test_day();

	REQUIRE(mkdtemp(dir) != NULL);
	test_parser(dir);
	test_malformed(dir);
	remove_file(dir, "en.po");
	rmdir(dir);

	i18n_free();
	i18n_free(); /* harmless twice */
	CHECK_STR(i18n_tr("en", "Oui"), "Oui");
	return TEST_REPORT();
}
