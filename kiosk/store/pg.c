/*
 * pg: the store on PostgreSQL (issue #11), the second engine beside
 * sqlite.c. The row functions (tickets.c, log.c, ...) are the same for
 * both: they speak the sq_ plumbing of store/sqlite_int.h, which this file
 * implements on libpq when the store was opened with a connection string
 * ("postgresql://...", "postgres://..." or "host=... dbname=...", any form
 * libpq takes, multi-host included).
 *
 * Transactions. Each store_write is one transaction on a connection of
 * the pool, and writers take turns through a session advisory lock
 * (PG_WRITERS) taken before BEGIN (so the transaction's snapshot holds the
 * previous writer's commit) and given back after COMMIT: one writer at a
 * time on the database, as on SQLite's single writer, across every `kiosk
 * serve` process and machine on it. Two nodes numbering the same service,
 * two counters calling the same head, two audit entries chaining on the
 * same last one run one after the other: numbers without duplicates or
 * gaps, call next atomic everywhere, one audit chain. Within its turn a
 * transaction is REPEATABLE READ (one snapshot; SERIALIZABLE measured a
 * quarter slower for nothing more under the turn); should a concurrent
 * update still meet it (a serialization failure, a deadlock, a unique key
 * taken), it is rolled back and run again. A write is answered only
 * after its COMMIT returned (synchronous_commit is the server's: on, and
 * with a synchronous standby, "remote_apply" or "on" there).
 * store_read is a REPEATABLE READ READ ONLY transaction: one snapshot.
 *
 * Round trips. Inside the turn, time is round trips: a write transaction
 * runs in libpq's pipeline mode. The turn and BEGIN go in one round trip
 * (a Sync between them, so that BEGIN's snapshot comes after the lock).
 * A statement that returns no rows (INSERT, UPDATE, DELETE without
 * RETURNING, pg_notify) is sent without waiting: its answer is read with
 * the next statement's, or with COMMIT and the turn's release, which go
 * in one round trip too. A failure among them fails the transaction as
 * it would have at once (a serialization failure is run again); a
 * caller that asks how many rows changed (sq_changes) waits for them.
 *
 * SQL. The row functions' SQL is written to run on both engines (upserts
 * with ON CONFLICT, RETURNING, CASE in sums); here the `?` and `?N`
 * parameters become `$N`. Each literal is prepared once per connection
 * (the cache of sqlite.c, keyed by the literal's address) and run with
 * its parameters as text (blobs binary); results come back as text.
 *
 * A lost connection (a server restarted, a standby promoted) is opened
 * again at the next transaction, with the same connection string: with
 * several hosts and target_session_attrs=read-write, libpq finds the new
 * primary. A transaction whose COMMIT got no answer is not run again (it
 * may have committed): its caller gets the storage error, and a client
 * that retries with its Idempotency-Key gets the first answer if it did.
 */
#include <ctype.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "core/log.h"
#include "store/sqlite_int.h"

#include "pg_migrations.inc"  /* generated from db/pg/: `pg_migrations[]` */

#define PG_NMIGRATIONS ((int)(sizeof pg_migrations / sizeof pg_migrations[0]))
#define PG_RETRIES 50          /* serialization failures before giving up */
#define PG_PARAMS 64           /* most parameters of one statement */
#define PG_WRITERS 4243        /* the advisory lock writers take in turn (with the
                                * schema's hash: each site its own turn) */
#define PG_LOCK_WAIT "'3s'"    /* lock_timeout: sqlite.c's busy time-out */

/* A prepared statement and its last result. */
struct pg_stmt {
	char name[16];          /* "s<n>", per connection */
	int prepared;           /* PQprepare done on this connection */
	int pending;            /* not run yet (sq_prepare without parameters) */
	int deferrable;         /* returns no rows: its answer may be read later */
	PGresult *res;          /* the last result, NULL when done */
	int row, nrows;         /* rows read so far, rows in res */
	const char *sql;        /* the literal */
	struct store *st;       /* its connection */
};

static _Thread_local struct store *pg_running;

int
store_is_pg(const char *s)
{
	return pg_is_url(s);
}

int
pg_is_url(const char *s)
{
	return !strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11) ||
	    strstr(s, "dbname=") != NULL || !strncmp(s, "host=", 5);
}

/* The server's message, on one line. */
static void
pg_why(struct store *st, const char *what, const PGresult *res)
{
	const char *m = res ? PQresultErrorMessage(res) : NULL, *code;
	char *p;

	if (m == NULL || !*m)
		m = st->pgc ? PQerrorMessage(st->pgc) : "no connection";
	if (res && (code = PQresultErrorField(res, PG_DIAG_SQLSTATE)) != NULL &&
	    !strcmp(code, "55P03"))   /* lock_not_available: lock_timeout ran out */
		snprintf(st->why, sizeof st->why, "%s: the database is locked by another process "
		    "(%s)", what, m);
	else
		snprintf(st->why, sizeof st->why, "%s: %s", what, m);
	for (p = st->why; *p; p++)
		if (*p == '\n')
			*p = ' ';
	while (p > st->why && p[-1] == ' ')
		*--p = '\0';
}

/* A failed statement: its reason, and whether the transaction may run
 * again (a serialization failure, a deadlock, a unique key taken by a
 * concurrent transaction) or the connection is gone. */
static void
pg_failed(struct store *st, const char *what, const PGresult *res)
{
	const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	pg_why(st, what, res);
	/* Programmer error, as sqlite.c's read-only check: a write inside
	 * store_read (PostgreSQL refused it in the READ ONLY transaction). */
	if (code && !strcmp(code, "25006") && st->mode == SQ_READ)
		fatalx("store: a write inside store_read: %s", st->why);
	if (code && (!strcmp(code, "40001") || !strcmp(code, "40P01") ||
	    !strcmp(code, "23505")))
		st->pg_retry = 1;
	else
		log_warnx("store: %s", st->why);
	if (code && !strcmp(code, "55P03"))   /* lock_timeout ran out */
		st->pg_locked = 1;
	/* The connection is gone, or going: a connection exception (08...),
	 * or the server shutting down or crashing (57P01-57P03), whose FATAL
	 * may come as an answer in a pipeline before libpq sees the socket
	 * closed. */
	if (PQstatus(st->pgc) != CONNECTION_OK ||
	    (code && (!strncmp(code, "08", 2) || !strncmp(code, "57P", 3))))
		st->pg_lost = 1;
}

/* "?" and "?N" into "$N" (outside quotes); SQLite's index hints
 * ("INDEXED BY name ") dropped: PostgreSQL's planner chooses. */
