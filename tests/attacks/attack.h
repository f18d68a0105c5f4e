/* attack.h: what the attack programs (tests/attacks/) share. Each program
 * includes this first, then ../progs/hostile.h, which refuses to run outside
 * a jail. An attack that must be refused reports every step it tries:
 *   denied WHAT: ERRNO     the jail refused it (the expected outcome)
 *   ESCAPED WHAT           it worked: the jail has a hole
 * and exits 1 if anything escaped, 0 if not. An attack whose outcome is a
 * violation or a limit prints "reached ..." only if the jail let it through. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

static int escapes;

/* Output goes straight out: a killed job must not lose what it printed. */
__attribute__((constructor(101))) static void unbuffered(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}

/* RC is a system call's return: < 0 (errno set) means the jail refused. */
static inline void denied(long rc, const char *fmt, ...)
{
	int err = errno;
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (rc < 0)
		printf("denied %s: %s\n", what, strerrorname_np(err) ? strerrorname_np(err) : "?");
	else {
		printf("ESCAPED %s\n", what);
		escapes++;
	}
}

static inline int verdict(void)
{
	printf("%d escaped\n", escapes);
	return escapes ? 1 : 0;
}

/* Burn CPU until this thread has used MS ms of CPU time (forever if MS < 0). */
static inline void spin(long ms)
{
	struct timespec ts;
	volatile unsigned long x = 0;

	do {
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	} while (ms < 0 || ts.tv_sec * 1000 + ts.tv_nsec / 1000000 < ms);
}
