/* serve: placeholder until its owner lands the real command. */
#include <stdio.h>
#include "cmds.h"
int
cmd_serve(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "kiosk serve: not built yet\n");
	return 1;
}
