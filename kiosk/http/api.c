/*
 * api: see api.h. Routing, roles and the routes: each route checks who
 * asks, turns JSON into a desk verb's arguments, calls the verb, publishes
 * its events and turns its answer back into JSON. The rules are the
 * desk's; nothing here touches the store, a socket or a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/bus.h"
#include "core/holder.h"
#include "core/log.h"
#include "core/queue.h"
#include "http/api_int.h"

#define SESSION_TTL   (12 * 3600)   /* a working day */
/* Login throttle, by (login, client address): LOGIN_FREE_FAILS failures
 * answer 401 at once; from then on each failure makes the pair wait:
 * after the fifth 2 s (never less, since
 * clocks count whole seconds), then 4, 8 ... up to LOGIN_DELAY_MAX, answered 429
 * with Retry-After and without checking the password. The same login
 * from another address is not slowed, so a stranger cannot lock an agent
 * out. A success, or LOGIN_FORGET seconds without failure, starts afresh. */
#define LOGIN_FREE_FAILS 5
#define LOGIN_DELAY_MAX  900        /* 15 minutes */
#define LOGIN_FORGET     3600

/* -- who asks ------------------------------------------------------------------- */

/* Identify the caller; 0 anonymous, 1 identified, -1 refused (response set). */
static int
identify(struct api *a, const struct api_req *q, struct who *w, struct api_resp *r)
{
	char secret[128], err[200];
	const char *s = NULL;
	struct cred c;
	int rc;

	memset(w, 0, sizeof *w);
	if (q->authorization) {
		if (strncmp(q->authorization, "Bearer ", 7) != 0 || strlen(q->authorization) > 120) {
			fail(r, 401, "denied", "the Authorization header must be 'Bearer <key>'");
			return -1;
		}
		s = q->authorization + 7;
	} else if (q->cookie && cookie_value(q->cookie, "kiosk_session", secret, sizeof secret)) {
		s = secret;
		w->session = 1;
	}
	if (s == NULL)
		return 0;
	rc = desk_identify(a->desk, s, q->now, &c, err, sizeof err);
	if (rc == DK_DENIED) {
		fail(r, 401, "denied", "unknown or expired key or session: log in again");
		return -1;
	}
	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return -1;
	}
	if (w->session != !strcmp(c.kind, "session")) {
		fail(r, 401, "denied", w->session ? "not a session cookie" :
		    "a session is a cookie, not a bearer key");
		return -1;
	}
	snprintf(w->name, sizeof w->name, "%s", c.owner);
	snprintf(w->role, sizeof w->role, "%s", c.role);
	snprintf(w->csrf, sizeof w->csrf, "%s", c.csrf);
	w->device = strcmp(c.kind, "device") == 0;
	w->must_change = c.must_change;
	w->level = !strcmp(w->role, "admin") ? 3 : !strcmp(w->role, "manager") ? 2 :
	    !strcmp(w->role, "agent") ? 1 : 0;
	return 1;
}

/* Require a staff role of at least `level`, and CSRF for session POSTs. */
int
need_staff(const struct api_req *q, const struct who *w, int level, struct api_resp *r)
{
	if (!w->level && !w->device) {
		fail(r, 401, "denied", "log in first, or send 'Authorization: Bearer <token>'");
		return -1;
	}
	if (w->level < level) {
		fail(r, 403, "forbidden", "the %s role may not do this", w->role);
		return -1;
	}
	if (w->session && strcmp(q->method, "GET") != 0 &&
	    (q->csrf == NULL || strlen(q->csrf) != strlen(w->csrf) ||
	    sodium_memcmp(q->csrf, w->csrf, strlen(w->csrf)) != 0)) {
		fail(r, 403, "csrf", "missing or wrong X-CSRF-Token header");
		return -1;
	}
	return 0;
}

static int
need_device(const struct who *w, struct api_resp *r)
{
	if (!w->device && !w->level) {
		fail(r, 401, "denied", "only a registered kiosk may issue tickets "
		    "(send 'Authorization: Bearer <device key>')");
		return -1;
	}
	if (!w->device) {
		fail(r, 403, "forbidden", "only a kiosk device key may do this");
		return -1;
	}
	return 0;
}

/* Kiosks act as themselves; staff at the desk need the given level. */
static int
need_kiosk_or_staff(const struct api_req *q, const struct who *w, int level, struct api_resp *r)
{
	return w->device ? 0 : need_staff(q, w, level, r);
}

struct desk_actor
actor(const struct who *w)
{
	struct desk_actor act = { w->name, w->device, NULL };
	return act;
}

/* -- tickets ---------------------------------------------------------------------- */

static void
get_services(struct api *a, const struct api_req *q, struct api_resp *r)
{
	struct service_stat ss[SITE_MAX_SERVICES];
	char err[200];
	int n = desk_services(a->desk, q->now, ss, SITE_MAX_SERVICES, err, sizeof err), open;
	cJSON *j;

	if (n < 0) {
		desk_fail(r, n, err);
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "site", site_json(a->site, q->now));
	open = site_state_json(a, cJSON_GetObjectItemCaseSensitive(j, "site"), q->now);
	cJSON_AddItemToObject(j, "services", services_json(a->site, ss, n, open, SF_FULL));
	cJSON_AddItemToObject(j, "notices", notices_public_json(a, q->now, NOTICE_KIOSK));
	reply(r, 200, j);
}

struct ticket_ctx {
	struct api *a;
	const struct desk_slip *slip;
	int64_t now;
};

