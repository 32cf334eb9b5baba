/*
 * runlock: see runlock.h. The lock file holds the last server's pid, for
 * the message only: the lock itself is the truth, never the pid (a pid in
 * a file outlives its process).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/log.h"
#include "io/runlock.h"

struct runlock {
	int fd;                     /* the open lock file, holding the flock */
};

struct runlock *
runlock_take(const char *db, enum runlock_mode mode, int *busy, char *err, size_t errlen)
{
	struct runlock *l;
	char path[4096], pid[32];
	int fd, n;

	*busy = 0;
	if (snprintf(path, sizeof path, "%s.lock", db) >= (int)sizeof path) {
		errf(err, errlen, "%s: path too long", db);
		return NULL;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		errf(err, errlen, "%s: cannot open the lock file: %s", path, strerror(errno));
		return NULL;
	}
	if (flock(fd, (mode == RUNLOCK_SERVE ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK) {
			errf(err, errlen, "%s: cannot lock: %s", path, strerror(errno));
		} else {
			*busy = 1;
			n = (int)pread(fd, pid, sizeof pid - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			if (mode == RUNLOCK_SERVE)
				errf(err, errlen, "%s: 'kiosk admin init' is changing this database's "
				    "site: start the server when it is done", db);
			else
				errf(err, errlen, "a server is running on this database (pid %s); "
				    "stop it first", pid[0] ? pid : "unknown");
		}
		close(fd);
		return NULL;
	}
	if (mode == RUNLOCK_SERVE) {
		/* several servers may share a database; the file names the last */
		n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
		if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n)
			log_warn("runlock: %s: cannot write the pid", path);
	}
	if ((l = malloc(sizeof *l)) == NULL) {
		close(fd);
		errf(err, errlen, "out of memory");
		return NULL;
	}
	l->fd = fd;
	return l;
}

void
runlock_release(struct runlock *l)
{
	if (l == NULL)
		return;
	close(l->fd);   /* drops the flock */
	free(l);
}
