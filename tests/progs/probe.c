/* probe: one test program, many behaviours, picked by argv[1]. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include "hostile.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Burn CPU for MS milliseconds of this thread's CPU time. */
static void spin(long ms)
{
	struct timespec ts;
	volatile unsigned long x = 0;
	do {
		for (int i = 0; i < 100000; i++)
			x += i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	} while (ts.tv_sec * 1000 + ts.tv_nsec / 1000000 < ms);
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "ok";
	long n = argc > 2 ? atol(argv[2]) : 0;

	if (!strcmp(m, "ok")) {
		puts("hello from the box");
		return 0;
	}
	if (!strcmp(m, "exit"))
		return (int)n;
	if (!strcmp(m, "signal")) {
		raise((int)n);
		return 0;
	}
	if (!strcmp(m, "spin")) {            /* spin MS: CPU time */
		spin(n);
		return 0;
	}
	if (!strcmp(m, "forever"))
		for (;;)
			;
	if (!strcmp(m, "sleep")) {           /* sleep MS: wall time only */
		struct timespec ts = { n / 1000, n % 1000 * 1000000 };
		nanosleep(&ts, NULL);
		return 0;
	}
	if (!strcmp(m, "alloc")) {           /* alloc MIB: touch it all */
		size_t len = (size_t)n << 20;
		char *p = malloc(len);
		if (!p)
			return 3;
		for (size_t i = 0; i < len; i += 4096)
			p[i] = 1;
		printf("touched %ld MiB\n", n);
		return 0;
	}
	if (!strcmp(m, "fsize")) {           /* fsize KIB: write a file that big */
		FILE *f = fopen("/box/big", "w");
		static char buf[1024];
		for (long i = 0; f && i < n; i++)
			fwrite(buf, 1, sizeof buf, f);
		return f && fclose(f) == 0 ? 0 : 4;
	}
	if (!strcmp(m, "forkbomb")) {
		int made = 0;
		for (int i = 0; i < 2000; i++) {
			pid_t p = fork();
			if (p == 0) {
				pause();
				_exit(0);
			}
			if (p > 0)
				made++;
		}
		printf("forked %d\n", made);
		return 0;
	}
	if (!strcmp(m, "connect")) {         /* connect PORT on 127.0.0.1 */
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)n) };
		int s = socket(AF_INET, SOCK_STREAM, 0);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
			printf("connect failed: %s\n", strerror(errno));
			return 0;
		}
		puts("connected");
		return 1;
	}
	if (!strcmp(m, "pids")) {            /* list the pids visible in /proc */
		DIR *d = opendir("/proc");
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
				printf("%s\n", e->d_name);
		return 0;
	}
	if (!strcmp(m, "write")) {           /* write PATH: 0 if it worked */
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, "x", 1) != 1) {
			printf("write %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		return 0;
	}
	if (!strcmp(m, "read")) {            /* read PATH: 0 if it worked */
		char buf[64];
		int fd = open(argv[2], O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof buf) < 0) {
			printf("read %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		return 0;
	}
	if (!strcmp(m, "ids")) {             /* uid and capability sets */
		char line[256];
		FILE *f = fopen("/proc/self/status", "r");
		printf("uid=%d gid=%d\n", getuid(), getgid());
		while (f && fgets(line, sizeof line, f))
			if (!strncmp(line, "Cap", 3) || !strncmp(line, "NoNewPrivs", 10) ||
			    !strncmp(line, "Seccomp:", 8) || !strncmp(line, "Groups", 6))
				fputs(line, stdout);
		return 0;
	}
	if (!strcmp(m, "userns")) {          /* unshare a user namespace */
		if (unshare(CLONE_NEWUSER) < 0) {
			printf("unshare: %s\n", strerror(errno));
			return 0;
		}
		puts("made a user namespace");
		return 1;
	}
	if (!strcmp(m, "ptrace")) {          /* a violation under the default policy */
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		return 0;
	}
	if (!strcmp(m, "orphan")) {          /* leave a sleeping grandchild behind */
		if (fork() == 0) {
			setsid();
			if (fork() == 0)
				for (;;)
					pause();
			_exit(0);
		}
		wait(NULL);
		return 0;
	}
	if (!strcmp(m, "wallclock")) {       /* print how long N ms of sleep took */
		double t = now_ms();
		usleep((useconds_t)n * 1000);
		printf("%.0f\n", now_ms() - t);
		return 0;
	}
	fprintf(stderr, "probe: unknown mode %s\n", m);
	return 2;
}
