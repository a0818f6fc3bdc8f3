/*
 * scr_recipients.c: step 3, who may receive mail through this backup.
 * A list editor over the rlist model: type an address and Enter adds it
 * (validated against the domain, duplicates merged), Enter on an empty
 * line goes on; Del removes, Enter/F2 on a row edits it, F3 imports a
 * file (one per line), F4 adds the @domain wildcard.  Only the rows that
 * fit are drawn, so a million entries cost nothing per frame.
 */
#include "scr_recipients.h"

#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "pathcomp.h"
#include "validate.h"
#include "wizard.h"

static int		 focus;		/* 0 the Add field, 1 the list */
static size_t		 sel, top;
static size_t		 ndupes;	/* merged this session */
static size_t		 edit_at = (size_t)-1;	/* re-insert position */
static char		*msg;
static enum role	 msg_role;
static int		 importing;
static struct field	 imp;
static struct field	 add;
static int		 inited;
static int		 rows;		/* list rows on the last draw */

static void
say(enum role r, char *m)
{
	free(msg);
	msg = m;
	msg_role = r;
}

void
scr_recipients_free(void)
{
	free(msg);
	msg = NULL;
	if (inited) {
		field_free(&imp);
		field_free(&add);
		inited = 0;
	}
}

void
scr_recipients_enter(struct wiz *w)
{
	if (!inited) {
		field_init(&imp, "");
		field_init(&add, "");
		inited = 1;
	}
	focus = 0;
	importing = 0;
	if (sel >= rlist_count(&w->rcpt))
		sel = rlist_count(&w->rcpt) > 0 ? rlist_count(&w->rcpt) - 1 : 0;
	say(R_NORMAL, NULL);
}

static int
has_wildcard(struct wiz *w)
{
	char	*wild = xasprintf("@%s", field_text(&w->domain));
	int	 r = rlist_has(&w->rcpt, wild);

	free(wild);
	return r;
}

void
scr_recipients_draw(struct wiz *w)
{
	const struct area	*a = &w->a;
	size_t			 n = rlist_count(&w->rcpt), i;
	int			 y = a->y, fw, cy = -1, cx = -1, ybot, hint;
	char			*count;

	count = xasprintf("%zu address%s, %zu dupe%s merged", n,
	    n == 1 ? "" : "es", ndupes, ndupes == 1 ? "" : "s");
	draw_str(y, a->x, a->w - draw_width(count) - 1, R_TITLE,
	    "Who may receive mail through this backup?");
	draw_str(y, a->x + a->w - draw_width(count), draw_width(count),
	    R_NORMAL, count);
	free(count);
	y += 2;
	hint = a->w >= 70;
	fw = a->w - 9 - (hint ? 25 : 0);
	if (fw > 44)
		fw = 44;
	if (importing) {
		draw_str(y, a->x, 9, R_NORMAL, "Import");
		field_draw(&imp, y, a->x + 9, fw, 1, &cy, &cx);
		if (hint)
			draw_str(y, a->x + 11 + fw, a->w - 11 - fw, R_DIM,
			    "Enter reads; Esc cancels");
	} else {
		draw_str(y, a->x, 9, R_NORMAL, "Add");
		field_draw(&add, y, a->x + 9, fw, focus == 0, &cy, &cx);
		if (hint)
			draw_str(y, a->x + 11 + fw, a->w - 11 - fw, R_DIM,
			    "Enter adds; empty: next");
	}
	y++;
	if (msg != NULL)
		y += draw_wrap(y, a->x + 9, a->w - 9, 2, 0, msg_role, msg);
	else if (importing)
		y += draw_str(y, a->x + 9, a->w - 9, R_DIM, "a file with one "
		    "address per line; Tab completes the name") > 0;
	else
		y++;
	if (has_wildcard(w)) {
		y += draw_wrap(y, a->x + 9, a->w - 9, 2, 0, R_WARN, "warning: "
		    "the @domain wildcard accepts every address; mail to "
		    "addresses the primary rejects bounces from here "
		    "(backscatter)");
	}
	y++;
	/* The list: a window on the model. */
	ybot = a->y + a->h - 1;
	rows = ybot - y;
	if (rows < 1)
		rows = 1;
	if (sel < top)
		top = sel;
	if (sel >= top + (size_t)rows)
		top = sel - (size_t)rows + 1;
	if (n == 0)
		draw_str(y, a->x + 2, a->w - 2, R_DIM, "(no address yet: type "
		    "one above, F3 imports a file, F4 accepts all)");
	for (i = top; i < n && (int)(i - top) < rows; i++) {
		int is_sel = focus == 1 && i == sel;

		draw_str(y + (int)(i - top), a->x, 2, R_NORMAL,
		    i == sel && focus == 1 ? ">" : " ");
		if (is_sel)
			draw_clear(y + (int)(i - top), a->x + 2, a->w - 2);
		draw_str(y + (int)(i - top), a->x + 2, a->w - 2,
		    is_sel ? R_SEL : R_NORMAL, rlist_get(&w->rcpt, i));
	}
	if (n > (size_t)rows)
		draw_fmt(ybot - 1 < y ? y : ybot - 1, a->x + a->w - 20, 20,
		    R_DIM, "%zu-%zu of %zu", top + 1,
		    top + (size_t)rows < n ? top + (size_t)rows : n, n);
	draw_str(ybot, a->x, 9, R_NORMAL, "Writes");
	draw_fmt(ybot, a->x + 9, a->w - 9, R_NORMAL, "relay_recipient_maps "
	    "%s %s", draw_arrow(), *w->pc.relay_recipient_maps != '\0' ?
	    w->pc.relay_recipient_maps : "a new table (now empty: all "
	    "accepted)");
	wiz_cursor(w, cy, cx);
}

