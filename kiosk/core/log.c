/*
 * log: see log.h. Depends on libc only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

static const char *prog = "kiosk";
static int verbosity;

void
log_init(const char *progname, int verbose)
{
	prog = progname;
	verbosity = verbose;
}

static void
vlog(const char *level, const char *fmt, va_list ap, int with_errno)
{
	int saved = errno;
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
	flockfile(stderr);
	fprintf(stderr, "%s %s[%s] ", ts, prog, level);
	vfprintf(stderr, fmt, ap);
	if (with_errno)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
	funlockfile(stderr);
	errno = saved;
}

#define LOGFN(name, level, with_errno, cond)          \
	void name(const char *fmt, ...)               \
	{                                             \
		va_list ap;                           \
		if (!(cond))                          \
			return;                       \
		va_start(ap, fmt);                    \
		vlog(level, fmt, ap, with_errno);     \
		va_end(ap);                           \
	}

LOGFN(log_info, "info", 0, 1)
LOGFN(log_debug, "debug", 0, verbosity > 0)
LOGFN(log_warn, "warn", 1, 1)
LOGFN(log_warnx, "warn", 0, 1)

void
fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("fatal", fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("fatal", fmt, ap, 0);
	va_end(ap);
	exit(1);
}

int
errf(char *err, unsigned long errlen, const char *fmt, ...)
{
	va_list ap;
	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