static void
ticket_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct ticket_ctx *c = arg;
	const struct desk_slip *slip = c->slip;
	cJSON *out;

	if (rc == DK_DRAW_OPEN) {
		out = cJSON_CreateObject();
		cJSON_AddStringToObject(out, "error", err);
		cJSON_AddStringToObject(out, "code", "draw_open");
		cJSON_AddNumberToObject(out, "draw", (double)slip->draw);
		reply(r, 409, out);
		return;
	}
	if (rc == DK_HOLDER_ELSEWHERE) {
		out = cJSON_CreateObject();
		cJSON_AddStringToObject(out, "error", err);
		cJSON_AddStringToObject(out, "code", "holder_elsewhere");
		cJSON_AddStringToObject(out, "site", slip->elsewhere.site);
		cJSON_AddStringToObject(out, "number", slip->elsewhere.number);
		reply(r, 409, out);
		return;
	}
	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	if (slip->kind == DS_ATTESTATION) {
		reply(r, 201, attestation_json(c->a->site, &slip->att, c->now));
		return;
	}
	if (slip->kind == DS_CONVOCATION) {
		reply(r, slip->conv.duplicate ? 200 : 201, convocation_json(c->a->site, slip, c->now));
		return;
	}
	out = ticket_json(c->a->site, &slip->ticket);
	cJSON_AddStringToObject(out, "token", slip->ticket.token);
	cJSON_AddBoolToObject(out, "duplicate", slip->kind == DS_DUPLICATE);
	cJSON_AddItemToObject(out, "site", site_json(c->a->site, c->now));
	reply(r, slip->kind == DS_DUPLICATE ? 200 : 201, out);
}

