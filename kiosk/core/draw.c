/*
 * draw: the draw's arithmetic (draw.h; docs/DRAW.md is the contract).
 * Pure core: libsodium, cJSON, libc.
 */
#include "core/draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sodium.h>

void
draw_commitment(const unsigned char secret[DRAW_SECRET_LEN], char hex[DRAW_HEX_LEN])
{
	unsigned char h[DRAW_HASH_LEN];

	crypto_hash_sha256(h, secret, DRAW_SECRET_LEN);
	sodium_bin2hex(hex, DRAW_HEX_LEN, h, sizeof h);
}

/* qsort over an array of string pointers, in byte order (strcmp compares
 * as unsigned char, which is byte order). */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
draw_entries_hash(const char *const *ids, size_t n, unsigned char out[DRAW_HASH_LEN])
{
	crypto_hash_sha256_state st;
	const char **sorted;
	size_t i;

	sorted = malloc((n ? n : 1) * sizeof *sorted);
	if (!sorted)
		return -1;
	if (n > 0) {   /* ids may be NULL with none: memcpy and qsort want a pointer */
		memcpy(sorted, ids, n * sizeof *sorted);
		qsort(sorted, n, sizeof *sorted, cmp_str);
	}
	crypto_hash_sha256_init(&st);
	for (i = 0; i < n; i++) {
		if (i > 0)
			crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)sorted[i], strlen(sorted[i]));
	}
	crypto_hash_sha256_final(&st, out);
	free(sorted);
	return 0;
}

void
draw_seed(const unsigned char secret[DRAW_SECRET_LEN],
          const unsigned char entries_hash[DRAW_HASH_LEN],
          unsigned char seed[DRAW_HASH_LEN])
{
	unsigned char buf[DRAW_SECRET_LEN + DRAW_HASH_LEN];

	memcpy(buf, secret, DRAW_SECRET_LEN);
	memcpy(buf + DRAW_SECRET_LEN, entries_hash, DRAW_HASH_LEN);
	crypto_hash_sha256(seed, buf, sizeof buf);
	sodium_memzero(buf, sizeof buf);
}

/* One entry while sorting: its MAC and where it came from. */
struct keyed {
	unsigned char mac[DRAW_HASH_LEN]; /* HMAC-SHA256(seed, id) */
	const char *id;                   /* the entry id (tie-break) */
	size_t index;                     /* its index in the caller's ids */
};

static int
cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = memcmp(x->mac, y->mac, DRAW_HASH_LEN);

	return c ? c : strcmp(x->id, y->id);
}

int
draw_order(const unsigned char seed[DRAW_HASH_LEN], const char *const *ids, size_t n,
           size_t *order)
{
	struct keyed *k;
	size_t i;

	k = malloc((n ? n : 1) * sizeof *k);
	if (!k)
		return -1;
	for (i = 0; i < n; i++) {
		/* libsodium's crypto_auth_hmacsha256 is HMAC-SHA256 with a
		 * 32-byte key, exactly what any HMAC library computes. */
		crypto_auth_hmacsha256(k[i].mac, (const unsigned char *)ids[i], strlen(ids[i]), seed);
		k[i].id = ids[i];
		k[i].index = i;
	}
	if (n > 0)
		qsort(k, n, sizeof *k, cmp_keyed);
	for (i = 0; i < n; i++)
		order[i] = k[i].index;
	free(k);
	return 0;
}

size_t
draw_winners(const int *prio, size_t n, size_t places, size_t reserve, int *win)
{
	size_t i, won = 0;

	if (reserve > places)
		reserve = places;
	for (i = 0; i < n; i++)
		win[i] = 0;
	for (i = 0; i < n && won < reserve; i++)
		if (prio[i]) {
			win[i] = 1;
			won++;
		}
	for (i = 0; i < n && won < places; i++)
		if (!win[i]) {
			win[i] = 1;
			won++;
		}
	return won;
}

