/*
 * test_manage: the manager's routes (issue #16) through the API
 * (api_handle) on a real SQLite file:
 *
 *   - PATCH /api/v1/services/{code}/today: manager or admin only (agent 403,
 *     kiosk 403, nobody 401); a reason is required; GET /api/v1/services
 *     shows the change at once; a closed service refuses a ticket (409
 *     closed); a capacity under what was issued gives an attestation; the
 *     change is audited (who, before, after, why), publishes the counts,
 *     takes an Idempotency-Key, and is forgotten the next day.
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
static int64_t now;
static char dk[80], tok_agent[80], tok_mgr[80], tok_admin[80];
static char auth_dk[100], auth_agent[100], auth_mgr[100], auth_admin[100];

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
	return fixture_sql1(dbpath, sql);
}

/* One request: its status; its parsed body into *out (caller frees) if given. */
static int
call(const char *method, const char *path, const char *auth, const char *key, const char *body,
    cJSON **out)
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
	if (out)
		*out = r.body ? cJSON_Parse(r.body) : NULL;
	free(r.body);
	return r.status;
}

static const char *
jstr(const cJSON *j, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Service `code` of GET /api/v1/services: its field `key` (bools as 0/1), or -1. */
static int
service_field(char code, const char *key)
{
	cJSON *j = NULL, *sv, *v;
	int out = -1;

	REQUIRE(call("GET", "/api/v1/services", NULL, NULL, NULL, &j) == 200);
	cJSON_ArrayForEach(sv, cJSON_GetObjectItemCaseSensitive(j, "services")) {
		if (jstr(sv, "code")[0] != code)
			continue;
		v = cJSON_GetObjectItemCaseSensitive(sv, key);
		out = cJSON_IsBool(v) ? cJSON_IsTrue(v) : cJSON_IsNumber(v) ? v->valueint : -1;
	}
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

	fixture_tmpdir(dir, sizeof dir, "test_manage");
	fixture_path(dbpath, sizeof dbpath, dir, "q.db");
	fixture_site(dir, site_ini, &site);
	memset(&keys, 0, sizeof keys);
	crypto_sign_keypair(keys.pk, keys.sk);
	snprintf(keys.site_id, sizeof keys.site_id, "%.31s", site.id);
	desk = fixture_desk(dbpath, &site, &keys, now, &st);
	REQUIRE(desk_device_add(desk, &who, "kiosk-1", now, dk, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "marie", "agent", "secret-marie", now, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "paul", "manager", "secret-paul", now, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "root", "admin", "secret-root", now, err, sizeof err) == 0);
	REQUIRE(desk_token_new(desk, &who, "marie", now, tok_agent, err, sizeof err) == 0);
	REQUIRE(desk_token_new(desk, &who, "paul", now, tok_mgr, err, sizeof err) == 0);
	REQUIRE(desk_token_new(desk, &who, "root", now, tok_admin, err, sizeof err) == 0);
	snprintf(auth_dk, sizeof auth_dk, "Bearer %s", dk);
	snprintf(auth_agent, sizeof auth_agent, "Bearer %s", tok_agent);
	snprintf(auth_mgr, sizeof auth_mgr, "Bearer %s", tok_mgr);
	snprintf(auth_admin, sizeof auth_admin, "Bearer %s", tok_admin);
	REQUIRE((bus = bus_new(1000)) != NULL);
	REQUIRE((api = api_new(desk, bus)) != NULL);
}

static void
teardown(void)
{
	api_free(api);
	bus_free(bus);
	desk_close(desk);
	store_close(st);
	fixture_rmdir(dir);
}

/* -- today's service changes --------------------------------------------------- */

static void
test_today_roles(void)
{
	const char *body = "{\"open\":false,\"reason\":\"absences\"}";
	cJSON *j = NULL;

	CHECK_INT(call("PATCH", "/api/v1/services/A/today", NULL, NULL, body, NULL), 401);
	CHECK_INT(call("PATCH", "/api/v1/services/A/today", auth_agent, NULL, body, &j), 403);
	CHECK_STR(jstr(j, "code"), "forbidden");
	cJSON_Delete(j);
	CHECK_INT(call("PATCH", "/api/v1/services/A/today", auth_dk, NULL, body, NULL), 403);
	/* Bad input: a clear 400, nothing changed. */
	CHECK_INT(call("PATCH", "/api/v1/services/A/today", auth_mgr, NULL, "{\"open\":false}", &j),
	    400);
	CHECK(strstr(jstr(j, "error"), "reason") != NULL);
	cJSON_Delete(j);
	CHECK_INT(call("PATCH", "/api/v1/services/A/today", auth_mgr, NULL,
	    "{\"capacity\":-3,\"reason\":\"x\"}", NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/services/A/today", auth_mgr, NULL,
	    "{\"open\":\"no\",\"reason\":\"x\"}", NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/services/A/today", auth_mgr, NULL, "{\"reason\":\"x\"}",
	    NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/services/Z/today", auth_mgr, NULL, body, NULL), 404);
	CHECK_INT(call("POST", "/api/v1/services/A/today", auth_mgr, NULL, body, NULL), 405);
	CHECK_INT(call("PATCH", "/api/v1/services/A/tomorrow", auth_mgr, NULL, body, NULL), 404);
	CHECK_INT(sql1("SELECT COUNT(*) FROM service_today"), 0);
	CHECK_INT(service_field('A', "open_today"), 1);
}

static void
test_today_close(void)
{
	const char *body = "{\"open\":false,\"reason\":\"three agents absent\"}";
	cJSON *j = NULL;
	int64_t ev, audits = sql1("SELECT COUNT(*) FROM audit");

	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"A\"}", NULL), 201);
	ev = bus_last(bus);
	CHECK_INT(call("PATCH", "/api/v1/services/A/today", auth_mgr, "m-close-a", body, &j), 200);
	CHECK_STR(jstr(j, "code"), "A");
	CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "open")));
	cJSON_Delete(j);
	{
		/* Boards and kiosks told: a counts event within 5 s (it is coalesced). */
		char type[32], json[4096];
		int64_t seq = 0;
		CHECK_INT(bus_next(bus, ev, 0, 5000, &seq, type, sizeof type, json, sizeof json), 1);
		CHECK_STR(type, "counts");
		CHECK(strstr(json, "\"open_today\":false") != NULL);
	}
	CHECK_INT(service_field('A', "open"), 0);          /* at once */
	CHECK_INT(service_field('A', "open_today"), 0);
	CHECK_INT(service_field('A', "left_today"), 0);
	CHECK_INT(service_field('B', "open"), 1);
	/* A closed service refuses a ticket with the closed error. */
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"A\"}", &j), 409);
	CHECK_STR(jstr(j, "code"), "closed");
	cJSON_Delete(j);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"B\"}", NULL), 201);
	/* Audited: who, before, after, why; the chain still holds. */
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'service_today' AND actor = 'paul' "
	    "AND detail LIKE '%before open=1 capacity=100 priority_reserve=0; after open=0 "
	    "capacity=100 priority_reserve=0; reason: three agents absent'"), 1);
	CHECK(sql1("SELECT COUNT(*) FROM audit") > audits);
	{
		int entries = 0;
		char why[200];
		CHECK_INT(desk_audit_verify(desk, &entries, why, sizeof why), DK_OK);
	}
	/* The same key again: the same answer, nothing done twice. */
	CHECK_INT(call("PATCH", "/api/v1/services/A/today", auth_mgr, "m-close-a", body, NULL), 200);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'service_today'"), 1);
	/* Open again (admin may too). */
	CHECK_INT(call("PATCH", "/api/v1/services/A/today", auth_admin, NULL,
	    "{\"open\":true,\"reason\":\"agents back\"}", NULL), 200);
	CHECK_INT(service_field('A', "open"), 1);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"A\"}", NULL), 201);
}

