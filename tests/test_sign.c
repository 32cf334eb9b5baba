/*
 * test_sign: signed slip payloads (sign.c), key files (signkey.c) and holder
 * binding (holder.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/holder.h"
#include "core/sign.h"
#include "testhelp.h"

static unsigned char sk_a[64], pk_a[32], sk_b[64], pk_b[32];

static struct slip
ticket(void)
{
	struct slip s;

	memset(&s, 0, sizeof s);
	s.version = SLIP_VERSION;
	s.kind = SLIP_TICKET;
	snprintf(s.site, sizeof s.site, "prefecture-93");
	snprintf(s.date, sizeof s.date, "20261127");
	snprintf(s.service, sizeof s.service, "A");
	s.number = 42;
	snprintf(s.time, sizeof s.time, "0914");
	snprintf(s.device, sizeof s.device, "kiosk-1");
	s.serial = 1042;
	return s;
}

static struct slip
attestation(void)
{
	struct slip s = ticket();

	s.kind = SLIP_ATTESTATION;
	s.number = 0;
	snprintf(s.time, sizeof s.time, "1502");
	s.serial = 987654321012345ULL;
	s.attempt = 3;
	snprintf(s.first_date, sizeof s.first_date, "20261113");
	s.weeks = 2;
	return s;
}

static void
test_round_trip(void)
{
	struct slip s = ticket(), a = attestation(), d;
	char p[SLIP_PAYLOAD_MAX], err[128];
	int n;

	n = slip_encode(&s, sk_a, p, sizeof p);
	REQUIRE(n > 0);
	CHECK_INT(strlen(p), n);
	printf("ticket payload (%d chars): %s\n", n, p);
	CHECK(strncmp(p, "K1*T*PREFECTURE-93*20261127*A*42*0914*KIOSK-1*1042*0*", 53) == 0);
	CHECK(n < 160);
	CHECK_INT(slip_decode(p, &d, err, sizeof err), 0);
	CHECK_STR(d.site, "PREFECTURE-93");
	CHECK_STR(d.date, "20261127");
	CHECK_STR(d.service, "A");
	CHECK_INT(d.number, 42);
	CHECK_STR(d.time, "0914");
	CHECK_STR(d.device, "KIOSK-1");
	CHECK_INT(d.serial, 1042);
	CHECK_INT(d.kind, SLIP_TICKET);
	CHECK_INT(d.reprint, 0);
	CHECK_INT(d.attempt, 0);
	CHECK_INT(slip_verify(p, pk_a, "prefecture-93", "20261127", &d), SLIP_VALID);
	CHECK_INT(slip_verify(p, pk_a, NULL, NULL, NULL), SLIP_VALID);

	/* Only the characters a scanner can type on any layout. */
	for (n = 0; p[n]; n++)
		CHECK((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9') ||
		    p[n] == '*' || p[n] == '-');

	/* Deterministic (Ed25519): the same slip gives the same payload. */
	{
		char p2[SLIP_PAYLOAD_MAX];
		CHECK(slip_encode(&s, sk_a, p2, sizeof p2) > 0);
		CHECK_STR(p2, p);
	}

	/* A duplicate carries its reprint count, and its own signature. */
	s.reprint = 2;
	CHECK(slip_encode(&s, sk_a, p, sizeof p) > 0);
	CHECK_INT(slip_verify(p, pk_a, NULL, NULL, &d), SLIP_VALID);
	CHECK_INT(d.reprint, 2);

	n = slip_encode(&a, sk_a, p, sizeof p);
	REQUIRE(n > 0);
	printf("attestation payload (%d chars): %s\n", n, p);
	CHECK_INT(slip_verify(p, pk_a, "PREFECTURE-93", "20261127", &d), SLIP_VALID);
	CHECK_INT(d.kind, SLIP_ATTESTATION);
	CHECK_INT(d.attempt, 3);
	CHECK_STR(d.first_date, "20261113");
	CHECK_INT(d.weeks, 2);
	CHECK_INT(d.serial, 987654321012345ULL);
	CHECK_INT(d.number, 0);

	/* Buffer too small: refused, never truncated. */
	CHECK_INT(slip_encode(&s, sk_a, p, 60), -1);
	CHECK_STR(p, "");
}

