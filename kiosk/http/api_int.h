/*
 * api_int: what the API's files share (api.c: routing, roles and the
 * routes; api_json.c: requests in, JSON out; api_events.c: publishing the
 * desk's events; api_figures.c: statistics and metrics). Not for callers:
 * they use api.h. No HTTP library, no SQL: the desk does the work.
 */
#ifndef KIOSK_API_INT_H
#define KIOSK_API_INT_H

#include <pthread.h>

#include <cJSON.h>

#include "desk/desk.h"
#include "http/api.h"

/* Failed logins are remembered per (login, client address), in memory only
 * (a restart forgets them), in NFAIL slots: about 150 kB whatever the
 * traffic. When every slot is taken, the pair whose last failure is the
 * oldest gives its place. */
#define NFAIL 1024

struct login_fail {
	char login[48];         /* "": a free slot */
	char addr[64];          /* client address the failures came from */
	int count;              /* failures since the last success */
	int64_t last;           /* time of the latest failure */
	int64_t until;          /* no attempt before then (0: none) */
};

struct api {
	struct desk *desk;              /* every verb */
	const struct site *site;        /* the desk's site (read-only after start) */
	struct bus *bus;                /* server-sent events */
	pthread_mutex_t lock;           /* guards fails */
	struct login_fail fails[NFAIL]; /* recent failed logins, by login and address */
	char retention_day[11];         /* local day the retention job last ran */
	pthread_t counts_thread;        /* publishes `counts` events (api_events.c) */
	pthread_mutex_t counts_lock;    /* guards the four fields below */
	pthread_cond_t counts_cond;     /* signalled when counts become dirty, or on stop */
	int counts_dirty;               /* counts changed since the last event */
	int counts_stop;                /* api_free asks the thread to end */
	int64_t counts_now;             /* `now` of the latest change */
	int counts_started;             /* the thread runs */
};

/* Who is asking. */
struct who {
	int level;              /* 0 none, 1 agent, 2 manager, 3 admin; devices 0 */
	int device;             /* 1: a kiosk device key */
	int session;            /* 1: a browser session (needs CSRF on POST) */
	char name[48];          /* login or device name */
	char role[16];          /* agent, manager, admin, device */
	char csrf[80];          /* session's CSRF token */
	int must_change;        /* 1: the user must choose a new password first */
};

/* -- responses (api_json.c) -------------------------------------------------- */

/* j as compact JSON (malloc'd, NULL when out of memory) in valid UTF-8:
 * a byte that starts no valid character becomes U+FFFD. */
