/*
 * appt_json: one appointment as a JSON body, from a booking system's
 * webhook or from staff (appt_in.h, docs/APPOINTMENTS.md). Two shapes:
 *
 *   - ours, whose keys are the CSV's columns:
 *       {"id":"ext-1","service":"A","start":"2026-12-04T10:30:00+01:00",
 *        "duration_min":20,"code":"K7P3QX","holder":"…","lang":"ar",
 *        "status":"booked","updated_at":"2026-11-20T09:00:00Z"}
 *     An unknown key is an error (a misspelt "duration" must not pass
 *     unseen); the keys our API adds when it gives an appointment back
 *     (checked_in_at, ticket, state) are ignored, so that a client may send
 *     back what it read. "holder" is the document number: true/false, as
 *     the API shows it, is refused.
 *
 *   - RDV Service Public's webhook payload, recognised by its "meta" object
 *     with a "model": {"data":{…the Rdv…},"meta":{"model":"Rdv",
 *     "event":"created|updated|destroyed","timestamp":"…",…}}. Its format
 *     is read from its public code (app/models/concerns/webhook_deliverable.rb,
 *     app/blueprints/rdv_blueprint.rb, app/models/rdv.rb of
 *     betagouv/rdv-service-public); docs/APPOINTMENTS.md has the mapping.
 *     Only the Rdv's uuid, starts_at, duration_in_min / ends_at, status,
 *     collectif and motif are read: its users and participations (names,
 *     phone numbers, e-mail addresses) are never looked at.
 */
#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/appt_int.h"

static int jfail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
jfail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The string at key: 0 with *s (NULL when absent or null), or -1 when it
 * is something else than a string. */
static int
get_str(const cJSON *o, const char *key, const char **s)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);

	*s = NULL;
	if (j == NULL || cJSON_IsNull(j))
		return 0;
	if (!cJSON_IsString(j) || j->valuestring == NULL)
		return -1;
	*s = j->valuestring;
	return 0;
}

/* A JSON number that is a whole number within [lo, hi]: 0, or -1. */
static int
get_whole(const cJSON *j, long long lo, long long hi, long long *out)
{
	double d;

	if (!cJSON_IsNumber(j))
		return -1;
	d = j->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < (double)lo || d > (double)hi)
		return -1;
	*out = (long long)d;
	return 0;
}

/* -- ours ----------------------------------------------------------------------- */

static const char *const our_keys[] = {
	"id", "service", "start", "duration_min", "code", "holder", "lang", "status", "updated_at",
	NULL,
};
/* What our API adds when it shows an appointment: ignored when sent back. */
static const char *const shown_keys[] = { "checked_in_at", "ticket", "state", NULL };

static int
in_list(const char *const *list, const char *k)
{
	for (; *list; list++)
		if (strcmp(*list, k) == 0)
			return 1;
	return 0;
}

static int
parse_ours(const cJSON *o, struct appt_in *a, char *err, size_t errlen)
{
	const cJSON *j, *k;
	const char *s;
	char why[160], shown[48];
	long long n;
	int i;

	for (j = o->child; j; j = j->next) {
		appt_show(j->string ? j->string : "", shown);
		if (!in_list(our_keys, j->string) && !in_list(shown_keys, j->string))
			return jfail(err, errlen, "unknown key \"%s\" (the keys are id, service, start, "
			    "duration_min, code, holder, lang, status, updated_at)", shown);
		for (k = o->child; k != j; k = k->next)
			if (strcmp(k->string, j->string) == 0)
				return jfail(err, errlen, "key \"%s\" twice", shown);
	}
	for (i = 0; our_keys[i]; i++) {
		const char *key = our_keys[i];
		int rc = 0;

		j = cJSON_GetObjectItemCaseSensitive(o, key);
		if (strcmp(key, "duration_min") == 0) {
			if (j == NULL || cJSON_IsNull(j))
				return jfail(err, errlen, "duration_min: missing");
			if (get_whole(j, 1, APPT_DURATION_MAX, &n) < 0)
				return jfail(err, errlen, "duration_min: a whole number of minutes "
				    "from 1 to %d", APPT_DURATION_MAX);
			a->duration_min = (int)n;
			continue;
		}
		if (strcmp(key, "holder") == 0 && (cJSON_IsTrue(j) || cJSON_IsFalse(j))) {
			if (cJSON_IsTrue(j))
				return jfail(err, errlen, "holder: the document number, as a string "
				    "(true is what the API shows, not what it takes)");
			continue;        /* false: no holder */
		}
		if (get_str(o, key, &s) < 0)
			return jfail(err, errlen, "%s: a string", key);
		if (s == NULL && i < 5)  /* id, service, start, duration_min, code */
			return jfail(err, errlen, "%s: missing", key);
		if (strcmp(key, "id") == 0)
			rc = appt_set_id(a, s, why, sizeof why);
		else if (strcmp(key, "service") == 0)
			rc = appt_set_service(a, s, why, sizeof why);
		else if (strcmp(key, "start") == 0)
			rc = appt_time_parse(s, &a->start, why, sizeof why);
		else if (strcmp(key, "code") == 0)
			rc = appt_set_code(a, s, why, sizeof why);
		else if (strcmp(key, "holder") == 0)
			rc = appt_set_holder(a, s, why, sizeof why);
		else if (strcmp(key, "lang") == 0)
			rc = appt_set_lang(a, s, why, sizeof why);
		else if (strcmp(key, "status") == 0)
			rc = appt_set_status(a, s, why, sizeof why);
		else if (strcmp(key, "updated_at") == 0 && s != NULL)
			rc = appt_time_parse(s, &a->updated_at, why, sizeof why);
		if (rc < 0)
			return jfail(err, errlen, "%s: %s", key, why);
	}
	return 1;
}

