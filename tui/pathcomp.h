/*
 * pathcomp.h: file names for the path fields: Tab completion and the
 * directory listing behind the file picker.  Reads directories only.
 */
#ifndef MXPIN_TUI_PATHCOMP_H
#define MXPIN_TUI_PATHCOMP_H

#include <stddef.h>

/*
 * Completes path as far as it is unambiguous (a unique directory gets
 * its '/').  Returns the longer path (caller frees), or NULL when
 * nothing can be added; *nmatch receives how many names matched.
 */
char	*pathcomp_complete(const char *path, int *nmatch);
/*
 * The entries of dir, sorted, directories first and marked with a
 * trailing '/', "../" first unless dir is "/"; dot files are left out.
 * NULL-terminated vector (free with strv_free), *n its length; NULL
 * with errno set when dir cannot be read.
 */
char	**pathcomp_list(const char *dir, size_t *n);

#endif
