/* cmd_undo.c: mxpin undo (not yet built). */
#include "cli.h"

int
cmd_undo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_warnx("undo: not implemented yet");
	return EX_SOFTWARE;
}
