/*
 * desk: the application layer, the one module that owns every verb a
 * person can do to the queue. The HTTP API (http/api.c), the admin command
 * (cmd/admin.c) and the tests call these verbs; nothing else reaches the
 * store, so a rule written here holds for every caller.
 *
 * Every verb
 *   - runs as ONE store transaction (store_write: grouped with concurrent
 *     verbs, one fsync per batch, durable before it returns);
 *   - moves tickets only through the pure state machine of core/queue.h
 *     (queue_next_state), so an illegal transition is impossible;
 *   - writes its own event, audit entry and alerts in that transaction;
 *   - returns the events to publish (struct desk_events). They are filled
 *     only once the transaction committed; the caller publishes them.
 * Three verbs also read before their one write, on purpose: desk_login
 * checks the password (argon2id, tens of milliseconds) outside any
 * transaction, so a login never holds up the batch of writes; the end of
 * the day looks for open tickets before it opens a write (most minutes
 * there are none); retention compacts the log after its commit.
 *
 * Pure core of the server: libc, libsodium and the store's interface; no
 * SQL, no HTTP, no JSON. Time is a parameter (`now`, Unix seconds) and the
 * site's time zone is the process's TZ, as in core/queue.h.
 */
#ifndef KIOSK_DESK_H
#define KIOSK_DESK_H

#include <stddef.h>
#include <stdint.h>

#include "core/sign.h"
#include "core/site.h"
#include "store/store.h"

/* Answers of the verbs. ST_OK, ST_ERR, ST_NOTFOUND and ST_CONFLICT keep
 * their store meaning; the rest are the desk's own refusals. */
enum desk_rc {
	DK_OK = ST_OK,
	DK_ERR = ST_ERR,                /* storage failure: retry later (503) */
	DK_NOTFOUND = ST_NOTFOUND,      /* no such ticket, counter, service (404) */
	DK_CONFLICT = ST_CONFLICT,      /* not allowed in the current state (409) */
	DK_CLOSED = -4,                 /* the reception is closed now (409) */
	DK_EMPTY = -6,                  /* nobody is waiting (204) */
	DK_LIMIT = -7,                  /* reprint limit reached (409) */
	DK_DENIED = -8,                 /* wrong or unknown credentials (401) */
	DK_BAD = -10,                   /* a malformed argument (400) */
	DK_HOLDER_REQUIRED = -11,       /* this service needs a document number (400) */
	DK_BAD_HOLDER = -12,            /* the document number is not valid (400) */
	DK_BAD_PREVIOUS = -13,          /* the earlier attestation is not valid (400) */
	DK_REPLAY = -14,                /* the request's key was seen: its first answer is in
	                                   the actor's request (nothing was done again) */
	DK_KEY_REUSED = -15,            /* the key was used for another request today (422) */
	DK_NOT_CURRENT = -16,           /* the counter's called ticket is not the one the caller
	                                   named: nothing was finished (409) */
	DK_FORBIDDEN = -17,             /* the actor's role may not do this (403) */
	DK_TOO_EARLY = -18,             /* an appointment's check-in window is not open yet (409) */
	DK_NOT_TODAY = -19,             /* the check-in code is another day's appointment (409) */
	DK_CANCELLED = -20,             /* the appointment was cancelled (409) */
	DK_HOLDER_MISMATCH = -21,       /* the document number is not the appointment's (409) */
	DK_FULL = -22,                  /* a service's appointments for that day are all taken (409) */
	DK_BAD_TOKEN = -23,             /* a scanned slip is not this site's, or was altered (400) */
	DK_NOT_CONVOCATION = -24,       /* a genuine attestation, but no convocation's (404) */
	DK_DRAW_OPEN = -25,             /* the service's places are drawn: enrol instead (409) */
	DK_HOLDER_ELSEWHERE = -26,      /* an all_sites service's holder has an active ticket at
	                                 * another site of the database today (409) */
};

struct desk;

/* The site's signing identity (NULL in desk_open for commands that sign nothing). */
struct desk_keys {
	unsigned char sk[64];       /* Ed25519 secret key (libsodium layout) */
	unsigned char pk[32];       /* public key */
	char site_id[32];           /* site id the key was made for */
};

/*
 * An idempotent request (desk/request.c). A verb whose actor carries one
 * with a key looks the key up in its own transaction: seen today with the
 * same hash, the verb does nothing and returns DK_REPLAY with the first
 * answer in status and body; seen with another hash (or from someone
 * else), DK_KEY_REUSED. Otherwise the verb runs, and `answer` renders its
 * result as it will be sent, still inside the transaction, so the answer
 * is kept with the key exactly when the verb's effect is: a crash cannot
 * keep one without the other. Refusals that the transaction keeps (closed,
 * nobody waiting, not current) are kept too; storage failures are not.
 */
struct desk_request {
	const char *key;            /* the Idempotency-Key; NULL: none (nothing is kept) */
	unsigned char hash[32];     /* of the request's method, path and body */
	/* Render the verb's result (rc, err, and the caller's out structs, which
	 * arg points to) into *status and a malloc'd *body (NULL: none). 0, or
	 * -1 when out of memory (the verb then fails and nothing is kept). */
	int (*answer)(void *arg, int rc, const char *err, int *status, char **body);
	void *arg;                  /* for answer */
	int status;                 /* OUT: the answer's status (kept, or replayed) */
	char *body;                 /* OUT: its body, malloc'd (NULL: none); caller frees */
};

