/*
 * test_appointments: appointments booked online (issue #12) through the
 * desk's verbs (desk/appointments.c) on real SQLite files:
 *
 *   - the site file's [appointments] section and per-service
 *     `appointments`: defaults, each bad value refused with FILE:LINE,
 *     written back by site_write to the same site, kept in the database
 *     with the site (a second desk reads them back);
 *   - desk_appt_put: created, the same again unchanged, a newer update
 *     stored, an older one ignored (the row keeps the newer), a cancel, a
 *     cancelled one first seen; each change audited (never a code nor a
 *     document number), the holder kept only as a 32-byte hash; bad input
 *     (no such service, a service that takes none, a bad code, a bad
 *     duration, a bad holder), a code clash on the same day, a full day
 *     (DK_FULL), each refused with nothing kept, a whole batch undone by
 *     its last bad appointment; a checked-in appointment cannot change;
 *   - the day's list and its states (not_yet, late, no_show, arrived,
 *     cancelled) as time passes;
 *   - desk_checkin, every case: unknown code, another day's (its day),
 *     cancelled, too early (come_back_at), in the window (a ticket of its
 *     service, numbered after the walk-ins, signed, counted apart from the
 *     walk-ins, the appointment checked in), typed with O for 0 and in
 *     lower case, the second check-in (the same ticket, a duplicate), a
 *     bound appointment (holder required, bad, mismatched, right), too late
 *     with late = walkin (a walk-in, or an attestation when the walk-ins are
 *     full) and late = attestation (an attestation "late" naming it), a
 *     service closed today;
 *   - a burst of refused codes from one kiosk raises `checkin_guess` once,
 *     another kiosk's few do not;
 *   - retention removes a past day's holder hashes;
 *   - through the API (api_handle): the webhook's signature (good in
 *     either header, wrong, missing, none configured: 401 and nothing
 *     written), its answers (stored, unchanged, ignored_older), the
 *     check-in's answer (kind, appointment), and the webhook secret in no
 *     GET answer of any route, whoever asks.
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
#include "http/api.h"
#include "core/queue.h"
#include "core/sign.h"
#include "core/site.h"
#include "desk/desk.h"
#include "store/store.h"
#include "fixture.h"

static char dir[256];
static struct desk_keys keys;
static const struct desk_actor kiosk1 = { "kiosk-1", 1, NULL };
static const struct desk_actor kiosk2 = { "kiosk-2", 1, NULL };
static const struct desk_actor hook = { "webhook", 0, NULL };

/* Friday 4 December 2026, 09:00 in Paris (CET). */
#define T0 utc(2026, 12, 4, 8, 0, 0)
#define MIN 60
#define TODAY "2026-12-04"

#define SITE_HEAD \
    "[site]\nid = test-93\nname = Test site\ntimezone = Europe/Paris\n" \
    "mon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\nthu = 00:00-24:00\n" \
    "fri = 00:00-24:00\nsat = 00:00-24:00\nsun = 00:00-24:00\n"
#define SERVICES \
    "[service A]\nname = Premier titre\ncapacity = 100\npriority_reserve = 0\nappointments = 3\n" \
    "[service B]\nname = Renouvellement\ncapacity = 100\npriority_reserve = 0\n" \
    "bind_holder = yes\nappointments = 5\n" \
    "[service C]\nname = Retrait\ncapacity = 0\npriority_reserve = 0\nappointments = 5\n" \
    "[service D]\nname = Naturalisation\ncapacity = 10\npriority_reserve = 0\n" \
    "[counter 1]\nservices = A B C D\n" \
    "[alerts]\nburst_per_minute = 0\ncheckin_guesses = 3\n"
#define SECRET "0123456789abcdef0123456789abcdef-secret"
#define RDV_MAP "4012=B, titre_sejour=C"

static const char walkin_ini[] = SITE_HEAD SERVICES
    "[appointments]\ncheckin_before = 30\ncheckin_after = 15\nlate = walkin\n"
    "webhook_secret = " SECRET "\nrdv_services = " RDV_MAP "\n";
static const char attest_ini[] = SITE_HEAD SERVICES
    "[appointments]\nlate = attestation\n";

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
	return fixture_desk(path, &s, &keys, T0 - 3600, st);
}

/* One put: its outcome, or the refusal (rc < 0 is returned as is, + 100). */
static int
put1(struct desk *d, const struct appt_in *a, int64_t now, struct appt_row *row)
{
	enum desk_appt_outcome o;
	struct appt_row r;
	char err[300];
	int rc = desk_appt_put(d, &hook, "webhook", a, 1, now, &o, row ? row : &r, NULL, err,
	    sizeof err);

	if (rc != DK_OK) {
		if (getenv("VERBOSE"))
			fprintf(stderr, "put %s: %s\n", a->id, err);
		return rc - 100;
	}
	return (int)o;
}

static int
checkin(struct desk *d, const struct desk_actor *who, const char *code, const char *holder,
    int64_t now, struct desk_checkin_out *out, struct desk_events *ev)
{
	struct desk_checkin in = { code, NULL, holder, NULL };
	struct desk_events mine;
	char err[300];
	int rc = desk_checkin(d, who, &in, now, out, ev ? ev : &mine, err, sizeof err);

	if (getenv("VERBOSE"))
		fprintf(stderr, "checkin %s at +%lld min: %d %s\n", code, (long long)(now - T0) / 60,
		    rc, err);
	return rc;
}

static long long
sql1(const char *path, const char *sql)
{
	return fixture_sql1(path, sql);
}

static int
alerts_of(const struct desk_events *ev, const char *kind)
{
	int i, n = 0;

	for (i = 0; i < ev->n; i++)
		if (ev->ev[i].kind == DE_ALERT && !strcmp(ev->ev[i].alert.kind, kind))
			n++;
	return n;
}

