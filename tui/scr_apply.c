/*
 * scr_apply.c: step 6.  Takes the lock, finishes an interrupted apply,
 * rebuilds the plan under the lock (refusing when the config changed
 * since the review) and carries it out with apply_plan(), showing each
 * step (backup, write, postmap, verify, reload; rollback on failure) as
 * the core reports it through its progress callback.  In a dry run it
 * writes nothing: it offers to save the answers for mxpin apply.
 */
#include "scr_apply.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "wizard.h"

struct event {
	char			*step;
	char			*detail;
	enum apply_state	 st;
};

static struct event	*ev;
static size_t		 nev;
static char		*error;
static char		*note;
static struct field	 save;
static int		 save_inited;
static struct wiz	*cur;

static void
clear_events(void)
{
	size_t	i;

	for (i = 0; i < nev; i++) {
		free(ev[i].step);
		free(ev[i].detail);
	}
	free(ev);
	ev = NULL;
	nev = 0;
	free(error);
	error = NULL;
	free(note);
	note = NULL;
}

void
scr_apply_free(void)
{
	clear_events();
	if (save_inited)
		field_free(&save);
	save_inited = 0;
}

static void
event(const char *step, enum apply_state st, const char *detail)
{
	size_t	i;

	if (st == APPLY_PROGRESS)
		return;
	/* An outcome updates the line its start opened. */
	for (i = nev; i-- > 0;) {
		if (strcmp(ev[i].step, step) == 0 &&
		    ev[i].st == APPLY_START && (detail == NULL ||
		    ev[i].detail == NULL || strcmp(ev[i].detail, detail) == 0 ||
		    st != APPLY_OK)) {
			ev[i].st = st;
			if (detail != NULL) {
				free(ev[i].detail);
				ev[i].detail = xstrdup(detail);
			}
			return;
		}
	}
	ev = xreallocarray(ev, nev + 1, sizeof *ev);
	ev[nev].step = xstrdup(step);
	ev[nev].detail = detail != NULL ? xstrdup(detail) : NULL;
	ev[nev].st = st;
	nev++;
}

static void
progress(void *arg, const char *step, enum apply_state st,
    const char *detail)
{
	struct wiz	*w = arg;

	event(step, st, detail);
	wiz_redraw(w);
}

static void
run(struct wiz *w)
{
	struct answers		 a;
	struct apply_progress	 prog = { progress, w };
	struct apply_opts	 opts = { w->no_reload, &prog };
	struct plan		*p = NULL;
	char			*cause = NULL, *what = NULL;
	int			 lockfd, code;

	answers_init(&a);
	wiz_answers(w, &a);
	event("lock", APPLY_START, w->confdir);
	wiz_redraw(w);
	if ((lockfd = apply_lock(w->confdir, 5000, &code, &cause)) == -1) {
		event("lock", APPLY_FAIL, NULL);
		error = cause;
		w->code = code;
		goto out;
	}
	event("lock", APPLY_OK, NULL);
	switch (apply_recover(w->confdir, &what, &cause)) {
	case -1:
		error = cause;
		w->code = EX_SOFTWARE;
		goto out;
	case 1:
		note = what;
		what = NULL;
		break;
	}
	if (plan_build(&a, &w->pc, NULL, &p, &cause) == -1) {
		error = cause;
		w->code = EX_DATAERR;
		goto out;
	}
	if (w->plan == NULL || !plan_same(p, w->plan)) {
		error = xstrdup("the configuration changed since the review; "
		    "nothing was written: go back (Esc) and review again");
		w->code = EX_TEMPFAIL;
		goto out;
	}
	/* A transaction is not cut in half by a signal: it is kept and
	   acted on once apply_plan() returns. */
	draw_block_signals(1);
	code = apply_plan(p, &a, &opts, &w->res, &cause);
	draw_block_signals(0);
	flushinp();	/* keys typed meanwhile were not meant for the result */
	if (code != 0) {
		error = cause;
		w->code = code;
		goto out;
	}
	w->applied = 1;
	w->dirty = 0;
	w->code = 0;
	plan_free(w->plan);
	w->plan = p;
	p = NULL;
	free(w->final);
	w->final = xasprintf("mxpin: applied: %zu file%s changed; backups in "
	    "%s", plan_nchanged(w->plan), plan_nchanged(w->plan) == 1 ? "" :
	    "s", w->res.backup_dir);
out:
	if (lockfd != -1)
		close(lockfd);
	plan_free(p);
	free(what);
	answers_free(&a);
}

void
scr_apply_enter(struct wiz *w)
{
	char	*cwd, *path;

	cur = w;
	clear_events();
	if (w->dry_run) {
		if (!save_inited) {
			cwd = getcwd(NULL, 0);
			path = xasprintf("%s/mxpin-answers.cfg",
			    cwd != NULL ? cwd : "/tmp");
			field_init(&save, path);
			save_inited = 1;
			free(cwd);
			free(path);
		}
		return;
	}
	if (w->applied)
		return;
	run(w);
}

