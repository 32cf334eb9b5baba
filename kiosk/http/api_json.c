/*
 * api_json: requests in, JSON out (see api_int.h). Every refusal is a 4xx
 * with {"error": "<reason>", "code": "<code>"}; storage failures are 503.
 * The shapes are the contract of docs/API.md.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/queue.h"
#include "core/str.h"
#include "http/api_int.h"

/* -- responses ----------------------------------------------------------------- */

/*
 * j as compact JSON text (malloc'd; NULL when out of memory), always valid
 * UTF-8. cJSON copies string bytes as they are, and some come from the
 * client (a path or a login echoed in an error, a printer's reason kept
 * with the ticket): each byte that starts no valid character becomes
 * U+FFFD. Outside strings cJSON writes ASCII only, so this cannot break
 * the JSON. Found by tests/fuzz/fuzz_api.c.
 */
char *
json_print(const cJSON *j)
{
	char *txt = cJSON_PrintUnformatted(j), *out;
	const unsigned char *s = (const unsigned char *)txt;
	size_t n, i, o = 0, bad = 0, k;

	if (txt == NULL)
		return NULL;
	n = strlen(txt);
	for (i = 0; i < n; i += k ? k : 1)
		bad += (k = str_utf8_char((const char *)s + i, n - i)) == 0;
	if (bad == 0)
		return txt;
	if ((out = malloc(n + 2 * bad + 1)) == NULL) {
		free(txt);
		return NULL;
	}
	for (i = 0; i < n; i += k ? k : 1) {
		k = str_utf8_char((const char *)s + i, n - i);
		memcpy(out + o, k ? (const char *)s + i : "\xEF\xBF\xBD", k ? k : 3);
		o += k ? k : 3;
	}
	out[o] = '\0';
	free(txt);
	return out;
}

void
reply(struct api_resp *r, int status, cJSON *j)
{
	r->status = status;
	r->body = j ? json_print(j) : NULL;
	cJSON_Delete(j);
}

void
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

void
desk_fail(struct api_resp *r, int rc, const char *err)
{
	static const struct { int rc, status; const char *code; } map[] = {
		{ DK_NOTFOUND, 404, "not_found" }, { DK_CONFLICT, 409, "conflict" },
		{ DK_CLOSED, 409, "closed" }, { DK_LIMIT, 409, "reprint_limit" },
		{ DK_DENIED, 401, "denied" }, { DK_BAD, 400, "bad_request" },
		{ DK_HOLDER_REQUIRED, 400, "holder_required" }, { DK_BAD_HOLDER, 400, "bad_holder" },
		{ DK_BAD_PREVIOUS, 400, "bad_previous" }, { DK_KEY_REUSED, 422, "key_reused" },
		{ DK_NOT_CURRENT, 409, "not_current" }, { DK_FORBIDDEN, 403, "forbidden" },
		{ DK_TOO_EARLY, 409, "too_early" }, { DK_NOT_TODAY, 409, "not_today" },
		{ DK_CANCELLED, 409, "cancelled" }, { DK_HOLDER_MISMATCH, 409, "holder_mismatch" },
		{ DK_FULL, 409, "appointments_full" }, { DK_BAD_TOKEN, 400, "bad_token" },
		{ DK_NOT_CONVOCATION, 404, "not_convocation" }, { DK_DRAW_OPEN, 409, "draw_open" },
		{ DK_HOLDER_ELSEWHERE, 409, "holder_elsewhere" },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].rc == rc) {
			fail(r, map[i].status, map[i].code, "%s", err);
			return;
		}
	/* A database being reconnected to: clients say so, and retry. */
	if (err && !strncmp(err, STORE_RECONNECTING, strlen(STORE_RECONNECTING)))
		fail(r, 503, "reconnecting", "%s", err);
	else
		fail(r, 503, "unavailable", "%s", err && err[0] ? err : "storage failure");
}

/* -- requests ---------------------------------------------------------------------- */

/* "application/json", any case, with parameters ("; charset=utf-8") or not. */
static int
json_type(const char *t)
{
	size_t n = strlen("application/json");

	if (t == NULL)
		return 0;
	while (*t == ' ' || *t == '\t')
		t++;
	if (strncasecmp(t, "application/json", n) != 0)
		return 0;
	t += n;
	while (*t == ' ' || *t == '\t')
		t++;
	return *t == '\0' || *t == ';';
}

/* Byte offset of a \u0000 escape inside a JSON string of the raw body, or
 * -1. cJSON decodes it into a NUL that ends its C string: "C\u0000X" would
 * be read as "C". An escaped backslash ("\\u0000") is text, not one. */
static long
escaped_nul(const char *b, size_t n)
{
	size_t i;
	int in = 0;

	for (i = 0; i < n; i++) {
		if (b[i] == '"') {
			in = !in;
		} else if (in && b[i] == '\\' && i + 1 < n) {
			if (b[i + 1] == 'u' && i + 5 < n && !memcmp(b + i + 2, "0000", 4))
				return (long)i;
			i++;   /* skip the escaped character */
		}
	}
	return -1;
}

