/* cgroup: leave the box's cgroup for the host's (limits and accounting gone):
 * find a cgroup file system and write a pid into its cgroup.procs; failing
 * that, mount one (a violation). */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	static const char *procs[] = { "/sys/fs/cgroup/cgroup.procs", "/sys/fs/cgroup/memory/cgroup.procs",
		"/sys/fs/cgroup/pids/tasks", "/sys/fs/cgroup/unified/cgroup.procs",
		"/proc/1/root/sys/fs/cgroup/cgroup.procs", "/dev/cgroup/cgroup.procs" };
	char line[256];
	FILE *f = fopen("/proc/self/cgroup", "r");

	while (f && fgets(line, sizeof line, f))
		printf("own cgroup: %s", line);
	for (size_t i = 0; i < sizeof procs / sizeof *procs; i++)
		denied(open(procs[i], O_WRONLY), "open %s", procs[i]);
	mkdir("/tmp/cg", 0755);
	long rc = syscall(SYS_mount, "cgroup", "/tmp/cg", "cgroup2", 0, NULL);
	printf("reached: mount cgroup2 returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
