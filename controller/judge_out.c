/* judge_out.c: a run's stdout and stderr through pipes the daemon drains
 * (judge_int.h). The job writes into the pipes' write ends, passed to the
 * helper as its fds 1 and 2; the daemon polls the read ends (non-blocking)
 * beside the boxes' fds and, for each stream:
 *
 *   - keeps its first bytes in memory: a run's reply cap (output_kb), a
 *     test's first JO_TEST_KEEP bytes (the per-test output of a result);
 *   - when judging, copies stdout into state_dir/io/N/stdout, a file of
 *     the daemon's (its page cache is the daemon's, not the job's), which
 *     the comparison and the output validator read once the run ended,
 *     and which is emptied when the job ends;
 *   - with `stream: true`, hands each piece up (judge_cbs_t.output) until
 *     the reply cap is published;
 *   - counts its bytes: past the job's fsize_kb, the step is killed and
 *     its status is output_limit.
 *
 * Nothing of the output is ever written into the box or charged to the
 * job's memory cgroup. The step ends when both its record has come and
 * both pipes are at EOF (judge.c), so no tail is lost.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "judge_int.h"
#include "log.h"

/* Fewer wake-ups for a big output. The pages a pipe holds are charged to
 * its writer, the job (at most 2 x this, unread), and count against the
 * daemon's user's pipe-user-pages-soft (64 MiB by default): 2 pipes per
 * busy box stay well below it for a pool of dozens of boxes. */
#define PIPE_SIZE	(256 << 10)
#define DRAIN_MAX	(4u << 20)	/* per call: the loop serves the others too */

static const char *const s_names[2] = { "stdout", "stderr" };

void jo_close(job_t *j)
{
	for (int i = 0; i < 2; i++)
		if (j->ofd[i] >= 0)
			close(j->ofd[i]), j->ofd[i] = -1;
	if (j->spool >= 0)
		close(j->spool), j->spool = -1;
}

void jo_free(job_t *j)
{
	jo_close(j);
	for (int i = 0; i < 2; i++) {
		free(j->okeep[i]);
		j->okeep[i] = NULL;
		j->olen[i] = 0;
	}
}

/* A pipe: its read end non-blocking into *rd, its write end (blocking,
 * the job's) into *wr. 0 or -1. */
static int s_pipe(int *rd, int *wr)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC))
		return -1;
	(void)fcntl(p[0], F_SETPIPE_SZ, PIPE_SIZE);	/* best effort */
	if (fcntl(p[0], F_SETFL, O_NONBLOCK)) {
		close(p[0]), close(p[1]);
		return -1;
	}
	*rd = p[0], *wr = p[1];
	return 0;
}

int jo_open(job_t *j, bool out, int w[2])
{
	char p[1024];
	jo_free(j);
	w[0] = w[1] = -1;
	j->over = false;
	j->obytes[0] = j->obytes[1] = j->ostreamed[0] = j->ostreamed[1] = 0;
	j->ostart = mono_ms();
	j->okeepcap = j->has_tests ? JO_TEST_KEEP : j->js.lim[L_OUTPUT] * 1024;
	if (out && j->has_tests && (j->spool = open(box_io_path(j->box, "stdout", p, sizeof p),
						    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
						    0600)) < 0)
		return -1;
	for (int i = out ? 0 : 1; i < 2; i++)
		if (s_pipe(&j->ofd[i], &w[i])) {
			jo_close(j);
			for (int k = 0; k < 2; k++)
				if (w[k] >= 0)
					close(w[k]), w[k] = -1;
			return -1;
		}
	return 0;
}

size_t jo_pollfds(const job_t *j, int *fds, size_t max)
{
	size_t n = 0;
	for (int i = 0; i < 2 && n < max; i++)
		if (j->ofd[i] >= 0)
			fds[n++] = j->ofd[i];
	return n;
}

