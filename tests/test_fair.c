/*
 * test_fair: fair access (issue 6) through the API as the server runs it:
 * daily capacity and the priority reserve, attestations de passage and
 * their chain across ISO weeks, tickets bound to their holder, day keys,
 * abuse alerts, the hash-chained audit log, the open figures and the
 * retention job.
 *
 * Each test builds a real store in a temporary directory, a site from an
 * INI file, a signing key, two kiosks (device keys) and a manager (token),
 * and then calls api_handle() with `now` as a parameter, so days, weeks,
 * opening hours and retention periods are crossed by passing numbers.
 * The process time zone is Europe/Paris (the site's), as in `kiosk serve`.
 * The database is also read directly with SQLite, to check what is (and
 * is not) stored.
 */
#include <cJSON.h>
#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http/api.h"
#include "core/bus.h"
#include "core/queue.h"
#include "core/sign.h"
#include "core/site.h"
#include "store/store.h"
#include "fixture.h"

/* -- fixture ------------------------------------------------------------- */

struct fx {
	char dir[256];              /* temporary directory */
	char db[300];               /* database path */
	struct store *st;           /* the store (under the desk) */
	struct desk *desk;          /* the desk under test */
	struct site site;           /* the site as the server loads it */
	struct desk_keys keys;      /* signing key */
	struct bus *bus;            /* event bus (alerts are published here) */
	struct api *api;            /* the API under test */
	char kiosk1[128];           /* "Bearer <device key>" of kiosk1 */
	char kiosk2[128];           /* "Bearer <device key>" of kiosk2 */
	char staff[128];            /* "Bearer <token>" of marie, a manager */
};

/* Opening hours. */
#define HOURS_ALWAYS "mon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\n" \
	"thu = 00:00-24:00\nfri = 00:00-24:00\nsat = 00:00-24:00\nsun = 00:00-24:00\n"
#define HOURS_OFFICE "mon = 08:30-16:00\ntue = 08:30-16:00\nwed = 08:30-16:00\n" \
	"thu = 08:30-16:00\nfri = 08:30-16:00\nsat = closed\nsun = closed\n"

/* local() is in the process zone, Europe/Paris (main sets it). */

/*
 * Services: A small (capacity and reserve), B bound to holders, C bound
 * and tiny, D always full (capacity 0), E large (volume for alerts).
 * alerts: "burst refusals outside reprints paper"; privacy: "months days".
 */
static void
fx_open(struct fx *f, const char *hours, const char *alerts, const char *privacy)
{
	struct desk_actor who = { "test", 0, NULL };
	char path[320], err[300], key[80], ini[2048];
	int b, r, o, p, ratio, months, days;
	struct site s;

	memset(f, 0, sizeof *f);
	fixture_tmpdir(f->dir, sizeof f->dir, "test_fair");
	fixture_path(f->db, sizeof f->db, f->dir, "queue.db");
	REQUIRE(sscanf(alerts, "%d %d %d %d %d", &b, &r, &o, &p, &ratio) == 5);
	REQUIRE(sscanf(privacy, "%d %d", &months, &days) == 2);
	snprintf(ini, sizeof ini,
	    "[site]\nid = test-fair\nname = Préfecture de test\ntimezone = Europe/Paris\n%s"
	    "max_recalls = 2\npriority_streak = 3\nreprint_limit = 2\ndefault_service_min = 10\n"
	    "[service A]\nname = Premier titre de séjour\ncapacity = 5\npriority_reserve = 2\n"
	    "[service B]\nname = Renouvellement\ncapacity = 50\npriority_reserve = 0\nbind_holder = yes\n"
	    "[service C]\nname = Naturalisation\ncapacity = 1\npriority_reserve = 0\nbind_holder = yes\n"
	    "[service D]\nname = Échange de permis\ncapacity = 0\npriority_reserve = 0\n"
	    "[service E]\nname = Retrait de titre\ncapacity = 500\npriority_reserve = 10\n"
	    "[counter 1]\nname = Guichet 1\nservices = A B C D E\n"
	    "[counter 2]\nname = Guichet 2\nservices = E B A\n"
	    "[alerts]\nburst_per_minute = %d\nholder_refusals = %d\noutside_hours = %d\n"
	    "reprints_per_hour = %d\npaper_ratio = %d\n"
	    "[privacy]\nevents_months = %d\nholder_days = %d\n",
	    hours, b, r, o, p, ratio, months, days);
	fixture_site(f->dir, ini, &s);
	fixture_path(path, sizeof path, f->dir, "queue.db.key");
	REQUIRE(signkey_generate(path, s.id, err, sizeof err) == 0);
	REQUIRE(signkey_load_secret(path, f->keys.sk, f->keys.site_id, sizeof f->keys.site_id, err,
	    sizeof err) == 0);
	crypto_sign_ed25519_sk_to_pk(f->keys.pk, f->keys.sk);
	f->desk = fixture_desk(f->db, &s, &f->keys, local(2026, 11, 1, 9, 0, 0), &f->st);
	f->site = *desk_site(f->desk);
	REQUIRE((f->bus = bus_new(1)) != NULL);
	REQUIRE((f->api = api_new(f->desk, f->bus)) != NULL);
	REQUIRE(desk_device_add(f->desk, &who, "kiosk1", 0, key, err, sizeof err) == 0);
	snprintf(f->kiosk1, sizeof f->kiosk1, "Bearer %s", key);
	REQUIRE(desk_device_add(f->desk, &who, "kiosk2", 0, key, err, sizeof err) == 0);
	snprintf(f->kiosk2, sizeof f->kiosk2, "Bearer %s", key);
	REQUIRE(desk_user_add(f->desk, &who, "marie", "manager", "mot-de-passe-1", 0, err,
	    sizeof err) == 0);
	REQUIRE(desk_token_new(f->desk, &who, "marie", 0, key, err, sizeof err) == 0);
	snprintf(f->staff, sizeof f->staff, "Bearer %s", key);
}

static void
fx_close(struct fx *f)
{
	api_free(f->api);
	bus_free(f->bus);
	desk_close(f->desk);
	store_close(f->st);
	fixture_rmdir(f->dir);   /* kept with KEEP_TMP=1, to look at a failure */
}

/* -- requests ------------------------------------------------------------ */

static int
call_day(struct fx *f, const char *method, const char *path, const char *auth, const char *body,
    const char *day, int64_t now, cJSON **out)
{
	struct api_req q;
	struct api_resp r;

	memset(&q, 0, sizeof q);
	q.method = method;
	q.path = path;
	q.body = body;
	q.body_len = body ? strlen(body) : 0;
	q.content_type = body ? "application/json" : NULL;
	q.authorization = auth;
	q.client = "127.0.0.1";
	q.day = day;
	q.now = now;
	api_handle(f->api, &q, &r);
	if (out)
		*out = r.body ? cJSON_Parse(r.body) : NULL;
	free(r.body);
	return r.status;
}

static int
call(struct fx *f, const char *method, const char *path, const char *auth, const char *body,
    int64_t now, cJSON **out)
{
	return call_day(f, method, path, auth, body, NULL, now, out);
}

static const char *
jstr(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static long long
jint(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
}

static int
jbool(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

/* What POST /api/v1/tickets answered. */
struct got {
	int status;
	long long id;
	char kind[16];          /* "ticket" or "attestation" */
	char number[16];
	char code[32];          /* error code */
	char holder[16];        /* mask */
	int duplicate;          /* -1 if absent */
	int reprints;
	int attempt, weeks;
	char first_date[12];
	char serial[40];
	char token[320];
};

static struct got
issue(struct fx *f, const char *auth, const char *body, int64_t now)
{
	struct got g;
	cJSON *j = NULL;

	memset(&g, 0, sizeof g);
	g.status = call(f, "POST", "/api/v1/tickets", auth, body, now, &j);
	g.id = jint(j, "id");
	snprintf(g.kind, sizeof g.kind, "%s", jstr(j, "kind"));
	snprintf(g.number, sizeof g.number, "%s", jstr(j, "number"));
	snprintf(g.code, sizeof g.code, "%s", jstr(j, "code"));
	snprintf(g.holder, sizeof g.holder, "%s", jstr(j, "holder"));
	g.duplicate = jbool(j, "duplicate");
	g.reprints = (int)jint(j, "reprints");
	g.attempt = (int)jint(j, "attempt");
	g.weeks = (int)jint(j, "weeks");
	snprintf(g.first_date, sizeof g.first_date, "%s", jstr(j, "first_date"));
	snprintf(g.serial, sizeof g.serial, "%s", jstr(j, "serial"));
	snprintf(g.token, sizeof g.token, "%s", jstr(j, "token"));
	cJSON_Delete(j);
	return g;
}

static struct got
issue_sv(struct fx *f, const char *auth, char service, int priority, int64_t now)
{
	char body[96];
	snprintf(body, sizeof body, "{\"service\":\"%c\",\"lang\":\"fr\",\"priority\":%s}", service,
	    priority ? "true" : "false");
	return issue(f, auth, body, now);
}

static struct got
issue_holder(struct fx *f, const char *auth, char service, const char *doc, int64_t now)
{
	char body[200];
	snprintf(body, sizeof body, "{\"service\":\"%c\",\"lang\":\"ar\",\"holder\":\"%s\"}", service, doc);
	return issue(f, auth, body, now);
}

static int
post_printed(struct fx *f, const char *auth, long long id, int64_t now)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/tickets/%lld/printed", id);
	return call(f, "POST", path, auth, "{\"status\":\"confirmed\"}", now, NULL);
}

static int
post_reprint(struct fx *f, const char *auth, long long id, int64_t now)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/tickets/%lld/reprint", id);
	return call(f, "POST", path, auth, NULL, now, NULL);
}

