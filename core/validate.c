/*
 * validate.c: strict grammars for domains, hosts, ports and recipients.
 * Messages name the field, show the value escaped, and say what is wrong.
 */
#include "validate.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

char *
vis_mem(const char *s, size_t len)
{
	struct buf	b;
	size_t		i, shown = 0;
	unsigned char	c;

	buf_init(&b);
	for (i = 0; i < len; i++) {
		if (shown >= VIS_MAX) {
			buf_addstr(&b, "...");
			break;
		}
		c = (unsigned char)s[i];
		switch (c) {
		case '\n': buf_addstr(&b, "\\n"); break;
		case '\r': buf_addstr(&b, "\\r"); break;
		case '\t': buf_addstr(&b, "\\t"); break;
		case '\0': buf_addstr(&b, "\\0"); break;
		case '"': buf_addstr(&b, "\\\""); break;
		case '\\': buf_addstr(&b, "\\\\"); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				buf_printf(&b, "\\x%02x", c);
			else
				buf_addch(&b, (char)c);
		}
		shown++;
	}
	return buf_detach(&b, NULL);
}

char *
vis_str(const char *s)
{
	return vis_mem(s, strlen(s));
}

static int
fail(char **cause, const char *field, const char *value, const char *fmt, ...)
    MXPIN_PRINTF(4, 5);

static int
fail(char **cause, const char *field, const char *value, const char *fmt, ...)
{
	va_list	 ap;
	char	*why, *v;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	v = vis_str(value);
	*cause = xasprintf("%s \"%s\": %s", field, v, why);
	free(v);
	free(why);
	return -1;
}

/* Names the first character that has no place in a host name. */
static const char *
bad_char_name(unsigned char c)
{
	switch (c) {
	case ' ': return "a space";
	case '\t': return "a tab";
	case '\n': return "a newline";
	case '\r': return "a carriage return";
	case ',': return "a comma";
	case '$': return "a '$' (Postfix would expand it)";
	case '#': return "a '#' (Postfix would read a comment)";
	case '{': case '}': return "a brace";
	case '|': return "a '|'";
	case '[': case ']': return "a bracket (give the bare host; mxpin adds "
	    "the brackets)";
	case ':': return "a ':'";
	case '@': return "an '@'";
	case '/': return "a '/'";
	case '=': return "an '='";
	default:
		return c < 0x20 || c == 0x7f ? "a control character" :
		    c >= 0x80 ? "a non-ASCII byte (use the xn-- form)" :
		    "a character not allowed in a host name";
	}
}

