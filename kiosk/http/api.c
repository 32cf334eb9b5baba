/*
 * api: see api.h. Routing, validation, authentication and JSON shaping.
 * Every refusal is a 4xx with {"error": "<reason>"}; storage failures are
 * 503. Nothing here touches a socket or a file.
 */
#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/api.h"
#include "core/holder.h"
#include "core/log.h"
#include "core/queue.h"
#include "core/sign.h"

#define SESSION_TTL   (12 * 3600)   /* a working day */
#define LOGIN_WINDOW  300           /* seconds over which failures count */
#define LOGIN_MAX_FAIL 5            /* failures before 429 */
#define NFAIL 128

struct login_fail {
	char key[64];           /* "login" or "@address" */
	int count;              /* failures in the window */
	int64_t first;          /* start of the window */
};

struct api {
	struct store *st;               /* the database */
	struct bus *bus;                /* server-sent events */
	struct api_keys keys;           /* signing key */
	pthread_mutex_t lock;           /* guards fails; the site is read-only after start */
	struct site site;               /* the site, as loaded from the store */
	struct login_fail fails[NFAIL]; /* recent failed logins */
	char retention_day[11];         /* local day the retention job last ran */
	pthread_t counts_thread;        /* publishes `counts` events (publish_counts) */
	pthread_mutex_t counts_lock;    /* guards the three fields below */
	pthread_cond_t counts_cond;     /* signalled when counts change or on stop */
	int counts_dirty;               /* counts changed since the last event */
	int counts_stop;                /* api_free asks the thread to end */
	int64_t counts_now;             /* `now` of the latest change */
	int counts_started;             /* the thread runs */
};

/* Who is asking. */
struct who {
	int level;              /* 0 none, 1 agent, 2 manager, 3 admin; devices 0 */
	int device;             /* 1: a kiosk device key */
	int session;            /* 1: a browser session (needs CSRF on POST) */
	char name[48];          /* login or device name */
	char role[16];          /* agent, manager, admin, device */
	char csrf[80];          /* session's CSRF token */
};

/* -- responses ----------------------------------------------------------- */

static void
reply(struct api_resp *r, int status, cJSON *j)
{
	r->status = status;
	r->body = j ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
}

static void
fail(struct api_resp *r, int status, const char *code, const char *fmt, ...)
{
	cJSON *j = cJSON_CreateObject();
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(j, "error", msg);
	if (code)
		cJSON_AddStringToObject(j, "code", code);
	reply(r, status, j);
}

/* A store refusal as HTTP. */
static void
store_fail(struct api_resp *r, int rc, const char *err)
{
	switch (rc) {
	case ST_NOTFOUND: fail(r, 404, "not_found", "%s", err); break;
	case ST_CONFLICT: fail(r, 409, "conflict", "%s", err); break;
	case ST_CLOSED:   fail(r, 409, "closed", "%s", err); break;
	case ST_FULL:     fail(r, 409, "full", "%s", err); break;
	case ST_LIMIT:    fail(r, 409, "reprint_limit", "%s", err); break;
	case ST_DENIED:   fail(r, 401, "denied", "%s", err); break;
	default:          fail(r, 503, "unavailable", "%s", err[0] ? err : "storage failure"); break;
	}
}

static void
add_time(cJSON *j, const char *key, int64_t t)
{
	char buf[32];
	if (t <= 0) {
		cJSON_AddNullToObject(j, key);
		return;
	}
	queue_rfc3339(t, buf);
	cJSON_AddStringToObject(j, key, buf);
}

static cJSON *
names_json(const struct site_service *sv)
{
	cJSON *n = cJSON_CreateObject();
	int i;

	cJSON_AddStringToObject(n, "fr", sv->name);
	for (i = 0; i < sv->nnames; i++)
		cJSON_AddStringToObject(n, sv->names[i].lang, sv->names[i].name);
	return n;
}

static cJSON *
site_json(const struct site *s, int64_t now)
{
	cJSON *j = cJSON_CreateObject();
	int minute, wday;
	char hhmm[16];

	cJSON_AddStringToObject(j, "id", s->id);
	cJSON_AddStringToObject(j, "name", s->name);
	cJSON_AddBoolToObject(j, "open", queue_is_open(s, now));
	queue_local_minute(now, &minute, &wday);
	if (s->hours[wday].open_min >= 0) {
		snprintf(hhmm, sizeof hhmm, "%02d:%02d", s->hours[wday].open_min / 60,
		    s->hours[wday].open_min % 60);
		cJSON_AddStringToObject(j, "opens", hhmm);
		snprintf(hhmm, sizeof hhmm, "%02d:%02d", s->hours[wday].close_min / 60,
		    s->hours[wday].close_min % 60);
		cJSON_AddStringToObject(j, "closes", hhmm);
	} else {
		cJSON_AddNullToObject(j, "opens");
		cJSON_AddNullToObject(j, "closes");
	}
	return j;
}

static cJSON *
ticket_json(const struct site *s, const struct ticket *t)
{
	cJSON *j = cJSON_CreateObject();
	char c[2] = { t->service, 0 }, qc[2] = { t->queue, 0 };
	const struct site_service *sv = site_service(s, t->queue);

	cJSON_AddNumberToObject(j, "id", (double)t->id);
	cJSON_AddStringToObject(j, "number", t->number);
	cJSON_AddStringToObject(j, "service", qc);
	if (t->queue != t->service)
		cJSON_AddStringToObject(j, "issued_for", c);
	cJSON_AddStringToObject(j, "kind", "ticket");
	cJSON_AddStringToObject(j, "lang", t->lang);
	cJSON_AddBoolToObject(j, "priority", t->priority);
	cJSON_AddStringToObject(j, "state", queue_state_name(t->state));
	cJSON_AddStringToObject(j, "day", t->day);
	add_time(j, "issued_at", t->issued_at);
	add_time(j, "called_at", t->called_at);
	add_time(j, "finished_at", t->finished_at);
	if (t->state == TS_WAITING) {
		cJSON_AddNumberToObject(j, "position", t->position);
		cJSON_AddNumberToObject(j, "estimated_wait_s", t->estimated_wait_s);
	}
	if (t->counter) {
		cJSON_AddNumberToObject(j, "counter", t->counter);
		cJSON_AddStringToObject(j, "counter_name", t->counter_name);
	} else {
		cJSON_AddNullToObject(j, "counter");
	}
	cJSON_AddNumberToObject(j, "recalls", t->recalls);
	if (t->outcome[0])
		cJSON_AddStringToObject(j, "outcome", t->outcome);
	cJSON_AddStringToObject(j, "print", t->print_state);
	if (t->print_reason[0])
		cJSON_AddStringToObject(j, "print_reason", t->print_reason);
	cJSON_AddNumberToObject(j, "reprints", t->reprints);
	if (t->holder_mask[0])
		cJSON_AddStringToObject(j, "holder", t->holder_mask);
	if (sv)
		cJSON_AddItemToObject(j, "service_name", names_json(sv));
	return j;
}

/* -- request parsing ----------------------------------------------------- */

