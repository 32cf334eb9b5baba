/*
 * fixture: the set-up the C tests share, on top of testhelp.h (the
 * CHECK/REQUIRE macros), which it includes: a test includes fixture.h
 * instead of testhelp.h.
 *
 *   clock      utc(), local(): Unix time of a wall-clock instant; and
 *              fixture_tz(): the process time zone, as `kiosk serve` sets
 *              it from the site, so the tests pass numbers, never read
 *              the clock.
 *   files      fixture_tmpdir() / fixture_rmdir(): a private temporary
 *              directory under $TMPDIR (or /tmp) and its removal (kept
 *              with KEEP_TMP=1, to look at a failure); fixture_path(),
 *              fixture_write(), fixture_read().
 *   site       fixture_site(): a site from INI text, as the server loads
 *              its site file.
 *   desk       fixture_desk(): a fresh store with a desk on it and a site
 *              applied through the desk, as `kiosk admin init` does;
 *              fixture_sql1(): one number read behind the store's back;
 *              fixture_query(), fixture_blob32(), fixture_exec(), and
 *              fixture_fail_on/off() (injected failures);
 *              fixture_data_version() (has anything been written?) and
 *              fixture_lock/unlock() (another process busy writing).
 *              These and fixture_db() are the only functions here that
 *              know the storage engine: with KIOSK_TEST_PG set (a libpq
 *              connection string in keyword form to a throwaway cluster,
 *              "host=DIR user=postgres", as tests/run_pg.sh sets it), a
 *              test's database file becomes a PostgreSQL database of its
 *              own, made afresh, and the same test runs on PostgreSQL.
 *
 * Every failure here is a broken test set-up, not a finding: it stops the
 * test binary with REQUIRE and says why.
 *
 * The clock helpers keep their short names (utc, local) because the test
 * bodies use them on nearly every line; the rest carry fixture_.
 * Everything is static inline, so a test that uses only part of the kit
 * compiles without unused-function warnings.
 */
#ifndef KIOSK_FIXTURE_H
#define KIOSK_FIXTURE_H

#include <ftw.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/site.h"
#include "desk/desk.h"
#include "store/store.h"
#include "testhelp.h"

/* -- clock ------------------------------------------------------------------ */

/* The broken-down form of a wall-clock instant, for timegm() and mktime(). */
static inline struct tm
fixture_tm(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return tm;
}

/* Unix time of a UTC wall-clock instant: independent of the process zone. */
static inline int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = fixture_tm(y, mo, d, h, mi, s);

	return (int64_t)timegm(&tm);
}

/* Unix time of a wall-clock instant in the process zone (see fixture_tz);
 * in a daylight-saving fold the C library picks one of the two. */
static inline int64_t
local(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = fixture_tm(y, mo, d, h, mi, s);

	tm.tm_isdst = -1;   /* let mktime find whether summer time applies */
	return (int64_t)mktime(&tm);
}

/* The process time zone, e.g. "Europe/Paris": the site's, as in `kiosk serve`. */
static inline void
fixture_tz(const char *zone)
{
	REQUIRE(setenv("TZ", zone, 1) == 0);
	tzset();
}

/* -- files ------------------------------------------------------------------ */

/* out = dir "/" name; a path that does not fit stops the test. */
static inline void
fixture_path(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s/%s", dir, name);
	REQUIRE(n > 0 && (size_t)n < len);
}

/* A new private directory $TMPDIR/<name>.XXXXXX (or under /tmp) into dir. */
static inline void
fixture_tmpdir(char *dir, size_t len, const char *name)
{
	const char *base = getenv("TMPDIR");
	int n;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	n = snprintf(dir, len, "%s/%s.XXXXXX", base, name);
	REQUIRE(n > 0 && (size_t)n < len);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		REQUIRE(0);
	}
}

static inline int
fixture_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0)
		perror(path);
	return 0;   /* go on: remove as much as can be removed */
}

