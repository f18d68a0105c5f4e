/* follow.c: a job to its end. Without a terminal, one get that waits;
 * with one, the job's events on the SUB socket, each a progress line or
 * a test's line, with a get again whenever the events may have missed
 * something (PROTOCOL.md 11.3).
 */
#include <inttypes.h>
#include <string.h>
#include <zmq.h>
#include "cli.h"

/* get the job (output as asked); *job points into in. */
int job_get(cli_t *x, uint64_t id, bool output, in_t *in, const msgpack_object **job)
{
	req_t r;
	req_begin(&r, "get");
	req_kuint(&r, "id", id);
	req_kbool(&r, "output", output);
	if (output && x->o.source)
		req_kbool(&r, "source", true);
	int rc = conn_call(x, &r, conn_timeout(x), in);
	if (rc == RC_OK && !(*job = rd_map(in->root, "job"))) {
		fputs("judgebox: reply without a job\n", stderr);
		rc = RC_INTERNAL;
	}
	return rc;
}

/* Wait without events: get with wait until the job is terminal. */
int job_wait(cli_t *x, uint64_t id, in_t *in, const msgpack_object **job)
{
	for (;;) {
		char state[32];
		if (state_terminal(rd_str(*job, "state", state, sizeof state, "?")))
			return RC_OK;
		in_free(in);
		req_t r;
		req_begin(&r, "get");
		req_kuint(&r, "id", id);
		req_wait(x, &r);
		int rc = conn_call(x, &r, conn_wait_timeout(x), in);
		if (rc == RC_OK && !(*job = rd_map(in->root, "job"))) {
			fputs("judgebox: reply without a job\n", stderr);
			rc = RC_INTERNAL;
		}
		if (rc != RC_OK)
			return rc;
	}
}

/* A job that is run again (PROTOCOL.md 12.3) runs its tests from the first
 * again: say so, and show them again. */
static void s_new_attempt(cli_t *x, uint64_t id, uint64_t attempt, progress_t *p)
{
	if (attempt && x->attempt && attempt != x->attempt) {
		progress_end(p);
		fprintf(stderr, "job %" PRIu64 ": attempt %" PRIu64 ", from the first test again\n",
			id, attempt);
		if (x->shown)
			memset(x->shown, 0, (size_t)x->ttotal * sizeof *x->shown);
	}
	if (attempt)
		x->attempt = attempt;
}

/* Take events of job id until a terminal one, a gap in seq or QUIET_MS of
 * silence: each means "get again" (PROTOCOL.md 11.3, steps 3 and 4). With
 * tests, each test event prints its test's line (x->shown keeps a line
 * from printing twice, so an event older than the last get still counts)
 * and a new attempt is said. */
static int s_events(cli_t *x, uint64_t id, uint64_t seq, progress_t *p, bool tests)
{
	for (;;) {
		zmq_pollitem_t it = { x->c.sub, 0, ZMQ_POLLIN, 0 };
		if (zmq_poll(&it, 1, QUIET_MS) != 1)
			return RC_OK;
		in_t ev;
		int frames, rc = conn_recv(x->c.sub, &ev, &frames);
		if (rc == RC_OK && frames == 2 && in_parse(&ev, "event") == RC_OK &&
		    rd_u64(ev.root, "id", 0) == id) {
			char state[32];
			uint64_t s = rd_u64(ev.root, "seq", 0);
			rd_str(ev.root, "state", state, sizeof state, "?");
			if (tests)
				s_new_attempt(x, id, rd_u64(ev.root, "attempt", 0), p);
			if (tests && mp_str_eq(mp_get(ev.root, "event"), "test")) {
				progress_end(p);
				p->show = false;	/* the test lines are the progress now */
				rc = test_total(x, rd_u64(ev.root, "total", 0));
				test_line(x, rd_u64(ev.root, "index", 0), rd_map(ev.root, "test"));
			} else if (s > seq)
				progress_show(p, id, state);
			in_free(&ev);
			if (s > seq && (s != seq + 1 || state_terminal(state)))
				return RC_OK;
			if (s > seq)
				seq = s;
		} else
			in_free(&ev);
		if (rc == RC_INTERNAL)
			return rc;
	}
}

/* Follow job id to its end (PROTOCOL.md 11.3), then get it in full. A test
 * job's SUB socket already takes every job's events ("job."), so that the
 * first tests' events are not missed: it switches to this job's topic. */
int job_follow(cli_t *x, uint64_t id, progress_t *p, in_t *in,
	       const msgpack_object **job, bool tests)
{
	int rc = conn_subscribe(x, id);
	if (tests)
		zmq_setsockopt(x->c.sub, ZMQ_UNSUBSCRIBE, "job.", 4);
	while (rc == RC_OK) {
		char state[32];
		rc = job_get(x, id, false, in, job);
		if (rc != RC_OK)
			break;
		progress_show(p, id, rd_str(*job, "state", state, sizeof state, "?"));
		if (tests)
			s_new_attempt(x, id, rd_u64(*job, "attempt", 0), p);
		uint64_t seq = rd_u64(*job, "seq", 0);
		in_free(in);
		if (state_terminal(state))
			return job_get(x, id, true, in, job);
		rc = s_events(x, id, seq, p, tests);
	}
	return rc;
}

/* After a run or a judging request was sent: follow the job live (on a
 * terminal; tests: a test job, a line per test) or wait for its end, then
 * print it. */
int job_finish(cli_t *x, int rc, progress_t *p, in_t *in,
	       const msgpack_object **job, bool tests)
{
	uint64_t id = rc == RC_OK ? rd_u64(*job, "id", 0) : 0;
	if (rc == RC_OK && p->show) {
		char state[32];
		progress_show(p, id, rd_str(*job, "state", state, sizeof state, "?"));
		in_free(in);
		rc = job_follow(x, id, p, in, job, tests);
		progress_end(p);
	} else if (rc == RC_OK)
		rc = job_wait(x, id, in, job);
	if (rc == RC_OK)
		rc = show_job(x, *job);
	in_free(in);
	return rc;
}
