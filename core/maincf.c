/*
 * maincf.c: main.cf kept as its original bytes plus an index of physical
 * lines and definitions, so that an edit rewrites only the lines of the
 * definition it replaces.  See maincf.h for the contracts.
 *
 * Postfix facts this file follows (checked against Postfix 3.7 postconf):
 * - readlline() joins a definition and its continuation lines with no
 *   separator at all: the newline goes, the continuation's leading
 *   whitespace stays.  Blank lines, whitespace-only lines and comment
 *   lines (first non-blank '#', indented or not) between continuation
 *   lines are skipped and do NOT end the logical line.
 * - A CRLF line's '\r' is ordinary whitespace to Postfix; a NUL ends the
 *   logical line as a C string.
 * - split_nameval(): the name runs up to whitespace or '='; '=' may follow
 *   after whitespace; the value is trimmed at both ends.
 * - postconf -n prints the value with every run of " \t\r\n" turned into
 *   one space (pcf_print_line); '\v' and '\f' are kept.
 * - A continuation line with no definition before it is ignored (with a
 *   warning) together with the continuation lines that follow it.
 */
#include "maincf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* How readlline() sees one physical line. */
enum mline_kind {
	ML_BLANK,		/* empty or whitespace only */
	ML_COMMENT,		/* first non-blank is '#' */
	ML_CONT,		/* starts with whitespace: continues */
	ML_START		/* starts a logical line */
};

struct mline {
	size_t	off;		/* first byte in text */
	size_t	len;		/* bytes before the '\n' (CRLF: '\r' counted) */
	int	nl;		/* ends in '\n' */
	int	kind;
};

struct mdef {
	size_t	first;		/* index of the ML_START line */
	size_t	last;		/* index of its last ML_CONT line, or first */
	size_t	namelen;	/* name at lines[first].off; 0: not name=value */
};

struct maincf {
	char		*text;
	size_t		 len;
	struct mline	*lines;
	size_t		 nlines;
	struct mdef	*defs;
	size_t		 ndefs;
	size_t		 lcap;		/* allocated lines */
	size_t		 dcap;		/* allocated defs */
};

/* Postfix's ISSPACE() in the C locale. */
static int
pf_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

/* The separators postconf normalizes when it prints a value. */
static int
pcf_separator(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
classify(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len && pf_space((unsigned char)p[i]); i++)
		;
	if (i == len)
		return ML_BLANK;
	if (p[i] == '#')
		return ML_COMMENT;
	return i > 0 ? ML_CONT : ML_START;
}

/* The logical line of definition d, as readlline() returns it, into b. */
static void
logical_line(const struct maincf *cf, const struct mdef *d, struct buf *b)
{
	const struct mline	*l;
	size_t			 i;

	buf_reset(b);
	for (i = d->first; i <= d->last; i++) {
		l = &cf->lines[i];
		if (l->kind == ML_START || l->kind == ML_CONT)
			buf_add(b, cf->text + l->off, l->len);
	}
	buf_add(b, "", 0);	/* NUL-terminates even an empty buffer */
}

/*
 * split_nameval() over a logical line (cut at its first NUL): the length
 * of the name, 0 when the line is not "name = value"; *valp and *vlenp
 * receive the trimmed value.
 */
static size_t
split_nameval(const char *s, size_t len, const char **valp, size_t *vlenp)
{
	size_t	ne, i, ve;

	len = strnlen(s, len);
	for (ne = 0; ne < len && !pf_space((unsigned char)s[ne]) &&
	    s[ne] != '='; ne++)
		;
	for (i = ne; i < len && pf_space((unsigned char)s[i]); i++)
		;
	if (ne == 0 || i == len || s[i] != '=')
		return 0;
	for (i++; i < len && pf_space((unsigned char)s[i]); i++)
		;
	for (ve = len; ve > i && pf_space((unsigned char)s[ve - 1]); ve--)
		;
	if (valp != NULL) {
		*valp = s + i;
		*vlenp = ve - i;
	}
	return ne;
}

/*
 * The name length of the definition whose START line is l, as
 * split_nameval() finds it over the logical line.  The common case, the
 * '=' on the first line, is decided there; anything else (the '=' on a
 * continuation line, a NUL) joins the logical line.
 */
static size_t
def_namelen(const struct maincf *cf, const struct mdef *d, struct buf *b)
{
	const struct mline	*l = &cf->lines[d->first];
	const char		*s = cf->text + l->off;
	size_t			 ne, i;

	for (ne = 0; ne < l->len && s[ne] != '\0' &&
	    !pf_space((unsigned char)s[ne]) && s[ne] != '='; ne++)
		;
	for (i = ne; i < l->len && s[i] != '\0' &&
	    pf_space((unsigned char)s[i]); i++)
		;
	if (i < l->len && s[i] != '\0')
		return s[i] == '=' ? ne : 0;
	logical_line(cf, d, b);
	return split_nameval(b->data, b->len, NULL, NULL);
}

