/*
 * manage: the manager's changes (issue #16): today's open flag and capacity
 * of a service. Each change is one transaction, audited with who, before,
 * after and why, and returns the counts event so boards and kiosks refresh.
 * Pure desk: the store's interface only, no SQL, no HTTP.
 */
#include <stdio.h>
#include <string.h>

#include "desk/desk_int.h"

int
desk_today_of(struct verb *v, const struct site_service *sv, int *open, int *capacity)
{
	int rc = store_service_today_get(v->st, v->day, sv->code, open, capacity);

	if (rc == ST_NOTFOUND) {
		*open = 1;
		*capacity = sv->capacity;
		return ST_OK;
	}
	return rc;
}

struct today {
	struct verb v;
	const struct site_service *sv;
	int open, capacity;
	const char *reason;
};

static int
today_tx(struct store *st, void *arg)
{
	struct today *t = arg;
	struct verb *v = &t->v;
	char detail[400];
	int open0, cap0, rc;

	(void)st;
	if ((rc = desk_today_of(v, t->sv, &open0, &cap0)) != ST_OK)
		return rc;
	if ((rc = store_service_today_set(v->st, v->day, t->sv->code, t->open, t->capacity,
	    t->reason)) != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "service %c on %s: before open=%d capacity=%d; after "
	    "open=%d capacity=%d; reason: %s", t->sv->code, v->day, open0, cap0, t->open,
	    t->capacity, t->reason);
	if ((rc = store_audit_add(v->st, v->now, v->who->name, "service_today", detail)) != ST_OK)
		return rc;
	verb_event(v, DE_COUNTS);
	return ST_OK;
}

int
desk_service_today(struct desk *d, const struct desk_actor *who, char code, int open,
    int capacity, const char *reason, int64_t now, struct desk_events *ev, char *err,
    size_t errlen)
{
	struct today t = { .open = open ? 1 : 0, .capacity = capacity, .reason = reason };

	verb_init(&t.v, d, who, now, ev, err, errlen);
	if (reason == NULL || reason[0] == '\0')
		return verb_fail(&t.v, DK_BAD, "a reason is required");
	if (capacity < 0 || capacity > 100000)
		return verb_fail(&t.v, DK_BAD, "capacity must be 0 to 100000");
	if ((t.sv = site_service(&d->site, code)) == NULL)
		return verb_fail(&t.v, DK_NOTFOUND, "no service '%c'", code);
	return verb_write(&t.v, today_tx, &t);
}