/* -- the site file -------------------------------------------------------------------- */

static void
test_site_keys(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "[appointments]\ncheckin_before = -1\n", ":2: checkin_before: expected minutes" },
		{ "[appointments]\ncheckin_after = 241\n", ":2: checkin_after: expected minutes" },
		{ "[appointments]\nlate = maybe\n", ":2: late: expected walkin or attestation" },
		{ "[appointments]\nwebhook_secret = short\n", ":2: webhook_secret: expected 32" },
		{ "[appointments]\n\nwebhook_secret = 0123456789abcdef 0123456789abcdef\n",
		    ":3: webhook_secret: expected 32" },
		{ "[appointments]\nwindow = 10\n", ":2: unknown key 'window' in [appointments]" },
		{ "[alerts]\ncheckin_guesses = x\n", ":2: checkin_guesses: expected a number" },
		{ "[appointments]\nrdv_services = 4012=AB\n", ":2: rdv_services: entry 1" },
		{ "[appointments]\nrdv_services = 4012=A, x\n", ":2: rdv_services: entry 2" },
	};
	char sub[300], path[400], err[300], text[2048];
	struct site s, back;
	struct store *st;
	struct desk *d, *d2;
	FILE *f;
	size_t i;

	snprintf(sub, sizeof sub, "%s/site.d", dir);
	REQUIRE(mkdir(sub, 0700) == 0);
	/* Defaults. */
	fixture_site(sub, SITE_HEAD "[service A]\nname = A\ncapacity = 1\n[counter 1]\nservices = A\n",
	    &s);
	CHECK_INT(s.appt.checkin_before, 30);
	CHECK_INT(s.appt.checkin_after, 15);
	CHECK_INT(s.appt.late, SITE_LATE_WALKIN);
	CHECK_STR(s.appt.webhook_secret, "");
	CHECK_INT(s.alerts.checkin_guesses, 5);
	CHECK_INT(s.services[0].appointments, 0);
	/* Every bad value, with its file and line. */
	fixture_path(path, sizeof path, sub, "bad.ini");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "%s", bad[i].text);
		fixture_write(path, text);
		CHECK(site_load(path, &s, err, sizeof err) != 0);
		if (!strstr(err, bad[i].want) || strncmp(err, path, strlen(path)) != 0)
			fprintf(stderr, "bad %zu: got \"%s\", wanted \"%s\"\n", i, err, bad[i].want);
		CHECK(strstr(err, bad[i].want) != NULL && strncmp(err, path, strlen(path)) == 0);
	}
	snprintf(text, sizeof text, SITE_HEAD "[service A]\nname = A\ncapacity = 1\n"
	    "appointments = lots\n[counter 1]\nservices = A\n");
	fixture_write(path, text);
	CHECK(site_load(path, &s, err, sizeof err) != 0);
	CHECK(strstr(err, ":15: appointments: expected a number of appointments") != NULL);
	/* Set, written back, read back the same. */
	fixture_site(sub, walkin_ini, &s);
	CHECK_INT(s.services[0].appointments, 3);
	CHECK_INT(s.services[3].appointments, 0);
	CHECK_INT(s.alerts.checkin_guesses, 3);
	CHECK_STR(s.appt.webhook_secret, SECRET);
	CHECK_STR(s.appt.rdv_services, RDV_MAP);
	fixture_path(path, sizeof path, sub, "export.ini");
	REQUIRE((f = fopen(path, "w")) != NULL);
	CHECK_INT(site_write(f, &s, err, sizeof err), 0);
	fclose(f);
	CHECK_INT(site_load(path, &back, err, sizeof err), 0);
	CHECK(memcmp(&s.appt, &back.appt, sizeof s.appt) == 0);
	CHECK_INT(back.services[1].appointments, 5);
	CHECK_INT(back.alerts.checkin_guesses, 3);
	fixture_site(sub, attest_ini, &s);
	CHECK_INT(s.appt.late, SITE_LATE_ATTESTATION);
	REQUIRE((f = fopen(path, "w")) != NULL);
	CHECK_INT(site_write(f, &s, err, sizeof err), 0);
	fclose(f);
	CHECK_INT(site_load(path, &back, err, sizeof err), 0);
	CHECK_INT(back.appt.late, SITE_LATE_ATTESTATION);
	CHECK_STR(back.appt.webhook_secret, "");
	/* Kept in the database with the site: a new desk on the file reads it. */
	d = open_site("site.db", walkin_ini, &st, path, sizeof path);
	desk_close(d);
	REQUIRE((d2 = desk_open(st, &keys, err, sizeof err)) != NULL);
	CHECK_INT(desk_site(d2)->appt.checkin_before, 30);
	CHECK_INT(desk_site(d2)->appt.checkin_after, 15);
	CHECK_INT(desk_site(d2)->appt.late, SITE_LATE_WALKIN);
	CHECK_STR(desk_site(d2)->appt.webhook_secret, SECRET);
	CHECK_STR(desk_site(d2)->appt.rdv_services, RDV_MAP);
	CHECK_INT(desk_site(d2)->services[0].appointments, 3);
	CHECK_INT(desk_site(d2)->services[1].appointments, 5);
	CHECK_INT(desk_site(d2)->alerts.checkin_guesses, 3);
	desk_close(d2);
	store_close(st);
}

/* -- storing --------------------------------------------------------------------------- */

