/*
 * answers.c: reading, checking and writing answers files (libconfig).
 */
#include "answers.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sysexits.h>
#include <sys/stat.h>

#include "atomic.h"
#include "fprint.h"
#include "validate.h"

/* Answers files are read with this limit. */
#define ANSWERS_FILE_LIMIT	((size_t)256 << 20)
/* Recipients files are read with this limit, in blocks of this size. */
#define RECIPIENTS_FILE_LIMIT	((size_t)1 << 31)
#define RECIPIENTS_BLOCK	((size_t)1 << 20)

void
answers_init(struct answers *a)
{
	memset(a, 0, sizeof *a);
	strlist_init(&a->recipients);
	strlist_init(&a->fingerprints);
}

void
answers_free(struct answers *a)
{
	free(a->domain);
	free(a->relay_host);
	free(a->recipients_file);
	free(a->certificate);
	free(a->digest);
	strlist_free(&a->recipients);
	strlist_free(&a->fingerprints);
	answers_init(a);
}

const char *
answers_host(const struct answers *a)
{
	return a->relay_host != NULL ? a->relay_host : a->domain;
}

int
answers_port(const struct answers *a)
{
	return a->port == 0 ? 25 : a->port;
}

static const char *
type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT: case CONFIG_TYPE_INT64: return "a number";
	case CONFIG_TYPE_FLOAT: return "a decimal number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "true or false";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "something else";
	}
}

enum kind { K_STRING, K_INT, K_BOOL, K_STRINGS };

static const struct setting {
	const char	*name;
	enum kind	 kind;
} settings[] = {
	{ "domain", K_STRING },
	{ "relay_host", K_STRING },
	{ "port", K_INT },
	{ "recipients", K_STRINGS },
	{ "recipients_file", K_STRING },
	{ "certificate", K_STRING },
	{ "fingerprints", K_STRINGS },
	{ "digest", K_STRING },
	{ "pin", K_STRING },
	{ "keep_previous", K_BOOL },
};

static const char *
kind_name(enum kind k)
{
	switch (k) {
	case K_STRING: return "a string in double quotes";
	case K_INT: return "a whole number";
	case K_BOOL: return "true or false";
	case K_STRINGS: return "an array of strings, like [ \"a\", \"b\" ]";
	}
	return "";
}

/*
 * Adds one line of a line-oriented list to l: trimmed; '#' comments and
 * blank lines skipped.
 */
static void
add_line(struct strlist *l, const char *p, size_t len, uint32_t line)
{
	const char	*s = p, *e = p + len;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (s < e && *s != '#')
		strlist_add(l, s, (size_t)(e - s), line);
}

/* Opens the recipients file: the checks and words of file_read(). */
static int
open_recipients(const char *path, struct stat *st, char **cause)
{
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*cause = xasprintf("recipients_file: %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, st) == -1) {
		*cause = xasprintf("recipients_file: %s: %s", path,
		    strerror(errno));
	} else if (S_ISDIR(st->st_mode))
		*cause = xasprintf("recipients_file: %s: is a directory", path);
	else if (S_ISREG(st->st_mode) && (uintmax_t)st->st_size >
	    RECIPIENTS_FILE_LIMIT)
		*cause = xasprintf("recipients_file: %s: file is too large (%jd "
		    "bytes, at most %zu)", path, (intmax_t)st->st_size,
		    RECIPIENTS_FILE_LIMIT);
	else
		return fd;
	close(fd);
	return -1;
}

/* The next block of fd: its length, 0 at the end, -1 with *cause. */
static ssize_t
read_block(int fd, char *blk, size_t *total, const char *path, char **cause)
{
	ssize_t	n;

	while ((n = read(fd, blk, RECIPIENTS_BLOCK)) == -1 && errno == EINTR)
		continue;
	if (n == -1) {
		*cause = xasprintf("recipients_file: %s: %s", path,
		    strerror(errno));
		return -1;
	}
	*total += (size_t)n;
	if (*total > RECIPIENTS_FILE_LIMIT) {
		*cause = xasprintf("recipients_file: %s: file is too large "
		    "(more than %zu bytes)", path, RECIPIENTS_FILE_LIMIT);
		return -1;
	}
	return n;
}

/*
 * Reads the recipients from fd in 1 MB blocks cut into lines with memchr:
 * a million recipients cost the list alone, not the list plus a copy of
 * the file, and no stdio call per line.  A line longer than a block (no
 * recipient is) is gathered in a buffer of its own.  hexout (may be
 * NULL) receives the SHA-256 of the bytes read.
 */
