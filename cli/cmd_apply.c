/*
 * cmd_apply.c: mxpin apply [--dry-run] [--no-reload] [-c DIR] ANSWERS.cfg
 *
 * The non-interactive front end: answers file -> plan -> (preview |
 * transaction).  The wizard builds the same plan with the same calls.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answers.h"
#include "apply.h"
#include "cli.h"
#include "plan.h"
#include "postfix.h"

static void
progress(void *arg, const char *step, enum apply_state s, const char *detail)
{
	static const char *const mark[] = {
		[APPLY_START] = NULL, [APPLY_OK] = "ok", [APPLY_FAIL] = "FAIL",
		[APPLY_SKIP] = "--", [APPLY_PROGRESS] = NULL,
	};

	(void)arg;
	if (mark[s] == NULL)
		return;
	printf("  %-4s %-9s %s\n", mark[s], step, detail != NULL ? detail : "");
	fflush(stdout);
}

static void
print_list(const char *head, const struct strlist *l, FILE *fp)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		fprintf(fp, "%s%s\n", head, strlist_get(l, i));
}

static void
print_pins(const struct plan *p)
{
	size_t	i;

	printf("mxpin: pins in force for %s (%s, %s %s):\n", p->domain,
	    p->nexthop, p->digest, p->pin == PIN_PUBKEY ? "public key" :
	    "certificate");
	for (i = 0; i < p->pins.n; i++)
		printf("  match=%s%s\n", strlist_get(&p->pins, i),
		    strcmp(strlist_get(&p->pins, i), p->new_pin) == 0 ?
		    "  (new)" : "");
}

int
cmd_apply(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "no-reload", no_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct answers		 a;
	struct pfx_config	 pc;
	struct plan		*p = NULL;
	struct apply_result	 res;
	struct apply_progress	 prog = { progress, NULL };
	struct apply_opts	 opts = { 0, &prog };
	struct buf		 d;
	char			*confdir = NULL, *cause = NULL, *what = NULL;
	int			 ch, dry = 0, code = 0, lockfd = -1, have_pc = 0;
	size_t			 i;

	answers_init(&a);
	buf_init(&d);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:nh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			free(confdir);
			confdir = xstrdup(optarg);
			break;
		case 'n':
			dry = 1;
			break;
		case 'R':
			opts.no_reload = 1;
			break;
		case 'j':
			cli_warnx("apply: --json is not available yet");
			code = EX_USAGE;
			goto out;
		case 'h':
			printf("usage: mxpin apply [--dry-run] [--no-reload] "
			    "[-c DIR] ANSWERS.cfg\n");
			goto out;
		default:
			code = EX_USAGE;
			goto out;
		}
	}
	if (argc - optind != 1) {
		cli_warnx("usage: mxpin apply [--dry-run] [--no-reload] "
		    "[-c DIR] ANSWERS.cfg");
		code = EX_USAGE;
		goto out;
	}
	if (confdir == NULL)
		confdir = pfx_default_confdir();

	if (answers_load(argv[optind], &a, &code, &cause) == -1) {
		code = cli_fail(code, cause);
		goto out;
	}
	code = 0;
	if (!dry) {
		if (geteuid() != 0) {
			cli_warnx("apply changes Postfix's configuration and "
			    "needs root; nothing was written (preview with "
			    "--dry-run)");
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
	}
	if (pfx_load(confdir, &pc, &cause) == -1) {
		code = cli_fail(EX_CONFIG, cause);
		goto out;
	}
	have_pc = 1;
	if (plan_build(&a, &pc, NULL, &p, &cause) == -1) {
		code = cli_fail(EX_DATAERR, cause);
		goto out;
	}
	print_list("mxpin: note: ", &p->notes, stderr);
	print_list("mxpin: warning: ", &p->warnings, stderr);
	if (plan_nchanged(p) == 0) {
		printf("mxpin: no changes\n");
		goto out;
	}
	if (dry) {
		for (i = 0; i < PLAN_NFILES; i++) {
			if (!p->files[i].changed)
				continue;
			buf_reset(&d);
			plan_diff(p, i, &d, NULL);
			fwrite(d.data, 1, d.len, stdout);
		}
		printf("# commands that would run:\n");
		print_list("#   ", &p->commands, stdout);
		printf("mxpin: dry run, would change %zu files\n",
		    plan_nchanged(p));
		goto out;
	}
	code = apply_plan(p, &a, &opts, &res, &cause);
	if (code != 0) {
		code = cli_fail(code, cause);
		goto out;
	}
	if (res.reload_note != NULL)
		cli_warnx("%s", res.reload_note);
	printf("mxpin: applied: %zu file%s changed; backups in %s\n",
	    plan_nchanged(p), plan_nchanged(p) == 1 ? "" : "s",
	    res.backup_dir);
	print_pins(p);
	apply_result_free(&res);
out:
	if (lockfd != -1)
		close(lockfd);
	plan_free(p);
	if (have_pc)
		pfx_config_free(&pc);
	answers_free(&a);
	buf_free(&d);
	free(confdir);
	free(what);
	return code;
}
