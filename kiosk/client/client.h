/*
 * client: the kiosk's side of the HTTP API (docs/API.md), for the
 * touchscreen kiosk and `kiosk ticket`.
 *
 * Platform module: the only file in the project that includes libcurl. It
 * maps a handful of narrow verbs (list services, issue, check an
 * appointment in, enrol in a draw, report the print outcome, reprint, read a ticket) to requests, and the answers to our own
 * plain structs; callers never see curl or cJSON. Every string in the
 * structs below is a copy, owned by the struct.
 *
 * Time bound: every call gives up after CLIENT_CONNECT_MS to connect and
 * CLIENT_TOTAL_MS in all (client_set_timeouts changes them), so a server
 * that is down or stalled costs the caller at most a few seconds. Still,
 * call these off the UI thread.
 *
 * Threads: a struct client (its curl handle and kept connection) is used by
 * one thread at a time. Make one per thread. client_new may be called from
 * any thread (libcurl's global init is done once, under pthread_once).
 */
#ifndef KIOSK_CLIENT_H
#define KIOSK_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#define CLIENT_CONNECT_MS 2000  /* default connect timeout */
#define CLIENT_TOTAL_MS   5000  /* default limit for a whole request */

/* What a call came to. The texts for people are in err. */
enum client_rc {
	CLIENT_OK = 0,       /* done */
	CLIENT_UNREACHABLE,  /* no answer: server down, network gone, timeout */
	CLIENT_CLOSED,       /* 409 "closed": outside opening hours */
	CLIENT_FULL,         /* 409 "full": today's capacity is reached */
	CLIENT_LIMIT,        /* 409 "reprint_limit": no more reprints of this slip */
	CLIENT_REFUSED,      /* another 4xx: err holds the server's "error" text */
	CLIENT_UNAVAILABLE,  /* 503 (or another 5xx): could not store; retry later */
	CLIENT_PROTOCOL,     /* the answer was not the JSON the API promises */
	CLIENT_UNCERTAIN,    /* a POST reached the server, or may have, and no answer came
	                      * back after the retries: it may have been done. Not a
	                      * refusal: client_last_key() names it, so the server can be
	                      * asked (GET /api/v1/requests/{key}), or the desk */
};

/* "ok", "server unreachable", "closed", "full", ... for logs. */
const char *client_rc_str(enum client_rc rc);

/* ---- GET /api/v1/services --------------------------------------------- */

/* One name of a service, in one language. */
struct client_name {
	char lang[16];      /* language code as in the API ("fr", "en", "fa-AF") */
	char text[192];     /* the name in that language (UTF-8) */
};

struct client_service {
	char code[9];                 /* service code, "A" */
	struct client_name *names;    /* names by language; names[0] is French when given */
	int nnames;                   /* entries in names */
	int waiting;                  /* tickets waiting now */
	int estimated_wait_s;         /* wait of a ticket issued now, seconds; -1 unknown */
	int left_today;               /* ordinary places left today; -1 unknown */
	int capacity;                 /* daily capacity; -1 unknown */
	int open;                     /* 1 when tickets can be issued now */
	int bind_holder;              /* 1 when a ticket is bound to its holder (issue 6) */
	/* The service's open draw (issue #13, docs/DRAW.md): the visit enrols
	 * in it instead of taking a ticket. */
	int64_t draw_id;              /* the draw's id; 0: no open draw */
	char draw_closes[6];          /* "08:45": when the site file's window closes it;
	                               * "" when a manager opened it (no set end) */
	char draw_commitment[65];     /* its commitment, hex */
};

struct client_site {
	char id[32];        /* site id, "prefecture-93" */
	char name[192];     /* site name (UTF-8) */
	char tz[64];        /* the site's IANA time zone, "Europe/Paris"; "" from an older server */
	int open;           /* 1 when the site is open now */
	char opens[8];      /* today's opening time "08:30", "" when closed all day */
	char closes[8];     /* today's closing time "16:00", "" when closed all day */
	char next_day[11];  /* when it opens next, "2026-12-27" ("" when not known) */
	char next_opens[8]; /* at what time, "08:30" */
};

/* A manager's notice for the kiosk, shown today (docs/API.md "notices"). */
#define CLIENT_NOTICES 4        /* notices kept from one answer (the rest are dropped) */
#define CLIENT_NOTICE_LANGS 20  /* translations kept of one notice */
struct client_notice_text {
	char lang[16];              /* language code, "fr", "fa-AF" */
	char text[804];             /* at most 200 characters (UTF-8) */
};
struct client_notice {
	int64_t id;                 /* the server's notice id */
	int ntexts;                 /* entries in texts */
	struct client_notice_text texts[CLIENT_NOTICE_LANGS]; /* French first when given */
};