/* Removes dir and everything in it, unless KEEP_TMP is set (then says where). */
static inline void
fixture_rmdir(const char *dir)
{
	if (getenv("KEEP_TMP") != NULL) {
		fprintf(stderr, "files kept in %s\n", dir);
		return;
	}
	if (nftw(dir, fixture_rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* Writes text to path, replacing the file. */
static inline void
fixture_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		perror(path);
	REQUIRE(f != NULL);
	REQUIRE(fputs(text, f) >= 0);
	REQUIRE(fclose(f) == 0);
}

/*
 * The whole file in a buffer the caller frees, with a NUL after its *len
 * bytes. NULL (and *len 0) when it cannot be read: a missing file is an
 * answer for some tests, so this does not stop the test.
 */
static inline unsigned char *
fixture_read(const char *path, size_t *len /* OUT */)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	if ((buf = malloc((size_t)n + 1)) == NULL)
		goto out;
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
	*len = (size_t)n;
out:
	fclose(f);
	return buf;
}

/* -- site and store --------------------------------------------------------- */

/* Writes ini as dir/site.ini and loads it into *out as the server would. */
static inline void
fixture_site(const char *dir, const char *ini, struct site *out /* OUT */)
{
	char path[512], err[300] = "";

	fixture_path(path, sizeof path, dir, "site.ini");
	fixture_write(path, ini);
	if (site_load(path, out, err, sizeof err) != 0) {
		fprintf(stderr, "site_load %s: %s\n", path, err);
		REQUIRE(0);
	}
}

/* The PostgreSQL cluster the tests run on, NULL: SQLite files. */
static inline const char *
fixture_pg(void)
{
	const char *s = getenv("KIOSK_TEST_PG");
	return s && *s ? s : NULL;
}

/* What store_open is given for a test's database path: the path itself,
 * or (KIOSK_TEST_PG) the connection string of a database named after it,
 * dropped and made again when fresh. */
static inline void
fixture_db(char *out, size_t len, const char *path, int fresh)
{
	const char *pg = fixture_pg();
	unsigned long long h = 1469598103934665603ull;
	char name[24], sql[128], conn[512];
	const char *p;

	if (pg == NULL) {
		REQUIRE(snprintf(out, len, "%s", path) < (int)len);
		return;
	}
	for (p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	snprintf(name, sizeof name, "t%016llx", h);
	REQUIRE(snprintf(out, len, "%s dbname=%s", pg, name) < (int)len);
	if (fresh) {
		PGconn *c;
		PGresult *r;
		snprintf(conn, sizeof conn, "%s dbname=postgres", pg);
		c = PQconnectdb(conn);
		REQUIRE(PQstatus(c) == CONNECTION_OK);
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
		PQclear(PQexec(c, sql));
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
		r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fprintf(stderr, "fixture_db: %s", PQerrorMessage(c));
		REQUIRE(PQresultStatus(r) == PGRES_COMMAND_OK);
		PQclear(r);
		PQfinish(c);
	}
}

/*
 * The first column of the first row of sql on the database at path, as
 * text into out ("" and *isnull 1 when NULL or no row; isnull may be NULL):
 * a separate connection, behind the store's back. 1 a row, 0 no row, or
 * -1 with the reason on stderr.
 */
static inline int
fixture_query(const char *path, const char *sql, char *out, size_t len, int *isnull)
{
	char db[600];
	int rc = -1, null = 1;

	out[0] = '\0';
	if (fixture_pg()) {
		PGconn *c;
		PGresult *r;
		fixture_db(db, sizeof db, path, 0);
		c = PQconnectdb(db);
		r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK) {
			rc = PQntuples(r) > 0;
			if (rc && !PQgetisnull(r, 0, 0)) {
				snprintf(out, len, "%s", PQgetvalue(r, 0, 0));
				null = 0;
			}
		} else {
			fprintf(stderr, "query: %s: %s", sql, PQerrorMessage(c));
		}
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *h = NULL;
		sqlite3_stmt *st = NULL;
		if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		    sqlite3_busy_timeout(h, 5000) == SQLITE_OK &&
		    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
			int step = sqlite3_step(st);
			if (step == SQLITE_ROW || step == SQLITE_DONE)
				rc = step == SQLITE_ROW;
			if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
				snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
				null = 0;
			}
		}
		if (rc < 0)
			fprintf(stderr, "query %s: %s: %s\n", path, sql, h ? sqlite3_errmsg(h) : "?");
		sqlite3_finalize(st);
		sqlite3_close(h);
	}
	if (isnull)
		*isnull = null;
	return rc;
}

/* One number from an open connection; -1 with the reason on stderr if
 * the query fails. */
