/*
 * store: see store.h. All SQL of the project is here, as prepared
 * statements kept in a small cache keyed by the SQL literal's address.
 *
 * Concurrency: one connection, one mutex. The server's threads queue on the
 * mutex; the database's own lock (BEGIN IMMEDIATE, busy timeout) protects
 * against a second process such as `kiosk admin` or a second server.
 * Durability: WAL with synchronous=FULL, so each COMMIT is on disk before
 * the function returns.
 */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/queue.h"
#include "store/store.h"

#include "migrations.inc"   /* generated from the db/ files: `migrations[]` */

#define NCACHE 96

struct issue_req;

struct store {
	sqlite3 *db;                    /* the one connection */
	pthread_mutex_t lock;           /* held by every public function */
	pthread_mutex_t gc_lock;        /* guards the group-commit queue below */
	pthread_cond_t gc_cond;         /* a batch was committed */
	struct issue_req *gc_head;      /* issue requests waiting for a batch */
	struct issue_req **gc_tail;     /* where the next request goes */
	int gc_leader;                  /* a thread is running a batch */
	struct {
		const char *sql;        /* literal's address is the key */
		sqlite3_stmt *stmt;     /* prepared once, reset after use */
	} cache[NCACHE];
};

/* -- plumbing ------------------------------------------------------------ */

static int
db_fail(struct store *st, char *err, size_t errlen, const char *what)
{
	int rc = sqlite3_extended_errcode(st->db);

	switch (rc & 0xff) {
	case SQLITE_FULL:
		errf(err, errlen, "%s: the disk is full", what);
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		errf(err, errlen, "%s: the database is locked by another process", what);
		break;
	case SQLITE_IOERR:
		errf(err, errlen, "%s: disk I/O error (%s)", what, sqlite3_errmsg(st->db));
		break;
	case SQLITE_READONLY:
		errf(err, errlen, "%s: the database is read-only", what);
		break;
	default:
		errf(err, errlen, "%s: database error: %s", what, sqlite3_errmsg(st->db));
	}
	log_warnx("store: %s", err ? err : what);
	return ST_ERR;
}

static sqlite3_stmt *
q(struct store *st, const char *sql)
{
	int i;

	for (i = 0; i < NCACHE && st->cache[i].sql; i++)
		if (st->cache[i].sql == sql)
			return st->cache[i].stmt;
	expect(i < NCACHE);
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st->cache[i].stmt, NULL) != SQLITE_OK)
		fatalx("store: cannot prepare \"%s\": %s", sql, sqlite3_errmsg(st->db));
	st->cache[i].sql = sql;
	return st->cache[i].stmt;
}

/* Bind by position from a format: i = int64, s = text (NULL binds NULL), c = one char. */
static sqlite3_stmt *
bindv(struct store *st, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *s = q(st, sql);
	va_list ap;
	int i;

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	va_start(ap, fmt);
	for (i = 0; fmt[i]; i++) {
		if (fmt[i] == 'i') {
			sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
		} else if (fmt[i] == 's') {
			const char *v = va_arg(ap, const char *);
			if (v)
				sqlite3_bind_text(s, i + 1, v, -1, SQLITE_TRANSIENT);
		} else if (fmt[i] == 'c') {
			char c = (char)va_arg(ap, int);
			sqlite3_bind_text(s, i + 1, &c, 1, SQLITE_TRANSIENT);
		}
	}
	va_end(ap);
	return s;
}

/* Run a statement that returns no row (or whose rows are ignored). */
static int
exec(struct store *st, sqlite3_stmt *s)
{
	int rc;
	(void)st;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* First column of the first row as an integer; `dflt` if no row. -1 on error via *failed. */
static int64_t
scalar(struct store *st, sqlite3_stmt *s, int64_t dflt, int *failed)
{
	int rc = sqlite3_step(s);
	int64_t v = dflt;

	(void)st;
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		*failed = 1;
	sqlite3_reset(s);
	return v;
}

static void
col_text(sqlite3_stmt *s, int i, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(out, len, "%s", t ? (const char *)t : "");
}

static int
begin(struct store *st, char *err, size_t errlen)
{
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(st, err, errlen, "cannot start a transaction");
	return 0;
}

static int
commit(struct store *st, char *err, size_t errlen)
{
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(st, err, errlen, "cannot commit");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return ST_ERR;
	}
	return 0;
}

static void
rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

#define LOCK(st)   pthread_mutex_lock(&(st)->lock)
#define UNLOCK(st) pthread_mutex_unlock(&(st)->lock)

/* Take the lock and open a write transaction; on failure nothing is held. */
static int
tx_begin(struct store *st, char *err, size_t errlen)
{
	LOCK(st);
	if (begin(st, err, errlen)) {
		UNLOCK(st);
		return ST_ERR;
	}
	return ST_OK;
}

/* Commit when rc is ST_OK (a failed commit becomes ST_ERR), else roll
 * back; release the lock. Returns the final rc. */
static int
tx_end(struct store *st, int rc, char *err, size_t errlen)
{
	if (rc == ST_OK && commit(st, err, errlen))
		rc = ST_ERR;
	else if (rc != ST_OK)
		rollback(st);
	UNLOCK(st);
	return rc;
}

