/*
 * maincf_set: test aid for tests/integration/maincf_postconf.sh.
 *
 *   maincf_set FILE NAME VALUE	sets NAME = VALUE in FILE with
 *				maincf_set() and writes FILE back
 *				(through FILE.tmp and rename)
 *
 * Exit 0 on success, 1 when maincf_set() refuses (message on stderr),
 * 2 on a usage or file error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "maincf.h"
#include "util.h"

int
main(int argc, char **argv)
{
	struct buf	 b;
	struct maincf	*cf;
	FILE		*fp;
	char		*cause, *tmp;

	if (argc != 4) {
		fprintf(stderr, "usage: maincf_set FILE NAME VALUE\n");
		return 2;
	}
	buf_init(&b);
	if (file_read(argv[1], 64 * 1024 * 1024, &b, &cause) != 0) {
		fprintf(stderr, "maincf_set: %s\n", cause);
		return 2;
	}
	cf = maincf_parse(b.data, b.len);
	if (maincf_set(cf, argv[2], argv[3], &cause) != 0) {
		fprintf(stderr, "maincf_set: %s\n", cause);
		free(cause);
		return 1;
	}
	buf_reset(&b);
	maincf_write(cf, &b);
	maincf_free(cf);
	tmp = xasprintf("%s.tmp", argv[1]);
	if ((fp = fopen(tmp, "wb")) == NULL ||
	    fwrite(b.data, 1, b.len, fp) != b.len || fclose(fp) != 0 ||
	    rename(tmp, argv[1]) != 0) {
		perror(tmp);
		return 2;
	}
	free(tmp);
	buf_free(&b);
	return 0;
}
