/* problem_validator.c: the output validator: where the package keeps it
 * (legacy output_validators/, 2023-07 output_validator/ and its variants),
 * the files of the program, and the language it is built in.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "problem_int.h"

#define MAX_VSRC_DEPTH 8	/* [JB] directories inside the validator */

/* Source languages by extension (judgebox's languages.d ids) [L][D]. */
static const struct {
	const char *ext, *lang;
} s_langs[] = {
	{ ".c", "c" }, { ".cc", "cpp" }, { ".cpp", "cpp" }, { ".cxx", "cpp" },
	{ ".C", "cpp" }, { ".py", "python3" }, { ".py3", "python3" },
	{ ".py2", "python2" }, { ".java", "java" }, { ".kt", "kotlin" },
	{ ".go", "go" }, { ".rs", "rust" }, { ".cs", "csharp" },
	{ ".js", "javascript" }, { ".ts", "typescript" }, { ".pas", "pascal" },
	{ ".pp", "pascal" }, { ".hs", "haskell" }, { ".rb", "ruby" },
	{ ".php", "php" }, { ".h", "header" }, { ".hh", "header" },
	{ ".hpp", "header" }, { ".hxx", "header" }, { ".sh", "sh" },
};

/* The language of file name by its extension; "script" for build and run. */
static const char *s_src_lang(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (!strcmp(name, "build") || !strcmp(name, "run"))
		return "script";
	for (size_t i = 0; dot && i < sizeof s_langs / sizeof *s_langs; i++)
		if (!strcmp(dot, s_langs[i].ext))
			return s_langs[i].lang;
	return "";
}

/* [L] a .py file is Python 2 when its first line matches ^#!.*python2. */
static bool s_python2(p_ctx *c, const char *rel)
{
	char head[128] = "";
	ssize_t k;
	int fd = p_open(c, rel, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return false;
	k = read(fd, head, sizeof head - 1);
	close(fd);
	head[k > 0 ? k : 0] = 0;
	head[strcspn(head, "\n")] = 0;
	return !strncmp(head, "#!", 2) && strstr(head, "python2");
}

/* Record validator source file rel as path (relative to the program). */
static int s_src_add(p_ctx *c, const char *rel, const char *path)
{
	problem *p = c->p;
	prob_src *a;

	if (p->nvsrc >= PROB_MAX_VSRC)
		return p_fail(c, rel, "more than %d files in the output validator", PROB_MAX_VSRC);
	if (!(a = p_grow(p->vsrc, (size_t)p->nvsrc, &c->vcap, sizeof *a)))
		return p_fail(c, rel, "out of memory");
	p->vsrc = a;
	a += p->nvsrc++;
	if (p_copy(a->path, sizeof a->path, path) < 0)
		return p_fail(c, rel, "path too long");
	p_copy(a->lang, sizeof a->lang, s_src_lang(path));
	if (!c->v2 && !strcmp(a->lang, "python3") && s_python2(c, rel))
		p_copy(a->lang, sizeof a->lang, "python2");
	return 0;
}

/* The files of validator directory base (sub: where in it), recursively. */
static int s_src_walk(p_ctx *c, const char *base, const char *sub, int depth)
{
	char dir[1024], rel[1024], path[1024];
	size_t n;
	p_ent *e;
	int rc = 0;

	if (depth > MAX_VSRC_DEPTH)
		return p_fail(c, base, "directories nested deeper than %d levels", MAX_VSRC_DEPTH);
	if (p_join(dir, sizeof dir, base, sub) < 0 || p_list(c, dir, &e, &n) < 0)
		return p_fail(c, base, "path too long");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (p_join(path, sizeof path, sub, e[i].name) < 0 ||
		    p_join(rel, sizeof rel, base, path) < 0)
			rc = p_fail(c, dir, "path too long");
		else if (e[i].dir)
			rc = s_src_walk(c, base, path, depth + 1);
		else
			rc = s_src_add(c, rel, path);
	}
	free(e);
	return rc;
}

/* True when sources in languages a and b make one program (C with C++ is C++). */
static bool s_lang_fits(const char *a, const char *b)
{
	return !strcmp(a, b) || (!strcmp(a, "c") && !strcmp(b, "cpp")) ||
	       (!strcmp(a, "cpp") && !strcmp(b, "c"));
}

/* The program's language: "script" with build or run [L][D], else the one
 * language of its sources [JB]. */
static int s_prog_lang(p_ctx *c, const char *rel)
{
	static const char *const not_prog[] = { "", "header", "sh", NULL };
	problem *p = c->p;
	const char *lang = NULL;

	for (int i = 0; i < p->nvsrc; i++)
		if (!strcmp(p->vsrc[i].lang, "script"))
			return p_copy(p->validator_lang, sizeof p->validator_lang, "script");
	for (int i = 0; i < p->nvsrc; i++) {
		const char *l = p->vsrc[i].lang;

		if (p_in(l, not_prog))
			continue;
		if (lang && !s_lang_fits(lang, l))
			return p_fail(c, rel, "sources in both %s and %s: which language?", lang, l);
		if (!lang || !strcmp(l, "cpp"))
			lang = l;
	}
	if (!lang)
		return p_fail(c, rel, "no source file in a known language");
	return p_copy(p->validator_lang, sizeof p->validator_lang, lang);
}

