/* wizard.c: the ncurses wizard (not yet built). */
#include "../cli/cli.h"

int
cmd_wizard(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_warnx("the wizard is not built yet: use mxpin apply");
	return EX_SOFTWARE;
}