/* The kiosk's menu: what GET /api/v1/services said. */
struct client_menu {
	struct client_site site;          /* the site */
	struct client_service *services;  /* services, in the server's order */
	int nservices;                    /* entries in services */
	struct client_notice *notices;    /* today's notices for the kiosk (NULL when none) */
	int nnotices;                     /* entries in notices */
};

void client_menu_free(struct client_menu *m);   /* NULL is harmless */

/* The name of a service in lang, else its French name, else its code.
 * Never NULL. */
const char *client_service_name(const struct client_service *s, const char *lang);

/* The text of a notice in lang, else in French, else its first; the
 * language of what is returned in *text_lang (may be NULL). NULL when the
 * notice has no text. */
const char *client_notice_text(const struct client_notice *n, const char *lang,
    const char **text_lang /* OUT */);

/* ---- tickets ---------------------------------------------------------- */

#define CLIENT_TOKEN_MAX 512   /* a signed payload always fits (sign.h: 256) */

/* A slip as the server answered it (POST /tickets, /reprint, /printed,
 * GET /tickets/{id}): a ticket, or an attestation de passage when the
 * service was full (kind "attestation": no number, a serial instead).
 * Fields the answer lacked are "" or -1. */
struct client_ticket {
	int64_t id;                  /* the server's ticket (or attestation) id: the slip's serial */
	char number[16];             /* "A042"; "" on an attestation */
	char service[9];             /* queue's service code, "A" */
	char kind[16];               /* "ticket" or "attestation" */
	char lang[16];               /* applicant's language code */
	int priority;                /* 1 when issued with the priority flag */
	int duplicate;               /* 1: the holder already had this ticket today; it is
	                              * given again (same number), not a new one */
	char state[16];              /* "waiting", "called", ... */
	char day[11];                /* local day "2026-11-27" */
	char issued_at[40];          /* RFC 3339 local time with offset */
	int position;                /* position in the queue; -1 when not waiting */
	int estimated_wait_s;        /* estimated wait, seconds; -1 when not waiting */
	char print[16];              /* print record: "pending", "confirmed", "unconfirmed", "failed" */
	char print_reason[160];      /* why it failed, "" when none */
	int reprints;                /* reprints so far (the slip prints DUPLICATA when > 0) */
	char token[CLIENT_TOKEN_MAX];/* the signed QR payload; "" on GET /tickets/{id} */
	char site_id[32];            /* site id */
	char site_name[192];         /* site name */
	char service_fr[192];        /* the service's French name */
	char service_local[192];     /* its name in lang, "" when the site has none */
	char holder_ref[48];         /* masked holder reference "•••4B7" when bound, else "" */
	/* Attestation de passage only (kind "attestation"): */
	char serial[40];             /* "AT-2026-11-27-000012" */
	char device[24];             /* kiosk that issued it (attestations) */
	char outcome[16];            /* why no ticket: "full" */
	int attempt;                 /* 1 = first attempt, N = Nth of a chain */
	char first_date[9];          /* YYYYMMDD of the first attempt */
	int weeks;                   /* distinct ISO weeks with an attempt */
	/* An appointment's check-in only (POST /api/v1/appointments/checkin): */
	int late;                    /* 1: checked in after the appointment's window: a walk-in
	                              * ticket (kind "walkin"), or an attestation (outcome "late") */
	char appt_id[96];            /* the appointment's external id, "ext-1"; "" none */
	char appt_start[40];         /* its start, RFC 3339 local time with offset; "" none */
	int appt_duration_min;       /* its length in minutes; 0 unknown */
	/* A convocation for a later day (issue #13): the server's "kind":
	 * "convocation" is read as an attestation (kind "attestation", outcome
	 * "convocation", id its attestation's: it is printed and reported as
	 * one, being also a proof of visit), with these: */
	int64_t conv_id;             /* the convocation's id; 0: not a convocation */
	char conv_date[11];          /* its day, "2026-12-07" */
	char conv_from[6];           /* its window, "09:00" */
	char conv_to[6];             /* "10:00" */
	char conv_code[33];          /* its check-in code */
	/* An enrolment slip redeemed after a draw (issue #13): */
	int64_t draw;                /* the draw's id; 0: not a draw's answer */
	char draw_outcome[16];       /* the entry's outcome at the close: "ticket",
	                              * "convocation" or "attestation" */
	int draw_rank;               /* its rank in the draw order; 0 unknown */
	/* An enrolment in a draw (kind "draw_entry", POST /draws/{id}/entries):
	 * id 0, no number; token is the slip's D1 payload, duplicate the
	 * holder's entry given back, issued_at its enrolment time. */
	int64_t draw_id;             /* the draw */
	char draw_entry[24];         /* the entry id, 20 of 0-9A-F */
	char draw_closes[6];         /* "08:45", "" when the draw has no set end */
	char draw_commitment[65];    /* the draw's commitment, hex */
};

