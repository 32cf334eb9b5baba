/*
 * test_queue: the queue rules of kiosk/core/queue.c, which are pure functions of
 * their arguments and the process time zone. Time is a parameter, so the
 * tests cross midnight and both daylight-saving changes of 2026 in
 * Europe/Paris (29 March: 02:00 CET -> 03:00 CEST; 25 October: 03:00 CEST ->
 * 02:00 CET) just by passing numbers. Instants are built from UTC with
 * timegm(), so no expected value depends on the machine's zone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/queue.h"
#include "core/site.h"
#include "fixture.h"

static void
day_is(int64_t t, const char *want)
{
	char day[11];
	queue_local_day(t, day);
	CHECK_STR(day, want);
}

static void
rfc_is(int64_t t, const char *want)
{
	char buf[32];
	queue_rfc3339(t, buf);
	CHECK_STR(buf, want);
}

static void
minute_is(int64_t t, int want_minute, int want_wday)
{
	int m = -1, w = -1;
	queue_local_minute(t, &m, &w);
	CHECK_INT(m, want_minute);
	CHECK_INT(w, want_wday);
}

static void
test_valid_day(void)
{
	CHECK_INT(queue_valid_day("2026-11-27"), 1);
	CHECK_INT(queue_valid_day("2028-02-29"), 1);    /* leap year */
	CHECK_INT(queue_valid_day("2000-02-29"), 1);    /* divisible by 400 */
	CHECK_INT(queue_valid_day("2026-12-31"), 1);
	CHECK_INT(queue_valid_day("1970-01-01"), 1);
	CHECK_INT(queue_valid_day("9999-12-31"), 1);
	CHECK_INT(queue_valid_day("9999-99-99"), 0);
	CHECK_INT(queue_valid_day("2026-02-30"), 0);
	CHECK_INT(queue_valid_day("2026-02-29"), 0);    /* not a leap year */
	CHECK_INT(queue_valid_day("2100-02-29"), 0);    /* divisible by 100 only */
	CHECK_INT(queue_valid_day("2026-04-31"), 0);
	CHECK_INT(queue_valid_day("2026-13-01"), 0);
	CHECK_INT(queue_valid_day("2026-00-10"), 0);
	CHECK_INT(queue_valid_day("2026-01-00"), 0);
	CHECK_INT(queue_valid_day("0000-01-01"), 0);
	CHECK_INT(queue_valid_day("2026-1-01"), 0);
	CHECK_INT(queue_valid_day("2026-01-01 "), 0);
	CHECK_INT(queue_valid_day("2026/01/01"), 0);
	CHECK_INT(queue_valid_day("2026-0a-01"), 0);
	CHECK_INT(queue_valid_day("2026-01"), 0);
	CHECK_INT(queue_valid_day(""), 0);
}

static void
test_numbers(void)
{
	char buf[16];

	queue_format_number('A', 1, buf, sizeof buf);
	CHECK_STR(buf, "A001");
	queue_format_number('A', 42, buf, sizeof buf);
	CHECK_STR(buf, "A042");
	queue_format_number('B', 99, buf, sizeof buf);
	CHECK_STR(buf, "B099");
	queue_format_number('A', 999, buf, sizeof buf);
	CHECK_STR(buf, "A999");
	/* Past 999 the number grows a digit: never A000 again the same day. */
	queue_format_number('A', 1000, buf, sizeof buf);
	CHECK_STR(buf, "A1000");
	queue_format_number('Z', 12345, buf, sizeof buf);
	CHECK_STR(buf, "Z12345");
	/* A short buffer is truncated, never overrun. */
	memset(buf, 'x', sizeof buf);
	queue_format_number('A', 1000, buf, 4);
	CHECK_STR(buf, "A10");
	CHECK(buf[5] == 'x');
	/* Every number of a busy day is distinct. */
	{
		static char seen[2000][12];
		int i, dup = 0;
		for (i = 1; i < 2000; i++) {
			queue_format_number('C', i, seen[i], sizeof seen[i]);
			if (i > 1 && strcmp(seen[i], seen[i - 1]) == 0)
				dup++;
		}
		CHECK_INT(dup, 0);
		CHECK_STR(seen[999], "C999");
		CHECK_STR(seen[1000], "C1000");
		CHECK_STR(seen[1999], "C1999");
	}
}

