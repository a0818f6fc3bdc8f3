/*
 * scr_apply.h: the wizard's apply screen, a draw/key pair over struct wiz
 * (see scr_apply.c for what it asks and shows).
 */
#ifndef MXPIN_TUI_SCR_APPLY_H
#define MXPIN_TUI_SCR_APPLY_H

#include "util.h"

struct wiz;

void		 scr_apply_enter(struct wiz *);
void		 scr_apply_draw(struct wiz *);
/* Returns 1 when the key was taken, 0 to let the frame handle it. */
int		 scr_apply_key(struct wiz *, int key);
/* Appends the F1 help text for this screen to out. */
void		 scr_apply_help(struct wiz *, struct buf *out);
/* The keys that work on this screen, for the footer. */
const char	*scr_apply_footer(struct wiz *);
void		 scr_apply_free(void);

#endif
