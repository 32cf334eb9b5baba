/*
 * test_users: staff accounts from the manager's page (issue #16) through
 * the API (api_handle) on a real SQLite file:
 *
 *   - GET/POST /api/v1/users, PATCH /api/v1/users/{login}: nobody 401;
 *     agents and kiosks 403 (agents on every other manager's route too); bad input a clear 400 with nothing changed;
 *     an unknown login 404; a login that exists 409.
 *   - Role rules on the server: a manager creates and changes agent
 *     accounts only and gives only the agent role (403 otherwise); an admin
 *     does everything; the last active admin cannot be disabled or demoted
 *     (409).
 *   - Disabling an account or resetting its password revokes its sessions
 *     and tokens at once (the next request with them gets 401).
 *   - The temporary password: the login answers must_change, every route
 *     but logout, session, password, login and the public reads (health,
 *     services, board, stats) answers 403 password_change_required
 *     (the event stream too) until POST /api/v1/password succeeds; a wrong
 *     old password 403 wrong_password; the new one follows the rules.
 *   - Every change is in the audit chain (who, before, after, why) and no
 *     password or hash ever is.
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
static char root2_temp[32];         /* root2's temporary password (test_admin) */

static const char site_ini[] =
    "[site]\n"
    "id = test-93\n"
    "name = Test site\n"
    "timezone = Europe/Paris\n"
    "mon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\nthu = 00:00-24:00\n"
    "fri = 00:00-24:00\nsat = 00:00-24:00\nsun = 00:00-24:00\n"
    "[service A]\nname = Service A\ncapacity = 100\npriority_reserve = 0\n"
    "[counter 1]\nservices = A\n"
    "[alerts]\nburst_per_minute = 0\n";

static int64_t
sql1(const char *sql)
{
	return fixture_sql1(dbpath, sql);
}

/* A browser session: its cookie header and CSRF token. */
struct sess {
	char cookie[160];
	char csrf[80];
};

/* One request: its status; its parsed body into *out (caller frees) if given;
 * a session's cookie and CSRF token are sent when s is given. */
static int
call_s(const char *method, const char *path, const char *auth, const struct sess *s,
    const char *body, cJSON **out)
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
	q.cookie = s ? s->cookie : NULL;
	q.csrf = s && s->csrf[0] ? s->csrf : NULL;
	q.client = "10.0.0.7";
	q.now = now;
	api_handle(api, &q, &r);
	if (out)
		*out = r.body ? cJSON_Parse(r.body) : NULL;
	free(r.body);
	return r.status;
}

static int
call(const char *method, const char *path, const char *auth, const char *body, cJSON **out)
{
	return call_s(method, path, auth, NULL, body, out);
}