static char *
pg_sql(const char *sql)
{
	size_t cap = strlen(sql) * 3 + 1, o = 0;   /* "?" becomes at most "$NN" */
	char *out = malloc(cap);
	int next = 1, quote = 0;

	if (out == NULL)
		return NULL;
	for (; *sql; sql++) {
		if (*sql == '\'')
			quote = !quote;
		if (!quote && !strncmp(sql, "INDEXED BY ", 11)) {
			sql += 11;
			while (sql[1] && sql[1] != ' ' && sql[1] != ')')
				sql++;
			continue;
		}
		if (*sql != '?' || quote) {
			out[o++] = *sql;
			continue;
		}
		if (isdigit((unsigned char)sql[1])) {
			out[o++] = '$';
			while (isdigit((unsigned char)sql[1]))
				out[o++] = *++sql;
		} else {
			o += (size_t)snprintf(out + o, cap - o, "$%d", next);
		}
		next++;
	}
	out[o] = '\0';
	return out;
}

/* -- the pipeline of a write transaction ----------------------------------------- */

static const char PG_SYNC[] = "(sync)";

/* A statement that returns no rows, so its answer may be read later. */
static int
pg_no_rows(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	if (!strncmp(sql, "SELECT pg_notify(", 17))
		return 1;
	return (!strncmp(sql, "INSERT ", 7) || !strncmp(sql, "UPDATE ", 7) ||
	    !strncmp(sql, "DELETE ", 7)) && strstr(sql, "RETURNING") == NULL;
}

/* What was just sent (sql, or PG_SYNC) has an answer to read. */
static void
pg_queued(struct store *st, const char *sql)
{
	if (st->pg_nq == (int)(sizeof st->pg_q / sizeof st->pg_q[0]))
		fatalx("store: more than %d answers outstanding", st->pg_nq);
	st->pg_q[st->pg_nq++] = sql;
}

/* Read every answer outstanding, in order (the server was asked to send
 * them: a flush request or a Sync after them). ST_OK, or ST_ERR from the
 * first that failed on (the rest were skipped by the server; the
 * transaction is broken). The last answer is handed to *last when it
 * succeeded and last is not NULL. */
static int
pg_drain(struct store *st, PGresult **last)
{
	int rc = st->pg_broken ? ST_ERR : ST_OK, i;

	if (last)
		*last = NULL;
	for (i = 0; i < st->pg_nq; i++) {
		const char *sql = st->pg_q[i];
		PGresult *r = PQgetResult(st->pgc);
		ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

		if (r == NULL || (sql == PG_SYNC) != (s == PGRES_PIPELINE_SYNC)) {
			/* No answer, or not the one expected: the connection is not to
			 * be trusted any more. */
			pg_failed(st, "PostgreSQL's answers are out of step", r);
			st->pg_lost = 1;
			PQclear(r);
			rc = ST_ERR;
			break;
		}
		if (sql == PG_SYNC) {
			PQclear(r);
			continue;
		}
		if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
			st->pg_changes = atoi(PQcmdTuples(r));
			if (last && i == st->pg_nq - 1 && rc == ST_OK) {
				*last = r;
				r = NULL;
			}
		} else if (rc == ST_OK) {
			char what[240];
			snprintf(what, sizeof what, "cannot run \"%.150s\"", sql);
			pg_failed(st, what, r);
			rc = ST_ERR;
		}
		PQclear(r);
		if ((r = PQgetResult(st->pgc)) != NULL) {   /* each answer ends with NULL */
			PQclear(r);
			pg_failed(st, "PostgreSQL's answers are out of step", NULL);
			st->pg_lost = 1;
			rc = ST_ERR;
			break;
		}
	}
	st->pg_nq = 0;
	if (PQstatus(st->pgc) != CONNECTION_OK)
		st->pg_lost = 1;
	if (rc != ST_OK) {
		st->pg_broken = 1;
		if (last && *last) {
			PQclear(*last);
			*last = NULL;
		}
	}
	return rc;
}

/* Ask for the answers sent so far (with a Sync when sync), and read them. */
static int
pg_flush(struct store *st, int sync, PGresult **last)
{
	if (!(sync ? PQpipelineSync(st->pgc) : PQsendFlushRequest(st->pgc)) ||
	    PQflush(st->pgc) != 0) {
		pg_failed(st, "cannot send to PostgreSQL", NULL);
		st->pg_lost = 1;
		st->pg_nq = 0;
		return ST_ERR;
	}
	if (sync)
		pg_queued(st, PG_SYNC);
	return pg_drain(st, last);
}

/* Send a statement of text (no parameters) in the pipeline. */
static int
pg_send_text(struct store *st, const char *sql)
{
	if (!PQsendQueryParams(st->pgc, sql, 0, NULL, NULL, NULL, NULL, 0)) {
		pg_failed(st, "cannot send to PostgreSQL", NULL);
		st->pg_lost = 1;
		return ST_ERR;
	}
	pg_queued(st, sql);
	return ST_OK;
}

/* A write transaction's start: the writers' turn, a Sync (the lock's own
 * implicit transaction ends there), BEGIN; one round trip. */
static int
pg_pipe_begin(struct store *st)
{
	st->pg_nq = 0;
	st->pg_broken = 0;
	if (!PQenterPipelineMode(st->pgc)) {
		pg_failed(st, "cannot start a transaction", NULL);
		return ST_ERR;
	}
	st->pg_pipe = 1;
	if (pg_send_text(st, st->pg_main->pg_lock) != ST_OK)
		return ST_ERR;
	if (!PQpipelineSync(st->pgc)) {
		pg_failed(st, "cannot send to PostgreSQL", NULL);
		st->pg_lost = 1;
		return ST_ERR;
	}
	pg_queued(st, PG_SYNC);
	if (pg_send_text(st, "BEGIN ISOLATION LEVEL REPEATABLE READ") != ST_OK)
		return ST_ERR;
	return pg_flush(st, 0, NULL);
}

/* Out of pipeline mode, whatever was outstanding read and dropped (a
 * broken transaction, or one given up). */
static void
pg_pipe_end(struct store *st)
{
	if (!st->pg_pipe)
		return;
	st->pg_pipe = 0;
	if (st->pg_lost || PQstatus(st->pgc) != CONNECTION_OK) {
		st->pg_nq = 0;
		return;
	}
	(void)pg_flush(st, 1, NULL);
	if (!PQexitPipelineMode(st->pgc))
		st->pg_lost = 1;   /* opened again at the next transaction */
}

/* COMMIT and the turn given back, with whatever is outstanding: one
 * round trip. */
static int
pg_pipe_commit(struct store *st)
{
	if (pg_send_text(st, "COMMIT") != ST_OK ||
	    pg_send_text(st, st->pg_main->pg_unlock) != ST_OK ||
	    pg_flush(st, 1, NULL) != ST_OK)
		return ST_ERR;
	st->pg_pipe = 0;
	if (!PQexitPipelineMode(st->pgc))
		st->pg_lost = 1;
	return ST_OK;
}

/* -- the statements ------------------------------------------------------------- */

