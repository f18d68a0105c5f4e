/* compare_test: controller/compare.c, the built-in output comparison.
 * The Kattis default output validator's rules (the spec's examples, each
 * flag alone and combined, the float grammar and tolerance boundaries),
 * exact and lines modes, the messages, the option parsers, tokens and
 * whitespace runs far longer than the read buffer, and 100 MiB a side
 * through pipes in bounded memory (COMPARE_TEST_MIB sets the size, e.g.
 * smaller under valgrind). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../controller/compare.h"
#include "../lib/tap.h"

#define PLAN 168
#define BIG (200 * 1024)	/* a token or line longer than any buffer */

static compare_result res;
static int bad_msgs, bad_accepts;	/* checked once at the end */

/* An fd reading n bytes from p: a memfd at offset 0. */
static int s_mem(const void *p, size_t n)
{
	int fd = memfd_create("compare_test", 0);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0)
		perror("memfd"), exit(2);
	return fd;
}

/* Is the message one line of printable ASCII, at most 255 bytes? */
static bool s_printable(const char *m)
{
	for (; *m; m++)
		if (*m < 0x20 || *m > 0x7e)
			return false;
	return true;
}

/* Compare out (no bytes) with ans (na bytes); the result in res. */
static int s_cmpn(const char *out, size_t no, const char *ans, size_t na, const compare_opts *o)
{
	int fo = s_mem(out, no), fa = s_mem(ans, na), rc;

	rc = compare_fds(fo, fa, o, &res);
	close(fo), close(fa);
	if (rc == 0 && res.accepted)
		bad_accepts += res.message[0] != '\0';
	if (rc == 0 && !res.accepted)
		bad_msgs += !res.message[0] || !s_printable(res.message) || strlen(res.message) > 255;
	return rc;
}

/* Compare two strings. */
static int s_cmp(const char *out, const char *ans, const compare_opts *o)
{
	return s_cmpn(out, strlen(out), ans, strlen(ans), o);
}

/* One assertion: out is accepted against ans. */
static void acc(const char *out, const char *ans, const compare_opts *o, const char *what)
{
	if (!ok(s_cmp(out, ans, o) == 0 && res.accepted, "accepted: %s", what))
		diag("got: %s", res.message);
}

/* One assertion: out is rejected, the message holding want (if any). */
static void wa(const char *out, const char *ans, const compare_opts *o, const char *want, const char *what)
{
	int rc = s_cmp(out, ans, o);

	if (!ok(rc == 0 && !res.accepted && (!want || strstr(res.message, want)), "rejected: %s", what))
		diag("rc %d, message: %s; want: %s", rc, res.message, want ? want : "-");
}

/* One assertion: rejected with exactly the message want. */
static void wa_is(const char *out, const char *ans, const compare_opts *o, const char *want, const char *what)
{
	int rc = s_cmp(out, ans, o);

	if (!ok(rc == 0 && !res.accepted && !strcmp(res.message, want), "message: %s", what))
		diag("got: %s\n# want: %s", res.message, want);
}

/* Options of mode default from validator flags (exits on a bad test). */
static compare_opts F(const char *flags)
{
	compare_opts o;
	char err[256];

	if (compare_opts_from_flags(flags, &o, err, sizeof err))
		diag("flags \"%s\": %s", flags, err), exit(2);
	return o;
}

/* Options of mode lines with the given switches. */
static compare_opts L(bool trim, bool trailing, bool empty)
{
	compare_opts o;

	compare_opts_default(&o);
	o.mode = CMP_LINES, o.trim = trim, o.ignore_trailing_space = trailing, o.ignore_empty_lines = empty;
	return o;
}

/* Options of mode exact. */
static compare_opts X(void)
{
	compare_opts o;

	compare_opts_default(&o);
	o.mode = CMP_EXACT;
	return o;
}