static void
test_today_capacity(void)
{
	cJSON *j = NULL;

	/* Two A tickets issued: a capacity of 2 means full. */
	CHECK_INT(service_field('A', "issued"), 2);
	CHECK_INT(call("PATCH", "/api/v1/services/A/today", auth_mgr, NULL,
	    "{\"capacity\":2,\"reason\":\"short-staffed\"}", NULL), 200);
	CHECK_INT(service_field('A', "capacity"), 2);
	CHECK_INT(service_field('A', "left_today"), 0);
	CHECK_INT(service_field('A', "open"), 1);           /* open kept from before */
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"A\"}", &j), 201);
	CHECK_STR(jstr(j, "kind"), "attestation");
	cJSON_Delete(j);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'service_today' AND detail LIKE "
	    "'%after open=1 capacity=2 priority_reserve=0;%'"), 1);

	/* The next day: forgotten, the site's values again. */
	now += 86400;
	CHECK_INT(service_field('A', "capacity"), 100);
	CHECK_INT(service_field('A', "open_today"), 1);
	now -= 86400;
	CHECK_INT(service_field('A', "capacity"), 2);
}

/* Today's priority reserve: kept for priority tickets, shown in the list,
 * bounded by the capacity, taken down with a lower capacity. Service B has
 * one ticket so far, and capacity 100, reserve 0. */
