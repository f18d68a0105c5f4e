/* judgebox-helper: build a jail, run one job in it, report exact figures.
 *
 * This file is the front door: it checks who is calling, reads the root-owned
 * config, validates argv as hostile input and dispatches one of a closed set
 * of operations (setup, clean, run). It reads nothing else but policy files.
 * Rules it MUST keep (see SECURITY.md):
 *  - no path from argv is ever opened on the host; paths come from helper.conf;
 *  - every number from argv is range-checked against the config's ceilings;
 *  - no environment variable is read, and the job gets none of the caller's. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroup.h"

const char *limit_names[L_COUNT] = { "cpu-ms", "wall-ms", "memory-kb", "procs",
	"fsize-kb", "stack-kb", "nofile", "tmp-kb" };
static void (*die_hook_fn)(const char *msg);

static _Noreturn void s_vdie(int code, int err, const char *fmt, va_list ap)
{
	char msg[256];
	int n = vsnprintf(msg, sizeof msg, fmt, ap);

	if (err && n >= 0 && (size_t)n < sizeof msg)
		snprintf(msg + n, sizeof msg - (size_t)n, ": %s", strerror(err));
	fprintf(stderr, "judgebox-helper: %s\n", msg);
	if (die_hook_fn) {
		void (*hook)(const char *) = die_hook_fn;

		die_hook_fn = NULL;           /* a failing hook must not recurse */
		hook(msg);
	}
	_exit(code);
}

/* Die after a failed system call: the message ends with strerror(errno). */
_Noreturn void die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	s_vdie(EXIT_INTERNAL, err, fmt, ap);
}

/* Die for bad input or a refusal, with one of the documented exit codes. */
_Noreturn void die_with(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	s_vdie(code, 0, fmt, ap);
}

void die_hook(void (*hook)(const char *msg))
{
	die_hook_fn = hook;
}

void write_file(int dirfd, const char *name, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if ((fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC)) < 0)
		die("open %s", name);
	if (write(fd, buf, (size_t)n) != n)
		die("write %s to %s", buf, name);
	close(fd);
}

/* strtonum: a whole decimal number in [min, max], or die naming WHAT. */
static uint64_t s_num(const char *s, uint64_t min, uint64_t max, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *s == '-' || *end || errno || v < min || v > max)
		die_with(EXIT_USAGE, "%s: '%.40s' is not a number in [%llu, %llu]", what, s,
			(unsigned long long)min, (unsigned long long)max);
	return v;
}

/* A file the helper trusts must be root's and writable by root alone, and so
 * must every directory above it (sticky ones like /tmp excepted). */
void check_owner(int fd, const char *path)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("stat %s", path);
	if (st.st_uid != 0 || (st.st_mode & 022) || !S_ISREG(st.st_mode))
		die_with(EXIT_NOPERM, "%s must be a regular file owned by root and "
			"not writable by group or others", path);
	if (!realpath(path, dir))
		die("realpath %s", path);
	while ((slash = strrchr(dir, '/'))) {
		slash[slash == dir] = '\0';
		if (stat(dir, &st) < 0)
			die("stat %s", dir);
		if (st.st_uid != 0 || ((st.st_mode & 022) && !(st.st_mode & S_ISVTX)))
			die_with(EXIT_NOPERM, "%s: directory %s must be owned by root and "
				"not writable by group or others", path, dir);
		if (slash == dir)
			break;
	}
}

static void s_copy(char *dst, size_t len, const char *val, const char *file, int line)
{
	if (val[0] != '/' || strstr(val, "/../") || (size_t)snprintf(dst, len, "%s", val) >= len)
		die_with(EXIT_CONFIG, "%s:%d: '%s' must be an absolute path under %zu bytes",
			file, line, val, len);
}

