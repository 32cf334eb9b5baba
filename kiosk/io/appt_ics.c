/*
 * appt_ics: an iCalendar file of appointments (RFC 5545), as a booking
 * module's calendar export gives it (appt_in.h, docs/APPOINTMENTS.md).
 * libical parses the file, resolves each TZID (the file's VTIMEZONE, else
 * its zone database, which on Debian is the system's /usr/share/zoneinfo)
 * and reports lines it cannot read as X-LIC-ERROR properties, which we
 * turn into errors (lic_error: all but unknown names): a calendar is
 * refused rather than half read.
 *
 * One VEVENT is one appointment:
 *   UID                 -> id (required)
 *   X-APPOINTMENT-CODE  -> code, else the UID (normalised; error if neither
 *                          is a check-in code)
 *   CATEGORIES          -> service: the one category that is a single letter
 *                          A-Z (others, like "Titre de séjour", are ignored),
 *                          else the caller's default (--service)
 *   DTSTART             -> start: UTC, TZID or floating (the process's TZ)
 *   DTEND or DURATION   -> duration_min (whole minutes, 1..720)
 *   STATUS:CANCELLED    -> cancelled (anything else: booked)
 *   LAST-MODIFIED, else DTSTAMP -> updated_at
 * Refused: an event without a time (VALUE=DATE, an all-day event), a
 * recurring one (RRULE, RDATE, RECURRENCE-ID: an appointment happens once),
 * a UID given twice, a TZID libical does not know.
 *
 * Local times follow RFC 5545 3.3.5 (appt_in.h): a repeated hour is its
 * first occurrence, a skipped one is read with the offset from before the
 * gap. libical's own conversion takes the second occurrence of a repeated
 * hour, so we only ask it for the zone's offset at an instant and resolve
 * the wall time ourselves (appt_wall_resolve).
 */
#include <libical/ical.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/appt_int.h"

struct ics {
	const char *path;       /* for messages */
	char label[64];         /* the event's UID as shown, or "#N (no UID)" */
	char *err;
	size_t errlen;
};