void
scr_apply_draw(struct wiz *w)
{
	const struct area	*a = &w->a;
	int			 y = a->y, cy = -1, cx = -1;
	size_t			 i;
	static const char *const mark[] = { [APPLY_START] = "..",
	    [APPLY_OK] = "ok", [APPLY_FAIL] = "FAIL", [APPLY_SKIP] = "--",
	    [APPLY_PROGRESS] = ".." };
	static const enum role mrole[] = { [APPLY_START] = R_DIM,
	    [APPLY_OK] = R_GOOD, [APPLY_FAIL] = R_ERR, [APPLY_SKIP] = R_DIM,
	    [APPLY_PROGRESS] = R_DIM };

	if (w->dry_run) {
		y += draw_wrap(y, a->x, a->w, 2, 0, R_TITLE, "Dry run: nothing "
		    "was written.") + 1;
		y += draw_wrap(y, a->x, a->w, 3, 0, R_NORMAL, "Save these "
		    "answers to a file, and apply them later with mxpin apply "
		    "(the same plan, the same files).  Empty the field to quit "
		    "without saving.") + 1;
		draw_str(y, a->x, 9, R_NORMAL, "Save to");
		field_draw(&save, y, a->x + 9, a->w - 9, 1, &cy, &cx);
		y += 2;
		if (error != NULL)
			draw_wrap(y, a->x, a->w, a->y + a->h - y, 0, R_ERR,
			    error);
		wiz_cursor(w, cy, cx);
		return;
	}
	y += draw_wrap(y, a->x, a->w, 1, 0, R_TITLE, w->applied ? "Applied." :
	    error != NULL ? "Apply failed." : "Applying ...") + 1;
	if (note != NULL)
		y += draw_wrap(y, a->x, a->w, 2, 0, R_WARN, note);
	for (i = 0; i < nev && y < a->y + a->h; i++) {
		draw_str(y, a->x, 5, mrole[ev[i].st], mark[ev[i].st]);
		draw_str(y, a->x + 5, 10, R_NORMAL, ev[i].step);
		y += draw_wrap(y, a->x + 15, a->w - 15, a->y + a->h - y, 0,
		    ev[i].st == APPLY_FAIL ? R_ERR : R_NORMAL,
		    ev[i].detail != NULL ? ev[i].detail : "");
	}
	y++;
	if (error != NULL && y < a->y + a->h)
		draw_wrap(y, a->x, a->w, a->y + a->h - y, 0, R_ERR, error);
}

int
scr_apply_key(struct wiz *w, int k)
{
	struct answers	 a;
	char		*cause = NULL;
	int		 changed;

	if (w->dry_run) {
		if (k == K_ENTER) {
			free(error);
			error = NULL;
			if (field_empty(&save)) {
				free(w->final);
				w->final = xstrdup("mxpin: dry run; nothing was "
				    "written");
				w->code = 0;
				w->quit = 1;
				return 1;
			}
			answers_init(&a);
			wiz_answers(w, &a);
			if (answers_save(&a, field_text(&save), &cause) == -1)
				error = cause;
			else {
				free(w->final);
				w->final = xasprintf("mxpin: dry run; nothing "
				    "was written; answers saved to %s\napply "
				    "them with: mxpin apply -c %s %s",
				    field_text(&save), w->confdir,
				    field_text(&save));
				w->dirty = 0;
				w->code = 0;
				w->quit = 1;
			}
			answers_free(&a);
			return 1;
		}
		if (field_key(&save, k, &changed)) {
			free(error);
			error = NULL;
			return 1;
		}
		return 0;
	}
	if (k == K_ENTER && w->applied) {
		wiz_next(w);
		return 1;
	}
	if (k == K_ENTER)
		return 1;
	if (w->applied && k == K_ESC)
		return 1;
	return 0;
}

void
scr_apply_help(struct wiz *w, struct buf *out)
{
	buf_printf(out, "Step 6: apply.\n\n%s\n", w->dry_run ? "A dry run "
	    "writes nothing.  Type where to save the answers (a libconfig "
	    "file mxpin apply reads) and press Enter; empty the field (Ctrl-U) "
	    "and press Enter to quit without saving." : "mxpin takes "
	    "DIR/mxpin.lock, backs up every file it changes to "
	    "DIR/mxpin.bak/, writes each file beside the old one and builds "
	    "its table from that copy, renames everything into place (main.cf "
	    "last), checks with postconf -n and postmap -q that the exact "
	    "next-hop finds the fingerprint policy, and reloads Postfix when "
	    "it runs.  Any failure restores the backups.");
}

const char *
scr_apply_footer(struct wiz *w)
{
	if (w->dry_run)
		return "Enter save and quit   Ctrl-U clear   Esc back   F1 help";
	if (w->applied)
		return "Enter done   F1 help";
	return "Esc back to the review   F1 help   F10 quit";
}