int jo_which(const job_t *j, int fd)
{
	return fd < 0 ? -1 : fd == j->ofd[0] ? 0 : fd == j->ofd[1] ? 1 : -1;
}

bool jo_done(const job_t *j)
{
	return j->ofd[0] < 0 && j->ofd[1] < 0;
}

/* The first okeepcap bytes of stream i. */
static void s_keep(job_t *j, int i, const char *p, size_t n)
{
	size_t room = j->okeepcap - j->olen[i];
	if (n > room)
		n = room;
	if (!n)
		return;
	if (!j->okeep[i]) {
		j->okeep[i] = malloc(j->okeepcap);
		if (!j->okeep[i])
			return;
	}
	memcpy(j->okeep[i] + j->olen[i], p, n);
	j->olen[i] += n;
}

/* Live output: the stream's pieces, until output_kb of it is published. */
static void s_stream(job_t *j, int i, const char *p, size_t n)
{
	uint64_t cap = j->js.lim[L_OUTPUT] * 1024;
	if (!j->stream || !j->cbs->output || j->ostreamed[i] >= cap)
		return;
	if (n > cap - j->ostreamed[i])
		n = (size_t)(cap - j->ostreamed[i]);
	j->ostreamed[i] += n;
	j->cbs->output(j->cbs->arg, j->js.id, s_names[i], ++j->ochunk, p, n,
		       j->ostreamed[i] >= cap);
}

/* n more bytes of stream i: kept, spooled, streamed, counted (past
 * fsize_kb: only counted). -1 if the spool cannot be written (j->why
 * says so). */
static int s_took(job_t *j, int i, const char *p, size_t n)
{
	uint64_t lim = j->js.lim[L_FSIZE] * 1024, was = j->obytes[i];
	j->obytes[i] += n;
	if (was >= lim)
		return 0;
	size_t use = j->obytes[i] > lim ? (size_t)(lim - was) : n;
	s_keep(j, i, p, use);
	s_stream(j, i, p, use);
	if (i == 0 && j->spool >= 0 && write_all(j->spool, p, use)) {
		if (!*j->why)
			snprintf(j->why, sizeof j->why, "cannot keep the run's output "
				 "in the state directory: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int jo_drain(job_t *j, int i)
{
	char buf[65536];
	size_t total = 0;
	while (j->ofd[i] >= 0 && total < DRAIN_MAX) {
		ssize_t n = read(j->ofd[i], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0) {		/* EOF (or a broken pipe: the same end) */
			close(j->ofd[i]), j->ofd[i] = -1;
			return 0;
		}
		total += (size_t)n;
		bool was = j->over;
		if (s_took(j, i, buf, (size_t)n))
			return -1;
		/* output_limit: judge.c kills the step. The pipes stay open (what
		 * comes until the kill is read and dropped), so the job dies of
		 * the kill, never of a SIGPIPE of ours. */
		if (!was && j->obytes[i] > j->js.lim[L_FSIZE] * 1024)
			return j->over = true, 1;
	}
	return 0;
}

void jo_take(job_t *j, step_t *s)
{
	s->out = j->okeep[0], s->out_len = j->olen[0], s->out_bytes = j->obytes[0];
	s->err = j->okeep[1], s->err_len = j->olen[1], s->err_bytes = j->obytes[1];
	j->okeep[0] = j->okeep[1] = NULL;
	j->olen[0] = j->olen[1] = 0;
	if (!j->over)
		return;
	if (!s->ran) {		/* killed with its `serve`: no record */
		s->ran = true;
		s->signal = 9;
		s->wall_us = (uint64_t)(mono_ms() - j->ostart) * 1000;
	}
	s->exit_code = 0;
	snprintf(s->status, sizeof s->status, "output_limit");
	snprintf(s->message, sizeof s->message, "%s passed the output limit (fsize_kb %llu)",
		 j->obytes[0] > j->js.lim[L_FSIZE] * 1024 ? "stdout" : "stderr",
		 (unsigned long long)j->js.lim[L_FSIZE]);
}
