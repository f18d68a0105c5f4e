/* judge_check.c: the problem's output validator (PROTOCOL.md 14.4), and
 * interactive problems, where it runs beside the program (judge_int.h).
 *
 * It runs in the box after the program's run, once `clean` has emptied
 * it: the contestant's files are gone, so the program cannot leave
 * anything for the validator. Its inputs are copies in /box: judge_in
 * and judge_ans, and for a testlib checker team_out; a Kattis validator
 * reads the team's output on stdin and writes into /box/feedback/.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxfs.h"
#include "judge_int.h"
#include "log.h"
#include "spawn.h"

/* /box/feedback/ with judgemessage.txt and score.txt made by us, mode
 * 0666: the validator (another uid, umask 077) writes into them, and we
 * can read them. One that replaces them instead leaves us no message. */
static int s_feedback_dir(int dir)
{
	if (mkdirat(dir, "feedback", 0777) || fchmodat(dir, "feedback", 0777, 0))
		return -1;
	int fb = openat(dir, "feedback", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r = fb < 0 || boxfs_put(fb, "judgemessage.txt", 16, "", 0, 0666) ||
		boxfs_put(fb, "score.txt", 9, "", 0, 0666) ||
		boxfs_put(fb, "score_multiplier.txt", 20, "", 0, 0666);
	if (fb >= 0)
		close(fb);
	return r ? -1 : 0;
}

/* The validator's limits (the problem's validation limits, the rest the
 * daemon's defaults, all cut to the ceilings) and its arguments. */
typedef struct vrun {
	limits_t lim;
	char flags[600];
	char *xa[40];
} vrun_t;

static void s_vrun(job_t *j, bool testlib, vrun_t *v)
{
	const desc_validator *val = &j->desc.validator;
	char tf[256] = "", *save, *t;
	int nx = 0;
	memcpy(v->lim, j->c->def, sizeof v->lim);
	if (val->cpu_ms != DESC_UNSET)
		v->lim[L_CPU] = val->cpu_ms;
	if (val->memory_kb != DESC_UNSET)
		v->lim[L_MEM] = val->memory_kb;
	if (val->fsize_kb != DESC_UNSET)
		v->lim[L_FSIZE] = val->fsize_kb;
	v->lim[L_WALL] = v->lim[L_CPU] * 2 + 1000;
	for (int i = 0; i < L_COUNT; i++)
		if (v->lim[i] > j->c->hceil[i])
			v->lim[i] = j->c->hceil[i];
	v->xa[nx++] = "/box/judge_in";
	if (testlib) {
		v->xa[nx++] = "/box/team_out", v->xa[nx++] = "/box/judge_ans";
		v->xa[nx] = NULL;
		return;
	}
	v->xa[nx++] = "/box/judge_ans", v->xa[nx++] = "/box/feedback/";
	*v->flags = 0;
	desc_span_copy(j->desc.flags, v->flags, sizeof v->flags);
	desc_span_copy(j->desc.tests[j->test_idx].flags, tf, sizeof tf);
	if (*tf)
		snprintf(v->flags + strlen(v->flags), sizeof v->flags - strlen(v->flags), " %s", tf);
	for (t = strtok_r(v->flags, " ", &save); t && nx < 39; t = strtok_r(NULL, " ", &save))
		v->xa[nx++] = t;
	v->xa[nx] = NULL;
}

/* The validator's command line in box b. */
static int s_vargv(job_t *j, box_t *b, const vrun_t *v, char **argv, char *buf,
		   size_t size)
{
	spawn_cmd c = { box_number(b), j->vlang, v->lim, j->vlang->policy,
			j->vlang->run, false, v->xa, NULL, NULL };
	return spawn_argv(&c, argv, buf, size);
}

int jc_start_check(job_t *j)
{
	box_t *b = j->box;
	bool testlib = j->desc.validator.testlib;
	int dir = -1, in = -1, ans = -1, out = -1, cout = -1, cerr = -1, r = -1;
	char *argv[ARGV_FIXED + 41], buf[8192], p[1024];
	vrun_t v;
	s_vrun(j, testlib, &v);
	if (jt_load_prog(j, b, j->vlang, j->desc.validator.files, j->vcache_entry) ||
	    (dir = box_dir(b)) < 0 || (in = jt_test_file(j, false)) < 0 ||
	    (ans = jt_test_file(j, true)) < 0 ||
	    (out = open(box_io_path(b, "stdout", p, sizeof p), O_RDONLY | O_CLOEXEC)) < 0 ||
	    boxfs_copy_in(dir, "judge_in", in) || boxfs_copy_in(dir, "judge_ans", ans) ||
	    (testlib ? boxfs_copy_in(dir, "team_out", out) : s_feedback_dir(dir)) ||
	    (cout = box_io_open(b, "check.out")) < 0 || (cerr = box_io_open(b, "check.err")) < 0 ||
	    s_vargv(j, b, &v, argv, buf, sizeof buf))
		goto done;
	r = box_spawn(b, BOX_CHECK, argv, testlib ? -1 : out, cout, cerr);
done:
	if (r)
		jlog(LOG_ERR, "job %" PRIu64 " box %u: cannot start the output validator: %m",
		     j->js.id, box_number(b));
	for (int *f = (int[]){ dir, in, ans, out, cout, cerr, -2 }; *f != -2; f++)
		if (*f >= 0)
			close(*f);
	return r;
}

/* The first line of a file the validator wrote in the box, or of one of
 * its outputs: never through a link, at most size - 1 bytes. */
static void s_feedback(box_t *b, const char *name, char *dst, size_t size)
{
	int dir = -1, fd;
	struct stat st;
	char p[1024];
	*dst = 0;
	if (name[0] == '/')
		fd = open(box_io_path(b, name + 1, p, sizeof p), O_RDONLY | O_CLOEXEC);
	else {
		int top = box_dir(b);
		dir = top < 0 ? -1 : openat(top, "feedback", O_RDONLY | O_DIRECTORY |
					    O_NOFOLLOW | O_CLOEXEC);
		if (top >= 0)
			close(top);
		fd = dir < 0 ? -1 : openat(dir, name, O_RDONLY | O_NOFOLLOW |
					   O_NONBLOCK | O_CLOEXEC);
	}
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode)) {
		ssize_t n = pread(fd, dst, size - 1, 0);
		dst[n > 0 ? n : 0] = 0;
		dst[strcspn(dst, "\n")] = 0;
	}
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
}

