/* jail.c: the child side of `run`, from clone to exec, in DESIGN.md's order.
 *
 * The clone made new pid, mount, net, ipc and uts namespaces; this process is
 * pid 1 of the box (its "init"). As real root, before any user namespace
 * exists, it joins a cgroup namespace rooted at the box cgroup and builds the
 * file system; the mounts are then locked under the user namespace it
 * creates last. It forks the job, which drops to the box's uid with no
 * capabilities, sets no_new_privs, loads the seccomp filter and execs. Init
 * drops likewise, reaps every orphan and relays the job's wait status.
 * Any failure is sent to the supervisor as an 'E' message; see supervise.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "helper.h"

static int sock = -1;           /* SOCK_SEQPACKET to the supervisor */

static void s_send(char type, const void *data, size_t len)
{
	char msg[256] = { type };

	if (len > sizeof msg - 1)
		len = sizeof msg - 1;
	memcpy(msg + 1, data, len);
	if (write(sock, msg, len + 1) < 0)
		_exit(EXIT_INTERNAL);
}

static void s_report(const char *msg)
{
	s_send('E', msg, strlen(msg));
}

static void s_wait_go(void)
{
	char c;

	if (read(sock, &c, 1) != 1 || c != 'G')
		_exit(EXIT_INTERNAL);    /* the supervisor is gone */
}

static void s_mount(const char *src, const char *dst, const char *type,
	unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		die("mount %s", dst);
}

/* mkdir -p of PATH's parents (and of PATH itself if LAST), under the new root. */
static void s_mkdirs(const char *path, int last)
{
	char buf[256];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf; (p = strchr(p + 1, '/')); *p = '/') {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			die("mkdir %s", buf);
	}
	if (last && mkdir(buf, 0755) < 0 && errno != EEXIST)
		die("mkdir %s", buf);
}

/* Bind SRC (absolute on the host) read-only at the same path in the new root;
 * a symlink is copied as a symlink (merged-/usr hosts), a missing path skipped. */