static void
test_put(void)
{
	char path[400], err[300];
	struct store *st;
	struct desk *d = open_site("put.db", walkin_ini, &st, path, sizeof path);
	int64_t start = T0 + 90 * MIN;
	struct appt_in a = appt("ext-1", 'A', start, "k7p3qx", NULL), b, batch[3];
	struct appt_row row;
	struct desk_appt_counts counts;

	CHECK_INT(put1(d, &a, T0, &row), DA_CREATED);
	CHECK(row.id > 0);
	CHECK_STR(row.code, "K7P3QX");
	CHECK_STR(row.day, TODAY);
	CHECK_STR(row.source, "webhook");
	CHECK_INT(put1(d, &a, T0 + 1, NULL), DA_UNCHANGED);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'appointment_put'"), 1);
	/* Newer: stored. Older: ignored, the newer stays. */
	a.updated_at = T0 + 100;
	a.start = start + 30 * MIN;
	CHECK_INT(put1(d, &a, T0 + 2, &row), DA_UPDATED);
	CHECK_INT(row.start, start + 30 * MIN);
	b = a;
	b.updated_at = T0 + 50;
	b.start = start + 60 * MIN;
	CHECK_INT(put1(d, &b, T0 + 3, &row), DA_OLDER);
	CHECK_INT(row.start, start + 30 * MIN);
	CHECK_INT(sql1(path, "SELECT start FROM appointments WHERE ext_id = 'ext-1'") - start,
	    30 * MIN);
	/* The same version again, or the same without updated_at: unchanged. */
	CHECK_INT(put1(d, &a, T0 + 4, NULL), DA_UNCHANGED);
	a.updated_at = 0;
	CHECK_INT(put1(d, &a, T0 + 4, NULL), DA_UNCHANGED);
	a.updated_at = T0 + 100;
	/* Cancelled; then an older "booked" cannot bring it back. */
	a.status = APPT_CANCELLED;
	a.updated_at = T0 + 200;
	CHECK_INT(put1(d, &a, T0 + 5, &row), DA_CANCELLED);
	CHECK_INT(row.status, APPT_CANCELLED);
	b.status = APPT_BOOKED;
	b.updated_at = T0 + 150;
	CHECK_INT(put1(d, &b, T0 + 6, NULL), DA_OLDER);
	CHECK_INT(sql1(path, "SELECT status = 'cancelled' FROM appointments WHERE ext_id = 'ext-1'"), 1);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action = 'appointment_cancel'"), 1);
	/* First seen cancelled: kept as such. */
	b = appt("ext-gone", 'A', start, "GONE01", NULL);
	b.status = APPT_CANCELLED;
	CHECK_INT(put1(d, &b, T0 + 7, NULL), DA_CANCELLED);
	/* A holder: only its hash; the audit names neither the code nor the number. */
	b = appt("ext-b", 'B', start, "BBB111", "AB 123-456 C");
	CHECK_INT(put1(d, &b, T0 + 8, &row), DA_CREATED);
	CHECK_INT(row.bound, 1);
	CHECK_INT(sql1(path, "SELECT length(holder_hash) FROM appointments WHERE ext_id = 'ext-b'"), 32);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE detail LIKE '%BBB111%' OR detail LIKE "
	    "'%K7P3QX%' OR detail LIKE '%123456%' OR detail LIKE '%AB 123%'"), 0);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE detail LIKE 'appointment ext-b: before "
	    "none; after B 2026-12-04T10:30:00+01:00 20 min booked bound (from webhook)'"), 1);
	/* The same holder again: unchanged (the hash compares); another: updated. */
	CHECK_INT(put1(d, &b, T0 + 9, NULL), DA_UNCHANGED);
	snprintf(b.holder, sizeof b.holder, "ZZ999999");
	CHECK_INT(put1(d, &b, T0 + 10, NULL), DA_UPDATED);
	b.holder[0] = '\0';
	CHECK_INT(put1(d, &b, T0 + 11, &row), DA_UPDATED);
	CHECK_INT(row.bound, 0);
	CHECK_INT(sql1(path, "SELECT holder_hash IS NULL FROM appointments WHERE ext_id = 'ext-b'"), 1);

	/* Refusals: nothing kept. */
