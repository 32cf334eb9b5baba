/*
 * api_draws: the draw at opening (issue #13; docs/API.md "Draws",
 * docs/DRAW.md):
 *
 *   POST /api/v1/draws                                 a manager: open
 *   GET  /api/v1/draws/{id}                            anyone: the draw
 *   POST /api/v1/draws/{id}/entries                    a kiosk: enrol
 *   POST /api/v1/draws/{id}/close                      a manager: close
 *   POST /api/v1/draws/{id}/entries/{entry}/redeem     a kiosk: the slip
 *
 * Routing, roles and JSON only; the desk draws, stores and audits
 * (desk/draws.c). The GET answer of a closed draw is exactly what
 * `kiosk verify-draw` and docs/DRAW.md's checker read: never the secret
 * while the draw is open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/draw.h"
#include "core/holder.h"
#include "core/queue.h"
#include "http/api_int.h"

static void
add_char(cJSON *j, const char *key, char c)
{
	char s[2] = { c, 0 };

	cJSON_AddStringToObject(j, key, s);
}

/* The public form of a draw; with its entries once closed. */
static cJSON *
draw_json(const struct draw_row *dr, const struct draw_entry_row *e, int n)
{
	cJSON *j = cJSON_CreateObject(), *arr, *res;
	const struct draw_entry_row **by_rank;
	char hex[DRAW_HEX_LEN];
	int i;

	cJSON_AddNumberToObject(j, "id", (double)dr->id);
	add_char(j, "service", dr->service);
	cJSON_AddStringToObject(j, "day", dr->day);
	cJSON_AddNumberToObject(j, "places", dr->places);
	cJSON_AddStringToObject(j, "status", dr->closed ? "closed" : "open");
	cJSON_AddStringToObject(j, "commitment", dr->commitment);
	add_time(j, "opened_at", dr->opened_at);
	cJSON_AddNumberToObject(j, "entry_count", n);
	if (!dr->closed)
		return j;
	add_time(j, "closed_at", dr->closed_at);
	cJSON_AddNumberToObject(j, "reserve", dr->reserve);
	sodium_bin2hex(hex, sizeof hex, dr->secret, sizeof dr->secret);
	cJSON_AddStringToObject(j, "secret", hex);
	arr = cJSON_AddArrayToObject(j, "entries");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(e[i].entry));
	cJSON_AddStringToObject(j, "entries_hash", dr->entries_hash);
	cJSON_AddStringToObject(j, "seed", dr->seed);
	/* The order: by rank, which the close set to 1..n. */
	by_rank = calloc((size_t)n + 1, sizeof *by_rank);
	arr = cJSON_AddArrayToObject(j, "order");
	res = cJSON_AddArrayToObject(j, "results");
	if (by_rank == NULL) {
		cJSON_Delete(j);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (e[i].rank >= 1 && e[i].rank <= n)
			by_rank[e[i].rank - 1] = &e[i];
	for (i = 0; i < n; i++) {
		const struct draw_entry_row *x = by_rank[i];
		cJSON *o;
		if (x == NULL)
			continue;
		cJSON_AddItemToArray(arr, cJSON_CreateString(x->entry));
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "entry", x->entry);
		cJSON_AddNumberToObject(o, "rank", x->rank);
		cJSON_AddBoolToObject(o, "priority", x->priority);
		cJSON_AddStringToObject(o, "outcome", x->outcome);
		if (x->ticket_number[0])
			cJSON_AddStringToObject(o, "ticket", x->ticket_number);
		else
			cJSON_AddNullToObject(o, "ticket");
		cJSON_AddItemToArray(res, o);
	}
	free(by_rank);
	return j;
}

/* "/api/v1/draws/{id}": the draw, for anyone. */
static void
get_draw(struct api *a, const struct api_req *q, int64_t id, struct api_resp *r)
{
	struct draw_row dr;
	struct draw_entry_row *e = NULL;
	char err[200];
	cJSON *j;
	int n;

	if ((n = desk_draw_get(a->desk, id, q->now, &dr, &e, err, sizeof err)) < 0) {
		desk_fail(r, n, err);
		return;
	}
	j = draw_json(&dr, e, n);
	sodium_memzero(dr.secret, sizeof dr.secret);
	free(e);
	if (j == NULL)
		fail(r, 503, "unavailable", "out of memory");
	else
		reply(r, 200, j);
}

/* -- open ------------------------------------------------------------------------------ */

struct open_ctx {
	struct draw_row dr;
};

static void
open_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct open_ctx *c = arg;

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	reply(r, 201, draw_json(&c->dr, NULL, 0));
}