static void
test_midnight_and_dst(void)
{
	/* Ordinary winter midnight: CET = UTC+1. */
	day_is(utc(2026, 11, 26, 22, 59, 59), "2026-11-26");
	day_is(utc(2026, 11, 26, 23, 0, 0), "2026-11-27");
	rfc_is(utc(2026, 11, 27, 8, 14, 5), "2026-11-27T09:14:05+01:00");
	minute_is(utc(2026, 11, 26, 23, 0, 0), 0, 5);       /* Friday 00:00 */
	minute_is(utc(2026, 11, 26, 22, 59, 59), 23 * 60 + 59, 4);
	/* Summer midnight: CEST = UTC+2. */
	day_is(utc(2026, 7, 14, 21, 59, 59), "2026-07-14");
	day_is(utc(2026, 7, 14, 22, 0, 0), "2026-07-15");
	rfc_is(utc(2026, 7, 14, 22, 0, 0), "2026-07-15T00:00:00+02:00");

	/* Spring forward, Sunday 29 March 2026. */
	day_is(utc(2026, 3, 28, 22, 59, 59), "2026-03-28");   /* Sat 23:59:59 CET */
	day_is(utc(2026, 3, 28, 23, 0, 0), "2026-03-29");     /* Sun 00:00:00 CET */
	rfc_is(utc(2026, 3, 28, 23, 0, 0), "2026-03-29T00:00:00+01:00");
	rfc_is(utc(2026, 3, 29, 0, 59, 59), "2026-03-29T01:59:59+01:00");
	rfc_is(utc(2026, 3, 29, 1, 0, 0), "2026-03-29T03:00:00+02:00");   /* 02:00 never exists */
	minute_is(utc(2026, 3, 29, 1, 0, 0), 3 * 60, 0);
	day_is(utc(2026, 3, 29, 21, 59, 59), "2026-03-29");   /* Sun 23:59:59 CEST */
	day_is(utc(2026, 3, 29, 22, 0, 0), "2026-03-30");     /* Mon 00:00:00 CEST */
	rfc_is(utc(2026, 3, 29, 22, 0, 0), "2026-03-30T00:00:00+02:00");
	minute_is(utc(2026, 3, 29, 22, 0, 0), 0, 1);
	/* The local day of 29 March is 23 hours long. */
	CHECK_INT(utc(2026, 3, 29, 22, 0, 0) - utc(2026, 3, 28, 23, 0, 0), 23 * 3600);

	/* Fall back, Sunday 25 October 2026. */
	day_is(utc(2026, 10, 24, 21, 59, 59), "2026-10-24");  /* Sat 23:59:59 CEST */
	day_is(utc(2026, 10, 24, 22, 0, 0), "2026-10-25");    /* Sun 00:00:00 CEST */
	rfc_is(utc(2026, 10, 24, 22, 0, 0), "2026-10-25T00:00:00+02:00");
	/* 02:30 happens twice: once in CEST, once in CET; same day, same minute. */
	rfc_is(utc(2026, 10, 25, 0, 30, 0), "2026-10-25T02:30:00+02:00");
	rfc_is(utc(2026, 10, 25, 1, 30, 0), "2026-10-25T02:30:00+01:00");
	minute_is(utc(2026, 10, 25, 0, 30, 0), 150, 0);
	minute_is(utc(2026, 10, 25, 1, 30, 0), 150, 0);
	day_is(utc(2026, 10, 25, 1, 30, 0), "2026-10-25");
	day_is(utc(2026, 10, 25, 22, 59, 59), "2026-10-25");  /* Sun 23:59:59 CET */
	day_is(utc(2026, 10, 25, 23, 0, 0), "2026-10-26");    /* Mon 00:00:00 CET */
	rfc_is(utc(2026, 10, 25, 23, 0, 0), "2026-10-26T00:00:00+01:00");
	minute_is(utc(2026, 10, 25, 23, 0, 0), 0, 1);
	CHECK_INT(utc(2026, 10, 25, 23, 0, 0) - utc(2026, 10, 24, 22, 0, 0), 25 * 3600);
}

