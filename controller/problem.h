/* problem.h: an ICPC/Kattis problem package directory, loaded into what the
 * judge needs (issue 5, PROTOCOL.md section 14). Nothing is compiled or run.
 *
 * Formats: `legacy` (and `legacy-icpc`), chosen by problem.yaml
 * `problem_format_version` (absent means legacy), and `2023-07-draft` (also
 * spelled `2023-07` or `draft`). The draft changed over its life; where it
 * renamed a key or file the loader takes both spellings (see below).
 * Specs: https://www.kattis.com/problem-package-format/spec/legacy.html and
 * .../spec/2023-07-draft.html; where a spec is silent we follow problemtools,
 * the reference implementation, and say so in problem*.c.
 *
 * What is read:
 * - problem.yaml: name (2023-07: a string or a map language -> name; we take
 *   "en", else the first), type (legacy: pass-fail | scoring, plus
 *   `validation: default | custom [score] [interactive]`; 2023-07: one of, or
 *   a list of, pass-fail scoring interactive multi-pass), legacy
 *   `validator_flags` (2023-07 removed it: flags come per group from
 *   output_validator_args), limits. Unknown keys are warnings.
 * - the time limit: 2023-07 `limits.time_limit`; else a `.timelimit` file
 *   (a DOMjudge/BAPCtools convention for legacy packages, not in either spec);
 *   else PROB_DEFAULT_TIME_S, with a warning. Legacy `limits.time_limit` is
 *   not in the legacy spec; it is used, with a warning, if nothing else is.
 * - data/: groups are data/sample, data/secret and every directory below them
 *   (2023-07: sample may not have subgroups). Tests are NAME.in + NAME.ans
 *   (.ans required in both versions, interactive problems included);
 *   NAME.interaction is recorded when present, and in data/sample of an
 *   interactive problem an .interaction without .in is a statement-only
 *   sample (recorded in interactions[]). Test cases and groups are used in
 *   lexicographic (byte) order of their base names, mixed: a group's tests
 *   are its subtree, contiguous in tests[] in judging order.
 * - group configuration: legacy data/.../testdata.yaml; 2023-07
 *   test_group.yaml (earlier drafts: testdata.yaml, accepted; both in one
 *   directory is an error). Values are inherited key by key from the parent
 *   group (problemtools' reading of both specs), except the 2023-07 scoring
 *   keys, which the spec says are not inherited.
 * - the output validator: each entry of legacy output_validators/ (used only
 *   when validation is custom) and of 2023-07 output_validator/ is one
 *   program, a file or a directory, and judgebox runs exactly one; a 2023-07
 *   output_validator/ of files only is itself the program (DOMjudge), and so
 *   is output_validator.<ext> (a judgebox leniency) or the earlier drafts'
 *   output_validators/. Its language's source must be at the top of its
 *   directory, where the recipe builds it. Interactive problems need one.
 *
 * judgebox's own extension, `checker_style: testlib` in problem.yaml: the
 * output validator is a testlib-style checker (see problem_meta.c).
 *
 * Refused, because judging without them would give wrong verdicts: legacy
 * `grading: custom` (graders), multi-pass problems (both forms: not judged
 * yet), 2023-07 submit-answer problems, test case
 * `args`, NAME.files directories, static validation, more than one output
 * validator.
 *
 * judgebox's own extension, requirement ids (for the requirements coverage
 * of PROTOCOL.md 14.2): a group's testdata.yaml / test_group.yaml may have
 * `requirements: [ID, ...]` (or one string of space-separated ids), which
 * apply to every test of the group and its subgroups; a test may add its own
 * in a sidecar file NAME.req, one id per line (blank lines and lines starting
 * with '#' skipped). An id is 1 to 64 bytes of [A-Za-z0-9._:-]. A test's reqs
 * are the union, in order of first appearance, space-separated.
 *
 * Security: the package may come from the internet. Every path is opened
 * beneath the package directory with openat2(RESOLVE_BENEATH): a symbolic
 * link may point inside the package, never out, and never to a directory
 * (no loops); without openat2 no symbolic link is followed at all. Every name
 * under data/ and in the validator must be [A-Za-z0-9._-]+, not starting with
 * '.' or '-'. Only regular files and directories are accepted. Caps:
 * PROB_MAX_TESTS tests, PROB_MAX_GROUPS groups, PROB_MAX_DEPTH levels below
 * data/, PROB_MAX_YAML bytes per YAML file (one document per file),
 * PROB_MAX_DIRENTS entries per directory.
 *
 * Errors: problem_load returns -1 and "PATH: WHAT" in err, PATH relative to
 * the package (YAML errors "FILE:LINE: KEY: WHAT"). Warnings (unknown keys,
 * ignored files, defaults taken, scoring judgebox does not do) are such
 * lines, '\n'-terminated, in warnings[], each whole: "...\n" ends it when
 * the next would not fit; nwarnings counts them all.
 */
#ifndef JUDGEBOX_PROBLEM_H
#define JUDGEBOX_PROBLEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROB_MAX_TESTS 10000
#define PROB_MAX_GROUPS 1000
#define PROB_MAX_DEPTH 64		/* directory levels below data/ */
#define PROB_MAX_YAML (1 << 20)
#define PROB_MAX_DIRENTS 65536
#define PROB_MAX_VSRC 256		/* files in the output validator */