static cJSON *
parse_body(const struct api_req *q, struct api_resp *r, int required)
{
	cJSON *j;
	const char *end = NULL;

	if (q->body_len == 0) {
		if (required) {
			fail(r, 400, "bad_request", "a JSON body is required");
			return NULL;
		}
		return cJSON_CreateObject();
	}
	if (q->body_len > API_BODY_MAX) {
		fail(r, 413, "too_large", "the body is larger than %d bytes", API_BODY_MAX);
		return NULL;
	}
	if (memchr(q->body, '\0', q->body_len)) {
		fail(r, 400, "bad_json", "the body contains a NUL byte");
		return NULL;
	}
	j = cJSON_ParseWithLengthOpts(q->body, q->body_len, &end, 0);
	if (j == NULL) {
		fail(r, 400, "bad_json", "malformed JSON near byte %ld",
		    end ? (long)(end - q->body) : 0L);
		return NULL;
	}
	while (end < q->body + q->body_len && isspace((unsigned char)*end))
		end++;
	if (end != q->body + q->body_len) {
		fail(r, 400, "bad_json", "unexpected data after the JSON object, at byte %ld",
		    (long)(end - q->body));
		cJSON_Delete(j);
		return NULL;
	}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		fail(r, 400, "bad_json", "the body must be a JSON object");
		return NULL;
	}
	return j;
}

/* A string field: NULL when absent; sets *bad when present but not a string or too long. */
static const char *
str_field(cJSON *j, const char *key, size_t maxlen, int *bad, struct api_resp *r)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	if (v == NULL || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v) || strlen(v->valuestring) > maxlen) {
		if (!*bad)
			fail(r, 400, "bad_request", "'%s' must be a string of at most %zu characters",
			    key, maxlen);
		*bad = 1;
		return NULL;
	}
	return v->valuestring;
}

static int
valid_lang(const char *l)
{
	size_t i, n = strlen(l);
	if (n < 2 || n > 11)
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)l[i]) && !isupper((unsigned char)l[i]) && l[i] != '-')
			return 0;
	return 1;
}

static const char *
cookie_value(const char *cookies, const char *name, char *out, size_t len)
{
	size_t n = strlen(name);
	const char *p = cookies;

	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			size_t k = strcspn(p + n + 1, ";");
			if (k >= len)
				return NULL;
			memcpy(out, p + n + 1, k);
			out[k] = '\0';
			return out;
		}
		p = strchr(p, ';');
	}
	return NULL;
}

/* Identify the caller; 0 anonymous, 1 identified, -1 refused (response set). */
static int
identify(struct api *a, const struct api_req *q, struct who *w, struct api_resp *r)
{
	char secret[128], kind[16], err[200];
	const char *s = NULL;
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
	rc = store_cred_check(a->st, s, q->now, kind, w->name, w->role, w->csrf, err, sizeof err);
	if (rc == ST_DENIED) {
		fail(r, 401, "denied", "unknown or expired key or session: log in again");
		return -1;
	}
	if (rc != ST_OK) {
		store_fail(r, rc, err);
		return -1;
	}
	if (w->session && strcmp(kind, "session") != 0) {
		fail(r, 401, "denied", "not a session cookie");
		return -1;
	}
	if (!w->session && strcmp(kind, "session") == 0) {
		fail(r, 401, "denied", "a session is a cookie, not a bearer key");
		return -1;
	}
	w->device = strcmp(kind, "device") == 0;
	w->level = !strcmp(w->role, "admin") ? 3 : !strcmp(w->role, "manager") ? 2 :
	    !strcmp(w->role, "agent") ? 1 : 0;
	return 1;
}

/* Require a staff role of at least `level`, and CSRF for session POSTs. */
static int
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
	    (q->csrf == NULL || sodium_memcmp(q->csrf, w->csrf, strlen(w->csrf) + 1) != 0 ||
	    strlen(q->csrf) != strlen(w->csrf))) {
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

/* -- signing ------------------------------------------------------------- */

/* The fields every slip has; ids upper-cased (slips compare them case-blind). */
static void
slip_base(const struct api *a, struct slip *s, enum slip_kind kind, const char *day, char service,
    int64_t issued_at, const char *device, int64_t serial)
{
	struct tm tm;
	time_t t = (time_t)issued_at;
	char *p;

	memset(s, 0, sizeof *s);
	s->version = SLIP_VERSION;
	s->kind = kind;
	snprintf(s->site, sizeof s->site, "%.24s", a->keys.site_id);
	snprintf(s->date, sizeof s->date, "%.4s%.2s%.2s", day, day + 5, day + 8);
	s->service[0] = service;
	localtime_r(&t, &tm);
	snprintf(s->time, sizeof s->time, "%02d%02d", tm.tm_hour, tm.tm_min);
	snprintf(s->device, sizeof s->device, "%.16s", device);
	s->serial = (uint64_t)serial;
	for (p = s->site; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	for (p = s->device; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

static int
sign_ticket(void *ctx, const struct ticket *t, char *out, size_t outlen)
{
	struct api *a = ctx;
	struct slip s;

	slip_base(a, &s, SLIP_TICKET, t->day, t->service, t->issued_at, t->device, t->id);
	s.number = atoi(t->number + 1);
	s.reprint = t->reprints;
	return slip_encode(&s, a->keys.sk, out, outlen) > 0 ? 0 : -1;
}

static int
sign_attestation(void *ctx, const struct attestation *at, char *out, size_t outlen)
{
	struct api *a = ctx;
	struct slip s;

	slip_base(a, &s, SLIP_ATTESTATION, at->day, at->service, at->issued_at, at->device, at->id);
	s.attempt = at->attempt;
	snprintf(s.first_date, sizeof s.first_date, "%s", at->first_date);
	s.weeks = at->weeks;
	return slip_encode(&s, a->keys.sk, out, outlen) > 0 ? 0 : -1;
}

/* -- events -------------------------------------------------------------- */

/* Publish a JSON object as an event, then free it. */
static void
publish_json(struct api *a, const char *type, cJSON *j, int staff)
{
	char *txt = cJSON_PrintUnformatted(j);

	if (txt)
		bus_publish(a->bus, type, txt, staff);
	free(txt);
	cJSON_Delete(j);
}

static cJSON *
alert_json(const struct alert *al)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)al->id);
	cJSON_AddStringToObject(o, "kind", al->kind);
	cJSON_AddStringToObject(o, "message", al->message);
	add_time(o, "at", al->at);
	return o;
}

/* Build and publish the `counts` event now (the counts thread does it). */
static void
send_counts(struct api *a, int64_t now)
{
	struct service_stat ss[SITE_MAX_SERVICES];
	char err[200];
	int i, n = store_services(a->st, &a->site, now, ss, SITE_MAX_SERVICES, err, sizeof err);
	cJSON *j, *arr;

	if (n < 0)
		return;
	j = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(j, "services");
	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		char c[2] = { ss[i].code, 0 };
		cJSON_AddStringToObject(o, "code", c);
		cJSON_AddNumberToObject(o, "waiting", ss[i].waiting);
		cJSON_AddNumberToObject(o, "left_today", ss[i].left_today);
		cJSON_AddNumberToObject(o, "estimated_wait_s", ss[i].estimated_wait_s);
		cJSON_AddNumberToObject(o, "longest_wait_s", ss[i].longest_wait_s);
		cJSON_AddItemToArray(arr, o);
	}
	publish_json(a, "counts", j, 0);
}

/*
 * Waiting counts change with every issue and call, and computing them costs
 * several queries. Requests only mark them changed; one thread publishes at
 * most every COUNTS_MS, so a burst of calls costs one computation and the
 * `call` events (published at once) never wait behind it.
 */
#define COUNTS_MS 200

