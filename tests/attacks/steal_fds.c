/* steal_fds: the box's init is the helper's own child: it holds the socket
 * on which the job's status goes to the supervisor, and the caller's
 * environment. Take its descriptors with pidfd_getfd, or reach them through
 * /proc/1. Init is non-dumpable: all of it must be refused. */
#include "attack.h"
#include <sys/mman.h>
#include "../progs/hostile.h"

int main(void)
{
	static const char *paths[] = { "/proc/1/fd", "/proc/1/fd/0", "/proc/1/fd/3", "/proc/1/fd/4",
		"/proc/1/fdinfo/3", "/proc/1/environ", "/proc/1/mem", "/proc/1/maps", "/proc/1/auxv",
		"/proc/1/root/", "/proc/1/cwd/", "/proc/1/exe", "/proc/1/ns/user", "/proc/1/ns/mnt",
		"/proc/1/stack", "/proc/1/syscall", "/proc/1/map_files" };
	int pidfd = (int)syscall(SYS_pidfd_open, 1, 0), nget = 0;

	printf("pidfd_open(1) %s\n", pidfd >= 0 ? "made" : strerrorname_np(errno));
	for (int fd = 0; pidfd >= 0 && fd < 16; fd++) {
		long rc = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		if (rc >= 0 || errno != EBADF) {      /* EBADF: init has no such fd */
			denied(rc, "pidfd_getfd(init, %d)", fd);
			nget++;
		}
	}
	printf("%d of init's fds tried\n", nget);
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		denied(open(paths[i], O_RDONLY), "open %s", paths[i]);
	return verdict();
}
