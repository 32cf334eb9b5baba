/*
 * appointments: the online channel's arrival point (issue #12). Appointments
 * booked through RDV Service Public, a prefecture's booking module or an
 * export arrive as struct appt_in (core/appt.h, filled by io/appt_in.c or the
 * tests) and are stored here (desk_appt_put); the kiosk checks one in with
 * the code on the confirmation (desk_checkin), or an agent checks one in by
 * hand with a reason (desk_checkin_staff, the same paths), and it becomes a
 * ticket of its service through issue.c's own paths: numbered in the service's sequence,
 * signed and printed like every slip, but counted against the appointments'
 * capacity, not the walk-ins'.
 *
 * Verbs like the others: checked here, one transaction each, audited (the
 * puts) or logged (the check-ins, as every issue is), no SQL, no HTTP, time
 * a parameter. Privacy: no name, phone or e-mail ever reaches this file; the
 * holder's document number is hashed under the key of the appointment's own
 * day (store_day_key) the moment it is checked, and wiped; audit entries
 * name neither the code nor the number.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/appt.h"
#include "core/buf.h"
#include "core/holder.h"
#include "core/queue.h"
#include "core/sign.h"
#include "core/str.h"
#include "desk/desk_int.h"

/* -- states ----------------------------------------------------------------------- */

static const char *const state_names[] = {
	[AS_NOT_YET] = "not_yet", [AS_ARRIVED] = "arrived", [AS_LATE] = "late",
	[AS_NO_SHOW] = "no_show", [AS_CANCELLED] = "cancelled",
};

int
desk_appt_state(const struct appt_row *a, int64_t now)
{
	if (a->status == APPT_CANCELLED)
		return AS_CANCELLED;
	if (a->checked_in_at)
		return AS_ARRIVED;
	if (now < a->start)
		return AS_NOT_YET;
	return now - a->start < DESK_NO_SHOW_AFTER_S ? AS_LATE : AS_NO_SHOW;
}

const char *
desk_appt_state_name(int state)
{
	return state >= 0 && state <= AS_CANCELLED ? state_names[state] : "?";
}

/* -- storing (desk_appt_put) --------------------------------------------------------- */

struct put {
	struct verb v;
	const char *source;
	const struct appt_in *in;
	int n;
	enum desk_appt_outcome *outcomes;   /* n, or NULL */
	struct appt_row *rows;              /* n, or NULL */
	struct desk_appt_counts *counts;    /* never NULL inside */
	char norm[HOLDER_MAX + 1];          /* the document number being hashed (wiped) */
	int refusal;                        /* why the batch was undone (DK_BAD...), or 0 */
};

