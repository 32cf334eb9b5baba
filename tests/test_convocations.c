/*
 * test_convocations: convocations for a later day (issue #13,
 * desk/convocations.c) through the desk's verbs, on real SQLite files, with
 * a fixed clock (Friday 4 December 2026, Paris):
 *
 *   - the site file's `convocations`, `convocation_days`,
 *     `convocation_window`: defaults, each bad value with FILE:LINE,
 *     written back by site_write, kept with the site in the database;
 *   - today full: a convocation (DS_CONVOCATION) for the next open day, in
 *     the first window; places filled in order across windows and days,
 *     the week-end and a closure skipped; its start and duration, its
 *     check-in code, its signed token (an attestation's: a proof of visit,
 *     chaining an earlier attestation); it is not a day's attestation in
 *     the walk-in figures;
 *   - checked in through the appointment check-in: on another day
 *     DK_NOT_TODAY with its day; on the day, a ticket of its service;
 *   - a bound holder's second request: the same convocation, duplicate;
 *     its hash under the key of the convocation's day;
 *   - a staff cancel (reason, audit, refusals) gives the place back;
 *   - no place left in the horizon: the attestation de passage;
 *   - the day's list and figures (issued, honoured, missed).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "core/queue.h"
#include "core/sign.h"
#include "core/site.h"
#include "desk/desk.h"
#include "store/store.h"
#include "fixture.h"

static char dir[256];
static struct desk_keys keys;
static const struct desk_actor kiosk1 = { "kiosk-1", 1, NULL };
static const struct desk_actor agent = { "agent-1", 0, NULL };

/* Friday 4 December 2026, 09:30 in Paris (CET). */
#define T0 utc(2026, 12, 4, 8, 30, 0)

#define SITE_HEAD \
    "[site]\nid = test-93\nname = Test site\ntimezone = Europe/Paris\n" \
    "mon = 09:00-12:00\ntue = 09:00-12:00\nwed = 09:00-12:00\nthu = 09:00-12:00\n" \
    "fri = 09:00-12:00\nsat = closed\nsun = closed\n"
static const char site_ini[] = SITE_HEAD
    "[service A]\nname = Premier titre\ncapacity = 1\npriority_reserve = 0\n"
    "convocations = 4\nconvocation_days = 7\nconvocation_window = 60\n"
    "[service B]\nname = Renouvellement\ncapacity = 0\npriority_reserve = 0\n"
    "bind_holder = yes\nconvocations = 1\nconvocation_days = 3\nconvocation_window = 30\n"
    "[service C]\nname = Retrait\ncapacity = 0\npriority_reserve = 0\n"
    "[counter 1]\nservices = A B C\n"
    "[alerts]\nburst_per_minute = 0\nholder_refusals = 0\n";

static int
issue(struct desk *d, char service, const char *holder, const char *previous, int64_t now,
    struct desk_slip *out)
{
	struct desk_issue in = { service, "fr", 0, holder, previous };
	struct desk_events ev;
	char err[300];
	int rc = desk_issue(d, &kiosk1, &in, now, out, &ev, err, sizeof err);

	if (rc != DK_OK || getenv("VERBOSE"))
		fprintf(stderr, "issue %c: %d %s\n", service, rc, err);
	return rc;
}

/* A convocation's day and window, as "YYYY-MM-DD HH:MM-HH:MM". */
static const char *
when(const struct desk_slip *s)
{
	static char buf[64];

	snprintf(buf, sizeof buf, "%s %02d:%02d-%02d:%02d", s->conv.appt.day, s->conv.from_min / 60,
	    s->conv.from_min % 60, s->conv.to_min / 60, s->conv.to_min % 60);
	return buf;
}

static struct desk *
open_site(const char *name, struct store **st, char *path, size_t len)
{
	struct site s;
	char sub[300];

	snprintf(sub, sizeof sub, "%s/%s.d", dir, name);
	REQUIRE(mkdir(sub, 0700) == 0);
	fixture_site(sub, site_ini, &s);
	fixture_path(path, len, dir, name);
	return fixture_desk(path, &s, &keys, T0 - 3600, st);
}

