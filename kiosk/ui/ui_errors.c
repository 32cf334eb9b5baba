/*
 * ui_errors: the calm error screens: the server cannot be reached, the
 * printer cannot print, the reception is closed, the ticket was refused.
 * A refused check-in (an appointment too early, unknown, another day's,
 * cancelled) is one of them. Each says what happened and what to do, in
 * the visitor's language, with a large pictogram; staff's detail, in
 * French, small below. The full
 * service's screen (ui_ticket.c) uses the same layout when it has no slip.
 *
 * Part of the pure ui core: lays out with the kit (kit.h), reads the state,
 * writes only the frame; must not change the visitor's state.
 */
#include <stdio.h>
#include <string.h>

#include "ui/screens.h"

const char *
scr_printer_msgid(enum escpos_state st)
{
	switch (st) {
	case ESCPOS_PAPER_OUT:  return "L'imprimante n'a plus de papier. Veuillez vous adresser à l'accueil.";
	case ESCPOS_COVER_OPEN: return "Le capot de l'imprimante est ouvert. Veuillez vous adresser à l'accueil.";
	case ESCPOS_OFFLINE:    return "Imprimante hors ligne. Veuillez vous adresser à l'accueil.";
	default:                return "Problème d'imprimante. Veuillez vous adresser à l'accueil.";
	}
}

/* One line of an error screen. */
struct eline {
	const char *s;     /* text (already translated), NULL = skip */
	const char *lang;  /* its language */
	int big;           /* 2 title, 1 body, 0 small detail */
};

/* Text size and flags of a line. */
static int
line_size(const struct metrics *m, const struct eline *l)
{
	return l->big == 2 ? m->ft : l->big ? m->fb : m->fs;
}

static int
line_flags(const struct eline *l)
{
	return l->big == 2 ? TEXT_BOLD : 0;
}

/*
 * A calm error screen: a large pictogram and a few lines (what happened,
 * what to do, that the kiosk retries), centred in the body, the pictogram
 * beside the text in landscape and above it in portrait.
 */
static void
error_lines(struct ui *u, enum picto p, const struct eline *l, int n, const struct navbtn *nb,
    int nnb)
{
	struct metrics *m = &u->m;
	int ps = imax((int)(26 * m->mm), imin(u->w, u->h) / 6) * m->pic / 100, i, total = 0, y;
	int bottom = m->body.y + m->body.h - (nnb ? kit_nav_h(u) + m->gap : 0);
	int landscape = u->w > u->h * 5 / 4;
	int x = m->body.x + m->pad, w = m->body.w - 2 * m->pad;
	enum role ink = p == P_WARNING ? C_DANGER : C_ACCENT;

	if (landscape && ps) {
		x += ps + 2 * m->pad;
		w -= ps + 2 * m->pad;
	}
	for (i = 0; i < n; i++)
		if (l[i].s && l[i].s[0])
			total += kit_para_h(u, w, l[i].s, l[i].lang, line_size(m, &l[i]),
			    line_flags(&l[i])) + m->gap;
	if (!landscape && ps)
		total += ps + m->pad;
	kit_need(u, m->body.y + total, bottom);
	y = imax(m->body.y, m->body.y + (bottom - m->body.y - imax(total, ps)) * 2 / 5);
	if (ps && landscape) {
		kit_picto(u, p, mkrect(m->body.x + m->pad, y, ps, ps), ink, C_BG);
	} else if (ps) {
		kit_picto(u, p, mkrect(x, y, ps, ps), ink, C_BG);
		y += ps + m->pad;
	}
	for (i = 0; i < n && y < bottom; i++) {
		if (l[i].s == NULL || l[i].s[0] == '\0')
			continue;
		y += kit_para(u, x, y, w, l[i].s, l[i].lang, line_size(m, &l[i]), line_flags(&l[i]),
		    TEXT_ALIGN_LEFT, l[i].big ? C_TEXT : C_TEXT_SOFT) + m->gap;
		if (l[i].big)
			kit_say(u, l[i].lang, l[i].s);
	}
	if (nnb)
		kit_nav(u, nb, nnb);
}

