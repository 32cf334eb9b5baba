/*
 * ui_admin: the staff's side of the kiosk: the hidden gesture (taps in the
 * top-left corner), the PIN (only a salted hash is kept; a lock-out after
 * wrong ones), the PIN keypad and the admin screen (the server's and the
 * printer's state, resume or quit). Staff screens are in French only,
 * whatever the visitor chose, on purpose.
 *
 * Part of the pure ui core: libsodium hashes; lays out with the kit
 * (kit.h); must not depend on SDL, the clock or any I/O.
 */
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

/* The kiosk's state for staff, resume or quit. */
void
scr_admin(struct ui *u)
{
	struct metrics *m = &u->m;
	int y = m->body.y, bw = imin(m->body.w, (int)(120 * m->mm));
	const char *s;

	y += kit_para(u, m->body.x, y, m->body.w, "Administration de la borne", "fr", m->ft,
	    TEXT_BOLD, TEXT_ALIGN_LEFT, C_ACCENT) + m->gap;
	s = u->server_down ? kit_fmt(u, "Serveur : injoignable (%s)", u->server_reason) :
	    u->menu ? kit_fmt(u, "Serveur : joignable — %s, %s", u->menu->site.id,
	    u->menu->site.open ? "ouvert" : "fermé") : "Serveur : pas encore de réponse";
	y += kit_para(u, m->body.x, y, m->body.w, s, "fr", m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	s = kit_fmt(u, "Imprimante : %s%s%s", escpos_state_str(u->printer),
	    u->printer_reason[0] ? " — " : "", u->printer_reason);
	y += kit_para(u, m->body.x, y, m->body.w, s, "fr", m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	if (u->cfg.version)
		y += kit_para(u, m->body.x, y, m->body.w, kit_fmt(u, "Version : %s", u->cfg.version),
		    "fr", m->fb, 0, TEXT_ALIGN_LEFT, C_TEXT);
	y += m->pad;
	kit_button(u, mkrect(m->body.x, y, bw, m->tgt), B_PRIMARY, P_BACK, "Reprendre", "fr", m->fb,
	    UI_T_ADMIN_RESUME, 0, 1, "resume");
	y += m->tgt + m->gap;
	kit_button(u, mkrect(m->body.x, y, bw, m->tgt), B_SECONDARY, P_CROSS,
	    "Quitter l'application", "fr", m->fb, UI_T_ADMIN_QUIT, 0, 2, "quit");
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
