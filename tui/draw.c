/*
 * draw.c: the terminal for the wizard (see draw.h).  Curses is started
 * with newterm() so a terminal that cannot be driven is an error we can
 * report, not an exit inside the library.
 */
#include "draw.h"

#include <langinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <wchar.h>

#include "util.h"

static SCREEN			*scr;
static int			 active, utf8, colour;
static volatile sig_atomic_t	 stop_sig;
static attr_t			 attrs[R_NROLES];

static void
on_signal(int sig)
{
	stop_sig = sig;
}

int
draw_stop_signal(void)
{
	return (int)stop_sig;
}

void
draw_block_signals(int block)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static void
set_roles(void)
{
	int	i;

	for (i = 0; i < R_NROLES; i++)
		attrs[i] = A_NORMAL;
	attrs[R_ERR] = A_BOLD;
	attrs[R_WARN] = A_BOLD;
	attrs[R_TITLE] = A_BOLD;
	attrs[R_SEL] = A_REVERSE;
	attrs[R_MODE] = A_REVERSE | A_BOLD;
	attrs[R_KEY] = A_BOLD;
	attrs[R_HUNK] = A_BOLD;
	if (!colour)
		return;
	start_color();
	use_default_colors();
	init_pair(1, COLOR_GREEN, -1);
	init_pair(2, COLOR_RED, -1);
	init_pair(3, COLOR_YELLOW, -1);
	init_pair(4, COLOR_CYAN, -1);
	attrs[R_GOOD] = COLOR_PAIR(1);
	attrs[R_ADD] = COLOR_PAIR(1);
	attrs[R_ERR] = COLOR_PAIR(2) | A_BOLD;
	attrs[R_DEL] = COLOR_PAIR(2);
	attrs[R_WARN] = COLOR_PAIR(3) | A_BOLD;
	attrs[R_HUNK] = COLOR_PAIR(4);
}

int
draw_init(void)
{
	struct sigaction	 sa;
	const char		*nc = getenv("NO_COLOR");

	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if ((scr = newterm(NULL, stdout, stdin)) == NULL)
		return -1;
	set_term(scr);
	active = 1;
	fatal_set_cleanup(draw_end);
	/* Ours, after newterm(): curses may have put its own in place, and
	   they exit without our cleanup and message. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;	/* no SA_RESTART: wake up getch */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (tigetstr("cup") == NULL || tigetstr("cup") == (char *)-1) {
		draw_end();
		return -1;
	}
	set_escdelay(25);
	raw();			/* Ctrl-Q, Ctrl-C and Ctrl-U reach us */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* mouse stays off: fingerprints can be selected and copied */
	colour = has_colors() && (nc == NULL || *nc == '\0');
	set_roles();
	curs_set(0);
	return 0;
}

void
draw_end(void)
{
	if (!active)
		return;
	active = 0;
	curs_set(1);
	endwin();
	if (scr != NULL) {
		delscreen(scr);
		scr = NULL;
	}
	fatal_set_cleanup(NULL);
}

int
draw_getkey(int ms)
{
	wint_t	wc;
	int	r;

	if (stop_sig)
		return -1;
	timeout(ms);
	r = get_wch(&wc);
	if (r == ERR)
		return -1;
	if (r == KEY_CODE_YES)
		return KEYF((int)wc);
	if (wc == '\r')
		return K_ENTER;
	return (int)wc;
}

attr_t
draw_attr(enum role r)
{
	return attrs[r];
}

int
draw_utf8(void)
{
	return utf8;
}

int
draw_colour(void)
{
	return colour;
}

const char *
draw_tick(void)
{
	return utf8 ? "\xe2\x9c\x93" : "ok";
}

const char *
draw_arrow(void)
{
	return utf8 ? "\xe2\x86\x92" : "->";
}

/* Decodes s into a wide string (invalid bytes and controls become '?').
   Caller frees. */
static wchar_t *
widen(const char *s, size_t *np)
{
	size_t		 len = strlen(s), n = 0, k;
	wchar_t		*w = xreallocarray(NULL, len + 1, sizeof *w), wc;
	mbstate_t	 st;

	memset(&st, 0, sizeof st);
	while (*s != '\0') {
		k = mbrtowc(&wc, s, len, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			wc = L'?';
			k = 1;
		}
		if (wc < 0x20 || wc == 0x7f || (wc >= 0x80 && wc < 0xa0))
			wc = L'?';
		w[n++] = wc;
		s += k;
		len -= k;
	}
	w[n] = L'\0';
	*np = n;
	return w;
}

