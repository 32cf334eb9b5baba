/*
 * manage: the manager's changes (issue #16): today's open flag and capacity
 * of a service. Each change is one transaction, audited with who, before,
 * after and why, and returns the counts event so boards and kiosks refresh.
 * Pure desk: the store's interface only, no SQL, no HTTP.
 */
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "desk/desk_int.h"

int
desk_today_of(struct verb *v, const struct site_service *sv, struct service_day *out)
{
	int rc = store_service_today_get(v->st, v->day, sv->code, out);

	if (rc == ST_NOTFOUND) {
		out->open = 1;
		out->capacity = sv->capacity;
		out->reserve = sv->priority_reserve;
		return ST_OK;
	}
	return rc;
}

struct today {
	struct verb v;
	const struct site_service *sv;
	struct service_day sd;
	const char *reason;
};

static int
today_tx(struct store *st, void *arg)
{
	struct today *t = arg;
	struct verb *v = &t->v;
	char detail[450];
	struct service_day was;
	int rc;

	(void)st;
	if ((rc = desk_today_of(v, t->sv, &was)) != ST_OK)
		return rc;
	if ((rc = store_service_today_set(v->st, v->day, t->sv->code, &t->sd, t->reason)) != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "service %c on %s: before open=%d capacity=%d "
	    "priority_reserve=%d; after open=%d capacity=%d priority_reserve=%d; reason: %s",
	    t->sv->code, v->day, was.open, was.capacity, was.reserve, t->sd.open, t->sd.capacity,
	    t->sd.reserve, t->reason);
	if ((rc = store_audit_add(v->st, v->now, v->who->name, "service_today", detail)) != ST_OK)
		return rc;
	verb_event(v, DE_COUNTS);
	return ST_OK;
}

int
desk_service_today(struct desk *d, const struct desk_actor *who, char code,
    const struct service_day *sd, const char *reason, int64_t now, struct desk_events *ev,
    char *err, size_t errlen)
{
	struct today t = { .sd = *sd, .reason = reason };

	t.sd.open = sd->open ? 1 : 0;
	verb_init(&t.v, d, who, now, ev, err, errlen);
	if (reason == NULL || reason[0] == '\0')
		return verb_fail(&t.v, DK_BAD, "a reason is required");
	if (sd->capacity < 0 || sd->capacity > 100000)
		return verb_fail(&t.v, DK_BAD, "capacity must be 0 to 100000");
	if (sd->reserve < 0 || sd->reserve > sd->capacity)
		return verb_fail(&t.v, DK_BAD, "the priority reserve must be 0 to the capacity (%d)",
		    sd->capacity);
	if ((t.sv = site_service(&d->site, code)) == NULL)
		return verb_fail(&t.v, DK_NOTFOUND, "no service '%c'", code);
	return verb_write(&t.v, today_tx, &t);
}

/* -- counters ------------------------------------------------------------------ */

struct counter_set {
	struct verb v;
	int n;
	const char *services, *name;
	struct counter_row *out;
};

static int
counter_set_tx(struct store *st, void *arg)
{
	struct counter_set *c = arg;
	struct counter_row was;
	char detail[300];
	int rc;

	if ((rc = store_counter_get(st, c->n, &was)) == ST_NOTFOUND)
		return verb_fail(&c->v, DK_NOTFOUND, "no counter %d", c->n);
	if (rc != ST_OK)
		return rc;
	if ((rc = store_counter_config(st, c->n, c->name ? c->name : was.name, c->services)) != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "counter %d: before name=%s services=%s; after name=%s "
	    "services=%s", c->n, was.name, was.services, c->name ? c->name : was.name, c->services);
	if ((rc = store_audit_add(st, c->v.now, c->v.who->name, "counter_config", detail)) != ST_OK)
		return rc;
	verb_event(&c->v, DE_COUNTS);
	return store_counter_get(st, c->n, c->out);
}

/* A name a site file can hold (io/site_file.c site_write): UTF-8, no
 * control character, no ';' (inih's comments), no space at either end. */
static int
name_ok(const char *s, size_t size)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= size || s[0] == ' ' || s[n - 1] == ' ' || !str_utf8_valid(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == ';')
			return 0;
	return 1;
}

int
desk_counter_set(struct desk *d, const struct desk_actor *who, int n, const char *services,
    const char *name, int64_t now, struct counter_row *out, struct desk_events *ev, char *err,
    size_t errlen)
{
	struct counter_set c = { .n = n, .services = services, .name = name, .out = out };
	size_t i, len = services ? strlen(services) : 0;

	verb_init(&c.v, d, who, now, ev, err, errlen);
	memset(out, 0, sizeof *out);
	if (len == 0 || len > SITE_MAX_SERVICES)
		return verb_fail(&c.v, DK_BAD, "a counter serves 1 to %d services", SITE_MAX_SERVICES);
	for (i = 0; i < len; i++) {
		if (!site_service(&d->site, services[i]))
			return verb_fail(&c.v, DK_BAD, "no service '%c'", services[i]);
		if (memchr(services, services[i], i))
			return verb_fail(&c.v, DK_BAD, "service '%c' is given twice", services[i]);
	}
	if (name && !name_ok(name, sizeof out->name))
		return verb_fail(&c.v, DK_BAD, "a counter's name is 1 to %d bytes of UTF-8 text, "
		    "without ';' or spaces at its ends (a site file must hold it)",
		    (int)sizeof out->name - 1);
	return verb_write(&c.v, counter_set_tx, &c);
}

