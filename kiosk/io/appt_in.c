/*
 * appt_in: what the three appointment readers share (appt_int.h): the
 * file, the times, the field checks and the set of ids. See appt_in.h for
 * how local times are read, and why not with mktime.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/holder.h"
#include "core/i18n.h"
#include "core/str.h"
#include "io/appt_int.h"

/* -- the file ---------------------------------------------------------------- */

int
appt_file_read(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t n = 0, cap = 0, got;

	*buf = NULL;
	*len = 0;
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Read in chunks rather than trusting a size from fstat: the path may
	 * be a pipe or /proc/self/fd/N. */
	for (;;) {
		if (cap - n < 65536 + 1) {
			size_t ncap = cap ? cap * 2 : 65536 * 2;
			char *q;

			if (ncap > (size_t)APPT_FILE_MAX + 65536 * 2)
				ncap = (size_t)APPT_FILE_MAX + 65536 * 2;
			if (ncap <= cap || (q = realloc(p, ncap)) == NULL) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			p = q;
			cap = ncap;
		}
		got = fread(p + n, 1, 65536, f);
		n += got;
		if (n > (size_t)APPT_FILE_MAX) {
			snprintf(err, errlen, "%s: larger than %ld MiB", path, APPT_FILE_MAX >> 20);
			goto fail;
		}
		if (got < 65536)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	fclose(f);
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
fail:
	fclose(f);
	free(p);
	return -1;
}

/* -- times -------------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (the usual era arithmetic: 400-year cycles of 146097 days). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
appt_wall_valid(const struct appt_wall *w)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (w->y % 4 == 0 && w->y % 100 != 0) || w->y % 400 == 0;

	if (w->y < 2000 || w->y > 9999 || w->mo < 1 || w->mo > 12 || w->d < 1 ||
	    w->d > mdays[w->mo - 1] + (w->mo == 2 && leap))
		return -1;
	if (w->h < 0 || w->h > 23 || w->mi < 0 || w->mi > 59 || w->s < 0 || w->s > 59)
		return -1;
	return 0;
}

int64_t
appt_wall_utc(const struct appt_wall *w)
{
	return days_from_civil(w->y, w->mo, w->d) * 86400 + w->h * 3600 + w->mi * 60 + w->s;
}

long
appt_offset_local(void *zone, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	(void)zone;
	if (localtime_r(&tt, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

int
appt_wall_resolve(const struct appt_wall *w, appt_offset_fn off, void *zone, int64_t *out)
{
	int64_t wall = appt_wall_utc(w), best = 0;
	long before = off(zone, wall - 86400), after = off(zone, wall + 86400);
	long cand[2] = { before, after };
	int i, found = 0;

	/* The instant is wall - offset for an offset the zone has at that very
	 * instant. A day either side gives the offsets in force around it
	 * (zones do not change twice within two days); an offset that gives
	 * the wall time back is a true reading. Two: the hour happens twice,
	 * take the earlier. None: it fell in the gap. */
	for (i = 0; i < 2; i++) {
		int64_t t = wall - cand[i];

		if (off(zone, t) != cand[i])
			continue;
		if (!found || t < best)
			best = t;
		found = 1;
	}
	if (found) {
		*out = best;
		return 0;
	}
	*out = wall - before;
	return 1;
}

