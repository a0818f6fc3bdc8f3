/*
 * test_diff.c: diff_unified prints what diff -u prints: nothing for equal
 * texts, the "@@ -a,b +c,d @@" forms (",0" and single-line), the
 * "\ No newline at end of file" marker, merged hunks, and counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diff.h"

/* The diff of two C strings, labelled a and b (caller frees). */
static char *
ud(const char *a, const char *b, struct diff_stat *st)
{
	struct buf	out;

	buf_init(&out);
	diff_unified(a, strlen(a), b, strlen(b), "a", "b", &out, st);
	return buf_detach(&out, NULL);
}

static void
expect(const char *a, const char *b, const char *want)
{
	char	*got = ud(a, b, NULL);

	assert_string_equal(got, want);
	free(got);
}

/* Numbered lines "1\n" .. "n\n" into a fresh buffer (caller frees). */
static char *
lines(int from, int to)
{
	struct buf	b;
	int		i;

	buf_init(&b);
	for (i = from; i <= to; i++)
		buf_printf(&b, "%d\n", i);
	return buf_detach(&b, NULL);
}

static void
test_equal_is_empty(void **state)
{
	struct diff_stat	 st = { 9, 9, 9 };
	struct buf		 out;
	char			*big = lines(1, 1000);

	(void)state;
	buf_init(&out);
	buf_addstr(&out, "kept");
	diff_unified(big, strlen(big), big, strlen(big), "a", "b", &out, &st);
	assert_string_equal(out.data, "kept");
	assert_int_equal(st.added, 0);
	assert_int_equal(st.removed, 0);
	assert_int_equal(st.hunks, 0);
	diff_unified("", 0, "", 0, "a", "b", &out, &st);
	diff_unified(NULL, 0, NULL, 0, "a", "b", &out, NULL);
	diff_unified("x", 1, "x", 1, "a", "b", &out, NULL);
	assert_int_equal(out.len, 4);
	buf_free(&out);
	free(big);
}

static void
test_header_forms(void **state)
{
	(void)state;
	/* One line each side: the count is left out. */
	expect("x\n", "y\n", "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n");
	/* No line on one side: "L,0" names the line before. */
	expect("", "x\ny\n", "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n");
	expect("x\ny\n", "", "--- a\n+++ b\n@@ -1,2 +0,0 @@\n-x\n-y\n");
	expect("1\n2\n3\n4\n5\n", "1\n2\n3\n4\n5\n6\n",
	    "--- a\n+++ b\n@@ -3,3 +3,4 @@\n 3\n 4\n 5\n+6\n");
	/* A deletion with no context after it. */
	expect("1\n2\n", "1\n", "--- a\n+++ b\n@@ -1,2 +1 @@\n 1\n-2\n");
	/* An insertion at the very start. */
	expect("1\n", "0\n1\n", "--- a\n+++ b\n@@ -1 +1,2 @@\n+0\n 1\n");
}

static void
test_created_file(void **state)
{
	struct buf		out;
	struct diff_stat	st;

	(void)state;
	buf_init(&out);
	diff_unified("", 0, "a = 1\n", 6, "/dev/null", "/etc/x/new", &out,
	    &st);
	assert_string_equal(out.data,
	    "--- /dev/null\n+++ /etc/x/new\n@@ -0,0 +1 @@\n+a = 1\n");
	assert_int_equal(st.added, 1);
	assert_int_equal(st.removed, 0);
	assert_int_equal(st.hunks, 1);
	buf_free(&out);
}

static void
test_no_newline(void **state)
{
	(void)state;
	/* Only the final newline differs. */
	expect("x", "x\n", "--- a\n+++ b\n@@ -1 +1 @@\n-x\n"
	    "\\ No newline at end of file\n+x\n");
	expect("x\n", "x", "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+x\n"
	    "\\ No newline at end of file\n");
	/* Both lack it: the marker follows the context line. */
	expect("1\n2\n3", "0\n2\n3", "--- a\n+++ b\n@@ -1,3 +1,3 @@\n-1\n+0\n"
	    " 2\n 3\n\\ No newline at end of file\n");
	/* Appending to a text without a final newline. */
	expect("a\nb", "a\nb\nc\n", "--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n-b\n"
	    "\\ No newline at end of file\n+b\n+c\n");
	/* A created file without a final newline. */
	expect("", "z", "--- a\n+++ b\n@@ -0,0 +1 @@\n+z\n"
	    "\\ No newline at end of file\n");
}

