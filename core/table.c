/*
 * table.c: a lookup table's source text as one buffer plus a compact
 * index of its entries (three offsets each, no per-line allocation), so a
 * million-entry table parses, edits and writes in linear time.  See
 * table.h for the contracts.
 *
 * Postfix facts this file follows (postmap(1), Postfix 3.7):
 * - Logical lines as readlline(): a line starting with whitespace
 *   continues the entry before it, even across blank and comment lines;
 *   the pieces are joined with no separator (the newline goes, the
 *   continuation's leading whitespace stays).
 * - The key ends at the first whitespace (space, TAB, CR, VT, FF); the
 *   value is the rest with whitespace trimmed at both ends.  postmap -q
 *   prints that value as it is: inner whitespace is not normalized.
 * - A NUL ends the logical line as a C string.
 */
#include "table.h"

#include <stdlib.h>
#include <string.h>

struct tent {
	size_t	off;		/* first byte of the entry's first line */
	size_t	end;		/* one past its last continuation line */
	size_t	line;		/* 1-based line number */
};

struct table {
	char		*text;
	size_t		 len;
	struct tent	*ents;
	size_t		 nents;
	size_t		 cap;
};

enum tline_kind { TL_BLANK, TL_COMMENT, TL_CONT, TL_START };

/* Postfix's ISSPACE() in the C locale. */
static int
pf_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

static int
classify(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len && pf_space((unsigned char)p[i]); i++)
		;
	if (i == len)
		return TL_BLANK;
	if (p[i] == '#')
		return TL_COMMENT;
	return i > 0 ? TL_CONT : TL_START;
}

/*
 * The physical line at off (off < limit): *lenp gets the bytes before
 * its '\n'; returns the offset of the next line.
 */
static size_t
next_line(const char *text, size_t off, size_t limit, size_t *lenp)
{
	const char	*nl;

	nl = memchr(text + off, '\n', limit - off);
	if (nl == NULL) {
		*lenp = limit - off;
		return limit;
	}
	*lenp = (size_t)(nl - (text + off));
	return *lenp + off + 1;
}

/* Indexes text (taken over) into t. */
static void
index_text(struct table *t, char *text, size_t len)
{
	struct tent	*e;
	size_t		 off, next, llen, line = 0;
	int		 kind;

	t->text = text;
	t->len = len;
	t->nents = 0;
	for (off = 0; off < len; off = next) {
		next = next_line(text, off, len, &llen);
		line++;
		kind = classify(text + off, llen);
		if (kind == TL_START) {
			if (t->nents == t->cap) {
				t->cap = t->cap == 0 ? 256 : t->cap * 2;
				t->ents = xreallocarray(t->ents, t->cap,
				    sizeof *t->ents);
			}
			e = &t->ents[t->nents++];
			e->off = off;
			e->end = next;
			e->line = line;
		} else if (kind == TL_CONT && t->nents > 0)
			t->ents[t->nents - 1].end = next;
	}
}

struct table *
table_parse(const char *data, size_t len)
{
	struct table	*t;
	char		*text;

	t = xcalloc(1, sizeof *t);
	text = xmalloc(len + 1);
	if (len != 0)
		memcpy(text, data, len);
	text[len] = '\0';
	index_text(t, text, len);
	return t;
}

void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	free(t->text);
	free(t->ents);
	free(t);
}

size_t
table_count(const struct table *t)
{
	return t->nents;
}

void
table_entry(const struct table *t, size_t i, struct table_entry *out)
{
	const struct tent	*e;
	const char		*p;
	size_t			 llen, k, v, ve;

	if (i >= t->nents)
		fatal("table_entry: index %zu out of range (%zu entries)", i,
		    t->nents);
	e = &t->ents[i];
	p = t->text + e->off;
	next_line(t->text, e->off, e->end, &llen);
	for (k = 0; k < llen && !pf_space((unsigned char)p[k]); k++)
		;
	for (v = k; v < llen && pf_space((unsigned char)p[v]); v++)
		;
	for (ve = llen; ve > v && pf_space((unsigned char)p[ve - 1]); ve--)
		;
	out->key = p;
	out->keylen = k;
	out->value = p + v;
	out->valuelen = ve - v;
	out->line = e->line;
	out->index = i;
}

char *
table_value(const struct table *t, size_t i)
{
	const struct tent	*e;
	struct buf		 b;
	size_t			 off, next, llen, len, k, v;
	int			 kind;
	char			*s;

	if (i >= t->nents)
		fatal("table_value: index %zu out of range (%zu entries)", i,
		    t->nents);
	e = &t->ents[i];
	buf_init(&b);
	for (off = e->off; off < e->end; off = next) {
		next = next_line(t->text, off, e->end, &llen);
		kind = classify(t->text + off, llen);
		if (kind == TL_START || kind == TL_CONT)
			buf_add(&b, t->text + off, llen);
	}
	buf_add(&b, "", 0);	/* NUL-terminates even an empty buffer */
	len = strnlen(b.data, b.len);
	for (k = 0; k < len && !pf_space((unsigned char)b.data[k]); k++)
		;
	for (v = k; v < len && pf_space((unsigned char)b.data[v]); v++)
		;
	while (len > v && pf_space((unsigned char)b.data[len - 1]))
		len--;
	s = xstrndup(b.data + v, len - v);
	buf_free(&b);
	return s;
}

/* The line end of the last terminated line ("\r\n" or "\n"). */
static const char *
file_line_end(const struct table *t)
{
	const char	*nl;

	nl = memrchr(t->text, '\n', t->len);
	if (nl != NULL && nl > t->text && nl[-1] == '\r')
		return "\r\n";
	return "\n";
}

size_t
table_replace(struct table *t, table_owned_fn owned, void *arg,
    const char *text, size_t len)
{
	const struct tent	*e;
	struct buf		 out;
	size_t			 i, pos = 0, removed = 0, off, next, llen;
	char			*s;
	size_t			 slen;
	int			 kind;

	buf_init(&out);
	buf_reserve(&out, t->len + len + 2);
	for (i = 0; i < t->nents; i++) {
		struct table_entry	te;

		e = &t->ents[i];
		table_entry(t, i, &te);
		if (!owned(te.key, te.keylen, arg))
			continue;
		buf_add(&out, t->text + pos, e->off - pos);
		if (removed++ == 0 && len > 0) {
			buf_add(&out, text, len);
			if (text[len - 1] != '\n')
				buf_addch(&out, '\n');
		}
		/* Keep the comment and blank lines among the continuations. */
		for (off = e->off; off < e->end; off = next) {
			next = next_line(t->text, off, e->end, &llen);
			kind = classify(t->text + off, llen);
			if (kind == TL_BLANK || kind == TL_COMMENT)
				buf_add(&out, t->text + off, next - off);
		}
		pos = e->end;
	}
	buf_add(&out, t->text + pos, t->len - pos);
	if (removed == 0 && len > 0) {
		if (t->len > 0 && t->text[t->len - 1] != '\n')
			buf_addstr(&out, file_line_end(t));
		buf_add(&out, text, len);
		if (text[len - 1] != '\n')
			buf_addch(&out, '\n');
	}
	if (removed == 0 && out.len == t->len) {
		buf_free(&out);
		return 0;
	}
	free(t->text);
	s = buf_detach(&out, &slen);
	index_text(t, s, slen);
	return removed;
}

void
table_write(const struct table *t, struct buf *out)
{
	buf_add(out, t->text, t->len);
}
