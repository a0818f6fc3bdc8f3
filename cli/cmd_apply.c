/* cmd_apply.c: mxpin apply (not yet built). */
#include "cli.h"

int
cmd_apply(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_warnx("apply: not implemented yet");
	return EX_SOFTWARE;
}