/* 1 when every string (and key) in j is valid UTF-8 once decoded: cJSON
 * turns \uD800-style escapes into bytes without checking them. */
static int
strings_valid(const cJSON *j)
{
	const cJSON *c;

	for (c = j; c != NULL; c = c->next) {
		if (c->string && !str_utf8_valid(c->string, strlen(c->string)))
			return 0;
		if (cJSON_IsString(c) && c->valuestring &&
		    !str_utf8_valid(c->valuestring, strlen(c->valuestring)))
			return 0;
		if (c->child && !strings_valid(c->child))
			return 0;
	}
	return 1;
}

cJSON *
parse_body(const struct api_req *q, struct api_resp *r, int required)
{
	cJSON *j;
	const char *end = NULL;
	long at;

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
	if (!json_type(q->content_type)) {
		fail(r, 415, "unsupported_media_type", "send the body as JSON, with the header "
		    "'Content-Type: application/json'");
		return NULL;
	}
	if (memchr(q->body, '\0', q->body_len)) {
		fail(r, 400, "bad_json", "the body contains a NUL byte");
		return NULL;
	}
	if (!str_utf8_valid(q->body, q->body_len)) {
		fail(r, 400, "bad_json", "the body is not valid UTF-8");
		return NULL;
	}
	if ((at = escaped_nul(q->body, q->body_len)) >= 0) {
		fail(r, 400, "bad_json", "a string contains \\u0000, at byte %ld", at);
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
	if (!strings_valid(j)) {
		cJSON_Delete(j);
		fail(r, 400, "bad_json", "a string is not valid Unicode (a lone surrogate?)");
		return NULL;
	}
	return j;
}

const char *
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

int
int_field(const cJSON *j, const char *key, int max, int *out, int *bad, struct api_resp *r)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	if (v == NULL || *bad)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)v->valuedouble ||
	    v->valueint < 0 || v->valueint > max) {
		fail(r, 400, "bad_request", "'%s' must be a whole number from 0 to %d", key, max);
		*bad = 1;
		return 0;
	}
	*out = v->valueint;
	return 1;
}

int
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

int
valid_day(const char *d)
{
	return queue_valid_day(d);
}

int64_t
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

int64_t
path_id(const char *s, const char **rest)
{
	char buf[24];
	size_t n = strcspn(s, "/");

	*rest = s + n;
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return parse_id(buf);
}

const char *
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

/* -- the desk's things as JSON -------------------------------------------------------- */

void
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

static void
add_code(cJSON *j, const char *key, char code)
{
	char c[2] = { code, 0 };

	cJSON_AddStringToObject(j, key, c);
}

cJSON *
names_json(const struct site_service *sv)
{
	cJSON *n = cJSON_CreateObject();
	int i;

	cJSON_AddStringToObject(n, "fr", sv->name);
	for (i = 0; i < sv->nnames; i++)
		cJSON_AddStringToObject(n, sv->names[i].lang, sv->names[i].name);
	return n;
}

cJSON *
hhmm_json(int minutes)
{
	char hhmm[16];

	snprintf(hhmm, sizeof hhmm, "%02d:%02d", minutes / 60 % 100, minutes % 60);
	return cJSON_CreateString(hhmm);
}

cJSON *
site_json(const struct site *s, int64_t now)
{
	cJSON *j = cJSON_CreateObject();
	int minute, wday;

	cJSON_AddStringToObject(j, "id", s->id);
	cJSON_AddStringToObject(j, "name", s->name);
	/* the site's clock: pages and kiosks show times in it, not in their own */
	cJSON_AddStringToObject(j, "timezone", s->tz);
	cJSON_AddBoolToObject(j, "open", queue_is_open(s, now));
	queue_local_minute(now, &minute, &wday);
	if (s->hours[wday].open_min >= 0) {
		cJSON_AddItemToObject(j, "opens", hhmm_json(s->hours[wday].open_min));
		cJSON_AddItemToObject(j, "closes", hhmm_json(s->hours[wday].close_min));
	} else {
		cJSON_AddNullToObject(j, "opens");
		cJSON_AddNullToObject(j, "closes");
	}
	return j;
}

cJSON *
ticket_json(const struct site *s, const struct ticket *t)
{
	cJSON *j = cJSON_CreateObject();
	const struct site_service *sv = site_service(s, t->queue);

	cJSON_AddNumberToObject(j, "id", (double)t->id);
	cJSON_AddStringToObject(j, "number", t->number);
	add_code(j, "service", t->queue);
	if (t->queue != t->service)
		add_code(j, "issued_for", t->service);
	cJSON_AddStringToObject(j, "kind", t->appointment ? "appointment" : "ticket");
	cJSON_AddStringToObject(j, "lang", t->lang);
	cJSON_AddBoolToObject(j, "priority", t->priority);
	cJSON_AddStringToObject(j, "state", queue_state_name((enum ticket_state)t->state));
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
	if (t->appointment) {
		/* An appointment's ticket: which one, and its time (printed on the
		 * slip; the board and the console show these tickets apart). */
		cJSON *ap = cJSON_AddObjectToObject(j, "appointment");
		cJSON_AddStringToObject(ap, "id", t->appt_id);
		add_time(ap, "start", t->appt_start);
		cJSON_AddNumberToObject(ap, "duration_min", t->appt_duration_min);
	}
	if (sv)
		cJSON_AddItemToObject(j, "service_name", names_json(sv));
	return j;
}

