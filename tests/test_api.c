/*
 * test_api: the HTTP API as the pure function it is. Requests go straight
 * into api_handle() with a real store on a temporary file; no socket.
 * Time is a parameter (struct api_req.now), so rate-limit windows pass in
 * an instant. What tests/it_api.sh checks over real HTTP (body limits at
 * the socket, slow clients, a full disk) is not repeated here.
 *
 * The rule checked for every refusal: a 4xx (or 503) status, a JSON object
 * with a readable "error", and nothing written. "Nothing written" is
 * measured with PRAGMA data_version on a second connection, which changes
 * whenever any other connection commits anything to the file (on
 * PostgreSQL, KIOSK_TEST_PG, the next transaction id: fixture_data_version).
 */
#include <cJSON.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http/api.h"
#include "http/api_int.h"
#include "core/bus.h"
#include "core/str.h"
#include "core/site.h"
#include "store/store.h"
#include "fixture.h"

static char dir[256], dbpath[300];
static struct store *st;
static struct desk *desk;
static struct api *api;
static struct bus *bus;
static sqlite3 *watch;            /* SQLite: second connection: data_version, counts */
static int64_t now;               /* the clock every request carries */
static char dk[80], dk2[80], tok_agent[80], tok_manager[80], tok_admin[80];

static const char site_ini[] =
    "[site]\n"
    "id = test-93\n"
    "name = Test site\n"
    "timezone = Europe/Paris\n"
    "mon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\nthu = 00:00-24:00\n"
    "fri = 00:00-24:00\nsat = 00:00-24:00\nsun = closed\n"
    "max_recalls = 1\npriority_streak = 3\nreprint_limit = 2\n"
    "[service A]\nname = Service A\nname.en = A service\ncapacity = 100\npriority_reserve = 2\n"
    "[service B]\nname = Service B\ncapacity = 100\npriority_reserve = 0\n"
    "[service C]\nname = Service C\ncapacity = 2\npriority_reserve = 0\n"
    "[service H]\nname = Bound service\ncapacity = 100\npriority_reserve = 0\nbind_holder = yes\n"
    "[counter 1]\nservices = A B\n"
    "[counter 2]\nservices = B\n"
    "[counter 3]\nservices = C\n"
    "[alerts]\nburst_per_minute = 0\n";

static int64_t
sql1(const char *sql)
{
	return fixture_pg() ? fixture_sql1(dbpath, sql) : fixture_sql1_on(watch, sql);
}

/* Changes whenever another connection committed something. */
static int64_t
data_version(void)
{
	return fixture_data_version(watch, dbpath);
}

/* One request; the answer's status, its JSON (caller frees) and cookie. */
struct call {
	const char *method, *path, *auth, *body;
	size_t body_len;            /* 0: strlen(body) */
	const char *cookie, *csrf, *client;
	const char *content_type;   /* NULL: application/json with a body; "-": no header */
};

static int last_retry_after;      /* the last answer's Retry-After, 0: none */

static int
req_full(const struct call *c, cJSON **json, char *cookie_out, size_t cookie_len, int *has_body)
{
	struct api_req q;
	struct api_resp r;

	memset(&q, 0, sizeof q);
	q.method = c->method;
	q.path = c->path;
	q.body = c->body;
	q.body_len = c->body ? (c->body_len ? c->body_len : strlen(c->body)) : 0;
	if (c->content_type == NULL)
		q.content_type = q.body_len ? "application/json" : NULL;
	else if (strcmp(c->content_type, "-") != 0)
		q.content_type = c->content_type;
	q.authorization = c->auth;
	q.cookie = c->cookie;
	q.csrf = c->csrf;
	q.client = c->client ? c->client : "10.0.0.7";
	q.now = now;
	api_handle(api, &q, &r);
	last_retry_after = r.retry_after;
	if (has_body)
		*has_body = r.body != NULL;
	if (json)
		*json = r.body ? cJSON_Parse(r.body) : NULL;
	if (cookie_out)
		snprintf(cookie_out, cookie_len, "%s", r.set_cookie);
	free(r.body);
	return r.status;
}

static int
req(const char *method, const char *path, const char *auth, const char *body, cJSON **json)
{
	struct call c;

	memset(&c, 0, sizeof c);
	c.method = method;
	c.path = path;
	c.auth = auth;
	c.body = body;
	return req_full(&c, json, NULL, 0, NULL);
}

