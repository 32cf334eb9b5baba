/*
 * sign: see sign.h for the payload format. Pure core: libsodium and libc
 * only, no I/O, no clock (the day to check is a parameter).
 *
 * Decoding is strict: a payload is accepted only in its one canonical form
 * (the decoder re-encodes the fields it read and compares), so an independent
 * verifier and this one always agree on what a slip says. The signature
 * covers the exact text anyway; strictness just keeps odd variants out.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/log.h"
#include "core/sign.h"
#include "core/str.h"

#define SIG_B32_LEN 103        /* ceil(64 * 8 / 5) */
#define INPUT_MAX   1024       /* longer input is refused before any work */
#define MAX_FIELDS  16

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* RFC 4648 base32, upper case, no padding. out needs ceil(n*8/5)+1 bytes. */
static void
b32_encode(const unsigned char *in, size_t n, char *out)
{
	unsigned int acc = 0;
	int bits = 0;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32_alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
		acc &= (1u << bits) - 1;
	}
	if (bits > 0)
		out[o++] = b32_alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

/* Decode exactly len characters into exactly n bytes; the unused low bits
 * of the last character must be zero (one canonical text per value). */
static int
b32_decode(const char *in, size_t len, unsigned char *out, size_t n)
{
	unsigned int acc = 0;
	int bits = 0;
	size_t i, o = 0;
	const char *p;

	if (len != (n * 8 + 4) / 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (in[i] == '\0' || (p = strchr(b32_alphabet, in[i])) == NULL)
			return -1;
		acc = (acc << 5) | (unsigned int)(p - b32_alphabet);
		bits += 5;
		if (bits >= 8) {
			out[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
			acc &= (1u << bits) - 1;
		}
	}
	if (o != n || acc != 0)
		return -1;
	return 0;
}

/* ---- dates ---- */

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* "YYYYMMDD" (years 2000-2199) that exists in the calendar. */
static int
parse_date(const char *s, int *y, int *m, int *d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int i, yy, mm, dd;

	for (i = 0; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	if (s[8] != '\0')
		return -1;
	yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	mm = (s[4] - '0') * 10 + (s[5] - '0');
	dd = (s[6] - '0') * 10 + (s[7] - '0');
	if (yy < 2000 || yy > 2199 || mm < 1 || mm > 12 || dd < 1)
		return -1;
	if (dd > mdays[mm - 1] + (mm == 2 && is_leap(yy)))
		return -1;
	if (y) *y = yy;
	if (m) *m = mm;
	if (d) *d = dd;
	return 0;
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static long
days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
slip_iso_week(const char *yyyymmdd, int *year, int *week)
{
	int y, m, d, ty, tm, td;
	long days, thursday;
	int wd;

	if (yyyymmdd == NULL || parse_date(yyyymmdd, &y, &m, &d) < 0)
		return -1;
	days = days_from_civil(y, m, d);
	wd = (int)(((days % 7) + 7 + 3) % 7) + 1;   /* 1970-01-01 was a Thursday: ISO 1..7 */
	/* The ISO year is the year of this week's Thursday. */
	thursday = days - (wd - 1) + 3;
	civil_from_days(thursday, &ty, &tm, &td);
	if (year) *year = ty;
	if (week) *week = (int)((thursday - days_from_civil(ty, 1, 1)) / 7) + 1;
	return 0;
}

/* ---- fields ---- */

/* 1..max characters of A-Z a-z 0-9, and '-' if dash. */
static int
valid_id(const char *s, size_t max, int dash)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= max)
			return 0;
		if (!(isascii(c) && isalnum(c)) && !(dash && c == '-'))
			return 0;
	}
	return i > 0;
}

static int
valid_time(const char *t)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!isdigit((unsigned char)t[i]))
			return 0;
	return t[4] == '\0' && (t[0] - '0') * 10 + (t[1] - '0') < 24 && t[2] < '6';
}

