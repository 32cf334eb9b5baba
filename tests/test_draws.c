/*
 * test_draws: the draw at opening (issue #13) through the desk's verbs
 * (desk/draws.c) on a real SQLite file:
 *
 *   - open: a manager only, a known service, places in range, one open
 *     draw per service; the commitment is SHA-256 of the stored secret,
 *     and desk_draw_get never gives the secret while the draw is open;
 *   - enrol: a kiosk only; 200 entries, each id 20 of [0-9A-F] and
 *     distinct; a service that binds holders needs one, and the same
 *     holder gets the same entry back (duplicate); the enrolment slip's
 *     token verifies under the site's key; after the close: DK_CONFLICT;
 *   - close: a manager only, once; the order is the core's, recomputed here
 *     from the published fields (draw_check), the first `places` entries
 *     hold tickets numbered 1..places in draw order, the rest
 *     attestations; audited: opening, each enrolment, close and result;
 *   - redeem: before the close DK_CONFLICT; a winner's ticket (then a
 *     duplicate), a loser's attestation (the same one again), an unknown
 *     entry DK_NOTFOUND; staff cannot redeem;
 *   - the losers get convocations in draw order while the pool has a place,
 *     bound to their holder under the convocation day's key (a walk-in of
 *     the same holder gets the same one back), then attestations; the
 *     hashes for later days are gone after the close;
 *   - retention removes the entries' holder hashes with their day;
 *   - priority entries take the reserve first;
 *   - the site file's `draw = HH:MM-HH:MM`: parsed (bad ones refused with
 *     their line), kept with the site, the draw opened and closed by
 *     desk_draw_tick, once a day, a manager's draw left alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sodium.h>

#include "core/draw.h"
#include "desk/desk.h"
#include "store/store.h"
#include "fixture.h"

static char dir[256];
static struct desk_keys keys;
static const struct desk_actor kiosk1 = { "kiosk-1", 1, NULL };
static const struct desk_actor boss = { "chef", 0, NULL };

/* Friday 4 December 2026, 09:00 in Paris (CET). */
#define T0 utc(2026, 12, 4, 8, 0, 0)

#define SITE \
    "[site]\nid = test-93\nname = Test site\ntimezone = Europe/Paris\n" \
    "mon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\nthu = 00:00-24:00\n" \
    "fri = 00:00-24:00\nsat = 00:00-24:00\nsun = 00:00-24:00\n" \
    "[service A]\nname = Premier titre\ncapacity = 100\npriority_reserve = 0\n" \
    "[service B]\nname = Renouvellement\ncapacity = 100\npriority_reserve = 0\n" \
    "bind_holder = yes\n" \
    "[service C]\nname = Naturalisation\ncapacity = 100\npriority_reserve = 2\n" \
    "[counter 1]\nservices = A B C\n" \
    "[alerts]\nburst_per_minute = 0\n"

static long long
sql1(const char *path, const char *sql)
{
	return fixture_sql1(path, sql);
}

/* The published JSON of a closed draw, as the API writes it (its fields
 * only), for draw_check. */
