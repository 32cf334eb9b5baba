/*
 * issue: the verbs of the slip's life before the counter: issue (with the
 * holder binding, the capacity, the attestation de passage when it is
 * reached, and the refusal when the site is closed), the printer's report,
 * and reprints. See desk.h; the rules are in docs/QUEUE.md. The paths of an
 * issue (a ticket, an attestation, a holder's duplicate) are shared through
 * desk_int.h with the appointments' check-in (desk/appointments.c).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/holder.h"
#include "core/queue.h"
#include "core/sign.h"
#include "desk/desk_int.h"

/* The holder's ticket already active today: give it back as a duplicate. */
int
issue_give_back(struct issue *is, struct ticket *t)
{
	struct verb *v = &is->v;
	int rc;

	t->reprints++;
	snprintf(t->print_state, sizeof t->print_state, "pending");
	snprintf(t->print_device, sizeof t->print_device, "%s", is->device);
	if (desk_sign_ticket(v->d, t) != 0)
		return verb_fail(v, DK_ERR, "cannot sign the slip");
	if ((rc = store_ticket_slip(v->st, t)) != ST_OK ||
	    (rc = verb_log(v, "duplicate", t, t->service, 0, NULL)) != ST_OK ||
	    (rc = desk_place(v, t, 0)) != ST_OK)
		return rc;
	is->out->kind = DS_DUPLICATE;
	verb_fail(v, DK_OK, "this person already has ticket %s today", t->number);
	return desk_check_alerts(v, AC_HOLDER | AC_REPRINT, is->device);
}

/* Capacity reached (or an appointment missed): an attestation de passage,
 * chained to an earlier one. */
int
issue_attest(struct issue *is)
{
	struct verb *v = &is->v;
	struct attestation *a = &is->out->att;
	struct slip prev, cur;
	char why[200];
	int rc;

	memset(a, 0, sizeof *a);
	snprintf(a->day, sizeof a->day, "%s", v->day);
	a->attempt = 1;
	a->weeks = 1;
	snprintf(a->first_date, sizeof a->first_date, "%.4s%.2s%.2s", v->day, v->day + 5, v->day + 8);
	if (is->in && is->in->previous) {
		enum slip_verdict vd = slip_verify(is->in->previous, v->d->keys.pk, v->d->keys.site_id,
		    NULL, &prev);
		if (vd != SLIP_VALID || prev.kind != SLIP_ATTESTATION)
			return verb_fail(v, DK_BAD_PREVIOUS, "the earlier attestation is not valid here "
			    "(%s)", vd == SLIP_VALID ? "it is a ticket, not an attestation" :
			    slip_verdict_str(vd));
		memset(&cur, 0, sizeof cur);
		snprintf(cur.date, sizeof cur.date, "%s", a->first_date);
		if (slip_chain(&prev, &cur, why, sizeof why) != 0)
			return verb_fail(v, DK_BAD_PREVIOUS, "the earlier attestation cannot be "
			    "chained: %s", why);
		a->attempt = cur.attempt;
		a->weeks = cur.weeks;
		snprintf(a->first_date, sizeof a->first_date, "%s", cur.first_date);
	}
	a->service = is->sv->code;
	a->issued_at = v->now;
	snprintf(a->device, sizeof a->device, "%s", is->device);
	snprintf(a->lang, sizeof a->lang, "%s", is->lang);
	snprintf(a->outcome, sizeof a->outcome, "%s", is->outcome ? is->outcome : "full");
	a->appointment = is->appointment ? is->appointment : is->late_for;
	if ((a->id = store_attestation_next_id(v->st)) < 0)
		return ST_ERR;
	if (desk_sign_attestation(v->d, a) != 0)
		return verb_fail(v, DK_ERR, "cannot sign the attestation");
	/* A convocation's proof of visit is a slip issued (day_counts: the
	 * paper alert's ratio), but counted in the figures with the
	 * convocations (its own "convocation" event, store_convoc_figures),
	 * not as an attestation de passage. */
	if ((rc = store_attestation_insert(v->st, a)) != ST_OK ||
	    (strcmp(a->outcome, "convocation") != 0 &&
	    (rc = verb_log(v, "attestation", NULL, a->service, 0, a->outcome)) != ST_OK) ||
	    (rc = store_day_count_add(v->st, v->day, a->service, DC_ATTESTATIONS)) != ST_OK)
		return rc;
	is->out->kind = DS_ATTESTATION;
	return desk_check_alerts(v, AC_BURST, is->device);
}

