/*
 * test_notices: the notices of the board and the kiosk (issue #16) through
 * the API (api_handle) on a real SQLite file:
 *
 *   - POST /api/v1/notices, GET /api/v1/notices, DELETE /api/v1/notices/{id}:
 *     manager or admin only (agent 403, kiosk 403, nobody 401);
 *   - bad input, each a clear 400 and nothing kept: days, from > to, to in
 *     the past (the site's day), text not an object, no French, a language
 *     the kiosk does not have, a language twice (an alias), a text too long,
 *     empty, not UTF-8 or on two lines, screens empty or unknown;
 *   - 404 on an unknown id; a replayed Idempotency-Key does nothing twice;
 *   - audited (who, before, after) in a chain that still verifies;
 *   - the public readers: GET /api/v1/board holds today's "board" notices,
 *     GET /api/v1/services today's "kiosk" ones, never who wrote them, not
 *     before their first day nor after their last; a `notices` event goes
 *     out at once on an add and a delete.
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
    "[counter 1]\nservices = A\n";

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

static void
setup(void)
{
	struct desk_actor who = { "test", 0, NULL };
	char err[300];
	struct site site;
	struct desk_keys keys;

	fixture_tmpdir(dir, sizeof dir, "test_notices");
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

/* The public notices of GET path ("/api/v1/board" or "/api/v1/services"):
 * their French texts joined by '|', "" when none; *leak set when one holds
 * more than "id" and "text". */
static const char *
shown(const char *path, int *leak)
{
	static char out[2048];
	cJSON *j = NULL, *n, *v;

	out[0] = '\0';
	REQUIRE(call("GET", path, NULL, NULL, NULL, &j) == 200);
	REQUIRE(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "notices")));
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(j, "notices")) {
		cJSON_ArrayForEach(v, n)
			if (strcmp(v->string, "id") != 0 && strcmp(v->string, "text") != 0 && leak)
				*leak = 1;
		if (out[0])
			strcat(out, "|");
		strncat(out, jstr(cJSON_GetObjectItemCaseSensitive(n, "text"), "fr"),
		    sizeof out - strlen(out) - 2);
	}
	cJSON_Delete(j);
	return out;
}

static const char good[] = "{\"from\":\"2026-11-27\",\"to\":\"2026-11-28\","
    "\"text\":{\"fr\":\"Naturalisation : pas d'accueil cet après-midi\","
    "\"en\":\"Naturalisation: no reception this afternoon\",\"ar\":\"لا استقبال بعد الظهر\"},"
    "\"screens\":[\"board\"]}";

static void
test_roles(void)
{
	cJSON *j = NULL;

	CHECK_INT(call("POST", "/api/v1/notices", NULL, NULL, good, NULL), 401);
	CHECK_INT(call("POST", "/api/v1/notices", auth_agent, NULL, good, &j), 403);
	CHECK_STR(jstr(j, "code"), "forbidden");
	cJSON_Delete(j);
	CHECK_INT(call("POST", "/api/v1/notices", auth_dk, NULL, good, NULL), 403);
	CHECK_INT(call("GET", "/api/v1/notices", auth_agent, NULL, NULL, NULL), 403);
	CHECK_INT(call("GET", "/api/v1/notices", NULL, NULL, NULL, NULL), 401);
	CHECK_INT(call("DELETE", "/api/v1/notices/1", auth_agent, NULL, NULL, NULL), 403);
	CHECK_INT(call("DELETE", "/api/v1/notices/1", auth_dk, NULL, NULL, NULL), 403);
	CHECK_INT(call("PUT", "/api/v1/notices", auth_mgr, NULL, good, NULL), 405);
	CHECK_INT(call("GET", "/api/v1/notices/1", auth_mgr, NULL, NULL, NULL), 405);
	CHECK_INT(call("DELETE", "/api/v1/notices/x1", auth_mgr, NULL, NULL, NULL), 404);
	CHECK_INT(sql1("SELECT COUNT(*) FROM notices"), 0);
}

