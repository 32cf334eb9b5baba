/*
 * counter: the verbs of a counter: call next, call a number out of order,
 * recall, no-show, done, transfer, pause, resume, open, close; and the end
 * of the day. Every ticket moves through queue_next_state (desk_move).
 */
#include <stdio.h>
#include <string.h>

#include "core/queue.h"
#include "desk/desk_int.h"

#define CLAIM_TRIES 4   /* another server may call the same head: pick again */

struct counter_verb {
	struct verb v;
	int n;                      /* counter number */
	enum desk_op op;
	const char *current;        /* the ticket the caller sees called (ops: NULL, unchecked) */
	const char *number;         /* call_number */
	const char *reason;         /* call_number */
	const char *arg;            /* outcome or service */
	struct counter_view *out;
	struct ticket *finished;
	int *has_finished;
};

/* The counter, which must exist (and be open when `open` is set). */
static int
counter_check(struct counter_verb *c, struct counter_row *row, int open)
{
	int rc = store_counter_get(c->v.st, c->n, row);

	if (rc == ST_NOTFOUND)
		return verb_fail(&c->v, DK_NOTFOUND, "no counter %d", c->n);
	if (rc == ST_OK && open && strcmp(row->state, "open") != 0)
		return verb_fail(&c->v, DK_CONFLICT, "counter %d is %s: resume it first", c->n,
		    row->state);
	return rc;
}

/* A served ticket's time at the counter goes into its queue's mean. */
static int
count_service(struct counter_verb *c, const struct ticket *t)
{
	int served, mean = store_service_time(c->v.st, t->day, t->queue, &served);

	if (mean < 0)
		return ST_ERR;
	return store_service_time_set(c->v.st, t->day, t->queue,
	    queue_service_mean(mean, served, (int)(t->finished_at - t->called_at)), served + 1);
}

/* End a called ticket: served (with an outcome) or no-show. */
static int
finish(struct counter_verb *c, struct ticket *t, enum queue_action a, const char *outcome)
{
	int rc;

	snprintf(t->outcome, sizeof t->outcome, "%s", outcome ? outcome : "");
	if ((rc = desk_move(&c->v, t, a)) != ST_OK ||
	    (a == QA_DONE && (rc = count_service(c, t)) != ST_OK))
		return rc;
	return verb_log(&c->v, a == QA_DONE ? "done" : "no_show", t, t->queue, c->n, outcome);
}

/* The counter's called ticket, if any, is done before the next call; but
 * only if it is the one the caller named: else DK_NOT_CURRENT, with the
 * counter and that ticket in the answer. A caller who retries after a lost
 * answer names the ticket it saw before, so it cannot close the one that
 * the lost answer called (docs/API.md). */
static int
finish_current(struct counter_verb *c, const struct counter_row *row)
{
	struct ticket cur;
	int rc = store_ticket_at_counter(c->v.st, c->n, &cur);

	if (rc == ST_NOTFOUND)
		return ST_OK;
	if (rc != ST_OK)
		return rc;
	if (c->current == NULL || (strcmp(c->current, DESK_ANY_CURRENT) != 0 &&
	    strcmp(c->current, cur.number) != 0)) {
		c->out->c = *row;
		c->out->has_ticket = 1;
		c->out->ticket = cur;
		return verb_fail(&c->v, DK_NOT_CURRENT, "ticket %s is called at counter %d, not %s: "
		    "finish it first, or name it as 'current'", cur.number, c->n,
		    c->current && c->current[0] ? c->current : "none");
	}
	return finish(c, &cur, QA_DONE, "complete");
}

/* Waiting -> called at counter `row`, then the answer: the counter view,
 * made from what is known already (the counter's only called ticket is t). */
static int
call(struct counter_verb *c, const struct counter_row *row, struct ticket *t, const char *detail)
{
	int rc;

	t->called_at = c->v.now;
	t->counter = c->n;
	snprintf(t->counter_name, sizeof t->counter_name, "%s", row->name);
	snprintf(t->agent, sizeof t->agent, "%s", c->v.who->name);
	t->recalls = 0;
	if ((rc = desk_move(&c->v, t, QA_CALL)) != ST_OK ||
	    (rc = verb_log(&c->v, "call", t, t->queue, c->n, detail)) != ST_OK)
		return rc;
	c->out->c = *row;
	c->out->has_ticket = 1;
	c->out->ticket = *t;
	verb_call_event(&c->v, t, 0);
	verb_event(&c->v, DE_COUNTS);
	return ST_OK;
}

