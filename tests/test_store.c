/*
 * test_store: the store's row interface (store/store.h) on its SQLite
 * engine, with real database files in a temporary directory. What the
 * store wrote is checked through the interface and, where it matters,
 * through a separate SQLite connection (what is really in the file).
 *
 * Covered: opening, migrating, refusing a newer schema or a damaged file
 * and leaving it untouched; backup; rows of every concern; the state guard
 * of store_ticket_update; waiting counts kept by triggers; day counts and
 * keys; alerts stored once; event counts; the audit chain catching an
 * edited and a deleted entry; local hours across both daylight-saving
 * changes; group commit (many threads, one batch, a request undone alone,
 * nobody answered before the commit); one snapshot per store_read; and
 * storage failures with a readable reason: a statement that no longer
 * prepares, a database locked by another process, a full disk, an I/O
 * error at commit (through a VFS shim, SQLite's own seam).
 *
 * Queue rules are the desk's: the tickets here are written as the desk
 * would, without the rules.
 *
 * With KIOSK_TEST_PG set (see fixture.h) the same tests run on the
 * PostgreSQL engine, each database file becoming a database of its own;
 * what only SQLite's file has (WAL, the file's bytes, its query plans, the
 * VFS, max_page_count, its group commit's batches) stays SQLite's, and
 * PostgreSQL's equivalents are tested where there are some.
 */
#include <glob.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/queue.h"
#include "core/site.h"
#include "store/store.h"
#include "store/sqlite_int.h"   /* the batch gate and the full-disk test only */
#include "fixture.h"

static char dir[256];
static struct site site;

/* Friday 27 November 2026, 10:00 in Paris (CET, UTC+1). */
#define T0 utc(2026, 11, 27, 9, 0, 0)
#define D0 "2026-11-27"
#define D1 "2026-11-26"

static const unsigned char H1[32] = { 1, 2, 3 };   /* two holder hashes */
static const unsigned char H2[32] = { 9, 8, 7 };

static void
make_site(struct site *s)
{
	static const char *const counters[] = { "AB", "BA", "B", "C" };
	int d, i;

	memset(s, 0, sizeof *s);
	snprintf(s->id, sizeof s->id, "test-93");
	snprintf(s->name, sizeof s->name, "Préfecture de test");
	snprintf(s->tz, sizeof s->tz, "Europe/Paris");
	for (d = 0; d < 7; d++) {
		s->hours[d].open_min = d ? 8 * 60 + 30 : -1;
		s->hours[d].close_min = d ? 24 * 60 : -1;
	}
	s->max_recalls = 2;
	s->priority_streak = 3;
	s->reprint_limit = 2;
	s->default_service_s = 600;
	s->alerts = (struct site_alerts){ 8, 3, 4, 6, 150, 5 };
	s->privacy = (struct site_privacy){ 12, 1 };
	s->nservices = 3;
	s->services[0] = (struct site_service){ .code = 'A', .name = "Titres de séjour",
		.capacity = 500, .priority_reserve = 5 };
	s->services[0].names[0] = (struct service_name){ "en", "Residence permits" };
	s->services[0].names[1] = (struct service_name){ "ar", "تصاريح الإقامة" };
	s->services[0].nnames = 2;
	s->services[1] = (struct site_service){ .code = 'B', .name = "Naturalisation",
		.capacity = 300, .bind_holder = 1 };
	s->services[2] = (struct site_service){ .code = 'C', .name = "Accueil", .capacity = 3,
		.priority_reserve = 1 };
	s->ncounters = 4;
	for (i = 0; i < 4; i++) {
		s->counters[i].n = i + 1;
		snprintf(s->counters[i].name, sizeof s->counters[i].name, "Guichet %d", i + 1);
		snprintf(s->counters[i].services, sizeof s->counters[i].services, "%s", counters[i]);
	}
}

/* -- files and connections ---------------------------------------------------- */

static void
path_of(char *out, size_t len, const char *name)
{
	fixture_path(out, len, dir, name);
}

static int
exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static void
remove_db(const char *name)
{
	char path[400], side[420];

	path_of(path, sizeof path, name);
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

/* store_write / store_read, telling why on a storage failure. */
static int
wr(struct store *st, store_fn fn, void *arg)
{
	char err[400] = "";
	int rc = store_write(st, fn, arg, err, sizeof err);

	if (rc == ST_ERR)
		fprintf(stderr, "store_write: %s\n", err);
	return rc;
}

static int
rd(struct store *st, store_fn fn, void *arg)
{
	char err[400] = "";
	int rc = store_read(st, fn, arg, err, sizeof err);

	if (rc == ST_ERR)
		fprintf(stderr, "store_read: %s\n", err);
	return rc;
}

static int
put_site(struct store *st, void *arg)
{
	return store_site_put(st, arg);
}

/* A new database with the test site. */
static struct store *
fresh(const char *name)
{
	char path[400], err[400] = "";
	struct store *st;

	char db[600];

	remove_db(name);
	path_of(path, sizeof path, name);
	fixture_db(db, sizeof db, path, 1);
	st = store_open(db, err, sizeof err);
	if (st == NULL)
		fprintf(stderr, "store_open %s: %s\n", path, err);
	REQUIRE(st != NULL);
	REQUIRE(wr(st, put_site, &site) == ST_OK);
	return st;
}

/* One number from the file itself, through a separate read-only connection. */
static long long
sql1(const char *name, const char *sql)
{
	char path[400];

	path_of(path, sizeof path, name);
	return fixture_sql1(path, sql);
}

/* Change the file behind the store's back (another process would):
 * SQLITE_OK (0), or -1 refused. */
static int
sqlx(const char *name, const char *sql)
{
	char path[400];

	path_of(path, sizeof path, name);
	return fixture_exec_rc(path, sql, 1) == 0 ? SQLITE_OK : -1;
}

static size_t
slurp(const char *path, unsigned char **out)
{
	FILE *f = fopen(path, "rb");
	long n;

	*out = NULL;
	if (f == NULL)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*out = malloc((size_t)n + 1);
	if (*out == NULL || fread(*out, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	fclose(f);
	return (size_t)n;
}

static void
copy_file(const char *from, const char *to)
{
	unsigned char *b;
	size_t n = slurp(from, &b);
	FILE *f = fopen(to, "wb");

	REQUIRE(n > 0 && f != NULL);
	REQUIRE(fwrite(b, 1, n, f) == n);
	fclose(f);
	free(b);
}

/* Copy a closed database (its WAL is checkpointed away on close). */
static void
copy_db(const char *from, const char *to)
{
	char a[400], b[400];

	remove_db(to);
	path_of(a, sizeof a, from);
	path_of(b, sizeof b, to);
	if (fixture_pg()) {   /* a copy made by the server, from the closed one */
		char da[600], db[600], sql[200], pg[600];
		PGconn *c;
		PGresult *r;
		fixture_db(da, sizeof da, a, 0);
		fixture_db(db, sizeof db, b, 0);
		snprintf(pg, sizeof pg, "%s dbname=postgres", fixture_pg());
		c = PQconnectdb(pg);
		REQUIRE(PQstatus(c) == CONNECTION_OK);
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)",
		    strstr(db, "dbname=") + 7);
		PQclear(PQexec(c, sql));
		snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s", strstr(db, "dbname=") + 7,
		    strstr(da, "dbname=") + 7);
		r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fprintf(stderr, "copy_db: %s", PQerrorMessage(c));
		REQUIRE(PQresultStatus(r) == PGRES_COMMAND_OK);
		PQclear(r);
		PQfinish(c);
		return;
	}
	copy_file(a, b);
}

static struct store *
reopen(const char *name)
{
	char path[400], err[400] = "";
	struct store *st;

	char db[600];

	path_of(path, sizeof path, name);
	fixture_db(db, sizeof db, path, 0);
	st = store_open(db, err, sizeof err);
	if (st == NULL)
		fprintf(stderr, "store_open %s: %s\n", path, err);
	REQUIRE(st != NULL);
	return st;
}

/* -- tickets as the desk writes them --------------------------------------------- */

/* The queue figures' parts, one at a time (-1: the read failed). */
static int
waiting(struct store *st, const char *day, char queue, int priority)
{
	struct queue_figures q;

	return store_queue_figures(st, day, queue, &q) == ST_OK ? q.waiting[priority != 0] : -1;
}

static int
counters_open_for(struct store *st, char queue)
{
	struct queue_figures q;

	return store_queue_figures(st, "2000-01-01", queue, &q) == ST_OK ? q.open_counters : -1;
}

static int64_t
next_id(struct store *st)
{
	int64_t id;
	int seq;

	return store_ticket_next(st, "2000-01-01", 'A', &id, &seq) == ST_OK ? id : -1;
}

static int
last_seq(struct store *st, const char *day, char service)
{
	int64_t id;
	int seq;

	return store_ticket_next(st, day, service, &id, &seq) == ST_OK ? seq : -1;
}

struct issue_arg {
	char service;
	int priority;
	int64_t at;
	const unsigned char *holder;   /* NULL: not bound */
	struct ticket t;               /* OUT: as stored */
	const char *device;            /* NULL: kiosk-1 */
};

static int
issue_fn(struct store *st, void *p)
{
	struct issue_arg *a = p;
	struct ticket *t = &a->t;
	int64_t id;
	int seq;

	memset(t, 0, sizeof *t);
	queue_local_day(a->at, t->day);
	if (store_ticket_next(st, t->day, a->service, &id, &seq) != ST_OK)
		return ST_ERR;
	t->id = id;
	t->service = t->queue = a->service;
	t->seq = seq + 1;
	queue_format_number(a->service, t->seq, t->number, sizeof t->number);
	snprintf(t->lang, sizeof t->lang, "fr");
	t->priority = a->priority;
	t->state = TS_WAITING;
	t->issued_at = a->at;
	snprintf(t->device, sizeof t->device, "%s", a->device ? a->device : "kiosk-1");
	snprintf(t->print_device, sizeof t->print_device, "kiosk-1");
	snprintf(t->token, sizeof t->token, "signed-%lld", (long long)id);
	if (a->holder)
		snprintf(t->holder_mask, sizeof t->holder_mask, "•••4B7");
	if (store_ticket_insert(st, t, a->holder) != ST_OK)
		return ST_ERR;
	return store_ticket_get(st, id, t);
}

static struct ticket
issue(struct store *st, char service, int priority, int64_t at)
{
	struct issue_arg a = { service, priority, at, NULL, { 0 }, NULL };

	REQUIRE(wr(st, issue_fn, &a) == ST_OK);
	return a.t;
}

struct update_arg {
	struct ticket t;
	int from;
};

static int
update_fn(struct store *st, void *p)
{
	struct update_arg *a = p;
	return store_ticket_update(st, &a->t, a->from);
}

/* Move t to state `to` (and queue), as a verb would. */
static int
move(struct store *st, struct ticket *t, int to, char queue, int64_t at)
{
	struct update_arg a;
	int rc;

	a.t = *t;
	a.from = t->state;
	a.t.state = to;
	a.t.queue = queue;
	if (to == TS_CALLED) {
		a.t.called_at = at;
		a.t.counter = 1;
	} else if (to != TS_WAITING) {
		a.t.finished_at = at;
	}
	if ((rc = wr(st, update_fn, &a)) == ST_OK)
		*t = a.t;
	return rc;
}

static int
ev(struct store *st, int64_t at, const char *kind, int64_t ticket, char service, int counter,
    const char *agent)
{
	char day[11];
	struct store_event e = { at, day, kind, ticket, service, counter, agent, NULL };

	queue_local_day(at, day);
	return store_event_add(st, &e);
}


/* -- site ---------------------------------------------------------------------- */

static int
site_none(struct store *st, void *p)
{
	struct site got;

	(void)p;
	CHECK_INT(store_site_get(st, &got), ST_NOTFOUND);
	return ST_OK;
}

