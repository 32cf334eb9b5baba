/*
 * api_notices: the notices of the board and the kiosk (issue #16;
 * docs/API.md "Managing the site"): POST, GET /api/v1/notices and DELETE
 * /api/v1/notices/{id} for managers and admins, and the public form
 * (today's notices of one screen, without who wrote them) that GET
 * /api/v1/board, GET /api/v1/services and the `notices` event carry. JSON
 * in and out only: the desk checks, audits and publishes; no SQL here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api_int.h"

#define MAX_NOTICES 200         /* staff's list (not ended yet) */
#define MAX_SHOWN 20            /* one screen's notices of today */

static cJSON *
texts_json(const struct notice_row *n)
{
	cJSON *o = cJSON_CreateObject();
	int i;

	for (i = 0; i < n->ntexts; i++)
		cJSON_AddStringToObject(o, n->texts[i].lang, n->texts[i].text);
	return o;
}

/* The staff's form: everything, with who added it. */
static cJSON *
notice_json(const struct notice_row *n)
{
	cJSON *o = cJSON_CreateObject(), *s;

	cJSON_AddNumberToObject(o, "id", (double)n->id);
	cJSON_AddStringToObject(o, "from", n->from);
	cJSON_AddStringToObject(o, "to", n->to);
	cJSON_AddItemToObject(o, "text", texts_json(n));
	s = cJSON_AddArrayToObject(o, "screens");
	if (n->screens & NOTICE_BOARD)
		cJSON_AddItemToArray(s, cJSON_CreateString("board"));
	if (n->screens & NOTICE_KIOSK)
		cJSON_AddItemToArray(s, cJSON_CreateString("kiosk"));
	cJSON_AddStringToObject(o, "by", n->by);
	add_time(o, "at", n->at);
	return o;
}

cJSON *
notices_public_json(struct api *a, int64_t now, int screen)
{
	struct notice_row *rows = calloc(MAX_SHOWN, sizeof *rows);
	char err[200];
	cJSON *arr = cJSON_CreateArray(), *o;
	int i, n;

	if (rows == NULL)
		return arr;
	n = desk_notices(a->desk, now, screen, rows, MAX_SHOWN, err, sizeof err);
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)rows[i].id);
		cJSON_AddItemToObject(o, "text", texts_json(&rows[i]));
		cJSON_AddItemToArray(arr, o);
	}
	free(rows);
	return arr;
}

struct notice_ctx {
	struct notice_row row;      /* the notice added or deleted */
	int created;
};

static void
notice_render(void *arg, int rc, const char *err, struct api_resp *r)
{
	struct notice_ctx *c = arg;

	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	reply(r, c->created ? 201 : 200, notice_json(&c->row));
}

/* "text" and "screens" of the body into n; 0, or -1 with the response set. */
static int
notice_fields(cJSON *j, struct notice_row *n, struct api_resp *r)
{
	cJSON *tx = cJSON_GetObjectItemCaseSensitive(j, "text");
	cJSON *sc = cJSON_GetObjectItemCaseSensitive(j, "screens"), *v;

	if (!cJSON_IsObject(tx) || tx->child == NULL) {
		fail(r, 400, "bad_request", "'text' is required: an object of language -> text, "
		    "with \"fr\"");
		return -1;
	}
	cJSON_ArrayForEach(v, tx) {
		struct notice_text *t = &n->texts[n->ntexts];
		if (n->ntexts == NOTICE_MAX_TEXTS) {
			fail(r, 400, "bad_request", "'text': at most %d languages", NOTICE_MAX_TEXTS);
			return -1;
		}
		if (v->string == NULL || strlen(v->string) >= sizeof t->lang) {
			fail(r, 400, "bad_request", "'text': '%.40s' is not one of the kiosk's languages",
			    v->string ? v->string : "");
			return -1;
		}
		if (!cJSON_IsString(v) || strlen(v->valuestring) >= sizeof t->text) {
			fail(r, 400, "bad_request", "'text.%s' must be a string of 1 to %d characters",
			    v->string, NOTICE_TEXT_CHARS);
			return -1;
		}
		snprintf(t->lang, sizeof t->lang, "%s", v->string);
		snprintf(t->text, sizeof t->text, "%s", v->valuestring);
		n->ntexts++;
	}
	if (!cJSON_IsArray(sc) || sc->child == NULL) {
		fail(r, 400, "bad_request", "'screens' is required: [\"board\"], [\"kiosk\"] or both");
		return -1;
	}
	cJSON_ArrayForEach(v, sc) {
		if (cJSON_IsString(v) && !strcmp(v->valuestring, "board"))
			n->screens |= NOTICE_BOARD;
		else if (cJSON_IsString(v) && !strcmp(v->valuestring, "kiosk"))
			n->screens |= NOTICE_KIOSK;
		else {
			fail(r, 400, "bad_request", "'screens' may hold only \"board\" and \"kiosk\"");
			return -1;
		}
	}
	return 0;
}