static int
read_recipients_fd(struct answers *a, int fd, const struct stat *st,
    const char *path, int with_lines, char *hexout, char **cause)
{
	struct sha_key	 k = { NULL };
	struct buf	 part;
	char		*blk, *p, *e, *nl;
	size_t		 total = 0;
	ssize_t		 n;
	uint32_t	 lineno = 0, ln;
	int		 ret = -1;

	*cause = NULL;
	buf_init(&part);
	/* Room for the whole list up front: no copy as it grows, and
	   pages never written cost no memory. */
	if (S_ISREG(st->st_mode) && st->st_size > 0)
		strlist_reserve(&a->recipients, (size_t)st->st_size,
		    (size_t)st->st_size / 8);
	if (hexout != NULL)
		sha_key_init(&k);
	blk = xmalloc(RECIPIENTS_BLOCK);
	while ((n = read_block(fd, blk, &total, path, cause)) > 0) {
		sha_key_add(&k, blk, (size_t)n);
		p = blk;
		e = blk + n;
		while ((nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
			ln = with_lines ? ++lineno : 0;
			if (part.len > 0) {
				buf_add(&part, p, (size_t)(nl - p));
				add_line(&a->recipients, part.data, part.len,
				    ln);
				buf_reset(&part);
			} else
				add_line(&a->recipients, p, (size_t)(nl - p),
				    ln);
			p = nl + 1;
		}
		buf_add(&part, p, (size_t)(e - p));
	}
	if (n == 0) {
		if (part.len > 0)
			add_line(&a->recipients, part.data, part.len,
			    with_lines ? ++lineno : 0);
		ret = 0;
	}
	if (hexout != NULL) {
		sha_key_end(&k, hexout);
		if (ret == -1)
			hexout[0] = '\0';
	}
	buf_free(&part);
	free(blk);
	return ret;
}

/*
 * The line number of the k-th recipient (from 0) in a recipients file,
 * found again by reading it: a million line numbers are not kept for the
 * one a message may need.  0 when the file no longer has that many.
 */
static size_t
file_line_of(const char *path, size_t k)
{
	struct answers	 tmp;
	struct stat	 st;
	char		*cause = NULL;
	size_t		 found = 0;
	int		 fd;

	if ((fd = open_recipients(path, &st, &cause)) == -1) {
		free(cause);
		return 0;
	}
	answers_init(&tmp);
	if (read_recipients_fd(&tmp, fd, &st, path, 1, NULL, &cause) == 0 &&
	    k < tmp.recipients.n)
		found = tmp.recipients.line[k];
	free(cause);
	close(fd);
	answers_free(&tmp);
	return found;
}

/*
 * The SHA-256 (hex) of what fd holds, read in big blocks: 22 MB for a
 * million addresses hash in about 10 ms, a fraction of what reading them
 * as lines costs.
 */
static int
hash_recipients_fd(int fd, const char *path, char *hexout, char **cause)
{
	struct sha_key	 k;
	char		*blk = xmalloc(RECIPIENTS_BLOCK);
	size_t		 total = 0;
	ssize_t		 n;

	sha_key_init(&k);
	while ((n = read_block(fd, blk, &total, path, cause)) > 0)
		sha_key_add(&k, blk, (size_t)n);
	sha_key_end(&k, hexout);
	if (n == -1)
		hexout[0] = '\0';
	free(blk);
	return n == -1 ? -1 : 0;
}

int
answers_read_recipients(struct answers *a, const char *path, char **cause)
{
	struct stat	st;
	int		fd, ret;

	if ((fd = open_recipients(path, &st, cause)) == -1)
		return -1;
	ret = read_recipients_fd(a, fd, &st, path, 1, NULL, cause);
	close(fd);
	return ret;
}

/*
 * rcpt_source: SHA-256 over a version tag, the inline recipients, whether
 * a file is named, and the file's own hash, each string NUL-terminated.
 */
static void
source_digest(struct answers *a, const char *filehex)
{
	struct sha_key	k;
	size_t		i;

	sha_key_init(&k);
	sha_key_addstr(&k, "mxpin-recipients-1");
	for (i = 0; i < a->n_inline; i++)
		sha_key_addstr(&k, strlist_get(&a->recipients, i));
	sha_key_addstr(&k, a->recipients_file != NULL ? "file" : "");
	sha_key_addstr(&k, filehex);
	sha_key_end(&k, a->rcpt_source);
}

/*
 * Takes the recipients file in for answers_load(): a regular file is only
 * hashed, and read when a plan needs its lines (answers_load_recipients);
 * a pipe can be read once, so it is read now, and what is read hashed.
 */
static int
load_recipients_file(struct answers *a, char **cause)
{
	struct stat	st;
	int		fd, ret;

	if ((fd = open_recipients(a->recipients_file, &st, cause)) == -1)
		return -1;
	if (S_ISREG(st.st_mode)) {
		ret = hash_recipients_fd(fd, a->recipients_file,
		    a->rcpt_filehex, cause);
		a->rcpt_pending = ret == 0;
	} else
		ret = read_recipients_fd(a, fd, &st, a->recipients_file, 1,
		    a->rcpt_filehex, cause);
	close(fd);
	return ret;
}

int
answers_load_recipients(struct answers *a, char **cause)
{
	struct stat	st;
	char		hex[65];
	int		fd, ret;

	*cause = NULL;
	if (!a->rcpt_pending)
		return 0;
	a->rcpt_pending = 0;
	if ((fd = open_recipients(a->recipients_file, &st, cause)) == -1)
		return -1;
	/* No line numbers: a million of them cost 4 MB for the one an
	   error message may need (file_line_of finds it). */
	ret = read_recipients_fd(a, fd, &st, a->recipients_file, 0, hex,
	    cause);
	close(fd);
	if (ret == -1)
		return -1;
	/* Changed since answers_load() hashed it: the key must name the
	   bytes the table is built from, or a later run would trust a
	   table built from other ones. */
	if (strcmp(hex, a->rcpt_filehex) != 0) {
		memcpy(a->rcpt_filehex, hex, sizeof hex);
		a->rcpt_source[0] = '\0';
		if (hex[0] != '\0')
			source_digest(a, hex);
	}
	return 0;
}

int
answers_load(const char *path, struct answers *a, int *code, char **cause)
{
	config_t		 cfg;
	config_setting_t	*root, *s, *e;
	const struct setting	*st;
	const char		*name, *str;
	struct buf		 text;
	char			*c2 = NULL, *p;
	int			 i, j, n, ret = -1, t, line;

	*cause = NULL;
	*code = EX_DATAERR;
	config_init(&cfg);
	buf_init(&text);
	/*
	 * Read the file ourselves and hand libconfig a string: its
	 * @include directive would make root parse any file named there,
	 * and on some inputs it calls exit() from its scanner.  Neither
	 * belongs in an answers file, so a line that starts with '@' is
	 * refused before libconfig sees anything.
	 */
	if (file_read(path, ANSWERS_FILE_LIMIT, &text, &c2) == -1) {
		*code = errno == EACCES ? EX_NOPERM : errno == ENOENT ||
		    errno == ENOTDIR ? EX_NOINPUT : EX_DATAERR;
		*cause = c2;
		goto out;
	}
	if (memchr(text.data, '\0', text.len) != NULL) {
		*cause = xasprintf("%s: holds a NUL byte; an answers file is "
		    "text", path);
		goto out;
	}
	for (i = 0, line = 1, p = text.data; *p != '\0'; p++) {
		if (*p == '\n') {
			line++;
			i = 0;
			continue;
		}
		if (i == 0 && *p == '@') {
			*cause = xasprintf("%s:%d: directives such as @include "
			    "are not allowed in an answers file", path, line);
			goto out;
		}
		if (*p != ' ' && *p != '\t')
			i = 1;
	}
	if (config_read_string(&cfg, text.data) != CONFIG_TRUE) {
		*cause = xasprintf("%s:%d: %s", path, config_error_line(&cfg),
		    config_error_text(&cfg));
		goto out;
	}
	root = config_root_setting(&cfg);
	n = config_setting_length(root);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(root, (unsigned)i);
		name = config_setting_name(s);
		st = NULL;
		for (j = 0; j < (int)(sizeof settings / sizeof settings[0]); j++)
			if (strcmp(settings[j].name, name) == 0)
				st = &settings[j];
		if (st == NULL) {
			*cause = xasprintf("%s:%d: unknown setting '%s' (known: "
			    "domain, relay_host, port, recipients, "
			    "recipients_file, certificate, fingerprints, digest, "
			    "pin, keep_previous)", path,
			    config_setting_source_line(s), name);
			goto out;
		}
		t = config_setting_type(s);
		if ((st->kind == K_STRING && t != CONFIG_TYPE_STRING) ||
		    (st->kind == K_INT && t != CONFIG_TYPE_INT &&
		    t != CONFIG_TYPE_INT64) ||
		    (st->kind == K_BOOL && t != CONFIG_TYPE_BOOL) ||
		    (st->kind == K_STRINGS && t != CONFIG_TYPE_ARRAY &&
		    t != CONFIG_TYPE_LIST)) {
			*cause = xasprintf("%s:%d: %s must be %s, not %s", path,
			    config_setting_source_line(s), name,
			    kind_name(st->kind), type_name(t));
			goto out;
		}
		if (st->kind == K_STRINGS) {
			struct strlist *l = strcmp(name, "recipients") == 0 ?
			    &a->recipients : &a->fingerprints;

			for (j = 0; j < config_setting_length(s); j++) {
				e = config_setting_get_elem(s, (unsigned)j);
				if (config_setting_type(e) !=
				    CONFIG_TYPE_STRING) {
					*cause = xasprintf("%s:%d: %s must hold "
					    "only strings; element %d is %s",
					    path, config_setting_source_line(s),
					    name, j + 1, type_name(
					    config_setting_type(e)));
					goto out;
				}
				str = config_setting_get_string(e);
				strlist_add(l, str, strlen(str), 0);
			}
			continue;
		}
		if (st->kind == K_INT) {
			long long v = config_setting_get_int64(s);

			if (v < 1 || v > 65535) {
				*cause = xasprintf("%s:%d: port %lld is not a "
				    "TCP port (1-65535)", path,
				    config_setting_source_line(s), v);
				goto out;
			}
			a->port = (int)v;
			continue;
		}
		if (st->kind == K_BOOL) {
			a->keep_previous = config_setting_get_bool(s);
			continue;
		}
		str = config_setting_get_string(s);
		if (strcmp(name, "domain") == 0)
			a->domain = xstrdup(str);
		else if (strcmp(name, "relay_host") == 0)
			a->relay_host = xstrdup(str);
		else if (strcmp(name, "recipients_file") == 0)
			a->recipients_file = xstrdup(str);
		else if (strcmp(name, "certificate") == 0)
			a->certificate = xstrdup(str);
		else if (strcmp(name, "digest") == 0)
			a->digest = xstrdup(str);
		else if (strcmp(name, "pin") == 0) {
			if (strcmp(str, "certificate") == 0)
				a->pin = PIN_CERT;
			else if (strcmp(str, "public-key") == 0)
				a->pin = PIN_PUBKEY;
			else {
				char *v = vis_str(str);

				*cause = xasprintf("%s:%d: pin \"%s\" is not "
				    "\"certificate\" or \"public-key\"", path,
				    config_setting_source_line(s), v);
				free(v);
				goto out;
			}
		}
	}
	a->n_inline = a->recipients.n;
	if (a->recipients_file != NULL &&
	    load_recipients_file(a, cause) == -1) {
		*code = EX_NOINPUT;
		goto out;
	}
	if (a->recipients_file == NULL || a->rcpt_filehex[0] != '\0')
		source_digest(a, a->rcpt_filehex);
	ret = 0;
out:
	buf_free(&text);
	config_destroy(&cfg);
	return ret;
}