cJSON *
attestation_json(const struct site *s, const struct attestation *at, int64_t now)
{
	cJSON *j = cJSON_CreateObject();
	char serial[24];
	const struct site_service *sv = site_service(s, at->service);

	cJSON_AddStringToObject(j, "kind", "attestation");
	cJSON_AddNumberToObject(j, "id", (double)at->id);
	snprintf(serial, sizeof serial, "AT-%s-%06lld", at->day, (long long)at->id);
	cJSON_AddStringToObject(j, "serial", serial);
	add_code(j, "service", at->service);
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
	cJSON_AddItemToObject(j, "site", site_json(s, now));
	return j;
}

cJSON *
counter_json(const struct site *s, const struct counter_view *cv)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddNumberToObject(j, "counter", cv->c.n);
	cJSON_AddStringToObject(j, "name", cv->c.name);
	cJSON_AddStringToObject(j, "services", cv->c.services);
	cJSON_AddStringToObject(j, "state", cv->c.state);
	if (cv->has_ticket)
		cJSON_AddItemToObject(j, "ticket", ticket_json(s, &cv->ticket));
	else
		cJSON_AddNullToObject(j, "ticket");
	return j;
}

cJSON *
alert_json(const struct alert *al)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)al->id);
	cJSON_AddStringToObject(o, "kind", al->kind);
	cJSON_AddStringToObject(o, "message", al->message);
	add_time(o, "at", al->at);
	return o;
}

void
call_fields(cJSON *j, const struct call_view *c)
{
	char audio[96];

	cJSON_AddStringToObject(j, "number", c->number);
	cJSON_AddNumberToObject(j, "counter", c->counter);
	cJSON_AddStringToObject(j, "counter_name", c->counter_name);
	add_code(j, "service", c->service);
	cJSON_AddStringToObject(j, "lang", c->lang);
	cJSON_AddBoolToObject(j, "recall", c->recall);
	add_time(j, "at", c->at);
	snprintf(audio, sizeof audio, "/audio/%s-%d-%s.wav", c->number, c->counter, c->lang);
	cJSON_AddStringToObject(j, "audio", audio);
	/* An appointment's ticket, as ticket_json says it; the board is
	 * public, so only the time, never the booking's id. */
	cJSON_AddStringToObject(j, "kind", c->appt_start ? "appointment" : "ticket");
	if (c->appt_start) {
		cJSON *ap = cJSON_AddObjectToObject(j, "appointment");
		add_time(ap, "start", c->appt_start);
		cJSON_AddNumberToObject(ap, "duration_min", c->appt_duration_min);
	}
}

/* A service's open draw as a kiosk needs it: {"id","closes","commitment"},
 * or null when it has none. */
static cJSON *
service_draw_json(const struct service_stat *ss)
{
	cJSON *o;

	if (ss->draw <= 0)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)ss->draw);
	cJSON_AddItemToObject(o, "closes", ss->draw_closes_min >= 0 ?
	    hhmm_json(ss->draw_closes_min) : cJSON_CreateNull());
	cJSON_AddStringToObject(o, "commitment", ss->draw_commitment);
	return o;
}

cJSON *
services_json(const struct site *s, const struct service_stat *ss, int n, int site_open,
    enum services_form form)
{
	cJSON *arr = cJSON_CreateArray();
	int i;

	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		add_code(o, "code", ss[i].code);
		if (form != SF_COUNTS)
			cJSON_AddItemToObject(o, "name", names_json(site_service(s, ss[i].code)));
		cJSON_AddNumberToObject(o, "waiting", ss[i].waiting);
		if (form == SF_FULL) {
			cJSON_AddNumberToObject(o, "estimated_wait_s", ss[i].estimated_wait_s);
			cJSON_AddNumberToObject(o, "longest_wait_s", ss[i].longest_wait_s);
			cJSON_AddNumberToObject(o, "capacity", ss[i].capacity);
			cJSON_AddNumberToObject(o, "issued", ss[i].issued);
		}
		cJSON_AddNumberToObject(o, "left_today", ss[i].left_today);
		if (form == SF_COUNTS) {
			cJSON_AddNumberToObject(o, "estimated_wait_s", ss[i].estimated_wait_s);
			cJSON_AddNumberToObject(o, "longest_wait_s", ss[i].longest_wait_s);
		}
		if (form == SF_FULL) {
			cJSON_AddNumberToObject(o, "open_counters", ss[i].open_counters);
			cJSON_AddBoolToObject(o, "bind_holder", ss[i].bind_holder);
			cJSON_AddNumberToObject(o, "priority_reserve", ss[i].reserve);
			cJSON_AddBoolToObject(o, "open", ss[i].open && site_open);
		}
		cJSON_AddBoolToObject(o, "open_today", ss[i].open);
		if (form != SF_BOARD)
			cJSON_AddItemToObject(o, "draw", service_draw_json(&ss[i]));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}
