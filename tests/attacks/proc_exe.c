/* proc_exe: overwrite the running binary through /proc/self/exe, the
 * helper's through /proc/1/exe (init is the helper's own child), and a copy
 * of itself in /box that it runs, the way CVE-2019-5736 did to runc. */
#include "attack.h"
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	ssize_t n;
	int in, out;

	if (argc > 1 && !strcmp(argv[1], "copy")) {  /* running from /box */
		denied(open("/proc/self/exe", O_WRONLY), "open /proc/self/exe (a copy in /box) for writing");
		return verdict();
	}
	denied(open("/proc/self/exe", O_WRONLY), "open /proc/self/exe for writing");
	denied(open("/proc/self/exe", O_RDWR | O_TRUNC), "truncate /proc/self/exe");
	denied(open("/proc/1/exe", O_WRONLY), "open /proc/1/exe (the helper) for writing");
	denied(open("/proc/1/exe", O_RDONLY), "open /proc/1/exe (the helper) for reading");
	in = open("/proc/self/exe", O_RDONLY);
	out = open("/box/proc_exe", O_WRONLY | O_CREAT | O_TRUNC, 0700);
	while ((n = read(in, buf, sizeof buf)) > 0)
		write(out, buf, (size_t)n);
	close(out);
	if (fork() == 0) {
		execl("/box/proc_exe", "proc_exe", "copy", (char *)NULL);
		_exit(127);
	}
	wait(NULL);
	return verdict();
}
