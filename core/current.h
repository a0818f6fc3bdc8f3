/*
 * current.h: what is in force now for a domain, read back from the
 * tables mxpin manages.  The state file keeps the recipient count, not
 * the list; rotation re-applies the list found in the recipient table.
 */
#ifndef MXPIN_CURRENT_H
#define MXPIN_CURRENT_H

#include "strlist.h"

/*
 * Appends to out, in file order, the keys of the table source named by
 * spec ("type:/path", as state_domain.recipients_table) that belong to
 * domain ("local@domain" and "@domain", domain compared ASCII
 * case-insensitively, as plan.c owns them).  0, or -1 with *cause naming
 * the file (caller frees).
 */
int	current_recipients(const char *spec, const char *domain,
	    struct strlist *out, char **cause);

#endif