static void
fill_site(struct site *s)
{
	int d;

	memset(s, 0, sizeof *s);
	snprintf(s->id, sizeof s->id, "test-site");
	snprintf(s->tz, sizeof s->tz, "Europe/Paris");
	for (d = 0; d < 7; d++) {
		s->hours[d].open_min = 8 * 60 + 30;
		s->hours[d].close_min = 16 * 60;
	}
	s->hours[6].open_min = s->hours[6].close_min = -1;   /* Saturday closed */
	s->max_recalls = 2;
	s->priority_streak = 3;
	s->reprint_limit = 2;
	s->default_service_s = 600;
}

/* queue_next_open_day's callback: Saturday 28 November opens 09:00-12:00
 * (the weekly hours close Saturdays), Sunday 29 and Monday 30 are closed. */
static int
exceptions(void *arg, const char *day, struct site_hours *h)
{
	(*(int *)arg)++;
	if (!strcmp(day, "2026-11-28")) {
		h->open_min = 9 * 60;
		h->close_min = 12 * 60;
		return 1;
	}
	if (!strcmp(day, "2026-11-29") || !strcmp(day, "2026-11-30")) {
		h->open_min = h->close_min = -1;
		return 1;
	}
	return 0;
}

static int
sat_closed_only(void *arg, const char *day, struct site_hours *h)
{
	if (!strcmp(day, "2026-11-28"))
		return 0;
	return exceptions(arg, day, h);
}

static void
test_next_open_day(void)
{
	struct site s;
	char day[11];
	int min = -1, calls = 0;

	fill_site(&s);
	/* Friday 27 November 2026, 17:00: the exceptional Saturday opening. */
	CHECK_INT(queue_next_open_day(&s, utc(2026, 11, 27, 16, 0, 0), exceptions, &calls, day,
	    &min), 0);
	CHECK_STR(day, "2026-11-28");
	CHECK_INT(min, 9 * 60);
	CHECK_INT(calls, 1);
	/* Without it: Sunday and Monday closed, so Tuesday 1 December at 08:30. */
	CHECK_INT(queue_next_open_day(&s, utc(2026, 11, 27, 16, 0, 0), sat_closed_only, &calls, day,
	    &min), 0);
	CHECK_STR(day, "2026-12-01");
	CHECK_INT(min, 8 * 60 + 30);
	/* No callback: the weekly hours (Sunday 29). */
	CHECK_INT(queue_next_open_day(&s, utc(2026, 11, 27, 16, 0, 0), NULL, NULL, day, &min), 0);
	CHECK_STR(day, "2026-11-29");
	/* Never open: none within a year. */
	for (min = 0; min < 7; min++)
		s.hours[min].open_min = s.hours[min].close_min = -1;
	CHECK_INT(queue_next_open_day(&s, utc(2026, 11, 27, 16, 0, 0), NULL, NULL, day, &min), -1);
}

