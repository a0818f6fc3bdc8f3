/*
 * plan.c: building the plan (see plan.h).  The transport next-hop and the
 * TLS policy key come from ONE string, p->nexthop: a policy key that does
 * not match the next-hop fails open (POSTFIX.md), so they are never
 * derived twice.
 */
#include "plan.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fprint.h"
#include "maincf.h"
#include "state.h"
#include "table.h"
#include "templates.h"
#include "validate.h"

/* main.cf and tables are read with this limit. */
#define CONFIG_FILE_LIMIT	((size_t)4 << 30)

static int
read_optional(const char *path, struct buf *b, int *exists, char **cause)
{
	*exists = 0;
	if (file_read(path, CONFIG_FILE_LIMIT, b, cause) == 0) {
		*exists = 1;
		return 0;
	}
	if (errno == ENOENT) {
		free(*cause);
		*cause = NULL;
		return 0;
	}
	return -1;
}

/* --- ownership of table entries --------------------------------------- */

struct owner {
	const char	*domain;
	const char	*key;		/* transport: domain; policy: nexthop */
};

int
plan_owns_recipient(const char *key, size_t keylen, const char *domain)
{
	const char	*at = memrchr(key, '@', keylen);
	size_t		 dlen = strlen(domain);

	return at != NULL && (size_t)(key + keylen - at - 1) == dlen &&
	    ascii_ncasecmp(at + 1, domain, dlen) == 0;
}

static int
owned_recipient(const char *key, size_t keylen, void *arg)
{
	const struct owner	*o = arg;

	return plan_owns_recipient(key, keylen, o->domain);
}

char *
plan_nexthop(const char *host, int port)
{
	char	*h = xstrdup(host), *r;

	ascii_lower(h);
	if (port == 25 || port == 0)
		r = xasprintf("[%s]", h);
	else
		r = xasprintf("[%s]:%d", h, port);
	free(h);
	return r;
}

static int
owned_key(const char *key, size_t keylen, void *arg)
{
	const struct owner	*o = arg;

	return strlen(o->key) == keylen &&
	    ascii_ncasecmp(key, o->key, keylen) == 0;
}

/* --- the policy value ---------------------------------------------------- */

int
plan_parse_policy(const char *v, struct strlist *l)
{
	struct strlist	 tok;
	const char	*t, *p, *bar;
	size_t		 i;
	int		 is_fp = 0;

	strlist_init(&tok);
	pfx_list_split(v, &tok);
	for (i = 0; i < tok.n; i++) {
		t = strlist_get(&tok, i);
		if (i == 0) {
			is_fp = ascii_casecmp(t, "fingerprint") == 0;
			continue;
		}
		if (ascii_ncasecmp(t, "match=", 6) != 0)
			continue;
		for (p = t + 6; *p != '\0'; p = *bar == '\0' ? bar : bar + 1) {
			bar = p + strcspn(p, "|");
			if (bar > p)
				strlist_add(l, p, (size_t)(bar - p), 0);
		}
	}
	strlist_free(&tok);
	return is_fp;
}

/* --- building ------------------------------------------------------------ */

static void
plan_file_init(struct plan_file *f)
{
	memset(f, 0, sizeof *f);
	buf_init(&f->old);
	buf_init(&f->new);
}

/* Records a changed main.cf setting for display. */
static int
set_param(struct plan *p, struct maincf *mc, const char *name,
    const char *value, char **cause)
{
	char	*old = maincf_get(mc, name);

	if (old != NULL && strcmp(old, value) == 0) {
		free(old);
		return 0;
	}
	if (maincf_set(mc, name, value, cause) == -1) {
		free(old);
		return -1;
	}
	p->settings[p->nsettings].name = name;
	p->settings[p->nsettings].old = old;
	p->settings[p->nsettings].new = xstrdup(value);
	p->nsettings++;
	return 0;
}

/*
 * Chooses the table behind a maps parameter: the first file-backed
 * table postmap can build already named there, or ours in the config
 * directory.  *add receives the text to put into the parameter ("" when
 * the table is already there).
 */
static void
choose_table(const struct pfx_config *pc, const char *expanded,
    const char *name, struct plan_file *f, char **add)
{
	struct strlist	 tok;
	const char	*t, *colon;
	size_t		 i;

	strlist_init(&tok);
	pfx_list_split(expanded, &tok);
	for (i = 0; i < tok.n; i++) {
		t = strlist_get(&tok, i);
		if ((colon = strchr(t, ':')) == NULL || colon[1] != '/')
			continue;
		f->type = xstrndup(t, (size_t)(colon - t));
		if (pfx_db_suffix(f->type) != NULL) {
			f->path = xstrdup(colon + 1);
			*add = xstrdup("");
			strlist_free(&tok);
			return;
		}
		free(f->type);
		f->type = NULL;
	}
	strlist_free(&tok);
	f->type = xstrdup(pc->default_database_type);
	f->path = xasprintf("%s/%s", pc->confdir, name);
	*add = xasprintf("%s:${config_directory}/%s", f->type, name);
}

