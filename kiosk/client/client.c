/*
 * client: the kiosk's HTTP client (see client.h). The only file that
 * includes libcurl. One easy handle per struct client, reused so that the
 * connection to the server is kept between calls; answers are parsed with
 * cJSON into the plain structs of client.h.
 *
 * Why blocking curl_easy_perform and not the multi interface: every caller
 * already runs these calls off its UI thread (the touchscreen's worker, or
 * the one-shot `kiosk ticket`), and the hard time limits below bound each
 * call, which is all the UI needs to stay honest.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <sodium.h>

#include "client/client.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/str.h"

#define CLIENT_BODY_MAX (1 << 20)  /* refuse answers larger than this */
#define CLIENT_REASON_MAX 120      /* the server keeps this much of a print reason */

struct client {
	CURL *curl;              /* the easy handle, kept for connection reuse */
	char *base;              /* base URL without the trailing '/' */
	char *auth;              /* "Authorization: Bearer KEY", or NULL */
	char *cafile;            /* CA file for HTTPS, or NULL */
	int connect_ms;          /* connect time limit */
	int total_ms;            /* whole request time limit */
	char code[32];           /* "code" of the last error answer, "" if none */
	char when[40];           /* its "come_back_at" or "date", "" if none */
	char key[32];            /* Idempotency-Key of the last POST, "" before one */
};

/* An answer being received. */
struct answer {
	struct buf body;         /* the bytes so far */
	int too_big;             /* the answer passed CLIENT_BODY_MAX */
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_OK;

static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

const char *
client_rc_str(enum client_rc rc)
{
	switch (rc) {
	case CLIENT_OK:          return "ok";
	case CLIENT_UNREACHABLE: return "server unreachable";
	case CLIENT_CLOSED:      return "closed";
	case CLIENT_FULL:        return "full";
	case CLIENT_LIMIT:       return "reprint limit reached";
	case CLIENT_REFUSED:     return "refused";
	case CLIENT_UNAVAILABLE: return "server unavailable";
	case CLIENT_PROTOCOL:    return "bad answer from the server";
	case CLIENT_UNCERTAIN:   return "no answer: it may have been done";
	}
	return "?";
}

struct client *
client_new(const char *base_url, const char *device_key, char *err, size_t errlen)
{
	struct client *c;
	size_t n;

	if (base_url == NULL || (strncmp(base_url, "http://", 7) && strncmp(base_url, "https://", 8))) {
		errf(err, errlen, "server URL must start with http:// or https:// (got '%s')",
		    base_url ? base_url : "");
		return NULL;
	}
	if (device_key && strpbrk(device_key, "\r\n")) {
		errf(err, errlen, "device key holds a line break");
		return NULL;
	}
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		errf(err, errlen, "libcurl: %s", curl_easy_strerror(global_rc));
		return NULL;
	}
	if ((c = calloc(1, sizeof *c)) == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	c->connect_ms = CLIENT_CONNECT_MS;
	c->total_ms = CLIENT_TOTAL_MS;
	if ((c->base = strdup(base_url)) == NULL)
		goto oom;
	n = strlen(c->base);
	while (n > 0 && c->base[n - 1] == '/')
		c->base[--n] = '\0';
	if (device_key && *device_key) {
		size_t len = strlen(device_key) + 32;
		if ((c->auth = malloc(len)) == NULL)
			goto oom;
		snprintf(c->auth, len, "Authorization: Bearer %s", device_key);
	}
	if ((c->curl = curl_easy_init()) == NULL) {
		errf(err, errlen, "libcurl: cannot make a handle");
		client_free(c);
		return NULL;
	}
	return c;
oom:
	errf(err, errlen, "out of memory");
	client_free(c);
	return NULL;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->base);
	free(c->auth);
	free(c->cafile);
	free(c);
}

void
client_set_timeouts(struct client *c, int connect_ms, int total_ms)
{
	if (connect_ms > 0)
		c->connect_ms = connect_ms;
	if (total_ms > 0)
		c->total_ms = total_ms;
}

const char *
client_last_code(const struct client *c)
{
	return c->code;
}

const char *
client_last_when(const struct client *c)
{
	return c->when;
}

const char *
client_last_key(const struct client *c)
{
	return c->key;
}

void
client_set_cafile(struct client *c, const char *path)
{
	free(c->cafile);
	c->cafile = path ? strdup(path) : NULL;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct answer *a = arg;
	size_t n = size * nmemb;

	if (a->body.len + n > CLIENT_BODY_MAX) {
		a->too_big = 1;
		return 0;       /* makes curl stop with CURLE_WRITE_ERROR */
	}
	buf_add(&a->body, data, n);
	return a->body.failed ? 0 : n;
}

