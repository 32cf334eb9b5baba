/*
 * serve: `kiosk serve`, the queue server. It owns the database, loads the
 * signing key, starts HTTP, and then waits for signals with a deadline for
 * the periodic work (end of day). It is the only place in the server that
 * reads the clock.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http/api.h"
#include "core/bus.h"
#include "core/i18n.h"
#include "cmd/cmds.h"
#include "http/http.h"
#include "core/log.h"
#include "cmd/serve.h"
#include "core/sign.h"
#include "store/store.h"
#include "io/runlock.h"
#include "speech/tts.h"

static int64_t
wall_clock(void)
{
	return (int64_t)time(NULL);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: kiosk serve --db FILE [--listen ADDR:PORT] [--key FILE] [--web DIR]\n"
	    "                   [--audio-cache DIR] [--po DIR] [--always-open]\n"
	    "                   [--max-connections N] [--max-per-address N]\n"
	    "\n"
	    "  --db FILE          the queue database (create it with 'kiosk admin --db FILE init');\n"
	    "                     or a PostgreSQL connection string (postgresql://..., host=...),\n"
	    "                     shared by several servers: then --key is required\n"
	    "  --listen ADDR:PORT address to bind (default 127.0.0.1:8080; port 0 = any free port)\n"
	    "  --key FILE         the site's secret signing key (default: FILE.key next to the db)\n"
	    "  --web DIR          the web pages (default: assets/web, or the installed copy)\n"
	    "  --audio-cache DIR  where spoken announcements are cached (default: FILE.audio/;\n"
	    "                     on PostgreSQL, KEYFILE.audio/)\n"
	    "  --po DIR           translations of the spoken announcements (default: assets/po)\n"
	    "  --always-open      ignore opening hours (demonstrations only)\n"
	    "  --max-connections N open connections in all (default %d)\n"
	    "  --max-per-address N open connections from one address (default %d), so that\n"
	    "                     one address cannot take the room the kiosks and staff need\n",
	    HTTP_MAX_CONNECTIONS, HTTP_MAX_PER_ADDRESS);
}

/* assets/web next to the working directory, else next to the binary, else installed. */
void
serve_default_dir(const char *argv0, const char *sub, char *out, size_t len)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;
	struct stat sb;

	snprintf(out, len, "assets/%s", sub);
	if (stat(out, &sb) == 0)
		return;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(out, len, "%s/../assets/%s", exe, sub);
			if (stat(out, &sb) == 0)
				return;
			snprintf(out, len, "%s/../share/kiosk/assets/%s", exe, sub);
			if (stat(out, &sb) == 0)
				return;
		}
	}
	(void)argv0;
	snprintf(out, len, "/usr/local/share/kiosk/assets/%s", sub);
}

/*
 * The one clock: every local time this process shows (log lines, the
 * kiosk's clock, local days) is the site's, whatever the machine's zone.
 * glibc's localtime_r reads TZ only at tzset(), under its own lock; and
 * setenv on a TZ that is already in the environment swaps one pointer and
 * never frees the old string, so a thread calling getenv meanwhile is safe.
 * serve_zone_prepare puts TZ there before any thread starts.
 */
void
serve_zone_prepare(void)
{
	if (getenv("TZ") == NULL)
		setenv("TZ", ":/etc/localtime", 1);   /* glibc's default, spelled out */
}

int
serve_use_zone(const char *tz)
{
	const char *dir = getenv("TZDIR"), *cur = getenv("TZ"), *p;
	char path[PATH_MAX];
	struct stat sb;

	if (tz == NULL || tz[0] == '\0' || tz[0] == '/' || strstr(tz, "..") != NULL ||
	    strlen(tz) > 64)
		return -1;
	for (p = tz; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("/_-+", *p) == NULL)
			return -1;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo",
	    tz) >= sizeof path || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return -1;   /* glibc would silently take UTC for a zone it lacks */
	if (cur != NULL && strcmp(cur, tz) == 0)
		return 0;
	setenv("TZ", tz, 1);
	tzset();
	return 1;
}

/* The command line. */
struct options {
	const char *db;            /* --db */
	const char *listen;        /* --listen ADDR:PORT */
	const char *keyfile;       /* --key, or DB.key */
	const char *web;           /* --web, or the default */
	const char *audio;         /* --audio-cache, or DB.audio */
	const char *podir;         /* --po, or the default */
	int always_open;           /* --always-open */
	int max_connections;       /* --max-connections */
	int max_per_address;       /* --max-per-address */
	char host[64];             /* the address of --listen */
	int port;                  /* its port */
	char keybuf[PATH_MAX], webbuf[PATH_MAX], audiobuf[PATH_MAX], pobuf[PATH_MAX];
};