/* -- direct SQL (a second connection, as `sqlite3` or `psql` would) ------ */

static long long
sql_int(struct fx *f, const char *sql)
{
	char out[64];
	int isnull, rc = fixture_query(f->db, sql, out, sizeof out, &isnull);

	REQUIRE(rc >= 0);
	if (rc == 0)
		return -1;
	if (isnull)
		return -2;
	return out[0] == 't' && !out[1] ? 1 : out[0] == 'f' && !out[1] ? 0 : strtoll(out, NULL, 10);
}

/* First column as a 32-byte blob: 1 found, 0 no row / NULL / other size. */
static int
sql_blob32(struct fx *f, const char *sql, unsigned char out[32])
{
	return fixture_blob32(f->db, sql, out);
}

static void
sql_exec(struct fx *f, const char *sql, int expect_ok)
{
	int rc = fixture_exec_rc(f->db, sql, !expect_ok);

	if ((rc == 0) != expect_ok)
		fprintf(stderr, "sql_exec(%s): %s\n", sql, rc == 0 ? "done" : "refused");
	CHECK((rc == 0) == expect_ok);
}

/* 1 if the bytes occur anywhere in the file (a missing file has nothing). */
static int
file_has(const char *path, const void *needle, size_t n)
{
	size_t len;
	unsigned char *buf = fixture_read(path, &len);
	int found = buf != NULL && memmem(buf, len, needle, n) != NULL;

	free(buf);
	return found;
}

/* On PostgreSQL: 1 if the bytes are in any row of any table, as text or
 * as bytea (in hex, as a row's text form shows it). */
static int
pg_rows_have(struct fx *f, const void *needle, size_t n)
{
	char hex[2 * 64 + 1], text[64 + 1], sql[800], *q;
	const unsigned char *b = needle;
	size_t i;
	int printable = 1;
	long long count;

	REQUIRE(n <= 64);
	sodium_bin2hex(hex, sizeof hex, needle, n);
	for (i = 0; i < n; i++)
		printable &= b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\'' && b[i] != '\\';
	snprintf(text, sizeof text, "%.*s", printable ? (int)n : 0, (const char *)needle);
	/* The query over every table is built by the database itself. */
	snprintf(sql, sizeof sql, "SELECT 'SELECT COUNT(*) FROM (' || string_agg(format('SELECT 1 "
	    "FROM %%I x WHERE strpos(x::text, %%L) > 0 OR (%%L <> '''' AND strpos(x::text, %%L) > 0)', "
	    "table_name, '%s', '%s', '%s'), ' UNION ALL ') || ') AS y' FROM information_schema.tables "
	    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", hex, text, text);
	q = malloc(65536);
	REQUIRE(q != NULL);
	REQUIRE(fixture_query(f->db, sql, q, 65536, NULL) == 1);
	REQUIRE(strlen(q) < 65535);
	count = sql_int(f, q);
	free(q);
	REQUIRE(count >= 0);
	if (count > 0)
		fprintf(stderr, "db_has: %zu bytes found in %lld rows\n", n, count);
	return count > 0;
}

/* The database file, its WAL and its journal: anywhere the bytes could be
 * (PostgreSQL: any row of any table). */
static int
db_has(struct fx *f, const void *needle, size_t n)
{
	static const char *const suffix[] = { "", "-wal", "-journal" };
	char p[320];
	size_t i;
	int found = 0;

	if (fixture_pg())
		return pg_rows_have(f, needle, n);
	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", f->db, suffix[i]);
		if (file_has(p, needle, n)) {
			fprintf(stderr, "db_has: %zu bytes found in %s\n", n, p);
			found = 1;
		}
	}
	return found;
}

/* -- figures ------------------------------------------------------------- */

/* The whole-day (hour < 0) or hourly row of a service in GET /api/v1/stats. */
static cJSON *
stats_row(cJSON *stats, char service, int hour)
{
	cJSON *rows = cJSON_GetObjectItemCaseSensitive(stats, "rows"), *r;
	char c[2] = { service, 0 };

	cJSON_ArrayForEach(r, rows) {
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(r, "hour");
		if (strcmp(jstr(r, "service"), c) != 0)
			continue;
		if ((hour < 0 && cJSON_IsNull(h)) || (hour >= 0 && cJSON_IsNumber(h) &&
		    (int)h->valuedouble == hour))
			return r;
	}
	return NULL;
}

static long long
stat_of(struct fx *f, const char *day, char service, int hour, const char *field, int64_t now)
{
	cJSON *j = NULL, *r;
	long long v = -1;

	if (call_day(f, "GET", "/api/v1/stats", NULL, NULL, day, now, &j) == 200 &&
	    (r = stats_row(j, service, hour)) != NULL)
		v = jint(r, field);
	cJSON_Delete(j);
	return v;
}

/* The value of one sample line of /metrics, e.g. kiosk_attestations_total{service="A"}. */
static long long
metric(struct fx *f, const char *sample, int64_t now)
{
	struct api_resp r;
	long long v = -1;
	char *p;
	size_t n = strlen(sample);

	api_metrics(f->api, now, &r);
	for (p = r.body; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, sample, n) && p[n] == ' ')
			v = atoll(p + n + 1);
	free(r.body);
	return v;
}

/* Every counter sample of /metrics (lines "*_total{...} N"), joined. */
static char *
metric_totals(struct fx *f, int64_t now)
{
	struct api_resp r;
	char *out, *p, *o;

	api_metrics(f->api, now, &r);
	REQUIRE(r.status == 200 && r.body != NULL);
	out = calloc(1, strlen(r.body) + 1);
	REQUIRE(out != NULL);
	o = out;
	for (p = r.body; *p; ) {
		char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (*p != '#' && memmem(p, len, "_total{", 7) != NULL) {
			memcpy(o, p, len);
			o += len;
			*o++ = '\n';
		}
		p += len + (e != NULL);
	}
	free(r.body);
	return out;
}

/* Alerts now visible to staff: kinds joined by ' ', sorted as returned. */
static int
alert_kinds(struct fx *f, int64_t now, char *out, size_t len)
{
	cJSON *j = NULL, *a;
	int n = 0;

	out[0] = '\0';
	CHECK_INT(call(f, "GET", "/api/v1/alerts", f->staff, NULL, now, &j), 200);
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(j, "alerts")) {
		size_t k = strlen(out);
		snprintf(out + k, len - k, "%s%s", k ? " " : "", jstr(a, "kind"));
		n++;
	}
	cJSON_Delete(j);
	return n;
}

/* Events of a type on the bus, as a staff stream (staff = 1) or a public one. */
static int
bus_count(struct bus *b, const char *type, int staff)
{
	int64_t after = bus_last(b) > BUS_RING ? bus_last(b) - BUS_RING : 0, seq;
	char t[32], json[2048];
	int n = 0;

	while (bus_next(b, after, staff, 0, &seq, t, sizeof t, json, sizeof json) == 1) {
		n += strcmp(t, type) == 0;
		after = seq;
	}
	return n;
}

/* -- capacity and the priority reserve ----------------------------------- */

