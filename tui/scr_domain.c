/*
 * scr_domain.c: step 1, the mail domain this backup holds mail for.
 * Validated as it is typed (valid_domain); Enter does not move on while
 * it is invalid.  Shows what relay_domains is now and what it becomes.
 */
#include "scr_domain.h"

#include <stdlib.h>
#include <string.h>

#include "validate.h"
#include "wizard.h"

static char	*error;		/* set by a refused Enter, until an edit */

void
scr_domain_enter(struct wiz *w)
{
	(void)w;
	free(error);
	error = NULL;
}

void
scr_domain_draw(struct wiz *w)
{
	const struct area	*a = &w->a;
	const char		*dom = field_text(&w->domain);
	struct state_domain	*d;
	char			*cause = NULL;
	int			 y = a->y + (a->h > 14), fw, cy = -1, cx = -1;

	y += draw_wrap(y, a->x, a->w, 2, 0, R_TITLE, "Which mail domain does "
	    "this server hold mail for while its primary is down?");
	y++;
	fw = a->w - 9 > 44 ? 44 : a->w - 9;
	draw_str(y, a->x, 9, R_NORMAL, "Domain");
	field_draw(&w->domain, y, a->x + 9, fw, 1, &cy, &cx);
	y++;
	if (*dom == '\0')
		y += draw_wrap(y, a->x + 9, a->w - 9, 2, 0,
		    error != NULL ? R_ERR : R_DIM, error != NULL ? error :
		    "type the domain, e.g. example.org");
	else if (valid_domain("domain", dom, &cause) == -1)
		y += draw_wrap(y, a->x + 9, a->w - 9, 3, 0, R_ERR, cause);
	else
		y += draw_str(y, a->x + 9, a->w - 9, R_GOOD,
		    "ok: a valid domain") > 0;
	free(cause);
	if ((d = wiz_state(w)) != NULL && y < a->y + a->h)
		y += draw_wrap(y, a->x + 9, a->w - 9, 2, 0, R_DIM, "known: "
		    "mxpin applied it before; its answers are pre-filled");
	y++;
	draw_str(y, a->x, 9, R_NORMAL, "Writes");
	draw_str(y, a->x + 9, a->w - 9, R_NORMAL, "relay_domains");
	draw_fmt(y, a->x + 32, a->w - 32, R_DIM, "now: %s",
	    *w->pc.relay_domains != '\0' ? w->pc.relay_domains : "(empty)");
	y++;
	if (*dom != '\0')
		draw_fmt(y, a->x + 32, a->w - 32, R_NORMAL, "then: %s%s%s",
		    w->pc.relay_domains, *w->pc.relay_domains != '\0' ? ", " :
		    "", dom);
	wiz_cursor(w, cy, cx);
}

int
scr_domain_key(struct wiz *w, int k)
{
	char	*cause = NULL;
	int	 changed;

	if (k == K_ENTER) {
		free(error);
		error = NULL;
		if (field_empty(&w->domain)) {
			error = xstrdup("domain: missing; type the mail domain "
			    "this backup relays");
			return 1;
		}
		if (valid_domain("domain", field_text(&w->domain), &cause)
		    == -1) {
			free(cause);	/* shown live under the field */
			return 1;
		}
		if (w->host_auto)
			field_set(&w->host, field_text(&w->domain));
		if (wiz_domain_changed(w, &cause) == -1) {
			error = cause;
			return 1;
		}
		wiz_next(w);
		return 1;
	}
	if (field_key(&w->domain, k, &changed)) {
		if (changed) {
			free(error);
			error = NULL;
			wiz_invalidate(w);
		}
		return 1;
	}
	return 0;
}

void
scr_domain_help(struct wiz *w, struct buf *out)
{
	buf_printf(out, "Step 1: the mail domain.\n\nType the domain this "
	    "server is a backup MX for (the one in the MX records that name "
	    "this host).  It is checked as you type: letters, digits and "
	    "hyphens, at least two labels.\n\nWrites relay_domains (now: "
	    "%s) so that Postfix accepts mail for the domain.  The domain "
	    "must not be in mydestination (now: %s) or in the virtual domain "
	    "parameters: a backup relays, it does not deliver.\n",
	    *w->pc.relay_domains != '\0' ? w->pc.relay_domains : "empty",
	    *w->pc.mydestination != '\0' ? w->pc.mydestination : "empty");
}

const char *
scr_domain_footer(struct wiz *w)
{
	(void)w;
	return "Enter next   Ctrl-U clear   F1 help   F10 quit";
}
