/* metrics.h: the daemon's counters and histograms (metrics.c), in memory,
 * rendered in Prometheus's text format for the `metrics` operation and
 * for a file that node_exporter's textfile collector reads (written
 * atomically: a temporary file, then rename). judgeboxd(8), METRICS, names
 * every series.
 *
 * Cheap per job: a job's end adds to arrays in memory (the caller has read
 * the job's row once, store_audit.h); the gauges are read when a text is
 * rendered. Label sets are bounded: languages only from the configured
 * ones, policies only those the languages use, syscalls the first
 * METRICS_SYSCALLS names seen (then "other"), statuses from a fixed list
 * (then "other"); no user or job label.
 */
#ifndef JUDGEBOX_METRICS_H
#define JUDGEBOX_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "store_audit.h"

#define METRICS_SYSCALLS	16
#define METRICS_FILE		"judgebox.prom"

typedef struct metrics metrics_t;

/* What is read when a text is rendered (the gauges). */
typedef struct metrics_now {
	uint64_t queue_length, queue_capacity, running;
	uint64_t boxes_total, boxes_busy, boxes_free;
	int64_t flagged;			/* -1: unknown */
	uint64_t store_errors;
	bool draining;
	int64_t started_at;			/* ms since the epoch */
} metrics_now_t;

/* NULL if out of memory; c is borrowed. */
metrics_t *metrics_new(const conf_t *c);
void metrics_destroy(metrics_t **p);

/* A job ended (j: its facts, S_TERMINAL state). */
void metrics_job_ended(metrics_t *self, const audit_job_t *j);
/* One run step's wall time (a run, or a test of a judged job). */
void metrics_run_time(metrics_t *self, uint64_t wall_us);
/* An attempt failed inside the daemon or the helper (requeued or failed). */
void metrics_helper_error(metrics_t *self);
void metrics_violation(metrics_t *self, const char *policy, const char *syscall);

/* The text (Prometheus exposition format 0.0.4), NUL-terminated, the
 * caller's to free; NULL if out of memory. */
char *metrics_text(const metrics_t *self, const metrics_now_t *now);
/* Is the file due at monotonic time mono (and the next one then set)? */
bool metrics_file_due(metrics_t *self, int64_t mono);
/* Monotonic ms of the next file write; 0 if no file is configured. */
int64_t metrics_file_next(const metrics_t *self);
/* Write text to metrics_dir/judgebox.prom atomically. 0, or -1 (logged
 * once until a write succeeds again). */
int metrics_file_write(metrics_t *self, const char *text);

#endif
