/*
 * sqlite: the store on SQLite (see store/store.h): opening, migrations,
 * transactions and the plumbing the row files share (store/sqlite_int.h).
 * The row functions live by concern in sqlite_tickets.c, sqlite_log.c,
 * sqlite_figures.c and sqlite_accounts.c; what is SQLite-only (pragmas,
 * the backup API, WAL checkpoints, savepoints) stays in this file.
 *
 * Concurrency: one writing connection with its lock, and SQ_READERS
 * read-only connections for store_read, so that a read (the credential
 * check of every request, the screens' views) never waits for a batch's
 * fsync: WAL gives each reader the last committed snapshot while the
 * writer goes on. store_write queues requests and groups them: the
 * first caller to find no batch running leads, takes the whole queue and
 * runs every request's function on its own thread, in one BEGIN IMMEDIATE
 * transaction, each under its own savepoint, then commits once. The others
 * sleep until the commit is on disk, so a write is answered only once it is
 * durable, and a burst of writes costs one fsync. The database's own lock
 * (BEGIN IMMEDIATE, busy timeout) guards against a second process such as
 * `kiosk admin`. Durability: WAL with synchronous=FULL.
 *
 * Statements are prepared once and kept in a cache keyed by the SQL
 * literal's address (an open-addressing table that grows); transaction
 * control statements (BEGIN, SAVEPOINT, ...) are cached like the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/log.h"
#include "store/sqlite_int.h"

#include "migrations.inc"   /* generated from the db/ files: `migrations[]` */

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* One store_write call waiting for (or running in) a batch. */
struct sq_req {
	store_fn fn;            /* the caller's function */
	void *arg;              /* its argument */
	char *err;              /* the caller's error buffer (may be NULL) */
	size_t errlen;          /* its size */
	int rc;                 /* fn's answer, or ST_ERR */
	int ran;                /* fn was called */
	int done;               /* committed or failed: the caller may return */
	struct sq_req *next;    /* queue link */
};

/* The store whose transaction this thread is running (its own, or a
 * batch's as leader): row functions are allowed only there, and a
 * store_write from inside would wait for itself. */
static _Thread_local struct store *running;


/* -- file modes ---------------------------------------------------------- */

/*
 * Create `path` ourselves, mode 0600 whatever the umask, before SQLite
 * opens it: SQLite creates a new file 0644 (less the umask), and it gives
 * the -wal, -shm and -journal files the main file's mode, so a private main
 * file makes the whole set private. An existing file keeps its owner and
 * group bits (an administrator may have chosen 0640 for a backup group) but
 * loses any bit for others. ":memory:" and URIs are left to SQLite.
 */
static int
make_private(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	int fd;

	if (path[0] == '\0' || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return ST_OK;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errf(err, errlen, "%s: cannot open the database: %s", path, strerror(errno));
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 0007) != 0 &&
	    fchmod(fd, sb.st_mode & 0770) != 0) {
		errf(err, errlen, "%s: readable by everyone, and chmod failed: %s", path,
		    strerror(errno));
		close(fd);
		return ST_ERR;
	}
	close(fd);
	return ST_OK;
}

/* -- reasons ------------------------------------------------------------- */

/* The connection's last failure in words (store.c's db_fail wording). */
static void
describe(struct store *st, const char *what, const char *where, char *out, size_t len)
{
	int rc = sqlite3_extended_errcode(st->db);
	const char *msg = sqlite3_errmsg(st->db);

	switch (rc & 0xff) {
	case SQLITE_FULL:
		snprintf(out, len, "%s: the disk is full%s", what, where);
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		snprintf(out, len, "%s: the database is locked by another process%s", what, where);
		break;
	case SQLITE_IOERR:
		snprintf(out, len, "%s: disk I/O error (%s)%s", what, msg, where);
		break;
	case SQLITE_READONLY:
		snprintf(out, len, "%s: the database is read-only%s", what, where);
		break;
	default:
		snprintf(out, len, "%s: database error: %s%s", what, msg, where);
	}
}

int
sq_fail(struct store *st, const char *what)
{
	describe(st, what, "", st->why, sizeof st->why);
	log_warnx("store: %s", st->why);
	return ST_ERR;
}

