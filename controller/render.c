/* render.c: a stored job as the wire shows it (PROTOCOL.md sections 8,
 * 10 and 14.3): the job map of replies, the events, the list.
 *
 * The store (store.c) decides what is true; this file only reads rows and
 * writes msgpack. A protocol change lands here, never in store.c.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "store_int.h"

/* ---- writing jobs (PROTOCOL.md section 8) ---- */

/* A job's columns in the order of the C_* indexes below. */
static const char s_job_q[] = "SELECT"
	" id, kind, user, by, lang, label, idem, state, attempt, seq,"
	" created_at, started_at, finished_at, limits, status, message, ran,"
	" exit_code, signal, cpu_us, wall_us, memory_kb, stdout_bytes,"
	" stderr_bytes, v_syscall, v_args, c_status, c_exit, c_signal,"
	" c_cpu_us, c_wall_us, c_memory_kb, c_output_bytes, at, verdict,"
	" first_failure, ntests, score, requirements, problem, groups FROM jobs WHERE id = ?1";
enum { C_ID, C_KIND, C_USER, C_BY, C_LANG, C_LABEL, C_IDEM, C_STATE,
       C_ATTEMPT, C_SEQ, C_CREATED, C_STARTED, C_FINISHED, C_LIMITS,
       C_STATUS, C_MESSAGE, C_RAN, C_EXIT, C_SIGNAL, C_CPU, C_WALL, C_MEM,
       C_OUTB, C_ERRB, C_VSYS, C_VARGS, C_CSTATUS, C_CEXIT, C_CSIGNAL,
       C_CCPU, C_CWALL, C_CMEM, C_COUTB, C_AT, C_VERDICT, C_FIRSTFAIL,
       C_NTESTS, C_SCORE, C_REQS, C_PROBLEM, C_GROUPS };

static int64_t s_i(sqlite3_stmt *st, int c)
{
	return sqlite3_column_int64(st, c);
}

static void s_kcol(mp_w *w, size_t *n, const char *k, sqlite3_stmt *st, int c)
{
	if (sqlite3_column_type(st, c) == SQLITE_NULL)
		return;
	if (sqlite3_column_type(st, c) == SQLITE_INTEGER)
		mp_w_kuint(w, k, (uint64_t)s_i(st, c));
	else
		mp_w_kstr(w, k, (const char *)sqlite3_column_text(st, c));
	(*n)++;
}

static const char *const s_signames[32] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
	"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
	"SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
	"SIGSYS",
};

static void s_violation(mp_w *w, sqlite3_stmt *st)
{
	mp_w_str(w, "violation");
	mp_w_map(w, 2);
	mp_w_kstr(w, "syscall", (const char *)sqlite3_column_text(st, C_VSYS));
	char args[256], *save, *t;
	snprintf(args, sizeof args, "%s",
		 (const char *)sqlite3_column_text(st, C_VARGS));
	uint32_t n = 0;
	mp_w_str(w, "args");
	size_t m = mp_w_array_begin(w);
	for (t = strtok_r(args, ",", &save); t && n < 6;
	     t = strtok_r(NULL, ",", &save), n++)
		mp_w_str(w, strcmp(t, "0") ? t : "0x0");
	mp_w_array_end(w, m, n);
}

static void s_compile(mp_w *w, sqlite3_stmt *st, sqlite3_stmt *out)
{
	mp_w_str(w, "compile");
	size_t m = mp_w_map_begin(w), n = 0;
	s_kcol(w, &n, "status", st, C_CSTATUS);
	s_kcol(w, &n, "exit_code", st, C_CEXIT);
	s_kcol(w, &n, "signal", st, C_CSIGNAL);
	mp_w_kuint(w, "cpu_ms", (uint64_t)s_i(st, C_CCPU) / 1000);
	mp_w_kuint(w, "wall_ms", (uint64_t)s_i(st, C_CWALL) / 1000);
	s_kcol(w, &n, "memory_kb", st, C_CMEM);
	s_kcol(w, &n, "output_bytes", st, C_COUTB);
	int len = sqlite3_column_int(out, 7);
	mp_w_kbool(w, "output_truncated", s_i(st, C_COUTB) > len);
	n += 3;
	if (sqlite3_column_int(out, 3)) {
		mp_w_kbin(w, "output", sqlite3_column_blob(out, 2),
			  (size_t)len);
		n++;
	}
	mp_w_map_end(w, m, (uint32_t)n);
}

