/*
 * test_draw: the draw's arithmetic (core/draw.h) against the worked example
 * of docs/DRAW.md (its values were computed apart, with Python's hashlib and
 * hmac), and draw_check on a published draw, genuine and tampered.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/draw.h"
#include "testhelp.h"

/* docs/DRAW.md, "Worked example". */
static const char *const ex_ids[] = {   /* as published: byte order */
	"0A1B2C3D4E5F60718293", "5E5E5E5E5E5E5E5E5E5E",
	"7F3A9C0B12D4E5F60718", "C0FFEE00112233445566",
};
#define EX_COMMIT "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
#define EX_EH     "8f109a80bc8da3d2cd5eabac01f6edb04eaec6f94c674758f04114a84fbc1c0e"
#define EX_SEED   "83372b1cff0cd32d75f3168467af282394f3e159dad7830960cec2d2f3292d41"
static const char *const ex_order[] = {
	"7F3A9C0B12D4E5F60718", "0A1B2C3D4E5F60718293",
	"C0FFEE00112233445566", "5E5E5E5E5E5E5E5E5E5E",
};

static void
ex_secret(unsigned char s[32])
{
	for (int i = 0; i < 32; i++)
		s[i] = (unsigned char)i;
}

static void
test_example(void)
{
	unsigned char secret[32], eh[32], seed[32];
	char hex[DRAW_HEX_LEN];
	size_t order[4];

	ex_secret(secret);
	draw_commitment(secret, hex);
	CHECK_STR(hex, EX_COMMIT);
	REQUIRE(draw_entries_hash(ex_ids, 4, eh) == 0);
	sodium_bin2hex(hex, sizeof hex, eh, 32);
	CHECK_STR(hex, EX_EH);
	draw_seed(secret, eh, seed);
	sodium_bin2hex(hex, sizeof hex, seed, 32);
	CHECK_STR(hex, EX_SEED);
	REQUIRE(draw_order(seed, ex_ids, 4, order) == 0);
	for (int i = 0; i < 4; i++)
		CHECK_STR(ex_ids[order[i]], ex_order[i]);
}

static void
test_entries_hash_rules(void)
{
	/* The hash does not depend on the order the ids come in, has no
	 * trailing newline, and zero entries hash the empty string. */
	const char *a[] = { "B", "A", "C" }, *b[] = { "C", "B", "A" };
	unsigned char ha[32], hb[32], want[32];

	REQUIRE(draw_entries_hash(a, 3, ha) == 0);
	REQUIRE(draw_entries_hash(b, 3, hb) == 0);
	CHECK(memcmp(ha, hb, 32) == 0);
	crypto_hash_sha256(want, (const unsigned char *)"A\nB\nC", 5);
	CHECK(memcmp(ha, want, 32) == 0);
	REQUIRE(draw_entries_hash(NULL, 0, ha) == 0);
	crypto_hash_sha256(want, (const unsigned char *)"", 0);
	CHECK(memcmp(ha, want, 32) == 0);
	/* Byte order, not a locale's: "a" (0x61) after "B" (0x42). */
	{
		const char *c[] = { "a", "B" };
		REQUIRE(draw_entries_hash(c, 2, ha) == 0);
		crypto_hash_sha256(want, (const unsigned char *)"B\na", 3);
		CHECK(memcmp(ha, want, 32) == 0);
	}
}

static void
test_entry_valid(void)
{
	CHECK(draw_entry_valid("0A1B2C3D4E5F60718293"));
	CHECK(!draw_entry_valid("0a1b2c3d4e5f60718293"));
	CHECK(!draw_entry_valid("0A1B2C3D4E5F6071829"));
	CHECK(!draw_entry_valid("0A1B2C3D4E5F607182933"));
	CHECK(!draw_entry_valid("0A1B2C3D4E5F6071829G"));
	CHECK(!draw_entry_valid(NULL));
}