/* ", in "SQL..."": where a failure happened, for a failure of the
 * program or the schema (not for a full disk, a lock or an I/O error,
 * where the statement tells the reader nothing). */
static void
where_in(struct store *st, const char *sql, char *out, size_t len)
{
	switch (sqlite3_extended_errcode(st->db) & 0xff) {
	case SQLITE_FULL: case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_IOERR:
	case SQLITE_READONLY:
		out[0] = '\0';
		break;
	default:
		snprintf(out, len, ", in \"%.150s%s\"", sql, strlen(sql) > 150 ? "..." : "");
	}
}

/* A statement that does not prepare: the reason and the statement. */
static void
fail_prepare(struct store *st, const char *sql)
{
	char where[200];

	where_in(st, sql, where, sizeof where);
	describe(st, "cannot prepare a statement", where, st->why, sizeof st->why);
	log_warnx("store: %s", st->why);
}

/* A statement that fails to run (a cached one may meet a changed schema). */
static void
fail_step(struct store *st, sq_stmt *q, const char *what)
{
	char where[200];
	const char *sql = sqlite3_sql(q->s);

	where_in(st, sql ? sql : "?", where, sizeof where);
	describe(st, what, where, st->why, sizeof st->why);
	log_warnx("store: %s", st->why);
}

/* -- statement cache ------------------------------------------------------ */

size_t
sq_slot_of(const char *sql, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)sql * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 32) & (cap - 1);
}

/* Double the table (or make the first one) and place the entries again. */
int
sq_cache_grow(struct store *st)
{
	size_t cap = st->cachecap ? st->cachecap * 2 : 64, i, j;
	struct sq_slot *t = calloc(cap, sizeof *t);

	if (t == NULL) {
		snprintf(st->why, sizeof st->why, "cannot prepare a statement: out of memory");
		return ST_ERR;
	}
	for (i = 0; i < st->cachecap; i++) {
		if (st->cache[i].sql == NULL)
			continue;
		for (j = sq_slot_of(st->cache[i].sql, cap); t[j].sql; j = (j + 1) & (cap - 1))
			;
		t[j] = st->cache[i];
	}
	free(st->cache);
	st->cache = t;
	st->cachecap = cap;
	return ST_OK;
}

/* The cached statement of a literal, prepared on first use. */
static sq_stmt *
cached(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	size_t i;

	if (st->cachecap) {
		for (i = sq_slot_of(sql, st->cachecap); st->cache[i].sql; i = (i + 1) & (st->cachecap - 1))
			if (st->cache[i].sql == sql)
				return st->cache[i].stmt;
	}
	if ((st->ncache + 1) * 2 > st->cachecap && sq_cache_grow(st) != ST_OK)
		return NULL;
	for (i = sq_slot_of(sql, st->cachecap); st->cache[i].sql; i = (i + 1) & (st->cachecap - 1))
		;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
	    SQLITE_OK) {
		/* Not kept: the next call tries again (a table may come back). */
		fail_prepare(st, sql);
		return NULL;
	}
	if ((st->cache[i].stmt = calloc(1, sizeof *st->cache[i].stmt)) == NULL) {
		sqlite3_finalize(s);
		snprintf(st->why, sizeof st->why, "cannot prepare a statement: out of memory");
		return NULL;
	}
	st->cache[i].stmt->s = s;
	st->cache[i].sql = sql;
	st->ncache++;
	return st->cache[i].stmt;
}

static void
cache_free(struct store *st)
{
	size_t i;

	for (i = 0; i < st->cachecap; i++) {
		if (st->cache[i].stmt == NULL)
			continue;
		sqlite3_finalize(st->cache[i].stmt->s);
		free(st->cache[i].stmt);
	}
	free(st->cache);
	st->cache = NULL;
	st->cachecap = st->ncache = 0;
}

sq_stmt *
sq_prepare(struct store *st, const char *sql)
{
	sq_stmt *s;

	if (st->pg)
		return pg_prepare(st, sql);
	/* Programmer errors: a row function outside store_write/store_read,
	 * or a write inside store_read. */
	if (running != st || st->mode == SQ_NONE)
		fatalx("store: a row function was called outside store_write/store_read");
	if ((s = cached(st, sql)) != NULL && st->mode == SQ_READ && !sqlite3_stmt_readonly(s->s))
		fatalx("store: a write inside store_read: \"%.80s\"", sql);
	return s;
}

