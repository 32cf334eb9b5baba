/*
 * test_appt_calls: appointment tickets at the counter (issue #12, phase 2),
 * through the desk's verbs and the API (api_handle) on real SQLite files:
 *
 *   - the site file's [appointments] appointment_streak: its default (3),
 *     each bad value refused with FILE:LINE, written back by site_write,
 *     kept in the database with the site, and 3 for a site row stored
 *     before db/014;
 *   - the calling order through desk_call_next: appointments running late,
 *     priority and ordinary walk-ins waiting, the exact sequence of calls
 *     (an appointment whose start has come first, earliest start first;
 *     one walk-in after `appointment_streak` appointments in a row; the
 *     priority streak kept across the appointment calls); an appointment
 *     checked in before its time waits as a walk-in, by issue time, until
 *     its start (then it goes first), and is called as a walk-in when its
 *     turn comes before that; the streaks as stored;
 *   - the call event and the board's calls: kind "appointment" with the
 *     appointment's start, "ticket" for a walk-in;
 *   - the check-in by hand (desk_checkin_staff): a reason required, not
 *     for a kiosk, unknown id, another day's, cancelled, outside the window
 *     (early and late: the appointment's own ticket all the same), a bound
 *     appointment (its ticket bound to the booked hash), a second time (the
 *     same ticket), a closed service; each check-in audited with who, the
 *     state before, the ticket after and the reason, never the code;
 *   - POST /api/v1/appointments/{id}/checkin: roles (none 401, a kiosk 403,
 *     an agent and a manager 201), the reason, an id with a '/', unknown id
 *     404, another day's 409 not_today, cancelled 409, a second time 200
 *     duplicate, a replay with the same Idempotency-Key, GET 405.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>
#include <sodium.h>

#include "core/appt.h"
#include "core/bus.h"
#include "core/queue.h"
#include "core/site.h"
#include "desk/desk.h"
#include "http/api.h"
#include "store/store.h"
#include "fixture.h"

static char dir[256];
static struct desk_keys keys;
static const struct desk_actor kiosk1 = { "kiosk-1", 1, NULL };
static const struct desk_actor hook = { "webhook", 0, NULL };
static const struct desk_actor agent = { "marie", 0, NULL };

/* Friday 4 December 2026, 09:00 in Paris (CET). */
#define T0 utc(2026, 12, 4, 8, 0, 0)
#define MIN 60
/* Local 4 December 2026 at hh:mm. */
#define AT(h, m) (T0 + ((h) - 9) * 3600 + (m) * MIN)

#define SITE_HEAD \
    "[site]\nid = test-93\nname = Test site\ntimezone = Europe/Paris\n" \
    "mon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\nthu = 00:00-24:00\n" \
    "fri = 00:00-24:00\nsat = 00:00-24:00\nsun = 00:00-24:00\npriority_streak = 1\n"
#define SERVICES \
    "[service A]\nname = Premier titre\ncapacity = 100\npriority_reserve = 0\n" \
    "appointments = 20\n" \
    "[service B]\nname = Renouvellement\ncapacity = 100\npriority_reserve = 0\n" \
    "bind_holder = yes\nappointments = 5\n" \
    "[service C]\nname = Retrait\ncapacity = 10\npriority_reserve = 0\nappointments = 5\n" \
    "[counter 1]\nservices = A\n[counter 2]\nservices = B C\n"

static const char calls_ini[] = SITE_HEAD SERVICES "[appointments]\nappointment_streak = 2\n";

/* -- helpers ------------------------------------------------------------------------- */

static struct appt_in
appt(const char *id, char service, int64_t start, const char *code, const char *holder)
{
	struct appt_in a;

	memset(&a, 0, sizeof a);
	snprintf(a.id, sizeof a.id, "%s", id);
	a.service = service;
	a.start = start;
	a.duration_min = 20;
	snprintf(a.code, sizeof a.code, "%s", code);
	snprintf(a.holder, sizeof a.holder, "%s", holder ? holder : "");
	a.status = APPT_BOOKED;
	return a;
}

static struct desk *
open_site(const char *name, const char *ini, struct store **st, char *path, size_t len)
{
	struct site s;
	char sub[300];

	snprintf(sub, sizeof sub, "%s/%s.d", dir, name);
	REQUIRE(mkdir(sub, 0700) == 0);
	fixture_site(sub, ini, &s);
	fixture_path(path, len, dir, name);
	return fixture_desk(path, &s, &keys, AT(7, 0), st);
}

