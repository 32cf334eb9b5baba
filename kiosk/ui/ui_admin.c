/*
 * ui_admin: the staff's side of the kiosk: the hidden gesture (taps in the
 * top-left corner), the PIN (only a salted hash is kept; a lock-out after
 * wrong ones), the PIN keypad and the admin screen (the server's address
 * and state, the printer's state, the paper counter; a test page, a
 * duplicate of the last ticket, a new roll, resume or quit). Staff screens
 * are in French only,
 * whatever the visitor chose, on purpose.
 *
 * Part of the pure ui core: libsodium hashes; lays out with the kit
 * (kit.h); must not depend on SDL, the clock or any I/O.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "ui/screens.h"

#define CORNER_MS    3000   /* hidden gesture: CORNER_TAPS taps within this many ms */
#define PIN_TRIES    3      /* wrong PINs before a lock-out */
#define PIN_LOCK_MS  60000  /* lock-out length */

/* The PIN keypad: digits, erase, validate; dots for what is typed. */
void
scr_pin(struct ui *u)
{
	struct metrics *m = &u->m;
	int y = m->body.y, i, kw, kh, cols = 3, rows = 4, x0;
	char dots[40];
	const char *msg;

	y += kit_para(u, m->body.x, y, m->body.w, "Code administrateur", "fr", m->ft, TEXT_BOLD,
	    TEXT_ALIGN_LEFT, C_ACCENT) + m->gap / 2;
	for (i = 0; i < u->pin_len && i < 12; i++)
		memcpy(dots + 3 * i, "\xe2\x97\x8f", 3); /* U+25CF BLACK CIRCLE */
	dots[3 * i] = '\0';
	if (u->pin_locked > u->now)
		msg = kit_fmt(u, "Trop d'essais. Réessayez dans %d s.",
		    (int)((u->pin_locked - u->now + 999) / 1000));
	else if (u->pin_wrong)
		msg = "Code incorrect.";
	else
		msg = kit_keep(u, i ? dots : " ");
	y += kit_para(u, m->body.x, y, m->body.w, msg, "fr", m->fb, TEXT_BOLD, TEXT_ALIGN_LEFT,
	    u->pin_wrong ? C_DANGER : C_TEXT) + m->gap;
	kh = imax(m->tgt, (kit_bottom(u) - y - (rows - 1) * m->gap) / rows);
	kh = imin(kh, (int)(25 * m->mm));
	kw = imin(kh * 2, (m->body.w - (cols - 1) * m->gap) / cols);
	x0 = m->body.x + (m->body.w - cols * kw - (cols - 1) * m->gap) / 2;
	for (i = 0; i < 12; i++) {
		struct rect r = mkrect(x0 + (i % cols) * (kw + m->gap),
		    y + (i / cols) * (kh + m->gap), kw, kh);
		static const char *const dnames[] = { "pin:0", "pin:1", "pin:2", "pin:3", "pin:4",
			"pin:5", "pin:6", "pin:7", "pin:8", "pin:9" };
		static const char *const dl[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
		if (i == 9)
			kit_button(u, r, B_SECONDARY, P_NONE, "Effacer", "fr", m->fb, UI_T_PIN_DEL,
			    0, 0, "pin-del");
		else if (i == 11)
			kit_button(u, r, B_PRIMARY, P_NONE, "Valider", "fr", m->fb, UI_T_PIN_OK, 0,
			    0, "pin-ok");
		else {
			int d = i == 10 ? 0 : i + 1;
			kit_button(u, r, B_SECONDARY, P_NONE, dl[d], "fr", m->ft, UI_T_PIN_DIGIT, d,
			    0, dnames[d]);
		}
	}
	{
		static const struct navbtn nb[] = {
			{ UI_T_CANCEL, "Annuler", P_CROSS, B_SECONDARY, "cancel", 0 },
		};
		kit_nav(u, nb, 1);
	}
}

/* A printer state in French, for staff. */
static const char *
state_fr(enum escpos_state st)
{
	switch (st) {
	case ESCPOS_READY:          return "prête";
	case ESCPOS_PAPER_NEAR_END: return "prête, rouleau presque fini";
	case ESCPOS_PAPER_OUT:      return "plus de papier";
	case ESCPOS_COVER_OPEN:     return "capot ouvert";
	case ESCPOS_OFFLINE:        return "hors ligne ou débranchée";
	case ESCPOS_ERROR:          return "en erreur (bourrage ou coupe-papier)";
	case ESCPOS_UNKNOWN:        return "connectée, sans retour d'état (elle ne peut pas dire si elle a du papier)";
	}
	return "état inconnu";
}

/* The printer's state as last polled, in French. */
static const char *
printer_fr(const struct ui *u)
{
	return u->printer_polled ? state_fr(u->printer_seen) : "pas encore interrogée";
}

/* A button of the admin screen. */
struct adm_btn {
	int id;              /* target id */
	enum bstyle st;      /* style */
	enum picto p;        /* pictogram */
	const char *label;   /* French label */
	const char *name;    /* target name */
};

/* "1,2 m" or "35 cm" of paper. */
static const char *
paper_len(struct ui *u, long mm)
{
	if (mm < 1000)
		return kit_fmt(u, "%ld cm", (mm + 5) / 10);
	return kit_fmt(u, "%ld,%ld m", mm / 1000, (mm % 1000) / 100);
}

/* One line of facts; returns its height. */
static int
fact(struct ui *u, int y, const char *s, enum role role)
{
	struct metrics *m = &u->m;

	return kit_para(u, m->body.x, y, m->body.w, s, "fr", m->fb, 0, TEXT_ALIGN_LEFT, role) +
	    m->gap / 2;
}

/*
 * The kiosk's state for staff, in French: the server (its address and
 * whether it answers), the printer (its state and SPEC), the paper counter;
 * then what staff can do: resume, print a test page, reprint the last
 * ticket (a duplicate), note a new roll, quit. While a test print or a
 * reprint is under way its buttons are left out (one job at a time).
 */
void
scr_admin(struct ui *u)
{
	struct metrics *m = &u->m;
	const char *srv = u->cfg.server_url ? u->cfg.server_url : "?";
	long slips = u->paper_slips - u->roll_slips, mm = u->paper_mm - u->roll_mm;
	int y = m->body.y, cols, bw, k = 0, i;
	const char *s;
	struct adm_btn b[5];

	y += kit_para(u, m->body.x, y, m->body.w, "Administration de la borne", "fr", m->ft,
	    TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT) + m->gap;
	s = u->server_down ? kit_fmt(u, "Serveur %s : injoignable (%s)", srv, u->server_reason) :
	    u->menu ? kit_fmt(u, "Serveur %s : joignable — site %s, %s", srv, u->menu->site.id,
	    u->menu->site.open ? "ouvert" : "fermé") :
	    kit_fmt(u, "Serveur %s : pas encore de réponse", srv);
	y += fact(u, y, s, C_TEXT);
	s = kit_fmt(u, "Imprimante : %s%s%s%s", printer_fr(u),
	    u->cfg.printer_spec ? " (" : "", u->cfg.printer_spec ? u->cfg.printer_spec : "",
	    u->cfg.printer_spec ? ")" : "");
	y += fact(u, y, s, flow_printer_bad(u->printer_seen) ? C_DANGER : C_TEXT);
	if ((u->printer_seen == ESCPOS_OFFLINE || u->printer_seen == ESCPOS_ERROR) &&
	    u->printer_reason[0])
		y += fact(u, y, kit_fmt(u, "Détail technique : %s", u->printer_reason), C_TEXT_SOFT);
	s = kit_fmt(u, "Papier : %ld %s, environ %s, %s", slips,
	    slips > 1 ? "impressions" : "impression", paper_len(u, mm),
	    u->roll_set ? "depuis le dernier rouleau neuf" : "depuis le démarrage de la borne");
	y += fact(u, y, s, C_TEXT);
	if (u->cfg.version)
		y += fact(u, y, kit_fmt(u, "Version : %s", u->cfg.version), C_TEXT_SOFT);
	if (u->admin_busy)
		y += fact(u, y, "Impression en cours…", C_TEXT);
	else if (u->admin_note[0])
		y += fact(u, y, u->admin_note, u->admin_note_bad ? C_DANGER : C_TEXT);
	y += m->gap;

	b[k++] = (struct adm_btn){ UI_T_ADMIN_RESUME, B_PRIMARY, P_BACK, "Reprendre", "resume" };
	if (!u->admin_busy) {
		b[k++] = (struct adm_btn){ UI_T_ADMIN_TEST, B_SECONDARY, P_PRINTER,
		    "Imprimer un test", "test-print" };
		if (u->last_id > 0)
			b[k++] = (struct adm_btn){ UI_T_ADMIN_REPRINT, B_SECONDARY, P_TICKET_OUT,
			    kit_fmt(u, "Réimprimer le dernier ticket (%s)", u->last_number), "reprint" };
	}
	b[k++] = (struct adm_btn){ UI_T_ADMIN_ROLL, B_SECONDARY, P_CHECK, "Rouleau neuf posé",
	    "new-roll" };
	b[k++] = (struct adm_btn){ UI_T_ADMIN_QUIT, B_SECONDARY, P_CROSS, "Quitter l'application",
	    "quit" };
	/* one column on a portrait screen, up to three side by side on a wide one */
	cols = m->body.w > m->body.h ? imin(3, imax(1, m->body.w / (int)(55 * m->mm))) : 1;
	bw = cols == 1 ? imin(m->body.w, (int)(160 * m->mm)) : (m->body.w - (cols - 1) * m->gap) / cols;
	for (i = 0; i < k; i++) {
		struct rect r = mkrect(m->body.x + (i % cols) * (bw + m->gap),
		    y + (i / cols) * (m->tgt + m->gap), bw, m->tgt);
		kit_button(u, r, b[i].st, b[i].p, b[i].label, "fr", m->fb, b[i].id, 0, 0, b[i].name);
	}
	kit_need(u, y + ((k + cols - 1) / cols) * (m->tgt + m->gap) - m->gap, m->body.y + m->body.h);
}

/* A button of the admin screen other than resume and quit. */
void
admin_button(struct ui *u, int id)
{
	struct ui_action a;

	if (id == UI_T_ADMIN_ROLL) {
		u->roll_slips = u->paper_slips;
		u->roll_mm = u->paper_mm;
		u->roll_set = 1;
		snprintf(u->admin_note, sizeof u->admin_note, "Compteur de papier remis à zéro.");
		u->admin_note_bad = 0;
		set_dirty(u);
		return;
	}
	if (u->admin_busy || (id == UI_T_ADMIN_REPRINT && u->last_id <= 0))
		return;   /* one job at a time: a double tap prints once */
	memset(&a, 0, sizeof a);
	a.kind = id == UI_T_ADMIN_TEST ? UI_ACT_TEST_PRINT : UI_ACT_REPRINT;
	a.ticket_id = u->last_id;
	act_push(u, &a);
	u->admin_busy = 1;
	u->admin_note[0] = '\0';
	u->screen_at = u->now;   /* the tap guard: the buttons moved */
	set_dirty(u);
}

/* Why the server refused a reprint, in French. */
static const char *
reprint_refusal(const struct ui_admin_done *d)
{
	if (d->rc == CLIENT_UNREACHABLE)
		return "le serveur est injoignable";
	if (!strcmp(d->code, "reprint_limit"))
		return "le nombre maximal de duplicatas pour ce ticket est atteint";
	if (!strcmp(d->code, "conflict"))
		return "ce ticket n'est plus en attente (appelé, terminé, ou d'un autre jour)";
	if (d->rc == CLIENT_UNCERTAIN)
		return "pas de réponse du serveur à temps";
	return d->code[0] ? d->code : "refus du serveur";
}

void
ui_admin_done(struct ui *u, const struct ui_admin_done *d, int64_t now)
{
	u->now = now;
	u->admin_busy = 0;
	u->admin_note_bad = !d->printed;
	if (d->job == UI_ACT_TEST_PRINT && d->printed)
		snprintf(u->admin_note, sizeof u->admin_note, "Page de test imprimée.");
	else if (d->job == UI_ACT_TEST_PRINT)
		snprintf(u->admin_note, sizeof u->admin_note, "Page de test non imprimée : %s.",
		    d->st == ESCPOS_UNKNOWN ? "l'imprimante ne l'a pas prise" : state_fr(d->st));
	else if (d->rc != CLIENT_OK)
		snprintf(u->admin_note, sizeof u->admin_note, "Réimpression refusée : %s.",
		    reprint_refusal(d));
	else if (d->printed)
		snprintf(u->admin_note, sizeof u->admin_note, "Ticket %s réimprimé (DUPLICATA %d).",
		    d->number, d->reprints);
	else
		snprintf(u->admin_note, sizeof u->admin_note,
		    "Duplicata du ticket %s non imprimé : %s.", d->number,
		    d->st == ESCPOS_UNKNOWN ? "l'imprimante ne l'a pas pris" : state_fr(d->st));
	if (u->screen == UI_S_ADMIN)
		set_dirty(u);
}

void
ui_paper(struct ui *u, long slips, long mm, int64_t now)
{
	u->now = now;
	if (slips == u->paper_slips && mm == u->paper_mm)
		return;
	u->paper_slips = slips;
	u->paper_mm = mm;
	if (u->screen == UI_S_ADMIN)
		set_dirty(u);
}

/* The digits typed are the PIN. */
static int
pin_ok(struct ui *u)
{
	uint8_t h[32];
	int ok;

	crypto_generichash(h, sizeof h, (const uint8_t *)u->pin_buf, (size_t)u->pin_len,
	    u->pin_salt, sizeof u->pin_salt);
	ok = u->has_pin && sodium_memcmp(h, u->pin_hash, sizeof h) == 0;
	sodium_memzero(h, sizeof h);
	return ok;
}

/* The hidden gesture: CORNER_TAPS taps in the top-left corner within
 * CORNER_MS. Returns 1 when the tap was in the corner (and is swallowed). */
int
admin_corner_tap(struct ui *u, int x, int y, int64_t now)
{
	int i, n = 0;

	if (x >= u->m.tgt || y >= u->m.tgt || x < 0 || y < 0)
		return 0;
	if (u->ncorner == CORNER_TAPS) {
		memmove(u->corner, u->corner + 1, (CORNER_TAPS - 1) * sizeof u->corner[0]);
		u->ncorner--;
	}
	u->corner[u->ncorner++] = now;
	for (i = 0; i < u->ncorner; i++)
		if (now - u->corner[i] <= CORNER_MS)
			n++;
	if (n >= CORNER_TAPS && u->has_pin && u->screen != UI_S_PIN && u->screen != UI_S_ADMIN &&
	    u->screen != UI_S_ISSUING && u->print != UI_PRINT_PRINTING) {
		u->ncorner = 0;
		u->pin_len = 0;
		u->pin_wrong = 0;
		u->countdown_end = 0;
		flow_go(u, UI_S_PIN);
	}
	return 1;
}

/* Only a salted hash of the PIN is kept (keyed BLAKE2b). */
int
ui_set_pin(struct ui *u, const char *pin)
{
	size_t n = pin ? strlen(pin) : 0, i;

	if (n < 4 || n > 12)
		return -1;
	for (i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return -1;
	randombytes_buf(u->pin_salt, sizeof u->pin_salt);
	crypto_generichash(u->pin_hash, sizeof u->pin_hash, (const uint8_t *)pin, n, u->pin_salt,
	    sizeof u->pin_salt);
	u->has_pin = 1;
	return 0;
}

void
admin_clear(struct ui *u)
{
	sodium_memzero(u->pin_buf, sizeof u->pin_buf);
	u->pin_len = 0;
	u->pin_wrong = 0;
}

/* Validate the digits typed: the admin screen, or "wrong code" and, after
 * PIN_TRIES wrong ones, a lock-out. */
static void
pin_validate(struct ui *u)
{
	if (pin_ok(u)) {
		u->pin_fails = 0;
		flow_go(u, UI_S_ADMIN);
	} else {
		u->pin_wrong = 1;
		if (++u->pin_fails >= PIN_TRIES) {
			u->pin_fails = 0;
			u->pin_locked = u->now + PIN_LOCK_MS;
			log_warnx("ui: %d wrong admin PINs: keypad locked for %d s", PIN_TRIES,
			    PIN_LOCK_MS / 1000);
		}
	}
	sodium_memzero(u->pin_buf, sizeof u->pin_buf);
	u->pin_len = 0;
}

/* A key of the PIN keypad: a digit (arg), erase, or validate. Digits and
 * validation wait out a lock-out. */
void
admin_key(struct ui *u, int id, int arg)
{
	if (id != UI_T_PIN_DEL && u->pin_locked > u->now)
		return;
	if (id == UI_T_PIN_DIGIT) {
		u->pin_wrong = 0;
		if (u->pin_len < (int)sizeof u->pin_buf - 1)
			u->pin_buf[u->pin_len++] = (char)('0' + arg);
	} else if (id == UI_T_PIN_DEL) {
		if (u->pin_len > 0)
			u->pin_buf[--u->pin_len] = '\0';
		u->pin_wrong = 0;
	} else {
		pin_validate(u);
	}
	set_dirty(u);
}
