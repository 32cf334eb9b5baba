/*
 * dispense: the steps between "the server issued a ticket" and "the slip is
 * in the applicant's hand", shared by the touchscreen kiosk (touch.c) and
 * `kiosk ticket`, so both print the same slip and report it the same way.
 *
 *   1. dispense_fill: an issued ticket (client.h) becomes a struct
 *      ticket_view: French + the applicant's language through i18n_tr,
 *      local date and time, position, wait, token, DUPLICATA count. Pure:
 *      no clock (the time printed is the server's issued_at), no I/O.
 *   2. dispense_render: ticket_render at the printer profile's width and
 *      dpi. Show that bitmap on screen and print the very same one.
 *   3. dispense_print: printer_print, then tell the server what happened
 *      (POST /tickets/{id}/printed: confirmed, unconfirmed, or failed with
 *      the printer's reason). dispense_report alone reports an outcome the
 *      caller decided (for example a slip that could not be laid out).
 *
 * It includes no curl, SDL or device header: it only calls client.h,
 * printer.h, ticket.h and i18n.h. i18n_load must have been called (or the
 * French msgids are printed as they are).
 */
#ifndef KIOSK_DISPENSE_H
#define KIOSK_DISPENSE_H

#include <stddef.h>
#include <stdint.h>

#include "core/bitmap.h"
#include "client/client.h"
#include "printer/printer.h"
#include "core/text.h"
#include "core/ticket.h"

/* A filled view and the strings it owns. The view also points into the
 * struct client_ticket it was filled from: keep both alive, and do not copy
 * or move this struct after dispense_fill (the view points inside it). */
struct dispense_slip {
	struct ticket_view view;   /* ready for ticket_render */
	char datetime[96];         /* "27/11/2026 09:14", from issued_at (+ the kiosk, on attestations) */
	char minutes_fr[48];       /* "{n} min": the "%d min" msgid as a ticket.h template */
	char minutes_local[96];    /* the same in the applicant's language */
	char attempts[160];        /* attestation: the attempt chain line, French */
	char attempts_local[400];  /* the same in the applicant's language */
	char appt_fr[160];         /* "Rendez-vous à 10:30" (an appointment's slip), or a
	                            * convocation's day, window and code; "" none */
	char appt_local[192];      /* the same in the applicant's language */
	char entry[32];            /* a draw's entry in groups, "0A1B 2C3D 4E5F 6071 8293" */
	char commitment[80];       /* its commitment in groups of 8 */
	char when_fr[96];          /* "Tirage au sort à 08:45" */
	char when_local[256];      /* the same in the applicant's language */
	char back_fr[128];         /* "Revenez après 08:45 et scannez ce bon à la borne." */
	char back_local[384];      /* the same in the applicant's language */
};

/*
 * Fill s->view from t, a ticket, an attestation de passage or an
 * enrolment in a draw (t->kind "draw_entry": the enrolment slip). site_name is used when the answer carried none (may
 * be NULL). The language is t->lang; the service's local name is the site
 * file's name for that language, else the catalogue's translation of its
 * French name. t->reprints > 0 prints "DUPLICATA n". An appointment's
 * ticket (kind "appointment") and an attestation for a missed one (outcome
 * "late") print the appointment's time. 0, or -1 with err
 * when t has no token (a slip without its QR code must never print).
 */
int dispense_fill(struct dispense_slip *s, const struct client_ticket *t,
    const char *site_name, char *err, size_t errlen);

/* ticket_render at printer_profile(p)'s dots and dpi. NULL with err. */
struct bitmap *dispense_render(struct printer *p, struct fonts *f,
    const struct ticket_view *v, char *err, size_t errlen);

/* What became of one slip. */
struct dispense_result {
	struct print_result print;  /* what the printer said (printer.h) */
	enum client_rc report;      /* the server's answer to the report */
	char report_err[256];       /* why the report failed; "" on CLIENT_OK */
};

/*
 * Print b (from dispense_render) on p, then report the outcome of slip t
 * through c. Always fills *out. Returns 0 when the slip printed (confirmed
 * or unconfirmed), -1 when it did not. A failed report (server down) does
 * not change the return value: the slip is in the person's hand; the
 * server keeps the print record "pending" and the caller may retry with
 * dispense_report (out->report says so). Takes as long as printer_print
 * plus one client call (see printer.h and client.h): not on a UI thread.
 */
int dispense_print(struct printer *p, struct client *c, const struct client_ticket *t,
    const struct bitmap *b, struct dispense_result *out /* OUT */);

/* POST the outcome in pr for slip t (a ticket or an attestation):
 * "confirmed", "unconfirmed", or "failed" with pr->reason. */
enum client_rc dispense_report(struct client *c, const struct client_ticket *t,
    const struct print_result *pr, char *err, size_t errlen);

/* The API word for an outcome: "confirmed", "unconfirmed", "failed". */
const char *dispense_status_word(enum print_outcome o);

#endif
