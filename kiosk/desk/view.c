/*
 * view: what the screens read: a ticket, the services with their waiting
 * counts and estimates, the counters, the last calls, the day's alerts and
 * the open figures. Each view is one read transaction: one consistent
 * picture, and no write.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/queue.h"
#include "desk/desk_int.h"

/* One view: its arguments and results. */
struct view {
	struct verb v;
	int64_t id;                 /* desk_ticket */
	const char *day;            /* figures of that day */
	void *out;                  /* the caller's array or struct */
	int max;                    /* its size */
	int n;                      /* rows filled */
	const char *const *kinds;   /* desk_totals */
};

static int
ticket_tx(struct store *st, void *arg)
{
	struct view *w = arg;
	int rc = desk_get(&w->v, w->id, w->out);

	(void)st;
	return rc == ST_OK ? desk_place(&w->v, w->out, 0) : rc;
}

int
desk_ticket(struct desk *d, int64_t id, int64_t now, struct ticket *out, char *err, size_t errlen)
{
	struct view w = { .id = id, .out = out };

	verb_init(&w.v, d, NULL, now, NULL, err, errlen);
	return verb_read(&w.v, ticket_tx, &w);
}

/* One service's counts, capacity and estimates. */
static int
service_stat(struct store *st, struct view *w, const struct site_service *sv,
    struct service_stat *o)
{
	struct day_count dc;
	struct service_day today;
	struct queue_figures q;
	int64_t oldest;
	int service_s;
	const char *day = w->v.day;

	memset(o, 0, sizeof *o);
	o->code = sv->code;
	if (desk_today_of(&w->v, sv, &today) != ST_OK)
		return ST_ERR;
	o->open = today.open;
	o->capacity = today.capacity;
	o->reserve = today.reserve;
	o->changed = o->open != 1 || o->capacity != sv->capacity || o->reserve != sv->priority_reserve;
	{
		struct closure_row closure;
		struct site_hours hours;
		if (desk_hours_today(&w->v, &hours, &closure) != ST_OK)
			return ST_ERR;
		if (hours.open_min < 0 && closure.id)
			o->open = 0;    /* the whole site is closed today */
	}
	o->bind_holder = sv->bind_holder;
	if (store_queue_figures(st, day, sv->code, &q) != ST_OK ||
	    store_day_count_get(st, day, sv->code, &dc) != ST_OK ||
	    (oldest = store_oldest_waiting(st, day, sv->code)) < 0)
		return ST_ERR;
	o->open_counters = q.open_counters;
	service_s = q.service_s;
	o->waiting = q.waiting[0] + q.waiting[1];
	o->issued = dc.ordinary + dc.priority;
	o->left_today = !o->open ? 0 : queue_left_ordinary(o->capacity, o->reserve, dc.ordinary,
	    dc.priority);
	o->estimated_wait_s = queue_estimate_wait(o->waiting, o->open_counters,
	    service_s > 0 ? service_s : w->v.d->site.default_service_s);
	o->longest_wait_s = oldest ? (int)(w->v.now - oldest) : 0;
	/* An open draw: the kiosk enrols instead of issuing (docs/DRAW.md). */
	o->draw_closes_min = -1;
	{
		struct draw_row dr;
		int rc = store_draw_open_of(st, sv->code, &dr);
		if (rc == ST_OK) {
			o->draw = dr.id;
			o->draw_closes_min = desk_draw_closes_min(w->v.d, &dr);
			snprintf(o->draw_commitment, sizeof o->draw_commitment, "%s", dr.commitment);
			sodium_memzero(dr.secret, sizeof dr.secret);
		} else if (rc != ST_NOTFOUND) {
			return ST_ERR;
		}
	}
	return ST_OK;
}

static int
services_tx(struct store *st, void *arg)
{
	struct view *w = arg;
	const struct site *s = &w->v.d->site;
	struct service_stat *out = w->out;
	int rc;

	for (w->n = 0; w->n < s->nservices && w->n < w->max; w->n++)
		if ((rc = service_stat(st, w, &s->services[w->n], &out[w->n])) != ST_OK)
			return rc;
	return ST_OK;
}

int
desk_services(struct desk *d, int64_t now, struct service_stat *out, int max, char *err,
    size_t errlen)
{
	struct view w = { .out = out, .max = max };
	int rc;

	verb_init(&w.v, d, NULL, now, NULL, err, errlen);
	rc = verb_read(&w.v, services_tx, &w);
	return rc == ST_OK ? w.n : rc;
}

static int
counters_tx(struct store *st, void *arg)
{
	struct view *w = arg;
	struct counter_view *out = w->out;
	struct counter_row rows[SITE_MAX_COUNTERS];
	int i, n = store_counter_list(st, rows, SITE_MAX_COUNTERS), rc;

	if (n < 0)
		return ST_ERR;
	for (i = 0, w->n = 0; i < n && w->n < w->max; i++, w->n++)
		if ((rc = desk_counter_view(st, rows[i].n, &out[w->n])) != ST_OK)
			return rc;
	return ST_OK;
}

int
desk_counters(struct desk *d, struct counter_view *out, int max, char *err, size_t errlen)
{
	struct view w = { .out = out, .max = max };
	int rc;

	verb_init(&w.v, d, NULL, 0, NULL, err, errlen);
	rc = verb_read(&w.v, counters_tx, &w);
	return rc == ST_OK ? w.n : rc;
}

