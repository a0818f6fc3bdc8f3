/*
 * templates.c: loading the templates/ files (see templates.h).
 */
#include "templates.h"

#include <libconfig.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strlist.h"
#include "util.h"

#ifndef MXPIN_TEMPLATEDIR
#define MXPIN_TEMPLATEDIR "/usr/local/share/mxpin"
#endif

char *
templates_dir(void)
{
	const char	*env = getenv("MXPIN_TEMPLATES");
	char		 exe[PATH_MAX], *slash, *cand;
	ssize_t		 n;
	static const char *rel[] = {
		"../templates",		/* build/mxpin */
		"../../templates",	/* build/asan/mxpin, build/tests/x */
		"../../../templates",	/* build/asan/tests/x */
		"../share/mxpin",	/* PREFIX/sbin/mxpin */
	};
	size_t		 i;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			cand = xasprintf("%s/%s/entries.conf", exe, rel[i]);
			if (access(cand, R_OK) == 0) {
				free(cand);
				return xasprintf("%s/%s", exe, rel[i]);
			}
			free(cand);
		}
	}
	return xstrdup(MXPIN_TEMPLATEDIR);
}

static int
load_text(const char *dir, const char *name, char **out, char **cause)
{
	struct buf	 b;
	char		*path = xasprintf("%s/%s", dir, name), *c;

	buf_init(&b);
	if (file_read(path, 65536, &b, &c) == -1) {
		*cause = xasprintf("template %s", c);
		free(c);
		free(path);
		buf_free(&b);
		return -1;
	}
	free(path);
	*out = buf_detach(&b, NULL);
	return 0;
}

static int
load_format(config_t *cfg, const char *dir, const char *name,
    const char *const need[], int nneed, char **out, char **cause)
{
	const char	*s;
	int		 i;

	if (config_lookup_string(cfg, name, &s) != CONFIG_TRUE) {
		*cause = xasprintf("template %s/entries.conf: '%s' is missing "
		    "or not a string", dir, name);
		return -1;
	}
	if (strchr(s, '\n') != NULL || strchr(s, '\r') != NULL) {
		*cause = xasprintf("template %s/entries.conf: '%s' must be one "
		    "line", dir, name);
		return -1;
	}
	for (i = 0; i < nneed; i++) {
		if (strstr(s, need[i]) == NULL) {
			*cause = xasprintf("template %s/entries.conf: '%s' must "
			    "contain %s", dir, name, need[i]);
			return -1;
		}
	}
	*out = xstrdup(s);
	return 0;
}

int
templates_load(const char *dir, struct templates *t, char **cause)
{
	static const char *const rcpt[] = { "@ADDRESS@" };
	static const char *const tr[] = { "@DOMAIN@", "@NEXTHOP@" };
	static const char *const pol[] = { "@NEXTHOP@", "@PINS@" };
	config_t	 cfg;
	char		*path = xasprintf("%s/entries.conf", dir);
	int		 ret = -1;

	*cause = NULL;
	memset(t, 0, sizeof *t);
	config_init(&cfg);
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		*cause = xasprintf("template %s:%d: %s", path,
		    config_error_line(&cfg), config_error_text(&cfg) != NULL ?
		    config_error_text(&cfg) : "cannot read");
		goto out;
	}
	if (load_format(&cfg, dir, "recipient", rcpt, 1, &t->recipient,
	    cause) == -1 ||
	    load_format(&cfg, dir, "transport", tr, 2, &t->transport,
	    cause) == -1 ||
	    load_format(&cfg, dir, "policy", pol, 2, &t->policy, cause) == -1)
		goto out;
	if (load_text(dir, "relay_recipient_maps.cf.head",
	    &t->head_recipients, cause) == -1 ||
	    load_text(dir, "transport_maps.cf.head", &t->head_transport,
	    cause) == -1 ||
	    load_text(dir, "tls_policy.cf.head", &t->head_policy, cause) == -1)
		goto out;
	ret = 0;
out:
	config_destroy(&cfg);
	free(path);
	if (ret == -1)
		templates_free(t);
	return ret;
}

void
templates_free(struct templates *t)
{
	free(t->recipient);
	free(t->transport);
	free(t->policy);
	free(t->head_recipients);
	free(t->head_transport);
	free(t->head_policy);
	memset(t, 0, sizeof *t);
}

void
templates_fill(struct buf *out, const char *fmt, const char *const names[],
    const char *const values[], int n)
{
	const char	*p = fmt, *at;
	int		 i;
	size_t		 len;

	while ((at = strchr(p, '@')) != NULL) {
		buf_add(out, p, (size_t)(at - p));
		for (i = 0; i < n; i++) {
			len = strlen(names[i]);
			if (strncmp(at, names[i], len) == 0)
				break;
		}
		if (i < n) {
			buf_addstr(out, values[i]);
			p = at + strlen(names[i]);
		} else {
			buf_addch(out, '@');
			p = at + 1;
		}
	}
	buf_addstr(out, p);
}

void
templates_split(const char *fmt, const char *name, struct strlist *parts)
{
	const char	*p = fmt, *at, *lit = fmt;
	size_t		 len = strlen(name);

	/* The scan of templates_fill() with one name. */
	while ((at = strchr(p, '@')) != NULL) {
		if (strncmp(at, name, len) == 0) {
			strlist_add(parts, lit, (size_t)(at - lit), 0);
			p = lit = at + len;
		} else
			p = at + 1;
	}
	strlist_add(parts, lit, strlen(lit), 0);
}
