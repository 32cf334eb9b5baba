/*
 * verify_draw: `kiosk verify-draw FILE.json|URL`, check a published draw
 * (docs/DRAW.md) with nothing but its JSON: the answer of
 * GET /api/v1/draws/{id} once closed, saved in a file or fetched from the
 * server on the local network. The checking is draw_check() in the pure
 * core; this file reads the file or the URL and prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "client/client.h"
#include "cmd/cmds.h"
#include "core/draw.h"

/* Exit codes: documented in --help and docs/DRAW.md. */
enum { EXIT_OK = 0, EXIT_DIFFERS = 1, EXIT_USAGE = 2 };

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: kiosk verify-draw FILE.json\n"
	    "       kiosk verify-draw http://HOST:PORT/api/v1/draws/ID\n"
	    "\n"
	    "Check a closed draw from its published JSON alone (docs/DRAW.md): that\n"
	    "SHA-256(secret) is the commitment published at the opening, and that\n"
	    "entries_hash, seed and order follow from the secret and the entries.\n"
	    "'-' reads the JSON from standard input.\n"
	    "\n"
	    "Prints OK, or DIFFERS: <where>. Exit status:\n"
	    "  0  the draw checks\n"
	    "  1  it differs (or is not closed, or is not a draw)\n"
	    "  2  usage error, or the file or URL could not be read\n");
}

static char *
read_all(FILE *f)
{
	size_t len = 0, cap = 0, n;
	char *p = NULL, *q;

	do {
		if (cap - len < 4096) {
			if (cap > (64u << 20) || (q = realloc(p, cap = cap * 2 + 8192)) == NULL) {
				free(p);
				return NULL;
			}
			p = q;
		}
		n = fread(p + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(p);
		return NULL;
	}
	p[len] = '\0';
	return p;
}

int
cmd_verify_draw(int argc, char **argv)
{
	char err[400], *json = NULL;
	const char *src;
	int rc;

	if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc == 2 ? stdout : stderr);
		return argc == 2 ? EXIT_OK : EXIT_USAGE;
	}
	src = argv[1];
	if (sodium_init() < 0) {
		fprintf(stderr, "kiosk verify-draw: libsodium cannot start\n");
		return EXIT_USAGE;
	}
	if (!strncmp(src, "http://", 7) || !strncmp(src, "https://", 8)) {
		struct client *c = client_new(src, NULL, err, sizeof err);
		enum client_rc crc;
		if (c == NULL) {
			fprintf(stderr, "kiosk verify-draw: %s\n", err);
			return EXIT_USAGE;
		}
		crc = client_get_json(c, "", &json, err, sizeof err);
		client_free(c);
		if (crc != CLIENT_OK) {
			fprintf(stderr, "kiosk verify-draw: %s: %s\n", src, err);
			return EXIT_USAGE;
		}
	} else {
		FILE *f = strcmp(src, "-") ? fopen(src, "rb") : stdin;
		if (f == NULL) {
			perror(src);
			return EXIT_USAGE;
		}
		json = read_all(f);
		if (f != stdin)
			fclose(f);
		if (json == NULL) {
			fprintf(stderr, "kiosk verify-draw: cannot read %s\n", src);
			return EXIT_USAGE;
		}
	}
	rc = draw_check(json, err, sizeof err);
	free(json);
	if (rc == 0) {
		printf("OK\n");
		return EXIT_OK;
	}
	printf("DIFFERS: %s\n", err);
	return EXIT_DIFFERS;
}