static void
test_capacity(void)
{
	struct fx f;
	struct got g;
	struct slip s;
	cJSON *j = NULL, *sv;
	int64_t t0 = local(2026, 11, 26, 10, 0, 0);   /* a Thursday, open */
	char path[80];
	int i;

	fx_open(&f, HOURS_OFFICE, "0 0 0 0 0", "12 0");
	/* A: capacity 5, of which 2 kept for priority: 3 ordinary tickets. */
	for (i = 1; i <= 3; i++) {
		char want[8];
		g = issue_sv(&f, f.kiosk1, 'A', 0, t0 + i);
		snprintf(want, sizeof want, "A%03d", i);
		CHECK_INT(g.status, 201);
		CHECK_STR(g.kind, "ticket");
		CHECK_STR(g.number, want);
	}
	CHECK_INT(call(&f, "GET", "/api/v1/services", NULL, NULL, t0 + 5, &j), 200);
	cJSON_ArrayForEach(sv, cJSON_GetObjectItemCaseSensitive(j, "services"))
		if (!strcmp(jstr(sv, "code"), "A")) {
			CHECK_INT(jint(sv, "left_today"), 0);
			CHECK_INT(jint(sv, "issued"), 3);
			CHECK_INT(jint(sv, "capacity"), 5);
		}
	cJSON_Delete(j);

	/* The 4th ordinary request: an attestation de passage, signed. */
	g = issue_sv(&f, f.kiosk1, 'A', 0, t0 + 10);
	CHECK_INT(g.status, 201);
	CHECK_STR(g.kind, "attestation");
	CHECK_STR(g.number, "");
	CHECK_INT(g.attempt, 1);
	CHECK_INT(g.weeks, 1);
	CHECK_STR(g.first_date, "20261126");
	CHECK(strncmp(g.serial, "AT-2026-11-26-", 14) == 0);
	CHECK_INT(slip_verify(g.token, f.keys.pk, f.keys.site_id, NULL, &s), SLIP_VALID);
	CHECK(s.kind == SLIP_ATTESTATION);
	CHECK_INT((long long)s.serial, g.id);
	CHECK_STR(s.date, "20261126");
	CHECK_STR(s.device, "KIOSK1");
	CHECK_STR(s.service, "A");
	CHECK_INT(s.attempt, 1);
	CHECK_INT(s.weeks, 1);
	/* Printing is reported by the kiosk that asked, and only by it. */
	snprintf(path, sizeof path, "/api/v1/attestations/%lld/printed", g.id);
	CHECK_INT(call(&f, "POST", path, f.kiosk2, "{\"status\":\"confirmed\"}", t0 + 11, NULL), 404);
	CHECK_INT(call(&f, "POST", path, f.kiosk1, "{\"status\":\"paper\"}", t0 + 11, NULL), 400);
	CHECK_INT(call(&f, "POST", path, f.kiosk1, "{\"status\":\"confirmed\"}", t0 + 11, NULL), 200);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM attestations WHERE print_state = 'confirmed'"), 1);

	/* The reserve still serves priority tickets, up to the capacity. */
	g = issue_sv(&f, f.kiosk2, 'A', 1, t0 + 20);
	CHECK_INT(g.status, 201);
	CHECK_STR(g.number, "A004");
	g = issue_sv(&f, f.kiosk2, 'A', 1, t0 + 21);
	CHECK_STR(g.number, "A005");
	g = issue_sv(&f, f.kiosk2, 'A', 1, t0 + 22);
	CHECK_STR(g.kind, "attestation");
	g = issue_sv(&f, f.kiosk1, 'A', 0, t0 + 23);
	CHECK_STR(g.kind, "attestation");
	/* A manual ticket at the desk is bound by the same capacity. */
	g = issue_sv(&f, f.staff, 'A', 0, t0 + 24);
	CHECK_INT(g.status, 201);
	CHECK_STR(g.kind, "attestation");
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM attestations WHERE device = 'DESK'"), 1);

	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE service = 'A'"), 5);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE service = 'A' AND priority = 0"), 3);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM attestations WHERE service = 'A'"), 4);
	CHECK_INT(stat_of(&f, "2026-11-26", 'A', -1, "issued", t0 + 30), 5);
	CHECK_INT(stat_of(&f, "2026-11-26", 'A', -1, "attestations", t0 + 30), 4);
	CHECK_INT(stat_of(&f, "2026-11-26", 'A', 10, "attestations", t0 + 30), 4);
	CHECK_INT(metric(&f, "kiosk_attestations_total{site=\"test-fair\",service=\"A\"}", t0 + 30), 4);
	CHECK_INT(metric(&f, "kiosk_tickets_issued_total{site=\"test-fair\",service=\"A\"}", t0 + 30), 5);
	CHECK_INT(metric(&f, "kiosk_tickets_left_today{site=\"test-fair\",service=\"A\"}", t0 + 30), 0);

	/* Service D has no walk-in place at all: always an attestation. */
	g = issue_sv(&f, f.kiosk1, 'D', 1, t0 + 40);
	CHECK_STR(g.kind, "attestation");

	/* The next day the capacity is whole again, and numbering restarts. */
	g = issue_sv(&f, f.kiosk1, 'A', 0, local(2026, 11, 27, 9, 0, 0));
	CHECK_INT(g.status, 201);
	CHECK_STR(g.number, "A001");
	fx_close(&f);
}

/* -- chained attestations across three ISO weeks ------------------------- */

static struct got
attest(struct fx *f, const char *previous, int64_t now)
{
	char body[600];
	if (previous)
		snprintf(body, sizeof body, "{\"service\":\"D\",\"lang\":\"fa\",\"previous\":\"%s\"}", previous);
	else
		snprintf(body, sizeof body, "{\"service\":\"D\",\"lang\":\"fa\"}");
	return issue(f, f->kiosk1, body, now);
}

static void
check_chain(const struct fx *f, const struct got *g, int attempt, const char *first, int weeks)
{
	struct slip s;

	CHECK_INT(g->status, 201);
	CHECK_STR(g->kind, "attestation");
	CHECK_INT(g->attempt, attempt);
	CHECK_STR(g->first_date, first);
	CHECK_INT(g->weeks, weeks);
	/* The chain lives in the signed payload, not in the database. */
	CHECK_INT(slip_verify(g->token, f->keys.pk, f->keys.site_id, NULL, &s), SLIP_VALID);
	CHECK_INT(s.attempt, attempt);
	CHECK_STR(s.first_date, first);
	CHECK_INT(s.weeks, weeks);
}

