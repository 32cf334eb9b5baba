/*
 * api_figures: the open figures: GET /api/v1/stats (JSON, per service and
 * hour, and per service and channel: appointments and walk-ins) and GET
 * /metrics (Prometheus text). Read-only; /metrics is open, token-only or
 * off, as the site file says. The names are a contract (docs/API.md).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/queue.h"
#include "http/api_int.h"

static int site_labels(struct buf *t, const char *site);

static cJSON *
stat_row_json(const struct stat_row *row)
{
	cJSON *o = cJSON_CreateObject();
	char c[2] = { row->service, 0 };

	cJSON_AddStringToObject(o, "service", c);
	if (row->hour < 0)
		cJSON_AddNullToObject(o, "hour");
	else
		cJSON_AddNumberToObject(o, "hour", row->hour);
	cJSON_AddNumberToObject(o, "issued", row->issued);
	cJSON_AddNumberToObject(o, "served", row->served);
	cJSON_AddNumberToObject(o, "no_show", row->no_show);
	cJSON_AddNumberToObject(o, "not_served", row->not_served);
	cJSON_AddNumberToObject(o, "attestations", row->attestations);
	cJSON_AddNumberToObject(o, "refused_duplicates", row->refused_duplicates);
	cJSON_AddNumberToObject(o, "wait_p50_s", row->wait_p50_s);
	cJSON_AddNumberToObject(o, "wait_p90_s", row->wait_p90_s);
	cJSON_AddNumberToObject(o, "service_avg_s", row->service_avg_s);
	return o;
}

/* A channel's figures: the keys it has, in the order of the CSV's columns
 * (docs/API.md; assets/web/stats.js and `kiosk admin report --channels`
 * write the same). */
static cJSON *
channel_json(const struct channel_fig *f, int appt)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "capacity", f->capacity);
	cJSON_AddNumberToObject(o, "left", f->left);
	if (appt) {
		cJSON_AddNumberToObject(o, "booked", f->booked);
		cJSON_AddNumberToObject(o, "cancelled", f->cancelled);
		cJSON_AddNumberToObject(o, "checked_in", f->checked_in);
		cJSON_AddNumberToObject(o, "late_walkin", f->late_walkin);
		cJSON_AddNumberToObject(o, "late_attestation", f->late_attestation);
		cJSON_AddNumberToObject(o, "no_show", f->no_show);
		cJSON_AddNumberToObject(o, "pending", f->pending);
	}
	cJSON_AddNumberToObject(o, "issued", f->issued);
	if (!appt)
		cJSON_AddNumberToObject(o, "turned_away", f->turned_away);
	cJSON_AddNumberToObject(o, "called", f->called);
	cJSON_AddNumberToObject(o, "wait_mean_s", f->wait_mean_s);
	/* -1: all sites together, whose percentiles are not known (desk.h). */
	if (f->wait_p50_s < 0)
		cJSON_AddNullToObject(o, "wait_p50_s");
	else
		cJSON_AddNumberToObject(o, "wait_p50_s", f->wait_p50_s);
	if (f->wait_p90_s < 0)
		cJSON_AddNullToObject(o, "wait_p90_s");
	else
		cJSON_AddNumberToObject(o, "wait_p90_s", f->wait_p90_s);
	return o;
}