/* -- binding and stepping -------------------------------------------------- */

static int
bind_one(sqlite3_stmt *s, int i, char f, va_list *ap)
{
	switch (f) {
	case 'i':
		return sqlite3_bind_int64(s, i, va_arg(*ap, int64_t));
	case 'I': {
		int64_t v = va_arg(*ap, int64_t);
		return v ? sqlite3_bind_int64(s, i, v) : sqlite3_bind_null(s, i);
	}
	case 's':
	case 'S': {
		const char *v = va_arg(*ap, const char *);
		if (v == NULL || (f == 'S' && v[0] == '\0'))
			return sqlite3_bind_null(s, i);
		return sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	}
	case 'c': {
		char c = (char)va_arg(*ap, int);
		return c ? sqlite3_bind_text(s, i, &c, 1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
	}
	case 'b': {
		const unsigned char *v = va_arg(*ap, const unsigned char *);
		return v ? sqlite3_bind_blob(s, i, v, 32, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
	}
	}
	fatalx("store: unknown bind format '%c'", f);
}

sq_stmt *
sq_bind(struct store *st, const char *sql, const char *fmt, ...)
{
	sq_stmt *q;
	va_list ap;
	int i, rc = SQLITE_OK;

	if (st->pg) {
		va_start(ap, fmt);
		q = pg_bind(st, sql, fmt, ap);
		va_end(ap);
		return q;
	}
	if ((q = sq_prepare(st, sql)) == NULL)
		return NULL;
	sqlite3_reset(q->s);
	sqlite3_clear_bindings(q->s);
	va_start(ap, fmt);
	for (i = 0; fmt[i] && rc == SQLITE_OK; i++)
		rc = bind_one(q->s, i + 1, fmt[i], &ap);
	va_end(ap);
	if (rc != SQLITE_OK) {
		sq_fail(st, "cannot bind a value");
		return NULL;
	}
	return q;
}

int
sq_exec(struct store *st, sq_stmt *q, const char *what)
{
	int rc;

	if (st->pg)
		return pg_exec(st, q);
	if (q == NULL)
		return ST_ERR;
	while ((rc = sqlite3_step(q->s)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		fail_step(st, q, what);
	sqlite3_reset(q->s);
	return rc == SQLITE_DONE ? ST_OK : ST_ERR;
}

int
sq_row(struct store *st, sq_stmt *q, const char *what)
{
	int rc;

	if (st->pg)
		return pg_row(st, q);
	if (q == NULL)
		return ST_ERR;
	if ((rc = sqlite3_step(q->s)) == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		fail_step(st, q, what);
	sqlite3_reset(q->s);
	return rc == SQLITE_DONE ? 0 : ST_ERR;
}

int
sq_int(struct store *st, sq_stmt *q, int64_t dflt, int64_t *out, const char *what)
{
	int rc = sq_row(st, q, what);

	*out = dflt;
	if (rc == 1) {
		if (!sq_col_null(q, 0))
			*out = sq_col_int64(q, 0);
		sq_done(q);
	}
	return rc < 0 ? ST_ERR : ST_OK;
}

int
sq_changes(struct store *st)
{
	return st->pg ? pg_changes(st) : sqlite3_changes(st->db);
}

void
sq_text(sq_stmt *q, int col, char *out, size_t len)
{
	const char *t = sq_col_text(q, col);
	snprintf(out, len, "%s", t ? t : "");
}

char
sq_char(sq_stmt *q, int col)
{
	const char *t = sq_col_text(q, col);
	return t ? t[0] : 0;
}

int
sq_col_int(sq_stmt *q, int col)
{
	return q->pg ? (int)pg_col_int64(q, col) : sqlite3_column_int(q->s, col);
}

int64_t
sq_col_int64(sq_stmt *q, int col)
{
	return q->pg ? pg_col_int64(q, col) : sqlite3_column_int64(q->s, col);
}

int
sq_col_null(sq_stmt *q, int col)
{
	return q->pg ? pg_col_null(q, col) : sqlite3_column_type(q->s, col) == SQLITE_NULL;
}

const char *
sq_col_text(sq_stmt *q, int col)
{
	return q->pg ? pg_col_text(q, col) : (const char *)sqlite3_column_text(q->s, col);
}

int
sq_col_blob32(sq_stmt *q, int col, unsigned char out[32])
{
	const void *b;

	if (q->pg)
		return pg_col_blob32(q, col, out);
	b = sqlite3_column_blob(q->s, col);
	if (b == NULL || sqlite3_column_bytes(q->s, col) != 32)
		return 0;
	memcpy(out, b, 32);
	return 1;
}

void
sq_done(sq_stmt *q)
{
	if (q && q->pg)
		pg_done(q);
	else if (q)
		sqlite3_reset(q->s);
}

/* -- open, migrate, back up ------------------------------------------------ */

static int
schema_version(struct store *st)
{
	sqlite3_stmt *s;
	int version = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return version;
}

static int
migrate(struct store *st, const char *path, char *err, size_t errlen)
{
	int version, i;
	char *msg = NULL;

	if ((version = schema_version(st)) < 0) {
		sq_fail(st, path);
		return errf(err, errlen, "%s", st->why);
	}
	for (i = version; i < NMIGRATIONS; i++) {
		char pragma[48];
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
			sq_fail(st, path);
			return errf(err, errlen, "%s", st->why);
		}
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
		if (sqlite3_exec(st->db, migrations[i], NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(st->db, pragma, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(st->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			errf(err, errlen, "%s: migration %d failed: %s", path, i + 1, msg ? msg : "?");
			sqlite3_free(msg);
			if (!sqlite3_get_autocommit(st->db))
				sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return ST_ERR;
		}
		log_info("store: %s migrated to schema %d", path, i + 1);
	}
	return ST_OK;
}

/* quick_check before anything writes, and the schema version: a damaged
 * file or one from a newer program is left exactly as it is. */
static int
check_file(struct store *st, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	char check[256] = "";
	int v;

	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &s, NULL) != SQLITE_OK)
		return errf(err, errlen, "%s: not a usable database: %s", path, sqlite3_errmsg(st->db));
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(check, sizeof check, "%s", (const char *)sqlite3_column_text(s, 0));
	else
		snprintf(check, sizeof check, "%s", sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	if (strcmp(check, "ok") != 0)
		return errf(err, errlen, "%s: the database failed its integrity check (%s); it was "
		    "left untouched: restore a backup (kiosk admin backup) or move it away", path, check);
	if ((v = schema_version(st)) > NMIGRATIONS)
		return errf(err, errlen, "%s: the database is from a newer version of kiosk (schema "
		    "%d, this program knows %d); it was left untouched", path, v, NMIGRATIONS);
	return ST_OK;
}

/* A handle on its own connection, with its locks. */
static struct store *
handle_new(void)
{
	struct store *st = calloc(1, sizeof *st);

	if (st == NULL)
		return NULL;
	pthread_mutex_init(&st->lock, NULL);
	pthread_mutex_init(&st->gc_lock, NULL);
	pthread_cond_init(&st->gc_cond, NULL);
	pthread_mutex_init(&st->rd_lock, NULL);
	pthread_cond_init(&st->rd_cond, NULL);
	pthread_mutex_init(&st->hl_lock, NULL);
	st->gc_tail = &st->gc_head;
	return st;
}

/* The read-only connections (after the migrations: they see the schema). */
static int
open_readers(struct store *st, const char *path, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < SQ_READERS; i++) {
		struct store *r = handle_new();
		if ((st->readers[i] = r) == NULL)
			return errf(err, errlen, "out of memory");
		if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
		    NULL) != SQLITE_OK)
			return errf(err, errlen, "%s: cannot open the database: %s", path,
			    r->db ? sqlite3_errmsg(r->db) : "out of memory");
		sqlite3_busy_timeout(r->db, 3000);
		sqlite3_extended_result_codes(r->db, 1);
		/* A small page cache each: the writer's holds the hot pages. */
		sqlite3_exec(r->db, "PRAGMA cache_size = -1024", NULL, NULL, NULL);
		st->rd_free |= 1u << i;
	}
	return ST_OK;
}

/*
 * Process-wide SQLite settings, before its first use: every connection is
 * used by one thread at a time under our own locks (NOMUTEX), and SQLite's
 * memory statistics, which nothing reads, would take one global mutex on
 * every allocation of every connection.
 */
static void
configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct store *st;

	pthread_once(&once, configure);

	if (sodium_init() < 0) {
		errf(err, errlen, "libsodium failed to initialise");
		return NULL;
	}
	if (pg_is_url(path))
		return pg_open(path, handle_new, err, errlen);
	if (make_private(path, err, errlen) != ST_OK)
		return NULL;
	if ((st = handle_new()) == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		errf(err, errlen, "%s: cannot open the database: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 3000);
	sqlite3_extended_result_codes(st->db, 1);
	if (check_file(st, path, err, errlen) != ST_OK)
		goto fail;
	/* secure_delete: deleted holder data is overwritten, not left in free pages. */
	if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;", NULL, NULL, NULL) != SQLITE_OK) {
		sq_fail(st, path);
		errf(err, errlen, "%s", st->why);
		goto fail;
	}
	if (migrate(st, path, err, errlen) != ST_OK || open_readers(st, path, err, errlen) != ST_OK ||
	    sq_health_init(st, path, err, errlen) != ST_OK)
		goto fail;
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	int i;

	if (st == NULL)
		return;
	if (st->pg)
		pg_listen_stop(st);
	for (i = 0; i < SQ_CONNS; i++)
		store_close(st->readers[i]);
	if (st->pg) {
		pg_close(st);
	} else {
		cache_free(st);
		sqlite3_close(st->db);
	}
	pthread_cond_destroy(&st->gc_cond);
	pthread_mutex_destroy(&st->gc_lock);
	pthread_cond_destroy(&st->rd_cond);
	pthread_mutex_destroy(&st->rd_lock);
	pthread_mutex_destroy(&st->lock);
	pthread_mutex_destroy(&st->hl_lock);
	free(st->path);
	free(st);
}

int
store_backup(struct store *st, const char *dest, char *err, size_t errlen)
{
	sqlite3 *to;
	sqlite3_backup *b;
	int rc;

	expect(running != st);
	if (st->pg)
		return errf(err, errlen, "the database is on PostgreSQL: back it up with "
		    "pg_basebackup or pgBackRest (INSTALL.md)");
	if (make_private(dest, err, errlen) != ST_OK)
		return ST_ERR;
	if (sqlite3_open(dest, &to) != SQLITE_OK) {
		errf(err, errlen, "%s: %s", dest, sqlite3_errmsg(to));
		sqlite3_close(to);
		return ST_ERR;
	}
	pthread_mutex_lock(&st->lock);
	b = sqlite3_backup_init(to, "main", st->db, "main");
	pthread_mutex_unlock(&st->lock);
	if (b == NULL) {
		errf(err, errlen, "%s: %s", dest, sqlite3_errmsg(to));
		sqlite3_close(to);
		return ST_ERR;
	}
	/*
	 * Copy in steps, taking the connection for each step only: the server
	 * goes on meanwhile. Its own writes go into the copy as they happen;
	 * another process's writes restart it.
	 */
	do {
		pthread_mutex_lock(&st->lock);
		rc = sqlite3_backup_step(b, 256);
		pthread_mutex_unlock(&st->lock);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	pthread_mutex_lock(&st->lock);
	sqlite3_backup_finish(b);
	pthread_mutex_unlock(&st->lock);
	if (rc != SQLITE_DONE) {
		errf(err, errlen, "%s: backup failed: %s", dest, sqlite3_errmsg(to));
		sqlite3_close(to);
		return ST_ERR;
	}
	/*
	 * No day key leaves the server: without it the copy's holder hashes
	 * can no longer be tested against a document number (docs/PRIVACY.md).
	 * The journal is kept in memory and secure_delete overwrites the key's
	 * bytes, so no file ever holds the deleted key. The copy is a single
	 * file (not WAL); a server that opens it turns WAL back on.
	 */
	if (sqlite3_exec(to, "PRAGMA journal_mode=MEMORY; PRAGMA secure_delete=ON;"
	    "DELETE FROM day_keys;", NULL, NULL, NULL) != SQLITE_OK) {
		errf(err, errlen, "%s: cannot remove the day keys from the backup: %s", dest,
		    sqlite3_errmsg(to));
		sqlite3_close(to);
		return ST_ERR;
	}
	if (sqlite3_close(to) != SQLITE_OK)
		return errf(err, errlen, "%s: cannot close the backup", dest);
	return ST_OK;
}

int
store_compact(struct store *st)
{
	int rc = ST_OK;

	expect(running != st);
	if (st->pg)
		return ST_OK;   /* PostgreSQL's own VACUUM reclaims the space */
	pthread_mutex_lock(&st->lock);
	/* Deleted pages must not linger in the WAL either. */
	if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) !=
	    SQLITE_OK)
		rc = sq_fail(st, "WAL checkpoint deferred");
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/* -- transactions ------------------------------------------------------------ */

/* Run a transaction control statement (cached). */
static int
tx(struct store *st, const char *sql, const char *what)
{
	sq_stmt *s = cached(st, sql);
	return s ? sq_exec(st, s, what) : ST_ERR;
}

static void
give_reason(char *err, size_t errlen, const char *why, const char *dflt)
{
	errf(err, errlen, "%s", why[0] ? why : dflt);
}

/* Run one request under its own savepoint. Returns 0 when the batch's
 * transaction goes on, -1 when it is over (the reason in `reason`). */
static int
run_one(struct store *st, struct sq_req *r, char *reason, size_t len)
{
	st->why[0] = '\0';
	if (tx(st, "SAVEPOINT request", "cannot start a savepoint") != ST_OK) {
		r->rc = ST_ERR;
		snprintf(reason, len, "%s", st->why);
		return -1;
	}
	r->ran = 1;
	r->rc = r->fn(st, r->arg);
	/* Its own failure: the reason, if the storage gave one (else fn's). */
	if (r->rc == ST_ERR && st->why[0])
		errf(r->err, r->errlen, "%s", st->why);
	/* A full disk or an I/O error may have ended the whole transaction. */
	if (sqlite3_get_autocommit(st->db)) {
		snprintf(reason, len, "%s", st->why[0] ? st->why :
		    "the transaction was aborted by a storage error");
		return -1;
	}
	if ((r->rc == ST_ERR && tx(st, "ROLLBACK TO request", "cannot undo a change") != ST_OK) ||
	    tx(st, "RELEASE request", "cannot release a savepoint") != ST_OK) {
		snprintf(reason, len, "%s", st->why);
		return -1;
	}
	return 0;
}

/*
 * Run a batch of requests in one transaction: one fsync for all. Each
 * request runs under its own savepoint, so ST_ERR undoes only its own
 * changes. If the transaction itself fails (BEGIN, a storage error that
 * ends it, COMMIT), every request of the batch fails: nothing was kept.
 */
static void
run_batch(struct store *st, struct sq_req *batch)
{
	struct sq_req *r;
	char reason[sizeof st->why] = "";
	int ok = 1;

	pthread_mutex_lock(&st->lock);
	st->mode = SQ_WRITE;
	running = st;
	if (tx(st, "BEGIN IMMEDIATE", "cannot start a transaction") != ST_OK) {
		ok = 0;
		snprintf(reason, sizeof reason, "%s", st->why);
	}
	for (r = batch; r && ok; r = r->next)
		if (run_one(st, r, reason, sizeof reason) != 0)
			ok = 0;
	if (ok && tx(st, "COMMIT", "cannot commit") != ST_OK) {
		ok = 0;
		snprintf(reason, sizeof reason, "%s", st->why);
	}
	sq_health_note(st, ok, reason);
	if (!ok) {
		if (!sqlite3_get_autocommit(st->db))
			tx(st, "ROLLBACK", "cannot roll back");
		/* The ones that ran lost their changes; the others never ran. */
		for (r = batch; r; r = r->next) {
			if (r->rc != ST_ERR || !r->ran)
				give_reason(r->err, r->errlen, reason, "the transaction failed");
			r->rc = ST_ERR;
		}
	}
	running = NULL;
	st->mode = SQ_NONE;
	pthread_mutex_unlock(&st->lock);
}

int
store_shared(const struct store *st)
{
	return st->pg;
}

int
store_notify(struct store *st, const char *msg)
{
	return st->pg ? pg_notify(st, msg) : ST_OK;
}

int
store_listen(struct store *st, store_heard_fn fn, void *arg, char *err, size_t errlen)
{
	return st->pg ? pg_listen(st, fn, arg, err, errlen) : ST_OK;
}

void
store_unlisten(struct store *st)
{
	if (st->pg)
		pg_listen_stop(st);
}

int
store_write(struct store *st, store_fn fn, void *arg, char *err, size_t errlen)
{
	struct sq_req req = { fn, arg, err, errlen, ST_ERR, 0, 0, NULL };
	struct sq_req *batch, *r, *next;

	if (running != NULL)
		fatalx("store: store_write called from inside a store function");
	if (st->pg)
		return pg_write(st, fn, arg, err, errlen, 1);
	pthread_mutex_lock(&st->gc_lock);
	*st->gc_tail = &req;
	st->gc_tail = &req.next;
	st->gc_queued++;
	while (!req.done && st->gc_leader)
		pthread_cond_wait(&st->gc_cond, &st->gc_lock);
	if (!req.done) {
		/* No batch running: lead one with everything queued so far.
		 * Those arriving meanwhile form the next batch. */
		st->gc_leader = 1;
		batch = st->gc_head;
		st->gc_head = NULL;
		st->gc_tail = &st->gc_head;
		st->gc_queued = 0;
		pthread_mutex_unlock(&st->gc_lock);
		run_batch(st, batch);
		pthread_mutex_lock(&st->gc_lock);
		for (r = batch; r; r = next) {
			next = r->next;   /* r may go away as soon as it is marked done */
			r->done = 1;
		}
		st->gc_leader = 0;
		pthread_cond_broadcast(&st->gc_cond);
	}
	pthread_mutex_unlock(&st->gc_lock);
	return req.rc;
}

/* Take a free reader, waiting for one if they are all busy. */
struct store *
sq_reader_take(struct store *st, int *slot)
{
	pthread_mutex_lock(&st->rd_lock);
	while (st->rd_free == 0)
		pthread_cond_wait(&st->rd_cond, &st->rd_lock);
	*slot = __builtin_ctz(st->rd_free);
	st->rd_free &= ~(1u << *slot);
	pthread_mutex_unlock(&st->rd_lock);
	return st->readers[*slot];
}

void
sq_reader_give(struct store *st, int slot)
{
	pthread_mutex_lock(&st->rd_lock);
	st->rd_free |= 1u << slot;
	pthread_cond_signal(&st->rd_cond);
	pthread_mutex_unlock(&st->rd_lock);
}

static int read_on(struct store *st, store_fn fn, void *arg, char *err, size_t errlen);

int
store_read(struct store *st, store_fn fn, void *arg, char *err, size_t errlen)
{
	struct store *r;
	int slot, rc;

	if (running != NULL)
		fatalx("store: store_read called from inside a store function");
	if (st->pg)
		return pg_write(st, fn, arg, err, errlen, 0);
	if (st->readers[0] == NULL)
		return read_on(st, fn, arg, err, errlen);
	r = sq_reader_take(st, &slot);
	rc = read_on(r, fn, arg, err, errlen);
	sq_reader_give(st, slot);
	return rc;
}

/* One read transaction on one connection. */
static int
read_on(struct store *st, store_fn fn, void *arg, char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&st->lock);
	st->mode = SQ_READ;
	running = st;
	st->why[0] = '\0';
	/* Deferred: the snapshot is taken at the first read and kept to COMMIT. */
	if (tx(st, "BEGIN", "cannot start a transaction") != ST_OK) {
		rc = ST_ERR;
		errf(err, errlen, "%s", st->why);
		goto out;
	}
	rc = fn(st, arg);
	if (rc == ST_ERR && st->why[0])
		errf(err, errlen, "%s", st->why);
	if (!sqlite3_get_autocommit(st->db) && tx(st, "COMMIT", "cannot end a read") != ST_OK) {
		if (rc != ST_ERR)
			errf(err, errlen, "%s", st->why);
		rc = ST_ERR;
		if (!sqlite3_get_autocommit(st->db))
			tx(st, "ROLLBACK", "cannot roll back");
	}
out:
	running = NULL;
	st->mode = SQ_NONE;
	pthread_mutex_unlock(&st->lock);
	return rc;
}
