/*
 * fuzz_qr: what `kiosk verify` and POST /api/v1/verify read from outside:
 * the QR payload a scanner types (kiosk/core/sign.c: slip_decode,
 * slip_verify, then slip_chain for an attestation given as "previous"),
 * and the public key text of --pubkey (kiosk/io/signkey.c:
 * signkey_parse_public).
 *
 * The first byte chooses the target: even, a payload; odd, a public key
 * text. The key pair is made once from a fixed seed, so runs repeat.
 *
 * Properties: decode and verify agree on the format; a payload that
 * decodes passes slip_check, and re-signed with our key it encodes, decodes
 * to the same fields and verifies as valid (one canonical form per slip);
 * a public key that parses gives back the same key when formatted and
 * parsed again.
 */
#include <sodium.h>

#include "core/sign.h"
#include "fuzz.h"

static unsigned char pk[32], sk[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned char seed[32];

	(void)argc;
	(void)argv;
	FUZZ_ASSERT(sodium_init() >= 0);
	memset(seed, 7, sizeof seed);
	crypto_sign_seed_keypair(pk, sk, seed);
	return 0;
}

static int
same_slip(const struct slip *a, const struct slip *b)
{
	return a->version == b->version && a->kind == b->kind && !strcmp(a->site, b->site) &&
	    !strcmp(a->date, b->date) && !strcmp(a->service, b->service) &&
	    a->number == b->number && !strcmp(a->time, b->time) &&
	    !strcmp(a->device, b->device) && a->serial == b->serial && a->reprint == b->reprint &&
	    a->attempt == b->attempt && !strcmp(a->first_date, b->first_date) &&
	    a->weeks == b->weeks;
}

static void
payload(const char *text)
{
	struct slip s, v, again, att;
	char err[200] = "", out[SLIP_PAYLOAD_MAX], why[200];
	enum slip_verdict vd;
	int rc, n;

	rc = slip_decode(text, &s, err, sizeof err);
	vd = slip_verify(text, pk, NULL, "20261127", &v);
	FUZZ_ASSERT((rc == 0) == (vd != SLIP_UNKNOWN_FORMAT));
	FUZZ_ASSERT(slip_verdict_str(vd) != NULL && slip_verdict_code(vd) != NULL);
	if (rc != 0) {
		FUZZ_ASSERT(err[0] != '\0');
		return;
	}
	FUZZ_ASSERT(same_slip(&s, &v));
	FUZZ_ASSERT(slip_check(&s, why, sizeof why) == 0);
	/* Another site's key file: the site is compared first, case-blind. */
	FUZZ_ASSERT(slip_verify(text, pk, "NO-SUCH-SITE", NULL, NULL) == SLIP_OTHER_SITE ||
	    !strcmp(s.site, "NO-SUCH-SITE"));
	/* Re-signed with our key: one canonical form, and it verifies. */
	n = slip_encode(&s, sk, out, sizeof out);
	FUZZ_ASSERT(n > 0 && (size_t)n == strlen(out));
	FUZZ_ASSERT(slip_decode(out, &again, NULL, 0) == 0 && same_slip(&s, &again));
	FUZZ_ASSERT(slip_verify(out, pk, s.site, s.date, NULL) == SLIP_VALID);
	/* An attestation given as the previous one of a new attempt. */
	if (s.kind == SLIP_ATTESTATION) {
		memset(&att, 0, sizeof att);
		att.kind = SLIP_ATTESTATION;
		memcpy(att.date, "20261127", 9);
		if (slip_chain(&s, &att, why, sizeof why) == 0)
			FUZZ_ASSERT(att.attempt >= 1 && att.weeks >= 1 && att.weeks <= att.attempt);
	}
}

static void
pubkey(const char *text)
{
	unsigned char k[32], k2[32];
	char site[64], site2[64], line[SIGNKEY_LINE_MAX], err[200] = "";

	if (signkey_parse_public(text, k, site, sizeof site, err, sizeof err) != 0) {
		FUZZ_ASSERT(err[0] != '\0');
		return;
	}
	FUZZ_ASSERT(signkey_format_public(k, site, line, sizeof line) == 0);
	FUZZ_ASSERT(signkey_parse_public(line, k2, site2, sizeof site2, NULL, 0) == 0);
	FUZZ_ASSERT(memcmp(k, k2, sizeof k) == 0 && strcmp(site, site2) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1 || size > 4096)
		return -1;
	text = fuzz_str(data + 1, size - 1);
	if (data[0] & 1)
		pubkey(text);
	else
		payload(text);
	free(text);
	return 0;
}
