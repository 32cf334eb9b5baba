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

size_t
str_utf8_char(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t k, len;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	/* the lead byte gives the length and the payload bits; C0, C1
	 * (always overlong) and F5..FF are never leads */
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		len = 2, cp = p[0] & 0x1F;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		len = 3, cp = p[0] & 0x0F;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

int
str_utf8_valid(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if ((k = str_utf8_char(s + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}