/* --listen's ADDR:PORT ([V6]:PORT too) into host and port. 0 or -1. */
static int
parse_listen(struct options *o)
{
	const char *colon = strrchr(o->listen, ':');
	char *end;
	long p;

	if (colon == NULL || (size_t)(colon - o->listen) >= sizeof o->host ||
	    (p = strtol(colon + 1, &end, 10), *end != '\0') || p < 0 || p > 65535 ||
	    colon == o->listen) {
		fprintf(stderr, "kiosk serve: --listen wants ADDR:PORT, e.g. 127.0.0.1:8080\n");
		return -1;
	}
	memcpy(o->host, o->listen, (size_t)(colon - o->listen));
	o->host[colon - o->listen] = '\0';
	if (o->host[0] == '[' && o->host[strlen(o->host) - 1] == ']') {
		memmove(o->host, o->host + 1, strlen(o->host));
		o->host[strlen(o->host) - 1] = '\0';
	}
	o->port = (int)p;
	return 0;
}

/* A count option's value, 1..10000; -1 with a message when it is not one. */
static int
parse_count(const char *opt, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < 1 || n > 10000) {
		fprintf(stderr, "kiosk serve: %s wants a number from 1 to 10000, not '%s'\n", opt, v);
		return -1;
	}
	return (int)n;
}

/* 0: go on; 1: stop with 0 (--help); -1: stop with 2 (usage). */
static int
parse_options(struct options *o, int argc, char **argv)
{
	int i;

	memset(o, 0, sizeof *o);
	o->listen = "127.0.0.1:8080";
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(argv[i], "--always-open")) {
			o->always_open = 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--db")) {
			o->db = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--listen")) {
			o->listen = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--key")) {
			o->keyfile = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--web")) {
			o->web = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--audio-cache")) {
			o->audio = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--po")) {
			o->podir = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--max-connections")) {
			if ((o->max_connections = parse_count(argv[i], argv[i + 1])) < 0)
				return -1;
			i++;
		} else if (i + 1 < argc && !strcmp(argv[i], "--max-per-address")) {
			if ((o->max_per_address = parse_count(argv[i], argv[i + 1])) < 0)
				return -1;
			i++;
		} else {
			fprintf(stderr, "kiosk serve: unknown or incomplete option '%s'\n", argv[i]);
			usage(stderr);
			return -1;
		}
	}
	if (o->db == NULL) {
		usage(stderr);
		return -1;
	}
	if (parse_listen(o) != 0)
		return -1;
	if ((o->max_per_address ? o->max_per_address : HTTP_MAX_PER_ADDRESS) >
	    (o->max_connections ? o->max_connections : HTTP_MAX_CONNECTIONS)) {
		fprintf(stderr, "kiosk serve: --max-per-address is over --max-connections: one "
		    "address could take every place\n");
		return -1;
	}
	if (o->keyfile == NULL && store_is_pg(o->db)) {
		fprintf(stderr, "kiosk serve: with a PostgreSQL database, name the site's signing key "
		    "with --key FILE (the same file on every server of the site)\n");
		return -1;
	}
	if (o->keyfile == NULL) {
		snprintf(o->keybuf, sizeof o->keybuf, "%s.key", o->db);
		o->keyfile = o->keybuf;
	}
	if (o->web == NULL) {
		serve_default_dir(argv[0], "web", o->webbuf, sizeof o->webbuf);
		o->web = o->webbuf;
	}
	if (o->audio == NULL) {
		/* PostgreSQL: next to the key, on this server's own disk. */
		snprintf(o->audiobuf, sizeof o->audiobuf, "%s.audio", store_is_pg(o->db) ?
		    o->keyfile : o->db);
		o->audio = o->audiobuf;
	}
	if (o->podir == NULL) {
		serve_default_dir(argv[0], "po", o->pobuf, sizeof o->pobuf);
		o->podir = o->pobuf;
	}
	return 0;
}

/* The signing key, the database and its site, which must match. 0, or -1
 * with the reason logged. */