static char *
published(const struct draw_row *dr, const struct draw_entry_row *e, int n)
{
	cJSON *o = cJSON_CreateObject(), *ents, *ord, *res;
	char hex[65];
	char *s;
	int i, r;

	cJSON_AddStringToObject(o, "status", dr->closed ? "closed" : "open");
	cJSON_AddStringToObject(o, "commitment", dr->commitment);
	sodium_bin2hex(hex, sizeof hex, dr->secret, 32);
	cJSON_AddStringToObject(o, "secret", hex);
	ents = cJSON_AddArrayToObject(o, "entries");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(ents, cJSON_CreateString(e[i].entry));
	cJSON_AddStringToObject(o, "entries_hash", dr->entries_hash);
	cJSON_AddStringToObject(o, "seed", dr->seed);
	ord = cJSON_AddArrayToObject(o, "order");
	res = cJSON_AddArrayToObject(o, "results");
	for (r = 1; r <= n; r++)
		for (i = 0; i < n; i++)
			if (e[i].rank == r) {
				cJSON *x = cJSON_CreateObject();
				cJSON_AddItemToArray(ord, cJSON_CreateString(e[i].entry));
				cJSON_AddStringToObject(x, "entry", e[i].entry);
				cJSON_AddBoolToObject(x, "priority", e[i].priority);
				cJSON_AddStringToObject(x, "outcome", e[i].outcome);
				cJSON_AddItemToArray(res, x);
			}
	cJSON_AddNumberToObject(o, "places", dr->places);
	cJSON_AddNumberToObject(o, "reserve", dr->reserve);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static void
test_draw(void)
{
	char path[512], err[300], want[65];
	struct site site;
	struct store *st;
	struct desk *d;
	struct draw_row dr, got;
	struct draw_entry_row *e = NULL;
	struct desk_draw_enrolled en;
	struct desk_draw_redeemed rd;
	struct desk_events ev;
	static char ids[200][24];
	int i, n, winners, rc;
	long long did;
	char entry[24];

	fixture_site(dir, SITE, &site);
	fixture_path(path, sizeof path, dir, "draw.db");
	d = fixture_desk(path, &site, &keys, T0, &st);

	/* Open: refusals first. */
	CHECK_INT(desk_draw_open(d, &kiosk1, 'A', 10, T0, &dr, err, sizeof err), DK_FORBIDDEN);
	CHECK_INT(desk_draw_open(d, &boss, 'Z', 10, T0, &dr, err, sizeof err), DK_NOTFOUND);
	CHECK_INT(desk_draw_open(d, &boss, 'A', 0, T0, &dr, err, sizeof err), DK_BAD);
	CHECK_INT(desk_draw_open(d, &boss, 'A', DESK_DRAW_PLACES_MAX + 1, T0, &dr, err, sizeof err),
	    DK_BAD);
	REQUIRE(desk_draw_open(d, &boss, 'A', 10, T0, &dr, err, sizeof err) == DK_OK);
	CHECK(dr.id > 0);
	CHECK_INT(strlen(dr.commitment), 64);
	draw_commitment(dr.secret, want);
	CHECK_STR(dr.commitment, want);
	CHECK_INT(desk_draw_open(d, &boss, 'A', 5, T0, &got, err, sizeof err), DK_CONFLICT);
	CHECK(strstr(err, "open draw") != NULL);
	/* Read while open: no secret. */
	CHECK_INT(desk_draw_get(d, dr.id, T0, &got, NULL, err, sizeof err), 0);
	CHECK_STR(got.commitment, dr.commitment);
	{
		unsigned char zero[32] = { 0 };
		CHECK(memcmp(got.secret, zero, 32) == 0);
	}
	CHECK_INT(desk_draw_get(d, 9999, T0, &got, NULL, err, sizeof err), DK_NOTFOUND);

	/* Enrol 200 (service A binds no holder). */
	CHECK_INT(desk_draw_enrol(d, &boss, dr.id, "fr", 0, NULL, T0, &en, err, sizeof err),
	    DK_FORBIDDEN);
	CHECK_INT(desk_draw_enrol(d, &kiosk1, 9999, "fr", 0, NULL, T0, &en, err, sizeof err),
	    DK_NOTFOUND);
	for (i = 0; i < 200; i++) {
		rc = desk_draw_enrol(d, &kiosk1, dr.id, i % 2 ? "ar" : "fr", 0, NULL, T0 + i, &en, err,
		    sizeof err);
		REQUIRE(rc == DK_OK);
		CHECK(draw_entry_valid(en.e.entry));
		CHECK_INT(en.duplicate, 0);
		snprintf(ids[i], sizeof ids[i], "%s", en.e.entry);
		if (i == 0) {
			CHECK_INT(draw_token_verify(en.token, keys.pk, &did, entry), 0);
			CHECK_INT(did, dr.id);
			CHECK_STR(entry, en.e.entry);
			CHECK(strncmp(en.token, "D1*TEST-93*", 11) == 0);
			/* A changed character breaks the signature. */
			en.token[12] = en.token[12] == '1' ? '2' : '1';
			CHECK_INT(draw_token_verify(en.token, keys.pk, &did, entry), -1);
		}
	}
	CHECK_INT(sql1(path, "SELECT COUNT(DISTINCT entry) FROM draw_entries"), 200);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'draw_enrol'"), 200);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'draw_open'"), 1);

	/* Redeem before the close. */
	CHECK_INT(desk_draw_redeem(d, &kiosk1, dr.id, ids[0], T0 + 300, &rd, &ev, err, sizeof err),
	    DK_CONFLICT);

	/* Close. */
	CHECK_INT(desk_draw_close(d, &kiosk1, dr.id, T0 + 600, &got, &ev, err, sizeof err),
	    DK_FORBIDDEN);
	REQUIRE(desk_draw_close(d, &boss, dr.id, T0 + 600, &got, &ev, err, sizeof err) == DK_OK);
	CHECK(got.closed);
	CHECK_INT(desk_draw_close(d, &boss, dr.id, T0 + 601, &got, &ev, err, sizeof err),
	    DK_CONFLICT);
	CHECK_INT(desk_draw_enrol(d, &kiosk1, dr.id, "fr", 0, NULL, T0 + 700, &en, err, sizeof err),
	    DK_CONFLICT);

	/* The published draw checks, and its secret is the committed one. */
	n = desk_draw_get(d, dr.id, T0 + 700, &got, &e, err, sizeof err);
	REQUIRE(n == 200);
	CHECK(memcmp(got.secret, dr.secret, 32) == 0);
	for (i = 1; i < n; i++)
		CHECK(strcmp(e[i - 1].entry, e[i].entry) < 0);
	{
		char *j = published(&got, e, n);
		CHECK_INT(draw_check(j, err, sizeof err), 0);
		free(j);
	}
	/* Tickets 1..10 in draw order; the rest attestations. */
	winners = 0;
	for (i = 0; i < n; i++) {
		if (e[i].rank <= 10) {
			char num[16];
			snprintf(num, sizeof num, "A%03d", e[i].rank % 1000);
			CHECK_STR(e[i].outcome, "ticket");
			CHECK_STR(e[i].ticket_number, num);
			winners++;
		} else {
			CHECK_STR(e[i].outcome, "attestation");
			CHECK_INT(e[i].ticket, 0);
		}
	}
	CHECK_INT(winners, 10);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets WHERE service = 'A'"), 10);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'draw_close'"), 1);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'draw_result' AND detail "
	    "LIKE '%tickets A001 to A010 in draw order, 0 convocations, 190 attestations%'"), 1);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'manual_ticket'"), 0);

	/* Redeem: a winner's ticket, then a duplicate; a loser's attestation,
	 * the same one again; an unknown entry; staff. */
	for (i = 0; i < n && e[i].rank != 1; i++)
		;
	REQUIRE(i < n);
	REQUIRE(desk_draw_redeem(d, &kiosk1, dr.id, e[i].entry, T0 + 800, &rd, &ev, err,
	    sizeof err) == DK_OK);
	CHECK_INT(rd.slip.kind, DS_TICKET);
	CHECK_STR(rd.slip.ticket.number, "A001");
	CHECK_STR(rd.slip.ticket.print_device, "kiosk-1");
	CHECK(rd.e.redeemed_at == T0 + 800);
	REQUIRE(desk_draw_redeem(d, &kiosk1, dr.id, e[i].entry, T0 + 801, &rd, &ev, err,
	    sizeof err) == DK_OK);
	CHECK_INT(rd.slip.kind, DS_DUPLICATE);
	CHECK_STR(rd.slip.ticket.number, "A001");
	for (i = 0; i < n && e[i].rank != 11; i++)
		;
	REQUIRE(i < n);
	REQUIRE(desk_draw_redeem(d, &kiosk1, dr.id, e[i].entry, T0 + 900, &rd, &ev, err,
	    sizeof err) == DK_OK);
	CHECK_INT(rd.slip.kind, DS_ATTESTATION);
	CHECK_STR(rd.slip.att.outcome, "draw");
	CHECK(rd.slip.att.id > 0);
	{
		int64_t att = rd.slip.att.id;
		REQUIRE(desk_draw_redeem(d, &kiosk1, dr.id, e[i].entry, T0 + 901, &rd, &ev, err,
		    sizeof err) == DK_OK);
		CHECK_INT(rd.slip.kind, DS_ATTESTATION);
		CHECK_INT(rd.slip.att.id, att);
		CHECK_INT(sql1(path, "SELECT COUNT(*) FROM attestations"), 1);
	}
	CHECK_INT(desk_draw_redeem(d, &kiosk1, dr.id, "0123456789ABCDEF0123", T0 + 900, &rd, &ev,
	    err, sizeof err), DK_NOTFOUND);
	CHECK_INT(desk_draw_redeem(d, &kiosk1, dr.id, "nope", T0 + 900, &rd, &ev, err, sizeof err),
	    DK_NOTFOUND);
	CHECK_INT(desk_draw_redeem(d, &boss, dr.id, e[0].entry, T0 + 900, &rd, &ev, err,
	    sizeof err), DK_FORBIDDEN);
	free(e);

	/* A new draw for the same service may open once the first is closed;
	 * closed with nobody enrolled, it still publishes a draw that checks. */
	CHECK_INT(desk_draw_open(d, &boss, 'A', 3, T0 + 1000, &dr, err, sizeof err), DK_OK);
	CHECK_INT(desk_draw_close(d, &boss, dr.id, T0 + 1100, &got, &ev, err, sizeof err), DK_OK);
	CHECK_INT(desk_draw_get(d, dr.id, T0 + 1100, &got, &e, err, sizeof err), 0);
	CHECK(e == NULL);
	{
		char *j = published(&got, e, 0);
		CHECK_INT(draw_check(j, err, sizeof err), 0);
		free(j);
	}

	desk_close(d);
	store_close(st);
}

