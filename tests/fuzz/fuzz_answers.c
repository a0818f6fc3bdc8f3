/*
 * fuzz_answers.c: libFuzzer harness for the answers loader (core/answers.c
 * over libconfig).
 *
 * Any input, written to a memfd and read back by its /proc path:
 * answers_load() and answers_validate() never crash or leak, and fail
 * with a message or succeed without one.  When the answers load and
 * validate, answers_save() writes a file that loads and validates to the
 * same answers (the wizard saves what apply reads).
 *
 *   clang -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE \
 *	-Icore core/*.c tests/fuzz/fuzz_answers.c \
 *	-lssl -lcrypto -lconfig -lpthread
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "answers.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	*savepath;	/* a file in a private tmpfs directory */
static char	 savedir[] = "/dev/shm/mxpin-fuzz-answers.XXXXXX";

static void
remove_savedir(void)
{
	unlink(savepath);
	rmdir(savedir);
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
same_list(const struct strlist *a, const struct strlist *b, size_t n)
{
	size_t	i;

	if (a->n < n || b->n < n)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(strlist_get(a, i), strlist_get(b, i)) != 0)
			return 0;
	return 1;
}

/* Writes the input to a memfd; returns its fd (path in *pathp) or -1. */
static int
input_file(const uint8_t *data, size_t size, char **pathp)
{
	size_t	done = 0;
	ssize_t	n;
	int	fd;

	if ((fd = memfd_create("answers", MFD_CLOEXEC)) == -1)
		return -1;
	while (done < size) {
		if ((n = write(fd, data + done, size - done)) <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	*pathp = xasprintf("/proc/self/fd/%d", fd);
	return fd;
}

/* A saved copy of a must load and validate to the same answers. */
static void
round_trip(const struct answers *a)
{
	struct answers	 b;
	char		*cause = NULL;
	size_t		 nd;
	int		 code;

	if (savepath == NULL) {
		if (mkdtemp(savedir) == NULL)
			abort();
		savepath = xasprintf("%s/a.cfg", savedir);
		atexit(remove_savedir);
	}
	if (answers_save(a, savepath, &cause) == -1)
		abort();
	answers_init(&b);
	if (answers_load(savepath, &b, &code, &cause) == -1) {
		fprintf(stderr, "saved answers do not load: %s\n", cause);
		abort();
	}
	if (answers_validate(&b, &nd, &cause) == -1) {
		fprintf(stderr, "saved answers do not validate: %s\n", cause);
		abort();
	}
	if (!same_str(a->domain, b.domain) ||
	    !same_str(a->relay_host, b.relay_host) ||
	    answers_port(a) != answers_port(&b) ||
	    !same_str(a->recipients_file, b.recipients_file) ||
	    !same_str(a->certificate, b.certificate) ||
	    !same_str(a->digest, b.digest) || a->pin != b.pin ||
	    a->keep_previous != b.keep_previous ||
	    a->fingerprints.n != b.fingerprints.n ||
	    !same_list(&a->fingerprints, &b.fingerprints, a->fingerprints.n) ||
	    a->n_inline != b.n_inline ||
	    !same_list(&a->recipients, &b.recipients, a->n_inline) ||
	    (a->recipients_file == NULL && a->recipients.n != b.recipients.n)) {
		fprintf(stderr, "saved answers differ\n");
		abort();
	}
	answers_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answers	 a;
	char		*path = NULL, *cause = NULL;
	size_t		 ndupes;
	int		 fd, code = 0, r;

	if ((fd = input_file(data, size, &path)) == -1)
		return 0;
	answers_init(&a);
	r = answers_load(path, &a, &code, &cause);
	if ((r == -1) != (cause != NULL) || (r == -1 && code == 0))
		abort();
	if (r == 0) {
		r = answers_validate(&a, &ndupes, &cause);
		if ((r == -1) != (cause != NULL))
			abort();
		if (r == 0)
			round_trip(&a);
	}
	free(cause);
	answers_free(&a);
	close(fd);
	free(path);
	return 0;
}
