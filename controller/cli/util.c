/* util.c: the small utilities of judgebox(1): the clock, usage errors,
 * numbers and files from the command line. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

/* Milliseconds of the monotonic clock. */
int64_t cli_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A usage error: message, hint, RC_USAGE. */
int cli_usage(const char *what, const char *arg)
{
	fprintf(stderr, "judgebox: %s%s%s\nTry 'judgebox --help'.\n", what,
		arg ? ": " : "", arg ? arg : "");
	return RC_USAGE;
}

/* Parse a decimal in [min, max]; false if it is not one. */
bool cli_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return false;
	*v = n;
	return true;
}

/* Read a whole file ("-" is standard input) into a new buffer. */
int cli_slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 0, n = 0;
	char *p = NULL, *q = NULL;
	if (!f) {
		fprintf(stderr, "judgebox: %s: %s\n", path, strerror(errno));
		return RC_USAGE;
	}
	while (n == cap && cap <= MAX_FILE_BYTES) {
		cap = cap ? cap * 2 : 65536;
		if (cap > MAX_FILE_BYTES + 1)
			cap = MAX_FILE_BYTES + 1;
		if (!(q = realloc(p, cap)))
			break;
		p = q;
		n += fread(p + n, 1, cap - n, f);
	}
	int err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (!q || err || n > MAX_FILE_BYTES) {
		fprintf(stderr, "judgebox: %s: %s\n", path, !q ? "out of memory" :
			err ? "read error" : "too large (over 64 MiB)");
		free(p);
		return !q ? RC_INTERNAL : RC_USAGE;
	}
	*buf = p;
	*len = n;
	return RC_OK;
}

/* The last component of a path. */
const char *cli_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}