static void
test_chain(void)
{
	struct fx f;
	struct got a1, a2, a3, a4, a5, t, o1, bad;
	char forged[320], scanned[320];
	size_t i;
	/* Sunday 15 November 2026, 23:59:59 in Paris (UTC+1), then one second later. */
	int64_t sun = local(2026, 11, 15, 23, 59, 59), mon = local(2026, 11, 16, 0, 0, 0);

	/* The edges are local: in UTC both instants are still Sunday. */
	CHECK_INT(sun, utc(2026, 11, 15, 22, 59, 59));
	CHECK_INT(mon, utc(2026, 11, 15, 23, 0, 0));
	CHECK_INT(mon - sun, 1);
	fx_open(&f, HOURS_ALWAYS, "0 0 0 0 0", "12 0");

	a1 = attest(&f, NULL, sun);
	check_chain(&f, &a1, 1, "20261115", 1);
	a2 = attest(&f, a1.token, mon);                       /* ISO week 47 */
	check_chain(&f, &a2, 2, "20261115", 2);
	a3 = attest(&f, a2.token, local(2026, 11, 20, 11, 0, 0));  /* Friday, same week */
	check_chain(&f, &a3, 3, "20261115", 2);
	a4 = attest(&f, a3.token, local(2026, 11, 22, 23, 59, 59)); /* Sunday, still week 47 */
	check_chain(&f, &a4, 4, "20261115", 2);
	a5 = attest(&f, a4.token, local(2026, 11, 23, 0, 0, 0));   /* Monday: week 48 */
	check_chain(&f, &a5, 5, "20261115", 3);
	/* Twice the same day: attempts grow, weeks do not. */
	t = attest(&f, a5.token, local(2026, 11, 23, 0, 0, 30));
	check_chain(&f, &t, 6, "20261115", 3);

	/* Across the autumn daylight-saving change (25 October 2026, a Sunday):
	 * Sunday 23:59:59 CET and Monday 00:00:00 are two weeks. */
	o1 = attest(&f, NULL, local(2026, 10, 24, 10, 0, 0));
	check_chain(&f, &o1, 1, "20261024", 1);
	t = attest(&f, o1.token, local(2026, 10, 25, 23, 59, 59));
	check_chain(&f, &t, 2, "20261024", 1);
	t = attest(&f, t.token, local(2026, 10, 26, 0, 0, 0));
	check_chain(&f, &t, 3, "20261024", 2);

	/* A scanner typing in lower case, with a trailing newline: still chained. */
	for (i = 0; a1.token[i] && i + 3 < sizeof scanned; i++)
		scanned[i] = (char)(a1.token[i] >= 'A' && a1.token[i] <= 'Z' ? a1.token[i] + 32 : a1.token[i]);
	scanned[i++] = '\\';       /* "\n" in the JSON body */
	scanned[i++] = 'n';
	scanned[i] = '\0';
	t = attest(&f, scanned, local(2026, 11, 30, 9, 0, 0));
	check_chain(&f, &t, 2, "20261115", 2);

	/* What cannot be chained: a forged or altered slip, a ticket, a slip
	 * dated after today, or garbage. Nothing is issued then. */
	snprintf(forged, sizeof forged, "%s", a4.token);
	i = strlen(forged) - 10;     /* inside the signature, away from padding bits */
	forged[i] = forged[i] == 'A' ? 'B' : 'A';
	bad = attest(&f, forged, local(2026, 11, 30, 9, 1, 0));
	CHECK_INT(bad.status, 400);
	CHECK_STR(bad.code, "bad_previous");
	{
		/* Raise the attempt in the text: the signature no longer matches. */
		char *p;
		snprintf(forged, sizeof forged, "%s", a4.token);
		p = strstr(forged, "*4*20261115*");
		CHECK(p != NULL);
		if (p)
			p[1] = '9';
		bad = attest(&f, forged, local(2026, 11, 30, 9, 2, 0));
		CHECK_INT(bad.status, 400);
	}
	t = issue_sv(&f, f.kiosk1, 'E', 0, local(2026, 11, 30, 9, 3, 0));
	CHECK_STR(t.kind, "ticket");
	bad = attest(&f, t.token, local(2026, 11, 30, 9, 4, 0));
	CHECK_INT(bad.status, 400);
	CHECK_STR(bad.code, "bad_previous");
	bad = attest(&f, a5.token, local(2026, 11, 20, 12, 0, 0));  /* a5 is from the 23rd */
	CHECK_INT(bad.status, 400);
	bad = attest(&f, "K1*A*NOTHING", local(2026, 11, 30, 9, 5, 0));
	CHECK_INT(bad.status, 400);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM attestations"), 10);
	/* The server keeps no identity to link the chain: no column for it. */
	CHECK_INT(sql_int(&f, fixture_pg() ? "SELECT COUNT(*) FROM information_schema.columns WHERE "
	    "table_name = 'attestations' AND column_name IN ('previous', 'holder_hash', 'holder', "
	    "'chain')" : "SELECT COUNT(*) FROM pragma_table_info('attestations') WHERE "
	    "name IN ('previous', 'holder_hash', 'holder', 'chain')"), 0);
	CHECK(sql_int(&f, fixture_pg() ? "SELECT COUNT(*) FROM information_schema.columns WHERE "
	    "table_name = 'attestations'" : "SELECT COUNT(*) FROM pragma_table_info('attestations')")
	    > 3);   /* the query does see the table's columns */
	fx_close(&f);
}

/* -- one ticket per holder ------------------------------------------------ */

static void
test_holder(void)
{
	struct fx f;
	struct got g, first;
	int64_t t0 = local(2026, 11, 26, 9, 0, 0);
	static const char *same[] = { "AB123456C", "ab 123 456 c", " Ab.123/456-c ", "aB\\t12 34 56 C" };
	unsigned char h[32];
	size_t i;
	cJSON *j = NULL;
	char path[80];

	fx_open(&f, HOURS_OFFICE, "0 0 0 0 0", "12 0");
	first = issue_holder(&f, f.kiosk1, 'B', "ab 123-456 c", t0);
	CHECK_INT(first.status, 201);
	CHECK_STR(first.number, "B001");
	CHECK_STR(first.holder, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2" "56C");
	/* The same document, typed four other ways, on either kiosk: the same ticket. */
	for (i = 0; i < sizeof same / sizeof same[0]; i++) {
		g = issue_holder(&f, i % 2 ? f.kiosk2 : f.kiosk1, 'B', same[i], t0 + 60 * (int64_t)(i + 1));
		CHECK_INT(g.status, 200);
		CHECK_INT(g.duplicate, 1);
		CHECK_INT(g.id, first.id);
		CHECK_STR(g.number, "B001");
		CHECK_INT(g.reprints, (int)i + 1);
		CHECK(g.token[0] != '\0');
	}
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE service = 'B'"), 1);
	/* Another document is another person. */
	g = issue_holder(&f, f.kiosk1, 'B', "AB123456D", t0 + 600);
	CHECK_INT(g.status, 201);
	CHECK_STR(g.number, "B002");
	CHECK_INT(g.duplicate, 0);
	/* Required, and checked. */
	g = issue_sv(&f, f.kiosk1, 'B', 0, t0 + 601);
	CHECK_INT(g.status, 400);
	CHECK_STR(g.code, "holder_required");
	g = issue_holder(&f, f.kiosk1, 'B', "12", t0 + 602);
	CHECK_INT(g.status, 400);
	CHECK_STR(g.code, "bad_holder");
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE service = 'B'"), 2);

	/* Stored: a 32-byte keyed hash and the mask; never the number. */
	CHECK(sql_blob32(&f, "SELECT holder_hash FROM tickets WHERE number = 'B001'", h));
	CHECK(db_has(&f, h, 32));   /* db_has does find what is there */
	CHECK(!db_has(&f, "AB123456C", 9));
	CHECK(!db_has(&f, "123456", 6));
	CHECK(!db_has(&f, "ab 123-456 c", 12));
	{
		/* Not an unkeyed hash of the number either. */
		unsigned char plain[32];
		crypto_hash_sha256(plain, (const unsigned char *)"AB123456C", 9);
		CHECK(memcmp(plain, h, 32) != 0);
		CHECK(!db_has(&f, plain, 32));
	}
	/* The figures count refused duplicates. */
	CHECK_INT(stat_of(&f, "2026-11-26", 'B', -1, "refused_duplicates", t0 + 700), 4);
	CHECK_INT(stat_of(&f, "2026-11-26", 'B', -1, "issued", t0 + 700), 2);
	CHECK_INT(metric(&f, "kiosk_duplicates_refused_total{site=\"test-fair\",service=\"B\"}", t0 + 700), 4);

	/* Counter check: match / no match, never the stored value. */
	snprintf(path, sizeof path, "/api/v1/tickets/%lld/holder-check", first.id);
	CHECK_INT(call(&f, "POST", path, f.staff, "{\"document\":\"ab-123 456C\"}", t0 + 800, &j), 200);
	CHECK_INT(jbool(j, "match"), 1);
	CHECK_INT(cJSON_GetArraySize(j), 3);    /* match, bound, number: nothing else */
	CHECK(cJSON_GetObjectItemCaseSensitive(j, "holder_hash") == NULL);
	cJSON_Delete(j);
	CHECK_INT(call(&f, "POST", path, f.staff, "{\"document\":\"AB123456D\"}", t0 + 801, &j), 200);
	CHECK_INT(jbool(j, "match"), 0);
	cJSON_Delete(j);
	CHECK_INT(call(&f, "POST", path, f.kiosk1, "{\"document\":\"AB123456C\"}", t0 + 802, NULL), 403);
	CHECK_INT(call(&f, "POST", path, NULL, "{\"document\":\"AB123456C\"}", t0 + 803, NULL), 401);

	/* One *active* ticket: once served, the holder may come back. */
	CHECK_INT(call(&f, "POST", "/api/v1/counters/1/call-next", f.staff, NULL, t0 + 900, &j), 200);
	CHECK_STR(jstr(cJSON_GetObjectItemCaseSensitive(j, "ticket"), "number"), "B001");
	cJSON_Delete(j);
	CHECK_INT(call(&f, "POST", "/api/v1/counters/1/done", f.staff, "{\"outcome\":\"redirected\"}",
	    t0 + 1500, NULL), 200);
	g = issue_holder(&f, f.kiosk1, 'B', "AB 123456 C", t0 + 1600);
	CHECK_INT(g.status, 201);
	CHECK_STR(g.number, "B003");

	/* A full service still gives the holder's existing ticket back, not an
	 * attestation (C has one place). */
	g = issue_holder(&f, f.kiosk1, 'C', "X9Y8Z7W6", t0 + 2000);
	CHECK_STR(g.number, "C001");
	g = issue_holder(&f, f.kiosk2, 'C', "x9y8 z7w6", t0 + 2001);
	CHECK_INT(g.status, 200);
	CHECK_INT(g.duplicate, 1);
	CHECK_STR(g.number, "C001");
	g = issue_holder(&f, f.kiosk2, 'C', "Q1W2E3R4", t0 + 2002);
	CHECK_STR(g.kind, "attestation");
	fx_close(&f);
}

/* -- day keys rotate ------------------------------------------------------- */

static void
test_day_keys(void)
{
	struct fx f;
	struct got t1, t2, g;
	int64_t d1 = local(2026, 11, 25, 10, 0, 0), d2 = local(2026, 11, 26, 10, 0, 0);
	unsigned char h1[32], h2[32], k1[32], k2[32];
	char p1[80], p2[80], err[200];
	cJSON *j = NULL;

	fx_open(&f, HOURS_OFFICE, "0 0 0 0 0", "12 0");
	t1 = issue_holder(&f, f.kiosk1, 'B', "P 1234567", d1);
	CHECK_INT(t1.status, 201);
	snprintf(p1, sizeof p1, "/api/v1/tickets/%lld/holder-check", t1.id);
	CHECK_INT(call(&f, "POST", p1, f.staff, "{\"document\":\"p1234567\"}", d1 + 60, &j), 200);
	CHECK_INT(jbool(j, "match"), 1);
	cJSON_Delete(j);

	/* Day 2: the same document is a new ticket, not a duplicate, and its
	 * hash differs: yesterday's hash does not match today's. */
	t2 = issue_holder(&f, f.kiosk1, 'B', "P1234567", d2);
	CHECK_INT(t2.status, 201);
	CHECK_INT(t2.duplicate, 0);
	CHECK(t2.id != t1.id);
	CHECK_STR(t2.number, "B001");
	CHECK(sql_blob32(&f, "SELECT holder_hash FROM tickets WHERE day = '2026-11-25'", h1));
	CHECK(sql_blob32(&f, "SELECT holder_hash FROM tickets WHERE day = '2026-11-26'", h2));
	CHECK(memcmp(h1, h2, 32) != 0);
	CHECK(sql_blob32(&f, "SELECT key FROM day_keys WHERE day = '2026-11-25'", k1));
	CHECK(sql_blob32(&f, "SELECT key FROM day_keys WHERE day = '2026-11-26'", k2));
	CHECK(memcmp(k1, k2, 32) != 0);
	/* Before retention, the day-1 ticket still matches under its own key. */
	CHECK_INT(call(&f, "POST", p1, f.staff, "{\"document\":\"P-1234567\"}", d2 + 60, &j), 200);
	CHECK_INT(jbool(j, "match"), 1);
	cJSON_Delete(j);
	snprintf(p2, sizeof p2, "/api/v1/tickets/%lld/holder-check", t2.id);
	CHECK_INT(call(&f, "POST", p2, f.staff, "{\"document\":\"p 1234567\"}", d2 + 61, &j), 200);
	CHECK_INT(jbool(j, "match"), 1);
	cJSON_Delete(j);
	g = issue_holder(&f, f.kiosk2, 'B', "p1234567", d2 + 120);
	CHECK_INT(g.duplicate, 1);
	CHECK_INT(g.id, t2.id);

	/* Retention on day 2 (holder_days = 0): the day-1 key and hash go. */
	CHECK_INT(desk_retention(f.desk, d2 + 200, err, sizeof err), 0);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM day_keys WHERE day = '2026-11-25'"), 0);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE day = '2026-11-25' AND "
	    "(holder_hash IS NOT NULL OR holder_mask IS NOT NULL)"), 0);
	CHECK_INT(call(&f, "POST", p1, f.staff, "{\"document\":\"P1234567\"}", d2 + 300, &j), 200);
	CHECK_INT(jbool(j, "match"), 0);
	CHECK_INT(jbool(j, "bound"), 0);
	cJSON_Delete(j);
	/* Checking an old ticket must not bring a key back for a past day
	 * (it would be a key nobody needs, kept until the next retention). */
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM day_keys WHERE day < '2026-11-26'"), 0);
	CHECK_INT(call(&f, "POST", p2, f.staff, "{\"document\":\"P1234567\"}", d2 + 301, &j), 200);
	CHECK_INT(jbool(j, "match"), 1);
	cJSON_Delete(j);
	fx_close(&f);
}

