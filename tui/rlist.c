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
	rlist_init(r);
}

size_t
rlist_find(const struct rlist *r, const char *s)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		if (ascii_casecmp(rlist_get(r, i), s) == 0)
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
	if (rlist_find(r, s) != (size_t)-1)
		return 0;
	if (at > r->n)
		at = r->n;
	grow(r);
	strlist_add(&r->text, s, strlen(s), 0);
	memmove(r->idx + at + 1, r->idx + at, (r->n - at) * sizeof *r->idx);
	r->idx[at] = (uint32_t)(r->text.n - 1);
	r->n++;
	return 1;
}

void
rlist_remove(struct rlist *r, size_t i)
{
	if (i >= r->n)
		return;
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
	return dupes;
}

void
rlist_export(const struct rlist *r, struct strlist *out)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		strlist_add(out, rlist_get(r, i), strlen(rlist_get(r, i)), 0);
}