static void
test_site_keys(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "convocations = -1\n", ":15: convocations: expected a number of places" },
		{ "convocations = many\n", ":15: convocations: expected a number of places" },
		{ "convocation_days = 0\n", ":15: convocation_days: expected a number of days from 1" },
		{ "convocation_days = 91\n", ":15: convocation_days: expected a number of days" },
		{ "convocation_window = 4\n", ":15: convocation_window: expected minutes from 5" },
		{ "convocation_window = 721\n", ":15: convocation_window: expected minutes" },
	};
	char sub[300], path[400], err[300], text[2048];
	struct site s, back;
	struct store *st;
	struct desk *d, *d2;
	FILE *f;
	size_t i;

	snprintf(sub, sizeof sub, "%s/site.d", dir);
	REQUIRE(mkdir(sub, 0700) == 0);
	fixture_site(sub, SITE_HEAD "[service A]\nname = A\ncapacity = 1\n[counter 1]\nservices = A\n",
	    &s);
	CHECK_INT(s.services[0].convocations, 0);
	CHECK_INT(s.services[0].convocation_days, 14);
	CHECK_INT(s.services[0].convocation_window, 60);
	fixture_path(path, sizeof path, sub, "bad.ini");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		/* Line 15: the head is 11 lines, then [service A], name, capacity. */
		snprintf(text, sizeof text, SITE_HEAD "[service A]\nname = A\ncapacity = 1\n%s"
		    "[counter 1]\nservices = A\n", bad[i].text);
		fixture_write(path, text);
		CHECK(site_load(path, &s, err, sizeof err) != 0);
		if (!strstr(err, bad[i].want) || strncmp(err, path, strlen(path)) != 0)
			fprintf(stderr, "bad %zu: got \"%s\", wanted \"%s\"\n", i, err, bad[i].want);
		CHECK(strstr(err, bad[i].want) != NULL && strncmp(err, path, strlen(path)) == 0);
	}
	fixture_site(sub, site_ini, &s);
	CHECK_INT(s.services[0].convocations, 4);
	CHECK_INT(s.services[0].convocation_days, 7);
	CHECK_INT(s.services[1].convocation_window, 30);
	fixture_path(path, sizeof path, sub, "export.ini");
	REQUIRE((f = fopen(path, "w")) != NULL);
	CHECK_INT(site_write(f, &s, err, sizeof err), 0);
	fclose(f);
	CHECK_INT(site_load(path, &back, err, sizeof err), 0);
	CHECK_INT(back.services[0].convocations, 4);
	CHECK_INT(back.services[0].convocation_days, 7);
	CHECK_INT(back.services[0].convocation_window, 60);
	CHECK_INT(back.services[1].convocations, 1);
	CHECK_INT(back.services[1].convocation_days, 3);
	CHECK_INT(back.services[1].convocation_window, 30);
	CHECK_INT(back.services[2].convocations, 0);
	d = open_site("site.db", &st, path, sizeof path);
	desk_close(d);
	REQUIRE((d2 = desk_open(st, &keys, err, sizeof err)) != NULL);
	CHECK_INT(desk_site(d2)->services[0].convocations, 4);
	CHECK_INT(desk_site(d2)->services[0].convocation_days, 7);
	CHECK_INT(desk_site(d2)->services[0].convocation_window, 60);
	CHECK_INT(desk_site(d2)->services[1].convocation_window, 30);
	desk_close(d2);
	store_close(st);
}

