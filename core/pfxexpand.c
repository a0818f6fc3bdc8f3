/*
 * pfxexpand.c: postconf -xh without postconf reading main.cf.  See
 * pfxexpand.h for the contract.
 *
 * Postfix 3.7 facts this file follows (source: util/mac_parse.c,
 * util/mac_expand.c, global/compat_level.c, postconf/postconf_*.c; each
 * checked against the real postconf, see tests/unit/test_pfxexpand.c):
 *
 * - A value is main.cf's last definition of the name if there is one,
 *   else the built-in default (what postconf -d prints); it is expanded
 *   recursively.  postconf -xh prints the result with every run of
 *   " \t\r\n" turned into one space and both ends trimmed.
 * - mac_parse: "$$" is a literal '$'; "$name" takes [A-Za-z0-9_]+; "${...}"
 *   and "$(...)" run to the matching bracket of the same kind; anything
 *   else after '$' (or nothing) and an unterminated bracket are errors.
 * - mac_expand: "${name}", "${ name }"; "${name?text}" when the value (not
 *   yet expanded) is non-empty, "${name:text}" when it is empty; "{text}"
 *   operands drop their braces and the whitespace around them, and only
 *   they allow "${name?{a}:{b}}" -- without braces the text runs to the
 *   end ("${a?x:y}" gives "x:y").  "${{a} OP {b}}" compares the expanded
 *   operands: == != < <= >= > compare numbers when both are all digits,
 *   else strings (strcmp); with the suffix "level" (<=level ...) they
 *   compare compatibility levels; the result is "true" or "", and may be
 *   followed by ?/: as above.  Only the branch taken is parsed.  More than
 *   100 nested expansions is an error.
 * - Every error is fatal for postconf ("macro processing error"), and so
 *   is an error while postconf expands ANY built-in parameter set in
 *   main.cf or with -o in master.cf (it does so to find database tables),
 *   a main.cf or database client file line that is not "name = value",
 *   and an inet_interfaces, inet_protocols, mynetworks_style or
 *   compatibility_level it cannot use to compute the mynetworks default
 *   when main.cf does not set mynetworks.  We give up in each case.
 * - Some parameters are never expanded (PD_RAW), some ignore assignments
 *   (PD_READONLY), a few legacy names are known with an empty default,
 *   config_directory is the -c argument as given, and myhostname, mydomain
 *   and mynetworks have defaults computed from the system AND from main.cf
 *   settings, which postconf -d does not read (PD_DYNAMIC): we compute
 *   the first two as postconf does and give up on the third.
 * - A name neither main.cf nor postconf -d knows makes us give up, though
 *   postconf may know it (per-database, renamed or user-defined names).
 * - Only while checking that postconf would not fail (px->validating) may
 *   a value we do not know exactly (process_id, mynetworks) stand in for
 *   the real one, and only where it cannot change the outcome.
 */
#include "pfxexpand.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maincf.h"
#include "util.h"

#define PX_MAXDEPTH	100		/* mac_expand: "unreasonable nesting" */
#define PX_MAXWORK	200000		/* expansion steps per call */
#define PX_MAXOUT	(1024 * 1024)	/* bytes of one expansion */
#define PX_MAXFILE	(16 * 1024 * 1024)

/* mac_expand's whitespace (CHARS_SPACE); postconf -x prints runs of it
   as one space. */
#define PX_SPACE	" \t\r\n"

#define PD_RAW		0x01	/* never expanded, printed as is */
#define PD_READONLY	0x02	/* main.cf and -o assignments are ignored */
#define PD_LEGACY	0x04	/* known, default "", not listed by -d */
#define PD_DYNAMIC	0x08	/* default depends on main.cf settings */
#define PD_MAIN		0x10	/* main.cf defines it */
#define PD_PID		0x20	/* process_id: differs from call to call */
#define PD_CONFDIR	0x40	/* config_directory */

struct pdef {
	const char	*name;
	size_t		 namelen;
	uint64_t	 hash;
	const char	*line;		/* main.cf: its last definition */
	const char	*dvalue;	/* as postconf -d prints it */
	char		*mvalue;	/* main.cf value, once fetched */
	int		 flags;
};

/* The "-o name=value" settings of one master.cf entry. */
struct local {
	char		**names;
	char		**values;
	size_t		  n;
};

/* A name postconf -d does not list but main.cf may define. */
struct other {
	char		*name;
	char		*value;		/* NULL: main.cf does not define it */
};

struct px {
	const struct pfx_source	*src;
	char			*dtext;		/* our copy of the defaults */
	struct pdef		*defs;
	size_t			 ndefs;
	size_t			*slots;		/* 1 + index into defs */
	size_t			 mask;
	uint8_t			 filter[8192];	/* px_filter() bits of defs */
	struct other		*others;
	size_t			 nothers;
	const struct local	*local;		/* scope of an -o value */
	size_t			 work;
	char			*hostdefault;	/* computed myhostname default */
	char			*domdefault;	/* computed mydomain default */
	int			 validating;	/* only errors matter */
	size_t			 uncertain;	/* approximate values used */
	char			*why;
};

/*
 * Parameters postconf -xh prints without expansion.  Found by setting
 * every parameter postconf -d lists to "${mail_name}x" (postconf 3.7.11);
 * test_pfxexpand.c repeats that and fails on any difference.
 */
static const char *const raw_names[] = {
	"command_execution_directory", "default_rbl_reply", "forward_path",
	"luser_relay", "mailbox_command", "postscreen_expansion_filter",
	"postscreen_reject_footer", "smtpd_expansion_filter",
	"smtpd_reject_footer",
};

/* postconf_builtin.c: pcf_legacy_str_table. */
static const char *const legacy_names[] = {
	"virtual_maps", "fallback_relay", "authorized_verp_clients",
	"smtpd_client_connection_limit_exceptions",
};

/*
 * What pcf_mynetworks() reads from main.cf to compute the mynetworks
 * default (the style's default depends on compatibility_level).  We cannot
 * compute it (it lists the host's interfaces), and postconf -d computes it
 * without main.cf.
 */
static const char *const net_triggers[] = {
	"mynetworks_style", "inet_interfaces", "inet_protocols",
	"compatibility_level",
};