void
scr_error(struct ui *u, enum picto p, const char *const *msgids, int n, const char *detail,
    const struct navbtn *nb, int nnb)
{
	struct eline l[8];
	int i, k = 0;

	for (i = 0; i < n && k < 7; i++, k++) {
		l[k].s = kit_tr(u, msgids[i], &l[k].lang);
		l[k].big = i == 0 ? 2 : 1;
	}
	l[k].s = detail;
	l[k].lang = "fr";
	l[k].big = 0;
	k++;
	error_lines(u, p, l, k, nb, nnb);
}

/* The queue server cannot be reached; or it is reconnecting to its
 * database (its answers' reason says so): a wait, not a fault. */
void
scr_server_down(struct ui *u)
{
	static const char *const msg[] = {
		"Le service est momentanément indisponible. Veuillez vous adresser à l'accueil.",
		"Nouvel essai automatique dans quelques instants.",
	};
	static const char *const again[] = {
		MSG_RECONNECTING,
		"Nouvel essai automatique dans quelques instants.",
	};
	int r = !strncmp(u->server_reason, SERVER_RECONNECTING, strlen(SERVER_RECONNECTING));

	scr_error(u, P_UNPLUGGED, r ? again : msg, 2, NULL, u->session ? kit_nav_done : NULL,
	    u->session);
}

/* The printer cannot print. */
void
scr_printer(struct ui *u)
{
	const char *msg[2];
	msg[0] = scr_printer_msgid(u->printer);
	msg[1] = "Nouvel essai automatique dans quelques instants.";
	scr_error(u, P_PRINTER, msg, 2, u->printer_reason, u->session ? kit_nav_done : NULL,
	    u->session);
}

/* Outside opening hours: today's hours, and when it opens next (a day
 * written 27/12/2026, read the same in every language of the kiosk). */
void
scr_closed(struct ui *u)
{
	const struct client_site *st = u->menu ? &u->menu->site : NULL;
	struct eline l[4];
	char day[16];

	l[0].s = kit_tr(u, "L'accueil est fermé.", &l[0].lang);
	l[0].big = 2;
	l[1].s = kit_tr(u, "Horaires d'ouverture", &l[1].lang);
	l[1].big = 1;
	if (st && st->opens[0] && st->closes[0])
		l[2].s = kit_fmt_tr(u, kit_tr(u, "Ouvert de %s à %s", &l[2].lang), st->opens,
		    st->closes);
	else
		l[2].s = kit_tr(u, "Fermé", &l[2].lang);
	l[2].big = 1;
	l[3].s = NULL;
	l[3].big = 1;
	if (st && strlen(st->next_day) == 10 && st->next_opens[0]) {
		snprintf(day, sizeof day, "%.2s/%.2s/%.4s", st->next_day + 8, st->next_day + 5,
		    st->next_day);
		l[3].s = kit_fmt_tr(u, kit_tr(u, "Prochaine ouverture : le %s à %s", &l[3].lang), day,
		    st->next_opens);
	}
	error_lines(u, P_CLOCK, l, 4, u->session ? kit_nav_done : NULL, u->session);
}

/* The server refused to issue (for a reason other than the ones above). */
void
scr_refused(struct ui *u)
{
	static const char *const msg[] = {
		"Le ticket n'a pas pu être délivré. Veuillez vous adresser à l'accueil.",
	};
	scr_error(u, P_WARNING, msg, 1, u->refuse_reason, kit_nav_done, 1);
}

/* The server did not answer in time: a ticket may exist. Never "no ticket":
 * the visitor is sent to the desk with the request's key, which tells staff
 * what became of it (GET /api/v1/requests/{key}). */
void
scr_uncertain(struct ui *u)
{
	struct eline l[3];

	l[0].s = kit_tr(u, "Le serveur n'a pas répondu à temps : un ticket a peut-être été créé.",
	    &l[0].lang);
	l[0].big = 2;
	l[1].s = kit_fmt_tr(u, kit_tr(u, "Adressez-vous à l'accueil avec ce code : %s", &l[1].lang),
	    u->request_key);
	l[1].big = 1;
	l[2].s = u->refuse_reason;
	l[2].lang = "fr";
	l[2].big = 0;
	error_lines(u, P_WARNING, l, 3, kit_nav_done, 1);
}

