/*
 * rlist_draw.c: the recipients screen with N entries, drawn by the real
 * scr_recipients_draw() on a real curses screen (TERM=xterm, output to
 * /dev/null), then one keystroke: a letter typed into the Add field and
 * the redraw that follows.  Run under callgrind with
 * --toggle-collect=bench_keystroke to count that keystroke's instructions.
 *
 *   rlist_draw N
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "field.h"
#include "rlist.h"
#include "scr_recipients.h"
#include "strlist.h"
#include "wizard.h"

/* wizard.o's command entry point wants the CLI's messages; never called. */
void	cli_warnx(const char *, ...);
int	cli_fail(int, char *);

void
cli_warnx(const char *fmt, ...)
{
	(void)fmt;
}

int
cli_fail(int code, char *cause)
{
	free(cause);
	return code;
}

/* Not static, not inlined: callgrind toggles collection on it. */
void	bench_keystroke(struct wiz *) __attribute__((noinline));

void
bench_keystroke(struct wiz *w)
{
	scr_recipients_key(w, 'x');
	erase();
	scr_recipients_draw(w);
	refresh();
}

int
main(int argc, char **argv)
{
	static struct wiz	 w;
	struct strlist		 l;
	char			 s[64];
	size_t			 n, i;
	int			 len;

	if (argc != 2) {
		fprintf(stderr, "usage: rlist_draw N\n");
		return 64;
	}
	n = strtoul(argv[1], NULL, 10);
	strlist_init(&l);
	for (i = 0; i < n; i++) {
		len = snprintf(s, sizeof s, "user%07zu@domain.not", i);
		strlist_add(&l, s, (size_t)len, 0);
	}
	field_init(&w.domain, "domain.not");
	field_init(&w.host, "mx.domain.not");
	field_init(&w.port, "25");
	field_init(&w.path, "");
	field_init(&w.paste, "");
	w.pc.relay_recipient_maps = strdup("");
	rlist_init(&w.rcpt);
	rlist_merge(&w.rcpt, &l);
	strlist_free(&l);
	if (draw_init() == -1) {
		fprintf(stderr, "rlist_draw: no terminal (TERM=xterm?)\n");
		return 1;
	}
	w.a.y = 2;
	w.a.x = 2;
	w.a.h = LINES - 4;
	w.a.w = COLS - 4;
	scr_recipients_enter(&w);
	scr_recipients_draw(&w);
	refresh();
	bench_keystroke(&w);
	draw_end();
	scr_recipients_free();
	rlist_free(&w.rcpt);
	return 0;
}