/* Adds table spec `add` in front of the raw value of param. */
static int
add_table_param(struct plan *p, struct maincf *mc, const char *param,
    const char *add, char **cause)
{
	char	*raw, *nv;
	int	 ret;

	if (*add == '\0')
		return 0;
	raw = maincf_get(mc, param);
	if (raw == NULL || *raw == '\0')
		nv = xstrdup(add);
	else
		nv = xasprintf("%s, %s", add, raw);
	ret = set_param(p, mc, param, nv, cause);
	free(raw);
	free(nv);
	return ret;
}

static int
load_table_file(struct plan_file *f, int kept, char **cause)
{
	const char	*slash;

	slash = strrchr(f->path, '/');
	f->label = xstrdup(slash != NULL ? slash + 1 : f->path);
	if (pfx_db_suffix(f->type) == NULL) {
		*cause = xasprintf("%s: table type '%s' cannot be built by "
		    "mxpin (hash, btree, cdb or lmdb)", f->param, f->type);
		return -1;
	}
	if (kept) {
		/* Known to be what the plan would write: not read. */
		f->exists = 1;
		return 0;
	}
	return read_optional(f->path, &f->old, &f->exists, cause);
}

/* Builds the new text of table f: its owned entries become text. */
static void
rewrite_table(struct plan_file *f, const char *head, table_owned_fn owned,
    struct owner *o, const struct buf *text)
{
	struct table	*t;

	if (!f->exists) {
		buf_addstr(&f->new, head);
		buf_addstr(&f->new, "\n");
		buf_add(&f->new, text->data, text->len);
		return;
	}
	t = table_parse(f->old.data, f->old.len);
	table_replace(t, owned, o, text->data, text->len);
	table_write(t, &f->new);
	table_free(t);
}

/* Pins of another length in other fingerprint entries of the policy
   table: changing the digest would break them. */
static int
check_digest_change(struct plan *p, const struct pfx_config *pc,
    enum fp_digest dg, char **cause)
{
	struct plan_file	*f = &p->files[PLAN_POLICY];
	struct table		*t;
	struct table_entry	 e;
	struct strlist		 l;
	struct buf		 who;
	size_t			 i, j, nbad = 0;
	char			*v, *norm, *c2;
	int			 ret = 0;

	if (strcmp(p->digest, pc->digest) == 0 || !f->exists)
		return 0;
	buf_init(&who);
	t = table_parse(f->old.data, f->old.len);
	for (i = 0; i < table_count(t); i++) {
		table_entry(t, i, &e);
		if (e.keylen == strlen(p->nexthop) &&
		    ascii_ncasecmp(e.key, p->nexthop, e.keylen) == 0)
			continue;
		v = table_value(t, i);
		strlist_init(&l);
		if (plan_parse_policy(v, &l)) {
			for (j = 0; j < l.n; j++) {
				if (fp_normalize(strlist_get(&l, j), dg, &norm,
				    &c2) == 0) {
					free(norm);
					continue;
				}
				free(c2);
				if (nbad++ < 3)
					buf_printf(&who, "%s%.*s (line %zu)",
					    nbad > 1 ? ", " : "",
					    (int)e.keylen, e.key, e.line);
				break;
			}
		}
		strlist_free(&l);
		free(v);
	}
	table_free(t);
	if (nbad > 0) {
		*cause = xasprintf("digest \"%s\": changing "
		    "smtp_tls_fingerprint_digest from %s to %s would break the "
		    "fingerprint pins of %s%s in %s (the digest is global); "
		    "keep digest = \"%s\" or re-pin those first", p->digest,
		    pc->digest, p->digest, who.data,
		    nbad > 3 ? " and others" : "", f->path, pc->digest);
		ret = -1;
	}
	buf_free(&who);
	return ret;
}

/*
 * The policy entry belongs to the next-hop, not to the domain: when
 * another domain's transport entry uses the same next-hop, dropping a pin
 * would cut that domain off from its primary.  Refused, with the way out.
 */
