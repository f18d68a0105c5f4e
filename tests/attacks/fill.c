/* fill DIR: write files of 4 MiB (below the file size limit) into DIR until
 * the file system is full; report how much fitted. */
#include "attack.h"
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	const char *dir = argc > 1 ? argv[1] : "/box";
	long kib = 0;
	int err = 0;

	memset(buf, 'x', sizeof buf);
	for (int i = 0; !err; i++) {
		char path[256];
		int fd;

		snprintf(path, sizeof path, "%s/fill.%d", dir, i);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
			err = errno;
			break;
		}
		for (int k = 0; k < 64; k++) {
			ssize_t w = write(fd, buf, sizeof buf);
			if (w > 0)
				kib += w >> 10;
			if (w != (ssize_t)sizeof buf) {
				err = w < 0 ? errno : ENOSPC;
				break;
			}
		}
		close(fd);
	}
	printf("%s full after %ld MiB: %s\n", dir, kib >> 10, strerrorname_np(err));
	return err == ENOSPC ? 0 : 1;
}