char *json_print(const cJSON *j);
void reply(struct api_resp *r, int status, cJSON *j);
void fail(struct api_resp *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A desk refusal as HTTP (404, 409, 400, 401, 503 ...). */
void desk_fail(struct api_resp *r, int rc, const char *err);

/* -- requests (api_json.c) ------------------------------------------------------ */

/* The body as a JSON object; NULL with the response set when it is not one.
 * Without a body: an empty object, or 400 when `required`. */
cJSON *parse_body(const struct api_req *q, struct api_resp *r, int required);
/* A string field: NULL when absent; sets *bad (and the response) when it
 * is not a string of at most maxlen bytes. */
const char *str_field(cJSON *j, const char *key, size_t maxlen, int *bad, struct api_resp *r);
/* A whole number from 0 to max in j[key], into *out; 1 when given, 0 when
 * absent. Sets *bad (with the answer) when malformed. */
int int_field(const cJSON *j, const char *key, int max, int *out, int *bad, struct api_resp *r);
int valid_lang(const char *l);
int valid_day(const char *d);
/* A positive decimal id, or -1. */
int64_t parse_id(const char *s);
/* "/123/rest" -> 123 and rest ("" or "/rest"); -1 when not an id. */
int64_t path_id(const char *s, const char **rest);
const char *cookie_value(const char *cookies, const char *name, char *out, size_t len);

/* -- JSON of the desk's things (api_json.c) ------------------------------------ */

void add_time(cJSON *j, const char *key, int64_t t);
cJSON *names_json(const struct site_service *sv);
cJSON *site_json(const struct site *s, int64_t now);
cJSON *ticket_json(const struct site *s, const struct ticket *t);
cJSON *attestation_json(const struct site *s, const struct attestation *a, int64_t now);
cJSON *counter_json(const struct site *s, const struct counter_view *cv);
cJSON *alert_json(const struct alert *al);
void call_fields(cJSON *j, const struct call_view *c);
/* The services array: every figure, or (board, counts event) the short form.
 * site_open (whether the site is open now) counts in the full form only. */
enum services_form { SF_FULL, SF_BOARD, SF_COUNTS };
cJSON *services_json(const struct site *s, const struct service_stat *ss, int n, int site_open,
    enum services_form form);
/* "HH:MM" of minutes after midnight. */
cJSON *hhmm_json(int minutes);

/* -- events (api_events.c) --------------------------------------------------------- */

/* Publish what a verb returned (it committed). */
void publish(struct api *a, const struct desk_events *ev, int64_t now);
int counts_start(struct api *a);
void counts_stop(struct api *a);

/* -- idempotent requests (api_requests.c) ------------------------------------------ */

/*
 * A route's verb with the request's Idempotency-Key (struct desk_request in
 * desk/desk.h). The route renders its answer with one function, `render`,
 * used the same way twice: inside the verb's transaction, to keep the
 * answer with the key, and for the response. A replay answers what was
 * kept; nothing is rendered or done again.
 */
typedef void (*render_fn)(void *ctx, int rc, const char *err, struct api_resp *r);

struct keyed {
	struct desk_request req;    /* given to the desk through the actor */
	render_fn render;           /* the route's answer */
	void *ctx;                  /* its arguments (the verb's out structs) */
};

/* Attach the request's key, if any, to the actor (who->req). */
void keyed_init(struct keyed *k, const struct api_req *q, struct desk_actor *who,
    render_fn render, void *ctx);
/* The response after the verb: what was kept with the key (a replay, or the
 * answer just committed with it), else the route's rendering. */
void keyed_reply(struct keyed *k, int rc, const char *err, struct api_resp *r);
/* GET /api/v1/requests/{key}. */
void get_request(struct api *a, const struct api_req *q, const struct who *w, const char *key,
    struct api_resp *r);

/* -- convocations (api_convocations.c) ---------------------------------------------- */

/* POST /api/v1/tickets's answer for a convocation (DS_CONVOCATION). */
cJSON *convocation_json(const struct site *s, const struct desk_slip *slip, int64_t now);
/* /api/v1/convocations (GET) and /api/v1/convocations/{id}/cancel (POST). */
void convocation_routes(struct api *a, const struct api_req *q, const struct who *w,
    const char *rest, struct api_resp *r);
/* GET /api/v1/stats's `convocations`: a day's figures by service code. */
cJSON *convocations_stats_json(struct api *a, const char *day, int64_t now);
/* The same of figures f of site s (n services; desk_figures's). */
cJSON *convoc_figs_json(const struct site *s, const struct convoc_fig *f, int n);

/* -- figures (api_figures.c) -------------------------------------------------------- */

void get_stats(struct api *a, const struct api_req *q, struct api_resp *r);

/* -- roles (api.c) ---------------------------------------------------------------- */

/* Require a staff role of at least `level` (1 agent, 2 manager, 3 admin), and
 * CSRF for session writes: 0, or -1 with the response set. */
int need_staff(const struct api_req *q, const struct who *w, int level, struct api_resp *r);
struct desk_actor actor(const struct who *w);

/* -- the manager's routes (api_manage.c) ---------------------------------------------- */

/* /api/v1/services/{code}/today (PATCH). */
void service_routes(struct api *a, const struct api_req *q, const struct who *w,
    const char *rest, struct api_resp *r);
/* /api/v1/closures (GET, POST) and /api/v1/closures/{id} (DELETE). */
void closure_routes(struct api *a, const struct api_req *q, const struct who *w,
    const char *rest, struct api_resp *r);
/* /api/v1/devices (GET, POST) and /api/v1/devices/{name}/revoke (POST). */
void device_routes(struct api *a, const struct api_req *q, const struct who *w,
    const char *rest, struct api_resp *r);
/* PATCH /api/v1/counters/{n} (a counter's services and name). */
void counter_patch(struct api *a, const struct api_req *q, const struct who *w, int n,
    struct api_resp *r);
/* Failed passwords of (login, client address), api.c: the seconds to wait
 * before the next try (0: now); count a failure (the seconds it now waits,
 * *count the failures); forget them after a success. */
int throttle_wait(struct api *a, const char *login, const char *addr, int64_t now);
int throttle_fail(struct api *a, const char *login, const char *addr, int64_t now, int *count);
void throttle_clear(struct api *a, const char *login, const char *addr, int64_t now);

/* POST /api/v1/password (api_users.c). */
void post_password(struct api *a, const struct api_req *q, const struct who *w,
    struct api_resp *r);
/* /api/v1/users (GET, POST) and /api/v1/users/{login} (PATCH) (api_users.c). */
void user_routes(struct api *a, const struct api_req *q, const struct who *w,
    const char *rest, struct api_resp *r);
/* Today's closure or changed hours, and the next opening, into a site
 * object (site_json): "open", "opens" and "closes" become today's. Returns
 * whether the site is open now. */
int site_state_json(struct api *a, cJSON *site, int64_t now);

/* -- notices (api_notices.c) -------------------------------------------------------- */

/* /api/v1/notices (GET, POST) and /api/v1/notices/{id} (DELETE). */
void notice_routes(struct api *a, const struct api_req *q, const struct who *w,
    const char *rest, struct api_resp *r);
/* The notices shown today on `screen` (NOTICE_BOARD or NOTICE_KIOSK), in
 * the public form [{"id":1,"text":{"fr":"...",...}}]: never who wrote
 * them. An empty array when they cannot be read. */
cJSON *notices_public_json(struct api *a, int64_t now, int screen);

/* -- appointments (api_appointments.c) ------------------------------------------------ */

/* /api/v1/appointments (GET, POST), /api/v1/appointments/webhook and
 * /api/v1/appointments/checkin (POST); rest: what follows
 * "/api/v1/appointments". */
void appointment_routes(struct api *a, const struct api_req *q, const struct who *w,
    const char *rest, struct api_resp *r);

/* -- draws (api_draws.c) ----------------------------------------------------------------- */

/* /api/v1/draws (POST) and /api/v1/draws/{id}[/entries|/close|
 * /entries/{entry}/redeem]; rest: what follows "/api/v1/draws". */
void draw_routes(struct api *a, const struct api_req *q, const struct who *w,
    const char *rest, struct api_resp *r);
/* Today's draws for the board: [{id, service, status, commitment, places}],
 * a closed one with "tickets":[{entry, ticket}] in draw order. */
cJSON *draws_board_json(struct api *a, int64_t now);

#endif