static int
check_shared_nexthop(struct plan *p, char **cause)
{
	struct plan_file	*f = &p->files[PLAN_TRANSPORT];
	struct table		*t;
	struct table_entry	 e;
	char			*v;
	size_t			 i, dropped = 0;
	int			 ret = 0;

	for (i = 0; i < p->old_pins.n; i++) {
		char *norm = NULL, *c2 = NULL;
		enum fp_digest dg;

		if (fp_digest_parse(p->digest, &dg) == 0 &&
		    fp_normalize(strlist_get(&p->old_pins, i), dg, &norm,
		    &c2) == 0 && strlist_find(&p->pins, norm) == (size_t)-1)
			dropped++;
		free(norm);
		free(c2);
	}
	if (dropped == 0 || !f->exists)
		return 0;
	t = table_parse(f->old.data, f->old.len);
	for (i = 0; i < table_count(t) && ret == 0; i++) {
		table_entry(t, i, &e);
		if (e.keylen == strlen(p->domain) &&
		    ascii_ncasecmp(e.key, p->domain, e.keylen) == 0)
			continue;
		v = table_value(t, i);
		if (ascii_casecmp(v, p->transport) == 0) {
			*cause = xasprintf("relay_host \"%s\", port %d: the "
			    "next-hop %s also serves %.*s (line %zu of %s), and "
			    "the TLS policy belongs to the next-hop: replacing "
			    "its pins would cut %.*s off too; set keep_previous "
			    "= true, or give the domains distinct next-hops",
			    p->host, p->port, p->nexthop, (int)e.keylen, e.key,
			    e.line, f->path, (int)e.keylen, e.key);
			ret = -1;
		}
		free(v);
	}
	table_free(t);
	return ret;
}

static void
add_str(struct strlist *l, char *s)
{
	strlist_add(l, s, strlen(s), 0);
	free(s);
}

/*
 * An empty relay_recipient_maps accepts every recipient of every relay
 * domain; setting it (as mxpin does) refuses the unlisted ones of the
 * other relay domains.  Says which domains that concerns.
 */
static void
warn_other_relay_domains(struct plan *p, const struct pfx_config *pc)
{
	struct strlist	 l;
	struct buf	 others;
	size_t		 i;

	strlist_init(&l);
	buf_init(&others);
	pfx_list_split(pc->relay_domains, &l);
	for (i = 0; i < l.n; i++) {
		if (ascii_casecmp(strlist_get(&l, i), p->domain) == 0)
			continue;
		buf_printf(&others, "%s%s", others.len > 0 ? ", " : "",
		    strlist_get(&l, i));
	}
	if (others.len > 0)
		add_str(&p->warnings, xasprintf("relay_recipient_maps was "
		    "empty, so every recipient of the other relay domains (%s) "
		    "was accepted; once it is set they are refused unless "
		    "listed: add @domain entries for them", others.data));
	buf_free(&others);
	strlist_free(&l);
}

/* Computes the pin these answers add. */
static int
new_pin(struct plan *p, struct answers *a, enum fp_digest dg, char **cause)
{
	struct cert		*c = NULL;
	struct cert_info	 ci;
	int			 nchain = 0;
	char			*c2;
	time_t			 now = time(NULL);

	if (a->certificate == NULL) {
		/* Explicit fingerprints: the last one is "the new pin", the
		   others join it as given. */
		size_t i;

		for (i = 0; i < a->fingerprints.n; i++) {
			char *norm;

			if (fp_normalize(strlist_get(&a->fingerprints, i), dg,
			    &norm, &c2) == -1) {
				*cause = xasprintf("fingerprints[%zu]: %s (the "
				    "digest is %s%s)", i + 1, c2, p->digest,
				    a->digest == NULL ? ", the one in force; "
				    "set digest = \"...\" for another" : "");
				free(c2);
				return -1;
			}
			if (i + 1 < a->fingerprints.n) {
				if (strlist_find(&p->pins, norm) ==
				    (size_t)-1)
					strlist_add(&p->pins, norm,
					    strlen(norm), 0);
				free(norm);
			} else
				p->new_pin = norm;
		}
		return 0;
	}
	if (cert_load_file(a->certificate, &c, &nchain, &c2) == -1) {
		*cause = xasprintf("certificate: %s", c2);
		free(c2);
		return -1;
	}
	p->new_pin = cert_fingerprint(c, dg, a->pin == PIN_PUBKEY);
	if (nchain > 1) {
		char *n = xasprintf("%s holds a chain of %d certificates; the "
		    "first one (the leaf) is pinned", a->certificate, nchain);
		strlist_add(&p->notes, n, strlen(n), 0);
		free(n);
	}
	cert_get_info(c, &ci);
	if (ci.not_after < now) {
		char *n = xasprintf("the certificate in %s has expired; the pin "
		    "still works (Postfix checks no expiry at this level), but "
		    "is this the certificate the primary presents now?",
		    a->certificate);
		strlist_add(&p->warnings, n, strlen(n), 0);
		free(n);
	} else if (ci.not_after - now < 30 * 86400 && a->pin == PIN_CERT) {
		char *n = xasprintf("the certificate in %s expires in %lld "
		    "days; its renewal changes the fingerprint: plan a rotation "
		    "(mxpin --rotate) or pin the public key", a->certificate,
		    (long long)((ci.not_after - now) / 86400));
		strlist_add(&p->warnings, n, strlen(n), 0);
		free(n);
	}
	cert_info_free(&ci);
	cert_free(c);
	return 0;
}


/* --- the new contents, streamed ------------------------------------------ */