static void
test_holder(void)
{
	char path[512], err[300];
	struct site site;
	struct store *st;
	struct desk *d;
	struct draw_row dr, got;
	struct desk_draw_enrolled en, en2;
	struct desk_events ev;
	struct draw_entry_row *e = NULL;
	int n;

	fixture_site(dir, SITE, &site);
	fixture_path(path, sizeof path, dir, "holder.db");
	d = fixture_desk(path, &site, &keys, T0, &st);
	REQUIRE(desk_draw_open(d, &boss, 'B', 1, T0, &dr, err, sizeof err) == DK_OK);
	CHECK_INT(desk_draw_enrol(d, &kiosk1, dr.id, "fr", 0, NULL, T0, &en, err, sizeof err),
	    DK_HOLDER_REQUIRED);
	CHECK_INT(desk_draw_enrol(d, &kiosk1, dr.id, "fr", 0, "!", T0, &en, err, sizeof err),
	    DK_BAD_HOLDER);
	REQUIRE(desk_draw_enrol(d, &kiosk1, dr.id, "fr", 0, "AB123456", T0, &en, err, sizeof err) ==
	    DK_OK);
	CHECK_INT(en.duplicate, 0);
	/* The same holder, typed another way: the same entry, duplicate. */
	REQUIRE(desk_draw_enrol(d, &kiosk1, dr.id, "ar", 0, "ab 123 456", T0 + 5, &en2, err,
	    sizeof err) == DK_OK);
	CHECK_INT(en2.duplicate, 1);
	CHECK_STR(en2.e.entry, en.e.entry);
	CHECK_STR(en2.token, en.token);
	REQUIRE(desk_draw_enrol(d, &kiosk1, dr.id, "fr", 0, "CD654321", T0 + 6, &en2, err,
	    sizeof err) == DK_OK);
	CHECK_INT(en2.duplicate, 0);
	CHECK(strcmp(en2.e.entry, en.e.entry) != 0);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM draw_entries"), 2);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM draw_entries WHERE length(holder_hash) = 32"), 2);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE detail LIKE '%123456%' OR detail "
	    "LIKE '%654321%'"), 0);
	/* The winner's ticket is bound to its holder. */
	REQUIRE(desk_draw_close(d, &boss, dr.id, T0 + 60, &got, &ev, err, sizeof err) == DK_OK);
	n = desk_draw_get(d, dr.id, T0 + 60, &got, &e, err, sizeof err);
	REQUIRE(n == 2);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets WHERE holder_hash IS NOT NULL"), 1);
	free(e);
	/* Retention: the next day, the entries' holder hashes are gone with
	 * the day's key; the draw and its entries stay (with the events). */
	CHECK_INT(desk_retention(d, T0 + 86400, err, sizeof err), DK_OK);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM draw_entries WHERE holder_hash IS NOT NULL"), 0);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM draw_entries"), 2);
	desk_close(d);
	store_close(st);
}