static const char *
jstr(cJSON *j, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double
jnum(cJSON *j, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* A refusal: this status, {"error": readable}, the code if given, and
 * (when `written` is 0) nothing committed to the database. */
static void
refused_at(int line, const struct call *c, int want, const char *code, int written)
{
	int64_t dv = data_version(), tickets = sql1("SELECT COUNT(*) FROM tickets");
	cJSON *j = NULL;
	int got = req_full(c, &j, NULL, 0, NULL);
	const char *e = jstr(j, "error"), *k = jstr(j, "code");

	if (got != want || !e || strlen(e) < 8 || (code && (!k || strcmp(k, code))))
		fprintf(stderr, "line %d: %s %s [%.40s] -> %d %s/%s, expected %d %s\n", line,
		    c->method, c->path, c->body ? c->body : "", got, e ? e : "(no error)",
		    k ? k : "-", want, code ? code : "");
	CHECK_INT(got, want);
	CHECK(e != NULL && strlen(e) >= 8);
	CHECK(code == NULL || (k && !strcmp(k, code)));
	if (!written) {
		int64_t dv2 = data_version();
		if (dv2 != dv)
			fprintf(stderr, "line %d: %s %s wrote to the database\n", line, c->method, c->path);
		CHECK_INT(dv2, dv);
	}
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets"), tickets);
	cJSON_Delete(j);
}

static void
refused_line(int line, const char *m, const char *p, const char *auth, const char *body, int want,
    const char *code)
{
	struct call c;

	memset(&c, 0, sizeof c);
	c.method = m;
	c.path = p;
	c.auth = auth;
	c.body = body;
	refused_at(line, &c, want, code, 0);
}
#define REFUSED(m, p, auth, body, want, code) refused_line(__LINE__, m, p, auth, body, want, code)

static char bearer_buf[16][128];
static int bearer_next;

static const char *
bearer(const char *secret)
{
	char *b = bearer_buf[bearer_next++ % 16];
	snprintf(b, 128, "Bearer %s", secret);
	return b;
}

/* Issue one ticket with the device key; returns its id (0 on failure). */
static int64_t
issue(char service, int priority, char *number_out)
{
	char body[96];
	cJSON *j = NULL;
	int64_t id = 0;

	snprintf(body, sizeof body, "{\"service\":\"%c\",\"priority\":%s}", service,
	    priority ? "true" : "false");
	if (req("POST", "/api/v1/tickets", bearer(dk), body, &j) == 201) {
		id = (int64_t)jnum(j, "id");
		if (number_out)
			snprintf(number_out, 16, "%s", jstr(j, "number") ? jstr(j, "number") : "");
	}
	cJSON_Delete(j);
	return id;
}

/* -- setup --------------------------------------------------------------- */

static void
setup(void)
{
	struct desk_actor who = { "test", 0, NULL };
	char err[300];
	struct site site;
	struct desk_keys keys;

	fixture_tmpdir(dir, sizeof dir, "test_api");
	fixture_path(dbpath, sizeof dbpath, dir, "q.db");
	fixture_site(dir, site_ini, &site);
	REQUIRE(site.nservices == 4);
	memset(&keys, 0, sizeof keys);
	crypto_sign_keypair(keys.pk, keys.sk);
	snprintf(keys.site_id, sizeof keys.site_id, "%.31s", site.id);
	desk = fixture_desk(dbpath, &site, &keys, now, &st);
	REQUIRE(desk_device_add(desk, &who, "kiosk-1", now, dk, err, sizeof err) == 0);
	REQUIRE(desk_device_add(desk, &who, "kiosk-2", now, dk2, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "marie", "agent", "secret-marie", now, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "max", "manager", "secret-max", now, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "ada", "admin", "secret-ada", now, err, sizeof err) == 0);
	REQUIRE(desk_token_new(desk, &who, "marie", now, tok_agent, err, sizeof err) == 0);
	REQUIRE(desk_token_new(desk, &who, "max", now, tok_manager, err, sizeof err) == 0);
	REQUIRE(desk_token_new(desk, &who, "ada", now, tok_admin, err, sizeof err) == 0);
	bus = bus_new(1000);
	REQUIRE(bus != NULL);
	api = api_new(desk, bus);
	REQUIRE(api != NULL);
	if (!fixture_pg()) {
		REQUIRE(sqlite3_open(dbpath, &watch) == SQLITE_OK);
		sqlite3_busy_timeout(watch, 5000);
	}
}

static void
teardown(void)
{
	if (watch)
		sqlite3_close(watch);
	api_free(api);
	bus_free(bus);
	desk_close(desk);
	store_close(st);
	api_free(NULL);
	bus_free(NULL);
	fixture_rmdir(dir);   /* kept with KEEP_TMP=1, to look at a failure */
}

/* -- the happy path, for reference ------------------------------------------ */

static void
test_happy(void)
{
	cJSON *j = NULL, *t;
	int has = 1, st_;
	struct call c;

	CHECK_INT(req("GET", "/api/v1/health", NULL, NULL, &j), 200);
	CHECK_STR(jstr(j, "status"), "ok");
	cJSON_Delete(j);
	CHECK_INT(req("GET", "/api/v1/services", NULL, NULL, &j), 200);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "services")), 4);
	cJSON_Delete(j);

	CHECK_INT(req("POST", "/api/v1/tickets", bearer(dk), "{\"service\":\"A\",\"lang\":\"ar\","
	    "\"priority\":false}", &j), 201);
	CHECK_STR(jstr(j, "number"), "A001");
	CHECK_STR(jstr(j, "service"), "A");
	CHECK_STR(jstr(j, "kind"), "ticket");
	CHECK_STR(jstr(j, "lang"), "ar");
	CHECK_STR(jstr(j, "day"), "2026-11-27");
	CHECK_STR(jstr(j, "issued_at"), "2026-11-27T10:00:00+01:00");
	CHECK(jnum(j, "id") >= 1);
	CHECK_INT(jnum(j, "position"), 1);
	CHECK_INT(jnum(j, "estimated_wait_s"), 0);
	CHECK(jstr(j, "token") && strncmp(jstr(j, "token"), "K1*T*TEST-93*20261127*A*1*1000*KIOSK-1*",
	    39) == 0);
	CHECK(cJSON_IsObject(cJSON_GetObjectItem(j, "site")));
	cJSON_Delete(j);
	/* The second in line waits for one service time (10 min default). */
	CHECK_INT(req("POST", "/api/v1/tickets", bearer(dk), "{\"service\":\"A\"}", &j), 201);
	CHECK_STR(jstr(j, "number"), "A002");
	CHECK_STR(jstr(j, "lang"), "fr");
	CHECK_INT(jnum(j, "position"), 2);
	CHECK(jnum(j, "estimated_wait_s") > 0);
	cJSON_Delete(j);

	CHECK_INT(req("GET", "/api/v1/tickets/1", bearer(dk), NULL, &j), 200);
	CHECK_STR(jstr(j, "state"), "waiting");
	CHECK_STR(jstr(j, "number"), "A001");
	cJSON_Delete(j);

	CHECK_INT(req("POST", "/api/v1/counters/1/call-next", bearer(tok_agent), NULL, &j), 200);
	t = cJSON_GetObjectItem(j, "ticket");
	CHECK_STR(jstr(t, "number"), "A001");
	CHECK_STR(jstr(t, "state"), "called");
	CHECK_INT(jnum(j, "counter"), 1);
	cJSON_Delete(j);
	/* 204 has no body. */
	memset(&c, 0, sizeof c);
	c.method = "POST";
	c.path = "/api/v1/counters/2/call-next";
	c.auth = bearer(tok_agent);
	st_ = req_full(&c, NULL, NULL, 0, &has);
	CHECK_INT(st_, 204);
	CHECK_INT(has, 0);
	CHECK_INT(req("GET", "/api/v1/board", NULL, NULL, &j), 200);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "calls")), 1);
	cJSON_Delete(j);
	CHECK_INT(req("GET", "/api/v1/counters", bearer(tok_agent), NULL, &j), 200);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "counters")), 3);
	cJSON_Delete(j);
}

/* -- bad bodies on the issue route --------------------------------------------- */

static void
test_bad_issue(void)
{
	const char *k = bearer(dk);
	char big[API_BODY_MAX + 64];
	struct call c;

	REFUSED("POST", "/api/v1/tickets", k, NULL, 400, NULL);
	REFUSED("POST", "/api/v1/tickets", k, "", 400, NULL);
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":", 400, "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\"", 400, "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "service=A", 400, "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "{'service':'A'}", 400, "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "[\"A\"]", 400, "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "\"A\"", 400, "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "null", 400, "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "{}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":null}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"\"}", 400, "bad_request");
	/* Wrong types. */
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":1}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":65}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":[\"A\"]}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":{\"code\":\"A\"}}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":true}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\",\"priority\":\"yes\"}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\",\"priority\":\"true\"}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\",\"priority\":1}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\",\"lang\":5}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\",\"lang\":\"f\"}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\",\"lang\":\"<script>\"}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\",\"lang\":\"fr\\\"x\"}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\",\"lang\":\"abcdefghijklmnop\"}", 400,
	    "bad_request");
	/* Unknown services. */
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"AB\"}", 400, "bad_request");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"Z\"}", 404, "not_found");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"a\"}", 404, "not_found");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"\\u0000\"}", 400, NULL);
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"\xc3\xa9\"}", 400, "bad_request");
	/* A bound service needs the holder's document. */
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"H\"}", 400, "holder_required");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"H\",\"holder\":7}", 400, "bad_request");
	/* Too large: 413, whatever it contains. */
	memset(big, ' ', sizeof big);
	memcpy(big, "{\"service\":\"A\"", 14);
	big[API_BODY_MAX] = '}';
	big[API_BODY_MAX + 1] = '\0';
	REFUSED("POST", "/api/v1/tickets", k, big, 413, "too_large");
	/* Exactly at the limit is fine (4096 bytes). */
	big[API_BODY_MAX - 1] = '}';
	big[API_BODY_MAX] = '\0';
	{
		cJSON *j = NULL;
		CHECK_INT(req("POST", "/api/v1/tickets", k, big, &j), 201);
		cJSON_Delete(j);
	}
	/* Deep nesting is bad JSON, not a crash. */
	{
		static char deep[4000];
		int i;
		for (i = 0; i < 1500; i++)
			deep[i] = '[';
		deep[i] = '\0';
		REFUSED("POST", "/api/v1/tickets", k, deep, 400, "bad_json");
	}
	/* Trailing garbage after the object is malformed JSON too. */
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\"} {\"service\":\"B\"}", 400, "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\"}xyz", 400, "bad_json");
	/* A NUL inside the body (body_len says more): not a ticket. */
	memset(&c, 0, sizeof c);
	c.method = "POST";
	c.path = "/api/v1/tickets";
	c.auth = k;
	c.body = "{\"service\":\"A\"}\0{\"x\":1}";
	c.body_len = 23;
	refused_at(__LINE__, &c, 400, "bad_json", 0);
}