static const char *
jstr(const cJSON *j, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static int
jbool(const cJSON *j, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

/* Log in: the status; the session into *s on 200, and must_change. */
static int
login(const char *user, const char *pw, struct sess *s, int *must_change)
{
	struct api_req q;
	struct api_resp r;
	char body[300];
	cJSON *j;
	const char *semi;
	int status;

	memset(s, 0, sizeof *s);
	snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"%s\"}", user, pw);
	memset(&q, 0, sizeof q);
	q.method = "POST";
	q.path = "/api/v1/login";
	q.body = body;
	q.body_len = strlen(body);
	q.content_type = "application/json";
	q.client = "10.0.0.8";
	q.now = now;
	api_handle(api, &q, &r);
	status = r.status;
	if (status == 200) {
		REQUIRE((j = cJSON_Parse(r.body)) != NULL);
		snprintf(s->csrf, sizeof s->csrf, "%s", jstr(j, "csrf"));
		if (must_change)
			*must_change = jbool(j, "must_change");
		cJSON_Delete(j);
		semi = strchr(r.set_cookie, ';');
		REQUIRE(semi != NULL);
		snprintf(s->cookie, sizeof s->cookie, "%.*s", (int)(semi - r.set_cookie), r.set_cookie);
	}
	free(r.body);
	return status;
}

/* The stream's answer for a session: 1 staff, 0 public, -1 refused. */
static int
stream(const struct sess *s)
{
	struct api_req q;

	memset(&q, 0, sizeof q);
	q.method = "GET";
	q.path = "/api/v1/events";
	q.cookie = s->cookie;
	q.now = now;
	return api_stream_access(api, &q);
}

static void
setup(void)
{
	struct desk_actor who = { "test", 0, NULL };
	char err[300];
	struct site site;
	struct desk_keys keys;

	fixture_tmpdir(dir, sizeof dir, "test_users");
	fixture_path(dbpath, sizeof dbpath, dir, "q.db");
	fixture_site(dir, site_ini, &site);
	memset(&keys, 0, sizeof keys);
	crypto_sign_keypair(keys.pk, keys.sk);
	snprintf(keys.site_id, sizeof keys.site_id, "%.31s", site.id);
	desk = fixture_desk(dbpath, &site, &keys, now, &st);
	REQUIRE(desk_device_add(desk, &who, "kiosk-1", now, dk, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "marie", "agent", "secret-marie", now, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "paul", "manager", "secret-paul", now, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "lea", "manager", "secret-lea", now, err, sizeof err) == 0);
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

/* The user `login` of GET /api/v1/users (as root): its field (bools 0/1), -1 if absent. */
static int
user_field(const char *login, const char *key)
{
	cJSON *j = NULL, *u;
	int out = -1;

	REQUIRE(call("GET", "/api/v1/users", auth_admin, NULL, &j) == 200);
	cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(j, "users"))
		if (strcmp(jstr(u, "login"), login) == 0)
			out = jbool(u, key);
	cJSON_Delete(j);
	return out;
}

/* -- who may ---------------------------------------------------------------------- */

static void
test_refused(void)
{
	const char *add = "{\"login\":\"jean\",\"role\":\"agent\"}";
	cJSON *j = NULL;

	CHECK_INT(call("GET", "/api/v1/users", NULL, NULL, NULL), 401);
	CHECK_INT(call("POST", "/api/v1/users", NULL, add, NULL), 401);
	CHECK_INT(call("GET", "/api/v1/users", auth_agent, NULL, &j), 403);
	CHECK_STR(jstr(j, "code"), "forbidden");
	cJSON_Delete(j);
	CHECK_INT(call("POST", "/api/v1/users", auth_agent, add, NULL), 403);
	CHECK_INT(call("PATCH", "/api/v1/users/marie", auth_agent, "{\"active\":false}", NULL), 403);
	CHECK_INT(call("PATCH", "/api/v1/users/marie", auth_agent, "{\"password_reset\":true}",
	    NULL), 403);
	CHECK_INT(call("GET", "/api/v1/users", auth_dk, NULL, NULL), 403);
	CHECK_INT(call("POST", "/api/v1/users", auth_dk, add, NULL), 403);
	CHECK_INT(call("POST", "/api/v1/password", auth_dk, "{\"old\":\"a\",\"new\":\"b\"}", NULL),
	    403);
	CHECK_INT(sql1("SELECT COUNT(*) FROM users"), 4);
	CHECK_INT(sql1("SELECT COUNT(*) FROM users WHERE active = 1"), 4);
	/* Every other manager's route refuses an agent too. */
	{
		static const char *const routes[][3] = {
			{ "PATCH", "/api/v1/services/A/today", "{\"open\":false,\"reason\":\"x\"}" },
			{ "GET", "/api/v1/closures", NULL },
			{ "POST", "/api/v1/closures",
			    "{\"from\":\"2030-01-01\",\"to\":\"2030-01-01\",\"reason\":\"x\"}" },
			{ "DELETE", "/api/v1/closures/1", NULL },
			{ "GET", "/api/v1/devices", NULL },
			{ "POST", "/api/v1/devices", "{\"name\":\"kiosk-9\"}" },
			{ "POST", "/api/v1/devices/kiosk-1/revoke", "{}" },
		};
		size_t i;
		for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
			CHECK_INT(call(routes[i][0], routes[i][1], auth_agent, routes[i][2], &j), 403);
			CHECK_STR(jstr(j, "code"), "forbidden");
			cJSON_Delete(j);
		}
	}
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE actor = 'marie'"), 0);
}