/* POST body: 400 with `code` whose "error" holds `why`; nothing kept. */
static void
bad_code(const char *body, const char *code, const char *why)
{
	cJSON *j = NULL;

	CHECK_INT(call("POST", "/api/v1/notices", auth_mgr, NULL, body, &j), 400);
	CHECK_STR(jstr(j, "code"), code);
	if (strstr(jstr(j, "error"), why) == NULL) {
		fprintf(stderr, "  body %s\n  said %s, expected \"%s\" in it\n", body,
		    jstr(j, "error"), why);
		CHECK(0);
	}
	cJSON_Delete(j);
}

static void
bad(const char *body, const char *why)
{
	bad_code(body, "bad_request", why);
}

#define TXT(x) "\"text\":" x
#define BODY(from, to, text, screens) "{\"from\":\"" from "\",\"to\":\"" to "\"," text \
    ",\"screens\":" screens "}"

static void
test_bad_input(void)
{
	char big[1200], body[1600];
	int i;

	bad(BODY("2026-11-27", "2026-11-3", TXT("{\"fr\":\"x\"}"), "[\"board\"]"), "YYYY-MM-DD");
	bad(BODY("2026-02-30", "2026-12-01", TXT("{\"fr\":\"x\"}"), "[\"board\"]"), "YYYY-MM-DD");
	bad("{\"to\":\"2026-12-01\",\"text\":{\"fr\":\"x\"},\"screens\":[\"board\"]}", "'from'");
	bad(BODY("2026-11-29", "2026-11-28", TXT("{\"fr\":\"x\"}"), "[\"board\"]"),
	    "'from' is after 'to'");
	/* The site's day is 2026-11-27: a notice that ended yesterday is refused. */
	bad(BODY("2026-11-20", "2026-11-26", TXT("{\"fr\":\"x\"}"), "[\"board\"]"), "in the past");
	bad(BODY("2026-11-27", "2026-11-28", TXT("\"Bonjour\""), "[\"board\"]"), "'text'");
	bad(BODY("2026-11-27", "2026-11-28", TXT("{}"), "[\"board\"]"), "'text'");
	bad("{\"from\":\"2026-11-27\",\"to\":\"2026-11-28\",\"screens\":[\"board\"]}", "'text'");
	bad(BODY("2026-11-27", "2026-11-28", TXT("{\"en\":\"Hello\"}"), "[\"board\"]"),
	    "French text (\"fr\") is required");
	bad(BODY("2026-11-27", "2026-11-28", TXT("{\"fr\":\"x\",\"de\":\"Hallo\"}"), "[\"board\"]"),
	    "'de' is not one of the kiosk's languages");
	bad(BODY("2026-11-27", "2026-11-28", TXT("{\"fr\":\"x\",\"klingon-long-tag\":\"y\"}"),
	    "[\"board\"]"), "not one of the kiosk's languages");
	bad(BODY("2026-11-27", "2026-11-28", TXT("{\"fr\":\"x\",\"fa\":\"y\",\"fa-AF\":\"z\"}"),
	    "[\"board\"]"), "'fa-AF' is given twice");
	bad(BODY("2026-11-27", "2026-11-28", TXT("{\"fr\":\"\"}"), "[\"board\"]"),
	    "1 to 200 characters");
	bad(BODY("2026-11-27", "2026-11-28", TXT("{\"fr\":42}"), "[\"board\"]"), "'text.fr'");
	bad(BODY("2026-11-27", "2026-11-28", TXT("{\"fr\":\"a\\nb\"}"), "[\"board\"]"),
	    "one line of valid UTF-8");
	/* Not UTF-8: the body is refused whole; the desk refuses it too (the
	 * admin command and tests call it without the API). */
	bad_code(BODY("2026-11-27", "2026-11-28", TXT("{\"fr\":\"caf\xe9\"}"), "[\"board\"]"),
	    "bad_json", "not valid UTF-8");
	{
		struct desk_actor who = { "paul", 0, NULL };
		struct notice_row *in = calloc(2, sizeof *in);
		char err[200];
		REQUIRE(in != NULL);
		snprintf(in->from, sizeof in->from, "2026-11-27");
		snprintf(in->to, sizeof in->to, "2026-11-27");
		in->screens = NOTICE_BOARD;
		in->ntexts = 1;
		snprintf(in->texts[0].lang, sizeof in->texts[0].lang, "fr");
		snprintf(in->texts[0].text, sizeof in->texts[0].text, "caf\xe9 \xc0\xaf");
		CHECK_INT(desk_notice_add(desk, &who, in, now, &in[1], NULL, err, sizeof err), DK_BAD);
		CHECK(strstr(err, "valid UTF-8") != NULL);
		in->screens = 4;
		CHECK_INT(desk_notice_add(desk, &who, in, now, &in[1], NULL, err, sizeof err), DK_BAD);
		free(in);
	}
	/* 201 characters (2 bytes each): too long; 200 would do. */
	for (i = 0; i < 201; i++)
		memcpy(big + 2 * i, "é", 2);
	big[402] = '\0';
	snprintf(body, sizeof body, BODY("2026-11-27", "2026-11-28", TXT("{\"fr\":\"%s\"}"),
	    "[\"board\"]"), big);
	bad(body, "it has 201");
	bad(BODY("2026-11-27", "2026-11-28", TXT("{\"fr\":\"x\"}"), "[]"), "'screens'");
	bad(BODY("2026-11-27", "2026-11-28", TXT("{\"fr\":\"x\"}"), "\"board\""), "'screens'");
	bad(BODY("2026-11-27", "2026-11-28", TXT("{\"fr\":\"x\"}"), "[\"board\",\"tv\"]"),
	    "only \"board\" and \"kiosk\"");
	CHECK_INT(sql1("SELECT COUNT(*) FROM notices"), 0);
	CHECK_INT(sql1("SELECT COUNT(*) FROM notice_texts"), 0);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action LIKE 'notice%'"), 0);
	/* 200 characters are fine. */
	big[400] = '\0';
	snprintf(body, sizeof body, BODY("2026-11-27", "2026-11-27", TXT("{\"fr\":\"%s\"}"),
	    "[\"kiosk\"]"), big);
	CHECK_INT(call("POST", "/api/v1/notices", auth_mgr, NULL, body, NULL), 201);
	CHECK_INT(call("DELETE", "/api/v1/notices/1", auth_mgr, NULL, NULL, NULL), 200);
}