static void
test_today_reserve(void)
{
	cJSON *j = NULL;

	CHECK_INT(call("PATCH", "/api/v1/services/B/today", auth_mgr, NULL,
	    "{\"capacity\":4,\"priority_reserve\":2,\"reason\":\"deux places pour les "
	    "priorit\u00e9s\"}", &j), 200);
	CHECK_INT(cJSON_GetObjectItemCaseSensitive(j, "priority_reserve")->valueint, 2);
	cJSON_Delete(j);
	CHECK_INT(service_field('B', "priority_reserve"), 2);
	CHECK_INT(service_field('B', "left_today"), 1);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"B\"}", &j), 201);
	CHECK_STR(jstr(j, "kind"), "ticket");
	cJSON_Delete(j);
	/* The one ordinary place is gone; the reserve still serves priority. */
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"B\"}", &j), 201);
	CHECK_STR(jstr(j, "kind"), "attestation");
	cJSON_Delete(j);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL,
	    "{\"service\":\"B\",\"priority\":true}", &j), 201);
	CHECK_STR(jstr(j, "kind"), "ticket");
	cJSON_Delete(j);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'service_today' AND detail LIKE "
	    "'service B %before open=1 capacity=100 priority_reserve=0; after open=1 capacity=4 "
	    "priority_reserve=2;%'"), 1);

	/* Over the capacity: refused, nothing kept. */
	CHECK_INT(call("PATCH", "/api/v1/services/B/today", auth_mgr, NULL,
	    "{\"priority_reserve\":5,\"reason\":\"x\"}", NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/services/B/today", auth_mgr, NULL,
	    "{\"priority_reserve\":-1,\"reason\":\"x\"}", NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/services/B/today", auth_mgr, NULL,
	    "{\"priority_reserve\":\"2\",\"reason\":\"x\"}", NULL), 400);
	CHECK_INT(service_field('B', "priority_reserve"), 2);
	/* A lower capacity alone takes the reserve down with it. */
	CHECK_INT(call("PATCH", "/api/v1/services/B/today", auth_mgr, NULL,
	    "{\"capacity\":1,\"reason\":\"y\"}", NULL), 200);
	CHECK_INT(service_field('B', "priority_reserve"), 1);
	/* Back to the site's values for the tests that follow. */
	CHECK_INT(call("PATCH", "/api/v1/services/B/today", auth_mgr, NULL,
	    "{\"capacity\":100,\"priority_reserve\":0,\"reason\":\"z\"}", NULL), 200);
}

/* -- counters: a lasting change of what a counter serves --------------------------- */

