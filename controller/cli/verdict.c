/* verdict.c: how judgebox(1) prints a test job (PROTOCOL.md 14.1): a line
 * per test, "  3/5 big  wrong_answer  12 ms  3.1 MiB", each once (from its
 * event as it ends, or from the result), then the verdict line and, for a
 * scoring problem, its groups.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Digits of n, for the width of "3/12". */
static int s_digits(int n)
{
	int d = 1;
	while (n >= 10)
		n /= 10, d++;
	return d;
}

/* The number of test lines, when it was not known before: allocate the
 * record of the lines shown. total is cut to what a job can have. */
int test_total(cli_t *x, uint64_t total)
{
	if (x->ttotal || !total)
		return RC_OK;
	x->ttotal = total > 100000 ? 100000 : (int)total;
	if (!(x->shown = calloc((size_t)x->ttotal, sizeof *x->shown))) {
		x->ttotal = 0;
		fputs("judgebox: out of memory\n", stderr);
		return RC_INTERNAL;
	}
	return RC_OK;
}

/* For status, watch and judge: the test lines' total (the result's total,
 * which counts the tests that did not run) and name width from the result
 * (the test command takes them from its own tests). */
static int s_test_view(cli_t *x, const msgpack_object *r)
{
	const msgpack_object *tests = rd_array(r, "tests");
	uint64_t total = rd_u64(r, "total", 0);
	if (x->ttotal || !tests || !tests->via.array.size)
		return RC_OK;
	if (total < tests->via.array.size)
		total = tests->via.array.size;
	for (uint32_t i = 0; i < tests->via.array.size; i++) {
		const char *p;
		size_t n;
		if (mp_as_str(mp_get(&tests->via.array.ptr[i], "name"), &p, &n) &&
		    (int)n > x->twidth)
			x->twidth = n > TEST_SHOW_MAX ? TEST_SHOW_MAX : (int)n;
	}
	return test_total(x, total);
}

/* "  3/5 big        wrong_answer  12 ms  3.1 MiB" for test idx (from 1),
 * from a test event's or the result's map; each test once. The names are
 * padded to the longest known (judge learns them as the tests end). */
void test_line(cli_t *x, uint64_t idx, const msgpack_object *t)
{
	char name[TEST_SHOW_MAX + 1], verdict[32], mem[32];
	if (!t || idx < 1 || idx > (uint64_t)x->ttotal || x->shown[idx - 1])
		return;
	x->shown[idx - 1] = true;
	rd_str(t, "name", name, sizeof name, "?");
	if ((int)strlen(name) > x->twidth)
		x->twidth = (int)strlen(name);
	fmt_mem(rd_u64(t, "memory_kb", 0), mem, sizeof mem);
	printf("  %*" PRIu64 "/%d %-*s  %s  %" PRIu64 " ms  %s\n", s_digits(x->ttotal), idx,
	       x->ttotal, x->twidth, name, rd_str(t, "verdict", verdict, sizeof verdict, "?"),
	       rd_u64(t, "cpu_ms", 0), mem);
	fflush(stdout);
}

/* Why a test failed when the comparison said nothing: from its status. */
static void s_test_why(const msgpack_object *t, char *buf, size_t size)
{
	char status[32], sc[64], mem[32];
	const char *abbrev;
	uint64_t sig = rd_u64(t, "signal", 0);
	rd_str(t, "status", status, sizeof status, "");
	if (!strcmp(status, "exit"))
		snprintf(buf, size, "exit %" PRIu64, rd_u64(t, "exit_code", 0));
	else if (!strcmp(status, "signal") && (abbrev = sigabbrev_np((int)sig)))
		snprintf(buf, size, "signal SIG%s", abbrev);
	else if (!strcmp(status, "signal"))
		snprintf(buf, size, "signal %" PRIu64, sig);
	else if (rd_str(rd_map(t, "violation"), "syscall", sc, sizeof sc, NULL))
		snprintf(buf, size, "syscall %s", sc);
	else if (!strcmp(status, "cpu_limit"))
		snprintf(buf, size, "cpu_limit, cpu %" PRIu64 " ms", rd_u64(t, "cpu_ms", 0));
	else if (!strcmp(status, "wall_limit"))
		snprintf(buf, size, "wall_limit, wall %" PRIu64 " ms", rd_u64(t, "wall_ms", 0));
	else if (!strcmp(status, "memory_limit")) {
		fmt_mem(rd_u64(t, "memory_kb", 0), mem, sizeof mem);
		snprintf(buf, size, "memory_limit, mem %s", mem);
	} else
		snprintf(buf, size, "%s", status);
}

