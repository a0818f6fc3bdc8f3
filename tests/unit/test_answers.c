/*
 * test_answers.c: the key of the recipients (rcpt_source) always names
 * the bytes the recipients were read from, even when the file changes
 * between answers_load() hashing it and the plan reading it; a pipe is
 * read once, every line kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "answers.h"
#include "util.h"

static char	dir[] = "/tmp/mxpin-answers.XXXXXX";
static char	cfg[256], rcpt[256];

static void
put(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
load(struct answers *a)
{
	char	*cause = NULL;
	int	 code;

	answers_init(a);
	if (answers_load(cfg, a, &code, &cause) == -1)
		fail_msg("%s", cause);
}

static int
setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cfg, sizeof cfg, "%s/a.cfg", dir);
	snprintf(rcpt, sizeof rcpt, "%s/r.txt", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(cfg);
	unlink(rcpt);
	rmdir(dir);
	return 0;
}

static void
answers_file(const char *file)
{
	char	text[1024];

	snprintf(text, sizeof text, "domain = \"domain.not\";\n"
	    "recipients = [ \"in@domain.not\" ];\n"
	    "recipients_file = \"%s\";\ncertificate = \"/nonexistent\";\n",
	    file);
	put(cfg, text);
}

/* answers_load() with recipients_file "/dev/stdin" reading list. */
static void
load_piped(struct answers *a, const char *list)
{
	int	fds[2], saved;

	answers_file("/dev/stdin");
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], list, strlen(list)),
	    (ssize_t)strlen(list));
	close(fds[1]);
	saved = dup(0);
	dup2(fds[0], 0);
	close(fds[0]);
	load(a);
	dup2(saved, 0);
	close(saved);
}

static void
test_key_follows_bytes_read(void **state)
{
	struct answers	 a, b;
	char		 first[65], *cause = NULL;
	size_t		 nd;

	(void)state;
	answers_file(rcpt);
	put(rcpt, "a@domain.not\nb@domain.not\nc@domain.not\n");
	load(&a);
	assert_int_equal(strlen(a.rcpt_source), 64);
	assert_true(a.rcpt_pending);
	strcpy(first, a.rcpt_source);

	/* Unchanged: reading keeps the key. */
	assert_int_equal(answers_validate(&a, &nd, &cause), 0);
	assert_string_equal(a.rcpt_source, first);
	assert_int_equal(a.recipients.n, 4);
	answers_free(&a);

	/* Changed after the hash: the key becomes that of what was read,
	   the one a fresh load of the new file gives. */
	load(&a);
	put(rcpt, "a@domain.not\n");
	assert_int_equal(answers_validate(&a, &nd, &cause), 0);
	assert_int_equal(a.recipients.n, 2);
	load(&b);
	assert_string_equal(a.rcpt_source, b.rcpt_source);
	assert_string_not_equal(a.rcpt_source, first);
	answers_free(&a);
	answers_free(&b);
}

static void
test_pipe_read_once(void **state)
{
	struct answers	 a, b;
	char		*cause = NULL;
	size_t		 nd;
	const char	*list = "a@domain.not\nb@domain.not\n";

	(void)state;
	load_piped(&a, list);
	assert_false(a.rcpt_pending);
	assert_int_equal(strlen(a.rcpt_source), 64);
	assert_int_equal(answers_validate(&a, &nd, &cause), 0);
	assert_int_equal(a.recipients.n, 3);
	assert_string_equal(strlist_get(&a.recipients, 2), "b@domain.not");

	/* The same bytes in a regular file give the same key. */
	answers_file(rcpt);
	put(rcpt, list);
	load(&b);
	assert_string_equal(a.rcpt_source, b.rcpt_source);
	answers_free(&a);
	answers_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_follows_bytes_read),
		cmocka_unit_test(test_pipe_read_once),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
