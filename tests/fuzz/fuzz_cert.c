/*
 * fuzz_cert.c: libFuzzer harness for cert_load on arbitrary bytes (PEM
 * scanning, base64, DER and the "what is this instead" guesses), then
 * every fingerprint and cert_get_info when it loads.
 *
 *   clang -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE \
 *       -Icore core/util.c core/fprint.c tests/fuzz/fuzz_cert.c -lcrypto
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fprint.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct cert_info	 ci;
	struct cert		*c = NULL;
	char			*cause = NULL, *fp;
	size_t			 i;
	int			 nchain, pubkey, d;

	if (cert_load(data, len, &c, &nchain, &cause) == -1) {
		/* A refusal always says why, and never succeeds halfway. */
		if (cause == NULL || c != NULL || nchain != 0)
			abort();
		free(cause);
		return 0;
	}
	if (cause != NULL || c == NULL || nchain < 1)
		abort();
	for (d = FP_MD5; d <= FP_SHA512; d++) {
		for (pubkey = 0; pubkey <= 1; pubkey++) {
			fp = cert_fingerprint(c, (enum fp_digest)d, pubkey);
			if (fp == NULL ||
			    strlen(fp) != 3 * fp_digest_size(d) - 1)
				abort();
			free(fp);
		}
	}
	cert_get_info(c, &ci);
	if (ci.subject == NULL || ci.issuer == NULL || ci.sans == NULL ||
	    ci.key_type == NULL)
		abort();
	for (i = 0; ci.sans[i] != NULL; i++)
		(void)strlen(ci.sans[i]);
	cert_info_free(&ci);
	cert_free(c);
	return 0;
}
