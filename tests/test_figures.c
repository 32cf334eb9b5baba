/*
 * test_figures: the open figures per channel (issue #12): appointments and
 * walk-ins, per service and day, on a real SQLite file with a fixed clock.
 *
 * One day at service A (2 walk-in places, 7 appointments): appointments
 * checked in within their window and called, one cancelled, one too late
 * that became a walk-in (late = walkin), one too late when no walk-in place
 * was left (an attestation naming it), one too late that got an
 * attestation (the site then says late = attestation), one that never came
 * (a no-show), one not yet 15 minutes past its start (pending, then a
 * no-show); walk-ins, two of them turned away for lack of places. Service B
 * has nothing: its capacities and zeros.
 *
 *   - desk_channels: every figure, exactly, at 10:00 and at 10:05 (the
 *     pending one becomes a no-show on the dot), and the identities with
 *     the open figures' rows (tickets issued, attestations);
 *   - GET /api/v1/stats?day=: the "channels" array, exactly;
 *   - the CSV (desk_channels_csv, what `kiosk admin report --channels`
 *     prints and the /stats page builds), byte for byte;
 *   - GET /metrics: each channel family's samples;
 *   - GET /api/v1/stats?site=all and ?site=<id> (issue #11) on a site alone:
 *     the plain answer's figures; two sites pooled (stat_pool): counts
 *     added up, the percentiles of every wait together;
 *   - retention: once the day's tickets, appointments, attestations and
 *     events are gone, the same figures from the daily totals kept, through
 *     the desk, the API and the CSV; a second run changes nothing.
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
#include "core/buf.h"
#include "core/bus.h"
#include "http/api.h"
#include "desk/desk.h"
#include "store/store.h"
#include "fixture.h"

static char dir[256];
static struct desk_keys keys;
static const struct desk_actor kiosk1 = { "kiosk-1", 1, NULL };
static const struct desk_actor hook = { "webhook", 0, NULL };
static const struct desk_actor agent = { "agent-1", 0, NULL };
static const struct desk_actor admin = { "test", 0, NULL };

#define DAY "2026-12-04"
/* Friday 4 December 2026, hh:mm in Paris (CET, UTC+1). */
#define AT(h, m) utc(2026, 12, 4, (h) - 1, (m), 0)

#define SITE_HEAD \
    "[site]\nid = test-fig\nname = Test site\ntimezone = Europe/Paris\n" \
    "mon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\nthu = 00:00-24:00\n" \
    "fri = 00:00-24:00\nsat = 00:00-24:00\nsun = 00:00-24:00\nmetrics = public\n" \
    "[service A]\nname = Premier titre\ncapacity = 2\npriority_reserve = 0\nappointments = 7\n" \
    "[service B]\nname = Renouvellement\ncapacity = 5\npriority_reserve = 0\nappointments = 2\n" \
    "[counter 1]\nservices = A B\n[alerts]\nburst_per_minute = 0\n" \
    "[appointments]\ncheckin_before = 30\ncheckin_after = 15\n"

static const char walkin_ini[] = SITE_HEAD "late = walkin\n";
static const char attest_ini[] = SITE_HEAD "late = attestation\n";

static struct appt_in
appt(const char *id, int64_t start, const char *code, int cancelled)
{
	struct appt_in a;

	memset(&a, 0, sizeof a);
	snprintf(a.id, sizeof a.id, "%s", id);
	a.service = 'A';
	a.start = start;
	a.duration_min = 20;
	snprintf(a.code, sizeof a.code, "%s", code);
	a.status = cancelled ? APPT_CANCELLED : APPT_BOOKED;
	return a;
}

static void
put(struct desk *d, struct appt_in a, int64_t now)
{
	char err[300];

	if (desk_appt_put(d, &hook, "webhook", &a, 1, now, NULL, NULL, NULL, err, sizeof err) !=
	    DK_OK) {
		fprintf(stderr, "put %s: %s\n", a.id, err);
		REQUIRE(0);
	}
}

