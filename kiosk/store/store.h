/*
 * store: the SQLite database, and the only module with SQL in it.
 *
 * The queue server is the only writer of queue state. Every public function
 * takes the store's one lock, runs in one transaction, and, when it hands a
 * number to a person, commits with synchronous=FULL before returning: an
 * answer never leaves the server for a change that a power cut could undo.
 * Queue rules come from queue.c; this module only stores their results.
 *
 * Return codes: ST_OK, or a negative store_rc. ST_ERR is a storage failure
 * (disk full, database locked, I/O error): the HTTP layer answers 503 and
 * nothing was changed. The others are refusals with a reason in err.
 */
#ifndef KIOSK_STORE_H
#define KIOSK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/site.h"

enum store_rc {
	ST_OK = 0,
	ST_ERR = -1,        /* storage failure: retry later */
	ST_NOTFOUND = -2,   /* no such ticket, counter, service, user */
	ST_CONFLICT = -3,   /* not allowed in the current state */
	ST_CLOSED = -4,     /* the site is closed now */
	ST_FULL = -5,       /* today's capacity for this service is reached */
	ST_EMPTY = -6,      /* nobody is waiting */
	ST_LIMIT = -7,      /* a limit was reached (reprints, ...) */
	ST_DENIED = -8,     /* wrong credentials */
	ST_DUPLICATE = -9,  /* the holder already has an active ticket: it is in `out` */
};

struct store;

struct ticket {
	int64_t id;             /* database id, also the slip's serial */
	char day[11];           /* local day, YYYY-MM-DD */
	char service;           /* service that numbered it */
	char queue;             /* service whose queue it is in (after transfer) */
	char number[12];        /* "A042" */
	char lang[12];          /* applicant's language */
	int priority;           /* 1: priority flag (never a reason) */
	int state;              /* enum ticket_state */
	int64_t issued_at;      /* Unix seconds */
	int64_t called_at;      /* 0 if never called */
	int64_t finished_at;    /* 0 while open */
	int counter;            /* counter that called it last, 0 if none */
	char counter_name[48];  /* its name */
	char agent[48];         /* agent who called it last */
	int recalls;            /* recalls since the call */
	char outcome[24];       /* outcome code once served */
	char device[48];        /* issuing kiosk or agent */
	char token[512];        /* signed QR payload */
	char print_state[16];   /* pending, confirmed, unconfirmed, failed */
	char print_reason[128]; /* why printing failed */
	int reprints;           /* reprints so far */
	char holder_mask[16];   /* "•••4B7" when bound to a holder, else "" */
	int position;           /* 1 = next to be called (waiting tickets only) */
	int estimated_wait_s;   /* for waiting tickets */
};

/* Called inside the issuing transaction to sign the slip. */
typedef int (*store_sign_fn)(void *ctx, const struct ticket *t, char *out, size_t outlen);

struct service_stat {
	char code;              /* service code */
	char name[96];          /* French name */
	int capacity;           /* per day, reserve included */
	int reserve;            /* priority reserve */
	int bind_holder;        /* tickets bound to a document number */
	int waiting;            /* tickets waiting now */
	int issued;             /* tickets issued today */
	int left_today;         /* ordinary places left today */
	int estimated_wait_s;   /* for a ticket issued now */
	int longest_wait_s;     /* of those waiting now */
	int open_counters;      /* open counters serving it */
};

struct counter_view {
	int n;                  /* counter number */
	char name[48];          /* display name */
	char services[SITE_MAX_SERVICES + 1]; /* codes, preference order */
	char state[8];          /* open, paused, closed */
	int has_ticket;         /* 1: `ticket` is its current called ticket */
	struct ticket ticket;
};

struct call_view {
	int64_t event;          /* event id */
	char number[12];
	int counter;
	char counter_name[48];
	char service;
	char lang[12];
	int recall;             /* 1: a recall of the same ticket */
	int64_t at;
};

struct day_report {
	char service;
	char name[96];
	int issued, served, no_show, not_served, cancelled, waiting;
	int wait_p50_s, wait_p90_s;   /* issue to call, of called tickets */
	int service_avg_s;            /* call to done, of served tickets */
};

struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *st);   /* NULL is harmless */
int store_backup(struct store *st, const char *dest, char *err, size_t errlen);

/* Site: copy a parsed site file in (creates or updates), or read it back. */
int store_apply_site(struct store *st, const struct site *s, const char *actor, int64_t now,
    char *err, size_t errlen);
int store_load_site(struct store *st, struct site *out, char *err, size_t errlen);

/* Tickets. holder: NULL, or the bound holder's hash and mask. With a holder
 * that already has an active ticket today for this service, nothing new is
 * issued: the existing ticket comes back in `out` with ST_DUPLICATE. */
struct holder_ref {
	unsigned char hash[32]; /* HMAC-SHA256 of the document number under the day key */
	char mask[16];          /* "•••4B7" */
};
int store_issue(struct store *st, const struct site *site, char service, const char *lang,
    int priority, const char *device, const struct holder_ref *holder, int64_t now,
    store_sign_fn sign, void *sign_ctx, struct ticket *out, char *err, size_t errlen);
/* The day's holder key (created on first use). */
int store_day_key(struct store *st, const char *day, unsigned char key[32], char *err, size_t errlen);
/* 1 if the ticket is bound to this hash, 0 if not (or not bound), <0 on error. */
int store_holder_match(struct store *st, int64_t id, const unsigned char hash[32], char *err,
    size_t errlen);

/* Attestations de passage (capacity reached). */
struct attestation {
	int64_t id;             /* serial */
	char day[11];
	char service;
	int64_t issued_at;
	char device[48];
	char lang[12];
	char outcome[16];       /* "full" */
	int attempt;            /* 1 = first */
	char first_date[9];     /* YYYYMMDD of the first attempt */
	int weeks;              /* distinct ISO weeks with an attempt */
	char token[512];        /* signed payload */
};
/* Chain fields (attempt, first_date, weeks) come filled in `a` by the
 * caller from the previous slip; the rest is filled here. */
typedef int (*store_sign_att_fn)(void *ctx, const struct attestation *a, char *out, size_t outlen);
int store_attest(struct store *st, char service, const char *lang, const char *device,
    int64_t now, store_sign_att_fn sign, void *sign_ctx, struct attestation *a /* IN/OUT */,
    char *err, size_t errlen);
int store_attest_printed(struct store *st, int64_t id, const char *device, const char *status,
    const char *reason, int64_t now, char *err, size_t errlen);

/* Abuse alerts: check the thresholds after something happened; new alerts
 * are stored once and returned (kind, message). */
struct alert {
	int64_t id;
	int64_t at;
	char kind[24];          /* burst, holder_refusals, outside_hours, reprints, paper */
	char subject[48];       /* kiosk, hour or service concerned */
	char message[200];
};
enum alert_check {                      /* which thresholds an event can cross */
	AC_BURST = 1,                   /* a slip was issued */
	AC_HOLDER = 2,                  /* a duplicate was refused */
	AC_CLOSED = 4,                  /* an attempt while closed */
	AC_REPRINT = 8,                 /* a reprint or a duplicate */
	AC_PAPER = 16,                  /* a slip was printed */
};
int store_alerts_check(struct store *st, const struct site *site, unsigned checks,
    const char *device, int64_t now, struct alert *out, int max, char *err, size_t errlen);
int store_alerts_today(struct store *st, const char *day, struct alert *out, int max,
    char *err, size_t errlen);
/* Record an attempt the server refused (kind: "closed" or "duplicate"). */
int store_refusal(struct store *st, const char *day, const char *kind, char service,
    const char *device, int64_t now, char *err, size_t errlen);

/* Audit log (append-only, hash-chained). */
int store_audit(struct store *st, int64_t now, const char *actor, const char *action,
    const char *detail, char *err, size_t errlen);
/* Walk the chain: 0 if intact (and *entries set), else -1 with the first
 * problem in err ("entry 17 was edited", "entry 9 is missing", ...). */