static void
publish_counts(struct api *a, int64_t now)
{
	pthread_mutex_lock(&a->counts_lock);
	a->counts_dirty = 1;
	if (now > a->counts_now)
		a->counts_now = now;
	pthread_cond_signal(&a->counts_cond);
	pthread_mutex_unlock(&a->counts_lock);
}

static void *
counts_main(void *arg)
{
	struct api *a = arg;
	struct timespec dl;
	int64_t now;

	pthread_mutex_lock(&a->counts_lock);
	for (;;) {
		while (!a->counts_dirty && !a->counts_stop)
			pthread_cond_wait(&a->counts_cond, &a->counts_lock);
		if (a->counts_stop)
			break;
		/* Gather what else changes within the window. */
		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_nsec += COUNTS_MS * 1000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		while (!a->counts_stop &&
		    pthread_cond_timedwait(&a->counts_cond, &a->counts_lock, &dl) != ETIMEDOUT)
			;
		a->counts_dirty = 0;
		now = a->counts_now;
		pthread_mutex_unlock(&a->counts_lock);
		send_counts(a, now);
		pthread_mutex_lock(&a->counts_lock);
	}
	pthread_mutex_unlock(&a->counts_lock);
	return NULL;
}

static void
call_fields(cJSON *j, const char *number, int counter, const char *counter_name, char service,
    const char *lang, int recall, int64_t at)
{
	char c[2] = { service, 0 }, audio[96];

	cJSON_AddStringToObject(j, "number", number);
	cJSON_AddNumberToObject(j, "counter", counter);
	cJSON_AddStringToObject(j, "counter_name", counter_name);
	cJSON_AddStringToObject(j, "service", c);
	cJSON_AddStringToObject(j, "lang", lang);
	cJSON_AddBoolToObject(j, "recall", recall);
	add_time(j, "at", at);
	snprintf(audio, sizeof audio, "/audio/%s-%d-%s.wav", number, counter, lang);
	cJSON_AddStringToObject(j, "audio", audio);
}

static void
publish_call(struct api *a, const struct ticket *t, int recall, int64_t now)
{
	cJSON *j = cJSON_CreateObject();

	call_fields(j, t->number, t->counter, t->counter_name, t->queue, t->lang, recall, now);
	publish_json(a, "call", j, 0);
}

static void
publish_counter(struct api *a, int counter, const char *state)
{
	char buf[96];
	snprintf(buf, sizeof buf, "{\"counter\":%d,\"state\":\"%s\"}", counter, state);
	bus_publish(a->bus, "counter", buf, 1);
}

static void
check_alerts(struct api *a, unsigned checks, const char *device, int64_t now)
{
	struct alert al[8];
	char err[200];
	int i, n = store_alerts_check(a->st, &a->site, checks, device, now, al, 8, err, sizeof err);

	for (i = 0; i < n; i++) {
		log_warnx("alert: %s: %s", al[i].kind, al[i].message);
		publish_json(a, "alert", alert_json(&al[i]), 1);
	}
}

/* -- routes -------------------------------------------------------------- */

static void
get_services(struct api *a, const struct api_req *q, struct api_resp *r)
{
	struct service_stat ss[SITE_MAX_SERVICES];
	char err[200];
	int i, n;
	cJSON *j, *arr;

	n = store_services(a->st, &a->site, q->now, ss, SITE_MAX_SERVICES, err, sizeof err);
	if (n < 0) {
		store_fail(r, n, err);
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "site", site_json(&a->site, q->now));
	arr = cJSON_AddArrayToObject(j, "services");
	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		char c[2] = { ss[i].code, 0 };
		cJSON_AddStringToObject(o, "code", c);
		cJSON_AddItemToObject(o, "name", names_json(site_service(&a->site, ss[i].code)));
		cJSON_AddNumberToObject(o, "waiting", ss[i].waiting);
		cJSON_AddNumberToObject(o, "estimated_wait_s", ss[i].estimated_wait_s);
		cJSON_AddNumberToObject(o, "longest_wait_s", ss[i].longest_wait_s);
		cJSON_AddNumberToObject(o, "capacity", ss[i].capacity);
		cJSON_AddNumberToObject(o, "issued", ss[i].issued);
		cJSON_AddNumberToObject(o, "left_today", ss[i].left_today);
		cJSON_AddNumberToObject(o, "open_counters", ss[i].open_counters);
		cJSON_AddBoolToObject(o, "bind_holder", ss[i].bind_holder);
		cJSON_AddBoolToObject(o, "open", queue_is_open(&a->site, q->now));
		cJSON_AddItemToArray(arr, o);
	}
	reply(r, 200, j);
}

static cJSON *
attestation_json(struct api *a, const struct attestation *at, int64_t now)
{
	cJSON *j = cJSON_CreateObject();
	char c[2] = { at->service, 0 }, serial[24];
	const struct site_service *sv = site_service(&a->site, at->service);

	cJSON_AddStringToObject(j, "kind", "attestation");
	cJSON_AddNumberToObject(j, "id", (double)at->id);
	snprintf(serial, sizeof serial, "AT-%s-%06lld", at->day, (long long)at->id);
	cJSON_AddStringToObject(j, "serial", serial);
	cJSON_AddStringToObject(j, "service", c);
	cJSON_AddStringToObject(j, "lang", at->lang);
	cJSON_AddStringToObject(j, "outcome", at->outcome);
	cJSON_AddStringToObject(j, "day", at->day);
	add_time(j, "issued_at", at->issued_at);
	cJSON_AddStringToObject(j, "device", at->device);
	cJSON_AddNumberToObject(j, "attempt", at->attempt);
	cJSON_AddStringToObject(j, "first_date", at->first_date);
	cJSON_AddNumberToObject(j, "weeks", at->weeks);
	cJSON_AddStringToObject(j, "token", at->token);
	if (sv)
		cJSON_AddItemToObject(j, "service_name", names_json(sv));
	cJSON_AddItemToObject(j, "site", site_json(&a->site, now));
	return j;
}

/* Capacity reached: an attestation de passage, chained to a previous one. */
static void
issue_attestation(struct api *a, const struct api_req *q, const struct who *w, char service,
    const char *lang, const char *previous, struct api_resp *r)
{
	struct attestation at;
	struct slip prev, cur;
	char err[200];
	int rc;

	memset(&at, 0, sizeof at);
	if (previous) {
		enum slip_verdict v = slip_verify(previous, a->keys.pk, a->keys.site_id, NULL, &prev);
		if (v != SLIP_VALID || prev.kind != SLIP_ATTESTATION) {
			fail(r, 400, "bad_previous", "the earlier attestation is not valid here (%s)",
			    v == SLIP_VALID ? "it is a ticket, not an attestation" : slip_verdict_str(v));
			return;
		}
		memset(&cur, 0, sizeof cur);
		queue_local_day(q->now, at.day);
		snprintf(cur.date, sizeof cur.date, "%.4s%.2s%.2s", at.day, at.day + 5, at.day + 8);
		if (slip_chain(&prev, &cur, err, sizeof err) != 0) {
			fail(r, 400, "bad_previous", "the earlier attestation cannot be chained: %s", err);
			return;
		}
		at.attempt = cur.attempt;
		at.weeks = cur.weeks;
		snprintf(at.first_date, sizeof at.first_date, "%s", cur.first_date);
	}
	rc = store_attest(a->st, service, lang, w->device ? w->name : "DESK", q->now, sign_attestation,
	    a, &at, err, sizeof err);
	if (rc != ST_OK) {
		store_fail(r, rc, err);
		return;
	}
	reply(r, 201, attestation_json(a, &at, q->now));
}

