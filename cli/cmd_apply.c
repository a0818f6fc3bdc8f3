/*
 * cmd_apply.c: mxpin apply [--dry-run] [--no-reload] [--json] [-c DIR]
 * ANSWERS.cfg
 *
 * The non-interactive front end: answers file -> plan -> (preview |
 * transaction).  The wizard builds the same plan with the same calls.
 *
 * By default it reports as text: progress and the summary on stdout, notes,
 * warnings and errors on stderr.  With --json stdout holds exactly one JSON
 * object, whatever happens after the command line is parsed (see
 * json_report() for its fields); notes and warnings go into it only, and
 * stderr carries nothing but the error line the text mode prints, for the
 * human reading a log.  A usage error (64) is plain text on stderr with
 * nothing on stdout, as without --json: the command line that would ask for
 * JSON is itself what is wrong (and --json may not even have been read).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answers.h"
#include "apply.h"
#include "cli.h"
#include "json.h"
#include "plan.h"
#include "postfix.h"

/*
 * What a --json run collects beside the plan: the steps apply reported
 * (three parallel lists, one entry per step; an empty detail is none) and
 * the run's own warnings and notes.
 */
struct report {
	struct strlist	 step;
	struct strlist	 state;
	struct strlist	 detail;
	struct strlist	 warnings;
	struct strlist	 notes;
};

static void
report_init(struct report *r)
{
	strlist_init(&r->step);
	strlist_init(&r->state);
	strlist_init(&r->detail);
	strlist_init(&r->warnings);
	strlist_init(&r->notes);
}

static void
report_free(struct report *r)
{
	strlist_free(&r->step);
	strlist_free(&r->state);
	strlist_free(&r->detail);
	strlist_free(&r->warnings);
	strlist_free(&r->notes);
}

static void
add(struct strlist *l, const char *s)
{
	strlist_add(l, s, strlen(s), 0);
}

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

/* The --json counterpart of progress(): records the same steps. */
static void
progress_json(void *arg, const char *step, enum apply_state s,
    const char *detail)
{
	static const char *const state[] = {
		[APPLY_START] = NULL, [APPLY_OK] = "ok", [APPLY_FAIL] = "fail",
		[APPLY_SKIP] = "skip", [APPLY_PROGRESS] = NULL,
	};
	struct report	*r = arg;

	if (state[s] == NULL)
		return;
	add(&r->step, step);
	add(&r->state, state[s]);
	add(&r->detail, detail != NULL ? detail : "");
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

/* Plan commands read "postmap ...", "postconf ...", "postfix ... reload". */
static int
is_reload(const char *cmd)
{
	return strncmp(cmd, "postfix ", 8) == 0 && strstr(cmd, " reload") !=
	    NULL;
}

static void
json_strings(struct json *j, const char *key, const struct strlist *a,
    const struct strlist *b)
{
	size_t	i;

	json_key(j, key);
	json_array_begin(j);
	for (i = 0; a != NULL && i < a->n; i++)
		json_string(j, strlist_get(a, i));
	for (i = 0; b != NULL && i < b->n; i++)
		json_string(j, strlist_get(b, i));
	json_array_end(j);
}

static void
json_string_or_null(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s != NULL)
		json_string(j, s);
	else
		json_null(j);
}

/*
 * Writes the --json document of a run to stdout.  p is the plan (NULL when
 * the run failed before it was built), res the result of apply_plan()
 * (NULL unless it succeeded), code and cause the failure (0 and NULL when
 * there is none).  Every key is always present:
 *
 *   changed    the run changed a file (--dry-run: would change); false on
 *              failure
 *   dry_run    --dry-run was given
 *   domain, nexthop, digest     from the plan, or null
 *   files      [{path, diff, added, removed}] for each file changed (or,
 *              with --dry-run, that would change): unified diff text and
 *              its line counts; [] when nothing changed or on failure
 *   pins       the pins in force for the next-hop after the run, oldest
 *              first (--dry-run: that would be; on failure: in force now)
 *   warnings, notes             the plan's and the run's, as strings
 *   commands   what ran (--dry-run: what would run); [] on failure
 *   steps      [{step, state: "ok"|"fail"|"skip", detail}] as apply
 *              reported them (the text mode's progress lines)
 *   backup     the backup directory of this apply, or null
 *   reloaded   Postfix was reloaded
 *   error      null, or {message, code} with code the exit status
 *
 * Returns code, or EX_SOFTWARE / EX_IOERR (with a message on stderr) when
 * the document cannot be built or written.
 */