static void
test_bad_input(void)
{
	cJSON *j = NULL;

	CHECK_INT(call("POST", "/api/v1/users", auth_mgr, "{\"login\":\"bad login!\",\"role\":"
	    "\"agent\"}", &j), 400);
	CHECK(strstr(jstr(j, "error"), "login") != NULL);
	cJSON_Delete(j);
	CHECK_INT(call("POST", "/api/v1/users", auth_mgr, "{\"login\":\"\",\"role\":\"agent\"}",
	    NULL), 400);
	CHECK_INT(call("POST", "/api/v1/users", auth_mgr, "{\"login\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaa\",\"role\":\"agent\"}", NULL), 400);       /* 43 bytes */
	CHECK_INT(call("POST", "/api/v1/users", auth_mgr, "{\"login\":\"jean\"}", &j), 400);
	CHECK(strstr(jstr(j, "error"), "role") != NULL);
	cJSON_Delete(j);
	CHECK_INT(call("POST", "/api/v1/users", auth_mgr, "{\"login\":\"jean\",\"role\":\"boss\"}",
	    NULL), 400);
	CHECK_INT(call("POST", "/api/v1/users", auth_mgr, "{\"login\":\"jean\",\"role\":\"agent\","
	    "\"password\":\"short\"}", &j), 400);
	CHECK(strstr(jstr(j, "error"), "8") != NULL);
	cJSON_Delete(j);
	CHECK_INT(call("POST", "/api/v1/users", auth_mgr, "{\"login\":\"jean\",\"role\":\"agent\","
	    "\"password\":12345678}", NULL), 400);
	CHECK_INT(call("POST", "/api/v1/users", auth_mgr, "{\"login\":\"marie\",\"role\":\"agent\"}",
	    &j), 409);
	CHECK_STR(jstr(j, "code"), "conflict");
	cJSON_Delete(j);
	CHECK_INT(call("PATCH", "/api/v1/users/nobody", auth_mgr, "{\"active\":false}", NULL), 404);
	CHECK_INT(call("PATCH", "/api/v1/users/marie", auth_mgr, "{}", NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/users/marie", auth_mgr, "{\"active\":\"no\"}", NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/users/marie", auth_mgr, "{\"password_reset\":1}", NULL),
	    400);
	CHECK_INT(call("PATCH", "/api/v1/users/marie", auth_mgr, "{\"role\":\"chief\"}", NULL), 400);
	CHECK_INT(call("PATCH", "/api/v1/users/marie/x", auth_mgr, "{\"active\":false}", NULL), 404);
	CHECK_INT(call("POST", "/api/v1/users/marie", auth_mgr, "{\"active\":false}", NULL), 405);
	CHECK_INT(call("DELETE", "/api/v1/users", auth_mgr, NULL, NULL), 405);
	CHECK_INT(sql1("SELECT COUNT(*) FROM users"), 4);
	CHECK_INT(sql1("SELECT COUNT(*) FROM users WHERE active = 1 AND must_change = 0"), 4);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action IN ('user_add', 'user_change') "
	    "AND actor != 'test'"), 0);
}