static int
open_desk(const struct options *o, struct desk_keys *keys, struct store **st, struct desk **desk)
{
	const struct site *site;
	char err[512];

	if (signkey_load_secret(o->keyfile, keys->sk, keys->site_id, sizeof keys->site_id, err,
	    sizeof err) != 0) {
		log_warnx("serve: no usable signing key: %s", err);
		log_warnx("serve: create one with: kiosk admin --db %s keygen", o->db);
		return -1;
	}
	crypto_sign_ed25519_sk_to_pk(keys->pk, keys->sk);
	if ((*st = store_open(o->db, err, sizeof err)) == NULL ||
	    (*desk = desk_open(*st, keys, err, sizeof err)) == NULL) {
		log_warnx("serve: %s", err);
		return -1;
	}
	if ((site = desk_site(*desk)) == NULL) {
		log_warnx("serve: the database has no site yet: run "
		    "'kiosk admin --db %s init --site SITE.ini'", o->db);
		return -1;
	}
	if (strcasecmp(keys->site_id, site->id) != 0) {
		log_warnx("serve: the key %s belongs to site '%s', the database to '%s'", o->keyfile,
		    keys->site_id, site->id);
		return -1;
	}
	if (serve_use_zone(site->tz) < 0) {
		log_warnx("serve: the site's time zone '%s' is not installed here "
		    "(/usr/share/zoneinfo; Debian's tzdata)", site->tz);
		return -1;
	}
	log_info("serve: the site's clock: %s", site->tz);
	/* bind_holder = all_sites: the claims shared by the database's sites
	 * (PostgreSQL; on SQLite, where there is no other site, as yes). */
	if (store_claims_setup(*st, site_binds_all_sites(site), err, sizeof err) != ST_OK) {
		log_warnx("serve: %s", err);
		return -1;
	}
	if (o->always_open) {
		desk_always_open(*desk);
		log_info("serve: --always-open: opening hours are ignored");
	}
	return 0;
}

/* HTTP on --listen, then the "listening on" line the scripts wait for. */
static struct http *
start_http(const struct options *o, const struct site *site, struct api *api, struct bus *bus)
{
	struct http_config cfg;
	struct http *http;
	const char *scheme = site->tls_cert[0] ? "https" : "http";
	char err[512];

	memset(&cfg, 0, sizeof cfg);
	cfg.host = o->host;
	cfg.port = o->port;
	cfg.webdir = o->web;
	cfg.audiodir = o->audio;
	cfg.tls_cert = site->tls_cert;
	cfg.tls_key = site->tls_key;
	cfg.clock = wall_clock;
	cfg.max_connections = o->max_connections;
	cfg.max_per_address = o->max_per_address;
	if ((http = http_start(&cfg, api, bus, err, sizeof err)) == NULL) {
		log_warnx("serve: %s", err);
		return NULL;
	}
	log_info("serve: site '%s' listening on %s://%s:%d", site->id, scheme, o->host,
	    http_port(http));
	printf("listening on %s://%s:%d\n", scheme, o->host, http_port(http));
	fflush(stdout);
	return http;
}

/* The periodic work, until SIGINT or SIGTERM (blocked in sigs). */
static void
serve_until_signal(struct api *api, const sigset_t *sigs)
{
	for (;;) {
		int next = api_tick(api, (int64_t)time(NULL));
		struct timespec ts = { next, 0 };
		int sig = sigtimedwait(sigs, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM) {
			log_info("serve: signal %d: shutting down", sig);
			break;
		}
	}
}

int
cmd_serve(int argc, char **argv)
{
	struct options o;
	char err[512];
	struct store *st = NULL;
	struct desk *desk = NULL;
	struct desk_keys keys;
	struct api *api = NULL;
	struct bus *bus = NULL;
	struct http *http = NULL;
	struct runlock *lock = NULL;
	sigset_t sigs;
	int rc, busy;

	if ((rc = parse_options(&o, argc, argv)) != 0)
		return rc > 0 ? 0 : 2;
	if (mkdir(o.audio, 0750) != 0 && errno != EEXIST) {
		log_warn("serve: cannot create the announcement cache %s", o.audio);
		return 1;
	}
	memset(&keys, 0, sizeof keys);
	rc = 1;
	/* held until exit: `kiosk admin init` refuses to change the site meanwhile */
	if (!store_is_pg(o.db) &&
	    (lock = runlock_take(o.db, RUNLOCK_SERVE, &busy, err, sizeof err)) == NULL) {
		log_warnx("serve: %s", err);
		goto out;
	}
	if (open_desk(&o, &keys, &st, &desk) != 0)
		goto out;

	/* Signals are taken synchronously by this thread only. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	/* the board's spoken call comes from the catalogues; without them it is
	 * French only, which is no reason to keep the queue closed */
	if (i18n_load(o.podir, err, sizeof err) != 0)
		log_warnx("serve: translations: %s: announcements in French only", err);
	bus = bus_new((int64_t)time(NULL) * 1000);
	api = api_new(desk, bus);
	if (bus == NULL || api == NULL) {
		log_warnx("serve: out of memory");
		goto out;
	}
	if ((http = start_http(&o, desk_site(desk), api, bus)) == NULL)
		goto out;
	serve_until_signal(api, &sigs);
	rc = 0;
out:
	if (bus)
		bus_shutdown(bus);
	http_stop(http);
	api_free(api);
	bus_free(bus);
	desk_close(desk);
	store_close(st);
	runlock_release(lock);
	sodium_memzero(&keys, sizeof keys);
	tts_shutdown();
	i18n_free();
	return rc;
}