/*
 * Indexes the physical lines of cf->text from byte off to the end,
 * appending to cf->lines and cf->defs.  off is a line start that is not
 * inside a definition: nothing before it continues into it.
 */
static void
index_from(struct maincf *cf, size_t off)
{
	struct mline	*l;
	struct mdef	*d;
	struct buf	 b;
	const char	*nl;
	size_t		 next, i, d0 = cf->ndefs;
	int		 in_def = 0;

	for (; off < cf->len; off = next) {
		if (cf->nlines == cf->lcap) {
			cf->lcap = cf->lcap == 0 ? 64 : cf->lcap * 2;
			cf->lines = xreallocarray(cf->lines, cf->lcap,
			    sizeof *cf->lines);
		}
		l = &cf->lines[cf->nlines++];
		l->off = off;
		nl = memchr(cf->text + off, '\n', cf->len - off);
		l->len = nl == NULL ? cf->len - off :
		    (size_t)(nl - (cf->text + off));
		l->nl = nl != NULL;
		l->kind = classify(cf->text + off, l->len);
		next = off + l->len + (size_t)l->nl;

		if (l->kind == ML_START) {
			if (cf->ndefs == cf->dcap) {
				cf->dcap = cf->dcap == 0 ? 32 : cf->dcap * 2;
				cf->defs = xreallocarray(cf->defs, cf->dcap,
				    sizeof *cf->defs);
			}
			d = &cf->defs[cf->ndefs++];
			d->first = d->last = cf->nlines - 1;
			d->namelen = 0;
			in_def = 1;
		} else if (l->kind == ML_CONT && in_def)
			cf->defs[cf->ndefs - 1].last = cf->nlines - 1;
	}

	buf_init(&b);
	for (i = d0; i < cf->ndefs; i++)
		cf->defs[i].namelen = def_namelen(cf, &cf->defs[i], &b);
	buf_free(&b);
}

struct maincf *
maincf_parse(const char *data, size_t len)
{
	struct maincf	*cf;
	char		*text;

	cf = xcalloc(1, sizeof *cf);
	text = xmalloc(len + 1);
	if (len != 0)
		memcpy(text, data, len);
	text[len] = '\0';
	cf->text = text;
	cf->len = len;
	index_from(cf, 0);
	return cf;
}

struct maincf *
maincf_clone(const struct maincf *cf)
{
	struct maincf	*c = xcalloc(1, sizeof *c);

	c->text = xmalloc(cf->len + 1);
	memcpy(c->text, cf->text, cf->len + 1);
	c->len = cf->len;
	c->nlines = c->lcap = cf->nlines;
	c->ndefs = c->dcap = cf->ndefs;
	c->lines = xreallocarray(NULL, c->lcap + 1, sizeof *c->lines);
	c->defs = xreallocarray(NULL, c->dcap + 1, sizeof *c->defs);
	if (cf->nlines != 0)
		memcpy(c->lines, cf->lines, cf->nlines * sizeof *c->lines);
	if (cf->ndefs != 0)
		memcpy(c->defs, cf->defs, cf->ndefs * sizeof *c->defs);
	return c;
}

void
maincf_free(struct maincf *cf)
{
	if (cf == NULL)
		return;
	free(cf->text);
	free(cf->lines);
	free(cf->defs);
	free(cf);
}

/* The last definition of name, or NULL. */
static const struct mdef *
find_last(const struct maincf *cf, const char *name)
{
	const struct mdef	*d;
	size_t			 i, n = strlen(name);

	if (n == 0)
		return NULL;
	for (i = cf->ndefs; i > 0; i--) {
		d = &cf->defs[i - 1];
		if (d->namelen == n && memcmp(cf->text +
		    cf->lines[d->first].off, name, n) == 0)
			return d;
	}
	return NULL;
}

char *
maincf_get(const struct maincf *cf, const char *name)
{
	const struct mdef	*d;
	struct buf		 b, out;
	const char		*v;
	size_t			 vlen, i;
	int			 gap = 0;

	if ((d = find_last(cf, name)) == NULL)
		return NULL;
	buf_init(&b);
	buf_init(&out);
	logical_line(cf, d, &b);
	split_nameval(b.data, b.len, &v, &vlen);
	for (i = 0; i < vlen; i++) {
		if (pcf_separator((unsigned char)v[i])) {
			gap = 1;
			continue;
		}
		if (gap && out.len > 0)
			buf_addch(&out, ' ');
		gap = 0;
		buf_addch(&out, v[i]);
	}
	buf_free(&b);
	buf_add(&out, "", 0);	/* NUL-terminates even an empty value */
	return buf_detach(&out, NULL);
}

size_t
maincf_line(const struct maincf *cf, const char *name)
{
	const struct mdef	*d;

	if ((d = find_last(cf, name)) == NULL)
		return 0;
	return d->first + 1;
}

