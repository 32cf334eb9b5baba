/*
 * ticket_cmd: `kiosk ticket`, issue and print one ticket without the
 * touchscreen. Staff use it for a person who cannot use the kiosk; the
 * tests use it to drive the whole paper path (server -> token -> layout ->
 * ESC/POS -> printer -> print report).
 *
 * Everything that could stop the slip from printing for a local reason
 * (bad printer spec, missing font, broken catalogue) is checked BEFORE the
 * server is asked for a number, so a set-up mistake never burns a ticket.
 * The steps after issuing are dispense.c's, the same as the touchscreen's.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/client.h"
#include "cmd/cmds.h"
#include "cmd/dispense.h"
#include "core/i18n.h"
#include "core/log.h"
#include "io/pngio.h"
#include "printer/printer.h"
#include "cmd/serve.h"
#include "core/text.h"

/* Exit codes: distinct for each way it can end (see usage). */
enum {
	EXIT_OK = 0,           /* issued and printed (confirmed or unconfirmed) */
	EXIT_USAGE = 1,        /* usage or local set-up error: nothing was issued */
	EXIT_UNREACHABLE = 2,  /* the server did not answer: nothing was issued */
	EXIT_CLOSED = 3,       /* outside opening hours */
	EXIT_FULL = 4,         /* today's capacity is reached */
	EXIT_REFUSED = 5,      /* refused (bad key, unknown service, reprint limit...) */
	EXIT_UNAVAILABLE = 6,  /* server could not store it (503) or answered nonsense */
	EXIT_NOT_PRINTED = 7,  /* issued, but the slip did not print */
	EXIT_NOT_REPORTED = 8, /* printed, but the server could not be told */
	EXIT_UNCERTAIN = 9,    /* no answer after the retries: a ticket MAY exist; the
	                          request's key lets the desk find it */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: kiosk ticket --server URL --device-key KEY --service CODE [--lang LANG]\n"
	    "                    [--priority] --printer SPEC [--fonts DIR] [--po DIR] [--png OUT.png]\n"
	    "       kiosk ticket --server URL --device-key KEY --reprint ID --printer SPEC [...]\n"
	    "       [--holder DOCUMENT] [--previous PAYLOAD] [--timeout SECONDS] [--cafile FILE]\n"
	    "\n"
	    "Issue one ticket from the queue server and print it, or reprint ticket ID\n"
	    "(same number, marked DUPLICATA). The print outcome is reported to the server.\n"
	    "\n"
	    "  --server URL       the queue server, e.g. http://127.0.0.1:8080\n"
	    "  --device-key KEY   this device's key (kiosk admin device add NAME);\n"
	    "                     default: the environment variable KIOSK_DEVICE_KEY\n"
	    "  --service CODE     the service, e.g. A\n"
	    "  --lang LANG        the applicant's language (default fr): fr, ar, fa-AF, ta, zh, uk...\n"
	    "  --priority         a priority ticket (staff check the card at the counter)\n"
	    "  --holder DOCUMENT  the applicant's document number, for services bound to a holder\n"
	    "  --previous PAYLOAD an earlier attestation de passage, to chain the attempts\n"
	    "  --printer SPEC     file:OUT.bin[?profile=58mm], usb:/dev/usb/lp0, tcp:HOST:9100\n"
	    "                     (profiles: %s)\n"
	    "  --fonts DIR        where the Noto fonts are (default: Debian's places)\n"
	    "  --po DIR           the translation catalogues (default: assets/po)\n"
	    "  --reprint ID       reprint ticket ID instead of issuing a new one\n"
	    "  --png OUT.png      also write the slip as it is sent to the printer\n"
	    "  --timeout SECONDS  wait this long for each answer (default 5, 1 to 60); a\n"
	    "                     request without an answer is sent again with the same\n"
	    "                     request key, up to 3 times, so it is done at most once\n"
	    "  --cafile FILE      trust this CA certificate (PEM) for an https:// server,\n"
	    "                     e.g. its self-signed certificate\n"
	    "\n"
	    "Exit status:\n"
	    "  0  issued and printed          5  refused (key, service, reprint limit)\n"
	    "  1  usage or set-up error       6  server could not store it / bad answer\n"
	    "  2  server unreachable          7  issued but NOT printed: show the number at the desk\n"
	    "  3  closed                      8  printed, but the server could not be told\n"
	    "  4  full for today (an attestation de passage is printed when the server gives one)\n"
	    "  9  no answer after the retries: a ticket MAY exist. The request key is printed;\n"
	    "     the desk finds what became of it (GET /api/v1/requests/KEY)\n",
	    printer_profile_names());
}

