/*
 * fairday: simulate one realistic day at the reception desk into a queue
 * database, through the same API the server runs (api_handle with a fake
 * clock), so that the open figures (/stats, /api/v1/stats, the CSV export)
 * can be looked at and tested with believable numbers. Used by
 * tests/it_fair.sh and to take docs/screens/stats.png.
 *
 *   fairday --db FILE --site SITE.ini --day YYYY-MM-DD [--seed N]
 *
 * The database is created (or updated) from the site file, with its signing
 * key in FILE.key. Then, from opening to closing time: people arrive at two
 * kiosks (many at opening, fewer later), some with priority, some asking a
 * second time with the same document; demand exceeds the capacity of some
 * services, so attestations de passage are issued. Services that take
 * appointments have most of theirs booked (the day before, some then
 * cancelled); most applicants check in a little before their time, some
 * come too late and some never come (the site's `late` rule applies, and
 * the figures per channel show them apart). Every counter calls the
 * next ticket when free, serves it (or marks a no-show) after a random
 * service time; whoever is still waiting at closing is not served.
 * Prints one summary line per service. Deterministic for a given seed.
 */
#include <cJSON.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/api.h"
#include "core/bus.h"
#include "core/queue.h"
#include "core/sign.h"
#include "core/site.h"
#include "store/store.h"

#define MAX_ARRIVALS 4000

struct arrival {
	int64_t at;         /* when the person taps the kiosk */
	char service;       /* procedure asked for */
	int priority;       /* priority card */
	int doc;            /* document number id (bound services), -1 none */
	int kiosk;          /* 0 or 1 */
	int appt;           /* an appointment's check-in: its number (code FD<service><n>),
	                       else -1 (a walk-in) */
};

/* A counter's agent. */
struct agent {
	int n;              /* counter number */
	int64_t busy_until; /* end of the current interview */
	int has_ticket;     /* a ticket is called at this counter */
	int no_show;        /* the called person will not come */
};

static struct api *api;
static char kiosk_auth[2][128], staff_auth[128];
static unsigned seed = 1;
static unsigned appt_seed = 7;      /* the appointments' own draws: the walk-ins stay
                                       the same as without them */

static double
rnd(void)
{
	return (double)rand_r(&seed) / ((double)RAND_MAX + 1.0);
}

static double
rnd_appt(void)
{
	return (double)rand_r(&appt_seed) / ((double)RAND_MAX + 1.0);
}

static int
post(const char *path, const char *auth, const char *body, int64_t now, cJSON **out)
{
	struct api_req q;
	struct api_resp r;

	memset(&q, 0, sizeof q);
	q.method = "POST";
	q.path = path;
	q.body = body;
	q.body_len = body ? strlen(body) : 0;
	q.content_type = body ? "application/json" : NULL;
	q.authorization = auth;
	q.client = "127.0.0.1";
	q.now = now;
	api_handle(api, &q, &r);
	if (out)
		*out = r.body ? cJSON_Parse(r.body) : NULL;
	free(r.body);
	return r.status;
}

static int
cmp_arrival(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;
	return (x->at > y->at) - (x->at < y->at);
}

