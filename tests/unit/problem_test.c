/* problem_test: controller/problem.c, the problem package loader. Loads the
 * packages in tests/problems (argv[1]) and checks every field, the order of
 * tests and groups, testdata.yaml inheritance; then refuses each broken
 * package, there and built at run time in a temporary directory (FIFOs,
 * escaping links, caps, hostile YAML), also as if the kernel had no openat2. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../controller/problem.h"
#include "../lib/tap.h"

#define PLAN 262

static const char *fix;		/* tests/problems */
static char tmp[64];		/* this run's packages */
static char err[512];
static bool no_openat2;		/* syscall() below: as if there were none */

/* problem.c calls openat2 through syscall(2), the only call of it here:
 * this one can say ENOSYS, as an old kernel or a seccomp filter would. */
long syscall(long n, ...)
{
	static long (*real)(long, ...);
	va_list ap;
	int dirfd;
	const char *path;
	void *how;
	size_t size;

	if (n != SYS_openat2) {
		errno = ENOSYS;
		return -1;
	}
	va_start(ap, n);
	dirfd = va_arg(ap, int);
	path = va_arg(ap, const char *);
	how = va_arg(ap, void *);
	size = va_arg(ap, size_t);
	va_end(ap);
	if (no_openat2) {
		errno = ENOSYS;
		return -1;
	}
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "syscall");
	return real(n, dirfd, path, how, size);
}

/* ---- Helpers ---------------------------------------------------------- */

/* True when this kernel (or valgrind: 3.19 lacks it) has openat2. */
static bool have_openat2(void)
{
	struct open_how how = { .flags = O_PATH };
	long fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);

	if (fd >= 0)
		close((int)fd);
	return fd >= 0;
}

/* n assertions skipped, for why. */
static void skip(int n, const char *why)
{
	while (n-- > 0)
		ok(1, "# SKIP %s", why);
}

/* One assertion: two strings are equal. */
static void is_str(const char *got, const char *want, const char *what)
{
	if (!ok(!strcmp(got, want), "%s is \"%s\"", what, want))
		diag("got \"%s\"", got);
}

/* One assertion: two numbers are equal (NaN equals NaN). */
static void is_num(double got, double want, const char *what)
{
	if (!ok(got == want || (isnan(got) && isnan(want)), "%s is %g", what, want))
		diag("got %g", got);
}

/* True when s ends with suffix. */
static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* The path of fixture name, or of run-time package name. */
static const char *fixture(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof buf, "%s/%s", fix, name);
	return buf;
}

static const char *pkg(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof buf, "%s/%s", tmp, name);
	return buf;
}

/* mkdir -p of path's parent directories. */
static void mkparents(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *s = buf + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(buf, 0755);
		*s = '/';
	}
}

/* Write file rel of run-time package name (parents made). */
static void put(const char *name, const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", pkg(name), rel);
	mkparents(path);
	if (!(f = fopen(path, "w")))
		diag("cannot write %s", path);
	else
		fputs(text, f), fclose(f);
}

/* A minimal legacy package name with one secret test and problem.yaml text. */
static void base(const char *name, const char *yaml)
{
	put(name, "problem.yaml", yaml);
	put(name, "data/secret/1.in", "1\n");
	put(name, "data/secret/1.ans", "1\n");
}

/* A minimal 2023-07-draft package, with yaml after the version line. */
static void base_v2(const char *name, const char *yaml)
{
	char text[4096];

	snprintf(text, sizeof text, "problem_format_version: 2023-07-draft\nname: T\n%s", yaml);
	base(name, text);
}

/* Make path (in package name) a symbolic link to target. */
static void link_to(const char *name, const char *rel, const char *target)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/%s", pkg(name), rel);
	mkparents(path);
	if (symlink(target, path) < 0)
		diag("symlink %s: %s", path, strerror(errno));
}

/* Load dir: problem_load's return; the problem in *p (freed by the caller). */
static int load(const char *dir, problem *p)
{
	err[0] = 0;
	return problem_load(dir, "t", p, err, sizeof err);
}

/* One assertion: dir loads. */
static void loads(const char *dir, problem *p, const char *what)
{
	if (!ok(load(dir, p) == 0, "loads: %s", what))
		diag("error: %s", err);
}

/* Load fixture dir, or bail out: the checks after it need it. */
static void need(const char *dir, problem *p, const char *what)
{
	loads(dir, p, what);
	if (p->ngroups < 3) {
		printf("Bail out! %s did not load\n", what);
		exit(1);
	}
}

/* One assertion: dir is refused with an error containing want. */
static void refused(const char *dir, const char *want, const char *what)
{
	problem p;
	int rc = load(dir, &p);

	if (!ok(rc == -1 && strstr(err, want) && !p.tests && !p.groups, "refused: %s", what))
		diag("rc %d, want \"%s\", got \"%s\"", rc, want, err);
	problem_free(&p);
}

/* One assertion: the warnings contain want. */
static void warned(const problem *p, const char *want, const char *what)
{
	if (!ok(strstr(p->warnings, want) != NULL, "warns: %s", what))
		diag("want \"%s\" in:\n%s", want, p->warnings);
}

/* The names of p's tests, space-separated. */
static const char *names_of(const problem *p)
{
	static char buf[4096];

	buf[0] = 0;
	for (int i = 0; i < p->ntests; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? " " : "",
			 p->tests[i].name);
	return buf;
}

/* The paths of p's groups, space-separated ("" shown as /), with parents. */
static const char *group_paths(const problem *p)
{
	static char buf[4096];

	buf[0] = 0;
	for (int i = 0; i < p->ngroups; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s<%d", i ? " " : "",
			 *p->groups[i].path ? p->groups[i].path : "/", p->groups[i].parent);
	return buf;
}

/* The index of the group at path, or -1. */
static int group(const problem *p, const char *path)
{
	for (int i = 0; i < p->ngroups; i++)
		if (!strcmp(p->groups[i].path, path))
			return i;
	return -1;
}

/* The index of the test called name, or -1. */
static int test(const problem *p, const char *name)
{
	for (int i = 0; i < p->ntests; i++)
		if (!strcmp(p->tests[i].name, name))
			return i;
	return -1;
}