/* n digits at s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
appt_time_parse(const char *s, int64_t *out, char *err, size_t errlen)
{
	struct appt_wall w;
	const char *p;
	char shown[48];
	long offset = 0;
	int has_offset = 0, rc;

	appt_show(s ? s : "", shown);
	if (s == NULL || strlen(s) < 16) {
		snprintf(err, errlen, "\"%s\" is not a time (2026-12-04T10:30:00+01:00 or 2026-12-04 10:30)",
		    shown);
		return -1;
	}
	w.y = digits(s, 4);
	w.mo = digits(s + 5, 2);
	w.d = digits(s + 8, 2);
	w.h = digits(s + 11, 2);
	w.mi = digits(s + 14, 2);
	w.s = 0;
	if (w.y < 0 || w.mo < 0 || w.d < 0 || w.h < 0 || w.mi < 0 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':')
		goto bad;
	p = s + 16;
	if (*p == ':') {
		if ((w.s = digits(p + 1, 2)) < 0)
			goto bad;
		p += 3;
		if (*p == '.') {        /* a fraction of a second: dropped */
			if (p[1] < '0' || p[1] > '9')
				goto bad;
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		has_offset = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh = digits(p + 1, 2), om = -1;

		if (oh >= 0 && p[3] == ':')
			om = digits(p + 4, 2);
		if (oh < 0 || om < 0 || oh > 23 || om > 59)
			goto bad;
		offset = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
		has_offset = 1;
		p += 6;
	}
	if (*p != '\0')
		goto bad;
	if (appt_wall_valid(&w) < 0) {
		snprintf(err, errlen, "\"%s\" is not a valid date and time", shown);
		return -1;
	}
	if (has_offset) {
		*out = appt_wall_utc(&w) - offset;
		return 0;
	}
	rc = appt_wall_resolve(&w, appt_offset_local, NULL, out);
	if (rc == 1) {
		snprintf(err, errlen, "\"%s\" does not exist in the local time zone "
		    "(the clocks skip that hour)", shown);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "\"%s\" is not a time (2026-12-04T10:30:00+01:00 or 2026-12-04 10:30)",
	    shown);
	return -1;
}

/* -- fields ------------------------------------------------------------------- */

void
appt_show(const char *v, char out[48])
{
	appt_show_n(v, out, 48);
}

