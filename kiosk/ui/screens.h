/*
 * screens: what the files of ui/ share beyond the kit (kit.h): the screens,
 * the visit's state machine, input, actions. Internal to ui/; nothing here
 * is in ui.h. The kit must not include it.
 *
 * One file per screen or small family of screens lays it out with the kit:
 *   ui_welcome.c    loading, welcome, language
 *   ui_procedure.c  procedure, priority
 *   ui_guide.c      the guided choice ("Je ne sais pas")
 *   ui_holder.c     the document keypad (and the keypad both keypads draw)
 *   ui_appt.c       the appointment's code keypad, and the check-in's steps
 *   ui_confirm.c    confirmation, issuing, the scanned attestation's banner
 *   ui_ticket.c     the ticket, the attestation de passage of a full service,
 *                   the convocation for a later day, and the enrolment in a draw
 *   ui_draw.c       a draw's explanation, and the enrolment's steps
 *   ui_errors.c     server down, printer, closed, refused, a refused check-in,
 *                   a draw not drawn yet
 *   ui_redeem.c     (no screen) an enrolment slip's redeem, a convocation's scan
 *   ui_admin.c      the staff's PIN keypad and admin screen
 *   ui_time.c       the idle countdown's dialog
 * The services as the screens see them are in ui_service.c. Laying a
 * screen out changes no state but the frame's (and a list's page number,
 * kept within its pages); the keys of the keypads (ui_holder.c,
 * ui_admin.c), ui_flow.c, ui_input.c, ui_scan.c, ui_time.c and ui_world.c
 * change the session and the world.
 *
 * Pure core: no SDL, no clock, no I/O.
 */
#ifndef KIOSK_UI_SCREENS_H
#define KIOSK_UI_SCREENS_H

#include "ui/kit.h"

/* Strings more than one screen says (msgids of assets/po). */
#define MSG_FULL      "Ce service est complet pour aujourd'hui."
#define MSG_ATT_PRINTED "Une attestation de passage va être imprimée. Elle prouve que vous êtes venu(e) aujourd'hui."
#define MSG_PREV_OK   "Votre attestation précédente a été prise en compte."
#define MSG_PREV_BAD  "Cette attestation n'a pas pu être lue. Vous pouvez continuer sans elle."
#define MSG_PREV_LOST "Votre attestation précédente n'a pas pu être lue." /* beside the new one */
#define MSG_DESK      "Allez à l'accueil : un agent va vous aider."
#define MSG_RECONNECTING "Reconnexion en cours. Un instant, s'il vous plaît : votre demande reprendra d'elle-même."
/* How the server's reason starts when it reconnects to its database
 * (store/store.h's STORE_RECONNECTING: the ui does not include the store). */
#define SERVER_RECONNECTING "reconnecting to the database"
#define MSG_APPT_AT   "Rendez-vous à %s"  /* %s: "10:30" (the slip says it too) */
#define MSG_APPT_PAST "L'heure de votre rendez-vous est passée."
#define MSG_DRAWN     "Tiré(e) au sort"                      /* a draw's winner */
#define MSG_NOT_DRAWN "Vous n'avez pas été tiré(e) au sort." /* a draw's other entries */
/* A draw at opening (issue #13); the slip says some of them too (dispense.c). */
#define MSG_DRAW_TITLE "Tirage au sort"
#define MSG_DRAW_HOW_AT "Les places de ce service sont attribuées par tirage au sort à %s, " \
	"parmi toutes les personnes inscrites."  /* %s: "08:45" */
#define MSG_DRAW_HOW  "Les places de ce service sont attribuées par tirage au sort à la " \
	"clôture des inscriptions, parmi toutes les personnes inscrites."
#define MSG_DRAW_FAIR "Arriver tôt ne donne aucun avantage : chaque inscription a la même chance."
#define MSG_DRAW_SLIP "Vous recevrez un bon d'inscription."
#define MSG_DRAW_BACK_AT "Revenez après %s et scannez ce bon à la borne."  /* %s: "08:45" */
#define MSG_DRAW_BACK "Revenez après le tirage au sort et scannez ce bon à la borne."
#define MSG_DRAW_AT   "Tirage au sort à %s"  /* %s: "08:45" */
#define MSG_DRAW_AT_END "Tirage au sort à la clôture des inscriptions"
#define MSG_ENTRY     "N° d'inscription"

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
struct client_service *svc_chosen(const struct ui *u);   /* the chosen one, or NULL */
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

