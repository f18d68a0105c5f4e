/* jbd.h: judgeboxd's modules and the types they share.
 *
 * One process, one zmq_poll loop (judgeboxd.c). The store (store.c) is the
 * truth: a job's state changes only inside a store transaction, replies and
 * events leave only after its commit (the outbox in judgeboxd.c). Boxes
 * (box.c) drive judgebox-helper as child processes watched through pidfds.
 * Requests are checked and answered in ops.c; configuration and language
 * files are read in conf.c.
 */
#ifndef JUDGEBOX_JBD_H
#define JUDGEBOX_JBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../proto/mp.h"

#define JBD_VERSION	"0.2.0"
#define PROTO_V		2
#define NAME_MAX_LEN	64	/* users, language ids, idem keys */

/* The run limits, in the order of PROTOCOL.md 7.1 and judgebox-helper(8). */
enum { L_CPU, L_WALL, L_MEM, L_PROCS, L_FSIZE, L_STACK, L_NOFILE, L_TMP,
       L_OUTPUT, L_COUNT };
extern const char *const limit_names[L_COUNT];	/* "cpu_ms", ... */
typedef uint64_t limits_t[L_COUNT];
int limit_index(const char *name);	/* "cpu_ms" or "cpu-ms"; -1 */

typedef struct lang {
	char id[33], name[128], source[65], version[128], reason[256];
	char exts[128], compile[1024], run[1024], artifacts[256];
	char policy[64], env[8][256];
	int nenv;
	bool available, has_limits[L_COUNT], has_climits[L_COUNT];
	limits_t limits, climits;	/* language defaults, run and compile */
	char version_cmd[256];
} lang_t;

typedef struct conf {
	char state_dir[512], helper[512], helper_conf[512], languages_dir[512];
	char box_root[512];		/* from helper.conf */
	char endpoint[256], events[256], admins[512], log[16];
	char tcp_endpoint[256], tcp_events[256];	/* empty: no TCP */
	char server_key[512], clients_dir[512];	/* CURVE (curve.c) */
	unsigned boxes, first_box;
	uint64_t queue_capacity, queue_per_user, max_waits, max_attempts;
	uint64_t history_days, drain_ms, cache_entries;
	uint64_t max_request, max_source, max_files, max_files_total;
	uint64_t max_stdin, max_args, compile_output_kb;
	bool sync_full;
	limits_t def, ceil;		/* run limits: defaults and ceilings */
	limits_t cdef;			/* compile step defaults */
	limits_t hceil;			/* helper.conf's ceilings */
	lang_t *langs;
	size_t nlangs;
	int cgroup_version;
} conf_t;

/* conf.c */
int conf_load(conf_t *c, const char *path);
int conf_load_languages(conf_t *c);
const lang_t *conf_lang(const conf_t *c, const char *id);
bool conf_is_admin(const conf_t *c, const char *user);
void conf_free(conf_t *c);

/* log (judgeboxd.c) */
void jlog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int64_t now_ms(void);

/* Job states (PROTOCOL.md 10.1). */
enum { S_QUEUED, S_COMPILING, S_RUNNING, S_JUDGED, S_CANCELLED, S_FAILED };
extern const char *const state_names[6];
int state_parse(const char *s);
#define S_TERMINAL(s) ((s) >= S_JUDGED)

/* What the helper reported for one step. */
typedef struct step {
	char status[32], syscall[64], args[160], message[256];
	uint64_t exit_code, signal, cpu_us, wall_us, memory_kb;
	uint64_t out_bytes, err_bytes;
	char *out, *err;		/* heap, capped copies */
	size_t out_len, err_len;
	bool ran;
} step_t;

/* The parts of a job a box needs; loaded from the store when it starts. */
typedef struct jobspec {
	uint64_t id, attempt;
	char user[NAME_MAX_LEN + 1], lang[33];
	limits_t lim;
	char *spec;			/* msgpack: [files, stdin, args] */
	size_t spec_len;
} jobspec_t;

/* store.c */
int store_open(const conf_t *c);
void store_close(void);
int store_begin(void);			/* no-op if a transaction is open */
int store_commit(void);
void store_rollback(void);
int store_expire(int64_t before_ms);
/* An existing (user, idem): 1 with its id and whether its spec is the
 * same, 0 if none, -1 on error. */
int store_find_idem(const char *user, const char *idem, const void *spec,
		    size_t len, uint64_t *id, bool *same);
/* Insert a queued job; *id out. Returns 0, or 1 if (user, idem) exists:
 * then *id is that job and *same tells whether its spec matches. */
int store_insert(const char *kind, const char *user, const char *by,
		 const char *lang, const char *label, const char *idem,
		 const limits_t lim, const void *spec, size_t spec_len,
		 bool hidden, uint64_t *id, bool *same);