/* The line end of line l ("\r\n", "\n" or ""). */
static const char *
line_end(const struct maincf *cf, const struct mline *l)
{
	if (!l->nl)
		return "";
	if (l->len > 0 && cf->text[l->off + l->len - 1] == '\r')
		return "\r\n";
	return "\n";
}

/* The file's line-end style: that of its last terminated line. */
static const char *
file_line_end(const struct maincf *cf)
{
	size_t	i;

	for (i = cf->nlines; i > 0; i--)
		if (cf->lines[i - 1].nl)
			return line_end(cf, &cf->lines[i - 1]);
	return "\n";
}

static int
valid_name(const char *name)
{
	const char	*p;

	if (*name == '\0')
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

/*
 * Replaces cf->text[start, end) with len bytes of data, keeping the text
 * NUL-terminated.  Line and definition offsets are the caller's to fix.
 */
static void
splice_text(struct maincf *cf, size_t start, size_t end, const char *data,
    size_t len)
{
	size_t	newlen = cf->len - (end - start) + len;

	if (newlen > cf->len)
		cf->text = xreallocarray(cf->text, newlen + 1, 1);
	memmove(cf->text + start + len, cf->text + end, cf->len - end + 1);
	if (len != 0)
		memcpy(cf->text + start, data, len);
	if (newlen < cf->len)
		cf->text = xreallocarray(cf->text, newlen + 1, 1);
	cf->len = newlen;
}

/*
 * Definition di becomes "name = value" plus its first line's end, followed
 * by the comment and blank lines that stood among its continuation lines.
 * Only the index entries after it move: a rotation on a 100,000-line
 * main.cf costs what it changes, not a re-parse per parameter.
 */
static void
replace_def(struct maincf *cf, size_t di, const char *name, const char *value)
{
	struct mdef	*d = &cf->defs[di];
	struct mline	*L = cf->lines;
	struct buf	 frag;
	const char	*eol = line_end(cf, &L[d->first]);
	size_t		 first = d->first, last = d->last, i, w, o, gone;
	size_t		 start = L[first].off;
	size_t		 end = L[last].off + L[last].len + (size_t)L[last].nl;

	buf_init(&frag);
	buf_printf(&frag, "%s = %s%s", name, value, eol);
	for (i = first + 1; i <= last; i++)
		if (L[i].kind != ML_CONT)
			buf_add(&frag, cf->text + L[i].off,
			    L[i].len + (size_t)L[i].nl);
	splice_text(cf, start, end, frag.data, frag.len);

	L[first].len = strlen(name) + 3 + strlen(value) + (*eol == '\r');
	L[first].nl = *eol != '\0';
	L[first].kind = ML_START;
	o = start + L[first].len + (size_t)L[first].nl;
	for (i = w = first + 1; i <= last; i++) {
		if (L[i].kind == ML_CONT)
			continue;
		L[w] = L[i];
		L[w].off = o;
		o += L[w].len + (size_t)L[w].nl;
		w++;
	}
	gone = last + 1 - w;
	memmove(&L[w], &L[last + 1], (cf->nlines - last - 1) * sizeof *L);
	cf->nlines -= gone;
	for (i = w; i < cf->nlines; i++)
		L[i].off = L[i].off - end + o;
	d->last = first;
	d->namelen = strlen(name);
	for (i = di + 1; i < cf->ndefs; i++) {
		cf->defs[i].first -= gone;
		cf->defs[i].last -= gone;
	}
	buf_free(&frag);
}

/* Appends "name = value" as a new last definition. */
static void
append_def(struct maincf *cf, const char *name, const char *value)
{
	struct buf	 add;
	struct mline	*l;
	const char	*eol = file_line_end(cf);
	size_t		 off;

	buf_init(&add);
	if (cf->len > 0 && cf->text[cf->len - 1] != '\n') {
		/* The unterminated last line gets the file's line end. */
		buf_addstr(&add, eol);
		l = &cf->lines[cf->nlines - 1];
		l->len += strlen(eol) - 1;
		l->nl = 1;
	}
	off = cf->len + add.len;
	buf_printf(&add, "%s = %s%s", name, value, eol);
	splice_text(cf, cf->len, cf->len, add.data, add.len);
	index_from(cf, off);
	buf_free(&add);
}

int
maincf_set(struct maincf *cf, const char *name, const char *value,
    char **cause)
{
	const struct mdef	*d;

	*cause = NULL;
	if (!valid_name(name)) {
		*cause = xasprintf("bad parameter name \"%s\": expected "
		    "letters, digits and '_'", name);
		return -1;
	}
	if (strpbrk(value, "\r\n") != NULL) {
		*cause = xasprintf("value of %s holds a line break", name);
		return -1;
	}
	if ((d = find_last(cf, name)) != NULL)
		replace_def(cf, (size_t)(d - cf->defs), name, value);
	else
		append_def(cf, name, value);
	return 0;
}

void
maincf_write(const struct maincf *cf, struct buf *out)
{
	buf_add(out, cf->text, cf->len);
}