static void
post_open(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct open_ctx ctx;
	struct keyed k;
	const char *service;
	char err[200];
	cJSON *j;
	int bad = 0, places = 0, rc;

	if (need_staff(q, w, 2, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	service = str_field(j, "service", 8, &bad, r);
	if (!bad && !int_field(j, "places", DESK_DRAW_PLACES_MAX, &places, &bad, r) && !bad) {
		fail(r, 400, "bad_request", "'places' is required: the tickets to draw, 1 to %d",
		    DESK_DRAW_PLACES_MAX);
		goto out;
	}
	if (bad)
		goto out;
	if (service == NULL || strlen(service) != 1) {
		fail(r, 400, "bad_request", "'service' is required: a service code such as \"A\"");
		goto out;
	}
	memset(&ctx, 0, sizeof ctx);
	keyed_init(&k, q, &who, open_render, &ctx);
	rc = desk_draw_open(a->desk, &who, service[0], places, q->now, &ctx.dr, err, sizeof err);
	keyed_reply(&k, rc, err, r);
	sodium_memzero(&ctx, sizeof ctx);
out:
	cJSON_Delete(j);
}

/* -- enrol ---------------------------------------------------------------------------- */

struct enrol_ctx {
	struct api *a;
	struct desk_draw_enrolled out;
	int64_t now;
};

static void
enrol_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct enrol_ctx *c = arg;
	cJSON *o;

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "draw_entry");
	cJSON_AddNumberToObject(o, "draw", (double)c->out.e.draw);
	add_char(o, "service", c->out.service);
	if (site_service(c->a->site, c->out.service))
		cJSON_AddItemToObject(o, "service_name", names_json(site_service(c->a->site,
		    c->out.service)));
	cJSON_AddItemToObject(o, "closes", c->out.closes_min >= 0 ?
	    hhmm_json(c->out.closes_min) : cJSON_CreateNull());
	cJSON_AddStringToObject(o, "commitment", c->out.commitment);
	cJSON_AddStringToObject(o, "entry", c->out.e.entry);
	cJSON_AddStringToObject(o, "token", c->out.token);
	cJSON_AddBoolToObject(o, "duplicate", c->out.duplicate);
	add_time(o, "enrolled_at", c->out.e.enrolled_at);
	cJSON_AddStringToObject(o, "lang", c->out.e.lang);
	cJSON_AddBoolToObject(o, "priority", c->out.e.priority);
	if (c->out.e.holder_mask[0])
		cJSON_AddStringToObject(o, "holder_mask", c->out.e.holder_mask);
	cJSON_AddItemToObject(o, "site", site_json(c->a->site, c->now));
	reply(r, c->out.duplicate ? 200 : 201, o);
}

static void
post_enrol(struct api *a, const struct api_req *q, const struct who *w, int64_t id,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct enrol_ctx *ctx;
	struct keyed k;
	const char *lang, *holder;
	const cJSON *pr;
	char err[200];
	cJSON *j;
	int bad = 0, rc, priority = 0;

	if (!w->device) {
		fail(r, w->level ? 403 : 401, w->level ? "forbidden" : "denied", "only a kiosk's "
		    "device key may enrol an applicant (send 'Authorization: Bearer <device key>')");
		return;
	}
	if ((j = parse_body(q, r, 0)) == NULL)
		return;
	lang = str_field(j, "lang", 11, &bad, r);
	holder = str_field(j, "holder", HOLDER_TYPED_MAX, &bad, r);
	if (bad)
		goto out;
	if (lang && !valid_lang(lang)) {
		fail(r, 400, "bad_request", "'lang' must be a language code such as \"fr\" or "
		    "\"fa-AF\"");
		goto out;
	}
	if ((pr = cJSON_GetObjectItemCaseSensitive(j, "priority")) != NULL) {
		if (!cJSON_IsBool(pr)) {
			fail(r, 400, "bad_request", "'priority' must be true or false");
			goto out;
		}
		priority = cJSON_IsTrue(pr);
	}
	if ((ctx = calloc(1, sizeof *ctx)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		goto out;
	}
	ctx->a = a;
	ctx->now = q->now;
	keyed_init(&k, q, &who, enrol_render, ctx);
	rc = desk_draw_enrol(a->desk, &who, id, lang, priority, holder, q->now, &ctx->out, err,
	    sizeof err);
	keyed_reply(&k, rc, err, r);
	free(ctx);
out:
	cJSON_Delete(j);
}

/* -- close ------------------------------------------------------------------------------ */

struct close_ctx {
	struct api *a;
	struct draw_row dr;
	int64_t now;
};

static void
close_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct close_ctx *c = arg;
	cJSON *o;

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	/* The short answer; GET /api/v1/draws/{id} has the whole result. */
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)c->dr.id);
	cJSON_AddStringToObject(o, "status", "closed");
	cJSON_AddStringToObject(o, "commitment", c->dr.commitment);
	cJSON_AddStringToObject(o, "entries_hash", c->dr.entries_hash);
	cJSON_AddStringToObject(o, "seed", c->dr.seed);
	cJSON_AddNumberToObject(o, "places", c->dr.places);
	add_time(o, "closed_at", c->dr.closed_at);
	reply(r, 200, o);
}