int
issue_ticket(struct issue *is, const unsigned char *hash, const char *mask)
{
	struct verb *v = &is->v;
	struct ticket *t = &is->out->ticket;
	int seq, rc;
	int64_t id;

	if (store_ticket_next(v->st, v->day, is->sv->code, &id, &seq) != ST_OK)
		return ST_ERR;
	memset(t, 0, sizeof *t);
	t->id = id;
	snprintf(t->day, sizeof t->day, "%s", v->day);
	t->service = t->queue = is->sv->code;
	t->seq = seq + 1;
	queue_format_number(t->service, t->seq, t->number, sizeof t->number);
	snprintf(t->lang, sizeof t->lang, "%s", is->lang);
	t->priority = is->in && is->in->priority != 0;
	t->appointment = is->appointment;
	t->appt_start = is->appointment ? is->appt_start : 0;
	t->state = TS_WAITING;
	t->issued_at = v->now;
	snprintf(t->device, sizeof t->device, "%s", is->device);
	snprintf(t->print_device, sizeof t->print_device, "%s", is->device);
	snprintf(t->print_state, sizeof t->print_state, "pending");
	if (mask)
		snprintf(t->holder_mask, sizeof t->holder_mask, "%s", mask);
	if (desk_sign_ticket(v->d, t) != 0)
		return verb_fail(v, DK_ERR, "cannot sign the slip");
	/* An appointment's ticket counts against the appointments' own
	 * capacity (checked when it was booked), not the walk-ins'. */
	if ((rc = store_ticket_insert(v->st, t, hash)) != ST_OK ||
	    (rc = store_day_count_add(v->st, v->day, t->service, t->appointment ? DC_APPOINTMENTS :
	    t->priority ? DC_PRIORITY : DC_ORDINARY)) != ST_OK ||
	    (rc = verb_log(v, "issue", t, t->service, 0, t->appointment ? "appointment" :
	    is->draw ? "draw" : t->priority ? "priority" : NULL)) != ST_OK ||
	    (rc = desk_place(v, t, 1)) != ST_OK)
		return rc;
	if (!v->who->device && !is->draw) {
		char detail[96];
		snprintf(detail, sizeof detail, "manual ticket %s", t->number);
		if ((rc = store_audit_add(v->st, v->now, v->who->name, "manual_ticket", detail)) != ST_OK)
			return rc;
	}
	is->out->kind = DS_TICKET;
	verb_event(v, DE_COUNTS);
	return is->draw ? ST_OK : desk_check_alerts(v, AC_BURST, is->device);
}

/* The holder's hash under the day key all sites share (is->shared), or
 * ST_NOTFOUND: no shared rule here (SQLite: no other site). */
static int
shared_hash(struct issue *is)
{
	unsigned char key[32];
	int rc;

	if ((rc = store_claim_day_key(is->v.st, is->v.day, key)) != ST_OK)
		return rc;
	holder_hash(key, is->norm, is->shared);
	sodium_memzero(key, sizeof key);
	return ST_OK;
}

/* bind_holder = all_sites (issue #11): the holder's active ticket at another
 * site of the database refuses this one (DK_HOLDER_ELSEWHERE); none, and
 * the ticket issued here will be claimed (is->claim). On SQLite there is no
 * other site: nothing to do. */
static int
issue_elsewhere(struct issue *is)
{
	struct verb *v = &is->v;
	struct holder_claim *cl = &is->out->elsewhere;
	int rc;

	if ((rc = shared_hash(is)) != ST_OK)
		return rc == ST_NOTFOUND ? ST_OK : rc;
	rc = store_claim_elsewhere(v->st, v->day, is->sv->code, is->shared, cl);
	if (rc == ST_NOTFOUND) {
		is->claim = 1;
		return ST_OK;
	}
	if (rc != ST_OK)
		return rc;
	if ((rc = verb_log(v, "refused_elsewhere", NULL, is->sv->code, 0, cl->site)) != ST_OK)
		return rc;
	return verb_fail(v, DK_HOLDER_ELSEWHERE, "this person already has ticket %s today at "
	    "site %s (one active ticket per holder and service across the sites)", cl->number,
	    cl->site);
}

