/*
 * site: see site.h. The file is read whole and checked byte by byte first
 * (scan()): inih cuts a line at INI_MAX_LINE and reads its tail as a new
 * line, stops a value at a NUL, and takes any bytes as text, so a long
 * comment could set a key, and a Latin-1 name would reach the API's JSON.
 * scan() also refuses a section that appears twice, on the line of its
 * second header (inih would merge the two). Then inih parses the same
 * bytes from memory and calls handler() once per key; the first problem
 * stops the parse and inih gives back its line number.
 */
#include <ctype.h>
#include <ini.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/site.h"
#include "core/str.h"
#include "io/appt_in.h"

/* Lines longer than this are refused: inih reads INI_MAX_LINE - 1 bytes of
 * a line, newline included, and would read the rest as another line. */
#define SITE_LINE_MAX (INI_MAX_LINE - 1)
#define SITE_FILE_MAX (1 << 20)   /* a site file is a few kilobytes */

struct parse {
	struct site *site;
	char why[200];          /* the problem, for the caller's message */
	char (*keys)[2][64];    /* (section, key) set so far, to refuse a repeat */
	size_t nkeys, maxkeys;  /* used and allocated entries of keys */
};

static const char *days[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };


static int
parse_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

static int
parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* Hex BLAKE2b-256 of a secret, as the store keeps secrets (desk/admin.c). */
static void
secret_hex(const char *secret, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, (const unsigned char *)secret, strlen(secret), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
	sodium_memzero(h, sizeof h);
}

/* metrics = off | public | token, and metrics_token (16 to 128 printable
 * ASCII bytes, no spaces: it travels in a header). 0, or -1 with why. */
static int
metrics_key(struct site *s, const char *key, const char *v, char *why, size_t len)
{
	size_t i, n = strlen(v);

	if (!strcmp(key, "metrics")) {
		if (!strcmp(v, "off"))
			s->metrics = SITE_METRICS_OFF;
		else if (!strcmp(v, "public"))
			s->metrics = SITE_METRICS_PUBLIC;
		else if (!strcmp(v, "token"))
			s->metrics = SITE_METRICS_TOKEN;
		else
			return snprintf(why, len, "metrics: expected off, public or token"), -1;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] > '~')
			break;
	if (sodium_init() < 0)
		return snprintf(why, len, "metrics_token: libsodium cannot start"), -1;
	if (n < 16 || n > 128 || i < n)
		return snprintf(why, len, "metrics_token: expected 16 to 128 printable characters "
		    "without spaces (e.g. from 'openssl rand -hex 24')"), -1;
	secret_hex(v, s->metrics_token_hash);
	return 0;
}

#define FAIL(...) do { snprintf(p->why, sizeof p->why, __VA_ARGS__); return 0; } while (0)

