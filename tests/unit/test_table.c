/*
 * test_table.c: core/table.c keeps every byte it does not own, splits
 * entries as postmap does, and stays linear on a million entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "table.h"
#include "util.h"

#include "corpus.h"

static struct table *
parse_str(const char *s)
{
	return table_parse(s, strlen(s));
}

static void
assert_text(const struct table *t, const char *want)
{
	struct buf	b;

	buf_init(&b);
	table_write(t, &b);
	buf_add(&b, "", 0);
	assert_int_equal(b.len, strlen(want));
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void
assert_entry(const struct table *t, size_t i, const char *key,
    const char *value, size_t line)
{
	struct table_entry	e;

	table_entry(t, i, &e);
	assert_int_equal(e.keylen, strlen(key));
	assert_memory_equal(e.key, key, e.keylen);
	assert_int_equal(e.valuelen, strlen(value));
	assert_memory_equal(e.value, value, e.valuelen);
	assert_int_equal(e.line, line);
	assert_int_equal(e.index, i);
}

static void
assert_value(const struct table *t, size_t i, const char *want)
{
	char	*v = table_value(t, i);

	assert_string_equal(v, want);
	free(v);
}

/* Owns the key named by arg. */
static int
own_key(const char *key, size_t keylen, void *arg)
{
	const char	*want = arg;

	return keylen == strlen(want) && memcmp(key, want, keylen) == 0;
}

/* table_replace() owning the one key given. */
static size_t
replace_key(struct table *t, const char *key, const char *text)
{
	char	*k = xstrdup(key);
	size_t	 n;

	n = table_replace(t, own_key, k, text, strlen(text));
	free(k);
	return n;
}

/* Owns every third key by a hash of its bytes, counting calls. */
static int
own_some(const char *key, size_t keylen, void *arg)
{
	size_t		*calls = arg;
	unsigned	 h = 5381;
	size_t		 i;

	(*calls)++;
	for (i = 0; i < keylen; i++)
		h = h * 33 + (unsigned char)key[i];
	return h % 3 == 0;
}

/*
 * Test oracle, written apart from table.c, line by line: drops the lines
 * of owned entries (their first line and continuation lines, keeping
 * comment and blank lines) and puts text before the first dropped line.
 */
static char *
oracle_replace(const char *s, size_t len, table_owned_fn owned, void *arg,
    const char *text, size_t *outlen, size_t *removedp)
{
	struct buf	 b;
	const char	*p = s, *end = s + len, *nl, *next, *q;
	size_t		 llen, removed = 0;
	int		 dropping = 0;

	buf_init(&b);
	for (; p < end; p = next) {
		nl = memchr(p, '\n', (size_t)(end - p));
		next = nl == NULL ? end : nl + 1;
		llen = (size_t)((nl == NULL ? end : nl) - p);
		for (q = p; q < p + llen && strchr(" \t\r\v\f", *q) != NULL &&
		    *q != '\0'; q++)
			;
		if (q == p + llen || *q == '#') {
			/* blank or comment: kept */
		} else if (q == p) {
			for (q = p; q < p + llen && strchr(" \t\r\v\f", *q) ==
			    NULL; q++)
				;
			if (*p != '\0' && strchr(" \t\r\v\f", *p) != NULL)
				q = p;
			dropping = owned(p, (size_t)(q - p), arg);
			if (dropping && removed++ == 0)
				buf_addstr(&b, text);
			if (dropping)
				continue;
		} else if (dropping)
			continue;
		buf_add(&b, p, (size_t)(next - p));
	}
	if (removed == 0 && *text != '\0') {
		if (len > 0 && s[len - 1] != '\n')
			buf_addch(&b, '\n');
		buf_addstr(&b, text);
	}
	*removedp = removed;
	buf_add(&b, "", 0);
	return buf_detach(&b, outlen);
}

static void
test_roundtrip_corpus(void **state)
{
	struct buf	 in, out;
	struct table	*t;
	char		**files;
	size_t		 n, i;

	(void)state;
	files = corpus_files("maps", &n);
	assert_true(n >= 8);
	for (i = 0; i < n; i++) {
		corpus_read(files[i], &in);
		t = table_parse(in.data, in.len);
		buf_init(&out);
		table_write(t, &out);
		if (out.len != in.len || memcmp(out.data, in.data, in.len) != 0)
			fail_msg("%s: written text differs from the input",
			    files[i]);
		buf_free(&out);
		table_free(t);
		buf_free(&in);
	}
	strv_free(files);
}

