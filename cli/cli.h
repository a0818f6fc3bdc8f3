/*
 * cli.h: the command-line front end.  Each subcommand is one function
 * taking the arguments after its name (argv[0] is the subcommand) and
 * returning a sysexits(3) code; main.c dispatches from one table.
 */
#ifndef MXPIN_CLI_H
#define MXPIN_CLI_H

#include <sysexits.h>

#include "util.h"

int	cmd_apply(int argc, char **argv);
int	cmd_fingerprint(int argc, char **argv);
int	cmd_probe(int argc, char **argv);
int	cmd_check(int argc, char **argv);
int	cmd_undo(int argc, char **argv);
/* No subcommand: the wizard (tui/). */
int	cmd_wizard(int argc, char **argv);

/* "mxpin: MESSAGE" on stderr. */
void	cli_warnx(const char *fmt, ...) MXPIN_PRINTF(1, 2);
/* Prints cause (if any) as "mxpin: CAUSE", frees it, returns code. */
int	cli_fail(int code, char *cause);

/*
 * The digest in force in confdir (smtp_tls_fingerprint_digest, expanded).
 * 0 with *d set, or EX_CONFIG after saying why ("CMD: ...").
 */
enum fp_digest;
int	cli_config_digest(const char *cmd, const char *confdir,
	    enum fp_digest *d);

#endif
