/*
 * convocations: a place on a later day for the applicant turned away today
 * (issue #13). When a service's walk-in places of the day are gone and the
 * service keeps `convocations = N` places per open day, issue_walkin asks
 * here first; only when no open day of the next `convocation_days` has a
 * place left does the applicant get the attestation de passage alone.
 *
 * A convocation is two rows, written in the issue's one transaction:
 *   - an appointment row (store_convoc_put) for its day, in its window
 *     (start, duration), with a fresh check-in code and a slot (its place,
 *     0..N-1, filled in order): the one appointment check-in
 *     (desk/appointments.c) finds it by its code, refuses it on another day
 *     (DK_NOT_TODAY) and makes it a ticket called like an appointment;
 *   - an attestation (issue_attest, outcome "convocation") naming it: its
 *     serial and signed token, chaining the earlier attempts. It proves the
 *     visit today, as the attestation de passage does.
 *
 * Windows: the day's opening hours (the site's, or a closure's changed
 * hours) are cut into windows of M minutes; the N places are spread over
 * them in order, ceil(N / windows) per window. Days closed by the weekly
 * hours or a whole-day closure are skipped (queue_next_open_day).
 *
 * Privacy: a bound holder's document number is hashed under the key of the
 * convocation's own day (store_day_key), like an appointment's, so the
 * duplicate check works until that day and retention removes the hash with
 * that day's key. No SQL and no HTTP here; time is a parameter.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/holder.h"
#include "core/log.h"
#include "core/queue.h"
#include "core/str.h"
#include "desk/desk_int.h"

#define CONVOC_CODE_LEN 8

/* queue_next_open_day's callback: a closure's hours for the day, and the
 * hours that apply kept for the caller. */
struct open_day {
	struct verb *v;
	struct site_hours hours;    /* the hours of the last day looked at */
};

static int
open_day_hours(void *arg, const char *day, struct site_hours *h)
{
	struct open_day *o = arg;
	struct closure_row row;
	int found = store_closure_on(o->v->st, day, &row) == ST_OK;

	if (found)
		*h = row.hours;
	o->hours = *h;
	return found;
}

/* Unix time of local midnight + minute on day "YYYY-MM-DD" (process zone). */
static int64_t
day_minute(const char *day, int minute)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 +
	    (day[3] - '0') - 1900;
	tm.tm_mon = (day[5] - '0') * 10 + (day[6] - '0') - 1;
	tm.tm_mday = (day[8] - '0') * 10 + (day[9] - '0');
	tm.tm_hour = minute / 60;
	tm.tm_min = minute % 60;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* The last day of the horizon: today + days. */