static void
put(struct desk *d, struct appt_in a)
{
	char err[300];

	if (desk_appt_put(d, &hook, "webhook", &a, 1, AT(7, 0), NULL, NULL, NULL, err,
	    sizeof err) != DK_OK) {
		fprintf(stderr, "put %s: %s\n", a.id, err);
		REQUIRE(0);
	}
}

/* A kiosk's check-in in the window: the new ticket's number into number. */
static void
checkin(struct desk *d, const char *code, int64_t now, char number[12])
{
	struct desk_checkin in = { code, NULL, NULL, NULL };
	struct desk_checkin_out out;
	struct desk_events ev;
	char err[300];

	if (desk_checkin(d, &kiosk1, &in, now, &out, &ev, err, sizeof err) != DK_OK ||
	    out.slip.kind != DS_TICKET || out.slip.ticket.appointment == 0) {
		fprintf(stderr, "checkin %s: %s\n", code, err);
		REQUIRE(0);
	}
	snprintf(number, 12, "%s", out.slip.ticket.number);
}

static void
walkin(struct desk *d, char service, int priority, int64_t now, char number[12])
{
	struct desk_issue in = { service, "fr", priority, NULL, NULL };
	struct desk_slip slip;
	struct desk_events ev;
	char err[300];

	if (desk_issue(d, &kiosk1, &in, now, &slip, &ev, err, sizeof err) != DK_OK ||
	    slip.kind != DS_TICKET) {
		fprintf(stderr, "issue %c: %s\n", service, err);
		REQUIRE(0);
	}
	snprintf(number, 12, "%s", slip.ticket.number);
}

/* Call next at counter 1: the number called ("" when nobody waits); its
 * call event's kind into *appt_start (0: a walk-in's). */
static void
call(struct desk *d, int counter, int64_t now, char number[12], int64_t *appt_start)
{
	struct counter_view cv;
	struct desk_events ev;
	char err[300];
	int rc = desk_call_next(d, &agent, counter, DESK_ANY_CURRENT, now, &cv, &ev, err, sizeof err);
	int i, calls = 0;

	number[0] = '\0';
	if (appt_start)
		*appt_start = -1;
	if (rc == DK_EMPTY)
		return;
	CHECK_INT(rc, DK_OK);
	if (rc != DK_OK)
		return;
	snprintf(number, 12, "%s", cv.ticket.number);
	for (i = 0; i < ev.n; i++) {
		if (ev.ev[i].kind != DE_CALL)
			continue;
		calls++;
		CHECK_STR(ev.ev[i].call.number, cv.ticket.number);
		if (appt_start)
			*appt_start = ev.ev[i].call.appt_start;
	}
	CHECK_INT(calls, 1);
}

static long long
sql1(const char *path, const char *sql)
{
	return fixture_sql1(path, sql);
}

/* -- the site key ---------------------------------------------------------------------- */

static void
test_site_key(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "[appointments]\nappointment_streak = 0\n", ":2: appointment_streak: expected a "
		    "number from 1 to 20" },
		{ "[appointments]\n\nappointment_streak = 21\n", ":3: appointment_streak: expected" },
		{ "[appointments]\nappointment_streak = many\n", ":2: appointment_streak: expected" },
		{ "[appointments]\nappointment_streak =\n", ":2: appointment_streak: expected" },
	};
	char sub[300], path[400], err[300];
	struct site s, back;
	struct store *st;
	struct desk *d;
	sqlite3 *db;
	FILE *f;
	size_t i;

	snprintf(sub, sizeof sub, "%s/site.d", dir);
	REQUIRE(mkdir(sub, 0700) == 0);
	fixture_site(sub, SITE_HEAD SERVICES, &s);
	CHECK_INT(s.appt.appointment_streak, 3);
	fixture_path(path, sizeof path, sub, "bad.ini");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		fixture_write(path, bad[i].text);
		CHECK(site_load(path, &s, err, sizeof err) != 0);
		if (!strstr(err, bad[i].want) || strncmp(err, path, strlen(path)) != 0)
			fprintf(stderr, "bad %zu: got \"%s\", wanted \"%s\"\n", i, err, bad[i].want);
		CHECK(strstr(err, bad[i].want) != NULL && strncmp(err, path, strlen(path)) == 0);
	}
	/* Set, written back, read back the same. */
	fixture_site(sub, SITE_HEAD SERVICES "[appointments]\nappointment_streak = 5\n", &s);
	CHECK_INT(s.appt.appointment_streak, 5);
	fixture_path(path, sizeof path, sub, "export.ini");
	REQUIRE((f = fopen(path, "w")) != NULL);
	CHECK_INT(site_write(f, &s, err, sizeof err), 0);
	fclose(f);
	CHECK_INT(site_load(path, &back, err, sizeof err), 0);
	CHECK_INT(back.appt.appointment_streak, 5);
	CHECK(memcmp(&s.appt, &back.appt, sizeof s.appt) == 0);
	/* Kept with the site: a new desk on the file reads it back. */
	d = open_site("site.db", SITE_HEAD SERVICES "[appointments]\nappointment_streak = 5\n", &st,
	    path, sizeof path);
	desk_close(d);
	store_close(st);
	REQUIRE((st = store_open(path, err, sizeof err)) != NULL);
	REQUIRE((d = desk_open(st, &keys, err, sizeof err)) != NULL);
	CHECK_INT(desk_site(d)->appt.appointment_streak, 5);
	CHECK_INT(desk_site(d)->appt.checkin_before, 30);
	desk_close(d);
	store_close(st);
	/* A site row stored before db/014 (no streak in it): 3. */
	REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
	REQUIRE(sqlite3_exec(db, "UPDATE site SET appointments = '20 10 attestation'", NULL, NULL,
	    NULL) == SQLITE_OK);
	sqlite3_close(db);
	REQUIRE((st = store_open(path, err, sizeof err)) != NULL);
	REQUIRE((d = desk_open(st, &keys, err, sizeof err)) != NULL);
	CHECK_INT(desk_site(d)->appt.appointment_streak, 3);
	CHECK_INT(desk_site(d)->appt.checkin_before, 20);
	CHECK_INT(desk_site(d)->appt.late, SITE_LATE_ATTESTATION);
	desk_close(d);
	store_close(st);
}