/* Adds the text of the Add field.  Returns 1 when added or merged. */
static int
add_one(struct wiz *w, const char *text)
{
	char	*t = xstrdup(text), *p, *cause = NULL;
	size_t	 at;

	for (p = t + strlen(t); p > t && (p[-1] == ' ' || p[-1] == '\t');)
		*--p = '\0';
	for (p = t; *p == ' ' || *p == '\t'; p++)
		;
	if (valid_recipient("address", p, field_text(&w->domain), &cause)
	    == -1) {
		say(R_ERR, cause);
		free(t);
		return 0;
	}
	at = edit_at != (size_t)-1 ? edit_at : rlist_count(&w->rcpt);
	if (rlist_insert(&w->rcpt, at, p)) {
		sel = at;
		say(R_GOOD, xasprintf("added %s", p));
	} else {
		ndupes++;
		sel = rlist_find(&w->rcpt, p);
		say(R_NORMAL, xasprintf("%s is already listed (merged)", p));
	}
	edit_at = (size_t)-1;
	free(t);
	wiz_invalidate(w);
	return 1;
}

static void
import_file(struct wiz *w, const char *path)
{
	struct answers	 a;
	struct strlist	 ok;
	char		*cause = NULL, *first = NULL, *c2;
	size_t		 i, bad = 0, d, before = rlist_count(&w->rcpt);

	answers_init(&a);
	strlist_init(&ok);
	if (answers_read_recipients(&a, path, &cause) == -1) {
		say(R_ERR, cause);
		goto out;
	}
	for (i = 0; i < a.recipients.n; i++) {
		const char *r = strlist_get(&a.recipients, i);
		char *field = xasprintf("line %u", a.recipients.line[i]);

		if (valid_recipient(field, r, field_text(&w->domain), &c2) ==
		    -1) {
			if (first == NULL)
				first = c2;
			else
				free(c2);
			bad++;
		} else
			strlist_add(&ok, r, strlen(r), 0);
		free(field);
	}
	d = rlist_merge(&w->rcpt, &ok);
	ndupes += d;
	if (bad > 0)
		say(R_ERR, xasprintf("imported %zu of %zu from %s; %zu "
		    "duplicate%s merged; %zu refused, first: %s",
		    rlist_count(&w->rcpt) - before, a.recipients.n, path, d,
		    d == 1 ? "" : "s", bad, first));
	else
		say(R_GOOD, xasprintf("imported %zu address%s from %s; %zu "
		    "duplicate%s merged", rlist_count(&w->rcpt) - before,
		    rlist_count(&w->rcpt) - before == 1 ? "" : "es", path, d,
		    d == 1 ? "" : "s"));
	importing = 0;
	wiz_invalidate(w);
out:
	free(first);
	strlist_free(&ok);
	answers_free(&a);
}

static int
import_key(struct wiz *w, int k)
{
	char	*c;
	int	 changed, n;

	switch (k) {
	case K_ESC:
		importing = 0;
		say(R_NORMAL, NULL);
		return 1;
	case K_ENTER:
		if (!field_empty(&imp))
			import_file(w, field_text(&imp));
		return 1;
	case K_TAB:
		if ((c = pathcomp_complete(field_text(&imp), &n)) != NULL) {
			field_set(&imp, c);
			free(c);
		}
		if (n > 1)
			say(R_DIM, xasprintf("%d names match", n));
		else if (n == 0)
			say(R_DIM, xstrdup("no file matches"));
		return 1;
	}
	field_key(&imp, k, &changed);
	return 1;
}