#define EMIT_CHUNK	(128 * 1024)

struct emitter {
	plan_out_fn	 out;
	void		*arg;
	struct buf	 b;
	int		 stopped;
};

static void
em_flush(struct emitter *em)
{
	if (!em->stopped && em->b.len > 0 &&
	    em->out(em->arg, em->b.data, em->b.len) == -1)
		em->stopped = 1;
	em->b.len = 0;
}

static void
em_add(struct emitter *em, const char *s, size_t len)
{
	if (em->b.len + len > EMIT_CHUNK) {
		em_flush(em);
		if (len > EMIT_CHUNK) {
			if (!em->stopped && em->out(em->arg, s, len) == -1)
				em->stopped = 1;
			return;
		}
	}
	buf_add(&em->b, s, len);
}

/*
 * The owned entries of the recipients table, one per recipient.  Each
 * line is copied straight into the chunk: a million of them cost their
 * bytes, not a call per piece.
 */
static void
em_recipients(const struct plan *p, struct emitter *em)
{
	const struct strlist	*parts = &p->rcpt_parts;
	size_t			*plen, fixed = 1, need, i, k, rlen;
	const char		*r;
	char			*w;

	plen = xreallocarray(NULL, parts->n, sizeof *plen);
	for (k = 0; k < parts->n; k++)
		fixed += plen[k] = strlen(strlist_get(parts, k));
	for (i = 0; i < p->recipients.n && !em->stopped; i++) {
		r = strlist_get(&p->recipients, i);
		rlen = strlen(r);
		need = fixed + (parts->n - 1) * rlen;
		if (em->b.len + need > EMIT_CHUNK)
			em_flush(em);
		buf_reserve(&em->b, need);
		w = em->b.data + em->b.len;
		memcpy(w, strlist_get(parts, 0), plen[0]);
		w += plen[0];
		for (k = 1; k < parts->n; k++) {
			memcpy(w, r, rlen);
			w += rlen;
			memcpy(w, strlist_get(parts, k), plen[k]);
			w += plen[k];
		}
		*w++ = '\n';
		*w = '\0';
		em->b.len += need;
	}
	free(plen);
}

int
plan_emit(const struct plan *p, enum plan_slot i, plan_out_fn out, void *arg)
{
	const struct plan_file	*f = &p->files[i];
	const struct table_edit	*e = &p->rcpt_edit;
	struct emitter		 em;
	size_t			 k;

	if (i != PLAN_RECIPIENTS) {
		if (f->new.len == 0)
			return 0;
		return out(arg, f->new.data, f->new.len);
	}
	memset(&em, 0, sizeof em);
	em.out = out;
	em.arg = arg;
	buf_init(&em.b);
	buf_reserve(&em.b, EMIT_CHUNK);
	if (!f->exists) {
		/* As rewrite_table() writes a new table. */
		em_add(&em, p->rcpt_head, strlen(p->rcpt_head));
		em_add(&em, "\n", 1);
		em_recipients(p, &em);
	} else {
		/* As table_edit_apply(), with the text streamed. */
		for (k = 0; k <= e->nkeep && !em.stopped; k++) {
			if (k == e->insert && p->recipients.n > 0) {
				if (e->eol != NULL)
					em_add(&em, e->eol, strlen(e->eol));
				em_recipients(p, &em);
			}
			if (k < e->nkeep)
				em_add(&em, f->old.data + e->keep[k].off,
				    e->keep[k].len);
		}
	}
	em_flush(&em);
	buf_free(&em.b);
	return em.stopped ? -1 : 0;
}

static int
append_out(void *arg, const char *data, size_t len)
{
	buf_add(arg, data, len);
	return 0;
}

void
plan_new_text(const struct plan *p, enum plan_slot i, struct buf *out)
{
	plan_emit(p, i, append_out, out);
}

/* Compares streamed contents with a buffer; stops at the first
   difference. */
struct same {
	const char	*data;
	size_t		 len;
	size_t		 off;
	int		 differ;
};

static int
same_out(void *arg, const char *data, size_t len)
{
	struct same	*c = arg;

	if (len > c->len - c->off || memcmp(c->data + c->off, data, len) != 0) {
		c->differ = 1;
		return -1;
	}
	c->off += len;
	return 0;
}

static int
same_buf(const struct buf *x, const struct buf *y)
{
	return x->len == y->len && (x->len == 0 ||
	    memcmp(x->data, y->data, x->len) == 0);
}

static int
same_strlist(const struct strlist *x, const struct strlist *y)
{
	size_t	i;

	if (x->n != y->n)
		return 0;
	for (i = 0; i < x->n; i++)
		if (strcmp(strlist_get(x, i), strlist_get(y, i)) != 0)
			return 0;
	return 1;
}

