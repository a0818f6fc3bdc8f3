/*
 * scr_domain.h: the wizard's domain screen, a draw/key pair over struct wiz
 * (see scr_domain.c for what it asks and shows).
 */
#ifndef MXPIN_TUI_SCR_DOMAIN_H
#define MXPIN_TUI_SCR_DOMAIN_H

#include "util.h"

struct wiz;

void		 scr_domain_enter(struct wiz *);
void		 scr_domain_draw(struct wiz *);
/* Returns 1 when the key was taken, 0 to let the frame handle it. */
int		 scr_domain_key(struct wiz *, int key);
/* Appends the F1 help text for this screen to out. */
void		 scr_domain_help(struct wiz *, struct buf *out);
/* The keys that work on this screen, for the footer. */
const char	*scr_domain_footer(struct wiz *);

#endif
