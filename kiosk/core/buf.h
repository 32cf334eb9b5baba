/*
 * buf: the project's one growable byte buffer (text or binary), always
 * NUL-terminated after its `len` bytes so text can be used in place.
 * Pure core: libc only. A failed allocation sets `failed` and drops the
 * write; the caller checks it once at the end instead of after each call.
 */
#ifndef KIOSK_BUF_H
#define KIOSK_BUF_H

#include <stddef.h>

struct buf {
	char *p;                /* the bytes, NUL-terminated (NULL while empty) */
	size_t len;             /* bytes used, the NUL excluded */
	size_t cap;             /* bytes allocated */
	int failed;             /* an allocation failed: the content is incomplete */
};

#define BUF_INIT { NULL, 0, 0, 0 }

/* Room for `more` bytes after len (plus the NUL): 0, or -1 (failed set). */
int buf_reserve(struct buf *b, size_t more);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the bytes over (the caller frees them); the buffer is empty after. */
char *buf_take(struct buf *b);
void buf_free(struct buf *b);   /* harmless on an empty buffer */

#endif
