/*
 * desk_int: what the desk's files share (desk.c, issue.c, counter.c,
 * check.c, view.c, admin.c). Not for callers of the desk: they use desk.h.
 */
#ifndef KIOSK_DESK_INT_H
#define KIOSK_DESK_INT_H

#include "core/holder.h"
#include "core/queue.h"
#include "desk/desk.h"

struct desk {
	struct store *st;           /* the database (owned by the caller) */
	struct site site;           /* the site, as stored */
	int have_site;              /* 0 until a site was applied */
	struct desk_keys keys;      /* signing identity */
	int have_keys;              /* 0: this desk cannot sign slips */
	struct listen *listen;      /* desk_listen's callback, NULL: none */
};

/* One verb in progress: what its transaction function needs. */
struct verb {
	struct desk *d;
	struct store *st;           /* set while inside the transaction */
	const struct desk_actor *who;
	int64_t now;
	char day[11];               /* local day of now */
	struct desk_events *ev;     /* events gathered; published only after commit */
	char *err;                  /* the refusal's reason */
	size_t errlen;
};

/* Start a verb: zero the events, compute the day. */
void verb_init(struct verb *v, struct desk *d, const struct desk_actor *who, int64_t now,
    struct desk_events *ev, char *err, size_t errlen);
/* Run fn as the verb's one write (or read) transaction; drops the verb's
 * events unless it committed. */
int verb_write(struct verb *v, int (*fn)(struct store *, void *), void *arg);
int verb_read(struct verb *v, int (*fn)(struct store *, void *), void *arg);

/* Inside the verb's write transaction: look up the actor's request key,
 * run fn unless it was seen, keep the answer (desk/request.c). */
int request_tx(struct verb *v, int (*fn)(struct store *, void *), void *arg);