/* 1 when key is a valid Idempotency-Key: 1-64 of A-Z a-z 0-9 _ - . : */
int desk_request_key_valid(const char *key);
/* The answer kept today for key (body malloc'd; free it), ST_NOTFOUND if none. */
int desk_request_get(struct desk *d, const char *key, int64_t now, struct request_row *out,
    char *err, size_t errlen);

/* Who acts. */
struct desk_actor {
	const char *name;           /* kiosk name, agent login, or the admin's user name */
	int device;                 /* 1: a kiosk, authenticated by its device key */
	struct desk_request *req;   /* the network request's key and answer, or NULL */
};

/* -- events to publish --------------------------------------------------- */

enum desk_event_kind {
	DE_CALL,                    /* a ticket was called or recalled: the board announces it */
	DE_COUNTS,                  /* waiting counts changed */
	DE_COUNTER,                 /* a counter opened, paused or closed (staff) */
	DE_ALERT,                   /* a new abuse alert (staff) */
	DE_NOTICES,                 /* a notice was added or deleted: boards show today's again */
};

struct desk_event {
	enum desk_event_kind kind;
	struct call_view call;      /* DE_CALL */
	int counter;                /* DE_COUNTER */
	char state[8];              /* DE_COUNTER: open, paused, closed */
	struct alert alert;         /* DE_ALERT */
};

#define DESK_MAX_EVENTS 12
struct desk_events {
	int n;                      /* events filled */
	struct desk_event ev[DESK_MAX_EVENTS];
};

/*
 * Several servers on one database (PostgreSQL): each write's events reach
 * the other servers (in commit order), and desk_listen calls fn(arg, ev)
 * on a thread of its own with theirs, for the caller to publish as its own
 * (a board on any server sees every call). After a lost connection came
 * back, fn gets a DE_COUNTS. Nothing to do on SQLite: DK_OK.
 */
typedef void (*desk_heard_fn)(void *arg, const struct desk_events *ev);
int desk_listen(struct desk *d, desk_heard_fn fn, void *arg, char *err, size_t errlen);
void desk_unlisten(struct desk *d);     /* stops it (before fn's arg goes away) */

/* -- opening ---------------------------------------------------------------- */

/* A desk on an open store. keys may be NULL (nothing can then be issued).
 * The site is read from the store; none yet is fine for `admin init`. */
struct desk *desk_open(struct store *st, const struct desk_keys *keys, char *err, size_t errlen);
void desk_close(struct desk *d);        /* NULL is harmless; the store stays open */
/* The site as loaded (NULL before desk_apply_site on a new database). */
const struct site *desk_site(const struct desk *d);
/* Ignore the opening hours from now on (`kiosk serve --always-open`:
 * benchmarks and tests that run at any hour). */
void desk_always_open(struct desk *d);

/* -- issuing (desk/issue.c) ------------------------------------------------ */

struct desk_issue {
	char service;               /* service code */
	const char *lang;           /* applicant's language ("fr" if NULL) */
	int priority;               /* priority flag */
	const char *holder;         /* typed document number, NULL if none */
	const char *previous;       /* earlier attestation's payload to chain, or NULL */
};

enum desk_slip_kind { DS_TICKET, DS_DUPLICATE, DS_ATTESTATION, DS_CONVOCATION };
/* A convocation for a later day (desk/convocations.c): its appointment row
 * (day, start, code, slot) and its window. */
struct desk_convocation {
	struct appt_row appt;       /* source "convocation"; appt.id is its id */
	int from_min, to_min;       /* its window, minutes after local midnight */
	int duplicate;              /* 1: the holder's open convocation, given back */
};
struct desk_slip {
	enum desk_slip_kind kind;   /* a new ticket, the holder's existing one, an attestation,
	                             * or a convocation */
	struct ticket ticket;       /* DS_TICKET, DS_DUPLICATE (with a fresh token) */
	struct attestation att;     /* DS_ATTESTATION; DS_CONVOCATION: its proof of visit
	                             * (outcome "convocation": serial, token, chain) */
	struct desk_convocation conv; /* DS_CONVOCATION */
	int64_t draw;               /* DK_DRAW_OPEN: the service's open draw */
	struct holder_claim elsewhere; /* DK_HOLDER_ELSEWHERE: the other site's ticket */
};

/* Issue a ticket; when the service is full, an attestation de passage;
 * a bound holder who has one already gets it back (DS_DUPLICATE). A
 * refusal because the site is closed is recorded (DK_CLOSED). While the
 * service has an open draw, a kiosk gets DK_DRAW_OPEN (out->draw). For a
 * service with bind_holder = all_sites on PostgreSQL, a holder with an
 * active ticket at another site of the database gets DK_HOLDER_ELSEWHERE
 * (out->elsewhere), and a new ticket is claimed for every site. */
int desk_issue(struct desk *d, const struct desk_actor *who, const struct desk_issue *in,
    int64_t now, struct desk_slip *out, struct desk_events *ev, char *err, size_t errlen);
