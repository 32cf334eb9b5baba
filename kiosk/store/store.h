/*
 * store: the database behind one narrow interface. The desk (desk/) is its
 * only caller in the server; it holds the rules, the store only keeps rows.
 * No SQL, no engine type and no queue rule crosses this header, so a second
 * engine (PostgreSQL) slots in beside the SQLite one (store/sqlite_*.c).
 *
 * Transactions. Every change runs inside store_write(): the store calls the
 * caller's function with the store in a write transaction; the row
 * functions below are only valid inside such a call (or a store_read()).
 * Concurrent store_write() calls are grouped into one transaction, each
 * under its own savepoint (group commit: one fsync for the batch), and
 * nobody's call returns before the commit is on disk. So a number is handed
 * out only once it is durable, and a failed write undoes only its own
 * changes.
 *
 * fn may run on another caller's thread (the batch's leader), so it must
 * not rely on thread-local state. Programmer errors end the program: a row
 * function outside store_write()/store_read(), a write inside store_read(),
 * or store_write()/store_read() called from inside fn.
 *
 * Return codes: ST_OK, or a negative store_rc. ST_ERR is a storage failure
 * (disk full, locked, I/O error) whose reason store_write()/store_read()
 * copy into the caller's err; the others are ordinary answers. Functions
 * that return a count or an id return ST_ERR (negative) on failure.
 */
#ifndef KIOSK_STORE_H
#define KIOSK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/appt.h"
#include "core/site.h"

enum store_rc {
	ST_OK = 0,
	ST_ERR = -1,            /* storage failure: nothing of this call was kept */
	ST_NOTFOUND = -2,       /* no such row */
	ST_CONFLICT = -3,       /* the row changed under us (a guarded update found another state) */
};

struct store;

/* -- rows -------------------------------------------------------------------- */

struct ticket {
	int64_t id;             /* database id, also the slip's serial */
	char day[11];           /* local day, YYYY-MM-DD */
	char service;           /* service that numbered it */
	char queue;             /* service whose queue it is in (after transfer) */
	int seq;                /* 1, 2, ... per service and day */
	char number[12];        /* "A042" */
	char lang[12];          /* applicant's language */
	int priority;           /* 1: priority flag (never a reason) */
	int state;              /* enum ticket_state (core/queue.h) */
	int64_t issued_at;      /* Unix seconds */
	int64_t called_at;      /* 0 if never called */
	int64_t finished_at;    /* 0 while open */
	int counter;            /* counter that called it last, 0 if none */
	char counter_name[48];  /* its name (read only: from the counters) */
	char agent[48];         /* agent who called it last */
	int recalls;            /* recalls since the call */
	char outcome[24];       /* outcome code once served */
	char device[48];        /* issuing kiosk or agent */
	char print_device[48];  /* kiosk that printed it last, "" if none */
	char token[512];        /* signed QR payload */
	char print_state[16];   /* pending, confirmed, unconfirmed, failed */
	char print_reason[128]; /* why printing failed */
	int reprints;           /* reprints so far */
	char holder_mask[16];   /* "•••4B7" when bound to a holder, else "" */
	int position;           /* 1 = next to be called (filled by the desk) */
	int estimated_wait_s;   /* for waiting tickets (filled by the desk) */
	int64_t appointment;    /* appointments.id it was issued for; 0: a walk-in */
	char appt_id[APPT_ID_MAX]; /* that appointment's external id (read only) */
	int64_t appt_start;     /* its start, Unix seconds (read only) */
	int appt_duration_min;  /* its duration (read only) */
};

/* Attestations de passage (capacity reached). */
struct attestation {
	int64_t id;             /* serial */
	char day[11];
	char service;
	int64_t issued_at;
	char device[48];
	char lang[12];
	char outcome[16];       /* "full"; "late": an appointment checked in too late */
	int attempt;            /* 1 = first */
	char first_date[9];     /* YYYYMMDD of the first attempt */
	int weeks;              /* distinct ISO weeks with an attempt */
	char token[512];        /* signed payload */
	int64_t appointment;    /* appointments.id it names (outcome "late"; or "full": a late
	                         * arrival under late = walkin found no walk-in place), else 0 */
};

struct counter_row {
	int n;                  /* counter number */
	char name[48];          /* display name */
	char services[SITE_MAX_SERVICES + 1]; /* codes, preference order */
	char state[8];          /* open, paused, closed */
};

/* One line of the event log (anonymous: no identity). */
struct store_event {
	int64_t at;             /* Unix seconds */
	const char *day;        /* local day */
	const char *kind;       /* issue call recall no_show done transfer print ... */
	int64_t ticket;         /* 0: none */
	char service;           /* 0: none */
	int counter;            /* 0: none */
	const char *agent;      /* kiosk or agent, NULL: none */
	const char *detail;     /* NULL: none */
};

/* Slips per service and day. */
struct day_count {
	int ordinary;           /* ordinary tickets issued */
	int priority;           /* priority tickets issued */
	int attestations;       /* attestations issued */
	int prints;             /* slips sent to a printer, reprints included */
	int appointments;       /* appointment tickets issued (their own capacity) */
};
enum day_count_field { DC_ORDINARY, DC_PRIORITY, DC_ATTESTATIONS, DC_PRINTS, DC_APPOINTMENTS };

