/*
 * sqlite_figures: figures and retention on SQLite (see store/store.h):
 * open figures per service and local hour, the day report, all-time
 * totals, and the purge of holder data and old events (docs/PRIVACY.md).
 *
 * Local hours: the queries take Unix-time bounds [lo, hi) computed here
 * with mktime in the process's time zone (the server sets TZ from the
 * site), not the engine's own local-time functions. On the day clocks go
 * forward an hour has no instant; on the day they go back, one hour holds
 * two (as a wall clock shows them).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "store/sqlite_int.h"

/* -- helpers --------------------------------------------------------------- */

/* The first instant of local hour h (0..24) of day "YYYY-MM-DD". */
static int64_t
hour_start(const char *day, int h)
{
	struct tm tm, back;
	int y = 1970, m = 1, d = 1;
	time_t t, earlier;

	sscanf(day, "%d-%d-%d", &y, &m, &d);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	/* An hour that happens twice: mktime may give either; take the first. */
	earlier = t - 3600;
	localtime_r(&earlier, &back);
	if (back.tm_mday == d && back.tm_mon == m - 1 && back.tm_hour == h)
		t = earlier;
	return (int64_t)t;
}

/* A growing list of integers (waits, in seconds). */
struct ints {
	int *v;                 /* values */
	int n;                  /* used */
	int cap;                /* allocated */
};

/* Append the first column of every row of s (which is reset). */
static int
collect(struct store *st, sqlite3_stmt *s, struct ints *out, const char *what)
{
	int rc;

	out->n = 0;
	while ((rc = sq_row(st, s, what)) == 1) {
		if (out->n == out->cap) {
			int cap = out->cap ? out->cap * 2 : 256;
			int *v = realloc(out->v, (size_t)cap * sizeof *v);
			if (v == NULL) {
				sqlite3_reset(s);
				snprintf(st->why, sizeof st->why, "%s: out of memory", what);
				return ST_ERR;
			}
			out->v = v;
			out->cap = cap;
		}
		out->v[out->n++] = sqlite3_column_int(s, 0);
	}
	return rc < 0 ? ST_ERR : ST_OK;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The smallest value that p% of the values do not exceed (sorts v). */
static int
percentile(int *v, int n, int p)
{
	int k;

	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, cmp_int);
	k = (n * p + 99) / 100;
	return v[k ? k - 1 : 0];
}

/* Active service codes in display order; count or ST_ERR. */
static int
service_codes(struct store *st, char codes[SITE_MAX_SERVICES + 1])
{
	sqlite3_stmt *s = sq_stmt(st, "SELECT code FROM services WHERE active = 1 ORDER BY position");
	int n = 0, rc = 0;

	if (s)
		sqlite3_reset(s);
	while (n < SITE_MAX_SERVICES && (rc = sq_row(st, s, "cannot read the services")) == 1)
		codes[n++] = sq_char(s, 0);
	codes[n] = '\0';
	if (rc < 0)
		return ST_ERR;
	if (s)
		sqlite3_reset(s);
	return n;
}

/* -- open figures -------------------------------------------------------------- */

static void
stat_add(struct stat_row *r, const char *kind, int v)
{
	if (!strcmp(kind, "issue")) r->issued += v;
	else if (!strcmp(kind, "done")) r->served += v;
	else if (!strcmp(kind, "no_show")) r->no_show += v;
	else if (!strcmp(kind, "not_served")) r->not_served += v;
	else if (!strcmp(kind, "attestation")) r->attestations += v;
	else if (!strcmp(kind, "duplicate")) r->refused_duplicates += v;
}

/* Add "kind, n" rows from s to r. */
static int
stat_kinds(struct store *st, sqlite3_stmt *s, struct stat_row *r)
{
	int rc;

	while ((rc = sq_row(st, s, "cannot compute the figures")) == 1) {
		const unsigned char *k = sqlite3_column_text(s, 0);
		stat_add(r, k ? (const char *)k : "", sqlite3_column_int(s, 1));
	}
	return rc < 0 ? ST_ERR : ST_OK;
}

/* One row of figures: service c, between lo and hi (the whole day: hour -1). */
static int
stat_row(struct store *st, const char *day, char c, int hour, int64_t lo, int64_t hi,
    struct ints *waits, struct stat_row *r)
{
	int64_t avg;