static int
exit_for(enum client_rc rc)
{
	switch (rc) {
	case CLIENT_OK:          return EXIT_OK;
	case CLIENT_UNREACHABLE: return EXIT_UNREACHABLE;
	case CLIENT_CLOSED:      return EXIT_CLOSED;
	case CLIENT_FULL:        return EXIT_FULL;
	case CLIENT_LIMIT:       return EXIT_REFUSED;
	case CLIENT_REFUSED:     return EXIT_REFUSED;
	case CLIENT_UNAVAILABLE: return EXIT_UNAVAILABLE;
	case CLIENT_PROTOCOL:    return EXIT_UNAVAILABLE;
	case CLIENT_UNCERTAIN:   return EXIT_UNCERTAIN;
	}
	return EXIT_UNAVAILABLE;
}

/* What a failed request means for the person, after the server's reason. */
static const char *
consequence(enum client_rc rc, int reprint)
{
	switch (rc) {
	case CLIENT_UNREACHABLE:
		return reprint ? "Nothing was reprinted." :
		    "No ticket was issued: check the server and the network.";
	case CLIENT_LIMIT:       return "Nothing was reprinted.";
	case CLIENT_UNAVAILABLE: return "Nothing was issued; retry in a moment.";
	case CLIENT_PROTOCOL:    return "The answer was not understood: ask staff to check the queue.";
	case CLIENT_CLOSED:
	case CLIENT_FULL:
	case CLIENT_REFUSED:
		return reprint ? "Nothing was reprinted." : "No ticket was issued.";
	case CLIENT_UNCERTAIN:   /* said by issue(), with the key */
	case CLIENT_OK:          break;
	}
	return "";
}

/* Parse a positive ticket id. */
static long long
parse_id(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v > 0 ? v : -1;
}

/* The command line. */
struct options {
	const char *server;      /* --server */
	const char *key;         /* --device-key, or KIOSK_DEVICE_KEY */
	const char *service;     /* --service */
	const char *lang;        /* --lang */
	const char *spec;        /* --printer */
	const char *fontdir;     /* --fonts */
	const char *podir;       /* --po, or the default */
	const char *png;         /* --png */
	const char *reprint;     /* --reprint, as given */
	const char *holder;      /* --holder */
	const char *previous;    /* --previous */
	const char *timeout;     /* --timeout, seconds */
	const char *cafile;      /* --cafile */
	int priority;            /* --priority */
	long long reprint_id;    /* --reprint as a number, -1 without */
	char pobuf[PATH_MAX];    /* the default --po */
};

/* Where an option that takes a string goes, or NULL. */
static const char **
string_option(struct options *o, const char *a)
{
	if (!strcmp(a, "--server")) return &o->server;
	if (!strcmp(a, "--device-key")) return &o->key;
	if (!strcmp(a, "--service")) return &o->service;
	if (!strcmp(a, "--lang")) return &o->lang;
	if (!strcmp(a, "--printer")) return &o->spec;
	if (!strcmp(a, "--fonts")) return &o->fontdir;
	if (!strcmp(a, "--po")) return &o->podir;
	if (!strcmp(a, "--png")) return &o->png;
	if (!strcmp(a, "--reprint")) return &o->reprint;
	if (!strcmp(a, "--holder")) return &o->holder;
	if (!strcmp(a, "--previous")) return &o->previous;
	if (!strcmp(a, "--timeout")) return &o->timeout;
	if (!strcmp(a, "--cafile")) return &o->cafile;
	return NULL;
}

