/*
 * maincf.h: main.cf as an editable sequence of its original bytes.
 *
 * Parsing never fails and never loses a byte: maincf_write() of an
 * unedited parse gives back the input exactly (CRLF line ends, a missing
 * final newline, whitespace-only lines, indented comments inside a
 * continued value, duplicate names).  Logical lines follow Postfix's
 * readlline(): a line that starts with whitespace continues the previous
 * definition, even after blank lines and comment lines (first non-blank is
 * '#'), which are skipped and are not part of any value; a continuation
 * line before any definition is ignored, as Postfix ignores it.  An edit
 * touches only the physical lines of the definition it replaces.
 */
#ifndef MXPIN_MAINCF_H
#define MXPIN_MAINCF_H

#include <stddef.h>

#include "util.h"

struct maincf;

/* Parses len bytes of data (copied).  Never NULL.  Free with maincf_free(). */
struct maincf	*maincf_parse(const char *data, size_t len);
void		 maincf_free(struct maincf *);
/* An independent copy (its edits do not touch the original). */
struct maincf	*maincf_clone(const struct maincf *);

/*
 * The value of the LAST definition of name (the one Postfix uses), exactly
 * as postconf -nh name prints it (checked against Postfix 3.7 on every
 * corpus file): the definition's lines joined as readlline() joins them
 * (comment and blank lines among them dropped), cut at a NUL, trimmed,
 * and every run of spaces, TABs and CRs turned into one space (postconf
 * normalizes whitespace outside and inside {} alike; '\v' and '\f' are
 * kept).  "" for "name =".  NULL when name is not defined.  Caller frees.
 */
char		*maincf_get(const struct maincf *, const char *name);

/* 1-based line number where the last definition of name starts; 0 if none. */
size_t		 maincf_line(const struct maincf *, const char *name);

/*
 * Sets name = value.  The last definition is replaced where it stands,
 * together with its continuation lines, written as "name = value" plus the
 * line end that definition used (CRLF stays CRLF).  Earlier definitions of
 * the same name are already overridden by the last one and are left as
 * they are.  A name not yet defined is appended at the end of the file (a
 * newline is added first to an unterminated last line; the file's line-end
 * style, that of its last line end, is used).  Comment and blank lines
 * among the replaced continuation lines stay, as with postconf -e.
 * Returns 0, or -1 with *cause set (caller frees) when name is not a
 * parameter name ([A-Za-z0-9_]+) or value holds a newline or a carriage
 * return (a NUL cannot be passed in a C string); nothing is changed then.
 */
int		 maincf_set(struct maincf *, const char *name,
		    const char *value, char **cause);

/* Appends the current text (original bytes plus edits) to out. */
void		 maincf_write(const struct maincf *, struct buf *out);

#endif