/* -- the calling order ----------------------------------------------------------------- */

static void
test_order(void)
{
	char path[400], r1[12], r2[12], r3[12], r4[12], r5[12], r6[12], w1[12], w2[12], w3[12],
	    w4[12], w5[12], w6[12], p1[12], p2[12], got[12];
	struct store *st;
	struct desk *d = open_site("order.db", calls_ini, &st, path, sizeof path);
	int64_t start;
	size_t i;

	put(d, appt("r1", 'A', AT(9, 0), "RDV001", NULL));
	put(d, appt("r2", 'A', AT(9, 10), "RDV002", NULL));
	put(d, appt("r3", 'A', AT(9, 20), "RDV003", NULL));
	put(d, appt("r4", 'A', AT(9, 30), "RDV004", NULL));
	put(d, appt("r5", 'A', AT(10, 0), "RDV005", NULL));
	put(d, appt("r6", 'A', AT(11, 0), "RDV006", NULL));
	/* The morning, by issue time: r2 checks in before r1 (both in their
	 * window), walk-ins arrive between; r5 checks in 25 minutes early. */
	checkin(d, "RDV002", AT(8, 45), r2);
	walkin(d, 'A', 0, AT(8, 48), w1);
	checkin(d, "RDV001", AT(8, 50), r1);
	walkin(d, 'A', 1, AT(8, 52), p1);
	walkin(d, 'A', 0, AT(8, 55), w2);
	checkin(d, "RDV003", AT(9, 0), r3);
	walkin(d, 'A', 0, AT(9, 1), w3);
	walkin(d, 'A', 0, AT(9, 5), w4);
	checkin(d, "RDV004", AT(9, 10), r4);
	walkin(d, 'A', 0, AT(9, 20), w5);
	walkin(d, 'A', 1, AT(9, 25), p2);
	checkin(d, "RDV005", AT(9, 35), r5);
	CHECK_STR(r2, "A001");
	CHECK_STR(r5, "A012");

	/*
	 * From 09:40 the counter calls; the appointments are running late (r1
	 * was due at 09:00). appointment_streak 2, priority_streak 1:
	 *   r1 r2            due appointments, earliest start first (not r2,
	 *                    checked in first)
	 *   p1               2 appointments in a row: a walk-in, priority first
	 *   r3 r4            appointments again
	 *   w1               a walk-in; not p2: the priority streak (1) was kept
	 *                    across the appointments
	 *   p2 w2 w3         no appointment due: walk-ins by their own rule
	 *   w4 (09:59)       r5 waits as a walk-in until 10:00, behind w4 and w5
	 *   r5 (10:00)       its start has come: first, ahead of w5
	 *   w5
	 */
	{
		const struct { int64_t at; const char *want; int appt; } seq[] = {
			{ AT(9, 40), r1, 1 }, { AT(9, 41), r2, 1 }, { AT(9, 42), p1, 0 },
			{ AT(9, 43), r3, 1 }, { AT(9, 44), r4, 1 }, { AT(9, 45), w1, 0 },
			{ AT(9, 46), p2, 0 }, { AT(9, 47), w2, 0 }, { AT(9, 48), w3, 0 },
			{ AT(9, 59), w4, 0 }, { AT(10, 0), r5, 1 }, { AT(10, 1), w5, 0 },
		};
		for (i = 0; i < sizeof seq / sizeof seq[0]; i++) {
			call(d, 1, seq[i].at, got, &start);
			if (strcmp(got, seq[i].want) != 0)
				fprintf(stderr, "call %zu: got %s, wanted %s\n", i + 1, got, seq[i].want);
			CHECK_STR(got, seq[i].want);
			/* The call event says which tickets are appointments'. */
			CHECK_INT(start != 0, seq[i].appt);
			if (i == 0)
				CHECK_INT(start, AT(9, 0));
			if (i == 6)
				/* After w1 the streaks are 0 (priority) and 0 (appointments):
				 * the store keeps both, per day and service. */
				CHECK_INT(sql1(path, "SELECT streak * 10 + appt_streak FROM streaks WHERE "
				    "service = 'A'"), 10);
			if (i == 4)
				CHECK_INT(sql1(path, "SELECT streak * 10 + appt_streak FROM streaks WHERE "
				    "service = 'A'"), 12);
		}
	}
	call(d, 1, AT(10, 2), got, NULL);
	CHECK_STR(got, "");
	/* r6 checks in 25 minutes early; nobody else waits: it is called as a
	 * walk-in (its turn by issue time), before its time, and ahead of a
	 * walk-in who came after it. */
	checkin(d, "RDV006", AT(10, 35), r6);
	walkin(d, 'A', 0, AT(10, 36), w6);
	call(d, 1, AT(10, 40), got, &start);
	CHECK_STR(got, r6);
	CHECK_INT(start, AT(11, 0));
	CHECK_INT(sql1(path, "SELECT appt_streak FROM streaks WHERE service = 'A'"), 0);
	call(d, 1, AT(10, 41), got, NULL);
	CHECK_STR(got, w6);
	/* Another service, another streak. */
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM streaks"), 1);
	desk_close(d);
	store_close(st);
}

