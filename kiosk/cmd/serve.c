/*
 * serve: `kiosk serve`, the queue server. It owns the database, loads the
 * signing key, starts HTTP, and then waits for signals with a deadline for
 * the periodic work (end of day). It is the only place in the server that
 * reads the clock.
 */
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
	    "\n"
	    "  --db FILE          the queue database (create it with 'kiosk admin --db FILE init')\n"
	    "  --listen ADDR:PORT address to bind (default 127.0.0.1:8080; port 0 = any free port)\n"
	    "  --key FILE         the site's secret signing key (default: FILE.key next to the db)\n"
	    "  --web DIR          the web pages (default: assets/web, or the installed copy)\n"
	    "  --audio-cache DIR  where spoken announcements are cached (default: FILE.audio/)\n"
	    "  --po DIR           translations of the spoken announcements (default: assets/po)\n"
	    "  --always-open      ignore opening hours (demonstrations only)\n");
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

int
cmd_serve(int argc, char **argv)
{
	const char *db = NULL, *listen = "127.0.0.1:8080", *keyfile = NULL, *web = NULL, *audio = NULL;
	const char *podir = NULL;
	char keybuf[PATH_MAX], webbuf[PATH_MAX], audiobuf[PATH_MAX], pobuf[PATH_MAX], host[64];
	char err[512];
	struct store *st = NULL;
	struct desk *desk = NULL;
	const struct site *site;
	struct desk_keys keys;
	struct api *api = NULL;
	struct bus *bus = NULL;
	struct http *http = NULL;
	struct http_config cfg;
	sigset_t sigs;
	int i, port, always_open = 0, rc = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--always-open")) {
			always_open = 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--db")) {
			db = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--listen")) {
			listen = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--key")) {
			keyfile = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--web")) {
			web = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--audio-cache")) {
			audio = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--po")) {
			podir = argv[++i];
		} else {
			fprintf(stderr, "kiosk serve: unknown or incomplete option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (db == NULL) {
		usage(stderr);
		return 2;
	}
	{
		const char *colon = strrchr(listen, ':');
		char *end;
		long p;
		if (colon == NULL || (size_t)(colon - listen) >= sizeof host ||
		    (p = strtol(colon + 1, &end, 10), *end != '\0') || p < 0 || p > 65535 ||
		    colon == listen) {
			fprintf(stderr, "kiosk serve: --listen wants ADDR:PORT, e.g. 127.0.0.1:8080\n");
			return 2;
		}
		memcpy(host, listen, (size_t)(colon - listen));
		host[colon - listen] = '\0';
		if (host[0] == '[' && host[strlen(host) - 1] == ']') {
			memmove(host, host + 1, strlen(host));
			host[strlen(host) - 1] = '\0';
		}
		port = (int)p;
	}
	if (keyfile == NULL) {
		snprintf(keybuf, sizeof keybuf, "%s.key", db);
		keyfile = keybuf;
	}
	if (web == NULL) {
		serve_default_dir(argv[0], "web", webbuf, sizeof webbuf);
		web = webbuf;
	}
	if (audio == NULL) {
		snprintf(audiobuf, sizeof audiobuf, "%s.audio", db);
		audio = audiobuf;
	}
	if (mkdir(audio, 0750) != 0 && errno != EEXIST) {
		log_warn("serve: cannot create the announcement cache %s", audio);
		return 1;
	}

	memset(&keys, 0, sizeof keys);
	if (signkey_load_secret(keyfile, keys.sk, keys.site_id, sizeof keys.site_id, err,
	    sizeof err) != 0) {
		log_warnx("serve: no usable signing key: %s", err);
		log_warnx("serve: create one with: kiosk admin --db %s keygen", db);
		return 1;
	}
	crypto_sign_ed25519_sk_to_pk(keys.pk, keys.sk);
	if ((st = store_open(db, err, sizeof err)) == NULL ||
	    (desk = desk_open(st, &keys, err, sizeof err)) == NULL) {
		log_warnx("serve: %s", err);
		goto out;
	}
	if ((site = desk_site(desk)) == NULL) {
		log_warnx("serve: the database has no site yet: run "
		    "'kiosk admin --db %s init --site SITE.ini'", db);
		goto out;
	}
	if (strcasecmp(keys.site_id, site->id) != 0) {
		log_warnx("serve: the key %s belongs to site '%s', the database to '%s'", keyfile,
		    keys.site_id, site->id);
		goto out;
	}
	setenv("TZ", site->tz, 1);
	tzset();
	if (always_open) {
		desk_always_open(desk);
		log_info("serve: --always-open: opening hours are ignored");
	}

	/* Signals are taken synchronously by this thread only. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	if (podir == NULL) {
		serve_default_dir(argv[0], "po", pobuf, sizeof pobuf);
		podir = pobuf;
	}
	/* the board's spoken call comes from the catalogues; without them it is
	 * French only, which is no reason to keep the queue closed */
	if (i18n_load(podir, err, sizeof err) != 0)
		log_warnx("serve: translations: %s: announcements in French only", err);
	bus = bus_new((int64_t)time(NULL) * 1000);
	api = api_new(desk, bus);
	if (bus == NULL || api == NULL) {
		log_warnx("serve: out of memory");
		goto out;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.host = host;
	cfg.port = port;
	cfg.webdir = web;
	cfg.audiodir = audio;
	cfg.tls_cert = site->tls_cert;
	cfg.tls_key = site->tls_key;
	cfg.clock = wall_clock;
	if ((http = http_start(&cfg, api, bus, err, sizeof err)) == NULL) {
		log_warnx("serve: %s", err);
		goto out;
	}
	log_info("serve: site '%s' listening on %s://%s:%d", site->id, site->tls_cert[0] ? "https" :
	    "http", host, http_port(http));
	printf("listening on %s://%s:%d\n", site->tls_cert[0] ? "https" : "http", host, http_port(http));
	fflush(stdout);

	for (;;) {
		int next = api_tick(api, (int64_t)time(NULL));
		struct timespec ts = { next, 0 };
		int sig = sigtimedwait(&sigs, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM) {
			log_info("serve: signal %d: shutting down", sig);
			break;
		}
	}
	rc = 0;
out:
	if (bus)
		bus_shutdown(bus);
	http_stop(http);
	api_free(api);
	bus_free(bus);
	desk_close(desk);
	store_close(st);
	sodium_memzero(&keys, sizeof keys);
	tts_shutdown();
	i18n_free();
	return rc;
}