/* -- abuse alerts ------------------------------------------------------------ */

/* A fresh site with the default thresholds: burst 8/min, 3 holder refusals,
 * 3 attempts while closed, 6 reprints/hour, paper 150 %. */
static void
alert_site(struct fx *f)
{
	fx_open(f, HOURS_OFFICE, "8 3 3 6 150", "12 0");
}

static void
expect_alerts(struct fx *f, int64_t now, const char *want, const char *what)
{
	char kinds[300];

	alert_kinds(f, now, kinds, sizeof kinds);
	if (strcmp(kinds, want) != 0)
		fprintf(stderr, "%s: alerts \"%s\", expected \"%s\"\n", what, kinds, want);
	CHECK_STR(kinds, want);
	CHECK_INT(bus_count(f->bus, "alert", 1), want[0] ? 1 : 0);
	CHECK_INT(bus_count(f->bus, "alert", 0), 0);        /* never on public streams */
}

static void
test_alert_burst(void)
{
	struct fx f;
	int64_t t0 = local(2026, 11, 26, 10, 0, 0);
	int i;

	/* Quiet: 8 tickets, one every 9 s (never 8 within a minute), and
	 * 7 + 7 within a minute from two kiosks (the threshold is per kiosk). */
	alert_site(&f);
	for (i = 0; i < 8; i++) {
		CHECK_INT(post_printed(&f, f.kiosk1, issue_sv(&f, f.kiosk1, 'E', 0, t0 + 9 * i).id,
		    t0 + 9 * i + 2), 200);
	}
	for (i = 0; i < 7; i++) {
		issue_sv(&f, f.kiosk1, 'E', 0, t0 + 600 + i);
		issue_sv(&f, f.kiosk2, 'E', 0, t0 + 600 + i);
	}
	expect_alerts(&f, t0 + 700, "", "burst (quiet)");
	/* Fires: the 8th within 60 s from one kiosk; once, however long it goes on. */
	for (i = 0; i < 12; i++)
		issue_sv(&f, f.kiosk2, 'E', 0, t0 + 1200 + 3 * i);
	expect_alerts(&f, t0 + 1300, "burst", "burst");
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM alerts WHERE kind = 'burst' AND subject LIKE "
	    "'kiosk2%'"), 1);
	fx_close(&f);
}

static void
test_alert_holder_refusals(void)
{
	struct fx f;
	int64_t t0 = local(2026, 11, 26, 10, 0, 0);
	int i;

	alert_site(&f);
	/* Quiet: two refused repeats of the same document. */
	for (i = 0; i < 3; i++)
		issue_holder(&f, f.kiosk1, 'B', "ZZ 998877", t0 + 300 * i);
	expect_alerts(&f, t0 + 1000, "", "holder refusals (quiet)");
	/* Fires: the third refusal, from either kiosk. */
	issue_holder(&f, f.kiosk2, 'B', "zz998877", t0 + 1200);
	expect_alerts(&f, t0 + 1300, "holder_refusals", "holder refusals");
	fx_close(&f);
}

static void
test_alert_outside_hours(void)
{
	struct fx f;
	int64_t early = local(2026, 11, 26, 7, 0, 0);
	struct got g;

	alert_site(&f);
	g = issue_sv(&f, f.kiosk1, 'E', 0, early);
	CHECK_INT(g.status, 409);
	CHECK_STR(g.code, "closed");
	issue_sv(&f, f.kiosk1, 'E', 0, early + 600);
	expect_alerts(&f, early + 700, "", "outside hours (quiet)");
	g = issue_sv(&f, f.kiosk2, 'A', 0, local(2026, 11, 26, 17, 30, 0));   /* after closing */
	CHECK_STR(g.code, "closed");
	expect_alerts(&f, local(2026, 11, 26, 17, 31, 0), "outside_hours", "outside hours");
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets"), 0);
	fx_close(&f);
}

