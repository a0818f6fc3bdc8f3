/*
 * table.h: the source text of a Postfix lookup table (the file postmap
 * reads) as an editable sequence of its original bytes.
 *
 * An entry is a logical line "key whitespace value"; a line that starts
 * with whitespace continues the previous entry (as postmap reads it, even
 * across blank and comment lines); comment lines (first non-blank '#') and
 * blank lines belong to no entry, nor does a continuation line before the
 * first entry.
 * Parsing never fails and never loses a byte: table_write() of an unedited
 * parse gives back the input exactly.  Built for very large tables: the
 * parse keeps offsets into one copy of the text, no per-line allocation.
 */
#ifndef MXPIN_TABLE_H
#define MXPIN_TABLE_H

#include <stddef.h>

#include "util.h"

struct table;

/* One entry, pointing into the table's text (valid until the next edit). */
struct table_entry {
	const char	*key;		/* not NUL-terminated */
	size_t		 keylen;
	const char	*value;		/* first line's value after the key's
					   whitespace, up to the line end
					   without trailing whitespace (nor
					   the CR of a CRLF); for a continued
					   entry, see table_value */
	size_t		 valuelen;
	size_t		 line;		/* 1-based line number */
	size_t		 index;		/* position among entries, 0-based */
};

/* Parses len bytes (copied).  Never NULL.  Free with table_free(). */
struct table	*table_parse(const char *data, size_t len);
void		 table_free(struct table *);

size_t		 table_count(const struct table *);
/* The i-th entry (0 <= i < table_count). */
void		 table_entry(const struct table *, size_t i,
		    struct table_entry *out);
/* The whole value of entry i exactly as postmap stores it (postmap -q
   prints it): the lines joined as readlline() joins them (the newline
   dropped, a continuation line's leading whitespace kept), cut at a NUL,
   trimmed; inner whitespace is not normalized.  Caller frees. */
char		*table_value(const struct table *, size_t i);

/*
 * Returns 1 when mxpin owns the entry with this key (the key is exactly
 * as written in the file, not folded), 0 otherwise.
 */
typedef int	(*table_owned_fn)(const char *key, size_t keylen, void *arg);

/*
 * Removes every entry that owned() claims (with its continuation lines)
 * and puts text (complete lines, each ending in '\n'; may be empty; a
 * missing final '\n' is added) where the first of them stood, or at the
 * end of the file when none was owned (after adding a line end, in the
 * file's style, to an unterminated last line).  Comments and blank lines
 * between owned entries and among their continuation lines stay.  owned()
 * is called once per entry, in order.  Returns the number of entries
 * removed.  O(size of the text).
 */
size_t		 table_replace(struct table *, table_owned_fn owned, void *arg,
		    const char *text, size_t len);

/*
 * What table_replace() would make of len bytes of data, worked out
 * without copying them: the new text is the byte ranges keep[] of data,
 * in order, with the new entries going before keep[insert] (insert ==
 * nkeep: after them all), preceded by eol when it is not NULL (an
 * unterminated last line, when nothing is owned).  So a caller can
 * stream a large result, or compare it with data, without building it.
 * Free with table_edit_free().
 */
struct table_range {
	size_t	off;
	size_t	len;
};
struct table_edit {
	struct table_range	*keep;
	size_t			 nkeep;
	size_t			 cap;
	size_t			 insert;
	size_t			 removed;	/* owned entries */
	const char		*eol;		/* static string, or NULL */
};
void		 table_edit_plan(const char *data, size_t len,
		    table_owned_fn owned, void *arg, struct table_edit *);
void		 table_edit_free(struct table_edit *);
/* Appends the edit's result with text (as table_replace takes it) to out. */
void		 table_edit_apply(const struct table_edit *, const char *data,
		    const char *text, size_t len, struct buf *out);

/* Appends the current text to out. */
void		 table_write(const struct table *, struct buf *out);

#endif
