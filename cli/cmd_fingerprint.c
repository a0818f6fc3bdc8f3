/* cmd_fingerprint.c: mxpin fingerprint (not yet built). */
#include "cli.h"

int
cmd_fingerprint(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_warnx("fingerprint: not implemented yet");
	return EX_SOFTWARE;
}
