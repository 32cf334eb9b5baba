/*
 * test_idem: idempotent requests and call-next after a lost answer
 * (issue #14, item 3), through the API (api_handle) on a real SQLite file
 * (or a PostgreSQL database: KIOSK_TEST_PG, see fixture.h).
 *
 *   - the same Idempotency-Key and body again: the same status and body,
 *     one ticket only, nothing written, no event published;
 *   - the same key with another body, or from another kiosk: 422;
 *   - a malformed key: 400 bad_key, nothing written;
 *   - GET /api/v1/requests/{key}: the first answer, for its sender and
 *     staff only;
 *   - call-next with a missing or stale "current" while a ticket is called:
 *     409 not_current naming it, nothing closed; a replayed call-next gets
 *     the first answer and closes nothing more;
 *   - a failed write keeps no key, so the retry does the work once; the
 *     key and the verb's effect are kept together or not at all;
 *   - keys are purged with the day's data.
 *
 * "Nothing written" is PRAGMA data_version on a second connection (on
 * PostgreSQL the next transaction id: fixture_data_version).
 */
#include <cJSON.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "http/api.h"
#include "fixture.h"

static char dir[256], dbpath[300];
static struct store *st;
static struct desk *desk;
static struct api *api;
static struct bus *bus;
static sqlite3 *watch;            /* SQLite: kept open for data_version */
static int64_t now;
static char dk[80], dk2[80], tok_agent[80], auth_dk[100], auth_dk2[100], auth_agent[100];

static const char site_ini[] =
    "[site]\n"
    "id = test-93\n"
    "name = Test site\n"
    "timezone = Europe/Paris\n"
    "mon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\nthu = 00:00-24:00\n"
    "fri = 00:00-24:00\nsat = 00:00-24:00\nsun = 00:00-24:00\n"
    "[service A]\nname = Service A\ncapacity = 100\npriority_reserve = 0\n"
    "[service B]\nname = Service B\ncapacity = 100\npriority_reserve = 0\n"
    "[counter 1]\nservices = A\n"
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

