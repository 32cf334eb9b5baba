/* ticket_cmd: placeholder until its owner lands the real command. */
#include <stdio.h>
#include "cmds.h"
int
cmd_ticket(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "kiosk ticket: not built yet\n");
	return 1;
}
