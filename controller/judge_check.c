/* judge_check.c: the problem's output validator (PROTOCOL.md 14.4), and
 * interactive problems, where it runs beside the program (judge_int.h).
 *
 * It runs in the box after the program's run, once `clean` has emptied
 * it: the contestant's files are gone, so the program cannot leave
 * anything for the validator. Its inputs are copies in /box: judge_in
 * and judge_ans, and for a testlib checker team_out; a Kattis validator
 * reads the team's output on stdin and writes into /box/feedback/.
 * A multi-pass problem's validator leaves the next pass's input there;
 * the daemon keeps it, and the feedback directory, between passes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
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
#include "fsutil.h"
#include "judge_int.h"
#include "log.h"
#include "spawn.h"

/* Multi-pass problems: what the daemon keeps of a test's feedback
 * directory between passes (nextpass.in aside): at most FEEDBACK_FILES
 * regular files, each at most FEEDBACK_MAX bytes; more is the
 * validator's fault, a judge_error. */
#define FEEDBACK_FILES	64
#define FEEDBACK_MAX	(16u << 20)

/* A regular file of ours opened, or -1 (ENOENT: there is none; EFBIG: it
 * is over cap bytes; EINVAL: it is not a regular file). Never through a
 * link: what the box holds is hostile. */
static int s_open_reg(int dir, const char *name, uint64_t cap, struct stat *st)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), e;
	if (fd < 0)	/* a link, or a file the validator made unreadable */
		return errno = errno == ELOOP || errno == EACCES ? EINVAL : errno, -1;
	if (fstat(fd, st))
		e = errno;
	else if (!S_ISREG(st->st_mode) || (uint64_t)st->st_size > cap)
		e = S_ISREG(st->st_mode) ? EFBIG : EINVAL;
	else
		return fd;
	close(fd);
	return errno = e, -1;
}

/* Copy regular file name from dir to a new file under to (mode), at most
 * cap bytes of it (the size it had when opened: a box's files no longer
 * grow once its helper has ended). 0 or -1 (errno as s_open_reg). */
static int s_copy_file(int from, const char *name, int to, mode_t mode, uint64_t cap)
{
	struct stat st;
	int in = s_open_reg(from, name, cap, &st);
	if (in < 0)
		return -1;
	int out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int r = out < 0 || fchmod(out, mode) || fd_copy(in, out) ? -1 : 0;
	close(in);
	if (out >= 0 && close(out))
		r = -1;
	return r;
}

/* An empty feedback file the validator may write, unless it is there. */
static int s_put_empty(int fb, const char *name)
{
	return boxfs_put(fb, name, strlen(name), "", 0, 0666) && errno != EEXIST ? -1 : 0;
}

/* The daemon's copy of a multi-pass test's feedback directory,
 * state_dir/io/N/feedback/, opened (made if need be), or -1. */
