/*
 * notices: the manager's notices for the board and the kiosk (issue #16):
 * a text per language shown every day of a range on the chosen screens.
 * Adding and deleting one are verbs like the others: checked here (the
 * network's layer only turns JSON into a notice_row), one transaction,
 * audited with who, before and after, and a DE_NOTICES event so the boards
 * change at once. Pure desk: the store's interface only, no SQL, no HTTP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "core/str.h"
#include "desk/desk_int.h"

struct notice_op {
	struct verb v;
	struct notice_row *row;     /* add: in (id set); del: OUT, the notice removed */
	int64_t id;                 /* del */
	int screens;                /* list: 0 all not ended, else today's on those screens */
	struct notice_row *list;    /* list: OUT */
	int max, n;
};

/* Characters of a valid UTF-8 text, -1 when it is not one line of valid
 * UTF-8 (a control character counts as invalid). */
static int
text_chars(const char *s)
{
	size_t n = strlen(s), i = 0, k;
	int chars = 0;

	while (i < n) {
		if ((k = str_utf8_char(s + i, n - i)) == 0 || (unsigned char)s[i] < 0x20 ||
		    s[i] == 0x7f)
			return -1;
		i += k;
		chars++;
	}
	return chars;
}

static int
by_lang(const void *a, const void *b)
{
	const struct notice_text *x = a, *y = b;
	int fx = !strcmp(x->lang, "fr"), fy = !strcmp(y->lang, "fr");

	if (fx != fy)
		return fy - fx;
	return strcmp(x->lang, y->lang);
}

/* Check `in` into `out` (languages by their kiosk code, French first). */
static int
notice_check(struct verb *v, const struct notice_row *in, struct notice_row *out)
{
	const struct lang *l;
	int i, j, fr = 0, chars;

	if (!queue_valid_day(in->from) || !queue_valid_day(in->to))
		return verb_fail(v, DK_BAD, "'from' and 'to' must be days YYYY-MM-DD");
	if (strcmp(in->from, in->to) > 0)
		return verb_fail(v, DK_BAD, "'from' is after 'to'");
	if (strcmp(in->to, v->day) < 0)
		return verb_fail(v, DK_BAD, "'to' (%s) is in the past: today is %s", in->to, v->day);
	if (in->screens == 0 || (in->screens & ~(NOTICE_BOARD | NOTICE_KIOSK)) != 0)
		return verb_fail(v, DK_BAD, "'screens' must name \"board\", \"kiosk\" or both");
	if (in->ntexts < 1 || in->ntexts > NOTICE_MAX_TEXTS)
		return verb_fail(v, DK_BAD, "give a text in French, and at most %d languages",
		    NOTICE_MAX_TEXTS);
	memset(out, 0, sizeof *out);
	for (i = 0; i < in->ntexts; i++) {
		const struct notice_text *t = &in->texts[i];
		if ((l = i18n_lang(t->lang)) == NULL)
			return verb_fail(v, DK_BAD, "'%s' is not one of the kiosk's languages", t->lang);
		for (j = 0; j < i; j++)
			if (!strcmp(out->texts[j].lang, l->code))
				return verb_fail(v, DK_BAD, "the language '%s' is given twice", l->code);
		if ((chars = text_chars(t->text)) < 0)
			return verb_fail(v, DK_BAD, "the '%s' text must be one line of valid UTF-8",
			    l->code);
		if (chars == 0 || chars > NOTICE_TEXT_CHARS)
			return verb_fail(v, DK_BAD, "the '%s' text must have 1 to %d characters "
			    "(it has %d)", l->code, NOTICE_TEXT_CHARS, chars);
		str_copy(out->texts[i].lang, sizeof out->texts[i].lang, l->code);
		str_copy(out->texts[i].text, sizeof out->texts[i].text, t->text);
		fr |= !strcmp(l->code, "fr");
	}
	if (!fr)
		return verb_fail(v, DK_BAD, "a French text (\"fr\") is required");
	out->ntexts = in->ntexts;
	qsort(out->texts, (size_t)out->ntexts, sizeof out->texts[0], by_lang);
	str_copy(out->from, sizeof out->from, in->from);
	str_copy(out->to, sizeof out->to, in->to);
	out->screens = in->screens;
	return DK_OK;
}

