/*
 * copy: a site's whole history from an SQLite file into a new PostgreSQL
 * database (`kiosk admin migrate --from FILE.db --to CONNINFO`, issue #11).
 *
 * Both are opened as stores first, so both are at this program's schema
 * (the file is migrated if it is older; the database gets its schema).
 * The database must hold no site yet. Then every table of the file, in the
 * migrations' order of creation, is copied row by row with its ids, in one
 * PostgreSQL transaction: nothing is kept unless everything is. The
 * triggers are off meanwhile (session_replication_role = replica, which
 * needs a superuser or the database's owner with that right): the counts
 * they keep (waiting_counts, event_totals) are copied as they are, not
 * counted twice, and the audit log's rows go in as they were written, so
 * its hash chain still verifies. The identities then start after the
 * copied ids, and each table's row count is compared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/buf.h"
#include "core/log.h"
#include "store/sqlite_int.h"

/* One statement on c, its result checked: ST_OK or ST_ERR with err. */
static int
exec_pg(PGconn *c, const char *sql, char *err, size_t errlen)
{
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;

	if (!ok)
		errf(err, errlen, "%.120s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	return ok ? ST_OK : ST_ERR;
}

/* Copy table t's rows; *rows: how many. */
static int
copy_table(sqlite3 *from, PGconn *to, const char *t, long *rows, char *err, size_t errlen)
{
	struct buf q = BUF_INIT, ins = BUF_INIT;
	sqlite3_stmt *s = NULL;
	const char **vals = NULL;
	int *lens = NULL, *fmts = NULL, n, i, rc = ST_ERR, step;

	buf_printf(&q, "SELECT * FROM \"%s\"", t);
	if (q.failed || sqlite3_prepare_v2(from, buf_str(&q), -1, &s, NULL) != SQLITE_OK) {
		errf(err, errlen, "%s: %s", t, sqlite3_errmsg(from));
		goto out;
	}
	n = sqlite3_column_count(s);
	buf_printf(&ins, "INSERT INTO \"%s\" (", t);
	for (i = 0; i < n; i++)
		buf_printf(&ins, "%s\"%s\"", i ? ", " : "", sqlite3_column_name(s, i));
	buf_printf(&ins, ") OVERRIDING SYSTEM VALUE VALUES (");
	for (i = 0; i < n; i++)
		buf_printf(&ins, "%s$%d", i ? ", " : "", i + 1);
	buf_printf(&ins, ")");
	vals = calloc((size_t)n + 1, sizeof *vals);
	lens = calloc((size_t)n + 1, sizeof *lens);
	fmts = calloc((size_t)n + 1, sizeof *fmts);
	if (ins.failed || !vals || !lens || !fmts) {
		errf(err, errlen, "out of memory");
		goto out;
	}
	*rows = 0;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		PGresult *r;
		for (i = 0; i < n; i++) {
			lens[i] = fmts[i] = 0;
			switch (sqlite3_column_type(s, i)) {
			case SQLITE_NULL:
				vals[i] = NULL;
				break;
			case SQLITE_BLOB:
				vals[i] = sqlite3_column_blob(s, i);
				lens[i] = sqlite3_column_bytes(s, i);
				fmts[i] = 1;
				break;
			default:
				vals[i] = (const char *)sqlite3_column_text(s, i);
			}
		}
		r = PQexecParams(to, buf_str(&ins), n, NULL, vals, lens, fmts, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			errf(err, errlen, "%s, row %ld: %s", t, *rows + 1, PQresultErrorMessage(r));
			PQclear(r);
			goto out;
		}
		PQclear(r);
		(*rows)++;
	}
	if (step != SQLITE_DONE) {
		errf(err, errlen, "%s: %s", t, sqlite3_errmsg(from));
		goto out;
	}
	rc = ST_OK;
out:
	sqlite3_finalize(s);
	free(vals);
	free(lens);
	free(fmts);
	buf_free(&q);
	buf_free(&ins);
	return rc;
}

/* The identity of table t (if it has one) starts after its highest id. */
static int
identity_after(PGconn *to, const char *t, char *err, size_t errlen)
{
	const char *p[1] = { t };
	char sql[400], col[64];
	PGresult *r = PQexecParams(to, "SELECT column_name FROM information_schema.columns "
	    "WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'YES'",
	    1, NULL, p, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		errf(err, errlen, "%s: %s", t, PQresultErrorMessage(r));
		PQclear(r);
		return ST_ERR;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		return ST_OK;
	}
	snprintf(col, sizeof col, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'), "
	    "COALESCE((SELECT MAX(\"%s\") FROM \"%s\"), 0) + 1, false)", t, col, col, t);
	return exec_pg(to, sql, err, errlen);
}

/* Rows of t in the database, -1 on failure. */
static long
pg_rows(PGconn *to, const char *t)
{
	char sql[200];
	PGresult *r;
	long n = -1;

	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM \"%s\"", t);
	r = PQexec(to, sql);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		n = atol(PQgetvalue(r, 0, 0));
	PQclear(r);
	return n;
}

int
store_copy(const char *from, const char *to, int *tables, long *rows, char *err, size_t errlen)
{
	struct store *src = NULL, *dst = NULL;
	sqlite3_stmt *s = NULL;
	PGconn *c = NULL;
	PGresult *r;
	int rc = ST_ERR;

	*tables = 0;
	*rows = 0;
	if (store_is_pg(from) || !store_is_pg(to))
		return errf(err, errlen, "migrate copies an SQLite file (--from) into a PostgreSQL "
		    "database (--to)");
	if ((src = store_open(from, err, errlen)) == NULL ||
	    (dst = store_open(to, err, errlen)) == NULL)
		goto out;
	if ((c = PQconnectdb(to)) == NULL || PQstatus(c) != CONNECTION_OK) {
		errf(err, errlen, "cannot connect: %s", c ? PQerrorMessage(c) : "out of memory");
		goto out;
	}
	r = PQexec(c, "SELECT COUNT(*) FROM site");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || atol(PQgetvalue(r, 0, 0)) != 0) {
		errf(err, errlen, "the database holds a site already: migrate fills a new, empty "
		    "one (made with createdb)");
		PQclear(r);
		goto out;
	}
	PQclear(r);
	if (exec_pg(c, "BEGIN", err, errlen) != ST_OK ||
	    exec_pg(c, "SET LOCAL session_replication_role = replica", err, errlen) != ST_OK)
		goto out;
	/* The tables in their order of creation (rowid of sqlite_master). */
	if (sqlite3_prepare_v2(src->db, "SELECT name FROM sqlite_master WHERE type = 'table' AND "
	    "name NOT LIKE 'sqlite_%' ORDER BY rowid", -1, &s, NULL) != SQLITE_OK) {
		errf(err, errlen, "%s: %s", from, sqlite3_errmsg(src->db));
		goto rollback;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		long n = 0, got;
		if (copy_table(src->db, c, t, &n, err, errlen) != ST_OK ||
		    identity_after(c, t, err, errlen) != ST_OK)
			goto rollback;
		if ((got = pg_rows(c, t)) != n) {
			errf(err, errlen, "%s: %ld rows copied, %ld in the database", t, n, got);
			goto rollback;
		}
		log_info("migrate: %s: %ld rows", t, n);
		(*tables)++;
		*rows += n;
	}
	if (exec_pg(c, "COMMIT", err, errlen) != ST_OK)
		goto out;
	rc = ST_OK;
	goto out;
rollback:
	PQclear(PQexec(c, "ROLLBACK"));
out:
	sqlite3_finalize(s);
	if (c)
		PQfinish(c);
	store_close(dst);
	store_close(src);
	return rc;
}
