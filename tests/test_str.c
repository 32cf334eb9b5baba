/*
 * test_str: the one bounded string copy. What fits is copied whole; what
 * does not is cut, always terminated, and reported; the UTF-8 variant cuts
 * before a character, never inside one (2-, 3- and 4-byte characters);
 * the validator refuses overlongs, surrogates, code points above U+10FFFF
 * and cut characters.
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

#define VALID(lit) str_utf8_valid(lit, sizeof(lit) - 1)

static void
test_valid(void)
{
	CHECK_INT(VALID(""), 1);
	CHECK_INT(VALID("plain ASCII"), 1);
	CHECK_INT(VALID("\xc3\xa9t\xc3\xa9"), 1);             /* été */
	CHECK_INT(VALID("\xe2\x82\xac"), 1);                   /* euro sign */
	CHECK_INT(VALID("\xf0\x9f\x98\x80"), 1);              /* an emoji */
	CHECK_INT(VALID("\xf4\x8f\xbf\xbf"), 1);              /* U+10FFFF, the last */
	CHECK_INT(VALID("\xed\x9f\xbf"), 1);                   /* U+D7FF, before surrogates */
	CHECK_INT(VALID("\xee\x80\x80"), 1);                   /* U+E000, after them */
	CHECK_INT(VALID("\xef\xbb\xbf"), 1);                   /* a BOM is a character */
	CHECK_INT(VALID("a\0b"), 1);                             /* NUL is UTF-8 */
	/* Latin-1 "été" */
	CHECK_INT(VALID("\xe9t\xe9"), 0);
	/* overlongs: '/' in 2, 3 and 4 bytes; U+07FF in 3; U+FFFF in 4 */
	CHECK_INT(VALID("\xc0\xaf"), 0);
	CHECK_INT(VALID("\xc1\xbf"), 0);
	CHECK_INT(VALID("\xe0\x80\xaf"), 0);
	CHECK_INT(VALID("\xf0\x80\x80\xaf"), 0);
	CHECK_INT(VALID("\xe0\x9f\xbf"), 0);
	CHECK_INT(VALID("\xf0\x8f\xbf\xbf"), 0);
	/* surrogates U+D800 and U+DFFF, and a CESU-8 pair */
	CHECK_INT(VALID("\xed\xa0\x80"), 0);
	CHECK_INT(VALID("\xed\xbf\xbf"), 0);
	CHECK_INT(VALID("\xed\xa0\xbd\xed\xb8\x80"), 0);
	/* above U+10FFFF, and leads that cannot start anything */
	CHECK_INT(VALID("\xf4\x90\x80\x80"), 0);
	CHECK_INT(VALID("\xf5\x80\x80\x80"), 0);
	CHECK_INT(VALID("\xf8\x88\x80\x80\x80"), 0);
	CHECK_INT(VALID("\xff"), 0);
	/* a lone continuation, a cut character, a lead without its tail */
	CHECK_INT(VALID("\x80"), 0);
	CHECK_INT(VALID("ab\xe2\x82"), 0);
	CHECK_INT(VALID("\xc3" "a"), 0);
	CHECK_INT(VALID("\xf0\x9f\x98" "a"), 0);
	/* only n bytes are read: a valid prefix of a cut string */
	CHECK_INT(str_utf8_valid("ab\xe2\x82\xac", 2), 1);
	CHECK_INT(str_utf8_valid("ab\xe2\x82\xac", 4), 0);
}

int
main(void)
{
	test_copy();
	test_utf8();
	test_valid();
	return TEST_REPORT();
}
