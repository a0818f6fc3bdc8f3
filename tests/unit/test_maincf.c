/*
 * test_maincf.c: core/maincf.c keeps every byte it does not own, reads
 * values as postconf -n prints them, and edits only the lines of the
 * definition it replaces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "maincf.h"
#include "util.h"

#include "corpus.h"

#define NEWVAL	"mxpin-test value"

static struct maincf *
parse_str(const char *s)
{
	return maincf_parse(s, strlen(s));
}

/* The text of cf, NUL-terminated; caller frees. */
static char *
text_of(const struct maincf *cf, size_t *lenp)
{
	struct buf	b;

	buf_init(&b);
	maincf_write(cf, &b);
	buf_add(&b, "", 0);
	return buf_detach(&b, lenp);
}

static void
assert_text(const struct maincf *cf, const char *want)
{
	size_t	 len;
	char	*got = text_of(cf, &len);

	assert_int_equal(len, strlen(want));
	assert_string_equal(got, want);
	free(got);
}

static void
assert_get(const struct maincf *cf, const char *name, const char *want)
{
	char	*v = maincf_get(cf, name);

	if (want == NULL) {
		assert_null(v);
		return;
	}
	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

/*
 * Test oracle, written apart from maincf.c: is the physical line p (len
 * bytes, no '\n') a continuation line (starts with whitespace, holds
 * something that is not whitespace, first non-blank is not '#')?
 */
static int
oracle_is_cont(const char *p, size_t len)
{
	size_t	i = 0;

	while (i < len && strchr(" \t\r\v\f", p[i]) != NULL && p[i] != '\0')
		i++;
	return i > 0 && i < len && p[i] != '#';
}

static int
oracle_is_start(const char *p, size_t len)
{
	return len > 0 &&
	    (p[0] == '\0' || strchr(" \t\r\v\f#", p[0]) == NULL);
}

/* The names at the start of lines "name = ..." / "name=...". */
static char **
oracle_names(const char *s, size_t len, size_t *np)
{
	const char	*p = s, *end = s + len, *nl, *q;
	char		**v = NULL;
	size_t		 n = 0;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (q = p; q < nl && (*q == '_' || (*q >= 'a' && *q <= 'z') ||
		    (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9')); q++)
			;
		if (q == p)
			continue;
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrndup(p, (size_t)(q - p));
	}
	v = xreallocarray(v, n + 1, sizeof *v);
	v[n] = NULL;
	*np = n;
	return v;
}

/*
 * What setting name = value on line lineno (1-based) must give: the lines
 * before it unchanged, "name = value" with that line's line end, the
 * continuation lines up to the next definition dropped, every other line
 * unchanged.
 */
static char *
oracle_replace(const char *s, size_t len, size_t lineno, const char *name,
    const char *value, size_t *outlen)
{
	struct buf	 b;
	const char	*p = s, *end = s + len, *nl, *next;
	size_t		 line = 0, llen;
	int		 skipping = 0;

	buf_init(&b);
	for (; p < end; p = next) {
		nl = memchr(p, '\n', (size_t)(end - p));
		next = nl == NULL ? end : nl + 1;
		llen = (size_t)((nl == NULL ? end : nl) - p);
		line++;
		if (line == lineno) {
			buf_printf(&b, "%s = %s", name, value);
			if (nl != NULL && llen > 0 && p[llen - 1] == '\r')
				buf_addstr(&b, "\r\n");
			else if (nl != NULL)
				buf_addch(&b, '\n');
			skipping = 1;
			continue;
		}
		if (skipping && oracle_is_start(p, llen))
			skipping = 0;
		if (skipping && oracle_is_cont(p, llen))
			continue;
		buf_add(&b, p, (size_t)(next - p));
	}
	buf_add(&b, "", 0);
	return buf_detach(&b, outlen);
}

static void
test_roundtrip_corpus(void **state)
{
	struct buf	 in;
	struct maincf	*cf;
	char		**files, *out;
	size_t		 n, i, len;

	(void)state;
	files = corpus_files("main.cf", &n);
	assert_true(n >= 12);
	for (i = 0; i < n; i++) {
		corpus_read(files[i], &in);
		cf = maincf_parse(in.data, in.len);
		out = text_of(cf, &len);
		if (len != in.len || memcmp(out, in.data, len) != 0)
			fail_msg("%s: written text differs from the input",
			    files[i]);
		free(out);
		maincf_free(cf);
		buf_free(&in);
	}
	strv_free(files);
}

static void
test_set_corpus_only_managed_lines(void **state)
{
	struct buf	 in;
	struct maincf	*cf;
	char		**files, **names, *out, *want, *cause, *v;
	size_t		 nf, nn, i, j, len, wlen, lineno, checked = 0;

	(void)state;
	files = corpus_files("main.cf", &nf);
	assert_true(nf >= 12);
	for (i = 0; i < nf; i++) {
		corpus_read(files[i], &in);
		names = oracle_names(in.data, in.len, &nn);
		for (j = 0; j < nn; j++) {
			cf = maincf_parse(in.data, in.len);
			if ((lineno = maincf_line(cf, names[j])) == 0) {
				/* "name" without '=': not a definition. */
				maincf_free(cf);
				continue;
			}
			if (maincf_set(cf, names[j], NEWVAL, &cause) != 0)
				fail_msg("%s: %s", files[i], cause);
			out = text_of(cf, &len);
			want = oracle_replace(in.data, in.len, lineno,
			    names[j], NEWVAL, &wlen);
			if (len != wlen || memcmp(out, want, len) != 0)
				fail_msg("%s: set %s (line %zu) changed other "
				    "lines", files[i], names[j], lineno);
			v = maincf_get(cf, names[j]);
			assert_non_null(v);
			assert_string_equal(v, NEWVAL);
			assert_int_equal(maincf_line(cf, names[j]), lineno);
			free(v);
			free(want);
			free(out);
			maincf_free(cf);
			checked++;
		}
		strv_free(names);

		/* A new name goes at the end, after a line end if needed. */
		cf = maincf_parse(in.data, in.len);
		assert_int_equal(maincf_set(cf, "mxpin_new_param", "x",
		    &cause), 0);
		out = text_of(cf, &len);
		assert_true(len > in.len);
		assert_memory_equal(out, in.data, in.len);
		free(out);
		assert_get(cf, "mxpin_new_param", "x");
		free(maincf_get(cf, "mxpin_new_param"));
		maincf_free(cf);
		buf_free(&in);
	}
	assert_true(checked > 300);
	strv_free(files);
}

static void
test_crlf_kept(void **state)
{
	struct maincf	*cf;
	char		*cause;

	(void)state;
	cf = parse_str("a = 1\r\nb = 2\r\n  3\r\n\r\nc = 4\r\n");
	assert_get(cf, "b", "2 3");
	assert_int_equal(maincf_set(cf, "b", "x", &cause), 0);
	assert_text(cf, "a = 1\r\nb = x\r\n\r\nc = 4\r\n");
	assert_int_equal(maincf_set(cf, "d", "y", &cause), 0);
	assert_text(cf, "a = 1\r\nb = x\r\n\r\nc = 4\r\nd = y\r\n");
	maincf_free(cf);

	/* Unterminated last line of a CRLF file: CRLF added first. */
	cf = parse_str("a = 1\r\nb = 2");
	assert_int_equal(maincf_set(cf, "c", "3", &cause), 0);
	assert_text(cf, "a = 1\r\nb = 2\r\nc = 3\r\n");
	maincf_free(cf);
}

static void
test_no_eol(void **state)
{
	struct maincf	*cf;
	char		*cause;

	(void)state;
	cf = parse_str("a = 1\nb = 2");
	assert_get(cf, "b", "2");
	assert_int_equal(maincf_set(cf, "b", "3", &cause), 0);
	assert_text(cf, "a = 1\nb = 3");
	assert_int_equal(maincf_set(cf, "c", "4", &cause), 0);
	assert_text(cf, "a = 1\nb = 3\nc = 4\n");
	maincf_free(cf);

	cf = parse_str("");
	assert_get(cf, "a", NULL);
	assert_int_equal(maincf_line(cf, "a"), 0);
	assert_int_equal(maincf_set(cf, "a", "1", &cause), 0);
	assert_text(cf, "a = 1\n");
	maincf_free(cf);
}

static void
test_continuation_replaced(void **state)
{
	struct maincf	*cf;
	char		*cause;

	(void)state;
	cf = parse_str("# head\n"
	    "a = 1,\n"
	    "    2\n"
	    "#    not, this\n"
	    "\n"
	    "  \t\n"
	    "  # nor this\n"
	    "\t3\n"
	    "b = 4\n"
	    "  5\n");
	assert_get(cf, "a", "1, 2 3");
	assert_get(cf, "b", "4 5");
	assert_int_equal(maincf_line(cf, "a"), 2);
	assert_int_equal(maincf_line(cf, "b"), 9);
	assert_int_equal(maincf_set(cf, "a", "x", &cause), 0);
	assert_text(cf, "# head\na = x\n#    not, this\n\n  \t\n  # nor this\n"
	    "b = 4\n  5\n");
	assert_int_equal(maincf_set(cf, "b", "y", &cause), 0);
	assert_text(cf, "# head\na = x\n#    not, this\n\n  \t\n  # nor this\n"
	    "b = y\n");
	maincf_free(cf);

	/* The last continuation line has no line end. */
	cf = parse_str("a = 1\n  2");
	assert_int_equal(maincf_set(cf, "a", "x", &cause), 0);
	assert_text(cf, "a = x\n");
	maincf_free(cf);

	/* The value starts on the next line; '=' on a continuation line. */
	cf = parse_str("a =\n    1\n    2\nb\n  = 3\n");
	assert_get(cf, "a", "1 2");
	assert_get(cf, "b", "3");
	maincf_free(cf);
}

static void
test_duplicates_last_replaced(void **state)
{
	struct maincf	*cf;
	char		*cause;

	(void)state;
	cf = parse_str("a = 1\nb = 2\na = 3\n  4\nc = 5\n");
	assert_get(cf, "a", "3 4");
	assert_int_equal(maincf_line(cf, "a"), 3);
	assert_int_equal(maincf_set(cf, "a", "9", &cause), 0);
	assert_text(cf, "a = 1\nb = 2\na = 9\nc = 5\n");
	assert_get(cf, "a", "9");
	maincf_free(cf);
}

static void
test_rejected(void **state)
{
	static const char *const bad_names[] = {
		"", "a-b", "a b", "a=b", "a\n", "#a", " a", "a.b",
	};
	static const char *const bad_values[] = {
		"x\ny", "x\r", "\n", "x\r\ny",
	};
	const char	*in = "a = 1\nb = 2";
	struct maincf	*cf;
	char		*cause;
	size_t		 i;

	(void)state;
	cf = parse_str(in);
	for (i = 0; i < sizeof bad_names / sizeof *bad_names; i++) {
		cause = NULL;
		assert_int_equal(maincf_set(cf, bad_names[i], "v", &cause), -1);
		assert_non_null(cause);
		free(cause);
	}
	for (i = 0; i < sizeof bad_values / sizeof *bad_values; i++) {
		cause = NULL;
		assert_int_equal(maincf_set(cf, "a", bad_values[i], &cause),
		    -1);
		assert_non_null(cause);
		free(cause);
		assert_int_equal(maincf_set(cf, "c", bad_values[i], &cause),
		    -1);
		free(cause);
	}
	assert_text(cf, in);
	assert_get(cf, "a", "1");
	maincf_free(cf);
}

static void
test_get_like_postconf(void **state)
{
	static const char in[] =
	    "  orphan = 1\n"		/* continuation without definition */
	    "    more\n"
	    "a=b    c\t\td\v e \n"	/* '\v' is kept by postconf -n */
	    "e =\n"
	    "f = \n"
	    "no equals sign\n"
	    "g = x\0y\n"		/* NUL ends the logical line */
	    "  z\n"
	    "h = {  a  =  b }\n"	/* braces do not group */
	    "i = one # not a comment\n";
	struct maincf	*cf;

	(void)state;
	cf = maincf_parse(in, sizeof in - 1);
	assert_get(cf, "orphan", NULL);
	assert_get(cf, "a", "b c d\v e");
	assert_get(cf, "e", "");
	assert_get(cf, "f", "");
	assert_get(cf, "no", NULL);
	assert_get(cf, "g", "x");
	assert_get(cf, "h", "{ a = b }");
	assert_get(cf, "i", "one # not a comment");
	assert_get(cf, "A", NULL);
	assert_int_equal(maincf_line(cf, "a"), 3);
	assert_int_equal(maincf_line(cf, "orphan"), 0);
	maincf_free(cf);
}

static void
test_roundtrip_odd_bytes(void **state)
{
	static const char in[] = "\0a = 1\r\n\r\n \t \n\n#x\0\n  # y\r\n"
	    "b = 2\r\n\t\r\n  3\n\xff\xfe = \x80\n   ";
	struct maincf	*cf;
	struct buf	 b;
	char		*cause;

	(void)state;
	cf = maincf_parse(in, sizeof in - 1);
	buf_init(&b);
	maincf_write(cf, &b);
	assert_int_equal(b.len, sizeof in - 1);
	assert_memory_equal(b.data, in, sizeof in - 1);
	buf_free(&b);
	assert_get(cf, "b", "2 3");
	assert_get(cf, "\xff\xfe", "\x80");
	assert_int_equal(maincf_set(cf, "b", "4", &cause), 0);
	buf_init(&b);
	maincf_write(cf, &b);
	assert_int_equal(b.len, sizeof in - 1 - 4);
	assert_memory_equal(b.data, "\0a = 1\r\n\r\n \t \n\n#x\0\n  # y\r\n"
	    "b = 4\r\n\t\r\n\xff\xfe = \x80\n   ", b.len);
	buf_free(&b);
	maincf_free(cf);
}

/*
 * The names that may start a definition in text: every run of name
 * characters at the start of a line.  NULL-terminated; strv_free().
 */
static char **
line_names(const char *text)
{
	char		**v = NULL;
	size_t		  n = 0, k;
	const char	 *p = text;

	for (;;) {
		k = strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (k > 0) {
			v = xreallocarray(v, n + 2, sizeof *v);
			v[n++] = xstrndup(p, k);
			v[n] = NULL;
		}
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	return v;
}

/*
 * An edited maincf answers every question as a fresh parse of its own
 * text does: maincf_set() moves the index of what follows the edit
 * instead of re-parsing, and this is what proves the moved index right.
 */
static void
assert_same_as_reparse(const struct maincf *cf)
{
	struct maincf	 *re;
	char		 *text, **names, *a, *b;
	size_t		  len, i;

	text = text_of(cf, &len);
	re = maincf_parse(text, len);
	names = line_names(text);
	for (i = 0; names[i] != NULL; i++) {
		a = maincf_get(cf, names[i]);
		b = maincf_get(re, names[i]);
		if ((a == NULL) != (b == NULL) ||
		    (a != NULL && strcmp(a, b) != 0))
			fail_msg("%s: edited index gives \"%s\", a re-parse "
			    "\"%s\"", names[i], a ? a : "(none)",
			    b ? b : "(none)");
		assert_int_equal(maincf_line(cf, names[i]),
		    maincf_line(re, names[i]));
		free(a);
		free(b);
	}
	strv_free(names);
	maincf_free(re);
	free(text);
}

static void
test_edits_match_reparse(void **state)
{
	static const char *texts[] = {
		"a = 1\nb = 2\n  two\n# c\n\n  more\nc = 3\n",
		"a = 1\r\nb =\r\n\t2\r\n\r\nc = 3",
		"  orphan\nx\n = split\ny = 1\n  y2\n#tail",
		"",
		"b = 0\nb = 1\n  b1\n\n#x\n  b2\nd = $b\n",
	};
	static const char *names[] = { "b", "c", "new_one", "a", "b", "x",
	    "new_two", "d" };
	struct maincf	 *cf;
	struct buf	  in;
	char		**files, *cause;
	size_t		  nfiles, i, j;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		cf = parse_str(texts[i]);
		for (j = 0; j < sizeof names / sizeof names[0]; j++) {
			assert_int_equal(maincf_set(cf, names[j],
			    j % 2 ? "v" : "longer value $x", &cause), 0);
			assert_same_as_reparse(cf);
		}
		maincf_free(cf);
	}
	files = corpus_files("main.cf", &nfiles);
	for (i = 0; i < nfiles; i++) {
		corpus_read(files[i], &in);
		cf = maincf_parse(in.data, in.len);
		for (j = 0; j < sizeof names / sizeof names[0]; j++) {
			assert_int_equal(maincf_set(cf, names[j], "v", &cause),
			    0);
			assert_int_equal(maincf_set(cf, "relay_domains",
			    j % 2 ? "x" : "a, b", &cause), 0);
			assert_int_equal(maincf_set(cf, "mydestination",
			    "$myhostname", &cause), 0);
		}
		assert_same_as_reparse(cf);
		maincf_free(cf);
		buf_free(&in);
	}
	strv_free(files);
}

/* A clone is independent: edits to it leave the original as it was. */
static void
test_clone_independent(void **state)
{
	const char	*text = "a = 1\nb = 2\n  two\n#c\nc = 3";
	struct maincf	*cf = parse_str(text), *c;
	char		*t, *cause;
	size_t		 len;

	(void)state;
	c = maincf_clone(cf);
	assert_int_equal(maincf_set(c, "b", "x", &cause), 0);
	assert_int_equal(maincf_set(c, "d", "y", &cause), 0);
	assert_same_as_reparse(c);
	t = text_of(cf, &len);
	assert_string_equal(t, text);
	free(t);
	t = maincf_get(cf, "b");
	assert_string_equal(t, "2 two");
	free(t);
	assert_null(maincf_get(cf, "d"));
	maincf_free(c);
	maincf_free(cf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_corpus),
		cmocka_unit_test(test_set_corpus_only_managed_lines),
		cmocka_unit_test(test_crlf_kept),
		cmocka_unit_test(test_no_eol),
		cmocka_unit_test(test_continuation_replaced),
		cmocka_unit_test(test_duplicates_last_replaced),
		cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_get_like_postconf),
		cmocka_unit_test(test_roundtrip_odd_bytes),
		cmocka_unit_test(test_edits_match_reparse),
		cmocka_unit_test(test_clone_independent),
	};

	return cmocka_run_group_tests_name("maincf", tests, NULL, NULL);
}