int
valid_domain(const char *field, const char *value, char **cause)
{
	const char	*p, *label;
	size_t		 len, llen, nlabels = 0;
	int		 alldigits;

	*cause = NULL;
	len = strlen(value);
	if (len == 0)
		return fail(cause, field, value, "is empty");
	if (len > 253)
		return fail(cause, field, value, "is %zu characters long; a "
		    "domain name has at most 253", len);
	for (p = value; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return fail(cause, field, value, "contains %s at "
			    "position %zu; a domain name is letters, digits, "
			    "hyphens and dots", bad_char_name(c),
			    (size_t)(p - value) + 1);
	}
	if (value[0] == '.')
		return fail(cause, field, value, "starts with a dot");
	if (value[len - 1] == '.')
		return fail(cause, field, value, "ends with a dot; write the "
		    "name without it");
	label = value;
	for (;;) {
		p = strchr(label, '.');
		llen = p == NULL ? strlen(label) : (size_t)(p - label);
		if (llen == 0)
			return fail(cause, field, value, "has an empty label "
			    "(two dots in a row)");
		if (llen > 63)
			return fail(cause, field, value, "has a label of %zu "
			    "characters; a label has at most 63", llen);
		if (label[0] == '-' || label[llen - 1] == '-')
			return fail(cause, field, value, "has a label that "
			    "starts or ends with a hyphen");
		nlabels++;
		if (p == NULL)
			break;
		label = p + 1;
	}
	if (nlabels < 2)
		return fail(cause, field, value, "is a single label; give the "
		    "full domain name (like example.org)");
	alldigits = 1;
	for (p = label; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			alldigits = 0;
	if (alldigits)
		return fail(cause, field, value, "ends in a numeric label; "
		    "that is not a domain name (an IP address?)");
	return 0;
}

int
host_is_ip(const char *host)
{
	unsigned char	addr[16];

	return inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1;
}

int
valid_host(const char *field, const char *value, char **cause)
{
	unsigned char	 addr[16];
	const char	*p;
	int		 digits_dots = 1;

	*cause = NULL;
	if (inet_pton(AF_INET, value, addr) == 1)
		return 0;
	if (strchr(value, ':') != NULL) {
		if (strlen(value) <= 45 && inet_pton(AF_INET6, value, addr) == 1)
			return 0;
		return fail(cause, field, value, "is not a valid IPv6 address "
		    "nor a host name");
	}
	for (p = value; *p != '\0'; p++)
		if (!(*p == '.' || (*p >= '0' && *p <= '9')))
			digits_dots = 0;
	if (digits_dots && *value != '\0')
		return fail(cause, field, value, "is not a valid IPv4 address "
		    "(write four decimal numbers 0-255, like 192.0.2.1)");
	return valid_domain(field, value, cause);
}

int
valid_port(const char *field, long long value, char **cause)
{
	char	s[32];

	*cause = NULL;
	if (value >= 1 && value <= 65535)
		return 0;
	snprintf(s, sizeof s, "%lld", value);
	return fail(cause, field, s, "is not a TCP port (1-65535)");
}

int
valid_port_str(const char *field, const char *value, int *port,
    char **cause)
{
	const char	*p;
	long long	 v = 0;

	*cause = NULL;
	if (*value == '\0')
		return fail(cause, field, value, "is empty; give a TCP port "
		    "(1-65535)");
	for (p = value; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return fail(cause, field, value, "is not a number; give "
			    "a TCP port (1-65535)");
		if (v < 100000)
			v = v * 10 + (*p - '0');
	}
	if (valid_port(field, v, cause) == -1) {
		free(*cause);
		return fail(cause, field, value, "is not a TCP port (1-65535)");
	}
	*port = (int)v;
	return 0;
}

/* RFC 5322 atext less what Postfix tables or main.cf give a meaning to. */
static int
local_char_ok(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return strchr("!%&'*+/=?^_`~-.", c) != NULL && c != '\0';
}

/* local_char_ok() as a table: a million recipients cost a lookup a byte. */
static unsigned char	local_ok[256];

static void
local_ok_init(void)
{
	unsigned int	c;

	if (local_ok['a'])
		return;
	for (c = 0; c < 256; c++)
		local_ok[c] = (unsigned char)local_char_ok((unsigned char)c);
}

int
valid_recipient(const char *field, const char *value, const char *domain,
    char **cause)
{
	const char	*at, *p;
	size_t		 llen;
	int		 dots = 0;

	*cause = NULL;
	if (*value == '\0')
		return fail(cause, field, value, "is empty");
	if ((at = strrchr(value, '@')) == NULL)
		return fail(cause, field, value, "has no '@'; write "
		    "local@%s, or @%s to accept every address", domain, domain);
	if (strcmp(at + 1, domain) != 0 && ascii_casecmp(at + 1, domain) != 0) {
		char	*c2;

		if (valid_domain(field, at + 1, &c2) == -1) {
			free(c2);
			return fail(cause, field, value, "has a domain part "
			    "that is not a domain name");
		}
		return fail(cause, field, value, "is not in %s (this backup "
		    "relays only %s)", domain, domain);
	}
	llen = (size_t)(at - value);
	if (llen == 0)
		return 0;	/* @domain: the wildcard */
	if (llen > 64)
		return fail(cause, field, value, "has a local part of %zu "
		    "characters; at most 64", llen);
	local_ok_init();
	for (p = value; p < at; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '.' && p > value && p[-1] == '.')
			dots = 1;
		if (!local_ok[c])
			return fail(cause, field, value, "contains %s in the "
			    "local part", c == ' ' ? "a space" : c == '"' ?
			    "a quote (quoted local parts are not supported)" :
			    c == '@' ? "a second '@'" : c == ',' ? "a comma" :
			    c == '#' ? "a '#'" : c == '$' ? "a '$'" :
			    c < 0x20 || c == 0x7f ? "a control character" :
			    c >= 0x80 ? "a non-ASCII byte" :
			    "a character not allowed");
	}
	if (value[0] == '.' || at[-1] == '.')
		return fail(cause, field, value, "has a local part that starts "
		    "or ends with a dot");
	if (dots)
		return fail(cause, field, value, "has two dots in a row in the "
		    "local part");
	return 0;
}