static void
test_open(void)
{
	struct site s;
	struct tm tm;
	time_t t;
	int r;

	fill_site(&s);
	/* Friday 27 November 2026, CET. */
	CHECK_INT(queue_is_open(&s, utc(2026, 11, 27, 7, 29, 59)), 0);   /* 08:29:59 */
	CHECK_INT(queue_is_open(&s, utc(2026, 11, 27, 7, 30, 0)), 1);    /* 08:30 */
	CHECK_INT(queue_is_open(&s, utc(2026, 11, 27, 14, 59, 59)), 1);  /* 15:59:59 */
	CHECK_INT(queue_is_open(&s, utc(2026, 11, 27, 15, 0, 0)), 0);    /* 16:00 */
	/* Saturday: closed all day. */
	CHECK_INT(queue_is_open(&s, utc(2026, 11, 28, 10, 0, 0)), 0);
	/* Summer: the same local hours are an hour earlier in UTC. */
	CHECK_INT(queue_is_open(&s, utc(2026, 7, 15, 6, 30, 0)), 1);     /* 08:30 CEST */
	CHECK_INT(queue_is_open(&s, utc(2026, 7, 15, 6, 29, 0)), 0);
	/* The first opening after spring forward (Monday 30 March, CEST). */
	CHECK_INT(queue_is_open(&s, utc(2026, 3, 30, 6, 30, 0)), 1);
	CHECK_INT(queue_is_open(&s, utc(2026, 3, 30, 7, 29, 0)), 1);     /* 09:29 CEST */
	CHECK_INT(queue_is_open(&s, utc(2026, 3, 30, 13, 59, 0)), 1);    /* 15:59 CEST */
	CHECK_INT(queue_is_open(&s, utc(2026, 3, 30, 14, 0, 0)), 0);     /* 16:00 CEST */
	/* After fall back (Monday 26 October, CET). */
	CHECK_INT(queue_is_open(&s, utc(2026, 10, 26, 7, 30, 0)), 1);
	CHECK_INT(queue_is_open(&s, utc(2026, 10, 26, 6, 30, 0)), 0);    /* 07:30 CET */

	/* A site open at night on Sunday: 02:30 does not exist on 29 March.
	 * mktime() of that wall time lands next to the gap; whatever it
	 * gives, queue_is_open answers 0 or 1 and does not crash. */
	s.hours[0].open_min = 2 * 60;
	s.hours[0].close_min = 3 * 60;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 2;
	tm.tm_mday = 29;
	tm.tm_hour = 2;
	tm.tm_min = 30;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	CHECK(t != (time_t)-1);
	r = queue_is_open(&s, (int64_t)t);
	CHECK(r == 0 || r == 1);
	/* Around the gap: 01:59:59 CET is before the window, the next
	 * second is 03:00:00 CEST, after it: that night it is never open. */
	CHECK_INT(queue_is_open(&s, utc(2026, 3, 29, 0, 59, 59)), 0);
	CHECK_INT(queue_is_open(&s, utc(2026, 3, 29, 1, 0, 0)), 0);
	/* On 25 October the 02:00-03:00 window happens twice (2 hours open). */
	CHECK_INT(queue_is_open(&s, utc(2026, 10, 25, 0, 30, 0)), 1);   /* 02:30 CEST */
	CHECK_INT(queue_is_open(&s, utc(2026, 10, 25, 1, 30, 0)), 1);   /* 02:30 CET */
	CHECK_INT(queue_is_open(&s, utc(2026, 10, 25, 2, 0, 0)), 0);    /* 03:00 CET */
	/* A closing time of 24:00 includes 23:59:59. */
	s.hours[5].open_min = 0;
	s.hours[5].close_min = 24 * 60;
	CHECK_INT(queue_is_open(&s, utc(2026, 11, 27, 22, 59, 59)), 1);
	CHECK_INT(queue_is_open(&s, utc(2026, 11, 26, 23, 0, 0)), 1);
}

/* queue_pick for walk-ins only, as before appointments: *prio 1 for the
 * priority lane. */
static int64_t
pick(const struct queue_head *h, int n, int priority_streak, int *idx, int *prio)
{
	struct queue_rules r = { priority_streak, 3 };
	enum queue_lane lane = QUEUE_APPOINTMENT;
	int64_t id = queue_pick(h, n, &r, idx, &lane);

	CHECK(lane != QUEUE_APPOINTMENT);
	CHECK((id == 0) == (lane == QUEUE_NOBODY));
	*prio = lane == QUEUE_PRIORITY;
	return id;
}

