/*
 * rlist.h: the recipients screen's model, an ordered list of addresses
 * with removal and case-insensitive uniqueness that stays fast with a
 * million entries (one packed strlist plus an index of the live ones).
 */
#ifndef MXPIN_TUI_RLIST_H
#define MXPIN_TUI_RLIST_H

#include <stddef.h>
#include <stdint.h>

#include "strlist.h"

struct rlist {
	struct strlist	 text;	/* every string added (removed ones too) */
	uint32_t	*idx;	/* the live entries, in order */
	size_t		 n, cap;
	uint32_t	*set;	/* live text indexes + 1, open addressing
				   by case-folded hash (0: empty) */
	size_t		 setsize;	/* a power of two, > 2 n */
};

void		 rlist_init(struct rlist *);
void		 rlist_free(struct rlist *);
static inline size_t
rlist_count(const struct rlist *r)
{
	return r->n;
}
static inline const char *
rlist_get(const struct rlist *r, size_t i)
{
	return strlist_get(&r->text, r->idx[i]);
}
/* Index of s (ASCII case-insensitive), or (size_t)-1. */
size_t		 rlist_find(const struct rlist *, const char *s);
/* 1 when s is there (ASCII case-insensitive); O(1), for every redraw. */
int		 rlist_has(const struct rlist *, const char *s);
/* Inserts s at position at (at most count) unless it is already there.
   Returns 1 when added, 0 when a duplicate. */
int		 rlist_insert(struct rlist *, size_t at, const char *s);
void		 rlist_remove(struct rlist *, size_t i);
/* Appends every string of l that is not there yet (the list's own
   de-duplication, linear time).  Returns how many were duplicates. */
size_t		 rlist_merge(struct rlist *, const struct strlist *l);
/* Appends the live entries, in order, to out. */
void		 rlist_export(const struct rlist *, struct strlist *out);

#endif