/* "  score 65" of a scoring problem's submission (PROTOCOL.md 14.4). */
static void s_print_score(const msgpack_object *r)
{
	double score;
	if (mp_as_float(mp_get(r, "score"), &score) && isfinite(score))
		printf("  score %g", score);
}

/* Its groups' scores and verdicts, on the lines after the verdict line. */
static void s_print_groups(const msgpack_object *r)
{
	const msgpack_object *g = rd_array(r, "groups");
	double score;
	if (!mp_as_float(mp_get(r, "score"), &score) || !isfinite(score))
		return;
	for (uint32_t i = 0; g && i < g->via.array.size; i++) {
		const msgpack_object *e = &g->via.array.ptr[i];
		char name[200], verdict[32];
		double sc = 0;
		mp_as_float(mp_get(e, "score"), &sc);
		printf("  group %-24s %8g  %s\n", rd_str(e, "name", name, sizeof name, "?"), sc,
		       rd_str(e, "verdict", verdict, sizeof verdict, "?"));
	}
}

/* The failing test's output as the daemon kept it (its first 4 KiB), on
 * stderr: at most 10 lines, each after "  | ". */
static void s_print_output(const msgpack_object *t)
{
	const char *p;
	size_t n, lines = 0;
	if (!t || !mp_as_bin(mp_get(t, "output"), &p, &n) || !n)
		return;
	fprintf(stderr, "its output (%" PRIu64 " bytes%s):\n", rd_u64(t, "output_bytes", n),
		rd_bool(t, "output_truncated") ? ", the first 4 KiB kept" : "");
	for (size_t i = 0; i < n && lines < 10; lines++) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - p - i) : n - i;
		fprintf(stderr, "  | %.*s\n", (int)(len > 200 ? 200 : len), p + i);
		i += len + 1;
	}
}

/* The verdict line: "accepted (5/5 tests)", or
 * "wrong_answer on test \"big\": wrong answer on line 3 ...", then the
 * score if the job has one. */
static int s_verdict_line(const cli_t *x, const msgpack_object *r)
{
	const msgpack_object *tests = rd_array(r, "tests"), *fail = NULL;
	char verdict[32], first[TEST_SHOW_MAX + 1], why[1100];
	uint32_t n = tests ? tests->via.array.size : 0, accepted = 0;
	rd_str(r, "verdict", verdict, sizeof verdict, "?");
	rd_str(r, "first_failure", first, sizeof first, "");
	for (uint32_t i = 0; i < n; i++) {
		const msgpack_object *t = &tests->via.array.ptr[i];
		bool acc = mp_str_eq(mp_get(t, "verdict"), "accepted");
		accepted += acc;
		if (!acc && !fail && (!*first || mp_str_eq(mp_get(t, "name"), first)))
			fail = t;
	}
	if (!strcmp(verdict, "accepted")) {
		printf("accepted (%" PRIu32 "/%d tests)", accepted, x->ttotal);
		s_print_score(r);
		putchar('\n');
		s_print_groups(r);
		return RC_OK;
	}
	if (!*first && fail)
		rd_str(fail, "name", first, sizeof first, "?");
	printf("%s", verdict);
	if (*first)
		printf(" on test \"%s\"", first);
	if (fail && !rd_str(fail, "message", why, sizeof why, NULL))
		*why = '\0';
	if (fail && !*why)
		s_test_why(fail, why, sizeof why);
	if (!fail && !rd_str(r, "message", why, sizeof why, NULL))
		*why = '\0';		/* a job-wide judge_error: its message */
	if (*why)
		printf(": %s", why);
	if (mp_get(r, "passed"))
		printf(" (%" PRIu64 "/%d passed)", rd_u64(r, "passed", 0), x->ttotal);
	s_print_score(r);
	putchar('\n');
	s_print_groups(r);
	s_print_output(fail);
	return RC_STATUS;
}

/* A judged test job: the lines not shown yet, the compiler's warnings,
 * the verdict line. */
int print_verdict(cli_t *x, const msgpack_object *r)
{
	const msgpack_object *tests = rd_array(r, "tests");
	int rc = s_test_view(x, r);
	if (rc != RC_OK)
		return rc;
	for (uint32_t i = 0; tests && i < tests->via.array.size; i++)
		test_line(x, i + 1, &tests->via.array.ptr[i]);
	print_compile(r);
	return s_verdict_line(x, r);
}