static int
site_same(struct store *st, void *p)
{
	const struct site *want = p;
	struct site got;
	int i;

	REQUIRE(store_site_get(st, &got) == ST_OK);
	CHECK_STR(got.id, want->id);
	CHECK_STR(got.name, want->name);
	CHECK_STR(got.tz, want->tz);
	for (i = 0; i < 7; i++) {
		CHECK_INT(got.hours[i].open_min, want->hours[i].open_min);
		CHECK_INT(got.hours[i].close_min, want->hours[i].close_min);
	}
	CHECK_INT(got.max_recalls, 2);
	CHECK_INT(got.priority_streak, 3);
	CHECK_INT(got.default_service_s, 600);
	CHECK_INT(got.alerts.outside_hours, 4);
	CHECK_INT(got.alerts.paper_ratio, 150);
	CHECK_INT(got.privacy.holder_days, 1);
	CHECK_INT(got.nservices, want->nservices);
	CHECK_INT(got.ncounters, want->ncounters);
	CHECK_INT(got.services[0].code, 'A');
	CHECK_INT(got.services[0].capacity, 500);
	CHECK_INT(got.services[0].priority_reserve, 5);
	CHECK_INT(got.services[0].nnames, 2);
	CHECK_STR(got.services[0].names[0].lang, "ar");   /* by language */
	CHECK_STR(got.services[0].names[1].name, "Residence permits");
	CHECK_INT(got.services[1].bind_holder, 1);
	for (i = 0; i < got.ncounters; i++) {
		CHECK_INT(got.counters[i].n, want->counters[i].n);
		CHECK_STR(got.counters[i].name, want->counters[i].name);
		CHECK_STR(got.counters[i].services, want->counters[i].services);
	}
	return ST_OK;
}

static int
pause_3(struct store *st, void *p)
{
	(void)p;
	CHECK_INT(store_counter_set_state(st, 3, "paused"), ST_OK);
	CHECK_INT(store_counter_set_state(st, 42, "open"), ST_NOTFOUND);
	return ST_OK;
}

static int
counters_after_edit(struct store *st, void *p)
{
	struct counter_row c[8];

	(void)p;
	CHECK_INT(store_counter_list(st, c, 8), 3);
	CHECK_STR(c[0].name, "Accueil 1");
	CHECK_INT(store_counter_get(st, 3, &c[0]), ST_OK);
	CHECK_STR(c[0].state, "paused");                /* kept across a site change */
	CHECK_INT(store_counter_get(st, 4, &c[0]), ST_NOTFOUND);   /* no longer in the site */
	CHECK_INT(store_counter_list(st, c, 2), 2);
	return ST_OK;
}

static void
test_site(void)
{
	char path[400], err[400];
	struct store *st;
	struct site edited = site;

	char db[600];

	remove_db("site.db");
	path_of(path, sizeof path, "site.db");
	fixture_db(db, sizeof db, path, 1);
	st = store_open(db, err, sizeof err);
	REQUIRE(st != NULL);
	CHECK_INT(rd(st, site_none, NULL), ST_OK);
	CHECK_INT(wr(st, put_site, &site), ST_OK);
	CHECK_INT(rd(st, site_same, &site), ST_OK);
	/* Putting it again changes nothing. */
	CHECK_INT(wr(st, put_site, &site), ST_OK);
	CHECK_INT(rd(st, site_same, &site), ST_OK);
	/* A service and a counter removed, a counter renamed; states stay. */
	CHECK_INT(wr(st, pause_3, NULL), ST_OK);
	edited.nservices = 2;
	edited.ncounters = 3;
	snprintf(edited.counters[0].name, sizeof edited.counters[0].name, "Accueil 1");
	CHECK_INT(wr(st, put_site, &edited), ST_OK);
	CHECK_INT(rd(st, site_same, &edited), ST_OK);
	CHECK_INT(rd(st, counters_after_edit, NULL), ST_OK);
	store_close(st);
}

/* -- tickets ---------------------------------------------------------------------- */

static int
tickets_rows(struct store *st, void *p)
{
	struct issue_arg a = { 'B', 0, T0, H1, { 0 }, NULL };
	struct ticket t, g;

	(void)p;
	CHECK_INT(next_id(st), 1);
	CHECK_INT(last_seq(st, D0, 'B'), 0);
	REQUIRE(issue_fn(st, &a) == ST_OK);
	t = a.t;
	CHECK_INT(t.id, 1);
	CHECK_STR(t.day, D0);
	CHECK_INT(t.service, 'B');
	CHECK_INT(t.queue, 'B');
	CHECK_INT(t.seq, 1);
	CHECK_STR(t.number, "B001");
	CHECK_STR(t.lang, "fr");
	CHECK_INT(t.state, TS_WAITING);
	CHECK_INT(t.issued_at, T0);
	CHECK_INT(t.called_at, 0);
	CHECK_INT(t.finished_at, 0);
	CHECK_INT(t.counter, 0);
	CHECK_STR(t.counter_name, "");
	CHECK_STR(t.agent, "");
	CHECK_STR(t.outcome, "");
	CHECK_STR(t.device, "kiosk-1");
	CHECK_STR(t.print_device, "kiosk-1");
	CHECK_STR(t.token, "signed-1");
	CHECK_STR(t.print_state, "pending");
	CHECK_STR(t.print_reason, "");
	CHECK_STR(t.holder_mask, "•••4B7");
	CHECK_INT(t.position, 0);                 /* the desk's */
	CHECK_INT(t.estimated_wait_s, 0);
	CHECK_INT(next_id(st), 2);
	CHECK_INT(last_seq(st, D0, 'B'), 1);
	CHECK_INT(last_seq(st, D1, 'B'), 0);
	/* Lookups. */
	CHECK_INT(store_ticket_by_number(st, D0, "B001", &g), ST_OK);
	CHECK_INT(g.id, 1);
	CHECK_INT(store_ticket_by_number(st, D1, "B001", &g), ST_NOTFOUND);
	CHECK_INT(store_ticket_get(st, 99, &g), ST_NOTFOUND);
	CHECK_INT(store_ticket_of_holder(st, D0, 'B', H1, &g), ST_OK);
	CHECK_INT(g.id, 1);
	CHECK_INT(store_ticket_of_holder(st, D0, 'B', H2, &g), ST_NOTFOUND);
	CHECK_INT(store_ticket_of_holder(st, D0, 'A', H1, &g), ST_NOTFOUND);
	CHECK_INT(store_ticket_holder_is(st, 1, H1), 1);
	CHECK_INT(store_ticket_holder_is(st, 1, H2), 0);
	CHECK_INT(store_ticket_holder_is(st, 99, H1), ST_NOTFOUND);
	CHECK_INT(store_ticket_at_counter(st, 2, &g), ST_NOTFOUND);
	/* A second insert of the same id fails alone; the transaction goes on.
	 * (SQLite's statement rollback: a failed statement ends PostgreSQL's
	 * transaction; test_tickets checks it there as a write of its own.) */
	if (!fixture_pg())
		CHECK_INT(store_ticket_insert(st, &t, NULL), ST_ERR);
	a = (struct issue_arg){ 'B', 1, T0 + 5, NULL, { 0 }, NULL };
	CHECK_INT(issue_fn(st, &a), ST_OK);
	CHECK_STR(a.t.number, "B002");
	CHECK_INT(a.t.priority, 1);
	CHECK_STR(a.t.holder_mask, "");
	CHECK_INT(store_ticket_holder_is(st, a.t.id, H1), 0);
	return ST_OK;
}

static int
tickets_update(struct store *st, void *p)
{
	struct ticket t, g, stale;

	(void)p;
	REQUIRE(store_ticket_get(st, 1, &t) == ST_OK);
	stale = t;
	/* Called at counter 2: the counter's name comes with the ticket. */
	t.state = TS_CALLED;
	t.called_at = T0 + 60;
	t.counter = 2;
	snprintf(t.agent, sizeof t.agent, "marie");
	CHECK_INT(store_ticket_update(st, &t, TS_WAITING), ST_OK);
	CHECK_INT(store_ticket_get(st, 1, &g), ST_OK);
	CHECK_INT(g.state, TS_CALLED);
	CHECK_INT(g.called_at, T0 + 60);
	CHECK_STR(g.counter_name, "Guichet 2");
	CHECK_STR(g.agent, "marie");
	CHECK_INT(store_ticket_at_counter(st, 2, &g), ST_OK);
	CHECK_INT(g.id, 1);
	/* Another writer still thinks it waits: the guard refuses, nothing changes. */
	stale.state = TS_CANCELLED;
	stale.finished_at = T0 + 61;
	CHECK_INT(store_ticket_update(st, &stale, TS_WAITING), ST_CONFLICT);
	CHECK_INT(store_ticket_get(st, 1, &g), ST_OK);
	CHECK_INT(g.state, TS_CALLED);
	CHECK_INT(g.finished_at, 0);
	stale.id = 99;
	CHECK_INT(store_ticket_update(st, &stale, TS_WAITING), ST_NOTFOUND);
	/* The slip's fields, guarded by the state: nothing else changes. */
	snprintf(t.token, sizeof t.token, "resigned");
	snprintf(t.print_state, sizeof t.print_state, "failed");
	snprintf(t.print_reason, sizeof t.print_reason, "paper out");
	snprintf(t.print_device, sizeof t.print_device, "kiosk-2");
	t.reprints = 1;
	t.recalls = 9;                            /* a queue field: not written here */
	CHECK_INT(store_ticket_slip(st, &stale), ST_NOTFOUND);
	stale.id = 1;
	CHECK_INT(store_ticket_slip(st, &stale), ST_CONFLICT);   /* stale says waiting */
	CHECK_INT(store_ticket_slip(st, &t), ST_OK);
	CHECK_INT(store_ticket_get(st, 1, &g), ST_OK);
	CHECK(g.recalls != 9);
	/* Every queue field. */
	t.state = TS_SERVED;
	t.finished_at = T0 + 400;
	t.recalls = 2;
	snprintf(t.outcome, sizeof t.outcome, "complete");
	CHECK_INT(store_ticket_update(st, &t, TS_CALLED), ST_OK);
	CHECK_INT(store_ticket_get(st, 1, &g), ST_OK);
	CHECK_INT(g.state, TS_SERVED);
	CHECK_INT(g.finished_at, T0 + 400);
	CHECK_INT(g.recalls, 2);
	CHECK_STR(g.outcome, "complete");
	CHECK_STR(g.token, "resigned");
	CHECK_STR(g.print_state, "failed");
	CHECK_STR(g.print_reason, "paper out");
	CHECK_STR(g.print_device, "kiosk-2");
	CHECK_INT(g.reprints, 1);
	CHECK_STR(g.holder_mask, "•••4B7");       /* not a mutable field */
	CHECK_INT(store_ticket_at_counter(st, 2, &g), ST_NOTFOUND);
	CHECK_INT(store_ticket_of_holder(st, D0, 'B', H1, &g), ST_NOTFOUND);   /* served */
	return ST_OK;
}

/* Ticket 1 inserted again: refused. */
static int
insert_again(struct store *st, void *p)
{
	struct ticket t;

	(void)p;
	REQUIRE(store_ticket_get(st, 1, &t) == ST_OK);
	return store_ticket_insert(st, &t, NULL) == ST_ERR ? ST_ERR : ST_OK;
}

static void
test_tickets(void)
{
	struct store *st = fresh("tickets.db");

	CHECK_INT(wr(st, tickets_rows, NULL), ST_OK);
	CHECK_INT(wr(st, tickets_update, NULL), ST_OK);
	if (fixture_pg()) {
		char err[400] = "";
		CHECK_INT(store_write(st, insert_again, NULL, err, sizeof err), ST_ERR);
		CHECK(strstr(err, "duplicate key") != NULL);
		CHECK_INT(sql1("tickets.db", "SELECT COUNT(*) FROM tickets"), 2);
	}
	store_close(st);
	/* In the file: NULL where nothing is set, the hash as 32 bytes. */
	CHECK_INT(sql1("tickets.db", "SELECT COUNT(*) FROM tickets WHERE id = 2 AND called_at IS NULL "
	    "AND counter IS NULL AND agent IS NULL AND holder_hash IS NULL AND holder_mask IS NULL"), 1);
	CHECK_INT(sql1("tickets.db", "SELECT length(holder_hash) FROM tickets WHERE id = 1"), 32);
	CHECK_INT(sql1("tickets.db", "SELECT COUNT(*) FROM tickets"), 2);
}

/* -- queues ------------------------------------------------------------------------ */

