/* supervise.c: the parent side of `run`: it makes the box's init in a fresh
 * cgroup, sends it the request, writes its id maps, then waits on the box's
 * socket, init's pidfd and the seccomp listener. CPU time is read from the
 * cgroup at the least time in which the box, on all its CPUs, could reach the
 * limit: a few wake-ups, not a poll. Killing init kills its pid namespace. To
 * cancel a run, kill the helper: init has PDEATHSIG (or sees the socket close). */
#include "helper.h"

static struct {
	const struct job *j;
	struct cg g;
	struct result r;
	int pidfd, sock, nfd, status, ncpu;   /* status: -1 until the job's arrives */
	pid_t pid;
	const char *killed_for;   /* the limit the box was killed for */
	uint64_t start_ns, cpu_base;
} S = { .pidfd = -1, .nfd = -1, .status = -1 };   /* one run's; reset for each */

static uint64_t s_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static void s_kill(const char *why)
{
	if (!S.killed_for)
		S.killed_for = why;
	syscall(SYS_pidfd_send_signal, S.pidfd, SIGKILL, NULL, 0);
}

/* The record on the result fd, in one write; judgebox-helper(8) documents
 * every key. A served run's ends with exit=N, the code a one-shot exits with. */
static void s_write_result(void)
{
	struct result *r = &S.r;
	char buf[1024];
	int n;

	for (char *p = r->message; (p = strpbrk(p, "\r\n")); *p = ' ')
		;
	n = snprintf(buf, sizeof buf, "status=%s\nexitcode=%d\nsignal=%d\ncpu_ms=%llu\ncpu_us=%llu\n"
		"wall_ms=%llu\nwall_us=%llu\nmemory_kb=%llu\noom_killed=%d\n", r->status, r->exitcode,
		r->signal, r->cpu_us / 1000, r->cpu_us, r->wall_us / 1000, r->wall_us, r->memory_kb, r->oom);
	if (r->syscall[0])
		n += snprintf(buf + n, sizeof buf - (size_t)n, "syscall=%s\nargs=%#llx,%#llx,%#llx,%#llx,"
			"%#llx,%#llx\n", r->syscall, r->args[0], r->args[1], r->args[2], r->args[3],
			r->args[4], r->args[5]);
	if (r->message[0])
		n += snprintf(buf + n, sizeof buf - (size_t)n, "message=%s\n", r->message);
	if (S.j->serve)
		n += snprintf(buf + n, sizeof buf - (size_t)n, "exit=%d\n",
			strcmp(r->status, "internal_error") ? EXIT_DONE : EXIT_INTERNAL);
	if (write(S.j->result_fd, buf, (size_t)n) != n)
		fprintf(stderr, "judgebox-helper: the record could not be written\n");
}

/* The run's init and its cgroup gone, wherever they were (a serve's die
 * hook, and its end: no init made ahead outlives it). */
void supervise_end(const char *unused __attribute__((unused)))
{
	if (!S.j)
		return;
	syscall(SYS_pidfd_send_signal, S.pidfd, SIGKILL, NULL, 0);
	waitid(P_PIDFD, (id_t)S.pidfd, NULL, WEXITED);
	cg_destroy(&S.g);
}

/* die()'s hook once the box exists: nothing survives, the record is written. */
static void s_fail(const char *msg)
{
	supervise_end(msg);
	S.r.status = "internal_error";
	snprintf(S.r.message, sizeof S.r.message, "%s", msg);
	s_write_result();
}

/* The box's user namespace maps its own uid and gid only; 0 stays unmapped. */
static void s_maps(void)
{
	char dir[32];
	int fd;

	snprintf(dir, sizeof dir, "/proc/%d", S.pid);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die("open %s", dir);
	write_file(fd, "setgroups", "deny");
	write_file(fd, "uid_map", "%u %u 1\n", S.j->uid, S.j->uid);
	write_file(fd, "gid_map", "%u %u 1\n", S.j->uid, S.j->uid);
	close(fd);
}

