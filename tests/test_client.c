/*
 * test_client: the kiosk's HTTP client against a scripted fake server on
 * 127.0.0.1 (a thread with a raw socket), so that every answer the client
 * must map (201, 409 closed/full/reprint_limit, 4xx, 503, junk, oversize,
 * silence, refused connection) is exercised without the real server; and
 * every answer of the appointment check-in (issue #12) as
 * docs/API.md's contract writes it.
 * tests/it_print.sh drives the same client against `kiosk serve`.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/client.h"
#include "core/clock.h"
#include "testhelp.h"

/* The fake server's script and what it saw. */
static struct {
	int lfd;                 /* listening socket */
	int port;                /* its port */
	pthread_mutex_t mu;      /* guards the fields below */
	int status;              /* status of the next answer */
	char *body;              /* body of the next answer (owned) */
	int stall;               /* 1: read the request, never answer */
	int quit;                /* 1: the thread ends */
	int fail_first;          /* answer 500 to this many requests first */
	int nreq;                /* requests read so far */
	char keys[8][40];        /* Idempotency-Key of request i (i % 8), "" none */
	char req[8192];          /* the last request, head and body */
} fake = { .mu = PTHREAD_MUTEX_INITIALIZER };

static void
script(int status, const char *body, int stall)
{
	pthread_mutex_lock(&fake.mu);
	fake.status = status;
	free(fake.body);
	fake.body = strdup(body);
	fake.stall = stall;
	fake.req[0] = '\0';
	pthread_mutex_unlock(&fake.mu);
}

static int
flag(int *f)
{
	int v;
	pthread_mutex_lock(&fake.mu);
	v = *f;
	pthread_mutex_unlock(&fake.mu);
	return v;
}

/* Read one request (head + Content-Length body) into buf. */
static size_t
read_request(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	char *eoh;
	long clen = 0;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;
		if (poll(&p, 1, 2000) <= 0)
			return len;
		if ((n = read(fd, buf + len, cap - 1 - len)) <= 0)
			return len;
		len += (size_t)n;
		buf[len] = '\0';
		if ((eoh = strstr(buf, "\r\n\r\n")) != NULL) {
			const char *cl = strcasestr(buf, "Content-Length:");
			if (cl && cl < eoh)
				clen = strtol(cl + 15, NULL, 10);
			if ((size_t)(eoh + 4 - buf) + (size_t)clen <= len)
				return len;
		}
		if (len + 1 >= cap)
			return len;
	}
}

static void *
server(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd p = { fake.lfd, POLLIN, 0 };
		char head[256], req[8192];
		int fd, status, stall;
		char *body;
		size_t n;

		if (flag(&fake.quit))
			return NULL;
		if (poll(&p, 1, 20) <= 0)
			continue;
		if ((fd = accept(fake.lfd, NULL, NULL)) < 0)
			continue;
		n = read_request(fd, req, sizeof req);
		pthread_mutex_lock(&fake.mu);
		memcpy(fake.req, req, n);
		fake.req[n] = '\0';
		{
			const char *k = strstr(fake.req, "Idempotency-Key: ");
			snprintf(fake.keys[fake.nreq % 8], sizeof fake.keys[0], "%.*s",
			    k ? (int)strcspn(k + 17, "\r\n") : 0, k ? k + 17 : "");
			fake.nreq++;
		}
		status = fake.status;
		if (fake.fail_first > 0) {
			fake.fail_first--;
			status = 500;
		}
		stall = fake.stall;
		body = strdup(fake.body ? fake.body : "");
		pthread_mutex_unlock(&fake.mu);
		if (stall) {
			/* Say nothing until the test lifts the stall (bounded). */
			int i;
			for (i = 0; i < 500 && flag(&fake.stall); i++) {
				struct timespec ts = { 0, 10 * 1000 * 1000 };
				nanosleep(&ts, NULL);
			}
		} else {
			size_t bl = strlen(body), off = 0;
			int hl = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
			    "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, bl);
			if (write(fd, head, (size_t)hl) != hl)
				goto next;
			while (off < bl) {
				ssize_t w = write(fd, body + off, bl - off);
				if (w <= 0)
					break;
				off += (size_t)w;
			}
		}
next:
		free(body);
		close(fd);
	}
}

/* A copy of the last request the fake server read, taken under its lock. */
static const char *
req(void)
{
	static char copy[sizeof fake.req];

	pthread_mutex_lock(&fake.mu);
	memcpy(copy, fake.req, sizeof copy);
	pthread_mutex_unlock(&fake.mu);
	return copy;
}

static const char *
sent_body(void)
{
	const char *r = req(), *b = strstr(r, "\r\n\r\n");
	return b ? b + 4 : "";
}

