/*
 * scr_review.c: step 5, what will change.  Builds the plan from the
 * answers with plan_build() (the call mxpin apply makes) and shows the
 * unified diff of main.cf and of every table, coloured, scrollable, one
 * tab per file with its counts; then the commands that will run, the
 * warnings and the notes.  Only the visible lines are drawn.
 */
#include "scr_review.h"

#include <stdlib.h>
#include <string.h>

#include "wizard.h"

static struct buf	 doc;		/* the whole text */
static size_t		*line;		/* offset of each line in doc */
static size_t		 nlines, cap;
static size_t		 filestart[PLAN_NFILES];
static struct diff_stat	 stats[PLAN_NFILES];
static int		 hasfile[PLAN_NFILES];
static size_t		 tail;		/* first line after the diffs */
static size_t		 top;
static int		 rows;
static char		*error;

void
scr_review_free(void)
{
	buf_free(&doc);
	free(line);
	line = NULL;
	nlines = cap = 0;
	free(error);
	error = NULL;
}

static void
index_lines(size_t from)
{
	size_t	i;

	for (i = from; i < doc.len; i++) {
		if (i == from || doc.data[i - 1] == '\n') {
			if (nlines == cap) {
				cap = cap == 0 ? 1024 : cap * 2;
				line = xreallocarray(line, cap, sizeof *line);
			}
			line[nlines++] = i;
		}
	}
}

static void
add_text(const char *head, const char *s)
{
	size_t	from = doc.len;

	buf_addstr(&doc, head);
	buf_addstr(&doc, s);
	buf_addch(&doc, '\n');
	index_lines(from);
}

void
scr_review_enter(struct wiz *w)
{
	struct answers	 a;
	char		*cause = NULL;
	size_t		 i, from;

	scr_review_free();
	buf_init(&doc);
	top = 0;
	memset(hasfile, 0, sizeof hasfile);
	memset(stats, 0, sizeof stats);
	plan_free(w->plan);
	w->plan = NULL;
	answers_init(&a);
	wiz_answers(w, &a);
	if (plan_build(&a, &w->pc, NULL, &w->plan, &cause) == -1) {
		error = cause;
		answers_free(&a);
		return;
	}
	answers_free(&a);
	for (i = 0; i < PLAN_NFILES; i++) {
		if (!w->plan->files[i].changed)
			continue;
		from = doc.len;
		filestart[i] = nlines;
		hasfile[i] = 1;
		plan_diff(w->plan, (enum plan_slot)i, &doc, &stats[i]);
		index_lines(from);
	}
	tail = nlines;
	if (plan_nchanged(w->plan) > 0) {
		add_text("", "Then:");
		for (i = 0; i < w->plan->commands.n; i++)
			add_text("  ", strlist_get(&w->plan->commands, i));
	}
	for (i = 0; i < w->plan->warnings.n; i++)
		add_text("Warning: ", strlist_get(&w->plan->warnings, i));
	for (i = 0; i < w->plan->notes.n; i++)
		add_text("Note: ", strlist_get(&w->plan->notes, i));
}

static enum role
line_role(size_t i, const char *s)
{
	if (i >= tail) {
		if (strncmp(s, "Warning:", 8) == 0)
			return R_WARN;
		if (strncmp(s, "Note:", 5) == 0)
			return R_DIM;
		if (strncmp(s, "Then:", 5) == 0)
			return R_TITLE;
		return R_NORMAL;
	}
	if (strncmp(s, "+++", 3) == 0 || strncmp(s, "---", 3) == 0)
		return R_TITLE;
	switch (s[0]) {
	case '+':
		return R_ADD;
	case '-':
		return R_DEL;
	case '@':
		return R_HUNK;
	}
	return R_NORMAL;
}

/* Line l of the document with tabs expanded to 8-column stops.  Caller
   frees. */
static char *
get_line(size_t l)
{
	const char	*p = doc.data + line[l];
	size_t		 n = strcspn(p, "\n"), i, col = 0;
	struct buf	 b;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (p[i] == '\t') {
			do
				buf_addch(&b, ' ');
			while (++col % 8 != 0);
			continue;
		}
		buf_addch(&b, p[i]);
		if (((unsigned char)p[i] & 0xc0) != 0x80)
			col++;
	}
	return buf_detach(&b, NULL);
}

/* Rows line l takes at width w. */
static int
rows_of(size_t l, int w)
{
	char	*s = get_line(l);
	int	 r = draw_wrap(0, 0, w, 0, 2, R_NORMAL, s);

	free(s);
	return r;
}

static int	 view_w;	/* width of the last draw */

/* The file the line at the top of the view belongs to. */
static int
file_at(size_t l)
{
	int	i, f = -1;

	for (i = 0; i < PLAN_NFILES; i++)
		if (hasfile[i] && filestart[i] <= l && l < tail)
			f = i;
	return f;
}

static char *
tab_label(struct wiz *w, int i, int shorter)
{
	const char	*l = w->plan->files[i].label;
	int		 n = (int)strcspn(l, ".");

	if (shorter && n > 9)
		n = 9;
	return xasprintf(" %.*s%s +%zu%s%.0zu ", shorter ? n : (int)strlen(l),
	    l, shorter && n < (int)strlen(l) ? "~" : "", stats[i].added,
	    stats[i].removed > 0 ? " -" : "", stats[i].removed);
}