static void
test_replace_keeps_unowned_bytes(void **state)
{
	static const char *const texts[] = {
		"", "mxpin.example fingerprint match=AA:BB\n",
		"a x\nb y\n",
	};
	struct buf		 in, out;
	struct table		*t;
	struct table_entry	 e;
	char			**files, *want, *key;
	size_t			 n, i, j, k, wlen, removed, wremoved, calls;

	(void)state;
	files = corpus_files("maps", &n);
	assert_true(n >= 8);
	for (i = 0; i < n; i++) {
		corpus_read(files[i], &in);
		for (j = 0; j < sizeof texts / sizeof *texts; j++) {
			/* A third of the entries. */
			t = table_parse(in.data, in.len);
			calls = 0;
			removed = table_replace(t, own_some, &calls, texts[j],
			    strlen(texts[j]));
			want = oracle_replace(in.data, in.len, own_some, &calls,
			    texts[j], &wlen, &wremoved);
			assert_int_equal(removed, wremoved);
			buf_init(&out);
			table_write(t, &out);
			if (out.len != wlen || memcmp(out.data, want, wlen))
				fail_msg("%s: replace (text %zu) changed "
				    "bytes it does not own", files[i], j);
			buf_free(&out);
			free(want);
			table_free(t);

			/* The last entry alone, and no entry at all. */
			t = table_parse(in.data, in.len);
			k = table_count(t);
			key = NULL;
			if (k > 0) {
				table_entry(t, k - 1, &e);
				key = xstrndup(e.key, e.keylen);
			} else
				key = xstrdup("no.such.key.example");
			removed = table_replace(t, own_key, key, texts[j],
			    strlen(texts[j]));
			want = oracle_replace(in.data, in.len, own_key, key,
			    texts[j], &wlen, &wremoved);
			assert_int_equal(removed, wremoved);
			buf_init(&out);
			table_write(t, &out);
			if (out.len != wlen || memcmp(out.data, want, wlen))
				fail_msg("%s: replace of %s changed bytes it "
				    "does not own", files[i], key);
			buf_free(&out);
			free(want);
			free(key);
			table_free(t);
		}
		buf_free(&in);
	}
	strv_free(files);
}

static void
test_continuation_entries(void **state)
{
	struct table	*t;

	(void)state;
	t = parse_str("  orphan x\n"
	    "# head\n"
	    "k1 a\n"
	    "# inside\n"
	    "\n"
	    "  b\t c \n"
	    "k2\n"
	    "\tonly-continued\n"
	    "k3 z\n");
	assert_int_equal(table_count(t), 3);
	assert_entry(t, 0, "k1", "a", 3);
	assert_value(t, 0, "a  b\t c");		/* as postmap -q prints it */
	assert_entry(t, 1, "k2", "", 7);
	assert_value(t, 1, "only-continued");
	assert_entry(t, 2, "k3", "z", 9);
	assert_int_equal(replace_key(t, "k1", "new v\n"), 1);
	assert_text(t, "  orphan x\n# head\nnew v\n# inside\n\nk2\n"
	    "\tonly-continued\nk3 z\n");
	assert_int_equal(replace_key(t, "k2", ""), 1);
	assert_text(t, "  orphan x\n# head\nnew v\n# inside\n\nk3 z\n");
	assert_int_equal(table_count(t), 2);
	table_free(t);
}

static void
test_trailing_whitespace(void **state)
{
	struct table	*t;

	(void)state;
	t = parse_str("msn.com encrypt \n"
	    "a.example\t\tsecure \t\r\n"
	    "b.example  \t may\n"
	    "lonely   \n"
	    "\n");
	assert_int_equal(table_count(t), 4);
	assert_entry(t, 0, "msn.com", "encrypt", 1);
	assert_value(t, 0, "encrypt");
	assert_entry(t, 1, "a.example", "secure", 2);
	assert_value(t, 1, "secure");
	assert_entry(t, 2, "b.example", "may", 3);
	assert_entry(t, 3, "lonely", "", 4);
	assert_value(t, 3, "");
	table_free(t);
}

