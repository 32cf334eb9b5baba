/*
 * desk: see desk.h. This file holds what every verb shares: opening, the
 * verb's transaction and its events, the state machine applied to a stored
 * ticket, the wait estimate and signing. The verbs are in issue.c,
 * counter.c, check.c, view.c and admin.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/log.h"
#include "core/queue.h"
#include "core/sign.h"
#include "desk/desk_int.h"

/* -- opening ------------------------------------------------------------------ */

static int
load_site(struct store *st, void *arg)
{
	return store_site_get(st, arg);
}

struct desk *
desk_open(struct store *st, const struct desk_keys *keys, char *err, size_t errlen)
{
	struct desk *d;
	int rc;

	if (sodium_init() < 0) {
		errf(err, errlen, "libsodium failed to initialise");
		return NULL;
	}
	if ((d = calloc(1, sizeof *d)) == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	d->st = st;
	if (keys) {
		d->keys = *keys;
		d->have_keys = 1;
	}
	rc = store_read(st, load_site, &d->site, err, errlen);
	if (rc == ST_OK) {
		d->have_site = 1;
	} else if (rc != ST_NOTFOUND) {
		desk_close(d);
		return NULL;
	}
	return d;
}

void
desk_close(struct desk *d)
{
	if (d == NULL)
		return;
	desk_unlisten(d);
	sodium_memzero(&d->keys, sizeof d->keys);
	free(d);
}

const struct site *
desk_site(const struct desk *d)
{
	return d->have_site ? &d->site : NULL;
}

void
desk_always_open(struct desk *d)
{
	int i;

	for (i = 0; i < 7; i++) {
		d->site.hours[i].open_min = 0;
		d->site.hours[i].close_min = 24 * 60;
	}
}

/* -- a verb and its transaction ---------------------------------------------- */

void
verb_init(struct verb *v, struct desk *d, const struct desk_actor *who, int64_t now,
    struct desk_events *ev, char *err, size_t errlen)
{
	memset(v, 0, sizeof *v);
	v->d = d;
	v->who = who;
	v->now = now;
	v->ev = ev;
	v->err = err;
	v->errlen = errlen;
	if (ev)
		ev->n = 0;
	if (err && errlen)
		err[0] = '\0';
	queue_local_day(now, v->day);
}

int
verb_fail(struct verb *v, int rc, const char *fmt, ...)
{
	va_list ap;

	if (v->err && v->errlen) {
		va_start(ap, fmt);
		vsnprintf(v->err, v->errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* The transaction function of every verb: its arg starts with a struct
 * verb, so the store handle can be set before the verb's own function. */
struct verb_call {
	struct verb *v;
	int (*fn)(struct store *, void *);
	void *arg;
	int write;                  /* a write: the request key, if any, applies */
	int ev0;                    /* the events the verb had before this transaction */
};

/*
 * The other servers on the database (PostgreSQL) hear a write's events
 * through store_notify, inside its transaction: "E1:<size>:" and each
 * struct desk_event in base64, comma-separated (size: the struct's, so a
 * server of another version ignores what it cannot read); as many
 * messages as needed.
 */
#define EV_B64 (sodium_base64_ENCODED_LEN(sizeof(struct desk_event), \
    sodium_base64_VARIANT_ORIGINAL))

static int
notify_events(struct store *st, const struct desk_events *ev, int from)
{
	char msg[STORE_NOTE_MAX + 1];
	size_t len = 0;
	int i, rc;

	for (i = from; i < ev->n; i++) {
		if (len == 0)
			len = (size_t)snprintf(msg, sizeof msg, "E1:%zu:", sizeof ev->ev[i]);
		else
			msg[len++] = ',';
		sodium_bin2base64(msg + len, EV_B64, (const unsigned char *)&ev->ev[i],
		    sizeof ev->ev[i], sodium_base64_VARIANT_ORIGINAL);
		len += strlen(msg + len);
		if (i + 1 == ev->n || len + 1 + EV_B64 > STORE_NOTE_MAX) {
			if ((rc = store_notify(st, msg)) != ST_OK)
				return rc;
			len = 0;
		}
	}
	return ST_OK;
}

static int
verb_tx(struct store *st, void *arg)
{
	struct verb_call *c = arg;
	int rc;

	c->v->st = st;
	/* A transaction run again (PostgreSQL, after a serialization
	 * failure) gathers its events again. */
	if (c->v->ev)
		c->v->ev->n = c->ev0;
	if (c->write && c->v->who && c->v->who->req && c->v->who->req->key)
		rc = request_tx(c->v, c->fn, c->arg);
	else
		rc = c->fn(st, c->arg);
	if (rc != ST_ERR && c->write && c->v->ev && c->v->ev->n > c->ev0 && store_shared(st) &&
	    notify_events(st, c->v->ev, c->ev0) != ST_OK)
		return ST_ERR;
	return rc;
}

struct listen {
	desk_heard_fn fn;
	void *arg;
};

/* A message of another server: its events, decoded. NULL (the connection
 * came back): the counts, which may have changed meanwhile. */
static void
heard(void *arg, const char *msg)
{
	struct listen *l = arg;
	struct desk_events ev;
	size_t size, n;
	const char *p, *end;
	char head[32];

	memset(&ev, 0, sizeof ev);
	if (msg == NULL) {
		ev.n = 1;
		ev.ev[0].kind = DE_COUNTS;
		l->fn(l->arg, &ev);
		return;
	}
	snprintf(head, sizeof head, "E1:%zu:", sizeof ev.ev[0]);
	if (strncmp(msg, head, strlen(head)) != 0) {
		if (sscanf(msg, "E1:%zu:", &size) != 1 || size != sizeof ev.ev[0])
			log_warnx("desk: a notification of another version was ignored");
		return;
	}
	for (p = msg + strlen(head); *p && ev.n < DESK_MAX_EVENTS; p = *end ? end + 1 : end) {
		struct desk_event *e = &ev.ev[ev.n];
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		if (sodium_base642bin((unsigned char *)e, sizeof *e, p, (size_t)(end - p), NULL, &n,
		    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof *e ||
		    (unsigned)e->kind > DE_NOTICES) {
			log_warnx("desk: a notification that cannot be read was ignored");
			return;
		}
		/* Strings from the wire end within their arrays. */
		e->call.number[sizeof e->call.number - 1] = '\0';
		e->call.counter_name[sizeof e->call.counter_name - 1] = '\0';
		e->call.lang[sizeof e->call.lang - 1] = '\0';
		e->state[sizeof e->state - 1] = '\0';
		e->alert.kind[sizeof e->alert.kind - 1] = '\0';
		e->alert.subject[sizeof e->alert.subject - 1] = '\0';
		e->alert.message[sizeof e->alert.message - 1] = '\0';
		ev.n++;
	}
	if (ev.n)
		l->fn(l->arg, &ev);
}

void
desk_unlisten(struct desk *d)
{
	if (d->listen == NULL)
		return;
	store_unlisten(d->st);
	free(d->listen);
	d->listen = NULL;
}

int
desk_listen(struct desk *d, desk_heard_fn fn, void *arg, char *err, size_t errlen)
{
	if (!store_shared(d->st))
		return DK_OK;
	if (d->listen == NULL && (d->listen = calloc(1, sizeof *d->listen)) == NULL)
		return errf(err, errlen, "out of memory");
	d->listen->fn = fn;
	d->listen->arg = arg;
	return store_listen(d->st, heard, d->listen, err, errlen) == ST_OK ? DK_OK : DK_ERR;
}

int
verb_write(struct verb *v, int (*fn)(struct store *, void *), void *arg)
{
	struct verb_call c = { v, fn, arg, 1, v->ev ? v->ev->n : 0 };
	int rc;

	rc = store_write(v->d->st, verb_tx, &c, v->err, v->errlen);
	if (rc == DK_ERR && v->ev)
		v->ev->n = 0;   /* nothing happened: nothing to announce */
	v->st = NULL;
	return rc;
}

int
verb_read(struct verb *v, int (*fn)(struct store *, void *), void *arg)
{
	struct verb_call c = { v, fn, arg, 0, v->ev ? v->ev->n : 0 };
	int rc = store_read(v->d->st, verb_tx, &c, v->err, v->errlen);

	v->st = NULL;
	return rc;
}

/* -- events ------------------------------------------------------------------ */

static struct desk_event *
event_slot(struct verb *v, enum desk_event_kind kind)
{
	struct desk_event *e;
	int i;

	if (v->ev == NULL)
		return NULL;
	/* One "counts changed" is enough per verb. */
	for (i = 0; kind == DE_COUNTS && i < v->ev->n; i++)
		if (v->ev->ev[i].kind == DE_COUNTS)
			return NULL;
	if (v->ev->n >= DESK_MAX_EVENTS) {
		log_warnx("desk: more than %d events in one verb; the rest are dropped",
		    DESK_MAX_EVENTS);
		return NULL;
	}
	e = &v->ev->ev[v->ev->n++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	return e;
}

struct desk_event *
verb_event(struct verb *v, enum desk_event_kind kind)
{
	return event_slot(v, kind);
}

void
verb_call_event(struct verb *v, const struct ticket *t, int recall)
{
	struct desk_event *e = event_slot(v, DE_CALL);

	if (e == NULL)
		return;
	snprintf(e->call.number, sizeof e->call.number, "%s", t->number);
	e->call.counter = t->counter;
	snprintf(e->call.counter_name, sizeof e->call.counter_name, "%s", t->counter_name);
	e->call.service = t->queue;
	snprintf(e->call.lang, sizeof e->call.lang, "%s", t->lang);
	e->call.recall = recall;
	e->call.at = v->now;
	e->call.appt_start = t->appointment ? t->appt_start : 0;
	e->call.appt_duration_min = t->appointment ? t->appt_duration_min : 0;
}

int
verb_log(struct verb *v, const char *kind, const struct ticket *t, char service, int counter,
    const char *detail)
{
	struct store_event e = {
		.at = v->now, .day = t ? t->day : v->day, .kind = kind, .ticket = t ? t->id : 0,
		.service = service, .counter = counter, .agent = v->who ? v->who->name : NULL,
		.detail = detail,
	};
	return store_event_add(v->st, &e);
}

/* -- tickets ------------------------------------------------------------------ */

int
desk_get(struct verb *v, int64_t id, struct ticket *t)
{
	int rc = store_ticket_get(v->st, id, t);

	if (rc == ST_NOTFOUND)
		return verb_fail(v, DK_NOTFOUND, "no ticket %lld", (long long)id);
	return rc;
}

int
desk_move(struct verb *v, struct ticket *t, enum queue_action a)
{
	int from = t->state, to = queue_next_state((enum ticket_state)from, a), rc;

	if (to < 0)
		return verb_fail(v, DK_CONFLICT, "ticket %s is %s: not possible now", t->number,
		    queue_state_name((enum ticket_state)from));
	t->state = to;
	if (to != TS_WAITING && to != TS_CALLED && t->finished_at == 0)
		t->finished_at = v->now;
	rc = store_ticket_update(v->st, t, from);
	if (rc == ST_CONFLICT)
		return verb_fail(v, DK_CONFLICT, "ticket %s changed meanwhile: try again", t->number);
	return rc;
}

int
desk_place(struct verb *v, struct ticket *t, int newest)
{
	struct store *st = v->st;
	struct queue_figures q;
	int ahead;

	t->position = 0;
	t->estimated_wait_s = 0;
	if (t->state != TS_WAITING)
		return ST_OK;
	/* A ticket just issued is the last of its priority class: everybody
	 * waiting in that class and above is ahead of it (the queue's counts). */
	if (store_queue_figures(st, t->day, t->queue, &q) != ST_OK)
		return ST_ERR;
	if (t->appt_start) {
		if ((ahead = store_appt_ahead(st, t)) < 0)
			return ST_ERR;
	} else if (newest) {
		ahead = q.waiting[1] + (t->priority ? 0 : q.waiting[0]) - 1;
	} else if ((ahead = store_ahead_of(st, t)) < 0) {
		return ST_ERR;
	}
	t->position = ahead + 1;
	t->estimated_wait_s = queue_estimate_wait(ahead, q.open_counters,
	    q.service_s > 0 ? q.service_s : v->d->site.default_service_s);
	if (t->appt_start - v->now > t->estimated_wait_s)
		t->estimated_wait_s = (int)(t->appt_start - v->now);
	return ST_OK;
}

/* -- signing ------------------------------------------------------------------ */

/* The fields every slip has; ids upper-cased (slips compare them case-blind). */
static void
slip_base(const struct desk *d, struct slip *s, enum slip_kind kind, const char *day,
    char service, int64_t issued_at, const char *device, int64_t serial)
{
	struct tm tm;
	time_t t = (time_t)issued_at;
	char *p;

	memset(s, 0, sizeof *s);
	s->version = SLIP_VERSION;
	s->kind = kind;
	snprintf(s->site, sizeof s->site, "%.24s", d->keys.site_id);
	snprintf(s->date, sizeof s->date, "%.4s%.2s%.2s", day, day + 5, day + 8);
	s->service[0] = service;
	localtime_r(&t, &tm);
	snprintf(s->time, sizeof s->time, "%02d%02d", tm.tm_hour, tm.tm_min);
	snprintf(s->device, sizeof s->device, "%.16s", device);
	s->serial = (uint64_t)serial;
	for (p = s->site; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	for (p = s->device; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

int
desk_sign_ticket(const struct desk *d, struct ticket *t)
{
	struct slip s;

	if (!d->have_keys)
		return -1;
	slip_base(d, &s, SLIP_TICKET, t->day, t->service, t->issued_at, t->device, t->id);
	s.number = t->seq;
	s.reprint = t->reprints;
	return slip_encode(&s, d->keys.sk, t->token, sizeof t->token) > 0 ? 0 : -1;
}

int
desk_sign_attestation(const struct desk *d, struct attestation *a)
{
	struct slip s;

	if (!d->have_keys)
		return -1;
	slip_base(d, &s, SLIP_ATTESTATION, a->day, a->service, a->issued_at, a->device, a->id);
	s.attempt = a->attempt;
	snprintf(s.first_date, sizeof s.first_date, "%s", a->first_date);
	s.weeks = a->weeks;
	return slip_encode(&s, d->keys.sk, a->token, sizeof a->token) > 0 ? 0 : -1;
}

/* -- counters ---------------------------------------------------------------- */

int
desk_counter_view(struct store *st, int n, struct counter_view *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = store_counter_get(st, n, &out->c)) != ST_OK)
		return rc;
	rc = store_ticket_at_counter(st, n, &out->ticket);
	out->has_ticket = rc == ST_OK;
	return rc == ST_NOTFOUND ? ST_OK : rc;
}
