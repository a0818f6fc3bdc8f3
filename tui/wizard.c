/*
 * wizard.c: mxpin with no subcommand.  The state machine and the frame:
 * one table of screens (each an X_draw()/X_key() pair over struct wiz),
 * the header (config dir, Postfix version, mode), the step bar, the
 * footer naming the keys that work, F1 help, F10/Ctrl-Q quit.  The
 * answers become a struct answers and go through plan_build() and
 * apply_plan() exactly as mxpin apply sends an answers file.
 */
#include "wizard.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "current.h"
#include "scr_apply.h"
#include "scr_cert.h"
#include "scr_domain.h"
#include "scr_done.h"
#include "scr_primary.h"
#include "scr_recipients.h"
#include "scr_review.h"
#include "validate.h"

static const struct screen {
	const char	*name;
	void		(*enter)(struct wiz *);
	void		(*draw)(struct wiz *);
	int		(*key)(struct wiz *, int);
	void		(*help)(struct wiz *, struct buf *);
	const char	*(*footer)(struct wiz *);
} screens[W_NSTEPS] = {
	[W_DOMAIN] = { "Domain", scr_domain_enter, scr_domain_draw,
	    scr_domain_key, scr_domain_help, scr_domain_footer },
	[W_PRIMARY] = { "Primary", scr_primary_enter, scr_primary_draw,
	    scr_primary_key, scr_primary_help, scr_primary_footer },
	[W_RECIPIENTS] = { "Recipients", scr_recipients_enter,
	    scr_recipients_draw, scr_recipients_key, scr_recipients_help,
	    scr_recipients_footer },
	[W_CERT] = { "Certificate", scr_cert_enter, scr_cert_draw,
	    scr_cert_key, scr_cert_help, scr_cert_footer },
	[W_REVIEW] = { "Review", scr_review_enter, scr_review_draw,
	    scr_review_key, scr_review_help, scr_review_footer },
	[W_APPLY] = { "Apply", scr_apply_enter, scr_apply_draw,
	    scr_apply_key, scr_apply_help, scr_apply_footer },
	[W_DONE] = { "Done", scr_done_enter, scr_done_draw, scr_done_key,
	    scr_done_help, scr_done_footer },
};

enum overlay {
	OV_NONE,
	OV_HELP,
	OV_QUIT,
};
static enum overlay	ov;

/* --- the model ------------------------------------------------------- */

struct state_domain *
wiz_state(struct wiz *w)
{
	return state_find(&w->state, field_text(&w->domain));
}

char *
wiz_nexthop(const struct wiz *w)
{
	return plan_nexthop(field_text(&w->host), atoi(field_text(&w->port)));
}

void
wiz_answers(const struct wiz *w, struct answers *a)
{
	char	*fp;

	a->domain = xstrdup(field_text(&w->domain));
	a->relay_host = xstrdup(field_text(&w->host));
	a->port = atoi(field_text(&w->port));
	rlist_export(&w->rcpt, &a->recipients);
	a->n_inline = a->recipients.n;
	switch (w->src) {
	case SRC_FILE:
		a->certificate = xstrdup(field_text(&w->path));
		break;
	case SRC_PASTE:
		strlist_add(&a->fingerprints, field_text(&w->paste),
		    strlen(field_text(&w->paste)), 0);
		break;
	case SRC_FETCH:
		if (w->fetched != NULL && (fp = cert_fingerprint(w->fetched,
		    w->digest, w->pin == PIN_PUBKEY)) != NULL) {
			strlist_add(&a->fingerprints, fp, strlen(fp), 0);
			free(fp);
		}
		break;
	}
	if (ascii_casecmp(fp_digest_name(w->digest), w->pc.digest) != 0)
		a->digest = xstrdup(fp_digest_name(w->digest));
	a->pin = w->pin;
	a->keep_previous = w->keep_old;
}

void
wiz_invalidate(struct wiz *w)
{
	plan_free(w->plan);
	w->plan = NULL;
	w->dirty = 1;
}

void
wiz_go(struct wiz *w, enum wiz_step s)
{
	w->step = s;
	if (screens[s].enter != NULL)
		screens[s].enter(w);
}

void
wiz_next(struct wiz *w)
{
	w->done |= 1u << w->step;
	if (w->step + 1 < W_NSTEPS)
		wiz_go(w, w->step + 1);
}

void
wiz_back(struct wiz *w)
{
	if (w->step > W_DOMAIN && w->step <= W_APPLY && !w->applied)
		wiz_go(w, w->step - 1);
}

void
wiz_cursor(struct wiz *w, int y, int x)
{
	w->cy = y;
	w->cx = x;
}

/* --- the frame ------------------------------------------------------- */

