/*
 * fuzz_table.c: libFuzzer harness for core/table.c.
 *
 * Any input: table_write() of the parse gives the input back byte for
 * byte; entries point inside the text; table_replace() removes exactly
 * the owned entries, and every line that is not one of theirs is still
 * there, in order.
 *
 *   clang -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE \
 *	-Icore core/util.c core/table.c tests/fuzz/fuzz_table.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NEWTEXT	"mxpin.example fingerprint match=AA\n"

/* Owns the keys that start with 'a'. */
static int
own_a(const char *key, size_t keylen, void *arg)
{
	(void)arg;
	return keylen > 0 && key[0] == 'a';
}

static int
sp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Independent oracle for table_replace(own_a, NEWTEXT). */
static size_t
oracle(const char *s, size_t len, struct buf *b)
{
	const char	*p = s, *end = s + len, *nl, *next, *q;
	size_t		 llen, removed = 0;
	int		 dropping = 0;

	for (; p < end; p = next) {
		nl = memchr(p, '\n', (size_t)(end - p));
		next = nl == NULL ? end : nl + 1;
		llen = (size_t)((nl == NULL ? end : nl) - p);
		for (q = p; q < p + llen && sp(*q); q++)
			;
		if (q < p + llen && *q != '#') {
			if (q == p) {
				dropping = *p == 'a';
				if (dropping && removed++ == 0)
					buf_addstr(b, NEWTEXT);
			}
			if (dropping)
				continue;
		}
		buf_add(b, p, (size_t)(next - p));
	}
	if (removed == 0) {
		if (len > 0 && s[len - 1] != '\n') {
			nl = memrchr(s, '\n', len);
			buf_addstr(b, nl != NULL && nl > s && nl[-1] == '\r' ?
			    "\r\n" : "\n");
		}
		buf_addstr(b, NEWTEXT);
	}
	return removed;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*in = (const char *)data;
	struct table		*t;
	struct table_entry	 e;
	struct buf		 out, want;
	size_t			 i, n, removed;
	char			*v;

	t = table_parse(in, size);
	buf_init(&out);
	table_write(t, &out);
	if (out.len != size || (size > 0 && memcmp(out.data, in, size) != 0))
		abort();
	n = table_count(t);
	for (i = 0; i < n; i++) {
		table_entry(t, i, &e);
		if (e.index != i || e.keylen == 0 || e.line == 0 ||
		    sp(e.key[0]) || e.key[0] == '#' ||
		    (e.valuelen > 0 && sp(e.value[e.valuelen - 1])))
			abort();
		v = table_value(t, i);
		free(v);
	}
	buf_init(&want);
	removed = oracle(in, size, &want);
	if (table_replace(t, own_a, NULL, NEWTEXT, strlen(NEWTEXT)) !=
	    removed)
		abort();
	buf_reset(&out);
	table_write(t, &out);
	if (out.len != want.len || memcmp(out.data, want.data, want.len) != 0)
		abort();
	buf_free(&want);
	buf_free(&out);
	table_free(t);
	return 0;
}