sq_stmt *
pg_prepare(struct store *st, const char *sql)
{
	sq_stmt *q = pg_cached(st, sql);

	if (pg_running != st || st->mode == SQ_NONE)
		fatalx("store: a row function was called outside store_write/store_read");
	if (q == NULL)
		return NULL;
	if (q->pg->res) {
		PQclear(q->pg->res);
		q->pg->res = NULL;
	}
	q->pg->pending = 1;
	return q;
}

/* The cached statement of a literal, prepared on this connection at first use. */
sq_stmt *
pg_cached(struct store *st, const char *sql)
{
	size_t i;
	sq_stmt *q;
	char *text;
	PGresult *res;

	if (st->cachecap) {
		for (i = sq_slot_of(sql, st->cachecap); st->cache[i].sql;
		    i = (i + 1) & (st->cachecap - 1))
			if (st->cache[i].sql == sql)
				return st->cache[i].stmt;
	}
	if ((st->ncache + 1) * 2 > st->cachecap && sq_cache_grow(st) != ST_OK)
		return NULL;
	if ((text = pg_sql(sql)) == NULL ||
	    (q = calloc(1, sizeof *q + sizeof *q->pg)) == NULL) {
		free(text);
		snprintf(st->why, sizeof st->why, "cannot prepare a statement: out of memory");
		return NULL;
	}
	q->pg = (struct pg_stmt *)(q + 1);
	snprintf(q->pg->name, sizeof q->pg->name, "s%zu", st->ncache);
	q->pg->sql = sql;
	q->pg->st = st;
	/* A parameter the SQL does not use (one literal of several chosen
	 * at run time, all bound alike) has no type to infer: text. */
	{
		Oid types[PG_PARAMS];
		int used[PG_PARAMS + 1], n = 0, k;
		const char *p;
		memset(used, 0, sizeof used);
		for (p = text; (p = strchr(p, '$')) != NULL; p++)
			if ((k = atoi(p + 1)) > 0 && k <= PG_PARAMS) {
				used[k] = 1;
				if (k > n)
					n = k;
			}
		for (k = 1; k <= n; k++)
			types[k - 1] = used[k] ? 0 : 25 /* text */;
		/* Once per statement and connection: out of the pipeline
		 * (answers outstanding read first) for a plain PQprepare. */
		if (st->pg_pipe && (pg_flush(st, 0, NULL) != ST_OK || !PQexitPipelineMode(st->pgc))) {
			free(text);
			free(q);
			if (!st->why[0])
				pg_failed(st, "cannot prepare a statement", NULL);
			return NULL;
		}
		res = PQprepare(st->pgc, q->pg->name, text, n, types);
		if (st->pg_pipe && !PQenterPipelineMode(st->pgc))
			st->pg_lost = 1;
	}
	q->pg->deferrable = pg_no_rows(text);
	free(text);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		char what[240];
		snprintf(what, sizeof what, "cannot prepare \"%.150s\"", sql);
		pg_failed(st, what, res);
		PQclear(res);
		free(q);
		return NULL;
	}
	PQclear(res);
	for (i = sq_slot_of(sql, st->cachecap); st->cache[i].sql; i = (i + 1) & (st->cachecap - 1))
		;
	st->cache[i].sql = sql;
	st->cache[i].stmt = q;
	st->ncache++;
	return q;
}

/* Forget every prepared statement (the connection is new). */
static void
pg_cache_free(struct store *st)
{
	size_t i;

	for (i = 0; i < st->cachecap; i++) {
		sq_stmt *q = st->cache[i].stmt;
		if (q == NULL)
			continue;
		if (q->pg->res)
			PQclear(q->pg->res);
		free(q);
	}
	free(st->cache);
	st->cache = NULL;
	st->cachecap = st->ncache = 0;
}

/* Run q with n parameters; its result kept for sq_row. ST_OK or ST_ERR. */
static int
pg_run(sq_stmt *q, int n, const char *const *values, const int *lengths, const int *formats)
{
	struct pg_stmt *p = q->pg;
	struct store *st = p->st;
	ExecStatusType s;

	if (p->res)
		PQclear(p->res);
	p->pending = 0;
	p->row = p->nrows = 0;
	p->res = NULL;
	if (st->pg_pipe) {
		if (st->pg_broken)
			return ST_ERR;
		if (!PQsendQueryPrepared(st->pgc, p->name, n, values, lengths, formats, 0)) {
			pg_failed(st, "cannot send to PostgreSQL", NULL);
			st->pg_lost = 1;
			return ST_ERR;
		}
		pg_queued(st, p->sql);
		if (p->deferrable && st->pg_nq < (int)(sizeof st->pg_q / sizeof st->pg_q[0]) - 4)
			return ST_OK;
		if (pg_flush(st, 0, &p->res) != ST_OK)
			return ST_ERR;
		if (p->res == NULL)     /* a deferrable one, read as the queue was full */
			return ST_OK;
		p->nrows = PQntuples(p->res);
		return ST_OK;
	}
	p->res = PQexecPrepared(st->pgc, p->name, n, values, lengths, formats, 0);
	s = PQresultStatus(p->res);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		char what[240];
		snprintf(what, sizeof what, "cannot run \"%.150s\"", p->sql);
		pg_failed(st, what, p->res);
		PQclear(p->res);
		p->res = NULL;
		return ST_ERR;
	}
	p->nrows = PQntuples(p->res);
	st->pg_changes = atoi(PQcmdTuples(p->res));
	return ST_OK;
}

sq_stmt *
pg_bind(struct store *st, const char *sql, const char *fmt, va_list ap)
{
	sq_stmt *q = pg_prepare(st, sql);
	const char *values[PG_PARAMS];
	int lengths[PG_PARAMS], formats[PG_PARAMS], i;
	char num[PG_PARAMS][24], ch[PG_PARAMS][2];

	if (q == NULL)
		return NULL;
	for (i = 0; fmt[i]; i++) {
		if (i == PG_PARAMS)
			fatalx("store: more than %d parameters", PG_PARAMS);
		lengths[i] = 0;
		formats[i] = 0;
		values[i] = NULL;
		switch (fmt[i]) {
		case 'i':
		case 'I': {
			int64_t v = va_arg(ap, int64_t);
			if (v || fmt[i] == 'i') {
				snprintf(num[i], sizeof num[i], "%lld", (long long)v);
				values[i] = num[i];
			}
			break;
		}
		case 's':
		case 'S': {
			const char *v = va_arg(ap, const char *);
			if (v != NULL && !(fmt[i] == 'S' && v[0] == '\0'))
				values[i] = v;
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (c) {
				ch[i][0] = c;
				ch[i][1] = '\0';
				values[i] = ch[i];
			}
			break;
		}
		case 'b': {
			const unsigned char *v = va_arg(ap, const unsigned char *);
			if (v) {
				values[i] = (const char *)v;
				lengths[i] = 32;
				formats[i] = 1;
			}
			break;
		}
		default:
			fatalx("store: unknown bind format '%c'", fmt[i]);
		}
	}
	return pg_run(q, i, values, lengths, formats) == ST_OK ? q : NULL;
}