#define TOKEN "K1*T*PREFECTURE-93*20261127*A*42*0914*KIOSK-1*42*0*ABCDEF"
#define TICKET_JSON \
	"{\"id\":42,\"number\":\"A042\",\"service\":\"A\",\"kind\":\"ticket\",\"lang\":\"ar\"," \
	"\"priority\":true,\"state\":\"waiting\",\"day\":\"2026-11-27\"," \
	"\"issued_at\":\"2026-11-27T09:14:05+01:00\",\"position\":7,\"estimated_wait_s\":840," \
	"\"counter\":null,\"recalls\":0,\"print\":\"pending\",\"reprints\":0,\"holder\":\"\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2" "4B7\"," \
	"\"service_name\":{\"fr\":\"Premier titre de s\xc3\xa9jour\",\"ar\":\"\xd8\xa3\xd9\x88\xd9\x84\"}," \
	"\"token\":\"" TOKEN "\",\"duplicate\":false," \
	"\"site\":{\"id\":\"prefecture-93\",\"name\":\"Pr\xc3\xa9" "fecture\",\"open\":true}}"

static void
test_services(struct client *c)
{
	struct client_menu *m = NULL;
	char err[256];

	script(200, "{\"site\":{\"id\":\"prefecture-93\",\"name\":\"Pr\xc3\xa9" "fecture\",\"open\":true,"
	    "\"opens\":\"08:30\",\"closes\":\"16:00\",\"next_opening\":{\"day\":\"2026-12-28\","
	    "\"opens\":\"09:15\"}},\"services\":["
	    "{\"code\":\"A\",\"name\":{\"en\":\"First permit\",\"fr\":\"Premier titre\"},\"waiting\":3,"
	    "\"estimated_wait_s\":600,\"capacity\":60,\"left_today\":50,\"open\":true,\"bind_holder\":true,"
	    "\"draw\":{\"id\":3,\"closes\":\"08:45\",\"commitment\":\"630dcd29\"}},"
	    "{\"code\":\"C\",\"name\":{\"fr\":\"Retrait\"},\"waiting\":0,\"open\":false,\"draw\":null}]}", 0);
	CHECK_INT(client_services(c, &m, err, sizeof err), CLIENT_OK);
	REQUIRE(m != NULL);
	CHECK(strncmp(req(), "GET /api/v1/services ", 21) == 0);
	CHECK_STR(m->site.id, "prefecture-93");
	CHECK_STR(m->site.opens, "08:30");
	CHECK_STR(m->site.next_day, "2026-12-28");
	CHECK_STR(m->site.next_opens, "09:15");
	CHECK_INT(m->site.open, 1);
	CHECK_INT(m->nservices, 2);
	CHECK_STR(m->services[0].code, "A");
	CHECK_STR(m->services[0].names[0].lang, "fr");   /* French first */
	CHECK_STR(client_service_name(&m->services[0], "en"), "First permit");
	CHECK_STR(client_service_name(&m->services[0], "ta"), "Premier titre");
	CHECK_INT(m->services[0].bind_holder, 1);
	CHECK_INT(m->services[0].left_today, 50);
	CHECK_INT(m->services[1].open, 0);
	CHECK_INT(m->services[1].left_today, -1);        /* absent: unknown */
	CHECK(m->services[0].draw_id == 3);              /* its open draw */
	CHECK_STR(m->services[0].draw_closes, "08:45");
	CHECK_STR(m->services[0].draw_commitment, "630dcd29");
	CHECK(m->services[1].draw_id == 0);              /* null: none */
	CHECK_STR(m->services[1].draw_closes, "");
	CHECK_INT(m->nnotices, 0);                       /* an older server: none */
	client_menu_free(m);

	/* Today's notices: kept in order, at most CLIENT_NOTICES, a notice
	 * without a usable text dropped; its text in a language, else French,
	 * else its first. */
	script(200, "{\"site\":{\"id\":\"p\",\"name\":\"P\",\"open\":true},\"services\":[],"
	    "\"notices\":[{\"id\":4,\"text\":{\"en\":\"No reception\",\"fr\":\"Pas d'accueil\","
	    "\"ar\":\"\xd9\x84\xd8\xa7\",\"ta\":7}},{\"id\":5,\"text\":{\"uk\":\"\xd0\x9d\xd1\x96\"}},"
	    "{\"id\":6,\"text\":{}},{\"id\":7,\"text\":{\"fr\":\"c\"}},{\"id\":8,\"text\":{\"fr\":\"d\"}},"
	    "{\"id\":9,\"text\":{\"fr\":\"e\"}}]}", 0);
	CHECK_INT(client_services(c, &m, err, sizeof err), CLIENT_OK);
	REQUIRE(m != NULL);
	CHECK_INT(m->nnotices, CLIENT_NOTICES);
	CHECK_INT(m->notices[0].id, 4);
	CHECK_INT(m->notices[0].ntexts, 3);              /* "ta":7 is not a text */
	{
		const char *l = NULL;
		CHECK_STR(client_notice_text(&m->notices[0], "en", &l), "No reception");
		CHECK_STR(l, "en");
		CHECK_STR(client_notice_text(&m->notices[0], "ta", &l), "Pas d'accueil");
		CHECK_STR(l, "fr");
		CHECK_STR(client_notice_text(&m->notices[1], "fr", &l), "\xd0\x9d\xd1\x96");
		CHECK_STR(l, "uk");                          /* no French: its first */
	}
	CHECK_INT(m->notices[2].id, 7);                  /* 6 had no text */
	CHECK_INT(m->notices[3].id, 8);                  /* 9: past the limit */
	client_menu_free(m);

	script(200, "{\"services\":[]}", 0);
	CHECK_INT(client_services(c, &m, err, sizeof err), CLIENT_PROTOCOL);
	CHECK(m == NULL);
}

