/*
 * state.h: mxpin's memory of what it applied, in DIR/mxpin.conf
 * (libconfig): per domain, the answers and the pins in force (oldest
 * first, so the last one is the newest).  Later runs and the wizard read
 * it as defaults; rotation and check use it to know the pins.
 */
#ifndef MXPIN_STATE_H
#define MXPIN_STATE_H

#include <stddef.h>

#include "answers.h"
#include "strlist.h"

#define STATE_FILE	"mxpin.conf"

struct state_domain {
	char		*domain;
	char		*relay_host;
	int		 port;
	char		*nexthop;
	char		*digest;
	enum pin_kind	 pin;
	char		*certificate;	/* may be NULL */
	struct strlist	 pins;		/* oldest first */
	char		*recipients_table;	/* "type:path" */
	char		*transport_table;
	char		*policy_table;
	size_t		 nrecipients;
	char		*applied;	/* ISO 8601 UTC */
	char		*backup;	/* backup dir of that apply */
	/*
	 * What the recipients table was built from (plan_recipients_key)
	 * and the identity of its files as written (plan_table_stamp):
	 * when both still hold, a rotation leaves the table unread.
	 */
	char		*recipients_key;
	char		*recipients_stamp;
};

struct state {
	struct state_domain	*d;
	size_t			 n;
};

/* Reads DIR/mxpin.conf; a missing file is an empty state.  0, or -1 with
   *cause ("FILE:LINE: ..."). */
int	 state_load(const char *confdir, struct state *, char **cause);
void	 state_free(struct state *);
/* The entry for domain, or NULL. */
struct state_domain *state_find(struct state *, const char *domain);
/* The entry for domain, created empty when missing. */
struct state_domain *state_get(struct state *, const char *domain);
/* Renders the state as the text of mxpin.conf. */
void	 state_render(const struct state *, struct buf *out);

#endif
