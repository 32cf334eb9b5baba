/*
 * alerts: the abuse alerts (docs/QUEUE.md), checked inside the verb that
 * could cross a threshold. Each (day, kind, subject) is raised once; a new
 * alert is stored in the verb's transaction and becomes a DE_ALERT event.
 *
 * Cost: a verb runs these checks on every slip, so each one first asks
 * whether its alert exists already (one index seek) and counts events only
 * up to its threshold, never the whole day.
 */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/queue.h"
#include "desk/desk_int.h"

int
desk_raise_alert(struct verb *v, const char *kind, const char *subject, const char *message)
{
	struct alert a;
	struct desk_event *e;
	int rc;

	memset(&a, 0, sizeof a);
	a.at = v->now;
	snprintf(a.kind, sizeof a.kind, "%s", kind);
	snprintf(a.subject, sizeof a.subject, "%s", subject);
	snprintf(a.message, sizeof a.message, "%s", message);
	if ((rc = store_alert_add(v->st, v->day, &a)) < 0)
		return rc;
	if (rc == 0)
		return ST_OK;
	log_warnx("alert: %s: %s", a.kind, a.message);
	if ((e = verb_event(v, DE_ALERT)) != NULL)
		e->alert = a;
	return ST_OK;
}

/* 1 when the alert is new and the count reaches the threshold, 0, or ST_ERR. */
static int
over(struct verb *v, const char *kind, const char *subject, const char *day, const char *kinds,
    const char *agent, int64_t since, int threshold, int *count)
{
	int rc = store_alert_exists(v->st, v->day, kind, subject);

	if (rc != 0)
		return rc < 0 ? rc : 0;
	*count = store_event_count(v->st, day, kinds, agent, since, threshold);
	if (*count < 0)
		return ST_ERR;
	return *count >= threshold;
}

static int
check_burst(struct verb *v, const struct site_alerts *t, const char *device, int hour)
{
	char subject[64], msg[200];
	int k, rc;

	snprintf(subject, sizeof subject, "%s %02dh", device, hour);
	if ((rc = over(v, "burst", subject, NULL, "issue,attestation", device, v->now - 59,
	    t->burst_per_minute, &k)) <= 0)
		return rc;
	snprintf(msg, sizeof msg, "la borne %.40s a délivré %d tickets en une minute (seuil %d) : "
	    "vérifier qui est à la borne", device, k, t->burst_per_minute);
	return desk_raise_alert(v, "burst", subject, msg);
}

static int
check_holders(struct verb *v, const struct site_alerts *t)
{
	char numbers[16][12], msg[200];
	int counts[16], i, n, rc;

	n = store_repeated_duplicates(v->st, v->day, t->holder_refusals, numbers, counts, 16);
	for (i = 0; i < n; i++) {
		snprintf(msg, sizeof msg, "le titulaire du ticket %.11s a redemandé un ticket %d fois "
		    "aujourd'hui (seuil %d)", numbers[i], counts[i], t->holder_refusals);
		if ((rc = desk_raise_alert(v, "holder_refusals", numbers[i], msg)) != ST_OK)
			return rc;
	}
	return n < 0 ? ST_ERR : ST_OK;
}

static int
check_closed(struct verb *v, const struct site_alerts *t)
{
	char msg[200];
	int k, rc;

	if ((rc = over(v, "outside_hours", "", v->day, "refused_closed", NULL, 0, t->outside_hours,
	    &k)) <= 0)
		return rc;
	snprintf(msg, sizeof msg, "%d demandes de ticket pendant la fermeture aujourd'hui (seuil %d)",
	    k, t->outside_hours);
	return desk_raise_alert(v, "outside_hours", "", msg);
}

static int
check_reprints(struct verb *v, const struct site_alerts *t, int hour)
{
	char subject[16], msg[200];
	int k, rc;

	snprintf(subject, sizeof subject, "%02dh", hour);
	if ((rc = over(v, "reprints", subject, NULL, "reprint,duplicate", NULL, v->now - 3599,
	    t->reprints_per_hour, &k)) <= 0)
		return rc;
	snprintf(msg, sizeof msg, "%d réimpressions dans la dernière heure (seuil %d)", k,
	    t->reprints_per_hour);
	return desk_raise_alert(v, "reprints", subject, msg);
}

static int
check_paper(struct verb *v, const struct site_alerts *t)
{
	char msg[200];
	int64_t slips, issued;
	int rc = store_alert_exists(v->st, v->day, "paper", "");

	if (rc != 0)
		return rc < 0 ? rc : ST_OK;
	if ((rc = store_day_slips(v->st, v->day, &slips, &issued)) != ST_OK)
		return rc;
	if (slips < 20 || slips * 100 <= issued * t->paper_ratio)
		return ST_OK;
	snprintf(msg, sizeof msg, "%lld impressions pour %lld tickets et attestations aujourd'hui "
	    "(seuil %d %%) : consommation de papier anormale", (long long)slips, (long long)issued,
	    t->paper_ratio);
	return desk_raise_alert(v, "paper", "", msg);
}

/* Check-in codes refused at one kiosk (unknown, another day's, cancelled,
 * the wrong holder) within ten minutes: someone may be trying codes. */
static int
check_guess(struct verb *v, const struct site_alerts *t, const char *device, int hour)
{
	char subject[64], msg[200];
	int k, rc;

	snprintf(subject, sizeof subject, "%s %02dh", device, hour);
	if ((rc = over(v, "checkin_guess", subject, NULL, "checkin_refused", device, v->now - 599,
	    t->checkin_guesses, &k)) <= 0)
		return rc;
	snprintf(msg, sizeof msg, "la borne %.40s a refusé %d codes de rendez-vous en dix minutes "
	    "(seuil %d) : quelqu'un essaie peut-être des codes", device, k, t->checkin_guesses);
	return desk_raise_alert(v, "checkin_guess", subject, msg);
}

int
desk_check_alerts(struct verb *v, unsigned checks, const char *device)
{
	const struct site_alerts *t = &v->d->site.alerts;
	int minute, wday, rc = ST_OK;

	queue_local_minute(v->now, &minute, &wday);
	if ((checks & AC_BURST) && t->burst_per_minute && device)
		rc = check_burst(v, t, device, minute / 60);
	if (rc == ST_OK && (checks & AC_HOLDER) && t->holder_refusals)
		rc = check_holders(v, t);
	if (rc == ST_OK && (checks & AC_CLOSED) && t->outside_hours)
		rc = check_closed(v, t);
	if (rc == ST_OK && (checks & AC_REPRINT) && t->reprints_per_hour)
		rc = check_reprints(v, t, minute / 60);
	if (rc == ST_OK && (checks & AC_PAPER) && t->paper_ratio)
		rc = check_paper(v, t);
	if (rc == ST_OK && (checks & AC_GUESS) && t->checkin_guesses && device)
		rc = check_guess(v, t, device, minute / 60);
	return rc;
}
