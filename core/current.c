/*
 * current.c: reading back what mxpin wrote (see current.h).
 */
#include "current.h"

#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "table.h"
#include "util.h"

/* Tables are read with the same limit as the plan reads them. */
#define CURRENT_FILE_LIMIT	((size_t)4 << 30)

int
current_recipients(const char *spec, const char *domain,
    struct strlist *out, char **cause)
{
	struct buf		 b;
	struct table		*t;
	struct table_entry	 e;
	const char		*path;
	size_t			 i;

	*cause = NULL;
	path = strchr(spec, ':');
	path = path != NULL ? path + 1 : spec;
	buf_init(&b);
	if (file_read(path, CURRENT_FILE_LIMIT, &b, cause) == -1) {
		buf_free(&b);
		return -1;
	}
	t = table_parse(b.data, b.len);
	for (i = 0; i < table_count(t); i++) {
		table_entry(t, i, &e);
		if (!plan_owns_recipient(e.key, e.keylen, domain))
			continue;
		strlist_add(out, e.key, e.keylen, (uint32_t)e.line);
	}
	table_free(t);
	buf_free(&b);
	return 0;
}
