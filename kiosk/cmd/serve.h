/*
 * serve: helpers of `kiosk serve` shared with the other commands.
 */
#ifndef KIOSK_SERVE_H
#define KIOSK_SERVE_H

#include <stddef.h>

/* Find assets/SUB: in the working directory, next to the binary, or installed. */
void serve_default_dir(const char *argv0, const char *sub, char *out, size_t len);

#endif
