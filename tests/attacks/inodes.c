/* inodes: create empty files in /box until no inode is left. */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	long n;
	int fd;

	for (n = 0;; n++) {
		char path[64];
		snprintf(path, sizeof path, "/box/i%ld", n);
		if ((fd = open(path, O_WRONLY | O_CREAT, 0600)) < 0)
			break;
		close(fd);
	}
	printf("no inode left after %ld files: %s\n", n, strerrorname_np(errno));
	return errno == ENOSPC ? 0 : 1;
}
