/* judge.c: a job in a box, from start to finish (judge.h). One job_t per
 * box of the pool (box.h); a job's steps follow the box's phases:
 *
 *   start --> [VCOMPILE: the problem's output validator, unless cached]
 *         --> COMPILE (unless cached or interpreted) --> CLEAN_MID
 *         --> RUN --> [CLEAN_MID --> CHECK: the output validator]
 *         --> the next test: CLEAN_MID --> RUN ... --> the end: CLEAN
 *
 * (an interactive problem's RUN has the validator beside it, in the
 * box's peer; a multi-pass problem's test repeats CLEAN_MID --> RUN -->
 * CLEAN_MID --> CHECK once per pass: s_pass_end). Each helper that ends moves the job on (s_reaped); the
 * verdicts and the end are in the files below this one (judge_int.h).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "boxfs.h"
#include "judge_int.h"
#include "log.h"
#include "spawn.h"

struct judge {
	const conf_t *c;
	store_t *st;
	judge_cbs_t cbs;
	cache_t *cache;
	boxes_t *pool;
	job_t *jobs;			/* one per box, by box_index */
	unsigned n;
};

/* ---- the steps ---- */

/* The job's state, stored and published once per change. */
static void s_state(job_t *j, int state)
{
	if (j->state == state)
		return;
	store_begin(j->st);
	store_set_state(j->st, j->js.id, state, false);
	j->cbs->state_changed(j->cbs->arg, j->js.id, state);
	j->state = state;
}

/* Sources ([[name, bin], ...]) into the job's box. */
static int s_put_files(job_t *j, const msgpack_object *files)
{
	int dir = box_dir(j->box);
	int r = boxfs_put_files(dir, files);
	if (r)
		jt_why(j, "cannot write the sources into box %u", box_number(j->box));
	if (dir >= 0)
		close(dir);
	return r;
}

/* Whether the state directory has min_free_kb free. A step's files there
 * (the compiler's messages, a checker's) are written by the step itself,
 * which sees ENOSPC as its own failure: with less than that free before or
 * after a step, the step cannot be trusted (j->why says so), and the
 * attempt is done again later. A run's output never goes there from the
 * job (pipes, judge_out.c); the daemon's spool of a judged test's stdout
 * fails the step itself if it cannot be written, and this check keeps it
 * from starting on a disk that is nearly full. */
static bool s_space_ok(job_t *j, bool after)
{
	struct statvfs v;
	char p[1024];
	if (!j->c->min_free_kb || statvfs(box_io_path(j->box, "", p, sizeof p), &v))
		return true;
	uint64_t kb = (uint64_t)v.f_bavail * v.f_frsize / 1024;
	if (kb >= j->c->min_free_kb)
		return true;
	snprintf(j->why, sizeof j->why, "the state directory has %" PRIu64 " KiB free, "
		 "less than min_free_kb (%" PRIu64 ")%s", kb, j->c->min_free_kb,
		 after ? " after the step: what it wrote there may be cut short" : "");
	return false;
}

/* Compile the sources in the box: the job's program (COMPILE, output to
 * compile.out) or the problem's output validator (VCOMPILE). */
static int s_start_compile(job_t *j, const lang_t *l, box_phase ph)
{
	char *argv[ARGV_FIXED + 1], buf[4096];
	limits_t lim;
	for (int i = 0; i < L_COUNT; i++) {
		lim[i] = l->has_climits[i] ? l->climits[i] : j->c->cdef[i];
		if (lim[i] > j->c->hceil[i])	/* the helper would refuse the run */
			lim[i] = j->c->hceil[i];
	}
	spawn_cmd c = { box_number(j->box), l, lim, "default", l->compile, true, NULL, NULL,
			ph == BOX_COMPILE ? mp_get(j->spec.root, "main") : NULL, false };
	if (spawn_argv(&c, argv, buf, sizeof buf))
		return -1;
	int out = box_io_open(j->box, ph == BOX_COMPILE ? "compile.out" : "vcompile.out");
	if (out < 0)
		return jt_why(j, "cannot open the compiler's output file in the state directory");
	int r = box_spawn(j->box, ph, argv, -1, out, out);
	close(out);
	return r;
}