/* The views that are one store call each. */
enum rows_kind { RK_CALLS, RK_ALERTS, RK_STATS, RK_CHANNELS, RK_REPORT, RK_PRINTERS };
struct rows {
	struct view w;
	enum rows_kind kind;
};

static int
rows_tx(struct store *st, void *arg)
{
	struct rows *r = arg;
	const char *day = r->w.day ? r->w.day : r->w.v.day;

	switch (r->kind) {
	case RK_CALLS:  r->w.n = store_recent_calls(st, day, r->w.out, r->w.max); break;
	case RK_ALERTS: r->w.n = store_alerts_of_day(st, day, r->w.out, r->w.max); break;
	case RK_STATS:  r->w.n = store_stats(st, day, r->w.out, r->w.max); break;
	case RK_CHANNELS:
		/* An appointment is a no-show once DESK_NO_SHOW_AFTER_S past its
		 * start without a check-in (desk_appt_state's rule). */
		r->w.n = store_channels(st, day, r->w.v.now - DESK_NO_SHOW_AFTER_S, r->w.out, r->w.max);
		break;
	case RK_REPORT: r->w.n = store_report_day(st, day, r->w.out, r->w.max); break;
	case RK_PRINTERS: r->w.n = store_device_printers(st, r->w.out, r->w.max); break;
	}
	return r->w.n < 0 ? ST_ERR : ST_OK;
}

static int
rows(struct desk *d, enum rows_kind kind, const char *day, int64_t now, void *out, int max,
    char *err, size_t errlen)
{
	struct rows r = { .w = { .day = day, .out = out, .max = max }, .kind = kind };
	int rc;

	verb_init(&r.w.v, d, NULL, now, NULL, err, errlen);
	rc = verb_read(&r.w.v, rows_tx, &r);
	return rc == ST_OK ? r.w.n : rc;
}

int
desk_recent_calls(struct desk *d, int64_t now, struct call_view *out, int max, char *err,
    size_t errlen)
{
	return rows(d, RK_CALLS, NULL, now, out, max, err, errlen);
}

int
desk_alerts(struct desk *d, int64_t now, struct alert *out, int max, char *err, size_t errlen)
{
	return rows(d, RK_ALERTS, NULL, now, out, max, err, errlen);
}

int
desk_stats(struct desk *d, const char *day, struct stat_row *out, int max, char *err,
    size_t errlen)
{
	return rows(d, RK_STATS, day, 0, out, max, err, errlen);
}

int
desk_channels(struct desk *d, const char *day, int64_t now, struct channel_row *out, int max,
    char *err, size_t errlen)
{
	return rows(d, RK_CHANNELS, day, now, out, max, err, errlen);
}

void
desk_channels_csv(struct buf *b, const char *day, const struct channel_row *ch, int n)
{
	buf_puts(b, DESK_CHANNELS_CSV_HEAD "\n");
	desk_channels_csv_rows(b, NULL, day, ch, n);
}

void
desk_channels_csv_rows(struct buf *b, const char *site, const char *day,
    const struct channel_row *ch, int n)
{
	int i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < 2; k++) {
			const struct channel_fig *f = k ? &ch[i].walkin : &ch[i].appt;
			if (site)
				buf_printf(b, "%s,", site);
			buf_printf(b, "%s,%c,%s,%d,%d,", day, ch[i].service,
			    k ? "walkin" : "appointment", f->capacity, f->left);
			if (k)
				buf_printf(b, ",,,,,,,%d,%d,", f->issued, f->turned_away);
			else
				buf_printf(b, "%d,%d,%d,%d,%d,%d,%d,%d,,", f->booked, f->cancelled,
				    f->checked_in, f->late_walkin, f->late_attestation, f->no_show,
				    f->pending, f->issued);
			buf_printf(b, "%d,%d,", f->called, f->wait_mean_s);
			/* All sites together: percentiles unknown, an empty cell. */
			if (f->wait_p50_s >= 0)
				buf_printf(b, "%d", f->wait_p50_s);
			buf_puts(b, ",");
			if (f->wait_p90_s >= 0)
				buf_printf(b, "%d", f->wait_p90_s);
			buf_puts(b, "\n");
		}
}

int
desk_report(struct desk *d, const char *day, struct day_report *out, int max, char *err,
    size_t errlen)
{
	return rows(d, RK_REPORT, day, 0, out, max, err, errlen);
}

int
desk_printers(struct desk *d, struct device_printer *out, int max, char *err, size_t errlen)
{
	return rows(d, RK_PRINTERS, NULL, 0, out, max, err, errlen);
}

void
desk_health(struct desk *d, struct store_health *out)
{
	store_health(d->st, out);
}

static int
totals_tx(struct store *st, void *arg)
{
	struct view *w = arg;
	int64_t (*out)[SITE_MAX_SERVICES] = w->out;
	const struct site *s = &w->v.d->site;
	int k, i;

	for (k = 0; k < w->max; k++)
		for (i = 0; i < s->nservices; i++)
			if ((out[k][i] = store_total(st, w->kinds[k], s->services[i].code)) < 0)
				return ST_ERR;
	return ST_OK;
}

int
desk_totals(struct desk *d, const char *const *kinds, int nkinds,
    int64_t (*out)[SITE_MAX_SERVICES], char *err, size_t errlen)
{
	struct view w = { .out = out, .max = nkinds, .kinds = kinds };

	verb_init(&w.v, d, NULL, 0, NULL, err, errlen);
	return verb_read(&w.v, totals_tx, &w);
}