/* A check-in: the slip's kind; its number (a ticket's) into number. */
static int
checkin(struct desk *d, const char *code, int64_t now, char *number)
{
	struct desk_checkin in = { code, NULL, NULL, NULL };
	struct desk_checkin_out out;
	struct desk_events ev;
	char err[300];

	if (desk_checkin(d, &kiosk1, &in, now, &out, &ev, err, sizeof err) != DK_OK) {
		fprintf(stderr, "checkin %s: %s\n", code, err);
		REQUIRE(0);
	}
	if (number)
		snprintf(number, 12, "%s", out.slip.ticket.number);
	return out.slip.kind;
}

static int
walkin(struct desk *d, int64_t now, char *number)
{
	struct desk_issue in = { 'A', "fr", 0, NULL, NULL };
	struct desk_slip out;
	struct desk_events ev;
	char err[300];

	if (desk_issue(d, &kiosk1, &in, now, &out, &ev, err, sizeof err) != DK_OK) {
		fprintf(stderr, "issue: %s\n", err);
		REQUIRE(0);
	}
	if (number)
		snprintf(number, 12, "%s", out.ticket.number);
	return out.kind;
}

/* Call ticket `number` at counter 1 (the one called there before is done). */
static void
call(struct desk *d, const char *number, int64_t now)
{
	struct counter_view cv;
	struct desk_events ev;
	char err[300];

	if (desk_call_number(d, &agent, 1, DESK_ANY_CURRENT, number, "test", now, &cv, &ev, err,
	    sizeof err) != DK_OK) {
		fprintf(stderr, "call %s: %s\n", number, err);
		REQUIRE(0);
	}
}

static void
apply(struct desk *d, const char *name, const char *ini, int64_t now)
{
	struct site s;
	char sub[300], err[300];

	snprintf(sub, sizeof sub, "%s/%s", dir, name);
	REQUIRE(mkdir(sub, 0700) == 0);
	fixture_site(sub, ini, &s);
	if (desk_apply_site(d, &admin, &s, now, err, sizeof err) != DK_OK) {
		fprintf(stderr, "apply %s: %s\n", name, err);
		REQUIRE(0);
	}
}

/* -- what the day must show ------------------------------------------------------- */

/* The figures of A at 10:00 (pending 1) or later (pending 0, no_show 2). */
static struct channel_row
want_a(int pending)
{
	struct channel_row r;

	memset(&r, 0, sizeof r);
	r.service = 'A';
	r.appt = (struct channel_fig){ .capacity = 7, .left = 0, .booked = 7, .cancelled = 1,
		.checked_in = 2, .late_walkin = 1, .late_attestation = 2, .no_show = 2 - pending,
		.pending = pending, .issued = 2, .called = 2, .wait_mean_s = 1050,
		.wait_p50_s = 900, .wait_p90_s = 1200 };
	r.walkin = (struct channel_fig){ .capacity = 2, .left = 0, .issued = 2, .turned_away = 2,
		.called = 2, .wait_mean_s = 1350, .wait_p50_s = 900, .wait_p90_s = 1800 };
	return r;
}

static struct channel_row
want_b(void)
{
	struct channel_row r;

	memset(&r, 0, sizeof r);
	r.service = 'B';
	r.appt.capacity = r.appt.left = 2;
	r.walkin.capacity = r.walkin.left = 5;
	return r;
}

#define FIELDS(X) X(capacity) X(left) X(booked) X(cancelled) X(checked_in) X(late_walkin) \
    X(late_attestation) X(no_show) X(pending) X(issued) X(turned_away) X(called) \
    X(wait_mean_s) X(wait_p50_s) X(wait_p90_s)

static void
check_fig(const char *what, const struct channel_fig *got, const struct channel_fig *want)
{
#define ONE(f) if (got->f != want->f) { \
		fprintf(stderr, "%s: " #f " %d, expected %d\n", what, got->f, want->f); \
		CHECK(0); \
	} else CHECK(1);
	FIELDS(ONE)
#undef ONE
}