static int
json_report(const struct report *r, const struct plan *p, int dry,
    const struct apply_result *res, int code, const char *cause)
{
	struct json	 j;
	struct buf	 out, d;
	struct diff_stat st;
	const char	*c;
	size_t		 i;
	int		 changed;

	buf_init(&out);
	buf_init(&d);
	changed = code == 0 && p != NULL && plan_nchanged(p) > 0;

	json_init(&j, &out);
	json_object_begin(&j);
	json_key(&j, "changed");
	json_bool(&j, changed);
	json_key(&j, "dry_run");
	json_bool(&j, dry);
	json_string_or_null(&j, "domain", p != NULL ? p->domain : NULL);
	json_string_or_null(&j, "nexthop", p != NULL ? p->nexthop : NULL);
	json_string_or_null(&j, "digest", p != NULL ? p->digest : NULL);

	json_key(&j, "files");
	json_array_begin(&j);
	for (i = 0; changed && i < PLAN_NFILES; i++) {
		if (!p->files[i].changed)
			continue;
		buf_reset(&d);
		memset(&st, 0, sizeof st);
		plan_diff(p, i, &d, &st);
		json_object_begin(&j);
		json_key(&j, "path");
		json_string(&j, p->files[i].path);
		json_key(&j, "diff");
		json_stringn(&j, d.len > 0 ? d.data : "", d.len);
		json_key(&j, "added");
		json_uint(&j, st.added);
		json_key(&j, "removed");
		json_uint(&j, st.removed);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_strings(&j, "pins", p == NULL ? NULL : code == 0 ? &p->pins :
	    &p->old_pins, NULL);
	json_strings(&j, "warnings", p != NULL ? &p->warnings : NULL,
	    &r->warnings);
	json_strings(&j, "notes", p != NULL ? &p->notes : NULL, &r->notes);

	json_key(&j, "commands");
	json_array_begin(&j);
	for (i = 0; code == 0 && p != NULL && i < p->commands.n; i++) {
		c = strlist_get(&p->commands, i);
		if (!dry && is_reload(c) && (res == NULL || !res->reloaded))
			continue;
		json_string(&j, c);
	}
	json_array_end(&j);

	json_key(&j, "steps");
	json_array_begin(&j);
	for (i = 0; i < r->step.n; i++) {
		json_object_begin(&j);
		json_key(&j, "step");
		json_string(&j, strlist_get(&r->step, i));
		json_key(&j, "state");
		json_string(&j, strlist_get(&r->state, i));
		c = strlist_get(&r->detail, i);
		json_string_or_null(&j, "detail", *c != '\0' ? c : NULL);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_string_or_null(&j, "backup", res != NULL ? res->backup_dir :
	    NULL);
	json_key(&j, "reloaded");
	json_bool(&j, res != NULL && res->reloaded);

	json_key(&j, "error");
	if (code != 0) {
		json_object_begin(&j);
		json_key(&j, "message");
		json_string(&j, cause != NULL ? cause : "failed");
		json_key(&j, "code");
		json_int(&j, code);
		json_object_end(&j);
	} else
		json_null(&j);
	json_object_end(&j);

	if (json_finish(&j) == -1) {
		cli_warnx("apply: internal error: malformed JSON report");
		code = EX_SOFTWARE;
		goto out;
	}
	buf_addch(&out, '\n');
	if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) == EOF) {
		cli_warnx("apply: cannot write the JSON report");
		if (code == 0)
			code = EX_IOERR;
	}
out:
	buf_free(&out);
	buf_free(&d);
	return code;
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
	static const char usage[] = "usage: mxpin apply [--dry-run] "
	    "[--no-reload] [--json] [-c DIR] ANSWERS.cfg";
	struct answers		 a;
	struct pfx_config	 pc;
	struct plan		*p = NULL;
	struct apply_result	 res;
	struct report		 rep;
	struct apply_progress	 prog = { progress, NULL };
	struct apply_opts	 opts = { 0, &prog };
	struct buf		 d;
	char			*confdir = NULL, *cause = NULL, *what = NULL;
	int			 ch, dry = 0, json = 0, code = 0, lockfd = -1;
	int			 have_pc = 0, have_res = 0, parsed = 0;
	size_t			 i;

	answers_init(&a);
	report_init(&rep);
	buf_init(&d);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:nh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			free(confdir);
			confdir = path_absolute(optarg);
			break;
		case 'n':
			dry = 1;
			break;
		case 'R':
			opts.no_reload = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("%s\n", usage);
			goto out;
		default:
			code = EX_USAGE;
			goto out;
		}
	}
	if (argc - optind != 1) {
		cli_warnx("%s", usage);
		code = EX_USAGE;
		goto out;
	}
	/* From here on every outcome is reported in the chosen format. */
	parsed = 1;
	if (json) {
		prog.step = progress_json;
		prog.arg = &rep;
	}
	if (confdir == NULL)
		confdir = pfx_default_confdir();

	if (answers_load(argv[optind], &a, &code, &cause) == -1)
		goto out;
	code = 0;
	if (!dry) {
		if (geteuid() != 0) {
			cause = xstrdup("apply changes Postfix's configuration "
			    "and needs root; nothing was written (preview with "
			    "--dry-run)");
			code = EX_NOPERM;
			goto out;
		}
		if ((lockfd = apply_lock(confdir, 5000, &code, &cause)) == -1)
			goto out;
		code = 0;
		switch (apply_recover(confdir, &what, &cause)) {
		case -1:
			code = EX_SOFTWARE;
			goto out;
		case 1:
			if (json)
				add(&rep.warnings, what);
			else
				cli_warnx("%s", what);
			break;
		}
	}
	if (pfx_load(confdir, &pc, &cause) == -1) {
		code = EX_CONFIG;
		goto out;
	}
	have_pc = 1;
	if (plan_build(&a, &pc, NULL, &p, &cause) == -1) {
		code = EX_DATAERR;
		goto out;
	}
	if (!json) {
		print_list("mxpin: note: ", &p->notes, stderr);
		print_list("mxpin: warning: ", &p->warnings, stderr);
	}
	if (plan_nchanged(p) == 0) {
		if (!json)
			printf("mxpin: no changes\n");
		goto out;
	}
	if (dry) {
		if (json)
			goto out;
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
	have_res = 1;
	if ((code = apply_plan(p, &a, &opts, &res, &cause)) != 0)
		goto out;
	if (json) {
		if (res.reload_note != NULL)
			add(&rep.notes, res.reload_note);
		goto out;
	}
	if (res.reload_note != NULL)
		cli_warnx("%s", res.reload_note);
	printf("mxpin: applied: %zu file%s changed; backups in %s\n",
	    plan_nchanged(p), plan_nchanged(p) == 1 ? "" : "s",
	    res.backup_dir);
	print_pins(p);
out:
	if (parsed && json)
		code = json_report(&rep, p, dry, have_res && code == 0 ? &res :
		    NULL, code, cause);
	if (cause != NULL)
		cli_warnx("%s", cause);
	if (lockfd != -1)
		close(lockfd);
	if (have_res)
		apply_result_free(&res);
	plan_free(p);
	if (have_pc)
		pfx_config_free(&pc);
	answers_free(&a);
	report_free(&rep);
	buf_free(&d);
	free(confdir);
	free(cause);
	free(what);
	return code;
}