static void
post_ticket(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	cJSON *j, *pv, *out;
	const char *service, *lang, *doc, *previous, *device;
	int bad = 0, priority = 0, rc;
	const struct site_service *sv;
	struct holder_ref holder, *hp = NULL;
	struct ticket t;
	char err[200], day[11], norm[HOLDER_MAX + 1];

	/* Kiosks issue; staff may issue a manual ticket at the desk (audited). */
	if (!w->device && need_staff(q, w, 1, r))
		return;
	if ((j = parse_body(q, r, 1)) == NULL)
		return;
	service = str_field(j, "service", 1, &bad, r);
	lang = str_field(j, "lang", 11, &bad, r);
	doc = str_field(j, "holder", HOLDER_TYPED_MAX, &bad, r);
	previous = str_field(j, "previous", 400, &bad, r);
	pv = cJSON_GetObjectItemCaseSensitive(j, "priority");
	if (bad)
		goto out;
	if (service == NULL || !*service) {
		fail(r, 400, "bad_request", "'service' is required (a service code such as \"A\")");
		goto out;
	}
	if ((sv = site_service(&a->site, service[0])) == NULL) {
		fail(r, 404, "not_found", "unknown service '%s'", service);
		goto out;
	}
	if (lang == NULL)
		lang = "fr";
	if (!valid_lang(lang)) {
		fail(r, 400, "bad_request", "'lang' must be a language code such as \"fr\" or \"fa-AF\"");
		goto out;
	}
	if (pv && !cJSON_IsBool(pv)) {
		fail(r, 400, "bad_request", "'priority' must be true or false");
		goto out;
	}
	priority = pv && cJSON_IsTrue(pv);
	device = w->device ? w->name : "DESK";
	queue_local_day(q->now, day);
	if (sv->bind_holder) {
		unsigned char key[32];
		if (doc == NULL) {
			fail(r, 400, "holder_required", "this service needs the applicant's document number "
			    "('holder')");
			goto out;
		}
		if (holder_normalise(doc, norm, sizeof norm, err, sizeof err) != 0) {
			fail(r, 400, "bad_holder", "%s", err);
			goto out;
		}
		if ((rc = store_day_key(a->st, day, key, err, sizeof err)) != 0) {
			store_fail(r, rc, err);
			goto out;
		}
		holder_hash(key, norm, holder.hash);
		holder_mask(norm, holder.mask, sizeof holder.mask);
		sodium_memzero(key, sizeof key);
		sodium_memzero(norm, sizeof norm);
		hp = &holder;
	}
	rc = store_issue(a->st, &a->site, service[0], lang, priority, device, hp, q->now, sign_ticket,
	    a, &t, err, sizeof err);
	if (rc == ST_FULL) {
		issue_attestation(a, q, w, service[0], lang, previous, r);
		check_alerts(a, AC_BURST, device, q->now);
		goto out;
	}
	if (rc == ST_CLOSED) {
		char e2[200];
		store_refusal(a->st, day, "refused_closed", service[0], device, q->now, e2, sizeof e2);
		store_fail(r, rc, err);
		check_alerts(a, AC_CLOSED, device, q->now);
		goto out;
	}
	if (rc != ST_OK && rc != ST_DUPLICATE) {
		store_fail(r, rc, err);
		goto out;
	}
	if (rc == ST_DUPLICATE && sign_ticket(a, &t, t.token, sizeof t.token) != 0) {
		fail(r, 503, "unavailable", "cannot sign the slip");
		goto out;
	}
	out = ticket_json(&a->site, &t);
	cJSON_AddStringToObject(out, "token", t.token);
	cJSON_AddBoolToObject(out, "duplicate", rc == ST_DUPLICATE);
	cJSON_AddItemToObject(out, "site", site_json(&a->site, q->now));
	reply(r, rc == ST_DUPLICATE ? 200 : 201, out);
	if (!w->device) {
		char detail[96];
		snprintf(detail, sizeof detail, "manual ticket %s", t.number);
		store_audit(a->st, q->now, w->name, "manual_ticket", detail, err, sizeof err);
	}
	publish_counts(a, q->now);
	check_alerts(a, rc == ST_DUPLICATE ? AC_HOLDER | AC_REPRINT : AC_BURST, device, q->now);
out:
	cJSON_Delete(j);
}

static int64_t
parse_id(const char *s)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v <= 0 || v > (1LL << 53))
		return -1;
	return v;
}

static void
ticket_routes(struct api *a, const struct api_req *q, const struct who *w, const char *rest,
    struct api_resp *r)
{
	char idbuf[24], err[200];
	const char *slash = strchr(rest, '/');
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
	int64_t id;
	struct ticket t;
	int rc;

	if (n >= sizeof idbuf || (memcpy(idbuf, rest, n), idbuf[n] = '\0', (id = parse_id(idbuf)) < 0)) {
		fail(r, 404, "not_found", "no such ticket: '%.*s'", (int)(n > 20 ? 20 : n), rest);
		return;
	}
	if (slash == NULL) {
		if (strcmp(q->method, "GET") != 0) {
			fail(r, 405, "method", "use GET on a ticket");
			return;
		}
		/* Ids are sequential: only kiosks and staff may read tickets. */
		if (!w->device && need_staff(q, w, 1, r))
			return;
		if ((rc = store_ticket(a->st, id, &t, err, sizeof err)) != ST_OK) {
			store_fail(r, rc, err);
			return;
		}
		reply(r, 200, ticket_json(&a->site, &t));
		return;
	}
	if (strcmp(q->method, "POST") != 0) {
		fail(r, 405, "method", "use POST");
		return;
	}
	if (!strcmp(slash, "/printed")) {
		cJSON *j;
		const char *status, *reason;
		int bad = 0;
		if (need_device(w, r) || (j = parse_body(q, r, 1)) == NULL)
			return;
		status = str_field(j, "status", 16, &bad, r);
		reason = str_field(j, "reason", 120, &bad, r);
		if (bad) {
			;
		} else if (!status || (strcmp(status, "confirmed") && strcmp(status, "unconfirmed") &&
		    strcmp(status, "failed"))) {
			fail(r, 400, "bad_request", "'status' must be confirmed, unconfirmed or failed");
		} else if ((rc = store_printed(a->st, id, w->name, status, reason, q->now, &t, err,
		    sizeof err)) != ST_OK) {
			store_fail(r, rc, err);
		} else {
			reply(r, 200, ticket_json(&a->site, &t));
			check_alerts(a, AC_PAPER, w->name, q->now);
		}
		cJSON_Delete(j);
		return;
	}
	if (!strcmp(slash, "/reprint")) {
		cJSON *out;
		if (!w->device && need_staff(q, w, 2, r))
			return;
		if ((rc = store_reprint(a->st, &a->site, id, w->name, q->now, &t, err, sizeof err)) != ST_OK) {
			store_fail(r, rc, err);
			return;
		}
		out = ticket_json(&a->site, &t);
		if (sign_ticket(a, &t, t.token, sizeof t.token) == 0)
			cJSON_AddStringToObject(out, "token", t.token);
		cJSON_AddItemToObject(out, "site", site_json(&a->site, q->now));
		reply(r, 200, out);
		check_alerts(a, AC_REPRINT, w->device ? w->name : NULL, q->now);
		return;
	}
	if (!strcmp(slash, "/holder-check")) {
		cJSON *j, *o;
		const char *doc;
		char norm[HOLDER_MAX + 1];
		unsigned char key[32], h[32];
		int bad = 0;
		if (need_staff(q, w, 1, r) || (j = parse_body(q, r, 1)) == NULL)
			return;
		doc = str_field(j, "document", HOLDER_TYPED_MAX, &bad, r);
		if (bad) {
			cJSON_Delete(j);
			return;
		}
		if (!doc || holder_normalise(doc, norm, sizeof norm, err, sizeof err) != 0) {
			fail(r, 400, "bad_holder", "%s", doc ? err : "'document' is required");
			cJSON_Delete(j);
			return;
		}
		cJSON_Delete(j);
		if ((rc = store_ticket(a->st, id, &t, err, sizeof err)) != ST_OK) {
			store_fail(r, rc, err);
			return;
		}
		if (t.holder_mask[0] == '\0') {
			/* Not bound, or its day's key is already destroyed: never make one. */
			sodium_memzero(norm, sizeof norm);
			o = cJSON_CreateObject();
			cJSON_AddBoolToObject(o, "match", 0);
			cJSON_AddBoolToObject(o, "bound", 0);
			cJSON_AddStringToObject(o, "number", t.number);
			reply(r, 200, o);
			return;
		}
		if ((rc = store_day_key(a->st, t.day, key, err, sizeof err)) != 0) {
			store_fail(r, rc, err);
			return;
		}
		holder_hash(key, norm, h);
		sodium_memzero(key, sizeof key);
		sodium_memzero(norm, sizeof norm);
		if ((rc = store_holder_match(a->st, id, h, err, sizeof err)) < 0) {
			store_fail(r, rc, err);
			return;
		}
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "match", rc == 1);
		cJSON_AddBoolToObject(o, "bound", t.holder_mask[0] != '\0');
		cJSON_AddStringToObject(o, "number", t.number);
		reply(r, 200, o);
		return;
	}
	fail(r, 404, "not_found", "unknown ticket action '%s'", slash + 1);
}