static void s_judged(job_t *j, const char *v, const char *msg, double score);

/* One test ran: its verdict from the run and the built-in comparison. */
static void s_tested(job_t *j)
{
	char msg[256] = "";
	const char *v = jt_verdict(j, msg, sizeof msg);
	if (!v)
		return je_helper_failed(j, "compare", NULL);
	s_judged(j, v, msg, NAN);
}

/* The run step in a clean box. */
static int s_to_run(job_t *j)
{
	if (j->interactive)
		return jc_start_interact(j);
	if (jt_load_prog(j, j->box, j->lang, j->files, j->cache_entry))
		return -1;
	int r = jt_start_run(j);
	if (r == 1)
		s_tested(j);
	return r == 1 ? 0 : r;
}

/* The job's program: compiled, or found in the cache, then run. */
static int s_begin_prog(job_t *j)
{
	store_begin(j->st);
	const msgpack_object *main = mp_get(j->spec.root, "main");
	int hit = *j->lang->compile ? cache_lookup(j->cache, j->lang, j->files, main,
						   &j->cache_key, &j->cache_entry) : 1;
	if (hit < 0)
		return jt_why(j, "cannot look the program up in the compile cache");
	if (hit) {
		s_state(j, S_RUNNING);
		return s_to_run(j);
	}
	s_state(j, S_COMPILING);
	return s_put_files(j, j->files) ? -1 : s_start_compile(j, j->lang, BOX_COMPILE);
}

/* A job's first step: the problem's output validator, when it has one
 * that is not yet in the compile cache, is compiled first. */
static int s_begin(job_t *j)
{
	const desc_validator *val = &j->desc.validator;
	store_begin(j->st);
	j->state = -1;
	store_tests_clear(j->st, j->js.id);	/* an attempt whose end was not kept */
	if (!s_space_ok(j, false))
		return -1;
	if (!j->desc.has_validator || !*j->vlang->compile)
		return s_begin_prog(j);
	int hit = cache_lookup(j->cache, j->vlang, val->files, NULL, &j->vcache_key,
			       &j->vcache_entry);
	if (hit < 0)
		return jt_why(j, "cannot look the output validator up in the compile cache");
	if (hit)
		return s_begin_prog(j);
	s_state(j, S_COMPILING);
	return s_put_files(j, val->files) ? -1 : s_start_compile(j, j->vlang, BOX_VCOMPILE);
}

/* A compile step succeeded: its artifacts from the box into a new cache
 * entry. 0, -2 if they are over ARTIFACTS_MAX (the entry is dropped), -1. */
static int s_cache_store(job_t *j, const lang_t *l, const msgpack_object *files,
			 const msgpack_object *main, uint64_t key, uint64_t *entry)
{
	int from = box_dir(j->box);
	int r = cache_store(j->cache, l, files, main, key, from, entry);
	if (r == -1)
		jt_why(j, "cannot keep the compiled program in the compile cache");
	if (from >= 0)
		close(from);
	return r;
}

/* ---- what the helpers reported ---- */

static void s_compiled(job_t *j, int code, char *rec)
{
	step_t *s = &j->comp;
	char p[1024];
	spawn_parse_record(rec, s);
	j->cout = spawn_read_out(box_io_path(j->box, "compile.out", p, sizeof p),
				 j->c->compile_output_kb * 1024, &j->cout_len, &j->cout_bytes);
	if (code != 0 || !s->ran || !strcmp(s->status, "internal_error"))
		return je_helper_failed(j, "compile", s);
	if (strcmp(s->status, "ok")) {
		j->comp.ran = true;
		return je_finish(j, S_JUDGED, "compile_error", NULL);
	}
	int r = s_cache_store(j, j->lang, j->files, mp_get(j->spec.root, "main"),
			      j->cache_key, &j->cache_entry);
	if (r == -2) {
		j->comp.ran = true;
		return je_finish(j, S_JUDGED, "compile_error",
				 "the compiler left more than 128 MiB, 4096 files or 8 "
				 "levels of directories for the run");
	}
	j->next = s_to_run;
	if (r || box_clean(j->box, BOX_CLEAN_MID))
		return je_helper_failed(j, "compile cache", NULL);
	s_state(j, S_RUNNING);
}

