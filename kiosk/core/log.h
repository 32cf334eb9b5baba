/*
 * log: one logging vocabulary for every part (after OpenBSD's log.c).
 * log_warn* add strerror(errno); fatal* exit the process. Lines go to stderr
 * with a local timestamp; systemd's journal keeps them on a real terminal.
 */
#ifndef KIOSK_LOG_H
#define KIOSK_LOG_H

#include <stdarg.h>

void log_init(const char *progname, int verbose);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Programmer errors fail loudly, in every build. */
#define expect(cond) \
	((cond) ? (void)0 : fatalx("%s:%d: expectation failed: %s", __FILE__, __LINE__, #cond))

/* Fill a caller's error buffer; a NULL buffer is allowed. Returns -1. */
int errf(char *err, unsigned long errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