static void
check_rows(const char *when, const struct channel_row *ch, int n, int pending)
{
	struct channel_row a = want_a(pending), b = want_b();
	char what[80];

	CHECK_INT(n, 2);
	if (n != 2)
		return;
	CHECK_INT(ch[0].service, 'A');
	CHECK_INT(ch[1].service, 'B');
	snprintf(what, sizeof what, "%s A appointment", when);
	check_fig(what, &ch[0].appt, &a.appt);
	snprintf(what, sizeof what, "%s A walkin", when);
	check_fig(what, &ch[0].walkin, &a.walkin);
	snprintf(what, sizeof what, "%s B appointment", when);
	check_fig(what, &ch[1].appt, &b.appt);
	snprintf(what, sizeof what, "%s B walkin", when);
	check_fig(what, &ch[1].walkin, &b.walkin);
}

static const char want_csv[] = DESK_CHANNELS_CSV_HEAD "\n"
    DAY ",A,appointment,7,0,7,1,2,1,2,2,0,2,,2,1050,900,1200\n"
    DAY ",A,walkin,2,0,,,,,,,,2,2,2,1350,900,1800\n"
    DAY ",B,appointment,2,2,0,0,0,0,0,0,0,0,,0,0,0,0\n"
    DAY ",B,walkin,5,5,,,,,,,,0,0,0,0,0,0\n";

/* The metrics' channel samples of the day (after 10:05). */
static const char *const want_metrics[] = {
	"kiosk_channel_capacity_daily{site=\"test-fig\",service=\"A\",channel=\"appointment\"} 7\n",
	"kiosk_channel_capacity_daily{site=\"test-fig\",service=\"A\",channel=\"walkin\"} 2\n",
	"kiosk_channel_capacity_daily{site=\"test-fig\",service=\"B\",channel=\"walkin\"} 5\n",
	"kiosk_channel_capacity_left{site=\"test-fig\",service=\"A\",channel=\"appointment\"} 0\n",
	"kiosk_channel_capacity_left{site=\"test-fig\",service=\"B\",channel=\"appointment\"} 2\n",
	"kiosk_channel_issued_today{site=\"test-fig\",service=\"A\",channel=\"appointment\"} 2\n",
	"kiosk_channel_issued_today{site=\"test-fig\",service=\"A\",channel=\"walkin\"} 2\n",
	"kiosk_channel_wait_mean_seconds{site=\"test-fig\",service=\"A\",channel=\"appointment\"} 1050\n",
	"kiosk_channel_wait_mean_seconds{site=\"test-fig\",service=\"A\",channel=\"walkin\"} 1350\n",
	"kiosk_channel_wait_median_seconds{site=\"test-fig\",service=\"A\",channel=\"appointment\"} 900\n",
	"kiosk_channel_wait_p90_seconds{site=\"test-fig\",service=\"A\",channel=\"walkin\"} 1800\n",
	"kiosk_appointments_booked_today{site=\"test-fig\",service=\"A\",channel=\"appointment\"} 7\n",
	"kiosk_appointments_cancelled_today{site=\"test-fig\",service=\"A\",channel=\"appointment\"} 1\n",
	"kiosk_appointments_checked_in_today{site=\"test-fig\",service=\"A\",channel=\"appointment\"} 2\n",
	"kiosk_appointments_no_show_today{site=\"test-fig\",service=\"A\",channel=\"appointment\"} 2\n",
	"kiosk_appointments_pending_today{site=\"test-fig\",service=\"A\",channel=\"appointment\"} 0\n",
	"kiosk_appointments_late_today{site=\"test-fig\",service=\"A\",channel=\"appointment\",outcome=\"walkin\"} 1\n",
	"kiosk_appointments_late_today{site=\"test-fig\",service=\"A\",channel=\"appointment\",outcome=\"attestation\"} 2\n",
	"kiosk_walkins_turned_away_today{site=\"test-fig\",service=\"A\",channel=\"walkin\"} 2\n",
	"kiosk_walkins_turned_away_today{site=\"test-fig\",service=\"B\",channel=\"walkin\"} 0\n",
	"# TYPE kiosk_channel_wait_median_seconds gauge\n",
	"# HELP kiosk_appointments_late_today ",
};

