/*
 * claims: the holders' claims shared by every site of one PostgreSQL
 * database (issue #11, `bind_holder = all_sites`). Each site lives in a
 * schema of its own; the schema kiosk_shared (made by pg_claims_setup,
 * store/pg.c, when a server starts) holds what they share:
 *
 *   day_keys (day, key)            one secret key per day, for every site
 *   holder_claims (day, service, holder_hash, site, ticket, number, active)
 *                                  one row per bound ticket of an all_sites
 *                                  service; at most one active row per
 *                                  (day, service, holder_hash): a unique
 *                                  partial index
 *
 * holder_hash is the HMAC of the normalised document number under the
 * shared day key (not the site's own key: another site must find it).
 * A claim becomes inactive when its ticket leaves waiting/called: a trigger
 * on the site's tickets (pg_claims_setup) does it, whichever verb moved it.
 * Services match across sites by their letter.
 *
 * Two sites claiming the same holder at once: the unique index makes the
 * second transaction fail with a unique violation; pg.c runs it again,
 * and its new snapshot sees the first claim.
 *
 * On SQLite there is no other site: every function answers "no shared
 * rule" (store_claim_day_key: ST_NOTFOUND) or does nothing.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "store/sqlite_int.h"

int
store_claim_day_key(struct store *st, const char *day, unsigned char key[32])
{
	unsigned char fresh[32];
	sq_stmt *s;
	int rc;

	if (!st->pg)
		return ST_NOTFOUND;
	randombytes_buf(fresh, sizeof fresh);
	/* A key another site made since this snapshot: a serialization
	 * failure, and the transaction runs again (it will read that key). */
	rc = sq_exec(st, sq_bind(st, "INSERT INTO kiosk_shared.day_keys (day, key) VALUES (?, ?) "
	    "ON CONFLICT (day) DO NOTHING", "sb", day, fresh), "cannot store the shared day key");
	sodium_memzero(fresh, sizeof fresh);
	if (rc != ST_OK)
		return ST_ERR;
	s = sq_bind(st, "SELECT key FROM kiosk_shared.day_keys WHERE day = ?", "s", day);
	if ((rc = sq_row(st, s, "cannot read the shared day key")) != 1) {
		if (rc == 0)
			snprintf(st->why, sizeof st->why, "the shared day key of %s vanished", day);
		return ST_ERR;
	}
	rc = sq_col_blob32(s, 0, key) ? ST_OK : ST_ERR;
	sq_done(s);
	if (rc != ST_OK)
		snprintf(st->why, sizeof st->why, "the shared day key of %s is not 32 bytes", day);
	return rc;
}

int
store_claim_elsewhere(struct store *st, const char *day, char service,
    const unsigned char hash[32], struct holder_claim *out)
{
	sq_stmt *s;
	int rc;

	memset(out, 0, sizeof *out);
	if (!st->pg)
		return ST_NOTFOUND;
	s = sq_bind(st, "SELECT site, number, ticket FROM kiosk_shared.holder_claims WHERE day = ? "
	    "AND service = ? AND holder_hash = ? AND active AND site <> current_schema()", "scb",
	    day, service, hash);
	if ((rc = sq_row(st, s, "cannot read the holders' claims")) != 1)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	sq_text(s, 0, out->site, sizeof out->site);
	sq_text(s, 1, out->number, sizeof out->number);
	out->ticket = sq_col_int64(s, 2);
	sq_done(s);
	return ST_OK;
}

int
store_claim_add(struct store *st, const char *day, char service, const unsigned char hash[32],
    int64_t ticket, const char *number, int if_free)
{
	if (!st->pg)
		return ST_OK;
	if (if_free)
		return sq_exec(st, sq_bind(st, "INSERT INTO kiosk_shared.holder_claims (day, service, "
		    "holder_hash, site, ticket, number, active) VALUES (?, ?, ?, current_schema(), ?, "
		    "?, true) ON CONFLICT (day, service, holder_hash) WHERE active DO NOTHING", "scbis",
		    day, service, hash, ticket, number), "cannot store the holder's claim");
	return sq_exec(st, sq_bind(st, "INSERT INTO kiosk_shared.holder_claims (day, service, "
	    "holder_hash, site, ticket, number, active) VALUES (?, ?, ?, current_schema(), ?, ?, "
	    "true)", "scbis", day, service, hash, ticket, number), "cannot store the holder's claim");
}

int
store_claims_purge(struct store *st, const char *today)
{
	if (!st->pg)
		return ST_OK;
	if (sq_exec(st, sq_bind(st, "DELETE FROM kiosk_shared.holder_claims WHERE day < ?", "s",
	    today), "cannot purge the holders' claims") != ST_OK ||
	    sq_exec(st, sq_bind(st, "DELETE FROM kiosk_shared.day_keys WHERE day < ?", "s", today),
	    "cannot purge the shared day keys") != ST_OK)
		return ST_ERR;
	return ST_OK;
}

int
store_claims_setup(struct store *st, int on, char *err, size_t errlen)
{
	if (!st->pg)
		return ST_OK;
	return pg_claims_setup(st, on, err, errlen);
}
