/*
 * sqlite_int: what the SQLite files of the store share, and nothing else
 * includes (tests may, for fault injection). The store's public side is
 * store/store.h; this header holds the handle and the plumbing that every
 * row function uses: a statement cache keyed by the SQL literal's address,
 * binding from a format, stepping with a readable reason on failure.
 *
 * Error convention: a helper that fails records a reason in st->why (in
 * store.c's wording: disk full, locked by another process, I/O error,
 * read-only, or SQLite's own message) and returns ST_ERR, or NULL for
 * statements. Every helper accepts a NULL statement (the prepare or bind
 * failed, the reason is recorded) and then fails at once, so a row
 * function can chain calls and test once.
 */
#ifndef KIOSK_STORE_SQLITE_INT_H
#define KIOSK_STORE_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "store/store.h"

struct sq_req;

/*
 * A statement of the row functions, whatever the engine: SQLite's prepared
 * statement, or (store/pg.c) a PostgreSQL prepared statement and its last
 * result. The row functions see only this type and the sq_ functions.
 */
typedef struct sq_stmt sq_stmt;
struct pg_stmt;
struct sq_stmt {
	sqlite3_stmt *s;                /* SQLite; NULL on PostgreSQL */
	struct pg_stmt *pg;             /* PostgreSQL; NULL on SQLite */
};

/* One statement cache entry. */
struct sq_slot {
	const char *sql;                /* the literal's address is the key; NULL: free */
	sq_stmt *stmt;                  /* prepared once, reset before each use */
};

enum sq_mode {
	SQ_NONE,                        /* no transaction: row functions are not allowed */
	SQ_READ,                        /* store_read: statements must not write */
	SQ_WRITE,                       /* store_write's batch */
};

#define SQ_READERS 4                   /* read-only connections for store_read */
#define SQ_CONNS 8                     /* PostgreSQL: the pool's connections */

struct store {
	sqlite3 *db;                    /* the connection (the writer's, or a reader's) */
	pthread_mutex_t lock;           /* the connection: held by store_read, by a batch's
	                                 * leader, by backup and compact */
	struct store *readers[SQ_CONNS]; /* the writer's read-only connections: reads never
	                                 * wait for a batch's commit (NULL in a reader);
	                                 * PostgreSQL: the pool, for reads and writes */
	pthread_mutex_t rd_lock;        /* guards rd_free */
	pthread_cond_t rd_cond;         /* a reader came back */
	unsigned rd_free;               /* bit i: readers[i] is free */
	enum sq_mode mode;              /* the transaction running now (under lock) */
	char why[400];                  /* reason of the last storage failure (under lock) */
	struct sq_slot *cache;          /* open addressing, linear probing */
	size_t ncache;                  /* used slots */
	size_t cachecap;                /* slots (a power of two), kept at most half full */
	pthread_mutex_t gc_lock;        /* guards the group-commit queue below */
	pthread_cond_t gc_cond;         /* a batch was committed */
	struct sq_req *gc_head;         /* write requests waiting for a batch */
	struct sq_req **gc_tail;        /* where the next request goes */
	int gc_queued;                  /* requests in that queue */
	int gc_leader;                  /* a thread is running a batch */
	char *path;                     /* the database file (the writer only), for health */
	dev_t dev;                      /* and its identity when opened: a file put in */
	ino_t ino;                      /* its place later is another file */
	pthread_mutex_t hl_lock;        /* guards the health fields below (never held for I/O) */
	int64_t last_commit;            /* Unix ms of the last committed batch, 0: none yet */
	int64_t last_failure;           /* Unix ms of the last failed batch, 0: none */
	char last_error[400];           /* that failure's reason */
	int64_t probe_at;               /* Unix ms of the last write probe (health) */
	int probe_ok;                   /* its result */
	char probe_err[200];            /* its reason when it failed */
	/* PostgreSQL (store/pg.c): */
	int pg;                         /* 1: this store is on PostgreSQL */
	struct pg_conn *pgc;            /* a pool connection's libpq handle (PGconn) */
	struct store *pg_main;          /* the store whose pool this connection is in */
	int pg_retry;                   /* the transaction met a serialization failure */
	int pg_lost;                    /* the connection was lost: open it again */
	int pg_locked;                  /* a lock held elsewhere outlasted lock_timeout */
	int pg_changes;                 /* rows changed by the last statement */
	char pg_node[20];               /* this server's id in its notifications */
	char pg_schema[64];             /* the site's schema (PostgreSQL's current_schema) */
	char pg_channel[80];            /* its notifications' channel, "kiosk_<schema>" */
	char pg_lock[80];               /* its writers' turn: "SELECT pg_advisory_lock(..)" */
	char pg_unlock[80];             /* "SELECT pg_advisory_unlock(..)" */
	int pg_pipe;                    /* a write transaction: libpq's pipeline mode */
	int pg_broken;                  /* a statement of this transaction failed */
	int pg_nq;                      /* answers still to read, in order: */
	const char *pg_q[32];           /* their SQL, for the reason of a failure */
	struct pg_listener *pg_listen;  /* store_listen's thread, NULL: none */
};