/* -- through the API ------------------------------------------------------------- */

static int
get_stats_site(struct api *api, int64_t now, const char *site, cJSON **out)
{
	struct api_req q;
	struct api_resp r;

	memset(&q, 0, sizeof q);
	q.method = "GET";
	q.path = "/api/v1/stats";
	q.day = DAY;
	q.site = site;
	q.client = "10.0.0.9";
	q.now = now;
	api_handle(api, &q, &r);
	*out = r.body ? cJSON_Parse(r.body) : NULL;
	free(r.body);
	return r.status;
}

static int
get_stats(struct api *api, int64_t now, cJSON **out)
{
	struct api_req q;
	struct api_resp r;

	memset(&q, 0, sizeof q);
	q.method = "GET";
	q.path = "/api/v1/stats";
	q.day = DAY;
	q.client = "10.0.0.9";
	q.now = now;
	api_handle(api, &q, &r);
	*out = r.body ? cJSON_Parse(r.body) : NULL;
	free(r.body);
	return r.status;
}

static int
num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valueint : -1;
}

/* A channel object: each key it must have with its value; no other key. */
static void
check_json_fig(const char *what, const cJSON *o, const struct channel_fig *f, int appt)
{
	int nkeys = 0;
	const cJSON *it;

#define ONE(k) if ((appt || (strcmp(#k, "booked") && strcmp(#k, "cancelled") && \
	    strcmp(#k, "checked_in") && strcmp(#k, "late_walkin") && \
	    strcmp(#k, "late_attestation") && strcmp(#k, "no_show") && strcmp(#k, "pending"))) && \
	    (!appt || strcmp(#k, "turned_away"))) { \
		nkeys++; \
		if (num(o, #k) != f->k) { \
			fprintf(stderr, "%s: \"" #k "\" %d, expected %d\n", what, num(o, #k), f->k); \
			CHECK(0); \
		} else CHECK(1); \
	}
	FIELDS(ONE)
#undef ONE
	cJSON_ArrayForEach(it, o)
		nkeys--;
	CHECK_INT(nkeys, 0);
}

static void
check_json(const char *when, const cJSON *j, int pending)
{
	const cJSON *ch = cJSON_GetObjectItemCaseSensitive(j, "channels"), *rows, *r;
	struct channel_row a = want_a(pending), b = want_b();
	const struct channel_row *want[2] = { &a, &b };
	char what[80];
	int i;

	REQUIRE(cJSON_IsArray(ch));
	CHECK_INT(cJSON_GetArraySize(ch), 2);
	for (i = 0; i < 2 && i < cJSON_GetArraySize(ch); i++) {
		const cJSON *o = cJSON_GetArrayItem(ch, i);
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "service");
		CHECK(cJSON_IsString(s) && s->valuestring[0] == want[i]->service);
		snprintf(what, sizeof what, "%s JSON %c appointment", when, want[i]->service);
		check_json_fig(what, cJSON_GetObjectItemCaseSensitive(o, "appointment"),
		    &want[i]->appt, 1);
		snprintf(what, sizeof what, "%s JSON %c walkin", when, want[i]->service);
		check_json_fig(what, cJSON_GetObjectItemCaseSensitive(o, "walkin"), &want[i]->walkin,
		    0);
	}
	/* The open figures' whole-day row of A counts both channels. */
	rows = cJSON_GetObjectItemCaseSensitive(j, "rows");
	cJSON_ArrayForEach(r, rows) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(r, "service");
		if (cJSON_IsString(s) && s->valuestring[0] == 'A' &&
		    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r, "hour"))) {
			CHECK_INT(num(r, "issued"), a.walkin.issued + a.appt.checked_in);
			CHECK_INT(num(r, "attestations"), a.walkin.turned_away + a.appt.late_attestation);
		}
	}
}

/* j's key k and want's, printed, are the same. */
static int
same_key(const cJSON *j, const cJSON *want, const char *k)
{
	char *a = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, k));
	char *b = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(want, k));
	int same = a && b && !strcmp(a, b);

	if (!same)
		fprintf(stderr, "%s: %.300s\nexpected %.300s\n", k, a ? a : "(none)",
		    b ? b : "(none)");
	free(a);
	free(b);
	return same;
}

