/* plant_links MODE HOSTFILE...: plant: leave symlinks in /box to host files
 * (for whoever looks into the box before the next run) and try to hard-link
 * host files into it, which must fail: /box is a file system of its own.
 * check: in a later run, count what is left in /box and read through every
 * link found there: inside the jail, none leads anywhere. */
#include "attack.h"
#include <dirent.h>
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	static const char *hard[] = { "/usr/bin/passwd", "/etc/ld.so.cache", "/dev/null", "/tmp/x" };

	if (argc > 1 && !strcmp(argv[1], "check")) {
		DIR *d = opendir("/box");
		struct dirent *e;
		int left = 0;

		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.') {
				char path[300];
				snprintf(path, sizeof path, "/box/%s", e->d_name);
				left++;
				if (e->d_type == DT_LNK)
					denied(open(path, O_RDONLY), "read through %s", path);
			}
		printf("left in /box: %d\n", left);
		return verdict();
	}
	symlink("/etc/shadow", "/box/shadow");
	symlink("/box/../../../../etc/shadow", "/box/up");
	for (int i = 2; i < argc; i++) {
		char name[64];
		snprintf(name, sizeof name, "/box/%s", i == 2 ? "secret" : "other");
		printf("planted %s -> %s: %s\n", name, argv[i], symlink(argv[i], name) ? strerrorname_np(errno) : "ok");
		denied(link(argv[i], "/box/hard"), "hard link %s", argv[i]);
	}
	close(open("/tmp/x", O_CREAT | O_WRONLY, 0644));
	for (size_t i = 0; i < sizeof hard / sizeof *hard; i++)
		denied(link(hard[i], "/box/hard"), "hard link %s", hard[i]);
	denied(linkat(AT_FDCWD, "/proc/self/exe", AT_FDCWD, "/box/exe", AT_SYMLINK_FOLLOW), "hard link /proc/self/exe");
	return verdict();
}
