/*
 * fuzz_appt: the properties every appointment record must keep, for the
 * harnesses of the appointment readers (fuzz_appt_csv, fuzz_appt_json):
 * whatever the input, a record the reader hands out is one the desk can
 * store as is. Static inline, like fuzz.h.
 */
#ifndef KIOSK_FUZZ_APPT_H
#define KIOSK_FUZZ_APPT_H

#include "core/appt.h"
#include "core/i18n.h"
#include "fuzz.h"

#include <time.h>

static inline void
fuzz_appt_check(const struct appt_in *a)
{
	char again[APPT_CODE_MAX + 1], err[160];
	size_t i;

	FUZZ_ASSERT(memchr(a->id, '\0', sizeof a->id) && a->id[0]);
	for (i = 0; a->id[i]; i++)
		FUZZ_ASSERT(a->id[i] >= 0x20 && a->id[i] < 0x7f);
	FUZZ_ASSERT(a->service >= 'A' && a->service <= 'Z');
	FUZZ_ASSERT(a->duration_min >= 1 && a->duration_min <= 720);
	FUZZ_ASSERT(a->start > 0);
	FUZZ_ASSERT(a->updated_at >= 0);
	FUZZ_ASSERT(a->status == APPT_BOOKED || a->status == APPT_CANCELLED);
	/* The code is in its normal form: normalising it again changes nothing. */
	FUZZ_ASSERT(memchr(a->code, '\0', sizeof a->code));
	FUZZ_ASSERT(appt_code_normalise(a->code, again, err, sizeof err) == 0);
	FUZZ_ASSERT(strcmp(again, a->code) == 0);
	FUZZ_ASSERT(memchr(a->holder, '\0', sizeof a->holder));
	FUZZ_ASSERT(memchr(a->lang, '\0', sizeof a->lang));
	FUZZ_ASSERT(a->lang[0] == '\0' || i18n_lang(a->lang) != NULL);
}

/* A message fit for a terminal and a log line: printable ASCII, one line. */
static inline void
fuzz_appt_check_err(const char *err)
{
	size_t i;

	FUZZ_ASSERT(err[0] != '\0');
	for (i = 0; err[i]; i++)
		FUZZ_ASSERT(err[i] >= 0x20 && err[i] < 0x7f);
}

#endif