/* The job's figures end when it does, not when the teardown is over. */
static void s_stop_clocks(void)
{
	if (!S.r.wall_us) {
		S.r.wall_us = (s_now() - S.start_ns) / 1000;
		S.r.cpu_us = cg_cpu_us(&S.g) - S.cpu_base;
	}
}

/* One message from the box (jail.c): U, user namespace made, write its maps
 * and say G; X, exec now: start the clocks, take the seccomp listener, say G;
 * S, the job's wait status; E, a setup error. Returns 0 at end of stream. */
static int s_message(void)
{
	char buf[256], ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, sizeof buf - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
		.msg_controllen = sizeof ctl };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(S.sock, &mh, MSG_CMSG_CLOEXEC);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((cm = CMSG_FIRSTHDR(&mh)) && cm->cmsg_type == SCM_RIGHTS && buf[0] == 'X')
		memcpy(&S.nfd, CMSG_DATA(cm), sizeof S.nfd);
	if (buf[0] == 'U')
		s_maps();
	if (buf[0] == 'X') {           /* the job waits for G: the base is exact */
		S.start_ns = s_now();
		S.cpu_base = cg_cpu_us(&S.g);
	}
	if ((buf[0] == 'U' || buf[0] == 'X') && write(S.sock, "G", 1) != 1)
		die("write to the box");
	else if (buf[0] == 'S' && n == 1 + sizeof S.status) {
		memcpy(&S.status, buf + 1, sizeof S.status);
		s_stop_clocks();
	} else if (buf[0] == 'E' && !S.r.message[0]) {
		S.r.status = "internal_error";
		snprintf(S.r.message, sizeof S.r.message, "%s", buf + 1);
	}
	return 1;
}

/* A seccomp notification is a violation: name it, then kill the box. */
static void s_violation(void)
{
	struct seccomp_notif req = { 0 };
	char *name;

	if (ioctl(S.nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0 && !S.r.syscall[0]) {
		name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, req.data.nr);
		snprintf(S.r.syscall, sizeof S.r.syscall, "%s", name ? name : "unknown");
		memcpy(S.r.args, req.data.args, sizeof S.r.args);
		free(name);
	}
	s_kill("violation");
}

/* Kill the box at a limit; return the time (ns) until it could next reach one. */
static int64_t s_check_limits(void)
{
	uint64_t wall = s_now() - S.start_ns, wall_lim = S.j->lim[L_WALL_MS] * 1000000;
	uint64_t cpu, cpu_lim = S.j->lim[L_CPU_MS] * 1000;
	int64_t wait;

	if (S.killed_for)
		return 1000000000;     /* nothing to time: init's exit will speak */
	if (wall >= wall_lim)
		s_kill("wall_limit");
	if ((cpu = cg_cpu_us(&S.g) - S.cpu_base) >= cpu_lim)
		s_kill("cpu_limit");
	wait = (int64_t)(cpu_lim - cpu) * 1000 / S.ncpu;
	if (wait > (int64_t)(wall_lim - wall))
		wait = (int64_t)(wall_lim - wall);
	return wait < 200000 ? 200000 : wait;
}

/* Until init is gone and the socket closed, whichever comes first. */
static void s_loop(void)
{
	struct pollfd p[3] = { { S.sock, POLLIN, 0 }, { S.pidfd, POLLIN, 0 }, { -1, POLLIN, 0 } };

	while (p[0].fd >= 0 || p[1].fd >= 0) {
		int64_t t = s_check_limits();
		struct timespec ts = { t / 1000000000, t % 1000000000 };

		p[2].fd = S.nfd;
		if (ppoll(p, 3, &ts, NULL) < 0 && errno != EINTR)
			die("ppoll");
		if (p[2].revents & POLLIN)
			s_violation();
		else if (p[2].revents) {   /* no task left under the filter */
			close(S.nfd);
			S.nfd = -1;
		}
		if (p[0].revents && !s_message())
			p[0].fd = -1;
		if (p[1].revents)
			p[1].fd = -1;
	}
	if (waitid(P_PIDFD, (id_t)S.pidfd, NULL, WEXITED) < 0)
		die("waitid");
}