int
slip_check(const struct slip *s, char *err, size_t errlen)
{
	if (s == NULL)
		return errf(err, errlen, "no slip");
	if (s->version != SLIP_VERSION)
		return errf(err, errlen, "version %d: this code writes version %d", s->version, SLIP_VERSION);
	if (s->kind != SLIP_TICKET && s->kind != SLIP_ATTESTATION)
		return errf(err, errlen, "kind must be ticket (T) or attestation (A)");
	if (!valid_id(s->site, SLIP_SITE_MAX, 1))
		return errf(err, errlen, "site id \"%.40s\": 1-%d letters, digits or '-'", s->site, SLIP_SITE_MAX);
	if (parse_date(s->date, NULL, NULL, NULL) < 0)
		return errf(err, errlen, "date \"%.12s\" is not a YYYYMMDD date", s->date);
	if (!valid_id(s->service, SLIP_SERVICE_MAX, 0))
		return errf(err, errlen, "service code \"%.20s\": 1-%d letters or digits", s->service, SLIP_SERVICE_MAX);
	if (s->number < 0 || s->number > SLIP_NUMBER_MAX)
		return errf(err, errlen, "number %d out of 0-%d", s->number, SLIP_NUMBER_MAX);
	if (!valid_time(s->time))
		return errf(err, errlen, "time \"%.8s\" is not HHMM", s->time);
	if (!valid_id(s->device, SLIP_DEVICE_MAX, 1))
		return errf(err, errlen, "device id \"%.40s\": 1-%d letters, digits or '-'", s->device, SLIP_DEVICE_MAX);
	if (s->serial > SLIP_SERIAL_MAX)
		return errf(err, errlen, "serial out of range (at most 15 digits)");
	if (s->reprint < 0 || s->reprint > SLIP_REPRINT_MAX)
		return errf(err, errlen, "reprint count %d out of 0-%d", s->reprint, SLIP_REPRINT_MAX);
	if (s->kind == SLIP_TICKET) {
		if (s->attempt != 0 || s->weeks != 0 || s->first_date[0] != '\0')
			return errf(err, errlen, "a ticket carries no attempt chain");
		return 0;
	}
	if (s->attempt < 1 || s->attempt > SLIP_ATTEMPT_MAX)
		return errf(err, errlen, "attempt %d out of 1-%d", s->attempt, SLIP_ATTEMPT_MAX);
	if (parse_date(s->first_date, NULL, NULL, NULL) < 0)
		return errf(err, errlen, "first-attempt date \"%.12s\" is not a YYYYMMDD date", s->first_date);
	if (strcmp(s->first_date, s->date) > 0)
		return errf(err, errlen, "first attempt %s is after this one %s", s->first_date, s->date);
	if (s->weeks < 1 || s->weeks > s->attempt)
		return errf(err, errlen, "weeks %d out of 1-%d (the attempt number)", s->weeks, s->attempt);
	if (s->attempt == 1 && (strcmp(s->first_date, s->date) != 0 || s->weeks != 1))
		return errf(err, errlen, "a first attempt is its own first date, in one week");
	return 0;
}

/* Append src upper-cased; -1 when out of room. */
static int
put(char *out, size_t outlen, size_t *o, const char *src)
{
	for (; *src; src++) {
		if (*o + 1 >= outlen)
			return -1;
		out[(*o)++] = (char)toupper((unsigned char)*src);
	}
	out[*o] = '\0';
	return 0;
}