/*
 * Convocations (desk/convocations.c, issue #13). Cancel: staff only, with a
 * reason (3 to 300 characters), audited; its place goes back to the pool.
 * DK_NOTFOUND, DK_CONFLICT (cancelled or checked in already), DK_FORBIDDEN,
 * DK_BAD. List: a day's convocations, cancelled too: a count or DK_BAD /
 * DK_ERR. Figures: a day's figures (store_convoc_figures) per service of the
 * site, in its order.
 */
int desk_convocation_cancel(struct desk *d, const struct desk_actor *who, int64_t id,
    const char *reason, int64_t now, struct appt_row *out, struct desk_events *ev, char *err,
    size_t errlen);
int desk_convocations(struct desk *d, const char *day, int64_t now, struct desk_convocation *out,
    int max, char *err, size_t errlen);
int desk_convoc_figures(struct desk *d, const char *day, int64_t now, struct convoc_fig *out,
    int max, char *err, size_t errlen);
/* A convocation's window: slot's of a day with hours h, cut in windows of
 * sv->convocation_window minutes, ceil(places / windows) places each. */
void desk_convoc_window(const struct site_service *sv, const struct site_hours *h, int slot,
    int *from, int *to);

/* A printer's outcome for one slip, as its kiosk reports it. */
#define DESK_SLIP_MM_MAX 2000       /* longest slip a report may claim, in mm */
struct desk_print {
	const char *status;         /* confirmed, unconfirmed, failed */
	const char *reason;         /* the printer's sentence, or NULL */
	int paper_mm;               /* paper the slip took, 0: not measured */
};
/* The printer's outcome, from the kiosk that printed the slip last; a
 * slip that went through adds to the kiosk's paper counter. */
int desk_printed(struct desk *d, const struct desk_actor *who, int64_t id,
    const struct desk_print *pr, int64_t now, struct ticket *out, struct desk_events *ev,
    char *err, size_t errlen);
int desk_attestation_printed(struct desk *d, const struct desk_actor *who, int64_t id,
    const struct desk_print *pr, int64_t now, struct desk_events *ev, char *err, size_t errlen);
/* Reprint a waiting ticket (a new token marked DUPLICATA), within the limit. */
int desk_reprint(struct desk *d, const struct desk_actor *who, int64_t id, int64_t now,
    struct ticket *out, struct desk_events *ev, char *err, size_t errlen);

/* -- counters (desk/counter.c) --------------------------------------------- */

/* A counter and its called ticket. */
struct counter_view {
	struct counter_row c;       /* number, name, services, state */
	int has_ticket;             /* 1: `ticket` is its called ticket */
	struct ticket ticket;
};

/*
 * `current` is the number of the ticket the caller sees called at this
 * counter ("" or NULL: none). The counter's called ticket is done first only
 * when it is that one: a caller whose last answer was lost must not close
 * a ticket it never saw. Otherwise DK_NOT_CURRENT, nothing changed, and
 * `out` holds the counter with its called ticket. DESK_ANY_CURRENT finishes
 * whatever is called (in-process callers that see every answer: tests).
 */
#define DESK_ANY_CURRENT "*"
/* Call the next ticket (the counter's current one, if any, is done first). */
int desk_call_next(struct desk *d, const struct desk_actor *who, int counter,
    const char *current, int64_t now, struct counter_view *out, struct desk_events *ev,
    char *err, size_t errlen);
/* Call a waiting ticket out of order, with a reason (audited). */
int desk_call_number(struct desk *d, const struct desk_actor *who, int counter,
    const char *current, const char *number, const char *reason, int64_t now,
    struct counter_view *out, struct desk_events *ev, char *err, size_t errlen);

enum desk_op { DO_RECALL, DO_NO_SHOW, DO_DONE, DO_TRANSFER, DO_PAUSE, DO_RESUME, DO_OPEN,
	DO_CLOSE };
/* arg: the outcome for DO_DONE (NULL: complete), the service for DO_TRANSFER.
 * current: for recall, no-show, done and transfer, the ticket the caller
 * sees called here; another one called there gives DK_NOT_CURRENT, nothing
 * changed (NULL: not checked).
 * finished: the ticket the op finished or moved (done, no-show, transfer,
 * a recall past the limit), else has_finished is 0. */
int desk_counter_op(struct desk *d, const struct desk_actor *who, int counter, enum desk_op op,
    const char *arg, const char *current, int64_t now, struct counter_view *out, struct ticket *finished,
    int *has_finished, struct desk_events *ev, char *err, size_t errlen);

/* End of day: tickets still waiting or called on a past day, or today after
 * closing time, become not_served. Returns how many, or DK_ERR. */
int desk_close_day(struct desk *d, int64_t now, struct desk_events *ev, char *err, size_t errlen);

/* -- checks at the counter (desk/check.c) ---------------------------------- */

struct desk_verdict {
	enum slip_verdict verdict;  /* what the signature and the day say */
	const char *result;         /* its code, or "already_served", or "forged" for a
	                               genuine signature on a serial unknown here */
	int have_slip;              /* 1: `slip` was decoded (not to be trusted unless valid) */
	struct slip slip;
	int have_ticket;            /* 1: `ticket` is the slip's ticket */
	struct ticket ticket;
};
int desk_verify(struct desk *d, const char *payload, int64_t now, struct desk_verdict *out,
    char *err, size_t errlen);

struct desk_holder_check {
	int match;                  /* the document number is the holder's */
	int bound;                  /* the ticket is bound to a holder (and its key lives) */
	char number[12];            /* the ticket's number */
};
int desk_holder_check(struct desk *d, int64_t id, const char *document, int64_t now,
    struct desk_holder_check *out, char *err, size_t errlen);