static void
test_counters(void)
{
	cJSON *j = NULL;

	CHECK_INT(service_field('B', "open_counters"), 0);
	CHECK_INT(call("PATCH", "/api/v1/counters/1", auth_agent, NULL, "{\"services\":\"BA\"}",
	    NULL), 403);
	CHECK_INT(call("PATCH", "/api/v1/counters/1", NULL, NULL, "{\"services\":\"BA\"}", NULL),
	    401);
	CHECK_INT(call("PATCH", "/api/v1/counters/1", auth_mgr, NULL, "{}", NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/counters/1", auth_mgr, NULL, "{\"services\":\"\"}",
	    NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/counters/1", auth_mgr, NULL, "{\"services\":\"AZ\"}",
	    NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/counters/1", auth_mgr, NULL, "{\"services\":\"AA\"}",
	    NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/counters/1", auth_mgr, NULL, "{\"services\":\"a\"}",
	    NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/counters/1", auth_mgr, NULL,
	    "{\"services\":\"A\",\"name\":\"\"}", NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/counters/1", auth_mgr, NULL,
	    "{\"services\":\"A\",\"name\":\"Guichet ;1\"}", NULL), 400);   /* not in a site file */
	CHECK_INT(call("PATCH", "/api/v1/counters/9", auth_mgr, NULL, "{\"services\":\"A\"}",
	    NULL), 404);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'counter_config'"), 0);

	CHECK_INT(call("PATCH", "/api/v1/counters/1", auth_mgr, NULL,
	    "{\"services\":\"BA\",\"name\":\"Guichet \u00e9t\u00e9\"}", &j), 200);
	CHECK_STR(jstr(j, "services"), "BA");
	CHECK_STR(jstr(j, "name"), "Guichet \xc3\xa9t\xc3\xa9");
	cJSON_Delete(j);
	CHECK_INT(sql1("SELECT COUNT(*) FROM counters WHERE n = 1 AND services = 'BA'"), 1);
	CHECK_INT(service_field('B', "open_counters"), 1);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'counter_config' AND actor = 'paul' "
	    "AND detail = 'counter 1: before name=Guichet 1 services=A; after name=Guichet "
	    "\xc3\xa9t\xc3\xa9 services=BA'"), 1);
	/* The counter now takes B first. */
	CHECK_INT(call("POST", "/api/v1/counters/1/call-next", auth_agent, NULL, NULL, &j), 200);
	CHECK(j && cJSON_GetObjectItemCaseSensitive(j, "ticket") &&
	    jstr(cJSON_GetObjectItemCaseSensitive(j, "ticket"), "number")[0] == 'B');
	cJSON_Delete(j);
	/* The name stays when left out. */
	CHECK_INT(call("PATCH", "/api/v1/counters/1", auth_admin, NULL, "{\"services\":\"A\"}",
	    &j), 200);
	CHECK_STR(jstr(j, "name"), "Guichet \xc3\xa9t\xc3\xa9");
	cJSON_Delete(j);
}

/* -- closures ------------------------------------------------------------------------ */

/* site.{key} of GET /api/v1/services, as a string ("" if absent; bools "true"/"false"). */
static const char *
site_field(const char *key, const char *sub)
{
	static char out[320];
	cJSON *j = NULL, *v;

	REQUIRE(call("GET", "/api/v1/services", NULL, NULL, NULL, &j) == 200);
	v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "site"), key);
	if (sub)
		v = cJSON_GetObjectItemCaseSensitive(v, sub);
	snprintf(out, sizeof out, "%s", cJSON_IsString(v) ? v->valuestring : cJSON_IsTrue(v) ?
	    "true" : cJSON_IsFalse(v) ? "false" : "");
	cJSON_Delete(j);
	return out;
}