	memset(r, 0, sizeof *r);
	r->service = c;
	r->hour = hour;
	if (stat_kinds(st, sq_bind(st, "SELECT kind, COUNT(*) FROM events WHERE day = ? AND "
	    "service = ? AND at >= ? AND at < ? GROUP BY kind", "scii", day, c, lo, hi), r))
		return ST_ERR;
	/* Days past retention survive as daily totals. */
	if (hour < 0 && stat_kinds(st, sq_bind(st, "SELECT kind, n FROM daily_totals WHERE "
	    "day = ? AND service = ?", "sc", day, c), r))
		return ST_ERR;
	if (collect(st, sq_bind(st, "SELECT called_at - issued_at FROM tickets WHERE day = ? AND "
	    "service = ? AND called_at > 0 AND issued_at >= ? AND issued_at < ?", "scii", day, c,
	    lo, hi), waits, "cannot compute the figures"))
		return ST_ERR;
	r->wait_p50_s = percentile(waits->v, waits->n, 50);
	r->wait_p90_s = percentile(waits->v, waits->n, 90);
	if (sq_int(st, sq_bind(st, "SELECT AVG(finished_at - called_at) FROM tickets WHERE day = ? "
	    "AND service = ? AND state = 'served' AND called_at >= ? AND called_at < ?", "scii", day,
	    c, lo, hi), 0, &avg, "cannot compute the figures"))
		return ST_ERR;
	r->service_avg_s = (int)avg;
	return ST_OK;
}

int
store_stats(struct store *st, const char *day, struct stat_row *out, int max)
{
	char codes[SITE_MAX_SERVICES + 1];
	int64_t bound[25];
	struct ints waits = { NULL, 0, 0 };
	int nc, i, h, n = 0, rc = ST_OK;

	if ((nc = service_codes(st, codes)) < 0)
		return ST_ERR;
	for (h = 0; h <= 24; h++)
		bound[h] = hour_start(day, h);
	for (i = 0; i < nc && rc == ST_OK; i++)
		for (h = -1; h < 24 && n < max && rc == ST_OK; h++, n++)
			rc = stat_row(st, day, codes[i], h, h < 0 ? INT64_MIN : bound[h],
			    h < 0 ? INT64_MAX : bound[h + 1], &waits, &out[n]);
	free(waits.v);
	return rc == ST_OK ? n : ST_ERR;
}

/* -- day report ------------------------------------------------------------------ */

static int
report_one(struct store *st, const char *day, struct ints *waits, struct day_report *r)
{
	sqlite3_stmt *s = sq_bind(st, "SELECT state, COUNT(*) FROM tickets WHERE day = ? AND "
	    "service = ? GROUP BY state", "sc", day, r->service);
	int64_t avg;
	int rc;

	while ((rc = sq_row(st, s, "cannot compute the report")) == 1) {
		const unsigned char *t = sqlite3_column_text(s, 0);
		const char *state = t ? (const char *)t : "";
		int k = sqlite3_column_int(s, 1);
		r->issued += k;
		if (!strcmp(state, "served")) r->served = k;
		else if (!strcmp(state, "no_show")) r->no_show = k;
		else if (!strcmp(state, "not_served")) r->not_served = k;
		else if (!strcmp(state, "cancelled")) r->cancelled = k;
		else if (!strcmp(state, "waiting") || !strcmp(state, "called")) r->waiting += k;
	}
	if (rc < 0 || collect(st, sq_bind(st, "SELECT called_at - issued_at FROM tickets WHERE "
	    "day = ? AND service = ? AND called_at > 0", "sc", day, r->service), waits,
	    "cannot compute the report"))
		return ST_ERR;
	r->wait_p50_s = percentile(waits->v, waits->n, 50);
	r->wait_p90_s = percentile(waits->v, waits->n, 90);
	if (sq_int(st, sq_bind(st, "SELECT AVG(finished_at - called_at) FROM tickets WHERE day = ? "
	    "AND service = ? AND state = 'served'", "sc", day, r->service), 0, &avg,
	    "cannot compute the report"))
		return ST_ERR;
	r->service_avg_s = (int)avg;
	return ST_OK;
}

