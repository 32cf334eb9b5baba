/*
 * buf: the project's one growable byte buffer (text or binary), always
 * NUL-terminated after its `len` bytes so text can be used in place.
 * Pure core: libc only. A failed allocation sets `failed` and drops the
 * write; the caller checks it once at the end instead of after each call.
 * Binary users (ESC/POS jobs, speech samples) read `p` as their own type:
 * the storage comes from realloc, so it is aligned for any of them.
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
/* Make it n bytes longer and return those bytes, for the caller to fill
 * (binary output written in place); NULL when the allocation failed. */
void *buf_extend(struct buf *b, size_t n);
/* Keep the first len bytes (len <= b->len): drop what came after. */
void buf_truncate(struct buf *b, size_t len);
/* Empty it for reuse: len 0, failed cleared, the memory kept. */
void buf_clear(struct buf *b);
/* The text, "" while nothing was added (p is NULL then). */
const char *buf_str(const struct buf *b);
/* Hand the bytes over (the caller frees them); the buffer is empty after. */
char *buf_take(struct buf *b);
void buf_free(struct buf *b);   /* harmless on an empty buffer */

#endif
