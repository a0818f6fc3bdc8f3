/*
 * test_smtpreply.c: the SMTP reply parser takes single and multi-line
 * replies fed in any split, tolerates a bare LF, hands back what follows a
 * reply untouched, finds EHLO keywords exactly, and refuses (with the
 * reason) a bad code, mixed codes, an over-long line, too many lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smtpreply.h"
#include "util.h"

/* Feeds s whole; expects a complete reply; returns bytes consumed. */
static size_t
parse_ok(const char *s, struct smtp_reply *rep)
{
	struct smtp_parser	p;
	size_t			used;
	char			*cause = NULL;

	smtp_parser_init(&p);
	assert_int_equal(smtp_parser_feed(&p, s, strlen(s), &used, rep,
	    &cause), 1);
	assert_null(cause);
	smtp_parser_free(&p);
	return used;
}

/* Feeds s in pieces of step bytes; expects failure naming needle. */
static void
parse_bad(const char *s, size_t len, size_t step, const char *needle)
{
	struct smtp_parser	p;
	struct smtp_reply	rep;
	size_t			off = 0, used, n;
	char			*cause = NULL;
	int			rc = 0;

	smtp_parser_init(&p);
	while (off < len) {
		n = len - off < step ? len - off : step;
		rc = smtp_parser_feed(&p, s + off, n, &used, &rep, &cause);
		if (rc != 0)
			break;
		assert_int_equal(used, n);
		off += n;
	}
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", cause, needle);
	free(cause);
	/* A failed parser stays failed. */
	assert_int_equal(smtp_parser_feed(&p, "250 ok\r\n", 8, &used, &rep,
	    &cause), -1);
	free(cause);
	smtp_parser_free(&p);
}

static void
test_single_and_multiline(void **state)
{
	struct smtp_reply	rep;
	const char		*s;

	(void)state;
	s = "220 mx.example ESMTP\r\n";
	assert_int_equal(parse_ok(s, &rep), strlen(s));
	assert_int_equal(rep.code, 220);
	assert_int_equal(rep.nlines, 1);
	assert_string_equal(rep.lines[0], "mx.example ESMTP");
	assert_null(rep.lines[1]);
	smtp_reply_free(&rep);

	s = "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
	    "250-STARTTLS\r\n250 8BITMIME\r\n";
	assert_int_equal(parse_ok(s, &rep), strlen(s));
	assert_int_equal(rep.code, 250);
	assert_int_equal(rep.nlines, 5);
	assert_string_equal(rep.lines[3], "STARTTLS");
	assert_string_equal(rep.lines[4], "8BITMIME");
	smtp_reply_free(&rep);

	/* A bare code ends a reply; a bare LF ends a line. */
	s = "250-\n250\n";
	assert_int_equal(parse_ok(s, &rep), strlen(s));
	assert_int_equal(rep.nlines, 2);
	assert_string_equal(rep.lines[0], "");
	assert_string_equal(rep.lines[1], "");
	smtp_reply_free(&rep);
}

static void
test_byte_by_byte_and_leftover(void **state)
{
	struct smtp_parser	 p;
	struct smtp_reply	 rep;
	const char		*s = "220-a\r\n220 b\r\n250 next\r\n";
	size_t			 i, used;
	char			*cause = NULL;
	int			 rc;

	(void)state;
	smtp_parser_init(&p);
	for (i = 0; i < 13; i++) {
		rc = smtp_parser_feed(&p, s + i, 1, &used, &rep, &cause);
		assert_int_equal(rc, 0);
		assert_int_equal(used, 1);
		assert_true(smtp_parser_pending(&p));
	}
	/* The last byte completes the first reply. */
	assert_int_equal(smtp_parser_feed(&p, s + 13, strlen(s) - 13, &used,
	    &rep, &cause), 1);
	assert_int_equal(used, 1);
	assert_int_equal(rep.code, 220);
	assert_string_equal(rep.lines[1], "b");
	assert_false(smtp_parser_pending(&p));
	smtp_reply_free(&rep);
	/* What followed is the next reply, untouched. */
	assert_int_equal(smtp_parser_feed(&p, s + 14, strlen(s) - 14, &used,
	    &rep, &cause), 1);
	assert_int_equal(rep.code, 250);
	assert_string_equal(rep.lines[0], "next");
	smtp_reply_free(&rep);
	smtp_parser_free(&p);
}