/* "2026-11-27 to 2026-11-28 on board,kiosk; fr: ...; en: ..." */
static void
notice_describe(struct buf *b, const struct notice_row *n)
{
	int i;

	buf_printf(b, "%s to %s on %s%s%s", n->from, n->to,
	    (n->screens & NOTICE_BOARD) ? "board" : "",
	    (n->screens & NOTICE_BOARD) && (n->screens & NOTICE_KIOSK) ? "," : "",
	    (n->screens & NOTICE_KIOSK) ? "kiosk" : "");
	for (i = 0; i < n->ntexts; i++)
		buf_printf(b, "; %s: %s", n->texts[i].lang, n->texts[i].text);
}

static int
audit(struct verb *v, const char *action, struct buf *b)
{
	int rc = b->failed ? ST_ERR : store_audit_add(v->st, v->now, v->who->name, action,
	    buf_str(b));

	if (b->failed)
		verb_fail(v, DK_ERR, "out of memory");
	buf_free(b);
	return rc;
}

static int
notice_add_tx(struct store *st, void *arg)
{
	struct notice_op *o = arg;
	struct buf b = BUF_INIT;
	int rc;

	if ((rc = store_notice_add(st, o->row)) != ST_OK)
		return rc;
	buf_printf(&b, "notice %lld: before none; after ", (long long)o->row->id);
	notice_describe(&b, o->row);
	if ((rc = audit(&o->v, "notice_add", &b)) != ST_OK)
		return rc;
	verb_event(&o->v, DE_NOTICES);
	return ST_OK;
}

int
desk_notice_add(struct desk *d, const struct desk_actor *who, const struct notice_row *in,
    int64_t now, struct notice_row *out, struct desk_events *ev, char *err, size_t errlen)
{
	struct notice_op o = { .row = out };
	int rc;

	verb_init(&o.v, d, who, now, ev, err, errlen);
	if ((rc = notice_check(&o.v, in, out)) != DK_OK)
		return rc;
	str_copy(out->by, sizeof out->by, who->name);
	out->at = now;
	return verb_write(&o.v, notice_add_tx, &o);
}

static int
notice_del_tx(struct store *st, void *arg)
{
	struct notice_op *o = arg;
	struct buf b = BUF_INIT;
	int rc;

	if ((rc = store_notice_get(st, o->id, o->row)) == ST_NOTFOUND)
		return verb_fail(&o->v, DK_NOTFOUND, "no notice %lld", (long long)o->id);
	if (rc != ST_OK || (rc = store_notice_del(st, o->id)) != ST_OK)
		return rc;
	buf_printf(&b, "notice %lld: before ", (long long)o->id);
	notice_describe(&b, o->row);
	buf_puts(&b, "; after none");
	if ((rc = audit(&o->v, "notice_delete", &b)) != ST_OK)
		return rc;
	verb_event(&o->v, DE_NOTICES);
	return ST_OK;
}

int
desk_notice_delete(struct desk *d, const struct desk_actor *who, int64_t id, int64_t now,
    struct notice_row *out, struct desk_events *ev, char *err, size_t errlen)
{
	struct notice_op o = { .row = out, .id = id };

	verb_init(&o.v, d, who, now, ev, err, errlen);
	memset(out, 0, sizeof *out);
	return verb_write(&o.v, notice_del_tx, &o);
}

static int
notice_list_tx(struct store *st, void *arg)
{
	struct notice_op *o = arg;

	o->n = store_notice_list(st, o->v.day, o->screens, o->list, o->max);
	return o->n < 0 ? ST_ERR : ST_OK;
}

int
desk_notices(struct desk *d, int64_t now, int screens, struct notice_row *out, int max,
    char *err, size_t errlen)
{
	struct notice_op o = { .screens = screens, .list = out, .max = max };
	int rc;

	verb_init(&o.v, d, NULL, now, NULL, err, errlen);
	rc = verb_read(&o.v, notice_list_tx, &o);
	return rc == ST_OK ? o.n : rc;
}