static int
site_key(struct parse *p, const char *key, const char *v)
{
	struct site *s = p->site;
	int i;

	for (i = 0; i < 7; i++) {
		if (strcmp(key, days[i]) == 0) {
			char a[8], b[8];
			if (!strcmp(v, "closed")) {
				s->hours[i].open_min = s->hours[i].close_min = -1;
				return 1;
			}
			if (sscanf(v, "%5[0-9:]-%5[0-9:]", a, b) != 2 ||
			    (s->hours[i].open_min = site_parse_hhmm(a)) < 0 ||
			    (s->hours[i].close_min = site_parse_hhmm(b)) < 0 ||
			    s->hours[i].close_min <= s->hours[i].open_min)
				FAIL("%s: expected opening hours like 08:30-16:00, or 'closed'", key);
			return 1;
		}
	}
	if (!strcmp(key, "id")) {
		for (i = 0; v[i]; i++)
			if (!isalnum((unsigned char)v[i]) && v[i] != '-')
				FAIL("id: use letters, digits and '-' only (it is printed in every QR code)");
		if (i == 0 || i > 24 || str_copy(s->id, sizeof s->id, v))
			FAIL("id: must be 1 to 24 characters");
	} else if (!strcmp(key, "name")) {
		if (!*v || str_copy(s->name, sizeof s->name, v))
			FAIL("name: must be 1 to %zu bytes", sizeof s->name - 1);
	} else if (!strcmp(key, "timezone")) {
		char path[128];
		if (str_copy(s->tz, sizeof s->tz, v) || strstr(v, ".."))
			FAIL("timezone: not a time zone name");
		snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", v);
		if (access(path, R_OK) != 0)
			FAIL("timezone: unknown IANA time zone '%s' (expected e.g. Europe/Paris)", v);
	} else if (!strcmp(key, "max_recalls")) {
		if (parse_int(v, 0, 10, &s->max_recalls))
			FAIL("max_recalls: expected a number from 0 to 10");
	} else if (!strcmp(key, "priority_streak")) {
		if (parse_int(v, 1, 100, &s->priority_streak))
			FAIL("priority_streak: expected a number from 1 to 100");
	} else if (!strcmp(key, "reprint_limit")) {
		if (parse_int(v, 0, 10, &s->reprint_limit))
			FAIL("reprint_limit: expected a number from 0 to 10");
	} else if (!strcmp(key, "default_service_min")) {
		int m;
		if (parse_int(v, 1, 240, &m))
			FAIL("default_service_min: expected minutes from 1 to 240");
		s->default_service_s = m * 60;
	} else if (!strcmp(key, "tls_cert")) {
		if (str_copy(s->tls_cert, sizeof s->tls_cert, v))
			FAIL("tls_cert: path too long");
	} else if (!strcmp(key, "tls_key")) {
		if (str_copy(s->tls_key, sizeof s->tls_key, v))
			FAIL("tls_key: path too long");
	} else if (!strcmp(key, "metrics_token_hash")) {
		for (i = 0; v[i] && strchr("0123456789abcdef", v[i]); i++)
			;
		if (i != 64 || v[i])
			FAIL("metrics_token_hash: expected 64 lowercase hex digits (as "
			    "'kiosk admin site export' writes it)");
		memcpy(s->metrics_token_hash, v, 65);
	} else if (!strcmp(key, "metrics") || !strcmp(key, "metrics_token")) {
		if (metrics_key(s, key, v, p->why, sizeof p->why) != 0)
			return 0;
	} else {
		FAIL("unknown key '%s' in [site]", key);
	}
	return 1;
}

static int
service_key(struct parse *p, struct site_service *sv, const char *key, const char *v)
{
	if (!strcmp(key, "name")) {
		if (!*v || str_copy(sv->name, sizeof sv->name, v))
			FAIL("name: must be 1 to %zu bytes", sizeof sv->name - 1);
	} else if (!strncmp(key, "name.", 5)) {
		struct service_name *n;
		if (sv->nnames == SITE_MAX_NAMES)
			FAIL("too many translated names (at most %d)", SITE_MAX_NAMES);
		n = &sv->names[sv->nnames];
		if (!key[5] || str_copy(n->lang, sizeof n->lang, key + 5) ||
		    str_copy(n->name, sizeof n->name, v) || !*v)
			FAIL("%s: bad language code or name too long", key);
		sv->nnames++;
	} else if (!strcmp(key, "capacity")) {
		if (parse_int(v, 0, 9999, &sv->capacity))
			FAIL("capacity: expected a number of tickets from 0 to 9999");
	} else if (!strcmp(key, "priority_reserve")) {
		if (parse_int(v, 0, 9999, &sv->priority_reserve))
			FAIL("priority_reserve: expected a number of tickets from 0 to 9999");
	} else if (!strcmp(key, "bind_holder")) {
		/* all_sites: bound as yes, and the rule holds across every
		 * site of the PostgreSQL database (store_claim_*). */
		if (!strcmp(v, "all_sites"))
			sv->bind_holder = SITE_BIND_ALL_SITES;
		else if (parse_bool(v, &sv->bind_holder))
			FAIL("bind_holder: expected yes, no or all_sites");
	} else if (!strcmp(key, "appointments")) {
		if (parse_int(v, 0, 9999, &sv->appointments))
			FAIL("appointments: expected a number of appointments per day from 0 to 9999");
	} else if (!strcmp(key, "draw")) {
		/* The draw at opening (docs/DRAW.md): enrolment from the first
		 * time, the draw at the second. */
		char a[8], b[8], extra;
		if (sscanf(v, "%5[0-9:]-%5[0-9:]%c", a, b, &extra) != 2 ||
		    (sv->draw_open_min = site_parse_hhmm(a)) < 0 ||
		    (sv->draw_close_min = site_parse_hhmm(b)) < 0 ||
		    sv->draw_close_min <= sv->draw_open_min)
			FAIL("draw: expected the enrolment window like 07:30-08:45 (the draw is "
			    "made at its end)");
	} else if (!strcmp(key, "convocations")) {
		if (parse_int(v, 0, 9999, &sv->convocations))
			FAIL("convocations: expected a number of places per open day from 0 to 9999");
	} else if (!strcmp(key, "convocation_days")) {
		if (parse_int(v, 1, 90, &sv->convocation_days))
			FAIL("convocation_days: expected a number of days from 1 to 90");
	} else if (!strcmp(key, "convocation_window")) {
		if (parse_int(v, 5, 720, &sv->convocation_window))
			FAIL("convocation_window: expected minutes from 5 to 720");
	} else {
		FAIL("unknown key '%s' in a [service] section", key);
	}
	return 1;
}