/* Database types whose table name is a client configuration file. */
static const char *const dbms_types[] = {
	"ldap", "mysql", "pgsql", "sqlite", "memcache", "mongodb",
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static int	px_parse(struct px *, const char *, struct buf *, int);

static int
px_fail(struct px *px, const char *fmt, ...)
{
	va_list	ap;

	if (px->why == NULL) {
		va_start(ap, fmt);
		px->why = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Postfix's ISSPACE() in the C locale, as maincf.c uses it for lines. */
static int
pf_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

/* Postfix's ISALNUM(): ASCII only. */
static int
px_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/*
 * Eight bytes at a time: main.cf may define 25,000 names, each looked up
 * here once.
 */
static uint64_t
px_hash(const char *s, size_t n)
{
	uint64_t	h = 0x9e3779b97f4a7c15ULL ^ n, w;
	size_t		i;

	for (i = 0; i < n; i += 8) {
		w = 0;
		memcpy(&w, s + i, n - i < 8 ? n - i : 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h;
}

/*
 * A cheap first test (length, first and last byte) that lets most of a
 * main.cf full of user-defined names skip the hash.
 */
static size_t
px_filter(const char *s, size_t n)
{
	return (n * 131 + (unsigned char)s[0] * 31 +
	    (unsigned char)s[n - 1]) & 0xffff;
}

static struct pdef *
px_findh(const struct px *px, const char *name, size_t n, uint64_t h)
{
	struct pdef	*d;
	size_t		 i;

	for (i = (size_t)h & px->mask; px->slots[i] != 0;
	    i = (i + 1) & px->mask) {
		d = &px->defs[px->slots[i] - 1];
		if (d->hash == h && d->namelen == n &&
		    memcmp(d->name, name, n) == 0)
			return d;
	}
	return NULL;
}

static struct pdef *
px_findn(const struct px *px, const char *name, size_t n)
{
	return px_findh(px, name, n, px_hash(name, n));
}

static struct pdef *
px_find(const struct px *px, const char *name)
{
	return px_findn(px, name, strlen(name));
}

/* Adds defs[ndefs - 1] to the hash; -1 if its name is already there. */
static int
px_insert(struct px *px)
{
	struct pdef	*d = &px->defs[px->ndefs - 1];
	size_t		 i;

	d->hash = px_hash(d->name, d->namelen);
	if (px_findh(px, d->name, d->namelen, d->hash) != NULL)
		return -1;
	i = px_filter(d->name, d->namelen);
	px->filter[i >> 3] |= 1 << (i & 7);
	for (i = (size_t)d->hash & px->mask; px->slots[i] != 0;
	    i = (i + 1) & px->mask)
		;
	px->slots[i] = px->ndefs;
	return 0;
}

/*
 * Reads the postconf -d output: one "name = value" (or "name =") line per
 * parameter.  postconf printed each value with whitespace runs made one
 * space, which is harmless: see px_relop() for the one place where the
 * difference could show.
 */
static int
px_defaults(struct px *px)
{
	const struct pfx_source	*src = px->src;
	char			*p, *nl, *sp;
	size_t			 nlines = 0, cap, i;
	struct pdef		*d;

	if (src->deflen == 0 || memchr(src->defaults, '\0', src->deflen) ||
	    memchr(src->defaults, '\r', src->deflen) ||
	    memchr(src->defaults, '\v', src->deflen) ||
	    memchr(src->defaults, '\f', src->deflen))
		return px_fail(px, "postconf -d output is empty or holds "
		    "control characters");
	px->dtext = xstrndup(src->defaults, src->deflen);
	for (p = px->dtext; *p != '\0'; p++)
		if (*p == '\n')
			nlines++;
	nlines += NITEMS(legacy_names) + 1;
	for (cap = 64; cap < nlines * 2; cap *= 2)
		;
	px->slots = xcalloc(cap, sizeof *px->slots);
	px->mask = cap - 1;
	px->defs = xcalloc(nlines, sizeof *px->defs);

	for (p = px->dtext; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			return px_fail(px, "postconf -d output does not end "
			    "in a newline");
		*nl = '\0';
		if ((sp = strchr(p, ' ')) == NULL || sp == p ||
		    sp[1] != '=' || (sp[2] != '\0' && sp[2] != ' '))
			return px_fail(px, "postconf -d line not understood: "
			    "\"%.60s\"", p);
		d = &px->defs[px->ndefs++];
		d->name = p;
		d->namelen = (size_t)(sp - p);
		*sp = '\0';
		d->dvalue = sp[2] == '\0' ? sp + 2 : sp + 3;
		if (px_insert(px) == -1)
			return px_fail(px, "postconf -d lists %s twice", p);
	}
	for (i = 0; i < NITEMS(legacy_names); i++) {
		if (px_find(px, legacy_names[i]) != NULL)
			continue;
		d = &px->defs[px->ndefs++];
		d->name = legacy_names[i];
		d->namelen = strlen(legacy_names[i]);
		d->dvalue = "";
		d->flags = PD_LEGACY;
		(void)px_insert(px);
	}
	if (px_find(px, "mail_version") == NULL ||
	    (d = px_find(px, "config_directory")) == NULL)
		return px_fail(px, "postconf -d output lacks mail_version or "
		    "config_directory");
	d->flags |= PD_CONFDIR;
	for (i = 0; i < NITEMS(raw_names); i++)
		if ((d = px_find(px, raw_names[i])) != NULL)
			d->flags |= PD_RAW;
	if ((d = px_find(px, "process_id")) != NULL)
		d->flags |= PD_READONLY | PD_PID;
	if ((d = px_find(px, "process_name")) != NULL)
		d->flags |= PD_READONLY;
	if ((d = px_find(px, "service_name")) != NULL)
		d->flags |= PD_READONLY;
	if ((d = px_find(px, "myhostname")) != NULL)
		d->flags |= PD_DYNAMIC;
	if ((d = px_find(px, "mydomain")) != NULL)
		d->flags |= PD_DYNAMIC;
	if ((d = px_find(px, "mynetworks")) != NULL)
		d->flags |= PD_DYNAMIC;
	return 0;
}

/*
 * One line of a file postconf loads with dict_load_fp() (main.cf, database
 * client files): a line that starts a definition must hold "name =" (or
 * "name=") itself.  Postfix also accepts the '=' on a continuation line;
 * we give up on that rare form instead of modelling it.  Returns the name
 * length, 0 for a line that starts no definition, -1 for a bad line.
 */
static int
px_defline(const char *p, size_t len, size_t *namelen)
{
	size_t	i, n;

	/* Blank, comment and continuation lines all start so. */
	if (len == 0 || pf_space((unsigned char)p[0]) || p[0] == '#')
		return 0;
	for (n = 0; n < len && !pf_space((unsigned char)p[n]) && p[n] != '=';
	    n++)
		;
	for (i = n; i < len && pf_space((unsigned char)p[i]); i++)
		;
	if (n == 0 || i == len || p[i] != '=')
		return -1;
	*namelen = n;
	return 1;
}

/*
 * Checks a dict_load_fp() file's syntax; calls fn for each definition's
 * name.  -1 (with px->why) on a line postconf would refuse.
 */
static int
px_scan_file(struct px *px, const char *what, const char *text, size_t len,
    void (*fn)(struct px *, const char *, size_t))
{
	const char	*p = text, *end = text + len, *nl;
	size_t		 lineno = 0, namelen = 0;
	int		 r;

	if (memchr(text, '\0', len) != NULL)
		return px_fail(px, "%s holds a NUL byte", what);
	for (; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((r = px_defline(p, (size_t)(nl - p), &namelen)) == -1)
			return px_fail(px, "%s line %zu is not \"name = value\" "
			    "on one line", what, lineno);
		if (r == 1 && fn != NULL)
			fn(px, p, namelen);
	}
	return 0;
}

static void
px_mark_main(struct px *px, const char *name, size_t n)
{
	struct pdef	*d;
	size_t		 i = px_filter(name, n);

	if ((px->filter[i >> 3] & (1 << (i & 7))) == 0)
		return;
	if ((d = px_findn(px, name, n)) != NULL) {
		d->flags |= PD_MAIN;
		d->line = name;
	}
}

/*
 * Whether the main.cf lines of d's last definition, up to the next
 * definition (comment lines among them too), hold any of chars.  Cheaper
 * than maincf_get(), which searches all definitions: what holds no '$'
 * expands to itself.
 */
static int
px_rawhas(const struct px *px, const struct pdef *d, const char *chars)
{
	const char	*p = d->line, *nl;
	const char	*end = px->src->maincf + px->src->maincflen;

	for (;;) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (; p < nl; p++)
			if (strchr(chars, *p) != NULL)
				return 1;
		if (nl == end || (p = nl + 1) == end)
			return 0;
		if (!pf_space((unsigned char)*p) && *p != '#')
			return 0;
	}
}

/* Refuses a value whose whitespace we cannot vouch for. */
static const char *
px_checked(struct px *px, const char *name, const char *v)
{
	if (strpbrk(v, "\v\f") != NULL) {
		px_fail(px, "the value of %s holds a vertical tab or form "
		    "feed", name);
		return NULL;
	}
	return v;
}

/* main.cf's value of a name postconf -d does not list, or NULL. */
static struct other *
px_other(struct px *px, const char *name)
{
	struct other	*o;
	size_t		 i;

	for (i = 0; i < px->nothers; i++)
		if (strcmp(px->others[i].name, name) == 0)
			return &px->others[i];
	px->others = xreallocarray(px->others, px->nothers + 1,
	    sizeof *px->others);
	o = &px->others[px->nothers++];
	o->name = xstrdup(name);
	o->value = maincf_get(px->src->cf, name);
	return o;
}

/*
 * A value we know only approximately (a process id, a default computed from
 * the interfaces).  Fatal for an answer; when we only check that postconf
 * would not fail (px->validating) the -d value stands in, since these
 * values hold no '$' and cannot make the expansion fail -- unless they are
 * tested or compared, which px->uncertain lets px_expr() and px_relop()
 * catch.
 */
static const char *
px_approx(struct px *px, const struct pdef *d, const char *what)
{
	if (!px->validating) {
		px_fail(px, "$%s %s", d->name, what);
		return NULL;
	}
	px->uncertain++;
	return d->dvalue;
}

/* A main.cf value used by a computed default: a plain host name. */
static const char *
px_hostpart(struct px *px, const char *name)
{
	struct pdef	*d = px_find(px, name);
	const char	*v;

	if (d == NULL || (d->flags & PD_MAIN) == 0)
		return NULL;
	if (d->mvalue == NULL)
		d->mvalue = maincf_get(px->src->cf, name);
	v = d->mvalue != NULL ? d->mvalue : "";
	return strpbrk(v, "$ \t\r\n\v\f") == NULL ? v : "";
}

/*
 * Defaults postconf computes (postconf_builtin.c), from the host name and
 * from main.cf, which postconf -d does not read:
 *   myhostname: gethostname(), plus "." $mydomain (main.cf's, else
 *     "localdomain") when it has no dot;
 *   mydomain: what follows the first dot of main.cf's myhostname, else of
 *     the myhostname default; "localdomain" without a dot;
 *   mynetworks: from the interfaces and main.cf's net_triggers.
 * px_startup_main() made sure main.cf's myhostname and mydomain hold no
 * '$' (postconf expands them there with other rules).
 */
static const char *
px_dynamic(struct px *px, struct pdef *d)
{
	char		 host[256 + 1];
	const char	*v, *dot;
	size_t		 i;

	if (strcmp(d->name, "mynetworks") == 0) {
		for (i = 0; i < NITEMS(net_triggers); i++)
			if (px_hostpart(px, net_triggers[i]) != NULL)
				return px_approx(px, d, "is computed from "
				    "main.cf settings postconf -d ignores");
		return d->dvalue;
	}
	if (strcmp(d->name, "myhostname") == 0) {
		if ((v = px_hostpart(px, "mydomain")) == NULL)
			return d->dvalue;
		if (px->hostdefault != NULL)
			return px->hostdefault;
		memset(host, 0, sizeof host);
		if (*v == '\0' || gethostname(host, sizeof host - 1) == -1)
			return px_approx(px, d, "cannot be computed");
		if (strchr(host, '.') != NULL) {
			if (strcmp(host, d->dvalue) != 0)
				return px_approx(px, d, "differs from the "
				    "host name");
			return d->dvalue;
		}
		/* Check that postconf -d computed it as we do. */
		px->hostdefault = xasprintf("%s.localdomain", host);
		if (strcmp(px->hostdefault, d->dvalue) != 0) {
			free(px->hostdefault);
			px->hostdefault = NULL;
			return px_approx(px, d, "differs from the host name");
		}
		free(px->hostdefault);
		px->hostdefault = xasprintf("%s.%s", host, v);
		return px->hostdefault;
	}
	/* mydomain */
	if ((v = px_hostpart(px, "myhostname")) == NULL)
		return d->dvalue;
	if (*v == '\0')
		return px_approx(px, d, "cannot be computed");
	if (px->domdefault == NULL)
		px->domdefault = xstrdup((dot = strchr(v, '.')) != NULL ?
		    dot + 1 : "localdomain");
	return px->domdefault;
}

/*
 * The value postconf's lookup (pcf_lookup_parameter_value) finds for name:
 * the master.cf entry's -o setting, main.cf, the built-in default.  NULL
 * (with px->why) when we cannot be sure of it.
 */
static const char *
px_lookup(struct px *px, const char *name)
{
	struct pdef	*d;
	struct other	*o;
	size_t		 i;

	if (px->local != NULL)
		for (i = 0; i < px->local->n; i++)
			if (strcmp(px->local->names[i], name) == 0)
				return px_checked(px, name,
				    px->local->values[i]);
	if ((d = px_find(px, name)) == NULL) {
		/*
		 * Perhaps a user-defined or database parameter that postconf
		 * knows with some default; we only know main.cf's value.
		 */
		o = px_other(px, name);
		if (o->value == NULL) {
			px_fail(px, "$%s: neither in main.cf nor listed by "
			    "postconf -d", name);
			return NULL;
		}
		return px_checked(px, name, o->value);
	}
	if (d->flags & PD_PID)
		return px_approx(px, d, "differs in each postconf process");
	if (d->flags & PD_READONLY)
		return d->dvalue;
	if (d->flags & PD_CONFDIR)
		return px->src->confdir;	/* main.cf may not set it */
	if (d->flags & PD_MAIN) {
		if (d->mvalue == NULL &&
		    (d->mvalue = maincf_get(px->src->cf, name)) == NULL) {
			px_fail(px, "%s: main.cf scan and maincf disagree",
			    name);
			return NULL;
		}
		return px_checked(px, name, d->mvalue);
	}
	if (d->flags & PD_DYNAMIC)
		return px_dynamic(px, d);
	return d->dvalue;
}

/* One mac_parse() action: depth and work limits. */
static int
px_step(struct px *px, int depth)
{
	if (depth > PX_MAXDEPTH)
		return px_fail(px, "more than %d nested expansions",
		    PX_MAXDEPTH);
	if (++px->work > PX_MAXWORK)
		return px_fail(px, "more than %d expansion steps", PX_MAXWORK);
	return 0;
}

static int
px_emit(struct px *px, struct buf *out, const char *s, size_t n)
{
	if (out->len + n > PX_MAXOUT)
		return px_fail(px, "expansion longer than %d bytes", PX_MAXOUT);
	buf_add(out, s, n);
	return 0;
}

/* MAC_EXP_FIND_LEFT_CURLY: skips whitespace up to a '{', if there is one. */
static int
px_find_curly(char **cpp)
{
	size_t	n = strspn(*cpp, PX_SPACE);

	if ((*cpp)[n] != '{')
		return 0;
	*cpp += n;
	return 1;
}

/*
 * mac_exp_extract_curly_payload: *cpp at '{'.  Returns the text up to the
 * balancing '}' (terminated in place) and leaves *cpp after the
 * whitespace that follows; NULL when unbalanced.
 */
static char *
px_curly(struct px *px, char **cpp)
{
	char	*p, *payload;
	int	 level = 1;

	for (p = payload = *cpp + 1; ; p++) {
		if (*p == '\0') {
			px_fail(px, "unbalanced {} in \"%.60s\"", *cpp);
			return NULL;
		} else if (*p == '{')
			level++;
		else if (*p == '}' && --level <= 0)
			break;
	}
	*p++ = '\0';
	*cpp = p + strspn(p, PX_SPACE);
	return payload;
}

/*
 * The operand of ${name?...} or ${name:...} at *cpp: a {} group, or
 * without braces all the rest of the text (Postfix 2.11 compatibility).
 */
static char *
px_operand(struct px *px, char **cpp)
{
	char	*text;

	if (px_find_curly(cpp))
		return px_curly(px, cpp);
	text = *cpp;
	*cpp += strlen(*cpp);
	return text;
}

/* alldig(): non-empty, ASCII digits only. */
static int
px_alldig(const char *s)
{
	return *s != '\0' && s[strspn(s, "0123456789")] == '\0';
}

/* A decimal number we can compare exactly, else -1 (Postfix may die). */
static int
px_number(const char *s, unsigned long long *v)
{
	s += strspn(s, "0");
	if (strlen(s) > 18)
		return -1;
	for (*v = 0; *s != '\0'; s++)
		*v = *v * 10 + (unsigned long long)(*s - '0');
	return 0;
}

/*
 * compat_level_from_string(), restricted to plain "major[.minor[.patch]]"
 * digits: Postfix's strtol also takes signs and leading blanks; we give
 * up on those.  Minor and patch are at most 1023.
 */
static int
px_level(const char *s, unsigned long long v[3])
{
	char	num[32];
	size_t	i, n;

	v[0] = v[1] = v[2] = 0;
	for (i = 0; i < 3; i++) {
		if ((n = strspn(s, "0123456789")) == 0 || n >= sizeof num)
			return -1;
		memcpy(num, s, n);
		num[n] = '\0';
		if (px_number(num, &v[i]) == -1 ||
		    v[i] > (i == 0 ? 999999999ULL : 1023ULL))
			return -1;
		s += n;
		if (*s == '\0')
			return 0;
		if (*s != '.')
			return -1;
		s++;
	}
	return -1;
}

enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GE, OP_GT };

/*
 * mac_exp_parse_relational: *cpp at the left '{'.  Sets *truth and leaves
 * *cpp after the right operand and its trailing whitespace.
 */
static int
px_relop(struct px *px, char **cpp, int *truth, int depth)
{
	static const struct {
		const char	*s;
		int		 op;
	} ops[] = {
		{ "==", OP_EQ }, { "!=", OP_NE }, { "<", OP_LT },
		{ "<=", OP_LE }, { ">=", OP_GE }, { ">", OP_GT },
	};
	struct buf		 lb, rb;
	unsigned long long	 a, b, la[3], ra[3];
	char			*left, *right, *cp = *cpp;
	size_t			 oplen, i, n, before;
	int			 op = -1, level = 0, delta = 0, ret = -1;

	if ((left = px_curly(px, &cp)) == NULL)
		return -1;
	oplen = strspn(cp, "<>!=?+-*/~&|%");
	for (i = 0; i < NITEMS(ops); i++)
		if (strlen(ops[i].s) == oplen &&
		    strncmp(ops[i].s, cp, oplen) == 0)
			op = ops[i].op;
	if (op == -1)
		return px_fail(px, "unknown operator at \"%.20s\"", cp);
	cp += oplen;
	if (px_alnum((unsigned char)*cp)) {
		/* Custom operator suffix: postconf registers only "level". */
		for (n = 0; px_alnum((unsigned char)cp[n]); n++)
			;
		if (n != 5 || strncmp(cp, "level", 5) != 0)
			return px_fail(px, "bad operator suffix at \"%.20s\"",
			    cp);
		level = 1;
		cp += n;
	}
	if (!px_find_curly(&cp))
		return px_fail(px, "{expression} expected at \"%.20s\"", cp);
	if ((right = px_curly(px, &cp)) == NULL)
		return -1;

	/*
	 * Postfix expands each operand with a fresh mac_expand() whose
	 * nesting count starts at 0; ours goes on counting, which can only
	 * make us give up earlier.
	 */
	buf_init(&lb);
	buf_init(&rb);
	before = px->uncertain;
	if (px_parse(px, left, &lb, depth + 1) == -1 ||
	    px_parse(px, right, &rb, depth + 1) == -1)
		goto out;
	if (px->uncertain != before) {
		px_fail(px, "comparison with an approximate value");
		goto out;
	}
	buf_add(&lb, "", 0);
	buf_add(&rb, "", 0);
	if (level) {
		if (px_level(lb.data, la) == -1 || px_level(rb.data, ra) == -1) {
			px_fail(px, "not a compatibility level: \"%.20s\" or "
			    "\"%.20s\"", lb.data, rb.data);
			goto out;
		}
		for (i = 0; i < 3 && delta == 0; i++)
			delta = la[i] < ra[i] ? -1 : la[i] > ra[i];
	} else if (strpbrk(lb.data, PX_SPACE) != NULL ||
	    strpbrk(rb.data, PX_SPACE) != NULL) {
		/*
		 * postconf compares main.cf's text with its whitespace runs;
		 * maincf_get() and postconf -d give them as one space.
		 */
		px_fail(px, "relational operand holds whitespace");
		goto out;
	} else if (px_alldig(lb.data) && px_alldig(rb.data)) {
		if (px_number(lb.data, &a) == -1 ||
		    px_number(rb.data, &b) == -1) {
			px_fail(px, "number too large: \"%.20s\" or "
			    "\"%.20s\"", lb.data, rb.data);
			goto out;
		}
		delta = a < b ? -1 : a > b;
	} else if (op == OP_EQ || op == OP_NE) {
		delta = strcmp(lb.data, rb.data);
	} else {
		px_fail(px, "ordering of non-numbers \"%.20s\", \"%.20s\"",
		    lb.data, rb.data);
		goto out;
	}
	switch (op) {
	case OP_EQ:
		*truth = delta == 0;
		break;
	case OP_NE:
		*truth = delta != 0;
		break;
	case OP_LT:
		*truth = delta < 0;
		break;
	case OP_LE:
		*truth = delta <= 0;
		break;
	case OP_GE:
		*truth = delta >= 0;
		break;
	default:
		*truth = delta > 0;
		break;
	}
	*cpp = cp;
	ret = 0;
out:
	buf_free(&lb);
	buf_free(&rb);
	return ret;
}

/* mac_expand_callback for a MAC_PARSE_EXPR: e is ours to modify. */
static int
px_expr(struct px *px, char *e, struct buf *out, int depth)
{
	const char	*lookup;
	char		*cp = e, *start, *text;
	size_t		 n, before;
	int		 ch, truth = 0;

	if (px_step(px, depth) == -1)
		return -1;
	if (px_find_curly(&cp)) {
		if (px_relop(px, &cp, &truth, depth) == -1)
			return -1;
		lookup = truth ? "true" : "";
		if ((ch = (unsigned char)*cp) != '\0') {
			if (ch != '?' && ch != ':')
				return px_fail(px, "\"?\" or \":\" expected at "
				    "\"%.20s\"", cp);
			cp++;
		}
	} else {
		/* A name, whitespace around it allowed, then ?, : or end. */
		start = cp += strspn(cp, PX_SPACE);
		for (;; cp++) {
			n = strspn(cp, PX_SPACE);
			if ((ch = (unsigned char)cp[n]) == '\0') {
				*cp = '\0';
				break;
			}
			if (ch == '?' || ch == ':') {
				*cp++ = '\0';
				cp += n;
				break;
			}
			if (!px_alnum((unsigned char)*cp) && *cp != '_')
				return px_fail(px, "parameter name syntax "
				    "error at \"%.20s\"", cp);
		}
		before = px->uncertain;
		if ((lookup = px_lookup(px, start)) == NULL)
			return -1;
		if (ch != '\0' && px->uncertain != before)
			return px_fail(px, "${%s?...} or ${%s:...} of an "
			    "approximate value", start, start);
	}

	/*
	 * Without braces a ?/: operand is all the rest of the text (Postfix
	 * 2.11 compatibility), so "${name?a:b}" gives "a:b".
	 */
	switch (ch) {
	case '?':
		if ((text = px_operand(px, &cp)) == NULL)
			return -1;
		if (*lookup != '\0' && px_parse(px, text, out, depth + 1) == -1)
			return -1;
		if (*cp == '\0')
			break;
		if (*cp != ':')
			return px_fail(px, "\":\" expected at \"%.20s\"", cp);
		cp++;
		/* FALLTHROUGH */
	case ':':
		if ((text = px_operand(px, &cp)) == NULL)
			return -1;
		if (*lookup == '\0' && px_parse(px, text, out, depth + 1) == -1)
			return -1;
		if (*cp != '\0')
			return px_fail(px, "unexpected input at \"%.20s\"", cp);
		break;
	default:
		if (*lookup != '\0' && px_parse(px, lookup, out, depth + 1) ==
		    -1)
			return -1;
		break;
	}
	return 0;
}

/* mac_parse() with mac_expand_callback(); depth is the callbacks' level. */
static int
px_parse(struct px *px, const char *value, struct buf *out, int depth)
{
	struct buf	 lit;
	const char	*vp = value, *ep;
	char		 open, close, *e;
	size_t		 n;
	int		 level, r, ret = -1;

	buf_init(&lit);
	while (*vp != '\0') {
		if (*vp != '$') {
			n = strcspn(vp, "$");
			buf_add(&lit, vp, n);
			vp += n;
			continue;
		}
		if (vp[1] == '$') {
			buf_addch(&lit, '$');
			vp += 2;
			continue;
		}
		if (lit.len > 0) {
			if (px_step(px, depth) == -1 ||
			    px_emit(px, out, lit.data, lit.len) == -1)
				goto out;
			buf_reset(&lit);
		}
		vp++;
		if (*vp == '{' || *vp == '(') {
			open = *vp;
			close = open == '{' ? '}' : ')';
			level = 1;
			for (ep = ++vp; level > 0; ep++) {
				if (*ep == '\0') {
					px_fail(px, "truncated macro reference "
					    "in \"%.60s\"", value);
					goto out;
				}
				if (*ep == open)
					level++;
				if (*ep == close)
					level--;
			}
			e = xstrndup(vp, (size_t)(ep - vp - 1));
		} else {
			for (ep = vp; px_alnum((unsigned char)*ep) ||
			    *ep == '_'; ep++)
				;
			e = xstrndup(vp, (size_t)(ep - vp));
		}
		vp = ep;
		if (*e == '\0') {
			free(e);
			px_fail(px, "empty macro name in \"%.60s\"", value);
			goto out;
		}
		r = px_expr(px, e, out, depth);
		free(e);
		if (r == -1)
			goto out;
	}
	if (lit.len > 0 && (px_step(px, depth) == -1 ||
	    px_emit(px, out, lit.data, lit.len) == -1))
		goto out;
	ret = 0;
out:
	buf_free(&lit);
	return ret;
}

/* Whitespace as postconf prints it: runs of " \t\r\n" as one space. */
static char *
px_print(const char *s)
{
	struct buf	b;
	size_t		n;

	buf_init(&b);
	for (s += strspn(s, PX_SPACE); *s != '\0'; s += strspn(s, PX_SPACE)) {
		if (b.len > 0)
			buf_addch(&b, ' ');
		n = strcspn(s, PX_SPACE);
		buf_add(&b, s, n);
		s += n;
	}
	buf_add(&b, "", 0);
	return buf_detach(&b, NULL);
}

/* Expands value fully (postconf -x); the result, or NULL with px->why. */
static char *
px_eval(struct px *px, const char *value)
{
	struct buf	b;

	buf_init(&b);
	if (px_parse(px, value, &b, 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	buf_add(&b, "", 0);
	return buf_detach(&b, NULL);
}

static int
px_dbms_file(struct px *px, const char *path)
{
	struct stat	 st;
	struct buf	 b;
	char		*cause = NULL;
	int		 ret;

	/* postconf only warns about a file it cannot open or read. */
	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	buf_init(&b);
	if (file_read(path, PX_MAXFILE, &b, &cause) == -1) {
		ret = errno == EFBIG ? px_fail(px, "%s", cause) : 0;
		free(cause);
		buf_free(&b);
		return ret;
	}
	ret = px_scan_file(px, path, b.data != NULL ? b.data : "", b.len,
	    NULL);
	buf_free(&b);
	return ret;
}

/*
 * pcf_register_dbms_parameters(): postconf loads every database client
 * file (ldap:/path, proxy:mysql:/path, ...) named in the expanded value,
 * and dies on a line that is not name = value.  We check every such
 * "type:/path" anywhere in the value, a superset of what postconf
 * tokenizes.
 */
static int
px_dbms(struct px *px, const char *value, int approx)
{
	const char	*p, *w, *path;
	char		*file;
	size_t		 i, n;
	int		 r;

	for (p = strchr(value, ':'); p != NULL; p = strchr(p + 1, ':')) {
		for (w = p; w > value && w[-1] >= 'a' && w[-1] <= 'z'; w--)
			;
		for (i = 0; i < NITEMS(dbms_types); i++)
			if (strlen(dbms_types[i]) == (size_t)(p - w) &&
			    strncmp(w, dbms_types[i], (size_t)(p - w)) == 0)
				break;
		if (i == NITEMS(dbms_types) || p[1] != '/')
			continue;
		if (approx)
			return px_fail(px, "database file name in a value "
			    "with an approximate part: \"%.60s\"", value);
		path = p + 1;
		n = strcspn(path, ", \t\r\n{}");
		if (path[n] == '{' || path[n] == '}')
			return px_fail(px, "database file name next to a brace "
			    "in \"%.60s\"", value);
		file = xstrndup(path, n);
		r = px_dbms_file(px, file);
		free(file);
		if (r == -1)
			return -1;
	}
	return 0;
}

/* What postconf's pcf_register_dbms_parameters() does with a setting. */
static int
px_startup_eval(struct px *px, const char *name, const char *value)
{
	size_t	 before = px->uncertain;
	char	*v;
	int	 r;

	if ((v = px_eval(px, value)) == NULL)
		return px_fail(px, "expanding %s", name);
	r = px_dbms(px, v, px->uncertain != before);
	free(v);
	return r;
}

static int
px_oneof(const char *v, const char *const *set, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v, set[i]) == 0)
			return 1;
	return 0;
}

/*
 * The expanded value of name when main.cf sets it: 1 with *v, 0 when
 * main.cf does not set it, -1 when its expansion gave up.
 */
static int
px_main_value(struct px *px, const char *name, const char **v)
{
	struct pdef	*d;

	if ((d = px_find(px, name)) == NULL || !(d->flags & PD_MAIN))
		return 0;
	return (*v = px_lookup(px, d->name)) == NULL ? -1 : 1;
}

/*
 * The settings that pcf_mynetworks() reads from main.cf when it computes
 * the mynetworks default, which postconf does whenever main.cf does not
 * set mynetworks: anything but these plain values may stop postconf
 * (unknown style, an address that is not local, a name to resolve).
 */
static int
px_net_settings(struct px *px)
{
	static const char *const styles[] = { "host", "subnet", "class" };
	static const char *const ifaces[] = { "all", "loopback-only" };
	static const char *const protos[] = { "all", "ipv4", "ipv6" };
	unsigned long long	 lv[3];
	struct pdef		*d;
	const char		*v;
	char			*copy, *tok, *save;
	int			 ok, v4, r;

	if ((d = px_find(px, "mynetworks")) != NULL && (d->flags & PD_MAIN))
		return 0;
	if ((r = px_main_value(px, "mynetworks_style", &v)) == -1)
		return -1;
	if (r == 1 && !px_oneof(v, styles, NITEMS(styles)))
		return px_fail(px, "mynetworks_style \"%s\"", v);
	if ((r = px_main_value(px, "inet_interfaces", &v)) == -1)
		return -1;
	if (r == 1 && !px_oneof(v, ifaces, NITEMS(ifaces)))
		return px_fail(px, "inet_interfaces \"%s\"", v);
	if ((r = px_main_value(px, "inet_protocols", &v)) == -1)
		return -1;
	if (r == 1) {
		/* At least one protocol every host has. */
		copy = xstrdup(v);
		ok = 1;
		v4 = 0;
		for (tok = strtok_r(copy, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save)) {
			if (!px_oneof(tok, protos, NITEMS(protos)))
				ok = 0;
			if (strcmp(tok, "ipv6") != 0)
				v4 = 1;
		}
		free(copy);
		if (!ok || !v4)
			return px_fail(px, "inet_protocols \"%s\"", v);
	}
	if ((r = px_main_value(px, "compatibility_level", &v)) == -1)
		return -1;
	if (r == 1 && px_level(v, lv) == -1)
		return px_fail(px, "compatibility_level \"%s\"", v);
	return 0;
}

/* What postconf checks in main.cf before it prints anything. */
static int
px_startup_main(struct px *px)
{
	static const char *const plain[] = {
		"myhostname", "mydomain", "smtpd_restriction_classes",
	};
	struct pdef	*d;
	const char	*v;
	size_t		 i;

	for (i = 0; i < px->ndefs; i++) {
		d = &px->defs[i];
		if ((d->flags & PD_MAIN) == 0)
			continue;
		if (d->flags & (PD_READONLY | PD_CONFDIR))
			return px_fail(px, "main.cf sets %s", d->name);
	}
	/*
	 * Computing one of myhostname and mydomain, postconf expands the
	 * other with main.cf alone (mail_conf_lookup_eval), and the
	 * restriction classes likewise (dict_eval): other lookup rules than
	 * ours, so no '$' there.
	 */
	for (i = 0; i < NITEMS(plain); i++) {
		if ((d = px_find(px, plain[i])) == NULL ||
		    (d->flags & PD_MAIN) == 0 || !px_rawhas(px, d, "$"))
			continue;
		if ((v = px_lookup(px, d->name)) == NULL)
			return -1;
		if (strchr(v, '$') != NULL)
			return px_fail(px, "main.cf %s holds a '$'", d->name);
	}
	if (px_net_settings(px) == -1)
		return -1;

	/* Every built-in or per-service parameter main.cf sets. */
	px->validating = 1;
	for (i = 0; i < px->ndefs; i++) {
		d = &px->defs[i];
		if ((d->flags & PD_MAIN) == 0 ||
		    (d->flags & (PD_RAW | PD_LEGACY)))
			continue;
		/* Without '$' nothing to fail, without ':' no table. */
		if (!px_rawhas(px, d, "$:"))
			continue;
		if ((v = px_lookup(px, d->name)) == NULL ||
		    px_startup_eval(px, d->name, v) == -1)
			return -1;
	}
	px->validating = 0;
	return 0;
}

static void
px_local_free(struct local *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->names[i]);
		free(l->values[i]);
	}
	free(l->names);
	free(l->values);
	memset(l, 0, sizeof *l);
}

/* dict_update(): a later -o of the same name replaces the earlier one. */
static void
px_local_set(struct local *l, const char *name, size_t nlen,
    const char *value)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strlen(l->names[i]) == nlen &&
		    strncmp(l->names[i], name, nlen) == 0) {
			free(l->values[i]);
			l->values[i] = xstrdup(value);
			return;
		}
	l->names = xreallocarray(l->names, l->n + 1, sizeof *l->names);
	l->values = xreallocarray(l->values, l->n + 1, sizeof *l->values);
	l->names[l->n] = xstrndup(name, nlen);
	l->values[l->n++] = xstrdup(value);
}