/* -- open, migrate, back up ---------------------------------------------- */

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
	int version = 0, n = (int)(sizeof migrations / sizeof migrations[0]), i;
	char *msg = NULL;

	if ((version = schema_version(st)) < 0)
		return db_fail(st, err, errlen, path);
	for (i = version; i < n; i++) {
		char pragma[48];
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			return db_fail(st, err, errlen, path);
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
		if (sqlite3_exec(st->db, migrations[i], NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(st->db, pragma, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(st->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			errf(err, errlen, "%s: migration %d failed: %s", path, i + 1, msg ? msg : "?");
			sqlite3_free(msg);
			rollback(st);
			return ST_ERR;
		}
		log_info("store: %s migrated to schema %d", path, i + 1);
	}
	return 0;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store *st;
	sqlite3_stmt *s;
	char check[256] = "";

	if (sodium_init() < 0) {
		errf(err, errlen, "libsodium failed to initialise");
		return NULL;
	}
	if ((st = calloc(1, sizeof *st)) == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&st->lock, NULL);
	pthread_mutex_init(&st->gc_lock, NULL);
	pthread_cond_init(&st->gc_cond, NULL);
	st->gc_tail = &st->gc_head;
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		errf(err, errlen, "%s: cannot open the database: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 3000);
	sqlite3_extended_result_codes(st->db, 1);
	/* quick_check before anything writes: a damaged file is left as it is. */
	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &s, NULL) != SQLITE_OK) {
		errf(err, errlen, "%s: not a usable database: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		col_text(s, 0, check, sizeof check);
	else
		snprintf(check, sizeof check, "%s", sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	if (strcmp(check, "ok") != 0) {
		errf(err, errlen, "%s: the database failed its integrity check (%s); it was left "
		    "untouched: restore a backup (kiosk admin backup) or move it away", path, check);
		goto fail;
	}
	/* Refuse a newer schema before anything (even the WAL switch) writes. */
	{
		int v = schema_version(st), known = (int)(sizeof migrations / sizeof migrations[0]);
		if (v > known) {
			errf(err, errlen, "%s: the database is from a newer version of kiosk (schema %d, "
			    "this program knows %d); it was left untouched", path, v, known);
			goto fail;
		}
	}
	/* secure_delete: deleted holder data is overwritten, not left in free pages. */
	if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
	    "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(st, err, errlen, path);
		goto fail;
	}
	if (migrate(st, path, err, errlen) != 0)
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
	for (i = 0; i < NCACHE; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close(st->db);
	pthread_cond_destroy(&st->gc_cond);
	pthread_mutex_destroy(&st->gc_lock);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

int
store_backup(struct store *st, const char *dest, char *err, size_t errlen)
{
	sqlite3 *to;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open(dest, &to) != SQLITE_OK) {
		errf(err, errlen, "%s: %s", dest, sqlite3_errmsg(to));
		sqlite3_close(to);
		return ST_ERR;
	}
	LOCK(st);
	b = sqlite3_backup_init(to, "main", st->db, "main");
	if (b == NULL) {
		errf(err, errlen, "%s: %s", dest, sqlite3_errmsg(to));
		UNLOCK(st);
		sqlite3_close(to);
		return ST_ERR;
	}
	/* Copy in steps so a running server is never held up for long. */
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			UNLOCK(st);
			sqlite3_sleep(20);
			LOCK(st);
		}
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	UNLOCK(st);
	if (rc != SQLITE_DONE) {
		errf(err, errlen, "%s: backup failed: %s", dest, sqlite3_errmsg(to));
		sqlite3_close(to);
		return ST_ERR;
	}
	rc = sqlite3_close(to);
	return rc == SQLITE_OK ? 0 : errf(err, errlen, "%s: cannot close the backup", dest);
}

/* -- site ---------------------------------------------------------------- */

static void
hours_text(const struct site *s, char *out, size_t len)
{
	size_t off = 0;
	int d;

	for (d = 0; d < 7; d++) {
		const struct site_hours *h = &s->hours[d];
		if (h->open_min < 0)
			off += snprintf(out + off, len - off, "%sclosed", d ? " " : "");
		else
			off += snprintf(out + off, len - off, "%s%02d%02d-%02d%02d", d ? " " : "",
			    h->open_min / 60, h->open_min % 60, h->close_min / 60, h->close_min % 60);
	}
}

static int audit_in_tx(struct store *st, int64_t now, const char *actor, const char *action,
    const char *detail);

int
store_apply_site(struct store *st, const struct site *s, const char *actor, int64_t now,
    char *err, size_t errlen)
{
	char hours[128], alerts[80], privacy[40];
	int i, j;

	hours_text(s, hours, sizeof hours);
	snprintf(alerts, sizeof alerts, "%d %d %d %d %d", s->alerts.burst_per_minute,
	    s->alerts.holder_refusals, s->alerts.outside_hours, s->alerts.reprints_per_hour,
	    s->alerts.paper_ratio);
	snprintf(privacy, sizeof privacy, "%d %d", s->privacy.events_months, s->privacy.holder_days);
	LOCK(st);
	if (begin(st, err, errlen))
		goto fail;
	if (exec(st, bindv(st, "INSERT INTO site (one, site_id, name, tz, hours, max_recalls, "
	    "priority_streak, reprint_limit, default_service_s, tls_cert, tls_key) "
	    "VALUES (1,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (one) DO UPDATE SET site_id=excluded.site_id, "
	    "name=excluded.name, tz=excluded.tz, hours=excluded.hours, max_recalls=excluded.max_recalls, "
	    "priority_streak=excluded.priority_streak, reprint_limit=excluded.reprint_limit, "
	    "default_service_s=excluded.default_service_s, tls_cert=excluded.tls_cert, "
	    "tls_key=excluded.tls_key", "ssssiiiiss", s->id, s->name, s->tz, hours,
	    (int64_t)s->max_recalls, (int64_t)s->priority_streak, (int64_t)s->reprint_limit,
	    (int64_t)s->default_service_s, s->tls_cert, s->tls_key)) ||
	    exec(st, bindv(st, "UPDATE site SET alerts = ?, privacy = ?", "ss", alerts, privacy)) ||
	    exec(st, q(st, "UPDATE services SET active = 0")) ||
	    exec(st, q(st, "DELETE FROM service_names")) ||
	    exec(st, q(st, "UPDATE counters SET active = 0")))
		goto dbfail;
	for (i = 0; i < s->nservices; i++) {
		const struct site_service *sv = &s->services[i];
		if (exec(st, bindv(st, "INSERT INTO services (code, name, capacity, priority_reserve, "
		    "bind_holder, position, active) VALUES (?,?,?,?,?,?,1) ON CONFLICT (code) DO UPDATE "
		    "SET name=excluded.name, capacity=excluded.capacity, priority_reserve="
		    "excluded.priority_reserve, bind_holder=excluded.bind_holder, position="
		    "excluded.position, active=1", "csiiii", sv->code, sv->name, (int64_t)sv->capacity,
		    (int64_t)sv->priority_reserve, (int64_t)sv->bind_holder, (int64_t)i)))
			goto dbfail;
		for (j = 0; j < sv->nnames; j++)
			if (exec(st, bindv(st, "INSERT INTO service_names (code, lang, name) VALUES (?,?,?)",
			    "css", sv->code, sv->names[j].lang, sv->names[j].name)))
				goto dbfail;
	}
	for (i = 0; i < s->ncounters; i++) {
		const struct site_counter *c = &s->counters[i];
		if (exec(st, bindv(st, "INSERT INTO counters (n, name, services, active) VALUES (?,?,?,1) "
		    "ON CONFLICT (n) DO UPDATE SET name=excluded.name, services=excluded.services, active=1",
		    "iss", (int64_t)c->n, c->name, c->services)))
			goto dbfail;
	}
	{
		char detail[200];
		snprintf(detail, sizeof detail, "site %s: %d services, %d counters", s->id, s->nservices,
		    s->ncounters);
		if (audit_in_tx(st, now, actor, "config_change", detail))
			goto dbfail;
	}
	if (commit(st, err, errlen))
		goto fail;
	UNLOCK(st);
	return 0;
dbfail:
	db_fail(st, err, errlen, "cannot store the site");
	rollback(st);
fail:
	UNLOCK(st);
	return ST_ERR;
}

int
store_load_site(struct store *st, struct site *out, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	char hours[128];
	int rc = ST_ERR, d;
	char *tok, *save;

	memset(out, 0, sizeof *out);
	LOCK(st);
	s = bindv(st, "SELECT site_id, name, tz, hours, max_recalls, priority_streak, reprint_limit, "
	    "default_service_s, tls_cert, tls_key, alerts, privacy FROM site", "");
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_reset(s);
		UNLOCK(st);
		if (rc == SQLITE_DONE)
			return errf(err, errlen, "the database has no site yet: run "
			    "'kiosk admin --db FILE init --site SITE.ini'"), ST_NOTFOUND;
		return db_fail(st, err, errlen, "cannot read the site");
	}
	col_text(s, 0, out->id, sizeof out->id);
	col_text(s, 1, out->name, sizeof out->name);
	col_text(s, 2, out->tz, sizeof out->tz);
	out->max_recalls = sqlite3_column_int(s, 4);
	out->priority_streak = sqlite3_column_int(s, 5);
	out->reprint_limit = sqlite3_column_int(s, 6);
	out->default_service_s = sqlite3_column_int(s, 7);
	col_text(s, 8, out->tls_cert, sizeof out->tls_cert);
	col_text(s, 9, out->tls_key, sizeof out->tls_key);
	col_text(s, 10, hours, sizeof hours);
	sscanf(hours, "%d %d %d %d %d", &out->alerts.burst_per_minute, &out->alerts.holder_refusals,
	    &out->alerts.outside_hours, &out->alerts.reprints_per_hour, &out->alerts.paper_ratio);
	col_text(s, 11, hours, sizeof hours);
	sscanf(hours, "%d %d", &out->privacy.events_months, &out->privacy.holder_days);
	col_text(s, 3, hours, sizeof hours);
	sqlite3_reset(s);
	for (d = 0, tok = strtok_r(hours, " ", &save); d < 7; d++, tok = strtok_r(NULL, " ", &save)) {
		int a, b, c, e;
		out->hours[d].open_min = out->hours[d].close_min = -1;
		if (tok && sscanf(tok, "%2d%2d-%2d%2d", &a, &b, &c, &e) == 4) {
			out->hours[d].open_min = a * 60 + b;
			out->hours[d].close_min = c * 60 + e;
		}
	}
	s = q(st, "SELECT code, name, capacity, priority_reserve, bind_holder FROM services "
	    "WHERE active ORDER BY position");
	while (sqlite3_step(s) == SQLITE_ROW && out->nservices < SITE_MAX_SERVICES) {
		struct site_service *sv = &out->services[out->nservices++];
		sv->code = (char)sqlite3_column_text(s, 0)[0];
		col_text(s, 1, sv->name, sizeof sv->name);
		sv->capacity = sqlite3_column_int(s, 2);
		sv->priority_reserve = sqlite3_column_int(s, 3);
		sv->bind_holder = sqlite3_column_int(s, 4);
	}
	sqlite3_reset(s);
	s = q(st, "SELECT code, lang, name FROM service_names ORDER BY code, lang");
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct site_service *sv = (struct site_service *)site_service(out,
		    (char)sqlite3_column_text(s, 0)[0]);
		if (sv && sv->nnames < SITE_MAX_NAMES) {
			col_text(s, 1, sv->names[sv->nnames].lang, sizeof sv->names[0].lang);
			col_text(s, 2, sv->names[sv->nnames].name, sizeof sv->names[0].name);
			sv->nnames++;
		}
	}
	sqlite3_reset(s);
	s = q(st, "SELECT n, name, services FROM counters WHERE active ORDER BY n");
	while (sqlite3_step(s) == SQLITE_ROW && out->ncounters < SITE_MAX_COUNTERS) {
		struct site_counter *c = &out->counters[out->ncounters++];
		c->n = sqlite3_column_int(s, 0);
		col_text(s, 1, c->name, sizeof c->name);
		col_text(s, 2, c->services, sizeof c->services);
	}
	sqlite3_reset(s);
	UNLOCK(st);
	return 0;
}

/* -- tickets ------------------------------------------------------------- */

#define TICKET_COLS "t.id, t.day, t.service, t.queue, t.number, t.lang, t.priority, t.state, " \
	"t.issued_at, t.called_at, t.finished_at, t.counter, t.agent, t.recalls, t.outcome, " \
	"t.device, t.token, t.print_state, t.print_reason, t.reprints, " \
	"(SELECT name FROM counters WHERE n = t.counter), t.holder_mask"

static void
ticket_row(sqlite3_stmt *s, struct ticket *t)
{
	char buf[16];

	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(s, 0);
	col_text(s, 1, t->day, sizeof t->day);
	col_text(s, 2, buf, sizeof buf);
	t->service = buf[0];
	col_text(s, 3, buf, sizeof buf);
	t->queue = buf[0];
	col_text(s, 4, t->number, sizeof t->number);
	col_text(s, 5, t->lang, sizeof t->lang);
	t->priority = sqlite3_column_int(s, 6);
	col_text(s, 7, buf, sizeof buf);
	t->state = queue_state_parse(buf);
	t->issued_at = sqlite3_column_int64(s, 8);
	t->called_at = sqlite3_column_int64(s, 9);
	t->finished_at = sqlite3_column_int64(s, 10);
	t->counter = sqlite3_column_int(s, 11);
	col_text(s, 12, t->agent, sizeof t->agent);
	t->recalls = sqlite3_column_int(s, 13);
	col_text(s, 14, t->outcome, sizeof t->outcome);
	col_text(s, 15, t->device, sizeof t->device);
	col_text(s, 16, t->token, sizeof t->token);
	col_text(s, 17, t->print_state, sizeof t->print_state);
	col_text(s, 18, t->print_reason, sizeof t->print_reason);
	t->reprints = sqlite3_column_int(s, 19);
	col_text(s, 20, t->counter_name, sizeof t->counter_name);
	col_text(s, 21, t->holder_mask, sizeof t->holder_mask);
}

/* Average service time of the last served tickets of a queue, or the default. */
static int
service_time(struct store *st, const struct site *site, const char *day, char queue)
{
	int failed = 0;
	int64_t avg = scalar(st, bindv(st, "SELECT AVG(d) FROM (SELECT finished_at - called_at AS d "
	    "FROM tickets WHERE day = ? AND queue = ? AND state = 'served' AND called_at > 0 "
	    "ORDER BY finished_at DESC LIMIT 20)", "sc", day, queue), 0, &failed);
	return avg > 0 ? (int)avg : site->default_service_s;
}

static int
open_counters(struct store *st, char queue)
{
	int failed = 0;
	char like[4] = { '%', queue, '%', 0 };
	return (int)scalar(st, bindv(st, "SELECT COUNT(*) FROM counters WHERE active AND "
	    "state = 'open' AND services LIKE ?", "s", like), 0, &failed);
}

/* People waiting in a queue today with a given priority (kept by triggers). */
static int64_t
waiting(struct store *st, const char *day, char queue, int priority, int *failed)
{
	char q1[2] = { queue, 0 };
	return scalar(st, bindv(st, "SELECT n FROM waiting_counts WHERE day = ? AND queue = ? AND "
	    "priority = ?", "ssi", day, q1, (int64_t)priority), 0, failed);
}

/*
 * Position and estimated wait of a waiting ticket (fills t). A ticket just
 * issued is the last of its priority class, so everybody waiting in that
 * class and above is ahead of it: two counter reads. Any other ticket
 * counts the ones before it.
 */
static void
place(struct store *st, const struct site *site, struct ticket *t, int newest)
{
	int failed = 0;
	char q1[2] = { t->queue, 0 };

	if (t->state != TS_WAITING) {
		t->position = 0;
		t->estimated_wait_s = 0;
		return;
	}
	if (newest)
		t->position = (int)(waiting(st, t->day, t->queue, 1, &failed) +
		    (t->priority ? 0 : waiting(st, t->day, t->queue, 0, &failed)));
	else
		t->position = 1 + (int)scalar(st, bindv(st, "SELECT COUNT(*) FROM tickets WHERE day = ? "
		    "AND queue = ? AND state = 'waiting' AND (priority > ? OR (priority = ? AND "
		    "(issued_at < ? OR (issued_at = ? AND id < ?))))", "ssiiiii", t->day, q1,
		    (int64_t)t->priority, (int64_t)t->priority, t->issued_at, t->issued_at, t->id), 0,
		    &failed);
	t->estimated_wait_s = queue_estimate_wait(t->position - 1, open_counters(st, t->queue),
	    service_time(st, site, t->day, t->queue));
}

static int
load_ticket(struct store *st, sqlite3_stmt *s, struct ticket *out)
{
	int rc = sqlite3_step(s);
	(void)st;
	if (rc == SQLITE_ROW)
		ticket_row(s, out);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOTFOUND : ST_ERR;
}

static int
get_ticket(struct store *st, int64_t id, struct ticket *out)
{
	return load_ticket(st, bindv(st, "SELECT " TICKET_COLS " FROM tickets t WHERE id = ?",
	    "i", id), out);
}

/* Tickets issued today for a service, ordinary and priority (kept by
 * store_issue in day_counts, so issuing costs the same at A999 as at A001). */
static void
day_counts(struct store *st, const char *day, const char *svc, int64_t *ord, int64_t *prio,
    int *failed)
{
	sqlite3_stmt *s = bindv(st, "SELECT ordinary, priority FROM day_counts WHERE day = ? AND "
	    "service = ?", "ss", day, svc);
	int rc = sqlite3_step(s);

	*ord = *prio = 0;
	if (rc == SQLITE_ROW) {
		*ord = sqlite3_column_int64(s, 0);
		*prio = sqlite3_column_int64(s, 1);
	} else if (rc != SQLITE_DONE) {
		*failed = 1;
	}
	sqlite3_reset(s);
}

/* Add one to a day_counts column ("attestations" or "prints"). */
static int
count_slip(struct store *st, const char *day, char service, int print)
{
	char svc[2] = { service, 0 };
	return exec(st, bindv(st, print ?
	    "INSERT INTO day_counts (day, service, prints) VALUES (?, ?, 1) "
	    "ON CONFLICT (day, service) DO UPDATE SET prints = prints + 1" :
	    "INSERT INTO day_counts (day, service, attestations) VALUES (?, ?, 1) "
	    "ON CONFLICT (day, service) DO UPDATE SET attestations = attestations + 1",
	    "ss", day, svc));
}

static int
event(struct store *st, int64_t now, const char *day, const char *kind, int64_t ticket,
    char service, int counter, const char *agent, const char *detail)
{
	char sv[2] = { service, 0 };
	sqlite3_stmt *s = bindv(st, "INSERT INTO events (at, day, kind, ticket, service, counter, "
	    "agent, detail) VALUES (?,?,?,?,?,?,?,?)", "isssssss", now, day, kind, NULL,
	    service ? sv : NULL, NULL, agent, detail);
	if (ticket)
		sqlite3_bind_int64(s, 4, ticket);
	if (counter)
		sqlite3_bind_int64(s, 6, counter);
	return exec(st, s);
}

/* One issue request, as queued for group commit. */
struct issue_req {
	const struct site *site;
	char service;
	const char *lang;
	int priority;
	const char *device;
	const struct holder_ref *holder;
	int64_t now;
	store_sign_fn sign;
	void *sign_ctx;
	struct ticket *out;
	char *err;
	size_t errlen;
	int rc;                 /* the answer, once done */
	int done;               /* committed (or failed) */
	struct issue_req *next; /* queue link */
};

/*
 * Issue one ticket inside the caller's transaction (store lock held).
 * Returns ST_OK / ST_DUPLICATE (changes to keep), ST_FULL (nothing to keep)
 * or ST_ERR (the caller rolls this request back).
 */
static int
issue_one(struct store *st, struct issue_req *r)
{
	const struct site_service *sv = site_service(r->site, r->service);
	struct ticket *out = r->out;
	char day[11], svc[2] = { r->service, 0 };
	int64_t seq, ord, prio;
	int failed = 0, rc;

	queue_local_day(r->now, day);
	day_counts(st, day, svc, &ord, &prio, &failed);
	seq = 1 + scalar(st, bindv(st, "SELECT MAX(seq) FROM tickets WHERE day = ? AND service = ?",
	    "ss", day, svc), 0, &failed);
	if (failed)
		goto dbfail;
	if (r->holder) {
		/* One active ticket per holder, service and day: give it back. */
		sqlite3_stmt *h = bindv(st, "SELECT " TICKET_COLS " FROM tickets t WHERE day = ? AND "
		    "service = ? AND holder_hash = ? AND state IN ('waiting', 'called')", "ssi", day, svc,
		    (int64_t)0);
		sqlite3_bind_blob(h, 3, r->holder->hash, 32, SQLITE_TRANSIENT);
		rc = load_ticket(st, h, out);
		if (rc == ST_ERR)
			goto dbfail;
		if (rc == ST_OK) {
			if (exec(st, bindv(st, "UPDATE tickets SET reprints = reprints + 1, print_state = "
			    "'pending', print_device = ? WHERE id = ?", "si", r->device, out->id)) ||
			    event(st, r->now, day, "duplicate", out->id, r->service, 0, r->device, NULL) ||
			    get_ticket(st, out->id, out) != ST_OK)
				goto dbfail;
			place(st, r->site, out, 0);
			errf(r->err, r->errlen, "this person already has ticket %s today", out->number);
			return ST_DUPLICATE;
		}
	}
	if (!queue_may_issue(sv->capacity, sv->priority_reserve, (int)ord, (int)prio, r->priority))
		return errf(r->err, r->errlen, "today's capacity for '%s' is reached", sv->name), ST_FULL;
	memset(out, 0, sizeof *out);
	queue_format_number(r->service, (int)seq, out->number, sizeof out->number);
	if (exec(st, bindv(st, "INSERT INTO tickets (day, service, seq, number, queue, lang, priority, "
	    "state, issued_at, device, print_device) VALUES (?,?,?,?,?,?,?,'waiting',?,?,?)", "ssisssiiss",
	    day, svc, seq, out->number, svc, r->lang, (int64_t)(r->priority != 0), r->now, r->device,
	    r->device)))
		goto dbfail;
	out->id = sqlite3_last_insert_rowid(st->db);
	if (exec(st, bindv(st, "INSERT INTO day_counts (day, service, ordinary, priority) VALUES "
	    "(?, ?, ?, ?) ON CONFLICT (day, service) DO UPDATE SET ordinary = ordinary + "
	    "excluded.ordinary, priority = priority + excluded.priority", "ssii", day, svc,
	    (int64_t)!r->priority, (int64_t)(r->priority != 0))))
		goto dbfail;
	if (r->holder) {
		sqlite3_stmt *h = bindv(st, "UPDATE tickets SET holder_hash = ?, holder_mask = ? "
		    "WHERE id = ?", "isi", (int64_t)0, r->holder->mask, out->id);
		sqlite3_bind_blob(h, 1, r->holder->hash, 32, SQLITE_TRANSIENT);
		if (exec(st, h))
			goto dbfail;
	}
	if (get_ticket(st, out->id, out) != ST_OK)
		goto dbfail;
	if (r->sign) {
		if (r->sign(r->sign_ctx, out, out->token, sizeof out->token) != 0)
			return errf(r->err, r->errlen, "cannot sign the slip"), ST_ERR;
		if (exec(st, bindv(st, "UPDATE tickets SET token = ? WHERE id = ?", "si", out->token,
		    out->id)))
			goto dbfail;
	}
	if (event(st, r->now, day, "issue", out->id, r->service, 0, r->device,
	    r->priority ? "priority" : NULL))
		goto dbfail;
	place(st, r->site, out, 1);
	return ST_OK;
dbfail:
	return db_fail(st, r->err, r->errlen, "cannot issue a ticket");
}

/*
 * Run a batch of issue requests in one transaction: one fsync for all.
 * Each request runs under its own savepoint, so a refusal or a failure
 * undoes only its own changes. Nobody's answer leaves before the commit.
 */
static void
issue_batch(struct store *st, struct issue_req *batch)
{
	struct issue_req *r;
	char err[200];
	int ok = 1;

	LOCK(st);
	if (begin(st, err, sizeof err)) {
		for (r = batch; r; r = r->next) {
			errf(r->err, r->errlen, "%s", err);
			r->rc = ST_ERR;
		}
		UNLOCK(st);
		return;
	}
	for (r = batch; r; r = r->next) {
		if (!ok) {
			r->rc = errf(r->err, r->errlen, "%s", err);
			continue;
		}
		sqlite3_exec(st->db, "SAVEPOINT issue", NULL, NULL, NULL);
		r->rc = issue_one(st, r);
		if (r->rc != ST_OK && r->rc != ST_DUPLICATE)
			sqlite3_exec(st->db, "ROLLBACK TO issue", NULL, NULL, NULL);
		sqlite3_exec(st->db, "RELEASE issue", NULL, NULL, NULL);
		/* A full disk or an I/O error may have ended the transaction. */
		if (sqlite3_get_autocommit(st->db)) {
			ok = 0;
			snprintf(err, sizeof err, "%s", r->rc == ST_ERR && r->err ? r->err :
			    "the transaction was aborted by a storage error");
		}
	}
	if (ok && commit(st, err, sizeof err))
		ok = 0;
	if (!ok) {
		rollback(st);
		for (r = batch; r; r = r->next)
			if (r->rc == ST_OK || r->rc == ST_DUPLICATE)
				r->rc = errf(r->err, r->errlen, "%s", err);
	}
	UNLOCK(st);
}

int
store_issue(struct store *st, const struct site *site, char service, const char *lang,
    int priority, const char *device, const struct holder_ref *holder, int64_t now,
    store_sign_fn sign, void *sign_ctx, struct ticket *out, char *err, size_t errlen)
{
	struct issue_req req = { site, service, lang, priority, device, holder, now, sign, sign_ctx,
		out, err, errlen, 0, 0, NULL };
	struct issue_req *batch, *r, *next;

	if (site_service(site, service) == NULL)
		return errf(err, errlen, "unknown service '%c'", service), ST_NOTFOUND;
	if (!queue_is_open(site, now))
		return errf(err, errlen, "the reception is closed now"), ST_CLOSED;
	/*
	 * Group commit: requests queue up; whoever finds no leader leads,
	 * takes the whole queue, runs it as one transaction and wakes the
	 * others. Those arriving meanwhile form the next batch.
	 */
	pthread_mutex_lock(&st->gc_lock);
	*st->gc_tail = &req;
	st->gc_tail = &req.next;
	while (!req.done && st->gc_leader)
		pthread_cond_wait(&st->gc_cond, &st->gc_lock);
	if (!req.done) {
		st->gc_leader = 1;
		batch = st->gc_head;
		st->gc_head = NULL;
		st->gc_tail = &st->gc_head;
		pthread_mutex_unlock(&st->gc_lock);
		issue_batch(st, batch);
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

int
store_ticket(struct store *st, int64_t id, struct ticket *out, char *err, size_t errlen)
{
	int rc;
	struct site site;

	if (store_load_site(st, &site, err, errlen) != 0)
		return ST_ERR;
	LOCK(st);
	rc = get_ticket(st, id, out);
	if (rc == ST_OK)
		place(st, &site, out, 0);
	UNLOCK(st);
	if (rc == ST_NOTFOUND)
		errf(err, errlen, "no ticket %lld", (long long)id);
	else if (rc == ST_ERR)
		db_fail(st, err, errlen, "cannot read the ticket");
	return rc;
}

int
store_ticket_by_number(struct store *st, const char *day, const char *number,
    struct ticket *out, char *err, size_t errlen)
{
	int rc;

	LOCK(st);
	rc = load_ticket(st, bindv(st, "SELECT " TICKET_COLS " FROM tickets t WHERE day = ? AND "
	    "number = ?", "ss", day, number), out);
	UNLOCK(st);
	if (rc == ST_NOTFOUND)
		errf(err, errlen, "no ticket %s on %s", number, day);
	else if (rc == ST_ERR)
		db_fail(st, err, errlen, "cannot read the ticket");
	return rc;
}

int
store_printed(struct store *st, int64_t id, const char *device, const char *status,
    const char *reason, int64_t now, struct ticket *out, char *err, size_t errlen)
{
	int rc;

	if (strcmp(status, "confirmed") && strcmp(status, "unconfirmed") && strcmp(status, "failed"))
		return errf(err, errlen, "status must be confirmed, unconfirmed or failed"), ST_CONFLICT;
	if (tx_begin(st, err, errlen))
		return ST_ERR;
	if ((rc = get_ticket(st, id, out)) != ST_OK) {
		rollback(st);
		UNLOCK(st);
		if (rc == ST_NOTFOUND)
			return errf(err, errlen, "no ticket %lld", (long long)id), rc;
		return db_fail(st, err, errlen, "cannot read the ticket");
	}
	{
		int failed = 0;
		sqlite3_stmt *pd = bindv(st, "SELECT COUNT(*) FROM tickets WHERE id = ? AND "
		    "print_device = ?", "is", id, device);
		if (scalar(st, pd, 0, &failed) != 1) {
			rollback(st);
			UNLOCK(st);
			if (failed)
				return db_fail(st, err, errlen, "cannot read the ticket");
			return errf(err, errlen, "ticket %s was last printed by another kiosk",
			    out->number), ST_CONFLICT;
		}
	}
	if (exec(st, bindv(st, "UPDATE tickets SET print_state = ?, print_reason = ? WHERE id = ?",
	    "ssi", status, reason, id)) ||
	    event(st, now, out->day, strcmp(status, "failed") ? "print" : "print_failed", id,
	    out->service, 0, device, reason) ||
	    count_slip(st, out->day, out->service, 1) ||
	    get_ticket(st, id, out) != ST_OK)
		goto dbfail;
	return tx_end(st, ST_OK, err, errlen);
dbfail:
	db_fail(st, err, errlen, "cannot record printing");
	return tx_end(st, ST_ERR, err, errlen);
}

int
store_reprint(struct store *st, const struct site *site, int64_t id, const char *who,
    int64_t now, struct ticket *out, char *err, size_t errlen)
{
	char day[11];
	int rc;

	queue_local_day(now, day);
	if (tx_begin(st, err, errlen))
		return ST_ERR;
	if ((rc = get_ticket(st, id, out)) != ST_OK) {
		rollback(st);
		UNLOCK(st);
		if (rc == ST_NOTFOUND)
			return errf(err, errlen, "no ticket %lld", (long long)id), rc;
		return db_fail(st, err, errlen, "cannot read the ticket");
	}
	if (strcmp(out->day, day) != 0 || out->state != TS_WAITING) {
		rollback(st);
		UNLOCK(st);
		return errf(err, errlen, "ticket %s is no longer waiting today: it cannot be reprinted",
		    out->number), ST_CONFLICT;
	}
	if (out->reprints >= site->reprint_limit) {
		rollback(st);
		UNLOCK(st);
		return errf(err, errlen, "ticket %s was already reprinted %d times (the limit)",
		    out->number, out->reprints), ST_LIMIT;
	}
	/* A kiosk's reprint is reported by that kiosk; a staff member's by
	 * whichever kiosk printed it last. */
	if (exec(st, bindv(st, "UPDATE tickets SET reprints = reprints + 1, print_state = 'pending', "
	    "print_device = COALESCE((SELECT name FROM devices WHERE name = ?), print_device) "
	    "WHERE id = ?", "si", who, id)) ||
	    event(st, now, day, "reprint", id, out->service, 0, who, NULL) ||
	    audit_in_tx(st, now, who, "reprint", out->number) ||
	    get_ticket(st, id, out) != ST_OK)
		goto dbfail;
	place(st, site, out, 0);
	return tx_end(st, ST_OK, err, errlen);
dbfail:
	db_fail(st, err, errlen, "cannot reprint");
	return tx_end(st, ST_ERR, err, errlen);
}

/* -- counters ------------------------------------------------------------ */

struct counter_row {
	char name[48];
	char services[SITE_MAX_SERVICES + 1];
	char state[8];
};

static int
get_counter(struct store *st, int n, struct counter_row *c)
{
	sqlite3_stmt *s = bindv(st, "SELECT name, services, state FROM counters WHERE n = ? AND active",
	    "i", (int64_t)n);
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW) {
		col_text(s, 0, c->name, sizeof c->name);
		col_text(s, 1, c->services, sizeof c->services);
		col_text(s, 2, c->state, sizeof c->state);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOTFOUND : ST_ERR;
}

/* The ticket called at counter n today, if any. */
static int
current(struct store *st, int n, struct ticket *out)
{
	return load_ticket(st, bindv(st, "SELECT " TICKET_COLS " FROM tickets t WHERE counter = ? "
	    "AND state = 'called' ORDER BY called_at DESC LIMIT 1", "i", (int64_t)n), out);
}

static int
finish(struct store *st, const struct ticket *t, const char *state, const char *outcome,
    const char *kind, int counter, const char *agent, int64_t now)
{
	return exec(st, bindv(st, "UPDATE tickets SET state = ?, outcome = ?, finished_at = ? "
	    "WHERE id = ?", "ssii", state, outcome, now, t->id)) ||
	    event(st, now, t->day, kind, t->id, t->queue, counter, agent, outcome);
}

static int
call(struct store *st, const struct site *site, int64_t id, int counter, const char *agent,
    int64_t now, const char *detail, struct ticket *out)
{
	(void)site;
	if (exec(st, bindv(st, "UPDATE tickets SET state = 'called', called_at = ?, counter = ?, "
	    "agent = ?, recalls = 0 WHERE id = ? AND state = 'waiting'", "iisi", now,
	    (int64_t)counter, agent, id)) || sqlite3_changes(st->db) != 1)
		return -1;
	if (get_ticket(st, id, out) != ST_OK)
		return -1;
	return event(st, now, out->day, "call", id, out->queue, counter, agent, detail);
}

/* Shared prologue: lock, begin, check the counter. Leaves the lock held on success. */
static int
counter_begin(struct store *st, int counter, struct counter_row *c, char *err, size_t errlen)
{
	int rc;

	if (tx_begin(st, err, errlen))
		return ST_ERR;
	if ((rc = get_counter(st, counter, c)) != ST_OK) {
		if (rc == ST_NOTFOUND)
			errf(err, errlen, "no counter %d", counter);
		else
			db_fail(st, err, errlen, "cannot read the counter");
		return tx_end(st, rc, err, errlen);
	}
	return ST_OK;
}

int
store_call_next(struct store *st, const struct site *site, int counter, const char *agent,
    int64_t now, struct ticket *out, char *err, size_t errlen)
{
	struct counter_row c;
	struct queue_head heads[SITE_MAX_SERVICES];
	struct ticket cur;
	char day[11];
	int i, n, idx, prio, rc, failed = 0;
	int64_t id;

	if ((rc = counter_begin(st, counter, &c, err, errlen)) != ST_OK)
		return rc;
	if (strcmp(c.state, "open") != 0) {
		errf(err, errlen, "counter %d is %s: resume it first", counter, c.state);
		return tx_end(st, ST_CONFLICT, err, errlen);
	}
	queue_local_day(now, day);
	if ((rc = current(st, counter, &cur)) == ST_OK) {
		if (finish(st, &cur, "served", "complete", "done", counter, agent, now))
			goto dbfail;
	} else if (rc == ST_ERR) {
		goto dbfail;
	}
	n = (int)strlen(c.services);
	for (i = 0; i < n; i++) {
		char sv[2] = { c.services[i], 0 };
		heads[i].service = c.services[i];
		heads[i].prio_id = scalar(st, bindv(st, "SELECT id FROM tickets WHERE day = ? AND "
		    "queue = ? AND state = 'waiting' AND priority = 1 ORDER BY issued_at, id LIMIT 1",
		    "ss", day, sv), 0, &failed);
		heads[i].ord_id = scalar(st, bindv(st, "SELECT id FROM tickets WHERE day = ? AND "
		    "queue = ? AND state = 'waiting' AND priority = 0 ORDER BY issued_at, id LIMIT 1",
		    "ss", day, sv), 0, &failed);
		heads[i].streak = (int)scalar(st, bindv(st, "SELECT streak FROM streaks WHERE day = ? "
		    "AND service = ?", "ss", day, sv), 0, &failed);
	}
	if (failed)
		goto dbfail;
	id = queue_pick(heads, n, site->priority_streak, &idx, &prio);
	if (id == 0) {
		errf(err, errlen, "nobody is waiting for counter %d", counter);
		/* The finished ticket, if any, must still be committed. */
		return tx_end(st, ST_OK, err, errlen) == ST_OK ? ST_EMPTY : ST_ERR;
	}
	{
		char sv[2] = { heads[idx].service, 0 };
		if (exec(st, bindv(st, "INSERT INTO streaks (day, service, streak) VALUES (?,?,?) "
		    "ON CONFLICT (day, service) DO UPDATE SET streak = excluded.streak", "ssi", day, sv,
		    (int64_t)(prio ? heads[idx].streak + 1 : 0))))
			goto dbfail;
	}
	if (call(st, site, id, counter, agent, now, NULL, out))
		goto dbfail;
	return tx_end(st, ST_OK, err, errlen);
dbfail:
	db_fail(st, err, errlen, "cannot call the next ticket");
	return tx_end(st, ST_ERR, err, errlen);
}

int
store_call_number(struct store *st, const struct site *site, int counter, const char *agent,
    const char *number, const char *reason, int64_t now, struct ticket *out, char *err, size_t errlen)
{
	struct counter_row c;
	struct ticket t, cur;
	char day[11], detail[300];
	int rc;

	if ((rc = counter_begin(st, counter, &c, err, errlen)) != ST_OK)
		return rc;
	queue_local_day(now, day);
	rc = load_ticket(st, bindv(st, "SELECT " TICKET_COLS " FROM tickets t WHERE day = ? AND "
	    "number = ?", "ss", day, number), &t);
	if (rc == ST_ERR)
		goto dbfail;
	if (rc == ST_NOTFOUND) {
		errf(err, errlen, "no ticket %s today", number);
		return tx_end(st, ST_NOTFOUND, err, errlen);
	}
	if (strcmp(c.state, "open") != 0) {
		errf(err, errlen, "counter %d is %s: resume it first", counter, c.state);
		return tx_end(st, ST_CONFLICT, err, errlen);
	}
	if (t.state != TS_WAITING) {
		errf(err, errlen, "ticket %s is %s, not waiting", number, queue_state_name(t.state));
		return tx_end(st, ST_CONFLICT, err, errlen);
	}
	if ((rc = current(st, counter, &cur)) == ST_OK) {
		if (finish(st, &cur, "served", "complete", "done", counter, agent, now))
			goto dbfail;
	} else if (rc == ST_ERR) {
		goto dbfail;
	}
	snprintf(detail, sizeof detail, "out of order: %s", reason);
	if (call(st, site, t.id, counter, agent, now, detail, out))
		goto dbfail;
	snprintf(detail, sizeof detail, "%s at counter %d, reason: %s", number, counter, reason);
	if (audit_in_tx(st, now, agent, "call_out_of_order", detail))
		goto dbfail;
	return tx_end(st, ST_OK, err, errlen);
dbfail:
	db_fail(st, err, errlen, "cannot call the ticket");
	return tx_end(st, ST_ERR, err, errlen);
}

int
store_counter_op(struct store *st, const struct site *site, int counter, const char *agent,
    enum counter_op op, const char *arg, int64_t now, struct ticket *out, int *has_ticket,
    char *err, size_t errlen)
{
	static const char *state_of[] = { [CO_PAUSE] = "paused", [CO_RESUME] = "open",
		[CO_OPEN] = "open", [CO_CLOSE] = "closed" };
	struct counter_row c;
	struct ticket t;
	char day[11];
	int rc;

	*has_ticket = 0;
	if ((rc = counter_begin(st, counter, &c, err, errlen)) != ST_OK)
		return rc;
	queue_local_day(now, day);
	rc = current(st, counter, &t);
	if (rc == ST_ERR)
		goto dbfail;
	switch (op) {
	case CO_PAUSE: case CO_RESUME: case CO_OPEN: case CO_CLOSE:
		if (op == CO_RESUME && strcmp(c.state, "paused") != 0) {
			errf(err, errlen, "counter %d is %s, not paused", counter, c.state);
			return tx_end(st, ST_CONFLICT, err, errlen);
		}
		char detail[64];
		snprintf(detail, sizeof detail, "counter %d %s", counter, state_of[op]);
		if (exec(st, bindv(st, "UPDATE counters SET state = ? WHERE n = ?", "si",
		    state_of[op], (int64_t)counter)) ||
		    event(st, now, day, state_of[op], 0, 0, counter, agent, NULL) ||
		    audit_in_tx(st, now, agent, "counter_state", detail))
			goto dbfail;
		if (rc == ST_OK) {
			*out = t;
			*has_ticket = 1;
		}
		return tx_end(st, ST_OK, err, errlen);
	default:
		break;
	}
	if (rc == ST_NOTFOUND) {
		errf(err, errlen, "counter %d has no ticket called", counter);
		return tx_end(st, ST_CONFLICT, err, errlen);
	}
	switch (op) {
	case CO_RECALL:
		if (t.recalls >= site->max_recalls) {
			/* The configured number of recalls is used up: no-show. */
			if (finish(st, &t, "no_show", NULL, "no_show", counter, agent, now))
				goto dbfail;
			break;
		}
		if (exec(st, bindv(st, "UPDATE tickets SET recalls = recalls + 1 WHERE id = ?", "i",
		    t.id)) || event(st, now, t.day, "recall", t.id, t.queue, counter, agent, NULL))
			goto dbfail;
		*has_ticket = 1;
		break;
	case CO_NO_SHOW:
		if (finish(st, &t, "no_show", NULL, "no_show", counter, agent, now))
			goto dbfail;
		break;
	case CO_DONE:
		if (finish(st, &t, "served", arg ? arg : "complete", "done", counter, agent, now))
			goto dbfail;
		break;
	case CO_TRANSFER: {
		if (arg == NULL || strlen(arg) != 1 || !site_service(site, arg[0])) {
			errf(err, errlen, "unknown service '%s'", arg ? arg : "");
			return tx_end(st, ST_NOTFOUND, err, errlen);
		}
		/* Back to waiting in the other queue, keeping its number and its
		 * place by issue time: the person has waited already. */
		if (exec(st, bindv(st, "UPDATE tickets SET state = 'waiting', queue = ?, counter = NULL, "
		    "recalls = 0 WHERE id = ?", "si", arg, t.id)) ||
		    event(st, now, t.day, "transfer", t.id, arg[0], counter, agent, NULL))
			goto dbfail;
		break;
	}
	default:
		break;
	}
	if (get_ticket(st, t.id, out) != ST_OK)
		goto dbfail;
	{
		char detail[128];
		snprintf(detail, sizeof detail, "%s: %s at counter %d%s%s", t.number,
		    queue_state_name(out->state), counter, arg ? ", " : "", arg ? arg : "");
		if (op != CO_RECALL && audit_in_tx(st, now, agent, "status_change", detail))
			goto dbfail;
	}
	*has_ticket = 1;
	return tx_end(st, ST_OK, err, errlen);
dbfail:
	db_fail(st, err, errlen, "cannot change the counter");
	return tx_end(st, ST_ERR, err, errlen);
}

int
store_counters(struct store *st, struct counter_view *out, int max, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int n = 0, i;

	LOCK(st);
	s = q(st, "SELECT n, name, services, state FROM counters WHERE active ORDER BY n");
	while (n < max && sqlite3_step(s) == SQLITE_ROW) {
		memset(&out[n], 0, sizeof out[n]);
		out[n].n = sqlite3_column_int(s, 0);
		col_text(s, 1, out[n].name, sizeof out[n].name);
		col_text(s, 2, out[n].services, sizeof out[n].services);
		col_text(s, 3, out[n].state, sizeof out[n].state);
		n++;
	}
	sqlite3_reset(s);
	for (i = 0; i < n; i++) {
		int rc = current(st, out[i].n, &out[i].ticket);
		if (rc == ST_ERR) {
			UNLOCK(st);
			return db_fail(st, err, errlen, "cannot read counters");
		}
		out[i].has_ticket = rc == ST_OK;
	}
	UNLOCK(st);
	return n;
}

/* -- views --------------------------------------------------------------- */

int
store_services(struct store *st, const struct site *site, int64_t now,
    struct service_stat *out, int max, char *err, size_t errlen)
{
	char day[11];
	int i, n = 0, failed = 0;

	queue_local_day(now, day);
	LOCK(st);
	for (i = 0; i < site->nservices && n < max; i++) {
		const struct site_service *sv = &site->services[i];
		struct service_stat *o = &out[n++];
		char c[2] = { sv->code, 0 };
		int64_t ord, prio, oldest;

		memset(o, 0, sizeof *o);
		o->code = sv->code;
		snprintf(o->name, sizeof o->name, "%s", sv->name);
		o->capacity = sv->capacity;
		o->reserve = sv->priority_reserve;
		o->bind_holder = sv->bind_holder;
		o->waiting = (int)(waiting(st, day, sv->code, 0, &failed) +
		    waiting(st, day, sv->code, 1, &failed));
		day_counts(st, day, c, &ord, &prio, &failed);
		/* Two index seeks (one per priority value) rather than a scan. */
		oldest = scalar(st, bindv(st, "SELECT MIN(x) FROM (SELECT MIN(issued_at) AS x FROM tickets "
		    "WHERE day = ?1 AND queue = ?2 AND state = 'waiting' AND priority = 0 UNION ALL "
		    "SELECT MIN(issued_at) FROM tickets WHERE day = ?1 AND queue = ?2 AND state = "
		    "'waiting' AND priority = 1)", "ss", day, c), 0, &failed);
		o->issued = (int)(ord + prio);
		o->left_today = queue_left_ordinary(sv->capacity, sv->priority_reserve, (int)ord, (int)prio);
		o->open_counters = open_counters(st, sv->code);
		o->estimated_wait_s = queue_estimate_wait(o->waiting, o->open_counters,
		    service_time(st, site, day, sv->code));
		o->longest_wait_s = oldest ? (int)(now - oldest) : 0;
	}
	UNLOCK(st);
	if (failed)
		return db_fail(st, err, errlen, "cannot read the services");
	return n;
}

int
store_recent_calls(struct store *st, const char *day, struct call_view *out, int max,
    char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int n = 0, rc;

	LOCK(st);
	s = bindv(st, "SELECT e.id, t.number, e.counter, c.name, e.service, t.lang, e.kind = 'recall', "
	    "e.at FROM events e JOIN tickets t ON t.id = e.ticket LEFT JOIN counters c ON c.n = e.counter "
	    "WHERE e.day = ? AND e.kind IN ('call', 'recall') ORDER BY e.id DESC LIMIT ?", "si", day,
	    (int64_t)max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < max) {
		struct call_view *c = &out[n++];
		char sv[4];
		memset(c, 0, sizeof *c);
		c->event = sqlite3_column_int64(s, 0);
		col_text(s, 1, c->number, sizeof c->number);
		c->counter = sqlite3_column_int(s, 2);
		col_text(s, 3, c->counter_name, sizeof c->counter_name);
		col_text(s, 4, sv, sizeof sv);
		c->service = sv[0];
		col_text(s, 5, c->lang, sizeof c->lang);
		c->recall = sqlite3_column_int(s, 6);
		c->at = sqlite3_column_int64(s, 7);
	}
	sqlite3_reset(s);
	UNLOCK(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, err, errlen, "cannot read the calls");
	return n;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The smallest value that p% of the values do not exceed (sorts v). */
static int
percentile(int *v, int n, int p)
{
	int k;

	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, cmp_int);
	k = (n * p + 99) / 100;
	return v[k ? k - 1 : 0];
}

int
store_report_day(struct store *st, const char *day, struct day_report *out, int max,
    char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int n = 0, i, failed = 0;

	LOCK(st);
	s = q(st, "SELECT code, name FROM services WHERE active ORDER BY position");
	while (n < max && sqlite3_step(s) == SQLITE_ROW) {
		memset(&out[n], 0, sizeof out[n]);
		out[n].service = (char)sqlite3_column_text(s, 0)[0];
		col_text(s, 1, out[n].name, sizeof out[n].name);
		n++;
	}
	sqlite3_reset(s);
	for (i = 0; i < n; i++) {
		struct day_report *r = &out[i];
		char c[2] = { r->service, 0 };
		int *waits = NULL, nw = 0, cap = 0;

		s = bindv(st, "SELECT state, COUNT(*) FROM tickets WHERE day = ? AND service = ? "
		    "GROUP BY state", "ss", day, c);
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *state = (const char *)sqlite3_column_text(s, 0);
			int k = sqlite3_column_int(s, 1);
			r->issued += k;
			if (!strcmp(state, "served")) r->served = k;
			else if (!strcmp(state, "no_show")) r->no_show = k;
			else if (!strcmp(state, "not_served")) r->not_served = k;
			else if (!strcmp(state, "cancelled")) r->cancelled = k;
			else if (!strcmp(state, "waiting") || !strcmp(state, "called")) r->waiting += k;
		}
		sqlite3_reset(s);
		s = bindv(st, "SELECT called_at - issued_at FROM tickets WHERE day = ? AND service = ? "
		    "AND called_at > 0", "ss", day, c);
		while (sqlite3_step(s) == SQLITE_ROW) {
			if (nw == cap) {
				int *w = realloc(waits, (size_t)(cap = cap ? cap * 2 : 64) * sizeof *w);
				if (!w) { failed = 1; break; }
				waits = w;
			}
			waits[nw++] = sqlite3_column_int(s, 0);
		}
		sqlite3_reset(s);
		r->wait_p50_s = percentile(waits, nw, 50);
		r->wait_p90_s = percentile(waits, nw, 90);
		free(waits);
		r->service_avg_s = (int)scalar(st, bindv(st, "SELECT AVG(finished_at - called_at) FROM "
		    "tickets WHERE day = ? AND service = ? AND state = 'served'", "ss", day, c), 0, &failed);
	}
	UNLOCK(st);
	if (failed)
		return db_fail(st, err, errlen, "cannot compute the report");
	return n;
}

int
store_close_day(struct store *st, const struct site *site, int64_t now, char *err, size_t errlen)
{
	char day[11];
	int n, minute, wday, after_close;

	queue_local_day(now, day);
	queue_local_minute(now, &minute, &wday);
	after_close = site->hours[wday].open_min < 0 || minute >= site->hours[wday].close_min;
	/* Most minutes there is nothing to close: look before opening a write
	 * transaction (and its fsync). */
	{
		int failed = 0;
		int64_t any;
		LOCK(st);
		any = scalar(st, bindv(st, "SELECT EXISTS (SELECT 1 FROM tickets WHERE state IN "
		    "('waiting', 'called') AND (day < ? OR (? AND day = ?)))", "sis", day,
		    (int64_t)after_close, day), 0, &failed);
		UNLOCK(st);
		if (failed)
			return db_fail(st, err, errlen, "cannot close the day");
		if (!any)
			return 0;
	}
	if (tx_begin(st, err, errlen))
		return ST_ERR;
	if (exec(st, bindv(st, "INSERT INTO events (at, day, kind, ticket, service, counter) "
	    "SELECT ?, day, 'not_served', id, queue, counter FROM tickets WHERE state IN "
	    "('waiting', 'called') AND (day < ? OR (? AND day = ?))", "isis", now, day,
	    (int64_t)after_close, day)))
		goto dbfail;
	n = sqlite3_changes(st->db);
	if (exec(st, bindv(st, "UPDATE tickets SET state = 'not_served', finished_at = ? WHERE state "
	    "IN ('waiting', 'called') AND (day < ? OR (? AND day = ?))", "isis", now, day,
	    (int64_t)after_close, day)))
		goto dbfail;
	if (commit(st, err, errlen)) {
		UNLOCK(st);
		return ST_ERR;
	}
	UNLOCK(st);
	if (n)
		log_info("store: closed the day: %d tickets not served", n);
	return n;
dbfail:
	db_fail(st, err, errlen, "cannot close the day");
	rollback(st);
	UNLOCK(st);
	return ST_ERR;
}

/* -- accounts ------------------------------------------------------------ */

static void new_secret(const char *prefix, char *out, size_t len);

static int
valid_name(const char *s)
{
	size_t i, n = strlen(s);
	if (n == 0 || n > 40)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

int
store_user_add(struct store *st, const char *login, const char *role, const char *password,
    int64_t now, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];

	if (!valid_name(login))
		return errf(err, errlen, "login: 1 to 40 letters, digits, '-', '_' or '.'");
	if (strcmp(role, "agent") && strcmp(role, "manager") && strcmp(role, "admin"))
		return errf(err, errlen, "role must be agent, manager or admin");
	if (strlen(password) < 8)
		return errf(err, errlen, "the password must have at least 8 characters");
	if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return errf(err, errlen, "out of memory while hashing the password");
	LOCK(st);
	if (exec(st, bindv(st, "INSERT INTO users (login, role, pwhash, created_at) VALUES (?,?,?,?) "
	    "ON CONFLICT (login) DO UPDATE SET role = excluded.role, pwhash = excluded.pwhash, active = 1",
	    "sssi", login, role, hash, now))) {
		UNLOCK(st);
		return db_fail(st, err, errlen, "cannot add the user");
	}
	UNLOCK(st);
	return 0;
}

/* A real hash of a random password, verified for unknown logins. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy(void)
{
	char pw[80];
	new_secret("", pw, sizeof pw);
	if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

int
store_user_check(struct store *st, const char *login, const char *password, char *role,
    char *err, size_t errlen)
{
	sqlite3_stmt *s;
	char hash[crypto_pwhash_STRBYTES] = "";
	int rc;

	LOCK(st);
	s = bindv(st, "SELECT pwhash, role FROM users WHERE login = ? AND active", "s", login);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		col_text(s, 0, hash, sizeof hash);
		col_text(s, 1, role, 16);
	}
	sqlite3_reset(s);
	UNLOCK(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, err, errlen, "cannot read the user");
	/* Hash anyway for an unknown login, so timing does not reveal logins. */
	if (rc != SQLITE_ROW) {
		pthread_once(&dummy_once, make_dummy);
		if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
			log_warnx("store: the dummy password hash matched");
		return errf(err, errlen, "wrong login or password"), ST_DENIED;
	}
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return errf(err, errlen, "wrong login or password"), ST_DENIED;
	return 0;
}

static void
secret_hash(const char *secret, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)secret, strlen(secret), NULL, 0);
}

