/*
 * scr_recipients.h: the wizard's recipients screen, a draw/key pair over struct wiz
 * (see scr_recipients.c for what it asks and shows).
 */
#ifndef MXPIN_TUI_SCR_RECIPIENTS_H
#define MXPIN_TUI_SCR_RECIPIENTS_H

#include "util.h"

struct wiz;

void		 scr_recipients_enter(struct wiz *);
void		 scr_recipients_draw(struct wiz *);
/* Returns 1 when the key was taken, 0 to let the frame handle it. */
int		 scr_recipients_key(struct wiz *, int key);
/* Appends the F1 help text for this screen to out. */
void		 scr_recipients_help(struct wiz *, struct buf *out);
/* The keys that work on this screen, for the footer. */
const char	*scr_recipients_footer(struct wiz *);
/* Frees what the screen keeps between draws. */
void		 scr_recipients_free(void);

#endif