/* -- credentials and roles ------------------------------------------------------ */

static void
test_auth(void)
{
	static const char *const staff_posts[] = {
		"/api/v1/counters/1/call-next", "/api/v1/counters/1/call", "/api/v1/counters/1/recall",
		"/api/v1/counters/1/no-show", "/api/v1/counters/1/done", "/api/v1/counters/1/transfer",
		"/api/v1/counters/1/pause", "/api/v1/counters/1/resume", "/api/v1/counters/1/open",
		"/api/v1/counters/1/close", "/api/v1/verify", "/api/v1/tickets/1/holder-check",
	};
	static const char *const staff_gets[] = { "/api/v1/counters", "/api/v1/alerts" };
	char long_key[200];
	size_t i;
	cJSON *j = NULL;

	/* The issue route: no key, a wrong key, a malformed header. */
	REFUSED("POST", "/api/v1/tickets", NULL, "{\"service\":\"A\"}", 401, "denied");
	REFUSED("POST", "/api/v1/tickets", "Bearer dk_wrongwrongwrongwrongwrongwrongwrongwrong12",
	    "{\"service\":\"A\"}", 401, "denied");
	REFUSED("POST", "/api/v1/tickets", "Bearer ", "{\"service\":\"A\"}", 401, "denied");
	REFUSED("POST", "/api/v1/tickets", dk, "{\"service\":\"A\"}", 401, "denied");  /* no "Bearer " */
	REFUSED("POST", "/api/v1/tickets", "Basic a2lvc2s6cGFzcw==", "{\"service\":\"A\"}", 401, "denied");
	REFUSED("POST", "/api/v1/tickets", "bearer x", "{\"service\":\"A\"}", 401, "denied");
	memset(long_key, 'k', sizeof long_key - 1);
	long_key[sizeof long_key - 1] = '\0';
	memcpy(long_key, "Bearer ", 7);
	REFUSED("POST", "/api/v1/tickets", long_key, "{\"service\":\"A\"}", 401, "denied");
	/* The bad key is refused before the body is even looked at. */
	REFUSED("POST", "/api/v1/tickets", "Bearer nope", "{\"service\":", 401, "denied");

	/* Device keys may not use staff routes; nobody anonymous may. */
	for (i = 0; i < sizeof staff_posts / sizeof staff_posts[0]; i++) {
		REFUSED("POST", staff_posts[i], bearer(dk), "{\"service\":\"B\"}", 403, "forbidden");
		REFUSED("POST", staff_posts[i], NULL, "{\"service\":\"B\"}", 401, "denied");
		REFUSED("POST", staff_posts[i], "Bearer st_unknown", "{}", 401, "denied");
	}
	for (i = 0; i < sizeof staff_gets / sizeof staff_gets[0]; i++) {
		REFUSED("GET", staff_gets[i], bearer(dk), NULL, 403, "forbidden");
		REFUSED("GET", staff_gets[i], NULL, NULL, 401, "denied");
		CHECK_INT(req("GET", staff_gets[i], bearer(tok_agent), NULL, &j), 200);
		cJSON_Delete(j);
	}
	/* Printing reports come from kiosks only. */
	REFUSED("POST", "/api/v1/tickets/1/printed", bearer(tok_admin), "{\"status\":\"confirmed\"}", 403,
	    "forbidden");
	REFUSED("POST", "/api/v1/tickets/1/printed", NULL, "{\"status\":\"confirmed\"}", 401, "denied");
	/* ... and only the kiosk that issued the ticket. */
	REFUSED("POST", "/api/v1/tickets/1/printed", bearer(dk2), "{\"status\":\"confirmed\"}", 409, NULL);
	REFUSED("POST", "/api/v1/tickets/1/printed", bearer(dk), "{\"status\":\"burnt\"}", 400, NULL);
	CHECK_INT(req("POST", "/api/v1/tickets/1/printed", bearer(dk), "{\"status\":\"confirmed\"}", &j), 200);
	CHECK_STR(jstr(j, "print"), "confirmed");
	cJSON_Delete(j);

	/* Reprints: a kiosk, or a manager and up; not an agent. */
	REFUSED("POST", "/api/v1/tickets/2/reprint", bearer(tok_agent), NULL, 403, "forbidden");
	REFUSED("POST", "/api/v1/tickets/2/reprint", NULL, NULL, 401, "denied");
	CHECK_INT(req("POST", "/api/v1/tickets/2/reprint", bearer(tok_manager), NULL, &j), 200);
	CHECK_INT(jnum(j, "reprints"), 1);
	cJSON_Delete(j);
	CHECK_INT(req("POST", "/api/v1/tickets/2/reprint", bearer(dk), NULL, &j), 200);
	CHECK_INT(jnum(j, "reprints"), 2);
	cJSON_Delete(j);
	REFUSED("POST", "/api/v1/tickets/2/reprint", bearer(tok_admin), NULL, 409, "reprint_limit");
	REFUSED("POST", "/api/v1/tickets/9999/reprint", bearer(tok_admin), NULL, 404, NULL);

	/* Staff may issue a manual ticket at the desk (docs/API.md); it is
	 * issued as "DESK" and audited. */
	{
		int64_t audits = sql1(fixture_pg() ? "SELECT COUNT(*) FROM "
		    "information_schema.tables WHERE table_name = 'audit'" : "SELECT COUNT(*) FROM "
		    "sqlite_master WHERE name = 'audit'");
		CHECK_INT(req("POST", "/api/v1/tickets", bearer(tok_agent), "{\"service\":\"B\"}", &j), 201);
		CHECK_STR(jstr(j, "kind"), "ticket");
		CHECK_INT(sql1("SELECT COUNT(*) FROM tickets WHERE device = 'DESK'"), 1);
		if (audits == 1)
			CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'manual_ticket'"), 1);
		cJSON_Delete(j);
	}
	/* The event stream: public, staff, or refused. */
	{
		struct api_req q;
		memset(&q, 0, sizeof q);
		q.method = "GET";
		q.path = "/api/v1/events";
		q.now = now;
		CHECK_INT(api_stream_access(api, &q), 0);
		q.authorization = bearer(tok_agent);
		CHECK_INT(api_stream_access(api, &q), 1);
		q.authorization = bearer(dk);
		CHECK_INT(api_stream_access(api, &q), 0);
		q.authorization = "Bearer st_wrong";
		CHECK_INT(api_stream_access(api, &q), -1);
	}
}