static int
validate(struct answers *a, size_t *ndupes, int with_rcpt, char **cause)
{
	enum fp_digest	 dg;
	char		*field, *c2, *norm;
	size_t		 i;

	*cause = NULL;
	*ndupes = 0;
	if (a->domain == NULL) {
		*cause = xstrdup("domain: missing; name the mail domain this "
		    "backup relays (domain = \"example.org\";)");
		return -1;
	}
	if (valid_domain("domain", a->domain, cause) == -1)
		return -1;
	if (a->relay_host != NULL &&
	    valid_host("relay_host", a->relay_host, cause) == -1)
		return -1;
	if (a->port != 0 && valid_port("port", a->port, cause) == -1)
		return -1;
	if (a->digest != NULL && fp_digest_parse(a->digest, &dg) == -1) {
		char *v = vis_str(a->digest);

		*cause = xasprintf("digest \"%s\": not one of md5, sha1, "
		    "sha256, sha512", v);
		free(v);
		return -1;
	}
	if (with_rcpt && a->recipients.n == 0) {
		*cause = xasprintf("recipients: none given; list the addresses "
		    "of %s this backup accepts, or \"@%s\" to accept every "
		    "address (beware of backscatter)", a->domain, a->domain);
		return -1;
	}
	for (i = 0; with_rcpt && i < a->recipients.n; i++) {
		/* The field is named only for a message: a million good
		   recipients cost no string formatting. */
		if (valid_recipient("", strlist_get(&a->recipients, i),
		    a->domain, cause) == 0)
			continue;
		free(*cause);
		*cause = NULL;
		if (i < a->n_inline)
			field = xasprintf("recipients[%zu]", i + 1);
		else
			field = xasprintf("recipients_file %s line %zu",
			    a->recipients_file, a->recipients.line != NULL ?
			    (size_t)a->recipients.line[i] :
			    file_line_of(a->recipients_file, i - a->n_inline));
		valid_recipient(field, strlist_get(&a->recipients, i),
		    a->domain, cause);
		free(field);
		return -1;
	}
	if (with_rcpt)
		*ndupes = strlist_dedupe(&a->recipients);
	if (a->certificate == NULL && a->fingerprints.n == 0) {
		*cause = xstrdup("certificate: missing; give the primary's "
		    "certificate file (certificate = \"/path/cert.pem\";) or "
		    "its fingerprints (fingerprints = [ \"AB:CD:...\" ];)");
		return -1;
	}
	if (a->certificate != NULL && a->fingerprints.n != 0) {
		*cause = xstrdup("certificate and fingerprints: give one or "
		    "the other, not both");
		return -1;
	}
	for (i = 0; i < a->fingerprints.n; i++) {
		static const enum fp_digest all[] = { FP_MD5, FP_SHA1,
		    FP_SHA256, FP_SHA512 };
		const char	*fp = strlist_get(&a->fingerprints, i);
		size_t		 k;
		int		 ok = 0;

		/* The length is checked against the digest by the plan. */
		for (k = 0; k < sizeof all / sizeof all[0] && !ok; k++) {
			if (fp_normalize(fp, all[k], &norm, &c2) == 0) {
				free(norm);
				ok = 1;
			} else
				free(c2);
		}
		if (!ok) {
			char *v = vis_str(fp);

			*cause = xasprintf("fingerprints[%zu] \"%s\": not a "
			    "fingerprint (hex pairs, colons optional, of 16, "
			    "20, 32 or 64 bytes)", i + 1, v);
			free(v);
			return -1;
		}
	}
	return 0;
}

