/*
 * site: see site.h. inih calls handler() once per key; the first problem
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

struct parse {
	struct site *site;
	char why[200];          /* the problem, for the caller's message */
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
		if (parse_bool(v, &sv->bind_holder))
			FAIL("bind_holder: expected yes or no");
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

static int
handler(void *user, const char *section, const char *key, const char *v)
{
	struct parse *p = user;
	struct site *s = p->site;
	int n;

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
	FAIL("unknown section [%s] (expected [site], [service X], [counter N], [alerts] or "
	    "[privacy])", section);
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

int
site_load(const char *path, struct site *out, char *err, size_t errlen)
{
	struct parse p;
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
	out->privacy.events_months = 12;
	out->privacy.holder_days = 0;
	for (i = 0; i < 7; i++)
		out->hours[i].open_min = out->hours[i].close_min = -1;
	line = ini_parse(path, handler, &p);
	if (line == -1)
		return errf(err, errlen, "%s: cannot open the site file", path);
	if (line == -2)
		return errf(err, errlen, "%s: out of memory", path);
	if (line > 0)
		return errf(err, errlen, "%s:%d: %s", path, line,
		    p.why[0] ? p.why : "syntax error (expected [section] or key = value)");
	if (check(out, p.why, sizeof p.why))
		return errf(err, errlen, "%s: %s", path, p.why);
	return 0;
}