struct queue_arg {
	struct ticket t[6];
};

static int
queue_reads(struct store *st, void *p)
{
	struct queue_arg *q = p;

	CHECK_INT(store_queue_head(st, D0, 'A', 0, T0), q->t[0].id);
	CHECK_INT(store_queue_head(st, D0, 'A', 1, T0), q->t[2].id);
	CHECK_INT(store_queue_head(st, D0, 'B', 0, T0), q->t[4].id);
	CHECK_INT(store_queue_head(st, D0, 'B', 1, T0), 0);
	CHECK_INT(store_queue_head(st, D1, 'A', 0, T0), 0);
	CHECK_INT(waiting(st, D0, 'A', 0), 3);
	CHECK_INT(waiting(st, D0, 'A', 1), 1);
	CHECK_INT(waiting(st, D0, 'B', 0), 1);
	CHECK_INT(waiting(st, D0, 'C', 0), 0);
	/* Priority first, then by issue time, then by id. */
	CHECK_INT(store_ahead_of(st, &q->t[2]), 0);
	CHECK_INT(store_ahead_of(st, &q->t[0]), 1);
	CHECK_INT(store_ahead_of(st, &q->t[1]), 2);
	CHECK_INT(store_ahead_of(st, &q->t[3]), 3);
	CHECK_INT(store_ahead_of(st, &q->t[4]), 0);
	CHECK_INT(store_oldest_waiting(st, D0, 'A'), T0);
	CHECK_INT(store_oldest_waiting(st, D0, 'B'), T0 + 30);
	CHECK_INT(store_oldest_waiting(st, D0, 'C'), 0);
	return ST_OK;
}

static int
queue_moved(struct store *st, void *p)
{
	struct queue_arg *q = p;

	CHECK_INT(waiting(st, D0, 'A', 0), 1);
	CHECK_INT(waiting(st, D0, 'A', 1), 1);
	CHECK_INT(waiting(st, D0, 'B', 0), 3);
	CHECK_INT(store_queue_head(st, D0, 'A', 0, T0), q->t[3].id);
	CHECK_INT(store_queue_head(st, D0, 'B', 0, T0), q->t[0].id);   /* keeps its issue time */
	return ST_OK;
}

/* A queue's service time: none, then what was set, per day and queue. */
static int
served_c(struct store *st, void *p)
{
	int n = -1;

	(void)p;
	CHECK_INT(store_service_time(st, D0, 'C', &n), 0);
	CHECK_INT(n, 0);
	CHECK_INT(store_service_time_set(st, D0, 'C', 750, 22), ST_OK);
	CHECK_INT(store_service_time(st, D0, 'C', &n), 750);
	CHECK_INT(n, 22);
	CHECK_INT(store_service_time_set(st, D0, 'C', 700, 23), ST_OK);
	CHECK_INT(store_service_time(st, D0, 'C', NULL), 700);
	CHECK_INT(store_service_time(st, D0, 'A', NULL), 0);
	CHECK_INT(store_service_time(st, "2026-01-01", 'C', NULL), 0);
	return ST_OK;
}

static int
open_counters(struct store *st, void *p)
{
	(void)p;
	CHECK_INT(counters_open_for(st, 'A'), 2);
	CHECK_INT(counters_open_for(st, 'B'), 3);
	CHECK_INT(store_counter_set_state(st, 3, "paused"), ST_OK);
	CHECK_INT(counters_open_for(st, 'B'), 2);
	CHECK_INT(counters_open_for(st, 'Z'), 0);
	return ST_OK;
}

static void
test_queues(void)
{
	struct store *st = fresh("queues.db");
	struct queue_arg q;

	q.t[0] = issue(st, 'A', 0, T0);
	q.t[1] = issue(st, 'A', 0, T0);          /* same second: after by id */
	q.t[2] = issue(st, 'A', 1, T0 + 10);
	q.t[3] = issue(st, 'A', 0, T0 + 20);
	q.t[4] = issue(st, 'B', 0, T0 + 30);
	CHECK_INT(rd(st, queue_reads, &q), ST_OK);
	/* Called, transferred back to waiting in B, and a waiting ticket moved
	 * to B: the triggers follow each change. */
	CHECK_INT(move(st, &q.t[0], TS_CALLED, 'A', T0 + 100), ST_OK);
	CHECK_INT(move(st, &q.t[0], TS_WAITING, 'B', T0 + 200), ST_OK);
	CHECK_INT(move(st, &q.t[1], TS_WAITING, 'B', T0 + 210), ST_OK);
	CHECK_INT(rd(st, queue_moved, &q), ST_OK);
	CHECK_INT(wr(st, served_c, NULL), ST_OK);
	CHECK_INT(wr(st, open_counters, NULL), ST_OK);
	/* The counts kept by triggers match a count of the rows. */
	CHECK_INT(sql1("queues.db", "SELECT COUNT(*) FROM waiting_counts w WHERE n != (SELECT "
	    "COUNT(*) FROM tickets t WHERE t.day = w.day AND t.queue = w.queue AND t.priority = "
	    "w.priority AND t.state = 'waiting')"), 0);
	CHECK_INT(sql1("queues.db", "SELECT SUM(n) FROM waiting_counts"), 5);
	store_close(st);
}

/* -- day counts, streaks, day keys ----------------------------------------------- */

static int
day_counts(struct store *st, void *p)
{
	struct day_count c;
	int64_t printed, issued;
	struct streaks sk;

	(void)p;
	CHECK_INT(store_day_count_get(st, D0, 'A', &c), ST_OK);
	CHECK(c.ordinary == 0 && c.priority == 0 && c.attestations == 0 && c.prints == 0);
	CHECK_INT(store_day_slips(st, D0, &printed, &issued), ST_OK);
	CHECK(printed == 0 && issued == 0);
	CHECK_INT(store_day_count_add(st, D0, 'A', DC_ORDINARY), ST_OK);
	CHECK_INT(store_day_count_add(st, D0, 'A', DC_ORDINARY), ST_OK);
	CHECK_INT(store_day_count_add(st, D0, 'A', DC_PRIORITY), ST_OK);
	CHECK_INT(store_day_count_add(st, D0, 'A', DC_ATTESTATIONS), ST_OK);
	CHECK_INT(store_day_count_add(st, D0, 'A', DC_PRINTS), ST_OK);
	CHECK_INT(store_day_count_add(st, D0, 'A', DC_PRINTS), ST_OK);
	CHECK_INT(store_day_count_add(st, D0, 'B', DC_PRINTS), ST_OK);
	CHECK_INT(store_day_count_add(st, D0, 'B', DC_ORDINARY), ST_OK);
	CHECK_INT(store_day_count_add(st, D1, 'A', DC_ORDINARY), ST_OK);
	CHECK_INT(store_day_count_get(st, D0, 'A', &c), ST_OK);
	CHECK_INT(c.ordinary, 2);
	CHECK_INT(c.priority, 1);
	CHECK_INT(c.attestations, 1);
	CHECK_INT(c.prints, 2);
	CHECK_INT(store_day_slips(st, D0, &printed, &issued), ST_OK);
	CHECK_INT(printed, 3);
	CHECK_INT(issued, 5);
	/* Streaks: both lanes' together. */
	CHECK_INT(store_streaks_get(st, D0, 'A', &sk), ST_OK);
	CHECK_INT(sk.priority * 10 + sk.appointment, 0);
	sk.priority = 2;
	sk.appointment = 3;
	CHECK_INT(store_streaks_set(st, D0, 'A', &sk), ST_OK);
	sk.priority = 1;
	sk.appointment = 0;
	CHECK_INT(store_streaks_set(st, D0, 'B', &sk), ST_OK);
	CHECK_INT(store_streaks_get(st, D0, 'A', &sk), ST_OK);
	CHECK_INT(sk.priority * 10 + sk.appointment, 23);
	sk.priority = 0;
	CHECK_INT(store_streaks_set(st, D0, 'A', &sk), ST_OK);
	CHECK_INT(store_streaks_get(st, D0, 'A', &sk), ST_OK);
	CHECK_INT(sk.priority * 10 + sk.appointment, 3);
	CHECK_INT(store_streaks_get(st, D0, 'B', &sk), ST_OK);
	CHECK_INT(sk.priority * 10 + sk.appointment, 10);
	CHECK_INT(store_streaks_get(st, D1, 'B', &sk), ST_OK);
	CHECK_INT(sk.priority * 10 + sk.appointment, 0);
	return ST_OK;
}

struct key_arg {
	unsigned char k1[32], k2[32];
};

static int
day_keys(struct store *st, void *p)
{
	struct key_arg *a = p;
	unsigned char k[32], zero[32] = { 0 };

	CHECK_INT(store_day_key(st, D0, 0, a->k1), ST_NOTFOUND);
	CHECK_INT(store_day_key(st, D0, 1, a->k1), ST_OK);
	CHECK(memcmp(a->k1, zero, 32) != 0);
	CHECK_INT(store_day_key(st, D0, 1, k), ST_OK);          /* made once */
	CHECK(memcmp(a->k1, k, 32) == 0);
	CHECK_INT(store_day_key(st, D1, 1, a->k2), ST_OK);
	CHECK(memcmp(a->k1, a->k2, 32) != 0);
	return ST_OK;
}

static int
day_keys_read(struct store *st, void *p)
{
	struct key_arg *a = p;
	unsigned char k[32];

	CHECK_INT(store_day_key(st, D0, 0, k), ST_OK);
	CHECK(memcmp(a->k1, k, 32) == 0);
	return ST_OK;
}

/* Holder data of days before D0 goes; events and tickets stay. */
static int
purge_holders(struct store *st, void *p)
{
	(void)p;
	return store_purge(st, D0, D0, "2025-01-01");
}

static int
day_keys_purged(struct store *st, void *p)
{
	struct key_arg *a = p;
	unsigned char k[32];
	struct ticket t;

	CHECK_INT(store_day_key(st, D1, 0, k), ST_NOTFOUND);
	CHECK_INT(store_day_key(st, D0, 0, k), ST_OK);
	CHECK(memcmp(a->k1, k, 32) == 0);
	CHECK_INT(store_ticket_get(st, 1, &t), ST_OK);         /* D1's ticket: kept... */
	CHECK_STR(t.holder_mask, "");                          /* ...without its holder */
	CHECK_INT(store_ticket_holder_is(st, 1, H1), 0);
	CHECK_INT(store_ticket_holder_is(st, 2, H2), 1);       /* D0's: untouched */
	return ST_OK;
}

static void
test_day(void)
{
	struct store *st = fresh("day.db");
	struct key_arg keys;
	struct issue_arg a = { 'B', 0, T0 - 86400, H1, { 0 }, NULL };

	CHECK_INT(wr(st, day_counts, NULL), ST_OK);
	CHECK_INT(wr(st, day_keys, &keys), ST_OK);
	CHECK_INT(rd(st, day_keys_read, &keys), ST_OK);
	CHECK_INT(wr(st, issue_fn, &a), ST_OK);
	a = (struct issue_arg){ 'B', 0, T0, H2, { 0 }, NULL };
	CHECK_INT(wr(st, issue_fn, &a), ST_OK);
	CHECK_INT(wr(st, purge_holders, NULL), ST_OK);
	CHECK_INT(rd(st, day_keys_purged, &keys), ST_OK);
	CHECK_INT(sql1("day.db", "SELECT COUNT(*) FROM tickets WHERE holder_hash IS NULL AND "
	    "holder_mask IS NULL"), 1);
	store_close(st);
}

/* -- closing the day ----------------------------------------------------------------- */

struct close_arg {
	int64_t now;
	int with_day;
	int n;                  /* OUT */
};

static int
close_fn(struct store *st, void *p)
{
	struct close_arg *a = p;
	a->n = store_tickets_close(st, D0, a->with_day, a->now);
	return a->n < 0 ? ST_ERR : ST_OK;
}

static int
to_close(struct store *st, void *p)
{
	int *n = p;
	n[0] = store_tickets_to_close(st, D0, 0);
	n[1] = store_tickets_to_close(st, D0, 1);
	return ST_OK;
}