/* A Kattis validator accepted (exit 42) or not (43): with scores, its
 * score files. 2023-07 scoring: both optional, score_multiplier.txt the
 * multiplier of the test's max. */
static const char *s_kattis(job_t *j, box_t *in, bool ac, char *msg, size_t size,
			    double *score)
{
	const desc_validator *val = &j->desc.validator;
	char num[64] = "", *end;
	if (val->score_v2 && ac) {
		s_feedback(in, "score_multiplier.txt", num, sizeof num);
		double m = strtod(num, &end);
		if (end != num && isfinite(m) && m >= 0 && m <= 1)
			*score = m * grade_test_score(&j->desc, j->test_idx, true);
		s_feedback(in, "score.txt", num, sizeof num);
		double sc = strtod(num, &end);
		if (end != num && isfinite(sc) && sc >= 0)
			*score = sc;
	} else if (val->score && ac) {
		s_feedback(in, "score.txt", num, sizeof num);
		*score = strtod(num, &end);
		if (end == num || !isfinite(*score)) {
			*score = NAN;
			snprintf(msg, size, "the output validator accepted "
				 "without a number in score.txt");
			return "judge_error";
		}
	}
	return ac ? "accepted" : "wrong_answer";
}

/* A testlib checker gave points (exit 7): stderr "points X ..." or "X ...". */
static const char *s_points(job_t *j, char *msg, size_t size, double *score)
{
	char *end;
	const char *p = strncmp(msg, "points ", 7) ? msg : msg + 7;
	*score = strtod(p, &end);
	if (end == p || !isfinite(*score) || !j->desc.scoring) {
		*score = NAN;
		snprintf(msg, size, "the checker gave points (exit 7) %s",
			 j->desc.scoring ? "without a number" : "for a pass-fail problem");
		return "judge_error";
	}
	return *score > 0 ? "accepted" : "wrong_answer";
}