static void
test_manager(void)
{
	cJSON *j = NULL;

	/* An agent: a temporary password, shown once; must_change. */
	CHECK_INT(call("POST", "/api/v1/users", auth_mgr, "{\"login\":\"jean\",\"role\":\"agent\","
	    "\"reason\":\"new at the desk\"}", &j), 201);
	CHECK_STR(jstr(j, "login"), "jean");
	CHECK_STR(jstr(j, "role"), "agent");
	CHECK_INT(jbool(j, "must_change"), 1);
	CHECK_INT(jbool(j, "active"), 1);
	CHECK_INT((int)strlen(jstr(j, "temporary_password")), 14);
	cJSON_Delete(j);
	CHECK_INT(user_field("jean", "must_change"), 1);
	/* A manager makes no manager nor admin... */
	CHECK_INT(call("POST", "/api/v1/users", auth_mgr, "{\"login\":\"boss\",\"role\":\"admin\"}",
	    &j), 403);
	CHECK_STR(jstr(j, "code"), "forbidden");
	cJSON_Delete(j);
	CHECK_INT(call("POST", "/api/v1/users", auth_mgr, "{\"login\":\"boss\",\"role\":\"manager\"}",
	    NULL), 403);
	/* ... touches no manager or admin (not even itself) ... */
	CHECK_INT(call("PATCH", "/api/v1/users/lea", auth_mgr, "{\"active\":false}", NULL), 403);
	CHECK_INT(call("PATCH", "/api/v1/users/lea", auth_mgr, "{\"password_reset\":true}", NULL),
	    403);
	CHECK_INT(call("PATCH", "/api/v1/users/root", auth_mgr, "{\"role\":\"agent\"}", NULL), 403);
	CHECK_INT(call("PATCH", "/api/v1/users/paul", auth_mgr, "{\"role\":\"admin\"}", NULL), 403);
	/* ... and promotes nobody. */
	CHECK_INT(call("PATCH", "/api/v1/users/jean", auth_mgr, "{\"role\":\"manager\"}", NULL), 403);
	CHECK_INT(sql1("SELECT COUNT(*) FROM users WHERE login = 'boss'"), 0);
	CHECK_INT(sql1("SELECT COUNT(*) FROM users WHERE role = 'manager' AND active = 1"), 2);
	CHECK_INT(sql1("SELECT role = 'agent' FROM users WHERE login = 'jean'"), 1);
	/* Disable and enable an agent. */
	CHECK_INT(call("PATCH", "/api/v1/users/jean", auth_mgr, "{\"active\":false,\"reason\":"
	    "\"on leave\"}", &j), 200);
	CHECK_INT(jbool(j, "active"), 0);
	CHECK(cJSON_GetObjectItemCaseSensitive(j, "temporary_password") == NULL);
	cJSON_Delete(j);
	CHECK_INT(user_field("jean", "active"), 0);
	CHECK_INT(call("PATCH", "/api/v1/users/jean", auth_mgr, "{\"active\":true}", NULL), 200);
	CHECK_INT(user_field("jean", "active"), 1);
	/* Audited: who, before, after, why. */
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'user_add' AND actor = 'paul' AND "
	    "detail = 'user jean: before none; after role=agent active=1 must_change=1; temporary "
	    "password made; reason: new at the desk'"), 1);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'user_change' AND actor = 'paul' "
	    "AND detail = 'user jean: before role=agent active=1 must_change=1; after role=agent "
	    "active=0 must_change=1; reason: on leave'"), 1);
}

static void
test_admin(void)
{
	cJSON *j = NULL;

	/* With a password given: no temporary one, must_change all the same. */
	CHECK_INT(call("POST", "/api/v1/users", auth_admin, "{\"login\":\"anne\",\"role\":\"manager\","
	    "\"password\":\"given-by-root\"}", &j), 201);
	CHECK_INT(jbool(j, "must_change"), 1);
	CHECK(cJSON_GetObjectItemCaseSensitive(j, "temporary_password") == NULL);
	cJSON_Delete(j);
	CHECK_INT(call("PATCH", "/api/v1/users/jean", auth_admin, "{\"role\":\"manager\"}", &j), 200);
	CHECK_STR(jstr(j, "role"), "manager");
	cJSON_Delete(j);
	CHECK_INT(call("PATCH", "/api/v1/users/lea", auth_admin, "{\"role\":\"agent\"}", NULL), 200);
	/* The role counts at once, on the credentials already given. */
	CHECK_INT(call("PATCH", "/api/v1/users/paul", auth_admin, "{\"role\":\"agent\"}", NULL), 200);
	CHECK_INT(call("GET", "/api/v1/users", auth_mgr, NULL, NULL), 403);
	CHECK_INT(call("PATCH", "/api/v1/users/paul", auth_admin, "{\"role\":\"manager\"}", NULL), 200);
	CHECK_INT(call("GET", "/api/v1/users", auth_mgr, NULL, NULL), 200);
	CHECK_INT(call("POST", "/api/v1/users", auth_admin, "{\"login\":\"root2\",\"role\":\"admin\"}",
	    &j), 201);
	snprintf(root2_temp, sizeof root2_temp, "%s", jstr(j, "temporary_password"));
	cJSON_Delete(j);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'user_change' AND actor = 'root' "
	    "AND detail LIKE 'user jean: before role=agent % after role=manager %'"), 1);
}