static void
test_close(void)
{
	struct store *st = fresh("close.db");
	struct ticket y2, y3;
	struct close_arg c = { T0 + 5, 0, 0 };
	int n[2];

	/* Yesterday: one waiting, one called, one served; today: one waiting. */
	issue(st, 'A', 0, T0 - 86400);
	y2 = issue(st, 'A', 0, T0 - 86300);
	y3 = issue(st, 'B', 1, T0 - 86200);
	issue(st, 'A', 0, T0);

	CHECK_INT(move(st, &y2, TS_CALLED, 'A', T0 - 86000), ST_OK);
	CHECK_INT(move(st, &y3, TS_CALLED, 'B', T0 - 86000), ST_OK);
	CHECK_INT(move(st, &y3, TS_SERVED, 'B', T0 - 85000), ST_OK);
	CHECK_INT(rd(st, to_close, n), ST_OK);
	CHECK_INT(n[0], 2);
	CHECK_INT(n[1], 3);
	CHECK_INT(wr(st, close_fn, &c), ST_OK);
	CHECK_INT(c.n, 2);
	CHECK_INT(rd(st, to_close, n), ST_OK);
	CHECK_INT(n[0], 0);
	CHECK_INT(n[1], 1);
	{
		char q[160];
		snprintf(q, sizeof q, "SELECT COUNT(*) FROM tickets WHERE state = 'not_served' AND "
		    "finished_at = %lld", (long long)utc(2026, 11, 27, 9, 0, 5));
		CHECK_INT(sql1("close.db", q), 2);
	}
	CHECK_INT(sql1("close.db", "SELECT COUNT(*) FROM events WHERE kind = 'not_served' AND "
	    "day = '2026-11-26' AND service = 'A'"), 2);
	CHECK_INT(sql1("close.db", "SELECT COUNT(*) FROM events WHERE kind = 'not_served' AND "
	    "ticket = 2 AND counter = 1"), 1);
	c.with_day = 1;
	CHECK_INT(wr(st, close_fn, &c), ST_OK);
	CHECK_INT(c.n, 1);
	CHECK_INT(sql1("close.db", "SELECT SUM(n) FROM waiting_counts"), 0);
	CHECK_INT(sql1("close.db", "SELECT COUNT(*) FROM tickets WHERE state = 'served'"), 1);
	/* The minute check reads the few open tickets, not the whole history.
	 * (SQLite's plan of its index hint; PostgreSQL's planner chooses.) */
	if (!fixture_pg()) {
		char path[400];
		sqlite3 *db;
		sqlite3_stmt *s;
		char plan[400] = "";
		path_of(path, sizeof path, "close.db");
		REQUIRE(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
		REQUIRE(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM tickets INDEXED BY "
		    "tickets_called WHERE state = 'called' AND day < '2026-11-27'", -1, &s, NULL) == SQLITE_OK);
		while (sqlite3_step(s) == SQLITE_ROW)
			snprintf(plan + strlen(plan), sizeof plan - strlen(plan), "%s;",
			    (const char *)sqlite3_column_text(s, 3));
		sqlite3_finalize(s);
		sqlite3_close(db);
		if (!strstr(plan, "tickets_called"))
			fprintf(stderr, "plan: %s\n", plan);
		CHECK(strstr(plan, "tickets_called") != NULL);
	}
	store_close(st);
}

/* -- attestations ----------------------------------------------------------------------- */

static int
attestations(struct store *st, void *p)
{
	struct attestation a, g;

	(void)p;
	memset(&a, 0, sizeof a);
	CHECK_INT(store_attestation_next_id(st), 1);
	a.id = 1;
	snprintf(a.day, sizeof a.day, D0);
	a.service = 'C';
	a.issued_at = T0;
	snprintf(a.device, sizeof a.device, "kiosk-1");
	snprintf(a.lang, sizeof a.lang, "ps");
	snprintf(a.outcome, sizeof a.outcome, "full");
	a.attempt = 3;
	snprintf(a.first_date, sizeof a.first_date, "20261112");
	a.weeks = 2;
	snprintf(a.token, sizeof a.token, "signed-attestation");
	CHECK_INT(store_attestation_insert(st, &a), ST_OK);
	CHECK_INT(store_attestation_next_id(st), 2);
	CHECK_INT(store_attestation_get(st, 1, "kiosk-1", &g), ST_OK);
	CHECK_STR(g.day, D0);
	CHECK_INT(g.service, 'C');
	CHECK_INT(g.issued_at, T0);
	CHECK_STR(g.lang, "ps");
	CHECK_STR(g.outcome, "full");
	CHECK_INT(g.attempt, 3);
	CHECK_STR(g.first_date, "20261112");
	CHECK_INT(g.weeks, 2);
	CHECK_STR(g.token, "signed-attestation");
	CHECK_INT(store_attestation_get(st, 1, "kiosk-2", &g), ST_NOTFOUND);
	CHECK_INT(store_attestation_get(st, 1, NULL, &g), ST_OK);
	CHECK_INT(store_attestation_get(st, 2, NULL, &g), ST_NOTFOUND);
	CHECK_INT(store_attestation_printed(st, 1, "failed", "cover open"), ST_OK);
	CHECK_INT(store_attestation_printed(st, 7, "confirmed", NULL), ST_NOTFOUND);
	return ST_OK;
}

static void
test_attestations(void)
{
	struct store *st = fresh("attest.db");

	CHECK_INT(wr(st, attestations, NULL), ST_OK);
	store_close(st);
	CHECK_INT(sql1("attest.db", "SELECT COUNT(*) FROM attestations WHERE print_state = 'failed' "
	    "AND print_reason = 'cover open'"), 1);
}

/* -- events, calls, alerts ----------------------------------------------------------- */

static int
events_write(struct store *st, void *p)
{
	int64_t *ids = p;
	int i;

	REQUIRE(ev(st, T0 - 100, "issue", ids[0], 'A', 0, "kiosk-1") == ST_OK);
	REQUIRE(ev(st, T0 - 30, "issue", ids[1], 'A', 0, "kiosk-1") == ST_OK);
	REQUIRE(ev(st, T0 - 10, "issue", ids[2], 'B', 0, "kiosk-1") == ST_OK);
	REQUIRE(ev(st, T0 - 5, "attestation", 0, 'C', 0, "kiosk-1") == ST_OK);
	REQUIRE(ev(st, T0 - 5, "issue", ids[3], 'A', 0, "kiosk-2") == ST_OK);
	REQUIRE(ev(st, T0 - 3000, "reprint", ids[0], 'A', 0, "marie") == ST_OK);
	REQUIRE(ev(st, T0 - 86400, "issue", 0, 'A', 0, "kiosk-1") == ST_OK);
	REQUIRE(ev(st, T0 - 86400, "refused_closed", 0, 'A', 0, "kiosk-1") == ST_OK);
	REQUIRE(ev(st, T0 - 50, "refused_closed", 0, 'A', 0, "kiosk-1") == ST_OK);
	/* Three duplicate refusals for ids[0], two for ids[1]. */
	for (i = 0; i < 5; i++)
		REQUIRE(ev(st, T0 + i, "duplicate", ids[i < 3 ? 0 : 1], 'A', 0, "kiosk-1") == ST_OK);
	/* Calls and a recall at counters 1 and 2. */
	REQUIRE(ev(st, T0 + 60, "call", ids[0], 'A', 1, "marie") == ST_OK);
	REQUIRE(ev(st, T0 + 70, "call", ids[2], 'B', 2, "paul") == ST_OK);
	REQUIRE(ev(st, T0 + 80, "recall", ids[0], 'A', 1, "marie") == ST_OK);
	REQUIRE(ev(st, T0 + 90, "done", ids[0], 'A', 1, "marie") == ST_OK);
	return ST_OK;
}

static int
events_read(struct store *st, void *p)
{
	char numbers[4][12];
	int counts[4];
	struct call_view c[8];

	/* One kiosk's last minute, of two kinds; the limit stops the count. */
	CHECK_INT(store_event_count(st, NULL, "issue,attestation", "kiosk-1", T0 - 60, 0), 3);
	CHECK_INT(store_event_count(st, NULL, "issue,attestation", "kiosk-1", T0 - 60, 2), 2);
	CHECK_INT(store_event_count(st, NULL, "issue,attestation", "kiosk-1", T0 - 100, 0), 4);
	CHECK_INT(store_event_count(st, NULL, "issue,attestation", "kiosk-1", T0 - 99, 0), 3);
	CHECK_INT(store_event_count(st, NULL, "issue", "kiosk-2", T0 - 60, 0), 1);
	CHECK_INT(store_event_count(st, NULL, "issue", "kiosk-3", 0, 0), 0);
	/* A day's events, any kiosk. */
	CHECK_INT(store_event_count(st, D0, "refused_closed", NULL, 0, 0), 1);
	CHECK_INT(store_event_count(st, D1, "refused_closed,issue", NULL, 0, 0), 2);
	CHECK_INT(store_event_count(st, D0, "issue", "kiosk-1", 0, 0), 3);
	/* Any day and kiosk, since a time. */
	CHECK_INT(store_event_count(st, NULL, "reprint,duplicate", NULL, T0 - 3600, 0), 6);
	CHECK_INT(store_event_count(st, NULL, "reprint,duplicate", NULL, T0 - 3600, 4), 4);
	CHECK_INT(store_event_count(st, NULL, "reprint", NULL, T0 - 60, 0), 0);
	CHECK_INT(store_event_count(st, NULL, "a,b,c,d,e,f,g,issue", NULL, 0, 0), 5);
	/* Duplicate refusals per ticket. */
	CHECK_INT(store_repeated_duplicates(st, D0, 3, numbers, counts, 4), 1);
	CHECK_STR(numbers[0], "A001");
	CHECK_INT(counts[0], 3);
	CHECK_INT(store_repeated_duplicates(st, D0, 2, numbers, counts, 4), 2);
	CHECK_INT(store_repeated_duplicates(st, D0, 2, numbers, counts, 1), 1);
	CHECK_INT(store_repeated_duplicates(st, D1, 1, numbers, counts, 4), 0);
	/* The board's last calls, newest first. */
	CHECK_INT(store_recent_calls(st, D0, c, 8), 3);
	CHECK_STR(c[0].number, "A001");
	CHECK_INT(c[0].recall, 1);
	CHECK_INT(c[0].counter, 1);
	CHECK_STR(c[0].counter_name, "Guichet 1");
	CHECK_INT(c[0].service, 'A');
	CHECK_STR(c[0].lang, "fr");
	CHECK_INT(c[0].at, T0 + 80);
	CHECK_STR(c[1].number, "B001");
	CHECK_INT(c[1].recall, 0);
	CHECK_STR(c[1].counter_name, "Guichet 2");
	CHECK(c[0].event > c[1].event && c[1].event > c[2].event);
	CHECK_INT(store_recent_calls(st, D0, c, 1), 1);
	CHECK_INT(c[0].at, T0 + 80);
	CHECK_INT(store_recent_calls(st, D1, c, 8), 0);
	(void)p;
	return ST_OK;
}

static int
alerts(struct store *st, void *p)
{
	struct alert a = { 0, T0, "burst", "kiosk-1 10h", "la borne kiosk-1 a délivré 9 tickets" };
	struct alert b = { 0, T0 + 5, "paper", "", "consommation de papier anormale" };
	struct alert out[4];

	(void)p;
	CHECK_INT(store_alert_exists(st, D0, "burst", "kiosk-1 10h"), 0);
	CHECK_INT(store_alert_add(st, D0, &a), 1);
	CHECK_INT(a.id, 1);
	a.id = 0;
	a.at = T0 + 30;
	CHECK_INT(store_alert_add(st, D0, &a), 0);              /* once a day */
	CHECK_INT(a.id, 0);
	CHECK_INT(store_alert_exists(st, D0, "burst", "kiosk-1 10h"), 1);
	CHECK_INT(store_alert_exists(st, D0, "burst", "kiosk-1 11h"), 0);
	CHECK_INT(store_alert_add(st, D0, &b), 1);
	CHECK_INT(b.id, 2);
	CHECK_INT(store_alert_add(st, D1, &b), 1);              /* another day */
	CHECK_INT(store_alerts_of_day(st, D0, out, 4), 2);
	CHECK_STR(out[0].kind, "paper");                        /* newest first */
	CHECK_STR(out[1].kind, "burst");
	CHECK_INT(out[1].at, T0);                               /* the first one's */
	CHECK_STR(out[1].subject, "kiosk-1 10h");
	CHECK_STR(out[1].message, "la borne kiosk-1 a délivré 9 tickets");
	CHECK_INT(store_alerts_of_day(st, D0, out, 1), 1);
	CHECK_INT(store_alerts_of_day(st, "2026-01-01", out, 4), 0);
	return ST_OK;
}