static void
horizon_end(int64_t now, int days, char out[11])
{
	struct tm tm;
	time_t t = (time_t)now;

	localtime_r(&t, &tm);
	tm.tm_mday += days;
	tm.tm_hour = 12;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The open days of a service's horizon, in order: from the day after now
 * (today is full) to now + convocation_days, skipping closed days. */
struct horizon {
	struct open_day o;
	char last[11];
	char day[11];           /* the current one, after horizon_next() */
	int64_t from;
};

static void
horizon_start(struct horizon *h, struct verb *v, const struct site_service *sv)
{
	memset(h, 0, sizeof *h);
	h->o.v = v;
	h->from = v->now;
	horizon_end(v->now, sv->convocation_days, h->last);
}

/* 1 with the next open day in h->day (its hours in h->o.hours), 0: no more. */
static int
horizon_next(struct horizon *h)
{
	int open_min;

	if (queue_next_open_day(&h->o.v->d->site, h->from, open_day_hours, &h->o, h->day,
	    &open_min) != 0 || strcmp(h->day, h->last) > 0)
		return 0;
	h->from = day_minute(h->day, 12 * 60);
	return 1;
}

/* The holder's hash under day's key: from the document number, or, for a
 * draw's loser, the one its enrolment wrote for that day. ST_NOTFOUND:
 * none (no key for that day yet, when create is 0). */
static int
holder_hash_on(struct issue *is, const char *day, int create, unsigned char hash[32])
{
	unsigned char key[32];
	int rc;

	if (is->entry)
		return store_draw_entry_day_get(is->v.st, is->entry_draw, is->entry, day, hash);
	if ((rc = store_day_key(is->v.st, day, create, key)) != ST_OK)
		return rc;
	holder_hash(key, is->norm, hash);
	sodium_memzero(key, sizeof key);
	return ST_OK;
}

int
desk_convoc_entry_days(struct verb *v, const struct site_service *sv, int64_t draw,
    const char *entry, const char *norm)
{
	struct horizon h;
	unsigned char key[32], hash[32];
	int rc = ST_OK;

	horizon_start(&h, v, sv);
	while (rc == ST_OK && horizon_next(&h)) {
		if ((rc = store_day_key(v->st, h.day, 1, key)) != ST_OK)
			break;
		holder_hash(key, norm, hash);
		sodium_memzero(key, sizeof key);
		rc = store_draw_entry_day_put(v->st, draw, entry, h.day, hash);
	}
	sodium_memzero(hash, sizeof hash);
	return rc;
}

void
desk_convoc_window(const struct site_service *sv, const struct site_hours *h, int slot,
    int *from, int *to)
{
	int span = h->close_min - h->open_min, windows, per, w;

	windows = span > 0 ? (span + sv->convocation_window - 1) / sv->convocation_window : 1;
	if (windows < 1)
		windows = 1;
	per = (sv->convocations + windows - 1) / windows;
	if (per < 1)
		per = 1;
	w = slot / per;
	*from = h->open_min + w * sv->convocation_window;
	*to = *from + sv->convocation_window;
	if (*to > h->close_min)
		*to = h->close_min;
}

/* The lowest free slot of a day (slots: the booked ones, ascending), or -1. */
static int
free_slot(const int *slots, int n, int places)
{
	int want = 0, i;

	for (i = 0; i < n && want < places; i++) {
		if (slots[i] > want)
			break;
		if (slots[i] == want)
			want++;
	}
	return want < places ? want : -1;
}

/* A fresh check-in code that no appointment of that day holds: letters and
 * digits that appt_code_normalise keeps as they are (no O, no I, no 0, 1). */
static int
new_code(struct verb *v, const char *day, char out[APPT_CODE_MAX + 1])
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	struct appt_row other;
	int tries, i, rc;

	for (tries = 0; tries < 8; tries++) {
		for (i = 0; i < CONVOC_CODE_LEN; i++)
			out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
		out[i] = '\0';
		if ((rc = store_appt_by_code(v->st, out, day, &other)) == ST_NOTFOUND)
			return ST_OK;
		if (rc != ST_OK)
			return rc;
	}
	return verb_fail(v, DK_ERR, "cannot draw a fresh check-in code");
}

/* The holder's open convocation within the horizon: give it back. ST_OK with
 * *found 1 when there is one. */
static int
holder_open(struct issue *is, int *found)
{
	struct verb *v = &is->v;
	struct desk_convocation *c = &is->out->conv;
	struct horizon h;
	unsigned char hash[32];
	int64_t att;
	int rc;

	*found = 0;
	horizon_start(&h, v, is->sv);
	while (horizon_next(&h)) {
		rc = holder_hash_on(is, h.day, 0, hash);
		if (rc == ST_NOTFOUND)
			continue;
		if (rc != ST_OK)
			return rc;
		rc = store_convoc_of_holder(v->st, h.day, is->sv->code, hash, &c->appt);
		if (rc == ST_NOTFOUND)
			continue;
		if (rc != ST_OK)
			return rc;
		if ((att = store_convoc_attestation(v->st, c->appt.id)) < 0)
			return att == ST_NOTFOUND ? verb_fail(v, DK_ERR, "convocation %lld has no "
			    "attestation", (long long)c->appt.id) : (int)att;
		if ((rc = store_attestation_get(v->st, att, NULL, &is->out->att)) != ST_OK)
			return rc;
		desk_convoc_window(is->sv, &h.o.hours, c->appt.slot, &c->from_min, &c->to_min);
		c->duplicate = 1;
		*found = 1;
		is->out->kind = DS_CONVOCATION;
		if ((rc = verb_log(v, "duplicate", NULL, is->sv->code, 0, "convocation")) != ST_OK)
			return rc;
		return desk_check_alerts(v, AC_HOLDER, is->device);
	}
	return ST_OK;
}

