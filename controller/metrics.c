/* metrics.c: see metrics.h. Every series has a fixed label set made at
 * start-up from the configuration (languages, their policies) or from a
 * fixed list (statuses); syscalls take the first METRICS_SYSCALLS names
 * seen, then "other", so that a counter never moves between labels (a
 * "top N" re-ranked at each scrape would make counters go down).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"

#define POLICIES	16
#define NBUCKETS	16

/* Final statuses: a judged job's verdict, else its status, else its state. */
static const char *const s_statuses[] = {
	"ok", "exit", "signal", "cpu_limit", "wall_limit", "memory_limit",
	"file_limit", "output_limit", "violation", "internal_error",
	"compile_error", "accepted", "wrong_answer", "time_limit",
	"runtime_error", "security_violation", "judge_error",
	"presentation_error", "cancelled", "failed", "other",
};
#define NSTATUS	(sizeof s_statuses / sizeof *s_statuses)

typedef struct hist {
	const char *name, *help;
	const double *le;		/* upper bounds, seconds; ends with 0 */
	uint64_t n[NBUCKETS], count, sum_us;
} hist_t;

static const double s_wait_le[] = { .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5,
				    10, 30, 60, 300, 0 };
static const double s_compile_le[] = { .05, .1, .25, .5, 1, 2, 5, 10, 30, 60, 0 };
static const double s_run_le[] = { .001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5,
				   5, 10, 30, 0 };

struct metrics {
	const conf_t *c;
	size_t nlangs;			/* the configured ones; "other" is [nlangs] */
	uint64_t *jobs;			/* [(nlangs + 1) * NSTATUS] */
	hist_t wait, compile, run;
	uint64_t cache_hit, cache_miss, helper_errors;
	char policies[POLICIES][64];
	size_t npolicies;		/* "other" is [npolicies] */
	char syscalls[METRICS_SYSCALLS][32];
	size_t nsyscalls;		/* "other" is [nsyscalls] */
	uint64_t viol[POLICIES + 1][METRICS_SYSCALLS + 1];
	int64_t next_file;		/* monotonic ms; 0: no file */
	bool file_failing;		/* logged once until a write succeeds */
};

static void s_policies(metrics_t *self)
{
	for (size_t i = 0; i < self->c->nlangs; i++) {
		const char *p = self->c->langs[i].policy;
		size_t k = 0;
		while (k < self->npolicies && strcmp(self->policies[k], p))
			k++;
		if (k == self->npolicies && k < POLICIES)
			snprintf(self->policies[self->npolicies++], 64, "%s", p);
	}
}

metrics_t *metrics_new(const conf_t *c)
{
	metrics_t *self = calloc(1, sizeof *self);
	if (!self)
		return NULL;
	self->c = c;
	self->nlangs = c->nlangs;
	self->jobs = calloc((c->nlangs + 1) * NSTATUS, sizeof *self->jobs);
	if (!self->jobs) {
		free(self);
		return NULL;
	}
	self->wait = (hist_t){ "judgebox_queue_wait_seconds",
		"Time from a job's acceptance to its start in a box.", s_wait_le, { 0 }, 0, 0 };
	self->compile = (hist_t){ "judgebox_compile_seconds",
		"Wall time of compile steps (a compile cache hit has none).", s_compile_le,
		{ 0 }, 0, 0 };
	self->run = (hist_t){ "judgebox_run_seconds",
		"Wall time of run steps (a run, or each test of a judged job).", s_run_le,
		{ 0 }, 0, 0 };
	s_policies(self);
	if (*c->metrics_dir)
		self->next_file = mono_ms();
	return self;
}

void metrics_destroy(metrics_t **p)
{
	metrics_t *self = *p;
	if (!self)
		return;
	free(self->jobs);
	free(self);
	*p = NULL;
}

/* ---- counting ---- */

static void s_observe(hist_t *h, uint64_t us)
{
	size_t i = 0;
	while (h->le[i] && (double)us / 1e6 > h->le[i])
		i++;
	h->n[i]++;		/* i: the first bucket it fits; rendered cumulative */
	h->count++;
	h->sum_us += us;
}