static void
test_pick(void)
{
	struct queue_head h[3];
	int idx, prio, i, streak, nprio;
	int64_t id;
	char seq[16];

	memset(h, 0, sizeof h);
	/* Nobody waiting. */
	idx = 7;
	prio = 7;
	CHECK_INT(pick(h, 3, 3, &idx, &prio), 0);
	CHECK_INT(idx, -1);
	CHECK_INT(prio, 0);
	CHECK_INT(pick(h, 0, 3, &idx, &prio), 0);
	/* Counter order: the first service with anybody waiting, even if a
	 * later one has older tickets. */
	h[0].service = 'B';
	h[1].service = 'A';
	h[1].ord_id = 5;
	h[2].service = 'C';
	h[2].ord_id = 1;
	CHECK_INT(pick(h, 3, 3, &idx, &prio), 5);
	CHECK_INT(idx, 1);
	CHECK_INT(prio, 0);
	h[0].ord_id = 9;
	CHECK_INT(pick(h, 3, 3, &idx, &prio), 9);
	CHECK_INT(idx, 0);
	/* Priority first within the service. */
	h[0].prio_id = 12;
	CHECK_INT(pick(h, 3, 3, &idx, &prio), 12);
	CHECK_INT(idx, 0);
	CHECK_INT(prio, 1);
	/* A priority ticket of a later service does not jump the counter's order. */
	h[0].prio_id = 0;
	h[1].prio_id = 3;
	CHECK_INT(pick(h, 3, 3, &idx, &prio), 9);
	CHECK_INT(prio, 0);
	/* Starvation rule: after `streak` priority calls, one ordinary. */
	h[0].prio_id = 12;
	h[0].streak = 2;
	CHECK_INT(pick(h, 3, 3, &idx, &prio), 12);
	h[0].streak = 3;
	CHECK_INT(pick(h, 3, 3, &idx, &prio), 9);
	CHECK_INT(prio, 0);
	h[0].streak = 10;
	CHECK_INT(pick(h, 3, 3, &idx, &prio), 9);
	/* ... but with no ordinary ticket waiting, priority goes on. */
	h[0].ord_id = 0;
	CHECK_INT(pick(h, 3, 3, &idx, &prio), 12);
	CHECK_INT(prio, 1);
	/* priority_streak 1: strict alternation when both wait. */
	h[0].ord_id = 9;
	h[0].streak = 1;
	CHECK_INT(pick(h, 1, 1, &idx, &prio), 9);
	h[0].streak = 0;
	CHECK_INT(pick(h, 1, 1, &idx, &prio), 12);

	/* A whole sequence, with the streak kept as the store keeps it
	 * (+1 after a priority call, 0 after an ordinary one), both queues
	 * never empty: P P P O P P P O ... */
	memset(h, 0, sizeof h);
	h[0].service = 'A';
	h[0].prio_id = 100;
	h[0].ord_id = 200;
	streak = 0;
	nprio = 0;
	for (i = 0; i < 12; i++) {
		h[0].streak = streak;
		id = pick(h, 1, 3, &idx, &prio);
		CHECK_INT(id, prio ? 100 : 200);
		seq[i] = prio ? 'P' : 'O';
		nprio += prio;
		streak = prio ? streak + 1 : 0;
	}
	seq[12] = '\0';
	CHECK_STR(seq, "PPPOPPPOPPPO");
	CHECK_INT(nprio, 9);
}

/*
 * Appointments: one whose time has come goes before the walk-ins of its
 * service, but never more than appointment_streak in a row while walk-ins
 * wait. A morning where every appointment runs late (six due at once, with
 * walk-ins and a priority walk-in waiting) still calls a walk-in every
 * fourth call, and the priority rule holds among walk-ins.
 */