static void
new_secret(const char *prefix, char *out, size_t len)
{
	unsigned char raw[32];
	char b64[64];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, len, "%s%s", prefix, b64);
	sodium_memzero(raw, sizeof raw);
}

static int
cred_insert(struct store *st, const char *kind, const char *owner, int64_t now, int ttl_s,
    const char *secret, const char *csrf, char *err, size_t errlen)
{
	unsigned char h[32];
	sqlite3_stmt *s;

	secret_hash(secret, h);
	s = bindv(st, "INSERT INTO credentials (hash, kind, owner, csrf, created_at, expires_at) "
	    "VALUES (?,?,?,?,?,?)", "isssii", (int64_t)0, kind, owner, csrf, now, now + (int64_t)ttl_s);
	sqlite3_bind_blob(s, 1, h, sizeof h, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, now);
	if (ttl_s <= 0)
		sqlite3_bind_null(s, 6);
	if (exec(st, s))
		return db_fail(st, err, errlen, "cannot store the credential");
	return 0;
}

int
store_device_add(struct store *st, const char *name, int64_t now, char *key, char *err, size_t errlen)
{
	/* The name travels in every signed slip: 1-16 of [A-Za-z0-9-]. */
	if (!valid_name(name) || strlen(name) > 16 || strpbrk(name, "_."))
		return errf(err, errlen, "device name: 1 to 16 letters, digits or '-'");
	new_secret("dk_", key, 80);
	if (tx_begin(st, err, errlen))
		return ST_ERR;
	if (exec(st, bindv(st, "INSERT INTO devices (name, created_at) VALUES (?,?) ON CONFLICT (name) "
	    "DO UPDATE SET active = 1", "si", name, now)) ||
	    cred_insert(st, "device", name, now, 0, key, NULL, err, errlen) ||
	    commit(st, err, errlen)) {
		db_fail(st, err, errlen, "cannot add the device");
		rollback(st);
		UNLOCK(st);
		return ST_ERR;
	}
	UNLOCK(st);
	return 0;
}

