/*
 * fuzz_smtpreply.c: libFuzzer harness for the SMTP reply parser.  The
 * input is fed in pieces whose sizes come from the input itself, so
 * replies split at every possible place; every complete reply is checked
 * for the invariants the probe relies on (code range, line count bound,
 * line length bound, NULL-terminated vector without NUL bytes).
 *
 *   clang -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE \
 *       -Icore core/util.c core/smtpreply.c tests/fuzz/fuzz_smtpreply.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_reply(const struct smtp_reply *r)
{
	size_t	i;

	if (r->code < 200 || r->code > 559 || r->nlines == 0 ||
	    r->nlines > SMTP_REPLY_MAXLINES || r->lines[r->nlines] != NULL)
		abort();
	for (i = 0; i < r->nlines; i++)
		if (strlen(r->lines[i]) > SMTP_LINE_LIMIT)
			abort();
	(void)smtp_reply_has_ext(r, "STARTTLS");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_parser	 p;
	struct smtp_reply	 r;
	size_t			 off, n, used, step;
	char			*cause;
	int			 rc;

	if (size < 1)
		return 0;
	/* The first byte picks the feeding step (1-256 bytes). */
	step = (size_t)data[0] + 1;
	data++;
	size--;
	smtp_parser_init(&p);
	off = 0;
	while (off < size) {
		n = size - off < step ? size - off : step;
		rc = smtp_parser_feed(&p, data + off, n, &used, &r, &cause);
		if (used > n)
			abort();
		if (rc == -1) {
			if (cause == NULL || *cause == '\0')
				abort();
			free(cause);
			break;
		}
		if (cause != NULL)
			abort();
		if (rc == 1) {
			check_reply(&r);
			smtp_reply_free(&r);
		} else if (used != n)
			abort();
		off += used;
	}
	smtp_parser_free(&p);
	return 0;
}