/* -- views (desk/view.c) --------------------------------------------------- */

struct service_stat {
	char code;              /* service code */
	int capacity;           /* per day, reserve included */
	int reserve;            /* priority reserve */
	int bind_holder;        /* tickets bound to a document number */
	int waiting;            /* tickets waiting now */
	int issued;             /* tickets issued today */
	int left_today;         /* ordinary places left today */
	int estimated_wait_s;   /* for a ticket issued now */
	int longest_wait_s;     /* of those waiting now */
	int open_counters;      /* open counters serving it */
	int open;               /* 0: closed today by a manager (desk_service_today) */
	int changed;            /* 1: capacity/open are today's change, not the site's */
	int64_t draw;           /* the service's open draw (docs/DRAW.md), 0: none */
	int draw_closes_min;    /* its site-file window's end, minutes after local
	                         * midnight; -1: a manager's draw, no set end */
	char draw_commitment[65]; /* its commitment, hex; "" when no draw */
};

int desk_ticket(struct desk *d, int64_t id, int64_t now, struct ticket *out, char *err,
    size_t errlen);
int desk_services(struct desk *d, int64_t now, struct service_stat *out, int max, char *err,
    size_t errlen);
int desk_counters(struct desk *d, struct counter_view *out, int max, char *err, size_t errlen);
int desk_recent_calls(struct desk *d, int64_t now, struct call_view *out, int max, char *err,
    size_t errlen);
int desk_alerts(struct desk *d, int64_t now, struct alert *out, int max, char *err,
    size_t errlen);
int desk_stats(struct desk *d, const char *day, struct stat_row *out, int max, char *err,
    size_t errlen);
/* Each service's figures of day per channel, appointments and walk-ins
 * (store_channels), as they stand at now (no-shows: DESK_NO_SHOW_AFTER_S). */
int desk_channels(struct desk *d, const char *day, int64_t now, struct channel_row *out,
    int max, char *err, size_t errlen);
/* The same as CSV (docs/API.md), appended to b: the header, then a row per
 * service and channel, a cell empty where the channel has no such figure.
 * `kiosk admin report --channels` prints it; the /stats page builds the
 * same bytes from GET /api/v1/stats. */
#define DESK_CHANNELS_CSV_HEAD "day,service,channel,capacity,left,booked,cancelled," \
    "checked_in,late_walkin,late_attestation,no_show,pending,issued,turned_away,called," \
    "wait_mean_s,wait_p50_s,wait_p90_s"
struct buf;
void desk_channels_csv(struct buf *b, const char *day, const struct channel_row *ch, int n);
/* Its rows alone, each with a first cell `site` unless site is NULL (the
 * all-sites CSV, `kiosk admin report --channels --all-sites`); a
 * percentile of -1 (all sites together) an empty cell. */
void desk_channels_csv_rows(struct buf *b, const char *site, const char *day,
    const struct channel_row *ch, int n);
int desk_report(struct desk *d, const char *day, struct day_report *out, int max, char *err,
    size_t errlen);

/*
 * The figures of the database's sites (issue #11, GET /api/v1/stats?site=,
 * `kiosk admin report --all-sites`): each site's day as GET /api/v1/stats
 * gives it, read in a transaction of its own on its schema, and the sites
 * read, together. A site not read says why in site.skipped: this role may
 * not read it, another schema version, or another time zone (its hours
 * would be counted in this server's).
 */
struct desk_site_figs {
	struct store_site site;         /* which (its id and name filled on SQLite too) */
	struct site *conf;              /* its site as stored: services, names, places;
	                                 * NULL when skipped */
	struct stat_row rows[SITE_MAX_SERVICES * 25]; /* desk_stats's */
	int nrows;
	struct channel_row ch[SITE_MAX_SERVICES];    /* desk_channels's */
	int nch;
	struct convoc_fig cf[SITE_MAX_SERVICES];     /* desk_convoc_figures's, per conf service */
	int ncf;
};
struct desk_figures {
	struct desk_site_figs *sites;   /* each site, in its schema's name order */
	int n;
	int nread;                      /* how many were read (not skipped) */
	/* The sites read, together: `rows` counts added up, waits' percentiles
	 * and the mean service time over every ticket together (stat_pool);
	 * `ch` counts and places added up, wait_mean_s weighted by `called`,
	 * wait_p50_s and wait_p90_s -1 (unknown: percentiles do not add up);
	 * `cf` added up; `conf` the services met (the first site's names,
	 * capacity and convocations places added up); site.id "all". */
	struct desk_site_figs all;
};
/* which: NULL for every site, else one site's id (a site whose row this
 * role may not read: its schema's name; DK_NOTFOUND: no such site). DK_OK, or DK_ERR with the reason in err. */
int desk_figures(struct desk *d, const char *day, int64_t now, const char *which,
    struct desk_figures *out, char *err, size_t errlen);
void desk_figures_free(struct desk_figures *f);   /* NULL is harmless */
/* What each active kiosk's printer said last, by kiosk name. */
int desk_printers(struct desk *d, struct device_printer *out, int max, char *err, size_t errlen);
/* The storage as a supervisor sees it (store_health). */
void desk_health(struct desk *d, struct store_health *out);
/* All-time totals for Prometheus: kinds issue, done, no_show, not_served,
 * attestation, duplicate; out[k][i] for kinds[k] and the site's service i. */
