/*
 * dispense: issued ticket -> slip view -> bitmap -> printer -> report
 * (see dispense.h). The catalogue strings used on the slip are the msgids
 * of assets/po/messages.pot marked "Slip:".
 */
#include <stdio.h>
#include <string.h>

#include "cmd/dispense.h"
#include "core/draw.h"
#include "core/i18n.h"
#include "core/log.h"

/* French msgids of the slip (assets/po/messages.pot). */
#define M_NUMBER   "Numéro"
#define M_POSITION "Position"
#define M_WAIT     "Attente estimée"
#define M_MINUTES  "%d min"
#define M_HOLDER   "Titulaire"
#define M_DUP      "DUPLICATA"
#define M_VALID    "Valable uniquement aujourd'hui, pour une seule visite."
#define M_FREE     "Ce ticket est gratuit. Ne le payez jamais."
#define M_ATT      "Attestation de passage"
#define M_FULL     "Capacité du jour atteinte"
#define M_SERIAL   "N° de série"
#define M_LATE     "Arrivée après l'heure du rendez-vous"
#define M_APPT     "Rendez-vous à %s"
#define M_DRAW     "Non tiré(e) au sort"
#define M_CONVOC   "Convocation pour un autre jour"
#define M_CONVOC_ON "Revenez le %s, entre %s et %s. Code : %s"
#define M_CONVOC_KEEP "Gardez cette convocation : présentez-la à la borne ce jour-là."
/* The enrolment in a draw (issue #13); the screens say some too (ui/screens.h). */
#define M_DRAW_TITLE "Inscription au tirage au sort"
#define M_ENTRY    "N° d'inscription"
#define M_DRAW_AT  "Tirage au sort à %s"
#define M_DRAW_AT_END "Tirage au sort à la clôture des inscriptions"
#define M_DRAW_BACK_AT "Revenez après %s et scannez ce bon à la borne."
#define M_DRAW_BACK "Revenez après le tirage au sort et scannez ce bon à la borne."
#define M_DRAW_FAIR "Arriver tôt ne donne aucun avantage : chaque inscription a la même chance."
#define M_DRAW_FREE "Ce bon est gratuit. Ne le payez jamais."
#define M_COMMIT   "Engagement du tirage"
#define M_COMMIT_NOTE "Cet engagement, publié avant le tirage, permet de vérifier qu'il n'a pas " \
	"été changé."
#define M_ATT_KEEP "Gardez cette attestation. Elle peut vous servir à prouver vos démarches."
#define M_STATEMENT "Cette attestation certifie que vous vous êtes présenté(e) à l'accueil " \
	"à la date et à l'heure indiquées. Ce n'est pas un récépissé et elle ne donne " \
	"aucun droit au séjour."

/* A catalogue string and its translation into lang. */
static struct ticket_text2
tr2(const char *lang, const char *msgid)
{
	struct ticket_text2 t;

	t.fr = msgid;
	t.local = i18n_tr(lang, msgid);
	return t;
}

/* A printf template with one %d into ticket.h's "{n}" form. "%%" -> "%". */
static void
to_template(char *out, size_t outlen, const char *fmt)
{
	size_t o = 0;
	int done = 0;

	while (*fmt && o + 4 < outlen) {
		if (fmt[0] == '%' && fmt[1] == '%') {
			out[o++] = '%';
			fmt += 2;
		} else if (fmt[0] == '%' && fmt[1] == 'd' && !done) {
			memcpy(out + o, "{n}", 3);
			o += 3;
			fmt += 2;
			done = 1;
		} else {
			out[o++] = *fmt++;
		}
	}
	/* Never cut a UTF-8 character in two. */
	if (((unsigned char)*fmt & 0xC0) == 0x80) {
		while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
			o--;
		if (o > 0)
			o--;   /* the lead byte of the cut character */
	}
	out[o] = '\0';
}

/* "2026-11-27T09:14:05+01:00" (local time, as the API gives it) ->
 * "27/11/2026 09:14". The string is used as it is when it has another shape. */
