/*
 * sqlite_figures: figures and retention on SQLite (see store/store.h):
 * open figures per service and local hour, per service and channel
 * (appointments, walk-ins), the day report, all-time totals, and the purge
 * of holder data and old events (docs/PRIVACY.md).
 *
 * Local hours: the queries take Unix-time bounds [lo, hi) computed here
 * with mktime in the process's time zone (the server sets TZ from the
 * site), not the engine's own local-time functions. On the day clocks go
 * forward an hour has no instant; on the day they go back, one hour holds
 * two (as a wall clock shows them).
 */
#include <stddef.h>
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
collect(struct store *st, sq_stmt *s, struct ints *out, const char *what)
{
	int rc;

	out->n = 0;
	while ((rc = sq_row(st, s, what)) == 1) {
		if (out->n == out->cap) {
			int cap = out->cap ? out->cap * 2 : 256;
			int *v = realloc(out->v, (size_t)cap * sizeof *v);
			if (v == NULL) {
				sq_done(s);
				snprintf(st->why, sizeof st->why, "%s: out of memory", what);
				return ST_ERR;
			}
			out->v = v;
			out->cap = cap;
		}
		out->v[out->n++] = sq_col_int(s, 0);
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
	sq_stmt *s = sq_prepare(st, "SELECT code FROM services WHERE active = 1 ORDER BY position");
	int n = 0, rc = 0;

	if (s)
		sq_done(s);
	while (n < SITE_MAX_SERVICES && (rc = sq_row(st, s, "cannot read the services")) == 1)
		codes[n++] = sq_char(s, 0);
	codes[n] = '\0';
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
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
stat_kinds(struct store *st, sq_stmt *s, struct stat_row *r)
{
	int rc;

	while ((rc = sq_row(st, s, "cannot compute the figures")) == 1) {
		const char *k = sq_col_text(s, 0);
		stat_add(r, k ? k : "", sq_col_int(s, 1));
	}
	return rc < 0 ? ST_ERR : ST_OK;
}

/*
 * All sites' figures together (issue #11): a pool adds up each site's
 * rows, and keeps their waits and service times, so that the percentiles
 * of the whole are those of every wait together (percentiles do not add
 * up) and the mean service time that of every served ticket.
 */
struct pool_cell {
	struct stat_row sum;    /* counts added up */
	struct ints waits;      /* every site's waits */
	int64_t svc_sum, svc_n; /* every served ticket's call to finish */
	int used;
};
struct stat_pool {
	struct pool_cell cell[26][25];  /* service A..Z, hour -1..23 */
	char order[SITE_MAX_SERVICES + 1]; /* services as first met */
};

/* One row of figures: service c, between lo and hi (the whole day: hour
 * -1); added to cell too, unless NULL. */
static int
stat_row(struct store *st, const char *day, char c, int hour, int64_t lo, int64_t hi,
    struct ints *waits, struct stat_row *r, struct pool_cell *cell)
{
	int64_t svc_sum, svc_n;
	sq_stmt *s;
	int i, rc;

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
	if (cell) {
		for (i = 0; i < waits->n; i++) {
			if (cell->waits.n == cell->waits.cap) {
				int cap = cell->waits.cap ? cell->waits.cap * 2 : 64;
				int *v = realloc(cell->waits.v, (size_t)cap * sizeof *v);
				if (v == NULL) {
					snprintf(st->why, sizeof st->why, "cannot compute the figures: "
					    "out of memory");
					return ST_ERR;
				}
				cell->waits.v = v;
				cell->waits.cap = cap;
			}
			cell->waits.v[cell->waits.n++] = waits->v[i];
		}
	}
	r->wait_p50_s = percentile(waits->v, waits->n, 50);
	r->wait_p90_s = percentile(waits->v, waits->n, 90);
	/* The mean as AVG gave it (truncated), from its sum and count. */
	s = sq_bind(st, "SELECT COALESCE(SUM(finished_at - called_at), 0), COUNT(*) FROM tickets "
	    "WHERE day = ? AND service = ? AND state = 'served' AND called_at >= ? AND "
	    "called_at < ?", "scii", day, c, lo, hi);
	if ((rc = sq_row(st, s, "cannot compute the figures")) < 0)
		return ST_ERR;
	svc_sum = rc ? sq_col_int64(s, 0) : 0;
	svc_n = rc ? sq_col_int64(s, 1) : 0;
	if (rc)
		sq_done(s);
	r->service_avg_s = svc_n ? (int)(svc_sum / svc_n) : 0;
	if (cell) {
		cell->sum.issued += r->issued;
		cell->sum.served += r->served;
		cell->sum.no_show += r->no_show;
		cell->sum.not_served += r->not_served;
		cell->sum.attestations += r->attestations;
		cell->sum.refused_duplicates += r->refused_duplicates;
		cell->svc_sum += svc_sum;
		cell->svc_n += svc_n;
		cell->used = 1;
	}
	return ST_OK;
}

int
store_stats(struct store *st, const char *day, struct stat_row *out, int max)
{
	return store_stats_pooled(st, day, out, max, NULL);
}

int
store_stats_pooled(struct store *st, const char *day, struct stat_row *out, int max,
    struct stat_pool *p)
{
	char codes[SITE_MAX_SERVICES + 1];
	int64_t bound[25];
	struct ints waits = { NULL, 0, 0 };
	int nc, i, h, n = 0, rc = ST_OK;

	if ((nc = service_codes(st, codes)) < 0)
		return ST_ERR;
	for (h = 0; h <= 24; h++)
		bound[h] = hour_start(day, h);
	for (i = 0; i < nc && rc == ST_OK; i++) {
		struct pool_cell *cells = NULL;
		if (p && codes[i] >= 'A' && codes[i] <= 'Z') {
			cells = p->cell[codes[i] - 'A'];
			if (!strchr(p->order, codes[i]))
				p->order[strlen(p->order)] = codes[i];
		}
		for (h = -1; h < 24 && n < max && rc == ST_OK; h++, n++)
			rc = stat_row(st, day, codes[i], h, h < 0 ? INT64_MIN : bound[h],
			    h < 0 ? INT64_MAX : bound[h + 1], &waits, &out[n],
			    cells ? &cells[h + 1] : NULL);
	}
	free(waits.v);
	return rc == ST_OK ? n : ST_ERR;
}

struct stat_pool *
stat_pool_new(void)
{
	return calloc(1, sizeof(struct stat_pool));
}

void
stat_pool_free(struct stat_pool *p)
{
	int c, h;

	if (p == NULL)
		return;
	for (c = 0; c < 26; c++)
		for (h = 0; h < 25; h++)
			free(p->cell[c][h].waits.v);
	free(p);
}

int
stat_pool_add(struct stat_pool *to, const struct stat_pool *from)
{
	const char *c;
	int h, i;

	for (c = from->order; *c; c++) {
		if (!strchr(to->order, *c))
			to->order[strlen(to->order)] = *c;
		for (h = 0; h < 25; h++) {
			struct pool_cell *t = &to->cell[*c - 'A'][h];
			const struct pool_cell *f = &from->cell[*c - 'A'][h];
			if (f->waits.n > t->waits.cap - t->waits.n) {
				int cap = t->waits.n + f->waits.n;
				int *v = realloc(t->waits.v, (size_t)cap * sizeof *v);
				if (v == NULL)
					return ST_ERR;
				t->waits.v = v;
				t->waits.cap = cap;
			}
			for (i = 0; i < f->waits.n; i++)
				t->waits.v[t->waits.n++] = f->waits.v[i];
			t->sum.issued += f->sum.issued;
			t->sum.served += f->sum.served;
			t->sum.no_show += f->sum.no_show;
			t->sum.not_served += f->sum.not_served;
			t->sum.attestations += f->sum.attestations;
			t->sum.refused_duplicates += f->sum.refused_duplicates;
			t->svc_sum += f->svc_sum;
			t->svc_n += f->svc_n;
			t->used |= f->used;
		}
	}
	return ST_OK;
}

int
stat_pool_rows(struct stat_pool *p, struct stat_row *out, int max)
{
	const char *c;
	int h, n = 0;

	for (c = p->order; *c; c++)
		for (h = 0; h < 25 && n < max; h++) {
			struct pool_cell *k = &p->cell[*c - 'A'][h];
			out[n] = k->sum;
			out[n].service = *c;
			out[n].hour = h - 1;
			out[n].wait_p50_s = percentile(k->waits.v, k->waits.n, 50);
			out[n].wait_p90_s = percentile(k->waits.v, k->waits.n, 90);
			out[n].service_avg_s = k->svc_n ? (int)(k->svc_sum / k->svc_n) : 0;
			n++;
		}
	return n;
}

/* -- figures per channel (issue #12) ------------------------------------------------- */

/*
 * Live, a channel's figures are counted from the appointments, tickets,
 * attestations and events of the day. Once retention deletes those, what is
 * left is one daily_totals row per figure, of kind "<channel>.<figure>"
 * ("appointment.booked", "walkin.issued", ...): a past day reads them back,
 * and a day read while only part of it is purged adds both (fig_merge).
 */
#define FIG(f) offsetof(struct channel_fig, f)
static const struct {
	const char *name;       /* the figure's part of the kind */
	size_t off;             /* in struct channel_fig */
	int count;              /* 1: added up on merge; 0: a capacity or a wait */
} fig_kept[] = {
	{ "capacity", FIG(capacity), 0 }, { "booked", FIG(booked), 1 },
	{ "cancelled", FIG(cancelled), 1 }, { "checked_in", FIG(checked_in), 1 },
	{ "late_walkin", FIG(late_walkin), 1 }, { "late_attestation", FIG(late_attestation), 1 },
	{ "no_show", FIG(no_show), 1 }, { "pending", FIG(pending), 1 },
	{ "issued", FIG(issued), 1 }, { "turned_away", FIG(turned_away), 1 },
	{ "called", FIG(called), 0 }, { "wait_mean_s", FIG(wait_mean_s), 0 },
	{ "wait_p50_s", FIG(wait_p50_s), 0 }, { "wait_p90_s", FIG(wait_p90_s), 0 },
};
#undef FIG
#define NKEPT (sizeof fig_kept / sizeof fig_kept[0])

static int *
fig_at(struct channel_fig *f, size_t i)
{
	return (int *)(void *)((char *)f + fig_kept[i].off);
}

/* Kept figures s into live ones l: counts add up; a capacity kept wins (it
 * was the day's); waits: the mean weighted by the calls, the percentiles of
 * the larger part (a day is purged whole, so both parts rarely hold calls). */
static void
fig_merge(struct channel_fig *l, struct channel_fig *s)
{
	int called = l->called + s->called;
	size_t i;

	for (i = 0; i < NKEPT; i++)
		if (fig_kept[i].count)
			*fig_at(l, i) += *fig_at(s, i);
	if (s->capacity)
		l->capacity = s->capacity;
	if (called > 0) {
		l->wait_mean_s = (int)(((int64_t)l->wait_mean_s * l->called +
		    (int64_t)s->wait_mean_s * s->called + called / 2) / called);
		if (s->called > l->called) {
			l->wait_p50_s = s->wait_p50_s;
			l->wait_p90_s = s->wait_p90_s;
		}
		l->called = called;
	}
}

/* Mean and percentiles of the waits in w into f. */
static void
fig_waits(struct channel_fig *f, struct ints *w)
{
	int64_t sum = 0;
	int i;

	f->called = w->n;
	for (i = 0; i < w->n; i++)
		sum += w->v[i];
	f->wait_mean_s = w->n ? (int)((sum + w->n / 2) / w->n) : 0;
	f->wait_p50_s = percentile(w->v, w->n, 50);
	f->wait_p90_s = percentile(w->v, w->n, 90);
}

/* The figures of service c on day, from the day's own rows only. */
static int
channel_live(struct store *st, const char *day, char c, int64_t noshow_start, struct ints *waits,
    struct channel_row *r)
{
	static const char what[] = "cannot compute the figures per channel";
	struct channel_fig *ap = &r->appt, *wk = &r->walkin;
	sq_stmt *s;
	int rc;

	memset(r, 0, sizeof *r);
	r->service = c;
	/* The places: the appointments' own, and the walk-ins' of that day
	 * (the manager's change of the day, else the site's). */
	s = sq_bind(st, "SELECT s.appointments, COALESCE(t.capacity, s.capacity) FROM services s "
	    "LEFT JOIN service_today t ON t.day = ? AND t.code = s.code WHERE s.code = ?", "sc",
	    day, c);
	if ((rc = sq_row(st, s, what)) < 0)
		return ST_ERR;
	if (rc == 1) {
		ap->capacity = sq_col_int(s, 0);
		wk->capacity = sq_col_int(s, 1);
		sq_done(s);
	}
	/* The appointments, each in one state. Checked in within the window:
	 * its ticket is its own; after it (late = walkin): a walk-in's ticket.
	 * Not checked in: an attestation naming it (late = attestation, or
	 * late = walkin with no walk-in place left), else
	 * a no-show once 15 minutes past its start, else pending. A check-in's
	 * attestation is of the appointment's own day and service (its index). */
	s = sq_bind(st, "SELECT COALESCE(SUM(CASE WHEN status = 'booked' THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN status = 'booked' AND checked_in_at IS NOT NULL AND own = 1 "
	    "THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN status = 'booked' AND checked_in_at IS NOT NULL AND own = 0 "
	    "THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN status = 'booked' AND checked_in_at IS NULL AND att = 1 "
	    "THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN status = 'booked' AND checked_in_at IS NULL AND att = 0 AND "
	    "start <= ? THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN status = 'booked' AND checked_in_at IS NULL AND att = 0 AND "
	    "start > ? THEN 1 ELSE 0 END), 0) "
	    "FROM (SELECT a.status, a.checked_in_at, a.start, "
	    "CASE WHEN t.appointment_id = a.id THEN 1 ELSE 0 END AS own, "
	    "CASE WHEN EXISTS (SELECT 1 FROM attestations x WHERE x.day = a.day AND "
	    "x.service = a.service AND x.appointment_id = a.id) THEN 1 ELSE 0 END AS att "
	    "FROM appointments a LEFT JOIN tickets t ON t.id = a.ticket_id "
	    "WHERE a.day = ? AND a.service = ? AND a.slot IS NULL) AS f", "iisc", noshow_start, noshow_start, day, c);
	if ((rc = sq_row(st, s, what)) < 0)
		return ST_ERR;
	if (rc == 1) {
		ap->booked = sq_col_int(s, 0);
		ap->cancelled = sq_col_int(s, 1);
		ap->checked_in = ap->issued = sq_col_int(s, 2);
		ap->late_walkin = sq_col_int(s, 3);
		ap->late_attestation = sq_col_int(s, 4);
		ap->no_show = sq_col_int(s, 5);
		ap->pending = sq_col_int(s, 6);
		sq_done(s);
	}
	/* The walk-ins: tickets as the open figures count them (events), less
	 * the appointments' own; attestations that name no appointment (those
	 * that do are the appointments' late_attestation). */
	s = sq_bind(st, "SELECT (SELECT COUNT(*) FROM events WHERE day = ? AND kind = 'issue' AND "
	    "service = ? AND detail IS DISTINCT FROM 'appointment'), (SELECT COUNT(*) FROM attestations "
	    "WHERE day = ? AND service = ? AND COALESCE(appointment_id, 0) = 0)", "scsc", day, c,
	    day, c);
	if ((rc = sq_row(st, s, what)) < 0)
		return ST_ERR;
	if (rc == 1) {
		wk->issued = sq_col_int(s, 0);
		wk->turned_away = sq_col_int(s, 1);
		sq_done(s);
	}
	/* Waits: issue to call; an appointment's ticket is issued at its
	 * check-in. */
	if (collect(st, sq_bind(st, "SELECT called_at - issued_at FROM tickets WHERE day = ? AND "
	    "service = ? AND called_at > 0 AND appointment_id IS NOT NULL", "sc", day, c), waits,
	    what))
		return ST_ERR;
	fig_waits(ap, waits);
	if (collect(st, sq_bind(st, "SELECT called_at - issued_at FROM tickets WHERE day = ? AND "
	    "service = ? AND called_at > 0 AND appointment_id IS NULL", "sc", day, c), waits, what))
		return ST_ERR;
	fig_waits(wk, waits);
	return ST_OK;
}

/* What retention kept of service c's day into r (zeros when nothing). */
static int
channel_kept(struct store *st, const char *day, char c, struct channel_row *r)
{
	sq_stmt *s = sq_bind(st, "SELECT kind, n FROM daily_totals WHERE day = ? AND "
	    "service = ? AND (kind LIKE 'appointment.%' OR kind LIKE 'walkin.%')", "sc", day, c);
	int rc;
	size_t i;

	memset(r, 0, sizeof *r);
	r->service = c;
	while ((rc = sq_row(st, s, "cannot read the kept figures per channel")) == 1) {
		const char *k = sq_col_text(s, 0);
		struct channel_fig *f = NULL;
		if (k && !strncmp(k, "appointment.", 12))
			f = &r->appt, k += 12;
		else if (k && !strncmp(k, "walkin.", 7))
			f = &r->walkin, k += 7;
		for (i = 0; f && i < NKEPT; i++)
			if (!strcmp(k, fig_kept[i].name))
				*fig_at(f, i) = sq_col_int(s, 1);
	}
	return rc < 0 ? ST_ERR : ST_OK;
}

static void
fig_left(struct channel_fig *f, int used)
{
	f->left = f->capacity > used ? f->capacity - used : 0;
}

/* Service c's day: what was kept of it, and what is still there. */
static int
channel_row(struct store *st, const char *day, char c, int64_t noshow_start, struct ints *waits,
    struct channel_row *r)
{
	struct channel_row kept;

	if (channel_live(st, day, c, noshow_start, waits, r) != ST_OK ||
	    channel_kept(st, day, c, &kept) != ST_OK)
		return ST_ERR;
	fig_merge(&r->appt, &kept.appt);
	fig_merge(&r->walkin, &kept.walkin);
	fig_left(&r->appt, r->appt.booked);
	fig_left(&r->walkin, r->walkin.issued);
	return ST_OK;
}

int
store_channels(struct store *st, const char *day, int64_t noshow_start, struct channel_row *out,
    int max)
{
	char codes[SITE_MAX_SERVICES + 1];
	struct ints waits = { NULL, 0, 0 };
	int nc, i, rc = ST_OK;

	if ((nc = service_codes(st, codes)) < 0)
		return ST_ERR;
	for (i = 0; i < nc && i < max && rc == ST_OK; i++)
		rc = channel_row(st, day, codes[i], noshow_start, &waits, &out[i]);
	free(waits.v);
	return rc == ST_OK ? i : ST_ERR;
}

/* Retention: before the days before `before` go, keep each (day, service)
 * that has anything as daily totals (inside store_purge's transaction). A
 * day that long gone has no appointment left to wait for: every one not
 * checked in is a no-show. */
static int
channels_keep(struct store *st, const char *before)
{
	static const char what[] = "cannot keep the figures per channel";
	sq_stmt *s = sq_bind(st, "SELECT day, service FROM events WHERE day < ? AND "
	    "service IS NOT NULL UNION SELECT day, service FROM appointments WHERE day < ? UNION "
	    "SELECT day, service FROM tickets WHERE day < ? UNION SELECT day, service FROM "
	    "attestations WHERE day < ?", "ssss", before, before, before, before);
	struct { char day[11]; char service; } *pairs = NULL, *p;
	struct ints waits = { NULL, 0, 0 };
	struct channel_row r;
	int n = 0, cap = 0, rc, i;
	size_t k;

	/* The pairs first: the statements below must not run under this one. */
	while ((rc = sq_row(st, s, what)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((p = realloc(pairs, (size_t)cap * sizeof *p)) == NULL) {
				sq_done(s);
				free(pairs);
				snprintf(st->why, sizeof st->why, "%s: out of memory", what);
				return ST_ERR;
			}
			pairs = p;
		}
		sq_text(s, 0, pairs[n].day, sizeof pairs[n].day);
		pairs[n++].service = sq_char(s, 1);
	}
	for (i = 0; rc == 0 && i < n; i++) {
		if (!pairs[i].service)
			continue;
		if (channel_row(st, pairs[i].day, pairs[i].service, INT64_MAX, &waits, &r) != ST_OK) {
			rc = ST_ERR;
			break;
		}
		for (k = 0; k < 2 * NKEPT && rc == 0; k++) {
			struct channel_fig *f = k < NKEPT ? &r.appt : &r.walkin;
			char kind[40];
			int v = *fig_at(f, k % NKEPT);
			if (v == 0)
				continue;
			snprintf(kind, sizeof kind, "%s.%s", k < NKEPT ? "appointment" : "walkin",
			    fig_kept[k % NKEPT].name);
			if (sq_exec(st, sq_bind(st, "INSERT INTO daily_totals (day, service, kind, n) "
			    "VALUES (?, ?, ?, ?) ON CONFLICT (day, service, kind) DO UPDATE SET "
			    "n = excluded.n", "scsi", pairs[i].day, pairs[i].service, kind, (int64_t)v),
			    what))
				rc = ST_ERR;
		}
	}
	free(pairs);
	free(waits.v);
	return rc < 0 ? ST_ERR : ST_OK;
}

/* -- day report ------------------------------------------------------------------ */

static int
report_one(struct store *st, const char *day, struct ints *waits, struct day_report *r)
{
	sq_stmt *s = sq_bind(st, "SELECT state, COUNT(*) FROM tickets WHERE day = ? AND "
	    "service = ? GROUP BY state", "sc", day, r->service);
	int64_t avg;
	int rc;

	while ((rc = sq_row(st, s, "cannot compute the report")) == 1) {
		const char *t = sq_col_text(s, 0);
		const char *state = t ? t : "";
		int k = sq_col_int(s, 1);
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
	sq_stmt *s = sq_prepare(st, "SELECT code, name FROM services WHERE active = 1 "
	    "ORDER BY position");
	struct ints waits = { NULL, 0, 0 };
	int n = 0, i, rc = 0;

	if (s)
		sq_done(s);
	while (n < max && (rc = sq_row(st, s, "cannot compute the report")) == 1) {
		memset(&out[n], 0, sizeof out[n]);
		out[n].service = sq_char(s, 0);
		sq_text(s, 1, out[n].name, sizeof out[n].name);
		n++;
	}
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
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
	/* Draws: their entries' holder hashes likewise, and whole draws with
	 * the events (store/sqlite_draws.c). */
	if (store_draw_purge(st, holder_day, event_day) != ST_OK)
		return ST_ERR;
	if (sq_exec(st, sq_bind(st, "DELETE FROM day_keys WHERE day < ?", "s", holder_day),
	    "cannot purge day keys"))
		return ST_ERR;
	/* Anonymous events: in detail for events_months, then daily totals;
	 * the figures per channel too, while their rows are still there. */
	if (channels_keep(st, event_day) != ST_OK)
		return ST_ERR;
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