int
store_report_day(struct store *st, const char *day, struct day_report *out, int max)
{
	sqlite3_stmt *s = sq_stmt(st, "SELECT code, name FROM services WHERE active = 1 "
	    "ORDER BY position");
	struct ints waits = { NULL, 0, 0 };
	int n = 0, i, rc = 0;

	if (s)
		sqlite3_reset(s);
	while (n < max && (rc = sq_row(st, s, "cannot compute the report")) == 1) {
		memset(&out[n], 0, sizeof out[n]);
		out[n].service = sq_char(s, 0);
		sq_text(s, 1, out[n].name, sizeof out[n].name);
		n++;
	}
	if (rc < 0)
		return ST_ERR;
	if (s)
		sqlite3_reset(s);
	for (i = 0, rc = ST_OK; i < n && rc == ST_OK; i++)
		rc = report_one(st, day, &waits, &out[i]);
	free(waits.v);
	return rc == ST_OK ? n : ST_ERR;
}

int64_t
store_total(struct store *st, const char *kind, char service)
{
	int64_t v;

	if (sq_int(st, sq_bind(st, "SELECT n FROM event_totals WHERE kind = ? AND service = ?", "sc",
	    kind, service), 0, &v, "cannot read the totals"))
		return ST_ERR;
	return v;
}

/* -- retention ---------------------------------------------------------------------- */

int
store_purge(struct store *st, const char *today, const char *holder_day, const char *event_day)
{
	int holders, events;

	/* Holder data: gone once its day is over (plus holder_days). */
	if (sq_exec(st, sq_bind(st, "UPDATE tickets SET holder_hash = NULL, holder_mask = NULL "
	    "WHERE day < ? AND (holder_hash IS NOT NULL OR holder_mask IS NOT NULL)", "s",
	    holder_day), "cannot purge holder data"))
		return ST_ERR;
	holders = sq_changes(st);
	/* Appointments' holder hashes go with their day's key. */
	if (sq_exec(st, sq_bind(st, "UPDATE appointments SET holder_hash = NULL WHERE day < ? AND "
	    "holder_hash IS NOT NULL", "s", holder_day), "cannot purge holder data"))
		return ST_ERR;
	holders += sq_changes(st);
	if (sq_exec(st, sq_bind(st, "DELETE FROM day_keys WHERE day < ?", "s", holder_day),
	    "cannot purge day keys"))
		return ST_ERR;
	/* Anonymous events: in detail for events_months, then daily totals. */
	if (sq_exec(st, sq_bind(st, "INSERT INTO daily_totals (day, service, kind, n) SELECT day, "
	    "COALESCE(service, ''), kind, COUNT(*) FROM events WHERE day < ? GROUP BY day, "
	    "COALESCE(service, ''), kind ON CONFLICT (day, service, kind) DO UPDATE SET "
	    "n = daily_totals.n + excluded.n", "s", event_day), "cannot keep daily totals") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM events WHERE day < ?", "s", event_day),
	    "cannot purge events"))
		return ST_ERR;
	events = sq_changes(st);
	if (sq_exec(st, sq_bind(st, "DELETE FROM tickets WHERE day < ?", "s", event_day),
	    "cannot purge tickets") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM attestations WHERE day < ?", "s", event_day),
	    "cannot purge attestations") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM appointments WHERE day < ?", "s", event_day),
	    "cannot purge appointments") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM streaks WHERE day < ?", "s", today),
	    "cannot purge streaks") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM service_times WHERE day < ?", "s", today),
	    "cannot purge service times") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM requests WHERE day < ?", "s", today),
	    "cannot purge request keys") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM day_counts WHERE day < ?", "s", event_day),
	    "cannot purge day counts") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM waiting_counts WHERE day < ?", "s", event_day),
	    "cannot purge waiting counts") ||
	    sq_exec(st, sq_bind(st, "DELETE FROM alerts WHERE day < ?", "s", event_day),
	    "cannot purge alerts"))
		return ST_ERR;
	if (holders || events)
		log_info("store: retention: holder data removed from %d tickets and appointments, %d old "
		    "events reduced to daily totals", holders, events);
	return ST_OK;
}
