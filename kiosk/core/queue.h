/*
 * queue: the queue rules, as pure functions. No I/O, no clock: `now` (Unix
 * seconds) is always a parameter, so tests cross midnight and daylight-saving
 * changes by passing numbers. The site's time zone is the process's TZ
 * (serve and admin set it from the site file at start; tests set it too):
 * localtime_r then gives local days, weekdays and offsets.
 * The desk (desk/) applies them inside its transactions; see docs/QUEUE.md.
 */
#ifndef KIOSK_QUEUE_H
#define KIOSK_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "core/site.h"

enum ticket_state {
	TS_WAITING,     /* in a queue, not called yet */
	TS_CALLED,      /* called to a counter (recalls do not change it) */
	TS_SERVED,      /* the counter recorded an outcome */
	TS_NO_SHOW,     /* called, recalled, never came */
	TS_CANCELLED,   /* withdrawn by staff */
	TS_NOT_SERVED,  /* still waiting or called when the day closed */
	TS_NSTATES
};

enum queue_action {
	QA_CALL,        /* waiting -> called */
	QA_RECALL,      /* called -> called, announced again */
	QA_NO_SHOW,     /* called -> no_show */
	QA_DONE,        /* called -> served */
	QA_TRANSFER,    /* called -> waiting in another service's queue */
	QA_CANCEL,      /* waiting|called -> cancelled */
	QA_CLOSE_DAY,   /* waiting|called -> not_served */
	QA_REPRINT,     /* waiting -> waiting, with a new slip */
};

const char *queue_state_name(enum ticket_state s);
int queue_state_parse(const char *name);               /* -1 if unknown */
/* The state after `a`, or -1 when `a` is not allowed from `from`. */
int queue_next_state(enum ticket_state from, enum queue_action a);

/* Local calendar day of `now` as "YYYY-MM-DD". */
void queue_local_day(int64_t now, char out[11]);
/* 1 when d is exactly "YYYY-MM-DD" and names a real Gregorian day (years
 * 1970 to 9999; 2028-02-29 yes, 2026-02-30 and 9999-99-99 no), else 0. */
int queue_valid_day(const char *d);
/* RFC 3339 local time with offset: "2026-11-27T09:14:05+01:00". */
void queue_rfc3339(int64_t now, char out[32]);
/* Minutes since local midnight and weekday (0 = Sunday) of `now`. */
void queue_local_minute(int64_t now, int *minute, int *wday);

/* "A001".."A999", then "A1000": the number grows a digit rather than wrap,
 * so a number is never given twice in a day. */
void queue_format_number(char code, int seq, char *out, size_t len);

/* The first local day after now's (up to a year on) when the site opens:
 * by its weekly hours, unless `exception` (a callback, NULL for none) gives
 * that day's own hours (1, with *h; h->open_min -1: closed all day). 0 with
 * out "YYYY-MM-DD" and *open_min, -1 if none. */
int queue_next_open_day(const struct site *s, int64_t now,
    int (*exception)(void *arg, const char *day, struct site_hours *h), void *arg,
    char out[11], int *open_min);

/* Open right now by the site's weekly hours? */
int queue_is_open(const struct site *s, int64_t now);
/* Open right now by these hours (today's)? */
int queue_hours_open(const struct site_hours *h, int64_t now);

/* Daily capacity. The reserve is kept for priority tickets: an ordinary
 * ticket may be issued while ordinary places are left; a priority ticket
 * while any place is left. */
int queue_left_ordinary(int capacity, int reserve, int issued_ordinary, int issued_priority);
int queue_may_issue(int capacity, int reserve, int issued_ordinary, int issued_priority, int priority);

/* One candidate for call-next: the head of one service's waiting tickets. */
struct queue_head {
	char service;          /* service code */
	int64_t prio_id;       /* oldest waiting priority ticket, 0 if none */
	int64_t ord_id;        /* oldest waiting ordinary ticket, 0 if none */
	int streak;            /* priority tickets called in a row in this service */
	int64_t appt_id;       /* the waiting appointment ticket whose time came first
	                        * (its start has passed), 0 if none */
	int appt_streak;       /* appointment tickets called in a row in this service */
};

/* The lane a call took a ticket from. */
enum queue_lane {
	QUEUE_NOBODY = 0,
	QUEUE_ORDINARY,        /* the oldest ordinary ticket */
	QUEUE_PRIORITY,        /* the oldest priority ticket */
	QUEUE_APPOINTMENT,     /* an appointment whose time has come */
};

struct queue_rules {
	int priority_streak;   /* priority calls in a row before one ordinary */
	int appointment_streak;/* appointment calls in a row before one walk-in */
};

/*
 * Pick the next ticket for a counter. heads[] follows the counter's service
 * order: the first service with anybody waiting is served. Within it:
 *  1. an appointment whose time has come goes first, except that after
 *     `appointment_streak` appointment calls in a row one walk-in (priority
 *     or ordinary, by rule 2) is called while walk-ins wait, so walk-ins
 *     never starve when appointments run late;
 *  2. among walk-ins, priority tickets go first, except that after
 *     `priority_streak` priority calls in a row one ordinary ticket is
 *     called, so ordinary tickets never starve.
 * Returns the ticket id (0: nobody waits) and sets *lane. The caller keeps
 * the streaks: appt_streak + 1 after an appointment, else 0; streak + 1
 * after a priority call, 0 after an ordinary one, unchanged after an
 * appointment.
 */
int64_t queue_pick(const struct queue_head *heads, int n, const struct queue_rules *rules,
    int *service_index /* OUT */, enum queue_lane *lane /* OUT */);

/* A queue's recent mean service time after one more ticket took
 * `duration_s`: the plain mean of the first SERVICE_WINDOW tickets, then a
 * moving mean that weighs the newest 1/SERVICE_WINDOW, so the estimate
 * follows the last twenty or so, as staff and pace change during the day.
 * `served`: tickets counted in `mean_s` so far. */
#define QUEUE_SERVICE_WINDOW 20
int queue_service_mean(int mean_s, int served, int duration_s);

/* Estimated wait, in seconds, for someone with `ahead` people before them
 * in a service served by `counters` open counters (0 counts as 1), each
 * taking `service_s` seconds on average. */
int queue_estimate_wait(int ahead, int counters, int service_s);

#endif