static void
test_hunks_merge_within_six_lines(void **state)
{
	struct diff_stat	 st;
	char			*a = lines(1, 30), *b, *got;

	(void)state;
	/* Lines 5 and 12 change: 6 lines apart, one hunk. */
	b = xstrdup(a);
	b[strstr(b, "\n5\n") - b + 1] = 'X';
	b[strstr(b, "\n12\n") - b + 1] = 'Y';
	got = ud(a, b, &st);
	assert_string_equal(got, "--- a\n+++ b\n@@ -2,14 +2,14 @@\n"
	    " 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n 9\n 10\n 11\n-12\n+Y2\n"
	    " 13\n 14\n 15\n");
	assert_int_equal(st.hunks, 1);
	free(got);
	free(b);

	/* Lines 5 and 13 change: 7 lines apart, two hunks. */
	b = xstrdup(a);
	b[strstr(b, "\n5\n") - b + 1] = 'X';
	b[strstr(b, "\n13\n") - b + 1] = 'Y';
	got = ud(a, b, &st);
	assert_string_equal(got, "--- a\n+++ b\n"
	    "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n"
	    "@@ -10,7 +10,7 @@\n 10\n 11\n 12\n-13\n+Y3\n 14\n 15\n 16\n");
	assert_int_equal(st.hunks, 2);
	assert_int_equal(st.added, 2);
	assert_int_equal(st.removed, 2);
	free(got);
	free(b);
	free(a);
}

static void
test_stat_counts(void **state)
{
	struct diff_stat	 st;
	char			*got;

	(void)state;
	got = ud("a\nb\nc\nd\n", "a\nB\nB2\nd\ne\n", &st);
	assert_int_equal(st.removed, 2);
	assert_int_equal(st.added, 3);
	assert_int_equal(st.hunks, 1);
	assert_string_equal(got, "--- a\n+++ b\n@@ -1,4 +1,5 @@\n a\n-b\n-c\n"
	    "+B\n+B2\n d\n+e\n");
	free(got);
}

/* A repeated line: the change slides to where diff -u puts it. */
static void
test_slides_like_gnu(void **state)
{
	(void)state;
	expect("a\n\nb\n", "a\n\n\nb\n",
	    "--- a\n+++ b\n@@ -1,3 +1,4 @@\n a\n \n+\n b\n");
	expect("x = 1\n\n# c\n", "x = 1\n\n# c\n\n# c\n",
	    "--- a\n+++ b\n@@ -1,3 +1,5 @@\n x = 1\n \n # c\n+\n+# c\n");
}

/* A large text with a few edits keeps exact line numbers. */
static void
test_large_line_numbers(void **state)
{
	struct diff_stat	 st;
	char			*a = lines(1, 200000), *b, *got, *p;
	struct buf		 nb;

	(void)state;
	buf_init(&nb);
	p = strstr(a, "\n100000\n") + 1;
	buf_add(&nb, a, (size_t)(p - a));
	buf_addstr(&nb, "inserted\n");
	buf_addstr(&nb, p + strlen("100000\n"));
	b = buf_detach(&nb, NULL);
	got = ud(a, b, &st);
	assert_string_equal(got, "--- a\n+++ b\n@@ -99997,7 +99997,7 @@\n"
	    " 99997\n 99998\n 99999\n-100000\n+inserted\n 100001\n 100002\n"
	    " 100003\n");
	assert_int_equal(st.hunks, 1);
	free(got);
	free(b);
	free(a);
}

/* Two unrelated texts: every line goes, every line comes. */
static void
test_disjoint(void **state)
{
	struct diff_stat	 st;
	char			*a = lines(1, 3000), *b = lines(5001, 8000);
	char			*got;

	(void)state;
	got = ud(a, b, &st);
	assert_int_equal(st.removed, 3000);
	assert_int_equal(st.added, 3000);
	assert_int_equal(st.hunks, 1);
	assert_non_null(strstr(got, "@@ -1,3000 +1,3000 @@\n-1\n"));
	free(got);
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_is_empty),
		cmocka_unit_test(test_header_forms),
		cmocka_unit_test(test_created_file),
		cmocka_unit_test(test_no_newline),
		cmocka_unit_test(test_hunks_merge_within_six_lines),
		cmocka_unit_test(test_stat_counts),
		cmocka_unit_test(test_slides_like_gnu),
		cmocka_unit_test(test_large_line_numbers),
		cmocka_unit_test(test_disjoint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
