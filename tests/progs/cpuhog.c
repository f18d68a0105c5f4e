/* cpuhog: ways of spending CPU time until a limit stops it, picked by argv[1].
 * Each runs forever: only the helper's limits (or the kernel's) end it. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "hostile.h"

/* Burn US microseconds of this thread's CPU time. */
static void burn(long us)
{
	struct timespec ts, end;
	volatile unsigned long x = 0;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
	end.tv_nsec += us * 1000;
	end.tv_sec += end.tv_nsec / 1000000000;
	end.tv_nsec %= 1000000000;
	do {
		for (int i = 0; i < 1000; i++)
			x += i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	} while (ts.tv_sec < end.tv_sec || (ts.tv_sec == end.tv_sec && ts.tv_nsec < end.tv_nsec));
}

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		burn(1000000);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 0, sleep_us = argc > 3 ? atol(argv[3]) : 0;
	pthread_t t;

	if (!strcmp(m, "drip"))              /* drip US [SLEEP_US]: burn, one flushed line, nap */
		for (unsigned long i = 0;; i++) {
			burn(n);
			printf("line %lu\n", i);
			fflush(stdout);
			if (sleep_us)
				usleep((useconds_t)sleep_us);
		}
	if (!strcmp(m, "syscalls"))          /* many short system calls */
		for (;;)
			getppid();
	if (!strcmp(m, "threads")) {         /* threads N: N spinning threads */
		for (long i = 1; i < n; i++)
			pthread_create(&t, NULL, spin, NULL);
		spin(NULL);
	}
	if (!strcmp(m, "procs")) {           /* procs N: N spinning processes */
		for (long i = 1; i < n; i++)
			if (fork() == 0)
				break;
		spin(NULL);
	}
	if (!strcmp(m, "rlimit")) {          /* rlimit S: its own RLIMIT_CPU soft limit */
		struct rlimit rl;
		getrlimit(RLIMIT_CPU, &rl);
		printf("rlimit_cpu=%lld/%lld\n", (long long)rl.rlim_cur, (long long)rl.rlim_max);
		fflush(stdout);
		rl.rlim_cur = (rlim_t)n;
		if (n && setrlimit(RLIMIT_CPU, &rl) < 0)
			return 3;
		spin(NULL);
	}
	fprintf(stderr, "cpuhog: unknown mode %s\n", m);
	return 2;
}
