/*
 * pfxexpand.h: what "postconf -c DIR -xh NAME..." prints, computed without
 * running postconf on main.cf.
 *
 * postconf reads and checks the whole main.cf on every call, which costs
 * tens of milliseconds on a large file.  pfx_expand() takes main.cf and
 * master.cf as bytes, the built-in defaults as printed by ONE "postconf -c
 * DIR -d" (which does not read main.cf), and repeats Postfix 3.7's $name
 * expansion (mac_parse + mac_expand with MAC_EXP_FLAG_RECURSE, the "level"
 * operators of compat_level.c) and the checks postconf makes before it
 * prints anything.  Whatever it does not fully model makes it give up
 * (return 1) so that the caller asks the real postconf instead: it must
 * never return a value postconf would not print, nor a value where
 * postconf would fail.
 */
#ifndef MXPIN_PFXEXPAND_H
#define MXPIN_PFXEXPAND_H

#include <stddef.h>

struct maincf;

/* Everything "postconf -c DIR -xh" would look at. */
struct pfx_source {
	const char		*confdir;	/* exactly as given to -c */
	const char		*maincf;	/* DIR/main.cf, as read */
	size_t			 maincflen;
	const struct maincf	*cf;		/* maincf_parse() of those bytes */
	const char		*mastercf;	/* DIR/master.cf; NULL: none */
	size_t			 mastercflen;
	const char		*defaults;	/* stdout of postconf -c DIR -d */
	size_t			 deflen;
};

/*
 * On success returns 0 and sets values[i] (caller frees each) to the line
 * "postconf -c confdir -xh names..." prints for names[i], without its
 * newline, byte for byte.  Returns 1 ("ask postconf") with *why (caller
 * frees) naming what was not understood; values[] are then all NULL.
 * Runs no program; may read (never write) the database client
 * configuration files that postconf itself would read (mysql:/path etc.),
 * and asks gethostname() as postconf does for the myhostname default.
 */
int	pfx_expand(const struct pfx_source *, const char *const *names,
	    size_t n, char **values, char **why);

#endif
