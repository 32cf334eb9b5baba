/*
 * sqlite_appointments: appointments booked online on SQLite (see
 * store/store.h and db/012_appointments.sql). Rows only: whether an update
 * is older than the stored one, whether a check-in is in its window or a
 * service has room for one more appointment is the desk's business
 * (desk/appointments.c).
 *
 * The kiosk finds an appointment by its code: (code, day) is the unique
 * index, so today's code is one seek and another day's a range of the same
 * index.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

#define APPT_SELECT "SELECT a.id, a.ext_id, a.service, a.day, a.start, a.duration_min, " \
	"a.code, a.holder_hash, a.lang, a.status, a.updated_at, a.source, a.stored_at, " \
	"a.ticket_id, t.number, a.checked_in_at, a.slot, a.cancel_reason FROM appointments a " \
	"LEFT JOIN tickets t ON t.id = a.ticket_id "

static void
appt_row(sq_stmt *s, struct appt_row *a)
{
	char status[16];

	memset(a, 0, sizeof *a);
	a->id = sq_col_int64(s, 0);
	sq_text(s, 1, a->ext_id, sizeof a->ext_id);
	a->service = sq_char(s, 2);
	sq_text(s, 3, a->day, sizeof a->day);
	a->start = sq_col_int64(s, 4);
	a->duration_min = sq_col_int(s, 5);
	sq_text(s, 6, a->code, sizeof a->code);
	a->bound = sq_col_blob32(s, 7, a->holder_hash);
	sq_text(s, 8, a->lang, sizeof a->lang);
	sq_text(s, 9, status, sizeof status);
	a->status = strcmp(status, "cancelled") ? APPT_BOOKED : APPT_CANCELLED;
	a->updated_at = sq_col_int64(s, 10);
	sq_text(s, 11, a->source, sizeof a->source);
	a->stored_at = sq_col_int64(s, 12);
	a->ticket = sq_col_int64(s, 13);
	sq_text(s, 14, a->ticket_number, sizeof a->ticket_number);
	a->checked_in_at = sq_col_int64(s, 15);
	a->slot = sq_col_null(s, 16) ? -1 : sq_col_int(s, 16);
	sq_text(s, 17, a->cancel_reason, sizeof a->cancel_reason);
}

/* One appointment from a bound APPT_SELECT statement. */
static int
load_appt(struct store *st, sq_stmt *s, struct appt_row *out)
{
	int rc = sq_row(st, s, "cannot read an appointment");

	if (rc == 1) {
		appt_row(s, out);
		sq_done(s);
		return ST_OK;
	}
	return rc == 0 ? ST_NOTFOUND : ST_ERR;
}

int
store_appt_get(struct store *st, const char *ext_id, struct appt_row *out)
{
	return load_appt(st, sq_bind(st, APPT_SELECT "WHERE a.ext_id = ?", "s", ext_id), out);
}

int
store_appt_by_code(struct store *st, const char *code, const char *day, struct appt_row *out)
{
	return load_appt(st, sq_bind(st, APPT_SELECT "WHERE a.code = ? AND a.day = ?", "ss", code,
	    day), out);
}

int
store_appt_code_elsewhere(struct store *st, const char *code, const char *day,
    struct appt_row *out)
{
	int rc = load_appt(st, sq_bind(st, APPT_SELECT "WHERE a.code = ? AND a.day > ? "
	    "ORDER BY a.day LIMIT 1", "ss", code, day), out);

	if (rc != ST_NOTFOUND)
		return rc;
	return load_appt(st, sq_bind(st, APPT_SELECT "WHERE a.code = ? AND a.day < ? "
	    "ORDER BY a.day DESC LIMIT 1", "ss", code, day), out);
}

int
store_appt_put(struct store *st, struct appt_row *a)
{
	const char *status = a->status == APPT_CANCELLED ? "cancelled" : "booked";
	const unsigned char *hash = a->bound ? a->holder_hash : NULL;
	int64_t id;

	if (a->id) {
		if (sq_exec(st, sq_bind(st, "UPDATE appointments SET ext_id = ?, service = ?, day = ?, "
		    "start = ?, duration_min = ?, code = ?, holder_hash = ?, lang = ?, status = ?, "
		    "updated_at = ?, source = ?, stored_at = ? WHERE id = ?", "scsiisbssisii",
		    a->ext_id, a->service, a->day, a->start, (int64_t)a->duration_min, a->code, hash,
		    a->lang, status, a->updated_at, a->source, a->stored_at, a->id),
		    "cannot store an appointment"))
			return ST_ERR;
		return sq_changes(st) ? ST_OK : ST_NOTFOUND;
	}
	if (sq_int(st, sq_bind(st, "INSERT INTO appointments (ext_id, service, day, start, "
	    "duration_min, code, holder_hash, lang, status, updated_at, source, stored_at) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id", "scsiisbssisi", a->ext_id,
	    a->service, a->day, a->start, (int64_t)a->duration_min, a->code, hash, a->lang,
	    status, a->updated_at, a->source, a->stored_at), 0, &id,
	    "cannot store an appointment"))
		return ST_ERR;
	a->id = id;
	return ST_OK;
}

int
store_appt_checkin(struct store *st, int64_t id, int64_t ticket, int64_t at)
{
	if (sq_exec(st, sq_bind(st, "UPDATE appointments SET ticket_id = ?, checked_in_at = ? "
	    "WHERE id = ?", "iii", ticket, at, id), "cannot check an appointment in"))
		return ST_ERR;
	return sq_changes(st) ? ST_OK : ST_NOTFOUND;
}

