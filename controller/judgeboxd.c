/* judgeboxd: the judgebox controller. See judgeboxd(8) and proto/PROTOCOL.md.
 *
 * main and the loop; everything else is a layer below (README, "Layout").
 * One loop turn:
 *   1. zmq_poll over the sockets (transport.c), a signalfd and the boxes'
 *      pidfds (judge.c);
 *   2. handle every request that is readable (up to a batch) and every
 *      helper that ended, all inside one store transaction;
 *   3. start queued jobs on free boxes (same transaction);
 *   4. commit; only then send the replies and publish the events that the
 *      turn produced (outbox.c), and answer waits whose job ended.
 * Grouping a turn's requests into one commit keeps a synchronous (fsync'd)
 * store affordable at hundreds of requests per second; while jobs end in a
 * stream, a few turns share one commit (s_defer_commit), their replies and
 * events held until it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "judge.h"
#include "log.h"
#include "ops.h"		/* admin_*: the violation log and the metrics */
#include "snapshot.h"
#include "srv.h"
#include "transport.h"

#define EXPIRE_EVERY_MS	3600000		/* history expiry runs hourly */
#define COMMIT_GROUP_MS	10		/* a busy daemon's commits: at most one per */
#define COMMIT_BACKLOG_MS 40		/* the same while jobs wait for a box */

/* ---- what the boxes tell the loop (judge_cbs_t) ---- */

static void s_state_changed(void *arg, uint64_t id, int state)
{
	srv_t *s = arg;
	outbox_job_event(s->out, id);
	if (state != S_COMPILING && state != S_RUNNING)	/* its audit looks at no other */
		admin_job_changed(s, id);	/* violations, metrics (ops_admin.c) */
}

static void s_test_event(void *arg, uint64_t id, unsigned idx, unsigned total)
{
	srv_t *s = arg;
	outbox_test_event(s->out, id, idx, total);
}

/* Live output (`stream: true`): a piece of a run's stdout or stderr, an
 * event on the job's topic (PROTOCOL.md 11.4), published after the turn's
 * commit like the rest, so before the job's last state event. */
static void s_output(void *arg, uint64_t id, const char *stream, uint64_t chunk,
		     const void *p, size_t n, bool last)
{
	srv_t *s = arg;
	char topic[32];
	mp_w w;
	mp_w_init(&w);
	mp_w_map(&w, last ? 6 : 5);
	mp_w_kuint(&w, "id", id);
	mp_w_kstr(&w, "event", "output");
	mp_w_kstr(&w, "stream", stream);
	mp_w_kuint(&w, "chunk", chunk);
	mp_w_kbin(&w, "data", p, n);
	if (last)
		mp_w_kbool(&w, "truncated", true);
	snprintf(topic, sizeof topic, "job.%" PRIu64 ".", id);
	outbox_event(s->out, topic, &w);
}

/* A job left its box; after an internal failure it waits retry_ms in
 * the queue (its backoff), then starts again. */
static void s_left(void *arg, uint64_t id, const char *user, int64_t retry_ms)
{
	srv_t *s = arg;
	queue_left(s->queue, id, user, false);
	if (retry_ms >= 0)
		queue_defer(s->queue, id, user, retry_ms ? mono_ms() + retry_ms : 0);
}

/* Start queued jobs whose time has come, fairly, while boxes are free. */
static void s_schedule(srv_t *s)
{
	uint64_t id;
	char user[NAME_MAX_LEN + 1];
	while (!s->draining && judge_free_count(s->judge) > 0 &&
	       queue_pop_at(s->queue, mono_ms(), &id, user)) {
		jobspec_t js;
		bool begun = store_begin(s->store) == 0;
		int r = begun ? store_load_spec(s->store, id, &js) : -1;
		if (r && begun && !store_failed(s->store))
			continue;	/* its acceptance was never committed, or it ended */
		if (r) {
			jlog(LOG_ERR, "job %" PRIu64 ": cannot load it from the store", id);
			queue_add(s->queue, id, user);	/* the commit fails: s_commit */
			break;
		}
		queue_started(s->queue, user, mono_ms());
		judge_start(s->judge, &js);
	}
}