/* A refused check-in (issue #12), in plain words: too early (and when to
 * come back), an unknown code (Back: to correct it), another day's (and
 * which day: written out in French, 18/12/2026 in the other languages), a cancelled
 * appointment; and a walk-in's holder_elsewhere (issue #11: a ticket for
 * this service at another site today, its number in appt_when). The server's sentence, for staff, small below. */
void
scr_appt_refused(struct ui *u)
{
	const char *r = u->appt_refusal;
	struct eline l[4];
	char hhmm[6], day[64];
	int unknown = !strcmp(r, "unknown_code");

	memset(l, 0, sizeof l);
	l[0].big = 2;
	l[1].big = l[2].big = 1;
	l[3].s = u->refuse_reason;
	l[3].lang = "fr";
	if (!strcmp(r, "too_early")) {
		l[0].s = kit_tr(u, "Vous êtes en avance pour votre rendez-vous.", &l[0].lang);
		appt_hhmm(u->appt_when, hhmm);
		if (hhmm[0])
			l[1].s = kit_fmt_tr(u, kit_tr(u, "Revenez à %s pour enregistrer votre arrivée.",
			    &l[1].lang), hhmm);
	} else if (!strcmp(r, "not_today")) {
		l[0].s = kit_tr(u, "Votre rendez-vous n'est pas aujourd'hui.", &l[0].lang);
		if (strlen(u->appt_when) >= 10 && u->appt_when[4] == '-' && u->appt_when[7] == '-') {
			char d10[11];
			/* written out in French, 18/12/2026 in the other languages */
			snprintf(d10, sizeof d10, "%.10s", u->appt_when);
			i18n_day(kit_lang(u)->code, d10, day, sizeof day);
			l[1].s = kit_fmt_tr(u, kit_tr(u, "Votre rendez-vous est le %s.", &l[1].lang),
			    day);
		}
	} else if (!strcmp(r, "holder_elsewhere")) {
		l[0].s = kit_tr(u, "Vous avez déjà un ticket aujourd'hui pour ce service, sur un "
		    "autre site.", &l[0].lang);
		if (u->appt_when[0])
			l[1].s = kit_fmt_tr(u, kit_tr(u, "Votre ticket là-bas : %s", &l[1].lang),
			    u->appt_when);
		l[2].s = kit_tr(u, MSG_DESK, &l[2].lang);
	} else if (!strcmp(r, "cancelled")) {
		l[0].s = kit_tr(u, "Ce rendez-vous a été annulé.", &l[0].lang);
		l[1].s = kit_tr(u, MSG_DESK, &l[1].lang);
	} else {
		l[0].s = kit_tr(u, "Ce code de rendez-vous est inconnu.", &l[0].lang);
		l[1].s = kit_tr(u, "Vérifiez le code sur votre confirmation et tapez-le à nouveau.",
		    &l[1].lang);
		l[2].s = kit_tr(u, MSG_DESK, &l[2].lang);
	}
	error_lines(u, !strcmp(r, "too_early") ? P_CLOCK : P_WARNING, l, 4,
	    unknown ? kit_nav_back_done : kit_nav_done, unknown ? 2 : 1);
}

/* An enrolment slip scanned before the draw's close (issue #13): the
 * draw has not happened yet; come back after it (at what time, when it is
 * known: appt_when holds "HH:MM"). */
void
scr_draw_wait(struct ui *u)
{
	struct eline l[3];

	memset(l, 0, sizeof l);
	l[0].s = kit_tr(u, "Le tirage n'a pas encore eu lieu.", &l[0].lang);
	l[0].big = 2;
	if (strlen(u->appt_when) == 5 && u->appt_when[2] == ':')
		l[1].s = kit_fmt_tr(u, kit_tr(u, "Revenez après %s.", &l[1].lang), u->appt_when);
	l[1].big = 1;
	l[2].s = kit_tr(u, "Présentez à nouveau votre code QR à la borne après le tirage.",
	    &l[2].lang);
	l[2].big = 1;
	error_lines(u, P_CLOCK, l, 3, kit_nav_done, 1);
}