/* The signed part: every field followed by '*'. Length, or -1. */
static int
build_body(const struct slip *s, char *out, size_t outlen)
{
	char num[32], kind[2] = { (char)s->kind, '\0' };
	size_t o = 0;
	int rc = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	snprintf(num, sizeof num, "K%d*", s->version);
	rc |= put(out, outlen, &o, num);
	rc |= put(out, outlen, &o, kind);
	rc |= put(out, outlen, &o, "*");
	rc |= put(out, outlen, &o, s->site);
	rc |= put(out, outlen, &o, "*");
	rc |= put(out, outlen, &o, s->date);
	rc |= put(out, outlen, &o, "*");
	rc |= put(out, outlen, &o, s->service);
	snprintf(num, sizeof num, "*%d*", s->number);
	rc |= put(out, outlen, &o, num);
	rc |= put(out, outlen, &o, s->time);
	rc |= put(out, outlen, &o, "*");
	rc |= put(out, outlen, &o, s->device);
	snprintf(num, sizeof num, "*%" PRIu64 "*%d*", s->serial, s->reprint);
	rc |= put(out, outlen, &o, num);
	if (s->kind == SLIP_ATTESTATION) {
		snprintf(num, sizeof num, "%d*", s->attempt);
		rc |= put(out, outlen, &o, num);
		rc |= put(out, outlen, &o, s->first_date);
		snprintf(num, sizeof num, "*%d*", s->weeks);
		rc |= put(out, outlen, &o, num);
	}
	return rc ? -1 : (int)o;
}

int
slip_encode(const struct slip *s, const unsigned char sk[64], char *out, size_t outlen)
{
	unsigned char sig[crypto_sign_BYTES];
	char body[SLIP_PAYLOAD_MAX];
	int n;

	if (out && outlen)
		out[0] = '\0';
	if (out == NULL || sk == NULL || slip_check(s, NULL, 0) < 0)
		return -1;
	if (sodium_init() < 0)
		return -1;
	if ((n = build_body(s, body, sizeof body)) < 0)
		return -1;
	if ((size_t)n + SIG_B32_LEN + 1 > outlen)
		return -1;
	crypto_sign_detached(sig, NULL, (const unsigned char *)body, (unsigned long long)n, sk);
	memcpy(out, body, (size_t)n);
	b32_encode(sig, sizeof sig, out + n);
	return n + SIG_B32_LEN;
}

/* ---- decoding ---- */

/*
 * Keyboard layout repairs. A keyboard-wedge scanner sends key positions, not
 * characters; when it is set for one layout and the PC uses another, each of
 * our characters comes out as the character at the same key on the PC's
 * layout. Each table lists, for the characters that change, what the PC shows
 * (UTF-8) and what was meant. Everything else passes unchanged.
 * "letters only" variants cover scanners that type digits and '*' on the
 * numeric keypad, which no layout changes.
 */
struct keymap {
	const char *name;                           /* for the error message */
	int letters_only;                           /* skip digits and symbols */
	struct { const char *shown; char meant; } k[20];  /* NULL-terminated */
};

static const struct keymap keymaps[] = {
	{ "a scanner set to US QWERTY on a French AZERTY keyboard", 0, { {
	    "Q", 'A' }, { "A", 'Q' }, { "W", 'Z' }, { "Z", 'W' }, { "?", 'M' },
	  { "&", '1' }, { "\xc3\xa9", '2' }, { "\"", '3' }, { "'", '4' }, { "(", '5' },
	  { "-", '6' }, { "\xc3\xa8", '7' }, { "_", '8' }, { "\xc3\xa7", '9' },
	  { "\xc3\xa0", '0' }, { ")", '-' }, { "8", '*' }, { NULL, 0 } } },
	{ "a scanner set to US QWERTY on a French AZERTY keyboard", 1, { {
	    "Q", 'A' }, { "A", 'Q' }, { "W", 'Z' }, { "Z", 'W' }, { "?", 'M' },
	  { ")", '-' }, { NULL, 0 } } },
	{ "a scanner set to French AZERTY on a US QWERTY keyboard", 0, { {
	    "Q", 'A' }, { "A", 'Q' }, { "W", 'Z' }, { "Z", 'W' }, { ":", 'M' },
	  { "!", '1' }, { "@", '2' }, { "#", '3' }, { "$", '4' }, { "%", '5' },
	  { "^", '6' }, { "&", '7' }, { "*", '8' }, { "(", '9' }, { ")", '0' },
	  { "6", '-' }, { "\\", '*' }, { NULL, 0 } } },
	{ "a scanner set to French AZERTY on a US QWERTY keyboard", 1, { {
	    "Q", 'A' }, { "A", 'Q' }, { "W", 'Z' }, { "Z", 'W' }, { ":", 'M' },
	  { "6", '-' }, { NULL, 0 } } },
};

