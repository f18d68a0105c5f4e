/* interactor: the interactor of "Guess the number", with the Kattis/ICPC
 * interactive output validator interface (legacy spec):
 *
 *     interactor input_file answer_file feedback_dir [flags...]
 *
 * Its standard input is the solution's standard output, and its standard
 * output the solution's standard input. The input file holds the secret n,
 * 1 <= n <= 1000 (the answer file holds it too and is not read). The
 * solution writes guesses, one integer per line; to each the interactor
 * answers one line: "higher" (n is higher than the guess), "lower", or
 * "correct", and flushes. At most 10 guesses (binary search needs no more).
 *
 * Exit 42: accepted (a guess was correct and nothing but white space
 * followed it); 43: wrong answer (a line that is not one integer, a guess
 * out of 1..1000, an 11th guess, or the output ended, or the solution went
 * away, before the correct guess); anything else (1) is a judge error. Why,
 * in one line, goes to feedback_dir/judgemessage.txt.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AC 42
#define WA 43
#define JE 1
#define MAX_GUESSES 10

static const char *feedback_dir;

__attribute__((noreturn, format(printf, 2, 3)))
static void verdict(int code, const char *fmt, ...)
{
	char path[4096];
	va_list ap;
	snprintf(path, sizeof path, "%s/judgemessage.txt", feedback_dir);
	FILE *f = fopen(path, "a");
	if (f) {
		va_start(ap, fmt);
		vfprintf(f, fmt, ap);
		va_end(ap);
		fputc('\n', f);
		fclose(f);
	}
	if (code == JE) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	exit(code);
}

/* One reply line to the solution, flushed at once. */
static void reply(const char *s, int guesses)
{
	if (printf("%s\n", s) < 0 || fflush(stdout) != 0)
		verdict(WA, "wrong answer: the solution stopped reading after %d guesses", guesses);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s input_file answer_file feedback_dir\n", argv[0]);
		return JE;
	}
	feedback_dir = argv[3];
	/* A solution that exits early closes its stdin: a write to it must be
	 * an error (EPIPE), not the end of the interactor. */
	signal(SIGPIPE, SIG_IGN);

	long n;
	FILE *in = fopen(argv[1], "r");
	if (!in || fscanf(in, "%ld", &n) != 1 || n < 1 || n > 1000)
		verdict(JE, "judge error: %s does not hold a number in 1..1000", argv[1]);
	fclose(in);

	char line[64];
	for (int guesses = 0;;) {
		if (!fgets(line, sizeof line, stdin))
			verdict(WA, "wrong answer: the output ended after %d guesses, without the "
				"right one", guesses);
		size_t len = strlen(line);
		if (len == sizeof line - 1 && line[len - 1] != '\n')
			verdict(WA, "wrong answer: guess %d: a line longer than %zu bytes",
				guesses + 1, sizeof line - 2);
		char *end;
		errno = 0;
		long g = strtol(line, &end, 10);
		while (*end && isspace((unsigned char)*end))
			end++;
		if (end == line || *end || errno || !isdigit((unsigned char)line[strspn(line, " \t-+")]))
			verdict(WA, "wrong answer: guess %d is not an integer: \"%.*s\"", guesses + 1,
				(int)strcspn(line, "\r\n"), line);
		if (++guesses > MAX_GUESSES)
			verdict(WA, "wrong answer: more than %d guesses", MAX_GUESSES);
		if (g < 1 || g > 1000)
			verdict(WA, "wrong answer: guess %d is %ld, out of 1..1000", guesses, g);
		if (g == n) {
			reply("correct", guesses);
			break;
		}
		reply(g < n ? "higher" : "lower", guesses);
	}
	/* Nothing but white space may follow the right guess. */
	int c;
	while ((c = getchar()) != EOF)
		if (!isspace(c))
			verdict(WA, "wrong answer: output after the correct guess");
	verdict(AC, "ok: found %ld", n);
}