/*
 * The next ticket for the counter's services (queue_pick), or 0. queue_pick
 * serves the first service, in the counter's order, with anybody waiting:
 * one read of the waiting counts finds it (appointment tickets count among
 * the waiting too), and only its three lane heads and its streaks are read,
 * not those of every service the counter serves. *next: the service's
 * streaks after this call, as queue.h says.
 */
static int64_t
pick(struct counter_verb *c, const struct counter_row *row, char *service, struct streaks *next)
{
	const struct site *site = &c->v.d->site;
	int counts[26][2], i, idx;
	struct queue_head head = { 0 };
	struct queue_rules rules = { site->priority_streak, site->appt.appointment_streak };
	struct streaks cur;
	enum queue_lane lane;
	char code = 0;
	int64_t id;

	if (store_waiting_counts(c->v.st, c->v.day, counts) != ST_OK)
		return ST_ERR;
	for (i = 0; row->services[i] && !code; i++) {
		int k = row->services[i] - 'A';
		if (k >= 0 && k < 26 && counts[k][0] + counts[k][1] > 0)
			code = row->services[i];
	}
	if (code == 0)
		return 0;
	head.service = code;
	if ((head.prio_id = store_queue_head(c->v.st, c->v.day, code, 1, c->v.now)) < 0 ||
	    (head.ord_id = store_queue_head(c->v.st, c->v.day, code, 0, c->v.now)) < 0 ||
	    (head.appt_id = store_appt_head(c->v.st, c->v.day, code, c->v.now)) < 0 ||
	    store_streaks_get(c->v.st, c->v.day, code, &cur) != ST_OK)
		return ST_ERR;
	head.streak = cur.priority;
	head.appt_streak = cur.appointment;
	id = queue_pick(&head, 1, &rules, &idx, &lane);
	if (id > 0) {
		*service = code;
		next->appointment = lane == QUEUE_APPOINTMENT ? cur.appointment + 1 : 0;
		next->priority = lane == QUEUE_APPOINTMENT ? cur.priority :
		    lane == QUEUE_PRIORITY ? cur.priority + 1 : 0;
	}
	return id;
}

static int
call_next_tx(struct store *st, void *arg)
{
	struct counter_verb *c = arg;
	struct counter_row row;
	struct ticket t;
	struct streaks next = { 0, 0 };
	char service = 0;
	int rc, tries;
	int64_t id;

	if ((rc = counter_check(c, &row, 1)) != ST_OK || (rc = finish_current(c, &row)) != ST_OK)
		return rc;
	for (tries = 0; tries < CLAIM_TRIES; tries++) {
		if ((id = pick(c, &row, &service, &next)) < 0)
			return ST_ERR;
		if (id == 0) {
			verb_event(&c->v, DE_COUNTS);
			/* The finished ticket, if any, is still committed. */
			return verb_fail(&c->v, DK_EMPTY, "nobody is waiting for counter %d", c->n);
		}
		if ((rc = store_ticket_get(st, id, &t)) != ST_OK)
			return rc == ST_NOTFOUND ? ST_ERR : rc;
		if ((rc = call(c, &row, &t, NULL)) != DK_CONFLICT)
			break;
	}
	if (rc != ST_OK)
		return rc;
	return store_streaks_set(st, c->v.day, service, &next);
}

int
desk_call_next(struct desk *d, const struct desk_actor *who, int counter, const char *current,
    int64_t now, struct counter_view *out, struct desk_events *ev, char *err, size_t errlen)
{
	struct counter_verb c = { .n = counter, .current = current ? current : "", .out = out };

	verb_init(&c.v, d, who, now, ev, err, errlen);
	memset(out, 0, sizeof *out);
	return verb_write(&c.v, call_next_tx, &c);
}

static int
call_number_tx(struct store *st, void *arg)
{
	struct counter_verb *c = arg;
	struct counter_row row;
	struct ticket t;
	char detail[300];
	int rc;

	if ((rc = counter_check(c, &row, 0)) != ST_OK)
		return rc;
	rc = store_ticket_by_number(st, c->v.day, c->number, &t);
	if (rc == ST_NOTFOUND)
		return verb_fail(&c->v, DK_NOTFOUND, "no ticket %s today", c->number);
	if (rc != ST_OK || (rc = counter_check(c, &row, 1)) != ST_OK)
		return rc;
	if (t.state != TS_WAITING)
		return verb_fail(&c->v, DK_CONFLICT, "ticket %s is %s, not waiting", c->number,
		    queue_state_name((enum ticket_state)t.state));
	if ((rc = finish_current(c, &row)) != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "out of order: %s", c->reason);
	if ((rc = call(c, &row, &t, detail)) != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "%s at counter %d, reason: %s", c->number, c->n, c->reason);
	return store_audit_add(st, c->v.now, c->v.who->name, "call_out_of_order", detail);
}