/* The validator failed: what it did, and its message, in msg. */
static void s_failed(job_t *j, bool exited, char *msg, size_t size)
{
	const step_t *s = &j->chk;
	char what[96], m2[400];
	if (exited)
		snprintf(what, sizeof what, "exit %" PRIu64, s->exit_code);
	else if (!strcmp(s->status, "signal"))
		snprintf(what, sizeof what, "signal %" PRIu64, s->signal);
	else
		snprintf(what, sizeof what, "%s", s->status);
	snprintf(m2, sizeof m2, "the %s failed (%s)%s%.180s",
		 j->desc.validator.testlib ? "checker" : "output validator", what,
		 *msg ? ": " : "", msg);
	snprintf(msg, size, "%.255s", m2);
}

/* The validator's verdict. Kattis: exit 42 accepted, 43 wrong answer,
 * feedback/judgemessage.txt, feedback/score.txt (validation: custom
 * score). testlib: exit 0 OK, 1 WA, 2 PE, 3 fail, 7 points (stderr
 * "points X ..." or "X ..."). Anything else is the problem's fault:
 * judge_error, never the contestant's. */
const char *jc_check_verdict(job_t *j, box_t *in, char *msg, size_t size,
			     double *score)
{
	const step_t *s = &j->chk;
	bool testlib = j->desc.validator.testlib;
	uint64_t e = s->exit_code;
	bool exited = !strcmp(s->status, "ok") || !strcmp(s->status, "exit");
	*score = NAN;
	s_feedback(in, testlib ? "/check.err" : "judgemessage.txt", msg, size);
	if (exited && !testlib && (e == 42 || e == 43))
		return s_kattis(j, in, e == 42, msg, size, score);
	if (exited && testlib && e <= 2)
		return e == 0 ? "accepted" : e == 1 ? "wrong_answer" : "presentation_error";
	if (exited && testlib && e == 7)
		return s_points(j, msg, size, score);
	s_failed(j, exited, msg, size);
	return "judge_error";
}

/* ---- interactive problems (PROTOCOL.md 14.4) ----
 *
 * The program runs in its box and the validator in the box's peer, at the
 * same time, each in its own jail, connected by two pipes: the program's
 * stdout is the validator's stdin and the validator's stdout the
 * program's stdin. Neither can hang the judge: when one ends, the other
 * sees EOF or EPIPE, and each has its own limits. The program's figures
 * are its own. Kattis semantics for the verdict: whichever ended first
 * decides; the validator's wrong_answer wins over a failure of the program
 * that came after it (typically SIGPIPE or EOF, because the validator had
 * stopped).
 *
 * Which ended first is known for sure, because the daemon holds the gate:
 * it keeps its own copies of both ends of both pipes until it has reaped
 * one side. Until then neither side can see EOF or EPIPE: the survivor of
 * the first end blocks instead of failing because of it. Reaping the first
 * side drops the gate, and only then can the other side learn of it. Two
 * sides reaped in one loop turn ended on their own, each unaware of the
 * other: the program's failure is then its own and stands. */
void jc_gate_drop(job_t *j)
{
	for (int i = 0; i < 4; i++)
		if (j->gate[i] >= 0)
			close(j->gate[i]), j->gate[i] = -1;
}

const char *jc_interacted(job_t *j, char *msg, size_t size, double *score)
{
	const char *pv = grade_run_verdict(j->run.status), *v;
	bool pipe_v = !strcmp(j->chk.status, "signal") && j->chk.signal == SIGPIPE;
	int first = j->first;
	const char *vv = jc_check_verdict(j, box_peer(j->box), msg, size, score);
	if (pv && first == 1)
		v = pv, *msg = 0, *score = NAN;		/* the program failed first */
	else if (pipe_v && !pv)
		v = "wrong_answer", *score = NAN,
		snprintf(msg, size, "the program ended while the validator was "
			 "still writing to it");
	else if (strcmp(vv, "accepted"))
		v = vv;					/* wrong_answer or judge_error */
	else if (pv)
		v = pv, *msg = 0, *score = NAN;
	else
		v = vv;
	return v;
}