/* Map in through km into out; -1 if the result does not fit. */
static int
apply_keymap(const struct keymap *km, const char *in, char *out, size_t outlen)
{
	size_t o = 0, j, l;

	while (*in) {
		char c = *in;
		l = 1;
		for (j = 0; km->k[j].shown; j++) {
			size_t sl = strlen(km->k[j].shown);
			if (strncmp(in, km->k[j].shown, sl) == 0) {
				c = km->k[j].meant;
				l = sl;
				break;
			}
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = c;
		in += l;
	}
	out[o] = '\0';
	return 0;
}

int
slip_unmix(int i, const char *in, char *out, size_t outlen)
{
	if (i < 0 || (size_t)i >= sizeof keymaps / sizeof keymaps[0])
		return 1;
	return apply_keymap(&keymaps[i], in, out, outlen);
}

/* Decimal without leading zeros, at most max. */
static int
parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (i = 0; s[i]; i++) {
		if (!isdigit((unsigned char)s[i]) || i >= 18)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Parse one candidate text (already trimmed and upper-cased): fields into s,
 * the signed part's length into *bodylen, the signature into sig.
 */
static int
parse_text(const char *text, struct slip *s, size_t *bodylen,
           unsigned char sig[crypto_sign_BYTES], char *err, size_t errlen)
{
	char buf[SLIP_PAYLOAD_MAX], canon[SLIP_PAYLOAD_MAX], why[96];
	char *f[MAX_FIELDS], *p;
	size_t n = 0, len = strlen(text);
	uint64_t v;
	const char *sigtext, *q;

	memset(s, 0, sizeof *s);
	if (len >= sizeof buf)
		return errf(err, errlen, "too long (%zu characters) for a slip", len);
	for (q = text; *q; q++)
		if (!isupper((unsigned char)*q) && !isdigit((unsigned char)*q) && *q != '*' && *q != '-')
			return errf(err, errlen, "character '%c' cannot occur in a slip",
			    isprint((unsigned char)*q) ? *q : '?');
	memcpy(buf, text, len + 1);
	f[n++] = buf;
	for (p = buf; *p; p++) {
		if (*p == '*') {
			if (n == MAX_FIELDS)
				return errf(err, errlen, "too many fields");
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	if (f[0][0] != 'K' || parse_uint(f[0] + 1, 999, &v) < 0)
		return errf(err, errlen, "not a slip of this system (it does not start with K1*)");
	if (v != SLIP_VERSION)
		return errf(err, errlen, "format version %" PRIu64 " is not known to this verifier (it reads version %d)",
		    v, SLIP_VERSION);
	s->version = (int)v;
	if (n < 2 || strlen(f[1]) != 1 || (f[1][0] != SLIP_TICKET && f[1][0] != SLIP_ATTESTATION))
		return errf(err, errlen, "kind is neither T (ticket) nor A (attestation)");
	s->kind = (enum slip_kind)f[1][0];
	if (n != (s->kind == SLIP_TICKET ? 11u : 14u))
		return errf(err, errlen, "%zu fields where a%s has %d", n,
		    s->kind == SLIP_TICKET ? " ticket" : "n attestation", s->kind == SLIP_TICKET ? 11 : 14);
	if (str_copy(s->site, sizeof s->site, f[2]) < 0 ||
	    str_copy(s->date, sizeof s->date, f[3]) < 0 ||
	    str_copy(s->service, sizeof s->service, f[4]) < 0 ||
	    str_copy(s->time, sizeof s->time, f[6]) < 0 ||
	    str_copy(s->device, sizeof s->device, f[7]) < 0)
		return errf(err, errlen, "a field is too long");
	if (parse_uint(f[5], SLIP_NUMBER_MAX, &v) < 0)
		return errf(err, errlen, "ticket number \"%.12s\" is not a number", f[5]);
	s->number = (int)v;
	if (parse_uint(f[8], SLIP_SERIAL_MAX, &v) < 0)
		return errf(err, errlen, "serial \"%.20s\" is not a number", f[8]);
	s->serial = v;
	if (parse_uint(f[9], SLIP_REPRINT_MAX, &v) < 0)
		return errf(err, errlen, "reprint count \"%.12s\" is not a number", f[9]);
	s->reprint = (int)v;
	if (s->kind == SLIP_ATTESTATION) {
		if (parse_uint(f[10], SLIP_ATTEMPT_MAX, &v) < 0)
			return errf(err, errlen, "attempt \"%.12s\" is not a number", f[10]);
		s->attempt = (int)v;
		if (str_copy(s->first_date, sizeof s->first_date, f[11]) < 0)
			return errf(err, errlen, "first-attempt date is too long");
		if (parse_uint(f[12], SLIP_ATTEMPT_MAX, &v) < 0)
			return errf(err, errlen, "weeks \"%.12s\" is not a number", f[12]);
		s->weeks = (int)v;
	}
	if (slip_check(s, why, sizeof why) < 0)
		return errf(err, errlen, "%s", why);
	/* One canonical text per slip: what we would have written. */
	if (build_body(s, canon, sizeof canon) < 0)
		return errf(err, errlen, "too long");
	*bodylen = strlen(canon);
	if (strncmp(canon, text, *bodylen) != 0)
		return errf(err, errlen, "fields not in canonical form");
	sigtext = text + *bodylen;
	if (b32_decode(sigtext, strlen(sigtext), sig, crypto_sign_BYTES) < 0)
		return errf(err, errlen, "the signature is not %d base32 characters", SIG_B32_LEN);
	return 0;
}

/*
 * Trim, upper-case, parse; when that fails, try the layout repairs.
 * canon receives the text actually parsed (what the signature covers).
 */
static int
decode(const char *payload, struct slip *s, char *canon, size_t canonlen,
       size_t *bodylen, unsigned char sig[crypto_sign_BYTES], char *err, size_t errlen)
{
	char text[INPUT_MAX + 1], why[160];
	const char *a, *b;
	size_t len, i;

	if (payload == NULL)
		return errf(err, errlen, "no payload");
	len = strnlen(payload, INPUT_MAX + 1);
	if (len > INPUT_MAX)
		return errf(err, errlen, "too long for a slip");
	for (a = payload; *a && isspace((unsigned char)*a); a++)
		;
	for (b = payload + len; b > a && isspace((unsigned char)b[-1]); b--)
		;
	if (a == b)
		return errf(err, errlen, "empty");
	len = (size_t)(b - a);
	for (i = 0; i < len; i++)
		text[i] = (char)(isascii((unsigned char)a[i]) ? toupper((unsigned char)a[i]) : a[i]);
	text[len] = '\0';

	if (parse_text(text, s, bodylen, sig, why, sizeof why) == 0)
		return str_copy(canon, canonlen, text);
	for (i = 0; i < sizeof keymaps / sizeof keymaps[0]; i++) {
		char fixed[INPUT_MAX + 1];
		if (apply_keymap(&keymaps[i], text, fixed, sizeof fixed) == 0 &&
		    strcmp(fixed, text) != 0 &&
		    parse_text(fixed, s, bodylen, sig, NULL, 0) == 0)
			return str_copy(canon, canonlen, fixed);
	}
	memset(s, 0, sizeof *s);
	/* Characters only a layout mix-up produces: say what to fix. */
	if (strpbrk(text, "&\"'()_!@#$%^\\?:") || strstr(text, "\xc3\xa9") || strstr(text, "\xc3\xa8") ||
	    strstr(text, "\xc3\xa7") || strstr(text, "\xc3\xa0"))
		return errf(err, errlen, "%s (the scanner's keyboard layout may not match this "
		    "computer's: set the scanner to the computer's layout)", why);
	return errf(err, errlen, "%s", why);
}

int
slip_decode(const char *payload, struct slip *out, char *err, size_t errlen)
{
	struct slip s;
	unsigned char sig[crypto_sign_BYTES];
	char canon[SLIP_PAYLOAD_MAX];
	size_t bodylen;

	if (decode(payload, &s, canon, sizeof canon, &bodylen, sig, err, errlen) < 0) {
		if (out)
			memset(out, 0, sizeof *out);
		return -1;
	}
	if (out)
		*out = s;
	return 0;
}

enum slip_verdict
slip_verify(const char *payload, const unsigned char pk[32],
            const char *expect_site, const char *today, struct slip *out)
{
	struct slip s;
	unsigned char sig[crypto_sign_BYTES];
	char canon[SLIP_PAYLOAD_MAX];
	size_t bodylen;
	enum slip_verdict v;

	if (out)
		memset(out, 0, sizeof *out);
	if (decode(payload, &s, canon, sizeof canon, &bodylen, sig, NULL, 0) < 0)
		return SLIP_UNKNOWN_FORMAT;
	if (out)
		*out = s;
	if (expect_site && strcasecmp(expect_site, s.site) != 0)
		return SLIP_OTHER_SITE;
	if (pk == NULL || sodium_init() < 0)
		return SLIP_BAD_SIGNATURE;
	if (crypto_sign_verify_detached(sig, (const unsigned char *)canon,
	                                (unsigned long long)bodylen, pk) != 0)
		return SLIP_BAD_SIGNATURE;
	v = SLIP_VALID;
	if (today && s.kind == SLIP_TICKET && strcmp(today, s.date) != 0)
		v = SLIP_OTHER_DAY;
	return v;
}

const char *
slip_verdict_str(enum slip_verdict v)
{
	switch (v) {
	case SLIP_VALID:          return "valid";
	case SLIP_BAD_SIGNATURE:  return "bad signature (altered, forged, or not signed with this key)";
	case SLIP_OTHER_SITE:     return "issued by another site";
	case SLIP_OTHER_DAY:      return "a ticket for another day";
	case SLIP_UNKNOWN_FORMAT: return "unknown format (not a slip this program can read)";
	}
	return "unknown verdict";
}

const char *
slip_verdict_code(enum slip_verdict v)
{
	switch (v) {
	case SLIP_VALID:          return "valid";
	case SLIP_BAD_SIGNATURE:  return "forged";
	case SLIP_OTHER_SITE:     return "other_site";
	case SLIP_OTHER_DAY:      return "other_day";
	case SLIP_UNKNOWN_FORMAT: return "unknown_format";
	}
	return "unknown_format";
}

int
slip_chain(const struct slip *prev, struct slip *att, char *err, size_t errlen)
{
	int py, pw, ay, aw;

	if (att == NULL)
		return errf(err, errlen, "no attestation");
	if (slip_iso_week(att->date, &ay, &aw) < 0)
		return errf(err, errlen, "date \"%.12s\" is not a YYYYMMDD date", att->date);
	if (prev == NULL) {
		att->attempt = 1;
		memcpy(att->first_date, att->date, sizeof att->first_date);
		att->weeks = 1;
		return 0;
	}
	if (prev->kind != SLIP_ATTESTATION || prev->attempt < 1 || prev->weeks < 1)
		return errf(err, errlen, "the earlier slip is not an attestation");
	if (slip_iso_week(prev->date, &py, &pw) < 0 ||
	    parse_date(prev->first_date, NULL, NULL, NULL) < 0)
		return errf(err, errlen, "the earlier attestation has a bad date");
	if (strcmp(prev->date, att->date) > 0)
		return errf(err, errlen, "the earlier attestation (%s) is dated after this one (%s)",
		    prev->date, att->date);
	if (prev->attempt >= SLIP_ATTEMPT_MAX)
		return errf(err, errlen, "too many attempts in one chain");
	att->attempt = prev->attempt + 1;
	memcpy(att->first_date, prev->first_date, sizeof att->first_date);
	att->weeks = prev->weeks + (py != ay || pw != aw);
	if (att->weeks > att->attempt)
		att->weeks = att->attempt;
	return 0;
}