static int ev_fail(struct ics *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "FILE: event UID: problem"; -1. */
static int
ev_fail(struct ics *x, const char *fmt, ...)
{
	int n = snprintf(x->err, x->errlen, "%s: event %s: ", x->path, x->label);
	va_list ap;

	if (n >= 0 && (size_t)n < x->errlen) {
		va_start(ap, fmt);
		vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The offset of a libical zone at Unix time t (appt_offset_fn). */
static long
zone_offset(void *zone, int64_t t)
{
	struct icaltimetype u = icaltime_from_timet_with_zone((time_t)t, 0,
	    icaltimezone_get_utc_timezone());
	int dst = 0;

	return icaltimezone_get_utc_offset_of_utc_time((icaltimezone *)zone, &u, &dst);
}

/* A DATE-TIME value as Unix time. prop is the property it came from (for
 * its TZID), tt the value with libical's zone, if it found one. */
static int
ics_time(struct ics *x, const char *name, icalproperty *prop, struct icaltimetype tt, int64_t *out)
{
	struct appt_wall w;
	icalparameter *tzid = icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER);

	if (icaltime_is_null_time(tt) || !icaltime_is_valid_time(tt))
		return ev_fail(x, "%s is not a date and time", name);
	if (tt.is_date)
		return ev_fail(x, "%s is a date without a time (an all-day event)", name);
	w.y = tt.year;
	w.mo = tt.month;
	w.d = tt.day;
	w.h = tt.hour;
	w.mi = tt.minute;
	w.s = tt.second;
	if (appt_wall_valid(&w) < 0)
		return ev_fail(x, "%s is out of range", name);
	if (icaltime_is_utc(tt)) {
		*out = appt_wall_utc(&w);
		return 0;
	}
	if (tt.zone != NULL) {
		appt_wall_resolve(&w, zone_offset, (void *)tt.zone, out);
		return 0;
	}
	if (tzid != NULL) {
		char shown[48];

		appt_show(icalparameter_get_tzid(tzid) ? icalparameter_get_tzid(tzid) : "", shown);
		return ev_fail(x, "%s has an unknown time zone \"%s\"", name, shown);
	}
	/* Floating: the site's local time. */
	appt_wall_resolve(&w, appt_offset_local, NULL, out);
	return 0;
}

/*
 * The first line libical could not read in comp that matters, or NULL.
 * An unknown property or parameter name does not: RFC 5545 (3.7, 3.8.8)
 * has readers ignore what they do not know, and we read only properties
 * libical knows. A value or parameter value it cannot parse does: libical
 * then drops the whole property, and "no DTSTART" would hide why.
 */
static icalproperty *
lic_error(icalcomponent *comp)
{
	icalproperty *p;

	for (p = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY); p;
	    p = icalcomponent_get_next_property(comp, ICAL_XLICERROR_PROPERTY)) {
		icalparameter *t = icalproperty_get_first_parameter(p, ICAL_XLICERRORTYPE_PARAMETER);
		icalparameter_xlicerrortype type = t ? icalparameter_get_xlicerrortype(t) :
		    ICAL_XLICERRORTYPE_NONE;

		if (type != ICAL_XLICERRORTYPE_PROPERTYPARSEERROR &&
		    type != ICAL_XLICERRORTYPE_PARAMETERNAMEPARSEERROR)
			return p;
	}
	return NULL;
}

/* The first X- property of that name, or NULL. */
static const char *
x_prop(icalcomponent *e, const char *name)
{
	icalproperty *p;

	for (p = icalcomponent_get_first_property(e, ICAL_X_PROPERTY); p;
	    p = icalcomponent_get_next_property(e, ICAL_X_PROPERTY)) {
		const char *n = icalproperty_get_x_name(p);

		if (n && strcasecmp(n, name) == 0)
			return icalproperty_get_x(p);
	}
	return NULL;
}

/* The service from CATEGORIES, else def: 0, or -1 with the message. */
static int
ics_service(struct ics *x, icalcomponent *e, char def, struct appt_in *a)
{
	icalproperty *p;
	char found = 0;

	for (p = icalcomponent_get_first_property(e, ICAL_CATEGORIES_PROPERTY); p;
	    p = icalcomponent_get_next_property(e, ICAL_CATEGORIES_PROPERTY)) {
		const char *v = icalproperty_get_categories(p);
		char c;

		if (v == NULL)
			continue;
		while (*v == ' ')
			v++;
		c = *v >= 'a' && *v <= 'z' ? (char)(*v - 'a' + 'A') : *v;
		if (c < 'A' || c > 'Z')
			continue;
		for (v++; *v == ' '; v++)
			;
		if (*v != '\0')
			continue;        /* a word, not a service code */
		if (found && found != c) {
			char two[4] = { found, ',', c, '\0' };

			return ev_fail(x, "CATEGORIES names two services (%s)", two);
		}
		found = c;
	}
	if (!found)
		found = def;
	if (!found)
		return ev_fail(x, "no service: CATEGORIES has no service letter "
		    "and no default service was given (--service)");
	a->service = found;
	return 0;
}

static int
ics_event(struct ics *x, icalcomponent *e, char def, struct appt_in *a)
{
	icalproperty *p, *start, *end, *dur;
	const char *uid = icalcomponent_get_uid(e), *code;
	char why[160];
	int64_t t_end;

	memset(a, 0, sizeof *a);
	/* libical's reading errors first: the event is not what the file says. */
	if ((p = lic_error(e)) != NULL) {
		char what[160];

		appt_show_n(icalproperty_get_xlicerror(p) ? icalproperty_get_xlicerror(p) : "", what,
		    sizeof what);
		return ev_fail(x, "cannot read it: %s", what);
	}
	if (uid == NULL || *uid == '\0')
		return ev_fail(x, "no UID");
	if (appt_set_id(a, uid, why, sizeof why) < 0)
		return ev_fail(x, "bad UID: %s", why);
	if (icalcomponent_get_first_property(e, ICAL_RRULE_PROPERTY) ||
	    icalcomponent_get_first_property(e, ICAL_RDATE_PROPERTY) ||
	    icalcomponent_get_first_property(e, ICAL_RECURRENCEID_PROPERTY))
		return ev_fail(x, "a recurring event (RRULE, RDATE or RECURRENCE-ID) "
		    "is not an appointment");

	if ((code = x_prop(e, "X-APPOINTMENT-CODE")) != NULL) {
		if (appt_code_normalise(code, a->code, why, sizeof why) < 0)
			return ev_fail(x, "bad X-APPOINTMENT-CODE: %s", why);
	} else if (appt_code_normalise(uid, a->code, why, sizeof why) < 0) {
		return ev_fail(x, "the UID is no check-in code (%s) and there is no "
		    "X-APPOINTMENT-CODE", why);
	}
	if (ics_service(x, e, def, a) < 0)
		return -1;

	if ((start = icalcomponent_get_first_property(e, ICAL_DTSTART_PROPERTY)) == NULL)
		return ev_fail(x, "no DTSTART");
	if (ics_time(x, "DTSTART", start, icalcomponent_get_dtstart(e), &a->start) < 0)
		return -1;
	end = icalcomponent_get_first_property(e, ICAL_DTEND_PROPERTY);
	dur = icalcomponent_get_first_property(e, ICAL_DURATION_PROPERTY);
	if (end != NULL) {
		if (ics_time(x, "DTEND", end, icalcomponent_get_dtend(e), &t_end) < 0)
			return -1;
	} else if (dur != NULL) {
		t_end = a->start + icaldurationtype_as_int(icalproperty_get_duration(dur));
	} else {
		return ev_fail(x, "no DTEND or DURATION");
	}
	if ((t_end - a->start) % 60 != 0)
		return ev_fail(x, "the duration is not a whole number of minutes");
	if (appt_set_duration(a, (t_end - a->start) / 60, why, sizeof why) < 0)
		return ev_fail(x, "bad duration: %s", why);

	a->status = icalcomponent_get_status(e) == ICAL_STATUS_CANCELLED ?
	    APPT_CANCELLED : APPT_BOOKED;
	if ((p = icalcomponent_get_first_property(e, ICAL_LASTMODIFIED_PROPERTY)) != NULL) {
		if (ics_time(x, "LAST-MODIFIED", p, icalproperty_get_lastmodified(p), &a->updated_at) < 0)
			return -1;
	} else if ((p = icalcomponent_get_first_property(e, ICAL_DTSTAMP_PROPERTY)) != NULL) {
		if (ics_time(x, "DTSTAMP", p, icalproperty_get_dtstamp(p), &a->updated_at) < 0)
			return -1;
	}
	return 0;
}

/* Every VEVENT of one VCALENDAR (or of a lone VEVENT) onto the array. */
static int
ics_calendar(struct ics *x, icalcomponent *cal, char def, struct appt_in **v, size_t *n,
    size_t *cap, struct appt_ids *ids)
{
	icalcomponent *e;
	icalproperty *p;
	long first;
	int rc;

	if ((p = lic_error(cal)) != NULL) {
		char what[160];
		const char *m = icalproperty_get_xlicerror(p);

		appt_show_n(m ? m : "", what, sizeof what);
		snprintf(x->err, x->errlen, "%s: cannot read it: %s", x->path, what);
		return -1;
	}
	for (e = icalcomponent_isa(cal) == ICAL_VEVENT_COMPONENT ? cal :
	    icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
	    e = e == cal ? NULL : icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		const char *uid = icalcomponent_get_uid(e);

		if (uid && *uid)
			appt_show(uid, x->label);
		else
			snprintf(x->label, sizeof x->label, "#%zu (no UID)", *n + 1);
		if (appt_grow(v, *n, cap) < 0)
			goto oom;
		if (ics_event(x, e, def, &(*v)[*n]) < 0)
			return -1;
		rc = appt_ids_add(ids, (*v)[*n].id, (long)*n + 1, &first);
		if (rc < 0)
			goto oom;
		if (rc == 1) {
			return ev_fail(x, "the same UID as event #%ld of the file", first);
		}
		(*n)++;
	}
	return 0;
oom:
	snprintf(x->err, x->errlen, "%s: out of memory", x->path);
	return -1;
}

int
appt_ics_read(const char *path, char default_service, struct appt_in **out,
    char *err, size_t errlen)
{
	struct ics x;
	struct appt_in *v = NULL;
	struct appt_ids *ids = NULL;
	icalcomponent *root = NULL, *c;
	char *data = NULL;
	size_t len, n = 0, cap = 0;
	icalcomponent_kind kind;

	*out = NULL;
	memset(&x, 0, sizeof x);
	x.path = path;
	x.err = err;
	x.errlen = errlen;
	if (default_service != 0 && (default_service < 'A' || default_service > 'Z')) {
		snprintf(err, errlen, "%s: the default service is one letter A to Z", path);
		return -1;
	}
	if (appt_file_read(path, &data, &len, err, errlen) < 0)
		return -1;
	if (strlen(data) != len) {
		snprintf(err, errlen, "%s: a NUL byte: not an iCalendar file", path);
		goto fail;
	}
	/* A bad line is reported as X-LIC-ERROR, never by aborting. */
	icalerror_set_errors_are_fatal(0);
	root = icalparser_parse_string(data);
	kind = root ? icalcomponent_isa(root) : ICAL_NO_COMPONENT;
	if (kind != ICAL_VCALENDAR_COMPONENT && kind != ICAL_XROOT_COMPONENT &&
	    kind != ICAL_VEVENT_COMPONENT) {
		snprintf(err, errlen, "%s: not an iCalendar file, or cut short (no BEGIN:VCALENDAR ... END:VCALENDAR)", path);
		goto fail;
	}
	if ((ids = appt_ids_new()) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	if (kind == ICAL_XROOT_COMPONENT) {
		/* Several calendars one after the other in the file. */
		for (c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT); c;
		    c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT))
			if (ics_calendar(&x, c, default_service, &v, &n, &cap, ids) < 0)
				goto fail;
	} else if (ics_calendar(&x, root, default_service, &v, &n, &cap, ids) < 0) {
		goto fail;
	}
	if (n > (size_t)0x7fffffff) {
		snprintf(err, errlen, "%s: too many events", path);
		goto fail;
	}
	icalcomponent_free(root);
	appt_ids_free(ids);
	free(data);
	if (n == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	return (int)n;
fail:
	if (root)
		icalcomponent_free(root);
	appt_ids_free(ids);
	free(data);
	free(v);
	return -1;
}