/* The losers: convocations while the service's pool has a place, in draw
 * order, bound to their holder; then attestations. */
static void
test_losers(void)
{
	char path[512], err[300], holder[16];
	struct site site;
	struct store *st;
	struct desk *d;
	struct draw_row dr, got;
	struct desk_draw_enrolled en;
	struct desk_draw_redeemed rd;
	struct desk_events ev;
	struct desk_slip slip;
	struct desk_issue in = { 'E', "fr", 0, NULL, NULL };
	struct draw_entry_row *e = NULL, *by_rank[6], *of[6];
	char ids[6][24];
	int i, j, n;

	fixture_site(dir, SITE "[service E]\nname = Titres\ncapacity = 1\npriority_reserve = 0\n"
	    "bind_holder = yes\nconvocations = 2\nconvocation_days = 1\nconvocation_window = 60\n",
	    &site);
	fixture_path(path, sizeof path, dir, "losers.db");
	d = fixture_desk(path, &site, &keys, T0, &st);
	REQUIRE(desk_draw_open(d, &boss, 'E', 1, T0, &dr, err, sizeof err) == DK_OK);
	for (i = 0; i < 6; i++) {
		snprintf(holder, sizeof holder, "AB10000%d", i);
		REQUIRE(desk_draw_enrol(d, &kiosk1, dr.id, "fr", 0, holder, T0 + i, &en, err,
		    sizeof err) == DK_OK);
		snprintf(ids[i], sizeof ids[i], "%s", en.e.entry);
	}
	/* While it is open, a kiosk enrols: no ticket. */
	in.holder = "CD200000";
	CHECK_INT(desk_issue(d, &kiosk1, &in, T0 + 10, &slip, &ev, err, sizeof err), DK_DRAW_OPEN);
	CHECK_INT(slip.draw, dr.id);
	/* Each holder's hash under the key of each day of the horizon. */
	CHECK(sql1(path, "SELECT COUNT(*) FROM draw_entry_days") >= 6);
	CHECK_INT(sql1(path, "SELECT COUNT(DISTINCT entry) FROM draw_entry_days"), 6);
	REQUIRE(desk_draw_close(d, &boss, dr.id, T0 + 60, &got, &ev, err, sizeof err) == DK_OK);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM draw_entry_days"), 0);
	n = desk_draw_get(d, dr.id, T0 + 60, &got, &e, err, sizeof err);
	REQUIRE(n == 6);
	for (i = 0; i < n; i++) {
		by_rank[e[i].rank - 1] = &e[i];
		for (j = 0; j < 6; j++)
			if (!strcmp(ids[j], e[i].entry))
				of[j] = &e[i];
	}
	CHECK_STR(by_rank[0]->outcome, "ticket");
	CHECK_STR(by_rank[1]->outcome, "convocation");
	CHECK_STR(by_rank[2]->outcome, "convocation");
	for (i = 3; i < 6; i++)
		CHECK_STR(by_rank[i]->outcome, "attestation");
	/* Bound, on Saturday, the pool's two places. */
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM appointments WHERE source = 'convocation' AND "
	    "day = '2026-12-05' AND holder_hash IS NOT NULL"), 2);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'draw_result' AND detail "
	    "LIKE '%2 convocations, 3 attestations%'"), 1);
	{
		char *pub = published(&got, e, n);
		CHECK_INT(draw_check(pub, err, sizeof err), 0);
		free(pub);
	}
	/* The second drawn redeems: the convocation, then the same again. */
	REQUIRE(desk_draw_redeem(d, &kiosk1, dr.id, by_rank[1]->entry, T0 + 120, &rd, &ev, err,
	    sizeof err) == DK_OK);
	CHECK_INT(rd.slip.kind, DS_CONVOCATION);
	CHECK_STR(rd.slip.conv.appt.day, "2026-12-05");
	CHECK_INT(rd.slip.conv.duplicate, 0);
	CHECK_INT(rd.slip.att.id, by_rank[1]->attestation);
	CHECK(rd.slip.att.token[0] != '\0');
	REQUIRE(desk_draw_redeem(d, &kiosk1, dr.id, by_rank[1]->entry, T0 + 130, &rd, &ev, err,
	    sizeof err) == DK_OK);
	CHECK_INT(rd.slip.kind, DS_CONVOCATION);
	CHECK_INT(rd.slip.conv.duplicate, 1);
	/* A loser without a place: the attestation. */
	REQUIRE(desk_draw_redeem(d, &kiosk1, dr.id, by_rank[4]->entry, T0 + 140, &rd, &ev, err,
	    sizeof err) == DK_OK);
	CHECK_INT(rd.slip.kind, DS_ATTESTATION);
	/* One open convocation per holder: the convoked holders walk in (today
	 * is full) and get theirs back; a new holder finds no place. */
	for (i = 0; i < 6; i++) {
		int64_t conv = 0;
		snprintf(holder, sizeof holder, "AB10000%d", i);
		in.holder = holder;
		if (!strcmp(of[i]->outcome, "ticket"))
			continue;
		REQUIRE(desk_issue(d, &kiosk1, &in, T0 + 200 + i, &slip, &ev, err, sizeof err) ==
		    DK_OK);
		if (!strcmp(of[i]->outcome, "convocation")) {
			CHECK_INT(slip.kind, DS_CONVOCATION);
			CHECK_INT(slip.conv.duplicate, 1);
			conv = slip.att.id;
			CHECK_INT(conv, of[i]->attestation);
		} else {
			CHECK_INT(slip.kind, DS_ATTESTATION);
		}
	}
	free(e);
	desk_close(d);
	store_close(st);
}

