/*
 * json.h: a small JSON writer into a struct buf, for the machine-readable
 * output of the batch front end.  Commas come from a nesting stack; every
 * string is escaped so that the document is valid JSON whatever its
 * bytes: quotes, backslashes and control characters are escaped, valid
 * UTF-8 passes through, and each ill-formed UTF-8 sequence (its maximal
 * part, as Unicode recommends and Python's "replace" does) becomes U+FFFD.
 */
#ifndef MXPIN_JSON_H
#define MXPIN_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct json {
	struct buf	*out;
	unsigned char	*stack;		/* one state per open container */
	size_t		 depth;
	size_t		 cap;
	int		 done;		/* the top-level value is written */
	int		 misuse;	/* a call came out of order */
};

/* Starts a document appended to out (which the caller owns). */
void	json_init(struct json *, struct buf *out);
/*
 * Returns 0 when exactly one complete value was written, else -1 (open
 * containers, nothing written, or a call out of order).  Frees the
 * stack, not out.
 */
int	json_finish(struct json *);

/*
 * Each value goes where the document expects one: at the top (once), in
 * an array, or in an object after json_key().  A call out of order (a
 * value where a key is due, a key outside an object, an end that closes
 * nothing or the wrong container) writes nothing and makes json_finish()
 * fail.
 */
void	json_object_begin(struct json *);
void	json_object_end(struct json *);
void	json_array_begin(struct json *);
void	json_array_end(struct json *);
void	json_key(struct json *, const char *);
void	json_string(struct json *, const char *);
void	json_stringn(struct json *, const char *, size_t);
void	json_int(struct json *, intmax_t);
void	json_uint(struct json *, uintmax_t);
/* Non-finite numbers have no JSON form: they are written as null. */
void	json_double(struct json *, double);
void	json_bool(struct json *, int);
void	json_null(struct json *);

/*
 * Appends s[0, len) to out as a JSON string literal, quotes included,
 * escaped and repaired as above.
 */
void	json_quote(struct buf *out, const char *s, size_t len);

#endif
