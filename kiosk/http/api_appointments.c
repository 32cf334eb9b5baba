/*
 * api_appointments: appointments booked online (issue #12; docs/API.md
 * "Appointments"):
 *
 *   POST /api/v1/appointments/webhook   a booking system, signed (HMAC-SHA256)
 *   POST /api/v1/appointments           a manager or an admin
 *   GET  /api/v1/appointments?day=      staff
 *   POST /api/v1/appointments/checkin   a kiosk (device key)
 *   POST /api/v1/appointments/{id}/checkin   staff, by hand, with a reason
 *
 * Routing, authentication and JSON only: the bodies are read by the io
 * layer's one reader (io/appt_in.h: our JSON, or RDV Service Public's
 * payload), and the desk checks, stores and audits (desk/appointments.c).
 *
 * The webhook is authenticated by the signature of its raw body under the
 * site file's [appointments] webhook_secret, compared in constant time,
 * before anything else is looked at: a wrong or missing signature gets 401
 * and nothing is parsed, stored or logged to the database. The secret is
 * never in an answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/holder.h"
#include "core/log.h"
#include "core/queue.h"
#include "http/api_int.h"
#include "io/appt_in.h"

/* -- JSON -------------------------------------------------------------------------------- */

static void
add_char(cJSON *j, const char *key, char c)
{
	char s[2] = { c, 0 };

	cJSON_AddStringToObject(j, key, s);
}

/* An appointment as the staff see it (the keys of our own JSON, so that a
 * client may send back what it read): never the document number, only
 * whether there is one. */
static cJSON *
appt_json(const struct appt_row *a, int state)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "id", a->ext_id);
	add_char(j, "service", a->service);
	add_time(j, "start", a->start);
	cJSON_AddNumberToObject(j, "duration_min", a->duration_min);
	cJSON_AddStringToObject(j, "code", a->code);
	cJSON_AddStringToObject(j, "status", a->status == APPT_CANCELLED ? "cancelled" : "booked");
	if (a->lang[0])
		cJSON_AddStringToObject(j, "lang", a->lang);
	else
		cJSON_AddNullToObject(j, "lang");
	cJSON_AddBoolToObject(j, "holder", a->bound);
	add_time(j, "updated_at", a->updated_at);
	add_time(j, "checked_in_at", a->checked_in_at);
	if (a->ticket_number[0])
		cJSON_AddStringToObject(j, "ticket", a->ticket_number);
	else
		cJSON_AddNullToObject(j, "ticket");
	cJSON_AddStringToObject(j, "state", desk_appt_state_name(state));
	return j;
}

/* The short form a slip's answer carries. */
static cJSON *
appt_ref_json(const char *id, int64_t start, int duration_min)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "id", id);
	add_time(j, "start", start);
	if (duration_min > 0)
		cJSON_AddNumberToObject(j, "duration_min", duration_min);
	return j;
}

static const char *
outcome_name(enum desk_appt_outcome o)
{
	static const char *const names[] = {
		[DA_CREATED] = "created", [DA_UPDATED] = "updated", [DA_CANCELLED] = "cancelled",
		[DA_UNCHANGED] = "unchanged", [DA_OLDER] = "ignored_older",
	};
	return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "?";
}

/* -- the webhook --------------------------------------------------------------------------- */

/* The signature the caller sent, as 32 bytes: RDV Service Public's
 * "X-Lapin-Signature: <hex>" or the generic "X-Signature: sha256=<hex>".
 * 0, or -1 when there is none or it is not 64 hex digits. */
static int
sent_signature(const struct api_req *q, unsigned char out[32])
{
	const char *hex = NULL;
	size_t len;

	if (q->lapin_signature)
		hex = q->lapin_signature;
	else if (q->signature && strncasecmp(q->signature, "sha256=", 7) == 0)
		hex = q->signature + 7;
	if (hex == NULL)
		return -1;
	while (*hex == ' ' || *hex == '\t')
		hex++;
	len = strlen(hex);
	while (len > 0 && (hex[len - 1] == ' ' || hex[len - 1] == '\t'))
		len--;
	if (len != 64 || sodium_hex2bin(out, 32, hex, len, NULL, &len, NULL) != 0 || len != 32)
		return -1;
	return 0;
}