static size_t s_status(const char *s)
{
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (!strcmp(s, s_statuses[i]))
			return i;
	return NSTATUS - 1;
}

static size_t s_lang(const metrics_t *self, const char *id)
{
	for (size_t i = 0; i < self->nlangs; i++)
		if (!strcmp(self->c->langs[i].id, id))
			return i;
	return self->nlangs;
}

void metrics_job_ended(metrics_t *self, const audit_job_t *j)
{
	const char *st = *j->verdict ? j->verdict : *j->status ? j->status :
			 wire_state_names[j->state < S_COUNT ? j->state : S_FAILED];
	size_t l = s_lang(self, j->lang);
	self->jobs[l * NSTATUS + s_status(st)]++;
	if (j->started_at && j->created_at && j->started_at >= j->created_at)
		s_observe(&self->wait, (uint64_t)(j->started_at - j->created_at) * 1000);
	if (j->compiled)
		s_observe(&self->compile, j->c_wall_us);
	if (j->ran)
		s_observe(&self->run, j->wall_us);
	/* A compiled language's job that ended without a compile step of
	 * its own found its program in the compile cache. */
	bool judged = j->state == S_JUDGED && strcmp(st, "internal_error");
	if (l < self->nlangs && *self->c->langs[l].compile && judged)
		j->compiled ? self->cache_miss++ : self->cache_hit++;
}

void metrics_run_time(metrics_t *self, uint64_t wall_us)
{
	s_observe(&self->run, wall_us);
}

void metrics_helper_error(metrics_t *self)
{
	self->helper_errors++;
}

void metrics_violation(metrics_t *self, const char *policy, const char *syscall)
{
	size_t p = 0, s = 0;
	while (p < self->npolicies && strcmp(self->policies[p], policy))
		p++;
	while (s < self->nsyscalls && strcmp(self->syscalls[s], syscall))
		s++;
	if (s == self->nsyscalls && s < METRICS_SYSCALLS && strlen(syscall) < 32)
		snprintf(self->syscalls[self->nsyscalls++], 32, "%s", syscall);
	self->viol[p][s]++;
}

/* ---- the text ---- */

/* A label value as the format wants it: \ " and newline escaped. */
static void s_label(FILE *f, const char *v)
{
	for (; *v; v++)
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
}

static void s_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void s_gauge(FILE *f, const char *name, const char *help, double v)
{
	s_head(f, name, "gauge", help);
	fprintf(f, "%s %.17g\n", name, v);
}

static void s_hist(FILE *f, const hist_t *h)
{
	uint64_t cum = 0;
	size_t i;
	s_head(f, h->name, "histogram", h->help);
	for (i = 0; h->le[i]; i++) {
		cum += h->n[i];
		fprintf(f, "%s_bucket{le=\"%g\"} %llu\n", h->name, h->le[i],
			(unsigned long long)cum);
	}
	fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n", h->name, (unsigned long long)h->count);
	fprintf(f, "%s_sum %.6f\n%s_count %llu\n", h->name, (double)h->sum_us / 1e6,
		h->name, (unsigned long long)h->count);
}

static void s_jobs(FILE *f, const metrics_t *self)
{
	s_head(f, "judgebox_jobs_total", "counter", "Jobs that ended in a box, by language"
	       " and final status (a judged job's verdict, else its status).");
	for (size_t l = 0; l <= self->nlangs; l++)
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t n = self->jobs[l * NSTATUS + s];
			if (!n)
				continue;
			fputs("judgebox_jobs_total{lang=\"", f);
			s_label(f, l < self->nlangs ? self->c->langs[l].id : "other");
			fprintf(f, "\",status=\"%s\"} %llu\n", s_statuses[s], (unsigned long long)n);
		}
}

static void s_violations(FILE *f, const metrics_t *self)
{
	s_head(f, "judgebox_violations_total", "counter", "Security violations the jail"
	       " reported, by seccomp policy and system call.");
	for (size_t p = 0; p <= self->npolicies; p++)
		for (size_t s = 0; s <= self->nsyscalls; s++) {
			if (!self->viol[p][s])
				continue;
			fputs("judgebox_violations_total{policy=\"", f);
			s_label(f, p < self->npolicies ? self->policies[p] : "other");
			fputs("\",syscall=\"", f);
			s_label(f, s < self->nsyscalls ? self->syscalls[s] : "other");
			fprintf(f, "\"} %llu\n", (unsigned long long)self->viol[p][s]);
		}
}