/* The problem's output validator compiled. If it does not compile, the
 * job's verdict is judge_error: the package is at fault, not the
 * contestant; the compiler's first words go into the message. */
static void s_vcompiled(job_t *j, int code, char *rec)
{
	step_t s;
	char msg[512], p[1024];
	spawn_parse_record(rec, &s);
	if (code != 0 || !s.ran || !strcmp(s.status, "internal_error"))
		return je_helper_failed(j, "compile the output validator", &s);
	if (strcmp(s.status, "ok")) {
		size_t n;
		uint64_t bytes;
		char *out = spawn_read_out(box_io_path(j->box, "vcompile.out", p, sizeof p),
					   300, &n, &bytes);
		snprintf(msg, sizeof msg, "the output validator does not compile (%s): %.*s",
			 s.status, (int)n, out ? out : "");
		free(out);
		snprintf(j->verdict, sizeof j->verdict, "judge_error");
		return je_finish(j, S_JUDGED, "judge_error", msg);
	}
	int r = s_cache_store(j, j->vlang, j->desc.validator.files, NULL, j->vcache_key,
			      &j->vcache_entry);
	if (r == -2) {
		snprintf(j->verdict, sizeof j->verdict, "judge_error");
		return je_finish(j, S_JUDGED, "judge_error",
				 "the output validator's build left more than 128 MiB");
	}
	j->next = s_begin_prog;
	if (r || box_clean(j->box, BOX_CLEAN_MID))
		return je_helper_failed(j, "compile cache", NULL);
}

/* One test was judged: store and publish its result (score: the test's
 * score from the output validator, or NAN for its group's), then the next
 * test or the end. */
static void s_judged(job_t *j, const char *v, const char *msg, double score)
{
	if (jt_store_result(j, v, msg))
		j->cbs->test_event(j->cbs->arg, j->js.id, j->test_idx, j->desc.ntests);
	j->next = s_to_run;
	if (jt_advance(j, v, score)) {
		if (box_clean(j->box, BOX_CLEAN_MID))
			je_helper_failed(j, "clean", NULL);
		return;
	}
	je_finish(j, S_JUDGED, *j->fail_status ? j->fail_status : "ok", NULL);
}

/* A pass of a test was validated in box in: the next pass (multi-pass
 * problems), or the test is judged. */
static void s_pass_end(job_t *j, box_t *in, const char *v, char *msg, size_t size,
		       double score)
{
	int np = jc_next_pass(j, in, &v, msg, size);
	if (np < 0)
		return je_helper_failed(j, "multi-pass: keep the next pass's input", NULL);
	if (!np)
		return s_judged(j, v, msg, score);
	j->next = s_to_run;
	if (box_clean(j->box, BOX_CLEAN_MID))
		je_helper_failed(j, "clean", NULL);
}

static void s_checked(job_t *j, int code, char *rec)
{
	char msg[256] = "";
	double score;
	spawn_parse_record(rec, &j->chk);
	if (code != 0 || !j->chk.ran || !strcmp(j->chk.status, "internal_error"))
		return je_helper_failed(j, "output validator", &j->chk);
	const char *v = jc_check_verdict(j, j->box, msg, sizeof msg, &score);
	s_pass_end(j, j->box, v, msg, sizeof msg, score);
}

/* One side of an interaction ended (1 program, 2 validator); the
 * second one's end judges the test. */
