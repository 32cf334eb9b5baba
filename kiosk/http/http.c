/*
 * http: libmicrohttpd glue, the only file that includes microhttpd.h.
 *
 * One thread per connection (MHD_USE_THREAD_PER_CONNECTION): a server-sent
 * event stream may then block in its content callback until the bus has
 * something, without spinning. JSON routes go to api_handle(); this file
 * adds static pages from the web directory, spoken announcements, the
 * event stream, and the limits that keep one client from holding the
 * server: body sizes per route class (refused from the declared length,
 * before any of the body is read), total deadlines for headers and body
 * (a watcher thread, see "deadlines" below), and connection caps per
 * address and in total.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "http/api.h"
#include "http/http.h"
#include "speech/tts.h"

#define KEEPALIVE_MS 15000

/* Total deadlines, whatever the client's pace (MHD's own time-out counts
 * idle time only, which a byte every few seconds resets). */
#define HEADER_DEADLINE_MS 10000   /* from the accept to the end of the first request's headers */
#define NEXT_DEADLINE_MS   30000   /* from an answer to the end of the next request's headers on
                                    * a keep-alive connection: a console may sit idle between
                                    * calls as long as MHD's idle time-out allows */
#define BODY_DEADLINE_MS   30000   /* from the end of headers to the end of the body */
#define IDLE_TIMEOUT_S     30      /* MHD's idle time-out, for answers being sent */

/* Body limits, one per route class. A declared Content-Length over the
 * limit is refused with 413 before any of the body is read; a chunked body
 * is cut soon after its limit (take_body). */
#define BODY_MAX_API  API_BODY_MAX /* /api/...: small JSON objects */
#define BODY_MAX_PAGE 0            /* pages, files, /metrics: GET and HEAD only, no body */
#define BODY_DISCARD_MAX 65536     /* read past a limit for a 413, then close */

/* One connection as the deadline watcher sees it. */
enum watch_phase {
	WATCH_HEADERS,          /* waiting for the first request's headers */
	WATCH_NEXT,             /* keep-alive: waiting for the next request's headers */
	WATCH_BODY,             /* headers in, reading the body */
	WATCH_ANSWER,           /* answering: never cut (event streams, long files) */
};

struct watch {
	int fd;                         /* MHD's socket: shut down, never closed, here */
	enum watch_phase phase;         /* what the client owes us */
	int64_t deadline;               /* clock_ms() by which the phase must end; 0 none */
	int cut;                        /* shut down already */
	int silent;                     /* given the idle time-out: nothing was received */
	struct watch *prev, *next;      /* in watcher.head */
};

/* The watcher thread and the connections it watches. */
struct watcher {
	pthread_mutex_t lock;           /* guards everything below */
	pthread_cond_t cond;            /* a new deadline, or stop */
	pthread_t thread;               /* runs watcher_main */
	int started;                    /* the thread runs */
	int stop;                       /* http_stop asks it to end */
	struct watch *head;             /* open connections */
};

struct http {
	struct MHD_Daemon *d;           /* the daemon */
	struct api *api;                /* JSON routes */
	struct bus *bus;                /* event source for streams */
	char webdir[512];               /* assets/web */
	char audiodir[512];             /* cache of announcements */
	int secure;                     /* HTTPS */
	int64_t (*clock)(void);         /* Unix seconds: main's clock */
	char *cert, *key;               /* PEM text for HTTPS */
	struct watcher w;               /* total deadlines of headers and bodies */
};

/* Per-request state, kept across the access handler's calls. */
struct req {
	struct buf body;                /* received body */
	size_t limit;                   /* the route class's body limit */
	int too_large;                  /* body exceeded the limit */
	size_t discarded;               /* bytes past the limit, thrown away */
};

/* Per-stream state for /api/v1/events. */
struct stream {
	struct bus *bus;
	int64_t last;                   /* last event sent */
	int staff;                      /* sees staff events */
	int hello;                      /* the retry hint was sent */
};

static const char *
mime(const char *path)
{
	static const struct { const char *ext, *type; } m[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
		{ ".svg", "image/svg+xml" }, { ".png", "image/png" }, { ".wav", "audio/wav" },
		{ ".json", "application/json" }, { ".woff2", "font/woff2" }, { ".ico", "image/x-icon" },
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot && i < sizeof m / sizeof m[0]; i++)
		if (!strcmp(dot, m[i].ext))
			return m[i].type;
	return "application/octet-stream";
}

