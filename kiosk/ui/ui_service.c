/*
 * ui_service: the menu's services as the screens see them: the known demo
 * procedures (pictogram and one-line explanation, by French name), a
 * service's name in the visitor's language, whether it is full or bound to
 * its holder, and the service card the procedure, guide and confirmation
 * screens show.
 *
 * Part of the pure ui core: it reads the menu (client.h's plain structs)
 * and draws with the kit; it must not change the visitor's state.
 */
#include <string.h>

#include "ui/screens.h"

const struct svc_known svc_known[K_NKINDS] = {
	[K_FIRST]   = { "Premier titre de séjour",
	    "Vous demandez un titre de séjour pour la première fois.", P_CARD_NEW },
	[K_RENEW]   = { "Renouvellement de titre de séjour",
	    "Vous avez déjà un titre de séjour et vous demandez le suivant.", P_CARD_RENEW },
	[K_PICKUP]  = { "Retrait de titre de séjour",
	    "Votre titre est prêt : vous avez reçu un SMS ou une lettre.", P_CARD_PICKUP },
	[K_NATUR]   = { "Naturalisation", "Vous demandez la nationalité française.", P_BUILDING },
	[K_DIGITAL] = { "Point d'accueil numérique", "Aide pour faire une démarche en ligne.",
	    P_SCREEN },
};

int
svc_count(const struct ui *u)
{
	return u->menu ? u->menu->nservices : 0;
}

struct client_service *
svc_chosen(const struct ui *u)
{
	return u->service_i >= 0 && u->service_i < svc_count(u) ?
	    &u->menu->services[u->service_i] : NULL;
}
const char *
svc_fr(const struct client_service *s)
{
	return client_service_name(s, "fr");
}

int
svc_kind(const struct client_service *s)
{
	int k;
	for (k = 0; k < K_NKINDS; k++)
		if (!strcmp(svc_fr(s), svc_known[k].name))
			return k;
	return -1;
}

const char *
svc_name(const struct ui *u, const struct client_service *s, const char **lang)
{
	const struct lang *l = kit_lang(u);
	const char *fr = svc_fr(s), *t = NULL;
	int i;

	if (!l->easy && strcmp(l->code, "fr") != 0) {
		t = i18n_lookup(l->code, fr);
		for (i = 0; t == NULL && i < s->nnames; i++)
			if (!strcmp(s->names[i].lang, l->code))
				t = s->names[i].text;
	} else if (l->easy) {
		t = i18n_lookup(l->code, fr);
	}
	if (t) {
		*lang = l->easy ? "fr" : l->code;
		return t;
	}
	*lang = "fr";
	return fr;
}

int
svc_full(const struct client_service *s)
{
	return s->left_today == 0;
}

int
svc_bound(const struct ui *u)
{
	const struct client_service *s = svc_chosen(u);

	return s && s->bind_holder;
}

int
svc_chosen_full(const struct ui *u)
{
	const struct client_service *s = svc_chosen(u);

	return s && svc_full(s);
}

int
svc_of_kind(const struct ui *u, int k)
{
	int i;
	for (i = 0; i < svc_count(u); i++)
		if (svc_kind(&u->menu->services[i]) == k)
			return i;
	return -1;
}

/* The one-line explanation of a known procedure (NULL: none), *lang its
 * language. Squeezed on the confirmation: the name is enough. */
static const char *
explain(struct ui *u, const struct client_service *sv, const char **lang)
{
	int k = svc_kind(sv);

	*lang = "fr";
	return k >= 0 && !(u->squeeze >= 2 && u->screen == UI_S_CONFIRM) ?
	    kit_tr(u, svc_known[k].explain, lang) : NULL;
}