static void
post_ticket(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct desk_issue in;
	struct desk_slip slip;
	struct desk_events ev;
	struct ticket_ctx ctx = { a, &slip, q->now };
	struct keyed k;
	const char *service;
	char err[200];
	cJSON *j, *pv;
	int bad = 0, rc;

	/* Kiosks issue; staff may issue a manual ticket at the desk (audited). */
	if (need_kiosk_or_staff(q, w, 1, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	memset(&in, 0, sizeof in);
	service = str_field(j, "service", 1, &bad, r);
	in.lang = str_field(j, "lang", 11, &bad, r);
	in.holder = str_field(j, "holder", HOLDER_TYPED_MAX, &bad, r);
	in.previous = str_field(j, "previous", 400, &bad, r);
	pv = cJSON_GetObjectItemCaseSensitive(j, "priority");
	if (bad)
		goto out;
	if (service == NULL || !*service) {
		fail(r, 400, "bad_request", "'service' is required (a service code such as \"A\")");
		goto out;
	}
	if (in.lang && !valid_lang(in.lang)) {
		fail(r, 400, "bad_request", "'lang' must be a language code such as \"fr\" or \"fa-AF\"");
		goto out;
	}
	if (pv && !cJSON_IsBool(pv)) {
		fail(r, 400, "bad_request", "'priority' must be true or false");
		goto out;
	}
	in.service = service[0];
	in.priority = pv && cJSON_IsTrue(pv);
	keyed_init(&k, q, &who, ticket_render, &ctx);
	rc = desk_issue(a->desk, &who, &in, q->now, &slip, &ev, err, sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
out:
	cJSON_Delete(j);
}

/* {"status": ..., "reason": ..., "paper_mm": ...} of a print report. */
static int
print_report(const struct api_req *q, struct api_resp *r, cJSON **j, struct desk_print *pr)
{
	int bad = 0;

	memset(pr, 0, sizeof *pr);
	if ((*j = parse_body(q, r, 1)) == NULL)
		return -1;
	pr->status = str_field(*j, "status", 16, &bad, r);
	pr->reason = str_field(*j, "reason", 120, &bad, r);
	int_field(*j, "paper_mm", DESK_SLIP_MM_MAX, &pr->paper_mm, &bad, r);
	return bad ? -1 : 0;
}

struct tkt_ctx {
	struct api *a;
	const struct ticket *t;
	int64_t now;
	int slip;                   /* 1: with the token and the site (a reprint) */
};

static void
tkt_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct tkt_ctx *c = arg;
	cJSON *out;

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	out = ticket_json(c->a->site, c->t);
	if (c->slip) {
		cJSON_AddStringToObject(out, "token", c->t->token);
		cJSON_AddItemToObject(out, "site", site_json(c->a->site, c->now));
	}
	reply(r, 200, out);
}

static void
post_printed(struct api *a, const struct api_req *q, const struct who *w, int64_t id,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct desk_events ev;
	struct ticket t;
	struct tkt_ctx ctx = { a, &t, q->now, 0 };
	struct keyed k;
	struct desk_print pr;
	char err[200];
	cJSON *j = NULL;
	int rc;

	if (need_device(w, r) || print_report(q, r, &j, &pr)) {
		cJSON_Delete(j);
		return;
	}
	keyed_init(&k, q, &who, tkt_render, &ctx);
	rc = desk_printed(a->desk, &who, id, &pr, q->now, &t, &ev, err, sizeof err);
	cJSON_Delete(j);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
}

static void
post_reprint(struct api *a, const struct api_req *q, const struct who *w, int64_t id,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct desk_events ev;
	struct ticket t;
	struct tkt_ctx ctx = { a, &t, q->now, 1 };
	struct keyed k;
	char err[200];
	int rc;

	if (need_kiosk_or_staff(q, w, 2, r))
		return;
	keyed_init(&k, q, &who, tkt_render, &ctx);
	rc = desk_reprint(a->desk, &who, id, q->now, &t, &ev, err, sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
}

static void
post_holder_check(struct api *a, const struct api_req *q, const struct who *w, int64_t id,
    struct api_resp *r)
{
	struct desk_holder_check hc;
	const char *doc;
	char err[200];
	cJSON *j, *o;
	int bad = 0, rc;

	if (need_staff(q, w, 1, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	doc = str_field(j, "document", HOLDER_TYPED_MAX, &bad, r);
	if (!bad) {
		rc = desk_holder_check(a->desk, id, doc, q->now, &hc, err, sizeof err);
		if (rc != DK_OK) {
			desk_fail(r, rc, err);
		} else {
			o = cJSON_CreateObject();
			cJSON_AddBoolToObject(o, "match", hc.match);
			cJSON_AddBoolToObject(o, "bound", hc.bound);
			cJSON_AddStringToObject(o, "number", hc.number);
			reply(r, 200, o);
		}
	}
	cJSON_Delete(j);
}

static void
ticket_routes(struct api *a, const struct api_req *q, const struct who *w, const char *path,
    struct api_resp *r)
{
	const char *rest;
	int64_t id = path_id(path, &rest);
	struct ticket t;
	char err[200];
	int rc;

	if (id < 0) {
		fail(r, 404, "not_found", "no such ticket: '%.20s'", path);
		return;
	}
	if (*rest == '\0') {
		if (strcmp(q->method, "GET") != 0) {
			fail(r, 405, "method", "use GET on a ticket");
			return;
		}
		/* Ids are sequential: only kiosks and staff may read tickets. */
		if (need_kiosk_or_staff(q, w, 1, r))
			return;
		if ((rc = desk_ticket(a->desk, id, q->now, &t, err, sizeof err)) != DK_OK)
			desk_fail(r, rc, err);
		else
			reply(r, 200, ticket_json(a->site, &t));
		return;
	}
	if (strcmp(q->method, "POST") != 0)
		fail(r, 405, "method", "use POST");
	else if (!strcmp(rest, "/printed"))
		post_printed(a, q, w, id, r);
	else if (!strcmp(rest, "/reprint"))
		post_reprint(a, q, w, id, r);
	else if (!strcmp(rest, "/holder-check"))
		post_holder_check(a, q, w, id, r);
	else
		fail(r, 404, "not_found", "unknown ticket action '%s'", rest + 1);
}

static void
empty_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	(void)arg;
	if (rc != DK_OK)
		desk_fail(r, rc, err);
	else
		reply(r, 200, cJSON_CreateObject());
}

static void
attestation_routes(struct api *a, const struct api_req *q, const struct who *w, const char *path,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct keyed k;
	struct desk_events ev;
	struct desk_print pr;
	const char *rest;
	int64_t id = path_id(path, &rest);
	char err[200];
	cJSON *j = NULL;
	int rc;

	if (strcmp(rest, "/printed") != 0) {
		fail(r, 404, "not_found", "expected /api/v1/attestations/{id}/printed");
		return;
	}
	if (id < 0) {
		fail(r, 404, "not_found", "no such attestation");
		return;
	}
	if (strcmp(q->method, "POST") != 0) {
		fail(r, 405, "method", "use POST");
		return;
	}
	if (need_kiosk_or_staff(q, w, 1, r) || print_report(q, r, &j, &pr)) {
		cJSON_Delete(j);
		return;
	}
	keyed_init(&k, q, &who, empty_render, NULL);
	rc = desk_attestation_printed(a->desk, &who, id, &pr, q->now, &ev, err, sizeof err);
	cJSON_Delete(j);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
}

/* -- counters ----------------------------------------------------------------------- */

static void
get_counters(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct counter_view cv[SITE_MAX_COUNTERS];
	char err[200];
	int i, n;
	cJSON *j, *arr;

	if (need_staff(q, w, 1, r))
		return;
	if ((n = desk_counters(a->desk, cv, SITE_MAX_COUNTERS, err, sizeof err)) < 0) {
		desk_fail(r, n, err);
		return;
	}
	j = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(j, "counters");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, counter_json(a->site, &cv[i]));
	reply(r, 200, j);
}

struct counter_ctx {
	struct api *a;
	const struct counter_view *cv;
	const struct ticket *finished;      /* the ticket a counter op finished... */
	const int *has_finished;            /* ...when this is set (NULL: not an op) */
};

/* The counter after a verb, with the ticket it finished, if any; a call
 * refused as not current names the ticket called there. */
static void
counter_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct counter_ctx *c = arg;
	cJSON *o;

	if (rc == DK_EMPTY) {
		r->status = 204;
		return;
	}
	if (rc == DK_NOT_CURRENT && c->cv->has_ticket) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "error", err);
		cJSON_AddStringToObject(o, "code", "not_current");
		cJSON_AddStringToObject(o, "current", c->cv->ticket.number);
		cJSON_AddItemToObject(o, "counter", counter_json(c->a->site, c->cv));
		reply(r, 409, o);
		return;
	}
	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	o = counter_json(c->a->site, c->cv);
	if (c->has_finished && *c->has_finished)
		cJSON_AddItemToObject(o, "finished", ticket_json(c->a->site, c->finished));
	reply(r, 200, o);
}

/* The optional "current" of a call: a ticket number, "" or null for none;
 * NULL with *bad set (and the response) when it is not one. */