/* -- RDV Service Public ------------------------------------------------------------- */

/* The next "KEY=L" entry of a map from *p: 1 with key (NUL-terminated)
 * and service, 0 at the end, -1 when malformed. */
static int
map_next(const char **p, char key[64], char *service)
{
	const char *s = *p, *eq, *e;
	size_t n;

	while (*s == ',' || *s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return 0;
	for (e = s; *e && *e != ','; e++)
		;
	*p = e;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if ((eq = memchr(s, '=', (size_t)(e - s))) == NULL)
		return -1;
	for (n = (size_t)(eq - s); n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'); n--)
		;
	if (n == 0 || n >= 64)
		return -1;
	memcpy(key, s, n);
	key[n] = '\0';
	for (eq++; *eq == ' ' || *eq == '\t'; eq++)
		;
	if (e - eq != 1 || *eq < 'A' || *eq > 'Z')
		return -1;
	*service = *eq;
	for (n = 0; key[n]; n++) {
		char c = key[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-'))
			return -1;
	}
	return 1;
}

int
appt_rdvsp_map_check(const char *map, char *err, size_t errlen)
{
	const char *p = map ? map : "";
	char key[64], svc;
	int rc, i = 0;

	while ((rc = map_next(&p, key, &svc)) == 1)
		i++;
	if (rc < 0)
		return jfail(err, errlen, "entry %d: not MOTIF_ID=A or CATEGORY=A "
		    "(a motif id or a motif category's short name, '=', one letter A to Z)", i + 1);
	return 0;
}

/* The service a map gives key (motif id or category), or 0. */
static char
map_find(const char *map, const char *key, int numeric)
{
	const char *p = map ? map : "";
	char k[64], svc;

	while (map_next(&p, k, &svc) == 1) {
		int digits = k[strspn(k, "0123456789")] == '\0';

		if (digits == numeric && (numeric ? strcmp(k, key) : strcasecmp(k, key)) == 0)
			return svc;
	}
	return 0;
}

/* The service of an Rdv's motif: the map by motif id, by category short
 * name, then the "[A]" prefix of the motif's name. */
static int
rdvsp_service(const cJSON *motif, const char *map, struct appt_in *a, char *err, size_t errlen)
{
	const cJSON *cat = cJSON_GetObjectItemCaseSensitive(motif, "motif_category");
	const char *name = NULL, *p;
	char key[32], svc = 0, shown[48];
	long long id = -1;

	if (get_whole(cJSON_GetObjectItemCaseSensitive(motif, "id"), 0, 999999999999LL, &id) == 0) {
		snprintf(key, sizeof key, "%lld", id);
		svc = map_find(map, key, 1);
	}
	if (!svc && cJSON_IsObject(cat)) {
		const char *shortname = NULL;

		if (get_str(cat, "short_name", &shortname) == 0 && shortname && *shortname)
			svc = map_find(map, shortname, 0);
	}
	if (!svc && get_str(motif, "name", &name) == 0 && name) {
		for (p = name; *p == ' '; p++)
			;
		if (p[0] == '[' && p[1] >= 'A' && p[1] <= 'Z' && p[2] == ']')
			svc = p[1];
	}
	if (!svc) {
		appt_show(name ? name : "", shown);
		return jfail(err, errlen, "data.motif: motif %lld (\"%s\") gives no service: name it "
		    "\"[A] ...\" in RDV Service Public or map it in [appointments] rdv_services",
		    id, shown);
	}
	a->service = svc;
	return 0;
}

static int
parse_rdvsp(const cJSON *o, const cJSON *meta, const char *map, struct appt_in *a,
    char *err, size_t errlen)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(o, "data"), *motif, *j;
	const char *model, *event, *uuid, *starts, *ends, *status, *loc, *stamp;
	char why[160], shown[48];
	long long n;
	int destroyed;

	if (get_str(meta, "model", &model) < 0 || model == NULL)
		return jfail(err, errlen, "meta.model: a string");
	if (strcmp(model, "Rdv") != 0)
		return 0;       /* an absence, a user, an opening period...: not ours */
	if (get_str(meta, "event", &event) < 0 || event == NULL ||
	    (strcmp(event, "created") && strcmp(event, "updated") && strcmp(event, "destroyed")))
		return jfail(err, errlen, "meta.event: created, updated or destroyed");
	destroyed = strcmp(event, "destroyed") == 0;
	if (!cJSON_IsObject(data))
		return jfail(err, errlen, "data: the Rdv, an object");
	/* A collective Rdv (a workshop) has one uuid for every participant;
	 * a phone or home Rdv never comes to the desk. */
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data, "collectif")))
		return 0;
	motif = cJSON_GetObjectItemCaseSensitive(data, "motif");
	if (!cJSON_IsObject(motif))
		return jfail(err, errlen, "data.motif: missing");
	if (get_str(motif, "location_type", &loc) < 0)
		return jfail(err, errlen, "data.motif.location_type: a string");
	if (loc != NULL && strcmp(loc, "public_office") != 0)
		return 0;

	if (get_str(data, "uuid", &uuid) < 0 || uuid == NULL)
		return jfail(err, errlen, "data.uuid: missing");
	if (appt_set_id(a, uuid, why, sizeof why) < 0)
		return jfail(err, errlen, "data.uuid: %s", why);
	if (appt_set_code(a, uuid, why, sizeof why) < 0)
		return jfail(err, errlen, "data.uuid: not a check-in code: %s", why);
	if (rdvsp_service(motif, map, a, err, errlen) < 0)
		return -1;
	if (get_str(data, "starts_at", &starts) < 0 || starts == NULL)
		return jfail(err, errlen, "data.starts_at: missing");
	if (appt_time_parse(starts, &a->start, why, sizeof why) < 0)
		return jfail(err, errlen, "data.starts_at: %s", why);
	j = cJSON_GetObjectItemCaseSensitive(data, "duration_in_min");
	if (j != NULL && !cJSON_IsNull(j)) {
		if (get_whole(j, 1, APPT_DURATION_MAX, &n) < 0)
			return jfail(err, errlen, "data.duration_in_min: a whole number of minutes "
			    "from 1 to %d", APPT_DURATION_MAX);
	} else {
		int64_t end;

		if (get_str(data, "ends_at", &ends) < 0 || ends == NULL)
			return jfail(err, errlen, "data: neither duration_in_min nor ends_at");
		if (appt_time_parse(ends, &end, why, sizeof why) < 0)
			return jfail(err, errlen, "data.ends_at: %s", why);
		n = (end - a->start) / 60;
	}
	if (appt_set_duration(a, n, why, sizeof why) < 0)
		return jfail(err, errlen, "data: duration: %s", why);
	/* rdv.rb: CANCELLED_STATUSES = excused (by the applicant), revoked (by
	 * the service); unknown (to come), seen, noshow are not cancelled. */
	if (get_str(data, "status", &status) < 0)
		return jfail(err, errlen, "data.status: a string");
	if (status == NULL || !strcmp(status, "unknown") || !strcmp(status, "seen") ||
	    !strcmp(status, "noshow"))
		a->status = APPT_BOOKED;
	else if (!strcmp(status, "excused") || !strcmp(status, "revoked"))
		a->status = APPT_CANCELLED;
	else {
		appt_show(status, shown);
		return jfail(err, errlen, "data.status: \"%s\" is none of unknown, seen, noshow, "
		    "excused, revoked", shown);
	}
	if (destroyed)
		a->status = APPT_CANCELLED;
	if (get_str(meta, "timestamp", &stamp) < 0)
		return jfail(err, errlen, "meta.timestamp: a string");
	if (stamp != NULL && appt_time_parse(stamp, &a->updated_at, why, sizeof why) < 0)
		return jfail(err, errlen, "meta.timestamp: %s", why);
	return 1;
}

