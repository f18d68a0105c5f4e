/* violations_test: controller/violations.c, store_audit.c and metrics.c on
 * a temporary state directory, with the clock in the test's hands (every
 * function that decides by time takes `now`): retention at 30 and 7 days,
 * the sliding hour of the flag threshold, block and unflag, a violation
 * seen twice; the metrics' bounded labels (languages, syscalls past the
 * first 16), cumulative histogram buckets, label escaping, and the file
 * written by rename. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../controller/log.h"
#include "../../controller/metrics.h"
#include "../../controller/outbox.h"
#include "../../controller/store_audit.h"
#include "../../controller/violations.h"
#include "../lib/tap.h"
#include "../lib/tmpdir.h"

#define DAY	86400000LL
#define MIN	60000LL

static char dir[] = "/tmp/violations_test.XXXXXX";

/* log.c's functions, in place of its object: the lines are counted. */
static int nlog;
void log_open(bool syslog_only) { (void)syslog_only; }
void jlog(int prio, const char *fmt, ...)
{
	(void)prio, (void)fmt;
	nlog++;
}
static int64_t s_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
int64_t now_ms(void) { return s_ms(CLOCK_REALTIME); }
int64_t mono_ms(void) { return s_ms(CLOCK_MONOTONIC); }

static conf_t c;
static lang_t langs[2];
static store_t *st;
static outbox_t *out;
static metrics_t *m;
static viol_t *v;

static void s_setup(void)
{
	tmpdir_make(dir);
	memset(&c, 0, sizeof c);
	snprintf(c.state_dir, sizeof c.state_dir, "%s", dir);
	snprintf(c.metrics_dir, sizeof c.metrics_dir, "%s", dir);
	c.violations_per_hour = 5, c.violations_days = 30, c.traces_days = 7;
	c.prune_every_ms = 1000, c.metrics_every_ms = 1000;
	strcpy(langs[0].id, "c"), strcpy(langs[0].policy, "default"), strcpy(langs[0].compile, "cc");
	strcpy(langs[1].id, "we\"ird"), strcpy(langs[1].policy, "strict");
	c.langs = langs, c.nlangs = 2;
	if (!(st = store_new(&c)) || !(out = outbox_new(st)) || !(m = metrics_new(&c)) ||
	    !(v = viol_new(&c, st, out, m)))
		printf("Bail out! cannot make the objects\n"), exit(1);
}

/* A job of user's with a violation. */
static audit_job_t s_job(uint64_t id, const char *user)
{
	audit_job_t j = { .id = id, .state = S_JUDGED, .attempt = 1 };
	strcpy(j.kind, "run"), strcpy(j.lang, "c"), strcpy(j.status, "violation");
	snprintf(j.user, sizeof j.user, "%s", user);
	strcpy(j.syscall, "ptrace"), strcpy(j.args, "0x10,0x2a,0,0,0,0");
	return j;
}

static void t_retention(int64_t now)
{
	audit_job_t j1 = s_job(1, "old"), j2 = s_job(2, "old"), j3 = s_job(3, "old");
	store_begin(st);
	viol_record(v, &j1, -1, "ptrace", j1.args, now - 31 * DAY);
	viol_record(v, &j2, -1, "ptrace", j2.args, now - 29 * DAY);
	viol_record(v, &j3, 0, "ptrace", j3.args, now - MIN);
	audit_trace_add(st, &j1, "eight days", now - 8 * DAY);
	audit_trace_add(st, &j2, "six days", now - 6 * DAY);
	ok(audit_viol_count(st, "old", 0) == 3, "three violations recorded");
	ok(viol_record(v, &j3, 0, "ptrace", j3.args, now) == 0,
	   "the same job's test seen twice is recorded once");
	ok(audit_prune(st, now, 30, 7) == 2, "prune at now: one violation and one trace go");
	ok(audit_viol_count(st, "old", 0) == 2 && audit_viol_count(st, "old", now - 30 * DAY) == 2,
	   "the violations of 29 days and of a minute stay");
	ok(audit_prune(st, now + 2 * DAY, 30, 7) == 2,
	   "two days later: the violation of 29 days and the trace of 6 go");
	ok(audit_prune(st, now + 2 * DAY, 30, 7) == 0, "pruning again removes nothing");
	store_commit(st);
}