static void
test_issue(struct client *c)
{
	struct client_ticket t;
	struct client_request rq = { "A", "ar", 1, "AB 123456", NULL };
	char err[256];

	script(201, TICKET_JSON, 0);
	CHECK_INT(client_issue_with(c, &rq, &t, err, sizeof err), CLIENT_OK);
	CHECK(strncmp(req(), "POST /api/v1/tickets ", 21) == 0);
	CHECK(strstr(req(), "Authorization: Bearer dk_test") != NULL);
	CHECK(strstr(sent_body(), "\"service\":\"A\"") != NULL);
	CHECK(strstr(sent_body(), "\"lang\":\"ar\"") != NULL);
	CHECK(strstr(sent_body(), "\"priority\":true") != NULL);
	CHECK(strstr(sent_body(), "\"holder\":\"AB 123456\"") != NULL);
	CHECK_INT(t.id, 42);
	CHECK_STR(t.number, "A042");
	CHECK_STR(t.token, TOKEN);
	CHECK_INT(t.position, 7);
	CHECK_INT(t.estimated_wait_s, 840);
	CHECK_INT(t.priority, 1);
	CHECK_STR(t.service_fr, "Premier titre de s\xc3\xa9jour");
	CHECK_STR(t.service_local, "\xd8\xa3\xd9\x88\xd9\x84");
	CHECK_STR(t.holder_ref, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2" "4B7");
	CHECK_STR(t.site_name, "Pr\xc3\xa9" "fecture");
	CHECK_STR(t.issued_at, "2026-11-27T09:14:05+01:00");
	CHECK_STR(client_last_code(c), "");

	script(409, "{\"error\":\"the reception is closed now\",\"code\":\"closed\"}", 0);
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_CLOSED);
	CHECK_STR(err, "the reception is closed now");
	CHECK(strstr(sent_body(), "holder") == NULL);
	CHECK(strstr(sent_body(), "\"priority\":false") != NULL);

	script(409, "{\"error\":\"full\",\"code\":\"full\"}", 0);
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_FULL);
	CHECK_STR(t.kind, "");

	/* Today's server answers "full" with an attestation de passage. */
	script(201, "{\"kind\":\"attestation\",\"id\":7,\"serial\":\"AT-2026-11-27-000007\","
	    "\"service\":\"A\",\"lang\":\"fr\",\"outcome\":\"full\",\"day\":\"2026-11-27\","
	    "\"issued_at\":\"2026-11-27T15:02:00+01:00\",\"attempt\":2,\"first_date\":\"20261120\","
	    "\"weeks\":2,\"token\":\"K1*A*X\"}", 0);
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_FULL);
	CHECK_STR(t.kind, "attestation");
	CHECK_STR(t.serial, "AT-2026-11-27-000007");
	CHECK_INT(t.attempt, 2);
	CHECK_STR(t.first_date, "20261120");
	CHECK_STR(t.token, "K1*A*X");

	script(400, "{\"error\":\"this service needs the applicant's document number\","
	    "\"code\":\"holder_required\"}", 0);
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "holder_required");
	CHECK(strstr(err, "document number") != NULL);

	script(401, "{\"error\":\"unknown device key\"}", 0);
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(err, "unknown device key");

	script(503, "{\"error\":\"database is locked\",\"code\":\"unavailable\"}", 0);
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_UNAVAILABLE);
	/* A 500 is no clean refusal: the request may have been done. Sent
	 * again with the same key, three more times; then "uncertain", with
	 * the key (issue #14). */
	script(500, "oops", 0);
	pthread_mutex_lock(&fake.mu);
	fake.nreq = 0;
	pthread_mutex_unlock(&fake.mu);
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_UNCERTAIN);
	CHECK(strstr(err, "500") != NULL);
	CHECK_INT(strlen(client_last_key(c)), 22);
	CHECK(strstr(err, client_last_key(c)) != NULL);
	pthread_mutex_lock(&fake.mu);
	CHECK_INT(fake.nreq, 1 + CLIENT_RETRIES);
	CHECK_STR(fake.keys[0], client_last_key(c));
	CHECK_STR(fake.keys[3], client_last_key(c));
	/* Two lost, then the answer: the retry gets it, with the same key. */
	fake.nreq = 0;
	fake.fail_first = 2;
	pthread_mutex_unlock(&fake.mu);
	script(201, TICKET_JSON, 0);
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_OK);
	CHECK_STR(t.number, "A042");
	pthread_mutex_lock(&fake.mu);
	CHECK_INT(fake.nreq, 3);
	CHECK_STR(fake.keys[2], fake.keys[0]);
	CHECK(fake.keys[0][0] != '\0');
	pthread_mutex_unlock(&fake.mu);
	/* The next request is another one: a new key. */
	script(201, TICKET_JSON, 0);
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_OK);
	pthread_mutex_lock(&fake.mu);
	CHECK(strcmp(fake.keys[3], fake.keys[0]) != 0);
	pthread_mutex_unlock(&fake.mu);

	/* Junk and incomplete answers. */
	script(201, "<html>not json</html>", 0);
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_PROTOCOL);
	script(201, "{\"id\":42,\"number\":\"A042\"}", 0);   /* no token */
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_PROTOCOL);
	CHECK(strstr(err, "token") != NULL);
	script(201, "{\"number\":\"A042\",\"token\":\"x\"}", 0); /* no id */
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_PROTOCOL);
	{
		/* Bigger than the client accepts. */
		size_t n = (1u << 20) + 100;
		char *big = malloc(n + 1);
		REQUIRE(big != NULL);
		memset(big, ' ', n);
		big[0] = '{';
		big[n - 1] = '}';
		big[n] = '\0';
		script(201, big, 0);
		free(big);
		CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_PROTOCOL);
		CHECK(strstr(err, "larger") != NULL);
	}
}