/* 1 when s is 1 to max-1 bytes of printable, one-line, valid UTF-8. */
static int
printable(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= max || !str_utf8_valid(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int
lang_ok(const char *l)
{
	size_t i, n = strlen(l);

	if (n == 0)
		return 1;
	if (n < 2 || n > 11)
		return 0;
	for (i = 0; i < n; i++)
		if (!((l[i] >= 'a' && l[i] <= 'z') || (l[i] >= 'A' && l[i] <= 'Z') || l[i] == '-'))
			return 0;
	return 1;
}

/* Check `in` into r (all but its hash; p->norm holds the document number
 * when there is one). DK_OK or DK_BAD naming the appointment. */
static int
appt_check(struct put *p, const struct appt_in *in, struct appt_row *r)
{
	struct verb *v = &p->v;
	const struct site_service *sv;
	char why[120];

	memset(r, 0, sizeof *r);
	p->norm[0] = '\0';
	if (!printable(in->id, sizeof r->ext_id))
		return verb_fail(v, DK_BAD, "an appointment's id must be 1 to %zu bytes of text",
		    sizeof r->ext_id - 1);
	str_copy(r->ext_id, sizeof r->ext_id, in->id);
	if ((sv = site_service(&v->d->site, in->service)) == NULL)
		return verb_fail(v, DK_BAD, "appointment '%s': no service '%c' on this site", in->id,
		    in->service > ' ' && in->service <= '~' ? in->service : '?');
	if (sv->appointments <= 0)
		return verb_fail(v, DK_BAD, "appointment '%s': service %c takes no appointments (set "
		    "'appointments = N' in its [service %c] section)", in->id, sv->code, sv->code);
	r->service = sv->code;
	if (in->start <= 0)
		return verb_fail(v, DK_BAD, "appointment '%s': no start time", in->id);
	r->start = in->start;
	queue_local_day(in->start, r->day);
	if (in->duration_min < 1 || in->duration_min > 720)
		return verb_fail(v, DK_BAD, "appointment '%s': duration_min must be 1 to 720 minutes",
		    in->id);
	r->duration_min = in->duration_min;
	if (appt_code_normalise(in->code, r->code, why, sizeof why) != 0)
		return verb_fail(v, DK_BAD, "appointment '%s': code: %s", in->id, why);
	if (!lang_ok(in->lang))
		return verb_fail(v, DK_BAD, "appointment '%s': lang must be a language code such as "
		    "\"ar\"", in->id);
	str_copy(r->lang, sizeof r->lang, in->lang);
	if (in->status != APPT_BOOKED && in->status != APPT_CANCELLED)
		return verb_fail(v, DK_BAD, "appointment '%s': status must be booked or cancelled",
		    in->id);
	r->status = in->status;
	if (in->updated_at < 0)
		return verb_fail(v, DK_BAD, "appointment '%s': bad updated_at", in->id);
	r->updated_at = in->updated_at;
	if (in->holder[0]) {
		if (holder_normalise(in->holder, p->norm, sizeof p->norm, why, sizeof why) != 0)
			return verb_fail(v, DK_BAD, "appointment '%s': holder: %s", in->id, why);
		r->bound = 1;
	}
	str_copy(r->source, sizeof r->source, p->source);
	r->stored_at = v->now;
	return DK_OK;
}

/* What an audit entry says of an appointment: never its code nor holder. */
static void
describe(struct buf *b, const struct appt_row *a)
{
	char start[32];

	queue_rfc3339(a->start, start);
	buf_printf(b, "%c %s %d min %s%s%s%s", a->service, start, a->duration_min,
	    a->status == APPT_CANCELLED ? "cancelled" : "booked", a->bound ? " bound" : "",
	    a->lang[0] ? " lang " : "", a->lang);
}

static int
same(const struct appt_row *a, const struct appt_row *b)
{
	return a->service == b->service && a->start == b->start &&
	    a->duration_min == b->duration_min && !strcmp(a->code, b->code) &&
	    a->bound == b->bound && (!a->bound || holder_equal(a->holder_hash, b->holder_hash)) &&
	    !strcmp(a->lang, b->lang) && a->status == b->status && a->updated_at == b->updated_at;
}

static int
put_one(struct put *p, int i)
{
	struct verb *v = &p->v;
	const struct appt_in *in = &p->in[i];
	struct appt_row r, old, other;
	enum desk_appt_outcome what;
	unsigned char key[32];
	struct buf b = BUF_INIT;
	int rc, have, booked;

	if ((rc = appt_check(p, in, &r)) != DK_OK)
		return rc;
	if (r.bound) {
		/* The hash of the appointment's own day: the key exists from now
		 * on (even for a day to come) and goes with that day's data. */
		rc = store_day_key(v->st, r.day, 1, key);
		if (rc == ST_OK)
			holder_hash(key, p->norm, r.holder_hash);
		sodium_memzero(key, sizeof key);
		sodium_memzero(p->norm, sizeof p->norm);
		if (rc != ST_OK)
			return rc;
	}
	if ((rc = store_appt_get(v->st, r.ext_id, &old)) != ST_OK && rc != ST_NOTFOUND)
		return rc;
	have = rc == ST_OK;
	if (have) {
		if (r.updated_at && old.updated_at && r.updated_at < old.updated_at) {
			what = DA_OLDER;
			r = old;
			goto done;
		}
		if (r.updated_at == 0)
			r.updated_at = old.updated_at;
		r.id = old.id;
		r.ticket = old.ticket;
		r.checked_in_at = old.checked_in_at;
		str_copy(r.ticket_number, sizeof r.ticket_number, old.ticket_number);
		if (same(&r, &old)) {
			what = DA_UNCHANGED;
			r = old;
			goto done;
		}
		if (old.checked_in_at)
			return verb_fail(v, DK_CONFLICT, "appointment '%s' was checked in already "
			    "(ticket %s): it can no longer change", r.ext_id,
			    old.ticket_number[0] ? old.ticket_number : "?");
	}
	if ((rc = store_appt_by_code(v->st, r.code, r.day, &other)) == ST_OK &&
	    (!have || other.id != old.id))
		return verb_fail(v, DK_CONFLICT, "appointment '%s': its check-in code is already "
		    "appointment '%s''s on %s", r.ext_id, other.ext_id, r.day);
	if (rc != ST_OK && rc != ST_NOTFOUND)
		return rc;
	if (r.status == APPT_BOOKED && (!have || old.status != APPT_BOOKED ||
	    strcmp(old.day, r.day) != 0 || old.service != r.service)) {
		const struct site_service *sv = site_service(&v->d->site, r.service);
		if ((booked = store_appt_booked(v->st, r.day, r.service, have ? old.id : 0)) < 0)
			return ST_ERR;
		if (booked >= sv->appointments)
			return verb_fail(v, DK_FULL, "appointment '%s': service %c already has its %d "
			    "appointments on %s", r.ext_id, r.service, sv->appointments, r.day);
	}
	if ((rc = store_appt_put(v->st, &r)) != ST_OK)
		return rc;
	what = !have ? (r.status == APPT_CANCELLED ? DA_CANCELLED : DA_CREATED) :
	    r.status == APPT_CANCELLED && old.status != APPT_CANCELLED ? DA_CANCELLED : DA_UPDATED;
	buf_printf(&b, "appointment %s: before ", r.ext_id);
	if (have)
		describe(&b, &old);
	else
		buf_puts(&b, "none");
	buf_puts(&b, "; after ");
	describe(&b, &r);
	if (have && strcmp(old.code, r.code) != 0)
		buf_puts(&b, " new check-in code");
	buf_printf(&b, " (from %s)", p->source);
	rc = b.failed ? verb_fail(v, DK_ERR, "out of memory") :
	    store_audit_add(v->st, v->now, v->who->name, what == DA_CANCELLED ?
	    "appointment_cancel" : "appointment_put", buf_str(&b));
	buf_free(&b);
	if (rc != ST_OK)
		return rc;
done:
	if (p->outcomes)
		p->outcomes[i] = what;
	if (p->rows)
		p->rows[i] = r;
	switch (what) {
	case DA_CREATED: p->counts->created++; break;
	case DA_UPDATED: p->counts->updated++; break;
	case DA_CANCELLED: p->counts->cancelled++; break;
	case DA_UNCHANGED: p->counts->unchanged++; break;
	case DA_OLDER: p->counts->older++; break;
	}
	return DK_OK;
}

static int
put_tx(struct store *st, void *arg)
{
	struct put *p = arg;
	int i, rc;

	(void)st;
	memset(p->counts, 0, sizeof *p->counts);
	for (i = 0; i < p->n; i++) {
		if ((rc = put_one(p, i)) != DK_OK) {
			/* A refusal undoes the whole batch, its earlier puts too:
			 * ST_ERR undoes this write, the refusal is kept aside. */
			if (rc != ST_ERR)
				p->refusal = rc;
			return ST_ERR;
		}
	}
	return DK_OK;
}

int
desk_appt_put(struct desk *d, const struct desk_actor *who, const char *source,
    const struct appt_in *in, int n, int64_t now, enum desk_appt_outcome *outcomes,
    struct appt_row *rows, struct desk_appt_counts *counts, char *err, size_t errlen)
{
	struct desk_appt_counts mine;
	struct put p = { .source = source, .in = in, .n = n, .outcomes = outcomes, .rows = rows,
	    .counts = counts ? counts : &mine };
	int rc;

	verb_init(&p.v, d, who, now, NULL, err, errlen);
	memset(p.counts, 0, sizeof *p.counts);
	if (!d->have_site)
		return verb_fail(&p.v, DK_NOTFOUND, "the database has no site yet");
	if (n < 0 || source == NULL || !*source)
		return verb_fail(&p.v, DK_BAD, "no source");
	rc = verb_write(&p.v, put_tx, &p);
	sodium_memzero(p.norm, sizeof p.norm);
	if (rc != DK_OK)
		memset(p.counts, 0, sizeof *p.counts);
	return rc == ST_ERR && p.refusal ? p.refusal : rc;
}

/* -- the day's list -------------------------------------------------------------------- */

struct list {
	struct verb v;
	const char *day;
	struct appt_view *out;
	int n;
};

static int
list_tx(struct store *st, void *arg)
{
	struct list *l = arg;
	struct appt_row *rows;
	int n, i;

	if ((n = store_appt_count(st, l->day)) <= 0)
		return n < 0 ? ST_ERR : ST_OK;
	if ((rows = calloc((size_t)n, sizeof *rows)) == NULL ||
	    (l->out = calloc((size_t)n, sizeof *l->out)) == NULL) {
		free(rows);
		return verb_fail(&l->v, DK_ERR, "out of memory");
	}
	if ((n = store_appt_list(st, l->day, rows, n)) < 0) {
		free(rows);
		return ST_ERR;
	}
	for (i = 0; i < n; i++) {
		l->out[i].a = rows[i];
		l->out[i].state = desk_appt_state(&rows[i], l->v.now);
	}
	l->n = n;
	free(rows);
	return ST_OK;
}

int
desk_appointments(struct desk *d, const char *day, int64_t now, struct appt_view **out,
    char *err, size_t errlen)
{
	struct list l = { .day = day };
	int rc;

	*out = NULL;
	verb_init(&l.v, d, NULL, now, NULL, err, errlen);
	if (!queue_valid_day(day))
		return verb_fail(&l.v, DK_BAD, "'day' must be a day YYYY-MM-DD");
	rc = verb_read(&l.v, list_tx, &l);
	if (rc != ST_OK) {
		free(l.out);
		return rc;
	}
	*out = l.out;
	return l.n;
}

/* -- checking in ------------------------------------------------------------------------ */

struct checkin {
	struct issue is;                /* the slip's issue; its verb first */
	const struct desk_checkin *in;
	struct desk_checkin_out *out;
	char code[APPT_CODE_MAX + 1];   /* normalised, "" when it cannot be a code */
	int64_t att;                    /* by token: the convocation's attestation serial */
	struct desk_issue walkin;       /* too late, late = walkin: the walk-in's request */
	const char *id;                 /* by hand (desk_checkin_staff): the appointment's
	                                 * external id; NULL: a kiosk's check-in by code */
	const char *reason;             /* by hand: why, for the audit */
};

/* A refused code: logged for the guess alert (the kiosk, never the code). */
static int
refused(struct checkin *c, char service, const char *what)
{
	int rc;

	if ((rc = verb_log(&c->is.v, "checkin_refused", NULL, service, 0, what)) != ST_OK)
		return rc;
	return desk_check_alerts(&c->is.v, AC_GUESS, c->is.device);
}

/* A bound appointment: the document number typed must be its holder's.
 * DK_OK with c->is.norm set, or a refusal. */
static int
check_holder(struct checkin *c, const struct appt_row *a, unsigned char hash[32],
    char mask[HOLDER_MASK_MAX])
{
	struct verb *v = &c->is.v;
	unsigned char key[32];
	int rc;

	if (c->in->holder == NULL || !*c->in->holder)
		return verb_fail(v, DK_HOLDER_REQUIRED, "this appointment needs the applicant's "
		    "document number ('holder')");
	if (holder_normalise(c->in->holder, c->is.norm, sizeof c->is.norm, v->err, v->errlen) != 0)
		return DK_BAD_HOLDER;
	if ((rc = store_day_key(v->st, a->day, 0, key)) != ST_OK)
		return rc == ST_NOTFOUND ? verb_fail(v, DK_CONFLICT, "the day's holder key is gone: "
		    "this appointment cannot be checked against a document number") : rc;
	holder_hash(key, c->is.norm, hash);
	sodium_memzero(key, sizeof key);
	holder_mask(c->is.norm, mask, HOLDER_MASK_MAX);
	if (!holder_equal(hash, a->holder_hash)) {
		if ((rc = refused(c, a->service, "holder_mismatch")) != ST_OK)
			return rc;
		return verb_fail(v, DK_HOLDER_MISMATCH, "this document number is not the one the "
		    "appointment was booked with");
	}
	c->is.bound = 1;
	return DK_OK;
}

/* Checked in already: the same ticket again. */
static int
again(struct checkin *c, const struct appt_row *a)
{
	struct verb *v = &c->is.v;
	struct ticket *t = &c->out->slip.ticket;
	int rc;

	if ((rc = desk_get(v, a->ticket, t)) != ST_OK)
		return rc;
	c->out->late = t->appointment == 0;
	/* Still to be served: a new slip, marked as a reprint, for this kiosk
	 * to print (as a holder's duplicate walk-in ticket is). */
	if (t->state == TS_WAITING || t->state == TS_CALLED)
		return issue_give_back(&c->is, t);
	c->out->slip.kind = DS_DUPLICATE;
	return verb_fail(v, DK_OK, "appointment checked in already: ticket %s is %s", t->number,
	    queue_state_name((enum ticket_state)t->state));
}

/* In the window: the appointment's own ticket. */
static int
arrive(struct checkin *c, const struct appt_row *a, const unsigned char *hash, const char *mask)
{
	struct verb *v = &c->is.v;
	struct ticket *t = &c->out->slip.ticket;
	struct service_day today;
	struct closure_row closure;
	struct site_hours hours;
	int rc;

	/* The booking stands whatever the hours say, but not on a day the
	 * manager closed the service or the whole site. */
	if ((rc = desk_today_of(v, c->is.sv, &today)) != ST_OK ||
	    (rc = desk_hours_today(v, &hours, &closure)) != ST_OK)
		return rc;
	if (!today.open || hours.open_min < 0) {
		if ((rc = verb_log(v, "refused_closed", NULL, a->service, 0, "appointment")) != ST_OK)
			return rc;
		return verb_fail(v, DK_CLOSED, "service %c is closed today", a->service);
	}
	c->is.appointment = a->id;
	c->is.appt_start = a->start;
	if ((rc = issue_ticket(&c->is, hash, mask)) != ST_OK)
		return rc;
	/* bind_holder = all_sites, the number typed: the other sites see it */
	if (c->is.bound && c->is.sv->bind_holder == SITE_BIND_ALL_SITES &&
	    (rc = issue_claim_booked(&c->is)) != ST_OK)
		return rc;
	str_copy(t->appt_id, sizeof t->appt_id, a->ext_id);
	t->appt_duration_min = a->duration_min;
	return store_appt_checkin(v->st, a->id, t->id, v->now);
}

/* After the window: a walk-in, or an attestation naming the appointment. */
static int
too_late(struct checkin *c, const struct appt_row *a)
{
	struct verb *v = &c->is.v;
	struct desk_slip *slip = &c->out->slip;
	int rc;

	c->out->late = 1;
	if (v->d->site.appt.late == SITE_LATE_ATTESTATION) {
		c->is.appointment = a->id;
		c->is.outcome = "late";
		c->is.in = NULL;
		memset(slip, 0, sizeof *slip);
		return issue_attest(&c->is);
	}
	c->walkin.service = a->service;
	c->walkin.lang = c->is.lang;
	c->walkin.holder = c->in->holder;
	/* No walk-in place left: the attestation names the appointment, so
	 * the figures count a late arrival, not a no-show (store_channels). */
	c->is.late_for = a->id;
	/* The walk-in's own rules from here: its capacity, its hours, its
	 * holder binding. */
	sodium_memzero(c->is.norm, sizeof c->is.norm);
	c->is.bound = 0;
	if ((rc = issue_setup(&c->is, &c->walkin, slip)) != DK_OK ||
	    (rc = issue_walkin(&c->is)) != ST_OK)
		return rc;
	if (slip->kind == DS_TICKET)
		return store_appt_checkin(v->st, a->id, slip->ticket.id, v->now);
	return ST_OK;
}

/* A kiosk's look-up: today's appointment of the code. ST_OK, or a refusal
 * (each logged for the guess alert). */
static int
find_by_code(struct checkin *c, struct appt_row *a)
{
	struct verb *v = &c->is.v;
	int rc;

	rc = c->code[0] ? store_appt_by_code(v->st, c->code, v->day, a) : ST_NOTFOUND;
	if (rc == ST_NOTFOUND && c->code[0]) {
		if ((rc = store_appt_code_elsewhere(v->st, c->code, v->day, a)) == ST_OK) {
			c->out->found = 1;
			if ((rc = refused(c, a->service, "not_today")) != ST_OK)
				return rc;
			return verb_fail(v, DK_NOT_TODAY, "this appointment is on %s, not today",
			    a->day);
		}
	}
	if (rc == ST_NOTFOUND) {
		memset(a, 0, sizeof *a);
		if ((rc = refused(c, 0, "unknown_code")) != ST_OK)
			return rc;
		return verb_fail(v, DK_NOTFOUND, "no appointment has this check-in code");
	}
	if (rc == ST_OK)
		c->out->found = 1;
	return rc;
}

/* A kiosk's look-up by a convocation slip's token (verified): the
 * convocation its attestation names, which must be today's. */
static int
find_by_token(struct checkin *c, struct appt_row *a)
{
	struct verb *v = &c->is.v;
	struct attestation att;
	int rc;

	memset(a, 0, sizeof *a);
	if ((rc = store_attestation_get(v->st, c->att, NULL, &att)) == ST_NOTFOUND)
		return verb_fail(v, DK_NOT_CONVOCATION, "no attestation %lld on this site",
		    (long long)c->att);
	if (rc != ST_OK)
		return rc;
	if (strcmp(att.outcome, "convocation") != 0 || att.appointment == 0)
		return verb_fail(v, DK_NOT_CONVOCATION, "this attestation de passage is no "
		    "convocation: it proves a visit, it gives no place");
	if ((rc = store_convoc_get(v->st, att.appointment, a)) == ST_NOTFOUND)
		return verb_fail(v, DK_NOT_CONVOCATION, "the convocation of attestation %lld is "
		    "gone", (long long)c->att);
	if (rc != ST_OK)
		return rc;
	c->out->found = 1;
	if (strcmp(a->day, v->day) != 0)
		return verb_fail(v, DK_NOT_TODAY, "this convocation is on %s, not today", a->day);
	return ST_OK;
}

/* The staff's look-up: the appointment of the id, which must be today's.
 * Not a guess: an agent picks it from the day's list. */
static int
find_by_id(struct checkin *c, struct appt_row *a)
{
	struct verb *v = &c->is.v;
	int rc = store_appt_get(v->st, c->id, a);

	if (rc == ST_NOTFOUND) {
		memset(a, 0, sizeof *a);
		return verb_fail(v, DK_NOTFOUND, "no appointment '%s'", c->id);
	}
	if (rc != ST_OK)
		return rc;
	c->out->found = 1;
	if (strcmp(a->day, v->day) != 0)
		return verb_fail(v, DK_NOT_TODAY, "appointment '%s' is on %s, not today", c->id,
		    a->day);
	return ST_OK;
}

/* A check-in by hand, audited: who, the appointment (never its code),
 * its state before, the ticket after, and why. */
static int
audit_by_hand(struct checkin *c, const struct appt_row *a, int before)
{
	struct verb *v = &c->is.v;
	struct buf b = BUF_INIT;
	int rc;

	buf_printf(&b, "appointment %s: before %s (", a->ext_id, desk_appt_state_name(before));
	describe(&b, a);
	buf_printf(&b, "); after arrived, ticket %s; checked in by hand, reason: %s",
	    c->out->slip.ticket.number, c->reason);
	rc = b.failed ? verb_fail(v, DK_ERR, "out of memory") :
	    store_audit_add(v->st, v->now, v->who->name, "appointment_checkin", buf_str(&b));
	buf_free(&b);
	return rc;
}

static int
checkin_tx(struct store *st, void *arg)
{
	struct checkin *c = arg;
	struct verb *v = &c->is.v;
	struct appt_row *a = &c->out->appt;
	const struct site_appointments *w = &v->d->site.appt;
	unsigned char hash[32];
	char mask[HOLDER_MASK_MAX], at[32];
	int rc, before;

	(void)st;
	if ((rc = c->id ? find_by_id(c, a) : c->att ? find_by_token(c, a) : find_by_code(c, a)) !=
	    ST_OK)
		return rc;
	if (a->status == APPT_CANCELLED) {
		if (!c->id && !c->att && (rc = refused(c, a->service, "cancelled")) != ST_OK)
			return rc;
		return verb_fail(v, DK_CANCELLED, "this appointment was cancelled");
	}
	if ((c->is.sv = site_service(&v->d->site, a->service)) == NULL)
		return verb_fail(v, DK_CONFLICT, "service %c of this appointment is no longer "
		    "on this site", a->service);
	c->is.lang = c->in->lang ? c->in->lang : a->lang[0] ? a->lang : "fr";
	/* By hand, the agent has seen the person: no document number typed, and
	 * the ticket is bound to the hash the appointment was booked with. */
	if (!c->id && a->bound && (rc = check_holder(c, a, hash, mask)) != DK_OK)
		return rc;
	if (a->ticket)
		return again(c, a);
	if (c->id) {
		/* The agent decides: no window, early or late. */
		before = desk_appt_state(a, v->now);
		if ((rc = arrive(c, a, a->bound ? a->holder_hash : NULL, NULL)) != ST_OK)
			return rc;
		return audit_by_hand(c, a, before);
	}
	if (v->now < a->start - (int64_t)w->checkin_before * 60) {
		c->out->come_back_at = a->start - (int64_t)w->checkin_before * 60;
		queue_rfc3339(c->out->come_back_at, at);
		return verb_fail(v, DK_TOO_EARLY, "too early: check in from %.5s", at + 11);
	}
	if (v->now > a->start + (int64_t)w->checkin_after * 60)
		return too_late(c, a);
	return arrive(c, a, a->bound ? hash : NULL, a->bound ? mask : NULL);
}

/* The kiosk's check-in and the staff's share everything from here. */
static int
checkin_run(struct desk *d, const struct desk_actor *who, struct checkin *c, int64_t now,
    struct desk_events *ev, char *err, size_t errlen)
{
	int rc;

	memset(c->out, 0, sizeof *c->out);
	verb_init(&c->is.v, d, who, now, ev, err, errlen);
	c->is.out = &c->out->slip;
	c->is.device = who->device ? who->name : "DESK";
	c->is.lang = "fr";
	if (!d->have_site)
		return verb_fail(&c->is.v, DK_NOTFOUND, "the database has no site yet");
	rc = verb_write(&c->is.v, checkin_tx, c);
	sodium_memzero(c->is.norm, sizeof c->is.norm);
	sodium_memzero(c->is.shared, sizeof c->is.shared);
	return rc;
}

int
desk_checkin(struct desk *d, const struct desk_actor *who, const struct desk_checkin *in,
    int64_t now, struct desk_checkin_out *out, struct desk_events *ev, char *err,
    size_t errlen)
{
	struct checkin c;
	char why[120];

	memset(&c, 0, sizeof c);
	c.in = in;
	c.out = out;
	if (in->token != NULL) {
		struct slip sl;
		struct verb v;
		enum slip_verdict vd = d->have_keys ? slip_verify(in->token, d->keys.pk,
		    d->keys.site_id, NULL, &sl) : SLIP_UNKNOWN_FORMAT;

		if (vd == SLIP_VALID && sl.kind == SLIP_ATTESTATION && sl.serial > 0 &&
		    sl.serial <= INT64_MAX) {
			c.att = (int64_t)sl.serial;
			return checkin_run(d, who, &c, now, ev, err, errlen);
		}
		memset(out, 0, sizeof *out);
		verb_init(&v, d, who, now, ev, err, errlen);
		if (vd == SLIP_VALID)
			return verb_fail(&v, DK_NOT_CONVOCATION, "this slip is a ticket, not a "
			    "convocation");
		return verb_fail(&v, DK_BAD_TOKEN, "this slip cannot be checked in here (%s)",
		    slip_verdict_str(vd));
	}
	/* What cannot be a code is an unknown code (and counts as a guess). */
	if (in->code == NULL || appt_code_normalise(in->code, c.code, why, sizeof why) != 0)
		c.code[0] = '\0';
	return checkin_run(d, who, &c, now, ev, err, errlen);
}

int
desk_checkin_staff(struct desk *d, const struct desk_actor *who, const char *id,
    const char *reason, int64_t now, struct desk_checkin_out *out, struct desk_events *ev,
    char *err, size_t errlen)
{
	static const struct desk_checkin none = { NULL, NULL, NULL, NULL };
	struct checkin c;

	memset(&c, 0, sizeof c);
	c.in = &none;
	c.out = out;
	c.id = id;
	c.reason = reason;
	if (who->device || id == NULL || !*id || reason == NULL || strlen(reason) < 3) {
		struct verb v;
		memset(out, 0, sizeof *out);
		verb_init(&v, d, who, now, ev, err, errlen);
		if (who->device)
			return verb_fail(&v, DK_FORBIDDEN, "only staff may check an appointment in "
			    "by hand");
		return verb_fail(&v, DK_BAD, "an appointment's 'id' and a 'reason' (3 characters "
		    "or more) are required to check it in by hand");
	}
	return checkin_run(d, who, &c, now, ev, err, errlen);
}
