/*
 * sqlite_log: what happened, on SQLite (see store/store.h): the anonymous
 * event log and its counts, the recent calls for the board, abuse alerts
 * (stored once per day, kind and subject) and the hash-chained audit log.
 * Which alert to raise and its wording are the desk's; the audit chain is
 * the storage's own integrity mechanism and lives here.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "store/sqlite_int.h"

/* -- events ----------------------------------------------------------------- */

int
store_event_add(struct store *st, const struct store_event *e)
{
	return sq_exec(st, sq_bind(st, "INSERT INTO events (at, day, kind, ticket, service, counter, "
	    "agent, detail) VALUES (?,?,?,?,?,?,?,?)", "issIcIss", e->at, e->day, e->kind, e->ticket,
	    e->service, (int64_t)e->counter, e->agent, e->detail), "cannot log an event");
}

#define NKINDS 8        /* kinds one store_event_count can ask for */

/*
 * One statement per shape, so each uses its index (db/003_speed.sql): a
 * kiosk's recent events (events_agent), a day's events (events_day), or
 * recent events of a kind (events_kind_at). Parameters: ?1..?8 the kinds
 * (NULL when unused: NULL never matches), ?9 agent, ?10 since, ?11 day,
 * ?12 the limit.
 */
#define KINDS_IN "kind IN (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"

int
store_event_count(struct store *st, const char *day, const char *kinds, const char *agent,
    int64_t since, int limit)
{
	char buf[256], *k[NKINDS] = { 0 }, *save = NULL, *tok;
	const char *sql;
	int n = 0;
	int64_t count;

	snprintf(buf, sizeof buf, "%s", kinds);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		expect(n < NKINDS);
		k[n++] = tok;
	}
	if (agent)
		sql = "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE agent = ?9 AND at >= ?10 AND "
		    KINDS_IN " AND (CAST(?11 AS TEXT) IS NULL OR day = ?11) LIMIT ?12) AS e";
	else if (day)
		sql = "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE day = ?11 AND " KINDS_IN
		    " AND at >= ?10 LIMIT ?12) AS e";
	else
		sql = "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE " KINDS_IN " AND at >= ?10 "
		    "LIMIT ?12) AS e";
	if (sq_int(st, sq_bind(st, sql, "sssssssssisi", k[0], k[1], k[2], k[3], k[4], k[5], k[6],
	    k[7], agent, since, day, (int64_t)(limit > 0 ? limit : INT_MAX)), 0, &count,
	    "cannot count events"))
		return ST_ERR;
	return (int)count;
}

int
store_repeated_duplicates(struct store *st, const char *day, int min, char numbers[][12],
    int *counts, int max)
{
	sq_stmt *s = sq_bind(st, "SELECT t.number, COUNT(*) FROM events e JOIN tickets t ON "
	    "t.id = e.ticket WHERE e.day = ? AND e.kind = 'duplicate' GROUP BY e.ticket, t.number "
	    "HAVING COUNT(*) >= ? ORDER BY e.ticket", "si", day, (int64_t)min);
	int n = 0, rc = 0;

	while (n < max && (rc = sq_row(st, s, "cannot count refusals")) == 1) {
		sq_text(s, 0, numbers[n], 12);
		counts[n++] = sq_col_int(s, 1);
	}
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return n;
}

int
store_recent_calls(struct store *st, const char *day, struct call_view *out, int max)
{
	sq_stmt *s = sq_bind(st, "SELECT e.id, t.number, e.counter, c.name, e.service, t.lang, "
	    "CASE WHEN e.kind = 'recall' THEN 1 ELSE 0 END, e.at, a.start, a.duration_min "
	    "FROM events e JOIN tickets t ON t.id = e.ticket LEFT JOIN counters c ON c.n = e.counter "
	    "LEFT JOIN appointments a ON a.id = t.appointment_id "
	    "WHERE e.day = ? AND e.kind IN ('call', 'recall') ORDER BY e.id DESC LIMIT ?", "si", day,
	    (int64_t)(max > 0 ? max : 0));
	int n = 0, rc = 0;

	while (n < max && (rc = sq_row(st, s, "cannot read the calls")) == 1) {
		struct call_view *c = &out[n++];
		memset(c, 0, sizeof *c);
		c->event = sq_col_int64(s, 0);
		sq_text(s, 1, c->number, sizeof c->number);
		c->counter = sq_col_int(s, 2);
		sq_text(s, 3, c->counter_name, sizeof c->counter_name);
		c->service = sq_char(s, 4);
		sq_text(s, 5, c->lang, sizeof c->lang);
		c->recall = sq_col_int(s, 6);
		c->at = sq_col_int64(s, 7);
		c->appt_start = sq_col_int64(s, 8);
		c->appt_duration_min = sq_col_int(s, 9);
	}
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return n;
}

/* -- alerts ---------------------------------------------------------------------- */

int
store_alert_add(struct store *st, const char *day, struct alert *a)
{
	int64_t id;

	if (sq_int(st, sq_prepare(st, "SELECT COALESCE(MAX(id), 0) + 1 FROM alerts"), 1, &id,
	    "cannot number an alert") ||
	    sq_exec(st, sq_bind(st, "INSERT INTO alerts (id, at, day, kind, subject, message) "
	    "VALUES (?,?,?,?,?,?) ON CONFLICT (day, kind, subject) DO NOTHING", "iissss", id, a->at,
	    day, a->kind, a->subject, a->message), "cannot store an alert"))
		return ST_ERR;
	if (sq_changes(st) != 1)
		return 0;
	a->id = id;
	return 1;
}