int
store_cred_new(struct store *st, const char *kind, const char *owner, int64_t now, int ttl_s,
    char *secret, char *csrf, char *err, size_t errlen)
{
	int failed = 0, rc;

	new_secret(strcmp(kind, "session") ? "st_" : "", secret, 80);
	if (csrf)
		new_secret("", csrf, 80);
	LOCK(st);
	if (scalar(st, bindv(st, "SELECT COUNT(*) FROM users WHERE login = ? AND active", "s", owner),
	    0, &failed) != 1) {
		UNLOCK(st);
		return errf(err, errlen, "no user '%s'", owner), ST_NOTFOUND;
	}
	/* Expired sessions are swept as new ones come. */
	exec(st, bindv(st, "DELETE FROM credentials WHERE expires_at IS NOT NULL AND expires_at < ?",
	    "i", now));
	rc = cred_insert(st, kind, owner, now, ttl_s, secret, csrf, err, errlen);
	UNLOCK(st);
	return rc ? ST_ERR : 0;
}

int
store_cred_check(struct store *st, const char *secret, int64_t now, char *kind, char *owner,
    char *role, char *csrf, char *err, size_t errlen)
{
	unsigned char h[32];
	sqlite3_stmt *s;
	int rc;

	secret_hash(secret, h);
	LOCK(st);
	s = bindv(st, "SELECT c.kind, c.owner, COALESCE(u.role, 'device'), c.csrf FROM credentials c "
	    "LEFT JOIN users u ON u.login = c.owner AND c.kind != 'device' "
	    "LEFT JOIN devices d ON d.name = c.owner AND c.kind = 'device' "
	    "WHERE c.hash = ? AND (c.expires_at IS NULL OR c.expires_at > ?) "
	    "AND (u.active OR d.active)", "ii", (int64_t)0, now);
	sqlite3_bind_blob(s, 1, h, sizeof h, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		col_text(s, 0, kind, 16);
		col_text(s, 1, owner, 48);
		col_text(s, 2, role, 16);
		if (csrf)
			col_text(s, 3, csrf, 80);
	}
	sqlite3_reset(s);
	UNLOCK(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return errf(err, errlen, "unknown or expired credential"), ST_DENIED;
	return db_fail(st, err, errlen, "cannot check the credential");
}

int
store_cred_revoke(struct store *st, const char *secret, char *err, size_t errlen)
{
	unsigned char h[32];
	sqlite3_stmt *s;

	secret_hash(secret, h);
	LOCK(st);
	s = q(st, "DELETE FROM credentials WHERE hash = ?");
	sqlite3_reset(s);
	sqlite3_bind_blob(s, 1, h, sizeof h, SQLITE_TRANSIENT);
	if (exec(st, s)) {
		UNLOCK(st);
		return db_fail(st, err, errlen, "cannot revoke");
	}
	UNLOCK(st);
	return 0;
}

/* -- audit log ----------------------------------------------------------- */

static void
audit_hash(const char *prev, int64_t id, int64_t at, const char *actor, const char *action,
    const char *detail, char hex[65])
{
	crypto_hash_sha256_state h;
	unsigned char d[32];
	char num[48];

	crypto_hash_sha256_init(&h);
	snprintf(num, sizeof num, "|%lld|%lld|", (long long)id, (long long)at);
	crypto_hash_sha256_update(&h, (const unsigned char *)prev, strlen(prev));
	crypto_hash_sha256_update(&h, (const unsigned char *)num, strlen(num));
	crypto_hash_sha256_update(&h, (const unsigned char *)actor, strlen(actor) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)action, strlen(action) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)detail, strlen(detail));
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(hex, 65, d, sizeof d);
}