static void s_stream(mp_w *w, size_t *n, const char *name, int64_t bytes,
		     sqlite3_stmt *out, int col)
{
	char k[32];
	snprintf(k, sizeof k, "%s_bytes", name);
	mp_w_kuint(w, k, (uint64_t)bytes);
	int len = sqlite3_column_int(out, col + 5);
	snprintf(k, sizeof k, "%s_truncated", name);
	mp_w_kbool(w, k, bytes > len);
	*n += 2;
	if (sqlite3_column_type(out, 3) == SQLITE_INTEGER &&
	    sqlite3_column_int(out, 3)) {
		mp_w_kbin(w, name, sqlite3_column_blob(out, col), (size_t)len);
		(*n)++;
	}
}

/* One test's figures, as in a result and in a test event. */
static uint32_t s_test_figures(mp_w *w, sqlite3_stmt *t, bool full)
{
	uint32_t n = 5;
	mp_w_kstr(w, "name", (const char *)sqlite3_column_text(t, 1));
	mp_w_kstr(w, "verdict", (const char *)sqlite3_column_text(t, 2));
	mp_w_kuint(w, "cpu_ms", (uint64_t)sqlite3_column_int64(t, 6) / 1000);
	mp_w_kuint(w, "wall_ms", (uint64_t)sqlite3_column_int64(t, 7) / 1000);
	mp_w_kuint(w, "memory_kb", (uint64_t)sqlite3_column_int64(t, 8));
	if (!full)
		return n;
	size_t k = 0;
	s_kcol(w, &k, "status", t, 3);
	s_kcol(w, &k, "exit_code", t, 4);
	s_kcol(w, &k, "signal", t, 5);
	s_kcol(w, &k, "message", t, 9);
	if (sqlite3_column_type(t, 10) != SQLITE_NULL) {
		mp_w_str(w, "violation");
		mp_w_map(w, 1);
		mp_w_kstr(w, "syscall", (const char *)sqlite3_column_text(t, 10));
		k++;
	}
	if (sqlite3_column_type(t, 12) == SQLITE_INTEGER) {	/* its output's first bytes */
		int len = sqlite3_column_bytes(t, 11);
		int64_t bytes = sqlite3_column_int64(t, 12);
		mp_w_kbin(w, "output", sqlite3_column_blob(t, 11), (size_t)len);
		mp_w_kuint(w, "output_bytes", (uint64_t)bytes);
		mp_w_kbool(w, "output_truncated", bytes > len);
		k += 3;
	}
	return n + (uint32_t)k;
}

static const char s_test_q[] =
	"SELECT idx, name, verdict, status, exit_code, signal, cpu_us, wall_us,"
	" memory_kb, message, v_syscall, output, output_bytes FROM test_results WHERE job = ?1"
	" AND (?2 < 0 OR idx = ?2) ORDER BY idx";

