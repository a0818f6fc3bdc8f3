/*
 * scr_review.h: the wizard's review screen, a draw/key pair over struct wiz
 * (see scr_review.c for what it asks and shows).
 */
#ifndef MXPIN_TUI_SCR_REVIEW_H
#define MXPIN_TUI_SCR_REVIEW_H

#include "util.h"

struct wiz;

void		 scr_review_enter(struct wiz *);
void		 scr_review_draw(struct wiz *);
/* Returns 1 when the key was taken, 0 to let the frame handle it. */
int		 scr_review_key(struct wiz *, int key);
/* Appends the F1 help text for this screen to out. */
void		 scr_review_help(struct wiz *, struct buf *out);
/* The keys that work on this screen, for the footer. */
const char	*scr_review_footer(struct wiz *);
void		 scr_review_free(void);

#endif
