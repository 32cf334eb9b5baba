/*
 * http: libmicrohttpd glue, the only file that includes microhttpd.h.
 *
 * One thread per connection (MHD_USE_THREAD_PER_CONNECTION): a server-sent
 * event stream may then block in its content callback until the bus has
 * something, without spinning. JSON routes go to api_handle(); this file
 * adds static pages from the web directory, spoken announcements, the
 * event stream, and the body-size and time-out limits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "http/api.h"
#include "http/http.h"
#include "speech/tts.h"

#define KEEPALIVE_MS 15000

struct http {
	struct MHD_Daemon *d;           /* the daemon */
	struct api *api;                /* JSON routes */
	struct bus *bus;                /* event source for streams */
	char webdir[512];               /* assets/web */
	char audiodir[512];             /* cache of announcements */
	int secure;                     /* HTTPS */
	int64_t (*clock)(void);         /* Unix seconds: main's clock */
	char *cert, *key;               /* PEM text for HTTPS */
};

/* Per-request state, kept across the access handler's calls. */
struct req {
	struct buf body;                /* received body */
	int too_large;                  /* body exceeded the limit */
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

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct http *h = cls;
	struct req *rq = *con_cls;
	char path[600];

	(void)version;
	if (rq == NULL) {
		if ((rq = calloc(1, sizeof *rq)) == NULL)
			return MHD_NO;
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (rq->body.len + *upload_size > API_BODY_MAX) {
			rq->too_large = 1;
		} else {
			buf_add(&rq->body, upload, *upload_size);
			if (rq->body.failed)
				return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->too_large)
		return send_error(c, 413, "the body is larger than 4096 bytes");
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
		q.day = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "day");
		q.secure = h->secure;
		q.now = h->clock();
		api_handle(h->api, &q, &r);
		ret = send_body(c, r.status, r.body, r.content_type, r.set_cookie);
		free(r.body);
		return ret;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return send_error(c, 405, "only GET here");
	if (!strcmp(url, "/") || !strcmp(url, "/board")) {
		snprintf(path, sizeof path, "%s/board.html", h->webdir);
		return send_file(c, path, "no-cache");
	}
	if (!strcmp(url, "/metrics")) {
		struct api_resp r;
		enum MHD_Result ret;
		api_metrics(h->api, h->clock(), &r);
		ret = send_body(c, r.status, r.body, r.content_type, NULL);
		free(r.body);
		return ret;
	}
	if (!strcmp(url, "/stats")) {
		snprintf(path, sizeof path, "%s/stats.html", h->webdir);
		return send_file(c, path, "no-cache");
	}
	if (!strcmp(url, "/console")) {
		snprintf(path, sizeof path, "%s/console.html", h->webdir);
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
	struct req *rq = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
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
	{
		struct MHD_OptionItem opts[] = {
			{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, h },
			{ MHD_OPTION_SOCK_ADDR, 0, &ss },
			{ MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL },
			{ MHD_OPTION_CONNECTION_LIMIT, 400, NULL },
			{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, 200, NULL },
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
	free(h->cert);
	free(h->key);
	free(h);
}
