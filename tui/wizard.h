/*
 * wizard.h: the wizard's model (the answers as the admin types them, the
 * config in force, the plan) and the state machine that moves between
 * the screens.  Each screen (scr_*.c) is a pair X_draw()/X_key() over
 * this model; wizard.c dispatches to them from one table and draws the
 * frame around them (header, step bar, footer, help, quit).
 */
#ifndef MXPIN_TUI_WIZARD_H
#define MXPIN_TUI_WIZARD_H

#include "answers.h"
#include "apply.h"
#include "draw.h"
#include "field.h"
#include "fprint.h"
#include "plan.h"
#include "postfix.h"
#include "rlist.h"
#include "state.h"

enum wiz_step {
	W_DOMAIN,
	W_PRIMARY,
	W_RECIPIENTS,
	W_CERT,
	W_REVIEW,
	W_APPLY,
	W_DONE,
	W_NSTEPS
};

enum cert_source {
	SRC_FILE,
	SRC_FETCH,
	SRC_PASTE,
};

struct wiz {
	/* The run. */
	char			*confdir;
	int			 dry_run, rotate, no_reload;
	struct pfx_config	 pc;
	struct state		 state;

	/* Where we are. */
	enum wiz_step		 step;
	unsigned		 done;		/* bit per step */
	int			 quit;		/* leave the loop */
	int			 code;		/* exit code */
	int			 dirty;		/* answers not applied/saved */
	int			 cy, cx;	/* cursor, -1: hidden */
	struct area		 a;		/* the screen's content area */

	/* The answers as typed. */
	struct field		 domain;
	struct field		 host, port;
	int			 host_auto;	/* host follows the domain */
	struct rlist		 rcpt;
	int			 rcpt_loaded;	/* list belongs to rcpt_domain */
	char			*rcpt_domain;
	enum cert_source	 src;
	struct field		 path, paste;
	struct cert		*fetched;	/* from the primary, or NULL */
	enum fp_digest		 digest;
	enum pin_kind		 pin;
	int			 keep_old;

	/* Built by the review, carried out by apply. */
	struct plan		*plan;
	struct apply_result	 res;
	int			 applied;
	char			*saved;		/* dry run: answers file */
	char			*final;		/* printed after the screen */
};

/* Fills a (answers_init'ed by the caller) from the model. */
void	wiz_answers(const struct wiz *, struct answers *a);
/* The state entry for the domain being typed, or NULL. */
struct state_domain *wiz_state(struct wiz *);
/* The next-hop these answers give ("[host]" or "[host]:port"), as
   plan.c derives it; caller frees. */
char	*wiz_nexthop(const struct wiz *);
/* Moves to a step (enter hooks run), forward or back. */
void	wiz_go(struct wiz *, enum wiz_step);
void	wiz_next(struct wiz *);
void	wiz_back(struct wiz *);
/* Places the terminal cursor (after the screen is drawn). */
void	wiz_cursor(struct wiz *, int y, int x);
/* Redraws everything now (used from progress callbacks). */
void	wiz_redraw(struct wiz *);
/* The domain was submitted: when it differs from the one the recipient
   list belongs to, the list restarts from the recipients in force for
   it (the state and its table).  0, or -1 with *cause. */
int	wiz_domain_changed(struct wiz *, char **cause);
/* Drops the plan (answers changed). */
void	wiz_invalidate(struct wiz *);

#endif