int
desk_call_number(struct desk *d, const struct desk_actor *who, int counter, const char *current,
    const char *number, const char *reason, int64_t now, struct counter_view *out,
    struct desk_events *ev, char *err, size_t errlen)
{
	struct counter_verb c = { .n = counter, .current = current ? current : "", .number = number,
		.reason = reason, .out = out };

	verb_init(&c.v, d, who, now, ev, err, errlen);
	memset(out, 0, sizeof *out);
	if (number == NULL || reason == NULL || strlen(reason) < 3)
		return verb_fail(&c.v, DK_BAD, "'number' and a 'reason' (3 characters or more) are "
		    "required to call a ticket out of order");
	return verb_write(&c.v, call_number_tx, &c);
}

/* -- recall, no-show, done, transfer ----------------------------------------- */

static const char *const state_of[] = {
	[DO_PAUSE] = "paused", [DO_RESUME] = "open", [DO_OPEN] = "open", [DO_CLOSE] = "closed",
};

static int
counter_state_tx(struct counter_verb *c, const struct counter_row *row)
{
	char detail[64];
	struct store_event e = { .at = c->v.now, .day = c->v.day, .kind = state_of[c->op],
		.counter = c->n, .agent = c->v.who->name };
	struct desk_event *ev;
	int rc;

	if (c->op == DO_RESUME && strcmp(row->state, "paused") != 0)
		return verb_fail(&c->v, DK_CONFLICT, "counter %d is %s, not paused", c->n, row->state);
	snprintf(detail, sizeof detail, "counter %d %s", c->n, state_of[c->op]);
	if ((rc = store_counter_set_state(c->v.st, c->n, state_of[c->op])) != ST_OK ||
	    (rc = store_event_add(c->v.st, &e)) != ST_OK ||
	    (rc = store_audit_add(c->v.st, c->v.now, c->v.who->name, "counter_state", detail)) != ST_OK)
		return rc;
	if ((ev = verb_event(&c->v, DE_COUNTER)) != NULL) {
		ev->counter = c->n;
		snprintf(ev->state, sizeof ev->state, "%s", state_of[c->op]);
	}
	verb_event(&c->v, DE_COUNTS);
	return desk_counter_view(c->v.st, c->n, c->out);
}

/* Recall, no-show, done or transfer of the counter's called ticket t. */
static int
ticket_op(struct counter_verb *c, struct ticket *t)
{
	const struct site *site = &c->v.d->site;
	int rc;

	switch (c->op) {
	case DO_RECALL:
		if (t->recalls >= site->max_recalls)    /* recalls used up: no-show */
			return finish(c, t, QA_NO_SHOW, NULL);
		t->recalls++;
		if ((rc = desk_move(&c->v, t, QA_RECALL)) != ST_OK ||
		    (rc = verb_log(&c->v, "recall", t, t->queue, c->n, NULL)) != ST_OK)
			return rc;
		verb_call_event(&c->v, t, 1);
		return ST_OK;
	case DO_NO_SHOW:
		return finish(c, t, QA_NO_SHOW, NULL);
	case DO_DONE:
		return finish(c, t, QA_DONE, c->arg ? c->arg : "complete");
	case DO_TRANSFER:
		if (c->arg == NULL || strlen(c->arg) != 1 || !site_service(site, c->arg[0]))
			return verb_fail(&c->v, DK_NOTFOUND, "unknown service '%s'", c->arg ? c->arg : "");
		/* Back to waiting in the other queue, keeping its number and its
		 * place by issue time: the person has waited already. */
		t->queue = c->arg[0];
		t->counter = 0;
		t->counter_name[0] = '\0';
		t->recalls = 0;
		if ((rc = desk_move(&c->v, t, QA_TRANSFER)) != ST_OK)
			return rc;
		return verb_log(&c->v, "transfer", t, t->queue, c->n, NULL);
	default:
		return verb_fail(&c->v, DK_BAD, "not a ticket operation");
	}
}

