/*
 * checkin_standin: POST /api/v1/appointments/checkin as issue #12's
 * contract writes it (docs/API.md), in front of a real `kiosk serve`, for
 * the touch kiosk's headless screenshots (tests/screens.sh) while the
 * server's own route is written on another branch. Every other request is
 * passed to the server untouched; a check-in is answered here by the
 * code's first letters, so that each answer can be shown:
 *
 *   EARLY...  409 too_early, come back at 10:15 (today)
 *   UNKN...   404 unknown_code
 *   OTHER...  409 not_today, the 18th of next month
 *   CANC...   409 cancelled
 *   BOUND...  400 holder_required without "holder"; with it, as below
 *   LATE...   a real walk-in ticket of service C, "kind":"walkin","late":true
 *   others    a real ticket of service C from the server (POST /api/v1/tickets
 *             with the kiosk's own key and language: signed, printed and
 *             reported like any), "kind":"appointment" and an
 *             "appointment" starting at 10:30 today
 *
 *   checkin_standin --to PORT [--max-seconds S]
 *
 * Prints the port it listens on (a free one on 127.0.0.1), then one line
 * per request: "checkin CODE STATUS lang=L holder=yes|no key=KEY|-" or
 * "pass". One connection at a time,
 * each closed after its answer; poll with deadlines, no sleeps. Once the
 * real route has landed, tests/screens.sh can talk to the server directly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/appt.h"

#define REQ_MAX (64 * 1024)

static int
listen_any(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static int
connect_to(int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)port);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Read until the peer closes, the buffer is full or 10 s pass. */
static size_t
read_all(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	time_t end = time(NULL) + 10;

	while (len + 1 < cap && time(NULL) < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;
		if (poll(&p, 1, 1000) <= 0)
			continue;
		if ((n = read(fd, buf + len, cap - 1 - len)) <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return len;
}

/* Read one request: its head and its Content-Length body. */
static size_t
read_request(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	time_t end = time(NULL) + 10;

	while (len + 1 < cap && time(NULL) < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		const char *eoh, *cl;
		ssize_t n;
		if (poll(&p, 1, 1000) <= 0)
			continue;
		if ((n = read(fd, buf + len, cap - 1 - len)) <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if ((eoh = strstr(buf, "\r\n\r\n")) != NULL) {
			long clen = (cl = strcasestr(buf, "\r\nContent-Length:")) && cl < eoh ?
			    strtol(cl + 17, NULL, 10) : 0;
			if ((size_t)(eoh + 4 - buf) + (size_t)clen <= len)
				break;
		}
	}
	buf[len] = '\0';
	return len;
}

/* The value of header name in the request head (copied), "" when none. */
static void
header(const char *req, const char *name, char *out, size_t outlen)
{
	const char *eoh = strstr(req, "\r\n\r\n"), *p = req;
	size_t n = strlen(name);

	out[0] = '\0';
	while ((p = strstr(p, "\r\n")) != NULL && (eoh == NULL || p < eoh)) {
		p += 2;
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			snprintf(out, outlen, "%.*s", (int)strcspn(p, "\r\n"), p);
			return;
		}
	}
}

/* The same request to the server, with "Connection: close" after the
 * request line; its whole answer into ans. */
static size_t
forward(int port, const char *req, size_t len, char *ans, size_t cap)
{
	const char *eol = strstr(req, "\r\n");
	int up = connect_to(port);
	size_t n = 0;

	if (up < 0 || eol == NULL) {
		if (up >= 0)
			close(up);
		return 0;
	}
	if (write_all(up, req, (size_t)(eol + 2 - req)) == 0 &&
	    write_all(up, "Connection: close\r\n", 19) == 0 &&
	    write_all(up, eol + 2, len - (size_t)(eol + 2 - req)) == 0)
		n = read_all(up, ans, cap);
	close(up);
	return n;
}

static void
answer(int fd, int status, const char *json)
{
	char head[256];

	snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", status,
	    status < 300 ? "OK" : status == 404 ? "Not Found" : status == 400 ? "Bad Request" :
	    "Conflict", strlen(json));
	if (write_all(fd, head, strlen(head)) == 0)
		write_all(fd, json, strlen(json));
}

/* A real ticket of service C for this kiosk, turned into a check-in's
 * answer: an appointment's (10:30 today), or a late walk-in's. */
static int
real_ticket(int fd, int port, const char *req, const char *lang, int late)
{
	static char ans[REQ_MAX];
	char auth[256], body[128], out[1024];
	const char *b;
	cJSON *j, *a;
	char *text, start[40];
	size_t n;
	int status = 0;

	header(req, "Authorization", auth, sizeof auth);
	snprintf(body, sizeof body, "{\"service\":\"C\",\"lang\":\"%s\",\"priority\":false}", lang);
	n = (size_t)snprintf(out, sizeof out, "POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Authorization: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	    auth, strlen(body), body);
	if (forward(port, out, n, ans, sizeof ans) == 0 || sscanf(ans, "HTTP/1.%*d %d", &status) != 1 ||
	    (b = strstr(ans, "\r\n\r\n")) == NULL || (j = cJSON_Parse(b + 4)) == NULL) {
		answer(fd, 503, "{\"error\":\"the server did not answer\",\"code\":\"unavailable\"}");
		return 503;
	}
	if (status == 201 || status == 200) {
		cJSON_DeleteItemFromObject(j, "kind");
		if (late) {
			cJSON_AddStringToObject(j, "kind", "walkin");
			cJSON_AddBoolToObject(j, "late", 1);
		} else {
			const cJSON *day = cJSON_GetObjectItem(j, "day");
			cJSON_AddStringToObject(j, "kind", "appointment");
			snprintf(start, sizeof start, "%sT10:30:00+01:00",
			    cJSON_IsString(day) ? day->valuestring : "2026-12-04");
			a = cJSON_AddObjectToObject(j, "appointment");
			cJSON_AddStringToObject(a, "id", "ext-1");
			cJSON_AddStringToObject(a, "start", start);
			cJSON_AddNumberToObject(a, "duration_min", 20);
		}
	}
	text = cJSON_PrintUnformatted(j);
	answer(fd, status, text ? text : "{}");
	cJSON_free(text);
	cJSON_Delete(j);
	return status;
}

static int
checkin(int fd, int port, const char *req)
{
	const char *b = strstr(req, "\r\n\r\n");
	cJSON *j = b ? cJSON_Parse(b + 4) : NULL;
	const cJSON *code = cJSON_GetObjectItem(j, "code"), *lang = cJSON_GetObjectItem(j, "lang");
	const cJSON *holder = cJSON_GetObjectItem(j, "holder");
	char c[APPT_CODE_MAX + 1], e[128], when[64], l[16], msg[256];
	time_t now = time(NULL);
	struct tm tm;
	int status;

	if (!cJSON_IsString(code) ||
	    appt_code_normalise(code->valuestring, c, e, sizeof e) != 0) {
		answer(fd, 400, "{\"error\":\"no check-in code\",\"code\":\"bad_request\"}");
		cJSON_Delete(j);
		return 400;
	}
	snprintf(l, sizeof l, "%s", cJSON_IsString(lang) ? lang->valuestring : "fr");
	localtime_r(&now, &tm);
	if (!strncmp(c, "EARLY", 5)) {
		strftime(when, sizeof when, "%Y-%m-%dT10:15:00+01:00", &tm);
		snprintf(msg, sizeof msg, "{\"error\":\"too early\",\"code\":\"too_early\","
		    "\"come_back_at\":\"%s\"}", when);
		answer(fd, status = 409, msg);
	} else if (!strncmp(c, "UNKN", 4)) {
		answer(fd, status = 404, "{\"error\":\"no appointment has this code\","
		    "\"code\":\"unknown_code\"}");
	} else if (!strncmp(c, "0THER", 5)) { /* "OTHER" normalised: O reads as 0 */
		tm.tm_mon += 1;
		tm.tm_mday = 18;
		mktime(&tm);
		strftime(when, sizeof when, "%Y-%m-%d", &tm);
		snprintf(msg, sizeof msg, "{\"error\":\"another day's appointment\","
		    "\"code\":\"not_today\",\"date\":\"%s\"}", when);
		answer(fd, status = 409, msg);
	} else if (!strncmp(c, "CANC", 4)) {
		answer(fd, status = 409, "{\"error\":\"this appointment was cancelled\","
		    "\"code\":\"cancelled\"}");
	} else if (!strncmp(c, "B0UND", 5) && !cJSON_IsString(holder)) {
		answer(fd, status = 400, "{\"error\":\"this appointment needs the holder's document "
		    "number\",\"code\":\"holder_required\"}");
	} else {
		status = real_ticket(fd, port, req, l, !strncmp(c, "LATE", 4));
	}
	{
		char key[64];
		header(req, "Idempotency-Key", key, sizeof key);
		printf("checkin %s %d lang=%s holder=%s key=%s\n", c, status, l,
		    cJSON_IsString(holder) ? "yes" : "no", key[0] ? key : "-");
	}
	fflush(stdout);
	cJSON_Delete(j);
	return status;
}

int
main(int argc, char **argv)
{
	static char req[REQ_MAX], ans[4 * REQ_MAX];
	int i, to = 0, port, lfd, maxs = 600;
	time_t end;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--to"))
			to = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--max-seconds"))
			maxs = atoi(argv[i + 1]);
		else
			break;
	}
	if (i != argc || to <= 0 || to > 65535 || maxs <= 0) {
		fprintf(stderr, "usage: checkin_standin --to PORT [--max-seconds S]\n");
		return 1;
	}
	if ((lfd = listen_any(&port)) < 0) {
		perror("checkin_standin: listen");
		return 1;
	}
	printf("%d\n", port);
	fflush(stdout);
	end = time(NULL) + maxs;
	while (time(NULL) < end) {
		struct pollfd p = { lfd, POLLIN, 0 };
		size_t n, m;
		int cl;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		if ((cl = accept(lfd, NULL, NULL)) < 0)
			continue;
		n = read_request(cl, req, sizeof req);
		if (!strncmp(req, "POST /api/v1/appointments/checkin ", 34)) {
			checkin(cl, to, req);
		} else if (n > 0 && (m = forward(to, req, n, ans, sizeof ans)) > 0) {
			write_all(cl, ans, m);
			printf("pass\n");
			fflush(stdout);
		}
		close(cl);
	}
	close(lfd);
	return 0;
}