static void
draw_header(struct wiz *w)
{
	const char	*mode = w->dry_run ? "DRY RUN" : w->rotate ?
			    "ROTATE" : "APPLY";
	char		*right;
	int		 rw, x;

	draw_clear(0, 0, COLS);
	draw_fmt(0, 1, COLS - 1, R_TITLE, "mxpin %s", MXPIN_VERSION);
	if (COLS >= 80)
		draw_str(0, 12, COLS - 12, R_NORMAL, "backup MX pinning");
	right = xasprintf("%s  Postfix %s  ", w->confdir,
	    w->pc.mail_version != NULL ? w->pc.mail_version : "?");
	rw = draw_width(right) + (int)strlen(mode) + 1;
	x = COLS - rw;
	if (x < 31 && COLS >= 80)
		x = 31;
	if (x < 12)
		x = 12;
	x += draw_str(0, x, COLS - x, R_NORMAL, right);
	draw_str(0, x, COLS - x, R_MODE, mode);
	free(right);
}

static void
draw_steps(struct wiz *w)
{
	int	 x = 1, i, names, need = 1;

	/* Full names when they fit, else numbers and the current name. */
	for (i = 0; i < W_DONE; i++)
		need += draw_width(screens[i].name) + 5 +
		    (((w->done >> i) & 1) ? draw_width(draw_tick()) : 0);
	names = need <= COLS;
	draw_clear(1, 0, COLS);
	for (i = 0; i < W_DONE && x < COLS; i++) {
		int cur = (int)w->step == i;
		int done = (w->done >> i) & 1;

		if (cur)
			x += draw_fmt(1, x, COLS - x, R_TITLE, "[%d %s]", i + 1,
			    screens[i].name);
		else if (names)
			x += draw_fmt(1, x, COLS - x, R_NORMAL, " %d %s", i + 1,
			    screens[i].name);
		else
			x += draw_fmt(1, x, COLS - x, R_NORMAL, " %d", i + 1);
		if (done && !cur)
			x += draw_str(1, x, COLS - x, R_GOOD, draw_tick());
		x += 2;
	}
}

static void
draw_footer(struct wiz *w)
{
	const char	*f = screens[w->step].footer(w);

	draw_clear(LINES - 1, 0, COLS);
	if (ov == OV_QUIT)
		f = "y quit   n stay";
	else if (ov == OV_HELP)
		f = "any key closes the help";
	draw_str(LINES - 1, 1, COLS - 1, R_NORMAL, f);
}

static void
draw_help(struct wiz *w)
{
	struct buf	b;
	int		y, x, h, wd, row = 0;
	char		*line, *p, *nl;

	buf_init(&b);
	screens[w->step].help(w, &b);
	buf_addstr(&b, "\nKeys everywhere: Enter submits the screen and goes "
	    "on; Tab / Shift-Tab / Up / Down move between fields; Ctrl-U "
	    "clears a field; Esc goes back one step (answers are kept); F1 "
	    "this help; F10 or Ctrl-Q quits (asks first when answers are not "
	    "applied or saved).  The mouse is off so you can select and copy "
	    "text.\n");
	h = LINES - 4;
	wd = COLS - 4;
	y = 2;
	x = 2;
	if (COLS >= 80) {
		wd = COLS - 8;
		x = 4;
	}
	for (row = 0; row < h; row++)
		draw_clear(y + row, x, wd);
	draw_box(y, x, h, wd);
	draw_str(y, x + 2, wd - 4, R_TITLE, " Help ");
	row = 1;
	for (p = b.data; *p != '\0' && row < h - 1; p = nl) {
		nl = strchr(p, '\n');
		line = xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		nl = nl != NULL ? nl + 1 : p + strlen(p);
		row += draw_wrap(y + row, x + 2, wd - 4, h - 1 - row, 2,
		    R_NORMAL, line);
		free(line);
	}
	buf_free(&b);
}

static void
draw_quit(void)
{
	int	wd = COLS < 60 ? COLS - 2 : 56, x = (COLS - wd) / 2, y, i;

	y = LINES / 2 - 3;
	for (i = 0; i < 5; i++)
		draw_clear(y + i, x, wd);
	draw_box(y, x, 5, wd);
	draw_str(y + 1, x + 2, wd - 4, R_WARN, "Quit?  Your answers are not "
	    "applied or saved.");
	draw_str(y + 3, x + 2, wd - 4, R_NORMAL, "y quits   n stays");
}