/* Jobs the store holds as queued, or in a box when the daemon died. */
static void s_recover_one(void *arg, uint64_t id, const char *user, int state,
			  uint64_t attempt)
{
	srv_t *s = arg;
	if (state == S_QUEUED) {
		queue_add(s->queue, id, user);
		return;
	}
	if (store_requeue(s->store, id, attempt, s->conf->max_attempts) == S_QUEUED)
		queue_add(s->queue, id, user);
	else {
		step_t none = { .ran = false };
		store_set_result(s->store, id, S_FAILED, &none, NULL, "internal_error",
				 "the daemon stopped during every attempt", 0, NULL, 0);
		admin_job_changed(s, id);	/* the metrics, its failure trace */
	}
	outbox_job_event(s->out, id);
}

/* ---- the loop ---- */

typedef struct loop {
	srv_t *s;
	transport_t *tp;
	int sfd;			/* signalfd: TERM, INT, HUP */
	int64_t drain_end, expire_at;	/* monotonic ms; 0: none */
	uint64_t fails;			/* commits failed in a row */
	int64_t paused_until;		/* monotonic ms: no job starts before */
	int64_t wrote_at;		/* monotonic ms: the last commit that wrote */
	int64_t commit_at;		/* monotonic ms: a deferred commit; 0: none */
} loop_t;

/* ---- a commit that failed ---- */

/* The store's unfinished jobs, in id order (store_each_active's). */
typedef struct active {
	uint64_t *ids;
	char (*users)[NAME_MAX_LEN + 1];
	size_t n, cap;
	bool oom;
} active_t;

static void s_active_one(void *arg, uint64_t id, const char *user, int state,
			 uint64_t attempt)
{
	active_t *a = arg;
	(void)state, (void)attempt;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		uint64_t *ids = realloc(a->ids, cap * sizeof *ids);
		if (ids)
			a->ids = ids;
		char (*u)[NAME_MAX_LEN + 1] = ids ? realloc(a->users, cap * sizeof *u) : NULL;
		if (!u) {
			a->oom = true;
			return;
		}
		a->users = u, a->cap = cap;
	}
	a->ids[a->n] = id;
	snprintf(a->users[a->n++], sizeof *a->users, "%s", user);
}

static bool s_is_active(void *arg, uint64_t id)
{
	const active_t *a = arg;
	size_t i = ids_find(a->ids, a->n, id);
	return i < a->n && a->ids[i] == id;
}

/* Nothing of the turn was stored: the queue follows the store again. A
 * job whose acceptance was not kept leaves it; one whose end, requeue or
 * cancel was not kept, and that is in no box, goes back into it and runs
 * again (a job in a box whose results were lost: judge_turn_end). */
static void s_resync(srv_t *s)
{
	active_t a = { 0 };
	if (store_each_active(s->store, s_active_one, &a) == 0 && !a.oom) {
		queue_keep(s->queue, s_is_active, &a);
		for (size_t i = 0; i < a.n; i++)
			if (!judge_has(s->judge, a.ids[i]) &&
			    !queue_has(s->queue, a.ids[i], a.users[i]))
				queue_add(s->queue, a.ids[i], a.users[i]);
	}
	free(a.ids);
	free(a.users);
}

/* Commit the turn, then send what it produced. A commit that failed (a
 * full disk) kept nothing of the turn: the queue follows the store again,
 * and no job starts for a backoff (conf_retry_ms), doubled with each
 * failure in a row, so that a store that cannot be written is not
 * hammered, nor the log filled. */
static void s_commit(loop_t *l)
{
	srv_t *s = l->s;
	bool ok = outbox_end_turn(s->out) == 0;
	judge_turn_end(s->judge, ok);
	l->commit_at = 0;
	if (ok && !store_last_wrote(s->store))
		return;		/* nothing to write proves nothing */
	if (ok)
		l->wrote_at = mono_ms();
	if (ok && l->fails)
		jlog(LOG_NOTICE, "store: commits succeed again, after %" PRIu64 " that failed",
		     l->fails);
	if (ok) {
		l->fails = 0;
		return;
	}
	s_resync(s);
	uint64_t ms = conf_retry_ms(s->conf, ++l->fails);
	l->paused_until = mono_ms() + (int64_t)ms;
	if (!(l->fails & (l->fails - 1)))	/* 1, 2, 4, 8...: a few lines */
		jlog(LOG_ERR, "store: a commit failed (%" PRIu64 " in a row); no job starts "
		     "for %" PRIu64 " ms", l->fails, ms);
}