/* Appointments only: no walk-in waits, so they go one after another by
 * start, whatever the streak; a walk-in arriving then gets the next call
 * once the streak is used up. */
static void
test_no_walkins(void)
{
	char path[400], r[4][12], w[12], got[12];
	struct store *st;
	struct desk *d = open_site("nowalk.db", calls_ini, &st, path, sizeof path);
	int i;

	put(d, appt("n1", 'C', AT(9, 0), "NWK001", NULL));
	put(d, appt("n2", 'C', AT(9, 5), "NWK002", NULL));
	put(d, appt("n3", 'C', AT(9, 10), "NWK003", NULL));
	put(d, appt("n4", 'C', AT(9, 15), "NWK004", NULL));
	checkin(d, "NWK004", AT(9, 0), r[3]);
	checkin(d, "NWK003", AT(9, 1), r[2]);
	checkin(d, "NWK002", AT(9, 2), r[1]);
	checkin(d, "NWK001", AT(9, 3), r[0]);
	call(d, 2, AT(9, 20), got, NULL);
	CHECK_STR(got, r[0]);
	call(d, 2, AT(9, 21), got, NULL);
	CHECK_STR(got, r[1]);
	call(d, 2, AT(9, 22), got, NULL);
	CHECK_STR(got, r[2]);
	CHECK_INT(sql1(path, "SELECT appt_streak FROM streaks WHERE service = 'C'"), 3);
	walkin(d, 'C', 0, AT(9, 23), w);
	call(d, 2, AT(9, 24), got, NULL);
	CHECK_STR(got, w);
	call(d, 2, AT(9, 25), got, NULL);
	CHECK_STR(got, r[3]);
	for (i = 0; i < 2; i++) {
		call(d, 2, AT(9, 26 + i), got, NULL);
		CHECK_STR(got, "");
	}
	desk_close(d);
	store_close(st);
}

/* The place an appointment's ticket is told: the appointments before it
 * in its lane, not the walk-ins (they come after once its time has come),
 * and a wait of at least the time left to its start. */
static void
place_of(struct desk *d, const char *code, int64_t now, struct ticket *t)
{
	struct desk_checkin in = { code, NULL, NULL, NULL };
	struct desk_checkin_out out;
	struct desk_events ev;
	char err[300];

	CHECK_INT(desk_checkin(d, &kiosk1, &in, now, &out, &ev, err, sizeof err), DK_OK);
	*t = out.slip.ticket;
}