void
wiz_redraw(struct wiz *w)
{
	int	boxed;

	erase();
	w->cy = w->cx = -1;
	if (LINES < 8 || COLS < 30) {
		draw_wrap(0, 0, COLS, LINES, 0, R_NORMAL, "mxpin: the terminal "
		    "is too small; make it at least 30x8 (80x24 is best).  "
		    "F10 quits.");
		curs_set(0);
		refresh();
		return;
	}
	boxed = COLS >= 80 && LINES >= 24;
	draw_header(w);
	draw_steps(w);
	if (boxed) {
		draw_box(2, 0, LINES - 3, COLS);
		w->a.y = 3;
		w->a.x = 2;
		w->a.h = LINES - 5;
		w->a.w = COLS - 4;
	} else {
		w->a.y = 2;
		w->a.x = 1;
		w->a.h = LINES - 3;
		w->a.w = COLS - 2;
	}
	screens[w->step].draw(w);
	draw_footer(w);
	if (ov == OV_HELP)
		draw_help(w);
	else if (ov == OV_QUIT)
		draw_quit();
	if (w->cy >= 0 && ov == OV_NONE) {
		curs_set(1);
		move(w->cy, w->cx);
	} else
		curs_set(0);
	refresh();
}

static void
ask_quit(struct wiz *w)
{
	if (w->dirty && !w->applied && w->step != W_DONE)
		ov = OV_QUIT;
	else
		w->quit = 1;
}

static void
handle_key(struct wiz *w, int k)
{
	if (k == KEYF(KEY_RESIZE))
		return;
	if (ov == OV_HELP) {
		ov = OV_NONE;
		return;
	}
	if (ov == OV_QUIT) {
		if (k == 'y' || k == 'Y') {
			w->quit = 1;
			if (w->final == NULL)
				w->final = xstrdup("mxpin: quit; nothing was "
				    "written");
		}
		if (k == 'y' || k == 'Y' || k == 'n' || k == 'N' ||
		    k == K_ESC)
			ov = OV_NONE;
		return;
	}
	if (LINES < 8 || COLS < 30) {
		if (k == KEYF(KEY_F(10)) || k == KEY_CTRL('q'))
			ask_quit(w);
		return;
	}
	if (k == KEYF(KEY_F(1))) {
		ov = OV_HELP;
		return;
	}
	if (k == KEYF(KEY_F(10)) || k == KEY_CTRL('q') ||
	    k == KEY_CTRL('c')) {
		ask_quit(w);
		return;
	}
	if (screens[w->step].key(w, k))
		return;
	if (k == K_ESC)
		wiz_back(w);
}

/* --- start-up -------------------------------------------------------- */

/* The state entry to start from: the most recently applied. */
static struct state_domain *
latest(struct state *st)
{
	struct state_domain	*best = NULL;
	size_t			 i;

	for (i = 0; i < st->n; i++)
		if (best == NULL || (st->d[i].applied != NULL &&
		    (best->applied == NULL ||
		    strcmp(st->d[i].applied, best->applied) > 0)))
			best = &st->d[i];
	return best;
}

/* Loads the recipients in force for the domain typed, when the state
   knows it and the list has not been loaded for it yet.  0 or -1. */
static int
load_current(struct wiz *w, struct state_domain *d, char **cause)
{
	struct strlist	l;

	*cause = NULL;
	if (d == NULL || d->recipients_table == NULL)
		return 0;
	strlist_init(&l);
	if (current_recipients(d->recipients_table, d->domain, &l, cause)
	    == -1) {
		strlist_free(&l);
		return -1;
	}
	rlist_free(&w->rcpt);
	rlist_merge(&w->rcpt, &l);
	strlist_free(&l);
	free(w->rcpt_domain);
	w->rcpt_domain = xstrdup(d->domain);
	return 0;
}

/* Pre-fills every answer from a state entry (rotation, known domain). */
static int
prefill(struct wiz *w, struct state_domain *d, char **cause)
{
	char	port[16];

	field_set(&w->domain, d->domain);
	field_set(&w->host, d->relay_host != NULL ? d->relay_host :
	    d->domain);
	w->host_auto = d->relay_host == NULL ||
	    ascii_casecmp(d->relay_host, d->domain) == 0;
	snprintf(port, sizeof port, "%d", d->port != 0 ? d->port : 25);
	field_set(&w->port, port);
	if (d->digest != NULL)
		fp_digest_parse(d->digest, &w->digest);
	w->pin = d->pin;
	if (d->certificate != NULL) {
		field_set(&w->path, d->certificate);
		w->src = SRC_FILE;
	}
	w->keep_old = d->pins.n > 0;
	return load_current(w, d, cause);
}

int
wiz_domain_changed(struct wiz *w, char **cause)
{
	const char	*dom = field_text(&w->domain);

	*cause = NULL;
	if (w->rcpt_domain != NULL && ascii_casecmp(w->rcpt_domain, dom) == 0)
		return 0;
	/* The list belonged to another domain: start from what is in force
	   for this one (nothing when the state does not know it). */
	rlist_free(&w->rcpt);
	free(w->rcpt_domain);
	w->rcpt_domain = xstrdup(dom);
	return load_current(w, wiz_state(w), cause);
}

