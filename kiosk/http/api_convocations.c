/*
 * api_convocations: convocations for a later day (issue #13) on the wire:
 * the answer of POST /api/v1/tickets when today is full and a later day has
 * a place (convocation_json), the console's routes (GET
 * /api/v1/convocations?day=, POST /api/v1/convocations/{id}/cancel) and the
 * `convocations` object of GET /api/v1/stats. Turns JSON into the desk's
 * arguments and back (desk/convocations.c); no SQL, no rule here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/queue.h"
#include "http/api_int.h"

static void
add_hhmm(cJSON *j, const char *key, int minute)
{
	char s[8];

	snprintf(s, sizeof s, "%02d:%02d", minute / 60 % 100, minute % 60);
	cJSON_AddStringToObject(j, key, s);
}

static void
add_service(cJSON *j, char code)
{
	char c[2] = { code, 0 };

	cJSON_AddStringToObject(j, "service", c);
}

cJSON *
convocation_json(const struct site *s, const struct desk_slip *slip, int64_t now)
{
	const struct desk_convocation *c = &slip->conv;
	cJSON *j = attestation_json(s, &slip->att, now);

	/* The attestation's keys (serial, token, attempt, first_date, weeks:
	 * the proof of visit), with the convocation's own id and its day. */
	cJSON_ReplaceItemInObjectCaseSensitive(j, "kind", cJSON_CreateString("convocation"));
	cJSON_ReplaceItemInObjectCaseSensitive(j, "id", cJSON_CreateNumber((double)c->appt.id));
	cJSON_AddNumberToObject(j, "attestation", (double)slip->att.id);
	cJSON_AddStringToObject(j, "date", c->appt.day);
	add_hhmm(j, "from", c->from_min);
	add_hhmm(j, "to", c->to_min);
	add_time(j, "start", c->appt.start);
	cJSON_AddStringToObject(j, "code", c->appt.code);
	cJSON_AddBoolToObject(j, "duplicate", c->duplicate);
	return j;
}

static const char *
state_of(const struct appt_row *a, const char *today)
{
	if (a->status == APPT_CANCELLED)
		return "cancelled";
	if (a->checked_in_at)
		return "honoured";
	return strcmp(a->day, today) < 0 ? "missed" : "booked";
}

static void
get_convocations(struct api *a, const struct api_req *q, const struct who *w,
    struct api_resp *r)
{
	enum { MAX = 256 };
	struct desk_convocation *v;
	char day[11], today[11], err[200];
	cJSON *j, *arr;
	int i, n;

	if (need_staff(q, w, 1, r))
		return;
	queue_local_day(q->now, today);
	if (q->day) {
		if (!valid_day(q->day)) {
			fail(r, 400, "bad_request", "'day' must be a day YYYY-MM-DD");
			return;
		}
		snprintf(day, sizeof day, "%s", q->day);
	} else {
		snprintf(day, sizeof day, "%s", today);
	}
	if ((v = calloc(MAX, sizeof *v)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		return;
	}
	if ((n = desk_convocations(a->desk, day, q->now, v, MAX, err, sizeof err)) < 0) {
		free(v);
		desk_fail(r, n, err);
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "day", day);
	arr = cJSON_AddArrayToObject(j, "convocations");
	for (i = 0; i < n; i++) {
		const struct appt_row *ap = &v[i].appt;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)ap->id);
		add_service(o, ap->service);
		cJSON_AddStringToObject(o, "date", ap->day);
		add_hhmm(o, "from", v[i].from_min);
		add_hhmm(o, "to", v[i].to_min);
		cJSON_AddNumberToObject(o, "place", ap->slot + 1);
		cJSON_AddStringToObject(o, "code", ap->code);
		cJSON_AddStringToObject(o, "lang", ap->lang);
		cJSON_AddBoolToObject(o, "holder", ap->bound);
		cJSON_AddStringToObject(o, "state", state_of(ap, today));
		if (ap->ticket_number[0])
			cJSON_AddStringToObject(o, "ticket", ap->ticket_number);
		else
			cJSON_AddNullToObject(o, "ticket");
		if (ap->status == APPT_CANCELLED)
			cJSON_AddStringToObject(o, "cancel_reason", ap->cancel_reason);
		cJSON_AddItemToArray(arr, o);
	}
	free(v);
	reply(r, 200, j);
}