/* What a kiosk asks for (POST /api/v1/tickets). */
struct client_request {
	const char *service;   /* service code, "A" */
	const char *lang;      /* API language code ("ar", "fa-AF"); NULL = "fr" */
	int priority;          /* 1: priority flag (a flag only, never a reason) */
	const char *holder;    /* document number typed by the applicant, for a service
	                        * with bind_holder; NULL otherwise. Sent, never kept here. */
	const char *previous;  /* scanned payload of an earlier attestation de passage
	                        * (chains attempts when the service is full); NULL */
};

/*
 * A client for the server at base_url ("http://127.0.0.1:8080", with or
 * without a trailing '/'), authenticating with a device key (NULL: public
 * routes only). No network I/O happens here. NULL with err on a bad URL or
 * out of memory.
 */
struct client *client_new(const char *base_url, const char *device_key, char *err, size_t errlen);
void client_free(struct client *c);   /* NULL is harmless */

/* Change the time limits (milliseconds; <= 0 keeps the current one). */
void client_set_timeouts(struct client *c, int connect_ms, int total_ms);
/* For an HTTPS server with its own certificate: trust this CA file. */
void client_set_cafile(struct client *c, const char *path);

/*
 * Every POST carries an Idempotency-Key (docs/API.md): 22 random characters
 * made for the logical request. When no answer comes back (a timeout, a
 * lost connection, a 5xx), the same request is sent again with the same
 * key, up to CLIENT_RETRIES more times, so the server does it at most once
 * and the retry gets the first answer. The key of the last POST: */
#define CLIENT_RETRIES 3
const char *client_last_key(const struct client *c);

/* What a kiosk sends to check an appointment in (POST /api/v1/appointments/checkin). */
struct client_checkin {
	const char *code;      /* the check-in code as typed or scanned (the server
	                        * normalises it as core/appt.h does) */
	const char *lang;      /* the applicant's language code; NULL = "fr" */
	const char *holder;    /* document number, for an appointment bound to its holder
	                        * (after "holder_required"); NULL otherwise. Sent, never kept. */
	const char *token;     /* a convocation slip's QR text (its attestation's signed
	                        * token), sent as "token" instead of the code; NULL:
	                        * the code is sent */
};

/* The machine-readable "code" of the last error answer ("holder_required",
 * "bad_holder", "bad_previous", "reprint_limit", ...), "" when the last call
 * succeeded or the answer had none. Valid until the next call. */
const char *client_last_code(const struct client *c);

/* The time or day the last error answer names, as the server wrote it:
 * "come_back_at" of "too_early" (RFC 3339, "2026-12-04T10:15:00+01:00"),
 * "date" of "not_today" ("2026-12-18"), the other site's ticket "number"
 * of "holder_elsewhere" ("A001"); "" otherwise. Valid until the
 * next call. */
const char *client_last_when(const struct client *c);

/* GET /api/v1/services. On CLIENT_OK *out is a new menu (client_menu_free);
 * otherwise *out is NULL and err says why. */
enum client_rc client_services(struct client *c, struct client_menu **out /* OUT */,
    char *err, size_t errlen);

/*
 * POST /api/v1/tickets: issue one slip.
 *   CLIENT_OK    *out is a ticket (out->duplicate: the holder's existing one);
 *   CLIENT_FULL  today's capacity is reached. When the server issued an
 *                attestation de passage instead, *out holds it (kind
 *                "attestation", with its token): print it. Otherwise (an
 *                older server's 409) out->kind is "".
 *   CLIENT_UNCERTAIN  no answer after the retries, though the request
 *                reached the server (or may have): a ticket may exist. Say
 *                so, with client_last_key(); never "no ticket".
 *   others       NO slip was issued (err says why; client_last_code tells
 *                "holder_required" / "bad_holder" apart).
 */
enum client_rc client_issue_with(struct client *c, const struct client_request *rq,
    struct client_ticket *out /* OUT */, char *err, size_t errlen);

/* The same for the common case: no holder, no previous attestation. */
enum client_rc client_issue(struct client *c, const char *service, const char *lang,
    int priority, struct client_ticket *out /* OUT */, char *err, size_t errlen);