static void
wiz_free(struct wiz *w)
{
	field_free(&w->domain);
	field_free(&w->host);
	field_free(&w->port);
	field_free(&w->path);
	field_free(&w->paste);
	rlist_free(&w->rcpt);
	cert_free(w->fetched);
	plan_free(w->plan);
	apply_result_free(&w->res);
	free(w->rcpt_domain);
	free(w->saved);
	free(w->final);
	free(w->confdir);
	pfx_config_free(&w->pc);
	state_free(&w->state);
	scr_cert_free();
	scr_review_free();
	scr_apply_free();
	scr_recipients_free();
}

int
cmd_wizard(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "rotate", no_argument, NULL, 'r' },
		{ "no-reload", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "usage: mxpin [--dry-run] [--rotate] "
	    "[--no-reload] [-c DIR]";
	struct wiz		 w;
	struct state_domain	*d;
	char			*cause = NULL;
	int			 ch, k, sig;
	int			 code = 0;

	memset(&w, 0, sizeof w);
	field_init(&w.domain, "");
	field_init(&w.host, "");
	field_init(&w.port, "25");
	field_init(&w.path, "");
	field_init(&w.paste, "");
	rlist_init(&w.rcpt);
	w.host_auto = 1;
	w.cy = w.cx = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			free(w.confdir);
			w.confdir = path_absolute(optarg);
			break;
		case 'n':
			w.dry_run = 1;
			break;
		case 'r':
			w.rotate = 1;
			break;
		case 'R':
			w.no_reload = 1;
			break;
		case 'h':
			printf("%s\n", usage);
			goto out;
		default:
			cli_warnx("%s", usage);
			code = EX_USAGE;
			goto out;
		}
	}
	if (optind != argc) {
		cli_warnx("unknown command '%s'", argv[optind]);
		cli_warnx("%s", usage);
		code = EX_USAGE;
		goto out;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_warnx("the wizard needs a terminal; use mxpin apply "
		    "ANSWERS.cfg");
		code = EX_USAGE;
		goto out;
	}
	if (!w.dry_run && geteuid() != 0) {
		cli_warnx("the wizard changes Postfix's configuration and needs "
		    "root; preview with mxpin --dry-run");
		code = EX_NOPERM;
		goto out;
	}
	if (w.confdir == NULL)
		w.confdir = pfx_default_confdir();
	if (pfx_load(w.confdir, &w.pc, &cause) == -1) {
		code = cli_fail(EX_CONFIG, cause);
		goto out;
	}
	/* Plans come minutes later: they read main.cf as it is then. */
	pfx_config_drop_maincf(&w.pc);
	if (fp_digest_parse(w.pc.digest, &w.digest) == -1)
		w.digest = FP_SHA256;
	if (state_load(w.confdir, &w.state, &cause) == -1) {
		code = cli_fail(EX_DATAERR, cause);
		goto out;
	}
	d = latest(&w.state);
	if (w.rotate && d == NULL) {
		cli_warnx("nothing to rotate: %s/%s records no domain; run mxpin "
		    "without --rotate to set one up", w.confdir, STATE_FILE);
		code = EX_NOINPUT;
		goto out;
	}
	if (d != NULL) {
		if (prefill(&w, d, &cause) == -1) {
			code = cli_fail(EX_NOINPUT, cause);
			goto out;
		}
		w.rotate = 1;
	}
	if (draw_init() == -1) {
		cli_warnx("the wizard needs a terminal that can move the cursor "
		    "(TERM=%s); use mxpin apply ANSWERS.cfg",
		    getenv("TERM") != NULL ? getenv("TERM") : "unset");
		code = EX_USAGE;
		goto out;
	}
	if (w.rotate) {
		w.done = (1u << W_DOMAIN) | (1u << W_PRIMARY) |
		    (1u << W_RECIPIENTS);
		wiz_go(&w, W_CERT);
	} else
		wiz_go(&w, W_DOMAIN);
	while (!w.quit) {
		wiz_redraw(&w);
		k = draw_getkey(scr_cert_busy() ? 100 : -1);
		if (draw_stop_signal())
			break;
		if (k == -1) {
			scr_cert_poll(&w);
			continue;
		}
		handle_key(&w, k);
	}
	draw_end();
	if ((sig = draw_stop_signal()) != 0) {
		fprintf(stderr, "mxpin: stopped by signal %d; %s\n", sig,
		    w.applied ? "the changes were applied" :
		    "nothing was written");
		wiz_free(&w);
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	if (w.final != NULL)
		printf("%s\n", w.final);
	code = w.code;
out:
	wiz_free(&w);
	return code;
}
