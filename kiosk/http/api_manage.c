/*
 * api_manage: the manager's routes (issue #16; docs/API.md "Managing the
 * site"). Each one checks the role (manager or admin), turns JSON into the
 * desk verb's arguments, and takes the request's Idempotency-Key like the
 * other writes. The desk audits and publishes; no SQL here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/queue.h"
#include "http/api_int.h"

struct today_ctx {
	char code;
	struct service_day sd;
	const char *reason;
};

static void
today_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct today_ctx *c = arg;
	cJSON *o;
	char code[2] = { c->code, 0 };

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddBoolToObject(o, "open", c->sd.open);
	cJSON_AddNumberToObject(o, "capacity", c->sd.capacity);
	cJSON_AddNumberToObject(o, "priority_reserve", c->sd.reserve);
	cJSON_AddStringToObject(o, "reason", c->reason);
	reply(r, 200, o);
}

/* PATCH /api/v1/services/{code}/today {"open":..., "capacity":...,
 * "priority_reserve":..., "reason":...}: fields left out keep today's value
 * (the site's when unchanged). */
static void
patch_today(struct api *a, const struct api_req *q, const struct who *w, char code,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct desk_events ev;
	struct service_stat ss[SITE_MAX_SERVICES];
	struct today_ctx ctx = { .code = code };
	struct keyed k;
	char err[200];
	cJSON *j, *ov;
	int bad = 0, rc, i, n, cap = 0, res = 0, has_cap, has_res;

	if (need_staff(q, w, 2, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	ctx.reason = str_field(j, "reason", 300, &bad, r);
	ov = cJSON_GetObjectItemCaseSensitive(j, "open");
	has_cap = int_field(j, "capacity", 100000, &cap, &bad, r);
	has_res = int_field(j, "priority_reserve", 100000, &res, &bad, r);
	if (bad)
		goto out;
	if (ctx.reason == NULL || !*ctx.reason) {
		fail(r, 400, "bad_request", "'reason' is required: say why the service changes today");
		goto out;
	}
	if (ov && !cJSON_IsBool(ov)) {
		fail(r, 400, "bad_request", "'open' must be true or false");
		goto out;
	}
	if (!ov && !has_cap && !has_res) {
		fail(r, 400, "bad_request", "give 'open', 'capacity' or 'priority_reserve'");
		goto out;
	}
	if (site_service(a->site, code) == NULL) {
		fail(r, 404, "not_found", "no service '%c'", code);
		goto out;
	}
	/* Today's values for the fields left out. */
	if ((n = desk_services(a->desk, q->now, ss, SITE_MAX_SERVICES, err, sizeof err)) < 0) {
		desk_fail(r, n, err);
		goto out;
	}
	for (i = 0; i < n && ss[i].code != code; i++)
		;
	ctx.sd.open = ov ? cJSON_IsTrue(ov) : i < n ? ss[i].open : 1;
	ctx.sd.capacity = has_cap ? cap : i < n ? ss[i].capacity : 0;
	ctx.sd.reserve = has_res ? res : i < n ? ss[i].reserve : 0;
	/* A lower capacity takes the reserve down with it, unless one is given. */
	if (has_cap && !has_res && ctx.sd.reserve > cap)
		ctx.sd.reserve = cap;
	keyed_init(&k, q, &who, today_render, &ctx);
	rc = desk_service_today(a->desk, &who, code, &ctx.sd, ctx.reason, q->now, &ev, err,
	    sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
out:
	cJSON_Delete(j);
}

void
service_routes(struct api *a, const struct api_req *q, const struct who *w, const char *rest,
    struct api_resp *r)
{
	if (rest[0] == '\0' || rest[1] != '/' || strcmp(rest + 2, "today") != 0) {
		fail(r, 404, "not_found", "expected /api/v1/services/{code}/today");
		return;
	}
	if (strcmp(q->method, "PATCH") != 0) {
		fail(r, 405, "method", "use PATCH");
		return;
	}
	patch_today(a, q, w, rest[0], r);
}

/* -- counters ------------------------------------------------------------------ */

struct counter_ctx {
	struct counter_row row;
};

static void
counter_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct counter_ctx *c = arg;
	cJSON *o;

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "counter", c->row.n);
	cJSON_AddStringToObject(o, "name", c->row.name);
	cJSON_AddStringToObject(o, "services", c->row.services);
	cJSON_AddStringToObject(o, "state", c->row.state);
	reply(r, 200, o);
}

/* PATCH /api/v1/counters/{n} {"services":"BA","name":"Guichet 3"}: a lasting
 * change (kept in the database until the next `kiosk admin init`). */
void
counter_patch(struct api *a, const struct api_req *q, const struct who *w, int n,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct desk_events ev;
	struct counter_ctx ctx;
	struct keyed k;
	const char *services, *name;
	char err[200];
	cJSON *j;
	int bad = 0, rc;

	if (need_staff(q, w, 2, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	services = str_field(j, "services", SITE_MAX_SERVICES, &bad, r);
	name = str_field(j, "name", 47, &bad, r);
	if (bad)
		goto out;
	if (services == NULL) {
		fail(r, 400, "bad_request", "'services' is required: the codes it serves, in order "
		    "(\"BA\")");
		goto out;
	}
	keyed_init(&k, q, &who, counter_render, &ctx);
	rc = desk_counter_set(a->desk, &who, n, services, name, q->now, &ctx.row, &ev, err,
	    sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
out:
	cJSON_Delete(j);
}

/* -- closures ------------------------------------------------------------------ */

static cJSON *
closure_json(const struct closure_row *c)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)c->id);
	cJSON_AddStringToObject(o, "from", c->from);
	cJSON_AddStringToObject(o, "to", c->to);
	if (c->hours.open_min >= 0) {
		char h[32];
		snprintf(h, sizeof h, "%02d:%02d-%02d:%02d", c->hours.open_min / 60,
		    c->hours.open_min % 60, c->hours.close_min / 60, c->hours.close_min % 60);
		cJSON_AddStringToObject(o, "hours", h);
	} else {
		cJSON_AddNullToObject(o, "hours");
	}
	cJSON_AddStringToObject(o, "reason", c->reason);
	cJSON_AddStringToObject(o, "by", c->by);
	add_time(o, "at", c->at);
	return o;
}

int
site_state_json(struct api *a, cJSON *site, int64_t now)
{
	struct desk_site_state ss;
	char err[200];
	cJSON *n;

	if (desk_site_state(a->desk, now, &ss, err, sizeof err) != DK_OK)
		return queue_is_open(a->site, now);     /* the weekly hours' answer stands */
	if (ss.closure.id) {
		int open = ss.today.open_min >= 0;
		cJSON_ReplaceItemInObjectCaseSensitive(site, "open", cJSON_CreateBool(ss.open_now));
		cJSON_ReplaceItemInObjectCaseSensitive(site, "opens",
		    open ? hhmm_json(ss.today.open_min) : cJSON_CreateNull());
		cJSON_ReplaceItemInObjectCaseSensitive(site, "closes",
		    open ? hhmm_json(ss.today.close_min) : cJSON_CreateNull());
		cJSON_AddItemToObject(site, "closure", closure_json(&ss.closure));
	}
	if (ss.next_day[0]) {
		n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "day", ss.next_day);
		cJSON_AddItemToObject(n, "opens", hhmm_json(ss.next_open_min));
		cJSON_AddItemToObject(site, "next_opening", n);
	}
	return ss.open_now;
}