static int s_kept_dir(job_t *j)
{
	char p[1024];
	box_io_path(j->box, "feedback", p, sizeof p);
	if (mkdir(p, 0700) && errno != EEXIST)
		return -1;
	return open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Past a multi-pass test's first pass: the feedback directory the
 * previous passes left, from the daemon's copy into fb, mode 0666. */
static int s_feedback_restore(job_t *j, int fb)
{
	int kept = s_kept_dir(j), r = kept < 0 ? -1 : 0;
	DIR *d = kept < 0 ? NULL : fdopendir(kept);
	struct dirent *e;
	if (kept >= 0 && !d)
		close(kept), r = -1;
	while (d && !r && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			r = s_copy_file(kept, e->d_name, fb, 0666, FEEDBACK_MAX);
	if (d)
		closedir(d);
	return r;
}

/* /box/feedback/ with judgemessage.txt and score.txt made by us, mode
 * 0666: the validator (another uid, umask 007) writes into them, and we
 * can read them. One that replaces them instead leaves us no message.
 * The directory is setgid: what the validator makes there (a multi-pass
 * problem's nextpass.in) is in our group, mode 0660, readable by us.
 * Past a multi-pass test's first pass, what the previous passes left. */
static int s_feedback_dir(job_t *j, int dir)
{
	if (mkdirat(dir, "feedback", 0777) || fchmodat(dir, "feedback", 02777, 0))
		return -1;
	int fb = openat(dir, "feedback", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r = fb < 0 || (j->pass > 1 && s_feedback_restore(j, fb)) ||
		s_put_empty(fb, "judgemessage.txt") || s_put_empty(fb, "score.txt") ||
		s_put_empty(fb, "score_multiplier.txt");
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
			j->vlang->run, false, v->xa, NULL, NULL, false };
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
	    (dir = box_dir(b)) < 0 || (in = jt_pass_input(j)) < 0 ||
	    (ans = jt_test_file(j, true)) < 0 ||
	    (out = open(box_io_path(b, "stdout", p, sizeof p), O_RDONLY | O_CLOEXEC)) < 0 ||
	    boxfs_copy_in(dir, "judge_in", in) || boxfs_copy_in(dir, "judge_ans", ans) ||
	    (testlib ? boxfs_copy_in(dir, "team_out", out) : s_feedback_dir(j, dir)) ||
	    (cout = box_io_open(b, "check.out")) < 0 || (cerr = box_io_open(b, "check.err")) < 0 ||
	    s_vargv(j, b, &v, argv, buf, sizeof buf))
		goto done;
	r = box_spawn(b, BOX_CHECK, argv, testlib ? -1 : out, cout, cerr);
done:
	if (r)
		jt_why(j, "cannot start the output validator in box %u", box_number(b));
	for (int *f = (int[]){ dir, in, ans, out, cout, cerr, -2 }; *f != -2; f++)
		if (*f >= 0)
			close(*f);
	return r;
}

/* Box b's feedback directory (never through a link), or -1. */
static int s_box_feedback(box_t *b)
{
	int top = box_dir(b);
	int dir = top < 0 ? -1 : openat(top, "feedback", O_RDONLY | O_DIRECTORY |
					O_NOFOLLOW | O_CLOEXEC);
	if (top >= 0)
		close(top);
	return dir;
}

/* The first line of regular file fd (last: its last line, as a
 * multi-pass validator appends a line per pass) into dst, at most size - 1
 * bytes. */
static void s_line(int fd, bool last, char *dst, size_t size)
{
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	off_t at = last && st.st_size > (off_t)size - 1 ? st.st_size - ((off_t)size - 1) : 0;
	ssize_t n = pread(fd, dst, size - 1, last ? at : 0);
	dst[n > 0 ? n : 0] = 0;
	char *nl;
	while (last && (nl = strrchr(dst, '\n')) && !nl[1])
		*nl = 0;			/* the last line's newline(s) */
	if (last && (nl = strrchr(dst, '\n')))
		memmove(dst, nl + 1, strlen(nl + 1) + 1);
	dst[strcspn(dst, "\n")] = 0;
}

/* The first line (last: the last) of a file the validator wrote in the
 * box, or of one of its outputs: never through a link, at most size - 1
 * bytes. */
static void s_feedback_at(box_t *b, const char *name, bool last, char *dst, size_t size)
{
	int dir = -1, fd;
	char p[1024];
	*dst = 0;
	if (name[0] == '/')
		fd = open(box_io_path(b, name + 1, p, sizeof p), O_RDONLY | O_CLOEXEC);
	else {
		dir = s_box_feedback(b);
		fd = dir < 0 ? -1 : openat(dir, name, O_RDONLY | O_NOFOLLOW |
					   O_NONBLOCK | O_CLOEXEC);
	}
	if (fd >= 0)
		s_line(fd, last, dst, size), close(fd);
	if (dir >= 0)
		close(dir);
}

static void s_feedback(box_t *b, const char *name, char *dst, size_t size)
{
	s_feedback_at(b, name, false, dst, size);
}

/* Whether the validator left nextpass.in in box in's feedback directory
 * (whatever it is: a link or a directory counts, and breaks the rules). */
static bool s_has_nextpass(box_t *in)
{
	struct stat st;
	int fb = s_box_feedback(in);
	bool r = fb >= 0 && !fstatat(fb, "nextpass.in", &st, AT_SYMLINK_NOFOLLOW);
	if (fb >= 0)
		close(fb);
	return r;
}

/* A Kattis validator accepted (exit 42) or not (43): with scores, its
 * score files. 2023-07 scoring: both optional, score_multiplier.txt the
 * multiplier of the test's max. */
static const char *s_kattis(job_t *j, box_t *in, bool ac, char *msg, size_t size,
			    double *score)
{
	const desc_validator *val = &j->desc.validator;
	char num[64] = "", *end;
	if (val->passes && ac && s_has_nextpass(in))
		return "accepted";	/* a pass before the last: no score yet */
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
	s_feedback_at(in, testlib ? "/check.err" : "judgemessage.txt",
		      j->desc.validator.passes > 0, msg, size);
	if (exited && !testlib && (e == 42 || e == 43))
		return s_kattis(j, in, e == 42, msg, size, score);
	if (exited && testlib && e <= 2)
		return e == 0 ? "accepted" : e == 1 ? "wrong_answer" : "presentation_error";
	if (exited && testlib && e == 7)
		return s_points(j, msg, size, score);
	s_failed(j, exited, msg, size);
	return "judge_error";
}

/* ---- multi-pass problems (PROTOCOL.md 14.4) ----
 *
 * The box is cleaned before the next pass runs, so what the validator
 * left for it is kept in the daemon's own io directory in between, read
 * from the box as feedback is read: never through a link, regular files
 * only, size-capped. nextpass.in becomes state_dir/io/N/nextpass.in (at
 * most the validator's output limit, validation_output: it cannot have
 * written more), the next pass's input; the feedback directory's other
 * regular files go to state_dir/io/N/feedback/ (FEEDBACK_FILES of
 * FEEDBACK_MAX bytes at most) and back into the box for the next pass's
 * validator. Anything else in it (a directory, a link) is not kept. */

/* The box's feedback files into the daemon's copy, emptied first. 0, 1
 * (the validator's fault: msg says why), -1. */
static int s_keep_feedback(job_t *j, int fb, char *msg, size_t size)
{
	dir_empty(s_kept_dir(j), 0);
	int kept = s_kept_dir(j), n = 0, r = kept < 0 ? -1 : 0;
	DIR *d = r ? NULL : fdopendir(fb);
	struct dirent *e;
	if (!d)
		close(fb), r = -1;
	while (d && !r && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, "nextpass.in"))
			continue;
		if (++n > FEEDBACK_FILES)
			r = 1, snprintf(msg, size, "the output validator left more than %d "
					"files in its feedback directory", FEEDBACK_FILES);
		else if (s_copy_file(dirfd(d), e->d_name, kept, 0600, FEEDBACK_MAX))
			r = errno == EINVAL ? 0 : errno != EFBIG ? -1 :
			    (snprintf(msg, size, "the output validator's feedback file %.64s "
				      "is over %u MiB", e->d_name, FEEDBACK_MAX >> 20), 1);
	}
	if (d)
		closedir(d);
	if (kept >= 0)
		close(kept);
	return r;
}