/* Priority enrolments take the service's priority reserve first. */
static void
test_priority(void)
{
	char path[512], err[300];
	struct site site;
	struct store *st;
	struct desk *d;
	struct draw_row dr, got;
	struct desk_draw_enrolled en;
	struct desk_events ev;
	struct draw_entry_row *e = NULL, *by_rank[12];
	int i, n, prio_won = 0, tickets = 0;

	fixture_site(dir, SITE, &site);
	fixture_path(path, sizeof path, dir, "priority.db");
	d = fixture_desk(path, &site, &keys, T0, &st);
	REQUIRE(desk_draw_open(d, &boss, 'C', 3, T0, &dr, err, sizeof err) == DK_OK);
	for (i = 0; i < 12; i++)
		REQUIRE(desk_draw_enrol(d, &kiosk1, dr.id, "fr", i % 4 == 0, NULL, T0 + i, &en, err,
		    sizeof err) == DK_OK);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM draw_entries WHERE priority = 1"), 3);
	REQUIRE(desk_draw_close(d, &boss, dr.id, T0 + 60, &got, &ev, err, sizeof err) == DK_OK);
	CHECK_INT(got.reserve, 2);
	n = desk_draw_get(d, dr.id, T0 + 60, &got, &e, err, sizeof err);
	REQUIRE(n == 12);
	CHECK_INT(got.reserve, 2);
	for (i = 0; i < n; i++)
		by_rank[e[i].rank - 1] = &e[i];
	/* The winners are the core's rule (draw_winners, itself tested in
	 * test_draw) over the order and the priority flags; tickets numbered
	 * in draw order. */
	{
		int prio[12], win[12];
		for (i = 0; i < n; i++)
			prio[i] = by_rank[i]->priority;
		CHECK_INT(draw_winners(prio, 12, 3, 2, win), 3);
		for (i = 0; i < n; i++) {
			CHECK_STR(by_rank[i]->outcome, win[i] ? "ticket" : "attestation");
			if (win[i]) {
				char num[16];
				snprintf(num, sizeof num, "C%03d", ++tickets % 1000);
				CHECK_STR(by_rank[i]->ticket_number, num);
				prio_won += by_rank[i]->priority;
			}
		}
	}
	CHECK_INT(tickets, 3);
	CHECK_INT(prio_won >= 2, 1);
	/* Priority winners hold priority tickets. */
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets t JOIN draw_entries e ON e.ticket_id = "
	    "t.id WHERE e.priority = 1 AND t.priority = 1"), prio_won);
	{
		char *j = published(&got, e, n);
		CHECK_INT(draw_check(j, err, sizeof err), 0);
		free(j);
	}
	free(e);
	desk_close(d);
	store_close(st);
}