int desk_totals(struct desk *d, const char *const *kinds, int nkinds, int64_t (*out)[SITE_MAX_SERVICES],
    char *err, size_t errlen);

/* -- accounts and set-up (desk/admin.c) ------------------------------------ */

/* Who holds a bearer secret or session: DK_DENIED if nobody (valid) does. */
int desk_identify(struct desk *d, const char *secret, int64_t now, struct cred *out, char *err,
    size_t errlen);
/* Check a password and open a session (secret and csrf: 80 bytes each).
 * must_change: 1 when the user must choose a new password (desk/users.c)
 * before anything else; the session is opened all the same, for that. */
int desk_login(struct desk *d, const char *login, const char *password, const char *client,
    int64_t now, int ttl_s, char *role, int *must_change /* OUT */, char *secret, char *csrf,
    char *err, size_t errlen);
/* A failed login, for the audit log. */
int desk_login_failed(struct desk *d, const char *login, const char *client, int64_t now);
/* Failed logins of `login` from `client` now wait delay_s before the next
 * try: audited (login_throttled), and the day's login_throttled alert for
 * that login is raised once (its event in ev). */
int desk_login_throttled(struct desk *d, const char *login, const char *client, int failures,
    int delay_s, int64_t now, struct desk_events *ev);
int desk_logout(struct desk *d, const char *secret, char *err, size_t errlen);
int desk_user_add(struct desk *d, const struct desk_actor *who, const char *login,
    const char *role, const char *password, int64_t now, char *err, size_t errlen);
/* A kiosk's device key (80 bytes), shown once. */
int desk_device_add(struct desk *d, const struct desk_actor *who, const char *name, int64_t now,
    char *key, char *err, size_t errlen);
/* A staff bearer token (80 bytes), shown once. */
int desk_token_new(struct desk *d, const struct desk_actor *who, const char *login, int64_t now,
    char *secret, char *err, size_t errlen);
/* Copy a parsed site file in (services, names, counters, hours), audited. */
int desk_apply_site(struct desk *d, const struct desk_actor *who, const struct site *s,
    int64_t now, char *err, size_t errlen);
/* Before desk_apply_site: the services of the stored site that `next`
 * drops while they still hold tickets waiting or called today. Returns how
 * many such services (why names each with its count), 0, or DK_ERR. A
 * read, not part of the apply: `kiosk admin init` holds the database's run
 * lock (io/runlock.h), so no server adds tickets in between. */
int desk_site_drops(struct desk *d, const struct site *next, int64_t now, char *why,
    size_t whylen);
/* Retention (docs/PRIVACY.md): holder data and old events. */
int desk_retention(struct desk *d, int64_t now, char *err, size_t errlen);
int desk_audit_verify(struct desk *d, int *entries, char *err, size_t errlen);
int desk_backup(struct desk *d, const char *dest, char *err, size_t errlen);

/* -- the manager's changes (desk/manage.c) ---------------------------------- */

/* Service `code` open or closed, its capacity and priority reserve, for
 * the site's day of `now` only; reason required. Audited with before and
 * after; publishes the counts. DK_NOTFOUND: no such service; DK_BAD:
 * capacity out of 0..100000 or reserve out of 0..capacity. */
int desk_service_today(struct desk *d, const struct desk_actor *who, char code,
    const struct service_day *sd, const char *reason, int64_t now, struct desk_events *ev,
    char *err, size_t errlen);

/* Counter n's services, in preference order ("BA": codes of the site's
 * services, each once), and its name (NULL keeps it). A lasting change,
 * audited with before and after; publishes the counts. DK_NOTFOUND: no such
 * counter; DK_BAD: a bad code or name. */
int desk_counter_set(struct desk *d, const struct desk_actor *who, int n, const char *services,
    const char *name, int64_t now, struct counter_row *out, struct desk_events *ev, char *err,
    size_t errlen);

/* Exceptional days of the whole site, from `from` to `to` (days
 * YYYY-MM-DD, both included), with a reason: closed (issuing is refused
 * those days, DK_CLOSED, and the next opening skips them), or open with
 * changed hours only (which may open a day the weekly hours close). Audited;
 * counts published. */
int desk_closure_add(struct desk *d, const struct desk_actor *who, const char *from,
    const char *to, const struct site_hours *hours /* NULL or open_min -1: closed */,
    const char *reason, int64_t now, struct closure_row *out /* id set */,
    struct desk_events *ev, char *err, size_t errlen);
int desk_closure_delete(struct desk *d, const struct desk_actor *who, int64_t id, int64_t now,
    struct closure_row *out /* the closure removed */, struct desk_events *ev, char *err,
    size_t errlen);
/* Every closure, by first day: a count, or DK_ERR. */
int desk_closures(struct desk *d, int64_t now, struct closure_row *out, int max, char *err,
    size_t errlen);

