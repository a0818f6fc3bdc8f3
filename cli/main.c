/*
 * main.c: mxpin's entry point.  Dispatches to a subcommand from one table;
 * with no subcommand (only options), starts the wizard.
 */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fprint.h"
#include "postfix.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
} commands[] = {
	{ "apply", cmd_apply,
	    "apply [--dry-run] [--no-reload] [--json] [-c DIR] ANSWERS.cfg" },
	{ "fingerprint", cmd_fingerprint,
	    "fingerprint [-c DIR] [--digest md5|sha1|sha256|sha512] [--pubkey] CERTFILE" },
	{ "probe", cmd_probe,
	    "probe [-c DIR] [--digest ALG] [--timeout SECONDS] [--starttls|--tls] HOST[:PORT]" },
	{ "check", cmd_check,
	    "check [-c DIR] [--warn-days N] [--timeout SECONDS]" },
	{ "undo", cmd_undo, "undo [--list] [--no-reload] [-c DIR]" },
};

static void
usage(FILE *fp)
{
	size_t	i;

	fprintf(fp, "usage: mxpin [--dry-run] [--rotate] [--no-reload] "
	    "[-c DIR]\t(the wizard)\n");
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(fp, "       mxpin %s\n", commands[i].usage);
	fprintf(fp, "       mxpin --help | --version\n");
}

void
cli_warnx(const char *fmt, ...)
{
	va_list	ap;

	fputs("mxpin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_fail(int code, char *cause)
{
	if (cause != NULL)
		cli_warnx("%s", cause);
	free(cause);
	return code;
}

int
cli_config_digest(const char *cmd, const char *confdir, enum fp_digest *d)
{
	struct pfx_config	 pc;
	char			*cause = NULL;
	int			 ret = EX_CONFIG;

	if (pfx_load(confdir, &pc, &cause) == -1) {
		cli_warnx("%s: %s", cmd, cause);
		free(cause);
		return ret;
	}
	if (fp_digest_parse(pc.digest, d) == -1)
		cli_warnx("%s: %s: smtp_tls_fingerprint_digest \"%s\" is not "
		    "one of md5, sha1, sha256, sha512", cmd, confdir,
		    pc.digest);
	else
		ret = 0;
	pfx_config_free(&pc);
	return ret;
}

int
main(int argc, char **argv)
{
	size_t	i;

	setlocale(LC_ALL, "");
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("mxpin %s\n", MXPIN_VERSION);
		return 0;
	}
	if (argc >= 2 && argv[1][0] != '-') {
		for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
			if (strcmp(argv[1], commands[i].name) == 0)
				return commands[i].fn(argc - 1, argv + 1);
		cli_warnx("unknown command '%s'", argv[1]);
		usage(stderr);
		return EX_USAGE;
	}
	return cmd_wizard(argc, argv);
}
