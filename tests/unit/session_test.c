/* session_test: controller/session.c on a temporary store, with the clock
 * in the test's hands (every call takes `now` or a cutoff): insert, load,
 * the versioned update (a stale base changes nothing; another user's
 * session is not found), runs newest first, delete, and idle expiry at a
 * cutoff, which the loop's timer and session_create call. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "../../controller/log.h"
#include "../../controller/session.h"
#include "../lib/tap.h"
#include "../lib/tmpdir.h"

static char dir[] = "/tmp/session_test.XXXXXX";

/* log.c's functions, in place of its object. */
void log_open(bool syslog_only)
{
	(void)syslog_only;
}

void jlog(int prio, const char *fmt, ...)
{
	(void)prio, (void)fmt;
}

int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_ms(void)
{
	return now_ms();
}

static sess_t s_files(const char *user, const char *blob)
{
	sess_t s = { .nfiles = 1, .bytes = strlen(blob) };
	snprintf(s.user, sizeof s.user, "%s", user);
	snprintf(s.lang, sizeof s.lang, "python3");
	s.files = (char *)blob;
	s.files_len = strlen(blob);
	return s;
}

int main(void)
{
	conf_t c = { .sync_full = true };
	limits_t lim = { 0 };
	uint64_t id, id2, v = 0, job1, job2, ids[4];
	bool same;
	sess_t s = s_files("alice", "one"), got;
	sess_run_t runs[4];

	tmpdir_make(dir);
	snprintf(c.state_dir, sizeof c.state_dir, "%s", dir);
	store_t *st = store_new(&c);
	ok(st && !store_begin(st), "a store");
	ok(!session_insert(st, &s, 1000, &id) && id > 0, "insert at t=1000");
	ok(!session_load(st, id, "alice", 0, true, &got) && got.version == 1 &&
	   got.files_len == 3 && !memcmp(got.files, "one", 3) && got.used_at == 1000,
	   "load: version 1, the files, used at 1000");
	sess_free(&got);
	ok(session_load(st, id, "bob", 0, false, &got) == 1, "another user's: not found");
	s = s_files("alice", "two");
	s.id = id;
	ok(session_update(st, &s, 1, 2000, 0, &v) == 0 && v == 2, "update from 1: version 2");
	s.files = "lost", s.files_len = 4;
	ok(session_update(st, &s, 1, 2100, 0, &v) == 1 && v == 2, "update from 1 again: stale, at 2");
	ok(!session_load(st, id, "alice", 0, true, &got) && got.files_len == 3 &&
	   !memcmp(got.files, "two", 3) && got.used_at == 2000, "the stale update changed nothing");
	sess_free(&got);
	snprintf(s.user, sizeof s.user, "bob");
	ok(session_update(st, &s, 2, 2200, 0, &v) == 2, "bob's update of alice's: not found");
	ok(!store_insert(st, "run", "alice", NULL, "python3", NULL, NULL, lim, "x", 1, false, &job1, &same) &&
	   !store_insert(st, "run", "alice", NULL, "python3", NULL, NULL, lim, "y", 1, false, &job2, &same),
	   "two jobs");
	ok(!session_add_run(st, id, job1, 2, 3000) && !session_add_run(st, id, job2, 2, 3500),
	   "two runs at version 2, the last at t=3500");
	ok(session_runs(st, id, 0, runs, 4) == 2 && runs[0].job == job2 && runs[1].job == job1 &&
	   runs[0].version == 2 && runs[0].state == S_QUEUED, "runs: newest first, version, state");
	ok(session_runs(st, id, job2, runs, 4) == 1 && runs[0].job == job1, "runs below a cursor");
	s = s_files("alice", "other");
	ok(!session_insert(st, &s, 4000, &id2), "a second session at t=4000");
	ok(session_ids(st, "alice", 0, 0, ids, 4) == 2 && ids[0] == id2 && ids[1] == id,
	   "ids: newest first");
	ok(session_ids(st, "alice", 3600, 0, ids, 4) == 1 && ids[0] == id2,
	   "with a cutoff of 3600, the first (used at 3500) is idle: left out");
	s.id = id;
	ok(session_load(st, id, "alice", 3600, false, &got) == 1 &&
	   session_update(st, &s, 2, 5000, 3600, &v) == 2, "and not found, nor updated");
	ok(session_update(st, &s, 2, 5000, 0, &v) == 0 && v == 3 &&
	   session_ids(st, "alice", 3600, 0, ids, 4) == 2, "an update before expiry uses it again");
	ok(session_expire(st, 3600) == 0, "expire at cutoff 3600: both stay (used at 5000, 4000)");
	ok(session_expire(st, 4500) == 1 && session_ids(st, "alice", 0, 0, ids, 4) == 1 &&
	   ids[0] == id && session_runs(st, id, 0, runs, 4) == 2,
	   "expire at cutoff 4500: the second goes, the first stays with its runs");
	ok(session_expire(st, 5001) == 1 && session_load(st, id, "alice", 0, false, &got) == 1 &&
	   session_runs(st, id, 0, runs, 4) == 0, "expire at cutoff 5001: the first goes, runs too");
	ok(!session_insert(st, &s, 6000, &id2), "a third session");
	ok(session_delete(st, id2, "bob", 0) == 0 && session_delete(st, id2, "alice", 0) == 1 &&
	   session_delete(st, id2, "alice", 0) == 0, "delete: not bob's; alice's once");
	ok(!store_commit(st), "commit");
	store_destroy(&st);
	return done_testing();
}
