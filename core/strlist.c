/*
 * strlist.c: packed string lists and their de-duplication.
 */
#include "strlist.h"

#include <stdlib.h>
#include <string.h>

void
strlist_init(struct strlist *l)
{
	memset(l, 0, sizeof *l);
	buf_init(&l->text);
}

void
strlist_free(struct strlist *l)
{
	buf_free(&l->text);
	free(l->off);
	free(l->line);
	strlist_init(l);
}

void
strlist_add(struct strlist *l, const char *s, size_t len, uint32_t line)
{
	if (l->text.len + len + 1 > UINT32_MAX)
		fatal("string list larger than 4 GiB");
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->off = xreallocarray(l->off, l->cap, sizeof *l->off);
		l->line = xreallocarray(l->line, l->cap, sizeof *l->line);
	}
	l->off[l->n] = (uint32_t)l->text.len;
	l->line[l->n] = line;
	l->n++;
	buf_add(&l->text, s, len);
	buf_addch(&l->text, '\0');
}

size_t
strlist_dedupe(struct strlist *l)
{
	uint32_t	*set;
	size_t		 size = 16, mask, i, j, kept = 0, removed;
	uint64_t	 h;

	if (l->n < 2)
		return 0;
	while (size < l->n * 2)
		size *= 2;
	mask = size - 1;
	set = xcalloc(size, sizeof *set);	/* 0 = empty, else index+1 */
	for (i = 0; i < l->n; i++) {
		const char *s = strlist_get(l, i);
		int dup = 0;

		h = ascii_casehash(s);
		for (j = h & mask; set[j] != 0; j = (j + 1) & mask) {
			if (ascii_casecmp(strlist_get(l, set[j] - 1), s) == 0) {
				dup = 1;
				break;
			}
		}
		if (dup)
			continue;
		/* Slot j is empty; record the kept entry's new index. */
		l->off[kept] = l->off[i];
		l->line[kept] = l->line[i];
		set[j] = (uint32_t)kept + 1;
		kept++;
	}
	free(set);
	removed = l->n - kept;
	l->n = kept;
	return removed;
}

size_t
strlist_find(const struct strlist *l, const char *s)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (ascii_casecmp(strlist_get(l, i), s) == 0)
			return i;
	return (size_t)-1;
}
