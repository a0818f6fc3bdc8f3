/*
 * diff.h: unified diffs of two texts, as diff -u prints them, for the
 * dry-run preview and the wizard's review.  Fast where the change is
 * small against a large text (a million-line table with a few changed
 * lines): the common prefix and suffix are skipped before the
 * O((N+M)D) comparison of what is left.
 */
#ifndef MXPIN_DIFF_H
#define MXPIN_DIFF_H

#include <stddef.h>

#include "util.h"

struct diff_stat {
	size_t	added;		/* lines starting with '+' */
	size_t	removed;	/* lines starting with '-' */
	size_t	hunks;
};

/*
 * Appends to out the unified diff (3 lines of context) turning a into b,
 * with headers "--- alabel" and "+++ blabel".  A text that does not end in
 * a newline gets "\ No newline at end of file" as diff(1) prints it, so
 * that patch(1) applies the result exactly.  Nothing is appended when the
 * texts are equal.  st (may be NULL) receives the counts.
 */
void	diff_unified(const char *a, size_t alen, const char *b, size_t blen,
	    const char *alabel, const char *blabel, struct buf *out,
	    struct diff_stat *st);

#endif
