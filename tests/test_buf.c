/*
 * test_buf: the one growable byte buffer. Appends of text and binary
 * (100 KB in 1 KB chunks), the NUL kept after the bytes, printf, clear
 * (memory kept, failure forgotten), take, free, and a request larger than
 * memory: it fails once, sets `failed` and drops every later write.
 */
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "testhelp.h"

static void
test_binary(void)
{
	struct buf b = BUF_INIT;
	unsigned char chunk[1000];
	char *keep;
	int i;

	memset(chunk, 0xAB, sizeof chunk);
	CHECK(b.p == NULL);
	CHECK_STR(buf_str(&b), "");
	for (i = 0; i < 100; i++)
		buf_add(&b, chunk, sizeof chunk);
	CHECK(!b.failed);
	CHECK_INT(b.len, 100000);
	CHECK(b.cap > b.len);
	CHECK((unsigned char)b.p[99999] == 0xAB);
	CHECK(b.p[100000] == '\0');
	keep = b.p;
	buf_clear(&b);
	CHECK_INT(b.len, 0);
	CHECK(b.p == keep);              /* memory kept for the next use */
	CHECK_STR(buf_str(&b), "");
	buf_add(&b, chunk, 0);
	CHECK_INT(b.len, 0);
	CHECK(!b.failed);
	buf_add(&b, "a\0b", 3);          /* binary: a NUL inside is data */
	CHECK_INT(b.len, 3);
	CHECK(memcmp(b.p, "a\0b", 4) == 0);
	buf_free(&b);
	CHECK(b.p == NULL && b.len == 0 && b.cap == 0);
	buf_free(&b);                    /* twice is harmless */
}

static void
test_text(void)
{
	struct buf b = BUF_INIT;
	char *s;
	int i;

	buf_puts(&b, "");
	CHECK(b.p != NULL);              /* an empty text is still a text */
	CHECK_STR(buf_str(&b), "");
	buf_puts(&b, "fr\t");
	buf_printf(&b, "%s %d\n", "ticket", 42);
	CHECK_STR(buf_str(&b), "fr\tticket 42\n");
	CHECK_INT(b.len, strlen("fr\tticket 42\n"));
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%04d", i);
	CHECK_INT(b.len, strlen("fr\tticket 42\n") + 4000);
	CHECK(strncmp(b.p + b.len - 4, "0999", 4) == 0);
	s = buf_take(&b);
	CHECK(s != NULL && strncmp(s, "fr\tticket 42\n0000", 17) == 0);
	CHECK(b.p == NULL && b.len == 0 && b.cap == 0);
	free(s);
	CHECK(buf_take(&b) == NULL);     /* nothing added: nothing to take */
}

static void
test_failure(void)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "abc");
	CHECK_INT(buf_reserve(&b, SIZE_MAX - 2), -1);   /* would overflow */
	CHECK(b.failed);
	buf_puts(&b, "def");                            /* dropped */
	buf_printf(&b, "%d", 1);
	CHECK_STR(buf_str(&b), "abc");
	CHECK_INT(buf_reserve(&b, 1), -1);              /* sticky until cleared */
	buf_clear(&b);
	CHECK(!b.failed);
	buf_puts(&b, "ok");
	CHECK_STR(buf_str(&b), "ok");
	buf_free(&b);
	CHECK(!b.failed);
}

int
main(void)
{
	test_binary();
	test_text();
	test_failure();
	return TEST_REPORT();
}
