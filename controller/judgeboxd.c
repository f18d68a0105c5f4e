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
 * store affordable at hundreds of requests per second.
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
#include "snapshot.h"
#include "srv.h"
#include "transport.h"

#define EXPIRE_EVERY_MS	3600000		/* history expiry runs hourly */

/* ---- what the boxes tell the loop (judge_cbs_t) ---- */

static void s_state_changed(void *arg, uint64_t id)
{
	srv_t *s = arg;
	outbox_job_event(s->out, id);
}

static void s_test_event(void *arg, uint64_t id, unsigned idx, unsigned total)
{
	srv_t *s = arg;
	outbox_test_event(s->out, id, idx, total);
}

static void s_left(void *arg, uint64_t id, const char *user, bool requeued)
{
	srv_t *s = arg;
	queue_left(s->queue, id, user, requeued);
}

/* Start queued jobs, fairly, while boxes are free. */
static void s_schedule(srv_t *s)
{
	uint64_t id;
	char user[NAME_MAX_LEN + 1];
	while (!s->draining && judge_free_count(s->judge) > 0 &&
	       queue_pop(s->queue, &id, user)) {
		jobspec_t js;
		if (store_begin(s->store) || store_load_spec(s->store, id, &js)) {
			jlog(LOG_ERR, "job %" PRIu64 ": cannot load", id);
			continue;
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
	}
	outbox_job_event(s->out, id);
}

/* ---- the loop ---- */

typedef struct loop {
	srv_t *s;
	transport_t *tp;
	int sfd;			/* signalfd: TERM, INT, HUP */
	int64_t drain_end, expire_at;	/* monotonic ms; 0: none */
} loop_t;

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
	return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
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
	s_schedule(s);
	if (mono_ms() >= l->expire_at) {
		if (store_begin(s->store) == 0)
			store_expire(s->store, now_ms() - (int64_t)s->conf->history_days * 86400000);
		l->expire_at = mono_ms() + EXPIRE_EVERY_MS;
	}
	outbox_end_turn(s->out);
	outbox_waits_expire(s->out, mono_ms());
}

static int s_loop(loop_t *l)
{
	srv_t *s = l->s;
	/* Every box and its peer may have a child: room for all, made once. */
	size_t max = (size_t)judge_total(s->judge) * 2;
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
		s_signals(l);
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
			    .test_event = s_test_event, .left = s_left };
	s->conf = c;
	s->started_at = now_ms();
	s->cgroup = s_cgroup_version();
	if (s_lock(c) || !(s->store = store_new(c)) || !(s->queue = queue_new()) ||
	    !(s->out = outbox_new(s->store)) || !(s->judge = judge_new(c, s->store, &cbs)))
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
	outbox_end_turn(s.out);
	r = s_loop(&l) ? 71 : 0;
	outbox_end_turn(s.out);
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