static void
test_closures(void)
{
	const char *body = "{\"from\":\"2026-11-27\",\"to\":\"2026-11-28\",\"reason\":\"grève\"}";
	cJSON *j = NULL, *arr;
	char path[64];
	int id;

	CHECK_STR(site_field("open", NULL), "true");
	CHECK_STR(site_field("next_opening", "day"), "2026-11-28");
	/* Roles. */
	CHECK_INT(call("POST", "/api/v1/closures", auth_agent, NULL, body, NULL), 403);
	CHECK_INT(call("GET", "/api/v1/closures", auth_agent, NULL, NULL, NULL), 403);
	CHECK_INT(call("POST", "/api/v1/closures", NULL, NULL, body, NULL), 401);
	/* Bad input. */
	CHECK_INT(call("POST", "/api/v1/closures", auth_mgr, NULL,
	    "{\"from\":\"2026-11-28\",\"to\":\"2026-11-27\",\"reason\":\"x\"}", NULL), 400);
	CHECK_INT(call("POST", "/api/v1/closures", auth_mgr, NULL,
	    "{\"from\":\"2026-02-30\",\"to\":\"2026-03-01\",\"reason\":\"x\"}", NULL), 400);
	CHECK_INT(call("POST", "/api/v1/closures", auth_mgr, NULL,
	    "{\"from\":\"2026-11-27\",\"to\":\"2026-11-27\"}", NULL), 400);
	CHECK_INT(call("PUT", "/api/v1/closures", auth_mgr, NULL, body, NULL), 405);
	CHECK_INT(sql1("SELECT COUNT(*) FROM closures"), 0);

	/* Today and tomorrow closed. */
	CHECK_INT(call("POST", "/api/v1/closures", auth_mgr, "c-1", body, &j), 201);
	id = cJSON_GetObjectItemCaseSensitive(j, "id") ? cJSON_GetObjectItemCaseSensitive(j, "id")->valueint : -1;
	CHECK(id > 0);
	CHECK_STR(jstr(j, "reason"), "grève");
	CHECK_STR(jstr(j, "by"), "paul");
	cJSON_Delete(j);
	CHECK_INT(call("POST", "/api/v1/closures", auth_mgr, "c-1", body, NULL), 201);   /* replay */
	CHECK_INT(sql1("SELECT COUNT(*) FROM closures"), 1);
	CHECK_STR(site_field("open", NULL), "false");
	CHECK_STR(site_field("closure", "reason"), "grève");
	CHECK_STR(site_field("next_opening", "day"), "2026-11-29");   /* skips the closure */
	CHECK_STR(site_field("next_opening", "opens"), "00:00");
	CHECK_INT(service_field('B', "open"), 0);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"B\"}", &j), 409);
	CHECK_STR(jstr(j, "code"), "closed");
	cJSON_Delete(j);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'closure_add' AND actor = 'paul' "
	    "AND detail LIKE '%after 2026-11-27 to 2026-11-28 closed; reason: grève'"), 1);
	CHECK_INT(call("GET", "/api/v1/closures", auth_mgr, NULL, NULL, &j), 200);
	arr = cJSON_GetObjectItemCaseSensitive(j, "closures");
	CHECK_INT(cJSON_GetArraySize(arr), 1);
	CHECK_STR(jstr(cJSON_GetArrayItem(arr, 0), "from"), "2026-11-27");
	cJSON_Delete(j);

	/* Deleted: open again. */
	snprintf(path, sizeof path, "/api/v1/closures/%d", id);
	CHECK_INT(call("DELETE", path, auth_agent, NULL, NULL, NULL), 403);
	CHECK_INT(call("DELETE", path, auth_admin, NULL, NULL, NULL), 200);
	CHECK_INT(call("DELETE", path, auth_admin, NULL, NULL, NULL), 404);
	CHECK_INT(call("DELETE", "/api/v1/closures/abc", auth_admin, NULL, NULL, NULL), 404);
	CHECK_STR(site_field("open", NULL), "true");
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"B\"}", NULL), 201);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'closure_delete' AND actor = 'root'"),
	    1);
}

