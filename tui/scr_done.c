/*
 * scr_done.c: step 7, after a successful apply: what changed, where the
 * backups are, the pins in force, how to undo and how to rotate.
 */
#include "scr_done.h"

#include <stdlib.h>
#include <string.h>

#include "wizard.h"

void
scr_done_enter(struct wiz *w)
{
	(void)w;
}

void
scr_done_draw(struct wiz *w)
{
	const struct area	*a = &w->a;
	const struct plan	*p = w->plan;
	struct buf		 b;
	int			 y = a->y, ybot = a->y + a->h;
	size_t			 i;

	if (p == NULL)
		return;
	buf_init(&b);
	y += draw_wrap(y, a->x, a->w, 2, 0, R_GOOD, "Done: mail for the domain "
	    "now goes only to a primary that presents the pinned "
	    "certificate.") + 1;
	for (i = 0; i < PLAN_NFILES; i++)
		if (p->files[i].changed)
			buf_printf(&b, "%s%s", b.len > 0 ? ", " : "",
			    p->files[i].label);
	draw_str(y, a->x, 10, R_NORMAL, "Changed");
	y += draw_wrap(y, a->x + 10, a->w - 10, 2, 0, R_NORMAL, b.data);
	buf_reset(&b);
	for (i = 0; i < p->nsettings; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", p->settings[i].name);
	if (p->nsettings > 0 && y < ybot) {
		draw_str(y, a->x, 10, R_NORMAL, "main.cf");
		y += draw_wrap(y, a->x + 10, a->w - 10, 2, 0, R_DIM, b.data);
	}
	if (y < ybot) {
		draw_str(y, a->x, 10, R_NORMAL, "Backups");
		y += draw_wrap(y, a->x + 10, a->w - 10, 2, 0, R_NORMAL,
		    w->res.backup_dir != NULL ? w->res.backup_dir : "-");
	}
	if (w->res.reload_note != NULL && y < ybot)
		y += draw_wrap(y, a->x + 10, a->w - 10, 2, 0, R_WARN,
		    w->res.reload_note);
	y++;
	if (y < ybot) {
		draw_str(y, a->x, 10, R_NORMAL, "Undo");
		draw_fmt(y++, a->x + 10, a->w - 10, R_NORMAL, "mxpin undo -c %s",
		    w->confdir);
	}
	if (y < ybot) {
		draw_str(y, a->x, 10, R_NORMAL, "Rotate");
		draw_fmt(y++, a->x + 10, a->w - 10, R_NORMAL, "mxpin --rotate "
		    "-c %s", w->confdir);
		if (y < ybot)
			y += draw_wrap(y, a->x + 10, a->w - 10, 2, 0, R_DIM,
			    "before the primary's certificate is renewed; keep "
			    "the old pin beside the new one until it switches");
	}
	y++;
	if (y < ybot) {
		draw_fmt(y++, a->x, a->w, R_NORMAL, "Pins      %s (%s):",
		    p->nexthop, p->digest);
		for (i = 0; i < p->pins.n && y < ybot; i++) {
			buf_reset(&b);
			buf_printf(&b, "match=%s%s", strlist_get(&p->pins, i),
			    strcmp(strlist_get(&p->pins, i), p->new_pin) == 0 ?
			    "  (new)" : "");
			y += draw_wrap(y, a->x + 2, a->w - 2, ybot - y, 6,
			    R_TITLE, b.data);
		}
	}
	buf_free(&b);
}

int
scr_done_key(struct wiz *w, int k)
{
	if (k == K_ENTER || k == 'q') {
		w->quit = 1;
		return 1;
	}
	return k == K_ESC;
}

void
scr_done_help(struct wiz *w, struct buf *out)
{
	buf_printf(out, "Done.\n\nThe backups of every changed file are in "
	    "%s; mxpin undo -c %s restores them.  When the primary's "
	    "certificate is about to change, run mxpin --rotate -c %s and "
	    "keep the old pin beside the new one until the primary has "
	    "switched.\n", w->res.backup_dir != NULL ? w->res.backup_dir : "-",
	    w->confdir, w->confdir);
}

const char *
scr_done_footer(struct wiz *w)
{
	(void)w;
	return "Enter quit   F1 help";
}