static void
test_place(void)
{
	char path[400], w[12];
	struct store *st;
	struct desk *d = open_site("place.db", calls_ini, &st, path, sizeof path);
	struct ticket t1, t2, again;
	char err[300];
	int i;

	put(d, appt("p1", 'C', AT(9, 0), "PLC001", NULL));
	put(d, appt("p2", 'C', AT(9, 20), "PLC002", NULL));
	for (i = 0; i < 5; i++)
		walkin(d, 'C', 0, AT(8, 40 + i), w);
	/* p2 checks in first, 25 minutes early: first of its lane, but not
	 * called before its start */
	place_of(d, "PLC002", AT(8, 55), &t2);
	CHECK_INT(t2.position, 1);
	CHECK(t2.estimated_wait_s >= 25 * 60);
	/* p1, due sooner, goes before p2 whatever the walk-ins */
	place_of(d, "PLC001", AT(8, 56), &t1);
	CHECK_INT(t1.position, 1);
	CHECK(t1.estimated_wait_s >= 4 * 60 && t1.estimated_wait_s < 25 * 60);
	CHECK_INT(desk_ticket(d, t2.id, AT(8, 57), &again, err, sizeof err), DK_OK);
	CHECK_INT(again.position, 2);
	CHECK(again.estimated_wait_s >= 23 * 60);
	/* a walk-in's place is unchanged by the appointments (its lane) */
	CHECK_INT(desk_ticket(d, t1.id - 2, AT(8, 57), &again, err, sizeof err), DK_OK);
	CHECK_INT(again.appointment, 0);
	CHECK_INT(again.position, 5);
	desk_close(d);
	store_close(st);
}

/* -- by hand ------------------------------------------------------------------------------ */

static int
by_hand(struct desk *d, const struct desk_actor *who, const char *id, const char *reason,
    int64_t now, struct desk_checkin_out *out)
{
	struct desk_events ev;
	char err[300] = "";
	int rc = desk_checkin_staff(d, who, id, reason, now, out, &ev, err, sizeof err);

	if (rc != DK_OK)
		CHECK(err[0] != '\0');
	if (getenv("VERBOSE"))
		fprintf(stderr, "by hand %s: %d %s\n", id ? id : "(null)", rc, err);
	return rc;
}