#define REFUSED(x, rc, why) do { \
	struct appt_in t_ = (x); \
	long long n_ = sql1(path, "SELECT COUNT(*) FROM appointments"); \
	CHECK_INT(desk_appt_put(d, &hook, "webhook", &t_, 1, T0 + 20, NULL, NULL, NULL, err, \
	    sizeof err), rc); \
	if (!strstr(err, why)) fprintf(stderr, "refusal: \"%s\", wanted \"%s\"\n", err, why); \
	CHECK(strstr(err, why) != NULL); \
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM appointments"), n_); \
	} while (0)
	REFUSED(appt("x1", 'Z', start, "ZZZZ11", NULL), DK_BAD, "no service 'Z'");
	REFUSED(appt("x1", 'D', start, "ZZZZ11", NULL), DK_BAD, "service D takes no appointments");
	REFUSED(appt("x1", 'A', start, "K7!", NULL), DK_BAD, "appointment 'x1': code:");
	REFUSED(appt("x1", 'A', start, "ZZ", NULL), DK_BAD, "at least 4");
	REFUSED(appt("", 'A', start, "ZZZZ11", NULL), DK_BAD, "id must be");
	REFUSED(appt("x1", 'A', start, "ZZZZ11", "12"), DK_BAD, "appointment 'x1': holder:");
	b = appt("x1", 'A', start, "ZZZZ11", NULL);
	b.duration_min = 0;
	REFUSED(b, DK_BAD, "duration_min");
	b.duration_min = 20;
	b.start = 0;
	REFUSED(b, DK_BAD, "no start");
	/* ext-1's code is taken today (cancelled or not); another day is fine. */
	REFUSED(appt("x1", 'A', start, "K7P-3QX", NULL), DK_CONFLICT, "already appointment 'ext-1''s");
	CHECK_INT(put1(d, &(struct appt_in){ 0 }, T0, NULL), DK_BAD - 100);
	b = appt("x1", 'A', start + 86400, "K7P3QX", NULL);
	CHECK_INT(put1(d, &b, T0 + 21, NULL), DA_CREATED);
	/* A's 3 places today: ext-1 is cancelled, so 3 more fit, not 4. */
	batch[0] = appt("f1", 'A', start, "FULL01", NULL);
	batch[1] = appt("f2", 'A', start, "FULL02", NULL);
	batch[2] = appt("f3", 'A', start, "FULL03", NULL);
	CHECK_INT(desk_appt_put(d, &hook, "csv", batch, 3, T0 + 22, NULL, NULL, &counts, err,
	    sizeof err), DK_OK);
	CHECK_INT(counts.created, 3);
	REFUSED(appt("f4", 'A', start, "FULL04", NULL), DK_FULL, "already has its 3 appointments on "
	    TODAY);
	/* Un-cancelling ext-1 would make a fourth. */
	a.status = APPT_BOOKED;
	a.updated_at = T0 + 300;
	REFUSED(a, DK_FULL, "already has its 3 appointments");
	/* A batch is all or nothing: its third is bad, the first two are not kept. */
	batch[0] = appt("g1", 'C', start, "GGGG01", NULL);
	batch[1] = appt("g2", 'C', start, "GGGG02", NULL);
	batch[2] = appt("g3", 'Q', start, "GGGG03", NULL);
	CHECK_INT(desk_appt_put(d, &hook, "csv", batch, 3, T0 + 23, NULL, NULL, &counts, err,
	    sizeof err), DK_BAD);
	CHECK_INT(counts.created, 0);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM appointments WHERE ext_id LIKE 'g%'"), 0);
	/* The same batch twice: everything unchanged the second time. */
	batch[2] = appt("g3", 'C', start, "GGGG03", NULL);
	CHECK_INT(desk_appt_put(d, &hook, "csv", batch, 3, T0 + 24, NULL, NULL, &counts, err,
	    sizeof err), DK_OK);
	CHECK_INT(counts.created, 3);
	CHECK_INT(desk_appt_put(d, &hook, "csv", batch, 3, T0 + 25, NULL, NULL, &counts, err,
	    sizeof err), DK_OK);
	CHECK_INT(counts.created + counts.updated + counts.cancelled, 0);
	CHECK_INT(counts.unchanged, 3);
	desk_close(d);
	store_close(st);
}

/* -- the day's list ----------------------------------------------------------------------- */

static void
test_list(void)
{
	char path[400], err[300];
	struct store *st;
	struct desk *d = open_site("list.db", walkin_ini, &st, path, sizeof path);
	int64_t s1 = T0 + 60 * MIN;
	struct appt_in a = appt("l1", 'A', s1, "LIST01", NULL), b = appt("l2", 'C', s1 + 5 * MIN,
	    "LIST02", NULL), c = appt("l3", 'C', s1, "LIST03", NULL);
	struct appt_view *v = NULL;
	struct desk_checkin_out out;
	int n;

	c.status = APPT_CANCELLED;
	CHECK_INT(put1(d, &b, T0, NULL), DA_CREATED);
	CHECK_INT(put1(d, &a, T0, NULL), DA_CREATED);
	CHECK_INT(put1(d, &c, T0, NULL), DA_CANCELLED);
	CHECK_INT(desk_appointments(d, "2026-13-01", T0, &v, err, sizeof err), DK_BAD);
	CHECK_INT(desk_appointments(d, "2026-12-05", T0, &v, err, sizeof err), 0);
	CHECK(v == NULL);
	n = desk_appointments(d, TODAY, T0, &v, err, sizeof err);
	REQUIRE(n == 3 && v != NULL);
	/* By start, then id. */
	CHECK_STR(v[0].a.ext_id, "l1");
	CHECK_STR(v[1].a.ext_id, "l3");
	CHECK_STR(v[2].a.ext_id, "l2");
	CHECK_STR(desk_appt_state_name(v[0].state), "not_yet");
	CHECK_STR(desk_appt_state_name(v[1].state), "cancelled");
	free(v);
	CHECK_INT(checkin(d, &kiosk1, "LIST01", NULL, s1 - 10 * MIN, &out, NULL), DK_OK);
	n = desk_appointments(d, TODAY, s1 + 14 * MIN, &v, err, sizeof err);
	REQUIRE(n == 3);
	CHECK_STR(desk_appt_state_name(v[0].state), "arrived");
	CHECK_STR(v[0].a.ticket_number, "A001");
	CHECK_STR(desk_appt_state_name(v[2].state), "late");
	free(v);
	n = desk_appointments(d, TODAY, s1 + 20 * MIN, &v, err, sizeof err);
	REQUIRE(n == 3);
	CHECK_STR(desk_appt_state_name(v[2].state), "no_show");   /* 15 min after its start */
	CHECK_STR(desk_appt_state_name(v[0].state), "arrived");
	free(v);
	desk_close(d);
	store_close(st);
}

/* -- checking in --------------------------------------------------------------------------- */