struct cancel_ctx {
	struct appt_row row;
};

static void
cancel_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct cancel_ctx *c = arg;
	cJSON *o;

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)c->row.id);
	add_service(o, c->row.service);
	cJSON_AddStringToObject(o, "date", c->row.day);
	cJSON_AddStringToObject(o, "state", "cancelled");
	cJSON_AddStringToObject(o, "cancel_reason", c->row.cancel_reason);
	reply(r, 200, o);
}

static void
post_cancel(struct api *a, const struct api_req *q, const struct who *w, int64_t id,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct cancel_ctx ctx;
	struct desk_events ev;
	struct keyed k;
	const char *reason;
	char err[300];
	cJSON *j;
	int bad = 0, rc;

	if (need_staff(q, w, 1, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	reason = str_field(j, "reason", 300, &bad, r);
	if (!bad) {
		memset(&ctx, 0, sizeof ctx);
		keyed_init(&k, q, &who, cancel_render, &ctx);
		rc = desk_convocation_cancel(a->desk, &who, id, reason, q->now, &ctx.row, &ev, err,
		    sizeof err);
		publish(a, &ev, q->now);
		keyed_reply(&k, rc, err, r);
	}
	cJSON_Delete(j);
}

void
convocation_routes(struct api *a, const struct api_req *q, const struct who *w,
    const char *rest, struct api_resp *r)
{
	if (!strcmp(rest, "")) {
		if (!strcmp(q->method, "GET"))
			get_convocations(a, q, w, r);
		else
			fail(r, 405, "method", "use GET on /api/v1/convocations");
		return;
	}
	if (rest[0] == '/' && strlen(rest) > 8 && !strcmp(rest + strlen(rest) - 7, "/cancel")) {
		char *end;
		long long id = strtoll(rest + 1, &end, 10);
		if (end != rest + strlen(rest) - 7 || id <= 0 || rest[1] < '0' || rest[1] > '9') {
			fail(r, 404, "not_found", "no convocation %.20s", rest + 1);
			return;
		}
		if (strcmp(q->method, "POST") != 0) {
			fail(r, 405, "method", "use POST on /api/v1/convocations/{id}/cancel");
			return;
		}
		post_cancel(a, q, w, (int64_t)id, r);
		return;
	}
	fail(r, 404, "not_found", "no route %s /api/v1/convocations%.40s", q->method, rest);
}

cJSON *
convocations_stats_json(struct api *a, const char *day, int64_t now)
{
	struct convoc_fig f[SITE_MAX_SERVICES];
	char err[200];
	int n = desk_convoc_figures(a->desk, day, now, f, SITE_MAX_SERVICES, err, sizeof err);

	return convoc_figs_json(a->site, f, n);
}

cJSON *
convoc_figs_json(const struct site *s, const struct convoc_fig *f, int n)
{
	cJSON *j = cJSON_CreateObject();
	int i;

	for (i = 0; i < n; i++) {
		const struct site_service *sv = site_service(s, f[i].service);
		char c[2] = { f[i].service, 0 };
		cJSON *o;
		if (!sv || sv->convocations <= 0)
			if (f[i].issued == 0 && f[i].for_day == 0)
				continue;
		o = cJSON_AddObjectToObject(j, c);
		cJSON_AddNumberToObject(o, "places", sv ? sv->convocations : 0);
		cJSON_AddNumberToObject(o, "issued", f[i].issued);
		cJSON_AddNumberToObject(o, "for_day", f[i].for_day);
		cJSON_AddNumberToObject(o, "cancelled", f[i].cancelled);
		cJSON_AddNumberToObject(o, "honoured", f[i].honoured);
		cJSON_AddNumberToObject(o, "missed", f[i].missed);
	}
	return j;
}