/* The state of ticket `number` today, as stored ("" if none). */
static const char *
state_of(const char *number)
{
	static char out[16];
	char sql[100];

	REQUIRE(strspn(number, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == strlen(number));
	snprintf(sql, sizeof sql, "SELECT state FROM tickets WHERE number = '%s'", number);
	REQUIRE(fixture_query(dbpath, sql, out, sizeof out, NULL) >= 0);
	return out;
}

/* One request: its status; its raw body into *raw (caller frees) if given. */
static int
call(const char *method, const char *path, const char *auth, const char *key, const char *body,
    char **raw)
{
	struct api_req q;
	struct api_resp r;

	memset(&q, 0, sizeof q);
	q.method = method;
	q.path = path;
	q.body = body;
	q.body_len = body ? strlen(body) : 0;
	q.content_type = body ? "application/json" : NULL;
	q.authorization = auth;
	q.idem_key = key;
	q.client = "10.0.0.7";
	q.now = now;
	api_handle(api, &q, &r);
	if (raw)
		*raw = r.body;
	else
		free(r.body);
	return r.status;
}

static const char *
jstr(const cJSON *j, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A JSON field of a raw body, as a string (one static buffer). */
static const char *
field(const char *raw, const char *key)
{
	static char out[64];
	cJSON *j = raw ? cJSON_Parse(raw) : NULL;
	const char *s = jstr(j, key);

	snprintf(out, sizeof out, "%s", s ? s : "");
	cJSON_Delete(j);
	return out;
}

/* The ticket number of a counter's answer. */
static const char *
called(const char *raw)
{
	static char out[16];
	cJSON *j = raw ? cJSON_Parse(raw) : NULL;
	const char *s = jstr(cJSON_GetObjectItemCaseSensitive(j, "ticket"), "number");

	snprintf(out, sizeof out, "%s", s ? s : "");
	cJSON_Delete(j);
	return out;
}

static void
setup(void)
{
	struct desk_actor who = { "test", 0, NULL };
	char err[300];
	struct site site;
	struct desk_keys keys;

	fixture_tmpdir(dir, sizeof dir, "test_idem");
	fixture_path(dbpath, sizeof dbpath, dir, "q.db");
	fixture_site(dir, site_ini, &site);
	memset(&keys, 0, sizeof keys);
	crypto_sign_keypair(keys.pk, keys.sk);
	snprintf(keys.site_id, sizeof keys.site_id, "%.31s", site.id);
	desk = fixture_desk(dbpath, &site, &keys, now, &st);
	REQUIRE(desk_device_add(desk, &who, "kiosk-1", now, dk, err, sizeof err) == 0);
	REQUIRE(desk_device_add(desk, &who, "kiosk-2", now, dk2, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "marie", "agent", "secret-marie", now, err, sizeof err) == 0);
	REQUIRE(desk_token_new(desk, &who, "marie", now, tok_agent, err, sizeof err) == 0);
	snprintf(auth_dk, sizeof auth_dk, "Bearer %s", dk);
	snprintf(auth_dk2, sizeof auth_dk2, "Bearer %s", dk2);
	snprintf(auth_agent, sizeof auth_agent, "Bearer %s", tok_agent);
	REQUIRE((bus = bus_new(1000)) != NULL);
	REQUIRE((api = api_new(desk, bus)) != NULL);
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
	fixture_rmdir(dir);
}

/* -- issuing with a key ------------------------------------------------------ */

static void
test_issue_replay(void)
{
	const char *body = "{\"service\":\"A\",\"lang\":\"ar\"}";
	char *first = NULL, *again = NULL, *raw = NULL;
	int64_t dv, ev;

	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, "k1-issue", body, &first), 201);
	CHECK_STR(field(first, "number"), "A001");
	CHECK_INT(sql1("SELECT COUNT(*) FROM requests"), 1);

	/* The answer was lost: the kiosk sends the same request again. */
	dv = data_version();
	ev = bus_last(bus);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, "k1-issue", body, &again), 201);
	CHECK(first && again && strcmp(first, again) == 0);
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets"), 1);
	CHECK_INT(data_version(), dv);        /* nothing written */
	CHECK_INT(bus_last(bus), ev);                      /* nothing announced */
	free(again);

	/* The same key with another body: refused, nothing written. */
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, "k1-issue", "{\"service\":\"B\"}", &raw),
	    422);
	CHECK_STR(field(raw, "code"), "key_reused");
	CHECK(strlen(field(raw, "error")) > 10);
	free(raw);
	/* The same key and body from another kiosk: not its request. */
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk2, "k1-issue", body, &raw), 422);
	CHECK_STR(field(raw, "code"), "key_reused");
	free(raw);
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets"), 1);
	CHECK_INT(data_version(), dv);

	/* What became of it, for its kiosk and for staff; nobody else. */
	CHECK_INT(call("GET", "/api/v1/requests/k1-issue", auth_dk, NULL, NULL, &raw), 200);
	{
		cJSON *j = cJSON_Parse(raw), *a = cJSON_GetObjectItemCaseSensitive(j, "answer");
		CHECK_INT(cJSON_GetObjectItemCaseSensitive(j, "status") ?
		    cJSON_GetObjectItemCaseSensitive(j, "status")->valueint : 0, 201);
		CHECK_STR(jstr(a, "number"), "A001");
		CHECK_STR(jstr(j, "by"), "kiosk-1");
		cJSON_Delete(j);
	}
	free(raw);
	CHECK_INT(call("GET", "/api/v1/requests/k1-issue", auth_agent, NULL, NULL, NULL), 200);
	CHECK_INT(call("GET", "/api/v1/requests/k1-issue", auth_dk2, NULL, NULL, NULL), 404);
	CHECK_INT(call("GET", "/api/v1/requests/k1-issue", NULL, NULL, NULL, NULL), 401);
	CHECK_INT(call("GET", "/api/v1/requests/never-sent", auth_dk, NULL, NULL, NULL), 404);
	CHECK_INT(call("GET", "/api/v1/requests/bad%20key", auth_dk, NULL, NULL, NULL), 400);

	/* A new key: a new ticket. */
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, "k2-issue", body, &raw), 201);
	CHECK_STR(field(raw, "number"), "A002");
	free(raw);
	free(first);
}