void scr_loading(struct ui *u);     /* ui_welcome.c */
void scr_welcome(struct ui *u);
void scr_language(struct ui *u);
void scr_procedure(struct ui *u);   /* ui_procedure.c */
void scr_priority(struct ui *u);
void scr_guide(struct ui *u);       /* ui_guide.c */
void scr_holder(struct ui *u);      /* ui_holder.c */
void scr_confirm(struct ui *u);     /* ui_confirm.c */
void scr_issuing(struct ui *u);
void scr_ticket(struct ui *u);      /* ui_ticket.c */
void scr_full(struct ui *u);
void scr_enrolled(struct ui *u);
void scr_draw(struct ui *u);        /* ui_draw.c */
void scr_server_down(struct ui *u); /* ui_errors.c */
void scr_printer(struct ui *u);
void scr_closed(struct ui *u);
void scr_refused(struct ui *u);
void scr_uncertain(struct ui *u);
void scr_appt_refused(struct ui *u);
void scr_appt_code(struct ui *u);   /* ui_appt.c */
void scr_convocation(struct ui *u); /* ui_ticket.c */
void scr_draw_wait(struct ui *u);   /* ui_errors.c */
void scr_pin(struct ui *u);         /* ui_admin.c */
void scr_admin(struct ui *u);
void scr_idle(struct ui *u);        /* ui_time.c: the idle countdown's dialog, over the screen */

/* The note about a scanned attestation at the top of the body, which it
 * then shrinks, when one applies to this screen (ui_confirm.c). */
void scr_banner(struct ui *u);
/* A calm error screen: pictogram p, msgids[0] the title, the others body
 * lines, detail (French, for staff; may be NULL) small, nb the navigation
 * (nnb buttons, may be 0) (ui_errors.c). */
void scr_error(struct ui *u, enum picto p, const char *const *msgids, int n, const char *detail,
    const struct navbtn *nb, int nnb);
/* The printer's sentence for a state, a msgid (ui_errors.c). */
const char *scr_printer_msgid(enum escpos_state st);

/* ---- the guided choice (ui_guide.c) ---------------------------------------------- */

void guide_clear(struct ui *u);           /* back to the first question */
void guide_start(struct ui *u);           /* the guide screen, from its first question */
void guide_answer(struct ui *u, int yes); /* the next question, or the result */
int guide_back(struct ui *u);             /* the previous question; 0 when at the first */

/* ---- a frame (ui_frame.c) ------------------------------------------------------------ */

void frame_layout(struct ui *u);       /* lay the current screen out, squeezed if need be */
void frame_ensure(struct ui *u);       /* the same, unless the frame matches the state */
int frame_focus(const struct ui *u);   /* the focused target's index, or -1 */

/* ---- actions for the platform (ui.c) ---------------------------------------------------- */

void act_push(struct ui *u, const struct ui_action *a); /* queued (one REFRESH at most) */
void act_kind(struct ui *u, enum ui_act_kind k);        /* an action with no argument */
void act_speak(struct ui *u, const char *lines);        /* SPEAK these "LANG\tTEXT\n" lines */

/* ---- the visit (ui_flow.c) ------------------------------------------------------------ */

/* Show screen s (its first page, no focus, spoken when speech is on). */
void flow_go(struct ui *u, enum ui_screen s);
/* The screen shows something new without changing: the tap guard again, no
 * focus, and (speak) read aloud again when speech is on. */
void flow_renew(struct ui *u, int speak);
/* Forget the visitor: back to the rest screen with default settings. */
void flow_reset(struct ui *u);
enum ui_screen flow_rest(const struct ui *u);   /* the screen when nobody uses the kiosk */
int flow_is_rest(enum ui_screen s);             /* s is one of those */
int flow_printer_bad(enum escpos_state st);     /* no slip can be printed */
/* A request for the chosen service (kind, service, lang, priority, and the
 * holder when the service binds one) into *a: 1, or 0 when the visit went
 * elsewhere instead (the printer cannot print, the number is still to type). */
int flow_request(struct ui *u, enum ui_act_kind kind, struct ui_action *a);
void flow_start(struct ui *u);                  /* a visit starts: the language screen */
void flow_activity(struct ui *u, int64_t now);  /* someone is there (an input) */
void flow_back(struct ui *u);                   /* the previous screen */
void flow_activate(struct ui *u, const struct ui_target *t); /* what target t does */