static void s_bind_ro(const char *src)
{
	char dst[256], link[256];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(dst, sizeof dst, "%s", src + 1);
	if (lstat(src, &st) < 0)
		return;
	s_mkdirs(dst, 0);
	if (S_ISLNK(st.st_mode)) {
		if ((n = readlink(src, link, sizeof link - 1)) < 0)
			die("readlink %s", src);
		link[n] = '\0';
		if (symlink(link, dst) < 0)
			die("symlink %s", dst);
		return;
	}
	if (S_ISDIR(st.st_mode))
		s_mkdirs(dst, 1);
	else if ((fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0 || close(fd) < 0)
		die("create %s", dst);
	s_mount(src, dst, NULL, MS_BIND, NULL);
	s_mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
}

/* A minimal /dev: five harmless character devices, /dev/shm, and links. */
static void s_dev(const struct job *j)
{
	static const char *devs[] = { "null", "zero", "full", "random", "urandom" };
	static const char *links[][2] = { { "/proc/self/fd", "dev/fd" },
		{ "/proc/self/fd/0", "dev/stdin" }, { "/proc/self/fd/1", "dev/stdout" },
		{ "/proc/self/fd/2", "dev/stderr" } };
	char src[32], dst[32], opts[64];
	int fd;

	s_mkdirs("dev", 1);
	s_mount("judgebox-dev", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=755");
	for (size_t i = 0; i < sizeof devs / sizeof *devs; i++) {
		snprintf(src, sizeof src, "/dev/%s", devs[i]);
		snprintf(dst, sizeof dst, "dev/%s", devs[i]);
		if ((fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0 || close(fd) < 0)
			die("create %s", dst);
		s_mount(src, dst, NULL, MS_BIND, NULL);
		s_mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NOEXEC, NULL);
	}
	for (size_t i = 0; i < sizeof links / sizeof *links; i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			die("symlink %s", links[i][1]);
	s_mkdirs("dev/shm", 1);
	snprintf(opts, sizeof opts, "size=%lluk,mode=1777", (unsigned long long)j->lim[L_TMP_KB]);
	s_mount("judgebox-shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, opts);
	s_mount(NULL, "dev", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, "size=64k,mode=755");
}

/* The box's file system: a tmpfs root, read-only system binds, /box, /tmp,
 * /dev and a new /proc; everything nosuid,nodev; the root read-only at last. */
static void s_mounts(const struct conf *c, const struct job *j)
{
	char path[320], opts[64];

	s_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	snprintf(path, sizeof path, "%s/%u/root", c->box_root, j->box);
	s_mount("judgebox-root", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=256k,nr_inodes=512,mode=755");
	if (chdir(path) < 0)
		die("chdir %s", path);
	for (unsigned i = 0; i < c->nbinds; i++)
		s_bind_ro(c->binds[i]);
	s_mkdirs("box", 1);
	snprintf(path, sizeof path, "%s/%u/box", c->box_root, j->box);
	s_mount(path, "box", NULL, MS_BIND, NULL);
	s_mount(NULL, "box", NULL, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV, NULL);
	s_mkdirs("tmp", 1);
	snprintf(opts, sizeof opts, "size=%lluk,mode=1777", (unsigned long long)j->lim[L_TMP_KB]);
	s_mount("judgebox-tmp", "tmp", "tmpfs", MS_NOSUID | MS_NODEV, opts);
	s_dev(j);
	s_mkdirs("proc", 1);
	s_mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	s_mount("proc/sys", "proc/sys", NULL, MS_BIND, NULL);
	s_mount(NULL, "proc/sys", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("detach the host root");
	s_mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
}

static void s_rlimit(int res, uint64_t v)
{
	struct rlimit rl = { v, v };

	if (setrlimit(res, &rl) < 0)
		die("setrlimit %d", res);
}

/* Set while still root in the host's user namespace, so that limits above
 * the caller's own hard limits can be granted up to the config's ceilings. */
static void s_rlimits(const struct job *j)
{
	s_rlimit(RLIMIT_FSIZE, j->lim[L_FSIZE_KB] * 1024);
	s_rlimit(RLIMIT_STACK, j->lim[L_STACK_KB] * 1024);
	s_rlimit(RLIMIT_NOFILE, j->lim[L_NOFILE]);
	s_rlimit(RLIMIT_CORE, 0);
	s_rlimit(RLIMIT_MSGQUEUE, 0);
	s_rlimit(RLIMIT_CPU, j->lim[L_CPU_MS] / 1000 + 2);   /* a backstop only */
}

/* To the box's uid and gid, with no capability in any set, then verify. */
static void s_drop(uid_t uid)
{
	uid_t r, e, s;
	cap_t none = cap_init(), now;

	for (int cap = 0; prctl(PR_CAPBSET_READ, cap) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap) < 0)
			die("drop capability %d from the bounding set", cap);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		die("clear ambient capabilities");
	if (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
		die("switch to uid %u", uid);
	if (!none || cap_set_proc(none) < 0 || !(now = cap_get_proc()))
		die("clear capabilities");
	if (getresuid(&r, &e, &s) < 0 || r != uid || e != uid || s != uid ||
	    getgroups(0, NULL) != 0 || cap_compare(now, none) != 0)
		die_with(EXIT_INTERNAL, "privileges still held after dropping them");
	cap_free(now);
	cap_free(none);
}

static void s_send_fd(int fd)
{
	char c = 'N', ctl[CMSG_SPACE(sizeof fd)] = { 0 };
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof ctl };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof fd);
	memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	if (sendmsg(sock, &mh, 0) < 0)
		die("send the seccomp listener");
}

/* The job: new session, box uid, /box, no_new_privs, seccomp last, exec.
 * Between the filter's load and exec it makes only sendmsg, close, write and
 * execve, which every policy must allow (judgebox-policy(5)). */
static _Noreturn void s_job(const struct job *j, void *filter)
{
	int nfd;

	if (setsid() < 0)
		die("setsid");
	s_drop(j->uid);
	if (chdir("/box") < 0)
		die("chdir /box");
	umask(007);
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		die("close_range");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs");
	if ((nfd = policy_load(filter)) >= 0) {
		s_send_fd(nfd);
		close(nfd);
	}
	s_send('X', NULL, 0);
	execvpe(j->argv[0], j->argv, j->env);
	die("exec %s", j->argv[0]);
}

/* Pid 1 of the box: reap everything; when the job ends, relay its status.
 * Its exit then kills whatever else is left in the pid namespace. */
static _Noreturn void s_reap(pid_t job)
{
	int status;
	pid_t p;

	for (;;) {
		if ((p = wait(&status)) == job) {
			s_send('S', &status, sizeof status);
			_exit(0);
		}
		if (p < 0 && errno != EINTR)
			die("wait");
	}
}

_Noreturn void jail_init(const struct conf *c, const struct job *j, int fd, void *filter)
{
	sigset_t none;
	pid_t job;
	char c1;

	sock = fd;
	die_hook(s_report);
	if ((sock > 3 && close_range(3, (unsigned)sock - 1, 0) < 0) ||
	    close_range((unsigned)sock + 1, ~0U, 0) < 0)
		die("close_range");
	sigemptyset(&none);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);    /* the caller's SIG_IGN must not reach the job */
	sigprocmask(SIG_SETMASK, &none, NULL);
	s_wait_go();                    /* the supervisor has put us in the box cgroup */
	if (unshare(CLONE_NEWCGROUP) < 0)
		die("unshare(CLONE_NEWCGROUP)");
	if (sethostname("box", 3) < 0)
		die("sethostname");
	s_mounts(c, j);
	s_rlimits(j);
	if (unshare(CLONE_NEWUSER) < 0)
		die("unshare(CLONE_NEWUSER)");
	s_send('U', NULL, 0);
	s_wait_go();                    /* uid_map and gid_map are written */
	if ((job = fork()) < 0)
		die("fork");
	if (job == 0)
		s_job(j, filter);
	s_drop(j->uid);
	if (prctl(PR_SET_DUMPABLE, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die("prctl");
	if (recv(sock, &c1, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
		_exit(EXIT_INTERNAL);   /* the supervisor died before PDEATHSIG was set */
	s_reap(job);
}