static void
test_tamper_every_byte(void)
{
	static const char subs[] = "AZQ07*-X2M9";
	struct slip s = ticket();
	char p[SLIP_PAYLOAD_MAX], t[SLIP_PAYLOAD_MAX];
	size_t i, j, len;
	int tried = 0, accepted = 0, forged = 0, unknown = 0;
	enum slip_verdict v;

	REQUIRE(slip_encode(&s, sk_a, p, sizeof p) > 0);
	len = strlen(p);
	for (i = 0; i < len; i++) {
		for (j = 0; subs[j]; j++) {
			if (subs[j] == p[i])
				continue;
			memcpy(t, p, len + 1);
			t[i] = subs[j];
			v = slip_verify(t, pk_a, NULL, NULL, NULL);
			tried++;
			accepted += v == SLIP_VALID;
			forged += v == SLIP_BAD_SIGNATURE;
			unknown += v == SLIP_UNKNOWN_FORMAT;
		}
		/* flip the low bit too (may leave the alphabet) */
		memcpy(t, p, len + 1);
		t[i] ^= 1;
		tried++;
		accepted += slip_verify(t, pk_a, NULL, NULL, NULL) == SLIP_VALID;
	}
	printf("tampering: %d variants, %d forged, %d unknown format, %d accepted\n",
	    tried, forged, unknown, accepted);
	CHECK_INT(accepted, 0);
	CHECK(forged > 0);
	CHECK(unknown > 0);

	/* Changing the number is the attack that matters: a bad signature. */
	memcpy(t, p, len + 1);
	t[strlen("K1*T*PREFECTURE-93*20261127*A*")] = '1';   /* 42 -> 12 */
	CHECK_INT(slip_verify(t, pk_a, NULL, NULL, NULL), SLIP_BAD_SIGNATURE);
}

static void
test_other_day_and_site(void)
{
	struct slip s = ticket(), a = attestation(), d;
	char p[SLIP_PAYLOAD_MAX], q[SLIP_PAYLOAD_MAX];

	REQUIRE(slip_encode(&s, sk_a, p, sizeof p) > 0);
	CHECK_INT(slip_verify(p, pk_a, "prefecture-93", "20261128", &d), SLIP_OTHER_DAY);
	CHECK_STR(d.date, "20261127");
	CHECK_INT(slip_verify(p, pk_a, NULL, "20261126", NULL), SLIP_OTHER_DAY);
	/* An attestation proves a past visit: no day check. */
	REQUIRE(slip_encode(&a, sk_a, q, sizeof q) > 0);
	CHECK_INT(slip_verify(q, pk_a, NULL, "20270101", NULL), SLIP_VALID);

	/* Another site's key file: the key names site 75, the slip names 93. */
	CHECK_INT(slip_verify(p, pk_b, "prefecture-75", "20261127", &d), SLIP_OTHER_SITE);
	CHECK_STR(d.site, "PREFECTURE-93");
	/* Another site's key, with no site to compare: the signature fails. */
	CHECK_INT(slip_verify(p, pk_b, NULL, "20261127", NULL), SLIP_BAD_SIGNATURE);
	/* A slip that claims site 93 but was signed with site 75's key. */
	REQUIRE(slip_encode(&s, sk_b, q, sizeof q) > 0);
	CHECK_INT(slip_verify(q, pk_a, "prefecture-93", "20261127", NULL), SLIP_BAD_SIGNATURE);
	/* Site ids compare case-blind. */
	CHECK_INT(slip_verify(p, pk_a, "Prefecture-93", "20261127", NULL), SLIP_VALID);
	/* Precedence: a forged slip of another day is forged, not "another day". */
	CHECK_INT(slip_verify(q, pk_a, NULL, "20200101", NULL), SLIP_BAD_SIGNATURE);

	CHECK_STR(slip_verdict_code(SLIP_BAD_SIGNATURE), "forged");
	CHECK_STR(slip_verdict_code(SLIP_OTHER_DAY), "other_day");
	CHECK_STR(slip_verdict_code(SLIP_OTHER_SITE), "other_site");
	CHECK_STR(slip_verdict_code(SLIP_UNKNOWN_FORMAT), "unknown_format");
	CHECK_STR(slip_verdict_code(SLIP_VALID), "valid");
	CHECK(strlen(slip_verdict_str(SLIP_OTHER_SITE)) > 5);
}