static int
counter_key(struct parse *p, struct site_counter *c, const char *key, const char *v)
{
	if (!strcmp(key, "name")) {
		if (!*v || str_copy(c->name, sizeof c->name, v))
			FAIL("name: must be 1 to %zu bytes", sizeof c->name - 1);
	} else if (!strcmp(key, "services")) {
		size_t n = 0;
		for (; *v; v++) {
			if (*v == ' ' || *v == ',')
				continue;
			if (!isupper((unsigned char)*v) || !site_service(p->site, *v))
				FAIL("services: '%c' is not a service defined above", *v);
			if (strchr(c->services, *v))
				FAIL("services: '%c' listed twice", *v);
			c->services[n++] = *v;
		}
		c->services[n] = '\0';
	} else {
		FAIL("unknown key '%s' in a [counter] section", key);
	}
	return 1;
}

/* [appointments]: the check-in window, what a late arrival gets, and the
 * webhook's secret (32 to 128 printable ASCII bytes without spaces: the
 * booking system is given the same string). 1, or 0 with p->why. */
static int
appointments_key(struct parse *p, const char *key, const char *v)
{
	struct site_appointments *a = &p->site->appt;
	size_t i, n = strlen(v);

	if (!strcmp(key, "checkin_before")) {
		if (parse_int(v, 0, 240, &a->checkin_before))
			FAIL("checkin_before: expected minutes from 0 to 240");
	} else if (!strcmp(key, "checkin_after")) {
		if (parse_int(v, 0, 240, &a->checkin_after))
			FAIL("checkin_after: expected minutes from 0 to 240");
	} else if (!strcmp(key, "late")) {
		if (!strcmp(v, "walkin"))
			a->late = SITE_LATE_WALKIN;
		else if (!strcmp(v, "attestation"))
			a->late = SITE_LATE_ATTESTATION;
		else
			FAIL("late: expected walkin or attestation");
	} else if (!strcmp(key, "appointment_streak")) {
		if (parse_int(v, 1, 20, &a->appointment_streak))
			FAIL("appointment_streak: expected a number from 1 to 20");
	} else if (!strcmp(key, "webhook_secret")) {
		for (i = 0; i < n && v[i] > ' ' && v[i] <= '~'; i++)
			;
		if (n < SITE_SECRET_MIN || n > SITE_SECRET_MAX || i < n)
			FAIL("webhook_secret: expected %d to %d printable characters without spaces "
			    "(e.g. from 'openssl rand -hex 32')", SITE_SECRET_MIN, SITE_SECRET_MAX);
		memcpy(a->webhook_secret, v, n + 1);
	} else if (!strcmp(key, "rdv_services")) {
		char why[160];
		if (str_copy(a->rdv_services, sizeof a->rdv_services, v))
			FAIL("rdv_services: at most %zu bytes", sizeof a->rdv_services - 1);
		if (appt_rdvsp_map_check(v, why, sizeof why) != 0)
			FAIL("rdv_services: %s", why);
	} else {
		FAIL("unknown key '%s' in [appointments] (expected checkin_before, checkin_after, "
		    "late, appointment_streak, webhook_secret or rdv_services)", key);
	}
	return 1;
}

struct int_key {
	const char *key;        /* key name in the section */
	int *v;                 /* where the value goes */
	int lo, hi;             /* accepted range */
};

