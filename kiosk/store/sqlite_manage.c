/*
 * sqlite_manage: the manager's changes for today (db/009_manage.sql). Only
 * the desk calls these, inside a verb's transaction.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

int
store_service_today_get(struct store *st, const char *day, char code, struct service_day *out)
{
	char c[2] = { code, 0 };
	sq_stmt *s = sq_bind(st, "SELECT open, capacity, priority_reserve FROM service_today "
	    "WHERE day = ? AND code = ?", "ss", day, c);
	int rc;

	if ((rc = sq_row(st, s, "cannot read today's service change")) <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	out->open = sq_col_int(s, 0);
	out->capacity = sq_col_int(s, 1);
	out->reserve = sq_col_int(s, 2);
	sq_done(s);
	return ST_OK;
}

int
store_service_today_set(struct store *st, const char *day, char code,
    const struct service_day *sd, const char *reason)
{
	char c[2] = { code, 0 };

	return sq_exec(st, sq_bind(st, "INSERT INTO service_today (day, code, open, capacity, "
	    "priority_reserve, reason) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, code) DO UPDATE "
	    "SET open = excluded.open, capacity = excluded.capacity, priority_reserve = "
	    "excluded.priority_reserve, reason = excluded.reason", "ssiiis", day, c,
	    (int64_t)sd->open, (int64_t)sd->capacity, (int64_t)sd->reserve, reason),
	    "cannot keep today's service change");
}

int
store_counter_config(struct store *st, int n, const char *name, const char *services)
{
	int rc = sq_exec(st, sq_bind(st, "UPDATE counters SET name = ?, services = ? WHERE n = ? "
	    "AND active = 1", "ssi", name, services, (int64_t)n), "cannot change a counter");

	if (rc != ST_OK)
		return rc;
	return sq_changes(st) == 1 ? ST_OK : ST_NOTFOUND;
}

/* -- closures ------------------------------------------------------------------ */

#define CLOSURE_COLS "id, from_day, to_day, reason, created_by, created_at, open_min, close_min"

static void
closure_row(sq_stmt *s, struct closure_row *c)
{
	memset(c, 0, sizeof *c);
	c->id = sq_col_int64(s, 0);
	sq_text(s, 1, c->from, sizeof c->from);
	sq_text(s, 2, c->to, sizeof c->to);
	sq_text(s, 3, c->reason, sizeof c->reason);
	sq_text(s, 4, c->by, sizeof c->by);
	c->at = sq_col_int64(s, 5);
	c->hours.open_min = sq_col_int(s, 6);
	c->hours.close_min = sq_col_int(s, 7);
}

int
store_closure_add(struct store *st, struct closure_row *c)
{
	int64_t id;
	int rc = sq_int(st, sq_bind(st, "INSERT INTO closures (from_day, to_day, reason, "
	    "created_by, created_at, open_min, close_min) VALUES (?, ?, ?, ?, ?, ?, ?) "
	    "RETURNING id", "ssssiii", c->from, c->to, c->reason, c->by, c->at,
	    (int64_t)c->hours.open_min, (int64_t)c->hours.close_min), 0, &id,
	    "cannot add a closure");

	if (rc != ST_OK)
		return rc;
	c->id = id;
	return ST_OK;
}