/* -- counters ---------------------------------------------------------------------- */

static void
test_counters(void)
{
	const char *a = bearer(tok_agent);
	cJSON *j = NULL;
	char num[16];

	/* Unknown counters and actions. */
	REFUSED("POST", "/api/v1/counters/99/call-next", a, NULL, 404, "not_found");
	REFUSED("POST", "/api/v1/counters/0/call-next", a, NULL, 404, "not_found");
	REFUSED("POST", "/api/v1/counters/-1/call-next", a, NULL, 404, "not_found");
	REFUSED("POST", "/api/v1/counters/abc/call-next", a, NULL, 404, "not_found");
	REFUSED("POST", "/api/v1/counters/1", a, NULL, 404, "not_found");
	REFUSED("POST", "/api/v1/counters/1/", a, NULL, 404, "not_found");
	REFUSED("POST", "/api/v1/counters/1/dance", a, NULL, 404, "not_found");
	REFUSED("POST", "/api/v1/counters/123456789012/call-next", a, NULL, 404, "not_found");
	REFUSED("GET", "/api/v1/counters/1/call-next", a, NULL, 405, NULL);
	REFUSED("DELETE", "/api/v1/counters/1/pause", a, NULL, 405, NULL);
	/* Bad bodies on counter routes. */
	REFUSED("POST", "/api/v1/counters/1/call-next", a, "{", 400, "bad_json");
	REFUSED("POST", "/api/v1/counters/1/done", a, "{\"outcome\":\"great\"}", 400, NULL);
	REFUSED("POST", "/api/v1/counters/1/done", a, "{\"outcome\":5}", 400, NULL);
	REFUSED("POST", "/api/v1/counters/1/transfer", a, NULL, 400, NULL);
	REFUSED("POST", "/api/v1/counters/1/transfer", a, "{\"service\":1}", 400, NULL);
	REFUSED("POST", "/api/v1/counters/1/call", a, "{\"number\":\"A001\"}", 400, NULL);
	REFUSED("POST", "/api/v1/counters/1/call", a, "{\"number\":\"A001\",\"reason\":\"x\"}", 400, NULL);
	REFUSED("POST", "/api/v1/counters/1/call", a, "{\"number\":\"Z999\",\"reason\":\"urgent\"}", 404,
	    NULL);

	/* State conflicts: counter 3 (service C) has nothing called. */
	REFUSED("POST", "/api/v1/counters/3/recall", a, NULL, 409, NULL);
	REFUSED("POST", "/api/v1/counters/3/no-show", a, NULL, 409, NULL);
	REFUSED("POST", "/api/v1/counters/3/done", a, NULL, 409, NULL);
	REFUSED("POST", "/api/v1/counters/3/transfer", a, "{\"service\":\"A\"}", 409, NULL);
	REFUSED("POST", "/api/v1/counters/3/resume", a, NULL, 409, NULL);
	/* Transfer to an unknown service: 404, the ticket stays called. */
	issue('C', 0, num);
	CHECK_INT(req("POST", "/api/v1/counters/3/call-next", a, NULL, &j), 200);
	cJSON_Delete(j);
	REFUSED("POST", "/api/v1/counters/3/transfer", a, "{\"service\":\"Z\"}", 404, NULL);
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets WHERE counter = 3 AND state = 'called'"), 1);
	/* Recall then no-show (max_recalls = 1). */
	CHECK_INT(req("POST", "/api/v1/counters/3/recall", a, NULL, &j), 200);
	CHECK_INT(jnum(cJSON_GetObjectItem(j, "ticket"), "recalls"), 1);
	cJSON_Delete(j);
	CHECK_INT(req("POST", "/api/v1/counters/3/recall", a, NULL, &j), 200);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "ticket")));
	CHECK_STR(jstr(cJSON_GetObjectItem(j, "finished"), "state"), "no_show");
	cJSON_Delete(j);
	/* Pause: call-next refused (409), nothing written; resume. */
	CHECK_INT(req("POST", "/api/v1/counters/3/pause", a, NULL, &j), 200);
	CHECK_STR(jstr(j, "state"), "paused");
	cJSON_Delete(j);
	REFUSED("POST", "/api/v1/counters/3/call-next", a, NULL, 409, NULL);
	CHECK_INT(req("POST", "/api/v1/counters/3/resume", a, NULL, &j), 200);
	cJSON_Delete(j);
	CHECK_INT(req("POST", "/api/v1/counters/3/close", a, NULL, &j), 200);
	cJSON_Delete(j);
	REFUSED("POST", "/api/v1/counters/3/call-next", a, NULL, 409, NULL);
	CHECK_INT(req("POST", "/api/v1/counters/3/open", a, NULL, &j), 200);
	cJSON_Delete(j);
}

/* -- routes, ids ------------------------------------------------------------------ */

static void
test_routes(void)
{
	REFUSED("GET", "/api/v1/nope", NULL, NULL, 404, "not_found");
	REFUSED("GET", "/api/v2/health", NULL, NULL, 404, "not_found");
	REFUSED("GET", "/api/v1", NULL, NULL, 404, "not_found");
	REFUSED("GET", "/", NULL, NULL, 404, "not_found");
	REFUSED("GET", "/api/v1/../../etc/passwd", NULL, NULL, 404, NULL);
	REFUSED("POST", "/api/v1/nope", bearer(dk), "{}", 404, "not_found");
	REFUSED("DELETE", "/api/v1/health", NULL, NULL, 405, "method");
	REFUSED("POST", "/api/v1/health", NULL, "{}", 405, "method");
	REFUSED("GET", "/api/v1/tickets", bearer(dk), NULL, 405, "method");
	REFUSED("PUT", "/api/v1/tickets", bearer(dk), "{\"service\":\"A\"}", 405, "method");
	REFUSED("PUT", "/api/v1/counters", bearer(tok_agent), NULL, 405, "method");
	REFUSED("GET", "/api/v1/login", NULL, NULL, 405, "method");
	REFUSED("POST", "/api/v1/board", NULL, NULL, 405, "method");
	REFUSED("POST", "/api/v1/tickets/1", bearer(dk), "{}", 405, "method");
	REFUSED("DELETE", "/api/v1/tickets/1", bearer(tok_admin), NULL, 405, "method");
	REFUSED("GET", "/api/v1/tickets/1/reprint", bearer(dk), NULL, 405, "method");
	REFUSED("POST", "/api/v1/tickets/1/shred", bearer(dk), "{}", 404, "not_found");
	/* Missing and malformed ticket ids: 404. */
	REFUSED("GET", "/api/v1/tickets/99999", bearer(dk), NULL, 404, "not_found");
	REFUSED("GET", "/api/v1/tickets/0", bearer(dk), NULL, 404, "not_found");
	REFUSED("GET", "/api/v1/tickets/-1", bearer(dk), NULL, 404, "not_found");
	/* Ticket ids are sequential: nobody anonymous may read them. */
	REFUSED("GET", "/api/v1/tickets/1", NULL, NULL, 401, "denied");
	REFUSED("GET", "/api/v1/tickets/abc", NULL, NULL, 404, "not_found");
	REFUSED("GET", "/api/v1/tickets/1x", NULL, NULL, 404, "not_found");
	REFUSED("GET", "/api/v1/tickets/ 1", NULL, NULL, 404, "not_found");
	REFUSED("GET", "/api/v1/tickets/", NULL, NULL, 404, "not_found");
	REFUSED("GET", "/api/v1/tickets/99999999999999999999999999", NULL, NULL, 404, "not_found");
	REFUSED("GET", "/api/v1/tickets/9007199254740993", NULL, NULL, 404, "not_found");
}