static void
test_garbage(void)
{
	struct slip s = ticket(), d;
	char p[SLIP_PAYLOAD_MAX], t[4096], err[160];
	size_t i, len;
	int k;

	REQUIRE(slip_encode(&s, sk_a, p, sizeof p) > 0);
	len = strlen(p);
	CHECK_INT(slip_verify(NULL, pk_a, NULL, NULL, &d), SLIP_UNKNOWN_FORMAT);
	CHECK_INT(slip_verify("", pk_a, NULL, NULL, &d), SLIP_UNKNOWN_FORMAT);
	CHECK_INT(slip_verify("   \r\n", pk_a, NULL, NULL, &d), SLIP_UNKNOWN_FORMAT);
	CHECK_INT(slip_verify("K1", pk_a, NULL, NULL, NULL), SLIP_UNKNOWN_FORMAT);
	CHECK_INT(slip_verify("K1*", pk_a, NULL, NULL, NULL), SLIP_UNKNOWN_FORMAT);
	CHECK_INT(slip_verify("***********", pk_a, NULL, NULL, NULL), SLIP_UNKNOWN_FORMAT);
	CHECK_INT(slip_verify("https://example.org/", pk_a, NULL, NULL, NULL), SLIP_UNKNOWN_FORMAT);
	CHECK_INT(slip_decode("https://example.org/", &d, err, sizeof err), -1);
	CHECK(strstr(err, "cannot occur") || strstr(err, "K1"));

	/* Every truncation. */
	for (i = 0; i < len; i++) {
		memcpy(t, p, i);
		t[i] = '\0';
		CHECK_INT(slip_verify(t, pk_a, NULL, NULL, NULL), SLIP_UNKNOWN_FORMAT);
	}
	/* One character too many, and far too many. */
	snprintf(t, sizeof t, "%sA", p);
	CHECK_INT(slip_verify(t, pk_a, NULL, NULL, NULL), SLIP_UNKNOWN_FORMAT);
	memset(t, 'A', sizeof t - 1);
	t[sizeof t - 1] = '\0';
	memcpy(t, p, len);
	CHECK_INT(slip_verify(t, pk_a, NULL, NULL, NULL), SLIP_UNKNOWN_FORMAT);
	memset(t, '*', sizeof t - 1);
	CHECK_INT(slip_verify(t, pk_a, NULL, NULL, NULL), SLIP_UNKNOWN_FORMAT);
	/* Random bytes (no NUL). */
	for (k = 0; k < 2000; k++) {
		size_t n = 1 + randombytes_uniform(300);
		randombytes_buf(t, n);
		for (i = 0; i < n; i++)
			if (t[i] == '\0')
				t[i] = 'K';
		t[n] = '\0';
		CHECK(slip_verify(t, pk_a, NULL, NULL, NULL) != SLIP_VALID);
	}
	/* Random mixes of the slip alphabet, shaped like a slip. */
	for (k = 0; k < 2000; k++) {
		static const char al[] = "K1*TA0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-";
		size_t n = 1 + randombytes_uniform(200);
		for (i = 0; i < n; i++)
			t[i] = al[randombytes_uniform(sizeof al - 1)];
		t[n] = '\0';
		memcpy(t, "K1*T*", n < 5 ? n : 5);
		CHECK(slip_verify(t, pk_a, NULL, NULL, NULL) != SLIP_VALID);
	}

	/* Version 2 is named in the reason. */
	snprintf(t, sizeof t, "K2%s", p + 2);
	CHECK_INT(slip_decode(t, &d, err, sizeof err), -1);
	CHECK(strstr(err, "version 2") != NULL);
	CHECK_INT(slip_verify(t, pk_a, NULL, NULL, NULL), SLIP_UNKNOWN_FORMAT);

	/* Non-canonical fields (a leading zero) are refused before the
	 * signature is even looked at. */
	snprintf(t, sizeof t, "K1*T*PREFECTURE-93*20261127*A*042%s", p + strlen("K1*T*PREFECTURE-93*20261127*A*42"));
	CHECK_INT(slip_verify(t, pk_a, NULL, NULL, NULL), SLIP_UNKNOWN_FORMAT);
	/* A date that does not exist. */
	snprintf(t, sizeof t, "K1*T*PREFECTURE-93*20260230%s", p + strlen("K1*T*PREFECTURE-93*20261127"));
	CHECK_INT(slip_verify(t, pk_a, NULL, NULL, NULL), SLIP_UNKNOWN_FORMAT);
	/* The last base32 character with stray low bits. */
	memcpy(t, p, len + 1);
	t[len - 1] = t[len - 1] == 'B' ? 'C' : 'B';
	CHECK(slip_verify(t, pk_a, NULL, NULL, NULL) != SLIP_VALID);
}