/* The site file's window: `draw = 08:30-09:00` opens the service's draw
 * for today's capacity at 08:30 and closes it at 09:00, once a day; a bad
 * window is refused with its line. */
static void
test_window(void)
{
	char path[512], err[300];
	struct site site, bad;
	struct store *st;
	struct desk *d;
	struct desk_events ev;
	struct desk_draw_enrolled en;
	struct draw_row list[4], got;
	int i;

	fixture_site(dir, SITE "[service D]\nname = Titres\ncapacity = 2\npriority_reserve = 0\n"
	    "draw = 08:30-09:00\n", &site);
	CHECK_INT(site.services[3].draw_open_min, 8 * 60 + 30);
	CHECK_INT(site.services[3].draw_close_min, 9 * 60);
	/* Refused: the end before the start, not a window. */
	fixture_path(path, sizeof path, dir, "bad.ini");
	fixture_write(path, SITE "[service D]\nname = Titres\ncapacity = 2\ndraw = 09:00-08:30\n");
	CHECK_INT(site_load(path, &bad, err, sizeof err), -1);
	CHECK(strstr(err, "draw: expected") != NULL && strstr(err, "bad.ini:") != NULL);
	fixture_write(path, SITE "[service D]\nname = Titres\ncapacity = 2\ndraw = 8h30\n");
	CHECK_INT(site_load(path, &bad, err, sizeof err), -1);

	fixture_path(path, sizeof path, dir, "window.db");
	d = fixture_desk(path, &site, &keys, local(2026, 12, 4, 8, 0, 0), &st);
	/* Read back from the database: the window is kept with the site. */
	CHECK_INT(desk_site(d)->services[3].draw_close_min, 9 * 60);
	CHECK_INT(desk_draw_tick(d, local(2026, 12, 4, 8, 29, 0), &ev, err, sizeof err), 0);
	CHECK_INT(desk_draw_tick(d, local(2026, 12, 4, 8, 30, 10), &ev, err, sizeof err), 1);
	REQUIRE(desk_draws_day(d, NULL, local(2026, 12, 4, 8, 31, 0), list, 4, err, sizeof err) == 1);
	CHECK(list[0].service == 'D' && !list[0].closed && list[0].places == 2);
	CHECK_STR(list[0].opened_by, "site-file");
	for (i = 0; i < 3; i++)
		REQUIRE(desk_draw_enrol(d, &kiosk1, list[0].id, "fr", 0, NULL,
		    local(2026, 12, 4, 8, 40, i), &en, err, sizeof err) == DK_OK);
	CHECK_INT(desk_draw_tick(d, local(2026, 12, 4, 8, 45, 0), &ev, err, sizeof err), 0);
	CHECK_INT(desk_draw_tick(d, local(2026, 12, 4, 9, 0, 5), &ev, err, sizeof err), 1);
	CHECK_INT(desk_draw_get(d, list[0].id, local(2026, 12, 4, 9, 1, 0), &got, NULL, err,
	    sizeof err), 0);
	CHECK(got.closed);
	CHECK_STR(got.closed_by, "site-file");
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets WHERE service = 'D'"), 2);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'draw_result' AND "
	    "actor = 'site-file'"), 1);
	/* Once a day: no second draw that day, even back in the window. */
	CHECK_INT(desk_draw_tick(d, local(2026, 12, 4, 9, 1, 0), &ev, err, sizeof err), 0);
	CHECK_INT(desk_draw_tick(d, local(2026, 12, 4, 8, 50, 0), &ev, err, sizeof err), 0);
	/* The next day, a new one. */
	CHECK_INT(desk_draw_tick(d, local(2026, 12, 5, 8, 35, 0), &ev, err, sizeof err), 1);
	/* A manager's open draw is left alone at the window's end. */
	CHECK_INT(desk_draw_tick(d, local(2026, 12, 5, 9, 0, 0), &ev, err, sizeof err), 1);
	REQUIRE(desk_draw_open(d, &boss, 'D', 1, local(2026, 12, 6, 8, 0, 0), &got, err,
	    sizeof err) == DK_OK);
	CHECK_INT(desk_draw_tick(d, local(2026, 12, 6, 8, 35, 0), &ev, err, sizeof err), 0);
	CHECK_INT(desk_draw_tick(d, local(2026, 12, 6, 9, 5, 0), &ev, err, sizeof err), 0);
	CHECK_INT(desk_draw_get(d, got.id, local(2026, 12, 6, 9, 6, 0), &got, NULL, err,
	    sizeof err), 0);
	CHECK(!got.closed);
	desk_close(d);
	store_close(st);
}

int
main(void)
{
	REQUIRE(sodium_init() >= 0);
	fixture_tz("Europe/Paris");
	fixture_tmpdir(dir, sizeof dir, "test_draws");
	memset(&keys, 0, sizeof keys);
	crypto_sign_keypair(keys.pk, keys.sk);
	snprintf(keys.site_id, sizeof keys.site_id, "test-93");

	test_draw();
	test_holder();
	test_priority();
	test_losers();
	test_window();

	fixture_rmdir(dir);
	return TEST_REPORT();
}