/* -- opening hours, capacity ------------------------------------------------------ */

static void
test_closed_and_full(void)
{
	cJSON *j = NULL;
	int64_t saved = now, tickets;

	/* Sunday: 409 closed, and no number. (A refused attempt is counted
	 * for the outside-hours alert, so the events table may grow.) */
	now = utc(2026, 11, 29, 10, 0, 0);
	tickets = sql1("SELECT COUNT(*) FROM tickets");
	CHECK_INT(req("POST", "/api/v1/tickets", bearer(dk), "{\"service\":\"A\"}", &j), 409);
	CHECK_STR(jstr(j, "code"), "closed");
	CHECK(jstr(j, "error") != NULL);
	cJSON_Delete(j);
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets"), tickets);
	now = saved;
	/* C holds 2 a day; one was issued in test_counters. Then no ticket
	 * but an attestation de passage (201, kind "attestation"). */
	CHECK(issue('C', 0, NULL) > 0);
	tickets = sql1("SELECT COUNT(*) FROM tickets");
	CHECK_INT(req("POST", "/api/v1/tickets", bearer(dk), "{\"service\":\"C\"}", &j), 201);
	CHECK_STR(jstr(j, "kind"), "attestation");
	CHECK(jstr(j, "number") == NULL);
	cJSON_Delete(j);
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets"), tickets);
	CHECK_INT(req("GET", "/api/v1/services", NULL, NULL, &j), 200);
	{
		cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "services"), 2);
		CHECK_STR(jstr(s, "code"), "C");
		CHECK_INT(jnum(s, "left_today"), 0);
	}
	cJSON_Delete(j);
}

/* -- login rate limit, sessions ------------------------------------------------------ */

static void
test_login(void)
{
	struct call c;
	cJSON *j = NULL;
	char cookie[256], sess[160], csrf[100];
	int i;

	memset(&c, 0, sizeof c);
	c.method = "POST";
	c.path = "/api/v1/login";
	c.client = "10.0.0.50";
	/* Bad bodies. */
	c.body = "{\"login\":\"marie\"}";
	refused_at(__LINE__, &c, 400, NULL, 0);
	c.body = "{\"login\":1,\"password\":\"x\"}";
	refused_at(__LINE__, &c, 400, NULL, 0);
	c.body = "{\"login\":";
	refused_at(__LINE__, &c, 400, "bad_json", 0);
	/* Five wrong passwords: 401 each (audited, so not "nothing written"). */
	c.body = "{\"login\":\"marie\",\"password\":\"wrong-password\"}";
	for (i = 0; i < 5; i++)
		refused_at(__LINE__, &c, 401, "denied", 1);
	/* The sixth attempt from there, even with the right password: 429
	 * (test_throttle goes through the delays). */
	c.body = "{\"login\":\"marie\",\"password\":\"secret-marie\"}";
	refused_at(__LINE__, &c, 429, "throttled", 0);
	CHECK_INT(last_retry_after, 2);
	/* Another login from that address is not slowed by marie's failures. */
	c.body = "{\"login\":\"max\",\"password\":\"secret-max\"}";
	CHECK_INT(req_full(&c, &j, cookie, sizeof cookie, NULL), 200);
	CHECK_STR(jstr(j, "role"), "manager");
	cJSON_Delete(j);
	/* Once the delay passed, marie logs in from there. */
	now += 2;
	c.body = "{\"login\":\"marie\",\"password\":\"secret-marie\"}";
	CHECK_INT(req_full(&c, &j, cookie, sizeof cookie, NULL), 200);
	CHECK_STR(jstr(j, "login"), "marie");
	CHECK_STR(jstr(j, "role"), "agent");
	snprintf(csrf, sizeof csrf, "%s", jstr(j, "csrf") ? jstr(j, "csrf") : "");
	cJSON_Delete(j);
	CHECK(strncmp(cookie, "kiosk_session=", 14) == 0);
	CHECK(strstr(cookie, "HttpOnly") != NULL);
	CHECK(strstr(cookie, "SameSite=Strict") != NULL);
	snprintf(sess, sizeof sess, "%.*s", (int)strcspn(cookie, ";"), cookie);

	/* The session works as a cookie, with CSRF on POST. */
	memset(&c, 0, sizeof c);
	c.method = "GET";
	c.path = "/api/v1/session";
	c.cookie = sess;
	CHECK_INT(req_full(&c, &j, NULL, 0, NULL), 200);
	CHECK_STR(jstr(j, "csrf"), csrf);
	cJSON_Delete(j);
	c.method = "POST";
	c.path = "/api/v1/counters/2/pause";
	refused_at(__LINE__, &c, 403, "csrf", 0);
	c.csrf = "wrong";
	refused_at(__LINE__, &c, 403, "csrf", 0);
	c.csrf = csrf;
	CHECK_INT(req_full(&c, &j, NULL, 0, NULL), 200);
	cJSON_Delete(j);
	c.path = "/api/v1/counters/2/resume";
	CHECK_INT(req_full(&c, &j, NULL, 0, NULL), 200);
	cJSON_Delete(j);
	/* The session secret is not a bearer key. */
	{
		char b[200];
		snprintf(b, sizeof b, "Bearer %s", sess + 14);
		REFUSED("GET", "/api/v1/counters", b, NULL, 401, "denied");
	}
	/* Log out: the cookie stops working. */
	c.path = "/api/v1/logout";
	CHECK_INT(req_full(&c, &j, cookie, sizeof cookie, NULL), 200);
	cJSON_Delete(j);
	CHECK(strstr(cookie, "Max-Age=0") != NULL);
	c.method = "GET";
	c.path = "/api/v1/session";
	c.csrf = NULL;
	refused_at(__LINE__, &c, 401, "denied", 0);
}

/* -- a locked database: 503, no number -------------------------------------------- */

/* -- login throttle (issue 14, item 6) ------------------------------------------------ */

/* One login attempt from `client`: the status; the code into code_out. */
static int
login_from(const char *client, const char *login, const char *password, char *code_out)
{
	struct call c;
	char body[200];
	cJSON *j = NULL;
	int status;

	snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"%s\"}", login, password);
	memset(&c, 0, sizeof c);
	c.method = "POST";
	c.path = "/api/v1/login";
	c.client = client;
	c.body = body;
	status = req_full(&c, &j, NULL, 0, NULL);
	if (code_out)
		snprintf(code_out, 32, "%s", jstr(j, "code") ? jstr(j, "code") : "");
	cJSON_Delete(j);
	return status;
}

