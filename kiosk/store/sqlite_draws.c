/*
 * sqlite_draws: the draw at opening on SQLite (store/store.h,
 * db/015_draws.sql). Rows only: who may enrol, the order and the outcomes
 * are the desk's (desk/draws.c), the arithmetic the core's (core/draw.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

#define DRAW_SELECT "SELECT id, service, day, places, status, secret, commitment, opened_at, " \
	"opened_by, closed_at, closed_by, entries_hash, seed, reserve FROM draws "

#define ENTRY_SELECT "SELECT e.draw, e.entry, e.enrolled_at, e.device, e.lang, e.holder_hash, " \
	"e.holder_mask, e.rank, e.outcome, e.ticket_id, t.number, e.attestation_id, " \
	"e.redeemed_at, e.priority FROM draw_entries e LEFT JOIN tickets t ON t.id = e.ticket_id "

static void
draw_row(sqlite3_stmt *s, struct draw_row *d)
{
	char status[16];

	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(s, 0);
	d->service = sq_char(s, 1);
	sq_text(s, 2, d->day, sizeof d->day);
	d->places = sqlite3_column_int(s, 3);
	sq_text(s, 4, status, sizeof status);
	d->closed = strcmp(status, "closed") == 0;
	if (sqlite3_column_bytes(s, 5) == 32)
		memcpy(d->secret, sqlite3_column_blob(s, 5), 32);
	sq_text(s, 6, d->commitment, sizeof d->commitment);
	d->opened_at = sqlite3_column_int64(s, 7);
	sq_text(s, 8, d->opened_by, sizeof d->opened_by);
	d->closed_at = sqlite3_column_int64(s, 9);
	sq_text(s, 10, d->closed_by, sizeof d->closed_by);
	sq_text(s, 11, d->entries_hash, sizeof d->entries_hash);
	sq_text(s, 12, d->seed, sizeof d->seed);
	d->reserve = sqlite3_column_int(s, 13);
}

static int
load_draw(struct store *st, sqlite3_stmt *s, struct draw_row *out)
{
	int rc = sq_row(st, s, "cannot read a draw");

	if (rc == 1) {
		draw_row(s, out);
		sqlite3_reset(s);
		return ST_OK;
	}
	return rc == 0 ? ST_NOTFOUND : ST_ERR;
}

int
store_draw_add(struct store *st, struct draw_row *d)
{
	struct draw_row other;
	int64_t id;
	int rc;

	/* The unique index would refuse it too, but as a storage failure. */
	if ((rc = store_draw_open_of(st, d->service, &other)) != ST_NOTFOUND)
		return rc == ST_OK ? ST_CONFLICT : rc;
	if (sq_exec(st, sq_bind(st, "INSERT INTO draws (service, day, places, status, secret, "
	    "commitment, opened_at, opened_by) VALUES (?,?,?,'open',?,?,?,?)", "csibsis",
	    d->service, d->day, (int64_t)d->places, d->secret, d->commitment, d->opened_at,
	    d->opened_by), "cannot store a draw") ||
	    sq_int(st, sq_bind(st, "SELECT last_insert_rowid()", ""), 0, &id,
	    "cannot store a draw"))
		return ST_ERR;
	d->id = id;
	return ST_OK;
}

int
store_draw_get(struct store *st, int64_t id, struct draw_row *out)
{
	return load_draw(st, sq_bind(st, DRAW_SELECT "WHERE id = ?", "i", id), out);
}

int
store_draw_open_of(struct store *st, char service, struct draw_row *out)
{
	return load_draw(st, sq_bind(st, DRAW_SELECT "WHERE service = ? AND status = 'open'", "c",
	    service), out);
}

