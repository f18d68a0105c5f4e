/* box.c: the pool of boxes, each driving judgebox-helper(8) (box.h). It
 * knows phases and children, not jobs: what a step meant is the judge's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "box.h"
#include "log.h"
#include "spawn.h"

struct box {
	boxes_t *pool;
	unsigned idx, n;		/* in the pool; the helper's box number */
	box_phase phase;
	proc_t proc;			/* its step, if any */
	proc_t srv;			/* its `serve` process, once started */
	int clean_fails;
	box_t *peer;			/* NULL for a peer */
};

struct boxes {
	const conf_t *c;
	box_cbs_t cbs;
	box_t *boxes, *peers;
	unsigned n;
	bool peers_ok;
};

/* ---- one box ---- */

unsigned box_index(const box_t *b) { return b->idx; }
unsigned box_number(const box_t *b) { return b->n; }
box_phase box_get_phase(const box_t *b) { return b->phase; }
void box_set_idle(box_t *b) { b->phase = BOX_IDLE; }
box_t *box_peer(box_t *b) { return b->peer; }

char *box_io_path(const box_t *b, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/io/%u/%s", b->pool->c->state_dir, b->n, name);
	return buf;
}

int box_io_open(const box_t *b, const char *name)
{
	char p[1024];
	return open(box_io_path(b, name, p, sizeof p),
		    O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

int box_dir(const box_t *b)
{
	char p[700];
	snprintf(p, sizeof p, "%s/%u/box", b->pool->c->box_root, b->n);
	return open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int box_spawn(box_t *b, box_phase ph, char *const argv[], int in, int out, int err)
{
	char pidfile[1024];
	b->phase = ph;
	return spawn_serve(&b->srv, &b->proc, b->pool->c->helper,
			   box_io_path(b, "helper.pid", pidfile, sizeof pidfile), b->n,
			   argv, in, out, err);
}

int box_clean(box_t *b, box_phase ph)
{
	char num[16];
	snprintf(num, sizeof num, "%u", b->n);
	char *argv[] = { "judgebox-helper", "clean", num, NULL };
	return box_spawn(b, ph, argv, -1, -1, 2);
}

/* Run the helper in b to completion (start-up only): its exit code. */
static int s_wait(box_t *b, char *const argv[])
{
	char pidfile[1024];
	return spawn_wait(&b->proc, b->pool->c->helper,
			  box_io_path(b, "helper.pid", pidfile, sizeof pidfile), b->n, argv);
}

int box_clean_wait(box_t *b)
{
	char rec[64];
	spawn_kill(&b->proc);
	spawn_collect(&b->proc);
	if (box_clean(b, BOX_IDLE))
		return -1;
	struct pollfd q = { .fd = b->proc.pidfd, .events = POLLIN };
	while (poll(&q, 1, -1) < 0 && errno == EINTR)
		;
	int code = spawn_reap(&b->proc, rec, sizeof rec);
	spawn_collect(&b->proc);	/* if the record came before the pipe's end */
	b->phase = BOX_IDLE;
	return code ? -1 : 0;
}

void box_kill(box_t *b)
{
	spawn_kill(&b->proc);
}

bool box_ended(const box_t *b)
{
	return spawn_ended(&b->proc);
}

/* ---- the pool ---- */

unsigned boxes_count(const boxes_t *self) { return self->n; }
box_t *boxes_at(boxes_t *self, unsigned i) { return &self->boxes[i]; }
bool boxes_peers_ok(const boxes_t *self) { return self->peers_ok; }

box_t *boxes_idle(boxes_t *self)
{
	for (unsigned i = 0; i < self->n; i++)
		if (self->boxes[i].phase == BOX_IDLE)
			return &self->boxes[i];
	return NULL;
}

int boxes_active_count(const boxes_t *self)
{
	int n = 0;
	for (unsigned i = 0; i < self->n; i++)
		n += self->boxes[i].phase != BOX_IDLE && self->boxes[i].phase != BOX_BROKEN;
	return n;
}

int boxes_free_count(const boxes_t *self)
{
	int n = 0;
	for (unsigned i = 0; i < self->n; i++)
		n += self->boxes[i].phase == BOX_IDLE;
	return n;
}

size_t boxes_pollfds(const boxes_t *self, int *fds, size_t max)
{
	size_t n = 0;
	for (unsigned i = 0; i < self->n && n < max; i++) {
		if (self->boxes[i].proc.pidfd >= 0)
			fds[n++] = self->boxes[i].proc.pidfd;
		if (self->peers[i].proc.pidfd >= 0 && n < max)
			fds[n++] = self->peers[i].proc.pidfd;
	}
	return n;
}

/* b's own `clean` ended: b is IDLE (the loop's next turn schedules it),
 * cleaned again, or after three failures running out of service. */
static void s_cleaned(box_t *b, int code)
{
	if (code && ++b->clean_fails < 3) {
		jlog(LOG_ERR, "box %u: clean failed (exit %d); again", b->n, code);
		if (box_clean(b, BOX_CLEAN) == 0)
			return;
	}
	if (code) {
		jlog(LOG_CRIT, "box %u: clean keeps failing; out of service", b->n);
		b->phase = BOX_BROKEN;
		return;
	}
	b->clean_fails = 0;
	b->phase = BOX_IDLE;
}

/* A pidfd fired: reap the child, take its record, move the box on. */
void boxes_ready(boxes_t *self, int fd)
{
	char rec[4096];
	int code;
	for (unsigned i = 0; i < self->n; i++) {
		box_t *pb = &self->peers[i];
		if (pb->proc.pidfd != fd)
			continue;
		if ((code = spawn_reap(&pb->proc, rec, sizeof rec)) < 0)
			return;
		pb->phase = BOX_IDLE;
		self->cbs.peer_reaped(self->cbs.arg, &self->boxes[i], code, rec);
		return;
	}
	for (unsigned i = 0; i < self->n; i++) {
		box_t *b = &self->boxes[i];
		if (b->proc.pidfd != fd || b->phase == BOX_IDLE)
			continue;
		if ((code = spawn_reap(&b->proc, rec, sizeof rec)) < 0)
			return;
		if (b->phase == BOX_CLEAN)
			s_cleaned(b, code);
		else
			self->cbs.reaped(self->cbs.arg, b, code, rec);
		return;
	}
}

/* ---- start-up and exit ---- */

static void s_io_dir(const box_t *b)
{
	char p[700];
	snprintf(p, sizeof p, "%s/io/%u", b->pool->c->state_dir, b->n);
	mkdir(p, 0700);
}

/* Box i and its peer, ready: the helper's `setup` first (i == 0). */
static int s_start(boxes_t *self, unsigned i)
{
	box_t *b = &self->boxes[i], *pb = &self->peers[i];
	char pidfile[1024];
	s_io_dir(b);
	spawn_kill_stale(box_io_path(b, "helper.pid", pidfile, sizeof pidfile), b->n);
	char *setup[] = { "judgebox-helper", "setup", NULL };
	if (i == 0 && s_wait(b, setup)) {
		jlog(LOG_ERR, "%s setup failed", self->c->helper);
		return -1;
	}
	char num[16];
	snprintf(num, sizeof num, "%u", b->n);
	char *clean[] = { "judgebox-helper", "clean", num, NULL };
	int r = s_wait(b, clean);
	for (int t = 0; r == 75 && t < 100; t++) {	/* a killed stale helper */
		usleep(50000);
		r = s_wait(b, clean);
	}
	if (r) {
		jlog(LOG_ERR, "%s clean %u failed (exit %d)", self->c->helper, b->n, r);
		return -1;
	}
	/* The peer: a box the helper refuses (its `boxes` is too small)
	 * only makes interactive problems fail, with that reason. */
	s_io_dir(pb);
	spawn_kill_stale(box_io_path(pb, "helper.pid", pidfile, sizeof pidfile), pb->n);
	if (self->peers_ok && box_clean_wait(pb)) {
		jlog(LOG_WARNING, "%s clean %u failed: interactive problems are "
		     "unavailable", self->c->helper, pb->n);
		self->peers_ok = false;
	}
	return 0;
}

boxes_t *boxes_new(const conf_t *c, const box_cbs_t *cbs)
{
	char p[700];
	boxes_t *self = calloc(1, sizeof *self);
	if (!self)
		return NULL;
	self->c = c, self->cbs = *cbs;
	snprintf(p, sizeof p, "%s/io", c->state_dir);
	mkdir(p, 0700);
	self->boxes = calloc(c->boxes, sizeof *self->boxes);
	self->peers = calloc(c->boxes, sizeof *self->peers);
	if (!self->boxes || !self->peers)
		return boxes_destroy(&self), NULL;
	self->n = c->boxes;
	self->peers_ok = true;
	for (unsigned i = 0; i < self->n; i++) {
		self->boxes[i] = (box_t){ .pool = self, .idx = i, .n = c->first_box + i,
					  .proc = { 0, -1, -1, NULL, -1 }, .srv = { 0, -1, -1, NULL, -1 },
					  .peer = &self->peers[i] };
		self->peers[i] = (box_t){ .pool = self, .idx = i,
					  .n = c->first_box + c->boxes + i,
					  .proc = { 0, -1, -1, NULL },
					  .srv = { 0, -1, -1, NULL, -1 } };
	}
	for (unsigned i = 0; i < self->n; i++)
		if (s_start(self, i))
			return boxes_destroy(&self), NULL;
	return self;
}

void boxes_destroy(boxes_t **p)
{
	boxes_t *self = *p;
	if (!self)
		return;
	for (unsigned i = 0; i < self->n; i++) {
		box_t *b = &self->boxes[i];
		if (b->phase == BOX_IDLE || b->proc.pidfd < 0)
			continue;
		if (b->phase != BOX_CLEAN && b->phase != BOX_CLEAN_MID)
			spawn_kill(&b->proc);
		spawn_collect(&b->proc);
	}
	for (unsigned i = 0; i < self->n; i++) {
		spawn_kill(&self->peers[i].proc);
		spawn_collect(&self->peers[i].proc);
		spawn_serve_stop(&self->boxes[i].srv);
		spawn_serve_stop(&self->peers[i].srv);
	}
	free(self->peers);
	free(self->boxes);
	free(self);
	*p = NULL;
}
