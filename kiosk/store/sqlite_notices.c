/*
 * sqlite_notices: the notices of the board and the kiosk
 * (db/011_notices.sql). A notice is one row of `notices` and one row of
 * `notice_texts` per language. Only the desk calls these, inside a verb's
 * transaction.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

#define NOTICE_COLS "id, from_day, to_day, screens, created_by, created_at"

/* The row's columns, then its texts (French first). */
static int
notice_row(struct store *st, sq_stmt *s, struct notice_row *n)
{
	sq_stmt *t;
	int rc;

	memset(n, 0, sizeof *n);
	n->id = sq_col_int64(s, 0);
	sq_text(s, 1, n->from, sizeof n->from);
	sq_text(s, 2, n->to, sizeof n->to);
	n->screens = sq_col_int(s, 3);
	sq_text(s, 4, n->by, sizeof n->by);
	n->at = sq_col_int64(s, 5);
	t = sq_bind(st, "SELECT lang, text FROM notice_texts WHERE notice_id = ? "
	    "ORDER BY lang <> 'fr', lang", "i", n->id);
	while ((rc = sq_row(st, t, "cannot read a notice's texts")) == 1) {
		if (n->ntexts < NOTICE_MAX_TEXTS) {
			struct notice_text *x = &n->texts[n->ntexts++];
			sq_text(t, 0, x->lang, sizeof x->lang);
			sq_text(t, 1, x->text, sizeof x->text);
		}
	}
	return rc < 0 ? ST_ERR : ST_OK;
}

int
store_notice_add(struct store *st, struct notice_row *n)
{
	int64_t id;
	int i, rc = sq_int(st, sq_bind(st, "INSERT INTO notices (from_day, to_day, screens, "
	    "created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id", "ssisi", n->from, n->to,
	    (int64_t)n->screens, n->by, n->at), 0, &id, "cannot add a notice");

	if (rc != ST_OK)
		return rc;
	n->id = id;
	for (i = 0; i < n->ntexts; i++)
		if ((rc = sq_exec(st, sq_bind(st, "INSERT INTO notice_texts (notice_id, lang, text) "
		    "VALUES (?, ?, ?)", "iss", id, n->texts[i].lang, n->texts[i].text),
		    "cannot keep a notice's text")) != ST_OK)
			return rc;
	return ST_OK;
}

int
store_notice_get(struct store *st, int64_t id, struct notice_row *out)
{
	sq_stmt *s = sq_bind(st, "SELECT " NOTICE_COLS " FROM notices WHERE id = ?", "i", id);
	int rc = sq_row(st, s, "cannot read a notice");

	if (rc <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	rc = notice_row(st, s, out);
	sq_done(s);
	return rc;
}

int
store_notice_del(struct store *st, int64_t id)
{
	int rc = sq_exec(st, sq_bind(st, "DELETE FROM notices WHERE id = ?", "i", id),
	    "cannot delete a notice");

	if (rc != ST_OK)
		return rc;
	if (!sq_changes(st))
		return ST_NOTFOUND;
	return sq_exec(st, sq_bind(st, "DELETE FROM notice_texts WHERE notice_id = ?", "i", id),
	    "cannot delete a notice's texts");
}

int
store_notice_list(struct store *st, const char *day, int screens, struct notice_row *out,
    int max)
{
	sq_stmt *s = sq_bind(st, "SELECT " NOTICE_COLS " FROM notices WHERE to_day >= ?1 "
	    "AND (?2 = 0 OR (from_day <= ?1 AND (screens & ?2) <> 0)) "
	    "ORDER BY from_day, id LIMIT ?3", "sii", day, (int64_t)screens,
	    (int64_t)(max > 0 ? max : 0));
	int n = 0, rc = 0;

	while (n < max && (rc = sq_row(st, s, "cannot read notices")) == 1)
		if (notice_row(st, s, &out[n++]) != ST_OK) {
			sq_done(s);
			return ST_ERR;
		}
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return n;
}
