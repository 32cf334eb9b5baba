/*
 * verify: `kiosk verify`, check a slip offline with nothing but the site's
 * published public key (docs/VERIFY.md). Reads the payload a scanner typed,
 * or decodes the QR code in a PNG scan or a JPEG photo with zbar.
 *
 * Platform module: the only file that includes zbar.h. The checking itself
 * is slip_verify() in the pure core (sign.c); this file reads files, the
 * clock (for the default day) and prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zbar.h>

#include "core/bitmap.h"
#include "cmd/cmds.h"
#include "cmd/serve.h"
#include "io/jpegio.h"
#include "io/pngio.h"
#include "core/sign.h"

/* Exit codes: a public contract, documented in --help and docs/VERIFY.md. */
enum {
	EXIT_VALID = 0,
	EXIT_USAGE = 1,        /* usage, unreadable file, bad key file */
	EXIT_FORGED = 2,       /* bad signature */
	EXIT_OTHER_SITE = 3,
	EXIT_OTHER_DAY = 4,
	EXIT_UNKNOWN = 5,      /* unknown format */
	EXIT_NO_QR = 6,        /* no QR code found in the image */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: kiosk verify --pubkey KEYFILE [--today YYYYMMDD | --any-day] PAYLOAD\n"
	    "       kiosk verify --pubkey KEYFILE [--today YYYYMMDD | --any-day] --image FILE\n"
	    "\n"
	    "Check offline that a slip (ticket or attestation de passage) was signed by\n"
	    "the site whose public key is in KEYFILE (the line 'kiosk admin pubkey'\n"
	    "prints: kiosk-pubkey v1 SITE HEX). PAYLOAD is the text a QR scanner types;\n"
	    "'-' reads it from standard input. --image decodes the QR code in a PNG\n"
	    "or JPEG picture (a scan, or a phone's photo, even taken at an angle).\n"
	    "\n"
	    "  --pubkey KEYFILE   the site's public key (required)\n"
	    "  --image FILE       read the QR code from a PNG or JPEG picture instead\n"
	    "  --today YYYYMMDD   the day a ticket must be for (default: today on the site's\n"
	    "                     clock when KEYFILE has its '# timezone' line, else local)\n"
	    "  --any-day          do not check the day (e.g. a ticket kept as evidence)\n"
	    "Attestations prove a past visit: their day is shown, never checked.\n"
	    "\n"
	    "Prints VALID or INVALID: <reason>, then the slip's fields. Exit status:\n"
	    "  0  valid\n"
	    "  1  usage error, or a file could not be read\n"
	    "  2  bad signature: altered, forged, or not signed with this key\n"
	    "  3  issued by another site (check it with that site's key)\n"
	    "  4  a genuine ticket, but for another day\n"
	    "  5  unknown format: not a slip this program can read\n"
	    "  6  no QR code found in the image\n");
}

/* Read a small text file into buf. 0, or -1 with a message printed. */
static int
read_small(const char *path, char *buf, size_t buflen)
{
	FILE *f;
	size_t n;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "kiosk verify: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, buflen - 1, f);
	buf[n] = '\0';
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "kiosk verify: %s: %s\n", path,
		    ferror(f) ? "read error" : "too big for a key file");
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* A picture: PNG or JPEG, told apart by their first bytes, not the name. */
static struct bitmap *
read_picture(const char *path, char *err, size_t errlen)
{
	if (jpeg_sniff(path))
		return jpeg_read(path, err, errlen);
	return png_read(path, err, errlen);
}

/*
 * One zbar pass over a grey picture (0 = black, as zbar's Y800 wants).
 * 0 found (into out), 1 none, -1 zbar error.
 */
static int
zbar_pass(const unsigned char *grey, int w, int h, char *out, size_t outlen)
{
	zbar_image_scanner_t *sc;
	zbar_image_t *img;
	const zbar_symbol_t *sym;
	int rc = -1;

	sc = zbar_image_scanner_create();
	img = zbar_image_create();
	if (sc == NULL || img == NULL)
		goto out;
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)w, (unsigned)h);
	zbar_image_set_data(img, grey, (unsigned long)w * (unsigned long)h, NULL);
	if (zbar_scan_image(sc, img) < 0)
		goto out;
	rc = 1;
	for (sym = zbar_image_first_symbol(img); sym; sym = zbar_symbol_next(sym)) {
		const char *data = zbar_symbol_get_data(sym);
		unsigned int len = zbar_symbol_get_data_length(sym);
		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE || data == NULL)
			continue;
		if (len >= outlen)
			len = (unsigned int)outlen - 1;   /* overlong: the checker says why */
		memcpy(out, data, len);
		out[len] = '\0';
		rc = 0;
		break;
	}