static const char *
current_field(cJSON *j, int *bad, struct api_resp *r)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "current");
	const char *s;
	size_t n;

	if (v == NULL || cJSON_IsNull(v))
		return "";
	if ((s = str_field(j, "current", 11, bad, r)) == NULL)
		return NULL;
	n = strlen(s);
	if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != n) {
		fail(r, 400, "bad_request", "'current' must be the ticket number you see called "
		    "here (\"A012\"), or null");
		*bad = 1;
		return NULL;
	}
	return s;
}

static int
counter_verb(struct api *a, const struct api_req *q, const struct who *w, int n,
    const char *action, cJSON *j, struct api_resp *r)
{
	static const struct {
		const char *name;       /* the action in the path */
		enum desk_op op;
		const char *arg;        /* its body field, if any */
		size_t maxlen;          /* and that field's longest value */
	} ops[] = {
		{ "recall", DO_RECALL, NULL, 0 }, { "no-show", DO_NO_SHOW, NULL, 0 },
		{ "done", DO_DONE, "outcome", 24 }, { "transfer", DO_TRANSFER, "service", 1 },
		{ "pause", DO_PAUSE, NULL, 0 }, { "resume", DO_RESUME, NULL, 0 },
		{ "open", DO_OPEN, NULL, 0 }, { "close", DO_CLOSE, NULL, 0 },
	};
	struct desk_actor who = actor(w);
	struct desk_events ev;
	struct counter_view cv;
	struct ticket fin;
	struct counter_ctx ctx = { a, &cv, &fin, NULL };
	struct keyed k;
	const char *arg = NULL, *number, *reason, *current;
	char err[200];
	int bad = 0, rc, has = 0;
	size_t i;

	keyed_init(&k, q, &who, counter_render, &ctx);
	if (!strcmp(action, "call-next")) {
		if ((current = current_field(j, &bad, r)) == NULL)
			return 0;
		rc = desk_call_next(a->desk, &who, n, current, q->now, &cv, &ev, err, sizeof err);
	} else if (!strcmp(action, "call")) {
		number = str_field(j, "number", 10, &bad, r);
		reason = str_field(j, "reason", 200, &bad, r);
		if (bad || (current = current_field(j, &bad, r)) == NULL)
			return 0;
		rc = desk_call_number(a->desk, &who, n, current, number, reason, q->now, &cv, &ev,
		    err, sizeof err);
	} else {
		for (i = 0; i < sizeof ops / sizeof ops[0] && strcmp(action, ops[i].name); i++)
			;
		if (i == sizeof ops / sizeof ops[0])
			return -1;
		if (ops[i].arg && ((arg = str_field(j, ops[i].arg, ops[i].maxlen, &bad, r)), bad))
			return 0;
		/* Optional here: the ticket acted on must be the one named. */
		current = NULL;
		if (cJSON_GetObjectItemCaseSensitive(j, "current") &&
		    (current = current_field(j, &bad, r)) == NULL)
			return 0;
		/* The finished ticket is in the answer: fin and has are filled
		 * inside the transaction, before the answer is rendered. */
		ctx.has_finished = &has;
		rc = desk_counter_op(a->desk, &who, n, ops[i].op, arg, current, q->now, &cv, &fin,
		    &has, &ev, err, sizeof err);
	}
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
	return 0;
}

static void
counter_routes(struct api *a, const struct api_req *q, const struct who *w, const char *path,
    struct api_resp *r)
{
	const char *rest;
	int64_t n = path_id(path, &rest);
	cJSON *j;

	if (need_staff(q, w, 1, r))
		return;
	if (*rest == '\0' && rest != path && n >= 0 && strcmp(q->method, "PATCH") == 0) {
		counter_patch(a, q, w, (int)n, r);
		return;
	}
	if (*rest != '/' || rest == path) {
		fail(r, 404, "not_found", "expected /api/v1/counters/{n}/{action}");
		return;
	}
	if (n < 0 || !site_counter(a->site, (int)n)) {
		fail(r, 404, "not_found", "no counter %.*s", (int)(rest - path > 8 ? 8 : rest - path),
		    path);
		return;
	}
	if (strcmp(q->method, "POST") != 0) {
		fail(r, 405, "method", "use POST");
		return;
	}
	if ((j = parse_body(q, r, 0)) == NULL)
		return;
	if (counter_verb(a, q, w, (int)n, rest + 1, j, r) < 0)
		fail(r, 404, "not_found", "unknown counter action '%s'", rest + 1);
	cJSON_Delete(j);
}

/* -- the board, alerts, checks ----------------------------------------------------------- */

static void
get_board(struct api *a, const struct api_req *q, struct api_resp *r)
{
	struct call_view calls[5];
	struct service_stat ss[SITE_MAX_SERVICES];
	char err[200], now[32];
	int i, n, k;
	cJSON *j, *arr;
	int64_t last = bus_last(a->bus);

	if ((n = desk_recent_calls(a->desk, q->now, calls, 5, err, sizeof err)) < 0 ||
	    (k = desk_services(a->desk, q->now, ss, SITE_MAX_SERVICES, err, sizeof err)) < 0) {
		fail(r, 503, "unavailable", "%s", err);
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "site", site_json(a->site, q->now));
	queue_rfc3339(q->now, now);
	cJSON_AddStringToObject(j, "time", now);
	cJSON_AddNumberToObject(j, "last_event", (double)last);
	arr = cJSON_AddArrayToObject(j, "calls");
	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		call_fields(o, &calls[i]);
		cJSON_AddNumberToObject(o, "event", (double)calls[i].event);
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddItemToObject(j, "services", services_json(a->site, ss, k, 0, SF_BOARD));
	cJSON_AddItemToObject(j, "notices", notices_public_json(a, q->now, NOTICE_BOARD));
	cJSON_AddItemToObject(j, "draws", draws_board_json(a, q->now));
	reply(r, 200, j);
}