/*
 * ?site= (issue #11) on a site alone (SQLite, or PostgreSQL's public
 * schema): all sites are this one. Its rows, convocations and services are
 * the plain answer's, and so are its channels but for the percentiles
 * (null: they do not add up); ?site=<its id> is the plain answer; an
 * unknown id 404, an empty one 400.
 */
static void
check_all_sites(struct api *api, int64_t now)
{
	cJSON *plain, *j, *sites, *one, *ch, *it;

	CHECK_INT(get_stats(api, now, &plain), 200);
	REQUIRE(plain != NULL);
	CHECK_INT(get_stats_site(api, now, "all", &j), 200);
	REQUIRE(j != NULL);
	CHECK(same_key(j, plain, "rows"));
	CHECK(same_key(j, plain, "convocations"));
	CHECK(same_key(j, plain, "services"));
	CHECK(same_key(j, plain, "day"));
	sites = cJSON_GetObjectItemCaseSensitive(j, "sites");
	CHECK_INT(cJSON_GetArraySize(sites), 1);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "skipped")), 0);
	one = cJSON_GetArrayItem(sites, 0);
	REQUIRE(one != NULL);
	CHECK(!strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(one, "id")),
	    "test-fig"));
	CHECK(same_key(one, plain, "rows"));
	CHECK(same_key(one, plain, "channels"));
	ch = cJSON_GetObjectItemCaseSensitive(j, "channels");
	CHECK_INT(cJSON_GetArraySize(ch), 2);
	cJSON_ArrayForEach(it, ch) {
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(it, "walkin");
		const cJSON *pw = NULL, *p;
		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(plain, "channels"))
			if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "service")),
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "service"))))
				pw = cJSON_GetObjectItemCaseSensitive(p, "walkin");
		REQUIRE(pw != NULL);
		CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(w, "wait_p50_s")));
		CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(w, "wait_p90_s")));
		CHECK_INT(num(w, "issued"), num(pw, "issued"));
		CHECK_INT(num(w, "called"), num(pw, "called"));
		CHECK_INT(num(w, "wait_mean_s"), num(pw, "wait_mean_s"));
		CHECK_INT(num(w, "capacity"), num(pw, "capacity"));
	}
	cJSON_Delete(j);
	CHECK_INT(get_stats_site(api, now, "test-fig", &j), 200);
	REQUIRE(j != NULL);
	CHECK(same_key(j, plain, "rows"));
	CHECK(same_key(j, plain, "channels"));
	CHECK(same_key(j, plain, "convocations"));
	CHECK(same_key(j, plain, "services"));
	cJSON_Delete(j);
	CHECK_INT(get_stats_site(api, now, "nowhere", &j), 404);
	cJSON_Delete(j);
	CHECK_INT(get_stats_site(api, now, "", &j), 400);
	cJSON_Delete(j);
	cJSON_Delete(plain);
}