static void s_side_ended(job_t *j, int side)
{
	char msg[256] = "";
	double score = NAN;
	if (!jc_side_ended(j, side))
		return;
	const char *v = jc_interacted(j, msg, sizeof msg, &score);
	s_pass_end(j, box_peer(j->box), v, msg, sizeof msg, score);
}

/* The peer's validator ended. */
static void s_peer_reaped(void *arg, box_t *b, int code, char *rec)
{
	judge_t *self = arg;
	job_t *j = &self->jobs[box_index(b)];
	spawn_parse_record(rec, &j->chk);
	if (!j->has_job || j->killed || !j->interactive)
		return;
	if (code != 0 || !j->chk.ran || !strcmp(j->chk.status, "internal_error") ||
	    j->lost || !s_space_ok(j, true)) {
		j->ended |= 2;		/* s_ran sees that the helper failed */
		snprintf(j->chk.status, sizeof j->chk.status, "internal_error");
		if (j->ended == 3)
			je_helper_failed(j, "interactive validator", &j->chk);
		return;
	}
	s_side_ended(j, 2);
}

/* A run ended: its record came and its pipes are at EOF. Past fsize_kb
 * (the daemon killed it), its status is output_limit whatever the
 * helper says. */
static void s_ran(job_t *j, int code, char *rec)
{
	step_t *s = &j->run;
	free(s->out), free(s->err);
	spawn_parse_record(rec, s);
	jo_take(j, s);
	jo_close(j);
	if (j->ofail)
		return je_helper_failed(j, "run", NULL);
	if (!j->over && (code != 0 || !s->ran || !strcmp(s->status, "internal_error")))
		return je_helper_failed(j, "run", s);
	jt_pass_figures(j);
	if (j->interactive) {
		if (!strcmp(j->chk.status, "internal_error") && (j->ended & 2))
			return je_helper_failed(j, "interactive validator", &j->chk);
		return s_side_ended(j, 1);
	}
	if (j->has_tests && j->desc.has_validator && !strcmp(s->status, "ok")) {
		j->next = jc_start_check;	/* the validator, in the cleaned box */
		if (box_clean(j->box, BOX_CLEAN_MID))
			je_helper_failed(j, "clean", NULL);
		return;
	}
	if (j->has_tests)
		return s_tested(j);
	je_finish(j, S_JUDGED, s->status, NULL);	/* s holds the output's first output_kb */
}

/* A killed job's helper ended: the job leaves, its box is cleaned. */
static void s_killed(job_t *j)
{
	char user[NAME_MAX_LEN + 1];
	uint64_t id = j->js.id;
	box_phase p = box_get_phase(j->box);
	snprintf(user, sizeof user, "%s", j->js.user);
	je_release(j);
	j->killed = false;
	if (p == BOX_CLEAN_MID || box_clean(j->box, BOX_CLEAN))
		box_set_idle(j->box);
	j->cbs->left(j->cbs->arg, id, user, -1);
}

/* The step that ended in phase ph, for a message. */
static const char *s_step(box_phase ph)
{
	return ph == BOX_COMPILE ? "compile" : ph == BOX_VCOMPILE ?
	       "compile the output validator" : ph == BOX_RUN ? "run" :
	       ph == BOX_CHECK ? "output validator" : "clean";
}

/* Whether what the step that ended in phase ph left cannot be trusted:
 * a commit of this attempt's results failed, or the state directory is
 * (or became) full during a step that writes there (j->why says which).
 * A run writes there only when judged (the spool of its stdout); the
 * output of any other run is in the daemon's memory, from pipes. */
static bool s_untrusted(job_t *j, box_phase ph)
{
	if (j->lost)
		return snprintf(j->why, sizeof j->why, "the store could not keep this "
				"attempt's results (a commit failed)"), true;
	return (ph == BOX_COMPILE || ph == BOX_VCOMPILE || ph == BOX_CHECK ||
		(ph == BOX_RUN && j->has_tests)) && !s_space_ok(j, true);
}

/* A helper child ended (its record came, and a run's pipes are at EOF):
 * move the job on by its box's phase. */
