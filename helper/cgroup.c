/* cgroup.c: what the v1 and v2 backends share.
 * The helper touches only the subtree named by `cgroup` in helper.conf. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include "cgroup.h"

/* Pick the backend: a cgroup2 file system at /sys/fs/cgroup is a v2 host. */
const struct cg_ops *cg_detect(void)
{
	struct statfs s;

	if (statfs("/sys/fs/cgroup", &s) < 0)
		die("statfs /sys/fs/cgroup");
	return s.f_type == CGROUP2_SUPER_MAGIC ? &cgroup_v2 : &cgroup_v1;
}

/* Open /sys/fs/cgroup/HIER/REL, creating the missing levels if asked. */
int cg_open_root(const char *hier, const char *rel, int create)
{
	char path[256], *p, *save = NULL;
	int fd, next;

	snprintf(path, sizeof path, "/sys/fs/cgroup/%s", hier);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die("open %s", path);
	snprintf(path, sizeof path, "%s", rel);
	for (p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (create && mkdirat(fd, p, 0755) < 0 && errno != EEXIST)
			die("mkdir cgroup %s/%s", hier, p);
		if ((next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			die("open cgroup %s/%s (did `setup` run?)", hier, p);
		close(fd);
		fd = next;
	}
	return fd;
}

/* Read a small cgroup file into buf (NUL-terminated); 0 if it does not exist. */
size_t cg_read(int dirfd, const char *name, char *buf, size_t len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		die("open %s", name);
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		die("read %s", name);
	buf[n] = '\0';
	return (size_t)n;
}

/* The number after "KEY " at the start of a line of a flat-keyed file. */
uint64_t cg_key(const char *buf, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = buf; p; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (!strncmp(p, key, k) && p[k] == ' ')
			return strtoull(p + k + 1, NULL, 10);
	}
	return 0;
}

/* SIGKILL one pid, only if it is still in this cgroup once pinned by a pidfd:
 * a pid read from cgroup.procs may have been reused by a host process. */
static void s_kill_member(int dirfd, pid_t pid)
{
	char buf[4096], needle[16];
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pfd < 0)
		return;
	cg_read(dirfd, "cgroup.procs", buf, sizeof buf);
	snprintf(needle, sizeof needle, "%d\n", pid);
	for (char *p = buf; (p = strstr(p, needle)); p++)
		if (p == buf || p[-1] == '\n') {
			syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
			break;
		}
	close(pfd);
}

/* Kill everything left in the cgroup NAME under DIRFD and wait until it is
 * empty. Normally nothing is left: killing the box's pid-namespace init
 * takes the whole namespace with it. This is for a helper that crashed. */
void cg_empty(int dirfd, const char *name)
{
	char buf[4096];
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct timespec ms = { 0, 1000000 };
	long pid;

	if (fd < 0)
		return;
	if (faccessat(fd, "cgroup.kill", F_OK, 0) == 0)
		write_file(fd, "cgroup.kill", "1");
	for (int i = 0; i < 5000 && cg_read(fd, "cgroup.procs", buf, sizeof buf); i++) {
		for (char *p = buf, *end; (pid = strtol(p, &end, 10)) > 0; p = end)
			s_kill_member(fd, (pid_t)pid);
		nanosleep(&ms, NULL);
	}
	close(fd);
}

/* rmdir a cgroup, waiting out the moment a killed task still holds it. */
void cg_rmdir(int parent, const char *name)
{
	struct timespec ms = { 0, 1000000 };

	for (int i = 0; unlinkat(parent, name, AT_REMOVEDIR) < 0; i++) {
		if (errno == ENOENT)
			return;
		if (errno != EBUSY || i == 2000)
			die("rmdir cgroup %s", name);
		nanosleep(&ms, NULL);
	}
}