static void
get_alerts(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct alert al[50];
	char err[200];
	int i, n;
	cJSON *j, *arr;

	if (need_staff(q, w, 1, r))
		return;
	if ((n = desk_alerts(a->desk, q->now, al, 50, err, sizeof err)) < 0) {
		desk_fail(r, n, err);
		return;
	}
	j = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(j, "alerts");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, alert_json(&al[i]));
	reply(r, 200, j);
}

static cJSON *
slip_json(const struct slip *s)
{
	cJSON *f = cJSON_CreateObject();
	char num[16];

	cJSON_AddStringToObject(f, "site", s->site);
	cJSON_AddStringToObject(f, "date", s->date);
	cJSON_AddStringToObject(f, "service", s->service);
	snprintf(num, sizeof num, "%s%03d", s->service, s->number);
	cJSON_AddStringToObject(f, "number", num);
	cJSON_AddStringToObject(f, "kind", s->kind == SLIP_ATTESTATION ? "attestation" : "ticket");
	cJSON_AddStringToObject(f, "time", s->time);
	cJSON_AddStringToObject(f, "device", s->device);
	cJSON_AddNumberToObject(f, "serial", (double)s->serial);
	if (s->kind == SLIP_ATTESTATION) {
		cJSON_AddNumberToObject(f, "attempt", s->attempt);
		cJSON_AddStringToObject(f, "first_date", s->first_date);
		cJSON_AddNumberToObject(f, "weeks", s->weeks);
	}
	return f;
}

static void
post_verify(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct desk_verdict vd;
	const char *payload;
	char err[200];
	cJSON *j, *o;
	int bad = 0, rc;

	if (need_staff(q, w, 1, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	payload = str_field(j, "payload", 400, &bad, r);
	if (bad)
		goto out;
	if (!payload) {
		fail(r, 400, "bad_request", "'payload' is required");
		goto out;
	}
	if ((rc = desk_verify(a->desk, payload, q->now, &vd, err, sizeof err)) != DK_OK) {
		desk_fail(r, rc, err);
		goto out;
	}
	o = cJSON_CreateObject();
	if (vd.have_ticket)
		cJSON_AddItemToObject(o, "ticket", ticket_json(a->site, &vd.ticket));
	else if (!strcmp(vd.result, "forged") && vd.verdict == SLIP_VALID)
		cJSON_AddStringToObject(o, "detail", "signature valid but no such ticket here");
	cJSON_AddStringToObject(o, "result", vd.result);
	cJSON_AddStringToObject(o, "message", slip_verdict_str(vd.verdict));
	if (vd.have_slip)
		cJSON_AddItemToObject(o, "slip", slip_json(&vd.slip));
	reply(r, 200, o);
out:
	cJSON_Delete(j);
}

/* -- sessions --------------------------------------------------------------------------- */

/* The slot of (login, addr), lock held: NULL when there is none and not
 * `create`. Slots idle for LOGIN_FORGET are freed on the way. */
static struct login_fail *
throttle_slot(struct api *a, const char *login, const char *addr, int64_t now, int create)
{
	struct login_fail *f, *victim = NULL;
	int i;

	for (i = 0; i < NFAIL; i++) {
		f = &a->fails[i];
		if (f->login[0] && now - f->last >= LOGIN_FORGET && now >= f->until)
			f->login[0] = '\0';
		if (f->login[0] && !strcmp(f->login, login) && !strcmp(f->addr, addr))
			return f;
		if (victim == NULL || (victim->login[0] && (!f->login[0] || f->last < victim->last)))
			victim = f;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof *victim);
	snprintf(victim->login, sizeof victim->login, "%s", login);
	snprintf(victim->addr, sizeof victim->addr, "%s", addr);
	return victim;
}

/* Seconds (lock taken here) before login may try again from addr; 0: now. */
int
throttle_wait(struct api *a, const char *login, const char *addr, int64_t now)
{
	struct login_fail *f;
	int wait = 0;

	pthread_mutex_lock(&a->lock);
	if ((f = throttle_slot(a, login, addr, now, 0)) != NULL && f->until > now)
		wait = (int)(f->until - now);
	pthread_mutex_unlock(&a->lock);
	return wait;
}

/* Count a failure: the delay it starts (0: none yet), and the count. */
int
throttle_fail(struct api *a, const char *login, const char *addr, int64_t now, int *count)
{
	struct login_fail *f;
	int delay = 0, k;

	pthread_mutex_lock(&a->lock);
	f = throttle_slot(a, login, addr, now, 1);
	f->count++;
	f->last = now;
	if (f->count >= LOGIN_FREE_FAILS) {
		k = f->count - LOGIN_FREE_FAILS;
		delay = k >= 9 ? LOGIN_DELAY_MAX : 2 << k;
		if (delay > LOGIN_DELAY_MAX)
			delay = LOGIN_DELAY_MAX;
		f->until = now + delay;
	}
	*count = f->count;
	pthread_mutex_unlock(&a->lock);
	return delay;
}

void
throttle_clear(struct api *a, const char *login, const char *addr, int64_t now)
{
	struct login_fail *f;

	pthread_mutex_lock(&a->lock);
	if ((f = throttle_slot(a, login, addr, now, 0)) != NULL)
		f->login[0] = '\0';
	pthread_mutex_unlock(&a->lock);
}

static void
post_login(struct api *a, const struct api_req *q, struct api_resp *r)
{
	const char *login, *pw, *client = q->client ? q->client : "?";
	char role[16], err[200], secret[80], csrf[80];
	struct desk_events ev;
	cJSON *j, *o;
	int bad = 0, rc, wait, count, must_change;

	if ((j = parse_body(q, r, 1)) == NULL)
		return;
	login = str_field(j, "login", 40, &bad, r);
	pw = str_field(j, "password", 200, &bad, r);
	if (bad)
		goto out;
	if (!login || !pw) {
		fail(r, 400, "bad_request", "'login' and 'password' are required");
		goto out;
	}
	if ((wait = throttle_wait(a, login, client, q->now)) > 0) {
		fail(r, 429, "throttled", "too many failed logins for this login from this address: "
		    "try again in %d s", wait);
		r->retry_after = wait;
		goto out;
	}
	rc = desk_login(a->desk, login, pw, client, q->now, SESSION_TTL, role, &must_change, secret,
	    csrf, err, sizeof err);
	if (rc == DK_DENIED) {
		log_warnx("api: failed login for '%s' from %s", login, client);
		desk_login_failed(a->desk, login, client, q->now);
		if ((wait = throttle_fail(a, login, client, q->now, &count)) > 0 &&
		    desk_login_throttled(a->desk, login, client, count, wait, q->now, &ev) == DK_OK)
			publish(a, &ev, q->now);
		fail(r, 401, "denied", "wrong login or password");
		goto out;
	}
	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		goto out;
	}
	throttle_clear(a, login, client, q->now);
	snprintf(r->set_cookie, sizeof r->set_cookie,
	    "kiosk_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", secret, SESSION_TTL,
	    q->secure ? "; Secure" : "");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "login", login);
	cJSON_AddStringToObject(o, "role", role);
	cJSON_AddStringToObject(o, "csrf", csrf);
	cJSON_AddBoolToObject(o, "must_change", must_change);
	reply(r, 200, o);
	log_info("api: %s logged in from %s%s", login, client,
	    must_change ? " (must choose a new password)" : "");
out:
	sodium_memzero(secret, sizeof secret);
	cJSON_Delete(j);
}