/* What a keyboard-wedge scanner types when its layout and the PC's differ. */
static void
mangle(const char *in, char *out, size_t outlen, int us_on_fr)
{
	static const char *const digits[2][10] = {
		{ ")", "!", "@", "#", "$", "%", "^", "&", "*", "(" },   /* FR scanner, US PC */
		{ "\xc3\xa0", "&", "\xc3\xa9", "\"", "'", "(", "-", "\xc3\xa8", "_", "\xc3\xa7" },
	};
	size_t o = 0;

	for (; *in; in++) {
		const char *r;
		char one[2] = { *in, '\0' };
		switch (*in) {
		case 'A': r = "Q"; break;
		case 'Q': r = "A"; break;
		case 'Z': r = "W"; break;
		case 'W': r = "Z"; break;
		case 'M': r = us_on_fr ? "?" : ":"; break;
		case '-': r = us_on_fr ? ")" : "6"; break;
		case '*': r = us_on_fr ? "8" : "\\"; break;
		default:
			if (*in >= '0' && *in <= '9')
				r = digits[us_on_fr ? 1 : 0][*in - '0'];
			else
				r = one;
		}
		while (*r && o + 1 < outlen)
			out[o++] = *r++;
	}
	out[o] = '\0';
}

static void
test_scanner_quirks(void)
{
	struct slip s = ticket(), d;
	char p[SLIP_PAYLOAD_MAX], t[1024];
	size_t i;

	snprintf(s.device, sizeof s.device, "ZWAQM-7");   /* every swapped letter */
	REQUIRE(slip_encode(&s, sk_a, p, sizeof p) > 0);
	/* Caps Lock: the scanner types lower case. */
	for (i = 0; p[i]; i++)
		t[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
	t[i] = '\0';
	CHECK_INT(slip_verify(t, pk_a, NULL, NULL, NULL), SLIP_VALID);
	/* The Enter key the scanner sends, spaces around. */
	snprintf(t, sizeof t, "  %s\r\n", p);
	CHECK_INT(slip_verify(t, pk_a, NULL, NULL, NULL), SLIP_VALID);
	/* Layout mix-ups are repaired, then verified as usual. */
	mangle(p, t, sizeof t, 1);
	CHECK(strcmp(t, p) != 0);
	CHECK_INT(slip_verify(t, pk_a, NULL, NULL, &d), SLIP_VALID);
	CHECK_STR(d.device, "ZWAQM-7");
	mangle(p, t, sizeof t, 0);
	CHECK_INT(slip_verify(t, pk_a, NULL, NULL, &d), SLIP_VALID);
	CHECK_STR(d.device, "ZWAQM-7");
	/* Mangled and damaged: not repairable, but the reason says what to fix. */
	{
		char err[256];
		mangle(p, t, sizeof t, 1);
		t[strlen(t) - 5] = '\0';
		CHECK_INT(slip_decode(t, &d, err, sizeof err), -1);
		CHECK(strstr(err, "keyboard layout") != NULL);
		CHECK_INT(slip_decode("K1*T*", &d, err, sizeof err), -1);
		CHECK(strstr(err, "keyboard layout") == NULL);
	}
	/* A repaired forgery is still a forgery. */
	s.number = 43;
	{
		char q[SLIP_PAYLOAD_MAX];
		REQUIRE(slip_encode(&s, sk_a, q, sizeof q) > 0);
		memcpy(q + strlen(q) - 103, p + strlen(p) - 103, 103);   /* old signature */
		mangle(q, t, sizeof t, 1);
		CHECK_INT(slip_verify(t, pk_a, NULL, NULL, NULL), SLIP_BAD_SIGNATURE);
	}
}

static void
test_check_rules(void)
{
	struct slip s;
	char err[128], p[SLIP_PAYLOAD_MAX];

	s = ticket(); CHECK_INT(slip_check(&s, err, sizeof err), 0);
	s = ticket(); snprintf(s.site, sizeof s.site, "pref_93");
	CHECK_INT(slip_check(&s, err, sizeof err), -1);
	CHECK(strstr(err, "site") != NULL);
	CHECK_INT(slip_encode(&s, sk_a, p, sizeof p), -1);
	s = ticket(); s.site[0] = '\0'; CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); snprintf(s.date, sizeof s.date, "20250229"); CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); snprintf(s.date, sizeof s.date, "20240229"); CHECK_INT(slip_check(&s, NULL, 0), 0);
	s = ticket(); snprintf(s.date, sizeof s.date, "2026112"); CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); snprintf(s.time, sizeof s.time, "2400"); CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); snprintf(s.time, sizeof s.time, "2359"); CHECK_INT(slip_check(&s, NULL, 0), 0);
	s = ticket(); snprintf(s.time, sizeof s.time, "1260"); CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); snprintf(s.service, sizeof s.service, "A-1"); CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); s.number = 100000; CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); s.number = -1; CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); s.serial = SLIP_SERIAL_MAX + 1; CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); s.reprint = 100; CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); s.attempt = 1; CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); s.version = 2; CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = ticket(); s.kind = (enum slip_kind)'R'; CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = attestation(); CHECK_INT(slip_check(&s, NULL, 0), 0);
	s = attestation(); s.weeks = 4; CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = attestation(); s.attempt = 0; CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = attestation(); snprintf(s.first_date, sizeof s.first_date, "20261128");
	CHECK_INT(slip_check(&s, NULL, 0), -1);
	s = attestation(); s.attempt = 1; s.weeks = 1; CHECK_INT(slip_check(&s, NULL, 0), -1);
}