struct alert {
	int64_t id;
	int64_t at;
	char kind[24];          /* burst, holder_refusals, outside_hours, reprints, paper,
	                         * login_throttled, checkin_guess */
	char subject[48];       /* kiosk, hour, ticket or (login_throttled) staff login */
	char message[200];      /* in French, for the staff */
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
	int64_t appt_start;     /* an appointment's ticket: the appointment's start
	                         * (Unix seconds); 0: a walk-in's */
	int appt_duration_min;  /* and its duration */
};

/* Open figures per service and local hour (hour -1: the whole day). */
struct stat_row {
	char service;
	int hour;               /* 0..23, or -1 for the day */
	int issued, served, no_show, not_served, attestations, refused_duplicates;
	int wait_p50_s, wait_p90_s;   /* issue to call */
	int service_avg_s;            /* call to finish, served tickets */
};

/*
 * One channel's figures of a service's day (issue #12): the appointments
 * booked online, or the walk-ins. docs/API.md (GET /api/v1/stats,
 * "channels") defines each; a field the channel does not have stays 0.
 */
struct channel_fig {
	int capacity;           /* the channel's daily places (appointments: `appointments =`;
	                         * walk-ins: the day's capacity, reserve included) */
	int left;               /* capacity - booked (appointments) or - issued (walk-ins), >= 0 */
	int booked;             /* appointments: booked, not cancelled */
	int cancelled;          /* appointments: cancelled */
	int checked_in;         /* appointments: checked in within the window (their own ticket) */
	int late_walkin;        /* appointments: came after the window, became a walk-in */
	int late_attestation;   /* appointments: came after the window, got an attestation
	                         * naming it (late = attestation, or no walk-in place left) */
	int no_show;            /* appointments: not checked in 15 minutes after the start */
	int pending;            /* appointments: not checked in, less than 15 minutes past the
	                         * start (not yet a no-show) */
	int issued;             /* tickets of the channel (appointments: = checked_in) */
	int turned_away;        /* walk-ins: attestations for lack of places (not naming an
	                         * appointment: those are the appointments' late_attestation) */
	int called;             /* tickets of the channel called: the waits' count */
	int wait_mean_s;        /* issue (walk-ins) or check-in (appointments) to call */
	int wait_p50_s;
	int wait_p90_s;
};
struct channel_row {
	char service;
	struct channel_fig appt;        /* the appointment channel */
	struct channel_fig walkin;      /* the walk-in channel */
};

struct day_report {
	char service;
	char name[96];
	int issued, served, no_show, not_served, cancelled, waiting;
	int wait_p50_s, wait_p90_s;   /* issue to call, of called tickets */
	int service_avg_s;            /* call to done, of served tickets */
};

/* A credential found by its hash. */
struct cred {
	char kind[16];          /* device, token, session */
	char owner[48];         /* device name or login */
	char role[16];          /* agent, manager, admin; "device" for devices */
	char csrf[80];          /* sessions only */
	int must_change;        /* 1: the user must choose a new password first */
};

/* -- opening, transactions ----------------------------------------------- */

/* Open (creating and migrating) a database. Refuses a damaged file or a
 * newer schema before anything is written. path is an SQLite file, or a
 * PostgreSQL connection string (store_is_pg: "postgresql://...", any form
 * libpq takes; store/pg.c). */
struct store *store_open(const char *path, char *err, size_t errlen);
int store_is_pg(const char *path);
/* How a storage failure's reason starts when the database's connection is
 * lost and being opened again (PostgreSQL: a restart, a standby promoted):
 * the API answers it as 503 "reconnecting", for clients to say so and retry. */
#define STORE_RECONNECTING "reconnecting to the database"
/* Copy a site's whole history from the SQLite file `from` into the new,
 * empty PostgreSQL database `to` (store/copy.c), in one transaction: every
 * row with its ids, the audit chain as it was. ST_OK with the tables and
 * rows copied, or ST_ERR with why (nothing kept). */
int store_copy(const char *from, const char *to, int *tables, long *rows, char *err,
    size_t errlen);
void store_close(struct store *st);     /* NULL is harmless */
/* Consistent online copy into dest, created 0600, as one file (not WAL),
 * without the day keys (holder hashes cannot be tested against it). */
int store_backup(struct store *st, const char *dest, char *err, size_t errlen);

/* What a supervisor needs to know of the storage, read without waiting for
 * a transaction (a stalled disk must not stall the answer). */
struct store_health {
	int file_ok;            /* the file is in place, whole, and still an SQLite database */
	char file_err[200];     /* else what is wrong with it */
	int writable;           /* a test write with fsync next to the database worked */
	char write_err[200];    /* else why not (the disk is full, read-only, ...) */
	uint64_t disk_free;     /* bytes free for this process on that file system */
	uint64_t disk_total;    /* its size in bytes */
	int64_t last_commit;    /* Unix ms of the last committed write, 0: none since start */
	int64_t last_failure;   /* Unix ms of the last failed write transaction, 0: none */
	char last_error[400];   /* its reason */
};
/* Fill *h. The test write runs at most every few seconds (its result is
 * reused in between), so a caller polling hard cannot fill the disk's queue. */
void store_health(struct store *st, struct store_health *h);

