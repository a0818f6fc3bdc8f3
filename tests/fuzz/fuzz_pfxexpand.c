/*
 * fuzz_pfxexpand.c: libFuzzer harness for core/pfxexpand.c.
 *
 * Any main.cf (and, after a line "--master.cf--", any master.cf) against
 * a fixed set of built-in defaults: pfx_expand() never crashes, leaks or
 * loops, and either answers every name (each value non-NULL) or gives up
 * with a reason and no values.  Whether an answer equals postconf's is
 * test_pfxexpand's job (it runs the real postconf, too slow here).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "maincf.h"
#include "pfxexpand.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char defaults[] =
    "compatibility_level = 0\n"
    "config_directory = /etc/postfix\n"
    "default_database_type = hash\n"
    "mail_version = 3.7.11\n"
    "maximal_queue_lifetime = 5d\n"
    "mydestination = $myhostname, localhost.$mydomain, localhost\n"
    "mydomain = localdomain\n"
    "myhostname = host.localdomain\n"
    "mynetworks = 127.0.0.0/8\n"
    "mynetworks_style = ${{$compatibility_level} <level {2} ? {subnet} : {host}}\n"
    "parent_domain_matches_subdomains = debug_peer_list,fast_flush_domains,"
    "mynetworks,permit_mx_backup_networks,qmqpd_authorized_clients,"
    "relay_domains,smtpd_access_maps\n"
    "relay_domains = ${{$compatibility_level} <level {2} ? {$mydestination} : {}}\n"
    "relay_recipient_maps =\n"
    "smtp_tls_fingerprint_digest = ${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}\n"
    "smtp_tls_policy_maps =\n"
    "transport_maps =\n"
    "virtual_alias_domains = $virtual_alias_maps\n"
    "virtual_alias_maps = $virtual_maps\n"
    "virtual_mailbox_domains = $virtual_mailbox_maps\n"
    "virtual_mailbox_maps =\n"
    "stress =\n";

static const char *const names[] = {
	"mail_version", "default_database_type",
	"smtp_tls_fingerprint_digest", "compatibility_level",
	"maximal_queue_lifetime", "parent_domain_matches_subdomains",
	"relay_domains", "relay_recipient_maps", "transport_maps",
	"smtp_tls_policy_maps", "mydestination", "virtual_alias_domains",
	"virtual_mailbox_domains",
};
#define N	(sizeof names / sizeof names[0])

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 sep[] = "\n--master.cf--\n";
	struct pfx_source	 src;
	const char		*text = (const char *)data, *m;
	char			*values[N], *why = NULL;
	size_t			 mainlen = size, i;

	memset(&src, 0, sizeof src);
	m = memmem(text, size, sep, sizeof sep - 1);
	if (m != NULL) {
		mainlen = (size_t)(m - text) + 1;
		src.mastercf = m + sizeof sep - 1;
		src.mastercflen = size - (size_t)(src.mastercf - text);
	}
	src.confdir = "/etc/postfix";
	src.maincf = text;
	src.maincflen = mainlen;
	src.cf = maincf_parse(text, mainlen);
	src.defaults = defaults;
	src.deflen = sizeof defaults - 1;
	if (pfx_expand(&src, names, N, values, &why) == 0) {
		for (i = 0; i < N; i++) {
			if (values[i] == NULL)
				abort();
			free(values[i]);
		}
		if (why != NULL)
			abort();
	} else {
		for (i = 0; i < N; i++)
			if (values[i] != NULL)
				abort();
		if (why == NULL)
			abort();
		free(why);
	}
	maincf_free((struct maincf *)src.cf);
	return 0;
}
