/*
 * slipmake: make keys, signed payloads and QR pictures for tests/it_verify.sh
 * without a server.
 *
 *   slipmake keygen SECRET SITE            write a secret key file (0600)
 *   slipmake pubkey SECRET                 print the public key line
 *   slipmake sign SECRET [FIELD=VALUE...]  print a signed payload; fields:
 *       kind=T|A site= date=YYYYMMDD service= number= time=HHMM device=
 *       serial= reprint= attempt= first=YYYYMMDD weeks=
 *       (site defaults to the key's; the rest to a ticket A042 of 20261127)
 *   slipmake png TEXT OUT.png [MODULE_PX]  render TEXT as a QR code (kiosk/core/qr.h)
 *   slipmake blank OUT.png                 a picture with no QR code
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bitmap.h"
#include "io/pngio.h"
#include "core/qr.h"
#include "core/sign.h"

static int
die(const char *msg)
{
	fprintf(stderr, "slipmake: %s\n", msg);
	return 1;
}

static int
sign(int argc, char **argv)
{
	unsigned char sk[64];
	char err[256], site[SLIP_SITE_MAX + 1], out[SLIP_PAYLOAD_MAX];
	struct slip s;
	int i;

	if (signkey_load_secret(argv[0], sk, site, sizeof site, err, sizeof err) < 0)
		return die(err);
	memset(&s, 0, sizeof s);
	s.version = SLIP_VERSION;
	s.kind = SLIP_TICKET;
	snprintf(s.site, sizeof s.site, "%s", site);
	snprintf(s.date, sizeof s.date, "20261127");
	snprintf(s.service, sizeof s.service, "A");
	s.number = 42;
	snprintf(s.time, sizeof s.time, "0914");
	snprintf(s.device, sizeof s.device, "KIOSK-1");
	s.serial = 1042;
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		const char *v;
		if (eq == NULL)
			return die("fields are FIELD=VALUE");
		*eq = '\0';
		v = eq + 1;
		if (!strcmp(argv[i], "kind")) s.kind = (enum slip_kind)v[0];
		else if (!strcmp(argv[i], "site")) snprintf(s.site, sizeof s.site, "%s", v);
		else if (!strcmp(argv[i], "date")) snprintf(s.date, sizeof s.date, "%s", v);
		else if (!strcmp(argv[i], "service")) snprintf(s.service, sizeof s.service, "%s", v);
		else if (!strcmp(argv[i], "number")) s.number = atoi(v);
		else if (!strcmp(argv[i], "time")) snprintf(s.time, sizeof s.time, "%s", v);
		else if (!strcmp(argv[i], "device")) snprintf(s.device, sizeof s.device, "%s", v);
		else if (!strcmp(argv[i], "serial")) s.serial = strtoull(v, NULL, 10);
		else if (!strcmp(argv[i], "reprint")) s.reprint = atoi(v);
		else if (!strcmp(argv[i], "attempt")) s.attempt = atoi(v);
		else if (!strcmp(argv[i], "first")) snprintf(s.first_date, sizeof s.first_date, "%s", v);
		else if (!strcmp(argv[i], "weeks")) s.weeks = atoi(v);
		else return die("unknown field");
	}
	if (slip_check(&s, err, sizeof err) < 0)
		return die(err);
	if (slip_encode(&s, sk, out, sizeof out) < 0)
		return die("encode failed");
	printf("%s\n", out);
	return 0;
}

int
main(int argc, char **argv)
{
	char err[256], site[SLIP_SITE_MAX + 1], line[SIGNKEY_LINE_MAX];
	unsigned char sk[64];
	struct bitmap *b;

	if (argc >= 4 && !strcmp(argv[1], "keygen")) {
		if (signkey_generate(argv[2], argv[3], err, sizeof err) < 0)
			return die(err);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "pubkey")) {
		if (signkey_load_secret(argv[2], sk, site, sizeof site, err, sizeof err) < 0)
			return die(err);
		if (signkey_format_public(sk + 32, site, line, sizeof line) < 0)
			return die("format failed");
		fputs(line, stdout);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "sign"))
		return sign(argc - 2, argv + 2);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "png")) {
		if ((b = qr_render(argv[2], argc == 5 ? atoi(argv[4]) : 4, err, sizeof err)) == NULL)
			return die(err);
		if (png_write(b, argv[3], err, sizeof err) < 0) {
			bitmap_free(b);
			return die(err);
		}
		bitmap_free(b);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "blank")) {
		struct rect r = { 20, 20, 60, 30 };
		if ((b = bitmap_new(200, 120)) == NULL)
			return die("out of memory");
		bitmap_fill(b, r, 255);   /* some ink, but no code */
		if (png_write(b, argv[2], err, sizeof err) < 0) {
			bitmap_free(b);
			return die(err);
		}
		bitmap_free(b);
		return 0;
	}
	fprintf(stderr, "usage: slipmake keygen SECRET SITE | pubkey SECRET | sign SECRET [F=V...] |"
	    " png TEXT OUT.png [PX] | blank OUT.png\n");
	return 1;
}
