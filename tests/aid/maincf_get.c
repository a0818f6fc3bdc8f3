/*
 * maincf_get: test aid for tests/integration/maincf_postconf.sh.
 *
 *   maincf_get FILE NAME...	"NAME = VALUE" for each NAME that FILE
 *				defines, in the format of postconf -n
 *				("NAME =" for an empty value)
 *   maincf_get -h FILE NAME	the value alone, as postconf -nh NAME;
 *				exit 1 when NAME is not defined
 *   maincf_get -l FILE NAME	the line number of NAME's last definition
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maincf.h"
#include "util.h"

static struct maincf *
load(const char *path)
{
	struct buf	 b;
	struct maincf	*cf;
	char		*cause;

	buf_init(&b);
	if (file_read(path, 64 * 1024 * 1024, &b, &cause) != 0) {
		fprintf(stderr, "maincf_get: %s\n", cause);
		exit(2);
	}
	cf = maincf_parse(b.data, b.len);
	buf_free(&b);
	return cf;
}

int
main(int argc, char **argv)
{
	struct maincf	*cf;
	char		*v;
	int		 i, st = 0;

	if (argc == 4 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "-l") == 0)) {
		cf = load(argv[2]);
		if (argv[1][1] == 'l')
			printf("%zu\n", maincf_line(cf, argv[3]));
		else if ((v = maincf_get(cf, argv[3])) != NULL) {
			printf("%s\n", v);
			free(v);
		} else
			st = 1;
		maincf_free(cf);
		return st;
	}
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: maincf_get FILE NAME... | "
		    "-h|-l FILE NAME\n");
		return 2;
	}
	cf = load(argv[1]);
	for (i = 2; i < argc; i++) {
		if ((v = maincf_get(cf, argv[i])) == NULL)
			continue;
		printf("%s =%s%s\n", argv[i], *v == '\0' ? "" : " ", v);
		free(v);
	}
	maincf_free(cf);
	return 0;
}