static void
test_last_admin(void)
{
	cJSON *j = NULL;

	/* Two admins: root2 may go; then root is the last. */
	CHECK_INT(call("PATCH", "/api/v1/users/root2", auth_admin, "{\"active\":false}", NULL), 200);
	CHECK_INT(call("PATCH", "/api/v1/users/root", auth_admin, "{\"active\":false}", &j), 409);
	CHECK_STR(jstr(j, "code"), "conflict");
	CHECK(strstr(jstr(j, "error"), "last active admin") != NULL);
	cJSON_Delete(j);
	CHECK_INT(call("PATCH", "/api/v1/users/root", auth_admin, "{\"role\":\"manager\"}", NULL), 409);
	CHECK_INT(sql1("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1"), 1);
	/* Changing the last admin otherwise is fine (a reset of another's,
	 * here root2's, or enabling root2 again). */
	CHECK_INT(call("PATCH", "/api/v1/users/root2", auth_admin, "{\"active\":true}", NULL), 200);
	CHECK_INT(call("PATCH", "/api/v1/users/root", auth_admin, "{\"role\":\"manager\"}", NULL), 200);
	/* root is a manager now: its token says so at once. */
	CHECK_INT(call("PATCH", "/api/v1/users/root2", auth_admin, "{\"active\":false}", NULL), 403);
	/* root2 makes root an admin again, with a token for scripts: its own
	 * password first (a bearer token needs no CSRF). */
	{
		struct desk_actor who = { "test", 0, NULL };
		char tok[80], auth[100], err[200], body[200];
		REQUIRE(desk_token_new(desk, &who, "root2", now, tok, err, sizeof err) == 0);
		snprintf(auth, sizeof auth, "Bearer %s", tok);
		CHECK_INT(call("PATCH", "/api/v1/users/root", auth, "{\"role\":\"admin\"}", &j), 403);
		CHECK_STR(jstr(j, "code"), "password_change_required");
		cJSON_Delete(j);
		snprintf(body, sizeof body, "{\"old\":\"%s\",\"new\":\"root2-own-pass\"}", root2_temp);
		CHECK_INT(call("POST", "/api/v1/password", auth, body, NULL), 200);
		CHECK_INT(call("PATCH", "/api/v1/users/root", auth, "{\"role\":\"admin\"}", NULL), 200);
	}
	CHECK_INT(call("PATCH", "/api/v1/users/root2", auth_admin, "{\"active\":false}", NULL), 200);
}

/* -- revocation and the temporary password ---------------------------------------- */

static void
test_disable_revokes(void)
{
	struct sess s;
	int must = -1;

	CHECK_INT(login("marie", "secret-marie", &s, &must), 200);
	CHECK_INT(must, 0);
	CHECK_INT(call_s("GET", "/api/v1/counters", NULL, &s, NULL, NULL), 200);
	CHECK_INT(call("GET", "/api/v1/counters", auth_agent, NULL, NULL), 200);
	CHECK_INT(call("PATCH", "/api/v1/users/marie", auth_mgr, "{\"active\":false,\"reason\":"
	    "\"left\"}", NULL), 200);
	/* At once: the session, the token, and a new login. */
	CHECK_INT(call_s("GET", "/api/v1/counters", NULL, &s, NULL, NULL), 401);
	CHECK_INT(call("GET", "/api/v1/counters", auth_agent, NULL, NULL), 401);
	CHECK_INT(sql1("SELECT COUNT(*) FROM credentials WHERE owner = 'marie'"), 0);
	CHECK_INT(login("marie", "secret-marie", &s, NULL), 401);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'user_change' AND detail LIKE "
	    "'user marie: % after role=agent active=0 must_change=0; 2 sessions or tokens revoked; "
	    "reason: left'"), 1);
	/* Enabled again: she logs in; the old token stays dead. */
	CHECK_INT(call("PATCH", "/api/v1/users/marie", auth_mgr, "{\"active\":true}", NULL), 200);
	CHECK_INT(login("marie", "secret-marie", &s, NULL), 200);
	CHECK_INT(call("GET", "/api/v1/counters", auth_agent, NULL, NULL), 401);
}