static void
post_close(struct api *a, const struct api_req *q, const struct who *w, int64_t id,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct close_ctx ctx = { .a = a, .now = q->now };
	struct desk_events ev;
	struct keyed k;
	char err[300];
	int rc;

	if (need_staff(q, w, 2, r))
		return;
	keyed_init(&k, q, &who, close_render, &ctx);
	rc = desk_draw_close(a->desk, &who, id, q->now, &ctx.dr, &ev, err, sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
	sodium_memzero(&ctx.dr, sizeof ctx.dr);
}

/* -- redeem ------------------------------------------------------------------------------ */

struct redeem_ctx {
	struct api *a;
	struct desk_draw_redeemed out;
	int64_t now;
};

static void
redeem_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct redeem_ctx *c = arg;
	const struct desk_slip *s = &c->out.slip;
	cJSON *o;

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	if (s->kind == DS_ATTESTATION) {
		o = attestation_json(c->a->site, &s->att, c->now);
	} else if (s->kind == DS_CONVOCATION) {
		o = convocation_json(c->a->site, s, c->now);
	} else {
		o = ticket_json(c->a->site, &s->ticket);
		cJSON_AddStringToObject(o, "token", s->ticket.token);
		cJSON_AddBoolToObject(o, "duplicate", s->kind == DS_DUPLICATE);
	}
	cJSON_AddNumberToObject(o, "draw", (double)c->out.e.draw);
	cJSON_AddStringToObject(o, "entry", c->out.e.entry);
	cJSON_AddNumberToObject(o, "rank", c->out.e.rank);
	cJSON_AddStringToObject(o, "draw_outcome", c->out.e.outcome);
	/* attestation_json has the site already; a ticket's answer gets it as
	 * POST /api/v1/tickets gives it. */
	if (!cJSON_HasObjectItem(o, "site"))
		cJSON_AddItemToObject(o, "site", site_json(c->a->site, c->now));
	reply(r, s->kind == DS_DUPLICATE || (s->kind == DS_CONVOCATION && s->conv.duplicate) ?
	    200 : 201, o);
}

