/*
 * test_validate.c: the grammars that keep hostile values out of config
 * lines, and the messages that name field, value and problem.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strlist.h"
#include "validate.h"

static void
refused(int (*fn)(const char *, const char *, char **), const char *v,
    const char *want)
{
	char	*cause = NULL;

	if (fn("domain", v, &cause) != -1)
		fail_msg("accepted \"%s\"", v);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", cause, want);
	assert_non_null(strstr(cause, "domain \""));
	free(cause);
}

static void
accepted(int (*fn)(const char *, const char *, char **), const char *v)
{
	char	*cause = NULL;

	if (fn("domain", v, &cause) != 0)
		fail_msg("refused \"%s\": %s", v, cause);
	assert_null(cause);
}

static void
test_domain_good(void **state)
{
	(void)state;
	accepted(valid_domain, "domain.not");
	accepted(valid_domain, "a-b.c-d.example");
	accepted(valid_domain, "xn--bcher-kva.example");
	accepted(valid_domain, "EXAMPLE.ORG");
	accepted(valid_domain, "1a.example");
}

static void
test_domain_hostile(void **state)
{
	char	long_label[80], long_name[300];
	size_t	i;

	(void)state;
	refused(valid_domain, "domain.not\nrelayhost = evil", "a newline");
	refused(valid_domain, "domain.not\r", "a carriage return");
	refused(valid_domain, "dom ain.not", "a space");
	refused(valid_domain, "dom\tain.not", "a tab");
	refused(valid_domain, "a.not,b.not", "a comma");
	refused(valid_domain, "$myhostname", "'$'");
	refused(valid_domain, "${x}.example", "'$'");
	refused(valid_domain, "a#b.example", "'#'");
	refused(valid_domain, "a|b.example", "'|'");
	refused(valid_domain, "[a.example]", "bracket");
	refused(valid_domain, "{a.example}", "brace");
	refused(valid_domain, "-a.example", "hyphen");
	refused(valid_domain, "a-.example", "hyphen");
	refused(valid_domain, ".a.example", "starts with a dot");
	refused(valid_domain, "a.example.", "ends with a dot");
	refused(valid_domain, "a..example", "empty label");
	refused(valid_domain, "localhost", "single label");
	refused(valid_domain, "", "empty");
	refused(valid_domain, "10.0.0.1", "numeric");
	refused(valid_domain, "d\xc3\xb6main.example", "non-ASCII");
	memset(long_label, 'a', 64);
	strcpy(long_label + 64, ".example");
	refused(valid_domain, long_label, "at most 63");
	for (i = 0; i < 250; i += 2)
		memcpy(long_name + i, "a.", 2);
	strcpy(long_name + 250, "example");
	refused(valid_domain, long_name, "at most 253");
}

static void
test_domain_nul(void **state)
{
	char	*v;

	(void)state;
	/* A NUL ends a C string: what reaches the check is the prefix, and the
	   escaper shows embedded NULs when given a length. */
	v = vis_mem("a\0b", 3);
	assert_string_equal(v, "a\\0b");
	free(v);
	v = vis_str("x\n\"\\\x7f");
	assert_string_equal(v, "x\\n\\\"\\\\\\x7f");
	free(v);
}

static void
test_host(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_int_equal(valid_host("relay_host", "192.0.2.1", &cause), 0);
	assert_int_equal(valid_host("relay_host", "2001:db8::1", &cause), 0);
	assert_int_equal(valid_host("relay_host", "mx.domain.not", &cause), 0);
	assert_int_equal(valid_host("relay_host", "1.2.3", &cause), -1);
	assert_non_null(strstr(cause, "IPv4"));
	free(cause);
	assert_int_equal(valid_host("relay_host", "256.0.0.1", &cause), -1);
	free(cause);
	assert_int_equal(valid_host("relay_host", "0x7f.0.0.1", &cause), -1);
	free(cause);
	assert_int_equal(valid_host("relay_host", "2001:db8::g", &cause), -1);
	free(cause);
	assert_int_equal(valid_host("relay_host", "mx.domain.not:26", &cause),
	    -1);
	free(cause);
	assert_int_equal(valid_host("relay_host", "[mx.domain.not]", &cause),
	    -1);
	assert_non_null(strstr(cause, "relay_host \"[mx.domain.not]\""));
	free(cause);
	assert_int_equal(host_is_ip("::1"), 1);
	assert_int_equal(host_is_ip("mx.example"), 0);
}