/* [L][D] the recipes (languages.d) build from the files at the top of the
 * program's directory: one of its language (or build/run) must be there. */
static int s_top_source(p_ctx *c, const char *rel)
{
	problem *p = c->p;
	const char *nested = NULL;

	for (int i = 0; i < p->nvsrc; i++) {
		if (strcmp(p->vsrc[i].lang, p->validator_lang))
			continue;
		if (!strchr(p->vsrc[i].path, '/'))
			return 0;
		nested = nested ? nested : p->vsrc[i].path;
	}
	char path[1100];

	snprintf(path, sizeof path, "%s/%s", rel, nested ? nested : "");
	return p_fail(c, path, "not at the top of %s, where the %s recipe builds the "
		      "validator from", rel, p->validator_lang);
}

/* The output validator program at rel: a file, or a directory of files. */
static int s_program(p_ctx *c, const char *rel)
{
	problem *p = c->p;
	const char *base = strrchr(rel, '/');
	struct stat st;
	int rc = p_stat(c, rel, &st);

	if (rc <= 0)
		return rc < 0 ? -1 : p_fail(c, rel, "missing");
	if (p_full(c, rel, p->validator_path, sizeof p->validator_path) < 0)
		return -1;
	p->custom_validation = true;
	if (S_ISDIR(st.st_mode))
		rc = s_src_walk(c, rel, "", 0);
	else
		rc = S_ISREG(st.st_mode) ? s_src_add(c, rel, base ? base + 1 : rel)
					 : p_fail(c, rel, "not a regular file or directory");
	if (rc < 0 || s_prog_lang(c, rel) < 0)
		return -1;
	return S_ISDIR(st.st_mode) ? s_top_source(c, rel) : 0;
}

/* The one program in directory dir: 1 with its path in rel, 0 when dir is
 * missing or empty, -1 when there are several. Each entry is a program, a
 * file or a directory [L][D] (problemtools' find_programs); with whole
 * (2023-07 output_validator/), entries that are all files are one program,
 * dir itself (DOMjudge's reading, the later drafts' layout). */
static int s_one_program(p_ctx *c, const char *dir, bool whole, char *rel, size_t size)
{
	struct stat st;
	size_t n = 0, ndirs = 0;
	p_ent *e = NULL;
	int rc = p_stat(c, dir, &st);

	if (rc <= 0)
		return rc;
	if (!S_ISDIR(st.st_mode))
		return p_fail(c, dir, "not a directory");
	if (p_list(c, dir, &e, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		ndirs += e[i].dir;
	rc = n == 0 ? 0 : 1;
	if (n > 1 && whole && ndirs == 0)
		rc = p_copy(rel, size, dir) < 0 ? p_fail(c, dir, "path too long") : 1;
	else if (n > 1)
		rc = p_fail(c, dir, "%zu output validators: judgebox runs exactly one", n);
	else if (rc > 0 && p_join(rel, size, dir, e[0].name) < 0)
		rc = p_fail(c, dir, "path too long");
	free(e);
	return rc;
}

/* [L] output_validators/ holds one program, used when validation is custom
 * (several are allowed by the spec; judgebox runs one [JB]). */
int p_validator_legacy(p_ctx *c)
{
	struct stat st;
	char rel[600];
	int rc;

	if (!c->p->custom_validation) {
		if ((rc = p_stat(c, "output_validators", &st)) > 0)
			p_warn(c, "output_validators", "ignored: validation is default");
		return rc < 0 ? -1 : 0;
	}
	if ((rc = s_one_program(c, "output_validators", false, rel, sizeof rel)) < 0)
		return -1;
	if (rc == 0)
		return p_fail(c, "output_validators", "validation is custom, but there is no "
			      "output validator");
	return s_program(c, rel);
}

/* [D] output_validator/ (its one entry, file or directory, or itself when
 * it holds only files), or [JB] output_validator.<ext>, or the earlier
 * drafts' output_validators/: 1 with rel set, 0 when there is none. */
static int s_find_v2(p_ctx *c, char *rel, size_t size)
{
	struct stat st;
	int rc = p_stat(c, "output_validator", &st);

	if (rc != 0) {
		rc = rc < 0 ? -1 : s_one_program(c, "output_validator", true, rel, size);
		return rc == 0 ? p_fail(c, "output_validator", "empty") : rc;
	}
	for (size_t i = 0; i < sizeof s_langs / sizeof *s_langs; i++) {
		snprintf(rel, size, "output_validator%s", s_langs[i].ext);
		if (strcmp(s_langs[i].lang, "header") && (rc = p_stat(c, rel, &st)) != 0)
			return rc < 0 ? -1 : 1;
	}
	if ((rc = s_one_program(c, "output_validators", false, rel, size)) > 0)
		p_warn(c, "output_validators", "the legacy name (2023-07-draft: "
		       "output_validator/)");
	return rc;
}

/* [D] the output validator, required by interactive and multi-pass problems. */
int p_validator_v2(p_ctx *c)
{
	problem *p = c->p;
	char rel[600];
	int rc = s_find_v2(c, rel, sizeof rel);

	if (rc < 0 || (rc > 0 && s_program(c, rel) < 0))
		return -1;
	if (rc == 0 && (p->interactive || p->multipass))
		return p_fail(c, "output_validator", "missing: %s problems need one",
			      p->interactive ? "interactive" : "multi-pass");
	return 0;
}