/* One assertion: group g's tests are [first, first + n). */
static void span(const problem *p, const char *path, int first, int n)
{
	int g = group(p, path);

	if (!ok(g >= 0 && p->groups[g].first_test == first && p->groups[g].ntests == n,
		"group \"%s\" spans tests [%d, +%d)", path, first, n) && g >= 0)
		diag("got [%d, +%d)", p->groups[g].first_test, p->groups[g].ntests);
}

/* ---- The good packages ------------------------------------------------ */

/* legacy-pf: problem.yaml, .timelimit, samples and secret, order, a .req. */
static void test_legacy_pf(void)
{
	char want[1024];
	problem p;
	int t;

	need(fixture("legacy-pf"), &p, "legacy-pf");
	is_str(p.id, "t", "id");
	is_str(p.dir, fixture("legacy-pf"), "dir");
	ok(p.format == PROB_LEGACY, "format is legacy");
	is_str(p.name, "Hello Legacy", "name");
	ok(!p.interactive && !p.scoring && !p.multipass && !p.custom_validation && !p.validator_score,
	   "pass-fail, default validation");
	is_num(p.time_limit_s, 2.5, "time limit from .timelimit");
	is_str(p.time_limit_from, ".timelimit", "time_limit_from");
	ok(p.memory_mb == 512 && p.output_mb == 16, "limits.memory 512, output 16");
	is_num(p.time_multiplier, 3, "limits.time_multiplier");
	is_num(p.time_safety_margin, 1.5, "limits.time_safety_margin");
	ok(p.code_kb == 128 && p.compilation_time_s == 60 && p.compilation_memory_mb == 2048 &&
	   p.validation_time_s == 60 && p.validation_memory_mb == 2048 && p.validation_output_mb == 8,
	   "the other limits take the spec's typical defaults");
	is_str(p.validator_flags, "float_tolerance 1e-6", "validator_flags");
	ok(!*p.validator_path && !*p.validator_lang && p.nvsrc == 0, "no output validator");
	is_str(group_paths(&p), "/<-1 sample<0 secret<0", "groups and parents");
	is_str(names_of(&p),
	       "sample/1 sample/2 secret/01-small secret/02-big secret/10 secret/a secret/a-b",
	       "tests in order of base name (a before a-b, though a-b.in sorts first)");
	span(&p, "", 0, 7);
	span(&p, "sample", 0, 2);
	span(&p, "secret", 2, 5);
	t = test(&p, "secret/02-big");
	ok(t >= 0 && !strcmp(p.tests[t].group, "secret") && p.tests[t].gidx == 2 && !p.tests[t].sample,
	   "02-big: group secret, not a sample");
	snprintf(want, sizeof want, "%s/data/secret/02-big.in", fixture("legacy-pf"));
	is_str(t >= 0 ? p.tests[t].in : "", want, "02-big's input path");
	snprintf(want, sizeof want, "%s/data/secret/02-big.ans", fixture("legacy-pf"));
	is_str(t >= 0 ? p.tests[t].ans : "", want, "02-big's answer path");
	ok(t >= 0 && p.tests[t].in_size == 22 && p.tests[t].ans_size == 11, "02-big's sizes");
	is_str(t >= 0 ? p.tests[t].interaction : "x", "", "no interaction");
	is_str(t >= 0 ? p.tests[t].reqs : "", "R-SECRET R-BIG R-EDGE",
	       "requirements: the group's, then 02-big.req's, once each");
	ok(p.tests[0].sample && p.tests[1].sample && !*p.tests[0].reqs,
	   "samples are samples, without requirements");
	is_str(p.groups[2].reqs, "R-SECRET", "secret's requirements");
	snprintf(want, sizeof want, "%s/data/secret/testdata.yaml", fixture("legacy-pf"));
	is_str(p.groups[2].config, want, "secret's config file");
	ok(!*p.groups[0].config && !*p.groups[1].config, "no config file for data/ and sample");
	is_num(p.groups[2].accept_score, 1, "accept_score ignored in a pass-fail problem");
	ok(p.nwarnings == 3, "3 warnings (the .hint is no warning)");
	warned(&p, "problem.yaml:12: unknown key frobnicate: ignored", "unknown key, with its line");
	warned(&p, "data/secret/orphan.ans: no orphan.in", ".ans without .in");
	warned(&p, "data/secret/testdata.yaml: accept_score, reject_score and range are for scoring",
	       "scoring keys in a pass-fail problem");
	problem_free(&p);
	problem_free(&p);
	ok(p.tests == NULL && p.ntests == 0 && p.groups == NULL, "problem_free twice");
}

