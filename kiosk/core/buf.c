/*
 * buf: see buf.h. Pure core: libc only.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

int
buf_reserve(struct buf *b, size_t more)
{
	size_t cap, need;
	char *p;

	if (b->failed)
		return -1;
	if (more < b->cap - b->len)   /* len < cap once allocated: room for the NUL */
		return 0;
	if (more >= SIZE_MAX - b->len - 1) {
		b->failed = 1;   /* more than memory can hold */
		return -1;
	}
	need = b->len + more + 1;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void
buf_add(struct buf *b, const void *data, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return;
	if (n > 0)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void *
buf_extend(struct buf *b, size_t n)
{
	char *at;

	if (buf_reserve(b, n) != 0)
		return NULL;
	at = b->p + b->len;
	b->len += n;
	b->p[b->len] = '\0';
	return at;
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

void
buf_clear(struct buf *b)
{
	buf_truncate(b, 0);
	b->failed = 0;
}

const char *
buf_str(const struct buf *b)
{
	return b->p ? b->p : "";
}

char *
buf_take(struct buf *b)
{
	char *p = b->p;

	memset(b, 0, sizeof *b);
	return p;
}

void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}