void
appt_show_n(const char *v, char *out, size_t size)
{
	size_t i, n = 0;

	for (i = 0; v[i] && n + 8 < size; i++)
		out[n++] = v[i] >= 0x20 && v[i] < 0x7f ? v[i] : '?';
	if (v[i]) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

int
appt_set_id(struct appt_in *a, const char *v, char *err, size_t errlen)
{
	size_t i, n = v ? strlen(v) : 0;

	if (n == 0) {
		snprintf(err, errlen, "missing");
		return -1;
	}
	if (n >= APPT_ID_MAX) {
		snprintf(err, errlen, "at most %d bytes", APPT_ID_MAX - 1);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (v[i] < 0x20 || v[i] > 0x7e) {
			snprintf(err, errlen, "printable ASCII only");
			return -1;
		}
	}
	memcpy(a->id, v, n + 1);
	return 0;
}

int
appt_set_service(struct appt_in *a, const char *v, char *err, size_t errlen)
{
	if (v == NULL || v[0] < 'A' || v[0] > 'Z' || v[1] != '\0') {
		snprintf(err, errlen, v && *v ? "one letter A to Z" : "missing");
		return -1;
	}
	a->service = v[0];
	return 0;
}

int
appt_set_duration(struct appt_in *a, long long v, char *err, size_t errlen)
{
	if (v < 1 || v > APPT_DURATION_MAX) {
		snprintf(err, errlen, "a whole number of minutes from 1 to %d", APPT_DURATION_MAX);
		return -1;
	}
	a->duration_min = (int)v;
	return 0;
}

int
appt_set_duration_text(struct appt_in *a, const char *v, char *err, size_t errlen)
{
	long long n = 0;
	size_t i;

	if (v == NULL || *v == '\0') {
		snprintf(err, errlen, "missing");
		return -1;
	}
	for (i = 0; v[i]; i++) {
		if (v[i] < '0' || v[i] > '9' || i >= 6) {
			n = -1;
			break;
		}
		n = n * 10 + (v[i] - '0');
	}
	return appt_set_duration(a, n, err, errlen);
}

int
appt_set_code(struct appt_in *a, const char *v, char *err, size_t errlen)
{
	if (v == NULL || *v == '\0') {
		snprintf(err, errlen, "missing");
		return -1;
	}
	return appt_code_normalise(v, a->code, err, errlen);
}

int
appt_set_holder(struct appt_in *a, const char *v, char *err, size_t errlen)
{
	char norm[HOLDER_MAX + 1];

	a->holder[0] = '\0';
	if (v == NULL || *v == '\0')
		return 0;
	/* Kept as given (the desk normalises and hashes it), but checked here
	 * so that a bad number is refused on its line, not later. */
	if (strlen(v) >= APPT_HOLDER_MAX) {
		snprintf(err, errlen, "at most %d characters", APPT_HOLDER_MAX - 1);
		return -1;
	}
	if (holder_normalise(v, norm, sizeof norm, err, errlen) < 0)
		return -1;
	memcpy(a->holder, v, strlen(v) + 1);
	return 0;
}

int
appt_set_lang(struct appt_in *a, const char *v, char *err, size_t errlen)
{
	const struct lang *l;

	a->lang[0] = '\0';
	if (v == NULL || *v == '\0')
		return 0;
	if ((l = i18n_lang(v)) == NULL || str_copy(a->lang, sizeof a->lang, l->code) < 0) {
		snprintf(err, errlen, "not a language of the kiosk");
		return -1;
	}
	return 0;
}

int
appt_set_status(struct appt_in *a, const char *v, char *err, size_t errlen)
{
	if (v == NULL || *v == '\0' || strcmp(v, "booked") == 0)
		a->status = APPT_BOOKED;
	else if (strcmp(v, "cancelled") == 0)
		a->status = APPT_CANCELLED;
	else {
		snprintf(err, errlen, "booked or cancelled");
		return -1;
	}
	return 0;
}

int
appt_grow(struct appt_in **v, size_t n, size_t *cap)
{
	struct appt_in *q;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	if ((q = realloc(*v, ncap * sizeof *q)) == NULL)
		return -1;
	*v = q;
	*cap = ncap;
	return 0;
}

/* -- the set of ids ----------------------------------------------------------- */

/* Open addressing on FNV-1a, at most half full. */
struct appt_ids {
	char **key;             /* the ids, copied; NULL for a free slot */
	long *tag;              /* what came with each id */
	size_t n;               /* ids held */
	size_t cap;             /* slots, a power of two */
};

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct appt_ids *
appt_ids_new(void)
{
	return calloc(1, sizeof(struct appt_ids));
}

static int
ids_rehash(struct appt_ids *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 256, i, j;
	char **key = calloc(ncap, sizeof *key);
	long *tag = calloc(ncap, sizeof *tag);

	if (key == NULL || tag == NULL) {
		free(key);
		free(tag);
		return -1;
	}
	for (i = 0; i < s->cap; i++) {
		if (s->key[i] == NULL)
			continue;
		for (j = fnv1a(s->key[i]) & (ncap - 1); key[j]; j = (j + 1) & (ncap - 1))
			;
		key[j] = s->key[i];
		tag[j] = s->tag[i];
	}
	free(s->key);
	free(s->tag);
	s->key = key;
	s->tag = tag;
	s->cap = ncap;
	return 0;
}

int
appt_ids_add(struct appt_ids *s, const char *id, long tag, long *first_tag)
{
	size_t j;

	if ((s->n + 1) * 2 > s->cap && ids_rehash(s) < 0)
		return -1;
	for (j = fnv1a(id) & (s->cap - 1); s->key[j]; j = (j + 1) & (s->cap - 1)) {
		if (strcmp(s->key[j], id) == 0) {
			*first_tag = s->tag[j];
			return 1;
		}
	}
	if ((s->key[j] = strdup(id)) == NULL)
		return -1;
	s->tag[j] = tag;
	s->n++;
	return 0;
}

void
appt_ids_free(struct appt_ids *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->cap; i++)
		free(s->key[i]);
	free(s->key);
	free(s->tag);
	free(s);
}