static void
test_alert_reprints(void)
{
	struct fx f;
	int64_t t0 = local(2026, 11, 26, 9, 0, 0);
	long long id[6];
	int i;

	alert_site(&f);
	for (i = 0; i < 6; i++)
		id[i] = issue_sv(&f, f.kiosk1, 'E', 0, t0 + 60 * i).id;
	/* Quiet: 6 reprints, but two per hour over three hours. */
	for (i = 0; i < 6; i++)
		CHECK_INT(post_reprint(&f, i % 2 ? f.staff : f.kiosk1, id[i], t0 + 600 + 3700 * (i / 2) + i),
		    200);
	expect_alerts(&f, t0 + 4 * 3600, "", "reprints (quiet)");
	/* Fires: six reprints within the hour. */
	for (i = 0; i < 6; i++)
		CHECK_INT(post_reprint(&f, f.kiosk1, id[i], t0 + 5 * 3600 + 60 * i), 200);
	expect_alerts(&f, t0 + 6 * 3600, "reprints", "reprints");
	/* The limit per ticket (2) holds, and staff reprints are audited. */
	CHECK_INT(post_reprint(&f, f.kiosk1, id[0], t0 + 6 * 3600 + 10), 409);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM audit WHERE action = 'reprint'"), 12);
	fx_close(&f);
}

static void
test_alert_paper(void)
{
	struct fx f;
	int64_t t0 = local(2026, 11, 26, 9, 0, 0);
	long long id[20];
	int i;

	/* Quiet: 20 tickets, each printed once. */
	alert_site(&f);
	for (i = 0; i < 20; i++) {
		id[i] = issue_sv(&f, f.kiosk1, 'E', 0, t0 + 120 * i).id;
		CHECK_INT(post_printed(&f, f.kiosk1, id[i], t0 + 120 * i + 5), 200);
	}
	expect_alerts(&f, t0 + 3000, "", "paper (quiet)");
	/* Fires: the slips printed go past 150 % of what was issued. */
	for (i = 0; i < 11; i++)
		CHECK_INT(post_printed(&f, f.kiosk1, id[i], t0 + 3000 + 120 * i), 200);
	expect_alerts(&f, t0 + 5000, "paper", "paper");
	fx_close(&f);
}

/*
 * A normal day: 09:00-15:30, 200 tickets over three services from two
 * kiosks (at most one a kiosk every 40 s), each printed once, three
 * reprints at different hours, one refused duplicate, counters calling
 * and serving. No alert.
 */
static void
test_alert_normal_day(void)
{
	struct fx f;
	int64_t t0 = local(2026, 11, 26, 9, 0, 0), t;
	unsigned seed = 12345;
	int i, called = 0;
	struct got g;
	cJSON *j = NULL;
	char kinds[200], cur_of[2][16] = { "", "" };

	alert_site(&f);
	for (i = 0; i < 200; i++) {
		const char *k = i % 2 ? f.kiosk2 : f.kiosk1;
		char sv = i % 5 == 0 ? 'B' : 'E', doc[32];
		t = t0 + i * 115 + (int64_t)(rand_r(&seed) % 30);
		if (sv == 'B') {
			snprintf(doc, sizeof doc, "DOC%06d", i);
			g = issue_holder(&f, k, 'B', doc, t);
		} else {
			g = issue_sv(&f, k, sv, rand_r(&seed) % 10 == 0, t);
		}
		CHECK_INT(g.status, 201);
		CHECK_INT(post_printed(&f, k, g.id, t + 4), 200);
		if (i == 40 || i == 110 || i == 170) {  /* a jam: reprinted at the desk */
			CHECK_INT(post_reprint(&f, f.staff, g.id, t + 30), 200);
			CHECK_INT(post_printed(&f, k, g.id, t + 35), 200);
		}
		if (i == 90) {   /* someone asks twice */
			g = issue_holder(&f, f.kiosk1, 'B', "A1B2C3D4", t + 10);
			CHECK_INT(post_printed(&f, f.kiosk1, g.id, t + 12), 200);
			g = issue_holder(&f, f.kiosk2, 'B', "a1b2 c3d4", t + 50);
			CHECK_INT(g.duplicate, 1);
			/* The other kiosk gave the ticket back and printed it again:
			 * it must be able to say so, like for any slip it prints. */
			CHECK_INT(post_printed(&f, f.kiosk2, g.id, t + 52), 200);
		}
		if (i % 3 == 0) {
			/* Each counter names the ticket it called last as current. */
			char body[48], *cur = cur_of[i % 2];
			cJSON *tk, *num;
			int st;
			snprintf(body, sizeof body, "{\"current\":\"%s\"}", cur);
			st = call(&f, "POST", i % 2 ? "/api/v1/counters/1/call-next" :
			    "/api/v1/counters/2/call-next", f.staff, body, t + 60, &j);
			called += st == 200;
			tk = cJSON_GetObjectItemCaseSensitive(j, "ticket");
			num = cJSON_GetObjectItemCaseSensitive(tk, "number");
			if (st == 200 && cJSON_IsString(num))
				snprintf(cur, 16, "%s", num->valuestring);
			else if (st == 204)
				cur[0] = '\0';
			cJSON_Delete(j);
			j = NULL;
		}
	}
	CHECK(called > 50);
	CHECK_INT(alert_kinds(&f, t0 + 7 * 3600, kinds, sizeof kinds), 0);
	CHECK_STR(kinds, "");
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM alerts"), 0);
	fx_close(&f);
}

/* -- the audit log ------------------------------------------------------- */

static void
test_audit(void)
{
	struct fx f;
	int64_t t0 = local(2026, 11, 26, 9, 0, 0);
	long long id;
	int n;
	char err[300];
	cJSON *j = NULL;

	fx_open(&f, HOURS_OFFICE, "0 0 0 0 0", "12 0");
	/* Logins, good and bad. */
	CHECK_INT(call(&f, "POST", "/api/v1/login", NULL,
	    "{\"login\":\"marie\",\"password\":\"mot-de-passe-1\"}", t0, NULL), 200);
	CHECK_INT(call(&f, "POST", "/api/v1/login", NULL,
	    "{\"login\":\"marie\",\"password\":\"faux\"}", t0 + 1, NULL), 401);
	/* A manual ticket, a reprint, an out-of-order call, a status change,
	 * a counter state change. */
	id = issue_sv(&f, f.staff, 'E', 0, t0 + 10).id;
	CHECK(id > 0);
	issue_sv(&f, f.kiosk1, 'E', 0, t0 + 11);
	CHECK_INT(post_reprint(&f, f.staff, id, t0 + 12), 200);
	CHECK_INT(call(&f, "POST", "/api/v1/counters/2/call", f.staff,
	    "{\"number\":\"E002\",\"reason\":\"convocation\"}", t0 + 20, &j), 200);
	cJSON_Delete(j);
	CHECK_INT(call(&f, "POST", "/api/v1/counters/2/done", f.staff, NULL, t0 + 30, NULL), 200);
	CHECK_INT(call(&f, "POST", "/api/v1/counters/2/pause", f.staff, NULL, t0 + 40, NULL), 200);
	CHECK_INT(sql_int(&f, "SELECT COUNT(DISTINCT action) FROM audit WHERE action IN "
	    "('config_change', 'login', 'login_failed', 'manual_ticket', 'reprint', "
	    "'call_out_of_order', 'status_change', 'counter_state')"), 8);
	/* No applicant data in it: no document, no language, no priority. */
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM audit WHERE detail LIKE '%holder%' OR "
	    "detail LIKE '%priority%'"), 0);
	n = -1;
	CHECK_INT(desk_audit_verify(f.desk, &n, err, sizeof err), DK_OK);
	CHECK_INT(n, (int)sql_int(&f, "SELECT COUNT(*) FROM audit"));
	CHECK(n >= 8);

	/* Append-only: the triggers refuse edits and deletions... */
	sql_exec(&f, "UPDATE audit SET detail = 'x' WHERE id = 2", 0);
	sql_exec(&f, "DELETE FROM audit WHERE id = 2", 0);
	/* ...and whoever drops them is still caught by the chain. */
	sql_exec(&f, fixture_pg() ? "DROP TRIGGER audit_no_update ON audit; DROP TRIGGER "
	    "audit_no_delete ON audit; UPDATE audit SET detail = 'E099 at counter 2, reason: rien' "
	    "WHERE id = 5" : "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; "
	    "UPDATE audit SET detail = 'E099 at counter 2, reason: rien' WHERE id = 5", 1);
	CHECK_INT(desk_audit_verify(f.desk, &n, err, sizeof err), DK_CONFLICT);
	CHECK(strstr(err, "entry 5") != NULL);
	fx_close(&f);
}

