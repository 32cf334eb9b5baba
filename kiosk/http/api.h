/*
 * api: the HTTP API as a pure function of (method, path, headers, body) to
 * (status, JSON). It validates every input, checks credentials and roles,
 * and can reach only the desk's verbs (desk/desk.h) and the event bus. No
 * HTTP library here: http.c feeds it, tests call it directly. See
 * docs/API.md.
 */
#ifndef KIOSK_API_H
#define KIOSK_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "desk/desk.h"

#define API_BODY_MAX 4096   /* larger request bodies get 413 */
/* POST /api/v1/appointments/webhook: a booking system's payload (RDV
 * Service Public's carries the whole Rdv), read raw for its signature. */
#define API_WEBHOOK_PATH "/api/v1/appointments/webhook"
#define API_WEBHOOK_BODY_MAX 65536

struct api;

struct api_req {
	const char *method;         /* "GET", "POST", ... */
	const char *path;           /* without the query string */
	const char *body;           /* may be NULL when body_len is 0 */
	size_t body_len;
	const char *content_type;   /* Content-Type header, or NULL; a body must be
	                             * application/json (else 415) */
	const char *authorization;  /* Authorization header, or NULL */
	const char *cookie;         /* Cookie header, or NULL */
	const char *csrf;           /* X-CSRF-Token header, or NULL */
	const char *idem_key;       /* Idempotency-Key header, or NULL */
	const char *lapin_signature; /* X-Lapin-Signature header (RDV Service Public), or NULL */
	const char *signature;      /* X-Signature header ("sha256=<hex>"), or NULL */
	const char *client;         /* client address, for rate limits */
	const char *day;            /* ?day=YYYY-MM-DD query argument, or NULL */
	const char *site;           /* ?site= query argument (GET /api/v1/stats: "all" or a
	                             * site's id), or NULL */
	int secure;                 /* served over HTTPS: cookies get Secure */
	int64_t now;                /* Unix seconds */
};

struct api_resp {
	int status;                 /* HTTP status */
	char *body;                 /* malloc'd (NULL for 204); caller frees */
	const char *content_type;   /* NULL: JSON */
	char set_cookie[256];       /* Set-Cookie value, "" for none */
	int retry_after;            /* seconds, for a Retry-After header (429); 0: none */
};

/* An API on a desk whose site is loaded (NULL otherwise). */
struct api *api_new(struct desk *d, struct bus *bus);
void api_free(struct api *a);   /* NULL is harmless */

void api_handle(struct api *a, const struct api_req *req, struct api_resp *resp /* OUT */);

/* GET /metrics: Prometheus text format, always answered. */
void api_metrics(struct api *a, int64_t now, struct api_resp *resp /* OUT */);
/* Who may read /metrics, by the site's `metrics` choice: 0 allowed; -1
 * refused with resp set (404 when off; 401 without the right token). */
int api_metrics_access(struct api *a, const struct api_req *req, struct api_resp *resp /* OUT */);

/* Authorise a GET of the event stream: 0 public, 1 staff, -1 refused. */
int api_stream_access(struct api *a, const struct api_req *req);

/* Periodic work (end of day); returns the seconds until it should run again. */
int api_tick(struct api *a, int64_t now);

#endif