/* Defaults where the package says nothing. The time limit is ours (neither
 * spec has one: both infer it from the judge's solutions); the rest are the
 * specs' "typical system defaults". */
#define PROB_DEFAULT_TIME_S 1.0
#define PROB_DEFAULT_MEMORY_MB 2048
#define PROB_DEFAULT_OUTPUT_MB 8

enum { PROB_LEGACY = 1, PROB_2023_07 = 2 };

typedef struct prob_test {
	char name[256];		/* relative to data/, no extension: "secret/g1/03-big" */
	char group[192];	/* its own group's path: "secret/g1" */
	int gidx;		/* that group's index in groups[] */
	bool sample;		/* under data/sample */
	char in[512], ans[512];	/* full paths (package directory + "/data/...") */
	char interaction[512];	/* NAME.interaction, or "" */
	uint64_t in_size, ans_size;
	char reqs[256];		/* requirement ids (extension), space-separated */
	/* Effective output validator flags: the group's, or 2023-07 NAME.yaml
	 * output_validator_args. Legacy problems also pass validator_flags. */
	char output_validator_flags[256];
} prob_test;

typedef struct prob_group {
	char path[192];		/* relative to data/: "" (data/ itself), "sample", "secret/g1" */
	int parent;		/* index in groups[], -1 for data/ */
	int depth;		/* 0 for data/, 1 for sample and secret */
	int first_test, ntests;	/* tests[first_test, +ntests): the whole subtree */
	char config[512];	/* the group's own yaml file, full path, or "" */
	/* Legacy testdata.yaml. aggregation and verdict_mode come from
	 * grader_flags; 2023-07 groups keep accept 1, reject 0, range +-inf. */
	char grader_flags[256];
	char aggregation[16];	/* legacy: sum avg min max; 2023-07: pass-fail sum min ("" for data/) */
	char verdict_mode[16];	/* worst_error first_error always_accept (legacy) */
	bool accept_if_any_accepted;
	bool ignore_sample;	/* only ever true for data/ */
	double accept_score, reject_score, range_min, range_max;
	bool on_reject_break;	/* legacy on_reject; 2023-07: true unless sum/min aggregation */
	/* 2023-07-draft. */
	double max_score;	/* `score`/`max_score`: NAN when to be inferred, INFINITY if unbounded */
	char require_pass[256];	/* space-separated test or group paths */
	bool full_feedback;
	/* Both. */
	char output_validator_flags[256], input_validator_flags[256];
	char reqs[256];		/* requirement ids of this group and its ancestors */
} prob_group;

typedef struct prob_src {
	char path[256];		/* relative to the validator directory */
	char lang[16];		/* c cpp python3 java ... (languages.d ids), "header", "script" (build/run), "" */
} prob_src;

typedef struct problem {
	char id[65];		/* [a-z0-9][a-z0-9_-]{0,63} (PROTOCOL.md 14.2) */
	char dir[512];		/* the package directory as given, without trailing '/' */
	int format;		/* PROB_LEGACY or PROB_2023_07 */
	char name[256];
	bool interactive, scoring, multipass;
	bool custom_validation;	/* an output validator is used (else the default one) */
	bool validator_score;	/* legacy `validation: custom score` */
	bool testlib;		/* [JB] checker_style: testlib (else Kattis conventions) */
	bool loopback;		/* [JB] network: loopback (the submission's lo is up) */
	bool minimize;		/* legacy grading.objective: min */
	double time_limit_s;
	char time_limit_from[16];	/* "problem.yaml", ".timelimit" or "default" */
	double time_multiplier, time_safety_margin;	/* legacy: 5, 2 */
	double ac_to_time_limit, time_limit_to_tle, time_resolution;	/* 2023-07: 2, 1.5, 1 */
	uint64_t memory_mb, output_mb, code_kb;
	uint64_t compilation_time_s, compilation_memory_mb;
	uint64_t validation_time_s, validation_memory_mb, validation_output_mb;
	uint64_t validation_passes;	/* multi-pass: 2 */
	char validator_flags[256];	/* legacy problem.yaml validator_flags */
	char languages[512];	/* 2023-07 languages: ids, space-separated; "": all */
	char validator_path[512];	/* full path, file or directory; "" for the default validator */
	char validator_lang[16];	/* the program's language, or "script" */
	prob_src *vsrc;
	int nvsrc;
	prob_group *groups;	/* pre-order, children in lexicographic order; groups[0] is data/ */
	int ngroups;
	prob_test *tests;	/* judging order */
	int ntests;
	char (*interactions)[512];	/* statement-only interactive samples, full paths */
	int ninteractions;
	char warnings[16384];	/* whole lines; "...\n" once full */
	int nwarnings;
} problem;

/* Load the package in pkgdir as problem id into *p: 0, or -1 with
 * "path: what" in err (then *p holds nothing to free). */
int problem_load(const char *pkgdir, const char *id, problem *p, char *err, size_t errlen);
/* Free what problem_load allocated; safe twice, and on a zeroed problem. */
void problem_free(problem *p);

#endif