static void
test_checkin(void)
{
	char path[400], err[300];
	struct store *st;
	struct desk *d = open_site("checkin.db", walkin_ini, &st, path, sizeof path);
	int64_t s1 = T0 + 60 * MIN;     /* 10:00 */
	struct appt_in a = appt("c1", 'A', s1, "K0P1QX", NULL), tomorrow =
	    appt("c2", 'A', s1 + 86400, "TMRW01", NULL), gone = appt("c3", 'A', s1, "GONE01", NULL),
	    bound = appt("c4", 'B', s1, "BOUND1", "X1234567"), late = appt("c5", 'A', T0 - 60 * MIN,
	    "LATE01", NULL), full = appt("c6", 'C', T0 - 60 * MIN, "FULL01", NULL);
	struct desk_checkin_out out;
	struct desk_issue walk = { 'A', "fr", 0, NULL, NULL };
	struct desk_slip slip;
	struct desk_events ev;
	struct slip sl;
	struct ticket t1;

	gone.status = APPT_CANCELLED;
	CHECK_INT(put1(d, &a, T0 - 3000, NULL), DA_CREATED);
	CHECK_INT(put1(d, &tomorrow, T0 - 3000, NULL), DA_CREATED);
	CHECK_INT(put1(d, &gone, T0 - 3000, NULL), DA_CANCELLED);
	CHECK_INT(put1(d, &bound, T0 - 3000, NULL), DA_CREATED);
	CHECK_INT(put1(d, &late, T0 - 3000, NULL), DA_CREATED);
	CHECK_INT(put1(d, &full, T0 - 3000, NULL), DA_CREATED);
	/* A walk-in first: A001. */
	CHECK_INT(desk_issue(d, &kiosk1, &walk, T0, &slip, &ev, err, sizeof err), DK_OK);
	CHECK_STR(slip.ticket.number, "A001");

	/* Unknown, malformed, another day's, cancelled: refused and logged. */
	CHECK_INT(checkin(d, &kiosk2, "NOPE99", NULL, T0, &out, NULL), DK_NOTFOUND);
	CHECK_INT(out.found, 0);
	CHECK_INT(checkin(d, &kiosk2, "!!", NULL, T0, &out, NULL), DK_NOTFOUND);
	CHECK_INT(checkin(d, &kiosk1, "TMRW01", NULL, T0, &out, NULL), DK_NOT_TODAY);
	CHECK_INT(out.found, 1);
	CHECK_STR(out.appt.day, "2026-12-05");
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM events WHERE kind = 'checkin_refused' AND "
	    "agent = 'kiosk-2'"), 2);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM events WHERE kind = 'checkin_refused' AND "
	    "agent = 'kiosk-1' AND detail = 'not_today' AND service = 'A'"), 1);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM alerts"), 0);
	CHECK_INT(checkin(d, &kiosk1, "GONE01", NULL, T0, &out, &ev), DK_CANCELLED);
	CHECK_INT(alerts_of(&ev, "checkin_guess"), 0);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM events WHERE detail LIKE '%GONE%' OR "
	    "detail LIKE '%NOPE%'"), 0);
	/* Too early: when to come back. */
	CHECK_INT(checkin(d, &kiosk1, "K0P1QX", NULL, s1 - 31 * MIN, &out, NULL), DK_TOO_EARLY);
	CHECK_INT(out.come_back_at, s1 - 30 * MIN);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets"), 1);
	/* In the window, typed with O for 0, I for 1, in lower case, with a dash. */
	CHECK_INT(checkin(d, &kiosk1, "kop-iqx", NULL, s1 - 30 * MIN, &out, &ev), DK_OK);
	CHECK_INT(out.slip.kind, DS_TICKET);
	CHECK_INT(out.late, 0);
	CHECK_STR(out.slip.ticket.number, "A002");
	CHECK(out.slip.ticket.appointment == out.appt.id);
	CHECK_STR(out.slip.ticket.appt_id, "c1");
	CHECK_INT(out.slip.ticket.appt_start, s1);
	CHECK_INT(out.slip.ticket.appt_duration_min, 20);
	CHECK_INT(slip_verify(out.slip.ticket.token, keys.pk, "TEST-93", "20261204", &sl), SLIP_VALID);
	CHECK_INT(sl.number, 2);
	CHECK_INT(sql1(path, "SELECT ordinary * 10 + appointments FROM day_counts WHERE service = 'A'"),
	    11);
	CHECK_INT(sql1(path, "SELECT checked_in_at - ticket_id * 0 FROM appointments WHERE "
	    "ext_id = 'c1'"), s1 - 30 * MIN);
	CHECK_INT(sql1(path, "SELECT t.appointment_id = a.id FROM tickets t, appointments a WHERE "
	    "t.number = 'A002' AND a.ext_id = 'c1' AND a.ticket_id = t.id"), 1);
	CHECK_INT(desk_ticket(d, out.slip.ticket.id, s1, &t1, err, sizeof err), DK_OK);
	CHECK_STR(t1.appt_id, "c1");
	/* Again: the same ticket, a duplicate slip. */
	CHECK_INT(checkin(d, &kiosk1, "K0P1QX", NULL, s1 + 60 * MIN, &out, NULL), DK_OK);
	CHECK_INT(out.slip.kind, DS_DUPLICATE);
	CHECK_STR(out.slip.ticket.number, "A002");
	CHECK_INT(out.slip.ticket.reprints, 1);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets"), 2);
	/* An appointment checked in can no longer change. */
	a.duration_min = 40;
	CHECK_INT(put1(d, &a, s1, NULL), DK_CONFLICT - 100);

	/* Bound: the number is required, must be one, and must be the holder's. */
	CHECK_INT(checkin(d, &kiosk1, "BOUND1", NULL, s1, &out, NULL), DK_HOLDER_REQUIRED);
	CHECK_INT(checkin(d, &kiosk1, "BOUND1", "12", s1, &out, NULL), DK_BAD_HOLDER);
	CHECK_INT(checkin(d, &kiosk1, "BOUND1", "Y7654321", s1, &out, NULL), DK_HOLDER_MISMATCH);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets WHERE service = 'B'"), 0);
	CHECK_INT(checkin(d, &kiosk1, "BOUND1", "x 1234-567", s1, &out, NULL), DK_OK);
	CHECK_STR(out.slip.ticket.number, "B001");
	CHECK(strstr(out.slip.ticket.holder_mask, "567") != NULL);
	CHECK_INT(checkin(d, &kiosk1, "BOUND1", "Y7654321", s1, &out, NULL), DK_HOLDER_MISMATCH);
	CHECK_INT(checkin(d, &kiosk1, "BOUND1", "X1234567", s1 + 1, &out, NULL), DK_OK);
	CHECK_INT(out.slip.kind, DS_DUPLICATE);

	/* Too late, late = walkin: a walk-in ticket of A, counted with the
	 * walk-ins; the appointment keeps it (a second check-in gives it back). */
	CHECK_INT(checkin(d, &kiosk1, "LATE01", NULL, T0 - 45 * MIN, &out, NULL), DK_OK);
	CHECK_INT(out.late, 0);     /* 15 min after its start: still in the window */
	CHECK_INT(out.slip.kind, DS_TICKET);
	CHECK(out.slip.ticket.appointment != 0);
	/* (a new one, for the late case proper) */
	late = appt("c7", 'A', T0 - 60 * MIN, "LATE02", NULL);
	CHECK_INT(put1(d, &late, T0 - 3000, NULL), DA_CREATED);
	CHECK_INT(checkin(d, &kiosk1, "LATE02", NULL, T0 - 44 * MIN, &out, NULL), DK_OK);
	CHECK_INT(out.late, 1);
	CHECK_INT(out.slip.kind, DS_TICKET);
	CHECK_INT(out.slip.ticket.appointment, 0);
	CHECK_INT(sql1(path, "SELECT ordinary FROM day_counts WHERE service = 'A'"), 2);
	CHECK_INT(checkin(d, &kiosk1, "LATE02", NULL, T0, &out, NULL), DK_OK);
	CHECK_INT(out.slip.kind, DS_DUPLICATE);
	CHECK_INT(out.late, 1);
	/* ... or, when the walk-ins are full (C: capacity 0), the attestation. */
	CHECK_INT(checkin(d, &kiosk1, "FULL01", NULL, T0, &out, NULL), DK_OK);
	CHECK_INT(out.late, 1);
	CHECK_INT(out.slip.kind, DS_ATTESTATION);
	CHECK_STR(out.slip.att.outcome, "full");

	/* A service the manager closed today: no check-in. */
	{
		struct service_day sd = { 0, 0, 0 };
		struct desk_actor mgr = { "manager", 0, NULL };
		struct appt_in x = appt("c8", 'C', T0 + 10 * MIN, "SHUT01", NULL);
		CHECK_INT(put1(d, &x, T0 - 3000, NULL), DA_CREATED);
		CHECK_INT(desk_service_today(d, &mgr, 'C', &sd, "grève", T0, &ev, err, sizeof err),
		    DK_OK);
		CHECK_INT(checkin(d, &kiosk1, "SHUT01", NULL, T0, &out, NULL), DK_CLOSED);
	}
	desk_close(d);
	store_close(st);
}