static void
test_log(void)
{
	struct store *st = fresh("log.db");
	int64_t ids[4];

	ids[0] = issue(st, 'A', 0, T0 - 100).id;
	ids[1] = issue(st, 'A', 0, T0 - 30).id;
	ids[2] = issue(st, 'B', 0, T0 - 10).id;
	ids[3] = issue(st, 'A', 0, T0 - 5).id;
	CHECK_INT(wr(st, events_write, ids), ST_OK);
	CHECK_INT(rd(st, events_read, NULL), ST_OK);
	CHECK_INT(wr(st, alerts, NULL), ST_OK);
	store_close(st);
	CHECK_INT(sql1("log.db", "SELECT COUNT(*) FROM events WHERE ticket IS NULL AND counter IS NULL "
	    "AND kind = 'attestation' AND detail IS NULL"), 1);
}

/* -- audit chain ----------------------------------------------------------------------- */

static int
audit_write(struct store *st, void *p)
{
	(void)p;
	CHECK_INT(store_audit_add(st, 1700000000, "alice", "login", "from 10.0.0.1"), ST_OK);
	CHECK_INT(store_audit_add(st, 1700000060, "bob", "reprint", NULL), ST_OK);
	CHECK_INT(store_audit_add(st, 1700000120, "alice", "config_change", "site test-93"), ST_OK);
	CHECK_INT(store_audit_add(st, 1700000180, "carol", "counter_state", "counter 3 paused"),
	    ST_OK);
	CHECK_INT(store_audit_add(st, 1700000240, "bob", "status_change", "A004: served"), ST_OK);
	return ST_OK;
}

struct audit_arg {
	int rc, entries;
	char why[300];
};

static int
audit_check(struct store *st, void *p)
{
	struct audit_arg *a = p;

	a->why[0] = '\0';
	a->rc = store_audit_check(st, &a->entries, a->why, sizeof a->why);
	return a->rc == ST_ERR ? ST_ERR : ST_OK;
}

static void
test_audit(void)
{
	struct store *st = fresh("audit.db");
	struct audit_arg a;

	CHECK_INT(rd(st, audit_check, &a), ST_OK);
	CHECK_INT(a.rc, ST_OK);
	CHECK_INT(a.entries, 0);
	CHECK_INT(wr(st, audit_write, NULL), ST_OK);
	CHECK_INT(rd(st, audit_check, &a), ST_OK);
	CHECK_INT(a.rc, ST_OK);
	CHECK_INT(a.entries, 5);
	/* The chain's layout is fixed: existing logs must keep verifying. */
	CHECK_INT(sql1("audit.db", "SELECT COUNT(*) FROM audit WHERE id = 1 AND prev = '' AND hash = "
	    "'c807509fa77d5cd3df1150af53d84fe85f32fc3e9ad4f45343e503373aac5089'"), 1);
	CHECK_INT(sql1("audit.db", "SELECT COUNT(*) FROM audit WHERE id = 2 AND hash = "
	    "'87a765d18bb3afd745ec82f256be1b5e2e1d42d12270ae422e883fe2dbe8753a'"), 1);
	/* The triggers refuse edits... */
	CHECK(sqlx("audit.db", "UPDATE audit SET detail = 'x' WHERE id = 3") != SQLITE_OK);
	CHECK(sqlx("audit.db", "DELETE FROM audit WHERE id = 3") != SQLITE_OK);
	store_close(st);
	copy_db("audit.db", "audit2.db");
	/* ...but whoever holds the file can drop them: the chain still tells. */
	REQUIRE(sqlx("audit.db", fixture_pg() ? "DROP TRIGGER audit_no_update ON audit; UPDATE audit "
	    "SET detail = 'site other' WHERE id = 3" : "DROP TRIGGER audit_no_update; UPDATE audit SET detail = "
	    "'site other' WHERE id = 3") == SQLITE_OK);
	st = reopen("audit.db");
	CHECK_INT(rd(st, audit_check, &a), ST_OK);
	CHECK_INT(a.rc, ST_CONFLICT);
	CHECK_INT(a.entries, 3);
	CHECK(strstr(a.why, "entry 3 was edited") != NULL);
	store_close(st);
	REQUIRE(sqlx("audit2.db", fixture_pg() ? "DROP TRIGGER audit_no_delete ON audit; DELETE FROM "
	    "audit WHERE id = 3" : "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 3") ==
	    SQLITE_OK);
	st = reopen("audit2.db");
	CHECK_INT(rd(st, audit_check, &a), ST_OK);
	CHECK_INT(a.rc, ST_CONFLICT);
	CHECK(strstr(a.why, "entry 3 is missing") != NULL);
	store_close(st);
	/* The last entry deleted and written again by hand, chained wrongly. */
	REQUIRE(sqlx("audit2.db", "DELETE FROM audit WHERE id > 3; INSERT INTO audit (id, at, actor, "
	    "action, detail, prev, hash) VALUES (3, 1, 'x', 'y', 'z', 'forged', 'forged')") ==
	    SQLITE_OK);
	st = reopen("audit2.db");
	CHECK_INT(rd(st, audit_check, &a), ST_OK);
	CHECK_INT(a.rc, ST_CONFLICT);
	CHECK(strstr(a.why, "entry 3 does not follow entry 2") != NULL);
	store_close(st);
}

/* -- figures and retention ----------------------------------------------------------- */

/* Unix time of a wall-clock time in Paris on 27 November 2026 (CET). */
#define L(h, m) utc(2026, 11, 27, (h) - 1, (m), 0)

static int
figures_write(struct store *st, void *p)
{
	struct issue_arg a[3] = {
		{ 'A', 0, L(9, 10), NULL, { 0 }, NULL },
		{ 'A', 0, L(9, 40), NULL, { 0 }, NULL },
		{ 'A', 0, L(10, 15), NULL, { 0 }, NULL },
	};
	int i;

	(void)p;
	for (i = 0; i < 3; i++) {
		REQUIRE(issue_fn(st, &a[i]) == ST_OK);
		REQUIRE(ev(st, a[i].t.issued_at, "issue", a[i].t.id, 'A', 0, "kiosk-1") == ST_OK);
	}
	/* Served: waited 10 min, served in 10 min. No-show: waited 25 min. */
	a[0].t.state = TS_SERVED;
	a[0].t.called_at = L(9, 20);
	a[0].t.finished_at = L(9, 30);
	a[1].t.state = TS_NO_SHOW;
	a[1].t.called_at = L(10, 5);
	a[1].t.finished_at = L(10, 10);
	REQUIRE(store_ticket_update(st, &a[0].t, TS_WAITING) == ST_OK);
	REQUIRE(store_ticket_update(st, &a[1].t, TS_WAITING) == ST_OK);
	REQUIRE(ev(st, L(9, 30), "done", a[0].t.id, 'A', 1, "marie") == ST_OK);
	REQUIRE(ev(st, L(10, 10), "no_show", a[1].t.id, 'A', 1, "marie") == ST_OK);
	REQUIRE(ev(st, L(10, 20), "attestation", 0, 'A', 0, "kiosk-1") == ST_OK);
	REQUIRE(ev(st, L(10, 30), "duplicate", a[0].t.id, 'A', 0, "kiosk-1") == ST_OK);
	/* Both daylight-saving changes of 2026 (Paris): 25 October, 02:00-03:00
	 * happens twice; 29 March, 02:00-03:00 never happens. */
	REQUIRE(ev(st, utc(2026, 10, 24, 23, 30, 0), "issue", 0, 'A', 0, "k") == ST_OK); /* 01:30 */
	REQUIRE(ev(st, utc(2026, 10, 25, 0, 30, 0), "issue", 0, 'A', 0, "k") == ST_OK);  /* 02:30 CEST */
	REQUIRE(ev(st, utc(2026, 10, 25, 1, 30, 0), "issue", 0, 'A', 0, "k") == ST_OK);  /* 02:30 CET */
	REQUIRE(ev(st, utc(2026, 10, 25, 2, 30, 0), "issue", 0, 'A', 0, "k") == ST_OK);  /* 03:30 */
	REQUIRE(ev(st, utc(2026, 3, 29, 0, 30, 0), "issue", 0, 'A', 0, "k") == ST_OK);   /* 01:30 CET */
	REQUIRE(ev(st, utc(2026, 3, 29, 1, 30, 0), "issue", 0, 'A', 0, "k") == ST_OK);   /* 03:30 CEST */
	return ST_OK;
}

static struct stat_row rows[80];

static int
figures_read(struct store *st, void *p)
{
	struct day_report r[4];
	const struct stat_row *a = &rows[0], *h9 = &rows[1 + 9], *h10 = &rows[1 + 10];

	(void)p;
	REQUIRE(store_stats(st, D0, rows, 80) == 75);   /* 3 services x (day + 24 hours) */
	CHECK_INT(a->service, 'A');
	CHECK_INT(a->hour, -1);
	CHECK_INT(a->issued, 3);
	CHECK_INT(a->served, 1);
	CHECK_INT(a->no_show, 1);
	CHECK_INT(a->attestations, 1);
	CHECK_INT(a->refused_duplicates, 1);
	CHECK_INT(a->wait_p50_s, 600);
	CHECK_INT(a->wait_p90_s, 1500);
	CHECK_INT(a->service_avg_s, 600);
	CHECK_INT(h9->hour, 9);
	CHECK_INT(h9->issued, 2);
	CHECK_INT(h9->served, 1);
	CHECK_INT(h9->no_show, 0);
	CHECK_INT(h9->wait_p90_s, 1500);        /* by issue hour */
	CHECK_INT(h9->service_avg_s, 600);      /* by call hour */
	CHECK_INT(h10->issued, 1);
	CHECK_INT(h10->no_show, 1);
	CHECK_INT(h10->attestations, 1);
	CHECK_INT(h10->refused_duplicates, 1);
	CHECK_INT(h10->wait_p50_s, 0);
	CHECK_INT(h10->service_avg_s, 0);
	CHECK_INT(rows[1 + 8].issued, 0);
	CHECK_INT(rows[25].service, 'B');
	CHECK_INT(rows[25].issued, 0);
	CHECK_INT(store_stats(st, D0, rows, 10), 10);
	/* Local hours across the clock changes. */
	REQUIRE(store_stats(st, "2026-10-25", rows, 25) == 25);
	CHECK_INT(rows[0].issued, 4);
	CHECK_INT(rows[1 + 1].issued, 1);
	CHECK_INT(rows[1 + 2].issued, 2);
	CHECK_INT(rows[1 + 3].issued, 1);
	REQUIRE(store_stats(st, "2026-03-29", rows, 25) == 25);
	CHECK_INT(rows[0].issued, 2);
	CHECK_INT(rows[1 + 1].issued, 1);
	CHECK_INT(rows[1 + 2].issued, 0);
	CHECK_INT(rows[1 + 3].issued, 1);
	/* The day report. */
	CHECK_INT(store_report_day(st, D0, r, 4), 3);
	CHECK_INT(r[0].service, 'A');
	CHECK_STR(r[0].name, "Titres de séjour");
	CHECK_INT(r[0].issued, 3);
	CHECK_INT(r[0].served, 1);
	CHECK_INT(r[0].no_show, 1);
	CHECK_INT(r[0].waiting, 1);
	CHECK_INT(r[0].wait_p50_s, 600);
	CHECK_INT(r[0].wait_p90_s, 1500);
	CHECK_INT(r[0].service_avg_s, 600);
	CHECK_STR(r[1].name, "Naturalisation");
	CHECK_INT(r[1].issued, 0);
	CHECK_INT(store_report_day(st, D0, r, 1), 1);
	/* All-time totals. */
	CHECK_INT(store_total(st, "issue", 'A'), 9);
	CHECK_INT(store_total(st, "done", 'A'), 1);
	CHECK_INT(store_total(st, "issue", 'B'), 0);
	return ST_OK;
}

