/*
 * plan.h: from answers and the config in force to the exact new contents
 * of every file mxpin would change, and the commands it would run.  Both
 * front ends build the plan with plan_build(); apply.c carries it out.
 * Nothing here writes a file or runs a program that writes.
 */
#ifndef MXPIN_PLAN_H
#define MXPIN_PLAN_H

#include <stddef.h>

#include "answers.h"
#include "diff.h"
#include "postfix.h"
#include "strlist.h"
#include "table.h"
#include "util.h"

enum plan_slot {
	PLAN_MAINCF,
	PLAN_RECIPIENTS,
	PLAN_TRANSPORT,
	PLAN_POLICY,
	PLAN_NFILES
};

struct plan_file {
	char		*path;		/* absolute path of the file */
	char		*label;		/* its base name, for display */
	char		*type;		/* map type (tables), else NULL */
	const char	*param;		/* the main.cf parameter it serves */
	int		 exists;	/* the file exists now */
	int		 changed;	/* new differs from old */
	struct buf	 old;		/* the contents now (empty if none) */
	struct buf	 new;		/* the contents after apply; empty
					   for PLAN_RECIPIENTS, which may
					   hold a million lines and is
					   streamed by plan_emit() instead */
};

/* One main.cf setting the plan changes, for display. */
struct plan_setting {
	const char	*name;
	char		*old;		/* raw value now, NULL when unset */
	char		*new;
};

struct plan {
	char			*confdir;
	char			*domain;
	char			*host;		/* relay host, lower case */
	int			 port;
	char			*nexthop;	/* "[host]" or "[host]:port" */
	char			*transport;	/* "smtp:" + nexthop */
	char			*digest;	/* lower case */
	enum pin_kind		 pin;
	struct strlist		 old_pins;	/* in force now for nexthop */
	struct strlist		 pins;		/* in force after, oldest first */
	char			*new_pin;	/* the pin these answers add */
	size_t			 nrecipients;
	struct strlist		 recipients;	/* taken from the answers,
						   de-duplicated */
	struct strlist		 rcpt_parts;	/* the recipient format cut
						   at @ADDRESS@ */
	char			*rcpt_head;	/* header of a new table */
	struct table_edit	 rcpt_edit;	/* the old table's bytes
						   kept (when it exists) */
	size_t			 ndupes;	/* duplicate recipients merged */
	char			*rcpt_key;	/* what the recipients table is
						   built from, or NULL */
	int			 rcpt_kept;	/* the table is known to hold
						   exactly that: not read */
	struct plan_file	 files[PLAN_NFILES];
	struct plan_setting	 settings[6];
	size_t			 nsettings;
	struct strlist		 warnings;	/* deserve a second look */
	struct strlist		 notes;		/* good to know */
	struct strlist		 commands;	/* what apply will run */
};

/*
 * Builds the plan for answers a (validated here with answers_validate())
 * against the config in force pc (pfx_load) and the templates in
 * tmpl_dir (NULL: templates_dir()).  Reads main.cf and the tables; writes
 * nothing.  The validated recipients move into the plan (a->recipients
 * is left empty): a million of them are held once.  0 with *planp (free
 * with plan_free), or -1 with *cause naming the field, the value and the
 * problem.
 */
int	 plan_build(struct answers *a, const struct pfx_config *pc,
	    const char *tmpl_dir, struct plan **planp, char **cause);
void	 plan_free(struct plan *);

/*
 * "INODE:SIZE:MTIME_NS" of a table's source and of its database, or NULL
 * when either cannot be stat()ed.  Caller frees.
 */
char	*plan_table_stamp(const char *type, const char *path);

/* How many files the plan changes. */
size_t	 plan_nchanged(const struct plan *);

/*
 * Streams the new contents of file i to out(arg, data, len), in pieces
 * of at most about 128 KiB, without building it whole.  out returns 0, or
 * -1 to stop.  Returns 0, or -1 when out stopped it.
 */
typedef int	(*plan_out_fn)(void *arg, const char *data, size_t len);
int	 plan_emit(const struct plan *, enum plan_slot i, plan_out_fn out,
	    void *arg);

/* Appends the new contents of file i to out. */
void	 plan_new_text(const struct plan *, enum plan_slot i,
	    struct buf *out);

/* 1 when a and b change the same files to the same contents. */
int	 plan_same(const struct plan *a, const struct plan *b);

/* Appends the unified diff of file i (labels a/PATH, b/PATH, or
   /dev/null for a new file) to out. */
void	 plan_diff(const struct plan *, enum plan_slot i, struct buf *out,
	    struct diff_stat *st);

/*
 * The next-hop for host and port, "[host]" (port 25) or "[host]:port",
 * lower case: the transport's next-hop AND the policy key (one string,
 * since a key that does not match fails open).  Caller frees.
 */
char	*plan_nexthop(const char *host, int port);

/* 1 when a relay_recipient_maps key (as written) belongs to domain:
   user@domain or @domain, ASCII case-insensitively. */
int	 plan_owns_recipient(const char *key, size_t keylen,
	    const char *domain);

/*
 * The fingerprints of the policy value v ("fingerprint match=A|B ..."),
 * appended to l as written.  Returns 1 when v is a fingerprint policy.
 */
int	 plan_parse_policy(const char *v, struct strlist *l);

#endif