static void
test_grouped(void)
{
	char out[32], small[8];

	draw_grouped("0A1B2C3D4E5F60718293", 4, out, sizeof out);
	CHECK(strcmp(out, "0A1B 2C3D 4E5F 6071 8293") == 0);
	draw_grouped("630dcd2966c43366", 8, out, sizeof out);
	CHECK(strcmp(out, "630dcd29 66c43366") == 0);
	draw_grouped("0A1B2C3D4E5F", 4, small, sizeof small); /* cut, never a dangling space */
	CHECK(strcmp(small, "0A1B 2C") == 0);
	draw_grouped("0A1B", 4, small, sizeof small);
	CHECK(strcmp(small, "0A1B") == 0);
	draw_grouped(NULL, 4, small, sizeof small);
	CHECK(small[0] == '\0');
}

/* The published JSON of the worked example, with one field replaced. */
static void
ex_json(char *out, size_t len, const char *secret, const char *commit, const char *o0)
{
	snprintf(out, len,
	    "{\"status\":\"closed\",\"commitment\":\"%s\","
	    "\"secret\":\"%s\",\"entries\":[\"%s\",\"%s\",\"%s\",\"%s\"],"
	    "\"entries_hash\":\"" EX_EH "\",\"seed\":\"" EX_SEED "\","
	    "\"order\":[\"%s\",\"%s\",\"%s\",\"%s\"],\"places\":2}",
	    commit, secret, ex_ids[0], ex_ids[1], ex_ids[2], ex_ids[3],
	    o0, ex_order[1], ex_order[2], ex_order[3]);
}

static void
test_check(void)
{
	const char *sec = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	const char *sec2 = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	char j[2048], err[256];

	ex_json(j, sizeof j, sec, EX_COMMIT, ex_order[0]);
	CHECK_INT(draw_check(j, err, sizeof err), 0);
	/* The order tampered: two entries swapped. */
	ex_json(j, sizeof j, sec, EX_COMMIT, ex_order[1]);
	CHECK_INT(draw_check(j, err, sizeof err), -1);
	CHECK(strstr(err, "order differs at position 1") != NULL);
	/* Another secret: the commitment no longer matches. */
	ex_json(j, sizeof j, sec2, EX_COMMIT, ex_order[0]);
	CHECK_INT(draw_check(j, err, sizeof err), -1);
	CHECK(strstr(err, "commitment differs") != NULL);
	/* Another secret with a matching commitment (a forger who changes
	 * both): the seed then differs. */
	{
		unsigned char s2[32];
		char c2[DRAW_HEX_LEN];
		size_t l;
		sodium_hex2bin(s2, 32, sec2, 64, NULL, &l, NULL);
		draw_commitment(s2, c2);
		ex_json(j, sizeof j, sec2, c2, ex_order[0]);
		CHECK_INT(draw_check(j, err, sizeof err), -1);
		CHECK(strstr(err, "seed differs") != NULL);
	}
	/* Not closed, not JSON, a missing field. */
	CHECK_INT(draw_check("{\"status\":\"open\",\"commitment\":\"" EX_COMMIT "\"}", err, sizeof err), -1);
	CHECK(strstr(err, "not closed") != NULL);
	CHECK_INT(draw_check("nope", err, sizeof err), -1);
	CHECK_INT(draw_check("{\"status\":\"closed\"}", err, sizeof err), -1);
	CHECK(strstr(err, "secret") != NULL);
}

