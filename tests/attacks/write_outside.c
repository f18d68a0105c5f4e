/* write_outside [PATH...]: create a file in every directory it can think of;
 * print the ones where it worked. Only /box, /tmp and /dev/shm may be. */
#include "attack.h"
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	static const char *dirs[] = { "/", "/box", "/tmp", "/dev/shm", "/dev", "/usr", "/usr/bin",
		"/usr/lib", "/lib", "/bin", "/etc", "/etc/alternatives", "/var", "/var/tmp", "/root",
		"/home", "/run", "/proc", "/proc/self", "/proc/sys", "/proc/sys/kernel", "/sys",
		"/mnt", "/opt", "/srv", "/proc/1/cwd", "/proc/1/root/tmp" };
	printf("writable:");
	for (int i = 0; i < (int)(sizeof dirs / sizeof *dirs) + argc - 1; i++) {
		const char *d = i < (int)(sizeof dirs / sizeof *dirs) ? dirs[i] : argv[i - (int)(sizeof dirs / sizeof *dirs) + 1];
		char path[512];
		int fd;

		snprintf(path, sizeof path, "%s/judgebox-was-here", d);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
			printf(" %s", d);
			close(fd);
		} else if (mkdir(path, 0755) == 0)
			printf(" %s(mkdir)", d);
	}
	printf("\n");
	return 0;
}