static int
int_key(struct parse *p, const struct int_key *t, size_t n,
    const char *section, const char *key, const char *v)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (strcmp(key, t[i].key) == 0) {
			if (parse_int(v, t[i].lo, t[i].hi, t[i].v))
				FAIL("%s: expected a number from %d to %d", key, t[i].lo, t[i].hi);
			return 1;
		}
	}
	FAIL("unknown key '%s' in [%s]", key, section);
}

/* A key set twice in one section (sections are unique: scan()). inih
 * also calls the handler again, with the same key, for an indented line
 * that continues a value. */
static int
key_repeated(struct parse *p, const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < p->nkeys; i++)
		if (!strcmp(p->keys[i][0], section) && !strcmp(p->keys[i][1], key))
			return 1;
	if (p->nkeys == p->maxkeys) {
		size_t m = p->maxkeys ? 2 * p->maxkeys : 64;
		void *k = realloc(p->keys, m * sizeof p->keys[0]);
		if (k == NULL)
			return 0;   /* then repeats go unnoticed; nothing else breaks */
		p->keys = k;
		p->maxkeys = m;
	}
	snprintf(p->keys[p->nkeys][0], sizeof p->keys[0][0], "%s", section);
	snprintf(p->keys[p->nkeys][1], sizeof p->keys[0][1], "%s", key);
	p->nkeys++;
	return 0;
}

static int
handler(void *user, const char *section, const char *key, const char *v)
{
	struct parse *p = user;
	struct site *s = p->site;
	int n;

	/* inih goes on after a refusal but returns the first one's line: keep
	 * the first reason with it */
	if (p->why[0])
		return 0;
	if (key_repeated(p, section, key))
		FAIL("'%s' is set twice in [%s] (or an indented line continues it: "
		    "a value is one line)", key, section);

	if (!strcmp(section, "site"))
		return site_key(p, key, v);
	if (!strncmp(section, "service ", 8)) {
		const char *code = section + 8;
		struct site_service *sv;
		if (strlen(code) != 1 || !isupper((unsigned char)code[0]))
			FAIL("[%s]: a service code is one capital letter, e.g. [service A]", section);
		if ((sv = (struct site_service *)site_service(s, code[0])) == NULL) {
			sv = &s->services[s->nservices++];
			sv->code = code[0];
			sv->capacity = -1;
			sv->convocation_days = 14;
			sv->convocation_window = 60;
		}
		return service_key(p, sv, key, v);
	}
	if (!strncmp(section, "counter ", 8)) {
		struct site_counter *c;
		if (parse_int(section + 8, 1, 99, &n))
			FAIL("[%s]: a counter is numbered 1 to 99, e.g. [counter 3]", section);
		if ((c = (struct site_counter *)site_counter(s, n)) == NULL) {
			if (s->ncounters == SITE_MAX_COUNTERS)
				FAIL("too many counters");
			c = &s->counters[s->ncounters++];
			c->n = n;
			snprintf(c->name, sizeof c->name, "Guichet %d", n);
		}
		return counter_key(p, c, key, v);
	}
	if (!strcmp(section, "alerts")) {
		const struct int_key t[] = {
			{ "burst_per_minute", &s->alerts.burst_per_minute, 0, 1000 },
			{ "holder_refusals", &s->alerts.holder_refusals, 0, 1000 },
			{ "outside_hours", &s->alerts.outside_hours, 0, 1000 },
			{ "reprints_per_hour", &s->alerts.reprints_per_hour, 0, 1000 },
			{ "paper_ratio", &s->alerts.paper_ratio, 0, 10000 },
			{ "checkin_guesses", &s->alerts.checkin_guesses, 0, 1000 },
		};
		return int_key(p, t, sizeof t / sizeof t[0], section, key, v);
	}
	if (!strcmp(section, "privacy")) {
		const struct int_key t[] = {
			{ "events_months", &s->privacy.events_months, 1, 120 },
			{ "holder_days", &s->privacy.holder_days, 0, 30 },
		};
		return int_key(p, t, sizeof t / sizeof t[0], section, key, v);
	}
	if (!strcmp(section, "appointments"))
		return appointments_key(p, key, v);
	FAIL("unknown section [%s] (expected [site], [service X], [counter N], [alerts], "
	    "[privacy] or [appointments])", section);
}