/* -- open figures ------------------------------------------------------- */

static void
test_figures(void)
{
	struct fx f;
	int64_t h9 = local(2026, 11, 26, 9, 0, 0);
	long long ids[6];
	int i;
	cJSON *j = NULL;
	char err[200];

	fx_open(&f, HOURS_OFFICE, "0 0 0 0 0", "12 0");
	/* Five tickets issued between 09:00 and 09:40, one at 10:10. */
	for (i = 0; i < 5; i++)
		ids[i] = issue_sv(&f, f.kiosk1, 'E', 0, h9 + 600 * i).id;
	ids[5] = issue_sv(&f, f.kiosk1, 'E', 0, h9 + 4200).id;
	CHECK(ids[5] > 0);
	/* Called after waits of 5, 10, 20, 30 and 50 minutes; the 10:10 one is
	 * never called. Counter 2 serves E. */
	{
		static const int wait_min[5] = { 5, 10, 20, 30, 50 };
		for (i = 0; i < 5; i++) {
			int64_t at = h9 + 600 * i + 60 * wait_min[i];
			char path[64];
			snprintf(path, sizeof path, "/api/v1/counters/2/call");
			/* call them in issue order, each at its own time */
			{
				char body[96];
				snprintf(body, sizeof body, "{\"number\":\"E%03d\",\"reason\":\"test order\"}", i + 1);
				CHECK_INT(call(&f, "POST", path, f.staff, body, at, &j), 200);
				cJSON_Delete(j);
				j = NULL;
			}
			/* 4 served in 4, 6, 8, 10 minutes; the 5th no-show. */
			if (i < 4)
				CHECK_INT(call(&f, "POST", "/api/v1/counters/2/done", f.staff, NULL,
				    at + 60 * (4 + 2 * i), NULL), 200);
			else
				CHECK_INT(call(&f, "POST", "/api/v1/counters/2/no-show", f.staff, NULL,
				    at + 120, NULL), 200);
		}
	}
	/* Closing time: the one left waiting is not served. */
	CHECK_INT(desk_close_day(f.desk, local(2026, 11, 26, 16, 0, 5), NULL, err, sizeof err), 1);

	CHECK_INT(call_day(&f, "GET", "/api/v1/stats", NULL, NULL, "2026-11-26",
	    local(2026, 11, 26, 17, 0, 0), &j), 200);
	CHECK_STR(jstr(j, "day"), "2026-11-26");
	{
		cJSON *d = stats_row(j, 'E', -1), *r9 = stats_row(j, 'E', 9), *r10 = stats_row(j, 'E', 10);
		cJSON *r16 = stats_row(j, 'E', 16);
		REQUIRE(d && r9 && r10 && r16);
		CHECK_INT(jint(d, "issued"), 6);
		CHECK_INT(jint(d, "served"), 4);
		CHECK_INT(jint(d, "no_show"), 1);
		CHECK_INT(jint(d, "not_served"), 1);
		CHECK_INT(jint(d, "attestations"), 0);
		CHECK_INT(jint(d, "refused_duplicates"), 0);
		CHECK_INT(jint(r9, "issued"), 5);
		CHECK_INT(jint(r10, "issued"), 1);
		CHECK_INT(jint(r16, "not_served"), 1);
		/* Waits of the five called (issued at 9h): 5, 10, 20, 30, 50 min.
		 * The median is 20 min. The 90th percentile must be a wait that at
		 * least 90 % waited no longer than: 50 min (4 of 5 is only 80 %). */
		CHECK_INT(jint(r9, "wait_p50_s"), 20 * 60);
		CHECK_INT(jint(r9, "wait_p90_s"), 50 * 60);
		CHECK_INT(jint(d, "wait_p50_s"), 20 * 60);
		/* Service times of the served: 4, 6, 8, 10 min: 7 min on average. */
		CHECK_INT(jint(d, "service_avg_s"), 7 * 60);
		/* 25 rows per service: the day and 24 hours. */
		CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "rows")),
		    25 * f.site.nservices);
		CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "services")), f.site.nservices);
	}
	cJSON_Delete(j);
	/* The figures are public, and a bad day is refused. */
	CHECK_INT(call_day(&f, "GET", "/api/v1/stats", NULL, NULL, "26/11/2026", h9, NULL), 400);
	CHECK_INT(call_day(&f, "GET", "/api/v1/stats", NULL, NULL, "2026-11-25", h9, &j), 200);
	CHECK_INT(jint(stats_row(j, 'E', -1), "issued"), 0);
	cJSON_Delete(j);
	CHECK_INT(metric(&f, "kiosk_tickets_served_total{site=\"test-fair\",service=\"E\"}", h9 + 9 * 3600), 4);
	CHECK_INT(metric(&f, "kiosk_tickets_no_show_total{site=\"test-fair\",service=\"E\"}", h9 + 9 * 3600), 1);
	CHECK_INT(metric(&f, "kiosk_tickets_not_served_total{site=\"test-fair\",service=\"E\"}", h9 + 9 * 3600), 1);
	fx_close(&f);
}

/* -- retention ----------------------------------------------------------- */

/* One day of activity at `t` (site always open): tickets in A and E, two
 * bound tickets and a refused duplicate in B, an attestation in D; one
 * served, one no-show. */
static void
activity(struct fx *f, int64_t t)
{
	struct got g;
	cJSON *j = NULL;

	CHECK_INT(issue_sv(f, f->kiosk1, 'E', 0, t).status, 201);
	CHECK_INT(issue_sv(f, f->kiosk1, 'E', 1, t + 10).status, 201);
	CHECK_INT(issue_sv(f, f->kiosk2, 'A', 0, t + 20).status, 201);
	g = issue_holder(f, f->kiosk1, 'B', "RT 112233", t + 30);
	CHECK_INT(g.status, 201);
	g = issue_holder(f, f->kiosk2, 'B', "rt112233", t + 40);
	CHECK_INT(g.duplicate, 1);
	CHECK_INT(issue_holder(f, f->kiosk2, 'B', "RT445566", t + 50).status, 201);
	CHECK_STR(issue_sv(f, f->kiosk1, 'D', 0, t + 60).kind, "attestation");
	CHECK_INT(call(f, "POST", "/api/v1/counters/2/call-next", f->staff, NULL, t + 100, &j), 200);
	cJSON_Delete(j);
	CHECK_INT(call(f, "POST", "/api/v1/counters/2/done", f->staff, NULL, t + 400, NULL), 200);
	CHECK_INT(call(f, "POST", "/api/v1/counters/2/call-next", f->staff, NULL, t + 500, &j), 200);
	cJSON_Delete(j);
	CHECK_INT(call(f, "POST", "/api/v1/counters/2/no-show", f->staff, NULL, t + 600, NULL), 200);
}

