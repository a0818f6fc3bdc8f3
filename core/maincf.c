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

/* Indexes text (taken over) into cf. */
static void
index_text(struct maincf *cf, char *text, size_t len)
{
	struct mline	*l;
	struct mdef	*d;
	struct buf	 b;
	const char	*nl;
	size_t		 off, next, lcap = 0, dcap = 0, i;
	int		 in_def = 0;

	cf->text = text;
	cf->len = len;
	cf->lines = NULL;
	cf->defs = NULL;
	cf->nlines = cf->ndefs = 0;
	for (off = 0; off < len; off = next) {
		if (cf->nlines == lcap) {
			lcap = lcap == 0 ? 64 : lcap * 2;
			cf->lines = xreallocarray(cf->lines, lcap,
			    sizeof *cf->lines);
		}
		l = &cf->lines[cf->nlines++];
		l->off = off;
		nl = memchr(text + off, '\n', len - off);
		l->len = nl == NULL ? len - off : (size_t)(nl - (text + off));
		l->nl = nl != NULL;
		l->kind = classify(text + off, l->len);
		next = off + l->len + (size_t)l->nl;

		if (l->kind == ML_START) {
			if (cf->ndefs == dcap) {
				dcap = dcap == 0 ? 32 : dcap * 2;
				cf->defs = xreallocarray(cf->defs, dcap,
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
	for (i = 0; i < cf->ndefs; i++) {
		d = &cf->defs[i];
		logical_line(cf, d, &b);
		d->namelen = split_nameval(b.data, b.len, NULL, NULL);
	}
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
	index_text(cf, text, len);
	return cf;
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

int
maincf_set(struct maincf *cf, const char *name, const char *value,
    char **cause)
{
	const struct mdef	*d;
	const struct mline	*l;
	struct buf		 out;
	const char		*eol;
	char			*text;
	size_t			 i, len;

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

	buf_init(&out);
	if ((d = find_last(cf, name)) != NULL) {
		l = &cf->lines[d->first];
		buf_add(&out, cf->text, l->off);
		buf_printf(&out, "%s = %s%s", name, value, line_end(cf, l));
		/* Keep the comment and blank lines among the continuations. */
		for (i = d->first + 1; i <= d->last; i++) {
			l = &cf->lines[i];
			if (l->kind != ML_CONT)
				buf_add(&out, cf->text + l->off,
				    l->len + (size_t)l->nl);
		}
		l = &cf->lines[d->last];
		i = l->off + l->len + (size_t)l->nl;
		buf_add(&out, cf->text + i, cf->len - i);
	} else {
		eol = file_line_end(cf);
		buf_add(&out, cf->text, cf->len);
		if (cf->len > 0 && cf->text[cf->len - 1] != '\n')
			buf_addstr(&out, eol);
		buf_printf(&out, "%s = %s%s", name, value, eol);
	}

	free(cf->text);
	free(cf->lines);
	free(cf->defs);
	text = buf_detach(&out, &len);
	index_text(cf, text, len);
	return 0;
}

void
maincf_write(const struct maincf *cf, struct buf *out)
{
	buf_add(out, cf->text, cf->len);
}