/* Changed hours for a day or a range: open only then, whatever the weekly
 * hours say (the test site opens 00:00-24:00 every day; now is Friday
 * 2026-11-27 10:00 in Paris). */
static int
closure_add(const char *body)
{
	cJSON *j = NULL, *id;
	int out = -1;

	if (call("POST", "/api/v1/closures", auth_mgr, NULL, body, &j) == 201 &&
	    (id = cJSON_GetObjectItemCaseSensitive(j, "id")) != NULL)
		out = id->valueint;
	cJSON_Delete(j);
	return out;
}

static void
closure_del(int id)
{
	char path[64];

	snprintf(path, sizeof path, "/api/v1/closures/%d", id);
	CHECK_INT(call("DELETE", path, auth_mgr, NULL, NULL, NULL), 200);
}

static void
test_changed_hours(void)
{
	static const char *const bad[] = { "9-12", "12:00-09:00", "09:00-25:00", "09:00-12:00x",
		"09:00", "" };
	char body[200];
	cJSON *j = NULL;
	int id, id2, i;

	for (i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
		snprintf(body, sizeof body, "{\"from\":\"2026-11-27\",\"to\":\"2026-11-27\","
		    "\"hours\":\"%s\",\"reason\":\"x\"}", bad[i]);
		CHECK_INT(call("POST", "/api/v1/closures", auth_mgr, NULL, body, NULL), 400);
	}
	CHECK_INT(sql1("SELECT COUNT(*) FROM closures"), 0);

	/* Today, open 08:00-09:30 only: closed at 10:00. */
	id = closure_add("{\"from\":\"2026-11-27\",\"to\":\"2026-11-27\",\"hours\":\"08:00-09:30\","
	    "\"reason\":\"formation du personnel\"}");
	CHECK(id > 0);
	CHECK_STR(site_field("open", NULL), "false");
	CHECK_STR(site_field("opens", NULL), "08:00");
	CHECK_STR(site_field("closes", NULL), "09:30");
	CHECK_STR(site_field("closure", "hours"), "08:00-09:30");
	CHECK_INT(service_field('B', "open"), 0);
	CHECK_INT(service_field('B', "open_today"), 1);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"B\"}", &j), 409);
	CHECK_STR(jstr(j, "code"), "closed");
	cJSON_Delete(j);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'closure_add' AND detail LIKE "
	    "'%after 2026-11-27 to 2026-11-27 open 08:00-09:30; reason: formation du personnel'"), 1);
	closure_del(id);

	/* Open 09:30-11:00: issuing at 10:00. */
	id = closure_add("{\"from\":\"2026-11-26\",\"to\":\"2026-11-30\",\"hours\":\"09:30-11:00\","
	    "\"reason\":\"travaux\"}");
	CHECK_STR(site_field("open", NULL), "true");
	CHECK_STR(site_field("closes", NULL), "11:00");
	CHECK_INT(service_field('B', "open"), 1);
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"B\"}", NULL), 201);
	/* The next opening: tomorrow, at the changed hour. */
	CHECK_STR(site_field("next_opening", "day"), "2026-11-28");
	CHECK_STR(site_field("next_opening", "opens"), "09:30");
	/* A whole-day closure on the same days wins over the changed hours. */
	id2 = closure_add("{\"from\":\"2026-11-27\",\"to\":\"2026-11-28\",\"reason\":\"grève\"}");
	CHECK_STR(site_field("open", NULL), "false");
	CHECK_STR(site_field("opens", NULL), "");           /* null */
	CHECK_STR(site_field("next_opening", "day"), "2026-11-29");
	CHECK_STR(site_field("next_opening", "opens"), "09:30");
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"B\"}", NULL), 409);
	closure_del(id2);
	closure_del(id);
	CHECK_STR(site_field("opens", NULL), "00:00");
	CHECK_STR(site_field("next_opening", "opens"), "00:00");
}

/* -- devices ------------------------------------------------------------------------- */

