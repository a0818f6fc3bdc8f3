/*
 * json.c: the JSON writer.  See json.h for the contracts.
 */
#include "json.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Container states on the stack. */
#define J_ARRAY		0x01	/* else an object */
#define J_ITEMS		0x02	/* holds an item: the next needs a comma */
#define J_KEYED		0x04	/* object: a key waits for its value */

void
json_init(struct json *j, struct buf *out)
{
	memset(j, 0, sizeof *j);
	j->out = out;
}

int
json_finish(struct json *j)
{
	int	r = j->misuse || !j->done || j->depth != 0 ? -1 : 0;

	free(j->stack);
	j->stack = NULL;
	j->depth = j->cap = 0;
	return r;
}

/* Whether a value may go here; writes the comma before it if needed. */
static int
value_begin(struct json *j)
{
	unsigned char	*top;

	if (j->depth == 0) {
		if (j->done) {
			j->misuse = 1;
			return 0;
		}
		return 1;
	}
	top = &j->stack[j->depth - 1];
	if (*top & J_ARRAY) {
		if (*top & J_ITEMS)
			buf_addch(j->out, ',');
		*top |= J_ITEMS;
		return 1;
	}
	if (!(*top & J_KEYED)) {
		j->misuse = 1;
		return 0;
	}
	*top &= ~J_KEYED;
	return 1;
}

/* After a complete value: at the top, the document is done. */
static void
value_end(struct json *j)
{
	if (j->depth == 0)
		j->done = 1;
}

static void
open_container(struct json *j, unsigned char state, char c)
{
	if (!value_begin(j))
		return;
	if (j->depth == j->cap) {
		j->cap = j->cap == 0 ? 8 : j->cap * 2;
		j->stack = xreallocarray(j->stack, j->cap, 1);
	}
	j->stack[j->depth++] = state;
	buf_addch(j->out, c);
}

static void
close_container(struct json *j, int array, char c)
{
	unsigned char	top;

	if (j->depth == 0) {
		j->misuse = 1;
		return;
	}
	top = j->stack[j->depth - 1];
	if (!(top & J_ARRAY) != !array || (top & J_KEYED)) {
		j->misuse = 1;
		return;
	}
	j->depth--;
	buf_addch(j->out, c);
	value_end(j);
}

void
json_object_begin(struct json *j)
{
	open_container(j, 0, '{');
}

void
json_object_end(struct json *j)
{
	close_container(j, 0, '}');
}

void
json_array_begin(struct json *j)
{
	open_container(j, J_ARRAY, '[');
}

void
json_array_end(struct json *j)
{
	close_container(j, 1, ']');
}

void
json_key(struct json *j, const char *key)
{
	unsigned char	*top;

	if (j->depth == 0 || (j->stack[j->depth - 1] &
	    (J_ARRAY | J_KEYED))) {
		j->misuse = 1;
		return;
	}
	top = &j->stack[j->depth - 1];
	if (*top & J_ITEMS)
		buf_addch(j->out, ',');
	*top |= J_ITEMS | J_KEYED;
	json_quote(j->out, key, strlen(key));
	buf_addch(j->out, ':');
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0
 * when ill-formed; then *badp is the length of its maximal part (at least
 * 1), which becomes one U+FFFD.
 */
static size_t
utf8_len(const unsigned char *s, size_t n, size_t *badp)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		need, i;

	*badp = 1;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		if (s[0] == 0xe0)
			lo = 0xa0;		/* no overlong forms */
		else if (s[0] == 0xed)
			hi = 0x9f;		/* no surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;		/* nothing past U+10FFFF */
	} else
		return 0;
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*badp = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

void
json_quote(struct buf *out, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, run, n, bad;
	char			 esc[7];

	buf_reserve(out, len + 2);
	buf_addch(out, '"');
	while (i < len) {
		/* Copy plain ASCII and well-formed UTF-8 in runs. */
		for (run = i; i < len; i += n) {
			if (p[i] < 0x80) {
				if (p[i] < 0x20 || p[i] == '"' || p[i] == '\\')
					break;
				n = 1;
			} else if ((n = utf8_len(p + i, len - i, &bad)) == 0)
				break;
		}
		if (i > run)
			buf_add(out, p + run, i - run);
		if (i == len)
			break;
		if (p[i] >= 0x80) {
			utf8_len(p + i, len - i, &bad);
			buf_addstr(out, "\xef\xbf\xbd");
			i += bad;
			continue;
		}
		switch (p[i]) {
		case '"':
			buf_addstr(out, "\\\"");
			break;
		case '\\':
			buf_addstr(out, "\\\\");
			break;
		case '\b':
			buf_addstr(out, "\\b");
			break;
		case '\f':
			buf_addstr(out, "\\f");
			break;
		case '\n':
			buf_addstr(out, "\\n");
			break;
		case '\r':
			buf_addstr(out, "\\r");
			break;
		case '\t':
			buf_addstr(out, "\\t");
			break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			buf_add(out, esc, 6);
			break;
		}
		i++;
	}
	buf_addch(out, '"');
}

void
json_stringn(struct json *j, const char *s, size_t len)
{
	if (!value_begin(j))
		return;
	json_quote(j->out, s, len);
	value_end(j);
}

void
json_string(struct json *j, const char *s)
{
	json_stringn(j, s, strlen(s));
}

void
json_int(struct json *j, intmax_t v)
{
	if (!value_begin(j))
		return;
	buf_printf(j->out, "%jd", v);
	value_end(j);
}

void
json_uint(struct json *j, uintmax_t v)
{
	if (!value_begin(j))
		return;
	buf_printf(j->out, "%ju", v);
	value_end(j);
}

void
json_double(struct json *j, double v)
{
	if (!value_begin(j))
		return;
	if (isfinite(v)) {
		char		 num[64], *dp;
		const char	*lp = localeconv()->decimal_point;
		size_t		 lpn = strlen(lp);

		/* The wizard sets a locale: its decimal point is not JSON's. */
		snprintf(num, sizeof num, "%.17g", v);
		if (lpn > 0 && strcmp(lp, ".") != 0 &&
		    (dp = strstr(num, lp)) != NULL) {
			*dp = '.';
			memmove(dp + 1, dp + lpn, strlen(dp + lpn) + 1);
		}
		buf_addstr(j->out, num);
	} else
		buf_addstr(j->out, "null");
	value_end(j);
}

void
json_bool(struct json *j, int v)
{
	if (!value_begin(j))
		return;
	buf_addstr(j->out, v ? "true" : "false");
	value_end(j);
}

void
json_null(struct json *j)
{
	if (!value_begin(j))
		return;
	buf_addstr(j->out, "null");
	value_end(j);
}