/*
 * Servers sharing one database (PostgreSQL, several `kiosk serve` nodes):
 * store_notify, inside a write transaction, sends msg (text, at most
 * STORE_NOTE_MAX bytes) to the other servers once the transaction commits,
 * in commit order; store_listen calls fn(arg, msg) on its own thread for
 * each message of another server (and fn(arg, NULL) after the connection
 * was lost and opened again: messages may have been missed). On SQLite a
 * file has one server: nothing is sent, and store_listen starts nothing.
 */
#define STORE_NOTE_MAX 7000
int store_shared(const struct store *st);
int store_notify(struct store *st, const char *msg);
typedef void (*store_heard_fn)(void *arg, const char *msg);
int store_listen(struct store *st, store_heard_fn fn, void *arg, char *err, size_t errlen);
void store_unlisten(struct store *st);  /* stops store_listen's thread, if any */

typedef int (*store_fn)(struct store *st, void *arg);
/*
 * Run fn in a write transaction, grouped with concurrent calls (see the top
 * of this file). fn returns ST_OK or any answer of its own (>= 0 or < -1):
 * its changes are kept; ST_ERR: its changes are undone. Returns fn's answer
 * once committed, or ST_ERR with the reason in err when the storage failed.
 * When fn returns ST_ERR without a storage failure, err is left as it was
 * (fn may have put its own reason there through arg).
 */
int store_write(struct store *st, store_fn fn, void *arg, char *err, size_t errlen);
/* Run fn in a read transaction (one consistent view); fn must not write. */
int store_read(struct store *st, store_fn fn, void *arg, char *err, size_t errlen);

/*
 * The sites of the database (issue #11: figures for all sites together).
 * On PostgreSQL several sites share a database, one schema each: the
 * schemas holding a kiosk `site` and `schema_version`, in name order; a
 * site this role may not read (no USAGE on its schema, no SELECT on one
 * of its tables) or of another schema version than this program's is
 * listed with the reason in `skipped`. On SQLite: this site alone.
 */
struct store_site {
	char schema[64];            /* its schema ("" on SQLite) */
	char id[48];                /* its site row's site_id ("" when unread) */
	char name[128];             /* and name */
	char tz[64];                /* and time zone */
	int self;                   /* 1: this store's own site */
	char skipped[240];          /* why it cannot be read; "" when it can */
};
/* Outside any transaction: how many sites into out (at most max), or ST_ERR. */
int store_sites(struct store *st, struct store_site *out, int max, char *err, size_t errlen);
/* store_read on the site of schema (one of store_sites's, not skipped):
 * fn's row functions read that site's tables (PostgreSQL: SET LOCAL
 * search_path, its statements planned again for it). "" is this site. */
int store_read_site(struct store *st, const char *schema, store_fn fn, void *arg, char *err,
    size_t errlen);

/* -- inside a transaction: site -------------------------------------------- */

/* Replace the site (services, names, counters); counters keep their state. */
int store_site_put(struct store *st, const struct site *s);
int store_site_get(struct store *st, struct site *out);        /* ST_NOTFOUND: none yet */

/* -- tickets --------------------------------------------------------------- */

int store_ticket_get(struct store *st, int64_t id, struct ticket *out);
int store_ticket_by_number(struct store *st, const char *day, const char *number,
    struct ticket *out);
/* The waiting or called ticket of a holder for a service and day. */
int store_ticket_of_holder(struct store *st, const char *day, char service,
    const unsigned char hash[32], struct ticket *out);
/* The ticket called at counter n, if any. */
int store_ticket_at_counter(struct store *st, int counter, struct ticket *out);
/* 1: ticket id is bound to hash; 0: bound to another or not bound;
 * ST_NOTFOUND: no such ticket. */
int store_ticket_holder_is(struct store *st, int64_t id, const unsigned char hash[32]);
/* In one read: the id the next inserted ticket will get (so its slip can be
 * signed first) and the highest seq of a service's tickets on a day (0:
 * none). */
int store_ticket_next(struct store *st, const char *day, char service, int64_t *id, int *seq);
/* Insert t (t->id from store_ticket_next); holder_hash NULL: not bound.
 * Zero times and counter, and empty agent, outcome, print_reason,
 * print_device and holder_mask are stored as "none"; print_state "" as
 * "pending". */
int store_ticket_insert(struct store *st, const struct ticket *t,
    const unsigned char *holder_hash);
/* Write the queue's fields of t (queue, state, times, counter, agent,
 * recalls, outcome) if its state is still `from_state`; ST_CONFLICT if another writer changed it meanwhile,
 * ST_NOTFOUND if there is no such ticket. */
int store_ticket_update(struct store *st, const struct ticket *t, int from_state);
/* Write the slip's fields of t (token, print state and reason, print
 * device, reprints) if its state is still t->state. No index holds them,
 * so a print report or a reprint rewrites one row and nothing else. */
int store_ticket_slip(struct store *st, const struct ticket *t);
/* Head of a queue's walk-in lane: the oldest waiting ticket of one
 * priority, by issue time, leaving out the appointment tickets whose start
 * is at or before `now` (they wait in the appointment lane; before their
 * start they wait as walk-ins); 0: none. */