/* Braces that are not balanced within one word: a { ... } group. */
static int
px_unbalanced(const char *w)
{
	int	level = 0;

	for (; *w != '\0'; w++) {
		if (*w == '{')
			level++;
		else if (*w == '}' && --level < 0)
			return 1;
	}
	return level != 0;
}

/*
 * One master.cf entry, split into words (tokens, ntok): collects its -o
 * settings the way pcf_normalize_options() and
 * pcf_register_user_parameters() do, then expands each built-in one as
 * postconf does, in the entry's scope.
 */
static int
px_master_entry(struct px *px, char **tok, size_t ntok, size_t lineno)
{
	struct local	 l;
	struct pdef	*d;
	const char	*arg, *val, *o;
	size_t		 i, nlen;
	int		 ret = -1;

	memset(&l, 0, sizeof l);
	if (ntok < 8)
		return px_fail(px, "master.cf line %zu: fewer than 8 fields",
		    lineno);
	/*
	 * Postfix 3 groups "{ ... }" into one word; we split at whitespace,
	 * which is the same as long as no brace group holds any.
	 */
	for (i = 0; i < 8; i++)
		if (px_unbalanced(tok[i]))
			return px_fail(px, "master.cf line %zu: { } group",
			    lineno);
	for (i = 8; i < ntok; i++) {
		arg = tok[i];
		if (arg[0] != '-' || strcmp(arg, "--") == 0)
			break;
		if (px_unbalanced(arg)) {
			px_fail(px, "master.cf line %zu: { } group", lineno);
			goto out;
		}
		/* "-vo x=y" is "-v" "-o" "x=y"; "-ox=y" is "-o" "x=y". */
		if ((o = strchr(arg + 1, 'o')) == NULL)
			continue;
		if (o[1] != '\0')
			val = o + 1;
		else if (i + 1 < ntok)
			val = tok[++i];
		else
			break;
		if (val[0] == '{' || px_unbalanced(val)) {
			px_fail(px, "master.cf line %zu: -o { ... } form",
			    lineno);
			goto out;
		}
		if ((nlen = strcspn(val, "=")) == 0 || val[nlen] == '\0')
			continue;	/* not name=value: postconf skips it */
		px_local_set(&l, val, nlen, val + nlen + 1);
	}
	px->local = &l;
	px->validating = 1;
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.names[i], "smtpd_restriction_classes") == 0 &&
		    strchr(l.values[i], '$') != NULL) {
			px_fail(px, "master.cf line %zu: -o %s holds a '$'",
			    lineno, l.names[i]);
			goto out;
		}
		if ((d = px_find(px, l.names[i])) == NULL ||
		    (d->flags & (PD_RAW | PD_LEGACY)))
			continue;	/* postconf only scans those */
		if (d->flags & PD_READONLY) {
			px_fail(px, "master.cf line %zu sets %s", lineno,
			    d->name);
			goto out;
		}
		if (px_checked(px, d->name, l.values[i]) == NULL ||
		    px_startup_eval(px, d->name, l.values[i]) == -1)
			goto out;
	}
	ret = 0;
