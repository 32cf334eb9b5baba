/*
 * figures: the day's figures of every site of the database together (issue
 * #11). Sites sharing a PostgreSQL database live in schemas of their own;
 * store_sites lists them and store_read_site reads one as if it were this
 * one: the same row functions as GET /api/v1/stats's. Each site is one
 * read transaction (its own consistent picture); the whole is their sum,
 * not one snapshot of the database. Read only: no verb here writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/queue.h"
#include "desk/desk_int.h"

#define MAX_SITES 64        /* schemas listed; more than any department runs */

/* One site's read. */
struct site_read {
	struct verb v;
	const char *day;
	struct desk_site_figs *f;
	struct stat_pool *pool;     /* this site's waits, added to the whole's once read */
};

static int
site_read_tx(struct store *st, void *arg)
{
	struct site_read *r = arg;
	struct desk_site_figs *f = r->f;
	int i, rc;

	r->v.st = st;
	f->nrows = f->nch = f->ncf = 0;
	/* A transaction run again (PostgreSQL, a connection lost) starts
	 * from nothing. */
	stat_pool_free(r->pool);
	if ((r->pool = stat_pool_new()) == NULL)
		return ST_ERR;
	if ((rc = store_site_get(st, f->conf)) != ST_OK)
		return rc == ST_NOTFOUND ? ST_ERR : rc;
	if ((f->nrows = store_stats_pooled(st, r->day, f->rows,
	    (int)(sizeof f->rows / sizeof f->rows[0]), r->pool)) < 0)
		return ST_ERR;
	/* An appointment is a no-show once DESK_NO_SHOW_AFTER_S past its start
	 * (desk_channels's rule). */
	if ((f->nch = store_channels(st, r->day, r->v.now - DESK_NO_SHOW_AFTER_S, f->ch,
	    SITE_MAX_SERVICES)) < 0)
		return ST_ERR;
	for (i = 0; i < f->conf->nservices && f->ncf < SITE_MAX_SERVICES; i++, f->ncf++)
		if ((rc = store_convoc_figures(st, r->day, r->v.day, f->conf->services[i].code,
		    &f->cf[f->ncf])) != ST_OK)
			return rc;
	return ST_OK;
}

/* The sites' services together into all->conf (names of the first). */
static void
add_services(struct site *all, const struct site *s)
{
	int i, k;

	for (i = 0; i < s->nservices; i++) {
		for (k = 0; k < all->nservices; k++)
			if (all->services[k].code == s->services[i].code)
				break;
		if (k == all->nservices) {
			if (k == SITE_MAX_SERVICES)
				continue;
			all->services[all->nservices++] = s->services[i];
			continue;
		}
		all->services[k].capacity += s->services[i].capacity;
		all->services[k].priority_reserve += s->services[i].priority_reserve;
		all->services[k].appointments += s->services[i].appointments;
		all->services[k].convocations += s->services[i].convocations;
	}
}

/* A site's channels added to the whole's. */
static void
add_channels(struct desk_site_figs *all, const struct desk_site_figs *f)
{
	int i, k, c;

	for (i = 0; i < f->nch; i++) {
		for (k = 0; k < all->nch; k++)
			if (all->ch[k].service == f->ch[i].service)
				break;
		if (k == all->nch) {
			if (k == SITE_MAX_SERVICES)
				continue;
			memset(&all->ch[k], 0, sizeof all->ch[k]);
			all->ch[k].service = f->ch[i].service;
			all->nch++;
		}
		for (c = 0; c < 2; c++) {
			struct channel_fig *a = c ? &all->ch[k].walkin : &all->ch[k].appt;
			const struct channel_fig *s = c ? &f->ch[i].walkin : &f->ch[i].appt;
			int called = a->called + s->called;
			/* The mean of every wait: the means weighted by the calls. */
			a->wait_mean_s = called ? (int)(((int64_t)a->wait_mean_s * a->called +
			    (int64_t)s->wait_mean_s * s->called + called / 2) / called) : 0;
			a->called = called;
			a->capacity += s->capacity;
			a->left += s->left;
			a->booked += s->booked;
			a->cancelled += s->cancelled;
			a->checked_in += s->checked_in;
			a->late_walkin += s->late_walkin;
			a->late_attestation += s->late_attestation;
			a->no_show += s->no_show;
			a->pending += s->pending;
			a->issued += s->issued;
			a->turned_away += s->turned_away;
			a->wait_p50_s = a->wait_p90_s = -1;
		}
	}
}