/*
 * One request. body: JSON text to POST, or NULL for GET; key: its
 * Idempotency-Key, or NULL. On an HTTP answer (any status) returns
 * CLIENT_OK with *status and *json (NULL when the body is not JSON);
 * otherwise CLIENT_UNREACHABLE or CLIENT_PROTOCOL with err, and *sent says
 * whether any of the request's bytes went out (the server may have it).
 */
static enum client_rc
request(struct client *c, const char *path, const char *body, const char *key, long *status,
    cJSON **json, int *sent, char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL, *h;
	struct answer b = { BUF_INIT, 0 };
	char url[1024], curlerr[CURL_ERROR_SIZE], keyhdr[64];
	enum client_rc rc = CLIENT_OK;
	long reqsize = 0;
	CURLcode cc;
	CURL *k = c->curl;

	*status = 0;
	*json = NULL;
	*sent = 0;
	c->code[0] = c->when[0] = '\0';
	if ((size_t)snprintf(url, sizeof url, "%s%s", c->base, path) >= sizeof url)
		return errf(err, errlen, "server URL too long"), CLIENT_PROTOCOL;
	curl_easy_reset(k);
	curlerr[0] = '\0';
	if (c->auth && (h = curl_slist_append(hdrs, c->auth)) != NULL)
		hdrs = h;
	if (body && (h = curl_slist_append(hdrs, "Content-Type: application/json")) != NULL)
		hdrs = h;
	/* No "Expect: 100-continue" round trip for our small bodies. */
	if ((h = curl_slist_append(hdrs, "Expect:")) != NULL)
		hdrs = h;
	if (key) {
		snprintf(keyhdr, sizeof keyhdr, "Idempotency-Key: %s", key);
		if ((h = curl_slist_append(hdrs, keyhdr)) != NULL)
			hdrs = h;
	}
	curl_easy_setopt(k, CURLOPT_URL, url);
	curl_easy_setopt(k, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);          /* threads: no SIGALRM */
	curl_easy_setopt(k, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_ms);
	curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, (long)c->total_ms);
	curl_easy_setopt(k, CURLOPT_ERRORBUFFER, curlerr);
	curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(k, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(k, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(k, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(k, CURLOPT_USERAGENT, "kiosk/1");
	if (c->cafile)
		curl_easy_setopt(k, CURLOPT_CAINFO, c->cafile);
	if (body) {
		curl_easy_setopt(k, CURLOPT_POST, 1L);
		curl_easy_setopt(k, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	cc = curl_easy_perform(k);
	/* Bytes of the request sent: then the server may have acted on it. */
	if (curl_easy_getinfo(k, CURLINFO_REQUEST_SIZE, &reqsize) != CURLE_OK || reqsize > 0)
		*sent = 1;
	if (cc != CURLE_OK) {
		if (b.too_big) {
			errf(err, errlen, "the server's answer is larger than %d bytes", CLIENT_BODY_MAX);
			rc = CLIENT_PROTOCOL;
		} else {
			errf(err, errlen, "server %s unreachable: %s", c->base,
			    curlerr[0] ? curlerr : curl_easy_strerror(cc));
			rc = CLIENT_UNREACHABLE;
		}
		goto out;
	}
	curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, status);
	if (b.body.p)
		*json = cJSON_ParseWithLength(b.body.p, b.body.len);
out:
	/* The handle keeps a pointer to these; clear them before they go. */
	curl_easy_setopt(k, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(k, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdrs);
	buf_free(&b.body);
	return rc;
}

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
jint(const cJSON *o, const char *key, int dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v) || v->valuedouble < -2e9 || v->valuedouble > 2e9)
		return dflt;
	return (int)v->valuedouble;
}

static int
jbool(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* Map a non-2xx answer to a result, with the server's reason in err. */
static enum client_rc
http_error(struct client *c, long status, const cJSON *j, char *err, size_t errlen)
{
	const char *msg = j ? jstr(j, "error") : NULL;
	const char *code = j ? jstr(j, "code") : NULL;

	str_copy_utf8(c->code, sizeof c->code, code);
	/* a refused check-in says when: to come back, or the appointment's day;
	 * a holder refused for a ticket at another site, that ticket's number */
	str_copy_utf8(c->when, sizeof c->when, j ? (jstr(j, "come_back_at") ?
	    jstr(j, "come_back_at") : jstr(j, "date") ? jstr(j, "date") :
	    jstr(j, "number")) : NULL);

	if (msg)
		errf(err, errlen, "%s", msg);
	else
		errf(err, errlen, "the server answered HTTP %ld", status);
	if (status == 409 && code) {
		if (!strcmp(code, "closed"))
			return CLIENT_CLOSED;
		if (!strcmp(code, "full"))
			return CLIENT_FULL;
		if (!strcmp(code, "reprint_limit"))
			return CLIENT_LIMIT;
	}
	if (status >= 500)
		return CLIENT_UNAVAILABLE;
	if (status >= 400)
		return CLIENT_REFUSED;
	errf(err, errlen, "unexpected HTTP %ld from the server", status);
	return CLIENT_PROTOCOL;
}

/* A fresh Idempotency-Key: 16 random bytes, base64url (22 characters). */
static void
new_key(struct client *c)
{
	unsigned char r[16];

	randombytes_buf(r, sizeof r);
	sodium_bin2base64(c->key, sizeof c->key, r, sizeof r, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Wait before retry n (1, 2, 3): 250 ms, 500 ms, 1 s. */
static void
pause_before(int n)
{
	struct timespec ts = { 0, 0 };
	long ms = 250L << (n - 1);

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/*
 * One call that expects a JSON object with a 2xx status. A POST gets a new
 * key and is sent again with it, up to CLIENT_RETRIES times, when no answer
 * came (timeout, lost connection) or a 5xx did. Then: CLIENT_UNCERTAIN if
 * any attempt may have reached the server without a 503 after it (503:
 * nothing was stored), else the last attempt's result.
 */
static enum client_rc
call(struct client *c, const char *path, const char *body, cJSON **json, char *err, size_t errlen)
{
	enum client_rc rc;
	long status;
	int attempt, sent, maybe = 0;

	*json = NULL;
	if (body)
		new_key(c);
	for (attempt = 0;; attempt++) {
		if (attempt > 0)
			pause_before(attempt);
		rc = request(c, path, body, body ? c->key : NULL, &status, json, &sent, err, errlen);
		if (rc == CLIENT_OK && status < 500)
			break;
		/* Not answered: did this one reach the server? A 503 says nothing
		 * was kept; any other failure after sending leaves it open. */
		if (rc == CLIENT_OK)
			maybe |= status != 503;
		else if (sent)
			maybe = 1;
		if (body == NULL || attempt >= CLIENT_RETRIES || rc == CLIENT_PROTOCOL) {
			if (rc == CLIENT_OK) {
				rc = http_error(c, status, *json, err, errlen);
				cJSON_Delete(*json);
				*json = NULL;
			}
			/* A bad answer is an answer: not "uncertain". */
			if (body && maybe && rc != CLIENT_PROTOCOL) {
				char why[200];
				snprintf(why, sizeof why, "%s", err);
				errf(err, errlen, "no answer from the server after %d attempts (%s): the "
				    "request may have been done; its key is %s", attempt + 1, why, c->key);
				return CLIENT_UNCERTAIN;
			}
			return rc;
		}
		cJSON_Delete(*json);
		*json = NULL;
		log_info("client: %s: %s; sending it again with the same key %s (attempt %d)",
		    path, rc == CLIENT_OK ? "server error" : err, c->key, attempt + 2);
	}
	if (status < 200 || status > 299) {
		rc = http_error(c, status, *json, err, errlen);
		cJSON_Delete(*json);
		*json = NULL;
		return rc;
	}
	if (!cJSON_IsObject(*json)) {
		cJSON_Delete(*json);
		*json = NULL;
		errf(err, errlen, "the server's answer to %s is not a JSON object", path);
		return CLIENT_PROTOCOL;
	}
	return CLIENT_OK;
}

/* ---- services --------------------------------------------------------- */

void
client_menu_free(struct client_menu *m)
{
	int i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nservices; i++)
		free(m->services[i].names);
	free(m->services);
	free(m->notices);
	free(m);
}

const char *
client_notice_text(const struct client_notice *n, const char *lang, const char **text_lang)
{
	const struct client_notice_text *t = NULL;
	int i;

	for (i = 0; lang && !t && i < n->ntexts; i++)
		if (!strcmp(n->texts[i].lang, lang))
			t = &n->texts[i];
	for (i = 0; !t && i < n->ntexts; i++)
		if (!strcmp(n->texts[i].lang, "fr"))
			t = &n->texts[i];
	if (!t && n->ntexts > 0)
		t = &n->texts[0];
	if (text_lang)
		*text_lang = t ? t->lang : "fr";
	return t ? t->text : NULL;
}

/* "notices":[{"id":1,"text":{"fr":"...",...}}] (absent from an older server). */
static int
parse_notices(const cJSON *arr, struct client_menu *m)
{
	const cJSON *v, *t;
	int n = cJSON_GetArraySize(arr);

	if (!cJSON_IsArray(arr) || n == 0)
		return 0;
	if ((m->notices = calloc((size_t)(n < CLIENT_NOTICES ? n : CLIENT_NOTICES),
	    sizeof *m->notices)) == NULL)
		return -1;
	cJSON_ArrayForEach(v, arr) {
		struct client_notice *x = &m->notices[m->nnotices];
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(v, "id");
		if (m->nnotices == CLIENT_NOTICES)
			break;
		x->id = cJSON_IsNumber(id) ? (int64_t)id->valuedouble : 0;
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(v, "text")) {
			struct client_notice_text *y = &x->texts[x->ntexts];
			if (!cJSON_IsString(t) || t->string == NULL || !*t->valuestring ||
			    x->ntexts == CLIENT_NOTICE_LANGS)
				continue;
			str_copy_utf8(y->lang, sizeof y->lang, t->string);
			str_copy_utf8(y->text, sizeof y->text, t->valuestring);
			x->ntexts++;
		}
		if (x->ntexts > 0)
			m->nnotices++;
	}
	return 0;
}

const char *
client_service_name(const struct client_service *s, const char *lang)
{
	int i;

	for (i = 0; lang && i < s->nnames; i++)
		if (!strcmp(s->names[i].lang, lang))
			return s->names[i].text;
	for (i = 0; i < s->nnames; i++)
		if (!strcmp(s->names[i].lang, "fr"))
			return s->names[i].text;
	return s->code;
}

/* Names object {"fr":"...","en":"..."}: French first. */
static int
parse_names(const cJSON *o, struct client_service *s)
{
	const cJSON *v;
	int n = 0, i;

	cJSON_ArrayForEach(v, o)
		n++;
	s->names = calloc(n ? (size_t)n : 1, sizeof *s->names);
	if (s->names == NULL)
		return -1;
	cJSON_ArrayForEach(v, o) {
		if (!cJSON_IsString(v) || v->string == NULL)
			continue;
		i = s->nnames++;
		str_copy_utf8(s->names[i].lang, sizeof s->names[i].lang, v->string);
		str_copy_utf8(s->names[i].text, sizeof s->names[i].text, v->valuestring);
		if (!strcmp(v->string, "fr") && i > 0) {
			struct client_name t = s->names[0];
			s->names[0] = s->names[i];
			s->names[i] = t;
		}
	}
	return 0;
}

/* "draw":{"id":3,"closes":"08:45"|null,"commitment":"…"}, or null/absent. */
static void
parse_draw(const cJSON *d, struct client_service *s)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(d, "id");
	const char *closes = jstr(d, "closes"), *commitment = jstr(d, "commitment");

	if (!cJSON_IsObject(d) || !cJSON_IsNumber(id) || id->valuedouble < 1 ||
	    id->valuedouble > 9007199254740992.0)
		return;
	s->draw_id = (int64_t)id->valuedouble;
	/* only a time is shown as one */
	if (closes && strlen(closes) == 5 && closes[2] == ':')
		str_copy_utf8(s->draw_closes, sizeof s->draw_closes, closes);
	str_copy_utf8(s->draw_commitment, sizeof s->draw_commitment, commitment);
}

enum client_rc
client_services(struct client *c, struct client_menu **out, char *err, size_t errlen)
{
	const cJSON *site, *arr, *v;
	struct client_menu *m = NULL;
	enum client_rc rc;
	cJSON *j;
	int n;

	*out = NULL;
	if ((rc = call(c, "/api/v1/services", NULL, &j, err, errlen)) != CLIENT_OK)
		return rc;
	site = cJSON_GetObjectItemCaseSensitive(j, "site");
	arr = cJSON_GetObjectItemCaseSensitive(j, "services");
	if (!cJSON_IsObject(site) || !cJSON_IsArray(arr)) {
		errf(err, errlen, "the server's services answer lacks 'site' or 'services'");
		rc = CLIENT_PROTOCOL;
		goto out;
	}
	n = cJSON_GetArraySize(arr);
	if ((m = calloc(1, sizeof *m)) == NULL ||
	    (m->services = calloc(n ? (size_t)n : 1, sizeof *m->services)) == NULL)
		goto oom;
	str_copy_utf8(m->site.id, sizeof m->site.id, jstr(site, "id"));
	str_copy_utf8(m->site.name, sizeof m->site.name, jstr(site, "name"));
	str_copy_utf8(m->site.tz, sizeof m->site.tz, jstr(site, "timezone"));
	str_copy_utf8(m->site.opens, sizeof m->site.opens, jstr(site, "opens"));
	str_copy_utf8(m->site.closes, sizeof m->site.closes, jstr(site, "closes"));
	m->site.open = jbool(site, "open");
	if ((v = cJSON_GetObjectItemCaseSensitive(site, "next_opening")) != NULL) {
		str_copy_utf8(m->site.next_day, sizeof m->site.next_day, jstr(v, "day"));
		str_copy_utf8(m->site.next_opens, sizeof m->site.next_opens, jstr(v, "opens"));
	}
	cJSON_ArrayForEach(v, arr) {
		struct client_service *s = &m->services[m->nservices];
		const char *code = jstr(v, "code");
		if (!cJSON_IsObject(v) || code == NULL || !*code)
			continue;
		m->nservices++;
		str_copy_utf8(s->code, sizeof s->code, code);
		if (parse_names(cJSON_GetObjectItemCaseSensitive(v, "name"), s) < 0)
			goto oom;
		s->waiting = jint(v, "waiting", 0);
		s->estimated_wait_s = jint(v, "estimated_wait_s", -1);
		s->left_today = jint(v, "left_today", -1);
		s->capacity = jint(v, "capacity", -1);
		s->open = jbool(v, "open");
		s->bind_holder = jbool(v, "bind_holder");
		parse_draw(cJSON_GetObjectItemCaseSensitive(v, "draw"), s);
	}
	if (parse_notices(cJSON_GetObjectItemCaseSensitive(j, "notices"), m) < 0)
		goto oom;
	*out = m;
	m = NULL;
	goto out;
oom:
	errf(err, errlen, "out of memory");
	rc = CLIENT_PROTOCOL;
out:
	client_menu_free(m);
	cJSON_Delete(j);
	return rc;
}

/* ---- tickets ---------------------------------------------------------- */

static enum client_rc
parse_ticket(const cJSON *j, struct client_ticket *t, char *err, size_t errlen)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
	const cJSON *site = cJSON_GetObjectItemCaseSensitive(j, "site");
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(j, "service_name");
	const cJSON *appt = cJSON_GetObjectItemCaseSensitive(j, "appointment");
	const char *number = jstr(j, "number"), *kind = jstr(j, "kind");
	int att;

	memset(t, 0, sizeof *t);
	if (kind == NULL)
		kind = "ticket";
	if (!strcmp(kind, "convocation")) {
		/* Printed and reported as the attestation it also is. */
		t->conv_id = cJSON_IsNumber(id) ? (int64_t)id->valuedouble : 0;
		str_copy_utf8(t->conv_date, sizeof t->conv_date, jstr(j, "date"));
		str_copy_utf8(t->conv_from, sizeof t->conv_from, jstr(j, "from"));
		str_copy_utf8(t->conv_to, sizeof t->conv_to, jstr(j, "to"));
		str_copy_utf8(t->conv_code, sizeof t->conv_code, jstr(j, "code"));
		id = cJSON_GetObjectItemCaseSensitive(j, "attestation");
		kind = "attestation";
	}
	att = !strcmp(kind, "attestation");
	if (!cJSON_IsNumber(id) || id->valuedouble < 1 || id->valuedouble > 9007199254740992.0 ||
	    (!att && (number == NULL || !*number))) {
		errf(err, errlen, "the server's ticket lacks 'id' or 'number'");
		return CLIENT_PROTOCOL;
	}
	t->id = (int64_t)id->valuedouble;
	str_copy_utf8(t->number, sizeof t->number, number);
	str_copy_utf8(t->service, sizeof t->service, jstr(j, "service"));
	str_copy_utf8(t->kind, sizeof t->kind, kind);
	t->duplicate = jbool(j, "duplicate");
	str_copy_utf8(t->serial, sizeof t->serial, jstr(j, "serial"));
	str_copy_utf8(t->device, sizeof t->device, jstr(j, "device"));
	str_copy_utf8(t->outcome, sizeof t->outcome, jstr(j, "outcome"));
	t->attempt = jint(j, "attempt", 0);
	str_copy_utf8(t->first_date, sizeof t->first_date, jstr(j, "first_date"));
	t->weeks = jint(j, "weeks", 0);
	str_copy_utf8(t->lang, sizeof t->lang, jstr(j, "lang") ? jstr(j, "lang") : "fr");
	t->priority = jbool(j, "priority");
	str_copy_utf8(t->state, sizeof t->state, jstr(j, "state"));
	str_copy_utf8(t->day, sizeof t->day, jstr(j, "day"));
	str_copy_utf8(t->issued_at, sizeof t->issued_at, jstr(j, "issued_at"));
	t->position = jint(j, "position", -1);
	t->estimated_wait_s = jint(j, "estimated_wait_s", -1);
	str_copy_utf8(t->print, sizeof t->print, jstr(j, "print"));
	str_copy_utf8(t->print_reason, sizeof t->print_reason, jstr(j, "print_reason"));
	t->reprints = jint(j, "reprints", 0);
	str_copy_utf8(t->holder_ref, sizeof t->holder_ref, jstr(j, "holder"));
	if (jstr(j, "token")) {
		if (strlen(jstr(j, "token")) >= sizeof t->token) {
			errf(err, errlen, "the server's token is too long");
			return CLIENT_PROTOCOL;
		}
		str_copy_utf8(t->token, sizeof t->token, jstr(j, "token"));
	}
	if (cJSON_IsObject(site)) {
		str_copy_utf8(t->site_id, sizeof t->site_id, jstr(site, "id"));
		str_copy_utf8(t->site_name, sizeof t->site_name, jstr(site, "name"));
	}
	t->late = jbool(j, "late");
	if (cJSON_IsObject(appt)) {
		str_copy_utf8(t->appt_id, sizeof t->appt_id, jstr(appt, "id"));
		str_copy_utf8(t->appt_start, sizeof t->appt_start, jstr(appt, "start"));
		t->appt_duration_min = jint(appt, "duration_min", 0);
	}
	if (cJSON_IsObject(names)) {
		str_copy_utf8(t->service_fr, sizeof t->service_fr, jstr(names, "fr"));
		str_copy_utf8(t->service_local, sizeof t->service_local, jstr(names, t->lang));
	}
	/* a redeemed enrolment slip (issue #13) */
	t->draw = jint(j, "draw", 0);
	str_copy_utf8(t->draw_outcome, sizeof t->draw_outcome, jstr(j, "draw_outcome"));
	t->draw_rank = jint(j, "rank", 0);
	return CLIENT_OK;
}

/* A call whose answer is a ticket. need_token: the answer must carry one. */
static enum client_rc
ticket_call(struct client *c, const char *path, const char *body, int need_token,
    struct client_ticket *out, char *err, size_t errlen)
{
	struct client_ticket scratch;
	enum client_rc rc;
	cJSON *j;

	if (out == NULL)
		out = &scratch;
	if ((rc = call(c, path, body, &j, err, errlen)) != CLIENT_OK) {
		memset(out, 0, sizeof *out);
		return rc;
	}
	rc = parse_ticket(j, out, err, errlen);
	if (rc == CLIENT_OK && need_token && !out->token[0]) {
		errf(err, errlen, "the server's ticket %s carries no signed token", out->number);
		rc = CLIENT_PROTOCOL;
	}
	cJSON_Delete(j);
	return rc;
}

/* Serialise a cJSON object; NULL when out of memory. Frees o. */
static char *
to_text(cJSON *o)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return s;
}

/*
 * POST body (a JSON object, freed here) to path for a slip: a ticket, or the
 * attestation de passage the server gives instead when there is no place
 * (then CLIENT_FULL, the attestation in *out). secret: the body holds a
 * document number; no copy is left behind.
 */
static enum client_rc
slip_call(struct client *c, const char *path, cJSON *o, int secret, struct client_ticket *out,
    char *err, size_t errlen)
{
	enum client_rc rc;
	char *body;

	memset(out, 0, sizeof *out);
	if ((body = to_text(o)) == NULL)
		return errf(err, errlen, "out of memory"), CLIENT_PROTOCOL;
	rc = ticket_call(c, path, body, 1, out, err, errlen);
	if (secret)
		sodium_memzero(body, strlen(body));
	cJSON_free(body);
	if (rc == CLIENT_OK && out->conv_id) {
		errf(err, errlen, "%s: a convocation for %s, %s-%s was issued instead",
		    out->draw ? "not drawn" : "today's capacity for this service is reached",
		    out->conv_date, out->conv_from, out->conv_to);
		return CLIENT_FULL;
	}
	if (rc == CLIENT_OK && !strcmp(out->kind, "attestation")) {
		errf(err, errlen, "%s: an attestation de passage was issued instead",
		    !strcmp(out->outcome, "late") ? "the appointment's time has passed and no "
		    "place is left" : out->draw ? "not drawn" :
		    "today's capacity for this service is reached");
		return CLIENT_FULL;
	}
	return rc;
}

enum client_rc
client_issue_with(struct client *c, const struct client_request *rq, struct client_ticket *out,
    char *err, size_t errlen)
{
	cJSON *o = cJSON_CreateObject();

	if (o) {
		cJSON_AddStringToObject(o, "service", rq->service ? rq->service : "");
		cJSON_AddStringToObject(o, "lang", rq->lang ? rq->lang : "fr");
		cJSON_AddBoolToObject(o, "priority", rq->priority != 0);
		if (rq->holder)
			cJSON_AddStringToObject(o, "holder", rq->holder);
		if (rq->previous)
			cJSON_AddStringToObject(o, "previous", rq->previous);
	}
	return slip_call(c, "/api/v1/tickets", o, rq->holder != NULL, out, err, errlen);
}

enum client_rc
client_checkin(struct client *c, const struct client_checkin *rq, struct client_ticket *out,
    char *err, size_t errlen)
{
	cJSON *o = cJSON_CreateObject();

	if (o) {
		if (rq->token)   /* a convocation slip's QR, scanned */
			cJSON_AddStringToObject(o, "token", rq->token);
		else
			cJSON_AddStringToObject(o, "code", rq->code ? rq->code : "");
		cJSON_AddStringToObject(o, "lang", rq->lang ? rq->lang : "fr");
		if (rq->holder)
			cJSON_AddStringToObject(o, "holder", rq->holder);
	}
	return slip_call(c, "/api/v1/appointments/checkin", o, rq->holder != NULL, out, err,
	    errlen);
}

enum client_rc
client_draw_redeem(struct client *c, long long draw, const char *entry,
    struct client_ticket *out, char *err, size_t errlen)
{
	char path[128];
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; entry && entry[i]; i++)   /* never a path of the caller's making */
		if (!((entry[i] >= '0' && entry[i] <= '9') || (entry[i] >= 'A' && entry[i] <= 'F')))
			break;
	if (draw <= 0 || entry == NULL || i == 0 || entry[i] != '\0' || i > 64) {
		errf(err, errlen, "not an enrolment slip's draw and entry");
		return CLIENT_PROTOCOL;
	}
	snprintf(path, sizeof path, "/api/v1/draws/%lld/entries/%s/redeem", draw, entry);
	return slip_call(c, path, cJSON_CreateObject(), 0, out, err, errlen);
}

