/*
 * mkdiff: test aid.  "mkdiff OLD NEW [ALABEL BLABEL]" writes the unified
 * diff of the two files (diff_unified) to stdout, labelled "a" and "b"
 * unless labels are given; "-s" first prints the diff_stat counts to
 * stderr.  Exit 0 when equal, 1 when different, 2 on error, as diff(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "util.h"

int
main(int argc, char **argv)
{
	struct buf		 a, b, out;
	struct diff_stat	 st;
	char			*cause;
	int			 stat = 0;

	if (argc > 1 && strcmp(argv[1], "-s") == 0) {
		stat = 1;
		argc--;
		argv++;
	}
	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: mkdiff [-s] old new [alabel blabel]\n");
		return 2;
	}
	buf_init(&a);
	buf_init(&b);
	buf_init(&out);
	if (file_read(argv[1], (size_t)1 << 32, &a, &cause) == -1 ||
	    file_read(argv[2], (size_t)1 << 32, &b, &cause) == -1) {
		fprintf(stderr, "mkdiff: %s\n", cause);
		free(cause);
		return 2;
	}
	diff_unified(a.data, a.len, b.data, b.len, argc == 5 ? argv[3] : "a",
	    argc == 5 ? argv[4] : "b", &out, &st);
	if (stat)
		fprintf(stderr, "added %zu removed %zu hunks %zu\n", st.added,
		    st.removed, st.hunks);
	if (out.len > 0 && fwrite(out.data, 1, out.len, stdout) != out.len) {
		perror("mkdiff: stdout");
		return 2;
	}
	buf_free(&a);
	buf_free(&b);
	buf_free(&out);
	return st.hunks > 0 ? 1 : 0;
}