static void
test_bad_keys(void)
{
	static const char *const bad[] = { "", "a b", "k\xc3\xa9", "key/1", "k\"1",
		"01234567890123456789012345678901234567890123456789012345678901234" /* 65 */ };
	char *raw = NULL;
	int64_t dv = data_version(), n = sql1("SELECT COUNT(*) FROM tickets");
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, bad[i], "{\"service\":\"A\"}", &raw),
		    400);
		CHECK_STR(field(raw, "code"), "bad_key");
		free(raw);
		CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, bad[i], NULL, &raw),
		    400);
		free(raw);
	}
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets"), n);
	CHECK_INT(data_version(), dv);
	/* 64 characters of every kind allowed is a key. */
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk,
	    "Az09_-.:0123456789012345678901234567890123456789012345678901234",
	    "{\"service\":\"B\"}", NULL), 201);
}

/* -- call-next after a lost answer -------------------------------------------- */

static void
test_call_next(void)
{
	char *first = NULL, *raw = NULL, *again = NULL;
	int64_t dv;

	/* A001 and A002 wait (test_issue_replay); one more. */
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"A\"}", NULL), 201);
	CHECK_STR(state_of("A003"), "waiting");

	/* Nothing called here yet: no current needed. */
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, "c1", "{}", &first), 200);
	CHECK_STR(called(first), "A001");
	CHECK_STR(state_of("A001"), "called");

	/* The answer was lost. A new click without the ticket, or with a stale
	 * one, must not close A001, which the agent never saw. */
	dv = data_version();
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, "c2", NULL, &raw), 409);
	CHECK_STR(field(raw, "code"), "not_current");
	CHECK_STR(field(raw, "current"), "A001");
	free(raw);
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, NULL,
	    "{\"current\":\"A099\"}", &raw), 409);
	CHECK_STR(field(raw, "current"), "A001");
	free(raw);
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, NULL,
	    "{\"current\":null}", NULL), 409);
	CHECK_INT(call("POST", "/api/v1/counters/1/call", auth_agent, NULL,
	    "{\"number\":\"A003\",\"reason\":\"urgent case\"}", &raw), 409);
	CHECK_STR(field(raw, "code"), "not_current");
	free(raw);
	CHECK_STR(state_of("A001"), "called");
	CHECK_STR(state_of("A002"), "waiting");
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets WHERE state = 'served'"), 0);
	/* "*" is not a ticket number: no road to the in-process wildcard. */
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, NULL,
	    "{\"current\":\"*\"}", NULL), 400);
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, NULL,
	    "{\"current\":7}", NULL), 400);

	/* The retry with the first key: the first answer, nothing more done. */
	dv = data_version();
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, "c1", "{}", &again), 200);
	CHECK(first && again && strcmp(first, again) == 0);
	CHECK_INT(data_version(), dv);
	CHECK_STR(state_of("A001"), "called");
	free(again);
	free(first);

	/* The agent saw A001 and moves on: A001 served, A002 called. */
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, "c3",
	    "{\"current\":\"A001\"}", &first), 200);
	CHECK_STR(called(first), "A002");
	CHECK_STR(state_of("A001"), "served");
	/* That answer is lost too; the console retries with the same key. */
	dv = data_version();
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, "c3",
	    "{\"current\":\"A001\"}", &again), 200);
	CHECK(first && again && strcmp(first, again) == 0);
	CHECK_INT(data_version(), dv);
	CHECK_STR(state_of("A002"), "called");      /* not closed unseen */
	CHECK_STR(state_of("A003"), "waiting");
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets WHERE state = 'served'"), 1);
	free(again);
	free(first);

	/* A refusal kept with its key is answered again the same way. */
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, "c4", NULL, &first), 409);
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, "c4", NULL, &again), 409);
	CHECK(first && again && strcmp(first, again) == 0);
	free(again);
	free(first);

	/* A done naming another ticket than the one called: nothing changes. */
	CHECK_INT(call("POST", "/api/v1/counters/1/done", auth_agent, NULL,
	    "{\"outcome\":\"complete\",\"current\":\"A001\"}", &raw), 409);
	CHECK_STR(field(raw, "code"), "not_current");
	CHECK_STR(field(raw, "current"), "A002");
	free(raw);
	CHECK_INT(call("POST", "/api/v1/counters/1/no-show", auth_agent, NULL,
	    "{\"current\":null}", NULL), 409);
	CHECK_STR(state_of("A002"), "called");

	/* A done with a key, replayed: still one served. */
	CHECK_INT(call("POST", "/api/v1/counters/1/done", auth_agent, "d1",
	    "{\"outcome\":\"complete\",\"current\":\"A002\"}", &first), 200);
	CHECK_INT(call("POST", "/api/v1/counters/1/done", auth_agent, "d1",
	    "{\"outcome\":\"complete\",\"current\":\"A002\"}", &again), 200);
	CHECK(first && again && strcmp(first, again) == 0);
	CHECK(first && strstr(first, "\"finished\"") != NULL);
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets WHERE state = 'served'"), 2);
	free(again);
	free(first);
}