/* An attacker at 10.9.9.9 guesses marie's password: his tries slow down,
 * 2 s, 4, 8 ... up to 15 minutes, each 429 saying when (Retry-After), and
 * audited, with one login_throttled alert; marie at her desk (10.9.9.1)
 * logs in all along. */
static void
test_throttle(void)
{
	const char *atk = "10.9.9.9", *desk_ip = "10.9.9.1";
	char code[32];
	int i, expect, audits = (int)sql1("SELECT COUNT(*) FROM audit WHERE action = "
	    "'login_throttled'");
	cJSON *j = NULL;

	now += 7200;   /* test_login's failures are forgotten */
	for (i = 0; i < 4; i++)
		CHECK_INT(login_from(atk, "marie", "guess", code), 401);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'login_throttled'"), audits);
	/* the fifth failure starts the delay: audited, alert raised */
	CHECK_INT(login_from(atk, "marie", "guess", code), 401);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'login_throttled'"), audits + 1);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'login_throttled' AND actor = "
	    "'marie' AND detail LIKE 'from 10.9.9.9 after 5 failures%'"), 1);
	CHECK_INT(sql1("SELECT COUNT(*) FROM alerts WHERE kind = 'login_throttled' AND subject = "
	    "'marie'"), 1);
	CHECK_INT(req("GET", "/api/v1/alerts", bearer(tok_manager), NULL, &j), 200);
	{
		cJSON *al = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "alerts"), 0);
		CHECK_STR(jstr(al, "kind"), "login_throttled");
		/* raised once a day per login: by test_login's failures, from 10.0.0.50 */
		CHECK(jstr(al, "message") && strstr(jstr(al, "message"), "marie") != NULL);
	}
	cJSON_Delete(j);
	/* throttled: 429 without checking the password, Retry-After 2 */
	CHECK_INT(login_from(atk, "marie", "secret-marie", code), 429);
	CHECK_STR(code, "throttled");
	CHECK_INT(last_retry_after, 2);
	/* the victim, elsewhere, logs in meanwhile */
	CHECK_INT(login_from(desk_ip, "marie", "secret-marie", code), 200);
	/* each further failure doubles the delay: 4, 8, 16 ... capped at 900 */
	for (expect = 4, i = 0; i < 14; i++, expect = expect * 2 > 900 ? 900 : expect * 2) {
		int64_t until;
		now += last_retry_after ? last_retry_after : 2;   /* the first wait */
		CHECK_INT(login_from(atk, "marie", "guess", code), 401);
		CHECK_INT(login_from(atk, "marie", "guess", code), 429);
		CHECK_INT(last_retry_after, expect);
		until = now + last_retry_after;
		/* one second short: still throttled, with the rest to wait */
		now = until - 1;
		CHECK_INT(login_from(atk, "marie", "guess", code), 429);
		CHECK_INT(last_retry_after, 1);
		CHECK_INT(login_from(desk_ip, "marie", "secret-marie", code), 200);
		last_retry_after = 1;
	}
	CHECK_INT(expect, 900);
	/* one alert for the day, however many steps; every step audited */
	CHECK_INT(sql1("SELECT COUNT(*) FROM alerts WHERE kind = 'login_throttled'"), 1);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'login_throttled'"), audits + 15);
	/* the audit chain still verifies */
	{
		char err[200];
		int entries;
		CHECK_INT(desk_audit_verify(desk, &entries, err, sizeof err), DK_OK);
	}
	/* after the delay, the right password from the attacker's address
	 * works too (it is someone's address, not a ban), and clears it */
	now += 1;
	CHECK_INT(login_from(atk, "marie", "secret-marie", code), 200);
	CHECK_INT(login_from(atk, "marie", "guess", code), 401);
	CHECK_INT(login_from(atk, "marie", "secret-marie", code), 200);
	/* (the table is a fixed array of NFAIL pairs, so memory is bounded by
	 * construction; filling it here would cost a thousand password hashes) */
}

/* -- inputs (issue 14, minors) ------------------------------------------------------- */

static void
test_inputs(void)
{
	const char *k = bearer(dk);
	struct call c;
	cJSON *j = NULL;
	static const char *const bad_days[] = { "9999-99-99", "2026-02-30", "2026-13-01",
		"2026-00-01", "2026-11-31", "2100-02-29", "26-11-27" };
	size_t i;

	/* A body that is not declared JSON: 415, nothing written. */
	memset(&c, 0, sizeof c);
	c.method = "POST";
	c.path = "/api/v1/login";
	c.client = "10.7.7.7";
	c.body = "{\"login\":\"marie\",\"password\":\"secret-marie\"}";
	c.content_type = "text/plain";
	refused_at(__LINE__, &c, 415, "unsupported_media_type", 0);
	c.content_type = "application/x-www-form-urlencoded";
	refused_at(__LINE__, &c, 415, "unsupported_media_type", 0);
	c.content_type = "-";
	refused_at(__LINE__, &c, 415, "unsupported_media_type", 0);
	c.content_type = "application/jsonp";
	refused_at(__LINE__, &c, 415, "unsupported_media_type", 0);
	/* declared JSON, in any case, with a charset: accepted */
	c.content_type = "Application/JSON; charset=utf-8";
	CHECK_INT(req_full(&c, NULL, NULL, 0, NULL), 200);
	c.path = "/api/v1/tickets";
	c.auth = k;
	c.body = "{\"service\":\"A\"}";
	c.content_type = "text/plain";
	refused_at(__LINE__, &c, 415, "unsupported_media_type", 0);
	/* a POST without a body needs no Content-Type */
	CHECK_INT(req("POST", "/api/v1/counters/1/pause", bearer(tok_agent), NULL, NULL), 200);
	CHECK_INT(req("POST", "/api/v1/counters/1/resume", bearer(tok_agent), NULL, NULL), 200);

	/* "C\u0000X" is not "C": 400, nothing issued */
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"C\\u0000X\"}", 400, "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\",\"lang\":\"fr\\u0000\"}", 400,
	    "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "{\"ser\\u0000vice\":\"A\"}", 400, "bad_json");
	/* an escaped backslash before "u0000" is text, not a NUL: the
	 * service is "\u0000" as six characters, unknown */
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"\\\\u0000\"}", 400, "bad_request");
	/* invalid UTF-8: Latin-1, an overlong, a lone surrogate (raw or escaped) */
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"A\",\"lang\":\"fr\xe9\"}", 400,
	    "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"\xc0\xc1\"}", 400, "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"\xed\xa0\x80\"}", 400, "bad_json");
	REFUSED("POST", "/api/v1/tickets", k, "{\"service\":\"\\ud800\"}", 400, "bad_json");
	REFUSED("POST", "/api/v1/login", NULL, "{\"login\":\"\xff\",\"password\":\"x\"}", 400,
	    "bad_json");
	/* a valid escaped pair is fine (an emoji is an unknown service: 400
	 * for the service, not for the JSON) */
	{
		int status = req("POST", "/api/v1/tickets", k, "{\"service\":\"\\ud83d\\ude00\"}", &j);
		CHECK(status == 400 || status == 404);
		CHECK(jstr(j, "code") == NULL || strcmp(jstr(j, "code"), "bad_json") != 0);
		cJSON_Delete(j);
	}

	/* a day that is not a date: 400 */
	for (i = 0; i < sizeof bad_days / sizeof bad_days[0]; i++) {
		struct api_req q;
		struct api_resp r;
		memset(&q, 0, sizeof q);
		q.method = "GET";
		q.path = "/api/v1/stats";
		q.day = bad_days[i];
		q.client = "10.7.7.7";
		q.now = now;
		api_handle(api, &q, &r);
		if (r.status != 400)
			fprintf(stderr, "day=%s: %d\n", bad_days[i], r.status);
		CHECK_INT(r.status, 400);
		CHECK(r.body && strstr(r.body, "\"error\"") != NULL);
		free(r.body);
	}
	{
		struct api_req q;
		struct api_resp r;
		memset(&q, 0, sizeof q);
		q.method = "GET";
		q.path = "/api/v1/stats";
		q.day = "2028-02-29";
		q.client = "10.7.7.7";
		q.now = now;
		api_handle(api, &q, &r);
		CHECK_INT(r.status, 200);
		free(r.body);
	}

	/* Every refusal's text is valid UTF-8, even one that quotes a Latin-1
	 * value or is cut inside a character. */
	{
		struct api_resp r;
		char big[400];
		memset(&r, 0, sizeof r);
		fail(&r, 400, "bad_request", "unknown service '%s'", "caf\xe9");
		CHECK(r.body && str_utf8_valid(r.body, strlen(r.body)));
		CHECK(r.body && strstr(r.body, "caf\xEF\xBF\xBD") != NULL);
		free(r.body);
		/* 299 bytes fit: a run of "é" cut by vsnprintf */
		for (i = 0; i + 2 < sizeof big; i += 2)
			memcpy(big + i, "\xc3\xa9", 2);
		big[i] = '\0';
		fail(&r, 400, "bad_request", "x%s", big);
		CHECK(r.body && str_utf8_valid(r.body, strlen(r.body)));
		free(r.body);
	}
}

