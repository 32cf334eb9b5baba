/*
 * draws: the draw at opening (issue #13; docs/DRAW.md is the contract).
 * For a service where demand exceeds the day's places, a manager opens a
 * draw; the applicants present enrol at a kiosk; at the close the entries
 * are ordered by the core's arithmetic (core/draw.h) and the first `places`
 * get tickets, numbered in draw order; the others, in draw order, a
 * convocation for a later day while the service's pool has a place
 * (desk/convocations.c), then an attestation de passage when they redeem
 * their enrolment slip.
 *
 * Verbs like the others: one transaction each, audited, no SQL, no HTTP,
 * time a parameter. The randomness (the secret, the entry ids) is
 * libsodium's randombytes_buf, the one source the whole server uses.
 * The holder's document number is hashed under the draw day's key, as a
 * ticket's is, and wiped; audit entries never name it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/draw.h"
#include "core/holder.h"
#include "core/queue.h"
#include "core/str.h"
#include "desk/desk_int.h"

/* -- open ----------------------------------------------------------------------------- */

struct open {
	struct verb v;
	char service;
	int places;
	struct draw_row *out;
};

/* Inside v's transaction: a new draw of service for places (checked). */
static int
open_in(struct verb *v, char service, int places, struct draw_row *dr)
{
	struct store *st = v->st;
	char detail[200];
	int rc;

	memset(dr, 0, sizeof *dr);
	dr->service = service;
	str_copy(dr->day, sizeof dr->day, v->day);
	dr->places = places;
	randombytes_buf(dr->secret, sizeof dr->secret);
	draw_commitment(dr->secret, dr->commitment);
	dr->opened_at = v->now;
	str_copy(dr->opened_by, sizeof dr->opened_by, v->who->name);
	if ((rc = store_draw_add(st, dr)) == ST_CONFLICT) {
		struct draw_row other;
		if (store_draw_open_of(st, service, &other) != ST_OK)
			other.id = 0;
		return verb_fail(v, DK_CONFLICT, "service %c already has an open draw (%lld): close "
		    "it first", service, (long long)other.id);
	}
	if (rc != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "draw %lld service %c: before none; after open, %d "
	    "places, commitment %s", (long long)dr->id, dr->service, dr->places, dr->commitment);
	return store_audit_add(st, v->now, v->who->name, "draw_open", detail);
}

static int
open_tx(struct store *st, void *arg)
{
	struct open *o = arg;

	(void)st;
	return open_in(&o->v, o->service, o->places, o->out);
}

int
desk_draw_open(struct desk *d, const struct desk_actor *who, char service, int places,
    int64_t now, struct draw_row *out, char *err, size_t errlen)
{
	struct open o = { .service = service, .places = places, .out = out };
	int rc;

	memset(out, 0, sizeof *out);
	verb_init(&o.v, d, who, now, NULL, err, errlen);
	if (who->device)
		return verb_fail(&o.v, DK_FORBIDDEN, "only a manager may open a draw");
	if (!d->have_site || site_service(&d->site, service) == NULL)
		return verb_fail(&o.v, DK_NOTFOUND, "unknown service '%c'",
		    service > ' ' && service <= '~' ? service : '?');
	if (places < 1 || places > DESK_DRAW_PLACES_MAX)
		return verb_fail(&o.v, DK_BAD, "'places' must be 1 to %d", DESK_DRAW_PLACES_MAX);
	rc = verb_write(&o.v, open_tx, &o);
	if (rc != DK_OK)
		sodium_memzero(out, sizeof *out);
	return rc;
}

/* -- enrol ------------------------------------------------------------------------------ */

struct enrol {
	struct verb v;
	int64_t draw;
	const char *lang;
	int priority;
	int bound;                      /* the service binds holders: norm is set */
	char norm[HOLDER_MAX + 1];      /* normalised document number (wiped after use) */
	struct desk_draw_enrolled *out;
};

/* The draw `id`, or DK_NOTFOUND with a reason. */
static int
get_draw(struct verb *v, int64_t id, struct draw_row *dr)
{
	int rc = store_draw_get(v->st, id, dr);

	if (rc == ST_NOTFOUND)
		return verb_fail(v, DK_NOTFOUND, "no draw %lld", (long long)id);
	return rc;
}