static void
test_port(void **state)
{
	char	*cause = NULL;
	int	 port = 0;

	(void)state;
	assert_int_equal(valid_port("port", 1, &cause), 0);
	assert_int_equal(valid_port("port", 65535, &cause), 0);
	assert_int_equal(valid_port("port", 0, &cause), -1);
	assert_non_null(strstr(cause, "port \"0\": is not a TCP port"));
	free(cause);
	assert_int_equal(valid_port("port", 65536, &cause), -1);
	free(cause);
	assert_int_equal(valid_port("port", -1, &cause), -1);
	free(cause);
	assert_int_equal(valid_port_str("Port", "26", &port, &cause), 0);
	assert_int_equal(port, 26);
	assert_int_equal(valid_port_str("Port", "70000", &port, &cause), -1);
	assert_non_null(strstr(cause, "70000"));
	free(cause);
	assert_int_equal(valid_port_str("Port", "2 6", &port, &cause), -1);
	free(cause);
	assert_int_equal(valid_port_str("Port", "", &port, &cause), -1);
	free(cause);
	assert_int_equal(valid_port_str("Port", "-1", &port, &cause), -1);
	free(cause);
}

static void
test_recipient(void **state)
{
	static const char *const bad[] = {
		"a b@domain.not", "\"a\"@domain.not", "domain.not",
		"a@other.example", "a,b@domain.not", "#a@domain.not",
		"a$b@domain.not", "a@domain.not\n", ".a@domain.not",
		"a.@domain.not", "a..b@domain.not", "a@b@domain.not",
		"", "a\tb@domain.not",
	};
	char	*cause = NULL, local[80];
	size_t	 i;

	(void)state;
	assert_int_equal(valid_recipient("r", "first.last@domain.not",
	    "domain.not", &cause), 0);
	assert_int_equal(valid_recipient("r", "a+tag@DOMAIN.NOT",
	    "domain.not", &cause), 0);
	assert_int_equal(valid_recipient("r", "@domain.not", "domain.not",
	    &cause), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (valid_recipient("r", bad[i], "domain.not", &cause) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_non_null(strstr(cause, "r \""));
		free(cause);
	}
	memset(local, 'a', 65);
	strcpy(local + 65, "@domain.not");
	assert_int_equal(valid_recipient("r", local, "domain.not", &cause), -1);
	assert_non_null(strstr(cause, "at most 64"));
	free(cause);
}

static void
test_strlist_dedupe(void **state)
{
	struct strlist	l;

	(void)state;
	strlist_init(&l);
	strlist_add(&l, "a@x.example", 11, 1);
	strlist_add(&l, "B@x.example", 11, 2);
	strlist_add(&l, "A@X.example", 11, 3);
	strlist_add(&l, "b@x.example", 11, 4);
	strlist_add(&l, "c@x.example", 11, 5);
	assert_int_equal(strlist_dedupe(&l), 2);
	assert_int_equal(l.n, 3);
	assert_string_equal(strlist_get(&l, 0), "a@x.example");
	assert_string_equal(strlist_get(&l, 1), "B@x.example");
	assert_string_equal(strlist_get(&l, 2), "c@x.example");
	assert_int_equal(l.line[2], 5);
	strlist_free(&l);
}

/*
 * A big list with duplicates in other cases, far apart: exactly the later
 * spellings go, the first ones stay in order (the set's tagged slots and
 * read-ahead must not change what is found).
 */
static void
test_strlist_dedupe_big(void **state)
{
	struct strlist	l;
	char		s[64];
	size_t		i, n = 200000, removed;

	(void)state;
	strlist_init(&l);
	for (i = 0; i < n; i++) {
		snprintf(s, sizeof s, "user%zu@domain.not", i);
		strlist_add(&l, s, strlen(s), 0);
	}
	/* Every 7th again, upper case, in reverse order; one twice. */
	for (i = n; i-- > 0;) {
		if (i % 7 != 0)
			continue;
		snprintf(s, sizeof s, "USER%zu@DOMAIN.NOT", i);
		strlist_add(&l, s, strlen(s), 0);
	}
	strlist_add(&l, "user7@domain.not", 16, 0);
	strlist_add(&l, "new@domain.not", 14, 0);
	removed = strlist_dedupe(&l);
	assert_int_equal(removed, (n + 6) / 7 + 1);
	assert_int_equal(l.n, n + 1);
	for (i = 0; i < n; i++) {
		snprintf(s, sizeof s, "user%zu@domain.not", i);
		assert_string_equal(strlist_get(&l, i), s);
	}
	assert_string_equal(strlist_get(&l, n), "new@domain.not");
	strlist_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_good),
		cmocka_unit_test(test_domain_hostile),
		cmocka_unit_test(test_domain_nul),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_recipient),
		cmocka_unit_test(test_strlist_dedupe),
		cmocka_unit_test(test_strlist_dedupe_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
