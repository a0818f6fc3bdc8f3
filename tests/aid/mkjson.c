/*
 * mkjson: test aid.  Reads stdin and writes one JSON document to stdout:
 * {"s": STDIN-AS-STRING, "n": [...numbers...], "nest": [[{"k": ...}]],
 * "t": true, "f": false, "z": null}.  Exit 1 if json_finish() fails.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "util.h"

int
main(void)
{
	struct buf	in, out;
	struct json	j;
	char		chunk[65536];
	size_t		n;
	int		i, r;

	buf_init(&in);
	buf_init(&out);
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_add(&in, chunk, n);
	json_init(&j, &out);
	json_object_begin(&j);
	json_key(&j, "s");
	json_stringn(&j, in.data == NULL ? "" : in.data, in.len);
	json_key(&j, "n");
	json_array_begin(&j);
	json_int(&j, INTMAX_MIN);
	json_uint(&j, UINTMAX_MAX);
	json_double(&j, 0.1);
	json_double(&j, -1e300);
	json_double(&j, INFINITY);
	json_array_end(&j);
	json_key(&j, "nest");
	json_array_begin(&j);
	for (i = 0; i < 40; i++)
		json_array_begin(&j);
	json_object_begin(&j);
	json_key(&j, "k\"\x01\xff");
	json_array_begin(&j);
	json_array_end(&j);
	json_object_end(&j);
	for (i = 0; i < 40; i++)
		json_array_end(&j);
	json_array_end(&j);
	json_key(&j, "t");
	json_bool(&j, 1);
	json_key(&j, "f");
	json_bool(&j, 0);
	json_key(&j, "z");
	json_null(&j);
	json_object_end(&j);
	r = json_finish(&j);
	fwrite(out.data, 1, out.len, stdout);
	putchar('\n');
	buf_free(&in);
	buf_free(&out);
	return r == 0 ? 0 : 1;
}