int
plan_same(const struct plan *a, const struct plan *b)
{
	size_t	i;

	for (i = 0; i < PLAN_NFILES; i++) {
		if (a->files[i].changed != b->files[i].changed ||
		    a->files[i].exists != b->files[i].exists ||
		    strcmp(a->files[i].path, b->files[i].path) != 0 ||
		    !same_buf(&a->files[i].new, &b->files[i].new) ||
		    !same_buf(&a->files[i].old, &b->files[i].old))
			return 0;
	}
	/* The recipients table follows from its old text (compared above),
	   the domain, the format, the head and the list. */
	return strcmp(a->domain, b->domain) == 0 &&
	    strcmp(a->rcpt_head, b->rcpt_head) == 0 &&
	    same_strlist(&a->rcpt_parts, &b->rcpt_parts) &&
	    same_strlist(&a->recipients, &b->recipients);
}

char *
plan_table_stamp(const char *type, const char *path)
{
	struct stat	 st[2];
	const char	*suffix = pfx_db_suffix(type);
	char		*db;
	int		 r;

	if (suffix == NULL)
		return NULL;
	db = xasprintf("%s%s", path, suffix);
	r = stat(path, &st[0]) == 0 && stat(db, &st[1]) == 0;
	free(db);
	if (!r)
		return NULL;
	return xasprintf("%ju:%jd:%jd.%09ld %ju:%jd:%jd.%09ld",
	    (uintmax_t)st[0].st_ino, (intmax_t)st[0].st_size,
	    (intmax_t)st[0].st_mtim.tv_sec, st[0].st_mtim.tv_nsec,
	    (uintmax_t)st[1].st_ino, (intmax_t)st[1].st_size,
	    (intmax_t)st[1].st_mtim.tv_sec, st[1].st_mtim.tv_nsec);
}

/*
 * The key of what the recipients table is built from: the recipients'
 * bytes (as answers_load() hashed them), the domain, the table and the
 * format.  NULL when the answers carry no source hash (the wizard).
 */
static char *
recipients_key(const struct answers *a, const struct plan *p,
    const struct templates *tm)
{
	const struct plan_file	*f = &p->files[PLAN_RECIPIENTS];
	struct sha_key		 k;
	char			 hex[65];

	if (a->rcpt_source[0] == '\0')
		return NULL;
	sha_key_init(&k);
	sha_key_addstr(&k, "mxpin-recipients-table-1");
	sha_key_addstr(&k, a->rcpt_source);
	sha_key_addstr(&k, p->domain);
	sha_key_addstr(&k, f->type);
	sha_key_addstr(&k, f->path);
	sha_key_addstr(&k, tm->recipient);
	sha_key_addstr(&k, tm->head_recipients);
	sha_key_end(&k, hex);
	return hex[0] != '\0' ? xstrdup(hex) : NULL;
}

/*
 * Whether the recipients table is already what these answers make: the
 * last apply recorded the same key, and the table's files are the very
 * ones it wrote (same inode, size and modification time, so not edited
 * by hand since).  Then a rotation does not read a million lines.  A
 * single recipient is always read: its checks (an "@domain" catch-all)
 * cost nothing.
 */
static int
recipients_kept(struct plan *p)
{
	const struct plan_file	*f = &p->files[PLAN_RECIPIENTS];
	struct state		 st;
	struct state_domain	*d;
	char			*c = NULL, *spec, *stamp = NULL;
	int			 kept = 0;

	if (p->rcpt_key == NULL)
		return 0;
	if (state_load(p->confdir, &st, &c) == -1) {
		free(c);
		return 0;
	}
	spec = xasprintf("%s:%s", f->type, f->path);
	if ((d = state_find(&st, p->domain)) != NULL &&
	    d->recipients_key != NULL && d->recipients_stamp != NULL &&
	    d->recipients_table != NULL && d->nrecipients >= 2 &&
	    strcmp(d->recipients_key, p->rcpt_key) == 0 &&
	    strcmp(d->recipients_table, spec) == 0 &&
	    (stamp = plan_table_stamp(f->type, f->path)) != NULL &&
	    strcmp(stamp, d->recipients_stamp) == 0) {
		kept = 1;
		p->nrecipients = d->nrecipients;
	}
	free(stamp);
	free(spec);
	state_free(&st);
	return kept;
}