out:
	if (img)
		zbar_image_destroy(img);
	if (sc)
		zbar_image_scanner_destroy(sc);
	return rc;
}

/* The picture shrunk by an integer factor f (mean of each f x f block):
 * a phone photo's QR modules are many pixels wide, and its sensor noise and
 * JPEG blocks confuse zbar's edge finder at full size. NULL on OOM. */
static unsigned char *
shrink(const unsigned char *g, int w, int h, int f, int *nw, int *nh)
{
	unsigned char *o;
	int x, y, i, j;

	*nw = w / f;
	*nh = h / f;
	if (*nw < 1 || *nh < 1 || (o = malloc((size_t)*nw * (size_t)*nh)) == NULL)
		return NULL;
	for (y = 0; y < *nh; y++)
		for (x = 0; x < *nw; x++) {
			unsigned long sum = 0;
			for (j = 0; j < f; j++)
				for (i = 0; i < f; i++)
					sum += g[(size_t)(y * f + j) * (size_t)w + (size_t)(x * f + i)];
			o[(size_t)y * (size_t)*nw + (size_t)x] = (unsigned char)(sum / ((unsigned long)f * (unsigned long)f));
		}
	return o;
}

/* Black and white in place, at the mean between the darkest and lightest
 * tenth (a photo's paper is grey, and its ink is not black). */
static void
binarize(unsigned char *g, size_t n)
{
	unsigned long hist[256] = {0}, acc = 0;
	int lo = 0, hi = 255, t;
	size_t i;

	for (i = 0; i < n; i++)
		hist[g[i]]++;
	for (lo = 0; lo < 255 && (acc += hist[lo]) < n / 10; lo++)
		;
	for (acc = 0, hi = 255; hi > 0 && (acc += hist[hi]) < n / 10; hi--)
		;
	t = (lo + hi) / 2;
	for (i = 0; i < n; i++)
		g[i] = g[i] <= t ? 0 : 255;
}

/*
 * Decode the first QR code in a PNG or JPEG into out. 0 found, 1 none
 * found, -1 error (message printed).
 *
 * A scan is read at once. A photo taken at an angle may need more: zbar's
 * QR reader finds the code at any rotation and under a mild perspective,
 * but not always at a phone's full resolution, nor through uneven light.
 * So the picture is tried as it is, then shrunk by 2, 3 and 4, each plain
 * and made black and white: at most 7 passes, each bounded by the picture.
 */