static inline long long
fixture_sql1_on(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else
		fprintf(stderr, "sql1: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return v;
}

/* One number read from the database file itself, through a separate
 * read-only connection (what a test checks behind the store's back). */
static inline long long
fixture_sql1(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	long long v = -1;

	if (fixture_pg()) {
		char conn[600];
		PGconn *c;
		PGresult *r;
		fixture_db(conn, sizeof conn, path, 0);
		c = PQconnectdb(conn);
		r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) {
			const char *t = PQgetvalue(r, 0, 0);
			v = t[0] == 't' && !t[1] ? 1 : t[0] == 'f' && !t[1] ? 0 : strtoll(t, NULL, 10);
		} else {
			fprintf(stderr, "sql1: %s: %s\n", sql, PQerrorMessage(c));
		}
		PQclear(r);
		PQfinish(c);
		return v;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		v = fixture_sql1_on(db, sql);
	else
		fprintf(stderr, "sql1 %s: %s\n", path, db ? sqlite3_errmsg(db) : "?");
	sqlite3_close(db);
	return v;
}

/* The store at path again (not made afresh), as a server restarted on it. */
static inline struct store *
fixture_open(const char *path)
{
	char err[300] = "", db[600];
	struct store *st;

	fixture_db(db, sizeof db, path, 0);
	if ((st = store_open(db, err, sizeof err)) == NULL)
		fprintf(stderr, "fixture_open %s: %s\n", path, err);
	return st;
}

/* The first column of the first row as a 32-byte blob: 1 found, 0 no
 * row, NULL or another size. */
static inline int
fixture_blob32(const char *path, const char *sql, unsigned char out[32])
{
	char text[80];
	int isnull, ok = 0;

	if (fixture_pg()) {
		size_t n;
		/* bytea in text form: \x and hex digits */
		if (fixture_query(path, sql, text, sizeof text, &isnull) == 1 && !isnull &&
		    !strncmp(text, "\\x", 2) && strlen(text) == 66)
			ok = sodium_hex2bin(out, 32, text + 2, 64, NULL, &n, NULL) == 0 && n == 32;
	} else {
		sqlite3 *h = NULL;
		sqlite3_stmt *st = NULL;
		if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
			memcpy(out, sqlite3_column_blob(st, 0), 32);
			ok = 1;
		}
		sqlite3_finalize(st);
		sqlite3_close(h);
	}
	return ok;
}

/* Run sql on the database at path behind the store's back: 0, or -1 with
 * the reason on stderr (quiet: a refusal may be what the test wants). */