int
store_appt_booked(struct store *st, const char *day, char service, int64_t except)
{
	int64_t n;

	if (sq_int(st, sq_bind(st, "SELECT COUNT(*) FROM appointments WHERE day = ? AND "
	    "service = ? AND status = 'booked' AND id != ? AND slot IS NULL", "sci", day, service, except), 0, &n,
	    "cannot count appointments"))
		return ST_ERR;
	return (int)n;
}

int
store_appt_count(struct store *st, const char *day)
{
	int64_t n;

	if (sq_int(st, sq_bind(st, "SELECT COUNT(*) FROM appointments WHERE day = ?", "s", day),
	    0, &n, "cannot count appointments"))
		return ST_ERR;
	return (int)n;
}

int
store_appt_list(struct store *st, const char *day, struct appt_row *out, int max)
{
	sq_stmt *s = sq_bind(st, APPT_SELECT "WHERE a.day = ? ORDER BY a.start, a.id", "s",
	    day);
	int n = 0, rc = 0;

	while (n < max && (rc = sq_row(st, s, "cannot read appointments")) == 1)
		appt_row(s, &out[n++]);
	if (n < max && rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return n;
}

/* -- convocations (db/016_convocations.sql) ------------------------------------ */

int
store_convoc_slots(struct store *st, const char *day, char service, int *out, int max)
{
	sq_stmt *s = sq_bind(st, "SELECT slot FROM appointments WHERE day = ? AND "
	    "service = ? AND slot IS NOT NULL AND status = 'booked' ORDER BY slot", "sc", day,
	    service);
	int n = 0, rc = 0;

	while (n < max && (rc = sq_row(st, s, "cannot read convocations")) == 1)
		out[n++] = sq_col_int(s, 0);
	if (n < max && rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return n;
}

int
store_convoc_of_holder(struct store *st, const char *day, char service,
    const unsigned char hash[32], struct appt_row *out)
{
	return load_appt(st, sq_bind(st, APPT_SELECT "WHERE a.day = ? AND a.service = ? AND "
	    "a.slot IS NOT NULL AND a.status = 'booked' AND a.ticket_id IS NULL AND "
	    "a.holder_hash = ?", "scb", day, service, hash), out);
}

int
store_convoc_put(struct store *st, struct appt_row *a, int slot)
{
	int rc = store_appt_put(st, a);

	if (rc != ST_OK)
		return rc;
	if (sq_exec(st, sq_bind(st, "UPDATE appointments SET slot = ? WHERE id = ?", "ii",
	    (int64_t)slot, a->id), "cannot store a convocation"))
		return ST_ERR;
	a->slot = slot;
	return ST_OK;
}

int
store_convoc_get(struct store *st, int64_t id, struct appt_row *out)
{
	return load_appt(st, sq_bind(st, APPT_SELECT "WHERE a.id = ? AND a.slot IS NOT NULL", "i",
	    id), out);
}

int
store_convoc_cancel(struct store *st, int64_t id, const char *reason, int64_t at)
{
	if (sq_exec(st, sq_bind(st, "UPDATE appointments SET status = 'cancelled', "
	    "cancel_reason = ?, stored_at = ? WHERE id = ? AND slot IS NOT NULL AND "
	    "status = 'booked'", "sii", reason, at, id), "cannot cancel a convocation"))
		return ST_ERR;
	return sq_changes(st) ? ST_OK : ST_NOTFOUND;
}

int
store_convoc_list(struct store *st, const char *day, struct appt_row *out, int max)
{
	sq_stmt *s = sq_bind(st, APPT_SELECT "WHERE a.day = ? AND a.slot IS NOT NULL "
	    "ORDER BY a.service, a.slot, a.id", "s", day);
	int n = 0, rc = 0;

	while (n < max && (rc = sq_row(st, s, "cannot read convocations")) == 1)
		appt_row(s, &out[n++]);
	if (n < max && rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return n;
}

int64_t
store_convoc_attestation(struct store *st, int64_t appt)
{
	int64_t id;
	int rc = sq_int(st, sq_bind(st, "SELECT id FROM attestations WHERE appointment_id = ? "
	    "AND outcome = 'convocation'", "i", appt), 0, &id, "cannot read a convocation");

	if (rc)
		return ST_ERR;
	return id ? id : ST_NOTFOUND;
}

int
store_convoc_figures(struct store *st, const char *day, const char *today, char service,
    struct convoc_fig *out)
{
	sq_stmt *s = sq_bind(st, "SELECT (SELECT COUNT(*) FROM attestations WHERE day = ?1 "
	    "AND service = ?3 AND outcome = 'convocation'), COUNT(*), "
	    "COALESCE(SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN ticket_id IS NOT NULL THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN status = 'booked' AND ticket_id IS NULL AND day < ?2 THEN 1 "
	    "ELSE 0 END), 0) "
	    "FROM appointments WHERE day = ?1 AND service = ?3 AND slot IS NOT NULL", "ssc", day,
	    today, service);
	int rc = sq_row(st, s, "cannot count convocations");

	if (rc <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	memset(out, 0, sizeof *out);
	out->service = service;
	out->issued = sq_col_int(s, 0);
	out->for_day = sq_col_int(s, 1);
	out->cancelled = sq_col_int(s, 2);
	out->honoured = sq_col_int(s, 3);
	out->missed = sq_col_int(s, 4);
	sq_done(s);
	return ST_OK;
}