static int s_signalfd(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void s_signals(loop_t *l)
{
	struct signalfd_siginfo si;
	while (read(l->sfd, &si, sizeof si) == sizeof si)
		if (si.ssi_signo == SIGHUP)
			transport_reload(l->tp);
		else if (!l->s->draining) {
			l->s->draining = true;
			l->drain_end = mono_ms() + (int64_t)l->s->conf->drain_ms;
			jlog(LOG_INFO, "draining (signal %u)", si.ssi_signo);
		}
}

static int s_timeout(const loop_t *l)
{
	int64_t now = mono_ms(), t = outbox_waits_next(l->s->out), ms = 60000;
	if (t)
		ms = t - now;
	if (l->drain_end && l->drain_end - now < ms)
		ms = l->drain_end - now;
	if (admin_next(l->s) - now < ms)	/* metrics file, retention */
		ms = admin_next(l->s) - now;
	if ((t = queue_next_due(l->s->queue, now)) && t - now < ms)	/* a backoff ends */
		ms = t - now;
	if (l->paused_until > now && l->paused_until - now < ms)
		ms = l->paused_until - now;
	if (l->commit_at && l->commit_at - now < ms)
		ms = l->commit_at - now;
	return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

/* Group commit. While a box holds a job (more of the same is coming) and
 * the last commit that wrote is less than COMMIT_GROUP_MS old, a turn
 * leaves its writes in the open transaction for the next turns: one commit,
 * one fsync of the WAL, for several jobs' transitions. The outbox holds
 * the turns' replies and events until that commit, so commit-before-reply
 * holds; a reply waits COMMIT_GROUP_MS at most. While at least a job per
 * box waits in the queue, the window is COMMIT_BACKLOG_MS: a job's reply
 * waits behind whole runs there anyway, and an fsync costs the daemon as
 * much CPU as the rest of a run. A daemon whose boxes hold no job and
 * whose queue is empty (the last job's end), one that drains, or a turn
 * whose write failed, commits at once; boxes that are only cleaning
 * between two queued jobs do not end the group. */
static bool s_defer_commit(loop_t *l)
{
	srv_t *s = l->s;
	int64_t now = mono_ms(), window = COMMIT_GROUP_MS;
	if (queue_length(s->queue) >= (size_t)judge_total(s->judge))
		window = COMMIT_BACKLOG_MS;
	if (s->draining || !store_pending(s->store) || store_failed(s->store) ||
	    (judge_jobs_count(s->judge) == 0 && queue_length(s->queue) == 0) ||
	    now - l->wrote_at >= window)
		return false;
	l->commit_at = l->wrote_at + window;
	return true;
}

/* After the events of a turn: drain's deadline, the schedule, expiry, the
 * commit and what leaves after it. */
static void s_end_turn(loop_t *l)
{
	srv_t *s = l->s;
	if (l->drain_end && mono_ms() >= l->drain_end) {
		judge_requeue_all(s->judge);
		l->drain_end = 0;
	}
	if (mono_ms() >= l->paused_until)
		s_schedule(s);
	if (mono_ms() >= l->expire_at) {
		if (store_begin(s->store) == 0)
			store_expire(s->store, now_ms() - (int64_t)s->conf->history_days * 86400000);
		l->expire_at = mono_ms() + EXPIRE_EVERY_MS;
	}
	admin_tick(s);		/* metrics file, retention (ops_admin.c) */
	if (s_defer_commit(l))
		return;
	s_commit(l);
	outbox_waits_expire(s->out, mono_ms());
}

static int s_loop(loop_t *l)
{
	srv_t *s = l->s;
	/* Every box and its peer may have a child, and a run its two output
	 * pipes: room for all, made once. */
	size_t max = (size_t)judge_total(s->judge) * 4;
	zmq_pollitem_t *items = calloc(TRANSPORT_ITEMS + 1 + max, sizeof *items);
	int *fds = calloc(max + 1, sizeof *fds), r = -1;
	if (!items || !fds)
		goto done;
	for (;;) {
		int nt = transport_poll_items(l->tp, items);
		items[nt] = (zmq_pollitem_t){ NULL, l->sfd, ZMQ_POLLIN, 0 };
		size_t nb = judge_pollfds(s->judge, fds, max);
		for (size_t i = 0; i < nb; i++)
			items[nt + 1 + i] = (zmq_pollitem_t){ NULL, fds[i], ZMQ_POLLIN, 0 };
		if (s->draining && judge_active_count(s->judge) == 0) {
			r = 0;
			break;
		}
		if (zmq_poll(items, nt + 1 + (int)nb, s_timeout(l)) < 0 && errno != EINTR) {
			jlog(LOG_ERR, "zmq_poll: %s", zmq_strerror(errno));
			break;
		}
		transport_poll_ready(l->tp, items);
		for (size_t i = 0; i < nb; i++)
			if (items[nt + 1 + i].revents)
				judge_ready(s->judge, fds[i]);
		if (items[nt].revents)
			s_signals(l);	/* not a read per turn that finds nothing */
		s_end_turn(l);
	}
done:
	free(items);
	free(fds);
	return r;
}

/* ---- start-up ---- */

/* One daemon per state directory: a second one would take over the first's
 * sockets and boxes. The lock lives as long as the process. */
static int s_lock(const conf_t *c)
{
	char p[600];
	snprintf(p, sizeof p, "%s/judgeboxd.lock", c->state_dir);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		jlog(LOG_ERR, "%s: %s", p, fd < 0 ? strerror(errno) :
		     "another judgeboxd is running on this state directory");
		return -1;
	}
	return 0;	/* fd stays open on purpose */
}

static int s_cgroup_version(void)
{
	struct stat st;
	return stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0 &&
	       stat("/sys/fs/cgroup/memory", &st) != 0 ? 2 : 1;
}

/* The server's objects, bottom up; 0, or -1 (logged). */
static int s_srv_new(srv_t *s, const conf_t *c)
{
	judge_cbs_t cbs = { .arg = s, .state_changed = s_state_changed,
			    .test_event = s_test_event, .left = s_left, .output = s_output };
	s->conf = c;
	s->started_at = now_ms();
	s->cgroup = s_cgroup_version();
	if (s_lock(c) || !(s->store = store_new(c)) || !(s->queue = queue_new()) ||
	    !(s->out = outbox_new(s->store)) || admin_new(s) || !(s->judge = judge_new(c, s->store, &cbs)))
		return -1;
	if (store_begin(s->store) || store_each_active(s->store, s_recover_one, s))
		return -1;
	snapshot_gc(c, s->store);
	s_schedule(s);		/* recovered jobs start now, not at the first request */
	return 0;
}

static void s_srv_destroy(srv_t *s)
{
	judge_destroy(&s->judge);
	admin_destroy(s);
	outbox_destroy(&s->out);
	queue_destroy(&s->queue);
	store_destroy(&s->store);
}

static void s_usage(FILE *f)
{
	fprintf(f, "usage: judgeboxd [-c CONFIG] [-s] [-V]\n"
		   "  -c CONFIG  the configuration file (default %s/judgebox/judgeboxd.conf)\n"
		   "  -s         log to syslog instead of stderr\n"
		   "  -V         print the version and exit\n", SYSCONFDIR);
}

static int s_serve(conf_t *conf)
{
	srv_t s = { 0 };
	loop_t l = { .s = &s };
	int r = 71;
	if ((l.sfd = s_signalfd()) < 0 || s_srv_new(&s, conf) || !(l.tp = transport_new(&s)))
		goto done;
	jlog(LOG_INFO, "serving %s and %s with %u boxes, %zu languages",
	     conf->endpoint, conf->events, conf->boxes, conf->nlangs);
	s_commit(&l);
	r = s_loop(&l) ? 71 : 0;
	s_commit(&l);
	outbox_waits_all(s.out);
	jlog(LOG_INFO, "stopped");
done:
	judge_destroy(&s.judge);	/* its children first, then the sockets */
	transport_destroy(&l.tp);
	s_srv_destroy(&s);
	return r;
}

int main(int argc, char **argv)
{
	const char *path = SYSCONFDIR "/judgebox/judgeboxd.conf";
	conf_t conf;
	bool syslog_only = false;
	int o;
	while ((o = getopt(argc, argv, "c:sVh")) != -1)
		switch (o) {
		case 'c': path = optarg; break;
		case 's': syslog_only = true; break;
		case 'V': puts("judgeboxd " JBD_VERSION); return 0;
		case 'h': s_usage(stdout); return 0;
		default: s_usage(stderr); return 64;
		}
	if (optind != argc)
		return s_usage(stderr), 64;
	log_open(syslog_only);
	umask(007);
	memset(&conf, 0, sizeof conf);
	if (conf_load(&conf, path) || conf_load_languages(&conf))
		return 78;
	if (!strcmp(conf.log, "syslog") && !syslog_only)
		log_open(true);
	int r = s_serve(&conf);
	conf_free(&conf);
	return r;
}
