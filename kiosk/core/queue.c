/*
 * queue: see queue.h. Pure: libc and the process time zone only.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/queue.h"

static const char *state_names[TS_NSTATES] = {
	"waiting", "called", "served", "no_show", "cancelled", "not_served",
};

const char *
queue_state_name(enum ticket_state s)
{
	return (unsigned)s < TS_NSTATES ? state_names[s] : "unknown";
}

int
queue_state_parse(const char *name)
{
	int i;
	for (i = 0; i < TS_NSTATES; i++)
		if (strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

int
queue_next_state(enum ticket_state from, enum queue_action a)
{
	switch (a) {
	case QA_CALL:
		return from == TS_WAITING ? TS_CALLED : -1;
	case QA_RECALL:
		return from == TS_CALLED ? TS_CALLED : -1;
	case QA_NO_SHOW:
		return from == TS_CALLED ? TS_NO_SHOW : -1;
	case QA_DONE:
		return from == TS_CALLED ? TS_SERVED : -1;
	case QA_TRANSFER:
		return from == TS_CALLED ? TS_WAITING : -1;
	case QA_CANCEL:
		return from == TS_WAITING || from == TS_CALLED ? TS_CANCELLED : -1;
	case QA_CLOSE_DAY:
		return from == TS_WAITING || from == TS_CALLED ? TS_NOT_SERVED : -1;
	case QA_REPRINT:
		return from == TS_WAITING ? TS_WAITING : -1;
	}
	return -1;
}

static void
local(int64_t now, struct tm *tm)
{
	time_t t = (time_t)now;
	localtime_r(&t, tm);
}

void
queue_local_day(int64_t now, char out[11])
{
	struct tm tm;
	local(now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
queue_valid_day(const char *d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int i, y, m, day, leap;

	for (i = 0; i < 10; i++)
		if (d[i] == '\0' || ((i == 4 || i == 7) ? d[i] != '-' : (d[i] < '0' || d[i] > '9')))
			return 0;
	if (d[10] != '\0')
		return 0;
	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	m = (d[5] - '0') * 10 + (d[6] - '0');
	day = (d[8] - '0') * 10 + (d[9] - '0');
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || m < 1 || m > 12 || day < 1)
		return 0;
	return day <= mdays[m - 1] + (m == 2 && leap);
}

void
queue_rfc3339(int64_t now, char out[32])
{
	struct tm tm;
	int off, a;

	local(now, &tm);
	off = (int)(tm.tm_gmtoff / 60);
	a = (off < 0 ? -off : off) % (24 * 60);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + 19, 13, "%c%02d:%02d", off < 0 ? '-' : '+', a / 60, a % 60);
}

void
queue_local_minute(int64_t now, int *minute, int *wday)
{
	struct tm tm;
	local(now, &tm);
	*minute = tm.tm_hour * 60 + tm.tm_min;
	*wday = tm.tm_wday;
}

void
queue_format_number(char code, int seq, char *out, size_t len)
{
	snprintf(out, len, "%c%03d", code, seq);
}

int
queue_hours_open(const struct site_hours *h, int64_t now)
{
	int minute, wday;

	queue_local_minute(now, &minute, &wday);
	return h->open_min >= 0 && minute >= h->open_min && minute < h->close_min;
}

int
queue_is_open(const struct site *s, int64_t now)
{
	int minute, wday;

	queue_local_minute(now, &minute, &wday);
	return queue_hours_open(&s->hours[wday], now);
}

int
queue_next_open_day(const struct site *s, int64_t now,
    int (*exception)(void *arg, const char *day, struct site_hours *h), void *arg,
    char out[11], int *open_min)
{
	struct site_hours h;
	struct tm tm;
	int k;

	for (k = 1; k <= 366; k++) {
		/* Local noon k days on: mktime normalises the date, and noon is
		 * clear of any daylight-saving change. */
		local(now, &tm);
		tm.tm_mday += k;
		tm.tm_hour = 12;
		tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		if (mktime(&tm) == (time_t)-1)
			return -1;
		strftime(out, 11, "%Y-%m-%d", &tm);
		h = s->hours[tm.tm_wday];
		if (exception)
			exception(arg, out, &h);
		if (h.open_min < 0)
			continue;
		*open_min = h.open_min;
		return 0;
	}
	return -1;
}

int
queue_left_ordinary(int capacity, int reserve, int issued_ordinary, int issued_priority)
{
	int reserve_left = reserve - issued_priority;
	int left;

	if (reserve_left < 0)
		reserve_left = 0;
	left = capacity - issued_ordinary - issued_priority - reserve_left;
	return left > 0 ? left : 0;
}

int
queue_may_issue(int capacity, int reserve, int issued_ordinary, int issued_priority, int priority)
{
	if (priority)
		return issued_ordinary + issued_priority < capacity;
	return queue_left_ordinary(capacity, reserve, issued_ordinary, issued_priority) > 0;
}

int64_t
queue_pick(const struct queue_head *heads, int n, const struct queue_rules *rules,
    int *service_index, enum queue_lane *lane)
{
	int i;

	for (i = 0; i < n; i++) {
		const struct queue_head *h = &heads[i];
		int walkin = h->prio_id || h->ord_id;

		if (!walkin && !h->appt_id)
			continue;
		*service_index = i;
		if (h->appt_id && (!walkin || h->appt_streak < rules->appointment_streak)) {
			*lane = QUEUE_APPOINTMENT;
			return h->appt_id;
		}
		if (h->prio_id && (!h->ord_id || h->streak < rules->priority_streak)) {
			*lane = QUEUE_PRIORITY;
			return h->prio_id;
		}
		*lane = QUEUE_ORDINARY;
		return h->ord_id;
	}
	*service_index = -1;
	*lane = QUEUE_NOBODY;
	return 0;
}

int
queue_estimate_wait(int ahead, int counters, int service_s)
{
	long long w;

	if (ahead <= 0)
		return 0;
	if (counters < 1)
		counters = 1;
	w = (long long)ahead * service_s / counters;
	return w > 86400 ? 86400 : (int)w;
}

int
queue_service_mean(int mean_s, int served, int duration_s)
{
	int w = served + 1 < QUEUE_SERVICE_WINDOW ? served + 1 : QUEUE_SERVICE_WINDOW;

	if (duration_s < 0)
		duration_s = 0;
	if (served <= 0)
		return duration_s;
	/* Rounded to the nearest second. */
	return (int)(((long long)mean_s * (w - 1) + duration_s + w / 2) / w);
}
