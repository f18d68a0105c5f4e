/* proc_sys: write the kernel's knobs: /proc/sys (read-only in the box),
 * /proc/sysrq-trigger, and one's own oom_score_adj (down is privileged),
 * uid_map and setgroups. */
#include "attack.h"
#include "../progs/hostile.h"

static void try_write(const char *path, const char *what)
{
	int fd = open(path, O_WRONLY);
	denied(fd < 0 ? -1 : write(fd, what, strlen(what)), "write '%s' to %s", what, path);
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	try_write("/proc/sys/kernel/hostname", "pwned");
	try_write("/proc/sys/kernel/core_pattern", "|/box/x");
	try_write("/proc/sys/vm/drop_caches", "3");
	try_write("/proc/sys/kernel/sysrq", "1");
	try_write("/proc/sysrq-trigger", "h");
	try_write("/proc/self/oom_score_adj", "-1000");
	try_write("/proc/self/uid_map", "0 0 1");
	try_write("/proc/self/setgroups", "allow");
	try_write("/proc/1/oom_score_adj", "1000");
	return verdict();
}