int
pg_exec(struct store *st, sq_stmt *q)
{
	(void)st;
	if (q == NULL)
		return ST_ERR;
	if (q->pg->pending && pg_run(q, 0, NULL, NULL, NULL) != ST_OK)
		return ST_ERR;
	pg_done(q);
	return ST_OK;
}

int
pg_row(struct store *st, sq_stmt *q)
{
	(void)st;
	if (q == NULL)
		return ST_ERR;
	if (q->pg->pending && pg_run(q, 0, NULL, NULL, NULL) != ST_OK)
		return ST_ERR;
	if (q->pg->res && q->pg->row < q->pg->nrows) {
		q->pg->row++;
		return 1;
	}
	pg_done(q);
	return 0;
}

void
pg_done(sq_stmt *q)
{
	if (q->pg->res) {
		PQclear(q->pg->res);
		q->pg->res = NULL;
	}
	q->pg->row = q->pg->nrows = 0;
}

/* The current row's column text, NULL when NULL. */
static const char *
pg_value(sq_stmt *q, int col)
{
	struct pg_stmt *p = q->pg;

	if (p->res == NULL || p->row < 1 || col >= PQnfields(p->res) ||
	    PQgetisnull(p->res, p->row - 1, col))
		return NULL;
	return PQgetvalue(p->res, p->row - 1, col);
}

int64_t
pg_col_int64(sq_stmt *q, int col)
{
	const char *v = pg_value(q, col);

	if (v == NULL)
		return 0;
	if (v[0] == 't' && v[1] == '\0')
		return 1;       /* a boolean */
	return strtoll(v, NULL, 10);
}

int
pg_col_null(sq_stmt *q, int col)
{
	return pg_value(q, col) == NULL;
}

const char *
pg_col_text(sq_stmt *q, int col)
{
	return pg_value(q, col);
}

int
pg_col_blob32(sq_stmt *q, int col, unsigned char out[32])
{
	const char *v = pg_value(q, col);
	size_t n;

	/* bytea in text form: "\x" and hex digits. */
	if (v == NULL || v[0] != '\\' || v[1] != 'x' || strlen(v + 2) != 64)
		return 0;
	if (sodium_hex2bin(out, 32, v + 2, 64, NULL, &n, NULL) != 0 || n != 32)
		return 0;
	return 1;
}

/* -- connections and transactions ------------------------------------------------- */

static int pg_send_text(struct store *st, const char *sql);
static int pg_flush(struct store *st, int sync, PGresult **last);

/* Run a statement that returns nothing, outside the cache. */
static int
pg_simple(struct store *st, const char *sql, const char *what)
{
	PGresult *res;
	int ok;

	/* Inside a write transaction: through its pipeline (one statement). */
	if (st->pg_pipe)
		return pg_send_text(st, sql) == ST_OK && pg_flush(st, 0, NULL) == ST_OK ? ST_OK : ST_ERR;
	res = PQexec(st->pgc, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		pg_failed(st, what, res);
	PQclear(res);
	return ok ? ST_OK : ST_ERR;
}

/* A connection that works, opened again if it was lost. */
static int
pg_alive(struct store *st)
{
	if (st->pgc && PQstatus(st->pgc) == CONNECTION_OK && !st->pg_lost)
		return ST_OK;
	pg_cache_free(st);
	st->pg_lost = 0;
	st->pg_pipe = 0;
	st->pg_nq = 0;
	if (st->pgc && PQpipelineStatus(st->pgc) != PQ_PIPELINE_OFF) {
		PQfinish(st->pgc);      /* PQreset would keep the pipeline's state */
		st->pgc = NULL;
	}
	if (st->pgc) {
		log_warnx("store: the connection to PostgreSQL was lost: reconnecting");
		PQreset(st->pgc);
	} else {
		st->pgc = PQconnectdb(st->path);
	}
	if (st->pgc == NULL || PQstatus(st->pgc) != CONNECTION_OK) {
		pg_why(st, "cannot connect to PostgreSQL", NULL);
		st->pg_lost = 1;
		return ST_ERR;
	}
	/* Times are Unix seconds in the rows; no notices in the logs.
	 * A lock held elsewhere is waited for as long as SQLite's busy
	 * time-out, then the request fails (503) instead of hanging. */
	return pg_simple(st, "SET client_min_messages = warning; "
	    "SET lock_timeout = " PG_LOCK_WAIT, "cannot set up the connection");
}

/* A connection of the pool, for the caller alone until given back. */
static struct store *
pg_take(struct store *st, int *slot)
{
	return sq_reader_take(st, slot);
}

/* One transaction of fn on connection c: BEGIN, fn, COMMIT, run again
 * after a serialization failure. */
static int
pg_tx(struct store *c, store_fn fn, void *arg, int write, char *err, size_t errlen)
{
	int tries, rc = ST_ERR, committing;

	for (tries = 0; tries < PG_RETRIES; tries++) {
		committing = 0;
		c->why[0] = '\0';
		c->pg_retry = 0;
		c->pg_locked = 0;
		c->pg_broken = 0;
		if (pg_alive(c) != ST_OK) {
			errf(err, errlen, STORE_RECONNECTING ": %s", c->why);
			return ST_ERR;
		}
		/* The turn before BEGIN: the snapshot is taken after it, so
		 * it holds the last writer's commit. */
		if (write ? pg_pipe_begin(c) != ST_OK : pg_simple(c, "BEGIN ISOLATION LEVEL "
		    "REPEATABLE READ READ ONLY", "cannot start a transaction") != ST_OK)
			goto failed;
		c->mode = write ? SQ_WRITE : SQ_READ;
		pg_running = c;
		rc = fn(c, arg);
		pg_running = NULL;
		c->mode = SQ_NONE;
		if (c->pg_retry || c->pg_lost)
			goto failed;
		if (c->pg_broken)
			rc = ST_ERR;
		if (rc == ST_ERR) {
			if (c->why[0])
				errf(err, errlen, "%s", c->why);
			/* The database was busy, as SQLite's BEGIN IMMEDIATE can be:
			 * a failed write for /health, not a refusal of the verb. */
			if (write && c->pg_locked)
				sq_health_note(c->pg_main, 0, c->why);
			pg_pipe_end(c);
			if (!c->pg_lost)
				pg_simple(c, "ROLLBACK; SELECT pg_advisory_unlock_all()", "cannot roll back");
			/* A connection found gone meanwhile: the client may retry. */
			if (c->pg_lost)
				errf(err, errlen, STORE_RECONNECTING ": %s", c->why);
			return ST_ERR;
		}
		committing = 1;
		if ((write ? pg_pipe_commit(c) : pg_simple(c, "COMMIT", "cannot commit")) == ST_OK) {
			if (write)
				sq_health_note(c->pg_main, 1, "");
			return rc;
		}
failed:
		pg_running = NULL;
		c->mode = SQ_NONE;
		pg_pipe_end(c);
		if (!c->pg_lost)
			pg_simple(c, "ROLLBACK; SELECT pg_advisory_unlock_all()", "cannot roll back");
		/* A COMMIT that got no answer may have committed: not again. */
		if (!c->pg_retry && (committing || !c->pg_lost))
			break;
		if (c->pg_lost && committing)
			break;
		/* A short random pause, so that two nodes do not collide again. */
		{
			struct timespec ts = { 0, (long)(randombytes_uniform(2000) + 200) * 1000L *
			    (tries < 10 ? 1 : 5) };
			nanosleep(&ts, NULL);
		}
	}
	if (write)
		sq_health_note(c->pg_main, 0, c->why);
	errf(err, errlen, "%s%s", c->pg_lost ? STORE_RECONNECTING ": " : "",
	    c->why[0] ? c->why : "the transaction failed");
	return ST_ERR;
}

int
pg_write(struct store *st, store_fn fn, void *arg, char *err, size_t errlen, int write)
{
	struct store *c;
	int slot, rc;

	if (pg_running != NULL)
		fatalx("store: store_write/store_read called from inside a store function");
	c = pg_take(st, &slot);
	rc = pg_tx(c, fn, arg, write, err, errlen);
	sq_reader_give(st, slot);
	return rc;
}

int
pg_changes(struct store *st)
{
	/* The answers outstanding are read first: the last is this count's. */
	if (st->pg_pipe && st->pg_nq && pg_flush(st, 0, NULL) != ST_OK)
		return 0;
	return st->pg_changes;
}

/* -- servers on one database: notifications ---------------------------------------- */


/* Inside a write transaction: "<node> <msg>" to every listener, at commit. */
int
pg_notify(struct store *st, const char *msg)
{
	char buf[STORE_NOTE_MAX + 32];
	const struct store *m = st->pg_main ? st->pg_main : st;

	if (strlen(msg) > STORE_NOTE_MAX) {
		snprintf(st->why, sizeof st->why, "a notification of %zu bytes is too long",
		    strlen(msg));
		return ST_ERR;
	}
	snprintf(buf, sizeof buf, "%s %s", m->pg_node, msg);
	return sq_exec(st, sq_bind(st, "SELECT pg_notify(?, ?)", "ss", m->pg_channel, buf),
	    "cannot notify the other servers");
}

struct pg_listener {
	pthread_t thread;
	struct store *st;               /* the store (its node id, its connection string) */
	store_heard_fn fn;
	void *arg;
	volatile int stop;
};

/* A connection that listens, or NULL. */
static PGconn *
listen_conn(const char *url, const char *channel)
{
	PGconn *c = PQconnectdb(url);
	PGresult *r;
	char sql[100];

	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return NULL;
	}
	snprintf(sql, sizeof sql, "LISTEN \"%s\"", channel);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		PQfinish(c);
		return NULL;
	}
	PQclear(r);
	return c;
}