static void
test_winners(void)
{
	int prio[8] = { 0, 1, 0, 0, 1, 1, 0, 1 }, win[8];
	int want1[8] = { 1, 1, 1, 0, 0, 0, 0, 0 };   /* reserve 0: the first 3 */
	int want2[8] = { 1, 1, 0, 0, 1, 0, 0, 0 };   /* reserve 2: priority 1 and 4, then 0 */
	int want3[8] = { 0, 1, 0, 0, 1, 1, 0, 0 };   /* reserve 3 of 3: priority only */
	int want4[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };   /* more places than entries */

	CHECK_INT(draw_winners(prio, 8, 3, 0, win), 3);
	CHECK(memcmp(win, want1, sizeof win) == 0);
	CHECK_INT(draw_winners(prio, 8, 3, 2, win), 3);
	CHECK(memcmp(win, want2, sizeof win) == 0);
	CHECK_INT(draw_winners(prio, 8, 3, 3, win), 3);
	CHECK(memcmp(win, want3, sizeof win) == 0);
	/* A reserve larger than places is cut to places. */
	CHECK_INT(draw_winners(prio, 8, 3, 9, win), 3);
	CHECK(memcmp(win, want3, sizeof win) == 0);
	CHECK_INT(draw_winners(prio, 8, 20, 2, win), 8);
	CHECK(memcmp(win, want4, sizeof win) == 0);
	CHECK_INT(draw_winners(prio, 0, 3, 1, win), 0);
}

/* The worked example with results: places 2, reserve 1, the third in
 * order a priority entry: it takes the reserve, the first the other place. */
static void
test_check_results(void)
{
	const char *head =
	    "{\"status\":\"closed\",\"commitment\":\"" EX_COMMIT "\",\"secret\":"
	    "\"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\","
	    "\"entries\":[\"0A1B2C3D4E5F60718293\",\"5E5E5E5E5E5E5E5E5E5E\","
	    "\"7F3A9C0B12D4E5F60718\",\"C0FFEE00112233445566\"],"
	    "\"entries_hash\":\"" EX_EH "\",\"seed\":\"" EX_SEED "\","
	    "\"order\":[\"7F3A9C0B12D4E5F60718\",\"0A1B2C3D4E5F60718293\","
	    "\"C0FFEE00112233445566\",\"5E5E5E5E5E5E5E5E5E5E\"],\"places\":2,\"reserve\":1,";
	char j[2048], err[256];

	snprintf(j, sizeof j, "%s\"results\":["
	    "{\"entry\":\"7F3A9C0B12D4E5F60718\",\"priority\":false,\"outcome\":\"ticket\"},"
	    "{\"entry\":\"0A1B2C3D4E5F60718293\",\"priority\":false,\"outcome\":\"attestation\"},"
	    "{\"entry\":\"C0FFEE00112233445566\",\"priority\":true,\"outcome\":\"ticket\"},"
	    "{\"entry\":\"5E5E5E5E5E5E5E5E5E5E\",\"priority\":false,\"outcome\":\"attestation\"}]}",
	    head);
	CHECK_INT(draw_check(j, err, sizeof err), 0);
	/* The second in order given the place instead of the priority entry. */
	snprintf(j, sizeof j, "%s\"results\":["
	    "{\"entry\":\"7F3A9C0B12D4E5F60718\",\"priority\":false,\"outcome\":\"ticket\"},"
	    "{\"entry\":\"0A1B2C3D4E5F60718293\",\"priority\":false,\"outcome\":\"ticket\"},"
	    "{\"entry\":\"C0FFEE00112233445566\",\"priority\":true,\"outcome\":\"attestation\"},"
	    "{\"entry\":\"5E5E5E5E5E5E5E5E5E5E\",\"priority\":false,\"outcome\":\"attestation\"}]}",
	    head);
	CHECK_INT(draw_check(j, err, sizeof err), -1);
	CHECK(strstr(err, "outcome differs at position 2") != NULL);
	/* Results out of order. */
	snprintf(j, sizeof j, "%s\"results\":["
	    "{\"entry\":\"0A1B2C3D4E5F60718293\",\"outcome\":\"ticket\"},"
	    "{\"entry\":\"7F3A9C0B12D4E5F60718\",\"outcome\":\"ticket\"},"
	    "{\"entry\":\"C0FFEE00112233445566\",\"outcome\":\"attestation\"},"
	    "{\"entry\":\"5E5E5E5E5E5E5E5E5E5E\",\"outcome\":\"attestation\"}]}", head);
	CHECK_INT(draw_check(j, err, sizeof err), -1);
	CHECK(strstr(err, "results[0]") != NULL);
}