static void test_tokens(void)
{
	compare_opts d = F(""), cs = F("case_sensitive");

	acc("42\n", "42\n", &d, "the same output");
	acc("", "", &d, "empty output, empty answer");
	acc("", " \n\t\n", &d, "empty output, whitespace-only answer");
	acc(" \r\n\t", "", &d, "whitespace-only output, empty answer");
	acc("1 2 3", "1\n2\t\t3\n", &d, "spaces for newlines and tabs, no final newline");
	acc("1\r\n2\r\n", "1\n2\n", &d, "CRLF: CR is whitespace");
	acc("a\fb\vc", "a b c", &d, "form feed and vertical tab are whitespace");
	acc("\n\n   1   \n\n", "1", &d, "leading and trailing whitespace ignored");
	acc("YES\n", "yes\n", &d, "case-insensitive by default");
	wa("\xc3\x89\n", "\xc3\xa9\n", &d, NULL, "only ASCII letters fold (E-acute vs e-acute)");
	wa("[\n", "{\n", &d, NULL, "no folding outside A-Z ([ is { - 32)");
	wa_is("YES\n", "yes\n", &cs, "wrong answer on line 1, token 1: expected \"yes\", got \"YES\"",
	      "case_sensitive: YES vs yes");
	acc("yes\n", "yes\n", &cs, "case_sensitive: same case");
	wa_is("1 2\n3 43\n", "1 2\n3 42\n", &d, "wrong answer on line 2, token 2: expected \"42\", got \"43\"",
	      "line and token of the mismatch");
	wa_is("1 2\n", "1 2\n\n7\n", &d, "team output ended early: expected \"7\" on line 3 of the answer",
	      "output ending early");
	wa_is("", "7\n", &d, "team output ended early: expected \"7\" on line 1 of the answer", "empty output");
	wa_is("1 2 x\n", "1 2\n", &d, "trailing output after the answer, on line 1: \"x\"", "trailing output");
	wa("1 2\n\n\nx y", "1 2\n", &d, "on line 4: \"x\"", "trailing output: line of the extra token");
	wa("12 3", "123", &d, NULL, "token boundaries count: 12 3 vs 123");
	wa("1 23", "12 3", &d, "expected \"12\", got \"1\"", "token boundaries count: 1 23 vs 12 3");
	wa_is("a\x01" "b\n", "a\xff" "b\"\\\n", &d,
	      "wrong answer on line 1, token 1: expected \"a\\xffb\\\"\\\\\", got \"a\\x01b\"",
	      "bytes escaped in a message");
}

static void test_spaces(void)
{
	compare_opts s = F("space_change_sensitive"), sc = F("space_change_sensitive case_sensitive");

	acc("1 2\n3\n", "1 2\n3\n", &s, "space_change_sensitive: same whitespace");
	wa_is("1  2\n", "1 2\n", &s, "whitespace differs on line 1, after token 1: expected \"2\", got \" \"",
	      "space_change_sensitive: two spaces for one");
	wa("1\n2\n", "1 2\n", &s, "expected \" \", got \"\\n\"", "space_change_sensitive: newline for space");
	wa("1 2\n", "1 2", &s, "expected end of output, got \"\\n\"", "space_change_sensitive: trailing newline");
	wa("1 2", "1 2\n", &s, "expected \"\\n\", got end of output", "space_change_sensitive: missing newline");
	wa(" 1\n", "1\n", &s, "line 1, before its first token", "space_change_sensitive: leading space");
	wa("1\r\n", "1\n", &s, "expected \"\\n\", got \"\\r\"", "space_change_sensitive: CRLF for LF");
	wa("1\t\n", "1 \n", &s, NULL, "space_change_sensitive: a tab for a space");
	wa("1 \n", "1\n", &s, NULL, "space_change_sensitive: trailing space");
	acc("A  b\n", "a  B\n", &s, "space_change_sensitive alone keeps case folding");
	wa("A  b\n", "a  B\n", &sc, NULL, "space_change_sensitive case_sensitive: case matters");
	wa(" \n", "", &s, NULL, "space_change_sensitive: whitespace-only output, empty answer");
	wa("x\n2\n", "1\n2\n", &s, "line 1, token 1", "space_change_sensitive: tokens still compared");
	acc("", "", &s, "space_change_sensitive: both empty");
}

