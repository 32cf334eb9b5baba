/*
 * sqlite_requests: the answers kept for idempotent requests (see
 * struct request_row in store/store.h and db/007_requests.sql). Only the
 * desk's request.c calls these, inside the verb's own transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

int
store_request_get(struct store *st, const char *day, const char *key, struct request_row *out)
{
	sq_stmt *s = sq_bind(st, "SELECT hash, actor, device, at, status, body FROM requests "
	    "WHERE day = ? AND key = ?", "ss", day, key);
	const char *b;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = sq_row(st, s, "cannot read a request key")) <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	snprintf(out->day, sizeof out->day, "%s", day);
	snprintf(out->key, sizeof out->key, "%s", key);
	sq_col_blob32(s, 0, out->hash);
	sq_text(s, 1, out->actor, sizeof out->actor);
	out->device = sq_col_int(s, 2);
	out->at = sq_col_int64(s, 3);
	out->status = sq_col_int(s, 4);
	if ((b = sq_col_text(s, 5)) != NULL && (out->body = strdup(b)) == NULL) {
		sq_done(s);
		snprintf(st->why, sizeof st->why, "out of memory");
		return ST_ERR;
	}
	sq_done(s);
	return ST_OK;
}

int
store_request_put(struct store *st, const struct request_row *r)
{
	return sq_exec(st, sq_bind(st, "INSERT INTO requests (day, key, hash, actor, device, at, "
	    "status, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ssbsiiis", r->day, r->key, r->hash,
	    r->actor, (int64_t)r->device, r->at, (int64_t)r->status, r->body),
	    "cannot keep the request's answer");
}
