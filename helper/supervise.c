/* supervise.c: the parent side of `run`. It places the box's init in a fresh
 * cgroup, writes its uid/gid maps, then waits on four fds at once: the
 * socket to the box, init's pidfd, the seccomp listener and a signalfd.
 * Limits are enforced from the cgroup's own CPU counter, re-read at each
 * deadline: the next wake-up is the time the box could need, on all CPUs it
 * may use, to reach the limit, so the kill lands within about a millisecond.
 * On any limit, the box's init is killed, which takes its pid namespace. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>
#include "cgroup.h"

static struct {
	const struct job *j;
	struct cg g;
	struct result r;
	int pidfd, sock, nfd, sigfd;
	pid_t pid;
	int status, have_status, ncpu;
	const char *killed_for;          /* the limit we killed the box for */
	uint64_t start_ns, cpu_base;
} S = { .pidfd = -1, .nfd = -1 };

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
	if (S.pidfd >= 0)
		syscall(SYS_pidfd_send_signal, S.pidfd, SIGKILL, NULL, 0);
}

/* The record on the result fd; judgebox-helper(8) documents every key. */
static void s_write_result(void)
{
	struct result *r = &S.r;
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "status=%s\nexitcode=%d\nsignal=%d\n"
		"cpu_ms=%llu\ncpu_us=%llu\nwall_ms=%llu\nwall_us=%llu\nmemory_kb=%llu\noom_killed=%d\n",
		r->status, r->exitcode, r->signal,
		(unsigned long long)r->cpu_us / 1000, (unsigned long long)r->cpu_us,
		(unsigned long long)r->wall_us / 1000, (unsigned long long)r->wall_us,
		(unsigned long long)r->memory_kb, r->oom);

	if (r->syscall[0])
		n += snprintf(buf + n, sizeof buf - (size_t)n, "syscall=%s\nargs=%#llx,%#llx,%#llx,%#llx,%#llx,%#llx\n",
			r->syscall, (unsigned long long)r->args[0], (unsigned long long)r->args[1],
			(unsigned long long)r->args[2], (unsigned long long)r->args[3],
			(unsigned long long)r->args[4], (unsigned long long)r->args[5]);
	if (r->message[0])
		n += snprintf(buf + n, sizeof buf - (size_t)n, "message=%s\n", r->message);
	if (write(S.j->result_fd, buf, (size_t)n) != n)
		fprintf(stderr, "judgebox-helper: cannot write the result record\n");
}

/* die()'s hook once the box exists: nothing survives, the record is written. */
static void s_fail(const char *msg)
{
	s_kill("internal");
	if (S.pidfd >= 0)
		waitid(P_PIDFD, (id_t)S.pidfd, NULL, WEXITED);
	S.g.ops->destroy(&S.g);
	S.r.status = "internal_error";
	snprintf(S.r.message, sizeof S.r.message, "%s", msg);
	s_write_result();
}

static void s_go(void)
{
	if (write(S.sock, "G", 1) != 1)
		die("write to the box");
}

/* The box's user namespace maps only its own uid and gid; 0 stays unmapped. */
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
	if (S.start_ns && !S.r.wall_us) {
		S.r.wall_us = (s_now() - S.start_ns) / 1000;
		S.r.cpu_us = S.g.ops->cpu_us(&S.g) - S.cpu_base;
	}
}

/* One message from the box: U (maps please), N (listener fd), X (exec now),
 * S (the job's wait status), E (a setup error). */
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
	if ((cm = CMSG_FIRSTHDR(&mh)) && cm->cmsg_type == SCM_RIGHTS && buf[0] == 'N')
		memcpy(&S.nfd, CMSG_DATA(cm), sizeof S.nfd);
	else if (buf[0] == 'U') {
		s_maps();
		s_go();
	} else if (buf[0] == 'X') {
		S.start_ns = s_now();
		S.cpu_base = S.g.ops->cpu_us(&S.g);
	} else if (buf[0] == 'S' && n == 1 + sizeof S.status) {
		memcpy(&S.status, buf + 1, sizeof S.status);
		S.have_status = 1;
		s_stop_clocks();          /* before init's exit tears the box down */
	} else if (buf[0] == 'E' && !S.r.message[0]) {
		S.r.status = "internal_error";
		snprintf(S.r.message, sizeof S.r.message, "%s", buf + 1);
	}
	return 1;
}

/* A seccomp notification is a violation: name it, then kill the box. */
static void s_violation(void)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	if (seccomp_notify_alloc(&req, &resp) < 0)
		die("seccomp_notify_alloc");
	if (seccomp_notify_receive(S.nfd, req) == 0 && !S.r.syscall[0]) {
		policy_name(req->data.nr, S.r.syscall, sizeof S.r.syscall);
		memcpy(S.r.args, req->data.args, sizeof S.r.args);
	}
	seccomp_notify_free(req, resp);
	s_kill("violation");
}

