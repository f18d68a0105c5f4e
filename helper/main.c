/* judgebox-helper: build a jail, run one job in it, report exact figures.
 * This is the front door: it checks the caller, reads the root-owned config,
 * validates argv as hostile and runs one of a closed set of operations
 * (setup, clean, run). Rules it MUST keep (see SECURITY.md):
 *  - it reads argv, inherited fds, helper.conf and policy files, nothing else;
 *  - no path from argv is opened on the host: every path comes from helper.conf;
 *  - every number from argv is range-checked against the config's ceilings;
 *  - no environment variable is read, and the job gets none of the caller's. */
#include "helper.h"

static const char *limit_names[L_COUNT] = { "cpu-ms", "wall-ms", "memory-kb", "procs",
	"fsize-kb", "stack-kb", "nofile", "tmp-kb", "cpu-share" };
void (*die_hook)(const char *msg);

/* The one way out on error, with a documented exit code, or SYS after a failed
 * system call (EXIT_INTERNAL, and strerror). The hook (the supervisor's or the
 * box's) reports the message; it is cleared first so that it cannot recurse. */
_Noreturn void die_with(int code, const char *fmt, ...)
{
	void (*hook)(const char *) = die_hook;
	int err = errno, n;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (code == SYS && n >= 0 && (size_t)n < sizeof msg)
		snprintf(msg + n, sizeof msg - (size_t)n, ": %s", strerror(err));
	fprintf(stderr, "judgebox-helper: %s\n", msg);
	die_hook = NULL;
	if (hook)
		hook(msg);
	_exit(code == SYS ? EXIT_INTERNAL : code);
}

void write_file(int dirfd, const char *name, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if ((fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC)) < 0 || write(fd, buf, (size_t)n) != n)
		die("write %s to %s", buf, name);
	close(fd);
}

/* One message on a box's socket: a type byte, with N descriptors. */
void send_fds(int sock, char type, const int *fd, int n)
{
	char ctl[CMSG_SPACE(4 * sizeof(int))] = { 0 };
	struct iovec iov = { &type, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = n ? ctl : NULL, .msg_controllen = n ? CMSG_SPACE((size_t)n * sizeof *fd) : 0 };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	if (n) {
		*cm = (struct cmsghdr){ CMSG_LEN((size_t)n * sizeof *fd), SOL_SOCKET, SCM_RIGHTS };
		memcpy(CMSG_DATA(cm), fd, (size_t)n * sizeof *fd);
	}
	if (sendmsg(sock, &mh, 0) < 0)
		die("send '%c' to the box", type);
}

/* A limit's least value: a cpu-share (thousandths of a CPU) becomes a CFS
 * quota of 100 µs per unit, and the kernel takes 1 ms at least. */
#define LIM_MIN(i) ((i) == L_CPU_SHARE ? 10U : 1U)

/* strtonum: a whole decimal number in [min, max], or die (CODE) naming WHAT. */
static uint64_t s_num(const char *s, uint64_t min, uint64_t max, const char *what, int code)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *s == '-' || *end || errno || v < min || v > max)
		die_with(code, "%s: '%.40s' is not a number in [%llu, %llu]", what, s,
			(unsigned long long)min, (unsigned long long)max);
	return v;
}

/* A file the helper trusts must be root's and writable by root alone, and so
 * must every directory above it (sticky ones like /tmp excepted). */
void check_owner(int fd, const char *path)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (fstat(fd, &st) < 0 || !realpath(path, dir))
		die("stat %s", path);
	if (st.st_uid != 0 || (st.st_mode & 022) || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
		die_with(EXIT_NOPERM, "%s must be a file or directory owned by root and "
			"not writable by group or others", path);
	do {                              /* realpath's answer always has a '/' */
		slash = strrchr(dir, '/');
		slash[slash == dir] = '\0';
		if (stat(dir, &st) < 0)
			die("stat %s", dir);
		if (st.st_uid != 0 || ((st.st_mode & 022) && !(st.st_mode & S_ISVTX)))
			die_with(EXIT_NOPERM, "%s: directory %s must be owned by root and "
				"not writable by group or others", path, dir);
	} while (slash != dir);
}