/* 1 when the request carries HMAC-SHA256(secret, raw body), else 0. */
static int
signed_by(const struct api_req *q, const char *secret)
{
	crypto_auth_hmacsha256_state h;
	unsigned char want[32], got[32];
	int ok;

	if (!secret[0] || sent_signature(q, got) != 0)
		return 0;
	crypto_auth_hmacsha256_init(&h, (const unsigned char *)secret, strlen(secret));
	if (q->body_len)
		crypto_auth_hmacsha256_update(&h, (const unsigned char *)q->body, q->body_len);
	crypto_auth_hmacsha256_final(&h, want);
	ok = sodium_memcmp(want, got, sizeof want) == 0;
	sodium_memzero(&h, sizeof h);
	sodium_memzero(want, sizeof want);
	return ok;
}

/* "application/json", any case, with parameters or not. */
static int
json_body(const struct api_req *q)
{
	const char *t = q->content_type;
	size_t n = strlen("application/json");

	if (t == NULL)
		return 0;
	while (*t == ' ' || *t == '\t')
		t++;
	return strncasecmp(t, "application/json", n) == 0 && (t[n] == '\0' || t[n] == ';' ||
	    t[n] == ' ');
}

struct put_ctx {
	enum desk_appt_outcome outcome;
	struct appt_row row;
	int64_t now;
	int webhook;            /* 1: the webhook's short answer */
	int ignored;            /* 1: a payload about something else (webhook) */
};

static void
put_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct put_ctx *c = arg;
	cJSON *o;

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	if (c->webhook) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "status", c->ignored ? "ignored" :
		    c->outcome == DA_UNCHANGED ? "unchanged" : c->outcome == DA_OLDER ?
		    "ignored_older" : "stored");
		if (!c->ignored)
			cJSON_AddStringToObject(o, "id", c->row.ext_id);
		reply(r, 200, o);
		return;
	}
	o = appt_json(&c->row, desk_appt_state(&c->row, c->now));
	cJSON_AddStringToObject(o, "outcome", outcome_name(c->outcome));
	/* 201 for a new booked appointment; 200 for anything else (one that
	 * came in cancelled too: there is nothing to come to). */
	reply(r, c->outcome == DA_CREATED ? 201 : 200, o);
}

/* Read the body into in (a booking's JSON) and store it: the webhook's
 * and the staff's route alike, after their own checks. */
static void
put_body(struct api *a, const struct api_req *q, struct desk_actor *who, const char *source,
    struct put_ctx *ctx, struct api_resp *r)
{
	struct appt_in in;
	struct keyed k;
	char err[300];
	int n, rc;

	/* RDV Service Public's motifs map onto our services by the site's
	 * table ([appointments] rdv_services), else by their "[A]" prefix. */
	memset(&in, 0, sizeof in);
	n = appt_json_parse_map(q->body ? q->body : "", q->body_len, a->site->appt.rdv_services,
	    &in, err, sizeof err);
	if (n < 0) {
		sodium_memzero(&in, sizeof in);
		fail(r, 400, "bad_request", "%s", err);
		return;
	}
	if (n == 0) {
		/* Valid, but not about an appointment we take. */
		ctx->ignored = 1;
		put_render(ctx, DK_OK, "", r);
		return;
	}
	keyed_init(&k, q, who, put_render, ctx);
	rc = desk_appt_put(a->desk, who, source, &in, 1, q->now, &ctx->outcome, &ctx->row, NULL,
	    err, sizeof err);
	sodium_memzero(&in, sizeof in);
	keyed_reply(&k, rc, err, r);
}

static void
post_webhook(struct api *a, const struct api_req *q, struct api_resp *r)
{
	struct desk_actor who = { "webhook", 0, NULL };
	struct put_ctx ctx = { .now = q->now, .webhook = 1 };

	if (!signed_by(q, a->site->appt.webhook_secret)) {
		log_warnx("api: webhook from %s refused: %s", q->client ? q->client : "?",
		    !a->site->appt.webhook_secret[0] ? "no webhook_secret in the site file" :
		    q->lapin_signature || q->signature ? "wrong signature" : "no signature");
		fail(r, 401, "bad_signature", a->site->appt.webhook_secret[0] ? "missing or wrong "
		    "signature: send the HMAC-SHA256 of the body, in hex, as 'X-Lapin-Signature: "
		    "<hex>' or 'X-Signature: sha256=<hex>'" : "this site takes no webhook "
		    "(no [appointments] webhook_secret in its site file)");
		return;
	}
	if (q->body_len == 0) {
		fail(r, 400, "bad_request", "a JSON body is required");
		return;
	}
	if (!json_body(q)) {
		fail(r, 415, "unsupported_media_type", "send the body as JSON, with the header "
		    "'Content-Type: application/json'");
		return;
	}
	put_body(a, q, &who, "webhook", &ctx, r);
}

