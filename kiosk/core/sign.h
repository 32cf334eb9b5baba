/*
 * sign: the signed QR payload printed on every slip, and the site's key files.
 *
 * A slip (ticket or attestation de passage) carries one line of ASCII text in
 * its QR code. A USB scanner "types" it into a field, so the text uses only
 * characters every keyboard layout can type and that QR's compact
 * alphanumeric mode holds: A-Z, 0-9, '-' and the separator '*'.
 *
 *   K1*T*PREFECTURE-93*20261127*A*42*0914*KIOSK1*1042*0*<signature>
 *   K1*A*PREFECTURE-93*20261127*A*0*1502*KIOSK1*1077*0*3*20261113*2*<signature>
 *
 * Fields, in order (docs/VERIFY.md is the full specification):
 *   K1        magic 'K' + format version 1
 *   T | A     kind: ticket or attestation
 *   site      site id, 1-24 of [A-Z0-9-] (upper-cased; ids compare case-blind)
 *   date      local date of issue, YYYYMMDD
 *   service   service code, 1-8 of [A-Z0-9]
 *   number    ticket number within service and day, decimal, 0-99999
 *             (attestations carry 0); no leading zeros
 *   time      local time of issue, HHMM
 *   device    id of the kiosk that asked, 1-16 of [A-Z0-9-]
 *   serial    unique serial of the slip (the server's row id), decimal
 *   reprint   0 for the original, N for the Nth duplicate (DUPLICATA)
 *   (attestations only:) attempt, first-attempt date YYYYMMDD, number of
 *             distinct ISO weeks with an attempt
 *   signature Ed25519 (crypto_sign_detached) over every byte before it,
 *             up to and including the last '*'; RFC 4648 base32, upper
 *             case, no padding: 103 characters
 *
 * Why '*': it is one key on French AZERTY (no Shift, no AltGr), it is on every
 * numeric keypad (scanners that type digits through the keypad get it right
 * on any layout), it is in QR's alphanumeric set, and it never occurs in
 * base32, in dates or in ids. Why base32: case-blind (a scanner typing with
 * Caps Lock on inverts case; the decoder upper-cases everything) and in every
 * language's standard library, so anyone can write a verifier.
 * The decoder also repairs the two classic layout mix-ups (scanner set to US
 * QWERTY on a French AZERTY PC, and the reverse): that text is mapped back
 * key by key and then verified as usual, so a repair can never make a forged
 * slip pass.
 *
 * Size: a ticket is about 140-160 characters, QR version 6 or 7 at level M in
 * alphanumeric mode. The signature alone is 103 characters; Ed25519
 * signatures cannot be shortened, so the < 120 target is not reachable.
 *
 * Pure core: libsodium and libc only; no I/O except the signkey_* functions,
 * which live in signkey.c and are the only ones that touch files.
 */
#ifndef KIOSK_SIGN_H
#define KIOSK_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define SLIP_VERSION      1    /* the format version this code writes */
#define SLIP_SITE_MAX     24   /* longest site id, characters */
#define SLIP_SERVICE_MAX  8    /* longest service code */
#define SLIP_DEVICE_MAX   16   /* longest device id */
#define SLIP_NUMBER_MAX   99999
#define SLIP_SERIAL_MAX   999999999999999ULL  /* 15 digits */
#define SLIP_REPRINT_MAX  99
#define SLIP_ATTEMPT_MAX  9999
#define SLIP_PAYLOAD_MAX  256  /* a buffer this size always holds a payload */

enum slip_kind {
	SLIP_TICKET = 'T',       /* a numbered ticket for today */
	SLIP_ATTESTATION = 'A',  /* attestation de passage: proof of a visit */
};

struct slip {
	int version;                          /* format version (SLIP_VERSION when encoding) */
	enum slip_kind kind;                  /* ticket or attestation */
	char site[SLIP_SITE_MAX + 1];         /* site id; encoded upper-case */
	char date[9];                         /* local date of issue, "YYYYMMDD" */
	char service[SLIP_SERVICE_MAX + 1];   /* service code, e.g. "A" */
	int number;                           /* ticket number (42 for "A042"); 0 on attestations */
	char time[5];                         /* local time of issue, "HHMM" */
	char device[SLIP_DEVICE_MAX + 1];     /* kiosk (device) id that asked */
	uint64_t serial;                      /* unique serial of the slip (server row id) */
	int reprint;                          /* 0 = original, N = Nth duplicate */
	/* Attestation chain (kind A only; all zero/empty on tickets): */
	int attempt;                          /* 1 = first attempt, N = Nth */
	char first_date[9];                   /* date of the first attempt, "YYYYMMDD" */
	int weeks;                            /* distinct ISO weeks with an attempt (1..attempt) */
};

enum slip_verdict {
	SLIP_VALID = 0,          /* genuine, from this site, and (tickets) today */
	SLIP_BAD_SIGNATURE,      /* altered or forged, or signed by another key */
	SLIP_OTHER_SITE,         /* names another site: check with that site's key */
	SLIP_OTHER_DAY,          /* genuine ticket, but not for the day checked */
	SLIP_UNKNOWN_FORMAT,     /* not a slip payload this code understands */
};