/* nextpass.in and the feedback directory from box in into the daemon's
 * io directory. 0, 1 (the validator's fault: msg says why), -1. */
static int s_keep(job_t *j, box_t *in, char *msg, size_t size)
{
	char p[1024];
	vrun_t v;
	s_vrun(j, false, &v);
	int io = open(box_io_path(j->box, "", p, sizeof p), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fb = s_box_feedback(in), r = io < 0 || fb < 0 ? -1 : 0;
	if (!r && unlinkat(io, "nextpass.in", 0) && errno != ENOENT)
		r = -1;
	if (!r && s_copy_file(fb, "nextpass.in", io, 0600, v.lim[L_FSIZE] * 1024))
		r = errno == EINVAL || errno == EFBIG ? 1 : -1;
	if (r == 1)
		snprintf(msg, size, "the output validator's nextpass.in is %s",
			 errno == EINVAL ? "not a regular file the daemon can read" :
			 "over its output limit");
	if (!r)
		r = s_keep_feedback(j, fb, msg, size), fb = -1;
	if (io >= 0)
		close(io);
	if (fb >= 0)
		close(fb);
	return r;
}

/* The Kattis rules: another pass only if the validator accepted (42)
 * and wrote nextpass.in, and only up to validation_passes; nextpass.in
 * with any other exit, or past the last pass, is a judge_error. A
 * program that failed (an interaction's) keeps its verdict. */
int jc_next_pass(job_t *j, box_t *in, const char **v, char *msg, size_t size)
{
	const step_t *c = &j->chk;
	uint64_t passes = j->desc.validator.passes;
	bool v42 = (!strcmp(c->status, "ok") || !strcmp(c->status, "exit")) && c->exit_code == 42;
	if (!passes || !s_has_nextpass(in))
		return 0;
	if (!v42) {
		if (strcmp(*v, "judge_error"))
			snprintf(msg, size, "the output validator wrote nextpass.in and did "
				 "not accept (%s, exit %" PRIu64 ")", c->status, c->exit_code);
		return *v = "judge_error", 0;
	}
	if (strcmp(*v, "accepted"))
		return 0;
	if (j->pass >= passes)
		return snprintf(msg, size, "too many passes: the output validator wrote "
				"nextpass.in on pass %u of validation_passes %" PRIu64,
				j->pass, passes), *v = "judge_error", 0;
	int r = s_keep(j, in, msg, size);
	if (r == 1)
		*v = "judge_error";
	if (r < 0)
		jt_why(j, "cannot keep the next pass's files in the state directory");
	if (r)
		return r < 0 ? -1 : 0;
	j->pass++;
	return 1;
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
	const char *pv = jt_run_verdict(j->run.status), *v;
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
	int dir, in, ans, w[2], cerr, tov[2], top[2];	/* to validator, to program */
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
	       (f->dir = box_dir(pb)) < 0 || (f->in = jt_pass_input(j)) < 0 ||
	       (f->ans = jt_test_file(j, true)) < 0 || boxfs_copy_in(f->dir, "judge_in", f->in) ||
	       boxfs_copy_in(f->dir, "judge_ans", f->ans) || s_feedback_dir(j, f->dir) ||
	       (f->cerr = box_io_open(pb, "check.err")) < 0 ||
	       jo_open(j, false, f->w) ||
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
			j->lang->run, false, none, NULL, mp_get(j->spec.root, "main"),
			j->desc.loopback };
	if (spawn_argv(&c, pargv, pbuf, sizeof pbuf) ||
	    box_spawn(b, BOX_RUN, pargv, f->top[0], f->tov[1], f->w[1])) {
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
	ifds_t f = { -1, -1, -1, { -1, -1 }, -1, { -1, -1 }, { -1, -1 } };
	vrun_t v;
	s_vrun(j, false, &v);
	j->ended = j->first = 0;
	jc_gate_drop(j);
	free(j->run.out), free(j->run.err);
	memset(&j->run, 0, sizeof j->run);
	memset(&j->chk, 0, sizeof j->chk);
	int r = s_interact_files(j, &f) || s_interact_spawn(j, &f, &v) ? -1 : 0;
	if (r)
		jt_why(j, "cannot start the interaction%s", boxes_peers_ok(j->pool) ? "" :
		       " (the helper has no peer boxes: its `boxes` must be at least "
		       "first_box + 2 x boxes)");
	for (int *p = (int[]){ f.dir, f.in, f.ans, f.w[1], f.cerr, f.tov[0], f.tov[1],
			       f.top[0], f.top[1], -2 }; *p != -2; p++)
		if (*p >= 0)
			close(*p);
	return r;
}