static void
test_locked(void)
{
	struct fixture_locker locker;
	cJSON *j = NULL;
	char before[16] = "", after[16] = "";
	int64_t tickets, dv;
	time_t t0;

	CHECK(issue('B', 0, before) > 0);
	fixture_lock(&locker, dbpath, "tickets");
	tickets = sql1("SELECT COUNT(*) FROM tickets");
	dv = data_version();
	t0 = time(NULL);
	CHECK_INT(req("POST", "/api/v1/tickets", bearer(dk), "{\"service\":\"B\"}", &j), 503);
	CHECK(time(NULL) - t0 >= 2);          /* it waited the busy time-out first */
	CHECK(jstr(j, "error") && strstr(jstr(j, "error"), "locked") != NULL);
	CHECK(jstr(j, "number") == NULL);
	cJSON_Delete(j);
	CHECK_INT(req("POST", "/api/v1/counters/2/call-next", bearer(tok_agent), NULL, &j), 503);
	CHECK(jstr(j, "error") && strstr(jstr(j, "error"), "locked") != NULL);
	cJSON_Delete(j);
	/* Health says so: the last write failed after the last commit. */
	CHECK_INT(req("GET", "/api/v1/health", NULL, NULL, &j), 503);
	CHECK_STR(jstr(j, "status"), "failing");
	CHECK(jstr(j, "db") && strstr(jstr(j, "db"), "locked") != NULL);
	cJSON_Delete(j);
	/* Reads still work while it is locked (WAL). */
	CHECK_INT(req("GET", "/api/v1/tickets/1", bearer(dk), NULL, &j), 200);
	cJSON_Delete(j);
	fixture_unlock(&locker);
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets"), tickets);
	CHECK_INT(data_version(), dv);
	/* Unlocked: the next number follows the last one, no gap, no repeat. */
	CHECK(issue('B', 0, after) > 0);
	CHECK_INT(atoi(after + 1), atoi(before + 1) + 1);
	CHECK(data_version() != dv);          /* a write is seen as one */
	CHECK_INT(req("GET", "/api/v1/health", NULL, NULL, &j), 200);
	cJSON_Delete(j);
}

/* The storage part of /health. */
static cJSON *
storage(cJSON *j)
{
	return cJSON_GetObjectItem(j, "storage");
}

/* The printers entry of kiosk name in /health. */
static cJSON *
printer_of(cJSON *j, const char *name)
{
	cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(j, "printers"))
		if (jstr(p, "kiosk") && !strcmp(jstr(p, "kiosk"), name))
			return p;
	return NULL;
}

/* Health as a supervisor reads it: printers, then a truncated file (last:
 * the database is then unusable). */
/* /metrics is off unless the site file says otherwise; a token is kept
 * only as its hash (the three choices over HTTP: tests/it_metrics.sh). */
static void
test_metrics(void)
{
	static const char tok_ini[] =
	    "[site]\nid = m\nname = M\ntimezone = Europe/Paris\n"
	    "metrics = token\nmetrics_token = a-metrics-token-0123456789\n"
	    "[service A]\nname = A\ncapacity = 1\n[counter 1]\nservices = A\n";
	struct api_req q;
	struct api_resp r;
	struct site s;
	size_t i;

	memset(&q, 0, sizeof q);
	q.method = "GET";
	q.path = "/metrics";
	q.now = now;
	q.authorization = "Bearer a-metrics-token-0123456789";
	CHECK(api_metrics_access(api, &q, &r) == -1);
	CHECK(r.status == 404);
	CHECK(r.body && strstr(r.body, "\"code\":\"not_found\""));
	free(r.body);

	fixture_site(dir, tok_ini, &s);
	CHECK(s.metrics == SITE_METRICS_TOKEN);
	CHECK(strlen(s.metrics_token_hash) == 64);
	for (i = 0; i < strlen(s.metrics_token_hash); i++)
		CHECK(strchr("0123456789abcdef", s.metrics_token_hash[i]) != NULL);
	CHECK(strstr(s.metrics_token_hash, "metrics-token") == NULL);
}