static void test_floats(void)
{
	compare_opts t6 = F("float_tolerance 1e-6"), a5 = F("float_absolute_tolerance 0.5");
	compare_opts r25 = F("float_relative_tolerance 0.25"), r2 = F("float_relative_tolerance 0.2");
	compare_opts r6 = F("float_relative_tolerance 1e-6"), a6 = F("float_absolute_tolerance 1e-6");
	compare_opts both = F("float_absolute_tolerance 1e-9 float_relative_tolerance 0.1"), z = F("float_tolerance 0");
	compare_opts d = F(""), t9 = F("float_tolerance 1e-9");

	acc("3.1415927\n", "3.1415926\n", &t6, "float_tolerance 1e-6: off by 1e-7");
	acc("0.0314\n", "3.14000000e-2\n", &t9, "the spec's example: 3.14000000e-2 for 0.0314");
	acc("1.5\n", "1\n", &a5, "absolute 0.5: 1.5 for 1, exactly at the tolerance");
	wa_is("1.5000001\n", "1\n", &a5,
	      "wrong answer on line 1, token 1: float \"1.5000001\" is not within 0.5 of \"1\"",
	      "absolute 0.5: 1.5000001 for 1, just over");
	acc("0.5\n", "1\n", &a5, "absolute 0.5: 0.5 for 1, at the tolerance below");
	acc("5\n", "4\n", &r25, "relative 0.25: 5 for 4, exactly at the tolerance");
	wa("5.0000001\n", "4\n", &r25, "within a relative 0.25 of \"4\"", "relative 0.25: 5.0000001 for 4, just over");
	acc("-5\n", "-4\n", &r25, "relative 0.25: -5 for -4 (|a|)");
	wa("5\n", "4\n", &r2, NULL, "relative is of the answer: 5 for 4 with 0.2 (|s-a| = 1 > 0.8)");
	acc("4\n", "5\n", &r2, "relative is of the answer: 4 for 5 with 0.2 (1 <= 1)");
	acc("1000000.5\n", "1000000\n", &r6, "relative 1e-6 of 1e6 allows 0.5");
	wa("1000000.5\n", "1000000\n", &a6, NULL, "absolute 1e-6 does not");
	acc("105\n", "100\n", &both, "both tolerances: within the relative one");
	acc("1e-10\n", "0\n", &both, "both tolerances: within the absolute one");
	wa("1e-8\n", "0\n", &both, "within 1e-09 or a relative 0.1 of", "both tolerances: neither");
	acc("0.001 1E-3 .001\n", "1e-3 0.001 1e-3\n", &z, "exponent forms, tolerance 0");
	acc("-0.0\n", "0\n", &z, "-0.0 equals 0 as a number");
	wa("-0.0\n", "0\n", &d, NULL, "without a tolerance, -0.0 is not the string 0");
	wa("1.00\n", "1.0\n", &d, NULL, "without a tolerance, floats are strings");
	acc("5.0000001\n", "5\n", &t6, "an integer answer is a float: 5.0000001 for 5");
	wa("5.1\n", "5\n", &t6, NULL, "an integer answer is a float: 5.1 for 5");
	wa_is("1.0abc\n", "1.0\n", &t6,
	      "wrong answer on line 1, token 1: expected a float near \"1.0\", got \"1.0abc\"",
	      "1.0abc is not a float");
	acc(".5 5. +5\n", "0.5 5 5\n", &z, "grammar: .5, 5. and +5 are floats");
	wa(". 0\n", "0 0\n", &z, "a float near", "grammar: a lone point is not");
	wa("1e\n", "1\n", &z, "a float near", "grammar: an exponent needs digits");
	wa("0x10\n", "16\n", &z, "a float near", "grammar: no hex floats");
	wa("1,5\n", "1.5\n", &z, "a float near", "grammar: no decimal comma");
	acc("inf NAN\n", "INF nan\n", &t6, "inf and nan answers are strings (case folded)");
	wa("inf\n", "1e308\n", &t6, "a float near", "inf is not a float for a float answer");
	wa("nan\n", "1\n", &t6, "a float near", "nan is not a float for a float answer");
	wa("1e999\n", "1\n", &t6, "not within", "an output float too large for a double");
	acc("1E999\n", "1e999\n", &t6, "an answer too large for a double compares as a string");
	acc("ABC\n", "abc\n", &t6, "with a tolerance, non-floats still compare as strings");
	acc("1.23456789012345678901234567890123456789e29\n",
	    "123456789012345678901234567890.123456789012345678901234567890\n", &t9,
	    "30 digits before and after the point");
}

/* A token or line of n bytes of c, ending in last, then tail. */
static char *s_big(size_t n, char c, char last, const char *tail)
{
	char *p = malloc(n + strlen(tail) + 1);

	if (!p)
		exit(2);
	memset(p, c, n - 1);
	p[n - 1] = last;
	strcpy(p + n, tail);
	return p;
}

static void test_long(void)
{
	compare_opts d = F(""), t6 = F("float_tolerance 1e-6"), x = X(), l = L(false, false, false);
	char *a = s_big(BIG, 'a', 'a', " 1\n"), *b = s_big(BIG, 'a', 'b', " 1\n"), *u = s_big(BIG, 'A', 'A', " 1\n");
	char *digits = s_big(1100, '0', '0', "\n"), *e1100 = strdup("1e1099\n");

	acc(a, a, &d, "a 200 KiB token");
	wa(b, a, &d, "token 1: expected \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"...",
	   "a 200 KiB token differing in its last byte (cut to 40 bytes)");
	acc(u, a, &d, "a 200 KiB token, upper case for lower");
	wa(a + 1, a, &d, NULL, "a 200 KiB token one byte short");
	wa(b, a, &t6, NULL, "a 200 KiB token differing last, with a tolerance");
	digits[0] = '1';
	acc(digits, digits, &t6, "a 1100-digit answer token equal as a string");
	wa(e1100, digits, &t6, NULL, "a token over 1 KiB is never a float");
	acc(a, a, &x, "exact: 200 KiB");
	wa(b, a, &x, "at byte 204800 (line 1): expected \"a 1\\n\", got \"b 1\\n\"", "exact: 200 KiB, last byte");
	acc(a, a, &l, "lines: a 200 KiB line");
	wa(b, a, &l, "column 204800", "lines: a 200 KiB line, last byte");
	free(a), free(b), free(u), free(digits), free(e1100);
}