static int
scan_image(const char *path, char *out, size_t outlen)
{
	static const int factors[] = { 1, 2, 3, 4 };
	char err[256];
	struct bitmap *b;
	unsigned char *grey = NULL, *small;
	size_t i, npx;
	int rc = -1, f, pass, sw, sh;

	if ((b = read_picture(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk verify: %s\n", err);
		return -1;
	}
	npx = (size_t)b->w * (size_t)b->h;
	if ((grey = malloc(npx ? npx : 1)) == NULL) {
		fprintf(stderr, "kiosk verify: out of memory\n");
		goto out;
	}
	/* bitmap: 0 = paper, 255 = ink; zbar's Y800: 0 = black. */
	for (i = 0; i < npx; i++)
		grey[i] = (unsigned char)(255 - b->px[i]);
	for (f = 0; f < (int)(sizeof factors / sizeof factors[0]); f++) {
		if (factors[f] == 1) {
			sw = b->w;
			sh = b->h;
			small = grey;
		} else if ((small = shrink(grey, b->w, b->h, factors[f], &sw, &sh)) == NULL) {
			break;   /* too small to shrink further, or OOM: nothing more to try */
		}
		/* Pass 0: as it is; pass 1: black and white (not at the original
		 * size, whose pixels are grey's own: a clean scan was read already). */
		for (pass = 0; pass < (factors[f] == 1 ? 1 : 2); pass++) {
			if (pass == 1)
				binarize(small, (size_t)sw * (size_t)sh);
			if ((rc = zbar_pass(small, sw, sh, out, outlen)) != 1)
				break;
		}
		if (small != grey)
			free(small);
		if (rc != 1)
			break;
	}
	if (rc < 0)
		fprintf(stderr, "kiosk verify: %s: zbar could not scan the image\n", path);
out:
	free(grey);
	bitmap_free(b);
	return rc;
}

static void
print_date(const char *label, const char *d)
{
	printf("  %-10s %.4s-%.2s-%.2s\n", label, d, d + 4, d + 6);
}

static void
print_fields(const struct slip *s, int trusted)
{
	if (!trusted)
		printf("What the slip claims (NOT proven genuine):\n");
	printf("  %-10s %s\n", "kind:", s->kind == SLIP_TICKET ? "ticket" : "attestation de passage (proof of visit)");
	printf("  %-10s %s\n", "site:", s->site);
	print_date("date:", s->date);
	printf("  %-10s %.2s:%.2s\n", "time:", s->time, s->time + 2);
	printf("  %-10s %s\n", "service:", s->service);
	if (s->kind == SLIP_TICKET || s->number)
		printf("  %-10s %s%03d\n", "number:", s->service, s->number);
	printf("  %-10s %s\n", "device:", s->device);
	printf("  %-10s %llu\n", "serial:", (unsigned long long)s->serial);
	if (s->reprint)
		printf("  %-10s duplicate no. %d (DUPLICATA)\n", "copy:", s->reprint);
	else
		printf("  %-10s original\n", "copy:");
	if (s->kind == SLIP_ATTESTATION)
		printf("  %-10s attempt %d; first attempt on %.4s-%.2s-%.2s; attempts in %d different week%s\n",
		    "chain:", s->attempt, s->first_date, s->first_date + 4, s->first_date + 6,
		    s->weeks, s->weeks == 1 ? "" : "s");
}

static int
valid_day(const char *d)
{
	return slip_iso_week(d, NULL, NULL) == 0;
}

/* The command line. */
struct options {
	const char *keyfile;     /* --pubkey */
	const char *image;       /* --image */
	const char *payload;     /* the payload, "-" for standard input */
	const char *today;       /* --today */
	int any_day;             /* --any-day */
};

/* 0: go on; 1: stop with EXIT_VALID (--help); -1: stop with EXIT_USAGE. */
static int
parse_options(struct options *o, int argc, char **argv)
{
	int i;

	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "--pubkey") && i + 1 < argc) {
			o->keyfile = argv[++i];
		} else if (!strcmp(a, "--image") && i + 1 < argc) {
			o->image = argv[++i];
		} else if (!strcmp(a, "--today") && i + 1 < argc) {
			o->today = argv[++i];
		} else if (!strcmp(a, "--any-day")) {
			o->any_day = 1;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "kiosk verify: unknown or incomplete option '%s'\n\n", a);
			usage(stderr);
			return -1;
		} else if (o->payload == NULL) {
			o->payload = a;
		} else {
			fprintf(stderr, "kiosk verify: one payload at a time\n");
			return -1;
		}
	}
	if (o->keyfile == NULL || (o->image == NULL) == (o->payload == NULL) ||
	    (o->today && o->any_day)) {
		fprintf(stderr, "kiosk verify: give --pubkey, and either a PAYLOAD or --image "
		    "(and not both --today and --any-day)\n\n");
		usage(stderr);
		return -1;
	}
	if (o->today && !valid_day(o->today)) {
		fprintf(stderr, "kiosk verify: --today %s is not a YYYYMMDD date\n", o->today);
		return -1;
	}
	return 0;
}

/* The payload to check into buf: decoded from --image, read from standard
 * input for "-", else the argument (o->payload then points at it). 0, or
 * the exit code. */
static int
read_payload(struct options *o, char *buf, size_t len)
{
	int rc;

	if (o->image) {
		if ((rc = scan_image(o->image, buf, len)) < 0)
			return EXIT_USAGE;
		if (rc > 0) {
			printf("INVALID: no QR code found in %s\n", o->image);
			return EXIT_NO_QR;
		}
		o->payload = buf;
	} else if (!strcmp(o->payload, "-")) {
		if (fgets(buf, (int)len, stdin) == NULL) {
			fprintf(stderr, "kiosk verify: nothing on standard input\n");
			return EXIT_USAGE;
		}
		o->payload = buf;
	}
	return 0;
}

