/*
 * appt_csv: a CSV file of appointments (appt_in.h, docs/APPOINTMENTS.md).
 *
 * RFC 4180, read leniently where spreadsheets differ and strictly where a
 * value could be misread:
 *   - a header row names the columns, in any order, case and surrounding
 *     spaces ignored: id, service, start, duration_min, code (required),
 *     holder, lang, status (optional); an unknown or repeated column is an
 *     error, so that a misspelt "duration" is not silently dropped;
 *   - fields are separated by commas, or by semicolons when the header row
 *     has none and has semicolons (what a French spreadsheet writes);
 *   - a field may be quoted ("a ""b"", c"), and a quoted field may hold the
 *     separator and line breaks; a quote inside an unquoted field, or text
 *     after a closing quote, is an error;
 *   - CRLF or LF line ends, a UTF-8 byte order mark, spaces around unquoted
 *     fields, and rows that are empty or hold only separators are accepted;
 *   - a NUL byte is an error.
 * The first problem stops the reading: "FILE:LINE: problem", LINE being the
 * line on which the row starts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "io/appt_int.h"

#define CSV_MAX_FIELDS 32       /* a row with more is refused */

enum col { C_ID, C_SERVICE, C_START, C_DURATION, C_CODE, C_HOLDER, C_LANG, C_STATUS, C_N };
static const char *const col_name[C_N] = {
	"id", "service", "start", "duration_min", "code", "holder", "lang", "status",
};
#define C_REQUIRED 5            /* the first five are required */

struct csv {
	const char *path;       /* for messages */
	const char *p, *end;    /* what is left to read */
	long line;              /* line of *p, from 1 */
	char sep;               /* ',' or ';' */
	struct buf text;        /* the current row's fields, each NUL-terminated */
	size_t off[CSV_MAX_FIELDS]; /* where each field starts in text */
	int quoted[CSV_MAX_FIELDS]; /* 1 when the field was quoted */
	int n;                  /* fields in the current row */
	char *err;              /* the caller's message buffer */
	size_t errlen;
};