/* -- closures ------------------------------------------------------------------ */

/* "closed" or "open 09:00-12:00", for the audit log. */
static const char *
hours_text(const struct site_hours *h, char out[40])
{
	if (h->open_min < 0)
		return snprintf(out, 40, "closed"), out;
	snprintf(out, 40, "open %02d:%02d-%02d:%02d", h->open_min / 60 % 100, h->open_min % 60,
	    h->close_min / 60 % 100, h->close_min % 60);
	return out;
}

struct closure_op {
	struct verb v;
	struct closure_row *row;    /* add: in (id set); del: OUT, the closure removed */
	int64_t id;                 /* del */
	struct closure_row *list;   /* list: OUT */
	int max, n;
	struct site_hours today;    /* state: today's hours */
	char next[11];              /* state: next opening day ("" if none) */
	int next_min;               /* state: its opening minute */
};

static int
closure_add_tx(struct store *st, void *arg)
{
	struct closure_op *c = arg;
	char detail[540], what[40];
	int rc;

	if ((rc = store_closure_add(st, c->row)) != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "closure %lld: before none; after %s to %s %s; reason: %s",
	    (long long)c->row->id, c->row->from, c->row->to, hours_text(&c->row->hours, what),
	    c->row->reason);
	if ((rc = store_audit_add(st, c->v.now, c->v.who->name, "closure_add", detail)) != ST_OK)
		return rc;
	verb_event(&c->v, DE_COUNTS);
	return ST_OK;
}

int
desk_closure_add(struct desk *d, const struct desk_actor *who, const char *from, const char *to,
    const struct site_hours *hours, const char *reason, int64_t now, struct closure_row *out,
    struct desk_events *ev, char *err, size_t errlen)
{
	struct closure_op c = { .row = out };

	verb_init(&c.v, d, who, now, ev, err, errlen);
	memset(out, 0, sizeof *out);
	if (!from || !to || !queue_valid_day(from) || !queue_valid_day(to))
		return verb_fail(&c.v, DK_BAD, "'from' and 'to' must be days YYYY-MM-DD");
	if (strcmp(from, to) > 0)
		return verb_fail(&c.v, DK_BAD, "'from' is after 'to'");
	if (!reason || !*reason || strlen(reason) >= sizeof out->reason)
		return verb_fail(&c.v, DK_BAD, "a reason (at most 300 bytes) is required");
	if (hours && hours->open_min >= 0 && (hours->close_min <= hours->open_min ||
	    hours->close_min > 24 * 60))
		return verb_fail(&c.v, DK_BAD, "the changed hours must open before they close");
	out->hours.open_min = out->hours.close_min = -1;
	if (hours && hours->open_min >= 0)
		out->hours = *hours;
	snprintf(out->from, sizeof out->from, "%s", from);
	snprintf(out->to, sizeof out->to, "%s", to);
	snprintf(out->reason, sizeof out->reason, "%s", reason);
	snprintf(out->by, sizeof out->by, "%s", who->name);
	out->at = now;
	return verb_write(&c.v, closure_add_tx, &c);
}

static int
closure_del_tx(struct store *st, void *arg)
{
	struct closure_op *c = arg;
	char detail[500];
	int rc;

	if ((rc = store_closure_get(st, c->id, c->row)) == ST_NOTFOUND)
		return verb_fail(&c->v, DK_NOTFOUND, "no closure %lld", (long long)c->id);
	if (rc != ST_OK || (rc = store_closure_del(st, c->id)) != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "closure %lld: before %s to %s (%s); after none",
	    (long long)c->id, c->row->from, c->row->to, c->row->reason);
	if ((rc = store_audit_add(st, c->v.now, c->v.who->name, "closure_delete", detail)) != ST_OK)
		return rc;
	verb_event(&c->v, DE_COUNTS);
	return ST_OK;
}

int
desk_closure_delete(struct desk *d, const struct desk_actor *who, int64_t id, int64_t now,
    struct closure_row *out, struct desk_events *ev, char *err, size_t errlen)
{
	struct closure_op c = { .row = out, .id = id };

	verb_init(&c.v, d, who, now, ev, err, errlen);
	memset(out, 0, sizeof *out);
	return verb_write(&c.v, closure_del_tx, &c);
}

static int
closure_list_tx(struct store *st, void *arg)
{
	struct closure_op *c = arg;

	c->n = store_closure_list(st, c->list, c->max);
	return c->n < 0 ? ST_ERR : ST_OK;
}

