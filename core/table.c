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

/* Adds bytes [off, off + len) of the old text to e's kept ranges. */
static void
edit_keep(struct table_edit *e, size_t off, size_t len)
{
	struct table_range	*last;

	if (len == 0)
		return;
	/* Contiguous ranges merge, never across the insertion point. */
	if (e->nkeep > 0 && (e->removed == 0 || e->nkeep > e->insert)) {
		last = &e->keep[e->nkeep - 1];
		if (last->off + last->len == off) {
			last->len += len;
			return;
		}
	}
	if (e->nkeep == e->cap) {
		e->cap = e->cap == 0 ? 16 : e->cap * 2;
		e->keep = xreallocarray(e->keep, e->cap, sizeof *e->keep);
	}
	e->keep[e->nkeep].off = off;
	e->keep[e->nkeep].len = len;
	e->nkeep++;
}

/* One entry [off, end) of data: kept, or removed when owned. */
static void
edit_entry(struct table_edit *e, const char *data, size_t off, size_t end,
    size_t *pos, table_owned_fn owned, void *arg)
{
	size_t	llen, k, o, next;
	int	kind;

	next_line(data, off, end, &llen);
	for (k = 0; k < llen && !pf_space((unsigned char)data[off + k]); k++)
		;
	if (!owned(data + off, k, arg))
		return;
	edit_keep(e, *pos, off - *pos);
	if (e->removed++ == 0)
		e->insert = e->nkeep;
	/* Keep the comment and blank lines among the continuations. */
	for (o = off; o < end; o = next) {
		next = next_line(data, o, end, &llen);
		kind = classify(data + o, llen);
		if (kind == TL_BLANK || kind == TL_COMMENT)
			edit_keep(e, o, next - o);
	}
	*pos = end;
}

void
table_edit_plan(const char *data, size_t len, table_owned_fn owned,
    void *arg, struct table_edit *e)
{
	size_t	off, next, llen, pos = 0, eoff = 0, eend = 0;
	int	kind, have = 0;
	const char *nl;

	memset(e, 0, sizeof *e);
	for (off = 0; off < len; off = next) {
		next = next_line(data, off, len, &llen);
		kind = classify(data + off, llen);
		if (kind == TL_START) {
			if (have)
				edit_entry(e, data, eoff, eend, &pos, owned,
				    arg);
			eoff = off;
			eend = next;
			have = 1;
		} else if (kind == TL_CONT && have)
			eend = next;
	}
	if (have)
		edit_entry(e, data, eoff, eend, &pos, owned, arg);
	edit_keep(e, pos, len - pos);
	if (e->removed == 0) {
		e->insert = e->nkeep;
		if (len > 0 && data[len - 1] != '\n') {
			nl = memrchr(data, '\n', len);
			e->eol = nl != NULL && nl > data && nl[-1] == '\r' ?
			    "\r\n" : "\n";
		}
	}
}

void
table_edit_free(struct table_edit *e)
{
	free(e->keep);
	memset(e, 0, sizeof *e);
}

void
table_edit_apply(const struct table_edit *e, const char *data,
    const char *text, size_t len, struct buf *out)
{
	size_t	i;

	for (i = 0; i <= e->nkeep; i++) {
		if (i == e->insert && len > 0) {
			if (e->eol != NULL)
				buf_addstr(out, e->eol);
			buf_add(out, text, len);
			if (text[len - 1] != '\n')
				buf_addch(out, '\n');
		}
		if (i < e->nkeep)
			buf_add(out, data + e->keep[i].off, e->keep[i].len);
	}
}

size_t
table_replace(struct table *t, table_owned_fn owned, void *arg,
    const char *text, size_t len)
{
	struct table_edit	 e;
	struct buf		 out;
	size_t			 removed;
	char			*s;
	size_t			 slen;

	table_edit_plan(t->text, t->len, owned, arg, &e);
	removed = e.removed;
	if (removed == 0 && len == 0) {
		table_edit_free(&e);
		return 0;
	}
	buf_init(&out);
	buf_reserve(&out, t->len + len + 2);
	table_edit_apply(&e, t->text, text, len, &out);
	table_edit_free(&e);
	free(t->text);
	free(t->ents);
	t->ents = NULL;
	t->cap = 0;
	s = buf_detach(&out, &slen);
	index_text(t, s, slen);
	return removed;
}

void
table_write(const struct table *t, struct buf *out)
{
	buf_add(out, t->text, t->len);
}