/* legacy-scoring: nested groups, testdata.yaml inherited key by key. */
static void test_legacy_scoring(void)
{
	const prob_group *g;
	problem p;

	need(fixture("legacy-scoring"), &p, "legacy-scoring");
	ok(p.scoring && !p.minimize && !p.interactive, "scoring, maximise");
	is_num(p.time_limit_s, PROB_DEFAULT_TIME_S, "no time limit: the default");
	is_str(p.time_limit_from, "default", "time_limit_from");
	warned(&p, "no time limit", "the default time limit");
	ok(p.memory_mb == 1024 && p.output_mb == PROB_DEFAULT_OUTPUT_MB, "memory 1024, output default");
	is_str(group_paths(&p), "/<-1 sample<0 secret<0 secret/g1<2 secret/g2<2 secret/g2/deep<4",
	       "groups in pre-order, with parents");
	is_str(names_of(&p), "sample/1 secret/00-basic secret/g1/1 secret/g1/2 secret/g2/a "
	       "secret/g2/deep/1 secret/z-last", "tests and groups interleaved by name");
	span(&p, "secret", 1, 6);
	span(&p, "secret/g1", 2, 2);
	span(&p, "secret/g2", 4, 2);
	span(&p, "secret/g2/deep", 5, 1);
	ok(p.groups[5].depth == 3 && p.groups[3].depth == 2 && p.groups[1].depth == 1, "depths");
	g = &p.groups[0];
	ok(g->ignore_sample && !g->on_reject_break, "data/: ignore_sample, on_reject continue");
	is_str(g->grader_flags, "ignore_sample sum", "data/ grader_flags");
	g = &p.groups[1];
	ok(!g->ignore_sample && !g->on_reject_break, "sample inherits on_reject, not ignore_sample");
	is_str(g->input_validator_flags, "--strict", "sample inherits input_validator_flags");
	is_str(g->output_validator_flags, "", "sample: no output_validator_flags");
	g = &p.groups[2];
	is_str(g->aggregation, "sum", "secret: sum");
	ok(g->range_min == 0 && g->range_max == 100 && g->accept_score == 1 && g->reject_score == 0,
	   "secret: range 0 100, scores default");
	is_str(g->output_validator_flags, "float_tolerance 1e-4", "secret: output_validator_flags");
	g = &p.groups[3];
	is_str(g->aggregation, "min", "g1: min");
	is_str(g->verdict_mode, "first_error", "g1: first_error");
	ok(g->accept_score == 30 && g->range_min == 0 && g->range_max == 30 && g->on_reject_break,
	   "g1: accept 30, range 0 30, on_reject break");
	is_str(g->output_validator_flags, "float_tolerance 1e-4", "g1 inherits secret's flags");
	is_str(g->input_validator_flags, "--strict", "g1 inherits data/'s flags");
	is_str(g->reqs, "R1 R2", "g1: requirements");
	g = &p.groups[4];
	ok(g->accept_score == 70 && g->reject_score == -1 && g->accept_if_any_accepted &&
	   !g->on_reject_break,
	   "g2: accept 70, reject -1, accept_if_any_accepted, on_reject continue (from data/)");
	ok(g->range_min == 0 && g->range_max == 100, "g2: range from secret");
	is_str(g->verdict_mode, "worst_error", "g2: the default verdict mode");
	g = &p.groups[5];
	ok(g->accept_score == 70 && g->reject_score == -1 && g->accept_if_any_accepted &&
	   g->range_max == 100 && !*g->config, "deep (no testdata.yaml) inherits g2");
	is_str(p.tests[test(&p, "secret/g1/2")].reqs, "R1 R2", "g1's tests get g1's requirements");
	is_str(p.tests[test(&p, "secret/g2/deep/1")].reqs, "R3 R1", "deep/1.req");
	is_str(p.tests[test(&p, "secret/00-basic")].output_validator_flags, "float_tolerance 1e-4",
	       "tests carry their group's output flags");
	ok(p.nwarnings == 1, "1 warning");
	problem_free(&p);
}

/* v2023: the 2023-07-draft problem.yaml and test_group.yaml. */
static void test_v2023(void)
{
	const prob_group *g;
	problem p;

	need(fixture("v2023"), &p, "v2023");
	ok(p.format == PROB_2023_07, "format is 2023-07-draft");
	is_str(p.name, "Hello World", "name: the map's \"en\"");
	ok(p.scoring && !p.interactive && !p.multipass && !p.custom_validation, "type [scoring]");
	is_num(p.time_limit_s, 1.5, "limits.time_limit");
	is_str(p.time_limit_from, "problem.yaml", "time_limit_from");
	warned(&p, ".timelimit: ignored", ".timelimit loses to limits.time_limit");
	warned(&p, "unknown key validator_flags", "validator_flags is not a 2023-07 key");
	ok(p.nwarnings == 3, "3 warnings (invalid_input is no warning)");
	warned(&p, "data/secret/g2: no max_score under a bounded group", "a group without max_score: said");
	ok(p.memory_mb == 512, "memory 512");
	is_num(p.ac_to_time_limit, 3, "time_multipliers.ac_to_time_limit");
	is_num(p.time_limit_to_tle, 1.5, "time_limit_to_tle default");
	is_num(p.time_resolution, 1, "time_resolution default");
	is_str(group_paths(&p), "/<-1 sample<0 secret<0 secret/g1<2 secret/g2<2",
	       "groups (not invalid_input)");
	is_str(names_of(&p), "sample/1 secret/g1/1 secret/g1/2 secret/g2/t", "tests");
	g = &p.groups[1];
	ok(g->full_feedback && g->on_reject_break, "sample: full_feedback, break");
	is_str(g->aggregation, "pass-fail", "sample: pass-fail");
	is_str(g->output_validator_flags, "case_sensitive space_change_sensitive",
	       "sample inherits output_validator_args (a list, joined)");
	g = &p.groups[2];
	ok(!g->full_feedback && !g->on_reject_break && g->max_score == 100,
	   "secret: no full_feedback, continue, 100");
	is_str(g->aggregation, "sum", "secret: sum");
	g = &p.groups[3];
	is_str(g->aggregation, "min", "g1: scoring.aggregation min");
	ok(g->max_score == 40 && !g->on_reject_break, "g1: scoring.score 40, continue");
	is_str(g->input_validator_flags, "--small", "g1: input_validator_args");
	is_str(g->reqs, "R-G1", "g1: requirements (a string)");
	is_str(g->output_validator_flags, "case_sensitive space_change_sensitive",
	       "g1 inherits the output flags");
	g = &p.groups[4];
	is_str(g->aggregation, "pass-fail", "g2: pass-fail by default, not inherited");
	ok(isnan(g->max_score) && g->on_reject_break, "g2: score to be inferred, break");
	is_str(p.tests[3].output_validator_flags, "float_tolerance 1e-3",
	       "t.yaml overrides the output flags");
	is_str(p.tests[1].output_validator_flags, "case_sensitive space_change_sensitive",
	       "g1/1: the group's");
	problem_free(&p);
}

/* interactive: legacy custom interactive, output_validators/guess/. */
static void test_interactive(void)
{
	char want[1024];
	problem p;

	need(fixture("interactive"), &p, "interactive");
	ok(p.interactive && p.custom_validation && !p.scoring && !p.validator_score,
	   "custom interactive");
	is_str(p.validator_flags, "--max-queries 30", "validator_flags");
	snprintf(want, sizeof want, "%s/output_validators/guess", fixture("interactive"));
	is_str(p.validator_path, want, "validator_path: the program's directory");
	is_str(p.validator_lang, "cpp", "validator_lang");
	ok(p.nvsrc == 3, "3 validator files");
	if (p.nvsrc == 3) {
		is_str(p.vsrc[0].path, "README", "a file, sorted");
		is_str(p.vsrc[0].lang, "", "of no language");
		is_str(p.vsrc[1].lang, "cpp", "guess.cpp is C++");
		is_str(p.vsrc[2].lang, "header", "validate.h is a header");
	}
	snprintf(want, sizeof want, "%s/data/sample/1.interaction", fixture("interactive"));
	is_str(p.tests[0].interaction, want, "sample 1's .interaction");
	is_str(p.tests[1].interaction, "", "sample 2 has none");
	warned(&p, "data/sample/2.in: no .interaction", "an interactive sample without .interaction");
	snprintf(want, sizeof want, "%s/data/sample/extra.interaction", fixture("interactive"));
	ok(p.ninteractions == 1 && !strcmp(p.interactions[0], want), "a statement-only .interaction");
	is_num(p.time_limit_s, 1, ".timelimit 1");
	ok(p.ntests == 3 && p.nwarnings == 1, "3 tests, 1 warning");
	problem_free(&p);
	ok(p.interactions == NULL && p.vsrc == NULL, "problem_free frees the lists");
}