enum client_rc
client_issue(struct client *c, const char *service, const char *lang, int priority,
    struct client_ticket *out, char *err, size_t errlen)
{
	struct client_request rq = { service, lang, priority, NULL, NULL };

	return client_issue_with(c, &rq, out, err, errlen);
}

enum client_rc
client_enrol(struct client *c, const struct client_enrol *rq, struct client_ticket *out,
    char *err, size_t errlen)
{
	const cJSON *draw, *site, *names;
	const char *entry, *token, *closes;
	enum client_rc rc;
	char path[64], *body;
	cJSON *o = cJSON_CreateObject(), *j;

	memset(out, 0, sizeof *out);
	if (o) {
		cJSON_AddStringToObject(o, "lang", rq->lang ? rq->lang : "fr");
		cJSON_AddBoolToObject(o, "priority", rq->priority != 0);
		if (rq->holder)
			cJSON_AddStringToObject(o, "holder", rq->holder);
	}
	if ((body = to_text(o)) == NULL)
		return errf(err, errlen, "out of memory"), CLIENT_PROTOCOL;
	snprintf(path, sizeof path, "/api/v1/draws/%lld/entries", (long long)rq->draw);
	rc = call(c, path, body, &j, err, errlen);
	if (rq->holder)
		sodium_memzero(body, strlen(body));
	cJSON_free(body);
	if (rc != CLIENT_OK)
		return rc;
	draw = cJSON_GetObjectItemCaseSensitive(j, "draw");
	entry = jstr(j, "entry");
	token = jstr(j, "token");
	if (!cJSON_IsNumber(draw) || entry == NULL || strlen(entry) != 20 || token == NULL ||
	    !*token || strlen(token) >= sizeof out->token) {
		errf(err, errlen, "the server's enrolment lacks 'draw', 'entry' or 'token'");
		cJSON_Delete(j);
		return CLIENT_PROTOCOL;
	}
	str_copy_utf8(out->kind, sizeof out->kind, "draw_entry");
	out->draw_id = (int64_t)draw->valuedouble;
	str_copy_utf8(out->draw_entry, sizeof out->draw_entry, entry);
	str_copy_utf8(out->token, sizeof out->token, token);
	out->duplicate = jbool(j, "duplicate");
	out->priority = jbool(j, "priority");
	out->position = out->estimated_wait_s = -1;
	str_copy_utf8(out->lang, sizeof out->lang, jstr(j, "lang") ? jstr(j, "lang") : "fr");
	str_copy_utf8(out->issued_at, sizeof out->issued_at, jstr(j, "enrolled_at"));
	str_copy_utf8(out->service, sizeof out->service, jstr(j, "service"));
	str_copy_utf8(out->holder_ref, sizeof out->holder_ref, jstr(j, "holder_mask"));
	if ((closes = jstr(j, "closes")) != NULL && strlen(closes) == 5 && closes[2] == ':')
		str_copy_utf8(out->draw_closes, sizeof out->draw_closes, closes);
	str_copy_utf8(out->draw_commitment, sizeof out->draw_commitment, jstr(j, "commitment"));
	if (cJSON_IsObject(site = cJSON_GetObjectItemCaseSensitive(j, "site"))) {
		str_copy_utf8(out->site_id, sizeof out->site_id, jstr(site, "id"));
		str_copy_utf8(out->site_name, sizeof out->site_name, jstr(site, "name"));
	}
	if (cJSON_IsObject(names = cJSON_GetObjectItemCaseSensitive(j, "service_name"))) {
		str_copy_utf8(out->service_fr, sizeof out->service_fr, jstr(names, "fr"));
		str_copy_utf8(out->service_local, sizeof out->service_local, jstr(names, out->lang));
	}
	cJSON_Delete(j);
	return CLIENT_OK;
}

