/* check: the output validator of "Any divisor", with the Kattis/ICPC
 * output validator interface (legacy spec):
 *
 *     check input_file answer_file feedback_dir [flags...] < team_output
 *
 * The input holds a composite n (4 <= n <= 10^12); the team must print one
 * divisor d of n with 1 < d < n, any of them, and nothing else (white space
 * aside). The answer file holds one such divisor, checked here as a sanity
 * check of the test data only.
 *
 * Exit 42: accepted; 43: wrong answer; anything else (1 here) is a judge
 * error. Why, in one line, goes to feedback_dir/judgemessage.txt.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AC 42
#define WA 43
#define JE 1

static const char *feedback_dir;

static void say(const char *fmt, va_list ap)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/judgemessage.txt", feedback_dir);
	FILE *f = fopen(path, "a");
	if (!f)
		return;
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fclose(f);
}

__attribute__((noreturn, format(printf, 2, 3)))
static void verdict(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	if (code == JE) {	/* the judge's fault: also on stderr */
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
	exit(code);
}

/* The next white-space-separated token of f into buf (at most size - 1
 * bytes kept, the rest counted in *len): 0 at end of file. */
static int token(FILE *f, char *buf, size_t size, size_t *len)
{
	int c;
	while ((c = getc(f)) != EOF && isspace(c))
		;
	if (c == EOF)
		return 0;
	*len = 0;
	do {
		if (*len + 1 < size)
			buf[*len] = (char)c;
		++*len;
	} while ((c = getc(f)) != EOF && !isspace(c));
	buf[*len < size ? *len : size - 1] = 0;
	return 1;
}

/* A decimal integer in [0, 10^18], digits only: 0, or -1. */
static int number(const char *s, size_t len, unsigned long long *v)
{
	if (len == 0 || len > 19 || strspn(s, "0123456789") != len)
		return -1;
	*v = strtoull(s, NULL, 10);
	return *v <= 1000000000000000000ULL ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s input_file answer_file feedback_dir < team_output\n", argv[0]);
		return JE;
	}
	feedback_dir = argv[3];
	char buf[64];
	size_t len;
	unsigned long long n, d, jd;

	FILE *in = fopen(argv[1], "r"), *ans = fopen(argv[2], "r");
	if (!in || !ans)
		verdict(JE, "judge error: cannot open %s", !in ? argv[1] : argv[2]);
	if (!token(in, buf, sizeof buf, &len) || number(buf, len, &n) || n < 4)
		verdict(JE, "judge error: the input is not a number n >= 4");
	if (!token(ans, buf, sizeof buf, &len) || number(buf, len, &jd) ||
	    jd <= 1 || jd >= n || n % jd)
		verdict(JE, "judge error: the answer file is not a divisor of %llu", n);

	if (!token(stdin, buf, sizeof buf, &len))
		verdict(WA, "wrong answer: no output (expected a divisor of %llu)", n);
	if (number(buf, len, &d))
		verdict(WA, "wrong answer: \"%.20s%s\" is not a positive integer", buf,
			len > 20 ? "..." : "");
	if (d <= 1 || d >= n)
		verdict(WA, "wrong answer: %llu is not a non-trivial divisor (need 1 < d < %llu)", d, n);
	if (n % d)
		verdict(WA, "wrong answer: %llu does not divide %llu (remainder %llu)", d, n, n % d);
	if (token(stdin, buf, sizeof buf, &len))
		verdict(WA, "wrong answer: more output after the divisor: \"%.20s%s\"", buf,
			len > 20 ? "..." : "");
	verdict(AC, "ok: %llu divides %llu", d, n);
}
