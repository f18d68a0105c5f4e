/* tmpdir.h: a C test's temporary directory, made from a mkdtemp template
 * and removed with what it holds however the test ends (exit(2) and
 * failed assertions included). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static const char *tmpdir_dir;

static int tmpdir_rm(const char *p, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb, (void)type, (void)f;
	return remove(p);
}

static void tmpdir_remove(void)
{
	if (tmpdir_dir && nftw(tmpdir_dir, tmpdir_rm, 8, FTW_DEPTH | FTW_PHYS))
		fprintf(stderr, "cannot remove %s\n", tmpdir_dir);
}

/* mkdtemp(templ) and its removal at exit; exits 2 if it cannot be made. */
static inline void tmpdir_make(char *templ)
{
	if (!mkdtemp(templ))
		perror("mkdtemp"), exit(2);
	tmpdir_dir = templ;
	atexit(tmpdir_remove);
}