static int
next_event(int64_t after, char *type, size_t tlen, char *json, size_t jlen)
{
	int64_t seq = 0;

	return bus_next(bus, after, 0, 5000, &seq, type, tlen, json, jlen);
}

static void
test_add_show_delete(void)
{
	cJSON *j = NULL, *arr, *n;
	char type[32], json[8192], path[64];
	int64_t ev = bus_last(bus), id;
	int leak = 0, entries = 0;

	/* Added for today and tomorrow, on the board only. */
	CHECK_INT(call("POST", "/api/v1/notices", auth_mgr, "n-1", good, &j), 201);
	id = (int64_t)cJSON_GetObjectItemCaseSensitive(j, "id")->valuedouble;
	CHECK(id > 1);          /* notice 1 was deleted: its id is never given again */
	CHECK_STR(jstr(j, "from"), "2026-11-27");
	CHECK_STR(jstr(j, "by"), "paul");
	CHECK_STR(jstr(cJSON_GetObjectItemCaseSensitive(j, "text"), "ar"), "لا استقبال بعد الظهر");
	CHECK_STR(cJSON_GetObjectItemCaseSensitive(j, "text")->child->string, "fr");
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "screens")), 1);
	cJSON_Delete(j);
	/* The boards are told at once, without who wrote it. */
	CHECK_INT(next_event(ev, type, sizeof type, json, sizeof json), 1);
	CHECK_STR(type, "notices");
	CHECK(strstr(json, "pas d'accueil cet après-midi") != NULL);
	CHECK(strstr(json, "paul") == NULL);
	ev = bus_last(bus);
	/* A replay: the same answer, nothing kept twice. */
	CHECK_INT(call("POST", "/api/v1/notices", auth_mgr, "n-1", good, &j), 201);
	CHECK_INT((int64_t)cJSON_GetObjectItemCaseSensitive(j, "id")->valuedouble, id);
	cJSON_Delete(j);
	CHECK_INT(sql1("SELECT COUNT(*) FROM notices"), 1);
	CHECK_INT(bus_last(bus), ev);

	CHECK_STR(shown("/api/v1/board", &leak), "Naturalisation : pas d'accueil cet après-midi");
	CHECK_STR(shown("/api/v1/services", &leak), "");            /* not for the kiosk */
	CHECK(!leak);

	/* A kiosk-only notice from tomorrow, an alias for Dari, both screens. */
	CHECK_INT(call("POST", "/api/v1/notices", auth_admin, NULL,
	    BODY("2026-11-28", "2026-11-30", TXT("{\"fa\":\"بسته\",\"fr\":\"Fermé samedi\"}"),
	    "[\"kiosk\",\"board\"]"), &j), 201);
	CHECK_STR(jstr(cJSON_GetObjectItemCaseSensitive(j, "text"), "fa-AF"), "بسته");
	cJSON_Delete(j);
	CHECK_STR(shown("/api/v1/services", NULL), "");             /* not yet */
	now += 86400;                                              /* Saturday */
	CHECK_STR(shown("/api/v1/board", &leak), "Naturalisation : pas d'accueil cet après-midi|"
	    "Fermé samedi");
	CHECK_STR(shown("/api/v1/services", &leak), "Fermé samedi");
	CHECK(!leak);
	now += 86400;                                              /* Sunday: the first one ended */
	CHECK_STR(shown("/api/v1/board", NULL), "Fermé samedi");
	CHECK_INT(call("GET", "/api/v1/notices", auth_mgr, NULL, NULL, &j), 200);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "notices")), 1);
	cJSON_Delete(j);
	now -= 2 * 86400;

	/* The manager's list: both (neither ended), by first day, with who. */
	CHECK_INT(call("GET", "/api/v1/notices", auth_mgr, NULL, NULL, &j), 200);
	arr = cJSON_GetObjectItemCaseSensitive(j, "notices");
	CHECK_INT(cJSON_GetArraySize(arr), 2);
	n = cJSON_GetArrayItem(arr, 1);
	CHECK_STR(jstr(n, "by"), "root");
	CHECK_STR(jstr(n, "to"), "2026-11-30");
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(n, "screens")), 2);
	cJSON_Delete(j);

	/* Audited: who, what, before and after. */
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'notice_add' AND actor = 'paul' "
	    "AND detail LIKE 'notice % before none; after 2026-11-27 to 2026-11-28 on board; "
	    "fr: Naturalisation : pas d''accueil cet après-midi; ar: %; en: Naturalisation: %'"), 1);

	/* Deleted: gone from the board at once, audited; a second time 404. */
	ev = bus_last(bus);
	snprintf(path, sizeof path, "/api/v1/notices/%lld", (long long)id);
	CHECK_INT(call("DELETE", path, auth_admin, "d-1", NULL, &j), 200);
	CHECK_STR(jstr(j, "from"), "2026-11-27");
	cJSON_Delete(j);
	CHECK_INT(next_event(ev, type, sizeof type, json, sizeof json), 1);
	CHECK_STR(type, "notices");
	CHECK_STR(json, "{\"notices\":[]}");
	CHECK_INT(call("DELETE", path, auth_admin, "d-1", NULL, NULL), 200);     /* replay */
	CHECK_INT(call("DELETE", path, auth_admin, NULL, NULL, &j), 404);
	CHECK(strstr(jstr(j, "error"), "no notice") != NULL);
	cJSON_Delete(j);
	CHECK_INT(call("DELETE", "/api/v1/notices/999", auth_mgr, NULL, NULL, NULL), 404);
	CHECK_STR(shown("/api/v1/board", NULL), "");
	{
		char q[128];
		snprintf(q, sizeof q, "SELECT COUNT(*) FROM notice_texts WHERE notice_id = %lld",
		    (long long)id);
		CHECK_INT(sql1(q), 0);
	}
	CHECK_INT(sql1("SELECT COUNT(*) FROM notice_texts"), 2);     /* the other one's */
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'notice_delete' AND actor = 'root' "
	    "AND detail LIKE '% before 2026-11-27 to 2026-11-28 on board; fr: %; after none'"), 1);
	{
		char why[200];
		CHECK_INT(desk_audit_verify(desk, &entries, why, sizeof why), DK_OK);
	}
}

int
main(void)
{
	fixture_tz("Europe/Paris");
	now = utc(2026, 11, 27, 9, 0, 0);   /* Friday 10:00 in Paris */
	setup();
	test_roles();
	test_bad_input();
	test_add_show_delete();
	teardown();
	return TEST_REPORT();
}