static void
test_by_hand(void)
{
	char path[400], err[300];
	struct store *st;
	struct desk *d = open_site("hand.db", calls_ini, &st, path, sizeof path);
	struct desk_checkin_out out;
	struct appt_in gone = appt("h-gone", 'A', AT(10, 0), "HGONE1", NULL);
	long long audits;

	put(d, appt("h-early", 'A', AT(12, 0), "HEARL1", NULL));
	put(d, appt("h-late", 'A', AT(8, 0), "HLATE1", NULL));
	put(d, appt("h-tomorrow", 'A', AT(10, 0) + 86400, "HTMRW1", NULL));
	put(d, appt("h/bound", 'B', AT(9, 30), "HBND01", "X1234567"));
	put(d, appt("h-shut", 'C', AT(9, 30), "HSHUT1", NULL));
	gone.status = APPT_CANCELLED;
	put(d, gone);
	audits = sql1(path, "SELECT COUNT(*) FROM audit");

	/* A reason, from staff. */
	CHECK_INT(by_hand(d, &agent, "h-early", NULL, AT(9, 0), &out), DK_BAD);
	CHECK_INT(by_hand(d, &agent, "h-early", "ok", AT(9, 0), &out), DK_BAD);
	CHECK_INT(by_hand(d, &agent, "", "oubli du code", AT(9, 0), &out), DK_BAD);
	CHECK_INT(by_hand(d, &kiosk1, "h-early", "oubli du code", AT(9, 0), &out), DK_FORBIDDEN);
	/* Unknown, another day's, cancelled: refused, nothing written. */
	CHECK_INT(by_hand(d, &agent, "h-none", "oubli du code", AT(9, 0), &out), DK_NOTFOUND);
	CHECK_INT(by_hand(d, &agent, "h-tomorrow", "oubli du code", AT(9, 0), &out), DK_NOT_TODAY);
	CHECK_STR(out.appt.day, "2026-12-05");
	CHECK_INT(by_hand(d, &agent, "h-gone", "oubli du code", AT(9, 0), &out), DK_CANCELLED);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets"), 0);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit"), audits);
	/* Not logged as guesses: an agent picks from the list. */
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM events WHERE kind = 'checkin_refused'"), 0);

	/* Three hours early, outside the window: the agent decides. */
	CHECK_INT(by_hand(d, &agent, "h-early", "rendez-vous avancé par le chef de service",
	    AT(9, 0), &out), DK_OK);
	CHECK_INT(out.slip.kind, DS_TICKET);
	CHECK_STR(out.slip.ticket.number, "A001");
	CHECK_STR(out.slip.ticket.appt_id, "h-early");
	CHECK_INT(out.slip.ticket.appt_start, AT(12, 0));
	CHECK_STR(out.slip.ticket.device, "DESK");
	CHECK_INT(sql1(path, "SELECT checked_in_at FROM appointments WHERE ext_id = 'h-early'"),
	    AT(9, 0));
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'appointment_checkin' AND "
	    "actor = 'marie' AND detail LIKE 'appointment h-early: before not_yet (A "
	    "2026-12-04T12:00:00+01:00 20 min booked); after arrived, ticket A001; checked in by "
	    "hand, reason: rendez-vous avancé par le chef de service'"), 1);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE detail LIKE '%HEARL1%'"), 0);
	CHECK_INT(sql1(path, "SELECT appointments FROM day_counts WHERE service = 'A'"), 1);
	/* An hour after its start, past the window (15 min) and a no-show by
	 * then: its own ticket all the same, not a walk-in's. */
	CHECK_INT(by_hand(d, &agent, "h-late", "retard du train, justificatif vu", AT(9, 0), &out),
	    DK_OK);
	CHECK_INT(out.slip.kind, DS_TICKET);
	CHECK(out.slip.ticket.appointment != 0);
	CHECK_INT(out.late, 0);
	CHECK_INT(sql1(path, "SELECT ordinary * 10 + appointments FROM day_counts WHERE "
	    "service = 'A'"), 2);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'appointment_checkin' AND "
	    "detail LIKE 'appointment h-late: before no_show %'"), 1);
	/* A second time: the same ticket. */
	CHECK_INT(by_hand(d, &agent, "h-late", "double clic", AT(9, 1), &out), DK_OK);
	CHECK_INT(out.slip.kind, DS_DUPLICATE);
	CHECK_STR(out.slip.ticket.number, "A002");
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets"), 2);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'appointment_checkin'"), 2);
	/* Bound: no number typed; the ticket carries the booked holder's hash. */
	CHECK_INT(by_hand(d, &agent, "h/bound", "code illisible, pièce d'identité vérifiée",
	    AT(9, 0), &out), DK_OK);
	CHECK_STR(out.slip.ticket.number, "B001");
	CHECK_INT(sql1(path, "SELECT t.holder_hash = a.holder_hash AND length(t.holder_hash) = 32 "
	    "FROM tickets t JOIN appointments a ON a.ticket_id = t.id WHERE a.ext_id = 'h/bound'"),
	    1);
	/* A service closed today by the manager: refused. */
	{
		struct service_day sd = { 0, 0, 0 };
		struct desk_actor mgr = { "sofia", 0, NULL };
		struct desk_events ev;
		CHECK_INT(desk_service_today(d, &mgr, 'C', &sd, "grève", AT(9, 0), &ev, err,
		    sizeof err), DK_OK);
		CHECK_INT(by_hand(d, &agent, "h-shut", "oubli du code", AT(9, 0), &out), DK_CLOSED);
		CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets WHERE service = 'C'"), 0);
	}
	/* The list says who arrived. */
	{
		struct appt_view *v = NULL;
		int n = desk_appointments(d, "2026-12-04", AT(9, 2), &v, err, sizeof err), i, arrived = 0;
		CHECK_INT(n, 5);
		for (i = 0; i < n; i++)
			arrived += v[i].state == AS_ARRIVED;
		CHECK_INT(arrived, 3);
		free(v);
	}
	desk_close(d);
	store_close(st);
}

/* -- through the API ------------------------------------------------------------------------ */

static struct api *api;

static int
req(const char *method, const char *path, const char *auth, const char *body, const char *idem,
    int64_t now, char **out)
{
	struct api_req q;
	struct api_resp r;

	memset(&q, 0, sizeof q);
	q.method = method;
	q.path = path;
	q.body = body;
	q.body_len = body ? strlen(body) : 0;
	q.content_type = body ? "application/json" : NULL;
	q.authorization = auth;
	q.idem_key = idem;
	q.client = "10.0.0.9";
	q.now = now;
	api_handle(api, &q, &r);
	if (out)
		*out = r.body;
	else
		free(r.body);
	return r.status;
}

