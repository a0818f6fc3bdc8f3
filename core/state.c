/*
 * state.c: DIR/mxpin.conf (see state.h).
 */
#include "state.h"

#include <errno.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static char *
dup_opt(config_setting_t *s, const char *name)
{
	const char	*v;

	if (config_setting_lookup_string(s, name, &v) != CONFIG_TRUE)
		return NULL;
	return xstrdup(v);
}

int
state_load(const char *confdir, struct state *st, char **cause)
{
	config_t		 cfg;
	config_setting_t	*list, *s, *pins;
	char			*path = xasprintf("%s/%s", confdir, STATE_FILE);
	struct state_domain	*d;
	const char		*v;
	int			 i, j, n, ival, ret = -1;
	long long		 llv;

	*cause = NULL;
	memset(st, 0, sizeof *st);
	config_init(&cfg);
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		ret = 0;
		goto out;
	}
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		*cause = xasprintf("%s:%d: %s", path, config_error_line(&cfg),
		    config_error_text(&cfg) != NULL ? config_error_text(&cfg) :
		    strerror(errno));
		goto out;
	}
	if ((list = config_lookup(&cfg, "domains")) == NULL) {
		ret = 0;
		goto out;
	}
	n = config_setting_length(list);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(list, (unsigned)i);
		if (config_setting_lookup_string(s, "domain", &v) !=
		    CONFIG_TRUE)
			continue;
		d = state_get(st, v);
		d->relay_host = dup_opt(s, "relay_host");
		d->nexthop = dup_opt(s, "nexthop");
		d->digest = dup_opt(s, "digest");
		d->certificate = dup_opt(s, "certificate");
		d->recipients_table = dup_opt(s, "recipients_table");
		d->transport_table = dup_opt(s, "transport_table");
		d->policy_table = dup_opt(s, "policy_table");
		d->applied = dup_opt(s, "applied");
		d->backup = dup_opt(s, "backup");
		d->recipients_key = dup_opt(s, "recipients_key");
		d->recipients_stamp = dup_opt(s, "recipients_stamp");
		if (config_setting_lookup_int(s, "port", &ival) == CONFIG_TRUE)
			d->port = ival;
		if (config_setting_lookup_int64(s, "recipients", &llv) ==
		    CONFIG_TRUE)
			d->nrecipients = (size_t)llv;
		else if (config_setting_lookup_int(s, "recipients", &ival) ==
		    CONFIG_TRUE)
			d->nrecipients = (size_t)ival;
		if (config_setting_lookup_string(s, "pin", &v) == CONFIG_TRUE &&
		    strcmp(v, "public-key") == 0)
			d->pin = PIN_PUBKEY;
		if ((pins = config_setting_get_member(s, "pins")) != NULL) {
			for (j = 0; j < config_setting_length(pins); j++) {
				v = config_setting_get_string_elem(pins,
				    (unsigned)j);
				if (v != NULL)
					strlist_add(&d->pins, v, strlen(v), 0);
			}
		}
	}
	ret = 0;
out:
	config_destroy(&cfg);
	free(path);
	if (ret == -1)
		state_free(st);
	return ret;
}

static void
domain_free(struct state_domain *d)
{
	free(d->domain);
	free(d->relay_host);
	free(d->nexthop);
	free(d->digest);
	free(d->certificate);
	free(d->recipients_table);
	free(d->transport_table);
	free(d->policy_table);
	free(d->applied);
	free(d->backup);
	free(d->recipients_key);
	free(d->recipients_stamp);
	strlist_free(&d->pins);
}

void
state_free(struct state *st)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		domain_free(&st->d[i]);
	free(st->d);
	memset(st, 0, sizeof *st);
}

struct state_domain *
state_find(struct state *st, const char *domain)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		if (ascii_casecmp(st->d[i].domain, domain) == 0)
			return &st->d[i];
	return NULL;
}

struct state_domain *
state_get(struct state *st, const char *domain)
{
	struct state_domain	*d;

	if ((d = state_find(st, domain)) != NULL)
		return d;
	st->d = xreallocarray(st->d, st->n + 1, sizeof *st->d);
	d = &st->d[st->n++];
	memset(d, 0, sizeof *d);
	strlist_init(&d->pins);
	d->domain = xstrdup(domain);
	return d;
}

static void
put_str(struct buf *b, const char *name, const char *v)
{
	if (v == NULL)
		return;
	buf_printf(b, "    %s = \"", name);
	for (; *v != '\0'; v++) {
		if (*v == '"' || *v == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *v);
	}
	buf_addstr(b, "\";\n");
}

void
state_render(const struct state *st, struct buf *b)
{
	const struct state_domain	*d;
	size_t				 i, j;

	buf_addstr(b, "# mxpin state: what mxpin applied, per domain.  Written "
	    "by mxpin apply and\n# the wizard; read by mxpin --rotate, check "
	    "and undo.  Do not edit by hand.\nversion = 1;\ndomains = (");
	for (i = 0; i < st->n; i++) {
		d = &st->d[i];
		buf_addstr(b, i == 0 ? "\n  {\n" : ",\n  {\n");
		put_str(b, "domain", d->domain);
		put_str(b, "relay_host", d->relay_host);
		buf_printf(b, "    port = %d;\n", d->port);
		put_str(b, "nexthop", d->nexthop);
		put_str(b, "digest", d->digest);
		put_str(b, "pin", d->pin == PIN_PUBKEY ? "public-key" :
		    "certificate");
		put_str(b, "certificate", d->certificate);
		buf_addstr(b, "    pins = [");
		for (j = 0; j < d->pins.n; j++)
			buf_printf(b, "%s\"%s\"", j == 0 ? " " : ", ",
			    strlist_get(&d->pins, j));
		buf_addstr(b, " ];\n");
		put_str(b, "recipients_table", d->recipients_table);
		put_str(b, "transport_table", d->transport_table);
		put_str(b, "policy_table", d->policy_table);
		buf_printf(b, "    recipients = %zuL;\n", d->nrecipients);
		put_str(b, "applied", d->applied);
		put_str(b, "backup", d->backup);
		put_str(b, "recipients_key", d->recipients_key);
		put_str(b, "recipients_stamp", d->recipients_stamp);
		buf_addstr(b, "  }");
	}
	buf_addstr(b, "\n);\n");
}