static void
security_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'");
}

static enum MHD_Result
send_body(struct MHD_Connection *c, int status, const char *body, const char *type,
    const char *cookie)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	const char *b = body ? body : "";

	r = MHD_create_response_from_buffer(strlen(b), (void *)b, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (body)
		MHD_add_response_header(r, "Content-Type", type ? type : "application/json; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (cookie && *cookie)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	security_headers(r);
	ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
send_error(struct MHD_Connection *c, int status, const char *msg)
{
	char buf[300];
	snprintf(buf, sizeof buf, "{\"error\":\"%s\"}", msg);
	return send_body(c, status, buf, NULL, NULL);
}

/* An API answer: send_body's, plus Retry-After when the API asks (429). */
static enum MHD_Result
send_api(struct MHD_Connection *c, const struct api_resp *ar)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	const char *b = ar->body ? ar->body : "";
	char retry[16];

	if (ar->retry_after <= 0)
		return send_body(c, ar->status, ar->body, ar->content_type, ar->set_cookie);
	r = MHD_create_response_from_buffer(strlen(b), (void *)b, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (ar->body)
		MHD_add_response_header(r, "Content-Type", ar->content_type ? ar->content_type :
		    "application/json; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (ar->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", ar->set_cookie);
	snprintf(retry, sizeof retry, "%d", ar->retry_after);
	MHD_add_response_header(r, "Retry-After", retry);
	security_headers(r);
	ret = MHD_queue_response(c, (unsigned)ar->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
send_file(struct MHD_Connection *c, const char *path, const char *cache)
{
	struct MHD_Response *r;
	struct stat sb;
	enum MHD_Result ret;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		return send_error(c, 404, "no such file");
	}
	if ((r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd)) == NULL) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", mime(path));
	MHD_add_response_header(r, "Cache-Control", cache);
	security_headers(r);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* A static file name: letters, digits, '-', '_', '.', no leading dot. */
static int
safe_name(const char *s)
{
	size_t i, n = strlen(s);
	if (n == 0 || n > 64 || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return strstr(s, "..") == NULL;
}

/* /audio/A042-3-ar.wav: synthesised on first request, then cached. */
static enum MHD_Result
serve_audio(struct http *h, struct MHD_Connection *c, const char *name)
{
	char number[16], lang[16], rel[256], path[800], err[200];
	int counter, used = 0;

	if (!safe_name(name) || sscanf(name, "%15[A-Z0-9]-%d-%15[A-Za-z-].wav%n", number, &counter,
	    lang, &used) != 3 || (size_t)used != strlen(name) || counter < 1 || counter > 99 ||
	    number[0] < 'A' || number[0] > 'Z')
		return send_error(c, 404, "no such announcement");
	if (tts_announce(h->audiodir, number, counter, lang, rel, sizeof rel, err, sizeof err) != 0) {
		log_warnx("http: announcement %s: %s", name, err);
		return send_error(c, 503, "speech synthesis failed");
	}
	snprintf(path, sizeof path, "%s/%s", h->audiodir, rel);
	return send_file(c, path, "public, max-age=86400");
}

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	char type[16], json[4096];
	int64_t seq;
	int rc, n;

	(void)pos;
	if (!s->hello) {
		s->hello = 1;
		n = snprintf(buf, max, "retry: 2000\n\n");
		return n;
	}
	rc = bus_next(s->bus, s->last, s->staff, KEEPALIVE_MS, &seq, type, sizeof type, json, sizeof json);
	if (rc == -2)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (rc == -1) {
		/* Fell behind: tell the client to resync, then carry on from now. */
		s->last = bus_last(s->bus);
		return snprintf(buf, max, "event: resync\ndata: {}\n\n");
	}
	if (rc == 0) {
		s->last = seq;
		return snprintf(buf, max, ": keep-alive\n\n");
	}
	n = snprintf(buf, max, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)seq, type, json);
	if (n < 0 || (size_t)n >= max)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	s->last = seq;
	return n;
}

static void
stream_free(void *cls)
{
	free(cls);
}

static void
fill_req(struct MHD_Connection *c, const char *method, const char *url, struct api_req *q,
    char *client, size_t clen)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	memset(q, 0, sizeof *q);
	q->method = method;
	q->path = url;
	q->authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	q->cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
	q->csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
	q->idem_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
	q->lapin_signature = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Lapin-Signature");
	q->signature = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Signature");
	client[0] = '\0';
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			    client, (socklen_t)clen);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			    client, (socklen_t)clen);
	}
	q->client = client;
}