static void *
listen_run(void *arg)
{
	struct pg_listener *l = arg;
	size_t nl = strlen(l->st->pg_node);
	PGconn *c = NULL;
	int lost = 0;

	while (!l->stop) {
		PGnotify *n;
		struct pollfd pfd;

		if (c == NULL || PQstatus(c) != CONNECTION_OK) {
			if (c) {
				PQfinish(c);
				log_warnx("store: the notifications' connection was lost: reconnecting");
			}
			if ((c = listen_conn(l->st->path, l->st->pg_channel)) == NULL) {
				struct timespec ts = { 0, 200 * 1000000L };
				lost = 1;
				nanosleep(&ts, NULL);
				continue;
			}
			if (lost)
				l->fn(l->arg, NULL);   /* something may have been missed */
			lost = 0;
		}
		pfd.fd = PQsocket(c);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 250) < 0 || !PQconsumeInput(c)) {
			lost = 1;
			PQfinish(c);
			c = NULL;
			continue;
		}
		while ((n = PQnotifies(c)) != NULL) {
			/* Not our own (they were published here already). */
			if (strncmp(n->extra, l->st->pg_node, nl) != 0 || n->extra[nl] != ' ')
				l->fn(l->arg, strchr(n->extra, ' ') ? strchr(n->extra, ' ') + 1 : "");
			PQfreemem(n);
		}
	}
	if (c)
		PQfinish(c);
	return NULL;
}

int
pg_listen(struct store *st, store_heard_fn fn, void *arg, char *err, size_t errlen)
{
	struct pg_listener *l;

	if (st->pg_listen)
		return errf(err, errlen, "the store listens already");
	if ((l = calloc(1, sizeof *l)) == NULL)
		return errf(err, errlen, "out of memory");
	l->st = st;
	l->fn = fn;
	l->arg = arg;
	if (pthread_create(&l->thread, NULL, listen_run, l) != 0) {
		free(l);
		return errf(err, errlen, "cannot start the notifications' thread");
	}
	st->pg_listen = l;
	return ST_OK;
}

void
pg_listen_stop(struct store *st)
{
	struct pg_listener *l = st->pg_listen;

	if (l == NULL)
		return;
	l->stop = 1;
	pthread_join(l->thread, NULL);
	free(l);
	st->pg_listen = NULL;
}

/* -- open, migrate ---------------------------------------------------------------------- */

static int pg_migrate_waited(struct store *c, const char *what, char *err, size_t errlen);

/* Migrations wait for each other without a time limit: another node may
 * be migrating a large database. */
static int
pg_migrate(struct store *c, const char *what, char *err, size_t errlen)
{
	int rc;

	if (pg_simple(c, "SET lock_timeout = 0", "cannot set up the migration") != ST_OK)
		return errf(err, errlen, "%s: %s", what, c->why);
	rc = pg_migrate_waited(c, what, err, errlen);
	if (pg_simple(c, "SET lock_timeout = " PG_LOCK_WAIT, "cannot set up the connection") !=
	    ST_OK && rc == ST_OK)
		rc = errf(err, errlen, "%s: %s", what, c->why);
	return rc;
}