/* -- staff ------------------------------------------------------------------------------------ */

static void
post_appointment(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct put_ctx ctx = { .now = q->now };
	cJSON *j;

	/* parse_body: the API's checks of every JSON body (type, size, UTF-8). */
	if (need_staff(q, w, 2, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	cJSON_Delete(j);
	put_body(a, q, &who, "staff", &ctx, r);
}

static void
get_appointments(struct api *a, const struct api_req *q, const struct who *w,
    struct api_resp *r)
{
	struct appt_view *v = NULL;
	char day[11], err[200];
	cJSON *j, *arr;
	int i, n;

	if (need_staff(q, w, 1, r))
		return;
	if (q->day) {
		if (!valid_day(q->day)) {
			fail(r, 400, "bad_request", "'day' must be a day YYYY-MM-DD");
			return;
		}
		snprintf(day, sizeof day, "%s", q->day);
	} else {
		queue_local_day(q->now, day);
	}
	if ((n = desk_appointments(a->desk, day, q->now, &v, err, sizeof err)) < 0) {
		desk_fail(r, n, err);
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "day", day);
	arr = cJSON_AddArrayToObject(j, "appointments");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, appt_json(&v[i].a, v[i].state));
	free(v);
	reply(r, 200, j);
}

/* -- check-in at the kiosk ---------------------------------------------------------------------- */

struct checkin_ctx {
	struct api *a;
	struct desk_checkin_out out;
	int64_t now;
	int staff;              /* 1: by hand: an unknown id is no "unknown_code" */
};

static void
checkin_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct checkin_ctx *c = arg;
	const struct desk_checkin_out *out = &c->out;
	const struct appt_row *ap = &out->appt;
	const struct ticket *t = &out->slip.ticket;
	cJSON *o;

	switch (rc) {
	case DK_OK:
		break;
	case DK_NOTFOUND:
		if (out->found || c->staff)
			desk_fail(r, rc, err);
		else
			fail(r, 404, "unknown_code", "%s", err);
		return;
	case DK_TOO_EARLY:
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "error", err);
		cJSON_AddStringToObject(o, "code", "too_early");
		add_time(o, "come_back_at", out->come_back_at);
		cJSON_AddItemToObject(o, "appointment", appt_ref_json(ap->ext_id, ap->start,
		    ap->duration_min));
		reply(r, 409, o);
		return;
	case DK_NOT_TODAY:
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "error", err);
		cJSON_AddStringToObject(o, "code", "not_today");
		cJSON_AddStringToObject(o, "date", ap->day);
		reply(r, 409, o);
		return;
	default:
		desk_fail(r, rc, err);
		return;
	}
	if (out->slip.kind == DS_ATTESTATION) {
		o = attestation_json(c->a->site, &out->slip.att, c->now);
		cJSON_AddBoolToObject(o, "late", out->late);
		cJSON_AddItemToObject(o, "appointment", appt_ref_json(ap->ext_id, ap->start, 0));
		reply(r, 201, o);
		return;
	}
	o = ticket_json(c->a->site, t);
	cJSON_AddStringToObject(o, "token", t->token);
	cJSON_AddBoolToObject(o, "duplicate", out->slip.kind == DS_DUPLICATE);
	if (t->appointment == 0) {
		/* Too late for the appointment: a walk-in's ticket. */
		cJSON_ReplaceItemInObjectCaseSensitive(o, "kind", cJSON_CreateString("walkin"));
		cJSON_AddBoolToObject(o, "late", 1);
		cJSON_AddItemToObject(o, "appointment", appt_ref_json(ap->ext_id, ap->start,
		    ap->duration_min));
	}
	cJSON_AddItemToObject(o, "site", site_json(c->a->site, c->now));
	reply(r, out->slip.kind == DS_DUPLICATE ? 200 : 201, o);
}