static void
test_pick_appointments(void)
{
	struct queue_head h[2];
	struct queue_rules r = { 3, 3 };
	enum queue_lane lane;
	int idx, i, appt_streak = 0, streak = 0, appts = 6, prios = 2, ords = 4;
	char seq[16];

	memset(h, 0, sizeof h);
	h[0].service = 'A';
	h[1].service = 'B';
	/* Only an appointment waits, in the counter's second service. */
	h[1].appt_id = 40;
	CHECK_INT(queue_pick(h, 2, &r, &idx, &lane), 40);
	CHECK_INT(idx, 1);
	CHECK_INT(lane, QUEUE_APPOINTMENT);
	/* The counter's order still comes first: a walk-in of A before B's appointment. */
	h[0].ord_id = 7;
	CHECK_INT(queue_pick(h, 2, &r, &idx, &lane), 7);
	CHECK_INT(lane, QUEUE_ORDINARY);
	/* In one service, a due appointment before walk-ins, even priority ones. */
	h[0].appt_id = 30;
	h[0].prio_id = 9;
	CHECK_INT(queue_pick(h, 2, &r, &idx, &lane), 30);
	CHECK_INT(idx, 0);
	CHECK_INT(lane, QUEUE_APPOINTMENT);
	/* After appointment_streak appointments in a row, a walk-in: priority first. */
	h[0].appt_streak = 3;
	CHECK_INT(queue_pick(h, 2, &r, &idx, &lane), 9);
	CHECK_INT(lane, QUEUE_PRIORITY);
	h[0].streak = 3;
	CHECK_INT(queue_pick(h, 2, &r, &idx, &lane), 7);
	CHECK_INT(lane, QUEUE_ORDINARY);
	/* No walk-in waiting: appointments go on whatever the streak. */
	h[0].prio_id = h[0].ord_id = 0;
	h[0].appt_streak = 12;
	CHECK_INT(queue_pick(h, 2, &r, &idx, &lane), 30);
	CHECK_INT(lane, QUEUE_APPOINTMENT);
	/* appointment_streak 1: strict alternation while both wait. */
	r.appointment_streak = 1;
	h[0].ord_id = 7;
	h[0].appt_streak = 1;
	CHECK_INT(queue_pick(h, 2, &r, &idx, &lane), 7);
	h[0].appt_streak = 0;
	CHECK_INT(queue_pick(h, 2, &r, &idx, &lane), 30);

	/* The late morning, with the streaks kept as the desk keeps them. */
	r.appointment_streak = 3;
	memset(h, 0, sizeof h);
	h[0].service = 'A';
	for (i = 0; i < 12; i++) {
		h[0].appt_id = appts ? 100 : 0;
		h[0].prio_id = prios ? 200 : 0;
		h[0].ord_id = ords ? 300 : 0;
		h[0].appt_streak = appt_streak;
		h[0].streak = streak;
		queue_pick(h, 1, &r, &idx, &lane);
		seq[i] = lane == QUEUE_APPOINTMENT ? 'R' : lane == QUEUE_PRIORITY ? 'P' :
		    lane == QUEUE_ORDINARY ? 'O' : '-';
		if (lane == QUEUE_APPOINTMENT) {
			appts--;
			appt_streak++;
		} else {
			appt_streak = 0;
			if (lane == QUEUE_PRIORITY)
				prios--, streak++;
			else if (lane == QUEUE_ORDINARY)
				ords--, streak = 0;
		}
	}
	seq[12] = '\0';
	CHECK_STR(seq, "RRRPRRRPOOOO");
}

