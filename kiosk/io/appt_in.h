/*
 * appt_in: the three booking sources of issue #12, read into struct
 * appt_in (core/appt.h): a CSV file, an iCalendar file (libical) and a
 * JSON body (ours, or RDV Service Public's webhook payload; cJSON).
 * docs/APPOINTMENTS.md describes every column, property and field.
 *
 * This is the io layer: it reads files and parses formats, and only that.
 * It stores nothing, hashes nothing and knows neither the site file nor
 * the database; the desk checks the records against the site (is the
 * service defined, is there room) and stores them.
 *
 * Times. A time with an offset (RFC 3339 "...+01:00" or "Z", an iCalendar
 * UTC time) is exact. A local time without one (a CSV or JSON start
 * "2026-12-04 10:30", an iCalendar floating time) is read in the process's
 * TZ (serve and admin set TZ to the site's zone); an iCalendar time with a
 * TZID in that zone (the file's VTIMEZONE, else libical's zone database).
 *   - A local time that happens twice (the hour before clocks go back, the
 *     last Sunday of October in Europe) is taken as its FIRST occurrence,
 *     still on summer time: 02:30 on 2026-10-25 in Paris is 00:30 UTC.
 *     RFC 5545 (3.3.5) says the same for iCalendar, and the figures' local
 *     hours (store/sqlite_figures.c) make the same choice.
 *   - A local time that does not exist (the hour skipped when clocks go
 *     forward) is an error in CSV and JSON: the file has a mistake that
 *     a person must look at. In iCalendar it is read with the offset from
 *     before the gap, as RFC 5545 says (02:30 -> 03:30 summer time).
 * We do not leave the choice to mktime: with tm_isdst = -1 it picks either
 * occurrence of a repeated hour depending on the C library and silently
 * moves a skipped one, and libical picks the second occurrence. Both
 * readers instead try the zone's offsets from the day before and the day
 * after the wall time and keep those that give it back (appt_in.c).
 */
#ifndef KIOSK_IO_APPT_IN_H
#define KIOSK_IO_APPT_IN_H

#include <stddef.h>
#include <stdint.h>

#include "core/appt.h"

#define APPT_FILE_MAX   (64L << 20)   /* bytes: 10,000 CSV rows are ~1 MB */
#define APPT_DURATION_MAX 720         /* minutes */

/* Each returns the number of appointments read (>= 0) into *out (malloc'd
 * array, caller frees; NULL when 0), or -1 with err "FILE:LINE: problem"
 * (CSV), "FILE: problem" / "FILE: event UID: problem" (ICS), or "problem"
 * (JSON). Local times are read in the process's TZ. Nothing is returned
 * in *out on error: one bad row refuses the whole file. */
int appt_csv_read(const char *path, struct appt_in **out, char *err, size_t errlen);
/* default_service: the service of events whose CATEGORIES name none
 * ('A'..'Z'), or 0 for none (such an event is then an error). */
int appt_ics_read(const char *path, char default_service,
    struct appt_in **out, char *err, size_t errlen);

/* A webhook or staff body: our JSON ({"id","service","start","duration_min",
 * "code","holder"?,"lang"?,"status"?,"updated_at"?}) or RDV Service Public's
 * webhook payload. 1 appointment read into *out, 0 when the payload is valid
 * but not about an appointment we take (ignored, e.g. another event type),
 * -1 with err. RDV Service Public's motifs map onto services by the "[A]"
 * prefix of the motif's name (appt_json_parse_map for a site's own table). */
int appt_json_parse(const char *body, size_t len, struct appt_in *out, char *err, size_t errlen);
/* The same, with a site's table from RDV Service Public's motifs to our
 * services (NULL or "": none), tried before the motif's name:
 *   "4012=A, 4013=A, titre_sejour=B"
 * a number is a motif id, anything else a motif category's short_name;
 * entries are separated by commas. The suggested site-file
 * key is [appointments] rdv_services (docs/APPOINTMENTS.md). */
int appt_json_parse_map(const char *body, size_t len, const char *map,
    struct appt_in *out, char *err, size_t errlen);
/* Check such a table, for the site file: 0, or -1 with a reason. */
int appt_rdvsp_map_check(const char *map, char *err, size_t errlen);

/* One time as the sources give it: RFC 3339 with an offset or Z
 * ("2026-12-04T10:30:00+01:00", fractions of a second dropped), or a local
 * time in the process's TZ: "YYYY-MM-DDTHH:MM[:SS]" or "YYYY-MM-DD HH:MM[:SS]"
 * (first occurrence of a repeated hour; a skipped one is an error).
 * Years 2000 to 9999: an earlier one is a typo.
 * 0 with *out in Unix seconds, or -1 with a reason. */
int appt_time_parse(const char *s, int64_t *out, char *err, size_t errlen);

#endif