/* The enrolment slip's token for en's entry. */
static int
sign_entry(struct enrol *en)
{
	const struct desk *d = en->v.d;

	if (draw_token(d->keys.site_id, (long long)en->out->e.draw, en->out->e.entry, d->keys.sk,
	    en->out->token, sizeof en->out->token) != 0)
		return verb_fail(&en->v, DK_ERR, "cannot sign the enrolment slip");
	return DK_OK;
}

static int
enrol_tx(struct store *st, void *arg)
{
	struct enrol *en = arg;
	struct verb *v = &en->v;
	struct draw_entry_row *e = &en->out->e;
	const struct site_service *sv;
	struct draw_row dr;
	unsigned char key[32], rnd[10];
	char detail[200];
	int rc;

	if ((rc = get_draw(v, en->draw, &dr)) != ST_OK)
		return rc;
	sodium_memzero(dr.secret, sizeof dr.secret);
	if (dr.closed)
		return verb_fail(v, DK_CONFLICT, "draw %lld is closed: enrolment has ended",
		    (long long)dr.id);
	/* What the kiosk prints on the slip besides the entry (set before an
	 * Idempotency-Key's answer is kept, inside this transaction). */
	en->out->service = dr.service;
	en->out->closes_min = desk_draw_closes_min(v->d, &dr);
	str_copy(en->out->commitment, sizeof en->out->commitment, dr.commitment);
	memset(e, 0, sizeof *e);
	e->draw = dr.id;
	if (en->bound) {
		/* The draw day's key, as the tickets of that day use. */
		if ((rc = store_day_key(st, dr.day, 1, key)) != ST_OK)
			return rc;
		holder_hash(key, en->norm, e->holder_hash);
		sodium_memzero(key, sizeof key);
		holder_mask(en->norm, e->holder_mask, sizeof e->holder_mask);
		e->bound = 1;
		rc = store_draw_entry_of_holder(st, dr.id, e->holder_hash, e);
		if (rc == ST_OK) {
			en->out->duplicate = 1;
			if ((rc = sign_entry(en)) != DK_OK)
				return rc;
			return verb_fail(v, DK_OK, "this person is enrolled already");
		}
		if (rc != ST_NOTFOUND)
			return rc;
	}
	if ((rc = store_draw_entry_count(st, dr.id)) < 0)
		return ST_ERR;
	if (rc >= DESK_DRAW_ENTRIES_MAX)
		return verb_fail(v, DK_CONFLICT, "draw %lld has %d entries: no more",
		    (long long)dr.id, DESK_DRAW_ENTRIES_MAX);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(e->entry, sizeof e->entry, rnd, sizeof rnd);
	for (char *p = e->entry; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	e->enrolled_at = v->now;
	str_copy(e->device, sizeof e->device, v->who->name);
	str_copy(e->lang, sizeof e->lang, en->lang);
	e->priority = en->priority != 0;
	if ((rc = store_draw_entry_add(st, e)) != ST_OK)
		return rc == ST_CONFLICT ? verb_fail(v, DK_CONFLICT, "this person is enrolled "
		    "already") : rc;
	snprintf(detail, sizeof detail, "draw %lld service %c: before not enrolled; after entry %s "
	    "from %s%s%s", (long long)dr.id, dr.service, e->entry, e->device,
	    e->priority ? " priority" : "", e->bound ? " (holder bound)" : "");
	if ((rc = store_audit_add(st, v->now, v->who->name, "draw_enrol", detail)) != ST_OK)
		return rc;
	/* A loser's convocation binds its holder under its own day's key. */
	sv = site_service(&v->d->site, dr.service);
	if (en->bound && sv && sv->convocations > 0 &&
	    (rc = desk_convoc_entry_days(v, sv, dr.id, e->entry, en->norm)) != ST_OK)
		return rc;
	/* Inside the transaction: an Idempotency-Key keeps the answer, token
	 * included. */
	return sign_entry(en);
}

int
desk_draw_enrol(struct desk *d, const struct desk_actor *who, int64_t draw,
    const char *lang, int priority, const char *holder, int64_t now,
    struct desk_draw_enrolled *out, char *err, size_t errlen)
{
	struct enrol en = { .draw = draw, .lang = lang ? lang : "fr", .priority = priority,
	    .out = out };
	struct draw_row dr;
	int rc;

	memset(out, 0, sizeof *out);
	verb_init(&en.v, d, who, now, NULL, err, errlen);
	if (!who->device)
		return verb_fail(&en.v, DK_FORBIDDEN, "only a kiosk enrols applicants in a draw");
	if (!d->have_site)
		return verb_fail(&en.v, DK_NOTFOUND, "the database has no site yet");
	if (!d->have_keys)
		return verb_fail(&en.v, DK_ERR, "this server cannot sign enrolment slips");
	/* The service (and whether it binds holders) before the transaction:
	 * a draw's service never changes. */
	rc = desk_draw_get(d, draw, now, &dr, NULL, err, errlen);
	if (rc < 0)
		return rc;
	{
		const struct site_service *sv = site_service(&d->site, dr.service);
		if (sv && sv->bind_holder) {
			if (holder == NULL)
				return verb_fail(&en.v, DK_HOLDER_REQUIRED, "this service needs the "
				    "applicant's document number ('holder')");
			if (holder_normalise(holder, en.norm, sizeof en.norm, err, errlen) != 0)
				return DK_BAD_HOLDER;
			en.bound = 1;
		}
	}
	rc = verb_write(&en.v, enrol_tx, &en);
	sodium_memzero(en.norm, sizeof en.norm);
	sodium_memzero(dr.secret, sizeof dr.secret);
	return rc;
}

int
desk_draw_closes_min(const struct desk *d, const struct draw_row *dr)
{
	const struct site_service *sv = site_service(&d->site, dr->service);

	if (sv == NULL || sv->draw_close_min <= 0 || strcmp(dr->opened_by, DESK_DRAW_SITE_ACTOR))
		return -1;
	return sv->draw_close_min;
}

/* -- close ----------------------------------------------------------------------------- */

struct close {
	struct issue is;                /* the tickets' issue; its verb first */
	int64_t draw;
	struct draw_row *out;
	struct desk_slip slip;          /* each ticket as it is issued */
};

/* The published result, audited: enough to recompute the order with the
 * entries (each audited when it enrolled). */
static int
audit_result(struct close *c, const struct draw_row *dr, int n, const char *first,
    const char *last, int tickets, int convocations)
{
	struct verb *v = &c->is.v;
	char secret[DRAW_HEX_LEN], detail[600];
	int rc;

	sodium_bin2hex(secret, sizeof secret, dr->secret, sizeof dr->secret);
	snprintf(detail, sizeof detail, "draw %lld service %c: before open, %d entries; after "
	    "closed", (long long)dr->id, dr->service, n);
	if ((rc = store_audit_add(v->st, v->now, v->who->name, "draw_close", detail)) != ST_OK)
		return rc;
	snprintf(detail, sizeof detail, "draw %lld service %c: secret %s entries_hash %s seed %s; "
	    "%d places (reserve %d), %d entries: tickets %s to %s in draw order, %d convocations, "
	    "%d attestations", (long long)dr->id, dr->service, secret, dr->entries_hash, dr->seed,
	    dr->places, dr->reserve, n, tickets ? first : "none", tickets ? last : "none",
	    convocations, n - tickets - convocations);
	sodium_memzero(secret, sizeof secret);
	return store_audit_add(v->st, v->now, v->who->name, "draw_result", detail);
}

/* Inside the verb's transaction: close draw c->draw into c->out. */
static int
close_in(struct close *c)
{
	struct verb *v = &c->is.v;
	struct store *st = v->st;
	struct draw_row *dr = c->out;
	struct draw_entry_row *e = NULL;
	const char **ids = NULL;
	size_t *order = NULL;
	int *prio = NULL, *win = NULL;
	struct service_day today;
	struct desk_issue pri;
	unsigned char eh[DRAW_HASH_LEN], seed[DRAW_HASH_LEN];
	char first[12] = "", last[12] = "";
	int n, i, rc, tickets = 0, convocations = 0;

	if ((rc = get_draw(v, c->draw, dr)) != ST_OK)
		return rc;
	if (dr->closed)
		return verb_fail(v, DK_CONFLICT, "draw %lld is closed already", (long long)dr->id);
	if ((c->is.sv = site_service(&v->d->site, dr->service)) == NULL)
		return verb_fail(v, DK_CONFLICT, "service %c of this draw is no longer on this site",
		    dr->service);
	if ((n = store_draw_entry_count(st, dr->id)) < 0)
		return ST_ERR;
	if ((e = calloc((size_t)n + 1, sizeof *e)) == NULL ||
	    (ids = calloc((size_t)n + 1, sizeof *ids)) == NULL ||
	    (order = calloc((size_t)n + 1, sizeof *order)) == NULL ||
	    (prio = calloc((size_t)n + 1, sizeof *prio)) == NULL ||
	    (win = calloc((size_t)n + 1, sizeof *win)) == NULL) {
		rc = verb_fail(v, DK_ERR, "out of memory");
		goto out;
	}
	if ((n = store_draw_entries(st, dr->id, 0, e, n)) < 0) {
		rc = ST_ERR;
		goto out;
	}
	for (i = 0; i < n; i++)
		ids[i] = e[i].entry;
	if (draw_entries_hash(ids, (size_t)n, eh) != 0 ||
	    (draw_seed(dr->secret, eh, seed), draw_order(seed, ids, (size_t)n, order)) != 0) {
		rc = verb_fail(v, DK_ERR, "out of memory");
		goto out;
	}
	sodium_bin2hex(dr->entries_hash, sizeof dr->entries_hash, eh, sizeof eh);
	sodium_bin2hex(dr->seed, sizeof dr->seed, seed, sizeof seed);
	/* Priority entries take the day's priority reserve first. */
	if ((rc = desk_today_of(v, c->is.sv, &today)) != ST_OK)
		goto out;
	dr->reserve = today.reserve < dr->places ? today.reserve : dr->places;
	if (dr->reserve < 0)
		dr->reserve = 0;
	for (i = 0; i < n; i++)
		prio[i] = e[order[i]].priority;
	draw_winners(prio, (size_t)n, (size_t)dr->places, (size_t)dr->reserve, win);
	memset(&pri, 0, sizeof pri);
	pri.service = dr->service;
	pri.priority = 1;
	/* In draw order, so the tickets are numbered in draw order. */
	for (i = 0; i < n; i++) {
		struct draw_entry_row *x = &e[order[i]];
		x->rank = i + 1;
		c->is.device = x->device;
		c->is.lang = x->lang;
		c->is.appointment = 0;
		c->is.outcome = NULL;
		c->is.entry = NULL;
		if (win[i]) {
			str_copy(x->outcome, sizeof x->outcome, "ticket");
			/* A priority entry's ticket is a priority ticket. */
			c->is.in = x->priority ? &pri : NULL;
			if ((rc = issue_ticket(&c->is, x->bound ? x->holder_hash : NULL,
			    x->bound ? x->holder_mask : NULL)) != ST_OK)
				goto out;
			x->ticket = c->slip.ticket.id;
			str_copy(x->ticket_number, sizeof x->ticket_number, c->slip.ticket.number);
			if (!tickets++)
				str_copy(first, sizeof first, x->ticket_number);
			str_copy(last, sizeof last, x->ticket_number);
		} else {
			/* A convocation while the pool has one (or the holder's
			 * open one), in draw order; else the attestation, at the
			 * redeem. */
			c->is.in = NULL;
			c->is.bound = x->bound;
			c->is.entry_draw = dr->id;
			c->is.entry = x->entry;
			rc = issue_convoke(&c->is);
			if (rc == ST_OK) {
				str_copy(x->outcome, sizeof x->outcome, "convocation");
				x->attestation = c->slip.att.id;
				convocations++;
			} else if (rc == DK_FULL) {
				str_copy(x->outcome, sizeof x->outcome, "attestation");
			} else {
				goto out;
			}
		}
		if ((rc = store_draw_entry_set(st, x)) != ST_OK)
			goto out;
	}
	dr->closed = 1;
	dr->closed_at = v->now;
	str_copy(dr->closed_by, sizeof dr->closed_by, v->who->name);
	if ((rc = store_draw_close(st, dr)) != ST_OK) {
		if (rc == ST_CONFLICT)
			rc = verb_fail(v, DK_CONFLICT, "draw %lld was closed meanwhile",
			    (long long)dr->id);
		goto out;
	}
	/* The holders' hashes for later days have served. */
	if ((rc = store_draw_entry_days_drop(st, dr->id)) != ST_OK)
		goto out;
	rc = audit_result(c, dr, n, first, last, tickets, convocations);
out:
	free(win);
	free(prio);
	free(order);
	free(ids);
	free(e);
	return rc;
}

static int
close_tx(struct store *st, void *arg)
{
	(void)st;
	return close_in(arg);
}

int
desk_draw_close(struct desk *d, const struct desk_actor *who, int64_t draw, int64_t now,
    struct draw_row *out, struct desk_events *ev, char *err, size_t errlen)
{
	struct close *c;
	int rc;

	memset(out, 0, sizeof *out);
	/* A slip holds two slips' tokens: not on a server thread's stack. */
	if ((c = calloc(1, sizeof *c)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return DK_ERR;
	}
	verb_init(&c->is.v, d, who, now, ev, err, errlen);
	c->draw = draw;
	c->out = out;
	c->is.out = &c->slip;
	c->is.draw = 1;
	if (who->device)
		rc = verb_fail(&c->is.v, DK_FORBIDDEN, "only a manager may close a draw");
	else if (!d->have_site)
		rc = verb_fail(&c->is.v, DK_NOTFOUND, "the database has no site yet");
	else if (!d->have_keys)
		rc = verb_fail(&c->is.v, DK_ERR, "this server cannot sign tickets");
	else
		rc = verb_write(&c->is.v, close_tx, c);
	free(c);
	return rc;
}

/* -- the site file's window (api_tick) --------------------------------------------------- */

/* The actor of the draws the site file opens and closes. */
static const struct desk_actor site_actor = { DESK_DRAW_SITE_ACTOR, 0, NULL };

struct tick {
	struct close c;                 /* a close's issue; its verb first, the tick's verb */
	int opened, closed;
};

/* One service's window at this minute: open its draw at the start (unless
 * it had one today), close the one the site file opened at the end. */
static int
tick_service(struct tick *t, const struct site_service *sv, int minute)
{
	struct verb *v = &t->c.is.v;
	struct draw_row dr, list[16];
	struct service_day today;
	int n, i, rc;

	if (minute >= sv->draw_open_min && minute < sv->draw_close_min) {
		if ((n = store_draw_list(v->st, v->day, list, 16)) < 0)
			return ST_ERR;
		for (i = 0; i < n; i++)
			if (list[i].service == sv->code)
				return ST_OK;       /* one today already (the site's, or a manager's) */
		/* Today's capacity, as the manager may have changed it; none
		 * when the service is closed today. */
		if ((rc = desk_today_of(v, sv, &today)) != ST_OK)
			return rc;
		if (!today.open || today.capacity < 1)
			return ST_OK;
		if ((rc = open_in(v, sv->code, today.capacity < DESK_DRAW_PLACES_MAX ?
		    today.capacity : DESK_DRAW_PLACES_MAX, &dr)) != ST_OK)
			return rc == DK_CONFLICT ? ST_OK : rc;  /* a manager's is open */
		t->opened++;
		return ST_OK;
	}
	if (minute < sv->draw_close_min)
		return ST_OK;
	if ((rc = store_draw_open_of(v->st, sv->code, &dr)) == ST_NOTFOUND)
		return ST_OK;
	if (rc != ST_OK)
		return rc;
	/* Only the draw the site file opened: a manager closes their own. */
	if (strcmp(dr.opened_by, site_actor.name) != 0)
		return ST_OK;
	t->c.draw = dr.id;
	if ((rc = close_in(&t->c)) != ST_OK)
		return rc;
	t->closed++;
	return ST_OK;
}

static int
tick_tx(struct store *st, void *arg)
{
	struct tick *t = arg;
	struct verb *v = &t->c.is.v;
	int i, rc, minute, wday;

	(void)st;
	queue_local_minute(v->now, &minute, &wday);
	for (i = 0; i < v->d->site.nservices; i++) {
		const struct site_service *sv = &v->d->site.services[i];
		if (sv->draw_close_min <= 0)
			continue;
		t->c.is.sv = sv;
		if ((rc = tick_service(t, sv, minute)) != ST_OK)
			return rc;
	}
	return ST_OK;
}

int
desk_draw_tick(struct desk *d, int64_t now, struct desk_events *ev, char *err, size_t errlen)
{
	struct tick *t;
	struct draw_row out;
	int i, rc, any = 0;

	if (!d->have_site || !d->have_keys)
		return 0;
	for (i = 0; i < d->site.nservices; i++)
		any |= d->site.services[i].draw_close_min > 0;
	if (!any)
		return 0;           /* no window: no transaction at all */
	if ((t = calloc(1, sizeof *t)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return DK_ERR;
	}
	verb_init(&t->c.is.v, d, &site_actor, now, ev, err, errlen);
	t->c.out = &out;
	t->c.is.out = &t->c.slip;
	t->c.is.draw = 1;
	rc = verb_write(&t->c.is.v, tick_tx, t);
	if (rc == DK_OK)
		rc = t->opened + t->closed;
	free(t);
	return rc;
}

/* -- read ---------------------------------------------------------------------------------- */

struct get {
	struct verb v;
	int64_t draw;
	struct draw_row *out;
	struct draw_entry_row **entries;    /* NULL: the draw only */
	int n;
};

static int
get_tx(struct store *st, void *arg)
{
	struct get *g = arg;
	int n, rc;

	if ((rc = get_draw(&g->v, g->draw, g->out)) != ST_OK)
		return rc;
	if (g->entries == NULL)
		return ST_OK;
	if ((n = store_draw_entry_count(st, g->draw)) <= 0)
		return n < 0 ? ST_ERR : ST_OK;
	if ((*g->entries = calloc((size_t)n, sizeof **g->entries)) == NULL)
		return verb_fail(&g->v, DK_ERR, "out of memory");
	if ((n = store_draw_entries(st, g->draw, 0, *g->entries, n)) < 0)
		return ST_ERR;
	g->n = n;
	return ST_OK;
}

int
desk_draw_get(struct desk *d, int64_t draw, int64_t now, struct draw_row *out,
    struct draw_entry_row **entries, char *err, size_t errlen)
{
	struct get g = { .draw = draw, .out = out, .entries = entries };
	int rc;

	memset(out, 0, sizeof *out);
	if (entries)
		*entries = NULL;
	verb_init(&g.v, d, NULL, now, NULL, err, errlen);
	rc = verb_read(&g.v, get_tx, &g);
	if (rc != ST_OK) {
		if (entries) {
			free(*entries);
			*entries = NULL;
		}
		return rc;
	}
	/* The secret leaves the desk only once it is published. */
	if (!out->closed)
		sodium_memzero(out->secret, sizeof out->secret);
	return g.n;
}

struct day_list {
	struct verb v;
	const char *day;
	struct draw_row *out;
	int max, n;
};

static int
day_tx(struct store *st, void *arg)
{
	struct day_list *t = arg;

	t->n = store_draw_list(st, t->day, t->out, t->max);
	return t->n < 0 ? ST_ERR : ST_OK;
}

int
desk_draws_day(struct desk *d, const char *day, int64_t now, struct draw_row *out, int max,
    char *err, size_t errlen)
{
	struct day_list t = { .day = day, .out = out, .max = max };
	int rc, i;

	verb_init(&t.v, d, NULL, now, NULL, err, errlen);
	if (day == NULL)
		t.day = t.v.day;
	else if (!queue_valid_day(day))
		return verb_fail(&t.v, DK_BAD, "'day' must be a day YYYY-MM-DD");
	if ((rc = verb_read(&t.v, day_tx, &t)) != ST_OK)
		return rc;
	for (i = 0; i < t.n; i++)
		sodium_memzero(out[i].secret, sizeof out[i].secret);
	return t.n;
}

/* -- redeem ---------------------------------------------------------------------------------- */

struct redeem {
	struct issue is;                /* its verb first */
	int64_t draw;
	const char *entry;
	struct desk_draw_redeemed *out;
};

static int
redeem_tx(struct store *st, void *arg)
{
	struct redeem *r = arg;
	struct verb *v = &r->is.v;
	struct draw_entry_row *e = &r->out->e;
	struct ticket *t = &r->out->slip.ticket;
	struct draw_row dr;
	int rc, first;

	if ((rc = get_draw(v, r->draw, &dr)) != ST_OK)
		return rc;
	sodium_memzero(dr.secret, sizeof dr.secret);
	if ((rc = store_draw_entry_get(st, dr.id, r->entry, e)) == ST_NOTFOUND)
		return verb_fail(v, DK_NOTFOUND, "draw %lld has no entry %s", (long long)dr.id,
		    r->entry);
	if (rc != ST_OK)
		return rc;
	if (!dr.closed)
		return verb_fail(v, DK_CONFLICT, "draw %lld is not drawn yet: come back after the "
		    "close", (long long)dr.id);
	if ((r->is.sv = site_service(&v->d->site, dr.service)) == NULL)
		return verb_fail(v, DK_CONFLICT, "service %c of this draw is no longer on this site",
		    dr.service);
	r->is.lang = e->lang;
	first = e->redeemed_at == 0;
	if (!strcmp(e->outcome, "ticket")) {
		if ((rc = desk_get(v, e->ticket, t)) != ST_OK)
			return rc;
		if (!first) {
			if (t->state == TS_WAITING || t->state == TS_CALLED)
				return issue_give_back(&r->is, t);
			r->out->slip.kind = DS_DUPLICATE;
			return verb_fail(v, DK_OK, "ticket %s is %s already", t->number,
			    queue_state_name((enum ticket_state)t->state));
		}
		/* The first print: the slip as issued at the close, printed by
		 * this kiosk. */
		str_copy(t->print_device, sizeof t->print_device, r->is.device);
		str_copy(t->print_state, sizeof t->print_state, "pending");
		if ((rc = store_ticket_slip(st, t)) != ST_OK ||
		    (rc = desk_place(v, t, 0)) != ST_OK)
			return rc;
		r->out->slip.kind = DS_TICKET;
	} else if (!strcmp(e->outcome, "convocation")) {
		/* The convocation given at the close (its slip is that of its
		 * issue; a second redeem gives it again). */
		if ((rc = desk_convoc_slip(v, e->attestation, &r->out->slip)) != ST_OK)
			return rc;
		r->out->slip.conv.duplicate = !first;
	} else if (e->attestation) {
		/* The same attestation again (its slip is that of its issue). */
		if ((rc = store_attestation_get(st, e->attestation, NULL, &r->out->slip.att)) != ST_OK)
			return rc;
		r->out->slip.kind = DS_ATTESTATION;
	} else {
		r->is.outcome = "draw";
		if ((rc = issue_attest(&r->is)) != ST_OK)
			return rc;
		e->attestation = r->out->slip.att.id;
	}
	if (first)
		e->redeemed_at = v->now;
	if ((rc = store_draw_entry_set(st, e)) != ST_OK)
		return rc;
	return verb_log(v, "draw_redeem", !strcmp(e->outcome, "ticket") ? t : NULL, dr.service, 0,
	    e->outcome);
}

int
desk_draw_redeem(struct desk *d, const struct desk_actor *who, int64_t draw,
    const char *entry, int64_t now, struct desk_draw_redeemed *out, struct desk_events *ev,
    char *err, size_t errlen)
{
	struct redeem *r;
	int rc;

	memset(out, 0, sizeof *out);
	if ((r = calloc(1, sizeof *r)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return DK_ERR;
	}
	verb_init(&r->is.v, d, who, now, ev, err, errlen);
	r->draw = draw;
	r->entry = entry;
	r->out = out;
	r->is.out = &out->slip;
	r->is.device = who->name;
	if (!who->device)
		rc = verb_fail(&r->is.v, DK_FORBIDDEN, "only a kiosk redeems an enrolment slip");
	else if (!d->have_site)
		rc = verb_fail(&r->is.v, DK_NOTFOUND, "the database has no site yet");
	else if (!draw_entry_valid(entry))
		rc = verb_fail(&r->is.v, DK_NOTFOUND, "no such entry: an entry id is 20 of 0-9 A-F");
	else
		rc = verb_write(&r->is.v, redeem_tx, r);
	free(r);
	return rc;
}