int
desk_closures(struct desk *d, int64_t now, struct closure_row *out, int max, char *err,
    size_t errlen)
{
	struct closure_op c = { .list = out, .max = max };
	int rc;

	verb_init(&c.v, d, NULL, now, NULL, err, errlen);
	rc = verb_read(&c.v, closure_list_tx, &c);
	return rc == ST_OK ? c.n : rc;
}

int
desk_hours_today(struct verb *v, struct site_hours *hours, struct closure_row *closure)
{
	int minute, wday, rc = store_closure_on(v->st, v->day, closure);

	if (rc == ST_OK) {
		*hours = closure->hours;
		return ST_OK;
	}
	memset(closure, 0, sizeof *closure);
	queue_local_minute(v->now, &minute, &wday);
	*hours = v->d->site.hours[wday];
	return rc == ST_NOTFOUND ? ST_OK : rc;
}

/* queue_next_open_day's callback: a closure's hours for that day. */
static int
day_exception(void *arg, const char *day, struct site_hours *h)
{
	struct closure_op *c = arg;
	struct closure_row row;

	if (store_closure_on(c->v.st, day, &row) != ST_OK)
		return 0;
	*h = row.hours;
	return 1;
}

static int
site_state_tx(struct store *st, void *arg)
{
	struct closure_op *c = arg;
	int rc, minute, wday;

	(void)st;
	if ((rc = desk_hours_today(&c->v, &c->today, c->row)) != ST_OK)
		return rc;
	queue_local_minute(c->v.now, &minute, &wday);
	if (c->today.open_min >= 0 && minute < c->today.open_min) {    /* later today */
		snprintf(c->next, sizeof c->next, "%s", c->v.day);
		c->next_min = c->today.open_min;
	} else if (queue_next_open_day(&c->v.d->site, c->v.now, day_exception, c, c->next,
	    &c->next_min) != 0)
		c->next[0] = '\0';
	return ST_OK;
}

int
desk_site_state(struct desk *d, int64_t now, struct desk_site_state *out, char *err,
    size_t errlen)
{
	struct closure_op c;
	int rc;

	memset(&c, 0, sizeof c);
	memset(out, 0, sizeof *out);
	c.row = &out->closure;
	verb_init(&c.v, d, NULL, now, NULL, err, errlen);
	if ((rc = verb_read(&c.v, site_state_tx, &c)) != ST_OK)
		return rc;
	out->closed = out->closure.id != 0 && out->closure.hours.open_min < 0;
	out->today = c.today;
	out->open_now = queue_hours_open(&c.today, now);
	snprintf(out->next_day, sizeof out->next_day, "%s", c.next);
	out->next_open_min = c.next[0] ? c.next_min : -1;
	return ST_OK;
}

/* -- devices ------------------------------------------------------------------- */

struct dev_op {
	struct verb v;
	const char *name;
	struct device_row *list;
	int max, n;
};

static int
dev_list_tx(struct store *st, void *arg)
{
	struct dev_op *o = arg;

	o->n = store_device_list(st, o->list, o->max);
	return o->n < 0 ? ST_ERR : ST_OK;
}

int
desk_devices(struct desk *d, int64_t now, struct device_row *out, int max, char *err,
    size_t errlen)
{
	struct dev_op o = { .list = out, .max = max };
	int rc;

	verb_init(&o.v, d, NULL, now, NULL, err, errlen);
	rc = verb_read(&o.v, dev_list_tx, &o);
	return rc == ST_OK ? o.n : rc;
}

static int
dev_revoke_tx(struct store *st, void *arg)
{
	struct dev_op *o = arg;
	char detail[160];
	int rc = store_device_revoke(st, o->name);

	if (rc == ST_NOTFOUND)
		return verb_fail(&o->v, DK_NOTFOUND, "no active device '%s'", o->name);
	if (rc != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "device %s: before active; after revoked (its keys deleted)",
	    o->name);
	return store_audit_add(st, o->v.now, o->v.who->name, "device_revoke", detail);
}

int
desk_device_revoke(struct desk *d, const struct desk_actor *who, const char *name, int64_t now,
    char *err, size_t errlen)
{
	struct dev_op o = { .name = name };

	verb_init(&o.v, d, who, now, NULL, err, errlen);
	return verb_write(&o.v, dev_revoke_tx, &o);
}

static int
dev_roll_tx(struct store *st, void *arg)
{
	struct dev_op *o = arg;
	struct device_row was;
	char detail[200];
	int rc = store_device_new_roll(st, o->name, o->v.now, &was);

	if (rc == ST_NOTFOUND)
		return verb_fail(&o->v, DK_NOTFOUND, "no device '%s'", o->name);
	if (rc != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "device %s: before %d slips, %lld mm of paper; after a new "
	    "roll (0)", o->name, was.paper_slips, (long long)was.paper_mm);
	return store_audit_add(st, o->v.now, o->v.who->name, "paper_roll", detail);
}

int
desk_device_new_roll(struct desk *d, const struct desk_actor *who, const char *name,
    int64_t now, char *err, size_t errlen)
{
	struct dev_op o = { .name = name };

	verb_init(&o.v, d, who, now, NULL, err, errlen);
	return verb_write(&o.v, dev_roll_tx, &o);
}
