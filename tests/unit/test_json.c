/*
 * test_json.c: the JSON writer's commas, nesting and numbers, and string
 * escaping: quotes, backslashes, every control character, multi-byte
 * UTF-8 passed through, ill-formed UTF-8 replaced by U+FFFD (one per
 * maximal part), and calls out of order refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

#define FFFD	"\xef\xbf\xbd"

/* The quoted form of len bytes of s (caller frees). */
static char *
q(const char *s, size_t len)
{
	struct buf	b;

	buf_init(&b);
	json_quote(&b, s, len);
	return buf_detach(&b, NULL);
}

static void
expect_q(const char *s, size_t len, const char *want)
{
	char	*got = q(s, len);

	assert_string_equal(got, want);
	free(got);
}

#define EXPECT_Q(lit, want)	expect_q(lit, sizeof lit - 1, want)

static void
test_quotes_and_backslashes(void **state)
{
	(void)state;
	EXPECT_Q("", "\"\"");
	EXPECT_Q("plain", "\"plain\"");
	EXPECT_Q("say \"hi\"", "\"say \\\"hi\\\"\"");
	EXPECT_Q("C:\\dir\\", "\"C:\\\\dir\\\\\"");
	EXPECT_Q("/ and ' stay", "\"/ and ' stay\"");
	EXPECT_Q("\x7f", "\"\x7f\"");
}

static void
test_every_control_character(void **state)
{
	char	in[1], want[16], *got;
	int	c;

	(void)state;
	for (c = 0; c < 0x20; c++) {
		in[0] = (char)c;
		switch (c) {
		case '\b':
			strcpy(want, "\"\\b\"");
			break;
		case '\t':
			strcpy(want, "\"\\t\"");
			break;
		case '\n':
			strcpy(want, "\"\\n\"");
			break;
		case '\f':
			strcpy(want, "\"\\f\"");
			break;
		case '\r':
			strcpy(want, "\"\\r\"");
			break;
		default:
			snprintf(want, sizeof want, "\"\\u%04x\"", c);
			break;
		}
		got = q(in, 1);
		assert_string_equal(got, want);
		free(got);
	}
	/* A NUL inside a string is kept, escaped. */
	EXPECT_Q("a\0b", "\"a\\u0000b\"");
}

static void
test_utf8_passes_through(void **state)
{
	(void)state;
	EXPECT_Q("caf\xc3\xa9", "\"caf\xc3\xa9\"");			/* 2 bytes */
	EXPECT_Q("\xe2\x80\x94", "\"\xe2\x80\x94\"");			/* em dash */
	EXPECT_Q("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");			/* U+FFFF */
	EXPECT_Q("\xf0\x9f\x93\xa7", "\"\xf0\x9f\x93\xa7\"");		/* U+1F4E7 */
	EXPECT_Q("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");		/* U+10FFFF */
	EXPECT_Q("\xc2\x80", "\"\xc2\x80\"");				/* U+0080 */
}

