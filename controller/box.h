/* box.h: the pool of boxes (box.c), each driving judgebox-helper(8).
 *
 * A box's life is a table of phases; every phase but IDLE and BROKEN has
 * one helper step, watched in the loop's zmq_poll. The judge (judge.c)
 * moves a box through them, one step of a job at a time:
 *
 *   IDLE --start--> COMPILE --ok--> CLEAN_MID --> RUN --> CLEAN --> IDLE
 *        (cached or interpreted) ----------------> RUN
 *
 * (VCOMPILE and CHECK: the problem's output validator, compiled, then run
 * after the program.) The pool ends a CLEAN itself: the box is IDLE again,
 * or after three failures BROKEN: left out of service (and logged) rather
 * than reused with what a job left in it. Every other helper that ends is
 * handed up through the callbacks given to boxes_new.
 *
 * Every step (a run, or a clean) is a request to the box's own
 * `judgebox-helper serve` process (spawn.h), started at the box's first
 * step and again after it ends (an internal error, a cancelled run): a
 * job costs no exec of the helper. The step's end is its record on a
 * result pipe; that pipe is the fd the loop polls.
 *
 * Each box has a peer: a second helper box (numbered after the pool)
 * where an interactive problem's validator runs; it never holds a job.
 *
 * Program output never touches the box: stdout and stderr are files in the
 * daemon's state directory (state_dir/io/N, never under the helper's
 * box_root) passed as fds 1 and 2: box_io_path and box_io_open.
 */
#ifndef JUDGEBOX_BOX_H
#define JUDGEBOX_BOX_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

typedef enum box_phase {
	BOX_IDLE, BOX_CLEAN, BOX_COMPILE, BOX_CLEAN_MID, BOX_RUN, BOX_BROKEN,
	BOX_VCOMPILE, BOX_CHECK
} box_phase;

typedef struct box box_t;
typedef struct boxes boxes_t;

typedef struct box_cbs {
	void *arg;
	/* b's helper ended in a phase other than CLEAN: its exit code (128 +
	 * signal if killed) and its result record (NUL-terminated, the
	 * callee's to modify). b keeps its phase: the callee moves it on. */
	void (*reaped)(void *arg, box_t *b, int code, char *rec);
	/* The helper in b's peer ended (the peer is IDLE again). */
	void (*peer_reaped)(void *arg, box_t *b, int code, char *rec);
} box_cbs_t;

/* The pool of c->boxes boxes and their peers: each set up (the helper's
 * `setup`, once) and cleaned, a stale helper of a previous daemon killed
 * first. NULL (logged) if a box cannot be cleaned. A peer that cannot be
 * cleaned (the helper's `boxes` is too small) only makes interactive
 * problems fail: boxes_peers_ok. */
boxes_t *boxes_new(const conf_t *c, const box_cbs_t *cbs);
/* Kill every child and wait (used on exit after a drain); safe twice. */
void boxes_destroy(boxes_t **p);

unsigned boxes_count(const boxes_t *self);
box_t *boxes_at(boxes_t *self, unsigned i);
/* A box in IDLE, or NULL. */
box_t *boxes_idle(boxes_t *self);
bool boxes_peers_ok(const boxes_t *self);
int boxes_free_count(const boxes_t *self);	/* in IDLE */
int boxes_active_count(const boxes_t *self);	/* with a child (not idle, not broken) */
/* The pidfds to poll, boxes' and peers'; and handle the one that fired:
 * reap its helper and hand it up (box_cbs_t). */
size_t boxes_pollfds(const boxes_t *self, int *fds, size_t max);
void boxes_ready(boxes_t *self, int fd);

unsigned box_index(const box_t *b);		/* in the pool: 0.. */
unsigned box_number(const box_t *b);		/* the helper's */
box_phase box_get_phase(const box_t *b);
void box_set_idle(box_t *b);			/* no child is left in it */
box_t *box_peer(box_t *b);
/* Start the helper in b with argv and fds 0-2 (-1: /dev/null), b in phase
 * ph (even if it fails). 0, or -1 (logged). */
int box_spawn(box_t *b, box_phase ph, char *const argv[], int in, int out, int err);
/* Start the helper's `clean` of b: ph is BOX_CLEAN (then IDLE) or
 * BOX_CLEAN_MID (a job's next step follows). 0 or -1. */
int box_clean(box_t *b, box_phase ph);
/* End b's step if any (its serve killed, waited for), then clean b to
 * completion: this blocks the loop for one `clean` request (a fraction of
 * a millisecond; a few more if the serve must be started). b is IDLE; 0
 * or -1. */
int box_clean_wait(box_t *b);
/* SIGKILL b's step, if it has one (its serve, which the job dies with). */
void box_kill(box_t *b);
/* True if b has a child and it has ended (not yet reaped). */
bool box_ended(const box_t *b);
/* b's directory under the helper's box_root (O_DIRECTORY, O_NOFOLLOW), or -1. */
int box_dir(const box_t *b);
/* state_dir/io/N/name into buf; returns buf. */
char *box_io_path(const box_t *b, const char *name, char *buf, size_t size);
/* That file, created or emptied, read-write; or -1. */
int box_io_open(const box_t *b, const char *name);

#endif
