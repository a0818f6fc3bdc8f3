/*
 * scr_primary.h: the wizard's primary screen, a draw/key pair over struct wiz
 * (see scr_primary.c for what it asks and shows).
 */
#ifndef MXPIN_TUI_SCR_PRIMARY_H
#define MXPIN_TUI_SCR_PRIMARY_H

#include "util.h"

struct wiz;

void		 scr_primary_enter(struct wiz *);
void		 scr_primary_draw(struct wiz *);
/* Returns 1 when the key was taken, 0 to let the frame handle it. */
int		 scr_primary_key(struct wiz *, int key);
/* Appends the F1 help text for this screen to out. */
void		 scr_primary_help(struct wiz *, struct buf *out);
/* The keys that work on this screen, for the footer. */
const char	*scr_primary_footer(struct wiz *);

#endif