static int
purge_old(struct store *st, void *p)
{
	struct streaks sk = { 2, 1 };

	(void)p;
	CHECK_INT(store_streaks_set(st, D1, 'A', &sk), ST_OK);
	CHECK_INT(store_purge(st, D0, D0, "2026-11-01"), ST_OK);
	return ST_OK;
}

static int
figures_after_purge(struct store *st, void *p)
{
	struct streaks sk;

	(void)p;
	/* Old days: daily totals only; the totals do not move. */
	REQUIRE(store_stats(st, "2026-10-25", rows, 25) == 25);
	CHECK_INT(rows[0].issued, 4);
	CHECK_INT(rows[1 + 2].issued, 0);
	CHECK_INT(store_total(st, "issue", 'A'), 9);
	CHECK_INT(store_streaks_get(st, D1, 'A', &sk), ST_OK);
	CHECK_INT(sk.priority + sk.appointment, 0);
	REQUIRE(store_stats(st, D0, rows, 25) == 25);
	CHECK_INT(rows[0].issued, 3);
	return ST_OK;
}

static void
test_figures(void)
{
	struct store *st = fresh("figures.db");

	CHECK_INT(wr(st, figures_write, NULL), ST_OK);
	CHECK_INT(rd(st, figures_read, NULL), ST_OK);
	issue(st, 'B', 0, utc(2026, 10, 25, 10, 0, 0));      /* an old ticket, still waiting */
	CHECK_INT(wr(st, purge_old, NULL), ST_OK);
	CHECK_INT(wr(st, purge_old, NULL), ST_OK);      /* again: nothing counted twice */
	CHECK_INT(rd(st, figures_after_purge, NULL), ST_OK);
	store_close(st);
	CHECK_INT(sql1("figures.db", "SELECT COUNT(*) FROM events WHERE day < '2026-11-01'"), 0);
	CHECK_INT(sql1("figures.db", "SELECT SUM(n) FROM daily_totals WHERE kind = 'issue'"), 6);
	CHECK_INT(sql1("figures.db", "SELECT COUNT(*) FROM tickets WHERE day < '2026-11-01'"), 0);
	CHECK_INT(sql1("figures.db", "SELECT COUNT(*) FROM waiting_counts WHERE day < '2026-11-01'"),
	    0);
	CHECK_INT(sql1("figures.db", "SELECT COUNT(*) FROM tickets"), 3);
}

/* -- accounts ---------------------------------------------------------------------------- */

static const unsigned char C1[32] = { 'c', 1 }, C2[32] = { 'c', 2 }, C3[32] = { 'c', 3 },
    C4[32] = { 'c', 4 };

static int
accounts(struct store *st, void *p)
{
	char hash[128], role[16];
	struct cred c;

	(void)p;
	CHECK_INT(store_user_get(st, "marie", hash, sizeof hash, role), ST_NOTFOUND);
	CHECK_INT(store_user_put(st, "marie", "agent", "$argon2id$v=19$first", T0), ST_OK);
	CHECK_INT(store_user_get(st, "marie", hash, sizeof hash, role), ST_OK);
	CHECK_STR(hash, "$argon2id$v=19$first");
	CHECK_STR(role, "agent");
	CHECK_INT(store_user_put(st, "marie", "manager", "$argon2id$v=19$second", T0 + 1), ST_OK);
	CHECK_INT(store_user_get(st, "marie", hash, sizeof hash, role), ST_OK);
	CHECK_STR(hash, "$argon2id$v=19$second");
	CHECK_STR(role, "manager");
	/* Not a role. (A failed statement ends PostgreSQL's transaction:
	 * test_accounts checks it there as a write of its own.) */
	if (!fixture_pg())
		CHECK_INT(store_user_put(st, "eve", "root", "x", T0), ST_ERR);
	CHECK_INT(store_device_put(st, "kiosk-1", T0), ST_OK);
	CHECK_INT(store_device_put(st, "kiosk-1", T0 + 5), ST_OK);
	CHECK_INT(store_cred_put(st, C1, "device", "kiosk-1", NULL, T0, 0), ST_OK);
	CHECK_INT(store_cred_put(st, C2, "session", "marie", "csrf-1", T0, T0 + 3600), ST_OK);
	CHECK_INT(store_cred_put(st, C3, "token", "marie", NULL, T0, 0), ST_OK);
	CHECK_INT(store_cred_put(st, C4, "token", "nobody", NULL, T0, 0), ST_OK);
	if (!fixture_pg())   /* (PostgreSQL: in test_accounts, as the bad role) */
		CHECK_INT(store_cred_put(st, C1, "device", "kiosk-1", NULL, T0, 0), ST_ERR);   /* twice */
	CHECK_INT(store_cred_get(st, C1, T0 + 1000000, &c), ST_OK);
	CHECK_STR(c.kind, "device");
	CHECK_STR(c.owner, "kiosk-1");
	CHECK_STR(c.role, "device");
	CHECK_STR(c.csrf, "");
	CHECK_INT(store_cred_get(st, C2, T0 + 10, &c), ST_OK);
	CHECK_STR(c.kind, "session");
	CHECK_STR(c.owner, "marie");
	CHECK_STR(c.role, "manager");
	CHECK_STR(c.csrf, "csrf-1");
	CHECK_INT(store_cred_get(st, C2, T0 + 3600, &c), ST_NOTFOUND);    /* expired */
	CHECK_INT(store_cred_get(st, C4, T0, &c), ST_NOTFOUND);           /* no such owner */
	CHECK_INT(store_cred_sweep(st, T0 + 3601), 1);
	CHECK_INT(store_cred_sweep(st, T0 + 3601), 0);
	CHECK_INT(store_cred_get(st, C3, T0, &c), ST_OK);
	CHECK_STR(c.role, "manager");
	CHECK_INT(store_cred_del(st, C3), ST_OK);
	CHECK_INT(store_cred_del(st, C3), ST_NOTFOUND);
	CHECK_INT(store_cred_get(st, C3, T0, &c), ST_NOTFOUND);
	return ST_OK;
}

static int
accounts_inactive(struct store *st, void *p)
{
	char hash[128], role[16];
	struct cred c;

	(void)p;
	CHECK_INT(store_user_get(st, "marie", hash, sizeof hash, role), ST_NOTFOUND);
	CHECK_INT(store_cred_get(st, C1, T0, &c), ST_NOTFOUND);
	return ST_OK;
}

static int
bad_role(struct store *st, void *p)
{
	(void)p;
	return store_user_put(st, "eve", "root", "x", T0);
}

static int
cred_twice(struct store *st, void *p)
{
	(void)p;
	return store_cred_put(st, C1, "device", "kiosk-1", NULL, T0, 0);
}

static void
test_accounts(void)
{
	struct store *st = fresh("accounts.db");

	CHECK_INT(wr(st, accounts, NULL), ST_OK);
	if (fixture_pg()) {
		char err[400] = "";
		CHECK_INT(store_write(st, bad_role, NULL, err, sizeof err), ST_ERR);   /* not a role */
		CHECK(strstr(err, "users_role_check") != NULL);
		CHECK_INT(sql1("accounts.db", "SELECT COUNT(*) FROM users WHERE login = 'eve'"), 0);
		CHECK_INT(store_write(st, cred_twice, NULL, err, sizeof err), ST_ERR);   /* twice */
		CHECK(strstr(err, "duplicate key") != NULL);
	}
	CHECK_INT(sql1("accounts.db", fixture_pg() ? "SELECT COUNT(*) FROM credentials WHERE "
	    "pg_typeof(hash) = 'bytea'::regtype AND length(hash) = 32" : "SELECT COUNT(*) FROM "
	    "credentials WHERE typeof(hash) = 'blob' AND length(hash) = 32"), 2);
	CHECK_INT(sqlx("accounts.db", "UPDATE users SET active = 0; UPDATE devices SET active = 0"),
	    SQLITE_OK);
	CHECK_INT(rd(st, accounts_inactive, NULL), ST_OK);
	store_close(st);
}

/* -- files: open, migrate, back up, refuse ----------------------------------------------- */

struct number_arg {
	const char *number;
	struct ticket t;        /* OUT */
};

static int
by_number(struct store *st, void *p)
{
	struct number_arg *a = p;
	return store_ticket_by_number(st, D0, a->number, &a->t);
}

static int
site_get(struct store *st, void *p)
{
	return store_site_get(st, p);
}

/* store_open must refuse the file with a message and leave its bytes as they were. */
static void
refused_untouched(const char *path, const char *want_in_err)
{
	unsigned char *before, *after;
	size_t nb = slurp(path, &before), na;
	char err[600] = "", side[450];
	struct store *st = store_open(path, err, sizeof err);

	CHECK(st == NULL);
	store_close(st);
	if (want_in_err && !strstr(err, want_in_err))
		fprintf(stderr, "store_open(%s) said \"%s\"; expected \"%s\" in it\n", path, err,
		    want_in_err);
	CHECK(want_in_err == NULL || strstr(err, want_in_err) != NULL);
	CHECK(strstr(err, path) != NULL);        /* the message names the file */
	na = slurp(path, &after);
	CHECK(nb > 0);
	CHECK(na == nb && memcmp(before, after, nb) == 0);
	snprintf(side, sizeof side, "%s-wal", path);
	CHECK(!exists(side));
	free(before);
	free(after);
}

/* Garbage over pages 2 to 4: quick_check fails. */
static void
damage_pages(const char *path)
{
	unsigned char *b;
	size_t n = slurp(path, &b), page, off;
	FILE *f;

	REQUIRE(n > 4096);
	page = (size_t)(b[16] << 8 | b[17]);
	if (page == 1)
		page = 65536;
	REQUIRE(n >= 5 * page);
	for (off = page; off < 4 * page; off++)
		b[off] = (unsigned char)(off * 131 + 7);
	f = fopen(path, "wb");
	REQUIRE(f != NULL);
	REQUIRE(fwrite(b, 1, n, f) == n);
	fclose(f);
	free(b);
}

/* How many numbered migrations db/ holds (the tests run from the tree's top). */
static int
migrations_in_tree(void)
{
	glob_t g;
	int n = glob("db/[0-9][0-9][0-9]_*.sql", 0, NULL, &g) == 0 ? (int)g.gl_pathc : -1;

	globfree(&g);
	return n;
}

/* test_files on PostgreSQL: the migrations counted in schema_version, a
 * backup left to PostgreSQL's own tools, a newer schema refused and left
 * as it was. (The WAL file, damaged pages and the file's header are
 * SQLite's.) */
static void
test_files_pg(struct store *st)
{
	char path[400], db[600], err[600];
	struct store *again;
	glob_t g;
	int n;

	path_of(path, sizeof path, "files.db");
	n = glob("db/pg/[0-9][0-9][0-9]_*.sql", 0, NULL, &g) == 0 ? (int)g.gl_pathc : -1;
	globfree(&g);
	CHECK(n > 0);
	CHECK_INT(sql1("files.db", "SELECT MAX(version) FROM schema_version"), n);   /* all ran */
	CHECK_INT(sql1("files.db", "SELECT COUNT(*) FROM schema_version"), 1);
	CHECK_INT(store_backup(st, "/nonexistent-dir/x.db", err, sizeof err), ST_ERR);
	CHECK(strstr(err, "pg_basebackup") != NULL);
	store_close(st);
	/* Reopening keeps everything; migrations run once. */
	st = reopen("files.db");
	store_close(st);
	CHECK_INT(sql1("files.db", "SELECT COUNT(*) FROM tickets"), 20);
	CHECK_INT(sql1("files.db", "SELECT COUNT(*) FROM schema_version"), 1);
	/* A database from a newer version: refused, named, untouched. */
	fixture_exec(path, "UPDATE schema_version SET version = 99");
	fixture_db(db, sizeof db, path, 0);
	again = store_open(db, err, sizeof err);
	CHECK(again == NULL);
	store_close(again);
	if (!strstr(err, "newer version"))
		fprintf(stderr, "store_open said \"%s\"\n", err);
	CHECK(strstr(err, "newer version") != NULL);
	CHECK(strstr(err, strstr(db, "dbname=")) != NULL);   /* the message names the database */
	CHECK_INT(sql1("files.db", "SELECT MAX(version) FROM schema_version"), 99);
	CHECK_INT(sql1("files.db", "SELECT COUNT(*) FROM tickets"), 20);
	/* A missing directory (a file path, SQLite's): a message, no crash. */
	CHECK(store_open("/nonexistent-dir/q.db", err, sizeof err) == NULL);
	CHECK(strstr(err, "/nonexistent-dir/q.db") != NULL);
}