/* -- entry points ------------------------------------------------------------------- */

int
appt_json_parse_map(const char *body, size_t len, const char *map,
    struct appt_in *out, char *err, size_t errlen)
{
	const char *end = NULL;
	const cJSON *meta;
	cJSON *o;
	int rc;

	memset(out, 0, sizeof *out);
	if (body == NULL || len == 0)
		return jfail(err, errlen, "an empty body");
	o = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (o == NULL) {
		size_t at = end && end >= body && end <= body + len ? (size_t)(end - body) : 0;

		return jfail(err, errlen, "not JSON (at byte %zu)", at);
	}
	if (end != NULL)
		while ((size_t)(end - body) < len && (*end == ' ' || *end == '\t' ||
		    *end == '\r' || *end == '\n'))
			end++;
	if (end == NULL || (size_t)(end - body) != len) {
		cJSON_Delete(o);
		return jfail(err, errlen, "not JSON (something after the object)");
	}
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return jfail(err, errlen, "not a JSON object");
	}
	meta = cJSON_GetObjectItemCaseSensitive(o, "meta");
	if (cJSON_IsObject(meta) && cJSON_GetObjectItemCaseSensitive(meta, "model") != NULL)
		rc = parse_rdvsp(o, meta, map, out, err, errlen);
	else
		rc = parse_ours(o, out, err, errlen);
	cJSON_Delete(o);
	if (rc != 1)
		memset(out, 0, sizeof *out);
	return rc;
}

int
appt_json_parse(const char *body, size_t len, struct appt_in *out, char *err, size_t errlen)
{
	return appt_json_parse_map(body, len, NULL, out, err, errlen);
}
