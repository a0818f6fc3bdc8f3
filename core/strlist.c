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
strlist_reserve(struct strlist *l, size_t bytes, size_t n)
{
	buf_reserve(&l->text, bytes);
	if (l->n + n > l->cap) {
		l->cap = l->n + n;
		l->off = xreallocarray(l->off, l->cap, sizeof *l->off);
		if (l->line != NULL)
			l->line = xreallocarray(l->line, l->cap,
			    sizeof *l->line);
	}
}

void
strlist_add(struct strlist *l, const char *s, size_t len, uint32_t line)
{
	if (l->text.len + len + 1 > UINT32_MAX)
		fatal("string list larger than 4 GiB");
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->off = xreallocarray(l->off, l->cap, sizeof *l->off);
		if (l->line != NULL)
			l->line = xreallocarray(l->line, l->cap,
			    sizeof *l->line);
	}
	/* Line numbers take memory only once one is given. */
	if (line != 0 && l->line == NULL)
		l->line = xcalloc(l->cap, sizeof *l->line);
	l->off[l->n] = (uint32_t)l->text.len;
	if (l->line != NULL)
		l->line[l->n] = line;
	l->n++;
	/* Each string's NUL is part of the text (buf keeps one more). */
	buf_reserve(&l->text, len + 1);
	memcpy(l->text.data + l->text.len, s, len);
	l->text.len += len + 1;
	l->text.data[l->text.len - 1] = '\0';
	l->text.data[l->text.len] = '\0';
}

/* Hashes computed ahead and their slots prefetched, this many at once. */
#define DEDUPE_AHEAD	16

/*
 * An open-addressing set of kept indexes.  While the index fits in fewer
 * than 32 bits, the spare high bits of a slot hold a tag of the hash, so
 * that a probe past another string rarely has to read that string: with a
 * million recipients the set and the strings are far bigger than the
 * caches, and a string compare is a cache miss.
 */
size_t
strlist_dedupe(struct strlist *l)
{
	uint32_t	*set, slot, tag, imask;
	uint64_t	 h[DEDUPE_AHEAD];
	size_t		 size = 16, mask, i, j, k, kept = 0, removed;
	unsigned	 ibits = 1;

	if (l->n < 2)
		return 0;
	while (size < l->n * 2)
		size *= 2;
	mask = size - 1;
	while (ibits < 32 && ((size_t)1 << ibits) <= l->n)
		ibits++;
	imask = ibits >= 32 ? UINT32_MAX : ((uint32_t)1 << ibits) - 1;
	set = xcalloc(size, sizeof *set);	/* 0 = empty, else index+1 */
	for (i = 0; i < l->n; i++) {
		const char	*s = strlist_get(l, i);
		int		 dup = 0;

		if (i % DEDUPE_AHEAD == 0) {
			for (k = 0; k < DEDUPE_AHEAD && i + k < l->n; k++) {
				h[k] = ascii_casehash(strlist_get(l, i + k));
				__builtin_prefetch(&set[h[k] & mask]);
			}
		}
		k = i % DEDUPE_AHEAD;
		tag = ibits >= 32 ? 0 : (uint32_t)(h[k] >> 32) & ~imask;
		for (j = h[k] & mask; (slot = set[j]) != 0; j = (j + 1) & mask) {
			if ((slot & ~imask) != tag)
				continue;
			if (ascii_casecmp(strlist_get(l, (slot & imask) - 1),
			    s) == 0) {
				dup = 1;
				break;
			}
		}
		if (dup)
			continue;
		/* Slot j is empty; record the kept entry's new index. */
		l->off[kept] = l->off[i];
		if (l->line != NULL)
			l->line[kept] = l->line[i];
		set[j] = ((uint32_t)kept + 1) | tag;
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
