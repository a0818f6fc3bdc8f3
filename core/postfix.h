/*
 * postfix.h: asking the real Postfix tools, always with -c DIR, by
 * absolute path and through run.h (no shell).
 */
#ifndef MXPIN_POSTFIX_H
#define MXPIN_POSTFIX_H

#include <stddef.h>

#define PFX_POSTCONF	"/usr/sbin/postconf"
#define PFX_POSTMAP	"/usr/sbin/postmap"
#define PFX_POSTFIX	"/usr/sbin/postfix"

/* What mxpin reads from the config in force, expanded (postconf -xh). */
struct maincf;

struct pfx_config {
	char	*confdir;		/* as given or found */
	char	*mail_version;
	char	*default_database_type;
	char	*digest;		/* smtp_tls_fingerprint_digest, lower */
	char	*compatibility_level;
	char	*maximal_queue_lifetime;
	char	*parent_matches;	/* parent_domain_matches_subdomains */
	char	*relay_domains;
	char	*relay_recipient_maps;
	char	*transport_maps;
	char	*smtp_tls_policy_maps;
	char	*mydestination;
	char	*virtual_alias_domains;
	char	*virtual_mailbox_domains;
	/*
	 * main.cf as these values were read from it, or NULL (postconf read
	 * it).  plan_build() edits a copy instead of reading and parsing the
	 * file again; a caller that plans long after pfx_load() (the wizard)
	 * drops it, so that the plan reads main.cf as it is then.
	 */
	struct maincf	*maincf;
};

/*
 * The config directory when -c is not given: postconf -xh
 * config_directory, else /etc/postfix.  Caller frees.
 */
char	*pfx_default_confdir(void);

/*
 * Reads the config in force: the values postconf -c confdir -xh prints.
 * 0, or -1 with *cause.  Free with pfx_config_free.  Tries
 * pfx_load_expand() first and falls back to pfx_load_postconf().
 */
int	 pfx_load(const char *confdir, struct pfx_config *, char **cause);
/*
 * The same from ONE postconf -c DIR -d (built-in defaults; main.cf is not
 * read by postconf), our own reading of main.cf and master.cf, and
 * pfx_expand().  0, or 1 with *why (caller frees) when the answer might
 * differ from postconf's; nothing to free then.
 */
int	 pfx_load_expand(const char *confdir, struct pfx_config *,
	    char **why);
/* The same from ONE postconf -c DIR -xh NAME... call. */
int	 pfx_load_postconf(const char *confdir, struct pfx_config *,
	    char **cause);
void	 pfx_config_free(struct pfx_config *);
void	 pfx_config_drop_maincf(struct pfx_config *);

/*
 * Postfix commands run side by side (pfx_run_jobs).  Most of what these
 * tools cost is starting up: the three tables of an apply are built, and
 * checked, in the time of the largest.  Each job's ret:
 * - PFX_JOB_POSTMAP, postmap TYPE:PATH: 0, or -1 with cause naming the
 *   table and Postfix's own words on a non-zero exit AND on any warning
 *   about the table itself (malformed line, duplicate entry), which
 *   postmap reports with exit 0;
 * - PFX_JOB_QUERY, postmap -q KEY TYPE:PATH: 1 with value when found, 0
 *   when not found, -1 with cause on error;
 * - PFX_JOB_SYNTAX, postconf -n exits 0 (main.cf parses): 0, or -1 with
 *   cause.
 */
enum pfx_job_kind {
	PFX_JOB_POSTMAP,
	PFX_JOB_QUERY,
	PFX_JOB_SYNTAX
};
struct pfx_job {
	enum pfx_job_kind	 kind;
	const char		*type;
	const char		*path;
	const char		*key;
	int			 ret;
	char			*value;	/* a query's value */
	char			*cause;	/* when ret is -1 */
};
/* Runs every job at once; 0 when no job's ret is -1. */
int	 pfx_run_jobs(const char *confdir, struct pfx_job *, size_t n);
/* Frees the jobs' values and causes. */
void	 pfx_jobs_free(struct pfx_job *, size_t n);

/* A PFX_JOB_QUERY alone: its ret, *value or *cause (caller frees). */
int	 pfx_query(const char *confdir, const char *type, const char *path,
	    const char *key, char **value, char **cause);

/* postfix -c DIR status: 1 running, 0 not running. */
int	 pfx_running(const char *confdir);

/* postfix -c DIR reload.  0, or -1 with *cause. */
int	 pfx_reload(const char *confdir, char **cause);

/*
 * Splits a Postfix list value (whitespace and commas separate; a {...}
 * group stays one item, as in inline:{...}) and appends the items to out.
 */
struct strlist;
void	 pfx_list_split(const char *value, struct strlist *out);
/* 1 when item is one of value's list items (ASCII case-insensitive). */
int	 pfx_list_has(const char *value, const char *item);

/* Output file suffix postmap makes for a type (".db", ".cdb", ".lmdb"),
   or NULL for a type mxpin cannot build. */
const char *pfx_db_suffix(const char *type);

#endif
