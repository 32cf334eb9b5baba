/*
 * appt: one appointment as a booking source gives it (issue #12), before
 * the desk stores it. The three sources (the webhook's JSON, a CSV file, an
 * iCalendar file; io/appt_in.h) all fill this record; the desk checks it,
 * hashes the holder and stores it.
 *
 * No name, phone number or e-mail is ever carried. The holder's document
 * number, when a source gives one, lives here only until the desk has
 * hashed it under the appointment day's key; it is never stored in clear.
 *
 * Check-in codes are normalised once, the same way for what a source gives
 * and for what an applicant types or scans, so that the kiosk's keypad can
 * leave out the letters that look like digits: upper case, spaces, '-' and
 * '.' dropped, 'O' read as '0' and 'I' as '1'.
 *
 * Pure core: libc only.
 */
#ifndef KIOSK_APPT_H
#define KIOSK_APPT_H

#include <stddef.h>
#include <stdint.h>

#define APPT_ID_MAX      96     /* external id, bytes with the NUL */
#define APPT_CODE_MIN    4      /* normalised check-in code, characters */
#define APPT_CODE_MAX    32
#define APPT_HOLDER_MAX  65     /* document number as given (HOLDER_TYPED_MAX + 1) */

enum appt_status {
	APPT_BOOKED = 0,
	APPT_CANCELLED = 1,
};

struct appt_in {
	char id[APPT_ID_MAX];           /* external id: "ext-1", RDV-SP's rdv id, an ICS UID */
	char service;                   /* 'A'..'Z' */
	int64_t start;                  /* Unix seconds */
	int duration_min;               /* 1 .. 720 */
	char code[APPT_CODE_MAX + 1];   /* normalised check-in code (appt_code_normalise) */
	char holder[APPT_HOLDER_MAX];   /* document number as given, "" if none */
	char lang[12];                  /* "" if none */
	enum appt_status status;
	int64_t updated_at;             /* Unix seconds; 0 if the source gave none */
};

/*
 * Normalise a check-in code as typed, scanned or given by a source: upper
 * case; spaces, tabs, '-' and '.' dropped; 'O' -> '0', 'I' -> '1'. Only
 * A-Z and 0-9 may remain, APPT_CODE_MIN..APPT_CODE_MAX of them. out must
 * hold APPT_CODE_MAX + 1 bytes. 0, or -1 with a reason.
 */
int appt_code_normalise(const char *in, char out[APPT_CODE_MAX + 1], char *err, size_t errlen);

#endif