int64_t store_queue_head(struct store *st, const char *day, char queue, int priority, int64_t now);
/* Head of a queue's appointment lane: the waiting appointment ticket whose
 * appointment's start is at or before `now`, earliest start first (then by
 * issue time, then id); 0: none. */
int64_t store_appt_head(struct store *st, const char *day, char queue, int64_t now);
/* What a queue's place and wait estimates need, in one read: who waits in
 * it (waiting[priority]), the open counters that serve it, and its recent
 * mean service time (0: nobody served yet). */
struct queue_figures {
	int waiting[2];
	int open_counters;
	int service_s;
};
int store_queue_figures(struct store *st, const char *day, char queue, struct queue_figures *out);
/* Every queue's waiting counts at once: counts[code - 'A'][priority]. */
int store_waiting_counts(struct store *st, const char *day, int counts[26][2]);
/* Waiting tickets called before t (same queue and day). */
int store_ahead_of(struct store *st, const struct ticket *t);
/* Waiting appointment tickets of t's queue called before t, an
 * appointment's ticket, by the appointment lane's order (start, check-in
 * time, id): a count or ST_ERR. */
int store_appt_ahead(struct store *st, const struct ticket *t);
/* Issue time of the oldest waiting ticket of a queue; 0: nobody waits. */
int64_t store_oldest_waiting(struct store *st, const char *day, char queue);
/* A queue's recent mean service time (0: nobody served yet) and how many
 * tickets it has served (served may be NULL); and its new values. */
int store_service_time(struct store *st, const char *day, char queue, int *served);
int store_service_time_set(struct store *st, const char *day, char queue, int mean_s, int served);
/* Waiting or called tickets of days before `day` (and of `day` itself when
 * with_day): mark them not_served at `now` with a not_served event. Returns
 * how many, or ST_ERR. */
int store_tickets_close(struct store *st, const char *day, int with_day, int64_t now);
int store_tickets_to_close(struct store *st, const char *day, int with_day); /* how many */
/* Waiting or called tickets of a day in one queue: how many, or ST_ERR. */
int store_open_in_queue(struct store *st, const char *day, char queue);

/* Tickets called in a row for a service and day (docs/QUEUE.md). */
struct streaks {
	int priority;           /* priority tickets called in a row */
	int appointment;        /* appointment tickets called in a row */
};
/* Both 0 when none is stored yet. */
int store_streaks_get(struct store *st, const char *day, char service, struct streaks *out);
int store_streaks_set(struct store *st, const char *day, char service, const struct streaks *v);

int store_day_count_get(struct store *st, const char *day, char service, struct day_count *out);
int store_day_count_add(struct store *st, const char *day, char service,
    enum day_count_field f);
/* Sums over a day's services: slips printed, and tickets + attestations issued. */
int store_day_slips(struct store *st, const char *day, int64_t *printed, int64_t *issued);

/* The day's holder key: created when `create` and missing (create only
 * in store_write); ST_NOTFOUND otherwise (it was destroyed by retention,
 * or never made). */
int store_day_key(struct store *st, const char *day, int create, unsigned char key[32]);

/* -- holders' claims across the sites of one database (store/claims.c) ---- */

/* An active claim of another site (issue #11, bind_holder = all_sites). */
struct holder_claim {
	char site[64];          /* the claiming site's schema (its id, as a rule) */
	char number[16];        /* its ticket's number, "A001" */
	int64_t ticket;         /* its ticket's id at that site */
};
/* Outside any transaction, when a server starts. on (the site has an
 * all_sites service): the shared schema kiosk_shared (made if missing, or
 * a clear reason why this role may not) and the trigger that ends a claim
 * when its ticket leaves waiting/called. Off: that trigger dropped if an
 * earlier site file left it. SQLite: nothing, ST_OK. */
int store_claims_setup(struct store *st, int on, char *err, size_t errlen);
/* The shared day key of every site of the database, made when missing.
 * SQLite (no other site): ST_NOTFOUND, no rule across sites. */
int store_claim_day_key(struct store *st, const char *day, unsigned char key[32]);
/* The active claim of another site for (day, service, hash under the
 * shared key): ST_OK and *out, ST_NOTFOUND (always on SQLite), ST_ERR. */
int store_claim_elsewhere(struct store *st, const char *day, char service,
    const unsigned char hash[32], struct holder_claim *out);
/* This site's claim for its new ticket. A claim taken meanwhile by another
 * site fails the transaction, which PostgreSQL runs again; with if_free
 * (an appointment's ticket, never refused) an active claim there already
 * is left as it is, and nothing is added. */
int store_claim_add(struct store *st, const char *day, char service, const unsigned char hash[32],
    int64_t ticket, const char *number, int if_free);
/* Claims and shared day keys of days before today (they serve today's
 * rule only). */
int store_claims_purge(struct store *st, const char *today);

/* -- attestations ---------------------------------------------------------- */

int64_t store_attestation_next_id(struct store *st);
int store_attestation_insert(struct store *st, const struct attestation *a);
/* The attestation if `device` issued it (device NULL: whoever did). */
int store_attestation_get(struct store *st, int64_t id, const char *device,
    struct attestation *out);
int store_attestation_printed(struct store *st, int64_t id, const char *status,
    const char *reason);                                    /* ST_NOTFOUND: no such id */