int
store_alert_exists(struct store *st, const char *day, const char *kind, const char *subject)
{
	int64_t n;

	if (sq_int(st, sq_bind(st, "SELECT COUNT(*) FROM alerts WHERE day = ? AND kind = ? AND "
	    "subject = ?", "sss", day, kind, subject), 0, &n, "cannot read alerts"))
		return ST_ERR;
	return n > 0;
}

int
store_alerts_of_day(struct store *st, const char *day, struct alert *out, int max)
{
	sq_stmt *s = sq_bind(st, "SELECT id, at, kind, subject, message FROM alerts "
	    "WHERE day = ? ORDER BY id DESC LIMIT ?", "si", day, (int64_t)(max > 0 ? max : 0));
	int n = 0, rc = 0;

	while (n < max && (rc = sq_row(st, s, "cannot read alerts")) == 1) {
		memset(&out[n], 0, sizeof out[n]);
		out[n].id = sq_col_int64(s, 0);
		out[n].at = sq_col_int64(s, 1);
		sq_text(s, 2, out[n].kind, sizeof out[n].kind);
		sq_text(s, 3, out[n].subject, sizeof out[n].subject);
		sq_text(s, 4, out[n].message, sizeof out[n].message);
		n++;
	}
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return n;
}

/* -- audit log -------------------------------------------------------------------- */

/* SHA-256(prev | "|id|at|" | actor NUL | action NUL | detail), in hex. Existing
 * chains depend on this exact layout: never change it. */
static void
audit_hash(const char *prev, int64_t id, int64_t at, const char *actor, const char *action,
    const char *detail, char hex[65])
{
	crypto_hash_sha256_state h;
	unsigned char d[32];
	char num[48];

	crypto_hash_sha256_init(&h);
	snprintf(num, sizeof num, "|%lld|%lld|", (long long)id, (long long)at);
	crypto_hash_sha256_update(&h, (const unsigned char *)prev, strlen(prev));
	crypto_hash_sha256_update(&h, (const unsigned char *)num, strlen(num));
	crypto_hash_sha256_update(&h, (const unsigned char *)actor, strlen(actor) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)action, strlen(action) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)detail, strlen(detail));
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(hex, 65, d, sizeof d);
}

int
store_audit_add(struct store *st, int64_t now, const char *actor, const char *action,
    const char *detail)
{
	sq_stmt *s = sq_prepare(st, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
	char prev[65] = "", hash[65];
	int64_t id = 1;
	int rc;

	if (s)
		sq_done(s);
	if ((rc = sq_row(st, s, "cannot read the audit log")) < 0)
		return ST_ERR;
	if (rc == 1) {
		id = sq_col_int64(s, 0) + 1;
		sq_text(s, 1, prev, sizeof prev);
		sq_done(s);
	}
	if (detail == NULL)
		detail = "";
	audit_hash(prev, id, now, actor, action, detail, hash);
	return sq_exec(st, sq_bind(st, "INSERT INTO audit (id, at, actor, action, detail, prev, hash) "
	    "VALUES (?,?,?,?,?,?,?)", "iisssss", id, now, actor, action, detail, prev, hash),
	    "cannot write the audit log");
}

/* Check one entry against the one before; 0, or -1 with the problem in why. */
static int
audit_entry_ok(sq_stmt *s, int64_t expect_id, const char *prev, char *why, size_t whylen)
{
	int64_t id = sq_col_int64(s, 0), at = sq_col_int64(s, 1);
	const char *text[5];
	char hash[65];
	int i;

	/* The columns' own text (valid until the next step): nothing truncated. */
	for (i = 0; i < 5; i++) {
		const char *t = sq_col_text(s, 2 + i);
		text[i] = t ? t : "";
	}
	if (id != expect_id)
		return errf(why, whylen, "entry %lld is missing (the log jumps from %lld to %lld): "
		    "entries were deleted", (long long)expect_id, (long long)expect_id - 1,
		    (long long)id);
	if (strcmp(text[3], prev) != 0)
		return errf(why, whylen, "entry %lld does not follow entry %lld: entries were "
		    "reordered, replaced or deleted", (long long)id, (long long)id - 1);
	audit_hash(prev, id, at, text[0], text[1], text[2], hash);
	if (strcmp(hash, text[4]) != 0)
		return errf(why, whylen, "entry %lld was edited (its hash does not match its "
		    "content)", (long long)id);
	return 0;
}

int
store_audit_check(struct store *st, int *entries, char *why, size_t whylen)
{
	sq_stmt *s = sq_prepare(st, "SELECT id, at, actor, action, detail, prev, hash FROM audit "
	    "ORDER BY id");
	char prev[65] = "";
	int64_t expect_id = 1;
	int rc = 0, n = 0, bad = 0;

	*entries = 0;
	if (s)
		sq_done(s);
	while (!bad && (rc = sq_row(st, s, "cannot read the audit log")) == 1) {
		bad = audit_entry_ok(s, expect_id, prev, why, whylen) != 0;
		sq_text(s, 6, prev, sizeof prev);
		expect_id = sq_col_int64(s, 0) + 1;
		n++;
	}
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	*entries = n;
	return bad ? ST_CONFLICT : ST_OK;
}
