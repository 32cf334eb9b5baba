/*
 * sqlite_commits: the raw durable commit rate of SQLite on one disk, the
 * yardstick for the server's issue rate (bench/http_issue.sh prints the
 * ratio). One connection, WAL, synchronous=FULL, one small INSERT per
 * transaction: the same durability every ticket gets, with nothing else.
 *
 *   build/bench/sqlite_commits DIR [SECONDS]
 *
 * Creates DIR/raw-commits.db (removed afterwards) and prints one line:
 *   raw_commits: N commits in S s = R/s p50=X ms p99=Y ms
 * It is not a test and checks nothing; it only measures.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void
rm_db(const char *path)
{
	char side[600];

	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

int
main(int argc, char **argv)
{
	char path[512];
	double seconds = argc > 2 ? atof(argv[2]) : 3.0, t0, t, *lat = NULL;
	size_t n = 0, cap = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	int rc = 1;

	if (argc < 2 || seconds <= 0) {
		fprintf(stderr, "usage: sqlite_commits DIR [SECONDS]\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/raw-commits.db", argv[1]);
	rm_db(path);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, day TEXT, v TEXT, at INTEGER)",
	    NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t (day, v, at) VALUES ('2026-11-27', 'A042', ?)",
	    -1, &ins, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite_commits: %s: %s\n", path, db ? sqlite3_errmsg(db) : "no memory");
		goto out;
	}
	t0 = mono();
	while ((t = mono()) - t0 < seconds) {
		double a = t;
		/* An explicit transaction per row, as the server does. */
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)n);
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(ins);
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			goto fail;
		if (n == cap) {
			double *l = realloc(lat, (cap = cap ? cap * 2 : 4096) * sizeof *l);
			if (l == NULL)
				goto out;
			lat = l;
		}
		lat[n++] = mono() - a;
	}
	t = mono() - t0;
	qsort(lat, n, sizeof *lat, cmp_double);
	printf("raw_commits: %zu commits in %.2f s = %.0f/s p50=%.2f ms p99=%.2f ms\n", n, t,
	    (double)n / t, n ? lat[(n - 1) / 2] * 1e3 : 0.0, n ? lat[(n - 1) * 99 / 100] * 1e3 : 0.0);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "sqlite_commits: %s\n", sqlite3_errmsg(db));
out:
	sqlite3_finalize(ins);
	sqlite3_close(db);
	rm_db(path);
	free(lat);
	return rc;
}