static void
test_issue_and_checkin(void)
{
	char path[400], err[300];
	struct store *st;
	struct desk *d = open_site("issue.db", &st, path, sizeof path);
	struct desk_slip s, first, att;
	struct closure_row cl;
	struct desk_events ev;
	struct desk_checkin_out co;
	struct desk_checkin ci;
	struct appt_row row;
	struct desk_convocation list[16];
	struct convoc_fig fig[4];
	struct slip sl;
	static const char *const want[] = {
		"2026-12-07 09:00-10:00", "2026-12-07 09:00-10:00", "2026-12-07 10:00-11:00",
		"2026-12-07 10:00-11:00", "2026-12-09 09:00-10:00", "2026-12-09 09:00-10:00",
	};
	int64_t ids[6];
	int i, n;

	/* Tuesday 8 December is closed: skipped. */
	REQUIRE(desk_closure_add(d, &agent, "2026-12-08", "2026-12-08", NULL, "strike", T0, &cl,
	    &ev, err, sizeof err) == DK_OK);
	/* Today's one walk-in place. */
	CHECK_INT(issue(d, 'A', NULL, NULL, T0, &s), DK_OK);
	CHECK_INT(s.kind, DS_TICKET);
	/* Then convocations, filled in order: two per window (4 places, 3
	 * windows of 60 minutes), Monday, then Wednesday. */
	for (i = 0; i < 6; i++) {
		CHECK_INT(issue(d, 'A', NULL, NULL, T0 + 60 * (i + 1), &s), DK_OK);
		CHECK_INT(s.kind, DS_CONVOCATION);
		CHECK_STR(when(&s), want[i]);
		CHECK_INT(s.conv.duplicate, 0);
		CHECK_INT(s.conv.appt.slot, i % 4);
		CHECK_STR(s.conv.appt.source, "convocation");
		CHECK_INT((int)strlen(s.conv.appt.code), 8);
		ids[i] = s.conv.appt.id;
		if (i == 0)
			first = s;
	}
	CHECK(first.conv.appt.start == utc(2026, 12, 7, 8, 0, 0));
	CHECK_INT(first.conv.appt.duration_min, 60);
	/* Its proof of visit: an attestation "convocation" of today, signed. */
	CHECK_STR(first.att.outcome, "convocation");
	CHECK_STR(first.att.day, "2026-12-04");
	CHECK(first.att.appointment == first.conv.appt.id);
	CHECK_INT(slip_verify(first.att.token, keys.pk, "TEST-93", NULL, &sl), SLIP_VALID);
	CHECK_INT(sl.kind, SLIP_ATTESTATION);
	CHECK_INT(fixture_sql1(path, "SELECT COUNT(*) FROM attestations WHERE outcome = "
	    "'convocation'"), 6);
	/* Slips issued (the paper alert), but not attestations in the figures. */
	CHECK_INT(fixture_sql1(path, "SELECT COALESCE(SUM(attestations), 0) FROM day_counts"), 6);
	CHECK_INT(fixture_sql1(path, "SELECT COUNT(*) FROM events WHERE kind = 'attestation'"), 0);
	CHECK_INT(fixture_sql1(path, "SELECT COUNT(*) FROM events WHERE kind = 'convocation'"), 6);
	/* Chained: a second attempt with the earlier attestation. */
	CHECK_INT(issue(d, 'A', NULL, first.att.token, T0 + 600, &s), DK_OK);
	CHECK_INT(s.kind, DS_CONVOCATION);
	CHECK_INT(s.att.attempt, 2);
	CHECK_STR(when(&s), "2026-12-09 10:00-11:00");

	/* Cancel: refusals, then the place (Monday 10:00, slot 2) comes back. */
	CHECK_INT(desk_convocation_cancel(d, &kiosk1, ids[2], "moved", T0 + 700, &row, &ev, err,
	    sizeof err), DK_FORBIDDEN);
	CHECK_INT(desk_convocation_cancel(d, &agent, ids[2], "", T0 + 700, &row, &ev, err,
	    sizeof err), DK_BAD);
	CHECK_INT(desk_convocation_cancel(d, &agent, 999999, "moved", T0 + 700, &row, &ev, err,
	    sizeof err), DK_NOTFOUND);
	CHECK_INT(desk_convocation_cancel(d, &agent, ids[2], "asked to move it", T0 + 700, &row,
	    &ev, err, sizeof err), DK_OK);
	CHECK_INT(row.status, APPT_CANCELLED);
	CHECK_INT(desk_convocation_cancel(d, &agent, ids[2], "again", T0 + 710, &row, &ev, err,
	    sizeof err), DK_CONFLICT);
	CHECK_INT(fixture_sql1(path, "SELECT COUNT(*) FROM audit WHERE action = "
	    "'convocation_cancel' AND actor = 'agent-1' AND detail LIKE '%reason: asked to move it'"),
	    1);
	CHECK_INT(issue(d, 'A', NULL, NULL, T0 + 720, &s), DK_OK);
	CHECK_INT(s.kind, DS_CONVOCATION);
	CHECK_STR(when(&s), "2026-12-07 10:00-11:00");
	CHECK_INT(s.conv.appt.slot, 2);
	/* The cancelled one's code is refused at the check-in. */

	/* The wrong day: today is Friday, the convocation is for Monday. */
	memset(&ci, 0, sizeof ci);
	ci.code = first.conv.appt.code;
	CHECK_INT(desk_checkin(d, &kiosk1, &ci, T0 + 800, &co, &ev, err, sizeof err),
	    DK_NOT_TODAY);
	CHECK_STR(co.appt.day, "2026-12-07");
	/* On Monday 09:10: a ticket of its service, its appointment checked in. */
	CHECK_INT(desk_checkin(d, &kiosk1, &ci, utc(2026, 12, 7, 8, 10, 0), &co, &ev, err,
	    sizeof err), DK_OK);
	CHECK_INT(co.slip.kind, DS_TICKET);
	CHECK(co.slip.ticket.appointment == first.conv.appt.id);
	CHECK_INT(co.slip.ticket.service, 'A');
	/* A checked-in convocation cannot be cancelled. */
	CHECK_INT(desk_convocation_cancel(d, &agent, first.conv.appt.id, "too late", T0 + 900,
	    &row, &ev, err, sizeof err), DK_CONFLICT);

	/* The day's list, and the figures once Monday is over. */
	n = desk_convocations(d, "2026-12-07", T0, list, 16, err, sizeof err);
	CHECK_INT(n, 5);
	CHECK_INT(list[0].appt.slot, 0);
	CHECK_INT(list[0].from_min, 9 * 60);
	CHECK_INT(list[0].to_min, 10 * 60);
	CHECK_INT(desk_convocations(d, "monday", T0, list, 16, err, sizeof err), DK_BAD);
	n = desk_convoc_figures(d, "2026-12-07", utc(2026, 12, 8, 9, 0, 0), fig, 4, err,
	    sizeof err);
	CHECK_INT(n, 3);
	CHECK_INT(fig[0].service, 'A');
	CHECK_INT(fig[0].for_day, 5);
	CHECK_INT(fig[0].cancelled, 1);
	CHECK_INT(fig[0].honoured, 1);
	CHECK_INT(fig[0].missed, 3);
	n = desk_convoc_figures(d, "2026-12-04", T0, fig, 4, err, sizeof err);
	CHECK_INT(fig[0].issued, 8);
	CHECK_INT(fig[0].missed, 0);
	/* The walk-in figures do not count them as turned away. */
	(void)att;
	desk_close(d);
	store_close(st);
}