/* POST {status, reason, paper_mm} to path; the answer is a ticket when out != NULL. */
static enum client_rc
report(struct client *c, const char *path, const struct client_print *pr,
    struct client_ticket *out, char *err, size_t errlen)
{
	char cut[CLIENT_REASON_MAX + 1];
	cJSON *o = cJSON_CreateObject(), *j;
	enum client_rc rc;
	char *body;

	expect(pr != NULL && pr->status != NULL);
	if (o) {
		cJSON_AddStringToObject(o, "status", pr->status);
		if (pr->reason && *pr->reason) {
			str_copy_utf8(cut, sizeof cut, pr->reason);
			cJSON_AddStringToObject(o, "reason", cut);
		}
		if (pr->paper_mm > 0)
			cJSON_AddNumberToObject(o, "paper_mm", pr->paper_mm);
	}
	if ((body = to_text(o)) == NULL)
		return errf(err, errlen, "out of memory"), CLIENT_PROTOCOL;
	if (out) {
		rc = ticket_call(c, path, body, 0, out, err, errlen);
	} else {
		rc = call(c, path, body, &j, err, errlen);
		cJSON_Delete(j);
	}
	cJSON_free(body);
	return rc;
}

enum client_rc
client_printed(struct client *c, int64_t id, const struct client_print *pr,
    struct client_ticket *out, char *err, size_t errlen)
{
	char path[64];