static void test_exact(void)
{
	compare_opts x = X();

	acc("ab\ncd\n", "ab\ncd\n", &x, "exact: the same bytes");
	acc("", "", &x, "exact: both empty");
	wa_is("ab", "ab\n", &x, "team output ended early at byte 3 (line 1): expected \"\\n\"",
	      "exact: a missing final newline");
	wa_is("ab\nc", "ab\n", &x, "trailing output after the answer at byte 4 (line 2): \"c\"",
	      "exact: trailing output");
	wa_is("abc\nxyz\n", "abc\nxyw\n", &x,
	      "output differs from the answer at byte 7 (line 2): expected \"w\\n\", got \"z\\n\"",
	      "exact: the first differing byte");
	wa("A\n", "a\n", &x, NULL, "exact: case matters");
	wa("a\r\n", "a\n", &x, NULL, "exact: CRLF is not LF");
	wa("a \n", "a\n", &x, NULL, "exact: trailing space matters");
}

static void test_lines(void)
{
	compare_opts p = L(false, false, false), t = L(false, true, false), tr = L(true, false, false);
	compare_opts e = L(false, false, true), te = L(false, true, true), tre = L(true, false, true);

	acc("a b\nc", "a b\nc\n", &p, "lines: a missing final newline never matters");
	acc("a b\nc\n", "a b\nc", &p, "lines: ... on either side");
	wa_is("a  b\n", "a b\n", &p, "wrong answer on line 1, column 3: expected \"b\", got \" b\"",
	      "lines: spaces inside a line matter");
	wa("a \n", "a\n", &p, "expected end of line, got \" \"", "lines: a trailing space matters by default");
	wa("a\r\n", "a\n", &p, "got \"\\r\"", "lines: CRLF is not LF by default");
	acc("a \t\r\n", "a\n", &t, "ignore_trailing_space: spaces, tab, CR");
	acc("a\r\nb\r\n", "a\nb\n", &t, "ignore_trailing_space: CRLF as LF");
	acc("a \n", "a", &t, "ignore_trailing_space: with a missing final newline");
	wa(" a\n", "a\n", &t, NULL, "ignore_trailing_space: leading space still matters");
	wa("a  b\n", "a b\n", &t, NULL, "ignore_trailing_space: inner spaces still matter");
	wa("a\v\n", "a\n", &t, NULL, "ignore_trailing_space: a vertical tab is not stripped");
	acc("  a b \t\n", "a b\n", &tr, "trim: leading and trailing");
	acc("\va\f\r\n", "a\n", &tr, "trim: vertical tab, form feed, CR");
	wa("a  b\n", "a b\n", &tr, NULL, "trim: inner spaces still matter");
	acc("a\n\n\nb\n", "a\nb\n", &e, "ignore_empty_lines: empty lines skipped");
	acc("\n\na\n\n", "a", &e, "ignore_empty_lines: leading and trailing empty lines");
	wa_is("a\n\nb\n", "a\nb\n", &p, "wrong answer on line 2, column 1: expected \"b\", got an empty line",
	      "lines: an empty line counts by default");
	wa("a\n  \nb\n", "a\nb\n", &e, NULL, "ignore_empty_lines alone: a line of spaces is not empty");
	acc("a\n  \nb\n", "a\nb\n", &te, "ignore_empty_lines, ignore_trailing_space: it is");
	acc("a\n \t \nb\n", "a\nb\n", &tre, "ignore_empty_lines, trim: it is");
	acc("a\n   ", "a\n", &tre, "trim, ignore_empty_lines: a last line of spaces without newline");
	wa("a\n   ", "a\n", &tr, "on line 2: an empty line", "trim alone: that last line is an extra empty line");
	wa_is("a\nb\nc\n", "a\nb\n", &p, "trailing output after the answer, on line 3: \"c\"", "lines: an extra line");
	wa_is("a\nb\n", "a\nb\nc\n", &p, "team output ended early: expected \"c\" on line 3 of the answer",
	      "lines: a missing line");
	acc("", "", &p, "lines: both empty");
	wa_is("", "\n", &p, "team output ended early: expected an empty line on line 1 of the answer",
	      "lines: an empty line expected");
	acc("", "\n", &e, "lines: ... unless empty lines are ignored");
	wa_is("abc\nabd\n", "abc\nabc\n", &p, "wrong answer on line 2, column 3: expected \"c\", got \"d\"",
	      "lines: line and column of the difference");
}

/* head, n spaces, tail. */
static char *s_spaced(size_t n, const char *head, const char *tail)
{
	char *p = malloc(strlen(head) + n + strlen(tail) + 1);

	if (!p)
		exit(2);
	strcpy(p, head);
	memset(p + strlen(head), ' ', n);
	strcpy(p + strlen(head) + n, tail);
	return p;
}

