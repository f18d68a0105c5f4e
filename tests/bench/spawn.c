/* spawn: a timing driver for tests/bench/helper.sh.
 *
 *   spawn [-n RUNS] [-w WARMUP] [-u USER] [-r DIR] -- LABEL PROG ARG... [::: LABEL PROG ARG...]...
 *
 * Runs each command RUNS times, interleaved (A,B,C,A,B,C,...) so that drift in
 * the machine's load or clock speed falls on every command alike, after WARMUP
 * untimed rounds. Each run is posix_spawn + waitpid of the child, timed with
 * CLOCK_MONOTONIC around exactly that, so no shell or fork of this process is
 * measured. The child gets stdin/stdout/stderr on /dev/null and fd 3 on
 * DIR/LABEL.fd3 (truncated every run; /dev/null without -r), an environment of
 * PATH only, and this process's credentials: with -u (as root), the driver
 * drops to USER (its primary group and supplementary groups) before the first
 * run, so every command is run by the same unprivileged caller.
 *
 * A command `LABEL @serve HELPER BOX PROG ARG...` is judgebox-helper's served
 * mode, as judgeboxd drives it: `HELPER serve BOX` is started once (before
 * the warm-up, with the driver's credentials) on a SOCK_SEQPACKET socket,
 * and each run is what the daemon pays per job: the request `clean BOX`,
 * then `run BOX -- PROG ARG...`, each with /dev/null as 0-2 and a pipe for
 * the record, timed from the first send to the end of the second record.
 *
 * Prints one line per command, microseconds:
 *   LABEL runs=N fails=F median_us=.. p90_us=.. min_us=.. max_us=.. mean_us=..
 * fails counts runs that did not exit 0; the figures include them. Exits 0
 * unless it could not run at all (usage, setuid, spawn failure: 1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cmd {
	const char *label;
	char **argv;
	char fd3[4096];
	double *us;
	int fails, sock;        /* sock: to a served helper, or -1 */
};

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Start `HELPER serve BOX` for an @serve command (argv: @serve HELPER BOX ...). */
static void serve_start(struct cmd *c)
{
	char *argv[] = { c->argv[1], "serve", c->argv[2], NULL };
	static char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	posix_spawn_file_actions_t fa;
	int sp[2], e;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		perror("spawn: socketpair");
		exit(1);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sp[1], 0);
	if ((e = posix_spawn(&pid, argv[0], &fa, NULL, argv, envp))) {
		fprintf(stderr, "spawn: %s: %s\n", argv[0], strerror(e));
		exit(1);
	}
	posix_spawn_file_actions_destroy(&fa);
	close(sp[1]);
	c->sock = sp[0];
}

/* One request to a served helper, words from argv; 0 if its record (in
 * REC, 2048 bytes) says exit=0. */
static int serve_request(struct cmd *c, char **words, char *rec)
{
	char buf[8192], ctl[CMSG_SPACE(4 * sizeof(int))] = { 0 };
	int p[2], null = open("/dev/null", O_RDWR | O_CLOEXEC), fds[4];
	size_t k = 0, got = 0;
	ssize_t n;

	for (; *words && k + strlen(*words) + 1 <= sizeof buf; words++)
		k += (size_t)sprintf(buf + k, "%s", *words) + 1;
	if (null < 0 || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fds[0] = fds[1] = fds[2] = null, fds[3] = p[1];
	struct iovec iov = { buf, k };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
		.msg_controllen = sizeof ctl };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	*cm = (struct cmsghdr){ CMSG_LEN(sizeof fds), SOL_SOCKET, SCM_RIGHTS };
	memcpy(CMSG_DATA(cm), fds, sizeof fds);
	n = sendmsg(c->sock, &mh, MSG_NOSIGNAL);
	close(null), close(p[1]);
	while (n >= 0 && (n = read(p[0], rec + got, 2048 - 1 - got)) > 0)
		got += (size_t)n;
	close(p[0]);
	rec[got] = '\0';
	return strstr(rec, "exit=0\n") ? 0 : -1;
}

/* One job through a served helper: clean, then run; its wall time, up to
 * the run's record (kept in LABEL.fd3 after the clock stops). */