int
store_draw_close(struct store *st, const struct draw_row *d)
{
	if (sq_exec(st, sq_bind(st, "UPDATE draws SET status = 'closed', closed_at = ?, "
	    "closed_by = ?, entries_hash = ?, seed = ?, reserve = ? WHERE id = ? AND "
	    "status = 'open'", "isssii", d->closed_at, d->closed_by, d->entries_hash, d->seed,
	    (int64_t)d->reserve, d->id), "cannot close a draw"))
		return ST_ERR;
	return sq_changes(st) ? ST_OK : ST_CONFLICT;
}

static void
entry_row(sqlite3_stmt *s, struct draw_entry_row *e)
{
	memset(e, 0, sizeof *e);
	e->draw = sqlite3_column_int64(s, 0);
	sq_text(s, 1, e->entry, sizeof e->entry);
	e->enrolled_at = sqlite3_column_int64(s, 2);
	sq_text(s, 3, e->device, sizeof e->device);
	sq_text(s, 4, e->lang, sizeof e->lang);
	if (sqlite3_column_bytes(s, 5) == 32) {
		memcpy(e->holder_hash, sqlite3_column_blob(s, 5), 32);
		e->bound = 1;
	}
	sq_text(s, 6, e->holder_mask, sizeof e->holder_mask);
	e->rank = sqlite3_column_int(s, 7);
	sq_text(s, 8, e->outcome, sizeof e->outcome);
	e->ticket = sqlite3_column_int64(s, 9);
	sq_text(s, 10, e->ticket_number, sizeof e->ticket_number);
	e->attestation = sqlite3_column_int64(s, 11);
	e->redeemed_at = sqlite3_column_int64(s, 12);
	e->priority = sqlite3_column_int(s, 13);
}

static int
load_entry(struct store *st, sqlite3_stmt *s, struct draw_entry_row *out)
{
	int rc = sq_row(st, s, "cannot read a draw entry");

	if (rc == 1) {
		entry_row(s, out);
		sqlite3_reset(s);
		return ST_OK;
	}
	return rc == 0 ? ST_NOTFOUND : ST_ERR;
}

int
store_draw_entry_add(struct store *st, const struct draw_entry_row *e)
{
	struct draw_entry_row other;
	int rc;

	if (e->bound && (rc = store_draw_entry_of_holder(st, e->draw, e->holder_hash, &other)) !=
	    ST_NOTFOUND)
		return rc == ST_OK ? ST_CONFLICT : rc;
	return sq_exec(st, sq_bind(st, "INSERT INTO draw_entries (draw, entry, enrolled_at, device, "
	    "lang, priority, holder_hash, holder_mask) VALUES (?,?,?,?,?,?,?,?)", "isissibs",
	    e->draw, e->entry, e->enrolled_at, e->device, e->lang, (int64_t)(e->priority != 0),
	    e->bound ? e->holder_hash : NULL, e->holder_mask), "cannot store a draw entry");
}

int
store_draw_entry_get(struct store *st, int64_t draw, const char *entry,
    struct draw_entry_row *out)
{
	return load_entry(st, sq_bind(st, ENTRY_SELECT "WHERE e.draw = ? AND e.entry = ?", "is",
	    draw, entry), out);
}

int
store_draw_entry_of_holder(struct store *st, int64_t draw, const unsigned char hash[32],
    struct draw_entry_row *out)
{
	return load_entry(st, sq_bind(st, ENTRY_SELECT "WHERE e.draw = ? AND e.holder_hash = ?",
	    "ib", draw, hash), out);
}

int
store_draw_entry_set(struct store *st, const struct draw_entry_row *e)
{
	if (sq_exec(st, sq_bind(st, "UPDATE draw_entries SET rank = ?, outcome = ?, ticket_id = ?, "
	    "attestation_id = ?, redeemed_at = ? WHERE draw = ? AND entry = ?", "isIIiis",
	    (int64_t)e->rank, e->outcome, e->ticket, e->attestation, e->redeemed_at, e->draw,
	    e->entry), "cannot update a draw entry"))
		return ST_ERR;
	return sq_changes(st) ? ST_OK : ST_NOTFOUND;
}