int
answers_validate(struct answers *a, size_t *ndupes, char **cause)
{
	*ndupes = 0;
	if (answers_load_recipients(a, cause) == -1)
		return -1;
	return validate(a, ndupes, 1, cause);
}

int
answers_validate_head(struct answers *a, char **cause)
{
	size_t	ndupes;

	return validate(a, &ndupes, 0, cause);
}

/* Appends s as a libconfig string literal. */
static void
add_quoted(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *s);
	}
	buf_addch(b, '"');
}

int
answers_save(const struct answers *a, const char *path, char **cause)
{
	struct buf	b;
	size_t		i;
	int		ret;

	buf_init(&b);
	buf_addstr(&b, "# mxpin answers: apply with  mxpin apply THIS-FILE\n");
	buf_addstr(&b, "domain = ");
	add_quoted(&b, a->domain != NULL ? a->domain : "");
	buf_addstr(&b, ";\n");
	if (a->relay_host != NULL) {
		buf_addstr(&b, "relay_host = ");
		add_quoted(&b, a->relay_host);
		buf_addstr(&b, ";\n");
	}
	buf_printf(&b, "port = %d;\n", answers_port(a));
	if (a->recipients_file != NULL) {
		buf_addstr(&b, "recipients_file = ");
		add_quoted(&b, a->recipients_file);
		buf_addstr(&b, ";\n");
	}
	buf_addstr(&b, "recipients = [");
	for (i = 0; i < (a->recipients_file != NULL ? a->n_inline :
	    a->recipients.n); i++) {
		buf_addstr(&b, i == 0 ? "\n  " : ",\n  ");
		add_quoted(&b, strlist_get(&a->recipients, i));
	}
	buf_addstr(&b, " ];\n");
	if (a->certificate != NULL) {
		buf_addstr(&b, "certificate = ");
		add_quoted(&b, a->certificate);
		buf_addstr(&b, ";\n");
	}
	if (a->fingerprints.n > 0) {
		buf_addstr(&b, "fingerprints = [");
		for (i = 0; i < a->fingerprints.n; i++) {
			buf_addstr(&b, i == 0 ? " " : ", ");
			add_quoted(&b, strlist_get(&a->fingerprints, i));
		}
		buf_addstr(&b, " ];\n");
	}
	if (a->digest != NULL) {
		buf_addstr(&b, "digest = ");
		add_quoted(&b, a->digest);
		buf_addstr(&b, ";\n");
	}
	buf_printf(&b, "pin = \"%s\";\n", a->pin == PIN_PUBKEY ?
	    "public-key" : "certificate");
	buf_printf(&b, "keep_previous = %s;\n", a->keep_previous ? "true" :
	    "false");
	ret = atomic_write(path, b.data, b.len, 0600, cause);
	buf_free(&b);
	return ret;
}