/* v2023-interactive: 2023-07 output_validator/, a map name without en. */
static void test_v2023_interactive(void)
{
	char want[1024];
	problem p;

	need(fixture("v2023-interactive"), &p, "v2023-interactive");
	is_str(p.name, "Devinette", "name: the map's first, without en");
	ok(p.interactive && !p.scoring && p.custom_validation, "type [pass-fail, interactive]");
	snprintf(want, sizeof want, "%s/output_validator", fixture("v2023-interactive"));
	is_str(p.validator_path, want, "validator_path");
	is_str(p.validator_lang, "python3", "validator_lang");
	ok(p.nvsrc == 2 && !strcmp(p.vsrc[1].path, "validator.py"), "2 validator files");
	is_str(p.groups[2].aggregation, "pass-fail", "secret of a pass-fail problem: pass-fail");
	ok(isnan(p.groups[2].max_score), "and no score");
	ok(p.ntests == 2 && *p.tests[0].interaction && p.ninteractions == 0,
	   "2 tests, a sample .interaction");
	ok(p.nwarnings == 1 && strstr(p.warnings, "no time limit"), "1 warning: no time limit");
	problem_free(&p);
}

/* The broken fixtures. */
static void test_broken_fixtures(void)
{
	refused(fixture("broken/missing-ans"), "data/secret/1.in: no 1.ans", ".in without .ans");
	refused(fixture("broken/symlink-escape"),
		have_openat2() ? "data/secret/1.in: a symbolic link leads out of the package"
		: "data/secret/1.in: symbolic link not followed", "a relative link out of the package");
	refused(fixture("broken/bad-name"), "data/secret: bad name \"-rf.ans\"",
		"a name starting with '-'");
	refused(fixture("broken/malformed-yaml"), "problem.yaml:2:7: did not find expected ',' or ']'",
		"malformed YAML, with line and column");
	refused(fixture("nonexistent"), "No such file or directory", "no package directory");
}

/* ---- Built at run time ------------------------------------------------ */

/* Links: inside the package followed, out of it or to a directory not. */
static void test_links(void)
{
	problem p;

	base("inlink", "name: T\n");
	put("inlink", "data/sample/1.ans", "12345\n");
	put("inlink", "data/sample/1.in", "1\n");
	link_to("inlink", "data/secret/2.in", "../sample/1.in");
	link_to("inlink", "data/secret/2.ans", "../sample/1.ans");
	if (!have_openat2()) {
		skip(7, "no openat2 here: links are never followed (checked below)");
		goto fallback;
	}
	loads(pkg("inlink"), &p, "links inside the package");
	ok(p.ntests == 3 && p.tests[p.ntests - 1].ans_size == 6,
	   "a linked answer has its target's size");
	problem_free(&p);
	base("abslink", "name: T\n");
	link_to("abslink", "data/secret/2.in", "/etc/passwd");
	put("abslink", "data/secret/2.ans", "1\n");
	refused(pkg("abslink"), "data/secret/2.in: a symbolic link leads out of the package",
		"an absolute link");
	base("dirlink", "name: T\n");
	put("dirlink", "data/sample/1.in", "1\n");
	put("dirlink", "data/sample/1.ans", "1\n");
	link_to("dirlink", "data/secret/g", "../sample");
	refused(pkg("dirlink"), "data/secret/g: symbolic link to a directory", "a link to a directory");
	base("loop", "name: T\n");
	link_to("loop", "data/secret/a.in", "b.in");
	link_to("loop", "data/secret/b.in", "a.in");
	refused(pkg("loop"), "data/secret/a.in: symbolic link not followed (a loop", "a link loop");
	base("dangling", "name: T\n");
	link_to("dangling", "data/secret/2.in", "nowhere.in");
	refused(pkg("dangling"), "data/secret/2.in: dangling symbolic link", "a dangling link");
	put("pylink", "data/secret/1.in", "1\n");
	put("pylink", "data/secret/1.ans", "1\n");
	link_to("pylink", "problem.yaml", "../inlink/problem.yaml");
	refused(pkg("pylink"), "problem.yaml: a symbolic link leads out", "problem.yaml linked out");
fallback:
	no_openat2 = true;
	loads(fixture("legacy-pf"), &p, "without openat2: a package without links");
	ok(p.ntests == 7, "without openat2: all its tests");
	problem_free(&p);
	refused(pkg("inlink"),
		"data/secret/2.ans: symbolic link not followed (none are: no openat2 here)",
		"without openat2: even a link inside the package");
	refused(fixture("broken/symlink-escape"), "data/secret/1.in: symbolic link not followed",
		"without openat2: a link out of the package");
	no_openat2 = false;
}

