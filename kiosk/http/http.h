/*
 * http: the HTTP(S) front of `kiosk serve` (libmicrohttpd). It maps
 * requests to api_handle(), serves the web pages, the announcements and the
 * event stream. Only http.c sees libmicrohttpd.
 */
#ifndef KIOSK_HTTP_H
#define KIOSK_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "http/api.h"
#include "core/bus.h"

#define HTTP_MAX_CONNECTIONS 600   /* default of --max-connections */
#define HTTP_MAX_PER_ADDRESS 24    /* default of --max-per-address */

struct http_config {
	const char *host;           /* IP address to bind, "127.0.0.1" by default */
	int port;                   /* 0: any free port (see http_port) */
	const char *webdir;         /* directory of the console and board pages */
	const char *audiodir;       /* cache directory for spoken announcements */
	const char *tls_cert;       /* PEM certificate path, NULL or "" for HTTP */
	const char *tls_key;        /* PEM key path */
	int64_t (*clock)(void);     /* Unix seconds */
	int max_connections;        /* open connections in all; 0: HTTP_MAX_CONNECTIONS */
	int max_per_address;        /* open connections from one address; 0: HTTP_MAX_PER_ADDRESS */
};

struct http;

struct http *http_start(const struct http_config *cfg, struct api *api, struct bus *bus,
    char *err, size_t errlen);
int http_port(struct http *h);
void http_stop(struct http *h);     /* NULL is harmless */

#endif