/* Append one entry; the caller holds the lock and a transaction. */
static int
audit_in_tx(struct store *st, int64_t now, const char *actor, const char *action, const char *detail)
{
	sqlite3_stmt *s = q(st, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
	char prev[65] = "", hash[65];
	int64_t id = 1;
	int rc;

	sqlite3_reset(s);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0) + 1;
		col_text(s, 1, prev, sizeof prev);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	audit_hash(prev, id, now, actor, action, detail ? detail : "", hash);
	return exec(st, bindv(st, "INSERT INTO audit (id, at, actor, action, detail, prev, hash) "
	    "VALUES (?,?,?,?,?,?,?)", "iisssss", id, now, actor, action, detail ? detail : "", prev, hash));
}

int
store_audit(struct store *st, int64_t now, const char *actor, const char *action,
    const char *detail, char *err, size_t errlen)
{
	int rc = ST_OK;

	if (tx_begin(st, err, errlen))
		return ST_ERR;
	if (audit_in_tx(st, now, actor, action, detail))
		rc = db_fail(st, err, errlen, "cannot write the audit log");
	return tx_end(st, rc, err, errlen);
}

int
store_audit_verify(struct store *st, int *entries, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	char prev[65] = "", hash[65], stored_prev[65], stored[65], actor[64], action[64];
	char *detail;
	int64_t expect_id = 1;
	int rc = 0, n = 0, bad = 0;

	*entries = 0;
	LOCK(st);
	s = q(st, "SELECT id, at, actor, action, detail, prev, hash FROM audit ORDER BY id");
	sqlite3_reset(s);
	while (!bad && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0), at = sqlite3_column_int64(s, 1);
		const unsigned char *d = sqlite3_column_text(s, 4);
		col_text(s, 2, actor, sizeof actor);
		col_text(s, 3, action, sizeof action);
		col_text(s, 5, stored_prev, sizeof stored_prev);
		col_text(s, 6, stored, sizeof stored);
		detail = strdup(d ? (const char *)d : "");
		if (detail == NULL) {
			bad = errf(err, errlen, "out of memory");
			break;
		}
		if (id != expect_id)
			bad = errf(err, errlen, "entry %lld is missing (the log jumps from %lld to %lld): "
			    "entries were deleted", (long long)expect_id, (long long)expect_id - 1, (long long)id);
		else if (strcmp(stored_prev, prev) != 0)
			bad = errf(err, errlen, "entry %lld does not follow entry %lld: entries were "
			    "reordered, replaced or deleted", (long long)id, (long long)id - 1);
		else if (audit_hash(prev, id, at, actor, action, detail, hash), strcmp(hash, stored) != 0)
			bad = errf(err, errlen, "entry %lld was edited (its hash does not match its content)",
			    (long long)id);
		free(detail);
		snprintf(prev, sizeof prev, "%s", stored);
		expect_id = id + 1;
		n++;
	}
	sqlite3_reset(s);
	UNLOCK(st);
	*entries = n;
	return bad ? -1 : 0;
}