static void
format_datetime(char *out, size_t outlen, const char *rfc3339)
{
	int y, mo, d, h, mi;
	char sep;

	if (sscanf(rfc3339, "%4d-%2d-%2d%c%2d:%2d", &y, &mo, &d, &sep, &h, &mi) == 6 &&
	    (sep == 'T' || sep == ' ') && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 &&
	    h >= 0 && h < 24 && mi >= 0 && mi < 60)
		snprintf(out, outlen, "%02d/%02d/%04d %02d:%02d", d, mo, y, h, mi);
	else
		snprintf(out, outlen, "%s", rfc3339);
}

/* A convocation's slip: the attestation's layout under the convocation's
 * title (it is also the proof of today's visit: the outcome says today
 * was full), the day written out (French) or as dd/mm/yyyy (the
 * applicant's language), the window and the check-in code. */
static void
convocation_lines(struct dispense_slip *s, const struct client_ticket *t, const char *lang)
{
	struct ticket_view *v = &s->view;
	char words[64], numeric[16];

	i18n_day("fr", t->conv_date, words, sizeof words);
	snprintf(numeric, sizeof numeric, "%.2s/%.2s/%.4s", t->conv_date + 8, t->conv_date + 5,
	    t->conv_date);
	v->att.title = tr2(lang, M_CONVOC);
	v->att.outcome = tr2(lang, M_FULL);
	/* the catalogue refuses a translation whose conversions differ */
	snprintf(s->appt_fr, sizeof s->appt_fr, M_CONVOC_ON, words, t->conv_from, t->conv_to,
	    t->conv_code);
	snprintf(s->appt_local, sizeof s->appt_local, i18n_tr(lang, M_CONVOC_ON), numeric,
	    t->conv_from, t->conv_to, t->conv_code);
	if (!strcmp(i18n_tr(lang, M_CONVOC_ON), M_CONVOC_ON))
		s->appt_local[0] = '\0';   /* no translation: French only */
	v->appointment.fr = s->appt_fr;
	v->appointment.local = s->appt_local;
	v->labels.keep = tr2(lang, M_CONVOC_KEEP);
}

/* A template with one %s filled in French and in lang (the catalogue
 * refuses a translation whose conversions differ); "" for the local one
 * when there is no translation. */
static void
fill_s(char *fr, size_t frlen, char *loc, size_t loclen, const char *lang, const char *msgid,
    const char *arg)
{
	const char *tr = i18n_tr(lang, msgid);

	snprintf(fr, frlen, msgid, arg);
	if (strcmp(tr, msgid) != 0)
		snprintf(loc, loclen, tr, arg);
	else
		loc[0] = '\0';
}

/* An enrolment slip: the entry in groups, the draw's time (or its end),
 * when to come back, the commitment, the free notice. */
static void
draw_entry_lines(struct dispense_slip *s, const struct client_ticket *t, const char *lang)
{
	struct ticket_view *v = &s->view;
	struct ticket_draw_entry *d = &v->draw;

	v->kind = TICKET_KIND_DRAW_ENTRY;
	v->number = NULL;
	v->position = v->wait_min = -1;
	d->title = tr2(lang, M_DRAW_TITLE);
	d->entry_label = tr2(lang, M_ENTRY);
	draw_grouped(t->draw_entry, 4, s->entry, sizeof s->entry);
	d->entry = s->entry;
	if (t->draw_closes[0]) {
		fill_s(s->when_fr, sizeof s->when_fr, s->when_local, sizeof s->when_local, lang,
		    M_DRAW_AT, t->draw_closes);
		fill_s(s->back_fr, sizeof s->back_fr, s->back_local, sizeof s->back_local, lang,
		    M_DRAW_BACK_AT, t->draw_closes);
		d->when = (struct ticket_text2){ s->when_fr, s->when_local };
		d->back = (struct ticket_text2){ s->back_fr, s->back_local };
	} else {
		d->when = tr2(lang, M_DRAW_AT_END);
		d->back = tr2(lang, M_DRAW_BACK);
	}
	if (t->draw_commitment[0]) {
		draw_grouped(t->draw_commitment, 8, s->commitment, sizeof s->commitment);
		d->commitment = s->commitment;
		d->commitment_label = tr2(lang, M_COMMIT);
		d->commitment_note = tr2(lang, M_COMMIT_NOTE);
	}
	v->free_notice = tr2(lang, M_DRAW_FREE);
	v->labels.keep = tr2(lang, M_DRAW_FAIR);
}

