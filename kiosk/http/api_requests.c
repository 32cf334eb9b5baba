/*
 * api_requests: idempotent requests on the API's side (see "Idempotent
 * requests" in docs/API.md and struct desk_request in desk/desk.h): the
 * request's hash, the Idempotency-Key handed to the desk with the route's
 * rendering, the answer replayed, and GET /api/v1/requests/{key}.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/queue.h"
#include "http/api_int.h"

static int
keyed_answer(void *arg, int rc, const char *err, int *status, char **body)
{
	struct keyed *k = arg;
	struct api_resp r;

	memset(&r, 0, sizeof r);
	k->render(k->ctx, rc, err, &r);
	if (r.body == NULL && r.status != 204)
		return -1;      /* out of memory: rather no answer kept than a wrong one */
	*status = r.status;
	*body = r.body;
	return 0;
}

/* The request's hash: method, path and body (a NUL between them). */
static void
request_hash(const struct api_req *q, unsigned char out[32])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, (const unsigned char *)q->method, strlen(q->method) + 1);
	crypto_generichash_update(&h, (const unsigned char *)q->path, strlen(q->path) + 1);
	if (q->body_len)
		crypto_generichash_update(&h, (const unsigned char *)q->body, q->body_len);
	crypto_generichash_final(&h, out, 32);
}

void
keyed_init(struct keyed *k, const struct api_req *q, struct desk_actor *who, render_fn render,
    void *ctx)
{
	memset(k, 0, sizeof *k);
	k->render = render;
	k->ctx = ctx;
	if (q->idem_key == NULL)
		return;
	k->req.key = q->idem_key;   /* checked by api_handle */
	request_hash(q, k->req.hash);
	k->req.answer = keyed_answer;
	k->req.arg = k;
	who->req = &k->req;
}

void
keyed_reply(struct keyed *k, int rc, const char *err, struct api_resp *r)
{
	if (k->req.key && (rc == DK_REPLAY || (rc != DK_ERR && k->req.status))) {
		r->status = k->req.status;
		r->body = k->req.body;
		k->req.body = NULL;
		return;
	}
	free(k->req.body);
	k->req.body = NULL;
	k->render(k->ctx, rc, err, r);
}

/*
 * GET /api/v1/requests/{key}: what became of a request sent with that key
 * today, for a client whose answer was lost (or the desk, for an applicant
 * who shows the key the kiosk gave). The one who sent it may read it, and
 * any staff; anybody else gets 404, as for a key never used.
 */
void
get_request(struct api *a, const struct api_req *q, const struct who *w, const char *key,
    struct api_resp *r)
{
	struct request_row row;
	char err[200], at[32];
	cJSON *o, *ans;
	int rc;

	if (!w->level && !w->device) {
		fail(r, 401, "denied", "log in first, or send 'Authorization: Bearer <key>'");
		return;
	}
	if (!desk_request_key_valid(key)) {
		fail(r, 400, "bad_key", "a request key is 1 to 64 letters, digits, '_', '-', '.' or ':'");
		return;
	}
	rc = desk_request_get(a->desk, key, q->now, &row, err, sizeof err);
	if (rc == DK_OK && !w->level && (!w->device || strcmp(row.actor, w->name) != 0 ||
	    !row.device))
		rc = DK_NOTFOUND;
	if (rc == DK_NOTFOUND) {
		free(row.body);
		fail(r, 404, "not_found", "no request with this key today: it never reached the "
		    "server, or was refused before it could change anything");
		return;
	}
	if (rc != DK_OK) {
		desk_fail(r, rc, err);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "key", row.key);
	queue_rfc3339(row.at, at);
	cJSON_AddStringToObject(o, "at", at);
	cJSON_AddStringToObject(o, "by", row.actor);
	cJSON_AddNumberToObject(o, "status", row.status);
	ans = row.body ? cJSON_Parse(row.body) : NULL;
	cJSON_AddItemToObject(o, "answer", ans ? ans : cJSON_CreateNull());
	free(row.body);
	reply(r, 200, o);
}