static void
test_late_attestation(void)
{
	char path[400];
	struct store *st;
	struct desk *d = open_site("attest.db", attest_ini, &st, path, sizeof path);
	struct appt_in a = appt("att-1", 'A', T0 - 60 * MIN, "ATTE01", NULL);
	struct desk_checkin_out out;
	struct slip sl;

	CHECK_INT(put1(d, &a, T0 - 4000, NULL), DA_CREATED);
	CHECK_INT(checkin(d, &kiosk1, "ATTE01", NULL, T0, &out, NULL), DK_OK);
	CHECK_INT(out.late, 1);
	CHECK_INT(out.slip.kind, DS_ATTESTATION);
	CHECK_STR(out.slip.att.outcome, "late");
	CHECK(out.slip.att.appointment == out.appt.id);
	CHECK_INT(slip_verify(out.slip.att.token, keys.pk, "TEST-93", NULL, &sl), SLIP_VALID);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM attestations WHERE outcome = 'late' AND "
	    "appointment_id IS NOT NULL"), 1);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM tickets"), 0);
	desk_close(d);
	store_close(st);
}

/* -- guessing codes ------------------------------------------------------------------------ */

static void
test_guess_alert(void)
{
	char path[400], err[300];
	struct store *st;
	struct desk *d = open_site("guess.db", walkin_ini, &st, path, sizeof path);
	struct desk_checkin_out out;
	struct desk_events ev;
	struct alert al[8];
	int n;

	/* kiosk-2: two refusals, under the threshold (3). */
	CHECK_INT(checkin(d, &kiosk2, "AAAA11", NULL, T0, &out, &ev), DK_NOTFOUND);
	CHECK_INT(checkin(d, &kiosk2, "AAAA12", NULL, T0 + 1, &out, &ev), DK_NOTFOUND);
	CHECK_INT(alerts_of(&ev, "checkin_guess"), 0);
	/* kiosk-1: the third within ten minutes raises it, once. */
	CHECK_INT(checkin(d, &kiosk1, "AAAA13", NULL, T0, &out, &ev), DK_NOTFOUND);
	CHECK_INT(checkin(d, &kiosk1, "AAAA14", NULL, T0 + 100, &out, &ev), DK_NOTFOUND);
	CHECK_INT(alerts_of(&ev, "checkin_guess"), 0);
	CHECK_INT(checkin(d, &kiosk1, "AAAA15", NULL, T0 + 200, &out, &ev), DK_NOTFOUND);
	CHECK_INT(alerts_of(&ev, "checkin_guess"), 1);
	CHECK_INT(checkin(d, &kiosk1, "AAAA16", NULL, T0 + 300, &out, &ev), DK_NOTFOUND);
	CHECK_INT(alerts_of(&ev, "checkin_guess"), 0);
	n = desk_alerts(d, T0 + 300, al, 8, err, sizeof err);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(al[0].kind, "checkin_guess");
		CHECK(strstr(al[0].message, "kiosk-1") != NULL);
	}
	/* Spread over more than ten minutes: no alert. */
	CHECK_INT(checkin(d, &kiosk2, "AAAA17", NULL, T0 + 700, &out, &ev), DK_NOTFOUND);
	CHECK_INT(alerts_of(&ev, "checkin_guess"), 0);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM alerts WHERE kind = 'checkin_guess'"), 1);
	desk_close(d);
	store_close(st);
}