out:
	px->local = NULL;
	px->validating = 0;
	px_local_free(&l);
	return ret;
}

/* The -o settings of every master.cf entry (readlline() logical lines). */
static int
px_startup_master(struct px *px)
{
	const struct pfx_source	*src = px->src;
	const char		*p, *end, *nl, *q;
	char			**tok = NULL;
	size_t			 ntok = 0, lineno = 0, first = 0, i, n;
	int			 in_entry = 0, ret = -1;

	if (src->mastercf == NULL)
		return 0;
	if (memchr(src->mastercf, '\0', src->mastercflen) != NULL ||
	    memchr(src->mastercf, '\v', src->mastercflen) != NULL ||
	    memchr(src->mastercf, '\f', src->mastercflen) != NULL)
		return px_fail(px, "master.cf holds a NUL, vertical tab or "
		    "form feed");
	end = src->mastercf + src->mastercflen;
	for (p = src->mastercf; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (q = p; q < nl && pf_space((unsigned char)*q); q++)
			;
		if (q == nl || *q == '#')
			continue;	/* blank or comment: skipped */
		if (q == p) {
			/* A new entry: finish the one before. */
			if (in_entry && px_master_entry(px, tok, ntok, first) ==
			    -1)
				goto out;
			for (i = 0; i < ntok; i++)
				free(tok[i]);
			ntok = 0;
			in_entry = 1;
			first = lineno;
		} else if (!in_entry)
			continue;	/* ignored by readlline() */
		while (q < nl) {
			for (n = 0; q + n < nl && !pf_space((unsigned char)q[n]);
			    n++)
				;
			tok = xreallocarray(tok, ntok + 1, sizeof *tok);
			tok[ntok++] = xstrndup(q, n);
			for (q += n; q < nl && pf_space((unsigned char)*q); q++)
				;
		}
	}
	if (in_entry && px_master_entry(px, tok, ntok, first) == -1)
		goto out;
	ret = 0;
out:
	for (i = 0; i < ntok; i++)
		free(tok[i]);
	free(tok);
	return ret;
}