/* An appointment's ticket: the ticket JSON plus its kind and appointment. */
#define APPT_JSON(kind, extra) \
	"{\"id\":43,\"number\":\"A043\",\"service\":\"A\",\"kind\":\"" kind "\",\"lang\":\"ar\"," \
	"\"state\":\"waiting\",\"day\":\"2026-12-04\",\"issued_at\":\"2026-12-04T10:21:00+01:00\"," \
	"\"position\":2,\"estimated_wait_s\":300,\"print\":\"pending\",\"reprints\":0," \
	"\"token\":\"" TOKEN "\"" extra "}"
#define APPT_OBJ ",\"appointment\":{\"id\":\"ext-1\",\"start\":\"2026-12-04T10:30:00+01:00\"," \
	"\"duration_min\":20}"

/*
 * POST /api/v1/appointments/checkin, every answer of the contract: the
 * appointment's ticket, the same again, a walk-in after the window, an
 * attestation naming the missed appointment, too early (and when to come
 * back), unknown, another day (and which), cancelled, the holder's three
 * refusals, closed and full; the same key and retries as an issue.
 */
static void
test_checkin(struct client *c)
{
	struct client_ticket t;
	struct client_checkin rq = { "k7p-3qx", "ar", NULL, NULL };
	char err[256];

	script(201, APPT_JSON("appointment", APPT_OBJ), 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_OK);
	CHECK(strncmp(req(), "POST /api/v1/appointments/checkin ", 34) == 0);
	CHECK(strstr(req(), "Authorization: Bearer dk_test") != NULL);
	CHECK(strstr(req(), "Content-Type: application/json") != NULL);
	CHECK(strstr(req(), "Idempotency-Key: ") != NULL);
	CHECK_STR(sent_body(), "{\"code\":\"k7p-3qx\",\"lang\":\"ar\"}");
	CHECK_STR(t.kind, "appointment");
	CHECK_STR(t.number, "A043");
	CHECK_STR(t.token, TOKEN);
	CHECK_STR(t.appt_id, "ext-1");
	CHECK_STR(t.appt_start, "2026-12-04T10:30:00+01:00");
	CHECK_INT(t.appt_duration_min, 20);
	CHECK_INT(t.duplicate, 0);
	CHECK_INT(t.late, 0);
	CHECK_STR(client_last_code(c), "");
	CHECK_STR(client_last_when(c), "");

	/* the second check-in: the same ticket */
	script(200, APPT_JSON("appointment", APPT_OBJ ",\"duplicate\":true"), 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_OK);
	CHECK_INT(t.duplicate, 1);
	CHECK_STR(t.number, "A043");

	/* too late, late = walkin: a walk-in ticket */
	script(201, APPT_JSON("walkin", ",\"late\":true"), 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_OK);
	CHECK_STR(t.kind, "walkin");
	CHECK_INT(t.late, 1);
	CHECK_STR(t.appt_start, "");

	/* too late, late = attestation: one that names the missed appointment */
	script(201, "{\"kind\":\"attestation\",\"id\":9,\"serial\":\"AT-2026-12-04-000009\","
	    "\"service\":\"A\",\"lang\":\"ar\",\"outcome\":\"late\",\"day\":\"2026-12-04\","
	    "\"issued_at\":\"2026-12-04T11:02:00+01:00\",\"attempt\":1,\"token\":\"K1*A*Y\","
	    "\"appointment\":{\"id\":\"ext-1\",\"start\":\"2026-12-04T10:30:00+01:00\"}}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_FULL);
	CHECK_STR(t.kind, "attestation");
	CHECK_STR(t.outcome, "late");
	CHECK_STR(t.appt_id, "ext-1");
	CHECK_STR(t.appt_start, "2026-12-04T10:30:00+01:00");
	CHECK_STR(t.token, "K1*A*Y");
	CHECK(strstr(err, "appointment") != NULL);
	/* too late and no place, with no attestation: full as for a ticket */
	script(409, "{\"error\":\"full\",\"code\":\"full\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_FULL);
	CHECK_STR(t.kind, "");

	script(409, "{\"error\":\"too early\",\"code\":\"too_early\","
	    "\"come_back_at\":\"2026-12-04T10:15:00+01:00\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "too_early");
	CHECK_STR(client_last_when(c), "2026-12-04T10:15:00+01:00");
	CHECK_STR(t.number, "");

	script(404, "{\"error\":\"no appointment has this code\",\"code\":\"unknown_code\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "unknown_code");
	CHECK_STR(client_last_when(c), "");
	CHECK_STR(err, "no appointment has this code");

	script(409, "{\"error\":\"another day\",\"code\":\"not_today\",\"date\":\"2026-12-18\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "not_today");
	CHECK_STR(client_last_when(c), "2026-12-18");

	script(409, "{\"error\":\"cancelled\",\"code\":\"cancelled\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "cancelled");
	CHECK_STR(client_last_when(c), "");

	/* a ticket at another site (issue #11): its number, for the screen */
	script(409, "{\"error\":\"this person already has ticket A001 today at site bobigny\","
	    "\"code\":\"holder_elsewhere\",\"site\":\"bobigny\",\"number\":\"A001\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "holder_elsewhere");
	CHECK_STR(client_last_when(c), "A001");

	/* a bound appointment: the number is asked for, sent, refused */
	script(400, "{\"error\":\"this appointment needs the document number\","
	    "\"code\":\"holder_required\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "holder_required");
	rq.holder = "AB 123456";
	script(400, "{\"error\":\"not a document number\",\"code\":\"bad_holder\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "bad_holder");
	CHECK(strstr(sent_body(), "\"holder\":\"AB 123456\"") != NULL);
	script(409, "{\"error\":\"not this appointment's holder\",\"code\":\"holder_mismatch\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "holder_mismatch");
	script(201, APPT_JSON("appointment", APPT_OBJ), 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_OK);
	CHECK_STR(t.appt_id, "ext-1");
	rq.holder = NULL;

	script(409, "{\"error\":\"the reception is closed now\",\"code\":\"closed\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_CLOSED);
	/* a 404 with no code (an older server without the route): refused, no code */
	script(404, "{\"error\":\"not found\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "");
	/* the appointment's ticket must carry its token, as any ticket */
	script(201, "{\"id\":43,\"number\":\"A043\",\"kind\":\"appointment\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_PROTOCOL);

	/* no answer: sent again with the same key, then "uncertain" */
	pthread_mutex_lock(&fake.mu);
	fake.nreq = 0;
	fake.fail_first = 1;
	pthread_mutex_unlock(&fake.mu);
	script(201, APPT_JSON("appointment", APPT_OBJ), 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_OK);
	pthread_mutex_lock(&fake.mu);
	CHECK_INT(fake.nreq, 2);
	CHECK_STR(fake.keys[1], fake.keys[0]);
	CHECK_STR(fake.keys[0], client_last_key(c));
	pthread_mutex_unlock(&fake.mu);
	script(500, "oops", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_UNCERTAIN);
	CHECK(strstr(err, client_last_key(c)) != NULL);
}

/*
 * Issue #13: a convocation's check-in by its slip's token (sent instead of
 * the code; its refusals), and an enrolment slip's redeem (the winner's
 * ticket, a convocation, an attestation, again, before the close, no such
 * entry; the same key and retries; nothing sent for a malformed entry).
 */
static void
test_draw_redeem(struct client *c)
{
	struct client_ticket t;
	struct client_checkin rq = { NULL, "fr", NULL, "K1*A*SITE*20261204*A*0*0930*KIOSK-1*8*0*1*20261204*1*SIG" };
	char err[256];

	script(201, APPT_JSON("appointment", APPT_OBJ), 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_OK);
	CHECK_STR(sent_body(), "{\"token\":\"K1*A*SITE*20261204*A*0*0930*KIOSK-1*8*0*1*20261204*1*SIG\","
	    "\"lang\":\"fr\"}");
	CHECK_STR(t.kind, "appointment");
	script(404, "{\"error\":\"not a convocation's attestation\",\"code\":\"not_convocation\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "not_convocation");
	script(400, "{\"error\":\"forged\",\"code\":\"bad_token\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "bad_token");
	script(409, "{\"error\":\"another day\",\"code\":\"not_today\",\"date\":\"2026-12-07\"}", 0);
	CHECK_INT(client_checkin(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_when(c), "2026-12-07");

	/* the winner */
	script(201, APPT_JSON("ticket", ",\"duplicate\":false,\"draw\":3,"
	    "\"entry\":\"7F3A9C0B12D4E5F60718\",\"rank\":1,\"draw_outcome\":\"ticket\""), 0);
	CHECK_INT(client_draw_redeem(c, 3, "7F3A9C0B12D4E5F60718", &t, err, sizeof err), CLIENT_OK);
	CHECK(strncmp(req(), "POST /api/v1/draws/3/entries/7F3A9C0B12D4E5F60718/redeem ", 57) == 0);
	CHECK(strstr(req(), "Idempotency-Key: ") != NULL);
	CHECK(strstr(req(), "Authorization: Bearer dk_test") != NULL);
	CHECK_STR(t.number, "A043");
	CHECK_INT((int)t.draw, 3);
	CHECK_INT(t.draw_rank, 1);
	CHECK_STR(t.draw_outcome, "ticket");
	/* again: the same ticket */
	script(200, APPT_JSON("ticket", ",\"duplicate\":true,\"draw\":3,\"rank\":1,"
	    "\"draw_outcome\":\"ticket\""), 0);
	CHECK_INT(client_draw_redeem(c, 3, "7F3A9C0B12D4E5F60718", &t, err, sizeof err), CLIENT_OK);
	CHECK_INT(t.duplicate, 1);
	/* not drawn: a convocation */
	script(201, "{\"kind\":\"convocation\",\"id\":12,\"attestation\":8,"
	    "\"serial\":\"AT-2026-12-04-000008\",\"service\":\"A\",\"outcome\":\"convocation\","
	    "\"date\":\"2026-12-07\",\"from\":\"09:00\",\"to\":\"10:00\",\"code\":\"K7P3QXRA\","
	    "\"token\":\"K1*A*Z\",\"draw\":3,\"entry\":\"5E5E5E5E5E5E5E5E5E5E\",\"rank\":31,"
	    "\"draw_outcome\":\"convocation\"}", 0);
	CHECK_INT(client_draw_redeem(c, 3, "5E5E5E5E5E5E5E5E5E5E", &t, err, sizeof err), CLIENT_FULL);
	CHECK_STR(t.kind, "attestation");
	CHECK_INT((int)t.id, 8);
	CHECK_INT((int)t.conv_id, 12);
	CHECK_STR(t.conv_code, "K7P3QXRA");
	CHECK_STR(t.draw_outcome, "convocation");
	CHECK(strstr(err, "not drawn") != NULL);
	/* not drawn: an attestation */
	script(201, "{\"kind\":\"attestation\",\"id\":9,\"serial\":\"AT-2026-12-04-000009\","
	    "\"service\":\"A\",\"outcome\":\"draw\",\"token\":\"K1*A*Y\",\"draw\":3,"
	    "\"rank\":32,\"draw_outcome\":\"attestation\"}", 0);
	CHECK_INT(client_draw_redeem(c, 3, "5E5E5E5E5E5E5E5E5E5F", &t, err, sizeof err), CLIENT_FULL);
	CHECK_STR(t.outcome, "draw");
	CHECK_STR(t.draw_outcome, "attestation");
	CHECK(strstr(err, "not drawn") != NULL);
	/* before the close */
	script(409, "{\"error\":\"draw 3 is not drawn yet: come back after the close\","
	    "\"code\":\"conflict\"}", 0);
	CHECK_INT(client_draw_redeem(c, 3, "5E5E5E5E5E5E5E5E5E5E", &t, err, sizeof err),
	    CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "conflict");
	script(404, "{\"error\":\"no such entry\",\"code\":\"not_found\"}", 0);
	CHECK_INT(client_draw_redeem(c, 3, "5E5E5E5E5E5E5E5E5E5E", &t, err, sizeof err),
	    CLIENT_REFUSED);
	/* never a path of the caller's making */
	pthread_mutex_lock(&fake.mu);
	fake.nreq = 0;
	pthread_mutex_unlock(&fake.mu);
	CHECK_INT(client_draw_redeem(c, 3, "../../tickets/1", &t, err, sizeof err), CLIENT_PROTOCOL);
	CHECK_INT(client_draw_redeem(c, 0, "5E5E5E5E5E5E5E5E5E5E", &t, err, sizeof err),
	    CLIENT_PROTOCOL);
	CHECK_INT(client_draw_redeem(c, 3, "", &t, err, sizeof err), CLIENT_PROTOCOL);
	pthread_mutex_lock(&fake.mu);
	CHECK_INT(fake.nreq, 0);
	pthread_mutex_unlock(&fake.mu);
	/* no answer: the same key again */
	pthread_mutex_lock(&fake.mu);
	fake.fail_first = 1;
	pthread_mutex_unlock(&fake.mu);
	script(201, APPT_JSON("ticket", ",\"draw\":3,\"draw_outcome\":\"ticket\""), 0);
	CHECK_INT(client_draw_redeem(c, 3, "7F3A9C0B12D4E5F60718", &t, err, sizeof err), CLIENT_OK);
	pthread_mutex_lock(&fake.mu);
	CHECK_INT(fake.nreq, 2);
	CHECK_STR(fake.keys[1], fake.keys[0]);
	pthread_mutex_unlock(&fake.mu);
}

#define ENTRY_JSON(status_extra) \
	"{\"kind\":\"draw_entry\",\"draw\":3,\"service\":\"A\",\"service_name\":{\"fr\":\"Premier\"," \
	"\"ar\":\"\xd8\xa3\xd9\x88\xd9\x84\"},\"closes\":null,\"commitment\":\"630dcd29\"," \
	"\"entry\":\"0A1B2C3D4E5F60718293\",\"token\":\"D1*P*3*0A1B2C3D4E5F60718293*AB\"," \
	"\"enrolled_at\":\"2026-12-04T08:01:00+01:00\",\"lang\":\"ar\",\"priority\":true," \
	"\"holder_mask\":\"\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2" "456\",\"site\":{\"id\":\"p\",\"name\":\"P\"}" \
	status_extra "}"

/* POST /api/v1/draws/{id}/entries: the enrolment, a duplicate, the draw
 * closed (409 conflict), a key and a retry like any slip. */
static void
test_enrol(struct client *c)
{
	struct client_ticket t;
	struct client_enrol rq = { 3, "ar", 1, "AB 123456" };
	char err[256];

	script(201, ENTRY_JSON(",\"duplicate\":false"), 0);
	CHECK_INT(client_enrol(c, &rq, &t, err, sizeof err), CLIENT_OK);
	CHECK(strncmp(req(), "POST /api/v1/draws/3/entries ", 29) == 0);
	CHECK(strstr(req(), "Authorization: Bearer dk_test") != NULL);
	CHECK(strstr(req(), "Idempotency-Key: ") != NULL);
	CHECK_STR(sent_body(), "{\"lang\":\"ar\",\"priority\":true,\"holder\":\"AB 123456\"}");
	CHECK_STR(t.kind, "draw_entry");
	CHECK(t.draw_id == 3);
	CHECK_STR(t.draw_entry, "0A1B2C3D4E5F60718293");
	CHECK_STR(t.token, "D1*P*3*0A1B2C3D4E5F60718293*AB");
	CHECK_STR(t.draw_closes, "");                    /* null: no set end */
	CHECK_STR(t.draw_commitment, "630dcd29");
	CHECK_STR(t.service, "A");
	CHECK_STR(t.service_fr, "Premier");
	CHECK_STR(t.service_local, "\xd8\xa3\xd9\x88\xd9\x84");
	CHECK_STR(t.issued_at, "2026-12-04T08:01:00+01:00");
	CHECK_STR(t.holder_ref, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2" "456");
	CHECK_STR(t.site_name, "P");
	CHECK_INT(t.priority, 1);
	CHECK_INT(t.duplicate, 0);
	CHECK_INT(t.position, -1);

	/* the same holder again: the same entry, a time */
	script(200, "{\"kind\":\"draw_entry\",\"draw\":3,\"closes\":\"08:45\",\"entry\":"
	    "\"0A1B2C3D4E5F60718293\",\"token\":\"D1*P*3*0A1B2C3D4E5F60718293*AB\",\"duplicate\":true}", 0);
	rq.holder = NULL;
	rq.priority = 0;
	CHECK_INT(client_enrol(c, &rq, &t, err, sizeof err), CLIENT_OK);
	CHECK_STR(sent_body(), "{\"lang\":\"ar\",\"priority\":false}");
	CHECK_INT(t.duplicate, 1);
	CHECK_STR(t.draw_closes, "08:45");

	/* closed meanwhile */
	script(409, "{\"error\":\"draw 3 is closed: enrolment has ended\",\"code\":\"conflict\"}", 0);
	CHECK_INT(client_enrol(c, &rq, &t, err, sizeof err), CLIENT_REFUSED);
	CHECK_STR(client_last_code(c), "conflict");
	CHECK(strstr(err, "closed") != NULL);

	/* an answer without its entry or token is no enrolment */
	script(201, "{\"kind\":\"draw_entry\",\"draw\":3,\"entry\":\"0A1B\",\"token\":\"D1\"}", 0);
	CHECK_INT(client_enrol(c, &rq, &t, err, sizeof err), CLIENT_PROTOCOL);
	script(201, "{\"kind\":\"draw_entry\",\"draw\":3,\"entry\":\"0A1B2C3D4E5F60718293\"}", 0);
	CHECK_INT(client_enrol(c, &rq, &t, err, sizeof err), CLIENT_PROTOCOL);

	/* no answer: sent again with the same key */
	pthread_mutex_lock(&fake.mu);
	fake.nreq = 0;
	fake.fail_first = 1;
	pthread_mutex_unlock(&fake.mu);
	script(201, ENTRY_JSON(""), 0);
	CHECK_INT(client_enrol(c, &rq, &t, err, sizeof err), CLIENT_OK);
	pthread_mutex_lock(&fake.mu);
	CHECK_INT(fake.nreq, 2);
	CHECK_STR(fake.keys[1], fake.keys[0]);
	CHECK_STR(fake.keys[0], client_last_key(c));
	pthread_mutex_unlock(&fake.mu);
	script(500, "oops", 0);
	CHECK_INT(client_enrol(c, &rq, &t, err, sizeof err), CLIENT_UNCERTAIN);
	CHECK(strstr(err, client_last_key(c)) != NULL);
}

static void
test_printed_reprint(struct client *c)
{
	struct client_ticket t;
	char err[256], reason[400];
	const char *b, *r;
	size_t i;

	struct client_print ok = { "confirmed", NULL, 0 }, failed = { "failed", reason, 0 };
	struct client_print paper = { "failed", "paper out", 0 }, sized = { "confirmed", NULL, 97 };

	script(200, TICKET_JSON, 0);
	CHECK_INT(client_printed(c, 42, &ok, &t, err, sizeof err), CLIENT_OK);
	CHECK(strncmp(req(), "POST /api/v1/tickets/42/printed ", 32) == 0);
	CHECK_STR(sent_body(), "{\"status\":\"confirmed\"}");
	/* the slip's length feeds the kiosk's paper counter */
	script(200, TICKET_JSON, 0);
	CHECK_INT(client_printed(c, 42, &sized, &t, err, sizeof err), CLIENT_OK);
	CHECK_STR(sent_body(), "{\"status\":\"confirmed\",\"paper_mm\":97}");

	/* A long reason of two-byte characters is cut to 120 bytes, whole characters. */
	for (i = 0; i + 2 < sizeof reason && i < 300; i += 2)
		memcpy(reason + i, "\xc3\xa9", 2);
	reason[i] = '\0';
	script(200, TICKET_JSON, 0);
	CHECK_INT(client_printed(c, 42, &failed, NULL, err, sizeof err), CLIENT_OK);
	b = sent_body();
	r = strstr(b, "\"reason\":\"");
	REQUIRE(r != NULL);
	r += 10;
	CHECK_INT(strcspn(r, "\""), 120);

	script(200, "{\"ok\":true}", 0);
	CHECK_INT(client_attestation_printed(c, 7, &paper, err, sizeof err), CLIENT_OK);
	CHECK(strncmp(req(), "POST /api/v1/attestations/7/printed ", 36) == 0);
	CHECK(strstr(sent_body(), "\"reason\":\"paper out\"") != NULL);

	script(200, TICKET_JSON, 0);
	CHECK_INT(client_reprint(c, 42, &t, err, sizeof err), CLIENT_OK);
	CHECK(strncmp(req(), "POST /api/v1/tickets/42/reprint ", 32) == 0);
	script(409, "{\"error\":\"ticket A042 was already reprinted 2 times\",\"code\":\"reprint_limit\"}", 0);
	CHECK_INT(client_reprint(c, 42, &t, err, sizeof err), CLIENT_LIMIT);
	CHECK_STR(client_last_code(c), "reprint_limit");

	script(200, "{\"id\":42,\"number\":\"A042\",\"print\":\"failed\",\"print_reason\":\"paper out\","
	    "\"reprints\":1,\"state\":\"called\"}", 0);
	CHECK_INT(client_get_ticket(c, 42, &t, err, sizeof err), CLIENT_OK);
	CHECK(strncmp(req(), "GET /api/v1/tickets/42 ", 23) == 0);
	CHECK_STR(t.print, "failed");
	CHECK_STR(t.print_reason, "paper out");
	CHECK_INT(t.reprints, 1);
	CHECK_INT(t.position, -1);
	CHECK_STR(t.token, "");
}

static long long
ms_now(void)
{
	return clock_ms();
}

static void
test_down(struct client *c)
{
	struct client_ticket t;
	char err[256], url[64];
	struct client *d;
	long long t0;
	int fd, port;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;

	/* A server that takes the request and says nothing: the time limit,
	 * four times (the retries), then "uncertain": a ticket may exist. */
	client_set_timeouts(c, 300, 600);
	script(201, TICKET_JSON, 1);
	t0 = ms_now();
	CHECK_INT(client_issue(c, "A", "fr", 0, &t, err, sizeof err), CLIENT_UNCERTAIN);
	CHECK(ms_now() - t0 < 4 * 600 + 1750 + 1500);
	CHECK(strstr(err, "may have been done") != NULL);
	pthread_mutex_lock(&fake.mu);
	fake.stall = 0;
	pthread_mutex_unlock(&fake.mu);

	/* Nobody listens: a port that was just closed. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	REQUIRE(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	REQUIRE(getsockname(fd, (struct sockaddr *)&sa, &sl) == 0);
	port = ntohs(sa.sin_port);
	close(fd);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
	d = client_new(url, "k", err, sizeof err);
	REQUIRE(d != NULL);
	t0 = ms_now();
	CHECK_INT(client_issue(d, "A", "fr", 0, &t, err, sizeof err), CLIENT_UNREACHABLE);
	CHECK(ms_now() - t0 < 2500);
	client_free(d);
}

int
main(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	pthread_t th;
	struct client *c;
	char err[256], url[64];

	/* The fake server answers the retries of a stalled request once the
	 * client has given up on them: a write to a closed socket is no crash. */
	signal(SIGPIPE, SIG_IGN);

	fake.lfd = socket(AF_INET, SOCK_STREAM, 0);
	REQUIRE(fake.lfd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	REQUIRE(bind(fake.lfd, (struct sockaddr *)&sa, sizeof sa) == 0);
	REQUIRE(listen(fake.lfd, 8) == 0);
	REQUIRE(getsockname(fake.lfd, (struct sockaddr *)&sa, &sl) == 0);
	fake.port = ntohs(sa.sin_port);
	REQUIRE(pthread_create(&th, NULL, server, NULL) == 0);

	CHECK(client_new("ftp://x", NULL, err, sizeof err) == NULL);
	CHECK(strstr(err, "http://") != NULL);
	CHECK(client_new("http://x", "a\nb", err, sizeof err) == NULL);
	client_free(NULL);
	client_menu_free(NULL);
	CHECK_STR(client_rc_str(CLIENT_UNREACHABLE), "server unreachable");

	snprintf(url, sizeof url, "http://127.0.0.1:%d//", fake.port);
	c = client_new(url, "dk_test", err, sizeof err);
	REQUIRE(c != NULL);
	test_services(c);
	test_issue(c);
	test_checkin(c);
	test_draw_redeem(c);
	test_enrol(c);
	test_printed_reprint(c);
	test_down(c);
	client_free(c);

	pthread_mutex_lock(&fake.mu);
	fake.quit = 1;
	pthread_mutex_unlock(&fake.mu);
	pthread_join(th, NULL);
	close(fake.lfd);
	free(fake.body);
	return TEST_REPORT();
}
