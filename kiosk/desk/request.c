/*
 * request: idempotent requests (see struct desk_request in desk.h). A verb
 * whose actor carries a request key runs through request_tx, inside the
 * verb's one write transaction: the key is looked up first, and the
 * answer is kept with it after the verb, so both commit or neither does.
 * The answer is the network's rendering (status and body), made by the
 * caller's callback: the desk keeps it without reading it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "desk/desk_int.h"

int
desk_request_key_valid(const char *key)
{
	size_t n;

	if (key == NULL || (n = strlen(key)) == 0 || n > 64)
		return 0;
	/* Only these: a key goes into logs, URLs and the desk's spoken words. */
	return strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:") == n;
}

int
request_tx(struct verb *v, int (*fn)(struct store *, void *), void *arg)
{
	struct desk_request *q = v->who->req;
	struct request_row row;
	int rc;

	rc = store_request_get(v->st, v->day, q->key, &row);
	if (rc == ST_OK) {
		/* Seen today. The same request again: its first answer, nothing
		 * done. Another request under the same key: refused. */
		if (strcmp(row.actor, v->who->name) != 0 || row.device != v->who->device ||
		    sodium_memcmp(row.hash, q->hash, sizeof row.hash) != 0) {
			free(row.body);
			return verb_fail(v, DK_KEY_REUSED, "the Idempotency-Key '%s' was used today for "
			    "another request: use a new key for a new request", q->key);
		}
		q->status = row.status;
		q->body = row.body;
		return DK_REPLAY;
	}
	if (rc != ST_NOTFOUND)
		return rc;
	if ((rc = fn(v->st, arg)) == ST_ERR)
		return rc;
	/* The verb's result as it will be sent, kept in the same transaction. */
	memset(&row, 0, sizeof row);
	snprintf(row.day, sizeof row.day, "%s", v->day);
	snprintf(row.key, sizeof row.key, "%s", q->key);
	memcpy(row.hash, q->hash, sizeof row.hash);
	snprintf(row.actor, sizeof row.actor, "%s", v->who->name);
	row.device = v->who->device;
	row.at = v->now;
	free(q->body);
	q->body = NULL;
	if (q->answer(q->arg, rc, v->err, &q->status, &q->body) != 0)
		return verb_fail(v, DK_ERR, "out of memory");
	row.status = q->status;
	row.body = q->body;
	if (store_request_put(v->st, &row) != ST_OK)
		return ST_ERR;
	return rc;
}

static int
get_tx(struct store *st, void *arg)
{
	struct { struct verb v; const char *key; struct request_row *out; } *g = arg;

	return store_request_get(st, g->v.day, g->key, g->out);
}

int
desk_request_get(struct desk *d, const char *key, int64_t now, struct request_row *out,
    char *err, size_t errlen)
{
	struct { struct verb v; const char *key; struct request_row *out; } g;
	int rc;

	memset(&g, 0, sizeof g);
	memset(out, 0, sizeof *out);
	verb_init(&g.v, d, NULL, now, NULL, err, errlen);
	g.key = key;
	g.out = out;
	if (!desk_request_key_valid(key))
		return verb_fail(&g.v, DK_BAD, "not a request key");
	rc = verb_read(&g.v, get_tx, &g);
	if (rc == ST_NOTFOUND)
		return verb_fail(&g.v, DK_NOTFOUND, "no request with this key today");
	return rc;
}