/* Names and file types. */
static void test_names(void)
{
	base("ctlname", "name: T\n");
	put("ctlname", "data/secret/a\nb\033[31m.in", "1\n");
	refused(pkg("ctlname"), "bad name \"a?b?[31m.in\"", "control bytes in a name, shown as '?'");
	ok(!strchr(err, '\n') && !strchr(err, '\033'), "the error has no control byte");
	base("utf8name", "name: T\n");
	put("utf8name", "data/secret/\xc3\xa9.in", "1\n");
	refused(pkg("utf8name"), "bad name \"??.in\"", "a non-ASCII name");
	base("hidden", "name: T\n");
	put("hidden", "data/secret/.gitkeep", "");
	refused(pkg("hidden"), "bad name \".gitkeep\"", "a hidden file");
	base("space", "name: T\n");
	put("space", "data/secret/g 1/1.in", "1\n");
	refused(pkg("space"), "bad name \"g 1\"", "a space in a directory name");
	base("fifo", "name: T\n");
	mkparents(pkg("fifo/data/secret/2.in"));
	mkfifo(pkg("fifo/data/secret/2.in"), 0644);
	refused(pkg("fifo"), "data/secret/2.in: not a regular file or directory", "a FIFO");
	base("dirans", "name: T\n");
	put("dirans", "data/secret/2.in", "1\n");
	put("dirans", "data/secret/2.ans/x", "1\n");
	refused(pkg("dirans"), "data/secret/2.in: no 2.ans", "an .ans that is a directory");
	base("clash", "name: T\n");
	put("clash", "data/secret/x.in", "1\n");
	put("clash", "data/secret/x.ans", "1\n");
	put("clash", "data/secret/x/1.in", "1\n");
	put("clash", "data/secret/x/1.ans", "1\n");
	refused(pkg("clash"), "data/secret: x is both a test case and a test group",
		"a test and a group of one name");
	refused("/nonexistent/t", "/nonexistent/t: No such file", "a missing directory");
}