static void
get_session(const struct who *w, struct api_resp *r)
{
	cJSON *o;

	if (!w->session) {
		fail(r, 401, "denied", "not logged in");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "login", w->name);
	cJSON_AddStringToObject(o, "role", w->role);
	cJSON_AddStringToObject(o, "csrf", w->csrf);
	cJSON_AddBoolToObject(o, "must_change", w->must_change);
	reply(r, 200, o);
}

static void
post_logout(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	char secret[128], err[200];

	if (w->session && need_staff(q, w, 1, r))
		return;
	if (q->cookie && cookie_value(q->cookie, "kiosk_session", secret, sizeof secret))
		desk_logout(a->desk, secret, err, sizeof err);
	snprintf(r->set_cookie, sizeof r->set_cookie,
	    "kiosk_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	reply(r, 200, cJSON_CreateObject());
}

/* A time in RFC 3339, or null for 0. */
static cJSON *
time_or_null(int64_t unix_s)
{
	char t[32];

	if (unix_s <= 0)
		return cJSON_CreateNull();
	queue_rfc3339(unix_s, t);
	return cJSON_CreateString(t);
}

#define HEALTH_DISK_LOW (256ull << 20)   /* below this free, or 2 %: degraded */
#define HEALTH_PRINTERS 64

/* The storage part of /health; adds its problems, and says if it fails. */
static int
health_storage(struct api *a, cJSON *o, cJSON *problems)
{
	struct store_health h;
	cJSON *s = cJSON_AddObjectToObject(o, "storage"), *f;
	int failing = 0;

	desk_health(a->desk, &h);
	cJSON_AddStringToObject(s, "file", h.file_ok ? "ok" : h.file_err);
	cJSON_AddBoolToObject(s, "writable", h.writable);
	if (!h.writable)
		cJSON_AddStringToObject(s, "write_error", h.write_err);
	cJSON_AddNumberToObject(s, "free_bytes", (double)h.disk_free);
	cJSON_AddNumberToObject(s, "total_bytes", (double)h.disk_total);
	cJSON_AddItemToObject(s, "last_commit", time_or_null(h.last_commit / 1000));
	if (h.last_failure > 0) {
		f = cJSON_AddObjectToObject(s, "last_failure");
		cJSON_AddItemToObject(f, "at", time_or_null(h.last_failure / 1000));
		cJSON_AddStringToObject(f, "reason", h.last_error);
	} else {
		cJSON_AddNullToObject(s, "last_failure");
	}
	if (!h.file_ok) {
		cJSON_AddItemToArray(problems, cJSON_CreateString(h.file_err));
		failing = 1;
	}
	if (!h.writable) {
		cJSON_AddItemToArray(problems, cJSON_CreateString(h.write_err));
		failing = 1;
	}
	if (h.last_failure > h.last_commit) {
		cJSON_AddItemToArray(problems, cJSON_CreateString(h.last_error));
		failing = 1;
	}
	if (h.disk_total && (h.disk_free < HEALTH_DISK_LOW || h.disk_free < h.disk_total / 50))
		cJSON_AddItemToArray(problems, cJSON_CreateString("the disk is almost full"));
	cJSON_AddStringToObject(o, "db", failing ? cJSON_GetArrayItem(problems, 0)->valuestring :
	    "ok");
	return failing;
}

/* The printers part: what each kiosk's printer said last. */
static void
health_printers(struct api *a, cJSON *o, cJSON *problems)
{
	struct device_printer *p = calloc(HEALTH_PRINTERS, sizeof *p);
	cJSON *arr = cJSON_AddArrayToObject(o, "printers"), *e;
	char err[200];
	int i, n = p ? desk_printers(a->desk, p, HEALTH_PRINTERS, err, sizeof err) : -1;

	if (n < 0)
		cJSON_AddItemToArray(problems, cJSON_CreateString(p ? err : "out of memory"));
	for (i = 0; i < n; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "kiosk", p[i].name);
		cJSON_AddStringToObject(e, "status", p[i].status[0] ? p[i].status : "unknown");
		cJSON_AddStringToObject(e, "reason", p[i].reason);
		cJSON_AddItemToObject(e, "at", time_or_null(p[i].at));
		cJSON_AddItemToArray(arr, e);
		if (!strcmp(p[i].status, "failed")) {
			char line[300];
			snprintf(line, sizeof line, "the printer of %s failed: %s", p[i].name,
			    p[i].reason[0] ? p[i].reason : "no reason given");
			cJSON_AddItemToArray(problems, cJSON_CreateString(line));
		}
	}
	free(p);
}