/* Check the limits; return the poll timeout (ns) until they could be hit. */
static int64_t s_check_limits(void)
{
	uint64_t now = s_now(), wall_lim = S.j->lim[L_WALL_MS] * 1000000;
	uint64_t cpu_lim = S.j->lim[L_CPU_MS] * 1000, cpu = 0;
	int64_t wait;

	if (!S.start_ns)
		return 1000000000;         /* setting up: the socket will speak */
	if (now - S.start_ns >= wall_lim)
		s_kill("wall_limit");
	cpu = S.g.ops->cpu_us(&S.g) - S.cpu_base;
	if (cpu >= cpu_lim)
		s_kill("cpu_limit");
	if (S.killed_for)
		return 1000000000;
	wait = (int64_t)(cpu_lim - cpu) * 1000 / S.ncpu;
	if (wait > (int64_t)(wall_lim - (now - S.start_ns)))
		wait = (int64_t)(wall_lim - (now - S.start_ns));
	return wait < 200000 ? 200000 : wait;
}

static void s_loop(void)
{
	struct pollfd p[4] = { { S.sock, POLLIN, 0 }, { S.pidfd, POLLIN, 0 },
		{ S.sigfd, POLLIN, 0 }, { -1, POLLIN, 0 } };
	int sock_open = 1, init_alive = 1;

	while (sock_open || init_alive) {
		int64_t t = s_check_limits();
		struct timespec ts = { t / 1000000000, t % 1000000000 };

		p[0].fd = sock_open ? S.sock : -1;
		p[1].fd = init_alive ? S.pidfd : -1;
		p[3].fd = S.nfd;
		if (ppoll(p, 4, &ts, NULL) < 0 && errno != EINTR)
			die("ppoll");
		if (p[3].revents & POLLIN)
			s_violation();
		else if (p[3].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			close(S.nfd);
			S.nfd = -1;
		}
		if (p[0].revents)
			sock_open = s_message();
		if (p[1].revents)
			init_alive = 0;
		if (p[2].revents) {
			struct signalfd_siginfo si;

			if (read(S.sigfd, &si, sizeof si) < 0)
				die("read signalfd");
			s_kill("internal");
			snprintf(S.r.message, sizeof S.r.message, "the helper was told to stop");
		}
	}
	if (waitid(P_PIDFD, (id_t)S.pidfd, NULL, WEXITED) < 0)
		die("waitid");
}

/* The verdict of the run, most specific first. */
static const char *s_status(struct result *r)
{
	int st = S.status;

	if (S.have_status && WIFEXITED(st))
		r->exitcode = WEXITSTATUS(st);
	if (S.have_status && WIFSIGNALED(st))
		r->signal = WTERMSIG(st);
	if (r->syscall[0] || r->signal == SIGSYS)
		return "violation";
	if (r->oom)
		return "memory_limit";
	if (S.killed_for && strcmp(S.killed_for, "internal"))
		return S.killed_for;
	if (r->cpu_us >= S.j->lim[L_CPU_MS] * 1000)
		return "cpu_limit";
	if (r->status)
		return r->status;          /* internal_error, from the box */
	if (!S.have_status)
		return "internal_error";
	if (r->signal == SIGXFSZ)
		return "file_limit";
	return r->signal ? "signal" : r->exitcode ? "exit" : "ok";
}

static void s_finish(void)
{
	struct result *r = &S.r;

	s_stop_clocks();
	S.g.ops->figures(&S.g, r);
	r->status = s_status(r);
	if (!strcmp(r->status, "internal_error") && !r->message[0])
		snprintf(r->message, sizeof r->message, "the box's init died without a status");
	S.g.ops->destroy(&S.g);
}

/* Block the signals a caller may send; they arrive on a signalfd instead.
 * The box's init resets the mask before anything else. */
static void s_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die("sigprocmask");
	sigdelset(&set, SIGPIPE);
	if ((S.sigfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		die("signalfd");
}

static int s_ncpu(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
}

void supervise(const struct conf *c, const struct job *j, void *filter)
{
	struct clone_args ca = { 0 };
	int sp[2];

	S.j = j;
	S.ncpu = s_ncpu();
	if (setgroups(0, NULL) < 0)
		die("setgroups");        /* the caller's groups must not reach the box */
	s_signals();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		die("socketpair");
	S.sock = sp[0];
	S.g.ops = cg_detect();
	snprintf(S.g.name, sizeof S.g.name, "box%u", j->box);
	S.g.ops->create(&S.g, c, j);
	die_hook(s_fail);
	ca.flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC |
		CLONE_NEWUTS | CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)&S.pidfd;
	ca.exit_signal = SIGCHLD;
	if ((S.pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca)) < 0)
		die("clone3");
	if (S.pid == 0) {
		close(sp[0]);
		jail_init(c, j, sp[1], filter);
	}
	close(sp[1]);
	S.g.ops->attach(&S.g, S.pid);
	s_go();
	s_loop();
	die_hook(NULL);
	s_finish();
	s_write_result();
	if (!strcmp(S.r.status, "internal_error"))
		_exit(EXIT_INTERNAL);
}
