/*
 * site: the human-edited site file (INI, parsed with inih) and the site
 * description it produces. Errors name the file, the line and the problem.
 * Depends on libc and inih only; the store copies a site into the database.
 *
 *   [site]        id, name, timezone, mon..sun = 08:30-16:00 | closed,
 *                 max_recalls, priority_streak, reprint_limit,
 *                 default_service_min, tls_cert, tls_key,
 *                 metrics = off | public | token, metrics_token (or
 *                 metrics_token_hash: its hex BLAKE2b-256, as exported)
 *   [service A]   name, name.LANG, capacity, priority_reserve, bind_holder,
 *                 appointments (its daily appointment capacity),
 *                 convocations, convocation_days, convocation_window
 *                 (places kept per open day for convocations to a later
 *                 day, the horizon in days, the window in minutes)
 *   [counter 3]   name, services = A B (in the order this counter serves them)
 *   [alerts]      burst_per_minute, holder_refusals, outside_hours,
 *                 reprints_per_hour, paper_ratio, checkin_guesses
 *   [privacy]     events_months, holder_days
 *   [appointments] checkin_before, checkin_after (minutes), webhook_secret,
 *                 late = walkin | attestation, rdv_services (RDV Service
 *                 Public's motifs to our services: "4012=A, titre_sejour=B"),
 *                 appointment_streak (appointment calls in a row before one
 *                 walk-in)
 */
#ifndef KIOSK_SITE_H
#define KIOSK_SITE_H

#include <stddef.h>
#include <stdio.h>

#define SITE_MAX_SERVICES 26   /* one letter each */
#define SITE_MAX_COUNTERS 99
#define SITE_MAX_NAMES    20   /* translated names per service */

struct service_name {
	char lang[12];     /* language code, e.g. "en", "fa-AF" */
	char name[96];     /* the service's name in that language */
};

#define SITE_BIND_ALL_SITES 2          /* bind_holder = all_sites */

struct site_service {
	char code;                          /* 'A'..'Z', prefix of its ticket numbers */
	char name[96];                      /* French name (the reference) */
	struct service_name names[SITE_MAX_NAMES]; /* other languages */
	int nnames;                         /* used entries of names */
	int capacity;                       /* walk-in tickets per day, reserve included */
	int priority_reserve;               /* of capacity, kept for priority tickets */
	int bind_holder;                    /* 1: one ticket per document number per day;
	                                     * SITE_BIND_ALL_SITES (all_sites): the same, and
	                                     * across every site of the PostgreSQL database */
	int appointments;                   /* appointments per day (their own capacity,
	                                     * apart from the walk-ins'); 0: takes none */
	int draw_open_min;                  /* draw = HH:MM-HH:MM (docs/DRAW.md): the day's
	                                     * draw window, minutes after local midnight; */
	int draw_close_min;                 /* draw_close_min 0: no draw by the site file */
	int convocations;                   /* places per open day kept for convocations to a
	                                     * later day when today is full (issue #13); 0: none */
	int convocation_days;               /* the horizon: the next D days (14; 1..90) */
	int convocation_window;             /* the open day is cut into windows of M minutes
	                                     * (60; 5..720), filled in order */
};

struct site_counter {
	int n;                              /* counter number shown to the public */
	char name[48];                      /* e.g. "Guichet 3" */
	char services[SITE_MAX_SERVICES + 1]; /* codes in preference order, e.g. "AB" */
};

struct site_hours {
	int open_min;                       /* minutes after local midnight; -1: closed */
	int close_min;                      /* minutes after local midnight, > open_min */
};

/* Abuse alert thresholds; 0 turns an alert off. */
struct site_alerts {
	int burst_per_minute;   /* tickets from one kiosk within 60 s */
	int holder_refusals;    /* refused duplicate requests by one holder in a day */
	int outside_hours;      /* issue attempts while closed, per day */
	int reprints_per_hour;  /* reprints across the site within an hour */
	int paper_ratio;        /* slips printed per 100 tickets issued today */
	int checkin_guesses;    /* unknown, other-day or cancelled check-in codes from one
	                         * kiosk within 10 minutes (someone guessing codes) */
};