int
scr_recipients_key(struct wiz *w, int k)
{
	size_t	n = rlist_count(&w->rcpt);
	int	changed;
	char	*wild;

	if (importing)
		return import_key(w, k);
	switch (k) {
	case KEYF(KEY_F(3)):
		importing = 1;
		say(R_NORMAL, NULL);
		return 1;
	case KEYF(KEY_F(4)):
		wild = xasprintf("@%s", field_text(&w->domain));
		if (rlist_insert(&w->rcpt, rlist_count(&w->rcpt), wild)) {
			sel = rlist_count(&w->rcpt) - 1;
			say(R_WARN, xasprintf("added %s: every address of %s is "
			    "accepted", wild, field_text(&w->domain)));
			wiz_invalidate(w);
		}
		free(wild);
		return 1;
	}
	if (focus == 0) {
		switch (k) {
		case K_ENTER:
			if (!field_empty(&add)) {
				if (add_one(w, field_text(&add)))
					field_set(&add, "");
				return 1;
			}
			if (n == 0) {
				say(R_ERR, xasprintf("recipients: none yet; add "
				    "the addresses of %s this backup accepts, or "
				    "F4 for @%s (every address)",
				    field_text(&w->domain),
				    field_text(&w->domain)));
				return 1;
			}
			say(R_NORMAL, NULL);
			wiz_next(w);
			return 1;
		case K_TAB:
		case KEYF(KEY_BTAB):
		case KEYF(KEY_DOWN):
			if (n > 0) {
				focus = 1;
				if (sel >= n)
					sel = n - 1;
			}
			return 1;
		case KEYF(KEY_UP):
			return 1;
		}
		if (field_key(&add, k, &changed)) {
			if (changed && msg_role == R_ERR)
				say(R_NORMAL, NULL);
			return 1;
		}
		return 0;
	}
	/* The list has the focus. */
	switch (k) {
	case KEYF(KEY_UP):
		if (sel == 0 || n == 0)
			focus = 0;
		else
			sel--;
		return 1;
	case KEYF(KEY_DOWN):
		if (sel + 1 < n)
			sel++;
		return 1;
	case KEYF(KEY_PPAGE):
		sel = sel > (size_t)rows ? sel - (size_t)rows : 0;
		return 1;
	case KEYF(KEY_NPAGE):
		sel = sel + (size_t)rows < n ? sel + (size_t)rows :
		    (n > 0 ? n - 1 : 0);
		return 1;
	case KEYF(KEY_HOME):
		sel = 0;
		return 1;
	case KEYF(KEY_END):
		sel = n > 0 ? n - 1 : 0;
		return 1;
	case K_TAB:
	case KEYF(KEY_BTAB):
		focus = 0;
		return 1;
	case KEYF(KEY_DC):
	case KEYF(KEY_BACKSPACE):
	case 127:
		if (n == 0)
			return 1;
		say(R_NORMAL, xasprintf("removed %s", rlist_get(&w->rcpt,
		    sel)));
		rlist_remove(&w->rcpt, sel);
		if (sel >= rlist_count(&w->rcpt) && sel > 0)
			sel--;
		if (rlist_count(&w->rcpt) == 0)
			focus = 0;
		wiz_invalidate(w);
		return 1;
	case K_ENTER:
	case KEYF(KEY_F(2)):
		if (n == 0)
			return 1;
		field_set(&add, rlist_get(&w->rcpt, sel));
		rlist_remove(&w->rcpt, sel);
		edit_at = sel;
		focus = 0;
		say(R_NORMAL, xstrdup("editing: Enter puts it back"));
		wiz_invalidate(w);
		return 1;
	}
	if (k >= 0x20 && k < KEYF(0) && k != 0x7f) {
		focus = 0;
		field_key(&add, k, &changed);
		return 1;
	}
	return 0;
}

void
scr_recipients_help(struct wiz *w, struct buf *out)
{
	buf_printf(out, "Step 3: the recipients.\n\nType an address of %s and "
	    "press Enter to add it; Enter on an empty line goes on.  "
	    "Addresses outside the domain are refused with the reason; "
	    "duplicates (any case) are merged.\nDown or Tab moves into the "
	    "list: Up/Down/PgUp/PgDn/Home/End move, Del removes, Enter or F2 "
	    "edits the row.\nF3 imports a file (one address per line, # "
	    "comments skipped).  F4 adds @%s, which accepts every address: "
	    "mail to unknown users then bounces from this backup "
	    "(backscatter).\n\nWrites the table in relay_recipient_maps (now: "
	    "%s); Postfix refuses other recipients with 550 User unknown in "
	    "relay recipient table.\n", field_text(&w->domain),
	    field_text(&w->domain), *w->pc.relay_recipient_maps != '\0' ?
	    w->pc.relay_recipient_maps : "empty, which accepts every "
	    "recipient");
}

const char *
scr_recipients_footer(struct wiz *w)
{
	(void)w;
	if (importing)
		return "Enter import   Tab complete   Esc cancel   F1 help";
	if (focus == 1)
		return "Del remove  Enter edit  Tab add  F3 import  F4 @domain"
		    "  Esc back  F1 help";
	return "Enter add/next  Down list  F3 import  F4 @domain  Esc back  "
	    "F1 help  F10 quit";
}
