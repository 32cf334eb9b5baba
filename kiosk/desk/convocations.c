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
holder_open(struct issue *is, const char *last, int *found)
{
	struct verb *v = &is->v;
	struct desk_convocation *c = &is->out->conv;
	struct open_day o = { .v = v };
	char day[11];
	unsigned char key[32], hash[32];
	int64_t from = v->now, att;
	int open_min, rc;

	*found = 0;
	while (queue_next_open_day(&v->d->site, from, open_day_hours, &o, day, &open_min) == 0 &&
	    strcmp(day, last) <= 0) {
		from = day_minute(day, 12 * 60);
		rc = store_day_key(v->st, day, 0, key);
		if (rc == ST_NOTFOUND)
			continue;
		if (rc != ST_OK)
			return rc;
		holder_hash(key, is->norm, hash);
		sodium_memzero(key, sizeof key);
		rc = store_convoc_of_holder(v->st, day, is->sv->code, hash, &c->appt);
		if (rc == ST_NOTFOUND)
			continue;
		if (rc != ST_OK)
			return rc;
		if ((att = store_convoc_attestation(v->st, c->appt.id)) < 0)
			return att == ST_NOTFOUND ? verb_fail(v, DK_ERR, "convocation %lld has no "
			    "attestation", (long long)c->appt.id) : (int)att;
		if ((rc = store_attestation_get(v->st, att, NULL, &is->out->att)) != ST_OK)
			return rc;
		desk_convoc_window(is->sv, &o.hours, c->appt.slot, &c->from_min, &c->to_min);
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
	struct open_day o = { .v = v };
	char last[11], day[11];
	int slots[1024], n, slot = -1, open_min, rc, found;
	int64_t from = v->now;
	unsigned char key[32];
	char detail[96];

	if (sv->convocations <= 0)
		return DK_FULL;
	horizon_end(v->now, sv->convocation_days, last);
	if (is->bound) {
		if ((rc = holder_open(is, last, &found)) != ST_OK || found)
			return rc;
	}
	while (queue_next_open_day(&v->d->site, from, open_day_hours, &o, day, &open_min) == 0 &&
	    strcmp(day, last) <= 0) {
		from = day_minute(day, 12 * 60);
		if ((n = store_convoc_slots(v->st, day, sv->code, slots, (int)(sizeof slots /
		    sizeof *slots))) < 0)
			return n;
		if ((slot = free_slot(slots, n, sv->convocations)) >= 0)
			break;
	}
	if (slot < 0)
		return DK_FULL;
	memset(c, 0, sizeof *c);
	desk_convoc_window(sv, &o.hours, slot, &c->from_min, &c->to_min);
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
		if ((rc = store_day_key(v->st, day, 1, key)) != ST_OK)
			return rc;
		holder_hash(key, is->norm, c->appt.holder_hash);
		sodium_memzero(key, sizeof key);
		c->appt.bound = 1;
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
	for (i = 0; i < n; i++) {
		struct desk_convocation *c = &l->out[i];
		int minute, wday;

		memset(c, 0, sizeof *c);
		c->appt = rows[i];
		queue_local_minute(rows[i].start, &minute, &wday);
		c->from_min = minute;
		c->to_min = minute + rows[i].duration_min;
	}
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