static void t_threshold(int64_t now)
{
	uint64_t id = 100;
	audit_flag_t f = { 0 };
	store_begin(st);
	for (int i = 0; i < 3; i++, id++) {	/* outside the hour */
		audit_job_t j = s_job(id, "alice");
		viol_record(v, &j, -1, "ptrace", j.args, now - 61 * MIN);
	}
	for (int i = 0; i < 5; i++, id++) {
		audit_job_t j = s_job(id, "alice");
		viol_record(v, &j, -1, "ptrace", j.args, now - 30 * MIN + i);
	}
	viol_check_user(v, "alice", now);
	ok(audit_flag_get(st, "alice", &f) == 0, "8 violations, 5 in the last hour: not flagged");
	audit_job_t j = s_job(id++, "alice");
	viol_record(v, &j, -1, "ptrace", j.args, now);
	viol_check_user(v, "alice", now);
	ok(audit_flag_get(st, "alice", &f) == 1 && f.active && !f.blocked && f.at == now,
	   "the sixth in the hour: flagged (action flag, not blocked)");
	ok(!viol_blocked(v, "alice"), "flag: alice is not blocked");
	ok(viol_unflag(v, "alice", "root", now + 1) == 1 && viol_unflag(v, "alice", "root", now + 1) == 0,
	   "unflag: 1, then 0 (no flag left)");
	j = s_job(id++, "alice");
	viol_record(v, &j, -1, "ptrace", j.args, now + 2);
	viol_check_user(v, "alice", now + 2);
	ok(audit_flag_get(st, "alice", &f) == 1 && !f.active, "after the clearing the count starts over");
	c.violation_block = true;
	for (int i = 0; i < 6; i++, id++) {
		j = s_job(id, "bob");
		viol_record(v, &j, -1, "ptrace", j.args, now - 59 * MIN + i);
	}
	viol_check_user(v, "bob", now);
	ok(viol_blocked(v, "bob") && audit_flags_count(st) == 1, "block: bob is blocked, one flag active");
	viol_check_user(v, "bob", now + 61 * MIN);
	ok(viol_blocked(v, "bob"), "a block outlives the hour, until an admin clears it");
	store_commit(st);
}

/* The value of series s in text t, or -1. */
static long s_val(const char *t, const char *s)
{
	const char *p = t;
	size_t n = strlen(s);
	while ((p = strstr(p, s)) && !((p == t || p[-1] == '\n') && p[n] == ' '))
		p += n;
	return p ? strtol(p + n + 1, NULL, 10) : -1;
}

static void t_metrics(void)
{
	char sc[32];
	for (int i = 0; i < 20; i++) {
		snprintf(sc, sizeof sc, "call%02d", i);
		metrics_violation(m, "default", sc);
	}
	metrics_violation(m, "nosuch", "call00");
	audit_job_t j = s_job(1, "x");
	j.created_at = 1000, j.started_at = 1040, j.ran = true, j.wall_us = 30000;
	metrics_job_ended(m, &j);
	strcpy(j.lang, "cobol"), strcpy(j.status, "weird");
	metrics_job_ended(m, &j);
	metrics_now_t now = { .boxes_total = 2, .boxes_free = 2, .flagged = 1 };
	char *t = metrics_text(m, &now);
	ok(t != NULL, "the text is rendered");
	if (!t)
		return;
	/* ptrace (the violations above) was the first. */
	ok(s_val(t, "judgebox_violations_total{policy=\"default\",syscall=\"call14\"}") == 1 &&
	   s_val(t, "judgebox_violations_total{policy=\"default\",syscall=\"call15\"}") == -1 &&
	   s_val(t, "judgebox_violations_total{policy=\"default\",syscall=\"other\"}") == 5,
	   "syscalls: the first 16 by name, the rest other");
	ok(s_val(t, "judgebox_violations_total{policy=\"other\",syscall=\"call00\"}") == 1,
	   "a policy no language uses is other");
	ok(s_val(t, "judgebox_jobs_total{lang=\"c\",status=\"violation\"}") == 1 &&
	   s_val(t, "judgebox_jobs_total{lang=\"other\",status=\"other\"}") == 1,
	   "an unknown language and status are other");
	ok(s_val(t, "judgebox_queue_wait_seconds_bucket{le=\"0.025\"}") == 0 &&
	   s_val(t, "judgebox_queue_wait_seconds_bucket{le=\"0.05\"}") == 2 &&
	   s_val(t, "judgebox_queue_wait_seconds_bucket{le=\"+Inf\"}") == 2,
	   "histogram buckets are cumulative (40 ms waits: le 0.05 and above)");
	ok(strstr(t, "judgebox_run_seconds_sum 0.060000\n") != NULL, "a histogram's sum in seconds");
	ok(strstr(t, "\"we\\\"ird\"") == NULL && s_val(t, "judgebox_users_flagged") == 1,
	   "no series for a language without jobs; the flagged gauge");
	ok(metrics_file_write(m, t) == 0, "the file is written");
	char p[700], buf[64];
	snprintf(p, sizeof p, "%s/judgebox.prom", dir);
	FILE *f = fopen(p, "r");
	ok(f && fgets(buf, sizeof buf, f) && !strncmp(buf, "# HELP judgebox_queue_length", 28),
	   "... and holds the text");
	if (f)
		fclose(f);
	snprintf(p, sizeof p, "%s/.judgebox.prom.tmp", dir);
	ok(access(p, F_OK) != 0, "no temporary file is left");
	free(t);
}

int main(void)
{
	s_setup();
	int64_t now = now_ms();
	t_retention(now);
	t_threshold(now);
	t_metrics();
	viol_destroy(&v);
	metrics_destroy(&m);
	outbox_destroy(&out);
	store_destroy(&st);
	return done_testing();
}
