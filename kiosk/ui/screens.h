/*
 * screens: what the files of ui/ share beyond the kit (kit.h). Internal to
 * ui/; nothing here is in ui.h.
 *
 * One file per screen or small family of screens lays it out with the kit,
 * reading the state and writing only the frame:
 *   ui_welcome.c    loading, welcome, language
 *   ui_procedure.c  procedure, priority
 *   ui_guide.c      the guided choice ("Je ne sais pas")
 * The services as the screens see them are in ui_service.c.
 *
 * Pure core: no SDL, no clock, no I/O.
 */
#ifndef KIOSK_UI_SCREENS_H
#define KIOSK_UI_SCREENS_H

#include "ui/kit.h"

/* ---- the menu's services (ui_service.c) ------------------------------------- */

/* The demo procedures the kiosk knows by their French name. */
enum kind { K_FIRST, K_RENEW, K_PICKUP, K_NATUR, K_DIGITAL, K_NKINDS };

struct svc_known {
	const char *name;     /* French name (msgid) */
	const char *explain;  /* one-line explanation (msgid) */
	enum picto picto;     /* pictogram */
};
extern const struct svc_known svc_known[K_NKINDS];

int svc_count(const struct ui *u);                        /* services in the menu */
const struct client_service *svc_chosen(const struct ui *u); /* the chosen one, or NULL */
const char *svc_fr(const struct client_service *s);       /* its French name */
int svc_kind(const struct client_service *s);             /* its enum kind, or -1 */
/* The service's name for the visitor: the catalogue's translation of the
 * French name, else the site file's name in that language, else French. */
const char *svc_name(const struct ui *u, const struct client_service *s, const char **lang);
int svc_full(const struct client_service *s);             /* no ticket left today */
int svc_bound(const struct ui *u);      /* the chosen service needs a document number */
int svc_chosen_full(const struct ui *u);                  /* the chosen service is full */
int svc_of_kind(const struct ui *u, int k);               /* the site's service of kind k, or -1 */
/* One service card in c: pictogram, name, explanation, status, and (with_badge)
 * the number key; a target (UI_T_SERVICE, arg si). */
void svc_card(struct ui *u, struct rect c, int si, int key, int with_badge);
/* Height a card needs at width w (as_target: at least a target's). */
int svc_card_h(struct ui *u, int si, int w, int as_target);

/* ---- the screens: each lays the current screen out in u's frame ---------------- */

void scr_loading(struct ui *u);
void scr_welcome(struct ui *u);
void scr_language(struct ui *u);
void scr_procedure(struct ui *u);
void scr_priority(struct ui *u);
void scr_guide(struct ui *u);

/* ---- the guided choice (ui_guide.c) ---------------------------------------------- */

void guide_clear(struct ui *u);           /* back to the first question */
void guide_start(struct ui *u);           /* the guide screen, from its first question */
void guide_answer(struct ui *u, int yes); /* the next question, or the result */
int guide_back(struct ui *u);             /* the previous question; 0 when at the first */

/* ---- the visit (ui.c) -------------------------------------------------------------- */

/* Show screen s (its first page, no focus, spoken when speech is on). */
void flow_go(struct ui *u, enum ui_screen s);

#endif