/* A revoked session's cookie: the browser is told to drop it, and logging
 * in again with it still sent works (the console's case after a reset). */
static void
stale_cookie(const struct sess *s)
{
	struct api_req q;
	struct api_resp r;
	const char *body = "{\"login\":\"paul\",\"password\":\"secret-paul\"}";

	memset(&q, 0, sizeof q);
	q.method = "GET";
	q.path = "/api/v1/counters";
	q.cookie = s->cookie;
	q.now = now;
	api_handle(api, &q, &r);
	CHECK_INT(r.status, 401);
	CHECK(strstr(r.set_cookie, "kiosk_session=;") == r.set_cookie);
	CHECK(strstr(r.set_cookie, "Max-Age=0") != NULL);
	free(r.body);
	q.method = "POST";
	q.path = "/api/v1/login";
	q.body = body;
	q.body_len = strlen(body);
	q.content_type = "application/json";
	q.client = "10.0.0.9";
	api_handle(api, &q, &r);
	CHECK_INT(r.status, 200);
	CHECK(strncmp(r.set_cookie, "kiosk_session=", 14) == 0 && r.set_cookie[14] != ';');
	free(r.body);
}

static void
test_reset_flow(void)
{
	struct sess old, s, s2;
	cJSON *j = NULL;
	char temp[32], body[200];
	int must = -1;

	CHECK_INT(login("marie", "secret-marie", &old, NULL), 200);
	CHECK_INT(call("PATCH", "/api/v1/users/marie", auth_mgr, "{\"password_reset\":true}", &j),
	    200);
	CHECK_INT(jbool(j, "must_change"), 1);
	snprintf(temp, sizeof temp, "%s", jstr(j, "temporary_password"));
	cJSON_Delete(j);
	CHECK_INT((int)strlen(temp), 14);
	CHECK_INT(call_s("GET", "/api/v1/session", NULL, &old, NULL, NULL), 401);   /* revoked */
	stale_cookie(&old);
	CHECK_INT(login("marie", "secret-marie", &s, NULL), 401);                    /* old password */
	CHECK_INT(login("marie", temp, &s, &must), 200);
	CHECK_INT(must, 1);
	/* Nothing but session, logout and password until she chooses one. */
	CHECK_INT(call_s("GET", "/api/v1/counters", NULL, &s, NULL, &j), 403);
	CHECK_STR(jstr(j, "code"), "password_change_required");
	cJSON_Delete(j);
	CHECK_INT(call_s("POST", "/api/v1/counters/1/open", NULL, &s, "{}", NULL), 403);
	CHECK_INT(call_s("GET", "/api/v1/alerts", NULL, &s, NULL, NULL), 403);
	CHECK_INT(call_s("GET", "/api/v1/users", NULL, &s, NULL, NULL), 403);
	/* What anyone may read stays readable (the board in another tab). */
	CHECK_INT(call_s("GET", "/api/v1/services", NULL, &s, NULL, NULL), 200);
	CHECK_INT(call_s("GET", "/api/v1/board", NULL, &s, NULL, NULL), 200);
	CHECK_INT(stream(&s), 0);
	CHECK_INT(call_s("GET", "/api/v1/session", NULL, &s, NULL, &j), 200);
	CHECK_INT(jbool(j, "must_change"), 1);
	cJSON_Delete(j);
	/* The rules: the old one right, the new one 8+ and another. */
	snprintf(body, sizeof body, "{\"old\":\"wrong-one\",\"new\":\"marie-2026-ok\"}");
	CHECK_INT(call_s("POST", "/api/v1/password", NULL, &s, body, &j), 403);
	CHECK_STR(jstr(j, "code"), "wrong_password");
	cJSON_Delete(j);
	snprintf(body, sizeof body, "{\"old\":\"%s\",\"new\":\"short\"}", temp);
	CHECK_INT(call_s("POST", "/api/v1/password", NULL, &s, body, NULL), 400);
	snprintf(body, sizeof body, "{\"old\":\"%s\",\"new\":\"%s\"}", temp, temp);
	CHECK_INT(call_s("POST", "/api/v1/password", NULL, &s, body, NULL), 400);
	CHECK_INT(call_s("POST", "/api/v1/password", NULL, &s, "{\"new\":\"marie-2026-ok\"}", NULL),
	    400);
	snprintf(body, sizeof body, "{\"old\":\"%s\",\"new\":\"marie-2026-ok\"}", temp);
	{
		struct sess nocsrf = s;
		nocsrf.csrf[0] = '\0';
		CHECK_INT(call_s("POST", "/api/v1/password", NULL, &nocsrf, body, &j), 403);
		CHECK_STR(jstr(j, "code"), "csrf");
		cJSON_Delete(j);
	}
	CHECK_INT(user_field("marie", "must_change"), 1);
	CHECK_INT(call_s("POST", "/api/v1/password", NULL, &s, body, &j), 200);
	CHECK_INT(jbool(j, "must_change"), 0);
	cJSON_Delete(j);
	/* Then on as usual, in the same session. */
	CHECK_INT(call_s("GET", "/api/v1/counters", NULL, &s, NULL, NULL), 200);
	CHECK_INT(stream(&s), 1);
	CHECK_INT(user_field("marie", "must_change"), 0);
	CHECK_INT(login("marie", temp, &s2, NULL), 401);
	CHECK_INT(login("marie", "marie-2026-ok", &s2, &must), 200);
	CHECK_INT(must, 0);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'password_change' AND "
	    "actor = 'marie' AND detail LIKE 'user marie: before role=agent active=1 must_change=1; "
	    "after role=agent active=1 must_change=0;%'"), 1);
	CHECK_INT(sql1("SELECT COUNT(*) FROM audit WHERE action = 'user_change' AND actor = 'paul' "
	    "AND detail LIKE 'user marie: % password reset (temporary password made); 2 sessions "
	    "or tokens revoked'"), 1);        /* `old`, and the one test_disable_revokes left */
	/* No password and no hash in the audit log. */
	{
		char sql[300];
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit WHERE detail LIKE '%%%s%%' OR "
		    "detail LIKE '%%marie-2026-ok%%' OR detail LIKE '%%secret-%%' OR detail LIKE "
		    "'%%$argon2%%' OR detail LIKE '%%given-by-root%%'", temp);
		CHECK_INT(sql1(sql), 0);
	}
}