/* A state change: bumps seq, sets times; returns the new seq or 0. */
uint64_t store_set_state(uint64_t id, int state, bool new_attempt);
int store_set_result(uint64_t id, int state, const step_t *comp,
		     const step_t *run, const char *status, const char *message,
		     uint64_t comp_out_bytes, const char *comp_out,
		     size_t comp_out_len);
int store_load_spec(uint64_t id, jobspec_t *js);
void jobspec_free(jobspec_t *js);
/* Job fields needed by the loop. */
int store_job_state(uint64_t id, int *state, char *user, size_t usize,
		    uint64_t *attempt);
enum { JW_OUTPUT = 1, JW_SOURCE = 2, JW_SUMMARY = 4 };
int store_write_job(mp_w *w, uint64_t id, int flags);
int store_write_event(mp_w *w, uint64_t id, int *state);	/* state out */
/* Queued jobs in id order, and jobs a crash left in a box. */
typedef void (*store_job_cb)(void *arg, uint64_t id, const char *user,
			     int state, uint64_t attempt);
int store_each_active(store_job_cb cb, void *arg);
/* list: filters and a cursor; writes the jobs array and returns count. */
typedef struct list_q {
	const char *user;	/* NULL: every user */
	int states[6];
	int nstates;
	const char *kind, *lang, *label;
	uint64_t before;	/* 0: from the newest */
	unsigned limit;
} list_q;
int store_list(mp_w *w, const list_q *q, uint64_t *last_id, bool *more);
/* Compile cache: the artifacts directory name for key, or create one. */
int store_cache_find(uint64_t key, const void *blob, size_t len,
		     uint64_t *entry);
void store_cache_drop(uint64_t entry);
int store_cache_add(uint64_t key, const void *blob, size_t len,
		    uint64_t *entry, uint64_t max_entries, uint64_t *evicted,
		    size_t *nevicted);

/* Judging (PROTOCOL.md 14): per-test results, each bumping the job's seq
 * (returned, 0 on error); the job's verdict; a test's event. */
uint64_t store_test_result(uint64_t job, unsigned idx, const char *name,
			   const char *verdict, const step_t *r,
			   const char *message);
void store_tests_clear(uint64_t job);
int store_set_verdict(uint64_t job, const char *verdict, const char *first,
		      unsigned ntests);
int store_write_test_event(mp_w *w, uint64_t job, unsigned idx,
			   unsigned total);

int store_problem_put(const char *id, const char *name, const void *desc,
		      size_t len, const char *by);
char *store_problem_get(const char *id, size_t *len);
int store_problem_ids(const char *after, char (*ids)[65], int max);
int store_set_score(uint64_t job, double score);
int store_set_problem(uint64_t job, const char *problem);
/* A job's msgpack blob column: "requirements" or "groups". */
int store_set_blob(uint64_t job, const char *col, const void *blob, size_t len);

/* box.c: the pool. */
/* Copy the whole regular file from (from its start, whatever its offset)
 * to to's offset: copy_file_range, or sendfile across file systems. */
int fd_copy(int from, int to);
/* Remove directory path and what it holds (our own: the compile cache, the
 * problem snapshots), never following a link. */
int dir_remove(const char *path);
/* Open path, which must lie under dir, with openat2(RESOLVE_BENEATH): no
 * link in it leads out of dir. -1 with errno (EINVAL: not under dir). */
int open_beneath(const char *dir, const char *path, int flags);
int box_init(const conf_t *c);
void box_shutdown(void);
int box_free_count(void);
int box_active_count(void);		/* boxes with a child (not idle, not broken) */
int box_total(void);
/* Start job js in a free box (takes js); -1 if none free. */
int box_start(jobspec_t *js);
/* Kill the box running job id (cancel or drain; the caller has already
 * stored the job's new state); true if there was one. */
bool box_kill(uint64_t id);
/* Drain ran out: every boxed job goes back to queued, its box is killed. */
void box_requeue_all(void);
/* Poll items for the boxes' pidfds; and handle the ones that fired. */
size_t box_pollfds(int *fds, size_t max);
void box_ready(int fd);
/* Called by box.c (judgeboxd.c implements): a job's state changed in the
 * open transaction; a test ended; a job left its box (requeued: back in the
 * queue). */
void job_state_changed(uint64_t id);
void job_test_event(uint64_t id, unsigned idx, unsigned total);
void job_left(uint64_t id, const char *user, bool requeued);

/* curve.c: the TCP transport's CURVE keys and ZAP handler. */
int curve_init(void *ctx, const conf_t *c);
int curve_reload(const conf_t *c);
int curve_server(void *sock);
void *curve_zap_socket(void);
void curve_zap_handle(void);
bool curve_user_known(const char *name);
void curve_close(void);

#endif
