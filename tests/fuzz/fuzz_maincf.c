/*
 * fuzz_maincf.c: libFuzzer harness for core/maincf.c.
 *
 * Any input: maincf_write() of the parse gives the input back byte for
 * byte; after maincf_set() of a name the input defines (or of a new one),
 * every line outside that definition is still there, in order, and
 * maincf_get() returns the new value.
 *
 *   clang -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE \
 *	-Icore core/util.c core/maincf.c tests/fuzz/fuzz_maincf.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "maincf.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
sp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Independent oracle: the input with line lineno (1-based) replaced by
 * "name = value" (that line's line end) and the continuation lines after
 * it, up to the next line that starts a definition, dropped; or, with
 * lineno 0, the input plus an appended "name = value".
 */
static void
oracle(const char *s, size_t len, size_t lineno, const char *name,
    const char *value, struct buf *b)
{
	const char	*p = s, *end = s + len, *nl, *next, *q, *eol = "\n";
	size_t		 line = 0, llen;
	int		 skipping = 0;

	for (; p < end; p = next) {
		nl = memchr(p, '\n', (size_t)(end - p));
		next = nl == NULL ? end : nl + 1;
		llen = (size_t)((nl == NULL ? end : nl) - p);
		if (nl != NULL)
			eol = llen > 0 && p[llen - 1] == '\r' ? "\r\n" : "\n";
		line++;
		if (line == lineno) {
			buf_printf(b, "%s = %s%s", name, value,
			    nl == NULL ? "" : eol);
			skipping = 1;
			continue;
		}
		for (q = p; q < p + llen && sp(*q); q++)
			;
		if (skipping && q == p && llen > 0 && *p != '#')
			skipping = 0;
		if (skipping && q > p && q < p + llen && *q != '#')
			continue;
		buf_add(b, p, (size_t)(next - p));
	}
	if (lineno == 0) {
		if (len > 0 && s[len - 1] != '\n')
			buf_addstr(b, eol);
		buf_printf(b, "%s = %s%s", name, value, eol);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*in = (const char *)data;
	struct maincf	*cf;
	struct buf	 out, want;
	char		 name[32], *cause, *v;
	size_t		 n, lineno;

	cf = maincf_parse(in, size);
	buf_init(&out);
	maincf_write(cf, &out);
	if (out.len != size || (size > 0 && memcmp(out.data, in, size) != 0))
		abort();

	/* A name from the first line when it is one, else "relayhost". */
	for (n = 0; n < size && n < sizeof name - 1 && (in[n] == '_' ||
	    (in[n] >= 'a' && in[n] <= 'z') || (in[n] >= '0' && in[n] <= '9'));
	    n++)
		name[n] = in[n];
	name[n] = '\0';
	if (n == 0)
		strcpy(name, "relayhost");
	lineno = maincf_line(cf, name);
	if (maincf_set(cf, name, "new value", &cause) != 0)
		abort();
	buf_reset(&out);
	maincf_write(cf, &out);
	buf_init(&want);
	oracle(in, size, lineno, name, "new value", &want);
	if (out.len != want.len || (want.len > 0 &&
	    memcmp(out.data, want.data, want.len) != 0))
		abort();
	if ((v = maincf_get(cf, name)) == NULL || strcmp(v, "new value") != 0)
		abort();
	free(v);
	if (maincf_set(cf, "bad name", "x", &cause) == 0)
		abort();
	free(cause);
	if (maincf_set(cf, name, "x\ny", &cause) == 0)
		abort();
	free(cause);
	buf_free(&want);
	buf_free(&out);
	maincf_free(cf);
	return 0;
}