int
issue_claim_booked(struct issue *is)
{
	struct verb *v = &is->v;
	int rc;

	if ((rc = shared_hash(is)) != ST_OK)
		return rc == ST_NOTFOUND ? ST_OK : rc;
	return store_claim_add(v->st, v->day, is->sv->code, is->shared, is->out->ticket.id,
	    is->out->ticket.number, 1);
}

int
issue_walkin(struct issue *is)
{
	struct verb *v = &is->v;
	unsigned char key[32], hash[32];
	char mask[HOLDER_MASK_MAX];
	struct day_count dc;
	struct service_day today;
	struct closure_row closure;
	struct site_hours hours;
	int rc;

	if ((rc = desk_today_of(v, is->sv, &today)) != ST_OK ||
	    (rc = desk_hours_today(v, &hours, &closure)) != ST_OK)
		return rc;
	if (!today.open || !queue_hours_open(&hours, v->now)) {
		if ((rc = verb_log(v, "refused_closed", NULL, is->sv->code, 0, NULL)) != ST_OK ||
		    (rc = desk_check_alerts(v, AC_CLOSED, is->device)) != ST_OK)
			return rc;
		return verb_fail(v, DK_CLOSED, "the reception is closed now");
	}
	if (is->bound) {
		if ((rc = store_day_key(v->st, v->day, 1, key)) != ST_OK)
			return rc;
		holder_hash(key, is->norm, hash);
		holder_mask(is->norm, mask, sizeof mask);
		sodium_memzero(key, sizeof key);
		rc = store_ticket_of_holder(v->st, v->day, is->sv->code, hash, &is->out->ticket);
		if (rc == ST_OK)
			return issue_give_back(is, &is->out->ticket);
		if (rc != ST_NOTFOUND)
			return rc;
		if (is->sv->bind_holder == SITE_BIND_ALL_SITES && (rc = issue_elsewhere(is)) != ST_OK)
			return rc;
	}
	/* While the service's places are drawn, a kiosk enrols (a late
	 * appointment's walk-in and the staff's manual ticket go on). */
	if (v->who->device && !is->late_for) {
		struct draw_row dr;
		rc = store_draw_open_of(v->st, is->sv->code, &dr);
		sodium_memzero(dr.secret, sizeof dr.secret);
		if (rc == ST_OK) {
			is->out->draw = dr.id;
			return verb_fail(v, DK_DRAW_OPEN, "service %c's places are drawn: enrol in "
			    "draw %lld", is->sv->code, (long long)dr.id);
		}
		if (rc != ST_NOTFOUND)
			return rc;
	}
	if ((rc = store_day_count_get(v->st, v->day, is->sv->code, &dc)) != ST_OK)
		return rc;
	if (!queue_may_issue(today.capacity, today.reserve, dc.ordinary, dc.priority,
	    is->in->priority)) {
		/* A late appointment (late_for) is not given a later day here. */
		if (!is->late_for && (rc = issue_convoke(is)) != DK_FULL)
			return rc;
		return issue_attest(is);
	}
	if ((rc = issue_ticket(is, is->bound ? hash : NULL, is->bound ? mask : NULL)) != ST_OK ||
	    !is->claim)
		return rc;
	return store_claim_add(v->st, v->day, is->sv->code, is->shared, is->out->ticket.id,
	    is->out->ticket.number, 0);
}

static int
issue_tx(struct store *st, void *arg)
{
	(void)st;
	return issue_walkin(arg);
}

