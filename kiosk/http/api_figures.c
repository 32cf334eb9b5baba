/*
 * api_figures: the open figures: GET /api/v1/stats (JSON, per service and
 * hour) and GET /metrics (Prometheus text). Read-only; /metrics is open,
 * token-only or off, as the site file says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/queue.h"
#include "http/api_int.h"

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

void
get_stats(struct api *a, const struct api_req *q, struct api_resp *r)
{
	enum { MAXROWS = SITE_MAX_SERVICES * 25 };
	struct stat_row *rows;
	char day[11], err[200], when[32];
	int i, n;
	cJSON *j, *arr;

	if (q->day && !valid_day(q->day)) {
		fail(r, 400, "bad_request", "day must be YYYY-MM-DD");
		return;
	}
	if (q->day)
		snprintf(day, sizeof day, "%s", q->day);
	else
		queue_local_day(q->now, day);
	if ((rows = calloc(MAXROWS, sizeof *rows)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		return;
	}
	if ((n = desk_stats(a->desk, day, rows, MAXROWS, err, sizeof err)) < 0) {
		free(rows);
		desk_fail(r, n, err);
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
	int64_t tot[NTOTALS][SITE_MAX_SERVICES], v[SITE_MAX_SERVICES];
	struct buf t = BUF_INIT;
	char err[200];
	int i, k, n, nc, open = 0, paused = 0;

	memset(r, 0, sizeof *r);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	n = desk_services(a->desk, now, ss, SITE_MAX_SERVICES, err, sizeof err);
	nc = desk_counters(a->desk, cv, SITE_MAX_COUNTERS, err, sizeof err);
	if (n < 0 || nc < 0 || desk_totals(a->desk, kinds, NTOTALS, tot, err, sizeof err) != DK_OK) {
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
	for (i = 0; i < nc; i++) {
		open += !strcmp(cv[i].c.state, "open");
		paused += !strcmp(cv[i].c.state, "paused");
	}
	buf_printf(&t, "# HELP kiosk_counters Counters by state.\n# TYPE kiosk_counters gauge\n"
	    "kiosk_counters{state=\"open\"} %d\nkiosk_counters{state=\"paused\"} %d\n"
	    "kiosk_counters{state=\"closed\"} %d\n", open, paused, nc - open - paused);
	buf_printf(&t, "# HELP kiosk_site_open Whether the site is open now.\n"
	    "# TYPE kiosk_site_open gauge\nkiosk_site_open %d\n", queue_is_open(a->site, now));
	if (t.failed) {
		buf_free(&t);
		r->status = 503;
		r->body = strdup("# out of memory\n");
		return;
	}
	r->status = 200;
	r->body = buf_take(&t);
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