static void
post_checkin(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct checkin_ctx *ctx;
	struct desk_checkin in;
	struct desk_events ev;
	struct keyed k;
	char err[200];
	cJSON *j;
	int bad = 0, rc;

	if (!w->device) {
		fail(r, w->level ? 403 : 401, w->level ? "forbidden" : "denied", "only a kiosk's "
		    "device key may check an appointment in (send 'Authorization: Bearer "
		    "<device key>')");
		return;
	}
	if ((j = parse_body(q, r, 1)) == NULL)
		return;
	memset(&in, 0, sizeof in);
	in.code = str_field(j, "code", 64, &bad, r);
	in.token = str_field(j, "token", SLIP_PAYLOAD_MAX, &bad, r);
	in.lang = str_field(j, "lang", 11, &bad, r);
	in.holder = str_field(j, "holder", HOLDER_TYPED_MAX, &bad, r);
	if (bad)
		goto out;
	if ((in.code == NULL || !*in.code) == (in.token == NULL || !*in.token)) {
		fail(r, 400, "bad_request", "either 'code' (the code on the confirmation) or "
		    "'token' (a convocation slip's QR) is required, not both");
		goto out;
	}
	if (in.lang && !valid_lang(in.lang)) {
		fail(r, 400, "bad_request", "'lang' must be a language code such as \"fr\" or "
		    "\"fa-AF\"");
		goto out;
	}
	/* The slip is large (a ticket and an attestation): not on the stack
	 * of a server thread. */
	if ((ctx = calloc(1, sizeof *ctx)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		goto out;
	}
	ctx->a = a;
	ctx->now = q->now;
	keyed_init(&k, q, &who, checkin_render, ctx);
	rc = desk_checkin(a->desk, &who, &in, q->now, &ctx->out, &ev, err, sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
	free(ctx);
out:
	cJSON_Delete(j);
}

/* -- check-in by hand, at the desk ----------------------------------------------------------- */

static void
post_staff_checkin(struct api *a, const struct api_req *q, const struct who *w, const char *id,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct checkin_ctx *ctx;
	struct desk_events ev;
	struct keyed k;
	const char *reason;
	char err[300];
	cJSON *j;
	int bad = 0, rc;

	if (need_staff(q, w, 1, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	reason = str_field(j, "reason", 200, &bad, r);
	if (bad)
		goto out;
	if (reason == NULL || strlen(reason) < 3) {
		fail(r, 400, "bad_request", "'reason' is required (3 characters or more): why this "
		    "appointment is checked in by hand");
		goto out;
	}
	if ((ctx = calloc(1, sizeof *ctx)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		goto out;
	}
	ctx->a = a;
	ctx->now = q->now;
	ctx->staff = 1;
	keyed_init(&k, q, &who, checkin_render, ctx);
	rc = desk_checkin_staff(a->desk, &who, id, reason, q->now, &ctx->out, &ev, err, sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
	free(ctx);
out:
	cJSON_Delete(j);
}

/* -- routing ----------------------------------------------------------------------------------- */

void
appointment_routes(struct api *a, const struct api_req *q, const struct who *w, const char *rest,
    struct api_resp *r)
{
	if (!strcmp(rest, "")) {
		if (!strcmp(q->method, "GET"))
			get_appointments(a, q, w, r);
		else if (!strcmp(q->method, "POST"))
			post_appointment(a, q, w, r);
		else
			fail(r, 405, "method", "use GET or POST on /api/v1/appointments");
	} else if (!strcmp(rest, "/webhook") || !strcmp(rest, "/checkin")) {
		if (strcmp(q->method, "POST") != 0)
			fail(r, 405, "method", "use POST on /api/v1/appointments%s", rest);
		else if (rest[1] == 'w')
			post_webhook(a, q, r);
		else
			post_checkin(a, q, w, r);
	} else if (strlen(rest) > 9 && !strcmp(rest + strlen(rest) - 8, "/checkin")) {
		/* /{id}/checkin: the id as the list gives it, percent-encoded in
		 * the path (the server decodes it; an id may hold a '/'). */
		char id[APPT_ID_MAX];
		size_t n = strlen(rest) - 9;
		if (strcmp(q->method, "POST") != 0) {
			fail(r, 405, "method", "use POST on /api/v1/appointments/{id}/checkin");
			return;
		}
		if (n >= sizeof id) {
			fail(r, 404, "not_found", "no appointment with so long an id");
			return;
		}
		memcpy(id, rest + 1, n);
		id[n] = '\0';
		post_staff_checkin(a, q, w, id, r);
	} else {
		fail(r, 404, "not_found", "no route %s /api/v1/appointments%.40s", q->method, rest);
	}
}
