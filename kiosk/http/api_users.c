/*
 * api_users: staff accounts from the manager's page (issue #16; docs/API.md
 * "Managing the site"): GET and POST /api/v1/users, PATCH
 * /api/v1/users/{login}. Each route needs a manager or an admin; who may
 * change whom is the desk's rule (desk/users.c), checked in the verb's
 * transaction. A temporary password is in the answer once: like a device
 * key, such an answer is not kept with an Idempotency-Key (a repeated POST
 * gets 409, the login exists). Also POST /api/v1/password, one's own new
 * password, throttled like the login (api.c). No SQL here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "http/api_int.h"

#define MAX_USERS 1000

static cJSON *
user_json(const struct user_row *u)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "login", u->login);
	cJSON_AddStringToObject(o, "role", u->role);
	cJSON_AddBoolToObject(o, "active", u->active);
	cJSON_AddBoolToObject(o, "must_change", u->must_change);
	add_time(o, "created_at", u->created_at);
	return o;
}

/* The answer of a change: the account, and a temporary password once. */
static void
user_reply(struct api_resp *r, int status, const struct user_row *u, char *temp)
{
	cJSON *o = user_json(u);

	if (temp[0])
		cJSON_AddStringToObject(o, "temporary_password", temp);
	sodium_memzero(temp, DESK_TEMP_PASSWORD);
	reply(r, status, o);
}

static void
get_users(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct user_row *rows;
	char err[200];
	cJSON *o, *arr;
	int i, n;

	if (need_staff(q, w, 2, r))
		return;
	if ((rows = calloc(MAX_USERS, sizeof *rows)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		return;
	}
	if ((n = desk_users(a->desk, q->now, rows, MAX_USERS, err, sizeof err)) < 0) {
		desk_fail(r, n, err);
		free(rows);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "users");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, user_json(&rows[i]));
	free(rows);
	reply(r, 200, o);
}

/* POST /api/v1/users {"login","role","password"?,"reason"?}. */
static void
post_user(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct user_row u;
	const char *login, *role, *pw, *reason;
	char err[200], temp[DESK_TEMP_PASSWORD];
	cJSON *j;
	int bad = 0, rc;

	if (need_staff(q, w, 2, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	login = str_field(j, "login", 40, &bad, r);
	role = str_field(j, "role", 16, &bad, r);
	pw = str_field(j, "password", DESK_PASSWORD_MAX, &bad, r);
	reason = str_field(j, "reason", 300, &bad, r);
	if (bad)
		goto out;
	if (!login || !role) {
		fail(r, 400, "bad_request", "'login' and 'role' are required");
		goto out;
	}
	rc = desk_user_create(a->desk, &who, login, role, pw, reason, q->now, &u, temp, err,
	    sizeof err);
	if (rc != DK_OK)
		desk_fail(r, rc, err);
	else
		user_reply(r, 201, &u, temp);
out:
	cJSON_Delete(j);
}

/* PATCH /api/v1/users/{login} {"role"?, "active"?, "password_reset":true?, "reason"?}. */
static void
patch_user(struct api *a, const struct api_req *q, const struct who *w, const char *login,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct desk_user_change c = { .active = -1 };
	struct user_row u;
	char err[200], temp[DESK_TEMP_PASSWORD];
	cJSON *j, *av, *rv;
	int bad = 0, rc;

	if (need_staff(q, w, 2, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	c.role = str_field(j, "role", 16, &bad, r);
	c.reason = str_field(j, "reason", 300, &bad, r);
	if (bad)
		goto out;
	av = cJSON_GetObjectItemCaseSensitive(j, "active");
	rv = cJSON_GetObjectItemCaseSensitive(j, "password_reset");
	if (av && !cJSON_IsBool(av)) {
		fail(r, 400, "bad_request", "'active' must be true or false");
		goto out;
	}
	if (rv && !cJSON_IsBool(rv)) {
		fail(r, 400, "bad_request", "'password_reset' must be true (or false: no reset)");
		goto out;
	}
	if (av)
		c.active = cJSON_IsTrue(av);
	c.reset = rv && cJSON_IsTrue(rv);
	rc = desk_user_change(a->desk, &who, login, &c, q->now, &u, temp, err, sizeof err);
	if (rc != DK_OK)
		desk_fail(r, rc, err);
	else
		user_reply(r, 200, &u, temp);
out:
	cJSON_Delete(j);
}

/* POST /api/v1/password {"old","new"}: the caller's own new password. A
 * wrong old password counts as a failed login (same throttle, same audit),
 * so a session left open cannot be used to guess it. */
void
post_password(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	const char *old_pw, *new_pw, *client = q->client ? q->client : "?";
	struct desk_events ev;
	char err[200];
	cJSON *j, *o;
	int bad = 0, rc, wait, count;

	if (w->device) {
		fail(r, 403, "forbidden", "a kiosk has no password");
		return;
	}
	if (need_staff(q, w, 1, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	old_pw = str_field(j, "old", DESK_PASSWORD_MAX, &bad, r);
	new_pw = str_field(j, "new", DESK_PASSWORD_MAX, &bad, r);
	if (bad)
		goto out;
	if (!old_pw || !new_pw) {
		fail(r, 400, "bad_request", "'old' and 'new' are required");
		goto out;
	}
	if ((wait = throttle_wait(a, w->name, client, q->now)) > 0) {
		fail(r, 429, "throttled", "too many wrong passwords for this login from this address: "
		    "try again in %d s", wait);
		r->retry_after = wait;
		goto out;
	}
	rc = desk_password_change(a->desk, w->name, old_pw, new_pw, q->now, err, sizeof err);
	if (rc == DK_DENIED) {
		desk_login_failed(a->desk, w->name, client, q->now);
		if ((wait = throttle_fail(a, w->name, client, q->now, &count)) > 0 &&
		    desk_login_throttled(a->desk, w->name, client, count, wait, q->now, &ev) == DK_OK)
			publish(a, &ev, q->now);
		fail(r, 403, "wrong_password", "%s", err);
		goto out;
	}
	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		goto out;
	}
	throttle_clear(a, w->name, client, q->now);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "login", w->name);
	cJSON_AddStringToObject(o, "role", w->role);
	cJSON_AddBoolToObject(o, "must_change", 0);
	reply(r, 200, o);
	log_info("api: %s chose a new password", w->name);
out:
	cJSON_Delete(j);
}

void
user_routes(struct api *a, const struct api_req *q, const struct who *w, const char *rest,
    struct api_resp *r)
{
	char login[48];

	if (rest[0] == '\0') {
		if (!strcmp(q->method, "POST"))
			post_user(a, q, w, r);
		else if (!strcmp(q->method, "GET"))
			get_users(a, q, w, r);
		else
			fail(r, 405, "method", "use GET or POST");
		return;
	}
	if (rest[0] != '/' || rest[1] == '\0' || strchr(rest + 1, '/') != NULL ||
	    strlen(rest + 1) > 40) {
		fail(r, 404, "not_found", "expected /api/v1/users/{login}");
		return;
	}
	if (strcmp(q->method, "PATCH") != 0) {
		fail(r, 405, "method", "use PATCH");
		return;
	}
	snprintf(login, sizeof login, "%s", rest + 1);
	patch_user(a, q, w, login, r);
}
