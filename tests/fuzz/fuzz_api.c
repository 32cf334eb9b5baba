/*
 * fuzz_api: requests through the API's router (kiosk/http/api.c,
 * api_handle), the way kiosk/http/http.c hands them over after
 * libmicrohttpd: method, decoded path, ?day=, credentials and a body of up
 * to API_BODY_MAX bytes, which may hold any byte. The desk behind it is
 * real: a SQLite file in a temporary directory (in /dev/shm when there is
 * one: the store syncs every commit), the demo site (assets/demo/site.ini)
 * loaded and applied as tests/fixture.h does.
 *
 * The input is one to four requests separated by a line "%%":
 *   METHOD PATH[?day=YYYY-MM-DD] [WHO]
 *   body...
 * WHO picks the credentials: kiosk (a device key, the default for
 * POST /api/v1/tickets), kiosk2, agent, manager, admin (the default),
 * session (a browser session cookie with its CSRF token), nocsrf (the
 * cookie without the token), bad (an unknown key) or none.
 *
 * State is reset for every input: the database is a copy of a template made
 * once at start (accounts, keys, a session, five waiting tickets, one of
 * them called at counter 1), and the desk, API and event bus are opened
 * anew, so an input does the same thing whenever it runs. The clock is a
 * fixed Tuesday at 10:00 in Paris, during opening hours.
 *
 * Properties: every answer has a status from 200 to 599; a 204 has no
 * body, any other answer is a JSON object (an "error" string when the
 * status is 4xx or 5xx) in valid UTF-8; so is every event published.
 */
#include <cJSON.h>
#include <sodium.h>
#include <sys/stat.h>

#include "http/api.h"
#include "core/bus.h"
#include "core/log.h"
#include "fixture.h"
#include "fuzz.h"

#define MAX_REQS 4

static char dir[256], dbpath[300], walpath[310], shmpath[310];
static unsigned char *tmpl;              /* the template database file */
static size_t tmpl_len;
static struct desk_keys keys;
static int64_t now;
static char dk[80], dk2[80], tok_agent[80], tok_manager[80], tok_admin[80];
static char session_cookie[200], session_csrf[80];
static int verbose;                      /* FUZZ_VERBOSE set: print every answer */

/*
 * Every input opens five SQLite connections and frees them: with ASan's
 * default 256 MB quarantine, freed memory is never reused within a run and
 * each input faults in fresh pages (three times slower). 16 MB still
 * catches a use after free within an input and the next few.
 */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}

/* The demo site's file: from the top of the tree, or next to the binary. */
static char *
demo_site(const char *argv0)
{
	char path[600];
	const char *slash = strrchr(argv0, '/');
	unsigned char *text;
	size_t len;

	if ((text = fixture_read("assets/demo/site.ini", &len)) != NULL)
		return (char *)text;
	/* build-fuzz/fuzz/fuzz_api -> ../../assets/demo/site.ini */
	snprintf(path, sizeof path, "%.*s/../../assets/demo/site.ini",
	    slash ? (int)(slash - argv0) : 1, slash ? argv0 : ".");
	text = fixture_read(path, &len);
	if (text == NULL)
		fprintf(stderr, "fuzz_api: assets/demo/site.ini not found: run from the top of the tree\n");
	REQUIRE(text != NULL);
	return (char *)text;
}

/* The temporary directory: in memory when possible (fsync is free there). */
static void
make_dir(void)
{
	if (getenv("TMPDIR") == NULL && access("/dev/shm", W_OK) == 0)
		setenv("TMPDIR", "/dev/shm", 1);
	fixture_tmpdir(dir, sizeof dir, "fuzz_api");
	fixture_path(dbpath, sizeof dbpath, dir, "q.db");
	snprintf(walpath, sizeof walpath, "%s-wal", dbpath);
	snprintf(shmpath, sizeof shmpath, "%s-shm", dbpath);
}

__attribute__((destructor)) static void
cleanup(void)
{
	if (dir[0])
		fixture_rmdir(dir);
}

