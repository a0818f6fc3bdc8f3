/*
 * field.c: a one-line text field (see field.h).
 */
#include "field.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"

void
field_init(struct field *f, const char *text)
{
	memset(f, 0, sizeof *f);
	buf_init(&f->b);
	field_set(f, text);
}

void
field_free(struct field *f)
{
	buf_free(&f->b);
	memset(f, 0, sizeof *f);
}

void
field_set(struct field *f, const char *text)
{
	buf_reset(&f->b);
	if (text != NULL)
		buf_addstr(&f->b, text);
	f->cur = f->b.len;
	f->off = 0;
}

const char *
field_text(const struct field *f)
{
	return f->b.data != NULL ? f->b.data : "";
}

int
field_empty(const struct field *f)
{
	return f->b.len == 0;
}

/* Start of the UTF-8 character before byte offset i. */
static size_t
prev_char(const struct field *f, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)f->b.data[i] & 0xc0) == 0x80)
		i--;
	return i;
}

static size_t
next_char(const struct field *f, size_t i)
{
	if (i >= f->b.len)
		return f->b.len;
	i++;
	while (i < f->b.len && ((unsigned char)f->b.data[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static void
cut(struct field *f, size_t from, size_t to)
{
	memmove(f->b.data + from, f->b.data + to, f->b.len - to + 1);
	f->b.len -= to - from;
	f->cur = from;
}

static void
insert(struct field *f, int key)
{
	char		 mb[MB_LEN_MAX];
	mbstate_t	 st;
	size_t		 n;

	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1)
		return;
	buf_reserve(&f->b, n);
	memmove(f->b.data + f->cur + n, f->b.data + f->cur,
	    f->b.len - f->cur + 1);
	memcpy(f->b.data + f->cur, mb, n);
	f->b.len += n;
	f->cur += n;
}

int
field_key(struct field *f, int key, int *changed)
{
	size_t	len = f->b.len, i;

	*changed = 0;
	if (f->b.data == NULL)
		buf_addstr(&f->b, "");
	switch (key) {
	case KEYF(KEY_LEFT):
		f->cur = prev_char(f, f->cur);
		return 1;
	case KEYF(KEY_RIGHT):
		f->cur = next_char(f, f->cur);
		return 1;
	case KEYF(KEY_HOME):
	case KEY_CTRL('a'):
		f->cur = 0;
		return 1;
	case KEYF(KEY_END):
	case KEY_CTRL('e'):
		f->cur = f->b.len;
		return 1;
	case KEYF(KEY_BACKSPACE):
	case 127:
	case KEY_CTRL('h'):
		if (f->cur > 0)
			cut(f, prev_char(f, f->cur), f->cur);
		break;
	case KEYF(KEY_DC):
	case KEY_CTRL('d'):
		if (f->cur < f->b.len)
			cut(f, f->cur, next_char(f, f->cur));
		break;
	case KEY_CTRL('u'):
		field_set(f, "");
		break;
	case KEY_CTRL('k'):
		f->b.len = f->cur;
		f->b.data[f->cur] = '\0';
		break;
	case KEY_CTRL('w'):
		i = f->cur;
		while (i > 0 && f->b.data[i - 1] == ' ')
			i--;
		while (i > 0 && f->b.data[i - 1] != ' ' &&
		    f->b.data[i - 1] != '/')
			i--;
		if (i == f->cur && i > 0)
			i--;
		cut(f, i, f->cur);
		break;
	default:
		if (key < 0x20 || key == 0x7f || key >= KEYF(0) ||
		    (key >= 0x80 && key < 0xa0))
			return 0;
		insert(f, key);
		break;
	}
	*changed = len != f->b.len || key == KEY_CTRL('u');
	return 1;
}

void
field_draw(struct field *f, int y, int x, int w, int focused, int *cy,
    int *cx)
{
	const char	*t = field_text(f);
	char		*before, *shown;
	size_t		 i, nchars = 0, curchars = 0;
	int		 inner = w - 2, used;

	if (inner < 1)
		inner = 1;
	/* Characters before the cursor, to scroll. */
	for (i = 0; i < f->cur; i = next_char(f, i))
		curchars++;
	for (i = 0; i < f->b.len; i = next_char(f, i))
		nchars++;
	if (curchars < f->off)
		f->off = curchars;
	if (curchars - f->off >= (size_t)inner)
		f->off = curchars - (size_t)inner + 1;
	for (i = 0, nchars = 0; i < f->b.len && nchars < f->off;
	    i = next_char(f, i))
		nchars++;
	shown = xstrdup(t + i);
	before = xstrndup(t + i, f->cur - i);
	draw_str(y, x, 1, R_NORMAL, "[");
	draw_clear(y, x + 1, inner);
	draw_str(y, x + 1, inner, R_NORMAL, shown);
	draw_str(y, x + 1 + inner, 1, R_NORMAL, "]");
	used = draw_width(before);
	if (focused && cy != NULL && cx != NULL) {
		*cy = y;
		*cx = x + 1 + (used < inner ? used : inner - 1);
	}
	free(shown);
	free(before);
}