/* -- holders ------------------------------------------------------------- */

int
store_day_key(struct store *st, const char *day, unsigned char key[32], char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int rc;

	LOCK(st);
	s = bindv(st, "SELECT key FROM day_keys WHERE day = ?", "s", day);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == 32) {
		memcpy(key, sqlite3_column_blob(s, 0), 32);
		sqlite3_reset(s);
		UNLOCK(st);
		return 0;
	}
	sqlite3_reset(s);
	randombytes_buf(key, 32);
	s = bindv(st, "INSERT OR IGNORE INTO day_keys (day, key) VALUES (?, ?)", "si", day, (int64_t)0);
	sqlite3_bind_blob(s, 2, key, 32, SQLITE_TRANSIENT);
	if (exec(st, s)) {
		UNLOCK(st);
		return db_fail(st, err, errlen, "cannot store the day key");
	}
	/* Another process may have won the race: read back the stored key. */
	s = bindv(st, "SELECT key FROM day_keys WHERE day = ?", "s", day);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 0) == 32)
		memcpy(key, sqlite3_column_blob(s, 0), 32);
	sqlite3_reset(s);
	UNLOCK(st);
	return rc == SQLITE_ROW ? 0 : db_fail(st, err, errlen, "cannot read the day key");
}

int
store_holder_match(struct store *st, int64_t id, const unsigned char hash[32], char *err,
    size_t errlen)
{
	sqlite3_stmt *s;
	int rc, match = 0;

	LOCK(st);
	s = bindv(st, "SELECT holder_hash FROM tickets WHERE id = ?", "i", id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == 32)
		match = sodium_memcmp(sqlite3_column_blob(s, 0), hash, 32) == 0;
	sqlite3_reset(s);
	UNLOCK(st);
	if (rc == SQLITE_DONE)
		return errf(err, errlen, "no ticket %lld", (long long)id), ST_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_fail(st, err, errlen, "cannot read the ticket");
	return match;
}