static enum MHD_Result
serve_events(struct http *h, struct MHD_Connection *c, const char *method, const char *url)
{
	struct api_req q;
	struct stream *s;
	struct MHD_Response *r;
	enum MHD_Result ret;
	char client[64];
	const char *last;
	int access;

	fill_req(c, method, url, &q, client, sizeof client);
	q.now = h->clock();
	if ((access = api_stream_access(h->api, &q)) < 0)
		return send_error(c, 401, "unknown or expired key or session");
	if ((s = calloc(1, sizeof *s)) == NULL)
		return MHD_NO;
	s->bus = h->bus;
	s->staff = access;
	last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
	s->last = last ? strtoll(last, NULL, 10) : bus_last(h->bus);
	if (s->last > bus_last(h->bus) || s->last < 0)
		s->last = bus_last(h->bus);   /* from an earlier run: start from now */
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096 + 256, stream_read, s, stream_free);
	if (r == NULL) {
		free(s);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* GET /metrics, as the site file allows (api_metrics_access). */
static enum MHD_Result
serve_metrics(struct http *h, struct MHD_Connection *c, const char *method, const char *url)
{
	struct api_req q;
	struct api_resp r;
	char client[64];
	enum MHD_Result ret;

	fill_req(c, method, url, &q, client, sizeof client);
	q.now = h->clock();
	if (api_metrics_access(h->api, &q, &r) == 0)
		api_metrics(h->api, q.now, &r);
	ret = send_body(c, r.status, r.body, r.content_type, NULL);
	free(r.body);
	return ret;
}

/* -- deadlines: slow clients ------------------------------------------------------ */

/*
 * MHD's connection time-out counts idle time only, so a client that sends
 * one header byte every few seconds holds a thread, and a place under the
 * connection caps, for as long as it likes. Each connection gets a watch
 * (MHD_OPTION_NOTIFY_CONNECTION): its first request's headers must be in
 * within HEADER_DEADLINE_MS of the accept, a later request's within
 * NEXT_DEADLINE_MS of the previous answer (a keep-alive connection may sit
 * idle that long; a drip-feeder then still has to complete a request, and
 * is answered, every 30 s), and a body within BODY_DEADLINE_MS of its
 * headers. A connection that has sent no byte at all by its first deadline
 * (a browser's or a console's connection opened ahead of need) is not a
 * drip-feeder: it gets the idle time-out instead, as before. One thread sleeps until the earliest deadline and shuts the late
 * sockets down: shutdown(2), never close(2), since the descriptor is MHD's;
 * the connection's thread then sees the end and closes it. MHD tells us of
 * the close (NOTIFY_CLOSED) before it closes the descriptor, under the same
 * lock, so a shut-down never reaches a reused number. An answer being sent
 * has no deadline: event streams last all day, and MHD's idle time-out
 * still ends a reader that stopped reading.
 */

static void
watch_set(struct http *h, struct MHD_Connection *c, enum watch_phase phase)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct watch *w = ci ? ci->socket_context : NULL;

	if (w == NULL)
		return;
	pthread_mutex_lock(&h->w.lock);
	w->phase = phase;
	w->deadline = phase == WATCH_HEADERS ? clock_ms() + HEADER_DEADLINE_MS :
	    phase == WATCH_NEXT ? clock_ms() + NEXT_DEADLINE_MS :
	    phase == WATCH_BODY ? clock_ms() + BODY_DEADLINE_MS : 0;
	if (w->deadline)
		pthread_cond_signal(&h->w.cond);
	pthread_mutex_unlock(&h->w.lock);
}

/* MHD_OPTION_NOTIFY_CONNECTION: a watch per connection, from accept to close. */
static void
watch_notify(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct http *h = cls;
	struct watch *w = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		/* Out of memory: the connection goes unwatched, MHD's idle
		 * time-out still applies. */
		if (ci == NULL || (w = calloc(1, sizeof *w)) == NULL)
			return;
		w->fd = ci->connect_fd;
		w->phase = WATCH_HEADERS;
		w->deadline = clock_ms() + HEADER_DEADLINE_MS;
		pthread_mutex_lock(&h->w.lock);
		w->next = h->w.head;
		if (h->w.head)
			h->w.head->prev = w;
		h->w.head = w;
		pthread_cond_signal(&h->w.cond);
		pthread_mutex_unlock(&h->w.lock);
		*socket_context = w;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && w) {
		pthread_mutex_lock(&h->w.lock);
		if (w->prev)
			w->prev->next = w->next;
		else
			h->w.head = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&h->w.lock);
		free(w);
		*socket_context = NULL;
	}
}

