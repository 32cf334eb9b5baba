/*
 * check: what staff check at the counter: that a slip is genuine (and its
 * ticket still open), and that the person in front of them is the holder a
 * ticket is bound to. Both only read.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/holder.h"
#include "core/queue.h"
#include "core/sign.h"
#include "desk/desk_int.h"

struct verify {
	struct verb v;
	struct desk_verdict *out;
};

static int
verify_tx(struct store *st, void *arg)
{
	struct verify *vf = arg;
	struct desk_verdict *o = vf->out;
	int rc = store_ticket_get(st, (int64_t)o->slip.serial, &o->ticket);

	if (rc == ST_NOTFOUND) {
		o->result = "forged";   /* signed by us but unknown: a key leak? say so */
		return ST_OK;
	}
	if (rc != ST_OK)
		return rc;
	o->have_ticket = 1;
	if (o->ticket.state != TS_WAITING && o->ticket.state != TS_CALLED)
		o->result = "already_served";
	return desk_place(&vf->v, &o->ticket, 0);
}

int
desk_verify(struct desk *d, const char *payload, int64_t now, struct desk_verdict *out,
    char *err, size_t errlen)
{
	struct verify vf = { .out = out };
	char today[9];

	verb_init(&vf.v, d, NULL, now, NULL, err, errlen);
	memset(out, 0, sizeof *out);
	if (!d->have_keys)
		return verb_fail(&vf.v, DK_ERR, "no signing key loaded");
	snprintf(today, sizeof today, "%.4s%.2s%.2s", vf.v.day, vf.v.day + 5, vf.v.day + 8);
	out->verdict = slip_verify(payload, d->keys.pk, d->keys.site_id, today, &out->slip);
	out->result = slip_verdict_code(out->verdict);
	out->have_slip = out->verdict != SLIP_UNKNOWN_FORMAT;
	if (out->verdict != SLIP_VALID || out->slip.kind != SLIP_TICKET)
		return DK_OK;
	return verb_read(&vf.v, verify_tx, &vf);
}

struct holder_check {
	struct verb v;
	int64_t id;
	char norm[HOLDER_MAX + 1];  /* the typed number, normalised (wiped after use) */
	struct desk_holder_check *out;
};

static int
holder_tx(struct store *st, void *arg)
{
	struct holder_check *hc = arg;
	struct ticket t;
	unsigned char key[32], h[32];
	int rc;

	if ((rc = desk_get(&hc->v, hc->id, &t)) != ST_OK)
		return rc;
	snprintf(hc->out->number, sizeof hc->out->number, "%s", t.number);
	/* Not bound, or its day's key is already destroyed: never make one. */
	if (t.holder_mask[0] == '\0')
		return ST_OK;
	rc = store_day_key(st, t.day, 0, key);
	if (rc == ST_NOTFOUND)
		return ST_OK;
	if (rc != ST_OK)
		return rc;
	holder_hash(key, hc->norm, h);
	sodium_memzero(key, sizeof key);
	hc->out->bound = 1;
	if ((rc = store_ticket_holder_is(st, hc->id, h)) < 0)
		return rc;
	hc->out->match = rc == 1;
	return ST_OK;
}

int
desk_holder_check(struct desk *d, int64_t id, const char *document, int64_t now,
    struct desk_holder_check *out, char *err, size_t errlen)
{
	struct holder_check hc = { .id = id, .out = out };
	int rc;

	verb_init(&hc.v, d, NULL, now, NULL, err, errlen);
	memset(out, 0, sizeof *out);
	if (document == NULL)
		return verb_fail(&hc.v, DK_BAD_HOLDER, "'document' is required");
	if (holder_normalise(document, hc.norm, sizeof hc.norm, err, errlen) != 0)
		return DK_BAD_HOLDER;
	rc = verb_read(&hc.v, holder_tx, &hc);
	sodium_memzero(hc.norm, sizeof hc.norm);
	return rc;
}
