/*
 * ui_guide: the guided choice ("Je ne sais pas"): yes/no questions that
 * lead to one of the known procedures (or to the reception desk when the
 * site has none of that kind), its screen and its steps.
 *
 * Part of the pure ui core: the screen draws with the kit; the steps change
 * only the guide's fields of the session (gstep, ghist, gkind).
 */
#include <stdio.h>

#include "ui/screens.h"

/* The guided choice ("Je ne sais pas"): yes/no questions leading to a kind. */
enum guide_step { G_HAVE, G_READY, G_NATUR, G_ONLINE, G_RESULT };

static const struct gstep {
	const char *question;  /* msgid */
	int yes, no;           /* next step, or -(kind + 1) for a result */
} guide[G_RESULT] = {
	[G_HAVE]   = { "Avez-vous déjà un titre de séjour ?", G_READY, G_ONLINE },
	[G_READY]  = { "Votre titre est-il prêt à être retiré ?", -(K_PICKUP + 1), G_NATUR },
	[G_NATUR]  = { "Voulez-vous demander la nationalité française ?", -(K_NATUR + 1),
	    -(K_RENEW + 1) },
	[G_ONLINE] = { "Avez-vous besoin d'aide pour une démarche en ligne ?", -(K_DIGITAL + 1),
	    -(K_FIRST + 1) },
};

/* A question, with Yes and No. */
static void
question(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *lang, *s;
	int ps = kit_deco(u, 18), y = m->body.y;

	if (ps) {
		kit_picto(u, P_QUESTION, mkrect(m->body.x, y, ps, ps), C_ACCENT, C_BG);
		y += ps + m->gap;
	}
	s = kit_tr(u, guide[u->gstep].question, &lang);
	y += kit_para(u, m->body.x, y, m->body.w, s, lang, m->ft * 5 / 4, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_TEXT);
	kit_say(u, lang, s);
	kit_yes_no(u, y + m->pad, "Oui", "Non", 1);
	kit_nav(u, kit_nav_back_cancel, 2);
}

/* The result: the procedure found (its card takes it too), or the desk. */
static void
result(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *lang, *s;
	int si = svc_of_kind(u, u->gkind), y = m->body.y, h;
	static const struct navbtn nb_res[] = {
		{ UI_T_BACK, "Retour", P_BACK, B_SECONDARY, "back", 0 },
		{ UI_T_CONTINUE, "Continuer", P_NEXT, B_PRIMARY, "continue", 1 },
	};

	if (si < 0) {
		int ps = kit_deco(u, 18);
		if (ps) {
			kit_picto(u, P_WARNING, mkrect(m->body.x, y, ps, ps), C_ACCENT, C_BG);
			y += ps + m->gap;
		}
		s = kit_tr(u, "Allez à l'accueil : un agent va vous aider.", &lang);
		kit_para(u, m->body.x, y, m->body.w, s, lang, m->ft, TEXT_BOLD, TEXT_ALIGN_LEFT,
		    C_TEXT);
		kit_say(u, lang, s);
		kit_nav(u, kit_nav_back_done, 2);
		return;
	}
	y = kit_title(u, "Voici la démarche qui vous correspond :", y);
	h = imin(svc_card_h(u, si, m->body.w, 1), kit_bottom(u) - y);
	svc_card(u, mkrect(m->body.x, y, m->body.w, h), si, 1, 1);
	/* the card itself takes the procedure too */
	u->targets[u->ntargets - 1].id = UI_T_CONTINUE;
	snprintf(u->targets[u->ntargets - 1].name, sizeof u->targets[0].name, "found");
	kit_nav(u, nb_res, 2);
}

void
scr_guide(struct ui *u)
{
	if (u->gstep != G_RESULT)
		question(u);
	else
		result(u);
}

void
guide_clear(struct ui *u)
{
	u->gstep = G_HAVE;
	u->nghist = 0;
	u->gkind = -1;
}

void
guide_start(struct ui *u)
{
	guide_clear(u);
	flow_go(u, UI_S_GUIDE);
}

void
guide_answer(struct ui *u, int yes)
{
	int next = yes ? guide[u->gstep].yes : guide[u->gstep].no;

	if (u->nghist < (int)(sizeof u->ghist / sizeof u->ghist[0]))
		u->ghist[u->nghist++] = u->gstep;
	if (next < 0) {
		u->gkind = -next - 1;
		u->gstep = G_RESULT;
	} else {
		u->gstep = next;
	}
	flow_renew(u, 1);
}

int
guide_back(struct ui *u)
{
	if (u->nghist == 0)
		return 0;
	u->gstep = u->ghist[--u->nghist];
	flow_renew(u, 0);
	return 1;
}
