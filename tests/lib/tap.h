/* tap.h: TAP for C tests, in the manner of bubblewrap's. plan(n) first and
 * exit with done(), or no plan and exit with done_testing() (the plan last);
 * ok(cond, fmt, ...) per test; diag(fmt, ...) for notes. */
#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static inline void plan(int n) { printf("1..%d\n", n); }

static inline __attribute__((format(printf, 2, 3))) int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	tap_failed += !cond;
	return cond;
}

/* A known bug: reported with a TODO directive, not counted as a failure. */
static inline int todo(int cond, const char *why, const char *name)
{
	int n = tap_failed, r = ok(cond, "%s # TODO %s", name, why);
	tap_failed = n;
	return r;
}

#define diag(...) (printf("# "), printf(__VA_ARGS__), putchar('\n'))
static inline int done(void) { return tap_failed != 0; }
static inline int done_testing(void) { printf("1..%d\n", tap_n); return done(); }
