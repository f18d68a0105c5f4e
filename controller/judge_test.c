/* judge_test.c: a run of the job's program and its verdict: the program
 * into the box, the test's input, the run step, the built-in comparison
 * with the answer, and the test's result stored and accounted for
 * (judge_int.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "judge_int.h"
#include "spawn.h"

int jt_why(job_t *j, const char *fmt, ...)
{
	int e = errno;
	char what[200];
	va_list ap;
	if (*j->why)
		return -1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(j->why, sizeof j->why, "%s: %s", what, strerror(e));
	return -1;
}

int jt_load_prog(job_t *j, box_t *b, const lang_t *l, const msgpack_object *files,
		 uint64_t entry)
{
	int to = box_dir(b);
	int r = cache_load(j->cache, l, files, entry, to);
	if (r)
		jt_why(j, "cannot put the program into box %u", box_number(b));
	if (to >= 0)
		close(to);
	return r;
}

/* A test's file: beneath the problem's snapshot (ops.c; for jobs of 0.2.0,
 * the package itself, as problem.c read it at import). */
int jt_test_file(job_t *j, bool ans)
{
	char path[600], dir[520];
	const desc_test *t = &j->desc.tests[j->test_idx];
	if (!desc_span_copy(ans ? t->ans : t->in, path, sizeof path) ||
	    !desc_span_copy(j->desc.dir, dir, sizeof dir))
		return -1;
	return open_beneath(dir, path, O_RDONLY);
}