/* The site's time zone from the key file's "# timezone ZONE" line (what
 * `kiosk admin pubkey` prints above the key), into tz; "" when none. */
static void
key_zone(const char *keytext, char *tz, size_t len)
{
	const char *p = keytext, *e;
	int n;

	tz[0] = '\0';
	for (; *p; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (strncmp(p, "# timezone ", 11) != 0)
			continue;
		p += 11;
		n = (int)strcspn(p, " \t\r\n");
		if (n > 0 && (size_t)n < len)
			snprintf(tz, len, "%.*s", n, p);
		return;
	}
}

/* Today's local date as YYYYMMDD into day[16]: on the site's clock when the
 * key file names its zone, else on this machine's. 0 or -1. Only
 * command-level code reads the clock. */
static int
local_today(const char *keytext, char *day, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	char tz[72];

	key_zone(keytext, tz, sizeof tz);
	if (tz[0] && serve_use_zone(tz) < 0)
		fprintf(stderr, "kiosk verify: the key's time zone '%s' is not installed here: "
		    "today is this machine's date (give --today to be sure)\n", tz);

	if (localtime_r(&now, &tm) == NULL || strftime(day, len, "%Y%m%d", &tm) != 8) {
		fprintf(stderr, "kiosk verify: cannot read the local date; give --today\n");
		return -1;
	}
	return 0;
}

/* Say what the verdict means, with the fields; the exit code. site: the
 * key's site; today: the day checked (NULL: any). */
static int
report(enum slip_verdict v, struct slip *s, const char *payload, const char *site,
    const char *today)
{
	char err[256];

	switch (v) {
	case SLIP_VALID:
		printf("VALID\n");
		print_fields(s, 1);
		if (s->kind == SLIP_TICKET && today == NULL)
			printf("(day not checked)\n");
		return EXIT_VALID;
	case SLIP_BAD_SIGNATURE:
		printf("INVALID: bad signature: the slip was altered or forged, "
		    "or it was not signed with the key of site %s\n", site);
		print_fields(s, 0);
		return EXIT_FORGED;
	case SLIP_OTHER_SITE:
		printf("INVALID: another site: the slip names site %s, but the key is site %s's; "
		    "check it with the public key of %s\n", s->site, site, s->site);
		print_fields(s, 0);
		return EXIT_OTHER_SITE;
	case SLIP_OTHER_DAY:
		printf("INVALID: another day: a genuine ticket for %.4s-%.2s-%.2s, "
		    "checked for %.4s-%.2s-%.2s\n", s->date, s->date + 4, s->date + 6,
		    today, today + 4, today + 6);
		print_fields(s, 1);
		return EXIT_OTHER_DAY;
	case SLIP_UNKNOWN_FORMAT:
		slip_decode(payload, s, err, sizeof err);
		printf("INVALID: unknown format: %s\n", err);
		return EXIT_UNKNOWN;
	}
	return EXIT_USAGE;
}

int
cmd_verify(int argc, char **argv)
{
	struct options o;
	char keytext[4096], site[SLIP_SITE_MAX + 1], err[256], day[16], payload[1024];
	unsigned char pk[32];
	struct slip s;
	int rc;

	if ((rc = parse_options(&o, argc, argv)) != 0)
		return rc > 0 ? EXIT_VALID : EXIT_USAGE;
	if (read_small(o.keyfile, keytext, sizeof keytext) < 0)
		return EXIT_USAGE;
	if (signkey_parse_public(keytext, pk, site, sizeof site, err, sizeof err) < 0) {
		fprintf(stderr, "kiosk verify: %s: %s\n", o.keyfile, err);
		return EXIT_USAGE;
	}
	if ((rc = read_payload(&o, payload, sizeof payload)) != 0)
		return rc;
	if (o.today == NULL && !o.any_day) {
		if (local_today(keytext, day, sizeof day) != 0)
			return EXIT_USAGE;
		o.today = day;
	}
	return report(slip_verify(o.payload, pk, site, o.any_day ? NULL : o.today, &s), &s,
	    o.payload, site, o.any_day ? NULL : o.today);
}