static void
test_files(void)
{
	struct store *st = fresh("files.db");
	struct number_arg a = { "A020", { 0 } };
	char path[400], back[400], bad[400], err[600];
	struct site got;
	sqlite3 *db;
	int i;

	path_of(path, sizeof path, "files.db");
	for (i = 0; i < 20; i++)
		issue(st, 'A', 0, T0 + i);
	if (fixture_pg()) {
		test_files_pg(st);
		return;
	}
	CHECK_INT(sql1("files.db", "PRAGMA user_version"), migrations_in_tree()); /* all ran */
	{
		char wal[420];
		snprintf(wal, sizeof wal, "%s-wal", path);
		CHECK(exists(wal));                                  /* WAL mode */
	}
	/* Online backup while the store is open; the copy opens and has it all. */
	path_of(back, sizeof back, "backup.db");
	remove_db("backup.db");
	CHECK_INT(store_backup(st, back, err, sizeof err), ST_OK);
	CHECK_INT(store_backup(st, "/nonexistent-dir/x.db", err, sizeof err), ST_ERR);
	CHECK(strstr(err, "/nonexistent-dir/x.db") != NULL);
	store_close(st);
	st = reopen("backup.db");
	CHECK_INT(rd(st, by_number, &a), ST_OK);
	CHECK_INT(a.t.seq, 20);
	CHECK_INT(rd(st, site_get, &got), ST_OK);
	CHECK_STR(got.id, "test-93");
	CHECK_STR(issue(st, 'A', 0, T0 + 100).number, "A021");      /* and it is writable */
	store_close(st);
	/* Reopening keeps everything; migrations run once. */
	st = reopen("files.db");
	store_close(st);
	CHECK_INT(sql1("files.db", "SELECT COUNT(*) FROM tickets"), 20);

	/* A database from a newer version, in WAL and in rollback-journal mode
	 * (switching to WAL before the version check would rewrite its header). */
	copy_db("files.db", "newer.db");
	path_of(bad, sizeof bad, "newer.db");
	REQUIRE(sqlite3_open(bad, &db) == SQLITE_OK);
	REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	refused_untouched(bad, "newer version");
	REQUIRE(sqlite3_open(bad, &db) == SQLITE_OK);
	REQUIRE(sqlite3_exec(db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	refused_untouched(bad, "newer version");
	/* A damaged file; garbage over the header. */
	copy_db("files.db", "corrupt.db");
	path_of(bad, sizeof bad, "corrupt.db");
	damage_pages(bad);
	refused_untouched(bad, "integrity check");
	copy_db("files.db", "header.db");
	path_of(bad, sizeof bad, "header.db");
	{
		FILE *f = fopen(bad, "r+b");
		REQUIRE(f != NULL);
		fputs("this is not an SQLite header, this is garbage from a test........", f);
		fclose(f);
	}
	refused_untouched(bad, NULL);
	/* A missing directory: a message, no crash. */
	CHECK(store_open("/nonexistent-dir/q.db", err, sizeof err) == NULL);
	CHECK(strstr(err, "/nonexistent-dir/q.db") != NULL);
	store_close(NULL);
}

/* -- a VFS shim: I/O errors on demand ------------------------------------------------------ */

/*
 * SQLite's own seam for fault injection: a VFS that passes everything to
 * the default one, except that writes and syncs of -wal files fail with
 * an I/O error while io_fail is set. Registered as the default VFS, so
 * the store opens its files through it without knowing.
 */
static sqlite3_vfs *base_vfs;
static sqlite3_vfs shim_vfs;
static int io_fail;             /* set and cleared by the test (see test_io_error) */

struct shim_file {
	sqlite3_file base;      /* our methods */
	sqlite3_file *real;     /* the default VFS's file, just after this struct */
	int wal;                /* a -wal file */
};

#define REAL(f) (((struct shim_file *)(f))->real)

static int
shim_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (io_fail && ((struct shim_file *)f)->wal)
		return SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
shim_sync(sqlite3_file *f, int flags)
{
	if (io_fail && ((struct shim_file *)f)->wal)
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
shim_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
shim_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int
shim_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int
shim_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
shim_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
shim_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
shim_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
shim_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **out)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, out);
}

static int
shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
shim_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
shim_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int
shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}

static int
shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods shim_io = {
	3, shim_close, shim_read, shim_write, shim_truncate, shim_sync, shim_size, shim_lock,
	shim_unlock, shim_reserved, shim_control, shim_sector, shim_device, shim_shm_map,
	shim_shm_lock, shim_shm_barrier, shim_shm_unmap, shim_fetch, shim_unfetch,
};

static int
shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outflags)
{
	struct shim_file *f = (struct shim_file *)file;
	int rc;

	(void)vfs;
	f->real = (sqlite3_file *)(f + 1);
	f->wal = (flags & SQLITE_OPEN_WAL) != 0;
	f->base.pMethods = NULL;
	if ((rc = base_vfs->xOpen(base_vfs, name, f->real, flags, outflags)) == SQLITE_OK)
		f->base.pMethods = &shim_io;
	return rc;
}

static void
shim_install(void)
{
	REQUIRE((base_vfs = sqlite3_vfs_find(NULL)) != NULL);
	REQUIRE(base_vfs->iVersion >= 3);
	shim_vfs = *base_vfs;
	shim_vfs.zName = "test-shim";
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) + base_vfs->szOsFile;
	shim_vfs.xOpen = shim_open;
	shim_vfs.pNext = NULL;
	REQUIRE(sqlite3_vfs_register(&shim_vfs, 1) == SQLITE_OK);
}

/* -- group commit -------------------------------------------------------------------------- */

#define NTHREADS 8

struct gc_arg {
	struct store *st;
	const char *name;       /* database file */
	int index;              /* 0..NTHREADS-1 */
	int gate;               /* hold this batch until the others have queued */
	int answer;             /* fn's answer: ST_OK, ST_ERR (undone) or its own (7) */
	int fail_io;            /* from this fn on, WAL writes fail (the commit will) */
	int writes;             /* how many store_write calls (1 unless a free-for-all) */
	int64_t id;             /* the ticket it wrote last */
	pthread_t caller;       /* the thread that called store_write */
	pthread_t runner;       /* the thread that ran fn */
	int rc;                 /* store_write's (last) answer */
	int failures;           /* answers other than `answer` */
	char err[300];          /* store_write's err */
	int in_file;            /* its tickets in the file once store_write returned */
	int queued;             /* gated: requests queued behind its batch */
};

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_in;             /* the gated fn is running */

/* Requests waiting for the next batch (under the store's queue lock). */
static int
queued(struct store *st)
{
	int n;

	pthread_mutex_lock(&st->gc_lock);
	n = st->gc_queued;
	pthread_mutex_unlock(&st->gc_lock);
	return n;
}

static int
gc_fn(struct store *st, void *p)
{
	struct gc_arg *a = p;
	char device[16];
	struct issue_arg t = { 'A', 0, T0, NULL, { 0 }, device };
	int i;

	a->runner = pthread_self();
	if (a->gate) {
		pthread_mutex_lock(&gate_mu);
		gate_in = 1;
		pthread_cond_broadcast(&gate_cv);
		pthread_mutex_unlock(&gate_mu);
		/* Wait, with a deadline, for the others to queue behind this batch. */
		for (i = 0; i < 20000 && queued(st) < NTHREADS - 1; i++)
			nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		a->queued = queued(st);
	}
	if (a->fail_io)
		io_fail = 1;
	snprintf(device, sizeof device, "kiosk-%d", a->index);
	if (issue_fn(st, &t) != ST_OK)
		return ST_ERR;
	a->id = t.t.id;
	return a->answer;
}

static void *
gc_thread(void *p)
{
	struct gc_arg *a = p;
	char sql[100];
	int i;

	a->caller = pthread_self();
	for (i = 0; i < a->writes; i++) {
		snprintf(a->err, sizeof a->err, "untouched");
		a->rc = store_write(a->st, gc_fn, a, a->err, sizeof a->err);
		a->failures += a->rc != a->answer;
	}
	/* Answered: it is on disk, for any other connection to see. */
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM tickets WHERE device = 'kiosk-%d'", a->index);
	a->in_file = (int)sql1(a->name, sql);
	return NULL;
}

/* Start the gated writer, wait until its fn runs, then start the others:
 * they all land in the second batch. */
static void
run_gated(struct gc_arg *g)
{
	pthread_t th[NTHREADS];
	int i;

	gate_in = 0;
	g[0].gate = 1;
	REQUIRE(pthread_create(&th[0], NULL, gc_thread, &g[0]) == 0);
	pthread_mutex_lock(&gate_mu);
	while (!gate_in)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	for (i = 1; i < NTHREADS; i++)
		REQUIRE(pthread_create(&th[i], NULL, gc_thread, &g[i]) == 0);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	CHECK_INT(g[0].queued, NTHREADS - 1);
}

