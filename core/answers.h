/*
 * answers.h: what the admin wants, from a libconfig answers file (mxpin
 * apply) or from the wizard's screens.  Both front ends fill the same
 * struct and hand it to plan_build(); that is what makes them produce the
 * same files.
 */
#ifndef MXPIN_ANSWERS_H
#define MXPIN_ANSWERS_H

#include "strlist.h"

enum pin_kind {
	PIN_CERT,		/* "certificate" */
	PIN_PUBKEY,		/* "public-key" */
};

struct answers {
	char		*domain;
	char		*relay_host;	/* NULL: the domain */
	int		 port;		/* 0: 25 */
	struct strlist	 recipients;	/* inline and file ones, in order */
	size_t		 n_inline;	/* the first n_inline came inline */
	char		*recipients_file;
	char		*certificate;	/* path, or NULL */
	struct strlist	 fingerprints;	/* explicit pins, as typed */
	char		*digest;	/* NULL: the one in force */
	enum pin_kind	 pin;
	int		 keep_previous;
	/*
	 * answers_load() leaves the recipients file unread: it hashes the
	 * bytes (rcpt_source: SHA-256 hex of the inline recipients and the
	 * file) so that a plan can see the table is already built from
	 * exactly these and skip a million lines; answers_load_recipients()
	 * reads them when they are needed.  "" when not computed.
	 */
	char		 rcpt_source[65];
	char		 rcpt_filehex[65];	/* the file's own hash */
	int		 rcpt_pending;	/* recipients_file not read yet */
};

void	answers_init(struct answers *);
void	answers_free(struct answers *);

/*
 * Loads a libconfig answers file.  Syntax errors, unknown settings and
 * wrong types fail with "FILE:LINE: ..." in *cause (caller frees).  The
 * recipients file, when named, is read too (one address per line, '#'
 * comments and blank lines skipped; each keeps its line number).  Values
 * are NOT validated here: see answers_validate().  0, or -1 with *cause;
 * *code receives the sysexits code (65 bad data, 66 missing input).
 */
int	answers_load(const char *path, struct answers *, int *code,
	    char **cause);

/* Reads the recipients file answers_load() left pending.  0, or -1 with
   *cause. */
int	answers_load_recipients(struct answers *, char **cause);

/* Reads recipients from a file into a->recipients, one per line, each
   with its line number. */
int	answers_read_recipients(struct answers *, const char *path,
	    char **cause);

/*
 * Checks every value (domain, host, port, each recipient, the digest
 * name, pin kind, the presence of a certificate or fingerprints) and
 * merges duplicate recipients.  *ndupes receives how many were merged.
 * 0, or -1 with *cause naming the field, the value and the problem.
 */
int	answers_validate(struct answers *, size_t *ndupes, char **cause);
/* The same checks, the recipients left out (they are known good). */
int	answers_validate_head(struct answers *, char **cause);

/* The relay host in effect (relay_host or the domain) and port (25). */
const char *answers_host(const struct answers *);
int	answers_port(const struct answers *);

/*
 * Writes a answers file that answers_load() reads back to the same
 * answers (recipients inline when there is no recipients file).
 * Atomically; 0, or -1 with *cause.
 */
int	answers_save(const struct answers *, const char *path, char **cause);

#endif