/* One side of an interaction ended (1 program, 2 validator): the first
 * drops the gate, unless the other has ended too (its helper is already
 * reaped, or waits to be): then the program came first. The second one's
 * end judges the test. */
bool jc_side_ended(job_t *j, int side)
{
	if (!j->ended) {
		box_t *other = side == 1 ? box_peer(j->box) : j->box;
		j->first = box_ended(other) ? 1 : side;
		jc_gate_drop(j);
	}
	return (j->ended |= side) == 3;
}

/* The files an interaction needs, and its pipes. */
typedef struct ifds {
	int dir, in, ans, err, cerr, tov[2], top[2];	/* to validator, to program */
} ifds_t;

/* Both programs into their clean boxes (the peer may still hold the last
 * test's validator: it is ended first), the validator's inputs, the
 * pipes. */
static int s_interact_files(job_t *j, ifds_t *f)
{
	box_t *b = j->box, *pb = box_peer(b);
	return !boxes_peers_ok(j->pool) || box_clean_wait(pb) ||
	       jt_load_prog(j, pb, j->vlang, j->desc.validator.files, j->vcache_entry) ||
	       jt_load_prog(j, b, j->lang, j->files, j->cache_entry) ||
	       (f->dir = box_dir(pb)) < 0 || (f->in = jt_test_file(j, false)) < 0 ||
	       (f->ans = jt_test_file(j, true)) < 0 || boxfs_copy_in(f->dir, "judge_in", f->in) ||
	       boxfs_copy_in(f->dir, "judge_ans", f->ans) || s_feedback_dir(f->dir) ||
	       (f->cerr = box_io_open(pb, "check.err")) < 0 ||
	       (f->err = box_io_open(b, "stderr")) < 0 ||
	       pipe2(f->tov, O_CLOEXEC) || pipe2(f->top, O_CLOEXEC) ? -1 : 0;
}

/* The validator in the peer, then the program; the gate held. */
static int s_interact_spawn(job_t *j, ifds_t *f, const vrun_t *v)
{
	box_t *b = j->box, *pb = box_peer(b);
	char *argv[ARGV_FIXED + 41], buf[8192];
	if (s_vargv(j, pb, v, argv, buf, sizeof buf) ||
	    box_spawn(pb, BOX_CHECK, argv, f->tov[0], f->top[1], f->cerr))
		return -1;
	char *pargv[ARGV_FIXED + 1], pbuf[8192], *none[] = { NULL };
	spawn_cmd c = { box_number(b), j->lang, j->js.lim, j->lang->policy,
			j->lang->run, false, none, NULL, mp_get(j->spec.root, "main") };
	if (spawn_argv(&c, pargv, pbuf, sizeof pbuf) ||
	    box_spawn(b, BOX_RUN, pargv, f->top[0], f->tov[1], f->err)) {
		box_kill(pb);
		return -1;
	}
	memcpy(j->gate, (int[]){ f->tov[0], f->tov[1], f->top[0], f->top[1] },
	       sizeof j->gate);
	f->tov[0] = f->tov[1] = f->top[0] = f->top[1] = -1;	/* held until one side ends */
	return 0;
}

int jc_start_interact(job_t *j)
{
	ifds_t f = { -1, -1, -1, -1, -1, { -1, -1 }, { -1, -1 } };
	vrun_t v;
	s_vrun(j, false, &v);
	j->ended = j->first = 0;
	jc_gate_drop(j);
	memset(&j->run, 0, sizeof j->run);
	memset(&j->chk, 0, sizeof j->chk);
	int r = s_interact_files(j, &f) || s_interact_spawn(j, &f, &v) ? -1 : 0;
	if (r)
		jlog(LOG_ERR, "job %" PRIu64 " box %u: cannot start the interaction%s",
		     j->js.id, box_number(j->box), boxes_peers_ok(j->pool) ? "" :
		     ": the helper has no peer boxes "
		     "(its `boxes` must be at least first_box + 2 x boxes)");
	for (int *p = (int[]){ f.dir, f.in, f.ans, f.err, f.cerr, f.tov[0], f.tov[1],
			       f.top[0], f.top[1], -2 }; *p != -2; p++)
		if (*p >= 0)
			close(*p);
	return r;
}
