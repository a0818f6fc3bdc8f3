/*
 * scr_primary.c: step 2, the primary: host (the domain unless told
 * otherwise) and port (25).  Shows the transport entry and the policy
 * key that result, so the admin sees "[host]:port" before anything is
 * written: that one string is both the next-hop and the policy key.
 */
#include "scr_primary.h"

#include <stdlib.h>
#include <string.h>

#include "validate.h"
#include "wizard.h"

static int	focus;		/* 0 host, 1 port */

void
scr_primary_enter(struct wiz *w)
{
	(void)w;
	focus = 0;
}

static int
host_ok(struct wiz *w, char **cause)
{
	return valid_host("host", field_text(&w->host), cause) == 0;
}

static int
port_ok(struct wiz *w, char **cause)
{
	int	port;

	return valid_port_str("port", field_text(&w->port), &port, cause) ==
	    0;
}

void
scr_primary_draw(struct wiz *w)
{
	const struct area	*a = &w->a;
	char			*cause = NULL, *nh;
	int			 y = a->y + (a->h > 14), fw, cy = -1, cx = -1;
	int			 ok = 1;

	y += draw_wrap(y, a->x, a->w, 2, 0, R_TITLE, "Which server is the "
	    "primary MX, and on which port does it take mail?");
	y++;
	fw = a->w - 9 > 44 ? 44 : a->w - 9;
	draw_str(y, a->x, 9, R_NORMAL, "Host");
	field_draw(&w->host, y, a->x + 9, fw, focus == 0, &cy, &cx);
	y++;
	if (!host_ok(w, &cause)) {
		y += draw_wrap(y, a->x + 9, a->w - 9, 2, 0, R_ERR, cause);
		ok = 0;
	} else
		y += draw_str(y, a->x + 9, a->w - 9, R_GOOD, host_is_ip(
		    field_text(&w->host)) ? "ok: an IP address (no MX lookup "
		    "either way)" : "ok: a valid host name") > 0;
	free(cause);
	cause = NULL;
	draw_str(y, a->x, 9, R_NORMAL, "Port");
	field_draw(&w->port, y, a->x + 9, 9, focus == 1, &cy, &cx);
	y++;
	if (!port_ok(w, &cause)) {
		y += draw_wrap(y, a->x + 9, a->w - 9, 2, 0, R_ERR, cause);
		ok = 0;
	} else
		y += draw_str(y, a->x + 9, a->w - 9, R_GOOD, strcmp(
		    field_text(&w->port), "25") == 0 ? "ok: the SMTP port" :
		    "ok: a TCP port") > 0;
	free(cause);
	y++;
	if (!ok) {
		draw_str(y, a->x, a->w, R_DIM, "Fix the field above to see "
		    "the transport entry and the policy key.");
	} else {
		nh = wiz_nexthop(w);
		draw_str(y, a->x, 9, R_NORMAL, "Writes");
		draw_str(y, a->x + 9, 22, R_NORMAL, "transport_maps");
		draw_fmt(y, a->x + 31, a->w - 31, R_TITLE, "%s  smtp:%s",
		    field_text(&w->domain), nh);
		y++;
		draw_str(y, a->x + 9, 22, R_NORMAL, "smtp_tls_policy_maps");
		draw_fmt(y, a->x + 31, a->w - 31, R_TITLE, "%s  fingerprint "
		    "match=...", nh);
		y += 2;
		y += draw_wrap(y, a->x, a->w, a->y + a->h - y, 0, R_DIM,
		    "The brackets stop an MX lookup: mail goes to this host "
		    "only.  Postfix looks the policy up with the exact next-hop,"
		    " so both entries are written from this one string.");
		free(nh);
	}
	wiz_cursor(w, cy, cx);
}

int
scr_primary_key(struct wiz *w, int k)
{
	struct field	*f = focus == 0 ? &w->host : &w->port;
	char		*cause = NULL;
	int		 changed;

	switch (k) {
	case K_ENTER:
		if (!host_ok(w, &cause))
			focus = 0;
		else if (!port_ok(w, &cause))
			focus = 1;
		else {
			wiz_next(w);
			return 1;
		}
		free(cause);
		return 1;
	case K_TAB:
	case KEYF(KEY_BTAB):
	case KEYF(KEY_UP):
	case KEYF(KEY_DOWN):
		focus = !focus;
		return 1;
	}
	if (field_key(f, k, &changed)) {
		if (changed) {
			if (focus == 0)
				w->host_auto = 0;
			wiz_invalidate(w);
		}
		return 1;
	}
	return 0;
}

void
scr_primary_help(struct wiz *w, struct buf *out)
{
	buf_printf(out, "Step 2: the primary.\n\nHost: the server that "
	    "delivers the domain's mail (its own MX), by name or IP address. "
	    " Port: where it takes SMTP, usually 25.\n\nWrites transport_maps "
	    "(now: %s): \"DOMAIN smtp:[HOST]:PORT\", and smtp_tls_policy_maps "
	    "(now: %s): \"[HOST]:PORT fingerprint match=...\".  The policy key "
	    "must equal the next-hop exactly (\":25\" is left out); a key that "
	    "does not match makes Postfix deliver without checking the "
	    "certificate.\n",
	    *w->pc.transport_maps != '\0' ? w->pc.transport_maps : "empty",
	    *w->pc.smtp_tls_policy_maps != '\0' ? w->pc.smtp_tls_policy_maps :
	    "empty");
}

const char *
scr_primary_footer(struct wiz *w)
{
	(void)w;
	return "Enter next   Tab field   Ctrl-U clear   Esc back   F1 help   "
	    "F10 quit";
}
