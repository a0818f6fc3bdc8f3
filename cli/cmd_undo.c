/*
 * cmd_undo.c: mxpin undo [--list] [--no-reload] [-c DIR]
 *
 * Restores the files of the last apply from its backups, byte for byte,
 * rebuilds their tables and reloads; --list shows the backups kept.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "cli.h"
#include "postfix.h"

static void
progress(void *arg, const char *step, enum apply_state s, const char *detail)
{
	(void)arg;
	if (s == APPLY_START || s == APPLY_PROGRESS)
		return;
	printf("  %-4s %-9s %s\n", s == APPLY_OK ? "ok" : s == APPLY_FAIL ?
	    "FAIL" : "--", step, detail != NULL ? detail : "");
}

int
cmd_undo(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "no-reload", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct apply_progress	 prog = { progress, NULL };
	struct apply_opts	 opts = { 0, &prog };
	char			*confdir = NULL, *cause = NULL, *what = NULL;
	char			*bdir = NULL, **v, *files;
	int			 ch, list = 0, code = 0, lockfd = -1, *undone;
	size_t			 i;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:lh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			free(confdir);
			confdir = path_absolute(optarg);
			break;
		case 'l':
			list = 1;
			break;
		case 'R':
			opts.no_reload = 1;
			break;
		case 'h':
			printf("usage: mxpin undo [--list] [--no-reload] "
			    "[-c DIR]\n");
			goto out;
		default:
			code = EX_USAGE;
			goto out;
		}
	}
	if (optind != argc) {
		cli_warnx("usage: mxpin undo [--list] [--no-reload] [-c DIR]");
		code = EX_USAGE;
		goto out;
	}
	if (confdir == NULL)
		confdir = pfx_default_confdir();
	if (list) {
		/* "No backups" only when there are none, not when they
		   cannot be read (mxpin.bak is 0700). */
		char *top = xasprintf("%s/%s", confdir, APPLY_BACKUPS);

		if (access(top, R_OK | X_OK) == -1 && errno != ENOENT) {
			code = cli_fail(errno == EACCES ? EX_NOPERM : EX_IOERR,
			    xasprintf("%s: %s", top, strerror(errno)));
			free(top);
			goto out;
		}
		free(top);
		v = apply_backups(confdir, &undone);
		if (v[0] == NULL)
			printf("mxpin: no backups in %s/%s\n", confdir,
			    APPLY_BACKUPS);
		for (i = 0; v[i] != NULL; i++) {
			printf("%s%s%s\n", v[i], undone[i] ? "  (undone)" : "",
			    i == 0 && !undone[i] ? "  <- mxpin undo restores "
			    "this one" : "");
			files = apply_backup_files(v[i]);
			if (*files != '\0') {
				char *line, *save = NULL;

				for (line = strtok_r(files, "\n", &save);
				    line != NULL;
				    line = strtok_r(NULL, "\n", &save))
					printf("    %s\n", line);
			}
			free(files);
		}
		free(undone);
		strv_free(v);
		goto out;
	}
	if (geteuid() != 0) {
		cli_warnx("undo changes Postfix's configuration and needs root; "
		    "nothing was written");
		code = EX_NOPERM;
		goto out;
	}
	if ((lockfd = apply_lock(confdir, 5000, &code, &cause)) == -1) {
		code = cli_fail(code, cause);
		goto out;
	}
	code = 0;
	switch (apply_recover(confdir, &what, &cause)) {
	case -1:
		code = cli_fail(EX_SOFTWARE, cause);
		goto out;
	case 1:
		cli_warnx("%s", what);
		break;
	}
	if ((code = apply_undo(confdir, &opts, &bdir, &cause)) != 0) {
		code = cli_fail(code, cause);
		goto out;
	}
	printf("mxpin: undone: the files are as they were before the apply "
	    "of %s\n", bdir);
out:
	if (lockfd != -1)
		close(lockfd);
	free(confdir);
	free(what);
	free(bdir);
	return code;
}