static void test_runs(void)
{
	compare_opts t = L(false, true, false), te = L(false, true, true), tr = L(true, false, false);
	char *run = s_spaced(BIG, "a", "b\n"), *less = s_spaced(BIG - 1, "a", "b\n"), *trail = s_spaced(BIG, "a", "\n");
	char *blank = s_spaced(BIG, "", "\n"), *hash = s_spaced(BIG, "", "#\n"), *two = malloc(2 * BIG + 8);

	if (!two)
		exit(2);
	acc(run, run, &t, "ignore_trailing_space: a 200 KiB run of spaces inside a line");
	wa(less, run, &t, "expected \" \", got \"b\"", "... one space short");
	acc(trail, "a\n", &t, "ignore_trailing_space: a 200 KiB trailing run");
	sprintf(two, "%s%s", blank, hash);
	acc(two, hash, &te, "ignore_empty_lines: a 200 KiB line of spaces skipped before 200 KiB of spaces and #");
	wa(two, hash, &t, NULL, "... not skipped without ignore_empty_lines");
	acc(run + 1, "b\n", &tr, "trim: 200 KiB of leading spaces");
	free(run), free(less), free(trail), free(blank), free(hash), free(two);
	/* Runs across the 64 KiB read boundary: "  " at 65534..65535. */
	run = s_big(65534, 'x', 'x', "  y\n"), less = s_big(65534, 'x', 'x', " y\n");
	trail = s_big(65534, 'x', 'x', "  \n"), blank = s_big(65534, 'x', 'x', "\n");
	acc(run, run, &t, "ignore_trailing_space: a run held at the buffer's end, text after it");
	wa(less, run, &t, "column 65536: expected \" \", got \"y\"", "... one space short there");
	acc(trail, blank, &t, "ignore_trailing_space: a run held at the buffer's end, then the newline");
	free(run), free(less), free(trail), free(blank);
}

/* In a child: a run to spill with file writes limited to 1000 bytes. Did
 * compare_fds fail with EFBIG? (Told through a pipe, not the exit code,
 * which valgrind may change.) */
static bool s_spill_fails(void)
{
	struct rlimit lim = { 1000, 1000 };
	compare_opts t = L(false, true, false);
	char *run = s_spaced(BIG, "a", "b\n"), got = 0;
	int fo = s_mem(run, strlen(run)), fa = s_mem(run, strlen(run)), p[2];
	pid_t pid;

	free(run);
	fflush(stdout);
	if (pipe(p) < 0 || (pid = fork()) < 0)
		perror("pipe/fork"), exit(2);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &lim);
		got = compare_fds(fo, fa, &t, &res) == -1 && errno == EFBIG && !res.accepted ? 'y' : 'n';
		_exit(write(p[1], &got, 1) != 1);
	}
	close(p[1]);
	if (read(p[0], &got, 1) != 1)
		got = 0;
	waitpid(pid, NULL, 0);
	close(p[0]), close(fo), close(fa);
	return got == 'y';
}

static void test_fds(void)
{
	compare_opts d = F(""), bad = F("");
	int fo = s_mem("XXXX42\n", 7), fa = s_mem("42", 2), dir = open("/", O_RDONLY | O_DIRECTORY), rc, e;

	lseek(fo, 4, SEEK_SET);
	ok(compare_fds(fo, fa, &d, &res) == 0 && res.accepted, "reads from the fds' current offsets");
	lseek(fa, 0, SEEK_SET);
	errno = 0;
	rc = compare_fds(dir, fa, &d, &res);
	e = errno;
	ok(rc == -1 && e == EISDIR && !res.accepted, "a read error (a directory) is -1 with errno (%s)", strerror(e));
	errno = 0;
	ok(compare_fds(fo, -1, &d, &res) == -1 && errno == EBADF, "a bad fd is -1, EBADF");
	ok(s_spill_fails(), "a spill file that cannot be written: -1, EFBIG");
	bad.mode = (cmp_mode)7;
	errno = 0;
	ok(compare_fds(fo, fa, &bad, &res) == -1 && errno == EINVAL, "an unknown mode is -1, EINVAL");
	close(fo), close(fa), close(dir);
}

/* ---- compare_opts_from ---- */

static char field[40], err[256];
static mp_doc doc;

/* Parse the frame {"compare": <what w holds after its header>} and run
 * compare_opts_from on its map: the return code. */
static int s_from(mp_w *w, compare_opts *o)
{
	int rc;

	field[0] = err[0] = '\0';
	if (mp_parse(&doc, w->buf, w->len, true, err, sizeof err))
		diag("bad test frame: %s", err), exit(2);
	rc = compare_opts_from(mp_get(doc.root, "compare"), o, field, sizeof field, err, sizeof err);
	mp_doc_free(&doc);
	mp_w_free(w);
	return rc;
}

/* Start {"compare": {n entries}}. */
static void s_begin(mp_w *w, uint32_t n)
{
	mp_w_init(w);
	mp_w_map(w, 1);
	mp_w_str(w, "compare");
	mp_w_map(w, n);
}

/* One assertion: refused, naming want_field, err holding want. */
static void refused(mp_w *w, const char *want_field, const char *want, const char *what)
{
	compare_opts o;

	compare_opts_default(&o);
	o.case_sensitive = true;
	if (!ok(s_from(w, &o) == -1 && !strcmp(field, want_field) && strstr(err, want) && o.case_sensitive,
		"compare map refused: %s (%s: %s)", what, field, err))
		diag("want %s: %s", want_field, want);
}