/* Nothing at all received on the socket yet (Linux's TCP_INFO). */
static int
never_spoke(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	memset(&ti, 0, sizeof ti);
	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
	    len >= offsetof(struct tcp_info, tcpi_bytes_received) + sizeof ti.tcpi_bytes_received &&
	    ti.tcpi_bytes_received == 0;
}

static void *
watcher_main(void *arg)
{
	struct watcher *wr = arg;

	pthread_mutex_lock(&wr->lock);
	while (!wr->stop) {
		int64_t now = clock_ms(), next = 0;
		int late_headers = 0, late_bodies = 0;
		struct watch *w;

		for (w = wr->head; w; w = w->next) {
			if (w->cut || !w->deadline)
				continue;
			if (w->deadline > now) {
				if (!next || w->deadline < next)
					next = w->deadline;
				continue;
			}
			if (w->phase == WATCH_HEADERS && !w->silent && never_spoke(w->fd)) {
				w->silent = 1;
				w->deadline += IDLE_TIMEOUT_S * 1000 - HEADER_DEADLINE_MS;
				if (!next || w->deadline < next)
					next = w->deadline;
				continue;
			}
			shutdown(w->fd, SHUT_RDWR);
			w->cut = 1;
			if (w->phase == WATCH_HEADERS)
				late_headers++;
			else if (w->phase == WATCH_BODY)
				late_bodies++;
			/* WATCH_NEXT: mostly idle keep-alive connections, not news. */
		}
		if (late_headers || late_bodies)
			log_info("http: closed %d connection(s) whose headers took over %d s, "
			    "%d whose body took over %d s", late_headers, HEADER_DEADLINE_MS / 1000,
			    late_bodies, BODY_DEADLINE_MS / 1000);
		if (next) {
			struct timespec ts = clock_timespec(next);
			pthread_cond_timedwait(&wr->cond, &wr->lock, &ts);
		} else {
			pthread_cond_wait(&wr->cond, &wr->lock);
		}
	}
	pthread_mutex_unlock(&wr->lock);
	return NULL;
}

static int
watcher_start(struct watcher *wr)
{
	if (pthread_mutex_init(&wr->lock, NULL) != 0)
		return -1;
	if (clock_cond_init(&wr->cond) != 0) {
		pthread_mutex_destroy(&wr->lock);
		return -1;
	}
	if (pthread_create(&wr->thread, NULL, watcher_main, wr) != 0) {
		pthread_cond_destroy(&wr->cond);
		pthread_mutex_destroy(&wr->lock);
		return -1;
	}
	wr->started = 1;
	return 0;
}

/* After MHD_stop_daemon: every connection is closed, the list is empty. */
static void
watcher_stop(struct watcher *wr)
{
	if (!wr->started)
		return;
	pthread_mutex_lock(&wr->lock);
	wr->stop = 1;
	pthread_cond_signal(&wr->cond);
	pthread_mutex_unlock(&wr->lock);
	pthread_join(wr->thread, NULL);
	pthread_cond_destroy(&wr->cond);
	pthread_mutex_destroy(&wr->lock);
	wr->started = 0;
}

/* -- body limits ----------------------------------------------------------------- */

/* A refusal in the API's error shape: {"error": "...", "code": "..."}. */
static enum MHD_Result
send_refusal(struct MHD_Connection *c, int status, const char *code, const char *msg)
{
	char buf[300];
	snprintf(buf, sizeof buf, "{\"error\":\"%s\",\"code\":\"%s\"}", msg, code);
	return send_body(c, status, buf, NULL, NULL);
}

static enum MHD_Result
send_too_large(struct MHD_Connection *c, size_t limit)
{
	char msg[80];

	if (limit == 0)
		return send_refusal(c, 413, "too_large", "this page takes no request body");
	snprintf(msg, sizeof msg, "the body is larger than %zu bytes", limit);
	return send_refusal(c, 413, "too_large", msg);
}

