/*
 * fuzz_po: the gettext catalogues (kiosk/core/i18n.c), read at start-up
 * from the po directory, where a translator's file lands. The input is one
 * whole .po file.
 *
 * It goes through both entry points: i18n_po_parse (every entry handed to
 * a callback) and i18n_load on a directory holding the input as ar.po,
 * followed by lookups. The directory is made once; the file is rewritten
 * and every catalogue freed for each input.
 *
 * Properties: every entry handed out is NUL-terminated valid UTF-8 with a
 * positive line number; a catalogue that loads translates only to strings
 * whose printf conversions are its msgid's (so a translation can never
 * crash a printf), and a refused file gives "FILE:LINE: reason".
 */
#include <sys/stat.h>

#include "core/i18n.h"
#include "fuzz.h"

static char dir[256], file[300];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof dir, "%s/fuzz_po.XXXXXX", base && *base ? base : "/tmp");
	FUZZ_ASSERT(mkdtemp(dir) != NULL);
	snprintf(file, sizeof file, "%s/ar.po", dir);
	return 0;
}

/* The directory is removed when the run ends. */
__attribute__((destructor)) static void
cleanup(void)
{
	if (file[0])
		unlink(file);
	if (dir[0])
		rmdir(dir);
}

struct seen {
	int entries;      /* handed to the callback */
	int last_line;    /* the previous entry's line */
};

static int
entry(const struct i18n_entry *e, void *arg, char *err, size_t errlen)
{
	struct seen *s = arg;

	(void)err;
	(void)errlen;
	FUZZ_ASSERT(e->msgid != NULL && e->msgstr != NULL);
	FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)e->msgid, strlen(e->msgid)));
	FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)e->msgstr, strlen(e->msgstr)));
	FUZZ_ASSERT(e->ctxt == NULL || fuzz_utf8_valid((const unsigned char *)e->ctxt,
	    strlen(e->ctxt)));
	FUZZ_ASSERT(e->line > s->last_line);
	s->last_line = e->line;
	s->entries++;
	return 0;
}

/* Every msgid of the file, looked up in the loaded catalogue. */
static int
lookup(const struct i18n_entry *e, void *arg, char *err, size_t errlen)
{
	const char *t = e->ctxt ? i18n_trc("ar", e->ctxt, e->msgid) : i18n_tr("ar", e->msgid);

	(void)arg;
	(void)err;
	(void)errlen;
	FUZZ_ASSERT(t != NULL);
	if (t != e->msgid && strcmp(t, e->msgid) != 0)
		FUZZ_ASSERT(i18n_same_conversions(e->msgid, t));
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 0, 0 };
	char path[64], err[600] = "";
	FILE *f;
	int fd, rc;

	if (size > 64 * 1024)
		return -1;
	/* 1. The parser alone, on an in-memory file. */
	fd = fuzz_memfile(data, size, path, sizeof path);
	rc = i18n_po_parse(path, entry, &s, err, sizeof err);
	close(fd);
	if (rc != 0)
		FUZZ_ASSERT(strncmp(err, path, strlen(path)) == 0 && strchr(err, '\n') == NULL);

	/* 2. The loader, as the kiosk starts. */
	FUZZ_ASSERT((f = fopen(file, "wb")) != NULL);
	FUZZ_ASSERT(fwrite(data, 1, size, f) == size || size == 0);
	FUZZ_ASSERT(fclose(f) == 0);
	err[0] = '\0';
	if (i18n_load(dir, err, sizeof err) == 0) {
		FUZZ_ASSERT(rc == 0);      /* what loads also parses */
		i18n_po_parse(file, lookup, NULL, err, sizeof err);
		FUZZ_ASSERT(i18n_tr("ar", "") != NULL);
		FUZZ_ASSERT(strcmp(i18n_tr("fr", "Bonjour %s"), "Bonjour %s") == 0);
	} else {
		FUZZ_ASSERT(strncmp(err, file, strlen(file)) == 0 && strchr(err, '\n') == NULL);
	}
	i18n_free();
	return 0;
}
