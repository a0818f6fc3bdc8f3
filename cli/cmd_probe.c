/* cmd_probe.c: mxpin probe (not yet built). */
#include "cli.h"

int
cmd_probe(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_warnx("probe: not implemented yet");
	return EX_SOFTWARE;
}