/* The string at j's dotted key ("appointment.start"), or "". */
static const char *
jstr(const cJSON *j, const char *k1, const char *k2)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k1);

	if (k2)
		v = cJSON_GetObjectItemCaseSensitive(v, k2);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static void
test_api(void)
{
	struct desk_actor who = { "test", 0, NULL };
	char path[400], err[300], dk[80], tok[2][80], auth[3][100], *out = NULL;
	struct store *st;
	struct bus *bus;
	struct desk *d = open_site("api.db", calls_ini, &st, path, sizeof path);
	struct appt_in gone = appt("a-gone", 'A', AT(10, 0), "AGONE1", NULL);
	const char *reason = "{\"reason\":\"confirmation perdue\"}";
	char w[12], got[12];
	cJSON *j, *calls;

	REQUIRE(desk_device_add(d, &who, "kiosk-1", AT(7, 0), dk, err, sizeof err) == DK_OK);
	REQUIRE(desk_user_add(d, &who, "marie", "agent", "secret-marie", AT(7, 0), err,
	    sizeof err) == 0);
	REQUIRE(desk_user_add(d, &who, "sofia", "manager", "secret-sofia", AT(7, 0), err,
	    sizeof err) == 0);
	REQUIRE(desk_token_new(d, &who, "marie", AT(7, 0), tok[0], err, sizeof err) == 0);
	REQUIRE(desk_token_new(d, &who, "sofia", AT(7, 0), tok[1], err, sizeof err) == 0);
	snprintf(auth[0], sizeof auth[0], "Bearer %s", tok[0]);
	snprintf(auth[1], sizeof auth[1], "Bearer %s", tok[1]);
	snprintf(auth[2], sizeof auth[2], "Bearer %s", dk);
	REQUIRE((bus = bus_new(1000)) != NULL);
	REQUIRE((api = api_new(d, bus)) != NULL);
	put(d, appt("a-1", 'A', AT(9, 0), "AAPI01", NULL));
	put(d, appt("a/2", 'A', AT(9, 10), "AAPI02", NULL));
	put(d, appt("a-3", 'A', AT(9, 20), "AAPI03", NULL));
	put(d, appt("a-tomorrow", 'A', AT(9, 0) + 86400, "AAPI04", NULL));
	gone.status = APPT_CANCELLED;
	put(d, gone);

	/* Roles: nobody, a kiosk: refused, nothing written. */
	CHECK_INT(req("POST", "/api/v1/appointments/a-1/checkin", NULL, reason, NULL, AT(9, 0),
	    NULL), 401);
	CHECK_INT(req("POST", "/api/v1/appointments/a-1/checkin", auth[2], reason, NULL, AT(9, 0),
	    NULL), 403);
	/* A reason. */
	CHECK_INT(req("POST", "/api/v1/appointments/a-1/checkin", auth[0], "{}", NULL, AT(9, 0),
	    &out), 400);
	CHECK(out && strstr(out, "'reason' is required"));
	free(out);
	CHECK_INT(req("POST", "/api/v1/appointments/a-1/checkin", auth[0], "{\"reason\":7}", NULL,
	    AT(9, 0), NULL), 400);
	CHECK_INT(req("GET", "/api/v1/appointments/a-1/checkin", auth[0], NULL, NULL, AT(9, 0),
	    NULL), 405);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets"), 0);
	/* Unknown id, another day's, cancelled. */
	CHECK_INT(req("POST", "/api/v1/appointments/nope/checkin", auth[0], reason, NULL, AT(9, 0),
	    &out), 404);
	CHECK(out && strstr(out, "\"not_found\"") && strstr(out, "no appointment 'nope'"));
	free(out);
	CHECK_INT(req("POST", "/api/v1/appointments/a-tomorrow/checkin", auth[0], reason, NULL,
	    AT(9, 0), &out), 409);
	CHECK(out && strstr(out, "\"not_today\"") && strstr(out, "\"date\":\"2026-12-05\""));
	free(out);
	CHECK_INT(req("POST", "/api/v1/appointments/a-gone/checkin", auth[0], reason, NULL,
	    AT(9, 0), &out), 409);
	CHECK(out && strstr(out, "\"cancelled\""));
	free(out);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets"), 0);

	/* An agent: the appointment's ticket, as the kiosk's check-in gives it. */
	CHECK_INT(req("POST", "/api/v1/appointments/a-1/checkin", auth[0], reason, "k-1", AT(9, 0),
	    &out), 201);
	REQUIRE((j = cJSON_Parse(out ? out : "")) != NULL);
	CHECK_STR(jstr(j, "number", NULL), "A001");
	CHECK_STR(jstr(j, "kind", NULL), "appointment");
	CHECK_STR(jstr(j, "appointment", "id"), "a-1");
	CHECK_STR(jstr(j, "appointment", "start"), "2026-12-04T09:00:00+01:00");
	CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "duplicate")));
	CHECK(jstr(j, "token", NULL)[0] != '\0');
	cJSON_Delete(j);
	free(out);
	/* The same request again (its Idempotency-Key): the same answer, no
	 * second audit entry. */
	CHECK_INT(req("POST", "/api/v1/appointments/a-1/checkin", auth[0], reason, "k-1", AT(9, 1),
	    &out), 201);
	CHECK(out && strstr(out, "\"number\":\"A001\"") && strstr(out, "\"duplicate\":false"));
	free(out);
	/* Again without the key: the same ticket, a duplicate. */
	CHECK_INT(req("POST", "/api/v1/appointments/a-1/checkin", auth[0], reason, NULL, AT(9, 2),
	    &out), 200);
	CHECK(out && strstr(out, "\"number\":\"A001\"") && strstr(out, "\"duplicate\":true"));
	free(out);
	/* A manager too; an id with a '/' (sent as %2F, decoded by the server). */
	CHECK_INT(req("POST", "/api/v1/appointments/a/2/checkin", auth[1], reason, NULL, AT(9, 3),
	    &out), 201);
	CHECK(out && strstr(out, "\"number\":\"A002\""));
	free(out);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'appointment_checkin'"), 2);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'appointment_checkin' AND "
	    "actor = 'marie' AND detail LIKE '%reason: confirmation perdue'"), 1);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'appointment_checkin' AND "
	    "actor = 'sofia' AND detail LIKE 'appointment a/2: before not_yet %'"), 1);
	/* The list: arrived, with their tickets. */
	CHECK_INT(req("GET", "/api/v1/appointments", auth[0], NULL, NULL, AT(9, 4), &out), 200);
	CHECK(out && strstr(out, "\"id\":\"a-1\"") && strstr(out, "\"ticket\":\"A001\""));
	CHECK(out && strstr(out, "\"state\":\"arrived\""));
	free(out);

	/* The board's calls and the call event say which is an appointment. */
	walkin(d, 'A', 0, AT(9, 5), w);
	call(d, 1, AT(9, 10), got, NULL);
	CHECK_STR(got, "A001");
	call(d, 1, AT(9, 11), got, NULL);
	CHECK_STR(got, "A002");
	call(d, 1, AT(9, 12), got, NULL);
	CHECK_STR(got, w);
	CHECK_INT(req("GET", "/api/v1/board", NULL, NULL, NULL, AT(9, 13), &out), 200);
	REQUIRE((j = cJSON_Parse(out ? out : "")) != NULL);
	calls = cJSON_GetObjectItemCaseSensitive(j, "calls");
	CHECK_INT(cJSON_GetArraySize(calls), 3);
	if (cJSON_GetArraySize(calls) == 3) {
		const cJSON *c0 = cJSON_GetArrayItem(calls, 0), *c1 = cJSON_GetArrayItem(calls, 1);
		CHECK_STR(jstr(c0, "number", NULL), w);
		CHECK_STR(jstr(c0, "kind", NULL), "ticket");
		CHECK(cJSON_GetObjectItemCaseSensitive(c0, "appointment") == NULL);
		CHECK_STR(jstr(c1, "number", NULL), "A002");
		CHECK_STR(jstr(c1, "kind", NULL), "appointment");
		CHECK_STR(jstr(c1, "appointment", "start"), "2026-12-04T09:10:00+01:00");
		/* Public: the time, never the booking's id. */
		CHECK(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c1,
		    "appointment"), "id") == NULL);
	}
	cJSON_Delete(j);
	free(out);
	api_free(api);
	bus_free(bus);
	desk_close(d);
	store_close(st);
}

int
main(void)
{
	REQUIRE(sodium_init() >= 0);
	fixture_tz("Europe/Paris");
	fixture_tmpdir(dir, sizeof dir, "test_appt_calls");
	memset(&keys, 0, sizeof keys);
	crypto_sign_keypair(keys.pk, keys.sk);
	snprintf(keys.site_id, sizeof keys.site_id, "test-93");

	test_site_key();
	test_order();
	test_no_walkins();
	test_place();
	test_by_hand();
	test_api();

	fixture_rmdir(dir);
	return TEST_REPORT();
}
