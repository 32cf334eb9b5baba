/*
 * main: build/kiosk dispatches to its subcommands (see cmds.h).
 * Only main-level code reads the clock and the environment; modules take
 * `now` and their configuration as parameters.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmds.h"
#include "core/log.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} cmds[] = {
	{ "serve",  cmd_serve,  "run the queue server (HTTP API, console, board)" },
	{ "admin",  cmd_admin,  "set up sites, accounts, keys; reports and backups" },
	{ "verify", cmd_verify, "check a slip's signature offline" },
	{ "verify-draw", cmd_verify_draw, "check a published draw (docs/DRAW.md)" },
	{ "ticket", cmd_ticket, "issue and print one ticket without the touchscreen" },
	{ "touch",  cmd_touch,  "run the touchscreen kiosk" },
};

static void
usage(FILE *f)
{
	size_t i;
	fprintf(f, "usage: kiosk COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(f, "  %-11s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\nRun 'kiosk COMMAND --help' for a command's options.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	/* A printer or client that goes away is an error to report, not a
	 * reason to die: writes return EPIPE instead. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strcmp(argv[1], cmds[i].name) == 0) {
			log_init(cmds[i].name, 0);
			return cmds[i].fn(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "kiosk: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