/* -- attestations -------------------------------------------------------- */

int
store_attest(struct store *st, char service, const char *lang, const char *device,
    int64_t now, store_sign_att_fn sign, void *sign_ctx, struct attestation *a,
    char *err, size_t errlen)
{
	char svc[2] = { service, 0 };

	queue_local_day(now, a->day);
	a->service = service;
	a->issued_at = now;
	snprintf(a->device, sizeof a->device, "%s", device);
	snprintf(a->lang, sizeof a->lang, "%s", lang);
	snprintf(a->outcome, sizeof a->outcome, "full");
	if (a->attempt < 1) {
		a->attempt = 1;
		a->weeks = 1;
		snprintf(a->first_date, sizeof a->first_date, "%.4s%.2s%.2s", a->day, a->day + 5, a->day + 8);
	}
	if (tx_begin(st, err, errlen))
		return ST_ERR;
	if (exec(st, bindv(st, "INSERT INTO attestations (day, service, issued_at, device, lang, outcome, "
	    "attempt, first_date, weeks) VALUES (?,?,?,?,?,?,?,?,?)", "ssisssisi", a->day, svc, now,
	    device, lang, a->outcome, (int64_t)a->attempt, a->first_date, (int64_t)a->weeks)))
		goto dbfail;
	a->id = sqlite3_last_insert_rowid(st->db);
	if (sign(sign_ctx, a, a->token, sizeof a->token) != 0) {
		rollback(st);
		UNLOCK(st);
		return errf(err, errlen, "cannot sign the attestation"), ST_ERR;
	}
	if (exec(st, bindv(st, "UPDATE attestations SET token = ? WHERE id = ?", "si", a->token, a->id)) ||
	    event(st, now, a->day, "attestation", 0, service, 0, device, a->outcome) ||
	    count_slip(st, a->day, service, 0))
		goto dbfail;
	return tx_end(st, ST_OK, err, errlen);
dbfail:
	db_fail(st, err, errlen, "cannot issue the attestation");
	return tx_end(st, ST_ERR, err, errlen);
}

int
store_attest_printed(struct store *st, int64_t id, const char *device, const char *status,
    const char *reason, int64_t now, char *err, size_t errlen)
{
	int rc;

	char day[11] = "", svc[4] = "";
	sqlite3_stmt *s;

	LOCK(st);
	s = bindv(st, "SELECT day, service FROM attestations WHERE id = ? AND device = ?", "is", id, device);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		col_text(s, 0, day, sizeof day);
		col_text(s, 1, svc, sizeof svc);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		UNLOCK(st);
		if (rc == SQLITE_DONE)
			return errf(err, errlen, "no attestation %lld from this kiosk", (long long)id),
			    ST_NOTFOUND;
		return db_fail(st, err, errlen, "cannot read the attestation");
	}
	if (begin(st, err, errlen)) {
		UNLOCK(st);
		return ST_ERR;
	}
	rc = ST_OK;
	if (exec(st, bindv(st, "UPDATE attestations SET print_state = ?, print_reason = ? WHERE id = ?",
	    "ssi", status, reason, id)) ||
	    event(st, now, day, strcmp(status, "failed") ? "print" : "print_failed", 0, svc[0], 0,
	    device, reason) || count_slip(st, day, svc[0], 1))
		rc = db_fail(st, err, errlen, "cannot record printing");
	return tx_end(st, rc, err, errlen);
}

/* -- refusals and alerts ------------------------------------------------- */

int
store_refusal(struct store *st, const char *day, const char *kind, char service,
    const char *device, int64_t now, char *err, size_t errlen)
{
	int rc;
	LOCK(st);
	rc = event(st, now, day, kind, 0, service, 0, device, NULL);
	UNLOCK(st);
	return rc ? db_fail(st, err, errlen, "cannot record the refusal") : 0;
}

/*
 * Store an alert unless the same (day, kind, subject) exists; 1 if new.
 * Most checks find nothing new: the write transaction (and its fsync) is
 * only opened for a new alert, and *in_tx tells the caller to commit.
 */
static int
alert_once(struct store *st, int *in_tx, int64_t now, const char *day, const char *kind,
    const char *subject, const char *message, struct alert *out)
{
	int failed = 0;

	if (scalar(st, bindv(st, "SELECT COUNT(*) FROM alerts WHERE day = ? AND kind = ? AND "
	    "subject = ?", "sss", day, kind, subject), 0, &failed) > 0)
		return failed ? -1 : 0;
	if (failed)
		return -1;
	if (!*in_tx) {
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			return -1;
		*in_tx = 1;
	}
	if (exec(st, bindv(st, "INSERT OR IGNORE INTO alerts (at, day, kind, subject, message) "
	    "VALUES (?,?,?,?,?)", "issss", now, day, kind, subject, message)))
		return -1;
	if (sqlite3_changes(st->db) != 1)
		return 0;
	out->id = sqlite3_last_insert_rowid(st->db);
	out->at = now;
	snprintf(out->kind, sizeof out->kind, "%s", kind);
	snprintf(out->subject, sizeof out->subject, "%s", subject);
	snprintf(out->message, sizeof out->message, "%s", message);
	return 1;
}