static void s_step_end(job_t *j, box_t *b, int code, char *rec)
{
	if (j->has_job && s_untrusted(j, box_get_phase(b)))
		return je_helper_failed(j, s_step(box_get_phase(b)), NULL);
	switch (box_get_phase(b)) {
	case BOX_BROKEN:
	case BOX_CLEAN_MID:
		if (code || !j->next)
			je_helper_failed(j, "clean", NULL);
		else if (j->next(j))
			je_helper_failed(j, "start", NULL);
		break;
	case BOX_COMPILE:
		s_compiled(j, code, rec);
		break;
	case BOX_VCOMPILE:
		s_vcompiled(j, code, rec);
		break;
	case BOX_CHECK:
		s_checked(j, code, rec);
		break;
	case BOX_RUN:
		s_ran(j, code, rec);
		break;
	case BOX_IDLE:
	case BOX_CLEAN:
		break;
	}
}

/* A run's output stream i is readable: drained; past fsize_kb its step
 * is killed (its output already closed); a spool that cannot be written
 * ends the step too (an internal failure). */
static void s_drain(job_t *j, int i)
{
	int r = jo_drain(j, i);
	if (r < 0) {
		j->ofail = true;
		jo_close(j);
	}
	if (r && !j->pending)
		box_kill(j->box);
}

/* A run's record came: true if it waits for the pipes' EOF (in j->prec;
 * judge_ready ends the step then). What the pipes hold now is read first:
 * the job is over, so its last bytes are there already. */
static bool s_wait_eof(job_t *j, int code, const char *rec)
{
	j->pending = true;	/* no kill: the step is over */
	for (int i = 0; i < 2; i++)
		if (j->ofd[i] >= 0)
			s_drain(j, i);
	j->pending = !jo_done(j);
	if (j->pending) {
		j->pcode = code;
		snprintf(j->prec, sizeof j->prec, "%s", rec);
	}
	return j->pending;
}

static void s_reaped(void *arg, box_t *b, int code, char *rec)
{
	judge_t *self = arg;
	job_t *j = &self->jobs[box_index(b)];
	if (j->killed && j->has_job)
		return s_killed(j);
	if (j->has_job && box_get_phase(b) == BOX_RUN && s_wait_eof(j, code, rec))
		return;
	s_step_end(j, b, code, rec);
}

/* ---- a job's start ---- */

/* A submission's problem: its spec's (jobs of judgebox 0.2.0) or the
 * desc.mp of the snapshot its spec names (ops.c). */
static int s_load_desc(job_t *j, char *why, size_t size)
{
	char path[600];
	const msgpack_object *d = mp_get(j->spec.root, "desc");
	if (d)
		return desc_load(&j->desc, d, why, size);
	if (!mp_str_copy(mp_get(j->spec.root, "snap"), path, sizeof path - 8))
		return snprintf(why, size, "the stored job names no problem"), -1;
	strcat(path, "/desc.mp");
	return desc_read(&j->desc, path, why, size);
}

/* A submission's tests, its problem's; and its output validator. */
static int s_submit_setup(job_t *j, char *why, size_t size)
{
	if (s_load_desc(j, why, size))
		return -1;
	j->has_tests = j->problem = true;
	j->all = mp_str_eq(mp_get(j->spec.root, "mode"), "all");
	j->res = calloc(j->desc.ntests + 1, sizeof *j->res);
	if (!j->desc.ntests || !j->res)
		return snprintf(why, size, "the problem has no tests"), -1;
	for (unsigned i = 0; i < j->desc.ntests; i++)
		j->res[i] = (grade_test){ GRADE_NOT_RUN, NAN };
	if (!j->desc.has_validator)
		return 0;
	const desc_validator *v = &j->desc.validator;
	j->interactive = v->interactive;
	j->vlang = conf_lang(j->c, v->lang);
	if (!j->vlang || !j->vlang->available || !v->files)
		return snprintf(why, size, "the output validator's language %s "
				"is not available", v->lang), -1;
	return 0;
}