int
issue_convoke(struct issue *is)
{
	struct verb *v = &is->v;
	const struct site_service *sv = is->sv;
	struct desk_convocation *c = &is->out->conv;
	struct horizon h;
	const char *day;
	int slots[1024], n, slot = -1, rc, found;
	char detail[96];

	if (sv->convocations <= 0)
		return DK_FULL;
	if (is->bound) {
		if ((rc = holder_open(is, &found)) != ST_OK || found)
			return rc;
	}
	horizon_start(&h, v, sv);
	while (horizon_next(&h)) {
		if ((n = store_convoc_slots(v->st, h.day, sv->code, slots, (int)(sizeof slots /
		    sizeof *slots))) < 0)
			return n;
		if ((slot = free_slot(slots, n, sv->convocations)) >= 0)
			break;
	}
	if (slot < 0)
		return DK_FULL;
	day = h.day;
	memset(c, 0, sizeof *c);
	desk_convoc_window(sv, &h.o.hours, slot, &c->from_min, &c->to_min);
	snprintf(c->appt.day, sizeof c->appt.day, "%s", day);
	c->appt.service = sv->code;
	c->appt.start = day_minute(day, c->from_min);
	c->appt.duration_min = c->to_min - c->from_min;
	c->appt.status = APPT_BOOKED;
	snprintf(c->appt.lang, sizeof c->appt.lang, "%s", is->lang);
	snprintf(c->appt.source, sizeof c->appt.source, "convocation");
	c->appt.stored_at = v->now;
	if ((rc = new_code(v, day, c->appt.code)) != ST_OK)
		return rc;
	snprintf(c->appt.ext_id, sizeof c->appt.ext_id, "convocation-%s-%s", day, c->appt.code);
	if (is->bound) {
		/* A draw's loser enrolled before this day entered the horizon (a
		 * draw closed a day late) has no hash for it: unbound, logged. */
		rc = holder_hash_on(is, day, 1, c->appt.holder_hash);
		if (rc != ST_OK && rc != ST_NOTFOUND)
			return rc;
		c->appt.bound = rc == ST_OK;
		if (rc == ST_NOTFOUND)
			log_warnx("convocation for %s: the draw entry has no holder hash for that "
			    "day: not bound", day);
	}
	if ((rc = store_convoc_put(v->st, &c->appt, slot)) != ST_OK)
		return rc;
	is->appointment = c->appt.id;
	is->outcome = "convocation";
	if ((rc = issue_attest(is)) != ST_OK)
		return rc;
	is->out->kind = DS_CONVOCATION;
	snprintf(detail, sizeof detail, "convocation %lld for %s %02d:%02d", (long long)c->appt.id,
	    day, c->from_min / 60, c->from_min % 60);
	return verb_log(v, "convocation", NULL, sv->code, 0, detail);
}

/* A stored convocation as the answers give it: its window from its start. */
static void
convoc_fill(struct desk_convocation *c, const struct appt_row *a)
{
	int minute, wday;

	memset(c, 0, sizeof *c);
	c->appt = *a;
	queue_local_minute(a->start, &minute, &wday);
	c->from_min = minute;
	c->to_min = minute + a->duration_min;
}

int
desk_convoc_slip(struct verb *v, int64_t att, struct desk_slip *out)
{
	struct appt_row a;
	int rc;

	if ((rc = store_attestation_get(v->st, att, NULL, &out->att)) != ST_OK ||
	    (rc = store_convoc_get(v->st, out->att.appointment, &a)) != ST_OK)
		return rc == ST_NOTFOUND ? verb_fail(v, DK_ERR, "attestation %lld names no "
		    "convocation", (long long)att) : rc;
	convoc_fill(&out->conv, &a);
	out->kind = DS_CONVOCATION;
	return ST_OK;
}

/* -- the console ------------------------------------------------------------------ */

struct cancel {
	struct verb v;
	int64_t id;
	const char *reason;
	struct appt_row *out;
};