static int
check(const struct site *s, char *why, size_t len)
{
	int i;

	if (!s->id[0])
		return snprintf(why, len, "[site] has no id"), -1;
	if (!s->name[0])
		return snprintf(why, len, "[site] has no name"), -1;
	if (!s->tz[0])
		return snprintf(why, len, "[site] has no timezone (e.g. timezone = Europe/Paris)"), -1;
	if (s->nservices == 0)
		return snprintf(why, len, "no [service X] section"), -1;
	for (i = 0; i < s->nservices; i++) {
		const struct site_service *sv = &s->services[i];
		if (!sv->name[0])
			return snprintf(why, len, "[service %c] has no name", sv->code), -1;
		if (sv->capacity < 0)
			return snprintf(why, len, "[service %c] has no capacity", sv->code), -1;
		if (sv->priority_reserve > sv->capacity)
			return snprintf(why, len, "[service %c]: priority_reserve exceeds capacity", sv->code), -1;
	}
	if (s->metrics == SITE_METRICS_TOKEN && !s->metrics_token_hash[0])
		return snprintf(why, len, "[site] metrics = token needs metrics_token = <secret>"), -1;
	if (s->metrics != SITE_METRICS_TOKEN && s->metrics_token_hash[0])
		return snprintf(why, len, "[site] metrics_token is set but metrics is not 'token'"), -1;
	if (s->ncounters == 0)
		return snprintf(why, len, "no [counter N] section"), -1;
	for (i = 0; i < s->ncounters; i++)
		if (!s->counters[i].services[0])
			return snprintf(why, len, "[counter %d] serves no service (services = A B)", s->counters[i].n), -1;
	return 0;
}

/* A section header's name as inih reads it ("" when the line is none),
 * canonical: "counter 03" and "counter 3" are the same counter. */
static void
header_name(const char *line, size_t len, char *out, size_t outlen)
{
	size_t i = 0, j;
	int n;

	out[0] = '\0';
	while (i < len && isspace((unsigned char)line[i]))
		i++;
	if (i == len || line[i] != '[')
		return;
	for (j = ++i; j < len && line[j] != ']'; j++)
		;
	if (j == len)
		return;   /* inih refuses it */
	snprintf(out, outlen, "%.*s", (int)(j - i), line + i);
	if (!strncmp(out, "counter ", 8) && parse_int(out + 8, 1, 99, &n) == 0)
		snprintf(out, outlen, "counter %d", n);
}

/*
 * The raw file, before inih: each line at most SITE_LINE_MAX bytes, no
 * control character but tab (and CR before LF), valid UTF-8 (a BOM is
 * accepted at the start), each section once. 0, or -1 with
 * "FILE:LINE: problem" in err.
 */
static int
scan(const char *path, const char *b, size_t n, char *err, size_t errlen)
{
	struct { char name[64]; int line; } seen[SITE_MAX_SERVICES + SITE_MAX_COUNTERS + 8];
	size_t at = 0, nseen = 0, k;
	int line = 0;

	if (n >= 3 && !memcmp(b, "\xef\xbb\xbf", 3))
		at = 3;
	while (at < n) {
		const char *nl = memchr(b + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - b) : n, len = end - at, i;
		char name[64];

		line++;
		if (len > 0 && b[end - 1] == '\r')
			len--;
		if (len > SITE_LINE_MAX)
			return errf(err, errlen, "%s:%d: line longer than %d bytes (inih would "
			    "read its end as another line): shorten it", path, line, SITE_LINE_MAX);
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)b[at + i];
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return errf(err, errlen, "%s:%d: control character 0x%02x at byte %zu "
				    "(%s): a site file is text", path, line, c, i + 1,
				    c == 0 ? "a NUL" : c == '\r' ? "a carriage return" : "not text");
		}
		if (!str_utf8_valid(b + at, len))
			return errf(err, errlen, "%s:%d: not valid UTF-8 (save the file as UTF-8, "
			    "not Latin-1 or Windows-1252)", path, line);
		header_name(b + at, len, name, sizeof name);
		if (name[0]) {
			for (k = 0; k < nseen; k++)
				if (!strcmp(seen[k].name, name))
					return errf(err, errlen, "%s:%d: [%s] appears twice (first at "
					    "line %d): merge the two sections", path, line, name,
					    seen[k].line);
			if (nseen < sizeof seen / sizeof seen[0]) {
				snprintf(seen[nseen].name, sizeof seen[0].name, "%s", name);
				seen[nseen++].line = line;
			}
		}
		at = end + 1;
	}
	return 0;
}

