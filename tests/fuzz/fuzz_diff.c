/*
 * fuzz_diff.c: libFuzzer harness for diff_unified.  The input is split in
 * two halves; their diff is applied to the first by a small hunk applier
 * that trusts nothing (line numbers, counts, context and the "\ No
 * newline" marker are all checked) and must give the second, byte for
 * byte.  The counts in diff_stat must match the text.
 *
 * clang -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Icore \
 *     core/util.c core/diff.c tests/fuzz/fuzz_diff.c
 * Adding -DDIFF_BIG=2 -DDIFF_COST_MIN=1 sends small inputs through the
 * hash-only first pass and past the cost limit as well.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct text {
	const char	*p;
	size_t		 len;
	size_t		 off;		/* read position */
	size_t		 line;		/* lines consumed (0-based next) */
};

/* The next line of t (newline included if any); 0 at the end. */
static size_t
next_line(struct text *t, const char **lp)
{
	const char	*nl;
	size_t		 n;

	if (t->off >= t->len)
		return 0;
	*lp = t->p + t->off;
	nl = memchr(*lp, '\n', t->len - t->off);
	n = nl == NULL ? t->len - t->off : (size_t)(nl - *lp) + 1;
	t->off += n;
	t->line++;
	return n;
}

/* Lines in out so far (out ends at a line boundary between hunks). */
static size_t
out_lines(const struct buf *out)
{
	size_t	i, n = 0;

	for (i = 0; i < out->len; i++)
		n += out->data[i] == '\n';
	return n;
}

static size_t
num(const char **s)
{
	size_t	v = 0;

	if (**s < '0' || **s > '9')
		abort();
	while (**s >= '0' && **s <= '9')
		v = v * 10 + (size_t)(*(*s)++ - '0');
	return v;
}

/* Parses "N" or "N,C" into the first line (1-based) and the count. */
static void
range(const char **s, size_t *first, size_t *count)
{
	*first = num(s);
	*count = 1;
	if (**s == ',') {
		(*s)++;
		*count = num(s);
	}
}

/* Applies diff d to a; the result goes to out.  Aborts on anything wrong. */
static void
apply(const char *a, size_t alen, const struct buf *d, struct buf *out,
    struct diff_stat *seen)
{
	struct text	 src = { a, alen, 0, 0 }, dt = { d->data, d->len, 0, 0 };
	const char	*l, *s, *dl, *prev = NULL;
	size_t		 n, dn, prevn = 0, first0, count0, first1, count1;
	size_t		 want0, got0, got1, prevwhere = 0;

	memset(seen, 0, sizeof *seen);
	if (d->len == 0)
		goto copy;
	if ((dn = next_line(&dt, &dl)) < 4 || memcmp(dl, "--- a\n", 6) != 0)
		abort();
	if ((dn = next_line(&dt, &dl)) < 4 || memcmp(dl, "+++ b\n", 6) != 0)
		abort();
	while ((dn = next_line(&dt, &dl)) != 0) {
		if (dn < 4 || memcmp(dl, "@@ -", 4) != 0)
			abort();
		s = dl + 4;
		range(&s, &first0, &count0);
		if (*s++ != ' ' || *s++ != '+')
			abort();
		range(&s, &first1, &count1);
		if (strncmp(s, " @@\n", 4) != 0 || s + 4 != dl + dn)
			abort();
		seen->hunks++;
		/* "L,0" names the line before; L is the first line else. */
		want0 = count0 == 0 ? first0 : first0 - 1;
		if (count0 != 0 && first0 == 0)
			abort();
		if (want0 < src.line)
			abort();			/* hunks out of order */
		while (src.line < want0) {
			if ((n = next_line(&src, &l)) == 0)
				abort();
			buf_add(out, l, n);
		}
		/* The new text's numbering agrees with what is written. */
		if ((count1 == 0 ? first1 : first1 - 1) != out_lines(out))
			abort();
		got0 = got1 = 0;
		prev = NULL;
		while (got0 < count0 || got1 < count1) {
			if ((dn = next_line(&dt, &dl)) == 0)
				abort();
			if (dl[0] == '\\') {
				if (prev == NULL || dn != 28 || memcmp(dl,
				    "\\ No newline at end of file\n", 28) != 0)
					abort();
				/* Drop the newline the previous line ends with. */
				if (prevwhere == 1 || prevwhere == 3)
					out->len--, out->data[out->len] = '\0';
				prev = NULL;
				continue;
			}
			if (dl[dn - 1] != '\n')
				abort();
			switch (dl[0]) {
			case ' ':
			case '-':
				if ((n = next_line(&src, &l)) == 0)
					abort();
				/* Old line: compare, allowing a missing newline. */
				if (!(n == dn - 1 && memcmp(l, dl + 1, n) == 0) &&
				    !(n == dn - 2 && l[n - 1] != '\n' &&
				    memcmp(l, dl + 1, n) == 0))
					abort();
				got0++;
				if (dl[0] == ' ') {
					buf_add(out, dl + 1, dn - 1);
					got1++;
					prevwhere = 1;
				} else {
					seen->removed++;
					prevwhere = 2;
				}
				break;
			case '+':
				buf_add(out, dl + 1, dn - 1);
				got1++;
				seen->added++;
				prevwhere = 3;
				break;
			default:
				abort();
			}
			prev = dl;
			prevn = dn;
		}
		if (got0 != count0 || got1 != count1)
			abort();
		/* A trailing marker belongs to the hunk's last line. */
		if (dt.off < dt.len && dt.p[dt.off] == '\\') {
			dn = next_line(&dt, &dl);
			if (dn != 28 || memcmp(dl,
			    "\\ No newline at end of file\n", 28) != 0)
				abort();
			if (prevwhere == 1 || prevwhere == 3)
				out->len--, out->data[out->len] = '\0';
		}
	}
	(void)prevn;
copy:
	while ((n = next_line(&src, &l)) != 0)
		buf_add(out, l, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*a = (const char *)data;
	size_t			 alen = size / 2;
	const char		*b = a + alen;
	size_t			 blen = size - alen;
	struct buf		 d, out;
	struct diff_stat	 st, seen;

	buf_init(&d);
	buf_init(&out);
	diff_unified(a, alen, b, blen, "a", "b", &d, &st);
	if ((d.len == 0) != (alen == blen && memcmp(a, b, alen) == 0))
		abort();
	apply(a, alen, &d, &out, &seen);
	if (out.len != blen || (blen > 0 && memcmp(out.data, b, blen) != 0))
		abort();
	if (seen.added != st.added || seen.removed != st.removed ||
	    seen.hunks != st.hunks)
		abort();
	buf_free(&d);
	buf_free(&out);
	return 0;
}