static void
test_estimate(void)
{
	CHECK_INT(queue_estimate_wait(0, 2, 600), 0);
	CHECK_INT(queue_estimate_wait(-3, 2, 600), 0);
	CHECK_INT(queue_estimate_wait(1, 1, 600), 600);
	CHECK_INT(queue_estimate_wait(5, 2, 600), 1500);
	CHECK_INT(queue_estimate_wait(6, 3, 720), 1440);
	/* No open counter counts as one (never a division by zero). */
	CHECK_INT(queue_estimate_wait(4, 0, 300), 1200);
	CHECK_INT(queue_estimate_wait(4, -1, 300), 1200);
	/* Capped at a day, and no overflow on silly inputs. */
	CHECK_INT(queue_estimate_wait(1000, 1, 600), 86400);
	CHECK_INT(queue_estimate_wait(2000000000, 1, 2000000000), 86400);
	/* More counters, shorter wait; more people, longer wait. */
	CHECK(queue_estimate_wait(10, 4, 600) < queue_estimate_wait(10, 2, 600));
	CHECK(queue_estimate_wait(11, 2, 600) >= queue_estimate_wait(10, 2, 600));
}

static void
test_service_mean(void)
{
	int mean = 0, served, i;

	/* The first ticket sets it; then the plain mean while fewer than 20. */
	CHECK_INT(queue_service_mean(0, 0, 300), 300);
	CHECK_INT(queue_service_mean(300, 1, 600), 450);
	CHECK_INT(queue_service_mean(450, 2, 150), 350);
	/* 60 s, 120 s, ... 1200 s: the mean of the twenty, 630 s. */
	for (served = 0, i = 1; i <= 20; i++, served++)
		mean = queue_service_mean(mean, served, i * 60);
	CHECK_INT(mean, 630);
	/* Past the window the newest weighs 1/20: a slower afternoon shows. */
	for (i = 0; i < 60; i++, served++)
		mean = queue_service_mean(mean, served, 1200);
	CHECK(mean > 1150 && mean <= 1200);
	/* A clock that went back never makes a negative time. */
	CHECK_INT(queue_service_mean(0, 0, -30), 0);
	CHECK(queue_service_mean(600, 5, -30) >= 0);
}

static void
test_capacity(void)
{
	/* Capacity 60 with 6 kept for priority tickets. */
	CHECK_INT(queue_left_ordinary(60, 6, 0, 0), 54);
	CHECK_INT(queue_left_ordinary(60, 6, 10, 0), 44);
	CHECK_INT(queue_left_ordinary(60, 6, 10, 2), 44);    /* priority used the reserve */
	CHECK_INT(queue_left_ordinary(60, 6, 53, 0), 1);
	CHECK_INT(queue_left_ordinary(60, 6, 54, 0), 0);
	CHECK_INT(queue_may_issue(60, 6, 53, 0, 0), 1);
	CHECK_INT(queue_may_issue(60, 6, 54, 0, 0), 0);      /* ordinary places gone */
	CHECK_INT(queue_may_issue(60, 6, 54, 0, 1), 1);      /* the reserve is for priority */
	CHECK_INT(queue_may_issue(60, 6, 54, 5, 1), 1);
	CHECK_INT(queue_may_issue(60, 6, 54, 6, 1), 0);      /* 60 issued: full */
	CHECK_INT(queue_may_issue(60, 6, 54, 6, 0), 0);
	/* Priority tickets beyond the reserve eat ordinary places. */
	CHECK_INT(queue_left_ordinary(60, 6, 0, 10), 50);
	CHECK_INT(queue_left_ordinary(60, 6, 40, 10), 10);
	CHECK_INT(queue_may_issue(60, 6, 50, 10, 0), 0);
	CHECK_INT(queue_may_issue(60, 6, 49, 10, 1), 1);
	/* No reserve. */
	CHECK_INT(queue_left_ordinary(10, 0, 9, 0), 1);
	CHECK_INT(queue_may_issue(10, 0, 9, 0, 0), 1);
	CHECK_INT(queue_may_issue(10, 0, 10, 0, 0), 0);
	CHECK_INT(queue_may_issue(10, 0, 10, 0, 1), 0);
	/* All reserve: only priority tickets. */
	CHECK_INT(queue_left_ordinary(5, 5, 0, 0), 0);
	CHECK_INT(queue_may_issue(5, 5, 0, 0, 0), 0);
	CHECK_INT(queue_may_issue(5, 5, 0, 4, 1), 1);
	/* Never negative, even when the counts overshoot (capacity lowered). */
	CHECK_INT(queue_left_ordinary(10, 2, 30, 5), 0);
	CHECK_INT(queue_left_ordinary(5, 10, 0, 0), 0);
	CHECK_INT(queue_may_issue(10, 2, 30, 5, 1), 0);
	CHECK_INT(queue_left_ordinary(0, 0, 0, 0), 0);
	CHECK_INT(queue_may_issue(0, 0, 0, 0, 1), 0);
	/* Issuing one by one reaches exactly capacity: 54 ordinary + 6 priority. */
	{
		int ord = 0, prio = 0, k;
		for (k = 0; k < 100; k++)
			if (queue_may_issue(60, 6, ord, prio, 0))
				ord++;
		for (k = 0; k < 100; k++)
			if (queue_may_issue(60, 6, ord, prio, 1))
				prio++;
		CHECK_INT(ord, 54);
		CHECK_INT(prio, 6);
	}
}