/* One `key value` line of helper.conf; see judgebox-helper(8). */
static void s_conf_line(struct conf *c, char *key, char *v, const char *file, int line)
{
	char *v2 = v + strcspn(v, " \t"), *v3;
	int i;

	if (*v2)
		*v2++ = '\0';
	v2 += strspn(v2, " \t");
	v3 = v2 + strcspn(v2, " \t");
	if (*v3)
		*v3++ = '\0';
	if (!strcmp(key, "group"))
		c->group = (gid_t)s_num(v, 1, 0x7fffffff, "group (numeric gid)");
	else if (!strcmp(key, "first_uid"))
		c->first_uid = (uid_t)s_num(v, 1000, 0x7fffffff, "first_uid");
	else if (!strcmp(key, "boxes"))
		c->boxes = (unsigned)s_num(v, 1, 10000, "boxes");
	else if (!strcmp(key, "box_kb"))
		c->box_kb = (unsigned long)s_num(v, 64, 1UL << 32, "box_kb");
	else if (!strcmp(key, "box_root"))
		s_copy(c->box_root, sizeof c->box_root, v, file, line);
	else if (!strcmp(key, "policy_dir"))
		s_copy(c->policy_dir, sizeof c->policy_dir, v, file, line);
	else if (!strcmp(key, "cgroup")) {
		if (v[0] == '/' || strstr(v, "..") || strlen(v) >= sizeof c->cgroup)
			die_with(EXIT_CONFIG, "%s:%d: cgroup must be a relative path without '..'", file, line);
		strcpy(c->cgroup, v);
	} else if (!strcmp(key, "bind")) {
		if (c->nbinds == MAX_BINDS)
			die_with(EXIT_CONFIG, "%s:%d: more than %d bind lines", file, line, MAX_BINDS);
		s_copy(c->binds[c->nbinds++], sizeof c->binds[0], v, file, line);
	} else if (!strcmp(key, "limit")) {
		for (i = 0; i < L_COUNT && strcmp(v, limit_names[i]); i++)
			;
		if (i == L_COUNT)
			die_with(EXIT_CONFIG, "%s:%d: unknown limit '%s'", file, line, v);
		c->max[i] = s_num(v3, 1, 1ULL << 40, limit_names[i]);
		c->def[i] = s_num(v2, 1, c->max[i], limit_names[i]);
	} else
		die_with(EXIT_CONFIG, "%s:%d: unknown key '%s'", file, line, key);
}

static void s_conf_load(struct conf *c, const char *path)
{
	char line[512], *key;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), n = 0;
	FILE *f;

	if (fd < 0)
		die("open %s", path);
	check_owner(fd, path);
	if (!(f = fdopen(fd, "r")))
		die("fdopen %s", path);
	while (fgets(line, sizeof line, f)) {
		n++;
		line[strcspn(line, "#\n")] = '\0';
		key = line + strspn(line, " \t");
		if (!*key)
			continue;
		char *v = key + strcspn(key, " \t");
		if (*v)
			*v++ = '\0';
		v += strspn(v, " \t");
		v[strcspn(v, "\r")] = '\0';
		s_conf_line(c, key, v, path, n);
	}
	fclose(f);
	if (!c->group || !c->first_uid || !c->boxes || !c->box_root[0] || !c->cgroup[0] || !c->policy_dir[0])
		die_with(EXIT_CONFIG, "%s: group, first_uid, boxes, box_root, cgroup and "
			"policy_dir are required", path);
	for (int i = 0; i < L_COUNT; i++)
		if (!c->max[i])
			die_with(EXIT_CONFIG, "%s: no `limit %s DEFAULT CEILING` line", path, limit_names[i]);
}

static void s_check_caller(const struct conf *c)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups(NGROUPS_MAX, groups);

	if (getuid() == 0 || getgid() == c->group)
		return;
	for (int i = 0; i < n; i++)
		if (groups[i] == c->group)
			return;
	die_with(EXIT_NOPERM, "permission denied: caller is not root and not in group %u", c->group);
}