/*
 * GET /api/v1/health: what a supervisor needs. 200 with "ok" or "degraded"
 * (the disk almost full, a kiosk's printer failed), 503 with "failing" when
 * tickets cannot be kept: the file damaged or gone, the disk refusing
 * writes, or the last write failed.
 */
static void
get_health(struct api *a, const struct api_req *q, struct api_resp *r)
{
	cJSON *o = cJSON_CreateObject(), *problems = cJSON_CreateArray();
	char now[32];
	int failing;

	queue_rfc3339(q->now, now);
	cJSON_AddStringToObject(o, "version", "1.0.0");
	cJSON_AddStringToObject(o, "site", a->site->id);
	cJSON_AddStringToObject(o, "time", now);
	failing = health_storage(a, o, problems);
	health_printers(a, o, problems);
	cJSON_AddStringToObject(o, "status", failing ? "failing" :
	    cJSON_GetArraySize(problems) ? "degraded" : "ok");
	cJSON_AddItemToObject(o, "problems", problems);
	reply(r, failing ? 503 : 200, o);
}

/* -- routing ---------------------------------------------------------------------------- */

#define ROUTE(m, p) (!strcmp(q->method, m) && !strcmp(path, p))
#define PREFIX(p) (!strncmp(path, p, sizeof p - 1))