/* Today's state of the site beyond its weekly hours. */
struct desk_site_state {
	int closed;                 /* 1: today is closed all day by a closure */
	struct closure_row closure; /* the closure covering today (id 0 if none) */
	struct site_hours today;    /* today's hours: the closure's, else the weekly ones */
	int open_now;               /* 1: open right now by today's hours */
	char next_day[11];          /* when the site opens next: today if it opens later
	                             * today, else the next day it opens ("" if none
	                             * within a year) */
	int next_open_min;          /* its opening minute, -1 if none */
};
int desk_site_state(struct desk *d, int64_t now, struct desk_site_state *out, char *err,
    size_t errlen);

/* Notices for the board and the kiosk (desk/notices.c). Add checks `in`:
 * days YYYY-MM-DD, from <= to, to not before today (the site's day);
 * screens NOTICE_BOARD and/or NOTICE_KIOSK; texts in the kiosk's languages
 * (core/i18n.h; an alias such as "fa" becomes "fa-AF"), French required,
 * each 1 to NOTICE_TEXT_CHARS characters of one-line valid UTF-8, no
 * language twice. DK_BAD with the reason otherwise. *out is the notice as
 * kept (id set, French first). Add and delete are audited (who, before,
 * after) and publish DE_NOTICES. Delete: DK_NOTFOUND when no such id. */
int desk_notice_add(struct desk *d, const struct desk_actor *who, const struct notice_row *in,
    int64_t now, struct notice_row *out, struct desk_events *ev, char *err, size_t errlen);
int desk_notice_delete(struct desk *d, const struct desk_actor *who, int64_t id, int64_t now,
    struct notice_row *out /* the notice removed */, struct desk_events *ev, char *err,
    size_t errlen);
/* screens 0: every notice not yet ended (staff); else the notices shown
 * today on one of those screens. A count, or DK_ERR. */
int desk_notices(struct desk *d, int64_t now, int screens, struct notice_row *out, int max,
    char *err, size_t errlen);

/* -- appointments booked online (desk/appointments.c) ----------------------------- */

/*
 * Appointments come from the booking systems (the webhook, a CSV or ICS
 * file, a manager's POST) as struct appt_in (core/appt.h) and are stored by
 * desk_appt_put; the kiosk checks one in with its code (desk_checkin), and
 * it becomes a ticket of its service, numbered and signed as any other.
 */

/* What a put did with one appointment. */
enum desk_appt_outcome {
	DA_CREATED,                 /* a new appointment */
	DA_UPDATED,                 /* a stored one changed */
	DA_CANCELLED,               /* it is cancelled now (or came in cancelled) */
	DA_UNCHANGED,               /* the same as stored: nothing written */
	DA_OLDER,                   /* its updated_at is older than the stored one: ignored */
};
struct desk_appt_counts {
	int created, updated, cancelled, unchanged, older;
};

/*
 * Store n appointments from `source` ("webhook", "staff", "csv", "ics"), all
 * or none, in one transaction. Each is checked: an id; a service of the
 * site that takes appointments (`appointments = N`); a start; a duration of
 * 1 to 720 minutes; a check-in code (appt_code_normalise), not another
 * appointment's on the same day; a document number if any (holder_normalise:
 * kept only as its hash under the key of the appointment's day); a language
 * code or "". A booked appointment needs a place among its service's N of
 * that day (DK_FULL). An update whose updated_at is older than the stored
 * one is ignored (DA_OLDER); one equal to what is stored writes nothing
 * (DA_UNCHANGED); a checked-in appointment can no longer change
 * (DK_CONFLICT). Every change is audited with who, before and after (never
 * a code or a document number). DK_BAD / DK_CONFLICT / DK_FULL name the
 * appointment in err. outcomes and rows (n entries each, or NULL) get what
 * was done and each appointment as it is stored now; counts (or NULL) the
 * sums.
 */
int desk_appt_put(struct desk *d, const struct desk_actor *who, const char *source,
    const struct appt_in *in, int n, int64_t now, enum desk_appt_outcome *outcomes,
    struct appt_row *rows, struct desk_appt_counts *counts, char *err, size_t errlen);

/* An appointment's state at `now`, for the day's list. */
enum appt_state {
	AS_NOT_YET,                 /* booked, its start still to come */
	AS_ARRIVED,                 /* checked in */
	AS_LATE,                    /* started, not checked in, less than 15 minutes ago */
	AS_NO_SHOW,                 /* not checked in 15 minutes after its start */
	AS_CANCELLED,
};
#define DESK_NO_SHOW_AFTER_S (15 * 60)
int desk_appt_state(const struct appt_row *a, int64_t now);
const char *desk_appt_state_name(int state);   /* "not_yet", "arrived", ... */

struct appt_view {
	struct appt_row a;
	int state;                  /* enum appt_state at the time asked */
};
/* The appointments of `day` (YYYY-MM-DD) by start, with their state at
 * `now`: a count, *out malloc'd (the caller frees it; NULL when 0), or
 * DK_ERR / DK_BAD. */
int desk_appointments(struct desk *d, const char *day, int64_t now, struct appt_view **out,
    char *err, size_t errlen);

/* A check-in at the kiosk: the code typed or scanned, the language chosen,
 * and the document number when the appointment is bound to its holder. */
