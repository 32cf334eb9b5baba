/*
 * sqlite_health: what /health says about the storage (see store_health in
 * store/store.h). It looks at the file itself rather than through SQLite,
 * whose page cache and WAL keep answering for a while after the file was
 * truncated, replaced or deleted under it; and it writes a small test file
 * next to the database, because only a write tells whether the disk takes
 * one. Nothing here takes the connection's lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "store/sqlite_int.h"

#define PROBE_EVERY_MS 2000     /* at most one test write per this */
#define PROBE_BYTES 4096        /* one page: enough to need a free block */

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int probe(const char *path, char *why, size_t len);

int
sq_health_init(struct store *st, const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if ((st->path = strdup(path)) == NULL)
		return errf(err, errlen, "out of memory");
	if (stat(path, &sb) != 0)
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	st->dev = sb.st_dev;
	st->ino = sb.st_ino;
	st->probe_at = wall_ms();
	if (!(st->probe_ok = probe(path, st->probe_err, sizeof st->probe_err) == 0))
		log_warnx("store: %s: %s", path, st->probe_err);
	return ST_OK;
}

void
sq_health_note(struct store *st, int ok, const char *reason)
{
	int64_t now = wall_ms();

	pthread_mutex_lock(&st->hl_lock);
	if (ok) {
		st->last_commit = now;
	} else {
		st->last_failure = now;
		snprintf(st->last_error, sizeof st->last_error, "%s",
		    reason && *reason ? reason : "the transaction failed");
	}
	pthread_mutex_unlock(&st->hl_lock);
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The file as SQLite will find it on its next read from disk: in place,
 * the same file, the header intact and the file as long as the header
 * says (when that size is valid: bytes 24 and 92 agree). It reads through
 * an idle reader connection's own file handle, never a descriptor of its
 * own: closing any descriptor of the file would drop this process's POSIX
 * locks on it, SQLite's included.
 */
static int
file_check(struct store *st, char *why, size_t len)
{
	unsigned char h[100];
	struct stat sb;
	struct store *r;
	sqlite3_file *f = NULL;
	sqlite3_int64 size = 0;
	uint64_t psize, want;
	int slot, rc;

	if (stat(st->path, &sb) != 0)
		return errf(why, len, errno == ENOENT ? "the database file is gone (deleted or "
		    "moved away): restore it, then restart the server" : "cannot see the database "
		    "file: %s", strerror(errno));
	if (sb.st_dev != st->dev || sb.st_ino != st->ino)
		return errf(why, len, "the database file was replaced by another file: the server "
		    "still writes to the one it opened; restart it");
	r = sq_reader_take(st, &slot);
	if (sqlite3_file_control(r->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK ||
	    f == NULL || f->pMethods == NULL || f->pMethods->xFileSize(f, &size) != SQLITE_OK)
		rc = errf(why, len, "cannot see the database file");
	else if (f->pMethods->xRead(f, h, sizeof h, 0) != SQLITE_OK)
		rc = errf(why, len, "the database file is truncated (%lld bytes): restore a backup",
		    (long long)size);
	else
		rc = 0;
	sq_reader_give(st, slot);
	if (rc != 0)
		return rc;
	if (memcmp(h, "SQLite format 3", 16) != 0)
		return errf(why, len, "the database file was overwritten: it is no longer an SQLite "
		    "database; restore a backup");
	psize = (uint64_t)(h[16] << 8 | h[17]);
	if (psize == 1)
		psize = 65536;
	want = (uint64_t)be32(h + 28) * psize;
	if (be32(h + 24) == be32(h + 92) && want > (uint64_t)size)
		return errf(why, len, "the database file is truncated (%lld bytes where its header "
		    "says %llu): restore a backup", (long long)size, (unsigned long long)want);
	return 0;
}

/* Write, fsync and remove a page-sized file next to the database. */
static int
probe(const char *path, char *why, size_t len)
{
	char *tmp, page[PROBE_BYTES];
	size_t n = strlen(path) + sizeof "-health-XXXXXX";
	int fd, rc = 0;

	if ((tmp = malloc(n)) == NULL)
		return errf(why, len, "out of memory");
	snprintf(tmp, n, "%s-health-XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		rc = errf(why, len, "cannot create a file next to the database: %s", strerror(errno));
		goto out;
	}
	memset(page, 0, sizeof page);
	if (write(fd, page, sizeof page) != (ssize_t)sizeof page)
		rc = errf(why, len, errno == ENOSPC ? "the disk is full" :
		    "a test write failed: %s", strerror(errno));
	else if (fsync(fd) != 0)
		rc = errf(why, len, errno == ENOSPC ? "the disk is full" :
		    "a test write could not reach the disk: %s", strerror(errno));
	close(fd);
	unlink(tmp);
out:
	free(tmp);
	return rc;
}

/* The folder of path, for statvfs. */
static void
folder(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, len, ".");
	else if (slash == path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

void
store_health(struct store *st, struct store_health *h)
{
	struct statvfs vs;
	char dir[4096], why[200];
	int64_t now_ms = wall_ms();
	int due, ok;

	if (st->pg) {
		pg_health(st, h);
		return;
	}
	memset(h, 0, sizeof *h);
	h->file_ok = file_check(st, h->file_err, sizeof h->file_err) == 0;
	folder(st->path, dir, sizeof dir);
	if (statvfs(dir, &vs) == 0) {
		h->disk_free = (uint64_t)vs.f_bavail * vs.f_frsize;
		h->disk_total = (uint64_t)vs.f_blocks * vs.f_frsize;
	}
	pthread_mutex_lock(&st->hl_lock);
	/* Due every few seconds, and at once after a write failed since the last one. */
	due = now_ms - st->probe_at >= PROBE_EVERY_MS || now_ms < st->probe_at ||
	    st->last_failure >= st->probe_at;
	if (due)
		st->probe_at = now_ms;   /* one prober at a time; the others reuse the last result */
	pthread_mutex_unlock(&st->hl_lock);
	if (due) {
		ok = probe(st->path, why, sizeof why) == 0;
		if (!ok)
			log_warnx("store: health: %s", why);
		pthread_mutex_lock(&st->hl_lock);
		st->probe_ok = ok;
		snprintf(st->probe_err, sizeof st->probe_err, "%s", ok ? "" : why);
		pthread_mutex_unlock(&st->hl_lock);
	}
	pthread_mutex_lock(&st->hl_lock);
	h->writable = st->probe_ok;
	snprintf(h->write_err, sizeof h->write_err, "%s", st->probe_err);
	h->last_commit = st->last_commit;
	h->last_failure = st->last_failure;
	snprintf(h->last_error, sizeof h->last_error, "%s", st->last_error);
	pthread_mutex_unlock(&st->hl_lock);
}
