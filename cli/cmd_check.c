/* cmd_check.c: mxpin check (not yet built). */
#include "cli.h"

int
cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_warnx("check: not implemented yet");
	return EX_SOFTWARE;
}