struct desk_checkin {
	const char *code;
	const char *lang;           /* NULL: the appointment's, else French */
	const char *holder;         /* NULL: none typed */
	const char *token;          /* instead of code: a convocation slip's QR (its
	                             * attestation's signed token) */
};
struct desk_checkin_out {
	/* The slip: the appointment's ticket (DS_TICKET: ticket.appointment set),
	 * its ticket again on a second check-in (DS_DUPLICATE), or, too late:
	 * a walk-in's slip (late = walkin: a ticket, the holder's walk-in ticket
	 * again, or an attestation "full") or an attestation "late". */
	struct desk_slip slip;
	int late;                   /* 1: checked in after its window */
	int found;                  /* 1: appt is the appointment of the code */
	struct appt_row appt;
	int64_t come_back_at;       /* DK_TOO_EARLY: when its window opens */
};
/*
 * Check an appointment in, by a kiosk (who->device). Today's appointment of
 * the code, in its window (checkin_before minutes before its start to
 * checkin_after after): a ticket of its service (numbered in the service's
 * sequence, signed, not counted in the walk-ins' capacity), and the
 * appointment is checked in. A second check-in gives that ticket back
 * (DS_DUPLICATE). Refusals: DK_NOTFOUND (no such code), DK_NOT_TODAY
 * (appt.day says which day), DK_CANCELLED, DK_TOO_EARLY (come_back_at),
 * DK_HOLDER_REQUIRED / DK_BAD_HOLDER / DK_HOLDER_MISMATCH for a bound
 * appointment, DK_CLOSED (the service or the site closed today). Too late,
 * the site's `late` decides (see desk_checkin_out). Unknown, other-day and
 * cancelled codes and holder mismatches are logged (checkin_refused, the
 * kiosk's name, never the code) and a burst from one kiosk raises a
 * `checkin_guess` alert ([alerts] checkin_guesses in 10 minutes).
 * With a token instead of a code (a convocation slip's QR): DK_BAD_TOKEN
 * when it is not a genuine attestation of this site, DK_NOT_CONVOCATION
 * when it is one but names no convocation; then as by code (a signed
 * token is no guess: its refusals raise no alert).
 */
int desk_checkin(struct desk *d, const struct desk_actor *who, const struct desk_checkin *in,
    int64_t now, struct desk_checkin_out *out, struct desk_events *ev, char *err,
    size_t errlen);
/*
 * Check an appointment in by hand, at the desk (staff, not a kiosk:
 * DK_FORBIDDEN): today's appointment of external id `id`, with a reason (3
 * characters or more, else DK_BAD). The same paths as desk_checkin, but the
 * agent decides: no window (early or late, the appointment's own ticket),
 * no document number (a bound appointment's ticket is bound to the hash it
 * was booked with). Refusals: DK_NOTFOUND (no such id), DK_NOT_TODAY
 * (another day's), DK_CANCELLED, DK_CLOSED. A second check-in gives its
 * ticket back (DS_DUPLICATE). Audited (`appointment_checkin`: who, the
 * appointment's state before, the ticket after, the reason; never its code).
 */
int desk_checkin_staff(struct desk *d, const struct desk_actor *who, const char *id,
    const char *reason, int64_t now, struct desk_checkin_out *out, struct desk_events *ev,
    char *err, size_t errlen);

/* Every kiosk (revoked ones too), by name: a count, or DK_ERR. */
int desk_devices(struct desk *d, int64_t now, struct device_row *out, int max, char *err,
    size_t errlen);
/* Revoke a kiosk: its keys are deleted, so its next request is refused.
 * Audited. DK_NOTFOUND: no active device of that name. */
int desk_device_revoke(struct desk *d, const struct desk_actor *who, const char *name,
    int64_t now, char *err, size_t errlen);
/* A new paper roll in the kiosk `name`: its paper counter starts again at
 * 0 (audited, with the count it had). */
int desk_device_new_roll(struct desk *d, const struct desk_actor *who, const char *name,
    int64_t now, char *err, size_t errlen);

/* -- staff accounts (desk/users.c) ---------------------------------------------- */

/*
 * Who may change whom: an admin changes any account; a manager only agent
 * accounts, and may give only the agent role; nobody else. Nobody disables
 * or demotes the last active admin (DK_CONFLICT). The actor is read from
 * the store in the verb's own transaction (its role as it is now). A
 * password someone else chose (a new account, a reset) must be changed by
 * its owner at the next login (must_change). Disabling an account or
 * resetting its password deletes its sessions and tokens at once. Every
 * change is audited with who, before, after and why; never a password.
 */
#define DESK_TEMP_PASSWORD 24       /* bytes for a temporary password, NUL included */
#define DESK_PASSWORD_MIN 8         /* the password rules: 8 to 200 bytes */
#define DESK_PASSWORD_MAX 200

/* Every account, by login: a count, or DK_ERR. */
int desk_users(struct desk *d, int64_t now, struct user_row *out, int max, char *err,
    size_t errlen);
/* A new account (must_change set). password NULL: a temporary one is made
 * and returned in temp (else temp is ""). reason may be NULL. DK_BAD (login,
 * role, password), DK_FORBIDDEN, DK_CONFLICT (the login exists). */
int desk_user_create(struct desk *d, const struct desk_actor *who, const char *login,
    const char *role, const char *password, const char *reason, int64_t now,
    struct user_row *out, char *temp /* OUT: DESK_TEMP_PASSWORD */, char *err, size_t errlen);

