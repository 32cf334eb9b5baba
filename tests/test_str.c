/*
 * test_str: the one bounded string copy. What fits is copied whole; what
 * does not is cut, always terminated, and reported; the UTF-8 variant cuts
 * before a character, never inside one (2-, 3- and 4-byte characters).
 */
#include <string.h>

#include "core/str.h"
#include "testhelp.h"

static void
test_copy(void)
{
	char d[6];

	CHECK_INT(str_copy(d, sizeof d, "abc"), 0);
	CHECK_STR(d, "abc");
	CHECK_INT(str_copy(d, sizeof d, "abcde"), 0);   /* exactly fills */
	CHECK_STR(d, "abcde");
	CHECK_INT(str_copy(d, sizeof d, "abcdef"), -1); /* one too many */
	CHECK_STR(d, "abcde");
	CHECK_INT(str_copy(d, sizeof d, ""), 0);
	CHECK_STR(d, "");
	CHECK_INT(str_copy(d, sizeof d, NULL), 0);
	CHECK_STR(d, "");
	CHECK_INT(str_copy(d, 1, "x"), -1);
	CHECK_STR(d, "");
	memcpy(d, "keep", 5);
	CHECK_INT(str_copy(d, 0, "x"), -1);             /* no room: untouched */
	CHECK_STR(d, "keep");
	/* the plain copy cuts bytes, whatever they encode */
	CHECK_INT(str_copy(d, 3, "\xc3\xa9t\xc3\xa9"), -1);
	CHECK_INT(strlen(d), 2);
}

static void
test_utf8(void)
{
	char d[8];

	/* "été" is 5 bytes: fits in 6 */
	CHECK_INT(str_copy_utf8(d, 6, "\xc3\xa9t\xc3\xa9"), 0);
	CHECK_STR(d, "\xc3\xa9t\xc3\xa9");
	/* 5 bytes of room: the last é would be cut in half, so it goes */
	CHECK_INT(str_copy_utf8(d, 5, "\xc3\xa9t\xc3\xa9"), -1);
	CHECK_STR(d, "\xc3\xa9t");
	CHECK_INT(str_copy_utf8(d, 4, "\xc3\xa9t\xc3\xa9"), -1);
	CHECK_STR(d, "\xc3\xa9t");
	CHECK_INT(str_copy_utf8(d, 2, "\xc3\xa9"), -1);
	CHECK_STR(d, "");
	/* a 3-byte character (euro sign) and a 4-byte one (an emoji) */
	CHECK_INT(str_copy_utf8(d, 6, "ab\xe2\x82\xac" "c"), -1);
	CHECK_STR(d, "ab\xe2\x82\xac");
	CHECK_INT(str_copy_utf8(d, 5, "ab\xe2\x82\xac"), -1);
	CHECK_STR(d, "ab");
	CHECK_INT(str_copy_utf8(d, 7, "a\xf0\x9f\x98\x80" "b"), 0);
	CHECK_STR(d, "a\xf0\x9f\x98\x80" "b");
	CHECK_INT(str_copy_utf8(d, 5, "a\xf0\x9f\x98\x80"), -1);
	CHECK_STR(d, "a");
	CHECK_INT(str_copy_utf8(d, sizeof d, NULL), 0);
	CHECK_STR(d, "");
	CHECK_INT(str_copy_utf8(d, 0, "x"), -1);
	/* ASCII cuts like the plain copy */
	CHECK_INT(str_copy_utf8(d, 4, "abcdef"), -1);
	CHECK_STR(d, "abc");
}

int
main(void)
{
	test_copy();
	test_utf8();
	return TEST_REPORT();
}