void
svc_card(struct ui *u, struct rect c, int si, int key, int with_badge)
{
	struct metrics *m = &u->m;
	const struct client_service *sv = &u->menu->services[si];
	int k = svc_kind(sv), first = u->ncmds, ti;
	const char *lang, *elang, *name = svc_name(u, sv, &lang), *ex = explain(u, sv, &elang);
	const char *status = NULL, *slang = "fr";
	int ps = imin(c.h - 2 * m->gap, (int)(17 * m->mm)), x, w, y, hn, he, bw;

	if (sv->draw_id)
		status = kit_tr(u, MSG_DRAW_TITLE, &slang);  /* its places are drawn */
	else if (svc_full(sv))
		status = kit_tr(u, "Complet", &slang);
	ti = kit_target(u, c, UI_T_SERVICE, si, key, kit_fmt(u, "service:%s", sv->code), name,
	    lang);
	kit_fill(u, c, C_SURFACE, m->radius);
	kit_stroke(u, c, C_BORDER, m->radius, m->border);
	kit_fill(u, mkrect(c.x + m->gap, c.y + (c.h - ps) / 2, ps, ps), C_TINT, ps / 2);
	kit_picto(u, k >= 0 ? svc_known[k].picto : P_DOCUMENT,
	    mkrect(c.x + m->gap + ps / 8, c.y + (c.h - ps) / 2 + ps / 8, ps * 3 / 4, ps * 3 / 4),
	    C_ON_TINT, C_TINT);
	bw = with_badge ? (int)(8 * m->mm) : 0;
	x = c.x + 2 * m->gap + ps;
	w = c.x + c.w - m->gap - bw - x;
	if (status) {
		int sw = kit_mwidth(u, status, slang, m->fs, TEXT_BOLD) + 2 * m->gap;
		struct rect sb = mkrect(c.x + c.w - bw - m->gap - sw, c.y + m->gap, sw,
		    kit_lineh(u, m->fs) + m->gap / 2);
		kit_fill(u, sb, sv->draw_id ? C_TINT : C_DANGER_BG, m->radius / 2);
		kit_stroke(u, sb, sv->draw_id ? C_ON_TINT : C_DANGER, m->radius / 2,
		    imax(1, m->border / 2));
		kit_textbox(u, sb, status, slang, m->fs, TEXT_BOLD, TEXT_ALIGN_CENTRE,
		    sv->draw_id ? C_ON_TINT : C_ON_DANGER_BG);
		w -= sw + m->gap;
	}
	hn = kit_para_h(u, w, name, lang, m->fb, TEXT_BOLD);
	he = ex ? kit_para_h(u, w, ex, elang, m->fs, 0) : 0;
	kit_need(u, hn + he, c.h);
	y = c.y + (c.h - hn - he) / 2;
	kit_para(u, x, y, w, name, lang, m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT, C_TEXT);
	if (ex)
		kit_para(u, x, y + hn, w, ex, elang, m->fs, 0, TEXT_ALIGN_LEFT, C_TEXT_SOFT);
	if (with_badge)
		kit_badge(u, c, key);
	kit_own(u, first, ti);
	kit_say(u, lang, key ? kit_fmt(u, "%d. %s", key, name) : name);
	if (ex)
		kit_say(u, elang, ex);
	if (status)
		kit_say(u, slang, status);
}

int
svc_card_h(struct ui *u, int si, int w, int as_target)
{
	struct metrics *m = &u->m;
	const struct client_service *sv = &u->menu->services[si];
	int ps = (int)(17 * m->mm), tw, h;
	const char *lang, *elang, *name = svc_name(u, sv, &lang), *ex = explain(u, sv, &elang);

	tw = w - 3 * m->gap - ps - (int)(8 * m->mm);
	if (sv->draw_id || svc_full(sv)) {
		const char *sl, *st = kit_tr(u, sv->draw_id ? MSG_DRAW_TITLE : "Complet", &sl);
		tw -= kit_mwidth(u, st, sl, m->fs, TEXT_BOLD) + 3 * m->gap;
	}
	h = kit_para_h(u, tw, name, lang, m->fb, TEXT_BOLD) +
	    (ex ? kit_para_h(u, tw, ex, elang, m->fs, 0) : 0) + 2 * m->gap;
	if (as_target)
		return imax(h, imax(m->tgt, ps + m->gap));
	return u->squeeze >= 2 ? h : imax(h, imin(ps, m->tgt) + m->gap);
}