/* Field rules (see above). 0 if s can be encoded, else -1 and a reason. */
int slip_check(const struct slip *s, char *err, size_t errlen);

/* Sign and write the payload (NUL-terminated) into out. sk is libsodium's
 * 64-byte Ed25519 secret key. Returns the payload length, or -1 if a field
 * breaks the rules (see slip_check) or outlen is too small
 * (SLIP_PAYLOAD_MAX is always enough). */
int slip_encode(const struct slip *s, const unsigned char sk[64], char *out, size_t outlen);

/* Parse a payload WITHOUT checking the signature (the fields are then
 * unauthenticated). Tolerates surrounding white space, lower case and the
 * QWERTY/AZERTY mix-ups described above. 0, or -1 with a reason. */
int slip_decode(const char *payload, struct slip *out, char *err, size_t errlen);

/* The layout mix-ups above, one by one, for other payloads typed by a
 * scanner (an enrolment slip, core/draw.h): in (trimmed, upper-cased)
 * mapped back through mix-up i into out. 0, 1 when i is past the last one
 * (nothing written), -1 when out is too small. */
int slip_unmix(int i, const char *in, char *out, size_t outlen);

/* Check a payload against a site's public key. expect_site: the site id the
 * key belongs to (from the public key file), NULL to accept any.
 * today: "YYYYMMDD", NULL to skip the day check; the day check applies to
 * tickets only (an attestation proves a past visit, it does not expire).
 * Precedence: unknown format, other site, bad signature, other day.
 * out (may be NULL) is filled whenever the format is understood, even when
 * the verdict is not SLIP_VALID (then its fields are not to be trusted,
 * except after SLIP_OTHER_DAY, which is checked after the signature). */
enum slip_verdict slip_verify(const char *payload, const unsigned char pk[32],
                              const char *expect_site, const char *today,
                              struct slip *out);

/* "valid", "bad signature (altered or forged)", ... for people. */
const char *slip_verdict_str(enum slip_verdict v);
/* "valid", "forged", "other_site", "other_day", "unknown_format":
 * the codes of POST /api/v1/verify (docs/API.md). */
const char *slip_verdict_code(enum slip_verdict v);

/* Chained attestations (issue 6). Fill att's attempt, first_date and weeks
 * from the previous attestation prev (already verified), or start a chain
 * when prev is NULL. att->date must be set, and not be before prev->date.
 * A new ISO week counts when att's ISO week differs from prev's (the chain
 * is chronological, so that counts distinct weeks). 0, or -1 with a reason. */
int slip_chain(const struct slip *prev, struct slip *att, char *err, size_t errlen);

/* ISO 8601 week of a "YYYYMMDD" date: 0 and the ISO year and week, or -1 if invalid. */
int slip_iso_week(const char *yyyymmdd, int *year, int *week);


/*
 * Key files (signkey.c: the only file I/O of this module).
 *
 * Secret key file, mode 0600, one line:
 *     kiosk-secret v1 <site-id> <64 hex digits: the Ed25519 seed>
 * Public key text, what `kiosk admin pubkey` prints and
 * `kiosk verify --pubkey FILE` reads, one line (lower-case hex):
 *     kiosk-pubkey v1 <site-id> <64 hex digits: the Ed25519 public key>
 * The site id in the public key line is how "another site" is detected when
 * a slip names a different site than the key being used.
 */
#define SIGNKEY_LINE_MAX 128  /* a public key line always fits (with '\n' and NUL) */

/* Create a new key pair for site_id and write the secret key file: mode 0600
 * whatever the umask, O_EXCL (refuses to overwrite an existing file), synced
 * to disk with its directory. 0, or -1 with a reason. */
int signkey_generate(const char *secret_path, const char *site_id, char *err, size_t errlen);
/* Forced variant: replaces an existing secret key file atomically (written
 * to "<path>.new", synced, renamed). Slips signed with the old key no longer
 * verify with the new public key: publish both. */
int signkey_replace(const char *secret_path, const char *site_id, char *err, size_t errlen);

/* Load a secret key file. Refuses a file that group or others may read, or
 * that is not a regular file. sk: libsodium's 64-byte secret key (its last
 * 32 bytes are the public key). site_id_out may be NULL. */
int signkey_load_secret(const char *path, unsigned char sk[64],
                        char *site_id_out, size_t site_id_len,
                        char *err, size_t errlen);

/* Write "kiosk-pubkey v1 <site> <hex>\n" into out (SIGNKEY_LINE_MAX is
 * enough). For a loaded secret key, pk is sk + 32. 0, or -1. */
int signkey_format_public(const unsigned char pk[32], const char *site_id,
                          char *out, size_t outlen);
/* Parse that text (surrounding white space and '#' comment lines allowed;
 * the first key line is used). 0, or -1 with a reason. */
int signkey_parse_public(const char *text, unsigned char pk[32],
                         char *site_id, size_t site_id_len,
                         char *err, size_t errlen);

#endif