static void
test_weeks_and_chain(void)
{
	struct slip a1, a2, a3, a4, x;
	int y, w;
	char p[SLIP_PAYLOAD_MAX], err[128];

	CHECK_INT(slip_iso_week("20210103", &y, &w), 0); CHECK_INT(y, 2020); CHECK_INT(w, 53);
	CHECK_INT(slip_iso_week("20210104", &y, &w), 0); CHECK_INT(y, 2021); CHECK_INT(w, 1);
	CHECK_INT(slip_iso_week("20241230", &y, &w), 0); CHECK_INT(y, 2025); CHECK_INT(w, 1);
	CHECK_INT(slip_iso_week("20261231", &y, &w), 0); CHECK_INT(y, 2026); CHECK_INT(w, 53);
	CHECK_INT(slip_iso_week("20261129", &y, &w), 0); CHECK_INT(w, 48);   /* Sunday */
	CHECK_INT(slip_iso_week("20261130", &y, &w), 0); CHECK_INT(w, 49);   /* Monday */
	CHECK_INT(slip_iso_week("20260101", &y, &w), 0); CHECK_INT(y, 2026); CHECK_INT(w, 1);
	CHECK_INT(slip_iso_week("20270101", &y, &w), 0); CHECK_INT(y, 2026); CHECK_INT(w, 53);
	CHECK_INT(slip_iso_week("2026113", &y, &w), -1);

	/* Sunday 29 Nov, Monday 30 Nov (across midnight into a new week),
	 * Friday 4 Dec (same week), Monday 14 Dec. */
	a1 = attestation(); snprintf(a1.date, sizeof a1.date, "20261129");
	CHECK_INT(slip_chain(NULL, &a1, err, sizeof err), 0);
	CHECK_INT(a1.attempt, 1); CHECK_STR(a1.first_date, "20261129"); CHECK_INT(a1.weeks, 1);
	a2 = attestation(); snprintf(a2.date, sizeof a2.date, "20261130");
	CHECK_INT(slip_chain(&a1, &a2, err, sizeof err), 0);
	CHECK_INT(a2.attempt, 2); CHECK_STR(a2.first_date, "20261129"); CHECK_INT(a2.weeks, 2);
	a3 = attestation(); snprintf(a3.date, sizeof a3.date, "20261204");
	CHECK_INT(slip_chain(&a2, &a3, err, sizeof err), 0);
	CHECK_INT(a3.attempt, 3); CHECK_INT(a3.weeks, 2);
	a4 = attestation(); snprintf(a4.date, sizeof a4.date, "20261214");
	CHECK_INT(slip_chain(&a3, &a4, err, sizeof err), 0);
	CHECK_INT(a4.attempt, 4); CHECK_INT(a4.weeks, 3); CHECK_STR(a4.first_date, "20261129");
	/* The chain survives the payload round trip. */
	REQUIRE(slip_encode(&a4, sk_a, p, sizeof p) > 0);
	CHECK_INT(slip_verify(p, pk_a, NULL, NULL, &x), SLIP_VALID);
	CHECK_INT(x.attempt, 4); CHECK_INT(x.weeks, 3); CHECK_STR(x.first_date, "20261129");
	CHECK_INT(slip_chain(&x, &a1, err, sizeof err), -1);     /* going back in time */
	x = ticket();
	CHECK_INT(slip_chain(&x, &a2, err, sizeof err), -1);     /* a ticket is no link */
	/* Two attempts the same day. */
	a2 = attestation(); snprintf(a2.date, sizeof a2.date, "20261129");
	CHECK_INT(slip_chain(&a1, &a2, err, sizeof err), 0);
	CHECK_INT(a2.attempt, 2); CHECK_INT(a2.weeks, 1);
}