static void
check_metrics(struct api *api, int64_t now)
{
	struct api_resp r;
	size_t i;

	api_metrics(api, now, &r);
	CHECK_INT(r.status, 200);
	REQUIRE(r.body != NULL);
	for (i = 0; i < sizeof want_metrics / sizeof want_metrics[0]; i++)
		if (strstr(r.body, want_metrics[i]) == NULL) {
			fprintf(stderr, "metrics: no line %s", want_metrics[i]);
			CHECK(0);
		} else
			CHECK(1);
	/* Every sample of the channel families has a channel label. */
	{
		const char *p = r.body;
		while ((p = strstr(p, "\nkiosk_channel_")) != NULL) {
			const char *eol = strchr(p + 1, '\n');
			CHECK(eol && memmem(p, (size_t)(eol - p), "channel=\"", 9) != NULL);
			p++;
		}
	}
	free(r.body);
}

static void
check_csv(struct desk *d, int64_t now)
{
	struct channel_row ch[SITE_MAX_SERVICES];
	struct buf b = BUF_INIT;
	char err[300];
	int n = desk_channels(d, DAY, now, ch, SITE_MAX_SERVICES, err, sizeof err);

	CHECK_INT(n, 2);
	desk_channels_csv(&b, DAY, ch, n > 0 ? n : 0);
	CHECK(!b.failed);
	CHECK_STR(buf_str(&b), want_csv);
	buf_free(&b);
}

/* -- the day ------------------------------------------------------------------------ */

