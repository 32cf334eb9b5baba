/*
 * appt_int: what the three appointment readers (appt_csv.c, appt_ics.c,
 * appt_json.c) share, from appt_in.c: reading a file whole, turning a wall
 * time into Unix seconds in a zone, and the checks of each field, so that
 * a value means the same whichever source gives it. Not for other modules.
 */
#ifndef KIOSK_IO_APPT_INT_H
#define KIOSK_IO_APPT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "io/appt_in.h"

/* The whole file, NUL-terminated (the caller frees *buf), at most
 * APPT_FILE_MAX bytes. 0, or -1 with err "PATH: problem". */
int appt_file_read(const char *path, char **buf, size_t *len, char *err, size_t errlen);

/* The UTC offset, in seconds east, of a zone at Unix time t. */
typedef long (*appt_offset_fn)(void *zone, int64_t t);
/* The process's TZ as such a zone (zone is ignored). */
long appt_offset_local(void *zone, int64_t t);

/* A calendar date and wall-clock time, checked (month, day of the month,
 * hour...): 0, or -1. */
struct appt_wall {
	int y, mo, d;           /* year 2000..9999 (earlier is a typo), month 1..12, day 1..31 */
	int h, mi, s;           /* 0..23, 0..59, 0..59 */
};
int appt_wall_valid(const struct appt_wall *w);
/* Seconds since the epoch of the wall time read as if it were UTC. */
int64_t appt_wall_utc(const struct appt_wall *w);
/* The wall time in the zone: 0 with *out (the first occurrence when it
 * happens twice), or 1 when it does not exist (clocks went forward), *out
 * then read with the offset from before the gap (RFC 5545). */
int appt_wall_resolve(const struct appt_wall *w, appt_offset_fn off, void *zone, int64_t *out);

/* The field checks. Each takes the value as text (NULL or "" reads as
 * missing where the field is optional) and gives 0, or -1 with a reason
 * that does not repeat the field's name ("one letter A to Z"). */
int appt_set_id(struct appt_in *a, const char *v, char *err, size_t errlen);
int appt_set_service(struct appt_in *a, const char *v, char *err, size_t errlen);
int appt_set_duration(struct appt_in *a, long long v, char *err, size_t errlen);
int appt_set_duration_text(struct appt_in *a, const char *v, char *err, size_t errlen);
int appt_set_code(struct appt_in *a, const char *v, char *err, size_t errlen);
int appt_set_holder(struct appt_in *a, const char *v, char *err, size_t errlen);
int appt_set_lang(struct appt_in *a, const char *v, char *err, size_t errlen);
int appt_set_status(struct appt_in *a, const char *v, char *err, size_t errlen);

/* A value as it may be shown in a message: at most 40 bytes, anything
 * outside printable ASCII as '?', cut values end with "...". */
void appt_show(const char *v, char out[48]);
/* The same into out[size] (size >= 8), at most size - 8 bytes of v. */
void appt_show_n(const char *v, char *out, size_t size);

/* Grow an array of records to hold n + 1: 0, or -1 (out of memory). */
int appt_grow(struct appt_in **v, size_t n, size_t *cap);

/* A set of ids, to refuse one given twice in a file: each id comes with
 * the record number (or line) that gave it. */
struct appt_ids;
struct appt_ids *appt_ids_new(void);
/* Add id with its tag. 0 when new; 1 when already there (*first_tag set
 * to the tag it came with); -1 when out of memory. */
int appt_ids_add(struct appt_ids *s, const char *id, long tag, long *first_tag);
void appt_ids_free(struct appt_ids *s);

#endif
