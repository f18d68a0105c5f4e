/* print.c: how judgebox(1) prints a job: the status line and figures of
 * an ended run, its compiler's and program's output (the pieces from
 * fmt.c), a test job through verdict.c, and the progress line on stderr.
 */
#include <inttypes.h>
#include <string.h>
#include "cli.h"

/* "exit N" or "signal NAME", then the figures, of a result or a compile. */
static void s_print_figures(const msgpack_object *r)
{
	char name[32], mem[32];
	uint64_t sig = rd_u64(r, "signal", 0);
	if (sig)
		printf("signal %s", rd_str(r, "signal_name", name, sizeof name, "?"));
	else
		printf("exit %" PRIu64, rd_u64(r, "exit_code", 0));
	if (sig && !strcmp(name, "?"))
		printf(" (%" PRIu64 ")", sig);
	fmt_mem(rd_u64(r, "memory_kb", 0), mem, sizeof mem);
	printf("  cpu %" PRIu64 " ms  wall %" PRIu64 " ms  mem %s",
	       rd_u64(r, "cpu_ms", 0), rd_u64(r, "wall_ms", 0), mem);
}

/* "  syscall NAME(ARG, ...)" of a violation. */
static void s_print_violation(const msgpack_object *r)
{
	const msgpack_object *v = rd_map(r, "violation"), *args = rd_array(v, "args");
	char name[64];
	if (!v)
		return;
	printf("  syscall %s(", rd_str(v, "syscall", name, sizeof name, "unknown"));
	for (uint32_t i = 0; args && i < args->via.array.size; i++) {
		const char *p;
		size_t n;
		if (mp_as_str(&args->via.array.ptr[i], &p, &n))
			printf("%s%.*s", i ? ", " : "", (int)n, p);
	}
	putchar(')');
}

/* The status line of an ended run, then the compiler's and the program's output. */
static int s_print_result(const msgpack_object *r)
{
	char status[64], cstatus[64], msg[1100];
	const msgpack_object *c = rd_map(r, "compile");
	rd_str(r, "status", status, sizeof status, "?");
	/* "exit 3", "signal SIGSEGV": the figures name these two statuses. */
	bool named = strcmp(status, "exit") && strcmp(status, "signal");
	if (named)
		printf("%s", status);
	if (!strcmp(status, "compile_error")) {
		printf("  compiler %s", rd_str(c, "status", cstatus, sizeof cstatus, "?"));
		if (c && !strcmp(cstatus, "exit"))
			printf(" %" PRIu64, rd_u64(c, "exit_code", 0));
	} else if (mp_get(r, "exit_code") || mp_get(r, "signal")) {
		fputs(named ? "  " : "", stdout);
		s_print_figures(r);
		s_print_violation(r);
	}
	if (rd_str(r, "message", msg, sizeof msg, NULL))
		printf("  %s", msg);
	putchar('\n');
	print_compile(r);
	write_bin(stdout, r, "stdout");
	write_bin(stderr, r, "stderr");
	note_truncated(r, "stdout", "stdout", "stdout_bytes", "stdout_truncated");
	note_truncated(r, "stderr", "stderr", "stderr_bytes", "stderr_truncated");
	return strcmp(status, "ok") ? RC_STATUS : RC_OK;
}

/* A job's exit status: judgebox(1), EXIT STATUS. */
static int s_job_rc(const msgpack_object *job)
{
	char state[32], status[64];
	int st = wire_state_parse(rd_str(job, "state", state, sizeof state, "?"));
	const msgpack_object *r = rd_map(job, "result");
	if (st < 0 || !S_TERMINAL(st))
		return RC_OK;
	if (mp_get(r, "verdict"))	/* a test job (PROTOCOL.md 14.1) */
		return st == S_JUDGED && mp_str_eq(mp_get(r, "verdict"), "accepted") ?
		       RC_OK : RC_STATUS;
	rd_str(r, "status", status, sizeof status, "");
	return st == S_JUDGED && !strcmp(status, "ok") ? RC_OK : RC_STATUS;
}

/* Print a job as run does: the result of an ended job, else its state;
 * a judged test job as test does. */
int show_job(cli_t *x, const msgpack_object *job)
{
	char state[32];
	const msgpack_object *r = rd_map(job, "result");
	if (x->o.json) {
		json_value(stdout, job);
		putchar('\n');
		return s_job_rc(job);
	}
	int st = wire_state_parse(rd_str(job, "state", state, sizeof state, "?"));
	if (r && st == S_JUDGED && mp_get(r, "verdict") &&
	    !mp_str_eq(mp_get(r, "status"), "compile_error"))
		return print_verdict(x, r);
	if (r && (st == S_JUDGED || st == S_FAILED)) {
		if (st == S_FAILED)
			printf("failed  ");
		s_print_result(r);
	} else if (st == S_CANCELLED)
		puts("cancelled");
	else
		printf("%s (attempt %" PRIu64 ")\n", state, rd_u64(job, "attempt", 1));
	return s_job_rc(job);
}

/* ---- progress ---- */

/* A job's state on stderr when it changes: a line each, or on a terminal
 * one line that grows ("queued -> compiling -> running"). */
void progress_show(progress_t *p, uint64_t id, const char *state)
{
	if (!p->show || !strcmp(p->last, state))
		return;
	snprintf(p->last, sizeof p->last, "%s", state);
	if (!p->inplace)
		fprintf(stderr, "job %" PRIu64 ": %s\n", id, state);
	else if (!p->open)
		fprintf(stderr, "job %" PRIu64 ": %s", id, state);
	else
		fprintf(stderr, " -> %s", state);
	p->open = p->inplace;
	fflush(stderr);
}

/* End the in-place line before anything else is printed. */
void progress_end(progress_t *p)
{
	if (p->open)
		fputc('\n', stderr);
	p->open = false;
}