static void
test_holder_and_pool(void)
{
	char path[400], err[300];
	struct store *st;
	struct desk *d = open_site("holder.db", &st, path, sizeof path);
	struct desk_slip s, again, other;
	struct desk_checkin_out co;
	struct desk_checkin ci;
	struct desk_events ev;
	struct appt_row row;

	/* B: no walk-in place, one convocation a day, a 3-day horizon (Friday
	 * to Monday: only Monday is open). */
	CHECK_INT(issue(d, 'B', "AB123456", NULL, T0, &s), DK_OK);
	CHECK_INT(s.kind, DS_CONVOCATION);
	CHECK_STR(when(&s), "2026-12-07 09:00-09:30");
	CHECK_INT(s.conv.appt.bound, 1);
	/* The hash is under Monday's key, which now exists. */
	CHECK_INT(fixture_sql1(path, "SELECT COUNT(*) FROM day_keys WHERE day = '2026-12-07'"), 1);
	CHECK_INT(fixture_sql1(path, "SELECT COUNT(*) FROM appointments WHERE holder_hash IS NOT "
	    "NULL AND day = '2026-12-07'"), 1);
	/* The same holder again: the same convocation. */
	CHECK_INT(issue(d, 'B', "ab 123456", NULL, T0 + 60, &again), DK_OK);
	CHECK_INT(again.kind, DS_CONVOCATION);
	CHECK_INT(again.conv.duplicate, 1);
	CHECK(again.conv.appt.id == s.conv.appt.id);
	CHECK(again.att.id == s.att.id);
	CHECK_STR(again.att.token, s.att.token);
	CHECK_STR(when(&again), "2026-12-07 09:00-09:30");
	/* Another holder: no place left in the horizon, an attestation. */
	CHECK_INT(issue(d, 'B', "CD654321", NULL, T0 + 120, &other), DK_OK);
	CHECK_INT(other.kind, DS_ATTESTATION);
	CHECK_STR(other.att.outcome, "full");
	/* C keeps no convocations: an attestation at once. */
	CHECK_INT(issue(d, 'C', NULL, NULL, T0 + 130, &other), DK_OK);
	CHECK_INT(other.kind, DS_ATTESTATION);
	/* Check-in on Monday needs the holder's number. */
	memset(&ci, 0, sizeof ci);
	ci.code = s.conv.appt.code;
	CHECK_INT(desk_checkin(d, &kiosk1, &ci, utc(2026, 12, 7, 8, 5, 0), &co, &ev, err,
	    sizeof err), DK_HOLDER_REQUIRED);
	ci.holder = "CD654321";
	CHECK_INT(desk_checkin(d, &kiosk1, &ci, utc(2026, 12, 7, 8, 5, 0), &co, &ev, err,
	    sizeof err), DK_HOLDER_MISMATCH);
	ci.holder = "AB123456";
	CHECK_INT(desk_checkin(d, &kiosk1, &ci, utc(2026, 12, 7, 8, 5, 0), &co, &ev, err,
	    sizeof err), DK_OK);
	CHECK_INT(co.slip.kind, DS_TICKET);
	/* Once checked in it is no longer open: a new request (on another
	 * Friday, its Monday full) is not given it back. */
	/* A cancel frees Monday again for the other holder. */
	CHECK_INT(desk_convocation_cancel(d, &agent, s.conv.appt.id, "checked", T0 + 200, &row,
	    &ev, err, sizeof err), DK_CONFLICT);
	desk_close(d);
	store_close(st);
}