/* -- counters -------------------------------------------------------------- */

int store_counter_get(struct store *st, int n, struct counter_row *out);
/* The site's counters by number: how many. */
int store_counter_list(struct store *st, struct counter_row *out, int max);
int store_counter_set_state(struct store *st, int n, const char *state); /* ST_NOTFOUND */

/* -- events, alerts, audit ------------------------------------------------- */

int store_event_add(struct store *st, const struct store_event *e);
/* Events of a device (agent) of the given kinds at or after `since`,
 * counting up to `limit` at most (kinds: comma-separated, up to 8, e.g.
 * "issue,attestation"; agent NULL: any; day NULL: any; limit 0: none). */
int store_event_count(struct store *st, const char *day, const char *kinds, const char *agent,
    int64_t since, int limit);
/* Tickets with at least `min` duplicate refusals on a day: numbers and counts. */
int store_repeated_duplicates(struct store *st, const char *day, int min, char numbers[][12],
    int *counts, int max);
/* The last calls and recalls of a day, newest first. */
int store_recent_calls(struct store *st, const char *day, struct call_view *out, int max);

/* Store an alert unless (day, kind, subject) exists: 1 new (a->id set), 0 existed. */
int store_alert_add(struct store *st, const char *day, struct alert *a);
int store_alert_exists(struct store *st, const char *day, const char *kind, const char *subject);
int store_alerts_of_day(struct store *st, const char *day, struct alert *out, int max);
                                                        /* newest first */

/* A service's state for one day: the site's, or the manager's change. */
struct service_day {
	int open;               /* 0: closed for the rest of the day */
	int capacity;           /* reserve included */
	int reserve;            /* of capacity, kept for priority tickets */
};
/* Today's change to a service (sqlite_manage.c): ST_NOTFOUND when none
 * for that day. */
int store_service_today_get(struct store *st, const char *day, char code,
    struct service_day *out);
int store_service_today_set(struct store *st, const char *day, char code,
    const struct service_day *sd, const char *reason);

/* A counter's name and services, kept in the database (a lasting change:
 * `kiosk admin site export` writes it back to a site file). ST_NOTFOUND
 * when no active counter n. */
int store_counter_config(struct store *st, int n, const char *name, const char *services);

/* An exceptional day (or days) of the site (db/009_manage.sql): closed,
 * or open with changed hours. */
struct closure_row {
	int64_t id;
	char from[11];              /* first day, YYYY-MM-DD */
	char to[11];                /* last day */
	char reason[304];           /* why */
	struct site_hours hours;    /* open_min -1: closed all day; else open only then */
	char by[48];                /* who added it */
	int64_t at;                 /* when */
};
int store_closure_add(struct store *st, struct closure_row *c /* id set */);
int store_closure_get(struct store *st, int64_t id, struct closure_row *out);
int store_closure_del(struct store *st, int64_t id);          /* ST_NOTFOUND if none */
int store_closure_list(struct store *st, struct closure_row *out, int max);  /* count or ST_ERR */
/* ST_OK with the closure covering day (a whole-day closure before changed
 * hours, then the oldest), ST_NOTFOUND if none. */
int store_closure_on(struct store *st, const char *day, struct closure_row *out);

/* A kiosk, for the manager's list. */
struct device_row {
	char name[48];
	int64_t created_at;         /* Unix seconds */
	int active;                 /* 0: revoked */
	int64_t last_contact;       /* its latest event or print report, 0: none */
	int64_t printer_at;         /* its last print report, 0: none */
	char printer_status[16];    /* confirmed, unconfirmed, failed ("" before any) */
	char printer_reason[192];   /* the printer's sentence */
	int paper_slips;            /* slips through its printer since the last new roll */
	int64_t paper_mm;           /* the paper they took, as the kiosk measured it */
	int64_t paper_since;        /* the last new roll, 0: never recorded */
};
/* Every device, by name: a count or ST_ERR. */
int store_device_list(struct store *st, struct device_row *out, int max);
/* Mark an active device revoked and delete its keys: ST_NOTFOUND if none. */
int store_device_revoke(struct store *st, const char *name);
/* Its paper counter back to 0 from `at`; *was gets the counter it had.
 * ST_NOTFOUND if no such device. */
int store_device_new_roll(struct store *st, const char *name, int64_t at,
    struct device_row *was);

/* A notice for the board and the kiosk (db/011_notices.sql,
 * store/sqlite_notices.c). */
#define NOTICE_BOARD 1              /* screens: the waiting-room board */
#define NOTICE_KIOSK 2              /* screens: the kiosk's home screen */
#define NOTICE_MAX_TEXTS 20         /* languages of one notice (the kiosk has 15) */
#define NOTICE_TEXT_CHARS 200       /* characters of one text */
struct notice_text {
	char lang[12];                          /* the kiosk's language code: "fr", "fa-AF" */
	char text[NOTICE_TEXT_CHARS * 4 + 1];   /* UTF-8 */
};
struct notice_row {
	int64_t id;
	char from[11];              /* first day shown, YYYY-MM-DD (site's local day) */
	char to[11];                /* last day shown */
	int screens;                /* NOTICE_BOARD | NOTICE_KIOSK */
	int ntexts;                 /* entries in texts */
	struct notice_text texts[NOTICE_MAX_TEXTS];  /* French first, then by code */
	char by[48];                /* who added it (staff only) */
	int64_t at;                 /* when */
};
int store_notice_add(struct store *st, struct notice_row *n /* id set */);
int store_notice_get(struct store *st, int64_t id, struct notice_row *out);
int store_notice_del(struct store *st, int64_t id);           /* ST_NOTFOUND if none */
/* Notices not ended on `day` (to >= day), by first day; with `screens`
 * non-zero, only those shown on `day` on one of those screens. A count or
 * ST_ERR. */