static int
closure_one(struct store *st, sq_stmt *s, struct closure_row *out)
{
	int rc = sq_row(st, s, "cannot read a closure");

	if (rc <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	closure_row(s, out);
	sq_done(s);
	return ST_OK;
}

int
store_closure_get(struct store *st, int64_t id, struct closure_row *out)
{
	return closure_one(st, sq_bind(st, "SELECT " CLOSURE_COLS " FROM closures WHERE id = ?",
	    "i", id), out);
}

int
store_closure_on(struct store *st, const char *day, struct closure_row *out)
{
	return closure_one(st, sq_bind(st, "SELECT " CLOSURE_COLS " FROM closures WHERE "
	    "from_day <= ?1 AND to_day >= ?1 ORDER BY open_min >= 0, id LIMIT 1", "s", day), out);
}

int
store_closure_del(struct store *st, int64_t id)
{
	int rc = sq_exec(st, sq_bind(st, "DELETE FROM closures WHERE id = ?", "i", id),
	    "cannot delete a closure");

	if (rc != ST_OK)
		return rc;
	return sq_changes(st) ? ST_OK : ST_NOTFOUND;
}

int
store_closure_list(struct store *st, struct closure_row *out, int max)
{
	sq_stmt *s = sq_bind(st, "SELECT " CLOSURE_COLS " FROM closures "
	    "ORDER BY from_day, id LIMIT ?", "i", (int64_t)(max > 0 ? max : 0));
	int n = 0, rc = 0;

	while (n < max && (rc = sq_row(st, s, "cannot read closures")) == 1)
		closure_row(s, &out[n++]);
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return n;
}

/* -- devices ------------------------------------------------------------------- */

int
store_device_list(struct store *st, struct device_row *out, int max)
{
	sq_stmt *s = sq_bind(st, "SELECT d.name, d.created_at, d.active, "
	    "COALESCE(d.printer_at, 0), d.printer_status, d.printer_reason, "
	    "(SELECT MAX(e.at) FROM events e WHERE e.agent = d.name), d.paper_slips, d.paper_mm, "
	    "COALESCE(d.paper_since, 0) FROM devices d ORDER BY d.name LIMIT ?", "i",
	    (int64_t)(max > 0 ? max : 0));
	int n = 0, rc = 0;
	int64_t ev;

	while (n < max && (rc = sq_row(st, s, "cannot list the devices")) == 1) {
		struct device_row *d = &out[n++];
		memset(d, 0, sizeof *d);
		sq_text(s, 0, d->name, sizeof d->name);
		d->created_at = sq_col_int64(s, 1);
		d->active = sq_col_int(s, 2);
		d->printer_at = sq_col_int64(s, 3);
		sq_text(s, 4, d->printer_status, sizeof d->printer_status);
		sq_text(s, 5, d->printer_reason, sizeof d->printer_reason);
		ev = sq_col_int64(s, 6);
		d->last_contact = ev > d->printer_at ? ev : d->printer_at;
		d->paper_slips = sq_col_int(s, 7);
		d->paper_mm = sq_col_int64(s, 8);
		d->paper_since = sq_col_int64(s, 9);
	}
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return n;
}

int
store_device_new_roll(struct store *st, const char *name, int64_t at, struct device_row *was)
{
	sq_stmt *s = sq_bind(st, "SELECT paper_slips, paper_mm, COALESCE(paper_since, 0) "
	    "FROM devices WHERE name = ?", "s", name);
	int rc = sq_row(st, s, "cannot read the paper counter");

	memset(was, 0, sizeof *was);
	if (rc <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	snprintf(was->name, sizeof was->name, "%s", name);
	was->paper_slips = sq_col_int(s, 0);
	was->paper_mm = sq_col_int64(s, 1);
	was->paper_since = sq_col_int64(s, 2);
	sq_done(s);
	return sq_exec(st, sq_bind(st, "UPDATE devices SET paper_slips = 0, paper_mm = 0, "
	    "paper_since = ? WHERE name = ?", "is", at, name), "cannot reset the paper counter");
}

int
store_device_revoke(struct store *st, const char *name)
{
	int rc = sq_exec(st, sq_bind(st, "UPDATE devices SET active = 0 WHERE name = ? AND "
	    "active = 1", "s", name), "cannot revoke the device");

	if (rc != ST_OK)
		return rc;
	if (!sq_changes(st))
		return ST_NOTFOUND;
	return sq_exec(st, sq_bind(st, "DELETE FROM credentials WHERE kind = 'device' AND "
	    "owner = ?", "s", name), "cannot delete the device's keys");
}