/* The caps: tests, depth, YAML size, nesting and nodes. */
static void test_caps(void)
{
	char path[1024], laughs[1024], *big;
	problem p;
	int fd;

	base("many", "name: T\n");
	for (int i = 0; i <= PROB_MAX_TESTS; i++)
		for (int a = 0; a < 2; a++) {
			snprintf(path, sizeof path, "%s/data/secret/%05d.%s", pkg("many"), i,
				 a ? "ans" : "in");
			if ((fd = open(path, O_WRONLY | O_CREAT, 0644)) >= 0)
				close(fd);
		}
	refused(pkg("many"), "data/secret/1.in: more than 10000 test cases",
		"10,001 tests (00000..09999, 1, 10000)");
	base("deep", "name: T\n");
	snprintf(path, sizeof path, "data/secret");
	for (int i = 0; i < PROB_MAX_DEPTH; i++)
		strcat(path, "/d");
	strcat(path, "/1.in");
	put("deep", path, "1\n");
	refused(pkg("deep"), "nested deeper than 64 levels", "groups 65 levels deep");
	big = malloc(PROB_MAX_YAML + 2);
	memset(big, '#', PROB_MAX_YAML + 1);
	big[PROB_MAX_YAML + 1] = 0;
	base("bigyaml", big);
	refused(pkg("bigyaml"), "problem.yaml: larger than 1048576 bytes", "problem.yaml over 1 MiB");
	memset(big, 0, PROB_MAX_YAML + 2);
	strcpy(big, "name: T\nx: ");
	memset(big + strlen(big), '[', 300000);
	memset(big + strlen(big), ']', 300000);
	base("yamldeep", big);
	refused(pkg("yamldeep"), "problem.yaml:2: YAML nested deeper than 64 levels",
		"YAML nested 300,000 deep (fast)");
	strcpy(big, "name: T\nx: [");
	for (int i = 0; i < 100001; i++)
		strcat(big + 12 + 2 * i, "1,");
	strcat(big, "1]\n");
	base("yamlwide", big);
	refused(pkg("yamlwide"), "more than 100000 YAML nodes", "100,002 YAML nodes");
	strcpy(big, "name: T\nx:");
	for (int i = 0; i < 63; i++)
		strcat(big, " [");
	for (int i = 0; i < 63; i++)
		strcat(big, "]");
	base("yaml64", big);
	loads(pkg("yaml64"), &p, "YAML nested 64 deep (the root map is one)");
	problem_free(&p);
	free(big);
	strcpy(laughs, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (char k = 'b'; k <= 'h'; k++) {	/* each 9 times the one before */
		sprintf(laughs + strlen(laughs), "%c: &%c [", k, k);
		for (int i = 0; i < 9; i++)
			sprintf(laughs + strlen(laughs), "%s*%c", i ? ", " : "", k - 1);
		strcat(laughs, "]\n");
	}
	strcat(laughs, "name: *a\n");
	base("laughs", laughs);
	refused(pkg("laughs"), "problem.yaml:1: name: not a string",
		"aliases are not expanded (the node is on line 1)");
}

/* YAML documents that are not what they should be. */
static void test_yaml(void)
{
	char *many = malloc(1000 * 16 + 16), long_name[300];
	problem p;

	base("twodocs", "name: A\n---\nname: B\n");
	refused(pkg("twodocs"), "problem.yaml: more than one YAML document", "two YAML documents");
	base("dupkey", "name: A\nlimits:\n  memory: 1\n  memory: 2\n");
	refused(pkg("dupkey"), "problem.yaml:4: memory: given twice", "a key given twice");
	base("notmap", "- name\n- T\n");
	refused(pkg("notmap"), "problem.yaml: not a YAML map", "a list at the top");
	base("badutf8", "name: \xff\xfe\n");
	refused(pkg("badutf8"), "problem.yaml:", "invalid UTF-8");
	base("nul", "name: \"a\\0b\"\n");
	refused(pkg("nul"), "problem.yaml:1: name: has a NUL byte", "a NUL in a string");
	put("noyaml", "data/secret/1.in", "1\n");
	put("noyaml", "data/secret/1.ans", "1\n");
	refused(pkg("noyaml"), "problem.yaml: missing", "no problem.yaml");
	base("empty", "");
	loads(pkg("empty"), &p, "an empty problem.yaml");
	is_str(p.name, "t", "the name defaults to the id");
	ok(p.format == PROB_LEGACY && p.memory_mb == PROB_DEFAULT_MEMORY_MB, "legacy, default limits");
	problem_free(&p);
	strcpy(many, "name: T\n");
	for (int i = 0; i < 900; i++)
		sprintf(many + strlen(many), "k%d: 1\n", i);
	base("warnings", many);
	loads(pkg("warnings"), &p, "900 unknown keys");
	ok(p.nwarnings == 901 && strlen(p.warnings) < sizeof p.warnings &&
	   !strcmp(p.warnings + strlen(p.warnings) - 4, "...\n"), "warnings counted, cut with ...");
	{
		bool whole = true;
		for (char *l = p.warnings; *l; l = strchr(l, '\n') + 1)
			whole &= !strncmp(l, "problem.yaml:", 13) || !strcmp(l, "...\n");
		ok(whole, "every warning kept is whole");
	}
	problem_free(&p);
	free(many);
	memset(long_name, 'x', sizeof long_name);
	memcpy(long_name, "name: ", 6);
	strcpy(long_name + 262, "\n");
	base("longname", long_name);
	refused(pkg("longname"), "problem.yaml:1: name: longer than 255 bytes", "a name too long");
}

/* problem.yaml values. */
static void test_values(void)
{
	problem p;

	base("version", "problem_format_version: 2099-01\n");
	refused(pkg("version"), "problem_format_version: 2099-01 is not supported",
		"an unknown format version");
	base("type", "type: batch\n");
	refused(pkg("type"), "problem.yaml:1: type: batch: not pass-fail or scoring", "a legacy type");
	base("valscore", "validation: custom score\n");
	refused(pkg("valscore"), "custom score is only for scoring problems",
		"custom score, pass-fail");
	base("valdef", "validation: default interactive\n");
	refused(pkg("valdef"), "only custom takes score, interactive or multi-pass", "default interactive");
	/* checker_style (our extension): testlib needs a validator, and batch. */
	base("tlnone", "checker_style: testlib\n");
	refused(pkg("tlnone"), "checker_style: testlib, but no output validator is used",
		"checker_style: testlib without a validator");
	base("tlia", "validation: custom interactive\nchecker_style: testlib\n");
	put("tlia", "output_validators/c/c.cpp", "int main() { return 0; }\n");
	refused(pkg("tlia"), "testlib checkers judge batch problems only", "testlib and interactive");
	base("tlbad", "checker_style: polygon\n");
	refused(pkg("tlbad"), "checker_style: polygon: not kattis or testlib", "an unknown checker_style");
	{
		problem tp;
		base("tl", "validation: custom\nchecker_style: testlib\n");
		put("tl", "output_validators/c/c.cpp", "int main() { return 0; }\n");
		loads(pkg("tl"), &tp, "checker_style: testlib with a validator");
		ok(tp.testlib && tp.custom_validation && !strcmp(tp.validator_lang, "cpp"),
		   "testlib, custom validation, the checker in C++");
		problem_free(&tp);
	}
	/* network (our extension): none, the default, or loopback. */
	base("netbad", "network: host\n");
	refused(pkg("netbad"), "problem.yaml:1: network: host: not none or loopback", "network: host");
	{
		problem np;
		base("netlo", "network: loopback\n");
		loads(pkg("netlo"), &np, "network: loopback");
		ok(np.loopback && !np.testlib, "network: loopback is kept, and touches nothing else");
		problem_free(&np);
		base("netnone", "name: N\n");
		loads(pkg("netnone"), &np, "no network key");
		ok(!np.loopback, "without it: none");
		problem_free(&np);
	}
	base("mem", "limits:\n  memory: lots\n");
	refused(pkg("mem"), "problem.yaml:2: limits.memory: not an integer", "memory not a number");
	base("mem0", "limits:\n  memory: 0\n");
	refused(pkg("mem0"), "limits.memory: not within [1, 1048576]", "memory 0");
	base("tl", "name: T\n");
	put("tl", ".timelimit", "soon\n");
	refused(pkg("tl"), ".timelimit: not a number of seconds", "a bad .timelimit");
	base("scnoscore", "type: scoring\nvalidation: custom\n");
	put("scnoscore", "output_validators/c/c.c", "int main(void) { return 42; }\n");
	loads(pkg("scnoscore"), &p, "scoring, custom validation without score");
	warned(&p, "problem.yaml: validation: custom without score: the output validator's "
	       "score.txt is ignored", "the validator's score is ignored: said");
	problem_free(&p);
	base("tlyaml", "limits:\n  time_limit: 3\n");
	loads(pkg("tlyaml"), &p, "legacy limits.time_limit");
	ok(p.time_limit_s == 3 && strstr(p.warnings, "not in the legacy spec: used"),
	   "used, with a warning");
	problem_free(&p);
	base("obj", "type: scoring\ngrading:\n  objective: min\n  on_reject: grade\n  range: 0 50\n");
	loads(pkg("obj"), &p, "legacy grading in problem.yaml");
	ok(p.minimize && !p.groups[0].on_reject_break && p.groups[group(&p, "secret")].range_max == 50,
	   "objective min; deprecated on_reject and range become defaults");
	problem_free(&p);
	base_v2("pfsc", "type: [pass-fail, scoring]\n");
	refused(pkg("pfsc"), "type: pass-fail and scoring together", "pass-fail with scoring");
	base_v2("sa", "type: submit-answer\n");
	refused(pkg("sa"), "submit-answer problems are not supported", "submit-answer");
	base_v2("twice", "type: [interactive, interactive]\n");
	refused(pkg("twice"), "type: interactive given twice", "a type twice");
	/* Multi-pass, both forms: validation_passes (default 2) under limits. */
	base_v2("mp", "type: [multi-pass]\nlimits:\n  validation_passes: 5\n");
	put("mp", "output_validator.cpp", "int main(void) { return 42; }\n");
	loads(pkg("mp"), &p, "2023-07 multi-pass");
	ok(p.multipass && !p.interactive && p.validation_passes == 5, "multi-pass, 5 passes");
	problem_free(&p);
	base_v2("mpi", "type: [multi-pass, interactive]\n");
	put("mpi", "output_validator.cpp", "int main(void) { return 42; }\n");
	refused(pkg("mpi"), "type: interactive multi-pass problems are not supported yet",
		"2023-07 interactive multi-pass");
	base("lmpi", "validation: custom interactive multi-pass\n");
	put("lmpi", "output_validators/c/c.cpp", "int main(void) { return 42; }\n");
	refused(pkg("lmpi"), "validation: interactive multi-pass problems are not supported yet",
		"legacy interactive multi-pass");
	base_v2("mpnv", "type: multi-pass\n");
	refused(pkg("mpnv"), "multi-pass", "2023-07 multi-pass without an output validator");
	base("lmp", "validation: custom multi-pass\nlimits:\n  validation_passes: 3\n");
	put("lmp", "output_validators/c/c.cpp", "int main(void) { return 42; }\n");
	loads(pkg("lmp"), &p, "legacy multi-pass");
	ok(p.multipass && p.custom_validation && p.validation_passes == 3,
	   "legacy multi-pass, limits.validation_passes 3");
	problem_free(&p);
	base("ldmp", "validation: default multi-pass\n");
	refused(pkg("ldmp"), "validation: multi-pass: only custom takes", "default multi-pass");
	base("lvp", "limits:\n  validation_passes: 3\n");
	loads(pkg("lvp"), &p, "validation_passes without multi-pass");
	warned(&p, "validation_passes is for multi-pass problems: ignored", "a warning");
	problem_free(&p);
	base_v2("nouuid", "type: pass-fail\n");
	put("nouuid", "output_validator.cpp", "int main(void) { return 42; }\n");
	loads(pkg("nouuid"), &p, "2023-07 pass-fail with output_validator.cpp");
	is_str(p.validator_lang, "cpp", "a single-file validator's language");
	ok(p.nvsrc == 1 && !strcmp(p.vsrc[0].path, "output_validator.cpp"), "its one file");
	warned(&p, "problem.yaml: no uuid (2023-07-draft requires one)", "2023-07 without uuid");
	problem_free(&p);
	base_v2("vdir", "type: pass-fail\n");
	put("vdir", "output_validator/guess_validator/validate.cc", "#include \"validate.h\"\n");
	put("vdir", "output_validator/guess_validator/validate.h", "#pragma once\n");
	loads(pkg("vdir"), &p, "a validator in a directory of output_validator/");
	ok(ends_with(p.validator_path, "/output_validator/guess_validator") &&
	   !strcmp(p.validator_lang, "cpp") && p.nvsrc == 2 &&
	   !strcmp(p.vsrc[0].path, "validate.cc"), "the program is that directory, in C++");
	problem_free(&p);
	base_v2("vnest", "type: pass-fail\n");
	put("vnest", "output_validator/v/src/validate.cc", "int main() { return 42; }\n");
	refused(pkg("vnest"), "output_validator/v/src/validate.cc: not at the top of "
		"output_validator/v, where the cpp recipe builds", "a source below the recipe's reach");
	base_v2("vtwo", "type: pass-fail\n");
	put("vtwo", "output_validator/a/a.cc", "int main() { return 42; }\n");
	put("vtwo", "output_validator/b.py", "print()\n");
	refused(pkg("vtwo"), "output_validator: 2 output validators", "two validator programs");
	base("lnest", "validation: custom\n");
	put("lnest", "output_validators/v/lib/check.c", "int main(void) { return 42; }\n");
	refused(pkg("lnest"), "output_validators/v/lib/check.c: not at the top of "
		"output_validators/v", "legacy: a source below the recipe's reach");
	base_v2("ia", "type: interactive\n");
	refused(pkg("ia"), "output_validator: missing: interactive problems need one",
		"interactive, no validator");
	base("badid", "name: T\n");
	ok(problem_load(pkg("badid"), "Bad/id", &p, err, sizeof err) == -1 && strstr(err, "problem id"),
	   "a bad problem id is refused");
}

/* Test data layouts and group configuration. */
static void test_data(void)
{
	problem p;

	/* Sample data only: DOMjudge imports it with a warning [D]. */
	put("nosecret", "problem.yaml", "name: T\n");
	put("nosecret", "data/sample/1.in", "1\n");
	put("nosecret", "data/sample/1.ans", "1\n");
	problem sp;
	loads(pkg("nosecret"), &sp, "sample data only");
	ok(sp.ntests == 1, "sample data only: its sample is its one test");
	warned(&sp, "data/secret: missing: judged on the sample tests only", "no data/secret");
	problem_free(&sp);
	put("emptysecret", "problem.yaml", "name: T\n");
	put("emptysecret", "data/secret/g/README", "nothing\n");
	refused(pkg("emptysecret"), "data: no test cases in data/sample or data/secret",
		"no test at all");
	base("custom", "type: scoring\n");
	put("custom", "data/testdata.yaml", "grading: custom\n");
	refused(pkg("custom"), "data/testdata.yaml:1: grading: custom graders are not supported",
		"custom graders");
	base("flag", "type: scoring\n");
	put("flag", "data/secret/testdata.yaml", "grader_flags: sum median\n");
	refused(pkg("flag"), "grader_flags: unknown flag median", "an unknown grader flag");
	base("range", "type: scoring\n");
	put("range", "data/secret/testdata.yaml", "range: 5 1\n");
	refused(pkg("range"), "data/secret/testdata.yaml:1: range: minimum above maximum",
		"a backwards range");
	base("onrej", "name: T\n");
	put("onrej", "data/testdata.yaml", "on_reject: stop\n");
	refused(pkg("onrej"), "on_reject: not break or continue", "a bad on_reject");
	base("badreq", "name: T\n");
	put("badreq", "data/secret/1.req", "OK-1\nnot ok\n");
	refused(pkg("badreq"), "data/secret/1.req:2: bad requirement id \"not ok\"",
		"a bad requirement id");
	base("sub", "name: T\n");
	put("sub", "data/sample/easy/1.in", "1\n");
	put("sub", "data/sample/easy/1.ans", "1\n");
	put("sub", "data/extra/1.in", "1\n");
	put("sub", "data/stray.in", "1\n");
	loads(pkg("sub"), &p, "legacy: subgroups of sample");
	ok(p.ntests == 2 && !strcmp(p.tests[0].name, "sample/easy/1") && p.tests[0].sample,
	   "a sample in a subgroup");
	warned(&p, "data/extra: not sample or secret: ignored", "an unknown directory in data/");
	warned(&p, "stray.in: not in sample or secret", "a file in data/");
	problem_free(&p);
	base_v2("v2sub", "");
	put("v2sub", "data/sample/easy/1.in", "1\n");
	refused(pkg("v2sub"), "data/sample/easy: data/sample must not have test groups",
		"2023-07: subgroups of sample");
	base_v2("files", "");
	put("files", "data/secret/1.files/input.txt", "1\n");
	refused(pkg("files"), "data/secret/1.files: files for submissions are not supported",
		"NAME.files");
	base_v2("args", "");
	put("args", "data/secret/1.yaml", "args: [--fast]\n");
	refused(pkg("args"), "data/secret/1.yaml:1: args: arguments to submissions are not supported",
		"test case args");
	base_v2("static", "type: scoring\n");
	put("static", "data/secret/test_group.yaml", "static_validation: true\n");
	refused(pkg("static"), "static_validation: static validation is not supported",
		"static validation");
	base_v2("static0", "type: scoring\n");
	put("static0", "data/secret/test_group.yaml", "static_validation: false\n");
	loads(pkg("static0"), &p, "static_validation: false");
	problem_free(&p);
	base_v2("static1", "type: scoring\n");
	put("static1", "data/secret/test_group.yaml", "static_validation: {args: --x, score: 5}\n");
	refused(pkg("static1"), "static_validation: static validation is not supported",
		"static validation as a map");
	base_v2("both", "");
	put("both", "data/secret/test_group.yaml", "full_feedback: true\n");
	put("both", "data/secret/testdata.yaml", "full_feedback: true\n");
	refused(pkg("both"), "data/secret: both test_group.yaml and testdata.yaml", "both group files");
	base_v2("olddraft", "type: scoring\n");
	put("olddraft", "data/secret/testdata.yaml",
	    "output_validator_flags: case_sensitive\nfull_feedback: true\n");
	loads(pkg("olddraft"), &p, "2023-07: an earlier draft's testdata.yaml");
	ok(p.ngroups == 2 && ends_with(p.groups[1].config, "/data/secret/testdata.yaml") &&
	   p.groups[1].full_feedback &&
	   !strcmp(p.tests[0].output_validator_flags,
		   "case_sensitive"), "read, with output_validator_flags");
	problem_free(&p);
	base_v2("pfsub", "type: scoring\n");
	put("pfsub", "data/secret/g/test_group.yaml", "score_aggregation: pass-fail\n");
	put("pfsub", "data/secret/g/h/test_group.yaml", "score_aggregation: sum\n");
	put("pfsub", "data/secret/g/h/1.in", "1\n");
	put("pfsub", "data/secret/g/h/1.ans", "1\n");
	refused(pkg("pfsub"), "subgroups of a pass-fail group must be pass-fail",
		"sum under pass-fail");
	base_v2("unb", "type: scoring\n");
	put("unb", "data/secret/g/test_group.yaml", "max_score: unbounded\nscore_aggregation: sum\n");
	refused(pkg("unb"), "max_score: unbounded, but secret is not",
		"unbounded under a bounded secret");
	base_v2("unb2", "type: scoring\n");
	put("unb2", "data/secret/test_group.yaml", "max_score: unbounded\n");
	loads(pkg("unb2"), &p, "an unbounded secret");
	ok(group(&p, "secret") == 1 && isinf(p.groups[1].max_score), "max_score unbounded is INFINITY");
	problem_free(&p);
}

/* Output validators. */
static void test_validators(void)
{
	problem p;

	base("twoval", "validation: custom\n");
	put("twoval", "output_validators/a/a.c", "int main(void) { return 42; }\n");
	put("twoval", "output_validators/b/b.c", "int main(void) { return 42; }\n");
	refused(pkg("twoval"), "output_validators: 2 output validators: judgebox runs exactly one",
		"two validators");
	base("noval", "validation: custom\n");
	refused(pkg("noval"), "validation is custom, but there is no output validator",
		"custom without one");
	base("unused", "name: T\n");
	put("unused", "output_validators/a/a.c", "int main(void) { return 42; }\n");
	put("unused", "output_validators/b/b.c", "int main(void) { return 42; }\n");
	loads(pkg("unused"), &p, "output_validators with validation default");
	ok(!p.custom_validation && !*p.validator_path, "not used");
	warned(&p, "output_validators: ignored: validation is default", "and said so");
	problem_free(&p);
	base("py2", "validation: custom\n");
	put("py2", "output_validators/check.py", "#!/usr/bin/env python2\nprint 1\n");
	loads(pkg("py2"), &p, "legacy: a single-file Python validator");
	is_str(p.validator_lang, "python2", "its shebang says python2 (legacy)");
	problem_free(&p);
	base("mixed", "validation: custom\n");
	put("mixed", "output_validators/v/b.cpp", "\n");
	put("mixed", "output_validators/v/lib/a.c", "\n");
	loads(pkg("mixed"), &p, "C and C++ sources, one in a subdirectory");
	is_str(p.validator_lang, "cpp", "are C++");
	ok(p.nvsrc == 2 && !strcmp(p.vsrc[1].path, "lib/a.c"), "with its relative path");
	problem_free(&p);
	base("script", "validation: custom\n");
	put("script", "output_validators/v/build", "#!/bin/sh\n");
	put("script", "output_validators/v/v.py", "\n");
	put("script", "output_validators/v/w.java", "\n");
	loads(pkg("script"), &p, "a validator with a build script");
	is_str(p.validator_lang, "script", "is built by its script");
	problem_free(&p);
	base("pyjava", "validation: custom\n");
	put("pyjava", "output_validators/v/v.py", "\n");
	put("pyjava", "output_validators/v/w.java", "\n");
	refused(pkg("pyjava"), "sources in both python3 and java", "two languages");
	base("nolang", "validation: custom\n");
	put("nolang", "output_validators/v/notes.txt", "\n");
	refused(pkg("nolang"), "output_validators/v: no source file in a known language",
		"no known language");
	base_v2("oldname", "type: interactive\n");
	put("oldname", "output_validators/v/v.py", "\n");
	loads(pkg("oldname"), &p, "2023-07 with the legacy output_validators/");
	ok(p.custom_validation && strstr(p.validator_path, "/output_validators/v"), "used");
	warned(&p, "the legacy name", "with a warning");
	problem_free(&p);
}

/* rm -rf helper for nftw. */
static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: problem_test tests/problems\n");
		return 2;
	}
	fix = argv[1];
	snprintf(tmp, sizeof tmp, "/tmp/problem_test.XXXXXX");
	if (!mkdtemp(tmp)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	plan(PLAN);
	test_legacy_pf();
	test_legacy_scoring();
	test_v2023();
	test_interactive();
	test_v2023_interactive();
	test_broken_fixtures();
	test_links();
	test_names();
	test_caps();
	test_yaml();
	test_values();
	test_data();
	test_validators();
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (tap_n != PLAN)
		diag("planned %d, ran %d", PLAN, tap_n);
	return done();
}