static void
test_invalid_utf8_replaced(void **state)
{
	(void)state;
	EXPECT_Q("\x80", "\"" FFFD "\"");			/* lone continuation */
	EXPECT_Q("\xbf\x80", "\"" FFFD FFFD "\"");
	EXPECT_Q("\xc0\xaf", "\"" FFFD FFFD "\"");		/* overlong '/' */
	EXPECT_Q("\xc1\xbf", "\"" FFFD FFFD "\"");
	EXPECT_Q("\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"");	/* overlong */
	EXPECT_Q("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");	/* surrogate */
	EXPECT_Q("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
	EXPECT_Q("\xf5\x80", "\"" FFFD FFFD "\"");
	EXPECT_Q("\xff", "\"" FFFD "\"");
	/* A truncated sequence is one U+FFFD, then what follows. */
	EXPECT_Q("\xe2\x82", "\"" FFFD "\"");
	EXPECT_Q("\xe2\x82x", "\"" FFFD "x\"");
	EXPECT_Q("\xf0\x9f\x93\"", "\"" FFFD "\\\"\"");
	EXPECT_Q("\xc3", "\"" FFFD "\"");
	EXPECT_Q("a\xc3\xc3\xa9", "\"a" FFFD "\xc3\xa9\"");
	EXPECT_Q("\xe2\x82\n", "\"" FFFD "\\n\"");
}

static void
test_document_and_nesting(void **state)
{
	struct buf	out;
	struct json	j;
	int		i;

	(void)state;
	buf_init(&out);
	json_init(&j, &out);
	json_object_begin(&j);
	json_key(&j, "name");
	json_string(&j, "mx");
	json_key(&j, "ports");
	json_array_begin(&j);
	json_int(&j, 25);
	json_int(&j, -1);
	json_uint(&j, 587);
	json_array_end(&j);
	json_key(&j, "empty");
	json_object_begin(&j);
	json_object_end(&j);
	json_key(&j, "list");
	json_array_begin(&j);
	json_object_begin(&j);
	json_key(&j, "a");
	json_null(&j);
	json_object_end(&j);
	json_bool(&j, 1);
	json_bool(&j, 0);
	json_double(&j, 0.5);
	json_double(&j, NAN);
	json_array_end(&j);
	json_object_end(&j);
	assert_int_equal(json_finish(&j), 0);
	assert_string_equal(out.data, "{\"name\":\"mx\",\"ports\":[25,-1,587],"
	    "\"empty\":{},\"list\":[{\"a\":null},true,false,0.5,null]}");

	/* Deep nesting grows the stack. */
	buf_reset(&out);
	json_init(&j, &out);
	for (i = 0; i < 100; i++)
		json_array_begin(&j);
	for (i = 0; i < 100; i++)
		json_array_end(&j);
	assert_int_equal(json_finish(&j), 0);
	assert_int_equal(out.len, 200);
	assert_int_equal(out.data[99], '[');
	assert_int_equal(out.data[100], ']');

	/* A lone scalar is a document. */
	buf_reset(&out);
	json_init(&j, &out);
	json_string(&j, "x");
	assert_int_equal(json_finish(&j), 0);
	assert_string_equal(out.data, "\"x\"");
	buf_free(&out);
}

static void
test_misuse_refused(void **state)
{
	struct buf	out;
	struct json	j;

	(void)state;
	buf_init(&out);

	/* A value where a key is due writes nothing. */
	json_init(&j, &out);
	json_object_begin(&j);
	json_int(&j, 1);
	json_object_end(&j);
	assert_int_equal(json_finish(&j), -1);
	assert_string_equal(out.data, "{}");

	/* A key in an array, a wrong end, an end too many. */
	buf_reset(&out);
	json_init(&j, &out);
	json_array_begin(&j);
	json_key(&j, "k");
	json_object_end(&j);
	json_array_end(&j);
	json_array_end(&j);
	assert_int_equal(json_finish(&j), -1);
	assert_string_equal(out.data, "[]");

	/* A key with no value, then the end. */
	buf_reset(&out);
	json_init(&j, &out);
	json_object_begin(&j);
	json_key(&j, "k");
	json_object_end(&j);
	assert_int_equal(json_finish(&j), -1);

	/* Unclosed, empty, and two top-level values. */
	json_init(&j, &out);
	json_array_begin(&j);
	assert_int_equal(json_finish(&j), -1);
	json_init(&j, &out);
	assert_int_equal(json_finish(&j), -1);
	buf_reset(&out);
	json_init(&j, &out);
	json_int(&j, 1);
	json_int(&j, 2);
	assert_int_equal(json_finish(&j), -1);
	assert_string_equal(out.data, "1");
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quotes_and_backslashes),
		cmocka_unit_test(test_every_control_character),
		cmocka_unit_test(test_utf8_passes_through),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_document_and_nesting),
		cmocka_unit_test(test_misuse_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
