/* shm_memory: memory hidden in a tmpfs (/dev/shm) belongs to no process,
 * but the memory cgroup charges it to the box all the same. */
#include "attack.h"
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/shm/hoard";
	static char buf[1 << 20];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	long mib = 0;

	memset(buf, 7, sizeof buf);
	while (fd >= 0 && write(fd, buf, sizeof buf) == (ssize_t)sizeof buf)
		mib++;
	printf("reached: %ld MiB in %s (%s)\n", mib, path, strerrorname_np(errno));
	return 0;
}