int
store_alerts_check(struct store *st, const struct site *site, unsigned checks,
    const char *device, int64_t now, struct alert *out, int max, char *err, size_t errlen)
{
	const struct site_alerts *t = &site->alerts;
	char day[11], subject[64], msg[200];
	int n = 0, failed = 0, rc = 0, minute, wday, in_tx = 0;
	int64_t k;
	sqlite3_stmt *s;

	queue_local_day(now, day);
	queue_local_minute(now, &minute, &wday);
	LOCK(st);
#define ALERT(kind, subj, ...) do { \
		snprintf(msg, sizeof msg, __VA_ARGS__); \
		if (n < max && (rc = alert_once(st, &in_tx, now, day, kind, subj, msg, &out[n])) < 0) \
			goto dbfail; \
		if (n < max && rc == 1) \
			n++; \
	} while (0)
	if ((checks & AC_BURST) && t->burst_per_minute && device) {
		k = scalar(st, bindv(st, "SELECT COUNT(*) FROM events WHERE kind IN ('issue', "
		    "'attestation') AND agent = ? AND at > ?", "si", device, now - 60), 0, &failed);
		snprintf(subject, sizeof subject, "%s %02dh", device, minute / 60);
		if (k >= t->burst_per_minute)
			ALERT("burst", subject, "la borne %s a délivré %lld tickets en une minute (seuil %d) : "
			    "vérifier qui est à la borne", device, (long long)k, t->burst_per_minute);
	}
	if ((checks & AC_HOLDER) && t->holder_refusals) {
		s = bindv(st, "SELECT t.number, COUNT(*) FROM events e JOIN tickets t ON t.id = e.ticket "
		    "WHERE e.day = ? AND e.kind = 'duplicate' GROUP BY e.ticket HAVING COUNT(*) >= ?", "si",
		    day, (int64_t)t->holder_refusals);
		while (sqlite3_step(s) == SQLITE_ROW && n < max) {
			char number[16];
			int c = sqlite3_column_int(s, 1);
			col_text(s, 0, number, sizeof number);
			snprintf(msg, sizeof msg, "le titulaire du ticket %s a redemandé un ticket %d fois "
			    "aujourd'hui (seuil %d)", number, c, t->holder_refusals);
			if ((rc = alert_once(st, &in_tx, now, day, "holder_refusals", number, msg,
			    &out[n])) < 0) {
				sqlite3_reset(s);
				goto dbfail;
			}
			n += rc;
		}
		sqlite3_reset(s);
	}
	if ((checks & AC_CLOSED) && t->outside_hours) {
		k = scalar(st, bindv(st, "SELECT COUNT(*) FROM events WHERE day = ? AND kind = "
		    "'refused_closed'", "s", day), 0, &failed);
		if (k >= t->outside_hours)
			ALERT("outside_hours", "", "%lld demandes de ticket pendant la fermeture "
			    "aujourd'hui (seuil %d)", (long long)k, t->outside_hours);
	}
	if ((checks & AC_REPRINT) && t->reprints_per_hour) {
		k = scalar(st, bindv(st, "SELECT COUNT(*) FROM events WHERE kind IN ('reprint', "
		    "'duplicate') AND at > ?", "i", now - 3600), 0, &failed);
		snprintf(subject, sizeof subject, "%02dh", minute / 60);
		if (k >= t->reprints_per_hour)
			ALERT("reprints", subject, "%lld réimpressions dans la dernière heure (seuil %d)",
			    (long long)k, t->reprints_per_hour);
	}
	if ((checks & AC_PAPER) && t->paper_ratio) {
		int64_t slips = scalar(st, bindv(st, "SELECT SUM(prints) FROM day_counts WHERE day = ?",
		    "s", day), 0, &failed);
		int64_t issued = scalar(st, bindv(st, "SELECT SUM(ordinary + priority + attestations) "
		    "FROM day_counts WHERE day = ?", "s", day), 0, &failed);
		if (slips >= 20 && slips * 100 > issued * t->paper_ratio)
			ALERT("paper", "", "%lld impressions pour %lld tickets et attestations aujourd'hui "
			    "(seuil %d %%) : consommation de papier anormale", (long long)slips,
			    (long long)issued, t->paper_ratio);
	}
#undef ALERT
	if (failed)
		goto dbfail;
	if (in_tx && commit(st, err, errlen)) {
		UNLOCK(st);
		return ST_ERR;
	}
	UNLOCK(st);
	return n;
dbfail:
	db_fail(st, err, errlen, "cannot check alerts");
	rollback(st);
	UNLOCK(st);
	return ST_ERR;
}

int
store_alerts_today(struct store *st, const char *day, struct alert *out, int max,
    char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int n = 0, rc;

	LOCK(st);
	s = bindv(st, "SELECT id, at, kind, subject, message FROM alerts WHERE day = ? ORDER BY id DESC "
	    "LIMIT ?", "si", day, (int64_t)max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < max) {
		out[n].id = sqlite3_column_int64(s, 0);
		out[n].at = sqlite3_column_int64(s, 1);
		col_text(s, 2, out[n].kind, sizeof out[n].kind);
		col_text(s, 3, out[n].subject, sizeof out[n].subject);
		col_text(s, 4, out[n].message, sizeof out[n].message);
		n++;
	}
	sqlite3_reset(s);
	UNLOCK(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, err, errlen, "cannot read alerts");
	return n;
}

/* -- open figures -------------------------------------------------------- */

int
store_stats(struct store *st, const char *day, struct stat_row *out, int max, char *err,
    size_t errlen)
{
	sqlite3_stmt *s;
	char codes[SITE_MAX_SERVICES + 1] = "";
	int nc = 0, i, h, n = 0, failed = 0;
	int *waits = NULL, cap = 0;

	LOCK(st);
	s = q(st, "SELECT code FROM services WHERE active ORDER BY position");
	sqlite3_reset(s);
	while (sqlite3_step(s) == SQLITE_ROW && nc < SITE_MAX_SERVICES)
		codes[nc++] = (char)sqlite3_column_text(s, 0)[0];
	sqlite3_reset(s);
	for (i = 0; i < nc && !failed; i++) {
		char c[2] = { codes[i], 0 };
		for (h = -1; h < 24 && n < max; h++) {
			struct stat_row *r = &out[n];
			/* Hour h of the local day; -1 is the whole day. */
			int64_t lo = h < 0 ? 0 : h, hi = h < 0 ? 23 : h;
			int nw = 0;
			memset(r, 0, sizeof *r);
			r->service = codes[i];
			r->hour = h;
			s = bindv(st, "SELECT e.kind, COUNT(*) FROM events e WHERE e.day = ? AND e.service = ? "
			    "AND CAST(strftime('%H', e.at, 'unixepoch', 'localtime') AS INTEGER) BETWEEN ? AND ? "
			    "GROUP BY e.kind", "ssii", day, c, lo, hi);
			while (sqlite3_step(s) == SQLITE_ROW) {
				const char *k = (const char *)sqlite3_column_text(s, 0);
				int v = sqlite3_column_int(s, 1);
				if (!strcmp(k, "issue")) r->issued = v;
				else if (!strcmp(k, "done")) r->served = v;
				else if (!strcmp(k, "no_show")) r->no_show = v;
				else if (!strcmp(k, "not_served")) r->not_served = v;
				else if (!strcmp(k, "attestation")) r->attestations = v;
				else if (!strcmp(k, "duplicate")) r->refused_duplicates = v;
			}
			sqlite3_reset(s);
			if (h < 0) {
				/* Days past retention survive as daily totals. */
				s = bindv(st, "SELECT kind, n FROM daily_totals WHERE day = ? AND service = ?",
				    "ss", day, c);
				while (sqlite3_step(s) == SQLITE_ROW) {
					const char *k = (const char *)sqlite3_column_text(s, 0);
					int v = sqlite3_column_int(s, 1);
					if (!strcmp(k, "issue")) r->issued += v;
					else if (!strcmp(k, "done")) r->served += v;
					else if (!strcmp(k, "no_show")) r->no_show += v;
					else if (!strcmp(k, "not_served")) r->not_served += v;
					else if (!strcmp(k, "attestation")) r->attestations += v;
					else if (!strcmp(k, "duplicate")) r->refused_duplicates += v;
				}
				sqlite3_reset(s);
			}
			s = bindv(st, "SELECT called_at - issued_at FROM tickets WHERE day = ? AND service = ? "
			    "AND called_at > 0 AND CAST(strftime('%H', issued_at, 'unixepoch', 'localtime') AS "
			    "INTEGER) BETWEEN ? AND ?", "ssii", day, c, lo, hi);
			while (sqlite3_step(s) == SQLITE_ROW) {
				if (nw == cap) {
					int *w = realloc(waits, (size_t)(cap = cap ? cap * 2 : 256) * sizeof *w);
					if (w == NULL) {
						failed = 1;
						break;
					}
					waits = w;
				}
				waits[nw++] = sqlite3_column_int(s, 0);
			}
			sqlite3_reset(s);
			r->wait_p50_s = percentile(waits, nw, 50);
			r->wait_p90_s = percentile(waits, nw, 90);
			r->service_avg_s = (int)scalar(st, bindv(st, "SELECT AVG(finished_at - called_at) FROM "
			    "tickets WHERE day = ? AND service = ? AND state = 'served' AND CAST(strftime('%H', "
			    "called_at, 'unixepoch', 'localtime') AS INTEGER) BETWEEN ? AND ?", "ssii", day, c,
			    lo, hi), 0, &failed);
			n++;
		}
	}
	UNLOCK(st);
	free(waits);
	if (failed)
		return db_fail(st, err, errlen, "cannot compute the figures");
	return n;
}

int64_t
store_total(struct store *st, const char *kind, char service)
{
	char c[2] = { service, 0 };
	int failed = 0;
	int64_t v;

	LOCK(st);
	v = scalar(st, bindv(st, "SELECT (SELECT COUNT(*) FROM events WHERE kind = ?1 AND service = ?2) + "
	    "(SELECT COALESCE(SUM(n), 0) FROM daily_totals WHERE kind = ?1 AND service = ?2)", "ss",
	    kind, c), 0, &failed);
	UNLOCK(st);
	return failed ? -1 : v;
}

/* -- retention ----------------------------------------------------------- */

int
store_retention(struct store *st, const struct site *site, int64_t now, char *err, size_t errlen)
{
	char today[11], holder_limit[11], event_limit[11];
	int holders, events;

	queue_local_day(now, today);
	queue_local_day(now - (int64_t)site->privacy.holder_days * 86400, holder_limit);
	queue_local_day(now - (int64_t)site->privacy.events_months * 31 * 86400, event_limit);
	if (tx_begin(st, err, errlen))
		return ST_ERR;
	/* Holder data: gone once its day is over (plus holder_days). */
	if (exec(st, bindv(st, "UPDATE tickets SET holder_hash = NULL, holder_mask = NULL WHERE "
	    "day < ? AND (holder_hash IS NOT NULL OR holder_mask IS NOT NULL)", "s", holder_limit)))
		goto dbfail;
	holders = sqlite3_changes(st->db);
	if (exec(st, bindv(st, "DELETE FROM day_keys WHERE day < ?", "s", holder_limit)))
		goto dbfail;
	/* Anonymous events: detail for events_months, then daily totals. */
	if (exec(st, bindv(st, "INSERT INTO daily_totals (day, service, kind, n) SELECT day, "
	    "COALESCE(service, ''), kind, COUNT(*) FROM events WHERE day < ? GROUP BY day, service, kind "
	    "ON CONFLICT (day, service, kind) DO UPDATE SET n = n + excluded.n", "s", event_limit)) ||
	    exec(st, bindv(st, "DELETE FROM events WHERE day < ?", "s", event_limit)))
		goto dbfail;
	events = sqlite3_changes(st->db);
	if (exec(st, bindv(st, "DELETE FROM tickets WHERE day < ?", "s", event_limit)) ||
	    exec(st, bindv(st, "DELETE FROM attestations WHERE day < ?", "s", event_limit)) ||
	    exec(st, bindv(st, "DELETE FROM streaks WHERE day < ?", "s", today)) ||
	    exec(st, bindv(st, "DELETE FROM day_counts WHERE day < ?", "s", event_limit)) ||
	    exec(st, bindv(st, "DELETE FROM alerts WHERE day < ?", "s", event_limit)))
		goto dbfail;
	if (commit(st, err, errlen)) {
		UNLOCK(st);
		return ST_ERR;
	}
	/* Deleted pages must not linger in the WAL either. */
	if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		log_warnx("store: retention: WAL checkpoint deferred: %s", sqlite3_errmsg(st->db));
	UNLOCK(st);
	if (holders || events)
		log_info("store: retention: holder data removed from %d tickets, %d old events reduced "
		    "to daily totals", holders, events);
	return 0;
dbfail:
	db_fail(st, err, errlen, "cannot apply retention");
	rollback(st);
	UNLOCK(st);
	return ST_ERR;
}