static void
test_devices(void)
{
	cJSON *j = NULL, *arr, *d;
	char key[100], auth[120];
	int i, found = 0;

	CHECK_INT(call("GET", "/api/v1/devices", auth_agent, NULL, NULL, NULL), 403);
	CHECK_INT(call("POST", "/api/v1/devices", auth_agent, NULL, "{\"name\":\"kiosk-2\"}", NULL),
	    403);
	CHECK_INT(call("POST", "/api/v1/devices/kiosk-1/revoke", auth_agent, NULL, NULL, NULL), 403);
	CHECK_INT(call("POST", "/api/v1/devices", auth_mgr, NULL, "{\"name\":\"bad name!\"}", NULL),
	    400);
	CHECK_INT(call("POST", "/api/v1/devices", auth_mgr, NULL, "{}", NULL), 400);
	CHECK_INT(call("POST", "/api/v1/devices", auth_mgr, NULL, "{\"name\":\"kiosk-1\"}", NULL),
	    409);

	/* A new kiosk: its key once, and it works. */
	CHECK_INT(call("POST", "/api/v1/devices", auth_mgr, NULL, "{\"name\":\"kiosk-2\"}", &j), 201);
	snprintf(key, sizeof key, "%s", jstr(j, "key"));
	cJSON_Delete(j);
	CHECK(strncmp(key, "dk_", 3) == 0);
	snprintf(auth, sizeof auth, "Bearer %s", key);
	CHECK_INT(call("POST", "/api/v1/tickets", auth, NULL, "{\"service\":\"B\"}", NULL), 201);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'device_add' AND actor = 'paul' "
	    "AND detail = 'kiosk-2'"), 1);

	/* The list: last contact, printer state. */
	CHECK_INT(call("GET", "/api/v1/devices", auth_mgr, NULL, NULL, &j), 200);
	arr = cJSON_GetObjectItemCaseSensitive(j, "devices");
	CHECK_INT(cJSON_GetArraySize(arr), 2);
	for (i = 0; i < cJSON_GetArraySize(arr); i++) {
		d = cJSON_GetArrayItem(arr, i);
		if (strcmp(jstr(d, "name"), "kiosk-2") == 0) {
			found = 1;
			CHECK(strlen(jstr(d, "last_contact")) > 10);
			CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "active")));
			CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(d, "printer")));
		}
	}
	CHECK(found);
	cJSON_Delete(j);

	/* Revoked: refused from the next request on. */
	CHECK_INT(call("POST", "/api/v1/devices/kiosk-2/revoke", auth_mgr, "r-1", NULL, &j), 200);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "active")));
	cJSON_Delete(j);
	CHECK_INT(call("POST", "/api/v1/tickets", auth, NULL, "{\"service\":\"B\"}", NULL), 401);
	CHECK_INT(call("POST", "/api/v1/devices/kiosk-2/revoke", auth_mgr, "r-1", NULL, NULL), 200);
	CHECK_INT(call("POST", "/api/v1/devices/kiosk-2/revoke", auth_mgr, NULL, NULL, NULL), 404);
	CHECK_INT(call("POST", "/api/v1/devices/kiosk-2/other", auth_mgr, NULL, NULL, NULL), 404);
	CHECK_INT(call("GET", "/api/v1/devices/kiosk-2/revoke", auth_mgr, NULL, NULL, NULL), 405);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'device_revoke' AND actor = 'paul' "
	    "AND detail LIKE 'device kiosk-2: before active; after revoked%'"), 1);
	/* kiosk-1 still works. */
	CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"B\"}", NULL), 201);
}

/* kiosk-1's paper counter, from the list. */
static cJSON *
paper_of(cJSON **j)
{
	cJSON *arr, *d;
	int i;

	CHECK_INT(call("GET", "/api/v1/devices", auth_mgr, NULL, NULL, j), 200);
	arr = cJSON_GetObjectItemCaseSensitive(*j, "devices");
	for (i = 0; i < cJSON_GetArraySize(arr); i++) {
		d = cJSON_GetArrayItem(arr, i);
		if (strcmp(jstr(d, "name"), "kiosk-1") == 0)
			return cJSON_GetObjectItemCaseSensitive(d, "paper_counter");
	}
	CHECK(!"kiosk-1 listed");
	return NULL;
}