int
store_draw_entries(struct store *st, int64_t draw, int by_rank, struct draw_entry_row *out,
    int max)
{
	/* Two literals: the statement cache is keyed by the literal. The
	 * primary key's BINARY collation is byte order (memcmp). */
	sqlite3_stmt *s = by_rank ?
	    sq_bind(st, ENTRY_SELECT "WHERE e.draw = ? ORDER BY e.rank, e.entry", "i", draw) :
	    sq_bind(st, ENTRY_SELECT "WHERE e.draw = ? ORDER BY e.entry", "i", draw);
	int n = 0, rc = 0;

	while (n < max && (rc = sq_row(st, s, "cannot read draw entries")) == 1)
		entry_row(s, &out[n++]);
	if (n < max && rc < 0)
		return ST_ERR;
	if (s)
		sqlite3_reset(s);
	return n;
}

int
store_draw_entry_count(struct store *st, int64_t draw)
{
	int64_t n;

	if (sq_int(st, sq_bind(st, "SELECT COUNT(*) FROM draw_entries WHERE draw = ?", "i", draw),
	    0, &n, "cannot count draw entries"))
		return ST_ERR;
	return (int)n;
}

int
store_draw_purge(struct store *st, const char *holder_day, const char *event_day)
{
	if (sq_exec(st, sq_bind(st, "UPDATE draw_entries SET holder_hash = NULL, holder_mask = '' "
	    "WHERE holder_hash IS NOT NULL AND draw IN (SELECT id FROM draws WHERE day < ?)", "s",
	    holder_day), "cannot purge holder data") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM draw_entry_days WHERE draw IN (SELECT id FROM "
	    "draws WHERE day < ?)", "s", holder_day), "cannot purge holder data") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM draw_entries WHERE draw IN (SELECT id FROM draws "
	    "WHERE day < ?)", "s", event_day), "cannot purge draws") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM draws WHERE day < ?", "s", event_day),
	    "cannot purge draws"))
		return ST_ERR;
	return ST_OK;
}

int
store_draw_entry_day_put(struct store *st, int64_t draw, const char *entry, const char *day,
    const unsigned char hash[32])
{
	return sq_exec(st, sq_bind(st, "INSERT OR REPLACE INTO draw_entry_days (draw, entry, day, "
	    "hash) VALUES (?,?,?,?)", "issb", draw, entry, day, hash),
	    "cannot store a draw entry's holder hash");
}

int
store_draw_entry_day_get(struct store *st, int64_t draw, const char *entry, const char *day,
    unsigned char hash[32])
{
	sqlite3_stmt *s = sq_bind(st, "SELECT hash FROM draw_entry_days WHERE draw = ? AND "
	    "entry = ? AND day = ?", "iss", draw, entry, day);
	int rc = sq_row(st, s, "cannot read a draw entry's holder hash");

	if (rc != 1)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	rc = sqlite3_column_bytes(s, 0) == 32 ? ST_OK : ST_NOTFOUND;
	if (rc == ST_OK)
		memcpy(hash, sqlite3_column_blob(s, 0), 32);
	sqlite3_reset(s);
	return rc;
}

int
store_draw_entry_days_drop(struct store *st, int64_t draw)
{
	return sq_exec(st, sq_bind(st, "DELETE FROM draw_entry_days WHERE draw = ?", "i", draw),
	    "cannot delete a draw's holder hashes");
}

int
store_draw_list(struct store *st, const char *day, struct draw_row *out, int max)
{
	sqlite3_stmt *s = sq_bind(st, DRAW_SELECT "WHERE day = ? ORDER BY id", "s", day);
	int n = 0, rc = 0;

	while (n < max && (rc = sq_row(st, s, "cannot read draws")) == 1)
		draw_row(s, &out[n++]);
	if (n < max && rc < 0)
		return ST_ERR;
	if (s)
		sqlite3_reset(s);
	return n;
}