/* -- a failed write keeps no key ------------------------------------------------ */

static void
test_locked(void)
{
	struct fixture_locker locker;
	int64_t n = sql1("SELECT COUNT(*) FROM tickets");

	fixture_lock(&locker, dbpath, "tickets, requests");
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, "k-locked", "{\"service\":\"A\"}", NULL),
	    503);
	fixture_unlock(&locker);
	CHECK_INT(sql1("SELECT COUNT(*) FROM requests WHERE key = 'k-locked'"), 0);
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets"), n);
	/* The retry does the work, once. */
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, "k-locked", "{\"service\":\"A\"}", NULL),
	    201);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, "k-locked", "{\"service\":\"A\"}", NULL),
	    201);
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets"), n + 1);
}

/* -- the key and the effect: one transaction ----------------------------------------- */

/* The answer cannot be kept: the ticket is not kept either; and the other
 * way round. Failures injected with triggers on the file itself. */
static void
test_atomic(void)
{
	int64_t n = sql1("SELECT COUNT(*) FROM tickets"), r = sql1("SELECT COUNT(*) FROM requests");
	char *raw = NULL;

	fixture_fail_on(dbpath, "no_requests", "requests", "INSERT", NULL);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, "k-atomic", "{\"service\":\"A\"}", &raw),
	    503);
	CHECK(raw && strstr(raw, "injected") != NULL);
	free(raw);
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets"), n);
	CHECK_INT(sql1("SELECT COUNT(*) FROM events WHERE kind = 'issue'"), n);
	fixture_fail_off(dbpath, "no_requests", "requests");

	fixture_fail_on(dbpath, "no_tickets", "tickets", "INSERT", NULL);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, "k-atomic", "{\"service\":\"A\"}", NULL),
	    503);
	CHECK_INT(sql1("SELECT COUNT(*) FROM requests"), r);
	fixture_fail_off(dbpath, "no_tickets", "tickets");

	/* Both possible again: one ticket, one answer, the retry replayed. */
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, "k-atomic", "{\"service\":\"A\"}", NULL),
	    201);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, "k-atomic", "{\"service\":\"A\"}", NULL),
	    201);
	CHECK_INT(sql1("SELECT COUNT(*) FROM tickets"), n + 1);
	CHECK_INT(sql1("SELECT COUNT(*) FROM requests"), r + 1);
}

/* -- purged with the day --------------------------------------------------------- */

static void
test_purge(void)
{
	char err[200];

	CHECK(sql1("SELECT COUNT(*) FROM requests") > 0);
	CHECK_INT(desk_retention(desk, now + 86400, err, sizeof err), DK_OK);
	CHECK_INT(sql1("SELECT COUNT(*) FROM requests"), 0);
}

int
main(void)
{
	fixture_tz("Europe/Paris");
	now = utc(2026, 11, 27, 9, 0, 0);   /* Friday 10:00 in Paris */
	setup();
	test_issue_replay();
	test_bad_keys();
	test_call_next();
	test_locked();
	test_atomic();
	test_purge();
	teardown();
	return TEST_REPORT();
}