int
draw_entry_valid(const char *id)
{
	size_t i;

	if (!id || strlen(id) != DRAW_ENTRY_LEN)
		return 0;
	for (i = 0; i < DRAW_ENTRY_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'A' && id[i] <= 'F')))
			return 0;
	return 1;
}

void
draw_grouped(const char *id, int group, char *out, size_t outlen)
{
	size_t o = 0;
	int k = 0;

	if (outlen == 0)
		return;
	for (; id && *id && o + 1 < outlen; id++) {
		if (k == group && group > 0) {
			if (o + 2 >= outlen)
				break;
			out[o++] = ' ';
			k = 0;
		}
		out[o++] = *id;
		k++;
	}
	out[o] = '\0';
}

/* 0 and the 32 bytes when s is 64 hex digits, else -1. */
static int
hex32(const char *s, unsigned char out[32])
{
	size_t len = 0;
	const char *end = NULL;

	if (!s || strlen(s) != 64)
		return -1;
	if (sodium_hex2bin(out, 32, s, 64, NULL, &len, &end) != 0 || len != 32 || *end != '\0')
		return -1;
	return 0;
}

/* The string array of key name in o, as pointers into o; NULL and a reason
 * when it is missing or holds anything but strings. *n gets the count. */
static const char **
str_array(const cJSON *o, const char *name, size_t *n, char *err, size_t errlen)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, name), *e;
	const char **v;
	size_t i = 0;

	if (!cJSON_IsArray(a)) {
		snprintf(err, errlen, "\"%s\" is missing or not an array", name);
		return NULL;
	}
	*n = (size_t)cJSON_GetArraySize(a);
	v = malloc((*n ? *n : 1) * sizeof *v);
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsString(e) || !e->valuestring[0] || strlen(e->valuestring) > DRAW_ENTRY_MAX) {
			snprintf(err, errlen, "\"%s\"[%zu] is not an entry id", name, i);
			free(v);
			return NULL;
		}
		v[i++] = e->valuestring;
	}
	return v;
}

static const char *
get_str(const cJSON *o, const char *name)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(s) ? s->valuestring : NULL;
}

/* The outcomes of "results" against draw_winners: 0, or -1 and where. A
 * draw published without results (or without "places") is not checked
 * here. */
static int
check_results(const cJSON *o, const char **order, size_t n, char *err, size_t errlen)
{
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(o, "results"), *r;
	const cJSON *pl = cJSON_GetObjectItemCaseSensitive(o, "places");
	const cJSON *rs = cJSON_GetObjectItemCaseSensitive(o, "reserve");
	int *prio = NULL, *win = NULL, rc = -1;
	size_t i = 0;

	if (!cJSON_IsArray(res) || !cJSON_IsNumber(pl))
		return 0;
	if ((size_t)cJSON_GetArraySize(res) != n) {
		snprintf(err, errlen, "results has %d entries, order has %zu",
		    cJSON_GetArraySize(res), n);
		return -1;
	}
	if (pl->valuedouble < 0 || (rs && (!cJSON_IsNumber(rs) || rs->valuedouble < 0))) {
		snprintf(err, errlen, "\"places\" or \"reserve\" is not a count");
		return -1;
	}
	prio = calloc(n + 1, sizeof *prio);
	win = calloc(n + 1, sizeof *win);
	if (!prio || !win) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(r, res) {
		const char *e = get_str(r, "entry");
		if (!e || strcmp(e, order[i]) != 0) {
			snprintf(err, errlen, "results[%zu] is not order[%zu] (%s)", i, i, order[i]);
			goto out;
		}
		prio[i++] = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "priority"));
	}
	draw_winners(prio, n, (size_t)pl->valuedouble, rs ? (size_t)rs->valuedouble : 0, win);
	i = 0;
	cJSON_ArrayForEach(r, res) {
		const char *out = get_str(r, "outcome");
		int got = out && !strcmp(out, "ticket");
		if (got != win[i]) {
			snprintf(err, errlen, "outcome differs at position %zu (%s): expected %s, the "
			    "draw says %s", i + 1, order[i], win[i] ? "a ticket" : "no ticket",
			    out ? out : "(missing)");
			goto out;
		}
		i++;
	}
	rc = 0;