static void
test_retention(void)
{
	struct fx f;
	/* Today is Friday 27 November 2026; events_months = 1 (31 days). */
	int64_t now = local(2026, 11, 27, 12, 0, 0);
	int64_t old = local(2026, 10, 10, 10, 0, 0);      /* 48 days ago: reduced */
	int64_t recent = local(2026, 11, 5, 10, 0, 0);    /* 22 days ago: kept in detail */
	int64_t yday = local(2026, 11, 26, 10, 0, 0);
	int64_t today = local(2026, 11, 27, 10, 0, 0);
	unsigned char kold[32], kyday[32], hyday[32], htoday[32];
	long long old_events, old_issue_e, old_att_d, old_dup_b, old_done, recent_events,
	    yday_events, today_events, att_before;
	char err[200], *before, *after;
	struct site s2;
	struct desk_actor admin = { "test", 0, NULL };

	fx_open(&f, HOURS_ALWAYS, "0 0 0 0 0", "1 0");
	activity(&f, old);
	activity(&f, recent);
	activity(&f, yday);
	activity(&f, today);
	CHECK(sql_blob32(&f, "SELECT key FROM day_keys WHERE day = '2026-10-10'", kold));
	CHECK(sql_blob32(&f, "SELECT key FROM day_keys WHERE day = '2026-11-26'", kyday));
	CHECK(sql_blob32(&f, "SELECT holder_hash FROM tickets WHERE day = '2026-11-26' AND "
	    "holder_hash IS NOT NULL", hyday));
	CHECK(sql_blob32(&f, "SELECT holder_hash FROM tickets WHERE day = '2026-11-27' AND "
	    "holder_hash IS NOT NULL", htoday));
	CHECK(db_has(&f, kold, 32) && db_has(&f, hyday, 32));   /* there before the job */
	old_events = sql_int(&f, "SELECT COUNT(*) FROM events WHERE day = '2026-10-10'");
	old_issue_e = sql_int(&f, "SELECT COUNT(*) FROM events WHERE day = '2026-10-10' AND "
	    "kind = 'issue' AND service = 'E'");
	old_att_d = sql_int(&f, "SELECT COUNT(*) FROM events WHERE day = '2026-10-10' AND "
	    "kind = 'attestation' AND service = 'D'");
	old_dup_b = sql_int(&f, "SELECT COUNT(*) FROM events WHERE day = '2026-10-10' AND "
	    "kind = 'duplicate' AND service = 'B'");
	old_done = sql_int(&f, "SELECT COUNT(*) FROM events WHERE day = '2026-10-10' AND kind = 'done'");
	recent_events = sql_int(&f, "SELECT COUNT(*) FROM events WHERE day = '2026-11-05'");
	yday_events = sql_int(&f, "SELECT COUNT(*) FROM events WHERE day = '2026-11-26'");
	today_events = sql_int(&f, "SELECT COUNT(*) FROM events WHERE day = '2026-11-27'");
	att_before = sql_int(&f, "SELECT COUNT(*) FROM attestations");
	CHECK_INT(old_issue_e, 2);
	CHECK_INT(old_att_d, 1);
	CHECK_INT(old_dup_b, 1);
	CHECK_INT(old_done, 1);
	CHECK(old_events > 8);
	before = metric_totals(&f, now);

	/* holder_days = 2 first: yesterday's holder data stays, older goes. */
	s2 = f.site;
	s2.privacy.holder_days = 2;
	CHECK_INT(desk_apply_site(f.desk, &admin, &s2, now, err, sizeof err), DK_OK);
	CHECK_INT(desk_retention(f.desk, now, err, sizeof err), 0);
	CHECK_INT(desk_apply_site(f.desk, &admin, &f.site, now, err, sizeof err), DK_OK);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM day_keys WHERE day = '2026-11-26'"), 1);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM day_keys WHERE day = '2026-11-05'"), 0);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE day = '2026-11-26' AND "
	    "holder_hash IS NOT NULL"), 2);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE day = '2026-11-05' AND "
	    "(holder_hash IS NOT NULL OR holder_mask IS NOT NULL)"), 0);

	/* The default: holder data goes at the end of its day. */
	CHECK_INT(desk_retention(f.desk, now, err, sizeof err), 0);
	/* Day keys: only today's is left. */
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM day_keys"), 1);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM day_keys WHERE day = '2026-11-27'"), 1);
	/* Holder hashes and masks: none before today; today's untouched. */
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE day < '2026-11-27' AND "
	    "(holder_hash IS NOT NULL OR holder_mask IS NOT NULL)"), 0);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE day = '2026-11-27' AND "
	    "holder_hash IS NOT NULL AND holder_mask IS NOT NULL"), 2);
	/* Yesterday's tickets themselves stay (anonymous figures). */
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE day = '2026-11-26'"), 5);
	/* Events older than a month: reduced to daily totals with the right counts. */
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM events WHERE day < '2026-10-27'"), 0);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE day = '2026-10-10'"), 0);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM attestations WHERE day = '2026-10-10'"), 0);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM attestations"), att_before - 1);
	/* (the events' kinds; "walkin.issued" and the like are the figures per
	 * channel, kept too: test_figures) */
	CHECK_INT(sql_int(&f, "SELECT SUM(n) FROM daily_totals WHERE day = '2026-10-10' AND "
	    "kind NOT LIKE '%.%'"), old_events);
	CHECK_INT(sql_int(&f, "SELECT n FROM daily_totals WHERE day = '2026-10-10' AND service = 'E' "
	    "AND kind = 'walkin.issued'"), old_issue_e);
	CHECK_INT(sql_int(&f, "SELECT n FROM daily_totals WHERE day = '2026-10-10' AND service = 'E' "
	    "AND kind = 'issue'"), old_issue_e);
	CHECK_INT(sql_int(&f, "SELECT n FROM daily_totals WHERE day = '2026-10-10' AND service = 'D' "
	    "AND kind = 'attestation'"), old_att_d);
	CHECK_INT(sql_int(&f, "SELECT n FROM daily_totals WHERE day = '2026-10-10' AND service = 'B' "
	    "AND kind = 'duplicate'"), old_dup_b);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM daily_totals WHERE day != '2026-10-10'"), 0);
	/* Recent events untouched. */
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM events WHERE day = '2026-11-05'"), recent_events);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM events WHERE day = '2026-11-26'"), yday_events);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM events WHERE day = '2026-11-27'"), today_events);
	/* The Prometheus counters are the same numbers as before (all time). */
	after = metric_totals(&f, now + 1);
	CHECK(strstr(after, "kiosk_tickets_issued_total{site=\"test-fair\",service=\"E\"} 8\n") != NULL);
	CHECK_STR(after, before);
	free(after);
	/* Today's bindings still work. */
	CHECK_INT(issue_holder(&f, f.kiosk1, 'B', "rt 112233", now).duplicate, 1);
	/* The audit log is not the retention job's to touch. */
	CHECK(sql_int(&f, "SELECT COUNT(*) FROM audit") > 0);
	/* Running it again changes nothing. */
	CHECK_INT(desk_retention(f.desk, now + 2, err, sizeof err), 0);
	CHECK_INT(sql_int(&f, "SELECT SUM(n) FROM daily_totals WHERE kind NOT LIKE '%.%'"),
	    old_events);
	free(before);

	/* The old day's public figures survive as daily totals. */
	CHECK_INT(stat_of(&f, "2026-10-10", 'E', -1, "issued", now), old_issue_e);
	CHECK_INT(stat_of(&f, "2026-10-10", 'D', -1, "attestations", now), old_att_d);

	/* Deleted means gone from the disk, not only from the tables: the day
	 * keys and hashes of past days must not survive in free pages or in the
	 * write-ahead log. */
	CHECK(!db_has(&f, kold, 32));
	CHECK(!db_has(&f, kyday, 32));
	CHECK(!db_has(&f, hyday, 32));
	/* (On PostgreSQL db_has reads the rows: dead tuples until VACUUM and
	 * the WAL are the cluster's to erase, not the store's; engine-specific.) */
	fx_close(&f);
}

/* The server runs the retention job at start and once per local day. */
static void
test_retention_tick(void)
{
	struct fx f;
	int64_t d1 = local(2026, 11, 25, 10, 0, 0), d2 = local(2026, 11, 26, 0, 1, 0);

	fx_open(&f, HOURS_ALWAYS, "0 0 0 0 0", "12 0");
	CHECK_INT(issue_holder(&f, f.kiosk1, 'B', "TICK1234", d1).status, 201);
	CHECK(api_tick(f.api, d1 + 60) > 0);          /* at start: nothing of a past day yet */
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM day_keys"), 1);
	CHECK_INT(issue_holder(&f, f.kiosk1, 'B', "TICK5678", d2 - 120).status, 201);
	CHECK(api_tick(f.api, d2) > 0);               /* a minute after midnight */
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM day_keys"), 0);
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE holder_hash IS NOT NULL OR "
	    "holder_mask IS NOT NULL"), 0);
	/* Tickets still waiting from the day before are closed as not served. */
	CHECK_INT(sql_int(&f, "SELECT COUNT(*) FROM tickets WHERE state = 'not_served'"), 2);
	fx_close(&f);
}

int
main(void)
{
	fixture_tz("Europe/Paris");
	if (sodium_init() < 0)
		return 1;
	test_capacity();
	test_chain();
	test_holder();
	test_day_keys();
	test_alert_burst();
	test_alert_holder_refusals();
	test_alert_outside_hours();
	test_alert_reprints();
	test_alert_paper();
	test_alert_normal_day();
	test_audit();
	test_figures();
	test_retention();
	test_retention_tick();
	return TEST_REPORT();
}