static void
add_convocations(struct desk_site_figs *all, const struct desk_site_figs *f)
{
	int i, k;

	for (i = 0; i < f->ncf; i++) {
		for (k = 0; k < all->ncf; k++)
			if (all->cf[k].service == f->cf[i].service)
				break;
		if (k == all->ncf) {
			if (k == SITE_MAX_SERVICES)
				continue;
			memset(&all->cf[k], 0, sizeof all->cf[k]);
			all->cf[k].service = f->cf[i].service;
			all->ncf++;
		}
		all->cf[k].issued += f->cf[i].issued;
		all->cf[k].for_day += f->cf[i].for_day;
		all->cf[k].cancelled += f->cf[i].cancelled;
		all->cf[k].honoured += f->cf[i].honoured;
		all->cf[k].missed += f->cf[i].missed;
	}
}

int
desk_figures(struct desk *d, const char *day, int64_t now, const char *which,
    struct desk_figures *out, char *err, size_t errlen)
{
	struct store_site *list = NULL;
	struct stat_pool *pool = NULL;
	struct verb v;
	int n, i, rc = DK_ERR;

	memset(out, 0, sizeof *out);
	verb_init(&v, d, NULL, now, NULL, err, errlen);
	if ((list = calloc(MAX_SITES, sizeof *list)) == NULL ||
	    (out->sites = calloc(MAX_SITES, sizeof *out->sites)) == NULL ||
	    (out->all.conf = calloc(1, sizeof *out->all.conf)) == NULL ||
	    (pool = stat_pool_new()) == NULL) {
		verb_fail(&v, DK_ERR, "out of memory");
		goto out;
	}
	if ((n = store_sites(d->st, list, MAX_SITES, err, errlen)) < 0)
		goto out;
	snprintf(out->all.site.id, sizeof out->all.site.id, "all");
	for (i = 0; i < n; i++) {
		struct desk_site_figs *f;
		struct site_read r;
		struct store_site *s = &list[i];

		/* SQLite, or a row to be read: this site's own names. */
		if (s->self && !s->id[0]) {
			snprintf(s->id, sizeof s->id, "%s", d->site.id);
			snprintf(s->name, sizeof s->name, "%s", d->site.name);
			snprintf(s->tz, sizeof s->tz, "%s", d->site.tz);
		}
		/* A site whose row this role may not read: by its schema's name. */
		if (which && strcmp(which, s->id) != 0 && (s->id[0] || strcmp(which, s->schema)))
			continue;
		f = &out->sites[out->n++];
		f->site = *s;
		if (!s->skipped[0] && strcmp(s->tz, d->site.tz) != 0)
			snprintf(f->site.skipped, sizeof f->site.skipped, "time zone %.60s, not this "
			    "server's %.60s: ask one of its own servers", s->tz, d->site.tz);
		if (f->site.skipped[0])
			continue;
		if ((f->conf = calloc(1, sizeof *f->conf)) == NULL) {
			verb_fail(&v, DK_ERR, "out of memory");
			goto out;
		}
		memset(&r, 0, sizeof r);
		verb_init(&r.v, d, NULL, now, NULL, err, errlen);
		r.day = day;
		r.f = f;
		if (store_read_site(d->st, s->schema, site_read_tx, &r, err, errlen) != ST_OK) {
			stat_pool_free(r.pool);
			/* This site's storage: the request fails (503). Another
			 * site's read that fails (a grant revoked meanwhile, a
			 * table it lacks): that site is skipped, with the reason. */
			if (s->self || !err[0] || !strncmp(err, STORE_RECONNECTING,
			    strlen(STORE_RECONNECTING)))
				goto out;
			snprintf(f->site.skipped, sizeof f->site.skipped, "%.230s", err);
			err[0] = '\0';
			free(f->conf);
			f->conf = NULL;
			continue;
		}
		if (stat_pool_add(pool, r.pool) != ST_OK) {
			stat_pool_free(r.pool);
			verb_fail(&v, DK_ERR, "out of memory");
			goto out;
		}
		stat_pool_free(r.pool);
		out->nread++;
		add_services(out->all.conf, f->conf);
		add_channels(&out->all, f);
		add_convocations(&out->all, f);
	}
	if (which && out->n == 0) {
		rc = verb_fail(&v, DK_NOTFOUND, "no site \"%s\" in this database", which);
		goto out;
	}
	out->all.nrows = stat_pool_rows(pool, out->all.rows,
	    (int)(sizeof out->all.rows / sizeof out->all.rows[0]));
	rc = DK_OK;
out:
	free(list);
	stat_pool_free(pool);
	if (rc != DK_OK) {
		desk_figures_free(out);
		memset(out, 0, sizeof *out);
	}
	return rc;
}

void
desk_figures_free(struct desk_figures *f)
{
	int i;

	if (f == NULL)
		return;
	for (i = 0; f->sites && i < f->n; i++)
		free(f->sites[i].conf);
	free(f->sites);
	free(f->all.conf);
	f->sites = NULL;
	f->all.conf = NULL;
	f->n = 0;
}