int store_notice_list(struct store *st, const char *day, int screens, struct notice_row *out,
    int max);

/* An appointment booked online (db/012_appointments.sql,
 * store/sqlite_appointments.c): no name, no phone, no e-mail; the holder's
 * document number only as its hash under the appointment day's key. */
struct appt_row {
	int64_t id;                 /* database id (0: not stored yet) */
	char ext_id[APPT_ID_MAX];   /* the booking system's id */
	char service;               /* service code */
	char day[11];               /* local day of the start */
	int64_t start;              /* Unix seconds */
	int duration_min;
	char code[APPT_CODE_MAX + 1]; /* check-in code, normalised */
	int bound;                  /* 1: holder_hash holds the holder's hash */
	unsigned char holder_hash[32]; /* HMAC under the day's key (store_day_key) */
	char lang[12];              /* "" if none */
	int status;                 /* enum appt_status */
	int64_t updated_at;         /* the source's, 0 if it gave none */
	char source[12];            /* webhook, staff, csv, ics */
	int64_t stored_at;          /* when this version was stored */
	int64_t ticket;             /* tickets.id it became at check-in, 0: not yet */
	char ticket_number[12];     /* that ticket's number (read only) */
	int64_t checked_in_at;      /* 0: not checked in */
	int slot;                   /* a convocation's place on its day, 0..N-1; -1: an
	                             * appointment booked online (read only) */
	char cancel_reason[304];    /* why staff cancelled a convocation (read only) */
};
/* By external id, or by check-in code on a day: ST_NOTFOUND when none. */
int store_appt_get(struct store *st, const char *ext_id, struct appt_row *out);
int store_appt_by_code(struct store *st, const char *code, const char *day,
    struct appt_row *out);
/* The appointment with this code on another day than `day`: the first one
 * after it, else the last one before. ST_NOTFOUND when none. */
int store_appt_code_elsewhere(struct store *st, const char *code, const char *day,
    struct appt_row *out);
/* Insert a (a->id 0: sets it) or replace every field of appointment a->id
 * but its check-in (ticket and checked_in_at stay). */
int store_appt_put(struct store *st, struct appt_row *a);
/* Appointment id became ticket `ticket` at `at`: ST_NOTFOUND if no such id. */
int store_appt_checkin(struct store *st, int64_t id, int64_t ticket, int64_t at);
/* Booked appointments of a service on a day but `except` (an id, 0: none):
 * a count or ST_ERR. */
int store_appt_booked(struct store *st, const char *day, char service, int64_t except);
/* A day's appointments, by start then id: how many (at most max), or
 * ST_ERR. store_appt_count: how many there are. */
int store_appt_list(struct store *st, const char *day, struct appt_row *out, int max);
int store_appt_count(struct store *st, const char *day);

/* A draw at opening (db/015_draws.sql, store/sqlite_draws.c; docs/DRAW.md). */
struct draw_row {
	int64_t id;                 /* database id (0: not stored yet) */
	char service;               /* service code */
	char day[11];               /* local day of the opening */
	int places;                 /* tickets to draw */
	int reserve;                /* of them, first offered to priority entries (set at close) */
	int closed;                 /* 0: open (enrolling), 1: closed (drawn) */
	unsigned char secret[32];   /* the committed secret (never answered while open) */
	char commitment[65];        /* hex(SHA-256(secret)) */
	int64_t opened_at;          /* Unix seconds */
	char opened_by[48];         /* who opened it */
	int64_t closed_at;          /* 0 while open */
	char closed_by[48];         /* who closed it, "" while open */
	char entries_hash[65];      /* hex, "" while open */
	char seed[65];              /* hex, "" while open */
};
struct draw_entry_row {
	int64_t draw;               /* draws.id */
	char entry[24];             /* 20 of [0-9A-F] */
	int64_t enrolled_at;        /* Unix seconds */
	char device[48];            /* the kiosk that enrolled it */
	char lang[12];              /* the applicant's language */
	int priority;               /* 1: a priority enrolment */
	int bound;                  /* 1: holder_hash holds the holder's hash */
	unsigned char holder_hash[32]; /* HMAC under the draw day's key */
	char holder_mask[16];       /* "•••4B7" when bound */
	int rank;                   /* 1 = drawn first; 0 before the close */
	char outcome[16];           /* "", "ticket", "convocation", "attestation" */
	int64_t ticket;             /* tickets.id (outcome ticket), 0: none */
	char ticket_number[12];     /* that ticket's number (read only) */
	int64_t attestation;        /* attestations.id: a convocation's from the close, an
	                             * attestation's from its first redeem; 0: none */
	int64_t redeemed_at;        /* first redeem, 0: not yet */
};
/* Insert d (sets d->id); the service's open draw exists: ST_CONFLICT. */
int store_draw_add(struct store *st, struct draw_row *d);
int store_draw_get(struct store *st, int64_t id, struct draw_row *out);  /* ST_NOTFOUND */
/* The service's open draw: ST_NOTFOUND when none. */
int store_draw_open_of(struct store *st, char service, struct draw_row *out);
/* Write d's close (closed, closed_at, closed_by, entries_hash, seed) if it
 * is still open: ST_CONFLICT when it was closed meanwhile. */
