/*
 * corpus.h: test helper (header only) that lists and reads the shared
 * corpus files named by $MXPIN_SHARED (default "../shared", relative to
 * the repository top, the working directory under tests/run).
 */
#ifndef MXPIN_TEST_CORPUS_H
#define MXPIN_TEST_CORPUS_H

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int
corpus_namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The paths of the regular files in corpus/SUB, sorted, NULL-terminated;
 * *np gets their number.  Free with strv_free().
 */
static char **
corpus_files(const char *sub, size_t *np)
{
	const char	*shared = getenv("MXPIN_SHARED");
	struct dirent	*de;
	DIR		*dp;
	char		*dir, **v = NULL;
	size_t		 n = 0;

	if (shared == NULL || *shared == '\0')
		shared = "../shared";
	dir = xasprintf("%s/corpus/%s", shared, sub);
	if ((dp = opendir(dir)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			v = xreallocarray(v, n + 2, sizeof *v);
			v[n++] = xasprintf("%s/%s", dir, de->d_name);
		}
		closedir(dp);
	}
	free(dir);
	v = xreallocarray(v, n + 1, sizeof *v);
	v[n] = NULL;
	qsort(v, n, sizeof *v, corpus_namecmp);
	*np = n;
	return v;
}

/* The whole file at path; fails the test when it cannot be read. */
static void
corpus_read(const char *path, struct buf *out)
{
	char	*cause;

	buf_init(out);
	if (file_read(path, 16 * 1024 * 1024, out, &cause) != 0)
		fail_msg("%s", cause);
	buf_add(out, "", 0);
}

#endif