/* -- retention ----------------------------------------------------------------------------- */

static void
test_retention(void)
{
	char path[400], err[300];
	struct store *st;
	struct desk *d = open_site("retention.db", walkin_ini, &st, path, sizeof path);
	struct appt_in a = appt("r1", 'B', T0 + 60 * MIN, "RETE01", "X1234567");

	CHECK_INT(put1(d, &a, T0, NULL), DA_CREATED);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM appointments WHERE holder_hash IS NOT NULL"), 1);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM day_keys WHERE day = '" TODAY "'"), 1);
	CHECK_INT(desk_retention(d, T0 + 86400, err, sizeof err), DK_OK);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM appointments WHERE holder_hash IS NOT NULL"), 0);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM day_keys WHERE day = '" TODAY "'"), 0);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM appointments"), 1);
	desk_close(d);
	store_close(st);
}

/* -- through the API ------------------------------------------------------------------------ */

static struct api *api;
static int64_t api_now;

/* One request: the status, the body into out (malloc'd text) if given. */
static int
req(const char *method, const char *path, const char *auth, const char *body,
    const char *lapin, const char *xsig, const char *day, char **out)
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
	q.lapin_signature = lapin;
	q.signature = xsig;
	q.day = day;
	q.client = "10.0.0.9";
	q.now = api_now;
	api_handle(api, &q, &r);
	if (out)
		*out = r.body;
	else
		free(r.body);
	return r.status;
}

static void
hmac_hex(const char *key, const char *body, char out[65])
{
	crypto_auth_hmacsha256_state h;
	unsigned char mac[32];

	crypto_auth_hmacsha256_init(&h, (const unsigned char *)key, strlen(key));
	crypto_auth_hmacsha256_update(&h, (const unsigned char *)body, strlen(body));
	crypto_auth_hmacsha256_final(&h, mac);
	sodium_bin2hex(out, 65, mac, sizeof mac);
}