static void test_from(void)
{
	compare_opts o;
	mp_w w;

	mp_w_init(&w);
	mp_w_map(&w, 0);
	ok(s_from(&w, &o) == 0 && o.mode == CMP_DEFAULT && o.float_abs < 0 && o.float_rel < 0 && !o.case_sensitive,
	   "no compare map: the defaults");
	s_begin(&w, 4);
	mp_w_kstr(&w, "mode", "lines");
	mp_w_kbool(&w, "trim", true);
	mp_w_kbool(&w, "ignore_trailing_space", false);
	mp_w_kbool(&w, "ignore_empty_lines", true);
	ok(s_from(&w, &o) == 0 && o.mode == CMP_LINES && o.trim && !o.ignore_trailing_space && o.ignore_empty_lines,
	   "a lines map");
	s_begin(&w, 4);
	mp_w_kbool(&w, "case_sensitive", true);
	mp_w_kbool(&w, "space_change_sensitive", true);
	mp_w_str(&w, "float_absolute_tolerance"), mp_w_float(&w, 0.25);
	mp_w_kuint(&w, "float_relative_tolerance", 2);
	ok(s_from(&w, &o) == 0 && o.mode == CMP_DEFAULT && o.case_sensitive && o.space_change_sensitive &&
	   o.float_abs == 0.25 && o.float_rel == 2, "a default map (mode absent), tolerances float and int");
	s_begin(&w, 2);
	mp_w_kuint(&w, "float_tolerance", 0);
	mp_w_str(&w, "case_sensitive"), mp_w_nil(&w);
	ok(s_from(&w, &o) == 0 && o.float_abs == 0 && o.float_rel == 0 && !o.case_sensitive,
	   "float_tolerance 0 sets both; a nil value is absent");
	s_begin(&w, 1);
	mp_w_kstr(&w, "mode", "exact");
	ok(s_from(&w, &o) == 0 && o.mode == CMP_EXACT, "mode exact");
	s_begin(&w, 1);
	mp_w_kbool(&w, "case_sensitve", true);
	refused(&w, "compare.case_sensitve", "unknown option", "a misspelt key");
	s_begin(&w, 1);
	mp_w_kuint(&w, "case_sensitive", 1);
	refused(&w, "compare.case_sensitive", "must be true or false", "1 for a bool");
	s_begin(&w, 1);
	mp_w_str(&w, "float_tolerance"), mp_w_int(&w, -1);
	refused(&w, "compare.float_tolerance", "must be a number >= 0", "a negative int tolerance");
	s_begin(&w, 1);
	mp_w_str(&w, "float_absolute_tolerance"), mp_w_float(&w, -0.5);
	refused(&w, "compare.float_absolute_tolerance", "must be a number >= 0", "a negative float tolerance");
	s_begin(&w, 1);
	mp_w_str(&w, "float_relative_tolerance"), mp_w_float(&w, NAN);
	refused(&w, "compare.float_relative_tolerance", "must be a number >= 0", "a NaN tolerance");
	s_begin(&w, 1);
	mp_w_kstr(&w, "float_relative_tolerance", "1e-6");
	refused(&w, "compare.float_relative_tolerance", "must be a number >= 0", "a str tolerance");
	s_begin(&w, 1);
	mp_w_kstr(&w, "mode", "diff");
	refused(&w, "compare.mode", "must be \"default\", \"exact\" or \"lines\"", "an unknown mode");
	s_begin(&w, 1);
	mp_w_kuint(&w, "mode", 1);
	refused(&w, "compare.mode", "must be", "a mode that is not a str");
	s_begin(&w, 1);
	mp_w_kbool(&w, "trim", true);
	refused(&w, "compare.trim", "applies to mode \"lines\" only, not \"default\"", "trim in mode default");
	s_begin(&w, 2);
	mp_w_kbool(&w, "case_sensitive", false);
	mp_w_kstr(&w, "mode", "exact");
	refused(&w, "compare.case_sensitive", "applies to mode \"default\" only", "case_sensitive in mode exact (mode after it)");
	s_begin(&w, 2);
	mp_w_kuint(&w, "float_tolerance", 1);
	mp_w_kuint(&w, "float_absolute_tolerance", 1);
	refused(&w, "compare.float_tolerance", "may not be given with", "float_tolerance with float_absolute_tolerance");
	mp_w_init(&w);
	mp_w_map(&w, 1);
	mp_w_str(&w, "compare");
	mp_w_array(&w, 0);
	refused(&w, "compare", "must be a map", "an array");
	s_begin(&w, 1);
	mp_w_str(&w, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	mp_w_nil(&w);
	refused(&w, "compare.\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9", "unknown option", "a long unknown key is cut on a character (even with nil)");
}

/* ---- compare_opts_from_flags ---- */

/* One assertion: flags refused with want in err, o untouched. */
static void flags_refused(const char *flags, const char *want)
{
	compare_opts o;

	compare_opts_default(&o);
	o.trim = true;
	err[0] = '\0';
	if (!ok(compare_opts_from_flags(flags, &o, err, sizeof err) == -1 && strstr(err, want) && o.trim,
		"flags refused: \"%s\" (%s)", flags, err))
		diag("want: %s", want);
}

static void test_flags(void)
{
	compare_opts o;

	ok(!compare_opts_from_flags("case_sensitive float_tolerance 1e-6", &o, err, sizeof err) &&
	   o.mode == CMP_DEFAULT && o.case_sensitive && !o.space_change_sensitive &&
	   o.float_abs == 1e-6 && o.float_rel == 1e-6, "flags: case_sensitive float_tolerance 1e-6");
	ok(!compare_opts_from_flags("float_relative_tolerance 0.1 float_absolute_tolerance 2", &o, err, sizeof err) &&
	   o.float_rel == 0.1 && o.float_abs == 2 && !o.case_sensitive, "flags: relative and absolute apart");
	ok(!compare_opts_from_flags("  space_change_sensitive\tcase_sensitive\n", &o, err, sizeof err) &&
	   o.space_change_sensitive && o.case_sensitive && o.float_abs < 0, "flags: any whitespace between words");
	ok(!compare_opts_from_flags(NULL, &o, err, sizeof err) && !o.case_sensitive && o.float_rel < 0 &&
	   !compare_opts_from_flags("", &o, err, sizeof err), "flags: NULL and \"\" give the defaults");
	flags_refused("case_insensitive", "unknown flag \"case_insensitive\"");
	flags_refused("float_tolerance", "float_tolerance needs a value");
	flags_refused("float_tolerance abc", "float_tolerance: \"abc\" is not a number >= 0");
	flags_refused("float_absolute_tolerance -1e-6", "is not a number >= 0");
	flags_refused("float_tolerance inf", "is not a number >= 0");
	flags_refused("float_relative_tolerance 1e999", "is not a number >= 0");
	flags_refused("float_tolerance 1 float_tolerance 2", "float_tolerance is given twice");
	flags_refused("float_absolute_tolerance 1 float_tolerance 2", "may not be given with");
}

/* ---- streaming ---- */

static uint64_t rng;

/* xorshift64: the same stream in every generator that seeds it alike. */
static uint64_t s_rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

typedef struct gen {
	char buf[1 << 16];
	size_t n;
	int fd;
} gen_t;

/* Append p (n bytes), flushing full buffers to the pipe. */
static void s_put(gen_t *g, const char *p, size_t n)
{
	if (g->n + n > sizeof g->buf) {
		if (write(g->fd, g->buf, g->n) != (ssize_t)g->n)
			_exit(1);
		g->n = 0;
	}
	memcpy(g->buf + g->n, p, n), g->n += n;
}

/* v in exactly w decimal digits. */
static void s_digits(char *p, uint64_t v, int w)
{
	while (w--)
		p[w] = (char)('0' + v % 10), v /= 10;
}

enum { G_ANSWER, G_TEAM, G_TEAM_LAST, G_TRAILING };

/* The answer's line of 55 bytes: 10 digits, 10 digits, a word of 8, a
 * float of 12, 10 digits; upper: the word in upper case; last: one digit
 * of the last token changed. */
static void s_answer_line(char l[55], bool upper, bool last)
{
	uint64_t r = s_rnd();

	s_digits(l, r % 10000000000u, 10), l[10] = ' ';
	s_digits(l + 11, r >> 20, 10), l[21] = ' ';
	for (int i = 0; i < 8; i++)
		l[22 + i] = (char)((upper ? 'A' : 'a') + (r >> (5 * i)) % 26);
	l[30] = ' ';
	s_digits(l + 31, r >> 30, 5), l[36] = '.', s_digits(l + 37, r >> 7, 6), l[43] = ' ';
	s_digits(l + 44, r >> 33, 10), l[54] = '\n';
	if (last)
		l[53] = l[53] == '0' ? '1' : '0';
}

/* The team's form of line l: a space, a tab or two spaces between tokens,
 * LF or CRLF, and one float in eight written 12345.1234560. */
static size_t s_team_line(char t[80], const char l[55], uint64_t *sep)
{
	static const char *const seps[] = { " ", "\t", "  " };
	size_t k = 0, n;

	*sep = *sep * 6364136223846793005ull + 1442695040888963407ull;
	for (int i = 0, j = 0; i < 55; i++) {
		if (l[i] == ' ') {
			const char *w = seps[(*sep >> (60 - 2 * j++)) % 3];

			n = strlen(w);
			memcpy(t + k, w, n), k += n;
		} else if (l[i] == '\n') {
			if ((*sep >> 40) & 1)
				t[k++] = '\r';
			t[k++] = '\n';
		} else {
			t[k++] = l[i];
			if (i == 42 && (*sep >> 50) % 8 == 0)
				t[k++] = '0';
		}
	}
	return k;
}

/* One line of the variant into g. */
static void s_line(gen_t *g, int variant, uint64_t *sep, bool last)
{
	char l[55], t[80];

	s_answer_line(l, variant == G_TEAM, last && variant == G_TEAM_LAST);
	if (variant == G_TEAM) {
		s_put(g, t, s_team_line(t, l, sep));
	} else if (variant == G_TRAILING) {
		s_put(g, l, 54);
		s_put(g, " \t\r\n", 4);
	} else {
		s_put(g, l, 55);
	}
}

/* A child writing lines of the variant into a pipe: its pid; *fd reads. */
static pid_t s_generate(int variant, uint64_t lines, int *fd)
{
	int p[2];
	pid_t pid;

	fflush(stdout);	/* or a child's exit may print it again (valgrind's does) */
	if (pipe(p) < 0 || (pid = fork()) < 0)
		perror("pipe/fork"), exit(2);
	if (pid == 0) {
		static gen_t g;
		uint64_t sep = 7;

		close(p[0]);
		g.fd = p[1], rng = 0x9e3779b97f4a7c15ull;
		for (uint64_t i = 0; i < lines; i++)
			s_line(&g, variant, &sep, i + 1 == lines);
		_exit(write(g.fd, g.buf, g.n) != (ssize_t)g.n);
	}
	close(p[1]);
	*fd = p[0];
	return pid;
}

/* Compare the team variant with the answer through two pipes; the time in
 * seconds. */
static double s_stream(int team, uint64_t lines, const compare_opts *o, int *rc)
{
	struct timespec t0, t1;
	int fo, fa;
	pid_t po = s_generate(team, lines, &fo), pa = s_generate(G_ANSWER, lines, &fa);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	*rc = compare_fds(fo, fa, o, &res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fo), close(fa);
	waitpid(po, NULL, 0), waitpid(pa, NULL, 0);
	return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

/* Peak RSS of this process so far, KiB. */
static long s_maxrss(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return u.ru_maxrss;
}

static void test_stream(void)
{
	const char *env = getenv("COMPARE_TEST_MIB");
	uint64_t mib = env ? strtoull(env, NULL, 10) : 100, lines = (mib << 20) / 55 + 1;
	compare_opts d = F("float_tolerance 1e-9"), x = X(), t = L(false, true, false);
	compare_opts c = F("case_sensitive float_tolerance 1e-9"), plain = F(""), sp = F("space_change_sensitive");
	char want[96];
	long rss0 = s_maxrss();
	double s;
	int rc, n;

	s = s_stream(G_TEAM, lines, &d, &rc);
	if (!ok(rc == 0 && res.accepted, "%" PRIu64 " MiB a side through pipes, default mode: tabs, CRLF, upper "
		"case, reformatted floats accepted, in %.2f s", mib, s))
		diag("rc %d: %s", rc, res.message);
	s = s_stream(G_TEAM_LAST, lines, &d, &rc);
	snprintf(want, sizeof want, "wrong answer on line %" PRIu64 ", token 5: ", lines);
	if (!ok(rc == 0 && !res.accepted && !strncmp(res.message, want, strlen(want)),
		"%" PRIu64 " MiB: the very last token differs: \"%s\", in %.2f s", mib, res.message, s))
		diag("want: %s...", want);
	s_stream(G_TEAM, 1000, &c, &rc);
	n = rc == 0 && !res.accepted && strstr(res.message, "token 3: expected \"");
	s_stream(G_TEAM, 1000, &plain, &rc);
	n += rc == 0 && !res.accepted && strstr(res.message, "0\"") && strstr(res.message, "token 4: expected");
	s_stream(G_TEAM, 1000, &sp, &rc);
	ok(n == 2 && rc == 0 && !res.accepted, "the team's stream really differs: in case, float form, whitespace");
	s = s_stream(G_ANSWER, lines / 4, &x, &rc);
	ok(rc == 0 && res.accepted, "%" PRIu64 " MiB, exact mode, in %.2f s", mib / 4, s);
	s = s_stream(G_TRAILING, lines / 4, &t, &rc);
	if (!ok(rc == 0 && res.accepted, "%" PRIu64 " MiB, lines mode, ignore_trailing_space, in %.2f s", mib / 4, s))
		diag("rc %d: %s", rc, res.message);
	ok(s_maxrss() - rss0 < 16 * 1024, "peak RSS grew by %ld KiB (< 16 MiB) over the streaming tests, "
	   "from %ld KiB", s_maxrss() - rss0, rss0);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	plan(PLAN);
	test_stream();	/* first: the peak RSS is then this small process's */
	test_tokens();
	test_spaces();
	test_floats();
	test_long();
	test_exact();
	test_lines();
	test_runs();
	test_fds();
	test_from();
	test_flags();
	ok(bad_msgs == 0, "every rejection had a message of one printable line <= 255 bytes (%d not)", bad_msgs);
	ok(bad_accepts == 0, "every acceptance had an empty message (%d not)", bad_accepts);
	if (tap_n != PLAN)
		diag("planned %d, ran %d", PLAN, tap_n);
	return done();
}