static void
test_day(void)
{
	struct channel_row ch[SITE_MAX_SERVICES];
	char path[400], a1[12], a2[12], w1[12], late[12], err[300];
	struct site s;
	struct store *st;
	struct desk *d;
	struct bus *bus;
	struct api *api;
	cJSON *j;
	int n;

	{
		char sub[300];
		snprintf(sub, sizeof sub, "%s/walkin", dir);
		REQUIRE(mkdir(sub, 0700) == 0);
		fixture_site(sub, walkin_ini, &s);
	}
	fixture_path(path, sizeof path, dir, "figures.db");
	d = fixture_desk(path, &s, &keys, AT(7, 0), &st);

	/* The day's appointments, booked the day before at 08:00. */
	put(d, appt("a1", AT(9, 0), "FIGA21", 0), AT(8, 0) - 86400);
	put(d, appt("a2", AT(9, 30), "FIGA22", 0), AT(8, 0) - 86400);
	put(d, appt("a3", AT(9, 0), "FIGA23", 0), AT(8, 0) - 86400);
	put(d, appt("a3", AT(9, 0), "FIGA23", 1), AT(8, 0) - 86000);   /* cancelled */
	put(d, appt("a4", AT(8, 0), "FIGA24", 0), AT(8, 0) - 86400);
	put(d, appt("a5", AT(8, 10), "FIGA25", 0), AT(8, 0) - 86400);
	put(d, appt("a6", AT(8, 20), "FIGA26", 0), AT(8, 0) - 86400);
	put(d, appt("a7", AT(9, 50), "FIGA27", 0), AT(8, 0) - 86400);
	put(d, appt("a8", AT(8, 30), "FIGA28", 0), AT(8, 0) - 86400);

	CHECK_INT(checkin(d, "FIGA21", AT(8, 50), a1), DS_TICKET);      /* 10 min early */
	CHECK_INT(walkin(d, AT(8, 55), w1), DS_TICKET);                 /* walk-in place 1 */
	CHECK_INT(checkin(d, "FIGA24", AT(9, 0), late), DS_TICKET);     /* 60 min late: walk-in place 2 */
	CHECK_INT(checkin(d, "FIGA28", AT(9, 1), NULL), DS_ATTESTATION); /* 31 min late, no place */
	CHECK_INT(fixture_sql1(path, "SELECT COUNT(*) FROM attestations a JOIN appointments p ON "
	    "p.id = a.appointment_id WHERE a.outcome = 'full' AND p.ext_id = 'a8'"), 1);
	apply(d, "attest", attest_ini, AT(9, 1) + 30);
	CHECK_INT(checkin(d, "FIGA25", AT(9, 2), NULL), DS_ATTESTATION); /* 52 min late */
	CHECK_INT(walkin(d, AT(9, 3), NULL), DS_ATTESTATION);           /* no walk-in place left */
	CHECK_INT(walkin(d, AT(9, 4), NULL), DS_ATTESTATION);
	call(d, a1, AT(9, 5));          /* waited 15 min since the check-in */
	call(d, w1, AT(9, 10));         /* 15 min */
	CHECK_INT(checkin(d, "FIGA22", AT(9, 20), a2), DS_TICKET);      /* 10 min early */
	call(d, late, AT(9, 30));       /* 30 min */
	call(d, a2, AT(9, 40));         /* 20 min */

	/* 10:00: a7 (09:50) is not yet 15 minutes past its start. */
	n = desk_channels(d, DAY, AT(10, 0), ch, SITE_MAX_SERVICES, err, sizeof err);
	check_rows("10:00", ch, n, 1);
	/* 10:05: it is, on the dot. */
	n = desk_channels(d, DAY, AT(10, 5), ch, SITE_MAX_SERVICES, err, sizeof err);
	check_rows("10:05", ch, n, 0);
	n = desk_channels(d, DAY, AT(10, 5) - 1, ch, SITE_MAX_SERVICES, err, sizeof err);
	CHECK_INT(n > 0 ? ch[0].appt.pending : -1, 1);

	bus = bus_new(1);
	api = api_new(d, bus);
	REQUIRE(api != NULL);
	CHECK_INT(get_stats(api, AT(10, 0), &j), 200);
	REQUIRE(j != NULL);
	check_json("10:00", j, 1);
	cJSON_Delete(j);
	CHECK_INT(get_stats(api, AT(11, 0), &j), 200);
	REQUIRE(j != NULL);
	check_json("11:00", j, 0);
	cJSON_Delete(j);
	check_csv(d, AT(11, 0));
	check_metrics(api, AT(11, 0));
	check_all_sites(api, AT(11, 0));

	/* Retention, 14 months later: the day's rows go, its figures stay. */
	CHECK_INT(desk_retention(d, AT(11, 0) + 430LL * 86400, err, sizeof err), DK_OK);
	CHECK_INT(fixture_sql1(path, "SELECT (SELECT COUNT(*) FROM tickets) + (SELECT COUNT(*) FROM "
	    "appointments) + (SELECT COUNT(*) FROM attestations) + (SELECT COUNT(*) FROM events "
	    "WHERE day = '" DAY "')"), 0);
	CHECK(fixture_sql1(path, "SELECT COUNT(*) FROM daily_totals WHERE day = '" DAY "' AND "
	    "kind LIKE 'appointment.%'") > 0);
	n = desk_channels(d, DAY, AT(11, 0) + 430LL * 86400, ch, SITE_MAX_SERVICES, err, sizeof err);
	check_rows("after retention", ch, n, 0);
	CHECK_INT(get_stats(api, AT(11, 0) + 430LL * 86400, &j), 200);
	REQUIRE(j != NULL);
	check_json("after retention", j, 0);
	cJSON_Delete(j);
	check_csv(d, AT(11, 0) + 430LL * 86400);
	/* Again: nothing left to keep, nothing changes. */
	CHECK_INT(desk_retention(d, AT(11, 0) + 431LL * 86400, err, sizeof err), DK_OK);
	check_csv(d, AT(11, 0) + 431LL * 86400);

	api_free(api);
	bus_free(bus);
	desk_close(d);
	store_close(st);
}

/* -- all sites together (issue #11): the pool ------------------------------------ */

struct pooled {
	struct stat_pool *pool;
	struct stat_row rows[SITE_MAX_SERVICES * 25];
	int n;
};

static int
pooled_tx(struct store *st, void *arg)
{
	struct pooled *p = arg;

	p->n = store_stats_pooled(st, DAY, p->rows, SITE_MAX_SERVICES * 25, p->pool);
	return p->n < 0 ? ST_ERR : ST_OK;
}