static void
test_cancel_gives_back(void)
{
	char path[400], err[300];
	struct store *st;
	struct desk *d = open_site("cancel.db", &st, path, sizeof path);
	struct desk_slip s, other;
	struct desk_events ev;
	struct appt_row row;

	CHECK_INT(issue(d, 'B', "AB123456", NULL, T0, &s), DK_OK);
	CHECK_INT(s.kind, DS_CONVOCATION);
	CHECK_INT(issue(d, 'B', "CD654321", NULL, T0 + 60, &other), DK_OK);
	CHECK_INT(other.kind, DS_ATTESTATION);
	CHECK_INT(desk_convocation_cancel(d, &agent, s.conv.appt.id, "duplicate file", T0 + 120,
	    &row, &ev, err, sizeof err), DK_OK);
	CHECK_INT(issue(d, 'B', "CD654321", NULL, T0 + 180, &other), DK_OK);
	CHECK_INT(other.kind, DS_CONVOCATION);
	CHECK_STR(when(&other), "2026-12-07 09:00-09:30");
	CHECK(other.conv.appt.id != s.conv.appt.id);
	/* The first holder's is cancelled: a new request is not a duplicate of
	 * it, and Monday is full again: an attestation. */
	CHECK_INT(issue(d, 'B', "AB123456", NULL, T0 + 240, &s), DK_OK);
	CHECK_INT(s.kind, DS_ATTESTATION);
	desk_close(d);
	store_close(st);
}

int
main(void)
{
	REQUIRE(sodium_init() >= 0);
	fixture_tz("Europe/Paris");
	fixture_tmpdir(dir, sizeof dir, "test_convocations");
	memset(&keys, 0, sizeof keys);
	crypto_sign_keypair(keys.pk, keys.sk);
	snprintf(keys.site_id, sizeof keys.site_id, "test-93");

	test_site_keys();
	test_issue_and_checkin();
	test_holder_and_pool();
	test_cancel_gives_back();

	fixture_rmdir(dir);
	return TEST_REPORT();
}
