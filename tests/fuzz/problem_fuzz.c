/* problem_fuzz: the problem package loader (controller/problem*.c) on
 * fuzzed problem.yaml and testdata.yaml. The input is problem.yaml, then
 * optionally a line "#--testdata.yaml--" and data/secret/testdata.yaml.
 * Each run builds a package in a fresh directory, with a fixed data/
 * tree (one sample, two secret cases), loads it, frees it twice (as
 * problem_free allows) and removes the directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../controller/problem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SEP[] = "\n#--testdata.yaml--\n";

static void s_write(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0 ||
	    (n && write(fd, p, n) != (ssize_t)n) || close(fd))
		perror(path), abort();
}

static void s_mkdir(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (mkdir(path, 0755))
		perror(path), abort();
}

static int s_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/problem_fuzz.XXXXXX", err[512];
	const char *sep = memmem(data, size, SEP, sizeof SEP - 1);
	size_t pn = sep ? (size_t)(sep - (const char *)data) : size;
	problem p;

	if (!mkdtemp(dir))
		perror("mkdtemp"), abort();
	s_write(dir, "problem.yaml", data, pn);
	s_mkdir(dir, "data");
	s_mkdir(dir, "data/sample");
	s_mkdir(dir, "data/secret");
	s_write(dir, "data/sample/1.in", "1 2\n", 4);
	s_write(dir, "data/sample/1.ans", "3\n", 2);
	s_write(dir, "data/secret/a.in", "2 2\n", 4);
	s_write(dir, "data/secret/a.ans", "4\n", 2);
	s_write(dir, "data/secret/b.in", "0 0\n", 4);
	s_write(dir, "data/secret/b.ans", "0\n", 2);
	if (sep)
		s_write(dir, "data/secret/testdata.yaml", sep + sizeof SEP - 1, size - pn - (sizeof SEP - 1));
	memset(&p, 0, sizeof p);
	err[0] = '\0';
	if (problem_load(dir, "fuzz", &p, err, sizeof err) < 0 && (!err[0] || !memchr(err, '\0', sizeof err)))
		abort();	/* a refusal says why */
	problem_free(&p);
	problem_free(&p);
	if (nftw(dir, s_rm, 8, FTW_DEPTH | FTW_PHYS))
		perror(dir), abort();
	return 0;
}