int
issue_setup(struct issue *is, const struct desk_issue *in, struct desk_slip *out)
{
	struct verb *v = &is->v;
	const struct desk *d = v->d;

	memset(out, 0, sizeof *out);
	is->in = in;
	is->out = out;
	is->device = v->who->device ? v->who->name : "DESK";
	is->lang = in->lang ? in->lang : "fr";
	if (!d->have_site || (is->sv = site_service(&d->site, in->service)) == NULL)
		return verb_fail(v, DK_NOTFOUND, "unknown service '%c'", in->service ? in->service : '?');
	if (is->sv->bind_holder) {
		if (in->holder == NULL)
			return verb_fail(v, DK_HOLDER_REQUIRED, "this service needs the applicant's "
			    "document number ('holder')");
		if (holder_normalise(in->holder, is->norm, sizeof is->norm, v->err, v->errlen) != 0)
			return DK_BAD_HOLDER;
		is->bound = 1;
	}
	return DK_OK;
}

int
desk_issue(struct desk *d, const struct desk_actor *who, const struct desk_issue *in, int64_t now,
    struct desk_slip *out, struct desk_events *ev, char *err, size_t errlen)
{
	struct issue is;
	int rc;

	memset(&is, 0, sizeof is);
	verb_init(&is.v, d, who, now, ev, err, errlen);
	if ((rc = issue_setup(&is, in, out)) == DK_OK)
		rc = verb_write(&is.v, issue_tx, &is);
	sodium_memzero(is.norm, sizeof is.norm);
	sodium_memzero(is.shared, sizeof is.shared);
	return rc;
}

/* -- the printer's report ---------------------------------------------------- */

static int
valid_status(struct verb *v, const char *status)
{
	if (status && (!strcmp(status, "confirmed") || !strcmp(status, "unconfirmed") ||
	    !strcmp(status, "failed")))
		return 1;
	verb_fail(v, DK_BAD, "'status' must be confirmed, unconfirmed or failed");
	return 0;
}

struct printed {
	struct verb v;
	int64_t id;
	const char *status, *reason;
	int paper_mm;
	struct ticket *out;
};

/* One slip went through a printer: its event, the day's count, the paper alert. */
static int
count_print(struct printed *p, const char *day, char service, int64_t ticket)
{
	struct verb *v = &p->v;
	int through = strcmp(p->status, "failed") != 0;
	struct store_event e = {
		.at = v->now, .day = day, .kind = through ? "print" : "print_failed",
		.ticket = ticket, .service = service, .agent = v->who->name, .detail = p->reason,
	};
	int rc;

	if ((rc = store_event_add(v->st, &e)) != ST_OK ||
	    (rc = store_day_count_add(v->st, day, service, DC_PRINTS)) != ST_OK ||
	    (v->who->device && (rc = store_device_printer_set(v->st, v->who->name, v->now,
	    p->status, p->reason, through, through ? p->paper_mm : 0)) != ST_OK))
		return rc;
	return desk_check_alerts(v, AC_PAPER, v->who->device ? v->who->name : NULL);
}

static int
printed_tx(struct store *st, void *arg)
{
	struct printed *p = arg;
	struct ticket *t = p->out;
	int rc;

	if ((rc = desk_get(&p->v, p->id, t)) != ST_OK)
		return rc;
	if (strcmp(t->print_device, p->v.who->name) != 0)
		return verb_fail(&p->v, DK_CONFLICT, "ticket %s was last printed by another kiosk",
		    t->number);
	snprintf(t->print_state, sizeof t->print_state, "%s", p->status);
	snprintf(t->print_reason, sizeof t->print_reason, "%s", p->reason ? p->reason : "");
	if ((rc = store_ticket_slip(st, t)) != ST_OK)
		return rc == ST_CONFLICT ? verb_fail(&p->v, DK_CONFLICT, "ticket %s changed meanwhile",
		    t->number) : rc;
	if ((rc = count_print(p, t->day, t->service, t->id)) != ST_OK)
		return rc;
	return desk_place(&p->v, t, 0);
}

/* A report's fields, checked. */
static int
valid_print(struct printed *p, const struct desk_print *pr)
{
	p->status = pr->status;
	p->reason = pr->reason;
	p->paper_mm = pr->paper_mm;
	if (!valid_status(&p->v, pr->status))
		return 0;
	if (pr->paper_mm < 0 || pr->paper_mm > DESK_SLIP_MM_MAX)
		return verb_fail(&p->v, DK_BAD, "paper_mm must be 0 to %d", DESK_SLIP_MM_MAX), 0;
	return 1;
}