static void
attestation_printed(struct api *a, const struct api_req *q, const struct who *w, const char *rest,
    struct api_resp *r)
{
	cJSON *j;
	const char *status, *reason;
	char err[200];
	int64_t id;
	int bad = 0, rc;
	char idbuf[24];
	const char *slash = strchr(rest, '/');
	size_t n = slash ? (size_t)(slash - rest) : 0;

	if (!slash || strcmp(slash, "/printed") || n == 0 || n >= sizeof idbuf) {
		fail(r, 404, "not_found", "expected /api/v1/attestations/{id}/printed");
		return;
	}
	memcpy(idbuf, rest, n);
	idbuf[n] = '\0';
	if ((id = parse_id(idbuf)) < 0) {
		fail(r, 404, "not_found", "no such attestation");
		return;
	}
	if (strcmp(q->method, "POST") != 0) {
		fail(r, 405, "method", "use POST");
		return;
	}
	if ((!w->device && need_staff(q, w, 1, r)) || (j = parse_body(q, r, 1)) == NULL)
		return;
	status = str_field(j, "status", 16, &bad, r);
	reason = str_field(j, "reason", 120, &bad, r);
	if (!bad && (!status || (strcmp(status, "confirmed") && strcmp(status, "unconfirmed") &&
	    strcmp(status, "failed"))))
		fail(r, 400, "bad_request", "'status' must be confirmed, unconfirmed or failed");
	else if (!bad && (rc = store_attest_printed(a->st, id, w->device ? w->name : "DESK", status,
	    reason, q->now, err, sizeof err)) != 0)
		store_fail(r, rc, err);
	else if (!bad) {
		reply(r, 200, cJSON_CreateObject());
		check_alerts(a, AC_PAPER, w->device ? w->name : NULL, q->now);
	}
	cJSON_Delete(j);
}

static cJSON *
counter_json(const struct site *s, int n, const char *name, const char *services,
    const char *state, const struct ticket *t)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddNumberToObject(j, "counter", n);
	cJSON_AddStringToObject(j, "name", name);
	cJSON_AddStringToObject(j, "services", services);
	cJSON_AddStringToObject(j, "state", state);
	if (t)
		cJSON_AddItemToObject(j, "ticket", ticket_json(s, t));
	else
		cJSON_AddNullToObject(j, "ticket");
	return j;
}

static void
counter_reply(struct api *a, int n, const struct ticket *t, struct api_resp *r)
{
	struct counter_view cv[SITE_MAX_COUNTERS];
	char err[200];
	int i, k = store_counters(a->st, cv, SITE_MAX_COUNTERS, err, sizeof err);

	for (i = 0; i < k; i++)
		if (cv[i].n == n) {
			reply(r, 200, counter_json(&a->site, n, cv[i].name, cv[i].services, cv[i].state, t));
			return;
		}
	fail(r, 503, "unavailable", "cannot read the counter back");
}

static void
counter_routes(struct api *a, const struct api_req *q, const struct who *w, const char *rest,
    struct api_resp *r)
{
	static const struct { const char *name; enum counter_op op; } ops[] = {
		{ "recall", CO_RECALL }, { "no-show", CO_NO_SHOW }, { "done", CO_DONE },
		{ "transfer", CO_TRANSFER }, { "pause", CO_PAUSE }, { "resume", CO_RESUME },
		{ "open", CO_OPEN }, { "close", CO_CLOSE },
	};
	char nbuf[8], err[200];
	const char *slash = strchr(rest, '/'), *action;
	size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
	int n, rc, has = 0;
	size_t i;
	struct ticket t;
	cJSON *j = NULL;