static void
test_line_limits(void **state)
{
	struct smtp_reply	 rep;
	struct buf		 b;
	size_t			 i;

	(void)state;
	/* 2048 bytes of line are accepted, with or without CR. */
	buf_init(&b);
	buf_addstr(&b, "250 ");
	for (i = 4; i < SMTP_LINE_LIMIT; i++)
		buf_addch(&b, 'x');
	buf_addstr(&b, "\r\n");
	assert_int_equal(parse_ok(b.data, &rep), b.len);
	assert_int_equal(strlen(rep.lines[0]), SMTP_LINE_LIMIT - 4);
	smtp_reply_free(&rep);
	b.data[b.len - 2] = '\n';
	b.data[--b.len] = '\0';
	assert_int_equal(parse_ok(b.data, &rep), b.len);
	smtp_reply_free(&rep);
	/* One more byte is too long, fed whole or in pieces. */
	b.len -= 1;
	buf_addstr(&b, "y\r\n");
	parse_bad(b.data, b.len, b.len, "reply line too long");
	parse_bad(b.data, b.len, 7, "reply line too long");
	/* An endless line fails once past the limit, not at its end. */
	buf_reset(&b);
	buf_addstr(&b, "220 ");
	for (i = 0; i < 100000; i++)
		buf_addch(&b, 'A');
	parse_bad(b.data, b.len, 4096, "reply line too long");
	buf_free(&b);
}

static void
test_too_many_lines(void **state)
{
	struct smtp_reply	rep;
	struct buf		b;
	int			i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < SMTP_REPLY_MAXLINES - 1; i++)
		buf_addstr(&b, "250-x\r\n");
	buf_addstr(&b, "250 last\r\n");
	assert_int_equal(parse_ok(b.data, &rep), b.len);
	assert_int_equal(rep.nlines, SMTP_REPLY_MAXLINES);
	smtp_reply_free(&rep);
	buf_reset(&b);
	for (i = 0; i < 1000; i++)
		buf_addstr(&b, "250-x\r\n");
	parse_bad(b.data, b.len, 100, "too many lines");
	buf_free(&b);
}

static void
test_malformed(void **state)
{
	(void)state;
	parse_bad("hello\r\n", 7, 7, "no reply code");
	parse_bad("25\r\n", 4, 4, "no reply code");
	parse_bad("620 x\r\n", 7, 7, "no reply code");
	parse_bad("2x0 x\r\n", 7, 7, "no reply code");
	parse_bad("250x\r\n", 6, 6, "no space or '-'");
	parse_bad("250-a\r\n251 b\r\n", 14, 3, "inconsistent reply codes "
	    "in one reply (250 then 251)");
	parse_bad("250 a\0b\r\n", 9, 9, "NUL");
}

static void
test_ehlo_keywords(void **state)
{
	struct smtp_reply	 rep;
	const char		*s;

	(void)state;
	s = "250-mx.example STARTTLS\r\n250-XSTARTTLS\r\n250-STARTTLSX\r\n"
	    "250-AUTH PLAIN\r\n250 size 1000\r\n";
	parse_ok(s, &rep);
	/* The greeting line and near-misses do not count. */
	assert_false(smtp_reply_has_ext(&rep, "STARTTLS"));
	assert_true(smtp_reply_has_ext(&rep, "auth"));
	assert_true(smtp_reply_has_ext(&rep, "SIZE"));
	smtp_reply_free(&rep);
	parse_ok("250-mx\r\n250 starttls\r\n", &rep);
	assert_true(smtp_reply_has_ext(&rep, "STARTTLS"));
	smtp_reply_free(&rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_and_multiline),
		cmocka_unit_test(test_byte_by_byte_and_leftover),
		cmocka_unit_test(test_line_limits),
		cmocka_unit_test(test_too_many_lines),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_ehlo_keywords),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