/* 0: go on; 1: stop with EXIT_OK (--help); -1: stop with EXIT_USAGE. */
static int
parse_options(struct options *o, int argc, char **argv)
{
	int i;

	memset(o, 0, sizeof *o);
	o->lang = "fr";
	o->reprint_id = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		}
		if (!strcmp(a, "--priority")) {
			o->priority = 1;
			continue;
		}
		if ((dst = string_option(o, a)) == NULL || i + 1 >= argc) {
			fprintf(stderr, "kiosk ticket: %s '%s'\n\n",
			    dst ? "missing value after" : "unknown option", a);
			usage(stderr);
			return -1;
		}
		*dst = argv[++i];
	}
	if (o->key == NULL)
		o->key = getenv("KIOSK_DEVICE_KEY");
	if (o->server == NULL || o->key == NULL || *o->key == '\0' || o->spec == NULL ||
	    (o->service == NULL) == (o->reprint == NULL)) {
		fprintf(stderr, "kiosk ticket: give --server, --device-key, --printer, and "
		    "either --service or --reprint\n\n");
		usage(stderr);
		return -1;
	}
	if (o->reprint && (o->reprint_id = parse_id(o->reprint)) < 0) {
		fprintf(stderr, "kiosk ticket: --reprint needs a ticket id (a number), not '%s'\n",
		    o->reprint);
		return -1;
	}
	if (o->timeout && (parse_id(o->timeout) < 1 || parse_id(o->timeout) > 60)) {
		fprintf(stderr, "kiosk ticket: --timeout needs a number of seconds from 1 to 60, "
		    "not '%s'\n", o->timeout);
		return -1;
	}
	if (o->cafile && access(o->cafile, R_OK) != 0) {
		fprintf(stderr, "kiosk ticket: --cafile %s: %s\n", o->cafile, strerror(errno));
		return -1;
	}
	if (o->podir == NULL) {
		serve_default_dir(argv[0], "po", o->pobuf, sizeof o->pobuf);
		o->podir = o->pobuf;
	}
	return 0;
}

/* What the command opens. */
struct run {
	struct printer *p;       /* the printer */
	struct fonts *f;         /* the slip's fonts */
	struct client *c;        /* the server */
	struct bitmap *b;        /* the slip, once rendered */
};