/* One request straight into the router; the answer checked, then freed. */
static void
request(struct api *api, const char *method, const char *path, const char *day, const char *who,
    const char *body, size_t body_len, struct api_resp *r)
{
	struct api_req q;
	char auth[120] = "", cookie[300] = "";
	cJSON *j, *e;

	memset(&q, 0, sizeof q);
	q.method = method;
	q.path = path;
	q.day = day;
	q.body = body;
	q.body_len = body_len;
	q.client = "127.0.0.1";
	q.now = now;
	q.content_type = "application/json";
	if (who == NULL)
		who = !strcmp(path, "/api/v1/tickets") ? "kiosk" : "admin";
	if (!strcmp(who, "kiosk"))
		snprintf(auth, sizeof auth, "Bearer %s", dk);
	else if (!strcmp(who, "kiosk2"))
		snprintf(auth, sizeof auth, "Bearer %s", dk2);
	else if (!strcmp(who, "agent"))
		snprintf(auth, sizeof auth, "Bearer %s", tok_agent);
	else if (!strcmp(who, "manager"))
		snprintf(auth, sizeof auth, "Bearer %s", tok_manager);
	else if (!strcmp(who, "admin"))
		snprintf(auth, sizeof auth, "Bearer %s", tok_admin);
	else if (!strcmp(who, "bad"))
		snprintf(auth, sizeof auth, "Bearer k1-no-such-key");
	else if (!strcmp(who, "session") || !strcmp(who, "nocsrf"))
		snprintf(cookie, sizeof cookie, "lang=fr; %s", session_cookie);
	if (auth[0])
		q.authorization = auth;
	if (cookie[0])
		q.cookie = cookie;
	if (!strcmp(who, "session"))
		q.csrf = session_csrf;

	api_handle(api, &q, r);
	if (verbose)   /* FUZZ_VERBOSE=1: what each request of the input got */
		fprintf(stderr, "%s %s %s -> %d %s\n", method, path, who, r->status,
		    r->body ? r->body : "");
	FUZZ_ASSERT(r->status >= 200 && r->status <= 599);
	if (r->status == 204) {
		FUZZ_ASSERT(r->body == NULL);
		return;
	}
	FUZZ_ASSERT(r->body != NULL);
	FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)r->body, strlen(r->body)));
	if (r->content_type != NULL)
		return;
	FUZZ_ASSERT((j = cJSON_Parse(r->body)) != NULL && cJSON_IsObject(j));
	e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (r->status >= 400)
		FUZZ_ASSERT(cJSON_IsString(e) && e->valuestring[0]);
	cJSON_Delete(j);
}

/* The events the requests published (what /api/v1/events streams): each is
 * a JSON object in valid UTF-8, like the answers. */
static void
events(struct bus *bus)
{
	static char json[64 * 1024];
	char type[32];
	int64_t after = 0, seq;
	int i;
	cJSON *j;

	for (i = 0; i < BUS_RING && bus_next(bus, after, 1, 0, &seq, type, sizeof type, json,
	    sizeof json) == 1; i++) {
		FUZZ_ASSERT(seq > after);
		after = seq;
		FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)json, strlen(json)));
		FUZZ_ASSERT((j = cJSON_Parse(json)) != NULL && cJSON_IsObject(j));
		cJSON_Delete(j);
	}
}

/* The template: accounts, a session, tickets waiting and one called. */
static void
make_template(const char *argv0)
{
	struct desk_actor who = { "fuzz", 0 };
	struct store *st;
	struct desk *desk;
	struct bus *bus;
	struct api *api;
	struct api_resp r;
	struct site site;
	char err[300], *ini = demo_site(argv0), *c;
	const char *login = "{\"login\":\"marie\",\"password\":\"secret-marie\"}";
	static const char *const issue[] = {
		"{\"service\":\"C\",\"lang\":\"en\"}", "{\"service\":\"C\",\"priority\":true}",
		"{\"service\":\"A\",\"holder\":\"1234567890\"}", "{\"service\":\"E\",\"lang\":\"ar\"}",
		"{\"service\":\"B\",\"holder\":\"AB1234567\"}",
	};
	size_t i;
	cJSON *j;

	fixture_site(dir, ini, &site);
	free(ini);
	memset(&keys, 0, sizeof keys);
	crypto_sign_keypair(keys.pk, keys.sk);
	snprintf(keys.site_id, sizeof keys.site_id, "%.31s", site.id);
	desk = fixture_desk(dbpath, &site, &keys, now, &st);
	REQUIRE(desk_device_add(desk, &who, "kiosk-1", now, dk, err, sizeof err) == 0);
	REQUIRE(desk_device_add(desk, &who, "kiosk-2", now, dk2, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "marie", "agent", "secret-marie", now, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "max", "manager", "secret-max", now, err, sizeof err) == 0);
	REQUIRE(desk_user_add(desk, &who, "ada", "admin", "secret-ada", now, err, sizeof err) == 0);
	REQUIRE(desk_token_new(desk, &who, "marie", now, tok_agent, err, sizeof err) == 0);
	REQUIRE(desk_token_new(desk, &who, "max", now, tok_manager, err, sizeof err) == 0);
	REQUIRE(desk_token_new(desk, &who, "ada", now, tok_admin, err, sizeof err) == 0);
	REQUIRE((bus = bus_new(1)) != NULL && (api = api_new(desk, bus)) != NULL);

	request(api, "POST", "/api/v1/login", NULL, "none", login, strlen(login), &r);
	if (r.status != 200)
		fprintf(stderr, "fuzz_api: login: %d %s\n", r.status, r.body);
	REQUIRE(r.status == 200 && (c = strchr(r.set_cookie, ';')) != NULL);
	snprintf(session_cookie, sizeof session_cookie, "%.*s", (int)(c - r.set_cookie), r.set_cookie);
	REQUIRE((j = cJSON_Parse(r.body)) != NULL);
	snprintf(session_csrf, sizeof session_csrf, "%s",
	    cJSON_GetStringValue(cJSON_GetObjectItem(j, "csrf")));
	cJSON_Delete(j);
	free(r.body);
	for (i = 0; i < sizeof issue / sizeof issue[0]; i++) {
		request(api, "POST", "/api/v1/tickets", NULL, "kiosk", issue[i], strlen(issue[i]), &r);
		if (r.status != 201)
			fprintf(stderr, "fuzz_api: issue %s: %d %s\n", issue[i], r.status, r.body);
		REQUIRE(r.status == 201);
		free(r.body);
	}
	request(api, "POST", "/api/v1/counters/1/call-next", NULL, "agent", NULL, 0, &r);
	REQUIRE(r.status == 200);
	free(r.body);
	api_free(api);
	bus_free(bus);
	desk_close(desk);
	store_close(st);
	REQUIRE((tmpl = fixture_read(dbpath, &tmpl_len)) != NULL && tmpl_len > 0);
	REQUIRE(access(walpath, F_OK) != 0);   /* a clean close leaves no log behind */
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_api", 0);
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	fixture_tz("Europe/Paris");
	REQUIRE(sodium_init() >= 0);
	now = local(2026, 11, 24, 10, 0, 0);   /* a Tuesday, open 08:30-16:00 */
	make_dir();
	make_template(*argc > 0 ? (*argv)[0] : "fuzz_api");
	return 0;
}