void
scr_review_draw(struct wiz *w)
{
	const struct area	*a = &w->a;
	int			 y = a->y, x = a->x, i, cur, ybot;
	int			 short_names;
	size_t			 l;
	char			*s;

	if (error != NULL) {
		y += draw_wrap(y, a->x, a->w, 1, 0, R_TITLE, "The plan cannot be "
		    "built from these answers:") + 1;
		draw_wrap(y, a->x, a->w, a->h - 3, 0, R_ERR, error);
		return;
	}
	if (w->plan == NULL)
		return;
	if (plan_nchanged(w->plan) == 0) {
		y += draw_wrap(y, a->x, a->w, 2, 0, R_GOOD, "No changes: the "
		    "configuration in force already says all of this.") + 1;
		for (l = 0; l < nlines && y < a->y + a->h; l++) {
			s = get_line(l);
			y += draw_wrap(y, a->x, a->w, a->y + a->h - y, 2,
			    line_role(l, s), s);
			free(s);
		}
		return;
	}
	/* Tabs: full names when they fit, else short ones but the
	   current. */
	cur = file_at(top);
	view_w = a->w;
	for (short_names = 0; short_names < 2; short_names++) {
		int need = 0;

		for (i = 0; i < PLAN_NFILES; i++) {
			if (!hasfile[i])
				continue;
			s = tab_label(w, i, short_names && i != cur);
			need += draw_width(s) + 1;
			free(s);
		}
		if (need <= a->w)
			break;
	}
	for (i = 0; i < PLAN_NFILES && x < a->x + a->w; i++) {
		if (!hasfile[i])
			continue;
		s = tab_label(w, i, short_names && i != cur);
		x += draw_str(y, x, a->x + a->w - x, i == cur ? R_SEL :
		    R_NORMAL, s);
		x += draw_str(y, x, a->x + a->w - x, R_DIM, "|");
		free(s);
	}
	y++;
	ybot = a->y + a->h - 1;
	rows = ybot - y;
	if (top >= nlines)
		top = nlines > 0 ? nlines - 1 : 0;
	for (l = top; l < nlines && y < ybot; l++) {
		s = get_line(l);
		y += draw_wrap(y, a->x, a->w, ybot - y, 2, line_role(l, s), s);
		free(s);
	}
	draw_fmt(ybot, a->x, a->w, w->plan->warnings.n > 0 ? R_WARN : R_DIM,
	    "%zu file%s; %zu warning%s, %zu note%s, commands: End  %zu/%zu",
	    plan_nchanged(w->plan), plan_nchanged(w->plan) == 1 ? "" : "s",
	    w->plan->warnings.n,
	    w->plan->warnings.n == 1 ? "" : "s", w->plan->notes.n,
	    w->plan->notes.n == 1 ? "" : "s", top + 1, nlines);
}

int
scr_review_key(struct wiz *w, int k)
{
	size_t	page = rows > 1 ? (size_t)rows - 1 : 1;
	int	i, f, used;

	switch (k) {
	case K_ENTER:
		if (error != NULL || w->plan == NULL)
			return 1;
		if (plan_nchanged(w->plan) == 0) {
			free(w->final);
			w->final = xstrdup("mxpin: no changes");
			w->code = 0;
			w->quit = 1;
			return 1;
		}
		wiz_next(w);
		return 1;
	case KEYF(KEY_UP):
		if (top > 0)
			top--;
		return 1;
	case KEYF(KEY_DOWN):
		if (top + 1 < nlines)
			top++;
		return 1;
	case KEYF(KEY_PPAGE):
		top = top > page ? top - page : 0;
		return 1;
	case KEYF(KEY_NPAGE):
	case ' ':
		top = top + page < nlines ? top + page : top;
		return 1;
	case KEYF(KEY_HOME):
		top = 0;
		return 1;
	case KEYF(KEY_END):
		/* The last screenful, wrapped lines counted as they show. */
		used = 0;
		for (top = nlines; top > 0; top--) {
			used += rows_of(top - 1, view_w);
			if (used > rows)
				break;
		}
		return 1;
	case 'n':
	case K_TAB:
		f = file_at(top);
		for (i = f + 1; i < PLAN_NFILES; i++)
			if (hasfile[i]) {
				top = filestart[i];
				return 1;
			}
		top = tail < nlines ? tail : 0;
		if (f == -1 || top == 0) {
			for (i = 0; i < PLAN_NFILES; i++)
				if (hasfile[i]) {
					top = filestart[i];
					break;
				}
		}
		return 1;
	}
	return 0;
}

void
scr_review_help(struct wiz *w, struct buf *out)
{
	(void)w;
	buf_addstr(out, "Step 5: the review.\n\nThe unified diff of main.cf "
	    "and of every table mxpin would write (+ added, - removed), then "
	    "the commands apply runs (postmap of each changed table, a check "
	    "that postmap -q of the exact next-hop finds the fingerprint "
	    "policy, postconf -n, postfix reload), then warnings and notes.\n"
	    "Up/Down scroll a line, PgUp/PgDn a page, Home/End the ends, n "
	    "(or Tab) the next file.  Enter applies (in a dry run: offers to "
	    "save the answers); Esc goes back to change an answer.\n");
}

const char *
scr_review_footer(struct wiz *w)
{
	if (error != NULL)
		return "Esc back to fix   F1 help   F10 quit";
	if (w->plan != NULL && plan_nchanged(w->plan) == 0)
		return "Enter quit (nothing to do)   Esc back   F1 help";
	return w->dry_run ? "Enter next (dry run)  PgUp/PgDn scroll  n next "
	    "file  Esc back  F1 help" : "Enter apply   PgUp/PgDn scroll   n "
	    "next file   Esc back   F1 help";
}