static const struct stat_row *
day_row(const struct stat_row *rows, int n, char service)
{
	int i;

	for (i = 0; i < n; i++)
		if (rows[i].service == service && rows[i].hour < 0)
			return &rows[i];
	return NULL;
}

/*
 * Two sites (two databases here: the pool is the store's, whatever the
 * sites' schemas): the rows of the whole add up the counts, and their
 * percentiles are those of every wait together. Site 1 waits 60 and 600 s,
 * site 2 300 and 1200 s: together the median is 300 and the 9-in-10 1200,
 * not a mean of the sites' (60 and 300; 600 and 1200). The mean service
 * time is that of the two served tickets (660 and 1020 s).
 */
static void
test_pool(void)
{
	static const int waits[2][2] = { { 60, 600 }, { 300, 1200 } };
	static struct pooled per[2];
	static struct stat_row all[SITE_MAX_SERVICES * 25];
	struct stat_pool *pool = stat_pool_new();
	const struct stat_row *r;
	char err[300];
	int k, n;

	REQUIRE(pool != NULL);
	for (k = 0; k < 2; k++) {
		char sub[300], path[400], t1[12], t2[12];
		struct site s;
		struct store *st;
		struct desk *d;
		snprintf(sub, sizeof sub, "%s/pool%d", dir, k);
		REQUIRE(mkdir(sub, 0700) == 0);
		fixture_site(sub, walkin_ini, &s);
		fixture_path(path, sizeof path, sub, "site.db");
		d = fixture_desk(path, &s, &keys, AT(7, 0), &st);
		CHECK_INT(walkin(d, AT(9, 0), t1), DS_TICKET);
		CHECK_INT(walkin(d, AT(9, 2), t2), DS_TICKET);
		call(d, t1, AT(9, 0) + waits[k][0]);
		call(d, t2, AT(9, 2) + waits[k][1]);   /* t1 served until then */
		per[k].pool = pool;
		CHECK_INT(store_read(st, pooled_tx, &per[k], err, sizeof err), ST_OK);
		desk_close(d);
		store_close(st);
	}
	r = day_row(per[0].rows, per[0].n, 'A');
	REQUIRE(r != NULL);
	CHECK_INT(r->wait_p50_s, 60);
	r = day_row(per[1].rows, per[1].n, 'A');
	REQUIRE(r != NULL);
	CHECK_INT(r->wait_p50_s, 300);
	n = stat_pool_rows(pool, all, SITE_MAX_SERVICES * 25);
	CHECK_INT(n, 2 * 25);       /* A and B, the day and 24 hours each */
	r = day_row(all, n, 'A');
	REQUIRE(r != NULL);
	CHECK_INT(r->issued, 4);
	CHECK_INT(r->wait_p50_s, 300);
	CHECK_INT(r->wait_p90_s, 1200);
	CHECK_INT(r->service_avg_s, (660 + 1020) / 2);
	/* The 09:00 hour holds all four; the others none. */
	CHECK_INT(all[10].hour, 9);
	CHECK_INT(all[10].issued, 4);
	CHECK_INT(all[10].wait_p90_s, 1200);
	CHECK_INT(all[11].issued, 0);
	r = day_row(all, n, 'B');
	CHECK(r != NULL && r->issued == 0 && r->wait_p50_s == 0);
	stat_pool_free(pool);
	stat_pool_free(NULL);
}

int
main(void)
{
	REQUIRE(sodium_init() >= 0);
	fixture_tz("Europe/Paris");
	fixture_tmpdir(dir, sizeof dir, "test_figures");
	memset(&keys, 0, sizeof keys);
	crypto_sign_keypair(keys.pk, keys.sk);
	snprintf(keys.site_id, sizeof keys.site_id, "test-fig");

	test_day();
	test_pool();

	fixture_rmdir(dir);
	return TEST_REPORT();
}