static char tmpdir[] = "/tmp/test_sign.XXXXXX";

static void
test_key_files(void)
{
	char path[256], path2[300], err[256], site[SLIP_SITE_MAX + 1], line[SIGNKEY_LINE_MAX];
	unsigned char sk[64], sk2[64], pk[32];
	struct slip s = ticket();
	char p[SLIP_PAYLOAD_MAX];
	struct stat st;
	mode_t old;

	snprintf(path, sizeof path, "%s/site.key", tmpdir);
	old = umask(0);   /* the file must still be 0600 */
	CHECK_INT(signkey_generate(path, "prefecture-93", err, sizeof err), 0);
	umask(old);
	REQUIRE(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	/* Never overwritten by accident. */
	CHECK_INT(signkey_generate(path, "prefecture-93", err, sizeof err), -1);
	CHECK(strstr(err, "already exists") != NULL);
	CHECK_INT(signkey_load_secret(path, sk, site, sizeof site, err, sizeof err), 0);
	CHECK_STR(site, "prefecture-93");
	CHECK(slip_encode(&s, sk, p, sizeof p) > 0);
	CHECK_INT(slip_verify(p, sk + 32, site, NULL, NULL), SLIP_VALID);

	/* Public key text round trip. */
	CHECK_INT(signkey_format_public(sk + 32, site, line, sizeof line), 0);
	CHECK(strncmp(line, "kiosk-pubkey v1 prefecture-93 ", 30) == 0);
	CHECK_INT(strlen(line), 30 + 64 + 1);
	CHECK_INT(signkey_parse_public(line, pk, site, sizeof site, err, sizeof err), 0);
	CHECK(memcmp(pk, sk + 32, 32) == 0);
	CHECK_STR(site, "prefecture-93");

	/* A world-readable or group-readable secret is refused. */
	REQUIRE(chmod(path, 0644) == 0);
	CHECK_INT(signkey_load_secret(path, sk2, NULL, 0, err, sizeof err), -1);
	CHECK(strstr(err, "chmod 600") != NULL);
	CHECK(strstr(err, "0644") != NULL);
	REQUIRE(chmod(path, 0640) == 0);
	CHECK_INT(signkey_load_secret(path, sk2, NULL, 0, err, sizeof err), -1);
	REQUIRE(chmod(path, 0604) == 0);
	CHECK_INT(signkey_load_secret(path, sk2, NULL, 0, err, sizeof err), -1);
	REQUIRE(chmod(path, 0400) == 0);
	CHECK_INT(signkey_load_secret(path, sk2, NULL, 0, err, sizeof err), 0);
	CHECK(memcmp(sk, sk2, 64) == 0);
	REQUIRE(chmod(path, 0600) == 0);

	/* Forced replacement: a new key, the old slips no longer verify. */
	CHECK_INT(signkey_replace(path, "prefecture-93", err, sizeof err), 0);
	REQUIRE(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	CHECK_INT(signkey_load_secret(path, sk2, NULL, 0, err, sizeof err), 0);
	CHECK(memcmp(sk, sk2, 64) != 0);
	CHECK_INT(slip_verify(p, sk2 + 32, NULL, NULL, NULL), SLIP_BAD_SIGNATURE);
	snprintf(path2, sizeof path2, "%s.new", path);
	CHECK(access(path2, F_OK) != 0);

	/* Missing file: says how to make one. Directory: refused. Junk: refused. */
	snprintf(path2, sizeof path2, "%s/none.key", tmpdir);
	CHECK_INT(signkey_load_secret(path2, sk2, NULL, 0, err, sizeof err), -1);
	CHECK(strstr(err, "keygen") != NULL);
	CHECK_INT(signkey_load_secret(tmpdir, sk2, NULL, 0, err, sizeof err), -1);
	{
		FILE *f;
		snprintf(path2, sizeof path2, "%s/junk.key", tmpdir);
		REQUIRE((f = fopen(path2, "w")) != NULL);
		fputs("kiosk-secret v1 prefecture-93 0123\n", f);
		fclose(f);
		REQUIRE(chmod(path2, 0600) == 0);
		CHECK_INT(signkey_load_secret(path2, sk2, NULL, 0, err, sizeof err), -1);
		CHECK(strstr(err, "not a kiosk secret key") != NULL);
		unlink(path2);
	}
	/* Bad site ids are refused at creation. */
	snprintf(path2, sizeof path2, "%s/bad.key", tmpdir);
	CHECK_INT(signkey_generate(path2, "pref 93", err, sizeof err), -1);
	CHECK(access(path2, F_OK) != 0);
	CHECK_INT(signkey_generate(path2, "", err, sizeof err), -1);
	/* A path in a missing directory. */
	snprintf(path2, sizeof path2, "%s/no/such/dir.key", tmpdir);
	CHECK_INT(signkey_generate(path2, "p", err, sizeof err), -1);
	unlink(path);
}

static void
test_public_text(void)
{
	unsigned char pk[32], pk2[32];
	char line[SIGNKEY_LINE_MAX], text[512], site[SLIP_SITE_MAX + 1], err[256];

	memset(pk, 0xA5, sizeof pk);
	pk[0] = 0;
	CHECK_INT(signkey_format_public(pk, "p93", line, sizeof line), 0);
	CHECK_INT(signkey_format_public(pk, "p93", line, 20), -1);
	CHECK_INT(signkey_format_public(pk, "bad site", line, sizeof line), -1);
	CHECK_INT(signkey_format_public(pk, "p93", line, sizeof line), 0);
	/* Comments, blank lines, CRLF and upper-case hex are fine. */
	snprintf(text, sizeof text, "# published 2026-11-27\r\n\r\n  kiosk-pubkey v1 p93 %s\r\n",
	    "00A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5");
	CHECK_INT(signkey_parse_public(text, pk2, site, sizeof site, err, sizeof err), 0);
	CHECK(memcmp(pk, pk2, 32) == 0);
	CHECK_STR(site, "p93");
	CHECK_INT(signkey_parse_public("", pk2, site, sizeof site, err, sizeof err), -1);
	CHECK_INT(signkey_parse_public("# nothing\n", pk2, site, sizeof site, err, sizeof err), -1);
	CHECK_INT(signkey_parse_public("kiosk-pubkey v2 p93 00", pk2, site, sizeof site, err, sizeof err), -1);
	CHECK_INT(signkey_parse_public("kiosk-pubkey v1 p93 00a5", pk2, site, sizeof site, err, sizeof err), -1);
	CHECK(strstr(err, "64 hex") != NULL);
	snprintf(text, sizeof text, "kiosk-pubkey v1 p93 %.63sZ", line + 20);
	CHECK_INT(signkey_parse_public(text, pk2, site, sizeof site, err, sizeof err), -1);
	snprintf(text, sizeof text, "kiosk-pubkey v1 p93 %.64s extra", line + 20);
	CHECK_INT(signkey_parse_public(text, pk2, site, sizeof site, err, sizeof err), -1);
	CHECK_INT(signkey_parse_public("kiosk-secret v1 p93 00", pk2, site, sizeof site, err, sizeof err), -1);
	CHECK(strstr(err, "SECRET") != NULL);
	CHECK_INT(signkey_parse_public(line, pk2, site, 2, err, sizeof err), -1);
}

static void
test_holder(void)
{
	unsigned char k1[32], k2[32], h1[32], h2[32], h3[32];
	char a[HOLDER_MAX + 1], b[HOLDER_MAX + 1], m[HOLDER_MASK_MAX], err[128];

	CHECK_INT(holder_normalise("ab 12-34.5c", a, sizeof a, err, sizeof err), 0);
	CHECK_INT(holder_normalise("AB12345C", b, sizeof b, err, sizeof err), 0);
	CHECK_STR(a, "AB12345C");
	CHECK_STR(b, a);
	CHECK_INT(holder_normalise(" ab/12 345 c\t", b, sizeof b, err, sizeof err), 0);
	CHECK_STR(b, a);
	CHECK_INT(holder_normalise("", b, sizeof b, err, sizeof err), -1);
	CHECK_STR(b, "");
	CHECK_INT(holder_normalise(" - . / ", b, sizeof b, err, sizeof err), -1);
	CHECK_INT(holder_normalise(NULL, b, sizeof b, err, sizeof err), -1);
	CHECK_INT(holder_normalise("AB1", b, sizeof b, err, sizeof err), -1);
	CHECK(strstr(err, "short") != NULL);
	CHECK_INT(holder_normalise("ABCDEFGHIJKLMNOPQRSTU", b, sizeof b, err, sizeof err), -1);   /* 21 */
	CHECK_INT(holder_normalise("ABCDEFGHIJKLMNOPQRST", b, sizeof b, err, sizeof err), 0);     /* 20 */
	CHECK_INT(holder_normalise("AB12@345", b, sizeof b, err, sizeof err), -1);
	CHECK_INT(holder_normalise("AB12\xc3\xa9""345", b, sizeof b, err, sizeof err), -1);
	CHECK_INT(holder_normalise("0000 0000", b, sizeof b, err, sizeof err), -1);
	{
		char big[200];
		memset(big, ' ', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		memcpy(big, "AB1234", 6);
		CHECK_INT(holder_normalise(big, b, sizeof b, err, sizeof err), -1);
	}
	CHECK_INT(holder_normalise("AB12345C", b, HOLDER_MAX, err, sizeof err), -1);

	/* Two random day keys, as store_day_key makes them. */
	randombytes_buf(k1, sizeof k1);
	randombytes_buf(k2, sizeof k2);
	holder_hash(k1, a, h1);
	holder_hash(k1, b, h2);   /* b is now the 20-char one */
	CHECK(!holder_equal(h1, h2));
	CHECK_INT(holder_normalise("ab 12-34.5c", b, sizeof b, err, sizeof err), 0);
	holder_hash(k1, b, h2);
	CHECK(holder_equal(h1, h2));
	holder_hash(k2, a, h3);   /* yesterday's hash does not match today's */
	CHECK(!holder_equal(h1, h3));
	/* HMAC-SHA256 as documented: check against libsodium's one-shot. */
	crypto_auth_hmacsha256(h3, (const unsigned char *)a, strlen(a), k1);
	CHECK(holder_equal(h1, h3));

	CHECK_INT(holder_mask(a, m, sizeof m), 0);
	CHECK_STR(m, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2" "45C");
	CHECK_INT(holder_mask("4B7", m, sizeof m), 0);
	CHECK_STR(m, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2" "4B7");
	CHECK_INT(holder_mask("B7", m, sizeof m), -1);
	CHECK_INT(holder_mask(a, m, 12), -1);
	CHECK_INT(holder_mask(a, m, 13), 0);
}

/* The layout mix-ups, one by one, for other payloads (an enrolment slip). */
static void
test_unmix(void)
{
	char out[64];
	int i, seen = 0;

	for (i = 0; slip_unmix(i, "D&8SITE8\xc3\xa9\"8", out, sizeof out) != 1; i++)
		if (!strcmp(out, "D1*SITE*23*"))
			seen++;
	CHECK(i >= 2);
	CHECK_INT(seen, 1);   /* US QWERTY typed on AZERTY, digits on the main row */
	CHECK_INT(slip_unmix(i, "D1*", out, sizeof out), 1);
	CHECK_INT(slip_unmix(-1, "D1*", out, sizeof out), 1);
	CHECK_INT(slip_unmix(0, "D&8SITE8", out, 4), -1);  /* does not fit */
}

int
main(void)
{
	char cmd[128];

	REQUIRE(sodium_init() >= 0);
	crypto_sign_keypair(pk_a, sk_a);
	crypto_sign_keypair(pk_b, sk_b);
	REQUIRE(mkdtemp(tmpdir) != NULL);

	test_round_trip();
	test_tamper_every_byte();
	test_other_day_and_site();
	test_garbage();
	test_scanner_quirks();
	test_unmix();
	test_check_rules();
	test_weeks_and_chain();
	test_key_files();
	test_public_text();
	test_holder();

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return TEST_REPORT();
}