/* Open (and lock, for the run's whole life) box N's directory. */
static int s_box_dir(const struct conf *c, unsigned box)
{
	char path[320];
	int fd;

	snprintf(path, sizeof path, "%s/%u", c->box_root, box);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die("mkdir %s", path);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		die("open %s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		die_with(EXIT_BUSY, "box %u is busy", box);
	if (mkdirat(fd, "box", 0755) < 0 && errno != EEXIST)
		die("mkdir %s/box", path);
	if (mkdirat(fd, "root", 0755) < 0 && errno != EEXIST)
		die("mkdir %s/root", path);
	return fd;
}

/* setup: the cgroup subtree and the box tree, owned by root. */
static void s_setup(const struct conf *c)
{
	struct stat st;

	cg_detect()->setup(c);
	if (mkdir(c->box_root, 0755) < 0 && errno != EEXIST)
		die("mkdir %s", c->box_root);
	if (lstat(c->box_root, &st) < 0)
		die("stat %s", c->box_root);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
		die_with(EXIT_NOPERM, "%s must be a directory owned by root, mode 755", c->box_root);
}

/* clean: a fresh tmpfs at box N's /box. The old one, and whatever a job left
 * in it (links, setuid files, a full disk), is gone with the unmount; a
 * separate file system also rules out hard links to host files. */
static void s_clean(const struct conf *c, unsigned box)
{
	char path[320], opts[96];
	int fd = s_box_dir(c, box);

	snprintf(path, sizeof path, "%s/%u/box", c->box_root, box);
	while (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
		;
	snprintf(opts, sizeof opts, "size=%luk,nr_inodes=%lu,mode=2770,uid=%u,gid=%u",
		c->box_kb, c->box_kb / 4 + 64, c->first_uid + box, c->group);
	if (mount("judgebox-box", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		die("mount tmpfs on %s", path);
	close(fd);
}

static _Noreturn void s_usage(void)
{
	die_with(EXIT_USAGE, "usage: judgebox-helper setup | clean BOX | "
		"run BOX [--LIMIT=N] [--policy=NAME] [--result-fd=FD] [--env=NAME=VALUE] "
		"-- PROGRAM [ARG...]");
}

static void s_env(struct job *j, int *n, const char *kv)
{
	size_t name = strspn(kv, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

	if (*n >= MAX_ENV + 4 || name == 0 || kv[name] != '=' || strlen(kv) > 4096)
		die_with(EXIT_USAGE, "--env: '%.40s' is not NAME=VALUE (at most %d, 4 KiB each)", kv, MAX_ENV);
	j->env[(*n)++] = (char *)kv;
}

/* run's options, each --name=value; everything after "--" is the job's argv. */
static void s_parse_run(const struct conf *c, struct job *j, int argc, char **argv)
{
	int i, k, nenv = 0;

	s_env(j, &nenv, "PATH=/usr/local/bin:/usr/bin:/bin");
	s_env(j, &nenv, "HOME=/box");
	s_env(j, &nenv, "TMPDIR=/tmp");
	memcpy(j->lim, c->def, sizeof j->lim);
	strcpy(j->policy, "default");
	j->result_fd = 2;
	for (i = 3; i < argc && strcmp(argv[i], "--"); i++) {
		char *opt = argv[i] + 2, *val = strchr(argv[i], '=');

		if (strncmp(argv[i], "--", 2) || !val)
			s_usage();
		*val++ = '\0';
		for (k = 0; k < L_COUNT && strcmp(opt, limit_names[k]); k++)
			;
		if (k < L_COUNT)
			j->lim[k] = s_num(val, 1, c->max[k], opt);
		else if (!strcmp(opt, "policy")) {
			if (!*val || strlen(val) > NAME_LEN || val[strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789_-")])
				die_with(EXIT_USAGE, "--policy: a name of [a-z0-9_-], at most %d", NAME_LEN);
			strcpy(j->policy, val);
		} else if (!strcmp(opt, "result-fd"))
			j->result_fd = (int)s_num(val, 2, 1023, opt);
		else if (!strcmp(opt, "env"))
			s_env(j, &nenv, val);
		else
			die_with(EXIT_USAGE, "unknown option --%.40s", opt);
	}
	if (i + 1 >= argc)
		s_usage();
	j->argv = argv + i + 1;
	if (fcntl(j->result_fd, F_GETFD) < 0)
		die_with(EXIT_USAGE, "--result-fd=%d is not open", j->result_fd);
}

/* Hygiene before anything else: not dumpable, 0-2 open, no stray fds. */
static void s_sanitize(void)
{
	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		die("prctl(PR_SET_DUMPABLE)");
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			die("open /dev/null");
	umask(022);
}

int main(int argc, char **argv)
{
	static struct conf c;
	static struct job j;
	struct stat top, st;
	int boxfd;

	s_sanitize();
	s_conf_load(&c, HELPER_CONF);
	s_check_caller(&c);
	if (argc == 2 && !strcmp(argv[1], "setup")) {
		s_setup(&c);
		return EXIT_DONE;
	}
	if (argc < 3 || (strcmp(argv[1], "clean") && strcmp(argv[1], "run")))
		s_usage();
	j.box = (unsigned)s_num(argv[2], 0, c.boxes - 1, "box");
	j.uid = c.first_uid + j.box;
	if (!strcmp(argv[1], "clean")) {
		if (argc != 3)
			s_usage();
		s_clean(&c, j.box);
		return EXIT_DONE;
	}
	s_parse_run(&c, &j, argc, argv);
	if ((j.result_fd > 3 && close_range(3, (unsigned)j.result_fd - 1, 0) < 0) ||
	    close_range(j.result_fd < 3 ? 3 : (unsigned)j.result_fd + 1, ~0U, 0) < 0)
		die("close_range");
	boxfd = s_box_dir(&c, j.box);   /* held (and locked) until we exit */
	if (fstat(boxfd, &top) < 0 || fstatat(boxfd, "box", &st, AT_SYMLINK_NOFOLLOW) < 0)
		die("stat box %u", j.box);
	if (st.st_dev == top.st_dev)
		die_with(EXIT_CONFIG, "box %u is not prepared: run `judgebox-helper clean %u`", j.box, j.box);
	supervise(&c, &j, policy_compile(&c, j.policy));
	return EXIT_DONE;
}