/* The whole file into a NUL-terminated buffer (*out, malloc'd). */
static int
read_file(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t n;

	*out = NULL;
	if (f == NULL)
		return errf(err, errlen, "%s: cannot open the site file", path);
	if ((b = malloc(SITE_FILE_MAX + 1)) == NULL) {
		fclose(f);
		return errf(err, errlen, "%s: out of memory", path);
	}
	n = fread(b, 1, SITE_FILE_MAX + 1, f);
	if (ferror(f) || n > SITE_FILE_MAX) {
		fclose(f);
		free(b);
		if (n > SITE_FILE_MAX)
			return errf(err, errlen, "%s: larger than %d bytes: not a site file", path,
			    SITE_FILE_MAX);
		return errf(err, errlen, "%s: cannot read the site file", path);
	}
	fclose(f);
	b[n] = '\0';
	*out = b;
	*len = n;
	return 0;
}

int
site_load(const char *path, struct site *out, char *err, size_t errlen)
{
	struct parse p;
	char *text;
	size_t len = 0;
	int i, line;

	memset(out, 0, sizeof *out);
	memset(&p, 0, sizeof p);
	p.site = out;
	out->max_recalls = 2;
	out->priority_streak = 3;
	out->reprint_limit = 2;
	out->default_service_s = 600;
	out->alerts.burst_per_minute = 8;
	out->alerts.holder_refusals = 3;
	out->alerts.outside_hours = 3;
	out->alerts.reprints_per_hour = 6;
	out->alerts.paper_ratio = 150;
	out->alerts.checkin_guesses = 5;
	out->appt.checkin_before = 30;
	out->appt.checkin_after = 15;
	out->appt.late = SITE_LATE_WALKIN;
	out->appt.appointment_streak = 3;
	out->privacy.events_months = 12;
	out->privacy.holder_days = 0;
	for (i = 0; i < 7; i++)
		out->hours[i].open_min = out->hours[i].close_min = -1;
	if (read_file(path, &text, &len, err, errlen) != 0)
		return -1;
	if (scan(path, text, len, err, errlen) != 0) {
		free(text);
		return -1;
	}
	line = ini_parse_string(text, handler, &p);
	free(text);
	free(p.keys);
	if (line == -2)
		return errf(err, errlen, "%s: out of memory", path);
	if (line > 0)
		return errf(err, errlen, "%s:%d: %s", path, line,
		    p.why[0] ? p.why : "syntax error (expected [section] or key = value)");
	if (check(out, p.why, sizeof p.why))
		return errf(err, errlen, "%s: %s", path, p.why);
	return 0;
}

/* -- writing a site back (kiosk admin site export) --------------------------- */

/* A value site_load() reads back as is: inih trims the ends and cuts at
 * " ;" (an inline comment); scan() refuses control characters. */
static int
writable(const char *v)
{
	size_t n = strlen(v), i;

	if (n == 0 || isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1]) ||
	    n > SITE_LINE_MAX - 40 || !str_utf8_valid(v, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f || (v[i] == ';' && i > 0 &&
		    isspace((unsigned char)v[i - 1])))
			return 0;
	return 1;
}

static void
hours_text(const struct site_hours *h, char *out, size_t len)
{
	if (h->open_min < 0)
		snprintf(out, len, "closed");
	else
		snprintf(out, len, "%02d:%02d-%02d:%02d", h->open_min / 60, h->open_min % 60,
		    h->close_min / 60, h->close_min % 60);
}

int
site_write(FILE *f, const struct site *s, char *err, size_t errlen)
{
	static const char *const metrics[] = { "off", "public", "token" };
	static const int week[7] = { 1, 2, 3, 4, 5, 6, 0 };     /* Monday first */
	char h[32];
	int i, k;

#define VALUE(what, v) do { if (!writable(v)) return errf(err, errlen, "%s '%s' cannot be " \
	"written to a site file (spaces at an end, ' ;', a control character or too long): " \
	"change it first", what, v); } while (0)
	VALUE("the site's name", s->name);
	for (i = 0; i < s->nservices; i++) {
		VALUE("a service's name", s->services[i].name);
		for (k = 0; k < s->services[i].nnames; k++)
			VALUE("a service's name", s->services[i].names[k].name);
	}
	for (i = 0; i < s->ncounters; i++)
		VALUE("a counter's name", s->counters[i].name);