static int
pg_migrate_waited(struct store *c, const char *what, char *err, size_t errlen)
{
	PGresult *res;
	int version = 0, i;
	char sql[96];

	/* One migrator at a time across every node starting together. */
	if (pg_simple(c, "CREATE TABLE IF NOT EXISTS schema_version (version bigint NOT NULL); "
	    "SELECT pg_advisory_lock(4242)", "cannot read the schema version") != ST_OK)
		return errf(err, errlen, "%s: %s", what, c->why);
	res = PQexec(c->pgc, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (version > PG_NMIGRATIONS) {
		pg_simple(c, "SELECT pg_advisory_unlock(4242)", "unlock");
		return errf(err, errlen, "%s: the database is from a newer version of kiosk (schema "
		    "%d, this program knows %d); it was left untouched", what, version,
		    PG_NMIGRATIONS);
	}
	for (i = version; i < PG_NMIGRATIONS; i++) {
		snprintf(sql, sizeof sql, "DELETE FROM schema_version; INSERT INTO schema_version "
		    "VALUES (%d)", i + 1);
		if (pg_simple(c, "BEGIN", "cannot start a migration") != ST_OK ||
		    pg_simple(c, pg_migrations[i], "migration failed") != ST_OK ||
		    pg_simple(c, sql, "migration failed") != ST_OK ||
		    pg_simple(c, "COMMIT", "migration failed") != ST_OK) {
			errf(err, errlen, "%s: migration %d failed: %s", what, i + 1, c->why);
			pg_simple(c, "ROLLBACK", "cannot roll back");
			pg_simple(c, "SELECT pg_advisory_unlock(4242)", "unlock");
			return ST_ERR;
		}
		log_info("store: %s migrated to schema %d", what, i + 1);
	}
	pg_simple(c, "SELECT pg_advisory_unlock(4242)", "unlock");
	return ST_OK;
}

/*
 * The site's schema: PostgreSQL's current_schema, "public" unless the
 * connection string says another (options='-c search_path=bobigny'). Several
 * sites share a database in schemas of their own: each its own tables, its
 * own writers' turn and its own notifications.
 */
static int
pg_site_schema(struct store *st, struct store *c, const char *what, char *err, size_t errlen)
{
	PGresult *r = PQexec(c->pgc, "SELECT current_schema()");
	uint32_t h = 2166136261u;
	const char *s;
	char name[64];
	size_t i;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQgetisnull(r, 0, 0)) {
		PQclear(r);
		return errf(err, errlen, "%s: the search_path names no schema that exists: create "
		    "the site's schema first (CREATE SCHEMA name AUTHORIZATION its_user)", what);
	}
	snprintf(st->pg_schema, sizeof st->pg_schema, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	for (s = st->pg_schema; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	/* The channel is an identifier: the schema's name when it is a plain
	 * one, else its hash. */
	for (i = 0, s = st->pg_schema; *s && i + 1 < sizeof name; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')
			name[i++] = *s;
	name[i] = '\0';
	if (strlen(name) != strlen(st->pg_schema) || i > 40)
		snprintf(name, sizeof name, "%08x", h);
	snprintf(st->pg_channel, sizeof st->pg_channel, "kiosk_%s", name);
	snprintf(st->pg_lock, sizeof st->pg_lock, "SELECT pg_advisory_lock(%d, %d)", PG_WRITERS,
	    (int32_t)h);
	snprintf(st->pg_unlock, sizeof st->pg_unlock, "SELECT pg_advisory_unlock(%d, %d)",
	    PG_WRITERS, (int32_t)h);
	return ST_OK;
}

/* What the logs may say of a connection string: no password. */
static void
pg_safe_name(const char *url, char *out, size_t len)
{
	const char *at = strchr(url, '@'), *scheme = strstr(url, "://");

	if (at && scheme && at > scheme)
		snprintf(out, len, "%.*s***%s", (int)(scheme - url + 3), url, at);
	else if (strstr(url, "password"))
		snprintf(out, len, "the PostgreSQL database (connection string with a password)");
	else
		snprintf(out, len, "%s", url);
}

struct store *
pg_open(const char *url, struct store *(*handle_new)(void), char *err, size_t errlen)
{
	struct store *st;
	char what[200];
	int i;

	pg_safe_name(url, what, sizeof what);
	if ((st = handle_new()) == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	st->pg = 1;
	{
		unsigned char rnd[6];
		randombytes_buf(rnd, sizeof rnd);
		sodium_bin2hex(st->pg_node, sizeof st->pg_node, rnd, sizeof rnd);
	}
	if ((st->path = strdup(url)) == NULL) {
		errf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < SQ_CONNS; i++) {
		struct store *c = handle_new();
		if ((st->readers[i] = c) == NULL || (c->path = strdup(url)) == NULL) {
			errf(err, errlen, "out of memory");
			goto fail;
		}
		c->pg = 1;
		c->pg_main = st;
		if (pg_alive(c) != ST_OK) {
			errf(err, errlen, "%s: %s", what, c->why);
			goto fail;
		}
		if (i == 0 && (pg_site_schema(st, c, what, err, errlen) != ST_OK ||
		    pg_migrate(c, what, err, errlen) != ST_OK))
			goto fail;
		st->rd_free |= 1u << i;
	}
	st->pg_main = st;
	log_info("store: %s: PostgreSQL %d, site schema \"%s\" at version %d", what,
	    PQserverVersion(st->readers[0]->pgc), st->pg_schema, PG_NMIGRATIONS);
	return st;
fail:
	store_close(st);
	return NULL;
}

void
pg_close(struct store *st)
{
	if (st->pgc)
		PQfinish(st->pgc);
	st->pgc = NULL;
	pg_cache_free(st);
}

/* -- health ------------------------------------------------------------------------------ */

void
pg_health(struct store *st, struct store_health *h)
{
	struct store *c;
	int slot;

	memset(h, 0, sizeof *h);
	c = pg_take(st, &slot);
	if (pg_alive(c) == ST_OK) {
		PGresult *res = PQexec(c->pgc, "SELECT pg_is_in_recovery()");
		h->file_ok = PQresultStatus(res) == PGRES_TUPLES_OK;
		h->writable = h->file_ok && PQgetvalue(res, 0, 0)[0] == 'f';
		if (!h->file_ok)
			pg_why(c, "PostgreSQL does not answer", res);
		else if (!h->writable)
			snprintf(c->why, sizeof c->why, "PostgreSQL: connected to a standby (read only)");
		PQclear(res);
	}
	if (!h->file_ok)
		snprintf(h->file_err, sizeof h->file_err, "%.199s", c->why);
	if (!h->writable)
		snprintf(h->write_err, sizeof h->write_err, "%.199s", c->why);
	sq_reader_give(st, slot);
	pthread_mutex_lock(&st->hl_lock);
	h->last_commit = st->last_commit;
	h->last_failure = st->last_failure;
	snprintf(h->last_error, sizeof h->last_error, "%s", st->last_error);
	pthread_mutex_unlock(&st->hl_lock);
}

/* -- the database's sites (issue #11: figures for all sites) ------------------------------ */

/*
 * Sites share a database in schemas of their own. Reading another site's
 * figures is a read transaction whose search_path is that schema (SET
 * LOCAL: back to this site's at COMMIT): the row functions and their
 * cached statements are the same; PostgreSQL plans a prepared statement
 * again when the search_path it was planned under changed (since 9.3),
 * which tests/it_pg_sites.sh checks by reading both sites on one server.
 * The transaction code above is not changed: these are store_read's.
 */

struct pg_sites {
	struct store_site *out;
	int max, n;
};

/* A quoted identifier into out (PQescapeIdentifier), or -1. */
static int
pg_ident(struct store *c, const char *name, char *out, size_t len)
{
	char *q = PQescapeIdentifier(c->pgc, name, strlen(name));
	int rc = 0;

	if (q == NULL || strlen(q) >= len) {
		snprintf(c->why, sizeof c->why, "cannot quote the schema's name \"%.60s\"", name);
		rc = -1;
	} else {
		snprintf(out, len, "%s", q);
	}
	PQfreemem(q);
	return rc;
}

static int
pg_sites_tx(struct store *c, void *arg)
{
	struct pg_sites *p = arg;
	const struct store *m = c->pg_main ? c->pg_main : c;
	PGresult *r, *s;
	int i, rows;

	p->n = 0;       /* a transaction run again lists them again */
	/* Kiosk's schemas: a site and a schema_version table. The first
	 * table of each the role may not read, if any. */
	r = PQexec(c->pgc, "SELECT n.nspname, has_schema_privilege(n.oid, 'USAGE'), "
	    "(SELECT t.relname FROM pg_class t WHERE t.relnamespace = n.oid AND "
	    "t.relkind IN ('r', 'p') AND NOT has_table_privilege(t.oid, 'SELECT') "
	    "ORDER BY t.relname LIMIT 1) FROM pg_namespace n WHERE EXISTS (SELECT 1 FROM "
	    "pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'site' AND "
	    "c.relkind IN ('r', 'p')) AND EXISTS (SELECT 1 FROM pg_class v WHERE "
	    "v.relnamespace = n.oid AND v.relname = 'schema_version') ORDER BY n.nspname");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pg_failed(c, "cannot list the database's sites", r);
		PQclear(r);
		return ST_ERR;
	}
	rows = PQntuples(r);
	for (i = 0; i < rows && p->n < p->max; i++) {
		struct store_site *o = &p->out[p->n];
		char q[200], sql[600];

		memset(o, 0, sizeof *o);
		if (PQgetlength(r, i, 0) >= (int)sizeof o->schema)
			continue;   /* not a name this program gives a site */
		snprintf(o->schema, sizeof o->schema, "%s", PQgetvalue(r, i, 0));
		o->self = !strcmp(o->schema, m->pg_schema);
		p->n++;
		if (PQgetvalue(r, i, 1)[0] != 't') {
			snprintf(o->skipped, sizeof o->skipped, "no USAGE on the schema \"%s\" for "
			    "this server's role (GRANT USAGE ON SCHEMA, INSTALL.md)", o->schema);
			continue;
		}
		if (!PQgetisnull(r, i, 2)) {
			snprintf(o->skipped, sizeof o->skipped, "no SELECT on the table %s.%.60s for "
			    "this server's role (GRANT SELECT ON ALL TABLES IN SCHEMA, INSTALL.md)",
			    o->schema, PQgetvalue(r, i, 2));
			continue;
		}
		if (pg_ident(c, o->schema, q, sizeof q) != 0)
			goto fail;
		snprintf(sql, sizeof sql, "SELECT s.site_id, s.name, s.tz, (SELECT MAX(version) "
		    "FROM %s.schema_version) FROM %s.site s", q, q);
		/* site_id, name and tz are there since schema 1; a failure
		 * (not a kiosk site after all) names it, and the listing goes
		 * on after its savepoint. */
		if (pg_simple(c, "SAVEPOINT site", "cannot list the database's sites") != ST_OK)
			goto fail;
		s = PQexec(c->pgc, sql);
		if (PQresultStatus(s) != PGRES_TUPLES_OK) {
			pg_why(c, "cannot read its site row", s);
			snprintf(o->skipped, sizeof o->skipped, "%.230s", c->why);
			c->why[0] = '\0';
			PQclear(s);
			if (pg_simple(c, "ROLLBACK TO SAVEPOINT site", "cannot list the database's "
			    "sites") != ST_OK)
				goto fail;
			continue;
		}
		if (PQntuples(s) != 1) {
			snprintf(o->skipped, sizeof o->skipped, "no site row (not initialised)");
		} else {
			int v = PQgetisnull(s, 0, 3) ? 0 : atoi(PQgetvalue(s, 0, 3));
			snprintf(o->id, sizeof o->id, "%s", PQgetvalue(s, 0, 0));
			snprintf(o->name, sizeof o->name, "%s", PQgetvalue(s, 0, 1));
			snprintf(o->tz, sizeof o->tz, "%s", PQgetvalue(s, 0, 2));
			if (v != PG_NMIGRATIONS)
				snprintf(o->skipped, sizeof o->skipped, "schema version %d, not this "
				    "server's %d (run its servers' version here, or migrate it)", v,
				    PG_NMIGRATIONS);
		}
		PQclear(s);
	}
	PQclear(r);
	return ST_OK;
fail:
	PQclear(r);
	return ST_ERR;
}

int
store_sites(struct store *st, struct store_site *out, int max, char *err, size_t errlen)
{
	struct pg_sites p = { out, max, 0 };
	int rc;

	if (!st->pg) {
		if (max < 1)
			return 0;
		memset(out, 0, sizeof *out);
		out->self = 1;
		return 1;
	}
	if ((rc = pg_write(st, pg_sites_tx, &p, err, errlen, 0)) != ST_OK)
		return rc < 0 ? rc : ST_ERR;
	return p.n;
}

/* The site's read: its schema first. */
struct pg_site_read {
	const char *schema;
	store_fn fn;
	void *arg;
};

static int
pg_site_read_tx(struct store *c, void *arg)
{
	struct pg_site_read *p = arg;
	char q[200], sql[240];

	if (pg_ident(c, p->schema, q, sizeof q) != 0)
		return ST_ERR;
	snprintf(sql, sizeof sql, "SET LOCAL search_path TO %s", q);
	if (pg_simple(c, sql, "cannot read another site") != ST_OK)
		return ST_ERR;
	return p->fn(c, p->arg);
}

int
store_read_site(struct store *st, const char *schema, store_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct pg_site_read p = { schema, fn, arg };

	if (!schema[0] || (st->pg && !strcmp(schema, st->pg_schema)))
		return store_read(st, fn, arg, err, errlen);
	if (!st->pg)
		return errf(err, errlen, "no site \"%s\" in this database (SQLite: one site)", schema);
	return pg_write(st, pg_site_read_tx, &p, err, errlen, 0);
}

/* -- holders' claims across the sites of the database (store/claims.c) ------------------ */

/* What the DBA runs for a site's role (INSTALL.md). */
#define PG_CLAIMS_GRANTS "GRANT USAGE ON SCHEMA kiosk_shared TO <the site's role>; GRANT " \
	"SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA kiosk_shared TO <the site's " \
	"role> (INSTALL.md, bind_holder = all_sites)"

/* The shared schema kiosk_shared (store/claims.c), made when it is missing
 * and this role may (on its own connection, READ COMMITTED: each statement sees what
 * another server's setup committed while this one waited for the lock). */
static int
pg_claims_shared(struct store *c, const char *what, char *err, size_t errlen)
{
	PGresult *r;
	int schema, tables;

	/* The schema first: to_regclass needs USAGE on it, to_regnamespace
	 * nothing; and CREATE SCHEMA IF NOT EXISTS needs CREATE on the
	 * database even when the schema is there (its owner may lack it). */
	r = PQexec(c->pgc, "SELECT to_regnamespace('kiosk_shared') IS NOT NULL");
	schema = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (schema) {
		r = PQexec(c->pgc, "SELECT to_regclass('kiosk_shared.day_keys') IS NOT NULL AND "
		    "to_regclass('kiosk_shared.holder_claims') IS NOT NULL");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			pg_why(c, "cannot look into the shared schema kiosk_shared", r);
			PQclear(r);
			return errf(err, errlen, "%s: %s: have the schema's owner run "
			    PG_CLAIMS_GRANTS, what, c->why);
		}
		tables = PQgetvalue(r, 0, 0)[0] == 't';
		PQclear(r);
		if (tables)
			return ST_OK;
	} else if (pg_simple(c, "CREATE SCHEMA kiosk_shared", "cannot create the shared schema "
	    "kiosk_shared") != ST_OK) {
		return errf(err, errlen, "%s: %s: a service has bind_holder = all_sites, and this "
		    "role may not create the schema shared by the sites: have the database's owner "
		    "run CREATE SCHEMA kiosk_shared AUTHORIZATION <a role of one site> and start "
		    "that site's server first (it makes the tables), then " PG_CLAIMS_GRANTS, what,
		    c->why);
	}
	if (pg_simple(c, "CREATE TABLE IF NOT EXISTS kiosk_shared.day_keys (day text COLLATE \"C\" "
	    "PRIMARY KEY, key bytea NOT NULL); "
	    "CREATE TABLE IF NOT EXISTS kiosk_shared.holder_claims (day text COLLATE \"C\" NOT NULL, "
	    "service text COLLATE \"C\" NOT NULL, holder_hash bytea NOT NULL, "
	    "site text COLLATE \"C\" NOT NULL, ticket bigint NOT NULL, "
	    "number text COLLATE \"C\" NOT NULL, active boolean NOT NULL DEFAULT true); "
	    "CREATE UNIQUE INDEX IF NOT EXISTS holder_claims_active ON kiosk_shared.holder_claims "
	    "(day, service, holder_hash) WHERE active; "
	    "CREATE INDEX IF NOT EXISTS holder_claims_ticket ON kiosk_shared.holder_claims "
	    "(site, ticket)", "cannot create the tables of the shared schema kiosk_shared") != ST_OK)
		return errf(err, errlen, "%s: %s: have the schema's owner start its site's server "
		    "first (it makes the tables), then run " PG_CLAIMS_GRANTS, what, c->why);
	log_info("store: %s: made the tables of the shared schema kiosk_shared (holders' claims "
	    "of all the sites)", what);
	return ST_OK;
}

static int
pg_claims_setup_on(struct store *c, char *err, size_t errlen)
{
	static const char what[] = "bind_holder = all_sites";
	PGresult *r;
	int may;

	if (pg_alive(c) != ST_OK)
		return errf(err, errlen, "%s: %s", what, c->why);
	/* 4244: one setup at a time across the servers starting together
	 * (4242 is the migrations'). */
	if (pg_simple(c, "SET lock_timeout = 0; BEGIN; SELECT pg_advisory_xact_lock(4244)",
	    "cannot wait for the shared schema's setup") != ST_OK)
		goto failed;
	if (pg_claims_shared(c, what, err, errlen) != ST_OK)
		goto out;
	r = PQexec(c->pgc, "SELECT has_schema_privilege('kiosk_shared', 'USAGE') AND "
	    "has_table_privilege('kiosk_shared.day_keys', 'SELECT, INSERT, DELETE') AND "
	    "has_table_privilege('kiosk_shared.holder_claims', 'SELECT, INSERT, UPDATE, DELETE')");
	may = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't';
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		pg_why(c, "cannot read this role's rights on kiosk_shared", r);
	PQclear(r);
	if (!may) {
		errf(err, errlen, "%s: this role may not use the shared schema kiosk_shared: have "
		    "its owner run " PG_CLAIMS_GRANTS, what);
		goto out;
	}
	/* In the site's schema: a ticket that leaves waiting/called ends its
	 * claim, whichever verb moved it (counter, cancel, the day's close). */
	if (pg_simple(c, "CREATE OR REPLACE FUNCTION kiosk_claim_end() RETURNS trigger "
	    "LANGUAGE plpgsql AS $f$ BEGIN UPDATE kiosk_shared.holder_claims SET active = false "
	    "WHERE site = TG_TABLE_SCHEMA AND ticket = NEW.id AND active; RETURN NULL; END $f$; "
	    "DROP TRIGGER IF EXISTS kiosk_claim_end ON tickets; "
	    "CREATE TRIGGER kiosk_claim_end AFTER UPDATE OF state ON tickets FOR EACH ROW "
	    "WHEN (NEW.holder_hash IS NOT NULL AND NEW.state NOT IN ('waiting', 'called')) "
	    "EXECUTE FUNCTION kiosk_claim_end()", "cannot make the claims' trigger") != ST_OK ||
	    pg_simple(c, "COMMIT", "cannot commit the shared schema's setup") != ST_OK)
		goto failed;
	pg_simple(c, "SET lock_timeout = " PG_LOCK_WAIT, "cannot set up the connection");
	return ST_OK;
failed:
	errf(err, errlen, "%s: %s", what, c->why);
out:
	pg_simple(c, "ROLLBACK", "cannot roll back");
	pg_simple(c, "SET lock_timeout = " PG_LOCK_WAIT, "cannot set up the connection");
	return ST_ERR;
}

/* No all_sites service (any more): the trigger an earlier site file made
 * goes, so that the site needs no right on kiosk_shared. Looked for first:
 * DROP TRIGGER would lock the tickets at every start. */
static int
pg_claims_off(struct store *c, char *err, size_t errlen)
{
	PGresult *r;
	int have;

	if (pg_alive(c) != ST_OK)
		return errf(err, errlen, "%s", c->why);
	r = PQexec(c->pgc, "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = "
	    "'kiosk_claim_end' AND tgrelid = to_regclass('tickets'))");
	have = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (have && pg_simple(c, "DROP TRIGGER IF EXISTS kiosk_claim_end ON tickets",
	    "cannot drop the claims' trigger (no all_sites service any more)") != ST_OK)
		return errf(err, errlen, "%s", c->why);
	if (have)
		log_info("store: no all_sites service any more: the claims' trigger is dropped");
	return ST_OK;
}

int
pg_claims_setup(struct store *st, int on, char *err, size_t errlen)
{
	struct store *c;
	int slot, rc;

	c = pg_take(st, &slot);
	rc = on ? pg_claims_setup_on(c, err, errlen) : pg_claims_off(c, err, errlen);
	sq_reader_give(st, slot);
	return rc;
}