/*
 * POST /api/v1/appointments/checkin: an applicant with an appointment
 * arrives. The same paths as client_issue_with (the same key and retries,
 * the same slip in *out, the same results), and:
 *   CLIENT_OK    *out is the appointment's ticket (kind "appointment",
 *                out->appt_*), the same again (out->duplicate), or, after
 *                the window, a walk-in ticket (kind "walkin", out->late);
 *   CLIENT_FULL  no place: an attestation de passage in *out when the server
 *                gave one (outcome "late" names the missed appointment in
 *                out->appt_*, or "full"); out->kind "" otherwise;
 *   CLIENT_REFUSED  client_last_code says why: "too_early" (client_last_when:
 *                when to come back), "unknown_code", "not_today"
 *                (client_last_when: the appointment's day), "cancelled",
 *                "holder_required", "bad_holder", "holder_mismatch".
 */
enum client_rc client_checkin(struct client *c, const struct client_checkin *rq,
    struct client_ticket *out /* OUT */, char *err, size_t errlen);

/*
 * POST /api/v1/draws/{draw}/entries/{entry}/redeem: an enrolment slip
 * scanned after the draw (issue #13); the server knows the entry's
 * language. The same key and retries as client_issue_with, and:
 *   CLIENT_OK    a winner's ticket (out->draw_outcome "ticket"; again:
 *                out->duplicate, a slip marked as a reprint);
 *   CLIENT_FULL  not drawn: a convocation for a later day (out->conv_id)
 *                or an attestation de passage (outcome "draw") in *out;
 *   CLIENT_REFUSED  client_last_code "conflict": not drawn yet (the draw is
 *                still open); another code: no such draw or entry.
 */
enum client_rc client_draw_redeem(struct client *c, long long draw, const char *entry,
    struct client_ticket *out /* OUT */, char *err, size_t errlen);

/* What a kiosk sends to enrol an applicant in a draw. */
struct client_enrol {
	int64_t draw;          /* the draw's id (client_service.draw_id) */
	const char *lang;      /* the applicant's language code; NULL = "fr" */
	int priority;          /* 1: a priority enrolment (a flag only, never a reason) */
	const char *holder;    /* document number, for a service that binds holders;
	                        * NULL otherwise. Sent, never kept. */
};

/*
 * POST /api/v1/draws/{id}/entries: enrol one applicant, with a key and
 * retries as client_issue_with. CLIENT_OK: *out is the enrolment (kind
 * "draw_entry", out->draw_*; out->duplicate: the holder's entry given
 * back); print it. CLIENT_REFUSED with client_last_code "conflict": the
 * draw closed meanwhile (refresh the menu); "holder_required",
 * "bad_holder" as for a ticket. CLIENT_UNCERTAIN: an entry may exist.
 */
enum client_rc client_enrol(struct client *c, const struct client_enrol *rq,
    struct client_ticket *out /* OUT */, char *err, size_t errlen);

/* A print's outcome for the server. status: "confirmed", "unconfirmed" or
 * "failed"; reason (may be NULL) is cut to 120 bytes on a character
 * boundary, as the server allows; paper_mm: the paper the slip took (the
 * kiosk's paper counter), 0 when unknown. */
struct client_print {
	const char *status;
	const char *reason;
	int paper_mm;
};

/* POST /api/v1/tickets/{id}/printed. out may be NULL. */
enum client_rc client_printed(struct client *c, int64_t id, const struct client_print *pr,
    struct client_ticket *out /* OUT, may be NULL */, char *err, size_t errlen);

/* POST /api/v1/attestations/{id}/printed: the same for an attestation. */
enum client_rc client_attestation_printed(struct client *c, int64_t id,
    const struct client_print *pr, char *err, size_t errlen);

/* POST /api/v1/tickets/{id}/reprint: the same ticket with reprints = N and a
 * new token. CLIENT_LIMIT when the site's reprint limit is reached. */
enum client_rc client_reprint(struct client *c, int64_t id,
    struct client_ticket *out /* OUT */, char *err, size_t errlen);

/* GET /api/v1/tickets/{id}: the ticket's state now (no token). */
enum client_rc client_get_ticket(struct client *c, int64_t id,
    struct client_ticket *out /* OUT */, char *err, size_t errlen);

/* ---- GET of any JSON document (kiosk verify-draw) ------------------------ */

/* GET path (client_new's base_url may be a whole URL, path then ""): the
 * JSON answer of a 200, as compact text, malloc'd into *text (the caller
 * frees it). Another status: its refusal, with the server's reason. */
enum client_rc client_get_json(struct client *c, const char *path, char **text /* OUT */,
    char *err, size_t errlen);

#endif