out:
	free(prio);
	free(win);
	return rc;
}

int
draw_check(const char *json, char *err, size_t errlen)
{
	cJSON *o = NULL;
	const char **entries = NULL, **order = NULL;
	size_t ne = 0, no = 0, i, *idx = NULL;
	unsigned char secret[32], eh[32], seed[32], pub[32];
	char hex[DRAW_HEX_LEN];
	const char *s;
	int rc = -1;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return -1;
	}
	o = cJSON_Parse(json ? json : "");
	if (!cJSON_IsObject(o)) {
		snprintf(err, errlen, "not a JSON object");
		goto out;
	}
	s = get_str(o, "status");
	if (s && strcmp(s, "closed") != 0) {
		snprintf(err, errlen, "the draw is not closed yet (status \"%s\"): nothing to check", s);
		goto out;
	}
	if (hex32(get_str(o, "secret"), secret) != 0) {
		snprintf(err, errlen, "\"secret\" is missing or not 64 hex digits");
		goto out;
	}
	s = get_str(o, "commitment");
	draw_commitment(secret, hex);
	if (!s || strcmp(s, hex) != 0) {
		snprintf(err, errlen, "commitment differs: SHA-256(secret) is %s, the draw says %s",
		         hex, s ? s : "(missing)");
		goto out;
	}
	if (!(entries = str_array(o, "entries", &ne, err, errlen)))
		goto out;
	if (draw_entries_hash(entries, ne, eh) != 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	sodium_bin2hex(hex, sizeof hex, eh, sizeof eh);
	s = get_str(o, "entries_hash");
	if (!s || strcmp(s, hex) != 0) {
		snprintf(err, errlen, "entries_hash differs: the entries hash to %s, the draw says %s",
		         hex, s ? s : "(missing)");
		goto out;
	}
	draw_seed(secret, eh, seed);
	sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
	s = get_str(o, "seed");
	if (!s || hex32(s, pub) != 0 || memcmp(pub, seed, 32) != 0) {
		snprintf(err, errlen, "seed differs: SHA-256(secret || entries_hash) is %s, the draw says %s",
		         hex, s ? s : "(missing)");
		goto out;
	}
	if (!(order = str_array(o, "order", &no, err, errlen)))
		goto out;
	if (!(idx = malloc((ne ? ne : 1) * sizeof *idx)) || draw_order(seed, entries, ne, idx) != 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < ne && i < no; i++)
		if (strcmp(order[i], entries[idx[i]]) != 0) {
			snprintf(err, errlen, "order differs at position %zu: expected %s, the draw says %s",
			         i + 1, entries[idx[i]], order[i]);
			goto out;
		}
	if (no != ne) {
		snprintf(err, errlen, "order has %zu entries, entries has %zu", no, ne);
		goto out;
	}
	if (check_results(o, order, no, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	sodium_memzero(secret, sizeof secret);
	free(idx);
	free(order);
	free(entries);
	cJSON_Delete(o);
	return rc;
}

/* -- the enrolment slip ------------------------------------------------------ */

int
draw_token(const char *site, long long draw, const char *entry, const unsigned char sk[64],
           char *out, size_t outlen)
{
	unsigned char sig[crypto_sign_BYTES];
	char hex[2 * crypto_sign_BYTES + 1];
	size_t i;
	int n;

	if (!site || !*site || strlen(site) > 24 || draw <= 0 || !draw_entry_valid(entry))
		return -1;
	for (i = 0; site[i]; i++)
		if (!((site[i] >= 'A' && site[i] <= 'Z') || (site[i] >= 'a' && site[i] <= 'z') ||
		    (site[i] >= '0' && site[i] <= '9') || site[i] == '-'))
			return -1;
	n = snprintf(out, outlen, "D1*%s*%lld*%s*", site, draw, entry);
	if (n < 0 || (size_t)n + sizeof hex > outlen)
		return -1;
	for (i = 0; i < (size_t)n; i++)
		if (out[i] >= 'a' && out[i] <= 'z')
			out[i] = (char)(out[i] - 'a' + 'A');
	crypto_sign_detached(sig, NULL, (const unsigned char *)out, (unsigned long long)n, sk);
	sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
	for (i = 0; hex[i]; i++)
		if (hex[i] >= 'a' && hex[i] <= 'f')
			hex[i] = (char)(hex[i] - 'a' + 'A');
	memcpy(out + n, hex, sizeof hex);
	return 0;
}

/* The payload as a scanner may type it, trimmed and upper-cased into buf,
 * its last '*' (before the signature) in *star: 0, or -1 (not a D1 slip). */
static int
token_norm(const char *payload, char buf[DRAW_TOKEN_MAX], char **star)
{
	size_t len, i;

	if (!payload)
		return -1;
	while (*payload == ' ' || *payload == '\t' || *payload == '\r' || *payload == '\n')
		payload++;
	len = strlen(payload);
	while (len > 0 && (payload[len - 1] == ' ' || payload[len - 1] == '\t' ||
	    payload[len - 1] == '\r' || payload[len - 1] == '\n'))
		len--;
	if (len >= DRAW_TOKEN_MAX)
		return -1;
	for (i = 0; i < len; i++)
		buf[i] = (payload[i] >= 'a' && payload[i] <= 'z') ? (char)(payload[i] - 'a' + 'A') :
		    payload[i];
	buf[len] = '\0';
	if (strncmp(buf, "D1*", 3) != 0 || (*star = strrchr(buf, '*')) == NULL)
		return -1;
	return 0;
}

int
draw_token_verify(const char *payload, const unsigned char pk[32], long long *draw,
                  char *entry)
{
	char buf[DRAW_TOKEN_MAX], *star;
	unsigned char sig[crypto_sign_BYTES];
	size_t siglen = 0;

	if (draw_token_parse(payload, draw, entry) != 0 || token_norm(payload, buf, &star) != 0)
		return -1;
	if (sodium_hex2bin(sig, sizeof sig, star + 1, 2 * crypto_sign_BYTES, NULL, &siglen,
	    NULL) != 0 || siglen != sizeof sig)
		return -1;
	return crypto_sign_verify_detached(sig, (const unsigned char *)buf,
	    (unsigned long long)(star + 1 - buf), pk) == 0 ? 0 : -1;
}

int
draw_token_parse(const char *payload, long long *draw, char *entry)
{
	char buf[DRAW_TOKEN_MAX], *p, *star, *end;
	long long id;

	if (token_norm(payload, buf, &star) != 0)
		return -1;
	/* the signature: 128 hex digits, not checked here */
	if (strlen(star + 1) != 2 * crypto_sign_BYTES)
		return -1;
	for (p = star + 1; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F')))
			return -1;
	/* D1*site*draw*entry* */
	if ((p = strchr(buf + 3, '*')) == NULL || p == buf + 3)
		return -1;
	if (p[1] < '1' || p[1] > '9')
		return -1;
	id = strtoll(p + 1, &end, 10);
	if (id <= 0 || *end != '*' || (size_t)(star - (end + 1)) != DRAW_ENTRY_LEN)
		return -1;
	memcpy(entry, end + 1, DRAW_ENTRY_LEN);
	entry[DRAW_ENTRY_LEN] = '\0';
	if (!draw_entry_valid(entry))
		return -1;
	*draw = id;
	return 0;
}