	if (need_staff(q, w, 1, r))
		return;
	if (len == 0 || len >= sizeof nbuf || !slash) {
		fail(r, 404, "not_found", "expected /api/v1/counters/{n}/{action}");
		return;
	}
	memcpy(nbuf, rest, len);
	nbuf[len] = '\0';
	if ((n = (int)parse_id(nbuf)) <= 0 || !site_counter(&a->site, n)) {
		fail(r, 404, "not_found", "no counter %s", nbuf);
		return;
	}
	action = slash + 1;
	if (strcmp(q->method, "POST") != 0) {
		fail(r, 405, "method", "use POST");
		return;
	}
	if ((j = parse_body(q, r, 0)) == NULL)
		return;
	if (!strcmp(action, "call-next")) {
		rc = store_call_next(a->st, &a->site, n, w->name, q->now, &t, err, sizeof err);
		if (rc == ST_EMPTY) {
			r->status = 204;
			publish_counts(a, q->now);
		} else if (rc != ST_OK) {
			store_fail(r, rc, err);
		} else {
			publish_call(a, &t, 0, q->now);
			publish_counts(a, q->now);
			counter_reply(a, n, &t, r);
		}
		goto out;
	}
	if (!strcmp(action, "call")) {
		int bad = 0;
		const char *number = str_field(j, "number", 10, &bad, r);
		const char *reason = str_field(j, "reason", 200, &bad, r);
		if (bad)
			goto out;
		if (!number || !reason || strlen(reason) < 3) {
			fail(r, 400, "bad_request", "'number' and a 'reason' (3 characters or more) are "
			    "required to call a ticket out of order");
			goto out;
		}
		rc = store_call_number(a->st, &a->site, n, w->name, number, reason, q->now, &t, err,
		    sizeof err);
		if (rc != ST_OK) {
			store_fail(r, rc, err);
			goto out;
		}
		publish_call(a, &t, 0, q->now);
		publish_counts(a, q->now);
		counter_reply(a, n, &t, r);
		goto out;
	}
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		const char *arg = NULL;
		int bad = 0;
		if (strcmp(action, ops[i].name) != 0)
			continue;
		if (ops[i].op == CO_DONE) {
			static const char *outcomes[] = { "complete", "documents_missing", "redirected", "other" };
			size_t k;
			arg = str_field(j, "outcome", 24, &bad, r);
			if (bad)
				goto out;
			for (k = 0; arg && k < 4 && strcmp(arg, outcomes[k]); k++)
				;
			if (arg && k == 4) {
				fail(r, 400, "bad_request", "'outcome' must be complete, documents_missing, "
				    "redirected or other");
				goto out;
			}
		} else if (ops[i].op == CO_TRANSFER) {
			arg = str_field(j, "service", 1, &bad, r);
			if (bad)
				goto out;
			if (!arg || !*arg) {
				fail(r, 400, "bad_request", "'service' is required to transfer");
				goto out;
			}
		}
		rc = store_counter_op(a->st, &a->site, n, w->name, ops[i].op, arg, q->now, &t, &has,
		    err, sizeof err);
		if (rc != ST_OK) {
			store_fail(r, rc, err);
			goto out;
		}
		if (ops[i].op == CO_RECALL && has && t.state == TS_CALLED)
			publish_call(a, &t, 1, q->now);
		if (ops[i].op >= CO_PAUSE)
			publish_counter(a, n, ops[i].op == CO_PAUSE ? "paused" : ops[i].op == CO_CLOSE ?
			    "closed" : "open");
		publish_counts(a, q->now);
		/* After done/no-show/transfer the counter has no current ticket. */
		counter_reply(a, n, has && t.state == TS_CALLED && t.counter == n ? &t : NULL, r);
		if (r->status == 200 && has && t.state != TS_CALLED) {
			cJSON *o = cJSON_Parse(r->body);
			free(r->body);
			cJSON_AddItemToObject(o, "finished", ticket_json(&a->site, &t));
			reply(r, 200, o);
		}
		goto out;
	}
	fail(r, 404, "not_found", "unknown counter action '%s'", action);
out:
	cJSON_Delete(j);
}

static void
get_counters(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct counter_view cv[SITE_MAX_COUNTERS];
	char err[200];
	int i, n;
	cJSON *j, *arr;

	if (need_staff(q, w, 1, r))
		return;
	if ((n = store_counters(a->st, cv, SITE_MAX_COUNTERS, err, sizeof err)) < 0) {
		store_fail(r, n, err);
		return;
	}
	j = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(j, "counters");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, counter_json(&a->site, cv[i].n, cv[i].name, cv[i].services,
		    cv[i].state, cv[i].has_ticket ? &cv[i].ticket : NULL));
	reply(r, 200, j);
}

static void
get_board(struct api *a, const struct api_req *q, struct api_resp *r)
{
	struct call_view calls[5];
	struct service_stat ss[SITE_MAX_SERVICES];
	char day[11], err[200], now[32];
	int i, n, k;
	cJSON *j, *arr;
	int64_t last = bus_last(a->bus);

	queue_local_day(q->now, day);
	if ((n = store_recent_calls(a->st, day, calls, 5, err, sizeof err)) < 0 ||
	    (k = store_services(a->st, &a->site, q->now, ss, SITE_MAX_SERVICES, err, sizeof err)) < 0) {
		fail(r, 503, "unavailable", "%s", err);
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "site", site_json(&a->site, q->now));
	queue_rfc3339(q->now, now);
	cJSON_AddStringToObject(j, "time", now);
	cJSON_AddNumberToObject(j, "last_event", (double)last);
	arr = cJSON_AddArrayToObject(j, "calls");
	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		call_fields(o, calls[i].number, calls[i].counter, calls[i].counter_name,
		    calls[i].service, calls[i].lang, calls[i].recall, calls[i].at);
		cJSON_AddNumberToObject(o, "event", (double)calls[i].event);
		cJSON_AddItemToArray(arr, o);
	}
	arr = cJSON_AddArrayToObject(j, "services");
	for (i = 0; i < k; i++) {
		cJSON *o = cJSON_CreateObject();
		char c[2] = { ss[i].code, 0 };
		cJSON_AddStringToObject(o, "code", c);
		cJSON_AddItemToObject(o, "name", names_json(site_service(&a->site, ss[i].code)));
		cJSON_AddNumberToObject(o, "waiting", ss[i].waiting);
		cJSON_AddNumberToObject(o, "left_today", ss[i].left_today);
		cJSON_AddItemToArray(arr, o);
	}
	reply(r, 200, j);
}

/* Failed-login bookkeeping, by login and by client address. */
static struct login_fail *
fail_slot(struct api *a, const char *key, int64_t now, int create)
{
	int i, oldest = 0;

	for (i = 0; i < NFAIL; i++) {
		if (a->fails[i].key[0] && !strcmp(a->fails[i].key, key)) {
			if (now - a->fails[i].first > LOGIN_WINDOW) {
				a->fails[i].count = 0;
				a->fails[i].first = now;
			}
			return &a->fails[i];
		}
		if (a->fails[i].first < a->fails[oldest].first)
			oldest = i;
	}
	if (!create)
		return NULL;
	snprintf(a->fails[oldest].key, sizeof a->fails[oldest].key, "%s", key);
	a->fails[oldest].count = 0;
	a->fails[oldest].first = now;
	return &a->fails[oldest];
}

static int
too_many(struct api *a, const char *key, int64_t now)
{
	struct login_fail *f;
	int v;

	pthread_mutex_lock(&a->lock);
	f = fail_slot(a, key, now, 0);
	v = f && f->count >= LOGIN_MAX_FAIL;
	pthread_mutex_unlock(&a->lock);
	return v;
}

static void
count_fail(struct api *a, const char *key, int64_t now)
{
	pthread_mutex_lock(&a->lock);
	fail_slot(a, key, now, 1)->count++;
	pthread_mutex_unlock(&a->lock);
}

static void
post_login(struct api *a, const struct api_req *q, struct api_resp *r)
{
	cJSON *j, *o;
	const char *login, *pw;
	char role[16], err[200], secret[80], csrf[80], ipkey[64];
	int bad = 0, rc;

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
	snprintf(ipkey, sizeof ipkey, "@%s", q->client ? q->client : "?");
	if (too_many(a, login, q->now) || too_many(a, ipkey, q->now)) {
		fail(r, 429, "rate_limited", "too many failed logins: wait %d minutes", LOGIN_WINDOW / 60);
		goto out;
	}
	rc = store_user_check(a->st, login, pw, role, err, sizeof err);
	if (rc == ST_DENIED) {
		count_fail(a, login, q->now);
		count_fail(a, ipkey, q->now);
		log_warnx("api: failed login for '%s' from %s", login, q->client ? q->client : "?");
		store_audit(a->st, q->now, login, "login_failed", q->client ? q->client : "", err, sizeof err);
		fail(r, 401, "denied", "wrong login or password");
		goto out;
	}
	if (rc != ST_OK ||
	    (rc = store_cred_new(a->st, "session", login, q->now, SESSION_TTL, secret, csrf, err,
	    sizeof err)) != ST_OK) {
		store_fail(r, rc, err);
		goto out;
	}
	snprintf(r->set_cookie, sizeof r->set_cookie,
	    "kiosk_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", secret, SESSION_TTL,
	    q->secure ? "; Secure" : "");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "login", login);
	cJSON_AddStringToObject(o, "role", role);
	cJSON_AddStringToObject(o, "csrf", csrf);
	reply(r, 200, o);
	log_info("api: %s logged in from %s", login, q->client ? q->client : "?");
	store_audit(a->st, q->now, login, "login", q->client ? q->client : "", err, sizeof err);
