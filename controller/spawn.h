/* spawn.h: driving judgebox-helper(8) (spawn.c): one-shot (`setup`,
 * `clean` at start-up: the helper with its result pipe on fd 3 and a pidfd
 * to watch), and served: a box's long-lived `serve` process, sent one
 * request per step (its words and four descriptors) over a SOCK_SEQPACKET
 * socket, the step's end being its result pipe's record. Also its argv,
 * its result record and the output files it filled. Nothing here knows of
 * jobs or verdicts: paths and limits are passed in.
 */
#ifndef JUDGEBOX_SPAWN_H
#define JUDGEBOX_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../proto/mp.h"
#include "conf.h"
#include "store.h"

/* A running helper: its pid, its pidfd (for the loop's poll) and the read
 * end of its result pipe; the fds are -1 when none runs. A box's `serve`
 * process is one too, resfd being its request socket. A served step has
 * srv set, and pidfd is the read end of its result pipe (resfd -1). */
typedef struct proc {
	pid_t pid;
	int pidfd, resfd;
	struct proc *srv;
	int null;		/* a started serve's: /dev/null, for its requests */
} proc_t;

/* Send argv (`run BOX ...` or `clean BOX`, argv[0] skipped) with fds 0-2
 * (-1: /dev/null) to box's `serve` process srv, started first if it does
 * not run (or has died: then once more); p is the step. 0, or -1 (logged). */
int spawn_serve(proc_t *srv, proc_t *p, const char *helper, const char *pidfile,
		unsigned box, char *const argv[], int in, int out, int err);
/* End srv (it ends its box's job, if one runs) and wait for it. */
void spawn_serve_stop(proc_t *srv);

/* Start helper (a path) with argv, fds 0-2 as given (-1: /dev/null) and
 * the result pipe as fd 3; write its pid into pidfile, so that a daemon
 * restarted after kill -9 can end it (spawn_kill_stale). box numbers the
 * log lines. 0, or -1 (logged) with nothing left running. */
int spawn_start(proc_t *p, const char *helper, const char *pidfile, unsigned box,
		char *const argv[], int in, int out, int err);
/* Run the helper to completion (start-up only), its messages to our log:
 * its exit code, or -1 if it could not start. */
int spawn_wait(proc_t *p, const char *helper, const char *pidfile, unsigned box,
	       char *const argv[]);
/* p's pidfd fired: reap the helper without blocking and read its record
 * into rec (NUL-terminated, at most size - 1 bytes), close its fds. Its
 * exit code (128 + signal if killed), or -1 if it has not ended yet. For a
 * served step, the record's exit=N; without one, its `serve` died (it is
 * reaped, and started again by the next step): its exit code. */
int spawn_reap(proc_t *p, char *rec, size_t size);
/* SIGKILL the helper through its pidfd, if one runs (a served step: its
 * box's `serve` process, which its job dies with). */
void spawn_kill(const proc_t *p);
/* Wait for the helper (blocking) and close its fds; nothing if none runs. */
void spawn_collect(proc_t *p);
/* True if a helper runs and has ended (its pidfd is readable). */
bool spawn_ended(const proc_t *p);
/* A helper of a previous daemon, named in pidfile, still running in box:
 * kill it (it runs with our real uid, so we may), which kills its box; the
 * box's lock goes with it. */
void spawn_kill_stale(const char *pidfile, unsigned box);

/* argv entries besides the job's args: the helper's options (at most 22),
 * /bin/sh -c, and the run command's words (at most 64). */
#define ARGV_FIXED 96

/* A run step's command line. */
typedef struct spawn_cmd {
	unsigned box;
	const lang_t *lang;		/* its env and source name */
	const uint64_t *lim;		/* limits_t: the first L_HELPER_COUNT */
	const char *policy;
	const char *cmd;		/* with {main} {source} {stem} {mainclass}
					 * {memory_mb} {heap_mb} {procs} */
	bool shell;			/* run cmd with /bin/sh -c */
	char *const *xargs;		/* words after cmd's, NULL-terminated; or NULL: */
	const msgpack_object *args;	/* the job's args (an array of str), or NULL */
	const msgpack_object *main;	/* the job's entry file (a str), or NULL:
					 * the language's source */
	bool loopback;			/* lo up: the problem asks (else the language) */
} spawn_cmd;

/* The helper's argv for c into argv (ARGV_FIXED + 40 entries and one per
 * arg), its words in buf (size bytes). 0, or -1 if buf is too small. */
int spawn_argv(const spawn_cmd *c, char **argv, char *buf, size_t size);
/* Whether command cmd names the entry file by a placeholder ({main},
 * {source}, {stem}, {mainclass}). */
bool spawn_names_entry(const char *cmd);

/* The helper's result record (key=value lines) into *s; rec is modified. */
void spawn_parse_record(char *rec, step_t *s);

/* The first cap bytes of the file at path (heap, the caller's; NULL if
 * it cannot be read), their number in *len and the file's size in *bytes. */
char *spawn_read_out(const char *path, uint64_t cap, size_t *len, uint64_t *bytes);

#endif