static int
counter_op_tx(struct store *st, void *arg)
{
	struct counter_verb *c = arg;
	struct counter_row row;
	struct ticket t;
	char detail[128];
	int rc;

	if ((rc = counter_check(c, &row, 0)) != ST_OK)
		return rc;
	if (c->op >= DO_PAUSE)
		return counter_state_tx(c, &row);
	rc = store_ticket_at_counter(st, c->n, &t);
	if (rc == ST_NOTFOUND)
		return verb_fail(&c->v, DK_CONFLICT, "counter %d has no ticket called", c->n);
	if (rc == ST_OK && c->current && strcmp(c->current, t.number) != 0) {
		/* The caller acts on a ticket it sees; another one is called. */
		c->out->c = row;
		c->out->has_ticket = 1;
		c->out->ticket = t;
		return verb_fail(&c->v, DK_NOT_CURRENT, "ticket %s is called at counter %d, not %s: "
		    "nothing was changed", t.number, c->n, c->current[0] ? c->current : "none");
	}
	if (rc != ST_OK || (rc = ticket_op(c, &t)) != ST_OK)
		return rc;
	if (t.state != TS_CALLED) {
		*c->finished = t;
		*c->has_finished = 1;
	}
	if (c->op != DO_RECALL) {
		snprintf(detail, sizeof detail, "%s: %s at counter %d%s%s", t.number,
		    queue_state_name((enum ticket_state)t.state), c->n, c->arg ? ", " : "",
		    c->arg ? c->arg : "");
		if ((rc = store_audit_add(st, c->v.now, c->v.who->name, "status_change", detail)) != ST_OK)
			return rc;
	}
	verb_event(&c->v, DE_COUNTS);
	return desk_counter_view(st, c->n, c->out);
}

int
desk_counter_op(struct desk *d, const struct desk_actor *who, int counter, enum desk_op op,
    const char *arg, const char *current, int64_t now, struct counter_view *out, struct ticket *finished,
    int *has_finished, struct desk_events *ev, char *err, size_t errlen)
{
	static const char *const outcomes[] = { "complete", "documents_missing", "redirected", "other" };
	struct counter_verb c = { .n = counter, .op = op, .current = current, .arg = arg,
		.out = out, .finished = finished, .has_finished = has_finished };
	size_t k;

	verb_init(&c.v, d, who, now, ev, err, errlen);
	memset(out, 0, sizeof *out);
	*has_finished = 0;
	if (op == DO_DONE && arg) {
		for (k = 0; k < sizeof outcomes / sizeof outcomes[0] && strcmp(arg, outcomes[k]); k++)
			;
		if (k == sizeof outcomes / sizeof outcomes[0])
			return verb_fail(&c.v, DK_BAD, "'outcome' must be complete, documents_missing, "
			    "redirected or other");
	}
	if (op == DO_TRANSFER && (arg == NULL || !*arg))
		return verb_fail(&c.v, DK_BAD, "'service' is required to transfer");
	return verb_write(&c.v, counter_op_tx, &c);
}

/* -- end of the day -------------------------------------------------------------- */

struct close_day {
	struct verb v;
	int after_close;            /* today's hours are over */
	int n;                      /* tickets closed */
};

static int
to_close_tx(struct store *st, void *arg)
{
	struct close_day *cd = arg;

	cd->n = store_tickets_to_close(st, cd->v.day, cd->after_close);
	return cd->n < 0 ? ST_ERR : ST_OK;
}

static int
close_tx(struct store *st, void *arg)
{
	struct close_day *cd = arg;

	/* QA_CLOSE_DAY: waiting or called -> not_served, for every such ticket. */
	cd->n = store_tickets_close(st, cd->v.day, cd->after_close, cd->v.now);
	if (cd->n < 0)
		return ST_ERR;
	if (cd->n > 0)
		verb_event(&cd->v, DE_COUNTS);
	return ST_OK;
}

int
desk_close_day(struct desk *d, int64_t now, struct desk_events *ev, char *err, size_t errlen)
{
	struct close_day cd;
	int minute, wday, rc;

	memset(&cd, 0, sizeof cd);
	verb_init(&cd.v, d, NULL, now, ev, err, errlen);
	if (!d->have_site)
		return 0;
	queue_local_minute(now, &minute, &wday);
	cd.after_close = d->site.hours[wday].open_min < 0 || minute >= d->site.hours[wday].close_min;
	/* Most minutes there is nothing to close: look before opening a write
	 * transaction (and its fsync). */
	if ((rc = verb_read(&cd.v, to_close_tx, &cd)) != ST_OK)
		return rc;
	if (cd.n == 0)
		return 0;
	if ((rc = verb_write(&cd.v, close_tx, &cd)) != ST_OK)
		return rc;
	return cd.n;
}