struct closure_ctx {
	struct closure_row row;
	int created;
};

static void
closure_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct closure_ctx *c = arg;

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	reply(r, c->created ? 201 : 200, closure_json(&c->row));
}

static void
post_closure(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct desk_events ev;
	struct closure_ctx ctx = { .created = 1 };
	struct keyed k;
	const char *from, *to, *reason, *hours;
	struct site_hours h = { -1, -1 };
	char err[200], a1[8], a2[8], end;
	cJSON *j;
	int bad = 0, rc;

	if (need_staff(q, w, 2, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	from = str_field(j, "from", 10, &bad, r);
	to = str_field(j, "to", 10, &bad, r);
	reason = str_field(j, "reason", 300, &bad, r);
	hours = str_field(j, "hours", 11, &bad, r);
	if (!bad && hours && (sscanf(hours, "%5[0-9:]-%5[0-9:]%c", a1, a2, &end) != 2 ||
	    (h.open_min = site_parse_hhmm(a1)) < 0 || (h.close_min = site_parse_hhmm(a2)) < 0 ||
	    h.close_min <= h.open_min)) {
		fail(r, 400, "bad_request", "'hours' must be opening hours like \"09:00-12:00\" "
		    "(or left out: closed all day)");
		goto out;
	}
	if (bad)
		goto out;
	if (!from || !valid_day(from) || !to || !valid_day(to)) {
		fail(r, 400, "bad_request", "'from' and 'to' are required days \"YYYY-MM-DD\"");
		goto out;
	}
	if (strcmp(from, to) > 0) {
		fail(r, 400, "bad_request", "'from' is after 'to'");
		goto out;
	}
	if (!reason || !*reason) {
		fail(r, 400, "bad_request", "'reason' is required: say why the site is closed");
		goto out;
	}
	keyed_init(&k, q, &who, closure_render, &ctx);
	rc = desk_closure_add(a->desk, &who, from, to, hours ? &h : NULL, reason, q->now, &ctx.row,
	    &ev, err, sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
out:
	cJSON_Delete(j);
}

#define MAX_CLOSURES 500

static void
get_closures(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct closure_row *rows;
	char err[200];
	cJSON *o, *arr;
	int i, n;

	if (need_staff(q, w, 2, r))
		return;
	if ((rows = calloc(MAX_CLOSURES, sizeof *rows)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		return;
	}
	if ((n = desk_closures(a->desk, q->now, rows, MAX_CLOSURES, err, sizeof err)) < 0) {
		desk_fail(r, n, err);
		free(rows);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "closures");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, closure_json(&rows[i]));
	free(rows);
	reply(r, 200, o);
}

static void
delete_closure(struct api *a, const struct api_req *q, const struct who *w, int64_t id,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct desk_events ev;
	struct closure_ctx ctx = { .created = 0 };
	struct keyed k;
	char err[200];
	int rc;

	if (need_staff(q, w, 2, r))
		return;
	keyed_init(&k, q, &who, closure_render, &ctx);
	rc = desk_closure_delete(a->desk, &who, id, q->now, &ctx.row, &ev, err, sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
}

void
closure_routes(struct api *a, const struct api_req *q, const struct who *w, const char *rest,
    struct api_resp *r)
{
	int64_t id;

	if (rest[0] == '\0') {
		if (!strcmp(q->method, "POST"))
			post_closure(a, q, w, r);
		else if (!strcmp(q->method, "GET"))
			get_closures(a, q, w, r);
		else
			fail(r, 405, "method", "use GET or POST");
		return;
	}
	if (rest[0] != '/' || (id = parse_id(rest + 1)) < 0) {
		fail(r, 404, "not_found", "expected /api/v1/closures/{id}");
		return;
	}
	if (strcmp(q->method, "DELETE") != 0) {
		fail(r, 405, "method", "use DELETE");
		return;
	}
	delete_closure(a, q, w, id, r);
}

/* -- devices ------------------------------------------------------------------- */

#define MAX_DEVICES 200

/* The devices (NULL with the response set on failure); *n their count. */
static struct device_row *
devices(struct api *a, const struct api_req *q, int *n, struct api_resp *r)
{
	struct device_row *rows = calloc(MAX_DEVICES, sizeof *rows);
	char err[200];

	if (rows == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		return NULL;
	}
	if ((*n = desk_devices(a->desk, q->now, rows, MAX_DEVICES, err, sizeof err)) < 0) {
		desk_fail(r, *n, err);
		free(rows);
		return NULL;
	}
	return rows;
}

/* "paper_counter": the slips and paper since the last new roll. */
static void
add_paper(cJSON *d, int slips, int64_t mm, int64_t since)
{
	cJSON *p = cJSON_AddObjectToObject(d, "paper_counter");

	cJSON_AddNumberToObject(p, "slips", slips);
	cJSON_AddNumberToObject(p, "mm", (double)mm);
	if (since)
		add_time(p, "since", since);
	else
		cJSON_AddNullToObject(p, "since");
}

static void
get_devices(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct device_row *rows;
	cJSON *o, *arr, *d;
	int i, n;

	if (need_staff(q, w, 2, r) || (rows = devices(a, q, &n, r)) == NULL)
		return;
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "devices");
	for (i = 0; i < n; i++) {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "name", rows[i].name);
		cJSON_AddBoolToObject(d, "active", rows[i].active);
		add_time(d, "created_at", rows[i].created_at);
		if (rows[i].last_contact)
			add_time(d, "last_contact", rows[i].last_contact);
		else
			cJSON_AddNullToObject(d, "last_contact");
		if (rows[i].printer_at) {
			cJSON *p = cJSON_AddObjectToObject(d, "printer");
			cJSON_AddStringToObject(p, "status", rows[i].printer_status);
			cJSON_AddStringToObject(p, "reason", rows[i].printer_reason);
			add_time(p, "at", rows[i].printer_at);
		} else {
			cJSON_AddNullToObject(d, "printer");
		}
		add_paper(d, rows[i].paper_slips, rows[i].paper_mm, rows[i].paper_since);
		cJSON_AddItemToArray(arr, d);
	}
	free(rows);
	reply(r, 200, o);
}

/* POST /api/v1/devices {"name":...}: the new kiosk's key, shown once. The
 * answer holds a secret, so it is not kept with an Idempotency-Key; a
 * name already active is refused (409) rather than given a second key. */
static void
post_device(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct device_row *rows;
	const char *name;
	char err[200], key[80];
	cJSON *j, *o;
	int bad = 0, rc, i, n;

	if (need_staff(q, w, 2, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	name = str_field(j, "name", 16, &bad, r);
	if (bad)
		goto out;
	if (name == NULL) {
		fail(r, 400, "bad_request", "'name' is required: 1 to 16 letters, digits or '-'");
		goto out;
	}
	if ((rows = devices(a, q, &n, r)) == NULL)
		goto out;
	for (i = 0; i < n && !(rows[i].active && !strcmp(rows[i].name, name)); i++)
		;
	free(rows);
	if (i < n) {
		fail(r, 409, "conflict", "device '%s' exists: revoke it first to give it a new key",
		    name);
		goto out;
	}
	rc = desk_device_add(a->desk, &who, name, q->now, key, err, sizeof err);
	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		goto out;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "key", key);
	sodium_memzero(key, sizeof key);
	reply(r, 201, o);
out:
	cJSON_Delete(j);
}

struct dev_answer {
	const char *name;
	int roll;                   /* 1: a new roll, else a revoke */
	int64_t now;
};

static void
dev_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	const struct dev_answer *da = arg;
	cJSON *o;

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", da->name);
	if (da->roll)
		add_paper(o, 0, 0, da->now);
	else
		cJSON_AddBoolToObject(o, "active", 0);
	reply(r, 200, o);
}

void
device_routes(struct api *a, const struct api_req *q, const struct who *w, const char *rest,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct dev_answer da;
	struct keyed k;
	char name[48], err[200];
	const char *slash;
	int rc;

	if (rest[0] == '\0') {
		if (!strcmp(q->method, "POST"))
			post_device(a, q, w, r);
		else if (!strcmp(q->method, "GET"))
			get_devices(a, q, w, r);
		else
			fail(r, 405, "method", "use GET or POST");
		return;
	}
	if (rest[0] != '/' || (slash = strchr(rest + 1, '/')) == NULL ||
	    (strcmp(slash, "/revoke") != 0 && strcmp(slash, "/new-roll") != 0) ||
	    slash - rest - 1 < 1 || (size_t)(slash - rest - 1) >= sizeof name) {
		fail(r, 404, "not_found", "expected /api/v1/devices/{name}/revoke or /new-roll");
		return;
	}
	if (strcmp(q->method, "POST") != 0) {
		fail(r, 405, "method", "use POST");
		return;
	}
	if (need_staff(q, w, 2, r))
		return;
	snprintf(name, sizeof name, "%.*s", (int)(slash - rest - 1), rest + 1);
	da.name = name;
	da.roll = !strcmp(slash, "/new-roll");
	da.now = q->now;
	keyed_init(&k, q, &who, dev_render, &da);
	if (da.roll)
		rc = desk_device_new_roll(a->desk, &who, name, q->now, err, sizeof err);
	else
		rc = desk_device_revoke(a->desk, &who, name, q->now, err, sizeof err);
	keyed_reply(&k, rc, err, r);
}