/* The run's status, most specific first; judgebox-helper(8) has the order. */
static const char *s_status(struct result *r)
{
	r->exitcode = S.status >= 0 && WIFEXITED(S.status) ? WEXITSTATUS(S.status) : 0;
	r->signal = S.status >= 0 ? (WIFSIGNALED(S.status) ? WTERMSIG(S.status) : 0)
		: S.killed_for ? SIGKILL : 0;     /* we killed it: no status came */
	if (r->syscall[0] || r->signal == SIGSYS)
		return "violation";
	if (r->oom)
		return "memory_limit";
	if (S.killed_for)
		return S.killed_for;
	if (r->cpu_us >= S.j->lim[L_CPU_MS] * 1000 || r->signal == SIGXCPU)
		return "cpu_limit";      /* a limit's kill, whoever sent it, is that limit */
	if (r->signal == SIGKILL && r->wall_us >= S.j->lim[L_WALL_MS] * 1000)
		return "wall_limit";     /* RLIMIT_CPU's, if this supervisor was stopped */
	if (r->status || S.status < 0)
		return "internal_error";
	if (r->signal == SIGXFSZ)
		return "file_limit";
	return r->signal ? "signal" : r->exitcode ? "exit" : "ok";
}

/* The next run's init, in new pid, net, ipc and uts namespaces and a fresh
 * cgroup (on v2 born in it with CLONE_INTO_CGROUP, on v1 moved there before
 * it may go on), waiting for J; a serve makes it before the request comes. */
void supervise_prepare(const struct conf *c, const struct job *j)
{
	struct clone_args ca = { .flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
		CLONE_NEWUTS | CLONE_PIDFD, .exit_signal = SIGCHLD, .pidfd = (uintptr_t)&S.pidfd };
	int sp[2];

	if (S.j)
		return;
	memset(&S, 0, sizeof S);
	S.pidfd = S.nfd = S.status = -1;
	S.j = j;
	S.ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);   /* not our affinity: the job may widen its own */
	cg_create(&S.g, c, j);
	if (S.g.into >= 0)
		ca.flags |= CLONE_INTO_CGROUP, ca.cgroup = (uint64_t)S.g.into;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0 ||
	    (S.pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca)) < 0)
		die("clone3");
	if (S.pid == 0)
		close(sp[0]), jail_init(j, sp[1]);
	close(sp[1]);
	S.sock = sp[0];
	if (!(ca.flags & CLONE_INTO_CGROUP))
		cg_attach(&S.g, S.pid);
	if (write(S.sock, "G", 1) != 1)    /* init may go on: it is in the cgroup */
		die("write to the box");
}

/* One run, to the record; the caller has reset every signal disposition,
 * ignores SIGPIPE (a closed result fd is an error, not a death) and has
 * dropped its groups. J carries the job's 0-2 and /box's clone; init reads
 * the rest in the job, shared memory (main.c: s_serve). */
void supervise(const struct conf *c, const struct job *j)
{
	supervise_prepare(c, j);
	die_hook = s_fail;
	cg_limits(&S.g, j);
	S.start_ns = s_now();        /* the wall clock runs from here, and anew at exec */
	send_fds(S.sock, 'J', (int[]){ j->io[0], j->io[1], j->io[2], j->tree }, 4);
	setpriority(PRIO_PROCESS, 0, -10);   /* a busy box must not delay a kill, */
	s_loop();
	setpriority(PRIO_PROCESS, 0, j->nice);   /* nor the next init delay its caller */
	die_hook = NULL;
	s_stop_clocks();
	cg_figures(&S.g, &S.r);
	S.r.status = s_status(&S.r);
	if (!strcmp(S.r.status, "internal_error") && !S.r.message[0])
		strcpy(S.r.message, "the box's init died without a status");
	cg_destroy(&S.g);
	close(S.nfd), close(S.pidfd), close(S.sock);   /* nfd: -1 if no listener */
	s_write_result();
	S.j = NULL;
	if (!strcmp(S.r.status, "internal_error"))
		_exit(EXIT_INTERNAL);   /* and a box's supervisor with it: fail closed */
}