static int
cancel_tx(struct store *st, void *arg)
{
	struct cancel *c = arg;
	struct verb *v = &c->v;
	char detail[512];
	int rc;

	(void)st;
	if ((rc = store_convoc_get(v->st, c->id, c->out)) == ST_NOTFOUND)
		return verb_fail(v, DK_NOTFOUND, "no convocation %lld", (long long)c->id);
	if (rc != ST_OK)
		return rc;
	if (c->out->status == APPT_CANCELLED)
		return verb_fail(v, DK_CONFLICT, "convocation %lld was cancelled already",
		    (long long)c->id);
	if (c->out->checked_in_at)
		return verb_fail(v, DK_CONFLICT, "convocation %lld was checked in already "
		    "(ticket %s)", (long long)c->id, c->out->ticket_number);
	if ((rc = store_convoc_cancel(v->st, c->id, c->reason, v->now)) != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "convocation %lld of service %c on %s: before booked "
	    "(place %d); after cancelled, its place back in the pool; reason: %s",
	    (long long)c->id, c->out->service, c->out->day, c->out->slot + 1, c->reason);
	if ((rc = store_audit_add(v->st, v->now, v->who->name, "convocation_cancel", detail)) !=
	    ST_OK)
		return rc;
	c->out->status = APPT_CANCELLED;
	snprintf(c->out->cancel_reason, sizeof c->out->cancel_reason, "%s", c->reason);
	verb_event(v, DE_COUNTS);
	return ST_OK;
}

int
desk_convocation_cancel(struct desk *d, const struct desk_actor *who, int64_t id,
    const char *reason, int64_t now, struct appt_row *out, struct desk_events *ev, char *err,
    size_t errlen)
{
	struct cancel c = { .id = id, .reason = reason, .out = out };

	verb_init(&c.v, d, who, now, ev, err, errlen);
	memset(out, 0, sizeof *out);
	if (who->device)
		return verb_fail(&c.v, DK_FORBIDDEN, "only staff may cancel a convocation");
	if (reason == NULL || strlen(reason) < 3 || strlen(reason) > 300)
		return verb_fail(&c.v, DK_BAD, "a convocation's cancel needs a 'reason' (3 to 300 "
		    "characters)");
	return verb_write(&c.v, cancel_tx, &c);
}

struct list {
	struct verb v;
	const char *day;
	struct desk_convocation *out;
	int max, n;
};

static int
list_tx(struct store *st, void *arg)
{
	struct list *l = arg;
	struct appt_row rows[256];
	int i, n;

	(void)st;
	n = store_convoc_list(l->v.st, l->day, rows, l->max < 256 ? l->max : 256);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		convoc_fill(&l->out[i], &rows[i]);
	l->n = n;
	return ST_OK;
}

int
desk_convocations(struct desk *d, const char *day, int64_t now, struct desk_convocation *out,
    int max, char *err, size_t errlen)
{
	struct list l = { .day = day, .out = out, .max = max };
	int rc;

	verb_init(&l.v, d, NULL, now, NULL, err, errlen);
	if (day == NULL || !queue_valid_day(day))
		return verb_fail(&l.v, DK_BAD, "'day' must be a day YYYY-MM-DD");
	if ((rc = verb_read(&l.v, list_tx, &l)) != ST_OK)
		return rc;
	return l.n;
}

struct figs {
	struct verb v;
	const char *day;
	struct convoc_fig *out;
	int max, n;
};

static int
figs_tx(struct store *st, void *arg)
{
	struct figs *f = arg;

	const struct site *site = &f->v.d->site;
	int i, rc;

	(void)st;
	for (i = 0; i < site->nservices && f->n < f->max; i++) {
		if ((rc = store_convoc_figures(f->v.st, f->day, f->v.day, site->services[i].code,
		    &f->out[f->n])) != ST_OK)
			return rc;
		f->n++;
	}
	return ST_OK;
}

int
desk_convoc_figures(struct desk *d, const char *day, int64_t now, struct convoc_fig *out,
    int max, char *err, size_t errlen)
{
	struct figs f = { .day = day, .out = out, .max = max };
	int rc;

	verb_init(&f.v, d, NULL, now, NULL, err, errlen);
	if ((rc = verb_read(&f.v, figs_tx, &f)) != ST_OK)
		return rc;
	return f.n;
}