static double
jnum(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	CHECK(cJSON_IsNumber(v));
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* Each slip a kiosk's printer takes counts on its paper counter, with the
 * paper it used; a failed print does not; "new roll" starts it again. */
static void
test_paper(void)
{
	cJSON *j = NULL, *p;
	char path[80], body[80];
	int64_t id[3];
	int i;

	p = paper_of(&j);
	REQUIRE(p != NULL);
	CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p, "since")));
	cJSON_Delete(j);
	for (i = 0; i < 3; i++) {
		CHECK_INT(call("POST", "/api/v1/tickets", auth_dk, NULL, "{\"service\":\"B\"}", &j), 201);
		id[i] = (int64_t)jnum(j, "id");
		cJSON_Delete(j);
	}
	snprintf(path, sizeof path, "/api/v1/tickets/%lld/printed", (long long)id[0]);
	CHECK_INT(call("POST", path, auth_dk, NULL, "{\"status\":\"confirmed\",\"paper_mm\":2001}",
	    NULL), 400);
	CHECK_INT(call("POST", path, auth_dk, NULL, "{\"status\":\"confirmed\",\"paper_mm\":-1}",
	    NULL), 400);
	CHECK_INT(call("POST", path, auth_dk, NULL, "{\"status\":\"confirmed\",\"paper_mm\":9.5}",
	    NULL), 400);
	p = paper_of(&j);
	CHECK_INT((int)jnum(p, "slips"), 0);       /* refused reports count nothing */
	cJSON_Delete(j);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "/api/v1/tickets/%lld/printed", (long long)id[i]);
		snprintf(body, sizeof body, "{\"status\":\"%s\",\"paper_mm\":%d}",
		    i == 1 ? "failed" : i == 2 ? "unconfirmed" : "confirmed", 90 + i);
		CHECK_INT(call("POST", path, auth_dk, NULL, body, NULL), 200);
	}
	p = paper_of(&j);
	CHECK_INT((int)jnum(p, "slips"), 2);       /* confirmed and unconfirmed, not failed */
	CHECK_INT((int)jnum(p, "mm"), 90 + 92);
	cJSON_Delete(j);

	CHECK_INT(call("POST", "/api/v1/devices/kiosk-1/new-roll", auth_agent, NULL, NULL, NULL), 403);
	CHECK_INT(call("POST", "/api/v1/devices/nobody/new-roll", auth_mgr, NULL, NULL, NULL), 404);
	CHECK_INT(call("POST", "/api/v1/devices/kiosk-1/new-roll", auth_mgr, NULL, NULL, &j), 200);
	p = cJSON_GetObjectItemCaseSensitive(j, "paper_counter");
	CHECK_INT((int)jnum(p, "slips"), 0);
	CHECK(strlen(jstr(p, "since")) > 10);
	cJSON_Delete(j);
	p = paper_of(&j);
	CHECK_INT((int)jnum(p, "slips"), 0);
	CHECK_INT((int)jnum(p, "mm"), 0);
	CHECK(strlen(jstr(p, "since")) > 10);
	cJSON_Delete(j);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'paper_roll' AND actor = 'paul' "
	    "AND detail = 'device kiosk-1: before 2 slips, 182 mm of paper; after a new roll (0)'"), 1);
}

int
main(void)
{
	fixture_tz("Europe/Paris");
	now = utc(2026, 11, 27, 9, 0, 0);   /* Friday 10:00 in Paris */
	setup();
	test_today_roles();
	test_today_close();
	test_today_capacity();
	test_today_reserve();
	test_counters();
	test_closures();
	test_changed_hours();
	test_devices();
	test_paper();
	teardown();
	return TEST_REPORT();
}
