/*
 * strlist.h: many short strings packed in one buffer (a million
 * recipients cost their bytes plus four bytes each, not a malloc each),
 * with case-insensitive de-duplication through an open-addressing set.
 */
#ifndef MXPIN_STRLIST_H
#define MXPIN_STRLIST_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct strlist {
	struct buf	 text;	/* strings, each NUL-terminated */
	uint32_t	*off;	/* offset of each string in text */
	uint32_t	*line;	/* source line of each (0: none); NULL
				   until a line number is added */
	size_t		 n;
	size_t		 cap;
};

void		 strlist_init(struct strlist *);
void		 strlist_free(struct strlist *);
/* Makes room for bytes more text and n more strings. */
void		 strlist_reserve(struct strlist *, size_t bytes, size_t n);
/* Appends len bytes of s (no NUL inside) with its source line. */
void		 strlist_add(struct strlist *, const char *s, size_t len,
		    uint32_t line);
static inline const char *
strlist_get(const struct strlist *l, size_t i)
{
	return l->text.data + l->off[i];
}
/*
 * Removes later duplicates (ASCII case-insensitive), keeping the first
 * spelling and the order.  Returns how many were removed.
 */
size_t		 strlist_dedupe(struct strlist *);
/* Index of s (case-insensitive), or (size_t)-1.  Linear; for small lists. */
size_t		 strlist_find(const struct strlist *, const char *s);

#endif