static void
test_api(void)
{
	static const char *const gets[] = { "/api/v1/health", "/api/v1/services", "/api/v1/board",
		"/api/v1/counters", "/api/v1/alerts", "/api/v1/stats", "/api/v1/closures",
		"/api/v1/devices", "/api/v1/users", "/api/v1/notices", "/api/v1/session",
		"/api/v1/appointments", "/api/v1/tickets/1", "/api/v1/appointments/webhook" };
	struct desk_actor who = { "test", 0, NULL };
	char path[400], err[300], dk[80], tok[3][80], auth[4][100], sig[65], xsig[80], body[600];
	const char *all_auth[5];
	struct store *st;
	struct bus *bus;
	struct desk *d = open_site("api.db", walkin_ini, &st, path, sizeof path);
	char *out = NULL;
	cJSON *j;
	size_t i, k;

	api_now = T0;
	REQUIRE(desk_device_add(d, &who, "kiosk-1", T0, dk, err, sizeof err) == DK_OK);
	REQUIRE(desk_user_add(d, &who, "marie", "agent", "secret-marie", T0, err, sizeof err) == 0);
	REQUIRE(desk_user_add(d, &who, "paul", "manager", "secret-paul", T0, err, sizeof err) == 0);
	REQUIRE(desk_user_add(d, &who, "root", "admin", "secret-root", T0, err, sizeof err) == 0);
	REQUIRE(desk_token_new(d, &who, "marie", T0, tok[0], err, sizeof err) == 0);
	REQUIRE(desk_token_new(d, &who, "paul", T0, tok[1], err, sizeof err) == 0);
	REQUIRE(desk_token_new(d, &who, "root", T0, tok[2], err, sizeof err) == 0);
	snprintf(auth[0], sizeof auth[0], "Bearer %s", tok[0]);
	snprintf(auth[1], sizeof auth[1], "Bearer %s", tok[1]);
	snprintf(auth[2], sizeof auth[2], "Bearer %s", tok[2]);
	snprintf(auth[3], sizeof auth[3], "Bearer %s", dk);
	REQUIRE((bus = bus_new(1000)) != NULL);
	REQUIRE((api = api_new(d, bus)) != NULL);

	snprintf(body, sizeof body, "{\"id\":\"w-1\",\"service\":\"A\",\"start\":"
	    "\"2026-12-04T10:00:00+01:00\",\"duration_min\":20,\"code\":\"WEB-H00K\","
	    "\"updated_at\":\"2026-12-01T09:00:00Z\"}");
	hmac_hex(SECRET, body, sig);
	/* Missing, wrong, or under another key: 401, nothing written. */
	CHECK_INT(req("POST", "/api/v1/appointments/webhook", NULL, body, NULL, NULL, NULL, &out), 401);
	CHECK(out && strstr(out, "\"bad_signature\""));
	free(out);
	CHECK_INT(req("POST", "/api/v1/appointments/webhook", NULL, body, "00", NULL, NULL, NULL), 401);
	snprintf(xsig, sizeof xsig, "%.63s0", sig);
	if (sig[63] == '0')
		xsig[63] = '1';
	CHECK_INT(req("POST", "/api/v1/appointments/webhook", NULL, body, xsig, NULL, NULL, NULL), 401);
	CHECK_INT(req("POST", "/api/v1/appointments/webhook", NULL, body, NULL, sig, NULL, NULL), 401);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM appointments"), 0);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM audit WHERE action LIKE 'appointment%'"), 0);
	/* Good: X-Lapin-Signature, then X-Signature: sha256=. */
	CHECK_INT(req("POST", "/api/v1/appointments/webhook", NULL, body, sig, NULL, NULL, &out), 200);
	CHECK(out && strstr(out, "\"status\":\"stored\""));
	free(out);
	snprintf(xsig, sizeof xsig, "sha256=%s", sig);
	CHECK_INT(req("POST", "/api/v1/appointments/webhook", NULL, body, NULL, xsig, NULL, &out), 200);
	CHECK(out && strstr(out, "\"status\":\"unchanged\""));
	free(out);
	/* The signature covers the body: the same signature on another body fails. */
	body[strlen(body) - 2] = '0';
	CHECK_INT(req("POST", "/api/v1/appointments/webhook", NULL, body, sig, NULL, NULL, NULL), 401);
	/* An older update: ignored. */
	snprintf(body, sizeof body, "{\"id\":\"w-1\",\"service\":\"A\",\"start\":"
	    "\"2026-12-04T11:00:00+01:00\",\"duration_min\":20,\"code\":\"WEBH00K\","
	    "\"updated_at\":\"2026-11-30T09:00:00Z\"}");
	hmac_hex(SECRET, body, sig);
	CHECK_INT(req("POST", "/api/v1/appointments/webhook", NULL, body, sig, NULL, NULL, &out), 200);
	CHECK(out && strstr(out, "\"status\":\"ignored_older\""));
	free(out);

	/* RDV Service Public's payload, its motif 4012 mapped by the site to B. */
	{
		size_t len;
		char *rdv = (char *)fixture_read("tests/data/appt/rdvsp_mapped.json", &len);
		REQUIRE(rdv != NULL);
		hmac_hex(SECRET, rdv, sig);
		CHECK_INT(req("POST", "/api/v1/appointments/webhook", NULL, rdv, sig, NULL, NULL, &out),
		    200);
		CHECK(out && strstr(out, "\"status\":\"stored\""));
		free(out);
		free(rdv);
		CHECK_INT(sql1(path, "SELECT COUNT(*) FROM appointments WHERE service = 'B' AND "
		    "ext_id LIKE '5b0e9f3c%'"), 1);
	}
	/* Check-in at 09:40 (its window opens at 09:30): the appointment's
	 * ticket, as the contract shows it. */
	api_now = T0 + 40 * MIN;
	CHECK_INT(req("POST", "/api/v1/appointments/checkin", auth[1], "{\"code\":\"WEBH00K\"}",
	    NULL, NULL, NULL, NULL), 403);
	CHECK_INT(req("POST", "/api/v1/appointments/checkin", auth[3], "{\"code\":\"webhook\","
	    "\"lang\":\"ar\"}", NULL, NULL, NULL, &out), 201);
	REQUIRE(out && (j = cJSON_Parse(out)) != NULL);
	CHECK_STR(cJSON_GetObjectItem(j, "kind")->valuestring, "appointment");
	CHECK_STR(cJSON_GetObjectItem(j, "number")->valuestring, "A001");
	CHECK_STR(cJSON_GetObjectItem(j, "lang")->valuestring, "ar");
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "duplicate")));
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "appointment"), "id")->valuestring, "w-1");
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "appointment"), "start")->valuestring,
	    "2026-12-04T10:00:00+01:00");
	CHECK_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "appointment"), "duration_min")->valueint,
	    20);
	CHECK(cJSON_IsString(cJSON_GetObjectItem(j, "token")));
	cJSON_Delete(j);
	free(out);

	/* The secret in no GET answer, whoever asks (and none configured: 401). */
	all_auth[0] = NULL;
	for (k = 0; k < 4; k++)
		all_auth[k + 1] = auth[k];
	for (i = 0; i < sizeof gets / sizeof gets[0]; i++) {
		for (k = 0; k < 5; k++) {
			req("GET", gets[i], all_auth[k], NULL, NULL, NULL, NULL, &out);
			if (out && strstr(out, SECRET))
				fprintf(stderr, "GET %s leaks the webhook secret: %s\n", gets[i], out);
			CHECK(out == NULL || strstr(out, SECRET) == NULL);
			free(out);
		}
	}
	api_free(api);
	bus_free(bus);
	desk_close(d);
	store_close(st);
	/* A site without a secret takes no webhook, whatever is sent. */
	d = open_site("api-nosecret.db", attest_ini, &st, path, sizeof path);
	REQUIRE((bus = bus_new(1000)) != NULL);
	REQUIRE((api = api_new(d, bus)) != NULL);
	hmac_hex("", body, sig);
	CHECK_INT(req("POST", "/api/v1/appointments/webhook", NULL, body, sig, NULL, NULL, &out), 401);
	CHECK(out && strstr(out, "no webhook"));
	free(out);
	CHECK_INT(sql1(path, "SELECT COUNT(*) FROM appointments"), 0);
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
	fixture_tmpdir(dir, sizeof dir, "test_appointments");
	memset(&keys, 0, sizeof keys);
	crypto_sign_keypair(keys.pk, keys.sk);
	snprintf(keys.site_id, sizeof keys.site_id, "test-93");

	test_site_keys();
	test_put();
	test_list();
	test_checkin();
	test_late_attestation();
	test_guess_alert();
	test_retention();
	test_api();

	fixture_rmdir(dir);
	return TEST_REPORT();
}