int
desk_printed(struct desk *d, const struct desk_actor *who, int64_t id,
    const struct desk_print *pr, int64_t now, struct ticket *out, struct desk_events *ev,
    char *err, size_t errlen)
{
	struct printed p = { .id = id, .out = out };

	verb_init(&p.v, d, who, now, ev, err, errlen);
	if (!valid_print(&p, pr))
		return DK_BAD;
	return verb_write(&p.v, printed_tx, &p);
}

static int
att_printed_tx(struct store *st, void *arg)
{
	struct printed *p = arg;
	struct attestation a;
	int rc;

	if ((rc = store_attestation_get(st, p->id, p->v.who->name, &a)) != ST_OK)
		return rc == ST_NOTFOUND ? verb_fail(&p->v, DK_NOTFOUND, "no attestation %lld from "
		    "this kiosk", (long long)p->id) : rc;
	if ((rc = store_attestation_printed(st, p->id, p->status, p->reason)) != ST_OK)
		return rc;
	return count_print(p, a.day, a.service, 0);
}

int
desk_attestation_printed(struct desk *d, const struct desk_actor *who, int64_t id,
    const struct desk_print *pr, int64_t now, struct desk_events *ev, char *err, size_t errlen)
{
	struct desk_actor desk = { "DESK", 0, who->req };
	struct printed p = { .id = id };

	/* Staff report the slips that the desk's own printer made. */
	verb_init(&p.v, d, who->device ? who : &desk, now, ev, err, errlen);
	if (!valid_print(&p, pr))
		return DK_BAD;
	return verb_write(&p.v, att_printed_tx, &p);
}

/* -- reprint ------------------------------------------------------------------ */

static int
reprint_tx(struct store *st, void *arg)
{
	struct printed *p = arg;
	struct ticket *t = p->out;
	int rc;

	if ((rc = desk_get(&p->v, p->id, t)) != ST_OK)
		return rc;
	if (strcmp(t->day, p->v.day) != 0 || t->state != TS_WAITING)
		return verb_fail(&p->v, DK_CONFLICT, "ticket %s is no longer waiting today: it cannot "
		    "be reprinted", t->number);
	if (queue_next_state((enum ticket_state)t->state, QA_REPRINT) < 0)
		return verb_fail(&p->v, DK_CONFLICT, "ticket %s is %s: it cannot be reprinted",
		    t->number, queue_state_name((enum ticket_state)t->state));
	if (t->reprints >= p->v.d->site.reprint_limit)
		return verb_fail(&p->v, DK_LIMIT, "ticket %s was already reprinted %d times (the "
		    "limit)", t->number, t->reprints);
	t->reprints++;
	snprintf(t->print_state, sizeof t->print_state, "pending");
	/* A kiosk's reprint is reported by that kiosk; a staff member's by
	 * whichever kiosk printed it last. */
	if (p->v.who->device)
		snprintf(t->print_device, sizeof t->print_device, "%s", p->v.who->name);
	if (desk_sign_ticket(p->v.d, t) != 0)
		return verb_fail(&p->v, DK_ERR, "cannot sign the slip");
	if ((rc = store_ticket_slip(st, t)) != ST_OK ||
	    (rc = verb_log(&p->v, "reprint", t, t->service, 0, NULL)) != ST_OK ||
	    (rc = store_audit_add(st, p->v.now, p->v.who->name, "reprint", t->number)) != ST_OK ||
	    (rc = desk_place(&p->v, t, 0)) != ST_OK)
		return rc;
	return desk_check_alerts(&p->v, AC_REPRINT, p->v.who->device ? p->v.who->name : NULL);
}

int
desk_reprint(struct desk *d, const struct desk_actor *who, int64_t id, int64_t now,
    struct ticket *out, struct desk_events *ev, char *err, size_t errlen)
{
	struct printed p = { .id = id, .out = out };

	verb_init(&p.v, d, who, now, ev, err, errlen);
	return verb_write(&p.v, reprint_tx, &p);
}