/* Set the refusal's reason and return rc. */
int verb_fail(struct verb *v, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Events. */
/* Add an event; NULL when the verb has no event list (or one is enough). */
struct desk_event *verb_event(struct verb *v, enum desk_event_kind kind);
void verb_call_event(struct verb *v, const struct ticket *t, int recall);
/* Add a line to the event log for ticket t (t may be NULL). */
int verb_log(struct verb *v, const char *kind, const struct ticket *t, char service, int counter,
    const char *detail);

/* The ticket `id`, or DK_NOTFOUND with "no ticket N". */
int desk_get(struct verb *v, int64_t id, struct ticket *t);

/* Move t by a queue action through the state machine and write it (guarded
 * by its old state): ST_OK, DK_CONFLICT with a reason when the move is not
 * allowed or the ticket changed meanwhile, ST_ERR. */
int desk_move(struct verb *v, struct ticket *t, enum queue_action a);

/*
 * Issuing (desk/issue.c), shared by desk_issue and the appointments'
 * check-in (desk/appointments.c): one path for every slip, whichever verb
 * gives it. A verb that issues embeds this struct, its verb first.
 */
struct issue {
	struct verb v;
	const struct desk_issue *in;    /* a walk-in's request (NULL: an appointment's ticket) */
	const struct site_service *sv;  /* the service */
	const char *device;             /* kiosk name, or "DESK" for a manual ticket */
	const char *lang;
	int bound;                      /* the service binds holders: norm is set */
	char norm[HOLDER_MAX + 1];      /* normalised document number (wiped after use) */
	int claim;                      /* bind_holder = all_sites on PostgreSQL: a new ticket
	                                 * is claimed for every site under shared */
	unsigned char shared[32];       /* the holder's hash under the shared day key */
	struct desk_slip *out;
	int64_t appointment;            /* the appointment the slip is for (0: a walk-in) */
	int64_t appt_start;             /* its start (its ticket's place in the queue) */
	const char *outcome;            /* an attestation's outcome (NULL: "full") */
	int draw;                       /* 1: a draw's ticket (desk/draws.c): its close is
	                                 * audited once, and its tickets raise no burst alert */
	int64_t entry_draw;             /* a draw's loser (desk/draws.c): its draw and entry,
	                                 * whose holder hashes for later days its enrolment */
	const char *entry;              /* wrote (desk_convoc_entry_days); NULL: none */
	int64_t late_for;               /* the appointment a walk-in's attestation names: its
	                                 * holder came too late and found no walk-in place
	                                 * (late = walkin), 0: none */
};
/* Before the transaction (is->v initialised): the service and the holder of
 * a walk-in's request into is, out zeroed. DK_OK, DK_NOTFOUND (no such
 * service), DK_HOLDER_REQUIRED or DK_BAD_HOLDER. */
int issue_setup(struct issue *is, const struct desk_issue *in, struct desk_slip *out);
/* Inside the verb's transaction: a walk-in's slip: refused when closed, the
 * holder's active ticket back, an attestation when full, else a ticket. */
int issue_walkin(struct issue *is);
/* A new ticket of is->sv, numbered in the service's sequence and signed;
 * bound to hash and mask when not NULL; is->appointment's when set. */
int issue_ticket(struct issue *is, const unsigned char *hash, const char *mask);
/* An appointment's new ticket (is->out->ticket) for an all_sites service,
 * its holder's number in is->norm: claimed for every site of the database
 * (PostgreSQL), unless another site's claim is there already: a booking is
 * never refused for it, and the earlier claim stays. */
int issue_claim_booked(struct issue *is);
/* Today is full: a convocation for a later open day (desk/convocations.c),
 * or the holder's open one back. ST_OK (out->kind DS_CONVOCATION), DK_FULL
 * when the service keeps none or no place is left in the horizon. */
int issue_convoke(struct issue *is);
/* A draw's enrolment of a bound holder (norm) in entry of draw, for a
 * service that keeps convocations: the holder's hash under the key of each
 * open day of the service's horizon, for issue_convoke at the close. */
int desk_convoc_entry_days(struct verb *v, const struct site_service *sv, int64_t draw,
    const char *entry, const char *norm);
/* The convocation of attestation att (a draw's loser's, at its redeem) into
 * out (DS_CONVOCATION). */
int desk_convoc_slip(struct verb *v, int64_t att, struct desk_slip *out);
/* An attestation de passage of is->sv (outcome is->outcome). */
int issue_attest(struct issue *is);
/* Ticket t again, with a new slip marked as a reprint (DS_DUPLICATE). */
int issue_give_back(struct issue *is, struct ticket *t);

/* Position and estimated wait of a waiting ticket (inside v's
 * transaction); newest: just issued. An appointment's ticket counts only
 * the appointments before it (its lane goes first once its time has come)
 * and waits at least until its start. */
int desk_place(struct verb *v, struct ticket *t, int newest);

/* Sign a ticket's or an attestation's slip into its token. */
int desk_sign_ticket(const struct desk *d, struct ticket *t);
int desk_sign_attestation(const struct desk *d, struct attestation *a);

/* Abuse alerts an event can raise (desk/alerts.c); new ones become events. */
enum alert_check {
	AC_BURST = 1,               /* a slip was issued */
	AC_HOLDER = 2,              /* a duplicate was refused */
	AC_CLOSED = 4,              /* an attempt while closed */
	AC_REPRINT = 8,             /* a reprint or a duplicate */
	AC_PAPER = 16,              /* a slip was printed */
	AC_GUESS = 32,              /* a check-in code was refused (desk/appointments.c) */
};
int desk_check_alerts(struct verb *v, unsigned checks, const char *device);
/* Raise the alert (kind, subject) of the verb's day unless it exists; a new
 * one becomes a DE_ALERT event. ST_OK either way, or ST_ERR. */
int desk_raise_alert(struct verb *v, const char *kind, const char *subject, const char *message);

/* Read a counter and its called ticket. */
int desk_counter_view(struct store *st, int n, struct counter_view *out);

/* Today's open flag, capacity and reserve for a service (the manager's
 * change if any, else the site's), inside a verb's transaction
 * (desk/manage.c). */
int desk_today_of(struct verb *v, const struct site_service *sv, struct service_day *out);

/* The verb's day's opening hours into *hours: a closure's (closed all day,
 * or its changed hours) when one covers the day, with it in *closure (id 0
 * when none), else the site's weekly hours. ST_OK or ST_ERR. */
int desk_hours_today(struct verb *v, struct site_hours *hours, struct closure_row *closure);

/* 1 when s is a login or device name: 1 to 40 letters, digits, '-', '_' or
 * '.' (desk/admin.c). */
int desk_valid_name(const char *s);

#endif