static void
post_notice(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct desk_events ev;
	struct notice_ctx *ctx = NULL;
	struct notice_row *in = NULL;
	struct keyed k;
	const char *from, *to;
	char err[200];
	cJSON *j;
	int bad = 0, rc;

	if (need_staff(q, w, 2, r) || (j = parse_body(q, r, 1)) == NULL)
		return;
	if ((ctx = calloc(1, sizeof *ctx)) == NULL || (in = calloc(1, sizeof *in)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		goto out;
	}
	ctx->created = 1;
	from = str_field(j, "from", 10, &bad, r);
	to = str_field(j, "to", 10, &bad, r);
	if (bad)
		goto out;
	if (!from || !valid_day(from) || !to || !valid_day(to)) {
		fail(r, 400, "bad_request", "'from' and 'to' are required days \"YYYY-MM-DD\"");
		goto out;
	}
	snprintf(in->from, sizeof in->from, "%s", from);
	snprintf(in->to, sizeof in->to, "%s", to);
	if (notice_fields(j, in, r) < 0)
		goto out;
	keyed_init(&k, q, &who, notice_render, ctx);
	rc = desk_notice_add(a->desk, &who, in, q->now, &ctx->row, &ev, err, sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
out:
	free(in);
	free(ctx);
	cJSON_Delete(j);
}

static void
get_notices(struct api *a, const struct api_req *q, const struct who *w, struct api_resp *r)
{
	struct notice_row *rows;
	char err[200];
	cJSON *o, *arr;
	int i, n;

	if (need_staff(q, w, 2, r))
		return;
	if ((rows = calloc(MAX_NOTICES, sizeof *rows)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		return;
	}
	if ((n = desk_notices(a->desk, q->now, 0, rows, MAX_NOTICES, err, sizeof err)) < 0) {
		desk_fail(r, n, err);
		free(rows);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "notices");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, notice_json(&rows[i]));
	free(rows);
	reply(r, 200, o);
}

static void
delete_notice(struct api *a, const struct api_req *q, const struct who *w, int64_t id,
    struct api_resp *r)
{
	struct desk_actor who = actor(w);
	struct desk_events ev;
	struct notice_ctx *ctx;
	struct keyed k;
	char err[200];
	int rc;

	if (need_staff(q, w, 2, r))
		return;
	if ((ctx = calloc(1, sizeof *ctx)) == NULL) {
		fail(r, 503, "unavailable", "out of memory");
		return;
	}
	keyed_init(&k, q, &who, notice_render, ctx);
	rc = desk_notice_delete(a->desk, &who, id, q->now, &ctx->row, &ev, err, sizeof err);
	publish(a, &ev, q->now);
	keyed_reply(&k, rc, err, r);
	free(ctx);
}

void
notice_routes(struct api *a, const struct api_req *q, const struct who *w, const char *rest,
    struct api_resp *r)
{
	int64_t id;

	if (rest[0] == '\0') {
		if (!strcmp(q->method, "POST"))
			post_notice(a, q, w, r);
		else if (!strcmp(q->method, "GET"))
			get_notices(a, q, w, r);
		else
			fail(r, 405, "method", "use GET or POST");
		return;
	}
	if (rest[0] != '/' || (id = parse_id(rest + 1)) < 0) {
		fail(r, 404, "not_found", "expected /api/v1/notices/{id}");
		return;
	}
	if (strcmp(q->method, "DELETE") != 0) {
		fail(r, 405, "method", "use DELETE");
		return;
	}
	delete_notice(a, q, w, id, r);
}