static inline int
fixture_exec_rc(const char *path, const char *sql, int quiet)
{
	char db[600];
	int ok;

	if (fixture_pg()) {
		PGconn *c;
		PGresult *r;
		fixture_db(db, sizeof db, path, 0);
		c = PQconnectdb(db);
		r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
		if (!ok && !quiet)
			fprintf(stderr, "fixture_exec: %s: %s", sql, PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *h = NULL;
		ok = sqlite3_open(path, &h) == SQLITE_OK && sqlite3_busy_timeout(h, 5000) == SQLITE_OK &&
		    sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK;
		if (!ok && !quiet)
			fprintf(stderr, "fixture_exec: %s: %s\n", sql, h ? sqlite3_errmsg(h) : "?");
		sqlite3_close(h);
	}
	return ok ? 0 : -1;
}

/* The same; it must work. */
static inline void
fixture_exec(const char *path, const char *sql)
{
	REQUIRE(fixture_exec_rc(path, sql, 0) == 0);
}

/* An injected storage failure: every `event` (INSERT or UPDATE) on table,
 * when `when` holds (NULL: always; SQL on new.COLUMN), fails, through a
 * trigger called name; fixture_fail_off removes it. */
static inline void
fixture_fail_on(const char *path, const char *name, const char *table, const char *event,
    const char *when)
{
	char sql[600];

	if (fixture_pg()) {
		fixture_exec(path, "CREATE OR REPLACE FUNCTION fixture_fail() RETURNS trigger "
		    "LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'injected'; END$$");
		snprintf(sql, sizeof sql, "CREATE TRIGGER %s BEFORE %s ON %s FOR EACH ROW %s%s%s "
		    "EXECUTE FUNCTION fixture_fail()", name, event, table, when ? "WHEN (" : "",
		    when ? when : "", when ? ")" : "");
	} else {
		snprintf(sql, sizeof sql, "CREATE TRIGGER %s BEFORE %s ON %s %s%s BEGIN SELECT "
		    "RAISE(ABORT, 'injected'); END", name, event, table, when ? "WHEN " : "",
		    when ? when : "");
	}
	fixture_exec(path, sql);
}

static inline void
fixture_fail_off(const char *path, const char *name, const char *table)
{
	char sql[200];

	snprintf(sql, sizeof sql, "DROP TRIGGER %s%s%s", name, fixture_pg() ? " ON " : "",
	    fixture_pg() ? table : "");
	fixture_exec(path, sql);
}

/* A number that changes whenever something was written to the database
 * at path: SQLite's data_version, on a connection the test keeps open
 * (watch); on PostgreSQL a fingerprint of every row of every table with
 * the transaction that wrote it (xmin): a row inserted, deleted or
 * updated (even to the same values) changes it, and autovacuum does not. */
static inline long long
fixture_data_version(sqlite3 *watch, const char *path)
{
	if (fixture_pg())
		return fixture_sql1(path, "SELECT COALESCE(SUM((xpath('/row/f/text()', "
		    "query_to_xml(format('SELECT COUNT(*)::bigint * 1000003 + COALESCE(SUM(hashtext("
		    "x::text || x.xmin::text)), 0) AS f FROM %I x', table_name), false, true, "
		    "'')))[1]::text::bigint), 0) FROM information_schema.tables WHERE table_schema = "
		    "'public' AND table_type = 'BASE TABLE'");
	return fixture_sql1_on(watch, "PRAGMA data_version");
}

/* Another process busy writing on the database at path until
 * fixture_unlock: on SQLite a connection in BEGIN EXCLUSIVE; on PostgreSQL
 * a transaction holding tables (a comma-separated list) in EXCLUSIVE mode:
 * their writers wait, their readers go on, as under SQLite's WAL. */
struct fixture_locker {
	sqlite3 *lite;
	PGconn *pg;
};

static inline void
fixture_lock(struct fixture_locker *l, const char *path, const char *tables)
{
	char db[600], sql[300];

	memset(l, 0, sizeof *l);
	if (fixture_pg()) {
		PGresult *r;
		fixture_db(db, sizeof db, path, 0);
		l->pg = PQconnectdb(db);
		REQUIRE(PQstatus(l->pg) == CONNECTION_OK);
		snprintf(sql, sizeof sql, "BEGIN; LOCK TABLE %s IN EXCLUSIVE MODE", tables);
		r = PQexec(l->pg, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fprintf(stderr, "fixture_lock: %s", PQerrorMessage(l->pg));
		REQUIRE(PQresultStatus(r) == PGRES_COMMAND_OK);
		PQclear(r);
		return;
	}
	REQUIRE(sqlite3_open(path, &l->lite) == SQLITE_OK);
	REQUIRE(sqlite3_exec(l->lite, "BEGIN EXCLUSIVE", NULL, NULL, NULL) == SQLITE_OK);
}

static inline void
fixture_unlock(struct fixture_locker *l)
{
	if (l->pg) {
		PGresult *r = PQexec(l->pg, "ROLLBACK");
		REQUIRE(PQresultStatus(r) == PGRES_COMMAND_OK);
		PQclear(r);
		PQfinish(l->pg);
	} else {
		REQUIRE(sqlite3_exec(l->lite, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
		sqlite3_close(l->lite);
	}
	memset(l, 0, sizeof *l);
}

/* A store on the file at path (into *st, to close it), a desk on it (keys
 * may be NULL), and site applied by "test" at now. */
static inline struct desk *
fixture_desk(const char *path, const struct site *site, const struct desk_keys *keys, int64_t now,
    struct store **st_out)
{
	struct desk_actor who = { "test", 0, NULL };
	char err[300] = "", db[600];
	struct store *st;
	struct desk *d = NULL;

	fixture_db(db, sizeof db, path, 1);
	st = store_open(db, err, sizeof err);
	if (st == NULL || (d = desk_open(st, keys, err, sizeof err)) == NULL ||
	    desk_apply_site(d, &who, site, now, err, sizeof err) != DK_OK) {
		fprintf(stderr, "fixture_desk %s: %s\n", path, err);
		REQUIRE(0);
	}
	*st_out = st;
	return d;
}

#endif
