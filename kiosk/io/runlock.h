/*
 * runlock: who uses a database file, as an advisory lock (flock) on
 * DB.lock next to it. `kiosk serve` holds it shared for as long as it runs
 * (and writes its pid into the file); `kiosk admin init` takes it
 * exclusive without waiting, so it refuses to replace the site under a
 * running server, and no server starts while an init runs. The kernel
 * drops the lock when its holder ends, even by kill -9, so a crash never
 * leaves a stale lock behind. POSIX and Linux's flock only.
 */
#ifndef KIOSK_RUNLOCK_H
#define KIOSK_RUNLOCK_H

#include <stddef.h>

struct runlock;

enum runlock_mode {
	RUNLOCK_SERVE,              /* shared, pid written: a server runs */
	RUNLOCK_EXCLUSIVE,          /* nobody else: the site may be replaced */
};

/*
 * Take db's lock without waiting. NULL when it is held against us: err
 * says who holds it ("a server is running on this database (pid N)") and
 * *busy is 1; NULL with *busy 0 when the lock file cannot be used at all.
 */
struct runlock *runlock_take(const char *db, enum runlock_mode mode, int *busy /* OUT */,
    char *err, size_t errlen);
void runlock_release(struct runlock *l);   /* NULL is harmless */

#endif
