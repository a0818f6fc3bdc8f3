/*
 * rlist.c: the recipients list model (see rlist.h).
 */
#include "rlist.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void
rlist_init(struct rlist *r)
{
	memset(r, 0, sizeof *r);
	strlist_init(&r->text);
}

void
rlist_free(struct rlist *r)
{
	strlist_free(&r->text);
	free(r->idx);
	free(r->set);
	rlist_init(r);
}

/* The slot holding s, or the empty slot where it would go. */
static size_t
set_slot(const struct rlist *r, const char *s)
{
	size_t	mask = r->setsize - 1, j;

	for (j = ascii_casehash(s) & mask; r->set[j] != 0; j = (j + 1) & mask)
		if (ascii_casecmp(strlist_get(&r->text, r->set[j] - 1), s) == 0)
			break;
	return j;
}

/* Rebuilds the set for the live entries, sized for at least want. */
static void
set_rebuild(struct rlist *r, size_t want)
{
	size_t	i, size = 64;

	while (size <= want * 2)
		size *= 2;
	free(r->set);
	r->set = xcalloc(size, sizeof *r->set);
	r->setsize = size;
	for (i = 0; i < r->n; i++)
		r->set[set_slot(r, rlist_get(r, i))] = r->idx[i] + 1;
}

int
rlist_has(const struct rlist *r, const char *s)
{
	return r->setsize != 0 && r->set[set_slot(r, s)] != 0;
}

size_t
rlist_find(const struct rlist *r, const char *s)
{
	size_t		i;
	uint32_t	t;

	if (r->setsize == 0 || (t = r->set[set_slot(r, s)]) == 0)
		return (size_t)-1;
	for (i = 0; i < r->n; i++)
		if (r->idx[i] == t - 1)
			return i;
	return (size_t)-1;
}

static void
grow(struct rlist *r)
{
	if (r->n < r->cap)
		return;
	r->cap = r->cap == 0 ? 64 : r->cap * 2;
	r->idx = xreallocarray(r->idx, r->cap, sizeof *r->idx);
}

int
rlist_insert(struct rlist *r, size_t at, const char *s)
{
	if (rlist_has(r, s))
		return 0;
	if (at > r->n)
		at = r->n;
	grow(r);
	strlist_add(&r->text, s, strlen(s), 0);
	memmove(r->idx + at + 1, r->idx + at, (r->n - at) * sizeof *r->idx);
	r->idx[at] = (uint32_t)(r->text.n - 1);
	r->n++;
	if ((r->n + 1) * 2 > r->setsize)
		set_rebuild(r, r->n + 1);
	else
		r->set[set_slot(r, s)] = r->idx[at] + 1;
	return 1;
}

void
rlist_remove(struct rlist *r, size_t i)
{
	size_t	mask, j, k, h;

	if (i >= r->n)
		return;
	/* Deletes from the set, shifting back the run after the slot
	   (linear probing without tombstones). */
	mask = r->setsize - 1;
	j = set_slot(r, rlist_get(r, i));
	r->set[j] = 0;
	for (k = (j + 1) & mask; r->set[k] != 0; k = (k + 1) & mask) {
		h = ascii_casehash(strlist_get(&r->text, r->set[k] - 1)) & mask;
		/* Move k to j when its home h is not within (j, k]. */
		if ((j < k && (h <= j || h > k)) ||
		    (j > k && (h <= j && h > k))) {
			r->set[j] = r->set[k];
			r->set[k] = 0;
			j = k;
		}
	}
	memmove(r->idx + i, r->idx + i + 1, (r->n - i - 1) * sizeof *r->idx);
	r->n--;
}

size_t
rlist_merge(struct rlist *r, const struct strlist *l)
{
	struct strlist	all;
	size_t		i, dupes;

	strlist_init(&all);
	rlist_export(r, &all);
	for (i = 0; i < l->n; i++)
		strlist_add(&all, strlist_get(l, i), strlen(strlist_get(l, i)),
		    0);
	dupes = strlist_dedupe(&all);
	strlist_free(&r->text);
	r->text = all;
	r->cap = all.n > 64 ? all.n : 64;
	r->idx = xreallocarray(r->idx, r->cap, sizeof *r->idx);
	for (i = 0; i < all.n; i++)
		r->idx[i] = (uint32_t)i;
	r->n = all.n;
	set_rebuild(r, r->n + 1);
	return dupes;
}

void
rlist_export(const struct rlist *r, struct strlist *out)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		strlist_add(out, rlist_get(r, i), strlen(rlist_get(r, i)), 0);
}
