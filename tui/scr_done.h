/*
 * scr_done.h: the wizard's done screen, a draw/key pair over struct wiz
 * (see scr_done.c for what it asks and shows).
 */
#ifndef MXPIN_TUI_SCR_DONE_H
#define MXPIN_TUI_SCR_DONE_H

#include "util.h"

struct wiz;

void		 scr_done_enter(struct wiz *);
void		 scr_done_draw(struct wiz *);
/* Returns 1 when the key was taken, 0 to let the frame handle it. */
int		 scr_done_key(struct wiz *, int key);
/* Appends the F1 help text for this screen to out. */
void		 scr_done_help(struct wiz *, struct buf *out);
/* The keys that work on this screen, for the footer. */
const char	*scr_done_footer(struct wiz *);

#endif
