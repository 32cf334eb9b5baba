/* verify: placeholder until its owner lands the real command. */
#include <stdio.h>
#include "cmds.h"
int
cmd_verify(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "kiosk verify: not built yet\n");
	return 1;
}
