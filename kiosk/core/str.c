/*
 * str: see str.h. Pure core: libc only.
 */
#include <string.h>

#include "core/str.h"

int
str_copy(char *dst, size_t size, const char *src)
{
	size_t n;
	int rc = 0;

	if (size == 0)
		return -1;
	if (src == NULL)
		src = "";
	n = strnlen(src, size);
	if (n == size) {
		n = size - 1;
		rc = -1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	return rc;
}

int
str_copy_utf8(char *dst, size_t size, const char *src)
{
	size_t n;

	if (size == 0)
		return -1;
	if (str_copy(dst, size, src) == 0)
		return 0;
	/* src[size - 1] is the first byte left out: back up while it
	 * continues a character (10xxxxxx), so the cut falls before its lead. */
	n = size - 1;
	while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
		n--;
	dst[n] = '\0';
	return -1;
}
