/*
 * draw: the draw at opening (issue #13), the arithmetic only.
 *
 * A draw commits to a 32-byte secret before anyone enrols, and after the
 * close publishes the secret, every entry id and the order they were drawn
 * in. Anyone can recompute the order from that JSON alone: docs/DRAW.md is
 * the contract, and this module is its reference implementation.
 *
 *   commitment   = hex(SHA-256(secret))
 *   entries_hash = SHA-256(ids sorted in byte order, joined with "\n")
 *   seed         = SHA-256(secret || entries_hash)      (raw 32 + 32 bytes)
 *   order        = ids sorted by HMAC-SHA256(key = seed, msg = id), ascending
 *
 * Pure core: libsodium (SHA-256, HMAC-SHA256), cJSON (draw_check reads the
 * published JSON) and libc. No clock, no randomness (the caller draws the
 * secret), no I/O.
 */
#ifndef KIOSK_DRAW_H
#define KIOSK_DRAW_H

#include <stddef.h>

#define DRAW_SECRET_LEN 32   /* bytes of the secret */
#define DRAW_HASH_LEN   32   /* bytes of SHA-256 and HMAC-SHA256 */
#define DRAW_HEX_LEN    65   /* a 32-byte value in hex, with its NUL */
#define DRAW_ENTRY_LEN  20   /* characters of an entry id this server makes */
#define DRAW_ENTRY_MAX  64   /* longest entry id draw_check accepts */

/* hex(SHA-256(secret)), lower case, into hex (DRAW_HEX_LEN bytes). */
void draw_commitment(const unsigned char secret[DRAW_SECRET_LEN], char hex[DRAW_HEX_LEN]);

/* SHA-256 of the n ids sorted in byte order and joined with "\n" (no
 * trailing newline; zero ids hash the empty string). ids is not changed.
 * 0, or -1 when out of memory. */
int draw_entries_hash(const char *const *ids, size_t n,
                      unsigned char out[DRAW_HASH_LEN] /* OUT */);

/* SHA-256(secret || entries_hash), over the raw bytes. */
void draw_seed(const unsigned char secret[DRAW_SECRET_LEN],
               const unsigned char entries_hash[DRAW_HASH_LEN],
               unsigned char seed[DRAW_HASH_LEN] /* OUT */);

/* The draw order: fills order[0..n-1] with indexes into ids, sorted by
 * HMAC-SHA256(key = seed, message = id) in ascending byte order (equal MACs,
 * which do not happen, fall back to the ids' byte order so the result is
 * always defined). 0, or -1 when out of memory. */
int draw_order(const unsigned char seed[DRAW_HASH_LEN], const char *const *ids, size_t n,
               size_t *order /* OUT: n indexes */);

/* Who gets the places, from the draw order alone. prio[i] is 1 when the
 * entry at order position i enrolled as a priority; win[i] gets 1 when it
 * gets a place. First pass, in order: the first `reserve` priority entries
 * (reserve is at most places). Second pass, in order: the entries not yet
 * placed, until `places` entries hold one. Returns how many won. */
size_t draw_winners(const int *prio, size_t n, size_t places, size_t reserve, int *win /* OUT */);

/* Whether id is an entry id this server could have made: DRAW_ENTRY_LEN
 * characters of [0-9A-F]. */
int draw_entry_valid(const char *id);

/* An entry id (or any text) as people read it aloud and copy it: groups
 * of `group` characters with a space between ("0A1B 2C3D 4E5F 6071
 * 8293"), cut to fit out (never more than outlen - 1 bytes). */
void draw_grouped(const char *id, int group, char *out, size_t outlen);

/* Check a published draw (the JSON of GET /api/v1/draws/{id} after the
 * close): recompute the commitment from the secret, entries_hash and seed
 * from the secret and the entries, and the order, and compare each with
 * what the JSON says; when it has "results" (each with "priority"), also
 * that the outcomes are draw_winners' for its "places" and "reserve".
 * 0 when everything matches; -1 and where it differs
 * (or why it cannot be checked) in err. */
int draw_check(const char *json, char *err, size_t errlen);

/*
 * The enrolment slip's QR payload, signed with the site's Ed25519 key like
 * every slip (core/sign.h), in the same typeable alphabet:
 *
 *   D1*<site>*<draw id>*<entry id>*<signature>
 *
 * site upper-cased as on tickets; the signature is crypto_sign_detached
 * over every byte before it, up to and including the last '*', in upper-case
 * hex (128 characters). About 180 characters: QR version 8 at level M.
 */
#define DRAW_TOKEN_MAX 256
/* 0 and the payload in out, or -1 when a field is not valid or out is too
 * small (DRAW_TOKEN_MAX is always enough). */
int draw_token(const char *site, long long draw, const char *entry, const unsigned char sk[64],
               char *out, size_t outlen);
/* Check a payload against the site's public key: 0 with the draw and entry
 * ids (entry: DRAW_ENTRY_LEN + 1 bytes), or -1 (not a draw slip, or the
 * signature does not match). White space around it and lower case are
 * accepted, as for slips. */
int draw_token_verify(const char *payload, const unsigned char pk[32], long long *draw,
                      char *entry);
/* Read a payload WITHOUT checking its signature (a kiosk has no key; the
 * server checks the entry when it is redeemed): 0 with the draw and entry
 * ids (entry: DRAW_ENTRY_LEN + 1 bytes) when it has the form above (white
 * space around it and lower case accepted), else -1. */
int draw_token_parse(const char *payload, long long *draw, char *entry);

#endif