static cJSON *
channels_json(const struct channel_row *ch, int n)
{
	cJSON *arr = cJSON_CreateArray();
	int i;

	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		char c[2] = { ch[i].service, 0 };
		cJSON_AddStringToObject(o, "service", c);
		cJSON_AddItemToObject(o, "appointment", channel_json(&ch[i].appt, 1));
		cJSON_AddItemToObject(o, "walkin", channel_json(&ch[i].walkin, 0));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* A site's services: code, names, capacity. */
static cJSON *
services_of(const struct site *s)
{
	cJSON *arr = cJSON_CreateArray();
	int i;

	for (i = 0; i < s->nservices; i++) {
		cJSON *o = cJSON_CreateObject();
		char c[2] = { s->services[i].code, 0 };
		cJSON_AddStringToObject(o, "code", c);
		cJSON_AddItemToObject(o, "name", names_json(&s->services[i]));
		cJSON_AddNumberToObject(o, "capacity", s->services[i].capacity);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* The figures of one site (or of all together) into j: rows, channels,
 * convocations and services, as GET /api/v1/stats gives a site's. */
static void
figs_json(cJSON *j, const struct desk_site_figs *f)
{
	cJSON *arr = cJSON_AddArrayToObject(j, "rows");
	int i;

	for (i = 0; i < f->nrows; i++)
		cJSON_AddItemToArray(arr, stat_row_json(&f->rows[i]));
	cJSON_AddItemToObject(j, "channels", channels_json(f->ch, f->nch));
	cJSON_AddItemToObject(j, "convocations", convoc_figs_json(f->conf, f->cf, f->ncf));
	cJSON_AddItemToObject(j, "services", services_of(f->conf));
}

/* GET /api/v1/stats?site=all|ID (issue #11): the sites sharing the
 * database, from any of their servers. */
static void
get_stats_sites(struct api *a, const struct api_req *q, const char *day, struct api_resp *r)
{
	struct desk_figures fg;
	const int all = !strcmp(q->site, "all");
	char err[200], when[32];
	cJSON *j, *arr, *skipped;
	int i, rc;

	if (!q->site[0] || strlen(q->site) >= sizeof fg.all.site.id) {
		fail(r, 400, "bad_request", "site must be \"all\" or a site's id");
		return;
	}
	if ((rc = desk_figures(a->desk, day, q->now, all ? NULL : q->site, &fg, err,
	    sizeof err)) != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	j = cJSON_CreateObject();
	queue_rfc3339(q->now, when);
	if (!all) {
		const struct desk_site_figs *f = &fg.sites[0];
		if (f->site.skipped[0]) {
			fail(r, 409, "site_unreadable", "the site%s%s in schema \"%s\": %s",
			    f->site.id[0] ? " " : "", f->site.id, f->site.schema, f->site.skipped);
			cJSON_Delete(j);
			desk_figures_free(&fg);
			return;
		}
		cJSON_AddItemToObject(j, "site", site_json(f->conf, q->now));
		cJSON_AddStringToObject(j, "time", when);
		cJSON_AddStringToObject(j, "day", day);
		figs_json(j, f);
		desk_figures_free(&fg);
		reply(r, 200, j);
		return;
	}
	cJSON_AddItemToObject(j, "site", site_json(a->site, q->now));
	cJSON_AddStringToObject(j, "time", when);
	cJSON_AddStringToObject(j, "day", day);
	figs_json(j, &fg.all);
	arr = cJSON_AddArrayToObject(j, "sites");
	skipped = cJSON_AddArrayToObject(j, "skipped");
	for (i = 0; i < fg.n; i++) {
		const struct desk_site_figs *f = &fg.sites[i];
		cJSON *o = cJSON_CreateObject();
		if (f->site.id[0])
			cJSON_AddStringToObject(o, "id", f->site.id);
		else
			cJSON_AddNullToObject(o, "id");
		cJSON_AddStringToObject(o, "name", f->site.name);
		cJSON_AddStringToObject(o, "schema", f->site.schema);
		if (f->site.skipped[0]) {
			cJSON_AddStringToObject(o, "reason", f->site.skipped);
			cJSON_AddItemToArray(skipped, o);
			continue;
		}
		cJSON_AddStringToObject(o, "timezone", f->conf->tz);
		figs_json(o, f);
		cJSON_AddItemToArray(arr, o);
	}
	desk_figures_free(&fg);
	reply(r, 200, j);
}

void
get_stats(struct api *a, const struct api_req *q, struct api_resp *r)
{
	struct channel_row ch[SITE_MAX_SERVICES];
	enum { MAXROWS = SITE_MAX_SERVICES * 25 };
	struct stat_row *rows;
	char day[11], err[200], when[32];
	int i, n, nch = 0;
	cJSON *j, *arr;

	if (q->day && !valid_day(q->day)) {
		fail(r, 400, "bad_request", "day must be YYYY-MM-DD");
		return;
	}
	if (q->day)
		snprintf(day, sizeof day, "%s", q->day);
	else
		queue_local_day(q->now, day);
	if (q->site) {
		get_stats_sites(a, q, day, r);
		return;
	}
	if ((rows = calloc(MAXROWS, sizeof *rows)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		return;
	}
	if ((n = desk_stats(a->desk, day, rows, MAXROWS, err, sizeof err)) < 0 ||
	    (nch = desk_channels(a->desk, day, q->now, ch, SITE_MAX_SERVICES, err,
	    sizeof err)) < 0) {
		free(rows);
		desk_fail(r, n < 0 ? n : nch, err);
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "site", site_json(a->site, q->now));
	queue_rfc3339(q->now, when);
	cJSON_AddStringToObject(j, "time", when);
	cJSON_AddStringToObject(j, "day", day);
	arr = cJSON_AddArrayToObject(j, "rows");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, stat_row_json(&rows[i]));
	free(rows);
	cJSON_AddItemToObject(j, "channels", channels_json(ch, nch));
	cJSON_AddItemToObject(j, "convocations", convocations_stats_json(a, day, q->now));
	arr = cJSON_AddArrayToObject(j, "services");
	for (i = 0; i < a->site->nservices; i++) {
		cJSON *o = cJSON_CreateObject();
		char c[2] = { a->site->services[i].code, 0 };
		cJSON_AddStringToObject(o, "code", c);
		cJSON_AddItemToObject(o, "name", names_json(&a->site->services[i]));
		cJSON_AddNumberToObject(o, "capacity", a->site->services[i].capacity);
		cJSON_AddItemToArray(arr, o);
	}
	reply(r, 200, j);
}

/* One metric: its HELP and TYPE lines, then a value per service. */
static void
metric(struct buf *t, const char *name, const char *type, const char *help,
    const struct service_stat *ss, int n, const int64_t *values)
{
	int i;

	buf_printf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	for (i = 0; i < n; i++)
		buf_printf(t, "%s{service=\"%c\"} %lld\n", name, ss[i].code, (long long)values[i]);
}

/* A gauge of today per service and channel (which: 1 the appointments, 2
 * the walk-ins, 3 both): the channel_fig field at off. */
static void
channel_metric(struct buf *t, const char *name, const char *help, const struct channel_row *ch,
    int n, size_t off, int which)
{
	int i;

	buf_printf(t, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	for (i = 0; i < n; i++) {
		if (which & 1)
			buf_printf(t, "%s{service=\"%c\",channel=\"appointment\"} %d\n", name,
			    ch[i].service, *(const int *)(const void *)((const char *)&ch[i].appt + off));
		if (which & 2)
			buf_printf(t, "%s{service=\"%c\",channel=\"walkin\"} %d\n", name,
			    ch[i].service, *(const int *)(const void *)((const char *)&ch[i].walkin + off));
	}
}

/* Today's figures per channel (docs/API.md lists the families). */
static void
channel_metrics(struct buf *t, const struct channel_row *ch, int n)
{
#define F(field) offsetof(struct channel_fig, field)
	static const struct { const char *name, *help; size_t off; int which; } fams[] = {
		{ "kiosk_channel_capacity_daily", "Daily places of the channel (appointments: "
		  "their own capacity; walk-ins: today's, priority reserve included).",
		  F(capacity), 3 },
		{ "kiosk_channel_capacity_left", "Places of the channel left today (appointments: "
		  "not booked; walk-ins: no ticket issued).", F(left), 3 },
		{ "kiosk_channel_issued_today", "Tickets issued today in the channel (appointments: "
		  "checked in within their window).", F(issued), 3 },
		{ "kiosk_channel_wait_mean_seconds", "Mean wait today, from the ticket (walk-ins) or "
		  "the check-in (appointments) to the call.", F(wait_mean_s), 3 },
		{ "kiosk_channel_wait_median_seconds", "Median wait today, from the ticket or the "
		  "check-in to the call.", F(wait_p50_s), 3 },
		{ "kiosk_channel_wait_p90_seconds", "Wait that 9 in 10 called today did not exceed.",
		  F(wait_p90_s), 3 },
		{ "kiosk_appointments_booked_today", "Appointments of today booked (not cancelled).",
		  F(booked), 1 },
		{ "kiosk_appointments_cancelled_today", "Appointments of today cancelled.",
		  F(cancelled), 1 },
		{ "kiosk_appointments_checked_in_today", "Appointments of today checked in within "
		  "their window.", F(checked_in), 1 },
		{ "kiosk_appointments_no_show_today", "Appointments of today not checked in 15 "
		  "minutes after their start.", F(no_show), 1 },
		{ "kiosk_appointments_pending_today", "Appointments of today not checked in, less "
		  "than 15 minutes past their start.", F(pending), 1 },
		{ "kiosk_walkins_turned_away_today", "Walk-ins turned away today for lack of places "
		  "(attestations de passage).", F(turned_away), 2 },
	};
#undef F
	size_t k;
	int i;

	for (k = 0; k < sizeof fams / sizeof fams[0]; k++)
		channel_metric(t, fams[k].name, fams[k].help, ch, n, fams[k].off, fams[k].which);
	buf_printf(t, "# HELP kiosk_appointments_late_today Appointments of today checked in after "
	    "their window, by outcome (a walk-in's ticket or an attestation).\n"
	    "# TYPE kiosk_appointments_late_today gauge\n");
	for (i = 0; i < n; i++)
		buf_printf(t, "kiosk_appointments_late_today{service=\"%c\",channel=\"appointment\","
		    "outcome=\"walkin\"} %d\nkiosk_appointments_late_today{service=\"%c\","
		    "channel=\"appointment\",outcome=\"attestation\"} %d\n", ch[i].service,
		    ch[i].appt.late_walkin, ch[i].service, ch[i].appt.late_attestation);
}

#define NTOTALS 6

void
api_metrics(struct api *a, int64_t now, struct api_resp *r)
{
	static const char *const kinds[NTOTALS] = {
		"issue", "done", "no_show", "not_served", "attestation", "duplicate" };
	static const struct { const char *name, *help; } totals[NTOTALS] = {
		{ "kiosk_tickets_issued_total", "Tickets issued." },
		{ "kiosk_tickets_served_total", "Tickets served at a counter." },
		{ "kiosk_tickets_no_show_total", "Tickets called that nobody answered." },
		{ "kiosk_tickets_not_served_total", "Tickets still waiting at closing." },
		{ "kiosk_attestations_total", "Attestations de passage (capacity reached)." },
		{ "kiosk_duplicates_refused_total", "Second tickets refused to a bound holder." },
	};
	struct service_stat ss[SITE_MAX_SERVICES];
	struct counter_view cv[SITE_MAX_COUNTERS];
	struct channel_row ch[SITE_MAX_SERVICES];
	char day[11];
	int64_t tot[NTOTALS][SITE_MAX_SERVICES], v[SITE_MAX_SERVICES];
	struct buf t = BUF_INIT;
	char err[200];
	int i, k, n, nc, nch, open = 0, paused = 0;

	memset(r, 0, sizeof *r);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	n = desk_services(a->desk, now, ss, SITE_MAX_SERVICES, err, sizeof err);
	nc = desk_counters(a->desk, cv, SITE_MAX_COUNTERS, err, sizeof err);
	queue_local_day(now, day);
	nch = desk_channels(a->desk, day, now, ch, SITE_MAX_SERVICES, err, sizeof err);
	if (n < 0 || nc < 0 || nch < 0 || desk_totals(a->desk, kinds, NTOTALS, tot, err, sizeof err) != DK_OK) {
		r->status = 503;
		r->body = strdup("# storage failure\n");
		return;
	}
	for (k = 0; k < NTOTALS; k++)
		metric(&t, totals[k].name, "counter", totals[k].help, ss, n, tot[k]);
#define GAUGE(name, help, field) do { \
		for (i = 0; i < n; i++) \
			v[i] = ss[i].field; \
		metric(&t, name, "gauge", help, ss, n, v); \
	} while (0)
	GAUGE("kiosk_queue_waiting", "Tickets waiting now.", waiting);
	GAUGE("kiosk_tickets_issued_today", "Tickets issued today.", issued);
	GAUGE("kiosk_tickets_left_today", "Ordinary tickets left today.", left_today);
	GAUGE("kiosk_capacity_daily", "Daily capacity, priority reserve included.", capacity);
	GAUGE("kiosk_estimated_wait_seconds", "Estimated wait for a ticket issued now.", estimated_wait_s);
	GAUGE("kiosk_longest_wait_seconds", "Longest wait of the tickets waiting now.", longest_wait_s);
#undef GAUGE
	channel_metrics(&t, ch, nch);
	for (i = 0; i < nc; i++) {
		open += !strcmp(cv[i].c.state, "open");
		paused += !strcmp(cv[i].c.state, "paused");
	}
	buf_printf(&t, "# HELP kiosk_counters Counters by state.\n# TYPE kiosk_counters gauge\n"
	    "kiosk_counters{state=\"open\"} %d\nkiosk_counters{state=\"paused\"} %d\n"
	    "kiosk_counters{state=\"closed\"} %d\n", open, paused, nc - open - paused);
	buf_printf(&t, "# HELP kiosk_site_open Whether the site is open now.\n"
	    "# TYPE kiosk_site_open gauge\nkiosk_site_open %d\n", queue_is_open(a->site, now));
	if (t.failed || site_labels(&t, a->site->id) != 0) {
		buf_free(&t);
		r->status = 503;
		r->body = strdup("# out of memory\n");
		return;
	}
	r->status = 200;
	r->body = buf_take(&t);
}

/* Every sample gets the label site="<id>" first: one Prometheus can scrape
 * the servers of several sites (sites sharing a PostgreSQL database) and
 * add them up. 0, or -1 out of memory. */
static int
site_labels(struct buf *t, const char *site)
{
	struct buf out = BUF_INIT;
	const char *p = buf_str(t), *nl, *sp, *br;

	for (; *p; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		if (*p == '#') {
			buf_printf(&out, "%.*s\n", (int)(nl - p), p);
			continue;
		}
		br = memchr(p, '{', (size_t)(nl - p));
		sp = memchr(p, ' ', (size_t)(nl - p));
		if (br && (!sp || br < sp))
			buf_printf(&out, "%.*ssite=\"%s\",%.*s\n", (int)(br + 1 - p), p, site,
			    (int)(nl - br - 1), br + 1);
		else if (sp)
			buf_printf(&out, "%.*s{site=\"%s\"}%.*s\n", (int)(sp - p), p, site,
			    (int)(nl - sp), sp);
		else
			buf_printf(&out, "%.*s\n", (int)(nl - p), p);
	}
	if (out.failed) {
		buf_free(&out);
		return -1;
	}
	buf_free(t);
	*t = out;
	return 0;
}

int
api_metrics_access(struct api *a, const struct api_req *q, struct api_resp *r)
{
	const char *want = a->site->metrics_token_hash, *auth = q->authorization;
	unsigned char h[32];
	char hex[65];

	memset(r, 0, sizeof *r);
	switch (a->site->metrics) {
	case SITE_METRICS_PUBLIC:
		return 0;
	case SITE_METRICS_TOKEN:
		break;
	default:
		fail(r, 404, "not_found", "no such page (metrics are off in the site file)");
		return -1;
	}
	if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0) {
		fail(r, 401, "denied", "send 'Authorization: Bearer <metrics_token>'");
		return -1;
	}
	crypto_generichash(h, sizeof h, (const unsigned char *)auth + 7, strlen(auth + 7), NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	if (strlen(want) != 64 || sodium_memcmp(hex, want, 64) != 0) {
		fail(r, 401, "denied", "wrong metrics token");
		return -1;
	}
	return 0;
}
