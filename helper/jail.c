/* jail.c: the box's file system, built once (jail_prepare: a mount namespace
 * the host's user namespace owns, held by a descriptor while the box lives),
 * and the child side of a run in DESIGN.md's order: init, pid 1 of new pid,
 * net, ipc and uts namespaces, still real root, joins a cgroup namespace and
 * a copy of the box's mount namespace, out of reach of any capability the job
 * could hold, and starts the job, which drops to the box's uid, sets
 * no_new_privs, loads the filter and execs. Init drops too and reaps; errors go as 'E'. */
#include "helper.h"
#include <linux/keyctl.h>
#include <net/if.h>

enum { NOSUID_NODEV = MS_NOSUID | MS_NODEV };
static int sock = -1;           /* SOCK_SEQPACKET to the supervisor */

/* One message: a type byte, then at most 255 bytes (die's are shorter). */
static void s_send(char type, const void *data, size_t len)
{
	char msg[256] = { type };

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
	char c = 0;
	if (read(sock, &c, 1) != 1 || c != 'G')
		_exit(EXIT_INTERNAL);    /* the supervisor is gone */
}

static void s_mount(const char *src, const char *dst, const char *type,
	unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		die("mount %s", dst);
}

/* Bind SRC at DST, then remount the bind with FLAGS (a bind ignores them). */
static void s_bind(const char *src, const char *dst, unsigned long flags)
{
	s_mount(src, dst, NULL, MS_BIND, NULL);
	s_mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | flags, NULL);
}

/* Under the new root: mkdir -p PATH's parents, then make PATH a directory
 * ('d') or an empty file ('f'), or leave it to the caller (0). */