int
dispense_fill(struct dispense_slip *s, const struct client_ticket *t, const char *site_name,
    char *err, size_t errlen)
{
	struct ticket_view *v = &s->view;
	const char *lang = t->lang[0] ? t->lang : "fr";

	memset(s, 0, sizeof *s);
	if (!t->token[0])
		return errf(err, errlen, "slip %s has no signed token: refusing to print it",
		    t->number[0] ? t->number : t->serial[0] ? t->serial : t->draw_entry);
	v->kind = TICKET_KIND_TICKET;
	v->lang = lang;
	v->site_name = t->site_name[0] ? t->site_name : site_name;
	v->number = t->number;
	v->service.fr = t->service_fr[0] ? t->service_fr : t->service;
	/* The site file's own name for this language wins; else the catalogue
	 * (which holds the demo services' names); else French only. */
	v->service.local = t->service_local[0] ? t->service_local : i18n_tr(lang, v->service.fr);
	format_datetime(s->datetime, sizeof s->datetime, t->issued_at);
	v->datetime = s->datetime;
	v->position = t->position;
	v->wait_min = t->estimated_wait_s < 0 ? -1 : (t->estimated_wait_s + 59) / 60;
	v->free_notice = tr2(lang, M_FREE);
	v->holder_ref = t->holder_ref[0] ? t->holder_ref : NULL;
	v->qr_payload = t->token;
	v->reprint = t->reprints > 0 ? t->reprints : 0;
	v->labels.number = tr2(lang, M_NUMBER);
	v->labels.position = tr2(lang, M_POSITION);
	v->labels.wait = tr2(lang, M_WAIT);
	to_template(s->minutes_fr, sizeof s->minutes_fr, M_MINUTES);
	to_template(s->minutes_local, sizeof s->minutes_local, i18n_tr(lang, M_MINUTES));
	v->labels.minutes.fr = s->minutes_fr;
	v->labels.minutes.local = s->minutes_local;
	v->labels.holder = tr2(lang, M_HOLDER);
	v->labels.duplicate = tr2(lang, M_DUP);
	v->labels.keep = tr2(lang, M_VALID);
	/* "Rendez-vous à 10:30": the start as the server wrote it, in the
	 * site's local time ("2026-12-04T10:30:00+01:00"). Not on a walk-in
	 * ticket given after the window: that ticket is no appointment's. */
	if (strlen(t->appt_start) >= 16 && t->appt_start[13] == ':' &&
	    (!strcmp(t->kind, "appointment") || !strcmp(t->outcome, "late"))) {
		char hhmm[6];
		snprintf(hhmm, sizeof hhmm, "%.5s", t->appt_start + 11);
		/* the catalogue refuses a translation whose conversions differ */
		snprintf(s->appt_fr, sizeof s->appt_fr, M_APPT, hhmm);
		snprintf(s->appt_local, sizeof s->appt_local, i18n_tr(lang, M_APPT), hhmm);
		v->appointment.fr = s->appt_fr;
		v->appointment.local = s->appt_local;
	}
	if (!strcmp(t->kind, "draw_entry"))
		draw_entry_lines(s, t, lang);
	if (!strcmp(t->kind, "attestation")) {
		v->kind = TICKET_KIND_ATTESTATION;
		v->number = NULL;
		v->position = v->wait_min = -1;
		v->labels.keep = tr2(lang, M_ATT_KEEP);
		v->att.title = tr2(lang, M_ATT);
		if (!strcmp(t->outcome, "full") || !t->outcome[0])
			v->att.outcome = tr2(lang, M_FULL);
		else if (!strcmp(t->outcome, "late"))
			v->att.outcome = tr2(lang, M_LATE);
		else if (!strcmp(t->outcome, "draw"))   /* a draw's entry not drawn */
			v->att.outcome = tr2(lang, M_DRAW);
		else
			v->att.outcome = (struct ticket_text2){ t->outcome, NULL };
		if (t->conv_id && strlen(t->conv_date) == 10)
			convocation_lines(s, t, lang);
		v->att.serial = t->serial[0] ? t->serial : NULL;
		v->att.serial_label = tr2(lang, M_SERIAL);
		v->att.statement = tr2(lang, M_STATEMENT);
		/* An attestation names the kiosk it came from. */
		if (t->device[0]) {
			size_t n = strlen(s->datetime);
			snprintf(s->datetime + n, sizeof s->datetime - n, " — borne %s", t->device);
		}
		if (t->attempt > 1 && strlen(t->first_date) == 8) {
			/* The catalogue refuses a translation whose conversions differ
			 * from the French (%d %s %d), so it is a safe format. */
			static const char M_CHAIN[] = "Tentative n° %d ; première tentative le %s ; "
			    "tentatives sur %d semaines différentes";
			const char *d = t->first_date;
			char date[16];
			snprintf(date, sizeof date, "%.2s/%.2s/%.4s", d + 6, d + 4, d);
			snprintf(s->attempts, sizeof s->attempts, M_CHAIN, t->attempt, date, t->weeks);
			snprintf(s->attempts_local, sizeof s->attempts_local, i18n_tr(lang, M_CHAIN),
			    t->attempt, date, t->weeks);
			v->att.attempts.fr = s->attempts;
			v->att.attempts.local = s->attempts_local;
		}
	}
	return 0;
}