/* The body limit of a URL's route class. */
static size_t
body_limit(const char *url)
{
	if (strcmp(url, API_WEBHOOK_PATH) == 0)
		return API_WEBHOOK_BODY_MAX;
	return strncmp(url, "/api/", 5) == 0 ? BODY_MAX_API : BODY_MAX_PAGE;
}

/*
 * At the end of the headers, before any of the body is read: refuse what
 * could only be refused after it. A declared Content-Length over the
 * route's limit gets 413 at once; MHD then reads no body, closes the
 * connection after the answer, and a client that sent "Expect:
 * 100-continue" never sends it. 1 with *ret set when refused, 0 to go on.
 */
static int
refuse_early(struct MHD_Connection *c, const char *url, const char *method, struct req *rq,
    enum MHD_Result *ret /* OUT */)
{
	const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long n;
	char *end;

	rq->limit = body_limit(url);
	if (strncmp(url, "/api/", 5) != 0 && strcmp(method, "GET") && strcmp(method, "HEAD")) {
		*ret = send_error(c, 405, "only GET here");
		return 1;
	}
	if (len == NULL)
		return 0;
	errno = 0;
	n = strtoull(len, &end, 10);
	if (end == len || *end != '\0' || errno == ERANGE || len[0] == '-' || n > rq->limit) {
		rq->too_large = 1;
		*ret = send_too_large(c, rq->limit);
		return 1;
	}
	return 0;
}

/*
 * A piece of the body. Over the limit (a chunked body declares no length),
 * MHD 0.9 lets no answer be queued until the body has ended, so the rest is
 * discarded, up to BODY_DISCARD_MAX more bytes, for a client that sent a
 * little too much to get its 413 and reason; past that the connection is
 * closed (MHD_NO). The body's deadline bounds the time as well.
 */