/* The enrolment slip's payload read without the key (the kiosk's scan),
 * and the same payload verified with it. */
static void
test_token_parse(void)
{
	unsigned char pk[32], sk[64];
	char tok[DRAW_TOKEN_MAX], low[DRAW_TOKEN_MAX + 8], entry[DRAW_ENTRY_LEN + 1];
	char bad[DRAW_TOKEN_MAX + 8];
	long long id = 0;
	size_t i;

	crypto_sign_keypair(pk, sk);
	REQUIRE(draw_token("site-1", 37, "0A1B2C3D4E5F60718293", sk, tok, sizeof tok) == 0);
	CHECK_INT(draw_token_parse(tok, &id, entry), 0);
	CHECK_INT((int)id, 37);
	CHECK_STR(entry, "0A1B2C3D4E5F60718293");
	/* lower case (Caps Lock), white space and an Enter around it */
	snprintf(low, sizeof low, "  %s\r\n", tok);
	for (i = 0; low[i]; i++)
		if (low[i] >= 'A' && low[i] <= 'Z')
			low[i] = (char)(low[i] - 'A' + 'a');
	id = 0;
	CHECK_INT(draw_token_parse(low, &id, entry), 0);
	CHECK_INT((int)id, 37);
	CHECK_STR(entry, "0A1B2C3D4E5F60718293");
	CHECK_INT(draw_token_verify(low, pk, &id, entry), 0);
	/* not the form: each refused */
	CHECK_INT(draw_token_parse(NULL, &id, entry), -1);
	CHECK_INT(draw_token_parse("", &id, entry), -1);
	CHECK_INT(draw_token_parse("K1*A*SITE*20261204", &id, entry), -1);
	snprintf(bad, sizeof bad, "%.*s", (int)strlen(tok) - 1, tok);     /* signature cut */
	CHECK_INT(draw_token_parse(bad, &id, entry), -1);
	snprintf(bad, sizeof bad, "%sA", tok);                          /* one digit more */
	CHECK_INT(draw_token_parse(bad, &id, entry), -1);
	CHECK_INT(draw_token_parse("D1*SITE-1*0*0A1B2C3D4E5F60718293*00", &id, entry), -1);
	snprintf(bad, sizeof bad, "D1*SITE-1*37*0A1B2C3D4E5F6071829*%s", strrchr(tok, '*') + 1);
	CHECK_INT(draw_token_parse(bad, &id, entry), -1);               /* entry too short */
	snprintf(bad, sizeof bad, "D1**37*0A1B2C3D4E5F60718293*%s", strrchr(tok, '*') + 1);
	CHECK_INT(draw_token_parse(bad, &id, entry), -1);               /* no site */
	snprintf(bad, sizeof bad, "D1*SITE-1*037*0A1B2C3D4E5F60718293*%s", strrchr(tok, '*') + 1);
	CHECK_INT(draw_token_parse(bad, &id, entry), -1);               /* a leading zero */
	/* the form is right but the signature is not: parsed here, refused by
	 * the key (the server checks the entry itself) */
	snprintf(bad, sizeof bad, "D1*SITE-1*38*0A1B2C3D4E5F60718293*%s", strrchr(tok, '*') + 1);
	CHECK_INT(draw_token_parse(bad, &id, entry), 0);
	CHECK_INT((int)id, 38);
	CHECK_INT(draw_token_verify(bad, pk, &id, entry), -1);
}

int
main(void)
{
	REQUIRE(sodium_init() >= 0);
	test_example();
	test_entries_hash_rules();
	test_entry_valid();
	test_grouped();
	test_check();
	test_winners();
	test_check_results();
	test_token_parse();
	return TEST_REPORT();
}
