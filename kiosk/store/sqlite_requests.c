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
	sqlite3_stmt *s = sq_bind(st, "SELECT hash, actor, device, at, status, body FROM requests "
	    "WHERE day = ? AND key = ?", "ss", day, key);
	const void *h;
	const unsigned char *b;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = sq_row(st, s, "cannot read a request key")) <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	snprintf(out->day, sizeof out->day, "%s", day);
	snprintf(out->key, sizeof out->key, "%s", key);
	if ((h = sqlite3_column_blob(s, 0)) != NULL && sqlite3_column_bytes(s, 0) == 32)
		memcpy(out->hash, h, 32);
	sq_text(s, 1, out->actor, sizeof out->actor);
	out->device = sqlite3_column_int(s, 2);
	out->at = sqlite3_column_int64(s, 3);
	out->status = sqlite3_column_int(s, 4);
	if ((b = sqlite3_column_text(s, 5)) != NULL && (out->body = strdup((const char *)b)) == NULL) {
		sqlite3_reset(s);
		snprintf(st->why, sizeof st->why, "out of memory");
		return ST_ERR;
	}
	sqlite3_reset(s);
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