out:
	cJSON_Delete(j);
}

static void
post_verify(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	cJSON *j, *o;
	const char *payload;
	int bad = 0;
	struct slip s;
	enum slip_verdict v;
	char day[11], today[9], err[200];
	const char *result;

	if (need_staff(q, w, 1, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	payload = str_field(j, "payload", 400, &bad, r);
	if (bad)
		goto out;
	if (!payload) {
		fail(r, 400, "bad_request", "'payload' is required");
		goto out;
	}
	queue_local_day(q->now, day);
	snprintf(today, sizeof today, "%.4s%.2s%.2s", day, day + 5, day + 8);
	v = slip_verify(payload, a->keys.pk, a->keys.site_id, today, &s);
	result = slip_verdict_code(v);
	o = cJSON_CreateObject();
	if (v == SLIP_VALID && s.kind == SLIP_TICKET) {
		struct ticket t;
		if (store_ticket(a->st, (int64_t)s.serial, &t, err, sizeof err) == ST_OK) {
			if (t.state != TS_WAITING && t.state != TS_CALLED)
				result = "already_served";
			cJSON_AddItemToObject(o, "ticket", ticket_json(&a->site, &t));
		} else {
			result = "forged";   /* signed by us but unknown: key leak? say so */
			cJSON_AddStringToObject(o, "detail", "signature valid but no such ticket here");
		}
	}
	cJSON_AddStringToObject(o, "result", result);
	cJSON_AddStringToObject(o, "message", slip_verdict_str(v));
	if (v != SLIP_UNKNOWN_FORMAT) {
		cJSON *f = cJSON_AddObjectToObject(o, "slip");
		char num[16];
		cJSON_AddStringToObject(f, "site", s.site);
		cJSON_AddStringToObject(f, "date", s.date);
		cJSON_AddStringToObject(f, "service", s.service);
		snprintf(num, sizeof num, "%s%03d", s.service, s.number);
		cJSON_AddStringToObject(f, "number", num);
		cJSON_AddStringToObject(f, "kind", s.kind == SLIP_ATTESTATION ? "attestation" : "ticket");
		cJSON_AddStringToObject(f, "time", s.time);
		cJSON_AddStringToObject(f, "device", s.device);
		cJSON_AddNumberToObject(f, "serial", (double)s.serial);
		if (s.kind == SLIP_ATTESTATION) {
			cJSON_AddNumberToObject(f, "attempt", s.attempt);
			cJSON_AddStringToObject(f, "first_date", s.first_date);
			cJSON_AddNumberToObject(f, "weeks", s.weeks);
		}
	}
	reply(r, 200, o);
out:
	cJSON_Delete(j);
}

static void
get_alerts(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct alert al[50];
	char day[11], err[200];
	int i, n;
	cJSON *j, *arr;

	if (need_staff(q, w, 1, r))
		return;
	queue_local_day(q->now, day);
	if ((n = store_alerts_today(a->st, day, al, 50, err, sizeof err)) < 0) {
		store_fail(r, n, err);
		return;
	}
	j = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(j, "alerts");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, alert_json(&al[i]));
	reply(r, 200, j);
}

static int
valid_day(const char *d)
{
	int i;
	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)d[i]))
			return 0;
	return 1;
}

/* Public open figures of a day, per service and hour. */
static void
get_stats(struct api *a, const struct api_req *q, struct api_resp *r)
{
	static struct stat_row rows[SITE_MAX_SERVICES * 25];
	static pthread_mutex_t rows_lock = PTHREAD_MUTEX_INITIALIZER;
	char day[11], err[200];
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
	pthread_mutex_lock(&rows_lock);
	if ((n = store_stats(a->st, day, rows, (int)(sizeof rows / sizeof rows[0]), err, sizeof err)) < 0) {
		pthread_mutex_unlock(&rows_lock);
		store_fail(r, n, err);
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "site", site_json(&a->site, q->now));
	cJSON_AddStringToObject(j, "day", day);
	arr = cJSON_AddArrayToObject(j, "rows");
	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		char c[2] = { rows[i].service, 0 };
		cJSON_AddStringToObject(o, "service", c);
		if (rows[i].hour < 0)
			cJSON_AddNullToObject(o, "hour");
		else
			cJSON_AddNumberToObject(o, "hour", rows[i].hour);
		cJSON_AddNumberToObject(o, "issued", rows[i].issued);
		cJSON_AddNumberToObject(o, "served", rows[i].served);
		cJSON_AddNumberToObject(o, "no_show", rows[i].no_show);
		cJSON_AddNumberToObject(o, "not_served", rows[i].not_served);
		cJSON_AddNumberToObject(o, "attestations", rows[i].attestations);
		cJSON_AddNumberToObject(o, "refused_duplicates", rows[i].refused_duplicates);
		cJSON_AddNumberToObject(o, "wait_p50_s", rows[i].wait_p50_s);
		cJSON_AddNumberToObject(o, "wait_p90_s", rows[i].wait_p90_s);
		cJSON_AddNumberToObject(o, "service_avg_s", rows[i].service_avg_s);
		cJSON_AddItemToArray(arr, o);
	}
	pthread_mutex_unlock(&rows_lock);
	arr = cJSON_AddArrayToObject(j, "services");
	for (i = 0; i < a->site.nservices; i++) {
		cJSON *o = cJSON_CreateObject();
		char c[2] = { a->site.services[i].code, 0 };
		cJSON_AddStringToObject(o, "code", c);
		cJSON_AddItemToObject(o, "name", names_json(&a->site.services[i]));
		cJSON_AddNumberToObject(o, "capacity", a->site.services[i].capacity);
		cJSON_AddItemToArray(arr, o);
	}
	reply(r, 200, j);
}