static void
test_transitions(void)
{
	/* want[from][action]: the next state, or -1 when refused. */
	static const int want[TS_NSTATES][QA_CLOSE_DAY + 1] = {
		/*               CALL       RECALL     NO_SHOW     DONE       TRANSFER    CANCEL        CLOSE_DAY */
		[TS_WAITING]   = { TS_CALLED, -1,        -1,         -1,        -1,         TS_CANCELLED, TS_NOT_SERVED },
		[TS_CALLED]    = { -1,        TS_CALLED, TS_NO_SHOW, TS_SERVED, TS_WAITING, TS_CANCELLED, TS_NOT_SERVED },
		[TS_SERVED]    = { -1,        -1,        -1,         -1,        -1,         -1,           -1 },
		[TS_NO_SHOW]   = { -1,        -1,        -1,         -1,        -1,         -1,           -1 },
		[TS_CANCELLED] = { -1,        -1,        -1,         -1,        -1,         -1,           -1 },
		[TS_NOT_SERVED] = { -1,       -1,        -1,         -1,        -1,         -1,           -1 },
	};
	int s, a;

	for (s = 0; s < TS_NSTATES; s++)
		for (a = QA_CALL; a <= QA_CLOSE_DAY; a++) {
			int got = queue_next_state((enum ticket_state)s, (enum queue_action)a);
			if (got != want[s][a])
				fprintf(stderr, "transition from %s by action %d: got %d, want %d\n",
				    queue_state_name((enum ticket_state)s), a, got, want[s][a]);
			CHECK_INT(got, want[s][a]);
		}
	/* Names round-trip; unknown ones are refused. */
	for (s = 0; s < TS_NSTATES; s++)
		CHECK_INT(queue_state_parse(queue_state_name((enum ticket_state)s)), s);
	CHECK_STR(queue_state_name(TS_WAITING), "waiting");
	CHECK_STR(queue_state_name(TS_NOT_SERVED), "not_served");
	CHECK_STR(queue_state_name(TS_NO_SHOW), "no_show");
	CHECK_STR(queue_state_name(TS_NSTATES), "unknown");
	CHECK_STR(queue_state_name((enum ticket_state)-1), "unknown");
	CHECK_INT(queue_state_parse("transferred"), -1);
	CHECK_INT(queue_state_parse(""), -1);
	CHECK_INT(queue_state_parse("Waiting"), -1);
}

int
main(void)
{
	fixture_tz("Europe/Paris");
	test_numbers();
	test_valid_day();
	test_midnight_and_dst();
	test_open();
	test_next_open_day();
	test_pick();
	test_pick_appointments();
	test_estimate();
	test_service_mean();
	test_capacity();
	test_transitions();
	return TEST_REPORT();
}