int
plan_build(struct answers *a, const struct pfx_config *pc,
    const char *tmpl_dir, struct plan **planp, char **cause)
{
	struct plan		*p;
	struct templates	 tm;
	struct maincf		*mc = NULL;
	struct table		*t;
	struct table_entry	 e;
	struct owner		 own;
	struct buf		 text;
	enum fp_digest		 dg, dg_now;
	char			*dir = NULL, *add[PLAN_NFILES] = { NULL };
	char			*v, *norm, *c2, *raw;
	const char		*names[3], *vals[3];
	static const char *const tablenames[PLAN_NFILES] = { NULL,
	    "relay_recipient_maps.cf", "transport_maps.cf", "tls_policy.cf" };
	size_t			 i;
	int			 ret = -1, have_tm = 0;

	*cause = NULL;
	*planp = NULL;
	p = xcalloc(1, sizeof *p);
	for (i = 0; i < PLAN_NFILES; i++)
		plan_file_init(&p->files[i]);
	strlist_init(&p->old_pins);
	strlist_init(&p->pins);
	strlist_init(&p->recipients);
	strlist_init(&p->rcpt_parts);
	strlist_init(&p->warnings);
	strlist_init(&p->notes);
	strlist_init(&p->commands);
	buf_init(&text);

	/* Recipients hashed by answers_load() are checked once it is known
	   whether they need reading at all (recipients_kept). */
	if ((a->rcpt_source[0] != '\0' ? answers_validate_head(a, cause) :
	    answers_validate(a, &p->ndupes, cause)) == -1)
		goto out;
	p->confdir = xstrdup(pc->confdir);
	p->domain = xstrdup(a->domain);
	ascii_lower(p->domain);
	p->host = xstrdup(answers_host(a));
	ascii_lower(p->host);
	p->port = answers_port(a);
	p->pin = a->pin;
	p->nexthop = plan_nexthop(p->host, p->port);
	p->transport = xasprintf("smtp:%s", p->nexthop);

	/* The domain must not be a final destination here. */
	if (pfx_list_has(pc->mydestination, p->domain) ||
	    pfx_list_has(pc->virtual_alias_domains, p->domain) ||
	    pfx_list_has(pc->virtual_mailbox_domains, p->domain)) {
		*cause = xasprintf("domain \"%s\": is a final destination on "
		    "this server (mydestination or virtual_*_domains); a backup "
		    "MX must relay it, not deliver it: remove it there first",
		    p->domain);
		goto out;
	}

	/* The digest. */
	if (fp_digest_parse(pc->digest, &dg_now) == -1) {
		char *vv = vis_str(pc->digest);

		*cause = xasprintf("smtp_tls_fingerprint_digest \"%s\" in %s is "
		    "not one of md5, sha1, sha256, sha512", vv, pc->confdir);
		free(vv);
		goto out;
	}
	p->digest = xstrdup(a->digest != NULL ? a->digest : pc->digest);
	ascii_lower(p->digest);
	if (fp_digest_parse(p->digest, &dg) == -1) {
		*cause = xasprintf("digest \"%s\": not one of md5, sha1, "
		    "sha256, sha512", p->digest);
		goto out;
	}

	/* Templates. */
	dir = tmpl_dir != NULL ? xstrdup(tmpl_dir) : templates_dir();
	if (templates_load(dir, &tm, cause) == -1)
		goto out;
	have_tm = 1;

	/* The files. */
	p->files[PLAN_MAINCF].path = xasprintf("%s/main.cf", pc->confdir);
	p->files[PLAN_MAINCF].label = xstrdup("main.cf");
	if (pc->maincf != NULL)
		maincf_write(pc->maincf, &p->files[PLAN_MAINCF].old);
	else if (file_read(p->files[PLAN_MAINCF].path, CONFIG_FILE_LIMIT,
	    &p->files[PLAN_MAINCF].old, cause) == -1)
		goto out;
	p->files[PLAN_MAINCF].exists = 1;
	p->files[PLAN_RECIPIENTS].param = "relay_recipient_maps";
	p->files[PLAN_TRANSPORT].param = "transport_maps";
	p->files[PLAN_POLICY].param = "smtp_tls_policy_maps";
	choose_table(pc, pc->relay_recipient_maps, tablenames[PLAN_RECIPIENTS],
	    &p->files[PLAN_RECIPIENTS], &add[PLAN_RECIPIENTS]);
	choose_table(pc, pc->transport_maps, tablenames[PLAN_TRANSPORT],
	    &p->files[PLAN_TRANSPORT], &add[PLAN_TRANSPORT]);
	choose_table(pc, pc->smtp_tls_policy_maps, tablenames[PLAN_POLICY],
	    &p->files[PLAN_POLICY], &add[PLAN_POLICY]);
	p->rcpt_key = recipients_key(a, p, &tm);
	p->rcpt_kept = recipients_kept(p);
	if (a->rcpt_source[0] != '\0' && !p->rcpt_kept) {
		if (answers_validate(a, &p->ndupes, cause) == -1)
			goto out;
		/* Reading may have found other bytes than were hashed. */
		free(p->rcpt_key);
		p->rcpt_key = recipients_key(a, p, &tm);
	}
	/* A kept table's count is the state's (recipients_kept). */
	if (!p->rcpt_kept)
		p->nrecipients = a->recipients.n;
	if (p->ndupes > 0)
		add_str(&p->notes, xasprintf("%zu duplicate recipient%s merged",
		    p->ndupes, p->ndupes == 1 ? "" : "s"));
	for (i = PLAN_RECIPIENTS; i < PLAN_NFILES; i++)
		if (load_table_file(&p->files[i], i == PLAN_RECIPIENTS &&
		    p->rcpt_kept, cause) == -1)
			goto out;

	/* The pins in force now for this next-hop. */
	if (p->files[PLAN_POLICY].exists) {
		t = table_parse(p->files[PLAN_POLICY].old.data,
		    p->files[PLAN_POLICY].old.len);
		for (i = 0; i < table_count(t); i++) {
			table_entry(t, i, &e);
			if (e.keylen != strlen(p->nexthop) ||
			    ascii_ncasecmp(e.key, p->nexthop, e.keylen) != 0)
				continue;
			v = table_value(t, i);
			plan_parse_policy(v, &p->old_pins);
			free(v);
		}
		table_free(t);
	}
	if (check_digest_change(p, pc, dg, cause) == -1)
		goto out;

	/* The pins after. */
	if (a->keep_previous) {
		for (i = 0; i < p->old_pins.n; i++) {
			if (fp_normalize(strlist_get(&p->old_pins, i), dg,
			    &norm, &c2) == -1) {
				*cause = xasprintf("keep_previous: the pin in "
				    "force \"%s\" is not a %s fingerprint (%s); "
				    "keep the digest, or set keep_previous = "
				    "false", strlist_get(&p->old_pins, i),
				    p->digest, c2);
				free(c2);
				goto out;
			}
			if (strlist_find(&p->pins, norm) == (size_t)-1)
				strlist_add(&p->pins, norm, strlen(norm), 0);
			free(norm);
		}
	}
	if (new_pin(p, a, dg, cause) == -1)
		goto out;
	if (strlist_find(&p->pins, p->new_pin) == (size_t)-1)
		strlist_add(&p->pins, p->new_pin, strlen(p->new_pin), 0);
	if (check_shared_nexthop(p, cause) == -1)
		goto out;

	/* Recipients table: a million lines are never built here, only
	   compared with the old table as they stream (plan_emit). */
	if (p->rcpt_kept)
		strlist_free(&a->recipients);	/* inline ones, unchecked */
	p->recipients = a->recipients;
	strlist_init(&a->recipients);
	templates_split(tm.recipient, "@ADDRESS@", &p->rcpt_parts);
	p->rcpt_head = xstrdup(tm.head_recipients);
	own.domain = p->domain;
	own.key = p->domain;
	if (p->files[PLAN_RECIPIENTS].exists && !p->rcpt_kept)
		table_edit_plan(p->files[PLAN_RECIPIENTS].old.data,
		    p->files[PLAN_RECIPIENTS].old.len, owned_recipient, &own,
		    &p->rcpt_edit);

	/* Transport table. */
	buf_reset(&text);
	names[0] = "@DOMAIN@";
	names[1] = "@NEXTHOP@";
	vals[0] = p->domain;
	vals[1] = p->nexthop;
	templates_fill(&text, tm.transport, names, vals, 2);
	buf_addch(&text, '\n');
	rewrite_table(&p->files[PLAN_TRANSPORT], tm.head_transport,
	    owned_key, &own, &text);

	/* Policy table: key and next-hop are the same string. */
	buf_reset(&text);
	{
		struct buf	pins;

		buf_init(&pins);
		for (i = 0; i < p->pins.n; i++) {
			if (i > 0)
				buf_addch(&pins, '|');
			buf_addstr(&pins, strlist_get(&p->pins, i));
		}
		names[0] = "@NEXTHOP@";
		names[1] = "@PINS@";
		vals[0] = p->nexthop;
		vals[1] = pins.data;
		templates_fill(&text, tm.policy, names, vals, 2);
		buf_addch(&text, '\n');
		buf_free(&pins);
	}
	own.key = p->nexthop;
	rewrite_table(&p->files[PLAN_POLICY], tm.head_policy, owned_key, &own,
	    &text);

	/* main.cf. */
	mc = pc->maincf != NULL ? maincf_clone(pc->maincf) :
	    maincf_parse(p->files[PLAN_MAINCF].old.data,
	    p->files[PLAN_MAINCF].old.len);
	if (!pfx_list_has(pc->relay_domains, p->domain)) {
		raw = maincf_get(mc, "relay_domains");
		if (raw == NULL && pc->relay_domains[0] != '\0') {
			add_str(&p->notes, xasprintf("relay_domains was not set "
			    "in main.cf; its value in force (%s) is now written "
			    "out with %s added", pc->relay_domains, p->domain));
			v = xasprintf("%s, %s", pc->relay_domains, p->domain);
		} else if (raw == NULL || *raw == '\0')
			v = xstrdup(p->domain);
		else
			v = xasprintf("%s, %s", raw, p->domain);
		free(raw);
		if (set_param(p, mc, "relay_domains", v, cause) == -1) {
			free(v);
			goto out;
		}
		free(v);
	}
	if (pc->relay_recipient_maps[0] == '\0')
		warn_other_relay_domains(p, pc);
	for (i = PLAN_RECIPIENTS; i < PLAN_NFILES; i++)
		if (add_table_param(p, mc, p->files[i].param, add[i], cause)
		    == -1)
			goto out;
	if (set_param(p, mc, "smtp_tls_fingerprint_digest", p->digest, cause)
	    == -1)
		goto out;
	maincf_write(mc, &p->files[PLAN_MAINCF].new);

	/* What changes, what runs, what to know. */
	for (i = 0; i < PLAN_NFILES; i++) {
		struct plan_file	*f = &p->files[i];
		struct same		 c = { f->old.data, f->old.len, 0, 0 };

		if (i == PLAN_RECIPIENTS && p->rcpt_kept) {
			f->changed = 0;
			continue;
		}
		f->changed = !f->exists || plan_emit(p, i, same_out, &c) == -1 ||
		    c.off != c.len;
	}
	for (i = PLAN_RECIPIENTS; i < PLAN_NFILES; i++)
		if (p->files[i].changed)
			add_str(&p->commands, xasprintf("postmap %s:%s",
			    p->files[i].type, p->files[i].path));
	if (plan_nchanged(p) > 0) {
		add_str(&p->commands, xasprintf("postmap -q '%s' %s:%s   "
		    "(verify: the next-hop finds the fingerprint policy)",
		    p->nexthop, p->files[PLAN_POLICY].type,
		    p->files[PLAN_POLICY].path));
		add_str(&p->commands, xasprintf("postconf -c %s -n   (verify: "
		    "main.cf parses)", p->confdir));
		add_str(&p->commands, xasprintf("postfix -c %s reload   (when "
		    "Postfix runs)", p->confdir));
	}
	add_str(&p->notes, xasprintf("mail for %s waits at most "
	    "maximal_queue_lifetime (%s) for the primary; after that it "
	    "bounces: a down or mismatching primary defers, not forever",
	    p->domain, pc->maximal_queue_lifetime));
	if (pfx_list_has(pc->parent_matches, "relay_domains"))
		add_str(&p->warnings, xasprintf("relay_domains also matches "
		    "subdomains of %s (parent_domain_matches_subdomains); mail "
		    "for them is refused unless listed, and is not covered by "
		    "the pinned transport", p->domain));
	if (p->recipients.n == 1 &&
	    strlist_get(&p->recipients, 0)[0] == '@')
		add_str(&p->warnings, xasprintf("@%s accepts every address: "
		    "mail to addresses the primary later rejects bounces from "
		    "this backup (backscatter)", p->domain));
	ret = 0;
	*planp = p;
	p = NULL;
out:
	if (have_tm)
		templates_free(&tm);
	for (i = 0; i < PLAN_NFILES; i++)
		free(add[i]);
	free(dir);
	buf_free(&text);
	if (mc != NULL)
		maincf_free(mc);
	plan_free(p);
	return ret;
}