/* A growable text buffer for the metrics page. */
struct text {
	char *p;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
tprintf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = t->cap - t->len;
		va_start(ap, fmt);
		n = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (t->p && (size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		{
			size_t cap = t->cap * 2 + (size_t)n + 256;
			char *np = realloc(t->p, cap);
			if (np == NULL)
				return;
			t->p = np;
			t->cap = cap;
		}
	}
}

void
api_metrics(struct api *a, int64_t now, struct api_resp *r)
{
	static const struct { const char *kind, *name, *help; } totals[] = {
		{ "issue", "kiosk_tickets_issued_total", "Tickets issued." },
		{ "done", "kiosk_tickets_served_total", "Tickets served at a counter." },
		{ "no_show", "kiosk_tickets_no_show_total", "Tickets called that nobody answered." },
		{ "not_served", "kiosk_tickets_not_served_total", "Tickets still waiting at closing." },
		{ "attestation", "kiosk_attestations_total", "Attestations de passage (capacity reached)." },
		{ "duplicate", "kiosk_duplicates_refused_total", "Second tickets refused to a bound holder." },
	};
	struct service_stat ss[SITE_MAX_SERVICES];
	struct counter_view cv[SITE_MAX_COUNTERS];
	struct text t = { NULL, 0, 0 };
	char err[200];
	size_t k;
	int i, n, nc, open = 0, paused = 0;

	memset(r, 0, sizeof *r);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	n = store_services(a->st, &a->site, now, ss, SITE_MAX_SERVICES, err, sizeof err);
	nc = store_counters(a->st, cv, SITE_MAX_COUNTERS, err, sizeof err);
	if (n < 0 || nc < 0) {
		r->status = 503;
		r->body = strdup("# storage failure\n");
		return;
	}
	for (k = 0; k < sizeof totals / sizeof totals[0]; k++) {
		tprintf(&t, "# HELP %s %s\n# TYPE %s counter\n", totals[k].name, totals[k].help,
		    totals[k].name);
		for (i = 0; i < n; i++)
			tprintf(&t, "%s{service=\"%c\"} %lld\n", totals[k].name, ss[i].code,
			    (long long)store_total(a->st, totals[k].kind, ss[i].code));
	}
#define GAUGE(name, help, field) do { \
		tprintf(&t, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name); \
		for (i = 0; i < n; i++) \
			tprintf(&t, "%s{service=\"%c\"} %d\n", name, ss[i].code, ss[i].field); \
	} while (0)
	GAUGE("kiosk_queue_waiting", "Tickets waiting now.", waiting);
	GAUGE("kiosk_tickets_issued_today", "Tickets issued today.", issued);
	GAUGE("kiosk_tickets_left_today", "Ordinary tickets left today.", left_today);
	GAUGE("kiosk_capacity_daily", "Daily capacity, priority reserve included.", capacity);
	GAUGE("kiosk_estimated_wait_seconds", "Estimated wait for a ticket issued now.", estimated_wait_s);
	GAUGE("kiosk_longest_wait_seconds", "Longest wait of the tickets waiting now.", longest_wait_s);
#undef GAUGE
	for (i = 0; i < nc; i++) {
		open += !strcmp(cv[i].state, "open");
		paused += !strcmp(cv[i].state, "paused");
	}
	tprintf(&t, "# HELP kiosk_counters Counters by state.\n# TYPE kiosk_counters gauge\n"
	    "kiosk_counters{state=\"open\"} %d\nkiosk_counters{state=\"paused\"} %d\n"
	    "kiosk_counters{state=\"closed\"} %d\n", open, paused, nc - open - paused);
	tprintf(&t, "# HELP kiosk_site_open Whether the site is open now.\n# TYPE kiosk_site_open gauge\n"
	    "kiosk_site_open %d\n", queue_is_open(&a->site, now));
	r->status = t.p ? 200 : 503;
	r->body = t.p;
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
	reply(r, 200, o);
}

static void
post_logout(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	char secret[128], err[200];

	if (w->session && need_staff(q, w, 1, r))
		return;
	if (q->cookie && cookie_value(q->cookie, "kiosk_session", secret, sizeof secret))
		store_cred_revoke(a->st, secret, err, sizeof err);
	snprintf(r->set_cookie, sizeof r->set_cookie,
	    "kiosk_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	reply(r, 200, cJSON_CreateObject());
}

static void
get_health(struct api *a, const struct api_req *q, struct api_resp *r)
{
	cJSON *o = cJSON_CreateObject();
	struct counter_view cv[1];
	char now[32], err[200];
	int db = store_counters(a->st, cv, 1, err, sizeof err) >= 0;

	queue_rfc3339(q->now, now);
	cJSON_AddStringToObject(o, "status", db ? "ok" : "degraded");
	cJSON_AddStringToObject(o, "version", "1.0.0");
	cJSON_AddStringToObject(o, "db", db ? "ok" : err);
	cJSON_AddStringToObject(o, "site", a->site.id);
	cJSON_AddStringToObject(o, "time", now);
	reply(r, 200, o);
}

#define ROUTE(m, p) (!strcmp(q->method, m) && !strcmp(path, p))

void
api_handle(struct api *a, const struct api_req *q, struct api_resp *r)
{
	struct who w;
	const char *path = q->path;

	memset(r, 0, sizeof *r);
	if (strncmp(path, "/api/v1/", 8) != 0) {
		fail(r, 404, "not_found", "no route %s", path);
		return;
	}
	if (identify(a, q, &w, r) < 0)
		return;
	if (ROUTE("GET", "/api/v1/health"))
		get_health(a, q, r);
	else if (ROUTE("GET", "/api/v1/services"))
		get_services(a, q, r);
	else if (ROUTE("POST", "/api/v1/tickets"))
		post_ticket(a, q, &w, r);
	else if (!strncmp(path, "/api/v1/tickets/", 16))
		ticket_routes(a, q, &w, path + 16, r);
	else if (ROUTE("GET", "/api/v1/counters"))
		get_counters(a, q, &w, r);
	else if (!strncmp(path, "/api/v1/counters/", 17))
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
	else if (!strncmp(path, "/api/v1/attestations/", 21))
		attestation_printed(a, q, &w, path + 21, r);
	else if (ROUTE("GET", "/api/v1/alerts"))
		get_alerts(a, q, &w, r);
	else if (ROUTE("GET", "/api/v1/stats"))
		get_stats(a, q, r);
	else if (!strcmp(path, "/api/v1/health") || !strcmp(path, "/api/v1/services") ||
	    !strcmp(path, "/api/v1/tickets") || !strcmp(path, "/api/v1/board") ||
	    !strcmp(path, "/api/v1/login") || !strcmp(path, "/api/v1/counters"))
		fail(r, 405, "method", "method %s not allowed on %s", q->method, path);
	else
		fail(r, 404, "not_found", "no route %s %s", q->method, path);
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
	return w.level > 0;
}

int
api_tick(struct api *a, int64_t now)
{
	char err[200], day[11];
	int n = store_close_day(a->st, &a->site, now, err, sizeof err);

	if (n > 0)
		publish_counts(a, now);
	/* Retention at start and once per local day. */
	queue_local_day(now, day);
	if (strcmp(day, a->retention_day) != 0) {
		if (store_retention(a->st, &a->site, now, err, sizeof err) == 0)
			snprintf(a->retention_day, sizeof a->retention_day, "%s", day);
		else
			log_warnx("api: retention: %s", err);
	}
	return 60;
}

struct api *
api_new(struct store *st, const struct site *site, const struct api_keys *keys, struct bus *bus)
{
	struct api *a = calloc(1, sizeof *a);

	if (a == NULL)
		return NULL;
	a->st = st;
	a->bus = bus;
	a->site = *site;
	a->keys = *keys;
	pthread_mutex_init(&a->lock, NULL);
	pthread_mutex_init(&a->counts_lock, NULL);
	{
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&a->counts_cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (pthread_create(&a->counts_thread, NULL, counts_main, a) != 0) {
		api_free(a);
		return NULL;
	}
	a->counts_started = 1;
	return a;
}

void
api_free(struct api *a)
{
	if (a == NULL)
		return;
	if (a->counts_started) {
		pthread_mutex_lock(&a->counts_lock);
		a->counts_stop = 1;
		pthread_cond_signal(&a->counts_cond);
		pthread_mutex_unlock(&a->counts_lock);
		pthread_join(a->counts_thread, NULL);
	}
	sodium_memzero(&a->keys, sizeof a->keys);
	pthread_cond_destroy(&a->counts_cond);
	pthread_mutex_destroy(&a->counts_lock);
	pthread_mutex_destroy(&a->lock);
	free(a);
}