static void s_path(char *dst, size_t len, const char *v, const char *where)
{
	if (v[0] != '/' || !v[1] || strstr(v, "..") || (size_t)snprintf(dst, len, "%s", v) >= len)
		die_with(EXIT_CONFIG, "%s: '%s' must be an absolute path, without '..', "
			"under %zu bytes", where, v, len);
}

/* One line of helper.conf, `key value...`; judgebox-helper(8) lists the keys. */
static void s_conf_line(struct conf *c, const char *line, const char *where)
{
	char k[32], v[256], d[32], m[32], extra[2];
	int n = sscanf(line, "%31s %255s %31s %31s %1s", k, v, d, m, extra), i;

	if (n == 2 && !strcmp(k, "group"))
		c->group = (gid_t)s_num(v, 0, INT_MAX, where, EXIT_CONFIG);
	else if (n == 2 && !strcmp(k, "first_uid"))
		c->first_uid = (uid_t)s_num(v, 1000, INT_MAX - 10000, where, EXIT_CONFIG);
	else if (n == 2 && !strcmp(k, "boxes"))
		c->boxes = (unsigned)s_num(v, 1, 10000, where, EXIT_CONFIG);
	else if (n == 2 && !strcmp(k, "box_kb"))
		c->box_kb = s_num(v, 64, 1UL << 32, where, EXIT_CONFIG);
	else if (n == 2 && !strcmp(k, "box_root"))
		s_path(c->box_root, sizeof c->box_root, v, where);
	else if (n == 2 && !strcmp(k, "policy_dir"))
		s_path(c->policy_dir, sizeof c->policy_dir, v, where);
	else if (n == 2 && !strcmp(k, "cgroup") && v[0] != '/' && !strstr(v, "..") &&
	    strlen(v) < sizeof c->cgroup)
		strcpy(c->cgroup, v);       /* relative to the hierarchy's root */
	else if (n == 2 && !strcmp(k, "bind") && c->nbinds < MAX_BINDS)
		s_path(c->binds[c->nbinds++], sizeof c->binds[0], v, where);
	else if (n == 4 && !strcmp(k, "limit")) {
		for (i = 0; i < L_COUNT && strcmp(v, limit_names[i]); i++)
			;
		if (i == L_COUNT)
			die_with(EXIT_CONFIG, "%s: unknown limit '%s'", where, v);
		c->max[i] = s_num(m, LIM_MIN(i), i == L_CPU_SHARE ? 1000000 : 1ULL << 40, where, EXIT_CONFIG);
		c->def[i] = s_num(d, LIM_MIN(i), c->max[i], where, EXIT_CONFIG);
	} else
		die_with(EXIT_CONFIG, "%s: not a valid line: %s", where, line);
}

static void s_conf_load(struct conf *c, const char *path)
{
	char line[512], where[PATH_MAX + 16];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), n = 0;
	FILE *f;

	if (fd < 0 || !(f = fdopen(fd, "r")))
		die("open %s", path);
	check_owner(fd, path);
	c->group = (gid_t)-1;
	while (fgets(line, sizeof line, f)) {
		snprintf(where, sizeof where, "%s:%d", path, ++n);
		line[strcspn(line, "#\r\n")] = '\0';
		if (line[strspn(line, " \t")])
			s_conf_line(c, line, where);
	}
	fclose(f);
	for (int i = 0; i < L_CPU_SHARE; i++)   /* cpu-share is optional */
		if (!c->max[i])
			die_with(EXIT_CONFIG, "%s: no `limit %s DEFAULT CEILING`", path, limit_names[i]);
	if (c->group == (gid_t)-1 || !c->first_uid || !c->boxes || !c->box_kb || !c->box_root[0] ||
	    !c->cgroup[0] || !c->policy_dir[0])
		die_with(EXIT_CONFIG, "%s: group, first_uid, boxes, box_kb, box_root, cgroup "
			"and policy_dir are required", path);
}