void
plan_free(struct plan *p)
{
	size_t	i;

	if (p == NULL)
		return;
	free(p->confdir);
	free(p->domain);
	free(p->host);
	free(p->nexthop);
	free(p->transport);
	free(p->digest);
	free(p->new_pin);
	strlist_free(&p->old_pins);
	strlist_free(&p->pins);
	strlist_free(&p->recipients);
	strlist_free(&p->rcpt_parts);
	free(p->rcpt_head);
	free(p->rcpt_key);
	table_edit_free(&p->rcpt_edit);
	strlist_free(&p->warnings);
	strlist_free(&p->notes);
	strlist_free(&p->commands);
	for (i = 0; i < PLAN_NFILES; i++) {
		free(p->files[i].path);
		free(p->files[i].label);
		free(p->files[i].type);
		buf_free(&p->files[i].old);
		buf_free(&p->files[i].new);
	}
	for (i = 0; i < p->nsettings; i++) {
		free(p->settings[i].old);
		free(p->settings[i].new);
	}
	free(p);
}

size_t
plan_nchanged(const struct plan *p)
{
	size_t	i, n = 0;

	for (i = 0; i < PLAN_NFILES; i++)
		n += p->files[i].changed != 0;
	return n;
}

void
plan_diff(const struct plan *p, enum plan_slot i, struct buf *out,
    struct diff_stat *st)
{
	const struct plan_file	*f = &p->files[i];
	char			*a, *b;

	struct buf		 nb;

	buf_init(&nb);
	plan_new_text(p, i, &nb);
	a = f->exists ? xasprintf("a%s", f->path) : xstrdup("/dev/null");
	b = xasprintf("b%s", f->path);
	diff_unified(f->old.data != NULL ? f->old.data : "", f->old.len,
	    nb.data != NULL ? nb.data : "", nb.len, a, b, out, st);
	free(a);
	free(b);
	buf_free(&nb);
}