static void
px_free(struct px *px)
{
	size_t	i;

	for (i = 0; i < px->ndefs; i++)
		free(px->defs[i].mvalue);
	for (i = 0; i < px->nothers; i++) {
		free(px->others[i].name);
		free(px->others[i].value);
	}
	free(px->others);
	free(px->hostdefault);
	free(px->domdefault);
	free(px->defs);
	free(px->slots);
	free(px->dtext);
}

/* What postconf -xh prints for one name. */
static char *
px_value(struct px *px, const char *name)
{
	struct pdef	*d;
	const char	*v;
	char		*x, *out;

	if ((d = px_find(px, name)) == NULL) {
		/* postconf: "unknown parameter", or a user-defined one. */
		px_fail(px, "%s is not listed by postconf -d", name);
		return NULL;
	}
	if ((v = px_lookup(px, name)) == NULL)
		return NULL;
	if (d->flags & PD_RAW)
		return px_print(v);
	if ((x = px_eval(px, v)) == NULL)
		return NULL;
	out = px_print(x);
	free(x);
	return out;
}

int
pfx_expand(const struct pfx_source *src, const char *const *names,
    size_t n, char **values, char **why)
{
	struct px	 px;
	size_t		 i;

	memset(&px, 0, sizeof px);
	px.src = src;
	*why = NULL;
	for (i = 0; i < n; i++)
		values[i] = NULL;
	if (*src->confdir == '\0' || strpbrk(src->confdir, "$ \t\r\n\v\f")) {
		px_fail(&px, "config directory name with '$' or whitespace");
		goto fail;
	}
	if (px_defaults(&px) == -1 ||
	    px_scan_file(&px, "main.cf", src->maincf, src->maincflen,
	    px_mark_main) == -1 ||
	    px_startup_main(&px) == -1 || px_startup_master(&px) == -1)
		goto fail;
	for (i = 0; i < n; i++)
		if ((values[i] = px_value(&px, names[i])) == NULL)
			goto fail;
	px_free(&px);
	return 0;
fail:
	for (i = 0; i < n; i++) {
		free(values[i]);
		values[i] = NULL;
	}
	*why = px.why != NULL ? px.why : xstrdup("unknown reason");
	px_free(&px);
	return 1;
}