static int
wc_width(wchar_t wc)
{
	int	w = wcwidth(wc);

	return w < 0 ? 1 : w;
}

int
draw_width(const char *s)
{
	size_t	 n, i;
	wchar_t	*w = widen(s, &n);
	int	 cols = 0;

	for (i = 0; i < n; i++)
		cols += wc_width(w[i]);
	free(w);
	return cols;
}

/* Puts n wide characters, at most maxw columns; returns columns used. */
static int
put_wide(int y, int x, int maxw, attr_t a, const wchar_t *w, size_t n)
{
	size_t	i;
	int	cols = 0, cw;

	if (maxw <= 0 || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;
	if (x + maxw > COLS)
		maxw = COLS - x;
	for (i = 0; i < n; i++) {
		cw = wc_width(w[i]);
		if (cols + cw > maxw)
			break;
		cols += cw;
	}
	attron(a);
	mvaddnwstr(y, x, w, (int)i);
	attroff(a);
	return cols;
}

int
draw_str(int y, int x, int w, enum role r, const char *s)
{
	size_t	 n;
	wchar_t	*ws = widen(s, &n);
	int	 cols;

	cols = put_wide(y, x, w, attrs[r], ws, n);
	free(ws);
	return cols;
}

int
draw_fmt(int y, int x, int w, enum role r, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 cols;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	cols = draw_str(y, x, w, r, s);
	free(s);
	return cols;
}

int
draw_wrap(int y, int x, int w, int maxrows, int indent, enum role r,
    const char *s)
{
	size_t	 n, i, start = 0, brk;
	wchar_t	*ws = widen(s, &n);
	int	 rows = 0, cols, width;

	if (w < 2)
		w = 2;
	while (start < n) {
		width = rows == 0 ? w : w - indent;
		if (width < 2)
			width = 2;
		cols = 0;
		brk = 0;
		for (i = start; i < n; i++) {
			if (cols + wc_width(ws[i]) > width)
				break;
			cols += wc_width(ws[i]);
			if (ws[i] == L' ' || ws[i] == L':')
				brk = i + 1;
		}
		if (i < n && brk > start)
			i = brk;
		if (i == start)
			i = start + 1;	/* a glyph wider than the row */
		if (rows < maxrows)
			put_wide(y + rows, rows == 0 ? x : x + indent, width,
			    attrs[r], ws + start, i - start);
		rows++;
		start = i;
		while (start < n && ws[start] == L' ')
			start++;
	}
	free(ws);
	return rows == 0 ? 1 : rows;
}

void
draw_clear(int y, int x, int w)
{
	if (y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	if (w > 0)
		mvhline(y, x, ' ', w);
}

void
draw_box(int y, int x, int h, int w)
{
	int	i;

	if (h < 2 || w < 2)
		return;
	if (utf8) {
		mvhline_set(y, x + 1, WACS_HLINE, w - 2);
		mvhline_set(y + h - 1, x + 1, WACS_HLINE, w - 2);
		mvvline_set(y + 1, x, WACS_VLINE, h - 2);
		mvvline_set(y + 1, x + w - 1, WACS_VLINE, h - 2);
		mvadd_wch(y, x, WACS_ULCORNER);
		mvadd_wch(y, x + w - 1, WACS_URCORNER);
		mvadd_wch(y + h - 1, x, WACS_LLCORNER);
		mvadd_wch(y + h - 1, x + w - 1, WACS_LRCORNER);
		return;
	}
	for (i = 1; i < w - 1; i++) {
		mvaddch(y, x + i, '-');
		mvaddch(y + h - 1, x + i, '-');
	}
	for (i = 1; i < h - 1; i++) {
		mvaddch(y + i, x, '|');
		mvaddch(y + i, x + w - 1, '|');
	}
	mvaddch(y, x, '+');
	mvaddch(y, x + w - 1, '+');
	mvaddch(y + h - 1, x, '+');
	mvaddch(y + h - 1, x + w - 1, '+');
}