int store_audit_verify(struct store *st, int *entries, char *err, size_t errlen);

/* Open figures per service and local hour (hour -1: the whole day). */
struct stat_row {
	char service;
	int hour;               /* 0..23, or -1 for the day */
	int issued, served, no_show, not_served, attestations, refused_duplicates;
	int wait_p50_s, wait_p90_s;   /* issue to call */
	int service_avg_s;            /* call to finish, served tickets */
};
int store_stats(struct store *st, const char *day, struct stat_row *out, int max,
    char *err, size_t errlen);
/* All-time totals for Prometheus counters (kind: issue, served, no_show, not_served,
 * attestation, duplicate). */
int64_t store_total(struct store *st, const char *kind, char service);

/* Retention: purge holder data and old events (docs/PRIVACY.md). Returns 0 or ST_ERR. */
int store_retention(struct store *st, const struct site *site, int64_t now, char *err, size_t errlen);
int store_ticket(struct store *st, int64_t id, struct ticket *out, char *err, size_t errlen);
int store_ticket_by_number(struct store *st, const char *day, const char *number,
    struct ticket *out, char *err, size_t errlen);
int store_printed(struct store *st, int64_t id, const char *device, const char *status,
    const char *reason, int64_t now, struct ticket *out, char *err, size_t errlen);
int store_reprint(struct store *st, const struct site *site, int64_t id, const char *who,
    int64_t now, struct ticket *out, char *err, size_t errlen);

/* Counters. `out` receives the counter's ticket after the change. */
enum counter_op { CO_RECALL, CO_NO_SHOW, CO_DONE, CO_TRANSFER, CO_PAUSE, CO_RESUME,
	CO_OPEN, CO_CLOSE };
int store_call_next(struct store *st, const struct site *site, int counter, const char *agent,
    int64_t now, struct ticket *out, char *err, size_t errlen);
int store_call_number(struct store *st, const struct site *site, int counter, const char *agent,
    const char *number, const char *reason, int64_t now, struct ticket *out, char *err, size_t errlen);
int store_counter_op(struct store *st, const struct site *site, int counter, const char *agent,
    enum counter_op op, const char *arg, int64_t now, struct ticket *out, int *has_ticket,
    char *err, size_t errlen);
int store_counters(struct store *st, struct counter_view *out, int max, char *err, size_t errlen);

/* Views. */
int store_services(struct store *st, const struct site *site, int64_t now,
    struct service_stat *out, int max, char *err, size_t errlen);
int store_recent_calls(struct store *st, const char *day, struct call_view *out, int max,
    char *err, size_t errlen);
int store_report_day(struct store *st, const char *day, struct day_report *out, int max,
    char *err, size_t errlen);

/* End of day: tickets still waiting or called on a past day, or today after
 * closing time, become not_served. Returns how many, or ST_ERR. */
int store_close_day(struct store *st, const struct site *site, int64_t now, char *err, size_t errlen);

/* Accounts. Secrets are returned to the caller once and stored hashed. */
int store_user_add(struct store *st, const char *login, const char *role, const char *password,
    int64_t now, char *err, size_t errlen);
int store_user_check(struct store *st, const char *login, const char *password,
    char *role /* OUT, 16 */, char *err, size_t errlen);
int store_device_add(struct store *st, const char *name, int64_t now, char *key /* OUT, 80 */,
    char *err, size_t errlen);
/* kind: "token", "session" (ttl_s > 0 expires). csrf may be NULL. */
int store_cred_new(struct store *st, const char *kind, const char *owner, int64_t now, int ttl_s,
    char *secret /* OUT, 80 */, char *csrf /* OUT, 80 or NULL */, char *err, size_t errlen);
/* Look a secret up. kind/owner/role/csrf OUT (16/48/16/80); role is "device" for devices. */
int store_cred_check(struct store *st, const char *secret, int64_t now, char *kind, char *owner,
    char *role, char *csrf, char *err, size_t errlen);
int store_cred_revoke(struct store *st, const char *secret, char *err, size_t errlen);

#endif