	snprintf(path, sizeof path, "/api/v1/tickets/%lld/printed", (long long)id);
	return report(c, path, pr, out, err, errlen);
}

enum client_rc
client_attestation_printed(struct client *c, int64_t id, const struct client_print *pr,
    char *err, size_t errlen)
{
	char path[64];

	snprintf(path, sizeof path, "/api/v1/attestations/%lld/printed", (long long)id);
	return report(c, path, pr, NULL, err, errlen);
}

enum client_rc
client_reprint(struct client *c, int64_t id, struct client_ticket *out, char *err, size_t errlen)
{
	char path[64];

	snprintf(path, sizeof path, "/api/v1/tickets/%lld/reprint", (long long)id);
	return ticket_call(c, path, "{}", 1, out, err, errlen);
}

enum client_rc
client_get_ticket(struct client *c, int64_t id, struct client_ticket *out, char *err, size_t errlen)
{
	char path[64];

	snprintf(path, sizeof path, "/api/v1/tickets/%lld", (long long)id);
	return ticket_call(c, path, NULL, 0, out, err, errlen);
}

enum client_rc
client_get_json(struct client *c, const char *path, char **text, char *err, size_t errlen)
{
	enum client_rc rc;
	cJSON *j = NULL;
	long status;
	int sent;

	*text = NULL;
	if ((rc = request(c, path, NULL, NULL, &status, &j, &sent, err, errlen)) != CLIENT_OK)
		return rc;
	if (status != 200) {
		rc = http_error(c, status, j, err, errlen);
	} else if (j == NULL) {
		errf(err, errlen, "the answer is not JSON");
		rc = CLIENT_PROTOCOL;
	} else if ((*text = cJSON_PrintUnformatted(j)) == NULL) {
		errf(err, errlen, "out of memory");
		rc = CLIENT_PROTOCOL;
	}
	cJSON_Delete(j);
	return rc;
}