/* Mean interview length of a service, in seconds: longer procedures first. */
static int
service_len(const struct site *s, char code)
{
	int i = (int)(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ", code) - "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	static const int minutes[] = { 15, 12, 4, 26, 8 };
	(void)s;
	return 60 * minutes[i % 5];
}

int
main(int argc, char **argv)
{
	const char *db = NULL, *ini = NULL, *day = NULL;
	char err[300], key[80], path[600];
	struct site site;
	struct store *st;
	struct desk *desk;
	struct desk_keys keys;
	struct desk_actor who = { "fairday", 0, NULL };
	struct bus *bus;
	static struct arrival arr[MAX_ARRIVALS];
	struct agent agents[SITE_MAX_COUNTERS];
	int i, n = 0, na, y, mo, d, wday, stc;
	int64_t open_at, close_at, t;
	struct tm tm;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--db")) db = argv[i + 1];
		else if (!strcmp(argv[i], "--site")) ini = argv[i + 1];
		else if (!strcmp(argv[i], "--day")) day = argv[i + 1];
		else if (!strcmp(argv[i], "--seed")) seed = (unsigned)atoi(argv[i + 1]);
		else break;
	}
	if (i != argc || !db || !ini || !day || sscanf(day, "%4d-%2d-%2d", &y, &mo, &d) != 3) {
		fprintf(stderr, "usage: fairday --db FILE --site SITE.ini --day YYYY-MM-DD [--seed N]\n");
		return 2;
	}
	if (sodium_init() < 0 || site_load(ini, &site, err, sizeof err) != 0) {
		fprintf(stderr, "fairday: %s\n", err);
		return 1;
	}
	setenv("TZ", site.tz, 1);
	tzset();
	snprintf(path, sizeof path, "%s.key", db);
	if (access(path, F_OK) != 0 && signkey_generate(path, site.id, err, sizeof err) != 0) {
		fprintf(stderr, "fairday: %s\n", err);
		return 1;
	}
	memset(&keys, 0, sizeof keys);
	if (signkey_load_secret(path, keys.sk, keys.site_id, sizeof keys.site_id, err, sizeof err)) {
		fprintf(stderr, "fairday: %s\n", err);
		return 1;
	}
	crypto_sign_ed25519_sk_to_pk(keys.pk, keys.sk);
	if ((st = store_open(db, err, sizeof err)) == NULL ||
	    (desk = desk_open(st, &keys, err, sizeof err)) == NULL ||
	    desk_apply_site(desk, &who, &site, (int64_t)time(NULL), err, sizeof err) != DK_OK) {
		fprintf(stderr, "fairday: %s\n", err);
		return 1;
	}
	site = *desk_site(desk);
	bus = bus_new(1);
	api = api_new(desk, bus);
	for (i = 0; i < 2; i++) {
		char name[16];
		snprintf(name, sizeof name, "borne-%d", i + 1);
		if (desk_device_add(desk, &who, name, 0, key, err, sizeof err) != DK_OK) {
			fprintf(stderr, "fairday: %s\n", err);
			return 1;
		}
		snprintf(kiosk_auth[i], sizeof kiosk_auth[i], "Bearer %s", key);
	}
	if (desk_user_add(desk, &who, "simulation", "manager", "fairday-simulation", 0, err,
	    sizeof err) != DK_OK || desk_token_new(desk, &who, "simulation", 0, key, err,
	    sizeof err) != DK_OK) {
		fprintf(stderr, "fairday: %s\n", err);
		return 1;
	}
	snprintf(staff_auth, sizeof staff_auth, "Bearer %s", key);

	/* Opening hours of that day. */
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	t = (int64_t)mktime(&tm);
	wday = tm.tm_wday;
	if (site.hours[wday].open_min < 0) {
		fprintf(stderr, "fairday: the site is closed on %s\n", day);
		return 1;
	}
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	t = (int64_t)mktime(&tm);
	open_at = t + 60 * site.hours[wday].open_min;
	close_at = t + 60 * site.hours[wday].close_min;

	/* Demand per service, against its capacity: some are oversubscribed. */
	for (i = 0; i < site.nservices; i++) {
		static const double ratio[] = { 1.45, 1.08, 0.72, 1.75, 0.55 };
		const struct site_service *sv = &site.services[i];
		int k, want = (int)(sv->capacity * ratio[i % 5] + 0.5);
		for (k = 0; k < want && n < MAX_ARRIVALS; k++, n++) {
			/* A queue at the door at opening, then a decreasing flow
			 * until 30 minutes before closing. */
			double u = rnd();
			int64_t span = close_at - 30 * 60 - open_at;
			arr[n].at = u < 0.22 ? open_at + (int64_t)(rnd() * 900) :
			    open_at + (int64_t)(span * (rnd() * rnd() * 0.6 + rnd() * 0.4));
			arr[n].service = sv->code;
			arr[n].priority = rnd() < 0.07;
			arr[n].doc = sv->bind_holder ? n : -1;
			arr[n].kiosk = rnd() < 0.5;
			/* 2 % ask again later with the same document */
			if (sv->bind_holder && rnd() < 0.02 && n + 1 < MAX_ARRIVALS) {
				arr[n + 1] = arr[n];
				arr[n + 1].at += 300 + (int64_t)(rnd() * 3600);
				arr[n + 1].kiosk = !arr[n].kiosk;
				n++;
			}
		}
	}
	for (i = 0; i < n; i++)
		arr[i].appt = -1;
	/* Appointments: 9 in 10 of each service's places booked, spread over
	 * the day; every 12th cancelled, every 10th never comes, every 8th comes
	 * 20 to 45 minutes late, the others check in 2 to 25 minutes early. */
	for (i = 0; i < site.nservices; i++) {
		const struct site_service *sv = &site.services[i];
		int k, booked = sv->appointments - sv->appointments / 10;
		int64_t span = close_at - 90 * 60 - open_at;
		for (k = 0; k < booked && n < MAX_ARRIVALS; k++) {
			int64_t start = open_at + 30 * 60 + span * k / booked;
			int cancelled = k % 12 == 5, absent = k % 10 == 3, late = k % 8 == 6;
			char body[300], when[32];
			start -= start % 300;
			queue_rfc3339(start, when);
			snprintf(body, sizeof body, "{\"id\":\"fd-%c-%d\",\"service\":\"%c\","
			    "\"start\":\"%s\",\"duration_min\":20,\"code\":\"FD%c%d\","
			    "\"status\":\"%s\"}", sv->code, k, sv->code, when, sv->code, k,
			    cancelled ? "cancelled" : "booked");
			if ((stc = post("/api/v1/appointments", staff_auth, body, open_at - 86400,
			    NULL)) != 201 && stc != 200) {
				fprintf(stderr, "fairday: appointment %c %d: HTTP %d\n", sv->code, k, stc);
				return 1;
			}
			if (cancelled || absent)
				continue;
			arr[n].at = late ? start + 60 * (20 + (int64_t)(rnd_appt() * 25)) :
			    start - 60 * (2 + (int64_t)(rnd_appt() * 23));
			arr[n].service = sv->code;
			arr[n].priority = 0;
			arr[n].doc = -1;
			arr[n].kiosk = rnd_appt() < 0.5;
			arr[n].appt = k;
			n++;
		}
	}
	qsort(arr, (size_t)n, sizeof arr[0], cmp_arrival);

	na = site.ncounters;
	for (i = 0; i < na; i++) {
		memset(&agents[i], 0, sizeof agents[i]);
		agents[i].n = site.counters[i].n;
		agents[i].busy_until = open_at + (int64_t)(rnd() * 300);
	}
	/* 20-second steps from opening to closing. */
	{
		int next = 0;
		for (t = open_at; t <= close_at; t += 20) {
			for (; next < n && arr[next].at <= t; next++) {
				struct arrival *a = &arr[next];
				char body[160];
				cJSON *j = NULL;
				stc = 0;
				if (a->appt >= 0) {
					/* An appointment's check-in: a ticket (its own, or a
					 * walk-in's when late), or an attestation. The document
					 * number: a late arrival becomes a walk-in, and the
					 * service may bind its walk-ins. */
					snprintf(body, sizeof body, "{\"code\":\"FD%c%d\",\"lang\":\"fr\","
					    "\"holder\":\"Y%c%06d\"}", a->service, a->appt, a->service, a->appt);
					stc = post("/api/v1/appointments/checkin", kiosk_auth[a->kiosk], body,
					    a->at, &j);
				} else if (a->doc >= 0)
					snprintf(body, sizeof body, "{\"service\":\"%c\",\"lang\":\"%s\",\"priority\":%s,"
					    "\"holder\":\"X%07d\"}", a->service, next % 3 ? "fr" : "ar",
					    a->priority ? "true" : "false", 1000 + a->doc);
				else
					snprintf(body, sizeof body, "{\"service\":\"%c\",\"lang\":\"fr\",\"priority\":%s}",
					    a->service, a->priority ? "true" : "false");
				if (a->appt < 0)
					stc = post("/api/v1/tickets", kiosk_auth[a->kiosk], body, a->at, &j);
				if (stc == 201 || stc == 200) {
					char p[96];
					const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
					const cJSON *kind = cJSON_GetObjectItemCaseSensitive(j, "kind");
					if (cJSON_IsNumber(id) && cJSON_IsString(kind)) {
						snprintf(p, sizeof p, "/api/v1/%s/%lld/printed",
						    strcmp(kind->valuestring, "attestation") ? "tickets" : "attestations",
						    (long long)id->valuedouble);
						post(p, kiosk_auth[a->kiosk], "{\"status\":\"confirmed\"}", a->at + 4, NULL);
					}
				}
				cJSON_Delete(j);
			}
			for (i = 0; i < na; i++) {
				struct agent *g = &agents[i];
				char p[96];
				cJSON *j = NULL;
				if (g->busy_until > t)
					continue;
				if (g->has_ticket) {
					snprintf(p, sizeof p, "/api/v1/counters/%d/%s", g->n, g->no_show ? "no-show" : "done");
					post(p, staff_auth, NULL, t, NULL);
					g->has_ticket = 0;
				}
				if (t > close_at - 10 * 60)
					continue;
				snprintf(p, sizeof p, "/api/v1/counters/%d/call-next", g->n);
				if (post(p, staff_auth, NULL, t, &j) == 200) {
					const cJSON *tk = cJSON_GetObjectItemCaseSensitive(j, "ticket");
					const cJSON *sv = cJSON_GetObjectItemCaseSensitive(tk, "service");
					char c = cJSON_IsString(sv) ? sv->valuestring[0] : 'A';
					g->has_ticket = 1;
					g->no_show = rnd() < 0.06;
					g->busy_until = t + (g->no_show ? 180 : (int64_t)(service_len(&site, c) *
					    (0.55 + rnd() * 0.9)));
				} else {
					g->busy_until = t + 60;
				}
				cJSON_Delete(j);
			}
		}
	}
	if (desk_close_day(desk, close_at + 30, NULL, err, sizeof err) < 0)
		fprintf(stderr, "fairday: %s\n", err);

	{
		static struct stat_row rows[SITE_MAX_SERVICES * 25];
		int k = desk_stats(desk, day, rows, SITE_MAX_SERVICES * 25, err, sizeof err);
		for (i = 0; i < k; i++)
			if (rows[i].hour < 0)
				printf("%c issued %d served %d no_show %d not_served %d attestations %d "
				    "duplicates %d wait_p50 %d\n", rows[i].service, rows[i].issued, rows[i].served,
				    rows[i].no_show, rows[i].not_served, rows[i].attestations,
				    rows[i].refused_duplicates, rows[i].wait_p50_s);
	}
	api_free(api);
	bus_free(bus);
	desk_close(desk);
	store_close(st);
	return 0;
}