static void
test_health(void)
{
	cJSON *j = NULL, *p;
	char path[64], body[200];
	int64_t id;
	struct stat sb;

	CHECK_INT(req("GET", "/api/v1/health", NULL, NULL, &j), 200);
	CHECK_STR(jstr(j, "status"), "ok");
	CHECK_STR(jstr(j, "db"), "ok");
	CHECK_STR(jstr(storage(j), "file"), "ok");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(storage(j), "writable")));
	if (!fixture_pg()) {   /* the disk under the file; PostgreSQL's is its own */
		CHECK(jnum(storage(j), "free_bytes") > 0);
		CHECK(jnum(storage(j), "total_bytes") >= jnum(storage(j), "free_bytes"));
	}
	CHECK(jstr(storage(j), "last_commit") != NULL);       /* the tickets of the tests above */
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "problems")), 0);
	cJSON_Delete(j);

	/* A kiosk's printer fails: degraded (still 200), and it says which. */
	REQUIRE((id = issue('A', 0, NULL)) > 0);
	snprintf(path, sizeof path, "/api/v1/tickets/%lld/printed", (long long)id);
	snprintf(body, sizeof body, "{\"status\":\"failed\",\"reason\":\"out of paper\"}");
	CHECK_INT(req("POST", path, bearer(dk), body, &j), 200);
	cJSON_Delete(j);
	CHECK_INT(req("GET", "/api/v1/health", NULL, NULL, &j), 200);
	CHECK_STR(jstr(j, "status"), "degraded");
	REQUIRE((p = printer_of(j, "kiosk-1")) != NULL);
	CHECK_STR(jstr(p, "status"), "failed");
	CHECK_STR(jstr(p, "reason"), "out of paper");
	CHECK(jstr(p, "at") && !strncmp(jstr(p, "at"), "2026-11-27T1", 12));
	CHECK((p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "problems"), 0)) != NULL &&
	    strstr(p->valuestring, "kiosk-1") && strstr(p->valuestring, "out of paper"));
	cJSON_Delete(j);
	/* The next slip prints unconfirmed (a silent printer): no longer failing. */
	REQUIRE((id = issue('A', 0, NULL)) > 0);
	snprintf(path, sizeof path, "/api/v1/tickets/%lld/printed", (long long)id);
	CHECK_INT(req("POST", path, bearer(dk), "{\"status\":\"unconfirmed\",\"reason\":"
	    "\"sent in full; the printer did not confirm it within 2.0 s\"}", &j), 200);
	cJSON_Delete(j);
	CHECK_INT(req("GET", "/api/v1/health", NULL, NULL, &j), 200);
	CHECK_STR(jstr(j, "status"), "ok");
	CHECK_STR(jstr(printer_of(j, "kiosk-1"), "status"), "unconfirmed");
	CHECK_STR(jstr(printer_of(j, "kiosk-2"), "status"), "unknown");   /* never printed */
	cJSON_Delete(j);

	/* The file truncated under the running server: SQLite's cache would go
	 * on answering, health must not. (A file of SQLite's: not on PostgreSQL.) */
	if (fixture_pg())
		return;
	REQUIRE(sqlite3_exec(watch, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) == SQLITE_OK);
	REQUIRE(stat(dbpath, &sb) == 0 && sb.st_size > 8192);
	REQUIRE(truncate(dbpath, sb.st_size / 2) == 0);
	CHECK_INT(req("GET", "/api/v1/health", NULL, NULL, &j), 503);
	CHECK_STR(jstr(j, "status"), "failing");
	CHECK(jstr(j, "db") && strstr(jstr(j, "db"), "truncated") != NULL);
	CHECK(jstr(storage(j), "file") && strstr(jstr(storage(j), "file"), "restore a backup"));
	cJSON_Delete(j);
	REQUIRE(truncate(dbpath, 0) == 0);
	CHECK_INT(req("GET", "/api/v1/health", NULL, NULL, &j), 503);
	CHECK(jstr(j, "db") && strstr(jstr(j, "db"), "truncated (0 bytes)") != NULL);
	cJSON_Delete(j);
}

/* -- text out: always valid UTF-8 ------------------------------------------- */

/* The raw answer to one request: its status, and whether its body holds
 * byte b (an invalid UTF-8 byte the request carried) or U+FFFD. */
static int
raw(const char *method, const char *path, const char *auth, const char *body, int b,
    int *has_b, int *has_fffd, int *json_ok)
{
	struct api_req q;
	struct api_resp r;
	cJSON *j;

	memset(&q, 0, sizeof q);
	q.method = method;
	q.path = path;
	q.authorization = auth;
	q.body = body;
	q.body_len = body ? strlen(body) : 0;
	q.content_type = body ? "application/json" : NULL;
	q.client = "10.0.0.7";
	q.now = now;
	api_handle(api, &q, &r);
	*has_b = r.body && strchr(r.body, b) != NULL;
	*has_fffd = r.body && strstr(r.body, "\xEF\xBF\xBD") != NULL;
	*json_ok = r.body && (j = cJSON_Parse(r.body)) != NULL;
	if (*json_ok)
		cJSON_Delete(j);
	free(r.body);
	return r.status;
}

/*
 * Found by tests/fuzz/fuzz_api.c: an error echoed the request's path byte
 * for byte, so a path with invalid UTF-8 (libmicrohttpd decodes %FF) gave
 * invalid UTF-8 in the JSON; and a printer's reason is kept with the ticket
 * and sent back the same way. Every such byte now becomes U+FFFD.
 */
static void
test_utf8_out(void)
{
	char path[64];
	int64_t id = issue('A', 0, NULL);
	int has_b, has_fffd, ok;

	CHECK_INT(raw("GET", "/api/v1/no-such-\xff\xfe-route", NULL, NULL, 0xff, &has_b, &has_fffd,
	    &ok), 404);
	CHECK(!has_b && has_fffd && ok);
	CHECK_INT(raw("POST", "/api/v1/counters/1/\xc3(", bearer(tok_agent), NULL, 0xc3, &has_b,
	    &has_fffd, &ok), 404);
	CHECK(!has_b && has_fffd && ok);
	/* Cut in the middle of a character, and an overlong '/': both refused. */
	CHECK_INT(raw("GET", "/api/v1/x\xe2\x82", NULL, NULL, 0xe2, &has_b, &has_fffd, &ok), 404);
	CHECK(!has_b && has_fffd && ok);
	CHECK_INT(raw("GET", "/api/v1/x\xc0\xaf", NULL, NULL, 0xc0, &has_b, &has_fffd, &ok), 404);
	CHECK(!has_b && has_fffd && ok);
	/* Valid UTF-8 goes through untouched. */
	CHECK_INT(raw("GET", "/api/v1/caf\xc3\xa9", NULL, NULL, 0xa9, &has_b, &has_fffd, &ok), 404);
	CHECK(has_b && !has_fffd && ok);

	/* A body with a byte that is not UTF-8 is refused whole (bad_json),
	 * so a printer's reason can never be kept with it. */
	REQUIRE(id > 0);
	snprintf(path, sizeof path, "/api/v1/tickets/%lld/printed", (long long)id);
	CHECK_INT(raw("POST", path, bearer(dk), "{\"status\":\"unconfirmed\",\"reason\":\"jam \xff\"}",
	    0xff, &has_b, &has_fffd, &ok), 400);
	CHECK(!has_b && ok);
	snprintf(path, sizeof path, "/api/v1/tickets/%lld", (long long)id);
	CHECK_INT(raw("GET", path, bearer(dk), NULL, 0xff, &has_b, &has_fffd, &ok), 200);
	CHECK(!has_b && !has_fffd && ok);
}

int
main(void)
{
	fixture_tz("Europe/Paris");
	now = utc(2026, 11, 27, 9, 0, 0);   /* Friday 10:00 in Paris */
	setup();
	test_happy();
	test_bad_issue();
	test_auth();
	test_counters();
	test_routes();
	test_closed_and_full();
	test_login();
	test_throttle();
	test_inputs();
	test_locked();
	test_utf8_out();
	test_health();
	test_metrics();
	teardown();
	return TEST_REPORT();
}