void
api_handle(struct api *a, const struct api_req *q, struct api_resp *r)
{
	static const char *const get_or_post[] = { "/api/v1/health", "/api/v1/services",
		"/api/v1/tickets", "/api/v1/board", "/api/v1/login", "/api/v1/counters",
		"/api/v1/closures", "/api/v1/devices", "/api/v1/users", "/api/v1/password",
		"/api/v1/notices" };
	struct who w;
	const char *path = q->path;
	size_t i;

	memset(r, 0, sizeof *r);
	if (!PREFIX("/api/v1/")) {
		fail(r, 404, "not_found", "no route %s", path);
		return;
	}
	if (identify(a, q, &w, r) < 0) {
		/* A session cookie that no longer works (revoked: the account was
		 * disabled or its password reset): the browser is told to drop it,
		 * and it does not stand in the way of logging in again. */
		if (!w.session || r->status != 401)
			return;
		if (!ROUTE("POST", "/api/v1/login")) {
			snprintf(r->set_cookie, sizeof r->set_cookie,
			    "kiosk_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
			return;
		}
		free(r->body);
		memset(r, 0, sizeof *r);
		memset(&w, 0, sizeof w);
	}
	if (q->idem_key && strcmp(q->method, "GET") != 0 && !desk_request_key_valid(q->idem_key)) {
		fail(r, 400, "bad_key", "the Idempotency-Key header must be 1 to 64 letters, digits, "
		    "'_', '-', '.' or ':'");
		return;
	}
	/* A password someone else chose: nothing but choosing one's own until
	 * then (and logging out, asking who one is, logging in again, and what
	 * anyone may read: the board and the kiosks' menu in another tab). */
	if (w.must_change && !ROUTE("POST", "/api/v1/password") &&
	    !ROUTE("POST", "/api/v1/logout") && !ROUTE("GET", "/api/v1/session") &&
	    !ROUTE("POST", "/api/v1/login") && !ROUTE("GET", "/api/v1/health") &&
	    !ROUTE("GET", "/api/v1/services") && !ROUTE("GET", "/api/v1/board") &&
	    !ROUTE("GET", "/api/v1/stats")) {
		fail(r, 403, "password_change_required", "choose a new password first "
		    "(POST /api/v1/password)");
		return;
	}
	if (ROUTE("GET", "/api/v1/health"))
		get_health(a, q, r);
	else if (ROUTE("GET", "/api/v1/services"))
		get_services(a, q, r);
	else if (ROUTE("POST", "/api/v1/tickets"))
		post_ticket(a, q, &w, r);
	else if (PREFIX("/api/v1/tickets/"))
		ticket_routes(a, q, &w, path + 16, r);
	else if (ROUTE("GET", "/api/v1/counters"))
		get_counters(a, q, &w, r);
	else if (PREFIX("/api/v1/counters/"))
		counter_routes(a, q, &w, path + 17, r);
	else if (ROUTE("GET", "/api/v1/board"))
		get_board(a, q, r);
	else if (ROUTE("POST", "/api/v1/login"))
		post_login(a, q, r);
	else if (ROUTE("POST", "/api/v1/logout"))
		post_logout(a, q, &w, r);
	else if (ROUTE("GET", "/api/v1/session"))
		get_session(&w, r);
	else if (ROUTE("POST", "/api/v1/verify"))
		post_verify(a, q, &w, r);
	else if (PREFIX("/api/v1/attestations/"))
		attestation_routes(a, q, &w, path + 21, r);
	else if (ROUTE("GET", "/api/v1/alerts"))
		get_alerts(a, q, &w, r);
	else if (ROUTE("GET", "/api/v1/stats"))
		get_stats(a, q, r);
	else if (ROUTE("GET", "/api/v1/closures") || ROUTE("POST", "/api/v1/closures") ||
	    PREFIX("/api/v1/closures/"))
		closure_routes(a, q, &w, path + 16, r);
	else if (ROUTE("GET", "/api/v1/devices") || ROUTE("POST", "/api/v1/devices") ||
	    PREFIX("/api/v1/devices/"))
		device_routes(a, q, &w, path + 15, r);
	else if (ROUTE("GET", "/api/v1/users") || ROUTE("POST", "/api/v1/users") ||
	    PREFIX("/api/v1/users/"))
		user_routes(a, q, &w, path + 13, r);
	else if (ROUTE("POST", "/api/v1/password"))
		post_password(a, q, &w, r);
	else if (ROUTE("GET", "/api/v1/notices") || ROUTE("POST", "/api/v1/notices") ||
	    PREFIX("/api/v1/notices/"))
		notice_routes(a, q, &w, path + 15, r);
	else if (PREFIX("/api/v1/services/"))
		service_routes(a, q, &w, path + 17, r);
	else if (!strcmp(path, "/api/v1/convocations") || PREFIX("/api/v1/convocations/"))
		convocation_routes(a, q, &w, path + 20, r);
	else if (!strcmp(path, "/api/v1/appointments") || PREFIX("/api/v1/appointments/"))
		appointment_routes(a, q, &w, path + 20, r);
	else if (!strcmp(path, "/api/v1/draws") || PREFIX("/api/v1/draws/"))
		draw_routes(a, q, &w, path + 13, r);
	else if (PREFIX("/api/v1/requests/") && !strcmp(q->method, "GET"))
		get_request(a, q, &w, path + 17, r);
	else {
		for (i = 0; i < sizeof get_or_post / sizeof get_or_post[0]; i++)
			if (!strcmp(path, get_or_post[i])) {
				fail(r, 405, "method", "method %s not allowed on %s", q->method, path);
				return;
			}
		fail(r, 404, "not_found", "no route %s %s", q->method, path);
	}
}

int
api_stream_access(struct api *a, const struct api_req *q)
{
	struct who w;
	struct api_resp r;

	memset(&r, 0, sizeof r);
	if (identify(a, q, &w, &r) < 0) {
		free(r.body);
		return -1;
	}
	return w.level > 0 && !w.must_change;
}

int
api_tick(struct api *a, int64_t now)
{
	struct desk_events ev;
	char err[200], day[11];

	if (desk_close_day(a->desk, now, &ev, err, sizeof err) < 0)
		log_warnx("api: end of day: %s", err);
	publish(a, &ev, now);
	/* The site file's draw windows (docs/DRAW.md). */
	if (desk_draw_tick(a->desk, now, &ev, err, sizeof err) < 0)
		log_warnx("api: draws: %s", err);
	publish(a, &ev, now);
	/* Retention at start and once per local day. */
	queue_local_day(now, day);
	if (strcmp(day, a->retention_day) != 0) {
		if (desk_retention(a->desk, now, err, sizeof err) == DK_OK)
			snprintf(a->retention_day, sizeof a->retention_day, "%s", day);
		else
			log_warnx("api: retention: %s", err);
	}
	return 60;
}

/* Another server's events (desk_listen's thread): published here too. */
static void
heard(void *arg, const struct desk_events *ev)
{
	publish(arg, ev, (int64_t)time(NULL));
}

struct api *
api_new(struct desk *d, struct bus *bus)
{
	struct api *a = calloc(1, sizeof *a);

	if (a == NULL)
		return NULL;
	if ((a->site = desk_site(d)) == NULL) {
		free(a);
		return NULL;
	}
	a->desk = d;
	a->bus = bus;
	pthread_mutex_init(&a->lock, NULL);
	if (counts_start(a) != 0) {
		api_free(a);
		return NULL;
	}
	/* Several servers on one database: the others' events are ours too. */
	{
		char err[200];
		if (desk_listen(d, heard, a, err, sizeof err) != DK_OK) {
			log_warnx("api: %s", err);
			api_free(a);
			return NULL;
		}
	}
	return a;
}

void
api_free(struct api *a)
{
	if (a == NULL)
		return;
	desk_unlisten(a->desk);
	counts_stop(a);
	pthread_mutex_destroy(&a->lock);
	free(a);
}