static void
post_redeem(struct api *a, const struct api_req *q, const struct who *w, int64_t id,
    const char *entry, struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct redeem_ctx *ctx;
	struct desk_events ev;
	struct keyed k;
	char err[200];
	int rc;

	if (!w->device) {
		fail(r, w->level ? 403 : 401, w->level ? "forbidden" : "denied", "only a kiosk's "
		    "device key may redeem an enrolment slip (send 'Authorization: Bearer "
		    "<device key>')");
		return;
	}
	if ((ctx = calloc(1, sizeof *ctx)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		return;
	}
	ctx->a = a;
	ctx->now = q->now;
	keyed_init(&k, q, &who, redeem_render, ctx);
	rc = desk_draw_redeem(a->desk, &who, id, entry, q->now, &ctx->out, &ev, err, sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
	free(ctx);
}

/* -- a day's list ------------------------------------------------------------------------- */

#define DAY_DRAWS 100   /* draws listed for one day, at most */

/* GET /api/v1/draws?day=: the day's draws, for anyone (the stats page
 * links them): each one's id, service, status, places and commitment. */
static void
get_draws(struct api *a, const struct api_req *q, struct api_resp *r)
{
	struct draw_row *dr;
	char err[200], day[11];
	cJSON *j, *arr;
	int n, i;

	if (q->day && !valid_day(q->day)) {
		fail(r, 400, "bad_request", "'day' must be a day YYYY-MM-DD");
		return;
	}
	if ((dr = calloc(DAY_DRAWS, sizeof *dr)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		return;
	}
	if ((n = desk_draws_day(a->desk, q->day, q->now, dr, DAY_DRAWS, err, sizeof err)) < 0) {
		free(dr);
		desk_fail(r, n, err);
		return;
	}
	if (q->day)
		snprintf(day, sizeof day, "%s", q->day);
	else
		queue_local_day(q->now, day);
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "day", day);
	arr = cJSON_AddArrayToObject(j, "draws");
	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		char path[48];
		cJSON_AddNumberToObject(o, "id", (double)dr[i].id);
		add_char(o, "service", dr[i].service);
		cJSON_AddStringToObject(o, "status", dr[i].closed ? "closed" : "open");
		cJSON_AddNumberToObject(o, "places", dr[i].places);
		cJSON_AddStringToObject(o, "commitment", dr[i].commitment);
		snprintf(path, sizeof path, "/api/v1/draws/%lld", (long long)dr[i].id);
		cJSON_AddStringToObject(o, "url", path);
		cJSON_AddItemToArray(arr, o);
	}
	free(dr);
	reply(r, 200, j);
}

/* -- the board ---------------------------------------------------------------------------- */

#define BOARD_DRAWS 8   /* today's draws the board shows, at most */

cJSON *
draws_board_json(struct api *a, int64_t now)
{
	struct draw_row dr[BOARD_DRAWS], full;
	struct draw_entry_row *e;
	const struct draw_entry_row **by_rank;
	cJSON *arr = cJSON_CreateArray(), *o, *res;
	char err[200];
	int n, i, k, m;

	if ((n = desk_draws_day(a->desk, NULL, now, dr, BOARD_DRAWS, err, sizeof err)) < 0)
		return arr;     /* the board goes on without them */
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)dr[i].id);
		add_char(o, "service", dr[i].service);
		cJSON_AddStringToObject(o, "status", dr[i].closed ? "closed" : "open");
		cJSON_AddStringToObject(o, "commitment", dr[i].commitment);
		cJSON_AddNumberToObject(o, "places", dr[i].places);
		cJSON_AddItemToArray(arr, o);
		if (!dr[i].closed)
			continue;
		/* The results by entry number: the entry ids with a ticket, in
		 * draw order (the others hold an attestation). */
		e = NULL;
		if ((m = desk_draw_get(a->desk, dr[i].id, now, &full, &e, err, sizeof err)) < 0)
			continue;
		sodium_memzero(full.secret, sizeof full.secret);
		res = cJSON_AddArrayToObject(o, "tickets");
		by_rank = calloc((size_t)m + 1, sizeof *by_rank);
		for (k = 0; by_rank && k < m; k++)
			if (e[k].rank >= 1 && e[k].rank <= m)
				by_rank[e[k].rank - 1] = &e[k];
		for (k = 0; by_rank && k < m; k++) {
			const struct draw_entry_row *x = by_rank[k];
			if (x && x->ticket_number[0]) {
				cJSON *t = cJSON_CreateObject();
				cJSON_AddStringToObject(t, "entry", x->entry);
				cJSON_AddStringToObject(t, "ticket", x->ticket_number);
				cJSON_AddItemToArray(res, t);
			}
		}
		cJSON_AddNumberToObject(o, "entry_count", m);
		free(by_rank);
		free(e);
	}
	return arr;
}

/* -- routing ------------------------------------------------------------------------------ */

void
draw_routes(struct api *a, const struct api_req *q, const struct who *w, const char *rest,
    struct api_resp *r)
{
	const char *tail;
	int64_t id;

	if (!strcmp(rest, "")) {
		if (!strcmp(q->method, "POST"))
			post_open(a, q, w, r);
		else if (!strcmp(q->method, "GET"))
			get_draws(a, q, r);
		else
			fail(r, 405, "method", "use GET or POST on /api/v1/draws");
		return;
	}
	if (rest[0] != '/' || (id = path_id(rest + 1, &tail)) < 0) {
		fail(r, 404, "not_found", "no route %s /api/v1/draws%.40s", q->method, rest);
		return;
	}
	if (!strcmp(tail, "")) {
		if (!strcmp(q->method, "GET"))
			get_draw(a, q, id, r);
		else
			fail(r, 405, "method", "use GET on /api/v1/draws/{id}");
	} else if (!strcmp(tail, "/entries") || !strcmp(tail, "/close")) {
		if (strcmp(q->method, "POST") != 0)
			fail(r, 405, "method", "use POST on /api/v1/draws/{id}%s", tail);
		else if (tail[1] == 'e')
			post_enrol(a, q, w, id, r);
		else
			post_close(a, q, w, id, r);
	} else if (!strncmp(tail, "/entries/", 9) && strlen(tail) > 16 &&
	    !strcmp(tail + strlen(tail) - 7, "/redeem")) {
		char entry[DRAW_ENTRY_MAX + 1];
		size_t n = strlen(tail) - 9 - 7;
		if (strcmp(q->method, "POST") != 0) {
			fail(r, 405, "method", "use POST on /api/v1/draws/{id}/entries/{entry}/redeem");
			return;
		}
		if (n == 0 || n > DRAW_ENTRY_MAX) {
			fail(r, 404, "not_found", "no such entry");
			return;
		}
		memcpy(entry, tail + 9, n);
		entry[n] = '\0';
		post_redeem(a, q, w, id, entry, r);
	} else {
		fail(r, 404, "not_found", "no route %s /api/v1/draws%.40s", q->method, rest);
	}
}