static void s_check_caller(const struct conf *c)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups(NGROUPS_MAX, groups);

	while (n > 0 && groups[n - 1] != c->group)
		n--;
	if (getuid() != 0 && getgid() != c->group && n <= 0)
		die_with(EXIT_NOPERM, "permission denied: not root and not in group %u", c->group);
}

/* Box N's directory, locked for as long as this process (or the box) lives;
 * with WAIT, up to 5 s for a killed predecessor's box to end. */
static int s_box_dir(const struct conf *c, unsigned box, int wait)
{
	int root = open(c->box_root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), fd;
	char name[16];

	if (root < 0)
		die("open %s (has `setup` been run?)", c->box_root);
	check_owner(root, c->box_root);   /* and every directory above it */
	snprintf(name, sizeof name, "%u", box);
	if ((mkdirat(root, name, 0755) < 0 && errno != EEXIST) ||
	    (fd = openat(root, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		die("open %s/%s", c->box_root, name);
	for (int i = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; i++)
		if (!wait || i == 500 || usleep(10000) < 0)
			die_with(EXIT_BUSY, "box %u is busy", box);
	if ((mkdirat(fd, "box", 0755) < 0 && errno != EEXIST) ||
	    (mkdirat(fd, "root", 0755) < 0 && errno != EEXIST))
		die("mkdir in %s/%s", c->box_root, name);
	return close(root), fd;
}

/* setup: the cgroup subtree, and the box tree: root's, and only the
 * controller's group may enter it (a job may open its own /box to all). */
static void s_setup(const struct conf *c)
{
	int fd;

	cg_setup(c);
	if ((mkdir(c->box_root, 0750) < 0 && errno != EEXIST) ||
	    (fd = open(c->box_root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		die("mkdir %s", c->box_root);
	check_owner(fd, c->box_root);
	if (fchown(fd, 0, c->group) < 0 || fchmod(fd, 0750) < 0)
		die("chown %s", c->box_root);
}

/* clean: a fresh tmpfs at box N's /box; the old one, and all a job left in it
 * (links, setuid files, a full disk), is gone with the unmount, and a file
 * system of its own holds no hard link to a host file. Then up to 5 s for the
 * kernel to free the last job's keys (~50 ms), which /proc/keys lists till then. */
static void s_clean(const struct conf *c, unsigned box)
{
	char path[320], opts[96];
	unsigned uid, left = 1;
	FILE *f;

	snprintf(path, sizeof path, "%s/%u/box", c->box_root, box);
	while (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
		;
	snprintf(opts, sizeof opts, "size=%luk,nr_inodes=%lu,mode=2770,uid=%u,gid=%u",
		c->box_kb, c->box_kb / 4 + 64, c->first_uid + box, c->group);
	if (mount("judgebox-box", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		die("mount tmpfs on %s", path);
	for (int i = 0; left; i++) {
		if (!(f = fopen("/proc/key-users", "re")))   /* ENOENT: a kernel without keys */
			return errno == ENOENT ? (void)0 : die("open /proc/key-users");
		for (left = 0; fgets(path, sizeof path, f); )
			left |= sscanf(path, "%u:", &uid) == 1 && uid == c->first_uid + box;
		fclose(f);
		if (left && (i == 5000 || usleep(1000) < 0))
			die_with(EXIT_BUSY, "box %u: its last job's keys are still there", box);
	}
}

#define NAMECHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
#define s_usage() die_with(EXIT_USAGE, "usage: judgebox-helper setup | clean BOX | serve BOX | " \
	"run BOX [--LIMIT=N] [--policy=NAME] [--network=none|loopback] [--result-fd=FD] [--env=NAME=VALUE] " \
	"-- PROGRAM [ARG...]")

/* run's options, each --name=value; after "--" comes the job's argv. */
static void s_parse_run(const struct conf *c, struct job *j, int argc, char **argv)
{
	static const char *base[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/box", "TMPDIR=/tmp" };
	int i, k, nenv = 3;

	memcpy(j->env, base, sizeof base);     /* none of the caller's environment */
	j->loopback = 0;
	j->result_fd = j->serve ? j->result_fd : -1;  /* served: the request's fourth fd */
	memcpy(j->lim, c->def, sizeof j->lim);
	strcpy(j->policy, "default");
	for (i = 3; i < argc && strcmp(argv[i], "--"); i++) {
		char *opt = argv[i] + 2, *val = strchr(argv[i], '=');

		if (strncmp(argv[i], "--", 2) || !val)
			s_usage();
		*val++ = '\0';
		for (k = 0; k < L_COUNT && strcmp(opt, limit_names[k]); k++)
			;
		if (k < L_COUNT && !c->max[k])
			die_with(EXIT_USAGE, "--%s: helper.conf sets no ceiling for it", opt);
		if (k < L_COUNT)
			j->lim[k] = s_num(val, LIM_MIN(k), c->max[k], opt, EXIT_USAGE);
		else if (!strcmp(opt, "policy") && *val && strlen(val) <= NAME_LEN &&
		    !val[strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789_-")])
			strcpy(j->policy, val);
		else if (!strcmp(opt, "network") && (!strcmp(val, "none") || !strcmp(val, "loopback")))
			j->loopback = val[0] == 'l';
		else if (!strcmp(opt, "result-fd") && (k = (int)s_num(val, 3, 1023, opt, EXIT_USAGE)))
			j->result_fd = j->serve ? j->result_fd : k;
		else if (!strcmp(opt, "env") && nenv < MAX_ENV && strlen(val) <= 4096 &&
		    val[k = (int)strspn(val, NAMECHARS)] == '=' && k > 0)
			j->env[nenv++] = val;
		else
			die_with(EXIT_USAGE, "bad option --%.40s=%.40s (see judgebox-helper(8))", opt, val);
	}
	if (i + 1 >= argc)
		s_usage();
	j->argv = argv + i + 1;
	if (fcntl(j->result_fd, F_GETFD) < 0)
		die_with(EXIT_USAGE, "--result-fd=FD (3 or more, open) is required");
}

/* A run in the locked box: /box must be a mounted tmpfs (never a host
 * directory); its mount is cloned for the job's namespace. */
static void s_run(const struct conf *c, struct job *j)
{
	struct stat top, st;

	if (fstat(j->lock, &top) < 0 || fstatat(j->lock, "box", &st, AT_SYMLINK_NOFOLLOW) < 0)
		die("stat box %u", j->box);
	if (st.st_dev == top.st_dev)
		die_with(EXIT_CONFIG, "box %u is not prepared: run `judgebox-helper clean %u`", j->box, j->box);
	if ((j->tree = open_tree(j->lock, "box", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) < 0)
		die("clone the mount of box %u", j->box);
	j->bpf = policy_bpf(c, j->policy);
	supervise(c, j);
	close(j->tree);
}

/* One request to serve: a datagram of NUL-ended words, `run BOX OPTION...
 * -- PROGRAM ARG...` or `clean BOX`, carrying four descriptors: the job's
 * 0, 1, 2 and the record's. The same checks as argv; BOX must be ours. */
static void s_request(const struct conf *c, struct job *j, char *buf, size_t n, int fd[4],
	char **argv)
{
	int argc = 1;
	struct stat st;

	argv[0] = "judgebox-helper";
	for (size_t i = 0; i < n && argc < 16383; i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	argv[argc] = NULL;
	for (int i = 0; i < 3; i++)
		if (fstat(fd[i], &st) < 0 || S_ISDIR(st.st_mode))
			die_with(EXIT_USAGE, "request: descriptor %d must not be a directory", i);
	if (argc < 3 || s_num(argv[2], 0, c->boxes - 1, "box", EXIT_USAGE) != j->box)
		die_with(EXIT_USAGE, "request: want `run %u ...` or `clean %u`", j->box, j->box);
	if (!strcmp(argv[1], "clean") && argc == 3) {
		s_clean(c, j->box);
		dprintf(fd[3], "exit=0\n");
		return;
	}
	if (strcmp(argv[1], "run"))
		s_usage();
	memcpy(j->io, fd, sizeof j->io);
	j->result_fd = fd[3];
	s_parse_run(c, j, argc, argv);
	s_run(c, j);
}

/* serve BOX: box N's supervisor, prepared once (its lock, its mount
 * namespace, each policy's filter when first used), running one request
 * at a time from the SOCK_SEQPACKET socket on fd 0 until it is closed.
 * Each run's init is made before its request comes, and the request is
 * parsed into memory that init shares. */
static _Noreturn void s_serve(const struct conf *c, struct job *job)
{
	struct { struct job j; char *argv[16384]; char buf[65536]; } *a = SHARED(sizeof *a);
	struct job *j = &a->j;
	char ctl[CMSG_SPACE(4 * sizeof(int))], *buf = a->buf;
	int type = 0, fd[4];
	socklen_t len = sizeof type;

	if (a == MAP_FAILED)
		die("mmap");
	if (getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET)
		die_with(EXIT_USAGE, "serve: fd 0 must be a SOCK_SEQPACKET socket");
	*j = *job;
	j->serve = 1;
	j->lock = s_box_dir(c, j->box, 1);
	j->mntns = jail_prepare(c, j->box);
	policy_bpf(c, "default");   /* and with it the cache's memory, before any init */
	for (;;) {
		struct iovec iov = { buf, sizeof a->buf - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			.msg_controllen = sizeof ctl };
		ssize_t n = (supervise_prepare(c, j), die_hook = supervise_end, recvmsg(0, &mh, MSG_CMSG_CLOEXEC));
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

		if (n <= 0)
			supervise_end(NULL), exit(n == 0 ? EXIT_DONE : EXIT_INTERNAL);   /* the caller is gone */
		if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof fd) ||
		    (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || buf[n - 1])
			die_with(EXIT_USAGE, "serve: a request is NUL-ended words with four descriptors");
		memcpy(fd, CMSG_DATA(cm), sizeof fd);
		s_request(c, j, buf, (size_t)n, fd, a->argv);
		for (int i = 0; i < 4; i++)
			close(fd[i]);
	}
}

int main(int argc, char **argv)
{
	static struct conf c;
	static struct job j;
	struct stat st;

	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		die("prctl");
	for (int fd = 0; fd < 3; fd++)     /* open, and no directory to openat() under */
		if ((fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd) || fstat(fd, &st) < 0 || S_ISDIR(st.st_mode))
			die_with(EXIT_USAGE, "fd %d must be open and not a directory", fd);
	umask(022);
	s_conf_load(&c, HELPER_CONF);
	s_check_caller(&c);
	if (argc == 2 && !strcmp(argv[1], "setup"))
		return s_setup(&c), EXIT_DONE;
	if (argc < 3)
		s_usage();
	j.box = (unsigned)s_num(argv[2], 0, c.boxes - 1, "box", EXIT_USAGE);
	j.uid = c.first_uid + j.box;
	if (!strcmp(argv[1], "clean") && argc == 3)
		return s_box_dir(&c, j.box, 0), s_clean(&c, j.box), EXIT_DONE;
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);    /* the caller's SIG_IGN must not reach the job */
	sigprocmask(SIG_SETMASK, &(sigset_t){ 0 }, NULL);
	signal(SIGPIPE, SIG_IGN);    /* a closed result fd is an error, not a death */
	if (setgroups(0, NULL) < 0)  /* the caller's groups must not reach the box */
		die("setgroups");
	errno = 0;
	j.nice = getpriority(PRIO_PROCESS, 0);
	if (!strcmp(argv[1], "serve") && argc == 3 && close_range(3, ~0U, 0) == 0)
		s_serve(&c, &j);
	if (strcmp(argv[1], "run"))
		s_usage();
	s_parse_run(&c, &j, argc, argv);
	if ((j.result_fd > 3 && close_range(3, (unsigned)j.result_fd - 1, 0) < 0) ||
	    close_range((unsigned)j.result_fd + 1, ~0U, 0) < 0)
		die("close_range");
	j.io[1] = 1, j.io[2] = 2;
	j.lock = s_box_dir(&c, j.box, 0);
	j.mntns = jail_prepare(&c, j.box);
	s_run(&c, &j);
	return EXIT_DONE;
}