/* Local set-up first: nothing is issued if the slip cannot be made. 0 or -1. */
static int
open_local(struct run *r, const struct options *o)
{
	char err[512];

	if (i18n_load(o->podir, err, sizeof err) != 0) {
		fprintf(stderr, "kiosk ticket: translations: %s\n", err);
		return -1;
	}
	if ((r->p = printer_open(o->spec, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk ticket: printer: %s\n", err);
		return -1;
	}
	if ((r->f = fonts_open(o->fontdir, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk ticket: fonts: %s\n", err);
		return -1;
	}
	if ((r->c = client_new(o->server, o->key, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk ticket: %s\n", err);
		return -1;
	}
	if (o->cafile)
		client_set_cafile(r->c, o->cafile);
	if (o->timeout)
		client_set_timeouts(r->c, 0, (int)parse_id(o->timeout) * 1000);
	return 0;
}

/*
 * Ask the server for the ticket (or the reprint) and say what came. 0 with
 * t filled and *attestation set (the day is full: its attestation de
 * passage is printed instead), or the exit code of the refusal.
 */
static int
issue(struct run *r, const struct options *o, const struct lang *lang, struct client_ticket *t,
    int *attestation)
{
	char err[512];
	enum client_rc crc;

	if (o->reprint) {
		crc = client_reprint(r->c, o->reprint_id, t, err, sizeof err);
	} else {
		struct client_request rq = { o->service, lang->code, o->priority, o->holder,
		    o->previous };
		crc = client_issue_with(r->c, &rq, t, err, sizeof err);
	}
	*attestation = crc == CLIENT_FULL && !strcmp(t->kind, "attestation");
	if (crc == CLIENT_UNCERTAIN) {
		/* Never "no ticket": the server may have issued one. */
		fprintf(stderr, "kiosk ticket: %s\n", err);
		printf("The server did not answer in time: a %s may exist.\n"
		    "Ask at the desk with this request key: %s\n",
		    o->reprint ? "reprint" : "ticket", client_last_key(r->c));
		fflush(stdout);
		return EXIT_UNCERTAIN;
	}
	if (crc != CLIENT_OK && !*attestation) {
		fprintf(stderr, "kiosk ticket: %s. %s\n", err, consequence(crc, o->reprint != NULL));
		return exit_for(crc);
	}
	if (*attestation) {
		/* Nobody leaves empty-handed: the proof of the visit is printed. */
		printf("%s\n", t->serial);
		printf("id: %lld\n", (long long)t->id);
		printf("kind: attestation de passage (%s)\n", err);
	} else {
		printf("%s\n", t->number);
		printf("id: %lld\n", (long long)t->id);
		if (t->duplicate)
			printf("note: this person already had ticket %s today; it is given again\n",
			    t->number);
		if (t->reprints > 0)
			printf("reprint: DUPLICATA %d\n", t->reprints);
	}
	fflush(stdout);
	return 0;
}

/* Lay the slip out and print it; the outcome is reported to the server. */
static void
print_slip(struct run *r, const struct options *o, const struct client_ticket *t,
    struct dispense_result *res)
{
	struct dispense_slip slip;
	char err[512];

	if (dispense_fill(&slip, t, NULL, err, sizeof err) != 0 ||
	    (r->b = dispense_render(r->p, r->f, &slip.view, err, sizeof err)) == NULL) {
		/* Issued but no slip: record it as not printed, with the reason. */
		memset(res, 0, sizeof *res);
		res->print.outcome = PRINT_FAILED;
		res->print.state = ESCPOS_UNKNOWN;
		snprintf(res->print.reason, sizeof res->print.reason, "slip layout failed: %.160s", err);
		res->report = dispense_report(r->c, t, &res->print, res->report_err,
		    sizeof res->report_err);
		return;
	}
	if (o->png && png_write(r->b, o->png, err, sizeof err) != 0)
		fprintf(stderr, "kiosk ticket: warning: %s\n", err);
	dispense_print(r->p, r->c, t, r->b, res);
}

/* Say how printing went; the exit code. */
static int
outcome(const struct dispense_result *res, const struct client_ticket *t, int attestation)
{
	int rc = EXIT_NOT_PRINTED;

	switch (res->print.outcome) {
	case PRINT_CONFIRMED:
		printf("print: printed (confirmed by the printer)\n");
		rc = EXIT_OK;
		break;
	case PRINT_UNCONFIRMED:
		printf("print: printed, unconfirmed (%s): check the slip\n",
		    res->print.reason[0] ? res->print.reason : "this printer cannot answer");
		printf("If no slip came out, show this number at the reception desk: %s\n",
		    attestation ? t->serial : t->number);
		rc = EXIT_OK;
		break;
	case PRINT_FAILED:
		printf("print: not printed: %s\n",
		    res->print.reason[0] ? res->print.reason : "printer failure");
		printf("Show this number at the reception desk: %s\n",
		    attestation ? t->serial : t->number);
		rc = EXIT_NOT_PRINTED;
		break;
	}
	if (attestation && rc == EXIT_OK)
		rc = EXIT_FULL;
	if (res->report != CLIENT_OK) {
		fprintf(stderr, "kiosk ticket: the server was not told the print outcome (%s): %s\n",
		    client_rc_str(res->report), res->report_err);
		if (rc == EXIT_OK)
			rc = EXIT_NOT_REPORTED;
	}
	return rc;
}

int
cmd_ticket(int argc, char **argv)
{
	struct options o;
	struct run r;
	const struct lang *lang;
	struct client_ticket t;
	struct dispense_result res;
	int attestation, rc;

	if ((rc = parse_options(&o, argc, argv)) != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if ((lang = i18n_lang(o.lang)) == NULL) {
		fprintf(stderr, "kiosk ticket: unknown language '%s'\n", o.lang);
		return EXIT_USAGE;
	}
	memset(&r, 0, sizeof r);
	rc = EXIT_USAGE;
	if (open_local(&r, &o) != 0)
		goto out;
	if ((rc = issue(&r, &o, lang, &t, &attestation)) != 0)
		goto out;
	print_slip(&r, &o, &t, &res);
	rc = outcome(&res, &t, attestation);
out:
	bitmap_free(r.b);
	client_free(r.c);
	fonts_free(r.f);
	printer_close(r.p);
	i18n_free();
	return rc;
}