/* A `test` job's tests, comparison and mode, from its spec. */
static int s_test_setup(job_t *j, char *why, size_t size)
{
	char field[48], err[160];
	const msgpack_object *root = j->spec.root, *t, *c;
	j->vlang = NULL;
	j->interactive = false;
	j->test_idx = 0;
	j->pass = 1;
	*j->verdict = *j->first_fail = *j->fail_status = 0;
	if (mp_str_eq(mp_get(root, "kind"), "submit"))
		return s_submit_setup(j, why, size);
	if (!mp_str_eq(mp_get(root, "kind"), "test"))
		return 0;
	if ((t = mp_get(root, "tests")) && desc_load_tests(&j->desc, t, why, size))
		return -1;
	j->has_tests = t != NULL;
	j->all = mp_str_eq(mp_get(root, "mode"), "all");
	/* each test's outcome, for requirement coverage (judge_end.c) */
	if (j->has_tests && !(j->res = calloc(j->desc.ntests + 1, sizeof *j->res)))
		return snprintf(why, size, "out of memory"), -1;
	for (unsigned i = 0; j->has_tests && i < j->desc.ntests; i++)
		j->res[i] = (grade_test){ GRADE_NOT_RUN, NAN };
	compare_opts_default(&j->cmp);
	c = mp_get(root, "compare");
	if (c && c->via.map.size &&
	    compare_opts_from(c, &j->cmp, field, sizeof field, err, sizeof err))
		return snprintf(why, size, "%s: %s", field, err), -1;
	return 0;
}

/* Why job j cannot start, into why ("" if it can). */
static void s_setup(judge_t *self, job_t *j, char *why, size_t size)
{
	char err[128];
	j->lang = conf_lang(self->c, j->js.lang);
	if (!j->lang)
		snprintf(why, size, "language %s is no longer configured", j->js.lang);
	else if (!j->lang->available)
		snprintf(why, size, "language %s is not available on this "
			 "host: %s", j->js.lang, j->lang->reason);
	else if (mp_parse(&j->spec, j->js.spec, j->js.spec_len, false, err, sizeof err))
		snprintf(why, size, "the stored job is unreadable: %s", err);
	else {
		j->files = mp_get(j->spec.root, "files");
		if (!mp_as_bool(mp_get(j->spec.root, "stream"), &j->stream))
			j->stream = false;
		j->ochunk = 0;
		j->args = mp_get(j->spec.root, "args");
		s_test_setup(j, why, size);
	}
}

/* ---- the pool ---- */

int judge_start(judge_t *self, jobspec_t *js)
{
	box_t *b = boxes_idle(self->pool);
	if (!b)
		return -1;
	job_t *j = &self->jobs[box_index(b)];
	j->js = *js;
	memset(js, 0, sizeof *js);
	j->has_job = true;
	j->killed = j->wrote = j->lost = j->pending = j->ofail = false;
	*j->why = 0;
	j->has_tests = j->problem = false;
	j->files = j->args = NULL;
	memset(&j->comp, 0, sizeof j->comp);
	memset(&j->run, 0, sizeof j->run);
	j->cout_bytes = 0;
	char why[400] = "";
	s_setup(self, j, why, sizeof why);
	if (*why) {
		mp_doc_free(&j->spec);
		memset(&j->spec, 0, sizeof j->spec);
		je_finish(j, S_FAILED, "internal_error", why);
		return 0;
	}
	if (s_begin(j))
		je_helper_failed(j, "start", NULL);
	return 0;
}

bool judge_kill(judge_t *self, uint64_t id)
{
	for (unsigned i = 0; i < self->n; i++) {
		job_t *j = &self->jobs[i];
		if (!j->has_job || j->js.id != id)
			continue;
		j->killed = true;
		if (j->pending) {	/* its run ended, its output had not */
			j->pending = false;
			box_kill(box_peer(j->box));
			s_killed(j);
			return true;
		}
		if (box_get_phase(j->box) != BOX_CLEAN_MID)
			box_kill(j->box);
		box_kill(box_peer(j->box));
		return true;
	}
	return false;
}

