/*
 * maincf.h: main.cf as an editable sequence of its original bytes.
 *
 * Parsing never fails and never loses a byte: maincf_write() of an
 * unedited parse gives back the input exactly (CRLF line ends, a missing
 * final newline, whitespace-only lines, indented comments inside a
 * continued value, duplicate names).  Logical lines follow Postfix's
 * readlline(): a line that starts with whitespace continues the previous
 * definition; comment lines (first non-blank is '#') and blank lines are
 * not part of any value.  An edit touches only the physical lines of the
 * definition it replaces.
 */
#ifndef MXPIN_MAINCF_H
#define MXPIN_MAINCF_H

#include <stddef.h>

#include "util.h"

struct maincf;

/* Parses len bytes of data (copied).  Never NULL.  Free with maincf_free(). */
struct maincf	*maincf_parse(const char *data, size_t len);
void		 maincf_free(struct maincf *);

/*
 * The value of the LAST definition of name (the one Postfix uses), as
 * postconf -n would print it: continuation lines joined with one space,
 * leading and trailing whitespace removed, comment lines inside dropped.
 * NULL when name is not defined.  Caller frees.
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
 * style is used).  Returns 0, or -1 with *cause set (caller frees) when
 * name is not a parameter name ([A-Za-z0-9_]+) or value holds a newline, a
 * carriage return or a NUL; nothing is changed then.
 */
int		 maincf_set(struct maincf *, const char *name,
		    const char *value, char **cause);

/* Appends the current text (original bytes plus edits) to out. */
void		 maincf_write(const struct maincf *, struct buf *out);

#endif