static int fail(struct csv *c, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "FILE:LINE: problem"; -1. */
static int
fail(struct csv *c, long line, const char *fmt, ...)
{
	int n = snprintf(c->err, c->errlen, "%s:%ld: ", c->path, line);
	va_list ap;

	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Drop spaces and tabs at both ends of the field that starts at text[from]. */
static void
trim_field(struct buf *t, size_t from)
{
	size_t a = from, z = t->len;

	if (t->p == NULL)       /* nothing added yet */
		return;
	while (a < z && (t->p[a] == ' ' || t->p[a] == '\t'))
		a++;
	while (z > a && (t->p[z - 1] == ' ' || t->p[z - 1] == '\t'))
		z--;
	memmove(t->p + from, t->p + a, z - a);
	buf_truncate(t, from + (z - a));
}

/*
 * The next row into c->text / c->off / c->n. 1 with *line the row's first
 * line, 0 at the end of the file, -1 with the message set.
 */
static int
next_row(struct csv *c, long *line)
{
	int quoted = 0, after_quote = 0, in_field = 0;

	buf_clear(&c->text);
	c->n = 0;
	*line = c->line;
	if (c->p >= c->end)
		return 0;
	c->off[0] = 0;
	c->quoted[0] = 0;
	c->n = 1;
	while (c->p < c->end) {
		char ch = *c->p++;

		if (ch == '\0')
			return fail(c, c->line, "a NUL byte");
		if (quoted) {
			if (ch == '"') {
				if (c->p < c->end && *c->p == '"') {
					c->p++;
					buf_add(&c->text, "\"", 1);
				} else {
					quoted = 0;
					after_quote = 1;
				}
			} else {
				if (ch == '\n')
					c->line++;
				buf_add(&c->text, &ch, 1);
			}
			continue;
		}
		if (ch == c->sep || ch == '\n' || (ch == '\r' && c->p < c->end && *c->p == '\n') ||
		    (ch == '\r' && c->p == c->end)) {
			if (!c->quoted[c->n - 1])
				trim_field(&c->text, c->off[c->n - 1]);
			buf_add(&c->text, "", 1);
			if (ch == '\r' && c->p < c->end)
				ch = *c->p++;
			if (ch == '\n' || ch == '\r') {
				c->line++;
				return c->text.failed ? fail(c, *line, "out of memory") : 1;
			}
			if (c->n == CSV_MAX_FIELDS)
				return fail(c, *line, "more than 32 fields");
			c->off[c->n] = c->text.len;
			c->quoted[c->n] = 0;
			c->n++;
			after_quote = in_field = 0;
			continue;
		}
		if (after_quote) {
			if (ch == ' ' || ch == '\t')
				continue;
			return fail(c, c->line, "text after a closing quote");
		}
		if (ch == '"') {
			/* Spaces before the opening quote are dropped with it. */
			size_t k;

			for (k = c->off[c->n - 1]; k < c->text.len; k++)
				if (c->text.p[k] != ' ' && c->text.p[k] != '\t')
					break;
			if (k < c->text.len || in_field)
				return fail(c, c->line, "a quote inside an unquoted field");
			buf_truncate(&c->text, c->off[c->n - 1]);
			quoted = 1;
			c->quoted[c->n - 1] = 1;
			continue;
		}
		if (ch != ' ' && ch != '\t')
			in_field = 1;
		buf_add(&c->text, &ch, 1);
	}
	if (quoted)
		return fail(c, *line, "a quoted field is not closed");
	/* The last row has no line end. */
	if (!c->quoted[c->n - 1])
		trim_field(&c->text, c->off[c->n - 1]);
	buf_add(&c->text, "", 1);
	return c->text.failed ? fail(c, *line, "out of memory") : 1;
}

static const char *
field(const struct csv *c, int i)
{
	return c->text.p + c->off[i];
}

/* 1 when the row is empty or holds only empty fields (spreadsheets leave
 * such rows at the end). */
static int
blank_row(const struct csv *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (field(c, i)[0] != '\0')
			return 0;
	return 1;
}

static int
header(struct csv *c, int colof[C_N], int *ncols)
{
	long line;
	int i, k, rc;

	/* A comma-free first line with semicolons: a French spreadsheet. */
	{
		const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
		const char *stop = nl ? nl : c->end;

		if (memchr(c->p, ',', (size_t)(stop - c->p)) == NULL &&
		    memchr(c->p, ';', (size_t)(stop - c->p)) != NULL)
			c->sep = ';';
	}
	do {
		if ((rc = next_row(c, &line)) < 0)
			return -1;
		if (rc == 0)
			return fail(c, line, "no header row (%s)", "id,service,start,duration_min,code");
	} while (blank_row(c));
	for (k = 0; k < C_N; k++)
		colof[k] = -1;
	for (i = 0; i < c->n; i++) {
		char shown[48];

		for (k = 0; k < C_N; k++)
			if (strcasecmp(field(c, i), col_name[k]) == 0)
				break;
		appt_show(field(c, i), shown);
		if (k == C_N)
			return fail(c, line, "unknown column \"%s\" (the columns are %s)", shown,
			    "id, service, start, duration_min, code, holder, lang, status");
		if (colof[k] >= 0)
			return fail(c, line, "column \"%s\" twice", col_name[k]);
		colof[k] = i;
	}
	for (k = 0; k < C_REQUIRED; k++)
		if (colof[k] < 0)
			return fail(c, line, "missing column \"%s\"", col_name[k]);
	*ncols = c->n;
	return 0;
}

/* One row into a; -1 with the message set. */
static int
row(struct csv *c, long line, const int colof[C_N], int ncols, struct appt_in *a)
{
	char why[160], shown[48], what[220];
	int k, rc = 0;

	if (c->n < ncols)
		return fail(c, line, "missing column: %d fields, the header has %d", c->n, ncols);
	if (c->n > ncols)
		return fail(c, line, "%d fields, the header has only %d", c->n, ncols);
	memset(a, 0, sizeof *a);
	for (k = 0; k < C_N; k++) {
		const char *v = colof[k] >= 0 ? field(c, colof[k]) : "";

		if (k < C_REQUIRED && v[0] == '\0')
			return fail(c, line, "missing %s", col_name[k]);
		switch (k) {
		case C_ID:       rc = appt_set_id(a, v, why, sizeof why); break;
		case C_SERVICE:  rc = appt_set_service(a, v, why, sizeof why); break;
		case C_START:    rc = appt_time_parse(v, &a->start, why, sizeof why); break;
		case C_DURATION: rc = appt_set_duration_text(a, v, why, sizeof why); break;
		case C_CODE:     rc = appt_set_code(a, v, why, sizeof why); break;
		case C_HOLDER:   rc = appt_set_holder(a, v, why, sizeof why); break;
		case C_LANG:     rc = appt_set_lang(a, v, why, sizeof why); break;
		case C_STATUS:   rc = appt_set_status(a, v, why, sizeof why); break;
		}
		if (rc < 0) {
			/* The holder is a document number: never echoed. The
			 * time's reason already quotes the value. */
			if (k == C_HOLDER)
				snprintf(what, sizeof what, ": %s", why);
			else if (k == C_START)
				snprintf(what, sizeof what, " %s", why);
			else {
				appt_show(v, shown);
				snprintf(what, sizeof what, " \"%s\": %s", shown, why);
			}
			return fail(c, line, "bad %s%s", col_name[k], what);
		}
	}
	return 0;
}

int
appt_csv_read(const char *path, struct appt_in **out, char *err, size_t errlen)
{
	struct csv c;
	struct appt_in *v = NULL;
	struct appt_ids *ids = NULL;
	char *data = NULL;
	size_t len, n = 0, cap = 0;
	int colof[C_N], ncols = 0, rc;
	long line, first;

	*out = NULL;
	if (appt_file_read(path, &data, &len, err, errlen) < 0)
		return -1;
	memset(&c, 0, sizeof c);
	c.path = path;
	c.p = data;
	c.end = data + len;
	c.line = 1;
	c.sep = ',';
	c.err = err;
	c.errlen = errlen;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c.p += 3;
	if (header(&c, colof, &ncols) < 0)
		goto fail;
	if ((ids = appt_ids_new()) == NULL)
		goto oom;
	while ((rc = next_row(&c, &line)) == 1) {
		if (blank_row(&c))
			continue;
		if (appt_grow(&v, n, &cap) < 0)
			goto oom;
		if (row(&c, line, colof, ncols, &v[n]) < 0)
			goto fail;
		rc = appt_ids_add(ids, v[n].id, line, &first);
		if (rc < 0)
			goto oom;
		if (rc == 1) {
			char shown[48];

			appt_show(v[n].id, shown);
			fail(&c, line, "duplicate id \"%s\", already on line %ld", shown, first);
			goto fail;
		}
		n++;
	}
	if (rc < 0)
		goto fail;
	appt_ids_free(ids);
	buf_free(&c.text);
	free(data);
	if (n == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	return (int)n;
oom:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	appt_ids_free(ids);
	buf_free(&c.text);
	free(data);
	free(v);
	return -1;
}