/* An idle read-only connection, for the caller alone until given back. */
struct store *sq_reader_take(struct store *st, int *slot);
void sq_reader_give(struct store *st, int slot);

/* Remember the file's path and identity for store_health. ST_OK or ST_ERR. */
int sq_health_init(struct store *st, const char *path, char *err, size_t errlen);
/* A batch committed (ok) or failed with reason: kept for store_health. */
void sq_health_note(struct store *st, int ok, const char *reason);

/* Record the reason of the connection's last failure, as "what: reason",
 * in st->why, and log it. Returns ST_ERR. */
int sq_fail(struct store *st, const char *what);

/*
 * The prepared statement of a SQL string literal (cached by its address:
 * pass only literals, never a built string). Only inside store_write or
 * store_read. NULL when it cannot be prepared (no such table, ...): the
 * reason, with the statement, is in st->why.
 */
sq_stmt *sq_prepare(struct store *st, const char *sql);

/*
 * sq_stmt, reset, and bind by position from fmt:
 *   i int64_t            I int64_t, 0 binds NULL
 *   s const char *       (NULL binds NULL)
 *   S const char *       ("" binds NULL too)
 *   c char (as int)      one-letter text, 0 binds NULL
 *   b const unsigned char * 32-byte blob (NULL binds NULL)
 */
sq_stmt *sq_bind(struct store *st, const char *sql, const char *fmt, ...);

/* Run to the end (rows ignored) and reset. ST_OK or ST_ERR. */
int sq_exec(struct store *st, sq_stmt *s, const char *what);
/* Step once: 1 a row is there to read (call sqlite3_reset after), 0 no
 * row (reset done), ST_ERR (reset done). */
int sq_row(struct store *st, sq_stmt *s, const char *what);
/* The first column of the first row, dflt when no row or NULL. Resets. */
int sq_int(struct store *st, sq_stmt *s, int64_t dflt, int64_t *out, const char *what);
/* Rows changed by the last statement. */
int sq_changes(struct store *st);

/* Column helpers: text copied and truncated ("" for NULL); the first
 * letter of a text (0 for NULL or ""). */
void sq_text(sq_stmt *s, int col, char *out, size_t len);
char sq_char(sq_stmt *s, int col);
/* The current row's columns (after sq_row gave 1): NULL reads as 0 or
 * NULL; a blob is copied only when it has 32 bytes (1, else 0). */
int sq_col_int(sq_stmt *s, int col);
int64_t sq_col_int64(sq_stmt *s, int col);
int sq_col_null(sq_stmt *s, int col);
const char *sq_col_text(sq_stmt *s, int col);
int sq_col_blob32(sq_stmt *s, int col, unsigned char out[32]);
/* Done with a statement's rows before the last one (sq_row resets it
 * itself after the last). NULL is harmless. */
void sq_done(sq_stmt *s);

/* The statement cache's table (sqlite.c), shared with pg.c. */
size_t sq_slot_of(const char *sql, size_t cap);
int sq_cache_grow(struct store *st);

/*
 * PostgreSQL (store/pg.c): the engine behind the same sq_ functions when
 * the store was opened with a connection string (pg_is_url).
 */
int pg_is_url(const char *s);
int pg_notify(struct store *st, const char *msg);
int pg_listen(struct store *st, store_heard_fn fn, void *arg, char *err, size_t errlen);
void pg_listen_stop(struct store *st);
struct store *pg_open(const char *url, struct store *(*handle_new)(void), char *err,
    size_t errlen);
void pg_close(struct store *st);
int pg_write(struct store *st, store_fn fn, void *arg, char *err, size_t errlen, int write);
void pg_health(struct store *st, struct store_health *h);
sq_stmt *pg_prepare(struct store *st, const char *sql);
sq_stmt *pg_cached(struct store *st, const char *sql);
sq_stmt *pg_bind(struct store *st, const char *sql, const char *fmt, va_list ap);
int pg_exec(struct store *st, sq_stmt *q);
int pg_row(struct store *st, sq_stmt *q);
int pg_changes(struct store *st);
void pg_done(sq_stmt *q);
int64_t pg_col_int64(sq_stmt *q, int col);
int pg_col_null(sq_stmt *q, int col);
const char *pg_col_text(sq_stmt *q, int col);
int pg_col_blob32(sq_stmt *q, int col, unsigned char out[32]);
/* store_claims_setup on PostgreSQL (store/claims.c). */
int pg_claims_setup(struct store *st, int on, char *err, size_t errlen);

/* Retention of the draws (sqlite_draws.c, called by store_purge): entries'
 * holder hashes of draws before holder_day, draws and their entries before
 * event_day. ST_OK or ST_ERR. */
int store_draw_purge(struct store *st, const char *holder_day, const char *event_day);

#endif
