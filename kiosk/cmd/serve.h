/*
 * serve: helpers of `kiosk serve` shared with the other commands.
 */
#ifndef KIOSK_SERVE_H
#define KIOSK_SERVE_H

#include <stddef.h>

/* Find assets/SUB: in the working directory, next to the binary, or installed. */
void serve_default_dir(const char *argv0, const char *sub, char *out, size_t len);

/* Put TZ in the environment (the machine's zone) before any thread starts,
 * so that serve_use_zone may later change it from any one thread. */
void serve_zone_prepare(void);
/* Show local times in the site's zone (an IANA name, "Europe/Paris") from
 * now on: log lines, clocks, local days. 1 when it changed, 0 when already
 * in use, -1 for a name that is not an installed zone (nothing changed). */
int serve_use_zone(const char *tz);

#endif
