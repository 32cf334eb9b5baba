/*
 * ticket: the one layout of a slip (ticket, attestation de passage, or
 * enrolment in a draw).
 *
 * Pure core: it lays the slip out once into a struct bitmap at the
 * printer's width; the kiosk screen shows that bitmap and the printer
 * encodes it (escpos). It draws text only through text.h and the QR only
 * through qr.h; no SDL, no i18n, no clock here.
 *
 * The caller gives ALREADY-TRANSLATED strings: each pair holds the French
 * text (printed first) and the applicant's language (printed after it,
 * unless the language is French or the string is NULL/empty/identical).
 * Blocks in a right-to-left language are right-aligned.
 */
#ifndef KIOSK_TICKET_H
#define KIOSK_TICKET_H

#include <stddef.h>
#include "core/bitmap.h"
#include "core/text.h"

enum ticket_kind {
	TICKET_KIND_TICKET = 0,   /* a numbered queue ticket for today */
	TICKET_KIND_ATTESTATION,  /* attestation de passage: proof of a visit (issue 6) */
	TICKET_KIND_DRAW_ENTRY,   /* enrolment in a draw at opening (issue #13, docs/DRAW.md) */
};

/* One string in French and in the applicant's language. */
struct ticket_text2 {
	const char *fr;    /* French; NULL or "" = nothing printed */
	const char *local; /* applicant's language; NULL, "" or same as fr = not repeated */
};

/* Captions and templates, supplied translated by the caller. */
struct ticket_labels {
	struct ticket_text2 number;    /* caption above the number ("Votre numéro"); optional */
	struct ticket_text2 position;  /* "Position" (people before you + 1) */
	struct ticket_text2 wait;      /* "Attente estimée" */
	struct ticket_text2 minutes;   /* value template, "{n}" -> minutes: "{n} min", "{n} دقيقة" */
	struct ticket_text2 holder;    /* "Titulaire" before the masked reference */
	struct ticket_text2 duplicate; /* "DUPLICATA" (the count is appended) */
	struct ticket_text2 keep;      /* closing advice ("Gardez ce ticket"); optional */
};

/* What only an attestation de passage carries (layout completed in issue 6). */
struct ticket_attestation {
	struct ticket_text2 title;     /* "ATTESTATION DE PASSAGE" (never "récépissé") */
	struct ticket_text2 outcome;   /* "Capacité du jour atteinte", ... */
	const char *serial;            /* serial number, e.g. "AT-20250303-0012" */
	struct ticket_text2 statement; /* the paragraph stating what happened */
	struct ticket_text2 attempts;  /* attempt chain line, already formatted; optional */
	struct ticket_text2 serial_label; /* "N° de série"; optional */
};

/* What only an enrolment slip carries (TICKET_KIND_DRAW_ENTRY): the QR
 * (qr_payload) is the entry's signed D1 token, scanned after the draw. */
struct ticket_draw_entry {
	struct ticket_text2 title;       /* "Inscription au tirage au sort" */
	struct ticket_text2 entry_label; /* "N° d'inscription" */
	const char *entry;               /* the entry id as read: "0A1B 2C3D 4E5F 6071 8293" */
	struct ticket_text2 when;        /* "Tirage au sort à 08:45", formatted */
	struct ticket_text2 back;        /* "Revenez après 08:45 et scannez ce bon à la borne." */
	struct ticket_text2 commitment_label; /* "Engagement du tirage" */
	const char *commitment;          /* the draw's commitment, in groups; optional */
	struct ticket_text2 commitment_note;  /* what it is for; optional */
};

struct ticket_view {
	enum ticket_kind kind;          /* ticket or attestation */
	const char *lang;               /* applicant's language code: "fr", "ar", "fa", "zh", ... */
	const char *site_name;          /* "Préfecture de la Seine-Saint-Denis — Bobigny" */
	const char *number;             /* "A042" (ticket); printed very large */
	struct ticket_text2 service;    /* procedure name, French + local */
	const char *datetime;           /* local date and time, formatted by the caller */
	int position;                   /* position in the queue; < 0 = line omitted */
	int wait_min;                   /* estimated wait in minutes; < 0 = line omitted */
	struct ticket_text2 free_notice;/* "Ce ticket est gratuit. Ne le payez jamais." + local */
	const char *holder_ref;         /* masked holder reference "•••4B7", or NULL */
	struct ticket_text2 appointment;/* optional: the appointment checked in, already formatted
	                                 * ("Rendez-vous à 10:30" + local): a ticket prints it
	                                 * bold under the service; an attestation under its
	                                 * outcome (the missed appointment). fr NULL = none */
	const char *qr_payload;         /* the signed token; required */
	int reprint;                    /* 0 = original, n > 0 prints "DUPLICATA n" */
	struct ticket_labels labels;    /* captions, French + local */
	struct ticket_attestation att;  /* used when kind == TICKET_KIND_ATTESTATION */
	struct ticket_draw_entry draw;  /* used when kind == TICKET_KIND_DRAW_ENTRY */
};

/*
 * Lay the slip out at width_dots (384, 512 or 576) and dpi (203 or 180):
 * sizes follow the dpi so a 58 mm slip stays legible and the number is
 * very large. QR modules are >= 3 dots, the QR is centred with its quiet
 * zone. The height is what the content needs. Returns a new bitmap (free
 * with bitmap_free) or NULL with err filled (missing payload, text error,
 * payload too long for the width).
 */
struct bitmap *ticket_render(const struct ticket_view *v, int width_dots, int dpi,
    struct fonts *f, char *err, size_t errlen);

/* A test page (the kiosk's admin screen): never a ticket, no QR code. */
struct ticket_test {
	const char *site_name;  /* "Préfecture de la Seine-Saint-Denis — Bobigny"; may be NULL */
	const char *lines;      /* what is being tested, French, '\n' between lines */
};

/*
 * Lay a test page out at width_dots and dpi: the site, "TEST
 * D'IMPRESSION", "Ce n'est pas un ticket", the caller's lines, and a frame
 * on the printable column's edges with a solid band, so that staff see at
 * once whether the whole width prints and the head has no dead dots. NULL
 * with err on failure.
 */
struct bitmap *ticket_render_test(const struct ticket_test *t, int width_dots, int dpi,
    struct fonts *f, char *err, size_t errlen);

#endif