static void
test_list_and_chain(void)
{
	cJSON *j = NULL, *arr, *u;
	int entries = 0;
	char why[200];

	CHECK_INT(call("GET", "/api/v1/users", auth_mgr, NULL, &j), 200);
	arr = cJSON_GetObjectItemCaseSensitive(j, "users");
	CHECK_INT(cJSON_GetArraySize(arr), 7);
	u = cJSON_GetArrayItem(arr, 0);              /* by login */
	CHECK_STR(jstr(u, "login"), "anne");
	CHECK_STR(jstr(u, "role"), "manager");
	CHECK_INT(jbool(u, "active"), 1);
	CHECK_INT(jbool(u, "must_change"), 1);
	CHECK(strlen(jstr(u, "created_at")) > 10);
	CHECK(cJSON_GetObjectItemCaseSensitive(u, "pwhash") == NULL);
	cJSON_Delete(j);
	CHECK_INT(desk_audit_verify(desk, &entries, why, sizeof why), DK_OK);
	CHECK(entries > 10);
}

int
main(void)
{
	fixture_tz("Europe/Paris");
	now = utc(2026, 11, 27, 9, 0, 0);
	setup();
	test_refused();
	test_bad_input();
	test_manager();
	test_admin();
	test_last_admin();
	test_disable_revokes();
	test_reset_flow();
	test_list_and_chain();
	teardown();
	return TEST_REPORT();
}
