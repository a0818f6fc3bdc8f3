/*
 * draw.h: the terminal for the wizard.  Starting and always restoring
 * curses (on exit, on fatal(), on SIGINT/SIGTERM/SIGHUP), colour roles
 * that fall back to plain attributes (NO_COLOR, terminals without
 * colour), glyphs that fall back to ASCII outside UTF-8 locales, clipped
 * printing and word wrapping, and one way of reading keys.
 */
#ifndef MXPIN_TUI_DRAW_H
#define MXPIN_TUI_DRAW_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stddef.h>

/*
 * Keys: a character is its code point; a curses function key is
 * KEYF(KEY_xxx), above every code point, so the two never collide.
 */
#define KEYF(k)		(0x200000 + (k))
#define KEY_CTRL(c)	((c) & 0x1f)
#define K_ESC		27
#define K_ENTER		'\n'
#define K_TAB		'\t'

/* What a piece of text is; draw_attr() turns it into attributes. */
enum role {
	R_NORMAL,
	R_GOOD,		/* a check passed */
	R_ERR,		/* a check failed, a failure */
	R_WARN,		/* deserves a second look */
	R_ADD,		/* diff: added line */
	R_DEL,		/* diff: removed line */
	R_HUNK,		/* diff: @@ line, file header */
	R_DIM,		/* secondary text */
	R_TITLE,	/* the question, headings */
	R_SEL,		/* the selected row */
	R_MODE,		/* the mode in the header (reverse video) */
	R_KEY,		/* a key name in the footer */
	R_NROLES
};

/* A rectangle of the screen (the content area of the frame). */
struct area {
	int	y, x, h, w;
};

/* Starts curses (raw, keypad, no mouse, short ESCDELAY, colours unless
   NO_COLOR or the terminal has none); installs the signal handlers and
   the fatal() cleanup.  0, or -1 when the terminal cannot be set up. */
int		 draw_init(void);
/* Restores the terminal; safe to call more than once. */
void		 draw_end(void);
/* The signal that asked us to stop (SIGINT, SIGTERM, SIGHUP) or 0. */
int		 draw_stop_signal(void);
/* Blocks (or unblocks) the stop signals around work that must not be cut
   in half (a transaction); a signal that arrives meanwhile is kept. */
void		 draw_block_signals(int block);

/* The next key, waiting at most ms milliseconds (-1: forever, but a
   stop signal interrupts); -1 when none came. */
int		 draw_getkey(int ms);

attr_t		 draw_attr(enum role);
int		 draw_utf8(void);
int		 draw_colour(void);
/* Glyphs: tick ("✓" / "ok"), arrow ("→" / "->"). */
const char	*draw_tick(void);
const char	*draw_arrow(void);

/* Prints UTF-8 text at (y, x) in role, at most w columns (clipped, never
   wrapped).  Returns the columns used. */
int		 draw_str(int y, int x, int w, enum role, const char *s);
/* The same with printf formatting. */
int		 draw_fmt(int y, int x, int w, enum role, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));
/* Display width of UTF-8 text (invalid bytes count 1). */
int		 draw_width(const char *s);
/*
 * Wraps UTF-8 text into rows of at most w columns, breaking after a
 * space or a ':' (a fingerprint wraps whole, between pairs), else hard;
 * draws at most maxrows rows from (y, x) (with indent columns on every
 * row after the first) and returns the number of rows the WHOLE text
 * needs, so callers can make room rather than cut it.  maxrows 0 draws
 * nothing (measure only).
 */
int		 draw_wrap(int y, int x, int w, int maxrows, int indent,
		    enum role, const char *s);
/* Draws a box (ASCII outside UTF-8). */
void		 draw_box(int y, int x, int h, int w);
/* Fills a row segment with spaces. */
void		 draw_clear(int y, int x, int w);

#endif
