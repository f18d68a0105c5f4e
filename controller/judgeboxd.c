/* judgeboxd: the judgebox controller. See judgeboxd(8) and proto/PROTOCOL.md.
 *
 * One loop turn:
 *   1. zmq_poll over the ROUTER, a signalfd and the boxes' pidfds;
 *   2. handle every request that is readable (up to a batch) and every
 *      helper that ended, all inside one store transaction;
 *   3. start queued jobs on free boxes (same transaction);
 *   4. commit; only then send the replies and publish the events that the
 *      turn produced (the outbox), and answer waits whose job ended.
 * Grouping a turn's requests into one commit keeps a synchronous (fsync'd)
 * store affordable at hundreds of requests per second.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "loop.h"

#define BATCH 256		/* requests per turn */

const conf_t *G_conf;
bool G_draining;
bool G_problems_changed;
int64_t G_started_at;
int G_cgroup;
static bool s_syslog;

void jlog(int prio, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (s_syslog)
		vsyslog(prio, fmt, ap);
	else {
		fprintf(stderr, "judgeboxd: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t s_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the outbox: what leaves after the commit ---- */

typedef struct msg {
	struct msg *next;
	req_t r;		/* a reply: to whom; unused for events */
	bool event;
	char topic[32];
	char *body;
	size_t len;
	uint64_t done_id;	/* a job that ended: answer its waits */
} msg_t;

static msg_t *s_out, **s_out_tail = &s_out;
static void *s_router, *s_pub, *s_trouter, *s_tpub;	/* ipc; tcp */

static void s_out_push(msg_t *m)
{
	m->next = NULL;
	*s_out_tail = m;
	s_out_tail = &m->next;
}

static void s_send_reply(const req_t *r, const char *body, size_t len)
{
	void *s = r->tcp ? s_trouter : s_router;
	zmq_send(s, r->id, r->idlen, ZMQ_SNDMORE);
	for (int i = 0; i < r->nenv; i++)
		zmq_send(s, r->env[i], r->envlen[i], ZMQ_SNDMORE);
	zmq_send(s, body, len, 0);
}

void reply_start(reply_t *rp, const req_t *r, bool ok)
{
	mp_w_init(&rp->w);
	rp->mark = mp_w_map_begin(&rp->w);
	mp_w_kbool(&rp->w, "ok", ok);
	mp_w_kuint(&rp->w, "v", PROTO_V);
	rp->n = 2;
	if (r->ridlen) {
		mp_w_str(&rp->w, "rid");
		mp_w_raw(&rp->w, r->rid, r->ridlen);
		rp->n++;
	}
}

void reply_send(const req_t *r, reply_t *rp)
{
	mp_w_map_end(&rp->w, rp->mark, rp->n);
	msg_t *m = calloc(1, sizeof *m);
	if (!m || !mp_w_ok(&rp->w)) {
		free(m);
		mp_w_free(&rp->w);
		jlog(LOG_ERR, "out of memory for a reply");
		return;
	}
	m->r = *r;
	m->body = mp_w_take(&rp->w, &m->len);
	s_out_push(m);
}

void reply_error(const req_t *r, const char *code, const char *field,
		 const uint64_t *limit, const char *scope, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	reply_t rp;
	reply_start(&rp, r, false);
	mp_w_str(&rp.w, "error");
	size_t m = mp_w_map_begin(&rp.w);
	uint32_t n = 2;
	mp_w_kstr(&rp.w, "code", code);
	mp_w_kstr(&rp.w, "message", msg);
	if (field)
		mp_w_kstr(&rp.w, "field", field), n++;
	if (limit)
		mp_w_kuint(&rp.w, "limit", *limit), n++;
	if (scope)
		mp_w_kstr(&rp.w, "scope", scope), n++;
	if (!strcmp(code, "version_mismatch"))
		mp_w_kuint(&rp.w, "v_max", PROTO_V), n++;
	mp_w_map_end(&rp.w, m, n);
	rp.n++;
	reply_send(r, &rp);
}

/* Queue an event written in w on job id's topic; done: the job ended, so
 * its waits are answered once the event is out. */
static void s_push_event(uint64_t id, mp_w *w, bool written, bool done)
{
	msg_t *m = calloc(1, sizeof *m);
	if (!m || !written || !mp_w_ok(w)) {
		free(m);
		mp_w_free(w);
		return;
	}
	m->event = true;
	snprintf(m->topic, sizeof m->topic, "job.%" PRIu64 ".", id);
	m->body = mp_w_take(w, &m->len);
	m->done_id = done ? id : 0;
	s_out_push(m);
}

void job_state_changed(uint64_t id)
{
	mp_w w;
	int state = S_QUEUED;
	mp_w_init(&w);
	bool written = store_write_event(&w, id, &state) == 0;
	s_push_event(id, &w, written, written && S_TERMINAL(state));
}

/* A test of job id ended (in the open transaction): its event. */
void job_test_event(uint64_t id, unsigned idx, unsigned total)
{
	mp_w w;
	mp_w_init(&w);
	s_push_event(id, &w, store_write_test_event(&w, id, idx, total) == 0, false);
}

/* ---- waits ---- */

typedef struct wait {
	struct wait *next;
	req_t r;
	uint64_t id;
	int64_t deadline;	/* monotonic ms; 0: none */
	int flags;
	bool dup;
} wait_t;

static wait_t *s_waits;

int wait_add(const req_t *r, uint64_t id, int64_t deadline, int flags, bool dup)
{
	wait_t *w = calloc(1, sizeof *w);
	if (!w)
		return -1;
	w->r = *r;
	w->id = id;
	w->deadline = deadline ? deadline - now_ms() + s_mono_ms() : 0;
	w->flags = flags;
	w->dup = dup;
	w->next = s_waits;
	s_waits = w;
	return 0;
}

size_t waits_of(const req_t *r)
{
	size_t n = 0;
	for (wait_t *w = s_waits; w; w = w->next)
		n += w->r.idlen == r->idlen && !memcmp(w->r.id, r->id, r->idlen);
	return n;
}

/* Answer the waits on job id (all of them if id is 0), or those past their
 * deadline (now > 0). */
static void s_waits_answer(uint64_t id, int64_t now)
{
	for (wait_t **p = &s_waits; *p;) {
		wait_t *w = *p;
		bool go = now ? (w->deadline && w->deadline <= now) :
				(!id || w->id == id);
		if (!go) {
			p = &w->next;
			continue;
		}
		*p = w->next;
		ops_reply_job(&w->r, w->id, w->flags, w->dup);
		free(w);
	}
}

static int64_t s_waits_next(void)
{
	int64_t t = 0;
	for (wait_t *w = s_waits; w; w = w->next)
		if (w->deadline && (!t || w->deadline < t))
			t = w->deadline;
	return t;
}

/* ---- the fair queue (PROTOCOL.md 12.4) ---- */

typedef struct user {
	char name[NAME_MAX_LEN + 1];
	uint64_t *ids;			/* queued, ascending */
	size_t n, cap;
	size_t running;
	int64_t last_start;
} user_t;

static user_t *s_users;
static size_t s_nusers, s_queued, s_running;

static user_t *s_user(const char *name, bool create)
{
	for (size_t i = 0; i < s_nusers; i++)
		if (!strcmp(s_users[i].name, name))
			return &s_users[i];
	if (!create)
		return NULL;
	user_t *u = realloc(s_users, (s_nusers + 1) * sizeof *u);
	if (!u)
		return NULL;
	s_users = u;
	u = &s_users[s_nusers++];
	memset(u, 0, sizeof *u);
	snprintf(u->name, sizeof u->name, "%s", name);
	return u;
}

size_t queue_length(void)
{
	return s_queued;
}

size_t queue_user_length(const char *user)
{
	user_t *u = s_user(user, false);
	return u ? u->n : 0;
}

size_t running_count(void)
{
	return s_running;
}

int queue_add(uint64_t id, const char *user)
{
	user_t *u = s_user(user, true);
	if (!u)
		return -1;
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 16;
		uint64_t *p = realloc(u->ids, cap * sizeof *p);
		if (!p)
			return -1;
		u->ids = p, u->cap = cap;
	}
	size_t i = u->n;
	while (i > 0 && u->ids[i - 1] > id)	/* a requeued job keeps its place */
		i--;
	memmove(&u->ids[i + 1], &u->ids[i], (u->n - i) * sizeof *u->ids);
	u->ids[i] = id;
	u->n++;
	s_queued++;
	return 0;
}

bool queue_remove(uint64_t id, const char *user)
{
	user_t *u = s_user(user, false);
	for (size_t i = 0; u && i < u->n; i++)
		if (u->ids[i] == id) {
			memmove(&u->ids[i], &u->ids[i + 1], (u->n - i - 1) * sizeof *u->ids);
			u->n--;
			s_queued--;
			return true;
		}
	return false;
}

/* The user to serve next: fewest running, then longest since a start. */
static user_t *s_next_user(void)
{
	user_t *best = NULL;
	for (size_t i = 0; i < s_nusers; i++) {
		user_t *u = &s_users[i];
		if (!u->n)
			continue;
		if (!best || u->running < best->running ||
		    (u->running == best->running && u->last_start < best->last_start))
			best = u;
	}
	return best;
}

void job_left(uint64_t id, const char *user, bool requeued)
{
	user_t *u = s_user(user, true);
	if (u && u->running)
		u->running--;
	if (s_running)
		s_running--;
	if (requeued)
		queue_add(id, user);
}

static void s_schedule(void)
{
	user_t *u;
	while (!G_draining && box_free_count() > 0 && (u = s_next_user())) {
		uint64_t id = u->ids[0];
		queue_remove(id, u->name);
		jobspec_t js;
		if (store_begin() || store_load_spec(id, &js)) {
			jlog(LOG_ERR, "job %" PRIu64 ": cannot load", id);
			continue;
		}
		u->running++;
		s_running++;
		u->last_start = s_mono_ms();
		box_start(&js);
	}
}

/* ---- requests ---- */

/* The user behind an ipc connection: the peer's uid (SO_PEERCRED, which
 * libzmq gives as "Peer-Address" = "...:uid:gid:pid"). */
static int s_identify(zmq_msg_t *m, req_t *r)
{
	const char *pa = zmq_msg_gets(m, "Peer-Address");
	unsigned long uid;
	const char *p = pa ? strrchr(pa, ':') : NULL;
	int colons = 0;
	while (p && p > pa && colons < 2)
		if (*--p == ':')
			colons++;
	if (!p || sscanf(p + (*p == ':'), "%lu:", &uid) != 1)
		return -1;
	static struct { unsigned long uid; char name[NAME_MAX_LEN + 1]; } cache[64];
	static size_t ncache;
	for (size_t i = 0; i < ncache; i++)
		if (cache[i].uid == uid) {
			strcpy(r->user, cache[i].name);
			goto admin;
		}
	struct passwd *pw = getpwuid((uid_t)uid);
	if (pw && strlen(pw->pw_name) <= NAME_MAX_LEN)
		snprintf(r->user, sizeof r->user, "%s", pw->pw_name);
	else
		snprintf(r->user, sizeof r->user, "uid:%lu", uid);
	if (ncache < 64)
		cache[ncache].uid = uid, strcpy(cache[ncache++].name, r->user);
admin:
	r->admin = conf_is_admin(G_conf, r->user);
	return 0;
}

/* The user behind a CURVE connection: the name our ZAP handler gave. */
static int s_identify_tcp(zmq_msg_t *m, req_t *r)
{
	const char *u = zmq_msg_gets(m, "User-Id");
	r->tcp = true;
	if (!u || strlen(u) > NAME_MAX_LEN)
		return -1;
	strcpy(r->user, u);
	r->admin = conf_is_admin(G_conf, r->user);
	return 0;
}

/* Read one multipart message: [id][envelope...][body]. */
static void s_request(void *sock)
{
	req_t r;
	zmq_msg_t m;
	int part = 0, more = 1;
	bool bad_env = false;
	memset(&r, 0, sizeof r);
	zmq_msg_init(&m);
	zmq_msg_t body;
	zmq_msg_init(&body);
	while (more) {
		if (zmq_msg_recv(&m, sock, 0) < 0)
			break;
		more = zmq_msg_more(&m);
		size_t n = zmq_msg_size(&m);
		if (part == 0) {
			r.idlen = n < sizeof r.id ? n : sizeof r.id;
			memcpy(r.id, zmq_msg_data(&m), r.idlen);
		} else if (more) {
			if (r.nenv == ENV_MAX || n > 255)
				bad_env = true;
			else {
				memcpy(r.env[r.nenv], zmq_msg_data(&m), n);
				r.envlen[r.nenv++] = n;
			}
		} else
			zmq_msg_move(&body, &m);
		part++;
	}
	zmq_msg_close(&m);
	if (part < 2) {
		zmq_msg_close(&body);
		return;
	}
	int who = sock == s_trouter ? s_identify_tcp(&body, &r) : s_identify(&body, &r);
	if (who)
		snprintf(r.user, sizeof r.user, "unknown");
	if (r.tcp && (who || !curve_user_known(r.user))) {
		r.admin = false;
		reply_error(&r, "unauthorized", NULL, NULL, NULL,
			    "this client's key is no longer authorised");
	} else if (bad_env) {
		r.nenv = 1, r.envlen[0] = 0;
		reply_error(&r, "bad_request", NULL, NULL, NULL,
			    "envelope: at most 4 frames of 255 bytes");
	} else if (zmq_msg_size(&body) > G_conf->max_request) {
		reply_error(&r, "too_large", NULL, &G_conf->max_request, NULL,
			    "the request is larger than %" PRIu64 " bytes",
			    G_conf->max_request);
	} else
		ops_handle(&r, zmq_msg_data(&body), zmq_msg_size(&body));
	zmq_msg_close(&body);
}

/* ---- the turn ---- */

static void s_flush(bool committed)
{
	while (s_out) {
		msg_t *m = s_out;
		s_out = m->next;
		if (!s_out)
			s_out_tail = &s_out;
		if (!committed) {
			if (!m->event)
				reply_error(&m->r, "unavailable", NULL, NULL, NULL,
					    "the store cannot be written");
		} else if (m->event) {
			zmq_send(s_pub, m->topic, strlen(m->topic), ZMQ_SNDMORE);
			zmq_send(s_pub, m->body, m->len, 0);
			if (s_tpub) {
				zmq_send(s_tpub, m->topic, strlen(m->topic), ZMQ_SNDMORE);
				zmq_send(s_tpub, m->body, m->len, 0);
			}
		} else
			s_send_reply(&m->r, m->body, m->len);
		uint64_t done = committed ? m->done_id : 0;
		free(m->body);
		free(m);
		if (done)
			s_waits_answer(done, 0);	/* pushes replies: loop on */
	}
	s_out_tail = &s_out;
}

static void s_end_turn(void)
{
	bool ok = store_commit() == 0;
	if (!ok) {
		/* Nothing of this turn was stored: error replies instead. */
		msg_t *list = s_out;
		s_out = NULL, s_out_tail = &s_out;
		for (msg_t *m = list, *next; m; m = next) {
			next = m->next;
			if (!m->event)
				reply_error(&m->r, "unavailable", NULL, NULL, NULL,
					    "the store cannot be written");
			free(m->body);
			free(m);
		}
	}
	if (ok && G_problems_changed)	/* before the replies: what they say is done */
		ops_problems_gc();
	G_problems_changed = false;
	s_flush(true);
}

/* Jobs the store holds as queued, or in a box when the daemon died. */
static void s_recover_one(void *arg, uint64_t id, const char *user, int state,
			  uint64_t attempt)
{
	(void)arg;
	if (state == S_QUEUED) {
		queue_add(id, user);
		return;
	}
	if (attempt >= G_conf->max_attempts) {
		step_t none = { .ran = false };
		store_set_result(id, S_FAILED, &none, NULL, "internal_error",
				 "the daemon stopped during every attempt", 0, NULL, 0);
	} else {
		store_set_state(id, S_QUEUED, true);
		store_tests_clear(id);
		queue_add(id, user);
	}
	job_state_changed(id);
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

static void *s_bind(void *ctx, int type, const char *ep, bool curve)
{
	void *s = zmq_socket(ctx, type);
	if (s && curve && curve_server(s)) {
		jlog(LOG_ERR, "CURVE on %s: %s", ep, zmq_strerror(errno));
		zmq_close(s);
		return NULL;
	}
	int64_t max = (int64_t)G_conf->max_request * 2;
	int zero = 0, hwm = 100000;
	if (!s)
		return NULL;
	zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof max);
	zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
	if (!strncmp(ep, "ipc://", 6))
		unlink(ep + 6);	/* a stale socket from a killed daemon */
	if (zmq_bind(s, ep)) {
		jlog(LOG_ERR, "cannot bind %s: %s", ep, zmq_strerror(errno));
		zmq_close(s);
		return NULL;
	}
	return s;
}

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

static int s_timeout(int64_t drain_end)
{
	int64_t now = s_mono_ms(), t = s_waits_next(), ms = 60000;
	if (t)
		ms = t - now;
	if (drain_end && drain_end - now < ms)
		ms = drain_end - now;
	return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

#define NFIXED 4	/* ipc router, signalfd, tcp router, ZAP */

/* Up to a batch of requests from one router. */
static void s_requests(void *sock, short revents)
{
	for (int k = 0; k < BATCH && (revents & ZMQ_POLLIN); k++) {
		int ev;
		size_t sz = sizeof ev;
		if (zmq_getsockopt(sock, ZMQ_EVENTS, &ev, &sz) || !(ev & ZMQ_POLLIN))
			break;
		s_request(sock);
	}
}

static int s_loop(int sfd)
{
	int64_t drain_end = 0, expire_at = 0;
	for (;;) {
		zmq_pollitem_t items[NFIXED + 256];
		int fds[256];
		size_t nb = box_pollfds(fds, 256);
		items[0] = (zmq_pollitem_t){ s_router, 0, ZMQ_POLLIN, 0 };
		items[1] = (zmq_pollitem_t){ NULL, sfd, ZMQ_POLLIN, 0 };
		items[2] = (zmq_pollitem_t){ s_trouter, 0, s_trouter ? ZMQ_POLLIN : 0, 0 };
		items[3] = (zmq_pollitem_t){ curve_zap_socket(), 0,
					     s_trouter ? ZMQ_POLLIN : 0, 0 };
		for (size_t i = 0; i < nb; i++)
			items[NFIXED + i] = (zmq_pollitem_t){ NULL, fds[i], ZMQ_POLLIN, 0 };
		if (G_draining && box_active_count() == 0)
			return 0;
		int nitems = s_trouter ? NFIXED : 2;
		if (nb)
			nitems = NFIXED + (int)nb;
		if (zmq_poll(items, nitems, s_timeout(drain_end)) < 0 && errno != EINTR)
			return jlog(LOG_ERR, "zmq_poll: %s", zmq_strerror(errno)), -1;
		if (s_trouter && (items[3].revents & ZMQ_POLLIN))
			curve_zap_handle();
		s_requests(s_router, items[0].revents);
		if (s_trouter)
			s_requests(s_trouter, items[2].revents);
		for (size_t i = 0; i < nb; i++)
			if (items[NFIXED + i].revents)
				box_ready(fds[i]);
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof si) == sizeof si)
			if (si.ssi_signo == SIGHUP && s_trouter)
				curve_reload(G_conf);
			else if (si.ssi_signo != SIGHUP && !G_draining) {
				G_draining = true;
				drain_end = s_mono_ms() + (int64_t)G_conf->drain_ms;
				jlog(LOG_INFO, "draining (signal %u)", si.ssi_signo);
			}
		if (drain_end && s_mono_ms() >= drain_end) {
			box_requeue_all();
			drain_end = 0;
		}
		s_schedule();
		if (s_mono_ms() >= expire_at) {
			store_begin();
			store_expire(now_ms() - (int64_t)G_conf->history_days * 86400000);
			expire_at = s_mono_ms() + 3600000;
		}
		s_end_turn();
		s_waits_answer(0, s_mono_ms());
		s_flush(true);
	}
}

static void s_usage(FILE *f)
{
	fprintf(f, "usage: judgeboxd [-c CONFIG] [-s] [-V]\n"
		   "  -c CONFIG  the configuration file (default %s/judgebox/judgeboxd.conf)\n"
		   "  -s         log to syslog instead of stderr\n"
		   "  -V         print the version and exit\n", SYSCONFDIR);
}

int main(int argc, char **argv)
{
	const char *path = SYSCONFDIR "/judgebox/judgeboxd.conf";
	static conf_t conf;
	int o;
	while ((o = getopt(argc, argv, "c:sVh")) != -1)
		switch (o) {
		case 'c': path = optarg; break;
		case 's': s_syslog = true; break;
		case 'V': puts("judgeboxd " JBD_VERSION); return 0;
		case 'h': s_usage(stdout); return 0;
		default: s_usage(stderr); return 64;
		}
	if (optind != argc)
		return s_usage(stderr), 64;
	if (s_syslog)
		openlog("judgeboxd", LOG_PID, LOG_DAEMON);
	umask(007);
	if (conf_load(&conf, path) || conf_load_languages(&conf))
		return 78;
	if (!strcmp(conf.log, "syslog") && !s_syslog)
		openlog("judgeboxd", LOG_PID, LOG_DAEMON), s_syslog = true;
	G_conf = &conf;
	G_started_at = now_ms();
	G_cgroup = s_cgroup_version();
	int sfd = s_signalfd();
	if (sfd < 0 || s_lock(&conf) || store_open(&conf) || box_init(&conf))
		return 71;
	store_begin();
	store_each_active(s_recover_one, NULL);
	ops_problems_gc();
	s_schedule();		/* recovered jobs start now, not at the first request */
	void *ctx = zmq_ctx_new();
	s_router = s_bind(ctx, ZMQ_ROUTER, conf.endpoint, false);
	s_pub = s_bind(ctx, ZMQ_PUB, conf.events, false);
	if (!s_router || !s_pub)
		return 71;
	if (*conf.tcp_endpoint) {
		if (curve_init(ctx, &conf))
			return 71;
		s_trouter = s_bind(ctx, ZMQ_ROUTER, conf.tcp_endpoint, true);
		s_tpub = s_bind(ctx, ZMQ_PUB, conf.tcp_events, true);
		if (!s_trouter || !s_tpub)
			return 71;
	}
	jlog(LOG_INFO, "serving %s and %s with %u boxes, %zu languages",
	     conf.endpoint, conf.events, conf.boxes, conf.nlangs);
	if (s_trouter)
		jlog(LOG_INFO, "serving %s and %s with CURVE", conf.tcp_endpoint,
		     conf.tcp_events);
	s_end_turn();
	int r = s_loop(sfd);
	s_end_turn();
	s_waits_answer(0, 0);
	s_flush(true);
	box_shutdown();
	store_close();
	zmq_close(s_router);
	zmq_close(s_pub);
	if (s_trouter)
		zmq_close(s_trouter), zmq_close(s_tpub);
	curve_close();
	zmq_ctx_term(ctx);
	jlog(LOG_INFO, "stopped");
	conf_free(&conf);
	return r ? 71 : 0;
}