static void
test_replace_no_eol_and_none_owned(void **state)
{
	struct table	*t;

	(void)state;
	t = parse_str("a 1\nb 2");
	assert_int_equal(replace_key(t, "c", "c 3\n"), 0);
	assert_text(t, "a 1\nb 2\nc 3\n");
	assert_int_equal(replace_key(t, "c", ""), 1);
	assert_text(t, "a 1\nb 2\n");
	assert_int_equal(replace_key(t, "d", ""), 0);
	assert_text(t, "a 1\nb 2\n");
	table_free(t);

	/* Owned last line without a line end; CRLF file. */
	t = parse_str("a 1\r\nb 2");
	assert_int_equal(replace_key(t, "b", "b 3\n"), 1);
	assert_text(t, "a 1\r\nb 3\n");
	table_free(t);
	t = parse_str("a 1\r\nb 2");
	assert_int_equal(replace_key(t, "c", "c 3\r\n"), 0);
	assert_text(t, "a 1\r\nb 2\r\nc 3\r\n");
	table_free(t);

	t = parse_str("");
	assert_int_equal(table_count(t), 0);
	assert_int_equal(replace_key(t, "c", "c 3\n"), 0);
	assert_text(t, "c 3\n");
	table_free(t);
}

static void
test_roundtrip_odd_bytes(void **state)
{
	static const char in[] = "\0k v\r\n\r\n \t \n#x\0\n  # y\r\nk2 \0v\n"
	    "\xff \x80\n   ";
	struct table	*t;
	struct buf	 b;

	(void)state;
	t = table_parse(in, sizeof in - 1);
	buf_init(&b);
	table_write(t, &b);
	assert_int_equal(b.len, sizeof in - 1);
	assert_memory_equal(b.data, in, sizeof in - 1);
	buf_free(&b);
	assert_int_equal(table_count(t), 3);
	assert_value(t, 1, "");		/* a NUL ends the line for postmap */
	table_free(t);
}

static int
own_tenth(const char *key, size_t keylen, void *arg)
{
	(void)arg;
	/* "userN@example.com" with N a multiple of ten */
	return keylen > 13 && key[keylen - 13] == '0';
}

static void
test_million_entries(void **state)
{
	struct buf		 in, out;
	struct table		*t;
	struct table_entry	 e;
	size_t			 i, n = 1000000, removed;

	(void)state;
	buf_init(&in);
	buf_addstr(&in, "# generated\n");
	for (i = 0; i < n; i++) {
		buf_printf(&in, "user%zu@example.com\tOK\n", i);
		if (i % 100000 == 0)
			buf_addstr(&in, "# section\n\n");
	}
	t = table_parse(in.data, in.len);
	assert_int_equal(table_count(t), n);
	assert_entry(t, 0, "user0@example.com", "OK", 2);
	table_entry(t, n - 1, &e);
	assert_int_equal(e.keylen, strlen("user999999@example.com"));
	assert_memory_equal(e.key, "user999999@example.com", e.keylen);
	assert_int_equal(e.line, n + 1 + 2 * 10);

	buf_init(&out);
	table_write(t, &out);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.data, in.data, in.len);
	buf_free(&out);

	removed = table_replace(t, own_tenth, NULL, "@example.com\tOK\n", 16);
	assert_int_equal(removed, n / 10);
	assert_int_equal(table_count(t), n - n / 10 + 1);
	assert_entry(t, 0, "@example.com", "OK", 2);
	assert_entry(t, 1, "user1@example.com", "OK", 5);
	table_free(t);
	buf_free(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_corpus),
		cmocka_unit_test(test_replace_keeps_unowned_bytes),
		cmocka_unit_test(test_continuation_entries),
		cmocka_unit_test(test_trailing_whitespace),
		cmocka_unit_test(test_replace_no_eol_and_none_owned),
		cmocka_unit_test(test_roundtrip_odd_bytes),
		cmocka_unit_test(test_million_entries),
	};

	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
