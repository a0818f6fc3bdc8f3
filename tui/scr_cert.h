/*
 * scr_cert.h: the wizard's cert screen, a draw/key pair over struct wiz
 * (see scr_cert.c for what it asks and shows).
 */
#ifndef MXPIN_TUI_SCR_CERT_H
#define MXPIN_TUI_SCR_CERT_H

#include "util.h"

struct wiz;

void		 scr_cert_enter(struct wiz *);
void		 scr_cert_draw(struct wiz *);
/* Returns 1 when the key was taken, 0 to let the frame handle it. */
int		 scr_cert_key(struct wiz *, int key);
/* Appends the F1 help text for this screen to out. */
void		 scr_cert_help(struct wiz *, struct buf *out);
/* The keys that work on this screen, for the footer. */
const char	*scr_cert_footer(struct wiz *);
void		 scr_cert_free(void);
/* A fetch from the primary is running: the frame polls every 100 ms. */
int		 scr_cert_busy(void);
void		 scr_cert_poll(struct wiz *);

#endif