static void s_make(const char *path, char what)
{
	char buf[256];
	int fd;

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf; (p = strchr(p + 1, '/')); *p = '/') {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			die("mkdir %s", buf);
	}
	if ((what == 'd' && mkdir(buf, 0755) < 0 && errno != EEXIST) || (what == 'f' &&
	    ((fd = open(buf, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0 || close(fd) < 0)))
		die("create %s", buf);
}

/* Bind SRC (absolute on the host) read-only at the same path in the new root;
 * a symlink is copied as a symlink (merged-/usr hosts), a missing path skipped. */
static void s_bind_ro(const char *src)
{
	char link[256];
	struct stat st;
	ssize_t n;

	if (lstat(src, &st) < 0)
		return;
	s_make(src + 1, S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' : 0);
	if (S_ISLNK(st.st_mode)) {
		if ((n = readlink(src, link, sizeof link - 1)) < 0)
			die("readlink %s", src);
		link[n] = '\0';
		if (symlink(link, src + 1) < 0)
			die("symlink %s", src);
	} else
		s_bind(src, src + 1, MS_RDONLY | NOSUID_NODEV);
}

/* A minimal /dev: five harmless character devices, links, and the mount
 * point of each job's /dev/shm; read-only. */
static void s_dev(void)
{
	static const char *devs[] = { "/dev/null", "/dev/zero", "/dev/full",
		"/dev/random", "/dev/urandom" };
	static const char *links[] = { "/proc/self/fd", "dev/fd", "/proc/self/fd/0",
		"dev/stdin", "/proc/self/fd/1", "dev/stdout", "/proc/self/fd/2", "dev/stderr" };

	s_make("dev", 'd');
	s_mount("judgebox-dev", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=755");
	for (int i = 0; i < 5; i++) {
		s_make(devs[i] + 1, 'f');
		s_bind(devs[i], devs[i] + 1, MS_NOSUID | MS_NOEXEC);   /* devices work here only */
	}
	for (int i = 0; i < 8; i += 2)
		if (symlink(links[i], links[i + 1]) < 0)
			die("symlink %s", links[i + 1]);
	s_make("dev/shm", 'd');
	s_mount(NULL, "dev", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, NULL);
}

/* The box's file system, built once in a mount namespace of its own: a
 * tmpfs root, read-only system binds, /dev, and the empty mount points of
 * what each job gets new (/box, /tmp, /dev/shm, /proc), all nosuid,nodev;
 * the root read-only at the end. */
static void s_template(const struct conf *c, unsigned box)
{
	char path[320];

	if (unshare(CLONE_NEWNS) < 0)
		die("unshare(CLONE_NEWNS)");
	s_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	snprintf(path, sizeof path, "%s/%u/root", c->box_root, box);
	s_mount("judgebox-root", path, "tmpfs", NOSUID_NODEV, "size=256k,nr_inodes=512,mode=755");
	if (chdir(path) < 0)
		die("chdir %s", path);
	for (unsigned i = 0; i < c->nbinds; i++)
		s_bind_ro(c->binds[i]);
	for (const char **d = (const char *[]){ "box", "tmp", "proc", NULL }; *d; d++)
		s_make(*d, 'd');
	s_dev();
	if (syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("pivot_root");
	s_mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | NOSUID_NODEV, NULL);
}

/* Box N's mount namespace, prepared once: the helper builds it, keeps a
 * descriptor to it and goes back to the host's. */
int jail_prepare(const struct conf *c, unsigned box)
{
	int self = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC), host, fd;

	if (self < 0 || (host = openat(self, "ns/mnt", O_RDONLY | O_CLOEXEC)) < 0)
		die("open /proc/self/ns/mnt");
	s_template(c, box);
	if ((fd = openat(self, "ns/mnt", O_RDONLY | O_CLOEXEC)) < 0 || setns(host, CLONE_NEWNS) < 0)
		die_with(SYS, "box %u: its file system could not be prepared", box);
	return close(self), close(host), fd;
}

/* network=loopback: lo up in the run's own network namespace, while init
 * is still root there (CAP_NET_ADMIN). Not through libnl-route: its
 * constructor opens $NLSYSCONFDIR/classid before main, which a setuid
 * program must not let its caller choose (SECURITY.md). */
static void s_loopback(void)
{
	struct ifreq ifr = { .ifr_name = "lo", .ifr_flags = IFF_UP };   /* lo has no other flag to keep */
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		die("loopback: bring lo up");
	close(fd);
}

/* Set while still root in the host's user namespace, so that limits above
 * the caller's own hard limits can be granted, up to the config's ceilings.
 * RLIMIT_CPU is a backstop for a supervisor that stops timing, never a judge:
 * the kernel counts it per process from scheduler ticks, which can run 25%
 * and more ahead of the cgroup's exact figure when a neighbour runs between
 * ticks. At wall-ms on every CPU the kernel has (NCPU, read before /sys is
 * gone), plus 2 s, no process can reach it before the supervisor's wall
 * deadline. Soft = hard: SIGKILL, no SIGXCPU first. */
static void s_rlimits(const struct job *j, long ncpu)
{
	uint64_t cpu_s = j->lim[L_WALL_MS] * (uint64_t)(ncpu > 0 ? ncpu : 1) / 1000 + 2;
	const struct { int res; uint64_t v; } rl[] = {
		{ RLIMIT_FSIZE, j->lim[L_FSIZE_KB] << 10 }, { RLIMIT_STACK, j->lim[L_STACK_KB] << 10 },
		{ RLIMIT_NOFILE, j->lim[L_NOFILE] }, { RLIMIT_CORE, 0 }, { RLIMIT_MSGQUEUE, 0 },
		{ RLIMIT_CPU, cpu_s },
		{ RLIMIT_RTPRIO, 0 }, { RLIMIT_NICE, 0 }, { RLIMIT_MEMLOCK, 64 << 10 },
	};

	for (size_t i = 0; i < sizeof rl / sizeof *rl; i++)
		if (setrlimit(rl[i].res, &(struct rlimit){ rl[i].v, rl[i].v }) < 0)
			die("setrlimit %d", rl[i].res);
}

/* To the box's uid and gid, with no capability in any set (the bounding set
 * is emptied before the fork, for both); then verify. Init passes 0: it
 * keeps ids the box's namespace does not map, so that the job, having none
 * of them, can neither signal, prlimit nor renice it. */
static void s_drop(uid_t uid)
{
	cap_t none = cap_init(), now;
	uid_t r, e, s;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ||
	    (uid && (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)) ||
	    !none || cap_set_proc(none) < 0 || !(now = cap_get_proc()))
		die("drop privileges to uid %u", uid);
	if (getresuid(&r, &e, &s) < 0 || (uid && (r != uid || e != uid || s != uid)) ||
	    getgroups(0, NULL) != 0 || cap_compare(now, none) != 0)
		die_with(EXIT_INTERNAL, "privileges still held after dropping them");
	cap_free(now);
	cap_free(none);
}

/* The job: new session, box uid, /box, no_new_privs, seccomp last, exec.
 * After the filter is loaded it makes only sendmsg, close, read, execve (and
 * write if exec fails), which every policy must allow (judgebox-policy(5)).
 * It shares init's memory, as posix_spawn's child does, on a stack of its
 * own, until the exec: init waits (CLONE_VFORK) and no page table is copied
 * (a fork cost 0.65 ms here, this 0.02). */
static char stack[1 << 18] __attribute__((aligned(16)));
static int s_job(void *arg)
{
	const struct job *j = arg;
	unsigned flags = seccomp_api_get() >= 5 ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	int nfd;

	if (setsid() < 0)
		die("setsid");
	s_drop(j->uid);
	umask(007);
	if (chdir("/box") < 0 || close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("prepare the job");
	if ((nfd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, j->bpf)) < 0)
		die("seccomp");
	send_fds(sock, 'X', &nfd, !!flags);      /* with the listener, if any, */
	if (flags)
		close(nfd);             /* which the job must never hold */
	s_wait_go();                   /* the supervisor has read the clocks */
	environ = (char **)j->env;            /* execvp searches environ's PATH, not the caller's */
	execvp(j->argv[0], j->argv);
	die("exec %s", j->argv[0]);
}

/* 'J': the request has come, and the job is in shared memory. Its 0-2 land
 * on the free 0-2; the clone of /box is returned. */
static int s_wait_job(void)
{
	char c = 0, ctl[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
		.msg_controllen = sizeof ctl };
	struct cmsghdr *cm;
	int fd[4];

	if (recvmsg(sock, &mh, 0) != 1 || c != 'J' || !(cm = CMSG_FIRSTHDR(&mh)) ||
	    cm->cmsg_len != CMSG_LEN(sizeof fd) || !memcpy(fd, CMSG_DATA(cm), sizeof fd) ||
	    fd[0] != 0 || fd[1] != 1 || fd[2] != 2)
		die_with(EXIT_INTERNAL, "no request came, or its 0-2 did not land on 0-2");
	return fd[3];
}

/* Before J, what every run has: a copy of the box's mount namespace with
 * this pid namespace's /proc, the cgroup and uts namespaces, a keyring of
 * its own (the caller's session keyring, systemd's or a login's, would carry
 * keys from one job to the next). After J, what the request says. */
_Noreturn void jail_init(const struct job *j, int fd)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);    /* before /sys is gone */
	unsigned lo = (unsigned)(fd < j->lock ? fd : j->lock), hi = (unsigned)(fd ^ j->lock) ^ lo;
	char opts[64], c1;
	pid_t job, p;
	int tree, status;

	sock = fd;
	die_hook = s_report;
	signal(SIGPIPE, SIG_DFL);      /* the supervisor reset every other disposition */
	setpriority(PRIO_PROCESS, 0, j->nice);   /* not a serve's -10 from an earlier run */
	if (setns(j->mntns, CLONE_NEWNS) < 0 || unshare(CLONE_NEWNS) < 0 || chdir("/") < 0)
		die("enter the box's mount namespace");
	close_range(0, lo - 1, 0);      /* all but the socket and the box lock: */
	close_range(lo + 1, hi - 1, 0); /* not the caller's 0-2, nor a serve's socket */
	close_range(hi + 1, ~0U, 0);
	s_wait_go();                    /* the supervisor has put us in the box cgroup */
	if (unshare(CLONE_NEWCGROUP) < 0 || sethostname("box", 3) < 0 || setdomainname("", 0) < 0 ||
	    syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		die("unshare(CLONE_NEWCGROUP), a keyring");
	s_mount("proc", "/proc", "proc", NOSUID_NODEV | MS_NOEXEC, NULL);
	s_bind("/proc/sys", "/proc/sys", MS_RDONLY | NOSUID_NODEV | MS_NOEXEC);
	if (move_mount(tree = s_wait_job(), "", AT_FDCWD, "/box", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		die("mount /box");
	close(tree);
	snprintf(opts, sizeof opts, "size=%lluk,mode=1777", (unsigned long long)j->lim[L_TMP_KB]);
	s_mount("judgebox-tmp", "/tmp", "tmpfs", NOSUID_NODEV, opts);
	s_mount("judgebox-shm", "/dev/shm", "tmpfs", NOSUID_NODEV, opts);
	if (j->loopback)
		s_loopback();
	s_rlimits(j, ncpu);
	if (unshare(CLONE_NEWUSER) < 0)
		die("unshare(CLONE_NEWUSER)");
	s_send('U', NULL, 0);
	s_wait_go();                    /* uid_map and gid_map are written */
	for (int cap = 0; prctl(PR_CAPBSET_DROP, cap) >= 0; cap++)
		;                       /* EINVAL past the last capability */
	if (errno != EINVAL || prctl(PR_CAPBSET_READ, 0) != 0)
		die("drop the bounding set");
	if ((job = clone(s_job, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, (void *)j)) < 0)
		die("clone the job");
	die_hook = s_report;            /* a job's die() cleared the shared pointer */
	s_drop(0);
	if (prctl(PR_SET_DUMPABLE, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die("prctl");
	if (recv(sock, &c1, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
		_exit(EXIT_INTERNAL);   /* the supervisor died before PDEATHSIG was set */
	/* Pid 1 of the box: reap everything; when the job ends, relay its status.
	 * Its exit then kills whatever else is left in the pid namespace. */
	while ((p = wait(&status)) != job)
		if (p < 0 && errno != EINTR)
			die("wait");
	s_send('S', &status, sizeof status);
	_exit(0);
}
