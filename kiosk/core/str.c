/*
 * str: see str.h. Pure core: libc only.
 */
#include <string.h>

#include "core/str.h"

/* Copy n bytes of src and the NUL; return rc. */
static int
put(char *dst, const char *src, size_t n, int rc)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
	return rc;
}

int
str_copy(char *dst, size_t size, const char *src)
{
	size_t n;

	if (size == 0)
		return -1;
	if (src == NULL)
		src = "";
	n = strnlen(src, size);
	if (n < size)
		return put(dst, src, n, 0);
	return put(dst, src, size - 1, -1);
}

int
str_copy_utf8(char *dst, size_t size, const char *src)
{
	size_t n;

	if (size == 0)
		return -1;
	if (src == NULL)
		src = "";
	n = strnlen(src, size);
	if (n < size)
		return put(dst, src, n, 0);
	/* src[size - 1] is the first byte left out: back up while it
	 * continues a character (10xxxxxx), so the cut falls before its lead. */
	n = size - 1;
	while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
		n--;
	return put(dst, src, n, -1);
}
