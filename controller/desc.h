/* desc.h: the problem description a submission is judged by (desc.c), and
 * the inline tests of a `test` job, decoded into the same structs.
 *
 * problem_import writes the description (desc_write) into the problem's
 * snapshot, state_dir/problems/ID.STAMP/desc.mp, and the store; judging
 * reads it back (desc_read, desc_load). Judging code uses the named fields
 * below, never positions in the stored arrays.
 *
 * A decoded desc_t points into the msgpack document it came from: keep
 * that document until desc_free() (desc_read's own document is kept in the
 * desc_t itself).
 */
#ifndef JUDGEBOX_DESC_H
#define JUDGEBOX_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../proto/mp.h"
#include "conf.h"
#include "problem.h"

/* Bytes inside the decoded document, not NUL-terminated: p is NULL when
 * the item is absent or not of its type (a str; inline tests' input and
 * answer: a bin). */
typedef struct desc_span {
	const char *p;
	size_t n;
} desc_span;

/* s as a C string in buf, as mp_str_copy: false if absent or too long. */
bool desc_span_copy(desc_span s, char *buf, size_t size);

/* One test. A problem's: its paths beneath the description's dir. A
 * `test` job's (PROTOCOL.md 14): in and ans are the bytes themselves, and
 * only name, in and ans are set. */
typedef struct desc_test {
	desc_span name;			/* never NULL: "" when absent */
	uint64_t group;			/* its own group's index in groups */
	bool sample;
	desc_span in, ans;
	desc_span flags;		/* its output validator flags */
	uint64_t in_size;
	desc_span reqs;			/* requirement ids, space-separated */
} desc_test;

typedef enum { DESC_SUM, DESC_MIN, DESC_MAX, DESC_AVG } desc_agg;
typedef enum { DESC_WORST_ERROR, DESC_FIRST_ERROR, DESC_ALWAYS_ACCEPT } desc_vmode;

/* One group of the legacy default grader (PROTOCOL.md 14.4; grade.h). */
typedef struct desc_group {
	desc_span path;			/* relative to data/ */
	int64_t parent;			/* -1 for data/ */
	desc_agg aggregation;
	double accept_score, reject_score;
	bool sample;
	double range_min, range_max;	/* +-1e300 when unbounded */
	bool on_reject_break;
	desc_vmode verdict_mode;
	bool accept_if_any_accepted;
	unsigned first_test, ntests;	/* tests[first_test, +ntests): its subtree */
	/* The group had the grader's fields (problems imported before
	 * judgebox 0.2.0 stored six items: their groups grade with the
	 * defaults and are not listed in a job's result). */
	bool listed;
} desc_group;

#define DESC_UNSET	UINT64_MAX	/* a validator limit the problem does not set */

/* The output validator (PROTOCOL.md 14.4). */
typedef struct desc_validator {
	char lang[33];			/* "" if absent or too long */
	bool testlib;			/* style: testlib (else kattis) */
	bool score;			/* legacy `validation: custom score` */
	bool score_v2;			/* 2023-07: score.txt or score_multiplier.txt */
	bool interactive;
	/* Multi-pass problems: validation_passes, the most passes a test
	 * runs; 0 for the others (and problems imported before). */
	uint64_t passes;
	uint64_t cpu_ms, memory_kb, fsize_kb;	/* or DESC_UNSET */
	/* Its sources, [[name, bin], ...] as stored, NULL if not an array: the
	 * compile cache's key hashes their encoding. */
	const msgpack_object *files;
} desc_validator;

typedef struct desc {
	desc_span dir;			/* the snapshot (jobs of 0.2.0: the package) */
	desc_span id, name, flags;	/* flags: validator_flags */
	bool scoring;
	bool loopback;			/* network: loopback, for the submission */
	uint64_t time_limit_ms, memory_kb, output_kb;	/* 0 if absent */
	bool has_validator;
	desc_validator validator;
	desc_test *tests;
	unsigned ntests;
	desc_group *groups;
	unsigned ngroups;
	mp_doc doc;			/* desc_read's document, and its bytes */
	char *buf;
} desc_t;

/* Write loaded problem p's description into w: its snapshot directory,
 * limits, tests, groups and (vl: the validator's language, or NULL) the
 * output validator with its sources. -1 with a reason in err. */
int desc_write(mp_w *w, const problem *p, const char *dir, const lang_t *vl,
	       char *err, size_t errlen);

/* Decode the description map root (as desc_write wrote it, or an earlier
 * version) into *d, which must be zeroed or freed. 0; or -1 with a reason
 * in why (out of memory, or a description no version wrote). */
int desc_load(desc_t *d, const msgpack_object *root, char *why, size_t size);
/* Read path (a snapshot's desc.mp) whole, parse and decode it into *d,
 * which then owns the document. 0, or -1 with "path: reason" in why. */
int desc_read(desc_t *d, const char *path, char *why, size_t size);
/* A `test` job's tests ([[name, stdin bin, answer bin], ...]) into *d's
 * tests, the rest of *d zero. 0, or -1 with a reason in why. */
int desc_load_tests(desc_t *d, const msgpack_object *tests, char *why, size_t size);
/* Free what the above allocated and zero *d; safe twice. */
void desc_free(desc_t *d);

#endif