/* Retention (docs/PRIVACY.md). */
struct site_privacy {
	int events_months;      /* anonymous events kept in detail, then daily totals */
	int holder_days;        /* 0: holder hashes and day keys go at the end of the day */
};

/* What an appointment checked in after its window becomes. */
enum site_late {
	SITE_LATE_WALKIN,       /* a walk-in ticket, if the walk-ins have a place left */
	SITE_LATE_ATTESTATION,  /* an attestation de passage naming the missed appointment */
};

#define SITE_SECRET_MIN 32      /* webhook_secret: bytes, at least */
#define SITE_SECRET_MAX 128     /* and at most */

/* Appointments booked online and checked in at the kiosk (issue #12). */
struct site_appointments {
	int checkin_before;     /* minutes before the start a check-in is taken (30) */
	int checkin_after;      /* minutes after the start it is still taken (15) */
	enum site_late late;    /* what a later check-in gets */
	int appointment_streak; /* appointment tickets called in a row in a service
	                         * before one walk-in, while walk-ins wait (3; 1..20) */
	char webhook_secret[SITE_SECRET_MAX + 1]; /* HMAC-SHA256 key of the webhook; ""
	                         * refuses every webhook call. Kept in clear (an HMAC
	                         * needs it): never in an API answer */
	char rdv_services[192]; /* RDV Service Public's motifs (id or category) to our
	                         * services, io/appt_in.h's table; "" none */
};

/* Who may read GET /metrics. */
enum site_metrics {
	SITE_METRICS_OFF,       /* nobody: 404 (the default) */
	SITE_METRICS_PUBLIC,    /* anyone who can reach the server */
	SITE_METRICS_TOKEN,     /* "Authorization: Bearer <metrics_token>" */
};

struct site {
	char id[48];                        /* stable site id, e.g. "prefecture-93" */
	char name[128];                     /* shown on tickets and screens */
	char tz[64];                        /* IANA time zone, e.g. "Europe/Paris" */
	struct site_hours hours[7];         /* by tm_wday: 0 = Sunday */
	int max_recalls;                    /* recalls allowed before no-show */
	int priority_streak;                /* priority calls in a row before one ordinary */
	int reprint_limit;                  /* reprints allowed per ticket */
	int default_service_s;              /* service time assumed before any measure */
	char tls_cert[256];                 /* PEM certificate path, "" for plain HTTP */
	char tls_key[256];                  /* PEM key path */
	enum site_metrics metrics;          /* who may read /metrics */
	char metrics_token_hash[65];        /* hex BLAKE2b-256 of metrics_token ("" unless TOKEN);
	                                     * the token itself is kept nowhere */
	struct site_alerts alerts;          /* abuse alert thresholds */
	struct site_privacy privacy;        /* retention periods */
	struct site_appointments appt;      /* appointments' check-in window and webhook */
	struct site_service services[SITE_MAX_SERVICES]; /* in display order */
	int nservices;
	struct site_counter counters[SITE_MAX_COUNTERS];
	int ncounters;
};

/* Parse and check a site file. On error, err says "FILE:LINE: problem". */
int site_load(const char *path, struct site *out /* OUT */, char *err, size_t errlen);
const struct site_service *site_service(const struct site *s, char code);
/* 1 when a service has bind_holder = all_sites. */
int site_binds_all_sites(const struct site *s);
const struct site_counter *site_counter(const struct site *s, int n);
/* Write s as a site file that site_load() reads back to the same site
 * (`kiosk admin site export`). 0, or -1 with err (a value that a site file
 * cannot hold, or a write error). */
int site_write(FILE *f, const struct site *s, char *err, size_t errlen);
/* "HH:MM" into minutes after midnight; -1 when malformed. */
int site_parse_hhmm(const char *s);

#endif