int jt_pass_input(job_t *j)
{
	char p[1024];
	if (j->pass <= 1)
		return jt_test_file(j, false);
	return open(box_io_path(j->box, "nextpass.in", p, sizeof p),
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
}

void jt_pass_figures(job_t *j)
{
	step_t *s = &j->run;
	if (j->pass <= 1)
		j->max_cpu_us = j->max_wall_us = j->max_memory_kb = 0;
	j->max_cpu_us = s->cpu_us > j->max_cpu_us ? s->cpu_us : j->max_cpu_us;
	j->max_wall_us = s->wall_us > j->max_wall_us ? s->wall_us : j->max_wall_us;
	j->max_memory_kb = s->memory_kb > j->max_memory_kb ? s->memory_kb : j->max_memory_kb;
	s->cpu_us = j->max_cpu_us, s->wall_us = j->max_wall_us, s->memory_kb = j->max_memory_kb;
}

/* The run step's argv (heap: *argv and *buf, the caller's). */
static int s_run_argv(job_t *j, char ***argv, char **buf)
{
	const msgpack_object *a = j->args;
	uint32_t na = a ? a->via.array.size : 0;
	size_t size = 8192;
	for (uint32_t i = 0; i < na; i++)
		size += a->via.array.ptr[i].via.str.size + 1;
	spawn_cmd c = { box_number(j->box), j->lang, j->js.lim, j->lang->policy,
			j->lang->run, false, NULL, j->args, mp_get(j->spec.root, "main"),
			j->desc.loopback };
	*buf = malloc(size);
	*argv = calloc(ARGV_FIXED + na + 1, sizeof **argv);
	return !*buf || !*argv || spawn_argv(&c, *argv, *buf, size) ? -1 : 0;
}

#define STDIN_EMPTY	(-3)	/* no input: the helper's /dev/null, no file */

/* The job's stdin, or the test's input: a file for the run's fd 0 (-1,
 * -2: cannot; STDIN_EMPTY: there is none). */
static int s_stdin(job_t *j)
{
	const char *p = NULL;
	size_t n = 0;
	if (j->problem)
		return jt_pass_input(j);
	if (j->has_tests)
		p = j->desc.tests[j->test_idx].in.p, n = j->desc.tests[j->test_idx].in.n;
	else
		mp_as_bin(mp_get(j->spec.root, "stdin"), &p, &n);
	if (!n)
		return STDIN_EMPTY;
	int fd = box_io_open(j->box, "stdin");
	if (fd < 0 || write_all(fd, p, n)) {
		jt_why(j, "cannot write the run's standard input into the state directory");
		if (fd >= 0)
			close(fd);
		return -2;
	}
	return fd;
}

int jt_start_run(job_t *j)
{
	char **argv = NULL, *buf = NULL;
	if (s_run_argv(j, &argv, &buf))
		return free(buf), free(argv), -1;
	int fin = s_stdin(j);
	if (j->problem && fin < 0) {	/* the package changed: not the contestant's fault */
		free(j->run.out), free(j->run.err);
		memset(&j->run, 0, sizeof j->run);
		snprintf(j->run.status, sizeof j->run.status, "internal_error");
		snprintf(j->run.message, sizeof j->run.message,
			 "cannot open the test's input beneath the package: %s", strerror(errno));
		free(buf), free(argv);
		return 1;
	}
	int w[2] = { -1, -1 };
	int r = (fin < 0 && fin != STDIN_EMPTY) || jo_open(j, true, w) ? -1 : 0;
	if (r)
		jt_why(j, "cannot make the run's output pipes");
	if (!r)
		r = fin >= 0 && lseek(fin, 0, SEEK_SET) ? -1 :
		    box_spawn(j->box, BOX_RUN, argv, fin >= 0 ? fin : -1, w[0], w[1]);
	free(buf);
	free(argv);
	if (fin >= 0)
		close(fin);
	for (int i = 0; i < 2; i++)	/* the job's ends: only the job holds them */
		if (w[i] >= 0)
			close(w[i]);
	return r;
}

const char *jt_run_verdict(const char *status)
{
	return !strcmp(status, "output_limit") ? "output_limit" : grade_run_verdict(status);
}

/* A problem test's comparison: the default output validator with the
 * problem's validator_flags and the test's own flags. */
static int s_test_flags(job_t *j, char *msg, size_t size)
{
	char flags[600] = "", tf[256] = "";
	desc_span_copy(j->desc.flags, flags, sizeof flags);
	desc_span_copy(j->desc.tests[j->test_idx].flags, tf, sizeof tf);
	if (*tf)
		snprintf(flags + strlen(flags), sizeof flags - strlen(flags), " %s", tf);
	compare_opts_default(&j->cmp);
	if (compare_opts_from_flags(flags, &j->cmp, msg, size))
		return errno = EINVAL, -1;
	return 0;
}

/* The answer to compare with: the test's file, or a `test` job's bytes
 * in state_dir/io/N/answer. */
static int s_answer(job_t *j)
{
	const desc_span *ans = &j->desc.tests[j->test_idx].ans;
	if (j->problem)
		return jt_test_file(j, true);
	int af = box_io_open(j->box, "answer");
	if (af < 0 || write_all(af, ans->p, ans->n) || lseek(af, 0, SEEK_SET) != 0) {
		jt_why(j, "cannot write the test's answer into the state directory");
		if (af >= 0)
			close(af);
		return -2;
	}
	return af;
}

/* The verdict of a test run from the helper's status (PROTOCOL.md 14.1);
 * for a clean exit, the comparison of its output with the answer. NULL if
 * the daemon could not compare (j->why says why): not the program's doing. */
const char *jt_verdict(job_t *j, char *msg, size_t size)
{
	const step_t *s = &j->run;
	const char *v = jt_run_verdict(s->status);
	char p[1024];
	if (v)
		return v;
	if (strcmp(s->status, "ok"))
		return snprintf(msg, size, "%s", s->message), "judge_error";
	int out = open(box_io_path(j->box, "stdout", p, sizeof p), O_RDONLY | O_CLOEXEC);
	int af = s_answer(j);
	compare_result r;
	if (out < 0)
		jt_why(j, "cannot read the run's output");
	bool flags = out >= 0 && af >= 0 && j->problem && s_test_flags(j, msg, size);
	int bad = out < 0 || af < 0 || flags || compare_fds(out, af, &j->cmp, &r);
	if (bad && !flags)
		jt_why(j, "cannot compare the output with the answer");
	if (out >= 0)
		close(out);
	if (af >= 0)
		close(af);
	if (bad)	/* the package's flags are its fault; the rest, ours */
		return flags ? (snprintf(msg, size, "cannot compare: %s", strerror(errno)),
				"judge_error") : NULL;
	snprintf(msg, size, "%s", r.message);
	return r.accepted ? "accepted" : "wrong_answer";
}

/* The current test's name, at most 259 bytes of it. */
static void s_name(const job_t *j, char *nm, size_t size)
{
	const desc_span *name = &j->desc.tests[j->test_idx].name;
	snprintf(nm, size, "%.*s", (int)name->n, name->p);
}

bool jt_store_result(job_t *j, const char *v, const char *msg)
{
	char nm[260];
	s_name(j, nm, sizeof nm);
	store_begin(j->st);
	j->wrote = true;
	return store_test_result(j->st, j->js.id, j->test_idx, nm, v, &j->run, msg) != 0;
}

bool jt_advance(job_t *j, const char *v, double score)
{
	unsigned i = j->test_idx;
	bool accepted = !strcmp(v, "accepted");
	if (j->res) {
		j->res[i].score = !isnan(score) ? score :
			grade_test_score(&j->desc, i, accepted);
		j->res[i].rank = grade_rank(v);
	}
	if (!accepted && !*j->verdict) {
		snprintf(j->verdict, sizeof j->verdict, "%s", v);
		s_name(j, j->first_fail, sizeof j->first_fail);
		snprintf(j->fail_status, sizeof j->fail_status, "%s",
			 strcmp(v, "judge_error") ? j->run.status : "judge_error");
	}
	bool scoring = j->problem && j->desc.scoring;
	j->pass = 1;
	j->test_idx = !accepted && scoring && !j->all ?
		grade_after_reject(&j->desc, i) : i + 1;
	return j->test_idx < j->desc.ntests && (accepted || j->all || scoring);
}