#undef VALUE
	fprintf(f, "[site]\nid = %s\nname = %s\ntimezone = %s\n", s->id, s->name, s->tz);
	for (i = 0; i < 7; i++) {
		hours_text(&s->hours[week[i]], h, sizeof h);
		fprintf(f, "%s = %s\n", days[week[i]], h);
	}
	fprintf(f, "max_recalls = %d\npriority_streak = %d\nreprint_limit = %d\n"
	    "default_service_min = %d\n", s->max_recalls, s->priority_streak, s->reprint_limit,
	    s->default_service_s / 60);
	if (s->tls_cert[0])
		fprintf(f, "tls_cert = %s\ntls_key = %s\n", s->tls_cert, s->tls_key);
	fprintf(f, "metrics = %s\n", metrics[s->metrics]);
	if (s->metrics_token_hash[0])
		fprintf(f, "; the token itself is kept nowhere: its hash stands for it\n"
		    "metrics_token_hash = %s\n", s->metrics_token_hash);
	for (i = 0; i < s->nservices; i++) {
		const struct site_service *sv = &s->services[i];
		fprintf(f, "\n[service %c]\nname = %s\n", sv->code, sv->name);
		for (k = 0; k < sv->nnames; k++)
			fprintf(f, "name.%s = %s\n", sv->names[k].lang, sv->names[k].name);
		fprintf(f, "capacity = %d\npriority_reserve = %d\nbind_holder = %s\n"
		    "appointments = %d\nconvocations = %d\nconvocation_days = %d\n"
		    "convocation_window = %d\n", sv->capacity, sv->priority_reserve,
		    sv->bind_holder == SITE_BIND_ALL_SITES ? "all_sites" : sv->bind_holder ? "yes" :
		    "no", sv->appointments, sv->convocations,
		    sv->convocation_days, sv->convocation_window);
		if (sv->draw_close_min > 0)
			fprintf(f, "draw = %02d:%02d-%02d:%02d\n", sv->draw_open_min / 60,
			    sv->draw_open_min % 60, sv->draw_close_min / 60, sv->draw_close_min % 60);
	}
	for (i = 0; i < s->ncounters; i++) {
		const struct site_counter *c = &s->counters[i];
		fprintf(f, "\n[counter %d]\nname = %s\nservices =", c->n, c->name);
		for (k = 0; c->services[k]; k++)
			fprintf(f, " %c", c->services[k]);
		fputc('\n', f);
	}
	fprintf(f, "\n[alerts]\nburst_per_minute = %d\nholder_refusals = %d\noutside_hours = %d\n"
	    "reprints_per_hour = %d\npaper_ratio = %d\ncheckin_guesses = %d\n",
	    s->alerts.burst_per_minute, s->alerts.holder_refusals, s->alerts.outside_hours,
	    s->alerts.reprints_per_hour, s->alerts.paper_ratio, s->alerts.checkin_guesses);
	fprintf(f, "\n[privacy]\nevents_months = %d\nholder_days = %d\n",
	    s->privacy.events_months, s->privacy.holder_days);
	fprintf(f, "\n[appointments]\ncheckin_before = %d\ncheckin_after = %d\nlate = %s\n"
	    "appointment_streak = %d\n", s->appt.checkin_before, s->appt.checkin_after,
	    s->appt.late == SITE_LATE_ATTESTATION ? "attestation" : "walkin",
	    s->appt.appointment_streak);
	/* The secret itself (an HMAC needs it, it cannot be a hash as the
	 * metrics token is): the export is as secret as the site file. */
	if (s->appt.webhook_secret[0])
		fprintf(f, "webhook_secret = %s\n", s->appt.webhook_secret);
	if (s->appt.rdv_services[0])
		fprintf(f, "rdv_services = %s\n", s->appt.rdv_services);
	if (fflush(f) != 0 || ferror(f))
		return errf(err, errlen, "cannot write the site file");
	return 0;
}
