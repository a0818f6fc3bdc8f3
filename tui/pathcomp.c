/*
 * pathcomp.c: completion and listing for path fields (see pathcomp.h).
 */
#include "pathcomp.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static int
is_dir(const char *dir, const char *name)
{
	struct stat	 sb;
	char		*p = xasprintf("%s/%s", dir, name);
	int		 r = stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);

	free(p);
	return r;
}

char *
pathcomp_complete(const char *path, int *nmatch)
{
	const char	*slash = strrchr(path, '/');
	char		*dir, *best = NULL, *out = NULL;
	const char	*base;
	size_t		 blen, k;
	DIR		*dp;
	struct dirent	*de;

	*nmatch = 0;
	if (slash == NULL) {
		dir = xstrdup(".");
		base = path;
	} else {
		dir = slash == path ? xstrdup("/") :
		    xstrndup(path, (size_t)(slash - path));
		base = slash + 1;
	}
	blen = strlen(base);
	if ((dp = opendir(dir)) == NULL) {
		free(dir);
		return NULL;
	}
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (strncmp(de->d_name, base, blen) != 0)
			continue;
		if (blen == 0 && de->d_name[0] == '.')
			continue;
		(*nmatch)++;
		if (best == NULL)
			best = xstrdup(de->d_name);
		else {
			for (k = 0; best[k] != '\0' && best[k] == de->d_name[k];
			    k++)
				;
			best[k] = '\0';
		}
	}
	closedir(dp);
	if (best != NULL && (strlen(best) > blen || (*nmatch == 1 &&
	    is_dir(dir, best)))) {
		out = xasprintf("%.*s%s%s", (int)(base - path), path, best,
		    *nmatch == 1 && is_dir(dir, best) ? "/" : "");
		if (strcmp(out, path) == 0) {
			free(out);
			out = NULL;
		}
	}
	free(best);
	free(dir);
	return out;
}

static int
cmp_entry(const void *a, const void *b)
{
	const char	*x = *(const char *const *)a;
	const char	*y = *(const char *const *)b;
	int		 dx = x[strlen(x) - 1] == '/';
	int		 dy = y[strlen(y) - 1] == '/';

	if (strcmp(x, "../") == 0)
		return -1;
	if (strcmp(y, "../") == 0)
		return 1;
	if (dx != dy)
		return dy - dx;
	return strcmp(x, y);
}

char **
pathcomp_list(const char *dir, size_t *n)
{
	DIR		*dp;
	struct dirent	*de;
	char		**v = NULL;
	size_t		 cap = 0;

	*n = 0;
	if ((dp = opendir(dir)) == NULL)
		return NULL;
	for (;;) {
		errno = 0;
		if ((de = readdir(dp)) == NULL)
			break;
		if (de->d_name[0] == '.' && strcmp(de->d_name, "..") != 0)
			continue;
		if (strcmp(de->d_name, "..") == 0 && strcmp(dir, "/") == 0)
			continue;
		if (*n + 2 > cap) {
			cap = cap == 0 ? 64 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[(*n)++] = is_dir(dir, de->d_name) ?
		    xasprintf("%s/", de->d_name) : xstrdup(de->d_name);
	}
	closedir(dp);
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	v[*n] = NULL;
	qsort(v, *n, sizeof *v, cmp_entry);
	return v;
}