static enum MHD_Result
take_body(struct req *rq, const char *upload, size_t *upload_size)
{
	size_t n = *upload_size;

	*upload_size = 0;
	if (!rq->too_large && rq->body.len + n <= rq->limit) {
		buf_add(&rq->body, upload, n);
		return rq->body.failed ? MHD_NO : MHD_YES;
	}
	rq->too_large = 1;
	rq->discarded += n;
	if (rq->discarded > BODY_DISCARD_MAX) {
		log_info("http: a request body went over %zu bytes: connection closed",
		    rq->limit + BODY_DISCARD_MAX);
		return MHD_NO;
	}
	return MHD_YES;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct http *h = cls;
	struct req *rq = *con_cls;
	char path[600];

	(void)version;
	if (rq == NULL) {
		/* The headers are in: the body's deadline starts. */
		enum MHD_Result ret;
		if ((rq = calloc(1, sizeof *rq)) == NULL)
			return MHD_NO;
		*con_cls = rq;
		watch_set(h, c, WATCH_BODY);
		if (refuse_early(c, url, method, rq, &ret)) {
			watch_set(h, c, WATCH_ANSWER);
			return ret;
		}
		return MHD_YES;
	}
	if (*upload_size) {
		return take_body(rq, upload, upload_size);
	}
	/* The whole request is in: answering is never cut. */
	watch_set(h, c, WATCH_ANSWER);
	if (rq->too_large)
		return send_too_large(c, rq->limit);
	/* HEAD is GET without the body: MHD sends the headers only. */
	if (!strcmp(method, "HEAD"))
		method = "GET";
	if (!strcmp(url, "/api/v1/events") && !strcmp(method, "GET"))
		return serve_events(h, c, method, url);
	if (!strncmp(url, "/api/", 5)) {
		struct api_req q;
		struct api_resp r;
		char client[64];
		enum MHD_Result ret;

		fill_req(c, method, url, &q, client, sizeof client);
		q.body = rq->body.p;
		q.body_len = rq->body.len;
		q.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
		q.day = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "day");
		q.site = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "site");
		q.secure = h->secure;
		q.now = h->clock();
		api_handle(h->api, &q, &r);
		ret = send_api(c, &r);
		free(r.body);
		return ret;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return send_error(c, 405, "only GET here");
	if (!strcmp(url, "/") || !strcmp(url, "/board")) {
		snprintf(path, sizeof path, "%s/board.html", h->webdir);
		return send_file(c, path, "no-cache");
	}
	if (!strcmp(url, "/metrics"))
		return serve_metrics(h, c, method, url);
	if (!strcmp(url, "/stats")) {
		snprintf(path, sizeof path, "%s/stats.html", h->webdir);
		return send_file(c, path, "no-cache");
	}
	if (!strcmp(url, "/console")) {
		snprintf(path, sizeof path, "%s/console.html", h->webdir);
		return send_file(c, path, "no-cache");
	}
	if (!strcmp(url, "/manage")) {
		snprintf(path, sizeof path, "%s/manage.html", h->webdir);
		return send_file(c, path, "no-cache");
	}
	if (!strncmp(url, "/static/", 8) && safe_name(url + 8)) {
		snprintf(path, sizeof path, "%s/%s", h->webdir, url + 8);
		return send_file(c, path, "no-cache");
	}
	if (!strncmp(url, "/audio/", 7))
		return serve_audio(h, c, url + 7);
	return send_error(c, 404, "no such page");
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http *h = cls;
	struct req *rq = *con_cls;

	(void)toe;
	/* A keep-alive connection waits for its next request's headers. */
	watch_set(h, c, WATCH_NEXT);
	if (rq) {
		buf_free(&rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	(void)cls;
	vsnprintf(buf, sizeof buf, fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_warnx("http: %s", buf);
}

static char *
slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > 1 << 20 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		errf(err, errlen, "%s: unreadable or too large", path);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		errf(err, errlen, "%s: read error", path);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

struct http *
http_start(const struct http_config *cfg, struct api *api, struct bus *bus, char *err, size_t errlen)
{
	struct http *h = calloc(1, sizeof *h);
	struct sockaddr_storage ss;
	int max_conn = cfg->max_connections > 0 ? cfg->max_connections : HTTP_MAX_CONNECTIONS;
	int per_addr = cfg->max_per_address > 0 ? cfg->max_per_address : HTTP_MAX_PER_ADDRESS;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_POLL | MHD_USE_ERROR_LOG;

	if (h == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	h->api = api;
	h->bus = bus;
	h->clock = cfg->clock;
	snprintf(h->webdir, sizeof h->webdir, "%s", cfg->webdir);
	snprintf(h->audiodir, sizeof h->audiodir, "%s", cfg->audiodir);
	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, cfg->host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)cfg->port);
	} else if (inet_pton(AF_INET6, cfg->host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)cfg->port);
		flags |= MHD_USE_IPv6;
	} else {
		errf(err, errlen, "--listen: '%s' is not an IP address", cfg->host);
		free(h);
		return NULL;
	}
	if (cfg->tls_cert && *cfg->tls_cert) {
		if ((h->cert = slurp(cfg->tls_cert, err, errlen)) == NULL ||
		    (h->key = slurp(cfg->tls_key, err, errlen)) == NULL) {
			http_stop(h);
			return NULL;
		}
		flags |= MHD_USE_TLS;
		h->secure = 1;
	}
	if (per_addr > max_conn) {
		errf(err, errlen, "--max-per-address %d is over --max-connections %d", per_addr, max_conn);
		http_stop(h);
		return NULL;
	}
	if (watcher_start(&h->w) != 0) {
		errf(err, errlen, "cannot start the deadline thread");
		http_stop(h);
		return NULL;
	}
	{
		struct MHD_OptionItem opts[] = {
			{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, h },
			{ MHD_OPTION_SOCK_ADDR, 0, &ss },
			{ MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT_S, NULL },
			{ MHD_OPTION_CONNECTION_LIMIT, max_conn, NULL },
			{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_addr, NULL },
			{ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)watch_notify, h },
			{ MHD_OPTION_THREAD_STACK_SIZE, 256 * 1024, NULL },
			{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, h },
			{ h->secure ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, h->cert },
			{ MHD_OPTION_HTTPS_MEM_KEY, 0, h->key },
			{ MHD_OPTION_END, 0, NULL },
		};
		h->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, h,
		    MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	}
	if (h->d == NULL) {
		errf(err, errlen, "cannot listen on %s:%d (port in use, or permission denied%s)",
		    cfg->host, cfg->port, h->secure ? ", or bad TLS certificate/key" : "");
		http_stop(h);
		return NULL;
	}
	return h;
}

int
http_port(struct http *h)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : -1;
}

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	if (h->d)
		MHD_stop_daemon(h->d);
	watcher_stop(&h->w);
	free(h->cert);
	free(h->key);
	free(h);
}
