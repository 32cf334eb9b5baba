/*
 * holder: binding a ticket to its holder without storing who they are
 * (issue 6). The applicant types a document number (passport, residence
 * permit, foreign-national number). We keep only an HMAC-SHA256 of the
 * normalised number under a key that changes every day, and print only its
 * last three characters.
 *
 * Day keys are 32 random bytes made on the day's first use and kept in the
 * database (store_day_key); the retention job deletes them with the day's
 * hashes. They are not derived from any long-lived secret, so once a day
 * key is deleted nobody, not even with the database and the site's keys,
 * can link that day's hashes to a document number again.
 *
 * Pure core: libsodium and libc only, no I/O, no clock.
 */
#ifndef KIOSK_HOLDER_H
#define KIOSK_HOLDER_H

#include <stddef.h>

#define HOLDER_MIN        4    /* shortest normalised document number */
#define HOLDER_MAX        20   /* longest normalised document number */
#define HOLDER_TYPED_MAX  64   /* longer typed input is refused outright */
#define HOLDER_MASK_MAX   16   /* "•••4B7" is 9+3 bytes of UTF-8, plus NUL */

/* Upper-case, drop spaces, tabs, '-', '.', '/'. Only A-Z and 0-9 may remain,
 * HOLDER_MIN..HOLDER_MAX of them, not all the same character. outlen must be
 * > HOLDER_MAX. 0, or -1 with a reason fit to show the applicant's helper. */
int holder_normalise(const char *typed, char *out, size_t outlen, char *err, size_t errlen);

/* HMAC-SHA256(day_key, normalised). */
void holder_hash(const unsigned char day_key[32], const char *normalised, unsigned char out[32]);

/* Constant-time comparison of two holder hashes: 1 if equal, else 0. */
int holder_equal(const unsigned char a[32], const unsigned char b[32]);

/* "•••" (U+2022 three times, UTF-8) and the last three characters:
 * "AB12345C" -> "•••45C". 0, or -1 if out is too small or the input short. */
int holder_mask(const char *normalised, char *out, size_t outlen);

#endif
