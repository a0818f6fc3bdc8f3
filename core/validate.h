/*
 * validate.h: every value that can reach a Postfix config line or table
 * passes through here first.  A newline, space, comma, '$' or '#' in a
 * domain is an attack, not a typo: each check refuses anything outside a
 * strict grammar and says which field, which value and what is wrong.
 */
#ifndef MXPIN_VALIDATE_H
#define MXPIN_VALIDATE_H

#include <stddef.h>

/* Longest value shown in a message; longer values are cut with "...". */
#define VIS_MAX	80

/*
 * Returns a printable copy of s for messages: control characters, quotes,
 * backslashes and bytes >= 0x7f escaped C-style, cut at VIS_MAX characters.
 * Caller frees.
 */
char	*vis_str(const char *s);
/* The same for len bytes that may contain NUL. */
char	*vis_mem(const char *s, size_t len);

/*
 * Each check returns 0 when value is acceptable, or -1 with *cause set to
 * "FIELD \"VALUE\": PROBLEM" (caller frees).  field names the setting as
 * the admin knows it (the answers-file name or the wizard label).
 */

/* A DNS domain name: LDH labels of 1-63, at most 253, at least two
   labels, not all-numeric last label; no trailing dot. */
int	valid_domain(const char *field, const char *value, char **cause);

/* A host the SMTP client can connect to: a domain name as above, or an
   IPv4 address in dotted-quad form, or an IPv6 address. */
int	valid_host(const char *field, const char *value, char **cause);

/* A TCP port 1-65535 (as a number from a config). */
int	valid_port(const char *field, long long value, char **cause);
/* The same from text, which must be decimal digits only. */
int	valid_port_str(const char *field, const char *value, int *port,
	    char **cause);

/*
 * A recipient for relay_recipient_maps in domain: "local@domain" (local
 * part: RFC 5322 atext dot-atom without the characters that mean something
 * to Postfix tables, at most 64) or "@domain" (accept every address).  The
 * domain part must be domain (ASCII case-insensitively).
 */
int	valid_recipient(const char *field, const char *value,
	    const char *domain, char **cause);

/* 1 when host is an IPv4 or IPv6 address literal (without brackets). */
int	host_is_ip(const char *host);

#endif