struct bitmap *
dispense_render(struct printer *p, struct fonts *f, const struct ticket_view *v,
    char *err, size_t errlen)
{
	const struct printer_profile *pp = printer_profile(p);

	return ticket_render(v, pp->dots, pp->dpi, f, err, errlen);
}

const char *
dispense_status_word(enum print_outcome o)
{
	switch (o) {
	case PRINT_CONFIRMED:   return "confirmed";
	case PRINT_UNCONFIRMED: return "unconfirmed";
	case PRINT_FAILED:      return "failed";
	}
	return "failed";
}

enum client_rc
dispense_report(struct client *c, const struct client_ticket *t, const struct print_result *pr,
    char *err, size_t errlen)
{
	struct client_print cp = { dispense_status_word(pr->outcome), NULL, pr->paper_mm };

	/* Why it failed, or why it is not confirmed (a silent printer). */
	if (pr->outcome == PRINT_FAILED)
		cp.reason = pr->reason[0] ? pr->reason : "printer failure";
	else if (pr->outcome == PRINT_UNCONFIRMED && pr->reason[0])
		cp.reason = pr->reason;
	if (!strcmp(t->kind, "draw_entry")) {
		/* the server keeps no print record of an enrolment: nothing to tell */
		if (err && errlen)
			err[0] = '\0';
		return CLIENT_OK;
	}
	if (!strcmp(t->kind, "attestation"))
		return client_attestation_printed(c, t->id, &cp, err, errlen);
	return client_printed(c, t->id, &cp, NULL, err, errlen);
}

int
dispense_print(struct printer *p, struct client *c, const struct client_ticket *t,
    const struct bitmap *b, struct dispense_result *out)
{
	int rc;

	expect(p != NULL && c != NULL && t != NULL && b != NULL && out != NULL);
	memset(out, 0, sizeof *out);
	rc = printer_print(p, b, &out->print);
	out->report = dispense_report(c, t, &out->print, out->report_err, sizeof out->report_err);
	if (out->report == CLIENT_OK)
		out->report_err[0] = '\0';
	return rc == 0 && out->print.outcome != PRINT_FAILED ? 0 : -1;
}
