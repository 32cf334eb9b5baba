/*
 * str: the project's one bounded string copy. The copy always ends with a
 * NUL (when there is room for one at all) and says whether src was cut, so
 * a caller either refuses a value that does not fit (check the return) or
 * keeps what fits (ignore it). The UTF-8 variant never cuts a character in
 * half, for text a person reads. (snprintf(dst, size, "%s", src) remains
 * fine where a cut is expected and never reported.)
 * Pure core: libc only.
 */
#ifndef KIOSK_STR_H
#define KIOSK_STR_H

#include <stddef.h>

/*
 * Copy src (NULL reads as "") into dst of `size` bytes. 0 when all of src
 * fit; -1 when it did not (dst then holds its first size-1 bytes) or when
 * size is 0 (dst untouched).
 */
int str_copy(char *dst, size_t size, const char *src);
/* The same, but a cut falls before a UTF-8 character, never inside one. */
int str_copy_utf8(char *dst, size_t size, const char *src);
/*
 * 1 when the n bytes at s are well-formed UTF-8 (RFC 3629): no overlong
 * form, no surrogate (U+D800..U+DFFF), nothing above U+10FFFF, no cut
 * character at the end. NUL bytes are valid UTF-8; callers that refuse
 * them check separately. 0 otherwise.
 */
int str_utf8_valid(const char *s, size_t n);
/* Length of the one valid UTF-8 character at s (n bytes left), by the same
 * rules; 0 when the byte there starts none. */
size_t str_utf8_char(const char *s, size_t n);

#endif