static void s_counter(FILE *f, const char *name, const char *help, uint64_t v)
{
	s_head(f, name, "counter", help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

static void s_gauges(FILE *f, const metrics_now_t *now)
{
	s_gauge(f, "judgebox_queue_length", "Jobs waiting for a box.",
		(double)now->queue_length);
	s_gauge(f, "judgebox_queue_capacity", "The queue's capacity (queue_capacity).",
		(double)now->queue_capacity);
	s_gauge(f, "judgebox_jobs_running", "Jobs in a box.", (double)now->running);
	s_head(f, "judgebox_boxes", "gauge", "Boxes of the pool by state (busy: running"
	       " a job or being cleaned; free: ready for one).");
	fprintf(f, "judgebox_boxes{state=\"busy\"} %llu\njudgebox_boxes{state=\"free\"} %llu\n",
		(unsigned long long)now->boxes_busy, (unsigned long long)now->boxes_free);
	s_gauge(f, "judgebox_boxes_configured", "Boxes of the pool (boxes).", (double)now->boxes_total);
	if (now->flagged >= 0)
		s_gauge(f, "judgebox_users_flagged", "Users flagged for security violations"
			" and not yet cleared.", (double)now->flagged);
	s_gauge(f, "judgebox_draining", "1 while the daemon drains (SIGTERM).",
		now->draining ? 1 : 0);
	s_gauge(f, "judgebox_start_time_seconds", "When the daemon started, seconds"
		" since the epoch.", (double)now->started_at / 1000);
}

char *metrics_text(const metrics_t *self, const metrics_now_t *now)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	s_gauges(f, now);
	s_jobs(f, self);
	s_hist(f, &self->wait);
	s_hist(f, &self->compile);
	s_hist(f, &self->run);
	s_head(f, "judgebox_compile_cache_total", "counter", "Jobs of compiled languages"
	       " by whether their program was in the compile cache.");
	fprintf(f, "judgebox_compile_cache_total{result=\"hit\"} %llu\n"
		"judgebox_compile_cache_total{result=\"miss\"} %llu\n",
		(unsigned long long)self->cache_hit, (unsigned long long)self->cache_miss);
	s_violations(f, self);
	s_counter(f, "judgebox_helper_errors_total", "Attempts that ended in an internal"
		  " error of the helper or the daemon (requeued, or failed at the last).",
		  self->helper_errors);
	s_counter(f, "judgebox_store_errors_total", "Store statements, begins and commits"
		  " that failed.", now->store_errors);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- the file ---- */

bool metrics_file_due(metrics_t *self, int64_t mono)
{
	if (!self->next_file || mono < self->next_file)
		return false;
	uint64_t every = self->c->metrics_every_ms < 100 ? 100 : self->c->metrics_every_ms;
	self->next_file = mono + (int64_t)every;
	return true;
}

int64_t metrics_file_next(const metrics_t *self)
{
	return self->next_file;
}

int metrics_file_write(metrics_t *self, const char *text)
{
	char path[600], tmp[620];
	snprintf(path, sizeof path, "%s/" METRICS_FILE, self->c->metrics_dir);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", self->c->metrics_dir, METRICS_FILE);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	size_t len = strlen(text), off = 0;
	while (fd >= 0 && off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	/* fchmod: the collector (another user) must read it whatever our umask. */
	bool ok = fd >= 0 && off == len && fchmod(fd, 0644) == 0;
	int err = errno;
	if (fd >= 0 && close(fd) != 0 && ok)
		ok = false, err = errno;
	if (ok && rename(tmp, path) != 0)
		ok = false, err = errno;
	if (!ok && !self->file_failing)
		jlog(LOG_ERR, "metrics: cannot write %s: %s (logged once until it can)",
		     path, strerror(err ? err : EIO));
	if (!ok && fd >= 0)
		unlink(tmp);
	self->file_failing = !ok;
	return ok ? 0 : -1;
}