struct desk_user_change {
	const char *role;           /* the new role, NULL: unchanged */
	int active;                 /* 1 enable, 0 disable, -1 unchanged */
	int reset;                  /* 1: a new temporary password (in temp) */
	const char *reason;         /* why, NULL or "" if not given */
};
/* DK_NOTFOUND, DK_BAD, DK_FORBIDDEN, DK_CONFLICT (the last active admin). */
int desk_user_change(struct desk *d, const struct desk_actor *who, const char *login,
    const struct desk_user_change *c, int64_t now, struct user_row *out, char *temp,
    char *err, size_t errlen);
/* The user's own new password, the old one checked: must_change cleared.
 * DK_DENIED: the old password is wrong; DK_BAD: the new one breaks the
 * rules (or is the old one). */
int desk_password_change(struct desk *d, const char *login, const char *old_pw,
    const char *new_pw, int64_t now, char *err, size_t errlen);

/* -- the draw at opening (desk/draws.c; docs/DRAW.md) ------------------------ */

#define DESK_DRAW_PLACES_MAX 9999   /* most tickets one draw may hand out */
#define DESK_DRAW_ENTRIES_MAX 20000 /* most entries one draw takes */

/* The actor of the draws the site file's windows open and close. */
#define DESK_DRAW_SITE_ACTOR "site-file"

/* When draw dr closes by itself: the end of its service's window in the
 * site file (minutes after local midnight) when the site file opened it;
 * -1 when a manager did (they close it when they choose). */
int desk_draw_closes_min(const struct desk *d, const struct draw_row *dr);

/* Open a draw of `places` tickets for a service: a random secret is drawn
 * and its commitment published. Staff only (DK_FORBIDDEN for a kiosk);
 * DK_NOTFOUND: no such service; DK_BAD: places out of 1..DESK_DRAW_PLACES_MAX;
 * DK_CONFLICT: the service has an open draw. Audited. */
int desk_draw_open(struct desk *d, const struct desk_actor *who, char service, int places,
    int64_t now, struct draw_row *out, char *err, size_t errlen);

struct desk_draw_enrolled {
	struct draw_entry_row e;    /* the entry */
	int duplicate;              /* 1: the holder's entry from before, given back */
	char token[256];            /* the enrolment slip's signed payload (core/draw.h) */
	char service;               /* the draw's service */
	int closes_min;             /* the draw's set end (desk_draw_closes_min), -1: none */
	char commitment[65];        /* the draw's commitment, hex */
};
/* Enrol one applicant (a kiosk): holder when the service binds holders
 * (DK_HOLDER_REQUIRED, DK_BAD_HOLDER); the holder's entry again when there
 * is one. DK_NOTFOUND: no such draw; DK_CONFLICT: the draw is closed;
 * DK_FORBIDDEN: not a kiosk. Audited. */
int desk_draw_enrol(struct desk *d, const struct desk_actor *who, int64_t draw,
    const char *lang, int priority, const char *holder, int64_t now,
    struct desk_draw_enrolled *out, char *err, size_t errlen);

/* Close a draw (staff): the order is drawn; priority entries take the
 * service's priority reserve of the day first, then the first entries of
 * the order the rest of `places` (draw_winners, core/draw.h); the winners
 * get tickets numbered in draw order, the others an attestation (issued
 * when redeemed). DK_NOTFOUND, DK_CONFLICT (closed already), DK_FORBIDDEN.
 * Audited twice: the close, and the published result. */
int desk_draw_close(struct desk *d, const struct desk_actor *who, int64_t draw, int64_t now,
    struct draw_row *out, struct desk_events *ev, char *err, size_t errlen);

/* The site file's windows (`draw = HH:MM-HH:MM` per service), once a
 * minute from the server: in a window, the service's draw is opened (for
 * today's capacity) unless it had one today; after it, the draw the site
 * file opened is closed. One transaction, audited as the manager's verbs
 * are (actor "site-file"). The draws opened and closed, or DK_ERR. */
int desk_draw_tick(struct desk *d, int64_t now, struct desk_events *ev, char *err,
    size_t errlen);

/* A draw and its entries (malloc'd, in byte order of their ids; *entries
 * NULL when none), for anyone: the secret must not be shown while open.
 * The count of entries, or DK_NOTFOUND / DK_ERR. */
int desk_draw_get(struct desk *d, int64_t draw, int64_t now, struct draw_row *out,
    struct draw_entry_row **entries, char *err, size_t errlen);

/* The draws opened on day (NULL: today), by id (at most max; secrets
 * zeroed whatever their state: GET /api/v1/draws/{id} publishes a closed
 * one's). A count, DK_BAD (not a day YYYY-MM-DD) or DK_ERR. */
int desk_draws_day(struct desk *d, const char *day, int64_t now, struct draw_row *out, int max,
    char *err, size_t errlen);

struct desk_draw_redeemed {
	struct draw_entry_row e;    /* the entry, after */
	struct desk_slip slip;      /* its ticket (DS_TICKET the first time, DS_DUPLICATE after)
	                             * or attestation (the same one each time) */
};
/* An applicant's enrolment slip scanned at a kiosk: the entry's ticket or
 * attestation. DK_NOTFOUND: no such draw or entry; DK_CONFLICT: the draw is
 * still open; DK_FORBIDDEN: not a kiosk. */
int desk_draw_redeem(struct desk *d, const struct desk_actor *who, int64_t draw,
    const char *entry, int64_t now, struct desk_draw_redeemed *out, struct desk_events *ev,
    char *err, size_t errlen);

#endif