int store_draw_close(struct store *st, const struct draw_row *d);
/* Insert an entry; ST_CONFLICT when the holder already has one in the draw. */
int store_draw_entry_add(struct store *st, const struct draw_entry_row *e);
int store_draw_entry_get(struct store *st, int64_t draw, const char *entry,
    struct draw_entry_row *out);                                          /* ST_NOTFOUND */
int store_draw_entry_of_holder(struct store *st, int64_t draw, const unsigned char hash[32],
    struct draw_entry_row *out);                                          /* ST_NOTFOUND */
/* Write an entry's rank, outcome, ticket, attestation and redeemed_at. */
int store_draw_entry_set(struct store *st, const struct draw_entry_row *e);
/* A draw's entries in byte order of their ids (rank order when by_rank):
 * how many (at most max), or ST_ERR. store_draw_entry_count: how many. */
int store_draw_entries(struct store *st, int64_t draw, int by_rank, struct draw_entry_row *out,
    int max);
int store_draw_entry_count(struct store *st, int64_t draw);
/* A bound entry's holder hash under the key of a later day (for its
 * convocation, db/017): put one, get one (ST_NOTFOUND), drop the draw's. */
int store_draw_entry_day_put(struct store *st, int64_t draw, const char *entry,
    const char *day, const unsigned char hash[32]);
int store_draw_entry_day_get(struct store *st, int64_t draw, const char *entry,
    const char *day, unsigned char hash[32]);
int store_draw_entry_days_drop(struct store *st, int64_t draw);
/* The draws opened on day, by id: how many (at most max), or ST_ERR. */
int store_draw_list(struct store *st, const char *day, struct draw_row *out, int max);
/*
 * Convocations for a later day (issue #13, db/016_convocations.sql): an
 * appointment row with a slot (its place on its day) and the attestation
 * that names it (outcome "convocation": its serial and signed token).
 * store_appt_booked leaves them out: they have their own places.
 */
/* The booked slots of a service's day, ascending: how many (at most max). */
int store_convoc_slots(struct store *st, const char *day, char service, int *out, int max);
/* The holder's open convocation (booked, not checked in) on that day, by
 * the hash under that day's key: ST_OK, ST_NOTFOUND. */
int store_convoc_of_holder(struct store *st, const char *day, char service,
    const unsigned char hash[32], struct appt_row *out);
/* Insert a convocation's appointment row a (a->id set) with its slot. */
int store_convoc_put(struct store *st, struct appt_row *a, int slot);
/* The convocation of appointment id (ST_NOTFOUND: none, or not one). */
int store_convoc_get(struct store *st, int64_t id, struct appt_row *out);
/* Cancel a booked convocation: its slot is free again. ST_NOTFOUND: none booked. */
int store_convoc_cancel(struct store *st, int64_t id, const char *reason, int64_t at);
/* A day's convocations (cancelled too), by service then slot: a count or ST_ERR. */
int store_convoc_list(struct store *st, const char *day, struct appt_row *out, int max);
/* The attestation id of convocation appt: > 0, ST_NOTFOUND or ST_ERR. */
int64_t store_convoc_attestation(struct store *st, int64_t appt);
/* A service's convocation figures of a day: issued that day (the
 * applicants given a later day), and of the convocations for that day the
 * ones made, cancelled, honoured (checked in) and missed (booked, not
 * checked in, the day before `today`). */
struct convoc_fig {
	char service;
	int issued;             /* convocations given on `day` (for later days) */
	int for_day;            /* convocations for `day` (cancelled ones too) */
	int cancelled;          /* of those, cancelled by staff */
	int honoured;           /* checked in */
	int missed;             /* not checked in, the day being over */
};
int store_convoc_figures(struct store *st, const char *day, const char *today, char service,
    struct convoc_fig *out);

/* Append to the hash-chained audit log. */
int store_audit_add(struct store *st, int64_t now, const char *actor, const char *action,
    const char *detail);
/* Walk the chain: ST_OK with *entries, or ST_CONFLICT with the first
 * problem in why ("entry 17 was edited", ...). */
int store_audit_check(struct store *st, int *entries, char *why, size_t whylen);

/* -- idempotent requests (store/sqlite_requests.c) -------------------------- */

/* The first answer to a request sent with an Idempotency-Key. */
struct request_row {
	char day[11];           /* local day of the first request */
	char key[65];           /* the client's key */
	unsigned char hash[32]; /* of its method, path and body */
	char actor[48];         /* who sent it */
	int device;             /* 1: a kiosk */
	int64_t at;             /* Unix seconds */
	int status;             /* HTTP status answered */
	char *body;             /* answer body, malloc'd (NULL: none); the caller frees it */
};
/* The row of (day, key), body malloc'd: ST_NOTFOUND when none. */
int store_request_get(struct store *st, const char *day, const char *key,
    struct request_row *out);
