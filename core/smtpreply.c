/*
 * smtpreply.c: the bounded SMTP reply parser.  Bytes are copied into the
 * current line until LF; a complete line is checked (code, separator,
 * consistency with the lines before it) and appended to the reply.  A
 * line over SMTP_LINE_LIMIT fails as soon as the limit is passed, so an
 * endless line costs at most SMTP_LINE_LIMIT bytes.
 */
#include "smtpreply.h"

#include <stdlib.h>
#include <string.h>

void
smtp_parser_init(struct smtp_parser *p)
{
	buf_init(&p->line);
	memset(&p->reply, 0, sizeof p->reply);
	p->cap = 0;
	p->failed = 0;
}

void
smtp_parser_free(struct smtp_parser *p)
{
	buf_free(&p->line);
	smtp_reply_free(&p->reply);
	p->cap = 0;
}

void
smtp_reply_free(struct smtp_reply *r)
{
	strv_free(r->lines);
	r->lines = NULL;
	r->nlines = 0;
	r->code = 0;
}

int
smtp_parser_pending(const struct smtp_parser *p)
{
	return p->line.len != 0 || p->reply.nlines != 0;
}

static int
fail(struct smtp_parser *p, char **cause, const char *msg)
{
	p->failed = 1;
	*cause = xstrdup(msg);
	return -1;
}

/*
 * Takes the complete line in p->line (line end removed).  Returns 1 when
 * it was the last line of the reply, 0 when more lines follow, -1 on a
 * protocol error.
 */
static int
take_line(struct smtp_parser *p, char **cause)
{
	const char	*s = p->line.data;
	size_t		 len = p->line.len;
	int		 code, last;

	if (len < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' ||
	    s[1] > '5' || s[2] < '0' || s[2] > '9')
		return fail(p, cause, "malformed reply line (no reply code)");
	if (len > 3 && s[3] != ' ' && s[3] != '-')
		return fail(p, cause, "malformed reply line (no space or "
		    "'-' after the reply code)");
	if (memchr(s, '\0', len) != NULL)
		return fail(p, cause, "malformed reply line (NUL byte)");
	code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	last = len == 3 || s[3] == ' ';
	if (p->reply.nlines == 0)
		p->reply.code = code;
	else if (code != p->reply.code) {
		p->failed = 1;
		*cause = xasprintf("inconsistent reply codes in one reply "
		    "(%d then %d)", p->reply.code, code);
		return -1;
	}
	if (p->reply.nlines >= SMTP_REPLY_MAXLINES) {
		p->failed = 1;
		*cause = xasprintf("reply has too many lines (more than %d)",
		    SMTP_REPLY_MAXLINES);
		return -1;
	}
	if (p->reply.nlines + 2 > p->cap) {
		p->cap = p->cap == 0 ? 8 : p->cap * 2;
		p->reply.lines = xreallocarray(p->reply.lines, p->cap,
		    sizeof *p->reply.lines);
	}
	p->reply.lines[p->reply.nlines++] = len > 4 ?
	    xstrndup(s + 4, len - 4) : xstrdup("");
	p->reply.lines[p->reply.nlines] = NULL;
	buf_reset(&p->line);
	return last;
}

int
smtp_parser_feed(struct smtp_parser *p, const void *data, size_t len,
    size_t *used, struct smtp_reply *out, char **cause)
{
	const char	*d = data, *nl;
	size_t		 off = 0, n;
	int		 r;

	*used = 0;
	*cause = NULL;
	memset(out, 0, sizeof *out);
	if (p->failed)
		return fail(p, cause, "SMTP reply parser used after an error");
	while (off < len) {
		nl = memchr(d + off, '\n', len - off);
		n = nl != NULL ? (size_t)(nl - (d + off)) : len - off;
		/* The line may end with CR; allow one byte for it. */
		if (p->line.len + n > SMTP_LINE_LIMIT + 1) {
			*used = off;
			p->failed = 1;
			*cause = xasprintf("reply line too long (more than "
			    "%d bytes)", SMTP_LINE_LIMIT);
			return -1;
		}
		buf_add(&p->line, d + off, n);
		off += n;
		if (nl == NULL)
			break;
		off++;			/* the LF */
		if (p->line.len > 0 && p->line.data[p->line.len - 1] == '\r')
			p->line.data[--p->line.len] = '\0';
		if (p->line.len > SMTP_LINE_LIMIT) {
			*used = off;
			p->failed = 1;
			*cause = xasprintf("reply line too long (more than "
			    "%d bytes)", SMTP_LINE_LIMIT);
			return -1;
		}
		if ((r = take_line(p, cause)) == -1) {
			*used = off;
			return -1;
		}
		if (r == 1) {
			*used = off;
			*out = p->reply;
			memset(&p->reply, 0, sizeof p->reply);
			p->cap = 0;
			return 1;
		}
	}
	/* A partial line: its bytes are kept, under the limit. */
	*used = off;
	return 0;
}

int
smtp_reply_has_ext(const struct smtp_reply *r, const char *keyword)
{
	size_t	i, klen = strlen(keyword);
	char	c;

	for (i = 1; i < r->nlines; i++) {
		if (ascii_ncasecmp(r->lines[i], keyword, klen) != 0)
			continue;
		c = r->lines[i][klen];
		if (c == '\0' || c == ' ')
			return 1;
	}
	return 0;
}