void judge_requeue_all(judge_t *self)
{
	for (unsigned i = 0; i < self->n; i++) {
		job_t *j = &self->jobs[i];
		if (!j->has_job || j->killed)
			continue;
		store_begin(self->st);	/* a drain is never the job's fault: no limit */
		if (store_requeue(self->st, j->js.id, 0, UINT64_MAX) == S_QUEUED)
			self->cbs.state_changed(self->cbs.arg, j->js.id, S_QUEUED);
		judge_kill(self, j->js.id);
	}
}

size_t judge_pollfds(judge_t *self, int *fds, size_t max)
{
	size_t n = boxes_pollfds(self->pool, fds, max);
	for (unsigned i = 0; i < self->n && n < max; i++)
		if (self->jobs[i].has_job)
			n += jo_pollfds(&self->jobs[i], fds + n, max - n);
	return n;
}

void judge_ready(judge_t *self, int fd)
{
	for (unsigned i = 0; i < self->n; i++) {
		job_t *j = &self->jobs[i];
		int k = j->has_job ? jo_which(j, fd) : -1;
		if (k < 0)
			continue;
		s_drain(j, k);
		if (j->pending && jo_done(j)) {
			j->pending = false;
			s_step_end(j, j->box, j->pcode, j->prec);
		}
		return;
	}
	boxes_ready(self->pool, fd);
}
int judge_free_count(const judge_t *self) { return boxes_free_count(self->pool); }
int judge_active_count(const judge_t *self) { return boxes_active_count(self->pool); }
int judge_total(const judge_t *self) { return (int)self->n; }

int judge_jobs_count(const judge_t *self)
{
	int n = 0;
	for (unsigned i = 0; i < self->n; i++)
		n += self->jobs[i].has_job;
	return n;
}

bool judge_has(const judge_t *self, uint64_t id)
{
	for (unsigned i = 0; i < self->n; i++)
		if (self->jobs[i].has_job && self->jobs[i].js.id == id)
			return true;
	return false;
}

void judge_turn_end(judge_t *self, bool committed)
{
	for (unsigned i = 0; i < self->n; i++) {
		job_t *j = &self->jobs[i];
		if (!committed && j->has_job) {
			j->lost |= j->wrote;
			j->state = -1;		/* stored again at its next change */
		}
		j->wrote = false;
	}
}

judge_t *judge_new(const conf_t *c, store_t *st, const judge_cbs_t *cbs)
{
	judge_t *self = calloc(1, sizeof *self);
	if (!self)
		return NULL;
	self->c = c, self->st = st, self->cbs = *cbs;
	box_cbs_t bc = { self, s_reaped, s_peer_reaped };
	self->n = c->boxes;
	if (!(self->jobs = calloc(self->n + 1, sizeof *self->jobs)) ||
	    !(self->cache = cache_new(c, st)) || !(self->pool = boxes_new(c, &bc)))
		return judge_destroy(&self), NULL;
	for (unsigned i = 0; i < self->n; i++) {
		job_t *j = &self->jobs[i];
		*j = (job_t){ .c = c, .st = st, .cache = self->cache, .cbs = &self->cbs,
			      .pool = self->pool, .box = boxes_at(self->pool, i),
			      .gate = { -1, -1, -1, -1 }, .ofd = { -1, -1 }, .spool = -1 };
	}
	return self;
}

void judge_destroy(judge_t **p)
{
	judge_t *self = *p;
	if (!self)
		return;
	boxes_destroy(&self->pool);
	for (unsigned i = 0; self->jobs && i < self->n; i++)
		if (self->jobs[i].has_job)
			je_release(&self->jobs[i]);
	free(self->jobs);
	cache_destroy(&self->cache);
	free(self);
	*p = NULL;
}