/* The database back to the template. */
static void
reset_db(void)
{
	FILE *f;

	unlink(walpath);
	unlink(shmpath);
	FUZZ_ASSERT((f = fopen(dbpath, "wb")) != NULL);
	FUZZ_ASSERT(fwrite(tmpl, 1, tmpl_len, f) == tmpl_len);
	FUZZ_ASSERT(fclose(f) == 0);
}

/* Next request of the input: its head line and body, split in place. */
static char *
next_request(char **p, char *end, size_t *body_len, char **body)
{
	char *start = *p, *nl, *sep;
	const char *mark = "\n%%\n";

	if (start >= end)
		return NULL;
	sep = memmem(start, (size_t)(end - start), mark, strlen(mark));
	*p = sep ? sep + strlen(mark) : end;
	if (sep == NULL)
		sep = end;
	*sep = '\0';
	nl = memchr(start, '\n', (size_t)(sep - start));
	if (nl) {
		*nl = '\0';
		*body = nl + 1;
		*body_len = (size_t)(sep - nl - 1);
	} else {
		*body = sep;
		*body_len = 0;
	}
	return start;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[300], *text, *p, *end, *line, *body;
	struct store *st;
	struct desk *desk;
	struct bus *bus;
	struct api *api;
	size_t body_len;
	int n = 0;

	if (size > 3 * API_BODY_MAX)
		return -1;
	text = fuzz_str(data, size);
	p = text;
	end = text + size;
	reset_db();
	st = store_open(dbpath, err, sizeof err);
	if (st == NULL)
		fprintf(stderr, "fuzz_api: %s\n", err);
	FUZZ_ASSERT(st != NULL);
	FUZZ_ASSERT((desk = desk_open(st, &keys, err, sizeof err)) != NULL);
	FUZZ_ASSERT((bus = bus_new(1)) != NULL && (api = api_new(desk, bus)) != NULL);

	while (n++ < MAX_REQS && (line = next_request(&p, end, &body_len, &body)) != NULL) {
		char method[16], path[1024], who[16], *day = NULL, *qm;
		struct api_resp r;
		int k;

		/* The head line is text: a NUL ends it, as in an HTTP request line. */
		k = sscanf(line, "%15s %1023s %15s", method, path, who);
		if (k < 2)
			continue;
		if ((qm = strchr(path, '?')) != NULL) {
			*qm = '\0';
			if (!strncmp(qm + 1, "day=", 4))
				day = qm + 5;
		}
		request(api, method, path, day, k == 3 ? who : NULL, body, body_len, &r);
		free(r.body);
	}

	events(bus);
	api_free(api);
	bus_free(bus);
	desk_close(desk);
	store_close(st);
	free(text);
	return 0;
}
