/*
 * holder: see holder.h. Pure core: libsodium and libc only.
 */
#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "core/holder.h"
#include "core/log.h"


int
holder_normalise(const char *typed, char *out, size_t outlen, char *err, size_t errlen)
{
	size_t i, n = 0;
	int all_same = 1;

	if (out && outlen)
		out[0] = '\0';
	if (out == NULL || outlen <= HOLDER_MAX)
		return errf(err, errlen, "output buffer too small");
	if (typed == NULL || strnlen(typed, HOLDER_TYPED_MAX + 1) > HOLDER_TYPED_MAX)
		return errf(err, errlen, "document number too long");
	for (i = 0; typed[i]; i++) {
		unsigned char c = (unsigned char)typed[i];
		if (c == ' ' || c == '\t' || c == '-' || c == '.' || c == '/')
			continue;
		if (!isascii(c) || !isalnum(c)) {
			out[0] = '\0';
			return errf(err, errlen, "only letters and digits in a document number");
		}
		if (n == HOLDER_MAX) {
			out[0] = '\0';
			return errf(err, errlen, "document number too long (more than %d characters)", HOLDER_MAX);
		}
		out[n] = (char)toupper(c);
		if (n > 0 && out[n] != out[0])
			all_same = 0;
		n++;
	}
	out[n] = '\0';
	if (n < HOLDER_MIN) {
		out[0] = '\0';
		return errf(err, errlen, n ? "document number too short" : "no document number");
	}
	if (all_same) {   /* "0000000": no document is numbered like that */
		out[0] = '\0';
		return errf(err, errlen, "not a document number");
	}
	return 0;
}

void
holder_hash(const unsigned char day_key[32], const char *normalised, unsigned char out[32])
{
	crypto_auth_hmacsha256_state st;

	expect(day_key && normalised && out);
	expect(sodium_init() >= 0);
	crypto_auth_hmacsha256_init(&st, day_key, 32);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)normalised, strlen(normalised));
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

int
holder_equal(const unsigned char a[32], const unsigned char b[32])
{
	return sodium_memcmp(a, b, 32) == 0;
}

int
holder_mask(const char *normalised, char *out, size_t outlen)
{
	static const char dots[] = "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2";  /* ••• */
	size_t n;

	if (out && outlen)
		out[0] = '\0';
	if (normalised == NULL || out == NULL || (n = strlen(normalised)) < 3 ||
	    outlen < sizeof dots + 3)
		return -1;
	memcpy(out, dots, sizeof dots - 1);
	memcpy(out + sizeof dots - 1, normalised + n - 3, 4);
	return 0;
}