/* Keep an answer (inside the verb's own store_write). */
int store_request_put(struct store *st, const struct request_row *r);

/* -- figures and retention ------------------------------------------------- */

int store_stats(struct store *st, const char *day, struct stat_row *out, int max);
/*
 * All sites' hourly figures together (issue #11): store_stats_pooled is
 * store_stats that also adds the rows, waits and service times to p (run
 * it on each site: store_read_site); stat_pool_rows then gives the rows of
 * the whole, services as first met: counts added up, wait_p50_s and
 * wait_p90_s over every wait together, service_avg_s over every served
 * ticket together. Not a store function: no transaction.
 */
struct stat_pool;
struct stat_pool *stat_pool_new(void);          /* NULL: out of memory */
void stat_pool_free(struct stat_pool *p);       /* NULL is harmless */
int store_stats_pooled(struct store *st, const char *day, struct stat_row *out, int max,
    struct stat_pool *p);
int stat_pool_rows(struct stat_pool *p, struct stat_row *out, int max);
/* Add what pool from holds to pool to (a site's, once its read committed:
 * a transaction run again would count it twice). ST_ERR: out of memory. */
int stat_pool_add(struct stat_pool *to, const struct stat_pool *from);
/* Both channels' figures of each active service on day, in display order:
 * how many rows (at most max) or ST_ERR. An appointment not checked in
 * whose start is at or before noshow_start is a no-show, a later one
 * pending. A day past retention reads what store_purge kept of it. */
int store_channels(struct store *st, const char *day, int64_t noshow_start,
    struct channel_row *out, int max);
int store_report_day(struct store *st, const char *day, struct day_report *out, int max);
/* All-time count of events of a kind for a service, daily totals included. */
int64_t store_total(struct store *st, const char *kind, char service);
/* Remove holder data and day keys of days before holder_day; events,
 * tickets, attestations, appointments, alerts and day counts of days before
 * event_day (events kept as daily totals, and each service's figures per
 * channel as the totals store_channels reads back); streaks and requests of
 * days before today. */
int store_purge(struct store *st, const char *today, const char *holder_day,
    const char *event_day);
/* Outside any transaction: shrink the log so deleted pages do not linger.
 * ST_ERR (the reason is logged) when another process keeps it busy. */
int store_compact(struct store *st);

/* -- accounts -------------------------------------------------------------- */

int store_user_put(struct store *st, const char *login, const char *role, const char *pwhash,
    int64_t now);
/* An active user's password hash (crypto_pwhash_STRBYTES) and role (16). */
int store_user_get(struct store *st, const char *login, char *pwhash, size_t hashlen, char *role);
int store_device_put(struct store *st, const char *name, int64_t now);

/* A staff account as the manager's page shows it (sqlite_users.c). */
struct user_row {
	char login[48];
	char role[16];              /* agent, manager, admin */
	int active;                 /* 0: disabled (cannot log in; no credential works) */
	int must_change;            /* 1: must choose a new password at the next login */
	int64_t created_at;         /* Unix seconds */
};
/* Any user (disabled ones too): ST_NOTFOUND if none. */
int store_user_row(struct store *st, const char *login, struct user_row *out);
/* Every user, by login: a count or ST_ERR. */
int store_user_list(struct store *st, struct user_row *out, int max);
/* A new user: ST_CONFLICT when the login exists (active or not). */
int store_user_insert(struct store *st, const struct user_row *u, const char *pwhash);
/* Role, active and must_change of u->login; the password too unless pwhash
 * is NULL. ST_NOTFOUND if no such user. */
int store_user_update(struct store *st, const struct user_row *u, const char *pwhash);
/* Delete the user's sessions and bearer tokens: how many, or ST_ERR. */
int store_user_creds_del(struct store *st, const char *login);
/* Active admins: a count or ST_ERR. */
int store_admins_active(struct store *st);

/* What a kiosk's printer said last. */
struct device_printer {
	char name[48];          /* the kiosk */
	int64_t at;             /* Unix seconds of its last print report, 0: none yet */
	char status[16];        /* confirmed, unconfirmed, failed ("" before any) */
	char reason[192];       /* the printer's sentence */
};
/* Its printer's last report; `slips` slips (0 or 1) that took `mm` of paper
 * go on its paper counter. */
int store_device_printer_set(struct store *st, const char *name, int64_t at, const char *status,
    const char *reason, int slips, int mm);
/* The active kiosks, by name, at most max: how many, or ST_ERR. */
int store_device_printers(struct store *st, struct device_printer *out, int max);
/* expires_at 0: until revoked. csrf may be NULL. */
int store_cred_put(struct store *st, const unsigned char hash[32], const char *kind,
    const char *owner, const char *csrf, int64_t now, int64_t expires_at);
/* A valid credential whose owner is active. */
int store_cred_get(struct store *st, const unsigned char hash[32], int64_t now, struct cred *out);
int store_cred_del(struct store *st, const unsigned char hash[32]);   /* ST_NOTFOUND */
int store_cred_sweep(struct store *st, int64_t now);   /* drop expired ones: how many */

#endif
