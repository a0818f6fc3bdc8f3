/*
 * templates.h: the text mxpin writes, kept in templates/ so an admin can
 * read it without reading C: each created table's header comment and the
 * entry formats (entries.conf).
 */
#ifndef MXPIN_TEMPLATES_H
#define MXPIN_TEMPLATES_H

struct templates {
	char	*recipient;	/* "@ADDRESS@\tOK" */
	char	*transport;	/* "@DOMAIN@\tsmtp:@NEXTHOP@" */
	char	*policy;	/* "@NEXTHOP@\tfingerprint match=@PINS@" */
	char	*head_recipients;
	char	*head_transport;
	char	*head_policy;
};

/*
 * The templates directory: $MXPIN_TEMPLATES when set, else templates/
 * beside the build directory of the running binary, else the installed
 * share/mxpin.  Caller frees.
 */
char	*templates_dir(void);

/* Loads and checks every template (each format must hold its
   placeholders and be one line).  0, or -1 with *cause. */
int	 templates_load(const char *dir, struct templates *, char **cause);
void	 templates_free(struct templates *);

/* Appends fmt with each "@NAME@" replaced from names/values (n pairs). */
struct buf;
void	 templates_fill(struct buf *out, const char *fmt,
	    const char *const names[], const char *const values[], int n);

/*
 * fmt cut at each "@NAME@" templates_fill() would replace with name
 * alone: filling it with v is parts[0] v parts[1] ... v parts[n-1].
 * Appends the parts to parts (n >= 1).
 */
struct strlist;
void	 templates_split(const char *fmt, const char *name,
	    struct strlist *parts);

#endif