/* ---- keypads (ui_holder.c, ui_admin.c) -------------------------------------------------- */

/* A key of the document keypad: UI_T_CHAR (arg: the character),
 * UI_T_CHAR_DEL or UI_T_CHAR_OK. */
void holder_key(struct ui *u, int id, int arg);
/* A keypad from y: the field showing `typed`, erase and validate, then the
 * keys of `chars` (UI_T_CHAR, named "key:C") in a paged grid, and Back,
 * Cancel (ui_holder.c). */
void keypad_draw(struct ui *u, int y, const char *chars, const char *typed);

/* ---- an appointment's check-in (ui_appt.c) --------------------------------------------- */

/* The same keys on the code keypad (O is typed as 0, I as 1). */
void appt_key(struct ui *u, int id, int arg);
/* Characters a keyboard typed on the code screen: letters and digits by
 * what they are, whatever the key's place; anything else is left out. */
void appt_typed(struct ui *u, const char *text, int64_t now);
/* Forget the appointment (a new visit, or a walk-in after all). */
void appt_forget(struct ui *u);
/* The language is chosen: the code keypad, or (a code scanned) check in. */
void appt_after_lang(struct ui *u);
/* One CHECKIN action with the code, the language and the document number
 * typed (if any), then the issuing screen (the printer first, as a ticket). */
void appt_checkin(struct ui *u);
/* A scanner's burst that is no attestation: 1 when it was an appointment's
 * code, taken (the visit becomes that check-in), 0 when it is not one. */
int appt_scanned(struct ui *u, const char *text);
/* "10:30" of an RFC 3339 local time ("2026-12-04T10:30:00+01:00") into
 * out (6 bytes); "" when it has another shape. */
void appt_hhmm(const char *rfc3339, char out[6]);

/* ---- a draw at opening (ui_draw.c; issue #13) ------------------------------------------ */

/* The chosen service's open draw (its id), 0 when it has none. */
int64_t draw_of_chosen(const struct ui *u);
/* One ENROL action with the draw, the language, the priority and the
 * document number typed (if any), then the issuing screen (the printer
 * first, as a ticket). */
void draw_enrol(struct ui *u);
/* The draw closed while enrolling (the server's 409): the visit goes on
 * as a ticket's, said so on the confirmation. */
void draw_gone(struct ui *u);

/* A key of the PIN keypad: UI_T_PIN_DIGIT (arg: the digit), UI_T_PIN_DEL
 * or UI_T_PIN_OK. */
void admin_key(struct ui *u, int id, int arg);
void admin_clear(struct ui *u); /* forget the digits typed */
/* A job button of the admin screen: UI_T_ADMIN_TEST, _REPRINT or _ROLL. */
void admin_button(struct ui *u, int id);
/* The hidden gesture: CORNER_TAPS taps in the top-left corner within a few
 * seconds opens the PIN keypad. 1 when the tap was in the corner (and is
 * swallowed). */
int admin_corner_tap(struct ui *u, int x, int y, int64_t now);

/* ---- after the draw, and convocations (ui_redeem.c) ----------------------------------- */

/* An enrolment slip was scanned on a screen of the visit's start: the
 * visit becomes its redeem (one REDEEM action, the issuing screen; the
 * printer first, as for a ticket). */
void redeem_scanned(struct ui *u, long long draw, const char *entry);
/* The fault that stopped it went away: the same redeem, asked for now. */
void redeem_again(struct ui *u);
/* Forget the redeem (a new visit). */
void redeem_forget(struct ui *u);
/* The answer names the language the slip was enrolled in: the screens
 * speak it from now on (a kiosk language; else the one shown stays). */
void redeem_lang(struct ui *u, const char *code);
/* A convocation's check-in by its token was refused with code: 1 when
 * handled ("not_convocation": the attestation kept for the visit, the
 * procedures next; "bad_token": forgotten, said calmly), 0 when it is a
 * check-in's refusal like any (not_today, cancelled, holder...). */
int conv_scan_refused(struct ui *u, const char *code);

/* ---- the scanner (ui_scan.c) ----------------------------------------------------------- */

/* Screens where a scanned attestation is taken (the visit's, before the
 * slip is asked for). */
int scan_screen(enum ui_screen s);
void scan_clear(struct ui *u);                /* forget a burst */
void scan_settle(struct ui *u, int64_t now);  /* a pause or a tap: settle what is held */

#endif
