/*
 * cmds: the subcommands of build/kiosk. Each lives in its own file and
 * returns the process exit code. main.c only dispatches.
 */
#ifndef KIOSK_CMDS_H
#define KIOSK_CMDS_H

int cmd_serve(int argc, char **argv);   /* serve.c: the queue server */
int cmd_admin(int argc, char **argv);   /* admin.c: set-up and reports */
int cmd_verify(int argc, char **argv);  /* verify.c: check a slip offline */
int cmd_verify_draw(int argc, char **argv); /* verify_draw.c: check a published draw */
int cmd_ticket(int argc, char **argv);  /* ticket_cmd.c: issue + print one ticket */
int cmd_touch(int argc, char **argv);   /* touch.c: the touchscreen kiosk */

#endif
