/*
 * field.h: a one-line text field (UTF-8), the editing keys every screen
 * shares: characters insert, Backspace/Delete, Left/Right, Home/End
 * (Ctrl-A/Ctrl-E), Ctrl-U clears, Ctrl-K cuts to the end, Ctrl-W cuts a
 * word.  The field scrolls horizontally so the cursor stays visible.
 */
#ifndef MXPIN_TUI_FIELD_H
#define MXPIN_TUI_FIELD_H

#include <stddef.h>

#include "util.h"

struct field {
	struct buf	b;	/* the text, UTF-8 */
	size_t		cur;	/* cursor, byte offset into b */
	size_t		off;	/* first character shown */
};

void		 field_init(struct field *, const char *text);
void		 field_free(struct field *);
void		 field_set(struct field *, const char *text);
/* The text; never NULL. */
const char	*field_text(const struct field *);
int		 field_empty(const struct field *);
/* Handles an editing key.  Returns 1 when the key was an editing key
   (*changed set when the text changed), 0 when it is not for us. */
int		 field_key(struct field *, int key, int *changed);
/*
 * Draws "[text      ]" at (y, x), w columns including the brackets.
 * When focused, *cy and *cx receive where the cursor belongs.
 */
void		 field_draw(struct field *, int y, int x, int w, int focused,
		    int *cy, int *cx);

#endif