static void
test_group_commit(void)
{
	struct store *st = fresh("batch.db");
	struct gc_arg g[NTHREADS];
	pthread_t th[NTHREADS];
	int i, kept = 1;

	/* One batch of seven: two undone (ST_ERR), two with an answer of their own. */
	memset(g, 0, sizeof g);
	for (i = 0; i < NTHREADS; i++) {
		g[i] = (struct gc_arg){ .st = st, .name = "batch.db", .index = i, .writes = 1 };
		g[i].answer = i % 4 == 1 ? ST_ERR : i % 4 == 2 ? 7 : ST_OK;
	}
	g[0].answer = ST_OK;
	if (fixture_pg()) {
		/* Batches are SQLite's group commit; on PostgreSQL each write is
		 * a transaction of its own: the same answers, all at once. */
		for (i = 0; i < NTHREADS; i++)
			REQUIRE(pthread_create(&th[i], NULL, gc_thread, &g[i]) == 0);
		for (i = 0; i < NTHREADS; i++)
			pthread_join(th[i], NULL);
	} else {
		run_gated(g);
		CHECK(pthread_equal(g[0].runner, g[0].caller));
	}
	CHECK_INT(g[0].rc, ST_OK);
	for (i = 1; i < NTHREADS; i++) {
		CHECK_INT(g[i].rc, g[i].answer);
		/* One transaction: one leader ran every fn of the second batch. */
		if (!fixture_pg()) {
			CHECK(pthread_equal(g[i].runner, g[1].runner));
			CHECK(!pthread_equal(g[i].runner, g[0].caller));
		}
		CHECK_INT(g[i].in_file, g[i].answer == ST_ERR ? 0 : 1);
		/* fn's own ST_ERR: the store had no reason to give; err is fn's. */
		if (g[i].answer == ST_ERR)
			CHECK_STR(g[i].err, "untouched");
		kept += g[i].answer != ST_ERR;
	}
	if (!fixture_pg()) {
		int leader = 0;
		for (i = 1; i < NTHREADS; i++)
			leader += pthread_equal(g[i].runner, g[i].caller);
		CHECK_INT(leader, 1);
	}
	CHECK_INT(sql1("batch.db", "SELECT COUNT(*) FROM tickets"), kept);
	CHECK_INT(sql1("batch.db", "SELECT COUNT(DISTINCT id) FROM tickets"), kept);
	CHECK_INT(sql1("batch.db", "SELECT MAX(seq) FROM tickets"), kept);
	CHECK_INT(sql1("batch.db", "SELECT MAX(id) FROM tickets"), kept);

	/* A free-for-all: every write committed exactly once, numbers unique. */
	for (i = 0; i < NTHREADS; i++) {
		g[i] = (struct gc_arg){ .st = st, .name = "batch.db", .index = 10 + i, .writes = 25,
			.answer = ST_OK };
		REQUIRE(pthread_create(&th[i], NULL, gc_thread, &g[i]) == 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(g[i].failures, 0);
		CHECK_INT(g[i].in_file, 25);
	}
	kept += NTHREADS * 25;
	CHECK_INT(sql1("batch.db", "SELECT COUNT(*) FROM tickets"), kept);
	CHECK_INT(sql1("batch.db", "SELECT COUNT(DISTINCT id) FROM tickets"), kept);
	CHECK_INT(sql1("batch.db", "SELECT COUNT(DISTINCT number) FROM tickets"), kept);
	CHECK_INT(sql1("batch.db", "SELECT MAX(seq) FROM tickets"), kept);
	CHECK_INT(sql1("batch.db", "SELECT n FROM waiting_counts WHERE queue = 'A'"), kept);
	store_close(st);
}

/* A batch whose commit fails: every request of it fails, with the reason,
 * including those whose fn had run fine; the one before it stays. */
static void
test_io_error(void)
{
	struct store *st;
	struct gc_arg g[NTHREADS];
	int i;

	if (fixture_pg())   /* the I/O error comes through SQLite's VFS: SQLite's */
		return;
	st = fresh("io.db");

	for (i = 0; i < NTHREADS; i++)
		g[i] = (struct gc_arg){ .st = st, .name = "io.db", .index = i, .writes = 1,
			.answer = ST_OK };
	g[3].fail_io = 1;
	run_gated(g);
	io_fail = 0;
	CHECK_INT(g[0].rc, ST_OK);
	CHECK_INT(g[0].in_file, 1);
	for (i = 1; i < NTHREADS; i++) {
		CHECK_INT(g[i].rc, ST_ERR);
		CHECK_INT(g[i].in_file, 0);
		if (!strstr(g[i].err, "disk I/O error"))
			fprintf(stderr, "request %d: \"%s\"\n", i, g[i].err);
		CHECK(strstr(g[i].err, "disk I/O error") != NULL);
	}
	CHECK_INT(sql1("io.db", "SELECT COUNT(*) FROM tickets"), 1);
	/* The disk is back: the store goes on, numbering after what was kept. */
	CHECK_STR(issue(st, 'A', 0, T0 + 1).number, "A002");
	store_close(st);
	CHECK_INT(sql1("io.db", "SELECT COUNT(*) FROM tickets"), 2);
	CHECK_INT(sql1("io.db", "SELECT n FROM waiting_counts"), 2);
}

/* -- one snapshot per store_read ------------------------------------------------------------ */

struct snap_arg {
	int before, after;      /* waiting in A, at the start and the end of fn */
	int found;              /* store_ticket_get of the other process's ticket */
	int other;              /* the other process's write: SQLITE_OK */
};

static int
snapshot(struct store *st, void *p)
{
	struct snap_arg *a = p;
	struct ticket t;

	a->before = waiting(st, D0, 'A', 0);
	/* Another process commits a ticket meanwhile. */
	a->other = sqlx("snap.db", "INSERT INTO tickets (id, day, service, seq, number, queue, lang, "
	    "issued_at, device) VALUES (100, '2026-11-27', 'A', 100, 'A100', 'A', 'fr', 1, 'admin')");
	a->after = waiting(st, D0, 'A', 0);
	a->found = store_ticket_get(st, 100, &t);
	return ST_NOTFOUND;             /* any answer of fn's passes through */
}

static void
test_snapshot(void)
{
	struct store *st = fresh("snap.db");
	struct snap_arg a;

	issue(st, 'A', 0, T0);
	issue(st, 'A', 0, T0 + 1);
	CHECK_INT(rd(st, snapshot, &a), ST_NOTFOUND);
	CHECK_INT(a.other, SQLITE_OK);
	CHECK_INT(a.before, 2);
	CHECK_INT(a.after, 2);
	CHECK_INT(a.found, ST_NOTFOUND);
	/* The next read sees it. */
	CHECK_INT(rd(st, snapshot, &a), ST_NOTFOUND);
	CHECK_INT(a.before, 3);
	CHECK_INT(a.found, ST_OK);
	store_close(st);
}

/* -- storage failures ----------------------------------------------------------------------- */

struct fail_arg {
	int rc;                 /* the row function's answer */
	int64_t id;             /* a ticket written before */
};

static int
read_alerts(struct store *st, void *p)
{
	struct fail_arg *a = p;
	struct alert out[4];

	a->rc = store_alerts_of_day(st, D0, out, 4);
	return a->rc < 0 ? ST_ERR : ST_OK;
}

/* A read that loads the changed schema, then a statement never prepared. */
static int
read_attestation(struct store *st, void *p)
{
	struct fail_arg *a = p;
	struct counter_row c[8];
	struct attestation at;

	CHECK_INT(store_counter_list(st, c, 8), 4);
	a->rc = store_attestation_get(st, 1, NULL, &at);
	return a->rc == ST_ERR ? ST_ERR : ST_OK;
}

static int
write_then_alert(struct store *st, void *p)
{
	struct fail_arg *a = p;
	struct issue_arg t = { 'A', 0, T0, NULL, { 0 }, NULL };
	struct alert al = { 0, T0, "burst", "x", "y" };

	if (issue_fn(st, &t) != ST_OK)
		return ST_ERR;
	a->id = t.t.id;
	a->rc = store_alert_add(st, D0, &al);
	return a->rc < 0 ? ST_ERR : ST_OK;
}

/* Writes until the disk (max_page_count) is full. */
static int
fill_disk(struct store *st, void *p)
{
	struct fail_arg *a = p;
	struct issue_arg t = { 'B', 0, T0, NULL, { 0 }, NULL };
	int i;

	for (i = 0; i < 100000; i++) {
		t.at = T0 + i;
		if ((a->rc = issue_fn(st, &t)) != ST_OK)
			return ST_ERR;
		memset(t.t.token, 'x', sizeof t.t.token - 1);
		t.t.token[sizeof t.t.token - 1] = '\0';
		if ((a->rc = store_ticket_update(st, &t.t, TS_WAITING)) != ST_OK)
			return ST_ERR;
	}
	return ST_OK;
}

static void
test_failures(void)
{
	struct store *st = fresh("broken.db");
	struct fail_arg a = { 0, 0 };
	char err[400];
	struct fixture_locker other;
	char path[400];
	const char *no_alerts = fixture_pg() ? "relation \"alerts\" does not exist" :
	    "no such table: alerts";
	const char *no_attestations = fixture_pg() ? "relation \"attestations\" does not exist" :
	    "no such table: attestations";

	/* A cached statement whose table went away behind the store's back. */
	CHECK_INT(rd(st, read_alerts, &a), ST_OK);
	CHECK_INT(sqlx("broken.db", "DROP TABLE alerts"), SQLITE_OK);
	CHECK_INT(store_read(st, read_alerts, &a, err, sizeof err), ST_ERR);
	CHECK_INT(a.rc, ST_ERR);
	if (!strstr(err, no_alerts))
		fprintf(stderr, "dropped table: \"%s\"\n", err);
	CHECK(strstr(err, no_alerts) != NULL);
	CHECK(strstr(err, "FROM alerts") != NULL);              /* the statement */
	/* A statement that fails to prepare: ST_ERR with the message and the
	 * statement, never an abort; the store goes on. */
	CHECK_INT(sqlx("broken.db", "DROP TABLE attestations"), SQLITE_OK);
	CHECK_INT(store_read(st, read_attestation, &a, err, sizeof err), ST_ERR);
	CHECK_INT(a.rc, ST_ERR);
	if (!strstr(err, "cannot prepare"))
		fprintf(stderr, "prepare failure: \"%s\"\n", err);
	CHECK(strstr(err, "cannot prepare") != NULL);
	CHECK(strstr(err, no_attestations) != NULL);
	CHECK(strstr(err, "FROM attestations") != NULL);
	/* In a write, the failure undoes that request's other changes. */
	CHECK_INT(store_write(st, write_then_alert, &a, err, sizeof err), ST_ERR);
	CHECK(strstr(err, no_alerts) != NULL);
	CHECK_INT(sql1("broken.db", "SELECT COUNT(*) FROM tickets"), 0);
	CHECK_STR(issue(st, 'A', 0, T0).number, "A001");

	/* Another process holds the write lock (busy timeout, then a reason);
	 * on PostgreSQL it holds the tickets table. */
	path_of(path, sizeof path, "broken.db");
	fixture_lock(&other, path, "tickets");
	{
		struct issue_arg t = { 'A', 0, T0, NULL, { 0 }, NULL };
		CHECK_INT(store_write(st, issue_fn, &t, err, sizeof err), ST_ERR);
		CHECK(strstr(err, "locked by another process") != NULL);
	}
	fixture_unlock(&other);
	CHECK_STR(issue(st, 'A', 0, T0).number, "A002");

	/* A full disk (the file may not grow: max_page_count, SQLite's). */
	if (!fixture_pg()) {
		sqlite3_stmt *s;
		char pragma[64];
		int pages = 0;
		REQUIRE(sqlite3_prepare_v2(st->db, "PRAGMA page_count", -1, &s, NULL) == SQLITE_OK);
		if (sqlite3_step(s) == SQLITE_ROW)
			pages = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
		snprintf(pragma, sizeof pragma, "PRAGMA max_page_count = %d", pages + 2);
		REQUIRE(sqlite3_exec(st->db, pragma, NULL, NULL, NULL) == SQLITE_OK);
		CHECK_INT(store_write(st, fill_disk, &a, err, sizeof err), ST_ERR);
		CHECK(strstr(err, "the disk is full") != NULL);
		CHECK_INT(sql1("broken.db", "SELECT COUNT(*) FROM tickets"), 2);
		REQUIRE(sqlite3_exec(st->db, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL) ==
		    SQLITE_OK);
		CHECK_STR(issue(st, 'A', 0, T0).number, "A003");
	}
	store_close(st);
}

/* -- programmer errors fail loudly ---------------------------------------------------------- */

static int
write_in_read(struct store *st, void *p)
{
	struct streaks sk = { 1, 0 };

	(void)p;
	store_streaks_set(st, D0, 'A', &sk);
	return ST_OK;
}

static int
nested_write(struct store *st, void *p)
{
	(void)p;
	return store_write(st, write_in_read, NULL, NULL, 0);
}

static char misuse_path[400];

/* Run f in a child (stderr silenced): it must exit with status 1. */
static int
dies(struct store *st, void (*f)(struct store *))
{
	pid_t pid;
	int status = 0;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(3);
		/* The parent's connections to PostgreSQL stay the parent's. */
		if (fixture_pg() && (st = fixture_open(misuse_path)) == NULL)
			_exit(4);
		f(st);
		_exit(0);
	}
	REQUIRE(pid > 0);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 1;
}

static void
outside(struct store *st)
{
	next_id(st);
}

static void
write_read(struct store *st)
{
	store_read(st, write_in_read, NULL, NULL, 0);
}

static void
nested(struct store *st)
{
	store_write(st, nested_write, NULL, NULL, 0);
}

static void
test_misuse(void)
{
	struct store *st = fresh("misuse.db");

	path_of(misuse_path, sizeof misuse_path, "misuse.db");
	CHECK(dies(st, outside));               /* a row function outside a transaction */
	CHECK(dies(st, write_read));            /* a write inside store_read */
	CHECK(dies(st, nested));                /* store_write inside store_write */
	CHECK_STR(issue(st, 'A', 0, T0).number, "A001");   /* the parent is unharmed */
	store_close(st);
}

int
main(void)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	shim_install();
	snprintf(dir, sizeof dir, "%s/test_store.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	REQUIRE(mkdtemp(dir) != NULL);
	make_site(&site);

	test_files();
	test_site();
	test_tickets();
	test_queues();
	test_day();
	test_close();
	test_attestations();
	test_log();
	test_audit();
	test_figures();
	test_accounts();
	test_group_commit();
	test_io_error();
	test_snapshot();
	test_failures();
	test_misuse();

	/* Files are kept only on request (KEEP_TMP=1), to look at a failure. */
	if (getenv("KEEP_TMP") == NULL) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	} else {
		fprintf(stderr, "files kept in %s\n", dir);
	}
	return TEST_REPORT();
}