static double serve_once(struct cmd *c)
{
	char *clean[] = { "clean", c->argv[2], NULL }, *run[256] = { "run", c->argv[2], "--" };
	char rec[2048] = "";
	int k = 3;
	double t0, t;
	FILE *f;

	for (char **a = c->argv + 3; *a && k < 255; a++)
		run[k++] = *a;
	run[k] = NULL;
	t0 = now_us();
	if (serve_request(c, clean, rec) || serve_request(c, run, rec))
		c->fails++;
	t = now_us() - t0;
	if (c->fd3[0] && strcmp(c->fd3, "/dev/null") && strstr(rec, "status=") && (f = fopen(c->fd3, "w")))
		fputs(rec, f), fclose(f);
	return t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}


/* One run of C; its wall time in microseconds, or < 0 if it could not start. */
static double run_once(struct cmd *c)
{
	static char *envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin", NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, e;
	double t0, t1;

	if (c->sock >= 0)
		return serve_once(c);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 3, c->fd3, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	t0 = now_us();
	e = posix_spawn(&pid, c->argv[0], &fa, NULL, c->argv, envp);
	if (e == 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	t1 = now_us();
	posix_spawn_file_actions_destroy(&fa);
	if (e) {
		fprintf(stderr, "spawn: %s: %s\n", c->argv[0], strerror(e));
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		c->fails++;
	return t1 - t0;
}

static void drop_to(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		fprintf(stderr, "spawn: no user %s\n", user);
		exit(1);
	}
	if (initgroups(user, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0 ||
	    setuid(0) == 0) {
		perror("spawn: dropping privileges");
		exit(1);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: spawn [-n RUNS] [-w WARMUP] [-u USER] [-r DIR] -- "
		"LABEL PROG ARG... [::: LABEL PROG ARG...]...\n");
	exit(1);
}

int main(int argc, char **argv)
{
	struct cmd cmds[16];
	int opt, ncmd = 0, runs = 100, warm = 5;
	const char *user = NULL, *dir = NULL;

	while ((opt = getopt(argc, argv, "+n:w:u:r:")) != -1) {
		switch (opt) {
		case 'n': runs = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 'u': user = optarg; break;
		case 'r': dir = optarg; break;
		default: usage();
		}
	}
	if (runs < 1 || warm < 0 || optind >= argc)
		usage();

	/* Split the rest at ":::" into LABEL PROG ARG... groups. */
	for (int i = optind; i < argc; ) {
		struct cmd *c = &cmds[ncmd];
		int j = i;

		while (j < argc && strcmp(argv[j], ":::"))
			j++;
		if (j - i < 2 || ncmd == (int)(sizeof cmds / sizeof cmds[0]))
			usage();
		c->label = argv[i];
		c->argv = &argv[i + 1];
		c->fails = 0;
		c->sock = -1;
		if (!strcmp(c->argv[0], "@serve") && j - i < 5)
			usage();
		if (dir)
			snprintf(c->fd3, sizeof c->fd3, "%s/%s.fd3", dir, c->label);
		else
			strcpy(c->fd3, "/dev/null");
		if (!(c->us = calloc((size_t)runs, sizeof *c->us))) {
			perror("spawn");
			return 1;
		}
		ncmd++;
		if (j < argc)
			argv[j++] = NULL;   /* terminates this command's argv */
		i = j;
	}

	if (user)
		drop_to(user);
	for (int k = 0; k < ncmd; k++)
		if (!strcmp(cmds[k].argv[0], "@serve"))
			serve_start(&cmds[k]);

	for (int r = 0; r < warm; r++)
		for (int k = 0; k < ncmd; k++)
			if (run_once(&cmds[k]) < 0)
				return 1;
	for (int k = 0; k < ncmd; k++)
		cmds[k].fails = 0;
	for (int r = 0; r < runs; r++)
		for (int k = 0; k < ncmd; k++)
			if ((cmds[k].us[r] = run_once(&cmds[k])) < 0)
				return 1;

	for (int k = 0; k < ncmd; k++) {
		struct cmd *c = &cmds[k];
		double sum = 0, med;
		int p90 = (runs * 9 + 9) / 10 - 1;   /* nearest rank: ceil(0.9 n) - 1 */

		qsort(c->us, (size_t)runs, sizeof *c->us, cmp_double);
		for (int r = 0; r < runs; r++)
			sum += c->us[r];
		med = runs % 2 ? c->us[runs / 2] : (c->us[runs / 2 - 1] + c->us[runs / 2]) / 2;
		printf("%s runs=%d fails=%d median_us=%.1f p90_us=%.1f min_us=%.1f max_us=%.1f mean_us=%.1f\n",
		       c->label, runs, c->fails, med, c->us[p90], c->us[0], c->us[runs - 1], sum / runs);
	}
	return 0;
}
