/* problem.c: load an ICPC/Kattis problem package (see problem.h): the
 * entry points and the order of loading.
 *
 * MUST rules, for a package that may be hostile (every problem_*.c keeps
 * them):
 * - every path in the package is opened with p_open, beneath the package
 *   directory's fd (openat2 RESOLVE_BENEATH), never by a joined string;
 * - every directory entry's name passes p_name_ok before anything else;
 * - only regular files and directories are used, and a symbolic link to a
 *   directory is refused (no loops);
 * - every count has a cap (problem.h), every copy checks its size, and every
 *   message is made printable ASCII before it leaves (p_fail, p_warn);
 * - nothing asserts on the package: each fault is an error with its path.
 * Where a rule comes from: [L] the legacy spec, [D] the 2023-07-draft spec,
 * [PT] problemtools (the reference implementation) where the specs are
 * silent, [JB] judgebox's own choice.
 *
 * The loader's files (problem_int.h declares what they share), each
 * calling only files below it in this list:
 *   problem.c            this: problem_load, problem_free
 *   problem_data.c       data/: the groups and test cases, in judging order
 *   problem_meta.c       problem.yaml, and the time limit
 *   problem_validator.c  the output validator: its program and sources
 *   problem_groups.c     a test group's testdata.yaml or test_group.yaml
 *   problem_req.c        requirement ids [JB]
 *   problem_yaml.c       reading one YAML file: caps, typed values
 *   problem_fs.c         opening files and listing directories beneath the
 *                        package (p_open, p_list)
 *   problem_err.c        the error (p_fail) and the warnings (p_warn)
 *   problem_str.c        strings, names, numbers, growing arrays
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "problem_int.h"

/* The id: [a-z0-9][a-z0-9_-]{0,63} (PROTOCOL.md 14.2). */
static int s_set_id(p_ctx *c, const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n > 64 || !(islower((unsigned char)*id) || isdigit((unsigned char)*id)) ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return p_fail(c, "problem id", "must match [a-z0-9][a-z0-9_-]{0,63}");
	memcpy(c->p->id, id, n + 1);
	return 0;
}

/* The package directory: opened once; every path is resolved beneath it. */
static int s_open_pkg(p_ctx *c, const char *dir)
{
	problem *p = c->p;
	size_t n = dir ? strlen(dir) : 0;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof p->dir - 64)
		return p_fail(c, "package", "directory name empty or too long");
	memcpy(p->dir, dir, n);
	p->dir[n] = 0;
	if ((c->pkg = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return p_fail(c, p->dir, "%s", strerror(errno));
	return 0;
}

/* Everything, in order. */
static int s_load(p_ctx *c, const char *pkgdir, const char *id)
{
	if (s_set_id(c, id) < 0 || s_open_pkg(c, pkgdir) < 0)
		return -1;
	p_defaults(c);
	if (p_problem_yaml(c) < 0 || p_time_limit(c) < 0)
		return -1;
	if ((c->v2 ? p_validator_v2(c) : p_validator_legacy(c)) < 0)
		return -1;
	if (c->p->testlib && !c->p->custom_validation)
		return p_fail(c, "problem.yaml", "checker_style: testlib, but no output validator is used");
	if (p_data(c) < 0)
		return -1;
	p_score_warnings(c);
	return 0;
}

int problem_load(const char *pkgdir, const char *id, problem *p, char *err, size_t errlen)
{
	p_ctx c = { .p = p, .pkg = -1, .err = err, .errlen = errlen };
	int rc;

	memset(p, 0, sizeof *p);
	if (err && errlen)
		err[0] = 0;
	rc = s_load(&c, pkgdir, id);
	if (c.pkg >= 0)
		close(c.pkg);
	if (rc < 0)
		problem_free(p);
	return rc < 0 ? -1 : 0;
}

void problem_free(problem *p)
{
	if (!p)
		return;
	free(p->groups);
	free(p->tests);
	free(p->vsrc);
	free(p->interactions);
	p->groups = NULL, p->tests = NULL, p->vsrc = NULL, p->interactions = NULL;
	p->ngroups = p->ntests = p->nvsrc = p->ninteractions = 0;
}