/* How many of the job's tests were accepted. */
static uint64_t s_passed(store_t *self, uint64_t job)
{
	sqlite3_stmt *t;
	uint64_t n = 0;
	if (sqlite3_prepare_v2(self->db, "SELECT count(*) FROM test_results WHERE job = ?1"
			       " AND verdict = 'accepted'", -1, &t, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(t, 1, (int64_t)job);
	if (sqlite3_step(t) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(t, 0);
	sqlite3_finalize(t);
	return n;
}

/* "tests": the job's per-test results, in order. */
static int s_tests(store_t *self, mp_w *w, uint64_t job)
{
	sqlite3_stmt *t;
	if (sqlite3_prepare_v2(self->db, s_test_q, -1, &t, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(t, 1, (int64_t)job);
	sqlite3_bind_int(t, 2, -1);
	mp_w_str(w, "tests");
	size_t am = mp_w_array_begin(w);
	uint32_t n = 0;
	for (; sqlite3_step(t) == SQLITE_ROW; n++) {
		size_t m = mp_w_map_begin(w);
		mp_w_map_end(w, m, s_test_figures(w, t, true));
	}
	mp_w_array_end(w, am, n);
	sqlite3_finalize(t);
	return 1;
}

static void s_result(store_t *self, mp_w *w, sqlite3_stmt *st, sqlite3_stmt *out)
{
	mp_w_str(w, "result");
	size_t m = mp_w_map_begin(w), n = 0;
	s_kcol(w, &n, "status", st, C_STATUS);
	s_kcol(w, &n, "message", st, C_MESSAGE);
	s_kcol(w, &n, "verdict", st, C_VERDICT);
	s_kcol(w, &n, "first_failure", st, C_FIRSTFAIL);
	s_kcol(w, &n, "total", st, C_NTESTS);
	if (sqlite3_column_type(st, C_NTESTS) != SQLITE_NULL)
		mp_w_kuint(w, "passed", s_passed(self, (uint64_t)s_i(st, C_ID))), n++;
	if (sqlite3_column_type(st, C_SCORE) != SQLITE_NULL)
		mp_w_str(w, "score"), mp_w_float(w, sqlite3_column_double(st, C_SCORE)), n++;
	if (sqlite3_column_type(st, C_GROUPS) == SQLITE_BLOB) {
		mp_w_str(w, "groups");
		mp_w_raw(w, sqlite3_column_blob(st, C_GROUPS),
			 (size_t)sqlite3_column_bytes(st, C_GROUPS));
		n++;
	}
	if (sqlite3_column_type(st, C_REQS) == SQLITE_BLOB) {
		mp_w_str(w, "requirements");
		mp_w_raw(w, sqlite3_column_blob(st, C_REQS),
			 (size_t)sqlite3_column_bytes(st, C_REQS));
		n++;
	}
	if (sqlite3_column_type(st, C_VERDICT) != SQLITE_NULL &&
	    sqlite3_column_int(out, 3))
		n += s_tests(self, w, (uint64_t)s_i(st, C_ID));
	if (s_i(st, C_RAN)) {
		int64_t sig = s_i(st, C_SIGNAL);
		s_kcol(w, &n, "exit_code", st, C_EXIT);
		s_kcol(w, &n, "signal", st, C_SIGNAL);
		if (sig > 0 && sig < 32)
			mp_w_kstr(w, "signal_name", s_signames[sig]), n++;
		mp_w_kuint(w, "cpu_ms", (uint64_t)s_i(st, C_CPU) / 1000);
		mp_w_kuint(w, "wall_ms", (uint64_t)s_i(st, C_WALL) / 1000);
		n += 2;
		s_kcol(w, &n, "cpu_us", st, C_CPU);
		s_kcol(w, &n, "wall_us", st, C_WALL);
		s_kcol(w, &n, "memory_kb", st, C_MEM);
		s_stream(w, &n, "stdout", s_i(st, C_OUTB), out, 0);
		s_stream(w, &n, "stderr", s_i(st, C_ERRB), out, 1);
		if (sqlite3_column_type(st, C_VSYS) != SQLITE_NULL)
			s_violation(w, st), n++;
	}
	if (sqlite3_column_type(st, C_CSTATUS) != SQLITE_NULL) {
		s_compile(w, st, out);
		n++;
	}
	mp_w_map_end(w, m, (uint32_t)n);
}

/* The job's files from its spec: {files: [[name, content]...], ...}. */
static void s_files(mp_w *w, const void *spec, size_t len)
{
	mp_doc d;
	char err[128];
	mp_w_str(w, "files");
	const msgpack_object *f = NULL;
	if (mp_parse(&d, spec, len, false, err, sizeof err) == 0)
		f = mp_get(d.root, "files");
	render_files(w, f);
	mp_doc_free(&d);
}

void render_files(mp_w *w, const msgpack_object *f)
{
	if (!f || f->type != MSGPACK_OBJECT_ARRAY) {
		mp_w_array(w, 0);
		return;
	}
	mp_w_array(w, f->via.array.size);
	for (uint32_t i = 0; i < f->via.array.size; i++) {
		const msgpack_object *e = f->via.array.ptr[i].via.array.ptr;
		mp_w_map(w, 2);
		mp_w_str(w, "name");
		mp_w_object(w, &e[0]);
		mp_w_str(w, "content");
		mp_w_object(w, &e[1]);
	}
}

/* The row's job map; out holds stdout, stderr, c_output, flag, spec. */
static void s_job(store_t *self, mp_w *w, sqlite3_stmt *st, sqlite3_stmt *out)
{
	size_t m = mp_w_map_begin(w), n = 0;
	s_kcol(w, &n, "id", st, C_ID);
	s_kcol(w, &n, "kind", st, C_KIND);
	s_kcol(w, &n, "user", st, C_USER);
	s_kcol(w, &n, "by", st, C_BY);
	s_kcol(w, &n, "lang", st, C_LANG);
	s_kcol(w, &n, "problem", st, C_PROBLEM);
	s_kcol(w, &n, "label", st, C_LABEL);
	s_kcol(w, &n, "idem", st, C_IDEM);
	int state = (int)s_i(st, C_STATE);
	mp_w_kstr(w, "state", wire_state_names[state < 6 ? state : 5]);
	n++;
	s_kcol(w, &n, "attempt", st, C_ATTEMPT);
	s_kcol(w, &n, "seq", st, C_SEQ);
	s_kcol(w, &n, "created_at", st, C_CREATED);
	s_kcol(w, &n, "started_at", st, C_STARTED);
	s_kcol(w, &n, "finished_at", st, C_FINISHED);
	mp_w_str(w, "limits");
	mp_w_raw(w, sqlite3_column_blob(st, C_LIMITS),
		 (size_t)sqlite3_column_bytes(st, C_LIMITS));
	n++;
	if (state == S_JUDGED || state == S_FAILED)
		s_result(self, w, st, out), n++;
	if (sqlite3_column_type(out, 4) == SQLITE_BLOB)
		s_files(w, sqlite3_column_blob(out, 4),
			(size_t)sqlite3_column_bytes(out, 4)), n++;
	mp_w_map_end(w, m, (uint32_t)n);
}

/* A statement over one job's blobs, selected by flags. */
static sqlite3_stmt *s_blobs(store_t *self, uint64_t id, int flags)
{
	static const char q[] =
		"SELECT CASE WHEN ?2 THEN stdout END, CASE WHEN ?2 THEN stderr END,"
		" CASE WHEN ?2 THEN c_output END, ?2, CASE WHEN ?3 THEN spec END,"
		" length(stdout), length(stderr), length(c_output)"
		" FROM jobs WHERE id = ?1";
	sqlite3_stmt *st = store_stmt(self, q);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, (int64_t)id);
	sqlite3_bind_int(st, 2, (flags & JW_OUTPUT) && !(flags & JW_SUMMARY));
	sqlite3_bind_int(st, 3, (flags & JW_SOURCE) != 0);
	return sqlite3_step(st) == SQLITE_ROW ? st : NULL;
}

int store_write_job(store_t *self, mp_w *w, uint64_t id, int flags)
{
	sqlite3_stmt *st = store_row(self, s_job_q, id);
	if (!st)
		return -1;
	sqlite3_stmt *out = s_blobs(self, id, flags);
	if (!out)
		return -1;
	s_job(self, w, st, out);
	return 0;
}

int store_write_event(store_t *self, mp_w *w, uint64_t id, int *statep)
{
	sqlite3_stmt *st = store_row(self, s_job_q, id);
	if (!st)
		return -1;
	size_t m = mp_w_map_begin(w), n = 6;
	int state = *statep = (int)s_i(st, C_STATE);
	mp_w_kuint(w, "id", id);
	mp_w_kuint(w, "seq", (uint64_t)s_i(st, C_SEQ));
	mp_w_kstr(w, "event", "state");
	mp_w_kstr(w, "kind", (const char *)sqlite3_column_text(st, C_KIND));
	mp_w_kstr(w, "state", wire_state_names[state < 6 ? state : 5]);
	mp_w_kuint(w, "attempt", (uint64_t)s_i(st, C_ATTEMPT));
	s_kcol(w, &n, "at", st, C_AT);
	if (state == S_JUDGED || state == S_FAILED)
		s_kcol(w, &n, "status", st, C_STATUS);
	if (state == S_JUDGED && s_i(st, C_RAN)) {
		s_kcol(w, &n, "exit_code", st, C_EXIT);
		s_kcol(w, &n, "signal", st, C_SIGNAL);
		mp_w_kuint(w, "cpu_ms", (uint64_t)s_i(st, C_CPU) / 1000);
		mp_w_kuint(w, "wall_ms", (uint64_t)s_i(st, C_WALL) / 1000);
		n += 2;
		s_kcol(w, &n, "memory_kb", st, C_MEM);
	}
	mp_w_map_end(w, m, (uint32_t)n);
	return 0;
}

int store_list(store_t *self, mp_w *w, const list_q *q, uint64_t *last_id, bool *more)
{
	char sql[1024];
	int k = snprintf(sql, sizeof sql,
			 "SELECT id FROM jobs WHERE id < ?1 AND NOT hidden");
	if (q->user)
		k += snprintf(sql + k, sizeof sql - (size_t)k, " AND user = ?2");
	if (q->kind)
		k += snprintf(sql + k, sizeof sql - (size_t)k, " AND kind = ?3");
	if (q->lang)
		k += snprintf(sql + k, sizeof sql - (size_t)k, " AND lang = ?4");
	if (q->label)
		k += snprintf(sql + k, sizeof sql - (size_t)k, " AND label = ?5");
	if (q->nstates) {
		k += snprintf(sql + k, sizeof sql - (size_t)k, " AND state IN (");
		for (int i = 0; i < q->nstates; i++)
			k += snprintf(sql + k, sizeof sql - (size_t)k, "%s%d",
				      i ? "," : "", q->states[i]);
		k += snprintf(sql + k, sizeof sql - (size_t)k, ")");
	}
	snprintf(sql + k, sizeof sql - (size_t)k, " ORDER BY id DESC LIMIT ?6");
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(self->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, q->before ? (int64_t)q->before : INT64_MAX);
	store_text(st, 2, q->user), store_text(st, 3, q->kind);
	store_text(st, 4, q->lang), store_text(st, 5, q->label);
	sqlite3_bind_int(st, 6, (int)q->limit + 1);
	uint64_t ids[101];
	unsigned n = 0;
	while (n < q->limit + 1 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	*more = n > q->limit;
	if (*more)
		n = q->limit;
	mp_w_array(w, n);
	for (unsigned i = 0; i < n; i++)
		if (store_write_job(self, w, ids[i], JW_SUMMARY))
			return -1;
	*last_id = n ? ids[n - 1] : 0;
	return (int)n;
}


/* The event of test idx (0-based) of total: PROTOCOL.md 14.3. */
int store_write_test_event(store_t *self, mp_w *w, uint64_t job, unsigned idx, unsigned total)
{
	static const char q[] =
		"SELECT seq, kind, attempt, at FROM jobs WHERE id = ?";
	sqlite3_stmt *j = store_row(self, q, job), *t;
	if (!j)
		return -1;
	mp_w_map(w, 10);
	mp_w_kuint(w, "id", job);
	mp_w_kuint(w, "seq", (uint64_t)sqlite3_column_int64(j, 0));
	mp_w_kstr(w, "event", "test");
	mp_w_kstr(w, "kind", (const char *)sqlite3_column_text(j, 1));
	mp_w_kstr(w, "state", "running");
	mp_w_kuint(w, "attempt", (uint64_t)sqlite3_column_int64(j, 2));
	mp_w_kuint(w, "at", (uint64_t)sqlite3_column_int64(j, 3));
	mp_w_kuint(w, "index", idx + 1);
	mp_w_kuint(w, "total", total);
	mp_w_str(w, "test");
	if (sqlite3_prepare_v2(self->db, s_test_q, -1, &t, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(t, 1, (int64_t)job);
	sqlite3_bind_int(t, 2, (int)idx);
	int r = -1;
	if (sqlite3_step(t) == SQLITE_ROW) {
		size_t m = mp_w_map_begin(w);
		mp_w_map_end(w, m, s_test_figures(w, t, false));
		r = 0;
	}
	sqlite3_finalize(t);
	return r;
}

